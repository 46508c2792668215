"""The text report: one line per entry, most severe first, then what to fix first and the counts.

    path:line:col: RISK CODE [slug] message (safe fix)
    path:line:col: low GLM002,GLM004,GLM007,GLM012 [hardening] service `api` lacks cap_drop ALL, ... (one safe fix adds them all)
    path:line:col: critical GLM005 [jupyter-open-no-token] ... (safe fix; also lines 40, 80)

`glmlint.digest` decides the entries (repeats folded, the checklist one line
per workload, the order); this module only formats them. docs/profiles.md,
"The text report", is the user's page.
"""
from __future__ import annotations

from typing import TextIO

from glmlint import digest
from glmlint.rule import Risk, Severity
from glmlint.runner import Report

_RED, _YELLOW, _BOLD, _DIM, _RESET = "\033[31m", "\033[33m", "\033[1m", "\033[2m", "\033[0m"
_TINT = {Risk.CRITICAL: _BOLD + _RED, Risk.HIGH: _RED, Risk.MEDIUM: _YELLOW, Risk.LOW: _DIM}
CHECKLIST_SLUG = "hardening"  # the slug a workload's checklist line shows


def render(report: Report, color: bool = False, sort: str = digest.DEFAULT_SORT) -> str:
    import io

    out = io.StringIO()
    write(report, out, color, sort)
    return out.getvalue()


def write(report: Report, out: TextIO, color: bool = False, sort: str = digest.DEFAULT_SORT) -> None:
    """`render(report)` written to `out` line by line, as each is made: a large report is never
    held whole as text beside its findings (issue 12: peak memory)."""
    entries = digest.entries(report.results, sort)
    # `glmlint fix` leaves a file with an error alone: its fixes wait for that line to be fixed
    blocked = {p.path: p.line for p in reversed(report.errors)}
    emit = out.write
    previous = None
    for e in entries:
        group = e.risk if sort == "severity" else e.path
        if previous is not None and group != previous:
            emit("\n")
        previous = group
        emit(line(e, color, blocked=blocked.get(e.path)) + "\n")
    if entries:
        emit("\n")
    if len(entries) > digest.FIX_FIRST_AFTER:
        first, more = digest.fix_first(entries, ordered=sort == "severity")
        if first:
            emit(_paint("Fix first:", _BOLD, color) + "\n")
            for e in first:
                emit("  " + line(e, color, short=True) + "\n")
            if more:
                emit(f"  ... and {more} more {_levels(first[-1].risk)} "
                     f"{'above' if sort == 'severity' else 'in the report'}\n")
            emit("\n")
    if report.results:
        emit(risk_line(report, entries, color) + "\n")
    emit(summary(report) + "\n")


def _levels(risk: Risk) -> str:
    return "critical or high" if risk.rank >= Risk.HIGH.rank else "medium"


def _paint(text: str, tint: str, color: bool) -> str:
    return f"{tint}{text}{_RESET}" if color else text


def line(e: digest.Entry, color: bool = False, short: bool = False, blocked: int | None = None) -> str:
    """One entry; `short` (the closing summary) leaves out the fix and the repeats. `blocked`: the
    line of an error in the file (0: the file), which `glmlint fix` waits for before fixing it."""
    r = e.first
    where = _paint(f"{r.path}:{r.line}:{r.col}:", _BOLD, color)
    level = e.risk
    risk = _paint(str(level), _TINT[level], color)
    notes = []
    if e.checklist:
        slug = _paint(f"[{CHECKLIST_SLUG}]", _DIM, color)
        text = f"{where} {risk} {e.codes} {slug} {_lacks(e)}"
        if not short:
            notes.extend(_checklist_fix(e))
    else:
        slug = _paint(f"[{r.rule.slug}]", _DIM, color)
        text = f"{where} {risk} {r.code} {slug} {r.message}"
        if r.fix is not None and not short:
            notes.append(f"{r.fix.safety} fix")
    if notes and blocked is not None:  # the fix notes come first
        notes[0] += f" once the error at line {blocked} is fixed" if blocked else " once the file's error is fixed"
    if e.also and not short:
        notes.append(f"also line{'s' if len(e.also) > 1 else ''} {', '.join(map(str, e.also))}")
    if notes:
        text += " " + _paint(f"({'; '.join(notes)})", _DIM, color)
    return text


def _and(items: list[str]) -> str:
    """`a, b and c`, each named once (a workload's checklist may hold one rule's finding on several
    of its images: `a pinned image version` once)."""
    items = list(dict.fromkeys(items))
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _lacks(e: digest.Entry) -> str:
    """`service `api` lacks cap_drop ALL, a read-only root filesystem and a memory limit`."""
    return f"{e.first.workload} lacks {_and([r.rule.checklist for r in e.results])}"


def _checklist_fix(e: digest.Entry) -> list[str]:
    """`one safe fix adds them all`, or what the fix adds when some settings have none. `unsafe`
    when any of them is: `glmlint fix --unsafe-fixes` adds them all in one run."""
    fixable = [r for r in e.results if r.fix is not None]
    if not fixable:
        return []
    safety = "unsafe" if any(str(r.fix.safety) == "unsafe" for r in fixable) else "safe"  # type: ignore[union-attr]
    if len(fixable) == 1:
        return [f"{safety} fix adds {fixable[0].rule.checklist}"]
    what = "them all" if len(fixable) == len(e.results) else _and([r.rule.checklist for r in fixable])
    return [f"one {safety} fix adds {what}"]


def _n(count: int, noun: str) -> str:
    return f"{count} {noun}{'s' if count != 1 else ''}"


def risk_line(report: Report, entries: list[digest.Entry], color: bool = False) -> str:
    """`risk: 2 critical, 1 medium, 8 low; 11 findings on 5 lines (one checklist line per workload)`:
    findings per risk (the levels that have any), and how the lines above group them."""
    counts = digest.counts(report.results)
    text = "risk: " + ", ".join(_paint(f"{n} {k}", _TINT[k], color) for k, n in counts.items() if n)
    if len(entries) < len(report.results):
        grouped = []
        if entries.grouped() if isinstance(entries, digest.Entries) else any(e.checklist for e in entries):
            grouped.append("one checklist line per workload")
        if entries.folded() if isinstance(entries, digest.Entries) else any(e.repeats for e in entries):
            grouped.append("repeats folded")
        text += f"; {_n(len(report.results), 'finding')} on {_n(len(entries), 'line')} ({', '.join(grouped)})"
    return text


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
