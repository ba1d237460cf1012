#!/usr/bin/env bash
# Installs the Debian packages prep builds against, only those that are missing (safe to re-run).
set -euo pipefail
# chromium: the headless browser the prep show test opens the gallery in.
# libssl-dev: libcrypto for MD5/SHA-256; libopenblas-dev: the lean core's GEMM (loaded at first use).
# libarchive-dev: tar, tar.gz, tar.bz2 reading for prep obtain.
# libpolyclipping-dev: Clipper 6.4 (pyclipper's library) for DBNet's polygon offsets.
# libisal-dev: ISA-L's inflate for MATLAB files (SynthText's gt.mat), loaded at first use; zlib without it.
# (scripts/check_tesstrain.sh, not CI, also needs tesseract-ocr and tesseract-ocr-eng; it says so.)
PKGS=(liblmdb-dev libjpeg62-turbo-dev libpng-dev libzip-dev libxml2-dev zlib1g-dev libssl-dev libopenblas-dev libarchive-dev libpolyclipping-dev libisal-dev pkg-config chromium)
missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  echo "installing: ${missing[*]}" >&2
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi
