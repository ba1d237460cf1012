#!/usr/bin/env python3
"""Deterministically (re)generates the synthetic raw-dataset fixtures under fixtures/.

Needs Pillow (the reference venv has it: $PEER/venv/bin/python scripts/make_fixtures.py).
Writes:
  fixtures/icdar2015-quirks/  ICDAR 2015 layout with every quirk prep must handle
  fixtures/icdar2017-toy/     clean ICDAR 2017 MLT layout (script field, no BOM) that the
                              reference can convert, for byte-exact golden outputs
  fixtures/icdar2015-recog-toy/  ICDAR 2015 det images (two real ones from icdar2015-toy) plus
                              the official word-crop layout (ch4_training_word_images_gt/ with
                              gt.txt, Challenge4_Test_Task3_Images/ + Challenge4_Test_Task3_GT.txt)
  fixtures/icdar2015-recog-zips/  the same word crops as the official zips
  fixtures/xfund-toy/         XFUND's layout (zh.train.json + zh.train/, zh.val.json + zh.val/)
The real-data fixture fixtures/icdar2015-toy/ is a copy of ../shared/upstream-samples.
"""
import io
import os
import random
import shutil
import struct

from PIL import Image

HERE = os.path.dirname(os.path.abspath(__file__))
FIX = os.path.join(os.path.dirname(HERE), 'fixtures')
BOM = b'\xef\xbb\xbf'


def picture(w, h, seed):
    rng = random.Random(seed)
    img = Image.new('RGB', (w, h), (rng.randrange(256), rng.randrange(256), rng.randrange(256)))
    px = img.load()
    for _ in range(w * h // 8):
        px[rng.randrange(w), rng.randrange(h)] = (rng.randrange(256), rng.randrange(256), rng.randrange(256))
    return img


def jpeg_bytes(w, h, seed, quality=90):
    buf = io.BytesIO()
    picture(w, h, seed).save(buf, 'JPEG', quality=quality)
    return buf.getvalue()


def png_bytes(w, h, seed):
    buf = io.BytesIO()
    picture(w, h, seed).save(buf, 'PNG')
    return buf.getvalue()


def with_exif_orientation(jpeg, orientation, big_endian):
    """Inserts an APP1 Exif segment holding only the Orientation tag right after SOI."""
    e = '>' if big_endian else '<'
    tiff = (b'MM' if big_endian else b'II') + struct.pack(e + 'HI', 42, 8)
    tiff += struct.pack(e + 'H', 1) + struct.pack(e + 'HHIHH', 0x0112, 3, 1, orientation, 0)
    tiff += struct.pack(e + 'I', 0)
    payload = b'Exif\x00\x00' + tiff
    segment = b'\xff\xe1' + struct.pack('>H', len(payload) + 2) + payload
    return jpeg[:2] + segment + jpeg[2:]


def write(path, data):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, 'wb') as f:
        f.write(data)


def gt(lines, bom=True, crlf=True):
    text = ('\r\n' if crlf else '\n').join(lines) + ('\r\n' if crlf else '\n')
    return (BOM if bom else b'') + text.encode('utf-8')


