#!/usr/bin/env python
"""Expected spotting numbers for Tests/PrepEvalTests/SpottingGoldenTests, produced by MMOCR 1.x's
OWN end-to-end metric, `E2EHmeanIOUMetric`.

That metric is not in the mmocr wheel: it lives in the repository's projects/ABCNet
(projects/ABCNet/abcnet/metric/e2e_hmean_iou_metric.py). Get that one file from a checkout of
open-mmlab/mmocr (these fixtures: commit 966296f26ac34cf0e96d40ab4a0a94c9a697909a) and run it
in the 1.x venv, which has everything it imports (mmocr.utils, mmengine, shapely, scipy):

    E2E_METRIC=/path/to/e2e_hmean_iou_metric.py bash scripts/eval_golden.sh
    # or: $PEER1X/venv/bin/python ../shared/peer/peer1x_stub.py scripts/eval_spotting_golden.py FILE

It writes fixtures/eval/golden_spotting.json: the cases (built here, deterministically) and what
the metric returned (strategy 'vanilla'; its 'max_matching' ignores the texts, see the README's
differences). Every image lists its predictions by descending score: the reference re-filters an
already filtered text list from its third threshold on (README, differences), which only leaves
the texts aligned when the kept predictions are always a prefix. The per-threshold rows come from
one-threshold runs, which that re-filtering never touches. No GT text is empty (the reference
raises IndexError on one). Nothing here reimplements a metric: every number comes from MMOCR.
"""
import importlib.util
import os
import random
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, 'scripts'))
from eval_golden import curved, dump, jitter, quad  # noqa: E402  (the shapes of the detection goldens)

OUT = os.path.join(ROOT, 'fixtures', 'eval', 'golden_spotting.json')


def image(gt, ign, gt_texts, pred, scores, pred_texts):
    order = sorted(range(len(pred)), key=lambda k: -scores[k])
    return dict(gt=gt, ign=ign, gt_texts=gt_texts, pred=[pred[k] for k in order],
                scores=[scores[k] for k in order], pred_texts=[pred_texts[k] for k in order])


