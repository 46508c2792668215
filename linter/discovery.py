"""Which files a scan reads: paths as given, directories walked.

Walking skips `.git`, `node_modules`, virtualenvs and caches, and whatever the
repository's `.gitignore` files ignore. Files named on the command line (as
pre-commit passes them) are scanned whatever their ignore status.
"""
from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

from glmlint import gitignore
from glmlint.parsers import detect
from glmlint.records import dataclass

SKIP_DIRS = {".git", ".hg", ".svn", "node_modules", "__pycache__", ".venv", "venv", ".tox", ".nox",
             ".mypy_cache", ".pytest_cache", ".ruff_cache", ".eggs", "site-packages", ".terraform"}


@dataclass(frozen=True, slots=True)
class Candidate:
    path: str  # on disk
    display: str  # as reported
    hint: str  # detect() result, or a unit glmlint renders: "helm-chart", "kustomize" (path is a directory)
    explicit: bool  # named on the command line
    options: Any = None  # for a rendered unit: the runner's RenderOptions
    covers: tuple[str, ...] = ()  # for an overlay: the files its build reads (checked alone only if it fails)


RENDERED = ("helm-chart", "kustomize")
KUSTOMIZATION_FILES = ("kustomization.yaml", "kustomization.yml", "Kustomization")  # = kustomize.FILES


def _display(path: str, root: str) -> str:
    try:
        rel = os.path.relpath(path, root)
    except ValueError:  # another drive on Windows
        return path
    outside = rel == os.pardir or rel.startswith(os.pardir + os.sep)
    return path if outside else rel.replace(os.sep, "/")


def _may_hold(abs_prefix: str, root: str) -> bool:
    """Whether the directory `abs_prefix` (absolute, normalised, ending in a separator) may hold the
    root or a directory inside it: False only when no path below it can be the root or inside it,
    whose `_display` is then the path itself (POSIX paths; elsewhere, True: `_display` decides)."""
    if os.sep != "/" or os.altsep:
        return True
    return root.startswith(abs_prefix) or root == "/" or abs_prefix == "/"


def discover(paths: list[str], root: str | None = None,
             stdin_filename: str | None = None, render: bool = True) -> Iterator[Candidate | tuple[str, str]]:
    """Candidates in a stable order; `(path, message)` for paths that do not exist.

    `-` stands for standard input, reported as `stdin_filename` (whose name picks
    the format; without one, the content does). With `render`, a Helm chart is
    one candidate (its directory, rendered), and so is each Kustomize overlay
    that no other overlay in the walk builds on; the files an overlay reads are
    checked through its build, not alone. A file named on the command line that
    belongs to a chart (a template, `values.yaml`) or that a kustomization in
    its directory reads stands for that chart or kustomization."""
    root = os.path.abspath(root or os.getcwd())
    units: set[str] = set()
    components: list[Candidate] = []  # Kustomize Components named through one of their files
    named: list[str] = []  # the Compose (or maybe Compose) files named, whose `include:`s are the project's
    walked: list[str] = []  # the directories named (each with a trailing separator)
    for given in paths:
        if given == "-":
            name = stdin_filename or "-"
            hint = (detect(os.path.basename(name), name.replace(os.sep, "/")) if stdin_filename else None)
            yield Candidate("-", name, hint or "yaml-maybe", True)
        elif os.path.isdir(given):
            walked.append(os.path.join(os.path.abspath(given), ""))
            for cand in (_units(list(_walk(given, root, render)), root) if render else _walk(given, root, False)):
                if cand.hint not in RENDERED or cand.path not in units:
                    units.add(cand.path)
                    yield cand
        elif os.path.isfile(given):
            unit = _unit_of(given, root) if render else None
            if unit is not None and unit.hint == "component":
                components.append(unit)
                continue
            if unit is not None:
                if unit.path not in units:
                    units.add(unit.path)
                    yield unit
                continue
            hint = detect(os.path.basename(given), given.replace(os.sep, "/")) or "yaml-maybe"
            yield Candidate(given, _display(os.path.abspath(given), root), hint, True)
            if hint in ("compose", "yaml-maybe", "yaml"):
                named.append(os.path.abspath(given))
        else:
            yield (given, "no such file or directory")
    yield from _components(components, units, root)
    yield from _included(named, root, walked)


