"""What glmlint knows about services and images: data files with a source for every fact, and queries over them."""
from __future__ import annotations

import os
from typing import Any


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
