"""Container adds a capability beyond the default set (Pod Security Standards `capabilities_baseline`).

## What it does
Implements the Pod Security Standards check **capabilities_baseline** (level
**baseline**, every version; at the restricted level from v1.22 GLM031 takes its place):
`securityContext.capabilities.add` of every container may only hold `AUDIT_WRITE`,
`CHOWN`, `DAC_OVERRIDE`, `FOWNER`, `FSETID`, `KILL`, `MKNOD`, `NET_BIND_SERVICE`,
`SETFCAP`, `SETGID`, `SETPCAP`, `SETUID`, `SYS_CHROOT`. GLM008 is a deny-list of the most
dangerous capabilities; this is PSS's allow-list (it refuses `NET_RAW`, `SYS_NICE`,
`IPC_LOCK`, ...). In compose and `docker run` the same allow-list applies to `cap_add`
(`--cap-add`), written with or without `CAP_`, in any case, as Docker reads it.

## Why is this bad?
Capabilities outside the runtime's default set widen what a compromised process can do
to the node's kernel (raw packets, kernel modules, tracing other processes, ...).

## Example
```yaml
apiVersion: v1
kind: Pod
metadata: {name: trainer}
spec:
  containers:
  - name: trainer
    image: trainer:1.0
    securityContext:
      capabilities: {add: [IPC_LOCK]}
```
Use instead:
```yaml
apiVersion: v1
kind: Pod
metadata: {name: trainer}
spec:
  containers:
  - name: trainer
    image: trainer:1.0
    securityContext:
      capabilities: {drop: [ALL], add: [NET_BIND_SERVICE]}
```
"""
from __future__ import annotations

from collections.abc import Iterator

from glmlint import pss
from glmlint.ir import Format, Workload
from glmlint.rule import Finding, Severity, rule


@rule(code="GLM030", slug="non-default-capability", severity=Severity.ERROR,
      message="{name} adds capability `{cap}` (PSS baseline: capabilities_baseline)",
      formats={Format.COMPOSE, Format.KUBERNETES}, tags=("security", "pss-baseline", "cwe-250"), since="0.2.0",
      params=pss.DEFAULT, opt_in=True)
def check(workload: Workload, target: pss.Target) -> Iterator[Finding]:
    if target.judge(workload, "capabilities_baseline") is None:
        return
    for cap in workload.cap_add.value:
        if pss.capability(cap.value, workload) not in pss.CAPABILITIES_BASELINE:
            yield Finding(at=cap.loc, args={"name": workload.label, "cap": cap.value})
