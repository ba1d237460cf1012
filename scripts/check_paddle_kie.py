#!/usr/bin/env python
"""Loads prep's `--task kie --to paddle` output with PaddleOCR's own KIE data pipeline (SER and RE),
sample by sample.

Not run in CI. Needs a venv with (PyPI only): paddlepaddle 2.6 (CPU), paddleocr 2.7.3 (its wheel
carries `ppocr`; `--no-deps` is enough, with opencv, shapely, pyclipper, imgaug, lmdb, PyYAML),
paddlenlp 2.6.1 (`--no-deps`, plus colorlog, colorama, jieba, seqeval, sentencepiece,
huggingface_hub 0.19, datasets 2.14, aiohttp, fastapi), as /work/venvs/ecosys2 has them:

    /work/venvs/ecosys2/bin/python scripts/check_paddle_kie.py OUT [OUT …]

OUT is the output folder of `prep funsd|xfund|wildreceipt ROOT --task kie --to paddle` (it holds
`kie_gt_<split>.txt`, `kie_class_list.txt` and `images/`), used as PaddleOCR's `data_dir`.

For each label file, PaddleOCR's `SimpleDataSet` is built with the transforms of its
`configs/kie/vi_layoutxlm/ser_vi_layoutxlm_xfund_zh.yml` (SER: DecodeImage, VQATokenLabelEncode
with `class_path` = prep's kie_class_list.txt and `order_method: tb-yx`, VQATokenPad,
VQASerTokenChunk, Resize, NormalizeImage, ToCHWImage, KeepKeys) and of
`re_vi_layoutxlm_xfund_zh.yml` (RE: contains_re, VQAReTokenRelation, VQAReTokenChunk,
TensorizeEntitiesRelations), and every line is fetched: `loaded N / expected M` (M = lines),
with the SER token labels that are not O and the RE relations counted. SimpleDataSet logs a
failing line and returns another one at random, so a logged error counts as a failure.
PaddleOCR's RE is made for XFUND: VQAReTokenChunk maps the entity labels HEADER/QUESTION/ANSWER
(a class list with other names, WildReceipt's, is passed as its `entities_labels`, else every
line fails with KeyError) and VQAReTokenRelation keeps only question↔answer links (WildReceipt's
key↔value links give 0 relations: its file trains SER).

What is not PaddleOCR's: `VQATokenLabelEncode` loads the `layoutxlm-base-uncased` tokenizer from
PaddleNLP's hub (a download from bcebos.com, not PyPI). The script trains a small SentencePiece
model on the label files' transcriptions and builds paddlenlp's own `LayoutXLMTokenizer` from it
(the class the hub tokenizer is; only the vocabulary differs), so token ids differ from the real
model's while the reading, box, label and link handling are PaddleOCR's. Exit 1 on any failure.
"""
import glob
import json
import logging
import os
import sys
import tempfile

import aiohttp  # noqa: F401  imported before paddle: after it, aiohttp's zlib import fails here

import load_check
from load_check import result


class ErrorCounter(logging.Handler):
    def __init__(self):
        super().__init__(logging.ERROR)
        self.messages = []

    def emit(self, record):
        self.messages.append(record.getMessage())


def local_tokenizer(texts, work):
    """paddlenlp's LayoutXLMTokenizer over a SentencePiece model trained on `texts` (offline)."""
    import sentencepiece as spm
    from paddlenlp.transformers import LayoutXLMTokenizer
    corpus = os.path.join(work, 'corpus.txt')
    with open(corpus, 'w', encoding='utf-8') as f:
        f.write('\n'.join(texts) + '\n')
    chars = len(set(''.join(texts)))
    prefix = os.path.join(work, 'sentencepiece.bpe')
    spm.SentencePieceTrainer.train(input=corpus, model_prefix=prefix, model_type='bpe',
                                   vocab_size=max(chars + 8, min(400, chars + 200)),
                                   character_coverage=1.0, hard_vocab_limit=False, minloglevel=2)
    return LayoutXLMTokenizer(vocab_file=prefix + '.model')


