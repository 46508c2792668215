"""Rule metadata, findings and fix intents: the API rule modules are written against."""
from __future__ import annotations

import enum
import functools
import re
import sys
from collections.abc import Callable, Iterable
from typing import Any, Union

from glmlint.ir import Format, Item, Loc, Mount, Port, Setting, SourceFile, Workload, formats_read
from glmlint.records import dataclass, field


class Severity(str, enum.Enum):
    ERROR = "error"
    WARNING = "warning"

    def __str__(self) -> str:
        return self.value


class Risk(str, enum.Enum):
    """How much a finding matters, in the words GitHub code scanning uses for a SARIF
    `security-severity` score: critical 9.0-10, high 7.0-8.9, medium 4.0-6.9, low 0.1-3.9."""

    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    CRITICAL = "critical"

    def __str__(self) -> str:
        return self.value

    @property
    def rank(self) -> int:
        """0 (low) to 3 (critical): sort by it."""
        return _RISK_RANK[self]

    @property
    def score(self) -> float:
        """The `security-severity` a rule that declares only this level gets."""
        return _RISK_SCORE[self]

    @classmethod
    def of_score(cls, score: float) -> Risk:
        if score >= 9.0:
            return cls.CRITICAL
        if score >= 7.0:
            return cls.HIGH
        if score >= 4.0:
            return cls.MEDIUM
        return cls.LOW


_RISK_ORDER = (Risk.LOW, Risk.MEDIUM, Risk.HIGH, Risk.CRITICAL)
_RISK_RANK = {risk: rank for rank, risk in enumerate(_RISK_ORDER)}
_RISK_SCORE = {Risk.LOW: 3.0, Risk.MEDIUM: 5.5, Risk.HIGH: 8.0, Risk.CRITICAL: 9.5}


class Kind(str, enum.Enum):
    """What a finding is about, which decides where it is worth reporting (docs/context.md).

    EXPOSURE: something others can reach or read (an open Jupyter, an exposed model
    server, a password login, a secret in the file). MISCONFIGURATION: a setting
    that weakens isolation (privileged, a Docker socket mount, a host namespace).
    HARDENING: a protection that is absent (no `cap_drop: [ALL]`, no memory limit):
    the checklist, reported where containers are deployed from.
    """

    EXPOSURE = "exposure"
    MISCONFIGURATION = "misconfiguration"
    HARDENING = "hardening"

    def __str__(self) -> str:
        return self.value


class FixSafety(str, enum.Enum):
    """How far a fix may be trusted: SAFE hardens without plausible breakage."""

    SAFE = "safe"
    UNSAFE = "unsafe"

    def __str__(self) -> str:
        return self.value


# -- fix intents: what a rule wants changed, in IR terms ----------------------
#
# Rules say *what* should change; the fix engine (`glmlint.fix`) decides how to
# write it in each format (a YAML key, a compose list item, a Dockerfile
# instruction, a shell word) with the smallest possible text edit. A rule never
# builds replacement text: the text operations (`ReplaceText`, `RemoveWord`,
# `RemoveCommand`) are what the engine expands the rules' own terms into
# (`RemoveSetting`, `SetDirective`, `PublishLoopback`, `MountReadOnly`,
# `RestoreDefault`, below), kept here for plugins written against them.


@dataclass(frozen=True, slots=True)
class Unset:
    """Turn off an explicit setting: a boolean becomes false, a list item or mode goes away."""

    setting: Setting[Any]
    title: str


@dataclass(frozen=True, slots=True)
class SetValue:
    """Set the workload's IR field `field` to `value`, adding the setting where it is absent.

    Fields the engine can write: `user`, `run_as_non_root`, `privileged`,
    `allow_privilege_escalation`, `read_only_rootfs`, `seccomp`, `apparmor`,
    `host_network`, `host_pid`, `host_ipc`, and `sshd.<Keyword>` (an sshd option:
    `-o Keyword=value` on the visible sshd start command, or a build step that
    edits `sshd_config`).
    """

    setting: Setting[Any]
    field: str
    value: Any
    title: str


