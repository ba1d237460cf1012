"""PyTorch's side of bench/dbnet_bench.sh: MMOCR 1.x's own DBNet (`dbnet_resnet18_fpnc`
backbone + neck + head, random weights) timed on eval forwards (`mode='predict'`, batch 1,
no_grad), one warm-up then --iters timed runs per size. Run through the 1.x stub:
    ~/.cache/prep-peer1x/venv/bin/python ../shared/peer/peer1x_stub.py bench/dbnet_bench.py --sizes 640x640
"""
import argparse
import time

import torch
from mmocr.registry import MODELS
from mmocr.utils import register_all_modules


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--sizes', default='640x640,1280x736', help='WxH list')
    ap.add_argument('--threads', type=int, default=2)
    ap.add_argument('--iters', type=int, default=1)
    a = ap.parse_args()
    register_all_modules()
    torch.set_num_threads(a.threads)
    model = MODELS.build(dict(
        type='DBNet',
        backbone=dict(type='mmdet.ResNet', depth=18, num_stages=4, out_indices=(0, 1, 2, 3), frozen_stages=-1,
                      norm_cfg=dict(type='BN', requires_grad=True), norm_eval=False, style='caffe'),
        neck=dict(type='FPNC', in_channels=[64, 128, 256, 512], lateral_channels=256),
        det_head=dict(type='DBHead', in_channels=256, module_loss=dict(type='DBModuleLoss'),
                      postprocessor=dict(type='DBPostprocessor', text_repr_type='quad'))))
    model.eval()
    for size in a.sizes.split(','):
        w, h = map(int, size.split('x'))
        x = torch.randn(1, 3, h, w)
        with torch.no_grad():
            model.det_head(model.neck(model.backbone(x)), None, mode='predict')
            t0 = time.perf_counter()
            for _ in range(a.iters):
                model.det_head(model.neck(model.backbone(x)), None, mode='predict')
            dt = (time.perf_counter() - t0) / a.iters
        print(f'torch infer {w}x{h} batch 1: {dt:.3f} s per batch (torch {torch.__version__}, {a.threads} threads)')


if __name__ == '__main__':
    main()
