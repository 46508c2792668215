"""Committed Kubernetes Secrets (field22 F22-7): a literal secret in `stringData`, or in `data` once decoded,
is GLM013's, at the Secret's key, naming the file's workloads that read it; a chart's Secret is filled at
install time and is not committed text."""
from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

import pytest

from tests.helpers import lint
from tests.test_render import findings, needs_helm, needs_kustomize

_SECRET = """\
    apiVersion: v1
    kind: Secret
    metadata: {name: llm-keys, namespace: serving}
    stringData:
      OPENAI_API_KEY: sk-proj-Qw3rTy8uIoP4aSdF6gHjK2lZxC9vBnM1qWeRtYuI
      HF_TOKEN: hf_QxZ7yW2vP9kL4mN8rT3sB6cD1fG5hJ0aEb
    ---
    apiVersion: apps/v1
    kind: Deployment
    metadata: {name: gateway, namespace: %s}
    spec:
      selector: {matchLabels: {app: gateway}}
      template:
        metadata: {labels: {app: gateway}}
        spec:
          containers:
            - name: litellm
              image: ghcr.io/berriai/litellm:main-v1.55.0
              env:
                - {name: OPENAI_API_KEY, valueFrom: {secretKeyRef: {name: llm-keys, key: OPENAI_API_KEY}}}
            - name: downloader
              image: python:3.12-slim
              envFrom: [{secretRef: {name: llm-keys}}]
"""


def _messages(tmp_path: Path, text: str) -> list[tuple[int, str]]:
    report = lint(tmp_path, {"keys.yaml": text}, ["GLM013"])
    return sorted((r.line, r.message) for r in report.results)


def test_each_key_names_the_workloads_that_read_it(tmp_path: Path) -> None:
    assert _messages(tmp_path, _SECRET % "serving") == [
        (5, "Secret `llm-keys` sets `OPENAI_API_KEY` to a literal secret, read by container `litellm` "
            "(Deployment/gateway) and container `downloader` (Deployment/gateway)"),
        (6, "Secret `llm-keys` sets `HF_TOKEN` to a literal secret, read by container `downloader` "
            "(Deployment/gateway)"),
    ]


def test_a_workload_of_another_namespace_reads_another_secret_of_that_name(tmp_path: Path) -> None:
    # (and a key no container's environment reads is not GLM013's: the lead's word on review A23 K3)
    assert _messages(tmp_path, _SECRET % "gateway") == []


_READER = """    ---
    apiVersion: v1
    kind: Pod
    metadata: {name: app}
    spec:
      containers:
        - name: app
          image: python:3.12-slim
          envFrom: [{secretRef: {name: %s}}]
"""


def test_an_encrypted_or_null_value_is_no_literal(tmp_path: Path) -> None:
    # review A23 K6, K8: SOPS encrypts the values (Flux decrypts them); `~` is YAML's null
    text = """\
        apiVersion: v1
        kind: Secret
        metadata: {name: keys}
        stringData:
          OPENAI_API_KEY: ENC[AES256_GCM,data:Zm9vYmFyYmF6cXV4,iv:q2KxZm9vYmFy,tag:Vb3nZm9v,type:str]
        sops:
          mac: ENC[AES256_GCM,data:Zm9v,type:str]
          encrypted_regex: ^(data|stringData)$
    """
    text = textwrap.dedent(text) + textwrap.dedent(_READER % "keys")
    assert _messages(tmp_path, text) == []
    plain = text.replace("sops:\n", "other:\n").replace("OPENAI_API_KEY: ENC", "OPENAI_API_KEY: sk-proj-Qw3rTy8uIoP4aSdF6gHjK2lZxC9vBnM1qWeRtYuI\n  X: ENC")
    assert [line for line, _m in _messages(tmp_path / "plain", plain)] == [5]
    assert _messages(tmp_path / "null", "apiVersion: v1\nkind: Secret\nmetadata: {name: keys}\nstringData:\n"
                                        "  MY_SECRET: ~\n" + textwrap.dedent(_READER % "keys")) == []


