"""PyTorch's side of bench/crnn_bench.sh: the same CRNN (scripts/crnn_torch.py, MMOCR's module
names), same batch, thread count and optimizer as bench/crnn-bench (prep's side).

    python bench/crnn_bench.py --variant mmocr --threads 2 --batch 64 --width 100 --iters 5
    python bench/crnn_bench.py --parity DIR   # writes full-size weights/input/logits for prep's check
"""
import argparse
import os
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'scripts'))
from crnn_torch import CRNN, save_safetensors, state_dict_numpy  # noqa: E402

VARIANTS = {'mmocr': dict(channels=(64, 128, 256, 256, 512, 512, 512), hidden=256),
            'small': dict(channels=(32, 64, 128, 128, 256, 256, 256), hidden=128)}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--variant', default='mmocr', choices=sorted(VARIANTS))
    ap.add_argument('--threads', type=int, default=2)
    ap.add_argument('--batch', type=int, default=64)
    ap.add_argument('--width', type=int, default=100)
    ap.add_argument('--iters', type=int, default=5)
    ap.add_argument('--classes', type=int, default=37)
    ap.add_argument('--parity', default='')
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(1)
    model = CRNN(1, a.classes, **VARIANTS[a.variant])

    if a.parity:
        os.makedirs(a.parity, exist_ok=True)
        with torch.no_grad():
            for m in model.modules():
                if isinstance(m, torch.nn.BatchNorm2d):
                    m.running_mean.uniform_(-0.1, 0.1)
                    m.running_var.uniform_(0.5, 2.0)
        model.eval()
        x = torch.rand(2, 1, 32, a.width) * 2 - 1
        with torch.no_grad():
            y = model(x)
        save_safetensors(os.path.join(a.parity, 'weights.safetensors'), state_dict_numpy(model))
        save_safetensors(os.path.join(a.parity, 'expected.safetensors'),
                         {'input': x.numpy().copy(), 'logits_eval': y.numpy().copy()})
        print('wrote full-size parity data to', a.parity)
        return

    g = torch.Generator().manual_seed(7)
    x = torch.rand(a.batch, 1, 32, a.width, generator=g) * 2 - 1
    lengths = torch.randint(3, 11, (a.batch,), generator=g)
    targets = torch.randint(1, a.classes, (int(lengths.sum()),), generator=g)
    opt = torch.optim.Adam(model.parameters(), lr=1e-4)

    def step():
        t0 = time.perf_counter()
        opt.zero_grad()
        logits = model(x)
        t = logits.size(0)
        loss = F.ctc_loss(logits.log_softmax(2), targets, torch.full((a.batch,), t, dtype=torch.long), lengths,
                          blank=0, reduction='mean', zero_infinity=True)
        t1 = time.perf_counter()
        loss.backward()
        t2 = time.perf_counter()
        opt.step()
        return t1 - t0, t2 - t1, time.perf_counter() - t2

    model.train()
    step()
    f = b = o = 0.0
    t0 = time.perf_counter()
    for _ in range(a.iters):
        df, db, do = step()
        f += df; b += db; o += do
    train = time.perf_counter() - t0
    model.eval()
    with torch.no_grad():
        model(x)
        t0 = time.perf_counter()
        for _ in range(a.iters):
            model(x)
        infer = time.perf_counter() - t0
    n = a.iters
    print(f'torch {torch.__version__} {a.variant} threads={a.threads} batch={a.batch} 1x32x{a.width}: '
          f'train {a.batch * n / train:.1f} samples/s (forward+loss {f / n:.3f} s, backward {b / n:.3f} s, '
          f'step {o / n:.3f} s per batch); infer {a.batch * n / infer:.1f} images/s')


if __name__ == '__main__':
    main()
