"""`glmlint server`: a Language Server over standard input and output (pygls; `pip install 'glmlint[lsp]'`).

Diagnostics for every format glmlint reads, on the unsaved buffer: when a
document is opened or saved, and after each change (at most once per
`DEBOUNCE` seconds while changes keep coming, the last one always checked). Code actions fix one finding ("Fix GLM005: …", preferred
when the fix is safe) with the edits `glmlint fix` verifies, or every safe
fix of the file at once. Hover on a finding shows its rule page. The
configuration file, suppression comments and cross-file links (a compose file
and the Dockerfile it builds, read from its open buffer or from disk) behave
as in `glmlint check`; the configuration is read again when one is saved.
A file of a Helm chart or Kustomize overlay is checked by rendering the chart
(building the overlay) from disk, as `glmlint check FILE` does: on open and save.

A buffer is checked the way `glmlint check FILE` checks the file: the same
reading, parsing, linking, rules and policy (`lint`). A half-typed buffer is
a parse problem shown as one diagnostic, never a crash.
"""
from __future__ import annotations

import asyncio
import os
import re
from typing import Any

from lsprotocol import types as lsp
from pygls.lsp.server import LanguageServer

from glmlint import __version__
from glmlint import records
from glmlint.records import dataclass, field

DEBOUNCE = 0.05  # seconds: while typing, a buffer is checked at most once per this (a check takes ~5 ms)
SOURCE = "glmlint"
CONFIG_FILES = (".glmlint.toml", ".glmlint.yaml", ".glmlint.yml", "pyproject.toml")
FIX_ALL = "source.fixAll.glmlint"


@dataclass
class Checked:
    """The last check of one buffer: its text, and each diagnostic with the finding it shows."""

    text: str
    report: Any
    found: list[tuple[lsp.Diagnostic, Any]] = field(default_factory=list)


class GlmlintServer(LanguageServer):
    def __init__(self) -> None:
        super().__init__("glmlint", __version__, text_document_sync_kind=lsp.TextDocumentSyncKind.Incremental)
        self.root = os.getcwd()
        self.config: Any = None
        self.rules: list[Any] = []
        self.config_error: str | None = None
        self.checked: dict[str, Checked] = {}
        self.pending: dict[str, asyncio.TimerHandle] = {}
        self.last: dict[str, float] = {}  # when each buffer was last checked (loop time)

    # -- configuration -------------------------------------------------------------------

    def load_config(self) -> None:
        from glmlint.config import ConfigError, resolve
        from glmlint.registry import RuleError, all_rules

        available = all_rules()
        try:
            self.config = resolve(None, self.root, available)
            self.rules = self.config.rules(available)
            self.config_error = None
        except (ConfigError, RuleError) as exc:
            from glmlint.config import Config

            self.config, self.rules, self.config_error = Config(), available, str(exc)

    # -- checking ------------------------------------------------------------------------

    def lint(self, uri: str, typed: bool = False) -> None:
        """Check the buffer `uri` and publish its diagnostics. `typed`: after a change, not yet saved;
        a file of a Helm chart or Kustomize overlay is checked by rendering it from disk, so only
        when opened or saved (its diagnostics stay as they were while you type)."""
        self.pending.pop(uri, None)
        self.last[uri] = asyncio.get_running_loop().time()
        doc = self.workspace.get_text_document(uri)
        path = _path(uri)
        try:
            unit = rendered_unit(path, self.root, self.config)
            if unit is not None and typed and uri in self.checked:
                return
            report = (lint(path, doc.source, self.root, self.config, self.rules, self.open_text) if unit is None
                      else lint_rendered(unit, path, self.root, self.config, self.rules))
            found = diagnostics(report, path, self.root, doc.source)
        except Exception as exc:  # a bug must cost one diagnostic, never the server
            report = None
            found = [(lsp.Diagnostic(range=_line_range(0), message=f"glmlint internal error: {type(exc).__name__}: "
                                     f"{exc}", severity=lsp.DiagnosticSeverity.Error, source=SOURCE), None)]
        if self.config_error:
            found.insert(0, (lsp.Diagnostic(range=_line_range(0), message=self.config_error,
                                            severity=lsp.DiagnosticSeverity.Error, source=SOURCE), None))
        self.checked[uri] = Checked(doc.source, report, found)
        self.text_document_publish_diagnostics(lsp.PublishDiagnosticsParams(
            uri=uri, version=doc.version, diagnostics=[d for d, _ in found]))

    def later(self, uri: str) -> None:
        """Check `uri` after a change: at once after a pause, else once per `DEBOUNCE` seconds while
        changes keep coming, the last change always checked (changes in between are coalesced)."""
        if uri in self.pending:
            return  # a check is already due; it will read the newest text
        loop = asyncio.get_running_loop()
        wait = max(0.0, self.last.get(uri, 0.0) + DEBOUNCE - loop.time())
        self.pending[uri] = loop.call_later(wait, self.lint, uri, True)

    def open_text(self, path: str) -> str | None:
        """The unsaved text of `path` when it is open in the editor."""
        for uri, doc in list(self.workspace.text_documents.items()):
            if _path(uri) == path:
                return doc.source
        return None


