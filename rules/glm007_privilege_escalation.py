"""Container may gain privileges through setuid binaries.

## What it does
Flags a Kubernetes container whose `securityContext.allowPrivilegeEscalation`
is not `false` (absent means true) and a compose service without
`security_opt: [no-new-privileges:true]` (`no-new-privileges`,
`no-new-privileges=true` and `no-new-privileges:true` are the same option).

## Why is this bad?
Without the kernel's `no_new_privs` flag, a process can gain privileges by
executing a setuid-root binary (`sudo`, `su`, `passwd`, `mount`) or a binary
with file capabilities. An attacker who gets code execution as the
unprivileged user of a model server or notebook uses any such binary left in
the image (most CUDA and Python base images ship several) to become root.

## Example
```yaml
apiVersion: apps/v1
kind: Deployment
metadata:
  name: tgi
spec:
  selector:
    matchLabels: {app: tgi}
  template:
    metadata:
      labels: {app: tgi}
    spec:
      containers:
        - name: tgi
          image: ghcr.io/huggingface/text-generation-inference:2.2
          securityContext:
            runAsUser: 1000
```
Use instead:
```yaml
apiVersion: apps/v1
kind: Deployment
metadata:
  name: tgi
spec:
  selector:
    matchLabels: {app: tgi}
  template:
    metadata:
      labels: {app: tgi}
    spec:
      containers:
        - name: tgi
          image: ghcr.io/huggingface/text-generation-inference:2.2
          securityContext:
            runAsUser: 1000
            allowPrivilegeEscalation: false
```

A privileged container, or one that adds `SYS_ADMIN`, escalates whatever the
setting says (Kubernetes even rejects `allowPrivilegeEscalation: false`
beside either): its fix also removes `privileged: true` or the `SYS_ADMIN`
capability (the GLM003 and GLM008 fixes).

## Fix safety
Unsafe (more so where it also removes privileged mode or `SYS_ADMIN`): with
`no_new_privs` set, setuid binaries and file capabilities stop
working. A non-root process that calls `sudo` or `su` (notebook images with
`GRANT_SUDO`, dev containers), a server binary given `setcap
cap_net_bind_service+ep` to bind port 80, or `ping` where it is installed
setuid fails instead of gaining the privilege.
"""
from __future__ import annotations

from collections.abc import Iterator

from glmlint.ir import Format, Workload
from glmlint.rule import Finding, FixSafety, Intent, Severity, remove_item, rule, set_value, unset


@rule(code="GLM007", slug="privilege-escalation", severity=Severity.WARNING,
      message="{name} allows privilege escalation", formats={Format.COMPOSE, Format.KUBERNETES},
      fix=FixSafety.UNSAFE, tags=("security", "cwe-269"))
def check(workload: Workload) -> Iterator[Finding]:
    ape = workload.allow_privilege_escalation
    if ape.value is False:
        return
    name = workload.label
    fix = (*_grants(workload), set_value(ape, "allow_privilege_escalation", False,
                                         title="Forbid privilege escalation (`no_new_privs`)"))
    if ape.explicit:
        yield Finding(at=ape.loc, args={"name": name}, fix=fix,
                      message=f"{name} explicitly allows privilege escalation")
    elif workload.missing(ape):
        yield Finding(at=workload.anchor, args={"name": name}, fix=fix,
                      message=f"{name} does not forbid privilege escalation (`no_new_privs` is not set)")


def _grants(workload: Workload) -> tuple[Intent, ...]:
    """Removing what escalates anyway: privileged mode and `SYS_ADMIN` (Kubernetes rejects
    `allowPrivilegeEscalation: false` beside either)."""
    out: list[Intent] = []
    if workload.privileged.value:
        out.append(unset(workload.privileged, title="Remove `privileged: true`"))
    for item in workload.cap_add.value:
        if item.value.strip().upper().removeprefix("CAP_") == "SYS_ADMIN":
            out.append(remove_item(item, title=f"Remove `{item.value}` from the added capabilities"))
    return tuple(out)
