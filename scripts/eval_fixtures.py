#!/usr/bin/env python
"""Prediction fixtures for `prep eval`'s end-to-end tests, in every dump format, with the numbers
MMOCR 1.x's own metrics give for them.

    $PEER1X/venv/bin/python ../shared/peer/peer1x_stub.py scripts/eval_fixtures.py

Ground truth: fixtures/expected/icdar2015-toy/textspotting_test.json (det/spotting),
fixtures/expected/labelme-toy/train_label.jsonl (recog), fixtures/kie-toy/data.txt (KIE).
Predictions (deterministic, seeded) are written to fixtures/eval/e2e/ as: an MMOCR inferencer
folder (preds/<image>.json) and list (preds_list.json), PaddleOCR system_results.txt and
predicts_rec.txt, an ICDAR submission zip (submit.zip), and KIE lines (kie_pred.txt).
expected.json holds what HmeanIOUMetric (vanilla, max_matching), WordMetric + CharMetric +
OneMinusNEDMetric and F1Metric return on them.
"""
import json
import os
import random
import zipfile

import numpy as np
import torch
from mmengine.structures import InstanceData, LabelData
from mmocr.evaluation import CharMetric, F1Metric, HmeanIOUMetric, OneMinusNEDMetric, WordMetric
from mmocr.structures import KIEDataSample, TextDetDataSample, TextRecogDataSample

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, 'fixtures', 'eval', 'e2e')
rng = random.Random(2024)


def mutate(text):
    r = rng.random()
    if r < 0.6:
        return text
    if r < 0.75:
        return text.lower()
    if r < 0.9 and len(text) > 1:
        i = rng.randrange(len(text))
        return text[:i] + text[i + 1:]
    return text + '!'


