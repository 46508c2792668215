"""Kustomize overlays: built with `kustomize build` or `kubectl kustomize`, findings mapped to their files.

An overlay is built through a wrapper kustomization in a temporary directory
that names it as its only resource and asks Kustomize to record each
resource's origin (`buildMetadata: [originAnnotations]`): the user's files are
never touched. A finding in the built stream is moved to the same key path in
the resource file the object came from, or, when a patch set the value, to
the patch.
"""
from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from typing import Any

from glmlint.helm import RenderError
from glmlint.records import dataclass, field
from glmlint.rendered import Node, Place, Rendered, YamlFiles, display_path, find, longest, place

FILES = ("kustomization.yaml", "kustomization.yml", "Kustomization")
_ORIGIN = "config.kubernetes.io/origin"


def kustomization_file(directory: str) -> str | None:
    for name in FILES:
        path = os.path.join(directory, name)
        if os.path.isfile(path):
            return path
    return None


@dataclass
class HelmChart:
    """A `helmCharts:` entry: the chart Kustomize renders with `helm template`, and its values files."""

    index: int  # its place in the list (`valuesInline` is at `helmCharts[index].valuesInline`)
    name: str
    directory: str  # where the chart is: `<chartHome>/<name>` (absolute; chartHome `charts` unless set)
    values: list[str] = field(default_factory=list)  # `valuesFile`, then `additionalValuesFiles` (absolute)
    line: int = 0  # the line of its `name:`


@dataclass
class Kustomization:
    """What one kustomization file names: local files and directories, and patch files."""

    path: str
    kind: str = "Kustomization"
    files: list[str] = field(default_factory=list)  # resource files (absolute)
    dirs: list[str] = field(default_factory=list)  # kustomization directories it builds on (absolute)
    patches: list[str] = field(default_factory=list)  # patch files (absolute): strategic merge or JSON 6902
    inline: list[tuple[int, str]] = field(default_factory=list)  # inline patches: (line of the text, text)
    # the `target` (kind, name) of each patch given with one, by patch file or inline patch line
    targets: dict[Any, tuple[str, str]] = field(default_factory=dict)
    helm_charts: int = 0  # the line of its `helmCharts:` (charts Kustomize renders with `helm`), or 0
    charts: list[HelmChart] = field(default_factory=list)  # its `helmCharts:` entries
    refs: dict[str, int] = field(default_factory=dict)  # each `resources`/`bases`/`components` entry: its line
    # its `images:` entries: (image name, {field: (line, column)} of `name`, `newName`, `newTag`, `digest`)
    images: list[tuple[str, dict[str, tuple[int, int]]]] = field(default_factory=list)
    # it changes the objects it builds on (patches, `images:`, `replacements:`, components): what it deploys
    # is not what the kustomization it builds on deploys
    changes: bool = False
    # its `namePrefix` and `nameSuffix` ("" when not set): the names of what it builds, once its patches ran
    affixes: tuple[str, str] = ("", "")


def read(directory: str) -> Kustomization | None:
    """The kustomization in `directory`, or None (none there, or unreadable: the build will say why)."""
    path = kustomization_file(directory)
    if path is None:
        return None
    from glmlint.parsers import yamlnodes as y

    try:
        with open(path, encoding="utf-8") as fh:
            docs = y.compose_all(fh.read())
    except (OSError, UnicodeDecodeError, y.YamlError):
        return Kustomization(path)
    doc = docs[0] if docs else None
    k = Kustomization(path, y.text(y.get(doc, "kind")) or "Kustomization")
    k.changes = y.is_map(doc) and any(y.items(y.get(doc, key)) for key in _CHANGES)
    k.affixes = (y.text(y.get(doc, "namePrefix")) or "", y.text(y.get(doc, "nameSuffix")) or "")
    for entry in y.items(y.get(doc, "images")):
        name = y.text(y.get(entry, "name"))
        if name and y.is_map(entry):
            k.images.append((name, {key: (v.start_mark.line + 1, v.start_mark.column + 1)
                                    for key, (_k, v) in y.entries(entry).items()}))
    charts = y.entries(doc).get("helmCharts") if y.is_map(doc) else None
    if charts is not None and y.items(charts[1]):
        k.helm_charts = charts[0].start_mark.line + 1
        home = os.path.join(directory, y.text(y.get(doc, "helmGlobals", "chartHome")) or "charts")
        for index, entry in enumerate(y.items(charts[1])):
            name = y.text(y.get(entry, "name")) if y.is_map(entry) else None
            if not name:
                continue
            files = [y.text(y.get(entry, "valuesFile")) or ""] + \
                [y.text(f) or "" for f in y.items(y.get(entry, "additionalValuesFiles"))]
            k.charts.append(HelmChart(index, name, os.path.normpath(os.path.join(home, name)),
                                      [os.path.normpath(os.path.join(directory, f)) for f in files
                                       if f and "://" not in f], y.get(entry, "name").start_mark.line + 1))
    for key in ("resources", "bases", "components"):
        for item in y.items(y.get(doc, key)):
            ref = y.text(item)
            if ref and item is not None:
                k.refs.setdefault(ref, item.start_mark.line + 1)
            if not ref or "://" in ref or ref.startswith(("github.com/", "git@", "gitlab.com/")) or "?ref=" in ref:
                continue  # a remote resource: Kustomize fetches it, glmlint cannot map into it
            full = os.path.normpath(os.path.join(directory, ref))
            if os.path.isdir(full):
                k.dirs.append(full)
            elif os.path.isfile(full):
                k.files.append(full)
    for item in y.items(y.get(doc, "patches")) + y.items(y.get(doc, "patchesStrategicMerge")) + \
            y.items(y.get(doc, "patchesJson6902")):
        inline = y.get(item, "patch") if y.is_map(item) else None
        target = (y.text(y.get(item, "target", "kind")) or "", y.text(y.get(item, "target", "name")) or "") \
            if y.is_map(item) else ("", "")
        if y.is_scalar(inline):
            k.inline.append((inline.start_mark.line + 1, inline.value))
            k.targets[inline.start_mark.line + 1] = target
        ref = y.text(y.get(item, "path")) if y.is_map(item) else y.text(item)
        if ref and "\n" not in ref:
            full = os.path.normpath(os.path.join(directory, ref))
            if os.path.isfile(full):
                k.patches.append(full)
                k.targets[full] = target
    return k


