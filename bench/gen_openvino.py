"""Generates an OpenVINO (Open Images v5 text) dataset for the crop benchmark: N quality-95 JPEGs
(1024×768, distinct noise) in train_1/ with 12 words each (a few illegible or non-English, some
running past the border), and one image in each of train_2, train_5, train_f and validation (the
reference needs every subset file). Deterministic.

usage: python gen_openvino.py OUT_DIR [N]
"""
import json, os, random, sys
import numpy as np
from PIL import Image


def main():
    out = sys.argv[1]
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 300
    rng = random.Random(7)
    aid = 0
    for s, count in (('1', n), ('2', 1), ('5', 1), ('f', 1), ('val', 1)):
        folder = 'validation' if s == 'val' else f'train_{s}'
        os.makedirs(os.path.join(out, folder), exist_ok=True)
        images, anns = [], []
        for i in range(count):
            name = f'{folder}/{i:06d}.jpg'
            px = np.random.RandomState(i + 1000 * len(s)).randint(0, 255, (96, 128, 3)).astype('uint8')
            Image.fromarray(px).resize((1024, 768), Image.BILINEAR).save(os.path.join(out, name), quality=95)
            images.append({'id': i, 'file_name': name, 'height': 768, 'width': 1024})
            for k in range(12):
                aid += 1
                x, y = rng.uniform(0, 1000), rng.uniform(0, 740)
                w, h = rng.uniform(20, 200), rng.uniform(10, 50)
                anns.append({'id': aid, 'image_id': i, 'bbox': [x, y, w, h], 'area': w * h, 'iscrowd': 0, 'category_id': 1,
                             'attributes': {'transcription': f'w{k}', 'legible': k % 7 != 3, 'language': 'english' if k % 5 else 'other'}})
        name = 'text_spotting_openimages_v5_validation.json' if s == 'val' else f'text_spotting_openimages_v5_train_{s}.json'
        with open(os.path.join(out, name), 'w') as f:
            json.dump({'images': images, 'annotations': anns}, f)


if __name__ == '__main__':
    main()
