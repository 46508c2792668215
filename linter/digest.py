"""What the text report shows, as entries: most severe first, the checklist one line per workload.

Reporters only format; this module decides the shape of the text report
(docs/profiles.md, "The text report"):

* the same finding written several times in one file (a `docker run` line
  repeated in a README) is one entry that names the other lines;
* a workload's absent hardening (findings of kind `hardening` whose rule names
  its `checklist` setting: a non-root user, cap_drop ALL, a read-only root
  filesystem, no-new-privileges, a memory limit), two or more, is one entry
  listing what it lacks and the fix that adds them;
* entries are sorted by risk (`severity`, the default: most severe first; at
  one risk, exposures and misconfigurations before absent hardening) or by place
  (`path`).

JSON, SARIF and the CI formats do not go through here: they keep one result per
rule and place (each is suppressed, baselined and fixed on its own).
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import Any

from glmlint import lazyre
from glmlint.rule import Kind, Risk
from glmlint.results import sort_results
from glmlint.runner import Result

_rank = Risk.rank.fget  # type: ignore[attr-defined]
SORTS = ("severity", "path")
DEFAULT_SORT = "severity"
FIX_FIRST = 5  # entries the closing summary names
FIX_FIRST_AFTER = 10  # the closing summary is shown when the report has more entries than this


class Entry:
    """One line of the text report: one finding, or a workload's checklist (several).

    A single finding's entry holds it alone (`results` is made when asked): a large report has
    one entry per distinct finding at its peak of memory, ~20,000 for 4x the corpus (issue 12)."""

    __slots__ = ("first", "_results", "also", "repeats", "_risk")

    def __init__(self, results: list[Result] | tuple[Result, ...], also: list[int] | tuple[int, ...] = (),
                 at: Result | None = None, repeats: int = 0) -> None:
        self.first = at or results[0]  # where it is reported: a checklist's first finding in the file
        # a checklist's findings, in code order (None: a single finding's entry, `first`)
        self._results = results if at is not None or len(results) > 1 else None
        self.also = also  # other lines of the file with the same finding(s)
        self.repeats = repeats  # findings folded into this entry because they repeat one already in it
        self._risk: Risk | None = None  # a checklist's, once worked out (`risk`: asked ~6 times an entry)

    @classmethod
    def single(cls, r: Result) -> Entry:
        """The entry of one finding (no other line yet)."""
        e = cls.__new__(cls)
        e.first, e._results, e.also, e.repeats, e._risk = r, None, (), 0, None
        return e

    @property
    def results(self) -> list[Result] | tuple[Result, ...]:
        return self._results if self._results is not None else (self.first,)

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
        results = self._results
        if results is None:  # (most entries: asked for ~6 times each in a report)
            return self.first.risk
        risk = self._risk
        if risk is None:
            risk = self._risk = max((r.risk for r in results), key=_rank)
        return risk

    @property
    def checklist(self) -> bool:
        return self._results is not None and len(self._results) > 1

    @property
    def codes(self) -> str:
        return ",".join(dict.fromkeys(r.code for r in self.results))

    @property
    def hardening(self) -> bool:
        """Only absent protections (a checklist line, a lone missing setting)."""
        return all(r.kind is Kind.HARDENING for r in self.results)

    def place(self) -> tuple[str, int, int, str]:
        first = self.first
        return (first.path, first.line, first.col, first.rule.code)

    def by_risk(self) -> tuple[int, bool, str, int, int, str]:
        """Most severe first; at one risk, what is set wrong before what is absent (a workload's
        checklist, whose absent non-root user makes it medium, after an exposed Jupyter port)."""
        return (-self.risk.rank, self.hardening, *self.place())


class Entries(list):  # type: ignore[type-arg]
    """The text report's entries, in order: a list of `Entry`. Most entries are one finding alone
    (no other line, not in a checklist): the list holds that finding itself, and gives it as an
    `Entry` when read (`Entry.single`), so that a large report does not hold an `Entry` beside each
    of its ~20,000 findings at its peak of memory (4x the corpus: ~1.3 MB, issue 12)."""

    def __iter__(self) -> Iterator[Entry]:
        for item in list.__iter__(self):
            yield item if type(item) is Entry else Entry.single(item)

    def __getitem__(self, i: Any) -> Any:
        got = list.__getitem__(self, i)
        if isinstance(i, slice):
            return [e if type(e) is Entry else Entry.single(e) for e in got]
        return got if type(got) is Entry else Entry.single(got)

    def grouped(self) -> bool:
        """Whether some entry is a workload's checklist."""
        return any(type(e) is Entry and e.checklist for e in list.__iter__(self))

    def folded(self) -> bool:
        """Whether some entry folds repeats of its finding."""
        return any(type(e) is Entry and e.repeats for e in list.__iter__(self))


