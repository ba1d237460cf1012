"""Generates the DeText crop benchmark input of ../shared/reference/peer-timings.md,
deterministically (seed 2015): 1280x720 JPEG q90 photos-like images, 8-12 quads each (every
7th quad `###`, a vertical box in every 5th image), ground truth with a UTF-8 BOM and CRLF, in
DeText's layout: imgs/{training,val}/img_N.jpg, annotations/{training,val}/gt_img_N.txt.
The ICDAR 2015 layout of the det benchmark has one split; DeText needs training and val, so the
last 10% of the images go to val.

    python bench/gen_detext.py OUT [--images 2000]
"""
import argparse, os, random
import cv2
import numpy as np

WORDS = 'THE AND HOTEL EXIT GRAND PARK CAFE OPEN STREET 24 SALE CITY BANK STOP TAXI ROAD INFO 2015 MARKET'.split()


def image(rng, nrng):
    h, w = 720, 1280
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    base = np.stack([(xx / w) * 180 + 40, (yy / h) * 160 + 50, ((xx + yy) / (w + h)) * 120 + 60], axis=-1)
    img = base + nrng.normal(0, 10, (h, w, 3)).astype(np.float32)
    img = np.clip(img, 0, 255).astype(np.uint8)
    for _ in range(25):
        x, y = rng.randrange(0, w - 60), rng.randrange(0, h - 40)
        color = tuple(rng.randrange(0, 256) for _ in range(3))
        cv2.rectangle(img, (x, y), (x + rng.randrange(20, 300), y + rng.randrange(10, 200)), color, -1)
    return img


def quads(rng, n, vertical):
    out = []
    for k in range(n):
        w, h = rng.randrange(40, 220), rng.randrange(14, 48)
        if vertical and k == 0:
            w, h = h, w * 3 // 2 + 40
        x, y = rng.randrange(0, 1280 - w), rng.randrange(0, 720 - h)
        d = rng.randrange(-4, 5)
        out.append([x, y + d, x + w, y, x + w, y + h, x, y + h - d])
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('out')
    ap.add_argument('--images', type=int, default=2000)
    args = ap.parse_args()
    rng, nrng = random.Random(2015), np.random.default_rng(2015)
    n_val = args.images // 10
    quad_no = 0
    for i in range(1, args.images + 1):
        split = 'val' if i > args.images - n_val else 'training'
        os.makedirs(os.path.join(args.out, 'imgs', split), exist_ok=True)
        os.makedirs(os.path.join(args.out, 'annotations', split), exist_ok=True)
        img = image(rng, nrng)
        lines = []
        for q in quads(rng, rng.randrange(8, 13), vertical=(i % 5 == 0)):
            quad_no += 1
            text = '###' if quad_no % 7 == 0 else rng.choice(WORDS)
            if text != '###':
                cv2.putText(img, text, (q[0] + 2, q[5] - 4), cv2.FONT_HERSHEY_SIMPLEX, 0.5, (20, 20, 20), 1)
            lines.append(','.join(map(str, q)) + ',' + text)
        cv2.imwrite(os.path.join(args.out, 'imgs', split, f'img_{i}.jpg'), img, [cv2.IMWRITE_JPEG_QUALITY, 90])
        with open(os.path.join(args.out, 'annotations', split, f'gt_img_{i}.txt'), 'w', encoding='utf-8', newline='') as f:
            f.write('\ufeff' + '\r\n'.join(lines) + '\r\n')
    print(f'{args.images} images, {quad_no} quads in {args.out}')


if __name__ == '__main__':
    main()
