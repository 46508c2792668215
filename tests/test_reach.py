"""Reachability across documents and files: a LoadBalancer/NodePort Service selecting a pod, in a
serial and in a pooled scan; compose publish rules as Docker applies them."""
from __future__ import annotations

from pathlib import Path

import pytest
from glmlint import runner
from glmlint.registry import builtin_rules, select
from glmlint.runner import scan

DEPLOYMENT = """apiVersion: apps/v1
kind: Deployment
metadata:
  name: ray-head
  namespace: ml
spec:
  selector:
    matchLabels: {app: ray-head}
  template:
    metadata:
      labels: {app: ray-head, tier: head}
    spec:
      containers:
        - name: head
          image: rayproject/ray:2.9.0
          command: ["ray", "start", "--head", "--dashboard-host=0.0.0.0", "--block"]
"""
SERVICE = """apiVersion: v1
kind: Service
metadata:
  name: dashboard
  namespace: {ns}
spec:
  type: NodePort
  selector: {{app: ray-head}}
  ports:
    - port: 8265
"""


def _glm017(root: Path, jobs: int = 1) -> list[tuple[str, int, str]]:
    report = scan([str(root)], select(builtin_rules(), ["GLM017"]), root=str(root), jobs=jobs)
    return [(r.path, r.line, r.message) for r in report.results]


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_service_in_another_file_exposes_the_pod(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                    jobs: int) -> None:
    monkeypatch.setattr(runner, "POOL_MIN_FILES", 1)
    (tmp_path / "deploy.yaml").write_text(DEPLOYMENT)
    (tmp_path / "svc.yaml").write_text(SERVICE.format(ns="ml"))
    (found,) = _glm017(tmp_path, jobs)
    assert found[:2] == ("deploy.yaml", 14)  # the container's `- name:`: the Service is another file's
    assert "NodePort Service `dashboard`" in found[2] and found[2].endswith("(the Service is in `svc.yaml:7`)")
    assert "port 8265" in found[2]


def test_a_service_of_another_namespace_does_not_select_the_pod(tmp_path: Path) -> None:
    (tmp_path / "deploy.yaml").write_text(DEPLOYMENT)
    (tmp_path / "svc.yaml").write_text(SERVICE.format(ns="other"))
    assert _glm017(tmp_path) == []


def test_a_service_in_the_same_file_is_pointed_at(tmp_path: Path) -> None:
    (tmp_path / "all.yaml").write_text(DEPLOYMENT + "---\n" + SERVICE.format(ns="ml"))
    assert [(p, line) for p, line, _m in _glm017(tmp_path)] == [("all.yaml", 24)]


def test_a_service_targeting_another_port_does_not_expose_the_dashboard(tmp_path: Path) -> None:
    (tmp_path / "all.yaml").write_text(DEPLOYMENT + "---\n" + SERVICE.format(ns="ml").replace(
        "- port: 8265", "- port: 80\n      targetPort: 8000"))
    assert _glm017(tmp_path) == []


CLUSTER_IP = """apiVersion: v1
kind: Service
metadata:
  name: dashboard
  namespace: ml
spec:
  selector: {app: ray-head}
  ports:
    - name: http
      port: 80
      targetPort: 8265
"""
INGRESS_V1 = """apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: ray
  namespace: {ns}
spec:
  rules:
    - http:
        paths:
          - path: /
            pathType: Prefix
            backend:
              service:
                name: dashboard
                port: {port}
"""
INGRESS_V1BETA1 = """apiVersion: extensions/v1beta1
kind: Ingress
metadata:
  name: ray
  namespace: ml
spec:
  backend:
    serviceName: dashboard
    servicePort: {port}
"""


@pytest.mark.parametrize("ingress, exposed", [
    (INGRESS_V1.format(ns="ml", port="{number: 80}"), True),
    (INGRESS_V1.format(ns="ml", port="{name: http}"), True),  # the Service port by its name
    (INGRESS_V1BETA1.format(port="80"), True),
    (INGRESS_V1BETA1.format(port="http"), True),
    (INGRESS_V1.format(ns="ml", port="{number: 8080}"), False),  # no such Service port
    (INGRESS_V1.format(ns="other", port="{number: 80}"), False),  # a Service of its own namespace only
])
def test_an_ingress_routes_to_the_clusterip_service_of_its_file(tmp_path: Path, ingress: str, exposed: bool) -> None:
    (tmp_path / "all.yaml").write_text("---\n".join((DEPLOYMENT, CLUSTER_IP, ingress)))
    found = _glm017(tmp_path)
    assert bool(found) is exposed
    if exposed:
        ((path, line, message),) = found
        assert (path, line) == ("all.yaml", 43 if "v1beta1" not in ingress else 37)  # the backend's Service name
        assert "exposed by the Ingress `ray` (through the Service `dashboard`)" in message and "port 8265" in message


