"""Interpolation as Compose and the shell do it (`glmlint.interpolate`), and the `.env` file Compose reads."""
from __future__ import annotations

import os
from pathlib import Path

import pytest
from glmlint.interpolate import interpolate, read_dotenv
from glmlint.registry import builtin_rules, select
from glmlint.runner import scan


@pytest.mark.parametrize(("text", "env", "value", "defaulted"), [
    ("${A:-x}", {}, "x", ("A",)),
    ("${A-x}", {}, "x", ("A",)),
    ("${A:-x}", {"A": ""}, "x", ("A",)),  # `:-` also when empty
    ("${A-x}", {"A": ""}, "", ()),  # `-` only when unset
    ("${A:-x}", {"A": "y"}, "y", ()),
    ("${A:-${B:-/var/run/docker.sock}}:/s", {}, "/var/run/docker.sock:/s", ("A", "B")),
    ("$$HOME", {}, "$HOME", ()),
    ("a$$${A:-b}", {}, "a$b", ("A",)),
    ("${A}", {"A": "v"}, "v", ()),
    ("$A/x", {"A": "v"}, "v/x", ()),
    ("no variable", {}, "no variable", ()),
    ("cost $", {}, "cost $", ()),
])
def test_known(text: str, env: dict[str, str], value: str, defaulted: tuple[str, ...]) -> None:
    found = interpolate(text, env)
    assert found is not None and (found.text, found.defaulted) == (value, defaulted)


@pytest.mark.parametrize("text", ["${A}", "$A", "${A:?set A}", "${A?set A}", "${A:+x}", "${A/x/y}",
                                  "${A:-${B}}", "${A", "x-${B}-${C:-1}"])
def test_unknown(text: str) -> None:
    assert interpolate(text, {}) is None


def test_shell_dollar_dollar_is_the_pid() -> None:
    assert interpolate("$$", shell=True) is None
    assert interpolate("${X:-0}", shell=True).text == "0"  # type: ignore[union-attr]


def test_read_dotenv() -> None:
    env = read_dotenv(
        "# comment\n"
        "export A=1\n"
        "B = two words # an inline comment\n"
        "C=x#not-a-comment\n"
        "D='single ${A} quoted' # comment\n"
        'E="double ${A}\\n"\n'
        "F=${A}-${MISSING:-d}\n"
        "G=\n"
        "not a line\n")
    assert env == {"A": "1", "B": "two words", "C": "x#not-a-comment", "D": "single ${A} quoted",
                   "E": "double 1\n", "F": "1-d", "G": ""}


COMPOSE = """\
services:
  agent:
    image: ghcr.io/example/agent:1.4
    privileged: ${PRIVILEGED:-true}
    volumes:
      - ${DOCKER_SOCKET:-/var/run/docker.sock}:/var/run/docker.sock
    environment:
      OPENAI_API_KEY: ${OPENAI_API_KEY:-sk-proj-4fJq9ZtX2mLw8RkP0vYcA1}
"""


def _codes(root: Path, target: Path | None = None) -> list[tuple[str, int, str]]:
    rules = select(builtin_rules(), ["GLM003", "GLM010", "GLM013"])
    report = scan([str(target or root)], rules, root=str(root))
    return [(r.code, r.line, r.message) for r in report.results]


def test_compose_reads_defaults_and_says_so(tmp_path: Path) -> None:
    (tmp_path / "docker-compose.yml").write_text(COMPOSE)
    found = _codes(tmp_path)
    assert [(c, line) for c, line, _ in found] == [("GLM003", 4), ("GLM010", 6), ("GLM013", 8)]
    assert found[0][2].endswith("runs privileged when `PRIVILEGED` is unset")
    assert found[1][2].endswith("when `DOCKER_SOCKET` is unset")
    assert found[2][2].endswith("when `OPENAI_API_KEY` is unset")


def test_dotenv_beside_the_compose_file_wins_over_the_default(tmp_path: Path) -> None:
    (tmp_path / "docker-compose.yml").write_text(COMPOSE)
    (tmp_path / ".env").write_text("PRIVILEGED=false\nDOCKER_SOCKET=/run/user/1000/podman/podman-proxy.sock\n"
                                   "OPENAI_API_KEY=sk-proj-realkeyinthedotenvfile0000\n")
    # the .env sets all three: not privileged, another socket path, and the key is not
    # written in the compose file (a secret in .env is the .env's business, not the service's)
    assert _codes(tmp_path) == []


