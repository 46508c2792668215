"""What glmlint knows about services and images: data files with a source for every fact, and queries over them."""
from __future__ import annotations

import os
from typing import Any


def glob_match(name: str, pattern: str) -> bool:
    """`fnmatch.fnmatchcase(name, pattern)`, without compiling a regular expression for the patterns
    the catalogs hold: a literal is compared, a pattern whose only wildcard is `*` is matched piece by
    piece (each `*` any run of characters, `/` included, as fnmatch has it). Every other pattern goes
    to fnmatch. A lone Dockerfile's `FROM` is tried against every image pattern of both catalogs:
    compiling them was ~2.5 ms of a one-file check (issue 12)."""
    if "*" not in pattern and "?" not in pattern and "[" not in pattern:
        return name == pattern
    if "?" in pattern or "[" in pattern:
        import fnmatch

        return fnmatch.fnmatchcase(name, pattern)
    first, *middle, last = pattern.split("*")
    if len(name) < len(first) + len(last) or not name.startswith(first) or not name.endswith(last):
        return False
    pos, end = len(first), len(name) - len(last)
    for piece in middle:  # the leftmost place of each piece leaves the most room for the rest
        pos = name.find(piece, pos, end)
        if pos < 0:
            return False
        pos += len(piece)
    return True


def read_text(name: str) -> str:
    """The text of the package data file `name` (`images.yaml`, ...): read beside this module, which is
    where an installed or editable package keeps it, without importing `importlib.resources` (and
    zipfile) on a one-file check; through `importlib.resources` otherwise (a zipped install)."""
    try:
        with open(os.path.join(os.path.dirname(__file__), name), encoding="utf-8") as fh:
            return fh.read()
    except OSError:
        from importlib import resources

        return resources.files(__name__).joinpath(name).read_text(encoding="utf-8")


def load_yaml(name: str) -> Any:
    """The package data file `name` as data, read with libyaml's loader (ruamel.yaml's C loader when
    ruamel.yaml.clib is installed, as the package declares). YAML is imported only here, when asked."""
    from ruamel.yaml import YAML

    return YAML(typ="safe", pure=False).load(read_text(name))
