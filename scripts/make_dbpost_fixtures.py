#!/usr/bin/env python
"""Writes fixtures/dbpost/*.json: expected outputs of MMOCR 1.x (mmocr 1.0.1), OpenCV 4.10 and
pyclipper for prep's DBNet target generation and post-processing (Tests/PrepModelsTests/DBPost*).

Run with the MMOCR 1.x peer (../shared/peer/README.md), from the repository root:
    V=${PEER1X:-$HOME/.cache/prep-peer1x}/venv/bin/python
    $V ../shared/peer/peer1x_stub.py scripts/make_dbpost_fixtures.py
Everything is seeded: the same versions give the same files. Masks are stored as base64 of
np.packbits (row-major, big bit order); probability maps as base64 uint8 bytes b, the map being
float32(b) / float32(255); the threshold map as base64 little-endian float32 (the other
target maps are 0/1 and stored as bits).
"""
import base64
import json
import os

import cv2
import numpy as np
import pyclipper
import torch
from mmengine.structures import InstanceData

from mmocr.models.textdet.module_losses import DBModuleLoss
from mmocr.models.textdet.postprocessors import DBPostprocessor
from mmocr.structures import TextDetDataSample

OUT = 'fixtures/dbpost'
rng = np.random.default_rng(20261203)


def b64(a):
    return base64.b64encode(np.ascontiguousarray(a).tobytes()).decode()


def bits(mask):
    return b64(np.packbits((mask != 0).astype(np.uint8).ravel()))


def dump(name, obj):
    with open(os.path.join(OUT, name), 'w') as f:
        json.dump(obj, f, separators=(',', ':'))
        f.write('\n')


def random_polygon(n, cx, cy, r, jitter=0.6):
    ang = np.sort(rng.uniform(0, 2 * np.pi, n))
    rad = r * (1 - jitter * rng.uniform(0, 1, n))
    return np.stack([cx + rad * np.cos(ang), cy + rad * np.sin(ang)], 1)


# ---------------------------------------------------------------- fillPoly (raster.json)
raster = []
W, H = 40, 30
for k in range(60):
    n = int(rng.integers(3, 15))
    if k % 5 == 4:   # self-intersecting: random order
        pts = rng.uniform(-6, [W + 6, H + 6], (n, 2))
    else:
        pts = random_polygon(n, rng.uniform(0, W), rng.uniform(0, H), rng.uniform(2, 25))
    pts = pts.astype(np.int32)
    m = np.zeros((H, W), np.uint8)
    cv2.fillPoly(m, [pts], 1)
    raster.append(dict(width=W, height=H, polygon=pts.ravel().tolist(), mask=bits(m)))
dump('raster.json', raster)

# ---------------------------------------------------------------- pyclipper (offset.json)
offset = []
for k in range(30):
    n = int(rng.integers(3, 15))
    pts = random_polygon(n, 50, 50, rng.uniform(5, 40)).astype(np.float32)
    if k % 3 == 0:
        pts = np.round(pts)
    d = float(rng.uniform(-15, 15))
    pco = pyclipper.PyclipperOffset()
    pco.AddPath(pts, pyclipper.JT_ROUND, pyclipper.ET_CLOSEDPOLYGON)
    res = pco.Execute(d)
    offset.append(dict(polygon=pts.astype(float).ravel().tolist(), delta=d,
                       paths=[np.array(p).ravel().tolist() for p in res]))
dump('offset.json', offset)


# ---------------------------------------------------------------- findContours, approxPolyDP (contours.json)
def blobs(h, w, count, rmax):
    m = np.zeros((h, w), np.uint8)
    for _ in range(count):
        poly = random_polygon(int(rng.integers(5, 12)), rng.uniform(-3, w + 3), rng.uniform(-3, h + 3),
                              rng.uniform(2, rmax)).astype(np.int32)
        cv2.fillPoly(m, [poly], 1)
    return m


masks = []
for k in range(12):
    masks.append(blobs(36, 48, int(rng.integers(1, 8)), 14))
for k in range(6):   # holes
    m = blobs(36, 48, 3, 16)
    m &= 1 - blobs(36, 48, 5, 6)
    masks.append(m)
for k in range(4):   # noise: single pixels, thin lines, diagonals
    m = (rng.uniform(0, 1, (20, 24)) > 0.6).astype(np.uint8)
    masks.append(m)
m = np.zeros((16, 20), np.uint8)
m[3, 2:15] = 1; m[5:12, 4] = 1; m[7, 7] = 1
for i in range(6):
    m[6 + i, 9 + i] = 1
m[0, :] = 1; m[:, 19] = 1
masks.append(m)
masks.append(np.ones((5, 7), np.uint8))
masks.append(np.zeros((5, 7), np.uint8))
contours = []
for m in masks:
    cs, _ = cv2.findContours(m * 255, cv2.RETR_LIST, cv2.CHAIN_APPROX_SIMPLE)
    entry = dict(width=m.shape[1], height=m.shape[0], mask=bits(m), contours=[], arc=[], approx=[])
    for c in cs:
        entry['contours'].append(c.reshape(-1).tolist())
        arc = cv2.arcLength(c, True)
        entry['arc'].append(arc)
        entry['approx'].append(cv2.approxPolyDP(c, 0.01 * arc, True).reshape(-1).tolist())
    contours.append(entry)
