"""A Dockerfile a compose file builds is parsed once when the scan also checks it (`runner._State.read`):
the findings, fixes and problems are those of a scan that parses it again for the build, whichever of
the two files comes first, whether the scan is given the tree by a relative or an absolute path, and
whether the build finds the Dockerfile among the scan's files or on disk (a streamed scan)."""
from __future__ import annotations

import os

import pytest
from glmlint import runner
from glmlint.config import Config
from glmlint.parsers import dockerfile
from glmlint.registry import builtin_rules

COMPOSE = """\
services:
  api:
    build: ./api
    ports: ["8888:8888"]
  web:
    build:
      context: .
      args: {BASE: "python:3.12"}
"""
# beside the compose file: built with a build argument, and scanned as it is
DOCKERFILE = """\
ARG BASE=python:3.11
FROM ${BASE}
RUN useradd -m app && echo 'app ALL=(ALL) NOPASSWD: ALL' >> /etc/sudoers
COPY start.sh /start.sh
USER app
ENTRYPOINT ["/start.sh"]
"""
START = "#!/bin/sh\njupyter notebook --ip=0.0.0.0 --NotebookApp.token='' --allow-root\n"
# in a subdirectory (after the compose file in the walk)
API = "FROM python:3.12\nCOPY run.sh /run.sh\nCMD [\"/run.sh\"]\n"
RUN = "#!/bin/sh\nexec jupyter lab --ip 0.0.0.0 --ServerApp.token=''\n"


def _tree(root, compose_name: str) -> None:
    (root / compose_name).write_text(COMPOSE)
    (root / "Dockerfile").write_text(DOCKERFILE)
    (root / "start.sh").write_text(START)
    (root / "api").mkdir()
    (root / "api" / "Dockerfile").write_text(API)
    (root / "api" / "run.sh").write_text(RUN)


def _scan(path: str, root: str, streamed: bool) -> list[tuple]:
    report = runner.scan([path], builtin_rules(), root=root, jobs=1, lean=True,
                         config=Config(render=False) if streamed else None)
    return ([(r.path, r.line, r.col, r.code, r.message, r.workload, r.related,
              None if r.fix is None else (r.fix.title, r.fix.safety)) for r in report.results]
            + [(p.path, p.line, p.message, p.level) for p in report.problems])


@pytest.mark.parametrize("streamed", [False, True])
@pytest.mark.parametrize("relative", [False, True])
@pytest.mark.parametrize("compose_name", ["compose.yaml", "a-compose.yaml"])  # after or before `Dockerfile`
def test_a_dockerfile_built_and_scanned_is_read_once_with_the_same_findings(
        tmp_path, monkeypatch, compose_name: str, relative: bool, streamed: bool) -> None:
    _tree(tmp_path, compose_name)
    monkeypatch.setattr(runner, "POOL_MIN_FILES", 1)  # checked one file after the other as a pool worker does
    if streamed:
        monkeypatch.setattr(runner, "PEEK_FILES", 1)
    monkeypatch.chdir(tmp_path)
    path = "." if relative else str(tmp_path)
    parses: list[str] = []
    parse = dockerfile.parse

    def counted(name, *args, **kwargs):
        parses.append(os.path.basename(os.path.dirname(os.path.abspath(name))))
        return parse(name, *args, **kwargs)

    monkeypatch.setattr(dockerfile, "parse", counted)
    once = _scan(path, str(tmp_path), streamed)
    read_once = len(parses)
    monkeypatch.setattr(runner._State, "read", lambda self, cand: runner.read_source(cand, self.max_bytes))
    parses.clear()
    again = _scan(path, str(tmp_path), streamed)
    assert once == again
    codes = {row[3] for row in once if len(row) > 4}
    assert {"GLM005", "GLM019"} <= codes  # (the findings that come through the build's Dockerfiles)
    # the compose file's findings that need the images built: `api` starts Jupyter (its Dockerfile's script)
    assert any(row[0].endswith(compose_name) and row[3] == "GLM016" for row in once if len(row) > 4)
    # the scan's own two Dockerfiles and the build of `web` with its argument (`link._target_stage`): the
    # builds read the scanned ones, not a second parse of each
    assert read_once == 3 and len(parses) == 5
