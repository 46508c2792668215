"""Map locations in `helm template` output back to the templates it was rendered from.

Helm writes each rendered document as `---`, then `# Source: <chart>/templates/<file>`,
then the document. A finding in that document is reported at the source path
and at its line within the document (the line after the `# Source:` comment is
line 1). That is the template's own line wherever no template directive above
it added or removed lines.
"""
from __future__ import annotations

import bisect
import re

_SOURCE = re.compile(r"^# Source: (\S.*?)\s*$")
_DOC_START = re.compile(r"^---(?:\s|$)")


class SourceMap:
    def __init__(self, text: str) -> None:
        self.starts: list[int] = []  # stream line where each span begins (1-based)
        self.spans: list[tuple[str | None, int]] = []  # (source path, line of its `# Source:`)
        for n, line in enumerate(text.splitlines(), 1):
            if _DOC_START.match(line):
                self.starts.append(n)
                self.spans.append((None, n))
            elif (m := _SOURCE.match(line)) is not None:
                self.starts.append(n)
                self.spans.append((m.group(1), n))

    def __bool__(self) -> bool:
        return any(path for path, _ in self.spans)

    def locate(self, line: int) -> tuple[str, int] | None:
        """(template path, line within its document) for a stream line, if Helm named one."""
        i = bisect.bisect_right(self.starts, line) - 1
        if i < 0:
            return None
        path, at = self.spans[i]
        if path is None or line <= at:
            return None
        return path, line - at


# -- rendering a chart ------------------------------------------------------------------
#
# `helm template` when a `helm` binary is on PATH, else Helm's own Go SDK in
# process (`pip install 'glmlint[helm]'`, PyPI `helm-python-sdk`: libhelm_c,
# no network, no binary). Both render offline with Helm's defaults for
# `helm template`: release `release-name`, namespace `default`, `lookup` empty.

import os  # noqa: E402
import shutil  # noqa: E402
import subprocess  # noqa: E402
from typing import Any  # noqa: E402

from collections.abc import Iterator  # noqa: E402

from glmlint import records  # noqa: E402
from glmlint.records import dataclass, field  # noqa: E402
from glmlint.rendered import Node, Place, Rendered, YamlFiles, display_path, find  # noqa: E402

RELEASE = "release-name"
NAMESPACE = "default"
CHART_FILE = "Chart.yaml"


class RenderError(Exception):
    """A chart or overlay that cannot be rendered: one line saying why and what to do, and the file
    and line it names when it names one (a template's `path:line`)."""

    def __init__(self, message: str, path: str | None = None, line: int = 0) -> None:
        super().__init__(message)
        self.path = path
        self.line = line
        # a chart whose rest rendered (`render_chart`): (the rendered stream, notices) ...
        self.partial: tuple[Rendered, list[str]] | None = None
        self.more: list[RenderError] = []  # ... and the other templates left out of it, each with its error


_AT = re.compile(r"(?:^|[\s(])([^\s:()]+?\.(?:ya?ml|tpl|txt|json)):(\d+)")


@dataclass(frozen=True)
class HelmOptions:
    """Values a chart is rendered with, as `helm template` takes them."""

    values: tuple[str, ...] = ()  # files, in order (later wins), paths as given
    set: tuple[str, ...] = ()  # `--set a.b=c` expressions
    chart_values: tuple[str, ...] = ()  # file names looked up beside each chart (config `helm.values`)
    script: str = ""  # `path:line` of the project's script whose `helm install` gave `values` and `set`


def chart_root(path: str) -> str | None:
    """The chart a file belongs to: the nearest directory with `Chart.yaml` above it, climbing out
    of `charts/<sub>/` into the parent chart that renders the subchart."""
    d = os.path.dirname(os.path.abspath(path)) if not os.path.isdir(path) else os.path.abspath(path)
    found = None
    while True:
        if os.path.isfile(os.path.join(d, CHART_FILE)):
            found = d
            parent = os.path.dirname(d)
            if os.path.basename(parent) == "charts" and os.path.isfile(os.path.join(os.path.dirname(parent), CHART_FILE)):
                d = os.path.dirname(parent)
                continue
            return found
        up = os.path.dirname(d)
        if up == d:
            return found
        d = up


def render_chart(chart_dir: str, root: str, options: HelmOptions = HelmOptions()) -> tuple[Rendered, list[str]]:
    """Render the chart at `chart_dir`; the stream and notices (missing dependencies). A chart that
    cannot render raises `RenderError`; when the rest of it renders (`_render_rest`), with that rest
    (`RenderError.partial`) and the other templates that could not render (`RenderError.more`).
    With the values a project's script installs it with (`options.script`, `glmlint.helmscripts`): those,
    and when any template does not render with them (a `required` value the script's `--set "$VAR"`
    gives at install time), the chart's own values, as without the script, with a notice saying so."""
    if options.script:
        path, _, line = options.script.rpartition(":")
        given = [f"`{display_path(v, root)}`" for v in options.values] + [f"`--set {s}`" for s in options.set]
        at = f"`{display_path(path, root)}:{line}`"
        try:
            rendered, notices = _render_chart(chart_dir, root, options)
        except RenderError as exc:
            rendered, notices = _render_chart(chart_dir, root, records.replace(options, values=(), set=(), script=""))
            notices.append(f"the values {at} installs it with ({', '.join(given)}) do not render it ({exc}): "
                           "rendered with its own")
            return rendered, notices
        return rendered, [*notices, f"rendered with the values {at} installs it with ({', '.join(given)})"]
    return _render_chart(chart_dir, root, options)


def _render_chart(chart_dir: str, root: str, options: HelmOptions) -> tuple[Rendered, list[str]]:
    missing = _missing(chart_dir)
    notices = [f"dependencies not in `charts/`, not rendered: {', '.join(missing)} "
               "(run `helm dependency build` to check them too)"] if missing else []
    values = [v for v in options.values]
    values += [os.path.join(chart_dir, n) for n in options.chart_values if os.path.isfile(os.path.join(chart_dir, n))]
    log: list[str] = []
    try:
        try:
            manifests = render_manifests(chart_dir, values, options.set, warnings=log, check_kube=True)
        except RenderError as exc:
            if _KUBE_REFUSED.search(str(exc)):
                manifests, notice = _for_a_kube_version_it_takes(exc, chart_dir, values, options.set, log)
            else:
                manifests, notice = _where_its_apis_are_served(exc, chart_dir, root, values, options.set, log)
            notices.append(notice)
    except RenderError as exc:
        error = exc
        if exc.path is None and _SCHEMA in str(exc):  # at the values line the chart's values.schema.json refuses
            raise _schema_located(exc, chart_dir, values, options.set) from None
        if missing and "charts/" not in str(exc):  # `helm template` names them itself
            # a template that includes a dependency's named template (`common.names.fullname`) fails to render
            # without it: the error says which dependencies are missing
            error = RenderError(f"{exc} (dependencies not in `charts/`: {', '.join(missing)}; run `helm dependency "
                                "build`)", exc.path, exc.line)
        rest = _render_rest(chart_dir, values, options.set, exc)
        if rest is None or not any(t.strip() for k, t in rest[0].items() if not k.endswith("NOTES.txt")):
            raise error from None  # nothing else renders: Helm's error alone, as Helm gives it
        manifests, more = rest
        notices += _helm_warns(log, missing)
        error = RenderError(f"{error} ({LEFT_OUT})", error.path, error.line)
        error.more = [RenderError(f"{m} ({LEFT_OUT})", m.path, m.line) for m in more[1:]]
        parts = documents(chart_dir, root, manifests, lambda dirs, rel: _values_chain(dirs, rel, values, root))
        rendered = Rendered.build(display_path(chart_dir, root), parts, "helm")
        rendered.partial = f"`{display_path(error.path, root)}:{error.line}`" if error.path else "a template"
        error.partial = (rendered, notices)
        raise error from None
    notices += _helm_warns(log, missing)
    parts = documents(chart_dir, root, manifests,
                      lambda dirs, rel: _values_chain(dirs, rel, values, root))
    return Rendered.build(display_path(chart_dir, root), parts, "helm"), notices


# Helm's refusal of a chart whose `Chart.yaml` `kubeVersion` excludes the Kubernetes version it renders for
# (helm pkg/action/action.go `renderResources`: "chart requires kubeVersion: %s which is incompatible with
# Kubernetes %s", at 5d84ee32cefd0ec74a74f5c83f14e04c4f844391)
_KUBE_REFUSED = re.compile(r"chart requires kubeVersion: (.+?) which is incompatible with Kubernetes v(\d+)\.(\d+)")


def _for_a_kube_version_it_takes(exc: RenderError, chart_dir: str, values: list[str], sets: tuple[str, ...],
                                 log: list[str]) -> tuple[dict[str, str], str]:
    """The chart rendered for the Kubernetes version nearest Helm's default that its `kubeVersion` takes, and
    the notice saying so, when Helm refused it for its default (`exc`); else `exc` is raised again.

    `helm template` without `--kube-version` renders for Helm's default capabilities and refuses a chart
    whose `kubeVersion` excludes them; `helm install` checks the cluster's own version, so such a chart
    is deployed only to a cluster it takes, and that is what it deploys there: the newest minor version
    below the default it takes, else the oldest above (each asked of Helm itself, at most 40: a refused
    version is refused before anything renders)."""
    m = _KUBE_REFUSED.search(str(exc))
    if m is None:
        raise exc
    constraint, major, minor = m.group(1).strip(), int(m.group(2)), int(m.group(3))
    order = sorted((n for n in range(max(0, minor - 20), minor + 21) if n != minor),
                   key=lambda n: (abs(n - minor), n > minor))
    for n in order:
        version = f"{major}.{n}.0"
        try:
            manifests = render_manifests(chart_dir, values, sets, versions=("--kube-version", version), warnings=log)
        except RenderError as again:
            if _KUBE_REFUSED.search(str(again)) is None:
                raise again from None  # it takes this version and fails for another reason: that is the error
            continue
        return manifests, (f"{CHART_FILE} `kubeVersion: {constraint}` excludes Helm's default Kubernetes "
                           f"v{major}.{minor}.0, for which `helm template` refuses the chart without "
                           f"`--kube-version`: rendered for v{version}, the nearest version it takes (as `helm "
                           f"install` renders it on such a cluster)")
    raise exc


