#!/usr/bin/env python
"""Expected numbers for Tests/PrepEvalTests, produced by MMOCR's OWN metric code.

    bash scripts/eval_golden.sh      # runs this file under both reference venvs

Run as `... run.py scripts/eval_golden.py mmocr0` (0.6.3 venv, through ../shared/peer/run.py)
and `... peer1x_stub.py scripts/eval_golden.py mmocr1` (1.x venv). Each run writes
fixtures/eval/golden_<protocol>.json: the cases (built here, deterministically) and what the
reference returned for them. `kie0` runs 0.6.3's kie_metric.py (it needs torch, so it is loaded
from the 0.6.3 site-packages by path inside the 1.x venv, which has torch).
Nothing here reimplements a metric: every number comes from an MMOCR function.
"""
import json
import math
import os
import random
import sys
import types

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, 'fixtures', 'eval')


# ----------------------------------------------------------------------------------------- cases
def quad(x, y, w, h):
    return [x, y, x + w, y, x + w, y + h, x, y + h]


def curved(cx, cy, r0, r1, a0, a1, n=7):
    """14-point curved text polygon: an arc band (outer arc forward, inner arc back)."""
    pts = []
    for i in range(n):
        a = a0 + (a1 - a0) * i / (n - 1)
        pts += [round(cx + r1 * math.cos(a), 3), round(cy + r1 * math.sin(a), 3)]
    for i in reversed(range(n)):
        a = a0 + (a1 - a0) * i / (n - 1)
        pts += [round(cx + r0 * math.cos(a), 3), round(cy + r0 * math.sin(a), 3)]
    return pts


def jitter(poly, rng, d):
    return [round(v + rng.uniform(-d, d), 2) for v in poly]


