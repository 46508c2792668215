"""Pod mounts a ServiceAccount token it should not carry.

## What it does
Reports a pod that mounts its ServiceAccount token (`automountServiceAccountToken`
is not `false` on the pod, nor, when the pod does not set it, on the scanned
ServiceAccount) when either

- it runs an AI/ML service from the catalog (`docs/services.md`: a model
  server, Ray (a head, or a worker node, which runs the jobs' tasks: KubeRay's
  worker groups), Jupyter, an ML UI or app, experiment tracking; not a data
  store or sshd), whose users run code in it by design; or
- a scanned binding gives its ServiceAccount a GLM040–GLM043 power.

For the second, it follows the links between the scanned files (any file of the scan, not only
the pod's): the ServiceAccount a pod runs as (`serviceAccountName`, default
`default`), the `RoleBinding`s and `ClusterRoleBinding`s that name it as a
subject, and the roles they bind, aggregated ClusterRoles judged by the
ClusterRoles in the scan they collect (another project's too: a label is how an operator's chart adds to a platform role). When a binding gives the
ServiceAccount a GLM040–GLM043 power (a wildcard grant, an escalation path,
reading every secret through a ClusterRole, or `cluster-admin`), the message
names the binding, the role and the power, and, for a RoleBinding, the
namespace it holds in (a RoleBinding grants within its own namespace only), and
where the binding is written: its line, its file's, or, in a rendered chart or
overlay, the template or resource line that wrote it.

Only what the scan holds is known: a binding or role that is not in the
scanned files grants nothing glmlint can see, except the built-in
`cluster-admin`, whose meaning is fixed (the built-in `admin`, `edit` and
`view` are not judged). An object without a namespace matches any
namespace. A namespace a binding and a pod both write does not say they
share a cluster: a binding of another project (a top-level directory of
the scan, as below) is linked to a pod only when the pod's account is not
its namespace's `default` (which no manifest creates) and the pod's own
project binds no account of that name (a repository's `config/rbac/`
binding for the pods of `deploy/prod/`; a platform directory's binding of the
ServiceAccount an app creates beside its Deployment). A binding's `roleRef` is the role of that name of its own
project: its own file's, else the nearest (a file in its directory or a
sibling one first); in a monorepo scanned at its root each top-level
directory is a project, and a role of another project is linked only when
it is the one role of that name outside the binding's project and its own
project binds nothing to it (a repository's `config/rbac/` bound from
`deploy/prod/`): every kubebuilder operator names and binds its own
ClusterRole `manager-role`. A binding holds the ServiceAccount as the API server's
authorizer matches it: a `ServiceAccount` subject, the `User`
`system:serviceaccount:<namespace>:<name>` (the name its token
authenticates as), or a group its token is in:
`system:serviceaccounts:<namespace>` (its namespace's ServiceAccounts),
`system:serviceaccounts` and `system:authenticated` (every ServiceAccount:
for the pods of the binding's namespace and of files close to the
binding's, since the scan cannot tell which pods share its cluster).

A `projected` volume with a `serviceAccountToken` source and no `audience`
(which defaults to the API server's) that a container mounts gives the same
token, whatever `automountServiceAccountToken` says: that pod is reported too,
without a fix (remove the source, or give it the audience of the service the
token is for).

A kustomize patch of a Deployment (a pod whose containers name no image,
checked on its own when its overlay is not) is judged only when it writes
both `serviceAccountName` and `automountServiceAccountToken`: what it leaves
out is the patched pod's, not the defaults.

The finding points at the pod's `automountServiceAccountToken: true`, else
its `serviceAccountName`, else the pod spec (for a token that only a
projected volume gives: that volume's `serviceAccountToken`).

## Why is this bad?
The kubelet mounts the token at
`/var/run/secrets/kubernetes.io/serviceaccount/token` in every container of
the pod. Whoever runs code in any of them (a model server's remote code, a
notebook, a dependency) calls the API server with the binding's power:
reading every secret, starting privileged pods, or the whole cluster. Model
servers, notebooks and ML UIs run code their users choose (`--trust-remote-code`,
notebook cells, custom nodes), and even the `default` ServiceAccount's token
lets it enumerate the cluster and use whatever the namespace grants. A pod
that does not call the API needs no token.

## Example
```yaml
apiVersion: apps/v1
kind: Deployment
metadata: {name: model-server}
spec:
  selector: {matchLabels: {app: model-server}}
  template:
    metadata: {labels: {app: model-server}}
    spec:
      serviceAccountName: model-server
      containers:
        - {name: server, image: "vllm/vllm-openai:v0.6.3"}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: model-server}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin}
subjects:
  - {kind: ServiceAccount, name: model-server, namespace: default}
```
Use instead:
```yaml
apiVersion: apps/v1
kind: Deployment
metadata: {name: model-server}
spec:
  selector: {matchLabels: {app: model-server}}
  template:
    metadata: {labels: {app: model-server}}
    spec:
      serviceAccountName: model-server
      automountServiceAccountToken: false
      containers:
        - {name: server, image: "vllm/vllm-openai:v0.6.3"}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: model-server}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin}
subjects:
  - {kind: ServiceAccount, name: model-server, namespace: default}
```
(better still, bind a role with only what the pod uses: GLM043 reports this binding)

## Fix safety
Unsafe: the fix sets `automountServiceAccountToken: false` on the pod, and a
workload that calls the Kubernetes API (a controller, an operator, a
pipeline runner, a Ray or Spark driver starting workers) stops working. For
those, narrow the role instead (no RBAC rewrite is offered). No fix is offered
where the scan shows that the pod calls the API: a KubeRay head pod with
in-tree autoscaling (`enableInTreeAutoscaling: true`), whose autoscaler sidecar
scales the cluster with the pod's token (the operator runs that pod as the
head template's ServiceAccount, else one named after the RayCluster), or a
service the catalog says calls the API with its pod's token itself (its `token`
entry: a JupyterHub that runs KubeSpawner, zero-to-jupyterhub's hub image or
`--JupyterHub.spawner_class=kubespawner.KubeSpawner`, which starts each user's
server as a pod). Nor where
no field of the scanned resource stops the mount: an NVIDIA `NIMService`, whose
pod the NIM operator runs as the ServiceAccount it creates (named after the
NIMService) with the token mounted; the message says so (narrow what that
ServiceAccount is bound to, or keep the NIM pod's callers away from its code).

## Compared with other tools
- Checkov CKV_K8S_38 ("Ensure that Service Account Tokens are only mounted
  where necessary") and Polaris `automountServiceAccountToken` report every
  pod that mounts a token, whatever it may do; kube-linter has no such check
  (`default-service-account` reports the use of `default`). glmlint reports
  the pods whose token carries a power, and says which binding gives it,
  and the pods where an AI/ML service runs code its users choose.
"""
from __future__ import annotations

