"""PyTorch's side of bench/train_recog_bench.sh: the same CRNN (scripts/crnn_torch.py), the same
input pipeline (cv2 gray, MMOCR keep-ratio resize to height 32, padded with 0 to MAX_WIDTH,
(x − 127)/127), dictionary from the training labels (sorted, blank 0), Adam + cosine (+ warm-up),
the same batch, threads and time budget, validated on the held-out words every VAL_EVERY steps.
Prints the time-to-accuracy curve in the format of the prep side. No augmentation (the comparison
runs prep with --no-augment, or compare like with like).

    python bench/train_recog_torch.py TRAIN/label.jsonl TEST/label.jsonl --minutes 30 \
        --model small --max-width 128 --batch 64 --lr 0.001 --epochs 6 --threads 2
Needs torch + opencv (~/.cache/prep-peer1x/venv has both).
"""
import argparse
import json
import math
import os
import random
import sys
import time

import cv2
import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'scripts'))
from crnn_torch import CRNN  # noqa: E402

VARIANTS = {'mmocr': dict(channels=(64, 128, 256, 256, 512, 512, 512), hidden=256),
            'small': dict(channels=(32, 64, 128, 128, 256, 256, 256), hidden=128)}


def load(label_file, max_width, limit):
    """Images padded to max_width, labels, and each image's keep-ratio width (for --width-buckets)."""
    root = os.path.dirname(label_file)
    rows = [json.loads(line) for line in open(label_file, encoding='utf-8')][:limit or None]
    x = np.zeros((len(rows), 1, 32, max_width), np.float32)
    widths = []
    for i, r in enumerate(rows):
        img = cv2.imread(os.path.join(root, r['filename']), cv2.IMREAD_GRAYSCALE)
        h, w = img.shape
        nw = math.ceil(32 / h * w)
        if nw % 16:
            nw = round(nw / 16) * 16
        nw = max(32, nw)
        img = cv2.resize(img, (min(max_width, nw), 32))
        x[i, 0, :, :img.shape[1]] = img
        # prep's RecogWidthBuckets.paddedWidth: enough steps for the label (T = W/4 + 1), a
        # multiple of 16, at most max_width.
        t = r['text']
        steps = len(t) + sum(t[k] == t[k - 1] for k in range(1, len(t)))
        widths.append(min(max_width, max(32, -(-max(nw, (steps - 1) * 4) // 16) * 16)))
    return torch.from_numpy((x - 127) / 127), [r['text'] for r in rows], widths


def bucketed(order, widths, batch, rng, pool_batches=32):
    """prep's --width-buckets: pools of 32 batches sorted by width, cut, batches shuffled per pool."""
    out, pool = [], pool_batches * batch
    for p in range(0, len(order), pool):
        chunk = sorted(order[p:p + pool], key=lambda i: widths[i])  # stable: ties keep the shuffled order
        batches = [chunk[b:b + batch] for b in range(0, len(chunk), batch)]
        full = [b for b in batches if len(b) == batch]
        rng.shuffle(full)
        out += [i for b in full for i in b] + [i for b in batches if len(b) < batch for i in b]
    return out


def mmocr_init(model):
    for m in model.backbone.modules():
        if isinstance(m, torch.nn.Conv2d):
            torch.nn.init.xavier_normal_(m.weight)
            torch.nn.init.zeros_(m.bias)
        elif isinstance(m, torch.nn.BatchNorm2d):
            torch.nn.init.uniform_(m.weight)
            torch.nn.init.zeros_(m.bias)


def decode(logits, chars):
    best = logits.argmax(2).t().tolist()  # (N, T)
    out = []
    for seq in best:
        s, prev = [], 0
        for k in seq:
            if k != prev and k != 0:
                s.append(chars[k - 1])
            prev = k
        out.append(''.join(s))
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('train')
    ap.add_argument('test')
    ap.add_argument('--model', default='small', choices=sorted(VARIANTS))
    ap.add_argument('--init', default='mmocr', choices=['mmocr', 'torch'])
    ap.add_argument('--bn-all', action='store_true', help='BatchNorm after every convolution (crnn-bn presets)')
    ap.add_argument('--max-width', type=int, default=128)
    ap.add_argument('--batch', type=int, default=64)
    ap.add_argument('--lr', type=float, default=1e-3)
    ap.add_argument('--warmup', type=int, default=0)
    ap.add_argument('--epochs', type=int, default=6)
    ap.add_argument('--steps', type=int, default=0, help='the cosine schedule spans this many steps (prep train recog --steps)')
    ap.add_argument('--minutes', type=float, default=30)
    ap.add_argument('--val-every', type=int, default=200)
    ap.add_argument('--threads', type=int, default=2)
    ap.add_argument('--limit', type=int, default=0, help='use only the first N training words')
    ap.add_argument('--test-limit', type=int, default=0)
    ap.add_argument('--seed', type=int, default=0)
    ap.add_argument('--width-buckets', action='store_true',
                    help="prep's --width-buckets: batches of similar width, each cut to its widest word")
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    t_load = time.time()
    x, texts, widths = load(a.train, a.max_width, a.limit)
    xv, tv, wv = load(a.test, a.max_width, a.test_limit)
    chars = sorted(set(''.join(texts)))
    idx = {c: i + 1 for i, c in enumerate(chars)}
    targets = [[idx[c] for c in t] for t in texts]
    print(f'loaded {len(texts)} training / {len(tv)} held-out words in {time.time() - t_load:.0f} s; {len(chars)} characters',
          flush=True)
    model = CRNN(1, len(chars) + 1, **VARIANTS[a.model], bn_all=a.bn_all)
    if a.init == 'mmocr':
        mmocr_init(model)
    opt = torch.optim.Adam(model.parameters(), lr=a.lr)
    per_epoch = (len(texts) + a.batch - 1) // a.batch
    total = a.steps or per_epoch * a.epochs
    epochs = -(-total // per_epoch)

    def lr_at(step):
        if step < a.warmup:
            return a.lr * (step + 1) / a.warmup
        return a.lr * 0.5 * (1 + math.cos(math.pi * min(step, total) / total))

    def validate():
        model.eval()
        preds = []
        with torch.no_grad():
            if a.width_buckets:
                by_width = sorted(range(len(tv)), key=lambda i: wv[i])
                got = {}
                for b in range(0, len(tv), 256):
                    ids = by_width[b:b + 256]
                    bw = max(wv[i] for i in ids)
                    got.update(zip(ids, decode(model(xv[ids][..., :bw]), chars)))
                preds = [got[i] for i in range(len(tv))]
            else:
                for b in range(0, len(tv), 256):
                    preds += decode(model(xv[b:b + 256]), chars)
        model.train()
        exact = sum(p == t for p, t in zip(preds, tv)) / len(tv)
        norm = lambda s: ''.join(c for c in s.lower() if c.isalnum())  # noqa: E731
        loose = sum(norm(p) == norm(t) for p, t in zip(preds, tv)) / len(tv)
        return exact, loose

    print(f"{'time_s':>8} {'step':>6} {'epoch':>5} {'word_acc':>9} {'ignore_case_symbol':>19} {'train samples/s':>16}")
    rng = random.Random(a.seed)
    began = time.time()
    budget = a.minutes * 60
    step, trained, train_time = 0, 0, 0.0
    model.train()
    for epoch in range(epochs):
        order = list(range(len(texts)))
        rng.shuffle(order)
        if a.width_buckets:
            order = bucketed(order, widths, a.batch, rng)
        for b in range(0, len(order), a.batch):
            if time.time() - began > budget or step >= total:
                break
            t0 = time.time()
            ids = order[b:b + a.batch]
            for g in opt.param_groups:
                g['lr'] = lr_at(step)
            xb = x[ids][..., :max(widths[i] for i in ids)] if a.width_buckets else x[ids]
            lp = model(xb).log_softmax(2)
            tg = [targets[i] for i in ids]
            loss = F.ctc_loss(lp, torch.tensor(sum(tg, [])), torch.full((len(ids),), lp.shape[0], dtype=torch.long),
                              torch.tensor([len(t) for t in tg]), blank=0, reduction='mean', zero_infinity=True)
            opt.zero_grad()
            loss.backward()
            opt.step()
            step += 1
            train_time += time.time() - t0
            trained += len(ids)
            if step % 50 == 0:
                print(f'# step {step} loss {loss.item():.3f}', flush=True)
            if step % a.val_every == 0:
                exact, loose = validate()
                print(f'{time.time() - began:8.0f} {step:6d} {epoch + 1:5d} {exact:9.4f} {loose:19.4f} {trained / train_time:16.1f}',
                      flush=True)
        else:
            continue
        break
    exact, loose = validate()
    print(f'{time.time() - began:8.0f} {step:6d} {epoch + 1:5d} {exact:9.4f} {loose:19.4f} {trained / max(train_time, 1e-9):16.1f}  (final)',
          flush=True)


if __name__ == '__main__':
    main()
