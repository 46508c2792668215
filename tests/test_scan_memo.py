"""The scan's per-file stage works some answers out once (`runner._applicable`): never a stale one."""
from __future__ import annotations

from glmlint.registry import builtin_rules, select
from glmlint.runner import run_rules
from tests.helpers import source

COMPOSE = "services:\n  app:\n    image: app\n    privileged: true\n"
DOCKERFILE = "FROM python:3.12\nRUN pip install x\n"


def _codes(src, rules) -> list[str]:
    return sorted({r.code for r in run_rules(src, rules)[0]})


def test_the_rules_run_follow_the_list_as_it_is_now() -> None:
    compose = source(COMPOSE, "yaml", "compose.yaml")
    rules = select(builtin_rules(), ["GLM003", "GLM004"])
    assert _codes(compose, rules) == ["GLM003", "GLM004"]
    rules.pop()  # the same list, one rule fewer
    assert _codes(compose, rules) == ["GLM003"]
    rules.append(select(builtin_rules(), ["GLM002"])[0])  # and another one
    assert _codes(compose, rules) == ["GLM002", "GLM003"]


def test_the_rules_run_follow_the_files_format() -> None:
    rules = select(builtin_rules(), ["GLM001", "GLM003"])  # GLM003 reads compose and Kubernetes only
    assert _codes(source(COMPOSE, "yaml", "compose.yaml"), rules) == ["GLM003"]
    assert _codes(source(DOCKERFILE, "dockerfile", "Dockerfile"), rules) == ["GLM001"]
    assert _codes(source(COMPOSE, "yaml", "compose.yaml"), rules) == ["GLM003"]


def test_the_rules_run_are_the_lists_own_objects_not_equal_ones() -> None:
    """A list refilled with equal rules (another `builtin_rules()`; also a new list that reuses a
    dropped one's id): the findings name the rule objects the list holds now, which is how a scan's
    worker finds each finding's rule (`runner._check_one`: by identity)."""
    compose = source(COMPOSE, "yaml", "compose.yaml")
    rules = select(builtin_rules(), ["GLM003"])
    run_rules(compose, rules)
    rules[:] = select(builtin_rules(), ["GLM003"])  # the same list, an equal rule that is another object
    assert rules[0] == run_rules(compose, rules)[0][0].rule
    assert all(r.rule is rules[0] for r in run_rules(compose, rules)[0])