def test_an_ingress_to_a_loadbalancer_service_is_the_services_finding(tmp_path: Path) -> None:
    """The Service itself exposes the pods: reported once, at its `type:`."""
    service = CLUSTER_IP.replace("spec:\n", "spec:\n  type: LoadBalancer\n")
    (tmp_path / "all.yaml").write_text("---\n".join((DEPLOYMENT, service, INGRESS_V1.format(ns="ml", port="{number: 80}"))))
    ((_path, line, message),) = _glm017(tmp_path)
    assert line == 24 and "LoadBalancer Service `dashboard`" in message


@pytest.mark.parametrize("jobs", [1, 2])
def test_an_ingress_and_its_service_expose_a_pod_of_another_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                jobs: int) -> None:
    monkeypatch.setattr(runner, "POOL_MIN_FILES", 1)
    (tmp_path / "deploy.yaml").write_text(DEPLOYMENT)
    (tmp_path / "edge.yaml").write_text(CLUSTER_IP + "---\n" + INGRESS_V1.format(ns="ml", port="{number: 80}"))
    ((path, line, message),) = _glm017(tmp_path, jobs)
    assert (path, line) == ("deploy.yaml", 14)
    assert message.endswith("(the Ingress is in `edge.yaml:26`)")


LIMIT_RANGE = """apiVersion: v1
kind: LimitRange
metadata:
  name: defaults
{namespace}spec:
  limits:
    - type: Container
      default: {{memory: 8Gi}}
"""
JOB = """apiVersion: batch/v1
kind: Job
metadata:
  name: prep
{namespace}spec:
  template:
    spec:
      restartPolicy: Never
      containers:
        - {{name: prep, image: "python:3.12-slim"}}
"""


@pytest.mark.parametrize("jobs, lean", [(1, False), (2, False), (2, True)])
@pytest.mark.parametrize("limit_ns, job_ns, limited", [
    ("ml", "ml", True), ("ml", "dev", False),
    (None, None, True),  # unwritten on both: `kubectl apply -f DIR` puts a directory's files in one namespace
    ("ml", None, False),
])
def test_a_limitrange_of_another_file_gives_the_pods_of_its_namespace_a_memory_limit(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, jobs: int, lean: bool, limit_ns: str | None,
        job_ns: str | None, limited: bool) -> None:
    """LimitRanger gives every container of a pod created in the namespace the LimitRange's default
    memory limit; the platform team writes the LimitRange in the namespace's own file."""
    monkeypatch.setattr(runner, "POOL_MIN_FILES", 1)
    ns = lambda n: f"  namespace: {n}\n" if n else ""  # noqa: E731
    (tmp_path / "namespace.yaml").write_text(LIMIT_RANGE.format(namespace=ns(limit_ns)))
    (tmp_path / "job.yaml").write_text(JOB.format(namespace=ns(job_ns)))
    report = scan([str(tmp_path)], select(builtin_rules(), ["GLM012"]), root=str(tmp_path), jobs=jobs, lean=lean)
    assert [(r.path, r.line) for r in report.results] == ([] if limited else [("job.yaml", 11 if job_ns else 10)])


@pytest.mark.parametrize("jobs, lean", [(1, False), (2, False), (2, True)])
@pytest.mark.parametrize("job_dir, limited", [(".", True), ("sub", False), ("../other", False)])
def test_a_limitrange_of_no_namespace_limits_the_pods_of_its_directory_only(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, jobs: int, lean: bool, job_dir: str, limited: bool) -> None:
    """A LimitRange and a Job of no written namespace go where they are applied: together when `kubectl apply -f`
    applies their directory; a subdirectory or a sibling one is applied on its own (maybe elsewhere)."""
    monkeypatch.setattr(runner, "POOL_MIN_FILES", 1)
    root = tmp_path / "apps"
    (root / "team").mkdir(parents=True)
    (root / "team" / "limits.yaml").write_text(LIMIT_RANGE.format(namespace=""))
    jobs_dir = (root / "team" / job_dir).resolve()
    jobs_dir.mkdir(parents=True, exist_ok=True)
    (jobs_dir / "job.yaml").write_text(JOB.format(namespace=""))
    report = scan([str(root)], select(builtin_rules(), ["GLM012"]), root=str(root), jobs=jobs, lean=lean)
    where = (jobs_dir / "job.yaml").relative_to(root).as_posix()
    assert [(r.path, r.line) for r in report.results] == ([] if limited else [(where, 10)])