def main():
    os.makedirs(os.path.join(OUT, 'preds'), exist_ok=True)
    gt = json.load(open(os.path.join(ROOT, 'fixtures/expected/icdar2015-toy/textspotting_test.json')))
    preds = []   # (img_path, polygons, scores, texts)
    for k, item in enumerate(gt['data_list']):
        name = os.path.basename(item['img_path'])
        if name == 'img_9.jpg':
            continue   # an image without predictions
        polys, scores, texts = [], [], []
        for inst in item['instances']:
            if rng.random() < 0.15:
                continue
            d = rng.choice([1, 2, 4, 12])
            polys.append([round(v + rng.uniform(-d, d), 1) for v in inst['polygon']])
            scores.append(round(rng.uniform(0.25, 1.0), 3))
            texts.append(mutate(inst['text']) if inst['text'] != '###' else 'xx')
        x, y = rng.uniform(0, 1000), rng.uniform(0, 600)
        polys.append([round(v, 1) for v in [x, y, x + 40, y, x + 40, y + 15, x, y + 15]])
        scores.append(round(rng.uniform(0.25, 1.0), 3))
        texts.append('noise')
        preds.append((name, polys, scores, texts))
    preds.append(('img_99.jpg', [[10.0, 10.0, 50.0, 10.0, 50.0, 30.0, 10.0, 30.0]], [0.95], ['ghost']))

    for name, polys, scores, texts in preds:
        with open(os.path.join(OUT, 'preds', name.rsplit('.', 1)[0] + '.json'), 'w') as f:
            json.dump(dict(det_polygons=polys, det_scores=scores, rec_texts=texts, rec_scores=[0.9] * len(texts)), f)
    with open(os.path.join(OUT, 'preds_list.json'), 'w') as f:
        json.dump([dict(img_path='data/' + n, det_polygons=p, det_scores=s, rec_texts=t) for n, p, s, t in preds], f)
    with open(os.path.join(OUT, 'system_results.txt'), 'w') as f:
        for n, p, s, t in preds:
            items = [dict(transcription=tt, points=[[pp[i], pp[i + 1]] for i in range(0, len(pp), 2)], score=ss)
                     for pp, ss, tt in zip(p, s, t)]
            f.write(n + '\t' + json.dumps(items, ensure_ascii=False) + '\n')
    with zipfile.ZipFile(os.path.join(OUT, 'submit.zip'), 'w') as z:
        for n, p, s, t in preds:
            lines = [','.join(str(v) for v in pp) + f',{ss},{tt}' for pp, ss, tt in zip(p, s, t)]
            z.writestr('res_' + n.rsplit('.', 1)[0] + '.txt', '\r\n'.join(lines) + '\r\n')

    by_name = {n: (p, s) for n, p, s, _ in preds}
    samples = []
    for item in gt['data_list']:
        name = os.path.basename(item['img_path'])
        p, s = by_name.get(name, ([], []))
        ds = TextDetDataSample()
        ds.gt_instances = InstanceData(polygons=[np.array(i['polygon'], dtype=np.float32) for i in item['instances']],
                                       ignored=np.array([i['ignore'] for i in item['instances']], dtype=bool))
        ds.pred_instances = InstanceData(polygons=[np.array(x, dtype=np.float32) for x in p], scores=np.array(s, dtype=np.float32))
        samples.append(ds)
    ds = TextDetDataSample()   # the prediction-only image: no GT
    ds.gt_instances = InstanceData(polygons=[], ignored=np.array([], dtype=bool))
    ds.pred_instances = InstanceData(polygons=[np.array(by_name['img_99.jpg'][0][0], dtype=np.float32)], scores=np.array([0.95], dtype=np.float32))
    samples.append(ds)
    expected = {'reference': 'mmocr 1.0.1 HmeanIOUMetric, WordMetric, CharMetric, OneMinusNEDMetric, F1Metric', 'det': {}}
    for strategy in ('vanilla', 'max_matching'):
        m = HmeanIOUMetric(strategy=strategy)
        m.process(None, samples)
        expected['det'][strategy] = {'icdar/' + k: float(v) for k, v in m.compute_metrics(m.results).items()}

    # Recognition: predicts_rec.txt against the labelme crops' labels.
    pairs = []
    with open(os.path.join(OUT, 'predicts_rec.txt'), 'w') as f:
        for line in open(os.path.join(ROOT, 'fixtures/expected/labelme-toy/train_label.jsonl')):
            rec = json.loads(line)
            if rng.random() < 0.1:
                pairs.append(('', rec['text']))   # not predicted: scored as an empty prediction
                continue
            p = mutate(rec['text'])
            pairs.append((p, rec['text']))
            f.write(f"{rec['filename']}\t{p}\t{round(rng.uniform(0.5, 1), 4)}\n")
    rs = []
    for p, g in pairs:
        s = TextRecogDataSample()
        s.pred_text = LabelData(item=p)
        s.gt_text = LabelData(item=g)
        rs.append(s)
    res = {}
    for m in (WordMetric(mode=['exact', 'ignore_case', 'ignore_case_symbol']), CharMetric(), OneMinusNEDMetric()):
        m.process(None, rs)
        res.update({'recog/' + k: v for k, v in m.compute_metrics(m.results).items()})
    expected['recog'] = res

    # KIE: data.txt with some labels changed.
    gts, prs = [], []
    with open(os.path.join(OUT, 'kie_pred.txt'), 'w') as f:
        for line in open(os.path.join(ROOT, 'fixtures/kie-toy/data.txt')):
            d = json.loads(line)
            for a in d['annotations']:
                gts.append(a['label'])
                if rng.random() < 0.3:
                    a['label'] = rng.randrange(26)
                prs.append(a['label'])
            f.write(json.dumps(d, ensure_ascii=False) + '\n')
    s = KIEDataSample()
    s.gt_instances = InstanceData(labels=torch.tensor(gts))
    s.pred_instances = InstanceData(labels=torch.tensor(prs))
    ign = [0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 25]
    kie = {}
    for mode in ('macro', 'micro'):
        m = F1Metric(num_classes=26, mode=mode, ignored_classes=ign)
        m.process(None, [s])
        kie.update({'kie/' + k: v for k, v in m.compute_metrics(m.results).items()})
    expected['kie'] = kie
    with open(os.path.join(OUT, 'expected.json'), 'w') as f:
        json.dump(expected, f, indent=1)
        f.write('\n')
    print(json.dumps(expected, indent=1))


if __name__ == '__main__':
    main()
