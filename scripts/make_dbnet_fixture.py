"""Regenerates fixtures/dbnet-parity/ (the Swift DBNet's and DBLoss's PyTorch parity fixture).

Builds MMOCR 1.x's own modules (mmdet ResNet, mmocr FPNC, DBHead, DBModuleLoss — no copies) in
the MMOCR 1.x reference venv (torch 2.0.1):
    ~/.cache/prep-peer1x/venv/bin/python ../shared/peer/peer1x_stub.py scripts/make_dbnet_fixture.py
Writes:
    state_names.txt       name and shape of every tensor of the full `dbnet_resnet18_fpnc` state
                          dict (what a PyTorch checkpoint holds), one per line, in MMOCR's order
    weights.safetensors   the state dict of the same architecture at tiny widths (ResNet-18 with
                          base_channels 4, FPNC lateral 8 / out 4, DBHead in 16), all weights and
                          BN statistics randomised so every path matters
    expected.safetensors  input (2,3,32,64); eval-mode prob (MMOCR `predict`); train-mode prob
                          logits, thresh, binary (MMOCR `loss` mode) and prob; gradients of
                          15 parameters (GRADS) for L = Σ r_p·logits + r_t·thresh + r_b·binary (r_* saved too)
    loss.safetensors      DBModuleLoss on tiny maps (2×9×11): inputs, targets, masks, the three
                          weighted parts and their gradients with respect to logits, thresh, binary
    config.json           the tiny widths
"""
import json
import os
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from crnn_torch import save_safetensors, state_dict_numpy  # noqa: E402

from mmocr.registry import MODELS  # noqa: E402
from mmocr.utils import register_all_modules  # noqa: E402

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'fixtures', 'dbnet-parity')
TINY = {'stage_widths': [4, 8, 16, 32], 'blocks': [2, 2, 2, 2], 'lateral': 8, 'neck': 4}
GRADS = ['backbone.conv1.weight', 'backbone.bn1.weight', 'backbone.layer1.0.conv2.weight',
         'backbone.layer2.0.downsample.0.weight', 'backbone.layer3.1.bn2.bias', 'backbone.layer4.1.conv2.weight',
         'neck.lateral_convs.0.conv.weight', 'neck.lateral_convs.3.conv.weight', 'neck.smooth_convs.2.conv.weight',
         'det_head.binarize.0.weight', 'det_head.binarize.3.weight', 'det_head.binarize.4.weight',
         'det_head.binarize.6.bias', 'det_head.threshold.0.weight', 'det_head.threshold.6.weight']


def build(base_channels, lateral, out):
    """MMOCR's `_base_dbnet_resnet18_fpnc.py` model (backbone, neck, head) at the given widths."""
    widths = [base_channels * 2 ** i for i in range(4)]
    return MODELS.build(dict(
        type='DBNet',
        backbone=dict(type='mmdet.ResNet', depth=18, base_channels=base_channels, num_stages=4,
                      out_indices=(0, 1, 2, 3), frozen_stages=-1,
                      norm_cfg=dict(type='BN', requires_grad=True), norm_eval=False, style='caffe'),
        neck=dict(type='FPNC', in_channels=widths, lateral_channels=lateral, out_channels=out),
        det_head=dict(type='DBHead', in_channels=4 * out, module_loss=dict(type='DBModuleLoss'),
                      postprocessor=dict(type='DBPostprocessor', text_repr_type='quad')),
        data_preprocessor=dict(type='TextDetDataPreprocessor', mean=[123.675, 116.28, 103.53],
                               std=[58.395, 57.12, 57.375], bgr_to_rgb=True, pad_size_divisor=32)))


def randomise(model):
    """Every conv weight and bias and every BN parameter and statistic drawn at random (in
    module order, from torch's global generator), so every path of the network matters."""
    with torch.no_grad():
        for m in model.modules():
            if isinstance(m, (torch.nn.Conv2d, torch.nn.ConvTranspose2d)):
                m.weight.normal_(0, (1.0 / (m.weight[0].numel())) ** 0.5)
                if m.bias is not None:
                    m.bias.uniform_(-0.1, 0.1)
            if isinstance(m, torch.nn.BatchNorm2d):
                m.weight.uniform_(0.5, 1.5)
                m.bias.uniform_(-0.2, 0.2)
                m.running_mean.uniform_(-0.2, 0.2)
                m.running_var.uniform_(0.5, 2.0)
                m.num_batches_tracked.fill_(5)


