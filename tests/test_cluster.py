"""Kubernetes objects around the pods: RBAC parsed into the IR, linked across files, GLM044 in a pooled scan."""
from __future__ import annotations

import multiprocessing
import shutil
import textwrap
from pathlib import Path

import pytest

from glmlint import fix as fixer
from glmlint import runner
from glmlint.fix.engine import Options
from glmlint.link import link_cluster
from glmlint.parsers import parse
from glmlint.registry import builtin_rules, select

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"

RBAC = """\
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: agg
aggregationRule:
  clusterRoleSelectors:
    - matchExpressions:
        - {key: team, operator: In, values: [ml]}
rules: []
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: part
  labels: {team: ml}
rules:
  - apiGroups: [""]
    resources: ["pods/exec"]
    verbs: ["create"]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: b, namespace: ml}
roleRef: {kind: ClusterRole, name: agg, apiGroup: rbac.authorization.k8s.io}
subjects:
  - {kind: ServiceAccount, name: runner}
"""


def pods_yaml(namespace: str) -> str:
    return f"""\
apiVersion: batch/v1
kind: Job
metadata: {{name: j, namespace: {namespace}}}
spec:
  template:
    spec:
      serviceAccountName: runner
      containers: [{{name: c, image: "busybox:1.36"}}]
"""


def test_rbac_objects_are_located_in_the_ir():
    src = parse("rbac.yaml", RBAC, "yaml")
    assert src is not None
    assert [(r.kind, r.name, r.aggregation is not None) for r in src.roles] == [
        ("ClusterRole", "agg", True), ("ClusterRole", "part", False)]
    (rule,) = src.roles[1].rules
    assert (rule.resources, rule.verbs, rule.loc.line, rule.loc.col) == (("pods/exec",), ("create",), 17, 5)
    (binding,) = src.bindings
    # a ServiceAccount subject without a namespace is in the RoleBinding's namespace
    assert [(s.kind, s.name, s.namespace, s.loc.line) for s in binding.subjects] == [
        ("ServiceAccount", "runner", "ml", 26)]


@pytest.mark.parametrize("namespace, granted", [("ml", True), ("other", False)])
def test_link_follows_binding_to_aggregated_role_within_the_namespace(namespace, granted):
    rbac = parse("rbac.yaml", RBAC, "yaml")
    job = parse("job.yaml", pods_yaml(namespace), "yaml")
    assert rbac is not None and job is not None
    link_cluster([rbac, job])
    (pod,) = job.pods
    assert (pod.service_account.value, pod.service_account.loc.line) == ("runner", 7)
    assert bool(pod.grants) is granted
    if granted:
        (grant,) = pod.grants
        assert grant.role is not None and grant.role.name == "agg"
        assert [r.resources for r, _where in grant.role.aggregated] == [("pods/exec",)]


pooled_only = pytest.mark.skipif("fork" not in multiprocessing.get_all_start_methods(),
                                 reason="the pool needs the fork start method")


@pooled_only
def test_pooled_scan_links_pods_to_bindings_in_other_files_and_fixes_them(tmp_path, monkeypatch):
    (tmp_path / "rbac.yaml").write_text(RBAC)
    (tmp_path / "job.yaml").write_text(pods_yaml("ml"))
    rules = select(builtin_rules(), ["GLM044"])
    serial = runner.scan([str(tmp_path)], rules, root=str(tmp_path), jobs=1)
    monkeypatch.setattr(runner, "POOL_MIN_FILES", 1)
    pooled = runner.scan([str(tmp_path)], rules, root=str(tmp_path), jobs=2)
    assert not any(s.workloads for s in pooled.sources)  # the pool ran: no IR came back
    got = [(r.path, r.line, r.col, r.code, r.message) for r in pooled.results]
    assert got == [(r.path, r.line, r.col, r.code, r.message) for r in serial.results]
    assert [(p, line, code) for p, line, _c, code, _m in got] == [("job.yaml", 7, "GLM044")]
    assert "RoleBinding `b` (`rbac.yaml:22`)" in got[0][4] and "aggregated from ClusterRole `part`" in got[0][4]
    (fixed,) = [f for f in fixer.fix_report(pooled, Options(unsafe=True)) if f.changed]
    assert "      automountServiceAccountToken: false\n" in fixed.new_text


