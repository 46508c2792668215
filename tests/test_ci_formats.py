"""GitLab Code Quality and JUnit XML reports, checked against what their consumers document and read."""
from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from glmlint.config import Config
from glmlint.output import gitlab, junit, sarif
from glmlint.registry import builtin_rules
from glmlint.runner import scan

# The Code Quality report format as GitLab documents it
# (https://docs.gitlab.com/ci/testing/code_quality/#code-quality-report-format): a JSON array of
# objects with `description`, `check_name`, `fingerprint`, `severity` (one of five) and
# `location.path` plus `location.lines.begin` (or `location.positions.begin.line`).
GITLAB_SCHEMA = {
    "$schema": "http://json-schema.org/draft-07/schema#",
    "type": "array",
    "items": {
        "type": "object",
        "required": ["description", "check_name", "fingerprint", "severity", "location"],
        "properties": {
            "type": {"const": "issue"},
            "description": {"type": "string", "minLength": 1},
            "check_name": {"type": "string", "minLength": 1},
            "fingerprint": {"type": "string", "minLength": 1},
            "severity": {"enum": ["info", "minor", "major", "critical", "blocker"]},
            "categories": {"type": "array", "items": {"type": "string"}},
            "location": {
                "type": "object",
                "required": ["path", "lines"],
                "properties": {
                    "path": {"type": "string", "pattern": "^(?!\\./)(?!/)[^\\\\]+$"},
                    "lines": {"type": "object", "required": ["begin"],
                              "properties": {"begin": {"type": "integer", "minimum": 1}}},
                },
            },
        },
    },
}

COMPOSE = """\
services:
  notebook:
    image: jupyter/base-notebook:2024-05-27
    privileged: true
    ports: ["8888:8888"]
  worker:
    image: python:3.12-slim
    privileged: true
"""


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    (tmp_path / "compose.yaml").write_text(COMPOSE)
    (tmp_path / "Dockerfile").write_text("FROM python:3.12\n# glmlint: ignore[GLM001]\nUSER 10001\n")
    (tmp_path / "k8s").mkdir()
    (tmp_path / "k8s" / "bad.yaml").write_text("apiVersion: v1\nkind: Pod\nmetadata: {name: x\n")
    return tmp_path


def _scan(tree: Path):  # type: ignore[no-untyped-def]
    return scan([str(tree)], builtin_rules(), root=str(tree), config=Config(report_unused_ignores=True))


def test_gitlab_report_follows_the_documented_format(tree: Path) -> None:
    from jsonschema import Draft7Validator

    report = _scan(tree)
    issues = json.loads(gitlab.render(report))
    Draft7Validator.check_schema(GITLAB_SCHEMA)
    errors = sorted(Draft7Validator(GITLAB_SCHEMA).iter_errors(issues), key=str)
    assert errors == []
    assert len(issues) == len(report.results) > 3
    # GitLab shows one issue per fingerprint: each finding keeps its own
    assert len({i["fingerprint"] for i in issues}) == len(issues)
    by_check: dict[str, dict] = {}
    for i in issues:
        by_check.setdefault(i["check_name"].split()[0], i)
    assert by_check["GLM003"]["severity"] == "critical" and by_check["GLM003"]["categories"] == ["Security"]
    assert by_check["GLM002"]["severity"] == "major"
    assert by_check["GLM100"]["severity"] == "info"  # an unused suppression is not a security issue
    assert by_check["GLM003"]["location"] == {"path": "compose.yaml", "lines": {"begin": 4}}


def test_gitlab_fingerprints_are_glmlints_own_and_ignore_moved_lines(tree: Path) -> None:
    report = _scan(tree)
    issues = json.loads(gitlab.render(report))
    log = json.loads(sarif.render(report))
    assert [i["fingerprint"] for i in issues] == \
        [r["partialFingerprints"][sarif.FINGERPRINT_KEY] for r in log["runs"][0]["results"]]
    (tree / "compose.yaml").write_text("# a comment that moves every line\n\n" + COMPOSE)
    moved = json.loads(gitlab.render(_scan(tree)))
    assert [i["fingerprint"] for i in moved] == [i["fingerprint"] for i in issues]
    assert [i["location"]["lines"]["begin"] for i in moved if i["location"]["path"] == "compose.yaml"] == \
        [i["location"]["lines"]["begin"] + 2 for i in issues if i["location"]["path"] == "compose.yaml"]


