"""What every parser shares: the errors a parse raises and how a file's text is read and split.

A leaf module: the format parsers import it, and the package's `__init__`
(format detection and dispatch, which imports the parsers) re-exports it, so
that nothing in `glmlint.parsers` imports back up into the package.
"""
from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Iterator
from typing import Any

from glmlint import lazyre

# a compose file's name (`compose.yaml`, `docker-compose.gpu.yml`, `compose-dev.yaml`): format detection's,
# and what `glmlint.buildcontexts` reads a build's `additional_contexts` from
COMPOSE_NAME = lazyre.compile(r"^(?:docker-)?compose(?:[._-].*)?\.ya?ml$", re.I)


# what a parse may keep for the next ones while a scan runs (`runner.scan`, which takes the files on disk
# as unchanged until it ends; its workers inherit it), by name; None outside a scan: a parse of its
# own reads the disk afresh
_SCAN_MEMOS: dict[str, dict[Any, Any]] | None = None


def scan_memo(name: str) -> dict[Any, Any] | None:
    """The scan's memo `name` (empty at first), None when no scan runs."""
    memos = _SCAN_MEMOS
    return None if memos is None else memos.setdefault(name, {})


@contextlib.contextmanager
def scanning(paths: list[str] | None = None) -> Iterator[None]:
    """The memos of one scan (`scan_memo`): empty when it starts, dropped when it ends; with the scan's `paths`
    (`within_scan`: `-`, standard input, is none)."""
    global _SCAN_MEMOS
    was, _SCAN_MEMOS = _SCAN_MEMOS, {}
    if paths is not None:
        _SCAN_MEMOS[""] = {"roots": tuple(dict.fromkeys(
            p if os.path.isdir(p) else _tree_of(p) for p in (os.path.abspath(q) for q in paths if q != "-")))}
    try:
        yield
    finally:
        _SCAN_MEMOS = was


def _tree_of(path: str) -> str:
    """The tree a file given alone belongs to: its repository (`context.repo_relative`: the nearest directory above
    it holding `.git`), else its own directory."""
    from glmlint.context import repo_relative

    rel = repo_relative(path)
    if rel is None or rel.startswith(".."):
        return os.path.dirname(path)
    return path[:len(path) - len(rel)].rstrip(os.sep) or os.sep


def within_scan(path: str) -> bool:
    """Whether `path` (absolute) lies in the tree the running scan reads (`scanning`'s `roots`: a directory it was
    given, or the directory of a file it was given), so that what a file's parse follows to another (a Secret's
    readers beside it, a script's `kubectl apply -f PATH`) is a file of the repository, never one that only the
    linting machine holds (another checkout beside it, its /tmp); True outside a scan, or when none is known. A file
    given alone stands for its tree (`_tree_of`)."""
    roots = _SCAN_MEMOS.get("", {}).get("roots") if _SCAN_MEMOS is not None else None
    if not roots:  # (no scan, or one of standard input alone)
        return True
    return any(path == r or path.startswith(r.rstrip(os.sep) + os.sep) for r in roots)


class ParseError(Exception):
    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line


class Skip(Exception):
    """The file is not for glmlint (a template, another YAML dialect): maybe with a notice."""


def split_lines(text: str) -> list[str]:
    """Lines as BuildKit, git and the fix engine count them: split at `\n` only, a trailing CR dropped.

    `str.splitlines` also splits at form feeds, NEL and U+2028, which would shift
    every later line number and, in a Dockerfile, invent instructions BuildKit never sees.
    """
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    if "\r" not in text:
        return lines
    return [line[:-1] if line.endswith("\r") else line for line in lines]


def decode(data: bytes) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    if b"\x00" in data[:8192]:
        raise UnicodeDecodeError("utf-8", data[:1], 0, 1, "binary file")
    return data.decode("utf-8")
