"""Role or ClusterRole grants a known privilege-escalation path.

## What it does
Flags a rule of a `Role` or `ClusterRole` that grants, by name:

- the `bind`, `escalate` or `impersonate` verb;
- `create` on `pods/exec`, `pods/attach` or `serviceaccounts/token`;
- any verb on `nodes/proxy`;
- `update`/`patch` on `certificatesigningrequests/approval`;
- a write on `mutatingwebhookconfigurations` or
  `validatingwebhookconfigurations`.

A subresource is named as the API server's authorizer matches it: `*/exec`
names the `exec` subresource of every resource (`pods/exec` among them);
`pods/*` names none (it matches only a subresource literally called `*`),
so a rule that relies on it grants nothing here. Wildcards (`*` verbs or
resources) are GLM040's. A rule limited to named objects (`resourceNames`)
is not reported for `bind` (binding only the named roles: the RBAC
reference's way to let someone hand out `view` or `edit` and no more),
`create` on `serviceaccounts/token` (tokens of the named ServiceAccounts
only: an operator minting its own) or on `pods/exec`/`pods/attach` (the named
pods only); it still is for `escalate` (the named role can be given any
permission), `impersonate` (a named group may be `system:masters`), a named
webhook configuration (rewritten to match every pod) and CSR approval. A `Role` grants only within its namespace, so the
cluster-scoped paths (`nodes/proxy`, CSR approval, webhook configurations,
impersonating users or groups) are not reported in a Role: they grant
nothing there. `create` on `pods` alone is not reported: a job
or notebook controller needs it, and it is the pod security admission, not
RBAC, that decides what such a pod may do.

## Why is this bad?
Each is a documented way around RBAC (Kubernetes "RBAC good practices"):
`escalate` writes itself any permission, `bind` binds roles it does not
hold, `impersonate` acts as anyone; `pods/exec` and `pods/attach` open a
shell in other workloads and read their secrets and tokens;
`serviceaccounts/token` mints tokens for more powerful identities;
`nodes/proxy` reaches the kubelet API of every node; approving CSRs issues
certificates for any identity; a webhook configuration sees, and a mutating
one rewrites, every object admitted.

## Example
```yaml
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: notebook-controller, namespace: kubeflow}
rules:
  - apiGroups: [""]
    resources: ["pods", "pods/exec"]
    verbs: ["create", "get", "list"]
```
Use instead:
```yaml
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: notebook-controller, namespace: kubeflow}
rules:
  - apiGroups: [""]
    resources: ["pods"]
    verbs: ["create", "get", "list"]
```

## How to fix
Remove the path from the role, or move it to a separate role bound only to
the identity that needs it (a break-glass group, not a controller's
ServiceAccount). There is no automatic fix.

## Compared with other tools
- Checkov CKV_K8S_155 (webhook configurations), CKV_K8S_156 (CSR
  approval), CKV_K8S_157 (`bind`), CKV_K8S_158 (`escalate`); kube-linter
  `bind-verb-in-role`, `escalate-verb-in-role`,
  `impersonate-without-resource-names`; Polaris `clusterrolePodExecAttach`,
  `rolePodExecAttach`. glmlint reports them as one rule at the rule line.
- kube-linter `access-to-create-pods` reports `create` on `pods`; glmlint
  deliberately does not (see above).
"""
from __future__ import annotations

from collections.abc import Iterator

from glmlint.ir import Format, SourceFile
from glmlint.rbac import escalations
from glmlint.rule import Finding, Kind, Risk, Severity, rule


@rule(kind=Kind.MISCONFIGURATION, risk=Risk.HIGH, code="GLM041", slug="rbac-escalation", severity=Severity.ERROR, message="{role} grants {what}",
      formats={Format.KUBERNETES}, tags=("security", "rbac", "cwe-269"), since="0.2.0", scope="file")
def check(source: SourceFile) -> Iterator[Finding]:
    for role in source.roles:
        for r in role.rules:
            found = escalations(r, namespaced=role.kind == "Role")  # a Role grants nothing cluster-scoped
            if found:
                yield Finding(at=r.loc, args={"role": role.label, "what": "; ".join(found)})
