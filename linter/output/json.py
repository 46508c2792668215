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
        if r.rendered_from is not None:  # found in a rendered Helm chart or Kustomize overlay
            out[-1]["rendered_from"] = r.rendered_from
            out[-1]["related"] = [{"path": p, "line": ln, "column": c, "note": n} for p, ln, c, n in r.related]
    return json.dumps(out, indent=2) + "\n"
