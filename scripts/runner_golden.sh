#!/usr/bin/env bash
# Regenerates fixtures/expected/runner/*.txt (RunnerGoldenTests) with the prep binary given
# (the goldens in the repository come from main's debug build at ccb0d9b, before issue 19's
# "one pass per task" restructuring of DatasetRunner): each file is a dataset run's output tree
# (sizes, SHA-256 prefixes, link targets) and its --report JSON.
#   bash scripts/runner_golden.sh /path/to/prep
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=$(realpath "${1:?usage: runner_golden.sh PREP_BINARY}")
mkdir -p fixtures/expected/runner
swift build --build-tests >/dev/null
PREP_TEST_BINARY=$BIN PREP_WRITE_RUNNER_GOLDEN=1 swift test --skip-build --disable-swift-testing --filter RunnerGoldenTests
git status --short fixtures/expected/runner
