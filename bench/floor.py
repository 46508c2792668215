"""The floor: read every file under PATHS and run libyaml's event parser over the YAML ones.

No linter can scan a tree faster than it can read it, and glmlint parses YAML
with this same C parser, so this is the limit whole-tree times are compared
with. One process, one core. Prints `{"files": n, "bytes": n, "yaml": n}`.

    python bench/floor.py PATH...
"""
from __future__ import annotations

import json
import os
import sys


def main(paths: list[str]) -> None:
    from ruamel.yaml.cyaml import CParser
    from ruamel.yaml.error import YAMLError

    files = size = yaml = 0
    for top in paths:
        for dirpath, _dirnames, filenames in os.walk(top):
            for name in filenames:
                try:
                    with open(os.path.join(dirpath, name), "rb") as fh:
                        data = fh.read()
                except OSError:
                    continue
                files += 1
                size += len(data)
                if not name.lower().endswith((".yaml", ".yml")):
                    continue
                yaml += 1
                parser = CParser(data)
                try:
                    while parser.check_event():
                        parser.get_event()
                except YAMLError:
                    pass  # invalid YAML costs what was parsed up to the error
                finally:
                    parser.dispose()
    print(json.dumps({"files": files, "bytes": size, "yaml": yaml}))


if __name__ == "__main__":
    main(sys.argv[1:] or ["."])
