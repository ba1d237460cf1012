#!/usr/bin/env bash
# Runs tesstrain's own Makefile on prep's `--to tesstrain` output: box files, .lstmf files,
# the unicharset and proto model, a few lstmtraining iterations from scratch, and the
# resulting traineddata read back by tesseract.
#
# Not run in CI. Needs (network: Debian only, plus a tesstrain checkout):
# - Debian `tesseract-ocr` (5.3.0 in bookworm: tesseract with lstmtraining, combine_tessdata,
#   combine_lang_model, unicharset_extractor, text2image — no separate training package) and
#   `tesseract-ocr-eng` (tesseract loads eng to write .lstmf files); `make` 4.2+;
# - a checkout of https://github.com/tesseract-ocr/tesstrain (checked at 45cacc5, 2024-06-04):
#   TESSTRAIN=DIR;
# - a Python with Pillow for tesstrain's generate_line_box.py: PYTHON=... (default python3).
#
#   TESSTRAIN=~/tesstrain PYTHON=/work/venvs/ecosys2/bin/python bash scripts/check_tesstrain.sh OUT [ITERATIONS]
#
# OUT is the output folder of `prep DATASET … --task recog --to tesstrain` (its
# tesstrain/<split>/ folders) or one tesstrain folder (`prep crops --to tesstrain`'s crops/,
# `prep convert … --to tesstrain`'s folder). Each folder is copied (tesstrain writes .box and
# .lstmf beside the ground truth) and run through `make training MODEL_NAME=prep` with
# MAX_ITERATIONS=ITERATIONS (default 20). Printed per folder: `.gt.txt N, .box N, .lstmf N`, the
# last "At iteration" line and whether prep.traineddata was written and loads in tesseract.
#
# What is not tesstrain's default, and why:
# - no START_MODEL: Debian's eng.traineddata is an integer ("fast") model and lstmtraining
#   refuses to continue from it ("is an integer (fast) model, cannot continue training");
#   fine-tuning needs tessdata_best from GitHub. Training from scratch is tesstrain's default.
# - LANGDATA_DIR holds a radical-stroke.txt with one comment line and empty script unicharsets:
#   `make` would otherwise download them from GitHub (langdata_lstm). combine_lang_model needs
#   the radical table only for Han characters; without the script unicharsets it warns
#   "properties incomplete" and goes on.
# Exit 1 when a folder's counts differ or a step fails.
set -uo pipefail

OUT=${1:?usage: TESSTRAIN=DIR bash scripts/check_tesstrain.sh OUT [ITERATIONS]}
ITERATIONS=${2:-20}
TESSTRAIN=${TESSTRAIN:?set TESSTRAIN to a tesstrain checkout}
PYTHON=${PYTHON:-python3}
TESSDATA=${TESSDATA:-$(dirname "$(find /usr/share/tesseract-ocr -name eng.traineddata | head -1)")}
for tool in tesseract lstmtraining combine_lang_model unicharset_extractor make; do
  command -v $tool >/dev/null || { echo "missing $tool (apt-get install tesseract-ocr tesseract-ocr-eng make)"; exit 1; }
done
"$PYTHON" -c 'import PIL' 2>/dev/null || { echo "$PYTHON has no Pillow (set PYTHON)"; exit 1; }

if [ -d "$OUT/tesstrain" ]; then folders=$(find "$OUT/tesstrain" -mindepth 1 -maxdepth 1 -type d | sort); else folders=$OUT; fi
work=$(mktemp -d /tmp/tesstrain-check-XXXXXX)
langdata=$work/langdata
mkdir -p "$langdata"
echo "# no Han characters to decompose (prep's tesstrain check)" > "$langdata/radical-stroke.txt"
for s in Arabic Armenian Bengali Bopomofo Canadian_Aboriginal Cherokee Cyrillic Devanagari Ethiopic Georgian Greek \
         Gujarati Gurmukhi Hangul Han Hebrew Hiragana Kannada Katakana Khmer Lao Latin Malayalam Myanmar Ogham Oriya \
         Runic Sinhala Syriac Tamil Telugu Thai; do
  : > "$langdata/$s.unicharset"
done

failed=0
for folder in $folders; do
  name=$(basename "$folder")
  gt=$work/$name/gt
  data=$work/$name/data
  mkdir -p "$gt"
  cp "$folder"/* "$gt"/
  gts=$(find "$gt" -name '*.gt.txt' | wc -l)
  make -C "$TESSTRAIN" training MODEL_NAME=prep GROUND_TRUTH_DIR="$gt" DATA_DIR="$data" LANGDATA_DIR="$langdata" \
    MAX_ITERATIONS="$ITERATIONS" PY_CMD="$PYTHON" TESSDATA="$TESSDATA" > "$work/$name/make.log" 2>&1
  rc=$?
  boxes=$(find "$gt" -name '*.box' | wc -l)
  lstmf=$(find "$gt" -name '*.lstmf' | wc -l)
  # tesstrain's list files end without a newline.
  listed=$( { cat "$data/prep/list.train"; echo; cat "$data/prep/list.eval"; } 2>/dev/null | grep -c lstmf)
  last=$(grep 'At iteration' "$work/$name/make.log" | tail -1)
  loads=no
  first=$(find "$gt" -name '*.png' | sort | head -1)
  if [ -f "$data/prep.traineddata" ] && tesseract "$first" - --tessdata-dir "$data" -l prep --psm 13 >/dev/null 2>&1; then loads=yes; fi
  echo "tesstrain $name: .gt.txt $gts, .box $boxes, .lstmf $lstmf (listed for training/eval: $listed); make rc=$rc; ${last:-no iteration logged}; prep.traineddata loads in tesseract: $loads"
  if [ $rc -ne 0 ] || [ "$boxes" -ne "$gts" ] || [ "$lstmf" -ne "$gts" ] || [ "$listed" -ne "$gts" ] || [ $loads != yes ]; then
    failed=1
    echo "  FAILED: see $work/$name/make.log"
  fi
done
echo "work folder: $work"
exit $failed