def test_fixture_folder_links_across_files(tmp_path):
    folder = tmp_path / "f"
    shutil.copytree(FIXTURES / "glm044_service_account_token", folder)
    rules = select(builtin_rules(), ["GLM044"])
    alone = runner.scan([str(folder / "positive" / "statefulset.notebook-controller-cross-file.yaml")], rules,
                        root=str(folder))
    assert alone.results == []  # its binding is in another file: alone, nothing is known
    together = runner.scan([str(folder)], rules, root=str(folder))
    assert "positive/statefulset.notebook-controller-cross-file.yaml" in {r.path for r in together.results}


ROLEBINDING_SCOPE = """\
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: secret-reader}
rules:
  - apiGroups: [""]
    resources: ["secrets"]
    verbs: ["get", "list"]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: read-secrets, namespace: ml}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: secret-reader}
subjects:
  - {kind: ServiceAccount, name: trainer, namespace: ml}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: admin, namespace: ml}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin}
subjects:
  - {kind: ServiceAccount, name: trainer, namespace: ml}
---
apiVersion: batch/v1
kind: Job
metadata: {name: train, namespace: ml}
spec:
  template:
    spec:
      serviceAccountName: trainer
      containers:
        - {name: t, image: "pytorch/pytorch:2.3.0"}
"""


def test_a_rolebinding_grants_within_its_namespace_and_messages_say_so(tmp_path):
    """A RoleBinding grants its role's rules (a ClusterRole's too) within its own namespace only: every
    secret *of that namespace*, `cluster-admin` *in that namespace* (Kubernetes RBAC reference)."""
    (tmp_path / "rbac.yaml").write_text(ROLEBINDING_SCOPE)
    rules = select(builtin_rules(), ["GLM042", "GLM043", "GLM044"])
    got = {r.code: r.message for r in runner.scan([str(tmp_path)], rules, root=str(tmp_path)).results}
    assert got["GLM042"].startswith("ClusterRole `secret-reader` can read every secret in namespace `ml` through "
                                    "RoleBinding `read-secrets` (and wherever else it is bound): ")
    assert got["GLM043"].startswith("RoleBinding `admin` gives `cluster-admin` in namespace `ml` to ")
    assert "`secret-reader`: reading every secret in namespace `ml` (`get`, `list` on `secrets`) (and 1 more)" in got["GLM044"]
    # the ClusterRole's RoleBinding elsewhere grants in that other namespace, to the same ServiceAccount
    other = ROLEBINDING_SCOPE.replace("name: read-secrets, namespace: ml}", "name: read-secrets, namespace: other}")
    (tmp_path / "rbac.yaml").write_text(other)
    got = {r.code: r.message for r in runner.scan([str(tmp_path)], rules, root=str(tmp_path)).results}
    assert "`secret-reader`: reading every secret in namespace `other` (" in got["GLM044"]
    docs = ROLEBINDING_SCOPE.split("---\n")
    alone = "---\n".join(docs[:1] + docs[2:])  # only `cluster-admin`, through a RoleBinding
    (tmp_path / "rbac.yaml").write_text(alone)
    got = {r.code: r.message for r in runner.scan([str(tmp_path)], rules, root=str(tmp_path)).results}
    assert got["GLM044"].endswith("binds to `cluster-admin`: every verb on every resource in namespace `ml`")
    # bound cluster-wide anywhere in the file: the whole cluster's secrets, said as before
    (tmp_path / "rbac.yaml").write_text(ROLEBINDING_SCOPE.replace("kind: RoleBinding\nmetadata: {name: read-secrets, "
                                                                   "namespace: ml}",
                                                                   "kind: ClusterRoleBinding\nmetadata: {name: "
                                                                   "read-secrets}"))
    got = {r.code: r.message for r in runner.scan([str(tmp_path)], rules, root=str(tmp_path)).results}
    assert "can read every secret wherever it is bound: " in got["GLM042"]
    assert "reading every secret (`get`, `list` on `secrets`) (and 1 more)" in got["GLM044"]