_CHANGES = ("patches", "patchesStrategicMerge", "patchesJson6902", "images", "replacements", "components")


def command() -> list[str] | None:
    """How to build an overlay here: `kustomize build`, else `kubectl kustomize`, else None."""
    if (kz := shutil.which("kustomize")) is not None:
        return [kz, "build"]
    if (kubectl := shutil.which("kubectl")) is not None:
        return [kubectl, "kustomize"]
    return None


TIMEOUT = 120  # seconds one build may take


def _environment(wrap: str = "") -> dict[str, str]:
    """The renderer's environment: ours, with the Go collector less eager (GOGC=200 unless the user
    set GOGC): a build is a short process whose start-up allocates a lot, and collecting half as often
    saves about a fifth of its CPU (docs/benchmarks.md). Output does not depend on it. `helm template`
    as glmlint answers it (`glmlint.helmcommand`) records what it rendered in the build's wrapper
    directory `wrap`."""
    env = dict(os.environ)
    env.setdefault("GOGC", "200")
    if wrap:
        env["GLMLINT_HELM_RECORD"] = os.path.join(wrap, _RECORD)
    return env


_RECORD = "glmlint-helm.jsonl"  # in a build's wrapper directory: the charts `helm template` rendered


def _wrapper(directory: str, wrap: str) -> None:
    rel = os.path.relpath(directory, wrap)
    with open(os.path.join(wrap, "kustomization.yaml"), "w", encoding="utf-8") as fh:
        fh.write(f"resources:\n  - {_quote(rel)}\nbuildMetadata: [originAnnotations]\n")


def build(directory: str, root: str) -> Rendered:
    """Build the overlay in `directory`; each document knows the file it came from. A build started
    ahead (`Ahead`, a scan's overlays at once) is taken from there."""
    cmd = command()
    if cmd is None:
        raise RenderError("no Kustomize renderer: put `kustomize` or `kubectl` on PATH "
                          "(or set `render = false` in the configuration to skip overlays)")
    directory = os.path.abspath(directory)
    _needs_helm(directory)
    ahead = _AHEAD.take(directory, cmd) if _AHEAD is not None else None
    if ahead is not None:
        returncode, stdout, stderr, wrap, records = ahead
    else:
        with tempfile.TemporaryDirectory(prefix="glmlint-kustomize-") as wrap:
            _wrapper(directory, wrap)
            try:
                done = subprocess.run([*cmd, *_flags(directory, wrap), wrap], capture_output=True, text=True,
                                      timeout=TIMEOUT, check=False, env=_environment(wrap))
            except (OSError, subprocess.TimeoutExpired) as exc:
                raise RenderError(f"`{' '.join(cmd)}` failed: {exc}") from None
            returncode, stdout, stderr = done.returncode, done.stdout, done.stderr
            records = _records(wrap)
    if returncode != 0:
        helm_failed = _helm_failure(stderr, wrap, directory, root)
        if helm_failed is not None:
            raise helm_failed
        message = _error(stderr, wrap, directory, root) or f"`{' '.join(cmd)}` exited {returncode}"
        raise RenderError(message, *_entry(directory, message))
    return _stream(stdout, wrap, directory, root, records)


def _helm_charts(directory: str) -> Kustomization | None:
    """The kustomization in the build of `directory` that has `helmCharts:`, if any."""
    return next((k for k in _chain(directory) if k.helm_charts), None)


def _can_render_charts() -> bool:
    """Whether `helm template` can be answered here: the `helm` binary, or Helm's SDK (imported only
    by the command Kustomize runs)."""
    import importlib.util

    return shutil.which("helm") is not None or importlib.util.find_spec("helm_python") is not None


def _flags(directory: str, wrap: str) -> list[str]:
    """For a build with `helmCharts:`, `--enable-helm` and glmlint as its `helm` (`--helm-command`: a
    script in the wrapper directory running `glmlint.helmcommand`, which renders as `glmlint check`
    renders a chart and records what it rendered); else nothing (`_needs_helm` says why a build with
    `helmCharts:` cannot be done)."""
    if _helm_charts(directory) is None or not _can_render_charts():
        return []
    import sys

    shim = os.path.join(wrap, "helm")
    with open(shim, "w", encoding="utf-8") as fh:
        fh.write("#!/bin/sh\nexec " + _sh_quote(sys.executable) + ' -m glmlint.helmcommand "$@"\n')
    os.chmod(shim, 0o755)
    return ["--enable-helm", "--helm-command", shim]


def _sh_quote(word: str) -> str:
    return "'" + word.replace("'", "'\\''") + "'"