from collections.abc import Iterator

from glmlint.ir import Format, Grant, PodIdentity, Role, SourceFile
from glmlint.rbac import binds_cluster_admin, powers, scope
from glmlint.rule import Finding, FixSafety, Kind, Risk, Severity, rule, set_value

# the catalog's AI/ML services (`linter/catalog/services.yaml` kinds): model servers, ML control planes
# (Ray), notebooks, ML UIs and apps, experiment tracking; not data stores or sshd
AI_KINDS = frozenset({"model-server", "control-plane", "notebook", "ui", "app", "tracking"})


@rule(kind=Kind.MISCONFIGURATION, risk=Risk.MEDIUM, code="GLM044", slug="service-account-token", severity=Severity.WARNING,
      message="{pod} mounts the token of ServiceAccount `{account}`, {why}",
      formats={Format.KUBERNETES}, fix=FixSafety.UNSAFE, tags=("security", "rbac", "cwe-250"),
      since="0.2.0", scope="scan")
def check(source: SourceFile) -> Iterator[Finding]:
    for pod in source.pods:
        if not pod.known:
            continue  # a kustomize patch: the ServiceAccount and the mount are the patched pod's
        why = _why(pod, source) if pod.mounts_token() else None
        if why is None:
            continue
        at = (pod.automount.loc if pod.automount.explicit else
              pod.service_account.loc if pod.service_account.explicit else pod.anchor)
        fix = set_value(pod.automount, "automount_token", False,
                        title="Set `automountServiceAccountToken: false` on the pod")
        if pod.projected_token is not None:
            # a projected volume the pod writes gives the token too: no setting turns that off
            fix = None
            if not pod.mounts_automatically():
                at = pod.projected_token
        if pod.needs_token:
            # a container of the pod calls the API with the token: not mounting it would break the pod
            fix, why = None, f"{why} (no automatic fix: {pod.needs_token})"
        elif pod.no_setting:
            # an operator renders the pod from a resource with no field that stops the mount
            fix, why = None, f"{why} (no fix in this manifest: {pod.no_setting})"
        yield Finding(at=at, args={"pod": pod.label, "account": pod.service_account.value, "why": why}, fix=fix)