# a check of the cluster's API versions that refuses the chart where one is not served: `{{ if not
# (.Capabilities.APIVersions.Has "clickhouse.com/v1alpha1/ClickHouseCluster") }}{{ fail … }}` (an operator's CRDs)
_NOT_SERVED = re.compile(r"\bnot\s*\(\s*\$?\.Capabilities\.APIVersions\.Has\s+\"([^\"]+)\"\s*\)")
_MAX_APIS_TRIES = 5  # gates of a chart rendered again, one after another, before giving up


def _where_its_apis_are_served(exc: RenderError, chart_dir: str, root: str, values: list[str],
                               sets: tuple[str, ...], log: list[str]) -> tuple[dict[str, str], str]:
    """The chart rendered for a cluster that serves the API versions a gate of it requires (`--api-versions
    G/V/K`, as its `fail` message itself says to pass), and the notice saying so, when the template that
    failed (`exc`) is a check (`_gate`) that fails where the cluster lacks one (`not (.Capabilities.APIVersions.Has
    "G/V/K")`: an operator's CRDs, Langfuse's ClickHouse operator); else `exc` is raised again.

    Such a gate is not the chart refusing its values: `helm install` installs it, as written, on every cluster
    where the operator is, and that is what is checked (the gate's other checks of the values still apply:
    a failure for another reason is the error). Each gate that fails in turn adds its API versions."""
    apis: list[str] = []
    first = exc
    for _ in range(_MAX_APIS_TRIES):
        more = _gate_apis(exc)
        if not more or all(a in apis for a in more):
            raise first if not apis else exc
        apis += [a for a in more if a not in apis]
        try:
            manifests = render_manifests(chart_dir, values, sets, versions=("--api-versions", ",".join(apis)),
                                         warnings=log)
        except RenderError as again:
            exc = again
            continue
        at = f"`{display_path(first.path, root)}:{first.line}`" if first.path and first.line else "a template"
        return manifests, (f"{at} refuses the chart where the cluster does not serve "
                           f"{', '.join(f'`{a}`' for a in apis)} (an operator's resources): rendered with "
                           f"`--api-versions {','.join(apis)}`, as `helm install` renders it where they are served")
    raise exc


def _gate_apis(exc: RenderError) -> list[str]:
    """The API versions the template that failed (`exc`) refuses the chart without, when it is a check
    (`_gate`): each `not (.Capabilities.APIVersions.Has "…")` in it, in order; else none."""
    if not exc.path or not os.path.isfile(exc.path) or not _gate(exc.path):
        return []
    try:
        with open(exc.path, encoding="utf-8") as f:
            text = f.read()
    except (OSError, UnicodeDecodeError):
        return []
    # and the named templates it `include`s (a chart's `_helpers.tpl`, Bitnami's `common.validations` style), and
    # theirs, as written in the chart's templates (reread24 R4)
    texts, seen = [text], set()
    names = _INCLUDED.findall(text)
    defined: dict[str, str] | None = None
    while names and len(seen) < 50:
        name = names.pop(0)
        if name in seen:
            continue
        seen.add(name)
        if defined is None:
            defined = _defines(_templates_dir(exc.path))
        body = defined.get(name)
        if body is not None:
            texts.append(body)
            names += _INCLUDED.findall(body)
    return list(dict.fromkeys(m.group(1) for body in texts for m in _NOT_SERVED.finditer(body)))


_INCLUDED = re.compile(r"\b(?:include|template)\s+\"([^\"]+)\"")


def _templates_dir(path: str) -> str:
    """The `templates` directory a chart's template is in (itself or a parent)."""
    at = os.path.dirname(path)
    while at and os.path.basename(at) != "templates" and os.path.dirname(at) != at:
        at = os.path.dirname(at)
    return at if os.path.basename(at) == "templates" else os.path.dirname(path)


def _defines(templates: str) -> dict[str, str]:
    """Each named template the chart's templates `define`, with its text up to the next `define` (its body and
    what may follow its `end`: enough to find the checks it makes)."""
    out: dict[str, str] = {}
    for base, _dirs, files in os.walk(templates):
        for name in sorted(files):
            try:
                with open(os.path.join(base, name), encoding="utf-8") as f:
                    text = f.read()
            except (OSError, UnicodeDecodeError):
                continue
            found = list(_DEFINE.finditer(text))
            for i, m in enumerate(found):
                end = found[i + 1].start() if i + 1 < len(found) else len(text)
                out.setdefault(m.group(1), text[m.end():end])
    return out


def _helm_warns(log: list[str], missing: list[str]) -> list[str]:
    """Helm's warnings while rendering, as notices: not those about a dependency missing from `charts/`
    (`ImportValues missing table from chart chart=ollama ...`), which the notice naming it already covers."""
    return [f"Helm warns: {w}" for w in log
            if not any(f"chart={name}" in w.split() for name in missing)]


_SCHEMA = "values don't meet the specifications of the schema"
_SCHEMA_AT = re.compile(r"chart\(s\):\s*(\S+?):?\s+-\s+at\s+'(/[^']*)'")


def _schema_located(error: RenderError, chart_dir: str, values: list[str], sets: tuple[str, ...]) -> RenderError:
    """Helm's refusal of the values by a `values.schema.json` (`… mlflow: - at '/replicaCount': got string,
    want integer`), at the line of the first value it names: in the last values file given that sets
    it, else the chart's `values.yaml` (a subchart's, below its name in the parent's values)."""
    from glmlint.parsers import yamlnodes as y

    m = _SCHEMA_AT.search(str(error))
    if m is None:
        return error
    keys: list[Any] = [k.replace("~1", "/").replace("~0", "~") for k in m.group(2).split("/")[1:]]
    keys = [int(k) if k.isdigit() else k for k in keys]
    if m.group(1) != (_chart_name(chart_dir) or m.group(1)):
        keys.insert(0, m.group(1))  # a subchart's: its values below its name
    dotted = ".".join(str(k) for k in keys)
    for expr in sets:  # a `--set` wins over every file: no line to point at
        key = re.sub(r"\[(\d+)\]", r".\1", expr.split("=", 1)[0])
        if key == dotted or key.startswith(dotted + ".") or dotted.startswith(key + "."):
            return error
    for path in [*reversed(values), os.path.join(chart_dir, "values.yaml")]:
        try:
            with open(path, encoding="utf-8") as fh:
                docs = [d for d in y.compose_all(fh.read()) if d is not None]
        except (OSError, UnicodeDecodeError, y.YamlError):
            continue
        got = find(docs[0], tuple(keys)) if docs else None
        if got is not None:
            node = got[0] if got[0] is not None else got[1]
            return RenderError(str(error), os.path.abspath(path), node.start_mark.line + 1)
    return error


def _render_rest(chart_dir: str, values: list[str], sets: tuple[str, ...],
                 error: RenderError) -> tuple[dict[str, str], list[RenderError]] | None:
    """What Helm renders of a chart it refuses as a whole, without the templates that fail: (the
    manifests, the error of each template left out, the first one's first), or None when the error
    names no template that can be left out.

    Helm stops at the first template that fails (`required`, `fail`, a value a dependency missing from
    `charts/` would give); each is left out in turn, in a copy of the chart, as long as Helm names a
    template of the chart's own (not a `_helpers.tpl` every template includes). The other templates
    render as they would with it: a template cannot read what another writes (one that includes a
    `define` of a template left out fails in turn and is left out too). No value is changed to get
    a template to render: what is checked is what would be deployed, less what cannot be rendered."""
    import tempfile

    if _blanked(error, chart_dir) is None:
        return None
    more: list[RenderError] = []
    with tempfile.TemporaryDirectory(prefix="glmlint-chart-") as tmp:
        copy = os.path.join(tmp, os.path.basename(os.path.abspath(chart_dir)))
        copy_chart(chart_dir, copy)
        for _ in range(_MAX_LEFT_OUT):
            rel = _blanked(error, chart_dir)
            if rel is None:
                return None
            target = os.path.join(copy, rel)
            if os.path.islink(target) or not os.path.isfile(target) or os.path.getsize(target) == 0:
                return None  # left out already and Helm still names it: do not loop
            with open(target, "w", encoding="utf-8"):
                pass
            more.append(error)
            try:
                return render_manifests(copy, values, sets), more
            except RenderError as exc:
                error = located(str(exc), chart_dir)
    return None


# the password of a URL's credentials (`scheme://user:PASSWORD@host`), as `_pieces` reads a rendered line
_URL_PASSWORD = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://[^\s:/@'\"]*:([^\s/@'\"]+)@")