def _needs_helm(directory: str) -> None:
    """Refuse, in one line at the `helmCharts:` line, a build Kustomize cannot do without `helm`, and at
    the entry's line one whose chart is not local when only Helm's SDK is here (it renders, never pulls)."""
    k = _helm_charts(directory)
    if k is None:
        return
    if not _can_render_charts():
        raise RenderError("its `helmCharts:` are rendered by Kustomize with `helm template`, and neither the `helm` "
                          "binary nor Helm's SDK (`pip install 'glmlint[helm]'`) is here; install one to check them",
                          k.path, k.helm_charts)
    if shutil.which("helm") is not None:
        return  # Kustomize pulls a chart that is not local with it
    for c in _chain(directory):
        for chart in c.charts:
            if not os.path.isfile(os.path.join(chart.directory, "Chart.yaml")):
                home = os.path.dirname(chart.directory)
                raise RenderError(f"the chart `{chart.name}` is not in `{os.path.relpath(home, os.path.dirname(c.path))}/` "
                                  "and Kustomize would pull it with the `helm` binary, which is not on PATH (Helm's "
                                  "SDK renders local charts only); `helm pull --untar --untardir "
                                  f"{os.path.relpath(home, os.path.dirname(c.path))}` it there, or install Helm",
                                  c.path, chart.line)


def _records(wrap: str) -> list[dict[str, Any]]:
    """What `helm template` rendered during a build (`glmlint.helmcommand`), one record per chart."""
    import json

    try:
        with open(os.path.join(wrap, _RECORD), encoding="utf-8") as fh:
            return [json.loads(line) for line in fh if line.strip()]
    except (OSError, ValueError):
        return []


class Ahead:
    """Overlay builds started before the scan reaches them, `jobs` renderer processes at a time.

    A serial scan would otherwise wait for each `kubectl kustomize` in turn (about
    50 ms of CPU each, mostly the binary's start-up) while the other cores idle.
    Each build writes to unnamed temporary files (no reader threads, so nothing
    is left running when a pool forks); `pump()` starts more as others end, and
    `take()` waits for one and gives what `subprocess.run` would have: the exit
    status, standard output and error as text, and the wrapper directory's path
    (its name appears in Kustomize's messages). Builds not taken are ended by
    `close()`.
    """

    def __init__(self, directories: list[str], jobs: int) -> None:
        self.cmd = command()
        self.queue = list(dict.fromkeys(os.path.abspath(d) for d in directories)) if self.cmd else []
        self.jobs = max(1, jobs)
        self.running: dict[str, tuple[Any, ...]] = {}
        self.pump()

    def _start(self, directory: str) -> None:
        assert self.cmd is not None
        wrap = tempfile.TemporaryDirectory(prefix="glmlint-kustomize-")
        out, err = tempfile.TemporaryFile(), tempfile.TemporaryFile()
        try:
            _wrapper(directory, wrap.name)
            proc: Any = subprocess.Popen([*self.cmd, *_flags(directory, wrap.name), wrap.name], stdout=out, stderr=err,
                                         stdin=subprocess.DEVNULL, env=_environment(wrap.name))
        except OSError as exc:
            proc = exc  # raised by take(), as subprocess.run would have
        self.running[directory] = (proc, wrap, out, err, time.monotonic())

    def pump(self) -> None:
        """Start queued builds while fewer than `jobs` run (and not too many wait to be taken: each
        holds two open files)."""
        active = sum(1 for proc, *_ in self.running.values() if isinstance(proc, subprocess.Popen) and proc.poll() is None)
        while self.queue and active < self.jobs and len(self.running) < 4 * self.jobs:
            self._start(self.queue.pop(0))
            active += 1

    def take(self, directory: str, cmd: list[str]) -> tuple[int, str, str, str, list[dict[str, Any]]] | None:
        """The finished build of `directory`, or None when it was not started ahead (build it now)."""
        job = self.running.pop(directory, None)
        if job is None or cmd != self.cmd:
            return None
        proc, wrap, out, err, started = job
        try:
            if isinstance(proc, OSError):
                raise RenderError(f"`{' '.join(cmd)}` failed: {proc}") from None
            try:
                proc.wait(timeout=max(0.0, TIMEOUT - (time.monotonic() - started)))
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
                exc = subprocess.TimeoutExpired(proc.args, TIMEOUT)
                raise RenderError(f"`{' '.join(cmd)}` failed: {exc}") from None
            return proc.returncode, _text(out), _text(err), wrap.name, _records(wrap.name)
        finally:
            out.close()
            err.close()
            wrap.cleanup()
            self.pump()

    def close(self) -> None:
        """End the builds nobody took, and remove their files."""
        self.queue.clear()
        for proc, wrap, out, err, _ in self.running.values():
            if isinstance(proc, subprocess.Popen):
                if proc.poll() is None:
                    proc.kill()
                proc.wait()
            out.close()
            err.close()
            wrap.cleanup()
        self.running.clear()


def _text(fh: Any) -> str:
    """A build's output file as `subprocess.run(text=True)` reads a pipe: the locale's encoding,
    universal newlines."""
    import io

    fh.seek(0)
    return io.TextIOWrapper(io.BytesIO(fh.read())).read()


_AHEAD: Ahead | None = None  # the scan's builds started ahead (set by `ahead()`)


def pump() -> None:
    """Let the builds started ahead go on (start the next ones as others end): call it often."""
    if _AHEAD is not None:
        _AHEAD.pump()


@contextlib.contextmanager
def ahead(directories: list[str], jobs: int) -> Iterator[None]:
    """Within the block, `build()` takes these overlays' builds, started `jobs` at a time from now."""
    global _AHEAD
    if not directories or _AHEAD is not None or command() is None:
        yield
        return
    _AHEAD = Ahead(directories, jobs)
    try:
        yield
    finally:
        builds, _AHEAD = _AHEAD, None
        builds.close()


