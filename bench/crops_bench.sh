#!/usr/bin/env bash
# DeText crop benchmark: release prep against MMOCR 0.6.3's detext_converter.py (see crops_bench.py).
set -euo pipefail
cd "$(dirname "$0")/.."
PEER=${PEER:-${XDG_CACHE_HOME:-$HOME/.cache}/prep-peer}
swift build -c release --product prep
PEER=$PEER "$PEER/venv/bin/python" bench/crops_bench.py "$@"
