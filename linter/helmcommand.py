"""`helm`, as Kustomize runs it for `helmCharts:`, answered by glmlint's own renderer.

`kustomize build --enable-helm` (and `kubectl kustomize`) runs `helm version -c --short`, then
`helm template <release> <chart directory> --namespace <ns> -f <values> ...` for each chart of
a kustomization's `helmCharts:` (and `helm pull` first for a chart not in its `chartHome`), with
`--skip-tests` (`skipTests: true`), `--no-hooks` (`skipHooks: true`), `--include-crds`,
`--kube-version` and `--api-versions` when the entry asks (`kubeVersion`, `apiVersions`: rendered with them
by the `helm` binary and by Helm's SDK alike) (kustomize v5.5.0, as `kubectl kustomize` runs it).
glmlint gives Kustomize this command (`--helm-command`, a small script in the build's wrapper
directory, `kustomize.build`), so that an overlay with `helmCharts:` builds where Helm's SDK is
installed and no `helm` binary is (`glmlint.helm.render_manifests`: the binary when on PATH,
else the SDK). Each `helm template` also leaves what it rendered in the file `GLMLINT_HELM_RECORD`
names (one JSON line: chart directory, release, namespace and each template's output), which
lets the overlay's findings be moved to the chart's template and values lines, as for a chart.

Run as `python -m glmlint.helmcommand ARGS`.
"""
from __future__ import annotations

import json
import os
import sys

VERSION = "v3.17.0"  # what `helm version --short` answers: Kustomize wants Helm 3

# `helm template` flags that take a value (`--flag value` or `--flag=value`), as Kustomize passes them
_VALUED = {"--namespace", "-n", "--values", "-f", "--set", "--set-string", "--set-file", "--kube-version",
           "--api-versions", "-a", "--version", "--repo", "--name-template", "--post-renderer"}


def template(args: list[str]) -> int:
    from glmlint import helm

    positional: list[str] = []
    namespace = helm.NAMESPACE
    values: list[str] = []
    sets: list[str] = []
    versions: list[str] = []  # `--kube-version`, `--api-versions`
    crds = skip_tests = no_hooks = False
    i = 0
    while i < len(args):
        arg = args[i]
        name, eq, inline = arg.partition("=")
        if name in _VALUED:
            value = inline if eq else (args[i + 1] if i + 1 < len(args) else "")
            i += 1 if eq else 2
            if name in ("--namespace", "-n"):
                namespace = value
            elif name in ("--values", "-f"):
                values.append(value)
            elif name in ("--set", "--set-string"):
                sets.append(value)
            elif name in ("--kube-version", "--api-versions", "-a"):
                versions += [name, value]
            continue
        if arg == "--include-crds":
            crds = True
        elif arg == "--skip-tests":  # the entry's `skipTests: true`
            skip_tests = True
        elif arg == "--no-hooks":  # `skipHooks: true`
            no_hooks = True
        elif not arg.startswith("-"):
            positional.append(arg)
        i += 1
    if len(positional) == 1:
        release, chart = helm.RELEASE, positional[0]
    elif len(positional) == 2:
        release, chart = positional
    else:
        sys.stderr.write(f"Error: glmlint renders `helm template [NAME] CHART`, not {' '.join(args)}\n")
        return 1
    try:
        # (Helm's log on standard error is dropped: Kustomize passes it on only when the command fails)
        # (Helm's SDK checks the chart's `kubeVersion` against its default capabilities when no `--kube-version`
        # is given, as `helm template` does: Kustomize's build fails on a chart that excludes them)
        manifests = helm.render_manifests(chart, values, tuple(sets), release, namespace, crds, tuple(versions), [],
                                          check_kube=True)
    except helm.RenderError as exc:
        sys.stderr.write(f"Error: {exc}\n")
        return 1
    if skip_tests or no_hooks:  # as `helm template` prints them: not the hooks (or the test hooks) left out
        manifests = helm.without_hooks(manifests, tests_only=not no_hooks)
    out = sys.stdout
    for key in sorted(manifests):
        text = manifests[key]
        if not text.strip() or key.endswith("NOTES.txt"):
            continue
        out.write(f"---\n# Source: {key}\n{text if text.endswith(chr(10)) else text + chr(10)}")
    record = os.environ.get("GLMLINT_HELM_RECORD")
    if record:
        with open(record, "a", encoding="utf-8") as fh:
            fh.write(json.dumps({"chart": os.path.abspath(chart), "release": release, "namespace": namespace,
                                 "manifests": manifests}) + "\n")
    return 0


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if args and args[0] == "version":
        print(VERSION)
        return 0
    if args and args[0] == "template":
        return template(args[1:])
    if args and args[0] == "pull":
        import shutil

        binary = shutil.which("helm")
        if binary is not None:  # a chart not in `chartHome`: Helm fetches it
            os.execv(binary, [binary, *args])
        sys.stderr.write("Error: the chart is not in the kustomization's `chartHome` (`charts/` unless set): "
                         "glmlint renders local charts only; `helm pull --untar` it there to check it\n")
        return 1
    sys.stderr.write(f"Error: glmlint answers `helm version` and `helm template` only, not `helm {' '.join(args)}`\n")
    return 1


if __name__ == "__main__":
    raise SystemExit(main())