def copy_chart(chart_dir: str, copy: str) -> None:
    """Copy a chart to render the copy: a symbolic link is copied as what it points to, as Helm's loader
    reads it ("found symbolic link in path ... resolved=..."): a relative one (`charts/common ->
    ../../../lib/common`, a monorepo's shared library chart) would point nowhere from the copy."""
    def dangling(directory: str, names: list[str]) -> list[str]:  # (`ignore_dangling_symlinks` tests a
        # relative link from the current directory, not from the link's)
        return [n for n in names if not os.path.exists(os.path.join(directory, n))]

    shutil.copytree(chart_dir, copy, symlinks=False, ignore=dangling)


_MAX_LEFT_OUT = 20  # templates left out of one chart before giving up
LEFT_OUT = "the chart's other templates are checked without this one"


def _blanked(error: RenderError, chart_dir: str) -> str | None:
    """The template an error names that can be left out of the chart: one of its own `templates/` (or
    a subchart directory's) that is not a partial (`_helpers.tpl`), relative to the chart, or None."""
    if not error.path:
        return None
    rel = os.path.relpath(error.path, os.path.abspath(chart_dir))
    parts = rel.split(os.sep)
    if rel.startswith(os.pardir) or "templates" not in parts or os.path.basename(rel).startswith("_"):
        return None
    if _gate(error.path):
        return None
    return rel


# an action anywhere in a template's text: a comment may run over several lines (and, since Go 1.16, an action);
# `_ACTION` below is the same over one line, which is what its users read
_ACTION_TEXT = re.compile(r"\{\{.*?\}\}", re.S)


def _gate(path: str) -> bool:
    """Whether a template is a check of the values that renders no object of its own (`validate.yaml`: nothing
    but `if`/`fail`/`required` actions, or `NOTES.txt`): its failure is the chart refusing these values, so
    Helm installs nothing with them and no other template's output is what would be deployed."""
    if os.path.basename(path) == "NOTES.txt":
        return True
    try:
        with open(path, encoding="utf-8") as f:
            text = f.read()
    except (OSError, UnicodeDecodeError):
        return False
    return all(not line.strip() or line.strip() == "---" or line.lstrip().startswith("#")
               for line in _ACTION_TEXT.sub("", text).splitlines())  # (a YAML comment renders no object either)


def render_manifests(chart_dir: str, values: list[str], sets: tuple[str, ...] = (), release: str = RELEASE,
                     namespace: str = NAMESPACE, crds: bool = False, versions: tuple[str, ...] = (),
                     warnings: list[str] | None = None, check_kube: bool = False) -> dict[str, str]:
    """What `helm template` renders, by template (`<chart>/templates/x.yaml`): the `helm` binary when on
    PATH, else Helm's SDK in process. `versions`: `--kube-version`/`--api-versions` flags, as Kustomize
    passes a `helmCharts:` entry's `kubeVersion`/`apiVersions`. `warnings`: filled with what Helm warns
    of while it renders (its log on standard error, never passed through to glmlint's own). `check_kube`:
    Helm's SDK refuses, as `helm template` does, a chart whose `kubeVersion` excludes its default capabilities
    (its plain render checks nothing)."""
    helm = shutil.which("helm")
    if helm:
        return _render_binary(helm, chart_dir, values, sets, release, namespace, crds, versions, warnings)
    return _render_sdk(chart_dir, values, sets, release, namespace, crds, versions, warnings, check_kube)


_HOOK = "helm.sh/hook"
# the events Helm knows, each lowercased and trimmed before it is looked up; a document naming any other
# is skipped ("skipping unknown hooks": neither printed by `helm template` nor installed), and `test-success`
# is Helm 2's `test` (helm pkg/release/v1/util/manifest_sorter.go `events`, `sort`, at 5d84ee32:
# https://github.com/helm/helm/blob/5d84ee32cefd0ec74a74f5c83f14e04c4f844391/pkg/release/v1/util/manifest_sorter.go)
_HOOK_EVENTS = frozenset({"pre-install", "post-install", "pre-delete", "post-delete", "pre-upgrade", "post-upgrade",
                          "pre-rollback", "post-rollback", "test", "test-success"})
_TESTS = frozenset({"test", "test-success"})


def without_hooks(manifests: dict[str, str], tests_only: bool) -> dict[str, str]:
    """The manifests less Helm's hooks, as `helm template --no-hooks` prints them (a document with a
    `helm.sh/hook` annotation), or less its test hooks only, as `--skip-tests` (an event `test`, or
    the older `test-success`, in any case). Each left-out document's lines are left blank: the others
    keep their lines within the template's output, which places their findings."""
    return _blank_hooks(manifests, lambda events: not tests_only or bool(events & _TESTS)
                        or not events <= _HOOK_EVENTS)


def _unknown_hooks_out(manifests: dict[str, str]) -> dict[str, str]:
    """The manifests less the documents whose `helm.sh/hook` names an event Helm does not know, which Helm
    skips (`helm template` prints what the `helm` binary sorted; Helm's SDK renders every template as written)."""
    return _blank_hooks(manifests, lambda events: not events <= _HOOK_EVENTS)


def _hook_of(doc: str) -> str | None:
    """A rendered document's `helm.sh/hook` annotation, or None (none, or not YAML: Helm says so)."""
    from glmlint.parsers import yamlnodes as y

    try:
        roots = y.compose_all(doc)
    except y.YamlError:
        return None
    return y.text(y.get(roots[0], "metadata", "annotations", _HOOK)) if roots and roots[0] is not None else None


def _blank_hooks(manifests: dict[str, str], drop: Any) -> dict[str, str]:
    """The manifests with each document whose `helm.sh/hook` events (lowercased, as Helm reads them)
    `drop(events)` is true for left blank."""
    out: dict[str, str] = {}
    for key, text in manifests.items():
        if _HOOK not in text:
            out[key] = text
            continue
        lines = text.split("\n")
        for start, doc in _documents(text):
            hook = _hook_of(doc)
            if hook is None or not drop({e.strip().lower() for e in hook.split(",")}):
                continue
            for i in range(start, min(len(lines), start + doc.count("\n"))):
                if not _DOC_START.match(lines[i]):
                    lines[i] = ""
        out[key] = "\n".join(lines)
    return out


def documents(chart_dir: str, root: str, manifests: dict[str, str],
              chain: Any) -> list[tuple[str, TemplateOrigin]]:
    """Each rendered document with the template it came from; `chain(dirs, rel)` gives a template's
    values files (`_values_chain`)."""
    files = YamlFiles()
    parts = []
    subcharts = _Subcharts()
    defines = _Defines(files, root)
    for key in sorted(manifests):
        text = manifests[key]
        if not text.strip() or key.endswith("NOTES.txt"):
            continue
        rel = key.split("/", 1)[1] if "/" in key else key
        disk, dirs, archive, member = subcharts.resolve(os.path.abspath(chart_dir), rel)
        template = Template(key, disk, display_path(disk, root), text, files, chain(dirs, rel),
                            chart=dirs[-1], defines=defines)
        if archive:
            template.archive, template.member = display_path(archive, root), member
            template.source = subcharts.member_text(archive, member)
        for offset, doc in _documents(text):
            parts.append((doc, TemplateOrigin(template, offset)))
    return parts


_DEFINE = re.compile(r"\{\{-?\s*define\s+\"([^\"]+)\"\s*-?\}\}")
_INCLUDE = re.compile(r"\{\{-?\s*(?:include|template)\s+\"([^\"]+)\"\s*([^|}]*?)\s*(?:\||-?\}\})")


class _Defines:
    """The named templates (`{{ define "x" }}`) of a chart's own templates directory, read once: for
    each, the file and the lines of its body."""

    def __init__(self, files: YamlFiles, root: str) -> None:
        self.files, self.root = files, root
        self._charts: dict[str, dict[str, tuple[str, int, list[str]]]] = {}
        self._objects: dict[str, dict[tuple[str, str], list[tuple[str, Any]]]] = {}

    def objects(self, chart: str) -> dict[tuple[str, str], list[tuple[str, Any]]]:
        """The Kubernetes objects written as YAML in the chart's own files outside `templates/` and
        `charts/` (what a template reads with `.Files.Get`: KServe's `files/kserve/resources.yaml`), by
        (kind, name): (file, the object's node). A file with template actions that is not YAML is left out."""
        from glmlint.parsers import yamlnodes as y

        got = self._objects.get(chart)
        if got is not None:
            return got
        got = self._objects[chart] = {}
        for dirpath, dirnames, filenames in os.walk(chart):
            dirnames[:] = sorted(d for d in dirnames if not d.startswith(".")
                                 and not (dirpath == chart and d in ("templates", "charts")))
            for name in sorted(filenames):
                path = os.path.join(dirpath, name)
                if not name.endswith((".yaml", ".yml")) or name == CHART_FILE or os.path.getsize(path) > 1_000_000:
                    continue
                for doc in self.files.docs(path):
                    kind, obj = y.text(y.get(doc, "kind")), y.text(y.get(doc, "metadata", "name"))
                    if kind and obj:
                        got.setdefault((kind, obj), []).append((path, doc))
        return got

    def find(self, chart: str, name: str) -> tuple[str, int, list[str]] | None:
        """(file, index of the body's first line in it, the body's lines) of `name` in `chart`, or None."""
        got = self._charts.get(chart)
        if got is None:
            got = self._charts[chart] = self._read(chart)
        return got.get(name)

    def _read(self, chart: str) -> dict[str, tuple[str, int, list[str]]]:
        out: dict[str, tuple[str, int, list[str]]] = {}
        top = os.path.join(chart, "templates")
        for dirpath, dirnames, filenames in os.walk(top):
            dirnames.sort()
            for name in sorted(filenames):
                path = os.path.join(dirpath, name)
                text = self.files.text(path) if os.path.getsize(path) < 1_000_000 else None
                if not text or "define" not in text:
                    continue
                lines = text.split("\n")
                for i, line in enumerate(lines):
                    m = _DEFINE.search(line)
                    if m is None or m.end() < len(line.rstrip()):
                        continue  # a define with its body on the same line
                    depth, j = 1, i + 1
                    while j < len(lines):
                        for action in _ACTION.findall(lines[j]):
                            if _OPEN.match(action):
                                depth += 1
                            elif _END.match(action):
                                depth -= 1
                        if depth <= 0:
                            break
                        j += 1
                    out.setdefault(m.group(1), (path, i + 1, lines[i + 1:j]))
        return out


