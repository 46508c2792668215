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
The fix removes the command-line flag; `allow_root` set in a config file is
reported without a fix. Safe when the container is known to run as a non-root user: the flag does
nothing there, and removing it only keeps a later root run from starting
silently. Unsafe otherwise: a Jupyter that does run as root then refuses to
start until the image gets a non-root `USER` (GLM001).
"""
from __future__ import annotations

from collections.abc import Iterator

from glmlint.ir import Format, Workload
from glmlint.jupyter import launches
from glmlint.rule import Finding, FixSafety, Kind, RemoveSetting, Risk, Severity, rule


@rule(code="GLM015", slug="jupyter-allow-root", severity=Severity.WARNING,
      message="{name} starts Jupyter with `allow_root` enabled",
      formats={Format.DOCKERFILE, Format.COMPOSE, Format.KUBERNETES}, fix=FixSafety.SAFE,
      fix_unsafe_when="the container may run as root",
      tags=("security", "cwe-250"),
      kind=Kind.MISCONFIGURATION, risk=Risk.LOW, services=lambda s: s.id == "jupyter")
def check(workload: Workload) -> Iterator[Finding]:
    seen = set()
    for launch in launches(workload):
        allow = launch.allow_root
        if allow is None or allow.loc in seen:
            continue
        seen.add(allow.loc)
        safety = None if workload.runs_as_root() is False else FixSafety.UNSAFE
        # the command-line flag (with its value when that is the next word); `allow_root` in a config
        # file the build writes is left alone
        fix = RemoveSetting(allow.loc, allow.source, "Remove `--allow-root`", words=allow.words) \
            if allow.source == "cli" else None
        yield Finding(at=allow.loc, args={"name": workload.label}, fix_safety=safety, fix=fix)
