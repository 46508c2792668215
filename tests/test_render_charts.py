"""Charts written the way ML teams ship them (vLLM production stack, KubeRay, Ollama, Open WebUI,
MLflow, JupyterHub): each fixture reproduces the shape of a real chart's template that glmlint once
placed wrong, and pins the template line and values line a user edits."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.test_render import FIXTURES, findings, needs_helm


def place(results: list[dict], code: str) -> list[tuple[str, int, int, list[tuple[str, int]]]]:
    return sorted((r["path"], r["line"], r["column"], [(x["path"], x["line"]) for x in r["related"]])
                  for r in results if r["code"] == code)


@pytest.fixture
def charts(tmp_path: Path) -> Path:
    for name in ("vllm-stack", "ray-cluster"):
        shutil.copytree(FIXTURES / name, tmp_path / name)
    return tmp_path


@needs_helm
def test_a_toyaml_block_of_list_items_is_not_taken_for_a_later_containers_line(charts, capsys):
    # the init container's `command: {{ toYaml ... | nindent 12 }}` writes `- /bin/sh`, which the main
    # container's `- {{ $modelSpec.modelURL | quote }}` also matches: the init container's
    # securityContext must stay on its own `toYaml` line, and the main container's finding must not be
    # folded into it
    results = findings(charts, capsys, "--select", "GLM001", "vllm-stack")
    assert place(results, "GLM001") == [
        ("vllm-stack/templates/deployment.yaml", 19, 13, [("vllm-stack/values.yaml", 16)]),
        ("vllm-stack/templates/deployment.yaml", 30, 13, [("vllm-stack/values.yaml", 16)]),
    ]


@needs_helm
def test_a_key_value_range_line_does_not_swallow_the_lines_after_it(charts, capsys):
    # `{{ $key }}: {{ $val | quote }}` (rayStartParams) matches any `key: value` line; the worker's
    # SYS_PTRACE comes from `securityContext: {{- toYaml . }}` and values.yaml, not from the head's
    # `capabilities:` line
    results = findings(charts, capsys, "--select", "GLM008", "ray-cluster")
    assert place(results, "GLM008") == [
        ("ray-cluster/templates/raycluster.yaml", 47, 13, [("ray-cluster/values.yaml", 17)]),
    ]
