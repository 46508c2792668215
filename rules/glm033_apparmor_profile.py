"""Pod or container sets a forbidden AppArmor profile (Pod Security Standards `appArmorProfile`).

## What it does
Implements the Pod Security Standards check **appArmorProfile** (level **baseline**,
every version): `appArmorProfile.type` of the pod and of every container may only be
`RuntimeDefault` or `Localhost`, and every annotation
`container.apparmor.security.beta.kubernetes.io/*` may only be empty, `runtime/default` or
`localhost/*`. In compose and `docker run`, `apparmor=unconfined` is refused and a
named profile is a `Localhost` one.

## Why is this bad?
`Unconfined` (or any other value) removes the AppArmor profile that the runtime applies
by default, one of the layers that stops a compromised process from touching the node.

## Example
```yaml
apiVersion: v1
kind: Pod
metadata: {name: agent}
spec:
  containers:
  - name: agent
    image: agent:1.0
    securityContext:
      appArmorProfile: {type: Unconfined}
```
Use instead:
```yaml
apiVersion: v1
kind: Pod
metadata: {name: agent}
spec:
  containers:
  - name: agent
    image: agent:1.0
    securityContext:
      appArmorProfile: {type: RuntimeDefault}
```
"""
from __future__ import annotations

from collections.abc import Iterator

from glmlint import pss
from glmlint.ir import Format, Workload
from glmlint.rule import Finding, Severity, rule


@rule(code="GLM033", slug="apparmor-profile", severity=Severity.ERROR,
      message="{name} sets AppArmor profile {value} (PSS baseline: appArmorProfile)",
      formats={Format.COMPOSE, Format.KUBERNETES}, tags=("security", "pss-baseline", "cwe-693"), since="0.2.0",
      params=pss.DEFAULT, opt_in=True)
def check(workload: Workload, target: pss.Target) -> Iterator[Finding]:
    if target.judge(workload, "appArmorProfile") is None:
        return
    if workload.own is None or workload.pod is None:  # compose, `docker run`: a named profile is `Localhost`
        s = workload.apparmor
        if s.explicit and (s.value or "").strip().lower() == "unconfined":
            yield Finding(at=s.loc, args={"name": workload.label, "value": "`unconfined`"})
        return
    for s in (workload.pod.context.apparmor, workload.own.apparmor):
        if s is not None and s.value not in pss.ALLOWED_PROFILE_TYPES:
            yield Finding(at=s.loc, args={"name": workload.owner(s), "value": f"type `{s.value}`"})
    for key, s in workload.pod.annotations:
        if key.startswith(pss.APPARMOR_ANNOTATION) and not pss.apparmor_annotation_ok(s.value):
            yield Finding(at=s.loc, args={"name": workload.group or workload.label,
                                          "value": f"`{s.value}` in annotation `{key}`"})
