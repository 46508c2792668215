"""`path:line:col: CODE [slug] message`, grouped by file, then a summary line."""
from __future__ import annotations

from glmlint.rule import Severity
from glmlint.runner import Report

_RED, _YELLOW, _BOLD, _DIM, _RESET = "\033[31m", "\033[33m", "\033[1m", "\033[2m", "\033[0m"


def render(report: Report, color: bool = False) -> str:
    lines: list[str] = []
    current = None
    for r in report.results:
        if current is not None and r.path != current:
            lines.append("")
        current = r.path
        code = f"{r.code} [{r.rule.slug}]"
        where = f"{r.path}:{r.line}:{r.col}:"
        if color:
            tint = _RED if r.severity is Severity.ERROR else _YELLOW
            where = f"{_BOLD}{where}{_RESET}"
            code = f"{tint}{r.code}{_RESET} {_DIM}[{r.rule.slug}]{_RESET}"
        fixable = f" ({r.fix.safety} fix)" if r.fix is not None and not color else ""
        lines.append(f"{where} {code} {r.message}{fixable}")
    errors = sum(1 for r in report.results if r.severity is Severity.ERROR)
    warnings = len(report.results) - errors
    files = len({r.path for r in report.results})
    n = len(report.results)
    if lines:
        lines.append("")
    summary = (f"{n} finding{'s' if n != 1 else ''} in {files} file{'s' if files != 1 else ''} "
               f"({errors} error{'s' if errors != 1 else ''}, {warnings} warning{'s' if warnings != 1 else ''}); "
               f"{report.files_scanned} file{'s' if report.files_scanned != 1 else ''} scanned")
    bad = len(report.errors)
    if bad:
        summary += f"; {bad} file{'s' if bad != 1 else ''} could not be parsed"
    lines.append(summary)
    return "\n".join(lines) + "\n"
