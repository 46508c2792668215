"""ClusterRole can read every secret.

## What it does
Flags a rule of a `ClusterRole` that allows `get`, `list` or `watch` (or
`*`) on `secrets` (or on `*` resources) of the core API group without
`resourceNames`. A `Role` is not reported: it grants in its own namespace
only, and no binding can make it cluster-wide. A rule limited by
`resourceNames` (a controller reading its own secret) is not reported.

A RoleBinding grants a ClusterRole's rules within the binding's namespace
only. When the ClusterRole's own file binds it through RoleBindings and no
ClusterRoleBinding, the message names those namespaces (every secret *of
`ml`*), and adds that other files may bind it elsewhere.

## Why is this bad?
Bound by a ClusterRoleBinding, the role reads every secret in the cluster:
registry credentials, cloud keys, database passwords, model-hub tokens and
other ServiceAccounts' tokens. `list` and `watch` return the secrets'
contents as well as `get` does. It is the permission attackers look for
first in a compromised controller's token.

## Example
```yaml
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: model-registry-reader}
rules:
  - apiGroups: [""]
    resources: ["configmaps", "secrets"]
    verbs: ["get", "list", "watch"]
```
Use instead:
```yaml
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: model-registry-reader}
rules:
  - apiGroups: [""]
    resources: ["configmaps"]
    verbs: ["get", "list", "watch"]
```
(and a namespaced `Role` for the one secret it reads, with `resourceNames`)

## Compared with other tools
- kube-linter `access-to-secrets` (any role or binding) and
  `cluster-wide-secrets-access` (a ClusterRoleBinding, any verb, judged at
  the binding); glmlint judges the ClusterRole's rule, where the fix is,
  and leaves writes and wildcards to GLM040.
- Checkov and Polaris have no secret-read check.
"""
from __future__ import annotations

from collections.abc import Iterator

from glmlint.ir import Format, SourceFile
from glmlint.rbac import secret_read
from glmlint.rule import Finding, Kind, Risk, Severity, rule


@rule(kind=Kind.MISCONFIGURATION, risk=Risk.MEDIUM, code="GLM042", slug="rbac-secret-read", severity=Severity.WARNING,
      message="{role} can read every secret {where}: {what}",
      formats={Format.KUBERNETES}, tags=("security", "rbac", "cwe-522"), since="0.2.0", scope="file")
def check(source: SourceFile) -> Iterator[Finding]:
    for role in source.roles:
        if role.kind != "ClusterRole":
            continue
        where = _where(source, role.name)
        for r in role.rules:
            what = secret_read(r)
            if what is not None:
                yield Finding(at=r.loc, args={"role": role.label, "what": what, "where": where})


def _where(source: SourceFile, name: str) -> str:
    """Where the ClusterRole reads secrets, as far as its own file says: in the namespaces of the
    RoleBindings that bind it there when no ClusterRoleBinding in the file does (a RoleBinding grants
    within its namespace only); else wherever it is bound (another file may bind it cluster-wide)."""
    bound = [b for b in source.bindings if b.role_kind == "ClusterRole" and b.role_name == name]
    if not bound or any(b.kind != "RoleBinding" for b in bound):
        return "wherever it is bound"
    through = ", ".join(f"namespace `{b.namespace}` through {b.label}" if b.namespace else
                        f"the namespace of {b.label}" for b in bound)
    return f"in {through} (and wherever else it is bound)"
