"""Loads a prep recognizer checkpoint with PyTorch's own `safetensors.torch.load_file` into the
PyTorch CRNN (scripts/crnn_torch.py, MMOCR's module names; strict load_state_dict), reads word
images with it (cv2 gray, bilinear resize, pad, (x-127)/127 — MMOCR's pipeline), greedy-decodes,
and compares with `prep infer recog`'s predictions for the same images.

    PY=/work/venvs/<branch>/bin/python   # torch + safetensors (PyPI), outside the repo
    $PY bench/check_recog_torch.py RUN/best.safetensors PRED.jsonl IMAGE_DIR [N]

PRED.jsonl is `prep infer recog RUN/best.safetensors IMAGE_DIR -o PRED.jsonl`. Prints how many of the
first N predictions agree, and the largest score difference.
"""
import json
import math
import os
import sys

import cv2
import numpy as np
import torch
from safetensors.torch import load_file
from safetensors import safe_open

sys.path.insert(0, os.path.join(os.path.dirname(__file__), '..', 'scripts'))
from crnn_torch import CRNN  # noqa: E402

ckpt, pred_file, image_dir = sys.argv[1:4]
n = int(sys.argv[4]) if len(sys.argv) > 4 else 200
state = load_file(ckpt)
with safe_open(ckpt, 'pt') as f:
    meta = f.metadata()
chars = [c for c in meta['charset'].split('\n') if c != ''] if meta['charset'] else []
spec = json.loads(meta['input'])
channels = [state[f'backbone.cnn.conv{k}.weight'].shape[0] for k in range(7)]
model = CRNN(in_channels=spec['channels'], classes=state['decoder.decoder.1.embedding.weight'].shape[0], channels=channels,
             hidden=state['decoder.decoder.0.rnn.weight_hh_l0'].shape[1])
model.load_state_dict(state, strict=True)
model.eval()


def tensor(path):
    img = cv2.imread(path, cv2.IMREAD_GRAYSCALE if spec['channels'] == 1 else cv2.IMREAD_COLOR)
    h, w = img.shape[:2]
    W = spec['width']
    if spec['keepRatio']:
        nw = math.ceil(32 / h * w)
        if nw % 16:
            nw = round(nw / 16) * 16
        nw = max(spec['minWidth'], nw)
        img = cv2.resize(img, (min(W, nw), 32))
        pad = np.zeros((32, W) + img.shape[2:], np.uint8)
        pad[:, :img.shape[1]] = img
        img = pad
        valid = min(1.0, nw / W)
    else:
        img = cv2.resize(img, (W, 32))
        valid = 1.0
    x = (img.astype(np.float32) - spec['mean']) * (1 / spec['std'])
    x = x[None] if x.ndim == 2 else x.transpose(2, 0, 1)
    return torch.from_numpy(x[None]), valid


same = total = 0
worst = 0.0
for line in open(pred_file):
    if total >= n:
        break
    p = json.loads(line)
    x, valid = tensor(os.path.join(image_dir, p['filename']))
    with torch.no_grad():
        probs = model(x)[:, 0].softmax(-1)  # (T, C)
    T = probs.shape[0]
    prev, text, scores = 0, '', []
    for t in range(min(T, math.ceil(T * valid))):
        s, k = probs[t].max(0)
        k = int(k)
        if k != 0 and k != prev:
            text += chars[k - 1]
            scores.append(float(s))
        prev = k
    score = sum(scores) / len(scores) if scores else 0.0
    total += 1
    same += text == p['text']
    worst = max(worst, abs(score - p['score']))
print(f'PyTorch (safetensors.torch.load_file + strict load_state_dict) agrees with prep infer on {same}/{total} predictions; '
      f'largest word-score difference {worst:.2e}')