@dataclass(frozen=True, slots=True)
class EnsureItem:
    """Make the list setting `field` (`cap_drop`, `cap_add`, `security_opts`) hold `item`."""

    setting: Setting[tuple[Item, ...]]
    field: str
    item: str
    title: str


@dataclass(frozen=True, slots=True)
class RemoveItem:
    """Remove one element of a list setting (a capability, a security option, a port)."""

    item: Item
    title: str


@dataclass(frozen=True, slots=True)
class ReplaceText:
    """Replace `old` (non-empty), found at `loc` or after it, with `new`.

    `before` is a regular expression the text just before `old` must match
    (`PasswordAuthentication[ \\t=]+`); when it is given, the last match on
    `loc`'s line is taken (in `s/#Key yes/Key yes/` the value written is the
    last one), else the first `old` at or after `loc`.
    """

    loc: Loc
    old: str
    new: str
    title: str
    before: str = ""


@dataclass(frozen=True, slots=True)
class RemoveWord:
    """Remove the command-line word (an argument, an exec-form array element, a YAML
    `command:`/`args:` item) or the config statement (`c.ServerApp.token = ''`)
    that starts at `loc`, with its separator. `count` words when a flag takes its
    value as the next word (`--token ''`)."""

    loc: Loc
    title: str
    count: int = 1


@dataclass(frozen=True, slots=True)
class RemoveCommand:
    """Remove the shell command that starts at `loc` (`echo "c.ServerApp.token = ''" >> cfg`)
    with the `&&`/`;` that joins it to its neighbours, or the whole `RUN` when it is alone."""

    loc: Loc
    title: str


# -- what a rule asks for; the engine decides the text (`glmlint.fix.lowering.expand` turns each into
# the edits above, or offers no fix when it cannot write it in this file) --------------------------


@dataclass(frozen=True, slots=True)
class RemoveSetting:
    """Remove what sets a service's option (Jupyter's `token`, `allow_root`), as it is written:
    `how` is `cli` (the command-line flag at `loc`, `words` words: 2 for `--flag value`) or
    `config` (the statement `statement`, a config-file line the build step at `loc` writes;
    `whole_step`: that line is all the step writes, so the step goes)."""

    loc: Loc
    how: str
    title: str
    words: int = 1
    statement: str | None = None
    whole_step: bool = False


@dataclass(frozen=True, slots=True)
class SetDirective:
    """Give the config directive `keyword`, written at `loc` with the value `value` (an sshd_config
    line, a `sed`/`echo` that writes one, an `sshd -o Keyword=value`), the value `new`."""

    loc: Loc
    keyword: str
    value: str
    new: str
    title: str


@dataclass(frozen=True, slots=True)
class PublishLoopback:
    """Publish `port` (a compose `ports:` entry, a `docker run -p`) on the loopback address only."""

    port: Port
    title: str


@dataclass(frozen=True, slots=True)
class MountReadOnly:
    """Make `mount` read-only (`:ro`, `read_only: true`, `readOnly: true`, as the mount is written)."""

    mount: Mount
    title: str


@dataclass(frozen=True, slots=True)
class RestoreDefault:
    """Put a confinement setting (`seccomp`, `apparmor`, `selinux`, `system_paths`) back to the
    runtime's default: without the runtime option that changes it, or the field set to the
    default profile where absence is not the default (Kubernetes' `RuntimeDefault`)."""

    setting: Setting[Any]
    field: str
    title: str


Intent = Union[Unset, SetValue, EnsureItem, RemoveItem, ReplaceText, RemoveWord, RemoveCommand,
               RemoveSetting, SetDirective, PublishLoopback, MountReadOnly, RestoreDefault]


def unset(setting: Setting[Any], *, title: str) -> Unset:
    return Unset(setting, title)


def set_value(setting: Setting[Any], field: str, value: Any, *, title: str) -> SetValue:
    return SetValue(setting, field, value, title)


def ensure_item(setting: Setting[tuple[Item, ...]], field: str, item: str, *, title: str) -> EnsureItem:
    return EnsureItem(setting, field, item, title)


def remove_item(item: Item, *, title: str) -> RemoveItem:
    return RemoveItem(item, title)


