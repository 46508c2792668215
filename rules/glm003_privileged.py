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
the finding stays and says so. Nor for one that bind-mounts the host's `/dev`
or a device under it (`/dev/infiniband` for RDMA, `/dev/nvidia0`): unprivileged,
the container sees those nodes but the device cgroup lets it open none of
them, so the workload loses the hardware it mounted; the finding says to give
it those devices (compose `devices:`, `docker run --device`, a device plugin's
resource) first.
"""
from __future__ import annotations

import posixpath
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
        devices = _host_devices(workload)
        if devices:
            yield Finding(at=privileged.loc, args={"name": workload.label},
                          message=f"{workload.label} runs privileged (no automatic fix: it mounts the host's "
                                  f"`{devices}`, whose device nodes only a privileged container may open; give it "
                                  "the devices it uses (compose `devices:`, `--device`, a device plugin's resource) "
                                  "first)")
            return
        yield Finding(at=privileged.loc, args={"name": workload.label},
                      fix=unset(privileged, title="Remove `privileged: true`"))


# what the runtime's default device rules let every container open (runc/containerd's default allow list:
# null, zero, full, random, urandom, tty, console, ptmx and pts), and the filesystems under /dev that are no devices
_NOT_DEVICES = frozenset({"/dev/null", "/dev/zero", "/dev/full", "/dev/random", "/dev/urandom", "/dev/tty",
                          "/dev/console", "/dev/ptmx", "/dev/pts", "/dev/shm", "/dev/mqueue", "/dev/hugepages",
                          "/dev/log", "/dev/termination-log"})


def _host_devices(workload: Workload) -> str | None:
    """The host path under `/dev` (or `/dev` itself) the workload bind-mounts whose device nodes it would lose."""
    for m in workload.mounts:
        if m.kind not in ("bind", "host-path") or not m.source or not m.source.startswith("/dev"):
            continue
        source = posixpath.normpath(m.source)
        if (source == "/dev" or source.startswith("/dev/")) and not any(
                source == n or source.startswith(n + "/") for n in _NOT_DEVICES):
            return source
    return None
