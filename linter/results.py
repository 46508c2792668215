"""What a scan produces, and how a rule's finding becomes one: `Result` (a finding, ready for
output), `FixEdit`, `Report`; `evaluate` (one rule over one file), `result_of` (a finding as a
`Result`), `moved` (a finding in a rendered chart or overlay, at the file a user edits).

Below the scan (`glmlint.runner`), the fix engine and the policy, which all take these from here.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from operator import attrgetter
from typing import TYPE_CHECKING, Any

from glmlint import records
from glmlint.fix.lowering import expand
from glmlint.ir import JOINED_NETWORK, LINUX_ONLY_FIELDS, ROUTE_KINDS, Format, Problem, SourceFile, Workload
from glmlint.records import dataclass, field
from glmlint.rule import Finding, Fix, FixSafety, Kind, Risk, Rule, Severity, intents_of, names_own_user

if TYPE_CHECKING:
    from glmlint.fingerprint import Identity


@dataclass(frozen=True, slots=True)
class FixEdit:
    """One replacement of a verified fix, in the finding's file: `[start, end)` as 1-based line and
    column (code points), replaced by `text` (empty: a deletion; start == end: an insertion)."""

    start_line: int
    start_col: int
    end_line: int
    end_col: int
    text: str


@dataclass(frozen=True, slots=True)
class FixTitle:
    """What a report shows of one intent of a fix: its title, without the IR it edits (a lean scan's
    fixes, `lean_fix`)."""

    title: str
    own_user: bool = False  # it sets the image's own user, which a project's `fix-user` replaces (`rule.names_own_user`)


def lean_fix(fix: Fix, kept: dict[tuple[Any, ...], Fix]) -> Fix:
    """`fix` as `glmlint check` reports it: its titles and safety (`Fix.title`, `Fix.safety`), not
    the intents and the IR settings they name (`scan(lean=True)`). Equal ones are one object, from
    `kept` (a scan's ~9,000 findings have a few hundred distinct fixes)."""
    key = (tuple((i.title, names_own_user(i)) for i in fix.intents), fix.safety, fix.user, fix.chosen)
    got = kept.get(key)
    if got is None:
        got = kept[key] = Fix(tuple(FixTitle(*t) for t in key[0]), fix.safety, fix.user, fix.chosen)  # type: ignore[misc]
    return got


@dataclass(frozen=True, slots=True)
class Result:
    """One finding, ready for output."""

    path: str
    line: int
    col: int
    rule: Rule
    message: str
    fix: Fix | None = None
    workload: str | None = None
    cause: tuple[str, int, int] | None = None  # another file's (path, line, col) the finding is about
    risk_override: Risk | None = None  # the finding's own risk, when the rule set one (`Finding.risk`)
    kind_override: Kind | None = None  # the finding's own kind, when the rule set one (`Finding.kind`)
    enabled_by: str | None = None  # reported only when this configuration setting is on (`Finding.enabled_by`)
    # the fix's verified edits against the file as scanned (`scan(fix_edits=True)`); None: not
    # computed, or the fix did not verify
    edits: tuple[FixEdit, ...] | None = None
    related: tuple[tuple[str, int, int, str], ...] = ()  # other places that set it: (path, line, col, note)
    rendered_from: str | None = None  # the Helm chart or Kustomize overlay whose rendering it was found in
    # a fix through a chart: the value to replace in the values file or template, or why there is
    # none (`glmlint.fix.chart.ChartFix`)
    value_edit: Any = None
    # found in a rendered chart or overlay but not placed at the line that wrote it (a template packed
    # in a `.tgz`, a generated resource): its message says where it comes from (`Place.detail`)
    unmapped: bool = False

    @property
    def code(self) -> str:
        return self.rule.code

    @property
    def severity(self) -> Severity:
        return self.rule.severity

    @property
    def risk(self) -> Risk:
        return self.risk_override or self.rule.risk

    @property
    def kind(self) -> Kind:
        """The finding's kind: its own (an explicit root user is a misconfiguration of a
        hardening rule), else its rule's."""
        return self.kind_override or self.rule.kind

    @property
    def identity(self) -> Identity:
        """Which finding this is, for the baseline, SARIF/GitLab fingerprints and the fix engine: rule,
        file, workload and message, never the line (`glmlint.fingerprint`, imported when first asked:
        a plain check needs no identity)."""
        from glmlint.fingerprint import Identity

        return Identity(self.rule.code, self.path, self.workload, self.message)

    def sort_key(self) -> tuple[str, int, int, str]:
        return (self.path, self.line, self.col, self.rule.code)


# the fields of a `Result` that most findings leave at their default, in order, with the defaults
_RARE = ("cause", "risk_override", "kind_override", "enabled_by", "edits", "related", "rendered_from", "value_edit",
         "unmapped")
_RARE_DEFAULTS = tuple(Result.__record__.defaults[f] for f in _RARE)  # (`records`: no dataclasses imported)


class LeanResult:
    """A `Result` as a lean scan (`glmlint check`) keeps it until the report is written: the same
    fields, read and replaced as a `Result`'s (`records.replace`, `dataclasses.replace`), equal to
    and hashed as the `Result` of the same fields, but the nine fields most findings leave at their
    default (`_RARE`) in one slot, None when they all are: 8 slots, not 17 (~96 bytes, not ~176:
    one per finding reported, issue 12)."""

    __slots__ = ("path", "line", "col", "rule", "message", "fix", "workload", "_rare")
    __record__ = Result.__record__  # its fields are a Result's (`records.fields`, `records.replace`)
    __dataclass_fields__ = Result.__dict__["__dataclass_fields__"]

    def __init__(self, path: str, line: int, col: int, rule: Rule, message: str, fix: Fix | None = None,
                 workload: str | None = None, cause: tuple[str, int, int] | None = None,
                 risk_override: Risk | None = None, kind_override: Kind | None = None, enabled_by: str | None = None,
                 edits: tuple[FixEdit, ...] | None = None, related: tuple[tuple[str, int, int, str], ...] = (),
                 rendered_from: str | None = None, value_edit: Any = None, unmapped: bool = False) -> None:
        self.path, self.line, self.col, self.rule, self.message, self.fix, self.workload = \
            path, line, col, rule, message, fix, workload
        if (cause is None and risk_override is None and kind_override is None and enabled_by is None and edits is None
                and related == () and rendered_from is None and value_edit is None and unmapped is False):
            self._rare = None
        else:
            self._rare = (cause, risk_override, kind_override, enabled_by, edits, related, rendered_from, value_edit,
                          unmapped)

    @property
    def risk(self) -> Risk:
        rare = self._rare
        return (rare is not None and rare[1]) or self.rule.risk

    @property
    def kind(self) -> Kind:
        rare = self._rare
        return (rare is not None and rare[2]) or self.rule.kind

    code = Result.__dict__["code"]
    severity = Result.__dict__["severity"]
    identity = Result.__dict__["identity"]
    sort_key = Result.__dict__["sort_key"]

    def __eq__(self, other: Any) -> Any:
        if getattr(other, "__record__", None) is Result.__record__:
            return _RESULT_VALUES(self) == _RESULT_VALUES(other)
        return NotImplemented

    def __hash__(self) -> int:
        return hash(_RESULT_VALUES(self))

    def __repr__(self) -> str:
        return "Lean" + repr(Result(*_RESULT_VALUES(self)))

    def __reduce__(self) -> tuple[Any, ...]:
        return LeanResult, _RESULT_VALUES(self)


def _rare(i: int, default: Any) -> property:
    def get(self: LeanResult) -> Any:
        rare = self._rare
        return default if rare is None else rare[i]

    return property(get)


for _i, (_name, _default) in enumerate(zip(_RARE, _RARE_DEFAULTS)):
    setattr(LeanResult, _name, _rare(_i, _default))
del _i, _name, _default


class JudgedResult(LeanResult):
    """A `LeanResult` that the project's decisions (`policy.Early`) kept as its file's findings came in,
    in a pool's worker: `policy.apply`, which takes it again, does not ask its file's context about it a
    second time (`policy._in_context`: ~1,200 files' contexts, each a walk up to its repository's root,
    were ~20 ms of the pooled parent's serial end of the corpus, issue 12). The same fields, equal to
    and hashed as the `LeanResult` of the same fields; pickled as one."""

    __slots__ = ()

_RESULT_VALUES = attrgetter(*records.fields(Result))  # a result's fields, in order (a Result's or a LeanResult's)
assert records.fields(Result)[7:] == _RARE
_PATH = attrgetter("path")


def sort_results(results: list[Result]) -> None:
    """`results.sort(key=Result.sort_key)`, without a key tuple made for every result at once (a
    large report's ~20,000 findings: ~1.8 MB of keys at the scan's peak of memory, issue 12): by
    path first (the keys are the results' own strings), then each file's findings by place, made
    only for a file whose findings are out of order. The same order: both sorts are stable, and
    within one path the place decides as the whole key does."""
    if _sorted(results):
        return
    results.sort(key=_PATH)
    start, n = 0, len(results)
    while start < n:
        path, end = results[start].path, start + 1
        while end < n and results[end].path == path:
            end += 1
        if end - start > 1 and not _sorted(results, start, end):
            results[start:end] = sorted(results[start:end], key=Result.sort_key)
        start = end


def _sorted(results: list[Result], start: int = 0, end: int | None = None) -> bool:
    """Whether `results[start:end]` are in `Result.sort_key` order (two keys at a time)."""
    end = len(results) if end is None else end
    if end - start < 2:
        return True
    key = Result.sort_key
    last = key(results[start])
    for i in range(start + 1, end):
        got = key(results[i])
        if got < last:
            return False
        last = got
    return True


@dataclass
class Report:
    root: str
    rules: list[Rule]
    results: list[Result] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    sources: list[SourceFile] = field(default_factory=list)
    files_scanned: int = 0
    stdin: str | None = None  # the name standard input is reported under, when it was read
    suppressed: int = 0  # findings silenced by inline comments or per-file-ignores
    baselined: int = 0  # findings already recorded in the baseline
    out_of_context: dict[str, int] = field(default_factory=dict)  # context -> findings not reported there
    # Dockerfiles read from disk only to link the compose files that build them (`unscanned_images`):
    # not scanned, not reported; the fix engine links its re-parses with them too
    linked: list[SourceFile] = field(default_factory=list)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.level == "error"]


