"""Project configuration: `[tool.glmlint]` in `pyproject.toml`, `.glmlint.toml` or `.glmlint.yaml`.

The file is found upward from the scan root (the working directory) unless
`--config` names one. `check` and `fix` read the same `Config`; the runner
applies its `exclude`, `per-file-ignores` and baseline, so every command that
scans inherits them. Glob patterns are gitignore-style and relative to the
directory holding the configuration file.

```toml
[tool.glmlint]
select = ["GLM"]                      # codes, slugs or prefixes; default: every rule
ignore = ["writable-rootfs"]
exclude = ["vendor/", "**/testdata/**"]
fail-on = "error"                     # error | warning | never
fix-user = "10001"                    # the UID[:GID] `glmlint fix` sets for GLM001
require-digest = true                 # GLM045 also reports images pinned by tag only

[tool.glmlint.severity]               # per-rule severity overrides
missing-cap-drop = "error"

[tool.glmlint.per-file-ignores]
"deploy/legacy/*.yaml" = ["GLM002", "GLM004"]
```
"""
from __future__ import annotations

import os
import re
from collections.abc import Iterable
from typing import Any

from glmlint import lazyre
from glmlint import records
from glmlint.records import dataclass, field
from glmlint.rule import Rule, Severity

CONFIG_NAMES = (".glmlint.toml", ".glmlint.yaml", ".glmlint.yml", "pyproject.toml")
FAIL_ON = ("error", "warning", "never")
KEYS = ("profile", "select", "extend-select", "ignore", "severity", "exclude", "fail-on", "fix-user", "per-file-ignores",
        "contexts", "render", "render-failures", "helm", "require-digest", "pss-version", "pss-namespaces")
RENDER_FAILURES = ("error", "notice")


class ConfigError(Exception):
    """A bad configuration file: reported as `path:line: message`."""

    def __init__(self, path: str, line: int, message: str) -> None:
        super().__init__(f"{path}:{line}: {message}" if line else f"{path}: {message}")
        self.path = path
        self.line = line


