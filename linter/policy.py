"""What a project decides about findings once the rules have run.

In order: a finding about another file's value dropped when that file reports
it itself or it is silenced there (one root cause, one finding), opt-in findings the configuration did not ask for dropped (and the
findings of a kind the profile does not take: `Rule.kinds_reported`), inline
suppressions (on the text the rules read), Helm source mapping for a rendered
stream, the file's context (a rule reports in the contexts its kind names:
docs/context.md), `per-file-ignores`, then the baseline. The
runner calls `apply` at the end of every scan, so `check` and `fix` see the
same findings.
"""
from __future__ import annotations

import os
from array import array
from typing import Any

from glmlint import suppress
from glmlint import records
from glmlint import context
from glmlint.config import Config
from glmlint.ir import Format, Problem, SourceFile
from glmlint.rule import Rule
from glmlint.results import JudgedResult, Report, Result, sort_results


def apply(report: Report, config: Config, early: Early | None = None) -> None:
    """`early`: what was decided file by file as the findings came in (`Early`); the findings it
    kept are in `report.results`, and pass again."""
    if config.fix_user:
        _name_fix_user(report, config.fix_user)
    if any(r.cause is not None for r in report.results):
        report.results = _one_per_cause(report, config, early)
    # opt-in findings (`Finding.enabled_by`), and the kinds a profile takes for some rules only
    # (`essential`: GLM001's explicit root user)
    if any(r.enabled_by is not None or r.rule.kinds_reported is not None for r in report.results):
        report.results = [r for r in report.results if _wanted(r, config)]
    _suppress(report, config.report_unused_ignores, early)
    if report.stdin is not None:
        _map_helm_sources(report)
    _in_context(report, config)
    if config.per_file_ignores:
        _per_file_ignores(report, config)
    sort_results(report.results)  # baseline occurrence numbers follow report order
    if config.baseline is not None:
        from glmlint import baseline

        known = baseline.read(config.baseline)
        kept = baseline.new_only(report.results, config.baseline, known, report.root)
        report.baselined += len(report.results) - len(kept)
        report.results = kept
    report.problems.sort(key=lambda p: (p.path, p.line))


def _one_per_cause(report: Report, config: Config, early: Early | None = None) -> list[Result]:
    """Drop a finding about another file's value (`Result.cause`: the compose service built from a
    Dockerfile that starts Jupyter without a token) when that file's own finding of it is reported,
    or silenced where it is written (a suppression comment; the baseline then takes it as any other):
    one root cause, one finding. When the project does not report it there (its file's context,
    `per-file-ignores`), the copy stands and is judged where it is, as any finding (counted once:
    a copy not reported where it is either is dropped here, its cause already counted)."""
    causes = {(*r.cause, r.code) for r in report.results if r.cause is not None}
    place = _Place(report, config)
    fates = {key: place.silenced(r) or place.reported(r) for r in report.results
             if (key := (r.path, r.line, r.col, r.code)) in causes}
    if early is not None:  # the findings dropped as they came in
        unpacked: dict[str, dict[int, bool]] = {}  # each file's fates, unpacked once
        for key in causes:
            fate = early.fate(key, unpacked)
            if fate is not None:
                fates[key] = fate
    # a value in a file no scan reports on its own (the entrypoint script a Dockerfile copies from
    # the build context): the Dockerfile's finding of it is its own, the built service's a copy
    owners: dict[tuple[object, ...], Result] = {}
    for r in report.results:
        if r.cause is not None and (key := (*r.cause, r.code)) not in fates and place.dockerfile(r.path):
            owners[key] = r
            fates[key] = place.silenced(r) or place.reported(r)

    def stands(r: Result) -> bool:
        if r.cause is None or owners.get((*r.cause, r.code)) is r:
            return True
        fate = fates.get((*r.cause, r.code))
        if fate is None:  # its file does not report it (the combination fires only at the service)
            return True
        # the cause not reported there is counted there (its context, per-file-ignores): a copy the
        # project would not report where it is either is not counted a second time
        return not fate and (place.silenced(r) or place.reported(r))

    return [r for r in report.results if stands(r)]


