"""Container does not set allowPrivilegeEscalation to false (Pod Security Standards `allowPrivilegeEscalation`).

## What it does
Implements the Pod Security Standards check **allowPrivilegeEscalation** (level
**restricted**, from **v1.8**): every container, init container and ephemeral container
must set `securityContext.allowPrivilegeEscalation: false`. From v1.25 a Windows pod
(`spec.os.name: windows`) is exempt, which GLM007 does not know. In compose and `docker run` the same is
`security_opt: [no-new-privileges:true]` (`--security-opt no-new-privileges`).

## Why is this bad?
Without it a process can gain privileges through set-user-ID binaries or file
capabilities (`no_new_privs` is not set).

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
  containers:
  - name: api
    image: api:1.0
    securityContext: {allowPrivilegeEscalation: false}
```
"""
from __future__ import annotations

from collections.abc import Iterator

from glmlint import pss
from glmlint.ir import Format, Workload
from glmlint.rule import Finding, Severity, rule


@rule(code="GLM039", slug="privilege-escalation-allowed", severity=Severity.WARNING,
      message="{name} {what} (PSS restricted: allowPrivilegeEscalation)",
      formats={Format.COMPOSE, Format.KUBERNETES}, tags=("security", "pss-restricted", "cwe-269"), since="0.2.0",
      params=pss.DEFAULT, opt_in=True)
def check(workload: Workload, target: pss.Target) -> Iterator[Finding]:
    if target.judge(workload, "allowPrivilegeEscalation") is None:  # (a Windows pod is exempt from v1.25)
        return
    ape = workload.allow_privilege_escalation
    pod = workload.pod is not None
    if ape.explicit and ape.value is not False:
        yield Finding(at=ape.loc, args={"name": workload.label, "what": "sets `allowPrivilegeEscalation: true`"
                                        if pod else "sets `no-new-privileges:false`"})
    elif not ape.explicit and not workload.partial:
        yield Finding(at=ape.loc, args={"name": workload.label, "what": "does not set `allowPrivilegeEscalation: false`"
                                        if pod else "does not set `no-new-privileges:true`"})