class _Subcharts:
    """Where Helm's name for a subchart's template (`charts/<name or alias>/templates/x.yaml`) is on
    disk: a directory in `charts/` (whatever it is called: Helm names it by its `Chart.yaml`), or a
    packed chart (`charts/redis-17.3.2.tgz`), whose templates glmlint reads but cannot point into."""

    def __init__(self) -> None:
        self._found: dict[str, dict[str, tuple[str, str]]] = {}

    def _entries(self, chart: str) -> dict[str, tuple[str, str]]:
        """A chart's subcharts by the name Helm renders them under: ("dir" | "tgz", path)."""
        got = self._found.get(chart)
        if got is not None:
            return got
        from glmlint.parsers import yamlnodes as y

        got = {}
        charts = os.path.join(chart, "charts")
        names = sorted(os.listdir(charts)) if os.path.isdir(charts) else []
        for entry in names:
            path = os.path.join(charts, entry)
            if os.path.isfile(os.path.join(path, CHART_FILE)):
                got.setdefault(_chart_name(path) or entry, ("dir", path))
            elif entry.endswith((".tgz", ".tar.gz")) and os.path.isfile(path):
                top = _archive_top(path)
                if top:
                    got.setdefault(top, ("tgz", path))
        try:
            with open(os.path.join(chart, CHART_FILE), encoding="utf-8") as fh:
                docs = y.compose_all(fh.read())
        except (OSError, UnicodeDecodeError, y.YamlError):
            docs = []
        for dep in y.items(y.get(docs[0], "dependencies")) if docs and docs[0] is not None else []:
            name, alias = y.text(y.get(dep, "name")), y.text(y.get(dep, "alias"))
            if name and alias and name in got:
                got.setdefault(alias, got[name])
        self._found[chart] = got
        return got

    def resolve(self, chart: str, rel: str) -> tuple[str, list[str], str, str]:
        """(template path on disk, the chart directories from the top chart down to the template's,
        the archive holding it or "", its name inside the archive or "")."""
        parts = rel.split("/")
        dirs = [chart]
        i = 0
        while i + 2 < len(parts) and parts[i] == "charts":
            kind, path = self._entries(dirs[-1]).get(parts[i + 1], ("", ""))
            if kind == "tgz":
                top = _archive_top(path)
                return os.path.join(dirs[-1], *parts), dirs, path, "/".join([top, *parts[i + 2:]])
            dirs.append(path or os.path.join(dirs[-1], "charts", parts[i + 1]))
            i += 2
        return os.path.join(dirs[-1], *parts[i:]), dirs, "", ""

    def member_text(self, archive: str, member: str) -> str:
        import tarfile

        try:
            with tarfile.open(archive, "r:*") as tar:
                fh = tar.extractfile(member)
                return fh.read().decode("utf-8") if fh is not None else ""
        except (OSError, KeyError, tarfile.TarError, UnicodeDecodeError):
            return ""


def is_library(chart_dir: str) -> bool:
    """Whether the chart is a library chart (`type: library` in its Chart.yaml)."""
    from glmlint.parsers import yamlnodes as y

    try:
        with open(os.path.join(chart_dir, CHART_FILE), encoding="utf-8") as fh:
            docs = y.compose_all(fh.read())
    except (OSError, UnicodeDecodeError, y.YamlError):
        return False
    return bool(docs) and docs[0] is not None and y.text(y.get(docs[0], "type")) == "library"


def _chart_name(directory: str) -> str:
    from glmlint.parsers import yamlnodes as y

    try:
        with open(os.path.join(directory, CHART_FILE), encoding="utf-8") as fh:
            docs = y.compose_all(fh.read())
    except (OSError, UnicodeDecodeError, y.YamlError):
        return ""
    return (y.text(y.get(docs[0], "name")) or "") if docs and docs[0] is not None else ""


def _archive_top(path: str) -> str:
    """The directory a packed chart unpacks to (its chart name), or ""."""
    import tarfile

    try:
        with tarfile.open(path, "r:*") as tar:
            first = tar.next()
    except (OSError, tarfile.TarError):
        return ""
    return first.name.lstrip("./").split("/", 1)[0] if first is not None else ""


def _documents(text: str) -> list[tuple[int, str]]:
    """The YAML documents of one template's output: (line offset of the first line, text)."""
    out: list[tuple[int, str]] = []
    lines = text.split("\n")
    start, buf = 0, []
    for i, line in enumerate(lines):
        if _DOC_START.match(line):
            if "".join(buf).strip():
                out.append((start, "\n".join(buf) + "\n"))
            start, buf = i + 1, []
        else:
            buf.append(line)
    if "".join(buf).strip():
        out.append((start, "\n".join(buf).rstrip("\n") + "\n"))
    return out


def _missing(chart_dir: str) -> list[str]:
    """The dependencies `Chart.yaml` names (by alias, else name) that `charts/` does not hold."""
    from glmlint.parsers import yamlnodes as y

    try:
        with open(os.path.join(chart_dir, CHART_FILE), encoding="utf-8") as fh:
            docs = y.compose_all(fh.read())
    except (OSError, UnicodeDecodeError, y.YamlError) as exc:
        raise RenderError(f"cannot read {CHART_FILE}: {exc}") from None
    deps = y.get(docs[0], "dependencies") if docs and docs[0] is not None else None
    present = _Subcharts()._entries(os.path.abspath(chart_dir))  # by chart name, whatever the file is called
    missing = []
    for dep in y.items(deps):
        name = y.text(y.get(dep, "name"))
        if not name:
            continue
        alias = y.text(y.get(dep, "alias"))
        if name in present:
            continue
        missing.append(alias or name)
    return missing


def _render_binary(helm: str, chart_dir: str, values: list[str], sets: tuple[str, ...], release: str = RELEASE,
                   namespace: str = NAMESPACE, crds: bool = False, versions: tuple[str, ...] = (),
                   warnings: list[str] | None = None) -> dict[str, str]:
    cmd = [helm, "template", release, chart_dir, "--namespace", namespace, *versions]
    for v in values:
        cmd += ["--values", v]
    for s in sets:
        cmd += ["--set", s]
    if crds:
        cmd.append("--include-crds")
    try:
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=120, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise RenderError(f"`helm template` failed: {exc}") from None
    if done.returncode != 0:
        raise located(_first_error(done.stderr) or f"`helm template` exited {done.returncode}", chart_dir)
    if warnings is not None:
        warnings.extend(_warnings(done.stderr))
    out: dict[str, list[str]] = {}
    key = None
    for line in done.stdout.split("\n"):
        m = _SOURCE.match(line)
        if m is not None:
            key = m.group(1)
            out.setdefault(key, []).append("---\n")
            continue
        if key is not None and not _DOC_START.match(line):
            out[key].append(line + "\n")
    return {k: "".join(v) for k, v in out.items()}


# a line of Helm's log: Go's `log/slog` default (`2026/12/07 11:30:25 INFO found symbolic link in path ...`) or
# `log` (`coalesce.go:286: warning: cannot overwrite table with non table for ...`)
_LOG = re.compile(r"^(?:\d{4}/\d\d/\d\d \d\d:\d\d:\d\d(?:\.\d+)? )?(?:(DEBUG|INFO|WARN|WARNING|ERROR)(?:[+-]\d+)? )?"
                  r"(?:[\w.-]+\.go:\d+: )?(.*)$")


def _warnings(log: str) -> list[str]:
    """What of Helm's log (its standard error while it renders) says something is wrong, one line each:
    its WARN and ERROR records and `warning:` lines. Its INFO and DEBUG records (a symbolic link it
    followed) are no finding of glmlint's and are dropped."""
    out: list[str] = []
    for line in log.splitlines():
        m = _LOG.match(line.strip())
        if m is None or not m.group(2).strip():
            continue
        level, text = m.group(1), m.group(2).strip()
        if level in ("WARN", "WARNING", "ERROR") or (level is None and text.lower().startswith("warning:")):
            text = re.sub(r"^warning:\s*", "", text, flags=re.I)
            if text not in out:
                out.append(text)
    return out


def _stderr_to(into: list[str]) -> Any:
    """A context in which what is written to file descriptor 2 (Helm's Go SDK logs there itself, with
    `log/slog`'s default handler) goes to a temporary file instead, whose lines are added to `into`."""
    import contextlib
    import sys
    import tempfile

    global _STDERR_LOCK
    if _STDERR_LOCK is None:
        import threading

        _STDERR_LOCK = threading.Lock()
    lock = _STDERR_LOCK

    @contextlib.contextmanager
    def captured() -> Iterator[None]:
        with lock:  # (two threads redirecting at once would leave fd 2 on the other's file)
            try:
                sys.stderr.flush()
                saved = os.dup(2)
            except (OSError, ValueError):
                yield
                return
            with tempfile.TemporaryFile() as tmp:
                os.dup2(tmp.fileno(), 2)
                try:
                    yield
                finally:
                    os.dup2(saved, 2)
                    os.close(saved)
                    tmp.seek(0)
                    into.append(tmp.read().decode("utf-8", "replace"))

    return captured()