def evaluate(source: SourceFile, rule: Rule) -> list[tuple[Finding, Workload | None]]:
    """What one rule finds in one file: whole-file findings, then each workload's."""
    if not rule.applies_to(source.format):
        return []
    return _evaluate(source, rule)


def _evaluate(source: SourceFile, rule: Rule) -> list[tuple[Finding, Workload | None]]:
    """`evaluate` for a rule known to apply to the file's format."""
    out: list[tuple[Finding, Workload | None]] = []
    file_check = rule.file_check
    if file_check is not None:
        for finding in file_check(source):
            out.append((finding, finding.workload))
    check = rule.check
    if check is not None and source.workloads:
        if type(rule).__call__ is not _RULE_CALL:  # a rule class of its own: called as it says
            for workload in source.workloads:
                for finding in rule(workload):
                    out.append((finding, workload))
            return out
        # `Rule.__call__` inline (once per rule and workload: ~70k calls on the corpus)
        params = rule.params
        for workload in source.workloads:
            for finding in check(workload) if params is None else check(workload, params):
                out.append((finding, workload))  # most yield nothing: no generator around theirs
    return out


_RULE_CALL = Rule.__call__


def message_of(source: SourceFile, rule: Rule, finding: Finding, workload: Workload | None) -> str:
    """The message `result_of` gives the finding (what the fix engine's verification compares, without
    making the whole result: `glmlint.fix.engine._seen`)."""
    message = finding.message or rule.message.format(**finding.args)
    at = finding.at
    if at.file and at.file != source.path and workload is not None:
        return message + _elsewhere(source, workload, at, finding.args.get("readers", 1))
    assumed = source.assumed.get((at.line, at.col)) if not at.file else None
    if assumed and finding.assumed is not None:
        assumed = tuple(v for v in assumed if v in finding.assumed)
    if assumed:
        message += " when " + " and ".join(f"`{v}`" for v in assumed) + (" is" if len(assumed) == 1 else " are") + " unset"
    return message


