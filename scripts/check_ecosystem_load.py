#!/usr/bin/env python
"""Loads prep's `--to doctr|hf|easyocr|tesstrain` outputs with the real libraries, sample by sample.

Not run in CI. Needs a venv with python-doctr (0.8.1 works with torch 2.0), `datasets` and
pandas, e.g. /work/venvs/ecosystem (see the README's "Checked with the real loaders"):

    /work/venvs/ecosystem/bin/python scripts/check_ecosystem_load.py OUT

OUT is the output folder of a dataset command (or of several: every format folder found is
checked). For each split folder it prints `<loader> <folder>: loaded N / expected M` (M = the
entries of the label file) and exits 1 on any failure:
- docTR `DetectionDataset` (`doctr/<split>`: images/ + labels.json), `OCRDataset`
  (`ocr_labels.json`), `RecognitionDataset` (`doctr_rec/<split>`), every sample fetched (image
  decoded, target built);
- `datasets.load_dataset("imagefolder", data_dir=…)` on `hf_det/` and `hf_rec/` (every row's
  image decoded, its text/objects present);
- EasyOCR's trainer read of `labels.csv` (`pd.read_csv(sep='^([^,]+),', engine='python',
  usecols=['filename', 'words'], keep_default_na=False)`, as `trainer/dataset.py`), each image
  opened with Pillow;
- tesstrain: every `<name>.gt.txt` has its `<name>.png` and one line of text (what
  `make training` pairs; tesstrain itself runs in scripts/check_tesstrain.sh).
EasyOCR's own trainer runs in scripts/check_easyocr_train.py, PaddleOCR's KIE pipeline in
scripts/check_paddle_kie.py.
"""
import glob
import json
import os
import sys
import types

# docTR 0.8.1 imports weasyprint for HTML export only; the datasets do not use it.
if 'weasyprint' not in sys.modules:
    stub = types.ModuleType('weasyprint')
    stub.HTML = None
    sys.modules['weasyprint'] = stub

import load_check


def result(loader, folder, loaded, expected, error=None):
    load_check.result(f'{loader} {folder}', loaded, expected, error)


def check_doctr(out):
    from doctr.datasets import DetectionDataset, OCRDataset, RecognitionDataset
    for split in sorted(glob.glob(os.path.join(out, 'doctr', '*'))):
        for cls, label, kw in ((DetectionDataset, 'labels.json', dict(use_polygons=True)),
                               (OCRDataset, 'ocr_labels.json', {})):
            path = os.path.join(split, label)
            if not os.path.exists(path):
                continue
            want = len(json.load(open(path)))
            n = 0
            try:
                args = dict(label_path=path) if cls is DetectionDataset else dict(label_file=path)
                ds = cls(img_folder=os.path.join(split, 'images'), **args, **kw)
                for i in range(len(ds)):
                    img, target = ds[i]
                    assert img is not None
                    n += 1
                result(cls.__name__, os.path.relpath(path, out), n, want)
            except Exception as e:  # noqa: BLE001
                result(cls.__name__, os.path.relpath(path, out), n, want, f'{type(e).__name__}: {e}')
    for split in sorted(glob.glob(os.path.join(out, 'doctr_rec', '*'))):
        path = os.path.join(split, 'labels.json')
        want = len(json.load(open(path)))
        n = 0
        try:
            ds = RecognitionDataset(img_folder=os.path.join(split, 'images'), labels_path=path)
            for i in range(len(ds)):
                img, text = ds[i]
                assert isinstance(text, str)
                n += 1
            result('RecognitionDataset', os.path.relpath(path, out), n, want)
        except Exception as e:  # noqa: BLE001
            result('RecognitionDataset', os.path.relpath(path, out), n, want, f'{type(e).__name__}: {e}')


def check_hf(out):
    import datasets
    datasets.disable_progress_bars()
    for task in ('hf_det', 'hf_rec'):
        root = os.path.join(out, task)
        if not os.path.isdir(root):
            continue
        want = {}
        for meta in glob.glob(os.path.join(root, '*', 'metadata.jsonl')):
            want[os.path.basename(os.path.dirname(meta))] = sum(1 for line in open(meta) if line.strip())
        try:
            dd = datasets.load_dataset('imagefolder', data_dir=root, cache_dir=os.path.join(out, '.hf-cache'))
        except Exception as e:  # noqa: BLE001
            result('imagefolder', task, 0, sum(want.values()), f'{type(e).__name__}: {e}')
            continue
        names = {'train': 'train', 'validation': 'val', 'test': 'test'}
        for split, ds in dd.items():
            n = 0
            try:
                for row in ds:
                    row['image'].load()
                    assert ('text' in row) if task == 'hf_rec' else ('objects' in row)
                    n += 1
                result('imagefolder', f'{task}[{split}]', n, want.get(names.get(split, split), -1))
            except Exception as e:  # noqa: BLE001
                result('imagefolder', f'{task}[{split}]', n, want.get(names.get(split, split), -1), f'{type(e).__name__}: {e}')


def check_easyocr(out):
    import pandas as pd
    from PIL import Image
    for csv in sorted(glob.glob(os.path.join(out, 'easyocr', '*', 'labels.csv'))):
        folder = os.path.dirname(csv)
        want = sum(1 for line in open(csv, encoding='utf-8') if line.strip()) - 1
        n = 0
        try:
            df = pd.read_csv(csv, sep='^([^,]+),', engine='python', usecols=['filename', 'words'], keep_default_na=False)
            lines = open(csv, encoding='utf-8').read().splitlines()[1:]
            for (name, words), line in zip(df[['filename', 'words']].itertuples(index=False), lines):
                Image.open(os.path.join(folder, name)).load()
                assert f'{name},{words}' == line, (name, words, line)
                n += 1
            result('easyocr labels.csv', os.path.relpath(csv, out), n, want)
        except Exception as e:  # noqa: BLE001
            result('easyocr labels.csv', os.path.relpath(csv, out), n, want, f'{type(e).__name__}: {e}')


def check_tesstrain(out):
    from PIL import Image
    for folder in sorted(glob.glob(os.path.join(out, 'tesstrain', '*'))):
        gts = sorted(glob.glob(os.path.join(folder, '*.gt.txt')))
        n = 0
        try:
            for gt in gts:
                text = open(gt, encoding='utf-8').read()
                assert text.endswith('\n') and '\n' not in text[:-1], gt
                stem = gt[:-len('.gt.txt')]
                image = next(stem + ext for ext in ('.png', '.tif', '.tiff', '.jpg', '.jpeg') if os.path.exists(stem + ext))
                Image.open(image).load()
                n += 1
            result('tesstrain pairs', os.path.relpath(folder, out), n, len(gts))
        except Exception as e:  # noqa: BLE001
            result('tesstrain pairs', os.path.relpath(folder, out), n, len(gts), f'{type(e).__name__}: {e}')


if __name__ == '__main__':
    for out in sys.argv[1:]:
        check_doctr(out)
        check_hf(out)
        check_easyocr(out)
        check_tesstrain(out)
    sys.exit(1 if load_check.failed else 0)
