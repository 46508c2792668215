"""What a Kubernetes RBAC rule allows, as the API server's authorizer matches it.

A rule allows a request when its `apiGroups`, `resources` (a subresource is
`pods/exec`; `*` and `*/exec` match it, `pods/*` does not: that names a
subresource literally called `*`) and `verbs` all match, and, when
`resourceNames` is set, the object's name is one of them. These predicates
describe the powers GLM040–GLM043 report; GLM044 asks them about the rules a
pod's ServiceAccount is bound to. Each returns a short description of the
power, or None.

Sources: Kubernetes RBAC reference (rules, aggregated ClusterRoles, the
`bind`/`escalate`/`impersonate` verbs) and "RBAC good practices" (privilege
escalation risks: secrets, workload creation, `nodes/proxy`, CSR approval,
admission webhooks, `serviceaccounts/token`),
https://kubernetes.io/docs/reference/access-authn-authz/rbac/ and
https://kubernetes.io/docs/concepts/security/rbac-good-practices/ (v1.31).
"""
from __future__ import annotations

from glmlint.ir import Binding, PolicyRule, Role

WRITE_VERBS = frozenset({"create", "update", "patch", "delete", "deletecollection", "bind", "escalate",
                         "impersonate"})
READ_SECRET_VERBS = frozenset({"get", "list", "watch"})
CLUSTER_ADMIN = "cluster-admin"
# subjects a cluster-admin binding must never name: every ServiceAccount, every (un)authenticated caller
BROAD_GROUPS = frozenset({"system:authenticated", "system:unauthenticated", "system:serviceaccounts"})
# A ServiceAccount's token authenticates as the user `system:serviceaccount:<namespace>:<name>` in the groups
# `system:serviceaccounts` and `system:serviceaccounts:<namespace>` (kubernetes pkg/serviceaccount/util.go
# `MakeUsername`, `MakeGroupNames`), and, as every authenticated caller, `system:authenticated` (apiserver
# pkg/authentication/group `AuthenticatedGroupAdder`); the authorizer applies a binding to it when a subject is
# that ServiceAccount, that user name or one of those groups (pkg/registry/rbac/validation/rule.go `appliesToUser`,
# kubernetes 01aa0f3f6052c9866dcb69054d8924fa8c96e3cb)
SA_USER_PREFIX = "system:serviceaccount:"
SA_GROUP = "system:serviceaccounts"
_EVERY_ACCOUNT = frozenset({SA_GROUP, "system:authenticated"})


def _group(rule: PolicyRule, group: str) -> bool:
    return "*" in rule.api_groups or group in rule.api_groups


# The authorizer's match (kubernetes pkg/apis/rbac/v1/evaluation_helpers.go `ResourceMatches`, at
# 03bf11a309fd1369f5c2dc7f3b31d63a97a14d66): a rule's resource is `*`, the request's `resource/subresource`
# itself, or `*/<subresource>` (every resource's); no other wildcard: `pods/*` matches only a subresource
# named `*`, which none is.
def _resource(rule: PolicyRule, resource: str) -> bool:
    """Whether the rule names `resource` (`pods/exec`): itself, `*/exec`, or `*`."""
    _base, slash, sub = resource.partition("/")
    return any(r == resource or r == "*" or (slash and r == f"*/{sub}") for r in rule.resources)


def _verbs(rule: PolicyRule, verbs: frozenset[str]) -> list[str]:
    return [v for v in rule.verbs if v in verbs]


# API groups whose servers serve reads only: a wildcard over them grants `get`/`list`/`watch` and no write.
# `metrics.k8s.io` (kubernetes/metrics pkg/apis/metrics/types.go at f7c3a667: NodeMetrics and PodMetrics are
# `+genclient:readonly`, metrics-server serves no other); `custom.metrics.k8s.io` and `external.metrics.k8s.io`
# (kubernetes-sigs/custom-metrics-apiserver pkg/registry/custom_metrics/reststorage.go at 04f8dc2d: a
# `rest.Lister` only, as its external_metrics storage; prometheus-adapter and KEDA serve them with it)
READ_ONLY_GROUPS = frozenset({"metrics.k8s.io", "custom.metrics.k8s.io", "external.metrics.k8s.io"})


