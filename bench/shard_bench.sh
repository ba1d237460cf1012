#!/usr/bin/env bash
# Scale-out benchmark (issue 18): --shard I/N + prep merge against one unsharded run, on the same
# generated input, in one script run.
#
#   det:  prep synthtext --task det (the reference's synthtext.lmdb) on a gt.mat of DET entries
#         with unique names (fixtures/tools/make_synthtext_fixtures.py make_big … unique, as
#         bench/synthtext_bench.sh: ~8 words each, images are links to four JPEGs; det reads
#         headers only)
#   lmdb: prep lmdb on REC word crops from bench/gen_recog.py (every image decoded to verify it)
#   detplain: det on the same entries saved uncompressed (scipy savemat, do_compression=False):
#         shards move the file position past other shards' cells instead of inflating them
#         (not in the default PARTS: 366 MB for 100k entries)
#   pages: prep icdar2015 --task det on PAGES pages in ICDAR 2015 layout (bench/gen_icdar.py: 200
#         distinct 1280x720 JPEGs, the other pages hard links to them with their own annotation
#         files): one file per page, so a shard parses only its own pages
#   validate: prep validate on the pages part's unsharded instances_training.json, --images at the
#   pages' imgs/ (the output folder holds no images: without it every page was image-missing
#   and no image was read, as in the figures before this note) (every page's
#         header read and SHA-256 taken; 200 distinct images, so 19,800 duplicate findings, which
#         the merge finds over the shards' digests); runs after pages. Its report is compared
#         with summary.seconds blanked.
#
# For N = 1, 2, 4 shards, each with --nproc 1: every shard is timed alone (its cost, to compare with
# 1/N of the unsharded --nproc 1 run), then all N are run at once (total throughput; only 2 cores
# here, so 4 shards queue), then prep merge is timed (wall and peak RSS). The merge of the
# half-size LMDB input is timed too: peak RSS must not grow with the number of records. Every merge
# is compared byte for byte with the unsharded output.
#
# PREP_BEFORE=/path/to/an/older/prep also times that binary's merge of the same N=4 shard folders
# right after this build's (written to a scratch folder, not compared: an older merge may write
# another LMDB page layout), so a merge change is measured before/after in one script run.
#
# usage: bash bench/shard_bench.sh [DET] [REC] [PAGES]  (defaults 100000, 20000, 20000; PARTS="det lmdb pages validate" picks, "detplain" adds; needs ../shared/peer's venv for numpy/scipy/OpenCV)
set -euo pipefail
cd "$(dirname "$0")/.."
DET=${1:-100000}
REC=${2:-20000}
PAGES=${3:-20000}
PARTS=${PARTS:-det lmdb pages validate}
. bench/lib.sh
WORK=bench/work/shard
build_prep
mkdir -p "$WORK"

# Inputs (kept between runs).
[ -f "$WORK/synthtext-u$DET/gt.mat" ] || "$PY" fixtures/tools/make_synthtext_fixtures.py "$WORK/synthtext-u$DET" "$DET" unique
if [[ " $PARTS " == *" detplain "* ]] && [ ! -f "$WORK/synthtext-plain$DET/gt.mat" ]; then
  mkdir -p "$WORK/synthtext-plain$DET"
  ln -sfn "../synthtext-u$DET/imgs" "$WORK/synthtext-plain$DET/imgs"
  "$PY" -c "import sys; from scipy.io import loadmat, savemat; m = loadmat(sys.argv[1]); savemat(sys.argv[2], {k: m[k] for k in ('imnames', 'wordBB', 'charBB', 'txt')}, do_compression=False)" \
    "$WORK/synthtext-u$DET/gt.mat" "$WORK/synthtext-plain$DET/gt.mat"
fi
if [ ! -f "$WORK/pages-$PAGES/.done" ]; then
  "$PY" bench/gen_icdar.py "$WORK/gen-200" --images 200
  rm -rf "$WORK/pages-$PAGES"
  "$PY" - "$WORK/gen-200" "$WORK/pages-$PAGES" 200 "$PAGES" <<'PY'
