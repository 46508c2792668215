"""Fixes that still run: the Google Cloud CLI images keep `gcloud`'s configuration in ~/.config/gcloud and fail
when they cannot create it (images.yaml `google-cloud-cli`): the read-only fix leaves ~/.config writable, the
run-as-non-root fix gives the new uid a HOME it can write."""
from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
import yaml

from glmlint.fix import Options, fix_report
from glmlint.registry import builtin_rules, select
from glmlint.runner import scan

_JOB = """\
apiVersion: batch/v1
kind: Job
metadata:
  name: model-export
spec:
  template:
    spec:
      restartPolicy: Never
      containers:
      - name: export
        image: {image}
        command: ["gcloud", "storage", "cp", "--recursive", "/outputs/model", "gs://bucket/models/"]
        volumeMounts:
        - name: outputs
          mountPath: /outputs
      volumes:
      - name: outputs
        emptyDir: {{}}
"""


def _container(tmp_path: Path, image: str, code: str) -> dict:
    path = tmp_path / "job.yaml"
    path.write_text(textwrap.dedent(_JOB.format(image=image)))
    report = scan([str(path)], select(builtin_rules(), [code]), root=str(tmp_path))
    [fixed] = fix_report(report, Options(unsafe=True))
    return yaml.safe_load(fixed.new_text)["spec"]["template"]["spec"]["containers"][0]


@pytest.mark.parametrize(("image", "want"), [
    ("google/cloud-sdk:latest", ["/outputs", "/root/.config", "/tmp"]),
    ("gcr.io/google.com/cloudsdktool/google-cloud-cli:slim", ["/outputs", "/root/.config", "/tmp"]),
    ("python:3.12-slim", ["/outputs", "/tmp"]),
])
def test_read_only_fix_keeps_gcloud_config_writable(tmp_path: Path, image: str, want: list[str]) -> None:
    container = _container(tmp_path, image, "GLM004")
    assert sorted(m["mountPath"] for m in container["volumeMounts"]) == want


@pytest.mark.parametrize(("image", "home"), [("google/cloud-sdk:latest", "/tmp"), ("python:3.12-slim", None)])
def test_run_as_non_root_fix_gives_gcloud_a_home(tmp_path: Path, image: str, home: str | None) -> None:
    container = _container(tmp_path, image, "GLM001")
    assert container["securityContext"]["runAsUser"] == 10001
    assert {e["name"]: e.get("value") for e in container.get("env", [])}.get("HOME") == home
