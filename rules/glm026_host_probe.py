"""Probe or lifecycle handler targets another host (Pod Security Standards `hostProbesAndHostLifecycle`).

## What it does
Implements the Pod Security Standards check **hostProbesAndHostLifecycle** (level
**baseline**, from **v1.34**): the `host` of `httpGet` and `tcpSocket` in liveness,
readiness and startup probes and in `postStart`/`preStop` handlers must be unset or empty.

## Why is this bad?
The kubelet sends those requests from the node: a `host` lets a pod make the node connect
to any address it can reach (node-local services, cloud metadata), a server-side request
forgery through the kubelet.

## Example
```yaml
apiVersion: v1
kind: Pod
metadata: {name: api}
spec:
  containers:
  - name: api
    image: api:1.0
    livenessProbe:
      httpGet: {host: 169.254.169.254, path: /latest/meta-data/, port: 80}
```
Use instead:
```yaml
apiVersion: v1
kind: Pod
metadata: {name: api}
spec:
  containers:
  - name: api
    image: api:1.0
    livenessProbe:
      httpGet: {path: /healthz, port: 8080}
```
"""
from __future__ import annotations

from collections.abc import Iterator

from glmlint import pss
from glmlint.ir import Format, Workload
from glmlint.rule import Finding, Severity, rule


@rule(code="GLM026", slug="host-probe", severity=Severity.ERROR,
      message="{name} probes host `{host}` (PSS baseline: hostProbesAndHostLifecycle)",
      formats={Format.KUBERNETES}, tags=("security", "pss-baseline", "cwe-918"), since="0.2.0",
      params=pss.DEFAULT, opt_in=True)
def check(workload: Workload, target: pss.Target) -> Iterator[Finding]:
    if target.judge(workload, "hostProbesAndHostLifecycle") is None:
        return
    for host in workload.probe_hosts:
        yield Finding(at=host.loc, args={"name": workload.label, "host": host.value})
