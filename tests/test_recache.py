"""`glmlint.recache`: the regular expressions compiled ahead of time are the ones `re` compiles."""
from __future__ import annotations

import re

import pytest

from glmlint import recache, recodes
from glmlint._recodes import BYTEORDER, CODES, CODESIZE, MAGIC, VERSION

usable = pytest.mark.skipif(not recache._usable(VERSION, MAGIC, CODESIZE, BYTEORDER),
                            reason="the table was made for another Python")


@usable
def test_each_pattern_of_the_table_is_the_one_re_compiles() -> None:
    """A compiled pattern equals another only with the same pattern, flags and engine code; the groups
    and their names are compared too."""
    import _sre

    assert len(CODES) > 100
    for (pattern, flags), (final, code, groups, names) in CODES.items():
        index = dict(names)
        indexgroup = [None] * (groups + 1)
        for name, i in names:
            indexgroup[i] = name
        made = _sre.compile(pattern, final, memoryview(code).cast("I").tolist(), groups, index, tuple(indexgroup))
        re.purge()
        want = re.compile(pattern, flags)
        assert (made, made.groupindex, made.groups, made.flags) == (want, want.groupindex, want.groups, want.flags), \
            pattern
        assert recodes.compiled(pattern, flags) == (final, code, groups, names)


@usable
def test_preloaded_patterns_are_what_re_compile_gives(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(recache, "_PRELOADED", False)
    re.purge()
    recache.preload()
    (pattern, flags), _ = next(iter(CODES.items()))
    got = re.compile(pattern, flags)
    assert got is re._cache[type(pattern), pattern, flags]  # type: ignore[attr-defined]
    re.purge()
    assert got == re.compile(pattern, flags) and got is not re.compile(pattern, flags)
    re.purge()
    recache.preload()  # once per process: nothing again
    assert (type(pattern), pattern, flags) not in re._cache  # type: ignore[attr-defined]


def test_nothing_is_preloaded_on_another_python() -> None:
    assert not recache._usable((2, 7), MAGIC, CODESIZE, BYTEORDER)
    assert not recache._usable(VERSION, MAGIC + 1, CODESIZE, BYTEORDER)
    assert not recache._usable(VERSION, MAGIC, CODESIZE, "big" if BYTEORDER == "little" else "little")


@usable
def test_the_table_holds_the_patterns_glmlint_compiles() -> None:
    """A pattern added or changed on a common path needs `python -m glmlint.recodes` (a stale table
    never changes an answer, only costs start-up): the table is what the generator records, in a
    fresh process (a pattern this one already compiled would not be seen again)."""
    import subprocess
    import sys

    code = "from glmlint import recodes; print('\\n'.join(sorted(map(repr, recodes._recorded()))))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.splitlines() == sorted(map(repr, CODES)), "run `python -m glmlint.recodes`"