def transforms(class_path, re, entities_labels=None):
    encode = {'VQATokenLabelEncode': {'contains_re': re, 'algorithm': 'LayoutXLM', 'class_path': class_path,
                                      'use_textline_bbox_info': True, 'order_method': 'tb-yx'}}
    pad = {'VQATokenPad': {'max_seq_len': 512, 'return_attention_mask': True}}
    image = [{'Resize': {'size': [224, 224]}},
             {'NormalizeImage': {'scale': 1, 'mean': [123.675, 116.28, 103.53], 'std': [58.395, 57.12, 57.375], 'order': 'hwc'}},
             {'ToCHWImage': None}]
    decode = {'DecodeImage': {'img_mode': 'RGB', 'channel_first': False}}
    if re:
        chunk = {'max_seq_len': 512}
        if entities_labels:
            chunk['entities_labels'] = entities_labels
        return [decode, encode, pad, {'VQAReTokenRelation': None}, {'VQAReTokenChunk': chunk},
                {'TensorizeEntitiesRelations': None}] + image + \
               [{'KeepKeys': {'keep_keys': ['input_ids', 'bbox', 'attention_mask', 'token_type_ids', 'image', 'entities', 'relations']}}]
    return [decode, encode, pad, {'VQASerTokenChunk': {'max_seq_len': 512}}] + image + \
           [{'KeepKeys': {'keep_keys': ['input_ids', 'bbox', 'attention_mask', 'token_type_ids', 'image', 'labels']}}]


def main():
    import paddleocr
    sys.path.insert(0, os.path.dirname(paddleocr.__file__))
    from paddlenlp.transformers import LayoutXLMTokenizer
    from ppocr.data.simple_dataset import SimpleDataSet

    work = tempfile.mkdtemp(prefix='paddle-kie-check-')
    for out in sys.argv[1:]:
        out = os.path.abspath(out)
        class_path = os.path.join(out, 'kie_class_list.txt')
        labels = sorted(glob.glob(os.path.join(out, 'kie_gt_*.txt')))
        if not labels or not os.path.exists(class_path):
            result(f'{out}', 0, 1, 'no kie_gt_<split>.txt / kie_class_list.txt')
            continue
        texts = []
        for path in labels:
            for line in open(path, encoding='utf-8'):
                if line.strip():
                    texts += [e['transcription'] for e in json.loads(line.rstrip('\n').split('\t', 1)[1]) if e['transcription']]
        tokenizer = local_tokenizer(texts, work)
        # The RE config's VQAReTokenChunk knows HEADER/QUESTION/ANSWER only (its default
        # `entities_labels`); other class lists (WildReceipt's) are passed to it, as a config would.
        classes = [c.strip().upper() for c in open(class_path, encoding='utf-8') if c.strip()]
        entity_classes = [c for c in classes if c not in ('OTHER', 'OTHERS', 'IGNORE')]
        entities_labels = None if set(entity_classes) <= {'HEADER', 'QUESTION', 'ANSWER'} else \
            {c: k for k, c in enumerate(entity_classes)}
        LayoutXLMTokenizer.from_pretrained = classmethod(lambda cls, *a, **k: tokenizer)
        for path in labels:
            want = sum(1 for line in open(path, encoding='utf-8') if line.strip())
            for task in ('SER', 'RE'):
                logger = logging.getLogger(f'kie-{task}-{path}')
                counter = ErrorCounter()
                logger.addHandler(counter)
                logger.propagate = False
                config = {'Global': {}, 'Eval': {
                    'dataset': {'name': 'SimpleDataSet', 'data_dir': out, 'label_file_list': [path],
                                'transforms': transforms(class_path, task == 'RE', entities_labels)},
                    'loader': {'shuffle': False, 'drop_last': False, 'batch_size_per_card': 1, 'num_workers': 0}}}
                n = tagged = relations = 0
                name = f'{task} {os.path.basename(out)}/{os.path.basename(path)}'
                try:
                    ds = SimpleDataSet(config, 'Eval', logger)
                    for i in range(len(ds)):
                        before = len(counter.messages)
                        outs = ds[i]
                        if len(counter.messages) > before:
                            raise RuntimeError(counter.messages[before].splitlines()[-1])
                        if task == 'SER':
                            tagged += int(sum(1 for v in outs[5] if v not in (0, -100)))
                        else:
                            relations += int(outs[6][0][0]) if len(outs[6]) else 0
                        n += 1
                    extra = f' ({tagged} SER tokens not O)' if task == 'SER' else \
                        f' ({relations} RE relations{"; entities_labels from the class list" if entities_labels else ""})'
                    result(name, n, want, extra=extra)
                except Exception as e:  # noqa: BLE001
                    result(name, n, want, f'{type(e).__name__}: {e}')
    return 1 if load_check.failed else 0


if __name__ == '__main__':
    sys.exit(main())
