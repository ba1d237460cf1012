#!/usr/bin/env bash
# prep synthtext (det: the reference's synthtext.lmdb) on generated gt.mat files of 10,000 and
# 100,000 real-shaped images (~8 words each; four tiny JPEGs under imgs/ referenced over and
# over: sizes come from headers, so image count and size hardly matter to prep), against the
# reference (MMOCR 0.6.3 tools/data/textdet/synthtext_converter.py, which decodes every image).
#
#   bash bench/synthtext_bench.sh              # prep 10k + 100k, reference 10k
#   REF_BIG=1 bash bench/synthtext_bench.sh    # also the reference on 100k (a few minutes)
#   RECOG=1 bash bench/synthtext_bench.sh      # also --task recog on 2k and 20k uniquely named
#                                              # images (640×450; ~8 crops each), reference on 2k
#
# Inputs: fixtures/tools/make_synthtext_fixtures.py make_big into bench/work/synthtext-<n>/
# (git-ignored). Needs the peer (PEER, see ../shared/peer/README.md) and GNU time. Prints wall
# time, peak RSS and CPU of each run, the RSS ratio 100k/10k (goal ≤ 1.5) and the cost per
# 100k images; checks that prep's and the reference's LMDBs hold the same keys and values.
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
CONV=$PEER/mmocr063/tools/data/textdet/synthtext_converter.py
WORK=$(pwd)/bench/work
mkdir -p "$WORK"

for n in 10000 100000; do
  [ -f "$WORK/synthtext-$n/gt.mat" ] || "$PY" fixtures/tools/make_synthtext_fixtures.py "$WORK/synthtext-$n" "$n"
done
build_prep

# measure NAME CMD... : appends "NAME wall_s rss_kb user_s sys_s" to $WORK/synthtext_times.txt
measure() {
  local name=$1; shift
  gnu_time "$WORK/synthtext_times.txt" "$name" "$@"
}

: > "$WORK/synthtext_times.txt"
for n in 10000 100000; do
  rm -rf "$WORK/out-prep-$n"
  measure "prep-$n" "$PREP" synthtext "$WORK/synthtext-$n" -o "$WORK/out-prep-$n" -q --nproc 2
done
REF_SIZES="10000"
[ "${REF_BIG:-0}" = 1 ] && REF_SIZES="10000 100000"
for n in $REF_SIZES; do
  rm -rf "$WORK/out-ref-$n"
  (cd "$WORK" && measure "ref-$n" "$PY" "$RUNPY" "$CONV" "synthtext-$n" -o "out-ref-$n")
  # Same keys and values, walked side by side with two cursors.
  "$PY" -c '
import itertools, sys, lmdb
with lmdb.open(sys.argv[1], readonly=True, lock=False).begin() as r, lmdb.open(sys.argv[2], readonly=True, lock=False).begin() as p:
    n, same = 0, True
    for a, b in itertools.zip_longest(r.cursor(), p.cursor()):
        n, same = n + 1, same and a == b
print("content:", n, "keys,", "identical" if same else "DIFFERENT")
sys.exit(0 if same else 1)' "$WORK/out-ref-$n/synthtext.lmdb" "$WORK/out-prep-$n/synthtext.lmdb"
done

if [ "${RECOG:-0}" = 1 ]; then
  for n in 2000 20000; do
    [ -f "$WORK/synthtext-u$n/gt.mat" ] || "$PY" fixtures/tools/make_synthtext_fixtures.py "$WORK/synthtext-u$n" "$n" unique
    rm -rf "$WORK/out-prep-u$n"
    measure "prep-recog-$n" "$PREP" synthtext "$WORK/synthtext-u$n" --task recog -o "$WORK/out-prep-u$n" -q --nproc 2
    rm -rf "$WORK/out-prep-u$n"
  done
  rm -rf "$WORK/out-ref-u2000"
  (cd "$WORK" && measure "ref-recog-2000" "$PY" "$RUNPY" "${CONV/textdet/textrecog}" synthtext-u2000/gt.mat synthtext-u2000/imgs out-ref-u2000 --n_proc 2)
  rm -rf "$WORK/out-ref-u2000"
fi

"$PY" - "$WORK/synthtext_times.txt" <<'PYEOF'
import sys
rows = {}
for line in open(sys.argv[1]):
    name, wall, rss, user, sys_ = line.split()
    rows[name] = (float(wall), int(rss) / 1024, float(user) + float(sys_))
for name, (wall, rss, cpu) in rows.items():
    print(f"{name:12s} wall {wall:7.2f} s  peak RSS {rss:7.1f} MiB  cpu {cpu:7.2f} s")
p10, p100 = rows['prep-10000'], rows['prep-100000']
print(f"prep RSS 100k / 10k: {p100[1] / p10[1]:.2f} (goal <= 1.5)")
print(f"prep per 100k images: {p100[0]:.2f} s wall, {p100[2]:.2f} s cpu, {p100[1]:.0f} MiB peak")
if 'prep-recog-20000' in rows:
    a, b = rows['prep-recog-2000'], rows['prep-recog-20000']
    print(f"prep recog RSS 20k / 2k: {b[1] / a[1]:.2f}; reference / prep recog at 2k: wall {rows['ref-recog-2000'][0] / a[0]:.1f}x, "
          f"peak RSS {rows['ref-recog-2000'][1] / a[1]:.1f}x")
for n in ('10000', '100000'):
    if 'ref-' + n in rows:
        r, p = rows['ref-' + n], rows['prep-' + n]
        print(f"reference / prep at {int(n) // 1000}k: wall {r[0] / p[0]:.1f}x, peak RSS {r[1] / p[1]:.1f}x")
PYEOF
