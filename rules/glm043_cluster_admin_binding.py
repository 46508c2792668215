"""Binding gives `cluster-admin` to a ServiceAccount or to everyone.

## What it does
Flags each subject of a `ClusterRoleBinding` or `RoleBinding` whose
`roleRef` is the ClusterRole `cluster-admin` when the subject is a
`ServiceAccount` (or the `User` `system:serviceaccount:<namespace>:<name>`,
the name a ServiceAccount's token authenticates as), the group `system:authenticated` (every authenticated
caller), `system:unauthenticated` or the user `system:anonymous` (every
caller), or `system:serviceaccounts` / `system:serviceaccounts:<namespace>`
(every ServiceAccount, of a namespace). The finding points at the subject.
Human users and groups are not reported: binding administrators is what
`cluster-admin` is for.

## Why is this bad?
`cluster-admin` is every verb on every resource. A ServiceAccount's token
sits in every pod that runs as it, so whoever runs code in one of them
owns the cluster; a group binding gives that to every pod or every caller.
Through a RoleBinding it is still every verb on everything in the
namespace, secrets and pods included (the message names the namespace).

## Example
```yaml
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: pipeline-runner}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin}
subjects:
  - kind: ServiceAccount
    name: pipeline-runner
    namespace: kubeflow
```
Use instead:
```yaml
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: pipeline-runner, namespace: kubeflow}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: edit}
subjects:
  - kind: ServiceAccount
    name: pipeline-runner
    namespace: kubeflow
```

## How to fix
Bind a role with the permissions the workload uses (a dedicated ClusterRole,
or `edit`/`view` in its namespace through a RoleBinding). There is no
automatic fix.

## Compared with other tools
- kube-linter `cluster-admin-role-binding` reports every binding of
  `cluster-admin`, human administrators included; Polaris
  `clusterrolebindingClusterAdmin` and `rolebindingClusterAdminClusterRole`
  also report bindings of roles with `*` on `*` (glmlint reports those roles
  themselves, GLM040). glmlint reports the subjects that make the binding
  dangerous and points at each.
"""
from __future__ import annotations

from collections.abc import Iterator

from glmlint.ir import Format, SourceFile, Subject
from glmlint.rbac import account_user, binds_cluster_admin, broad_subject, scope
from glmlint.rule import Finding, Kind, Risk, Severity, rule


@rule(kind=Kind.MISCONFIGURATION, risk=Risk.CRITICAL, code="GLM043", slug="cluster-admin-binding", severity=Severity.ERROR,
      message="{binding} gives `cluster-admin`{where} to {who}",
      formats={Format.KUBERNETES}, tags=("security", "rbac", "cwe-269"), since="0.2.0", scope="file")
def check(source: SourceFile) -> Iterator[Finding]:
    for binding in source.bindings:
        if not binds_cluster_admin(binding):
            continue
        for subject in binding.subjects:
            if broad_subject(subject.kind, subject.name):
                # a RoleBinding grants within its own namespace only: every verb on everything there
                where = scope(binding.kind == "RoleBinding", binding.namespace)
                yield Finding(at=subject.loc, args={"binding": binding.label, "who": _who(subject), "where": where})


def _who(s: Subject) -> str:
    if s.kind == "ServiceAccount":
        return f"ServiceAccount `{s.namespace + '/' if s.namespace else ''}{s.name}` (every pod that runs as it)"
    if s.name == "system:authenticated":
        return "group `system:authenticated` (every authenticated caller)"
    if s.name in ("system:unauthenticated", "system:anonymous"):
        return f"`{s.name}` (every caller, without credentials)"
    user = account_user(s.name) if s.kind == "User" else None  # a ServiceAccount's user name (`broad_subject`)
    if user is not None:
        return f"user `{s.name}`, ServiceAccount `{user[0]}/{user[1]}` (every pod that runs as it)"
    return f"group `{s.name}` (every ServiceAccount{' of the namespace' if s.name.count(':') > 1 else ''})"