def _elsewhere(source: SourceFile, workload: Workload, at: Any, readers: int = 1) -> str:
    """What a finding about a value set in another file adds to its message: where. `readers`: how many
    workloads of the file the finding is about (an env file they all read)."""
    if workload.format is Format.KUBERNETES:  # a Service of another file that selects the pod (an Ingress to one)
        what = next((e.kind for e in workload.exposed_by if e.kind in ROUTE_KINDS and e.loc == at), "Service")
        return f" (the {what} is in `{at.file}:{at.line}`)"
    if any(v.env_file == at.file for v in workload.env):  # a compose `env_file:`, a `--env-file` it reads
        if workload.format is Format.DOCKER_RUN:
            return f" (set in `{at.file}:{at.line}`, an `--env-file` " + ("it reads)" if readers == 1 else "each reads)")
        return f" (set in `{at.file}:{at.line}`, an `env_file` of " + ("the service)" if readers == 1 else "each)")
    joined = next((e.name for e in workload.exposed_by if e.kind == JOINED_NETWORK and any(p.loc == at for p in e.ports)),
                  None)
    if joined is not None and workload.format is Format.COMPOSE:  # `network_mode: service:vpn`, vpn in another -f file
        return f" (`{joined}`'s port is in `{at.file}:{at.line}`, a file Compose merges with this one)"
    if workload.format is Format.DOCKER_RUN:
        from glmlint.parsers import KUBE, QUADLET

        if source.path.endswith((QUADLET, KUBE)):  # a Quadlet unit's value set in its pod, a drop-in, the YAML it plays
            from glmlint.parsers.quadlet import merged_from

            how = merged_from(at.file)
            if how is not None:
                return f" (set in `{at.file}:{at.line}`, {how})"
    if workload.format is Format.DOCKER_RUN and at.file.lower().endswith((".yml", ".yaml")):
        return f" (set in `{at.file}:{at.line}`, the service's compose file)"  # `docker compose run SERVICE`
    if at.file.lower().endswith((".yml", ".yaml")):  # a compose service it `extends`, or the override file
        from glmlint.parsers.compose import OVERRIDE_FILES

        how = "the override file Compose merges over it" if at.file.rsplit("/", 1)[-1] in OVERRIDE_FILES \
            else "in the service it extends" if workload.extends_depth \
            else "a file Compose merges it over (`-f`)"
        return f" (set in `{at.file}:{at.line}`, {how})"
    # a script a `RUN` runs (`COPY setup.sh /tmp/` + `RUN bash /tmp/setup.sh`), not one the container starts
    built = not any(c.loc.file == at.file for c in workload.process) and \
        any(c.loc.file == at.file for c in workload.build_steps)
    if workload.format is Format.DOCKERFILE:  # the entrypoint script it copies from the build context
        return f" (in `{at.file}:{at.line}`, " + ("a script a build step runs)" if built else "the script it starts)")
    if not _dockerfile_name(at.file):  # the same, in the image a compose service is built from
        return f" (in `{at.file}:{at.line}`, " + ("a script its image's build runs)" if built
                                                   else "the script its image starts)")
    return f" (set in its image, built from `{at.file}:{at.line}`)"


