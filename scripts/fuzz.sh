#!/usr/bin/env bash
# The long fuzz run (issue 19): EXECS executions per parser family (default 100,000), with SEED
# (default 19), optionally only the comma-separated FAMILIES. Builds the tests, then runs the
# in-process harness in Tests/PrepPipelineTests/Fuzz. A crash or hang leaves its input in
# .build/fuzz/<family>/ (the path is printed); escapes are copied there as escape-N-*.
#
#   bash scripts/fuzz.sh [EXECS] [SEED] [FAMILIES]
set -euo pipefail
cd "$(dirname "$0")/.."
EXECS="${1:-100000}"
SEED="${2:-19}"
FAMILIES="${3:-}"
swift build --build-tests
mkdir -p .build/fuzz
env PREP_FUZZ_EXECS="$EXECS" PREP_FUZZ_SEED="$SEED" PREP_FUZZ_DIR="$PWD/.build/fuzz" \
    ${FAMILIES:+PREP_FUZZ_FAMILY="$FAMILIES"} \
    swift test --skip-build --disable-swift-testing --filter FuzzTests 2>&1 | tee .build/fuzz/last-run.log \
    | grep -E '^fuzz|prep fuzz|error|crashed|HANG|Executed'
