"""The fix loop: lower one finding's intents to edits, apply, re-parse, verify, repeat.

Fixes are applied one finding at a time against the current text, so that
several fixes on one workload compose (the second sees the `securityContext`
the first created). Each step must re-parse to the same IR except the fixed
settings, make its finding disappear and add none; otherwise it is skipped
with a one-line reason and the text stays as it was.
"""
from __future__ import annotations

import operator
import re
from collections import Counter
from collections.abc import Callable, Iterable
from functools import cached_property
from typing import Any

from glmlint import records
from glmlint.fields import SECURITY_OPTIONS
from glmlint.fingerprint import Identity
from glmlint.fix.lowering import expand
from glmlint.fix.text import Conflict, Edit, FixError, TextDoc, apply
from glmlint.ir import Command, Format, Item, Setting, SourceFile, User, Word, Workload
from glmlint.parsers import yamlnodes as y
from glmlint.records import dataclass, field
from glmlint.rule import (DEFAULT_FIX_USER, EnsureItem, FixSafety, Intent, RemoveCommand, RemoveItem, RemoveWord,
                          ReplaceText, Rule, SetValue, FIX_USER, Unset, intents_of, own_user)
from glmlint.results import FixEdit, Result, evaluate, result_of

MAX_STEPS = 200
_HINT = {Format.DOCKERFILE: "dockerfile", Format.COMPOSE: "compose", Format.KUBERNETES: "yaml",
         Format.SSHD_CONFIG: "sshd", Format.DOCKER_RUN: "docker-run"}
_COMMAND_FIELDS = frozenset({"entrypoint", "command", "process", "files", "build_steps", "env"})


@dataclass(frozen=True)
class Options:
    unsafe: bool = False
    user: str = "10001"
    user_set: bool = False  # the user chose it (`--fix-user`, the config's `fix-user`): it wins over an image's own user


@dataclass
class Applied:
    code: str
    line: int
    col: int
    title: str
    workload: str | None
    left: str = ""  # what the same rule still finds on the same workload after every fix (a partial fix)


@dataclass
class FileFix:
    source: SourceFile
    new_text: str
    applied: list[Applied] = field(default_factory=list)
    skipped: list[tuple[Result, str]] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return self.new_text != self.source.text


Key = tuple[str, str]  # `Identity.subject`: how the loop counts a file's findings (glmlint.fingerprint)


@dataclass
class _Found:
    rule: Rule
    result: Result
    workload: Workload | None
    intents: tuple[Intent, ...]

    @cached_property
    def identity(self) -> Identity:
        return self.result.identity

    @cached_property
    def key(self) -> Key:
        return self.identity.subject


def findings(source: SourceFile, rules: Iterable[Rule]) -> list[_Found]:
    out: list[_Found] = []
    if source.format not in _HINT:
        return out  # no lowering for this format
    for rule in rules:
        try:
            found = evaluate(source, rule)
        except Exception:  # noqa: BLE001 - a broken rule is reported by the scan, not here
            continue
        out.extend(_Found(rule, result_of(source, rule, f, w), w, expand(intents_of(f), w)) for f, w in found)
    return out


class _Seen:
    """A finding of a re-parse as the verification reads it (`verify`, `_verify_batch`): its workload,
    `key` and identity, and `result` standing for the fields of a `Result` they compare (code,
    workload, message: an `Identity` has them). No fix or intents are made: a re-parse's are never
    used. A workload's finding has its `key` (rule, workload label) at once and its identity, whose
    message `message_of` formats, when first asked: the verification compares the messages of few
    of them (the fixed finding's rule on its workload, `_verify_findings`)."""

    __slots__ = ("workload", "key", "_identity", "_made")

    def __init__(self, identity: Identity | None, workload: Workload | None,
                 made: tuple[SourceFile, Rule, Any] | None = None) -> None:
        self.workload, self._identity, self._made = workload, identity, made
        self.key = identity.subject if identity is not None else (made[1].code, workload.label)  # type: ignore[index,union-attr]

    @property
    def identity(self) -> Identity:
        got = self._identity
        if got is None:
            from glmlint.results import message_of

            source, rule, f = self._made  # type: ignore[misc]
            w = self.workload
            got = self._identity = Identity(rule.code, source.path, w.label, message_of(source, rule, f, w))  # type: ignore[union-attr]
            self._made = None
        return got

    result = identity


def _seen(source: SourceFile, rules: Iterable[Rule], applicable: bool = False) -> list[_Seen]:
    """`findings` as the verification needs them: the same findings, in order, with the identity
    `result_of` gives each (its message from `message_of`, which `result_of` itself uses; a
    workload's finding's when first asked, `_Seen`).
    `applicable`: every rule of `rules` applies to the file's format (`evaluate` need not ask)."""
    from glmlint.results import _evaluate, message_of

    out: list[_Seen] = []
    if source.format not in _HINT:
        return out
    path = source.path
    run = _evaluate if applicable else evaluate
    for rule in rules:
        try:
            found = run(source, rule)
        except Exception:  # noqa: BLE001 - as `findings`
            continue
        code = rule.code
        for f, w in found:
            if w is not None and w.label is not None:
                out.append(_Seen(None, w, (source, rule, f)))
            else:
                out.append(_Seen(Identity(code, path, w.label if w is not None else None,
                                          message_of(source, rule, f, w)), w))
    return out


# -- lowering -------------------------------------------------------------------


def lower(found: _Found, source: SourceFile, text: str, options: Options,
          docs: tuple[TextDoc, Any] | None = None) -> list[Edit]:
    """The text edits that carry out one finding's fix in `text` (`docs`: `text_docs(source, text)`,
    when several fixes are lowered against one text)."""
    fmt = source.format
    doc, ydoc = docs if docs is not None else text_docs(source, text)
    edits: list[Edit] = []
    structured: list[Intent] = []
    for intent in found.intents:
        if isinstance(intent, ReplaceText):
            from glmlint.fix.words import replace_text

            edits.append(replace_text(doc, intent.loc, intent.old, intent.new, intent.before))
        elif isinstance(intent, RemoveWord):
            edits.extend(_remove_word(doc, ydoc, intent))
        elif isinstance(intent, RemoveCommand):
            from glmlint.fix.words import remove_command

            edits.append(remove_command(doc, intent.loc))
        elif isinstance(intent, SetValue) and intent.field.startswith("sshd."):
            edits.extend(_sshd_option(doc, ydoc, found.workload, intent))
        elif isinstance(intent, SetValue) and intent.field == "user" and options.user_set and own_user(intent.value):
            structured.append(SetValue(intent.setting, "user", FIX_USER, intent.title))  # the chosen user wins
        elif isinstance(intent, EnsureItem) and FIX_USER in intent.item:  # GLM001's `USER=` names the uid it sets
            structured.append(EnsureItem(intent.setting, intent.field,
                                         intent.item.replace(FIX_USER, options.user.split(":", 1)[0]), intent.title))
        else:
            structured.append(intent)
    if structured:
        w = found.workload
        if w is None and ydoc is not None and fmt is Format.KUBERNETES:
            from glmlint.fix.manifest import set_at_path

            for intent in structured:  # a pod-level setting (`automountServiceAccountToken`): by its path
                if not isinstance(intent, SetValue) or not intent.setting.path:
                    raise FixError(f"no way to write {type(intent).__name__} outside a workload")
                edits.extend(set_at_path(ydoc, intent.setting, intent.value))
            return edits
        if w is None:
            raise FixError("no workload to change")
        if fmt is Format.DOCKERFILE:
            from glmlint.fix.dockerfile import set_user

            # an `ENV` item goes beside the `USER` the same fix sets (GLM001's `HOME=/tmp`)
            env = tuple(i.item for i in structured if isinstance(i, EnsureItem) and i.field == "env"
                        and any(isinstance(u, SetValue) and u.field == "user" for u in structured))
            for intent in structured:
                if isinstance(intent, SetValue) and intent.field == "user":
                    edits.extend(set_user(doc, intent.setting, own_user(intent.value) or options.user, env))
                elif env and isinstance(intent, EnsureItem) and intent.field == "env":
                    continue
                else:
                    raise FixError(f"no way to write {type(intent).__name__} `{_field(intent)}` in a Dockerfile")
        elif fmt is Format.DOCKER_RUN:
            from glmlint.fix.dockerrun import DockerRunFixer

            edits.extend(DockerRunFixer(doc, w, options.user).lower(tuple(structured)))
        elif ydoc is not None:
            from glmlint.fix.manifest import ManifestFixer

            edits.extend(ManifestFixer(ydoc, w, options.user, _siblings(source, w)).lower(tuple(structured)))
        else:
            raise FixError(f"no structured edits in a {fmt} file")
    return edits


def _siblings(source: SourceFile, w: Workload) -> tuple[Workload, ...]:
    """The other containers of `w`'s Kubernetes pod (the workloads whose pod has its volumes where
    `w`'s has)."""
    if w.pod is None or w.pod.volumes_path is None:
        return ()
    return tuple(x for x in source.workloads
                 if x is not w and x.pod is not None and x.pod.volumes_path == w.pod.volumes_path)


def text_docs(source: SourceFile, text: str) -> tuple[TextDoc, Any]:
    """The views of `text` lowering reads: lines, and for YAML formats the nodes with their marks.

    The last YAML text's views are kept (`_LAST_DOCS`) and given again for the same text object
    read as the same format: the scan verifies a file's fixes in two calls of `verified_edits`
    (its rules, then the scan-wide ones, `runner._check_one`), which would compose it twice. A
    `YamlDoc` is never changed by lowering (its nodes and text are read only; what it caches,
    node indexes and ends, are functions of them)."""
    global _LAST_DOCS
    if source.format in (Format.COMPOSE, Format.KUBERNETES):
        last = _LAST_DOCS
        if last is not None and last[0] is text and last[1] is source.format:
            return last[2]
        from glmlint.fix.yamledit import YamlDoc

        roots = None
        if source.format is Format.KUBERNETES:  # the nodes the scan composed `text` to, taken once
            from glmlint import parsers

            got = parsers.composed
            if got is not None and got[0] is text:
                roots, parsers.composed = got[1], None
        ydoc = YamlDoc(text, roots)
        views = (ydoc.doc, ydoc)
        _LAST_DOCS = (text, source.format, views)
        return views
    return TextDoc(text), None


_LAST_DOCS: tuple[str, Format, tuple[TextDoc, Any]] | None = None  # `text_docs`' last YAML text and its views


def _field(intent: Intent) -> str:
    return getattr(intent, "field", "")


def _remove_word(doc: TextDoc, ydoc: Any, intent: RemoveWord) -> list[Edit]:
    from glmlint.fix.words import remove_words

    if ydoc is not None:
        from glmlint.parsers import yamlnodes as y

        node = ydoc.scalar_at(intent.loc)
        got = ydoc.parent(node) if node is not None else None
        if got is not None and y.is_seq(got[0]):
            seq, idx = got
            edits: list[Edit] = []
            for item in seq.value[idx:idx + intent.count]:
                edits.extend(ydoc.remove_item(item))
            return edits
    return remove_words(doc, intent.loc, intent.count)


