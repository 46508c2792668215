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
    if lines:
        lines.append("")
    lines.append(summary(report))
    return "\n".join(lines) + "\n"


def _n(count: int, noun: str) -> str:
    return f"{count} {noun}{'s' if count != 1 else ''}"


def summary(report: Report) -> str:
    """`3 findings in 2 files (1 error, 2 warnings); 5 files scanned`, and what was left out."""
    errors = sum(1 for r in report.results if r.severity is Severity.ERROR)
    warnings = len(report.results) - errors
    files = len({r.path for r in report.results})
    line = (f"{_n(len(report.results), 'finding')} in {_n(files, 'file')} "
            f"({_n(errors, 'error')}, {_n(warnings, 'warning')}); {_n(report.files_scanned, 'file')} scanned")
    if report.suppressed:
        line += f"; {report.suppressed} suppressed"
    if report.baselined:
        line += f"; {report.baselined} in the baseline"
    if report.out_of_context:
        from glmlint.context import CONTEXTS, NAMES

        where = ", ".join(f"{NAMES[c]} ({report.out_of_context[c]})" for c in CONTEXTS if c in report.out_of_context)
        line += f"; not reported in {where}"
    bad = len({p.path for p in report.errors})
    if bad:
        line += f"; {_n(bad, 'file')} with errors"
    return line
