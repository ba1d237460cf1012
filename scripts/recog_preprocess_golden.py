"""Golden numbers for prep's CRNN input pipeline (Tests/PrepModelsTests/RecogInputSpecTests.swift).

Runs MMOCR 1.x's own transforms (mmocr 1.0.1, mmcv 2.0.1, cv2 4.x) on the word crops in
fixtures/lmdb/rec-toy/imgs, as the CRNN recipe configures them (lean-core.md §4.1):

  fixed:      LoadImageFromFile(color_type='grayscale') -> Resize(scale=(100, 32), keep_ratio=False)
  keep-ratio: LoadImageFromFile(color_type='grayscale') -> RescaleToHeight(height=32, min_width=32,
              max_width=160, width_divisor=16) -> PadToWidth(width=160)   (pad value 0)
  then TextRecogDataPreprocessor(mean=[127], std=[127]) for the normalised values.

MMOCR 0.6.3's ResizeOCR gives the same widths here (min_width and max_width are multiples of 16,
lean-core.md §4.1). Writes fixtures/recog/preprocess_golden.json: per image the resized 8-bit
pixels (hex, row-major), the keep-ratio width before padding, and the normalised value at a few
positions. Run from the repository root:

    ~/.cache/prep-peer1x/venv/bin/python ../shared/peer/peer1x_stub.py scripts/recog_preprocess_golden.py
"""
import json
import os

import numpy as np
import torch
from mmocr.datasets.transforms import LoadImageFromFile, RescaleToHeight, PadToWidth
from mmcv.transforms import Resize
from mmocr.models.textrecog.data_preprocessors import TextRecogDataPreprocessor

root = 'fixtures/lmdb/rec-toy/imgs'
names = sorted(os.listdir(root))[:6]
pre = TextRecogDataPreprocessor(mean=[127], std=[127])
out = []
for name in names:
    load = LoadImageFromFile(color_type='grayscale')
    r = load(dict(img_path=os.path.join(root, name)))
    gray = r['img']
    fixed = Resize(scale=(100, 32), keep_ratio=False)(dict(r, img=gray.copy()))['img']
    kr = RescaleToHeight(height=32, min_width=32, max_width=160, width_divisor=16)(dict(r, img=gray.copy()))
    kw = kr['img'].shape[1]
    padded = PadToWidth(width=160)(kr)['img']
    t = torch.from_numpy(np.ascontiguousarray(fixed)).float()[None]  # 1x32x100
    norm = pre(dict(inputs=[t.to(torch.uint8)], data_samples=None), training=False)['inputs'][0, 0]
    probes = [[0, 0], [5, 17], [16, 50], [31, 99]]
    out.append(dict(
        name=name, height=int(gray.shape[0]), width=int(gray.shape[1]),
        fixed=fixed.astype(np.uint8).tobytes().hex(),
        keep_ratio_width=int(kw), keep_ratio=padded.astype(np.uint8).tobytes().hex(),
        normalised=[[y, x, float(norm[y, x])] for y, x in probes]))
with open('fixtures/recog/preprocess_golden.json', 'w') as f:
    json.dump(dict(source='scripts/recog_preprocess_golden.py (MMOCR 1.0.1 transforms)', images=out), f, indent=1)
print('wrote', len(out))
