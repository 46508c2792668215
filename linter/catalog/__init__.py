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


# The data files a scan reads through `load_data`, each with a JSON twin generated from it
# (`python -m glmlint.catalog`; services.yaml has its own, `glmlint.catalog.services.compiled`).
COMPILED = ("images.yaml", "purposes.yaml", "standards.yaml", "features.yaml")


def json_twin(name: str) -> str:
    """`images.yaml` -> `images.json`: the generated copy of a data file."""
    return name.rsplit(".", 1)[0] + ".json"


def fingerprint(text: str) -> str:
    """What a JSON twin records of the YAML text it was generated from (its length and CRC-32)."""
    import zlib

    data = text.encode("utf-8", "surrogatepass")
    return f"{len(data)}:{zlib.crc32(data):08x}"


def load_data(name: str) -> Any:
    """The package data file `name` (one of `COMPILED`) as data.

    Read from its JSON twin with the standard library when the twin was generated from the YAML
    as it is now (its recorded `fingerprint`), else from the YAML itself (`load_yaml`): a stale
    or missing twin costs time, never a wrong answer (and `tests/test_catalog.py` fails on it).
    Loading a YAML library is ~10 ms of a one-file check, which reads only these files (issue 12)."""
    text = read_text(name)
    try:
        compiled = read_text(json_twin(name))
    except OSError:
        compiled = ""
    if compiled:
        import json

        try:
            twin = json.loads(compiled)
        except ValueError:
            twin = None
        if isinstance(twin, dict) and twin.get("yaml") == fingerprint(text) and "data" in twin:
            return twin["data"]
    return _parse_yaml(text)


def compile_json(name: str) -> str:
    """The JSON twin of the data file `name`: its data, and the `fingerprint` of its text."""
    import json

    text = read_text(name)
    return json.dumps({"generated-from": name, "yaml": fingerprint(text), "data": _parse_yaml(text)},
                      indent=1, ensure_ascii=False) + "\n"


def load_yaml(name: str) -> Any:
    """The package data file `name` as data, read with libyaml's loader (ruamel.yaml's C loader when
    ruamel.yaml.clib is installed, as the package declares). YAML is imported only here, when asked."""
    return _parse_yaml(read_text(name))


def _parse_yaml(text: str) -> Any:
    from ruamel.yaml import YAML

    return YAML(typ="safe", pure=False).load(text)


def main(argv: list[str] | None = None) -> int:
    """`python -m glmlint.catalog`: regenerate the JSON twin of each data file in `COMPILED`."""
    for name in COMPILED:
        path = os.path.join(os.path.dirname(__file__), json_twin(name))
        with open(path, "w", encoding="utf-8") as fh:
            fh.write(compile_json(name))
        print(f"wrote {path}")
    return 0