def _entry(directory: str, message: str) -> tuple[str | None, int]:
    """The kustomization file and line of the `resources:` (`bases:`, `components:`) entry a build
    error names (`resource `../../base`: …`), outermost first; else (None, 0)."""
    import re

    m = re.match(r"resource `([^`]+)`", message)
    if m is None:
        return None, 0
    for k in _chain(directory):
        line = k.refs.get(m.group(1))
        if line:
            return k.path, line
    return None, 0


def _helm_failure(stderr: str, wrap: str, directory: str, root: str) -> RenderError | None:
    """A build that failed because `helm template`, run as glmlint answers it (the wrapper directory's
    `helm`), refused a `helmCharts:` chart: Helm's own error (what `glmlint.helmcommand` wrote after
    `Error: `), at the template line it names, else at the entry's `name:` line; or None.

    Kustomize prefixes the command's standard error to its own `unable to run: '<helm> <args>' with
    env=[...] (is '<helm>' installed?): exit status 1` (kustomize api/internal/builtins/
    HelmChartInflationGenerator.go `runHelmCommand`, at 921c5b0df208082fd23069c4f8be3912c9e00255), whose
    question does not apply: glmlint's own command ran and said why."""
    import re

    shim = os.path.join(wrap, "helm")
    text = " ".join(ln.strip() for ln in stderr.splitlines())
    m = re.search(re.escape(f": unable to run: '{shim} ") + r"template (\S+) (\S+)", text)
    if m is None:
        return None
    said = text[:m.start()]
    at = said.rfind("Error: ")
    if at < 0:
        return None
    message = said[at + len("Error: "):].strip().rstrip(":").strip()
    chart_dir = os.path.normpath(m.group(2))
    k, entry = next(((k, c) for k in _chain(directory) for c in k.charts
                     if os.path.normpath(c.directory) == chart_dir), (None, None))
    from glmlint import helm

    located = helm.located(message, chart_dir)
    for path in (chart_dir, directory):
        message = message.replace(path + os.sep, display_path(path, root) + "/")
    name = entry.name if entry is not None else os.path.basename(chart_dir)
    message = f"its `helmCharts` chart `{name}` does not render: {message}"
    if located.path is not None:
        return RenderError(message, located.path, located.line)
    return RenderError(message, k.path if k is not None else None, entry.line if entry is not None else 0)


def _quote(path: str) -> str:
    return '"' + path.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _error(stderr: str, wrap: str, directory: str, root: str) -> str:
    """Kustomize's error in one line: its innermost cause, paths as reports show them."""
    import re

    lines = [ln.strip() for ln in stderr.splitlines() if ln.strip()]
    if not lines:
        return ""
    block = re.search(r"err=<\n(.*?)\n\s*>", stderr, re.S)  # klog's multi-line form: err=<\n\t...\n >
    msg = " ".join(ln.strip() for ln in block.group(1).splitlines() if ln.strip()) if block else \
        next((ln for ln in lines if "err=" in ln), lines[-1])
    if 'err="' in msg:
        msg = msg.split('err="', 1)[1].rstrip('"')
    msg = msg.replace("\\'", "'").replace('\\"', '"').removeprefix("Error: ")
    inner = msg.split("accumulation err='")[-1]
    m = re.match(r"accumulating resources from '([^']*)': (.*)", inner, re.S)
    if m is not None:
        ref, rest = m.group(1), m.group(2)
        rest = re.split(r"'?: must build at directory|': couldn't make target for path '[^']*': ", rest)[-1 if "couldn't make target" in rest else 0]
        fetch = re.search(r"failed to run '([^']*)': (.*?)(?:'?: exit status \d+)?\s*$", m.group(2), re.S)
        if fetch is not None:  # a remote resource Kustomize could not fetch
            rest = f"cannot fetch it (`{fetch.group(1)}`: {fetch.group(2).strip()})"
        # a directory Kustomize first tried as a file, then built: the error of its build
        rest = re.sub(r"^'[^']*' must resolve to a file': recursed accumulation of path '[^']*': ", "", rest)
        own = os.path.normpath(os.path.join(wrap, ref)) == os.path.normpath(directory)
        # (the wrapper's reference to the overlay itself: the error is the overlay's own, not a resource's)
        msg = rest.rstrip(chr(39)) if own else f"resource `{ref}`: {rest.rstrip(chr(39))}"
    for path, shown in ((directory, display_path(directory, root)), (wrap, ".")):
        msg = msg.replace(path + os.sep, "" if path == wrap else shown + "/").replace(path, shown)
    parent = os.path.dirname(directory)
    msg = msg.replace(parent + os.sep, display_path(parent, root) + "/" if display_path(parent, root) != "." else "")
    # any other file under the scan root as reports show it (a base's file: Kustomize names it absolute)
    top = os.path.abspath(root)
    return msg.replace(top + os.sep, "") if top != os.sep else msg


_FAILED = "cannot render the Kustomize overlay `"


def one_line_per_cause(problems: list[Any]) -> list[Any]:
    """The render errors of overlays that fail at the same line of a kustomization or file they all build on,
    with the same error (a base's missing resource): one line naming each overlay, where each said it again.
    `problems` sorted by place; the first overlay's problem stands for the others, in its place."""
    if sum(1 for p in problems if p.message.startswith(_FAILED)) < 2:
        return problems
    from glmlint.ir import Problem

    groups: dict[tuple[str, int, str, str], list[str]] = {}
    for p in problems:
        if p.message.startswith(_FAILED) and "`: " in p.message:
            overlay, rest = p.message[len(_FAILED):].split("`: ", 1)
            groups.setdefault((p.path, p.line, p.level, rest), []).append(overlay)
    out = []
    for p in problems:
        key = (p.path, p.line, p.level, p.message[len(_FAILED):].split("`: ", 1)[-1]) \
            if p.message.startswith(_FAILED) and "`: " in p.message else None
        names = groups.get(key) if key is not None else None
        if names is None or len(names) == 1:
            out.append(p)
            continue
        if not names:
            continue  # (said on the group's line)
        shown = ", ".join(f"`{n}`" for n in names[:-1]) + f" and `{names[-1]}`"
        out.append(Problem(p.path, p.line, f"cannot render the Kustomize overlays {shown}: {key[3]}", p.level))
        names.clear()
    return out


