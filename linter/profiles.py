"""Profiles: named sets of rules with their parameters (`--profile`, config `profile`).

A profile is data: which rules run (by kind and/or rule selectors), the values of
the parameters those rules read, where their findings are reported (a
`contexts` table, as in the configuration) and optionally which formats they
read. `Config.rules` turns the chosen profile into the rules of one scan.
docs/profiles.md is the user's page; docs/architecture.md says how to add one.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from glmlint.ir import Format
from glmlint.rule import Rule


@dataclass(frozen=True)
class Profile:
    """`kinds` and `select` together choose the rules (a rule is in when its kind is one of
    `kinds` or a `select` selector matches it; both empty: every rule), `ignore` takes
    rules out. `params` set rule parameters, `contexts` replaces entries of the
    default context table (`"all"`: every context reports everything), `formats`
    (when not None) limits the rules to these formats."""

    name: str
    summary: str
    kinds: frozenset[str] = frozenset()
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    params: Mapping[str, Any] = field(default_factory=dict)
    contexts: Mapping[str, tuple[str, ...]] | str = field(default_factory=dict)
    formats: frozenset[Format] | None = None

    def chooses(self, rule: Rule) -> bool:
        from glmlint.registry import matches

        if self.kinds or self.select:
            if str(rule.kind) not in self.kinds and not any(matches(rule, s) for s in self.select):
                return False
        return not any(matches(rule, s) for s in self.ignore)

    def context_table(self) -> dict[str, tuple[str, ...]]:
        from glmlint.context import CONTEXTS, KINDS

        if self.contexts == "all":
            return {c: KINDS for c in CONTEXTS}
        return dict(self.contexts)  # type: ignore[arg-type]


DEFAULT = "hardened"

PROFILES: dict[str, Profile] = {p.name: p for p in (
    Profile("essential", "exposures and real misconfigurations only: what must never ship "
            "(no absent-hardening checklist)", kinds=frozenset({"exposure", "misconfiguration"})),
    Profile("hardened", "every rule: exposures, misconfigurations and the absent-hardening checklist "
            "(the default)"),
)}

# Parameter checks: name -> function returning an error message for a bad value, or None.
PARAM_CHECKS: dict[str, Callable[[Any], str | None]] = {}


class ProfileError(Exception):
    pass


def get(name: str) -> Profile:
    try:
        return PROFILES[name]
    except KeyError:
        raise ProfileError(f"unknown profile {name!r}; profiles: {', '.join(PROFILES)}") from None


def parse_params(items: Iterable[str]) -> dict[str, str]:
    """`--param NAME=VALUE` (repeatable) as a mapping."""
    out: dict[str, str] = {}
    for item in items:
        name, eq, value = item.partition("=")
        if not eq or not name.strip():
            raise ProfileError(f"--param {item!r}: expected NAME=VALUE")
        out[name.strip()] = value.strip()
    return out


def apply_params(rules: list[Rule], layers: Iterable[Mapping[str, Any]]) -> list[Rule]:
    """Each rule with its parameters: its declared defaults, then each layer in turn (profile,
    configuration, command line). A parameter no rule of the scan declares is an error, as is a
    value of another type than the default's (a command-line string is converted)."""
    import dataclasses

    declared: dict[str, Any] = {}
    for r in rules:
        for k, v in r.params.items():
            declared.setdefault(k, v)
    values: dict[str, Any] = {}
    for layer in layers:
        for name, value in layer.items():
            if name not in declared:
                known = ", ".join(sorted(declared)) or "none"
                raise ProfileError(f"unknown parameter {name!r} (the selected rules read: {known})")
            values[name] = _coerce(name, value, declared[name])
    if not values:
        return rules
    out = []
    for r in rules:
        mine = {k: values[k] for k in r.params if k in values}
        out.append(dataclasses.replace(r, params={**r.params, **mine}) if mine else r)
    return out


def _coerce(name: str, value: Any, default: Any) -> Any:
    if isinstance(default, bool) and isinstance(value, str):
        low = value.lower()
        if low not in ("true", "false", "yes", "no", "1", "0"):
            raise ProfileError(f"parameter {name!r} must be true or false, not {value!r}")
        value = low in ("true", "yes", "1")
    elif isinstance(default, int) and not isinstance(default, bool) and isinstance(value, str):
        try:
            value = int(value)
        except ValueError:
            raise ProfileError(f"parameter {name!r} must be a number, not {value!r}") from None
    elif isinstance(default, (list, tuple)) and isinstance(value, str):
        value = tuple(v.strip() for v in value.split(",") if v.strip())
    if default is not None and not isinstance(value, type(default)) and not (
            isinstance(default, (list, tuple)) and isinstance(value, (list, tuple))):
        raise ProfileError(f"parameter {name!r} must be a {type(default).__name__}, not {value!r}")
    check = PARAM_CHECKS.get(name)
    problem = check(value) if check is not None else None
    if problem:
        raise ProfileError(f"parameter {name!r}: {problem}")
    return value
