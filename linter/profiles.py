"""Profiles: named sets of rules (`--profile`, config `profile`), as data.

A profile says which rules run (by kind and/or rule selectors, or, for the Pod
Security Standards, a function of the configuration's `pss-version`), where
their findings are reported (a `contexts` table, as in the configuration) and
optionally which formats they read. `Config.rules` turns the chosen profile
into the rules of one scan; `select`/`--select` then narrow them.
docs/profiles.md is the user's page; docs/architecture.md says how to add one.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from glmlint.ir import Format
from glmlint.records import dataclass, field
from glmlint.rule import Rule

if TYPE_CHECKING:
    from glmlint.config import Config


@dataclass(frozen=True)
class Profile:
    """`kinds` and `select` together choose the rules (a rule is in when its kind is one of
    `kinds` or a `select` selector matches it; both empty: every rule that is not opt-in),
    `ignore` takes rules out; `build(available, config)`, when given, chooses them instead
    (with their parameters). `contexts` replaces entries of the default context table
    (`"all"`: every context reports everything); `formats` (when not None) limits the rules
    to these formats."""

    name: str
    summary: str
    kinds: frozenset[str] = frozenset()
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    contexts: Mapping[str, tuple[str, ...]] | str = field(default_factory=dict)
    formats: frozenset[Format] | None = None
    build: Callable[[list[Rule], Config | None], list[Rule]] | None = None

    def chooses(self, rule: Rule) -> bool:
        from glmlint.registry import matches

        named = any(matches(rule, s) for s in self.select)
        if rule.opt_in and not named:
            return False  # an opt-in rule (the PSS rules) only when the profile names it
        if (self.kinds or self.select) and not {str(k) for k in rule.kinds} & self.kinds and not named:
            return False
        return not any(matches(rule, s) for s in self.ignore)

    def rules(self, available: list[Rule], config: Config | None = None) -> list[Rule]:
        """The profile's rules among `available`, with the parameters it gives them."""
        from glmlint import records

        if self.build is not None:
            chosen = self.build(available, config)
        else:
            chosen = [self._narrowed(r) for r in available if self.chooses(r)]
        if self.formats is None:
            return chosen
        out = []
        for rule in chosen:
            formats = rule.formats & self.formats
            if formats:
                out.append(records.replace(rule, formats=formats) if formats != rule.formats else rule)
        return out

    def _narrowed(self, rule: Rule) -> Rule:
        """A rule taken for some of its findings' kinds only (GLM001, a hardening rule whose
        explicit root user is a misconfiguration, in `essential`) reports only those."""
        from glmlint import records

        from glmlint.registry import matches

        if not self.kinds or any(matches(rule, s) for s in self.select):
            return rule
        kinds = frozenset(k for k in rule.kinds if str(k) in self.kinds)
        return rule if kinds == rule.kinds else records.replace(rule, kinds_reported=kinds)

    def context_table(self) -> dict[str, tuple[str, ...]]:
        from glmlint.context import CONTEXTS, KINDS

        if self.contexts == "all":
            return {c: KINDS for c in CONTEXTS}
        return dict(self.contexts)  # type: ignore[arg-type]


def _pss(level: str) -> Callable[[list[Rule], Any], list[Rule]]:
    def build(available: list[Rule], config: Any) -> list[Rule]:
        from glmlint import pss

        version = pss.parse_version(config.pss_version if config is not None else "latest")
        assert version is not None  # checked when read
        return pss.profile_rules(level, version, available)

    return build


DEFAULT = "hardened"

PROFILES: dict[str, Profile] = {p.name: p for p in (
    Profile("essential", "exposures and real misconfigurations only: what must never ship "
            "(no absent-hardening checklist)", kinds=frozenset({"exposure", "misconfiguration"})),
    Profile("hardened", "every rule: exposures, misconfigurations and the absent-hardening checklist"),
    # The admission controller judges a manifest wherever it lives: every context reports.
    Profile("pss-baseline", "the Kubernetes Pod Security Standards `baseline` level at `pss-version` "
            "(docs/pss.md)", build=_pss("baseline"), contexts="all"),
    Profile("pss-restricted", "the Kubernetes Pod Security Standards `restricted` level at `pss-version` "
            "(docs/pss.md)", build=_pss("restricted"), contexts="all"),
)}


class ProfileError(Exception):
    pass


def get(name: str) -> Profile:
    try:
        return PROFILES[name]
    except KeyError:
        raise ProfileError(f"unknown profile {name!r}; profiles: {', '.join(PROFILES)}") from None