def cases():
    rng = random.Random(29)
    out = {}
    # text_match: case, one special character dropped at either or both ends of the GT (never of
    # the prediction, never two), str.upper()'s full mapping (ß → SS), Unicode specials (·).
    pairs = [('Hello!', 'hello'), ('(ab)', 'AB'), ('stop', 'STOP'), ('straße', 'STRASSE'), ('hello', 'hello!'),
             ('!!ab', 'ab'), ('"quote', 'QUOTE'), ('·x·', 'X'), ('a.b', 'ab'), ('Ünïcödé', 'ÜNÏCÖDÉ'),
             ('x/', 'x'), ('[y]', '[Y]'), ('café', 'CAFE'), ('ǆ', 'Ǆ')]
    gt, pred, gtt, pt, sc = [], [], [], [], []
    for k, (g, p) in enumerate(pairs):
        box = quad(10 + 110 * (k % 5), 10 + 40 * (k // 5), 100, 30)
        gt.append(box); gtt.append(g)
        pred.append(jitter(box, rng, 2)); pt.append(p); sc.append(round(0.95 - 0.01 * k, 3))
    out['text_rules'] = [image(gt, [False] * len(gt), gtt, pred, sc, pt)]
    # Ignored GT (predictions over it are dropped), IoU below 0.5, several predictions on one GT
    # (the first in score order takes it, right text or not), every threshold boundary.
    out['ignore_and_thresholds'] = [
        image([quad(0, 0, 100, 30), quad(0, 50, 100, 30), quad(200, 0, 50, 50)], [False, False, True], ['Sale', 'Open', '###'],
              [quad(2, 1, 100, 30), quad(0, 48, 60, 30), quad(0, 50, 100, 30), quad(205, 5, 40, 40), quad(0, 0, 90, 28)],
              [0.95, 0.6, 0.6000000000000001, 0.8, 0.3], ['sale', 'open', 'OPEN', 'x', 'sale']),
        image([quad(10, 10, 40, 20), quad(100, 10, 40, 20)], [False, False], ['Go', 'Stop'],
              [quad(11, 10, 40, 20), quad(10, 10, 40, 20), quad(100, 10, 40, 20)],
              [0.9000000000000001, 0.45, 0.7], ['no', 'GO', 'stop.']),
        image([quad(0, 0, 50, 20)], [False], ['Exit'], [quad(0, 0, 50, 20)], [0.30000001], ['EXIT']),
        image([quad(0, 0, 50, 20)], [False], ['One'], [], [], []),
        image([], [], [], [quad(0, 0, 50, 20)], [0.8], ['ghost']),
    ]
    # Curved 14-point polygons with their words.
    imgs = []
    for k in range(5):
        cx, cy = 300 + 40 * k, 300
        g = [curved(cx, cy, 80, 120, 0.3, 2.6), curved(cx, cy + 10, 150, 185, 3.5, 5.9)]
        p = [jitter(g[0], rng, 6), jitter(g[1], rng, 14), quad(cx - 20, cy + 90, 60, 30)]
        imgs.append(image(g, [False, k == 3], ['Curve', 'ARC' if k % 2 else 'arc!'], p,
                          [0.91, 0.55 + 0.05 * k, 0.42], ['CURVE' if k != 2 else 'curv', 'arc', 'noise']))
    out['curved'] = imgs
    # Random pages: jittered boxes, words right, wrong case, one letter off, special ends.
    alphabet = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'
    imgs = []
    for _ in range(12):
        gt, ign, gtt, pred, sc, pt = [], [], [], [], [], []
        for _ in range(rng.randint(3, 8)):
            x, y = rng.uniform(0, 600), rng.uniform(0, 400)
            box = [round(v, 1) for v in quad(x, y, rng.uniform(30, 120), rng.uniform(12, 40))]
            word = ''.join(rng.choice(alphabet) for _ in range(rng.randint(1, 8)))
            if rng.random() < 0.2:
                word = rng.choice('!?.:,*"()[]/') + word if rng.random() < 0.5 else word + rng.choice('!?.:,*')
            ignored = rng.random() < 0.1
            gt.append(box); ign.append(ignored); gtt.append('###' if ignored else word)
            if rng.random() < 0.85:
                r = rng.random()
                text = word.strip('!?.:,*"()[]/') if r < 0.3 else word.swapcase() if r < 0.6 else \
                    word[:-1] + 'q' if r < 0.75 else word
                pred.append(jitter(box, rng, rng.choice([1, 4, 12]))); pt.append(text); sc.append(round(rng.uniform(0.25, 1.0), 3))
        for _ in range(rng.randint(0, 3)):
            x, y = rng.uniform(0, 600), rng.uniform(0, 400)
            pred.append(quad(x, y, 50, 20)); pt.append('fp'); sc.append(round(rng.uniform(0.25, 1.0), 3))
        imgs.append(image(gt, ign, gtt, pred, sc, pt))
    out['random'] = imgs
    return out


def main():
    metric_file = sys.argv[1] if len(sys.argv) > 1 else os.environ.get('E2E_METRIC', '')
    if not os.path.isfile(metric_file):
        sys.exit('give the path of projects/ABCNet/abcnet/metric/e2e_hmean_iou_metric.py (argument or E2E_METRIC)')
    import numpy as np
    from mmengine.structures import InstanceData
    from mmocr.structures import TextDetDataSample
    spec = importlib.util.spec_from_file_location('e2e_hmean_iou_metric', metric_file)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    E2EHmeanIOUMetric = module.E2EHmeanIOUMetric

    def samples(imgs):
        out = []
        for im in imgs:
            ds = TextDetDataSample()
            ds.gt_instances = InstanceData(polygons=[np.array(g, dtype=np.float32) for g in im['gt']],
                                           ignored=np.array(im['ign'], dtype=bool), texts=list(im['gt_texts']))
            ds.pred_instances = InstanceData(polygons=[np.array(p, dtype=np.float32) for p in im['pred']],
                                             scores=np.array(im['scores'], dtype=np.float32), texts=list(im['pred_texts']))
            out.append(ds)
        return out

    thrs = [float(t) for t in np.arange(0.3, 0.9, 0.1)]
    result = {'reference': 'mmocr E2EHmeanIOUMetric (open-mmlab/mmocr 966296f projects/ABCNet/abcnet/metric/e2e_hmean_iou_metric.py) '
                           'in the mmocr 1.0.1 venv, strategy vanilla',
              'thresholds': thrs, 'spotting': {}}
    for name, imgs in cases().items():
        m = E2EHmeanIOUMetric()
        m.process(None, samples(imgs))
        best = m.compute_metrics(m.results)
        rows = []
        for t in thrs:
            mt = E2EHmeanIOUMetric(pred_score_thrs=dict(start=t, stop=t + 0.05, step=0.1))
            mt.process(None, samples(imgs))
            r = mt.compute_metrics(mt.results)
            rows.append(dict(thr=t, **{k: float(v) for k, v in r.items()}))
        result['spotting'][name] = dict(images=imgs, best={k: float(v) for k, v in best.items()}, rows=rows)
    dump(result, OUT)


if __name__ == '__main__':
    main()