def _wanted(r: Result, config: Config) -> bool:
    """Whether the configuration asks for `r` at all: its setting on (`Finding.enabled_by`), its
    kind among those the profile takes for its rule (`Rule.kinds_reported`)."""
    return (r.enabled_by is None or config.wants(r.enabled_by)) and (
        r.rule.kinds_reported is None or r.kind in r.rule.kinds_reported)


class Shown:
    """Whether `apply` can report a result, judged from its own file alone: False only for a result
    that `apply` surely drops whatever else the scan finds, because the configuration does not ask
    for it (`_wanted`) or its file's context does not report it (`_in_context`). The scan verifies
    the fixes of the results this passes only (`runner.run_rules`): a dropped result's edits are
    never shown (the fix engine's `verified_edits`, docs/fixes.md).

    Sound because every step of `apply` only ever drops results (none is added or given back), the
    two verdicts read nothing but the result and its file's path, disk path and format, which are
    the same in the worker that checks the file and in `apply` (`_Place` keys them by the path a
    result is reported at, which is its file's), and the configuration, the same object. Standard
    input is the exception: its findings may move to a Helm template before their context is
    judged (`_map_helm_sources`); the scan passes no `Shown` then."""

    def __init__(self, config: Config) -> None:
        self.config = config
        # the user run-as-root fixes write, as `glmlint fix` takes it (`fix.Options`): the edits the scan
        # verifies for a report (SARIF's fixes) are those `fix` writes
        self.fix_user = config.fix_user
        self.table = config.context_table()
        self.verdicts: dict[tuple[str, object, str], bool] = {}
        self.contexts: dict[tuple[str, str, object], str] = {}

    def __call__(self, source: SourceFile, r: Result) -> bool:
        if r.path != source.path:
            return True  # not this file's place: judged with the others
        if not _wanted(r, self.config):
            return False
        where = (source.path, source.disk_path, source.format)
        ctx = self.contexts.get(where)
        if ctx is None:
            ctx = self.contexts[where] = context.of_file(source.path, source.disk_path, source.format)
        key = (r.code, r.kind, ctx)
        ok = self.verdicts.get(key)
        if ok is None:
            ok = self.verdicts[key] = context.reports(r.rule, ctx, self.table, r.kind)
        return ok


class Every(Shown):
    """`Shown` passing every result: where a result may still move before its context is judged
    (standard input), or every fix is wanted (the language server). It carries the fix user all the same."""

    def __call__(self, source: SourceFile, r: Result) -> bool:
        return True