def _included(named: list[str], root: str, walked: list[str]) -> Iterator[Candidate]:
    """The files the `include:` of a Compose file named on the command line names, and theirs, each once and
    none named itself: their services are the project's (docs.docker.com "Include"; compose-go's loader
    reads each as a project of its own, in its own directory, with the `.env` there), so `glmlint check
    compose.yaml` checks them as `docker compose up` runs them. (A directory named, `walked`, finds those in it.)"""
    seen = set(named)
    todo = list(named)
    while todo:
        top = todo.pop(0)
        for path in _includes_of(top):
            if path not in seen:
                seen.add(path)
                todo.append(path)
                if not any(path.startswith(d) for d in walked):
                    yield Candidate(path, _display(path, root), "compose", False)


def _includes_of(path: str) -> list[str]:
    """The local files the Compose file at `path` includes (`parsers.compose.includes`), in order; none
    when it has no `include:` key or is not YAML."""
    try:
        with open(path, encoding="utf-8", errors="replace") as fh:
            text = fh.read()
    except OSError:
        return []
    if "include" not in text:
        return []  # (no YAML read for the file with none: the usual case)
    from glmlint.parsers import yamlnodes as y
    from glmlint.parsers.compose import includes

    try:
        docs = y.compose_all(text)
    except y.YamlError:
        return []
    if not docs or not y.is_map(docs[0]) or y.get(docs[0], "services") is None and y.get(docs[0], "include") is None:
        return []
    return [p for chain in includes(docs, path) for p in chain]


def _components(components: list[Candidate], units: set[str],
                root: str) -> Iterator[Candidate | tuple[str, str, str]]:
    """A Kustomize Component cannot be built alone (Kustomize refuses `kind: Component` as the root):
    one named through its files is checked by the overlays in the scan that use it, else by the
    overlays under the scan root that use it (found by walking it: pre-commit names only the changed
    patch), or else gets a notice saying so."""
    if not components:
        return
    from glmlint import kustomize

    used: set[str] = set()
    for unit in units:
        if os.path.isdir(unit):
            used |= kustomize.covered(unit)[1]
    pending = [c for c in dict((c.path, c) for c in components).values() if c.path not in used]
    users = _overlays_using({c.path for c in pending}, root) if pending else {}
    for c in pending:
        overlays = users.get(c.path, [])
        for overlay in overlays:
            if overlay not in units:
                units.add(overlay)
                yield Candidate(overlay, _display(overlay, root), "kustomize", True)
        if not overlays:
            yield (c.display, "not checked: a Kustomize Component is built only into an overlay that uses "
                   "it (`components:`), and none is in this scan or under its root; check that overlay", "notice")


def _overlays_using(components: set[str], root: str, limit: int = 20_000) -> dict[str, list[str]]:
    """For each component directory, the overlays under `root` that build it in (roots only: not one
    another overlay found builds on)."""
    from glmlint import kustomize

    found: dict[str, set[str]] = {}  # overlay -> the kustomization directories its build reads
    seen = 0
    for dirpath, dirnames, filenames in os.walk(root):
        seen += 1
        if seen > limit:
            break
        dirnames[:] = sorted(d for d in dirnames if d not in SKIP_DIRS
                             and not os.path.exists(os.path.join(dirpath, d, "pyvenv.cfg")))
        if not any(n in filenames for n in KUSTOMIZATION_FILES):
            continue
        k = kustomize.read(dirpath)
        if k is None or k.kind == "Component":
            continue
        reads = kustomize.covered(dirpath)[1]
        if reads & components:
            found[os.path.abspath(dirpath)] = reads
    bases = set().union(*found.values()) if found else set()
    out: dict[str, list[str]] = {}
    for overlay, reads in sorted(found.items()):
        if overlay in bases:
            continue
        for c in sorted(reads & components):
            out.setdefault(c, []).append(overlay)
    return out


