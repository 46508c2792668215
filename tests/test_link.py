"""Cross-file reasoning: a compose service built from a scanned Dockerfile inherits its image."""
from __future__ import annotations

from pathlib import Path

import pytest

from glmlint.ir import Loc

from tests.helpers import OLLAMA_BEHIND_INGRESS, lint

JUPYTER_CMD = """\
    FROM python:3.12-slim
    RUN pip install jupyterlab && useradd -u 1000 nb
    USER 1000
    CMD ["jupyter", "lab", "--ip=0.0.0.0", "--ServerApp.token="]
    """


def rows(report) -> list[tuple[str, str, int, int]]:  # type: ignore[no-untyped-def]
    return [(r.path, r.code, r.line, r.col) for r in report.results]


def test_image_cmd_finding_is_reported_once_in_the_dockerfile(tmp_path: Path) -> None:
    report = lint(tmp_path, {"nb/Dockerfile": JUPYTER_CMD,
                             "compose.yaml": "services:\n  nb:\n    build: ./nb\n    ports: ['8888:8888']\n"},
                  ["GLM005"])
    assert rows(report) == [("nb/Dockerfile", "GLM005", 4, 40)]


def test_compose_command_overrides_the_image_cmd(tmp_path: Path) -> None:
    report = lint(tmp_path, {"nb/Dockerfile": JUPYTER_CMD, "compose.yaml": """\
        services:
          safe:
            build: ./nb
            command: ["jupyter", "lab", "--ip=0.0.0.0"]
          open:
            build: {context: ., dockerfile: nb/Dockerfile.localhost}
            command: jupyter lab --ip=0.0.0.0 --IdentityProvider.token=''
        """, "nb/Dockerfile.localhost": "FROM python:3.12-slim\nCMD jupyter lab --ServerApp.token=''\n"},
        ["GLM005"])
    # `safe` generates a token; `open` empties it on its own command line (the Dockerfile's Jupyter
    # listens on localhost, so the Dockerfile.localhost alone is fine)
    assert rows(report) == [("compose.yaml", "GLM005", 7, 39), ("nb/Dockerfile", "GLM005", 4, 40)]


def test_config_written_by_the_image_and_an_ip_from_the_service(tmp_path: Path) -> None:
    report = lint(tmp_path, {"Dockerfile": """\
        FROM python:3.12-slim
        RUN pip install jupyterlab \\
         && echo "c.ServerApp.token = ''" >> /etc/jupyter/jupyter_server_config.py
        CMD ["jupyter", "lab"]
        """, "compose.yaml": """\
        services:
          lab:
            build: .
            command: ["jupyter", "lab", "--ip=0.0.0.0"]
        """}, ["GLM005"])
    # neither file alone: the root cause spans both, reported at the service, naming the Dockerfile
    (r,) = report.results
    assert (r.path, r.line, r.col) == ("compose.yaml", 2, 3)
    assert r.message.endswith("(set in its image, built from `Dockerfile:3`)")
    assert r.fix is None  # the fix would edit the Dockerfile, another file


def test_compose_entrypoint_resets_the_image_cmd(tmp_path: Path) -> None:
    dockerfile = JUPYTER_CMD.replace('CMD ["jupyter"', 'ENTRYPOINT ["tini", "--"]\n    CMD ["jupyter"')
    report = lint(tmp_path, {"Dockerfile": dockerfile, "compose.yaml": """\
        services:
          api:
            build: .
            entrypoint: ["python", "-m", "http.server"]
          nb:
            build: .
            command: ["jupyter", "lab", "--ip", "0.0.0.0", "--NotebookApp.token", ""]
        """}, ["GLM005"])
    # `api` runs no Jupyter (entrypoint: clears CMD); `nb` runs `tini -- jupyter lab ...`
    assert rows(report) == [("Dockerfile", "GLM005", 5, 40), ("compose.yaml", "GLM005", 7, 52)]


def test_shell_form_entrypoint_ignores_the_compose_command(tmp_path: Path) -> None:
    report = lint(tmp_path, {"Dockerfile": """\
        FROM python:3.12-slim
        ENTRYPOINT jupyter lab --ip=0.0.0.0 --ServerApp.token=''
        """, "compose.yaml": "services:\n  nb:\n    build: .\n    command: [python, app.py]\n"}, ["GLM005"])
    assert rows(report) == [("Dockerfile", "GLM005", 2, 37)]