# The non-root user the fix engine writes (`--fix-user`, the config's `fix-user`, else
# DEFAULT_FIX_USER): a rule asks for it with this value, and names it in a title with it.
FIX_USER = "{fix_user}"
DEFAULT_FIX_USER = "10001"


def own_user(value: Any) -> str | None:
    """The user a `set_value(…, "user", …)` names when it is not the configured fix user: the image's
    own user (GLM001 on an image the catalog knows), written as it is (no group: the image's
    /etc/passwd gives its primary group)."""
    return value if isinstance(value, str) and value and value != FIX_USER else None


@dataclass(frozen=True, slots=True)
class Fix:
    intents: tuple[Intent, ...]
    safety: FixSafety
    user: str = DEFAULT_FIX_USER  # what FIX_USER stands for in titles
    # the project chose `user` (its `fix-user`, even one equal to the default): it wins over an image's own
    # user, as the edits `glmlint fix` writes have it (`fix.engine.Options.user_set`)
    chosen: bool = False

    @property
    def title(self) -> str:
        return self.title_for(self.user, self.chosen)

    def title_for(self, user: str, chosen: bool = False) -> str:
        """The title, naming `user` where the rule wrote FIX_USER, and, when the user chose it
        (`chosen`), where the rule asked for the image's own user too."""
        return "; ".join((f"Run as the non-root user {user}" if chosen and names_own_user(i)
                          else i.title.replace(FIX_USER, user))
                         for i in self.intents if i.title)


def names_own_user(intent: Any) -> bool:
    """Whether `intent` sets the image's own user (`own_user`), which a user the project chose replaces;
    a lean scan's fix keeps only this of it (`results.FixTitle.own_user`)."""
    if isinstance(intent, SetValue):
        return intent.field == "user" and own_user(intent.value) is not None
    return getattr(intent, "own_user", False) is True


@dataclass(frozen=True, slots=True)
class Finding:
    """What a rule yields: where, the message arguments, and optionally a fix."""

    at: Loc
    args: dict[str, Any] = field(default_factory=dict)
    fix: Intent | tuple[Intent, ...] | None = None
    fix_safety: FixSafety | None = None  # lower than the rule's declared safety, when needed
    message: str | None = None  # overrides the rule's message template
    risk: Risk | None = None  # overrides the rule's risk where context makes it worse (or milder)
    # overrides the rule's kind for this finding: GLM001's explicit root user (`USER root`,
    # `runAsUser: 0`) is a misconfiguration, where its absent non-root user is hardening
    kind: Kind | None = None
    # reported only when the configuration setting named here is on (`require-digest`): a
    # stricter policy some projects want, that the rule's default does not impose. Not `Rule.opt_in`,
    # which keeps a whole rule off unless a selection or profile names it.
    enabled_by: str | None = None
    # the variables whose defaults the finding rests on, where fewer than every one its value was read
    # through (`postgresql://${DB_USER:-app}:s3cret@db`: none, the password is literal); None: all
    assumed: tuple[str, ...] | None = None
    # a whole-file check's finding about one workload of the file (GLM013's secret in an env file several
    # workloads read: reported as the first one's): reported as a workload check's would be
    workload: Workload | None = field(default=None, compare=False, repr=False)


_READS: dict[frozenset[Format], frozenset[Format]] = {}  # Rule.formats -> Rule.reads


