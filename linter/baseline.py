"""A baseline: today's findings, recorded so that a scan reports only new ones.

    glmlint check --write-baseline .glmlint-baseline.json .
    glmlint check --baseline .glmlint-baseline.json .

Findings are matched by fingerprint (rule, file, workload, message: never the
line), so edits that move a finding keep it baselined. Paths are stored
relative to the baseline file, so the scan may run from any directory.
"""
from __future__ import annotations

import json
import os
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from glmlint.fingerprint import fingerprints

if TYPE_CHECKING:
    from glmlint.runner import Result

FORMAT_VERSION = 1


class BaselineError(Exception):
    pass


def _relative_to(baseline_path: str, root: str) -> Callable[[Result], str]:
    base = os.path.dirname(os.path.abspath(baseline_path))

    def path_of(result: Result) -> str:
        full = result.path if os.path.isabs(result.path) else os.path.join(root, result.path)
        return os.path.relpath(full, base).replace(os.sep, "/")

    return path_of


def write(path: str, results: Sequence[Result], root: str) -> int:
    """Record `results` in `path`; returns how many."""
    path_of = _relative_to(path, root)
    entries = [{"fingerprint": fp, "code": r.code, "path": path_of(r), "message": r.message}
               for r, fp in zip(results, fingerprints(results, path_of))]
    entries.sort(key=lambda e: (e["path"], e["code"], e["fingerprint"]))
    data = {"tool": "glmlint", "version": FORMAT_VERSION, "findings": entries}
    with open(path, "w", encoding="utf-8", newline="\n") as fh:
        json.dump(data, fh, indent=2)
        fh.write("\n")
    return len(entries)


def read(path: str) -> set[str]:
    try:
        with open(path, encoding="utf-8") as fh:
            data = json.load(fh)
    except OSError as exc:
        raise BaselineError(f"{path}: cannot read the baseline: {exc.strerror or exc}") from None
    except ValueError as exc:
        raise BaselineError(f"{path}: not a glmlint baseline: {exc}") from None
    if not isinstance(data, dict) or data.get("tool") != "glmlint" or not isinstance(data.get("findings"), list):
        raise BaselineError(f"{path}: not a glmlint baseline (write one with `--write-baseline`)")
    if data.get("version") != FORMAT_VERSION:
        raise BaselineError(f"{path}: baseline format version {data.get('version')!r} is not {FORMAT_VERSION}")
    return {e["fingerprint"] for e in data["findings"] if isinstance(e, dict) and "fingerprint" in e}


def new_only(results: list[Result], path: str, known: set[str], root: str) -> list[Result]:
    """The results whose fingerprint the baseline does not hold."""
    fps = fingerprints(results, _relative_to(path, root))
    return [r for r, fp in zip(results, fps) if fp not in known]
