"""The image catalog (linter/catalog/images.yaml): its schema, its lookups, and its use by the parsers."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from glmlint.catalog import images
from glmlint import parsers
from glmlint.parsers import dockerfile

SCHEMA = Path(__file__).with_name("images.schema.json")
DOCS = Path(__file__).resolve().parents[1] / "docs" / "images.md"


def test_images_yaml_matches_its_schema() -> None:
    import jsonschema

    jsonschema.validate(images.load(), json.loads(SCHEMA.read_text(encoding="utf-8")))


def test_ids_unique_and_every_entry_documented() -> None:
    ids = [e.id for e in images.entries()]
    assert len(ids) == len(set(ids))
    page = DOCS.read_text(encoding="utf-8")
    missing = [i for i in ids if f"`{i}`" not in page]
    assert not missing, f"docs/images.md does not list {missing}"


def test_schema_refuses_a_fact_without_source() -> None:
    import jsonschema

    bad = {"version": 1, "images": [{"id": "x", "match": ["x"], "facts": {"user": {"value": "1000"}}}]}
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(bad, json.loads(SCHEMA.read_text(encoding="utf-8")))
    root = {"version": 1, "images": [{"id": "x", "match": ["x"], "facts": {"user": {"value": "0", "source": "https://e"}}}]}
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(root, json.loads(SCHEMA.read_text(encoding="utf-8")))


@pytest.mark.parametrize(("ref", "normal"), [
    ("python", ("python", "latest")),
    ("docker.io/library/python:3.12", ("python", "3.12")),
    ("index.docker.io/jupyter/base-notebook", ("jupyter/base-notebook", "latest")),
    ("gcr.io/distroless/static:nonroot@sha256:abcd", ("gcr.io/distroless/static", "nonroot")),
    ("cgr.dev/chainguard/python@sha256:abcd", ("cgr.dev/chainguard/python", None)),
    ("localhost:5000/team/app", ("localhost:5000/team/app", "latest")),
    ("${BASE_IMAGE}", None),
])
def test_normalise(ref: str, normal: tuple[str, str | None] | None) -> None:
    assert images.normalise(ref) == normal


@pytest.mark.parametrize(("ref", "user"), [
    ("gcr.io/distroless/static-debian12:nonroot", "65532"),
    ("gcr.io/distroless/base:debug-nonroot", "65532"),
    ("gcr.io/distroless/java17-debian12:latest-nonroot", "65532"),
    ("gcr.io/distroless/static-debian12", None),  # `latest` runs as root
    ("gcr.io/distroless/python3-debian12:nonroot", "65532"),  # (the python3 entry states only its entrypoint)
    ("gcr.io/distroless/python3-debian12", None),
    ("gcr.io/distroless/static-debian12:debug", None),
    ("cgr.dev/chainguard/python:latest-dev", "65532"),
    ("cgr.dev/chainguard/wolfi-base", None),  # not listed: runs as root
    ("quay.io/jupyter/pytorch-notebook:cuda12-python-3.11", "1000"),
    ("docker.io/jupyter/minimal-notebook", "1000"),
    ("nginxinc/nginx-unprivileged:1.27-alpine", "101"),
    ("nginx:1.27", None),
    ("rayproject/ray:2.31.0-py310-gpu", "1000"),
    ("kubeflownotebookswg/jupyter-pytorch-cuda-full:v1.8.0", "1000"),
    ("kubeflownotebookswg/rstudio-tidyverse:v1.8.0", "1000"),
    ("spark:3.5.1-python3", "185"),
    ("apache/spark:3.5.0", "185"),
    ("apache/spark-py:v3.1.3", None),  # built by Spark's own kubernetes Dockerfile: not listed
    ("apache/spark:v3.1.3", None),
    ("apache/airflow:2.9.1-python3.11", "50000"),
    ("python:3.12-slim", None),
    (None, None),
])
def test_default_user(ref: str | None, user: str | None) -> None:
    found = images.default_user(ref)
    assert (found.value if found is not None else None) == user
    if found is not None:
        assert found.source.startswith("https://")


def _final_user(text: str) -> str | None:
    w = dockerfile.parse("Dockerfile", text).workloads[0]
    return w.user.value.raw if w.user.value is not None else None


def test_dockerfile_inherits_the_base_images_default_user() -> None:
    assert _final_user("FROM gcr.io/distroless/static:nonroot\nCOPY app /app\nCMD [\"/app\"]\n") == "65532"
    # a FROM-only re-tag through a named stage
    assert _final_user("FROM gcr.io/distroless/static:nonroot AS rt\nFROM rt\n") == "65532"
    # a global ARG default names the base
    assert _final_user("ARG BASE=quay.io/jupyter/base-notebook:2024-01-01\nFROM ${BASE}\nRUN true\n") == "1000"
    # USER in the file wins over the image's
    assert _final_user("FROM gcr.io/distroless/static:nonroot\nUSER 0\n") == "0"
    # an unlisted base stays root
    assert _final_user("FROM python:3.12\nCMD [\"python\"]\n") == "root"


@pytest.mark.parametrize(("text", "argv"), [
    # field23 F23-2: distroless python3's ENTRYPOINT is python, a CMD-only stage's exec-form CMD its arguments
    ('FROM gcr.io/distroless/python3-debian12:nonroot\nCMD ["-m", "phoenix.server.main", "serve"]\n',
     ["/usr/bin/python3", "-m", "phoenix.server.main", "serve"]),
    # through a stage of the file, as a global ARG names it
    ('ARG B=gcr.io/distroless/python3-debian13\nFROM ${B} AS rt\nFROM rt\nCMD ["app.py"]\n', ["/usr/bin/python3", "app.py"]),
    # one switch away each: the build's own ENTRYPOINT (even an empty one) replaces the image's
    ('FROM gcr.io/distroless/python3-debian12\nENTRYPOINT ["/app/run"]\nCMD ["serve"]\n', ["/app/run", "serve"]),
    ('FROM gcr.io/distroless/python3-debian12\nENTRYPOINT []\nCMD ["python3", "app.py"]\n', ["python3", "app.py"]),
    # a base that sets none (distroless cc, python's `[]`): the CMD alone
    ('FROM gcr.io/distroless/cc-debian12\nCMD ["-m", "x"]\n', ["-m", "x"]),
    ('FROM python:3.12\nCMD ["python3", "app.py"]\n', ["python3", "app.py"]),
])
def test_a_cmd_only_stage_runs_as_the_base_images_entrypoints_arguments(text: str, argv: list[str]) -> None:
    w = dockerfile.parse("Dockerfile", text).workloads[0]
    assert [word.text for c in w.process[:1] for word in c.argv] == argv


def test_kubernetes_container_keeps_its_own_rule() -> None:
    """RULES.md: a Kubernetes container needs `runAsNonRoot: true` or a non-zero `runAsUser`, whatever its image."""
    text = ("apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n"
            "    - {name: a, image: 'gcr.io/distroless/static:nonroot'}\n")
    (a,) = parsers.parse("pod.yaml", text, "yaml").workloads  # type: ignore[union-attr]
    assert a.user.value is None and a.runs_as_root() is None


def test_no_default_command_and_artifact_stages() -> None:
    assert images.fact("gcr.io/distroless/static-debian12:nonroot", "no_default_command").value is True  # type: ignore[union-attr]
    assert images.fact("gcr.io/distroless/python3-debian12", "no_default_command") is None
    runnable = [dockerfile.parse("Dockerfile", text).workloads[0].runnable for text in (
        "FROM scratch\nCOPY a /a\n",
        "FROM gcr.io/distroless/static\nCOPY a /a\n",
        "FROM scratch AS b\nENTRYPOINT [\"/a\"]\nFROM b\nCOPY a /a\n",
        "FROM nginx:1.27\nCOPY a /a\n",
        "FROM gcr.io/distroless/static\nCOPY a /a\nCMD [\"/a\"]\n",
    )]
    assert runnable == [False, False, True, True, True]


@pytest.mark.parametrize("image", [
    "python:3.12", "nvidia/cuda:12.4.1-runtime-ubuntu22.04", "nvidia/cuda", "gcr.io/distroless/static:nonroot",
    "gcr.io/distroless/python3-debian12:debug-nonroot", "gcr.io/distroless/static-debian12", "ubuntu:22.04",
    "debian:bookworm-slim", "myorg/app:1.0-jammy", "pytorch/pytorch:2.3.0-cuda12.1-cudnn8-runtime",
    "docker.io/library/node:20-alpine", "registry.local:5000/team/model@sha256:abc", "busybox", "scratch",
    # repositories with a wildcard (`redhat/ubi9*`, `gcr.io/distroless/cc-*`), tags any repository's pattern matches
    "redhat/ubi9-minimal:9.4", "registry.access.redhat.com/ubi8/python-311", "gcr.io/distroless/cc-debian12",
    "quay.io/centos/centos:centos7", "myorg/app:buster", "rockylinux:9-ubi9", "node:18-alpine3.16"])
def test_the_first_test_answers_as_every_pattern_tried_in_turn(image: str) -> None:
    """`entries_for` (literal repositories looked up, the others tried) says what trying every
    entry of images.yaml in turn says."""
    repo, tag = images.normalise(image)
    assert images.entries_for(image) == tuple(e for e in images.entries() if e.matches(repo, tag))


def test_purposes_match_their_schema_and_are_documented() -> None:
    import jsonschema
    from glmlint.catalog import purposes

    schema = json.loads((Path(__file__).parent / "purposes.schema.json").read_text(encoding="utf-8"))
    jsonschema.validate(purposes.load(), schema)
    page = DOCS.read_text(encoding="utf-8")
    assert not [p.id for p in purposes.purposes() if f"`{p.id}`" not in page]
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"version": 1, "purposes": [{"id": "x", "description": "d", "host_paths": ["/x"]}]}, schema)


@pytest.mark.parametrize("image,family", [
    ("centos", "el8-family-sshd"),  # `latest` was CentOS 8
    ("quay.io/centos/centos:stream8", "el8-family-sshd"),  # openssh 8.0: no Include
    ("registry.redhat.io/ubi10/ubi:10.0", "el9-family-sshd"),
    ("registry.fedoraproject.org/fedora:40", "el9-family-sshd"),
    ("quay.io/fedora/fedora:39", "el9-family-sshd"),
    ("quay.io/fedora/fedora:32", None),  # before Fedora 33's drop-ins
    ("amazonlinux:2023", "el9-family-sshd"),
    # `latest` is Amazon Linux 2023 since docker-library/docs#2301 (it was Amazon Linux 2 until then, and the next
    # release will take it): the entry matches `latest` on that fact, to be checked again when `latest` moves
    ("amazonlinux", "el9-family-sshd"),
    ("amazonlinux:latest", "el9-family-sshd"),
    ("public.ecr.aws/amazonlinux/amazonlinux:latest", "el9-family-sshd"),
    ("public.ecr.aws/amazonlinux/amazonlinux:2023.5.20240708.0", "el9-family-sshd"),
    ("amazonlinux:2", None),  # Amazon Linux 2: not listed
    ("ubuntu:18.04", "ubuntu-bionic-debian-buster-sshd"),
    ("nvidia/cuda:11.8.0-cudnn8-devel-ubuntu18.04", "ubuntu-bionic-debian-buster-sshd"),
    ("python:3.9-slim-buster", "ubuntu-bionic-debian-buster-sshd"),
    ("debian:10.13-slim", "ubuntu-bionic-debian-buster-sshd"),
    ("ubuntu:20.04", None),  # the `Include` first, as the service catalog's stock file
    ("nvidia/cuda:12.1.0-devel-ubuntu22.04", None),
    ("python:3.9-bullseye", None),
    ("debian:100", None),
    ("alpine:3.16", "alpine-before-3-19-sshd"),
    ("alpine:3.9.6", "alpine-before-3-19-sshd"),
    ("alpine:3.1", None),  # not listed: the newest patterns are not prefixes of it
    ("python:3.11-alpine3.16", "alpine-before-3-19-sshd"),
    ("alpine:3.17", "alpine-before-3-19-sshd"),  # openssh 9.1_p1: no include-config-dir.patch
    ("alpine:3.18.4", "alpine-before-3-19-sshd"),  # 9.3_p2: none either
    ("python:3.12-alpine3.18", "alpine-before-3-19-sshd"),
    ("alpine:3.20", None),  # include-config-dir.patch: the Debian-like `Include` at the top
    ("python:3.12-alpine3.19", None),  # 9.6_p1-r2 has the patch too
    ("alpine", None),
])
def test_sshd_config_families(image: str, family: str | None) -> None:
    from glmlint.catalog.images import fact

    got = fact(image, "sshd_config")
    assert (got.entry if got is not None else None) == family


@pytest.mark.parametrize(("image", "entry"), [
    # field22 F22-9: AMD's ROCm builds of vLLM (vLLM's docker/Dockerfile.rocm: root, HOME=/root, no VOLUME) write
    # where vllm/vllm-openai does
    ("rocm/vllm:rocm6.2_mi300_ubuntu20.04_py3.9_vllm_0.6.4", "vllm-openai"),
    ("docker.io/rocm/vllm-dev:nightly", "vllm-openai"),
    ("vllm/vllm-openai:v0.6.4", "vllm-openai"),
    # AMD's other ROCm images are not vLLM
    ("rocm/pytorch:latest", None),
    ("rocm/vllm-ci:latest", None),
])
def test_vllm_writable_paths_entry(image: str, entry: str | None) -> None:
    got = images.fact(image, "writable_paths")
    assert (got.entry if got is not None else None) == entry