dump('contours.json', contours)

# ---------------------------------------------------------------- minAreaRect / boxPoints (minrect.json)
rects = []
for k in range(80):
    n = int(rng.integers(3, 30))
    if k % 4 == 0:
        pts = rng.integers(0, 60, (n, 2)).astype(np.float32)
    elif k % 4 == 1:   # a rotated rectangle's outline, offset like an unclip result
        c, s = np.cos(rng.uniform(0, np.pi)), np.sin(rng.uniform(0, np.pi))
        w, h = rng.uniform(5, 80), rng.uniform(3, 30)
        base = np.array([[-w, -h], [w, -h], [w, h], [-w, h]]) / 2
        pts = (base @ np.array([[c, s], [-s, c]]) + rng.uniform(20, 200, 2)).round().astype(np.float32)
    else:
        pts = random_polygon(n, 100, 100, rng.uniform(3, 90)).astype(np.float32)
    if k == 7:
        pts = np.array([[1, 1], [5, 5], [9, 9], [3, 3]], np.float32)   # collinear
    (cx, cy), (rw, rh), ang = cv2.minAreaRect(pts)
    box = cv2.boxPoints(((cx, cy), (rw, rh), ang))
    rects.append(dict(points=pts.astype(float).ravel().tolist(), center=[cx, cy], size=[rw, rh], angle=ang,
                      box=box.astype(float).ravel().tolist()))
# unclipped polygons from bench/dbpost_bench.sh's maps where the minimum is a tie (upright or 45°)
for pts in ([640, 460, 640, 467, 639, 468, 638, 468, 636, 466, 636, 464, 635, 463, 639, 459],
            [612, 180, 635, 174, 640, 174, 644, 176, 647, 179, 648, 183, 649, 197, 648, 202, 646, 205, 641, 208,
             623, 211, 626, 213, 628, 215, 647, 242, 649, 248, 649, 271, 648, 275, 645, 279, 641, 281, 633, 281,
             629, 280, 624, 276, 599, 235, 574, 218, 547, 212, 543, 210, 540, 206, 539, 202, 539, 189, 540, 185,
             543, 181, 547, 179, 551, 179, 575, 185, 581, 178, 585, 175, 589, 174, 592, 174],
            [0, 0, 10, 0, 10, 5, 0, 5], [10, 5, 0, 5, 0, 0, 10, 0],
            # upright rectangles in every point order: OpenCV picks among equal areas by its hull
            *[np.array([[3, 4], [40, 4], [40, 20], [3, 20]])[list(o)].ravel().tolist()
              for o in ((0, 1, 2, 3), (1, 0, 2, 3), (2, 3, 0, 1), (3, 1, 0, 2), (0, 2, 1, 3))]):
    pts = np.array(pts, np.float32).reshape(-1, 2)
    (cx, cy), (rw, rh), ang = cv2.minAreaRect(pts)
    rects.append(dict(points=pts.astype(float).ravel().tolist(), center=[cx, cy], size=[rw, rh], angle=ang,
                      box=cv2.boxPoints(((cx, cy), (rw, rh), ang)).astype(float).ravel().tolist()))
dump('minrect.json', rects)

# ---------------------------------------------------------------- DBModuleLoss targets (targets.json)
loss = DBModuleLoss()


def targets(h, w, polys, ignored):
    ds = TextDetDataSample()
    ds.set_metainfo(dict(img_shape=(h, w)))
    ds.gt_instances = InstanceData(polygons=[np.array(p, np.float32) for p in polys],
                                   ignored=torch.tensor(ignored, dtype=torch.bool))
    shrink, shrink_mask, thr, thr_mask = loss._get_target_single(ds)
    return [x.squeeze(0).numpy().astype(np.float32) for x in (shrink, shrink_mask, thr, thr_mask)]


def curve14(cx, cy, r0, r1, a0, a1):
    ang = np.linspace(a0, a1, 7)
    outer = [(cx + r1 * np.cos(a), cy + r1 * np.sin(a)) for a in ang]
    inner = [(cx + r0 * np.cos(a), cy + r0 * np.sin(a)) for a in ang[::-1]]
    return np.array(outer + inner).ravel().tolist()


