"""GLM013 on command lines (session 25): what a program's option holds is judged as that program reads it."""
from __future__ import annotations

import textwrap
from pathlib import Path

from tests.helpers import lint

_ETCD = """\
    apiVersion: apps/v1
    kind: StatefulSet
    metadata: {name: etcd}
    spec:
      serviceName: etcd
      selector: {matchLabels: {app: etcd}}
      template:
        metadata: {labels: {app: etcd}}
        spec:
          containers:
            - name: etcd
              image: quay.io/coreos/etcd:v3.5.17
              command: [sh, -c]
              args:
                - exec %s --auth-token=Zq8vLm3xTr7wPk2n --listen-client-urls=http://0.0.0.0:2379
"""


def _found(tmp_path: Path, files: dict[str, str]) -> list[tuple[str, int, str]]:
    report = lint(tmp_path, files, ["GLM013"])
    return sorted((r.path, r.line, r.message) for r in report.results)


def test_etcds_auth_token_is_its_token_type_not_a_credential(tmp_path: Path) -> None:
    # etcd-io/etcd@c5eb78e2 server/etcdmain/help.go: `--auth-token` "Specify a v3 authentication token type and
    # its options ('simple' or 'jwt')"; what any other program's `--auth-token` is given is its token
    assert _found(tmp_path, {"etcd.yaml": _ETCD % "etcd"}) == []
    assert _found(tmp_path, {"etcd.yaml": _ETCD % "gateway"}) == [
        ("etcd.yaml", 15, "container `etcd` (StatefulSet/etcd) starts with a literal secret (`--auth-token`) on its "
                          "command line")]


def test_a_wrappers_words_are_judged_as_the_program_it_runs_reads_them(tmp_path: Path) -> None:
    dockerfile = "FROM python:3.12-slim\nRUN sudo -E huggingface-cli login --token hf_QxZ7yW2vP9kL4mN8rT3sB6cD1fG5hJ0aEbRt\n"
    assert _found(tmp_path, {"Dockerfile": dockerfile}) == [
        ("Dockerfile", 2, "the build of the final stage runs `huggingface-cli` with a literal secret (`--token`): "
                          "kept in the image's history")]


# KServe's storage initializer (kserve/kserve@3cb95ee9 pkg/credentials/service_account_credentials.go,
# @3f4350bb pkg/credentials/s3/s3_secret.go, @c8d1ec07 pkg/webhook/admission/pod/storage_initializer_injector.go)
_S3_SECRET = """\
    apiVersion: v1
    kind: Secret
    metadata:
      name: s3creds
      annotations:
        serving.kserve.io/s3-endpoint: minio-service.kubeflow:9000
        serving.kserve.io/s3-usehttps: "0"
    type: Opaque
    data:
      AWS_ACCESS_KEY_ID: bWluaW8=
      AWS_SECRET_ACCESS_KEY: bWluaW8xMjM=
    ---
    apiVersion: v1
    kind: ServiceAccount
    metadata:
      name: sa
    secrets:
      - name: s3creds
"""
_ISVC = """\
    apiVersion: serving.kserve.io/v1beta1
    kind: InferenceService
    metadata:
      name: sklearn-s3%s
    spec:
      predictor:
        serviceAccountName: %s
        model:
          modelFormat:
            name: sklearn
          storageUri: %s
"""


def _isvc(account: str = "sa", uri: str = "s3://models/sklearn/iris", annotation: str = "") -> str:
    return _ISVC % (annotation, account, uri)


def test_kserves_storage_initializer_reads_the_s3_secret_its_service_account_lists(tmp_path: Path) -> None:
    want = [("s3-secret.yaml", 11, "Secret `s3creds` sets `AWS_SECRET_ACCESS_KEY` to a literal secret (base64 in "
             "`data:`, which anyone can decode), read by container `storage-initializer` (InferenceService/sklearn-s3 "
             "predictor)")]
    assert _found(tmp_path, {"s3-secret.yaml": _S3_SECRET, "isvc.yaml": _isvc()}) == want
    # the same, in one file
    assert _found(tmp_path / "one", {"s3-secret.yaml": _S3_SECRET + "    ---\n" + _isvc()}) == want


