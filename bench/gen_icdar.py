#!/usr/bin/env python3
"""Generates, deterministically, the detection benchmark input of
../shared/reference/peer-timings.md (a): ICDAR 2015 layout, imgs/training/img_{1..N}.jpg
(1280x720 JPEG q90) and annotations/training/gt_img_N.txt (UTF-8 BOM, CRLF), 8-12 quads per
image, every 7th instance `###`, a vertical box in every 5th image.

usage: python gen_icdar.py OUT_DIR [--images N]   (needs numpy + Pillow: the reference venv has both)
Re-running with the same arguments leaves an existing, complete output alone.
"""
import argparse
import os
import random

import numpy as np
from PIL import Image, ImageDraw

W, H = 1280, 720
WORDS = ['Genaxis', 'Theatre', 'EXIT', 'Sale', '50%', 'Coffee', 'OPEN', 'Street', 'Hotel', 'Bank',
         'Caf\u00e9', 'Pizza', 'Taxi', 'Metro', 'No, Parking', 'Station', '2015', 'ICDAR']


def base_images(n, rng):
    """A few textured backgrounds; every image is one of them with its own boxes drawn on."""
    out = []
    yy, xx = np.mgrid[0:H, 0:W]
    for k in range(n):
        r = (np.sin(xx / (37.0 + 7 * k)) * 60 + 120 + (yy * 0.05)).astype(np.int16)
        g = (np.cos(yy / (23.0 + 5 * k)) * 50 + 110 + (xx * 0.03)).astype(np.int16)
        b = ((xx + yy + 13 * k) % 256 // 2 + 60).astype(np.int16)
        noise = np.random.default_rng(k).integers(-18, 18, size=(H, W, 3), dtype=np.int16)
        arr = np.clip(np.stack([r, g, b], axis=-1) + noise, 0, 255).astype(np.uint8)
        out.append(Image.fromarray(arr, 'RGB'))
    return out


def quad(rng, vertical):
    if vertical:
        w, h = rng.randint(20, 40), rng.randint(120, 250)
    else:
        w, h = rng.randint(40, 260), rng.randint(14, 60)
    x, y = rng.randint(0, W - w - 1), rng.randint(0, H - h - 1)
    j = lambda: rng.randint(-3, 3)
    return [x + j(), y + j(), x + w + j(), y + j(), x + w + j(), y + h + j(), x + j(), y + h + j()]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('out')
    ap.add_argument('--images', type=int, default=2000)
    args = ap.parse_args()
    img_dir = os.path.join(args.out, 'imgs', 'training')
    ann_dir = os.path.join(args.out, 'annotations', 'training')
    stamp = os.path.join(args.out, '.complete-%d' % args.images)
    if os.path.exists(stamp):
        print('input already generated:', args.out)
        return
    os.makedirs(img_dir, exist_ok=True)
    os.makedirs(ann_dir, exist_ok=True)
    rng = random.Random(2015)
    bases = base_images(8, rng)
    count = 0
    for i in range(1, args.images + 1):
        img = bases[i % len(bases)].copy()
        draw = ImageDraw.Draw(img)
        lines = []
        for k in range(rng.randint(8, 12)):
            q = quad(rng, vertical=(i % 5 == 0 and k == 0))
            count += 1
            text = '###' if count % 7 == 0 else rng.choice(WORDS)
            draw.polygon(list(zip(q[0::2], q[1::2])), outline=(255, 255, 255))
            lines.append(','.join(map(str, q)) + ',' + text)
        img.save(os.path.join(img_dir, 'img_%d.jpg' % i), 'JPEG', quality=90)
        with open(os.path.join(ann_dir, 'gt_img_%d.txt' % i), 'wb') as f:
            f.write(b'\xef\xbb\xbf' + ('\r\n'.join(lines) + '\r\n').encode('utf-8'))
    open(stamp, 'w').close()
    print('generated %d images, %d instances in %s' % (args.images, count, args.out))


if __name__ == '__main__':
    main()
