"""Named build contexts: a name a build gives a context is not an image pulled (`glmlint.buildcontexts`)."""
from __future__ import annotations

import textwrap
from pathlib import Path

from glmlint.buildcontexts import familiar, named_contexts
from glmlint.parsers import parse


def _tree(tmp_path: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        p = tmp_path / name
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(textwrap.dedent(text))


def test_familiar_form_drops_docker_hub_and_latest():
    """buildkit matches a named context against the reference in its familiar form."""
    assert familiar("docker.io/library/Alpine:latest") == "alpine"
    assert familiar("ghcr.io/acme/base:latest") == "ghcr.io/acme/base"
    assert familiar("python:3.12") == "python:3.12"


def test_compose_names_only_for_the_dockerfile_it_builds(tmp_path: Path):
    _tree(tmp_path, {
        "compose.yaml": """\
            services:
              a: {build: {context: ./a, additional_contexts: [models=../models, "wheels=docker-image://w:1"]}}
              b: {build: {context: ./b, dockerfile: gpu.Dockerfile, additional_contexts: {cuda: ../cuda}}}
            """,
        "a/Dockerfile": "FROM x:1\n", "b/gpu.Dockerfile": "FROM cuda\n", "b/Dockerfile": "FROM cuda\n"})
    assert named_contexts(str(tmp_path / "a" / "Dockerfile")) == {"models", "wheels"}
    assert named_contexts(str(tmp_path / "b" / "gpu.Dockerfile")) == {"cuda"}
    assert named_contexts(str(tmp_path / "b" / "Dockerfile")) == frozenset()


def test_bake_hcl_contexts_and_workflow_build_context(tmp_path: Path):
    _tree(tmp_path, {
        "docker-bake.hcl": 'target "t" {\n  contexts = {\n    base = "docker-image://python:3.12-slim"\n'
                           '    "src" = "../src"\n  }\n}\n',
        ".github/workflows/build.yml": "jobs:\n  b:\n    steps:\n      - run: docker buildx build "
                                       "--build-context=models=./models .\n",
        "Dockerfile": "FROM base\nCOPY --from=models /m /m\nCOPY --from=src /s /s\nCOPY --from=other /o /o\n"})
    assert named_contexts(str(tmp_path / "Dockerfile")) == {"base", "src", "models"}
    source = parse("Dockerfile", (tmp_path / "Dockerfile").read_text(), "dockerfile", str(tmp_path / "Dockerfile"))
    assert [p.name for p in source.workloads[0].pulls] == ["other"]


def test_bake_json_contexts(tmp_path: Path):
    """docker-bake.json: `target.<name>.contexts` (the HCL file's JSON form)."""
    _tree(tmp_path, {"docker-bake.json": '{"target": {"t": {"contexts": {"cuda-base": "docker-image://nvidia/cuda:12.4.1"}}}}',
                     "Dockerfile": "FROM cuda-base\nUSER 1000\n"})
    source = parse("Dockerfile", (tmp_path / "Dockerfile").read_text(), "dockerfile", str(tmp_path / "Dockerfile"))
    assert source.workloads[0].pulls == ()
