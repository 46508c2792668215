"""Reporters: text for people, JSON for scripts, SARIF for code scanning, GitHub annotations,
GitLab Code Quality and JUnit XML for other CI systems. Each formats the report it is given."""
from __future__ import annotations

from typing import TextIO

from glmlint.runner import Report

FORMATS = ("text", "json", "sarif", "github", "gitlab", "junit")
# what a format shows beyond the findings, which the scan must compute: `scan(fix_edits=...)`
NEEDS_FIX_EDITS = frozenset({"sarif"})


def write(report: Report, fmt: str, out: TextIO, color: bool = False, category: str | None = None,
          sort: str = "severity") -> None:
    """`category`: SARIF only, its `automationDetails.id`; `sort`: text only, `severity` (most
    severe first) or `path`."""
    if fmt == "json":
        from glmlint.output.json import render
    elif fmt == "sarif":
        from glmlint.output import sarif

        out.write(sarif.render(report, category=category))
        return
    elif fmt == "github":
        from glmlint.output.github import render
    elif fmt == "gitlab":
        from glmlint.output.gitlab import render
    elif fmt == "junit":
        from glmlint.output.junit import render
    else:
        from glmlint.output import text

        text.write(report, out, color=color, sort=sort)  # line by line, not the whole report as one string
        return
    out.write(render(report))
