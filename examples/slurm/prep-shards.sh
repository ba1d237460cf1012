#!/usr/bin/env bash
# Prepares a dataset as a Slurm job array of N shards, then merges them in a dependent job.
#
#   DATASET=icdar2015 ROOT=/data/icdar2015 OUT=/scratch/prep/icdar2015 N=16 bash examples/slurm/prep-shards.sh
#
# Every array task runs `prep DATASET ROOT --shard-from-env SLURM_ARRAY_TASK_ID,SLURM_ARRAY_TASK_COUNT
# -o OUT.shards/shard-<I>` (its own folder, ledger in .prep-shard/); the merge job starts only when
# every task succeeded (afterok) and writes OUT byte for byte as one unsharded run would.
# ROOT and OUT must be on a file system every node sees. Extra prep options go in PREP_ARGS
# (e.g. PREP_ARGS="--task det recog --to mmocr1"); they must be the same for every shard, which
# prep merge checks.
set -euo pipefail

: "${DATASET:?set DATASET (a prep zoo name, e.g. icdar2015)}"
: "${ROOT:?set ROOT (the raw dataset folder)}"
: "${OUT:?set OUT (where the merged outputs go)}"
N="${N:-8}"
CPUS="${CPUS:-4}"
PREP="${PREP:-prep}"
PREP_ARGS="${PREP_ARGS:-}"
SHARDS="$OUT.shards"
mkdir -p "$SHARDS/logs"

# One task per shard; each uses its CPUS cores (--nproc).
array_job=$(sbatch --parsable \
    --job-name="prep-$DATASET" \
    --array="0-$((N - 1))" \
    --cpus-per-task="$CPUS" \
    --output="$SHARDS/logs/shard-%a.log" \
    --wrap="$PREP $DATASET '$ROOT' $PREP_ARGS --nproc $CPUS --quiet \
            --shard-from-env SLURM_ARRAY_TASK_ID,SLURM_ARRAY_TASK_COUNT \
            -o '$SHARDS'/shard-\$SLURM_ARRAY_TASK_ID \
            --report '$SHARDS'/logs/shard-\$SLURM_ARRAY_TASK_ID.json")

# The merge: streamed, one core, memory flat in the number of records.
merge_job=$(sbatch --parsable \
    --job-name="prep-$DATASET-merge" \
    --dependency="afterok:$array_job" \
    --cpus-per-task=1 \
    --output="$SHARDS/logs/merge.log" \
    --wrap="$PREP merge '$OUT' '$SHARDS'/shard-* --report '$SHARDS'/logs/merge.json")

echo "submitted array job $array_job ($N shards) and merge job $merge_job"
echo "when it is done: $OUT (the shard folders in $SHARDS can then be removed)"
