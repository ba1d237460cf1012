#!/usr/bin/env bash
# Differential check of the dataset runner: runs the same dataset commands over the fixtures with
# two prep binaries (A: a reference build, e.g. main's; B: this checkout's) into the same output
# path, one after the other, and compares the output trees byte for byte (symlink targets
# included), the exit codes, stderr's summary and the --report JSON (its "seconds" removed).
# Used when restructuring DatasetRunner (issue 19, "one pass per task"): outputs must not move.
#   bash scripts/runner_parity.sh /path/to/prep-main .build/debug/prep
set -uo pipefail
cd "$(dirname "$0")/.."
A=$(realpath "$1"); B=$(realpath "${2:-.build/debug/prep}")
F=$(pwd)/fixtures
W=$(mktemp -d /tmp/runner-parity.XXXXXX)
trap 'rm -rf "$W"' EXIT
fail=0; n=0
cases=(
  "icdar2015 $F/icdar2015-toy --splits test"
  "icdar2015 $F/icdar2015-toy --splits test --task det recog --from-det"
  "icdar2015 $F/icdar2015-toy --splits test --task det recog spotting --to mmocr1 --from-det"
  "icdar2015 $F/icdar2015-toy --splits test --task det recog --to paddle --from-det"
  "icdar2015 $F/icdar2015-toy --splits test --task det recog --to doctr --from-det"
  "icdar2015 $F/icdar2015-toy --splits test --task det recog --to hf --from-det"
  "icdar2015 $F/icdar2015-toy --splits test --task det --to coco"
  "icdar2015 $F/icdar2015-toy --splits test --task det --to line-json"
  "icdar2015 $F/icdar2015-toy --splits test --task recog --format lmdb"
  "icdar2015 $F/icdar2015-toy --splits test --task recog --format lmdb --from-det"
  "icdar2015 $F/icdar2015-toy --splits test --task recog --to tesstrain --from-det"
  "icdar2015 $F/icdar2015-toy --splits test --task recog --to easyocr --from-det"
  "icdar2015 $F/icdar2015-toy --splits test --task det recog --shard 1/2 --from-det"
  "icdar2015 $F/icdar2015-toy --splits test --task det recog --to mmocr1 --shard 0/2 --from-det"
  "icdar2015 $F/icdar2015-quirks --splits test --task det recog spotting --from-det"
  "icdar2015 $F/icdar2015-recog-toy --task recog"
  "icdar2015 $F/icdar2015-recog-zips --task recog"
  "icdar2015 $F/icdar2015-recog-toy --task recog --from-det"
  "icdar2013 $F/icdar2013-toy --task det recog"
  "icdar2011 $F/icdar2011-toy --task recog --to mmocr1"
  "iiit5k $F/iiit5k-toy --task recog"
  "iiit5k $F/iiit5k-toy --task recog --shard 1/2"
  "mjsynth $F/mjsynth-toy"
  "synthadd $F/synthadd-toy"
  "lv $F/lv-toy --task recog"
  "art $F/art-toy --task det recog"
  "art $F/art-toy --task det recog --val-ratio 0.5"
  "art $F/art-toy --task det --val-ratio 0.5 --split-seed 3 --shard 1/2"
  "totaltext $F/totaltext-toy --task det recog spotting"
  "totaltext $F/totaltext-mat-toy"
  "ctw1500 $F/ctw1500-toy --task det recog"
  "cocotext $F/cocotext-toy --task det recog spotting"
  "cocotext $F/cocotext-toy --task det --shard 1/2"
  "textocr $F/textocr-toy --task det recog"
  "hiertext $F/hiertext-toy --task det recog"
  "hiertext $F/hiertext-toy --level line"
  "curvedsyntext150k $F/curvedsyntext-toy"
  "curvedsyntext150k $F/curvedsyntext-toy --task det spotting"
  "curvedsyntext150k $F/curvedsyntext-unk"
  "synthtext $F/synthtext-toy --task det recog"
  "synthtext $F/synthtext-toy --task det spotting --coco-json"
  "synthtext $F/synthtext-toy --task det --to mmocr1"
  "synthtext $F/synthtext-quirks --task det recog"
  "synthtext $F/synthtext-toy --task det recog --shard 1/2"
  "wildreceipt $F/wildreceipt-toy --task kie"
  "wildreceipt $F/wildreceipt-toy --task det recog kie"
  "wildreceipt $F/wildreceipt-toy --task kie --to paddle"
  "funsd $F/funsd-toy --task det recog kie --to paddle"
  "funsd $F/funsd-toy"
  "xfund $F/xfund-toy --task det kie --to paddle"
  "kaist $F/kaist-zips --task det recog"
  "kaist $F/kaist-toy --task det recog"
  "naf $F/naf-toy --task det recog"
  "svt $F/svt-toy --task det recog"
  "openvino $F/openvino-toy"
  "sroie $F/sroie-toy --task det recog"
  "detext $F/detext-toy --task det recog"
  "detext $F/detext-exif --task det recog --exif apply"
  "rctw $F/rctw-toy --task det recog"
  "mtwi $F/mtwi-toy --task det recog"
  "lsvt $F/lsvt-toy --task det recog"
  "icdar2017 $F/icdar2017-toy --task det recog"
  "bid $F/bid-toy --task det recog"
  "imgur5k $F/imgur5k-toy --task det recog"
  "vintext $F/vintext-toy --task det recog"
  "ilst $F/ilst-toy --task det recog"
  "rects $F/rects-toy --task det recog"
  "icdar2015 $F/icdar2015-quirks --task det recog --from-det"
  "icdar2015 $F/icdar2015-quirks --strict"
  "icdar2015 $F/icdar2015-toy --splits test --task spotting"
  "icdar2015 $F/icdar2015-toy --splits test --task spotting --to mmocr1"
  "naf $F/naf-toy --task det recog --shard 0/2"
  "detext $F/detext-exif --task recog"
  "kaist $F/kaist-zips --task det --shard 0/2"
  "wildreceipt $F/wildreceipt-toy --task kie --shard 0/2"
  "icdar2015 $F/icdar2015-toy --splits test --task nosuchtask"
  "icdar2015 $F/icdar2015-toy --splits nosuchsplit"
  "icdar2015 $F/icdar2015-toy --splits test --task kie"
)
run() { # BIN NAME ARGS… → $W/NAME/{out,report.json,stderr,rc}
  local bin=$1 name=$2; shift 2
  local out=$W/run
  rm -rf "$out"
  "$bin" "$@" -o "$out" --nproc 2 --report "$W/report.json" >/dev/null 2>"$W/stderr"; echo $? >"$W/rc"
  mkdir -p "$W/$name"
  [ -e "$out" ] && mv "$out" "$W/$name/out"
  [ -e "$W/report.json" ] && python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); d.pop("seconds",None); print(json.dumps(d,indent=1,sort_keys=False))' "$W/report.json" >"$W/$name/report.json" && rm "$W/report.json"
  grep -v ' s$' "$W/stderr" | sed 's/ in [0-9.]* s//' >"$W/$name/stderr"; mv "$W/rc" "$W/$name/rc"
  if [ -d "$W/$name/out" ]; then (cd "$W/$name/out" && find . -type l -printf '%p -> %l\n' | sort) >"$W/$name/links"; fi
}
for c in "${cases[@]}"; do
  n=$((n + 1))
  # shellcheck disable=SC2086
  run "$A" a $c; run "$B" b $c
  if diff -r --no-dereference "$W/a" "$W/b" >"$W/diff" 2>&1; then
    echo "same  $(cat "$W/b/rc")  $c"
  else
    echo "DIFF  $c"; head -20 "$W/diff"; fail=$((fail + 1))
  fi
  rm -rf "$W/a" "$W/b"
done
echo "$n case(s), $fail differ"
[ "$fail" = 0 ]