def test_image_env_carries_and_the_service_environment_wins(tmp_path: Path) -> None:
    report = lint(tmp_path, {"Dockerfile": """\
        FROM quay.io/jupyter/base-notebook
        ENV NOTEBOOK_ARGS="--IdentityProvider.token=''"
        """, "compose.yaml": """\
        services:
          same:
            build: .
          fixed:
            build: .
            environment:
              NOTEBOOK_ARGS: --ServerApp.port=8888
        """}, ["GLM005"])
    assert rows(report) == [("Dockerfile", "GLM005", 2, 5)]


def test_sshd_from_the_image_and_an_option_from_the_service(tmp_path: Path) -> None:
    report = lint(tmp_path, {"Dockerfile": """\
        FROM ubuntu:24.04
        RUN apt-get update && apt-get install -y openssh-server && echo 'root:root' | chpasswd
        CMD ["/usr/sbin/sshd", "-D"]
        """, "compose.yaml": """\
        services:
          inherits:
            build: .
          adds:
            build: .
            command: ["/usr/sbin/sshd", "-D", "-o", "PermitEmptyPasswords=yes"]
        """}, ["GLM006"])
    # the image's password is one root cause (reported in the Dockerfile); the service's `-o` another
    assert rows(report) == [("Dockerfile", "GLM006", 2, 79), ("compose.yaml", "GLM006", 6, 45)]


COPIED_SSHD_CONFIG = {"sshd_config": "PasswordAuthentication yes\n", "Dockerfile": """\
    FROM python:3.11-slim
    RUN apt-get update && apt-get install -y --no-install-recommends openssh-client
    COPY sshd_config /etc/ssh/sshd_config
    CMD ["python", "train.py"]
    """}


def test_a_copied_sshd_config_in_an_image_that_never_runs_sshd(tmp_path: Path) -> None:
    # no OpenSSH server installed, and the start (known to the end) runs none: the copied file is never
    # read, so the Dockerfile has no finding; the repository's sshd_config is still its own finding
    report = lint(tmp_path, dict(COPIED_SSHD_CONFIG), ["GLM006"])
    assert rows(report) == [("sshd_config", "GLM006", 1, 1)]


def test_a_copied_sshd_config_read_by_an_image_that_runs_sshd(tmp_path: Path) -> None:
    # one switch: the image installs openssh-server (its start may come from elsewhere)
    files = dict(COPIED_SSHD_CONFIG)
    files["Dockerfile"] = files["Dockerfile"].replace("openssh-client", "openssh-server")
    report = lint(tmp_path, files, ["GLM006"])
    assert rows(report) == [("Dockerfile", "GLM006", 3, 6), ("sshd_config", "GLM006", 1, 1)]


def test_a_copied_sshd_config_read_by_an_entrypoint_not_scanned(tmp_path: Path) -> None:
    # an entrypoint script the scan cannot read may start sshd: reported
    files = dict(COPIED_SSHD_CONFIG)
    files["Dockerfile"] = files["Dockerfile"].replace('CMD ["python"', 'ENTRYPOINT ["/entrypoint.sh"]\n    CMD ["python"')
    report = lint(tmp_path, files, ["GLM006"])
    assert rows(report) == [("Dockerfile", "GLM006", 3, 6), ("sshd_config", "GLM006", 1, 1)]


def test_a_copied_sshd_config_on_a_base_whose_entrypoint_is_not_known(tmp_path: Path) -> None:
    # one switch: a base image whose own ENTRYPOINT (not known here) runs before the CMD may start sshd
    files = dict(COPIED_SSHD_CONFIG)
    files["Dockerfile"] = files["Dockerfile"].replace("python:3.11-slim", "nvidia/cuda:12.4.1-runtime-ubuntu22.04")
    report = lint(tmp_path, files, ["GLM006"])
    assert rows(report) == [("Dockerfile", "GLM006", 3, 6), ("sshd_config", "GLM006", 1, 1)]


def test_a_copied_sshd_config_in_an_image_a_service_starts_sshd_from(tmp_path: Path) -> None:
    # the image never runs sshd, the compose service does: its finding, pointing at the image's COPY
    files = dict(COPIED_SSHD_CONFIG)
    files["compose.yaml"] = "services:\n  trainer:\n    build: .\n    command: [/usr/sbin/sshd, -D]\n"
    report = lint(tmp_path, files, ["GLM006"])
    assert rows(report) == [("compose.yaml", "GLM006", 2, 3), ("sshd_config", "GLM006", 1, 1)]


