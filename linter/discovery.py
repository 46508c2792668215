"""Which files a scan reads: paths as given, directories walked.

Walking skips `.git`, `node_modules`, virtualenvs and caches, and whatever the
repository's `.gitignore` files ignore. Files named on the command line (as
pre-commit passes them) are scanned whatever their ignore status.
"""
from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from glmlint.parsers import detect

SKIP_DIRS = {".git", ".hg", ".svn", "node_modules", "__pycache__", ".venv", "venv", ".tox", ".nox",
             ".mypy_cache", ".pytest_cache", ".ruff_cache", ".eggs", "site-packages", ".terraform"}


@dataclass(frozen=True, slots=True)
class Candidate:
    path: str  # on disk
    display: str  # as reported
    hint: str  # detect() result
    explicit: bool  # named on the command line


def _display(path: str, root: str) -> str:
    try:
        rel = os.path.relpath(path, root)
    except ValueError:  # another drive on Windows
        return path
    outside = rel == os.pardir or rel.startswith(os.pardir + os.sep)
    return path if outside else rel.replace(os.sep, "/")


def discover(paths: list[str], root: str | None = None,
             stdin_filename: str | None = None) -> Iterator[Candidate | tuple[str, str]]:
    """Candidates in a stable order; `(path, message)` for paths that do not exist.

    `-` stands for standard input, reported as `stdin_filename` (whose name picks
    the format; without one, the content does)."""
    root = os.path.abspath(root or os.getcwd())
    for given in paths:
        if given == "-":
            name = stdin_filename or "-"
            hint = (detect(os.path.basename(name), name.replace(os.sep, "/")) if stdin_filename else None)
            yield Candidate("-", name, hint or "yaml-maybe", True)
        elif os.path.isdir(given):
            yield from _walk(given, root)
        elif os.path.isfile(given):
            hint = detect(os.path.basename(given), given.replace(os.sep, "/")) or "yaml-maybe"
            yield Candidate(given, _display(os.path.abspath(given), root), hint, True)
        else:
            yield (given, "no such file or directory")


def _walk(top: str, root: str) -> Iterator[Candidate]:
    ignores: list[tuple[str, Any]] = []  # (directory, compiled spec)
    for dirpath, dirnames, filenames in os.walk(top):
        spec = _gitignore(dirpath)
        if spec is not None:
            ignores.append((dirpath, spec))
        active = [(d, s) for d, s in ignores if dirpath == d or dirpath.startswith(d + os.sep)]
        kept = []
        for d in sorted(dirnames):
            full = os.path.join(dirpath, d)
            if d in SKIP_DIRS or os.path.exists(os.path.join(full, "pyvenv.cfg")):
                continue
            if _ignored(full, True, active):
                continue
            kept.append(d)
        dirnames[:] = kept
        # paths relative to `top` and as displayed, once per directory (relpath per file was 5% of a scan)
        rel_dir = os.path.relpath(dirpath, top).replace(os.sep, "/")
        abs_dir = os.path.abspath(dirpath)
        shown_dir = _display(abs_dir, root)
        for name in sorted(filenames):
            hint = detect(name, name if rel_dir == "." else f"{rel_dir}/{name}")
            if hint is None:
                continue
            full = os.path.join(dirpath, name)
            if active and _ignored(full, False, active):
                continue
            if shown_dir == ".":
                shown = name
            elif shown_dir == abs_dir:  # outside the root: shown as an absolute path
                shown = os.path.join(abs_dir, name)
            else:
                shown = f"{shown_dir}/{name}"
            yield Candidate(full, shown, hint, False)


def _gitignore(directory: str) -> Any:
    path = os.path.join(directory, ".gitignore")
    if not os.path.isfile(path):
        return None
    import pathspec

    try:
        with open(path, encoding="utf-8", errors="replace") as fh:
            return pathspec.GitIgnoreSpec.from_lines(fh)
    except OSError:
        return None


def _ignored(full: str, is_dir: bool, active: list[tuple[str, Any]]) -> bool:
    ignored = False
    for base, spec in active:
        rel = os.path.relpath(full, base).replace(os.sep, "/") + ("/" if is_dir else "")
        result = spec.check_file(rel)
        if result.include is not None:
            ignored = bool(result.include)
    return ignored
