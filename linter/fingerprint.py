"""A finding's identity, and the stable fingerprints made from it.

Every part of glmlint that must recognise a finding again knows it by one
`Identity` (`Result.identity`): its rule, its file, its workload and its
message. Each use takes the part of it that holds across what it must survive:

- **Fingerprints** (`fingerprints`): the baseline file, SARIF
  `partialFingerprints` (`glmlintFingerprint/v1`) and GitLab Code Quality
  `fingerprint`s hash `Identity.key`, the whole identity with the line numbers
  a message names (`notebook/Dockerfile:3`) taken out, plus an occurrence
  number for repeats. Never the finding's own line or column: like GitHub code
  scanning's fingerprints and ruff's GitLab ones, a finding keeps its
  fingerprint when lines are added above it or its file is reformatted, and a
  dismissed alert or a baselined finding stays so. The message is in it
  because it names what differs between two findings of one rule on one
  workload (the capability, the port, the mount), so a message reworded by a
  release changes the fingerprint: rewording one is a change to announce
  (a new `FORMAT_VERSION` of the baseline and a `/v2` SARIF key, or the old
  text kept).
- **The fix engine** counts findings by `Identity.subject`, rule and workload
  (the message, for a finding about the file rather than a workload), within one
  file and across the re-parses of its fix loop: a partial fix may reword the
  message (fewer capabilities left to drop), the finding is still the same one.
  It checks that the fixed finding is gone by the whole identity.
- **Suppressions** are by place, not identity: `# glmlint: ignore[...]`
  covers lines, and names the rule (code or slug), as ruff's `# noqa` and
  hadolint's `# hadolint ignore=` do. A finding that stays on its line stays
  suppressed whatever its message; the baseline is the suppression by identity.
"""
from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable
from typing import NamedTuple, Protocol

# `notebook/Dockerfile:2` in a message names a line of another file; the
# fingerprint must not change when that line moves.
_LINE_REF = re.compile(r"(\S):\d+(?::\d+)?(?=[`'\")\s,;]|$)")


class Identity(NamedTuple):
    """Which finding this is: its rule, file, workload and message, never its line (module docstring).
    A named tuple: the fix engine makes and compares many."""

    code: str
    path: str  # as reported (or relative to the baseline file, for the baseline)
    workload: str | None  # the workload's label; None for a finding about the file (RBAC, sshd_config)
    message: str

    @property
    def key(self) -> tuple[str, str, str, str]:
        """What the fingerprint hashes: the path with `/` separators, no workload as "", and the
        message without the `file:line` references it makes to other places."""
        return (self.code, self.path.replace(os.sep, "/"), self.workload or "", _LINE_REF.sub(r"\1", self.message))

    @property
    def subject(self) -> tuple[str, str]:
        """What the fix engine counts within one file: the rule and the workload (the message when
        there is no workload), so a message reworded by a partial fix is still the same finding."""
        return (self.code, self.workload if self.workload is not None else self.message)

    def fingerprint(self, occurrence: int = 0) -> str:
        """The identity's hash; `occurrence` numbers the repeats of one key in one file (0: the first)."""
        return _digest(self.key, occurrence)


def _digest(key: tuple[str, ...], occurrence: int) -> str:
    import hashlib

    text = "\0".join((*key, str(occurrence))) if occurrence else "\0".join(key)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class _Finding(Protocol):
    @property
    def identity(self) -> Identity: ...


def fingerprints(results: Iterable[_Finding], path_of: Callable[[_Finding], str] | None = None) -> list[str]:
    """One fingerprint per result, in order (`path_of`: the path to identify each by, when not its own).

    Results that would share one (the same message twice in one file) get an
    occurrence number in order, so they stay distinct; the first keeps the plain
    hash, so adding a duplicate later does not move it.
    """
    seen: dict[tuple[str, str, str, str], int] = {}
    out = []
    for r in results:
        ident = r.identity if path_of is None else r.identity._replace(path=path_of(r))
        key = ident.key
        n = seen.get(key, 0)
        seen[key] = n + 1
        out.append(_digest(key, n))
    return out