_STDERR_LOCK: Any = None  # (`_stderr_to`: made when first needed)


def _render_sdk(chart_dir: str, values: list[str], sets: tuple[str, ...], release: str = RELEASE,
                namespace: str = NAMESPACE, crds: bool = False, versions: tuple[str, ...] = (),
                warnings: list[str] | None = None, check_kube: bool = False) -> dict[str, str]:
    try:
        import helm_python
    except ImportError:
        raise RenderError("no Helm renderer: put `helm` on PATH or `pip install 'glmlint[helm]'` "
                          "(or set `render = false` in the configuration to skip charts)") from None
    log: list[str] = []
    try:
        user: dict[str, Any] = {}
        for path in values:
            with open(path, encoding="utf-8") as fh:
                _merge(user, helm_python.values_from_yaml(fh.read()) or {})
        for expr in sets:
            _merge(user, helm_python.parse_set_string(expr))
        with _stderr_to(log):
            chart = helm_python.Chart.load(chart_dir)
            try:
                out = dict(chart.render(user or None, name=release, namespace=namespace))
            except helm_python.HelmError:
                if not versions:
                    raise
                # a template that fails with the default capabilities (a gate on an API version these serve,
                # `_where_its_apis_are_served`) is rendered with them below: its hooks are not known then
                out = {}
            if versions or (check_kube and (chart.metadata or {}).get("kubeVersion")):
                # (with no versions: Helm's default capabilities, and its check of the chart's `kubeVersion`)
                try:
                    out = _with_capabilities(helm_python, chart, user, release, namespace, versions, out)
                except helm_python.HelmError as exc:
                    # the dry-run install refuses a chart whose dependencies are not in `charts/`, which the
                    # render above took as `helm template` does without them (a notice names them: `_missing`):
                    # with no versions asked for, that render stands (field23 F23-7, gpustack's chart)
                    if "dependencies are missing" not in str(exc):
                        raise
                    if versions:  # as `helm template` renders such a chart: without them (`_missing` names them)
                        out = _with_capabilities(helm_python, _loaded_without(helm_python, chart_dir), user, release,
                                                 namespace, versions, out)
        out = _unknown_hooks_out(out)
        if crds:  # `--include-crds`: the chart's `crds/` files as they are (Helm does not template them)
            for crd in chart.crds:
                data = crd["data"]
                out.setdefault(crd["filename"], data if isinstance(data, str) else bytes(data).decode("utf-8", "replace"))
        return out
    except OSError as exc:
        raise RenderError(f"cannot read values: {exc}") from None
    except helm_python.HelmError as exc:
        raise located(_first_error(str(exc)) or type(exc).__name__, chart_dir) from None
    finally:
        if warnings is not None:
            warnings.extend(w for w in _warnings("".join(log)) if w not in warnings)


def _loaded_without(helm_python: Any, chart_dir: str) -> Any:
    """The chart loaded by Helm's SDK from a copy whose `Chart.yaml` names none of the dependencies `charts/`
    does not hold (`_missing`): its client-side dry-run install refuses the chart with them."""
    import tempfile

    from ruamel.yaml import YAML

    missing = set(_missing(chart_dir))
    with tempfile.TemporaryDirectory(prefix="glmlint-chart-") as tmp:
        copy = os.path.join(tmp, os.path.basename(os.path.abspath(chart_dir)))
        copy_chart(chart_dir, copy)
        yaml = YAML(typ="safe", pure=True)
        path = os.path.join(copy, CHART_FILE)
        with open(path, encoding="utf-8") as fh:
            meta = yaml.load(fh)
        meta["dependencies"] = [d for d in meta.get("dependencies") or []
                                if not isinstance(d, dict) or (d.get("alias") or d.get("name")) not in missing]
        with open(path, "w", encoding="utf-8") as fh:
            yaml.dump(meta, fh)
        lock = os.path.join(copy, "Chart.lock")
        if os.path.isfile(lock):
            os.remove(lock)
        return helm_python.Chart.load(copy)


def _with_capabilities(helm_python: Any, chart: Any, user: dict[str, Any], release: str, namespace: str,
                       versions: tuple[str, ...], rendered: dict[str, str]) -> dict[str, str]:
    """The chart rendered as `helm template --kube-version V --api-versions G/V` renders it (a `helmCharts:`
    entry's `kubeVersion`, `apiVersions`): what a template branching on `.Capabilities.KubeVersion` or
    `.Capabilities.APIVersions.Has` writes for that cluster, and Helm's refusal of a chart whose
    `Chart.yaml` `kubeVersion` excludes it. The SDK's render takes Helm's default capabilities only; its
    client-side dry-run install takes both (what `helm template` itself runs), but gives no hooks: those
    are `rendered`'s (`rendered`: the chart with the default capabilities)."""
    import json

    kube, apis = "", []
    for flag, value in zip(versions[::2], versions[1::2]):
        if flag == "--kube-version":
            kube = value
        else:
            apis += [v.strip() for v in value.split(",") if v.strip()]
    opts: dict[str, Any] = {"dry_run": "client", "namespace": namespace}
    if kube:
        opts["kube_version"] = kube
    if apis:
        opts["api_versions"] = apis
    try:
        # the SDK's `Chart.render` takes no capabilities: its native `helm_install` (a client-side dry run) does,
        # reached through the binding's private names (`_native`, `_raw`), which a release may rename (pyproject
        # bounds the extra below 0.3): such a change is a render error naming the SDK, not a traceback
        native = helm_python._native
        with helm_python.Config(namespace=namespace) as cfg:
            summary = json.loads(native.call_string("helm_install", cfg._raw(), native.HANDLE(0), chart._raw(), None,
                                                    release, json.dumps(user), json.dumps(opts)))
    except (AttributeError, KeyError, TypeError) as exc:
        raise RenderError(f"helm-python-sdk {_sdk_version()} cannot render with `kubeVersion`/`apiVersions` "
                          f"({type(exc).__name__}: {exc}); glmlint needs helm-python-sdk>=0.2.2,<0.3, or put "
                          f"`helm` on PATH") from None
    out: dict[str, list[str]] = {}
    key = None
    for line in (summary.get("manifest") or "").split("\n"):
        m = _SOURCE.match(line)
        if m is not None:
            key = m.group(1)
            out.setdefault(key, []).append("---\n")
        elif key is not None and not _DOC_START.match(line):
            out[key].append(line + "\n")
    for k, text in rendered.items():  # the hook documents only
        docs = [doc for _start, doc in _documents(text) if _HOOK in doc and _hook_of(doc) is not None]
        if docs:
            out.setdefault(k, []).extend("---\n" + d for d in docs)
    return {k: "".join(v) for k, v in out.items()}


def _sdk_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("helm-python-sdk")
    except PackageNotFoundError:
        return "(version unknown)"


def _merge(into: dict[str, Any], new: dict[str, Any]) -> None:
    for k, v in new.items():
        if isinstance(v, dict) and isinstance(into.get(k), dict):
            _merge(into[k], v)
        else:
            into[k] = v


def _first_error(text: str) -> str:
    """Helm's error on one line."""
    lines = [ln.strip().removeprefix("Error: ").removeprefix("error: ") for ln in text.splitlines() if ln.strip()]
    return " ".join(lines)


def located(message: str, chart_dir: str) -> RenderError:
    """The error, with the chart file it names (`<chart>/templates/x.yaml:4:11`) as a disk path and line."""
    m = _AT.search(message)
    if m is None:
        return RenderError(message)
    rel = m.group(1).split("/", 1)
    disk = os.path.join(os.path.abspath(chart_dir), rel[1]) if len(rel) == 2 else None
    if disk is None or not os.path.isfile(disk):
        return RenderError(message)
    return RenderError(message, disk, int(m.group(2)))


def _values_chain(dirs: list[str], rel: str, user_values: list[str], root: str) -> list[tuple[str, str, tuple[str, ...]]]:
    """Where a template's `.Values` come from, first match wins: (disk path, shown path, key prefix).

    `dirs`: the chart directories from the top chart down to the template's. Later `--values`
    files win over earlier ones and over the chart's own `values.yaml`; a subchart's values are
    also set in its parent's values under the subchart's name (or alias, as Helm names it).
    """
    return values_chain(dirs, rel, [(v, ()) for v in reversed(user_values)], root)


def values_chain(dirs: list[str], rel: str, given: list[tuple[str, tuple[Any, ...]]],
                 root: str) -> list[tuple[str, str, tuple[Any, ...]]]:
    """`_values_chain` for values given as (file, key prefix of the values in it), the winning one first:
    a kustomization's `helmCharts[i].valuesInline` is a values file below a prefix."""
    parts = rel.split("/")
    subs: list[str] = []  # subchart names (as Helm renders them) from the top chart down
    i = 0
    while i + 1 < len(parts) and parts[i] == "charts":
        subs.append(parts[i + 1])
        i += 2
    chain: list[tuple[str, str, tuple[Any, ...]]] = []
    for v, prefix in given:
        chain.append((os.path.abspath(v), display_path(os.path.abspath(v), root), (*prefix, *subs)))
    for depth, d in enumerate(dirs):
        chain.append((os.path.join(d, "values.yaml"), display_path(os.path.join(d, "values.yaml"), root),
                      tuple(subs[depth:])))
    return chain