def _runner_of(workload: Workload, at: Any) -> Any:
    """Where the Dockerfile runs the script a finding `at` is in: the command of the Dockerfile that comes
    before the script's commands in the build steps (`RUN bash /tmp/setup.sh`: `_run_scripts` puts them right
    after the command that runs it) or in the container's process (`CMD ["start-lab.sh"]`: the entrypoint
    script's commands follow the ENTRYPOINT/CMD's), the one before its command on `at`'s line first; None when
    neither is in that file."""
    last = first = None
    for cmd in (*workload.build_steps, *workload.process):
        file = cmd.loc.file
        if not file:
            last = cmd.loc
        elif file == at.file and last is not None:
            if cmd.loc.line == at.line:
                return last
            first = first or last
    return first


def result_of(source: SourceFile, rule: Rule, finding: Finding, workload: Workload | None) -> Result:
    message = message_of(source, rule, finding, workload)
    intents = intents_of(finding) if not source.json and not (workload is not None and workload.no_fix) else ()
    if intents:
        intents = expand(intents, workload)  # in the engine's terms; none when it cannot write them here
    if workload is not None and workload.windows:
        # never write a Linux-only field into a Windows pod: the API server refuses it
        intents = tuple(i for i in intents if getattr(i, "field", None) not in LINUX_ONLY_FIELDS)
    at = finding.at
    if at.file and at.file != source.path and workload is not None:
        # about a value inherited from another file (the Dockerfile a service is built from):
        # reported at the workload, naming that file (`message_of`); its fix would edit the other file
        where = _runner_of(workload, at) if workload.format is Format.DOCKERFILE else None
        where = where or workload.anchor
        return Result(source.path, where.line, where.col, rule, message, None,
                      workload.label, (at.file, at.line, at.col), risk_override=finding.risk,
                      kind_override=finding.kind, enabled_by=finding.enabled_by)
    fix = None
    if intents and rule.fix is not None:
        safety = finding.fix_safety or rule.fix
        if rule.fix is FixSafety.SAFE and safety is FixSafety.UNSAFE:
            safety = FixSafety.UNSAFE
        fix = Fix(intents, safety)
    return Result(source.path, finding.at.line, finding.at.col, rule, message, fix,
                  workload.label if workload is not None else None, enabled_by=finding.enabled_by,
                  risk_override=finding.risk, kind_override=finding.kind)


