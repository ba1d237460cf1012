# Shared setup and helpers of the benchmark scripts. Source it from the repository root (each
# script cds there first); it sets PEER (the reference's install, ../shared/peer/README.md), PY (its
# python), RUNPY (the reference launcher), MEASURE and REPO. `run` takes REPS from the script.
PEER=${PEER:-${XDG_CACHE_HOME:-$HOME/.cache}/prep-peer}
PY=$PEER/venv/bin/python
REPO=$(pwd)
RUNPY=${PEER_RUN:-$REPO/../shared/peer/run.py}
MEASURE=$REPO/bench/measure.py
peer_setup() { bash ../shared/peer/setup.sh >/dev/null; }
build_prep() { # the release build of prep; sets PREP
  swift build -c release --product prep >/dev/null
  PREP=$(swift build -c release --show-bin-path)/prep
}
gnu_time() { # FILE NAME command... → appends "NAME wall_s rss_kb user_s sys_s" to FILE
  local file=$1 name=$2; shift 2
  /usr/bin/time -f "$name %e %M %U %S" -a -o "$file" "$@" >/dev/null 2>"$(dirname "$file")/last.err" || { cat "$(dirname "$file")/last.err"; exit 1; }
}
rusage_time() { # as gnu_time, but user and sys to the microsecond (wait4's rusage; GNU time prints
  # hundredths, too coarse for the 0.1 s processes of bench/shard_bench.sh); peak RSS in KiB
  local file=$1 name=$2; shift 2
  local j; j=$("$PY" "$REPO/bench/measure.py" -- "$@" 2>"$(dirname "$file")/last.err" | tail -1)
  "$PY" -c 'import json, sys; d = json.loads(sys.argv[1]); sys.exit(0 if d["exit"] == 0 else 1)' "$j" || { cat "$(dirname "$file")/last.err"; exit 1; }
  "$PY" -c 'import json, sys; d = json.loads(sys.argv[1]); print(sys.argv[2], d["wall"], round(d["rss_mib"] * 1024), d["user"], d["sys"])' "$j" "$name" >> "$file"
}
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
run() { # command... → "wall rss" medians over REPS runs
  local walls=() rsss=()
  for _ in $(seq "$REPS"); do
    local j; j=$("$PY" "$MEASURE" -- "$@" | tail -1)
    walls+=("$(echo "$j" | "$PY" -c 'import json,sys; print(json.load(sys.stdin)["wall"])')")
    rsss+=("$(echo "$j" | "$PY" -c 'import json,sys; print(json.load(sys.stdin)["rss_mib"])')")
  done
  echo "$(printf '%s\n' "${walls[@]}" | median) $(printf '%s\n' "${rsss[@]}" | median)"
}
run_cpu() { # command... → "wall rss cpu" medians over REPS runs (cpu = user + sys seconds, which a
  # loaded machine disturbs far less than wall time)
  local walls=() rsss=() cpus=()
  for _ in $(seq "$REPS"); do
    local j w r c; j=$("$PY" "$MEASURE" -- "$@" | tail -1)
    read -r w r c < <(echo "$j" | "$PY" -c 'import json,sys; d=json.load(sys.stdin); print(d["wall"], d["rss_mib"], round(d["user"] + d["sys"], 3))')
    walls+=("$w"); rsss+=("$r"); cpus+=("$c")
  done
  echo "$(printf '%s\n' "${walls[@]}" | median) $(printf '%s\n' "${rsss[@]}" | median) $(printf '%s\n' "${cpus[@]}" | median)"
}
