"""`docker service create` lines (a Swarm service's tasks): read with the CLI's own options
(docker/cli v29.7.2 cli/command/service), never with `docker run`'s, and without fixes."""
from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers import lint

SCRIPT = """\
#!/bin/bash
set -euo pipefail
docker service create --name nb --publish published=8888,target=8888 --cap-add SYS_ADMIN jupyter/base-notebook:2024-05-01
docker service create -p 6379:6379 --mount type=bind,source=/var/run/docker.sock,target=/var/run/docker.sock redis:7.2
docker service create --name api -e HF_TOKEN=hf_abcdefghijklmnopqrstuvwxyz0123456789 --user root myapp:1.0
docker service create --name edge --network host nginx:1.27
"""


def results(tmp_path: Path, text: str, rules: list[str] | None = None) -> list[tuple[str, int, int, bool, str]]:
    report = lint(tmp_path, {"deploy.sh": text}, rules)
    return [(r.code, r.line, r.col, r.fix is not None, r.workload or "") for r in report.results]


def test_service_create_options_are_read_at_their_words(tmp_path: Path) -> None:
    got = results(tmp_path, SCRIPT, ["GLM001", "GLM008", "GLM009", "GLM010", "GLM013", "GLM016"])
    assert [g[:4] for g in got] == [
        ("GLM016", 3, 33, False),  # published=8888: through the routing mesh, on every interface of every node
        ("GLM008", 3, 70, False),
        ("GLM016", 4, 23, False),
        ("GLM010", 4, 36, False),
        ("GLM013", 5, 34, False),
        ("GLM001", 5, 86, False),
        ("GLM009", 6, 35, False),
    ]
    assert got[0][4] == "service `nb` (`docker service create`)"
    assert got[2][4] == "`docker service create` of `redis:7.2`"


def test_absent_hardening_is_not_reported_and_no_fix_is_offered(tmp_path: Path) -> None:
    # a service sets no `no-new-privileges` (no option of `docker service create` does): its absent settings
    # are not the line's; one switch away, the same image run with `docker run` lacks them and gets fixes
    text = "#!/bin/sh\ndocker service create -p 8888:8888 jupyter/base-notebook:2024-05-01\n"
    assert [g[:4] for g in results(tmp_path / "svc", text)] == [("GLM016", 2, 23, False)]
    got = results(tmp_path / "run", text.replace("service create", "run"))
    assert ("GLM016", 2, 12, True) in [g[:4] for g in got] and any(g[0] == "GLM007" for g in got)


@pytest.mark.parametrize("line", [
    "docker service create -p 127.0.0.1:8888:8888 jupyter/base-notebook:2024-05-01",  # "hostip is not supported"
    "docker service create --privileged -p 8888:8888 jupyter/base-notebook:2024-05-01",  # no such option
    "docker service create -v /var/run/docker.sock:/var/run/docker.sock -p 8888:8888 jupyter/base-notebook:2024-05-01",
    "docker service create --publish published=8888,target=8888,host_ip=127.0.0.1 jupyter/base-notebook:2024-05-01",
    "docker service create --net host -p 8888:8888 jupyter/base-notebook:2024-05-01",  # `docker run`'s alias only
    "docker service create --publish published=99999,target=8888 jupyter/base-notebook:2024-05-01",  # no port
    "docker service create -p 8888:8888:8888 jupyter/base-notebook:2024-05-01",  # a host IP `8888`: refused
    "docker service create -p published=,target= jupyter/base-notebook:2024-05-01",  # short syntax, no port
    "docker service update --publish-add 8888:8888 nb",  # changes a service created elsewhere
    "podman service create -p 8888:8888 jupyter/base-notebook:2024-05-01",
])
def test_a_line_the_cli_refuses_or_that_creates_nothing_is_not_read(tmp_path: Path, line: str) -> None:
    assert results(tmp_path, f"#!/bin/sh\n{line}\n") == []


def test_long_syntax_ports_and_a_shell_split_entrypoint() -> None:
    from glmlint.parsers import parse

    text = ("#!/bin/sh\ndocker service create --publish mode=host,target=8000,published=9000,protocol=udp "
            "--publish target=8888 --entrypoint 'python -m http.server' --limit-memory 4g python:3.12\n")
    source = parse("deploy.sh", text, "docker-run")
    assert source is not None
    (w,) = source.workloads
    assert [(p.host_port, p.container_port, p.protocol, p.host_ip) for p in w.ports] == [
        ("9000", "8000", "udp", None), (None, "8888", "tcp", None)]
    assert [x.text for x in w.entrypoint.value] == ["python", "-m", "http.server"]
    assert w.memory_limit.value == "4g" and w.no_fix and w.partial


@pytest.mark.parametrize("publish, ports", [
    ("published=${PORT},target=8888", []),  # the shell's value: not known, the rest of the line is read
    ("${PORT}:8888", [("${PORT}", "8888")]),
    ("8888:8888", [("8888", "8888")]),
    (":8888:8888", [("8888", "8888")]),  # an empty host IP is none: every interface
])
def test_a_published_port_a_variable_gives(publish: str, ports: list[tuple[str, str]]) -> None:
    from glmlint.parsers import parse

    text = f"#!/bin/sh\ndocker service create --publish {publish} --cap-add SYS_ADMIN jupyter/base-notebook:2024-05-01\n"
    source = parse("deploy.sh", text, "docker-run")
    assert source is not None
    (w,) = source.workloads
    assert [(p.host_port, p.container_port) for p in w.ports] == ports
    assert [c.value for c in w.cap_add.value] == ["SYS_ADMIN"]
