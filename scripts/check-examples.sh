#!/usr/bin/env bash
# Checks examples/ (run by scripts/test.sh):
# - the Kubernetes manifest against the Kubernetes API schemas with kubernetes-validate (PyPI,
#   installed once into a venv outside the repository, $PREP_EXAMPLES_VENV);
# - both examples run as they are, locally, on fixtures/icdar2015-toy: the Slurm script with a
#   stand-in `sbatch` that runs every array task and then the merge job; the Indexed Job's two
#   container commands with JOB_COMPLETION_INDEX = 0 … completions-1. Each merge must equal the
#   unsharded run byte for byte.
set -euo pipefail
cd "$(dirname "$0")/.."
REPO=$PWD
PREP=${PREP:-$REPO/.build/debug/prep}
VENV=${PREP_EXAMPLES_VENV:-$HOME/.cache/prep-examples-venv}
MANIFEST=examples/kubernetes/prep-indexed-job.yaml

if [ ! -x "$VENV/bin/kubernetes-validate" ]; then
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install --quiet kubernetes-validate==1.37.0
fi
"$VENV/bin/kubernetes-validate" --strict --quiet "$MANIFEST"
echo "examples: $MANIFEST passes kubernetes-validate --strict"

T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
# icdar2015's default splits are training and test: the toy's test split serves as both.
RAW="$T/raw/icdar2015"
mkdir -p "$RAW/imgs" "$RAW/annotations" "$T/bin"
for split in training test; do
    cp -r fixtures/icdar2015-toy/imgs/test "$RAW/imgs/$split"
    cp -r fixtures/icdar2015-toy/annotations/test "$RAW/annotations/$split"
done
ln -s "$PREP" "$T/bin/prep"

# Slurm: sbatch runs the array's tasks one after the other, then the dependent merge.
cat > "$T/bin/sbatch" <<'SB'
#!/usr/bin/env bash
array="" wrap=""
for a in "$@"; do
    case $a in --array=*) array=${a#--array=} ;; --wrap=*) wrap=${a#--wrap=} ;; esac
done
if [ -n "$array" ]; then
    n=$(( ${array#0-} + 1 ))
    for ((i = 0; i < n; i++)); do SLURM_ARRAY_TASK_ID=$i SLURM_ARRAY_TASK_COUNT=$n bash -c "$wrap" >&2; done
else
    bash -c "$wrap" >&2
fi
echo $((RANDOM + 1000))
SB
chmod +x "$T/bin/sbatch"
PATH="$T/bin:$PATH" DATASET=icdar2015 ROOT="$RAW" OUT="$T/slurm/icdar2015" N=3 CPUS=1 \
    bash examples/slurm/prep-shards.sh > /dev/null 2> "$T/slurm.log" || { cat "$T/slurm.log"; exit 1; }
"$PREP" icdar2015 "$RAW" -o "$T/slurm/unsharded" --quiet
diff -r "$T/slurm/unsharded" "$T/slurm/icdar2015"
echo "examples: the Slurm array (3 shards) + merge equals the unsharded run"

# Kubernetes: the manifest's commands, with /data on a temporary folder.
"$VENV/bin/python" - "$MANIFEST" "$T" > "$T/k8s.sh" <<'PY'
import shlex, sys, yaml
manifest, tmp = sys.argv[1], sys.argv[2]
jobs = {d["metadata"]["name"]: d for d in yaml.safe_load_all(open(manifest)) if d and d["kind"] == "Job"}
shards = next(j for n, j in jobs.items() if j["spec"].get("completionMode") == "Indexed")
merge = next(j for j in jobs.values() if j is not shards)
def script(job):
    c = job["spec"]["template"]["spec"]["containers"][0]
    assert c["command"] == ["sh", "-c"], c["command"]
    return c["args"][0].replace("/data/raw", tmp + "/raw").replace("/data/out", tmp + "/k8s")
for i in range(shards["spec"]["completions"]):
    print(f"JOB_COMPLETION_INDEX={i} sh -c {shlex.quote(script(shards))}")
print(f"sh -c {shlex.quote(script(merge))}")
PY
mkdir -p "$T/k8s"
PATH="$T/bin:$PATH" bash "$T/k8s.sh" > /dev/null
"$PREP" icdar2015 "$RAW" --task det -o "$T/k8s/unsharded" --quiet
diff -r "$T/k8s/unsharded" "$T/k8s/icdar2015"
echo "examples: the Kubernetes Indexed Job (8 shards) + merge equals the unsharded run"