def test_nimservice_pod_runs_nim_as_the_operators_account_and_no_field_stops_the_mount():
    src = parse("n.yaml", textwrap.dedent("""\
        apiVersion: apps.nvidia.com/v1alpha1
        kind: NIMService
        metadata: {name: llm, namespace: nim}
        spec:
          image: {repository: nvcr.io/nim/meta/llama-3.1-8b-instruct, tag: "1.3.3"}
          authSecret: ngc-api-secret
        """), "yaml")
    assert src is not None
    (pod,) = src.pods
    assert pod.service_account.value == "llm" and not pod.service_account.explicit
    assert pod.services == (("NVIDIA NIM", "model-server"),) and pod.no_setting
    assert pod.mounts_token()


EVERY_ACCOUNT = """\
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: every-sa-execs}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: part}
subjects:
  - {kind: Group, apiGroup: rbac.authorization.k8s.io, name: GROUP}
"""


@pytest.mark.parametrize("group, granted", [("system:serviceaccounts", True), ("system:authenticated", True),
                                            ("system:serviceaccounts:ml", True), ("system:serviceaccounts:dev", False),
                                            ("ml-engineers", False)])
def test_a_group_subject_holds_the_serviceaccounts_in_it(group, granted):
    """The authorizer applies a binding to a ServiceAccount's token through the groups it is in
    (`system:serviceaccounts`, `system:serviceaccounts:<ns>`, `system:authenticated`); a group of people holds none."""
    rbac = parse("rbac/rbac.yaml", RBAC.split("---\n")[1] + "---\n" + EVERY_ACCOUNT.replace("GROUP", group), "yaml")
    job = parse("rbac/job.yaml", pods_yaml("ml"), "yaml")
    assert rbac is not None and job is not None
    link_cluster([rbac, job])
    (pod,) = job.pods
    assert [g.binding.name for g in pod.grants] == (["every-sa-execs"] if granted else [])


def test_a_group_of_every_serviceaccount_links_the_pods_of_files_close_to_it():
    """A binding to every ServiceAccount holds cluster-wide, but a scan cannot tell which pods share its cluster:
    those of files close to it (as a ServiceAccount subject without a namespace), not a far part of the tree."""
    rbac = parse("app/rbac/rbac.yaml", RBAC.split("---\n")[1] + "---\n"
                 + EVERY_ACCOUNT.replace("GROUP", "system:serviceaccounts"), "yaml")
    near = parse("app/manager/job.yaml", pods_yaml("ml"), "yaml")
    far = parse("other/team/deploy/job.yaml", pods_yaml("ml"), "yaml")
    assert rbac is not None and near is not None and far is not None
    link_cluster([rbac, near, far])
    assert [bool(s.pods[0].grants) for s in (near, far)] == [True, False]


@pooled_only
def test_pooled_scan_links_pods_to_a_group_binding_in_another_file(tmp_path, monkeypatch):
    (tmp_path / "rbac.yaml").write_text(RBAC.split("---\n")[1] + "---\n"
                                        + EVERY_ACCOUNT.replace("GROUP", "system:serviceaccounts:ml"))
    (tmp_path / "job.yaml").write_text(pods_yaml("ml"))
    rules = select(builtin_rules(), ["GLM044"])
    serial = runner.scan([str(tmp_path)], rules, root=str(tmp_path), jobs=1)
    monkeypatch.setattr(runner, "POOL_MIN_FILES", 1)
    pooled = runner.scan([str(tmp_path)], rules, root=str(tmp_path), jobs=2)
    got = [(r.path, r.line, r.code, r.message) for r in pooled.results]
    assert got == [(r.path, r.line, r.code, r.message) for r in serial.results]
    assert [(p, line, code) for p, line, code, _m in got] == [("job.yaml", 7, "GLM044")]
    assert "ClusterRoleBinding `every-sa-execs`" in got[0][3]


def test_the_scan_s_cluster_aggregates_a_role_only_when_a_link_asks_for_it_as_link_cluster_does():
    from glmlint.link import cluster_of, linked_pods

    rbac = parse("rbac.yaml", RBAC, "yaml")
    job = parse("job.yaml", pods_yaml("ml"), "yaml")
    assert rbac is not None and job is not None
    cluster = cluster_of([rbac, job])
    assert cluster is not None
    # nothing aggregated until a pod's binding names the role (issue 12: no copy of every aggregated role)
    assert all(not r.aggregated for got in cluster.roles.values() for r in got)
    got = linked_pods(list(job.pods), job.path, cluster)
    link_cluster([rbac, job])
    assert got == job.pods and [r.resources for r, _where in got[0].grants[0].role.aggregated] == [("pods/exec",)]
    assert cluster.roles_of(("ClusterRole", "agg")) is cluster.roles_of(("ClusterRole", "agg"))  # made once