def _stream(text: str, wrap: str, directory: str, root: str, records: list[dict[str, Any]] | None = None) -> Rendered:
    from glmlint.parsers import yamlnodes as y

    files = YamlFiles()
    charts = _Charts(records or [], _chain(directory), root)
    chain = _chain(directory)
    patches = [(p, k.targets.get(p, ("", ""))) for k in chain for p in k.patches]
    inline = [(k.path, line, text, k.targets.get(line, ("", ""))) for k in chain for line, text in k.inline]
    images = [(k.path, name, at) for k in chain for name, at in k.images]
    affixes = [k.affixes for k in chain if k.affixes != ("", "")]
    parts: list[tuple[str, Any]] = []
    for doc_text in _split(text):
        try:
            docs = y.compose_all(doc_text)
        except y.YamlError:
            docs = []
        doc = docs[0] if docs else None
        origin_path = None
        annotation = y.text(y.get(doc, "metadata", "annotations", _ORIGIN))
        if annotation:
            for line in annotation.splitlines():
                if line.startswith("path:"):
                    origin_path = os.path.normpath(os.path.join(wrap, line[5:].strip().strip("'\"")))
        generated = None  # a resource a generator made (`helmCharts`, `configMapGenerator`): (kustomization, generator)
        if annotation and origin_path is None:
            conf = by = ""
            for line in annotation.splitlines():
                if line.startswith("configuredIn:"):
                    conf = os.path.normpath(os.path.join(wrap, line.split(":", 1)[1].strip().strip("'\"")))
                elif line.strip().startswith("kind:"):
                    by = line.split(":", 1)[1].strip()
            if conf:
                generated = (conf, by)
        kind = y.text(y.get(doc, "kind")) or ""
        name = y.text(y.get(doc, "metadata", "name")) or ""
        origin = ResourceOrigin(files, origin_path, root, kind, name, patches, inline, generated, images, affixes)
        if generated is not None and generated[1] == "HelmChartInflationGenerator":
            origin.chart = charts.find(generated[0], kind, name)
        parts.append((doc_text, origin))
    return Rendered.build(display_path(directory, root), parts, "kustomize")


def _split(text: str) -> list[str]:
    docs, buf = [], []
    for line in text.split("\n"):
        if line.rstrip() == "---":
            docs.append("\n".join(buf) + "\n")
            buf = []
        else:
            buf.append(line)
    docs.append("\n".join(buf).rstrip("\n") + "\n")
    return [d for d in docs if d.strip()]


def _chain(directory: str, limit: int = 200) -> list[Kustomization]:
    """The overlay and every local kustomization it builds on, outermost first."""
    out: list[Kustomization] = []
    seen: set[str] = set()
    todo = [directory]
    while todo and len(out) < limit:
        d = todo.pop(0)
        if d in seen:
            continue
        seen.add(d)
        k = read(d)
        if k is not None:
            out.append(k)
            todo.extend(k.dirs)
    return out


def covered(directory: str) -> tuple[set[str], set[str]]:
    """(files, kustomization directories) an overlay's build reads, itself excluded. The files include
    the local charts of its `helmCharts:` (directories) and their values files."""
    files: set[str] = set()
    dirs: set[str] = set()
    for k in _chain(os.path.abspath(directory)):
        files.update(k.files)
        files.update(k.patches)
        dirs.update(k.dirs)
        for chart in k.charts:
            files.add(chart.directory)
            files.update(chart.values)
    return files, dirs


class ChartDoc:
    """A document `helmCharts:` generated, as Helm rendered it from the chart's template: a node of the
    built document is found by its key path in Helm's, and placed as a chart's finding is."""

    def __init__(self, origin: Any, text: str) -> None:
        from glmlint.parsers import yamlnodes as y

        self.origin = origin  # glmlint.helm.TemplateOrigin
        try:
            self.root = next((d for d in y.compose_all(text) if d is not None), None)
        except y.YamlError:
            self.root = None

    def locate(self, node: Node) -> tuple[Place, tuple[Place, ...]] | None:
        got = find(self.root, tuple(node.path)) if self.root is not None else None
        if got is None or not _same(got[1], node):
            return None  # not what Helm rendered: a patch of the overlay set it
        key_node, value_node = got
        path, is_key = tuple(node.path), node.is_key
        at = key_node if is_key and key_node is not None else value_node
        if is_key and path:
            # the first key of its mapping, where Helm wrote it (Kustomize sorts keys: `- image:` comes
            # first in its output, `- name:` in the template): the mapping, as a chart's own scan takes it
            parent = find(self.root, path[:-1])
            if parent is not None and parent[1].start_mark.index == at.start_mark.index:
                path, is_key, at = path[:-1], False, parent[1]
        # the template origin counts a document's lines from its `---` line
        return self.origin.locate(Node(path, is_key, node.value if not is_key else None, at.start_mark.line + 2,
                                       at.start_mark.column + 1))


