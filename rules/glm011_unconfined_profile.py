"""Container runs without seccomp, AppArmor or SELinux confinement.

## What it does
Flags a compose `security_opt` of `seccomp:unconfined`,
`apparmor:unconfined` or `label:disable` (either `:` or `=`), and a
Kubernetes container (or its pod) with `seccompProfile.type: Unconfined`,
`appArmorProfile.type: Unconfined` or the
`container.apparmor.security.beta.kubernetes.io/<container>: unconfined`
annotation. An SELinux type of `spc_t` (the "super-privileged container" type
that `label:disable` runs under) counts as disabling SELinux too, and
`systempaths=unconfined` (compose `security_opt`, `docker run --security-opt`)
as disabling the masking of `/proc` and `/sys` paths (the Kubernetes
`procMount: Unmasked` is GLM027).

## Why is this bad?
These profiles are the runtime's second line of defence: the default seccomp
profile blocks the system calls most container escapes and kernel exploits
use (`keyctl`, `unshare`, `bpf`, `open_by_handle_at`, ...), AppArmor and
SELinux stop a process that breaks out of its namespaces from touching host
files. Turning them off trades that for convenience; debuggers and
profilers that need `ptrace` run fine under the default profile.

## Example
```yaml
services:
  notebook:
    image: quay.io/jupyter/pytorch-notebook:cuda12-2024-07-08
    security_opt:
      - seccomp:unconfined
```
Use instead:
```yaml
services:
  notebook:
    image: quay.io/jupyter/pytorch-notebook:cuda12-2024-07-08
    security_opt:
      - no-new-privileges:true
```

## Fix safety
Unsafe: a process that makes a system call the default profile blocks gets
`EPERM` (some sandboxes, nested containers and old glibc versions do).
Compose options are removed, restoring the runtime default; a Kubernetes
seccomp profile is set to `RuntimeDefault`, since a container with no profile
runs unconfined unless the kubelet enables `--seccomp-default`. A Kubernetes
AppArmor profile becomes `RuntimeDefault` (`appArmorProfile.type`) or
`runtime/default` (the `container.apparmor.security.beta.kubernetes.io/…`
annotation), where it is written. SELinux `spc_t` is reported without a fix:
which type the workload should run as is not glmlint's to guess.
"""
from __future__ import annotations

from collections.abc import Iterator

from glmlint.ir import Format, Setting, Workload
from glmlint.rule import Finding, FixSafety, Kind, RestoreDefault, Risk, Severity, rule

_DISABLED_SELINUX = {"disable", "type:spc_t", "spc_t"}


@rule(code="GLM011", slug="unconfined-profile", severity=Severity.ERROR,
      message="{name} runs with {what} disabled", formats={Format.COMPOSE, Format.KUBERNETES},
      fix=FixSafety.UNSAFE, tags=("security", "cwe-693"),
      kind=Kind.MISCONFIGURATION, risk=Risk.MEDIUM)
def check(workload: Workload) -> Iterator[Finding]:
    # (setting, its field, what it disables, whether it is off, the fix's title)
    checks: list[tuple[Setting[str | None], str, str, bool, str]] = [
        (workload.seccomp, "seccomp", "seccomp", _unconfined(workload.seccomp),
         "Restore the default seccomp profile"),
        (workload.apparmor, "apparmor", "AppArmor", _unconfined(workload.apparmor),
         "Restore the default AppArmor profile"),
        (workload.selinux, "selinux", "SELinux", (workload.selinux.value or "").strip().lower() in _DISABLED_SELINUX,
         "Restore the default SELinux profile"),
    ]
    paths = workload.system_paths
    if paths is not None and _unconfined(paths):
        checks.append((paths, "system_paths", "the masking of `/proc` and `/sys` paths", True,
                       "Restore the runtime's masked paths"))
    for setting, field, what, off, title in checks:
        if off and setting.explicit:
            yield Finding(at=setting.loc, args={"name": workload.owner(setting), "what": what},
                          fix=RestoreDefault(setting, field, title))


def _unconfined(setting: Setting[str | None]) -> bool:
    return (setting.value or "").strip().lower() == "unconfined"