@dataclass(frozen=True)
class Rule:
    """A rule: metadata plus the function that checks a workload (or a file)."""

    code: str
    slug: str
    severity: Severity
    message: str
    formats: frozenset[Format]
    check: Callable[[Workload], Iterable[Finding]] | None
    doc: str
    fix: FixSafety | None = None
    tags: tuple[str, ...] = ("security",)
    since: str = "0.1.0"
    security_severity: float | None = None
    file_check: Callable[[SourceFile], Iterable[Finding]] | None = None
    module: str = ""
    risk_level: Risk | None = None  # declared risk; see `risk`
    kind: Kind = Kind.MISCONFIGURATION
    # kinds some of its findings carry instead of `kind` (`Finding.kind`): GLM001's explicit root user
    # is a misconfiguration where its absent non-root user is hardening
    finding_kinds: frozenset[Kind] = frozenset()
    # set by a profile that takes the rule for some of its kinds only (`essential` takes GLM001 for its
    # explicit root user): only findings of these kinds are reported; None: all
    kinds_reported: frozenset[Kind] | None = None
    # The file roles (`glmlint.context.CONTEXTS`) the rule reports in by default; None: as its kind.
    contexts: frozenset[str] | None = None
    # A short name for what the rule wants, for the text report's one line per workload
    # that lists a workload's missing hardening ("cap_drop ALL", "memory limit").
    checklist: str = ""
    # A rule's parameters (the Pod Security Standards level and version its check judges at):
    # when not None, the check is called as `check(workload, params)`; a profile replaces them.
    params: Any = None
    # Off unless asked for (`--select`, a profile): the Pod Security Standards rules, whose checks
    # overlap the default rules' (GLM023 and GLM009) and whose verdict depends on a level.
    opt_in: bool = False
    # the rule reads what the cross-file link fills in from other files (`PodIdentity.grants`): a pooled
    # scan runs it after linking, in the parent process (see runner)
    scan_wide: bool = False

    # when a rule declared `fix=SAFE` gives some findings an unsafe fix: the condition, in words
    # ("the workload may run as root"), shown by `glmlint rules` and on the rule page
    fix_unsafe_when: str | None = None
    # for a rule that reads the service catalog: which cataloged services it judges (a predicate
    # over `glmlint.catalog.services.Service`); `glmlint explain` lists them with their sources
    services: Callable[[Any], bool] | None = None

    def matches(self, selector: str) -> bool:
        """A selector is a code (`GLM001`), a slug (`run-as-root`), a prefix (`GLM00`, `GLM`) or `ALL`."""
        sel = selector.strip()
        return sel.upper() == "ALL" or sel == self.slug or self.code.startswith(sel.upper())

    @property
    def fix_label(self) -> str:
        """The fix safety as `glmlint rules` lists it: `safe`, `unsafe`, `safe/unsafe` or `-`."""
        if self.fix is None:
            return "-"
        if self.fix is FixSafety.SAFE and self.fix_unsafe_when:
            return "safe/unsafe"
        return str(self.fix)

    def __call__(self, workload: Workload) -> Iterable[Finding]:
        if self.check is None:
            return ()
        if self.params is not None:
            return self.check(workload, self.params)  # type: ignore[call-arg]
        return self.check(workload)

    def on_file(self, fn: Callable[[SourceFile], Iterable[Finding]]) -> Callable[[SourceFile], Iterable[Finding]]:
        """Register a whole-file check (e.g. a repository `sshd_config`) for this rule."""
        object.__setattr__(self, "file_check", fn)
        return fn

    @property
    def reads(self) -> frozenset[Format]:
        """The formats the rule applies to: those declared, and those sharing their controls."""
        declared = frozenset(self.formats) if not isinstance(self.formats, frozenset) else self.formats
        got = _READS.get(declared)
        if got is None:  # asked for every rule on every file: worked out once per set of formats
            got = _READS[declared] = frozenset(formats_read(declared))
        return got

    def applies_to(self, fmt: Format) -> bool:
        return fmt in self.reads

    @property
    def kinds(self) -> frozenset[Kind]:
        """Every kind its findings can have: `kind`, and `finding_kinds`."""
        return frozenset({self.kind}) | self.finding_kinds

    @property
    def summary(self) -> str:
        """The docstring's first line."""
        return self.doc.strip().splitlines()[0].strip() if self.doc.strip() else self.slug

    @property
    def security(self) -> bool:
        """A security finding: every rule but one declared with a security-severity of 0 (GLM100,
        an unused suppression), which code scanning must not rank as a vulnerability."""
        return self.security_severity is None or self.security_severity > 0

    @property
    def score(self) -> float:
        """GitHub's security-severity (0-10): as declared, else the declared risk's
        (`Risk.score`), else error 8.0 (high), warning 5.0 (medium)."""
        if self.security_severity is not None:
            return self.security_severity
        if self.risk_level is not None:
            return self.risk_level.score
        return 8.0 if self.severity is Severity.ERROR else 5.0

    @functools.cached_property
    def risk(self) -> Risk:
        """The rule's risk level: the one its `security-severity` falls in (worked out once: a report
        asks for it several times per finding)."""
        return Risk.of_score(self.score)