class _Charts:
    """The charts a build's `helmCharts:` rendered (`glmlint.helmcommand`'s records), each document
    with the template and values files it came from: the chart's `values.yaml`, the entry's
    `valuesFile`/`additionalValuesFiles` and its `valuesInline` (which wins)."""

    def __init__(self, records: list[dict[str, Any]], chain: list[Kustomization], root: str) -> None:
        self.records, self.chain, self.root = records, chain, root
        self._docs: dict[str, list[tuple[str, str, ChartDoc]]] = {}  # kustomization -> (kind, name, doc)

    def find(self, conf: str, kind: str, name: str) -> ChartDoc | None:
        docs = self._docs.get(conf)
        if docs is None:
            docs = self._docs[conf] = self._documents(conf)
        best = None
        for k, n, doc in docs:
            if k != kind:
                continue
            if n == name:
                return doc
            if n and best is None and renamed(name, n, [k.affixes for k in self.chain]):
                best = doc
        return best

    def _documents(self, conf: str) -> list[tuple[str, str, ChartDoc]]:
        from glmlint import helm
        from glmlint.parsers import yamlnodes as y

        k = next((k for k in self.chain if os.path.normpath(k.path) == os.path.normpath(conf)), None)
        if k is None:
            return []
        out = []
        for record in self.records:
            entry = next((c for c in k.charts if os.path.normpath(c.directory) == os.path.normpath(record["chart"])), None)
            if entry is None:
                continue
            inline = (k.path, ("helmCharts", entry.index, "valuesInline"))
            files = [inline] + [(f, ()) for f in reversed(entry.values)]

            def chain(dirs: list[str], rel: str, files: list[tuple[str, tuple[str, ...]]] = files) -> list[Any]:
                return helm.values_chain(dirs, rel, files, self.root)

            for text, origin in helm.documents(entry.directory, self.root, record["manifests"], chain):
                try:
                    docs = [d for d in y.compose_all(text) if d is not None]
                except y.YamlError:
                    continue
                doc = docs[0] if docs else None
                out.append((y.text(y.get(doc, "kind")) or "", y.text(y.get(doc, "metadata", "name")) or "",
                            ChartDoc(origin, text)))
        return out


