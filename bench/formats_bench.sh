#!/usr/bin/env bash
# Format benchmark (issue 8): `prep convert --to line-json` against the reference's
# `coco_to_line_dict.py` on the same generated COCO 0.x file (outputs checked equal), plus prep's
# other targets on the same input for scale. Prints wall time, peak RSS and ratios.
#
# usage: bash bench/formats_bench.sh [IMAGES]   (default 20000; needs ../shared/peer set up)
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-20000}
PEER=${PEER:-${XDG_CACHE_HOME:-$HOME/.cache}/prep-peer}
PY=$PEER/venv/bin/python
WORK=bench/work/formats-$N
REPS=${REPS:-3}
MEASURE=$(pwd)/bench/measure.py
bash ../shared/peer/setup.sh >/dev/null
mkdir -p "$WORK"
[ -f "$WORK/instances.json" ] || "$PY" bench/gen_coco.py "$WORK/instances.json" "$N"
swift build -c release --product prep >/dev/null
PREP=$(swift build -c release --show-bin-path)/prep

. bench/lib.sh

printf '%-34s %10s %10s %10s\n' "task ($N images, $((N * 10)) boxes)" wall_s rss_mib ratio
read -r rw rr < <(run "$PY" ../shared/peer/run.py "$PEER/mmocr063/tools/data/textdet/coco_to_line_dict.py" \
                  --in-path "$WORK/instances.json" --out-path "$WORK/ref.jsonl")
read -r pw pr < <(run "$PREP" convert "$WORK/instances.json" -o "$WORK/prep.jsonl" --to line-json -q)
cmp "$WORK/ref.jsonl" "$WORK/prep.jsonl"
printf '%-34s %10s %10s\n' "reference coco_to_line_dict" "$rw" "$rr"
printf '%-34s %10s %10s %9.1fx\n' "prep convert --to line-json" "$pw" "$pr" "$(echo "$rw / $pw" | bc -l)"
for to in mmocr1 paddle coco; do
  read -r w r < <(run "$PREP" convert "$WORK/instances.json" -o "$WORK/out-$to" --to "$to" -q)
  printf '%-34s %10s %10s\n' "prep convert --to $to" "$w" "$r"
done
