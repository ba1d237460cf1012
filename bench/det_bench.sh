#!/usr/bin/env bash
# Detection benchmark (issue 3): prep icdar2015 against the reference icdar_converter.py on the
# same generated input, in one run, at --nproc 1 and 2. Prints wall time, peak RSS and ratios.
# Also the floor (issue 19, bench/det_floor.c): list both folders, open each image and read its
# first 64 KiB, open and read each gt file, nothing else; prep's time over the floor's. Wall and
# CPU (user + sys) time of the same runs are printed.
#
# usage: bash bench/det_bench.sh [IMAGES]      (default 2000; needs ../shared/peer set up)
#   BASE=/path/to/older/prep adds its row (before/after in the same run); NPROCS="1" for --nproc 1 only;
#   SKIP_BUILD=1 uses PREP (default: the release build's path) without building.
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-2000}
. bench/lib.sh
WORK=bench/work/det-$N
peer_setup
"$PY" bench/gen_icdar.py "$WORK/ic15" --images "$N"
if [ -n "${SKIP_BUILD:-}" ]; then PREP=${PREP:-$(pwd)/.build/release/prep}; else build_prep; fi
REPS=${REPS:-3}
FLOOR="$WORK/det_floor"
cc -O2 -o "$FLOOR" bench/det_floor.c

# Warm the page cache so both tools read from memory.
cat "$WORK"/ic15/imgs/training/* > /dev/null

# wall: median wall seconds; cpu: median user + system seconds of the same runs (on a shared,
# loaded machine wall time mostly measures waiting for a core; CPU time much less so).
printf '%-9s %-6s %8s %8s %9s %10s %10s %10s\n' tool nproc wall_s cpu_s rss_mib 'x ref wall' 'x ref cpu' 'x floor'
read -r fw fr fc < <(run_cpu "$FLOOR" "$WORK/ic15/imgs/training" "$WORK/ic15/annotations/training")
printf '%-9s %-6s %8s %8s %9s\n' floor 1 "$fw" "$fc" "$fr"
for np in ${NPROCS:-1 2}; do
  if [ -n "${BASE:-}" ]; then
    rm -rf "$WORK/out-base"
    read -r bw br bc < <(run_cpu "$BASE" icdar2015 "$WORK/ic15" --split-list training --nproc "$np" -o "$WORK/out-base" -q)
  fi
  rm -rf "$WORK/out-prep" "$WORK"/ic15/instances_training.json
  read -r pw pr pc < <(run_cpu "$PREP" icdar2015 "$WORK/ic15" --split-list training --nproc "$np" -o "$WORK/out-prep" -q)
  read -r rw rr rc < <(cd "$WORK" && run_cpu "$PY" "$RUNPY" "$PEER/mmocr063/tools/data/textdet/icdar_converter.py" \
                     ic15 -d icdar2015 --split-list training --nproc "$np")
  printf '%-9s %-6s %8s %8s %9s\n' reference "$np" "$rw" "$rc" "$rr"
  if [ -n "${BASE:-}" ]; then
    printf '%-9s %-6s %8s %8s %9s %9.1fx %9.1fx %s\n' base "$np" "$bw" "$bc" "$br" "$("$PY" -c "print($rw / $bw)")" "$("$PY" -c "print($rc / $bc)")" \
      "$("$PY" -c "print('%.1fx wall, %.1fx cpu' % ($bw / $fw, $bc / max($fc, 0.001)))")"
    cmp -s "$WORK/out-base/instances_training.json" "$WORK/out-prep/instances_training.json" && echo "base and prep outputs byte-identical" || echo "base and prep outputs DIFFER"
  fi
  printf '%-9s %-6s %8s %8s %9s %9.1fx %9.1fx %s\n' prep "$np" "$pw" "$pc" "$pr" "$("$PY" -c "print($rw / $pw)")" "$("$PY" -c "print($rc / $pc)")" \
    "$("$PY" -c "print('%.1fx wall, %.1fx cpu' % ($pw / $fw, $pc / max($fc, 0.001)))")"
done
# Same content as the reference (order aside)?
"$PY" - "$WORK/out-prep/instances_training.json" "$WORK/ic15/instances_training.json" <<'PY'
import json, sys
def norm(p):
    d = json.load(open(p)); by = {}
    for a in d['annotations']:
        by.setdefault(a['image_id'], []).append({k: v for k, v in a.items() if k not in ('id', 'image_id')})
    return {i['file_name']: ({k: v for k, v in i.items() if k != 'id'}, by.get(i['id'], [])) for i in d['images']}
a, b = norm(sys.argv[1]), norm(sys.argv[2])
print('same images and annotations as the reference:', a == b, '(%d images)' % len(a))
PY