class ResourceOrigin:
    """A document of a built overlay: its resource file, and the patches that may have set a value."""

    def __init__(self, files: YamlFiles, path: str | None, root: str, kind: str, name: str,
                 patches: list[tuple[str, tuple[str, str]]], inline: list[tuple[str, int, str, tuple[str, str]]],
                 generated: tuple[str, str] | None = None,
                 images: list[tuple[str, str, dict[str, tuple[int, int]]]] | None = None,
                 affixes: list[tuple[str, str]] | None = None) -> None:
        self.files, self.path, self.root = files, path, root
        self.affixes = affixes or []  # `namePrefix`/`nameSuffix` of the build's kustomizations, outermost first
        self.kind, self.name, self.patches, self.inline = kind, name, patches, inline
        self.generated = generated
        self.images = images or []  # `images:` entries of the build's kustomizations, outermost first
        self.chart: ChartDoc | None = None  # a document `helmCharts:` generated, as Helm rendered it

    def _doc(self, path: str) -> Any:
        return self._pick(self.files.docs(path))

    def _pick(self, docs: list[Any]) -> Any:
        from glmlint.parsers import yamlnodes as y

        best = None
        for doc in docs:
            if (y.text(y.get(doc, "kind")) or "") != self.kind:
                continue
            name = y.text(y.get(doc, "metadata", "name")) or ""
            if name == self.name:
                return doc
            if name and best is None and renamed(self.name, name, self.affixes):
                best = doc
        return best

    def _targets(self, target: tuple[str, str]) -> bool:
        """Whether a JSON 6902 patch's `target` can be this resource (a namePrefix is added after)."""
        kind, name = target
        return (not kind or kind == self.kind) and (not name or renamed(self.name, name, self.affixes))

    def locate(self, node: Node) -> tuple[Place, tuple[Place, ...]] | None:
        from glmlint.parsers import yamlnodes as y

        path = tuple(node.path)
        if self.path is None:
            if self.chart is None:
                got_literal = self._generated_literal(path) if self.generated is not None else None
                return (got_literal, ()) if got_literal is not None else None
            got_chart = self.chart.locate(node)
            if got_chart is not None:
                return got_chart
            patched = self._patched(path, node)
            return (patched, ()) if patched is not None else None
        doc = self._doc(self.path)
        if doc is None:
            return None
        got = find(doc, path)
        if got is not None and _same(got[1], node):
            return place(display_path(self.path, self.root), *got, node.is_key), ()
        patched = self._patched(path, node)
        if patched is not None:
            return patched, ()
        prefix, key_node, value_node = longest(doc, path)
        if path and path[-1] == "image" and prefix == path and y.is_scalar(value_node) and node.value is not None:
            at = self._image(str(value_node.value), str(node.value))
            if at is not None:
                return at, ()
        target = key_node if key_node is not None else value_node
        if target is None or not y.is_map(doc):
            return None
        if prefix == path and node.value is not None and not node.is_key:
            # the base writes another value and no patch glmlint can read sets this one (a replacement,
            # a remote component): the base line, saying so
            return Place(display_path(self.path, self.root), target.start_mark.line + 1, target.start_mark.column + 1,
                         detail=f"the built overlay has `{node.value}` here; glmlint cannot tell what set it"), ()
        return Place(display_path(self.path, self.root), target.start_mark.line + 1,
                     target.start_mark.column + 1), ()

    def _generated_literal(self, path: tuple[Any, ...]) -> Place | None:
        """Where a key of a Secret a `secretGenerator` made is written with its value (`data.KEY`): its
        `literals:` item (`KEY=value`), or the line of a committed `envs:` file (a `.gitignore` keeps a local one
        out of the repository, where secrets belong) that sets it (Kustomize api/kv/kv.go at
        kubernetes-sigs/kustomize@921c5b0df208082fd23069c4f8be3912c9e00255: `KEY=value` lines, `#` comments).
        The built `data:` lists its keys sorted, so its first key's position is the mapping's (`rendered._index`:
        the shorter path wins): `data` alone is its smallest key."""
        from glmlint.parsers import yamlnodes as y

        conf, by = self.generated or ("", "")
        if by != "SecretGenerator" or not path or path[0] != "data" or len(path) > 2:
            return None
        # each key the generator gives the Secret, with the place that writes it (None: a local env file's, which
        # `.gitignore` keeps out of the repository: no place in it); `complete`: every key is known
        found: dict[str, Place | None] = {}
        complete = True
        entries = [(y.text(y.get(entry, "name")) or "", entry)
                   for doc in self.files.docs(conf) for entry in y.items(y.get(doc, "secretGenerator"))]
        made_by = _generator_of(self.name, [name for name, _entry in entries])
        for name, entry in entries:
            if not name or name != made_by:
                continue
            for item in y.items(y.get(entry, "literals")):
                key, eq, _value = (y.text(item) or "").partition("=")
                if eq and key.strip():
                    found.setdefault(key.strip(), Place(display_path(conf, self.root), item.start_mark.line + 1,
                                                        item.start_mark.column + 1, disk=conf))
            for item in y.items(y.get(entry, "envs")) + y.items(y.get(entry, "env")):
                got = self._env_lines(os.path.join(os.path.dirname(conf), y.text(item) or ""))
                if got is None:
                    complete = False
                    continue
                for key, at in got.items():
                    found.setdefault(key, at)
            complete = complete and not y.items(y.get(entry, "files"))  # (a file's key: its name, maybe renamed)
        if len(path) == 2:
            return found.get(path[1])
        return found[min(found)] if found and complete else None

    def _env_lines(self, path: str) -> dict[str, Place | None] | None:
        """Each key of an env file and its line (None for each key of one a `.gitignore` keeps out of the repository:
        it is no text of the repository); None when it cannot be read."""
        from glmlint.parsers.compose import _git_ignored

        try:
            with open(path, encoding="utf-8") as fh:
                lines = fh.read().split("\n")
        except (OSError, UnicodeDecodeError):
            return None
        ignored = _git_ignored(os.path.abspath(path))
        out: dict[str, Place | None] = {}
        for n, line in enumerate(lines, 1):
            text = line.strip()
            key, eq, _value = text.partition("=")
            if eq and key.strip() and not text.startswith("#"):
                out.setdefault(key.strip(), None if ignored else
                               Place(display_path(path, self.root), n, line.index(text[0]) + 1, disk=path))
        return out

    def _patched(self, path: tuple[Any, ...], node: Node) -> Place | None:
        """The patch (file, or inline in a kustomization) that set `node`, or None."""
        from glmlint.parsers import yamlnodes as y

        for patch, target in self.patches:  # the outermost overlay's patches first: Kustomize applies them last
            docs = self.files.docs(patch)
            hit = _in_ops(docs[0], path, node) if len(docs) == 1 and y.is_seq(docs[0]) else None
            if hit is not None:  # JSON 6902 operations
                if self._targets(target):
                    return place(display_path(patch, self.root), None, hit, False, "patch")
                continue
            pdoc = self._pick(docs)
            if pdoc is None:
                continue
            pgot = find(pdoc, path)
            if pgot is not None and _same(pgot[1], node):
                return place(display_path(patch, self.root), *pgot, node.is_key, "patch")
        for kpath, line, text, target in self.inline:  # an inline patch in a kustomization (JSON 6902 or merge)
            at = self._inline(kpath, line, text, target, path, node)
            if at is not None:
                return at
        return None

    def _inline(self, kpath: str, line: int, text: str, target: tuple[str, str], path: tuple[Any, ...],
                node: Node) -> Place | None:
        """The line of an inline patch (the text of `patch: |` at `line`) that sets `node`."""
        from glmlint.parsers import yamlnodes as y

        try:
            docs = [d for d in y.compose_all(text) if d is not None]
        except y.YamlError:
            return None
        hit = None
        if len(docs) == 1 and y.is_seq(docs[0]):
            hit = _in_ops(docs[0], path, node) if self._targets(target) else None
        else:
            pdoc = self._pick(docs)
            if pdoc is None and len(docs) == 1 and y.is_map(docs[0]) and self._targets(target):
                pdoc = docs[0]  # a merge patch applied through `target`, without kind or name of its own
            got = find(pdoc, path) if pdoc is not None else None
            if got is not None and _same(got[1], node):
                hit = got[0] if node.is_key and got[0] is not None else got[1]
        if hit is None:
            return None
        raw = (self.files.text(kpath) or "").split("\n")
        at = line + 1 + hit.start_mark.line  # the block scalar's text starts on the line after `patch: |`
        first = text.split("\n")[hit.start_mark.line] if hit.start_mark.line < len(text.split("\n")) else ""
        col = 1
        if at <= len(raw) and first.strip():
            found = raw[at - 1].find(first.strip())
            col = (found + 1 + hit.start_mark.column - (len(first) - len(first.lstrip()))) if found >= 0 else 1
        return Place(display_path(kpath, self.root), at, max(col, 1), "patch")

    def _image(self, written: str, built: str) -> Place | None:
        """The `images:` entry that turned the resource's `written` image into the `built` one: the
        line of the field that set what the built reference has (`newTag`, `digest`, `newName`)."""
        if written == built:
            return None
        names = {_image_name(written), _image_name(built)}
        for kpath, name, at in self.images:  # outermost first: its entries are applied last
            if name not in names:
                continue
            for key in ("digest", "newTag", "newName", "name"):
                if key in at:
                    line, col = at[key]
                    return Place(display_path(kpath, self.root), line, col, "image")
        return None

    def fallback(self) -> Place | None:
        if self.chart is not None:
            got = self.chart.origin.fallback()
            if got is not None:
                return got
        if self.generated is not None:
            conf, by = self.generated
            key = _GENERATOR_KEYS.get(by, "")
            line = 1
            for n, text in enumerate((self.files.text(conf) or "").split("\n"), 1):
                if key and text.startswith(key + ":"):
                    line = n
                    break
            what = f"`{key}`" if key else f"the {by or 'generator'}"
            return Place(display_path(conf, self.root), line, 1,
                         detail=f"{self.kind}/{self.name} is generated by {what}; glmlint cannot point into what it generates")
        if self.path is not None:
            return Place(display_path(self.path, self.root), 1, 1,
                         detail="from this file; glmlint cannot tell which of its lines wrote it")
        return None


