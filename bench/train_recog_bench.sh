#!/usr/bin/env bash
# Recognizer accuracy benchmark (issue 14 §8b): deterministic synthetic words (bench/synth_words.py,
# Pillow + DejaVu fonts: `apt-get install -y fonts-dejavu-core`) → prep lmdb → prep train recog,
# validated on the held-out words every VAL_EVERY steps; prints the time-to-accuracy curve
# (wall seconds, step, exact word accuracy, ignore-case-symbol accuracy) and peak RSS.
# The run is stopped with SIGINT after MINUTES (what Ctrl-C does: a resumable checkpoint is saved;
# --foreground: only prep gets the signal — without it timeout signals its process group too, a
# second SIGINT, which quits at once without the checkpoint).
# prep runs its defaults (model crnn-small, Adam, cosine) except Adam 0.006 with 200 warm-up steps
# (leaves CTC's blank plateau about 250 steps sooner than the default 0.002, measured step for step
# in the README's accuracy table), --max-width 128
# (keep-ratio: the words are up to 14 characters) and --no-augment (the PyTorch side has none;
# the synthetic set is seen less than twice in 30 minutes).
# TORCH=1 also trains the PyTorch CRNN of the same recipe (bench/train_recog_torch.py: same
# model, init, data, dictionary, batch, LR schedule, threads) AT THE SAME TIME, so both see the
# same machine load; its curve is printed after prep's. TORCH_PY: a python with torch + opencv.
#
#   bash bench/train_recog_bench.sh [MINUTES] [TRAIN_WORDS] [TEST_WORDS]      (defaults: 30 50000 2000)
#   MODEL=crnn-small-bn MAX_WIDTH=128 BATCH=64 LR=0.001 WARMUP=0 VAL_EVERY=200 NPROC=2 TORCH=1 bash bench/train_recog_bench.sh 10
#   PREP=path/to/prep BENCH_OUT=/tmp/recbench …   (a prep built already; where the words and runs go)
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
MINUTES=${1:-30}; NTRAIN=${2:-50000}; NTEST=${3:-2000}
MODEL=${MODEL:-crnn-small}; MAX_WIDTH=${MAX_WIDTH:-128}; BATCH=${BATCH:-64}; LR=${LR:-0.006}; WARMUP=${WARMUP:-200}
VAL_EVERY=${VAL_EVERY:-200}; NPROC=${NPROC:-2}; EPOCHS=${EPOCHS:-6}; STEPS=${STEPS:-}; TORCH=${TORCH:-0}
# BUCKETS=1: --width-buckets (batches of similar width, each padded to its widest word; both sides)
BUCKETS=${BUCKETS:-0}; BUCKET_ARGS=(); [ "$BUCKETS" = 1 ] && BUCKET_ARGS=(--width-buckets)
# STEPS=N: the cosine schedule spans N steps instead of EPOCHS epochs (fit it to the time budget:
# ~2,700 steps of crnn-small in 30 minutes on this 2-core machine).
if [ -n "$STEPS" ]; then LENGTH=(--steps "$STEPS"); LENGTH_DESC="$STEPS steps"; else LENGTH=(--epochs "$EPOCHS"); LENGTH_DESC="$EPOCHS epochs"; fi
TORCH_PY=${TORCH_PY:-${XDG_CACHE_HOME:-$HOME/.cache}/prep-peer1x/venv/bin/python}
OUT=${BENCH_OUT:-/tmp/prep-recog-bench}
mkdir -p "$OUT"
[ -n "${PREP:-}" ] || build_prep  # PREP=path: a prep binary built already
DATA=$OUT/synth-$NTRAIN-$NTEST
if [ ! -f "$DATA/test/label.jsonl" ]; then
  "$PY" bench/synth_words.py "$DATA" --train "$NTRAIN" --test "$NTEST" --seed 0
