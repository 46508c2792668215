"""Container shares a namespace with the host.

## What it does
Flags compose `network_mode: host`, `pid: host`, `ipc: host` and
`userns_mode: host`, and Kubernetes `hostNetwork: true`, `hostPID: true`,
`hostIPC: true` (and an explicit `hostUsers: true`). A pod-level setting is
reported once for the pod, not once per container.

## Why is this bad?
- host network: the container binds the node's interfaces directly (a
  notebook or model server without auth is then on the node's address) and
  reaches services listening on the node's loopback, such as the kubelet's
  and cloud metadata endpoints.
- host PID: it sees and signals every process on the node and reads their
  environment and command lines, where tokens live.
- host IPC: it reads and writes the node's shared memory segments, such as
  another training job's tensors.
- host user namespace: uid 0 in the container is uid 0 on the host.

NCCL and RDMA training works without host networking through the device
plugin or a secondary network (Multus, SR-IOV).

## Example
```yaml
services:
  ray-head:
    image: rayproject/ray-ml:2.31.0-gpu
    network_mode: host
    command: ["ray", "start", "--head", "--block"]
```
Use instead:
```yaml
services:
  ray-head:
    image: rayproject/ray-ml:2.31.0-gpu
    ports: ["127.0.0.1:8265:8265"]
    command: ["ray", "start", "--head", "--block"]
```

## Fix safety
Unsafe: the workload loses what it shared. Ports it listened on must be
published, and tools that inspect host processes stop working.
No fix is offered for a workload whose privilege is its purpose (a device
plugin, a kubelet plugin, a CNI plugin, a node sysctl setter; see [images](../images.md)):
the finding stays and says so.
"""
from __future__ import annotations

from collections.abc import Iterator

from glmlint.ir import Format, Workload
from glmlint.rule import Finding, FixSafety, Kind, Risk, Severity, rule, unset

_NAMESPACES = (("host_network", "network"), ("host_pid", "PID"), ("host_ipc", "IPC"), ("host_userns", "user"))


@rule(code="GLM009", slug="host-namespace", severity=Severity.ERROR,
      message="{name} shares the host's {ns} namespace", formats={Format.COMPOSE, Format.KUBERNETES},
      fix=FixSafety.UNSAFE, tags=("security", "cwe-653"),
      kind=Kind.MISCONFIGURATION, risk=Risk.HIGH)
def check(workload: Workload) -> Iterator[Finding]:
    for field_name, ns in _NAMESPACES:
        setting = getattr(workload, field_name)
        if setting.value:
            from glmlint.catalog.purposes import purpose, purpose_of

            shared = workload.owner(setting) != workload.label  # written for the whole pod
            # a namespace the pod shares is the purpose of the pod when one of its containers shows it:
            # every container's finding says so, and none offers a fix that would break that one
            purpose_ = purpose(workload.pod_purpose) if shared and workload.pod_purpose else purpose_of(workload)
            yield Finding(at=setting.loc, args={"name": workload.owner(setting), "ns": ns},
                          fix=None if purpose_ is not None else unset(setting, title=f"Stop sharing the host's {ns} namespace"),
                          message=None if purpose_ is None else
                          f"{workload.owner(setting)} shares the host's {ns} namespace{purpose_.note()}")