def entries(results: Iterable[Result], sort: str = DEFAULT_SORT) -> Entries:
    """The text report's entries, in order (`sort`: `severity` or `path`)."""
    if sort not in SORTS:
        raise ValueError(f"sort must be one of {', '.join(SORTS)}, not {sort!r}")
    # (a report's results come sorted: then neither a sorted copy nor a key per result is made,
    # each a few MB for a large tree at the report's peak of memory)
    ordered = results if isinstance(results, list) and _in_order(results, Result.sort_key) else list(results)
    if ordered is not results:  # a sorted copy (no key tuple per result: `sort_results`)
        sort_results(ordered)
    out = Entries(_checklists(_one_per_repeat(ordered)))
    if not _in_order(out, _place):
        out.sort(key=_by_risk if sort == "severity" else _place)
    elif sort == "severity":  # in place order already: by risk, then as they are (a small int a key)
        out.sort(key=_risk_first)
    return out


def _entry(item: Entry | Result) -> Entry:
    """An item of `Entries` as an `Entry`."""
    return item if type(item) is Entry else Entry.single(item)  # type: ignore[arg-type]


def _place(item: Entry | Result) -> tuple[str, int, int, str]:
    """`Entry.place` of an item of `Entries`."""
    if type(item) is Entry:
        return item.place()
    return (item.path, item.line, item.col, item.rule.code)  # type: ignore[union-attr]


def _by_risk(item: Entry | Result) -> tuple[int, bool, str, int, int, str]:
    """`Entry.by_risk` of an item of `Entries`."""
    if type(item) is Entry:
        return item.by_risk()
    return (-item.risk.rank, item.kind is Kind.HARDENING, *_place(item))  # type: ignore[union-attr]


def _in_order(items: list, key: Any) -> bool:
    """Whether `items` are sorted by `key` (two keys at a time, not one per item at once)."""
    if not items:
        return True
    it = list.__iter__(items)
    last = key(next(it))
    for item in it:
        got = key(item)
        if got < last:
            return False
        last = got
    return True


def _risk_first(e: Entry | Result) -> int:
    """`Entry.by_risk` without the place, as one small int (a list in place order sorted by this
    is in `by_risk` order: the sort keeps the order of equal keys)."""
    if type(e) is not Entry:  # a finding alone (`Entries`)
        return -2 * e.risk.rank + (e.kind is Kind.HARDENING)
    return -2 * e.risk.rank + e.hardening


# GLM044 on a KubeRay cluster's pods: `the pod of RayCluster/x head mounts the token of ServiceAccount `sa`,
# and Ray runs in it: ...`, and the same sentence for each worker group (`RayCluster/x small-group`, `Ray
# worker`): (the resource, the group, the account, the rest)
_RAY_POD = lazyre.compile(r"the pod of (Ray(?:Cluster|Service|Job)/\S+) (\S+) mounts the token of "
                          r"ServiceAccount (`[^`]*`), and Ray(?: worker)? runs in it: (.*)", re.S)


def _repeat_key(r: Result) -> tuple[tuple[str, str | None, str], bool]:
    """What makes two findings of a file one entry (the same rule, workload and message), and whether `r` is
    the one the entry shows first. A KubeRay worker group's GLM044 finding is its cluster's head's: the same
    ServiceAccount's token where Ray runs whatever job is submitted (a job's tasks run on the workers as on
    the head), so one entry at the head's line names the groups' lines (k8s22 K22-2); not when the sentence
    differs otherwise (another ServiceAccount, a head whose autoscaler needs the token)."""
    if r.code == "GLM044" and r.message.startswith("the pod of Ray") and (m := _RAY_POD.fullmatch(r.message)):
        return (r.code, m.group(1), m.group(3) + m.group(4)), m.group(2) == "head"
    return (r.code, r.workload, r.message), False


