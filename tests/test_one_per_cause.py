"""One root cause, one finding, decided after the project's policy.

A compose service built from a Dockerfile reports a finding about the image's value (`Result.cause`)
only when the Dockerfile does not report it itself. "Reports" is what the user sees: when the
Dockerfile's own finding is not reported there (its context, `per-file-ignores`), the service's
stands; when the user silenced it where it is written (a suppression comment, the baseline), it
stays silenced on the service too.
"""
from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from glmlint import runner
from glmlint.config import Config
from glmlint.registry import builtin_rules, select

JUPYTER = """\
    FROM python:3.12-slim
    RUN pip install jupyterlab && useradd -u 1000 nb
    USER 1000
    CMD ["jupyter", "lab", "--ip=0.0.0.0", "--ServerApp.token="]
    """
COMPOSE = "services:\n  nb:\n    build: ./{dir}\n    ports: ['8888:8888']\n"


def tree(tmp_path: Path, dockerfile: str = JUPYTER, dir: str = "nb", more: int = 0) -> None:
    (tmp_path / dir).mkdir(parents=True)
    (tmp_path / dir / "Dockerfile").write_text(textwrap.dedent(dockerfile))
    (tmp_path / "compose.yaml").write_text(COMPOSE.format(dir=dir))
    for i in range(more):  # enough files for the pool
        (tmp_path / f"m{i}.yaml").write_text("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n")


def rows(tmp_path: Path, config: Config, jobs: int = 1) -> list[tuple[str, str, int, int]]:
    report = runner.scan([str(tmp_path)], select(builtin_rules(), ["GLM005"]), root=str(tmp_path),
                         config=config, jobs=jobs)
    return [(r.path, r.code, r.line, r.col) for r in report.results]


@pytest.fixture(params=[1, 2], ids=["serial", "pooled"])
def jobs(request, monkeypatch):
    if request.param > 1:
        monkeypatch.setattr(runner, "POOL_MIN_FILES", 1)
    return request.param


def test_reported_in_the_dockerfile_only(tmp_path, jobs):
    tree(tmp_path, more=3)
    assert rows(tmp_path, Config(base=str(tmp_path)), jobs) == [("nb/Dockerfile", "GLM005", 4, 40)]


def test_per_file_ignores_on_the_dockerfile_leave_the_service_s_finding(tmp_path, jobs):
    tree(tmp_path, more=3)
    config = Config(base=str(tmp_path), per_file_ignores=(("nb/Dockerfile", ("GLM005",)),))
    # the Dockerfile is not judged for GLM005; the service that publishes the open notebook still is
    assert rows(tmp_path, config, jobs) == [("compose.yaml", "GLM005", 2, 3)]


def test_a_dockerfile_out_of_context_leaves_the_service_s_finding(tmp_path, jobs):
    tree(tmp_path, dir="tests/nb", more=3)
    config = Config(base=str(tmp_path), contexts=(("tests", ("misconfiguration",)),))
    assert rows(tmp_path, config, jobs) == [("compose.yaml", "GLM005", 2, 3)]


def test_a_suppression_at_the_dockerfile_line_silences_the_service_too(tmp_path, jobs):
    tree(tmp_path, JUPYTER.replace('CMD ["jupyter"', '# glmlint: ignore[GLM005]\n    CMD ["jupyter"'), more=3)
    report = runner.scan([str(tmp_path)], select(builtin_rules(), ["GLM005"]), root=str(tmp_path),
                         config=Config(base=str(tmp_path), report_unused_ignores=True), jobs=jobs)
    assert report.results == [] and report.suppressed == 1


def test_a_suppression_at_the_dockerfile_line_out_of_context_too(tmp_path, jobs):
    tree(tmp_path, JUPYTER.replace('CMD ["jupyter"', '# glmlint: ignore[GLM005]\n    CMD ["jupyter"'),
         dir="tests/nb", more=3)
    config = Config(base=str(tmp_path), contexts=(("tests", ("misconfiguration",)),))
    assert rows(tmp_path, config, jobs) == []


def test_a_baselined_dockerfile_finding_is_not_reported_on_the_service(tmp_path, jobs):
    from glmlint import baseline

    tree(tmp_path, more=3)
    recorded = runner.scan([str(tmp_path)], select(builtin_rules(), ["GLM005"]), root=str(tmp_path),
                           config=Config(base=str(tmp_path)))
    path = tmp_path / "baseline.json"
    baseline.write(str(path), recorded.results, str(tmp_path))
    assert json.loads(path.read_text())
    assert rows(tmp_path, Config(base=str(tmp_path), baseline=str(path)), jobs) == []


def test_the_editor_judges_the_image_s_finding_as_check_does(tmp_path):
    pytest.importorskip("pygls")
    from glmlint.lsp import lint

    tree(tmp_path)
    rules = select(builtin_rules(), ["GLM005"])
    compose = str(tmp_path / "compose.yaml")
    text = (tmp_path / "compose.yaml").read_text()
    assert lint(compose, text, str(tmp_path), Config(base=str(tmp_path)), rules).results == []
    config = Config(base=str(tmp_path), per_file_ignores=(("nb/Dockerfile", ("GLM005",)),))
    report = lint(compose, text, str(tmp_path), config, rules)
    assert [(r.path, r.code, r.line) for r in report.results] == [("compose.yaml", "GLM005", 2)]


def test_one_cause_not_reported_is_counted_once(tmp_path, jobs):
    # the Dockerfile and the compose file both in tests/: the finding is not reported there, and
    # the summary counts it once, not once per file
    (tmp_path / "tests").mkdir()
    tree(tmp_path / "tests", more=3)
    config = Config(base=str(tmp_path), contexts=(("tests", ("misconfiguration",)),))
    report = runner.scan([str(tmp_path)], select(builtin_rules(), ["GLM005"]), root=str(tmp_path),
                         config=config, jobs=jobs)
    assert report.results == [] and report.out_of_context == {"tests": 1}