def _why(pod: PodIdentity, source: SourceFile) -> str | None:
    """What makes the pod's token matter, for the message: the power a binding gives it and the AI/ML
    services that run code in the pod (either trigger alone, or both); None when neither holds."""
    power = _power(pod, source)
    services = [name for name, kind in pod.services if kind in AI_KINDS]
    runs = f"{_and(services)} runs in it" if services else None
    if power is not None:
        return f"{power}; {runs}" if runs else power
    if runs is None:
        return None
    return f"and {runs}: code that gets to run there (a model's remote code, a notebook cell, a job) calls " \
           f"the Kubernetes API with it"


def _and(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _power(pod: PodIdentity, source: SourceFile) -> str | None:
    """Which binding gives the pod's ServiceAccount which power (the widest found, and how many more)."""
    found: list[str] = []
    for grant in pod.grants:
        found.extend(_grant_powers(grant, source))
    if not found:
        return None
    more = f" (and {len(found) - 1} more)" if len(found) > 1 else ""
    return found[0] + more


def _grant_powers(grant: Grant, source: SourceFile) -> list[str]:
    b = grant.binding
    at = source.written_at(b.loc) if b.path == source.path else f"`{b.path}:{b.loc.line}`"
    via = f"{b.label} ({at})" if at else b.label
    namespaced = b.kind == "RoleBinding"
    if binds_cluster_admin(b):
        return [f"which {via} binds to `cluster-admin`: every verb on every resource{scope(namespaced, b.namespace)}"]
    if grant.role is None:
        return []
    return [f"which {via} binds to {grant.role.label}: {desc}"
            + (f" (aggregated from {where})" if where != grant.role.label else "")
            for where, desc in _powers(grant.role, namespaced, b.namespace)]


# each role's powers as `_grant_powers` reads them, per (namespaced, namespace): the pods of a scan link
# to a few roles (290 look-ups of 60 on the corpus), each asked again for every pod bound to it
_POWERS: dict[int, tuple[Role, dict[tuple[bool, str | None], list[tuple[str, str]]]]] = {}


def _powers(role: Role, namespaced: bool, namespace: str | None) -> list[tuple[str, str]]:
    mine = _POWERS.get(id(role))
    if mine is None or mine[0] is not role:  # (the role itself kept: its id is not reused meanwhile)
        if len(_POWERS) >= 256:
            _POWERS.clear()
        mine = _POWERS[id(role)] = (role, {})
    got = mine[1].get((namespaced, namespace))
    if got is None:
        got = mine[1][(namespaced, namespace)] = [
            (where, desc) for _rule, where, desc in powers(role, namespaced=namespaced, namespace=namespace)]
    return got