def wildcard(rule: PolicyRule) -> str | None:
    """GLM040: `*` in verbs, or `*` in resources with a write verb or with `*` apiGroups; not over API groups
    that serve reads only (`READ_ONLY_GROUPS`)."""
    if rule.api_groups and all(g in READ_ONLY_GROUPS for g in rule.api_groups) and not rule.non_resource_urls:
        return None  # (`*` there is `get`, `list` and `watch` of metrics)
    if "*" in rule.verbs:
        what = "every resource" if "*" in rule.resources else _list(rule.resources or rule.non_resource_urls)
        return f"every verb (`*`) on {what}"
    if "*" in rule.resources:
        writes = _verbs(rule, WRITE_VERBS)
        if writes:
            return f"{_list(writes)} on every resource (`*`)"
        if "*" in rule.api_groups:
            return f"{_list(rule.verbs)} on every resource of every API group (`*`)"
    return None


# (verbs, API group, resource, description); `None` verbs: any verb. The last four are cluster-scoped
# resources (`kubectl api-resources --namespaced=false`): a Role, or a ClusterRole bound by a RoleBinding,
# grants only within its namespace and so never grants them ("A Role always sets permissions within a
# particular namespace"; ClusterRoles grant "cluster-scoped resources (like nodes)": the RBAC reference above)
_ESCALATIONS: tuple[tuple[frozenset[str] | None, str, str, str], ...] = (
    (frozenset({"create"}), "", "pods/exec", "`create` on `pods/exec` (a shell in any pod it can reach)"),
    (frozenset({"create"}), "", "pods/attach", "`create` on `pods/attach` (a shell in any pod it can reach)"),
    (frozenset({"create"}), "", "serviceaccounts/token",
     "`create` on `serviceaccounts/token` (a token for any ServiceAccount, and its powers)"),
    (None, "", "nodes/proxy", "`nodes/proxy` (the kubelet API: exec in every pod of the node)"),
    (frozenset({"update", "patch"}), "certificates.k8s.io", "certificatesigningrequests/approval",
     "approving `certificatesigningrequests` (certificates for any identity)"),
    (WRITE_VERBS - {"bind", "escalate", "impersonate"}, "admissionregistration.k8s.io",
     "mutatingwebhookconfigurations", "write on `mutatingwebhookconfigurations` (rewrites every pod it admits)"),
    (WRITE_VERBS - {"bind", "escalate", "impersonate"}, "admissionregistration.k8s.io",
     "validatingwebhookconfigurations", "write on `validatingwebhookconfigurations` (sees and can block every request)"),
)
_ESCALATING_VERBS = {"bind": "`bind` (binding roles it does not hold)",
                     "escalate": "`escalate` (granting itself any permission)",
                     "impersonate": "`impersonate` (acting as other users, groups or ServiceAccounts)"}


# Paths a rule limited to named objects (`resourceNames`) grants only on those: binding the named roles (the
# RBAC reference's own way to let someone grant `view` or `edit` and no more), a token of the named
# ServiceAccounts (an operator minting its own), a shell in the named pods. Not `escalate` (the named role
# can be given anything), `impersonate` (a named group may be `system:masters`), a named webhook
# configuration (rewritten to match every pod) or CSR approval.
_BY_NAME_ONLY = frozenset({"bind", "serviceaccounts/token", "pods/exec", "pods/attach"})

_CLUSTER_SCOPED = frozenset({"nodes/proxy", "certificatesigningrequests/approval", "mutatingwebhookconfigurations",
                             "validatingwebhookconfigurations"})
# what `impersonate` acts on: users, groups, user extras and uids are not namespaced (only a ClusterRole
# grants impersonating them); ServiceAccounts are, so a Role grants impersonating those of its namespace
# (Kubernetes "User impersonation": https://kubernetes.io/docs/reference/access-authn-authz/authentication/#user-impersonation)
_IMPERSONATED_CLUSTER_WIDE = frozenset({"users", "groups", "userextras", "uids"})


def escalations(rule: PolicyRule, namespaced: bool = False) -> list[str]:
    """GLM041: the known escalation paths the rule grants by name. Wildcards (`*` verbs or
    resources) are GLM040's: they grant these and everything else. `namespaced`: the rule grants
    within one namespace only (a Role's, or a ClusterRole's bound by a RoleBinding), where
    cluster-scoped resources are not granted."""
    if "*" in rule.verbs or "*" in rule.resources:
        return []
    out = []
    named = bool(rule.resource_names)
    for verb, desc in _ESCALATING_VERBS.items():
        if verb not in rule.verbs or (named and verb in _BY_NAME_ONLY):
            continue
        if verb == "impersonate" and namespaced and rule.resources and all(
                r.partition("/")[0] in _IMPERSONATED_CLUSTER_WIDE for r in rule.resources):
            continue  # impersonating users or groups is a cluster-wide grant a namespace cannot give
        out.append(desc)
    for verbs, group, resource, desc in _ESCALATIONS:
        if (namespaced and resource in _CLUSTER_SCOPED) or (named and resource in _BY_NAME_ONLY):
            continue
        if _group(rule, group) and _resource(rule, resource) and (verbs is None or _verbs(rule, verbs)):
            out.append(desc)
    return out


