#!/usr/bin/env python
"""Runs MMOCR 1.x's own Dataset Preparer stages on fixtures/icdar2015-recog-toy and writes what
they produce to fixtures/expected/icdar2015-recog-toy/mmocr1/ (the golden files
MMOCR1DropInTests compares prep's `--to mmocr1` output with).

Needs the MMOCR 1.x peer (not in CI):

    V=~/.cache/prep-peer1x/venv/bin/python
    $V ../shared/peer/peer1x_stub.py scripts/mmocr1_preparer_golden.py

The raw files are put where the 1.x obtainer's mappings put them (dataset_zoo/icdar2015:
`textdet_imgs/<split>/`, `annotations/<split>/`), then, per split (`train`, `test`), the stages of
its textdet.py / textspotting.py / textrecog.py configs run unchanged: `PairGatherer`
(img_suffixes .jpg/.JPG, rule img_N → gt_img_N.txt), `ICDARTxtTextDetAnnParser`
(encoding utf-8-sig), `TextDetPacker` / `TextSpottingPacker` / `TextRecogCropPacker` (the
recog config's cropping of the det ground truth) and `JsonDumper`. Written: the three JSON files
per split as the dumper wrote them, and `crops.tsv` listing each crop with its size.
"""
import os
import shutil
import sys
import tempfile

import cv2
from mmocr.datasets.preparers.dumpers import JsonDumper
from mmocr.datasets.preparers.gatherers import PairGatherer
from mmocr.datasets.preparers.packers import TextDetPacker, TextRecogCropPacker, TextSpottingPacker
from mmocr.datasets.preparers.parsers import ICDARTxtTextDetAnnParser

HERE = os.path.dirname(os.path.abspath(__file__))
FIX = os.path.join(os.path.dirname(HERE), 'fixtures')
SRC = os.path.join(FIX, 'icdar2015-recog-toy')
OUT = os.path.join(FIX, 'expected', 'icdar2015-recog-toy', 'mmocr1')


def main():
    root = tempfile.mkdtemp(prefix='mmocr1-golden-')
    try:
        for prep_split, split in (('training', 'train'), ('test', 'test')):
            shutil.copytree(os.path.join(SRC, 'imgs', prep_split), os.path.join(root, 'textdet_imgs', split))
            shutil.copytree(os.path.join(SRC, 'annotations', prep_split), os.path.join(root, 'annotations', split))
        os.makedirs(OUT, exist_ok=True)
        rows = []
        for split in ('train', 'test'):
            gatherer = PairGatherer(img_suffixes=['.jpg', '.JPG'], rule=[r'img_(\d+)\.([jJ][pP][gG])', r'gt_img_\1.txt'],
                                    split=split, data_root=root, img_dir=f'textdet_imgs/{split}')
            img_paths, ann_paths = gatherer()
            samples = ICDARTxtTextDetAnnParser(split=split, encoding='utf-8-sig')(img_paths, ann_paths)
            for task, packer in (('textdet', TextDetPacker), ('textspotting', TextSpottingPacker),
                                 ('textrecog', TextRecogCropPacker)):
                JsonDumper(task=task, split=split, data_root=root)(packer(data_root=root, split=split)(samples))
                shutil.copy(os.path.join(root, f'{task}_{split}.json'), OUT)
            crop_dir = os.path.join(root, 'textrecog_imgs', split)
            for name in sorted(os.listdir(crop_dir)):
                h, w = cv2.imread(os.path.join(crop_dir, name)).shape[:2]
                rows.append(f'textrecog_imgs/{split}/{name}\t{w}\t{h}')
        with open(os.path.join(OUT, 'crops.tsv'), 'w') as f:
            f.write('\n'.join(rows) + '\n')
        print('written to', OUT)
    finally:
        shutil.rmtree(root)


if __name__ == '__main__':
    sys.exit(main())