def _dockerfile_name(path: str) -> bool:
    """A Dockerfile's name (`Dockerfile`, `Dockerfile.gpu`, `train.Dockerfile`, `Containerfile`)."""
    name = path.replace("\\", "/").rsplit("/", 1)[-1].lower()
    return name.startswith(("dockerfile", "containerfile")) or name.endswith((".dockerfile", ".containerfile"))


def moved(source: SourceFile, r: Result, value_edit: Callable[[Result, Any, Any], Any] | None = None) -> Result:
    """A finding in a rendered stream, moved to the file a user edits (the template, the resource).
    `value_edit(r, place, related)`: its fix through a Helm chart (`glmlint.fix.chart`), if any."""
    got = source.origins.locate(r.line, r.col)
    if got is None:
        where = source.origins.fallback(r.line)
        return records.replace(r, path=where.path, line=where.line, col=where.col, fix=None, edits=None,
                                   message=f"{r.message} ({where.detail})", rendered_from=source.path,
                                   unmapped=True)
    place, related = got
    inner = source.embedded.get((r.line, r.col)) if source.embedded else None
    values = source.origins.values_place(r.line, inner) if inner else None
    if values is not None:
        # a chart's values that a Secret hands to the service (a zero-to-jupyterhub hub's): the values line
        # that set it, the template that wrote the Secret beside it
        place, related, value_edit = values, (records.replace(place, note="through the Secret"),), None
    message = r.message if not place.detail else f"{r.message} ({place.detail})"
    for rel in related:
        message += f" ({rel.note} `{rel.path}:{rel.line}`)" if rel.note else ""
    edit = value_edit(r, place, related) if value_edit is not None else None
    return records.replace(r, path=place.path, line=place.line, col=place.col, message=message,
                               fix=r.fix if edit is not None and edit.edit is not None else None, edits=None,
                               value_edit=edit,
                               related=tuple((p.path, p.line, p.col, p.note) for p in related),
                               rendered_from=source.path, unmapped=bool(place.detail))


def found(source: SourceFile, rules: Iterable[Rule]) -> list[Result]:
    """What `rules` find in `source`, as results (moved out of a rendered stream), with no fix edits:
    where findings are, to compare two parses (`glmlint.fix.chart`). A rule that fails finds nothing."""
    out = []
    for rule in rules:
        try:
            got = evaluate(source, rule)
        except Exception:
            continue
        out.extend(result_of(source, rule, finding, workload) for finding, workload in got)
    if source.origins is not None:
        out = [moved(source, r) for r in out]
    return out
