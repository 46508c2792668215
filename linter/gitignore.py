"""`.gitignore` files, read as git reads them (pathspec's `GitIgnoreSpec`).

Discovery uses them to leave out what a repository ignores; the compose parser to tell an env
file kept out of the repository (where secrets belong) from a committed one.
"""
from __future__ import annotations

import os
from typing import Any


def spec(directory: str) -> Any:
    """The `.gitignore` of `directory`, or None when it has none (or it cannot be read)."""
    path = os.path.join(directory, ".gitignore")
    if not os.path.isfile(path):
        return None
    import pathspec

    try:
        with open(path, encoding="utf-8", errors="replace") as fh:
            lines = list(fh)
    except OSError:
        return None
    try:
        return pathspec.GitIgnoreSpec.from_lines(lines)
    except ValueError:
        # a pattern git reads as one that never matches (`env\` with its backslash escaping nothing,
        # git 2.39 `check-ignore`) is refused by pathspec; git goes on with the other lines
        return pathspec.GitIgnoreSpec.from_lines(line for line in lines if _compiles(pathspec, line))


def _compiles(pathspec: Any, line: str) -> bool:
    """Whether pathspec compiles `line` as a `.gitignore` pattern."""
    try:
        pathspec.GitIgnoreSpec.from_lines([line])
    except ValueError:
        return False
    return True


def ignored(full: str, is_dir: bool, active: list[tuple[str, Any]]) -> bool:
    """Whether the `.gitignore`s in `active` ((directory, spec), outermost first) ignore `full`:
    the deepest one that decides wins, as git reads them."""
    out = False
    for base, one in active:
        under = os.path.join(base, "")
        rel = full[len(under):]
        # a path below `base` with nothing to normalize (no `.`, `..` or empty part), as the walk finds
        # them: what `relpath` gives, without normalizing both paths again
        if not full.startswith(under) or (os.sep + ".") in (os.sep + rel) or (os.sep * 2) in rel:
            rel = os.path.relpath(full, base)
        rel = rel.replace(os.sep, "/") + ("/" if is_dir else "")
        result = one.check_file(rel)
        if result.include is not None:
            out = bool(result.include)
    return out
