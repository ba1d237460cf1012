"""MMOCR 1.x's own metrics on bench/gen_eval.py's files (run through ../shared/peer/peer1x_stub.py).

    python peer1x_stub.py bench/eval_ref.py det OUT     # HmeanIOUMetric (vanilla)
    python peer1x_stub.py bench/eval_ref.py recog OUT   # WordMetric + CharMetric + OneMinusNEDMetric

Reads the same files prep eval reads (plain json), feeds the metric the way MMOCR's evaluator does,
prints the result.
"""
import json
import os
import sys

import numpy as np
from mmengine.structures import InstanceData, LabelData
from mmocr.evaluation import CharMetric, HmeanIOUMetric, OneMinusNEDMetric, WordMetric
from mmocr.structures import TextDetDataSample, TextRecogDataSample

task, out = sys.argv[1], sys.argv[2]
if task == 'det':
    gt = json.load(open(os.path.join(out, 'det_gt.json')))['data_list']
    preds = {p['img_path']: p for p in json.load(open(os.path.join(out, 'det_pred.json')))}
    m = HmeanIOUMetric()
    for item in gt:
        p = preds[item['img_path']]
        ds = TextDetDataSample()
        ds.gt_instances = InstanceData(polygons=[np.array(i['polygon'], dtype=np.float32) for i in item['instances']],
                                       ignored=np.array([i['ignore'] for i in item['instances']], dtype=bool))
        ds.pred_instances = InstanceData(polygons=[np.array(x, dtype=np.float32) for x in p['det_polygons']],
                                         scores=np.array(p['det_scores'], dtype=np.float32))
        m.process(None, [ds])
    print(json.dumps({'icdar/' + k: v for k, v in m.compute_metrics(m.results).items()}))
else:
    preds = {}
    for line in open(os.path.join(out, 'recog_pred.txt')):
        name, text, _ = line.rstrip('\n').split('\t')
        preds[name] = text
    metrics = [WordMetric(mode=['exact', 'ignore_case', 'ignore_case_symbol']), CharMetric(), OneMinusNEDMetric()]
    batch = []
    for line in open(os.path.join(out, 'recog_gt.jsonl')):
        r = json.loads(line)
        s = TextRecogDataSample()
        s.pred_text = LabelData(item=preds.get(r['filename'], ''))
        s.gt_text = LabelData(item=r['text'])
        batch.append(s)
        if len(batch) == 256:
            for m in metrics:
                m.process(None, batch)
            batch = []
    for m in metrics:
        m.process(None, batch)
    res = {}
    for m in metrics:
        res.update({'recog/' + k: v for k, v in m.compute_metrics(m.results).items()})
    print(json.dumps(res))
