"""Does prep learn like PyTorch, step for step? Takes a prep run that stopped after step 1
(`--steps 1 --schedule constant --no-augment`, one batch = the whole training set) and a second
run of the same settings with more steps; loads the first run's weights AND Adam state
(last.safetensors + last.state.safetensors) into the PyTorch CRNN (scripts/crnn_torch.py) and
torch.optim.Adam, trains the same batch (read with cv2 and MMOCR's keep-ratio pipeline) and
prints both training losses per step. A bug in prep's forward, backward, CTC or optimizer shows
as a diverging column; float rounding alone keeps them close for tens of steps.

    python bench/check_recog_trajectory.py RUN1 RUNN LABELS.jsonl --max-width 128 --lr 0.001
"""
import argparse
import json
import os
import sys

import numpy as np
import torch
import torch.nn.functional as F
import struct

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'scripts'))
from crnn_torch import CRNN  # noqa: E402
from train_recog_torch import load  # noqa: E402  (the same image pipeline)


def load_file(path):
    """safetensors → {name: tensor} (F32 and I64 only; what prep writes)."""
    with open(path, 'rb') as f:
        n = struct.unpack('<Q', f.read(8))[0]
        header = json.loads(f.read(n))
        blob = f.read()
    out = {}
    for name, v in header.items():
        if name == '__metadata__':
            continue
        b, e = v['data_offsets']
        a = np.frombuffer(blob[b:e], dtype={'F32': '<f4', 'I64': '<i8'}[v['dtype']]).reshape(v['shape'])
        out[name] = torch.from_numpy(a.copy())
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('run1')
    ap.add_argument('runn')
    ap.add_argument('labels')
    ap.add_argument('--max-width', type=int, default=128)
    ap.add_argument('--lr', type=float, default=1e-3)
    ap.add_argument('--threads', type=int, default=2)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    sd = load_file(os.path.join(a.run1, 'last.safetensors'))
    channels = [sd[f'backbone.cnn.conv{k}.weight'].shape[0] for k in range(7)]
    hidden = sd['decoder.decoder.0.rnn.weight_hh_l0'].shape[1]
    classes = sd['decoder.decoder.1.embedding.weight'].shape[0]
    bn_all = 'backbone.cnn.batchnorm0.weight' in sd
    model = CRNN(1, classes, channels, hidden, bn_all=bn_all)
    model.load_state_dict(sd, strict=True)
    chars = [line.rstrip('\n') for line in open(os.path.join(a.run1, 'dict.txt'), encoding='utf-8')]
    idx = {c: i + 1 for i, c in enumerate(chars)}

    opt = torch.optim.Adam(model.parameters(), lr=a.lr)
    state = load_file(os.path.join(a.run1, 'last.state.safetensors'))
    for name, p in model.named_parameters():
        opt.state[p] = {'step': torch.tensor(float(state['step'].item())),
                        'exp_avg': state[name + '.exp_avg'].clone(), 'exp_avg_sq': state[name + '.exp_avg_sq'].clone()}

    x, texts = load(a.labels, a.max_width, 0)
    targets = [[idx[c] for c in t] for t in texts]

    prep = [json.loads(line) for line in open(os.path.join(a.runn, 'metrics.jsonl'))]
    prep = {v['step']: v['loss'] for v in prep if 'loss' in v and 'val' not in v}
    print(f"{'step':>5} {'prep':>10} {'pytorch':>10} {'rel.diff':>9}")
    model.train()
    for step in range(2, max(prep) + 1):
        lp = model(x).log_softmax(2)
        loss = F.ctc_loss(lp, torch.tensor(sum(targets, [])), torch.full((len(texts),), lp.shape[0], dtype=torch.long),
                          torch.tensor([len(t) for t in targets]), blank=0, reduction='mean')
        opt.zero_grad()
        loss.backward()
        opt.step()
        print(f'{step:5d} {prep[step]:10.5f} {loss.item():10.5f} {abs(prep[step] - loss.item()) / abs(loss.item()):9.2e}', flush=True)


if __name__ == '__main__':
    main()
