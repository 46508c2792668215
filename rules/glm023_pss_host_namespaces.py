"""Pod shares a host namespace (Pod Security Standards `hostNamespaces`).

## What it does
Implements the Pod Security Standards check **hostNamespaces** (level **baseline**, every
version): `spec.hostNetwork`, `spec.hostPID` and `spec.hostIPC` must be unset or false.
Unlike GLM009 it does not report `hostUsers: true`, which the admission controller
allows (it is the default). In compose and `docker run` the same namespaces are
`network_mode`/`pid`/`ipc: host` (`--network`/`--pid`/`--ipc host`); `userns_mode: host`
is not part of the check.

## Why is this bad?
The host's network namespace lets a container bind node ports and reach node-local
services (the kubelet, cloud metadata); the host's PID namespace lets it see and signal
every process of the node; the host's IPC namespace exposes shared memory of the node.
A pod in a namespace labelled `pod-security.kubernetes.io/enforce: baseline` is refused.

## Example
```yaml
apiVersion: v1
kind: Pod
metadata: {name: debug}
spec:
  hostPID: true
  containers:
  - name: debug
    image: busybox:1.36
```
Use instead:
```yaml
apiVersion: v1
kind: Pod
metadata: {name: debug}
spec:
  containers:
  - name: debug
    image: busybox:1.36
```
"""
from __future__ import annotations

from collections.abc import Iterator

from glmlint import pss
from glmlint.ir import Format, Workload
from glmlint.rule import Finding, Severity, rule

_FIELDS = ("host_network", "host_pid", "host_ipc")


@rule(code="GLM023", slug="pss-host-namespaces", severity=Severity.ERROR,
      message="{name} sets `{setting}` (PSS baseline: hostNamespaces)",
      formats={Format.COMPOSE, Format.KUBERNETES}, tags=("security", "pss-baseline", "cwe-653"), since="0.2.0",
      params=pss.DEFAULT, opt_in=True)
def check(workload: Workload, target: pss.Target) -> Iterator[Finding]:
    if target.judge(workload, "hostNamespaces") is None:
        return
    for field in _FIELDS:
        setting = getattr(workload, field)
        if setting.explicit and setting.value is True:
            # in the file's own words: `hostNetwork: true`, `network_mode: host`, `--network host`
            yield Finding(at=setting.loc, args={"name": workload.owner(setting), "setting": workload.spelled(field)})