@pytest.mark.parametrize("jobs", [1, pytest.param(2, marks=pooled_only)])
def test_a_lean_scan_parks_the_rbac_objects_and_links_its_pods_as_the_whole_cluster_does(tmp_path, monkeypatch, jobs):
    # a binding and role for a ServiceAccount no pod runs as, beside the ones the job links to
    other = RBAC.replace("name: agg", "name: agg2").replace("name: part", "name: part2").replace(
        "name: b,", "name: b2,").replace("name: runner", "name: nobody")
    (tmp_path / "rbac.yaml").write_text(RBAC)
    (tmp_path / "other.yaml").write_text(other)
    (tmp_path / "job.yaml").write_text(pods_yaml("ml"))
    rules = builtin_rules()
    full = runner.scan([str(tmp_path)], rules, root=str(tmp_path), jobs=1)  # small: linked as a whole
    monkeypatch.setattr(runner, "POOL_MIN_FILES", 1)
    lean = runner.scan([str(tmp_path)], rules, root=str(tmp_path), jobs=jobs, lean=True)
    got = [(r.path, r.line, r.col, r.code, r.message) for r in lean.results]
    assert got == [(r.path, r.line, r.col, r.code, r.message) for r in full.results]
    # the aggregated role collects from every ClusterRole of the scan, those no pod's binding names too
    assert any(code == "GLM044" and "aggregated from ClusterRole `part2` in `other.yaml`" in m
               for _p, _l, _c, code, m in got)
    assert not any(s.roles or s.bindings or s.accounts for s in lean.sources)  # parked, not kept


_MANAGER_ROLE = """\
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {{name: manager-role}}
rules:
  - apiGroups: [""]
    resources: ["{resource}"]
    verbs: ["get", "list", "watch"]
"""


@pytest.mark.parametrize("own, foreign, reported", [
    (None, "secrets", False),  # only another project of the monorepo has a `manager-role`: not this one's
    ("secrets", None, True),  # one switch: the project's own `manager-role` reads every secret
    ("configmaps", "secrets", False),  # its own, not the other project's (first in the scan's order)
    ("secrets", "configmaps", True),
])
def test_a_binding_links_the_cluster_role_of_its_own_project_of_a_monorepo(tmp_path, monkeypatch, own, foreign,
                                                                           reported):
    """kubebuilder names every operator's ClusterRole `manager-role`: in a monorepo scanned at its root (each
    top-level directory a project), a ClusterRoleBinding is applied with its own project's role, never with
    one of the same name in another project, which the scan's order may put first."""
    (tmp_path / "ml-platform" / "config" / "rbac").mkdir(parents=True)
    (tmp_path / "ml-platform" / "config" / "manager").mkdir(parents=True)
    (tmp_path / "data-infra" / "config" / "rbac").mkdir(parents=True)
    (tmp_path / "ml-platform" / "config" / "rbac" / "role_binding.yaml").write_text(textwrap.dedent("""\
        apiVersion: rbac.authorization.k8s.io/v1
        kind: ClusterRoleBinding
        metadata: {name: manager-rolebinding}
        roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: manager-role}
        subjects:
          - {kind: ServiceAccount, name: controller-manager, namespace: ml-system}
        """))
    (tmp_path / "ml-platform" / "config" / "manager" / "manager.yaml").write_text(textwrap.dedent("""\
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: controller-manager, namespace: ml-system}
        spec:
          selector: {matchLabels: {app: m}}
          template:
            metadata: {labels: {app: m}}
            spec:
              serviceAccountName: controller-manager
              containers: [{name: manager, image: "ghcr.io/example/ml-operator:v1.2.0"}]
        """))
    if own:
        (tmp_path / "ml-platform" / "config" / "rbac" / "role.yaml").write_text(_MANAGER_ROLE.format(resource=own))
    if foreign:  # kubebuilder scaffolds the project's binding of its role beside it
        (tmp_path / "data-infra" / "config" / "rbac" / "role.yaml").write_text(_MANAGER_ROLE.format(resource=foreign))
        (tmp_path / "data-infra" / "config" / "rbac" / "role_binding.yaml").write_text(textwrap.dedent("""\
            apiVersion: rbac.authorization.k8s.io/v1
            kind: ClusterRoleBinding
            metadata: {name: manager-rolebinding}
            roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: manager-role}
            subjects:
              - {kind: ServiceAccount, name: controller-manager, namespace: data-system}
            """))
    rules = select(builtin_rules(), ["GLM044"])
    serial = runner.scan([str(tmp_path)], rules, root=str(tmp_path), jobs=1)
    got = [(r.path, r.line, r.code) for r in serial.results]
    assert got == ([("ml-platform/config/manager/manager.yaml", 9, "GLM044")] if reported else [])
    if reported:
        assert "binds to ClusterRole `manager-role`: reading every secret" in serial.results[0].message
    monkeypatch.setattr(runner, "POOL_MIN_FILES", 1)
    for lean in (False, True):
        pooled = runner.scan([str(tmp_path)], rules, root=str(tmp_path), jobs=2, lean=lean)
        assert [(r.path, r.line, r.code, r.message) for r in pooled.results] == \
            [(r.path, r.line, r.code, r.message) for r in serial.results]


