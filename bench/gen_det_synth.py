"""Deterministic synthetic text-detection set for the DBNet benchmark (issue 15 §7a).

    python bench/gen_det_synth.py OUT --train 2000 --test 200 [--seed 0] [--size 640]

Writes OUT/imgs/{train,test}/NNNNN.jpg and OUT/textdet_train.json, OUT/textdet_test.json (MMOCR
1.x textdet, img_path relative to OUT: what `prep convert … --to mmocr1` writes; prep train det,
prep eval det and prep show read them). Each page: a background (flat colour, a two-colour
gradient, or a gradient with random rectangles, ellipses and lines as clutter, plus a little
noise), 3–12 words that do not overlap, each rendered with one of the DejaVu fonts (Debian
`fonts-dejavu-core`) at 12–64 px, in a colour with enough contrast to its background, either
straight (rotated by up to ±30°, half of them level) with its quadrilateral, or curved along an
arc with a 14-point polygon (7 points along the top, 7 back along the bottom, as CTW1500/
Total-Text style curved annotations), about 1 word in 6. About 1 word in 10 is blurred and faint
and annotated `###` (ignored, as ICDAR's do-not-care). Pages are 0.6–1.0 × --size on each side.
The same seed gives the same images byte for byte (Pillow 10.4 here). Needs Pillow: the peer
venv has it (~/.cache/prep-peer/venv/bin/python).
"""
import argparse
import glob
import json
import math
import os
import random

from PIL import Image, ImageDraw, ImageFilter, ImageFont

FONTS = sorted(f for f in glob.glob('/usr/share/fonts/truetype/dejavu/DejaVu*.ttf') if 'MathTeX' not in f and 'ExtraLight' not in f)
ONSETS = ['', 'b', 'c', 'd', 'f', 'g', 'h', 'k', 'l', 'm', 'n', 'p', 'r', 's', 't', 'v', 'w', 'br', 'ch', 'cl', 'dr', 'gr',
          'pl', 'pr', 'sh', 'st', 'th', 'tr']
VOWELS = ['a', 'e', 'i', 'o', 'u', 'ai', 'ea', 'ee', 'oo', 'ou']
CODAS = ['', '', 'ck', 'd', 'ft', 'l', 'll', 'm', 'n', 'nd', 'ng', 'nt', 'r', 's', 'st', 't', 'x']


def word(r):
    k = r.random()
    if k < 0.15:
        return str(r.randint(1, 10 ** r.randint(1, 5)))
    w = ''.join(r.choice(ONSETS) + r.choice(VOWELS) + r.choice(CODAS) for _ in range(r.choice([1, 2, 2, 3])))
    w = w[:12] or 'a'
    c = r.random()
    return w.upper() if c < 0.25 else (w.title() if c < 0.6 else w)