def rendered_unit(path: str, root: str, config: Any) -> Any:
    """The Helm chart or Kustomize overlay the file `path` stands for, as `glmlint check FILE` finds it
    (a template, a values file, a kustomization, a resource or patch it reads), or None."""
    if config is None or not config.render or not os.path.isfile(path):
        return None
    from glmlint.discovery import RENDERED, _unit_of

    unit = _unit_of(path, root)
    return unit if unit is not None and unit.hint in RENDERED else None


def lint_rendered(unit: Any, path: str, root: str, config: Any, rules: list[Any]) -> Any:
    """`glmlint check FILE` for a file of a chart or overlay: the unit rendered from disk, the findings
    and problems placed in this file (a render failure that names no file of the unit is shown on
    the first line)."""
    from glmlint.rendered import display_path
    from glmlint.runner import scan

    report = scan([path], rules, root=root, config=config)
    display = display_path(path, root)
    here = []
    for r in report.results:  # at the template line; in a values file, at the values line it came from
        at = next(((line, col) for p, line, col, _note in r.related if p == display), None)
        if r.path == display:
            here.append(r)
        elif at is not None:
            here.append(records.replace(r, path=display, line=at[0], col=at[1], edits=None))
    report.results = here
    report.problems = [p if p.path != unit.display else records.replace(p, path=display, line=1)
                       for p in report.problems if p.path in (display, unit.display)]
    return report


def lint(path: str, text: str, root: str, config: Any, rules: list[Any], open_text: Any = lambda p: None) -> Any:
    """`glmlint check` of one file whose text is `text` (an editor buffer); the report, policy applied."""
    from glmlint.discovery import Candidate
    from glmlint.ir import SourceFile
    from glmlint.link import dockerfiles, images_for, link, wanted
    from glmlint.parsers import detect
    from glmlint.rendered import display_path
    from glmlint.runner import Report, read_source, run_rules

    report = Report(root=root, rules=rules)
    if config.excluded(path):
        return report
    display = display_path(path, root)
    hint = detect(os.path.basename(path), display) or "yaml-maybe"
    got = read_source(Candidate(path, display, hint, True), data=text.encode("utf-8", "surrogatepass"))
    if not isinstance(got, SourceFile):
        if got is not None:
            report.problems.append(got)
        return report
    report.sources.append(got)
    report.files_scanned = 1
    report.problems.extend(got.problems)
    images = []
    for key in sorted(wanted(got)):  # the Dockerfiles a compose file builds: open buffers, else disk
        data = open_text(key)
        df = read_source(Candidate(key, display_path(key, root), "dockerfile", True),
                         data=data.encode("utf-8", "surrogatepass") if data is not None else None)
        if isinstance(df, SourceFile):
            images.append(df)
    link([*images, got])
    from glmlint import policy

    # every fix verified, its edits writing the configuration's fix user as `glmlint fix` does
    results, problems = run_rules(got, rules, fix_edits=policy.Every(config),
                                  images=images_for(got, dockerfiles(images)))
    for image in images:  # what the Dockerfiles report themselves is not repeated on the service
        results += run_rules(image, rules)[0]
    report.results.extend(results)
    report.problems.extend(problems)
    report.sources.extend(images)  # the policy judges their findings where they are (`policy._one_per_cause`)

    policy.apply(report, config)
    others = {image.path for image in images} - {display}
    report.results = [r for r in report.results if r.path == display]
    report.problems = [p for p in report.problems if p.path not in others]
    report.sources = [got]
    return report


