#!/usr/bin/env bash
# The whole test suite: installs missing system packages, builds, runs every test.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup-deps.sh
swift build --build-tests
swift test --skip-build --disable-swift-testing
bash scripts/check-examples.sh
bash scripts/check-onnx.sh