def test_an_edited_dotenv_is_read_again_in_the_same_process(tmp_path: Path) -> None:
    # a long-lived process (the language server) checks the same compose file again after the
    # user edits `.env`: the new values count, with no restart
    (tmp_path / "docker-compose.yml").write_text(COMPOSE)
    dotenv = tmp_path / ".env"
    dotenv.write_text("PRIVILEGED=true\n")
    assert ("GLM003", 4) in [(c, line) for c, line, _ in _codes(tmp_path)]
    dotenv.write_text("PRIVILEGED=false\n")
    st = dotenv.stat()
    os.utime(dotenv, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000_000))  # a later save, on any clock
    assert ("GLM003", 4) not in [(c, line) for c, line, _ in _codes(tmp_path)]
    dotenv.unlink()  # gone: the default (`privileged: ${PRIVILEGED:-true}`) again
    assert ("GLM003", 4) in [(c, line) for c, line, _ in _codes(tmp_path)]


def test_dotenv_of_another_directory_is_not_read(tmp_path: Path) -> None:
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "docker-compose.yml").write_text(COMPOSE)
    (tmp_path / ".env").write_text("PRIVILEGED=false\n")
    assert ("GLM003", 4) in [(c, line) for c, line, _ in _codes(tmp_path)]


PORTS = """\
services:
  db:
    image: postgres:16.4
    ports:
      - "${BIND:-0.0.0.0}:5432:5432"
  ollama:
    image: ollama/ollama:0.3.12
    ports:
      - "${OLLAMA_HOST_IP:-0.0.0.0}:11434:11434"
  nb:
    image: quay.io/jupyter/base-notebook:2024-10-07
    ports:
      - "${PORT:-8888}:8888"
  local:
    image: redis:7.4
    ports:
      - "${BIND:-127.0.0.1}:6379:6379"
"""


def _ports(root: Path, unsafe: bool = False) -> list[tuple[str, int, str, str | None]]:
    rules = select(builtin_rules(), ["GLM016", "GLM017"])
    report = scan([str(root)], rules, root=str(root))
    return [(r.code, r.line, r.message, r.fix.intents[0].new if r.fix else None) for r in report.results]


def test_compose_port_read_through_its_default_fix_edits_the_default(tmp_path: Path) -> None:
    (tmp_path / "compose.yaml").write_text(PORTS)
    found = _ports(tmp_path)
    assert [(c, line) for c, line, _, _ in found] == [("GLM016", 5), ("GLM017", 9), ("GLM016", 13)]
    assert found[0][2].endswith("on all interfaces when `BIND` is unset")
    assert found[1][2].endswith("port 11434 when `OLLAMA_HOST_IP` is unset")
    # `${PORT:-8888}:8888` is on every interface whatever PORT is: the message names no variable
    assert found[2][2].endswith("publishes the Jupyter port 8888 on all interfaces")
    # the fix keeps the variable and makes loopback its default; a spec without an IP gets a prefix
    assert [new for *_, new in found] == ["${BIND:-127.0.0.1}", "${OLLAMA_HOST_IP:-127.0.0.1}",
                                          "127.0.0.1:${PORT:-8888}:8888"]


def test_compose_port_ip_from_dotenv_is_reported_and_not_edited(tmp_path: Path) -> None:
    (tmp_path / "compose.yaml").write_text(PORTS)
    (tmp_path / ".env").write_text("BIND=0.0.0.0\n")
    found = _ports(tmp_path)
    # the .env value wins; `local` is now on all interfaces (6379 is Redis, GLM016), and the
    # IP comes from .env: editing the default would change nothing, so no fix
    redis = [f for f in found if f[1] == 17]
    assert redis and redis[0][0] == "GLM016" and "unset" not in redis[0][2] and redis[0][3] is None
    db = [f for f in found if f[1] == 5]
    assert db and db[0][3] is None