def _sshd_option(doc: TextDoc, ydoc: Any, workload: Workload | None, intent: SetValue) -> list[Edit]:
    """Set an sshd option: a build step editing sshd_config in a Dockerfile, else
    `-o Key=value` on the sshd the container starts."""
    from glmlint.fix import words

    key = intent.field.split(".", 1)[1]
    if workload is None:
        raise FixError("no workload")
    if workload.format is Format.DOCKERFILE:
        from glmlint.fix.dockerfile import SSHD_SED, add_step_after
        from glmlint.openssh import analyse, main_config

        sshd = analyse(workload)
        locs = [loc for loc in (sshd.installed, sshd.password_set, intent.setting.loc) if loc is not None]
        path = main_config()
        try:
            return add_step_after(doc, locs, SSHD_SED.format(key=key, value=intent.value, path=path),
                                  copied_to=path.rsplit("/", 1)[0])
        except FixError:
            pass  # sshd installed outside the build steps: set it where it starts
    for cmd in workload.process:
        if cmd.name == "sshd" and cmd.argv:
            at = cmd.argv[0].loc
            new = ["-o", f"{key}={intent.value}"]
            if ydoc is not None:
                from glmlint.parsers import yamlnodes as y

                node = ydoc.scalar_at(at)
                got = ydoc.parent(node) if node is not None else None
                if got is not None and y.is_seq(got[0]):
                    return [ydoc.insert_items_after(node, new)]  # `command: [/usr/sbin/sshd, -D]`
            return [words.insert_after_word(doc, at, new)]
    raise FixError("cannot see where sshd starts")


# -- verification ----------------------------------------------------------------


def _reparse(source: SourceFile, text: str, check: bool = True,
             reuse: tuple[list[Any], int] | None = None, pods: bool = True,
             exposures: list[Any] | None = None) -> SourceFile:
    """`text` parsed as `source` was. `check=False` leaves out the duplicate-key pass (its problems
    are not part of the verification; what it refuses, aliases that contain themselves or expand too
    far, is still refused). `reuse`: `text`'s YAML documents and how many of them, unchanged, were
    checked when `source` was read (`_Stream.documents`). `pods=False`: a Kubernetes re-parse without
    its pods' identities, which only the scan-wide rules (GLM044) and the cluster link (`_relink`)
    read (`kubernetes.parse`). `exposures`: the Services and LimitRanges of other files that expose
    `source`'s workloads (`runner._check_exposed`), given to the re-parse's workloads as the scan gave
    them to `source`'s (`kubernetes.expose`), in place of `_keep_linked_limits`."""
    from glmlint.parsers import ParseError, Skip, parse

    docs, checked = reuse if reuse is not None else (None, 0)
    try:
        new = parse(source.path, text, _HINT[source.format], source.disk_path, duplicates=check,
                    docs=docs, checked=checked, pods=pods)
    except ParseError as exc:
        raise FixError(f"the fixed text would not parse (line {exc.line}: {exc})") from None
    except Skip as exc:
        raise FixError(f"the fixed text would be skipped ({exc})") from None
    if new is None or new.format is not source.format:
        raise FixError("the fixed text would no longer be read as the same kind of file")
    new.disk_path = source.disk_path
    if exposures is not None and source.format is Format.KUBERNETES:
        from glmlint.parsers.kubernetes import expose

        new.workloads = [expose(w, exposures) for w in new.workloads]
    elif source.format is Format.KUBERNETES and source.workloads:
        _keep_linked_limits(source, new)
    return new


def _keep_linked_limits(source: SourceFile, new: SourceFile) -> None:
    """Give `new`'s workloads the memory limits the link gave `source`'s from a LimitRange of another file
    (`parsers.kubernetes.expose`): a re-parse is not linked with the Services and LimitRanges of other files,
    and without them it would seem to lose its limit (and find GLM012) where the fix changed nothing.
    A workload is known by where its mapping is (`node_path`: document, keys) with its label: two workloads
    of one file may share a label (the same kind and name in two namespaces) and only one of them be in
    the LimitRange's namespace."""
    linked = {(w.node_path, w.label): w.memory_limit for w in source.workloads
              if w.memory_limit.loc.file and not w.memory_limit.path and w.memory_limit.value}
    if linked:
        new.workloads = [records.replace(w, memory_limit=linked[(w.node_path, w.label)])
                         if (w.node_path, w.label) in linked and not w.memory_limit.explicit else w
                         for w in new.workloads]


_MARKER = re.compile(r"^---(?=[ \t\r\n]|\Z)", re.M)  # a document start, as libyaml scans it
_STREAM_LEVEL = re.compile(r"^(?:%|\.\.\.(?=[ \t\r\n]|\Z))", re.M)  # directives, document ends


class _Stream:
    """The documents of a multi-document Kubernetes file and where each starts in its text (its
    `---` line; 0 for a first document without one), so that a re-parse composes only from the
    first edited document on and reuses the documents before it.

    In a stream without directives (`%`), document end markers (`...`), byte order mark or line
    breaks other than LF/CRLF, libyaml starts each document at a `---` at the start of a line
    (also inside a block scalar, which it ends; inside a quoted scalar or a flow collection it is an
    error, so not in a text that parsed), and nothing carries from one document to the next
    (anchors are per document). The text from a document's `---` on, preceded by empty lines that
    keep every line and column (`_pad`), then composes to exactly the nodes the whole text composes
    to for those documents, but for their marks' offsets (`index`), which nothing a re-parse feeds
    reads (the parsers, the rules and the verification read lines and columns)."""

    def __init__(self, text: str, roots: list[Any], starts: list[int]) -> None:
        self.text, self.roots, self.starts = text, roots, starts
        self._pads: dict[int, str] = {}

    @classmethod
    def of(cls, source: SourceFile, roots: list[Any]) -> _Stream | None:
        text = source.text
        if source.format is not Format.KUBERNETES or len(roots) < 2 or not _plain_stream(text):
            return None
        starts = [m.start() for m in _MARKER.finditer(text)]
        if len(roots) == len(starts) + 1:
            starts = [0, *starts]  # a first document without `---`
        elif len(roots) != len(starts):
            return None
        ends = [*starts[1:], len(text)]
        if any(root is not None and not start <= root.start_mark.index <= end
               for root, start, end in zip(roots, starts, ends)):
            return None
        return cls(text, roots, starts)

    def documents(self, text: str, first: int) -> tuple[list[Any], int] | None:
        """The documents of `text`, this text edited from offset `first` on: those before the
        document the first edit is in, as they are; from it on, composed again. With how many were
        reused, or None when none is (or the edited part is not a plain stream)."""
        from bisect import bisect_left

        from glmlint.parsers import compose

        keep = bisect_left(self.starts, first) - 1  # the documents that end before the first edit
        if keep <= 0:
            return None
        start = self.starts[keep]
        tail = text[start:]
        if not _plain_stream(tail):
            return None
        pad = self._pads.get(start)
        if pad is None:
            pad = self._pads[start] = _pad(self.text[:start])
        try:
            docs = y.compose_all(pad + tail)
        except y.YamlError:
            return None  # the whole text's parse says why
        if any(compose.is_compose(d) for d in docs):
            return None  # read as a compose file (which rewrites its nodes): the whole text
        return self.roots[:keep] + docs, keep


class _OneDocument:
    """One fix verified in a multi-document Kubernetes file by re-parsing and re-checking only the
    document its edits are in (`check`), when that gives the verdict a whole re-parse gives.

    Why it is the same verdict. Take a plain stream (`_Stream`), a fix whose edits all lie inside
    document k (text inserted at its very end ending with a line break, so that every `---` stays at
    the start of a line) and whose finding is on a workload of document k. A whole re-parse of the edited text
    composes documents before k as they were and documents after k as they were, moved down by the
    edit (every later line moved as a whole: the same values, lines shifted); document k composes
    from its own text, preceded by empty lines that keep every line and column (`_Stream`), to the nodes the whole
    text gives (the composed text must hold exactly one plain document). The Kubernetes parser builds
    each object's workloads from its own nodes and lines; what crosses documents is: the Services
    that expose pods (`expose`), a LimitRange's default limits (`SourceFile.cross_document`), the RBAC
    objects and ServiceAccounts the file-level rules read
    (GLM040-043), the Secrets GLM013 reads (a finding of the file's, naming the workloads that read
    the Secret: no fix changes what they read), and the pods the scan-wide rules and the cluster link read (GLM044,
    `link_cluster`). Here there are none of the first two (no LoadBalancer/NodePort Service, no LimitRange in the file,
    before or after), none of the third nor a Secret in document k (before or after: the others' are unchanged
    but for their lines), no scan-wide rule and no link (`images`): so the workloads of the other
    documents, and their findings, are those of the file as scanned but for their lines. `verify`
    reads of them only what lines cannot change: the workloads' labels, their settings without
    locations (`_norm`), the findings' counts by rule and workload (`Identity.subject`); it reads a
    finding's message only for the fixed finding, whose workload is in document k and, the file's
    workload labels being unique, shares its identity with no finding of another document. So
    `verify` given document k's workloads and findings re-parsed, and the others' as they were,
    decides as it does on the whole re-parse. (`_verify_batch` compares the other workloads'
    messages, which may name lines: batches are re-parsed whole.)
    tests/test_fix_batch.py compares the two on every fixture and every corpus file with fixes."""

    def __init__(self, source: SourceFile, stream: _Stream, docs: list[int], lines: list[int],
                 exposures: list[Any] | None = None) -> None:
        self.source, self.stream, self.docs, self.lines = source, stream, docs, lines
        self.index = {id(w): i for i, w in enumerate(source.workloads)}
        self.exposures = exposures

    @classmethod
    def of(cls, source: SourceFile, stream: _Stream | None, rules: list[Rule],
           images: list[SourceFile], exposures: list[Any] | None = None) -> _OneDocument | None:
        if not ONE_DOCUMENT or stream is None or images or source.services or source.cross_document or any(
                r.scan_wide for r in rules):
            return None
        labels = [w.label for w in source.workloads]
        if len(set(labels)) != len(labels):
            return None
        docs: list[int] = []
        for w in source.workloads:
            path = w.node_path
            if not path or not isinstance(path[0], int) or (docs and path[0] < docs[-1]):
                return None
            docs.append(path[0])
        text, lines, line, at = stream.text, [], 1, 0
        for start in stream.starts:  # each document's first line
            line += text.count("\n", at, start)
            lines.append(line)
            at = start
        return cls(source, stream, docs, lines, exposures)

    def cheaper_alone(self, batch: list[_Found]) -> bool:
        """Whether re-parsing the documents of `batch`'s members one by one reads less text than
        re-parsing the batch, from its first document on (the members' documents alone when
        `check` can judge them; a rough measure, for choosing only)."""
        starts, size = self.stream.starts, len(self.stream.text)
        ks = [self.docs[i] for f in batch if (i := self.index.get(id(f.workload))) is not None]
        if len(ks) != len(batch):
            return False
        ends = [*starts[1:], size]
        return sum(ends[k] - starts[k] for k in ks) < size - starts[min(ks)]

    def _rbac_in(self, k: int) -> bool:
        """Whether document k of the file as scanned holds an RBAC object or a ServiceAccount."""
        from bisect import bisect_right

        for obj in (*self.source.roles, *self.source.bindings, *self.source.accounts):
            if obj.loc.file or bisect_right(self.lines, obj.loc.line) - 1 == k:
                return True
        return False

    def check(self, f: _Found, edits: list[Edit], text: str, rules: list[Rule], before: list[_Found],
              cache: dict[Any, Any]) -> bool | None:
        """`verify`'s verdict on `f`'s fix (`edits`, giving `text`) from its document alone; None when
        this cannot tell (then the whole text is re-parsed)."""
        got = self.reparsed(f.workload, edits, text, rules, before)
        if got is None:
            return None
        try:
            verify(self.source, got[0], f, before, got[1], cache)  # type: ignore[arg-type]
        except FixError:
            return False
        return True

    def reparsed(self, w: Workload | None, edits: list[Edit], text: str, rules: list[Rule],
                 before: list[_Found]) -> tuple[_Parsed, list[Any]] | None:
        """What `verify` reads of the file with `edits` (giving `text`, every edit in the document of
        workload `w`) re-parsed, from that document alone: the workloads (the others as scanned) and
        the findings (the others' as before); None when the document alone cannot tell (`check`)."""
        from glmlint.parsers import compose

        starts, old = self.stream.starts, self.stream.text
        i = self.index.get(id(w)) if w is not None else None
        if i is None:
            return None
        k = self.docs[i]
        begin = starts[k] + 1 if old.startswith("---", starts[k]) else starts[k]  # after its `---`'s first byte
        end = starts[k + 1] if k + 1 < len(starts) else len(old)  # the next document's `---`
        # inside the document, its last line break kept (text inserted at its very end ends with one)
        if any(e.start < begin or e.end > end or (e.end == end < len(old) and not e.text.endswith("\n"))
               for e in edits):
            return None
        first, last = self.docs.index(k), len(self.docs) - self.docs[::-1].index(k)
        piece = text[starts[k]:end + len(text) - len(old)]
        if not _plain_stream(piece) or self._rbac_in(k):
            return None
        pad = self.stream._pads.get(starts[k])
        if pad is None:
            pad = self.stream._pads[starts[k]] = _pad(old[:starts[k]])
        try:
            roots = y.compose_all(pad + piece)
        except y.YamlError:
            return None
        if len(roots) != 1 or roots[0] is None or compose.is_compose(roots[0]):
            return None
        n = len(starts)
        try:
            # (no scan-wide rule, no link: no pod identity is read)
            new = _reparse(self.source, text, check=False, reuse=([None] * k + roots + [None] * (n - k - 1), k),
                           pods=False, exposures=self.exposures)
        except FixError:
            return None
        if new.services or new.roles or new.bindings or new.accounts or new.secrets or \
                any(not w.node_path or w.node_path[0] != k for w in new.workloads):
            return None
        ws = self.source.workloads
        after = _Parsed(Format.KUBERNETES, [*ws[:first], *new.workloads, *ws[last:]])
        index = self.index
        found: list[Any] = [o for o in before if o.workload is None
                            or not first <= index.get(id(o.workload), -1) < last]
        found += _seen(new, rules, applicable=True)  # type: ignore[arg-type]
        return after, found


