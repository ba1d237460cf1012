"""Regenerates fixtures/crnn-parity/ (the Swift CRNN's PyTorch parity fixture).

Run with torch 2.0.1 (the MMOCR 1.x reference venv):
    ~/.cache/prep-peer1x/venv/bin/python scripts/make_crnn_fixture.py
Writes (all safetensors, numpy-written):
    weights.safetensors   the state dict of a tiny-width CRNN (same code as MMOCR's, widths in
                          config.json) with randomised BN running statistics
    expected.safetensors  input, eval-mode logits (T,N,C), train-mode logits, CTC loss (mean,
                          blank 0), a few parameter gradients, BN running stats after the train
                          forward, and Adam / Adadelta two-step trajectories
    config.json           the widths, classes, targets
"""
import json
import os
import sys

import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from crnn_torch import CRNN, save_safetensors, state_dict_numpy  # noqa: E402

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'fixtures', 'crnn-parity')
CHANNELS = [8, 16, 16, 24, 24, 32, 32]
HIDDEN = 12
CLASSES = 11
TARGETS = [[1, 2, 3], [4, 4], [10]]


def main():
    torch.manual_seed(1234)
    torch.set_num_threads(1)
    model = CRNN(in_channels=1, classes=CLASSES, channels=CHANNELS, hidden=HIDDEN)
    with torch.no_grad():
        for name, m in model.named_modules():
            if isinstance(m, torch.nn.BatchNorm2d):
                m.weight.uniform_(0.5, 1.5)
                m.bias.uniform_(-0.2, 0.2)
                m.running_mean.uniform_(-0.1, 0.1)
                m.running_var.uniform_(0.5, 2.0)
                m.num_batches_tracked.fill_(3)
    weights = state_dict_numpy(model)
    x = torch.rand(3, 1, 32, 20) * 2 - 1
    expected = {'input': x.numpy().copy()}

    model.eval()
    with torch.no_grad():
        expected['logits_eval'] = model(x).numpy().copy()

    model.train()
    logits = model(x)
    t, n, _ = logits.shape
    targets = torch.tensor([c for tg in TARGETS for c in tg], dtype=torch.long)
    lengths = torch.tensor([len(tg) for tg in TARGETS], dtype=torch.long)
    loss = F.ctc_loss(logits.log_softmax(2), targets, torch.full((n,), t, dtype=torch.long), lengths,
                      blank=0, reduction='mean', zero_infinity=False)
    loss.backward()
    expected['logits_train'] = logits.detach().numpy().copy()
    expected['loss'] = np.array([loss.item()], dtype=np.float32)
    params = dict(model.named_parameters())
    for name in ['backbone.cnn.conv0.weight', 'backbone.cnn.conv3.bias', 'backbone.cnn.batchnorm4.weight',
                 'backbone.cnn.conv6.weight', 'decoder.decoder.0.rnn.weight_hh_l0_reverse',
                 'decoder.decoder.0.rnn.bias_ih_l0', 'decoder.decoder.1.rnn.weight_ih_l0',
                 'decoder.decoder.1.embedding.weight', 'decoder.decoder.1.embedding.bias']:
        expected['grad.' + name] = params[name].grad.numpy().copy()
    after = state_dict_numpy(model)
    for k in ['backbone.cnn.batchnorm2.running_mean', 'backbone.cnn.batchnorm2.running_var',
              'backbone.cnn.batchnorm6.running_var']:
        expected['after.' + k] = after[k]
    expected['after.backbone.cnn.batchnorm2.num_batches_tracked'] = after['backbone.cnn.batchnorm2.num_batches_tracked']

    # Optimizers: two steps on a 7-vector with fixed gradients.
    p0 = torch.randn(7)
    g1, g2 = torch.randn(7), torch.randn(7)
    expected['optim.p0'], expected['optim.g1'], expected['optim.g2'] = p0.numpy(), g1.numpy(), g2.numpy()
    for tag, make in [('adam', lambda ps: torch.optim.Adam(ps, lr=0.01, weight_decay=0.01)),
                      ('adadelta', lambda ps: torch.optim.Adadelta(ps, lr=1.0, weight_decay=0.01))]:
        p = torch.nn.Parameter(p0.clone())
        opt = make([p])
        for i, g in enumerate([g1, g2]):
            p.grad = g.clone()
            opt.step()
            expected[f'optim.{tag}.after{i + 1}'] = p.detach().numpy().copy()

    os.makedirs(OUT, exist_ok=True)
    meta = {'generator': 'scripts/make_crnn_fixture.py', 'torch': torch.__version__}
    save_safetensors(os.path.join(OUT, 'weights.safetensors'), weights, meta)
    save_safetensors(os.path.join(OUT, 'expected.safetensors'), expected, meta)
    with open(os.path.join(OUT, 'config.json'), 'w') as f:
        json.dump({'channels': CHANNELS, 'hidden': HIDDEN, 'classes': CLASSES, 'input_channels': 1,
                   'targets': TARGETS, 'torch': torch.__version__}, f, indent=1)
        f.write('\n')
    print('wrote', OUT, 'loss', loss.item())


if __name__ == '__main__':
    main()