def test_extended_file_is_interpolated_with_the_project_variables(tmp_path: Path) -> None:
    # compose-go loads an `extends: {file: ...}` file with the project's options: its values
    # are interpolated with the project's variables (the `.env` beside the main file)
    for project in ("a", "b"):
        (tmp_path / project / "common").mkdir(parents=True)
        (tmp_path / project / "common" / "base.yml").write_text(
            "services:\n  base:\n    image: ghcr.io/example/agent:1.4\n    privileged: ${PRIVILEGED:-true}\n"
            "    volumes:\n      - ${DOCKER_SOCKET:-/var/run/docker.sock}:/var/run/docker.sock\n")
        # a `.env` beside the extended file is not the project's: not read
        (tmp_path / project / "common" / ".env").write_text("PRIVILEGED=false\n")
        (tmp_path / project / "docker-compose.yml").write_text(
            "services:\n  app:\n    extends:\n      file: common/base.yml\n      service: base\n")
    assert [c for c, _, _ in _codes(tmp_path, tmp_path / "a" / "docker-compose.yml")] == ["GLM003", "GLM010"]
    (tmp_path / "b" / ".env").write_text("PRIVILEGED=false\nDOCKER_SOCKET=/srv/agent/agent.sock\n")
    assert [c for c, _, _ in _codes(tmp_path, tmp_path / "b" / "docker-compose.yml")] == []


DOCKERFILE = """\
FROM python:3.12-slim
ARG HF_TOKEN
ENV HF_TOKEN=${HF_TOKEN:-hf_kQ7bZr2LmX9pVt4NcW8sYd3JfA6gHe1Uo}
ENV OPENAI_API_KEY=${OPENAI_API_KEY:-your-api-key-here}
ARG DB_PASSWORD=${DB_PASSWORD:-Sup3rS3cretPw}
ENV API_TOKEN=${API_TOKEN}
ARG BASE=abc
ENV SECRET_KEY=${BASE:-x}
USER 1000
CMD ["python"]
"""


def test_dockerfile_literal_default_for_a_secret_is_glm013(tmp_path: Path) -> None:
    # a literal default is what the image gets whenever the build is not given the variable;
    # template text (`your-api-key-here`), a plain reference and a variable set above are not
    (tmp_path / "Dockerfile").write_text(DOCKERFILE)
    found = [(c, line, m) for c, line, m in _codes(tmp_path) if c == "GLM013"]
    assert [(c, line) for c, line, _ in found] == [("GLM013", 3), ("GLM013", 5)]
    assert found[0][2].endswith("`HF_TOKEN` to a literal secret when `HF_TOKEN` is unset")
    assert found[1][2].endswith("a literal secret default when `DB_PASSWORD` is unset")


def _compose_environment(directory: Path) -> dict[str, object]:
    """The `environment:` of service `lab` as Compose v2 (compose-go's own binary) resolves it."""
    import json
    import subprocess

    from tests import realtools

    binary = realtools.compose_binary()
    if binary is None:
        pytest.skip("compose-go is not installed (the test extra)")
    env = {"PATH": os.environ.get("PATH", ""), "HOME": os.environ.get("HOME", "/tmp")}
    out = subprocess.run([binary, "-f", "compose.yaml", "config", "--format", "json"], cwd=directory, env=env,
                         capture_output=True, text=True, timeout=60, check=True).stdout
    return dict(json.loads(out)["services"]["lab"]["environment"])


def test_environment_value_interpolated_to_empty_is_the_empty_string(tmp_path: Path) -> None:
    # `X: ${UNSET:-}` is the string "" in the container (interpolation runs on the string value),
    # never YAML null (`X:` with no value, which passes the host's variable, if any)
    from glmlint.parsers import parse

    (tmp_path / "compose.yaml").write_text("services:\n  lab:\n    image: python:3.11-slim\n    environment:\n"
                                           "      EMPTIED: ${NOTEBOOK_TOKEN:-}\n      FROM_HOST:\n"
                                           "      QUOTED: \"\"\n")
    real = _compose_environment(tmp_path)
    path = str(tmp_path / "compose.yaml")
    source = parse(path, (tmp_path / "compose.yaml").read_text(), "compose", real_path=path)
    assert source is not None
    ours = {v.name: v.value for v in source.workloads[0].env}
    assert ours == real == {"EMPTIED": "", "FROM_HOST": None, "QUOTED": ""}