@pytest.mark.parametrize("jobs", [1, 2])
def test_fixes_of_a_pod_a_limitrange_of_another_file_limits_still_verify(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                       jobs: int) -> None:
    """A fix's re-parse is not linked with other files: it keeps the memory limit the link gave the pod, so the
    fix changes nothing else and no GLM012 appears (SARIF's verified edits, `glmlint fix`)."""
    monkeypatch.setattr(runner, "POOL_MIN_FILES", 1)
    (tmp_path / "namespace.yaml").write_text(LIMIT_RANGE.format(namespace="  namespace: ml\n"))
    (tmp_path / "job.yaml").write_text(JOB.format(namespace="  namespace: ml\n"))
    report = scan([str(tmp_path)], select(builtin_rules(), ["GLM002", "GLM012"]), root=str(tmp_path), jobs=jobs,
                  fix_edits=True)
    ((code, edits),) = [(r.code, r.edits) for r in report.results]
    assert code == "GLM002" and edits


@pytest.mark.parametrize("other_name", ["prep", "prep-dev"])
def test_fixes_verify_when_a_job_of_another_namespace_shares_the_limited_jobs_kind_and_name(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, other_name: str) -> None:
    """The same Job in two namespaces of one file (an overlay's stream, a per-team manifest): only the one
    in the LimitRange's namespace gets its limit; a re-parse must not give it to the other too, which
    would refuse every fix of the file."""
    monkeypatch.setattr(runner, "POOL_MIN_FILES", 1)
    (tmp_path / "namespace.yaml").write_text(LIMIT_RANGE.format(namespace="  namespace: ml\n"))
    other = JOB.format(namespace="  namespace: dev\n").replace("name: prep\n", f"name: {other_name}\n", 1)
    (tmp_path / "job.yaml").write_text(JOB.format(namespace="  namespace: ml\n") + "---\n" + other)
    report = scan([str(tmp_path)], select(builtin_rules(), ["GLM002", "GLM012"]), root=str(tmp_path), jobs=1,
                  fix_edits=True)
    found = sorted((r.code, r.line, bool(r.edits)) for r in report.results)
    assert found == [("GLM002", 11, True), ("GLM002", 23, True), ("GLM012", 23, False)]


@pytest.mark.parametrize("jobs", [1, 2])
@pytest.mark.parametrize("deploy_dir, exposed", [
    ("team1/web/k8s", True),  # the Ingress's own directory
    ("team1/web/deploy", True),  # a sibling directory (a kustomize base's parts)
    ("team2/llm/deploy", False),  # another team's part of the tree
])
def test_an_ingress_of_no_written_namespace_exposes_the_pods_of_close_files_only(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, jobs: int, deploy_dir: str, exposed: bool) -> None:
    """An Ingress and its Service without `metadata.namespace` go to whatever namespace they are applied to:
    they pair with the pods of files close to theirs, as a group binding does (GLM044), not with every
    pod of the scan that has the Service's labels."""
    monkeypatch.setattr(runner, "POOL_MIN_FILES", 1)
    (tmp_path / "team1/web/k8s").mkdir(parents=True)
    (tmp_path / deploy_dir).mkdir(parents=True, exist_ok=True)
    unwritten = lambda text: text.replace("  namespace: ml\n", "")  # noqa: E731
    (tmp_path / "team1/web/k8s/ingress.yaml").write_text(
        unwritten(CLUSTER_IP + "---\n" + INGRESS_V1.format(ns="ml", port="{number: 80}")))
    (tmp_path / deploy_dir / "ray.yaml").write_text(DEPLOYMENT)
    found = [(p, line) for p, line, _m in _glm017(tmp_path, jobs)]
    assert found == ([(f"{deploy_dir}/ray.yaml", 14)] if exposed else [])