_TRAINER = """\
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: trainer-secrets}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: trainer-secrets}
subjects:
  - {kind: ServiceAccount, name: trainer, namespace: ml}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: trainer, namespace: ml}
spec:
  selector: {matchLabels: {app: t}}
  template:
    metadata: {labels: {app: t}}
    spec:
      serviceAccountName: trainer
      containers: [{name: t, image: "ghcr.io/example/trainer:1.0"}]
"""


@pytest.mark.parametrize("roles, reported", [
    (["config/rbac/clusterrole.yaml"], True),  # the repository's one role of that name, bound from deploy/
    (["config/rbac/clusterrole.yaml", "base/rbac/clusterrole.yaml"], False),  # two other directories: which?
])
def test_a_binding_links_the_one_role_of_its_name_in_another_top_level_directory(tmp_path, monkeypatch, roles,
                                                                               reported):
    """A repository keeps its ClusterRole in `config/rbac/` and applies the binding from `deploy/prod/`
    (review A18 H1): the scan's only role of that name, which no binding of its own directory names, is the
    one bound, serial, pooled and lean alike."""
    (tmp_path / "deploy" / "prod").mkdir(parents=True)
    (tmp_path / "deploy" / "prod" / "trainer.yaml").write_text(_TRAINER)
    for path in roles:
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / path).write_text(_MANAGER_ROLE.replace("manager-role", "trainer-secrets").format(
            resource="secrets"))
    rules = select(builtin_rules(), ["GLM044"])
    serial = runner.scan([str(tmp_path)], rules, root=str(tmp_path), jobs=1)
    got = [(r.path, r.code) for r in serial.results]
    assert got == ([("deploy/prod/trainer.yaml", "GLM044")] if reported else [])
    monkeypatch.setattr(runner, "POOL_MIN_FILES", 1)
    for lean in (False, True):
        pooled = runner.scan([str(tmp_path)], rules, root=str(tmp_path), jobs=2, lean=lean)
        assert [(r.path, r.line, r.message) for r in pooled.results] == \
            [(r.path, r.line, r.message) for r in serial.results]


def _admin_binding(name: str, account: str, namespace: str) -> str:
    return textwrap.dedent(f"""\
        apiVersion: rbac.authorization.k8s.io/v1
        kind: ClusterRoleBinding
        metadata: {{name: {name}}}
        roleRef: {{apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin}}
        subjects:
          - {{kind: ServiceAccount, name: {account}, namespace: {namespace}}}
        """)


def _pod_as(account: str, namespace: str) -> str:
    return textwrap.dedent(f"""\
        apiVersion: apps/v1
        kind: Deployment
        metadata: {{name: db-manager, namespace: {namespace}}}
        spec:
          selector: {{matchLabels: {{app: d}}}}
          template:
            metadata: {{labels: {{app: d}}}}
            spec:
              serviceAccountName: {account}
              containers: [{{name: d, image: "ghcr.io/example/db-manager:1.0"}}]
        """)


