"""Image references and remote `ADD` sources in the IR, and GLM045's `require-digest` option."""
from __future__ import annotations

from pathlib import Path

import pytest

from glmlint.config import Config, ConfigError, load
from glmlint.ir import ImageRef, Loc
from glmlint.parsers import parse
from glmlint.registry import builtin_rules, select
from glmlint.runner import scan


@pytest.mark.parametrize("name, tag, digest, valid", [
    ("python", None, None, True),
    ("python:3.12-slim", "3.12-slim", None, True),
    ("localhost:5000/ml/trainer", None, None, True),  # a registry port is not a tag
    ("localhost:5000/ml/trainer:v2", "v2", None, True),
    ("nginx@sha256:" + "a" * 64, None, "sha256:" + "a" * 64, True),
    ("nginx:1.27@sha256:" + "b" * 64, "1.27", "sha256:" + "b" * 64, True),
    ("<YOUR-IMAGE>", None, None, False),
    ("ko://github.com/org/cmd/manager", None, None, False),
])
def test_image_reference_parts(name, tag, digest, valid):
    ref = ImageRef(name, Loc(1, 1), "x")
    assert (ref.tag, ref.digest, ref.valid) == (tag, digest, valid)


def test_dockerfile_pulls_every_external_stage_base_with_its_location():
    text = ("ARG BASE=python:3.12\nARG CUDA\n"
            "FROM --platform=$BUILDPLATFORM golang:1.22 AS build\n"
            "FROM build AS test\n"
            "FROM nvidia/cuda:${CUDA}-base\n"
            "FROM $BASE\n")
    (w,) = parse("Dockerfile", text, "dockerfile").workloads
    assert [(p.name, p.loc.line, p.loc.col, p.resolved, p.owner) for p in w.pulls] == [
        ("golang:1.22", 3, 32, True, "stage `build`"),
        ("nvidia/cuda:${CUDA}-base", 5, 6, False, "stage 2"),
        ("python:3.12", 6, 6, True, "the final stage"),
    ]


def test_dockerfile_remote_adds_with_checksum_and_git_ref():
    text = ("FROM alpine:3.20\nARG V=1.0\n"
            "ADD --checksum=sha256:abc https://example.com/a-${V}.tgz /a/\n"
            'ADD ["https://github.com/org/repo.git#v1.2:sub", "/src"]\n'
            "ADD local.tgz https://example.com/b.bin /b/\n")
    (w,) = parse("Dockerfile", text, "dockerfile").workloads
    assert [(d.url, d.kind, d.checksum, d.ref, d.loc.line) for d in w.downloads] == [
        ("https://example.com/a-1.0.tgz", "http", "sha256:abc", None, 3),
        ("https://github.com/org/repo.git#v1.2:sub", "git", None, "v1.2", 4),
        ("https://example.com/b.bin", "http", None, None, 5),
    ]


def test_require_digest_turns_on_tag_only_findings(tmp_path: Path):
    (tmp_path / "compose.yaml").write_text("services:\n  db:\n    image: postgres:16\n  cache:\n    image: redis\n")
    rules = select(builtin_rules(), ["GLM045"])
    default = scan([str(tmp_path)], rules, root=str(tmp_path))
    assert [(r.line, r.code) for r in default.results] == [(5, "GLM045")]
    strict = scan([str(tmp_path)], rules, root=str(tmp_path), config=Config(require_digest=True))
    assert [(r.line, r.code) for r in strict.results] == [(3, "GLM045"), (5, "GLM045")]


def test_require_digest_is_read_and_validated(tmp_path: Path):
    cfg = tmp_path / ".glmlint.toml"
    cfg.write_text("require-digest = true\n")
    assert load(str(cfg), builtin_rules()).require_digest is True
    cfg.write_text('require-digest = "yes"\n')
    with pytest.raises(ConfigError, match="require-digest"):
        load(str(cfg), builtin_rules())
