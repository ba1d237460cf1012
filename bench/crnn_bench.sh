#!/usr/bin/env bash
# CRNN training and inference throughput: prep (bench/crnn-bench) against PyTorch
# (bench/crnn_bench.py, the same architecture from scripts/crnn_torch.py) with the same thread
# count, batch 64 of 1×32×100, Adam, one run, back to back; then prep's per-layer profile.
# Also checks full-size forward parity (8.3 M parameters) against PyTorch.
# prep runs twice per round: with every GEMM through OpenBLAS (PREP_KERNELS=avx2: the engine before
# its own AVX-512 kernel, and what runs on CPUs without AVX-512) and with its defaults; both sides
# also report their CPU seconds per batch (a loaded machine's wall time mostly measures the other
# processes). crnn-bench --no-train-winograd still times the training convolutions without Winograd.
#   bash bench/crnn_bench.sh            # VARIANTS="mmocr small" THREADS=2 ITERS=5 ROUNDS=2 WIDTH=100
# PyTorch: torch 2.0.1 CPU from the MMOCR 1.x reference venv (TORCH_PY to override).
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
TORCH_PY=${TORCH_PY:-${XDG_CACHE_HOME:-$HOME/.cache}/prep-peer1x/venv/bin/python}
THREADS=${THREADS:-2}; ITERS=${ITERS:-5}; ROUNDS=${ROUNDS:-2}; VARIANTS=${VARIANTS:-"mmocr small"}; WIDTH=${WIDTH:-100}
WORK=bench/work/crnn; mkdir -p "$WORK"
swift build -c release --product crnn-bench >/dev/null
BENCH=$(swift build -c release --show-bin-path)/crnn-bench

echo "== parity at full width (eval-mode logits, 2×1×32×100, random weights and BN statistics)"
for v in $VARIANTS; do
  "$TORCH_PY" bench/crnn_bench.py --variant "$v" --parity "$WORK/parity-$v" >/dev/null
  "$BENCH" --variant "$v" --parity "$WORK/parity-$v"
done

echo "== throughput (machine load: $(cut -d' ' -f1-3 /proc/loadavg))"
for v in $VARIANTS; do
  for r in $(seq "$ROUNDS"); do
    t=$(/usr/bin/time -f "peak RSS %M KB, CPU %U+%S s in all" "$TORCH_PY" bench/crnn_bench.py --variant "$v" --threads "$THREADS" --iters "$ITERS" --width "$WIDTH" 2>&1)
    p0=$(PREP_KERNELS=avx2 /usr/bin/time -f "peak RSS %M KB" "$BENCH" --variant "$v" --threads "$THREADS" --iters "$ITERS" --width "$WIDTH" --no-profile 2>&1)
    p=$(/usr/bin/time -f "peak RSS %M KB" "$BENCH" --variant "$v" --threads "$THREADS" --iters "$ITERS" --width "$WIDTH" --no-profile 2>&1)
    echo "$t" | tr '\n' ' '; echo; echo "[OpenBLAS GEMMs, PREP_KERNELS=avx2] $p0" | tr '\n' ' '; echo; echo "$p" | tr '\n' ' '; echo
    tt=$(sed -n 's/.*train \([0-9.]*\) samples.*/\1/p' <<<"$t"); pt=$(sed -n 's/.*train \([0-9.]*\) samples.*/\1/p' <<<"$p")
    ti=$(sed -n 's/.*infer \([0-9.]*\) images.*/\1/p' <<<"$t"); pi=$(sed -n 's/.*infer \([0-9.]*\) images.*/\1/p' <<<"$p")
    awk -v v="$v" -v r="$r" -v pt="$pt" -v tt="$tt" -v pi="$pi" -v ti="$ti" \
      'BEGIN { printf "ratio %s round %s: training prep/torch = %.2f, inference prep/torch = %.2f\n", v, r, pt/tt, pi/ti }'
  done
done

echo "== prep per-layer profile (mmocr, width $WIDTH)"
"$BENCH" --variant mmocr --threads "$THREADS" --iters 2 --width "$WIDTH" | tail -n +3