ONE_DOCUMENT = True  # `_OneDocument` on (tests turn it off to compare with whole re-parses)


def _plain_stream(text: str) -> bool:
    return "\ufeff" not in text and not y._odd_breaks(text) and _STREAM_LEVEL.search(text) is None


def _pad(text: str) -> str:
    """Empty lines, as many as `text` has line breaks: what precedes a document keeps its lines and columns.
    (Not blanks of `text`'s length, which kept the offsets too: libyaml scanned ~200 KB of spaces to reach
    the last documents of a CRD bundle, ~4 ms a re-parse against ~0.04 ms for its empty lines.)"""
    return "\n" * text.count("\n")


def _norm(value: Any) -> Any:
    """A setting's value without its locations, for comparing the IR before and after a fix.

    By the value's class, what it is read as (`_NORM_AS`, found once per class by `_norm_as`): a
    `Setting` by its value, a tuple (named ones too) by its elements, an `Item`, `User`, `Command`
    or `Word` by its text, a record by its fields but its places, anything else as it is."""
    how = _NORM_AS.get(value.__class__)
    if how is None:
        how = _NORM_AS[value.__class__] = _norm_as(value)
    kind = how[0]
    if kind == _SETTING:
        return _norm(value.value)
    if kind == _TUPLE:
        return tuple([_norm(v) for v in value])
    if kind == _ITEM:
        return value.value
    if kind == _USER:
        return value.raw
    if kind == _COMMAND:
        return tuple([w.text for w in value.argv])
    if kind == _WORD:
        return value.text
    if kind == _RECORD:
        return tuple([(f, _norm(getattr(value, f))) for f in how[1]])
    return value


def _same(a: Any, b: Any) -> bool:
    """`_norm(a) == _norm(b)`, read in step and left at the first difference, without making either
    (what `_verify_ir` asks of each field of each workload of each re-parse). Two values of one class
    are read as `_norm` reads that class: a `Setting` by its value, a tuple by its elements in order,
    an `Item`, `User`, `Command` or `Word` by its text, a record by its fields but its places (each
    `_norm` is a tuple of those parts, equal exactly when the parts are); values of two classes, or
    read as they are, are compared as `_norm` gives them."""
    if a is b:
        return True
    cls = a.__class__
    if cls is not b.__class__:
        return _norm(a) == _norm(b)
    how = _NORM_AS.get(cls)
    if how is None:
        how = _NORM_AS[cls] = _norm_as(a)
    kind = how[0]
    if kind == _SETTING:
        return _same(a.value, b.value)
    if kind == _TUPLE:
        return len(a) == len(b) and all(map(_same, a, b))
    if kind == _ITEM:
        return a.value == b.value
    if kind == _USER:
        return a.raw == b.raw
    if kind == _COMMAND:
        return len(a.argv) == len(b.argv) and all(x.text == y.text for x, y in zip(a.argv, b.argv))
    if kind == _WORD:
        return a.text == b.text
    if kind == _RECORD:
        for f in how[1]:
            x, y = getattr(a, f), getattr(b, f)
            if x is y:
                continue
            if x.__class__ in _PLAIN and y.__class__ in _PLAIN:
                if x != y:  # (`_same` of two plain values: their `_norm`s are themselves)
                    return False
            elif not _same(x, y):
                return False
        return True
    return a == b


# values `_norm` reads as they are (`_ITSELF`), compared by `_same` with `==`: a record's fields of these
# classes are compared in place, not by a call of `_same` each
_PLAIN = frozenset({str, int, float, bool, type(None)})
# places, which an edit before them moves and `_norm` leaves out: a record's `loc`, a workload's `anchor`
# (where its findings about absent settings point), ...
_PLACES = frozenset({"loc", "path", "start", "indent", "anchor", "line_locs"})
_SETTING, _TUPLE, _ITEM, _USER, _COMMAND, _WORD, _RECORD, _ITSELF = range(8)
_NORM_AS: dict[type, tuple[int, tuple[str, ...]]] = {}


def _norm_as(value: Any) -> tuple[int, tuple[str, ...]]:
    """How `_norm` reads values of `value`'s class (the tests compare it with the `isinstance` chain)."""
    for cls, kind in ((Setting, _SETTING), (tuple, _TUPLE), (Item, _ITEM), (User, _USER), (Command, _COMMAND),
                      (Word, _WORD)):
        if isinstance(value, cls):
            return kind, ()
    if hasattr(value, "__record__"):
        return _RECORD, tuple(f for f in value.__record__.names if f not in _PLACES)
    return _ITSELF, ()


_SNAPSHOT = ("image", "user", "run_as_non_root", "privileged", "allow_privilege_escalation", "cap_add", "cap_drop",
             "read_only_rootfs", "host_network", "host_pid", "host_ipc", "host_userns", "seccomp", "apparmor",
             "selinux", "system_paths", "security_opts", "memory_limit", "mounts", "ports", "env", "entrypoint",
             "command", "process", "build_steps", "files")
_ALSO = {"user": {"run_as_non_root"}, "read_only_rootfs": {"mounts"}, "writable_paths": {"mounts"},
         "mount.read_only": {"mounts"}, "shared_memory": {"mounts"}}
# compose and `docker run` write these as security options (`glmlint.fields.SECURITY_OPTIONS`): changing one
# changes the others
_OPTS = frozenset(SECURITY_OPTIONS)


def _duplicate(values: list[str]) -> str | None:
    seen: set[str] = set()
    for v in values:
        if v in seen:
            return v
        seen.add(v)
    return None


def _touched(found: _Found) -> set[str]:
    out: set[str] = set()
    w = found.workload
    for intent in found.intents:
        if isinstance(intent, (ReplaceText, RemoveWord, RemoveCommand)) or (
                isinstance(intent, SetValue) and intent.field.startswith("sshd.")):
            out |= _COMMAND_FIELDS
            if isinstance(intent, ReplaceText) and w is not None:
                # text replaced inside a list element (a port's `host:container`) changes that list
                out |= {f for f in ("ports", "mounts", "security_opts")
                        if any(e.loc == intent.loc for e in getattr(w, f))}
            continue
        name = _field(intent)
        if isinstance(intent, (Unset, RemoveItem)) and w is not None:
            target = intent.setting if isinstance(intent, Unset) else intent.item
            for f in _SNAPSHOT:
                v = getattr(w, f, None)
                if v is target or (isinstance(v, Setting) and isinstance(v.value, tuple) and target in v.value) \
                        or (isinstance(v, tuple) and target in v):
                    out.add(f)
        if name:
            out.add(name)
            out |= _ALSO.get(name, set())
    if out & _OPTS:
        out.add("security_opts")
    if "security_opts" in out:
        out |= _OPTS
    return out


def _counts(old: list[_Found], cache: dict[Any, Any] | None) -> tuple[Counter[Key], Counter[Identity]]:
    """How many findings `old` has by `key` and by identity; once per list when `cache` is given."""
    got = cache.get(("counts", id(old))) if cache is not None else None
    if got is None or got[0] is not old:
        got = (old, Counter(f.key for f in old), Counter(f.identity for f in old))
        if cache is not None:
            cache[("counts", id(old))] = got
    return got[1], got[2]


def verify(before: SourceFile, after: SourceFile, found: _Found, old: list[_Found], new: list[_Found],
           cache: dict[Any, Any] | None = None) -> None:
    """Raise FixError unless `after` (the re-parse) differs from `before` only in what `found`'s fix
    touches, its finding is gone and no other appears. `cache`: `_counts` of `old`, kept for the next
    check."""
    _verify_ir(before, after, found)
    _verify_findings(found, old, new, cache)


def _verify_ir(before: SourceFile, after: SourceFile, found: _Found) -> None:
    """`verify`'s first half: the re-parse differs from `before` only in what `found`'s fix touches
    (the findings before the fix are not read)."""
    if [w.label for w in before.workloads] != [w.label for w in after.workloads]:
        raise FixError("the fix would change which workloads the file defines")
    skip = _touched(found)
    for w0, w1 in zip(before.workloads, after.workloads):
        # the same fields may change on other workloads: a pod-level value or a YAML anchor is shared
        if w0 is w1:
            continue  # a batch's view: this workload as before
        changed = [f for f in _SNAPSHOT if f not in skip and not _same(getattr(w1, f), getattr(w0, f))]
        if changed:
            raise FixError(f"the fix would also change {', '.join(changed)} of {w1.label}")
    if after.format is Format.COMPOSE:
        for w0, w1 in zip(before.workloads, after.workloads):
            dup = _duplicate([i.value for i in w1.security_opts])
            if dup is not None and dup != _duplicate([i.value for i in w0.security_opts]):
                # Compose merges `extends` lists and refuses a `security_opt` item twice
                raise FixError(f"Compose would refuse `{dup}` twice in the `security_opt` of {w1.label}")


def _verify_findings(found: _Found, old: list[Any], new: list[Any], cache: dict[Any, Any] | None = None) -> None:
    """`verify`'s second half: `found`'s finding is gone from `new` (the re-parse's findings) and no
    rule finds more on a workload (`key`) in `new` than in `old` (the findings before the fix)."""
    before_count, before_exact = _counts(old, cache)
    after_count = Counter(f.key for f in new)
    exact = found.identity  # the rule's count on the workload drops, and this very finding is gone
    key = found.key  # (an equal identity has an equal key: only those findings' messages are read)
    if after_count[key] >= before_count[key] or \
            sum(1 for f in new if f.key == key and f.identity == exact) >= before_exact[exact]:
        raise FixError("the finding would remain after the fix")
    grown = [k for k in after_count if after_count[k] > before_count[k]]
    if grown:
        raise FixError(f"the fix would cause {grown[0][0]} on {grown[0][1]}")


