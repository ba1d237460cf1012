#!/usr/bin/env bash
# Scale-out benchmark (issue 18): --shard I/N + prep merge against one unsharded run, on the same
# generated input, in one script run.
#
#   det:  prep synthtext --task det (the reference's synthtext.lmdb) on a gt.mat of DET entries
#         with unique names (fixtures/tools/make_synthtext_fixtures.py make_big … unique, as
#         bench/synthtext_bench.sh: ~8 words each, images are links to four JPEGs; det reads
#         headers only)
#   lmdb: prep lmdb on REC word crops from bench/gen_recog.py (every image decoded to verify it)
#
# For N = 1, 2, 4 shards, each with --nproc 1: every shard is timed alone (its cost, to compare with
# 1/N of the unsharded --nproc 1 run), then all N are run at once (total throughput; only 2 cores
# here, so 4 shards queue), then prep merge is timed (wall and peak RSS). The merge of the
# half-size LMDB input is timed too: peak RSS must not grow with the number of records. Every merge
# is compared byte for byte with the unsharded output.
#
# usage: bash bench/shard_bench.sh [DET] [REC]     (defaults 100000 and 20000; needs ../shared/peer's venv for numpy/scipy/OpenCV)
set -euo pipefail
cd "$(dirname "$0")/.."
DET=${1:-100000}
REC=${2:-20000}
. bench/lib.sh
WORK=bench/work/shard
build_prep
mkdir -p "$WORK"

# Inputs (kept between runs).
[ -f "$WORK/synthtext-u$DET/gt.mat" ] || "$PY" fixtures/tools/make_synthtext_fixtures.py "$WORK/synthtext-u$DET" "$DET" unique
[ -f "$WORK/rec-$REC/imgs/word_$REC.jpg" ] || "$PY" bench/gen_recog.py "$WORK/rec-$REC" "$REC"
HALF=$((REC / 2))
head -n "$HALF" "$WORK/rec-$REC/label.txt" > "$WORK/rec-$REC/label-half.txt"
cat "$WORK/synthtext-u$DET/gt.mat" "$WORK/rec-$REC"/imgs/* > /dev/null  # warm the page cache

T=$WORK/times.txt; : > "$T"
secs() { grep "^$1 " "$T" | tail -1 | awk '{print $2}'; }
rss() { grep "^$1 " "$T" | tail -1 | awk '{printf "%.1f", $3 / 1024}'; }

# command for one task: det|lmdb|lmdb-half OUTDIR [shard args]
task() {
  local what=$1 out=$2; shift 2
  case $what in
    det) "$PREP" synthtext "$WORK/synthtext-u$DET" --task det --nproc 1 -q -o "$out" "$@" ;;
    lmdb) "$PREP" lmdb "$WORK/rec-$REC/label.txt" "$out/train.lmdb" -i "$WORK/rec-$REC/imgs" --nproc 1 -q "$@" ;;
    lmdb-half) "$PREP" lmdb "$WORK/rec-$REC/label-half.txt" "$out/train.lmdb" -i "$WORK/rec-$REC/imgs" --nproc 1 -q "$@" ;;
  esac
}

for what in det lmdb lmdb-half; do
  rm -rf "$WORK/out-$what"; mkdir -p "$WORK/out-$what"
  gnu_time "$T" "$what-unsharded" bash -c "$(declare -f task); PREP=$PREP WORK=$WORK DET=$DET REC=$REC task $what $WORK/out-$what/unsharded"
  for n in 1 2 4; do
    [ "$what" = lmdb-half ] && [ "$n" != 4 ] && continue
    dirs=()
    for ((i = 0; i < n; i++)); do
      d="$WORK/out-$what/n$n/s$i"; dirs+=("$d")
      gnu_time "$T" "$what-n$n-shard$i" bash -c "$(declare -f task); PREP=$PREP WORK=$WORK DET=$DET REC=$REC task $what $d --shard $i/$n"
    done
    # All shards at once: total wall.
    rm -rf "$WORK/out-$what/n$n"
    start=$(date +%s.%N)
    for ((i = 0; i < n; i++)); do
      ( PREP=$PREP WORK=$WORK DET=$DET REC=$REC task "$what" "$WORK/out-$what/n$n/s$i" --shard "$i/$n" ) &
    done
    wait
    echo "$what-n$n-parallel $(echo "$(date +%s.%N) - $start" | bc) 0 0 0" >> "$T"
    gnu_time "$T" "$what-n$n-merge" "$PREP" merge "$WORK/out-$what/n$n/merged" "${dirs[@]}" -q
    diff -r -q "$WORK/out-$what/unsharded" "$WORK/out-$what/n$n/merged" > /dev/null \
      && echo "$what N=$n: merged == unsharded (byte for byte)" || { echo "$what N=$n: merged DIFFERS"; exit 1; }
  done
done

echo
echo "machine: $(nproc) cores, shared with other jobs (load average $(cut -d' ' -f1-3 /proc/loadavg)); DET=$DET pages, REC=$REC crops"
printf '%-5s %-3s %12s %14s %14s %13s %10s %12s\n' task N unsharded_s max_shard_s 'shard/(1/N)' parallel_s merge_s merge_%
for what in det lmdb; do
  u=$(secs "$what-unsharded")
  for n in 1 2 4; do
    mx=0; for ((i = 0; i < n; i++)); do s=$(secs "$what-n$n-shard$i"); mx=$(echo "if ($s > $mx) $s else $mx" | bc); done
    p=$(secs "$what-n$n-parallel"); m=$(secs "$what-n$n-merge")
    printf '%-5s %-3s %12s %14s %13.2fx %13.2f %10s %11.1f%%\n' "$what" "$n" "$u" "$mx" "$(echo "$mx / ($u / $n)" | bc -l)" "$p" "$m" "$(echo "100 * $m / $u" | bc -l)"
  done
done
for what in det lmdb; do
  items=$DET; [ "$what" = lmdb ] && items=$REC
  u=$(secs "$what-unsharded"); p=$(secs "$what-n4-parallel"); m=$(secs "$what-n4-merge")
  printf '%s throughput: unsharded %.0f items/s; 2 shards at once + merge %.0f items/s; 4 shards at once + merge %.0f items/s\n' \
    "$what" "$(echo "$items / $u" | bc -l)" "$(echo "$items / ($(secs "$what-n2-parallel") + $(secs "$what-n2-merge"))" | bc -l)" "$(echo "$items / ($p + $m)" | bc -l)"
done
echo "merge peak RSS: det N=4 $(rss det-n4-merge) MiB; lmdb N=4: $HALF records $(rss lmdb-half-n4-merge) MiB, $REC records $(rss lmdb-n4-merge) MiB"
