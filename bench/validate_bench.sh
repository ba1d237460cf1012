#!/usr/bin/env bash
# prep validate throughput and peak memory on large inputs (there is no reference to compare:
# MMOCR 0.6.3 checks nothing). Inputs from bench/gen_validate.py into bench/work/validate
# (git-ignored): 1,000,000 recognition labels, a 100,000-image COCO file with 1,000,000
# polygons (annotation checks only: --skip-images, there are no image files), and 5,000 real
# JPEG pages (every image read, probed, SHA-256 hashed; then also decoded with --decode).
# As a yardstick, Python's json.load of the same COCO file is timed too.
#
#   bash bench/validate_bench.sh       # needs the peer venv for Pillow (PEER, ../shared/peer)
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
WORK=$(pwd)/bench/work/validate
[ -f "$WORK/instances_pages.json" ] || "$PY" bench/gen_validate.py "$WORK"
build_prep
cd "$WORK"
run() {
  local name=$1; shift
  /usr/bin/time -f "$name wall=%es rss=%MkB cpu=%U+%Ss" "$@" >/dev/null 2>"last.err" || [ $? -eq 1 ]
  tail -1 last.err
}
run "labels 1M (txt, --skip-images)     " "$PREP" validate train=labels.txt --skip-images --report labels.report.json
run "COCO 100k images / 1M polygons     " "$PREP" validate instances_big.json --skip-images --report big.report.json
run "python json.load of the same COCO  " "$PY" -c "import json; json.load(open('instances_big.json'))"
run "5k pages: read+probe+SHA-256       " "$PREP" validate instances_pages.json --report pages.report.json
run "5k pages: + --decode               " "$PREP" validate instances_pages.json --decode
ls -la labels.txt instances_big.json | awk '{print $5, $9}'