# -- the loop -----------------------------------------------------------------------


def fix_source(source: SourceFile, rules: list[Rule], eligible: Counter[Key] | None, options: Options,
               linked: list[SourceFile] | None = None) -> FileFix:
    """Apply, one at a time, the fixes of the findings in `eligible` (by rule and workload; None: all)."""
    result = FileFix(source, source.text)
    current = source
    # a fix that failed is tried again once another fix has changed the text (it may now verify)
    failed: dict[Key, tuple[int, Result, str]] = {}
    version = 0
    found = findings(current, rules)
    budget = Counter(eligible) if eligible is not None else None
    # positions are reported in the original file's coordinates: where `check` saw the finding
    original = list(found)
    reported: set[int] = set()
    steps: list[list[Edit]] = []  # the edits of each applied step, to map a position back
    subjects: list[Key] = []  # each applied fix's finding's `key`, beside `result.applied`
    for _step in range(MAX_STEPS):
        todo = [f for f in found if f.intents and failed.get(f.key, (-1,))[0] != version
                and (budget is None or budget[f.key] > 0)
                and f.result.fix is not None and (options.unsafe or f.result.fix.safety is FixSafety.SAFE)]
        if not todo:
            break
        # a compose base before the services that extend it: they then inherit its fix
        f = min(todo, key=lambda t: t.workload.extends_depth if t.workload is not None else 0)
        try:
            edits = lower(f, current, current.text, options)
            if not edits:
                raise FixError("nothing to change")
            text = apply(current.text, edits)
            new_source = _reparse(current, text)
            if linked:
                _relink(new_source, linked)
            new_found = findings(new_source, rules)
            verify(current, new_source, f, found, new_found)
        except (FixError, Conflict) as exc:
            failed[f.key] = (version, _at_original(f, current.text, steps, source, original), str(exc))
            continue
        except RecursionError:
            failed[f.key] = (version, _at_original(f, current.text, steps, source, original),
                             "the fixed text nests too deeply")
            continue
        line, col = _original_position(f, current.text, steps, source, original, reported)
        result.applied.append(Applied(f.result.code, line, col,
                                      f.result.fix.title_for(options.user, options.user_set) if f.result.fix else "",
                                      f.result.workload))
        subjects.append(f.key)
        steps.append(sorted(set(edits)))
        if budget is not None:
            budget[f.key] -= 1
        failed.pop(f.key, None)
        current, found = new_source, new_found
        version += 1
    still = {f.key for f in found}
    for a, key in zip(result.applied, subjects):
        rest = [f.result.message for f in found if f.key == key]
        if a.workload is not None and rest:
            a.left = "; ".join(dict.fromkeys(rest))
    result.skipped = [(r, why) for key, (_v, r, why) in failed.items() if key in still]
    result.new_text = current.text
    return result


def back_offset(pos: int, edits: list[Edit]) -> int:
    """The offset in the text before `edits` (sorted, non-overlapping) of `pos` in the text after;
    a position inside inserted text maps to where the insertion was made."""
    shift = 0
    for e in edits:
        new_start = e.start + shift
        if pos < new_start:
            break
        if pos < new_start + len(e.text):
            return e.start
        shift += len(e.text) - (e.end - e.start)
    return pos - shift


def _original_position(f: _Found, text: str, steps: list[list[Edit]], source: SourceFile,
                       original: list[_Found], reported: set[int]) -> tuple[int, int]:
    """Where `check` saw finding `f` in the original file: the original finding with the same rule,
    workload and message (the one at the mapped position first), else the mapped position."""
    r = f.result
    pos = TextDoc(text).offset(r.line, r.col)
    for edits in reversed(steps):
        pos = back_offset(pos, edits)
    doc = TextDoc(source.text)
    line = doc.line_of(pos)
    col = pos - doc.starts[line - 1] + 1
    same = [i for i, o in enumerate(original) if i not in reported and o.key == f.key]
    exact = [i for i in same if (original[i].result.line, original[i].result.col) == (line, col)]
    pick = exact or same
    if pick:
        reported.add(pick[0])
        o = original[pick[0]].result
        return o.line, o.col
    return line, col


def _at_original(f: _Found, text: str, steps: list[list[Edit]], source: SourceFile,
                 original: list[_Found]) -> Result:
    """`f`'s result with its position in the original file (for a `not fixed:` line)."""
    if not steps:
        return f.result
    line, col = _original_position(f, text, steps, source, original, set())
    return records.replace(f.result, line=line, col=col)


def _relink(source: SourceFile, others: list[SourceFile], memo: dict[str, Any] | None = None) -> None:
    """Link a re-parse as the scan linked the file (`memo`: `link.link`'s, for re-parses of one file
    linked with the same `others`)."""
    if source.format is Format.KUBERNETES and source.pods:
        from glmlint.link import link_cluster

        # the pods' ServiceAccounts and bindings, from the other files and this one as it is now
        link_cluster([source, *[o for o in others if o.path != source.path]], targets=[source])
        return
    if source.format is not Format.COMPOSE:
        return
    from glmlint.link import link

    link([source, *[o for o in others if o.format is Format.DOCKERFILE]], memo)


def fix_report(report: Any, options: Options) -> list[FileFix]:
    """Fix every file of a scan that has fixable findings (suppressed and baselined ones excluded)."""
    by_path: dict[str, Counter[Key]] = {}
    blocked: dict[str, Counter[Key]] = {}
    for r in report.results:
        key = r.identity.subject
        if r.fix is not None and (options.unsafe or r.fix.safety is FixSafety.SAFE):
            by_path.setdefault(r.path, Counter())[key] += 1
        elif r.fix is None:
            # no fix yet: another fix in the file may allow one (GLM007 once `privileged` is gone),
            # and a second run would then apply it
            blocked.setdefault(r.path, Counter())[key] += 1
    # a file glmlint could not read faithfully (a duplicate key: which value does the runtime use?)
    # is reported, never rewritten
    errors = {p.path: p for p in report.problems if p.level == "error"}
    from glmlint.link import dockerfiles

    index = dockerfiles(report.sources + list(getattr(report, "linked", [])))
    out = []
    from glmlint.parsers import compose

    compose.TEXTS.clear()
    try:
        for source in _bases_first(report, by_path):
            fixed = _fix_one(report, source, by_path, blocked, errors, options, index)
            if fixed is None:
                continue
            out.append(fixed)
            if fixed.changed and fixed.source.format is Format.COMPOSE and fixed.source.disk_path:
                # a service in another file that `extends` one of these sees it fixed
                import os

                compose.TEXTS[os.path.abspath(fixed.source.disk_path)] = fixed.new_text
    finally:
        compose.TEXTS.clear()
    return out


def _reads_others(source: SourceFile) -> bool:
    """A compose file whose services another file completes: the one it `extends` from, or the
    override file Compose merges over it."""
    from glmlint.parsers import compose

    return "extends" in source.text or compose.default_pair(source.disk_path or "") is not None


def _bases_first(report: Any, by_path: dict[str, Counter[Key]]) -> list[SourceFile]:
    """The scan's files, a compose file another one `extends` from before that one."""
    import os

    sources = list(report.sources)
    reads: dict[str, list[str]] = {}
    for s in sources:
        if s.format is Format.COMPOSE and s.disk_path and by_path.get(s.path) and _reads_others(s):
            got = s.reads
            if not got and not s.workloads:  # parsed in a worker: the text only
                try:
                    got = _reparse(s, s.text).reads
                except FixError:
                    got = []
            reads[s.path] = got
    if not reads:
        return sources
    by_disk = {os.path.abspath(s.disk_path): s for s in sources if s.disk_path}
    order: list[SourceFile] = []
    done: set[str] = set()

    def visit(s: SourceFile, depth: int) -> None:
        if s.path in done or depth > 64:
            return
        done.add(s.path)
        for dep in reads.get(s.path, []):
            other = by_disk.get(dep)
            if other is not None:
                visit(other, depth + 1)
        order.append(s)

    for s in sources:
        visit(s, 0)
    return order


def _fix_one(report: Any, source: SourceFile, by_path: dict[str, Counter[Key]],
             blocked: dict[str, Counter[Key]], errors: dict[str, Any], options: Options,
             index: Any) -> FileFix | None:
    from glmlint.link import cluster_peers, images_for
    from glmlint.parsers import compose

    if True:
        eligible = by_path.get(source.path)
        if eligible and source.path in errors:
            p = errors[source.path]
            why = f"the file has an error to fix first (line {p.line}: {p.message})"
            return FileFix(source, source.text, skipped=[
                (r, why) for r in report.results
                if r.path == source.path and r.identity.subject in eligible])
        text_only = not source.workloads  # parsed in a worker process, which sends back no IR
        stale = compose.TEXTS and any(p in compose.TEXTS for p in source.reads) or (
            source.format is Format.COMPOSE and compose.TEXTS and _reads_others(source) and text_only)
        if eligible and (text_only or stale):
            # a pooled scan keeps only the text; a file whose `extends` base was just fixed is read again
            try:
                source = _reparse(source, source.text)
            except FixError:
                return None
            _relink(source, images_for(source, index) + cluster_peers(source, report.sources))
        if eligible:
            eligible = eligible + blocked.get(source.path, Counter())
            return fix_source(source, report.rules, eligible, options,
                              images_for(source, index) + cluster_peers(source, report.sources))
        return None


def verified_edits(source: SourceFile, rules: list[Rule], found: list[tuple[Rule, Any, Workload | None, Result]],
                   images: list[SourceFile], batch: bool = True,
                   shown: Callable[[Result], bool] | None = None,
                   evidence: list[Evidence] | None = None, user: str | None = None,
                   exposures: list[Any] | None = None,
                   linking: dict[str, Any] | None = None) -> dict[int, tuple[FixEdit, ...]]:
    """`_verified_edits` with the cyclic garbage collector paused: the re-parses allocate nodes and IR
    by the million, almost none of it in reference cycles (at most ~120 cyclic objects per file on
    the corpus, collected when the collector resumes), and the collections the allocations trigger,
    each traversing the whole heap's younger generations and now and then all of it, took ~40% of
    the verification's CPU. `user`: the fix user the user chose (the config's `fix-user`), which the
    edits write as `glmlint fix` writes it; None, the default user. `exposures`: the Services and
    LimitRanges of other files that expose the file's workloads (`runner._check_exposed`): each
    re-parse's workloads are exposed by them as the file's were (`_reparse`). `linking`: the memo of
    the link (`link.link`) that linked `source` to `images` (the images it stamped: the re-parses are
    linked to the same images, so they are stamped once for the scan and the re-parses alike)."""
    if source.applied_by:  # manifests a script applies from a heredoc: no edit is written into the script
        return {}
    import gc

    paused = gc.isenabled()
    gc.disable()
    kept = None
    if source.format is Format.COMPOSE:  # its re-parses merge the project's override file: read once
        from glmlint.parsers import compose as kept

        kept.OVERRIDES = {}
    try:
        if user is not None:  # the chosen user travels with the predicate (`_Chosen`)
            shown = _Chosen(shown, user)
        return _verified_edits(source, rules, found, images, batch, shown, evidence, exposures, linking)
    finally:
        if kept is not None:
            kept.OVERRIDES = None
        if paused:
            gc.enable()


