"""The scan: discover files, parse each into IR, link across files, run the rules."""
from __future__ import annotations

import bisect
import contextlib
import errno
import itertools
import operator
import os
import re
import stat
import sys
from array import array
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, Any

from glmlint import lazyre
from glmlint import records
from glmlint import suppress
from glmlint.discovery import RENDERED, Candidate, discover
from glmlint.ir import Format, Problem, SourceFile, Workload
from glmlint.link import image_key, wanted
from glmlint.parsers import PYTHON, ParseError, Skip, decode, parse
from glmlint.parsers.base import scanning
from glmlint.recache import preload
# what a scan produces, defined below the scan, the fix engine and the policy (`glmlint.results`);
# importable from here as before
from glmlint.records import dataclass
from glmlint.results import (FixEdit, JudgedResult, LeanResult, Report, Result, _evaluate, evaluate, lean_fix, moved,
                             result_of, sort_results)
from glmlint.rule import Finding, Rule

if TYPE_CHECKING:
    from glmlint.config import Config

_result = result_of  # its former name
__all__ = ["FixEdit", "Report", "Result", "evaluate", "read_source", "run_rules", "scan", "unscanned_images"]

MAX_BYTES = 5 * 1024 * 1024
_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)  # (`_read_bytes`)
_CLI_BYTES = re.compile(rb"docker|podman|nerdctl")  # (`parsers.dockerrun.MARKER`, in bytes)
# The first instruction of a Dockerfile is FROM or ARG (after comments and parser directives).
_DOCKERFILE_START = lazyre.compile(r"\A(?:[ \t]*(?:#[^\n]*)?\n)*[ \t]*(?:FROM|ARG)[ \t]+\S", re.I)
# A top-level key of a manifest or compose file: text that is meant as one of them, even misnamed.
_MANIFEST_KEY = lazyre.compile(r"^(?:apiVersion|kind|services)[ \t]*:", re.M)


def read_source(cand: Candidate, max_bytes: int = MAX_BYTES, data: bytes | None = None) -> SourceFile | Problem | None:
    """Read and parse one candidate file (`data`: its bytes, already read, e.g. standard input)."""
    if cand.hint in RENDERED:
        return read_rendered(cand)
    if data is None:
        got = _read_bytes(cand, max_bytes)
        if isinstance(got, Problem):
            return got
        data = got
    elif len(data) > max_bytes:
        return _too_big(cand, len(data), max_bytes)
    try:
        text = decode(data)
    except UnicodeDecodeError as exc:
        return _undecodable(cand, data, exc)
    if suppress.skips_file(text):
        return None  # `# glmlint: skip-file`
    hint = cand.hint
    if hint == "yaml-maybe":
        hint = "dockerfile" if _DOCKERFILE_START.match(text) else "yaml"
    json_manifest = hint == "json"
    if json_manifest:
        if not _kubernetes_json(text):
            return None  # package.json, tsconfig.json, ...: not ours, skipped silently
        hint = "yaml"  # JSON is YAML: the YAML reader gives every value its line and column
    try:
        source = parse(cand.display, text, hint, cand.path)
    except ParseError as exc:
        if _foreign(cand, hint) and not _MANIFEST_KEY.search(text):  # (`pod.yaml.bak` keeps its YAML error)
            return _not_ours(cand)  # `glmlint check requirements.txt`
        return Problem(cand.display, exc.line, f"cannot parse: {exc}")
    except Skip as exc:
        return Problem(cand.display, 1, str(exc), level="notice")
    except RecursionError:
        return Problem(cand.display, 1, "cannot parse: nesting too deep")
    except Exception as exc:  # a parser bug must not stop the scan
        return Problem(cand.display, 1, f"internal error while parsing: {type(exc).__name__}: {exc}")
    if source is None:
        return _not_ours(cand) if _foreign(cand, hint) else None  # (`torch==2.4` is YAML too: a scalar)
    source.disk_path = cand.path if cand.path != "-" else ""
    source.json = json_manifest or source.json  # (a Dev Container's JSONC is set by its parser)
    return source


def _foreign(cand: Candidate, hint: str) -> bool:
    """A file named on the command line, read as YAML for want of a known name, whose name says
    another format (`_foreign_name`)."""
    return cand.hint == "yaml-maybe" and hint == "yaml" and _foreign_name(cand.display)


def _not_ours(cand: Candidate) -> Problem:
    return Problem(cand.display, 0, "skipped: not a format glmlint reads (a Dockerfile, Kubernetes manifest, "
                   "compose file, ...)", level="notice")


def _foreign_name(display: str) -> bool:
    """A file named on the command line whose name says another format (`requirements.txt`,
    `pyproject.toml`): its extension is none of those glmlint reads by name. Such a file that is
    neither a Dockerfile nor YAML is skipped with a notice naming it (a path the user typed never
    vanishes), not reported as invalid YAML (an error, exit 2); ruff likewise does not lint a file
    whose extension is not Python's (astral-sh/ruff#12250). One with no extension (`pod`), or whose
    text has a manifest's or compose file's top-level key (`pod.yaml.bak`), is still read as YAML
    and its syntax errors reported."""
    name = display.replace("\\", "/").rsplit("/", 1)[-1]
    stem, dot, ext = name.rpartition(".")
    return bool(dot and stem.strip(".") and ext)


def _kubernetes_json(text: str) -> bool:
    """A JSON document whose top level has `apiVersion` and `kind` (a `kind: List` too), as kubectl
    reads `-f pod.json`. Two substring tests first: most JSON files are not manifests."""
    if '"apiVersion"' not in text or '"kind"' not in text:
        return False
    import json

    try:
        doc = json.loads(text)
    except (ValueError, RecursionError):
        return False
    return isinstance(doc, dict) and isinstance(doc.get("apiVersion"), str) and isinstance(doc.get("kind"), str)


@dataclass(frozen=True)
class RenderOptions:
    """How charts and overlays are rendered in this scan (carried by their candidates to the workers)."""

    root: str
    failures: str = "error"  # the Problem level of a chart/overlay that cannot be rendered
    helm: Any = None  # glmlint.helm.HelmOptions


def read_rendered(cand: Candidate) -> SourceFile | Problem | None:
    """Render a Helm chart or build a Kustomize overlay, and parse what it gives as manifests.

    Findings are moved back to the template, values or resource file (`SourceFile.origins`)."""
    from glmlint import helm
    from glmlint.helmscripts import installed_with
    from glmlint.rendered import Mapper, display_path

    opts: RenderOptions = cand.options or RenderOptions(os.getcwd())
    what = "Helm chart" if cand.hint == "helm-chart" else "Kustomize overlay"
    try:
        if cand.hint == "helm-chart":
            rendered, notices = helm.render_chart(cand.path, opts.root, installed_with(cand.path, opts.helm))
        else:
            from glmlint import kustomize

            rendered, notices = kustomize.build(cand.path, opts.root), []
    except helm.RenderError as exc:
        fix = ("" if opts.failures == "notice" else
               "; fix it, or set `render-failures = \"notice\"` (or `render = false`) in the configuration")
        # a chart whose other templates rendered: each template that did not is an error, the rest is checked
        failed = [Problem(display_path(e.path, opts.root) if e.path else cand.display, e.line,
                          f"cannot render the {what} `{cand.display}`: {e}{fix}", level=opts.failures)
                  for e in (exc, *exc.more)]
        if exc.partial is None:
            return failed[0]
        rendered, notices = exc.partial
    else:
        failed = []
    text = rendered.text()
    try:
        source = parse(cand.display, text, "yaml") if text else None
    except (ParseError, Skip) as exc:
        from glmlint.rendered import source_line

        # as Helm reports it (`YAML parse error on <template>`), at the template line that wrote it
        got = source_line(rendered, exc.line) if isinstance(exc, ParseError) and exc.line else None
        if failed:
            return failed[0]
        if got is None:
            return Problem(cand.display, 0, f"cannot parse the rendered {what}: {exc}", level=opts.failures)
        place, out = got
        fix = ("" if opts.failures == "notice" else
               "; fix it, or set `render-failures = \"notice\"` (or `render = false`) in the configuration")
        return Problem(place.path, place.line, f"cannot render the {what} `{cand.display}`: {out} is not "
                       f"YAML: {str(exc).removeprefix('invalid YAML: ')}{fix}", level=opts.failures)
    if source is None and failed:
        return failed[0]
    if source is None:
        if cand.hint == "helm-chart" and helm.is_library(cand.path):  # Helm refuses to install one
            return Problem(cand.display, 0, "skipped: a library chart (`type: library`) renders nothing itself; its "
                           "templates are checked through the charts that use it", level="notice")
        return Problem(cand.display, 0, f"skipped: the {what} renders no Kubernetes manifest", level="notice")
    source.disk_path = cand.path
    source.origins = Mapper(rendered)
    source.problems.extend(Problem(cand.display, 0, n, level="notice") for n in notices)
    source.problems.extend(failed)
    return source


def _read_bytes(cand: Candidate, max_bytes: int) -> bytes | Problem:
    """The file's bytes, or why not.

    Only regular files are read, checked on the open descriptor: a FIFO named
    `Dockerfile` would block the scan, `/dev/zero` behind a `compose.yaml` symlink
    would never end. At most `max_bytes` are read, even from a file still growing.
    """
    try:
        fd = os.open(cand.path, _OPEN_FLAGS)
    except OSError as exc:
        return _unreadable(cand, exc)
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            kind = "a directory" if stat.S_ISDIR(st.st_mode) else "not a regular file"
            return Problem(cand.display, 0, f"skipped: {kind}", level="notice")
        if st.st_size > max_bytes:
            return _too_big(cand, st.st_size, max_bytes)
        # read to the end, or to one byte past the limit: `os.read` on the descriptor, no file
        # object around a duplicate of it (that cost four times the reading itself on a tree of
        # small files); the first read asks for the whole file, the next one finds its end
        limit = max_bytes + 1
        chunks: list[bytes] = []
        total, ask = 0, min(st.st_size + 1, limit)
        while total < limit:
            chunk = os.read(fd, ask)
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
            ask = min(1 << 16, limit - total)
        data = chunks[0] if len(chunks) == 1 else b"".join(chunks)
    except OSError as exc:
        return _unreadable(cand, exc)
    finally:
        os.close(fd)
    if len(data) > max_bytes:  # it grew after the size check
        return _too_big(cand, len(data), max_bytes)
    return data


def _too_big(cand: Candidate, size: int, max_bytes: int) -> Problem:
    return Problem(cand.display, 0, f"skipped: {size} bytes is over the {max_bytes}-byte limit (--max-file-size)",
                   level="notice")


def _unreadable(cand: Candidate, exc: OSError) -> Problem:
    """A file that cannot be opened: an error, except for what a directory walk meets by chance.

    A broken symlink, a symlink loop, or a file deleted since the walk listed it (a
    checkout or a build running beside the scan) has no content to check.
    """
    if not cand.explicit:
        if exc.errno == errno.ELOOP:
            return Problem(cand.display, 0, "skipped: symlink loop", level="notice")
        if exc.errno == errno.ENOENT:
            if os.path.islink(cand.path):
                return Problem(cand.display, 0, f"skipped: broken symlink to {os.readlink(cand.path)}",
                               level="notice")
            return Problem(cand.display, 0, "skipped: it was deleted during the scan", level="notice")
    return Problem(cand.display, 0, f"cannot read: {exc.strerror or exc}")


def _undecodable(cand: Candidate, data: bytes, exc: UnicodeDecodeError) -> Problem | None:
    """Binary content, or text in a legacy encoding."""
    if not cand.explicit and cand.path.endswith(PYTHON) and not _CLI_BYTES.search(data):
        return None  # a Python file in a legacy encoding (PEP 263) met while walking that starts no container
    if exc.reason == "binary file":
        if cand.explicit:
            return Problem(cand.display, 0, "cannot parse: a binary file (NUL bytes), not text")
        return Problem(cand.display, 0, "skipped: a binary file", level="notice")
    start = exc.start + (3 if data.startswith(b"\xef\xbb\xbf") else 0)
    before = data[:start]
    line = (before.decode("utf-16", "replace").count("\n") if data.startswith((b"\xff\xfe", b"\xfe\xff"))
            else before.count(b"\n")) + 1
    bad = data[start:start + 1].hex()
    if not cand.explicit and cand.hint in ("yaml", "json"):
        # any YAML file met while walking: we cannot tell whether it is a manifest
        return Problem(cand.display, line, f"skipped: not UTF-8 text (byte 0x{bad})", level="notice")
    return Problem(cand.display, line, f"cannot parse: not UTF-8 or UTF-16 text (byte 0x{bad})")


_APPLICABLE: dict[tuple[int, Format], tuple[tuple[Rule, ...], list[Rule]]] = {}


def _applicable(rules: list[Rule], fmt: Format) -> list[Rule]:
    """The rules of `rules` that apply to `fmt`, in order: worked out once per rule list and format
    (the same list is asked about for every file), checked against the list's current contents."""
    snapshot = tuple(rules)
    got = _APPLICABLE.get((id(rules), fmt))
    # the same rule objects, not equal ones: a list made again (another `builtin_rules()`, its id
    # reused) holds rules equal to the last one's, and a finding's rule is found by identity
    # (`_check_one`'s index)
    if got is None or len(got[0]) != len(snapshot) or not all(map(operator.is_, got[0], snapshot)):
        if len(_APPLICABLE) >= 64:
            _APPLICABLE.clear()
        got = _APPLICABLE[(id(rules), fmt)] = (snapshot, [r for r in snapshot if r.applies_to(fmt)])
    return got[1]


def run_rules(source: SourceFile, rules: list[Rule], fix_edits: bool | Callable[[SourceFile, Result], bool] = False,
              images: Iterable[SourceFile] = (), evidence: list[Any] | None = None,
              exposures: list[Any] | None = None) -> tuple[list[Result], list[Problem]]:
    """Every rule over one file. With `fix_edits`, each fixable finding carries its fix's verified
    edits, computed here while the file's parse is at hand (`images`: the Dockerfiles the file links to).
    `fix_edits` may be a predicate (`policy.Shown`): then only the findings it passes carry them, the
    others being findings the scan's policy drops; its `fix_user` (the config's) is the user the edits
    write, as `glmlint fix` writes it. `evidence`: filled with what each fix judged alone
    was judged on (`fix.engine.Evidence`), to judge it again once the file is linked (`_finish_pooled`).
    `exposures`: the Services and LimitRanges of other files that exposed the file's workloads
    (`_check_exposed`), which expose the fixes' re-parses too."""
    results: list[Result] = []
    problems: list[Problem] = []
    found: list[tuple[Rule, Finding, Workload | None, Result]] = []
    for rule in _applicable(rules, source.format):
        try:
            got = _evaluate(source, rule)
        except Exception as exc:  # one broken rule must not stop the scan
            problems.append(Problem(source.path, 1, f"internal error in {rule.code}: {type(exc).__name__}: {exc}"))
            continue
        for finding, workload in got:
            found.append((rule, finding, workload, result_of(source, rule, finding, workload)))
    if fix_edits and source.origins is None and not source.applied_by and any(r.fix is not None for *_, r in found):
        from glmlint.fix.engine import verified_edits

        shown = fix_edits if callable(fix_edits) else None
        edits = verified_edits(source, list(rules), found, list(images),
                               shown=(lambda r: shown(source, r)) if shown is not None else None, evidence=evidence,
                               user=getattr(fix_edits, "fix_user", None),  # (`policy.Shown`: the config's fix user)
                               exposures=exposures)
        results = [records.replace(r, edits=edits[i]) if i in edits else r for i, (*_, r) in enumerate(found)]
    else:
        results = [r for *_, r in found]
    if source.origins is not None:  # a rendered chart or overlay: moved to the files a user edits
        results = [_moved(source, r) for r in results]
    if source.applied_by:  # manifests a script applies from a heredoc: no fix is written into the script
        results = [records.replace(r, fix=None) if r.fix is not None else r for r in results]
    return results, problems


