"""Pod or container sets runAsUser 0 (Pod Security Standards `runAsUser`).

## What it does
Implements the Pod Security Standards check **runAsUser** (level **restricted**, from
**v1.23**): `securityContext.runAsUser` of the pod and of every container must not be 0.
From v1.35 a pod with `hostUsers: false` (a user namespace) is exempt. In compose and `docker run` the same is `user: 0`/`root` (`-u 0`); the
image's `USER`, like the image's user in Kubernetes, is not part of the check.

## Why is this bad?
User 0 in the container is root on the node's kernel unless the pod has its own user
namespace: a breakout lands as root.

## Example
```yaml
apiVersion: v1
kind: Pod
metadata: {name: api}
spec:
  securityContext: {runAsUser: 0}
  containers:
  - name: api
    image: api:1.0
```
Use instead:
```yaml
apiVersion: v1
kind: Pod
metadata: {name: api}
spec:
  securityContext: {runAsUser: 10001}
  containers:
  - name: api
    image: api:1.0
```
"""
from __future__ import annotations

from collections.abc import Iterator

from glmlint import pss
from glmlint.ir import Format, Workload
from glmlint.rule import Finding, Severity, rule


@rule(code="GLM038", slug="run-as-user-root", severity=Severity.WARNING,
      message="{name} sets user 0 (PSS restricted: runAsUser)",
      formats={Format.COMPOSE, Format.KUBERNETES}, tags=("security", "pss-restricted", "cwe-250"), since="0.2.0",
      params=pss.DEFAULT, opt_in=True)
def check(workload: Workload, target: pss.Target) -> Iterator[Finding]:
    version = target.judge(workload, "runAsUser")
    if version is None:
        return
    if workload.own is None or workload.pod is None:  # compose `user:`, `docker run -u` (not the image's USER)
        user = workload.user
        if user.explicit and user.origin is None and user.value is not None and user.value.is_root():
            yield Finding(at=user.loc, args={"name": workload.label})
        return
    if version >= 35 and workload.pod.user_namespace:
        return
    for s in (workload.pod.context.run_as_user, workload.own.run_as_user):
        if s is not None and s.value == 0 and not isinstance(s.value, bool):
            yield Finding(at=s.loc, args={"name": workload.owner(s)})