def _verified_edits(source: SourceFile, rules: list[Rule], found: list[tuple[Rule, Any, Workload | None, Result]],
                    images: list[SourceFile], batch: bool = True,
                    shown: Callable[[Result], bool] | None = None,
                    evidence: list[Evidence] | None = None,
                    exposures: list[Any] | None = None,
                    linking: dict[str, Any] | None = None) -> dict[int, tuple[FixEdit, ...]]:
    """Each fixable finding's own verified edits against the file as it is, by its index in `found`
    (what `rules` found in `source`: rule, finding, workload, result). The scan calls this once per
    file, while the file's parse is at hand; a fix that does not verify gets none. `images`: the
    Dockerfiles `source` links to, for the re-parses.

    Each fix is lowered alone against the original text and verified as `glmlint fix` verifies one
    step (`verify`). Fixes of different workloads that edit only their own part of the file (a
    compose service's mapping, a Kubernetes container or document) are applied together and
    re-parsed once (`_batches`); each is then verified as if alone, against its own workload as
    re-parsed and everything else as before (`_verify_batch`). The batch is kept only when no other
    workload, finding of another workload or finding of the file changed; else each member is
    verified alone. The scan-wide rules' fixes of several pods (GLM044's) are judged from one re-parse
    too (`_pod_verdicts`).
    `batch=False`: every fix alone (the same result, slower).

    `shown`: whether a result can be reported at all (`policy.Shown`); the fixes of a place (its
    findings by one rule) none of whose results it passes are not verified, and get none. Every
    other place's outcome is the one verifying all of them gives: the batches are formed from every
    place as before and one is skipped only when none of its members is wanted (a batch's outcome for
    one member depends on the others), and a place's first fix that verifies is still looked for in
    order among all its findings.
    The re-parses' findings are read as `_seen` makes them: their identities, no fixes.

    `evidence`: a list, filled with what each fix verified alone on a whole re-parse was judged on
    (`Evidence`), so that the fix can be judged again against other findings before it (`rejudged`).
    `shown` may be a `_Chosen`: its user (the config's `fix-user`) is the one the edits write, as
    `glmlint fix` writes it (`Options`); else the default user."""
    if source.format not in _HINT:
        return {}
    before = [_Found(rule, r, w, expand(intents_of(f), w)) for rule, f, w, r in found]
    # findings at one place by one rule share the first fix that verifies, in order
    places: dict[tuple[str, int, int, str], list[_Found]] = {}
    for f in before:
        r = f.result
        if r.fix is not None and f.intents:
            places.setdefault(_place(r), []).append(f)
    every = places
    if shown is not None:
        places = {key: fs for key, fs in every.items() if any(shown(f.result) for f in fs)}  # in order
    if not places:
        return {}
    user = shown.user if isinstance(shown, _Chosen) else None
    options = Options(unsafe=True, user=user or DEFAULT_FIX_USER, user_set=user is not None)
    docs = text_docs(source, source.text)
    # a re-parse is read as the same format (`_reparse`): the rules that apply to it, once
    fmt = source.format
    given, rules = rules, _applying(rules, fmt)
    cache: dict[Any, Any] = {}  # the findings before counted: once for every check
    lowered: dict[int, list[Edit] | None] = {}

    def lowered_edits(f: _Found) -> list[Edit] | None:
        if id(f) not in lowered:
            try:
                lowered[id(f)] = lower(f, source, source.text, options, docs) or None
            except (FixError, Conflict, RecursionError):
                lowered[id(f)] = None
        return lowered[id(f)]

    stream = _Stream.of(source, docs[1].roots) if docs[1] is not None else None
    if linking is None:  # the images stamped once for every re-parse (`link.link`'s memo)
        linking = _linking(images)
    # a re-parse's pod identities are read only by the scan-wide rules (GLM044) and the cluster link
    pods = bool(images) or any(r.scan_wide for r in rules)

    def holds(edits: list[Edit], judge: Callable[[SourceFile, list[_Seen]], None], ir: _Found | None = None) -> bool:
        """Whether `judge` accepts the file re-parsed with `edits` applied (and its findings). `ir`: a fix
        whose `_verify_ir` the re-parse must pass first, before its findings are made (`verify`'s first half:
        a fix that changes more than it touches is refused without running the rules again)."""
        try:
            text = apply(source.text, edits)
            reuse = stream.documents(text, min(e.start for e in edits)) if stream is not None else None
            new_source = _reparse(source, text, check=False, reuse=reuse, pods=pods, exposures=exposures)
            if images:
                _relink(new_source, images, linking)
            if ir is not None:
                _verify_ir(source, new_source, ir)
            judge(new_source, _seen(new_source, rules, applicable=True))
        except (FixError, Conflict, RecursionError):
            return False
        return True

    one = _OneDocument.of(source, stream, given, images, exposures)

    doc = docs[0]

    derived: dict[int, bool] = {}  # a fix's verdict alone, judged from its container's fixes together (`_rows`)
    # what a pod's fix judged with the file's other pods' fixes (`_pod_verdicts`) was judged on, recorded
    # (`evidence`) when its verdict is asked, as `_recorded` records it then
    pod_evidence: dict[int, Evidence] = {}

    def alone(f: _Found) -> bool:
        got = derived.get(id(f))
        if got is not None:
            made = pod_evidence.get(id(f))
            if made is not None and evidence is not None:
                evidence.append(made)
            return got
        edits = lowered_edits(f)
        if evidence is not None and one is None:
            return _recorded(f, edits, evidence)
        if edits is None:
            return False  # no edit: the same text, the finding stays
        if one is not None:
            try:
                got = one.check(f, edits, apply(source.text, edits), rules, before, cache)
            except (Conflict, RecursionError):
                got = None
            if got is not None:
                return got
        # (`verify`: its IR check first, then the findings)
        return holds(edits, lambda _new, got: _verify_findings(f, before, got, cache), ir=f)

    def _recorded(f: _Found, edits: list[Edit] | None, out: list[Evidence]) -> bool:
        """`alone`, recording what `f` was judged on."""
        seen: list[_Seen] = []

        ok = edits is not None and holds(edits, lambda _new, got: seen.extend(got), ir=f)
        out.append(Evidence(_place(f.result), f.result.fix.intents,  # type: ignore[union-attr]
                            _fix_edits(doc, edits) if ok else None, tuple(g.identity for g in seen)))  # type: ignore[arg-type]
        if not ok:
            return False
        try:
            _verify_findings(f, before, seen, cache)
        except FixError:
            return False
        return True

    firsts = [fs[0] for fs in every.values()]  # the batches every place forms, whatever `shown` wants
    if batch and ROWS and evidence is None and not any(r.scan_wide for r in rules) and (
            fmt is Format.KUBERNETES and not images or fmt is Format.COMPOSE and COMPOSE_ROWS
            and not _reads_each_other(source)):
        lowered_groups: list[tuple[list[_Found], list[Edit]]] = []
        for members in _row_groups(source, docs[1], firsts, lowered_edits):
            if not any(_place(f.result) in places for f in members):
                continue  # no member is wanted
            try:
                edits = lower(_Found(members[0].rule, members[0].result, members[0].workload,
                                     tuple(i for f in members for i in f.intents)), source, source.text, options, docs)
            except (FixError, Conflict, RecursionError):
                continue
            if edits:
                lowered_groups.append((members, edits))

        def judged(bundle: list[tuple[list[_Found], list[Edit]]]) -> dict[int, bool] | None:
            """The verdicts `_rows` gives the groups of `bundle` from one re-parse with all their edits;
            None when that re-parse does not give them (then each group is re-parsed on its own)."""
            groups = [members for members, _edits in bundle]
            edits = [e for _members, es in bundle for e in es]
            got: Any = None
            if one is not None:  # the containers' document alone, as `_OneDocument.check` judges one fix
                try:
                    got = one.reparsed(groups[0][0].workload, edits, apply(source.text, edits), rules, before)
                except (Conflict, RecursionError):
                    got = None
                if got is not None:
                    return _rows(source, got[0], groups, before, got[1], rules)  # type: ignore[arg-type]
            out: list[dict[int, bool] | None] = [None]
            holds(edits, lambda new, seen: out.__setitem__(0, _rows(source, new, groups, before, seen, rules)))
            return out[0]

        for bundle in _bundles(docs[1], lowered_groups) if BUNDLES else [[g] for g in lowered_groups]:
            got = judged(bundle)
            if got is None and len(bundle) > 1:  # some check failed: each group on its own, as before
                for group in bundle:
                    derived.update(judged([group]) or {})
            else:
                derived.update(got or {})
        firsts = [f for f in firsts if id(f) not in derived]  # (each verdict is the fix's alone: batches of the rest)
    if batch and PODS and fmt is Format.KUBERNETES and not images and rules and all(r.scan_wide for r in rules):
        # the pods' fixes of the scan-wide rules (GLM044's `automountServiceAccountToken: false`) in one re-parse
        got_pods = _pod_verdicts(source, rules, firsts, places, before, lowered_edits, stream, exposures, cache)
        for f, ok, edits, seen in got_pods:
            derived[id(f)] = ok
            if evidence is not None:
                pod_evidence[id(f)] = Evidence(_place(f.result), f.result.fix.intents,  # type: ignore[union-attr]
                                               _fix_edits(doc, edits), tuple(g.identity for g in seen))
        firsts = [f for f in firsts if id(f) not in derived]
    together: set[int] = set()  # the first findings whose fix verified in a batch
    # where one document's re-parse judges a fix (`_OneDocument`), the members of a batch spread over
    # documents may each cost less alone than the batch, which composes and checks every document from
    # the first it edits; a batch's outcome is each member's alone (`_verify_batch`; `batch=False` gives
    # the same edits, tests/test_fix_batch.py), so that either way is the same verdict
    for members in _batches(source, docs[1], firsts, lowered_edits) if batch else []:
        if not any(_place(f.result) in places for f in members):
            continue  # no member is wanted
        if one is not None and one.cheaper_alone(members):
            continue  # each alone, below
        owned = sorted((e, i) for i, f in enumerate(members) for e in set(lowered_edits(f) or ()))
        if any(a[1] != b[1] and a[0].end >= b[0].start for a, b in zip(owned, owned[1:])):
            continue  # two fixes' edits meet: each alone, below
        edits = [e for e, _i in owned]
        if holds(edits, lambda new, got: _verify_batch(source, new, members, before, got, cache)):
            together.update(id(f) for f in members)  # else each member alone, below
    done: dict[tuple[str, int, int, str], tuple[FixEdit, ...]] = {}
    for key, fs in places.items():
        for f in fs:
            if id(f) in together or alone(f):
                done[key] = _fix_edits(doc, lowered_edits(f) or [])
                break
    out: dict[int, tuple[FixEdit, ...]] = {}
    for i, f in enumerate(before):
        r = f.result
        key = (r.path, r.line, r.col, r.code)
        if r.fix is not None and key in done:
            out[i] = done[key]
    return out


def _applying(rules: list[Rule], fmt: Format) -> list[Rule]:
    """The rules of `rules` that apply to `fmt`, in order (a list no caller changes): worked out once per
    rule list (by the rules' identities: the scan passes the same rules for every file, in a new list
    each time) and format. The rules are kept beside the answer, so that no id is reused while it is kept."""
    key = (fmt, *map(id, rules))
    got = _APPLYING.get(key)
    if got is None:
        if len(_APPLYING) >= 64:
            _APPLYING.clear()
        got = _APPLYING[key] = (tuple(rules), [r for r in rules if r.applies_to(fmt)])
    return got[1]


_APPLYING: dict[tuple[Any, ...], tuple[tuple[Rule, ...], list[Rule]]] = {}


_LINKED: tuple[list[SourceFile], dict[str, Any]] | None = None  # (`linked`)


def linked(images: list[SourceFile] | None = None, memo: dict[str, Any] | None = None) -> None:
    """The scan's link of the file whose fixes are verified next linked it to `images` with `memo`
    (`link.link`'s; `runner._check_one`): its re-parses, linked to the same images, take that memo
    (`_linking`). No arguments: forget it (once the file is checked)."""
    global _LINKED
    _LINKED = (images, memo) if images is not None and memo is not None else None


