"""A file's role in its repository, and which findings are worth reporting there.

The same `docker run` line means different things in a deployment script and in
a README that shows it: a reader copies `--privileged` or `-p 8888:8888` from
the README, but the README is not where anyone decides whether that container
drops its capabilities. Each scanned file gets one *context* from its path and
format (`role`); each rule reports in the contexts its `kind` (or its own
`contexts=` metadata) names, unless the configuration's `contexts` table says
otherwise. docs/context.md is the user's page for this.
"""
from __future__ import annotations

import os
import re
from collections.abc import Iterable, Mapping
from typing import Any

from glmlint import lazyre
from glmlint.ir import Format

MAIN, DOCS, TESTS, DEVCONTAINER, CI = "main", "docs", "tests", "devcontainer", "ci"
CONTEXTS = (MAIN, DOCS, TESTS, DEVCONTAINER, CI)

# What each kind of rule reports where, by default. Exposures and misconfigurations
# are reported everywhere: a reader copies them from documentation, a test stack or
# a dev container runs them on someone's machine, a CI job on a runner. The
# absent-hardening checklist is reported only where containers are deployed from.
DEFAULT_KINDS: Mapping[str, frozenset[str]] = {
    MAIN: frozenset({"exposure", "misconfiguration", "hardening"}),
    DOCS: frozenset({"exposure", "misconfiguration"}),
    TESTS: frozenset({"exposure", "misconfiguration"}),
    DEVCONTAINER: frozenset({"exposure", "misconfiguration"}),
    CI: frozenset({"exposure", "misconfiguration"}),
}

NAMES = {MAIN: "deployment files", DOCS: "documentation", TESTS: "tests and fixtures",
         DEVCONTAINER: "dev containers", CI: "CI jobs"}

# markup, and Jupyter notebooks: a tutorial or an experiment its reader runs cell by cell, as a README's
# reader pastes its code blocks (the containers a notebook starts are not where a deployment is decided)
_DOC_SUFFIXES = (".md", ".markdown", ".mdx", ".rst", ".adoc", ".txt", ".ipynb")
_TEST_DIRS = {"test", "tests", "testing", "testdata", "test-data", "test_data", "fixtures", "fixture",
              "__fixtures__", "__tests__", "e2e", "e2e-tests", "integration-tests", "testfiles"}
# a file whose name marks it for tests: docker-compose.test.yml, Dockerfile.test, compose-e2e.yaml
_TEST_NAME = re.compile(r"(?:^|[._-])(?:test|tests|testing|e2e|ci-test)(?:[._-]|$)", re.I)
_CI_DIRS = {".github", ".gitlab", ".circleci", ".buildkite", ".ci", "ci", ".woodpecker", ".drone"}
_CI_FILES = {".gitlab-ci.yml", ".gitlab-ci.yaml", ".travis.yml", "jenkinsfile", "azure-pipelines.yml",
             "azure-pipelines.yaml", "bitbucket-pipelines.yml", "cloudbuild.yaml", "cloudbuild.yml",
             ".drone.yml", "appveyor.yml"}
# go-task's default Taskfiles (taskfile.dev "Usage": the names `task` looks for): a developer's task runner
_TASKFILES = frozenset({"taskfile.yml", "taskfile.yaml", "taskfile.dist.yml", "taskfile.dist.yaml"})
_CI_NAME = re.compile(r"(?:^|[._-])ci(?:[._-]|$)", re.I)  # docker-compose.ci.yml, Dockerfile.ci


_SEPARATORS = lazyre.compile(r"[\\/]+")
_DRIVE = lazyre.compile(r"^[A-Za-z]:[\\/]")


def role(path: str, fmt: Format) -> str:
    """The context of the file at `path` (as reported: relative to the scan root where possible).

    In order: a dev container (`.devcontainer/`), documentation (Markdown and other
    markup: the `docker run` lines of its code blocks; a Jupyter notebook), a CI file (a workflow's
    `run:` steps, `.github/`, `.gitlab-ci.yml`, `ci/`, `docker-compose.ci.yml`),
    tests and fixtures (`tests/`, `testdata/`, `fixtures/`, `e2e/`,
    `docker-compose.test.yml`, `Dockerfile.test`), else `main`.
    """
    # (the path lowered once, not each part: `str.lower` maps each character on its own)
    parts = [p for p in _SEPARATORS.split(path.lower()) if p not in ("", ".", "..")]
    if not parts:
        return MAIN
    dirs = set(parts[:-1])
    low = parts[-1]
    if ".devcontainer" in dirs or low in ("devcontainer.json", ".devcontainer.json"):
        return DEVCONTAINER
    if low.endswith(_DOC_SUFFIXES) or low.startswith("readme"):
        return DOCS
    if low in _CI_FILES or not _CI_DIRS.isdisjoint(dirs):
        return CI
    if fmt is Format.DOCKER_RUN and low.endswith((".yml", ".yaml")) and low not in _TASKFILES:
        return CI  # a workflow's or composite action's run: steps, wherever it lives (not a Taskfile's tasks)
    stem = _stem(low)
    if not _TEST_DIRS.isdisjoint(dirs) or _TEST_NAME.search(stem):
        return TESTS
    if _CI_NAME.search(stem):
        return CI
    return MAIN