def test_a_chain_of_network_joins_names_the_service_the_file_writes(tmp_path: Path) -> None:
    """vllm joins ollama's network, which joins vpn's: vllm is reached through vpn's ports, and its message
    quotes the `network_mode` vllm writes (`service:ollama`), not one the file does not say."""
    (tmp_path / "compose.yaml").write_text("""services:
  vpn:
    image: qmcgaw/gluetun:v3.39.1
    cap_add: [NET_ADMIN]
    ports: ["8000:8000", "11434:11434"]
  ollama:
    image: ollama/ollama:0.5.7
    network_mode: service:vpn
  vllm:
    image: vllm/vllm-openai:v0.6.4
    command: ["--model", "Qwen/Qwen2.5-7B-Instruct"]
    network_mode: service:ollama
""")
    found = _glm017(tmp_path)
    vllm = [m for _p, _l, m in found if "vLLM" in m]
    ollama = [m for _p, _l, m in found if "Ollama" in m]
    assert vllm and all("(`network_mode: service:ollama`, which joins `vpn`'s)" in m for m in vllm), found
    assert ollama and all("(`network_mode: service:vpn`)" in m for m in ollama), found


def test_a_join_of_a_container_name_quotes_the_network_mode_the_file_writes(tmp_path: Path) -> None:
    """ollama's `network_mode: container:ts-llm` joins the service whose `container_name` is `ts-llm`: the
    message quotes that value as written, not a `service:` key the file does not hold."""
    (tmp_path / "compose.yaml").write_text("""services:
  tailscale:
    image: tailscale/tailscale:v1.76.6
    container_name: ts-llm
    ports: ["11434:11434"]
  ollama:
    image: ollama/ollama:0.5.7
    network_mode: container:ts-llm
""")
    found = [m for _p, _l, m in _glm017(tmp_path)]
    assert found and all("the service `tailscale` whose network it joins (`network_mode: container:ts-llm`)" in m
                         for m in found), found


def test_a_chain_of_container_joins_names_the_container_the_command_writes(tmp_path: Path) -> None:
    """`--network container:ollama` where ollama joins vpn: reached through vpn's ports, and the message quotes
    the container the command names, then the one it ends at."""
    (tmp_path / "serve.sh").write_text("""#!/bin/sh
docker run -d --name vpn --cap-add NET_ADMIN -p 8000:8000 qmcgaw/gluetun:v3.39.1
docker run -d --name ollama --network container:vpn ollama/ollama:0.5.7
docker run -d --network container:ollama vllm/vllm-openai:v0.6.4 --model Qwen/Qwen2.5-7B-Instruct
""")
    vllm = [m for _p, _l, m in _glm017(tmp_path) if "vLLM" in m]
    assert vllm and all("(`--network container:ollama`, which joins `vpn`'s)" in m for m in vllm), vllm


@pytest.mark.parametrize(("ports", "service", "said"), [
    ('["8080:80"]', None, "port 8080 (the container's 80)"),
    ('["0.0.0.0:9000-9001:80-81"]', None, "port 9000 (the container's 80)"),
    ('["80:80"]', None, "port 80"),
    ('["80"]', None, "port 80"),  # Docker picks the host port: the container's is all the message knows
    ('["0:80"]', None, "port 80"),  # host port 0: Docker picks it too
    (None, "LoadBalancer", "port 443 (the container's 80)"),
    (None, "NodePort", "port 80"),  # the node port is the API server's pick unless written: not read
])
def test_the_message_names_the_port_clients_connect_to(tmp_path: Path, ports: str | None, service: str | None,
                                                      said: str) -> None:
    """A published `8080:80` is reached on the host's 8080 and a LoadBalancer Service on its `port`, not on the
    container's port: the message says the port a client uses, and the container's beside it."""
    image = "ghcr.io/huggingface/text-generation-inference:2.4.1"
    if ports:
        (tmp_path / "compose.yaml").write_text(f"services:\n  tgi:\n    image: {image}\n    ports: {ports}\n")
    else:
        deployment = DEPLOYMENT.replace("rayproject/ray:2.9.0", image).replace(
            'command: ["ray", "start", "--head", "--dashboard-host=0.0.0.0", "--block"]', "ports: [{containerPort: 80}]")
        (tmp_path / "all.yaml").write_text(deployment + f"""---
apiVersion: v1
kind: Service
metadata: {{name: tgi, namespace: ml}}
spec:
  type: {service}
  selector: {{app: ray-head}}
  ports: [{{port: 443, targetPort: 80}}]
""")
    found = [m for _p, _l, m in _glm017(tmp_path)]
    assert len(found) == 1 and found[0].endswith(f"for anyone who can reach {said}"), found


