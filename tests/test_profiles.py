"""Profiles (`--profile`, config `profile`), rule parameters (`--param`, config `params`) and
the rule metadata they read (kind, risk)."""
from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from glmlint import profiles
from glmlint.config import Config
from glmlint.ir import Format, Workload
from glmlint.profiles import Profile, ProfileError
from glmlint.registry import all_rules, builtin_rules
from glmlint.rule import Finding, Kind, Risk, Severity, rule
from glmlint.runner import scan
from tests.test_cli import run, write

COMPOSE = """\
services:
  notebook:
    image: jupyter/base-notebook:2024-05-27
    privileged: true
    ports: ["8888:8888"]
"""


def codes(out: str) -> list[str]:
    return sorted({r["code"] for r in json.loads(out)})


def test_essential_keeps_exposures_and_misconfigurations_hardened_adds_the_checklist(tmp_path, capsys,
                                                                                      monkeypatch):
    write(tmp_path, {"compose.yaml": COMPOSE})
    monkeypatch.chdir(tmp_path)
    _, out, _ = run(["check", "--format", "json", "--profile", "essential", "."], capsys)
    assert codes(out) == ["GLM003", "GLM016"]
    _, out, _ = run(["check", "--format", "json", "--profile", "hardened", "."], capsys)
    assert codes(out) == ["GLM002", "GLM003", "GLM004", "GLM007", "GLM012", "GLM016"]
    _, default, _ = run(["check", "--format", "json", "."], capsys)
    assert default == out  # hardened is the default


def test_profile_from_config_and_command_line_wins(tmp_path, capsys, monkeypatch):
    write(tmp_path, {"compose.yaml": COMPOSE, ".glmlint.toml": 'profile = "essential"\n'})
    monkeypatch.chdir(tmp_path)
    _, out, _ = run(["check", "--format", "json", "."], capsys)
    assert codes(out) == ["GLM003", "GLM016"]
    _, out, _ = run(["check", "--format", "json", "--profile", "hardened", "."], capsys)
    assert "GLM002" in codes(out)
    # --select picks rules whatever the profile
    _, out, _ = run(["check", "--format", "json", "--select", "GLM002", "."], capsys)
    assert codes(out) == ["GLM002"]


def test_select_in_config_replaces_the_profile_and_ignore_takes_out(tmp_path, capsys, monkeypatch):
    write(tmp_path, {"compose.yaml": COMPOSE, ".glmlint.toml": 'select = ["GLM004"]\n'})
    monkeypatch.chdir(tmp_path)
    _, out, _ = run(["check", "--format", "json", "."], capsys)
    assert codes(out) == ["GLM004"]
    _, out, _ = run(["check", "--format", "json", "--profile", "essential", "--ignore", "GLM016", "."], capsys)
    assert codes(out) == ["GLM003"]  # a command-line profile replaces the file's select


def test_bad_profile_and_parameter_exit_2_with_one_line(tmp_path, capsys, monkeypatch):
    write(tmp_path, {"compose.yaml": COMPOSE})
    monkeypatch.chdir(tmp_path)
    code, _, err = run(["check", "--profile", "strict", "."], capsys)
    assert code == 2 and err == "glmlint: error: unknown profile 'strict'; profiles: " \
                                f"{', '.join(profiles.PROFILES)}\n"
    code, _, err = run(["check", "--param", "pss-versio=v1.29", "."], capsys)
    assert code == 2 and "unknown parameter 'pss-versio'" in err
    code, _, err = run(["check", "--param", "novalue", "."], capsys)
    assert code == 2 and "expected NAME=VALUE" in err
    write(tmp_path, {".glmlint.toml": 'profile = "strict"\n'})
    code, _, err = run(["check", "."], capsys)
    assert code == 2 and ".glmlint.toml:1: unknown profile 'strict'" in err


def test_profiles_command_lists_rules_per_profile(capsys):
    code, out, _ = run(["profiles"], capsys)
    assert code == 0
    lines = out.splitlines()
    essential = lines[lines.index(next(ln for ln in lines if ln.startswith("essential"))) + 1]
    assert "GLM003" in essential and "GLM002" not in essential
    assert any(ln.startswith("hardened (default)") for ln in lines)


# -- the mechanism a new profile plugs into (issue 17: pss-baseline / pss-restricted) ---------------


@rule(code="TST001", slug="tst-version", severity=Severity.WARNING, message="checked against {version}",
      formats={Format.KUBERNETES}, params={"pss-version": "latest", "strict": False})
def _versioned(workload: Workload, params) -> Iterator[Finding]:  # type: ignore[no-untyped-def]
    yield Finding(at=workload.anchor, args={"version": params["pss-version"] + ("!" if params["strict"] else "")})