import os, shutil, sys
src, dst, gen, n = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
for d in ("imgs/training", "annotations/training"):
    os.makedirs(os.path.join(dst, d), exist_ok=True)
for i in range(1, n + 1):
    k = (i - 1) % gen + 1
    os.link(f"{src}/imgs/training/img_{k}.jpg", f"{dst}/imgs/training/img_{i}.jpg")
    shutil.copyfile(f"{src}/annotations/training/gt_img_{k}.txt", f"{dst}/annotations/training/gt_img_{i}.txt")
PY
  touch "$WORK/pages-$PAGES/.done"
fi
[ -f "$WORK/rec-$REC/imgs/word_$REC.jpg" ] || "$PY" bench/gen_recog.py "$WORK/rec-$REC" "$REC"
HALF=$((REC / 2))
head -n "$HALF" "$WORK/rec-$REC/label.txt" > "$WORK/rec-$REC/label-half.txt"
find "$WORK/synthtext-u$DET/gt.mat" "$WORK/rec-$REC/imgs" "$WORK/pages-$PAGES/annotations" -type f -exec cat {} + > /dev/null  # warm the page cache

T=$WORK/times.txt; [ -n "${KEEP_TIMES:-}" ] || : > "$T"
calc() { awk "BEGIN { print $* }"; }  # arithmetic on decimals (no bc needed)
secs() { grep "^$1 " "$T" | tail -1 | awk '{print $2}'; }
rss() { grep "^$1 " "$T" | tail -1 | awk '{printf "%.1f", $3 / 1024}'; }

# command for one task: det|lmdb|lmdb-half OUTDIR [shard args]
task() {
  local what=$1 out=$2; shift 2
  case $what in
    det) "$PREP" synthtext "$WORK/synthtext-u$DET" --task det --nproc 1 -q -o "$out" "$@" ;;
    detplain) "$PREP" synthtext "$WORK/synthtext-plain$DET" --task det --nproc 1 -q -o "$out" "$@" ;;
    lmdb) "$PREP" lmdb "$WORK/rec-$REC/label.txt" "$out/train.lmdb" -i "$WORK/rec-$REC/imgs" --nproc 1 -q "$@" ;;
    pages) "$PREP" icdar2015 "$WORK/pages-$PAGES" --split-list training --task det --nproc 1 -q -o "$out" "$@" ;;
    validate) mkdir -p "$out"; "$PREP" validate "training=$WORK/out-pages/unsharded/instances_training.json" --images "$WORK/pages-$PAGES/imgs" --nproc 1 -q \
                $([ $# -gt 0 ] && echo "-o $out" || echo "--report $out/validate.json") "$@" || [ $? = 1 ] ;;
    lmdb-half) "$PREP" lmdb "$WORK/rec-$REC/label-half.txt" "$out/train.lmdb" -i "$WORK/rec-$REC/imgs" --nproc 1 -q "$@" ;;
  esac
}

PARTS_RUN=""
for what in $PARTS; do
  [ "$what" = lmdb ] && PARTS_RUN="$PARTS_RUN lmdb-half"
