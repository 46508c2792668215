"""Small helpers shared by the tests: parse text of a given kind into IR, scan a tree."""
from __future__ import annotations

import textwrap
from pathlib import Path

from glmlint.ir import SourceFile, Workload
from glmlint.parsers import parse
from glmlint.registry import builtin_rules, select
from glmlint.runner import Report, scan


def workloads(text: str, kind: str = "dockerfile", name: str = "Dockerfile") -> list[Workload]:
    source = parse(name, textwrap.dedent(text), kind)
    assert source is not None, "not recognised"
    return source.workloads


def source(text: str, kind: str, name: str = "f") -> SourceFile | None:
    return parse(name, textwrap.dedent(text), kind)


def one(text: str, kind: str = "dockerfile") -> Workload:
    ws = workloads(text, kind)
    assert len(ws) == 1, ws
    return ws[0]


def lint(tmp_path: Path, files: dict[str, str], rules: list[str] | None = None) -> Report:
    for name, text in files.items():
        p = tmp_path / name
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(textwrap.dedent(text))
    chosen = select(builtin_rules(), rules or [])
    return scan([str(tmp_path)], chosen, root=str(tmp_path))


def found(report: Report) -> list[tuple[str, str, int]]:
    return [(r.path, r.code, r.line) for r in report.results]