def det_cases():
    rng = random.Random(13)
    cases = {}
    # Basic: ignored GT, many-to-one overlaps, every threshold boundary.
    cases['basic'] = [
        dict(gt=[quad(0, 0, 100, 30), quad(0, 50, 100, 30), quad(200, 0, 50, 50)], ign=[False, False, True],
             pred=[quad(2, 1, 100, 30), quad(0, 48, 60, 30), quad(50, 50, 50, 30), quad(205, 5, 40, 40), quad(0, 0, 90, 28)],
             scores=[0.95, 0.6, 0.6000000000000001, 0.8, 0.3]),
        dict(gt=[quad(10, 10, 40, 20)], ign=[False],
             pred=[quad(10, 10, 40, 20), quad(11, 10, 40, 20)], scores=[0.29999, 0.9000000000000001]),
        dict(gt=[quad(0, 0, 10, 10), quad(5, 0, 10, 10)], ign=[False, False],
             pred=[quad(4, 0, 10, 10)], scores=[0.7]),
        dict(gt=[quad(0, 0, 50, 20)], ign=[False],
             pred=[quad(0, 0, 50, 20)], scores=[0.30000001]),
        dict(gt=[quad(0, 0, 50, 20)], ign=[False],
             pred=[quad(0, 0, 50, 20), quad(0, 0, 50, 20)], scores=[0.5, 0.4]),
    ]
    # Curved 14-point polygons vs 14-point and quad predictions.
    cimgs = []
    for k in range(6):
        cx, cy = 300 + 40 * k, 300
        g = [curved(cx, cy, 80, 120, 0.3, 2.6), curved(cx, cy + 10, 150, 185, 3.5, 5.9)]
        p = [jitter(g[0], rng, 6), jitter(g[1], rng, 14), quad(cx - 20, cy + 90, 60, 30)]
        cimgs.append(dict(gt=g, ign=[False, k == 3], pred=p, scores=[0.91, 0.55 + 0.05 * k, 0.42]))
    cases['curved'] = cimgs
    # Invalid polygons: bow-ties, zero area, spikes, self-touching, two same-sign lobes.
    bow = [0, 0, 40, 40, 40, 0, 0, 40]
    cases['invalid'] = [
        dict(gt=[quad(0, 0, 40, 40), bow], ign=[False, False],
             pred=[bow, quad(0, 0, 20, 40), [0, 0, 40, 0, 80, 0, 20, 0]], scores=[0.9, 0.8, 0.7]),
        dict(gt=[[0, 0, 100, 0, 100, 40, 120, 50, 100, 40, 0, 40]], ign=[False],
             pred=[quad(0, 0, 100, 40)], scores=[0.9]),
        # Rings whose repair is several pieces (1.x takes their convex hull): squares touching at
        # a corner, squares joined by a zero-width bridge; and a ring crossing itself twice.
        dict(gt=[quad(0, 0, 20, 20), quad(40, 0, 30, 30)], ign=[False, False],
             pred=[[0, 0, 10, 0, 10, 10, 20, 10, 20, 20, 10, 20, 10, 10, 0, 10],
                   [40, 0, 50, 0, 50, 10, 60, 20, 70, 20, 70, 30, 60, 30, 60, 20, 50, 10, 40, 10],
                   [0, 0, 30, 0, 30, 30, 60, 30, 60, 0, 40, 0, 40, 30, 0, 30]], scores=[0.9, 0.8, 0.7]),
        dict(gt=[[0, 0, 40, 0, 40, 40, 20, 0, 0, 40]], ign=[False],
             pred=[quad(0, 0, 40, 40), [0, 0, 40, 0, 40, 40, 0, 40, 0, 0, 0, 40]], scores=[0.9, 0.6]),
        dict(gt=[quad(0, 0, 40, 40)], ign=[False],
             pred=[[0, 0, 10, 30, 20, 0, -5, 20, 25, 20, 0, 0, 0, 1, 0, 0]], scores=[0.9]),
    ]
    # Empty sides.
    cases['empty'] = [
        dict(gt=[quad(0, 0, 10, 10)], ign=[False], pred=[], scores=[]),
        dict(gt=[], ign=[], pred=[quad(0, 0, 10, 10)], scores=[0.9]),
        dict(gt=[quad(0, 0, 10, 10)], ign=[True], pred=[quad(0, 0, 10, 10)], scores=[0.9]),
        dict(gt=[], ign=[], pred=[], scores=[]),
    ]
    cases['no_images_with_gt'] = [dict(gt=[], ign=[], pred=[], scores=[])]
    # vanilla < max_matching: GT0 overlaps P0 and P1, GT1 only P0.
    cases['max_matching'] = [
        dict(gt=[quad(0, 0, 100, 20), quad(40, 0, 100, 20)], ign=[False, False],
             pred=[quad(30, 0, 100, 20), quad(-10, 0, 100, 20)], scores=[0.9, 0.9]),
    ]
    # ic13 splits and merges.
    cases['ic13'] = [
        dict(gt=[quad(0, 0, 100, 20)], ign=[False], pred=[quad(0, 0, 50, 20), quad(50, 0, 50, 20)], scores=[0.9, 0.8]),
        dict(gt=[quad(0, 0, 50, 20), quad(52, 0, 48, 20)], ign=[False, False], pred=[quad(0, 0, 100, 20)], scores=[0.9]),
        dict(gt=[quad(0, 0, 50, 20), quad(0, 30, 50, 20), quad(200, 0, 30, 30)], ign=[False, False, True],
             pred=[quad(1, 1, 50, 20), quad(0, 31, 47, 19), quad(201, 1, 30, 30), quad(300, 300, 5, 5)],
             scores=[0.6, 0.45, 0.9, 0.95]),
    ]
    cases['random'] = random_images(rng, 0.4)
    cases['random_quads'] = random_images(rng, 0.0)
    return cases


def random_images(rng, curved_share):
    """Quads and curved polygons with jitter (geometry stress)."""
    rimgs = []
    for _ in range(40):
        g, ign, p, s = [], [], [], []
        for _ in range(rng.randint(0, 8)):
            x, y = rng.uniform(0, 400), rng.uniform(0, 400)
            if rng.random() < curved_share:
                poly = curved(x, y, rng.uniform(20, 40), rng.uniform(45, 70), rng.uniform(0, 3), rng.uniform(3.2, 6))
            else:
                poly = quad(round(x, 1), round(y, 1), round(rng.uniform(10, 120), 1), round(rng.uniform(8, 40), 1))
            g.append(poly)
            ign.append(rng.random() < 0.15)
            for _ in range(rng.randint(0, 3)):
                p.append(jitter(poly, rng, rng.choice([1, 4, 10, 25])))
                s.append(round(rng.uniform(0.2, 1.0), 3))
        for _ in range(rng.randint(0, 3)):
            x, y = rng.uniform(0, 400), rng.uniform(0, 400)
            p.append(quad(round(x, 1), round(y, 1), 30, 12))
            s.append(round(rng.uniform(0.2, 1.0), 3))
        rimgs.append(dict(gt=g, ign=ign, pred=p, scores=s))
    return rimgs


