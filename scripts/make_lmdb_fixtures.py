#!/usr/bin/env python3
"""Builds fixtures/lmdb/ deterministically (run from the repository root).

    PEER=~/.cache/prep-peer
    $PEER/venv/bin/python scripts/make_lmdb_fixtures.py /work/shared/upstream-samples/rec-toy

* rec-toy/: copied from the shared upstream samples (10 word crops, label.txt, label.jsonl, and
  imgs.lmdb / label.lmdb / broken.lmdb made by MMOCR 0.6.3's lmdb_converter.py).
* messy/: label.txt and label.jsonl with a BOM, texts with spaces, a blank line, a malformed
  line, a truncated, a missing, a non-image and a non-UTF-8 line, CRLF; images from rec-toy.
* unicode/: label.jsonl with quotes, backslashes, non-ASCII and escaped texts; the golden
  label-only LMDB unicode/reference-label.lmdb is made by the reference tool (when PEER is set).
* loader/: labels.txt and labels.jsonl for the parsers, with golden *.golden.jsonl: what MMOCR
  0.6.3's own backend and parsers return for them (scripts/loader_golden.py, when PEER is set),
  also for deprecated.lmdb and rec-toy's LMDBs.
* deprecated.lmdb: the txt2lmdb layout (`total_number`, keys 0..n-1), written with python-lmdb.
* damaged/: cut.lmdb (data.mdb cut short), garbage.lmdb (random bytes), nocount.lmdb
  (no num-samples), missingkey.lmdb (num-samples 3, label-000000002 absent).
"""
import json
import os
import random
import shutil
import subprocess
import sys

import lmdb

SRC = sys.argv[1]
OUT = "fixtures/lmdb"
PEER = os.environ.get("PEER", os.path.expanduser("~/.cache/prep-peer"))


def write(path, data):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data)


def make_lmdb(path, pairs):
    shutil.rmtree(path, ignore_errors=True)
    os.makedirs(path)
    env = lmdb.open(path, map_size=1 << 20)
    with env.begin(write=True) as txn:
        for k, v in pairs:
            txn.put(k.encode(), v.encode() if isinstance(v, str) else v)
    env.close()
    os.remove(os.path.join(path, "lock.mdb"))


