"""Container may gain privileges through setuid binaries.

## What it does
Flags a Kubernetes container whose `securityContext.allowPrivilegeEscalation`
is not `false` (absent means true) and a compose service without
`security_opt: [no-new-privileges:true]` (`no-new-privileges`,
`no-new-privileges=true` and `no-new-privileges:true` are the same option).

A container of a Windows pod (`spec.os.name: windows`) is not reported: `allowPrivilegeEscalation` (`no_new_privs`)
is Linux's, and the API server refuses the field in a Windows pod, so no fix
writes it there either.

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
beside either): it is reported without a fix until that is removed (GLM003,
GLM008); `glmlint fix` applies this fix in the same run once their fixes do.

## Fix safety
Unsafe: with `no_new_privs` set, setuid binaries and file capabilities stop
working. A non-root process that calls `sudo` or `su` (notebook images with
`GRANT_SUDO`, dev containers), a server binary given `setcap
cap_net_bind_service+ep` to bind port 80, or `ping` where it is installed
setuid fails instead of gaining the privilege. Where the workload is known to
need one (its non-root start command runs `sudo`, `su` or `doas`, or its
image's build gives programs file capabilities with `setcap` and it may run
as a non-root user) no fix is offered and the finding says why: the fix
would stop it (GLM002's fix adds those file capabilities back to the
bounding set, which `no_new_privs` would make useless).
"""
from __future__ import annotations

from collections.abc import Iterator

from glmlint.ir import Format, Workload
from glmlint.rule import Finding, FixSafety, Kind, Risk, Severity, rule, set_value


@rule(code="GLM007", slug="privilege-escalation", severity=Severity.WARNING,
      message="{name} allows privilege escalation", formats={Format.COMPOSE, Format.KUBERNETES},
      fix=FixSafety.UNSAFE, tags=("security", "cwe-269"),
      kind=Kind.HARDENING, risk=Risk.LOW, checklist="no-new-privileges")
def check(workload: Workload) -> Iterator[Finding]:
    if workload.windows:
        return  # `no_new_privs` is Linux's; the API server refuses the field in a Windows pod
    ape = workload.allow_privilege_escalation
    if ape.value is False:
        return
    name = workload.label
    fix = None
    needs = _needs_escalation(workload)
    if not _escalates_anyway(workload) and not needs:
        fix = set_value(ape, "allow_privilege_escalation", False,
                        title="Forbid privilege escalation (`no_new_privs`)")
    note = f" (no automatic fix: {needs})" if needs else ""
    if ape.explicit:
        yield Finding(at=ape.loc, args={"name": name}, fix=fix,
                      message=f"{name} explicitly allows privilege escalation{note}")
    elif workload.missing(ape):
        yield Finding(at=workload.anchor, args={"name": name}, fix=fix,
                      message=f"{name} does not forbid privilege escalation (`no_new_privs` is not set){note}")


def _escalates_anyway(workload: Workload) -> bool:
    """Privileged or `SYS_ADMIN`: Kubernetes rejects `allowPrivilegeEscalation: false` beside either."""
    from glmlint.rules.glm002_missing_cap_drop import added_capabilities

    return bool(workload.privileged.value) or "SYS_ADMIN" in added_capabilities(workload)


def _needs_escalation(workload: Workload) -> str:
    """Why `no_new_privs` would stop what the workload runs, or "": a non-root start command's `sudo`
    (setuid root, which execve then ignores), or programs the build gives file capabilities with
    `setcap` (execve then starts a non-root user's program without them: capabilities(7), "Effect of
    user ID changes"; the kernel's `LSM_UNSAFE_NO_NEW_PRIVS` in `cap_bprm_creds_from_file`)."""
    from glmlint.rules.glm002_missing_cap_drop import file_capabilities, setuid_switch

    root = workload.runs_as_root()
    if root is True and workload.privilege_drop is None:
        # root's own capabilities stay; it needs neither setuid nor file capabilities (but a program it
        # starts as another user through `gosu app sshd` runs as that user)
        return ""
    if root is False:
        switch = setuid_switch(workload)
        if switch is not None:
            return (f"its start command runs `{switch}` as a non-root user, whose setuid bit execve ignores "
                    f"under `no_new_privs`")
    caps = file_capabilities(workload)
    if caps:
        return (f"its build gives its programs the file capabilities {', '.join(caps)} with `setcap`, which "
                f"execve ignores under `no_new_privs`: run by a non-root user they would start without them")
    return ""
