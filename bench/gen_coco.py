#!/usr/bin/env python3
"""Deterministic MMOCR 0.x COCO file for the format benchmark: N images (1280x720), 10 quads each
(integer coordinates, every fifth ignored, bbox/area as the ICDAR converter writes them), in the
reference's byte format (json.dump, default separators). Same N -> same bytes.

    python gen_coco.py OUT.json [N]      # default N = 20000
"""
import json
import random
import sys


def main():
    out = sys.argv[1]
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 20000
    rng = random.Random(20241122)
    images, anns = [], []
    for i in range(n):
        images.append({'file_name': f'training/img_{i + 1}.jpg', 'height': 720, 'width': 1280,
                       'segm_file': f'training/gt_img_{i + 1}.txt', 'id': i})
        for k in range(10):
            x, y = rng.randrange(0, 1100), rng.randrange(0, 680)
            w, h = rng.randrange(10, 170), rng.randrange(8, 40)
            poly = [x, y, x + w, y, x + w, y + h, x, y + h]
            anns.append({'iscrowd': int(k % 5 == 4), 'category_id': 1, 'bbox': [float(x), float(y), float(w), float(h)],
                         'area': float(w * h), 'segmentation': [poly], 'image_id': i, 'id': len(anns)})
    with open(out, 'w') as f:
        json.dump({'images': images, 'categories': [{'id': 1, 'name': 'text'}], 'annotations': anns}, f)


if __name__ == '__main__':
    main()
