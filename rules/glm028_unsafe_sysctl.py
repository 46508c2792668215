"""Pod sets a sysctl outside the safe set (Pod Security Standards `sysctls`).

## What it does
Implements the Pod Security Standards check **sysctls** (level **baseline**, every
version): every `spec.securityContext.sysctls[*].name` must be in the allow-list of the
version: `kernel.shm_rmid_forced`, `net.ipv4.ip_local_port_range`,
`net.ipv4.tcp_syncookies`, `net.ipv4.ping_group_range`,
`net.ipv4.ip_unprivileged_port_start`; from v1.27 `net.ipv4.ip_local_reserved_ports`;
from v1.29 `net.ipv4.tcp_keepalive_time`, `net.ipv4.tcp_fin_timeout`,
`net.ipv4.tcp_keepalive_intvl`, `net.ipv4.tcp_keepalive_probes`; from v1.32
`net.ipv4.tcp_rmem`, `net.ipv4.tcp_wmem`; from v1.37
`net.ipv4.tcp_slow_start_after_idle`, `net.ipv4.tcp_notsent_lowat`. The version comes
from `--pss-version` (default: the latest). In compose and `docker run` the same
allow-list applies to `sysctls:` (`--sysctl`).

## Why is this bad?
Other sysctls are not isolated between pods, or can turn off kernel protections for the
whole node.

## Example
```yaml
apiVersion: v1
kind: Pod
metadata: {name: redis}
spec:
  securityContext:
    sysctls:
    - {name: net.core.somaxconn, value: "1024"}
  containers:
  - name: redis
    image: redis:7.2
```
Use instead:
```yaml
apiVersion: v1
kind: Pod
metadata: {name: redis}
spec:
  securityContext:
    sysctls:
    - {name: net.ipv4.ip_local_port_range, value: "1024 65000"}
  containers:
  - name: redis
    image: redis:7.2
```
"""
from __future__ import annotations

from collections.abc import Iterator

from glmlint import pss
from glmlint.ir import Format, Workload
from glmlint.rule import Finding, Severity, rule


@rule(code="GLM028", slug="unsafe-sysctl", severity=Severity.ERROR,
      message="{name} sets sysctl `{sysctl}`, not allowed at {version} (PSS baseline: sysctls)",
      formats={Format.COMPOSE, Format.KUBERNETES}, tags=("security", "pss-baseline", "cwe-1188"), since="0.2.0",
      params=pss.DEFAULT, opt_in=True)
def check(workload: Workload, target: pss.Target) -> Iterator[Finding]:
    version = target.judge(workload, "sysctls")
    if version is None:
        return
    allowed = pss.allowed_sysctls(version)
    judged = target.level_version(workload)
    shown = pss.version_name(judged[1] if judged is not None and judged[0] is not None else pss.LATEST)
    for sysctl in workload.sysctls:
        if sysctl.value not in allowed:
            yield Finding(at=sysctl.loc, args={"name": workload.group or workload.label, "sysctl": sysctl.value,
                                               "version": shown})
