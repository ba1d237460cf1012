"""Generates the KAIST-zip and SVT recognition benchmark inputs, deterministically (seed 2011):
640x480 JPEG q90 images with 8 word boxes each.
  OUT/kaist/KAIST/<language>/<camera>/part_<k>.zip: the download's layout, images spread over
      the six folders, each zip holding `<name>.JPG` + `<name>.xml` (KAIST's word/character XML);
  OUT/svt/img/*.jpg + test.xml (SVT's tagset with a lexicon per image).

    python bench/gen_kaist_svt.py OUT [--images 300]
"""
import argparse, io, os, random, zipfile
import cv2
import numpy as np

WORDS = 'HOTEL EXIT GRAND PARK CAFE OPEN STREET SALE CITY BANK STOP TAXI ROAD INFO MARKET'.split()


def picture(rng, nrng):
    h, w = 480, 640
    img = np.clip(nrng.normal(128, 40, (h // 8, w // 8, 3)), 0, 255).astype(np.uint8)
    img = cv2.resize(img, (w, h), interpolation=cv2.INTER_LINEAR)
    for _ in range(12):
        x, y = rng.randrange(0, w - 60), rng.randrange(0, h - 40)
        cv2.rectangle(img, (x, y), (x + rng.randrange(20, 200), y + rng.randrange(10, 120)),
                      tuple(rng.randrange(0, 256) for _ in range(3)), -1)
    return cv2.imencode('.jpg', img, [cv2.IMWRITE_JPEG_QUALITY, 90])[1].tobytes()


def boxes(rng):
    out = []
    for _ in range(8):
        word = rng.choice(WORDS)
        w, h = rng.randrange(40, 200), rng.randrange(16, 60)
        out.append((rng.randrange(0, 640 - w), rng.randrange(0, 480 - h), w, h, word))
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('out')
    ap.add_argument('--images', type=int, default=300)
    a = ap.parse_args()
    rng, nrng = random.Random(2011), np.random.RandomState(2011)
    folders = [(l, c) for l in ('English', 'Korean', 'Mixed') for c in ('Digital_Camera', 'Mobile_Phone')]
    zips = {}
    svt = ['<?xml version="1.0" encoding="utf-8"?>', '<tagset>']
    os.makedirs(os.path.join(a.out, 'svt', 'img'), exist_ok=True)
    for i in range(a.images):
        jpg, bs = picture(rng, nrng), boxes(rng)
        words = ''.join(f'<word x="{x}" y="{y}" width="{w}" height="{h}">' + ''.join(
            f'<character x="{x + 10 * k}" y="{y}" width="10" height="{h}" char="{c}" />' for k, c in enumerate(t)) + '</word>'
            for x, y, w, h, t in bs)
        xml = (f'<?xml version="1.0" encoding="UTF-8"?><images><image><imageName>DSC{i:05d}.JPG</imageName>'
               f'<resolution x="640" y="480" /><words>{words}</words></image></images>').encode()
        l, c = folders[i % 6]
        key = os.path.join(a.out, 'kaist', 'KAIST', l, c, f'part_{(i // 6) // 10}.zip')
        zips.setdefault(key, []).extend([(f'DSC{i:05d}.JPG', jpg), (f'DSC{i:05d}.xml', xml)])
        with open(os.path.join(a.out, 'svt', 'img', f'{i:05d}.jpg'), 'wb') as f:
            f.write(jpg)
        rects = ''.join(f'<taggedRectangle height="{h}" width="{w}" x="{x}" y="{y}"><tag>{t}</tag></taggedRectangle>' for x, y, w, h, t in bs)
        svt += ['<image>', f'<imageName>img/{i:05d}.jpg</imageName>', f'<lex>{",".join(WORDS)}</lex>',
                f'<taggedRectangles>{rects}</taggedRectangles>', '</image>']
    for path, members in zips.items():
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with zipfile.ZipFile(path, 'w', zipfile.ZIP_STORED) as z:
            for name, data in members:
                z.writestr(name, data)
    with open(os.path.join(a.out, 'svt', 'test.xml'), 'w') as f:
        f.write('\n'.join(svt + ['</tagset>']) + '\n')


if __name__ == '__main__':
    main()
