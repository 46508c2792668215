"""`glmlint check -`: rendered streams on standard input, Helm source mapping; progress on a terminal."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

# `helm template demo ./mychart` for the chart `helm create mychart` generates, with the
# deployment's container given a `command:` that starts Jupyter without a token.
HELM_OUTPUT = """\
---
# Source: mychart/templates/serviceaccount.yaml
apiVersion: v1
kind: ServiceAccount
metadata:
  name: demo-mychart
  labels:
    helm.sh/chart: mychart-0.1.0
    app.kubernetes.io/name: mychart
    app.kubernetes.io/instance: demo
    app.kubernetes.io/version: "1.16.0"
    app.kubernetes.io/managed-by: Helm
automountServiceAccountToken: true
---
# Source: mychart/templates/service.yaml
apiVersion: v1
kind: Service
metadata:
  name: demo-mychart
  labels:
    helm.sh/chart: mychart-0.1.0
    app.kubernetes.io/name: mychart
    app.kubernetes.io/instance: demo
    app.kubernetes.io/version: "1.16.0"
    app.kubernetes.io/managed-by: Helm
spec:
  type: ClusterIP
  ports:
    - port: 80
      targetPort: http
      protocol: TCP
      name: http
  selector:
    app.kubernetes.io/name: mychart
    app.kubernetes.io/instance: demo
---
# Source: mychart/templates/deployment.yaml
apiVersion: apps/v1
kind: Deployment
metadata:
  name: demo-mychart
  labels:
    helm.sh/chart: mychart-0.1.0
    app.kubernetes.io/name: mychart
    app.kubernetes.io/instance: demo
    app.kubernetes.io/version: "1.16.0"
    app.kubernetes.io/managed-by: Helm
spec:
  replicas: 1
  selector:
    matchLabels:
      app.kubernetes.io/name: mychart
      app.kubernetes.io/instance: demo
  template:
    metadata:
      labels:
        helm.sh/chart: mychart-0.1.0
        app.kubernetes.io/name: mychart
        app.kubernetes.io/instance: demo
        app.kubernetes.io/version: "1.16.0"
        app.kubernetes.io/managed-by: Helm
    spec:
      serviceAccountName: demo-mychart
      securityContext:
        {}
      containers:
        - name: mychart
          securityContext:
            capabilities:
              drop:
              - ALL
            readOnlyRootFilesystem: true
            runAsNonRoot: true
            runAsUser: 1000
          image: "jupyter/base-notebook:2023-10-20"
          imagePullPolicy: IfNotPresent
          command: ["start-notebook.sh", "--ServerApp.ip=0.0.0.0", "--ServerApp.token="]
          ports:
            - name: http
              containerPort: 8888
              protocol: TCP
          livenessProbe:
            httpGet:
              path: /
              port: http
---
# Source: mychart/templates/tests/test-connection.yaml
apiVersion: v1
kind: Pod
metadata:
  name: "demo-mychart-test-connection"
  labels:
    helm.sh/chart: mychart-0.1.0
    app.kubernetes.io/name: mychart
    app.kubernetes.io/instance: demo
    app.kubernetes.io/version: "1.16.0"
    app.kubernetes.io/managed-by: Helm
  annotations:
    "helm.sh/hook": test
spec:
  containers:
    - name: wget
      image: busybox
      command: ['wget']
      args: ['demo-mychart:80']
  restartPolicy: Never
