"""The values a project's scripts install a chart with: `helm upgrade --install NAME CHART -f values.yaml`.

A chart in a repository is often installed by a script beside it, with a values file the chart's own
`values.yaml` does not hold (NVIDIA nim-deploy's blueprints: `k8s_up.sh` runs `helm upgrade --install
visual-search visual-search --values values.yaml`, and the chart reads `.Values.visualSearch.name`,
which only that file sets). What is deployed is the chart rendered with those values, so that is what
is checked.

Helm reads each `-f`/`--values` file in order, a later one winning, over the chart's `values.yaml`, then
the `--set` expressions (helm pkg/cli/values/options.go `MergeValues`, at
helm/helm@7c3f6516f4d4b2d1dc34c4c9d725b973a5738679); a relative path, the chart's as well as the values
files', is read from the working directory, and a chart given as a path that exists is that directory,
unless `--repo` names a repository (pkg/action/install.go `LocateChart`, at
helm/helm@b13f3a13d4fac9a1f6b0d2e915f94464e865ceca). Only what is certain is used, as for compose files
(`glmlint.composefiles`): a `helm install` or `helm upgrade --install` (not `helm template`, a render
for linting or diffing) whose chart and every values file are literal paths that exist,
read from the script's directory (or, for a script in a subdirectory, its parent: `./scripts/up.sh` run
from the repository's root); `--set`/`--set-string` expressions written literally (one that reads a
variable, `--set "env.NVIDIA_API_KEY=$NGC_API_KEY"`, is the installer's, left out: the chart's default
stands in for it, and so is a variable alone after the release and chart, a Makefile's `$(HELM_EXT_OPTS)`); a chart every such command installs with the same values, else none. The scripts read
are those of `glmlint.composefiles` (shell scripts, Makefiles, justfiles, READMEs) in the chart's
directory and the three above it (not above a `.git`), and their `scripts/`, `bin/`, `tools/`; not a script
that installs it for a test (its name says test, e2e, ci, kind, hack, minikube, k3d, smoke, dev).
When the chart does not render with them (a `required` value a `--set "$VAR"` gives at install time), it is
rendered with its own values, with a notice (`glmlint.helm.render_chart`).
"""
from __future__ import annotations

import functools
import os
import re
import shlex
from typing import Any

from glmlint import lazyre, records
from glmlint.composefiles import CONTINUED, PREFIXES, ancestors

_SCRIPT_DIRS = ("scripts", "bin", "tools")
# a script that installs the chart for a test (a kind cluster, CI, e2e), not the deployment: its values are not
# what a user's install gets (`hack/kind-e2e.sh` `--set privileged=true`)
_TEST_SCRIPT = lazyre.compile(r"(^|[/_.-])(tests?|e2e|ci|kind|hack|minikube|k3d|smoke|dev)([/_.-]|$)", re.I)
_NAMES = frozenset({"Makefile", "makefile", "GNUmakefile", "justfile", "Justfile", ".justfile", "README.md",
                    "readme.md", "README.MD"})
_SUFFIXES = (".sh", ".bash", ".mk")
_MAX = 1 << 20
# a word that is one variable's value and nothing else: `$(OPTS)` (make; `_COMMAND` ends before its `)`),
# `${OPTS}`, `$OPTS` (shell)
_VARIABLE = lazyre.compile(r"\$(\([A-Za-z_][A-Za-z0-9_]*\)?|\{[A-Za-z_][A-Za-z0-9_]*\}|[A-Za-z_][A-Za-z0-9_]*)")
# the command up to its line's end, a `\` continuing it to the next line; Helm's global flags (the root command's
# persistent flags, `settings.AddFlags`: `--namespace`/`-n`, `--kube-context`, `--debug`, ...) may come before the
# verb, as cobra reads them (helm/helm@f64e968403b50a0d98b1aff0c24bbd94c924e9aa cmd/helm/root.go;
# roboflow/inference's README: `helm --namespace infer upgrade --create-namespace --install ...`)
_COMMAND = lazyre.compile(r"\bhelm((?:[ \t]+-[^\s;&|`)#\\]*(?:[ \t]+(?!-|upgrade\b|install\b)[^\s;&|`)#\\]+)?)*)"
                          r"\s+(upgrade|install)\b((?:[^\n;&|`)#\\]|\\\r?\n|\\.)*)")
# `helm install`/`upgrade`/`template` flags that take a value (helm v3.17 `helm install --help`, the
# global flags too); any other flag is a switch, or written `--flag=value`
_VALUED = frozenset({"-f", "--values", "--set", "--set-string", "--set-file", "--set-json", "--set-literal",
                     "-n", "--namespace", "--version", "--repo", "--timeout", "--kube-context", "--kubeconfig",
                     "--kube-apiserver", "--kube-as-user", "--kube-as-group", "--kube-ca-file", "--kube-token",
                     "--kube-tls-server-name", "--post-renderer", "--post-renderer-args", "--description",
                     "--name-template", "-a", "--api-versions", "--kube-version", "-o", "--output", "--ca-file",
                     "--cert-file", "--key-file", "--keyring", "--username", "--password", "--history-max",
                     "-l", "--labels", "--registry-config", "--repository-config", "--repository-cache",
                     "--output-dir", "-s", "--show-only", "--burst-limit", "--qps"})


