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
