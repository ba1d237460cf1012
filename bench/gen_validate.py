#!/usr/bin/env python3
"""Deterministic inputs for bench/validate_bench.sh (prep validate throughput and memory).

usage: python bench/gen_validate.py OUTDIR [LABELS] [COCO_IMAGES] [PAGES]
  OUTDIR/labels.txt            LABELS recognition lines `crops/word_N.jpg TEXT` (default 1,000,000)
  OUTDIR/instances_big.json    COCO 0.x with COCO_IMAGES images × 10 polygons (default 100,000)
  OUTDIR/pages/, instances_pages.json  PAGES real 160x120 JPEGs with 5 polygons each (default 5,000)
A few anomalies are sprinkled in (every 997th text has trailing space, every 1009th polygon
leaves the image), so the run reports something, as real data does.
"""
import io, json, os, random, sys

out = sys.argv[1]
labels = int(sys.argv[2]) if len(sys.argv) > 2 else 1_000_000
coco_images = int(sys.argv[3]) if len(sys.argv) > 3 else 100_000
pages = int(sys.argv[4]) if len(sys.argv) > 4 else 5_000
os.makedirs(out, exist_ok=True)
rnd = random.Random(9)
ALPHA = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"


def word():
    return "".join(rnd.choice(ALPHA) for _ in range(rnd.randint(1, 12)))


with open(f"{out}/labels.txt", "w") as f:
    for i in range(labels):
        t = word() + (" " if i % 997 == 0 else "")
        f.write(f"crops/word_{i}.jpg {t}\n")


def write_coco(path, n, w, h, per, name):
    k = 0
    with open(path, "w") as f:
        f.write('{"images": [')
        f.write(", ".join(json.dumps({"file_name": name(i), "height": h, "width": w, "segm_file": f"gt_{i}.txt", "id": i})
                          for i in range(n)))
        f.write('], "categories": [{"id": 1, "name": "text"}], "annotations": [')
        first = True
        for i in range(n):
            for j in range(per):
                x, y = rnd.randint(0, w - 40), rnd.randint(0, h - 20)
                bw, bh = rnd.randint(5, 39), rnd.randint(5, 19)
                if k % 1009 == 0:
                    bw += 60
                poly = [x, y, x + bw, y, x + bw, y + bh, x, y + bh]
                a = {"iscrowd": int(j == 0), "category_id": 1, "bbox": [x, y, bw, bh], "area": bw * bh,
                     "segmentation": [poly], "image_id": i, "id": k, "text": "###" if j == 0 else word()}
                f.write(("" if first else ", ") + json.dumps(a))
                first = False
                k += 1
        f.write("]}")


write_coco(f"{out}/instances_big.json", coco_images, 1280, 720, 10, lambda i: f"img_{i}.jpg")

if pages:
    from PIL import Image
    os.makedirs(f"{out}/pages", exist_ok=True)
    for i in range(pages):
        p = f"{out}/pages/page_{i}.jpg"
        if not os.path.exists(p):
            Image.new("RGB", (160, 120), (i % 256, (i // 256) % 256, 128)).save(p, "JPEG", quality=80)
    write_coco(f"{out}/instances_pages.json", pages, 160, 120, 5, lambda i: f"pages/page_{i}.jpg")
