"""Committed Kubernetes Secrets (field22 F22-7): a literal secret in `stringData`, or in `data` once decoded,
is GLM013's, at the Secret's key, naming the file's workloads that read it; a chart's Secret is filled at
install time and is not committed text."""
from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

import pytest

from glmlint.registry import builtin_rules, select
from glmlint.runner import scan
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
def test_a_charts_secret_reports_what_its_committed_files_write_not_what_install_fills(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    chart = tmp_path / "chart"
    (chart / "templates").mkdir(parents=True)
    (chart / "Chart.yaml").write_text("apiVersion: v2\nname: chart\nversion: 0.1.0\n")
    (chart / "values.yaml").write_text('apiKey: ""\nhfToken: "<your-hf-token>"\n')
    (chart / "templates" / "secret.yaml").write_text(_TEMPLATE)
    (chart / "templates" / "pod.yaml").write_text(textwrap.dedent(_READER).replace("%s", "{{ .Release.Name }}-keys"))
    assert [r for r in findings(tmp_path, capsys, "--select", "GLM013", "chart") if r["code"] == "GLM013"] == []
    # a values file's literal that the template writes (`b64enc` or not) is committed text, at the values line
    # (reread23 R3), as the same value given through `env` is
    (chart / "values.yaml").write_text('apiKey: "sk-local-9f86d081884c7d659a2f"\n'
                                       'hfToken: "hf_QxZ7yW2vP9kL4mN8rT3sB6cD1fG5hJ0aEb"\n')
    got = findings(tmp_path, capsys, "--select", "GLM013", "chart")
    assert [(r["path"], r["line"], r["message"].partition(" (through")[2]) for r in got] == [
        ("chart/values.yaml", 1, " the Secret `chart/templates/secret.yaml:7`)"),
        ("chart/values.yaml", 2, " the Secret `chart/templates/secret.yaml:9`)")]
    # a key and value the template writes as they are: committed text, at the template's line
    (chart / "values.yaml").write_text('apiKey: ""\nliteral: true\n')
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


# reread23 R1: `kubectl apply -f k8s/` — the Secret in its own file, its reader in another of the directory
_OWN_SECRET = """\
    apiVersion: v1
    kind: Secret
    metadata: {name: vllm-secrets, namespace: llm}
    type: Opaque
    stringData:
      HF_TOKEN: hf_Qw7xLp2vRt9zKm3NbVc8XyTu5RsEaDf
      VLLM_API_KEY: Zx9mQ2wE7rT4yU8iO1pA
"""
_ITS_READER = """\
    apiVersion: apps/v1
    kind: Deployment
    metadata: {name: vllm, namespace: %s}
    spec:
      selector: {matchLabels: {app: vllm}}
      template:
        metadata: {labels: {app: vllm}}
        spec:
          containers:
            - name: vllm
              image: vllm/vllm-openai:v0.6.4
              env:
                - {name: HF_TOKEN, valueFrom: {secretKeyRef: {name: vllm-secrets, key: HF_TOKEN}}}
"""


def _found(tmp_path: Path, files: dict[str, str]) -> list[tuple[str, int, str]]:
    return sorted((r.path, r.line, r.message) for r in lint(tmp_path, files, ["GLM013"]).results)


def test_a_secret_in_its_own_file_is_read_by_a_deployment_of_the_same_directory(tmp_path: Path) -> None:
    assert _found(tmp_path, {"k8s/secret.yaml": _OWN_SECRET, "k8s/deployment.yaml": _ITS_READER % "llm"}) == [
        ("k8s/secret.yaml", 6, "Secret `vllm-secrets` sets `HF_TOKEN` to a literal secret, read by container "
                               "`vllm` (Deployment/vllm)")]


def test_a_secret_read_beside_its_file_is_found_after_one_read_in_it(tmp_path: Path) -> None:
    # reread24 R1: the first Secret is read in its own file, the second only by the Deployment beside it
    first = """\
        apiVersion: v1
        kind: Secret
        metadata: {name: pg-secret, namespace: llm}
        stringData: {POSTGRES_PASSWORD: Zq8s7d6fKpL2mN4xTr}
        ---
        apiVersion: apps/v1
        kind: StatefulSet
        metadata: {name: pg, namespace: llm}
        spec:
          serviceName: pg
          selector: {matchLabels: {app: pg}}
          template:
            metadata: {labels: {app: pg}}
            spec:
              containers: [{name: pg, image: 'postgres:16', envFrom: [{secretRef: {name: pg-secret}}]}]
        ---
    """
    got = _found(tmp_path, {"k8s/db.yaml": textwrap.dedent(first) + textwrap.dedent(_OWN_SECRET),
                            "k8s/deployment.yaml": _ITS_READER % "llm"})
    assert [(path, line, "`HF_TOKEN`" in m) for path, line, m in got] == [
        ("k8s/db.yaml", 4, False), ("k8s/db.yaml", 22, True)]


def test_the_secrets_file_checked_alone_finds_its_reader_beside_it(tmp_path: Path) -> None:
    lint(tmp_path, {"k8s/deployment.yaml": _ITS_READER % "llm"})
    (tmp_path / "k8s/secret.yaml").write_text(textwrap.dedent(_OWN_SECRET))
    report = scan([str(tmp_path / "k8s/secret.yaml")], select(builtin_rules(), ["GLM013"]), root=str(tmp_path))
    assert [(r.line, r.rule.code) for r in report.results] == [(6, "GLM013")]


def test_a_reader_of_another_namespace_or_directory_or_of_a_secret_two_files_write_is_not_linked(
        tmp_path: Path) -> None:
    assert _found(tmp_path / "ns", {"k8s/secret.yaml": _OWN_SECRET, "k8s/deployment.yaml": _ITS_READER % "web"}) == []
    # (`-f k8s/secrets` and `-f k8s/app` are two applies; two folders side by side are often two examples: a reader
    # there is linked only in the namespace both write, tests/test_secret_commands.py)
    assert _found(tmp_path / "dirs", {"k8s/secrets/secret.yaml": _OWN_SECRET,
                                      "k8s/app/deployment.yaml": _ITS_READER.replace(", namespace: %s", "")}) == []
    # a folder of examples, each with its own Secret of that name: which one the reader gets is not known
    assert _found(tmp_path / "two", {"ex/secret.yaml": _OWN_SECRET, "ex/other-secret.yaml": _OWN_SECRET,
                                     "ex/deployment.yaml": _ITS_READER % "llm"}) == []


# reread23 R5: a key is a secret when it, or the variable that reads it, is named as one
_KEYED = """\
    apiVersion: v1
    kind: Secret
    metadata: {name: llm}
    stringData:
      hf: hf_Qw7xLp2vRt9zKm3NbVc8XyTu5RsEaDf
      KEY: Vq8vN3mZ5xW1pL7kR2sY
    ---
    apiVersion: v1
    kind: Pod
    metadata: {name: api}
    spec:
      containers:
        - name: api
          image: ghcr.io/acme/api:1.0
          env: [{name: %s, valueFrom: {secretKeyRef: {name: llm, key: hf}}}]
          envFrom: [{prefix: %s, secretRef: {name: llm}}]
"""


def test_a_key_is_judged_by_the_variable_that_reads_it_too(tmp_path: Path) -> None:
    assert _messages(tmp_path, _KEYED % ("HF_TOKEN", "OPENAI_API_")) == [
        (5, "Secret `llm` sets `hf` to a literal secret, read by container `api` (Pod/api) as `HF_TOKEN`"),
        (6, "Secret `llm` sets `KEY` to a literal secret, read by container `api` (Pod/api) as `OPENAI_API_KEY`"),
    ]


def test_a_key_read_as_no_secrets_name_is_not_judged_a_secret(tmp_path: Path) -> None:
    assert _messages(tmp_path, _KEYED % ("HF_MODEL", "CACHE_")) == []


# KubeRay gives the head's Ray container `REDIS_PASSWORD` from `gcsFaultToleranceOptions.redisPassword`
_RAY = """\
    apiVersion: v1
    kind: Secret
    metadata: {name: redis-password-secret}
    stringData:
      password: Rd7vN3mZ5xW1pL7kR2sY
    ---
    apiVersion: ray.io/v1
    kind: RayCluster
    metadata: {name: raycluster-external-redis}
    spec:
      %s
      headGroupSpec:
        rayStartParams: {}
        template:
          spec:
            containers:
              - name: ray-head
                image: rayproject/ray:2.46.0
      workerGroupSpecs: []
"""


def test_kuberays_redis_password_reads_the_secret_into_the_heads_environment(tmp_path: Path) -> None:
    options = "gcsFaultToleranceOptions: {redisAddress: 'redis:6379', redisPassword: {valueFrom: {secretKeyRef: " \
              "{name: redis-password-secret, key: password}}}}"
    assert [line for line, _m in _messages(tmp_path / "ft", _RAY % options)] == [5]
    assert _messages(tmp_path / "none", _RAY % "gcsFaultToleranceOptions: {redisAddress: 'redis:6379'}") == []


def test_a_yaml_alias_inside_a_secret_is_one_finding_at_the_value_it_repeats(tmp_path: Path) -> None:
    text = _SECRET.replace("HF_TOKEN: hf_QxZ7yW2vP9kL4mN8rT3sB6cD1fG5hJ0aEb", "HF_TOKEN: *key").replace(
        "OPENAI_API_KEY: sk-proj", "OPENAI_API_KEY: &key sk-proj")
    assert _messages(tmp_path, text % "serving") == [
        (5, "Secret `llm-keys` sets `OPENAI_API_KEY` and `HF_TOKEN` to a literal secret, read by container "
            "`litellm` (Deployment/gateway) and container `downloader` (Deployment/gateway)")]


def test_template_words_are_template_text_in_a_secret_and_an_environment_alike(tmp_path: Path) -> None:
    # review A23 K1: one judgement of a value, whatever carries it
    compose = """\
        services:
          api:
            image: ghcr.io/acme/api:1.0
            environment: {DB_PASSWORD: my-password, API_TOKEN: my-token, ADMIN_PASSWORD: password}
    """
    secret = _SECRET.replace("OPENAI_API_KEY: sk-proj-Qw3rTy8uIoP4aSdF6gHjK2lZxC9vBnM1qWeRtYuI",
                             "OPENAI_API_KEY: my-token").replace("HF_TOKEN: hf_QxZ7yW2vP9kL4mN8rT3sB6cD1fG5hJ0aEb",
                                                                 "DB_PASSWORD: password")
    secret = secret.replace("envFrom: [{secretRef: {name: llm-keys}}]", "envFrom: [{secretRef: {name: llm-keys}}]")
    got = _found(tmp_path, {"compose.yaml": compose, "keys.yaml": secret % "serving"})
    assert [(path, line) for path, line, _m in got] == [("compose.yaml", 4), ("keys.yaml", 6)]
    assert "`ADMIN_PASSWORD`" in got[0][2] and "`DB_PASSWORD`" in got[1][2]


@needs_kustomize
def test_a_secret_generators_literal_is_reported_at_its_line_in_the_kustomization(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # reread23 R3: `literals:` and a committed `envs:` file are committed text; a gitignored env file is not
    (tmp_path / "app.yaml").write_text(textwrap.dedent(_READER % "llm-keys"))
    (tmp_path / "keys.env").write_text("# keys\nVLLM_API_KEY=Zx9mQ2wE7rT4yU8iO1pA\n")
    (tmp_path / "kustomization.yaml").write_text(
        "resources: [app.yaml]\nsecretGenerator:\n  - name: llm-keys\n"
        "    literals: [HF_TOKEN=hf_Qw7xLp2vRt9zKm3NbVc8XyTu5RsEaDf]\n    envs: [keys.env]\n")
    got = findings(tmp_path, capsys, "--select", "GLM013", ".")
    assert [(r["path"], r["line"], "base64" in r["message"]) for r in got] == [
        ("keys.env", 2, False), ("kustomization.yaml", 4, False)]
    (tmp_path / ".gitignore").write_text("*.env\n")
    (tmp_path / ".git").mkdir()
    got = findings(tmp_path, capsys, "--select", "GLM013", ".")
    assert [(r["path"], r["line"]) for r in got] == [("kustomization.yaml", 4)]
    # (review A24 S1) a local env file's key that sorts first in the built `data:` (whose position is the
    # mapping's) has no place in the repository: nothing for it, and the literal keeps its own finding
    (tmp_path / "keys.env").write_text("ANTHROPIC_API_KEY=sk-ant-api03-Qw7xLp2vRt9zKm3NbVc8XyTu5RsEaDfGh\n")
    got = findings(tmp_path, capsys, "--select", "GLM013", ".")
    assert [(r["path"], r["line"], "`HF_TOKEN`" in r["message"]) for r in got] == [("kustomization.yaml", 4, True)]


@needs_kustomize
def test_a_generator_whose_name_begins_another_lends_it_no_literal(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # reread24 R2: `app` and `app-db` build `app-<hash>` and `app-db-<hash>`; each Secret's key is its own generator's
    (tmp_path / "app.yaml").write_text(textwrap.dedent("""\
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: api}
        spec:
          selector: {matchLabels: {app: api}}
          template:
            metadata: {labels: {app: api}}
            spec:
              containers:
                - name: api
                  image: ghcr.io/acme/api:1.0
                  envFrom: [{secretRef: {name: app}}]
                - name: worker
                  image: ghcr.io/acme/worker:1.0
                  envFrom: [{secretRef: {name: app-db}}]
    """))
    (tmp_path / "kustomization.yaml").write_text(
        "resources: [app.yaml]\nsecretGenerator:\n- name: app\n  literals:\n  - API_KEY=Zq8s7d6fKpL2mN4xQw9e\n"
        "- name: app-db\n  literals:\n  - API_KEY=Hy6tR4eW2qA9sD8fG7jK\n")
    got = findings(tmp_path, capsys, "--select", "GLM013", ".")
    assert [(r["line"], "`worker`" in r["message"], "base64" in r["message"]) for r in got] == [
        (5, False, False), (8, True, False)]


def test_kuberays_auth_secret_is_read_into_every_ray_container_in_token_mode(tmp_path: Path) -> None:
    # KubeRay's own sample (ray-operator/config/samples/ray-cluster.auth.secret-ref.yaml), shortened
    text = _RAY.replace("password: Rd7vN3mZ5xW1pL7kR2sY", "auth_token: Tk7vN3mZ5xW1pL7kR2sYq9") \
        .replace("workerGroupSpecs: []", "workerGroupSpecs: [{groupName: gpu, rayStartParams: {}, template: {spec: "
                 "{containers: [{name: ray-worker, image: 'rayproject/ray:2.53.0'}]}}}]")
    auth = "authOptions: {mode: %s, secretName: redis-password-secret}"
    assert _messages(tmp_path / "token", text % (auth % "token")) == [
        (5, "Secret `redis-password-secret` sets `auth_token` to a literal secret, read by container `ray-head` "
            "(RayCluster/raycluster-external-redis head) and container `ray-worker` (RayCluster/raycluster-external-redis "
            "gpu)")]
    assert _messages(tmp_path / "disabled", text % (auth % "disabled")) == []


def test_a_kserve_inference_service_of_another_file_reads_the_hf_secret(tmp_path: Path) -> None:
    # KServe's Hugging Face runtime docs: `hf-secret` applied beside the InferenceService that reads it
    isvc = """\
        apiVersion: serving.kserve.io/v1beta1
        kind: InferenceService
        metadata: {name: huggingface-llama3}
        spec:
          predictor:
            model:
              modelFormat: {name: huggingface}
              args: [--model_name=llama3, --model_id=meta-llama/meta-llama-3-8b-instruct]
              env:
                - name: HF_TOKEN
                  valueFrom: {secretKeyRef: {name: hf-secret, key: HF_TOKEN, optional: false}}
    """
    secret = "apiVersion: v1\nkind: Secret\nmetadata: {name: hf-secret}\ntype: Opaque\n" \
             "stringData: {HF_TOKEN: hf_Qw7xLp2vRt9zKm3NbVc8XyTu5RsEaDf}\n"
    assert [(p, line) for p, line, _m in _found(tmp_path, {"hf-secret.yaml": secret, "isvc.yaml": isvc})] == [
        ("hf-secret.yaml", 5)]
    assert _found(tmp_path / "other", {"hf-secret.yaml": secret, "isvc.yaml": isvc.replace("HF_TOKEN, opt", "TOKEN, opt")
                                       .replace("name: HF_TOKEN", "name: HF_HUB_OFFLINE")}) == []


@needs_helm
def test_a_literal_default_a_charts_secret_template_writes_is_reported_at_its_line(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # review A24 S2: `default "…"` is what every install that leaves the value empty gets; `randAlphaNum` is not
    chart = tmp_path / "chart"
    (chart / "templates").mkdir(parents=True)
    (chart / "Chart.yaml").write_text("apiVersion: v2\nname: chart\nversion: 0.1.0\n")
    (chart / "values.yaml").write_text('redisPassword: ""\n')
    (chart / "templates" / "pod.yaml").write_text(textwrap.dedent(_READER).replace("%s", "{{ .Release.Name }}-keys"))
    secret = ("apiVersion: v1\nkind: Secret\nmetadata:\n  name: {{ .Release.Name }}-keys\ndata:\n"
              "  REDIS_PASSWORD: {{ .Values.redisPassword | default %s | b64enc | quote }}\n")
    (chart / "templates" / "secret.yaml").write_text(secret % '"Zq8s7d6fKpL2mN4x"')
    got = findings(tmp_path, capsys, "--select", "GLM013", "chart")
    assert [(r["path"], r["line"], "base64" in r["message"]) for r in got] == [("chart/templates/secret.yaml", 6, False)]
    (chart / "templates" / "secret.yaml").write_text(secret % "(randAlphaNum 16)")
    assert findings(tmp_path, capsys, "--select", "GLM013", "chart") == []