done
for what in $PARTS ${PARTS_RUN:-}; do
  rm -rf "$WORK/out-$what"; mkdir -p "$WORK/out-$what"
  rusage_time "$T" "$what-unsharded" bash -c "$(declare -f task); PREP=$PREP WORK=$WORK DET=$DET REC=$REC PAGES=$PAGES task $what $WORK/out-$what/unsharded"
  for n in 1 2 4; do
    [ "$what" = lmdb-half ] && [ "$n" != 4 ] && continue
    dirs=()
    for ((i = 0; i < n; i++)); do
      d="$WORK/out-$what/n$n/s$i"; dirs+=("$d")
      rusage_time "$T" "$what-n$n-shard$i" bash -c "$(declare -f task); PREP=$PREP WORK=$WORK DET=$DET REC=$REC PAGES=$PAGES task $what $d --shard $i/$n"
    done
    # All shards at once: total wall.
    rm -rf "$WORK/out-$what/n$n"
    start=$(date +%s.%N)
    for ((i = 0; i < n; i++)); do
      ( PREP=$PREP WORK=$WORK DET=$DET REC=$REC PAGES=$PAGES task "$what" "$WORK/out-$what/n$n/s$i" --shard "$i/$n" ) &
    done
    wait
    echo "$what-n$n-parallel $(calc "$(date +%s.%N) - $start") 0 0 0" >> "$T"
    if [ "$what" = validate ]; then  # exit 1: the checks found errors (as the unsharded run's)
      rusage_time "$T" "$what-n$n-merge" bash -c '"$0" merge "$@" -q || [ $? = 1 ]' "$PREP" "$WORK/out-$what/n$n/merged" "${dirs[@]}"
    else
      rusage_time "$T" "$what-n$n-merge" "$PREP" merge "$WORK/out-$what/n$n/merged" "${dirs[@]}" -q
    fi
    # The floor of a merge that writes every output byte: cat of the shards' output files into one.
    files=(); while IFS= read -r f; do files+=("$f"); done < <(find "${dirs[@]}" -type f -not -path '*/.prep-shard/*' | sort)
    rusage_time "$T" "$what-n$n-cat" bash -c 'cat "$@" > "$0"' "$WORK/out-$what/cat.tmp" "${files[@]}"
    rm -f "$WORK/out-$what/cat.tmp"
    if [ -n "${PREP_BEFORE:-}" ] && [ "$n" = 4 ]; then
      rm -rf "$WORK/out-$what/before-merged"
      rusage_time "$T" "$what-n$n-merge-before" bash -c '"$0" merge "$@" -q || [ $? = 1 ]' "$PREP_BEFORE" "$WORK/out-$what/before-merged" "${dirs[@]}"
      rm -rf "$WORK/out-$what/before-merged"
    fi
    if [ "$what" = validate ]; then  # the report's seconds differ; the rest must not
      for f in unsharded n$n/merged; do sed -E 's/"seconds": [0-9.e-]+/"seconds": 0/' "$WORK/out-$what/$f/validate.json" > "$WORK/out-$what/$f.cmp"; done
      mv "$WORK/out-$what/n$n/merged.cmp" "$WORK/out-$what/n$n/merged/validate.json"; mv "$WORK/out-$what/unsharded.cmp" "$WORK/out-$what/unsharded/validate.json"
    fi
    diff -r -q "$WORK/out-$what/unsharded" "$WORK/out-$what/n$n/merged" > /dev/null \
      && echo "$what N=$n: merged == unsharded (byte for byte)" || { echo "$what N=$n: merged DIFFERS"; exit 1; }
  done
  # What every shard pays whatever N (process start, listing, reading the index): shard 0 of 100.
  [ "$what" = lmdb-half ] || rusage_time "$T" "$what-fixed" bash -c "$(declare -f task); PREP=$PREP WORK=$WORK DET=$DET REC=$REC PAGES=$PAGES task $what $WORK/out-$what/fixed --shard 0/100"
done

for r in 1 2 3 4 5; do rusage_time "$T" "startup-$r" "$PREP" --version; done
[ -z "${PREP_BEFORE:-}" ] || for r in 1 2 3 4 5; do rusage_time "$T" "startup-before-$r" "$PREP_BEFORE" --version; done

