"""Windows pod or container runs as a HostProcess (Pod Security Standards `windowsHostProcess`).

## What it does
Implements the Pod Security Standards check **windowsHostProcess** (level **baseline**,
every version): `securityContext.windowsOptions.hostProcess` of the pod and of every
container must be unset or false.

## Why is this bad?
A Windows HostProcess container runs directly on the node, with the node's network and
file system and as a node account: it is the Windows equivalent of a privileged pod.

## Example
```yaml
apiVersion: v1
kind: Pod
metadata: {name: agent}
spec:
  securityContext:
    windowsOptions: {hostProcess: true}
  hostNetwork: true
  containers:
  - name: agent
    image: mcr.microsoft.com/windows/nanoserver:ltsc2022
```
Use instead:
```yaml
apiVersion: v1
kind: Pod
metadata: {name: agent}
spec:
  os: {name: windows}
  containers:
  - name: agent
    image: mcr.microsoft.com/windows/nanoserver:ltsc2022
```
"""
from __future__ import annotations

from collections.abc import Iterator

from glmlint import pss
from glmlint.ir import Format, Workload
from glmlint.rule import Finding, Severity, rule


@rule(code="GLM029", slug="windows-host-process", severity=Severity.ERROR,
      message="{name} sets `windowsOptions.hostProcess: true` (PSS baseline: windowsHostProcess)",
      formats={Format.KUBERNETES}, tags=("security", "pss-baseline", "cwe-250"), since="0.2.0",
      params=pss.DEFAULT, opt_in=True)
def check(workload: Workload, target: pss.Target) -> Iterator[Finding]:
    if workload.own is None or workload.pod is None or target.judge(workload, "windowsHostProcess") is None:
        return
    for setting in (workload.pod.context.host_process, workload.own.host_process):
        if setting is not None and setting.value is True:
            yield Finding(at=setting.loc, args={"name": workload.owner(setting)})
