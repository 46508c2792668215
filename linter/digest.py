"""What the text report shows, as entries: most severe first, the checklist one line per workload.

Reporters only format; this module decides the shape of the text report
(docs/profiles.md, "The text report"):

* the same finding written several times in one file (a `docker run` line
  repeated in a README) is one entry that names the other lines;
* a workload's absent hardening (rules of kind `hardening` that name their
  `checklist` setting: cap_drop ALL, a read-only root filesystem,
  no-new-privileges, a memory limit, a non-root user) is one entry listing
  what it lacks and the one fix that adds them;
* entries are sorted by risk (`severity`, the default) or by place (`path`).

JSON and SARIF do not go through here: they keep one result per rule and place.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from glmlint.rule import Kind, Risk
from glmlint.runner import Result

SORTS = ("severity", "path")
FIX_FIRST = 5  # findings the closing summary names
FIX_FIRST_AFTER = 10  # the closing summary is shown when the report has more entries than this


@dataclass
class Entry:
    """One line of the text report: one finding, or a workload's checklist (several)."""

    results: list[Result]  # a checklist's in code order
    also: list[int] = field(default_factory=list)  # other lines of the file with the same finding(s)
    at: Result | None = None  # where a checklist entry is reported: its first finding in the file

    @property
    def first(self) -> Result:
        return self.at or self.results[0]

    @property
    def path(self) -> str:
        return self.first.path

    @property
    def line(self) -> int:
        return self.first.line

    @property
    def col(self) -> int:
        return self.first.col

    @property
    def risk(self) -> Risk:
        return max((r.risk for r in self.results), key=lambda k: k.rank)

    @property
    def checklist(self) -> bool:
        return len(self.results) > 1

    @property
    def codes(self) -> str:
        return ",".join(r.code for r in self.results)

    def place(self) -> tuple[str, int, int, str]:
        return (self.path, self.line, self.col, self.first.code)

    def by_risk(self) -> tuple[int, str, int, int, str]:
        return (-self.risk.rank, *self.place())


def entries(results: Iterable[Result], sort: str = "severity") -> list[Entry]:
    """The text report's entries, in order."""
    ordered = sorted(results, key=Result.sort_key)
    singles = _one_per_repeat(ordered)
    out = _checklists(singles)
    out.sort(key=Entry.by_risk if sort == "severity" else Entry.place)
    return out


def _one_per_repeat(results: list[Result]) -> list[Entry]:
    """One entry per distinct finding of a file: the same rule, workload and message at several
    places (the same command written twice) is one entry naming the other lines."""
    seen: dict[tuple[str, str, str | None, str], Entry] = {}
    out: list[Entry] = []
    for r in results:
        key = (r.path, r.code, r.workload, r.message)
        entry = seen.get(key)
        if entry is None:
            entry = seen[key] = Entry([r])
            out.append(entry)
        elif r.line != entry.line and r.line not in entry.also:
            entry.also.append(r.line)
    return out


def _in_checklist(r: Result) -> bool:
    return r.rule.kind is Kind.HARDENING and bool(r.rule.checklist) and r.workload is not None


def _checklists(singles: list[Entry]) -> list[Entry]:
    """A workload's checklist findings, two or more, become one entry at the first of them."""
    groups: dict[tuple[str, str | None], list[Entry]] = {}
    for e in singles:
        if _in_checklist(e.first):
            groups.setdefault((e.path, e.first.workload), []).append(e)
    out: list[Entry] = []
    for e in singles:
        group = groups.get((e.path, e.first.workload)) if _in_checklist(e.first) else None
        if group is None or len(group) < 2:
            out.append(e)
        elif group[0] is e:
            head = min(group, key=lambda m: (m.line, m.col, m.first.code))
            also = sorted({line for m in group for line in m.also} - {head.line})
            out.append(Entry(sorted((m.first for m in group), key=lambda r: r.code), also, at=head.first))
    return out


def fix_first(entries: list[Entry], limit: int = FIX_FIRST) -> tuple[list[Entry], int]:
    """The most severe entries for the closing summary (critical and high; medium when there is
    neither), and how many more of those levels there are."""
    ranked = sorted(entries, key=Entry.by_risk)
    if not ranked:
        return [], 0
    top = ranked[0].risk
    floor = Risk.HIGH if top.rank >= Risk.HIGH.rank else Risk.MEDIUM
    if top.rank < floor.rank:
        return [], 0
    worth = [e for e in ranked if e.risk.rank >= floor.rank]
    return worth[:limit], max(0, len(worth) - limit)


def counts(results: Iterable[Result]) -> dict[Risk, int]:
    out = {k: 0 for k in reversed(list(Risk))}
    for r in results:
        out[r.risk] += 1
    return out
