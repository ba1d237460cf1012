"""The `<what>: loaded N / expected M` lines the scripts/check_*.py loaders print, and their verdict
(`failed` turns True on an error or a count that differs)."""
failed = False


def result(what, loaded, expected, error=None, extra=''):
    global failed
    ok = error is None and loaded == expected
    failed |= not ok
    tail = f'  FAILED: {error}' if error else ('' if ok else '  MISMATCH')
    print(f'{what}: loaded {loaded} / expected {expected}{extra}{tail}')