POD = """\
apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers:
    - name: app
      image: app:1.0
"""


def test_a_profile_is_data_rules_parameters_and_formats(tmp_path, monkeypatch):
    (tmp_path / "pod.yaml").write_text(POD)
    (tmp_path / "compose.yaml").write_text(COMPOSE)
    available = [*builtin_rules(), _versioned]
    test_profile = Profile("test-pss", "for the test", select=("GLM003", "TST001"),
                           params={"pss-version": "v1.29"}, formats=frozenset({Format.KUBERNETES}))
    monkeypatch.setitem(profiles.PROFILES, "test-pss", test_profile)
    config = Config(profile="test-pss")
    rules = config.rules(available)
    assert [r.code for r in rules] == ["GLM003", "TST001"]
    assert all(r.reads == {Format.KUBERNETES} for r in rules)  # compose and docker run left out
    report = scan([str(tmp_path)], rules, root=str(tmp_path), config=config)
    assert [(r.path, r.message) for r in report.results] == [("pod.yaml", "checked against v1.29")]
    # the file's params, then the command line's, override the profile's; strings are converted
    config = Config(profile="test-pss", params=(("pss-version", "v1.25"),))
    rules = config.rules(available, params={"strict": "true"})
    report = scan([str(tmp_path)], rules, root=str(tmp_path), config=config)
    assert [r.message for r in report.results] == ["checked against v1.25!"]
    with pytest.raises(ProfileError, match="must be true or false"):
        config.rules(available, params={"strict": "maybe"})


def test_param_checks_reject_bad_values(monkeypatch):
    monkeypatch.setitem(profiles.PARAM_CHECKS, "pss-version",
                        lambda v: None if v == "latest" or v.startswith("v1.") else "expected latest or v1.N")
    with pytest.raises(ProfileError, match="parameter 'pss-version': expected latest or v1.N"):
        Config().rules([*builtin_rules(), _versioned], params={"pss-version": "1.29"})


# -- rule metadata ------------------------------------------------------------------------------


def test_every_rule_has_a_risk_consistent_with_its_security_severity_and_a_kind():
    for r in all_rules():
        assert r.risk is Risk.of_score(r.score), r.code
        assert isinstance(r.kind, Kind), r.code
        if r.kind is Kind.HARDENING and r.code.startswith("GLM"):
            assert r.checklist, f"{r.code}: a hardening rule names its setting for the checklist line"


@pytest.mark.parametrize(("score", "risk"), [(10.0, Risk.CRITICAL), (9.0, Risk.CRITICAL), (8.9, Risk.HIGH),
                                             (7.0, Risk.HIGH), (6.9, Risk.MEDIUM), (4.0, Risk.MEDIUM),
                                             (3.9, Risk.LOW), (0.1, Risk.LOW)])
def test_risk_follows_githubs_security_severity_bands(score, risk):
    assert Risk.of_score(score) is risk


def test_undeclared_risk_defaults_from_severity_and_stays_sarif_compatible():
    @rule(code="TST002", slug="tst-error", severity=Severity.ERROR, message="m", formats={Format.COMPOSE})
    def err(workload: Workload) -> Iterator[Finding]:
        yield from ()

    @rule(code="TST003", slug="tst-warning", severity=Severity.WARNING, message="m", formats={Format.COMPOSE})
    def warn(workload: Workload) -> Iterator[Finding]:
        yield from ()

    assert (err.risk, err.score, err.kind) == (Risk.HIGH, 8.0, Kind.MISCONFIGURATION)
    assert (warn.risk, warn.score) == (Risk.MEDIUM, 5.0)
    with pytest.raises(ValueError, match="is high, not critical"):
        rule(code="TST004", slug="tst-x", severity=Severity.ERROR, message="m", formats={Format.COMPOSE},
             risk=Risk.CRITICAL, security_severity=8.0)
    with pytest.raises(ValueError, match="unknown contexts"):
        rule(code="TST005", slug="tst-y", severity=Severity.ERROR, message="m", formats={Format.COMPOSE},
             contexts={"production"})


def test_a_finding_may_raise_its_risk(tmp_path: Path):
    (tmp_path / "compose.yaml").write_text(
        "services:\n  ci:\n    image: docker:27\n    volumes:\n      - /var/run/docker.sock:/var/run/docker.sock\n"
        "      - /etc:/host/etc\n")
    report = scan([str(tmp_path)], [r for r in builtin_rules() if r.code == "GLM010"], root=str(tmp_path))
    assert [(r.line, str(r.risk)) for r in report.results] == [(5, "critical"), (6, "high")]
