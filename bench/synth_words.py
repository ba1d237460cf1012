"""Deterministic synthetic word images for the recognizer accuracy benchmark (issue 14 §8b).

    python bench/synth_words.py OUT --train 50000 --test 2000 [--seed 0]

Writes OUT/train/imgs/*.png + OUT/train/label.jsonl and OUT/test/… (prep's label files; turn them
into LMDBs with `prep lmdb OUT/train/label.jsonl OUT/train.lmdb -i OUT/train`). Words: pseudo-
English words from syllables in lower, Title and UPPER case, numbers (plain, with separators,
dates, prices), words with punctuation, and random strings, all inside MMOCR's DICT90. Rendering
(Pillow): one of the DejaVu fonts (Debian `fonts-dejavu-core`), size 22–40 px, random ink and
background grey levels with enough contrast, a little Gaussian noise, sometimes a blur, a rotation
of up to ±3°, a tight crop with a random margin. The same seed gives the same images byte for
byte (Pillow 10.4 here). Needs Pillow: the peer venv has it (~/.cache/prep-peer/venv/bin/python).
"""
import argparse
import glob
import json
import os
import random

from PIL import Image, ImageDraw, ImageFilter, ImageFont

FONTS = sorted(f for f in glob.glob('/usr/share/fonts/truetype/dejavu/DejaVu*.ttf') if 'MathTeX' not in f and 'ExtraLight' not in f)
ONSETS = ['', 'b', 'c', 'd', 'f', 'g', 'h', 'j', 'k', 'l', 'm', 'n', 'p', 'r', 's', 't', 'v', 'w', 'z', 'br', 'ch', 'cl', 'dr',
          'fl', 'gr', 'pl', 'pr', 'qu', 'sh', 'sl', 'sp', 'st', 'str', 'th', 'tr', 'wh']
VOWELS = ['a', 'e', 'i', 'o', 'u', 'ai', 'ea', 'ee', 'ie', 'oo', 'ou', 'y']
CODAS = ['', '', 'b', 'ck', 'd', 'ft', 'g', 'l', 'll', 'm', 'n', 'nd', 'ng', 'nt', 'p', 'r', 'rd', 's', 'ss', 'st', 't', 'x']
PUNCT_AFTER = ['.', ',', '!', '?', ':', ';', "'s", ')', '"']
SYMBOLS = "!\"#$%&'()*+,-./:;<=>?@[\\]_`~"
DICT90 = set('0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ' + SYMBOLS)


def word(r):
    w = ''.join(r.choice(ONSETS) + r.choice(VOWELS) + r.choice(CODAS) for _ in range(r.choice([1, 1, 2, 2, 3])))
    return w[:14] or 'a'


def text(r):
    k = r.random()
    if k < 0.45:
        w = word(r)
        case = r.random()
        return w.upper() if case < 0.25 else (w.title() if case < 0.6 else w)
    if k < 0.6:
        f = r.random()
        if f < 0.3:
            return str(r.randint(0, 10 ** r.randint(1, 6)))
        if f < 0.55:
            return '%02d/%02d/%04d' % (r.randint(1, 28), r.randint(1, 12), r.randint(1950, 2030))
        if f < 0.8:
            return '$%d.%02d' % (r.randint(0, 999), r.randint(0, 99))
        return '%d-%d' % (r.randint(10, 999), r.randint(1000, 9999))
    if k < 0.85:
        w = word(r)
        w = w.title() if r.random() < 0.5 else w
        return ('(' + w + ')') if r.random() < 0.1 else w + r.choice(PUNCT_AFTER)
    alphabet = sorted(DICT90)
    return ''.join(r.choice(alphabet) for _ in range(r.randint(3, 10)))


def render(r, t):
    font = ImageFont.truetype(r.choice(FONTS), r.randint(22, 40))
    ink = r.randint(0, 110)
    paper = r.randint(150, 255)
    if r.random() < 0.3:
        ink, paper = 255 - ink, 255 - paper
    x0, y0, x1, y1 = font.getbbox(t)
    pad = 8
    img = Image.new('L', (x1 - x0 + 2 * pad, y1 - y0 + 2 * pad), paper)
    ImageDraw.Draw(img).text((pad - x0, pad - y0), t, font=font, fill=ink)
    img = img.rotate(r.uniform(-3, 3), resample=Image.BILINEAR, expand=False, fillcolor=paper)
    mx, my = r.randint(0, pad - 2), r.randint(0, pad - 2)
    img = img.crop((mx, my, img.width - r.randint(0, pad - 2), img.height - r.randint(0, pad - 2)))
    if r.random() < 0.3:
        img = img.filter(ImageFilter.GaussianBlur(r.uniform(0.3, 1.1)))
    noise = Image.effect_noise(img.size, r.uniform(4, 20))
    img = Image.blend(img, noise, r.uniform(0.0, 0.15))
    return img


def make(out, n, seed, split):
    r = random.Random('%d-%s' % (seed, split))
    d = os.path.join(out, split)
    os.makedirs(os.path.join(d, 'imgs'), exist_ok=True)
    with open(os.path.join(d, 'label.jsonl'), 'w', encoding='utf-8') as f:
        for i in range(n):
            t = text(r)
            assert set(t) <= DICT90, t
            # Pillow's noise comes from its own generator: seed it per image for determinism.
            random.seed('%d-%s-%d' % (seed, split, i))
            name = 'imgs/%s_%06d.png' % (split, i)
            render(r, t).save(os.path.join(d, name))
            f.write(json.dumps({'filename': name, 'text': t}, ensure_ascii=False) + '\n')


if __name__ == '__main__':
    ap = argparse.ArgumentParser()
    ap.add_argument('out')
    ap.add_argument('--train', type=int, default=50000)
    ap.add_argument('--test', type=int, default=2000)
    ap.add_argument('--seed', type=int, default=0)
    a = ap.parse_args()
    make(a.out, a.train, a.seed, 'train')
    make(a.out, a.test, a.seed, 'test')
