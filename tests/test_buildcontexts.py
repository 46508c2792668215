"""Named build contexts: a name a build gives a context is not an image pulled (`glmlint.buildcontexts`)."""
from __future__ import annotations

import textwrap
from pathlib import Path

from glmlint.buildcontexts import familiar, named_contexts
from glmlint.parsers import parse
from glmlint.registry import builtin_rules, select
from glmlint.runner import scan


def _tree(tmp_path: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        p = tmp_path / name
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(textwrap.dedent(text))


def _pulls(dockerfile: Path) -> list[str]:
    source = parse(dockerfile.name, dockerfile.read_text(), "dockerfile", str(dockerfile))
    return [p.name for p in source.workloads[0].pulls]


def _glm045(root: Path) -> list[tuple[str, int, str]]:
    report = scan([str(root)], select(builtin_rules(), ["GLM045"]), root=str(root), jobs=1)
    return [(r.path, r.line, r.message) for r in report.results]


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
    assert named_contexts(str(tmp_path / "a" / "Dockerfile")) == {"models": {"../models"}, "wheels": {"docker-image://w:1"}}
    assert named_contexts(str(tmp_path / "b" / "gpu.Dockerfile")) == {"cuda": {"../cuda"}}
    assert named_contexts(str(tmp_path / "b" / "Dockerfile")) == {}


def test_bake_hcl_contexts_and_workflow_build_context(tmp_path: Path):
    _tree(tmp_path, {
        "docker-bake.hcl": 'target "t" {\n  contexts = {\n    base = "docker-image://python:3.12-slim"\n'
                           '    "src" = "../src"\n  }\n}\n',
        ".github/workflows/build.yml": "jobs:\n  b:\n    steps:\n      - run: docker buildx build "
                                       "--build-context=models=./models .\n",
        "Dockerfile": "FROM base\nCOPY --from=models /m /m\nCOPY --from=src /s /s\nCOPY --from=other /o /o\n"})
    assert named_contexts(str(tmp_path / "Dockerfile")).keys() == {"base", "src", "models"}
    assert _pulls(tmp_path / "Dockerfile") == ["python:3.12-slim", "other"]


def test_bake_json_contexts(tmp_path: Path):
    """docker-bake.json: `target.<name>.contexts` (the HCL file's JSON form)."""
    _tree(tmp_path, {"docker-bake.json": '{"target": {"t": {"contexts": {"cuda-base": "docker-image://nvidia/cuda:12.4.1"}}}}',
                     "Dockerfile": "FROM cuda-base\nUSER 1000\n"})
    assert _pulls(tmp_path / "Dockerfile") == ["nvidia/cuda:12.4.1"]


def test_a_docker_image_context_is_the_image_pulled_judged_at_the_name(tmp_path: Path):
    """`base: docker-image://pytorch/pytorch` pulls pytorch/pytorch:latest for `FROM base` (BuildKit
    dockerui namedcontext.go); a tagged one is pinned by tag; a local directory pulls nothing."""
    _tree(tmp_path, {
        "compose.yaml": """\
            services:
              a: {build: {context: ./a, additional_contexts: {base: "docker-image://pytorch/pytorch"}}}
              b: {build: {context: ./b, additional_contexts: {base: "docker-image://pytorch/pytorch:2.4.1-cuda12.1-cudnn9-runtime"}}}
              c: {build: {context: ./c, additional_contexts: {base: ../base}}}
            """,
        "a/Dockerfile": "FROM base\nUSER 1000\n", "b/Dockerfile": "FROM base\nUSER 1000\n",
        "c/Dockerfile": "FROM base\nUSER 1000\n"})
    assert _pulls(tmp_path / "a" / "Dockerfile") == ["pytorch/pytorch"]
    assert _pulls(tmp_path / "b" / "Dockerfile") == ["pytorch/pytorch:2.4.1-cuda12.1-cudnn9-runtime"]
    assert _pulls(tmp_path / "c" / "Dockerfile") == []
    assert _glm045(tmp_path) == [("a/Dockerfile", 1, "the final stage, through the named context `base`, uses "
                                  "`pytorch/pytorch` with no tag: it gets whatever `latest` is when it is pulled")]


def test_a_build_context_is_given_to_the_dockerfile_its_command_builds(tmp_path: Path):
    """A Makefile building tools/Dockerfile with `--build-context alpine=...` does not name services/api's
    `FROM alpine`; `-f` is read from the working directory, else `Dockerfile` in the context argument."""
    _tree(tmp_path, {
        "Makefile": "tools:\n\tdocker buildx build -f tools/Dockerfile \\\n"
                    "\t\t--build-context \\\n\t\talpine=docker-image://alpine:3.20 -t acme/tools:1.0 tools\n"
                    "web:\n\tdocker build --build-context models=./models web\n",
        "tools/Dockerfile": "FROM alpine\nUSER 1000\n",
        "services/api/Dockerfile": "FROM alpine\nUSER 1000\n",
        "web/Dockerfile": "FROM python:3.12\nCOPY --from=models /m /m\n",
        "build.sh": "BUILD_OPTS='--build-context wheels=../wheels'\ndocker buildx build $BUILD_OPTS .\n",
        "Dockerfile": "FROM python:3.12\nCOPY --from=wheels /w /w\nCOPY --from=models /m /m\n"})
    assert _pulls(tmp_path / "tools" / "Dockerfile") == ["alpine:3.20"]
    assert _pulls(tmp_path / "services" / "api" / "Dockerfile") == ["alpine"]
    assert _pulls(tmp_path / "web" / "Dockerfile") == ["python:3.12"]
    # a --build-context outside a command read (a variable of options): for every Dockerfile
    assert _pulls(tmp_path / "Dockerfile") == ["python:3.12", "models"]


def test_build_push_action_build_contexts(tmp_path: Path):
    """docker/build-push-action `build-contexts:` lines of NAME=VALUE, for its `file:` (docs.docker.com
    "Named contexts with GitHub Actions")."""
    _tree(tmp_path, {
        ".github/workflows/image.yml": """\
            jobs:
              build:
                runs-on: ubuntu-latest
                steps:
                  - uses: docker/build-push-action@v6
                    with:
                      context: .
                      file: docker/Dockerfile.gpu
                      build-contexts: |
                        models=./models
                        base=docker-image://nvcr.io/nvidia/pytorch:24.08-py3
            """,
        "docker/Dockerfile.gpu": "FROM base\nCOPY --from=models /m /m\n",
        "docker/Dockerfile.cpu": "FROM python:3.12\nCOPY --from=models /m /m\n"})
    assert _pulls(tmp_path / "docker" / "Dockerfile.gpu") == ["nvcr.io/nvidia/pytorch:24.08-py3"]
    assert _pulls(tmp_path / "docker" / "Dockerfile.cpu") == ["python:3.12", "models"]


def test_bake_hcl_variables_and_one_line_contexts(tmp_path: Path):
    """`${BASE_IMAGE}` in a value (not known: no image judged), and every key of a one-line object."""
    _tree(tmp_path, {
        "docker-bake.hcl": 'variable "BASE_IMAGE" { default = "python:3.12" }\n'
                           'target "a" {\n  contexts = {\n    base = "docker-image://${BASE_IMAGE}"\n  }\n}\n'
                           'target "b" {\n  contexts = { wheels = "./wheels", models = "./models" }\n}\n',
        "Dockerfile": "FROM base\nCOPY --from=wheels /w /w\nCOPY --from=models /m /m\nCOPY --from=other /o /o\n"})
    assert named_contexts(str(tmp_path / "Dockerfile")).keys() == {"base", "wheels", "models"}
    assert _pulls(tmp_path / "Dockerfile") == ["other"]


def test_an_override_file_gives_contexts_to_the_build_of_the_file_under_it(tmp_path: Path):
    """compose.override.yaml merged over compose.yaml: its additional_contexts join the build whose
    context compose.yaml gives."""
    _tree(tmp_path, {
        "compose.yaml": "services:\n  api:\n    build: ./api\n  worker:\n    build: {context: ./worker}\n",
        "compose.override.yaml": "services:\n  api:\n    build:\n      additional_contexts:\n"
                                 "        models: ./models\n",
        "api/Dockerfile": "FROM python:3.12\nCOPY --from=models /m /m\n",
        "worker/Dockerfile": "FROM python:3.12\nCOPY --from=models /m /m\n"})
    assert _pulls(tmp_path / "api" / "Dockerfile") == ["python:3.12"]
    assert _pulls(tmp_path / "worker" / "Dockerfile") == ["python:3.12", "models"]


def test_a_scan_lists_each_directory_once_and_the_next_scan_again(tmp_path: Path, monkeypatch):
    """While a scan runs, the directories the builds' named contexts are read from are listed once
    (`parsers.base.scan_memo`); a parse outside a scan, and the next scan, see a file added since."""
    import os

    from glmlint import buildcontexts
    from glmlint.parsers.base import scan_memo, scanning

    _tree(tmp_path, {"a/Dockerfile": "FROM base\nUSER 1000\n", "b/Dockerfile": "FROM base\nUSER 1000\n"})
    listed: list[str] = []
    real = os.listdir
    monkeypatch.setattr(buildcontexts.os, "listdir", lambda d: listed.append(d) or real(d))
    assert scan_memo("buildcontexts") is None  # no scan runs
    with scanning():
        assert _pulls(tmp_path / "a" / "Dockerfile") == ["base"]
        assert _pulls(tmp_path / "b" / "Dockerfile") == ["base"]
        assert listed.count(str(tmp_path)) == 1  # the common parent: once
        (tmp_path / "docker-bake.hcl").write_text(
            'target "a" {\n  context = "a"\n  contexts = { base = "./base" }\n}\n'
            'target "b" {\n  context = "b"\n  contexts = { base = "./base" }\n}\n')
    assert _pulls(tmp_path / "a" / "Dockerfile") == []  # outside a scan: read afresh
    assert _glm045(tmp_path) == []  # a scan of its own: sees it too
    (tmp_path / "docker-bake.hcl").unlink()
    assert [p for p, _line, _m in _glm045(tmp_path)] == ["a/Dockerfile", "b/Dockerfile"]


def test_bake_contexts_are_the_dockerfile_their_target_builds(tmp_path: Path):
    """A bake target gives its `contexts` to `dockerfile` (default `Dockerfile`) of its `context` (default
    the bake file's directory), the path read from the context (docs.docker.com "Bake file reference";
    docker/docs#22199), with what it `inherits`; an inline Dockerfile is no file's."""
    _tree(tmp_path, {
        "docker-bake.hcl": """\
            target "_gpu" {
              context = "serving"
              contexts = {
                base = "docker-image://nvcr.io/nvidia/pytorch:24.08-py3"
              }
            }
            target "serve" {
              inherits = ["_gpu"]
              dockerfile = "Dockerfile.gpu"
              contexts = { models = "./models" }
            }
            target "tools" {
              context = "tools"
              contexts = { alpine = "docker-image://alpine:3.20" }
            }
            target "inline" {
              dockerfile-inline = "FROM wheels\\n"
              contexts = { wheels = "./wheels" }
            }
            """,
        "serving/Dockerfile.gpu": "FROM base\nCOPY --from=models /m /m\n",
        "serving/Dockerfile": "FROM base\nUSER 1000\n",
        "tools/Dockerfile": "FROM alpine\nUSER 1000\n",
        "Dockerfile": "FROM alpine\nCOPY --from=wheels /w /w\n"})
    assert _pulls(tmp_path / "serving" / "Dockerfile.gpu") == ["nvcr.io/nvidia/pytorch:24.08-py3"]
    assert named_contexts(str(tmp_path / "serving" / "Dockerfile.gpu")).keys() == {"base", "models"}
    # `_gpu` itself builds serving/Dockerfile with `base`; `tools` builds tools/Dockerfile only
    assert _pulls(tmp_path / "serving" / "Dockerfile") == ["nvcr.io/nvidia/pytorch:24.08-py3"]
    assert _pulls(tmp_path / "tools" / "Dockerfile") == ["alpine:3.20"]
    assert _pulls(tmp_path / "Dockerfile") == ["alpine", "wheels"]


def test_a_workflow_working_directory_is_where_its_build_command_runs(tmp_path: Path):
    """A `run:` step runs in its `working-directory:` (docs.github.com "Workflow syntax"): `docker buildx
    build --build-context base=... .` there builds that directory's Dockerfile."""
    _tree(tmp_path, {
        ".github/workflows/image.yml": """\
            jobs:
              build:
                runs-on: ubuntu-latest
                defaults:
                  run:
                    working-directory: serving
                steps:
                  - run: docker buildx build --build-context base=docker-image://python:3.12-slim -t acme/serve:1 .
            """,
        "serving/Dockerfile": "FROM base\nUSER 1000\n",
        "Dockerfile": "FROM base\nUSER 1000\n"})
    assert _pulls(tmp_path / "serving" / "Dockerfile") == ["python:3.12-slim"]
    assert _pulls(tmp_path / "Dockerfile") == ["base"]


def test_a_workflow_build_context_outside_its_steps_scripts_is_for_every_dockerfile(tmp_path: Path):
    """Options a job keeps in its `env:` and a step passes on (`$BUILD_OPTS`): not read with a command."""
    _tree(tmp_path, {
        ".github/workflows/image.yml": """\
            jobs:
              build:
                runs-on: ubuntu-latest
                env:
                  BUILD_OPTS: --build-context base=docker-image://python:3.12-slim
                steps:
                  - run: docker buildx build $BUILD_OPTS --build-context models=./models -t acme/serve:1 serving
            """,
        "Dockerfile": "FROM base\nCOPY --from=models /m /m\n"})
    assert "base" in named_contexts(str(tmp_path / "Dockerfile"))
