"""A file's role (documentation, tests, dev container, CI) decides which findings are reported there."""
from __future__ import annotations

import json

import pytest

from glmlint import context
from glmlint.config import Config
from glmlint.ir import Format
from glmlint.registry import builtin_rules
from glmlint.runner import scan
from tests.test_cli import run, write


@pytest.mark.parametrize(("path", "fmt", "role"), [
    ("docker-compose.yml", Format.COMPOSE, "main"),
    ("deploy/k8s/serving.yaml", Format.KUBERNETES, "main"),
    ("README.md", Format.DOCKER_RUN, "docs"),
    ("docs/zh/README.zh-CN.md", Format.DOCKER_RUN, "docs"),
    ("tests/README.md", Format.DOCKER_RUN, "docs"),  # a Markdown code block is documentation anywhere
    ("scripts/run.sh", Format.DOCKER_RUN, "main"),
    ("notebooks/serve_ollama.ipynb", Format.DOCKER_RUN, "docs"),  # a notebook is run cell by cell by its reader
    ("scripts/serve_ollama.py", Format.DOCKER_RUN, "main"),
    (".github/workflows/ci.yml", Format.DOCKER_RUN, "ci"),
    ("ops/release.yaml", Format.DOCKER_RUN, "ci"),  # a workflow's run: steps, wherever it is
    (".gitlab-ci.yml", Format.DOCKER_RUN, "ci"),
    ("ci/build.sh", Format.DOCKER_RUN, "ci"),
    ("docker-compose.ci.yml", Format.COMPOSE, "ci"),
    ("tests/e2e/pod.yaml", Format.KUBERNETES, "tests"),
    ("pkg/testdata/compose.yaml", Format.COMPOSE, "tests"),
    ("chart/templates/tests/test-connection.yaml", Format.KUBERNETES, "tests"),
    ("docker-compose.test.yml", Format.COMPOSE, "tests"),
    ("Dockerfile.test", Format.DOCKERFILE, "tests"),
    ("Dockerfile.latest", Format.DOCKERFILE, "main"),
    ("contest/compose.yaml", Format.COMPOSE, "main"),
    (".devcontainer/Dockerfile", Format.DOCKERFILE, "devcontainer"),
    (".devcontainer/tests/docker-compose.yml", Format.COMPOSE, "devcontainer"),
])
def test_role_of_a_path(path, fmt, role):
    assert context.role(path, fmt) == role


def test_an_absolute_path_is_judged_inside_its_repository(tmp_path):
    repo = tmp_path / "tests" / "checkout"
    (repo / ".git").mkdir(parents=True)
    (repo / "Dockerfile").write_text("FROM python:3.12\n")
    assert context.of_file(str(repo / "Dockerfile"), str(repo / "Dockerfile"), Format.DOCKERFILE) == "main"
    assert context.of_file("tests/x/Dockerfile", str(repo / "Dockerfile"), Format.DOCKERFILE) == "tests"


README = """\
# Quick start

```bash
docker run --rm hello-world
docker run -d -p 8888:8888 --privileged -v /var/run/docker.sock:/var/run/docker.sock jupyter/base-notebook
```
"""

COMPOSE = "services:\n  api:\n    image: api:1.0\n    privileged: true\n"


def _found(out: str) -> list[tuple[str, str]]:
    return sorted((r["path"], r["code"]) for r in json.loads(out))


def test_documentation_reports_what_a_reader_copies_not_the_checklist(tmp_path, capsys, monkeypatch):
    write(tmp_path, {"README.md": README, "compose.yaml": COMPOSE, "tests/compose.yaml": COMPOSE,
                     ".devcontainer/compose.yaml": COMPOSE})
    monkeypatch.chdir(tmp_path)
    code, out, _ = run(["check", "--format", "json", "."], capsys)
    assert code == 1
    got = _found(out)
    # README: privileged, the socket, the published Jupyter port; no cap_drop/read_only/... for either line
    assert [c for p, c in got if p == "README.md"] == ["GLM003", "GLM010", "GLM016"]
    # the deployment file gets the checklist, the test and dev container copies do not
    assert [c for p, c in got if p == "compose.yaml"] == ["GLM002", "GLM003", "GLM004", "GLM007", "GLM012"]
    assert [c for p, c in got if p == "tests/compose.yaml"] == ["GLM003"]
    assert [c for p, c in got if p == ".devcontainer/compose.yaml"] == ["GLM003"]
    # the text summary says what was left out, and where
    _, text, _ = run(["check", "--no-color", "."], capsys)
    assert "not reported in documentation (8), tests and fixtures (4), dev containers (4)" in text


def test_contexts_config_key_brings_the_checklist_back(tmp_path, capsys, monkeypatch):
    write(tmp_path, {"README.md": README, "tests/compose.yaml": COMPOSE,
                     ".glmlint.toml": '[contexts]\ndocs = "all"\ntests = ["hardening", "GLM003"]\n'})
    monkeypatch.chdir(tmp_path)
    _, out, _ = run(["check", "--format", "json", "."], capsys)
    got = _found(out)
    assert ("README.md", "GLM002") in got and ("README.md", "GLM004") in got
    assert [c for p, c in got if p == "tests/compose.yaml"] == ["GLM002", "GLM003", "GLM004", "GLM007", "GLM012"]
    write(tmp_path, {".glmlint.toml": '[contexts]\ndocs = "none"\n'})
    _, out, _ = run(["check", "--format", "json", "."], capsys)
    assert [c for p, c in _found(out) if p == "README.md"] == []


def test_bad_contexts_table_is_one_line_error(tmp_path, capsys, monkeypatch):
    write(tmp_path, {"compose.yaml": COMPOSE, ".glmlint.toml": '[contexts]\nexamples = "all"\n'})
    monkeypatch.chdir(tmp_path)
    code, _, err = run(["check", "."], capsys)
    assert code == 2 and "unknown context `examples`" in err
    write(tmp_path, {".glmlint.toml": '[contexts]\ndocs = ["GLM999"]\n'})
    code, _, err = run(["check", "."], capsys)
    assert code == 2 and "unknown rule `GLM999`" in err


def test_a_rule_declares_its_contexts(tmp_path):
    import dataclasses

    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "compose.yaml").write_text(COMPOSE)
    privileged = next(r for r in builtin_rules() if r.code == "GLM003")
    report = scan([str(tmp_path)], [privileged], root=str(tmp_path), config=Config())
    assert [r.code for r in report.results] == ["GLM003"]
    only_main = dataclasses.replace(privileged, contexts=frozenset({"main"}))
    report = scan([str(tmp_path)], [only_main], root=str(tmp_path), config=Config())
    assert report.results == [] and report.out_of_context == {"tests": 1}