class _Place:
    """What the project decided about the place of a finding: its file's context, `per-file-ignores`,
    the suppression comments of its file (each file's read once)."""

    def __init__(self, report: Report, config: Config, named: set[str] | None = None) -> None:
        self.report, self.config = report, config
        self.table = config.context_table()
        self.roles: dict[str, str] = {}
        self.verdicts: dict[tuple[str, object, str], bool] = {}
        self.ignores: dict[str, list[str]] = {}
        # each file with a finding by its path (its disk path and format read from it: no tuple per
        # file of the tree beside it, ~1.4 MB at 4x the corpus while the policy ran, issue 12); only
        # those are asked about (~1 file in 3 of the corpus: every file's was ~0.6 MB at 4x), or the
        # files `named` (those of the findings a step asks about)
        if named is None:
            named = {r.path for r in report.results}
        self.sources = {s.path: s for s in report.sources if s.path in named} if named else {}
        self.sups: dict[str, list[suppress.Suppression]] = {}

    def dockerfile(self, path: str) -> bool:
        got = self.sources.get(path)
        return got is not None and got.format is Format.DOCKERFILE

    def context(self, r: Result) -> str:
        ctx = self.roles.get(r.path)
        if ctx is None:
            source = self.sources.get(r.path)
            disk_path, fmt = ((source.disk_path, source.format) if source is not None
                              else ("", r.rule.formats and next(iter(r.rule.formats))))
            ctx = self.roles[r.path] = context.of_file(r.path, disk_path, fmt)
        return ctx

    def in_context(self, r: Result) -> bool:
        ctx = self.context(r)
        key = (r.code, r.kind, ctx)
        ok = self.verdicts.get(key)
        if ok is None:
            ok = self.verdicts[key] = context.reports(r.rule, ctx, self.table, r.kind)
        return ok

    def ignored(self, r: Result) -> bool:
        if not self.config.per_file_ignores:
            return False
        selectors = self.ignores.get(r.path)
        if selectors is None:
            full = r.path if os.path.isabs(r.path) else os.path.join(self.report.root, r.path)
            selectors = self.ignores[r.path] = self.config.ignored_here(full)
        if not selectors:
            return False
        from glmlint.registry import matches

        return any(matches(r.rule, sel) for sel in selectors)

    def reported(self, r: Result) -> bool:
        """Whether the configuration, the file's context and `per-file-ignores` report `r` (the
        suppression comments and the baseline aside)."""
        return _wanted(r, self.config) and self.in_context(r) and not self.ignored(r)

    def silenced(self, r: Result) -> bool:
        """A suppression comment of the scanned file `r` is in covers it."""
        sups = self.sups.get(r.path)
        if sups is None:
            source = self.sources.get(r.path)
            sups = self.sups[r.path] = suppress.parse(source) if source is not None else []
        return any(s.covers(r.line, r.rule) is not None for s in sups)


def _name_fix_user(report: Report, user: str) -> None:
    """Fix titles name the non-root user the project's `fix-user` sets (`rule.FIX_USER`), also where a
    rule asked for the image's own user: the chosen one wins, even when it is the default 10001."""
    report.results = [records.replace(r, fix=records.replace(r.fix, user=user, chosen=True)) if r.fix is not None else r
                      for r in report.results]


def _suppress(report: Report, report_unused: bool, early: Early | None = None) -> None:
    by_path: dict[str, list[Result]] = {}
    for r in report.results:
        by_path.setdefault(r.path, []).append(r)
    kept: list[Result] = []
    unused: list[Result] = []
    selected = {r.code for r in report.rules} | {r.slug for r in report.rules}
    for source in report.sources:
        results = by_path.pop(source.path, [])
        sups = suppress.parse(source)
        if early is not None and source.path in early.used:  # what silenced findings as they came in
            for s, used in zip(sups, early.used[source.path]):
                s.used |= used
        if not sups:
            kept.extend(results)
            continue
        for r in results:
            hit = next(((s, sel) for s in sups if (sel := s.covers(r.line, r.rule)) is not None), None)
            if hit is None:
                kept.append(r)
            else:
                hit[0].used.add(hit[1])
                report.suppressed += 1
        if any(sel.upper() not in selected and sel not in selected for s in sups for sel in s.rules or ()):
            from glmlint.registry import all_rules  # a rule not selected may still exist

            report.problems.extend(suppress.unknown_rules(source, sups, all_rules()))
        if report_unused:
            ran = [rule for rule in report.rules if rule.applies_to(source.format)]
            unused.extend(_unused(source.path, sups, ran))
    kept.extend(_suppress_rendered(report, [r for rest in by_path.values() for r in rest]))
    report.results = kept + unused


