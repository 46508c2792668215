"""Jupyter is allowed to run as root.

## What it does
Flags a Jupyter server (notebook, lab, server, the docker-stacks
`start-notebook` scripts) started with `--allow-root`,
`--ServerApp.allow_root=True` (or the `NotebookApp` spelling), or with
`c.ServerApp.allow_root = True` in a config file the image build writes.
The setting is resolved as Jupyter resolves it, so a later
`--ServerApp.allow_root=False` wins.

## Why is this bad?
Jupyter refuses to start as root on purpose: every notebook cell, terminal and
extension then runs as root, so a leaked token or a malicious notebook owns
the whole container, its mounted datasets and credentials, and is one kernel
bug from the node. `--allow-root` is the switch that silences the guard
instead of fixing the user.

## Example
```dockerfile
FROM pytorch/pytorch:2.3.1-cuda12.1-cudnn8-runtime
RUN pip install --no-cache-dir jupyterlab
CMD ["jupyter", "lab", "--ip=0.0.0.0", "--allow-root"]
```
Use instead:
```dockerfile
FROM pytorch/pytorch:2.3.1-cuda12.1-cudnn8-runtime
RUN pip install --no-cache-dir jupyterlab && useradd --create-home --uid 1000 jovyan
USER 1000
CMD ["jupyter", "lab", "--ip=0.0.0.0"]
```

## Fix safety
Safe where offered. The fix removes the command-line flag; `allow_root` set in a config file is
reported without a fix. It is offered only where Jupyter does not run as root,
and is safe there: the flag does nothing, and removing it only keeps a later
root run from starting silently. That is a container known to run as a
non-root user (`USER 1000`, `runAsNonRoot: true`), or a Docker Stacks image
whose own entrypoint (`start.sh`), started as root, runs Jupyter as `NB_USER`
(jovyan unless `NB_USER=root`). Where it runs as root (no `USER` on a root
base, `user: root`) or nothing says which user it runs as, Jupyter without
the flag refuses to start, so there is no fix and the finding says to set a
non-root user first (GLM001); `glmlint fix --unsafe-fixes` applies GLM001's
user and then removes the flag.
"""
from __future__ import annotations

from collections.abc import Iterator

from glmlint.ir import Format, Workload
from glmlint.jupyter import launches, switches_user
from glmlint.rule import Finding, FixSafety, Kind, RemoveSetting, Risk, Severity, rule


@rule(code="GLM015", slug="jupyter-allow-root", severity=Severity.WARNING,
      message="{name} starts Jupyter with `allow_root` enabled",
      formats={Format.DOCKERFILE, Format.COMPOSE, Format.KUBERNETES}, fix=FixSafety.SAFE,
      tags=("security", "cwe-250"),
      kind=Kind.MISCONFIGURATION, risk=Risk.LOW, services=lambda s: s.id == "jupyter")
def check(workload: Workload) -> Iterator[Finding]:
    seen = set()
    for launch in launches(workload):
        allow = launch.allow_root
        if allow is None or allow.loc in seen:
            continue
        seen.add(allow.loc)
        # the command-line flag (with its value when that is the next word); `allow_root` in a config
        # file the build writes is left alone
        fix = RemoveSetting(allow.loc, allow.source, "Remove `--allow-root`", words=allow.words) \
            if allow.source == "cli" else None
        message = None
        root = workload.runs_as_root()
        if fix is not None and root is not False and not switches_user(workload):
            # it runs as root, or nothing says it does not (and the flag says it did): without the flag Jupyter
            # exits at start (jupyter_server `ServerApp.start_app`: "Running as root is not recommended. Use
            # --allow-root to bypass.", at 9a4d6eea). Once a non-root user is set (GLM001's fix, which
            # `fix --unsafe-fixes` applies first) the flag goes as a safe fix
            why = "it runs as root" if root else "nothing here sets a non-root user"
            fix, message = None, (f"{workload.label} starts Jupyter with `allow_root` enabled (no automatic fix: "
                                  f"{why}, and Jupyter without `--allow-root` refuses to start as root; run it as "
                                  f"a non-root user (GLM001), then remove the flag)")
        yield Finding(at=allow.loc, args={"name": workload.label}, fix=fix, message=message)
