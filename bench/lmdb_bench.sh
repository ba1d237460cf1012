#!/usr/bin/env bash
# prep lmdb against the reference (MMOCR 0.6.3 tools/data/utils/lmdb_converter.py) in one run.
#
#   bash bench/lmdb_bench.sh            # 50k crops: with images (verified) and label-only, 3 rounds
#   BIG=7000000 bash bench/lmdb_bench.sh  # also the 7M-line label-only peak-RSS measurement
#
# Inputs are generated deterministically by bench/gen_recog.py into bench/work/ (git-ignored), as
# in ../shared/reference/peer-timings.md (b). Needs the peer (PEER, see ../shared/peer/README.md)
# and GNU time. Prints the median wall time and peak RSS of each tool and the ratios; also checks
# that both LMDBs hold the same keys and values. CPU time (user + system) is printed too: on a
# shared machine the wall time of the multi-threaded prep suffers more from other load than the
# single-threaded reference's does.
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
CONV=$PEER/mmocr063/tools/data/utils/lmdb_converter.py
ROUNDS=${ROUNDS:-3}
WORK=$(pwd)/bench/work
OUT=$WORK/out
mkdir -p "$WORK" "$OUT"

[ -f "$WORK/recog/imgs/word_50000.jpg" ] || "$PY" bench/gen_recog.py "$WORK/recog" 50000
build_prep

# measure NAME CMD... : appends "NAME wall_s rss_kb cpu_s" to $WORK/times.txt
measure() {
  local name=$1; shift
  rm -rf "$OUT"/*.lmdb
  gnu_time "$WORK/times.txt" "$name" "$@"
}

: > "$WORK/times.txt"
cd "$WORK/recog"
for r in $(seq "$ROUNDS"); do
  measure ref-images "$PY" "$RUNPY" "$CONV" label.txt ../out/ref.lmdb -i imgs
  measure prep-images "$PREP" lmdb label.txt ../out/prep.lmdb -i imgs -q
  measure ref-labels "$PY" "$RUNPY" "$CONV" label.txt ../out/ref.lmdb --label-only
  measure prep-labels "$PREP" lmdb label.txt ../out/prep.lmdb --label-only -q
done
# Same content: build both once more and compare every key and value.
"$PY" "$RUNPY" "$CONV" label.txt ../out/ref-img.lmdb -i imgs >/dev/null
"$PREP" lmdb label.txt ../out/prep-img.lmdb -i imgs -q --force
"$PY" - ../out/ref-img.lmdb ../out/prep-img.lmdb <<'PYEOF'
import hashlib, sys, lmdb
def digest(p):
    h, n = hashlib.sha256(), 0
    with lmdb.open(p, readonly=True, lock=False).begin() as t:
        for k, v in t.cursor():
            h.update(len(k).to_bytes(4, "little") + k + len(v).to_bytes(8, "little") + v); n += 1
    return n, h.hexdigest()
a, b = digest(sys.argv[1]), digest(sys.argv[2])
print(f"content: reference {a[0]} keys, prep {b[0]} keys, {'identical' if a == b else 'DIFFERENT'}")
sys.exit(0 if a == b else 1)
PYEOF
rm -rf ../out/ref-img.lmdb ../out/prep-img.lmdb
cd - >/dev/null

if [ -n "${BIG:-}" ]; then
  [ -f "$WORK/big/label.txt" ] && [ "$(wc -l < "$WORK/big/label.txt")" = "$BIG" ] || "$PY" bench/gen_recog.py --labels-only "$WORK/big" "$BIG"
  cd "$WORK/big"
  measure big-prep-labels "$PREP" lmdb label.txt ../out/prep.lmdb --label-only -q
  measure big-ref-labels "$PY" "$RUNPY" "$CONV" label.txt ../out/ref.lmdb --label-only
  cd - >/dev/null
  rm -rf "$OUT"/*.lmdb
fi

"$PY" - "$WORK/times.txt" <<'PYEOF'
import statistics, sys
rows = {}
for line in open(sys.argv[1]):
    name, wall, rss, user, system = line.split()
    rows.setdefault(name, []).append((float(wall), int(rss) / 1024, float(user) + float(system)))
med = {k: (statistics.median(w for w, _, _ in v), max(r for _, r, _ in v), statistics.median(c for _, _, c in v))
       for k, v in rows.items()}
print(f"{'run':18} {'wall s (median)':>16} {'CPU s (median)':>15} {'peak RSS MiB':>13}  rounds")
for k, (w, r, c) in med.items():
    print(f"{k:18} {w:16.2f} {c:15.2f} {r:13.1f}  {len(rows[k])}")
for what in ["images", "labels"]:
    if f"ref-{what}" in med:
        ref, prep = med[f"ref-{what}"], med[f"prep-{what}"]
        print(f"{what}: prep is {ref[0] / prep[0]:.1f}x faster than the reference (wall), {ref[2] / prep[2]:.1f}x less CPU")
if "big-prep-labels" in med:
    print(f"7M-line label-only peak RSS: prep {med['big-prep-labels'][1]:.1f} MiB, reference {med['big-ref-labels'][1]:.1f} MiB; "
          f"wall prep {med['big-prep-labels'][0]:.1f} s, reference {med['big-ref-labels'][0]:.1f} s")
PYEOF