_CODE = re.compile(r"^[A-Z]{2,5}[0-9]{3,4}$")
_SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


def rule(
    *,
    code: str,
    slug: str,
    severity: Severity,
    message: str,
    formats: Iterable[Format],
    fix: FixSafety | None = None,
    tags: tuple[str, ...] = ("security",),
    since: str = "0.1.0",
    security_severity: float | None = None,
    params: Any = None,
    opt_in: bool = False,
    risk: Risk | None = None,
    kind: Kind = Kind.MISCONFIGURATION,
    finding_kinds: Iterable[Kind] = (),
    contexts: Iterable[str] | None = None,
    checklist: str = "",
    scope: str = "workload",
    fix_unsafe_when: str | None = None,
    services: Callable[[Any], bool] | None = None,
) -> Callable[[Callable[..., Iterable[Finding]]], Rule]:
    """Declare a rule's metadata beside its check; the module docstring is its documentation.

    `risk` (critical/high/medium/low) or a finer `security_severity` score says how much a
    finding matters (default: error high, warning medium); `kind` and `contexts` where it is
    worth reporting (docs/context.md), `finding_kinds` the other kinds some findings carry
    (`Finding.kind`); `params` what the check is called with as a second
    argument (the PSS level and version), `opt_in` a rule that runs only when selected.
    `scope`: `workload` (the check takes a `Workload`), `file` (it takes a `SourceFile`: Kubernetes
    RBAC objects, a repository `sshd_config`), or `scan` (a `SourceFile` whose cross-file links,
    such as `PodIdentity.grants`, are resolved over the whole scan). `fix_unsafe_when`: for a rule
    whose fix is safe except in a case it can tell (findings then carry `fix_safety=UNSAFE`), that
    case in words. `services`: for a rule that reads the service catalog, which cataloged services it
    judges (a predicate over a `Service`), for `glmlint explain`."""
    if scope not in ("workload", "file", "scan"):
        raise ValueError(f"rule scope {scope!r} must be workload, file or scan")
    if not _CODE.match(code):
        raise ValueError(f"rule code {code!r} must look like ABC123")
    if not _SLUG.match(slug):
        raise ValueError(f"rule slug {slug!r} must be kebab-case")
    if security_severity is not None and not 0.0 <= security_severity <= 10.0:
        raise ValueError(f"{code}: security_severity must be within 0-10")
    if risk is not None and security_severity is not None and Risk.of_score(security_severity) is not risk:
        raise ValueError(f"{code}: security_severity {security_severity} is {Risk.of_score(security_severity)}, "
                         f"not {risk}")
    if contexts is not None:
        from glmlint.context import CONTEXTS

        unknown = set(contexts) - set(CONTEXTS)
        if unknown:
            raise ValueError(f"{code}: unknown contexts {sorted(unknown)}; known: {', '.join(CONTEXTS)}")

    def wrap(fn: Callable[..., Iterable[Finding]]) -> Rule:
        module = sys.modules.get(fn.__module__)
        per_workload = scope == "workload"
        return Rule(
            code=code, slug=slug, severity=severity, message=message, formats=frozenset(formats),
            check=fn if per_workload else None, doc=(module.__doc__ or "") if module else "", fix=fix, tags=tags,
            since=since, security_severity=security_severity, module=fn.__module__, params=params,
            opt_in=opt_in, file_check=None if per_workload else fn, scan_wide=scope == "scan",
            fix_unsafe_when=fix_unsafe_when, services=services,
            risk_level=risk, kind=Kind(kind), finding_kinds=frozenset(Kind(k) for k in finding_kinds) - {Kind(kind)},
            contexts=frozenset(contexts) if contexts is not None else None, checklist=checklist,
        )

    return wrap


def intents_of(finding: Finding) -> tuple[Intent, ...]:
    if finding.fix is None:
        return ()
    return finding.fix if isinstance(finding.fix, tuple) else (finding.fix,)

