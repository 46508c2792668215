"""A Compose file named on the command line brings the files its `include:` names into the scan: their
services are the project's (docs.docker.com "Include"; compose-go reads each included file as a project of its
own, in its own directory, with the `.env` there), so `glmlint check compose.yaml` checks what `docker compose
up` runs."""
from __future__ import annotations

from pathlib import Path

from glmlint.discovery import discover
from glmlint.registry import builtin_rules
from glmlint.runner import scan

TOP = """include:
  - infra/db.yaml
  - path: [ml/serving.yaml]
services:
  web:
    image: nginx:1.27
    ports: ["127.0.0.1:8080:80"]
"""
DB = """services:
  redis:
    image: redis:7.2
    ports: ["6379:6379"]
"""
# the included file's own directory's `.env` gives its variables
SERVING = """include:
  - ../infra/db.yaml
services:
  ollama:
    image: ollama/ollama:${OLLAMA_TAG}
    ports: ["${OLLAMA_BIND}:11434:11434"]
"""


def _project(tmp_path: Path, top: str = TOP) -> Path:
    (tmp_path / "infra").mkdir()
    (tmp_path / "ml").mkdir()
    (tmp_path / "compose.yaml").write_text(top)
    (tmp_path / "infra" / "db.yaml").write_text(DB)
    (tmp_path / "ml" / "serving.yaml").write_text(SERVING)
    (tmp_path / "ml" / ".env").write_text("OLLAMA_TAG=0.5.7\nOLLAMA_BIND=0.0.0.0\n")
    return tmp_path


def _found(tmp_path: Path, paths: list[str]) -> list[tuple[str, str]]:
    report = scan(paths, builtin_rules(), root=str(tmp_path), jobs=1)
    return sorted((r.path, r.rule.code) for r in report.results if r.rule.code == "GLM017")


def test_the_included_files_of_a_named_compose_file_are_checked(tmp_path: Path) -> None:
    top = _project(tmp_path)
    assert _found(top, [str(top / "compose.yaml")]) == [("infra/db.yaml", "GLM017"), ("ml/serving.yaml", "GLM017")]


def test_without_include_only_the_named_file_is_checked(tmp_path: Path) -> None:
    # one switch away: the same project, its top file naming no `include:`
    top = _project(tmp_path, TOP.split("services:", 1)[1].join(["services:", ""]))
    assert _found(top, [str(top / "compose.yaml")]) == []


def test_each_file_once_and_none_a_named_directory_holds(tmp_path: Path) -> None:
    top = _project(tmp_path)
    # db.yaml is included twice (by the top file and by serving.yaml), and named itself
    got = [c.display for c in discover([str(top / "compose.yaml"), str(top / "infra" / "db.yaml")], str(top),
                                       render=False)]
    assert got == ["compose.yaml", "infra/db.yaml", "ml/serving.yaml"]
    got = [c.display for c in discover([str(top / "ml"), str(top / "compose.yaml")], str(top), render=False)]
    assert sorted(got) == ["compose.yaml", "infra/db.yaml", "ml/serving.yaml"]


# formats23: an `include:` entry's own `env_file:` and `project_directory:` (compose-go loader/include.go
# `ApplyInclude` at 0761c331): the included file's variables come from the entry's env files (relative to the
# including file), else from the `.env` of its project directory, under the including project's own `.env`
LONG = """include:
  - path: serving/compose.yaml
{extra}services:
  web:
    image: nginx:1.27
    ports: ["127.0.0.1:8080:80"]
"""
OLLAMA = """services:
  ollama:
    image: ollama/ollama:0.5.7
    ports: ["${OLLAMA_BIND:-127.0.0.1}:11434:11434"]
"""


def _long(tmp_path: Path, extra: str, files: dict[str, str]) -> list[tuple[str, str]]:
    (tmp_path / "serving").mkdir()
    (tmp_path / "compose.yaml").write_text(LONG.format(extra=extra))
    (tmp_path / "serving" / "compose.yaml").write_text(OLLAMA)
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    return _found(tmp_path, [str(tmp_path / "compose.yaml")])


EXPOSED = [("serving/compose.yaml", "GLM017")]


def test_an_include_entrys_env_file_gives_the_included_files_variables(tmp_path: Path) -> None:
    assert _long(tmp_path, "    env_file: ./serving.env\n", {"serving.env": "OLLAMA_BIND=0.0.0.0\n"}) == EXPOSED


def test_an_env_file_list_later_wins(tmp_path: Path) -> None:
    assert _long(tmp_path, "    env_file: [a.env, b.env]\n",
                 {"a.env": "OLLAMA_BIND=127.0.0.1\n", "b.env": "OLLAMA_BIND=0.0.0.0\n"}) == EXPOSED
    # one switch away: the loopback file last
    other = tmp_path / "o"
    other.mkdir()
    assert _long(other, "    env_file: [b.env, a.env]\n",
                 {"a.env": "OLLAMA_BIND=127.0.0.1\n", "b.env": "OLLAMA_BIND=0.0.0.0\n"}) == []


def test_an_entrys_env_file_replaces_the_included_directorys_env(tmp_path: Path) -> None:
    # the `.env` beside the included file is not read when the entry names its env files (a FP on d51f2778)
    assert _long(tmp_path, "    env_file: ./serving.env\n",
                 {"serving.env": "OTHER=1\n", "serving/.env": "OLLAMA_BIND=0.0.0.0\n"}) == []
    # one switch away: no env_file, the `.env` of the included file's directory
    other = tmp_path / "o"
    other.mkdir()
    assert _long(other, "", {"serving/.env": "OLLAMA_BIND=0.0.0.0\n"}) == EXPOSED


def test_an_entrys_project_directory_holds_its_env(tmp_path: Path) -> None:
    assert _long(tmp_path, "    project_directory: ./ml\n", {"ml/.env": "OLLAMA_BIND=0.0.0.0\n"}) == EXPOSED
    other = tmp_path / "o"
    other.mkdir()
    assert _long(other, "    project_directory: ./ml\n", {"serving/.env": "OLLAMA_BIND=0.0.0.0\n"}) == []


def test_the_including_projects_env_wins(tmp_path: Path) -> None:
    # `environment.Clone().Merge(envFromFile)`: what the including project sets is kept
    assert _long(tmp_path, "    env_file: ./serving.env\n",
                 {"serving.env": "OLLAMA_BIND=0.0.0.0\n", ".env": "OLLAMA_BIND=127.0.0.1\n"}) == []
    other = tmp_path / "o"
    other.mkdir()
    assert _long(other, "    env_file: ./serving.env\n",
                 {"serving.env": "OLLAMA_BIND=127.0.0.1\n", ".env": "OLLAMA_BIND=0.0.0.0\n"}) == EXPOSED