def _moved(source: SourceFile, r: Result) -> Result:
    """A finding in a rendered stream, moved to the file a user edits; through a Helm chart, with the
    value its fix replaces (`glmlint.fix.chart`)."""
    from glmlint.fix import chart

    if source.origins.rendered.kind != "helm":
        # an overlay's output is its bases, resources and patches put together, which other overlays may
        # share: the fix is not written into them, and `fix` says so
        def no_edit(r: Result, place: Any, related: Any) -> Any:
            return chart.ChartFix(None, f"found in what the Kustomize overlay `{source.path}` builds: glmlint "
                                        f"does not edit an overlay's files (other overlays may build the same "
                                        f"base); change `{place.path}:{place.line}` or patch it in the overlay") \
                if r.fix is not None else None

        return moved(source, r, no_edit)

    partial = source.origins.rendered.partial

    def value_edit(r: Result, place: Any, related: Any) -> Any:
        new = chart.new_value(r)
        if new is not None and partial:
            # checked without the templates that did not render: an edit is verified by rendering the whole
            # chart again, which cannot be done, so `check` offers none (text, JSON and SARIF alike) and `fix` says why
            return chart.ChartFix(None, f"the Helm chart `{source.path}` is checked without {partial}, which does not "
                                        "render, and a fix is verified by rendering the whole chart again: make it "
                                        "render first")
        return chart.value_edit(new, place, related) if new is not None else None

    return moved(source, r, value_edit)


def _with_render_options(cands: list[Any], root: str, config: Config | None) -> list[Any]:
    """Give each chart and overlay candidate the scan's render settings (values files, `--set`)."""
    if not any(not isinstance(c, tuple) and c.hint in RENDERED for c in cands):
        return cands
    from glmlint.config import Config
    from glmlint.helm import HelmOptions

    config = config or Config()
    opts = RenderOptions(root, config.render_failures,
                         HelmOptions(values=config.helm_value_files, set=config.helm_set,
                                     chart_values=config.helm_values))
    return [records.replace(c, options=opts) if not isinstance(c, tuple) and c.hint in RENDERED else c
            for c in cands]


class _Builds:
    """What `_checked_through_builds` reads of the scan's candidates, taken before the scan (a lean
    scan drops each candidate once its outcome is in): the files each overlay's or chart's build
    reads (`Candidate.covers`), and the charts."""

    __slots__ = ("covers", "charts")

    def __init__(self, covers: list[tuple[str, tuple[str, ...]]], charts: set[str]) -> None:
        self.covers, self.charts = covers, charts

    @classmethod
    def of(cls, cands: list[Any]) -> _Builds:
        return cls([(c.display, c.covers) for c in cands if not isinstance(c, tuple) and c.covers],
                   {c.display for c in cands if not isinstance(c, tuple) and c.hint == "helm-chart"})


def _checked_through_builds(report: Report, builds: _Builds) -> None:
    """Files an overlay's build reads are checked through the build: drop their own findings when the
    build succeeded. When it failed (its error is reported), they stand, so that nothing is lost."""
    if not builds.covers:
        return
    built = {s.path for s in report.sources if s.origins is not None or s.format is Format.KUBERNETES}
    covered = {f for display, covers in builds.covers if display in built for f in covers}
    if not covered:
        return
    # a chart an overlay renders (`helmCharts:`) is checked through it: not alone as well, with the
    # defaults the overlay overrides (its findings there, its render failure, its notices)
    charts = {c for c in builds.charts if c in covered}

    def in_chart(path: str) -> bool:
        return path in charts or any(path.startswith(d + "/") for d in charts)

    report.results = [r for r in report.results if (r.rendered_from is not None and r.rendered_from not in charts)
                      or (r.rendered_from is None and r.path not in covered)]
    report.problems = [p for p in report.problems if not in_chart(p.path) and (p.path not in covered or p.level == "error")]
    report.files_scanned -= sum(1 for s in report.sources if s.path in covered)


def scan(paths: list[str], rules: list[Rule], root: str | None = None, max_bytes: int = MAX_BYTES,
         config: Config | None = None, stdin_filename: str | None = None,
         progress: Callable[[int, int], None] | None = None, jobs: int = 1, fix_edits: bool = False,
         keep_ir: bool = False, lean: bool = False) -> Report:
    """Scan `paths` (`-` is standard input, reported as `stdin_filename`).

    The stages, in order (docs/architecture.md): discover the candidate files;
    read, parse and check each (in worker processes when `jobs` > 1, 0: one per
    available CPU, once there are `POOL_MIN_FILES` files), the cross-file link
    included; one finding once (`_gather`); then what the project decided
    (`policy.apply`: one finding per root cause, suppressions, `per-file-ignores`,
    the baseline). The findings, problems and their order do not depend on `jobs`.

    `config` brings `exclude`, suppressions, `per-file-ignores` and the baseline;
    `progress(done, total)` is called as files are read (`done` of `total` read).
    `fix_edits`: each fixable result carries its fix's verified edits
    (`Result.edits`, what SARIF reports), computed while the file's parse is at
    hand. `Report.sources` hold each file's text; their IR only in a small serial
    scan (under `POOL_MIN_FILES` files, without `fix_edits`, whose fixes a small scan
    verifies as a pooled one does) or with `keep_ir` (what `glmlint fix` edits from). Otherwise each file's IR is dropped once its findings are out
    (`slimmed`), in a worker or in this process alike, except for the files the
    cross-file link needs: the scan's memory does not grow with the IR of the tree.
    `lean` (what `glmlint check` asks: the report is written out and nothing is fixed from it):
    in a large scan, each finding's fix keeps its title and safety (`results.lean_fix`), not
    the intents and the IR they name, and the linked IR is not kept once its rules have run.
    """
    preload()  # (the regular expressions compiled ahead of time: `glmlint.recache`; once per process)
    with scanning(paths):  # (what parses may keep for the next ones until the scan ends: `parsers.base.scan_memo`)
        return _scan(paths, rules, root, max_bytes, config, stdin_filename, progress, jobs, fix_edits, keep_ir, lean)


def _scan(paths: list[str], rules: list[Rule], root: str | None, max_bytes: int, config: Config | None,
          stdin_filename: str | None, progress: Callable[[int, int], None] | None, jobs: int, fix_edits: bool,
          keep_ir: bool, lean: bool) -> Report:
    """`scan`'s stages, in order."""
    report = Report(root=os.path.abspath(root or os.getcwd()), rules=rules)
    from glmlint import policy
    from glmlint.config import Config

    # a lean scan's findings are judged file by file as they come in (`policy.Early`)
    early = policy.Early(report, config or Config()) if lean else None
    streamed = _streamed(paths, report.root, config, jobs, progress, keep_ir)
    if streamed is not None and streamed[1] is not None:  # a large scan that names each file once, nothing rendered
        items, peeked = streamed
        del streamed
        if fix_edits:  # verify only the fixes of findings the policy can report (`policy.Shown`)
            fix_edits = policy.Shown(config or Config())  # type: ignore[assignment]
        per_source = _check_pooled(report, items, peeked, config, max_bytes, _workers(jobs, len(peeked)), fix_edits,
                                   None, early)
        del items, peeked
        builds = _Builds([], set())
    else:
        cands = _discover(paths, report.root, config, stdin_filename) if streamed is None else streamed[0]
        del streamed
        files = [c for c in cands if not isinstance(c, tuple) and not _excluded(c, config)]
        builds = _Builds.of(cands)  # what `_checked_through_builds` reads of the candidates, which go as checked
        stdin = any(c.path == "-" for c in files)
        workers = 1 if stdin else _workers(jobs, len(files))
        if fix_edits:
            # verify only the fixes of findings the policy can report (`policy.Shown`; standard input's may move)
            fix_edits = (policy.Every if stdin else policy.Shown)(config or Config())  # type: ignore[assignment]
        if workers > 1:
            per_source = _check_pooled(report, cands, files, config, max_bytes, workers, fix_edits, progress, early)
        else:
            with _builds_ahead(files, jobs):
                # a small scan's fixes (SARIF) are verified as a pooled scan verifies them: the file's rules on
                # the file as parsed, the scan-wide ones (GLM044) once its pods are linked. `_check_serial` runs
                # every rule on the linked file, where a fix's unlinked re-parse may differ from it in GLM044
                # alone (a ServiceAccount in another file) and every fix of the container would be refused
                if keep_ir or stdin or (len(files) < POOL_MIN_FILES and not fix_edits):
                    per_source = _check_serial(report, cands, config, max_bytes, fix_edits, progress)
                else:  # as a pooled scan does, each file checked and slimmed in turn, in this process
                    per_source = _check_pooled(report, cands, files, config, max_bytes, 1, fix_edits, progress,
                                               early)
        del cands, files  # (a lean scan dropped each candidate as its outcome came in)
    _gather(report, per_source)
    del per_source  # (a lean scan's spool, which its parked files' findings were read back from, is closed)
    _checked_through_builds(report, builds)
    sort_results(report.results)
    report.problems.sort(key=lambda p: (p.path, p.line))
    if builds.covers and sum(1 for p in report.problems if p.message.startswith("cannot render the Kustomize")) > 1:
        from glmlint import kustomize  # (several overlays failing on one base: one line, `one_line_per_cause`)

        report.problems = kustomize.one_line_per_cause(report.problems)
    policy.apply(report, config or Config(), early)
    return report


# each source's results (a parked file's: `_Rows`) and problems, in order (None: a lean scan's file whose
# findings are in the report)
PerSource = list["tuple[list[Result], list[Problem]] | None"]


def _discover(paths: list[str], root: str, config: Config | None, stdin_filename: str | None) -> list[Any]:
    """Stage 1: the candidate files (and `(path, message)` for paths that cannot be walked)."""
    render = config.render if config is not None else True
    return _with_render_options(list(discover(paths, root, stdin_filename, render=render)), root, config)


# how many files a streamed scan reads ahead of its check (`_streamed`): enough to tell whether it is
# large enough for the pool, and the pool's chunk of files per task (16 for two workers: `_Pool`)
PEEK_FILES = 256


def _streamed(paths: list[str], root: str, config: Config | None, jobs: int,
              progress: Callable[[int, int], None] | None,
              keep_ir: bool) -> tuple[Iterator[Any] | list[Any], list[Candidate] | None] | None:
    """Stage 1 for a scan whose candidates need not all be known before the first is checked: the
    candidates as discovery walks to them (each dropped once its outcome is in: the scan holds no list
    of the tree's paths, issue 12), and the first files, read ahead; None when the scan needs the
    whole list: a progress count (its total), the IR kept, standard input, rendering (an overlay's
    build covers files met before it), paths given that may name a file twice (one inside another:
    its findings wait for the whole scan). A small scan (under `PEEK_FILES` files) is all read ahead:
    its whole list, and None."""
    render = config.render if config is not None else True
    if progress is not None or keep_ir or render or "-" in paths or _overlap(paths):
        return None
    found = discover(paths, root, None, render=False)
    if jobs <= 0:
        jobs = _cpus()
    want = max(POOL_MIN_FILES, PEEK_FILES, jobs)
    head: list[Any] = []
    peeked: list[Candidate] = []
    for item in found:
        head.append(item)
        if not isinstance(item, tuple) and not _excluded(item, config):
            peeked.append(item)
            if len(peeked) >= want:
                return itertools.chain(_drained(head), found), peeked
    return head, None  # a small scan: its whole list


def _overlap(paths: list[str]) -> bool:
    """Whether one path given is another, or inside it (then a file may be met twice). Sorted, a
    path that holds another holds the one after it."""
    full = sorted(os.path.join(os.path.abspath(p), "") for p in paths)
    return any(b.startswith(a) for a, b in zip(full, full[1:]))


def _drained(items: list[Any]) -> Iterator[Any]:
    """The items of `items`, each dropped from it as it is given."""
    for i in range(len(items)):
        item = items[i]
        items[i] = None
        yield item


@contextlib.contextmanager
def _builds_ahead(files: list[Candidate], jobs: int) -> Iterator[None]:
    """In a serial scan, start the Kustomize overlays' builds now, up to one per CPU at a time (one
    with `-j 1`), so that the renderer runs while the scan reads the other files (`kustomize.Ahead`)."""
    overlays = [c.path for c in files if c.hint == "kustomize"]
    if not overlays:
        yield
        return
    from glmlint import kustomize

    if jobs <= 0:
        jobs = _cpus()
    with kustomize.ahead(overlays, jobs):
        yield


def _excluded(cand: Candidate, config: Config | None) -> bool:
    return config is not None and config.excluded(cand.path if cand.path != "-" else cand.display)


def _add(report: Report, got: SourceFile | Problem | None) -> None:
    """One file's outcome into the report."""
    if isinstance(got, Problem):
        report.problems.append(got)
    elif got is not None:
        report.sources.append(got)
        report.problems.extend(got.problems)
    if got is not None:
        report.files_scanned += 1


def _check_serial(report: Report, cands: list[Any], config: Config | None, max_bytes: int, fix_edits: bool,
                  progress: Callable[[int, int], None] | None) -> PerSource:
    """Stage 2, in this process: read and parse every file, link them, run the rules on each."""
    from glmlint.link import dockerfiles, images_for, link

    pump = _pump_builds(cands)
    for done, cand in enumerate(cands):
        if progress is not None:
            progress(done, len(cands))
        if isinstance(cand, tuple):
            report.problems.append(Problem(cand[0], 0, cand[1], *cand[2:]))
            continue
        if _excluded(cand, config):
            continue
        if pump is not None:
            pump()
        data = None
        if cand.path == "-":
            report.stdin = cand.display
            data = sys.stdin.buffer.read(max_bytes + 1)  # no more than the limit, whatever is piped
        _add(report, read_source(cand, max_bytes, data))
    if progress is not None:
        progress(len(cands), len(cands))
    built = report.linked = unscanned_images(report.sources, report.root, max_bytes)
    link(report.sources + built)
    index = dockerfiles(report.sources + built) if fix_edits else {}
    return [run_rules(source, report.rules, fix_edits, images_for(source, index)) for source in report.sources]


def _pump_builds(cands: list[Any]) -> Callable[[], None] | None:
    """What lets the overlay builds started ahead go on, when the scan has overlays."""
    if not any(not isinstance(c, tuple) and c.hint == "kustomize" for c in cands):
        return None
    from glmlint import kustomize

    return kustomize.pump


