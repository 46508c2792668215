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
from dataclasses import dataclass, field
from typing import Any

from glmlint.helm import RenderError
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
class Kustomization:
    """What one kustomization file names: local files and directories, and patch files."""

    path: str
    kind: str = "Kustomization"
    files: list[str] = field(default_factory=list)  # resource files (absolute)
    dirs: list[str] = field(default_factory=list)  # kustomization directories it builds on (absolute)
    patches: list[str] = field(default_factory=list)  # strategic-merge patch files (absolute)
    inline: list[tuple[int, str]] = field(default_factory=list)  # inline patches: (line of the text, text)


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
    for key in ("resources", "bases", "components"):
        for item in y.items(y.get(doc, key)):
            ref = y.text(item)
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
        if y.is_scalar(inline):
            k.inline.append((inline.start_mark.line + 1, inline.value))
        ref = y.text(y.get(item, "path")) if y.is_map(item) else y.text(item)
        if ref and "\n" not in ref:
            full = os.path.normpath(os.path.join(directory, ref))
            if os.path.isfile(full):
                k.patches.append(full)
    return k


def command() -> list[str] | None:
    """How to build an overlay here: `kustomize build`, else `kubectl kustomize`, else None."""
    if (kz := shutil.which("kustomize")) is not None:
        return [kz, "build"]
    if (kubectl := shutil.which("kubectl")) is not None:
        return [kubectl, "kustomize"]
    return None


TIMEOUT = 120  # seconds one build may take


def _environment() -> dict[str, str]:
    """The renderer's environment: ours, with the Go collector less eager (GOGC=200 unless the user
    set GOGC): a build is a short process whose start-up allocates a lot, and collecting half as often
    saves about a fifth of its CPU (docs/benchmarks.md). Output does not depend on it."""
    env = dict(os.environ)
    env.setdefault("GOGC", "200")
    return env


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
    ahead = _AHEAD.take(directory, cmd) if _AHEAD is not None else None
    if ahead is not None:
        returncode, stdout, stderr, wrap = ahead
    else:
        with tempfile.TemporaryDirectory(prefix="glmlint-kustomize-") as wrap:
            _wrapper(directory, wrap)
            try:
                done = subprocess.run([*cmd, wrap], capture_output=True, text=True, timeout=TIMEOUT, check=False,
                                      env=_environment())
            except (OSError, subprocess.TimeoutExpired) as exc:
                raise RenderError(f"`{' '.join(cmd)}` failed: {exc}") from None
            returncode, stdout, stderr = done.returncode, done.stdout, done.stderr
    if returncode != 0:
        raise RenderError(_error(stderr, wrap, directory, root) or f"`{' '.join(cmd)}` exited {returncode}")
    return _stream(stdout, wrap, directory, root)


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
            proc: Any = subprocess.Popen([*self.cmd, wrap.name], stdout=out, stderr=err, stdin=subprocess.DEVNULL,
                                         env=_environment())
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

    def take(self, directory: str, cmd: list[str]) -> tuple[int, str, str, str] | None:
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
            return proc.returncode, _text(out), _text(err), wrap.name
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
        msg = f"resource `{ref}`: {rest.rstrip(chr(39))}"
    for path, shown in ((directory, display_path(directory, root)), (wrap, ".")):
        msg = msg.replace(path + os.sep, "" if path == wrap else shown + "/").replace(path, shown)
    parent = os.path.dirname(directory)
    return msg.replace(parent + os.sep, display_path(parent, root) + "/" if display_path(parent, root) != "." else "")


def _stream(text: str, wrap: str, directory: str, root: str) -> Rendered:
    from glmlint.parsers import yamlnodes as y

    files = YamlFiles()
    chain = _chain(directory)
    patches = [p for k in chain for p in k.patches]
    inline = [(k.path, line, text) for k in chain for line, text in k.inline]
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
        kind = y.text(y.get(doc, "kind")) or ""
        name = y.text(y.get(doc, "metadata", "name")) or ""
        parts.append((doc_text, ResourceOrigin(files, origin_path, root, kind, name, patches, inline)))
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
    """(files, kustomization directories) an overlay's build reads, itself excluded."""
    files: set[str] = set()
    dirs: set[str] = set()
    for k in _chain(os.path.abspath(directory)):
        files.update(k.files)
        files.update(k.patches)
        dirs.update(k.dirs)
    return files, dirs


class ResourceOrigin:
    """A document of a built overlay: its resource file, and the patches that may have set a value."""

    def __init__(self, files: YamlFiles, path: str | None, root: str, kind: str, name: str,
                 patches: list[str], inline: list[tuple[str, int, str]]) -> None:
        self.files, self.path, self.root = files, path, root
        self.kind, self.name, self.patches, self.inline = kind, name, patches, inline

    def _doc(self, path: str) -> Any:
        from glmlint.parsers import yamlnodes as y

        best = None
        for doc in self.files.docs(path):
            if (y.text(y.get(doc, "kind")) or "") != self.kind:
                continue
            name = y.text(y.get(doc, "metadata", "name")) or ""
            if name == self.name:
                return doc
            if name and name in self.name and best is None:  # a namePrefix/nameSuffix was added
                best = doc
        return best

    def locate(self, node: Node) -> tuple[Place, tuple[Place, ...]] | None:
        from glmlint.parsers import yamlnodes as y

        if self.path is None:
            return None
        doc = self._doc(self.path)
        if doc is None:
            return None
        path = tuple(node.path)
        got = find(doc, path)
        if got is not None and _same(got[1], node):
            return place(display_path(self.path, self.root), *got, node.is_key), ()
        for patch in self.patches:  # the outermost overlay's patches first: Kustomize applies them last
            pdoc = self._doc(patch)
            if pdoc is None:
                continue
            pgot = find(pdoc, path)
            if pgot is not None and _same(pgot[1], node):
                return place(display_path(patch, self.root), *pgot, node.is_key, "patch"), ()
        named = next((k[1] for k in reversed(path) if isinstance(k, tuple)), None)
        for kpath, line, text in self.inline:  # an inline patch in a kustomization (JSON 6902 or merge)
            for want in (str(node.value) if node.value is not None and not node.is_key else None, named):
                if want and want in text:
                    n = next(i for i, ln in enumerate(text.split("\n")) if want in ln)
                    at = line + 1 + n  # the block scalar's text starts on the line after `patch: |`
                    raw = (self.files.text(kpath) or "").split("\n")
                    col = raw[at - 1].find(want) + 1 if at <= len(raw) and want in raw[at - 1] else 1
                    return Place(display_path(kpath, self.root), at, col, "patch"), ()
        prefix, key_node, value_node = longest(doc, path)
        target = key_node if key_node is not None else value_node
        if target is None or not y.is_map(doc):
            return None
        return Place(display_path(self.path, self.root), target.start_mark.line + 1,
                     target.start_mark.column + 1), ()


def _same(value_node: Any, node: Node) -> bool:
    from glmlint.parsers import yamlnodes as y

    if node.value is None or node.is_key:
        return True
    return y.is_scalar(value_node) and str(value_node.value) == str(node.value)
