#!/usr/bin/env python3
"""Alternating re-timing for bench/shard_bench.sh's noisy single samples (run that first: it
makes the inputs and this build's N=4 shards under bench/work/shard).

  python3 bench/shard_alternate.py shards pages|lmdb [ROUNDS]
      the unsharded run, every shard of N = 2 and 4, and --shard 0/100, in turn each round;
      CPU medians, largest shard ÷ (1/N), fixed cost (0/100 − 1/100) ÷ unsharded.
  PREP_BEFORE=/path/to/old/prep python3 bench/shard_alternate.py merge [ROUNDS]
      the N=4 pages merge: the old binary on its own shards (made once, in bench/work/shard/
      old-pages-n4), this build on bench/work/shard/out-pages/n4, a `cat` of the shards' files,
      and the unsharded run, in turn each round; CPU medians and ÷ unsharded.

CPU = user + sys of the child (getrusage), to the microsecond."""
import glob, os, resource, shutil, statistics, subprocess, sys, tempfile, time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
W = os.path.join(REPO, 'bench/work/shard')
PREP = subprocess.run(['swift', 'build', '-c', 'release', '--show-bin-path'], cwd=REPO, check=True,
                      capture_output=True, text=True).stdout.strip() + '/prep'
OUT = tempfile.mkdtemp(prefix='shard-alt-')


def task(prep, name, out, extra):
    if name == 'pages':
        return [prep, 'icdar2015', W + '/pages-20000', '--split-list', 'training', '--task', 'det', '--nproc', '1', '-q', '-o', out] + extra
    if name == 'lmdb':
        return [prep, 'lmdb', W + '/rec-20000/label.txt', out + '/train.lmdb', '-i', W + '/rec-20000/imgs', '--nproc', '1', '-q'] + extra
    sys.exit('task: pages or lmdb')


def run(cmd, shell=False):
    shutil.rmtree(OUT, ignore_errors=True)
    r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    subprocess.run(cmd, check=True, shell=shell, stdout=subprocess.DEVNULL)
    t = time.perf_counter() - t
    r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    return t, (r1.ru_utime - r0.ru_utime) + (r1.ru_stime - r0.ru_stime), r1.ru_utime - r0.ru_utime


def shards(name, rounds):
    keys = [('un', [])] + [('%d/%d' % (i, n), ['--shard', '%d/%d' % (i, n)]) for n in (2, 4) for i in range(n)]
    keys.append(('0/100', ['--shard', '0/100']))
    cpu = {k: [] for k, _ in keys}
    for _ in range(rounds):
        for k, extra in keys:
            cpu[k].append(run(task(PREP, name, OUT, extra))[1])
    m = {k: statistics.median(v) for k, v in cpu.items()}
    un = m['un']
    print('%s: unsharded %.1f ms CPU (%d rounds)' % (name, un * 1e3, rounds))
    for n in (2, 4):
        s = [m['%d/%d' % (i, n)] for i in range(n)]
        print('  N=%d shards %s ms; largest / (1/N) = %.2f' % (n, ' '.join('%.1f' % (x * 1e3) for x in s), max(s) / (un / n)))
    print('  --shard 0/100 %.1f ms; fixed cost (0/100 - 1/100) = %.1f %% of unsharded' % (m['0/100'] * 1e3, 100 * (m['0/100'] - un / 100) / un))


def merge(rounds):
    old = os.environ.get('PREP_BEFORE') or sys.exit('merge: set PREP_BEFORE to the old binary')
    old_dirs = [W + '/old-pages-n4/s%d' % i for i in range(4)]
    if not all(os.path.isdir(d) for d in old_dirs):
        for i, d in enumerate(old_dirs):
            shutil.rmtree(d, ignore_errors=True)
            subprocess.run(task(old, 'pages', d, ['--shard', '%d/4' % i]), check=True)
    new_dirs = [W + '/out-pages/n4/s%d' % i for i in range(4)]
    files = sorted(glob.glob(W + '/out-pages/n4/s*/instances_training.json'))
    steps = {
        'old merge': lambda: run([old, 'merge', OUT] + old_dirs + ['-q']),
        'this merge': lambda: run([PREP, 'merge', OUT] + new_dirs + ['-q']),
        'cat': lambda: run('cat %s > %s.cat' % (' '.join(files), OUT), shell=True),
        'unsharded': lambda: run(task(PREP, 'pages', OUT, [])),
    }
    res = {k: [] for k in steps}
    for _ in range(rounds):
        for k, f in steps.items():
            res[k].append(f())
    os.remove(OUT + '.cat')
    med = lambda k, i: statistics.median(x[i] for x in res[k])
    un = med('unsharded', 1)
    for k in steps:
        print('%-10s wall %6.1f ms  cpu %6.1f ms (user %5.1f)  cpu / unsharded %5.1f %%' % (k, med(k, 0) * 1e3, med(k, 1) * 1e3, med(k, 2) * 1e3, 100 * med(k, 1) / un))


if __name__ == '__main__':
    if len(sys.argv) < 2 or sys.argv[1] not in ('shards', 'merge'):
        sys.exit(__doc__)
    if sys.argv[1] == 'shards':
        shards(sys.argv[2] if len(sys.argv) > 2 else 'pages', int(sys.argv[3]) if len(sys.argv) > 3 else 5)
    else:
        merge(int(sys.argv[2]) if len(sys.argv) > 2 else 11)
    shutil.rmtree(OUT, ignore_errors=True)
