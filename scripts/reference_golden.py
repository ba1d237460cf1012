#!/usr/bin/env python3
"""Makes golden detection outputs by running the reference (MMOCR 0.6.3 icdar_converter.py,
through ../shared/peer) on a copy of a fixture, then putting images in file-name order with ids
renumbered in that order -- prep's one documented ordering difference (the reference uses
unsorted glob order). Everything else is the reference's bytes (json.dumps defaults, as mmcv.dump).

usage: PEER=~/.cache/prep-peer python3 scripts/reference_golden.py FIXTURE DATASET SPLIT... [--drop NAME...]
  writes fixtures/expected/<FIXTURE>/instances_<SPLIT>.json
  --drop removes images (and their gt) from the copy first: files the reference cannot read.
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
PEER = os.environ.get('PEER', os.path.expanduser('~/.cache/prep-peer'))


def reorder(doc):
    images = sorted(doc['images'], key=lambda i: i['file_name'])
    new_id = {img['id']: n for n, img in enumerate(images)}
    by_image = {}
    for ann in doc.get('annotations', []):
        by_image.setdefault(ann['image_id'], []).append(ann)
    anns = []
    for img in images:
        for ann in by_image.get(img['id'], []):
            ann['image_id'] = new_id[img['id']]
            ann['id'] = len(anns)
            anns.append(ann)
    for img in images:
        img['id'] = new_id[img['id']]
    out = {'images': images, 'categories': doc['categories']}
    # prep keeps an empty list where the reference drops the key (README differences table).
    out['annotations'] = anns
    return out


def main():
    args = sys.argv[1:]
    drop = []
    if '--drop' in args:
        i = args.index('--drop')
        drop = args[i + 1:]
        args = args[:i]
    fixture, dataset, splits = args[0], args[1], args[2:]
    with tempfile.TemporaryDirectory() as tmp:
        root = os.path.join(tmp, fixture)
        shutil.copytree(os.path.join(REPO, 'fixtures', fixture), root)
        for name in drop:
            for split in splits:
                stem = os.path.splitext(name)[0]
                for p in (os.path.join(root, 'imgs', split, name),
                          os.path.join(root, 'annotations', split, 'gt_%s.txt' % stem)):
                    if os.path.exists(p):
                        os.remove(p)
        subprocess.run([os.path.join(PEER, 'venv/bin/python'), os.path.join(REPO, '../shared/peer/run.py'),
                        os.path.join(PEER, 'mmocr063/tools/data/textdet/icdar_converter.py'),
                        fixture, '-d', dataset, '--split-list', *splits], cwd=tmp, check=True,
                       stdout=subprocess.DEVNULL)
        out_dir = os.path.join(REPO, 'fixtures', 'expected', fixture)
        os.makedirs(out_dir, exist_ok=True)
        for split in splits:
            with open(os.path.join(root, 'instances_%s.json' % split)) as f:
                doc = json.load(f)
            with open(os.path.join(out_dir, 'instances_%s.json' % split), 'w') as f:
                f.write(json.dumps(reorder(doc)))
            print('wrote', os.path.join(out_dir, 'instances_%s.json' % split))


if __name__ == '__main__':
    main()