def _unit_of(path: str, root: str) -> Candidate | None:
    """The chart or kustomization a file named on the command line stands for, if any.

    The render modules (and their subprocess machinery) are imported only when a `Chart.yaml` is
    above the file or a kustomization beside it: a lone Dockerfile check loads neither."""
    full = os.path.abspath(path)
    directory = os.path.dirname(full)
    if _chart_above(full):
        from glmlint import helm

        chart = helm.chart_root(full)
        if chart is not None:
            # a chart in a kustomization's `chartHome` that its `helmCharts:` names is rendered by that
            # build, with the values the kustomization gives it
            home = os.path.dirname(os.path.dirname(chart))
            if any(os.path.isfile(os.path.join(home, n)) for n in KUSTOMIZATION_FILES):
                from glmlint import kustomize

                k = kustomize.read(home)
                if k is not None and k.kind != "Component" and any(c.directory == chart for c in k.charts):
                    return Candidate(home, _display(home, root), "kustomize", True)
            return Candidate(chart, _display(chart, root), "helm-chart", True)
    if not any(os.path.isfile(os.path.join(directory, n)) for n in KUSTOMIZATION_FILES):
        return None
    from glmlint import kustomize

    k = kustomize.read(directory)
    if k is not None and (os.path.basename(full) in kustomize.FILES or full in k.files or full in k.patches
                          or any(full in c.values for c in k.charts)):
        return Candidate(directory, _display(directory, root), "component" if k.kind == "Component" else "kustomize",
                         True)
    return None


def _chart_above(path: str) -> bool:
    """Whether a directory holding `path`, or above it, has a `Chart.yaml` (`helm.chart_root` is None
    otherwise)."""
    d = path if os.path.isdir(path) else os.path.dirname(path)
    while True:
        if os.path.isfile(os.path.join(d, "Chart.yaml")):
            return True
        up = os.path.dirname(d)
        if up == d:
            return False
        d = up


def _units(cands: list[Candidate], root: str) -> list[Candidate]:
    """Kustomize overlays as candidates, each knowing the files its build reads: the roots (no other
    overlay in the walk builds on them), and an overlay that another overlay builds on and changes
    (patches, `images:`): `overlays/prod` patching `overlays/staging`, which builds on `base`; a test
    overlay patching kubebuilder's `config/default`, the operator's install. Each is deployed as it is
    (`kubectl apply -k overlays/staging`), with what the later overlay may patch back. A base (a
    kustomization of resource files only, or a directory named `base`) or a component is built as part
    of its overlays, and so is an overlay that later ones only add to (`resources:` alone, as Kubeflow's
    `example` gathers its installs): their builds have all of it as it is."""
    from glmlint import records

    from glmlint import kustomize

    dirs = [c for c in cands if c.hint == "kustomize"]
    if not dirs:
        return cands
    bases: set[str] = set()
    reads: dict[str, set[str]] = {}
    changed: set[str] = set()  # the kustomizations an overlay of the walk changes (patches, `images:`, ...)
    for c in dirs:
        files, built_on = kustomize.covered(c.path)
        reads[c.path] = files
        bases |= built_on
        k = kustomize.read(c.path)
        if k is not None and k.changes:
            changed.update(k.dirs)
    # an overlay of its own, deployed as it is: it builds on a kustomization directory itself, is not named
    # as a base, and an overlay that builds on it changes what it deploys (else that one deploys it as it is)
    bases = {b for b in bases if b not in changed or os.path.basename(b) in _BASE_NAMES or not _builds_on_a_directory(b)}
    # what a build may cover: files, and the charts of its `helmCharts:` (rendered by the build with
    # the values it gives them, not alone with their defaults)
    shown = {os.path.abspath(c.path): c.display for c in cands if c.hint not in RENDERED or c.hint == "helm-chart"}
    out = []
    for c in cands:
        if c.hint == "kustomize":
            k = kustomize.read(c.path)
            if c.path in bases or (k is not None and k.kind == "Component"):
                continue
            c = records.replace(c, covers=tuple(sorted(shown[f] for f in reads[c.path] if f in shown)))
        out.append(c)
    return out


_BASE_NAMES = ("base", "bases")


def _builds_on_a_directory(directory: str) -> bool:
    from glmlint import kustomize

    k = kustomize.read(directory)
    return k is not None and k.kind != "Component" and bool(k.dirs)


def _tree(top: str) -> Iterator[tuple[str, list[str], list[str]]]:
    """`os.walk(top)` (top-down, a directory that cannot be listed left out, a symbolic link to a
    directory listed among the directories but not walked into), in one loop rather than a generator
    for each level that every directory's names pass up through, and each directory told a link by
    its listing (`DirEntry.is_symlink`: the file type the listing gives) rather than by an `lstat` of
    it before it is walked into (`os.walk` asks again, in case the caller replaced it meanwhile): ~2,350
    system calls on the corpus, in the pooled scan's parent while the workers check files (issue 12).
    As with `os.walk`, the caller may prune or reorder the directories' names before the walk goes on
    (not add any)."""
    stack = [top]
    while stack:
        top = stack.pop()
        dirs: list[str] = []
        nondirs: list[str] = []
        links: set[str] = set()
        try:
            with os.scandir(top) as listing:
                for entry in listing:
                    try:
                        is_dir = entry.is_dir()
                    except OSError:
                        is_dir = False
                    if is_dir:
                        dirs.append(entry.name)
                        try:
                            if entry.is_symlink():
                                links.add(entry.name)
                        except OSError:
                            pass
                    else:
                        nondirs.append(entry.name)
        except OSError:
            continue
        yield top, dirs, nondirs
        base = top + "/" if top and not top.endswith("/") else top  # (`os.path.join(top, name)` is base + name)
        for name in reversed(dirs):
            if name not in links:
                stack.append(base + name)


