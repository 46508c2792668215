"""Every rule is listed, named consistently, documented, and its documented examples behave."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from glmlint.docs import render
from glmlint.registry import builtin_rules, select
from glmlint.runner import scan

ROOT = Path(__file__).resolve().parents[1]
RULES = builtin_rules()


def test_every_rule_module_is_listed_and_names_are_unique():
    stems = sorted(p.stem for p in (ROOT / "rules").glob("glm*.py"))
    assert sorted(r.module.rsplit(".", 1)[-1] for r in RULES) == stems
    codes = [r.code for r in RULES]
    slugs = [r.slug for r in RULES]
    assert len(set(codes)) == len(codes) and len(set(slugs)) == len(slugs)
    for r in RULES:
        assert r.module.rsplit(".", 1)[-1] == f"{r.code.lower()}_{r.slug.replace('-', '_')}"
        assert "security" in r.tags


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.code)
def test_docstring_has_the_required_sections(rule):
    doc = rule.doc
    for section in ("## Why is this bad?", "## Example", "Use instead:"):
        assert section in doc, f"{rule.code}: missing {section!r}"
    if rule.fix is not None:
        assert "## Fix safety" in doc and str(rule.fix).capitalize() in doc.split("## Fix safety")[1]


def _blocks(text: str) -> list[tuple[str, str]]:
    return re.findall(r"```(\w+)\n(.*?)```", text, re.S)


def _lint_example(tmp_path: Path, lang: str, body: str, code: str) -> list[str]:
    name = "Dockerfile" if lang == "dockerfile" else ("compose.yaml" if "services:" in body else "pod.yaml")
    (tmp_path / name).write_text(body)
    report = scan([str(tmp_path / name)], select(RULES, [code]), root=str(tmp_path))
    assert not report.errors, report.problems
    return [r.code for r in report.results]


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.code)
def test_documented_examples_behave(rule, tmp_path):
    bad_part, good_part = rule.doc.split("## Example", 1)[1].split("Use instead:", 1)
    (bad_lang, bad), = _blocks(bad_part)[:1]
    (good_lang, good), = _blocks(good_part)[:1]
    (tmp_path / "bad").mkdir()
    (tmp_path / "good").mkdir()
    assert rule.code in _lint_example(tmp_path / "bad", bad_lang, bad, rule.code), "bad example must fire"
    assert _lint_example(tmp_path / "good", good_lang, good, rule.code) == [], "good example must not fire"


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.code)
def test_rule_pages_are_generated(rule):
    page = ROOT / "docs" / "rules" / f"{rule.code}.md"
    assert page.exists() and page.read_text(encoding="utf-8") == render(rule), (
        f"{page} is stale: run `python -m glmlint.docs docs/rules`")



def test_rules_state_intents_and_never_write_text():
    """The engine owns every byte a fix writes: no rule builds a text operation (`ReplaceText`,
    `RemoveWord`, `RemoveCommand`) or a replacement string; they state intents in their own terms
    (`RemoveSetting`, `SetDirective`, `PublishLoopback`, `MountReadOnly`, `RestoreDefault`, ...)."""
    text_ops = re.compile(r"\b(ReplaceText|RemoveWord|RemoveCommand)\b")
    offenders = [p.name for p in sorted((ROOT / "rules").glob("glm*.py")) if text_ops.search(p.read_text())]
    assert offenders == []
