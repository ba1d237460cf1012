"""ONNX Runtime's side of bench/onnx_det_bench.sh:

    python bench/onnx_det_bench.py MODEL.onnx X.f32 SIZE     # CPU provider, THREADS threads

prints `onnxruntime model=… latency_ms=…` (median of ITERS calls after a warm-up) on the
1×3×SIZE×SIZE raw float32 input.
"""
import os
import statistics
import sys
import time

import numpy as np
import onnxruntime as ort

THREADS = int(os.environ.get('THREADS', '2'))
ITERS = int(os.environ.get('ITERS', '5'))


def main():
    path, xpath, size = sys.argv[1], sys.argv[2], int(sys.argv[3])
    x = np.fromfile(xpath, dtype='<f4').reshape(1, 3, size, size)
    so = ort.SessionOptions()
    so.intra_op_num_threads = THREADS
    so.inter_op_num_threads = 1
    sess = ort.InferenceSession(path, so, providers=['CPUExecutionProvider'])
    sess.run(['output'], {'input': x})
    ts = []
    for _ in range(ITERS):
        t0 = time.perf_counter()
        sess.run(['output'], {'input': x})
        ts.append(time.perf_counter() - t0)
    name = os.path.basename(path).replace('dbnet-', '').replace('.onnx', '')
    print(f'onnxruntime model={name} latency_ms={statistics.median(ts) * 1000:.1f}')


if __name__ == '__main__':
    main()
