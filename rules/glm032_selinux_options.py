"""Pod or container sets a forbidden SELinux type, user or role (Pod Security Standards `seLinuxOptions`).

## What it does
Implements the Pod Security Standards check **seLinuxOptions** (level **baseline**, every
version): `seLinuxOptions.type` of the pod and of every container may only be unset,
empty, `container_t`, `container_init_t` or `container_kvm_t` (from v1.31 also
`container_engine_t`), and `seLinuxOptions.user` and `.role` must be unset or empty.
GLM011 reports only `spc_t`; this is the admission controller's allow-list. In compose and `docker run` the same
holds for `security_opt: [label=type:...]`, `label=user:...` and `label=role:...`
(`label=disable` has no PSS equivalent: GLM011 reports it).

## Why is this bad?
Another SELinux type (`spc_t`, `unconfined_t`) or a custom user or role lifts the
confinement that keeps a container's processes away from the node's files.

## Example
```yaml
apiVersion: v1
kind: Pod
metadata: {name: agent}
spec:
  securityContext:
    seLinuxOptions: {type: spc_t}
  containers:
  - name: agent
    image: agent:1.0
```
Use instead:
```yaml
apiVersion: v1
kind: Pod
metadata: {name: agent}
spec:
  securityContext:
    seLinuxOptions: {level: "s0:c123,c456"}
  containers:
  - name: agent
    image: agent:1.0
```
"""
from __future__ import annotations

from collections.abc import Iterator

from glmlint import pss
from glmlint.ir import Format, Workload
from glmlint.rule import Finding, Severity, rule


@rule(code="GLM032", slug="selinux-options", severity=Severity.ERROR,
      message="{name} sets `seLinuxOptions.{key}: {value}` (PSS baseline: seLinuxOptions)",
      formats={Format.COMPOSE, Format.KUBERNETES}, tags=("security", "pss-baseline", "cwe-693"), since="0.2.0",
      params=pss.DEFAULT, opt_in=True)
def check(workload: Workload, target: pss.Target) -> Iterator[Finding]:
    version = target.judge(workload, "seLinuxOptions")
    if version is None:
        return
    types = pss.selinux_types(version)
    if workload.own is None or workload.pod is None:  # compose, `docker run`: `label=type:...` and friends
        for item, key, value in pss.label_options(workload.security_opts):
            if (key == "type" and value not in types) or (key in ("user", "role") and value != ""):
                yield Finding(at=item.loc, args={"name": workload.label, "key": key, "value": value},
                              message=f"{workload.label} sets `{item.value}` (SELinux {key} `{value}`; "
                                      "PSS baseline: seLinuxOptions)")
        return
    for context in (workload.pod.context, workload.own):
        if context.selinux_type is not None and context.selinux_type.value not in types:
            s = context.selinux_type
            yield Finding(at=s.loc, args={"name": workload.owner(s), "key": "type", "value": s.value})
        for key, s in (("user", context.selinux_user), ("role", context.selinux_role)):
            if s is not None and s.value != "":
                yield Finding(at=s.loc, args={"name": workload.owner(s), "key": key, "value": s.value})