"""


def glmlint(args: list[str], stdin: str = "", cwd: Path | None = None, env: dict[str, str] | None = None
            ) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "glmlint", *args], input=stdin, capture_output=True, text=True,
                          cwd=cwd, env={**os.environ, "NO_COLOR": "1", **(env or {})})


def line_of(text: str, needle: str, start: str = "") -> int:
    lines = text.splitlines()
    first = lines.index(start) if start else 0
    return next(i for i, line in enumerate(lines[first:], first + 1) if needle in line)


def test_helm_template_output_maps_to_source_templates(tmp_path):
    core = "GLM001,GLM002,GLM003,GLM004,GLM005,GLM006"
    # the pod is a Helm test (`templates/tests/`): its missing hardening is reported only when
    # the configuration asks for it in tests (docs/context.md)
    (tmp_path / ".glmlint.toml").write_text('contexts = {tests = "all"}\n')
    proc = glmlint(["check", "--format", "json", "--select", core, "-"], HELM_OUTPUT, cwd=tmp_path)
    assert proc.returncode == 1, proc.stderr
    got = [(r["path"], r["line"], r["column"], r["code"]) for r in json.loads(proc.stdout)]
    # The deployment's container is hardened except for Jupyter; the test pod is not hardened.
    # Lines count within each rendered document: the line after `# Source:` is line 1.
    deployment, pod = "mychart/templates/deployment.yaml", "mychart/templates/tests/test-connection.yaml"
    assert got == [
        (deployment, 40, 68, "GLM005"),
        (pod, 15, 7, "GLM001"),
        (pod, 15, 7, "GLM002"),
        (pod, 15, 7, "GLM004"),
    ]
    # The same lines, counted by hand in the stream: the document's Source comment plus the offset.
    source_line = line_of(HELM_OUTPUT, "# Source: mychart/templates/tests/test-connection.yaml")
    assert HELM_OUTPUT.splitlines()[source_line + 15 - 1].strip() == "- name: wget"
    source_line = line_of(HELM_OUTPUT, "# Source: mychart/templates/deployment.yaml")
    assert HELM_OUTPUT.splitlines()[source_line + 40 - 1].startswith("          command:")


def test_helm_mapping_in_sarif(tmp_path):
    proc = glmlint(["check", "--format", "sarif", "--select", "GLM005", "-"], HELM_OUTPUT, cwd=tmp_path)
    (result,) = json.loads(proc.stdout)["runs"][0]["results"]
    loc = result["locations"][0]["physicalLocation"]
    assert loc["artifactLocation"] == {"uri": "mychart/templates/deployment.yaml", "uriBaseId": "%SRCROOT%"}
    assert loc["region"]["startLine"] == 40


def test_kustomize_stream_keeps_stream_locations(tmp_path):
    # `kustomize build` output: documents separated by `---`, no Source comments.
    stream = ("apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ml\n---\n"
              "apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: train\n  namespace: ml\nspec:\n  template:\n"
              "    spec:\n      restartPolicy: Never\n      containers:\n      - name: train\n        image: t\n"
              "        securityContext:\n          privileged: true\n")
    proc = glmlint(["check", "--format", "json", "--select", "GLM003", "-"], stream, cwd=tmp_path)
    assert [(r["path"], r["line"]) for r in json.loads(proc.stdout)] == [("-", 19)]
    proc = glmlint(["check", "--stdin-filename", "overlays/prod/all.yaml", "--select", "privileged", "-"],
                   stream, cwd=tmp_path)
    assert proc.stdout.startswith("overlays/prod/all.yaml:19:23: critical GLM003 [privileged]")


def test_stdin_filename_picks_the_format_and_content_detects_yaml(tmp_path):
    dockerfile = "# syntax=docker/dockerfile:1\nFROM python:3.12\nRUN pip install torch\n"
    proc = glmlint(["check", "-"], dockerfile, cwd=tmp_path)  # detected by content
    assert proc.stdout.startswith("-:2:1: medium GLM001"), proc.stdout + proc.stderr
    proc = glmlint(["check", "--stdin-filename", "images/gpu.Dockerfile", "-"], dockerfile, cwd=tmp_path)
    assert proc.stdout.startswith("images/gpu.Dockerfile:2:1: medium GLM001")
    # A ConfigMap that carries a Dockerfile is still YAML.
    configmap = ("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: build\ndata:\n  Dockerfile: |\n"
                 "    FROM python:3.12\n")
    proc = glmlint(["check", "-"], configmap, cwd=tmp_path)
    assert proc.returncode == 0 and proc.stderr == "" and proc.stdout.startswith("0 findings in 0 files")
    proc = glmlint(["check", "-"], "services:\n  a: [\n", cwd=tmp_path)
    assert proc.returncode == 2 and proc.stderr.startswith("-:3: cannot parse: invalid YAML")


def test_config_applies_to_stdin_by_its_name(tmp_path):
    (tmp_path / ".glmlint.toml").write_text('[per-file-ignores]\n"mychart/templates/tests/*" = ["GLM"]\n')
    proc = glmlint(["check", "--format", "json", "-"], HELM_OUTPUT, cwd=tmp_path)
    assert {r["path"] for r in json.loads(proc.stdout)} == {"mychart/templates/deployment.yaml"}


# -- progress -------------------------------------------------------------------


def _tree(tmp_path: Path, n: int) -> None:
    for i in range(n):
        (tmp_path / f"svc{i}").mkdir()
        (tmp_path / f"svc{i}" / "Dockerfile").write_text("FROM python:3.12\nUSER 1000\n")


@pytest.mark.skipif(sys.platform == "win32", reason="needs a pseudo-terminal")
def test_progress_on_a_terminal_only(tmp_path):
    import pty

    _tree(tmp_path, 5)
    env = {k: v for k, v in os.environ.items() if k not in ("CI", "GITHUB_ACTIONS")}

    def run_on_tty(extra_env: dict[str, str]) -> tuple[str, str]:
        leader, follower = pty.openpty()
        proc = subprocess.Popen([sys.executable, "-m", "glmlint", "check", "."], cwd=tmp_path,
                                stdout=subprocess.PIPE, stderr=follower, env={**env, **extra_env})
        os.close(follower)
        out = proc.communicate()[0].decode()
        chunks = []
        while True:
            try:
                chunk = os.read(leader, 4096)
            except OSError:  # the follower side is closed
                break
            if not chunk:
                break
            chunks.append(chunk.decode())
        os.close(leader)
        return out, "".join(chunks)

    out, tty = run_on_tty({})
    assert "scanning 5/5 files" in tty and tty.endswith("\r\x1b[K")  # drawn, then erased
    assert "scanning" not in out and out.startswith("0 findings")  # never in the report
    _, tty = run_on_tty({"CI": "true"})
    assert tty == ""
    proc = subprocess.run([sys.executable, "-m", "glmlint", "check", "."], cwd=tmp_path, capture_output=True,
                          text=True, env=env)  # stderr is a pipe
    assert proc.stderr == ""
