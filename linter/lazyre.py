"""Regular expressions compiled when first used.

`lazyre.compile(pattern, flags)` stands for `re.compile(pattern, flags)` in a module
that defines patterns it may never use in a run: a `glmlint check Dockerfile` run
imports ~50 of glmlint's patterns and needs about half of them, and compiling the
others was ~20 M instructions (~5 ms) of its start-up (docs/benchmarks.md). The
pattern is compiled at its first method call (`match`, `search`, `sub`, ...) or
attribute read (`pattern`, `groups`, ...); from then on those are the compiled
pattern's own bound methods and values, read from a slot. It is not a `re.Pattern`:
use it through its methods, not with `re.match(p, ...)` or `isinstance`.
"""
from __future__ import annotations

_ATTRIBUTES = ("match", "fullmatch", "search", "sub", "subn", "split", "findall", "finditer", "scanner",
               "pattern", "flags", "groups", "groupindex")


class Pattern:
    __slots__ = ("_source", "_flags", *_ATTRIBUTES)

    def __init__(self, source: str, flags: int = 0) -> None:
        self._source = source
        self._flags = flags

    def __getattr__(self, name: str) -> object:
        if name not in _ATTRIBUTES:
            raise AttributeError(name)
        import re

        compiled = re.compile(self._source, self._flags)
        for attribute in _ATTRIBUTES:
            setattr(self, attribute, getattr(compiled, attribute))
        return getattr(compiled, name)

    def __repr__(self) -> str:
        return f"lazyre.compile({self._source!r}, {self._flags!r})"


def compile(pattern: str, flags: int = 0) -> Pattern:  # noqa: A001  # as re.compile
    """A pattern compiled at its first use (see the module's docstring)."""
    return Pattern(pattern, flags)
