"""MMOCR's CRNN in plain PyTorch (module names as MMOCR 0.6.3 `CRNNNet` / 1.x `CRNN`, so the state
dict keys are those of lean-core.md §7.3), plus a numpy-only safetensors writer (lean-core.md §7.1).
Shared by scripts/make_crnn_fixture.py and bench/crnn_bench.py."""
import json
import struct

import numpy as np
import torch
from torch import nn


class BidirectionalLSTM(nn.Module):
    def __init__(self, n_in, n_hidden, n_out):
        super().__init__()
        self.rnn = nn.LSTM(n_in, n_hidden, bidirectional=True)
        self.embedding = nn.Linear(n_hidden * 2, n_out)

    def forward(self, x):
        rec, _ = self.rnn(x)
        t, b, h = rec.size()
        return self.embedding(rec.view(t * b, h)).view(t, b, -1)


class VeryDeepVgg(nn.Module):
    def __init__(self, in_channels, channels, bn_all=False):
        super().__init__()
        ks, ps = [3, 3, 3, 3, 3, 3, 2], [1, 1, 1, 1, 1, 1, 0]
        cnn = nn.Sequential()

        def conv_relu(i, bn=False):
            n_in = in_channels if i == 0 else channels[i - 1]
            cnn.add_module(f'conv{i}', nn.Conv2d(n_in, channels[i], ks[i], 1, ps[i]))
            if bn or bn_all:
                cnn.add_module(f'batchnorm{i}', nn.BatchNorm2d(channels[i]))
            cnn.add_module(f'relu{i}', nn.ReLU(True))

        conv_relu(0)
        cnn.add_module('pooling0', nn.MaxPool2d(2, 2))
        conv_relu(1)
        cnn.add_module('pooling1', nn.MaxPool2d(2, 2))
        conv_relu(2, True)
        conv_relu(3)
        cnn.add_module('pooling2', nn.MaxPool2d((2, 2), (2, 1), (0, 1)))
        conv_relu(4, True)
        conv_relu(5)
        cnn.add_module('pooling3', nn.MaxPool2d((2, 2), (2, 1), (0, 1)))
        conv_relu(6, True)
        self.cnn = cnn

    def forward(self, x):
        return self.cnn(x)


class Decoder(nn.Module):
    def __init__(self, in_channels, hidden, classes):
        super().__init__()
        self.decoder = nn.Sequential(BidirectionalLSTM(in_channels, hidden, hidden),
                                     BidirectionalLSTM(hidden, hidden, classes))

    def forward(self, feat):
        assert feat.size(2) == 1, 'feature height must be 1'
        x = feat.squeeze(2).permute(2, 0, 1)  # (T, N, C)
        return self.decoder(x)                # (T, N, classes); MMOCR permutes to (N, T, classes)


class CRNN(nn.Module):
    def __init__(self, in_channels=1, classes=37, channels=(64, 128, 256, 256, 512, 512, 512), hidden=256, bn_all=False):
        super().__init__()
        self.backbone = VeryDeepVgg(in_channels, list(channels), bn_all)
        self.decoder = Decoder(channels[6], hidden, classes)

    def forward(self, x):
        return self.decoder(self.backbone(x))


def save_safetensors(path, tensors, metadata=None):
    """tensors: name -> numpy array (float32 or int64). Header padded to 8 bytes (§7.1)."""
    header, blobs, offset = {}, [], 0
    if metadata:
        header['__metadata__'] = metadata
    order = sorted(tensors, key=lambda k: (0 if tensors[k].dtype == np.int64 else 1, k))
    for name in order:
        a = np.ascontiguousarray(tensors[name])
        dtype = {np.dtype('float32'): 'F32', np.dtype('int64'): 'I64'}[a.dtype]
        raw = a.astype(a.dtype.newbyteorder('<')).tobytes()
        header[name] = {'dtype': dtype, 'shape': list(a.shape), 'data_offsets': [offset, offset + len(raw)]}
        blobs.append(raw)
        offset += len(raw)
    h = json.dumps(header, separators=(',', ':')).encode()
    h += b' ' * (-len(h) % 8)
    with open(path, 'wb') as f:
        f.write(struct.pack('<Q', len(h)))
        f.write(h)
        for b in blobs:
            f.write(b)


def state_dict_numpy(model):
    return {k: v.detach().cpu().numpy().copy() for k, v in model.state_dict().items()}
