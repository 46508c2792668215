"""GitLab Code Quality report (`glmlint check --format gitlab`), for `artifacts:reports:codequality`.

A JSON array of issues in the subset of the Code Climate format that GitLab
reads (https://docs.gitlab.com/ci/testing/code_quality/#code-quality-report-format):
`description`, `check_name`, `fingerprint`, `severity` (`info`, `minor`,
`major`, `critical`, `blocker`) and `location.path` / `location.lines.begin`,
plus the Code Climate `type` and `categories`. GitLab matches an issue in a
merge request against the target branch by its fingerprint, and shows only the
first of several issues that share one: glmlint's fingerprints (the same as the
SARIF `partialFingerprints` and the baseline's) leave the line out, so a finding
that moves is not reported as new, and number repeats, so each stays distinct.
"""
from __future__ import annotations

import json
from typing import Any

from glmlint import fingerprint
from glmlint.rule import Severity
from glmlint.runner import Report, Result

# glmlint severity -> Code Quality severity; rules that are not about security (GLM100) are `info`
SEVERITY = {Severity.ERROR: "critical", Severity.WARNING: "major"}


def issue(r: Result, fp: str) -> dict[str, Any]:
    security = r.rule.security
    fix = f" ({r.fix.safety} fix: {r.fix.title})" if r.fix is not None else ""
    return {
        "type": "issue",
        "check_name": f"{r.code} {r.rule.slug}",
        "description": f"{r.code} [{r.rule.slug}] {r.message}{fix}",
        "categories": ["Security"] if security else ["Style"],
        "severity": SEVERITY[r.severity] if security else "info",
        "fingerprint": fp,
        "location": {"path": _path(r.path), "lines": {"begin": max(r.line, 1)}},
    }


def _path(path: str) -> str:
    """As GitLab wants it: relative to the repository, forward slashes, no leading `./`."""
    path = path.replace("\\", "/")
    while path.startswith("./"):
        path = path[2:]
    return path


def render(report: Report) -> str:
    fps = fingerprint.fingerprints(report.results)
    return json.dumps([issue(r, fp) for r, fp in zip(report.results, fps)], indent=2) + "\n"
