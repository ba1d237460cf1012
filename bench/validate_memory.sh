#!/usr/bin/env bash
# Peak RSS of `prep validate` and of its 4-shard `prep merge` against the number of distinct
# images (issue 18): what grows is the digests kept to find duplicate content (`DuplicateImages`).
# Input: COUNT distinct files (one 100x32 JPEG crop with 4 bytes appended after its end, so every
# file decodes and has its own SHA-256) and a label file naming them, at COUNT/2 and COUNT lines.
# PREP_BEFORE=/path/to/an/older/prep runs the same commands with that binary too (same inputs, in
# this script run) to compare.
#
# usage: bash bench/validate_memory.sh [COUNT]   (default 100000; ~4 KB of disk per file)
set -euo pipefail
cd "$(dirname "$0")/.."
COUNT=${1:-100000}
. bench/lib.sh
build_prep
WORK=bench/work/validate-memory
D=$WORK/distinct-$COUNT
[ -f "$D/.done" ] || { "$PY" bench/gen_recog.py "$WORK/seed" 1 >/dev/null; python3 - "$WORK/seed/imgs/word_1.jpg" "$D" "$COUNT" <<'PY'
import os, sys
src, out, n = open(sys.argv[1], 'rb').read(), sys.argv[2], int(sys.argv[3])
os.makedirs(out + '/imgs', exist_ok=True)
with open(out + '/label.txt', 'w') as full, open(out + '/label-half.txt', 'w') as half:
    for i in range(1, n + 1):
        name = f'imgs/crop_{i:07d}.jpg'
        with open(f'{out}/{name}', 'wb') as f: f.write(src + i.to_bytes(4, 'little'))
        full.write(f'{name} w{i}\n')
        if i <= n // 2: half.write(f'{name} w{i}\n')
PY
touch "$D/.done"; }
find "$D" -type f -exec cat {} + > /dev/null  # warm the page cache
T=$WORK/times.txt; : > "$T"
for bin in "$PREP" ${PREP_BEFORE:-}; do
  tag=$([ "$bin" = "$PREP" ] && echo now || echo before)
  for lines in label-half label; do
    gnu_time "$T" "$tag-$lines-unsharded" "$bin" validate "train=$D/$lines.txt" --images "$D" --nproc 1 -q --report "$WORK/un.json"
    dirs=()
    for i in 0 1 2 3; do
      rm -rf "$WORK/s$i"; dirs+=("$WORK/s$i")
      "$bin" validate "train=$D/$lines.txt" --images "$D" --nproc 1 -q --shard "$i/4" -o "$WORK/s$i"
    done
    rm -rf "$WORK/merged"
    gnu_time "$T" "$tag-$lines-merge" "$bin" merge "$WORK/merged" "${dirs[@]}" -q
    sed -E 's/"seconds": [0-9.e-]+/"seconds": 0/' "$WORK/un.json" > "$WORK/a.json"
    sed -E 's/"seconds": [0-9.e-]+/"seconds": 0/' "$WORK/merged/validate.json" > "$WORK/b.json"
    cmp -s "$WORK/a.json" "$WORK/b.json" && echo "$tag $lines: merged report == unsharded" || { echo "$tag $lines: merged report DIFFERS"; exit 1; }
  done
done
echo "machine: $(nproc) cores, shared (load average $(cut -d' ' -f1-3 /proc/loadavg)); $COUNT distinct images"
awk '{ printf "%-28s wall %6.2f s  cpu %6.2f s  peak RSS %7.1f MiB\n", $1, $2, $4 + $5, $3 / 1024 }' "$T"