def _one_per_repeat(results: list[Result]) -> list[Entry | Result]:
    """One entry per distinct finding of a file: the same rule, workload and message at several
    places (the same command written twice) is one entry naming the other lines (a KubeRay cluster's
    worker groups' GLM044 under its head's: `_repeat_key`). A finding with no repeat is its own entry
    (`Entries`)."""
    seen: dict[tuple[str, str | None, str], int] = {}  # the current file's (the results are in file order)
    path = None
    out: list[Entry | Result] = []
    for r in results:
        if r.path != path:
            path = r.path
            seen = {}
        key, head = _repeat_key(r)
        at = seen.get(key)
        if at is None:
            seen[key] = len(out)
            out.append(r)
            continue
        entry = out[at]
        if type(entry) is not Entry:  # its first repeat
            entry = out[at] = Entry.single(entry)  # type: ignore[arg-type]
        entry.repeats += 1
        if head and not _repeat_key(entry.first)[1]:  # the head's sentence shown, the group's line named
            if entry.line != r.line:
                entry.also = sorted({*entry.also, entry.line} - {r.line})
            entry.first = r
            continue
        also = entry.also
        if r.line != entry.line and r.line not in also:
            if also:
                also.append(r.line)
            else:
                entry.also = [r.line]
    return out


def in_checklist(r: Result) -> bool:
    """A finding that joins its workload's checklist line: an absent protection (kind
    `hardening`, for this finding) of a rule that names the setting it asks for."""
    return r.kind is Kind.HARDENING and bool(r.rule.checklist) and r.workload is not None


def _checklists(singles: list[Entry]) -> list[Entry]:
    """A workload's checklist findings, two or more, become one entry at the first of them.

    `singles` come in file order: a workload's group is looked up by its name among its file's
    only, and held in `out` at its first member's place until every single is seen (no key and no
    pair per entry beside the entries: the report's peak of memory)."""
    out: list[Any] = []
    groups: dict[str, list[Entry]] = {}  # the current file's, by workload
    path = None
    for e in singles:
        first = e.first if type(e) is Entry else e
        if not in_checklist(first):
            out.append(e)
            continue
        if first.path != path:
            path, groups = first.path, {}
        group = groups.get(first.workload)  # type: ignore[arg-type]
        if group is None:
            group = groups[first.workload] = [e]  # type: ignore[index]
            out.append(group)
        else:
            group.append(e)
    for i, got in enumerate(out):
        if type(got) is list:
            out[i] = got[0] if len(got) < 2 else _joined(got)
    return out


def _joined(group: list[Entry | Result]) -> Entry:
    """A workload's checklist entries as one, at the first of them in the file."""
    group = [_entry(m) for m in group]
    head = min(group, key=lambda m: (m.line, m.col, m.first.code))
    also = sorted({line for m in group for line in m.also} - {head.line})
    return Entry(sorted((m.first for m in group), key=lambda r: r.code), also, at=head.first,
                 repeats=sum(m.repeats for m in group))


def fix_first(entries: list[Entry], limit: int = FIX_FIRST, ordered: bool = False) -> tuple[list[Entry], int]:
    """The most severe entries for the closing summary (critical and high; medium when there is
    neither; none when everything is low), and how many more of those levels there are. `ordered`:
    `entries` are in `Entry.by_risk` order (`entries(..., "severity")`): those of these levels are the
    first ones, as they are (not every entry looked at and sorted again)."""
    if not entries:
        return [], 0
    top = entries[0].risk.rank if ordered else max(e.risk.rank for e in entries)
    floor = Risk.HIGH if top >= Risk.HIGH.rank else Risk.MEDIUM
    if top < floor.rank:
        return [], 0
    if ordered:
        first: list[Entry] = []
        count = 0
        for e in entries:
            if e.risk.rank < floor.rank:
                break
            if count < limit:
                first.append(e)
            count += 1
        return first, max(0, count - limit)
    # those of these levels, by risk (sorted alone, they are in the order they have among all)
    worth = sorted((e for e in entries if e.risk.rank >= floor.rank), key=Entry.by_risk)
    return worth[:limit], max(0, len(worth) - limit)


def counts(results: Iterable[Result]) -> dict[Risk, int]:
    """Findings per risk, critical first."""
    out = {k: 0 for k in sorted(Risk, key=lambda k: -k.rank)}
    for r in results:
        out[r.risk] += 1
    return out
