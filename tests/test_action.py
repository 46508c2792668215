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


def run_action(workspace: Path, runner_temp: Path, inputs: dict[str, str], event: dict[str, str] | None = None
               ) -> tuple[int, str, dict[str, str]]:
    """Run the composite steps in order: `${{ }}` expressions resolved, `bash -e {0}` as `shell: bash` does,
    a step's `if:` evaluated (default `success()`), and each `uses:` step recorded in `USED` with its inputs."""
    values = {f"inputs.{k}": str(v.get("default", "")) for k, v in ACTION["inputs"].items()}
    values.update({f"inputs.{k}": v for k, v in inputs.items()})
    values["github.action_path"] = str(ROOT)
    values.update({f"github.{k}": v for k, v in (event or {"event_name": "push"}).items()})
    log = []
    USED.clear()
    code = 0
    for i, step in enumerate(ACTION["runs"]["steps"]):
        if not _condition(step.get("if"), values, failed=code != 0):
            continue
        if "uses" in step:
            USED.append((step["uses"], {k: _EXPR.sub(lambda m: values.get(m.group(1), ""), str(v))
                                        for k, v in step.get("with", {}).items()}))
            continue
        step_id = step.get("id", f"step{i}")
        output_file = runner_temp / f"output-{step_id}"
        output_file.write_text("")
        env = {k: _EXPR.sub(lambda m: values.get(m.group(1), ""), str(v)) for k, v in step.get("env", {}).items()}
        proc = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", step["run"]], cwd=workspace,
                              env={**os.environ, **env, "RUNNER_TEMP": str(runner_temp),
                                   "GITHUB_OUTPUT": str(output_file)},
                              capture_output=True, text=True, timeout=600)
        log.append(proc.stdout)
        for line in output_file.read_text().splitlines():
            name, _, value = line.partition("=")
            values[f"steps.{step_id}.outputs.{name}"] = value
        code = code or proc.returncode
    outputs = {k: _EXPR.sub(lambda m: values.get(m.group(1), ""), v["value"]) for k, v in ACTION["outputs"].items()}
    return code, "".join(log), outputs


USED: list[tuple[str, dict[str, str]]] = []
_TOKEN = re.compile(r"'[^']*'|&&|\|\||==|!=|[()]|[A-Za-z_][\w.-]*")


def _condition(expr: str | None, values: dict[str, str], failed: bool) -> bool:
    """A step's `if:` in the subset the action uses: contexts, '...' strings, == != && || and parentheses."""
    if expr is None:
        return not failed
    out = []
    for tok in _TOKEN.findall(str(expr).replace("${{", "").replace("}}", "")):
        if tok in ("&&", "||"):
            out.append(" and " if tok == "&&" else " or ")
        elif tok in ("==", "!=", "(", ")") or tok.startswith("'"):
            out.append(tok)
        elif tok in ("success()", "always()"):
            out.append(repr(True))
        else:
            out.append(repr(values.get(tok, "")))
    return not failed and bool(eval("".join(out)))  # noqa: S307 - built only from the tokens above


def test_inputs_and_outputs_are_declared():
    assert set(ACTION["inputs"]) >= {"paths", "format", "fail-on", "config", "sarif-file"}
    assert set(ACTION["outputs"]) == {"sarif-file", "exit-code"}
    assert ACTION["runs"]["using"] == "composite"
    texts = [str(v) for step in ACTION["runs"]["steps"]
             for v in (*step.get("env", {}).values(), *step.get("with", {}).values())]
    used = {m.group(1) for t in texts for m in _EXPR.finditer(t)}
    used |= {tok for step in ACTION["runs"]["steps"] for tok in _TOKEN.findall(str(step.get("if", "")))}
    assert {u.split(".", 1)[1] for u in used if u.startswith("inputs.")} == set(ACTION["inputs"])
    # one scan: the log's report and the SARIF come from a single glmlint run
    assert sum(step.get("run", "").count('"$GLMLINT" check') for step in ACTION["runs"]["steps"]) == 1


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
    # the SARIF is uploaded by the action, from the same scan, with its category
    assert USED == [("github/codeql-action/upload-sarif@v4",
                     {"sarif_file": "out/glmlint.sarif", "category": "glmlint"})]
    annotated = re.findall(r"^::(?:error|warning) file=([^,]+),line=(\d+),col=(\d+),title=(GLM\d+)", log, re.M)
    in_sarif = [(r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
                 str(r["locations"][0]["physicalLocation"]["region"]["startLine"]),
                 str(r["locations"][0]["physicalLocation"]["region"]["startColumn"]), r["ruleId"])
                for r in sarif["runs"][0]["results"]]
    assert sorted(annotated) == sorted(in_sarif)

    # opted out, or a pull request from a fork (its token cannot write): no upload, same verdict
    code, _, _ = run_action(workspace, temp, {"paths": "Dockerfile k8s", "upload-sarif": "false"})
    assert code == 1 and USED == []
    fork = {"event_name": "pull_request", "repository": "org/repo",
            "event.pull_request.head.repo.full_name": "someone/repo"}
    code, _, _ = run_action(workspace, temp, {"paths": "Dockerfile k8s"}, event=fork)
    assert code == 1 and USED == []
    if SCHEMA.is_file():
        from jsonschema import Draft4Validator

        errors = list(Draft4Validator(json.loads(SCHEMA.read_text())).iter_errors(sarif))
        assert not errors, errors[0].message

    # Warnings only, and fail-on from the input: the step passes; the SARIF still carries them.
    (workspace / "Dockerfile").write_text("FROM python:3.12\nUSER 10001\n")
    code, log, outputs = run_action(workspace, temp, {"paths": "Dockerfile k8s", "format": "text"})
    assert (code, outputs["exit-code"]) == (0, "0")
    assert "k8s/pod.yaml:7:5: low GLM002" in log
    assert len(json.loads((workspace / "glmlint.sarif").read_text())["runs"][0]["results"]) == 1