def _linking(images: list[SourceFile]) -> dict[str, Any]:
    """The memo for linking re-parses to `images`: the scan's own (`linked`) when it linked these very
    images (the memo is keyed by Dockerfile, target and build args, and `link.link` changes no image:
    what it stamped is what stamping them again gives), else a fresh one."""
    got = _LINKED
    if got is not None and len(got[0]) == len(images) and all(a is b for a, b in zip(got[0], images)):
        return got[1]
    return {}


class _Chosen:
    """`verified_edits`' `shown` (None: every result) with the fix user the user chose, which the
    edits write (`Options.user`, `user_set`)."""

    __slots__ = ("shown", "user")

    def __init__(self, shown: Callable[[Result], bool] | None, user: str) -> None:
        self.shown, self.user = shown, user

    def __call__(self, r: Result) -> bool:
        return self.shown is None or self.shown(r)


def _fix_edits(doc: TextDoc, edits: list[Edit]) -> tuple[FixEdit, ...]:
    """`edits` as a result carries them: line and column, in order, each once."""
    return tuple(FixEdit(*doc.position(e.start), *doc.position(e.end), e.text) for e in sorted(set(edits)))


@dataclass(frozen=True)
class Evidence:
    """What one fix verified alone on a whole re-parse was judged on, apart from the findings before
    it: its place and intents, its edits when the fixed text re-parses to the same IR but for what
    the fix touches (`_verify_ir`; None: it does not, or it could not be written), and the findings
    of that re-parse (`_seen`'s identities). `verify` is `_verify_ir`, then `_verify_findings`,
    which reads only these identities and the findings before the fix: so `rejudged` gives the
    verdict the same re-parse would give against other findings before the fix."""

    place: tuple[str, int, int, str]
    intents: tuple[Intent, ...]
    edits: tuple[FixEdit, ...] | None
    after: tuple[Identity, ...]


def rejudged(results: list[Result], evidence: list[Evidence],
             shown: Callable[[Result], bool] | None = None) -> list[Result] | None:
    """`results` (every finding of some rules in one file, before the fixes) with the edits
    `verified_edits` would give them, judged from `evidence` (recorded by a `verified_edits` call on
    the same text, with the same rules, no linked images: each fix re-parsed alone, as it was then)
    instead of re-parsing; None when some fix to judge has no evidence (then verify as usual).

    The same verdicts as `verified_edits` on the same text, rules and findings: its fixes of no
    workload (a scan-wide rule's pod-level fix) are neither batched (`_batches` takes workloads'
    fixes) nor judged on one document (`_OneDocument` refuses scan-wide rules), so each is judged
    alone: lowered from its intents against the text (the same edits for equal intents), re-parsed
    (the same re-parse), `_verify_ir` (reads neither the findings before nor after), then
    `_verify_findings` with the findings before the fix, which are `results` here. (Several pods' fixes
    judged from one re-parse, `_pod_verdicts`, record what each one's own re-parse gives.)"""
    before = [_Seen(r.identity, None) for r in results]
    places: dict[tuple[str, int, int, str], list[tuple[int, Result]]] = {}
    for i, r in enumerate(results):
        if r.fix is not None and r.fix.intents:
            if r.workload is not None:
                return None  # a workload's fix: batched with others, or judged on its document
            places.setdefault(_place(r), []).append((i, r))
    cache: dict[Any, Any] = {}
    out = list(results)
    for key, rs in places.items():
        if shown is not None and not any(shown(r) for _i, r in rs):
            continue
        edits = None
        for i, r in rs:
            got = next((e for e in evidence if e.place == key and e.intents == r.fix.intents), None)  # type: ignore[union-attr]
            if got is None:
                return None
            if got.edits is None:
                continue
            try:
                _verify_findings(before[i], before, [_Seen(a, None) for a in got.after], cache)  # type: ignore[arg-type]
            except FixError:
                continue
            edits = got.edits
            break
        if edits is not None:
            for i, r in rs:
                out[i] = records.replace(r, edits=edits)
    return out


def _place(r: Result) -> tuple[str, int, int, str]:
    """Where a finding is, by which rule: the findings at one place share the first fix that verifies."""
    return (r.path, r.line, r.col, r.code)


def _shared_nodes(roots: list[Any]) -> list[Any]:
    """The nodes reachable twice (the anchored node of an alias or a merge key): an edit inside
    one changes every place that uses it."""
    seen: set[int] = set()
    shared: dict[int, Any] = {}
    stack = [r for r in roots if r is not None]
    while stack:
        node = stack.pop()
        if id(node) in seen:
            shared[id(node)] = node
            continue
        seen.add(id(node))
        if y.is_map(node):
            for key, value in node.value:
                stack.append(key)
                stack.append(value)
        elif y.is_seq(node):
            stack.extend(node.value)
    return list(shared.values())


def _batches(source: SourceFile, ydoc: Any, firsts: list[_Found], lowered: Any) -> list[list[_Found]]:
    """Groups of fixes (two or more) that may be verified in one re-parse: each of a different
    workload, every edit inside that workload's own part of the file (a compose service's mapping; a
    Kubernetes container's mapping, or else its whole document, shared with no other member), none
    inside a node the file uses twice (an anchor's). None in a file whose parts may read each other
    otherwise: compose `extends`, `service:`/`container:` namespaces, `volumes_from`; nor when two
    workloads share a label."""
    if ydoc is None or len(firsts) < 2 or len(source.workloads) < 2:
        return []
    labels = [w.label for w in source.workloads]
    if len(set(labels)) != len(labels):
        return []
    compose = source.format is Format.COMPOSE
    if compose and _reads_each_other(source):
        return []
    own = {id(w) for w in source.workloads}
    paths = [w.node_path for w in source.workloads]
    candidates: list[tuple[_Found, Any, Any]] = []  # (fix, its part, its document or None)
    for f in firsts:
        w = f.workload
        path = w.node_path if w is not None and id(w) in own else ()
        if not path or not isinstance(path[0], int) or path[0] >= len(ydoc.roots):
            continue
        edits = lowered(f)
        if not edits:
            continue
        node = ydoc.node(path)
        pod = None if compose else _pod_part(ydoc, path, paths, edits)
        if node is not None and y.is_map(node) and _inside(ydoc, node, edits):
            candidates.append((f, ("own", path), None if compose else path[0]))
        elif pod is not None:
            candidates.append((f, ("own", pod), path[0]))  # a pod-level edit in a pod of this container only
        elif not compose and ydoc.roots[path[0]] is not None and _inside(ydoc, ydoc.roots[path[0]], edits):
            candidates.append((f, ("document", path[0]), path[0]))
    if len(candidates) < 2:
        return []
    # a node is reachable twice only through an alias, which needs an anchor (`&`) and a `*`
    aliases = "&" in source.text and "*" in source.text
    shared = [(ydoc.start(n), ydoc.end(n)) for n in _shared_nodes(ydoc.roots)] if aliases else []
    if shared:
        candidates = [c for c in candidates if not any(start <= e.end and e.start <= end for e in lowered(c[0])
                                                       for start, end in shared)]
    batches: list[tuple[set[Any], set[Any], list[_Found]]] = []  # (parts, documents wholly taken, fixes)
    for f, part, doc in candidates:
        for parts, whole, members in batches:
            if any(_nested(part, p) for p in parts) or doc in whole or (
                    part[0] == "document" and doc in {p[1][0] for p in parts if p[0] == "own"}):
                continue
            parts.add(part)
            if part[0] == "document":
                whole.add(doc)
            members.append(f)
            break
        else:
            batches.append(({part}, {doc} if part[0] == "document" else set(), [f]))
    return [members for _parts, _whole, members in batches if len(members) > 1]


def _reads_each_other(source: SourceFile) -> bool:
    """A compose file whose services may read each other's mappings: `extends`, `service:`/`container:`
    namespaces, `volumes_from` (its fixes are neither batched nor grouped)."""
    return any(word in source.text for word in ("extends", "service:", "container:", "volumes_from"))


def _pod_part(ydoc: Any, path: tuple[Any, ...], paths: list[tuple[Any, ...]], edits: list[Edit]) -> tuple[Any, ...] | None:
    """The pod spec of the Kubernetes container at `path`, when every edit is inside it and no other
    workload's container is: a pod-level edit (GLM004's `volumes` entry for the paths the image
    writes) changes that container only."""
    if len(path) < 3 or not isinstance(path[-1], int) or path[-2] not in ("containers", "initContainers"):
        return None
    pod = path[:-2]
    if any(p != path and p[:len(pod)] == pod for p in paths):
        return None
    node = ydoc.node(pod)
    return pod if node is not None and y.is_map(node) and _inside(ydoc, node, edits) else None


def _nested(a: tuple[str, Any], b: tuple[str, Any]) -> bool:
    """Whether two parts of a batch meet: the same part, or one inside the other (a container's
    mapping in its pod spec: one workload's two fixes)."""
    if a == b:
        return True
    if a[0] != "own" or b[0] != "own":
        return False
    shorter, longer = sorted((a[1], b[1]), key=len)
    return longer[:len(shorter)] == shorter


def _inside(ydoc: Any, node: Any, edits: list[Edit]) -> bool:
    start, end = ydoc.start(node), ydoc.end(node)
    return all(start <= e.start and e.end <= end for e in edits)


def _verify_batch(before: SourceFile, after: SourceFile, batch: list[_Found], old: list[_Found],
                  new: list[_Found], cache: dict[Any, Any]) -> None:
    """Fixes of different workloads, applied together in `after`: each is checked with `verify` as
    if applied alone (its workload as re-parsed, every other workload and finding as before). That
    holds when a fix changes nothing but its own workload, which the batch checks where it can: every
    other workload, its findings and the file's own findings must stay exactly as they were."""
    if [w.label for w in before.workloads] != [w.label for w in after.workloads]:
        raise FixError("the fixes would change which workloads the file defines")
    index0 = {id(w): i for i, w in enumerate(before.workloads)}
    index1 = {id(w): i for i, w in enumerate(after.workloads)}
    members = {index0[id(f.workload)]: f for f in batch}
    for i, (w0, w1) in enumerate(zip(before.workloads, after.workloads)):
        if i not in members:
            if not all(_same(getattr(w1, f), getattr(w0, f)) for f in _SNAPSHOT):
                raise FixError(f"the fixes would also change {w1.label}")

    def others(found: list[_Found], index: dict[int, int]) -> Counter[tuple[Any, ...]]:
        return Counter((f.result.code, f.result.workload, f.result.message,
                        index.get(id(f.workload)) if f.workload is not None else None)
                       for f in found if f.workload is None or index.get(id(f.workload)) not in members)

    if others(old, index0) != others(new, index1):
        raise FixError("the fixes would change the findings of another workload")
    for i, f in members.items():
        alone = _Parsed(after.format, [after.workloads[i] if k == i else w for k, w in enumerate(before.workloads)])
        found = [o for o in old if o.workload is None or index0.get(id(o.workload)) != i]
        found += [n for n in new if n.workload is not None and index1.get(id(n.workload)) == i]
        verify(before, alone, f, old, found, cache)  # type: ignore[arg-type]


PODS = True  # the pods' fixes of the scan-wide rules judged in one re-parse (`_pod_verdicts`; tests turn it off)