def diagnostics(report: Any, path: str, root: str, text: str) -> list[tuple[lsp.Diagnostic, Any]]:
    from glmlint.rendered import display_path
    from glmlint.rule import FixSafety, Severity

    display = display_path(path, root)
    lines = text.split("\n")
    out: list[tuple[lsp.Diagnostic, Any]] = []
    for r in report.results:
        if r.path != display:
            continue
        fix = ""
        if r.fix is not None and r.edits is not None:
            fix = " (safe fix)" if r.fix.safety is FixSafety.SAFE else " (unsafe fix)"
        out.append((lsp.Diagnostic(
            range=_token_range(lines, r.line, r.col),
            message=r.message + fix,
            severity=lsp.DiagnosticSeverity.Error if r.severity is Severity.ERROR else lsp.DiagnosticSeverity.Warning,
            code=r.code,
            code_description=lsp.CodeDescription(href=f"https://github.com/glmlint/glmlint/blob/main/docs/rules/{r.code}.md"),
            source=SOURCE,
            data={"slug": r.rule.slug}), r))
    for p in report.problems:
        if p.path != display:
            continue
        out.append((lsp.Diagnostic(
            range=_line_range(max(p.line, 1) - 1),
            message=p.message,
            severity=lsp.DiagnosticSeverity.Error if p.level == "error" else lsp.DiagnosticSeverity.Information,
            source=SOURCE), None))
    return out


_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|\'[^\']*\'|[^\s,\]\}]+')


def _utf16(line: str, index: int) -> int:
    """The UTF-16 offset of code point `index` in `line` (LSP's default position encoding)."""
    return index + sum(1 for ch in line[:index] if ord(ch) > 0xFFFF)


def _token_range(lines: list[str], line: int, col: int) -> lsp.Range:
    """The word a finding points at (`true`, `--ip=0.0.0.0`, `name`), or the rest of its line."""
    i = max(line, 1) - 1
    text = lines[i] if i < len(lines) else ""
    start = min(max(col, 1) - 1, len(text))
    m = _TOKEN.match(text, start)
    end = m.end() if m is not None and m.end() > start else len(text)
    return lsp.Range(lsp.Position(i, _utf16(text, start)), lsp.Position(i, _utf16(text, end)))


def _line_range(i: int) -> lsp.Range:
    return lsp.Range(lsp.Position(i, 0), lsp.Position(i + 1, 0))


def _position(lines: list[str], line: int, col: int) -> lsp.Position:
    i = line - 1
    text = lines[i] if 0 <= i < len(lines) else ""
    return lsp.Position(i, _utf16(text, col - 1))


def _text_edits(text: str, edits: Any) -> list[lsp.TextEdit]:
    lines = text.split("\n")
    return [lsp.TextEdit(range=lsp.Range(_position(lines, e.start_line, e.start_col),
                                         _position(lines, e.end_line, e.end_col)), new_text=e.text)
            for e in edits]


def _whole(text: str, new: str) -> lsp.TextEdit:
    """One edit replacing the part of `text` that differs from `new` (common head and tail kept)."""
    head = 0
    while head < min(len(text), len(new)) and text[head] == new[head]:
        head += 1
    tail = 0
    while tail < min(len(text), len(new)) - head and text[-1 - tail] == new[-1 - tail]:
        tail += 1
    lines = text.split("\n")

    def pos(offset: int) -> lsp.Position:
        line = text.count("\n", 0, offset)
        start = text.rfind("\n", 0, offset) + 1
        return lsp.Position(line, _utf16(lines[line], offset - start))

    return lsp.TextEdit(range=lsp.Range(pos(head), pos(len(text) - tail)), new_text=new[head:len(new) - tail])


def _overlaps(a: lsp.Range, b: lsp.Range) -> bool:
    return not ((a.end.line, a.end.character) < (b.start.line, b.start.character)
                or (b.end.line, b.end.character) < (a.start.line, a.start.character))