def _suppress_rendered(report: Report, results: list[Result]) -> list[Result]:
    """Suppressions for findings moved out of a rendered chart or overlay: comments in the template
    or resource file at the finding, or in the values file a related place names."""
    from glmlint.ir import Format, SourceFile

    cache: dict[str, list[suppress.Suppression]] = {}

    def sups(path: str) -> list[suppress.Suppression]:
        if path not in cache:
            full = path if os.path.isabs(path) else os.path.join(report.root, path)
            try:
                with open(full, encoding="utf-8") as fh:
                    text = fh.read()
            except (OSError, UnicodeDecodeError):
                text = ""
            cache[path] = suppress.parse(SourceFile(path, Format.KUBERNETES, text))
        return cache[path]

    kept = []
    for r in results:
        places = [(r.path, r.line)] + [(p, line) for p, line, _col, _note in r.related]
        if any(s.covers(line, r.rule) is not None for path, line in places for s in sups(path)):
            report.suppressed += 1
        else:
            kept.append(r)
    return kept


def _unused(path: str, sups: list[suppress.Suppression], ran: list[Rule]) -> list[Result]:
    rule = suppress.UNUSED_SUPPRESSION
    out = []
    for s in sups:
        if s.rules is None:
            if not s.used and ran:
                out.append(Result(path, s.line, s.col, rule, "`# glmlint: ignore` suppresses nothing"))
            continue
        for sel in s.rules:
            if sel in s.used or not any(sel.upper() == r.code or sel == r.slug for r in ran):
                continue  # used, or its rule did not run on this file: no verdict
            out.append(Result(path, s.line, s.col, rule, rule.message.format(what=f"`{sel}` matches no finding")))
    return out


def _map_helm_sources(report: Report) -> None:
    from glmlint.helm import SourceMap

    source = next((s for s in report.sources if s.path == report.stdin), None)
    if source is None:
        return
    smap = SourceMap(source.text)
    if not smap:
        return

    def moved(path: str, line: int) -> tuple[str, int]:
        if path != report.stdin:
            return path, line
        return smap.locate(line) or (path, line)

    results = []
    for r in report.results:
        path, line = moved(r.path, r.line)
        # a fix's edits are in the rendered stream, not in the template the finding now points to
        results.append(records.replace(r, path=path, line=line, edits=None) if path != r.path else r)
    report.results = results
    problems = []
    for p in report.problems:
        path, line = moved(p.path, p.line)
        problems.append(Problem(path, line, p.message, p.level) if path != p.path else p)
    report.problems = problems


def _per_file_ignores(report: Report, config: Config) -> None:
    place = _Place(report, config)
    kept = []
    for r in report.results:
        if place.ignored(r):
            report.suppressed += 1
        else:
            kept.append(r)
    report.results = kept


def _in_context(report: Report, config: Config) -> None:
    """Drop findings a rule does not report in their file's context (documentation, tests, dev
    containers, CI); count them per context, for the summary. A finding kept in its worker as its
    file's came in (`JudgedResult`: `Early.judge` asked the same context, with the same
    configuration) is kept without asking again."""
    place = _Place(report, config, {r.path for r in report.results if r.__class__ is not JudgedResult})
    kept = []
    for r in report.results:
        if r.__class__ is JudgedResult or place.in_context(r):
            kept.append(r)
        else:
            ctx = place.context(r)
            report.out_of_context[ctx] = report.out_of_context.get(ctx, 0) + 1
    report.results = kept


