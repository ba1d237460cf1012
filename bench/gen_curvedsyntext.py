"""Generates a CurvedSynText150k-shaped dataset for the big-JSON benchmark: train1.json and
train2.json (2:1) of about TARGET_MB megabytes together, records shaped as AdelaiDet's
(bezier_pts as 16 floats with AdelaiDet's two decimals, rec padded with 96 to 25, ~8 words per
image). No images (neither tool reads them). Deterministic.

usage: python gen_curvedsyntext.py OUT_DIR [TARGET_MB]
"""
import json, os, random, sys


def part(path, n_images, rng):
    with open(path, 'w') as f:
        f.write('{"licenses": [], "info": {"description": "generated"}, "images": [')
        for i in range(n_images):
            f.write(('' if i == 0 else ', ') + json.dumps({'file_name': f'{i:07d}.jpg', 'height': 400, 'width': 600, 'id': i + 1}))
        f.write('], "annotations": [')
        aid = 0
        for i in range(n_images):
            for _ in range(8):
                aid += 1
                x, y = rng.uniform(0, 400), rng.uniform(0, 300)
                pts = [round(v, 2) for v in (x, y, x + 30, y - 8, x + 60, y - 8, x + 90, y, x + 90, y + 30, x + 60, y + 22, x + 30, y + 22, x, y + 30)]
                n = rng.randint(3, 12)
                rec = [rng.randint(0, 94) for _ in range(n)] + [96] * (25 - n)
                f.write(('' if aid == 1 else ', ') + json.dumps({
                    'area': 2700.0, 'bbox': [round(x, 2), round(y - 8, 2), 90.0, 38.0], 'bezier_pts': pts, 'category_id': 1,
                    'id': aid, 'image_id': i + 1, 'iscrowd': 0, 'rec': rec}))
        f.write('], "categories": [{"id": 1, "name": "text"}]}')


def main():
    out = sys.argv[1]
    target = int(sys.argv[2]) if len(sys.argv) > 2 else 300
    os.makedirs(out, exist_ok=True)
    per_image = 8 * 330 + 90
    n = max(3, target * 1024 * 1024 // per_image)
    rng = random.Random(7)
    part(os.path.join(out, 'train1.json'), n * 2 // 3, rng)
    part(os.path.join(out, 'train2.json'), n - n * 2 // 3, rng)


if __name__ == '__main__':
    main()