def test_junit_report_is_read_by_a_junit_parser(tree: Path) -> None:
    from junitparser import Error, Failure, JUnitXml

    report = _scan(tree)
    text = junit.render(report)
    path = tree / "report.xml"
    path.write_text(text, encoding="utf-8")
    xml = JUnitXml.fromfile(str(path))
    suites = {s.name: s for s in xml}
    assert set(suites) == {"compose.yaml", "Dockerfile", "k8s/bad.yaml"}
    # one test case per rule and file: every rule that reads the file's format
    compose = suites["compose.yaml"]
    names = [c.name for c in compose]
    assert names == sorted(names) and len(names) == len(set(names))
    fmt = next(s.format for s in report.sources if s.path == "compose.yaml")
    assert {n.split()[0] for n in names} == {r.code for r in report.rules if r.check is not None
                                             and r.applies_to(fmt)}
    failed = {c.name: c.result[0] for c in compose if c.result}
    assert isinstance(failed["GLM003 privileged"], Failure)
    assert failed["GLM003 privileged"].type == "error"
    assert failed["GLM003 privileged"].text.count("\n") == 1  # both services, one line each
    assert compose.tests == len(names) and compose.failures == len(failed) and compose.errors == 0
    # the suppression nothing needed is reported where it is, as GLM100
    assert [c.name for c in suites["Dockerfile"] if c.result] == ["GLM100 unused-suppression"]
    # a file that does not parse is an error, not a pass
    bad = list(suites["k8s/bad.yaml"])
    assert [c.name for c in bad] == ["glmlint parse"] and isinstance(bad[0].result[0], Error)
    assert xml.tests == sum(s.tests for s in xml) and xml.failures == sum(s.failures for s in xml)


def test_junit_attributes_are_the_documented_ones_and_text_stays_xml(tree: Path) -> None:
    import dataclasses

    report = _scan(tree)
    # text XML 1.0 cannot hold (a control character) and markup characters in a message
    report.results[0] = dataclasses.replace(report.results[0], message="odd\x01 <&> \"name\"")
    text = junit.render(report)
    root = ET.fromstring(text.encode("utf-8"))  # well-formed
    assert root.tag == "testsuites" and set(root.attrib) <= {"name", "tests", "failures", "errors", "time"}
    for suite in root:
        assert suite.tag == "testsuite"
        assert set(suite.attrib) <= {"name", "tests", "failures", "errors", "skipped", "time"}
        for case in suite:
            assert case.tag == "testcase"
            assert {"name", "classname", "time"} <= set(case.attrib) <= {"name", "classname", "file", "line", "time"}
            for child in case:
                assert child.tag in ("failure", "error") and set(child.attrib) == {"message", "type"}
    messages = [f.get("message") for f in root.iter("failure")]
    assert any(m.endswith('odd\ufffd <&> "name"') for m in messages)


def test_report_option_writes_a_second_format_from_the_same_scan(tree: Path, tmp_path: Path) -> None:
    from glmlint.cli import main

    out = tmp_path / "out" / "glmlint.sarif"
    gl = tmp_path / "gl.json"
    with pytest.raises(SystemExit) as exc:
        main(["check", "--format", "json", "--report", f"sarif:{out}", "--report", f"gitlab:{gl}",
              "-o", str(tmp_path / "log.json"), str(tree / "compose.yaml")])
    assert exc.value.code == 1
    log = json.loads(out.read_text())
    findings = json.loads((tmp_path / "log.json").read_text())
    assert len(log["runs"][0]["results"]) == len(findings) == len(json.loads(gl.read_text())) > 0
    with pytest.raises(SystemExit) as bad:
        main(["check", "--report", "pdf:x.pdf", str(tree / "compose.yaml")])
    assert bad.value.code == 2
