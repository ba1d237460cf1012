#!/usr/bin/env python3
"""Builds fixtures/obtain/ deterministically (same bytes on every run): prep obtain's test archives.

icdar2015/: the four official ICDAR 2015 archive names with the official structure (images and
gt_img_<n>.txt at the archive's top level), holding fixtures/icdar2015-toy files: training =
img_1, img_2; test = img_3, img_4. MD5SUMS lists their md5s (the test recipe uses them).
unsafe/: one archive per extraction hazard (see UNSAFE below) plus well-formed tar.bz2 / tar.
kaist/KAIST_all.zip: fixtures/kaist-zips zipped as the KAIST download is (inner zips untouched).
Run from the repository root: python3 scripts/make_obtain_fixtures.py
"""
import gzip, hashlib, io, os, tarfile, zipfile

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
TOY = os.path.join(ROOT, "fixtures", "icdar2015-toy")
OUT = os.path.join(ROOT, "fixtures", "obtain")
DATE = (2015, 1, 1, 0, 0, 0)


def zip_bytes(members):
    """members: (name, bytes, kind) with kind 'file' or 'symlink' (bytes = target)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name, data, kind in members:
            info = zipfile.ZipInfo(name, DATE)
            info.create_system = 3
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = ((0o120777 if kind == "symlink" else 0o100644) << 16)
            z.writestr(info, data)
    return buf.getvalue()


def tar_bytes(members, compression=None):
    raw = io.BytesIO()
    if compression == "gz":
        fileobj = gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0)
    else:
        fileobj = raw
    mode = "w:bz2" if compression == "bz2" else "w"
    with tarfile.open(fileobj=fileobj if compression != "bz2" else raw, mode=mode, format=tarfile.GNU_FORMAT) as t:
        for name, data, kind in members:
            info = tarfile.TarInfo(name)
            info.mtime = 0
            info.uid = info.gid = 0
            info.uname = info.gname = ""
            if kind == "symlink":
                info.type = tarfile.SYMTYPE
                info.linkname = data.decode()
                t.addfile(info)
            elif kind == "dir":
                info.type = tarfile.DIRTYPE
                info.mode = 0o755
                t.addfile(info)
            else:
                info.size = len(data)
                info.mode = 0o644
                t.addfile(info, io.BytesIO(data))
    if compression == "gz":
        fileobj.close()
    return raw.getvalue()


def toy(rel):
    return open(os.path.join(TOY, rel), "rb").read()


def write(rel, data):
    path = os.path.join(OUT, rel)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    open(path, "wb").write(data)
    return hashlib.md5(data).hexdigest()


sums = {}
splits = {"training": [1, 2], "test": [3, 4]}
sums["ch4_training_images.zip"] = write("icdar2015/ch4_training_images.zip", zip_bytes(
    [(f"img_{n}.jpg", toy(f"imgs/test/img_{n}.jpg"), "file") for n in splits["training"]]))
sums["ch4_training_localization_transcription_gt.zip"] = write("icdar2015/ch4_training_localization_transcription_gt.zip", zip_bytes(
    [(f"gt_img_{n}.txt", toy(f"annotations/test/gt_img_{n}.txt"), "file") for n in splits["training"]]))
sums["ch4_test_images.zip"] = write("icdar2015/ch4_test_images.zip", zip_bytes(
    [(f"img_{n}.jpg", toy(f"imgs/test/img_{n}.jpg"), "file") for n in splits["test"]]))
sums["Challenge4_Test_Task4_GT.zip"] = write("icdar2015/Challenge4_Test_Task4_GT.zip", zip_bytes(
    [(f"gt_img_{n}.txt", toy(f"annotations/test/gt_img_{n}.txt"), "file") for n in splits["test"]]))
with open(os.path.join(OUT, "icdar2015", "MD5SUMS"), "w") as f:
    for name in sorted(sums):
        f.write(f"{sums[name]}  {name}\n")

# One hazard each; every archive also holds a harmless file first, so a refusal must undo it.
ok = ("data/ok.txt", b"fine\n", "file")
UNSAFE = {
    "dotdot.zip": zip_bytes([ok, ("data/../../evil.txt", b"escaped\n", "file")]),
    "absolute.zip": zip_bytes([ok, ("/tmp/prep-obtain-evil.txt", b"escaped\n", "file")]),
    "symlink.zip": zip_bytes([ok, ("data/link", b"../../../etc", "symlink")]),
    "symlink.tar.gz": tar_bytes([ok, ("data/passwd", b"/etc/passwd", "symlink")], "gz"),
    "dotdot.tar": tar_bytes([ok, ("../evil.txt", b"escaped\n", "file")]),
    # An inward link, then a member written through it (the link could have pointed anywhere).
    "through-link.tar": tar_bytes([ok, ("data/sub", b".", "symlink"), ("data/sub/x.txt", b"through\n", "file")]),
    # 80 MB of zeros in ~80 kB: over the 64 MiB floor and far over the 100x ratio.
    "bomb.zip": zip_bytes([ok, ("data/zeros.bin", bytes(80_000_000), "file")]),
    # Well-formed: a top folder to map from, in the two tar flavours.
    "nested.tar.bz2": tar_bytes([("top", b"", "dir"), ("top/a/one.txt", b"one\n", "file"),
                                 ("top/b/two.txt", b"two\n", "file"), ("top/readme.txt", b"skip me\n", "file"),
                                 ("top/a/inner", b"one.txt", "symlink")], "bz2"),
    "plain.tar": tar_bytes([("one.txt", b"one\n", "file")]),
}
for name, data in UNSAFE.items():
    write(f"unsafe/{name}", data)

# KAIST_all.zip as the download comes: KAIST/<language>/<camera>/*.zip (fixtures/kaist-zips),
# which prep lays out as they are and reads in place.
kaist = os.path.join(ROOT, "fixtures", "kaist-zips")
members = []
for d, _, files in sorted(os.walk(kaist)):
    for f in sorted(files):
        path = os.path.join(d, f)
        members.append((os.path.relpath(path, kaist).replace(os.sep, "/"), open(path, "rb").read(), "file"))
write("kaist/KAIST_all.zip", zip_bytes(sorted(members)))
print("wrote", OUT)
