#!/usr/bin/env python
"""Loads prep's `--to mmocr1` outputs with MMOCR 1.x's own dataset classes, sample by sample.

Not run in CI (needs the MMOCR 1.x peer). Run through the peer's stub:

    V=~/.cache/prep-peer1x/venv/bin/python
    $V ../shared/peer/peer1x_stub.py scripts/check_mmocr1_load.py CONFIG_DIR NAME

CONFIG_DIR is what `prep NAME ROOT --to mmocr1 --emit-config CONFIG_DIR -o OUT` wrote. Every
dataset dict of `CONFIG_DIR/<task>/_base_/datasets/NAME.py` is built as the config says
(`OCRDataset` / `RecogLMDBDataset`, default `serialize_data=True`) with a pipeline that loads
the image (`LoadImageFromFile`, or `LoadImageFromNDArray` after the LMDB's own decode) and
the annotations, and every index is fetched. Prints `<task> <var>: loaded N / expected M`
(M = the annotation file's data_list length, or the LMDB's num-samples) and exits 1 on any
failure.
"""
import json
import os
import sys

from mmocr.registry import DATASETS
from mmocr.utils import register_all_modules


def expected_count(cfg):
    ann = os.path.join(cfg['data_root'], cfg['ann_file'])
    if ann.endswith('.lmdb'):
        import lmdb
        env = lmdb.open(ann, readonly=True, lock=False)
        with env.begin() as txn:
            return int(txn.get(b'num-samples'))
    with open(ann) as f:
        return len(json.load(f)['data_list'])


def main():
    cfg_dir, name = sys.argv[1], sys.argv[2]
    register_all_modules()
    failed = False
    for task in ('textdet', 'textspotting', 'textrecog'):
        path = os.path.join(cfg_dir, task, '_base_', 'datasets', name + '.py')
        if not os.path.exists(path):
            continue
        scope = {}
        exec(open(path).read(), scope)
        for var, cfg in scope.items():
            if var.startswith('__') or not isinstance(cfg, dict) or 'type' not in cfg:
                continue
            cfg = dict(cfg)
            cfg.pop('filter_cfg', None)  # count every sample, empty pages too
            if task == 'textrecog':
                load = dict(type='LoadImageFromFile') if cfg['type'] == 'OCRDataset' \
                    else dict(type='LoadImageFromNDArray')
                cfg['pipeline'] = [load, dict(type='LoadOCRAnnotations', with_text=True)]
            else:
                cfg['pipeline'] = [dict(type='LoadImageFromFile'),
                                   dict(type='LoadOCRAnnotations', with_bbox=True, with_polygon=True,
                                        with_label=True, with_text=(task == 'textspotting'))]
            want = expected_count(cfg)
            loaded = 0
            try:
                ds = DATASETS.build(cfg)
                for i in range(len(ds)):
                    item = ds[i]
                    assert item['img'] is not None and item['img'].size > 0, f'{var}[{i}]: no image'
                    loaded += 1
            except Exception as e:  # noqa: BLE001 — report and go on
                print(f'{task} {var}: FAILED after {loaded}: {type(e).__name__}: {e}')
                failed = True
                continue
            ok = loaded == want
            failed |= not ok
            print(f'{task} {var}: loaded {loaded} / expected {want} ({cfg["ann_file"]}){"" if ok else "  MISMATCH"}')
    sys.exit(1 if failed else 0)


if __name__ == '__main__':
    main()