def installed_with(chart_dir: str, given: Any = None) -> Any:
    """The `HelmOptions` a chart is rendered with: those the configuration or command line gives (`given`)
    when they name values, else the values the project's scripts install it with (`values_for`), else the
    chart's own."""
    from glmlint.helm import HelmOptions

    given = given or HelmOptions()
    if given.values or given.set:
        return given
    got = values_for(chart_dir)
    if got is None or not (got[0] or got[1]):
        return given
    return records.replace(given, values=got[0], set=got[1], script=got[2])


def values_for(chart_dir: str) -> tuple[tuple[str, ...], tuple[str, ...], str] | None:
    """(values files, `--set` expressions, the script line that gives them as `path:line`) of the
    scripts around `chart_dir` that install it, when they all give the same ones; None otherwise."""
    chart = os.path.realpath(chart_dir)
    found: dict[tuple[tuple[str, ...], tuple[str, ...]], str] = {}
    for here in dict.fromkeys(d for up in ancestors(chart) for d in (up, *(os.path.join(up, s) for s in _SCRIPT_DIRS))):
        for path in _scripts(here):
            for got, line in _installs(path, _stamp(path)):
                if got[0] == chart:
                    found.setdefault(got[1:], f"{path}:{line}")
    if len(found) != 1:
        return None
    (values, sets), where = next(iter(found.items()))
    return values, sets, where


def _scripts(directory: str) -> list[str]:
    try:
        names = sorted(os.listdir(directory))
    except OSError:
        return []
    return [os.path.join(directory, n) for n in names if (n in _NAMES or n.endswith(_SUFFIXES))
            and not _TEST_SCRIPT.search(n)]


def _stamp(path: str) -> tuple[int, int] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_size, st.st_mtime_ns) if st.st_size <= _MAX else None


def _installs(path: str, stamp: tuple[int, int] | None) -> tuple[tuple[tuple[str, tuple[str, ...], tuple[str, ...]], int], ...]:
    """Each `helm install` or `helm upgrade --install` of the script whose chart is a directory with a `Chart.yaml`:
    ((chart, values files, `--set` expressions), line). Only the script's reading is kept (`_helm_lines`):
    whether a chart or values file is there is asked each time (a language server scans again after edits)."""
    out = []
    for verb, rest, line in _helm_lines(path, stamp):
        got = _command(verb, rest, os.path.dirname(path))
        if got is not None:
            out.append((got, line))
    return tuple(out)


@functools.lru_cache(maxsize=256)
def _helm_lines(path: str, stamp: tuple[int, int] | None) -> tuple[tuple[str, str, int], ...]:
    """The script's `helm` commands as (verb, the rest joined across continuation lines, line), by its stamp."""
    if stamp is None:
        return ()
    try:
        with open(path, "rb") as fh:
            raw = fh.read(_MAX).decode("utf-8", "replace")
    except OSError:
        return ()
    if "helm" not in raw:
        return ()
    return tuple((m.group(2), CONTINUED.sub(" ", m.group(1) + m.group(3)), raw.count("\n", 0, m.start()) + 1)
                 for m in _COMMAND.finditer(raw))


def _command(verb: str, rest: str, directory: str) -> tuple[str, tuple[str, ...], tuple[str, ...]] | None:
    try:
        words = shlex.split(rest, comments=False, posix=True)
    except ValueError:
        return None
    positional: list[str] = []
    values: list[str] = []
    sets: list[str] = []
    generated = upgrade_install = False
    i = 0
    while i < len(words):
        w = words[i]
        name, eq, inline = w.partition("=")
        if name in _VALUED and name.startswith("-"):
            if not eq and i + 1 >= len(words):
                return None
            value = inline if eq else words[i + 1]
            i += 1 if eq else 2
            if name in ("-f", "--values"):
                values.append(value)
            elif name == "--repo":
                return None  # the chart is the repository's
            elif name in ("--set", "--set-string") and not re.search(r"[$`]", value):
                sets.append(value)
            continue
        if w in ("-g", "--generate-name"):
            generated = True
        elif w in ("-i", "--install"):
            upgrade_install = True
        elif not w.startswith("-"):
            positional.append(w)
        i += 1
    # `install NAME CHART` (`install CHART --generate-name`), `upgrade --install NAME CHART` (an upgrade
    # of a release installed otherwise: what was installed is not known here)
    if verb == "upgrade" and not upgrade_install:
        return None
    # a word after the release and chart that is only a variable is options the installer passes (a Makefile's
    # `$(HELM_EXT_OPTS)`, empty unless set: llmaz's `helm-install`), left out as a `--set` of a variable is
    while len(positional) > (1 if generated else 2) and _VARIABLE.fullmatch(positional[-1]):
        positional.pop()
    if generated:
        chart = positional[0] if len(positional) == 1 else None
    else:
        chart = positional[1] if len(positional) == 2 else None
    if chart is None:
        return None
    for base in (directory, os.path.dirname(directory)):
        where = _path(chart, base)
        if where is None or not os.path.isfile(os.path.join(where, "Chart.yaml")):
            continue
        files = [_path(v, base) for v in values]
        if any(f is None or not os.path.isfile(f) for f in files):
            return None
        return os.path.realpath(where), tuple(files), tuple(sets)  # type: ignore[arg-type]
    return None


def _path(word: str, base: str) -> str | None:
    """A literal path read from `base` (a `$PWD/`, `./` prefix aside); None for a variable, a URL, stdin."""
    for prefix in PREFIXES:
        if word.startswith(prefix):
            word = word[len(prefix):]
            break
    if not word or word == "-" or re.search(r"[$`*]", word) or "://" in word:
        return None
    return os.path.normpath(os.path.join(base, word))
