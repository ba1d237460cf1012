#!/usr/bin/env bash
# Crop benchmark for OpenVINO (Open Images v5 text): prep openvino against the reference's
# textrecog/openvino_converter.py on the same generated input, in one run. Prints wall time, peak
# RSS and the ratio, and compares the label files (the reference's train_1 indexes start at 0, as
# prep's, so they are equal).
#
# usage: bash bench/openvino_bench.sh [IMAGES]      (default 300; needs ../shared/peer set up)
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-300}
. bench/lib.sh
WORK=bench/work/openvino-$N
peer_setup
[ -f "$WORK/data/text_spotting_openimages_v5_validation.json" ] || "$PY" bench/gen_openvino.py "$WORK/data" "$N"
build_prep
REPS=${REPS:-1}
cat "$WORK"/data/train_1/* > /dev/null

printf '%-10s %-6s %10s %10s %8s\n' tool nproc wall_s rss_mib ratio
for np in 1 2; do
  rm -rf "$WORK"/data/image_* "$WORK"/data/*_label.txt
  read -r rw rr < <(run "$PY" "$REPO/../shared/peer/run.py" "$PEER/mmocr063/tools/data/textrecog/openvino_converter.py" "$WORK/data" "$np")
  cp "$WORK/data/train_1_label.txt" "$WORK/ref_train_1_label.txt"
  rm -rf "$WORK/out-prep"
  read -r pw pr < <(run "$PREP" openvino "$WORK/data" -o "$WORK/out-prep" --nproc "$np" -q)
  printf '%-10s %-6s %10s %10s\n' reference "$np" "$rw" "$rr"
  printf '%-10s %-6s %10s %10s %7.1fx\n' prep "$np" "$pw" "$pr" "$("$PY" -c "print($rw / $pw)")"
done
cmp "$WORK/out-prep/train_1_label.txt" "$WORK/ref_train_1_label.txt" && echo "train_1 labels identical to the reference's"
"$PY" - "$WORK" <<'PY'
import glob, os, sys, cv2, numpy as np
w = sys.argv[1]; n = size = px = 0
for f in sorted(glob.glob(f'{w}/data/image_1/*.jpg')):
    a = cv2.imread(f, cv2.IMREAD_UNCHANGED); b = cv2.imread(f'{w}/out-prep/image_1/' + os.path.basename(f), cv2.IMREAD_UNCHANGED)
    n += 1
    if b is None or a.shape != b.shape: size += 1
    elif not np.array_equal(a, b): px += 1
print(f'{n} train_1 crops: {size} size differences, {px} pixel differences')
PY