@pytest.mark.parametrize("account, own_binding, binding_dir, reported, own_account", [
    # kserve's old install binds the `default` account of `kubeflow`; katib's pods in `kubeflow` run as their
    # own namespace's `default`, from another repository of the scan: not that binding's
    ("default", False, "kserve/install/v0.5.0", False, False),
    ("default", False, "katib/config/rbac", True, False),  # one switch: the binding of the pod's own project
    # both projects bind an account of that name (kube-prometheus' and an example's `prometheus-adapter`):
    # the pod is deployed with its own project's binding, not the other's
    ("adapter", True, "kserve/install/v0.5.0", False, False),
    ("adapter", False, "kserve/install/v0.5.0", True, False),  # its own project binds nothing to it: the one there is
    # a monorepo's app creates its ServiceAccount beside its Deployment and the platform/ directory binds it
    # (reviewA19 K1): creating the account is what the other project's binding applies to
    ("jupyter", False, "platform/rbac", True, True),
    ("jupyter", True, "platform/rbac", False, True),  # one switch: the app's project binds it itself
])
def test_a_pod_is_not_linked_to_another_projects_binding_by_namespace(tmp_path, monkeypatch, account, own_binding,
                                                                     binding_dir, reported, own_account):
    """The namespace a binding and a pod both write does not say they share a cluster: in a scan of
    repositories side by side (each top-level directory a project), a binding of another project decides
    nothing for a pod whose account is its namespace's `default` or one its own project binds, serial,
    pooled and lean alike."""
    (tmp_path / "katib" / "components").mkdir(parents=True)
    (tmp_path / binding_dir).mkdir(parents=True, exist_ok=True)
    (tmp_path / "katib" / "components" / "db-manager.yaml").write_text(_pod_as(account, "kubeflow"))
    (tmp_path / binding_dir / "binding.yaml").write_text(_admin_binding("kfserving-manager", account, "kubeflow"))
    if own_binding:
        (tmp_path / "katib" / "rbac").mkdir(parents=True)
        (tmp_path / "katib" / "rbac" / "binding.yaml").write_text(
            _admin_binding("adapter-view", account, "kubeflow").replace("cluster-admin", "view"))
    if own_account:
        (tmp_path / "katib" / "components" / "sa.yaml").write_text(
            f"apiVersion: v1\nkind: ServiceAccount\nmetadata: {{name: {account}, namespace: kubeflow}}\n")
    _glm044_alike(tmp_path, monkeypatch, "katib/components/db-manager.yaml" if reported else None,
                  "binds to `cluster-admin`")


def _glm044_alike(tmp_path, monkeypatch, reported: str | None, says: str) -> None:
    """GLM044 on the scan of `tmp_path`: one finding in the file `reported` (None: none), whose message
    says `says`, serial, pooled and lean alike."""
    rules = select(builtin_rules(), ["GLM044"])
    serial = runner.scan([str(tmp_path)], rules, root=str(tmp_path), jobs=1)
    assert [(r.path, r.code) for r in serial.results] == ([(reported, "GLM044")] if reported else [])
    if reported:
        assert says in serial.results[0].message
    monkeypatch.setattr(runner, "POOL_MIN_FILES", 1)
    for lean in (False, True):
        pooled = runner.scan([str(tmp_path)], rules, root=str(tmp_path), jobs=2, lean=lean)
        assert [(r.path, r.line, r.message) for r in pooled.results] == \
            [(r.path, r.line, r.message) for r in serial.results]


_AGGREGATED = """\
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: ml-edit}
aggregationRule:
  clusterRoleSelectors:
    - matchLabels: {rbac.example.com/aggregate-to-ml-edit: "true"}
rules: []
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: runner-ml-edit}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: ml-edit}
subjects:
  - {kind: ServiceAccount, name: runner, namespace: ml}
---
apiVersion: batch/v1
kind: Job
metadata: {name: j, namespace: ml}
spec:
  template:
    spec:
      serviceAccountName: runner
      containers: [{name: c, image: "busybox:1.36"}]
"""

_EXEC_PART = """\
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: exec-part
  labels: {rbac.example.com/aggregate-to-ml-edit: "true"}
rules:
  - apiGroups: [""]
    resources: ["pods/exec"]
    verbs: ["create"]
"""


