#!/usr/bin/env bash
# DBNet (dbnet_resnet18_fpnc, 12.3 M parameters) inference: prep (bench/dbnet-bench) against
# MMOCR 1.x's own model in PyTorch (bench/dbnet_bench.py), eval forward of one random image,
# same thread count, one warm-up and ITERS timed runs per size, back to back. Network only:
# post-processing is timed by the DBPostprocessor bench. Then prep's training-step times for
# both configs (train forward + DBLoss + backward + Adam) at 640×640 and 320×320.
#   bash bench/dbnet_bench.sh            # SIZES=640x640,1280x736 THREADS=2 ITERS=1 TRAIN=1
# PyTorch: torch 2.0.1 CPU from the MMOCR 1.x reference venv (TORCH_PY to override).
set -euo pipefail
cd "$(dirname "$0")/.."
TORCH_PY=${TORCH_PY:-${XDG_CACHE_HOME:-$HOME/.cache}/prep-peer1x/venv/bin/python}
THREADS=${THREADS:-2}; ITERS=${ITERS:-1}; SIZES=${SIZES:-640x640,1280x736}; TRAIN=${TRAIN:-1}
swift build -c release --product dbnet-bench >/dev/null
BENCH=$(swift build -c release --show-bin-path)/dbnet-bench

echo "== inference, batch 1 (machine load: $(cut -d' ' -f1-3 /proc/loadavg))"
for s in ${SIZES//,/ }; do
  p=$("$BENCH" --sizes "$s" --threads "$THREADS" --iters "$ITERS" | tail -1)
  t=$("$TORCH_PY" ../shared/peer/peer1x_stub.py bench/dbnet_bench.py --sizes "$s" --threads "$THREADS" --iters "$ITERS" 2>/dev/null | tail -1)
  echo "$p"; echo "$t"
  pt=$(sed -n 's/.*: \([0-9.]*\) s per batch.*/\1/p' <<<"$p"); tt=$(sed -n 's/.*: \([0-9.]*\) s per batch.*/\1/p' <<<"$t")
  awk -v s="$s" -v p="$pt" -v t="$tt" 'BEGIN { printf "ratio %s: prep images/s ÷ PyTorch images/s = %.2f\n", s, t/p }'
done

if [ "$TRAIN" = 1 ]; then
  echo "== prep training step (machine load: $(cut -d' ' -f1-3 /proc/loadavg))"
  for c in full small; do
    "$BENCH" --config "$c" --mode train --batch 2 --sizes 640x640,320x320 --threads "$THREADS" --iters "$ITERS"
  done
fi

echo "== prep layer profile at DBNet's 640×640 shapes (ms, batch 1)"
"$BENCH" --sizes 64x64 --threads "$THREADS" --profile | tail -n +4