def _check_pooled(report: Report, cands: list[Any] | Iterator[Any], files: list[Candidate], config: Config | None,
                  max_bytes: int, workers: int, fix_edits: bool,
                  progress: Callable[[int, int], None] | None, early: Any = None) -> PerSource:
    """Stage 2 in `workers` processes (1: in this process, one file after the other): each file is
    parsed, checked and slimmed; what the cross-file link needs is finished here (`_finish_pooled`).
    `early` (a lean scan, `policy.Early`): each file's findings are judged as they come in. `cands`:
    the candidates, a list (emptied as the scan goes), or an iterator of them as discovery walks to
    them (`_streamed`: no file is met twice, nothing is rendered); `files`: the files among them, all
    of them for a list, the first ones for an iterator (emptied once the workers are started)."""
    whole = isinstance(cands, list)
    waits = _waits(files) if early is not None and whole else set()
    # (a streamed scan's compose files find the Dockerfiles they build on disk: `_State.image`)
    state = _State(report.rules, max_bytes, fix_edits, files if whole else [], report.root, keep_ir=early is None)
    if early is not None:  # each file's findings judged where they are found (`_check_one`)
        state.judge, state.waits = early.for_worker(), waits
    rounds = _pooled(files, state, workers) if workers > 1 else _in_process(files, state)
    files.clear()  # (the workers have theirs; this process's Dockerfiles are indexed)
    try:
        return _check_all(report, _drained(cands) if whole else cands, len(cands) if whole else 0, waits, config,
                          rounds, max_bytes, fix_edits, progress, early)
    finally:
        rounds.close()  # every outcome is in: stop the pool


def _waits(files: list[Candidate]) -> set[str]:
    """The files whose findings a lean scan judges only once the whole scan is in: met twice, or read
    by an overlay's build."""
    shown = Counter(c.display for c in files)
    return {d for d, n in shown.items() if n > 1} | {f for c in files for f in c.covers}


def _check_all(report: Report, items: Iterator[Any], total: int, waits: set[str], config: Config | None,
               rounds: _Pool | _InProcess, max_bytes: int, fix_edits: bool,
               progress: Callable[[int, int], None] | None, early: Any = None) -> PerSource:
    """Each file's outcome as it comes in, in the order of `items` (`total` of them, for `progress`).
    No candidate is kept once its outcome is in, and in a lean scan a file whose findings are judged
    here and that nothing at the end reads again (`_done`) leaves no outcome behind: its findings go
    straight to the report, as `_gather` would put them there. `waits`: the files whose findings wait
    for the whole scan (`_waits`)."""
    checked: dict[int, tuple[Any, ...]] = {}  # id(source) -> (its candidate, *what its worker returned but the file)
    fixes: dict[tuple[Any, ...], Any] | None = {} if early is not None else None  # a lean scan's fixes, one of each
    shared: dict[Any, Any] = {}  # a lean scan's cluster values (pod labels, pods' keys), one of each
    under = (os.path.join(report.root, ""),)  # a done file's path on disk, from its reported name (`DoneFile`)
    # a lean scan's pickled pods, read again only for the files the link changes, and what the end of
    # the scan reads of each file that waits for it (`_Parked`)
    spool = _Spool()
    rbac = _ParkedRBAC(spool) if early is not None else None  # a lean scan's RBAC objects
    index = {id(rule): i for i, rule in enumerate(report.rules)}  # (`_packed`)
    if early is not None and not report.sources:  # a lean scan: its quiet done files by name only (`_Files`)
        report.sources = _Files(under)
    try:  # (the spool is closed if the scan fails; else once nothing reads it: a parked file's `_Rows`)
        for done, (cand, out) in enumerate(rounds.outcomes(items, config)):
            if progress is not None:
                progress(done, total)
            if isinstance(cand, tuple):
                report.problems.append(Problem(cand[0], 0, cand[1], *cand[2:]))
                continue
            if out is None:  # excluded
                continue
            # what its worker's judge decided (`_check_one`: a lean scan); the outcome as the end of the scan reads it
            judged, out = out[5], out[:5]
            if out[0].__class__ is tuple:  # judged in its worker, and done: kept as a `DoneFile`, its findings reported
                early.take(cand.display, judged)
                report.results.extend(_unpacked(out[1], report.rules, cand.display, fixes, judged=True))
                fmt, parse_problems, sups, unrouted = out[0]
                if not parse_problems and not sups and report.sources.__class__ is _Files:
                    report.sources.quiet(cand.display, fmt, cand.path, unrouted)
                    report.files_scanned += 1
                else:
                    _add(report, DoneFile(cand.display, fmt, cand.path, parse_problems, sups, under))  # type: ignore[arg-type]
                continue
            if isinstance(out[0], SourceFile):
                if out[0].disk_path == cand.path and out[0].path == cand.display:  # one copy of each name
                    out[0].disk_path, out[0].path = cand.path, cand.display
                if early is not None and (out[0].roles or out[0].bindings or out[0].accounts):
                    # parked until the link, which takes back only what a pod of the scan may link to
                    # (`_parked_cluster`): the bindings and ServiceAccounts, then the roles they name
                    for key in {(r.kind, r.name) for r in out[0].roles}:  # (the file's roles of each)
                        rbac.roles.setdefault(shared.setdefault(key, key), []).append(len(rbac.files))
                    rbac.files.append((spool.put(_pickled((out[0].bindings, out[0].accounts))),
                                       spool.put(_pickled(out[0].roles))))
                    out[0].roles = out[0].bindings = out[0].accounts = ()  # type: ignore[assignment]
                if early is not None and out[0]._labels:  # type: ignore[union-attr]
                    out[0]._labels = _shared_labels(out[0]._labels, shared)  # type: ignore[union-attr]
                if out[1].__class__ is bytes:  # judged in its worker, and it waits for the link: parked as sent
                    early.take(cand.display, judged)
                    tentative = out[4]
                    if tentative is not None:
                        found, more, keys, pods, evidence = tentative
                        keys = shared.setdefault(keys, tuple(shared.setdefault(k, k) for k in keys))
                        tentative = (found, more or (), keys, spool.put(pods) if pods is not None else None, evidence)
                    checked[id(out[0])] = _Parked.ready(cand, out[1], out[2] or (), out[3], tentative, spool)
                    _add(report, out[0])
                    continue
                if out[1] is not None:  # its findings, as they come: the packed rows are not kept
                    # (no problems: the shared `()`, not an empty list per file; judged: in its worker)
                    results = _unpacked(out[1], report.rules, cand.display, fixes,
                                        judged=judged is not None and judged is not False)
                    if out[4] is not None:  # what the scan-wide rules found, as results too (smaller than rows)
                        found, more, keys, pods, evidence = out[4]
                        if early is not None:
                            keys = shared.setdefault(keys, tuple(shared.setdefault(k, k) for k in keys))
                        # (an empty list is the shared `()`: most files with pods have no such findings)
                        out = (out[0], out[1], out[2], out[3],
                               (_unpacked(found, report.rules, cand.display, fixes) or (), more or (), keys,
                                spool.put(pods) if pods is not None else None, evidence))
                    if early is not None and cand.display not in waits and cand.hint not in RENDERED and not out[3]:
                        if judged is None:  # not judged in its worker
                            judged = _judged_here(early, out[0], results)
                        elif judged is False:  # they wait for the end of the scan
                            judged = None
                        else:  # judged in its worker: the findings reported came
                            early.take(cand.display, judged)
                            judged = results
                        if judged is not None and _done(out):
                            report.results.extend(judged)  # as `_gather` keeps them: its own, each once
                            done = DoneFile.of(out[0], under)  # type: ignore[arg-type]
                            if (done.__class__ is DoneFile and not done.problems and not done.suppressions
                                    and report.sources.__class__ is _Files):
                                report.sources.quiet(done.path, done.format, done.disk_path,
                                                     getattr(out[0], "unrouted", False))
                                report.files_scanned += 1
                            else:
                                _add(report, done)
                            continue
                        results = judged if judged is not None else results
                    out = (out[0], results or (), out[2] or (), out[3], out[4])
                # what the end of the scan reads of it, in one tuple (the file itself is `report.sources`'):
                # a lean scan's in the spool until then (`_Parked`)
                checked[id(out[0])] = (cand, *out[1:]) if early is None else _Parked(cand, out, spool, index)
            _add(report, out[0])
        if progress is not None:
            progress(total, total)
        return _finish_pooled(report, checked, rounds, max_bytes, fix_edits, fixes, early, waits, spool, rbac)
    except BaseException:
        spool.close()
        raise


class _Spool:
    """Bytes a scan reads again only at its end, and only some of them (a lean scan's pickled pods:
    ~1 file in 5 is linked to something of another file), kept in a temporary file rather than in
    this process's memory (~0.35 MB for each copy of the corpus, issue 12): `put` gives a handle,
    `get` the bytes back. Where no temporary file can be made, the bytes are the handle. Its file is
    closed by `close`, or with it, once nothing reads it (a parked file's findings are read back only
    as they are gathered into the report, `_Rows`)."""

    def __init__(self) -> None:
        self.fd = -1
        self.size = 0  # what was put
        self.written = 0  # what is in the file
        self.pending = bytearray()  # what was put and is not in the file (all of it after a failed write)
        self.failed = False  # no file, or it refused a write (a full or size-limited $TMPDIR): memory

    def put(self, data: bytes) -> int | bytes:
        if self.fd < 0 and not self.failed:
            try:  # (a file of no name, gone with its descriptor: Linux's O_TMPFILE)
                self.fd = os.open(os.environ.get("TMPDIR") or "/tmp", os.O_TMPFILE | os.O_RDWR, 0o600)
            except (AttributeError, OSError):
                self.failed = True
        if self.fd < 0 or self.failed:
            return data
        at = self.size
        self.pending += data
        self.size += len(data)
        if len(self.pending) >= 1 << 16:
            self._flush()
        return at << 32 | len(data)

    def get(self, handle: int | bytes) -> bytes:
        if isinstance(handle, bytes):
            return handle
        at, size = handle >> 32, handle & 0xFFFFFFFF
        if at + size > self.written:
            self._flush()
        if at + size <= self.written:
            return os.pread(self.fd, size, at)
        # (part of it) kept in memory: the file refused it
        head = os.pread(self.fd, self.written - at, at) if at < self.written else b""
        start = max(at - self.written, 0)
        return head + bytes(self.pending[start:start + size - len(head)])

    def _flush(self) -> None:
        if self.failed:
            return
        view = memoryview(self.pending)
        try:
            while view:
                done = os.write(self.fd, view)
                self.written += done
                view = view[done:]
        except OSError:
            self.failed = True  # what is not written stays in memory, and so does all that follows
        left = len(view)
        view.release()
        del self.pending[:len(self.pending) - left]

    def close(self) -> None:
        if self.fd >= 0:
            os.close(self.fd)
            self.fd = -1

    def __del__(self) -> None:
        self.close()


class _Parked:
    """What the end of a lean scan reads of a file that waits for the cross-file link (`_Outcome`
    but the file: its candidate, its findings judged so far, its rules' problems, whether it was
    linked, what the scan-wide rules found), pickled into the scan's spool as it comes in and read
    back once, when the link reaches it (`_finish_pooled`): ~1 file in 3 of the corpus waits (every
    Kubernetes file with pods, which a Service of another file may select), and their findings as
    objects were ~0.8 MB for each copy of the corpus (issue 12). In memory stay only the pods' keys
    (ServiceAccount, namespace) the link asks about for every such file. Its findings are pickled
    apart (`rows`), read back only when the report gathers them (`_Rows`)."""

    __slots__ = ("handle", "keys", "rows")

    def __init__(self, cand: Candidate, out: _Outcome, spool: _Spool, index: dict[int, int]) -> None:
        _file, results, problems, linked, tentative = out
        self.keys = None
        if tentative is not None:
            found, more, self.keys, pods, evidence = tentative
            tentative = (_packed(found, index) if found else (), more, None, pods, evidence)
        self.handle = spool.put(_pickled((_sent(cand), problems, linked, tentative)))
        self.rows = spool.put(_pickled(_packed(results, index))) if results else None

    def entry(self, source: SourceFile, how: tuple[_Spool, list[Rule], Any, bool]) -> tuple[Any, ...]:
        """The file's entry as `_check_all` made it: its findings (`_Rows`: results again when
        gathered, naming the file with `source.path`), what the scan-wide rules found as results
        again (their fixes and messages the scan's one of each). `how`: (the spool, the scan's
        rules, its fixes and messages: `_unpacked`'s `fixes`, whether its findings were judged: `_unpacked`'s
        `judged`)."""
        import pickle

        sent, problems, linked, tentative = pickle.loads(how[0].get(self.handle))
        if tentative is not None:
            found, more, _keys, pods, evidence = tentative
            tentative = (_unpacked(found, how[1], source.path, how[2]) or (), more, self.keys, pods, evidence)
        rows = _Rows(self.rows, source.path, how) if self.rows is not None else ()
        return _received(sent), rows, problems, linked, tentative

    @classmethod
    def ready(cls, cand: Candidate, rows: bytes, problems: Any, linked: bool, tentative: Any,
              spool: _Spool) -> _Parked:
        """A file parked as its worker packed and pickled its findings (`rows`, judged there:
        `_check_one`) and what its scan-wide rules found (`tentative`, its pods already in `spool`)."""
        parked = _JudgedParked.__new__(_JudgedParked)
        parked.keys = None
        if tentative is not None:
            found, more, parked.keys, pods, evidence = tentative
            tentative = (found or (), more, None, pods, evidence)
        parked.handle = spool.put(_pickled((_sent(cand), problems, linked, tentative)))
        parked.rows = spool.put(rows) if rows else None
        return parked


class _Rows:
    """A parked file's findings (`_Parked`), still pickled in the scan's spool once the link has
    passed the file: made results (`_unpacked`) only as `_gather` puts them into the report, once
    the link's objects are gone. The pooled parent's peak was the end of the link, with every
    waiting file's findings made beside its cluster objects and the files it checked again
    (~0.6 MB of findings for each copy of the corpus, issue 12). Iterated once."""

    __slots__ = ("handle", "path", "how")

    def __init__(self, handle: int | bytes, path: str, how: tuple[_Spool, list[Rule], Any, bool]) -> None:
        self.handle, self.path, self.how = handle, path, how

    def __iter__(self) -> Iterator[Result]:
        import pickle

        spool, rules, fixes, judged = self.how
        return iter(_unpacked(pickle.loads(spool.get(self.handle)), rules, self.path, fixes, judged))


class _JudgedParked(_Parked):
    """A file parked with its findings as its worker judged them (`_Parked.ready`): read back as
    `JudgedResult`s (`_finish_pooled` gives its `entry` the `how` that says so)."""

    __slots__ = ()


def _shared_rules(roles: list[Any], shared: dict[tuple[str, ...], tuple[str, ...]]) -> list[Any]:
    """`roles` with each RBAC rule's values (API groups, resources, verbs, names, URLs) one tuple
    of the scan's for each distinct value: a file's roles come unpickled apart from every other
    file's (~800 bytes an RBAC rule, most of it the same few strings)."""
    def one(values: tuple[str, ...]) -> tuple[str, ...]:
        return shared.setdefault(values, values)

    return [records.replace(role, rules=tuple(
        records.replace(r, api_groups=one(r.api_groups), resources=one(r.resources), verbs=one(r.verbs),
                        resource_names=one(r.resource_names), non_resource_urls=one(r.non_resource_urls))
        for r in role.rules)) for role in roles]


def _pickled(value: Any) -> bytes:
    """`value` as the parent of a lean scan keeps it in its spool (a file's pods, its RBAC objects, a
    parked file): pickled, a third of its size as objects, read back only when the link needs it."""
    import pickle

    return pickle.dumps(value, pickle.HIGHEST_PROTOCOL)


