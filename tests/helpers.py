"""Small helpers shared by the tests: parse text of a given kind into IR, scan a tree."""
from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

from glmlint.ir import SourceFile, Workload
from glmlint.parsers import parse
from glmlint.registry import builtin_rules, select
from glmlint.runner import Report, scan

# an Ollama Deployment, its Service and an Ingress of no class to it (test_link: the default IngressClass
# decides; test_pool: the Ingress in a file of its own, its route worked out by the workers)
OLLAMA_BEHIND_INGRESS = """\
apiVersion: apps/v1
kind: Deployment
metadata: {name: ollama, namespace: llm}
spec:
  selector: {matchLabels: {app: ollama}}
  template:
    metadata: {labels: {app: ollama}}
    spec:
      containers:
        - name: ollama
          image: ollama/ollama:0.3.12
          ports: [{name: http, containerPort: 11434}]
          resources: {limits: {memory: 16Gi}}
---
apiVersion: v1
kind: Service
metadata: {name: ollama, namespace: llm}
spec:
  selector: {app: ollama}
  ports: [{name: http, port: 80, targetPort: http}]
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: ollama, namespace: llm}
spec:
  rules:
    - http:
        paths:
          - {path: /, pathType: Prefix, backend: {service: {name: ollama, port: {number: 80}}}}
"""


def workloads(text: str, kind: str = "dockerfile", name: str = "Dockerfile") -> list[Workload]:
    source = parse(name, textwrap.dedent(text), kind)
    assert source is not None, "not recognised"
    return source.workloads


def source(text: str, kind: str, name: str = "f") -> SourceFile | None:
    return parse(name, textwrap.dedent(text), kind)


def one(text: str, kind: str = "dockerfile") -> Workload:
    ws = workloads(text, kind)
    assert len(ws) == 1, ws
    return ws[0]


def lint(tmp_path: Path, files: dict[str, str], rules: list[str] | None = None) -> Report:
    for name, text in files.items():
        p = tmp_path / name
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(textwrap.dedent(text))
    chosen = select(builtin_rules(), rules or [])
    return scan([str(tmp_path)], chosen, root=str(tmp_path))


def found(report: Report) -> list[tuple[str, str, int]]:
    return [(r.path, r.code, r.line) for r in report.results]


def after_a_dockerfile_check(tmp_path: Path, probe: str) -> str:
    """What `probe` (Python run after it, in the same fresh interpreter) prints once
    `glmlint check --format json Dockerfile` has run on a small Dockerfile in `tmp_path`: the
    modules a real one-Dockerfile run loads. The whole output, the check's JSON first."""
    (tmp_path / "Dockerfile").write_text("FROM python:3.12-slim\nRUN pip install flask\nCMD [\"flask\", \"run\"]\n")
    code = "import sys\nfrom glmlint.cli import main\ntry:\n    main([\"check\", \"--format\", \"json\", \"Dockerfile\"])\n" \
           "except SystemExit:\n    pass\n" + textwrap.dedent(probe)
    return subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True,
                          check=True).stdout