# -- where a rendered line came from ----------------------------------------------------

_ACTION = re.compile(r"\{\{.*?\}\}")
_CONTROL = re.compile(r"^\{\{-?\s*(?:if|else|end|range|with|define|/\*|\$[A-Za-z_0-9]*\s*:?=|-?\s*/\*)")
ANY = "*"  # a key path element: any item of what a `range` walks over
_ROOT: tuple[str, ...] = ("<root>",)  # dot at the top of a template: `.Values.x` and `.Release`, not a values path
_VALUES_REF = re.compile(r"\$?\.Values((?:\.[A-Za-z_][A-Za-z0-9_-]*)+)")
_WITH = re.compile(r"^\{\{-?\s*with\s+\$?\.Values((?:\.[A-Za-z_][A-Za-z0-9_-]*)+)\s*-?\}\}")
_OPEN = re.compile(r"^\{\{-?\s*(?:if|range|with|define|block)\b")
_END = re.compile(r"^\{\{-?\s*end\b")


@dataclass
class Template:
    """One template file and its rendered output, aligned line by line."""

    key: str  # as Helm names it: `<chart>/templates/x.yaml`
    disk: str
    shown: str
    rendered: str
    files: YamlFiles
    values: list[tuple[str, str, tuple[str, ...]]]
    _align: list[tuple[int | None, bool]] | None = field(default=None, repr=False)
    archive: str = ""  # a subchart packed in a `.tgz`: the archive, as reported ...
    member: str = ""  # ... the template's name inside it
    source: str | None = None  # ... and its text (read from the archive)
    chart: str = ""  # the directory of the chart the template is in
    defines: _Defines | None = field(default=None, repr=False)  # the named templates of the scan's charts

    def lines(self) -> list[str]:
        text = self.source if self.archive else self.files.text(self.disk)
        return text.split("\n") if text else []

    def align(self) -> list[tuple[int | None, bool]]:
        """For each rendered line (0-based): (template line index, written literally there)."""
        if self._align is None:
            self._align = _align(self.lines(), self.rendered.split("\n"))
        return self._align


def _matcher(line: str) -> re.Pattern[str] | str | None:
    """How a template line looks once rendered: the line itself, a pattern where it holds actions, or
    None for a line that is only actions (its output, if any, is other lines)."""
    s = line.strip()
    if not s:
        return None
    if "{{" not in s:
        return s
    pieces = re.split(r"(\{\{.*?\}\})", s)
    if any("{{" in p or "}}" in p for p in pieces[::2]):
        return None  # an action over several lines
    if not "".join(pieces[::2]).strip():
        return None  # only actions
    pattern = r"\s*"
    for i, piece in enumerate(pieces):
        if i % 2:
            # what an action writes may be empty or start a new line (`nindent`), and rendered lines
            # are compared stripped: the spaces around it are optional (`command: {{ toYaml .c | nindent 12 }}`
            # renders `command:` alone on its line)
            pattern += r"\s*.*?\s*"
        else:
            text = piece
            if i + 1 < len(pieces):
                text = text.rstrip()
            if i:
                text = text.lstrip()
            pattern += re.escape(text)
    return re.compile(pattern + r"\s*")


def _outputs(line: str) -> bool:
    """A template line whose actions write text (`toYaml`, `include`, `.Values.x`), not only control flow."""
    return any(not _CONTROL.match(a.group(0)) for a in _ACTION.finditer(line.strip()))


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


_NINDENT = re.compile(r"\|\s*n?indent\s+(\d+)\s*-?\}\}\s*$")


def _indented(line: str) -> int:
    """The indentation every line an action-only template line writes has at least: its last action's
    `nindent N` / `indent N` (0 when it has none)."""
    m = _NINDENT.search(line.rstrip())
    return int(m.group(1)) if m is not None else 0


_ELSE = re.compile(r"^\{\{-?\s*else\b")


class _Shape:
    """What each template line is to Helm: literal text outside actions (then always written, unless a
    control block around it is skipped), and the control actions on it, in order."""

    def __init__(self, template: list[str]) -> None:
        n = len(template)
        self.text = [False] * n  # literal text outside actions
        self.controls: list[list[str]] = [[] for _ in range(n)]  # "open:<kind>", "else", "end"
        inside = False  # within an action that spans lines (`{{/* ... */}}`, a long `dict`)
        for i, line in enumerate(template):
            rest = line
            outside = ""
            while rest:
                if inside:
                    j = rest.find("}}")
                    if j < 0:
                        rest = ""
                        break
                    rest, inside = rest[j + 2:], False
                    continue
                j = rest.find("{{")
                if j < 0:
                    outside += rest
                    break
                outside += rest[:j]
                k = rest.find("}}", j + 2)
                if k < 0:
                    inside, rest = True, ""
                    break
                action = rest[j:k + 2]
                m = _OPEN.match(action)
                if m is not None:
                    self.controls[i].append("open:" + action.lstrip("{-").split()[0])
                elif _ELSE.match(action):
                    self.controls[i].append("else")
                elif _END.match(action):
                    self.controls[i].append("end")
                rest = rest[k + 2:]
            self.text[i] = bool(outside.strip())

    def certain(self, i: int, depth: int) -> bool:
        """Whether line `i`, within `depth` control blocks opened since the search began, is written
        whenever the lines before it are: text, in no block that may have been skipped."""
        return self.text[i] and depth == 0 and not self.controls[i]

    def step(self, i: int, depth: int) -> int:
        """The number of blocks opened since the search began still open after line `i`. An `end`
        with none open leaves a block the search began in; an `else` then ends the branch it began
        in: what follows, to its `end`, was skipped."""
        for c in self.controls[i]:
            if c == "end":
                depth = max(0, depth - 1)
            elif c == "else":
                depth = max(depth, 1)
            else:
                depth += 1
        return depth

    def ranges(self) -> list[tuple[int, int]]:
        """Every `range` block: (line of its `range`, line of its `end`)."""
        out: list[tuple[int, int]] = []
        stack: list[tuple[str, int]] = []
        for i, cs in enumerate(self.controls):
            for c in cs:
                if c.startswith("open:"):
                    stack.append((c[5:], i))
                elif c == "end" and stack:
                    kind, at = stack.pop()
                    if kind == "range":
                        out.append((at, i))
        return out


def _align(template: list[str], rendered: list[str], indented: bool = True) -> list[tuple[int | None, bool]]:
    """For each rendered line: (the template line that wrote it, written literally there). `indented`:
    the template's text is at the indentation Helm writes it (not a `define` body `include | nindent`
    moves)."""
    matchers = [_matcher(t) for t in template]
    shape = _Shape(template)
    for i, text in enumerate(shape.text):
        if not text and isinstance(matchers[i], str):
            matchers[i] = None  # a line within an action that spans lines (a comment)
    ranges = shape.ranges()
    # a template line that starts with text is written at its own indentation: Helm copies the text
    # between actions as it is; one that starts with an action that keeps the spaces before it
    # (`{{ $key }}: {{ $val }}`, not `{{-`) at that indentation or deeper (the action may write spaces)
    indents = [None if t.lstrip().startswith("{{-") else _indent(t) for t in template]
    exact = [not t.lstrip().startswith("{{") for t in template]

    def hit(t: int, raw: str, line: str) -> bool:
        m = matchers[t]
        want = indents[t]
        if m is None or (indented and want is not None and (_indent(raw) != want if exact[t] else _indent(raw) < want)):
            return False
        return m == line if isinstance(m, str) else m.fullmatch(line) is not None

    # a line whose only text is punctuation (`{{ $k }}: {{ $v }}`, `- {{ . }}`) matches nearly any
    # rendered line: past an action that writes lines (`{{ toYaml . | nindent 10 }}`), that action is
    # the likelier writer
    weak = [not isinstance(m, str) and m is not None and not any(c.isalnum() for c in _ACTION.sub("", t))
            for m, t in zip(matchers, template)]
    emits = [m is None and "{{" in t and _outputs(t) for m, t in zip(matchers, template)]

    def ahead(cur: int, raw: str, line: str) -> int | None:
        """The next template line that may have written `line`: not past a line that Helm wrote for
        certain (text in no block skipped since), which would have been met first."""
        depth = 0
        passed = False
        for i in range(cur, min(len(template), cur + 400)):
            if hit(i, raw, line) and not (passed and weak[i]):
                return i
            if shape.certain(i, depth):
                return None
            passed = passed or emits[i]
            depth = shape.step(i, depth)
        return None

    def again(cur: int, raw: str, line: str) -> int | None:
        """A line of a `range` body written again: the loop around the last line matched restarts."""
        last = cur - 1
        for i in range(last, max(-1, cur - 400), -1):
            if any(a < i <= last < b for a, b in ranges) and hit(i, raw, line):
                return i
        return None

    out: list[tuple[int | None, bool]] = []
    cur = 0
    block = -1  # rendered lines indented deeper than this are what an action writes (a `toYaml` block)
    acting = -1  # the action line that wrote the last line no template line matched, since `cur`
    for raw in rendered:
        line = raw.strip()
        if not line or _DOC_START.match(raw):
            out.append((None, False))
            continue
        t = ahead(cur, raw, line)
        inside = 0 <= block < _indent(raw)  # deeper than what an action just began to write: more of it
        if t is None and not inside:
            t = again(cur, raw, line)
        if t is None and not inside:
            # past a line the template writes but glmlint did not recognise (text a `{{-` joined to
            # the line before): a literal line, at its indentation, is still the one that wrote it
            t = next((i for i in range(cur, min(len(template), cur + 400))
                      if isinstance(matchers[i], str) and hit(i, raw, line)), None)
        if t is not None:
            out.append((t, True))
            cur, acting = t + 1, -1
            # `key: {{ toYaml .x | nindent 8 }}`: the lines below the key are the action's
            block = _indent(raw) if line.endswith(":") and _outputs(template[t]) and "{{" in template[t] else -1
            continue
        # written by an action: a line from here on that only holds actions and writes text, before
        # the next literal line; else the line matched last, when it also writes text (`key: {{ toYaml }}`).
        # Of two such lines in a row (`{{- include "labels" . | nindent 4 }}`, then `{{ include "rules" . }}`),
        # the first wrote what follows until a line it cannot have written: one indented less than its
        # `nindent N` (`indent N`) puts every line it writes
        emitter = None
        i = max(cur, acting)
        while i < len(template) and matchers[i] is None:
            if "{{" in template[i] and _outputs(template[i]) and _indent(raw) >= _indented(template[i]):
                emitter = acting = i
                break
            i += 1
        if emitter is None:
            last = next((j for j, _ in reversed(out) if j is not None), None)
            emitter = last
        if block < 0:
            block = _indent(raw) - 1
        out.append((emitter, False))
    return out