def _pod_verdicts(source: SourceFile, rules: list[Rule], firsts: list[_Found], places: dict[Any, Any],
                  before: list[_Found], lowered: Any, stream: _Stream | None, exposures: list[Any] | None,
                  cache: dict[Any, Any]) -> list[tuple[_Found, bool, list[Edit], list[_Seen]]]:
    """The fixes of the scan-wide rules on the pods of a Kubernetes file (GLM044's
    `automountServiceAccountToken: false`, one per pod), two or more, judged from one re-parse with all
    of them applied: each with its verdict alone, its edits and the findings its own re-parse gives
    (`_seen`, what `_recorded` records); none when a check of the re-parse fails (then each is
    re-parsed alone, as before).

    Why it is the verdict alone. `rules` are the scan-wide ones (`_verified_edits` is called with them
    apart, `runner._check_one`), which read of a file its pods (`SourceFile.pods`; of a linked pod its
    ServiceAccount and grants, and then where a binding of the file is written) and nothing else; the
    re-parses are not linked (no images), so this takes only files none of whose pods is linked either
    (no `account`, no `grants`: what the scan-wide rules find on them is what they find on the file as
    parsed) and no `assumed` values (whose places a message reads). The Kubernetes parser builds each
    pod (`PodIdentity`) from its own pod spec and its object, and each fix writes one key of one pod
    spec (`set_at_path`): the pods apart (no alias in the file, no two fixes' edits meeting). Checked
    here on the re-parse with every fix: the same workloads with every field as before (`_changed`),
    the same pods, each as before but for the fixed pods' `automount` (places aside: a projected token
    by whether there is one). Then the file re-parsed with fix i alone has the workloads as before
    (`_verify_ir` passes), fix i's pod as the re-parse with every fix has it, and every other pod as
    before (places aside, which no message here reads: the finding's own place is not part of its
    identity), so the scan-wide rules run on the file's pods with pod i taken from the re-parse find
    what they find on fix i's own re-parse (by identity, in order), and `_verify_findings` judges
    those. tests/test_fix_pods.py compares every verdict and what it was judged on with each fix's own
    re-parse on every fixture and corpus file."""
    import copy

    if len(firsts) < 2 or not source.pods or source.assumed or ("&" in source.text and "*" in source.text):
        return []
    if any(p.account is not None or p.grants for p in source.pods):
        return []
    index = {p.automount.path: k for k, p in enumerate(source.pods) if p.automount.path}
    if len(index) != len(source.pods):
        return []  # two pods written at one path, or one with no path: each alone
    members: list[tuple[_Found, int, list[Edit]]] = []
    for f in firsts:
        if f.workload is not None or not f.intents or not all(
                isinstance(i, SetValue) and i.setting.path for i in f.intents):
            continue
        ks = {index.get(i.setting.path) for i in f.intents}
        edits = lowered(f)
        if len(ks) != 1 or None in ks or not edits:
            continue
        members.append((f, ks.pop(), edits))
    if len({k for _f, k, _e in members}) != len(members):
        return []  # two fixes of one pod: each alone
    if len(members) < 2 or not any(_place(f.result) in places for f, _k, _e in members):
        return []
    owned = sorted((e, i) for i, (_f, _k, es) in enumerate(members) for e in set(es))
    if any(a[1] != b[1] and a[0].end >= b[0].start for a, b in zip(owned, owned[1:])):
        return []  # two fixes' edits meet
    edits = [e for e, _i in owned]
    try:
        text = apply(source.text, edits)
        reuse = stream.documents(text, edits[0].start) if stream is not None else None
        new = _reparse(source, text, check=False, reuse=reuse, pods=True, exposures=exposures)
    except (FixError, Conflict, RecursionError):
        return []
    if new.assumed or [w.label for w in source.workloads] != [w.label for w in new.workloads] or any(
            a is not b and _changed(a, b) != [] for a, b in zip(source.workloads, new.workloads)):
        return []
    fixed = {k for _f, k, _e in members}
    if len(new.pods) != len(source.pods) or not all(
            _same_pod(a, b, k in fixed) for k, (a, b) in enumerate(zip(source.pods, new.pods))):
        return []
    out: list[tuple[_Found, bool, list[Edit], list[_Seen]]] = []
    for f, k, es in members:
        view = copy.copy(new)
        view.pods = [new.pods[j] if j == k else p for j, p in enumerate(source.pods)]
        seen = _seen(view, rules, applicable=True)
        try:
            _verify_findings(f, before, seen, cache)
        except FixError:
            out.append((f, False, es, seen))
            continue
        out.append((f, True, es, seen))
    return out


def _same_pod(a: Any, b: Any, fixed: bool) -> bool:
    """Whether two pods (`PodIdentity`) are the same but for their places (a projected token by whether
    there is one) and, when `fixed`, their `automount`."""
    for name in a.__record__.names:
        x, y = getattr(a, name), getattr(b, name)
        if name == "anchor" or (fixed and name == "automount"):
            continue
        if name == "projected_token":
            if (x is None) != (y is None):
                return False
        elif isinstance(x, Setting):
            if not isinstance(y, Setting) or (x.value, x.explicit, x.origin) != (y.value, y.explicit, y.origin):
                return False
        elif x != y:
            return False
    return True


ROWS = True  # a container's fixes judged in one re-parse (`_rows`; tests turn it off to compare)
COMPOSE_ROWS = True  # a compose service's too (tests turn it off to compare)
_STRUCTURED = (ReplaceText, RemoveWord, RemoveCommand)  # (intents `_row_groups` leaves alone: words, text)


def _row_groups(source: SourceFile, ydoc: Any, firsts: list[_Found], lowered: Any) -> list[list[_Found]]:
    """The fixes of one Kubernetes container or compose service (two or more, each the first of its
    place) that `_rows` may judge in one re-parse: each writes settings (no text replaced, no word
    removed, no sshd option), every edit inside the container's own mapping or its pod spec (`_in_pod`),
    the fields each touches (`_touched`) shared with no other; in a file whose workloads' labels are
    unique."""
    if ydoc is None or len(firsts) < 2:
        return []
    labels = [w.label for w in source.workloads]
    if len(set(labels)) != len(labels):
        return []
    own = {id(w) for w in source.workloads}
    by: dict[int, list[_Found]] = {}
    for f in firsts:
        w = f.workload
        if w is not None and id(w) in own:
            by.setdefault(id(w), []).append(f)
    out: list[list[_Found]] = []
    for fs in by.values():
        if len(fs) < 2:
            continue
        w = fs[0].workload
        path = w.node_path  # type: ignore[union-attr]
        if not path or not isinstance(path[0], int) or path[0] >= len(ydoc.roots):
            continue
        node = ydoc.node(path)
        if node is None or not y.is_map(node):
            continue
        members, touched = [], set()
        for f in fs:
            edits = lowered(f)
            if not edits or any(isinstance(i, _STRUCTURED) or _field(i).startswith("sshd.") for i in f.intents):
                continue
            if not _inside(ydoc, node, edits) and not _in_pod(ydoc, path, edits):
                continue
            t = _touched(f)
            if t & touched:
                continue
            touched |= t
            members.append(f)
        if len(members) > 1:
            out.append(members)
    return out


def _in_pod(ydoc: Any, path: tuple[Any, ...], edits: list[Edit]) -> bool:
    """Whether every edit is inside the pod spec of the Kubernetes container at `path` (GLM004's
    emptyDir in its `volumes`, which the pod's other containers share: `_owners` lets them change
    there only)."""
    if len(path) < 3 or not isinstance(path[-1], int) or path[-2] not in ("containers", "initContainers"):
        return False
    node = ydoc.node(path[:-2])
    return node is not None and y.is_map(node) and _inside(ydoc, node, edits)


# what a field of a container's own `securityContext` (`Workload.own`) or of its pod (`Workload.pod`)
# is part of among the fields fixes touch (`_touched`): the fix that owns those owns it
_OWNED_AS = {"own.run_as_non_root": {"run_as_non_root"}, "own.run_as_user": {"user"}, "own.seccomp": {"seccomp"},
             "own.apparmor": {"apparmor"}, "own.selinux_type": {"selinux"}, "own.selinux_user": {"selinux"},
             "own.selinux_role": {"selinux"}, "own.capabilities": {"cap_add", "cap_drop"},
             "pod.volumes": {"mounts"}}
# the same for each field of the pod's own `securityContext` (`Pod.context`): a fix changes the pod's
# `context` where it writes one of these there (GLM001's `fsGroup` beside its uid, or the pod-level
# `runAsUser: 0` it replaces); a field not named here is owned by no fix (`_owners` then refuses)
_POD_CONTEXT_AS = {"run_as_non_root": {"run_as_non_root"}, "run_as_user": {"user"}, "seccomp": {"seccomp"},
                   "apparmor": {"apparmor"}, "selinux_type": {"selinux"}, "selinux_user": {"selinux"},
                   "selinux_role": {"selinux"}, "fs_group": {"fs_group"}, "fs_group_change_policy": {"fs_group"}}
# the fields of a container's pod its pod's other containers read as theirs (`Workload.pod`): the one fix
# that owns one changes it for each of them (`_owners`)
_POD_SHARED = ("pod.volumes", "pod.context")


def _changed(w0: Workload, w1: Workload) -> list[str] | None:
    """The fields of `w1` not `_same` as `w0`'s, those of `own` and `pod` by their dotted paths
    (`glmlint.fix.reads`), places aside (`_PLACES`); None when one has a pod or securityContext record
    and the other none."""
    from glmlint.fix.reads import NESTED

    out = []
    for name in _WORKLOAD_FIELDS:
        a, b = getattr(w0, name), getattr(w1, name)
        if a is b:
            continue
        if name in NESTED:
            if (a is None) != (b is None):
                return None
            for sub in a.__record__.names:
                if sub in _PLACES:
                    continue
                x, z = getattr(a, sub), getattr(b, sub)
                if x is not z and not _same(x, z):
                    out.append(f"{name}.{sub}")
        elif not _same(a, b):
            out.append(name)
    return out


_WORKLOAD_FIELDS = tuple(f for f in Workload.__record__.names if f not in _PLACES)  # type: ignore[attr-defined]