class _ParkedRBAC:
    """A lean scan's RBAC objects, parked in its spool as each file comes in (`_check_all`): ~0.5 MB
    for each copy of the corpus that the scan held to its end (issue 12), of which the link needs
    only what a pod of the scan may link to (`cluster`). `files`: each file's (bindings and
    ServiceAccounts, roles), pickled, in the scan's order; `roles`: which of them hold the roles of
    each (kind, name)."""

    def __init__(self, spool: _Spool) -> None:
        self.spool = spool
        self.files: list[tuple[int | bytes, int | bytes]] = []
        self.roles: dict[tuple[str, str], list[int]] = {}
        self._loaded: dict[int, list[Any]] = {}  # a file's roles, taken back (one object each)
        self._shared: dict[tuple[str, ...], tuple[str, ...]] = {}  # (`_shared_rules`)

    def cluster(self, sources: list[SourceFile], entries: list[Any]) -> Any:
        """The link's cluster (`link.cluster_of`): the ServiceAccounts a pod of the scan names, the
        bindings that may grant such a pod (`link.may_grant`), and the roles a binding names, taken
        back when the link first asks for them (`_Cluster.roles_of`). The link reads nothing else of
        the cluster for the scan's pods (their ServiceAccounts' names: the waiting files' pods'
        keys, the pods kept in memory), so it links them as the whole cluster would."""
        import pickle

        from glmlint.link import cluster_from, may_grant

        names: set[str] = set()
        for source, entry in zip(sources, entries):
            keys = entry.keys if isinstance(entry, _Parked) else entry[4][2] if entry is not None and \
                entry[4] is not None else None
            names.update(name for name, _ns in keys or ())
            names.update(pod.service_account.value for pod in source.pods)
        bindings, accounts = [], []
        for handle, _roles in self.files:
            got_bindings, got_accounts = pickle.loads(self.spool.get(handle))
            bindings.extend(b for b in got_bindings if may_grant(b, names))
            accounts.extend(a for a in got_accounts if a.name in names)
        return cluster_from([], bindings, accounts, self._roles_of)

    def _roles_of(self, key: tuple[str, str] | None) -> list[Any]:
        """The roles of this (kind, name), in the scan's order; None: every ClusterRole."""
        import pickle

        out = []
        for i in range(len(self.files)) if key is None else self.roles.get(key, ()):
            roles = self._loaded.get(i)
            if roles is None:
                roles = self._loaded[i] = _shared_rules(pickle.loads(self.spool.get(self.files[i][1])), self._shared)
            out.extend(r for r in roles if (r.kind == "ClusterRole" if key is None else (r.kind, r.name) == key))
        return out


def _shared_labels(labels: Any, shared: dict[Any, Any]) -> tuple[Any, ...]:
    """A file's pods' (namespace, labels) as a lean scan keeps them until the link: a tuple (not a
    set of its own, ~200 bytes a file) of the scan's one tuple for each distinct value; only ever
    iterated (`link.exposed_elsewhere`, `_finish_pooled`)."""
    return tuple(shared.setdefault(pair, (pair[0], shared.setdefault(pair[1], pair[1]))) for pair in labels)


def _done(out: _Outcome) -> bool:
    """Whether nothing at the end of a lean scan reads a file's outcome again once its findings are
    judged: no problems of its rules, not linked to another file, no pods (nothing to link or
    check again: `_finish_pooled`), no pods a Service of another file may select."""
    source = out[0]
    return (not out[2] and not out[3] and out[4] is None and not source.pods  # type: ignore[union-attr]
            and not source.pod_labels)  # type: ignore[union-attr]


def _gather(report: Report, per_source: PerSource) -> None:
    """Stage 3: every file's findings and problems into the report, each finding once.

    Only a finding that another file's may repeat is remembered for the whole scan: one moved out
    of a rendered chart or overlay (`rendered_from`), one of a file met twice; the others, which
    are in their own file and keyed by their message, only while their file's are gathered."""
    seen: dict[tuple[str, int, int, str, str], int] = {}  # for the whole scan: where in the report
    # the files met twice: each time with its entry (a lean scan's file that is, `_waits`, is never
    # done as it came in), so the sources without one are not counted (at 4x the corpus ~12,800
    # names, ~0.6 MB of table at the pooled parent's peak, issue 12)
    paths = Counter(s.path for s, entry in zip(_kept(report.sources), per_source) if entry is not None)
    for source, entry in zip(_kept(report.sources), per_source):
        if entry is None:  # a lean scan's file whose findings went to the report as they came in
            continue
        results, problems = entry
        report.problems.extend(problems)
        mine: dict[tuple[str, int, int, str, str], int] = {}  # this file's own
        twice = paths[source.path] > 1
        for r in results:
            # a template or base line rendered into several objects (overlays, loops) is one finding;
            # one not placed at its line (`Result.unmapped`) is told apart by its message
            key = (r.path, r.line, r.col, r.code, r.message if r.rendered_from is None or r.unmapped else "")
            keys = seen if twice or r.rendered_from is not None or r.path != source.path or not key[4] else mine
            if key not in keys:
                keys[key] = len(report.results)
                report.results.append(r)
            elif r.rendered_from is not None and r.related:
                _also_from(report.results, keys[key], r)


def _also_from(results: list[Result], i: int, r: Result) -> None:
    """The finding at `results[i]` with the values lines of `r`, the same template line rendered again
    (another item of a `range`), that it does not name yet."""
    kept = results[i]
    extra = tuple(p for p in r.related if p not in kept.related)
    if extra:
        results[i] = records.replace(kept, related=kept.related + extra, message=kept.message + "".join(
            f" ({note} `{path}:{line}`)" for path, line, _col, note in extra if note))


def unscanned_images(sources: list[SourceFile], root: str, max_bytes: int = MAX_BYTES) -> list[SourceFile]:
    """The Dockerfiles that compose files among `sources` build (`build:`) but the scan was not
    given, read from disk: a compose file checked alone (`glmlint check compose.yaml`, a pre-commit
    run where only it is staged) still sees the image it builds. They are linked, never reported:
    a finding they cause is the service's, naming the Dockerfile line."""
    have = {image_key(s.disk_path) for s in sources if s.format is Format.DOCKERFILE and s.disk_path}
    want = set().union(*(wanted(s) for s in sources if s.format is Format.COMPOSE)) - have
    out: list[SourceFile] = []
    for path in sorted(want):
        if not os.path.isfile(path):
            continue
        display = _shown(path, root)
        got = read_source(Candidate(path, display, "dockerfile", False), max_bytes)
        if isinstance(got, SourceFile) and got.workloads:
            out.append(got)
    return out


def _shown(path: str, root: str) -> str:
    """`path` as discovery reports it: relative to the scan root when inside it."""
    try:
        rel = os.path.relpath(path, root)
    except ValueError:  # another drive
        return path
    return path if rel == os.pardir or rel.startswith(os.pardir + os.sep) else rel


# -- the process pool ---------------------------------------------------------------
#
# Parsing is the scan's cost and each file parses alone, so files are parsed and
# checked in worker processes. Copying a file's IR back costs about as much as
# parsing it, so a worker returns findings and the file's text only; the
# cross-file link (a compose service built from a scanned Dockerfile) is done
# here: compose files that may inherit come back with their IR unchecked, the
# Dockerfiles they name are parsed again here, then linked and checked as in a
# serial scan.

POOL_MIN_FILES = 200  # below this the pool's start-up costs more than it saves (docs/benchmarks.md)

# What a worker sends back for one file: the file (a `CheckedFile` once checked; the `Problem` or
# None of a file that is not scanned), its findings packed (`_check_one`; None: checked in this process
# after linking, `_finish_pooled`), the problems its rules met, and whether its findings depend on
# another file read to check it (a compose file linked to the Dockerfiles it builds: judged at the end);
# for a file with pods, what the scan-wide rules found with its pods as parsed, the problems they met,
# and each pod's (ServiceAccount, namespace): the parent keeps these, not the pods (`_finish_pooled`);
# then the pods pickled (a lean scan) and, when fixes are verified, what each of those findings' fixes
# was judged on (`fix.engine.Evidence`: judged again if the pods link, without reading the file again).
# `_check_one` adds what a lean scan's worker decided about the findings (`policy.Early.apart`: then
# only those reported are sent; False: they wait for the end of the scan; None: not judged there),
# which `_check_all` takes off.
_Outcome = tuple["SourceFile | Problem | None", "list[tuple[Any, ...]] | None", list[Problem], bool,
                 "tuple[list[tuple[Any, ...]], list[Problem], tuple[tuple[str, str | None], ...], Any, Any] | None"]


class _State:
    """What a worker process checks files with, made once (not for each file): the rules, the limits,
    whether fixes are verified, the rules a worker runs (not the scan-wide ones) and each rule's
    index in `rules`; for a compose file's build, the scan's candidates (to find the Dockerfiles it
    builds as the scan reads them), its root (to name one the scan was not given) and whether the
    linked IR is sent back (`keep_ir`: a scan that is not lean). A lean scan's worker sends each
    finding's fix as the parent keeps it (`lean`: its titles and safety, `results.lean_fix`), not
    the intents and the IR settings they name: a third of what it pickled, for the parent to drop."""

    __slots__ = ("rules", "max_bytes", "fix_edits", "local", "scan_wide", "index", "files", "root", "keep_ir",
                 "lean", "judge", "waits", "_dockerfiles", "_images", "_reads")

    def __init__(self, rules: list[Rule], max_bytes: int, fix_edits: bool, files: list[Candidate] = (),
                 root: str = "", keep_ir: bool = True) -> None:  # type: ignore[assignment]
        self.rules, self.max_bytes, self.fix_edits = rules, max_bytes, fix_edits
        self.local = [r for r in rules if not r.scan_wide]
        self.scan_wide = [r for r in rules if r.scan_wide]
        self.index = {id(rule): i for i, rule in enumerate(rules)}
        self.files, self.root, self.keep_ir = files, root, keep_ir
        # (`_check_pooled` keeps the IR exactly when the scan is not lean: `keep_ir=early is None`)
        self.lean: dict[tuple[Any, ...], Any] | None = None if keep_ir else {}
        # a lean scan: its worker's own `policy.Early` (`Early.for_worker`), which judges each file's
        # findings as the parent would (`_check_one`), and the files whose findings wait for the end
        self.judge: Any = None
        self.waits: set[str] | frozenset[str] = frozenset()
        # made when a compose file first builds: a candidate, or a list of those of one path
        self._dockerfiles: dict[str, Candidate | list[Candidate]] | None = None
        self._images: dict[str, SourceFile | None] = {}  # the last few Dockerfiles read for a build
        self._reads: dict[str, SourceFile] = {}  # the last few Dockerfiles read, by `image_key` (`read`)

    def read(self, cand: Candidate) -> SourceFile | Problem | None:
        """`read_source(cand)`; for a Dockerfile read a moment ago, as the scan's own file or for a
        compose file's build (`image`), the same parse again: each is read twice when a compose file
        builds it (85 of the corpus's 626 Dockerfile parses). A Dockerfile's `SourceFile` is a function
        of its text, the name it is shown by and the directory it is in (`dockerfile._context_reader`
        reads its build context from the absolute path), and its `disk_path`, which is the candidate's
        path as given (relative or absolute: the same `image_key`); neither its own check nor a
        build's link changes it (the link rewrites the compose file's workloads, `link.link`)."""
        if cand.hint != "dockerfile" or cand.path == "-":
            return read_source(cand, self.max_bytes)
        key = image_key(cand.path)
        hit = self._reads.get(key)
        if hit is not None and hit.path == cand.display:
            if hit.disk_path == cand.path:
                return hit
            # the other name of its path (`shared/x/Dockerfile`, `/work/shared/x/Dockerfile`)
            return records.replace(hit, disk_path=cand.path)  # type: ignore[no-any-return]
        got = read_source(cand, self.max_bytes)
        if isinstance(got, SourceFile) and got.format is Format.DOCKERFILE:
            if len(self._reads) >= _READS_KEPT:
                del self._reads[next(iter(self._reads))]  # the oldest
            self._reads[key] = got
        return got

    def index_dockerfiles(self) -> None:
        """The scan's candidates that may be Dockerfiles, by `image_key`: made before the scan's
        candidates are dropped as they are checked (`_check_all`), when this process checks them."""
        # (a path that is its own key is the key: no second string; one candidate, not a list of one)
        index: dict[str, Any] = {}
        for cand in self.files:
            if cand.hint in ("dockerfile", "yaml-maybe") and cand.path != "-":
                key = image_key(cand.path)
                if key == cand.path:
                    key = cand.path
                got = index.get(key)
                index[key] = cand if got is None else [*got, cand] if isinstance(got, list) else [got, cand]
        self._dockerfiles = index

    def image(self, key: str) -> SourceFile | None:
        """The Dockerfile `key` (an `image_key`) as the scan links it: the scanned file of that path
        (the last one of the scan's names for it that reads as a Dockerfile, as `link` takes the last),
        none when the scan has it with no stage; else read from disk as `unscanned_images` reads it."""
        if key in self._images:
            return self._images[key]
        if self._dockerfiles is None:
            self.index_dockerfiles()
        got: SourceFile | None = None
        scanned = False
        cands = self._dockerfiles.get(key)
        for cand in reversed(cands if isinstance(cands, list) else () if cands is None else (cands,)):
            read = self.read(cand)
            if isinstance(read, SourceFile) and read.format is Format.DOCKERFILE:
                scanned = True
                if read.workloads:
                    got = read
                    break
        if not scanned and os.path.isfile(key):
            read = self.read(Candidate(key, _shown(key, self.root), "dockerfile", False))
            if isinstance(read, SourceFile) and read.workloads:
                got = read
        if len(self._images) >= 16:  # a worker keeps a few: compose files of one project build the same
            self._images.clear()
        self._images[key] = got
        return got


# Dockerfiles a worker keeps read (`_State.read`): a compose file and the Dockerfiles it builds are
# near each other in the walk (the same directory, or its subdirectories)
_READS_KEPT = 16

_WORKER: _State | None = None  # in a worker process (and in this one while it checks files as one)