scenes = [
    ('quads', 64, 96, [[5, 5, 40, 6, 39, 20, 6, 19], [50.5, 30.2, 90.7, 36.1, 88.3, 50.9, 48.1, 45.4],
                       [10, 30, 30, 40, 22, 56, 2, 46]], [False, False, False], [], []),
    ('curved14', 72, 96, [curve14(48, 70, 30, 44, np.pi * 1.1, np.pi * 1.9),
                          curve14(20, 10, 8, 20, 0.2, 1.4)], [False, False], [], []),
    ('tiny-and-ignored', 64, 80, [[4, 4, 9, 4, 9, 9, 4, 9], [20, 20, 60, 20, 60, 26, 20, 26],
                                  [10, 40, 70, 40, 70, 60, 10, 60], [30, 5, 70, 5, 70, 15, 30, 15],
                                  [40, 30, 40.5, 30, 41, 30, 40.2, 30.1]],
     [False, False, True, False, False], [], [0, 1, 4]),
    # the bow-tie is ignored here because prep ignores self-intersecting polygons (README)
    ('self-intersecting', 48, 64, [[5, 5, 40, 30, 40, 5, 5, 30], [45, 8, 62, 8, 62, 40, 45, 40]],
     [False, False], [0], [0]),
    ('touching-border', 48, 64, [[-10, -6, 30, -4, 30, 14, -10, 12], [40, 30, 70, 28, 72, 52, 42, 55],
                                 [0, 20, 20, 20, 20, 47, 0, 47]], [False, False, False], [], []),
]
tg = []
# scene: name, height, width, polygons, `###` flags, indices prep ignores beyond MMOCR's rules
# (given to MMOCR as ignored), indices prep must report as skipped
for name, h, w, polys, ignored, mark, skipped in scenes:
    maps = targets(h, w, polys, [bool(ignored[i]) or i in mark for i in range(len(polys))])
    tg.append(dict(name=name, height=h, width=w, polygons=polys, ignored=[bool(i) for i in ignored],
                   expect_skipped=skipped,
                   prob_map=bits(maps[0]), prob_mask=bits(maps[1]), thresh_map=b64(maps[2]),
                   thresh_mask=bits(maps[3])))
dump('targets.json', tg)


# ---------------------------------------------------------------- DBPostprocessor (post.json)
def prob_map(h, w, kind):
    p = np.zeros((h, w), np.float32)
    yy, xx = np.mgrid[0:h, 0:w]
    if kind in ('blobs', 'noise'):
        for _ in range(12):
            cx, cy = rng.uniform(0, w), rng.uniform(0, h)
            sx, sy = rng.uniform(3, 20), rng.uniform(2, 8)
            th = rng.uniform(0, np.pi)
            dx, dy = xx - cx, yy - cy
            u = dx * np.cos(th) + dy * np.sin(th)
            v = -dx * np.sin(th) + dy * np.cos(th)
            p = np.maximum(p, rng.uniform(0.4, 1) * np.exp(-(u / sx) ** 8 - (v / sy) ** 8))
    if kind == 'rects':
        for _ in range(10):
            cx, cy = rng.uniform(10, w - 10), rng.uniform(8, h - 8)
            rect = ((cx, cy), (rng.uniform(8, 50), rng.uniform(5, 14)), rng.uniform(-60, 60))
            box = cv2.boxPoints(rect).astype(np.int32)
            m = np.zeros((h, w), np.uint8)
            cv2.fillPoly(m, [box], 1)
            p = np.maximum(p, m * rng.uniform(0.35, 0.95))
    if kind == 'curved':
        for _ in range(4):
            cx, cy = rng.uniform(0, w), rng.uniform(0, h)
            r = np.hypot(xx - cx, yy - cy)
            a = np.arctan2(yy - cy, xx - cx)
            r0, a0 = rng.uniform(15, 45), rng.uniform(-np.pi, np.pi)
            band = (np.abs(r - r0) < rng.uniform(3, 7)) & (np.abs(np.angle(np.exp(1j * (a - a0)))) < 1.2)
            p = np.maximum(p, band * rng.uniform(0.5, 1))
    if kind == 'noise':
        p = np.clip(p + rng.normal(0, 0.15, p.shape), 0, 1)
    return np.clip(np.round(p * 255), 0, 255).astype(np.uint8)


post = []
for k, (kind, h, w) in enumerate([('blobs', 64, 96), ('blobs', 80, 120), ('rects', 64, 96), ('rects', 96, 128),
                                   ('curved', 80, 112), ('curved', 96, 96), ('noise', 64, 96), ('noise', 48, 64)]):
    q = prob_map(h, w, kind)
    prob = q.astype(np.float32) / np.float32(255)
    scale = (float(rng.uniform(0.5, 2)), float(rng.uniform(0.5, 2)))   # MMOCR scale_factor (w, h)
    entry = dict(kind=kind, height=h, width=w, prob=b64(q), scale_factor=list(scale))
    for repr_type in ('quad', 'poly'):
        pp = DBPostprocessor(text_repr_type=repr_type)
        ds = TextDetDataSample()
        ds = pp.get_text_instances(torch.from_numpy(prob), ds)
        ds = pp.rescale(ds, scale)
        entry[repr_type] = dict(polygons=[np.asarray(x, np.float64).ravel().tolist() for x in ds.pred_instances.polygons],
                                scores=[float(s) for s in ds.pred_instances.scores])
    post.append(entry)
dump('post.json', post)
print('wrote', OUT)
