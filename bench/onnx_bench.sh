#!/usr/bin/env bash
# CRNN inference (MMOCR's full-size CRNN, 8.3 M parameters, random weights and BN statistics
# from bench/crnn_bench.py) exported by `prep export --dynamic-batch --dynamic-width`, on the same
# inputs (1×32×100, seeded) and THREADS threads, batch 1 (latency) and batch 64 (throughput):
# ONNX Runtime (CPU provider) on the exported file, prep's engine (its CRNN), prep's ONNX
# interpreter (the exported file), PyTorch eager (torch 2.0.1); prep's two sides also once more
# with Winograd off (every convolution im2col + GEMM, as before it: "im2col only"), with the
# convolutions' GEMMs through OpenBLAS instead of prep's packed-weight kernels ("OpenBLAS GEMMs":
# the state before those), and with those kernels capped at AVX2 ("AVX2 kernels"). One round =
# every side back to back; ratios are per round. The machine may be shared: compare ratios, not times.
#   bash bench/onnx_bench.sh            # THREADS=2 ITERS=20 (batch 1) ITERS64=5 (batch 64) ROUNDS=2
#   PROFILE=1 bash bench/onnx_bench.sh  # first: per-layer times of prep's engine and per-node
#                                       # times of ONNX Runtime (its own profiler), batch 1 and 64
# OpenBLAS's kernels follow OPENBLAS_CORETYPE when it is set (the header line names the ones in
# use): `env -u OPENBLAS_CORETYPE bash bench/onnx_bench.sh` lets OpenBLAS detect the CPU.
# ONNX Runtime from $PREP_ONNX_VENV (made by scripts/check-onnx.sh); PyTorch from the MMOCR 1.x
# reference venv (TORCH_PY).
set -euo pipefail
cd "$(dirname "$0")/.."
export THREADS=${THREADS:-2} ITERS=${ITERS:-20}
ITERS1=$ITERS ITERS64=${ITERS64:-5}
ROUNDS=${ROUNDS:-2}
TORCH_PY=${TORCH_PY:-${XDG_CACHE_HOME:-$HOME/.cache}/prep-peer1x/venv/bin/python}
ORT_VENV=${PREP_ONNX_VENV:-$HOME/.cache/prep-onnx-venv}
[ -x "$ORT_VENV/bin/python" ] || bash scripts/check-onnx.sh >/dev/null
WORK=bench/work/onnx; mkdir -p "$WORK"
swift build -c release --product onnx-bench >/dev/null
BIN=$(swift build -c release --show-bin-path)
# prep itself only writes the file (not timed): any build will do (PREP=.build/debug/prep).
if [ -z "${PREP:-}" ]; then swift build -c release --product prep >/dev/null; PREP=$BIN/prep; fi

"$TORCH_PY" bench/crnn_bench.py --variant mmocr --parity "$WORK/weights" >/dev/null
W="$WORK/weights/weights.safetensors"
"$PREP" export "$W" -o "$WORK/crnn.onnx" --dynamic-batch --dynamic-width --force --verify --python "$ORT_VENV" --nproc "$THREADS" \
    | grep -E "verify|interpreter"
"$ORT_VENV/bin/python" bench/onnx_bench.py write "$WORK"

echo "== machine load: $(cut -d' ' -f1-3 /proc/loadavg); threads $THREADS, median of $ITERS1 (batch 1) / $ITERS64 (batch 64) calls; OPENBLAS_CORETYPE=${OPENBLAS_CORETYPE:-(unset)}"
if [ "${PROFILE:-0}" = 1 ]; then
  for n in 1 64; do
    if [ "$n" = 1 ]; then export ITERS=$ITERS1; else export ITERS=$ITERS64; fi
    "$ORT_VENV/bin/python" bench/onnx_bench.py ort-profile "$WORK/crnn.onnx" "$WORK/x$n.f32" "$n"
    "$BIN/onnx-bench" --weights "$W" --onnx "$WORK/crnn.onnx" --input "$WORK/x$n.f32" --batch "$n" --threads "$THREADS" --iters "$ITERS" --profile \
      | sed -n '/profile/,$p'
  done
fi
for r in $(seq "$ROUNDS"); do
  for n in 1 64; do
    if [ "$n" = 1 ]; then export ITERS=$ITERS1; else export ITERS=$ITERS64; fi
    X="$WORK/x$n.f32"
    o=$("$ORT_VENV/bin/python" bench/onnx_bench.py ort "$WORK/crnn.onnx" "$X" "$n")
    p=$("$BIN/onnx-bench" --weights "$W" --onnx "$WORK/crnn.onnx" --input "$X" --batch "$n" --threads "$THREADS" --iters "$ITERS" --im2col --openblas --avx2)
    t=$("$TORCH_PY" bench/onnx_bench.py torch "$W" "$X" "$n")
    printf '%s\n%s\n%s\n' "$o" "$p" "$t"
    lat() { sed -n "s/^$1 *batch=.* latency_ms=\([0-9.]*\).*/\1/p" <<<"$2"; }
    awk -v r="$r" -v n="$n" -v o="$(lat onnxruntime "$o")" -v e="$(lat prep-engine "$p")" -v i="$(lat prep-onnx "$p")" -v t="$(lat pytorch "$t")" \
      -v ed="$(lat prep-engine-im2col "$p")" -v id="$(lat prep-onnx-im2col "$p")" \
      -v eb="$(lat prep-engine-openblas "$p")" -v ib="$(lat prep-onnx-openblas "$p")" \
      -v e2="$(lat prep-engine-avx2 "$p")" -v i2="$(lat prep-onnx-avx2 "$p")" \
      'BEGIN { printf "ratio round %s batch %s: time prep-engine/ORT = %.2f, prep-onnx/ORT = %.2f, prep-engine/PyTorch = %.2f; AVX2 kernels: prep-engine/ORT = %.2f, prep-onnx/ORT = %.2f; OpenBLAS GEMMs (before): prep-engine/ORT = %.2f, prep-onnx/ORT = %.2f; im2col only (before Winograd): prep-engine/ORT = %.2f, prep-onnx/ORT = %.2f\n", r, n, e/o, i/o, e/t, e2/o, i2/o, eb/o, ib/o, ed/o, id/o }'
  done
done