def model_fixture():
    full = build(64, 256, 64)
    full.init_weights()
    names = [f'{k} {list(v.shape)}' for k, v in full.state_dict().items()]

    torch.manual_seed(2024)
    model = build(TINY['stage_widths'][0], TINY['lateral'], TINY['neck'])
    model.init_weights()
    randomise(model)
    weights = state_dict_numpy(model)
    x = torch.randn(2, 3, 32, 64)
    expected = {'input': x.numpy().copy()}

    def run(mode):
        return model.det_head(model.neck(model.backbone(x)), None, mode=mode)

    model.eval()
    with torch.no_grad():
        expected['prob_eval'] = run('predict').numpy().copy()
    model.train()
    logits, thresh, binary, prob = run('both')
    for k, v in [('logits', logits), ('thresh', thresh), ('binary', binary), ('prob', prob)]:
        expected[k + '_train'] = v.detach().numpy().copy()
    rs = {k: torch.randn(logits.shape) for k in ['r_logits', 'r_thresh', 'r_binary']}
    loss = (rs['r_logits'] * logits).sum() + (rs['r_thresh'] * thresh).sum() + (rs['r_binary'] * binary).sum()
    loss.backward()
    for k, v in rs.items():
        expected[k] = v.numpy().copy()
    params = dict(model.named_parameters())
    for name in GRADS:
        expected['grad.' + name] = params[name].grad.numpy().copy()
    after = state_dict_numpy(model)
    for k in ['backbone.bn1.running_mean', 'backbone.layer4.1.bn2.running_var', 'det_head.threshold.4.running_var']:
        expected['after.' + k] = after[k]
    return names, weights, expected


def loss_fixture():
    torch.manual_seed(7)
    n, h, w = 2, 9, 11
    logits = torch.randn(n, h, w) * 3
    thresh = torch.rand(n, h, w)
    binary = torch.rand(n, h, w)
    gt = (torch.rand(n, h, w) < 0.2).float()
    mask = (torch.rand(n, h, w) < 0.9).float()
    gt_thr = torch.rand(n, h, w) * 0.4 + 0.3
    thr_mask = (torch.rand(n, h, w) < 0.5).float()
    loss = MODELS.build(dict(type='DBModuleLoss'))
    leaves = [t.clone().requires_grad_(True) for t in (logits, thresh, binary)]
    lp = loss.weight_prob * loss.loss_prob(leaves[0], gt, mask)
    lt = loss.weight_thr * loss.loss_thr(leaves[1], gt_thr, thr_mask)
    ld = loss.loss_db(leaves[2], gt, mask)
    (lp + lt + ld).backward()
    out = {'logits': logits, 'thresh': thresh, 'binary': binary, 'gt_shrink': gt, 'gt_shrink_mask': mask,
           'gt_thr': gt_thr, 'gt_thr_mask': thr_mask,
           'loss_prob': torch.tensor([lp.item()]), 'loss_thr': torch.tensor([lt.item()]),
           'loss_db': torch.tensor([ld.item()]),
           'grad_logits': leaves[0].grad, 'grad_thresh': leaves[1].grad, 'grad_binary': leaves[2].grad}
    return {k: v.detach().numpy().astype(np.float32).copy() for k, v in out.items()}


def main():
    register_all_modules()
    torch.set_num_threads(1)
    names, weights, expected = model_fixture()
    losses = loss_fixture()
    os.makedirs(OUT, exist_ok=True)
    meta = {'generator': 'scripts/make_dbnet_fixture.py', 'torch': torch.__version__, 'mmocr': '1.0.1'}
    save_safetensors(os.path.join(OUT, 'weights.safetensors'), weights, meta)
    save_safetensors(os.path.join(OUT, 'expected.safetensors'), expected, meta)
    save_safetensors(os.path.join(OUT, 'loss.safetensors'), losses, meta)
    with open(os.path.join(OUT, 'state_names.txt'), 'w') as f:
        f.write('\n'.join(names) + '\n')
    with open(os.path.join(OUT, 'config.json'), 'w') as f:
        json.dump(dict(TINY, torch=torch.__version__, mmocr='1.0.1'), f, indent=1)
        f.write('\n')
    print('wrote', OUT, len(names), 'names; loss parts', losses['loss_prob'], losses['loss_thr'], losses['loss_db'])


if __name__ == '__main__':
    main()