def test_no_storage_initializer_reads_it_for_another_account_a_pvc_or_an_annotated_secret(tmp_path: Path) -> None:
    assert _found(tmp_path / "a", {"s3-secret.yaml": _S3_SECRET, "isvc.yaml": _isvc(account="other")}) == []
    assert _found(tmp_path / "b", {"s3-secret.yaml": _S3_SECRET, "isvc.yaml": _isvc(uri="pvc://models/iris")}) == []
    # `serving.kserve.io/storageSecretName` takes precedence over the ServiceAccount's Secrets
    annotated = "\n      annotations: {serving.kserve.io/storageSecretName: other-creds}"
    assert _found(tmp_path / "c", {"s3-secret.yaml": _S3_SECRET, "isvc.yaml": _isvc(annotation=annotated)}) == []
    assert _found(tmp_path / "d", {"s3-secret.yaml": _S3_SECRET}) == []


# `kubectl create secret generic NAME --from-literal=KEY=VALUE` in a deploy script (kubernetes/kubectl@f5be7f60
# pkg/cmd/create/create_secret.go)
_DEPLOY = """\
    #!/usr/bin/env bash
    set -euo pipefail
    kubectl create namespace llm || true
    kubectl create secret generic hf-secret -n llm \\
      --from-literal=HF_TOKEN=%s \\
      --dry-run=client -o yaml | kubectl apply -f -
    kubectl -n llm create secret generic db --from-literal password='S3cr3t-Pa55w0rd!' --from-literal=user=app
    kubectl apply -f %s
"""
_READER = """\
    apiVersion: apps/v1
    kind: Deployment
    metadata: {name: vllm, namespace: llm}
    spec:
      selector: {matchLabels: {app: vllm}}
      template:
        metadata: {labels: {app: vllm}}
        spec:
          containers:
            - name: vllm
              image: vllm/vllm-openai:v0.6.3
              env:
                - {name: HUGGING_FACE_HUB_TOKEN, valueFrom: {secretKeyRef: {name: hf-secret, key: HF_TOKEN}}}
                - {name: DB_PASSWORD, valueFrom: {secretKeyRef: {name: db, key: password}}}
"""
_HF = "hf_QxZ7yW2vP9kL4mN8rT3sB6cD1fG5hJ0aEbRt"


def test_a_secret_a_script_creates_from_literals_is_reported_at_the_value_in_the_script(tmp_path: Path) -> None:
    # the Deployment the script applies (`kubectl apply -f k8s/`, from the repository's root) reads both
    assert _found(tmp_path, {"scripts/deploy.sh": _DEPLOY % (_HF, "k8s/"), "k8s/vllm.yaml": _READER}) == [
        ("scripts/deploy.sh", 5, "Secret `hf-secret` sets `HF_TOKEN` to a literal secret, read by container `vllm` "
                                 "(Deployment/vllm)"),
        ("scripts/deploy.sh", 7, "Secret `db` sets `password` to a literal secret, read by container `vllm` "
                                 "(Deployment/vllm)")]
    report = lint(tmp_path, {}, ["GLM013"])
    assert sorted((r.line, r.col) for r in report.results) == [(5, 27), (7, 66)]  # (at the values)


def test_a_secret_a_script_creates_from_the_deployers_values_or_for_no_reader_is_not(tmp_path: Path) -> None:
    assert _found(tmp_path / "a", {"scripts/deploy.sh": _DEPLOY.replace("'S3cr3t-Pa55w0rd!'", '"$DB_PASSWORD"') % (
        '"${HF_TOKEN:?}"', "k8s/"), "k8s/vllm.yaml": _READER}) == []
    # no container reads them: GLM013 is a secret in an environment
    assert _found(tmp_path / "b", {"scripts/deploy.sh": _DEPLOY % (_HF, "k8s/"), "k8s/vllm.yaml": _READER.replace(
        "secretKeyRef", "configMapKeyRef")}) == []
    # nor a README's command (no script runs it), nor a name `--append-hash` changes
    readme = "```bash\n" + textwrap.dedent(_DEPLOY % (_HF, "k8s/")) + "```\n"
    assert _found(tmp_path / "c", {"README.md": readme, "k8s/vllm.yaml": _READER}) == []
    hashed = (_DEPLOY % (_HF, "k8s/")).replace("--dry-run", "--append-hash --dry-run")
    assert [f[1] for f in _found(tmp_path / "d", {"scripts/deploy.sh": hashed, "k8s/vllm.yaml": _READER})] == [7]


