"""Role or ClusterRole rule with a wildcard that grants writes.

## What it does
Flags a rule of a `Role` or `ClusterRole` with `*` in `verbs`, or with `*` in
`resources` together with a write verb (`create`, `update`, `patch`,
`delete`, `deletecollection`, `bind`, `escalate`, `impersonate`) or with `*`
in `apiGroups`. The finding points at the rule (its `- ` item).

A read-only rule over every resource of one API group (`resources: ["*"]`,
`verbs: [get, list, watch]`, `apiGroups: [""]`) is not a wildcard grant of
writes; it does read secrets, which GLM042 reports for a ClusterRole.

Nor is a rule whose API groups all serve reads only: the metrics APIs
`metrics.k8s.io` (metrics-server), `custom.metrics.k8s.io` and
`external.metrics.k8s.io` (prometheus-adapter, KEDA) have no write to grant,
so `verbs: ["*"]` there (as kube-prometheus's prometheus-adapter roles write
it) is `get`, `list` and `watch` of metrics. The same rule naming another
group beside them is reported.

## Why is this bad?
`*` grants every verb or resource that exists now and every one added later,
subresources included: `resources: ["*"]` with `create` is creating pods,
`pods/exec` shells, bindings and tokens, and `verbs: ["*"]` on `pods` is
every write to every pod. `*` on `*` is
`cluster-admin` by another name. An operator or notebook controller's
ClusterRole written this way turns one compromised pod into a compromised
cluster.

## Example
```yaml
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: training-operator}
rules:
  - apiGroups: ["kubeflow.org"]
    resources: ["*"]
    verbs: ["*"]
```
Use instead:
```yaml
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: training-operator}
rules:
  - apiGroups: ["kubeflow.org"]
    resources: ["pytorchjobs", "pytorchjobs/status"]
    verbs: ["get", "list", "watch", "update", "patch"]
```

## How to fix
List the resources and verbs the controller uses (its `+kubebuilder:rbac`
markers, or the audit log of a test run). There is no automatic fix: the
right list depends on the code.

## Compared with other tools
- Checkov CKV_K8S_49 ("Minimize wildcard use in Roles and ClusterRoles")
  reports any `*`; kube-linter `wildcard-in-rules` likewise, and
  `wildcard-resource-verb-combo` `*` on `*`; Polaris reports `*` on `*` only
  through `clusterrolebindingClusterAdmin`. glmlint does not report a
  read-only `*` over resources (that is GLM042's secret read, or harmless)
  and reports the escalation paths that need no wildcard as GLM041.
"""
from __future__ import annotations

from collections.abc import Iterator

from glmlint.ir import Format, SourceFile
from glmlint.rbac import wildcard
from glmlint.rule import Finding, Kind, Risk, Severity, rule


@rule(kind=Kind.MISCONFIGURATION, risk=Risk.HIGH, code="GLM040", slug="rbac-wildcard", severity=Severity.ERROR, message="{role} allows {what}",
      formats={Format.KUBERNETES}, tags=("security", "rbac", "cwe-269"), since="0.2.0", scope="file")
def check(source: SourceFile) -> Iterator[Finding]:
    for role in source.roles:
        for r in role.rules:
            what = wildcard(r)
            if what is not None:
                yield Finding(at=r.loc, args={"role": role.label, "what": what})