def recog_cases():
    rng = random.Random(7)
    pairs = [
        ('hello', 'hello'), ('Hello', 'hello'), ('HELLO!', 'hello'), ('he-llo', 'hello'), ('', ''),
        ('', 'abc'), ('abc', ''), ('', '!!!'), ('a^b', 'ab'), ('a^b-c_d 1.2汉字é', 'a^bcd12汉字'),
        ('Straße', 'STRASSE'), ('straße', 'strasse'), ('İstanbul', 'istanbul'), ('ΟΔΟΣ', 'οδος'),
        ('ΟΔΟΣ', 'οδοσ'), ('café', 'cafe\u0301'), ('ＡＢＣ１', 'abc1'), ('中文识别', '中文识別'),
        ('😀ok', 'ok'), ('Москва', 'москва'), ('kitten', 'sitting'), ('abcdef', 'fedcba'),
        ('aaab', 'abaa'), ('the quick brown fox', 'the quikc brwn fox'), ('12345', '12354'),
    ]
    # Long lines (≥ 200 code points after normalisation): difflib's autojunk changes TP there.
    base = 'abcde' * 50
    pairs.append((base, base[::-1]))
    pairs.append(('x' + base[:150] + 'yy' + base[150:], base))
    long_gt = ''.join(rng.choice('aab') for _ in range(260))
    long_pred = ''.join(c if rng.random() > 0.1 else 'c' for c in long_gt)
    pairs.append((long_pred, long_gt))
    long_gt2 = ''.join(rng.choice('abcdefghij') for _ in range(300))
    pairs.append((long_gt2[5:] + 'zz', long_gt2))
    alphabet = 'abcABC123 -_.汉字éÉß'
    for _ in range(150):
        g = ''.join(rng.choice(alphabet) for _ in range(rng.randint(0, 12)))
        p = list(g)
        for _ in range(rng.randint(0, 3)):
            op = rng.random()
            if op < 0.3 and p:
                del p[rng.randrange(len(p))]
            elif op < 0.6:
                p.insert(rng.randint(0, len(p)), rng.choice(alphabet))
            elif p:
                p[rng.randrange(len(p))] = rng.choice(alphabet)
        pairs.append((''.join(p), g))
    return {'all': pairs, 'empty': [], 'one_empty_pair': [('', '')], 'long_only': pairs[25:29]}


def kie_cases():
    rng = random.Random(11)
    wild_ign = [0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 25]
    cases = {}
    gts = [rng.randrange(26) for _ in range(400)]
    preds = [g if rng.random() < 0.8 else rng.randrange(26) for g in gts]
    cases['wildreceipt'] = dict(num_classes=26, ignored=wild_ign, gt=gts, pred=preds)
    # Classes absent from GT (and some never predicted) still count in the macro mean.
    gts2 = [rng.choice([1, 3, 5]) for _ in range(60)]
    preds2 = [g if rng.random() < 0.7 else rng.choice([1, 3, 5, 7]) for g in gts2]
    cases['absent_classes'] = dict(num_classes=10, ignored=[0], gt=gts2, pred=preds2)
    cases['no_ignores'] = dict(num_classes=4, ignored=[], gt=[0, 1, 2, 3, 3, 2, 1, 0, 1], pred=[0, 1, 1, 3, 2, 2, 1, 3, 1])
    gts3 = [rng.randrange(40) for _ in range(500)]
    cases['many_classes'] = dict(num_classes=40, ignored=[0, 39], gt=gts3,
                                 pred=[g if rng.random() < 0.6 else rng.randrange(40) for g in gts3])
    return cases


