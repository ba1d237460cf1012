#!/usr/bin/env bash
# DBNet post-processing alone (issue 15, goal 7c): prep's DBPostprocessor (bench/dbpost-bench,
# release) against MMOCR 1.x's DBPostprocessor (OpenCV 4.10 + pyclipper, bench/dbpost_bench.py)
# on the same synthetic probability maps (~30 text regions each), one map after the other on one
# thread, both sides in this one run; then the boxes are compared.
#   bash bench/dbpost_bench.sh            # N=100 maps per size, SIZES="640x640 1280x736"
set -euo pipefail
cd "$(dirname "$0")/.."
PY1X=${PY1X:-${XDG_CACHE_HOME:-$HOME/.cache}/prep-peer1x/venv/bin/python}
N=${N:-100}; SIZES=${SIZES:-"640x640 1280x736"}
WORK=bench/work/dbpost; mkdir -p "$WORK"
swift build -c release --product dbpost-bench >/dev/null
BENCH=$(swift build -c release --show-bin-path)/dbpost-bench
echo "== machine load: $(cut -d' ' -f1-3 /proc/loadavg)"
for s in $SIZES; do
  W=${s%x*}; H=${s#*x}
  maps=$WORK/maps-$s.u8
  [ -f "$maps" ] || "$PY1X" bench/dbpost_bench.py gen "$maps" "$H" "$W" "$N" 15
  m=$("$PY1X" ../shared/peer/peer1x_stub.py bench/dbpost_bench.py run "$maps" "$H" "$W" "$N" "$WORK/expected-$s.json")
  p=$("$BENCH" "$maps" "$H" "$W" "$N" "$WORK/expected-$s.json")
  echo "$m"; echo "$p"
  mt=$(sed -n 's/.* in \([0-9.]*\) s.*/\1/p' <<<"$m"); pt=$(sed -n 's/.* in \([0-9.]*\) s.*/\1/p' <<<"$(head -1 <<<"$p")")
  awk -v s="$s" -v m="$mt" -v p="$pt" -v n="$N" 'BEGIN { printf "ratio %s: prep is %.1fx faster than MMOCR (%.2f ms vs %.2f ms per map)\n", s, m/p, 1000*p/n, 1000*m/n }'
done
