# Shared helpers for the benchmark scripts (source it after setting PY, MEASURE and REPS).
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
