"""Configuration files: found upward, every key applied by a real `glmlint check`, bad keys named."""
from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from glmlint.config import Config, ConfigError, find, load, resolve
from glmlint.registry import all_rules
from tests.test_cli import run

ROOT_DOCKERFILE = "FROM python:3.12\nRUN pip install torch\n"
COMPOSE = """\
services:
  app:
    image: x:1
    user: "1000"
    security_opt: ["no-new-privileges:true"]
    mem_limit: 1g
"""  # GLM002 and GLM004 warnings only


def tree(tmp: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        p = tmp / name
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(textwrap.dedent(text))
    return tmp


def findings(out: str) -> list[tuple[str, str]]:
    return [(r["path"], r["code"]) for r in json.loads(out)]


PYPROJECT = """\
[project]
name = "demo"

[tool.glmlint]
ignore = ["writable-rootfs"]
exclude = ["vendor/", "**/testdata/**"]
fail-on = "error"
fix-user = "10001:10001"

[tool.glmlint.severity]
missing-cap-drop = "error"

[tool.glmlint.per-file-ignores]
"legacy/*" = ["GLM001"]
"""


def test_pyproject_table_applies_every_key(tmp_path, capsys, monkeypatch):
    tree(tmp_path, {"pyproject.toml": PYPROJECT, "compose.yaml": COMPOSE, "Dockerfile": ROOT_DOCKERFILE,
                    "legacy/Dockerfile": ROOT_DOCKERFILE, "vendor/Dockerfile": ROOT_DOCKERFILE,
                    "svc/testdata/Dockerfile": ROOT_DOCKERFILE})
    monkeypatch.chdir(tmp_path)
    code, out, err = run(["check", "--format", "json", "."], capsys)
    assert err == ""
    got = json.loads(out)
    # exclude: vendor/ and testdata never read; per-file-ignores: legacy/ has no GLM001;
    # ignore: no GLM004; severity: GLM002 became an error, so fail-on=error fails the run.
    assert [(r["path"], r["code"], r["severity"]) for r in got] == [
        ("Dockerfile", "GLM001", "error"), ("compose.yaml", "GLM002", "error")]
    assert code == 1
    # The command line wins over the file: --fail-on, and --select replaces `select`.
    assert run(["check", "--select", "GLM004", "."], capsys)[0] == 0  # GLM004 still ignored by the file
    code, out, _ = run(["check", "--format", "json", "--select", "GLM001", "."], capsys)
    assert findings(out) == [("Dockerfile", "GLM001")]
    config = resolve(None, str(tmp_path), all_rules())
    assert config.fix_user == "10001:10001"
    assert config.path == str(tmp_path / "pyproject.toml")


def test_excluded_files_are_skipped_even_when_named(tmp_path, capsys, monkeypatch):
    # pre-commit passes file names; an exclude in the config must still hold.
    tree(tmp_path, {".glmlint.toml": 'exclude = ["gen/*.Dockerfile"]\n', "gen/a.Dockerfile": ROOT_DOCKERFILE})
    monkeypatch.chdir(tmp_path)
    code, out, _ = run(["check", "gen/a.Dockerfile"], capsys)
    assert code == 0 and "0 files scanned" in out


def test_yaml_config_found_upward_from_a_subdirectory(tmp_path, capsys, monkeypatch):
    tree(tmp_path, {".glmlint.yaml": """\
        select: [GLM00]
        severity:
          GLM004: error
        per-file-ignores:
          "deploy/**": [missing-cap-drop]
        """, "deploy/app/compose.yaml": COMPOSE})
    sub = tmp_path / "deploy" / "app"
    monkeypatch.chdir(sub)
    assert find(str(sub)) == str(tmp_path / ".glmlint.yaml")
    code, out, _ = run(["check", "--format", "json", "."], capsys)
    assert [(r["code"], r["severity"]) for r in json.loads(out)] == [("GLM004", "error")]


def test_pyproject_without_a_glmlint_table_is_passed_over(tmp_path):
    tree(tmp_path, {".glmlint.toml": "fail-on = 'never'\n", "pkg/pyproject.toml": "[tool.ruff]\nline-length = 100\n"})
    assert find(str(tmp_path / "pkg")) == str(tmp_path / ".glmlint.toml")


def test_config_option_names_the_file(tmp_path, capsys, monkeypatch):
    tree(tmp_path, {"ci/glmlint.toml": 'ignore = ["GLM001"]\n', "Dockerfile": ROOT_DOCKERFILE})
    monkeypatch.chdir(tmp_path)
    assert run(["check", "."], capsys)[0] == 1
    assert run(["check", "--config", "ci/glmlint.toml", "."], capsys)[0] == 0
    code, _, err = run(["check", "--config", "ci/missing.toml", "."], capsys)
    assert code == 2 and "ci/missing.toml" in err


@pytest.mark.parametrize("name, text, line, words", [
    (".glmlint.toml", 'select = ["GLM001"]\nfail_on = "error"\n', 2,
     ["unknown key `fail_on`", "did you mean `fail-on`"]),
    (".glmlint.toml", 'ignore = ["GLM001", "GLM999"]\n', 1, ["unknown rule `GLM999`", "`ignore`"]),
    (".glmlint.toml", '[severity]\nprivileged = "warning"\nno-such-rule = "error"\n', 3,
     ["unknown rule `no-such-rule`"]),
    (".glmlint.toml", '[severity]\nprivileged = "fatal"\n', 2, ["must be \"error\" or \"warning\""]),
    (".glmlint.toml", 'fix-user = "root"\n', 1, ["must be a numeric UID or UID:GID"]),
    (".glmlint.toml", 'fix-user = "0:1000"\n', 1, ["must not be root"]),
    (".glmlint.toml", 'fix-user = 0\n', 1, ["must not be root"]),
    (".glmlint.toml", 'fail-on = "sometimes"\n', 1, ["`fail-on` must be one of"]),
    (".glmlint.toml", 'exclude = "vendor/"\n', 1, ["`exclude` must be a list"]),
    (".glmlint.toml", 'select = [\n', 1, ["invalid TOML"]),
    (".glmlint.yaml", "select: [GLM001]\nper-file-ignores:\n  'a/*': [GLM42]\n", 3, ["unknown rule `GLM42`"]),
    (".glmlint.yaml", "selct: [GLM001]\n", 1, ["unknown key `selct`"]),
    ("pyproject.toml", '[tool.glmlint]\nfail-on = "error"\nexclud = ["x"]\n', 3, ["unknown key `exclud`"]),
])
def test_bad_configuration_is_one_line_naming_file_line_and_key(tmp_path, capsys, monkeypatch, name, text, line,
                                                                 words):
    tree(tmp_path, {name: text, "Dockerfile": ROOT_DOCKERFILE})
    monkeypatch.chdir(tmp_path)
    code, out, err = run(["check", "."], capsys)
    assert code == 2 and out == ""
    (msg,) = err.splitlines()
    assert msg.startswith(f"glmlint: error: {tmp_path / name}:{line}: "), msg
    for w in words:
        assert w in msg


def test_load_returns_what_fix_needs():
    assert load(None, all_rules()) == Config()
    with pytest.raises(ConfigError):
        load("/nonexistent/.glmlint.toml", all_rules())


def test_severity_override_reaches_sarif(tmp_path, capsys, monkeypatch):
    tree(tmp_path, {".glmlint.toml": '[severity]\nGLM002 = "error"\n', "compose.yaml": COMPOSE})
    monkeypatch.chdir(tmp_path)
    _, out, _ = run(["check", "--format", "sarif", "."], capsys)
    run_ = json.loads(out)["runs"][0]
    levels = {r["id"]: r["defaultConfiguration"]["level"] for r in run_["tool"]["driver"]["rules"]}
    assert levels["GLM002"] == "error" and levels["GLM004"] == "warning"
    assert {r["ruleId"]: r["level"] for r in run_["results"]} == {"GLM002": "error", "GLM004": "warning"}


def test_fix_command_inherits_config_and_suppressions(tmp_path, capsys, monkeypatch):
    tree(tmp_path, {
        ".glmlint.toml": 'fix-user = "2000:2000"\n[per-file-ignores]\n"legacy/*" = ["GLM001"]\n',
        "Dockerfile": ROOT_DOCKERFILE, "legacy/Dockerfile": ROOT_DOCKERFILE,
        "compose.yaml": """\
            services:
              web:
                image: nginx:1.27
                user: "101"
                # glmlint: ignore[privileged] the GPU driver installer
                privileged: true
                read_only: true
            """})
    monkeypatch.chdir(tmp_path)
    compose_before = (tmp_path / "compose.yaml").read_text()
    code, _, _ = run(["fix", "--write", "--unsafe-fixes", "."], capsys)
    assert code == 1
    assert (tmp_path / "Dockerfile").read_text() == ROOT_DOCKERFILE + "USER 2000:2000\n"  # the config's fix-user
    assert (tmp_path / "legacy/Dockerfile").read_text() == ROOT_DOCKERFILE  # per-file-ignores: not a finding
    # The suppressed `privileged: true` stays; only the unsuppressed GLM002 was fixed.
    assert (tmp_path / "compose.yaml").read_text() == compose_before + "    cap_drop: [ALL]\n"
    code, _, _ = run(["fix", "--write", "--fix-user", "3000", "--config", "/dev/null/none.toml", "."], capsys)
    assert code == 2  # a named config that does not exist is an error for fix too
