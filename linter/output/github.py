"""GitHub Actions workflow commands: each finding becomes an inline pull-request annotation.

    ::error file=Dockerfile,line=1,col=1,title=GLM001 [run-as-root]::the final stage runs as root…

GitHub decodes `%25`, `%0D` and `%0A` in the message, and also `%3A` and `%2C`
in property values, where `:` and `,` would otherwise end the value.
"""
from __future__ import annotations

from glmlint.rule import Severity
from glmlint.runner import Report


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def command(kind: str, message: str, **props: object) -> str:
    fields = ",".join(f"{k}={escape_property(str(v))}" for k, v in props.items() if v is not None)
    return f"::{kind} {fields}::{escape_data(message)}" if fields else f"::{kind}::{escape_data(message)}"


def render(report: Report) -> str:
    lines = []
    for r in report.results:
        kind = "error" if r.severity is Severity.ERROR else "warning"
        fix = f" ({r.fix.safety} fix: {r.fix.title})" if r.fix is not None else ""
        lines.append(command(kind, r.message + fix, file=r.path, line=r.line, col=r.col,
                             title=f"{r.code} [{r.rule.slug}]"))
    for p in report.problems:
        lines.append(command("error" if p.level == "error" else "notice", p.message, file=p.path,
                             line=p.line or None, title="glmlint"))
    from glmlint.output.text import summary

    lines.append(summary(report))
    return "\n".join(lines) + "\n"
