"""Container is not required to run as non-root (Pod Security Standards `runAsNonRoot`).

## What it does
Implements the Pod Security Standards check **runAsNonRoot** (level **restricted**,
every version): the pod must set `securityContext.runAsNonRoot: true`, or every container
must set it itself; `runAsNonRoot: false` anywhere is refused, even at the pod level when
every container sets `true`. From v1.35 a pod with `hostUsers: false` (a user namespace)
is exempt. GLM001 asks whether the container runs as root; this asks for the explicit
guarantee the admission controller requires.

## Why is this bad?
`runAsNonRoot: true` makes the kubelet refuse to start a container whose user is root,
whatever the image says: without it an image change can silently run the workload as
root.

## Example
```yaml
apiVersion: v1
kind: Pod
metadata: {name: api}
spec:
  containers:
  - name: api
    image: api:1.0
    securityContext: {runAsUser: 10001}
```
Use instead:
```yaml
apiVersion: v1
kind: Pod
metadata: {name: api}
spec:
  securityContext: {runAsNonRoot: true}
  containers:
  - name: api
    image: api:1.0
    securityContext: {runAsUser: 10001}
```
"""
from __future__ import annotations

from collections.abc import Iterator

from glmlint import pss
from glmlint.ir import Format, Workload
from glmlint.rule import Finding, Severity, rule


@rule(code="GLM037", slug="run-as-non-root-not-set", severity=Severity.WARNING,
      message="{name} {what} (PSS restricted: runAsNonRoot)",
      formats={Format.KUBERNETES}, tags=("security", "pss-restricted", "cwe-250"), since="0.2.0",
      params=pss.DEFAULT, opt_in=True)
def check(workload: Workload, target: pss.Target) -> Iterator[Finding]:
    version = target.judge(workload, "runAsNonRoot")
    if version is None or workload.own is None or workload.pod is None:
        return
    if version >= 35 and workload.pod.user_namespace:
        return
    pod, own = workload.pod.context.run_as_non_root, workload.own.run_as_non_root
    for s in (pod, own):
        if s is not None and s.value is not True:
            value = str(s.value).lower() if isinstance(s.value, bool) else s.value  # as YAML spells it
            yield Finding(at=s.loc, args={"name": workload.owner(s), "what": f"sets `runAsNonRoot: {value}`"})
    if own is None and (pod is None or pod.value is not True) and not workload.partial:
        yield Finding(at=workload.anchor, args={"name": workload.label,
                                                "what": "does not set `runAsNonRoot: true` (nor does its pod)"})