_NS_SECRET = """\
    apiVersion: v1
    kind: Secret
    metadata: {name: hf-token%s}
    stringData:
      HF_TOKEN: hf_QxZ7yW2vP9kL4mN8rT3sB6cD1fG5hJ0aEbRt
"""
# (the Deployment of `_READER`, of the namespace `%s` writes, reading Secret `hf-token`)
_NS_READER = _READER.replace("{name: vllm, namespace: llm}", "{name: vllm%s}").replace(
    "                - {name: DB_PASSWORD, valueFrom: {secretKeyRef: {name: db, key: password}}}\n", "").replace(
    "{name: HUGGING_FACE_HUB_TOKEN, valueFrom: {secretKeyRef: {name: hf-secret,",
    "{name: HF_TOKEN, valueFrom: {secretKeyRef: {name: hf-token,")


def test_a_reader_beside_the_secrets_directory_is_linked_in_the_namespace_both_write(tmp_path: Path) -> None:
    # `kubectl apply -R -f deploy/` creates both; whatever applies them, one name in one namespace is one Secret
    ns = ", namespace: llm"
    assert _found(tmp_path / "a", {"deploy/secrets/hf.yaml": _NS_SECRET % ns, "deploy/apps/vllm.yaml": _NS_READER % ns}) == [
        ("deploy/secrets/hf.yaml", 5, "Secret `hf-token` sets `HF_TOKEN` to a literal secret, read by container `vllm` "
                                      "(Deployment/vllm)")]


def test_a_reader_beside_it_of_no_or_another_namespace_or_beside_another_such_secret_is_not(tmp_path: Path) -> None:
    ns = ", namespace: llm"
    assert _found(tmp_path / "a", {"deploy/secrets/hf.yaml": _NS_SECRET % ns, "deploy/apps/vllm.yaml": _NS_READER % ""}) == []
    assert _found(tmp_path / "b", {"deploy/secrets/hf.yaml": _NS_SECRET % ns,
                                   "deploy/apps/vllm.yaml": _NS_READER % ", namespace: web"}) == []
    assert _found(tmp_path / "c", {"deploy/secrets/hf.yaml": _NS_SECRET % "", "deploy/apps/vllm.yaml": _NS_READER % ns}) == []
    # two example folders, each with its own Secret of that name: which one the reader gets is not known
    assert _found(tmp_path / "d", {"ex/a/hf.yaml": _NS_SECRET % ns, "ex/b/hf.yaml": _NS_SECRET % ns,
                                   "ex/c/vllm.yaml": _NS_READER % ns}) == []
    # not two levels apart
    assert _found(tmp_path / "e", {"deploy/base/secrets/hf.yaml": _NS_SECRET % ns,
                                   "deploy/apps/vllm.yaml": _NS_READER % ns}) == []


def test_a_created_secret_is_read_by_a_kustomize_directory_the_script_applies_and_beside_docker_run_lines(
        tmp_path: Path) -> None:
    # review A25 S3: `kubectl apply -k k8s/`; S2: a script that also runs a container reads its heredocs' readers too
    deploy = (_DEPLOY % (_HF, "k8s/")).replace("kubectl apply -f k8s/", "kubectl apply -k k8s/")
    kustomization = "resources: [vllm.yaml]\n"
    assert [f[1] for f in _found(tmp_path / "k", {"scripts/deploy.sh": deploy, "k8s/vllm.yaml": _READER,
                                                  "k8s/kustomization.yaml": kustomization})] == [5, 7]
    heredoc = "cat <<'EOF' | kubectl apply -f -\n" + textwrap.dedent(_READER) + "EOF\n"
    script = "#!/bin/bash\ndocker run -d --name redis redis:7.2\n" + textwrap.dedent(_DEPLOY % (_HF, "x/")) + heredoc
    assert [f[1] for f in _found(tmp_path / "d", {"deploy.sh": script})] == [7, 9]
    assert [f[1] for f in _found(tmp_path / "e", {"deploy.sh": script.replace("secretKeyRef", "configMapKeyRef")})] == []