@dataclass(frozen=True)
class Config:
    """Settings for one scan: from a file, then adjusted by command-line options."""

    path: str | None = None  # the configuration file, if any
    base: str = "."  # directory the globs are relative to
    select: tuple[str, ...] = ()
    extend_select: tuple[str, ...] = ()  # rules added to what `select` or the profile chooses (as ruff's)
    ignore: tuple[str, ...] = ()
    severity: tuple[tuple[str, Severity], ...] = ()  # (selector, severity), in file order
    exclude: tuple[str, ...] = ()
    fail_on: str | None = None
    fix_user: str | None = None
    per_file_ignores: tuple[tuple[str, tuple[str, ...]], ...] = ()
    contexts: tuple[tuple[str, tuple[str, ...]], ...] = ()  # context -> kinds/selectors reported there
    render: bool = True  # render Helm charts and build Kustomize overlays met in the scan
    render_failures: str = "error"  # a chart/overlay that cannot be rendered: "error" (exit 2) or "notice"
    helm_values: tuple[str, ...] = ()  # values file names looked up beside each chart (`helm.values`)
    helm_set: tuple[str, ...] = ()  # `--set` expressions for every chart (`helm.set`, then `--set`)
    # a name in glmlint.profiles.PROFILES (`essential`, `hardened`, `pss-baseline`, `pss-restricted`);
    # None: the default profile, or the rules `select` names
    profile: str | None = None
    pss_version: str = "latest"  # the Pod Security Standards version a `pss-*` profile judges at (`v1.x`)
    pss_namespaces: bool = False  # judge each workload by its Namespace's `pod-security.kubernetes.io/enforce`
    require_digest: bool = False  # GLM045: an image pinned by tag, not digest, is reported too
    # Set from the command line only:
    helm_value_files: tuple[str, ...] = ()  # `--values FILE`, for every chart
    baseline: str | None = None  # report only findings not recorded in this file
    report_unused_ignores: bool = False
    _specs: dict[tuple[str, ...], Any] = field(default_factory=dict, repr=False, compare=False)

    def rules(self, available: list[Rule], select: Iterable[str] = (), ignore: Iterable[str] = (),
              extend_select: Iterable[str] = ()) -> list[Rule]:
        """The rules to run: the named profile's (`self.profile`, already the command line's when
        it named one), narrowed by `select` (the command line's, else the file's); with no profile
        named, the rules `select` names, else the default profile's. `extend-select` (file and
        command line) adds rules to that, opt-in ones too; `ignore` (file and command line) takes
        rules out; severity overrides applied. Raises `registry.RuleError` for an unknown
        selector, `profiles.ProfileError` for an unknown profile."""
        from glmlint import profiles
        from glmlint.registry import matches
        from glmlint.registry import select as pick

        ignored = [*self.ignore, *ignore]
        chosen_by = list(select) or list(self.select)
        extend = [*self.extend_select, *extend_select]
        if self.profile is None and chosen_by:
            chosen = pick(available, chosen_by, ignored)  # opt-in rules too, when selected
        else:
            pick(available, chosen_by, ignored)  # an unknown selector is an error, whatever the profile
            profile = profiles.get(self.profile or profiles.DEFAULT)
            chosen = [r for r in profile.rules(available, self)
                      if (not chosen_by or any(matches(r, s) for s in chosen_by))
                      and not any(matches(r, s) for s in ignored)]
        if extend:
            have = {r.code for r in chosen}
            chosen += [r for r in pick(available, extend, ignored) if r.code not in have]
            chosen.sort(key=lambda r: r.code)
        out = []
        for rule in chosen:
            for sel, severity in self.severity:  # the last matching override wins
                if matches(rule, sel):
                    rule = records.replace(rule, severity=severity)
            out.append(rule)
        return out

    def context_table(self) -> dict[str, tuple[str, ...]]:
        """Where findings are reported, beyond each rule's default: the profile's `contexts`,
        then the file's (context -> kinds or rule selectors)."""
        from glmlint import profiles

        table = profiles.get(self.profile or profiles.DEFAULT).context_table()
        table.update(dict(self.contexts))
        return table

    def wants(self, setting: str) -> bool:
        """Whether the configuration setting `setting` that turns on some findings (`Finding.enabled_by`:
        `require-digest`) is on."""
        return setting == "require-digest" and self.require_digest

    def relative(self, path: str) -> str | None:
        """`path` (absolute) relative to the config's base, POSIX style; None if outside."""
        rel = os.path.relpath(os.path.abspath(path), os.path.abspath(self.base))
        if rel == os.pardir or rel.startswith(os.pardir + os.sep):
            return None
        return rel.replace(os.sep, "/")

    def excluded(self, path: str) -> bool:
        if not self.exclude:
            return False
        rel = self.relative(path)
        return rel is not None and _spec(self, ("exclude",), self.exclude).match_file(rel)

    def ignored_here(self, path: str) -> list[str]:
        """Rule selectors `per-file-ignores` turns off for `path` (absolute)."""
        rel = self.relative(path) if self.per_file_ignores else None
        if rel is None:
            return []
        out: list[str] = []
        for pattern, selectors in self.per_file_ignores:
            if _spec(self, ("per-file", pattern), (pattern,)).match_file(rel):
                out.extend(selectors)
        return out


def _spec(config: Config, key: tuple[str, ...], patterns: tuple[str, ...]) -> Any:
    spec = config._specs.get(key)
    if spec is None:
        import pathspec

        spec = config._specs[key] = pathspec.GitIgnoreSpec.from_lines(patterns)
    return spec


# -- finding and reading the file -----------------------------------------------


def find(start: str) -> str | None:
    """The nearest configuration file at or above `start`; a `pyproject.toml` counts only
    when it has a `[tool.glmlint]` table."""
    directory = os.path.abspath(start)
    while True:
        for name in CONFIG_NAMES:
            path = os.path.join(directory, name)
            if os.path.isfile(path) and (name != "pyproject.toml" or _has_tool_table(path)):
                return path
        parent = os.path.dirname(directory)
        if parent == directory:
            return None
        directory = parent


def _has_tool_table(path: str) -> bool:
    try:
        with open(path, encoding="utf-8") as fh:
            return re.search(r"^\s*\[\s*tool\.glmlint\s*[\].]", fh.read(), re.M) is not None
    except (OSError, UnicodeDecodeError):
        return False


def load(path: str | None, available: list[Rule]) -> Config:
    """Read and validate `path` (None: defaults). Rule selectors are checked against `available`."""
    if path is None:
        return Config()
    try:
        with open(path, encoding="utf-8") as fh:
            text = fh.read()
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(path, 0, f"cannot read: {getattr(exc, 'strerror', None) or exc}") from None
    if path.endswith((".yaml", ".yml")):
        data, lines = _read_yaml(path, text)
    else:
        data, lines = _read_toml(path, text)
    return _build(path, data, lines, available)


