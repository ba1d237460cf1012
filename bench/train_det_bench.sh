#!/usr/bin/env bash
# Detector accuracy benchmark (issue 15 §7a): a deterministic synthetic detection set
# (bench/gen_det_synth.py, Pillow + DejaVu fonts: `apt-get install -y fonts-dejavu-core`) →
# prep train det (--model small by default), validated (hmean-iou, MMOCR 1.x protocol, as
# prep eval det) on the held-out split every VAL_EVERY steps; prints the time-to-hmean curve
# (wall seconds, step, precision, recall, hmean) and peak RSS, then scores best.safetensors once
# more through prep infer det + prep eval det (the user's path) on the same held-out split.
# The run is stopped with SIGINT after MINUTES (what Ctrl-C does: a resumable checkpoint is saved).
#
#   bash bench/train_det_bench.sh [MINUTES] [TRAIN_PAGES] [TEST_PAGES]      (defaults: 60 2000 200)
#   MODEL=small CROP=320 BATCH=8 LR=0.001 EPOCHS=4 SCALE=640,640 VAL_EVERY=150 VAL_PAGES=100 NPROC=2 bash bench/train_det_bench.sh 25
# Defaults: the recipe measured in the README (small, 256² crops, batch 4, Adam 0.002 with poly
# decay over 2 epochs, tested at 384,384). The test scale matters as much as the training: a
# network trained on 256² crops (which hold only the words that fit in them) finds the ~640-px
# pages' large words at 384 and misses them at 640 (one checkpoint: hmean 0.778 at 640,640,
# 0.917 at 480,480, 0.933 at 384,384; README, "Accuracy benchmark").
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
MINUTES=${1:-60}; NTRAIN=${2:-2000}; NTEST=${3:-200}
MODEL=${MODEL:-small}; CROP=${CROP:-256}; BATCH=${BATCH:-4}; LR=${LR:-0.002}; EPOCHS=${EPOCHS:-2}
VAL_EVERY=${VAL_EVERY:-100}; VAL_PAGES=${VAL_PAGES:-100}; NPROC=${NPROC:-2}; SCALE=${SCALE:-384,384}
OUT=${BENCH_OUT:-/tmp/prep-det-bench}
mkdir -p "$OUT"
[ -n "${PREP:-}" ] || build_prep  # PREP=path: a prep binary built already
DATA=$OUT/synth-$NTRAIN-$NTEST
[ -f "$DATA/textdet_test.json" ] || "$PY" bench/gen_det_synth.py "$DATA" --train "$NTRAIN" --test "$NTEST" --seed 0
# The validation subset: the first VAL_PAGES held-out pages (validation costs a forward per page).
"$PY" - "$DATA/textdet_test.json" "$DATA/textdet_val.json" "$VAL_PAGES" <<'PYEOF'
import json, sys
d = json.load(open(sys.argv[1])); d['data_list'] = d['data_list'][:int(sys.argv[3])]
json.dump(d, open(sys.argv[2], 'w'))
PYEOF
RUN=$OUT/run-$MODEL-$CROP
status=0
/usr/bin/time -f "%e %M" -o "$OUT/time.txt" timeout --foreground --preserve-status -s INT "${MINUTES}m" \
  "$PREP" train det --train "$DATA/textdet_train.json" --val "$DATA/textdet_val.json" -o "$RUN" --force -q \
  --model "$MODEL" --crop "$CROP" --batch "$BATCH" --lr "$LR" --epochs "$EPOCHS" --val-scale "$SCALE" \
  --val-every "$VAL_EVERY" --nproc "$NPROC" || status=$?
echo "prep train det exit status $status (130 = stopped with SIGINT after $MINUTES min, checkpoint saved)"
echo "model $MODEL, crop $CROP, batch $BATCH, adam lr $LR (poly over $EPOCHS epochs), $NTRAIN training / $VAL_PAGES validation pages, val scale $SCALE, --nproc $NPROC"
echo "wall_s peak_rss_kb: $(cat "$OUT/time.txt")"
"$PY" - "$RUN/metrics.jsonl" <<'PYEOF'
import json, sys
steps = []
print(f"{'time_s':>8} {'step':>6} {'epoch':>5} {'precision':>9} {'recall':>7} {'hmean':>7} {'train img/s':>11} {'loss':>7}")
for line in open(sys.argv[1]):
    v = json.loads(line)
    if 'val' in v:
        sps = [s['samples_per_s'] for s in steps[-50:]]
        loss = [s['loss'] for s in steps[-50:]]
        print(f"{v['time_s']:8.0f} {v['step']:6d} {v['epoch']:5d} {v['val']['precision']:9.4f} {v['val']['recall']:7.4f} {v['val']['hmean']:7.4f} {sum(sps)/max(1,len(sps)):11.2f} {sum(loss)/max(1,len(loss)):7.3f}")
    else:
        steps.append(v)
PYEOF
# The user's path on the whole held-out split: infer, then eval.
"$PREP" infer det "$RUN/best.safetensors" "$DATA/textdet_test.json" -o "$OUT/pred/textdet_pred.json" --scale "$SCALE" --nproc "$NPROC" -q
"$PREP" eval det "$DATA/textdet_test.json" "$OUT/pred/textdet_pred.json" | grep -E "hmean|precision|recall" | tail -3