@pytest.mark.parametrize("part_dir, label, reported", [
    # another project's ClusterRole carrying the label (an operator contributing to a platform role): the
    # clusterrole-aggregation controller collects every matching ClusterRole of the cluster (reviewA19 K4)
    ("other-repo/rbac", "aggregate-to-ml-edit", True),
    ("other-repo/rbac", "aggregate-to-ml-view", False),  # one switch: a label the selector does not match
    ("platform/rbac", "aggregate-to-ml-edit", True),  # the project's own
])
def test_an_aggregated_cluster_role_collects_every_matching_cluster_role_of_the_scan(tmp_path, monkeypatch, part_dir,
                                                                                     label, reported):
    """An aggregated ClusterRole collects the ClusterRoles its selectors match wherever they are in the scan
    (another top-level directory's too: the label is how a separately deployed project contributes), and
    only those, serial, pooled and lean alike."""
    (tmp_path / "platform" / "jobs").mkdir(parents=True)
    (tmp_path / part_dir).mkdir(parents=True)
    (tmp_path / "platform" / "jobs" / "runner.yaml").write_text(_AGGREGATED)
    (tmp_path / part_dir / "exec.yaml").write_text(_EXEC_PART.replace("aggregate-to-ml-edit", label))
    _glm044_alike(tmp_path, monkeypatch, "platform/jobs/runner.yaml" if reported else None, "`create` on `pods/exec`")


KSERVE_CHART_FILE = """\
apiVersion: v1
kind: ServiceAccount
metadata: {name: kserve-controller-manager, namespace: kserve}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: kserve-manager-role}
rules:
  - {apiGroups: [""], resources: [secrets], verbs: [get]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: kserve-manager-rolebinding}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: kserve-manager-role}
subjects:
  - {kind: ServiceAccount, name: kserve-controller-manager, namespace: kserve}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: kserve-controller-manager, namespace: kserve}
spec:
  selector: {matchLabels: {control-plane: kserve-controller-manager}}
  template:
    metadata: {labels: {control-plane: kserve-controller-manager}}
    spec:
      serviceAccountName: kserve-controller-manager
      containers:
        - {name: manager, image: "kserve/kserve-controller:v0.14.0"}
"""
# kubebuilder's config/rbac/ of the same project: the same ClusterRole (with more rules) and ClusterRoleBinding
_ROLE, _BINDING = KSERVE_CHART_FILE.split("---\n")[1:3]
KSERVE_CONFIG_RBAC = _ROLE.replace("verbs: [get]}", "verbs: [get, list, watch]}\n  - {apiGroups: [\"\"], resources: "
                                   "[pods/exec], verbs: [create]}") + "---\n" + _BINDING


@pytest.mark.parametrize("jobs", [1, 2])
@pytest.mark.parametrize("binding", ["kserve-manager-rolebinding", "kserve-extra-rolebinding"])
def test_a_same_named_binding_of_another_install_is_not_a_second_grant(tmp_path, monkeypatch, jobs, binding):
    # KServe ships its install twice, as a chart's files and as kubebuilder's config/: each writes the
    # ClusterRoleBinding `kserve-manager-rolebinding`. A cluster holds one ClusterRoleBinding of a name (a
    # RoleBinding: one per namespace), so the other install's is another version of the pod's own, never a
    # second grant (main: "(and 2 more)" from config/rbac's version and its role). One switch away, a binding
    # of another name is a second binding of the account: its powers count
    monkeypatch.setattr(runner, "POOL_MIN_FILES", 1)
    files = tmp_path / "kserve" / "charts" / "kserve-resources" / "files"
    files.mkdir(parents=True)
    (files / "resources.yaml").write_text(KSERVE_CHART_FILE)
    (tmp_path / "kserve" / "config" / "rbac").mkdir(parents=True)
    (tmp_path / "kserve" / "config" / "rbac" / "rbac.yaml").write_text(
        KSERVE_CONFIG_RBAC.replace("name: kserve-manager-rolebinding}", f"name: {binding}}}"))
    rules = select(builtin_rules(), ["GLM044"])
    got = [(r.path, r.message) for r in runner.scan([str(tmp_path)], rules, root=str(tmp_path), jobs=jobs).results]
    assert [p for p, _m in got] == ["kserve/charts/kserve-resources/files/resources.yaml"]
    message = got[0][1]
    assert "ClusterRoleBinding `kserve-manager-rolebinding` (line 12) binds to ClusterRole `kserve-manager-role`: " \
           "reading every secret (`get` on `secrets`)" in message
    if binding == "kserve-manager-rolebinding":
        assert "(and " not in message, message
    else:
        assert message.endswith("(and 2 more)"), message