def _read_toml(path: str, text: str) -> tuple[dict[str, Any], _Lines]:
    try:
        import tomllib
    except ModuleNotFoundError:  # Python 3.10
        import tomli as tomllib  # type: ignore[no-redef]
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        m = re.search(r"line (\d+)", str(exc))
        line = int(m.group(1)) if m else max(1, len(text.splitlines()))  # "at end of document"
        raise ConfigError(path, line, f"invalid TOML: {exc}") from None
    if os.path.basename(path) == "pyproject.toml":
        tool = doc.get("tool", {})
        data = tool.get("glmlint", {}) if isinstance(tool, dict) else {}
    else:
        data = doc
    if not isinstance(data, dict):
        raise ConfigError(path, 0, "`tool.glmlint` must be a table")
    return data, _Lines(text, toml=True)


def _read_yaml(path: str, text: str) -> tuple[dict[str, Any], _Lines]:
    from glmlint.parsers import yamlnodes

    try:
        docs = yamlnodes.compose_all(text)
    except yamlnodes.YamlError as exc:
        raise ConfigError(path, exc.line, f"invalid YAML: {exc}") from None
    if not docs or docs[0] is None:
        return {}, _Lines(text, toml=False)
    if len(docs) > 1 or not yamlnodes.is_map(docs[0]):
        raise ConfigError(path, 1, "the configuration must be one YAML mapping")
    return _plain(docs[0]), _Lines(text, toml=False)


def _plain(node: Any) -> Any:
    from glmlint.parsers import yamlnodes

    if yamlnodes.is_map(node):
        return {key: _plain(value) for key, (_k, value) in yamlnodes.entries(node).items()}
    if yamlnodes.is_seq(node):
        return [_plain(n) for n in yamlnodes.items(node)]
    return yamlnodes.scalar(node) if node is not None else None


class _Lines:
    """Finds the line a key is written on, so errors can point at it."""

    def __init__(self, text: str, toml: bool) -> None:
        self.lines = text.splitlines()
        self.toml = toml

    def of(self, key: str) -> int:
        quoted = re.escape(key)
        sep = r"\s*=" if self.toml else r"\s*:"
        pattern = re.compile(rf"""^\s*(?:-\s*)?(?:{quoted}|"{quoted}"|'{quoted}'){sep}""")
        table = re.compile(rf"^\s*\[.*\b{quoted}\s*\]") if self.toml else None
        for i, line in enumerate(self.lines, 1):
            if pattern.search(line) or (table is not None and table.search(line)):
                return i
        for i, line in enumerate(self.lines, 1):  # a value, e.g. an unknown rule in a list
            if re.search(rf"""["'\s\[]{quoted}["'\s,\]]""", f" {line} "):
                return i
        return 0


