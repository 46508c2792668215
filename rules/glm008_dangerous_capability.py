"""Container adds a dangerous Linux capability.

## What it does
Flags `cap_add` (compose) and `securityContext.capabilities.add`
(Kubernetes) entries that give a container host-level power: `ALL`,
`SYS_ADMIN`, `NET_ADMIN`, `SYS_PTRACE`, `SYS_MODULE`, `DAC_READ_SEARCH`,
`DAC_OVERRIDE`, `SYS_RAWIO`, `BPF` and `PERFMON`, spelled with or without the
`CAP_` prefix, in any case. Narrow capabilities such as `NET_BIND_SERVICE`
(listen on a port below 1024) or `IPC_LOCK` (pin memory, as RDMA needs) are
fine.

## Why is this bad?
Each of these undoes part of the container boundary. `SYS_ADMIN` allows
`mount` and most container escapes; `SYS_MODULE` loads kernel modules;
`SYS_PTRACE` reads other processes' memory (their tokens and keys);
`DAC_READ_SEARCH` and `DAC_OVERRIDE` bypass file permissions (and, with the
first, `open_by_handle_at` reads host files); `NET_ADMIN` rewrites routing
and firewall rules; `SYS_RAWIO`, `BPF` and `PERFMON` reach raw devices and
kernel memory. Profilers and GPU tooling rarely need more than the runtime's
defaults; give them a dedicated, short-lived debug pod instead.

## Risk
High; critical for `ALL` and `SYS_ADMIN`, which are nearly `privileged`.

## Example
```yaml
services:
  trainer:
    image: nvcr.io/nvidia/pytorch:24.05-py3
    cap_add: [SYS_ADMIN, SYS_PTRACE]
```
Use instead:
```yaml
services:
  trainer:
    image: nvcr.io/nvidia/pytorch:24.05-py3
    cap_drop: [ALL]
    cap_add: [IPC_LOCK]
```

## Fix safety
Unsafe: a process that really uses the capability (a FUSE mount, `perf`,
`py-spy`, a VPN sidecar) fails without it.
No fix is offered for a workload whose privilege is its purpose (a device
plugin, a kubelet plugin, a CNI plugin, a node sysctl setter; see
[images](../images.md)), or a container of a pod that shares the host's
namespaces for such a purpose (a CNI plugin's agent on the host network, whose
installer writes the node's `/opt/cni/bin`): the finding stays and says so.
Nor for a capability the image exists for (a WireGuard VPN image's
`NET_ADMIN`, `purpose_capabilities` in the image catalog).
"""
from __future__ import annotations

from collections.abc import Iterator

from glmlint.catalog.images import fact
from glmlint.ir import Format, Workload
from glmlint.rule import Finding, FixSafety, Kind, Risk, Severity, remove_item, rule

DANGEROUS = frozenset({"ALL", "SYS_ADMIN", "NET_ADMIN", "SYS_PTRACE", "SYS_MODULE", "DAC_READ_SEARCH",
                       "DAC_OVERRIDE", "SYS_RAWIO", "BPF", "PERFMON"})


@rule(code="GLM008", slug="dangerous-capability", severity=Severity.ERROR,
      message="{name} adds the capability `{cap}`", formats={Format.COMPOSE, Format.KUBERNETES},
      fix=FixSafety.UNSAFE, tags=("security", "cwe-250"),
      kind=Kind.MISCONFIGURATION, risk=Risk.HIGH)
def check(workload: Workload) -> Iterator[Finding]:
    purpose = fact(workload.image.value, "purpose_capabilities") if workload.cap_add.value else None
    agent = None
    if workload.cap_add.value:
        from glmlint.catalog.purposes import purpose as purpose_named, purpose_of

        # the container's own purpose, else the one its pod shares the host's namespaces for (a CNI
        # plugin's agent on the host network, whose installer mounts /opt/cni/bin)
        agent = purpose_of(workload) or (purpose_named(workload.pod_purpose) if workload.pod_purpose else None)
    for item in workload.cap_add.value:
        cap = item.value.strip().upper().removeprefix("CAP_")
        if cap in DANGEROUS:
            what = "all capabilities" if cap == "ALL" else f"the capability `{cap}`"
            if purpose is not None and cap in {str(c).upper() for c in purpose.value}:
                # the privilege is what the image is for (a VPN's NET_ADMIN): reported, never removed
                yield Finding(at=item.loc, args={"name": workload.label, "cap": cap},
                              message=f"{workload.label} adds {what} (the `{purpose.entry}` image needs it "
                                      "for its purpose: no automatic fix; keep it only on this service)")
                continue
            if agent is not None:
                yield Finding(at=item.loc, args={"name": workload.label, "cap": cap},
                              message=f"{workload.label} adds {what}{agent.note()}")
                continue
            yield Finding(at=item.loc, args={"name": workload.label, "cap": cap},
                          message=f"{workload.label} adds {what}",
                          risk=Risk.CRITICAL if cap in ("ALL", "SYS_ADMIN") else None,
                          fix=remove_item(item, title=f"Remove `{item.value}` from the added capabilities"))
