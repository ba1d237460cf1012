"""Generates a TextOCR-shaped dataset for the big-JSON benchmark: TextOCR_0.1_train.json of about
TARGET_MB megabytes (images × words like the real file: ~32 words per image, 8-value polygons,
float boxes, string ids) plus one tiny JPEG per image under train/ (hard links of one file, so
the disk cost is one image). Deterministic.

usage: python gen_textocr.py OUT_DIR [TARGET_MB]
"""
import json, os, random, sys


def main():
    out = sys.argv[1]
    target = int(sys.argv[2]) if len(sys.argv) > 2 else 500
    random.seed(7)
    os.makedirs(os.path.join(out, 'train'), exist_ok=True)
    seed_img = os.path.join(out, 'seed.jpg')
    if not os.path.exists(seed_img):
        import numpy as np, cv2
        cv2.imwrite(seed_img, (np.random.RandomState(1).rand(64, 96, 3) * 255).astype('uint8'))
    per_image = 32
    approx_ann = 330  # bytes per annotation in the JSON below
    n_images = max(1, target * 1024 * 1024 // (per_image * approx_ann + 300))
    with open(os.path.join(out, 'TextOCR_0.1_train.json'), 'w') as f:
        f.write('{"imgs": {')
        for i in range(n_images):
            iid = f'{i:016x}'
            f.write(('' if i == 0 else ', ') + json.dumps(iid) + ': ' + json.dumps(
                {'id': iid, 'width': 96, 'height': 64, 'set': 'train', 'file_name': f'train/{iid}.jpg'}))
        f.write('}, "anns": {')
        first = True
        for i in range(n_images):
            iid = f'{i:016x}'
            for j in range(per_image):
                x, y = random.uniform(0, 60), random.uniform(0, 40)
                w, h = random.uniform(5, 30), random.uniform(5, 20)
                ann = {'id': f'{iid}_{j + 1}', 'image_id': iid, 'bbox': [x, y, w, h],
                       'utf8_string': random.choice(['Stage', '.', 'COCA-COLA', 'the', '1990']),
                       'points': [x, y, x + w, y, x + w, y + h, x, y + h], 'area': w * h}
                f.write(('' if first else ', ') + json.dumps(ann['id']) + ': ' + json.dumps(ann))
                first = False
        f.write('}, "imgToAnns": {')
        for i in range(n_images):
            iid = f'{i:016x}'
            f.write(('' if i == 0 else ', ') + json.dumps(iid) + ': ' + json.dumps([f'{iid}_{j + 1}' for j in range(per_image)]))
        f.write('}}')
    for i in range(n_images):
        p = os.path.join(out, 'train', f'{i:016x}.jpg')
        if not os.path.exists(p):
            os.link(seed_img, p)
    print(n_images, 'images')


if __name__ == '__main__':
    main()