class Early:
    """The project's decisions about a large scan's findings taken file by file, as each file's
    come in (`runner.scan(lean=True)`), so that the scan keeps only the findings it reports: the
    same filters as `apply`, in its order (the configuration's opt-in findings and profile kinds,
    suppression comments, the file's context, `per-file-ignores`), counted as `apply` counts them.
    What `apply` needs at the end of the scan is kept: the suppressions that silenced something (for
    unused-suppression reports) and the fate of each dropped finding (silenced where it is, or not
    reported there), which `_one_per_cause` reads for the findings about another file's value.

    The runner leaves to `apply` the findings whose decision depends on other files: those about
    another file's value (`Result.cause`) and the others of their file, those moved out of a
    rendered chart or overlay, those of a file met twice or of a file an overlay's build reads."""

    def __init__(self, report: Report, config: Config) -> None:
        self.report, self.config = report, config
        # each file's dropped findings' fates, silenced or reported: path -> {place: fate}, a place
        # (line, col, code) packed into one int (`_at`), kept as bytes (`_packed`: 8 bytes a finding,
        # not a dict per file and an int object per finding); only a file's own judge sets its fates
        self.fates: dict[str, bytes | dict[int, bool]] = {}
        # a rule code -> its number in the packed places: the scan's rules numbered in order first, so
        # that a pool's workers, forked with these rules, pack a place as this process does (`apart`)
        self._codes: dict[str, int] = {}
        for rule in report.rules:
            self._codes.setdefault(rule.code, len(self._codes))
        self._numbered = len(self._codes)  # (the codes numbered alike in every process of the scan)
        self.used: dict[str, list[set[str]]] = {}  # path -> each suppression's selectors that silenced something
        self._place = _Place(Report(report.root, report.rules), config)
        # what was counted for each file whose findings may be worked out again at the end of the scan
        # (pods a Service of another file may select: `runner._finish_pooled` checks those again)
        self._counted: dict[str, tuple[int, dict[str, int]]] = {}

    def _at(self, line: int, col: int, code: str) -> int:
        """A place in a file as one int (a scan keeps one per dropped finding): columns below 2**24
        (a file is at most a few MB), rule codes numbered below 2**16."""
        n = self._codes.get(code)
        if n is None:
            n = self._codes[code] = len(self._codes)
        return (line << 40) | (col << 16) | n

    def fate(self, key: tuple[str, int, int, str], unpacked: dict[str, dict[int, bool]] | None = None) -> bool | None:
        """The fate of the dropped finding at `key` (path, line, col, code): silenced where it is
        (True), not reported there (False); None: no finding there was dropped as it came in.
        `unpacked`: each file's fates as a dict, kept for the next call (a file asked about often)."""
        mine = self.fates.get(key[0])
        if not mine or key[3] not in self._codes:
            return None
        if unpacked is None:
            places = _unpacked(mine)
        elif (places := unpacked.get(key[0])) is None:
            places = unpacked[key[0]] = _unpacked(mine)
        return places.get(self._at(key[1], key[2], key[3]))

    def judge(self, source: SourceFile, results: list[Result]) -> list[Result]:
        """The findings of `source` (all in it, none with a cause) that the project reports."""
        if not results:
            return results
        place, config, report = self._place, self.config, self.report
        place.sources[source.path] = source
        sups = suppress.parse(source)
        place.sups[source.path] = sups
        kept: list[Result] = []
        fates = _unpacked(self.fates[source.path]) if source.path in self.fates else None
        at = self._at
        suppressed, contexts = report.suppressed, dict(report.out_of_context)
        for r in results:
            if not _wanted(r, config):
                fate = place.silenced(r)
            else:
                hit = next(((s, sel) for s in sups if (sel := s.covers(r.line, r.rule)) is not None), None)
                if hit is not None:
                    hit[0].used.add(hit[1])
                    report.suppressed += 1
                    fate = True
                elif not place.in_context(r):
                    ctx = place.context(r)
                    report.out_of_context[ctx] = report.out_of_context.get(ctx, 0) + 1
                    fate = False
                elif place.ignored(r):
                    report.suppressed += 1
                    fate = False
                else:
                    if fates:  # reported: the last finding at a place decides its fate, as in `apply`
                        fates.pop(at(r.line, r.col, r.code), None)
                    kept.append(r)
                    continue
            if fates is None:
                fates = {}
            fates[at(r.line, r.col, r.code)] = fate
        if fates is not None:
            self.fates[source.path] = _packed(fates)
        if any(s.used for s in sups):
            used = self.used.setdefault(source.path, [set() for _ in sups])
            for mine, s in zip(used, sups):
                mine |= s.used
        for cache in (place.sources, place.sups, place.roles, place.ignores):
            cache.pop(source.path, None)  # nothing per file is kept
        if source.pod_labels and (report.suppressed != suppressed or report.out_of_context != contexts):
            more = {c: n - contexts.get(c, 0) for c, n in report.out_of_context.items() if n != contexts.get(c, 0)}
            was = self._counted.get(source.path, (0, {}))
            self._counted[source.path] = (was[0] + report.suppressed - suppressed,
                                          {c: was[1].get(c, 0) + more.get(c, 0) for c in {*was[1], *more}})
        return kept

    def for_worker(self) -> Early:
        """An `Early` of the same project for a pool's worker to judge its files' findings with
        (`apart`), as this one would (`take`)."""
        return Early(Report(self.report.root, self.report.rules), self.config)

    def apart(self, source: SourceFile, results: list[Result]) -> tuple[list[Result], tuple[Any, ...]] | None:
        """In a pool's worker, with its own `Early` (`for_worker`): `judge`, and what judging
        `source`'s findings added to the decisions (what was silenced or not reported, and where;
        the suppressions that silenced something), for the scan's `Early` to take (`take`): the
        worker sends only the findings the project reports, not every finding for the parent to
        drop (~4 in 10 on the corpus, issue 12). None (nothing judged) when a finding's rule is not
        one of the scan's rules, whose codes every process numbers alike."""
        codes, numbered = self._codes, self._numbered
        if any(codes.get(r.code, numbered) >= numbered for r in results):
            return None
        report, path = self.report, source.path
        report.suppressed, report.out_of_context = 0, {}
        kept = self.judge(source, results)
        added = (report.suppressed, report.out_of_context, self.fates.pop(path, None), self.used.pop(path, None),
                 self._counted.pop(path, None))
        return kept, (added if added[0] or added[1] or added[2] is not None or added[3] is not None
                      or added[4] is not None else ())

    def take(self, path: str, added: tuple[Any, ...]) -> None:
        """What a worker's `apart` added in judging the findings of the file at `path` (judged once in
        the files' round: a file met twice waits for the end of the scan), as `judge` here would have."""
        if not added:
            return
        suppressed, contexts, fates, used, counted = added
        report = self.report
        report.suppressed += suppressed
        for ctx, n in contexts.items():
            report.out_of_context[ctx] = report.out_of_context.get(ctx, 0) + n
        if fates is not None:
            self.fates[path] = fates
        if used is not None:
            for mine, got in zip(self.used.setdefault(path, [set() for _ in used]), used):
                mine |= got
        if counted is not None:
            was = self._counted.get(path, (0, {}))
            self._counted[path] = (was[0] + counted[0],
                                   {c: was[1].get(c, 0) + counted[1].get(c, 0) for c in {*was[1], *counted[1]}})

    def forget(self, path: str) -> None:
        """What was decided about the findings of `path`, undone: they are worked out again and judged
        at the end of the scan (`apply`)."""
        suppressed, contexts = self._counted.pop(path, (0, {}))
        self.report.suppressed -= suppressed
        for ctx, n in contexts.items():
            left = self.report.out_of_context[ctx] - n
            if left:
                self.report.out_of_context[ctx] = left
            else:
                del self.report.out_of_context[ctx]
        self.used.pop(path, None)
        self.fates.pop(path, None)  # (only the file's own findings set its fates)


def _packed(fates: dict[int, bool]) -> bytes | dict[int, bool]:
    """`Early`'s fates of one file as it keeps them: each place and its fate one unsigned 64-bit
    number (a place is below 2**63 unless a line is past 2**23: then the dict itself)."""
    if fates and max(fates) >> 63:
        return fates
    return array("Q", [(place << 1) | fate for place, fate in fates.items()]).tobytes()


def _unpacked(packed: bytes | dict[int, bool]) -> dict[int, bool]:
    """`_packed`, back as a dict."""
    if isinstance(packed, dict):
        return packed
    got = array("Q")
    got.frombytes(packed)
    return {n >> 1: bool(n & 1) for n in got}
