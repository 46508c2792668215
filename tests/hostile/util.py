"""Run `glmlint check` on generated hostile trees and hold it to the bad-input contract."""
from __future__ import annotations

import os
from pathlib import Path

from glmlint.cli import main

GOOD_DOCKERFILE = "FROM python:3.12\nRUN pip install torch\n"  # one GLM001 finding: proof the scan went on


def make(root: Path, files: dict[str, str | bytes]) -> None:
    for name, content in files.items():
        p = root / name
        p.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            p.write_bytes(content)
        else:
            p.write_bytes(content.encode("utf-8"))


def check(root: Path, capsys, *args: str) -> tuple[int, str, list[str]]:
    """Exit status, standard output and standard error lines of `glmlint check` run in `root`."""
    cwd = os.getcwd()
    os.chdir(root)
    try:
        try:
            main(["check", *args] if args else ["check", "."])
            code = 0
        except SystemExit as exc:
            code = int(exc.code or 0)
    finally:
        os.chdir(cwd)
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    assert "internal error" not in err
    return code, out, err.splitlines()


def line_for(err: list[str], path: str) -> str:
    """The one standard-error line about `path`."""
    mine = [line for line in err if line.startswith(path + ":")]
    assert len(mine) == 1, (path, err)
    return mine[0]