def _cpus() -> int:
    """The CPUs this process may run on (`-j 0`, the default, uses them all)."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def _workers(jobs: int, files: int) -> int:
    """How many worker processes to scan `files` files with: 1 means no pool."""
    if jobs == 1 or files < POOL_MIN_FILES:
        return 1
    # Workers inherit the rules (plugin rules need not be picklable) and every
    # module already imported: fork only (`os.fork`), and the parent waits on the
    # workers' pipes with `select.poll`. Elsewhere the scan stays serial.
    import select

    if not hasattr(os, "fork") or not hasattr(select, "poll"):
        return 1
    if jobs <= 0:
        jobs = _cpus()
    return max(1, min(jobs, files))


# A pool worker's young-generation threshold (the parent's is `cli.YOUNG_GC_THRESHOLD`). A worker
# holds nothing of a file once its outcome is sent: what it allocates is the file's IR, freed by
# reference counting, and the few cycles a parse error's traceback makes wait a little longer.
# With what it inherited set aside (`gc.freeze`: the modules, catalogs and rules forked from the
# parent, which no collection in the worker can free), the collector cost ~2% of the worker's
# instructions at 20,000; at 100,000, ~0.5% (issue 12).
WORKER_GC_THRESHOLD = 100_000


def _init_worker(state: _State) -> None:
    global _WORKER
    _WORKER = state
    import gc

    gc.freeze()
    threshold = gc.get_threshold()
    gc.set_threshold(max(threshold[0], WORKER_GC_THRESHOLD), *threshold[1:])


def _check_one(cand: Candidate) -> _Outcome:
    """In a worker: parse and check one file; findings travel with their rule's index. A compose file
    that builds images is linked here to the Dockerfiles it builds (read here, as the scan reads
    them) and checked with every rule, as the serial scan checks it."""
    state = _WORKER
    assert state is not None
    got = state.read(cand)
    if not isinstance(got, SourceFile):
        return got, None, [], False, None, None
    # a manifest with no object a route of another file may be completed by (`kubernetes.unrouted`, asked
    # before its rules' fixes parse it again): if it is done here, the parent marks it so (`_Files.quiet`)
    unrouted = got.format is Format.KUBERNETES and _kubernetes().unrouted == id(got)
    keys = wanted(got)
    if keys:
        from glmlint.link import images_for, link

        images = [image for key in sorted(keys) if (image := state.image(key)) is not None]
        linking: dict[str, Any] = {}  # the images this link stamps, stamped once for the fixes' re-parses too
        link([*images, got], linking)
        index = {image_key(image.disk_path): image for image in images} if state.fix_edits else {}
        if state.fix_edits:
            from glmlint.fix import engine

            engine.linked(images, linking)
        try:
            results, problems = run_rules(got, state.rules, state.fix_edits, images_for(got, index))
        finally:
            if state.fix_edits:
                engine.linked()
        checked = slimmed(got, keep_ir=state.keep_ir)
        judged = None
        if state.judge is not None and cand.display not in state.waits and cand.hint not in RENDERED:
            # a lean scan: its findings judged here as an unlinked file's are (below), not in the parent's
            # serial end (`policy.apply`: ~860 findings of the corpus's compose files that build images),
            # and it waits for the end of the scan parked as sent (`_Parked.ready`); None: they wait to
            # be judged there (one in a Dockerfile it builds, `_judged_here`)
            got_judged = _judged_here(state.judge, checked, results, apart=True)
            if got_judged is not None and got_judged[1] is not None:
                results, judged = got_judged
        sent: Any = _packed(results, state.index, state.lean)
        if judged is not None:
            sent = _pickled(sent) if sent else b""
        return checked, sent, problems, True, None, judged
    results, problems = run_rules(got, state.local, state.fix_edits)
    later = None
    if state.scan_wide and got.pods and cand.hint not in RENDERED:
        # the scan-wide rules (GLM044) with the pods as parsed: what they find stands unless a pod
        # links to a binding or ServiceAccount of the scan, which the parent tells from these keys
        # (`_finish_pooled`; then the file is checked again, linked); the pods stay here
        # (what each fix was judged on, to judge it again in the parent if the file's pods link: `rejudged`)
        evidence: list[Any] | None = [] if state.fix_edits else None
        found, more = run_rules(got, state.scan_wide, state.fix_edits, evidence=evidence)
        keys = tuple((p.service_account.value, p.namespace) for p in got.pods)
        if evidence is not None:
            _own_link_evidence(got, state, found, keys, evidence)
        later = (_packed(found, state.index, state.lean), more, keys, None if state.keep_ir else _pickled(got.pods),
                 evidence or None)
    checked = slimmed(got, pods=later is None or state.keep_ir)
    if unrouted and checked.__class__ is CheckedFile:
        checked.__class__ = _UnroutedChecked
    judged = None
    if state.judge is not None and cand.display not in state.waits and cand.hint not in RENDERED:
        # a lean scan: only the findings the project reports are sent (`policy.Early.apart`), with
        # what judging them decided; False: they wait for the end of the scan (`_judged_here`)
        judged = _judged_here(state.judge, checked, results, apart=True)
        if judged is None:
            judged = False
        elif judged[1] is not None:
            results, judged = judged
        else:
            judged = None
    rows: Any = _packed(results, state.index, state.lean)
    if judged is None or judged is False:
        return checked, rows, problems, False, later, judged
    if not _done((checked, rows, problems, False, later)):
        # judged here, and it waits for the cross-file link in the parent's spool (`_Parked.ready`):
        # its findings go there as this process pickles them, not made results there and packed again
        rows = _pickled(rows) if rows else b""
    elif ((checked.__class__ is CheckedFile or checked.__class__ is _UnroutedChecked) and checked.origins is None
          and checked.path == cand.display
          and checked.disk_path == cand.path and not (checked.roles or checked.bindings or checked.accounts
                                                      or checked.services)):
        # judged here, and nothing at the end of the scan reads it again: what the parent keeps of it
        # (`DoneFile`, as `DoneFile.of` makes it), not a `CheckedFile` to unpickle and drop
        checked = (checked.format, checked.problems, checked.suppressions, unrouted)  # type: ignore[assignment]
    return checked, rows, problems, False, later, judged


def _kubernetes() -> Any:
    import glmlint.parsers.kubernetes as kubernetes

    return kubernetes


def _own_link_evidence(got: SourceFile, state: _State, found: list[Result], keys: tuple[tuple[str, str | None], ...],
                       evidence: list[Any]) -> None:
    """In a worker, for a file whose pods link to its own bindings or ServiceAccounts (then the parent
    links them whatever the other files hold, `_finish_pooled`): add to `evidence` what the fixes the
    scan-wide rules find on the pods linked with the file's own cluster objects were judged on. What a
    fix is judged on does not depend on the link (`fix.engine.Evidence`: the same text and rules, the
    re-parse unlinked, the workloads the same; a fix found by both is matched by its place and
    intents), so the parent judges them again (`rejudged`) when its link, with the whole scan's
    objects, finds the same fixes; else it reads and verifies the file as before. The pods and the
    findings sent back stay as parsed."""
    if not (got.bindings or got.accounts):
        return
    from glmlint.link import cluster_of, linked_pods, links

    cluster = cluster_of([got])
    if not any(links(cluster, name, ns, got.path) for name, ns in keys):
        return
    from glmlint.fix.engine import _place

    judged = {(_place(r), r.fix.intents) for r in found if r.fix is not None}  # the unlinked findings' fixes
    shown = state.fix_edits

    def unjudged(source: SourceFile, r: Result) -> bool:
        return (r.fix is not None and (_place(r), r.fix.intents) not in judged
                and (shown(source, r) if callable(shown) else True))

    parsed = got.pods
    got.pods = linked_pods(list(parsed), got.path, cluster)
    try:
        run_rules(got, state.scan_wide, unjudged, evidence=evidence)
    finally:
        got.pods = parsed


def _packed(results: list[Result], index: dict[int, int],
            lean: dict[tuple[Any, ...], Any] | None = None) -> list[tuple[Any, ...]]:
    """`results` as rows of their fields, each rule by its index in the scan's rules; `lean` (a lean
    scan's worker: its fixes so far), each fix as the parent keeps it (`results.lean_fix`, which
    gives the parent's own one of each for these again)."""
    packed = []
    for r in results:
        row = list(_RESULT_VALUES(r))
        row[_RULE_AT] = index[id(r.rule)]
        if lean is not None and row[_FIX_AT] is not None:
            row[_FIX_AT] = lean_fix(row[_FIX_AT], lean)
        packed.append(tuple(row))
    return packed




def _check_exposed(task: tuple[Candidate, bool, list[Any], Any]) -> _Outcome | None:
    """In a worker, once every file is in: a Kubernetes file whose pods a Service of another file
    selects, read again and checked linked: its pods as the parent linked them (`pods`), its workloads exposed by
    `others` (those Services, stamped with their file), every rule run (`exposed`; else only the
    scan-wide ones). None: it no longer reads (changed since): the parent keeps what it had.

    The rules run in the two calls `_check_one` makes, the file's rules, then the scan-wide ones, so
    that each fix is judged as in a file no Service of another file exposes: by the rules of its
    own call (a fix of the file's rules is not refused for a GLM044 finding of the unlinked re-parse
    that the linked pods do not have), and with the fix engine's shortcuts that a scan-wide rule
    turns off (a container's fixes in one re-parse, one document re-parsed, no pod identities:
    `fix.engine._verified_edits`); each re-parse exposed by `others` as the file is
    (`fix.engine._reparse`), so that it differs from the file only in what the fix wrote. The
    results in the scan's rule order, as one call gives them."""
    from glmlint.parsers.kubernetes import expose

    state = _WORKER
    assert state is not None
    cand, exposed, others, pods = task
    full = read_source(cand, state.max_bytes)
    if not isinstance(full, SourceFile) or len(full.pods) != len(pods):
        return None
    full.pods[:] = pods
    if exposed:
        full.workloads = [expose(w, others) for w in full.workloads]
        results, problems = run_rules(full, state.local, state.fix_edits, exposures=others)
        if state.scan_wide:
            linked, more = run_rules(full, state.scan_wide, state.fix_edits, exposures=others)
            if linked:
                index = state.index
                results = sorted([*results, *linked], key=lambda r: index[id(r.rule)])
            problems += more
    else:
        results, problems = run_rules(full, state.scan_wide, state.fix_edits)
    checked = slimmed(full, keep_ir=state.keep_ir and exposed, pods=state.keep_ir)
    judged = None
    if state.judge is not None and cand.display not in state.waits and cand.hint not in RENDERED:
        # a lean scan: its findings judged here, as in the files' round (`_check_one`), not in the
        # parent's serial end (`policy.apply`); None: they wait for the end of the scan
        got = _judged_here(state.judge, checked, results, apart=True)
        if got is not None and got[1] is not None:
            results, judged = got
    return checked, _packed(results, state.index, state.lean), problems, True, None, judged


class CheckedFile(SourceFile):
    """What the scan keeps of a file once its rules have run: no IR and no text, but what the later
    stages need (path, format, where it is on disk, its `# glmlint: ignore` comments, the small
    cluster objects the cross-file link reads). `text` is read again from disk when asked (the fix
    engine, on a pooled scan); a rendered chart or overlay, which has no file, keeps its stream."""

    __slots__ = ("_text",)
    unrouted = False  # (`_UnroutedChecked`)

    @property  # type: ignore[override]
    def text(self) -> str:
        if self._text is not None:
            return self._text
        return _disk_text(self.disk_path)

    @text.setter
    def text(self, value: str | None) -> None:
        self._text = value

    # pickled as its fields, the text as kept (not read from disk in the worker)
    def __getstate__(self) -> list[Any]:
        return list(_CHECKED_STATE(self))

    def __setstate__(self, state: list[Any]) -> None:
        for f, value in zip(records.fields(self), state):
            setattr(self, f, value if value or f != "assumed" else _NO_ASSUMED)


class _UnroutedChecked(CheckedFile):
    """A checked manifest with no object a route of another file may be completed by (its worker's parse
    said so, `kubernetes.unrouted`): the routes' round does not read it again (`link.routed`). The same
    slots as a `CheckedFile`: the bit is its class."""

    __slots__ = ()
    unrouted = True


def _disk_text(path: str) -> str:
    """A checked file's text read again from disk ("" when it no longer reads)."""
    try:
        with open(path, "rb") as fh:
            return decode(fh.read())
    except (OSError, UnicodeDecodeError):
        return ""


# a CheckedFile's fields as it is pickled, in order: the text as kept (`_text`), not read from disk
_CHECKED_STATE = operator.attrgetter(*["_text" if f == "text" else f for f in records.fields(CheckedFile)])

# the `assumed` of a CheckedFile that has none (all but a few): one shared empty dict, never written
# (only the compose parser fills `assumed`, on the SourceFile it builds)
_NO_ASSUMED: dict[tuple[int, int], tuple[str, ...]] = {}


class DoneFile:
    """What a lean scan keeps of a file whose findings went to the report as they came in and that
    nothing at the end of the scan reads again (`_done`): its names, format, parse problems and
    `# glmlint: ignore` comments (what `policy.apply` and the reporters read of a file), read as a
    `CheckedFile` reads, in a third of its size (~70 bytes, not ~180 for 18 slots: one per file of
    the tree). No IR, no cluster objects (a file with some stays a `CheckedFile` until the link at
    the end); `text` read from disk.

    Its path on disk is kept as a string of its own only when it is not the scan root's folder
    followed by the reported name (`under`: one 1-tuple per scan, the root with a separator): a
    tree named by an absolute path (`glmlint check /abs/dir`, as CI and `bench/run.py` do) reports
    each file relative to the root but reads it at the absolute path, two strings of ~130
    characters a file."""

    __slots__ = ("path", "format", "_disk", "problems", "suppressions")

    # what a done file has none of: the shared empty values a `CheckedFile` holds
    workloads = directives = services = roles = bindings = accounts = pods = secrets = reads = ()
    origins = _labels = None
    json = False  # (read only where a file is parsed: `results.result_of`)
    unrouted = False  # a quiet manifest with no object a route of another file may be completed by (`_Quiet`)
    assumed = _NO_ASSUMED
    pod_labels: frozenset[Any] = frozenset()
    text = CheckedFile.text

    def __init__(self, path: str, format: Format, disk_path: str, problems: Any, suppressions: Any,
                 under: tuple[str] | None = None) -> None:
        self.path, self.format, self.problems, self.suppressions = path, format, problems, suppressions
        # (the root's folder and the reported name make the path on disk: the shared `under` instead)
        self._disk = under if under is not None and disk_path == under[0] + path else disk_path

    @property
    def disk_path(self) -> str:
        disk = self._disk
        return disk if disk.__class__ is str else disk[0] + self.path

    @property
    def _text(self) -> None:  # (`CheckedFile.text`: read from disk)
        return None

    @classmethod
    def of(cls, source: SourceFile, under: tuple[str] | None = None, linked: bool = False) -> DoneFile | SourceFile:
        """`source` (a `CheckedFile`) as a done file; a rendered chart or overlay, or one with RBAC
        objects or Services for the link, as it is. `under`: the scan root's folder, a 1-tuple shared
        by the scan's done files. `linked`: the cross-file link has read it (`_finish_pooled`): its
        cluster objects (in the link's cluster until the link ends), pods' labels and path on disk are
        not kept to the end of the scan (~0.3 MB for each copy of the corpus: ~1 file in 3 has pods,
        issue 12); a file with no path on disk stays as it is."""
        if not isinstance(source, CheckedFile) or source.origins is not None:
            return source
        if (not source.disk_path) if linked else (source.roles or source.bindings or source.accounts
                                                    or source.services):  # (what `_finish_pooled` links)
            return source
        return cls(source.path, source.format, source.disk_path, source.problems, source.suppressions, under)


class _Quiet:
    """A quiet done file's place in `_Files`: its format, and what its path on disk has before its name
    (`prefix`: none, `./` for a tree walked as `.`, or the scan root's folder). One of each in the
    process (`_QUIET`), not one a file."""

    __slots__ = ("format", "prefix", "unrouted")
    # what the end of the scan reads of a file, which a quiet one has none of (`_Files.kept`)
    pods = roles = bindings = accounts = services = ()
    pod_labels: frozenset[Any] = frozenset()

    def __init__(self, format: Format, prefix: str, unrouted: bool = False) -> None:
        # `unrouted`: a manifest with no object a route of another file may be completed by (its worker's
        # parse said so, `kubernetes.unrouted`): the routes' round does not read it (`link.routed`)
        self.format, self.prefix, self.unrouted = format, prefix, unrouted


_QUIET: dict[tuple[Format, str, bool], _Quiet] = {}
_BLOCK = 32  # names a block of `_Files`' table holds: the first whole, the others after what they share


