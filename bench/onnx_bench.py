"""The other sides of bench/onnx_bench.sh, on the same raw float32 inputs (N×1×32×W):

    python bench/onnx_bench.py write DIR                     # inputs x1.f32, x64.f32 (seeded)
    python bench/onnx_bench.py ort MODEL.onnx X.f32 N        # ONNX Runtime, CPU, 2 threads
    python bench/onnx_bench.py torch WEIGHTS.safetensors X.f32 N   # PyTorch eager, same CRNN
    python bench/onnx_bench.py ort-profile MODEL.onnx X.f32 N  # ONNX Runtime's per-node times

Each timing line: NAME batch=N latency_ms=… images_per_s=… (median of ITERS calls after a warm-up).
"""
import json
import os
import statistics
import struct
import sys
import time

import numpy as np

THREADS = int(os.environ.get('THREADS', '2'))
ITERS = int(os.environ.get('ITERS', '20'))
WIDTH = 100


def timed(name, n, fn):
    fn()
    ts = []
    for _ in range(ITERS):
        t0 = time.perf_counter()
        fn()
        ts.append(time.perf_counter() - t0)
    s = statistics.median(ts)
    print(f'{name} batch={n} latency_ms={s * 1000:.2f} images_per_s={n / s:.1f}')


def load_input(path, n):
    return np.fromfile(path, dtype='<f4').reshape(n, 1, 32, WIDTH)


def read_safetensors(path):
    with open(path, 'rb') as f:
        n = struct.unpack('<Q', f.read(8))[0]
        header = json.loads(f.read(n))
        data = f.read()
    out = {}
    for k, v in header.items():
        if k == '__metadata__':
            continue
        dt = {'F32': '<f4', 'I64': '<i8'}[v['dtype']]
        b, e = v['data_offsets']
        out[k] = np.frombuffer(data[b:e], dtype=dt).reshape(v['shape']).copy()
    return out


def ort_profile(path, x, n):
    """Median time per node over ITERS runs from ONNX Runtime's own profiler
    (SessionOptions.enable_profiling), printed in graph order like onnx-bench --profile."""
    import onnxruntime as ort
    so = ort.SessionOptions()
    so.intra_op_num_threads = THREADS
    so.inter_op_num_threads = 1
    so.enable_profiling = True
    so.profile_file_prefix = os.path.join(os.path.dirname(os.path.abspath(path)), 'ort_profile')
    sess = ort.InferenceSession(path, so, providers=['CPUExecutionProvider'])
    sess.run(['output'], {'input': x})
    for _ in range(ITERS):
        sess.run(['output'], {'input': x})
    with open(sess.end_profiling()) as f:
        events = json.load(f)
    per_node, order, op = {}, [], {}
    for e in events:
        if e.get('cat') != 'Node' or not e['name'].endswith('_kernel_time'):
            continue
        name = e['name'][:-len('_kernel_time')]
        if name not in per_node:
            per_node[name] = []
            order.append(name)
            op[name] = e['args'].get('op_name', '?')
        per_node[name].append(e['dur'] / 1000)
    # the first run is the warm-up
    med = {k: statistics.median(v[1:] or v) for k, v in per_node.items()}
    total = sum(med.values())
    print(f'onnxruntime profile batch={n} (median ms per node, sum {total:.2f})')
    for k in order:
        print(f'  {op[k]:<10} {k[:40]:<40} {med[k]:8.3f}  {100 * med[k] / total:5.1f}%')


def main():
    mode = sys.argv[1]
    if mode == 'write':
        rng = np.random.default_rng(20261203)
        for n in (1, 64):
            rng.uniform(-1, 1, (n, 1, 32, WIDTH)).astype('<f4').tofile(os.path.join(sys.argv[2], f'x{n}.f32'))
        return
    path, xpath, n = sys.argv[2], sys.argv[3], int(sys.argv[4])
    x = load_input(xpath, n)
    if mode == 'ort':
        import onnxruntime as ort
        so = ort.SessionOptions()
        so.intra_op_num_threads = THREADS
        so.inter_op_num_threads = 1
        sess = ort.InferenceSession(path, so, providers=['CPUExecutionProvider'])
        timed('onnxruntime', n, lambda: sess.run(['output'], {'input': x}))
    elif mode == 'ort-profile':
        ort_profile(path, x, n)
    elif mode == 'torch':
        import torch
        sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'scripts'))
        from crnn_torch import CRNN
        torch.set_num_threads(THREADS)
        model = CRNN(1, 37)
        model.load_state_dict({k: torch.from_numpy(v) for k, v in read_safetensors(path).items()})
        model.eval()
        xt = torch.from_numpy(x)
        with torch.no_grad():
            timed('pytorch    ', n, lambda: model(xt))


if __name__ == '__main__':
    main()