# the kustomization field of each builtin generator, as `config.kubernetes.io/origin` names it
_GENERATOR_KEYS = {"HelmChartInflationGenerator": "helmCharts", "ConfigMapGenerator": "configMapGenerator",
                   "SecretGenerator": "secretGenerator"}


def renamed(built: str, name: str, affixes: list[tuple[str, str]]) -> bool:
    """Whether the object a build names `built` can be the one written as `name`: the same name, or with
    the `namePrefix`es and `nameSuffix`es of some of `affixes` (the build's kustomizations, outermost
    first) around it. Each kustomization adds its own once its patches ran (its PrefixSuffixTransformer
    after its PatchTransformer: kubernetes-sigs/kustomize@06b9b691 api/internal/target/
    kusttarget_configplugin.go `configureBuiltinTransformers`), so an outer prefix is left of an inner one
    and an outer suffix right of an inner one (`prod-` over `base-`: `prod-base-web`); a name inside
    another (`web` in `web-db`) is not enough."""
    if built == name:
        return True
    heads = {built}
    for prefix, _suffix in affixes:  # outermost first: the leftmost prefix
        if prefix:
            heads |= {t[len(prefix):] for t in heads if t.startswith(prefix)}
    for head in heads:
        tails = {head}
        for _prefix, suffix in affixes:  # outermost first: the rightmost suffix
            if suffix:
                tails |= {t[:-len(suffix)] for t in tails if t.endswith(suffix)}
        if name in tails:
            return True
    return False


def _generator_of(made: str, names: list[str]) -> str:
    """Which of a kustomization's generator `names` made the object named `made`: Kustomize names it
    namePrefix + name + nameSuffix + `-<hash>` (the hash unless `disableNameSuffixHash`), so the name is followed by
    nothing or by `-`; of several (`app` and `app-db` for `app-db-<hash>`), the longest. "" when none."""
    best = ""
    for name in names:
        at = made.find(name) if name else -1
        while at >= 0:
            rest = made[at + len(name):]
            if (not rest or rest.startswith("-")) and len(name) > len(best):
                best = name
                break
            at = made.find(name, at + 1)
    return best


def _image_name(ref: str) -> str:
    """An image reference without its tag or digest, as `images: - name:` matches it."""
    ref = ref.split("@", 1)[0]
    slash = ref.rfind("/")
    colon = ref.rfind(":")
    return ref[:colon] if colon > slash else ref


def _pointer(path: str) -> list[str] | None:
    """A JSON pointer (RFC 6901) as its tokens."""
    if not path.startswith("/"):
        return None
    return [t.replace("~1", "/").replace("~0", "~") for t in path[1:].split("/")]


def _in_ops(ops: Any, path: tuple[Any, ...], node: Node) -> Any:
    """The node of a JSON 6902 patch (`add`/`replace` operations) that wrote `path`: the operation's
    `value` (or inside it, when it adds a whole mapping), or None."""
    from glmlint.parsers import yamlnodes as y

    for op in reversed(y.items(ops)):  # the last operation that writes it wins
        if (y.text(y.get(op, "op")) or "") not in ("add", "replace"):
            continue
        tokens = _pointer(y.text(y.get(op, "path")) or "")
        value = y.get(op, "value")
        if tokens is None or value is None or len(tokens) > len(path):
            continue
        if not all(_token_is(t, k) for t, k in zip(tokens, path)):
            continue
        rest = path[len(tokens):]
        got = find(value, rest) if rest else (y.get(op, "path") if node.is_key else None, value)
        if got is None:
            continue
        key_node, value_node = got
        if rest and node.is_key and key_node is not None:
            return key_node
        if not node.is_key and not _same(value_node, node):
            continue
        return value_node if not node.is_key or key_node is None else key_node
    return None


def _token_is(token: str, key: Any) -> bool:
    """Whether a JSON pointer token can name this key path element (a list item by index, `-` the
    one appended; a named item, by any index: patches see the list before it was merged)."""
    if isinstance(key, str):
        return token == key
    if isinstance(key, int):
        return token == str(key) or token == "-"
    return token.isdigit() or token == "-"


def _same(value_node: Any, node: Node) -> bool:
    from glmlint.parsers import yamlnodes as y

    if node.value is None or node.is_key:
        return True
    return y.is_scalar(value_node) and str(value_node.value) == str(node.value)
