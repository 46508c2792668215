"""Inline suppressions, written in the file's own comment syntax (`#` in Dockerfiles and YAML).

    # glmlint: ignore[GLM001] the entrypoint drops to `app` with gosu
    USER root

        privileged: true  # glmlint: ignore[privileged,GLM002] the GPU driver installer needs it

    # glmlint: skip-file

`ignore[...]` takes codes or slugs; a bare `ignore` silences every rule. On a
line of its own it covers the next line that is not a comment (in a Dockerfile
the whole instruction, continuation lines included); after other text, its own
line (a `docker run` command line: the whole command, continuation lines
included). Docker reads `#` as a comment only at the start of a line, so in a
Dockerfile the comment goes on the line above (or after a shell-form `RUN`'s
command, where the shell reads it as a comment). `skip-file` on a line of its
own makes the scan skip the file.
"""
from __future__ import annotations

import re

from glmlint import lazyre
from glmlint.ir import Format, Problem, SourceFile
from glmlint.records import dataclass, field
from glmlint.rule import Rule, Severity

_DIRECTIVE = lazyre.compile(r"(?:^|\s)#\s*glmlint:\s*(?P<kind>ignore|skip-file)\b(?:\[(?P<rules>[^\]]*)\])?")
_SKIP_FILE = lazyre.compile(r"^[ \t]*#\s*glmlint:\s*skip-file\b", re.M)

UNUSED_DOC = '''\
Suppression comment that suppresses nothing.

## Why is this bad?
A `# glmlint: ignore[...]` comment that no longer matches a finding (the
setting was fixed, the line moved, the rule code is misspelt) hides the next
real finding on that line and misleads readers. It is reported only with
`glmlint check --report-unused-ignores`.

## Example
```dockerfile
FROM python:3.12
# glmlint: ignore[GLM001] runs as a non-root user below
USER 10001
```
Use instead:
```dockerfile
FROM python:3.12
USER 10001
```
'''

UNUSED_SUPPRESSION = Rule(
    code="GLM100", slug="unused-suppression", severity=Severity.WARNING,
    message="unused suppression: {what}", formats=frozenset(Format), check=None, doc=UNUSED_DOC,
    tags=("maintainability",), security_severity=0.0, module=__name__,
)


@dataclass
class Suppression:
    line: int  # where the comment is
    col: int
    targets: range  # lines it covers
    rules: tuple[str, ...] | None  # None: every rule
    used: set[str] = field(default_factory=set)  # the selectors that silenced something

    def covers(self, line: int, rule: Rule) -> str | None:
        """The selector that silences `rule` at `line`, if any."""
        if line not in self.targets:
            return None
        if self.rules is None:
            return "*"
        for sel in self.rules:
            if sel.upper() == rule.code or sel == rule.slug:
                return sel
        return None


def skips_file(text: str) -> bool:
    """The file carries `# glmlint: skip-file` on a line of its own."""
    return "glmlint" in text and _SKIP_FILE.search(text) is not None


def parse(source: SourceFile) -> list[Suppression]:
    if source.suppressions is not None:  # read in the per-file stage: fresh copies (`used` is filled)
        return [Suppression(s.line, s.col, s.targets, s.rules) for s in source.suppressions]
    if "glmlint" not in source.text:
        return []
    lines = source.text.splitlines()
    out: list[Suppression] = []
    for i, line in enumerate(lines):
        m = _DIRECTIVE.search(line)
        if m is None or m.group("kind") != "ignore":
            continue
        hash_col = line.index("#", m.start())
        own_line = not line[:hash_col].strip()
        start = _next_code_line(lines, i) if own_line else i
        end = start + 1
        if source.format in (Format.DOCKERFILE, Format.DOCKER_RUN):  # an instruction, a command line
            while end - 1 < len(lines) and lines[end - 1].rstrip().endswith("\\"):
                end += 1
        raw = m.group("rules")
        rules = tuple(r.strip() for r in raw.split(",") if r.strip()) if raw is not None else None
        out.append(Suppression(i + 1, hash_col + 1, range(start + 1, end + 1), rules))
    return out


def _next_code_line(lines: list[str], i: int) -> int:
    j = i + 1
    while j < len(lines) and (not lines[j].strip() or lines[j].lstrip().startswith("#")):
        j += 1
    return j


def unknown_rules(source: SourceFile, sups: list[Suppression], known: list[Rule]) -> list[Problem]:
    names = {r.code for r in known} | {r.slug for r in known}
    return [Problem(source.path, s.line, f"unknown rule `{sel}` in a `# glmlint: ignore[...]` comment",
                    level="notice")
            for s in sups for sel in s.rules or () if sel.upper() not in names and sel not in names]
