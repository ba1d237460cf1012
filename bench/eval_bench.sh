#!/usr/bin/env bash
# prep eval against MMOCR 1.x's own metric code (HmeanIOUMetric; WordMetric + CharMetric +
# OneMinusNEDMetric) on the same generated files, in one run, one after the other. Both sides
# read the files and compute the metric; the numbers must be equal (checked below).
#
# usage: bash bench/eval_bench.sh [DET_IMAGES] [RECOG_PAIRS] [PREP_ONLY_DET] [PREP_ONLY_RECOG]
#   defaults 500 200000 5000 1000000: the reference runs at the first two sizes (the issue's
#   full sizes, 5,000 images × 20 GT × 25 predictions and 1,000,000 pairs, take the reference
#   many minutes on a shared machine), prep at both those and the full sizes.
# needs the 1.x reference: ../shared/peer/setup1x.sh (PEER1X, default ~/.cache/prep-peer1x)
set -euo pipefail
cd "$(dirname "$0")/.."
D=${1:-500}; R=${2:-200000}; DF=${3:-5000}; RF=${4:-1000000}
. bench/lib.sh
V1=${PEER1X:-$HOME/.cache/prep-peer1x}/venv/bin/python
STUB=../shared/peer/peer1x_stub.py
WORK=bench/work/eval
python3 bench/gen_eval.py "$WORK/same" "$D" "$R"
[ "$DF" -gt 0 ] && python3 bench/gen_eval.py "$WORK/full" "$DF" "$RF"
build_prep
# wall and CPU (user+sys) seconds: the machine may be shared, and CPU time is steadier.
t() { /usr/bin/time -o "$WORK/time" -f "%e %U %S" "$@" > "$WORK/last.out" 2>/dev/null
      awk '{printf "%s %.2f\n", $1, $2 + $3}' "$WORK/time"; }
ratio() { python3 -c "w1,c1,w2,c2=map(float,'$1 $2'.split()); print(f'wall {w1/w2:.1f}x, cpu {c1/c2:.1f}x')"; }
num() { python3 - "$1" "$2" <<'PY'
import json, re, sys
kind, path = sys.argv[1], sys.argv[2]
text = open(path).read()
if kind == 'ref':
    d = json.loads(text.strip().splitlines()[-1])
else:
    d = {m.group(1): float(m.group(2)) for m in re.finditer(r'^\s+(\S+/\S+)\s+([0-9.]+)$', text, re.M)}
print(' '.join(f'{k}={round(v, 4)}' for k, v in sorted(d.items())))
PY
}
printf '%-34s %8s %8s\n' run wall_s cpu_s
pw=$(t "$PREP" eval det "$WORK/same/det_gt.json" "$WORK/same/det_pred.json"); pn=$(num prep "$WORK/last.out")
rw=$(t "$V1" "$STUB" bench/eval_ref.py det "$WORK/same"); rn=$(num ref "$WORK/last.out")
printf '%-34s %8s %8s\n' "reference det ($D images)" $rw "prep det ($D images)" $pw
echo "det ratio: $(ratio "$rw" "$pw")   equal: $([ "$pn" = "$rn" ] && echo yes || echo "NO: $pn vs $rn")"
pw=$(t "$PREP" eval recog "$WORK/same/recog_gt.jsonl" "$WORK/same/recog_pred.txt"); pn=$(num prep "$WORK/last.out")
rw=$(t "$V1" "$STUB" bench/eval_ref.py recog "$WORK/same"); rn=$(num ref "$WORK/last.out")
printf '%-34s %8s %8s\n' "reference recog ($R pairs)" $rw "prep recog ($R pairs)" $pw
echo "recog ratio: $(ratio "$rw" "$pw")   equal: $([ "$pn" = "$rn" ] && echo yes || echo "NO: $pn vs $rn")"
if [ "$DF" -gt 0 ]; then
  printf '%-34s %8s %8s\n' "prep det ($DF images)" $(t "$PREP" eval det "$WORK/full/det_gt.json" "$WORK/full/det_pred.json")
  printf '%-34s %8s %8s\n' "prep recog ($RF pairs)" $(t "$PREP" eval recog "$WORK/full/recog_gt.jsonl" "$WORK/full/recog_pred.txt")
fi
