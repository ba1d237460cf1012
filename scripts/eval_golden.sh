#!/usr/bin/env bash
# Regenerates fixtures/eval/golden_mmocr{0,1}.json with MMOCR's own metric code
# (0.6.3 through ../shared/peer/run.py, 1.x through ../shared/peer/peer1x_stub.py).
set -euo pipefail
cd "$(dirname "$0")/.."
P0=${PEER:-$HOME/.cache/prep-peer}/venv/bin/python
P1=${PEER1X:-$HOME/.cache/prep-peer1x}/venv/bin/python
"$P0" ../shared/peer/run.py scripts/eval_golden.py mmocr0
"$P1" scripts/eval_golden.py kie0
"$P1" ../shared/peer/peer1x_stub.py scripts/eval_golden.py mmocr1
# Spotting: MMOCR's E2EHmeanIOUMetric is not in the wheel; give its file from a checkout of
# open-mmlab/mmocr (projects/ABCNet/abcnet/metric/e2e_hmean_iou_metric.py) to regenerate
# fixtures/eval/golden_spotting.json.
if [ -n "${E2E_METRIC:-}" ]; then "$P1" ../shared/peer/peer1x_stub.py scripts/eval_spotting_golden.py "$E2E_METRIC"; fi