class _Files(list):  # type: ignore[type-arg]
    """A lean scan's `Report.sources`: a list of its files, in order, that holds a quiet done file
    (`DoneFile` with no parse problem and no `# glmlint: ignore` comment, at the path its name makes:
    ~2 files in 3 of the corpus) as its `_Quiet` marker, its name in a table of names each written
    after what it shares with the one before (a file is mostly next to the one before it in the walk:
    ~30 characters a name, not a string of ~85 and a `DoneFile` of ~70 bytes, issue 12), and gives it
    as a `DoneFile` when read (iterated, indexed). The rest is a list's: `append`, `len`, and setting
    a place that holds a file (the link's end replaces those it read)."""

    def __init__(self, under: tuple[str]) -> None:
        super().__init__()
        self.under = under  # (`DoneFile`'s: the scan root's folder)
        self.at = array("I")  # the place of each quiet file, in order
        self.blocks: list[str] = []  # each `_BLOCK` names, joined (`_entry`)
        self.block: list[str] = []  # the names of the block being filled
        self.last = ""  # the last quiet file's name
        self._read: tuple[int, list[str], int, str] | None = None  # the last name read: block, names, at, name

    def quiet(self, path: str, fmt: Format, disk_path: str, unrouted: bool = False) -> None:
        """A quiet done file, next: its name, format and path on disk (`unrouted`: `_Quiet`'s)."""
        prefix = disk_path[:len(disk_path) - len(path)]
        marker = _QUIET.get((fmt, prefix, unrouted))
        if marker is None:
            if not path or not disk_path.endswith(path) or len(_QUIET) >= 64:  # (a prefix for each file: kept as is)
                list.append(self, DoneFile(path, fmt, disk_path, (), (), self.under))
                return
            marker = _QUIET[(fmt, prefix, unrouted)] = _Quiet(fmt, prefix, unrouted)
        elif not disk_path.endswith(path):
            list.append(self, DoneFile(path, fmt, disk_path, (), (), self.under))
            return
        n = 0 if len(self.at) % _BLOCK == 0 else _shared(self.last, path)
        self.at.append(list.__len__(self))
        list.append(self, marker)
        self.block.append(chr(n + 1) + path[n:])  # (a name's first character: what it shares, plus one)
        self.last = path
        if len(self.block) == _BLOCK:
            self.blocks.append("\0".join(self.block))
            self.block = []

    def _names(self) -> Iterator[str]:
        """Every quiet file's name, in order."""
        for block in (*self.blocks, None):
            name = ""
            for entry in block.split("\0") if block is not None else list(self.block):
                name = name[:ord(entry[0]) - 1] + entry[1:]
                yield name

    def _name(self, k: int) -> str:
        """The `k`th quiet file's name."""
        b, j = divmod(k, _BLOCK)
        read = self._read
        if read is not None and read[0] == b and read[2] <= j:
            names, start, name = read[1], read[2] + 1, read[3]
        else:
            names, start, name = (self.blocks[b].split("\0") if b < len(self.blocks) else self.block), 0, ""
        for i in range(start, j + 1):
            entry = names[i]
            name = name[:ord(entry[0]) - 1] + entry[1:]
        self._read = (b, names, j, name)
        return name

    def _file(self, k: int, marker: _Quiet) -> DoneFile:
        return _quiet_file(self._name(k), marker, self.under)

    def __iter__(self) -> Iterator[Any]:
        at, k, under = self.at, 0, self.under
        names = self._names()
        for i, item in enumerate(list.__iter__(self)):
            if item.__class__ is _Quiet:
                name = next(names)
                while at[k] < i:  # (a quiet file's place set to another file)
                    k += 1
                    name = next(names)
                k += 1
                yield _quiet_file(name, item, under)
            else:
                yield item

    def kept(self) -> Iterator[Any]:
        """Its items as held: a quiet file as its `_Quiet` marker, which has none of the cluster objects,
        pods and findings of a file (the scan's end, which reads nothing else of a quiet file)."""
        return list.__iter__(self)

    def __getitem__(self, i: Any) -> Any:
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(len(self)))]
        item = list.__getitem__(self, i)
        if item.__class__ is _Quiet:
            return self._file(bisect.bisect_left(self.at, i if i >= 0 else i + len(self)), item)
        return item

    def __reversed__(self) -> Iterator[Any]:
        return (self[i] for i in range(len(self) - 1, -1, -1))

    def copy(self) -> list[Any]:  # type: ignore[override]
        return list(self)

    def __add__(self, other: Any) -> list[Any]:  # type: ignore[override]
        return [*self, *other]


class _QuietFile(DoneFile):
    """A quiet done file as `_Files` gives it: no parse problem, no suppression comment."""

    __slots__ = ()
    problems = suppressions = ()


class _UnroutedFile(_QuietFile):
    """A quiet manifest with no object a route of another file may be completed by (`_Quiet.unrouted`)."""

    __slots__ = ()
    unrouted = True


def _quiet_file(path: str, marker: _Quiet, under: tuple[str]) -> DoneFile:
    got = _QuietFile.__new__(_QuietFile if not marker.unrouted else _UnroutedFile)
    prefix = marker.prefix
    got.path, got.format = path, marker.format
    got._disk = path if not prefix else under if prefix == under[0] else prefix + path
    return got


def _kept(sources: list[SourceFile]) -> Iterator[Any]:
    """`sources` as held (`_Files.kept`: a quiet file as its marker)."""
    return sources.kept() if sources.__class__ is _Files else iter(sources)


def _shared(a: str, b: str) -> int:
    """How many leading characters `b` shares with `a`, at most 254 (`_Files`' names)."""
    d = a.rfind("/") + 1  # (mostly: the same folder)
    if 0 < d <= 254 and b.startswith(a[:d]):
        lo = d
    else:
        lo = 0
    hi = min(len(a), len(b), 254)
    while lo < hi:  # the longest shared start, by halves
        mid = (lo + hi + 1) // 2
        if a[lo:mid] == b[lo:mid]:
            lo = mid
        else:
            hi = mid - 1
    return lo


def slimmed(source: SourceFile, keep_ir: bool = False, pods: bool = True) -> SourceFile:
    """`source` once its findings are out: its per-file state dropped (`CheckedFile`), its
    suppressions read first; `keep_ir`: its linked workloads stay (what another file's fix links
    to); `pods`: its pods stay (not in a lean scan once its worker ran the scan-wide rules). A file
    with no path on disk (standard input) is kept whole."""
    if not source.disk_path:
        return source
    sups = suppress.parse(source)
    # most files have none of these: an empty one is the shared `()`, not a list of its own (a
    # scan keeps one CheckedFile per file); the pods' labels are kept only when there are some
    return CheckedFile(source.path, source.format, source.text if source.origins is not None else None,
                       workloads=source.workloads if keep_ir else (),  # type: ignore[arg-type]
                       directives=source.directives or (), disk_path=source.disk_path,  # type: ignore[arg-type]
                       problems=source.problems or (), roles=source.roles or (),  # type: ignore[arg-type]
                       bindings=source.bindings or (), accounts=source.accounts or (),  # type: ignore[arg-type]
                       pods=(source.pods or ()) if pods else (), secrets=(),  # type: ignore[arg-type]
                       services=source.services or (),  # type: ignore[arg-type]
                       _labels=source.pod_labels or None, reads=source.reads or (),  # type: ignore[arg-type]
                       json=source.json, suppressions=sups or (),  # type: ignore[arg-type]
                       assumed=_NO_ASSUMED)


_RESULT_FIELDS = records.fields(Result)
_RESULT_VALUES = operator.attrgetter(*_RESULT_FIELDS)  # a result's fields, in order, in one call (`_packed`)
_RULE_AT = _RESULT_FIELDS.index("rule")
_FIX_AT = _RESULT_FIELDS.index("fix")
assert _RESULT_FIELDS[:7] == ("path", "line", "col", "rule", "message", "fix", "workload")  # (`_unpacked`)


def _unpacked(packed: list[tuple[Any, ...]], rules: list[Rule], path: str | None = None,
              fixes: dict[tuple[Any, ...], Any] | None = None, judged: bool = False) -> list[Result]:
    """A worker's findings of one file as results (their rule by its index in `rules`); those at
    `path` (the file's own name) name it with that string; `fixes`: a lean scan's (`_lean`), whose results are
    `LeanResult`s (a `Result` in half the size); `judged`: the findings its worker's `policy.Early`
    kept (`JudgedResult`s: `policy.apply` does not ask their file's context again)."""
    at = _RULE_AT
    if fixes is None:
        return [Result(p[0] if p[0] != path else path, *p[1:at], rules[p[at]], *p[at + 1:]) for p in packed]
    lean = JudgedResult if judged else LeanResult
    # each fix as a lean scan keeps it (`_lean`), put in as the result is made (not a copy of it made);
    # its message and workload the scan's one string of each (`fixes` holds them too, keyed by
    # themselves: many findings share a message, ~3,400 distinct in ~5,200 on the corpus, and every
    # finding of a workload its name, each unpickled apart)
    one = fixes.setdefault
    return [lean(p[0] if p[0] != path else path, p[1], p[2], rules[p[3]], one(p[4], p[4]),
                       lean_fix(p[5], fixes) if p[5] is not None else None,
                       one(p[6], p[6]) if p[6] is not None else None, *p[7:]) for p in packed]


def _rejudged(results: list[Result], evidence: list[Any], source: SourceFile,
              fix_edits: bool | Callable[[SourceFile, Result], bool]) -> list[Result] | None:
    """`results` (the scan-wide rules' findings of a file whose pods are now linked) with their fixes'
    edits, judged from what the file's worker found on each fix's re-parse (`fix.engine.rejudged`);
    None when some fix was not judged there (then the file is read and verified again)."""
    from glmlint.fix.engine import rejudged

    shown = (lambda r: fix_edits(source, r)) if callable(fix_edits) else None
    return rejudged(results, evidence, shown)


def _judged(early: Any, source: SourceFile, results: list[Result]) -> list[Result]:
    """`source`'s findings that the project reports (`policy.Early.judge`), each once; all of them,
    to be judged at the end of the scan, when one is about another file or not in this file. Those
    judged are `JudgedResult`s (a lean scan's: `policy.apply` does not ask their file's context again,
    as for those its workers judged: the scan-wide rules' findings of the files the link checks again,
    ~230 context look-ups of the corpus's serial end, issue 12)."""
    got = _judged_here(early, source, results)
    if got is None:
        return results
    for r in got:
        if r.__class__ is LeanResult:
            r.__class__ = JudgedResult  # (the same slots: `results.JudgedResult`)
    return got


def _judged_here(early: Any, source: SourceFile, results: list[Result], apart: bool = False) -> Any:
    """`_judged`, None when the findings wait for the end of the scan; `apart`: in a worker, with its
    own `Early` (`policy.Early.apart`): (the findings reported, what judging them decided, None when
    nothing was judged)."""
    mine: set[tuple[str, int, int, str, str]] = set()
    once = []
    for r in results:
        if r.cause is not None or r.path != source.path or r.rendered_from is not None or not r.message:
            return None  # `policy.apply` decides, once every file's findings are in
        key = (r.path, r.line, r.col, r.code, r.message)  # one finding once, as `_gather` keeps them
        if key not in mine:
            mine.add(key)
            once.append(r)
    if apart:
        return early.apart(source, once) or (results, None)
    return early.judge(source, once)


def _lean(results: list[Result], fixes: dict[tuple[Any, ...], Any]) -> list[Result]:
    """`results` with their fixes as a lean scan keeps them (`results.lean_fix`)."""
    from glmlint.results import lean_fix

    return [records.replace(r, fix=lean_fix(r.fix, fixes)) if r.fix is not None else r for r in results]


def _values(r: Result) -> tuple[Any, ...]:
    return _RESULT_VALUES(r)  # type: ignore[no-any-return]


def _pooled(files: list[Candidate], state: _State, workers: int) -> _Pool:
    """A pool of `workers` processes: each file's outcome, in order (`_Pool.outcomes`), then the
    files that wait for the whole scan (`_Pool.exposed`). `files`: the scan's files, or its first
    ones (the kinds of file the workers load for ahead, `_warm`; the size of a task)."""
    _warm(files, state)
    return _Pool(state, workers, len(files))