def _rows(before: SourceFile, after: SourceFile, groups: list[list[_Found]], old: list[_Found], new: list[_Seen],
          rules: list[Rule]) -> dict[int, bool] | None:
    """Each fix of `groups` (each group the fixes of one container, `_row_groups`; the groups' containers
    apart, `_bundles`) judged as `verify` judges it alone, from one re-parse with all of them applied
    (`after`, its findings `new`): by id, the verdicts this can give (the others are re-parsed alone);
    None when a check of the re-parse fails (`_owners`).

    Why it is the verdict alone. The Kubernetes parser reads each field of a container through its row
    (`glmlint.fields`) from the container's own mapping and its pod spec, so a fix's rows change only
    the fields it touches (`_touched`) of its own container, and of `own`/`pod` the parts of those
    (`_OWNED_AS`; of the pod's `securityContext`, the fix that touches what each changed field of it is part
    of, `_POD_CONTEXT_AS`), and of the other containers of its pod the pod's `volumes` or `securityContext`
    (GLM001's fsGroup, or the pod-level `runAsUser: 0` it replaces) when it writes them (`_POD_SHARED`); fixes
    of one container with disjoint touched fields and edits inside the container's mapping or its pod
    spec change nothing of each other's, and fixes of containers apart (each group's edits inside its
    container's mapping, or its pod spec, which no other group's edits or container are in: `_bundles`)
    nothing of another group's container. Checked here (`_owners`), else no verdict: every workload but
    the groups' containers is as before (`_changed`: every field), but for its pod's `volumes` or
    `context` when it shares a container's pod and the one fix that owns each changed it (then it is as `after` has it
    with that fix alone, as before with any other), with the same findings (rule, workload, message) in
    `after`, and so are the file's own findings; each container's changed fields (`_changed`) each owned
    by exactly one member of its group. Then the file re-parsed with fix i alone has its container, W_i,
    as before but for the fields fix i owns, which are as `after` has them (places aside, which `verify`
    does not read but in messages), and every other workload as before (the pod's `volumes` and `context` aside, as
    above). So `_verify_ir` passes for each member; of `_verify_findings`, every count but the
    container's is as before, and each rule's findings on W_i are: those on `after`'s container when the
    rule reads (`glmlint.fix._reads`, recorded) no field another member of its group changed; those
    before the fixes when it reads none fix i changed; else the rule is run on W_i made of the two (the
    fields i changed from `after`, the rest from before). The fixed finding's rule must then find nothing
    on W_i (else its messages would decide: no verdict). tests/test_fix_rows.py compares every verdict
    with the fix's own re-parse on every fixture and corpus file, and checks there that each fix's own
    re-parse has W_i and every other workload as before.

    A compose service's fixes likewise (`COMPOSE_ROWS`): the compose parser reads each field of a
    service from the service's own keys (with the override file's over them, which no fix edits), the
    fixes grouped write keys of their own (GLM002 `cap_drop`, GLM004 `read_only` and `tmpfs`, GLM007
    `security_opt`, GLM001 `user`), and the link done again on each re-parse (`_relink`) adds from the
    image the service builds what the service does not set (`link.inherit`): a field the link changes
    because a fix changed what the service sets (another `build.target` stage once `user:` is written)
    is one no member touches, and `_owners` refuses the group. Not grouped: services that may read each
    other (`_reads_each_other`). Compose's refusal of a `security_opt` item twice (`_verify_ir`) is
    checked on the re-parse (else each alone), and the rules' read sets are those recorded on compose
    services, as parsed and as linked (`COMPOSE_READS`). tests/test_fix_rows_compose.py compares
    every verdict with the fix's own re-parse, linked as the scan links it, on every compose fixture
    and corpus file, and checks there that each fix's own re-parse has W_i and every other service as
    before."""
    from glmlint.fix._reads import COMPOSE_READS, READS

    # (`after` may be `_OneDocument.reparsed`'s view: the containers' document re-parsed alone, the
    # other documents' workloads and findings as scanned, which is what the whole re-parse gives them)
    got = _owners(before, after, groups, old, new)
    if got is None:
        return None
    compose = before.format is Format.COMPOSE
    if compose and any((dup := _duplicate([i.value for i in w1.security_opts])) is not None
                       and dup != _duplicate([i.value for i in w0.security_opts]) for w0, w1, _owned in got):
        return None  # Compose would refuse a `security_opt` item twice (`_verify_ir`): each alone
    checks = [r for r in rules if r.check is not None]
    # the rules each member's verdict reads by their read sets (`READS`, on compose services
    # `COMPOSE_READS`); a rule that reads no field the group changed finds on every W_i what it finds on
    # `after`'s container
    table = COMPOSE_READS if compose else READS
    read = [(r, table.get(r.code) if r.params is None else None) for r in checks]
    codes = {r.code for r, _reads in read}
    out: dict[int, bool] = {}
    for members, (w0, w1, owned) in zip(groups, got):
        count0 = Counter(f.result.code for f in old if f.workload is w0)
        count1 = Counter(s.key[0] for s in new if s.workload is w1)
        changed = set().union(*owned)
        asked = [(r, reads) for r, reads in read if reads is None or not reads.isdisjoint(changed)]
        # a rule no member asks again finds on every W_i what it finds on `after`'s container (its
        # count is count1's): whether one of those grew is the same for every member
        grown = any(count1[c] > count0[c] for c in codes.difference(r.code for r, _reads in asked))
        for i, f in enumerate(members):
            mine = owned[i]
            theirs = set().union(*(o for j, o in enumerate(owned) if j != i))
            made: list[Workload] = []
            counts: dict[str, int] = {}  # the asked rules' counts on W_i (the others': count1's)
            for rule, reads in asked:
                if reads is not None and reads.isdisjoint(theirs):
                    counts[rule.code] = count1[rule.code]
                elif reads is not None and reads.isdisjoint(mine):
                    counts[rule.code] = count0[rule.code]
                else:
                    if not made:
                        made.append(_with(w0, w1, mine))  # type: ignore[arg-type]
                    try:
                        counts[rule.code] = sum(1 for _ in rule(made[0]))
                    except Exception:  # noqa: BLE001 - as `_seen`: no verdict
                        break
            else:
                code = f.result.code
                n = counts.get(code, count1[code]) if code in codes else 0
                if n >= count0[code]:
                    out[id(f)] = False  # the finding would remain
                elif grown or any(m > count0[c] for c, m in counts.items()):
                    out[id(f)] = False  # the fix would cause another
                elif n == 0:
                    out[id(f)] = True
    return out


def _owners(before: SourceFile, after: SourceFile, groups: list[list[_Found]], old: list[_Found],
            new: list[_Seen]) -> list[tuple[Workload, Workload, list[set[str]]]] | None:
    """`_rows`' checks of the re-parse with every member of `groups` applied: each group's container
    before and after, and the fields (dotted paths, `_changed`) each member changed; None when some
    check fails."""
    if [w.label for w in before.workloads] != [w.label for w in after.workloads]:
        return None
    ks: list[int] = []
    changes: list[list[str]] = []
    pods: set[Any] = set()  # (pod, field): the fields of a pod (`_POD_SHARED`) a container's fix changed
    for members in groups:
        w0 = members[0].workload
        k = next(i for i, w in enumerate(before.workloads) if w is w0)
        w1 = after.workloads[k]
        changed = _changed(w0, w1)  # type: ignore[arg-type]
        if changed is None:
            return None
        if w1.pod is not None and w1.pod.volumes_path is not None:
            pods.update((w1.pod.volumes_path, p) for p in _POD_SHARED if p in changed)
        ks.append(k)
        changes.append(changed)
    mine = set(ks)
    # every field of every other workload as before (not only `_SNAPSHOT`), but the volumes and the
    # securityContext of the pod it shares with a container: one fix owns each (below), and that fix
    # alone changes them for both
    for i, (a, b) in enumerate(zip(before.workloads, after.workloads)):
        if i in mine or a is b:
            continue
        got = _changed(a, b)
        if got is None or got and not (b.pod is not None and all((b.pod.volumes_path, p) in pods for p in got)):
            return None
    index0 = {id(w): i for i, w in enumerate(before.workloads)}
    index1 = {id(w): i for i, w in enumerate(after.workloads)}

    def others(found: list[Any], index: dict[int, int]) -> Counter[tuple[Any, ...]]:
        return Counter((f.result.code, f.result.workload, f.result.message,
                        index.get(id(f.workload)) if f.workload is not None else None)
                       for f in found if f.workload is None or index.get(id(f.workload)) not in mine)

    if others(old, index0) != others(new, index1):
        return None
    out: list[tuple[Workload, Workload, list[set[str]]]] = []
    for members, k, changed in zip(groups, ks, changes):
        touched = [_touched(f) for f in members]
        owned: list[set[str]] = [set() for _ in members]
        w0, w1 = before.workloads[k], after.workloads[k]
        for path in changed:
            fields = _OWNED_AS.get(path, {path}) if path != "pod.context" else _context_owned(w0, w1)
            by = [i for i, t in enumerate(touched) if fields & t]
            if len(by) != 1:
                return None  # changed by no fix, or by two: each alone
            owned[by[0]].add(path)
        out.append((w0, w1, owned))
    return out


def _context_owned(w0: Workload, w1: Workload) -> set[str]:
    """What the change of the pod's `context` between two versions of a container is part of among the
    fields fixes touch (`_POD_CONTEXT_AS`, by each of its fields that changed, places aside); empty when
    a field that changed is owned by none."""
    a, b = w0.pod.context, w1.pod.context  # type: ignore[union-attr]
    out: set[str] = set()
    for sub in a.__record__.names:  # type: ignore[attr-defined]
        x, z = getattr(a, sub), getattr(b, sub)
        if x is z or _same(x, z):
            continue
        got = _POD_CONTEXT_AS.get(sub)
        if got is None:
            return set()
        out |= got
    return out


BUNDLES = True  # the groups of containers apart in one document judged in one re-parse (`_bundles`; tests turn it off)


def _bundles(ydoc: Any, groups: list[tuple[list[_Found], list[Edit]]]) -> list[list[tuple[list[_Found], list[Edit]]]]:
    """`groups` (each a container's fixes, `_row_groups`, with their edits lowered together) in bundles
    that `_rows` judges from one re-parse: groups of one document, each group's edits inside its part
    (its container's mapping; else its pod spec: GLM004's `volumes` entry), the parts of a bundle apart
    (neither inside the other, no byte shared): so no group's edits, or container, are inside another's
    part. A group whose edits fit no part is a bundle of its own (judged as before)."""
    out: list[tuple[Any, list[tuple[int, int]], list[tuple[list[_Found], list[Edit]]]]] = []
    for group in groups:
        members, edits = group
        path = members[0].workload.node_path  # type: ignore[union-attr]
        node = ydoc.node(path)
        part = node if _inside(ydoc, node, edits) else ydoc.node(path[:-2]) if _in_pod(ydoc, path, edits) else None
        if part is None:
            out.append((None, [], [group]))
            continue
        span = (ydoc.start(part), ydoc.end(part))
        for doc, spans, items in out:
            if doc == path[0] and all(span[1] < s[0] or s[1] < span[0] for s in spans):
                spans.append(span)
                items.append(group)
                break
        else:
            out.append((path[0], [span], [group]))
    return [items for _doc, _spans, items in out]


def _with(w0: Workload, w1: Workload, paths: set[str]) -> Workload:
    """`w0` with the fields (dotted paths: `own.x`, `pod.x`) `paths` names taken from `w1`."""
    from glmlint.fix.reads import NESTED

    top: dict[str, Any] = {}
    nested: dict[str, dict[str, Any]] = {}
    for path in paths:
        name, _, sub = path.partition(".")
        if sub:
            nested.setdefault(name, {})[sub] = getattr(getattr(w1, name), sub)
        else:
            top[name] = getattr(w1, name)
    for name, values in nested.items():
        if name in NESTED:
            top[name] = _copied(getattr(w0, name), values)
    return _copied(w0, top)


def _copied(obj: Any, changes: dict[str, Any]) -> Any:
    """`records.replace(obj, **changes)` for the frozen slotted records `_with` makes (`Workload`, `Pod`,
    `SecurityContext`), without its keyword call: what the generated `__init__` does when every field is
    given, each slot set (from `obj`, or `changes`), then `__post_init__` when the class has one."""
    cls = obj.__class__
    how = _COPYING.get(cls)
    if how is None:
        names = cls.__record__.names
        if len(names) < 2 or any(type(getattr(cls, n, None)).__name__ != "member_descriptor" for n in names):
            return records.replace(obj, **changes)
        how = _COPYING[cls] = (operator.attrgetter(*names), {n: i for i, n in enumerate(names)},
                               tuple(getattr(cls, n).__set__ for n in names), getattr(cls, "__post_init__", None))
    get, index, puts, post_init = how
    values = list(get(obj))
    for name, value in changes.items():
        values[index[name]] = value
    new = object.__new__(cls)
    for put, value in zip(puts, values):
        put(new, value)
    if post_init is not None:
        post_init(new)
    return new


_COPYING: dict[type, tuple[Any, dict[str, int], tuple[Any, ...], Any]] = {}  # `_copied`'s, by record class


@dataclass
class _Parsed:
    """What `verify` reads of a re-parse: one fix's view of a batch (its own workload re-parsed)."""
    format: Format
    workloads: list[Workload]


__all__ = ["Applied", "Evidence", "FileFix", "Options", "fix_report", "fix_source", "lower", "rejudged", "verified_edits"]