class TemplateOrigin:
    """A document Helm rendered from a template: lines found in the template, values in `values.yaml`."""

    def __init__(self, template: Template, offset: int) -> None:
        self.template = template
        self.offset = offset  # line of the document's first line within the template's output

    def locate(self, node: Node) -> tuple[Place, tuple[Place, ...]] | None:
        tpl = self.template
        lines = tpl.lines()
        if not lines:
            return None
        align = tpl.align()
        r = self.offset + node.line - 2  # node lines count the document's `---` line
        if not 0 <= r < len(align):
            return self._from_files(node)
        t, literal = align[r]
        if t is None:
            return self._from_files(node)
        if not literal and not tpl.archive and ".Files." in lines[t]:  # `{{ .Files.Get "files/rbac.yaml" }}`
            read = self._from_files(node)
            if read is not None:
                return read
        if not literal and not tpl.archive:
            inside = self._in_define(node, r, t, lines, align)
            if inside is not None:
                return inside
        text = lines[t]
        col = _column(text, node) if literal else len(text) - len(text.lstrip()) + 1
        # the pass of the `range` around line `t` that wrote line `r`: how often that line was written before
        # (a line of text once a pass; what an action writes, a run of lines, once a pass)
        nth = sum(1 for i in range(r) if align[i] == (t, literal) and (literal or i == 0 or align[i - 1] != (t, False)))
        related = self._values(node, t, lines, nth)
        if not related and literal and node.value is not None:
            related = self._pieces(node, text, tpl.rendered.split("\n")[r], _refs_scope(lines, t))
        if tpl.archive:  # no line of the archive to point at: the message says which template line
            return Place(tpl.archive, 1, 1, detail=f"from `{tpl.member}:{t + 1}` packed in this archive"), related
        return Place(tpl.shown, t + 1, col, disk=tpl.disk), related

    def _from_files(self, node: Node) -> tuple[Place, tuple[Place, ...]] | None:
        """The place in a file of the chart (`_Defines.objects`) that holds what the template rendered
        at `node`, read with `.Files.Get` (and maybe patched): the same object (kind and name) with the
        same value at the same key path, the whole of it (a rule of a ClusterRole, every field); the
        template is the related place. None when no file holds it as rendered (a patch or a value changed it)."""
        from glmlint.parsers import yamlnodes as y

        tpl = self.template
        if tpl.defines is None or tpl.archive or node.path is None:
            return None
        doc = self._root()
        kind, name = y.text(y.get(doc, "kind")), y.text(y.get(doc, "metadata", "name"))
        got = find(doc, tuple(node.path)) if kind and name else None
        if got is None:
            return None
        mine, whole = _plain(got[1]), _plain(doc)
        best, score = None, -1
        for path, obj in tpl.defines.objects(tpl.chart).get((kind or "", name or ""), ()):
            hit = find(obj, tuple(node.path))
            if hit is None or _plain(hit[1]) != mine:
                continue
            # of a base and a patch both holding it (`kind:`, `name:`), the one more of the object is as rendered
            theirs = _plain(obj)
            n = sum(1 for k, v in whole.items() if theirs.get(k) == v)
            if n > score:
                best, score = (path, hit), n
        if best is None:
            return None
        path, hit = best
        at = hit[0] if node.is_key and hit[0] is not None else hit[1]
        return (Place(display_path(path, self.root_of(tpl)), at.start_mark.line + 1, at.start_mark.column + 1,
                      disk=path), (Place(tpl.shown, 1, 1, "read by", tpl.disk),))

    def _root(self) -> Any:
        """The rendered document's root node."""
        from glmlint.parsers import yamlnodes as y

        root = getattr(self, "_parsed", False)
        if root is False:
            text = next((doc for start, doc in _documents(self.template.rendered) if start == self.offset), "")
            try:
                root = next((d for d in y.compose_all(text) if d is not None), None)
            except y.YamlError:
                root = None
            self._parsed = root
        return root

    def line_at(self, line: int) -> tuple[Place, str] | None:
        """The template line that wrote line `line` of this document (1 is its `---`), and where that
        line is in the template's output, as Helm names it in its own YAML errors."""
        tpl = self.template
        r = self.offset + line - 2
        out = f"line {r + 1} of what `{tpl.key}` renders"
        align = tpl.align() if tpl.lines() else []
        t = align[r][0] if 0 <= r < len(align) else None
        if tpl.archive:
            return Place(tpl.archive, 1, 1), out + " (packed in this archive)"
        if t is None:
            return Place(tpl.shown, 0, 0, disk=tpl.disk), out
        return Place(tpl.shown, t + 1, 1, disk=tpl.disk), out

    def fallback(self) -> Place | None:
        tpl = self.template
        if tpl.archive:
            return Place(tpl.archive, 1, 1, detail=f"from `{tpl.member}` packed in this archive")
        if not tpl.lines():
            return None
        return Place(tpl.shown, 1, 1, disk=tpl.disk,
                     detail="rendered from this template; glmlint cannot tell which of its lines wrote it")

    def _in_define(self, node: Node, r: int, t: int, lines: list[str], align: list[tuple[int | None, bool]],
                   rendered: list[str] | None = None, top: Any = _ROOT,
                   depth: int = 0) -> tuple[Place, tuple[Place, ...]] | None:
        """A line an `include "x"` (`template "x"`) on line `t` of `lines` wrote: the line of the chart's
        own `define "x"` that wrote it (a pod spec in `_helpers.tpl`; an include there is followed in
        turn), or None. `top`: what dot is at the start of `lines`."""
        tpl = self.template
        m = _INCLUDE.search(lines[t])
        if m is None or tpl.defines is None or depth > 4:
            return None
        found = tpl.defines.find(tpl.chart, m.group(1))
        if found is None:
            return None
        path, start, body = found
        rendered = tpl.rendered.split("\n") if rendered is None else rendered

        def ours(i: int) -> bool:
            return align[i] == (t, False) or not rendered[i].strip()

        a, b = r, r
        while a > 0 and ours(a - 1):
            a -= 1
        while b + 1 < len(align) and ours(b + 1):
            b += 1
        run = rendered[a:b + 1]
        shift = min((_indent(x) for x in run if x.strip()), default=0) - \
            min((_indent(x) for x in body if x.strip() and not x.lstrip().startswith("{{")), default=0)
        if shift > 0:
            run = [x[shift:] if not x[:shift].strip() else x for x in run]
        got = _align(body, run, indented=False)
        i, literal = got[r - a] if 0 <= r - a < len(got) else (None, False)
        if i is None:
            return None
        arg = m.group(2).strip()
        dot = _ROOT if arg in (".", "$") and _refs_scope(lines, t, top)[0] is _ROOT else None
        if not literal:
            deeper = self._in_define(node, r - a, i, body, got, run, dot, depth + 1)
            if deeper is not None:
                return deeper
        text = body[i]
        col = _column(text, node) if literal else len(text) - len(text.lstrip()) + 1
        related = self._related(node, _refs(body, i, dot))
        if not related and literal and node.value is not None:
            related = self._pieces(node, text, run[r - a], _refs_scope(body, i, dot))
        return Place(display_path(path, self.root_of(tpl)), start + i + 1, col, disk=path), related

    @staticmethod
    def root_of(tpl: Template) -> str:
        return tpl.defines.root if tpl.defines is not None else ""

    def _pieces(self, node: Node, text: str, rendered: str, scope: tuple[Any, dict[str, Any]]) -> tuple[Place, ...]:
        """A value several actions write (`image: "{{ .Values.image.repository }}:{{ .Values.image.tag }}"`):
        the values line of each part, when the rendered line splits into the actions' outputs and each
        is a values file's value as written (`latest` at `tag:`)."""
        from glmlint.parsers import yamlnodes as y

        pieces = re.split(r"(\{\{.*?\}\})", text.strip())
        actions = pieces[1::2]
        if len(actions) < 2 or any(_CONTROL.match(a) for a in actions):
            return ()
        pattern = "".join(re.escape(p) if i % 2 == 0 else "(.*?)" for i, p in enumerate(pieces))
        got = re.fullmatch(pattern, rendered.strip())
        if got is None or str(node.value) not in rendered:
            return ()
        dot, names = scope
        out: list[Place] = []
        # a URL with a password (`postgres://{{ user }}:{{ password }}@{{ host }}/…`): what is said of it is its
        # password, whose line is the one a user edits (field23 F23-9): the pieces that write it (none when the
        # template writes it itself: the template line is that place)
        secret = _URL_PASSWORD.search(got.string)
        keep = [secret is None or (got.start(i) < secret.end(1) and got.end(i) > secret.start(1))
                for i in range(1, len(actions) + 1)]
        for action, part, kept in zip(actions, got.groups(), keep):
            term = _TERM.search(action[2:-2])
            ref = _resolve(term.group(1), dot, names) if term is not None else None
            if not kept or not part or ref is None or ref is _ROOT or part not in str(node.value):
                continue
            for disk, shown, prefix in self.template.values:
                hit = next((v for _k, v in (g for d in self.template.files.docs(disk)
                                            for g in _find_all(d, prefix + ref))
                            if y.is_scalar(v) and str(v.value) == part), None)
                if hit is not None:
                    out.append(Place(shown, hit.start_mark.line + 1, hit.start_mark.column + 1, "value from", disk))
                    break
        return tuple(out)

    def values_place(self, inner: tuple[tuple[tuple[str, ...], str], ...]) -> Place | None:
        """The line of the template's values files (the winning one first) that sets the first of `inner`
        ((values path, value as read)) one of them holds with that value."""
        from glmlint.parsers import yamlnodes as y

        for path, value in inner:
            for disk, shown, prefix in self.template.values:
                for doc in self.template.files.docs(disk):
                    got = find(doc, (*prefix, *path))
                    if got is not None and y.is_scalar(got[1]) and str(got[1].value).strip() == value:
                        at = got[1]
                        return Place(shown, at.start_mark.line + 1, at.start_mark.column + 1, disk=disk)
        return None

    def _values(self, node: Node, t: int, lines: list[str], nth: int = 0) -> tuple[Place, ...]:
        return self._related(node, _refs(lines, t), nth)

    def _related(self, node: Node, refs: list[tuple[Any, ...]], nth: int = 0) -> tuple[Place, ...]:
        if not refs or node.path is None:
            return ()
        path = tuple(node.path)
        for ref in refs:
            for k in range(0, len(path) + 1):
                want = ref + path[len(path) - k:]
                got = self._find_value(want, node, nth)
                if got is not None:
                    return (got,)
        return ()

    def _find_value(self, want: tuple[Any, ...], node: Node, nth: int = 0) -> Place | None:
        """The values line of `want` that holds the node's value. Through a `range` (`*` in `want`), the
        item of the `nth` pass when it holds that value (two items with the same value are each their
        own line), else the first that does."""
        from glmlint.parsers import yamlnodes as y

        def holds(key_node: Any, value_node: Any) -> bool:
            if node.value is not None:
                return y.is_scalar(value_node) and str(value_node.value) == str(node.value)
            return not y.is_scalar(value_node) or node.is_key

        for disk, shown, prefix in self.template.values:
            for doc in self.template.files.docs(disk):
                found = list(_find_all(doc, prefix + want))
                hits = [g for g in found if holds(*g)]
                if not hits:
                    continue
                key_node, value_node = (found[nth] if ANY in want and nth < len(found) and holds(*found[nth])
                                        else hits[0])
                target = key_node if node.is_key and key_node is not None else value_node
                return Place(shown, target.start_mark.line + 1, target.start_mark.column + 1, "value from", disk)
        return None


