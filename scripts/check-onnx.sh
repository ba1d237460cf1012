#!/usr/bin/env bash
# prep export --verify in CI (run by scripts/test.sh): ONNX Runtime and onnx are installed once
# into a venv outside the repository ($PREP_ONNX_VENV; a second run finds them and installs
# nothing). Checks, each failing the run unless ONNX Runtime's outputs equal prep's within 1e-4
# and onnx.checker.check_model passes:
# - MMOCR's full-size CRNN (8.3 M parameters) as `prep train recog` writes it (one step on the
#   rec-toy LMDB), exported with dynamic batch and width (opset 17, prep's default);
# - the tiny CRNN of fixtures/crnn-parity at opset 11 (MMOCR's), fixed shapes;
# - the same export run back by `prep infer recog --onnx`, predictions equal to the checkpoint's;
# - the tiny DBNet of fixtures/dbnet-parity (MMOCR 1.x layout, widths 4–32), at 64×96 fixed
#   (opset 17) and with dynamic batch/height/width (opset 11, a second size checked).
set -euo pipefail
cd "$(dirname "$0")/.."
REPO=$PWD
PREP=${PREP:-$REPO/.build/debug/prep}
VENV=${PREP_ONNX_VENV:-$HOME/.cache/prep-onnx-venv}

if ! "$VENV/bin/python" -c "import onnx, onnxruntime, numpy" 2>/dev/null; then
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install --quiet onnx==1.23.2 onnxruntime==1.32.0
fi

T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
"$PREP" lmdb fixtures/lmdb/rec-toy/label.txt "$T/rec.lmdb" -i fixtures/lmdb/rec-toy/imgs -q
"$PREP" train recog --train "$T/rec.lmdb" -o "$T/run" --model crnn --steps 1 --batch 2 --nproc 2 -q

"$PREP" export "$T/run/last.safetensors" -o "$T/crnn.onnx" --dynamic-batch --dynamic-width --verify --python "$VENV" --nproc 2 \
    > "$T/full.log" || { cat "$T/full.log"; exit 1; }
grep "verify:" "$T/full.log" | sed 's/^ *note: /onnx: full CRNN, /'

"$PREP" export fixtures/crnn-parity/weights.safetensors --dict fixtures/onnx/dict.txt -o "$T/tiny.onnx" --opset 11 --width 64 --batch 2 \
    --verify --python "$VENV" --nproc 2 > "$T/tiny.log" || { cat "$T/tiny.log"; exit 1; }
grep "verify:" "$T/tiny.log" | sed 's/^ *note: /onnx: tiny CRNN opset 11, /'

"$PREP" infer recog "$T/run/last.safetensors" "$T/rec.lmdb" -o "$T/ckpt.jsonl" -q --nproc 2
"$PREP" infer recog --onnx "$T/crnn.onnx" "$T/rec.lmdb" -o "$T/onnx.jsonl" -q --nproc 2
cmp "$T/ckpt.jsonl" "$T/onnx.jsonl"
echo "onnx: prep infer recog --onnx on the export gives the checkpoint's predictions byte for byte"

"$PREP" export fixtures/dbnet-parity/weights.safetensors -o "$T/db.onnx" --height 64 --width 96 \
    --verify --python "$VENV" --nproc 2 > "$T/db.log" || { cat "$T/db.log"; exit 1; }
grep "verify:" "$T/db.log" | sed 's/^ *note: /onnx: tiny DBNet 64×96, /'
"$PREP" export fixtures/dbnet-parity/weights.safetensors -o "$T/db11.onnx" --opset 11 --height 64 --width 96 \
    --dynamic-batch --dynamic-height --dynamic-width --verify --python "$VENV" --nproc 2 > "$T/db11.log" || { cat "$T/db11.log"; exit 1; }
grep "verify:" "$T/db11.log" | sed 's/^ *note: /onnx: tiny DBNet dynamic opset 11, /'
