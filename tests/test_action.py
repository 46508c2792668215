"""The composite action (action.yml): its steps run as GitHub's runner would run them."""
from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path

import pytest
import yaml

from tests.test_sarif import SCHEMA

ROOT = Path(__file__).resolve().parents[1]
ACTION = yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))
_EXPR = re.compile(r"\$\{\{\s*([\w.-]+)\s*\}\}")


def run_action(workspace: Path, runner_temp: Path, inputs: dict[str, str]) -> tuple[int, str, dict[str, str]]:
    """Run the composite steps in order: `${{ }}` expressions resolved, `bash -e {0}` as `shell: bash` does."""
    values = {f"inputs.{k}": str(v.get("default", "")) for k, v in ACTION["inputs"].items()}
    values.update({f"inputs.{k}": v for k, v in inputs.items()})
    values["github.action_path"] = str(ROOT)
    log = []
    for step in ACTION["runs"]["steps"]:
        output_file = runner_temp / f"output-{step['id']}"
        output_file.write_text("")
        env = {k: _EXPR.sub(lambda m: values[m.group(1)], str(v)) for k, v in step.get("env", {}).items()}
        proc = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", step["run"]], cwd=workspace,
                              env={**os.environ, **env, "RUNNER_TEMP": str(runner_temp),
                                   "GITHUB_OUTPUT": str(output_file)},
                              capture_output=True, text=True, timeout=600)
        log.append(proc.stdout)
        for line in output_file.read_text().splitlines():
            name, _, value = line.partition("=")
            values[f"steps.{step['id']}.outputs.{name}"] = value
        if proc.returncode != 0:
            break
    outputs = {k: _EXPR.sub(lambda m: values.get(m.group(1), ""), v["value"]) for k, v in ACTION["outputs"].items()}
    return proc.returncode, "".join(log), outputs


def test_inputs_and_outputs_are_declared():
    assert set(ACTION["inputs"]) >= {"paths", "format", "fail-on", "config", "sarif-file"}
    assert set(ACTION["outputs"]) == {"sarif-file", "exit-code"}
    assert ACTION["runs"]["using"] == "composite"
    used = {m.group(1) for step in ACTION["runs"]["steps"] for v in step.get("env", {}).values()
            for m in _EXPR.finditer(str(v))}
    assert {u.split(".", 1)[1] for u in used if u.startswith("inputs.")} == set(ACTION["inputs"])


@pytest.mark.network
def test_action_writes_sarif_annotates_and_fails_on_findings(tmp_path):
    workspace, temp = tmp_path / "repo", tmp_path / "runner-temp"
    workspace.mkdir()
    temp.mkdir()
    (workspace / "Dockerfile").write_text("FROM python:3.12\nRUN pip install torch\n")
    (workspace / "k8s").mkdir()
    (workspace / "k8s" / "pod.yaml").write_text(
        "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  securityContext: {runAsNonRoot: true}\n"
        "  containers:\n  - name: app\n    image: x:1\n    resources: {limits: {memory: 1Gi}}\n"
        "    securityContext: {readOnlyRootFilesystem: true, allowPrivilegeEscalation: false}\n")
    (workspace / ".glmlint.toml").write_text('fail-on = "error"\n')
    code, log, outputs = run_action(workspace, temp, {"paths": "Dockerfile\nk8s", "sarif-file": "out/glmlint.sarif"})
    assert code == 1 and outputs["exit-code"] == "1"  # GLM001 is an error
    assert outputs["sarif-file"] == "out/glmlint.sarif"
    assert "::error file=Dockerfile,line=1,col=1,title=GLM001 [run-as-root]::" in log
    assert "::warning file=k8s/pod.yaml,line=7,col=5,title=GLM002 [missing-cap-drop]::" in log
    sarif = json.loads((workspace / "out" / "glmlint.sarif").read_text())
    assert sorted(r["ruleId"] for r in sarif["runs"][0]["results"]) == ["GLM001", "GLM002"]
    if SCHEMA.is_file():
        from jsonschema import Draft4Validator

        errors = list(Draft4Validator(json.loads(SCHEMA.read_text())).iter_errors(sarif))
        assert not errors, errors[0].message

    # Warnings only, and fail-on from the input: the step passes; the SARIF still carries them.
    (workspace / "Dockerfile").write_text("FROM python:3.12\nUSER 10001\n")
    code, log, outputs = run_action(workspace, temp, {"paths": "Dockerfile k8s", "format": "text"})
    assert (code, outputs["exit-code"]) == (0, "0")
    assert "k8s/pod.yaml:7:5: GLM002" in log
    assert len(json.loads((workspace / "glmlint.sarif").read_text())["runs"][0]["results"]) == 1
