#!/usr/bin/env python
"""Runs EasyOCR's own trainer on prep's `--to easyocr` output: its dataset classes on every sample,
then a few training iterations on CPU.

Not run in CI. Needs:
- EasyOCR's `trainer/` folder, which is not in the PyPI wheel: a checkout of
  https://github.com/JaidedAI/EasyOCR (checked at c4f3cd7, 2024-09-24), passed as --trainer;
- a venv with torch + torchvision (CPU is enough), pandas, natsort, nltk, PyYAML, Pillow, six
  (PyPI; `pip install easyocr pandas natsort nltk` brings them). Here: /work/venvs/ecosys2, which
  reuses the 1.x peer's torch 2.0.1 through a .pth file (see the README's "Checked with the real
  loaders").

    python scripts/check_easyocr_train.py --trainer EasyOCR/trainer OUT [--iters 4]

OUT is the output folder of `prep DATASET … --task recog --to easyocr` (it holds
`easyocr/<split>/labels.csv`), or any folder EasyOCR's `train_data` can be (`prep crops --to
easyocr` output). What runs, all EasyOCR's code unchanged:
1. `dataset.OCRDataset(folder, opt)` on every folder with a labels.csv, with the config's
   character set and filter: every row it keeps fetched (image opened with Pillow, the row read
   back as written), the rows its filter leaves out (characters outside the English set, labels
   over 34 characters) counted — `loaded N / expected M` (M = the lines of labels.csv);
2. `dataset.hierarchical_dataset(root, opt, select_data=[split])`, what `train.py` calls: the
   folders it finds (each folder without sub-folders) and their sample count;
3. `train.train(opt)` with `config_files/en_filtered_config.yaml` (VGG + BiLSTM + CTC, 64×600
   grey), `train_data`/`select_data` the largest split, `valid_data` another split (or the same),
   `num_iter`/`valInterval` = --iters, batch size ≤ 8, one worker. It must run to `end the
   training` and write `best_accuracy.pth`.
One shim, for EasyOCR's own code and not prep's output: `train.py` calls the DataLoader
iterator's `.next()`, which torch removed (1.13+); it is aliased to `__next__`.
Exit 1 on any failure.
"""
import argparse
import glob
import os
import sys
import tempfile

import load_check
from load_check import result


def label_rows(csv):
    with open(csv, encoding='utf-8') as f:
        return [line for line in f.read().splitlines()[1:] if line]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--trainer', required=True, help="EasyOCR's trainer/ folder (from the GitHub repo)")
    ap.add_argument('--iters', type=int, default=4, help='training iterations (validation runs at the last); 0: datasets only')
    ap.add_argument('out', help="prep's output folder")
    args = ap.parse_args()
    trainer = os.path.abspath(args.trainer)
    out = os.path.abspath(args.out)
    root = os.path.join(out, 'easyocr') if os.path.isdir(os.path.join(out, 'easyocr')) else out
    sys.path.insert(0, trainer)

    import torch
    import yaml
    from torch.utils.data import dataloader
    if not hasattr(dataloader._BaseDataLoaderIter, 'next'):
        dataloader._BaseDataLoaderIter.next = dataloader._BaseDataLoaderIter.__next__
    import dataset as easy_dataset
    from utils import AttrDict

    csvs = sorted(glob.glob(os.path.join(root, '**', 'labels.csv'), recursive=True))
    if not csvs:
        print(f'no labels.csv under {root}')
        return 1
    with open(os.path.join(trainer, 'config_files', 'en_filtered_config.yaml'), encoding='utf-8') as f:
        opt = AttrDict(yaml.safe_load(f))
    opt.character = opt.number + opt.symbol + opt.lang_char  # the config's own set, as get_config makes it

    # 1. Every sample through OCRDataset. Its filter (on: `data_filtering_off=True` indexes from 1
    # and fails at the last row, an EasyOCR bug) drops labels with characters outside the config's
    # English set or longer than batch_max_length: counted apart, every other row is fetched.
    sizes = {}
    for csv in csvs:
        folder = os.path.dirname(csv)
        rows = label_rows(csv)
        want = len(rows)
        n = filtered = 0
        try:
            ds = easy_dataset.OCRDataset(folder, opt)
            filtered = want - len(ds)
            sizes[folder] = len(ds)
            for i in range(len(ds)):
                img, label = ds[i]
                img.load()
                k = ds.filtered_index_list[i]
                assert rows[k] == f'{ds.df.at[k, "filename"]},{label}', (rows[k], label)
                n += 1
            note = f' (fetched {n}; {filtered} left out by its filter: characters outside the config\'s set, or too long)' if filtered else ''
            result(f'OCRDataset {os.path.relpath(folder, out)}{note}', n + filtered, want)
        except Exception as e:  # noqa: BLE001
            result(f'OCRDataset {os.path.relpath(folder, out)}', n + filtered, want, f'{type(e).__name__}: {e}')

    # 2. hierarchical_dataset, as train.py reaches the folders.
    for folder, want in sizes.items():
        rel = os.path.relpath(folder, root)
        try:
            ds, _ = easy_dataset.hierarchical_dataset(root=root, opt=opt, select_data=[rel])
            result(f'hierarchical_dataset select_data={rel}', len(ds), want)
        except Exception as e:  # noqa: BLE001
            result(f'hierarchical_dataset select_data={rel}', 0, want, f'{type(e).__name__}: {e}')
    if load_check.failed or not any(sizes.values()):
        return 1
    if args.iters == 0:
        return 0

    # 3. A few iterations of the real training loop.
    ordered = sorted(sizes, key=lambda k: -sizes[k])
    train_dir = ordered[0]
    valid_dir = ordered[1] if len(ordered) > 1 else ordered[0]
    opt.train_data = root
    opt.select_data = os.path.relpath(train_dir, root)
    opt.valid_data = valid_dir
    opt.batch_ratio = '1'
    opt.num_iter = args.iters
    opt.valInterval = args.iters
    opt.batch_size = min(8, sizes[train_dir])
    opt.workers = 1  # train.py passes prefetch_factor, which needs a worker process
    opt.experiment_name = 'prep_check'
    import train as easy_train
    work = tempfile.mkdtemp(prefix='easyocr-check-')
    os.chdir(work)
    os.makedirs(f'./saved_models/{opt.experiment_name}', exist_ok=True)
    torch.manual_seed(0)
    print(f'training: train_data={root} select_data={opt.select_data} ({sizes[train_dir]} samples), '
          f'valid_data={os.path.relpath(valid_dir, root)} ({sizes[valid_dir]}), {len(opt.character)} characters, {args.iters} iterations')
    ended = False
    try:
        easy_train.train(opt, show_number=1, amp=False)
    except SystemExit:
        ended = True  # train() ends with sys.exit() after num_iter
    except Exception as e:  # noqa: BLE001
        result('train.train', 0, 1, f'{type(e).__name__}: {e}')
        return 1
    model = os.path.join(work, 'saved_models', opt.experiment_name, 'best_accuracy.pth')
    log = os.path.join(work, 'saved_models', opt.experiment_name, 'log_train.txt')
    losses = [line.strip() for line in open(log, encoding='utf-8') if 'Train loss' in line] if os.path.exists(log) else []
    ok = ended and os.path.exists(model) and losses
    print(f'train.train: {"ended after " + str(args.iters) + " iterations" if ended else "did not end"}; '
          f'{losses[-1] if losses else "no loss logged"}; best_accuracy.pth {"written" if os.path.exists(model) else "missing"} ({work})')
    if not ok:
        return 1
    return 1 if load_check.failed else 0


if __name__ == '__main__':
    sys.exit(main())
