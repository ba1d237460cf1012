"""Regenerates fixtures/onnx/ (the import test of `prep infer recog --onnx` and PrepONNX).

A tiny-width CRNN (MMOCR's module layout, scripts/crnn_torch.py) exported by PyTorch's own
torch.onnx.export exactly as MMOCR 0.6.3's tools/deployment/pytorch2onnx.py calls it (eval mode,
opset 11, input 'input', output 'output' (N, T, classes) after MMOCR's permute, dynamic axes
input {0: batch, 3: width} / output {0: batch, 1: seq_len}, export_params, no initializers as
inputs, constant folding on). Run with torch 2.0.1 (the MMOCR 1.x reference venv); its exporter
imports `onnx`, which that venv lacks, so put onnx 1.14.1 (torch 2.0's generation) beside it
without touching the venv:
    pip install --target /work/venvs/onnx-torch-side onnx==1.14.1 protobuf==3.20.3 --no-deps
    PYTHONPATH=/work/venvs/onnx-torch-side ~/.cache/prep-peer1x/venv/bin/python scripts/make_onnx_fixture.py
Writes:
    crnn_torch_opset11.onnx   the PyTorch export (BatchNorm folded into the convs by PyTorch's
                              eval-mode exporter; LSTM initial states from Shape/Gather/
                              Unsqueeze/Concat/ConstantOfShape; the Linear as MatMul + Add)
    expected.safetensors      two inputs (batch 2 × width 64, batch 3 × width 100) and PyTorch's
                              outputs for them ('input_a', 'output_a', 'input_b', 'output_b')
    dict.txt                  the 10-character dictionary (classes = blank + 10)
"""
import os
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from crnn_torch import CRNN, save_safetensors  # noqa: E402

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'fixtures', 'onnx')
CHANNELS = [8, 16, 16, 24, 24, 32, 32]
HIDDEN = 12
CLASSES = 11


class MMOCRExportCRNN(CRNN):
    """The CRNN as MMOCR's CRNNDecoder returns it: (N, T, classes) raw logits."""

    def forward(self, x):
        return super().forward(x).permute(1, 0, 2).contiguous()


def main():
    os.makedirs(OUT, exist_ok=True)
    torch.manual_seed(4321)
    torch.set_num_threads(1)
    model = MMOCRExportCRNN(in_channels=1, classes=CLASSES, channels=CHANNELS, hidden=HIDDEN)
    with torch.no_grad():
        for m in model.modules():
            if isinstance(m, torch.nn.BatchNorm2d):
                m.weight.uniform_(0.5, 1.5)
                m.bias.uniform_(-0.2, 0.2)
                m.running_mean.uniform_(-0.1, 0.1)
                m.running_var.uniform_(0.5, 2.0)
    model.eval()
    dummy = torch.rand(1, 1, 32, 100) * 2 - 1
    path = os.path.join(OUT, 'crnn_torch_opset11.onnx')
    with torch.no_grad():
        torch.onnx.export(model, dummy, path, export_params=True, keep_initializers_as_inputs=False,
                          verbose=False, input_names=['input'], output_names=['output'], opset_version=11,
                          dynamic_axes={'input': {0: 'batch', 3: 'width'}, 'output': {0: 'batch', 1: 'seq_len'}})
    expected = {}
    for tag, (n, w) in {'a': (2, 64), 'b': (3, 100)}.items():
        x = torch.rand(n, 1, 32, w) * 2 - 1
        with torch.no_grad():
            y = model(x)
        expected['input_' + tag] = x.numpy().copy()
        expected['output_' + tag] = y.numpy().copy()
    save_safetensors(os.path.join(OUT, 'expected.safetensors'), expected,
                     {'source': 'scripts/make_onnx_fixture.py', 'torch': torch.__version__})
    with open(os.path.join(OUT, 'dict.txt'), 'w') as f:
        f.write(''.join(f'{c}\n' for c in '0123456789'))
    import onnx
    print('ops:', sorted({n.op_type for n in onnx.load(path).graph.node}))


if __name__ == '__main__':
    main()
