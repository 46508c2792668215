"""Container runs without a RuntimeDefault or Localhost seccomp profile (Pod Security Standards `seccompProfile_restricted`).

## What it does
Implements the Pod Security Standards check **seccompProfile_restricted** (level
**restricted**, from **v1.19**; it replaces seccompProfile_baseline there): the pod's
`securityContext.seccompProfile.type` must be `RuntimeDefault` or `Localhost`, or every
container must set one of them itself; a pod- or container-level value other than those
is refused. From v1.25 a Windows pod (`spec.os.name: windows`) is exempt. GLM011 reports
only an explicit `Unconfined`; this rule requires a profile. In compose and `docker run` Docker applies its default
profile (the `RuntimeDefault` of Docker) unless `seccomp=unconfined` turns it off, so
only that is refused.

## Why is this bad?
Without a profile the container runs with no system-call filter (the kubelet's default
is `Unconfined`), so the whole kernel API is open to a compromised process.

## Example
```yaml
apiVersion: v1
kind: Pod
metadata: {name: api}
spec:
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
  securityContext:
    seccompProfile: {type: RuntimeDefault}
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


@rule(code="GLM035", slug="seccomp-profile-missing", severity=Severity.WARNING,
      message="{name} {what} (PSS restricted: seccompProfile_restricted)",
      formats={Format.COMPOSE, Format.KUBERNETES}, tags=("security", "pss-restricted", "cwe-693"), since="0.2.0",
      params=pss.DEFAULT, opt_in=True)
def check(workload: Workload, target: pss.Target) -> Iterator[Finding]:
    if target.judge(workload, "seccompProfile_restricted") is None:  # (a Windows pod is exempt from v1.25)
        return
    if workload.own is None or workload.pod is None:
        # compose, `docker run`: Docker applies its default profile (RuntimeDefault) unless told not to
        s = workload.seccomp
        if s.explicit and (s.value or "").strip().lower() == "unconfined":
            yield Finding(at=s.loc, args={"name": workload.label, "what": "sets `seccomp=unconfined`"})
        return
    pod, own = workload.pod.context.seccomp, workload.own.seccomp
    for s in (pod, own):
        if s is not None and s.value not in pss.ALLOWED_PROFILE_TYPES:
            yield Finding(at=s.loc, args={"name": workload.owner(s),
                                          "what": f"sets seccomp profile type `{s.value}`"})
    if own is None and (pod is None or pod.value not in pss.ALLOWED_PROFILE_TYPES) and not workload.partial:
        yield Finding(at=workload.anchor, args={
            "name": workload.label, "what": "has no seccomp profile (`seccompProfile.type: RuntimeDefault`)"})
