#!/usr/bin/env bash
# prep obtain against the tools people use by hand, one after the other on the same inputs:
#  1. download: a 300 MB file from scripts/obtain_test_server.py on 127.0.0.1 — `curl -o` then
#     `md5sum`, vs `prep obtain` (download streamed to disk, md5, copy into the layout);
#  2. unpack: a 200 MB zip of 20,000 files (10 kB each, stored) — `unzip -q`, Python's
#     `zipfile.extractall` (what MMOCR 1.x's obtainer runs), vs `prep obtain --from` (md5,
#     safety checks, staged unpack, merge).
# Wall time and peak RSS (GNU time). Inputs in bench/work/obtain (git-ignored). No network.
#
#   bash bench/obtain_bench.sh
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
WORK=$(pwd)/bench/work/obtain
mkdir -p "$WORK/srv" "$WORK/zoo/dl" "$WORK/zoo/unpack"
if [ ! -f "$WORK/srv/many.zip" ]; then
  head -c 300000000 /dev/urandom > "$WORK/srv/big.bin"
  python3 - "$WORK/srv/many.zip" <<'PY'
import os, sys, zipfile
with zipfile.ZipFile(sys.argv[1], "w", zipfile.ZIP_STORED) as z:
    for i in range(20000):
        z.writestr(f"top/imgs/{i // 1000}/img_{i}.jpg", os.urandom(10000))
PY
fi
build_prep
recipe() { # NAME FILE-ENTRY → a one-file recipe in the bench zoo
  cat > "$WORK/zoo/$1/dataset.yml" <<YML
name: $1
title: obtain benchmark
tasks: [det]
splits: [training]
converter: icdar-txt
layout:
  images: "imgs/{split}"
  annotation: "a/{stem}.txt"
  file_name: "{name}"
outputs:
  det: "x.json"
files:
$2
YML
}
recipe dl "  - {name: big.bin, url: 'http://bench.invalid/big.bin', md5: $(md5sum "$WORK/srv/big.bin" | cut -d' ' -f1), to: big.bin}"
recipe unpack "  - {name: many.zip, md5: $(md5sum "$WORK/srv/many.zip" | cut -d' ' -f1), extract: [{from: top, to: .}], manual: --from}"
python3 scripts/obtain_test_server.py "$WORK/srv" > "$WORK/port" < <(sleep 600) &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true' EXIT
for _ in $(seq 100); do [ -s "$WORK/port" ] && break; sleep 0.1; done
PORT=$(head -1 "$WORK/port")
export no_proxy='*' PREP_ZOO_DIR="$WORK/zoo"
t() { local name=$1; shift; /usr/bin/time -f "$name wall=%es user=%Us sys=%Ss rss=%MkB" "$@" >/dev/null 2>"$WORK/last.err" || { cat "$WORK/last.err"; exit 1; }; tail -1 "$WORK/last.err"; }
# Each run writes a fresh folder (sync first): deleting and recreating one folder makes ext4's
# inode allocation (recently_deleted scans) dominate whichever tool runs next.
n=0
clean() { sync; n=$((n + 1)); OUT="$WORK/out$n"; mkdir -p "$OUT"; }
for _ in 1 2; do
  clean; t "download 300 MB: curl -o + md5sum     " bash -c "curl -s -o '$OUT/big.bin' http://127.0.0.1:$PORT/big.bin && md5sum '$OUT/big.bin'"
  clean; t "download 300 MB: prep obtain         " "$PREP" obtain dl "$OUT" --mirror "http://127.0.0.1:$PORT" -q
  clean; t "unpack 20k files: unzip -q           " unzip -q "$WORK/srv/many.zip" -d "$OUT"
  clean; t "unpack 20k files: python extractall  " python3 -c "import zipfile,sys; zipfile.ZipFile(sys.argv[1]).extractall(sys.argv[2])" "$WORK/srv/many.zip" "$OUT"
  clean; t "unpack 20k files: prep obtain --from " "$PREP" obtain unpack "$OUT" --from "$WORK/srv" -q
done
rm -rf "$WORK"/out*