def test_string_data_wins_over_data_for_a_key(tmp_path: Path) -> None:
    # the API server merges `stringData` into `data`, its value winning: the placeholder is what is stored
    text = """\
        apiVersion: v1
        kind: Secret
        metadata: {name: db}
        data:
          POSTGRES_PASSWORD: bWxmbG93LXBnLTlmM2sy
        stringData:
          POSTGRES_PASSWORD: <set-me-at-deploy-time>
    """
    text = textwrap.dedent(text) + textwrap.dedent(_READER % "db")
    assert _messages(tmp_path, text) == []
    assert _messages(tmp_path / "data", text.replace("POSTGRES_PASSWORD: <", "POSTGRES_USER: <")) == [
        (5, "Secret `db` sets `POSTGRES_PASSWORD` to a literal secret (base64 in `data:`, which anyone can decode), "
            "read by container `app` (Pod/app)")]


_TEMPLATE = """\
apiVersion: v1
kind: Secret
metadata:
  name: {{ .Release.Name }}-keys
data:
  POSTGRES_PASSWORD: {{ .Values.postgresPassword | default (randAlphaNum 16) | b64enc | quote }}
  API_KEY: {{ .Values.apiKey | b64enc | quote }}
stringData:
  HF_TOKEN: {{ .Values.hfToken | quote }}
  {{- if .Values.literal }}
  WANDB_API_KEY: 3f9c2a7b1e8d4c6f0a5b9e2d7c1f4a8b6e3d0c9f
  {{- end }}
"""


@needs_helm
def test_a_charts_secret_is_filled_at_install_and_not_committed_text(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    chart = tmp_path / "chart"
    (chart / "templates").mkdir(parents=True)
    (chart / "Chart.yaml").write_text("apiVersion: v2\nname: chart\nversion: 0.1.0\n")
    (chart / "values.yaml").write_text('apiKey: "sk-local-9f86d081884c7d659a2f"\n'
                                       'hfToken: "hf_QxZ7yW2vP9kL4mN8rT3sB6cD1fG5hJ0aEb"\n')
    (chart / "templates" / "secret.yaml").write_text(_TEMPLATE)
    (chart / "templates" / "pod.yaml").write_text(textwrap.dedent(_READER).replace("%s", "{{ .Release.Name }}-keys"))
    assert [r for r in findings(tmp_path, capsys, "--select", "GLM013", "chart") if r["code"] == "GLM013"] == []
    # a key and value the template writes as they are: committed text, at the template's line
    (chart / "values.yaml").write_text((chart / "values.yaml").read_text() + "literal: true\n")
    got = findings(tmp_path, capsys, "--select", "GLM013", "chart")
    assert [(r["path"], r["line"]) for r in got] == [("chart/templates/secret.yaml", 11)]
    # the same Secret as `helm template` writes it, committed as a manifest: its values are in the repository
    shutil.rmtree(chart)
    (tmp_path / "secret.yaml").write_text(
        'apiVersion: v1\nkind: Secret\nmetadata:\n  name: release-name-keys\nstringData:\n'
        '  HF_TOKEN: "hf_QxZ7yW2vP9kL4mN8rT3sB6cD1fG5hJ0aEb"\n' + textwrap.dedent(_READER % "release-name-keys"))
    got = findings(tmp_path, capsys, "--select", "GLM013", "secret.yaml")
    assert [(r["code"], r["line"]) for r in got] == [("GLM013", 6)]


@needs_kustomize
def test_an_overlays_secret_is_reported_at_its_base_resource_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "base").mkdir()
    (tmp_path / "overlay").mkdir()
    (tmp_path / "base" / "kustomization.yaml").write_text("resources: [secret.yaml]\n")
    (tmp_path / "base" / "secret.yaml").write_text(
        "apiVersion: v1\nkind: Secret\nmetadata: {name: hf}\nstringData:\n"
        "  HF_TOKEN: hf_QxZ7yW2vP9kL4mN8rT3sB6cD1fG5hJ0aEb\n" + textwrap.dedent(_READER % "hf"))
    (tmp_path / "overlay" / "kustomization.yaml").write_text("resources: [../base]\nnamespace: serving\n")
    got = findings(tmp_path, capsys, "--select", "GLM013", ".")
    assert [(r["path"], r["line"]) for r in got] == [("base/secret.yaml", 5)]