# ------------------------------------------------------------------------------------ mmocr 0.6.3
def run_mmocr0():
    import mmocr  # noqa: F401  (run.py installed its stubs)
    import mmcv.utils
    if not hasattr(mmcv.utils, 'print_log'):
        # mmcv only exports print_log when torch imports; it only logs, so a no-op stands in.
        mmcv.utils.print_log = lambda *a, **k: None
    root = os.path.dirname(sys.modules['mmocr'].__file__)
    for pkg in ('mmocr.core', 'mmocr.core.evaluation'):
        mod = types.ModuleType(pkg)
        mod.__path__ = [os.path.join(root, *pkg.split('.')[1:])]
        mod.__package__ = pkg
        sys.modules[pkg] = mod
    from mmocr.core.evaluation import hmean, hmean_iou, hmean_ic13, ocr_metric
    from mmocr.core.evaluation import utils as eu
    import numpy as np

    out = {'reference': 'mmocr 0.6.3 mmocr/core/evaluation (eval_hmean, eval_hmean_iou, eval_hmean_ic13, eval_ocr_metric)',
           'det': {}, 'recog': {}}
    thrs = [float(t) for t in np.arange(0.3, min(0.9 + 0.1, 1.0), 0.1)]
    for name, imgs in det_cases().items():
        if name == 'invalid':
            imgs = [dict(im, pred=[p for p in im['pred'] if len(p) >= 8]) for im in imgs]
        results = [dict(boundary_result=[p + [s] for p, s in zip(im['pred'], im['scores'])]) for im in imgs]
        ann = [dict(masks=[[g] for g, i in zip(im['gt'], im['ign']) if not i],
                    masks_ignore=[[g] for g, i in zip(im['gt'], im['ign']) if i]) for im in imgs]
        infos = [dict(filename=f'img_{k}.jpg') for k in range(len(imgs))]
        metrics = {'hmean-iou', 'hmean-ic13'} if name in ('basic', 'ic13', 'empty', 'random_quads') else {'hmean-iou'}
        best = hmean.eval_hmean(results, infos, ann, metrics=metrics)
        # Per-threshold rows through the same helpers eval_hmean composes.
        gts, gts_ign = hmean.get_gt_masks(ann)
        preds, scores = [], []
        for r in results:
            _, texts, sc = hmean.extract_boundary(r)
            v, vs = eu.filter_2dlist_result(texts, sc, 0.3)
            preds.append(v)
            scores.append(vs)
        rows = {}
        for metric in sorted(metrics):
            rows[metric] = []
            for thr in np.arange(0.3, min(0.9 + 0.1, 1.0), 0.1):
                top = eu.select_top_boundary(preds, scores, thr)
                fn = hmean_iou.eval_hmean_iou if metric == 'hmean-iou' else hmean_ic13.eval_hmean_ic13
                res, per = fn(top, gts, gts_ign)
                rows[metric].append(dict(thr=float(thr), **{k: float(v) for k, v in res.items()},
                                         per_image=[{k: float(v) for k, v in p.items()} for p in per]))
        out['det'][name] = dict(images=imgs, best={k: float(v) for k, v in best.items()}, rows=rows)
    out['thresholds'] = thrs
    for name, pairs in recog_cases().items():
        res = ocr_metric.eval_ocr_metric([p for p, _ in pairs], [g for _, g in pairs])
        per = []
        for p, g in pairs:
            import re
            comp = re.compile('[^A-Z^a-z^0-9^\u4e00-\u9fa5]')
            pn, gn = comp.sub('', p.lower()), comp.sub('', g.lower())
            per.append(dict(tp=ocr_metric.cal_true_positive_char(pn, gn),
                            ned=ocr_metric.Levenshtein.normalized_distance(pn, gn),
                            gt_chars=len(gn), pred_chars=len(pn)))
        out['recog'][name] = dict(pairs=pairs, result=res, per_pair=per)
    return out


