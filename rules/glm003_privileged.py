"""Container runs in privileged mode.

## What it does
Flags `privileged: true` on a compose service, `docker run --privileged` and
`securityContext.privileged: true` on a Kubernetes container.

## Why is this bad?
A privileged container gets every capability, all host devices and no seccomp
or AppArmor confinement: a takeover of the process is a takeover of the node.
GPU workloads do not need it: the NVIDIA runtime or device plugin exposes the
GPUs alone.

## Example
```yaml
services:
  trainer:
    image: trainer:latest
    privileged: true
```
Use instead:
```yaml
services:
  trainer:
    image: trainer:latest
    deploy:
      resources:
        reservations:
          devices: [{driver: nvidia, count: all, capabilities: [gpu]}]
```

## Fix safety
Unsafe: workloads that really use host devices (FUSE, raw block devices) may
stop working.
No fix is offered for a workload whose privilege is its purpose (a device
plugin, a kubelet plugin, a CNI plugin, a node sysctl setter; see [images](../images.md)):
the finding stays and says so.
"""
from __future__ import annotations

from collections.abc import Iterator

from glmlint.ir import Format, Workload
from glmlint.rule import Finding, FixSafety, Kind, Risk, Severity, rule, unset


@rule(code="GLM003", slug="privileged", severity=Severity.ERROR, message="{name} runs privileged",
      formats={Format.COMPOSE, Format.KUBERNETES}, fix=FixSafety.UNSAFE, tags=("security", "cwe-250"),
      kind=Kind.MISCONFIGURATION, risk=Risk.CRITICAL)
def check(workload: Workload) -> Iterator[Finding]:
    privileged = workload.privileged
    if privileged.value:
        from glmlint.catalog.purposes import purpose_of

        purpose = purpose_of(workload)
        if purpose is not None:
            yield Finding(at=privileged.loc, args={"name": workload.label},
                          message=f"{workload.label} runs privileged{purpose.note()}")
            return
        yield Finding(at=privileged.loc, args={"name": workload.label},
                      fix=unset(privileged, title="Remove `privileged: true`"))
