#!/usr/bin/env bash
# Format benchmark (issue 8): `prep convert --to line-json` against the reference's
# `coco_to_line_dict.py` on the same generated COCO 0.x file (outputs checked equal), plus prep's
# other targets on the same input for scale. Prints wall time, peak RSS and ratios.
#
# usage: bash bench/formats_bench.sh [IMAGES]   (default 20000; needs ../shared/peer set up)
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-20000}
. bench/lib.sh
WORK=bench/work/formats-$N
REPS=${REPS:-3}
peer_setup
mkdir -p "$WORK"
[ -f "$WORK/instances.json" ] || "$PY" bench/gen_coco.py "$WORK/instances.json" "$N"
build_prep

printf '%-34s %10s %10s %10s\n' "task ($N images, $((N * 10)) boxes)" wall_s rss_mib ratio
read -r rw rr < <(run "$PY" "$RUNPY" "$PEER/mmocr063/tools/data/textdet/coco_to_line_dict.py" \
                  --in-path "$WORK/instances.json" --out-path "$WORK/ref.jsonl")
read -r pw pr < <(run "$PREP" convert "$WORK/instances.json" -o "$WORK/prep.jsonl" --to line-json -q)
cmp "$WORK/ref.jsonl" "$WORK/prep.jsonl"
printf '%-34s %10s %10s\n' "reference coco_to_line_dict" "$rw" "$rr"
printf '%-34s %10s %10s %9.1fx\n' "prep convert --to line-json" "$pw" "$pr" "$(echo "$rw / $pw" | bc -l)"
for to in mmocr1 paddle coco doctr hf; do
  read -r w r < <(run "$PREP" convert "$WORK/instances.json" -o "$WORK/out-$to" --to "$to" -q)
  printf '%-34s %10s %10s\n' "prep convert --to $to" "$w" "$r"
done
