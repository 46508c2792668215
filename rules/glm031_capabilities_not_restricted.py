"""Container does not drop ALL capabilities, or adds one besides NET_BIND_SERVICE (Pod Security Standards `capabilities_restricted`).

## What it does
Implements the Pod Security Standards check **capabilities_restricted** (level
**restricted**, from **v1.22**; it replaces capabilities_baseline there): every
container, init container and ephemeral container must list `ALL` in
`securityContext.capabilities.drop` and may add only `NET_BIND_SERVICE`. From v1.25 a
Windows pod (`spec.os.name: windows`) is exempt. In compose and `docker run` the same
applies to `cap_drop`/`cap_add` (`--cap-drop`/`--cap-add`), as Docker reads them.

## Why is this bad?
Dropping every capability and adding back only what the process needs is the one
capability set that holds whatever the runtime's default is.

## Example
```yaml
apiVersion: v1
kind: Pod
metadata: {name: api}
spec:
  containers:
  - name: api
    image: api:1.0
    securityContext:
      capabilities: {add: [CHOWN]}
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
    securityContext:
      capabilities: {drop: [ALL], add: [NET_BIND_SERVICE]}
```
"""
from __future__ import annotations

from collections.abc import Iterator

from glmlint import pss
from glmlint.ir import Format, Workload
from glmlint.rule import Finding, Severity, rule


@rule(code="GLM031", slug="capabilities-not-restricted", severity=Severity.WARNING,
      message="{name} {what} (PSS restricted: capabilities_restricted)",
      formats={Format.COMPOSE, Format.KUBERNETES}, tags=("security", "pss-restricted", "cwe-250"), since="0.2.0",
      params=pss.DEFAULT, opt_in=True)
def check(workload: Workload, target: pss.Target) -> Iterator[Finding]:
    if target.judge(workload, "capabilities_restricted") is None:  # (a Windows pod is exempt from v1.25)
        return
    drop = workload.cap_drop
    if not any(pss.capability(c.value, workload) == "ALL" for c in drop.value) and (drop.explicit or not workload.partial):
        yield Finding(at=drop.loc, args={"name": workload.label,
                                         "what": f"does not set `{workload.spelled('cap_drop', ['ALL'])}`"})
    for cap in workload.cap_add.value:
        if pss.capability(cap.value, workload) != "NET_BIND_SERVICE":
            yield Finding(at=cap.loc, args={"name": workload.label, "what": f"adds capability `{cap.value}`"})