def run_kie0(out):
    """0.6.3 compute_f1_score + KIEDataset.compute_macro_f1's mean, in the 1.x venv (torch)."""
    import importlib.util
    import numpy as np
    import torch
    path = os.path.expanduser('~/.cache/prep-peer/venv/lib/python3.11/site-packages/mmocr/core/evaluation/kie_metric.py')
    spec = importlib.util.spec_from_file_location('kie_metric_063', path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    res = {}
    for name, c in kie_cases().items():
        C = c['num_classes']
        scores = torch.zeros(len(c['pred']), C)
        for i, p in enumerate(c['pred']):
            scores[i, p] = 1.0
        f1s = mod.compute_f1_score(scores, torch.tensor(c['gt']).int(), c['ignored'])
        res[name] = dict(case=c, macro_f1=float(f1s.mean()), per_class=[float(v) for v in f1s])
    out['kie'] = res


# -------------------------------------------------------------------------------------- mmocr 1.x
def run_mmocr1():
    import numpy as np
    import torch
    from mmengine.structures import InstanceData
    from mmocr.evaluation import (CharMetric, F1Metric, HmeanIOUMetric, OneMinusNEDMetric, WordMetric)
    from mmocr.structures import KIEDataSample, TextDetDataSample, TextRecogDataSample
    from mmengine.structures import LabelData

    out = {'reference': 'mmocr 1.0.1 mmocr/evaluation/metrics (HmeanIOUMetric, WordMetric, CharMetric, OneMinusNEDMetric, F1Metric)',
           'det': {}, 'recog': {}, 'kie': {}}
    thrs = [float(t) for t in np.arange(0.3, 0.9, 0.1)]
    out['thresholds'] = thrs

    def det_samples(imgs):
        samples = []
        for im in imgs:
            ds = TextDetDataSample()
            gi = InstanceData()
            gi.polygons = [np.array(g, dtype=np.float32) for g in im['gt']]
            gi.ignored = np.array(im['ign'], dtype=bool)
            pi = InstanceData()
            pi.polygons = [np.array(p, dtype=np.float32) for p in im['pred']]
            pi.scores = np.array(im['scores'], dtype=np.float32)
            ds.gt_instances = gi
            ds.pred_instances = pi
            samples.append(ds)
        return samples

    for name, imgs in det_cases().items():
        entry = dict(images=imgs)
        for strategy in ('vanilla', 'max_matching'):
            m = HmeanIOUMetric(strategy=strategy)
            m.process(None, det_samples(imgs))
            best = m.compute_metrics(m.results)
            rows = []
            for t in thrs:
                # A one-threshold sweep starting at t: the min filter at t equals the threshold
                # filter, and the ignore test is per prediction, so this is the row for t.
                mt = HmeanIOUMetric(strategy=strategy, pred_score_thrs=dict(start=t, stop=t + 0.05, step=0.1))
                mt.process(None, det_samples(imgs))
                r = mt.compute_metrics(mt.results)
                rows.append(dict(thr=t, **{k: float(v) for k, v in r.items()}))
            entry[strategy] = dict(best={k: float(v) for k, v in best.items()}, rows=rows)
        out['det'][name] = entry

    for name, pairs in recog_cases().items():
        samples = []
        for p, g in pairs:
            s = TextRecogDataSample()
            s.pred_text = LabelData(item=p)
            s.gt_text = LabelData(item=g)
            samples.append(s)
        res = {}
        for m in (WordMetric(mode=['exact', 'ignore_case', 'ignore_case_symbol']), CharMetric(), OneMinusNEDMetric()):
            m.process(None, samples)
            res.update({'recog/' + k: v for k, v in m.compute_metrics(m.results).items()})
        out['recog'][name] = dict(pairs=pairs, result=res)

    for name, c in kie_cases().items():
        s = KIEDataSample()
        s.gt_instances = InstanceData(labels=torch.tensor(c['gt']))
        s.pred_instances = InstanceData(labels=torch.tensor(c['pred']))
        res = {}
        for mode in ('macro', 'micro'):
            m = F1Metric(num_classes=c['num_classes'], mode=mode, ignored_classes=c['ignored'])
            m.process(None, [s])
            res.update({'kie/' + k: v for k, v in m.compute_metrics(m.results).items()})
        out['kie'][name] = dict(case=c, result=res)
    return out


def main():
    which = sys.argv[1]
    if which == 'mmocr0':
        out = run_mmocr0()
        path = os.path.join(OUT, 'golden_mmocr0.json')
    elif which == 'kie0':
        path = os.path.join(OUT, 'golden_mmocr0.json')
        with open(path) as f:
            out = json.load(f)
        run_kie0(out)
    else:
        out = run_mmocr1()
        path = os.path.join(OUT, 'golden_mmocr1.json')
    dump(out, path)


def dump(out, path):
    """Writes a golden fixture (one compact JSON line, UTF-8 as is)."""
    with open(path, 'w') as f:
        json.dump(out, f, ensure_ascii=False, indent=None, separators=(',', ':'))
        f.write('\n')
    print('wrote', path)


if __name__ == '__main__':
    main()
