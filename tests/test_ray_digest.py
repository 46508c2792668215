"""The text report folds a KubeRay cluster's worker groups' GLM044 findings under its head's (k8s22 K22-2):
the same ServiceAccount's token where Ray runs whatever job is submitted, one line to read."""
from __future__ import annotations

from pathlib import Path

import pytest

from tests.test_render import run

_CLUSTER = """\
apiVersion: ray.io/v1
kind: RayCluster
metadata: {name: llm}
spec:
  headGroupSpec:
    rayStartParams: {}
    template:
      spec:
        containers:
          - name: ray-head
            image: rayproject/ray:2.46.0
  workerGroupSpecs:
    - groupName: gpu-group
      replicas: 1
      rayStartParams: {}
      template:
        spec:%s
          containers:
            - name: ray-worker
              image: rayproject/ray:2.46.0
    - groupName: cpu-group
      replicas: 1
      rayStartParams: {}
      template:
        spec:
          containers:
            - name: ray-worker
              image: rayproject/ray:2.46.0
"""


def _report(tmp_path: Path, capsys: pytest.CaptureFixture[str], account: str = "") -> list[str]:
    (tmp_path / "ray.yaml").write_text(_CLUSTER % account)
    code, out, _err = run(tmp_path, capsys, "--select", "GLM044", "ray.yaml")
    return [line for line in out.splitlines() if "GLM044" in line or line.startswith("risk:")]


def test_worker_groups_with_the_heads_sentence_are_one_line_at_the_heads(tmp_path, capsys) -> None:
    got = _report(tmp_path, capsys)
    assert len(got) == 2, got
    assert got[0].startswith("ray.yaml:8:") and "the pod of RayCluster/llm head mounts" in got[0]
    assert got[0].endswith("(unsafe fix; also lines 17, 25)")
    assert got[1] == "risk: 3 medium; 3 findings on 1 line (repeats folded)"


def test_a_worker_group_with_its_own_service_account_keeps_its_line(tmp_path, capsys) -> None:
    got = _report(tmp_path, capsys, "\n          serviceAccountName: ray-worker")
    assert [line.split(":")[1] for line in got[:-1]] == ["8", "18"], got
    assert "RayCluster/llm gpu-group mounts the token of ServiceAccount `ray-worker`" in got[1]
    assert got[0].endswith("(unsafe fix; also line 26)")