@pytest.mark.parametrize("dockerfile", [
    # CMD is arguments to atmoz/sftp's own ENTRYPOINT (/entrypoint), which execs sshd
    "FROM atmoz/sftp:alpine\nCOPY sshd_config /etc/ssh/sshd_config\nCMD [\"user:pass:1001\"]\n",
    # an entrypoint program the scan cannot read may start anything
    "FROM python:3.11-slim\nCOPY sshd_config /etc/ssh/sshd_config\nENTRYPOINT [\"/usr/local/bin/entrypoint\"]\n"
    "CMD [\"python\", \"train.py\"]\n",
    # a shell running the base image's own script
    "FROM python:3.11-slim\nCOPY sshd_config /etc/ssh/sshd_config\nCMD [\"bash\", \"/start.sh\"]\n",
    # a CMD on a base image whose ENTRYPOINT the catalog does not know
    "FROM myorg/gpu-dev-base:cuda12\nCOPY sshd_config /etc/ssh/sshd_config\nCMD [\"python\", \"train.py\"]\n",
])
def test_a_copied_sshd_config_in_an_image_whose_start_is_not_known_to_the_end(tmp_path: Path, dockerfile: str) -> None:
    report = lint(tmp_path, {"sshd_config": "PasswordAuthentication yes\n", "Dockerfile": dockerfile}, ["GLM006"])
    assert rows(report) == [("Dockerfile", "GLM006", 2, 6), ("sshd_config", "GLM006", 1, 1)]


@pytest.mark.parametrize("start", ['CMD ["python", "train.py"]', 'ENTRYPOINT ["python", "train.py"]',
                                   'CMD ["bash", "-c", "cd /app && exec python3 train.py"]'])
def test_a_copied_sshd_config_in_an_image_whose_start_is_known_to_run_no_sshd(tmp_path: Path, start: str) -> None:
    # one switch from the cases above: a start this scan sees to the end, running no service
    dockerfile = f"FROM python:3.11-slim\nCOPY sshd_config /etc/ssh/sshd_config\n{start}\n"
    report = lint(tmp_path, {"sshd_config": "PasswordAuthentication yes\n", "Dockerfile": dockerfile}, ["GLM006"])
    assert rows(report) == [("sshd_config", "GLM006", 1, 1)]


BASEIMAGE_SSHD = """\
    FROM {base}
    RUN rm -f /etc/service/sshd/down && passwd -d root \\
     && echo 'PermitEmptyPasswords yes' >> /etc/ssh/sshd_config
    CMD ["{start}"]
    """


def test_phusion_baseimage_my_init_starts_sshd(tmp_path: Path) -> None:
    # baseimage-docker's documented way: remove /etc/service/sshd/down; my_init runs runit, which starts sshd
    report = lint(tmp_path, {"Dockerfile": BASEIMAGE_SSHD.format(base="phusion/baseimage:jammy-1.0.1",
                                                                 start="/sbin/my_init")}, ["GLM006"])
    assert rows(report) == [("Dockerfile", "GLM006", 3, 10)]


def test_an_image_that_installs_no_sshd_and_runs_python(tmp_path: Path) -> None:
    # two switches: a plain python base (no ENTRYPOINT, no OpenSSH server) whose start runs python: no sshd
    report = lint(tmp_path, {"Dockerfile": BASEIMAGE_SSHD.format(base="python:3.11-slim", start="python3")},
                  ["GLM006"])
    assert rows(report) == []


def test_run_as_root_is_reported_in_both_places(tmp_path: Path) -> None:
    report = lint(tmp_path, {"Dockerfile": "FROM python:3.12-slim\nCMD [\"python\"]\n",
                             "compose.yaml": "services:\n  app:\n    build: .\n  ok:\n    build: .\n    user: '1000'\n"},
                  ["GLM001"])
    # `USER` in the Dockerfile and `user:` in the service are independent fixes: two findings
    assert rows(report) == [("Dockerfile", "GLM001", 1, 1), ("compose.yaml", "GLM001", 2, 3)]
    assert "built from `Dockerfile:1`" in report.results[1].message


def test_inherited_locations_name_the_dockerfile(tmp_path: Path) -> None:
    report = lint(tmp_path, {"Dockerfile": JUPYTER_CMD, "compose.yaml": "services:\n  nb:\n    build: .\n"})
    service = next(s for s in report.sources if s.path == "compose.yaml").workloads[0]
    jupyter = service.process[0]
    assert jupyter.name == "jupyter" and jupyter.loc.file == "Dockerfile"
    assert service.build_steps[0].loc == Loc(2, 5, "Dockerfile")


