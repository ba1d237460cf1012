"""Regenerates fixtures/onnx-dbnet/ (the import test of `prep infer det --onnx` and PrepONNX).

MMOCR 1.x's own DBNet modules (mmdet ResNet-18 layout, mmocr FPNC, DBHead) at the tiny widths
of scripts/make_dbnet_fixture.py (base 4, FPNC lateral 8 / out 4), weights and BN statistics
randomised, exported by PyTorch's torch.onnx.export as MMDeploy exports MMOCR 1.x's DBNet: eval
mode, opset 11, input 'input' (N, 3, H, W), output 'output' = `DBHead.forward(mode='predict')`,
the probability map (N, H, W); dynamic axes {0: batch, 2: height, 3: width}; export_params, no
initializers as inputs, constant folding on. Two files:
    dbnet_torch_opset11.onnx           FPNC as MMOCR writes it: F.interpolate(mode='nearest',
                                       size=…) → Resize nearest/asymmetric/floor with sizes from
                                       Shape/Slice/Concat glue
    dbnet_torch_bilinear_opset11.onnx  the same weights with FPNC's F.interpolate switched to
                                       mode='bilinear', align_corners=False (MMDeploy's
                                       fpn_cat rewrite for TensorRT < 8) → Resize linear
    expected.safetensors               'input_a' (1,3,64,96), 'input_b' (2,3,32,64) and PyTorch's
                                       outputs 'nearest_a', 'nearest_b', 'bilinear_a', 'bilinear_b'
Run with torch 2.0.1 (the MMOCR 1.x reference venv) and onnx 1.14.1 beside it (see
scripts/make_onnx_fixture.py for installing /work/venvs/onnx-torch-side):
    PYTHONPATH=/work/venvs/onnx-torch-side ~/.cache/prep-peer1x/venv/bin/python \
        ../shared/peer/peer1x_stub.py scripts/make_dbnet_onnx_fixture.py
"""
import os
import sys

import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from crnn_torch import save_safetensors  # noqa: E402
from make_dbnet_fixture import TINY, build, randomise  # noqa: E402

import mmocr.models.textdet.necks.fpn_cat as fpn_cat  # noqa: E402
from mmocr.utils import register_all_modules  # noqa: E402

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'fixtures', 'onnx-dbnet')


class Deployed(torch.nn.Module):
    """What MMDeploy exports: backbone → neck → DBHead predict (the probability map)."""

    def __init__(self, model):
        super().__init__()
        self.model = model

    def forward(self, x):
        m = self.model
        return m.det_head(m.neck(m.backbone(x)), None, mode='predict')


def bilinear_interpolate(x, size=None, scale_factor=None, mode='nearest', align_corners=None, **kw):
    return torch_interpolate(x, size=size, scale_factor=scale_factor, mode='bilinear', align_corners=False)


torch_interpolate = F.interpolate


def main():
    register_all_modules()
    torch.set_num_threads(1)
    torch.manual_seed(1203)
    model = build(TINY['stage_widths'][0], TINY['lateral'], TINY['neck'])
    model.init_weights()
    randomise(model)
    model.eval()
    net = Deployed(model).eval()
    inputs = {'a': torch.randn(1, 3, 64, 96), 'b': torch.randn(2, 3, 32, 64)}
    expected = {'input_' + k: v.numpy().copy() for k, v in inputs.items()}
    os.makedirs(OUT, exist_ok=True)
    for tag, fname in [('nearest', 'dbnet_torch_opset11.onnx'), ('bilinear', 'dbnet_torch_bilinear_opset11.onnx')]:
        fpn_cat.F.interpolate = bilinear_interpolate if tag == 'bilinear' else torch_interpolate
        with torch.no_grad():
            for k, x in inputs.items():
                expected[f'{tag}_{k}'] = net(x).numpy().copy()
            torch.onnx.export(net, inputs['a'], os.path.join(OUT, fname), export_params=True,
                              keep_initializers_as_inputs=False, input_names=['input'], output_names=['output'],
                              opset_version=11, do_constant_folding=True,
                              dynamic_axes={'input': {0: 'batch', 2: 'height', 3: 'width'},
                                            'output': {0: 'batch', 1: 'height', 2: 'width'}})
    fpn_cat.F.interpolate = torch_interpolate
    meta = {'generator': 'scripts/make_dbnet_onnx_fixture.py', 'torch': torch.__version__, 'mmocr': '1.0.1'}
    save_safetensors(os.path.join(OUT, 'expected.safetensors'), expected, meta)


if __name__ == '__main__':
    main()