def create() -> GlmlintServer:
    server = GlmlintServer()

    @server.feature(lsp.INITIALIZE)
    def initialize(ls: GlmlintServer, params: lsp.InitializeParams) -> None:
        folders = params.workspace_folders or []
        if folders:
            ls.root = _path(folders[0].uri)
        elif params.root_uri:
            ls.root = _path(params.root_uri)
        elif params.root_path:
            ls.root = params.root_path
        ls.load_config()

    @server.feature(lsp.TEXT_DOCUMENT_DID_OPEN)
    def did_open(ls: GlmlintServer, params: lsp.DidOpenTextDocumentParams) -> None:
        ls.lint(params.text_document.uri)

    @server.feature(lsp.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(ls: GlmlintServer, params: lsp.DidChangeTextDocumentParams) -> None:
        ls.later(params.text_document.uri)

    @server.feature(lsp.TEXT_DOCUMENT_DID_SAVE)
    def did_save(ls: GlmlintServer, params: lsp.DidSaveTextDocumentParams) -> None:
        if os.path.basename(_path(params.text_document.uri)) in CONFIG_FILES:
            ls.load_config()
            for uri in list(ls.checked):
                ls.lint(uri)
        else:
            ls.lint(params.text_document.uri)

    @server.feature(lsp.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls: GlmlintServer, params: lsp.DidCloseTextDocumentParams) -> None:
        uri = params.text_document.uri
        handle = ls.pending.pop(uri, None)
        if handle is not None:
            handle.cancel()
        ls.checked.pop(uri, None)
        ls.last.pop(uri, None)
        ls.text_document_publish_diagnostics(lsp.PublishDiagnosticsParams(uri=uri, diagnostics=[]))

    @server.feature(lsp.TEXT_DOCUMENT_CODE_ACTION, lsp.CodeActionOptions(
        code_action_kinds=[lsp.CodeActionKind.QuickFix, lsp.CodeActionKind.SourceFixAll]))
    def code_action(ls: GlmlintServer, params: lsp.CodeActionParams) -> list[lsp.CodeAction]:
        from glmlint.rule import FixSafety

        uri = params.text_document.uri
        checked = ls.checked.get(uri)
        if checked is None or checked.report is None:
            return []
        doc = ls.workspace.get_text_document(uri)
        if doc.source != checked.text:
            return []  # edited since the last check: its fixes would race the edit
        actions: list[lsp.CodeAction] = []
        for diag, r in checked.found:
            if r is None or r.fix is None or r.edits is None or not _overlaps(diag.range, params.range):
                continue
            safe = r.fix.safety is FixSafety.SAFE
            actions.append(lsp.CodeAction(
                title=f"Fix {r.code}: {r.fix.title}" + ("" if safe else " (unsafe)"),
                kind=lsp.CodeActionKind.QuickFix, diagnostics=[diag], is_preferred=safe,
                edit=lsp.WorkspaceEdit(changes={uri: _text_edits(checked.text, r.edits)})))
        if any(r is not None and r.fix is not None and r.fix.safety is FixSafety.SAFE for _, r in checked.found):
            new = fix_all(checked.report, ls.config)
            if new is not None and new != checked.text:
                actions.append(lsp.CodeAction(
                    title="Fix all safe glmlint fixes in this file", kind=FIX_ALL,
                    edit=lsp.WorkspaceEdit(changes={uri: [_whole(checked.text, new)]})))
        return actions

    @server.feature(lsp.TEXT_DOCUMENT_HOVER)
    def hover(ls: GlmlintServer, params: lsp.HoverParams) -> lsp.Hover | None:
        from glmlint.docs import render

        checked = ls.checked.get(params.text_document.uri)
        if checked is None:
            return None
        at = lsp.Range(params.position, params.position)
        for diag, r in checked.found:
            if r is not None and _overlaps(diag.range, at):
                return lsp.Hover(contents=lsp.MarkupContent(kind=lsp.MarkupKind.Markdown, value=render(r.rule)),
                                 range=diag.range)
        return None

    return server


def fix_all(report: Any, config: Any) -> str | None:
    """The buffer with every safe fix applied, as `glmlint fix` would write it."""
    from glmlint import fix as fixer

    fixes = fixer.fix_report(report, fixer.Options(unsafe=False, user=config.fix_user or "10001",
                                                   user_set=config.fix_user is not None))
    return fixes[0].new_text if fixes else None


def _path(uri: str) -> str:
    from pygls.uris import to_fs_path

    return os.path.abspath(to_fs_path(uri) or uri)


def main() -> None:
    create().start_io()
