#!/usr/bin/env python3
"""Inputs for bench/eval_bench.sh (deterministic, seeded).

    python3 bench/gen_eval.py OUT DET_IMAGES RECOG_PAIRS

det: OUT/det_gt.json (MMOCR 1.x textdet, DET_IMAGES images × 20 GT, half quads half 14-point
curved polygons, ~10% ignored) and OUT/det_pred.json (MMOCR inferencer list with img_path,
25 predictions per image: the GT jittered, some dropped, plus false positives).
recog: OUT/recog_gt.jsonl (RECOG_PAIRS labels) and OUT/recog_pred.txt (PaddleOCR predicts_rec).
"""
import json
import os
import random
import sys

out, n_img, n_rec = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
os.makedirs(out, exist_ok=True)
rng = random.Random(5)


sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'scripts'))
from eval_golden import curved, quad  # noqa: E402  (the same shapes the golden cases use)


data_list, preds = [], []
for k in range(n_img):
    inst, pp, ps = [], [], []
    for g in range(20):
        x, y = rng.uniform(0, 1200), rng.uniform(0, 700)
        poly = quad(x, y, rng.uniform(20, 160), rng.uniform(10, 40)) if g % 2 == 0 else \
            curved(x, y, rng.uniform(20, 40), rng.uniform(45, 70), rng.uniform(0, 2), rng.uniform(2.5, 4.5))
        poly = [round(v, 1) for v in poly]
        inst.append(dict(polygon=poly, bbox_label=0, ignore=rng.random() < 0.1))
        if rng.random() < 0.9:
            d = rng.choice([1, 3, 8])
            pp.append([round(v + rng.uniform(-d, d), 1) for v in poly])
            ps.append(round(rng.uniform(0.2, 1.0), 3))
    while len(pp) < 25:
        x, y = rng.uniform(0, 1200), rng.uniform(0, 700)
        pp.append([round(v, 1) for v in quad(x, y, 50, 20)])
        ps.append(round(rng.uniform(0.2, 1.0), 3))
    name = f'imgs/img_{k}.jpg'
    data_list.append(dict(img_path=name, height=720, width=1280, instances=inst))
    preds.append(dict(img_path=name, det_polygons=pp, det_scores=ps))
with open(os.path.join(out, 'det_gt.json'), 'w') as f:
    json.dump(dict(metainfo=dict(dataset_type='TextDetDataset', task_name='textdet', category=[dict(id=0, name='text')]),
                   data_list=data_list), f)
with open(os.path.join(out, 'det_pred.json'), 'w') as f:
    json.dump(preds, f)

alphabet = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-.!'
with open(os.path.join(out, 'recog_gt.jsonl'), 'w') as g, open(os.path.join(out, 'recog_pred.txt'), 'w') as p:
    for i in range(n_rec):
        t = ''.join(rng.choice(alphabet) for _ in range(rng.randint(1, 14)))
        q = list(t)
        if rng.random() < 0.3 and q:
            q[rng.randrange(len(q))] = rng.choice(alphabet)
        if rng.random() < 0.1:
            q = [c.lower() for c in q]
        name = f'crops/{i // 1000}/w_{i}.jpg'
        g.write(json.dumps(dict(filename=name, text=t)) + '\n')
        p.write(f"{name}\t{''.join(q)}\t0.9\n")
