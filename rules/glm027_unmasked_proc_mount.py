"""Container unmasks /proc (Pod Security Standards `procMount`, `procMount_restricted`).

## What it does
Implements the Pod Security Standards checks **procMount** (level **baseline**, every
version) and **procMount_restricted** (level **restricted**, from **v1.35**):
`securityContext.procMount` of every container must be unset or `Default`. From v1.35 the
baseline level allows any value in a pod with `hostUsers: false` (a user namespace); the
restricted level does not. Run on its own (no profile), the rule applies the baseline
meaning. In compose and `docker run` the same is `security_opt:
[systempaths=unconfined]` (`--security-opt systempaths=unconfined`).

## Why is this bad?
`Unmasked` removes the masks the runtime puts over sensitive `/proc` and `/sys` paths
(`/proc/kcore`, `/proc/sysrq-trigger`, ...) that expose or control the node's kernel.

## Example
```yaml
apiVersion: v1
kind: Pod
metadata: {name: builder}
spec:
  containers:
  - name: buildkit
    image: moby/buildkit:v0.12.0
    securityContext: {procMount: Unmasked}
```
Use instead:
```yaml
apiVersion: v1
kind: Pod
metadata: {name: builder}
spec:
  hostUsers: false
  containers:
  - name: buildkit
    image: moby/buildkit:v0.12.0
    securityContext: {procMount: Unmasked}
```
"""
from __future__ import annotations

from collections.abc import Iterator

from glmlint import pss
from glmlint.ir import Format, Workload
from glmlint.rule import Finding, Severity, rule


@rule(code="GLM027", slug="unmasked-proc-mount", severity=Severity.ERROR,
      message="{name} sets `procMount: {value}` (PSS {level}: {check})",
      formats={Format.COMPOSE, Format.KUBERNETES}, tags=("security", "pss-baseline", "pss-restricted", "cwe-200"),
      since="0.2.0", params=pss.DEFAULT, opt_in=True)
def check(workload: Workload, target: pss.Target) -> Iterator[Finding]:
    if workload.own is None or workload.pod is None:
        # compose, `docker run`: `systempaths=unconfined` unmasks /proc and /sys as `Unmasked` does
        paths = workload.system_paths
        if paths is not None and (paths.value or "").strip().lower() == "unconfined" and (
                target.judge(workload, "procMount") is not None or target.judge(workload, "procMount_restricted")
                is not None):
            # named as the file writes it (`systempaths=unconfined`), the PSS check it matches after it
            written = next((i.value for i in workload.security_opts if i.loc == paths.loc), "systempaths=unconfined")
            level = target.judge_level(workload) or pss.BASELINE
            yield Finding(at=paths.loc, args={"name": workload.label},
                          message=f"{workload.label} sets `{written}`: /proc and /sys are unmasked "
                                  f"(PSS {level}: procMount)")
        return
    restricted = target.judge(workload, "procMount_restricted") is not None and \
        target.judge_level(workload) == pss.RESTRICTED
    version = target.judge(workload, "procMount")
    if not restricted and version is None:
        return
    mount = workload.own.proc_mount
    if mount is None or mount.value == "Default":
        return
    if not restricted and version is not None and version >= 35 and workload.pod.user_namespace:
        return  # v1.35 baseline: any value in a user namespace
    check_id = "procMount_restricted" if restricted else "procMount"
    yield Finding(at=mount.loc, args={"name": workload.label, "value": mount.value,
                                      "level": pss.RESTRICTED if restricted else pss.BASELINE, "check": check_id})