def _walk(top: str, root: str, render: bool = True) -> Iterator[Candidate]:
    ignores: list[tuple[str, Any]] = []  # (directory, compiled spec)
    # each directory's path relative to `top`, absolute and as displayed, worked out from its parent's
    # by appending its name (`relpath` and `abspath` for each were half of discovery's CPU), keyed by
    # its path as `os.walk` gives it (`os.path.join(dirpath, name)`)
    known: dict[str, tuple[str, str, str]] = {}
    below_top = False
    for dirpath, dirnames, filenames in _tree(top):
        # a virtualenv is not walked (below `top`): told by its `pyvenv.cfg` once the walk lists it
        if below_top and ("pyvenv.cfg" in filenames or "pyvenv.cfg" in dirnames) \
                and os.path.exists(os.path.join(dirpath, "pyvenv.cfg")):
            dirnames[:] = []
            continue
        below_top = True
        got = known.pop(dirpath, None)
        if got is None:
            rel_dir = os.path.relpath(dirpath, top).replace(os.sep, "/")
            abs_dir = os.path.abspath(dirpath)
            shown_dir = _display(abs_dir, root)
        else:
            rel_dir, abs_dir, shown_dir = got
        prefix = os.path.join(dirpath, "")  # + a name: `os.path.join(dirpath, name)`
        abs_prefix = os.path.join(abs_dir, "")  # (the same for `abs_dir`)
        holds_root = shown_dir == abs_dir and _may_hold(abs_prefix, root)
        spec = gitignore.spec(dirpath) if ".gitignore" in filenames else None  # (none when it is not listed)
        if spec is not None:
            ignores.append((dirpath, spec))
        # (`os.path.join(d, "")`: a walk of `src/` lists `src/` and `src/app`, both below `src/`'s .gitignore)
        active = [(d, s) for d, s in ignores if dirpath == d or dirpath.startswith(os.path.join(d, ""))] \
            if ignores else ignores
        kept = []
        for d in sorted(dirnames):
            if d in SKIP_DIRS:
                continue
            full = prefix + d
            if active and gitignore.ignored(full, True, active):
                continue
            kept.append(d)
            abs_sub = abs_prefix + d  # (`os.path.join(abs_dir, d)`)
            if shown_dir == abs_dir:  # outside the root (or the root below it): as `_display` shows it
                # (a directory outside the root that does not hold it has only such directories below:
                # `relpath` for each was a third of discovery's CPU on a tree outside the working directory)
                shown_sub = _display(abs_sub, root) if holds_root else abs_sub
            else:
                shown_sub = d if shown_dir == "." else f"{shown_dir}/{d}"
            known[full] = (d if rel_dir == "." else f"{rel_dir}/{d}", abs_sub, shown_sub)
        dirnames[:] = kept
        if render and "Chart.yaml" in filenames:
            dirnames[:] = []  # the chart is rendered as one; its templates are not manifests
            yield Candidate(abs_dir, shown_dir, "helm-chart", False)
            continue
        if render and any(n in filenames for n in KUSTOMIZATION_FILES):
            yield Candidate(abs_dir, shown_dir, "kustomize", False)
        for name in sorted(filenames):
            hint = detect(name, name if rel_dir == "." else f"{rel_dir}/{name}")
            if hint is None:
                continue
            full = prefix + name
            if active and gitignore.ignored(full, False, active):
                continue
            if shown_dir == ".":
                shown = name
            elif shown_dir == abs_dir:  # outside the root: shown as an absolute path
                shown = abs_prefix + name
            else:
                shown = f"{shown_dir}/{name}"
                if shown == full:  # (`glmlint check dir`: one string for both names, which a scan keeps)
                    full = shown
            yield Candidate(full, shown, hint, False)