def test_authentication_turned_off_names_the_published_port(tmp_path: Path) -> None:
    """Open WebUI's `WEBUI_AUTH=False` on `3000:8080`: the browser goes to 3000."""
    (tmp_path / "compose.yaml").write_text("""services:
  webui:
    image: ghcr.io/open-webui/open-webui:v0.5.20
    ports: ["3000:8080"]
    environment: [WEBUI_AUTH=False]
""")
    found = [m for _p, _l, m in _glm017(tmp_path)]
    assert len(found) == 1 and found[0].endswith("for anyone who can reach port 3000 (the container's 8080)"), found


# an Ingress to the dashboard Service (`SERVICE`), in flow style (reviewA20 D2: the file's own Ray head and its
# Service serve the directory tests below; no second Deployment written out)
DASHBOARD_INGRESS = """apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: dashboard, namespace: ml}
spec: {rules: [{host: ray-dev.example.com, http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: dashboard, port: {number: 8265}}}}]}}]}
"""


@pytest.mark.parametrize("jobs", [1, 2])
@pytest.mark.parametrize("edge", ["NodePort", "Ingress"])
def test_a_service_of_one_environment_directory_does_not_expose_the_pods_of_another(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, jobs: int, edge: str) -> None:
    # deploy/dev and deploy/prod each hold the same Deployment and a Service (no kustomization: `kubectl apply -f
    # deploy/dev`); dev's is a NodePort (or dev has an Ingress to it): dev's pods are exposed, not prod's, though
    # the labels match (main reported prod's Deployment too, "(the Service is in `deploy/dev/service.yaml`)")
    monkeypatch.setattr(runner, "POOL_MIN_FILES", 1)
    for env in ("dev", "prod"):
        (tmp_path / "deploy" / env).mkdir(parents=True)
        (tmp_path / "deploy" / env / "deployment.yaml").write_text(DEPLOYMENT)
        kind = "NodePort" if env == "dev" and edge == "NodePort" else "ClusterIP"
        (tmp_path / "deploy" / env / "service.yaml").write_text(SERVICE.format(ns="ml").replace("NodePort", kind))
    if edge == "Ingress":
        (tmp_path / "deploy" / "dev" / "ingress.yaml").write_text(DASHBOARD_INGRESS)
    assert [(p, line) for p, line, _m in _glm017(tmp_path, jobs)] == [("deploy/dev/deployment.yaml", 14)]


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_service_whose_directory_holds_none_of_its_pods_exposes_those_of_any_file(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, jobs: int) -> None:
    # manifests laid out by kind (`k8s/services/`, `k8s/deployments/`): the Service is applied with the pods
    monkeypatch.setattr(runner, "POOL_MIN_FILES", 1)
    for sub, text in (("services", SERVICE.format(ns="ml")), ("deployments", DEPLOYMENT)):
        (tmp_path / "k8s" / sub).mkdir(parents=True)
        (tmp_path / "k8s" / sub / "ray.yaml").write_text(text)
    assert [(p, line) for p, line, _m in _glm017(tmp_path, jobs)] == [("k8s/deployments/ray.yaml", 14)]


def test_each_ragflow_listener_says_what_it_gives(tmp_path: Path) -> None:
    """RAGFlow's superuser (`--enable-adminserver`) on 80, 9380 and 9381 (review A20 C3): only the admin API,
    and the web port that proxies `/api/v1/admin` to it, manage users and services; 9380 is the tenant's API."""
    (tmp_path / "compose.yaml").write_text("""services:
  ragflow:
    image: infiniflow/ragflow:v0.22.1
    command: [--enable-adminserver]
    ports: ["80:80", "9380:9380", "9381:9381"]
""")
    found = {m.rsplit("port ", 1)[1]: m for _p, _l, m in _glm017(tmp_path)}
    assert sorted(found) == ["80", "9380", "9381"], found
    assert "manages every user and service" in found["80"]
    assert "every user" not in found["9380"], found["9380"]
    assert "creates and deletes every user" in found["9381"], found["9381"]
