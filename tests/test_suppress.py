"""Inline suppression comments in real files, through the real scan."""
from __future__ import annotations

import json

from tests.helpers import found, lint
from tests.test_cli import run, write

SSHD_DOCKERFILE = """\
FROM ubuntu:22.04
{comment}
RUN apt-get update && \\
    apt-get install -y openssh-server && \\
    echo "root:pw" | chpasswd
USER 1000
CMD ["/usr/sbin/sshd", "-D"]
"""

POD = """\
apiVersion: v1
kind: Pod
metadata:
  name: p
spec:
  containers:
    {above_name}
    - name: app
      image: x:1
      securityContext:
        privileged: true{trailing}
"""


def test_comment_above_a_dockerfile_instruction_covers_its_continuation_lines(tmp_path):
    bare = lint(tmp_path / "a", {"Dockerfile": SSHD_DOCKERFILE.format(comment="")})
    assert found(bare) == [("Dockerfile", "GLM006", 5)]  # on the third line of the RUN
    quiet = lint(tmp_path / "b", {"Dockerfile": SSHD_DOCKERFILE.format(
        comment="# glmlint: ignore[ssh-password-auth] lab image, never exposed")})
    assert found(quiet) == [] and quiet.suppressed == 1


def test_a_suppression_names_its_rules(tmp_path):
    other = lint(tmp_path, {"Dockerfile": SSHD_DOCKERFILE.format(comment="# glmlint: ignore[GLM001] not this one")})
    assert [r.code for r in other.results] == ["GLM006"] and other.suppressed == 0


def test_yaml_trailing_comment_and_comment_above(tmp_path):
    core = ["GLM001", "GLM002", "GLM003", "GLM004"]
    report = lint(tmp_path / "a", {"pod.yaml": POD.format(above_name="", trailing="")}, core)
    assert sorted(r.code for r in report.results) == core
    report = lint(tmp_path / "b", {"pod.yaml": POD.format(
        above_name="# glmlint: ignore[GLM001, missing-cap-drop] uid set by the platform's admission webhook",
        trailing="  # glmlint: ignore[privileged] device plugin")}, core)
    assert [(r.code, r.line) for r in report.results] == [("GLM004", 8)]
    assert report.suppressed == 3


def test_bare_ignore_silences_every_rule_on_its_line(tmp_path):
    report = lint(tmp_path, {"pod.yaml": POD.format(above_name="# glmlint: ignore", trailing="")})
    assert [r.code for r in report.results] == ["GLM003"]


def test_skip_file(tmp_path, capsys, monkeypatch):
    write(tmp_path, {"Dockerfile": "# glmlint: skip-file\nFROM python:3.12\n",
                     "pod.yaml": "# generated\n# glmlint: skip-file\n" + POD.format(above_name="", trailing="")})
    monkeypatch.chdir(tmp_path)
    code, out, err = run(["check", "."], capsys)
    assert code == 0 and out.startswith("0 findings") and err == ""


def test_report_unused_ignores(tmp_path, capsys, monkeypatch):
    write(tmp_path, {
        "Dockerfile": "FROM python:3.12\n# glmlint: ignore[GLM001,ssh-password-auth] stale\nUSER 1000\n",
        "pod.yaml": POD.format(above_name="# glmlint: ignore[GLM001]", trailing="  # glmlint: ignore[GLM003]"),
    })
    monkeypatch.chdir(tmp_path)
    code, out, _ = run(["check", "--format", "json", "--select", "GLM001,GLM003", "."], capsys)
    assert code == 0 and json.loads(out) == []  # without the flag, an unused comment is quiet
    code, out, _ = run(["check", "--format", "json", "--select", "GLM001,GLM003", "--report-unused-ignores", "."],
                       capsys)
    got = [(r["path"], r["line"], r["code"], r["message"]) for r in json.loads(out)]
    # GLM006 did not run (not selected): no verdict on it. The pod's suppressions were used.
    assert got == [("Dockerfile", 2, "GLM100", "unused suppression: `GLM001` matches no finding")]
    assert code == 1  # a warning, and fail-on is warning


def test_unknown_rule_in_a_comment_is_a_notice(tmp_path, capsys, monkeypatch):
    write(tmp_path, {"Dockerfile": "FROM python:3.12\n# glmlint: ignore[GLM0001] typo\nUSER 1000\n"})
    monkeypatch.chdir(tmp_path)
    code, _, err = run(["check", "."], capsys)
    assert code == 0
    assert err == "Dockerfile:2: unknown rule `GLM0001` in a `# glmlint: ignore[...]` comment\n"


def test_suppressed_findings_stay_out_of_sarif(tmp_path, capsys, monkeypatch):
    write(tmp_path, {"pod.yaml": POD.format(above_name="# glmlint: ignore", trailing="")})
    monkeypatch.chdir(tmp_path)
    _, out, _ = run(["check", "--format", "sarif", "."], capsys)
    assert [r["ruleId"] for r in json.loads(out)["runs"][0]["results"]] == ["GLM003"]