def icdar2015_quirks():
    root = os.path.join(FIX, 'icdar2015-quirks')
    shutil.rmtree(root, ignore_errors=True)
    im = lambda split, name: os.path.join(root, 'imgs', split, name)
    an = lambda split, name: os.path.join(root, 'annotations', split, name)
    quad = '10,10,50,10,50,30,10,30'
    # 1: plain JPEG, BOM + CRLF, ### and a transcription with commas
    write(im('training', 'img_1.jpg'), jpeg_bytes(64, 48, 1))
    write(an('training', 'gt_img_1.txt'), gt([quad + ',Genaxis Theatre', '20,20,60,20,60,40,20,40,###',
                                              '1,2,30,2,30,12,1,12,"Hello, world", again']))
    # 2: PNG among JPEGs
    write(im('training', 'img_2.png'), png_bytes(80, 60, 2))
    write(an('training', 'gt_img_2.txt'), gt(['5,5,40,5,40,20,5,20,PNG']))
    # 3: EXIF orientation 6, big-endian TIFF header (stored 64x48; displayed 48x64)
    write(im('training', 'img_3.jpg'), with_exif_orientation(jpeg_bytes(64, 48, 3), 6, True))
    write(an('training', 'gt_img_3.txt'), gt([quad + ',rotated']))
    # 4: EXIF orientation 8, little-endian
    write(im('training', 'img_4.jpg'), with_exif_orientation(jpeg_bytes(40, 30, 4), 8, False))
    write(an('training', 'gt_img_4.txt'), gt(['1,1,20,1,20,10,1,10,left']))
    # 5: JPEG cut in its data (header intact)
    whole = jpeg_bytes(200, 150, 5)
    write(im('training', 'img_5.jpg'), whole[:len(whole) * 6 // 10])
    write(an('training', 'gt_img_5.txt'), gt([quad + ',cut']))
    # 6: non-numeric coordinate on line 2
    write(im('training', 'img_6.jpg'), jpeg_bytes(64, 48, 6))
    write(an('training', 'gt_img_6.txt'), gt([quad + ',ok', '10,10,5O,10,50,30,10,30,bad']))
    # 7: wrong field count on line 1
    write(im('training', 'img_7.jpg'), jpeg_bytes(64, 48, 7))
    write(an('training', 'gt_img_7.txt'), gt(['10,10,50,10,50,30,short']))
    # 8: image without annotation file
    write(im('training', 'img_8.jpg'), jpeg_bytes(64, 48, 8))
    # 9: annotation not UTF-8 (Latin-1 byte on line 2)
    write(im('training', 'img_9.jpg'), jpeg_bytes(64, 48, 9))
    write(an('training', 'gt_img_9.txt'), BOM + b'10,10,50,10,50,30,10,30,ok\r\n10,10,50,10,50,30,10,30,caf\xe9\r\n')
    # 10: float coordinates and blank lines (the reference crashes on both)
    write(im('training', 'img_10.jpg'), jpeg_bytes(64, 48, 10))
    write(an('training', 'gt_img_10.txt'), gt(['', '10.5,10,50.25,10,50,30,10,30,float', '', '   ']))
    # 11: upper-case extension, no BOM, LF only
    write(im('training', 'img_11.JPG'), jpeg_bytes(64, 48, 11))
    write(an('training', 'gt_img_11.txt'), gt([quad + ',upper'], bom=False, crlf=False))
    # 12: empty image file
    write(im('training', 'img_12.jpg'), b'')
    write(an('training', 'gt_img_12.txt'), gt([quad + ',empty']))
    # 13: not an image at all
    write(im('training', 'img_13.jpg'), b'<html>404 Not Found</html>\n')
    write(an('training', 'gt_img_13.txt'), gt([quad + ',html']))
    # 14: JPEG header cut short (before the frame header)
    write(im('training', 'img_14.jpg'), jpeg_bytes(64, 48, 14)[:40])
    write(an('training', 'gt_img_14.txt'), gt([quad + ',header']))
    # 15: no instances at all (empty gt file) is a valid image without text
    write(im('training', 'img_15.jpg'), jpeg_bytes(64, 48, 15))
    write(an('training', 'gt_img_15.txt'), b'')
    # orphan annotation (its image is missing)
    write(an('training', 'gt_img_99.txt'), gt([quad + ',orphan']))
    # a not-an-image file in the image folder is ignored by extension
    write(im('training', 'notes.txt'), b'not an image\n')
    # a clean test split
    write(im('test', 'img_1.jpg'), jpeg_bytes(64, 48, 101))
    write(an('test', 'gt_img_1.txt'), gt([quad + ',test', '0,0,63,0,63,47,0,47,###']))
    write(im('test', 'img_2.jpg'), jpeg_bytes(64, 48, 102))
    write(an('test', 'gt_img_2.txt'), gt(['3,4,20,4,20,16,3,16,two']))


def icdar2017_toy():
    root = os.path.join(FIX, 'icdar2017-toy')
    shutil.rmtree(root, ignore_errors=True)
    for split, n in (('training', 3), ('val', 2)):
        for i in range(1, n + 1):
            seed = 1000 + i + (0 if split == 'training' else 50)
            name = 'img_%d.%s' % (i, 'png' if i == 2 else 'jpg')
            data = png_bytes(72, 40, seed) if i == 2 else jpeg_bytes(72, 40, seed)
            write(os.path.join(root, 'imgs', split, name), data)
            lines = ['2,3,30,3,30,15,2,15,Latin,Hello',
                     '31,3,60,4,59,16,30,15,Arabic,مرحبا',
                     '5,20,40,20,40,35,5,35,Latin,"a,b,c"',
                     '41,20,70,20,70,38,41,38,None,###']
            write(os.path.join(root, 'annotations', split, 'gt_img_%d.txt' % i), gt(lines[:2 + i], bom=False))


def icdar2015_recog_toy():
    root = os.path.join(FIX, 'icdar2015-recog-toy')
    shutil.rmtree(root, ignore_errors=True)
    toy = os.path.join(FIX, 'icdar2015-toy')
    for split, n in (('training', 1), ('test', 2)):
        os.makedirs(os.path.join(root, 'imgs', split))
        os.makedirs(os.path.join(root, 'annotations', split))
        shutil.copy(os.path.join(toy, 'imgs', 'test', 'img_%d.jpg' % n), os.path.join(root, 'imgs', split))
        shutil.copy(os.path.join(toy, 'annotations', 'test', 'gt_img_%d.txt' % n), os.path.join(root, 'annotations', split))
    train = os.path.join(root, 'ch4_training_word_images_gt')
    for i, (w, h) in enumerate([(60, 20), (24, 18), (12, 40)], 1):
        write(os.path.join(train, 'word_%d.png' % i), png_bytes(w, h, 2000 + i))
    # BOM + CRLF as the official file; an escaped quote, a comma in the text, a crop that is absent.
    write(os.path.join(train, 'gt.txt'),
          gt(['word_1.png, "Genaxis Theatre"', 'word_2.png, "\\"HOLD, ON\\""', 'word_3.png, "[06]"',
              'word_9.png, "missing"']))
    test = os.path.join(root, 'Challenge4_Test_Task3_Images')
    for i in (1, 2):
        write(os.path.join(test, 'word_%d.png' % i), png_bytes(40, 16, 2100 + i))
    write(os.path.join(root, 'Challenge4_Test_Task3_GT.txt'), gt(['word_1.png, "JOINT"', 'word_2.png, "yourself"']))


def icdar2015_recog_zips():
    """The recog download as it comes: the two zips (stored members, fixed dates) and the test GT."""
    import zipfile
    src = os.path.join(FIX, 'icdar2015-recog-toy')
    root = os.path.join(FIX, 'icdar2015-recog-zips')
    shutil.rmtree(root, ignore_errors=True)
    os.makedirs(root)
    for folder, zip_name in (('ch4_training_word_images_gt', 'ch4_training_word_images_gt.zip'),
                             ('Challenge4_Test_Task3_Images', 'Challenge4_Test_Task3_Images.zip')):
        with zipfile.ZipFile(os.path.join(root, zip_name), 'w') as z:
            for name in sorted(os.listdir(os.path.join(src, folder))):
                info = zipfile.ZipInfo(name, date_time=(2015, 1, 1, 0, 0, 0))
                z.writestr(info, open(os.path.join(src, folder, name), 'rb').read())
    shutil.copy(os.path.join(src, 'Challenge4_Test_Task3_GT.txt'), root)


def xfund_toy():
    """XFUND's layout (zh.<set>.json + zh.<set>/ images): entries with words, labels and a link;
    a document without img for the skip report."""
    import json
    root = os.path.join(FIX, 'xfund-toy')
    shutil.rmtree(root, ignore_errors=True)
    for s, n in (('train', 2), ('val', 1)):
        docs = []
        for i in range(n):
            name = 'zh_%s_%d.jpg' % (s, i)
            write(os.path.join(root, 'zh.' + s, name), jpeg_bytes(120, 80, 3000 + i + (50 if s == 'val' else 0)))
            docs.append({'id': 'zh_%s_%d' % (s, i), 'uid': 'u%d' % i, 'img': {'fname': name, 'width': 120, 'height': 80},
                         'document': [
                             {'id': 0, 'box': [5, 5, 40, 20], 'text': '姓名：', 'label': 'question', 'linking': [[0, 1]],
                              'words': [{'box': [5, 5, 40, 20], 'text': '姓名：'}]},
                             {'id': 1, 'box': [45, 5, 110, 20], 'text': '张 三', 'label': 'answer', 'linking': [[0, 1]],
                              'words': [{'box': [45, 5, 70, 20], 'text': '张'}, {'box': [75.5, 5.2, 110, 20], 'text': '三'}]},
                             {'id': 2, 'box': [5, 30, 100, 60], 'text': '申请表', 'label': 'header', 'linking': [],
                              'words': [{'box': [5, 30, 100, 60], 'text': '申请表'}]},
                         ]})
        if s == 'train':
            docs.append({'id': 'broken', 'document': []})
        write(os.path.join(root, 'zh.%s.json' % s),
              json.dumps({'lang': 'zh', 'version': '0.1', 'split': s, 'documents': docs}, ensure_ascii=False).encode('utf-8'))


if __name__ == '__main__':
    icdar2015_quirks()
    icdar2017_toy()
    icdar2015_recog_toy()
    icdar2015_recog_zips()
    xfund_toy()
    print('fixtures written under', FIX)
