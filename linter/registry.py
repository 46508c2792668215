"""Rule discovery and selection: built-ins plus third-party packages' entry points."""
from __future__ import annotations

import os
import re
import sys
from collections.abc import Iterable

from glmlint.rule import Rule

ENTRY_POINT_GROUP = "glmlint.rules"
_PREFIX = re.compile(r"^[A-Z]{2,5}$")


class RuleError(Exception):
    pass


def builtin_rules() -> list[Rule]:
    from glmlint.rules import BUILTIN

    return list(BUILTIN)


def _may_declare_plugins() -> bool:
    """Whether any installed distribution may declare the entry-point group.

    `importlib.metadata` costs ~15 ms to import (email, zipfile, csv, ...), paid by
    every `glmlint check` although few environments have a plugin. This looks the
    way its path finder does (the `*.dist-info`/`*.egg-info` folders on
    `sys.path`) for an `entry_points.txt` naming the group, and answers True
    whenever it cannot be sure (a zip on `sys.path`, another distribution finder).
    """
    from importlib.machinery import PathFinder

    if any(f is not PathFinder and getattr(f, "find_distributions", None) is not None for f in sys.meta_path):
        return True
    for entry in sys.path:
        base = entry or "."
        try:
            names = os.listdir(base)
        except NotADirectoryError:  # a zip archive
            return True
        except OSError:
            continue
        metadata = [n for n in names if n.lower().endswith((".dist-info", ".egg-info"))]
        if base.lower().endswith(".egg"):
            metadata.append("EGG-INFO")
        for name in metadata:
            try:
                with open(os.path.join(base, name, "entry_points.txt"), encoding="utf-8", errors="replace") as fh:
                    if ENTRY_POINT_GROUP in fh.read():
                        return True
            except OSError:
                continue
    return False


def plugin_rules() -> list[Rule]:
    """Rules from the `glmlint.rules` entry-point group; the entry name is the code prefix."""
    if not _may_declare_plugins():
        return []
    from importlib.metadata import entry_points

    out: list[Rule] = []
    for ep in entry_points(group=ENTRY_POINT_GROUP):
        package = ep.dist.name if ep.dist is not None else ep.value
        if not _PREFIX.match(ep.name) or ep.name == "GLM":
            raise RuleError(f"plugin {package}: entry point name {ep.name!r} must be a code prefix "
                            "of 2-5 capital letters other than GLM")
        try:
            loaded = ep.load()
        except Exception as exc:  # a broken plugin names itself
            raise RuleError(f"plugin {package}: cannot load {ep.value}: {exc}") from None
        rules = list(loaded) if isinstance(loaded, Iterable) else [loaded]
        for r in rules:
            if not isinstance(r, Rule) or not r.code.startswith(ep.name):
                raise RuleError(f"plugin {package}: {r!r} is not a rule with a {ep.name} code")
            out.append(r)
    return out


def documented_rules() -> list[Rule]:
    """The built-in rules and the engine's own (GLM100, unused suppressions): those with a page."""
    from glmlint.suppress import UNUSED_SUPPRESSION

    return builtin_rules() + [UNUSED_SUPPRESSION]


def all_rules() -> list[Rule]:
    rules = documented_rules() + plugin_rules()
    seen: dict[str, Rule] = {}
    for r in rules:
        for key in (r.code, r.slug):
            if key in seen:
                raise RuleError(f"rule {key} is defined twice ({seen[key].module} and {r.module})")
            seen[key] = r
    return rules


def matches(rule: Rule, selector: str) -> bool:
    """A selector is a code (`GLM001`), a slug (`run-as-root`), a prefix (`GLM00`, `GLM`) or `ALL`
    (`Rule.matches`)."""
    return rule.matches(selector)


def select(rules: list[Rule], select: Iterable[str] = (), ignore: Iterable[str] = ()) -> list[Rule]:
    select, ignore = list(select), list(ignore)
    for sel in select + ignore:
        if not any(matches(r, sel) for r in rules):
            raise RuleError(f"unknown rule selector {sel!r}")
    # with no selection, every rule that is not opt-in (the Pod Security Standards rules run
    # when selected by code or prefix, or through a `pss-*` profile)
    chosen = [r for r in rules if (any(matches(r, s) for s in select) if select else not r.opt_in)]
    return [r for r in chosen if not any(matches(r, s) for s in ignore)]


def find(rules: list[Rule], key: str) -> Rule | None:
    for r in rules:
        if r.code == key.upper() or r.slug == key:
            return r
    return None
