#!/usr/bin/env python3
"""One-off check that pycocotools loads prep's standard COCO output unchanged (not part of the
tests, which must not need pycocotools).

    python3 -m venv /tmp/cocovenv && /tmp/cocovenv/bin/pip install pycocotools
    swift build && /tmp/cocovenv/bin/python scripts/check_pycocotools.py

Prepares fixtures/icdar2015-toy with `--to coco`, loads the file with pycocotools.coco.COCO,
checks counts, category, bbox/area of an annotation against its rasterised mask, and that a file
with an empty `annotations` list loads too. Last run (2026-11-22, pycocotools 2.0.11): 10 images,
82 annotations, mask area 1124 for area 1124.5 — OK.
"""
import json
import os
import subprocess
import sys
import tempfile

from pycocotools.coco import COCO

repo = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
prep = os.path.join(repo, '.build', 'debug', 'prep')
with tempfile.TemporaryDirectory() as tmp:
    subprocess.run([prep, 'icdar2015', os.path.join(repo, 'fixtures', 'icdar2015-toy'), '--split-list', 'test',
                    '--to', 'coco', '-o', tmp, '-q'], check=True)
    coco = COCO(os.path.join(tmp, 'coco_test.json'))
    assert len(coco.getImgIds()) == 10 and len(coco.getAnnIds()) == 82, 'counts'
    assert coco.loadCats(coco.getCatIds()) == [{'id': 1, 'name': 'text', 'supercategory': 'text'}]
    ann = coco.loadAnns(coco.getAnnIds())[0]
    assert abs(coco.annToMask(ann).sum() - ann['area']) < 0.05 * ann['area'], 'mask area'
    assert len(coco.getAnnIds(iscrowd=True)) == 61
    empty = os.path.join(tmp, 'empty.json')
    with open(empty, 'w') as f:
        json.dump({'info': {}, 'licenses': [], 'images': [], 'annotations': [], 'categories': [{'id': 1, 'name': 'text'}]}, f)
    assert COCO(empty).getAnnIds() == []
print('pycocotools loads prep --to coco: OK')
sys.exit(0)