def _stem(name: str) -> str:
    """`docker-compose.test.yml` -> `docker-compose.test`; `Dockerfile.test` stays whole."""
    base, ext = os.path.splitext(name)
    return base if ext in (".yml", ".yaml", ".json", ".sh", ".bash", ".sbatch", ".slurm", ".mk") else name


def parse_table(value: object) -> dict[str, tuple[str, ...]] | str:
    """Validate a configuration `contexts` table; returns it, or an error message."""
    if not isinstance(value, dict):
        return "`contexts` must be a table: context -> list of kinds or rule selectors, or \"all\""
    out: dict[str, tuple[str, ...]] = {}
    for ctx, items in value.items():
        if ctx not in CONTEXTS:
            return f"unknown context `{ctx}` in `contexts`; known: {', '.join(CONTEXTS)}"
        if items == "all":
            items = ["exposure", "misconfiguration", "hardening"]
        elif items == "none":
            items = []
        if not isinstance(items, list) or not all(isinstance(i, str) for i in items):
            return f"`contexts.{ctx}` must be a list of kinds or rule selectors, \"all\" or \"none\""
        out[ctx] = tuple(items)
    return out


KINDS = ("exposure", "misconfiguration", "hardening")
# A `Config.contexts` value that reports every kind in every context (what a rule finds, wherever).
EVERYWHERE: tuple[tuple[str, tuple[str, ...]], ...] = tuple((c, KINDS) for c in CONTEXTS)


def reports(rule: object, ctx: str, table: Mapping[str, Iterable[str]], kind: object = None) -> bool:
    """Whether a finding of `rule` reports in context `ctx`: the configuration's entry for `ctx`
    when there is one (kinds or rule selectors), else the rule's own `contexts`, else the kind's.
    `kind`: the finding's own kind (`Finding.kind`), when it is not the rule's."""
    kind = str(kind if kind is not None else rule.kind)  # type: ignore[attr-defined]
    if ctx in table:
        return any(sel == kind if sel in KINDS else rule.matches(sel)  # type: ignore[attr-defined]
                   for sel in table[ctx])
    declared = getattr(rule, "contexts", None)
    if declared is not None:
        return ctx in declared
    return kind in DEFAULT_KINDS[ctx]


_REPO_ROOTS: dict[str, str | None] = {}
_UNSEEN: Any = object()


def repo_relative(disk_path: str) -> str | None:
    """`disk_path` relative to the repository holding it (the nearest directory with a `.git`),
    so that a checkout under `/home/me/tests/` is not taken for tests; None outside a repository."""
    if not disk_path:
        return None
    # an absolute path's directory is most often one already seen, as it is written: no `abspath`
    # (a key of `_REPO_ROOTS` is a normalised directory, which a path that is not normalised never is)
    root = _REPO_ROOTS.get(os.path.dirname(disk_path), _UNSEEN) if os.path.isabs(disk_path) else _UNSEEN
    if root is None:
        return None
    full = os.path.abspath(disk_path)
    if root is not _UNSEEN:
        return _below(full, root)
    start = os.path.dirname(full)
    seen = []
    directory = start
    root = None
    while True:
        if directory in _REPO_ROOTS:
            root = _REPO_ROOTS[directory]
            break
        seen.append(directory)
        if os.path.exists(os.path.join(directory, ".git")):
            root = directory
            break
        parent = os.path.dirname(directory)
        if parent == directory:
            break
        directory = parent
    for d in seen:
        _REPO_ROOTS[d] = root
    return _below(full, root) if root is not None else None


def _below(full: str, root: str) -> str:
    """`os.path.relpath(full, root)` with `/` separators, for a normalised absolute path `full` in the
    normalised directory `root` (its repository's): the path after the root's, cut off (`relpath`, which
    makes both absolute again and compares them part by part, was ~5 us a file, issue 12)."""
    prefix = root if root.endswith(os.sep) else root + os.sep
    if full.startswith(prefix):
        return full[len(prefix):].replace(os.sep, "/")
    return os.path.relpath(full, root).replace(os.sep, "/")


def of_file(path: str, disk_path: str, fmt: Format) -> str:
    """The context of a scanned file, decided on its path as reported (relative to the working
    directory); a file reported by its absolute path (outside the working directory) is judged by
    its path inside its repository, so that a checkout under `/home/me/tests/` is not tests."""
    if os.path.isabs(path) or _DRIVE.match(path):
        path = repo_relative(disk_path) or path
    return role(path, fmt)