def main():
    shutil.rmtree(OUT, ignore_errors=True)
    shutil.copytree(SRC, os.path.join(OUT, "rec-toy"))
    for root, dirs, files in os.walk(OUT):
        os.chmod(root, 0o755)
        for f in files:
            os.chmod(os.path.join(root, f), 0o644)
        if root.endswith(".lmdb"):
            lock = os.path.join(root, "lock.mdb")
            if os.path.exists(lock):
                os.remove(lock)

    imgs = os.path.join(SRC, "imgs")
    m = os.path.join(OUT, "messy")
    os.makedirs(os.path.join(m, "imgs"))
    for name in ["1223731.jpg", "1223733.jpg", "1036169.jpg", "1058892.jpg", "1240078.jpg", "1210236.jpg"]:
        shutil.copy(os.path.join(imgs, name), os.path.join(m, "imgs", name))
    full = open(os.path.join(imgs, "1190237.jpg"), "rb").read()
    write(os.path.join(m, "imgs", "truncated.jpg"), full[: len(full) // 2])
    write(os.path.join(m, "imgs", "notimage.jpg"), b"this is not an image\n")
    txt = (
        b"\xef\xbb\xbf1223731.jpg GRAND\n"
        b"1223733.jpg HOTEL PACIFIC\n"
        b"\n"
        b"1036169.jpg 03/09/2009\n"
        b"nospace-line\n"
        b"truncated.jpg CUT\n"
        b"missing.jpg GONE\n"
        b"1058891.jpg Vir\xffgin\n"
        b"notimage.jpg NOPE\n"
        b"1058892.jpg a b  c\n"
        b"1240078.jpg ATTACK\r\n"
        b"1210236.jpg \xc3\x9cn\xc3\xafc\xc3\xb6d\xc3\xa9 \xe6\x96\x87\xe5\xad\x97"
    )
    write(os.path.join(m, "label.txt"), txt)
    jsonl = (
        b"\xef\xbb\xbf" + json.dumps({"filename": "1223731.jpg", "text": "GRAND"}).encode() + b"\n"
        + json.dumps({"filename": "1223733.jpg", "text": "HOTEL PACIFIC", "extra": 1}).encode() + b"\n"
        + b"   \n"
        + b'{"filename": "1036169.jpg", "text": "03/09/2009"\n'
        + json.dumps({"filename": "truncated.jpg", "text": "CUT"}).encode() + b"\n"
        + json.dumps({"text": "no name"}).encode() + b"\n"
        + json.dumps({"filename": "1058892.jpg", "text": 7}).encode() + b"\n"
        + json.dumps({"filename": "1210236.jpg", "text": "\u00dcn\u00efc\u00f6d\u00e9 \u6587\u5b57"}).encode() + b"\n"
    )
    write(os.path.join(m, "label.jsonl"), jsonl)

    u = os.path.join(OUT, "unicode")
    texts = ['say "hi"', "back\\slash", "caf\u00e9", "\u6587\u5b57", "emoji \U0001F600", "tab\there",
             "line\u2028sep", "/slash/", "  spaced  ", "ctrl\x01"]
    lines = [json.dumps({"filename": f"u{i}.jpg", "text": t}, ensure_ascii=(i % 2 == 0)) for i, t in enumerate(texts)]
    write(os.path.join(u, "label.jsonl"), ("\n".join(lines) + "\n").encode())
    runner = os.environ.get("PEER_RUN", "/work/shared/peer/run.py")
    conv = os.path.join(PEER, "mmocr063/tools/data/utils/lmdb_converter.py")
    if os.path.exists(conv):
        subprocess.check_call([os.path.join(PEER, "venv/bin/python"), runner, conv, "label.jsonl",
                               "reference-label.lmdb", "--label-only", "-f", "jsonl"], cwd=u,
                              stdout=subprocess.DEVNULL)
        os.remove(os.path.join(u, "reference-label.lmdb", "lock.mdb"))
        # The reference reserves a 1 TiB map; data.mdb is still only as large as its pages.

    make_lmdb(os.path.join(OUT, "deprecated.lmdb"), [
        ("total_number", "4"),
        ("0", "a.jpg HELLO"),
        ("1", "b.jpg WORLD/n"),
        ("2", "c.jpg 32 100 [1,2]"),
        ("3", '{"file_name": "d.jpg", "height": 10}'),
    ])
    d = os.path.join(OUT, "damaged")
    make_lmdb(os.path.join(d, "nocount.lmdb"), [("label-000000001", "x")])
    make_lmdb(os.path.join(d, "missingkey.lmdb"), [
        ("num-samples", "3"),
        ("label-000000001", json.dumps({"filename": "a.jpg", "text": "A"})),
        ("label-000000003", json.dumps({"filename": "c.jpg", "text": "C"})),
    ])
    make_lmdb(os.path.join(d, "cut.lmdb"), [("num-samples", "1"), ("label-000000001", "x" * 9000)])
    data = open(os.path.join(d, "cut.lmdb", "data.mdb"), "rb").read()
    write(os.path.join(d, "cut.lmdb", "data.mdb"), data[: 3 * 4096])
    rng = random.Random(4)
    write(os.path.join(d, "garbage.lmdb", "data.mdb"), bytes(rng.randrange(256) for _ in range(16384)))

    lo = os.path.join(OUT, "loader")
    write(os.path.join(lo, "labels.txt"), "\n".join([
        "a.jpg HELLO",
        "  b.jpg WORLD  ",
        "c.jpg\tTAB",
        "d.jpg two words",
        "e.jpg \u00e9t\u00e9",
        "\u3000f.jpg IDEO\u3000",
        "g.jpg \u0301accent",
        "h.jpg",
        "",
        "i.jpg  double",
        "j.jpg LAST",
    ]).encode() + b"\r\n")
    write(os.path.join(lo, "labels.jsonl"), "\n".join([
        json.dumps({"filename": "a.jpg", "text": "HELLO", "x": 1}),
        json.dumps({"text": "swapped", "filename": "b.jpg"}, ensure_ascii=False),
        '{"filename": "c.jpg", "text": "dup", "text": "last wins"}',
        '{"filename": "d.jpg", "text": 12, "n": [1.5, 1e5, -0.0, null, true]}',
        '  {"filename":"e.jpg","text":"caf\\u00e9 \\ud83d\\ude00"}  ',
        json.dumps({"filename": "f.jpg"}),
        "[1, 2]",
    ]).encode() + b"\n")
    golden = [
        ("loader/labels.txt", "txt", "line_str", []),
        ("loader/labels.jsonl", "txt", "line_json", []),
        ("loader/labels.jsonl", "txt", "line_json", ["filename"]),
        ("deprecated.lmdb", "lmdb", "line_json", ["filename"]),
        ("rec-toy/imgs.lmdb", "lmdb", "line_json", []),
        ("rec-toy/label.lmdb", "lmdb", "line_json", []),
    ]
    if os.path.exists(conv):
        script = os.path.join(os.path.dirname(os.path.abspath(__file__)), "loader_golden.py")
        for src, fmt, kind, keys in golden:
            name = src.replace("/", "_").replace(".", "_") + "-" + kind + ("-" + "-".join(keys) if keys else "")
            out = subprocess.check_output([os.path.join(PEER, "venv/bin/python"), runner, script, src, fmt, kind] + keys,
                                          cwd=OUT)
            write(os.path.join(lo, name + ".golden.jsonl"), out)


if __name__ == "__main__":
    main()
