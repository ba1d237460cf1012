#!/usr/bin/env python3
"""Deterministic recognition input for the LMDB benchmark (../shared/reference/peer-timings.md (b)).

Writes OUT/imgs/word_{1..N}.jpg (100x32 JPEG q90: a seeded background gradient, the word drawn
with OpenCV, light noise), OUT/label.txt (`word_N.jpg TEXT`, TEXT = 1-12 alphanumerics) and
OUT/label.jsonl. Same seed -> same bytes. Needs numpy and opencv (the peer venv has both).

    python gen_recog.py OUT [N]          # default N = 50000
    python gen_recog.py --labels-only OUT N   # label.txt/label.jsonl only (the 7M-line RSS test)
"""
import json
import os
import random
import sys

ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"


def words(n, seed=20240611):
    rng = random.Random(seed)
    for i in range(1, n + 1):
        yield i, "".join(rng.choice(ALNUM) for _ in range(rng.randint(1, 12)))


def write_labels(out, n):
    with open(os.path.join(out, "label.txt"), "w", encoding="utf-8", newline="\n") as t, \
         open(os.path.join(out, "label.jsonl"), "w", encoding="utf-8", newline="\n") as j:
        for i, w in words(n):
            name = f"word_{i}.jpg"
            t.write(f"{name} {w}\n")
            j.write(json.dumps({"filename": name, "text": w}) + "\n")


def write_images(out, n):
    import cv2
    import numpy as np
    rng = np.random.default_rng(7)
    d = os.path.join(out, "imgs")
    os.makedirs(d, exist_ok=True)
    xs = np.linspace(0.0, 1.0, 100, dtype=np.float32)[None, :, None]
    for i, w in words(n):
        c0 = rng.integers(120, 255, 3).astype(np.float32)
        c1 = rng.integers(120, 255, 3).astype(np.float32)
        img = (c0 * (1 - xs) + c1 * xs) * np.ones((32, 1, 1), np.float32)
        img += rng.normal(0, 6, img.shape).astype(np.float32)
        img = np.clip(img, 0, 255).astype(np.uint8)
        ink = tuple(int(v) for v in rng.integers(0, 90, 3))
        scale = 0.9 if len(w) <= 6 else 0.5
        cv2.putText(img, w, (4, 23), cv2.FONT_HERSHEY_SIMPLEX, scale, ink, 2, cv2.LINE_AA)
        cv2.imwrite(os.path.join(d, f"word_{i}.jpg"), img, [cv2.IMWRITE_JPEG_QUALITY, 90])


def main():
    args = sys.argv[1:]
    labels_only = "--labels-only" in args
    args = [a for a in args if a != "--labels-only"]
    out = args[0]
    n = int(args[1]) if len(args) > 1 else 50000
    os.makedirs(out, exist_ok=True)
    write_labels(out, n)
    if not labels_only:
        write_images(out, n)


if __name__ == "__main__":
    main()