def test_a_compose_file_checked_alone_reads_the_dockerfile_it_builds(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """pre-commit passes only the staged files: a compose file alone still sees its image, from disk."""
    import textwrap

    from glmlint import runner
    from glmlint.registry import builtin_rules, select

    (tmp_path / "nb").mkdir()
    (tmp_path / "nb" / "Dockerfile").write_text(textwrap.dedent(JUPYTER_CMD).replace("USER 1000\n", ""))
    (tmp_path / "compose.yaml").write_text("services:\n  nb:\n    build: ./nb\n    ports: ['127.0.0.1:8888:8888']\n")
    for i in range(4):  # other staged files, so that the pooled scan has work for two processes
        (tmp_path / f"pod{i}.yaml").write_text(f"apiVersion: v1\nkind: Pod\nmetadata: {{name: p{i}}}\n"
                                               "spec: {containers: [{name: c, image: busybox, "
                                               "securityContext: {runAsNonRoot: true}}]}\n")
    staged = [str(tmp_path / "compose.yaml"), *(str(tmp_path / f"pod{i}.yaml") for i in range(4))]
    rules = select(builtin_rules(), ["GLM001", "GLM005"])
    monkeypatch.setattr(runner, "POOL_MIN_FILES", 1)
    for jobs in (1, 2):
        report = runner.scan(staged, rules, root=str(tmp_path), jobs=jobs)
        assert [(r.path, r.code, r.line) for r in report.results] == [("compose.yaml", "GLM001", 2),
                                                                     ("compose.yaml", "GLM005", 2)]
        assert "built from `nb/Dockerfile:3`" in report.results[1].message  # named, not reported itself
        assert "nb/Dockerfile" not in [s.path for s in report.sources] and report.files_scanned == 5


def test_close_directories_as_posixpath_names_them() -> None:
    """`_close` (the same directory, or sibling ones) keeps each directory as a length of the file's
    path: the same answers as comparing `posixpath.dirname`s, odd paths included."""
    import itertools
    import posixpath

    from glmlint import link

    def dirs(p: str) -> tuple[str, str]:
        d = posixpath.dirname(p.replace("\\", "/"))
        return d, posixpath.dirname(d)

    def close(a: str, b: str) -> bool:
        (da, pa), (db, pb) = dirs(a), dirs(b)
        return da == db or pa == pb or pa == db or da == pb

    paths = ["", "a", "/a", "//a", "a/b", "a//b", "a/b/", "/a/b/c", "a/b/c", "a/c/d", "b/c/d", "a\\b\\c",
             "a/b\\c", "///", "x/a/b/c", "a/b/c/d/e", "a/bb/c", "ab/c"]
    try:
        for a, b in itertools.product(paths, repeat=2):
            assert link._close(a, b) == close(a, b), (a, b)
            # the keys `routed` looks the files close to a route file up by: the same answers
            (da, pa), (db, pb) = link._dir_names(a), link._dir_names(b)
            assert (da == db or pa == pb or pa == db or da == pb) == close(a, b), (a, b)
    finally:
        link.forget()


def test_links_answers_as_close_does() -> None:
    """`links` (whether a pod may link to a cluster's objects, from sets made once per ServiceAccount
    name) answers as `_close` does for a binding subject without a namespace: directories compared
    by name, not by their names' lengths (`x/a/` and `y/b/` are not close)."""
    import itertools

    from glmlint import link
    from glmlint.parsers import parse

    binding = ("apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata: {name: b}\n"
               "roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: view}\n"
               "subjects: [{kind: ServiceAccount, name: runner}]\n")
    paths = ["x/a/rb.yaml", "y/b/pod.yaml", "x/a/pod.yaml", "x/c/pod.yaml", "x/pod.yaml", "p/q/r/pod.yaml",
             "x\\a\\pod.yaml", "pod.yaml"]
    try:
        for b, p in itertools.product(paths, repeat=2):
            cluster = link.cluster_of([parse(b, binding, "yaml")])
            assert link.links(cluster, "runner", "ml", p) == link._close(p, b), (b, p)
    finally:
        link.forget()


def test_an_ingress_of_no_class_takes_the_default_ingressclass_of_a_file_beside_it(tmp_path: Path) -> None:
    """The cluster's default IngressClass (a platform team's file) decides the controller of an Ingress that
    names none: the AWS Load Balancer Controller's ALB, internal unless its scheme is internet-facing."""
    default = """\
        apiVersion: networking.k8s.io/v1
        kind: IngressClass
        metadata:
          name: alb
          annotations: {ingressclass.kubernetes.io/is-default-class: "true"}
        spec: {controller: eks.amazonaws.com/alb}
        """
    report = lint(tmp_path, {"app.yaml": OLLAMA_BEHIND_INGRESS, "class.yaml": default}, ["GLM017"])
    assert rows(report) == []
    report = lint(tmp_path, {"app.yaml": OLLAMA_BEHIND_INGRESS,
                             "class.yaml": default.replace('"true"', '"false"')}, ["GLM017"])
    assert rows(report) == [("app.yaml", "GLM017", 29, 67)]
