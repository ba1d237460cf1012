#!/usr/bin/env bash
# DBNet inference at 1×3×SIZE×SIZE (default 640×640, batch 1), eval mode (the probability map),
# for `small` and `resnet18` (seeded random weights, randomised BN statistics), on the same input
# and THREADS threads: ONNX Runtime (CPU provider) on prep's export, prep's engine (its DBNet),
# prep's ONNX interpreter (the exported file), and prep's two sides once more as before issue 16's
# speed work ("before": unfused layers, no Winograd). One round = the three sides back to back per
# model; ratios are per round. The machine may be shared: compare ratios, not times.
#   bash bench/onnx_det_bench.sh        # THREADS=2 ITERS=5 ROUNDS=2 SIZE=640 MODELS="small resnet18"
# ONNX Runtime from $PREP_ONNX_VENV (made by scripts/check-onnx.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
export THREADS=${THREADS:-2} ITERS=${ITERS:-5}
ROUNDS=${ROUNDS:-2} SIZE=${SIZE:-640} MODELS=${MODELS:-small resnet18}
ORT_VENV=${PREP_ONNX_VENV:-$HOME/.cache/prep-onnx-venv}
[ -x "$ORT_VENV/bin/python" ] || bash scripts/check-onnx.sh >/dev/null
WORK=bench/work/onnx-det; mkdir -p "$WORK"
# CONFIG=debug only checks that the script runs (prep's debug build is not a speed).
CONFIG=${CONFIG:-release}
swift build -c "$CONFIG" --product onnx-det-bench >/dev/null
BIN=$(swift build -c "$CONFIG" --show-bin-path)

echo "== $CONFIG build, machine load: $(cut -d' ' -f1-3 /proc/loadavg); threads $THREADS, ${SIZE}×${SIZE} batch 1, median of $ITERS calls"
for m in $MODELS; do
  "$BIN/onnx-det-bench" prepare --model "$m" --dir "$WORK" --size "$SIZE"
  for r in $(seq "$ROUNDS"); do
    o=$("$ORT_VENV/bin/python" bench/onnx_det_bench.py "$WORK/dbnet-$m.onnx" "$WORK/x.f32" "$SIZE")
    p=$("$BIN/onnx-det-bench" run --model "$m" --dir "$WORK" --size "$SIZE" --threads "$THREADS" --iters "$ITERS")
    printf '%s\n%s\n' "$o" "$p"
    lat() { sed -n "s/^$1 *model=.* latency_ms=\([0-9.]*\).*/\1/p" <<<"$2"; }
    awk -v r="$r" -v m="$m" -v o="$(lat onnxruntime "$o")" -v e="$(lat prep-engine "$p")" -v i="$(lat prep-onnx "$p")" \
      -v eb="$(lat prep-engine-before "$p")" -v ib="$(lat prep-onnx-before "$p")" \
      'BEGIN { printf "ratio round %s %s: time prep-engine/ORT = %.2f, prep-onnx/ORT = %.2f, prep-onnx/prep-engine = %.2f; before (unfused, im2col only): prep-engine/ORT = %.2f, prep-onnx/ORT = %.2f\n", r, m, e/o, i/o, i/e, eb/o, ib/o }'
  done
done
