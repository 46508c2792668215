"""Pod or container sets a seccomp profile other than RuntimeDefault or Localhost (Pod Security Standards `seccompProfile_baseline`).

## What it does
Implements the Pod Security Standards check **seccompProfile_baseline** (level
**baseline**, every version; at the restricted level from v1.19 GLM035 takes its place).
From v1.19: `seccompProfile.type` of the pod and of every container, where set, must be
`RuntimeDefault` or `Localhost`. Before v1.19 the annotations
`seccomp.security.alpha.kubernetes.io/pod` and
`container.seccomp.security.alpha.kubernetes.io/<container>` must be `runtime/default`,
`docker/default` or `localhost/*`. In compose and `docker run`, `seccomp=unconfined`
is refused and a profile file is a `Localhost` one.

## Why is this bad?
`Unconfined` turns off the system-call filter: the whole kernel API is open to a
compromised process.

## Example
```yaml
apiVersion: v1
kind: Pod
metadata: {name: profiler}
spec:
  securityContext:
    seccompProfile: {type: Unconfined}
  containers:
  - name: profiler
    image: profiler:1.0
```
Use instead:
```yaml
apiVersion: v1
kind: Pod
metadata: {name: profiler}
spec:
  securityContext:
    seccompProfile: {type: RuntimeDefault}
  containers:
  - name: profiler
    image: profiler:1.0
```
"""
from __future__ import annotations

from collections.abc import Iterator

from glmlint import pss
from glmlint.ir import Format, Workload
from glmlint.rule import Finding, Severity, rule


@rule(code="GLM034", slug="seccomp-profile-not-allowed", severity=Severity.ERROR,
      message="{name} sets seccomp profile {value} (PSS baseline: seccompProfile_baseline)",
      formats={Format.COMPOSE, Format.KUBERNETES}, tags=("security", "pss-baseline", "cwe-693"), since="0.2.0",
      params=pss.DEFAULT, opt_in=True)
def check(workload: Workload, target: pss.Target) -> Iterator[Finding]:
    version = target.judge(workload, "seccompProfile_baseline")
    if version is None:
        return
    if workload.own is None or workload.pod is None:  # compose, `docker run`: a profile file is `Localhost`
        s = workload.seccomp
        if s.explicit and (s.value or "").strip().lower() == "unconfined":
            yield Finding(at=s.loc, args={"name": workload.label, "value": "`unconfined`"})
        return
    if version >= 19:
        for s in (workload.pod.context.seccomp, workload.own.seccomp):
            if s is not None and s.value not in pss.ALLOWED_PROFILE_TYPES:
                yield Finding(at=s.loc, args={"name": workload.owner(s), "value": f"type `{s.value}`"})
        return
    wanted = {pss.SECCOMP_POD_ANNOTATION, pss.SECCOMP_CONTAINER_ANNOTATION + workload.name}
    for key, s in workload.pod.annotations:
        if key in wanted and not pss.seccomp_annotation_ok(s.value):
            yield Finding(at=s.loc, args={"name": workload.group if key == pss.SECCOMP_POD_ANNOTATION
                                          else workload.label, "value": f"`{s.value}` in annotation `{key}`"})
