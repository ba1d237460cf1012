#!/usr/bin/env python3
"""Prints what MMOCR 0.6.3's own AnnFileLoader backends and parsers return for a source, one JSON
line per record (or {"error": ...}), to make golden files for prep's loader tests:

    $PEER/venv/bin/python /work/shared/peer/run.py scripts/loader_golden.py SOURCE lmdb|txt line_json|line_str [KEYS...]

backend.py and parser.py are loaded from the installed mmocr 0.6.3 wheel by file path, with the
registry modules replaced by no-op stand-ins (their package __init__s need torch); run.py installs
the peer's other torch stubs first.
"""
import importlib.util
import json
import sys
import types
import warnings

warnings.simplefilter("ignore")
import mmocr  # noqa: E402

root = mmocr.__path__[0]


class _Reg:
    def register_module(self, *a, **k):
        return lambda c: c


builder = types.ModuleType("mmocr.datasets.builder")
builder.PARSERS = builder.LOADERS = _Reg()
builder.build_parser = lambda cfg: cfg
sys.modules["mmocr.datasets.builder"] = builder
for name in ("mmocr.datasets", "mmocr.datasets.utils"):
    sys.modules.setdefault(name, types.ModuleType(name))


def load(name, path):
    spec = importlib.util.spec_from_file_location(name, path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


backend = load("mmocr.datasets.utils.backend", root + "/datasets/utils/backend.py")
parser = load("mmocr.datasets.utils.parser", root + "/datasets/utils/parser.py")

source, fmt, kind = sys.argv[1:4]
keys = sys.argv[4:] or ["filename", "text"]
data = backend.HardDiskAnnFileBackend(fmt)(source)
p = parser.LineJsonParser(keys=keys) if kind == "line_json" else parser.LineStrParser(keys=keys, keys_idx=list(range(len(keys))))
for i in range(len(data)):
    try:
        print(json.dumps(p.get_item(data, i), ensure_ascii=False))
    except Exception as e:  # noqa: BLE001
        print(json.dumps({"error": type(e).__name__}))