fi
[ -d "$DATA/train.lmdb" ] || "$PREP" lmdb "$DATA/train/label.jsonl" "$DATA/train.lmdb" -i "$DATA/train" -q
[ -d "$DATA/test.lmdb" ] || "$PREP" lmdb "$DATA/test/label.jsonl" "$DATA/test.lmdb" -i "$DATA/test" -q
RUN=$OUT/run-$MODEL-$MAX_WIDTH
echo "load before: $(uptime)"
if [ "$TORCH" = 1 ]; then
  case $MODEL in crnn-small-bn) TV="--model small --bn-all";; crnn-small) TV="--model small";; crnn) TV="--model mmocr";;
    *) echo "no PyTorch variant for $MODEL" >&2; exit 2;; esac
  # shellcheck disable=SC2086
  "$TORCH_PY" bench/train_recog_torch.py "$DATA/train/label.jsonl" "$DATA/test/label.jsonl" $TV --minutes "$MINUTES" \
    --max-width "$MAX_WIDTH" --batch "$BATCH" --lr "$LR" --warmup "$WARMUP" --epochs "$EPOCHS" --steps "${STEPS:-0}" --val-every "$VAL_EVERY" \
    --threads "$NPROC" "${BUCKET_ARGS[@]}" > "$OUT/torch.log" 2>&1 &
  TORCH_PID=$!
fi
status=0
/usr/bin/time -f "%e %M" -o "$OUT/time.txt" timeout --foreground --preserve-status -s INT "${MINUTES}m" \
  "$PREP" train recog --train "$DATA/train.lmdb" --val "$DATA/test.lmdb" -o "$RUN" --force -q \
  --model "$MODEL" --max-width "$MAX_WIDTH" --batch "$BATCH" --lr "$LR" --warmup "$WARMUP" "${LENGTH[@]}" \
  --no-augment --val-every "$VAL_EVERY" --nproc "$NPROC" "${BUCKET_ARGS[@]}" || status=$?
echo "load after: $(uptime)"
echo "prep train recog exit status $status (130 = stopped after $MINUTES min, checkpoint saved)"
echo "model $MODEL, max width $MAX_WIDTH, batch $BATCH, lr $LR (adam, $WARMUP warm-up steps, cosine over $LENGTH_DESC), width buckets $BUCKETS, no augmentation, $NTRAIN training / $NTEST held-out words, --nproc $NPROC"
echo "wall_s peak_rss_kb: $(tail -1 "$OUT/time.txt")"
"$PY" - "$RUN/metrics.jsonl" <<'PYEOF'
import json, sys
steps = []
print(f"{'time_s':>8} {'step':>6} {'epoch':>5} {'word_acc':>9} {'ignore_case_symbol':>19} {'train samples/s':>16}")
for line in open(sys.argv[1]):
    v = json.loads(line)
    if 'val' in v:
        sps = [s['samples_per_s'] for s in steps[-50:]]
        print(f"{v['time_s']:8.0f} {v['step']:6d} {v['epoch']:5d} {v['val']['word_acc']:9.4f} {v['val']['word_acc_ignore_case_symbol']:19.4f} {sum(sps)/max(1,len(sps)):16.1f}")
    else:
        steps.append(v)
PYEOF
# The weights at the moment of the stop (the curve above ends at the last --val-every step).
"$PREP" infer recog "$RUN/last.safetensors" "$DATA/test.lmdb" -o "$OUT/last-pred.jsonl" --nproc "$NPROC" -q
echo "held-out accuracy of last.safetensors (the weights at the stop, step $(tail -1 "$RUN/metrics.jsonl" | sed -E 's/^\{"step": ([0-9]+).*/\1/')):"
"$PREP" eval recog "$DATA/test.lmdb" "$OUT/last-pred.jsonl" | grep -E 'word_acc|1-N.E.D'
if [ "$TORCH" = 1 ]; then
  wait "$TORCH_PID" || true
  echo "PyTorch, same recipe, same time budget (after loading the images), trained at the same time:"
  grep -v '^#' "$OUT/torch.log"
fi
