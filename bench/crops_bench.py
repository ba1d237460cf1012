"""DeText recognition-crop benchmark: prep against the reference (MMOCR 0.6.3
textrecog/detext_converter.py) on the same input, in one run, at --nproc 1 and 2.

Input: bench/gen_detext.py (2000 x 1280x720 JPEG q90, ~20,000 quads, BOM + CRLF gt, every 7th
`###`, a vertical box in every 5th image), generated once into bench/work/detext.
Prints wall time, peak RSS, crops written and crops per second for each tool, the ratios, and
what partial decoding gains (prep with PREP_FULL_DECODE=1 decodes every image fully).
The reference drops the first box of every BOM file, so it writes fewer crops: compare crops/s.

    $PEER/venv/bin/python bench/crops_bench.py [--images 2000] [--nproc 1 2] [--repeat 1]
(build prep first: swift build -c release)
"""
import argparse, os, shutil, statistics, subprocess, sys, time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
PEER = os.environ.get('PEER', os.path.expanduser('~/.cache/prep-peer'))
RUN = os.path.normpath(os.path.join(REPO, '..', 'shared', 'peer', 'run.py'))
REF = os.path.join(PEER, 'mmocr063/tools/data/textrecog/detext_converter.py')


def measure(cmd, cwd, env=None):
    """Wall seconds and peak RSS (MiB) of a command and its children."""
    t0 = time.perf_counter()
    p = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, ru = os.wait4(p.pid, 0)
    wall = time.perf_counter() - t0
    err = p.stderr.read().decode(errors='replace')
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f'failed: {" ".join(cmd)}\n{err[-2000:]}')
    CPU.append((ru.ru_utime, ru.ru_stime))
    return wall, ru.ru_maxrss / 1024


def count_lines(*paths):
    n = 0
    for p in paths:
        if os.path.exists(p):
            with open(p, 'rb') as f:
                n += sum(1 for _ in f)
    return n


TRASH = []
CPU = []  # (user, sys) seconds of each measured run
WORK = ['']


def discard(path):
    """Moves an earlier output aside instead of deleting it: ext4 makes creating files slow
    right after many deletions (inode reuse checks), which would penalise whichever tool runs
    next. The trash is deleted at the end."""
    if os.path.exists(path):
        trash = os.path.join(WORK[0], '.trash', str(len(TRASH)))
        os.makedirs(os.path.dirname(trash), exist_ok=True)
        os.rename(path, trash)
        TRASH.append(trash)


def clean_reference(root):
    for d in ('crops', 'ignores'):
        discard(os.path.join(root, d))
    for f in ('train_label.jsonl', 'val_label.jsonl'):
        if os.path.exists(os.path.join(root, f)):
            os.remove(os.path.join(root, f))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--images', type=int, default=2000)
    ap.add_argument('--nproc', type=int, nargs='+', default=[1, 2])
    ap.add_argument('--repeat', type=int, default=1, help='runs per measurement (median)')
    ap.add_argument('--prep', default=os.path.join(REPO, '.build/release/prep'))
    ap.add_argument('--work', default=os.path.join(HERE, 'work'))
    args = ap.parse_args()

    WORK[0] = args.work
    root = os.path.join(args.work, 'detext')
    marker = os.path.join(root, f'.generated-{args.images}')
    if not os.path.exists(marker):
        shutil.rmtree(root, ignore_errors=True)
        subprocess.run([sys.executable, os.path.join(HERE, 'gen_detext.py'), root, '--images', str(args.images)], check=True)
        open(marker, 'w').close()
    out = os.path.join(args.work, 'prep-out')

    rows = []
    for n in args.nproc:
        runs = {}
        for tool in ('reference', 'prep', 'prep-full-decode'):
            walls, rss, cpu = [], [], []
            for _ in range(args.repeat):
                if tool == 'reference':
                    clean_reference(root)
                    w, r = measure([sys.executable, RUN, REF, 'detext', '--nproc', str(n)], cwd=args.work)
                    crops = count_lines(os.path.join(root, 'train_label.jsonl'), os.path.join(root, 'val_label.jsonl'))
                else:
                    discard(out)
                    env = dict(os.environ)
                    if tool == 'prep-full-decode':
                        env['PREP_FULL_DECODE'] = '1'
                    w, r = measure([args.prep, 'detext', root, '--task', 'recog', '-o', out, '--nproc', str(n), '--quiet'],
                                   cwd=args.work, env=env)
                    crops = count_lines(*(os.path.join(out, f) for f in ('train_label.jsonl', 'val_label.jsonl',
                                                                          'ignores/train_label.jsonl')))
                walls.append(w); rss.append(r); cpu.append(CPU[-1])
            runs[tool] = (statistics.median(walls), max(rss), crops,
                          statistics.median(c[0] for c in cpu), statistics.median(c[1] for c in cpu))
            rows.append((tool, n) + runs[tool])
        ref, prep, full = runs['reference'], runs['prep'], runs['prep-full-decode']
        print(f'nproc {n}: prep {ref[0] / prep[0]:.1f}x faster (wall), {(prep[2] / prep[0]) / (ref[2] / ref[0]):.1f}x the crops/s; '
              f'partial decoding saves {100 * (1 - prep[0] / full[0]):.0f}% of prep\'s wall time ({full[0]:.2f} s -> {prep[0]:.2f} s)',
              flush=True)
    clean_reference(root)
    for t in TRASH:
        shutil.rmtree(t, ignore_errors=True)
    print()
    print('| tool | --nproc | wall s | user s | sys s | peak RSS MiB | crops | crops/s |')
    print('|---|---|---|---|---|---|---|---|')
    for tool, n, w, r, c, u, k in rows:
        print(f'| {tool} | {n} | {w:.2f} | {u:.2f} | {k:.2f} | {r:.0f} | {c} | {c / w:.0f} |')


if __name__ == '__main__':
    main()