def background(r, w, h):
    c0 = [r.randint(0, 255) for _ in range(3)]
    kind = r.random()
    img = Image.new('RGB', (w, h), tuple(c0))
    if kind > 0.3:
        c1 = [r.randint(0, 255) for _ in range(3)]
        grad = Image.linear_gradient('L').resize((w, h)).rotate(r.choice([0, 90, 180, 270]), expand=False)
        img = Image.composite(Image.new('RGB', (w, h), tuple(c1)), img, grad)
    if kind > 0.6:
        d = ImageDraw.Draw(img)
        for _ in range(r.randint(3, 12)):
            col = tuple(r.randint(0, 255) for _ in range(3))
            x0, y0 = r.randint(-50, w), r.randint(-50, h)
            x1, y1 = x0 + r.randint(20, w // 2), y0 + r.randint(20, h // 2)
            s = r.random()
            if s < 0.4:
                d.rectangle([x0, y0, x1, y1], fill=col)
            elif s < 0.7:
                d.ellipse([x0, y0, x1, y1], fill=col)
            else:
                d.line([x0, y0, x1, y1], fill=col, width=r.randint(1, 6))
    noise = Image.effect_noise((w, h), r.uniform(2, 12)).convert('RGB')
    return Image.blend(img, noise, 0.08)


def contrast_colour(r, under):
    lum = sum(under) / 3
    for _ in range(20):
        c = tuple(r.randint(0, 255) for _ in range(3))
        if abs(sum(c) / 3 - lum) > 90:
            return c
    return (0, 0, 0) if lum > 127 else (255, 255, 255)


def straight(r, text, font, angle):
    """The word on a transparent layer rotated by `angle` degrees; the quad in layer pixels."""
    x0, y0, x1, y1 = font.getbbox(text)
    pad = 4
    tw, th = x1 - x0 + 2 * pad, y1 - y0 + 2 * pad
    layer = Image.new('L', (tw, th), 0)
    ImageDraw.Draw(layer).text((pad - x0, pad - y0), text, font=font, fill=255)
    quad = [(pad - 1, pad - 1), (tw - pad + 1, pad - 1), (tw - pad + 1, th - pad + 1), (pad - 1, th - pad + 1)]
    rot = layer.rotate(angle, resample=Image.BICUBIC, expand=True)
    a = math.radians(angle)
    cx, cy = tw / 2, th / 2
    ncx, ncy = rot.size[0] / 2, rot.size[1] / 2
    # PIL rotates counter-clockwise in image coordinates (y down): x' = c(x) + s(y), y' = -s(x) + c(y).
    pts = [(ncx + math.cos(a) * (x - cx) + math.sin(a) * (y - cy), ncy - math.sin(a) * (x - cx) + math.cos(a) * (y - cy))
           for x, y in quad]
    return rot, pts


def curved(r, text, font, radius, upward):
    """The word's letters along an arc of `radius`; the 14-point polygon in layer pixels."""
    asc, desc = font.getmetrics()
    height = asc + desc
    widths = [max(1.0, font.getlength(ch)) for ch in text]
    total = sum(widths)
    span = total / radius
    size = int(2 * (radius + height) + 8)
    layer = Image.new('L', (size, size), 0)
    c = size / 2
    sign = -1 if upward else 1
    pos = -total / 2
    for ch, wch in zip(text, widths):
        theta = (pos + wch / 2) / radius
        glyph = Image.new('L', (int(wch) + 4, height + 4), 0)
        ImageDraw.Draw(glyph).text((2, 2), ch, font=font, fill=255)
        deg = -math.degrees(theta) if upward else math.degrees(theta) + 180
        g = glyph.rotate(deg, resample=Image.BICUBIC, expand=True)
        rr = radius + height / 2
        gx = c + rr * math.sin(theta)
        gy = c + sign * rr * math.cos(theta)
        layer.paste(255, (int(gx - g.size[0] / 2), int(gy - g.size[1] / 2)), g)
        pos += wch
    pts_top, pts_bottom = [], []
    for k in range(7):
        theta = -span / 2 + span * k / 6
        outer, inner = radius + height + 1, radius - 1
        pts_top.append((c + outer * math.sin(theta), c + sign * outer * math.cos(theta)))
        pts_bottom.append((c + inner * math.sin(theta), c + sign * inner * math.cos(theta)))
    if not upward:
        # Text reads along the lower arc from right to left in the layer; keep reading order left → right.
        pts_top, pts_bottom = [(size - x, size - y) for x, y in pts_top], [(size - x, size - y) for x, y in pts_bottom]
        layer = layer.rotate(180)
    poly = pts_top + pts_bottom[::-1]
    bbox = layer.getbbox() or (0, 0, 1, 1)
    crop = layer.crop(bbox)
    poly = [(x - bbox[0], y - bbox[1]) for x, y in poly]
    return crop, poly


def page(r, width, height):
    img = background(r, width, height)
    placed, instances = [], []
    for _ in range(r.randint(3, 12)):
        text = word(r)
        font = ImageFont.truetype(r.choice(FONTS), r.randint(12, 64))
        kind = r.random()
        ignored = kind < 0.1
        if 0.1 <= kind < 0.27 and len(text) >= 4:
            layer, poly = curved(r, text, font, radius=r.uniform(1.5, 4) * font.size * max(1, len(text) / 4), upward=r.random() < 0.5)
        else:
            angle = 0 if r.random() < 0.5 else r.uniform(-30, 30)
            layer, poly = straight(r, text, font, angle)
        lw, lh = layer.size
        if lw >= width - 4 or lh >= height - 4:
            continue
        for _try in range(30):
            x, y = r.randint(2, width - lw - 2), r.randint(2, height - lh - 2)
            box = (x, y, x + lw, y + lh)
            if all(box[2] + 4 < p[0] or p[2] + 4 < box[0] or box[3] + 4 < p[1] or p[3] + 4 < box[1] for p in placed):
                break
        else:
            continue
        placed.append(box)
        under = img.crop(box).resize((1, 1), Image.BILINEAR).getpixel((0, 0))
        colour = contrast_colour(r, under)
        if ignored:
            layer = layer.filter(ImageFilter.GaussianBlur(r.uniform(1.5, 3))).point(lambda v: v // 3)
        img.paste(colour, (x, y), layer)
        poly = [min(max(v, 0), lim) for px, py in poly for v, lim in ((round(px + x, 1), width), (round(py + y, 1), height))]
        xs, ys = poly[0::2], poly[1::2]
        instances.append({'polygon': poly, 'bbox': [min(xs), min(ys), max(xs), max(ys)], 'bbox_label': 0,
                          'ignore': ignored, 'text': '###' if ignored else text})
    return img, instances


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('out')
    ap.add_argument('--train', type=int, default=2000)
    ap.add_argument('--test', type=int, default=200)
    ap.add_argument('--seed', type=int, default=0)
    ap.add_argument('--size', type=int, default=640)
    a = ap.parse_args()
    assert FONTS, 'no DejaVu fonts under /usr/share/fonts/truetype/dejavu (apt-get install -y fonts-dejavu-core)'
    for split, n in (('train', a.train), ('test', a.test)):
        os.makedirs(os.path.join(a.out, 'imgs', split), exist_ok=True)
        items = []
        for k in range(n):
            r = random.Random(f'{a.seed}-{split}-{k}')
            w, h = int(a.size * r.uniform(0.6, 1.0)), int(a.size * r.uniform(0.6, 1.0))
            img, inst = page(r, w, h)
            rel = f'imgs/{split}/{k:05d}.jpg'
            img.save(os.path.join(a.out, rel), quality=92)
            items.append({'img_path': rel, 'height': h, 'width': w, 'instances': inst})
        doc = {'metainfo': {'dataset_type': 'TextDetDataset', 'task_name': 'textdet', 'category': [{'id': 0, 'name': 'text'}]},
               'data_list': items}
        with open(os.path.join(a.out, f'textdet_{split}.json'), 'w') as f:
            json.dump(doc, f)
        print(f'{split}: {n} pages, {sum(len(i["instances"]) for i in items)} words in {a.out}/textdet_{split}.json')


if __name__ == '__main__':
    main()