def _build(path: str, data: dict[str, Any], lines: _Lines, available: list[Rule]) -> Config:
    from glmlint.registry import matches

    def fail(key: str, message: str) -> ConfigError:
        return ConfigError(path, lines.of(key), message)

    for key in data:
        if key not in KEYS:
            hint = ""
            for known in KEYS:
                if known.replace("-", "_") == key or known.replace("-", "") == key.replace("_", ""):
                    hint = f" (did you mean `{known}`?)"
            raise fail(key, f"unknown key `{key}`{hint}; known keys: {', '.join(KEYS)}")

    def selectors(key: str, value: Any, where: str | None = None) -> tuple[str, ...]:
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise fail(where or key, f"`{key}` must be a list of rule codes, slugs or prefixes")
        for sel in value:
            if not any(matches(r, sel) for r in available):
                raise fail(sel, f"unknown rule `{sel}` in `{key}`; `glmlint rules` lists them")
        return tuple(value)

    def table(key: str) -> dict[str, Any]:
        value = data.get(key, {})
        if not isinstance(value, dict):
            raise fail(key, f"`{key}` must be a table (a mapping)")
        return value

    def globs(key: str, value: Any) -> tuple[str, ...]:
        if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
            raise fail(key, f"`{key}` must be a list of glob patterns")
        return tuple(value)

    severity = []
    for sel, level in table("severity").items():
        selectors("severity", [sel], where=sel)
        if level not in ("error", "warning"):
            raise fail(sel, f"`severity.{sel}` must be \"error\" or \"warning\", not {level!r}")
        severity.append((sel, Severity(level)))
    per_file = tuple((pattern, selectors(f"per-file-ignores.{pattern}", rules, where=pattern))
                     for pattern, rules in table("per-file-ignores").items())
    fail_on = data.get("fail-on")
    if fail_on is not None and fail_on not in FAIL_ON:
        raise fail("fail-on", f"`fail-on` must be one of {', '.join(FAIL_ON)}, not {fail_on!r}")
    require_digest = data.get("require-digest", False)
    if not isinstance(require_digest, bool):
        raise fail("require-digest", f"`require-digest` must be true or false, not {require_digest!r}")
    fix_user = data.get("fix-user")
    if fix_user is not None:
        fix_user = check_fix_user(fix_user, lambda msg: fail("fix-user", msg))
    contexts: Any = ()
    if "contexts" in data:
        from glmlint.context import KINDS, parse_table

        parsed = parse_table(data["contexts"])
        if isinstance(parsed, str):
            raise fail("contexts", parsed)
        for ctx, items in parsed.items():
            selectors(f"contexts.{ctx}", [i for i in items if i not in KINDS], where=ctx)
        contexts = tuple(parsed.items())
    render = data.get("render", True)
    if not isinstance(render, bool):
        raise fail("render", "`render` must be true or false")
    failures = data.get("render-failures", "error")
    if failures not in RENDER_FAILURES:
        raise fail("render-failures", f"`render-failures` must be one of {', '.join(RENDER_FAILURES)}, not {failures!r}")
    helm = table("helm")
    for key in helm:
        if key not in ("values", "set"):
            raise fail(key, f"unknown key `helm.{key}`; known keys: values, set")
    helm_values = globs("helm.values", helm["values"]) if "values" in helm else ()
    helm_set = globs("helm.set", helm["set"]) if "set" in helm else ()
    profile = data.get("profile")
    if profile is not None:
        from glmlint.profiles import PROFILES

        if profile not in PROFILES:
            raise fail("profile", f"`profile` must be one of {', '.join(PROFILES)}, not {profile!r}")
    pss_version = data.get("pss-version", "latest")
    if not isinstance(pss_version, str) or check_pss_version(pss_version) is None:
        raise fail("pss-version", f"`pss-version` must be \"latest\" or \"v1.x\", not {pss_version!r}")
    pss_namespaces = data.get("pss-namespaces", False)
    if not isinstance(pss_namespaces, bool):
        raise fail("pss-namespaces", f"`pss-namespaces` must be true or false, not {pss_namespaces!r}")
    return Config(
        pss_version=pss_version,
        pss_namespaces=pss_namespaces,
        path=path,
        base=os.path.dirname(os.path.abspath(path)),
        select=selectors("select", data["select"]) if "select" in data else (),
        extend_select=selectors("extend-select", data["extend-select"]) if "extend-select" in data else (),
        ignore=selectors("ignore", data["ignore"]) if "ignore" in data else (),
        severity=tuple(severity),
        exclude=globs("exclude", data["exclude"]) if "exclude" in data else (),
        fail_on=fail_on,
        fix_user=fix_user,
        per_file_ignores=per_file,
        profile=profile,
        contexts=contexts,
        render=render,
        render_failures=failures,
        helm_values=helm_values,
        helm_set=helm_set,
        require_digest=require_digest,
    )


def check_pss_version(value: str) -> int | None:
    """`latest` or `v1.x` as a minor version (newer than the newest check: the newest); None if neither."""
    from glmlint import pss

    return pss.parse_version(value)


_USER = lazyre.compile(r"^[0-9]+(:[0-9]+)?$")


def check_fix_user(value: Any, fail: Any = None) -> str:
    """A numeric, non-root `UID[:GID]` for GLM001's fix; `fail(message)` builds the error to raise.

    Numeric because a name may not exist in the image (and Kubernetes' runAsUser takes a number)."""
    text = str(value) if isinstance(value, (int, str)) and not isinstance(value, bool) else ""
    problem = None
    if not _USER.match(text):
        problem = f"`fix-user` must be a numeric UID or UID:GID, not {value!r}"
    elif int(text.partition(":")[0]) == 0:
        problem = "`fix-user` must not be root (UID 0): it is the non-root user GLM001's fix sets"
    if problem is not None:
        raise (fail(problem) if fail else ValueError(problem))
    return text


def resolve(config_path: str | None, root: str, available: list[Rule]) -> Config:
    """The `--config` file, or the nearest one found upward from `root`."""
    if config_path is not None and not os.path.isfile(config_path):
        raise ConfigError(config_path, 0, "no such configuration file")
    return load(config_path or find(root), available)
