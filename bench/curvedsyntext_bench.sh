#!/usr/bin/env bash
# Big-JSON benchmark for CurvedSynText150k: prep curvedsyntext150k against the reference's
# common/curvedsyntext_converter.py on the same generated train1.json + train2.json, in one run.
# Prints wall time, peak RSS and the ratio, and checks the outputs are byte-identical.
#
# usage: bash bench/curvedsyntext_bench.sh [TARGET_MB]      (default 300; needs ../shared/peer set up)
set -euo pipefail
cd "$(dirname "$0")/.."
MB=${1:-300}
. bench/lib.sh
WORK=bench/work/curvedsyntext-$MB
peer_setup
[ -f "$WORK/data/train2.json" ] || "$PY" bench/gen_curvedsyntext.py "$WORK/data" "$MB"
build_prep
REPS=${REPS:-1}
cat "$WORK"/data/*.json > /dev/null

printf '%-10s %-6s %10s %10s %8s\n' tool nproc wall_s rss_mib ratio
rm -rf "$WORK/out-ref" && mkdir -p "$WORK/out-ref"
read -r rw rr < <(cd "$WORK" && run "$PY" "$REPO/../shared/peer/run.py" "$PEER/mmocr063/tools/data/common/curvedsyntext_converter.py" data -o out-ref)
printf '%-10s %-6s %10s %10s\n' reference 1 "$rw" "$rr"
for np in 1 2; do
  rm -rf "$WORK/out-prep"
  read -r pw pr < <(run "$PREP" curvedsyntext150k "$WORK/data" -o "$WORK/out-prep" --nproc "$np" -q)
  printf '%-10s %-6s %10s %10s %7.1fx\n' prep "$np" "$pw" "$pr" "$("$PY" -c "print($rw / $pw)")"
done
ls -l "$WORK"/data/train1.json "$WORK"/data/train2.json | awk '{s += $5} END {printf "input: %.0f MiB\n", s / 1048576}'
cmp "$WORK/out-prep/instances_training.json" "$WORK/out-ref/instances_training.json" && echo "output byte-identical to the reference's"