def _find_all(root: Any, path: tuple[Any, ...]) -> Iterator[tuple[Any, Any]]:
    """`rendered.find`, where `*` stands for every item of a list or value of a mapping (what a `range`
    walks over), in order."""
    from glmlint.parsers import yamlnodes as y

    if ANY not in path:
        got = find(root, path)
        if got is not None:
            yield got
        return
    i = path.index(ANY)
    got = find(root, path[:i]) if i else (None, root)
    if got is None:
        return
    over = got[1]
    if y.is_seq(over):
        for n in range(len(over.value)):
            yield from _find_all(over, (n, *path[i + 1:]))
    elif y.is_map(over):
        for key in y.entries(over):
            yield from _find_all(over, (key, *path[i + 1:]))


def _plain(node: Any) -> Any:
    """A YAML node as plain data (scalars as their text), to compare two documents' values."""
    from glmlint.parsers import yamlnodes as y

    if y.is_map(node):
        return {k.value: _plain(v) for k, v in node.value if y.is_scalar(k)}
    if y.is_seq(node):
        return [_plain(v) for v in node.value]
    return node.value if node is not None else None


def _column(text: str, node: Node) -> int:
    want = (str(node.path[-1]) + ":") if node.is_key and node.path and isinstance(node.path[-1], str) else \
        (str(node.value) if node.value is not None else "")
    at = text.find(want) if want else -1
    return at + 1 if at >= 0 else len(text) - len(text.lstrip()) + 1



# a term an action reads: `.Values.a.b` / `$.Values.a.b`, `$var.a.b`, `.a.b` (below dot), `.` alone
_TERM = re.compile(r"(?<![\w)\]])(\$?\.Values(?:\.[A-Za-z_][\w-]*)+|\$[A-Za-z_]\w*(?:\.[A-Za-z_][\w-]*)*"
                   r"|\.[A-Za-z_][\w-]*(?:\.[A-Za-z_][\w-]*)*|\.(?=[\s|)}]))")
_RANGE = re.compile(r"^\{\{-?\s*range\s+(?:(\$\w+)\s*(?:,\s*(\$\w+)\s*)?:?=\s*)?(.*?)\s*-?\}\}$", re.S)
_WITH_ANY = re.compile(r"^\{\{-?\s*with\s+(?:(\$\w+)\s*:?=\s*)?(.*?)\s*-?\}\}$", re.S)
_ASSIGN = re.compile(r"^\{\{-?\s*(\$\w+)\s*:?=\s*(.*?)\s*-?\}\}$", re.S)



def _resolve(term: str, dot: Any, names: dict[str, Any]) -> Any:
    """The values path a term reads, given what dot and each variable stand for, or None."""
    if term in (".", ""):
        return dot if dot is not _ROOT else None
    if term.startswith(("$.Values", ".Values")) and (term.startswith("$") or dot is _ROOT):
        return tuple(term.split(".")[2:])
    if term.startswith("$"):
        head, _, rest = term.partition(".")
        if head == "$":
            return None  # `$.Release`, `$.Chart`: not values
        base = names.get(head)
        return (*base, *rest.split(".")) if base is not None and rest else base
    if dot is None or dot is _ROOT:
        return None
    return (*dot, *term[1:].split("."))


def _first_term(expr: str, dot: Any, names: dict[str, Any]) -> Any:
    """The values path an action's argument reads (`.Values.x`, `$m.env`, `.securityContext | default
    dict`): its first term, when the argument starts with one."""
    expr = expr.strip().lstrip("(")
    if expr == "$" or expr.startswith(("$ ", "$|")):
        return _ROOT  # `with $`: the top again
    m = _TERM.match(expr)
    return _resolve(m.group(1), dot, names) if m is not None else None


def _refs(lines: list[str], t: int, top: Any = _ROOT) -> list[tuple[Any, ...]]:
    """The `.Values` paths the template line `t` reads: the terms on it, resolved through the `with`
    and `range` blocks around it (`toYaml .`, `.args` in a `range .Values.models`, `$m.env`) and
    the variables set before it (`{{- $container := $modelSpec.initContainer }}`). `top`: what dot
    is on the first line (the top of a template; a `define` body: what the include passed)."""
    dot, names = _refs_scope(lines, t, top)
    refs: list[tuple[Any, ...]] = []
    for action in _ACTION.findall(lines[t]):
        if _CONTROL.match(action) and not _ASSIGN.match(action):
            continue
        for m in _TERM.finditer(action[2:-2]):
            got = _resolve(m.group(1), dot, names)
            if got is not None and got is not _ROOT and got not in refs:
                refs.append(got)
    return refs


def _refs_scope(lines: list[str], t: int, top: Any = _ROOT) -> tuple[Any, dict[str, Any]]:
    """(what dot stands for, the variables) on template line `t`."""
    stack: list[tuple[Any, dict[str, Any]]] = [(top, {})]  # (dot, variables) of each open block
    for line in lines[:t]:
        for action in _ACTION.findall(line):
            dot, names = stack[-1]
            r = _RANGE.match(action)
            w = _WITH_ANY.match(action) if r is None else None
            a = _ASSIGN.match(action) if r is None and w is None else None
            if r is not None:
                over = _first_term(r.group(3), dot, names)
                item = (*over, ANY) if over is not None else None
                inner = dict(names)
                if r.group(2):  # `range $i, $v := X`
                    inner[r.group(2)] = item
                elif r.group(1):  # `range $v := X`
                    inner[r.group(1)] = item
                stack.append((item, inner))
            elif w is not None:
                got = _first_term(w.group(2), dot, names)
                inner = dict(names)
                if w.group(1):
                    inner[w.group(1)] = got
                stack.append((got, inner))
            elif a is not None:
                names[a.group(1)] = _first_term(a.group(2), dot, names)
            elif _OPEN.match(action):
                stack.append((None if action.lstrip("{- ").startswith(("define", "block")) else dot, dict(names)))
            elif _END.match(action) and len(stack) > 1:
                stack.pop()
    return stack[-1]
