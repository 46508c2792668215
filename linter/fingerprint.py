"""Stable finding identities for SARIF `partialFingerprints` and the baseline."""
from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Callable, Iterable
from typing import Protocol

# `notebook/Dockerfile:2` in a message names a line of another file; the
# fingerprint must not change when that line moves.
_LINE_REF = re.compile(r"(\S):\d+(?::\d+)?(?=[`'\")\s,;]|$)")


class _Finding(Protocol):
    @property
    def code(self) -> str: ...
    @property
    def path(self) -> str: ...
    @property
    def workload(self) -> str | None: ...
    @property
    def message(self) -> str: ...


def fingerprints(results: Iterable[_Finding], path_of: Callable[[_Finding], str] | None = None) -> list[str]:
    """One id per result: rule, file, workload and message, never the line.

    Results that would share one (the same message twice in one file) get an
    occurrence number in order, so they stay distinct; the first keeps the plain
    hash, so adding a duplicate later does not move it.
    """
    seen: dict[tuple[str, str, str, str], int] = {}
    out = []
    for r in results:
        path = path_of(r) if path_of is not None else r.path
        key = (r.code, path.replace(os.sep, "/"), r.workload or "", _LINE_REF.sub(r"\1", r.message))
        n = seen.get(key, 0)
        seen[key] = n + 1
        text = "\0".join((*key, str(n))) if n else "\0".join(key)
        out.append(hashlib.sha256(text.encode("utf-8")).hexdigest())
    return out
