"""Reporters: text for people, JSON for scripts, SARIF for code scanning."""
from __future__ import annotations

from typing import TextIO

from glmlint.runner import Report

FORMATS = ("text", "json", "sarif")


def write(report: Report, fmt: str, out: TextIO, color: bool = False) -> None:
    if fmt == "json":
        from glmlint.output.json import render
    elif fmt == "sarif":
        from glmlint.output.sarif import render
    else:
        from glmlint.output.text import render

        out.write(render(report, color=color))
        return
    out.write(render(report))
