"""`--extend-select` / `extend-select` as ruff has them (rules added to what `select` or the profile
chooses, opt-in ones too), and `glmlint fix` taking the render options `check` takes, so that a
finding `check --values values-prod.yaml` shows is fixed where it comes from."""
from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from tests.test_render import needs_helm, run

COMPOSE = """\
services:
  notebook:
    image: quay.io/jupyter/base-notebook:2024-10-07
    privileged: true
    ports:
      - "8888:8888"
"""


def codes(cwd: Path, capsys: pytest.CaptureFixture[str], *args: str) -> set[str]:
    code, out, err = run(cwd, capsys, "--format", "json", *args)
    assert code in (0, 1), err
    return {r["code"] for r in json.loads(out)}


def test_extend_select_adds_an_opt_in_rule_to_the_default_profile(tmp_path, capsys):
    (tmp_path / "compose.yaml").write_text(COMPOSE)
    default = codes(tmp_path, capsys, "compose.yaml")
    assert "GLM003" in default and "GLM024" not in default  # host ports: a Pod Security rule, opt-in
    extended = codes(tmp_path, capsys, "--extend-select", "GLM024", "compose.yaml")
    assert extended == default | {"GLM024"}
    # on top of --select, not instead of it; --ignore still wins
    assert codes(tmp_path, capsys, "--select", "GLM003", "--extend-select", "host-port", "compose.yaml") == \
        {"GLM003", "GLM024"}
    assert codes(tmp_path, capsys, "--extend-select", "GLM024", "--ignore", "GLM024", "compose.yaml") == default


def test_extend_select_in_the_configuration_adds_to_the_command_lines_select(tmp_path, capsys):
    (tmp_path / "compose.yaml").write_text(COMPOSE)
    (tmp_path / "pyproject.toml").write_text('[tool.glmlint]\nextend-select = ["GLM024"]\n')
    assert codes(tmp_path, capsys, "--select", "GLM003", "compose.yaml") == {"GLM003", "GLM024"}
    (tmp_path / "pyproject.toml").write_text('[tool.glmlint]\nextend-select = ["GLM999"]\n')
    code, _out, err = run(tmp_path, capsys, "compose.yaml")
    assert code == 2
    assert err == [f"glmlint: error: {tmp_path / 'pyproject.toml'}:2: unknown rule `GLM999` in `extend-select`; "
                   "`glmlint rules` lists them"]


CHART = {
    "Chart.yaml": "apiVersion: v2\nname: vllm\nversion: 0.1.0\n",
    "values.yaml": "hostNetwork: false\nsecurityContext:\n  privileged: false\n",
    "values-prod.yaml": "hostNetwork: true\nsecurityContext:\n  privileged: true\n",
    "templates/deployment.yaml": """\
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: vllm
        spec:
          selector:
            matchLabels: {app: vllm}
          template:
            metadata:
              labels: {app: vllm}
            spec:
              hostNetwork: {{ .Values.hostNetwork }}
              containers:
                - name: vllm
                  image: vllm/vllm-openai:v0.6.3
                  securityContext:
                    {{- toYaml .Values.securityContext | nindent 12 }}
        """,
}


@needs_helm
def test_fix_takes_the_values_files_check_takes_and_edits_the_one_the_value_came_from(tmp_path, capsys):
    for name, text in CHART.items():
        path = tmp_path / "vllm" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text))
    found = codes(tmp_path, capsys, "--values", "vllm/values-prod.yaml", "vllm")
    assert {"GLM003", "GLM009"} <= found
    import os

    from glmlint.cli import main

    old = os.getcwd()
    os.chdir(tmp_path)
    try:
        with pytest.raises(SystemExit) as exc:
            main(["fix", "--write", "--unsafe-fixes", "--values", "vllm/values-prod.yaml", "vllm"])
    finally:
        os.chdir(old)
    out, err = capsys.readouterr()
    assert exc.value.code == 1, err
    # the edit is verified by rendering with the edited copy of the --values file (it lives in the chart)
    assert (tmp_path / "vllm" / "values-prod.yaml").read_text() == \
        "hostNetwork: false\nsecurityContext:\n  privileged: false\n"
    assert (tmp_path / "vllm" / "values.yaml").read_text() == CHART["values.yaml"]
    assert not {"GLM003", "GLM009"} & codes(tmp_path, capsys, "--values", "vllm/values-prod.yaml", "vllm")
