"""Kubernetes' own Pod Security admission fixtures, run through the `pss-*` profiles.

`../shared/conformance/pss/<level>/<version>/<pass|fail>/<check><n>.yaml` (see its README):
every fail fixture must be refused at that level and version *for the check its name
names* (a finding of the rule that implements it, or of the restricted check that
overrides it at that version), and every pass fixture admitted (no finding at all). The
fixtures are parsed once (many versions share a text) and each profile's rules run on
the IR, in this one process.
"""
from __future__ import annotations

import os
from collections import defaultdict
from pathlib import Path

import pytest

from glmlint import pss
from glmlint.parsers import parse
from glmlint.registry import builtin_rules
from glmlint.runner import run_rules

ROOT = Path(__file__).resolve().parents[1]
SUITE = Path(os.environ.get("GLMLINT_SHARED", ROOT.parent / "shared")) / "conformance" / "pss"
pytestmark = pytest.mark.skipif(not SUITE.is_dir(), reason="../shared/conformance/pss is not beside the checkout")

# the fixture file name (lower-cased check id) -> the check id
CHECK_BY_NAME = {c.lower(): c for c in pss.CHECKS}


def _check_of(stem: str) -> str | None:
    base = stem.rstrip("0123456789")
    return CHECK_BY_NAME.get(base)


def _accepted_codes(check: str, level: str, version: int) -> set[str]:
    """The rules a refusal for `check` may come from: its own, or the restricted check's that
    overrides it at this version (the admission controller then reports that one)."""
    codes = {pss.RULES[check]}
    if level == pss.RESTRICTED:
        for c in pss.CHECKS.values():
            if c.level == pss.RESTRICTED and c.since <= version and any(
                    base == check and since <= version for base, since in c.overrides):
                codes.add(pss.RULES[c.id])
    return codes


def _run_suite() -> dict[tuple[str, int], dict[str, list[str]]]:
    rules = builtin_rules()
    parsed: dict[str, object] = {}
    outcome: dict[tuple[str, int], dict[str, list[str]]] = defaultdict(lambda: {"ok": [], "wrong": []})
    profiles: dict[tuple[str, int], list] = {}
    for level_dir in sorted(p for p in SUITE.iterdir() if p.is_dir()):
        level = level_dir.name
        for version_dir in sorted(level_dir.iterdir()):
            version = pss.parse_version(version_dir.name)
            assert version is not None, version_dir
            chosen = profiles.setdefault((level, version), pss.profile_rules(level, version, rules))
            for verdict in ("pass", "fail"):
                for f in sorted((version_dir / verdict).glob("*.yaml")):
                    text = f.read_text(encoding="utf-8")
                    source = parsed.get(text)
                    if source is None:
                        source = parsed[text] = parse(f.name, text, "yaml")
                    assert source is not None and source.workloads, f
                    results, problems = run_rules(source, chosen)
                    assert not problems, (f, problems)
                    codes = {r.code for r in results}
                    name = f"{verdict}/{f.stem}"
                    if verdict == "pass":
                        good = not codes
                    else:
                        check = _check_of(f.stem)
                        assert check is not None, f
                        good = bool(codes & _accepted_codes(check, level, version))
                    outcome[(level, version)]["ok" if good else "wrong"].append(
                        name if good else f"{name}: {sorted(codes)}")
    return outcome


@pytest.fixture(scope="module")
def suite():
    return _run_suite()


def test_every_level_and_version_is_in_the_suite(suite):
    assert {lv for lv in suite} == {(level, v) for level in pss.LEVELS for v in range(0, pss.LATEST + 1)}


def test_whole_suite_agrees_with_the_admission_controller(suite):
    wrong = {f"{level}/{pss.version_name(v)}": got["wrong"] for (level, v), got in sorted(suite.items())
             if got["wrong"]}
    total = sum(len(got["ok"]) + len(got["wrong"]) for got in suite.values())
    assert total > 4000
    assert not wrong, wrong


def test_check_names_cover_every_check():
    assert set(pss.RULES) == set(pss.CHECKS)
    names = {_check_of(p.stem) for p in SUITE.glob("*/*/*/*.yaml") if p.stem.startswith(("base",)) is False}
    assert names == set(pss.CHECKS)
