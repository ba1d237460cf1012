#!/usr/bin/env bash
# Crops straight into an LMDB (issue 8): `prep detext --task recog --format lmdb` against the
# reference's two steps for the same result — textrecog/detext_converter.py (crop files + jsonl)
# then utils/lmdb_converter.py (jsonl + crops → LMDB) — on the same generated DeText input,
# --nproc 2. Prints wall time and peak RSS per step and the ratio of the totals.
#
# usage: bash bench/lmdb_crops_bench.sh [IMAGES]   (default 500; needs ../shared/peer set up)
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-500}
. bench/lib.sh
WORK=$(pwd)/bench/work/lmdbcrops-$N
REPS=${REPS:-1}
peer_setup
[ -d "$WORK/detext" ] || "$PY" bench/gen_detext.py "$WORK/detext" --images "$N"
build_prep

rm -rf "$WORK/detext/crops" "$WORK/detext/ignores" "$WORK"/ref-*.lmdb "$WORK/out-prep"
read -r cw cr < <(cd "$WORK" && run "$PY" "$RUNPY" "$PEER/mmocr063/tools/data/textrecog/detext_converter.py" detext --nproc 2)
read -r lw lr < <(run "$PY" "$RUNPY" "$PEER/mmocr063/tools/data/utils/lmdb_converter.py" \
                  "$WORK/detext/train_label.jsonl" "$WORK/ref-train.lmdb" -i "$WORK/detext/crops" --label-format jsonl)
read -r vw vr < <(run "$PY" "$RUNPY" "$PEER/mmocr063/tools/data/utils/lmdb_converter.py" \
                  "$WORK/detext/val_label.jsonl" "$WORK/ref-val.lmdb" -i "$WORK/detext/crops" --label-format jsonl)
read -r pw pr < <(run "$PREP" detext "$WORK/detext" --task recog --format lmdb --nproc 2 -o "$WORK/out-prep" -q)
printf '%-46s %10s %10s\n' "step ($N images)" wall_s rss_mib
printf '%-46s %10s %10s\n' "reference detext_converter (crops + jsonl)" "$cw" "$cr"
printf '%-46s %10s %10s\n' "reference lmdb_converter (training)" "$lw" "$lr"
printf '%-46s %10s %10s\n' "reference lmdb_converter (val)" "$vw" "$vr"
printf '%-46s %10s %10s %9.1fx\n' "prep detext --format lmdb (both splits)" "$pw" "$pr" "$(echo "($cw + $lw + $vw) / $pw" | bc -l)"
"$PREP" cat "$WORK/out-prep/train_label.lmdb" --head 1 | head -1
