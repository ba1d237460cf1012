"""MMOCR 1.x's side of bench/dbpost_bench.sh: DBNet post-processing alone.

  gen  OUT H W N SEED   writes N synthetic probability maps (uint8 b, map = float32(b) / 255),
                        ~30 text regions each (rotated rectangles, curved bands, blobs, soft edges
                        and noise, as a DBNet output looks), as raw bytes N*H*W to OUT
  run  MAPS H W N JSON  runs MMOCR's DBPostprocessor (quad, defaults, OpenCV + pyclipper) on each
                        map, one after the other, and writes the boxes and scores to JSON; prints
                        "mmocr N maps in S s"
Run with the MMOCR 1.x peer venv through ../shared/peer/peer1x_stub.py.
"""
import json
import sys
import time

import cv2
import numpy as np


def gen(out, h, w, n, seed):
    rng = np.random.default_rng(seed)
    yy, xx = np.mgrid[0:h, 0:w]
    with open(out, 'wb') as f:
        for _ in range(n):
            m = np.zeros((h, w), np.float32)
            for k in range(30):
                v = rng.uniform(0.5, 0.98)
                layer = np.zeros((h, w), np.uint8)
                if k % 3 < 2:   # a rotated word or line
                    cx, cy = rng.uniform(0, w), rng.uniform(0, h)
                    rect = ((cx, cy), (rng.uniform(20, w / 4), rng.uniform(8, 30)), rng.uniform(-40, 40))
                    cv2.fillPoly(layer, [cv2.boxPoints(rect).astype(np.int32)], 1)
                else:           # a curved band
                    cx, cy, r0 = rng.uniform(0, w), rng.uniform(0, h), rng.uniform(30, 120)
                    a0 = rng.uniform(-np.pi, np.pi)
                    pts = [(cx + r * np.cos(a), cy + r * np.sin(a))
                           for r, angs in ((r0 + 12, np.linspace(a0, a0 + 1.2, 8)), (r0, np.linspace(a0 + 1.2, a0, 8)))
                           for a in angs]
                    cv2.fillPoly(layer, [np.array(pts, np.int32)], 1)
                m = np.maximum(m, layer.astype(np.float32) * v)
            m = cv2.GaussianBlur(m, (0, 0), 1.5)
            m = np.clip(m + rng.normal(0, 0.04, m.shape).astype(np.float32), 0, 1)
            f.write(np.round(m * 255).astype(np.uint8).tobytes())


def run(maps, h, w, n, out):
    import torch
    from mmocr.models.textdet.postprocessors import DBPostprocessor
    from mmocr.structures import TextDetDataSample
    raw = np.fromfile(maps, np.uint8).reshape(n, h, w)
    probs = [torch.from_numpy(raw[i].astype(np.float32) / np.float32(255)) for i in range(n)]
    pp = DBPostprocessor(text_repr_type='quad')
    results = []
    t0 = time.perf_counter()
    for p in probs:
        ds = pp.get_text_instances(p, TextDetDataSample())
        ds = pp.rescale(ds, (1.0, 1.0))
        results.append(ds)
    dt = time.perf_counter() - t0
    with open(out, 'w') as f:
        json.dump([dict(polygons=[np.asarray(x, np.float64).ravel().tolist() for x in ds.pred_instances.polygons],
                        scores=[float(s) for s in ds.pred_instances.scores]) for ds in results], f)
    boxes = sum(len(ds.pred_instances.polygons) for ds in results)
    print(f'mmocr {n} maps {w}x{h} in {dt:.3f} s ({boxes} boxes)')


if __name__ == '__main__':
    if sys.argv[1] == 'gen':
        gen(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]), int(sys.argv[6]))
    else:
        run(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]), sys.argv[6])
