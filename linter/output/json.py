"""A plain JSON list of findings, for scripts."""
from __future__ import annotations

import json

from glmlint.runner import Report


def render(report: Report) -> str:
    out = []
    for r in report.results:
        out.append({
            "path": r.path,
            "line": r.line,
            "column": r.col,
            "code": r.code,
            "slug": r.rule.slug,
            "severity": str(r.severity),
            "message": r.message,
            "workload": r.workload,
            "fix": {"title": r.fix.title, "safety": str(r.fix.safety)} if r.fix else None,
        })
    return json.dumps(out, indent=2) + "\n"
