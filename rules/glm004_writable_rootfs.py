"""Container's root filesystem is writable.

## What it does
Flags a compose service whose `read_only` is not true, a `docker run` without
`--read-only` and a Kubernetes
container whose `securityContext.readOnlyRootFilesystem` is not true.

## Why is this bad?
A writable root filesystem lets an attacker who gets code execution drop
tools, replace binaries or persist in the container. Writable paths a workload
needs (`/tmp`, a model cache) belong on volumes or tmpfs, where they are
explicit.

## Example
```yaml
services:
  notebook:
    image: quay.io/jupyter/pytorch-notebook
```
Use instead:
```yaml
services:
  notebook:
    image: quay.io/jupyter/pytorch-notebook
    read_only: true
    tmpfs: [/tmp]
    volumes: ["work:/home/jovyan/work"]
```

## Fix safety
Unsafe: a process that writes outside its volumes fails until those paths get
a volume or tmpfs.
"""
from __future__ import annotations

from collections.abc import Iterator

from glmlint.ir import Format, Workload
from glmlint.rule import Finding, FixSafety, Kind, Risk, Severity, rule, set_value


@rule(code="GLM004", slug="writable-rootfs", severity=Severity.WARNING,
      message="{name} has a writable root filesystem", formats={Format.COMPOSE, Format.KUBERNETES},
      fix=FixSafety.UNSAFE, tags=("security",),
      kind=Kind.HARDENING, risk=Risk.LOW, checklist="a read-only root filesystem")
def check(workload: Workload) -> Iterator[Finding]:
    ro = workload.read_only_rootfs
    if ro.value:
        return
    fix = set_value(ro, "read_only_rootfs", True, title="Make the root filesystem read-only")
    if ro.explicit:
        yield Finding(at=ro.loc, fix=fix, args={"name": workload.label})
    elif workload.missing(ro):
        yield Finding(at=workload.anchor, fix=fix, args={"name": workload.label})