def secret_read(rule: PolicyRule) -> str | None:
    """GLM042: `get`/`list`/`watch` on `secrets` (or on `*` resources) of the core API group,
    for every secret (no `resourceNames`), unless the rule is a GLM040 wildcard."""
    if rule.resource_names or not _group(rule, "") or not _resource(rule, "secrets") or wildcard(rule):
        return None  # a wildcard grant of writes is GLM040's, and reads secrets among everything else
    verbs = ["*"] if "*" in rule.verbs else _verbs(rule, READ_SECRET_VERBS)
    if not verbs:
        return None
    return f"{_list(verbs)} on {'`secrets`' if 'secrets' in rule.resources else 'every resource (`*`), secrets included'}"


def broad_subject(kind: str, name: str) -> bool:
    """GLM043: a subject that is every ServiceAccount or every caller, or one ServiceAccount."""
    if kind == "ServiceAccount":
        return True
    if kind == "Group":
        return name in BROAD_GROUPS or name.startswith(SA_GROUP + ":")
    # the unauthenticated caller's user name, or a ServiceAccount's
    return kind == "User" and (name == "system:anonymous" or account_user(name) is not None)


def account_user(name: str) -> tuple[str, str] | None:
    """(namespace, name) of the ServiceAccount whose user name `name` is (`system:serviceaccount:<ns>:<name>`)."""
    if not name.startswith(SA_USER_PREFIX):
        return None
    ns, colon, account = name[len(SA_USER_PREFIX):].partition(":")
    return (ns, account) if colon and ns and account and ":" not in account else None


def one_account(kind: str, name: str, namespace: str | None) -> tuple[str, str | None] | None:
    """(name, namespace) of the one ServiceAccount a binding subject names: a `ServiceAccount` subject, or a
    `User` subject whose name is a ServiceAccount's user name; None for any other subject."""
    if kind == "ServiceAccount":
        return name, namespace
    got = account_user(name) if kind == "User" else None
    return (got[1], got[0]) if got is not None else None


def accounts_group(kind: str, name: str) -> tuple[str | None] | None:
    """For a `Group` subject every ServiceAccount of a namespace is in (`system:serviceaccounts:<ns>`): that
    namespace, as a 1-tuple; `(None,)` for a group every ServiceAccount is in (`system:serviceaccounts`,
    `system:authenticated`); None for any other subject."""
    if kind != "Group":
        return None
    if name in _EVERY_ACCOUNT:
        return (None,)
    if name.startswith(SA_GROUP + ":") and len(name) > len(SA_GROUP) + 1:
        return (name[len(SA_GROUP) + 1:],)
    return None


def binds_cluster_admin(binding: Binding) -> bool:
    return binding.role_kind == "ClusterRole" and binding.role_name == CLUSTER_ADMIN


def scope(namespaced: bool, namespace: str | None) -> str:
    """Where a grant holds, for messages: `""` cluster-wide; a RoleBinding's (or a Role's) namespace
    otherwise ("A RoleBinding grants the permissions ... within a specific namespace": the RBAC
    reference above)."""
    if not namespaced:
        return ""
    return f" in namespace `{namespace}`" if namespace else " in its namespace"


def powers(role: Role, namespaced: bool = False, namespace: str | None = None) -> list[tuple[PolicyRule, str, str]]:
    """Every GLM040–GLM042 power the role's rules (its own, then those it aggregates) grant:
    (rule, where the rule is written, description), the widest first. `namespaced`: granted through a
    RoleBinding (a Role always is), in `namespace` (the binding's, when written): the description
    says so, since every secret of a namespace is not every secret of the cluster."""
    found: list[tuple[int, PolicyRule, str, str]] = []
    rules = [(r, role.label) for r in role.rules] + list(role.aggregated)
    namespaced = namespaced or role.kind == "Role"
    where_ = scope(namespaced, namespace or role.namespace)
    for rule, where in rules:
        wide = wildcard(rule)
        if wide:
            found.append((0, rule, where, wide + where_))
        found.extend((1, rule, where, desc + where_) for desc in escalations(rule, namespaced))
        if role.kind == "ClusterRole":
            read = secret_read(rule)
            if read:
                found.append((2, rule, where, f"reading every secret{where_} ({read})"))
    found.sort(key=lambda f: f[0])
    return [(rule, where, desc) for _p, rule, where, desc in found]


def _list(words: list[str] | tuple[str, ...]) -> str:
    return ", ".join(f"`{w}`" for w in words) if words else "nothing"
