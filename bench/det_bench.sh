#!/usr/bin/env bash
# Detection benchmark (issue 3): prep icdar2015 against the reference icdar_converter.py on the
# same generated input, in one run, at --nproc 1 and 2. Prints wall time, peak RSS and ratios.
# Also the floor (issue 19, bench/det_floor.c): list both folders, open each image and read its
# first 64 KiB, open and read each gt file, nothing else; prep's time over the floor's.
#
# usage: bash bench/det_bench.sh [IMAGES]      (default 2000; needs ../shared/peer set up)
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-2000}
. bench/lib.sh
WORK=bench/work/det-$N
peer_setup
"$PY" bench/gen_icdar.py "$WORK/ic15" --images "$N"
build_prep
REPS=${REPS:-3}
FLOOR="$WORK/det_floor"
cc -O2 -o "$FLOOR" bench/det_floor.c

# Warm the page cache so both tools read from memory.
cat "$WORK"/ic15/imgs/training/* > /dev/null

printf '%-8s %-6s %10s %10s %10s\n' tool nproc wall_s rss_mib ratio
read -r fw fr < <(run "$FLOOR" "$WORK/ic15/imgs/training" "$WORK/ic15/annotations/training")
printf '%-8s %-6s %10s %10s\n' floor 1 "$fw" "$fr"
for np in 1 2; do
  rm -rf "$WORK/out-prep" "$WORK"/ic15/instances_training.json
  read -r pw pr < <(run "$PREP" icdar2015 "$WORK/ic15" --split-list training --nproc "$np" -o "$WORK/out-prep" -q)
  read -r rw rr < <(cd "$WORK" && run "$PY" "$RUNPY" "$PEER/mmocr063/tools/data/textdet/icdar_converter.py" \
                     ic15 -d icdar2015 --split-list training --nproc "$np")
  printf '%-8s %-6s %10s %10s\n' reference "$np" "$rw" "$rr"
  printf '%-8s %-6s %10s %10s %9.1fx  (%.1fx the floor)\n' prep "$np" "$pw" "$pr" "$("$PY" -c "print($rw / $pw)")" "$("$PY" -c "print($pw / $fw)")"
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
