"""Regular expressions compiled ahead of time (issue 12: start-up).

Python's `re` compiles a pattern in Python code: parsing it and writing its code for the
`_sre` engine took ~0.1-1 ms a pattern, and a `glmlint check Dockerfile` compiled ~40 of
them (~18 M instructions, ~8% of the run), the parent of a pooled scan ~60 before it
forks (~7 ms of its serial start), and each pool worker more. `glmlint._recodes` holds
what `re`'s compiler makes of the patterns glmlint compiles on its usual paths (written by
`python -m glmlint.recodes`, on the Python it runs on), and `preload()` puts them in
`re`'s own cache: `re.compile`, `re.match(...)` and `lazyre` then find them compiled.

Only on the Python version and `_sre` engine the table was made for: elsewhere nothing
is preloaded and every pattern is compiled as usual. A pattern the table lacks (added
since it was written) is compiled as usual too, so a stale table costs time, never a
different answer; `tests/test_recache.py` checks that every entry is the pattern
`re.compile` makes (a compiled pattern compares equal to another only with the same
pattern, flags and engine code).
"""
from __future__ import annotations

import sys

_PRELOADED = False


def _usable(version: tuple[int, int], magic: int, codesize: int, byteorder: str) -> bool:
    import _sre

    return (sys.implementation.name == "cpython" and sys.version_info[:2] == version
            and _sre.MAGIC == magic and _sre.CODESIZE == codesize == memoryview(b"").cast("I").itemsize
            and sys.byteorder == byteorder)


def preload() -> None:
    """Put the table's patterns in `re`'s cache (once; nothing on another Python)."""
    global _PRELOADED
    if _PRELOADED:
        return
    _PRELOADED = True
    try:
        from glmlint._recodes import BYTEORDER, CODES, CODESIZE, MAGIC, VERSION
    except ImportError:  # (while `python -m glmlint.recodes` writes it)
        return
    if not _usable(VERSION, MAGIC, CODESIZE, BYTEORDER):
        return
    import re

    import _sre

    cache = re._cache  # type: ignore[attr-defined]
    room = re._MAXCACHE - len(cache)  # type: ignore[attr-defined]  # (never what `re` would evict)
    for (pattern, flags), (final, code, groups, names) in CODES.items():
        if room <= 0:
            break
        key = (type(pattern), pattern, flags)
        if key not in cache:
            index = dict(names)
            indexgroup = [None] * (groups + 1)
            for name, i in names:
                indexgroup[i] = name
            cache[key] = _sre.compile(pattern, final, memoryview(code).cast("I").tolist(), groups, index,
                                      tuple(indexgroup))
            room -= 1