class _Pool:
    """Stage 2's two rounds in `workers` forked processes: every file checked (`outcomes`, in
    order), then, once every file is in, the files a Service of another file exposes (`exposed`:
    their outcomes read in order while this process goes on).

    Not `multiprocessing.Pool`: the workers take tasks from one pipe (`_Tasks`) as they are free, and
    each sends its outcomes back on its own pipe, which this process reads in its main thread as it
    asks for them (no task-handler, result-handler and worker-handler threads, whose turns and
    hand-offs of the GIL cost ~70 ms of this process's CPU on the corpus beside the unpickling, on
    the cores the workers need; nor `multiprocessing`'s ~10 ms of imports). The tasks are made as
    the outcomes are read, a few ahead (`AHEAD` per worker): this process holds only the candidates
    and the exposed files' pods in flight, not a list of every file of the tree (issue 12).

    A worker that dies (the kernel's OOM killer, a signal) stops the pool, and the scan goes on in
    this process, nothing lost (`_lost`)."""

    AHEAD = 4  # tasks queued per worker beyond the one each is on

    def __init__(self, state: _State, workers: int, files: int) -> None:
        self.chunk = max(1, min(16, files // (workers * 8)))
        self.n_workers = workers
        self.state = state  # (what this process checks files with once a worker died: `_lost`)
        self.broken = False  # a worker died: every task is checked in this process (`_queue`)
        self.tasks = _Tasks()
        self.workers: list[tuple[int, int]] = []  # (pid, the read end of its outcomes' pipe)
        try:
            for _ in range(workers):
                self.workers.append(_fork_worker(state, self.tasks, self.workers))
        except BaseException:
            self.close()
            raise
        self.tasks.forked()
        self.done: dict[int, tuple[bool, Any]] = {}  # outcomes read, by task number, not yet asked for

    def outcomes(self, items: Iterator[Any], config: Config | None) -> Iterator[tuple[Any, _Outcome | None]]:
        """Each item of `items` (a candidate, or a path that cannot be walked) with its outcome, in
        order (None: not a file to check, or excluded)."""
        def tasks() -> Iterator[tuple[Any, Any]]:
            for item in items:
                yield (item, None) if isinstance(item, tuple) or _excluded(item, config) else (item, _sent(item))

        return self._stream(tasks(), _FILES, self.chunk)

    def exposed(self, tasks: Iterable[tuple[Candidate, bool, list[Any], Any]],
                spool: _Spool | None = None) -> Iterator[_Outcome | None]:
        """Each task's outcome, in order. Every task is queued now, each made as it is written (the
        tasks' pipe holds them: ~1.3 KB a file, 80 KB for the corpus), so that the workers check them
        while this process finishes the other files: a few ahead, the rest queued only as this process
        read their outcomes at the end, kept the workers idle through it (~30 ms of the scan's wall).
        The last round: once its tasks are written the tasks' pipe is closed, and each worker ends as
        it finds it empty (while this process finishes the scan), not when the pool is closed.
        `spool`: where the tasks are kept until their outcomes are in (`_Tasks.keep`), not in memory."""
        self.tasks.keep = spool
        return (value for _task, value in self._stream(((None, task) for task in tasks), _EXPOSED, 1, ahead=False))

    def routed(self, plan: Any, meanwhile: Callable[[], None] | None = None) -> list[tuple[str, Any]]:
        """`link.routed` worked out by the workers (`link.Routes`: each route file with its close files):
        reading and composing the close files (~170 for the corpus's ~20 route files) was ~30 ms of this
        process's serial end of the scan. The route files are split in one run for each worker, in order
        (a run's files read once for its route files that are close to each other: `link.routed_through`),
        of about as many close files each; each close file goes as (its number, its path on disk, its text
        when the scan kept it: a rendered chart's). `meanwhile`: called once the tasks are written, while
        the workers work them out (this process waited idle for them, ~25 ms of the corpus's serial end)."""
        numbers: dict[int, int] = {}

        def key(src: Any) -> tuple[int, str, str | None]:
            kept = src._text if isinstance(src, CheckedFile) else None if isinstance(src, DoneFile) else src.text
            return numbers.setdefault(id(src), len(numbers)), src.disk_path, kept

        items = [(path, mine, [key(src) for src in near]) for path, mine, near in plan]
        total = sum(len(near) for _p, _m, near in items)
        runs: list[list[Any]] = [[]]
        count = 0
        for item in items:
            if runs[-1] and count >= total * len(runs) / self.n_workers:
                runs.append([])
            runs[-1].append(item)
            count += len(item[2])
        outcomes = self._stream(((None, run) for run in runs), _ROUTED, 1)  # (the tasks written now)
        if meanwhile is not None:
            meanwhile()
        return [found for _item, got in outcomes for found in got]

    def _stream(self, pairs: Iterator[tuple[Any, Any]], kind: int, chunk: int,
                ahead: bool = True) -> Iterator[tuple[Any, Any]]:
        """(item, outcome) for each (item, payload) of `pairs`, in order: the payloads sent to the
        workers as tasks of `chunk` (one outcome each, `_EXPOSED`; a list, `_FILES`), up to `AHEAD`
        tasks per worker ahead of the one asked for (all of them at once when not `ahead`); an item
        with no payload has the outcome None.
        Towards the end, tasks get smaller (down to one file for the last few per worker), so that
        the workers end together: a worker whose last task took long (a large file) is not waited for
        while the other idles."""
        from collections import deque

        workers = self.n_workers
        look: deque[tuple[Any, Any]] = deque()  # pulled from `pairs`, not yet in a task
        queue: deque[tuple[Any, int, int]] = deque()  # (item, task number or -1, index in the task), in order
        state = {"files": 0, "more": True, "ahead": 0}  # payloads in `look`, `pairs` not ended, tasks ahead
        enough = workers * 4 * chunk  # read ahead this many payloads: the tasks are their full size until the end

        def fill() -> None:
            while state["more"] and state["files"] < enough:
                got = next(pairs, None)
                if got is None:
                    state["more"] = False
                    break
                look.append(got)
                if got[1] is not None:
                    state["files"] += 1

        def send() -> None:
            """Queue tasks until `AHEAD` per worker are ahead, or there is no payload left."""
            fill()
            while state["files"] and (not ahead or state["ahead"] < workers * (self.AHEAD + 1)):
                size = chunk if state["more"] else max(1, min(chunk, state["files"] // (workers * 4)))
                number = self.tasks.count
                payloads: list[Any] = []
                while look and len(payloads) < size:
                    item, payload = look.popleft()
                    if payload is None:
                        queue.append((item, -1, 0))
                        continue
                    queue.append((item, number, len(payloads)))
                    payloads.append(payload)
                state["files"] -= len(payloads)
                self._queue((kind, payloads if kind == _FILES else payloads[0]))
                state["ahead"] += 1
                fill()
            if not state["files"] and not state["more"]:
                while look:  # what follows the last payload
                    queue.append((look.popleft()[0], -1, 0))
                if not ahead:  # the last round's tasks are all written (`exposed`)
                    self.tasks.end()

        def run() -> Iterator[tuple[Any, Any]]:
            import pickle
            import select

            poller = select.poll()
            for _pid, fd in self.workers:
                poller.register(fd, select.POLLIN)
            value: Any = None
            while True:
                send()
                if not queue:
                    while look:  # items with no payload, met before `pairs` ended
                        queue.append((look.popleft()[0], -1, 0))
                        send()
                    if not queue:
                        return
                item, number, at = queue.popleft()
                if number < 0:
                    yield item, None
                    continue
                if at == 0:
                    value = self._outcome(number, poller, pickle.loads, select)
                    state["ahead"] -= 1
                if kind != _FILES:  # (one outcome a task)
                    yield item, value
                    continue
                got, value[at] = value[at], None  # (not kept once given)
                yield item, got

        send()  # the first tasks are queued now
        return run()

    def _outcome(self, number: int, poller: Any, loads: Callable[[bytes], Any], select: Any) -> Any:
        """The outcome of task `number`: read from the workers' pipes as they come (a worker's pipe
        is read whenever it has something: none waits on a full pipe), the rest of the tasks written
        as the workers take them."""
        done, tasks = self.done, self.tasks
        wait = 0  # what is there is read first, even when `number` came earlier: a worker ahead goes on
        while number not in done:
            if not self.workers:  # (each ends only once every task is taken and answered: `_ended`)
                raise RuntimeError("the scan's worker processes ended before every outcome was in")
            writing = bool(tasks.backlog)  # (then the tasks' pipe is waited on too, for room)
            if writing:
                poller.register(tasks.write, select.POLLOUT)
            try:
                events = poller.poll(wait)
            finally:
                if writing:
                    poller.unregister(tasks.write)
            for fd, _event in events:
                if fd == tasks.write:
                    tasks.flush()
                    continue
                message = _read_message(fd)
                if message is None:  # its end: every task taken (`_Tasks.end`), or it died
                    self._ended(fd, poller)
                    if self.broken:  # (the others' pipes are closed: every outcome is in `done`)
                        break
                    continue
                i, ok, value = loads(message)
                done[i] = (ok, value)
                del tasks.sent[i]
            wait = None
        ok, value = done.pop(number)
        if not ok:  # the exception a worker met, with its traceback there
            exc, text = value
            exc.__cause__ = _RemoteTraceback(text)
            raise exc
        return value

    def _ended(self, fd: int, poller: Any) -> None:
        """The worker whose outcomes' pipe is `fd` has ended (its pipe is read to its end): reaped."""
        poller.unregister(fd)
        pid = next(pid for pid, results in self.workers if results == fd)
        self.workers.remove((pid, fd))
        os.close(fd)
        _pid, status = os.waitpid(pid, 0)
        if not (os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0 and self.tasks.write < 0):
            self._lost(status, poller)

    def _lost(self, status: int, poller: Any) -> None:
        """A worker died (`status`) with tasks undone: said on standard error in one line; the other
        workers are stopped (the tasks' pipe may hold half a message the dead one was reading, and its
        lock), what they sent is kept, and every task without an outcome is checked here, as are the
        tasks to come (`_queue`): the scan's outcomes are what the pool would have given."""
        import pickle
        import signal

        if os.WIFSIGNALED(status):
            number = os.WTERMSIG(status)
            try:
                how = f"was killed by {signal.Signals(number).name}"
            except ValueError:
                how = f"was killed by signal {number}"
        else:
            how = f"ended with status {os.waitstatus_to_exitcode(status)}"
        with contextlib.suppress(Exception):
            sys.stderr.write(f"glmlint: a worker process of the scan {how}; the scan goes on in this process "
                             "(nothing is lost)\n")
            sys.stderr.flush()
        for pid, _fd in self.workers:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        for pid, fd in self.workers:  # what they sent whole before they were stopped
            poller.unregister(fd)
            while (message := _read_message(fd)) is not None:
                i, ok, value = pickle.loads(message)
                self.done[i] = (ok, value)
                del self.tasks.sent[i]
            os.close(fd)
            with contextlib.suppress(ChildProcessError):
                os.waitpid(pid, 0)
        self.workers = []
        self.broken = True
        sent, self.tasks.sent = self.tasks.sent, {}
        self.tasks.close()
        keep = self.tasks.keep
        for i in sorted(sent):
            data = sent.pop(i)
            self.done[i] = _task_here(self.state, pickle.loads(data if keep is None else keep.get(data))[1])

    def _queue(self, task: tuple[int, Any]) -> None:
        """Give `task` to the workers; once one died (`_lost`), check it here."""
        if not self.broken:
            self.tasks.send(task)
            return
        number = self.tasks.count
        self.tasks.count += 1
        self.done[number] = _task_here(self.state, task)

    def close(self) -> None:
        import signal

        for pid, _results in self.workers:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGTERM)
        for pid, results in self.workers:
            with contextlib.suppress(ChildProcessError):
                os.waitpid(pid, 0)
            os.close(results)
        self.workers = []
        self.tasks.close()


def _sent(cand: Candidate) -> Any:
    """A candidate as a task carries it to a worker: its four fields (`_received`), or itself when it
    carries a rendered unit's settings."""
    return (cand.path, cand.display, cand.hint, cand.explicit) if cand.options is None and not cand.covers else cand


def _received(sent: Any) -> Candidate:
    return Candidate(*sent) if isinstance(sent, tuple) else sent


_FILES, _EXPOSED, _ROUTED = 0, 1, 2  # a task: (_FILES, [candidates as sent, `_sent`]); (_EXPOSED, one exposed
# file's task); (_ROUTED, some route files with their close files, `_Pool.routed`)
_PIPE_SIZE = 1 << 20  # a worker's outcomes' pipe holds this much before the worker waits for this process
_HEADER = 8  # each message on a pipe: its length (8 bytes, little-endian), then its pickle


def _read_exact(fd: int, n: int) -> bytes | None:
    """`n` bytes from `fd` (None at its end)."""
    data = os.read(fd, n)
    if len(data) == n or not data:
        return data or None
    parts = [data]
    got = len(data)
    while got < n:
        more = os.read(fd, n - got)
        if not more:
            return None
        parts.append(more)
        got += len(more)
    return b"".join(parts)


def _read_message(fd: int) -> bytes | None:
    header = _read_exact(fd, _HEADER)
    if header is None:
        return None
    n = int.from_bytes(header, "little")
    return _read_exact(fd, n) if n else b""  # (None: the message was cut short, as a worker ended)


def _write_all(fd: int, data: bytes | memoryview) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


def _framed(data: bytes) -> bytes:
    return len(data).to_bytes(_HEADER, "little") + data


class _Tasks:
    """The tasks of a pool, on one pipe that every worker takes them from when it is free (its
    messages read whole under a lock: a second pipe holding one byte). This process queues them
    (`send`): what the pipe does not take at once waits in `backlog`, written as the workers take
    tasks (`flush`, when the pipe has room: `_Pool._outcome` waits for that too)."""

    def __init__(self) -> None:
        self.read, self.write = os.pipe()
        with contextlib.suppress(ImportError, AttributeError, OSError):  # (Linux: `_Pool.exposed` queues all)
            import fcntl

            fcntl.fcntl(self.write, fcntl.F_SETPIPE_SZ, _PIPE_SIZE)
        self.lock_read, self.lock_write = os.pipe()
        os.write(self.lock_write, b"\0")
        os.set_blocking(self.write, False)  # (this process's end: `send` never waits)
        self.count = 0  # tasks queued so far (a task's number: its outcome's)
        self.backlog = bytearray()  # what the pipe did not take yet
        self.sent: dict[int, bytes | int] = {}  # each task (pickled) until its outcome is in (`_Pool._lost`)
        # where `sent` keeps the tasks (`get` gives them back), once they wait long for their outcomes: the
        # exposed files' tasks, all queued at once and answered only once this process finished the other
        # files (~2.6 KB each, ~300 at 4x the corpus, where a Service of one copy selects pods of all four)
        self.keep: _Spool | None = None
        self.ending = False  # no more tasks: the pipe is closed once the backlog is written (`end`)

    def send(self, task: Any) -> int:
        """Queue `task`; its number."""
        import pickle

        number = self.count
        self.count += 1
        data = pickle.dumps((number, task), pickle.HIGHEST_PROTOCOL)
        self.sent[number] = data if self.keep is None else self.keep.put(data)
        self.backlog += _framed(data)
        self.flush()
        return number

    def flush(self) -> None:
        """Write what the pipe takes of the backlog now."""
        backlog = self.backlog
        while backlog:
            try:
                written = os.write(self.write, backlog)
            except BlockingIOError:
                return
            except OSError:  # no worker is left to take them (the pool is closing)
                backlog.clear()
                break
            del backlog[:written]
        if self.ending and self.write >= 0:
            os.close(self.write)  # (each worker ends once the pipe is empty: `take` gives None)
            self.write = -1

    def end(self) -> None:
        """No more tasks: the pipe is closed once what is queued is written."""
        self.ending = True
        self.flush()

    def take(self) -> tuple[int, tuple[Any, ...]] | None:
        """In a worker: the next task (None: no more)."""
        import pickle

        if not os.read(self.lock_read, 1):
            return None
        try:
            message = _read_message(self.read)
        finally:
            os.write(self.lock_write, b"\0")
        return None if message is None else pickle.loads(message)

    def forked(self) -> None:
        """In this process, once the workers are forked: only they read the tasks."""
        for fd in (self.read, self.lock_read, self.lock_write):
            os.close(fd)
        self.read = self.lock_read = self.lock_write = -1

    def in_worker(self) -> None:
        os.close(self.write)

    def close(self) -> None:
        self.backlog.clear()
        for fd in (self.read, self.write, self.lock_read, self.lock_write):
            if fd >= 0:
                os.close(fd)
        self.read = self.write = self.lock_read = self.lock_write = -1


def _fork_worker(state: _State, tasks: _Tasks, others: list[tuple[int, int]]) -> tuple[int, int]:
    """A worker process: it takes tasks until there are no more, sending each one's outcome."""
    results, out = os.pipe()
    with contextlib.suppress(ImportError, AttributeError, OSError):  # (Linux: a worker ahead waits less)
        import fcntl

        fcntl.fcntl(out, fcntl.F_SETPIPE_SZ, _PIPE_SIZE)
    for stream in (sys.stdout, sys.stderr):  # (what this process buffered is written once, by it)
        with contextlib.suppress(Exception):
            stream.flush()
    try:
        pid = os.fork()
    except BaseException:
        os.close(results)
        os.close(out)
        raise
    if pid:
        os.close(out)
        return pid, results
    status = 1
    try:
        os.close(results)
        for _pid, fd in others:  # (the other workers' pipes: their end is seen when they end)
            os.close(fd)
        with contextlib.suppress(OSError):  # (a renderer the worker runs reads no input of the user's)
            null = os.open(os.devnull, os.O_RDONLY)
            os.dup2(null, 0)
            os.close(null)
        tasks.in_worker()
        _serve(state, tasks, out)
        status = 0
    except (KeyboardInterrupt, BrokenPipeError, SystemExit):
        pass  # interrupted, or the pool closed
    except BaseException:  # noqa: BLE001 - the parent reports that a worker ended; here is why
        with contextlib.suppress(Exception):
            import traceback

            os.write(2, traceback.format_exc().encode("utf-8", "replace"))
    finally:
        os._exit(status)


def _serve(state: _State, tasks: _Tasks, out: int) -> None:
    import pickle

    _init_worker(state)
    while (task := tasks.take()) is not None:
        number, (kind, payload) = task
        try:
            data = pickle.dumps((number, True, _task(kind, payload)), pickle.HIGHEST_PROTOCOL)
        except Exception as exc:  # noqa: BLE001 - raised in the parent, as a serial scan raises it
            data = pickle.dumps((number, False, _portable(exc)), pickle.HIGHEST_PROTOCOL)
        _write_all(out, _framed(data))


def _task(kind: int, payload: Any) -> Any:
    """What a task's outcome is (in a worker, or in this process as one)."""
    if kind == _ROUTED:
        from glmlint.link import routed_through

        return routed_through(payload, _close_text)
    return [_check_one(_received(c)) for c in payload] if kind == _FILES else _check_exposed(payload)


def _close_text(key: tuple[int, str, str | None]) -> str:
    """The text of a route file's close file as `_Pool.routed` sends it: (its number, its path on disk,
    its text when the scan kept it, else None: read from disk as `CheckedFile.text` reads it)."""
    return key[2] if key[2] is not None else _disk_text(key[1])


def _task_here(state: _State, task: tuple[int, Any]) -> tuple[bool, Any]:
    """`task` checked in this process as a worker checks it (`_serve`): (True, its outcome), or
    (False, the exception it raised and its traceback)."""
    global _WORKER
    saved, _WORKER = _WORKER, state
    try:
        return True, _task(*task)
    except Exception as exc:  # noqa: BLE001 - raised when its outcome is asked for, as a worker's
        return False, _portable(exc)
    finally:
        _WORKER = saved


def _portable(exc: Exception) -> tuple[Exception, str]:
    """`exc` as the parent can unpickle it, and the worker's traceback."""
    import pickle
    import traceback

    text = "".join(traceback.format_exception(exc))
    try:
        pickle.loads(pickle.dumps(exc, pickle.HIGHEST_PROTOCOL))
    except Exception:  # noqa: BLE001
        exc = RuntimeError(f"{type(exc).__name__}: {exc}")
    return exc, text


class _RemoteTraceback(Exception):
    def __str__(self) -> str:
        return "\n\n" + "".join(self.args) if self.args else ""


def _warm(files: list[Candidate], state: _State) -> None:
    """Before the pool forks: check the first file of each kind here, its findings dropped, so that
    what a worker would import and load at its first file of that kind (the parser, tree-sitter's
    grammar, the catalogs the rules read: ~40 ms of CPU) is loaded once and inherited, rather than
    once in every worker. Only caches keyed by what they hold stay filled."""
    global _WORKER
    kinds: dict[str, Candidate] = {}
    for cand in files:
        if cand.hint not in kinds and cand.hint not in RENDERED and cand.path != "-":
            kinds[cand.hint] = cand
    saved, _WORKER = _WORKER, _State(state.rules, state.max_bytes, state.fix_edits, state.files, state.root,
                                     state.keep_ir)
    try:
        for cand in kinds.values():
            try:
                _check_one(cand)
            except Exception:  # noqa: BLE001 - a worker meets (and reports) it again
                pass
    finally:
        _WORKER = saved


class _InProcess:
    """Stage 2's two rounds in this process, each file checked as a worker checks it (`_check_one`,
    `_check_exposed`): nothing of a file but its `CheckedFile` and findings stays once they are out."""

    def __init__(self, files: list[Candidate], state: _State) -> None:
        self.state = state
        self.pump = _pump_builds(files)  # the overlays' builds started ahead go on meanwhile

    def outcomes(self, items: Iterator[Any], config: Config | None) -> Iterator[tuple[Any, _Outcome | None]]:
        """Each item of `items` (a candidate, or a path that cannot be walked) with its outcome, in
        order (None: not a file to check, or excluded)."""
        global _WORKER
        import gc

        saved, _WORKER = _WORKER, self.state
        # the collector as in a pool worker (`WORKER_GC_THRESHOLD`): each file's IR is freed by
        # reference counting once its outcome is out; at the parent's threshold a large file's IR,
        # alive while it is checked, was walked by ~12 young collections (~5% of a serial scan)
        threshold = gc.get_threshold()
        gc.set_threshold(max(threshold[0], WORKER_GC_THRESHOLD), *threshold[1:])
        try:
            for item in items:
                if isinstance(item, tuple) or _excluded(item, config):
                    yield item, None
                    continue
                if self.pump is not None:
                    self.pump()
                yield item, _check_one(item)
        finally:
            _WORKER = saved
            gc.set_threshold(*threshold)

    def exposed(self, tasks: Iterable[tuple[Candidate, bool, list[Any], Any]],
                spool: _Spool | None = None) -> Iterator[_Outcome | None]:
        """Each file checked again when its outcome is asked for (`_finish_pooled` reads them in order,
        once the other files are finished): one file's IR and findings at a time, not every exposed
        file's outcome at once (at 4x the corpus through symlinks, ~300 files: 2 MB at the serial scan's
        peak). (`spool`: nothing is queued, nothing kept.)"""
        global _WORKER
        for task in tasks:
            saved, _WORKER = _WORKER, self.state
            try:
                got = _check_exposed(task)
            finally:
                _WORKER = saved
            yield got

    def close(self) -> None:
        self.state = None  # type: ignore[assignment]


def _in_process(files: list[Candidate], state: _State) -> _InProcess:
    state.index_dockerfiles()  # (the compose files this process links find them there)
    return _InProcess(files, state)


def _finish_pooled(report: Report, checked: dict[int, tuple[Any, ...]], rounds: _Pool | _InProcess,
                   max_bytes: int, fix_edits: bool,
                   fixes: dict[tuple[Any, ...], Any] | None = None, early: Any = None,
                   waits: set[str] | frozenset[str] = frozenset(), spool: _Spool | None = None,
                   rbac: _ParkedRBAC | None = None) -> PerSource:
    """Once every file is in: link what needs the whole scan and rebuild the workers' results; per
    source, in order. The scan-wide rules (GLM044) ran in the workers with each file's pods as
    parsed: what they found stands for a file none of whose pods links to a binding or
    ServiceAccount of the scan (`link.links`, from the pods' keys: the link would leave them as
    they are). The others' pods (kept pickled by a lean scan, `_pickled`, in `spool`) are linked and checked
    here; the files a LoadBalancer/NodePort Service of another file selects are read again and
    checked by the workers (`_check_exposed`, `rounds.exposed`), linked with what of the cluster
    their pods link to, while this process goes on. `fixes`: a lean scan (`scan(lean=True)`): its
    fixes, one of each; the linked IR is not kept; `rbac`: its RBAC objects, parked (`_ParkedRBAC`)."""
    import pickle

    from glmlint.ir import LIMIT_RANGE, label_keys
    from glmlint.link import (cluster_of, exposed_elsewhere, exposures, foreign, forget, link_pods, linked_pods,
                               links, stamp)

    rules = report.rules
    # (None: a lean scan's file that was done as it came in, `_done`: no pods, no pod labels)
    entries = [checked.pop(id(s), None) if s.__class__ is not _Quiet else None for s in _kept(report.sources)]
    prepared: list[Any] = []  # (cluster, the files whose pods link to something of it)

    def prepare() -> None:
        """What of the link does not depend on the Services: the cluster, and the files whose pods link
        to something of it (`links`; those a Service of another file exposes are checked again anyway)."""
        if prepared:
            return
        # (a lean scan's RBAC objects are parked: what its pods may link to is taken back)
        cluster = cluster_of(report.sources) if rbac is None else rbac.cluster(_kept(report.sources), entries)
        linking = set()
        if cluster is not None:
            for i, entry in enumerate(entries):
                if entry is None:
                    continue
                keys = entry.keys if isinstance(entry, _Parked) else entry[4][2] if entry[4] is not None else None
                if keys is not None and any(links(cluster, name, ns, report.sources[i].path) for name, ns in keys):
                    linking.add(i)
        prepared.extend((cluster, linking))

    # (a pool's workers read and compose the files close to a route file, `_Pool.routed`, while this
    # process prepares the link: `prepare`)
    services = exposures(report.sources, (lambda plan: rounds.routed(plan, prepare))  # type: ignore[union-attr]
                         if isinstance(rounds, _Pool) else None)
    prepare()
    cluster, linking = prepared

    # (`_Parked.entry`; a `_JudgedParked`'s findings were judged in its worker: `JudgedResult`s)
    how, judged_how = (spool, rules, fixes, False), (spool, rules, fixes, True)

    def unparked(i: int) -> tuple[Any, ...]:
        entry = entries[i]
        if not isinstance(entry, _Parked):
            return entry
        return entry.entry(report.sources[i], judged_how if entry.__class__ is _JudgedParked else how)

    # the files a Service of another file selects a pod of (each Service looked up by its first label)
    recheck = {i for i, src in enumerate(_kept(report.sources)) if src.pod_labels and exposed_elsewhere(src, services)}
    # the files a Service of another file exposes: checked again by the workers, with their pods as
    # linked here (their grants name only the bindings and roles they link to: not the cluster), first:
    # the workers check them while this process finishes the other files. The tasks are a generator:
    # each is made as it is checked (`_InProcess.exposed`) or, in a pool, as it is written to the
    # workers (`_Pool.exposed`), not all first (at 4x the corpus through symlinks, ~300 files' linked
    # pods and Services)
    again = sorted(recheck)
    relink = linking - recheck  # the files whose pods link to something of the cluster: checked again here
    later: Iterator[tuple[int, _Outcome | None]] = iter(())
    if again:
        # as `link_services` exposes them: every Service of another file, stamped with its file (those
        # that select none of the file's pods left out: `expose` adds only the ones that select)
        stamped = [(path, stamp(e, path)) for path, e in services]
        # each by what a pod it selects has (`Exposure.selects`): a LimitRange by its namespace, the others
        # by their selector's first label (`Exposure.index_label`, as `exposed_elsewhere` looks them up),
        # so that a file's are looked up, not every Service of the scan asked about each file's pods
        by_key: dict[tuple[str, str | None], list[int]] = {}
        for k, (_path, e) in enumerate(stamped):
            if e.kind == LIMIT_RANGE or e.selector:
                by_key.setdefault((LIMIT_RANGE, e.namespace) if e.kind == LIMIT_RANGE else e.index_label,
                                  []).append(k)
        # (what of each entry the tasks read: the loop below drops the entries)
        kept = [(i, entry[0], entry[4][3] if entry[4] is not None else None)
                for i, entry in ((i, unparked(i)) for i in again)]

        def tasks() -> Iterator[tuple[Candidate, bool, list[Any], Any]]:
            for i, cand, frozen in kept:
                src = report.sources[i]
                pods = pickle.loads(spool.get(frozen)) if frozen is not None else list(src.pods)  # type: ignore[union-attr]
                near: set[int] = set()
                for ns, labels in src.pod_labels:
                    near.update(by_key.get((LIMIT_RANGE, ns), ()))
                    for label in label_keys(labels):
                        near.update(by_key.get(label, ()))
                others = [e for path, e in (stamped[k] for k in sorted(near))  # (in the scan's order)
                          if any(e.selects(ns, labels) for ns, labels in src.pod_labels) and foreign(path, e, src.path)]
                yield cand, True, others, linked_pods(pods, src.path, cluster)

        later = zip(again, rounds.exposed(tasks(), spool))
    else:
        rounds.exposed(())  # (no file to check again: a pool's workers end now, `_Pool.exposed`)
    if fixes is None:
        # not a lean scan: the Dockerfiles compose files here build keep their IR, for their fixes
        # (the compose files came back linked, with theirs), and those the scan was not given are linked
        images = set().union(*(wanted(s) for s in report.sources if s.format is Format.COMPOSE))
        if images:
            for i, entry in enumerate(entries):
                cand, got = entry[0], report.sources[i]
                if got.format is Format.DOCKERFILE and got.disk_path and image_key(got.disk_path) in images:
                    full = read_source(cand, max_bytes)
                    if isinstance(full, SourceFile):
                        report.sources[i] = slimmed(full, keep_ir=True) if full.workloads else full
            report.linked = unscanned_images(report.sources, report.root, max_bytes)
    scan_wide = [r for r in rules if r.scan_wide]
    under = (os.path.join(report.root, ""),)  # (`DoneFile.of`)
    out: PerSource = []
    for i, (source, entry) in enumerate(zip(_kept(report.sources), entries)):
        if entry is None:
            out.append(None)
            continue
        cand, packed, problems, _linked, tentative = unparked(i)
        entries[i] = None  # type: ignore[call-overload]
        results = packed  # unpacked as it came (`_check_pooled`), or when gathered (a parked file's `_Rows`)
        if i in recheck:
            out.append((results, problems))  # type: ignore[arg-type]  # completed below
            continue
        lean_pods = i in relink and tentative[3] is not None  # type: ignore[index]
        if lean_pods:
            source.pods = pickle.loads(spool.get(tentative[3]))  # type: ignore[index,union-attr]
        link_pods(source, cluster)  # the pods a file kept (a rendered chart or overlay; all but a lean scan)
        if tentative is not None and i not in relink:  # what the scan-wide rules found in its worker stands
            linked, more = tentative[0], tentative[1]  # (unpacked as it came, `_check_all`)
        elif scan_wide and source.pods:
            linked, more = run_rules(source, scan_wide)
            # a fix's edits judged again from what its worker's re-parse gave (`fix.engine.rejudged`)
            judged = (_rejudged(linked, tentative[4], source, fix_edits)
                      if fix_edits and linked and tentative is not None and tentative[4] is not None
                      and cand.hint not in RENDERED else None)
            if judged is not None:
                linked = judged
            elif linked and (cand.hint in RENDERED or (fix_edits and any(r.fix is not None for r in linked))):
                # a rendered chart's findings move to its templates, and a fix's edits are verified
                # against the whole file: read it again here (rare: only files these rules report)
                full = read_source(cand, max_bytes)
                if isinstance(full, SourceFile):
                    link_pods(full, cluster)
                    linked, more = run_rules(full, scan_wide, fix_edits)
            if fixes is not None:
                linked = _lean(linked, fixes)
            if lean_pods:
                source.pods = ()  # type: ignore[assignment]  # (not kept: a lean scan)
        else:
            out.append((results, problems))  # type: ignore[arg-type]
            if fixes is not None:
                report.sources[i] = DoneFile.of(source, under, linked=True)
            continue
        if early is not None and cand.display not in waits and cand.hint not in RENDERED:
            linked = _judged(early, source, linked)
        # (most files' scan-wide rules found nothing: their lists as they are, no copy of each made here)
        out.append((results if not linked else [*results, *linked],  # type: ignore[arg-type]
                    problems if not more else [*problems, *more]))
        if fixes is not None:
            report.sources[i] = DoneFile.of(source, under, linked=True)
    for i, got in later:  # the files a Service of another file exposes, checked again by the workers
        source = report.sources[i]
        if early is not None:
            early.forget(source.path)  # its findings as its worker found them, decided about above
        if got is None:  # it no longer reads: checked as kept
            found, problems = run_rules(source, rules, fix_edits)
            out[i] = (_lean(found, fixes) if fixes is not None else found, problems)
            continue
        report.sources[i], rows, problems, _linked, _, judged = got  # type: ignore[assignment,misc]
        if judged is not None:  # judged in its worker (`_check_exposed`): what that decided, taken
            early.take(source.path, judged)
        out[i] = (_unpacked(rows, rules, source.path, fixes, judged=judged is not None), problems)  # type: ignore[arg-type]
        if fixes is not None:
            report.sources[i] = DoneFile.of(report.sources[i], under, linked=True)
    if fixes is not None:  # a lean scan: the link is done, and nothing after it reads the cluster objects
        forget()  # (the link's lookup table of the files' directories)
        for source in _kept(report.sources):
            if isinstance(source, CheckedFile):
                source.roles = source.bindings = source.accounts = source.services = ()  # type: ignore[assignment]
                source.pods = ()  # type: ignore[assignment]
                source._labels = None
    return out