echo
echo "machine: $(nproc) cores, shared with other jobs (load average $(cut -d' ' -f1-3 /proc/loadavg)); DET=$DET SynthText entries, REC=$REC crops, PAGES=$PAGES ICDAR pages"
# CPU seconds (user + sys) besides wall: on a shared machine the wall time mostly measures the others' load.
cpu() { grep "^$1 " "$T" | tail -1 | awk '{printf "%.3f", $4 + $5}'; }
printf '%-5s %-3s %9s %9s %11s %9s %9s %10s %9s %9s %9s\n' task N wall_s cpu_s shard_cpu_s 'x(1/N)' par_wall merge_wall merge_cpu 'merge_%cpu' 'cat_%cpu'
for what in det detplain lmdb pages validate; do
  grep -q "^$what-unsharded " "$T" || continue
  u=$(secs "$what-unsharded"); uc=$(cpu "$what-unsharded")
  for n in 1 2 4; do
    mx=0; for ((i = 0; i < n; i++)); do s=$(cpu "$what-n$n-shard$i"); mx=$(calc "($s > $mx) ? $s : $mx"); done
    m=$(secs "$what-n$n-merge"); mc=$(cpu "$what-n$n-merge")
    printf '%-5s %-3s %9s %9s %11s %8.2fx %9.2f %10s %9s %8.1f%% %8.1f%%\n' "$what" "$n" "$u" "$uc" "$mx" "$(calc "$mx / ($uc / $n)")" \
      "$(secs "$what-n$n-parallel")" "$m" "$mc" "$(calc "100 * $mc / $uc")" "$(calc "100 * $(cpu "$what-n$n-cat") / $uc")"
  done
done
for what in det detplain lmdb pages validate; do
  grep -q "^$what-fixed " "$T" || continue
  uc=$(cpu "$what-unsharded"); f=$(calc "$(cpu "$what-fixed") - $uc / 100")
  printf '%s fixed cost per shard (CPU of --shard 0/100 less 1/100 of the unsharded run): %.3f s = %.1f %% of the unsharded run, so a shard of N is at least 1 + N x %.3f of 1/N (N=2: %.2fx, N=4: %.2fx)\n' \
    "$what" "$f" "$(calc "100 * $f / $uc")" "$(calc "$f / $uc")" "$(calc "1 + 2 * $f / $uc")" "$(calc "1 + 4 * $f / $uc")"
done
for what in det detplain lmdb pages validate; do
  grep -q "^$what-unsharded " "$T" || continue
  items=$DET; [ "$what" = lmdb ] && items=$REC; [ "$what" = pages ] || [ "$what" = validate ] && items=$PAGES
  u=$(secs "$what-unsharded"); p=$(secs "$what-n4-parallel"); m=$(secs "$what-n4-merge")
  printf '%s throughput: unsharded %.0f items/s; 2 shards at once + merge %.0f items/s; 4 shards at once + merge %.0f items/s\n' \
    "$what" "$(calc "$items / $u")" "$(calc "$items / ($(secs "$what-n2-parallel") + $(secs "$what-n2-merge"))")" "$(calc "$items / ($p + $m)")"
done
if [ -n "${PREP_BEFORE:-}" ]; then
  for what in det detplain lmdb lmdb-half pages validate; do
    grep -q "^$what-n4-merge-before " "$T" || continue
    printf '%s N=4 merge CPU (wall): this build %s s (%s s), PREP_BEFORE %s s (%s s)\n' "$what" "$(cpu "$what-n4-merge")" "$(secs "$what-n4-merge")" \
      "$(cpu "$what-n4-merge-before")" "$(secs "$what-n4-merge-before")"
  done
fi
startup() { for r in 1 2 3 4 5; do cpu "$1-$r"; echo; done | median; }
echo "process start (prep --version, median of 5 CPU): this build $(startup startup) s${PREP_BEFORE:+, PREP_BEFORE $(startup startup-before) s}"
echo "merge peak RSS: det N=4 $(rss det-n4-merge) MiB; pages N=4 $(rss pages-n4-merge) MiB; validate N=4 $(rss validate-n4-merge) MiB; lmdb N=4: $HALF records $(rss lmdb-half-n4-merge) MiB, $REC records $(rss lmdb-n4-merge) MiB"
