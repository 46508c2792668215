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
from glmlint.profiles import Profile
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
    # a named profile's rules are narrowed by --select, never widened
    _, out, _ = run(["check", "--format", "json", "--select", "GLM002,GLM003", "."], capsys)
    assert codes(out) == ["GLM003"]


def test_select_without_a_profile_picks_any_rule_and_ignore_takes_out(tmp_path, capsys, monkeypatch):
    write(tmp_path, {"compose.yaml": COMPOSE, ".glmlint.toml": 'select = ["GLM004"]\n'})
    monkeypatch.chdir(tmp_path)
    _, out, _ = run(["check", "--format", "json", "."], capsys)
    assert codes(out) == ["GLM004"]
    _, out, _ = run(["check", "--format", "json", "--profile", "essential", "--select", "GLM0", "--ignore", "GLM016",
                     "."], capsys)
    assert codes(out) == ["GLM003"]


def test_bad_profile_exits_2_with_one_line(tmp_path, capsys, monkeypatch):
    write(tmp_path, {"compose.yaml": COMPOSE})
    monkeypatch.chdir(tmp_path)
    code, _, err = run(["check", "--profile", "strict", "."], capsys)
    assert code == 2 and err == "glmlint: error: unknown profile 'strict'; profiles: " \
                                f"{', '.join(profiles.PROFILES)}\n"
    write(tmp_path, {".glmlint.toml": 'profile = "strict"\n'})
    code, _, err = run(["check", "."], capsys)
    assert code == 2 and ".glmlint.toml:1: `profile` must be one of essential, hardened," in err


def test_profiles_command_lists_rules_per_profile(capsys):
    code, out, _ = run(["profiles"], capsys)
    assert code == 0
    lines = out.splitlines()
    essential = lines[lines.index(next(ln for ln in lines if ln.startswith("essential"))) + 1]
    assert "GLM003" in essential and "GLM002" not in essential
    assert any(ln.startswith("hardened (default)") for ln in lines)


# -- the mechanism a profile plugs into ---------------------------------------------------------


POD = """\
apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers:
    - name: app
      image: app:1.0
      securityContext: {privileged: true}
"""


def test_a_profile_is_data_rules_formats_and_contexts(tmp_path, monkeypatch):
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "pod.yaml").write_text(POD)
    (tmp_path / "compose.yaml").write_text(COMPOSE)
    test_profile = Profile("k8s-only", "for the test", select=("GLM003", "GLM004"),
                           formats=frozenset({Format.KUBERNETES}), contexts="all")
    monkeypatch.setitem(profiles.PROFILES, "k8s-only", test_profile)
    config = Config(profile="k8s-only")
    rules = config.rules(builtin_rules())
    assert [r.code for r in rules] == ["GLM003", "GLM004"]
    assert all(r.reads == {Format.KUBERNETES} for r in rules)  # compose and docker run left out
    report = scan([str(tmp_path)], rules, root=str(tmp_path), config=config)
    # the test pod's missing read-only root filesystem is reported: the profile reports in every context
    assert [(r.path, r.code) for r in report.results] == [("tests/pod.yaml", "GLM004"), ("tests/pod.yaml", "GLM003")]


def test_pss_profiles_are_profiles(tmp_path, capsys):
    code, out, _ = run(["profiles"], capsys)
    restricted = out.splitlines()[out.splitlines().index(next(ln for ln in out.splitlines()
                                                             if ln.startswith("pss-restricted"))) + 1]
    assert "GLM023" in restricted
    rules = Config(profile="pss-baseline", pss_version="v1.25").rules(all_rules())
    assert "GLM023" in {r.code for r in rules}


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
