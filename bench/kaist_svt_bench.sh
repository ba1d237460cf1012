#!/usr/bin/env bash
# KAIST (the download's zips → det + recog) and SVT recognition: release prep against MMOCR 0.6.3's
# extract_kaist.py + kaist_converter.py (textdet, textrecog) and svt_converter.py, on inputs made
# by gen_kaist_svt.py (IMAGES images, default 300). The reference's extraction deletes its input,
# so every reference run works on a fresh copy (the copy is not timed). Wall time and peak RSS
# are medians over REPS runs (measure.py).
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
REPS=${REPS:-3}; IMAGES=${IMAGES:-300}; NPROC=${NPROC:-2}
build_prep
W=bench/work/kaist_svt; rm -rf "$W"; mkdir -p "$W"
"$PY" bench/gen_kaist_svt.py "$W/in" --images "$IMAGES"
TOOLS=$PEER/mmocr063/tools/data
ref_kaist() { # a fresh copy, then the three reference steps in one timed shell
  rm -rf "$W/ref"; cp -r "$W/in/kaist" "$W/ref"; mkdir -p "$W/ref/imgs" "$W/ref/annotations"
  "$PY" "$MEASURE" -- bash -c "'$PY' '$RUNPY' '$TOOLS/common/extract_kaist.py' '$W/ref' >/dev/null &&
    '$PY' '$RUNPY' '$TOOLS/textdet/kaist_converter.py' '$W/ref' --nproc $NPROC >/dev/null &&
    '$PY' '$RUNPY' '$TOOLS/textrecog/kaist_converter.py' '$W/ref' --format jsonl --nproc $NPROC >/dev/null" | tail -1
}
ref_svt() {
  rm -rf "$W/in/svt/image" "$W/in/svt/test_label.txt"
  "$PY" "$MEASURE" -- "$PY" "$RUNPY" "$TOOLS/textrecog/svt_converter.py" "$W/in/svt" | tail -1
}
med() { "$PY" -c 'import json,sys,statistics; r=[json.loads(l) for l in sys.stdin]; print(statistics.median(x["wall"] for x in r), statistics.median(x["rss_mib"] for x in r))'; }
echo "kaist zips -> det+recog, $IMAGES images x 8 words, --nproc $NPROC"
echo "  reference (extract_kaist + textdet + textrecog): $(for _ in $(seq "$REPS"); do ref_kaist; done | med)"
echo "  prep kaist --task det recog:                     $(run "$PREP" kaist "$W/in/kaist" --task det recog -o "$W/prep_kaist" --nproc "$NPROC" -q)"
echo "svt test recog, $IMAGES images x 8 words"
echo "  reference svt_converter.py:                      $(for _ in $(seq "$REPS"); do ref_svt; done | med)"
echo "  prep svt --task recog --split-list test:         $(run "$PREP" svt "$W/in/svt" --task recog --split-list test -o "$W/prep_svt" --nproc "$NPROC" -q)"
