"""GLM013 on command lines (session 25): what a program's option holds is judged as that program reads it."""
from __future__ import annotations

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
