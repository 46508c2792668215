"""sshd_config files met in a repository -> `Directive`s (keyword, value, location).

sshd reads `Keyword value` or `Keyword=value` lines, keywords case-insensitive,
`#` comments; `Match` blocks hold directives for some connections only.
"""
from __future__ import annotations

from glmlint import lazyre
from glmlint.ir import Directive, Format, Loc, SourceFile
from glmlint.parsers.base import split_lines

_LINE = lazyre.compile(r"^(\s*)([A-Za-z][A-Za-z0-9]*)(\s*=\s*|\s+)(.*?)\s*$")


def directives(text: str, first_line: int = 1, loc: Loc | None = None) -> list[Directive]:
    """Directives in config text; `loc`, when given, is used for all (text written by a command)."""
    out: list[Directive] = []
    for n, line in enumerate(split_lines(text)):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        m = _LINE.match(line)
        if m:
            value = m.group(4).split("#", 1)[0].strip().strip('"')
            at = loc or Loc(first_line + n, len(m.group(1)) + 1)
            out.append(Directive(m.group(2), value, at))
    return out


def parse(path: str, text: str) -> SourceFile:
    return SourceFile(path=path, format=Format.SSHD_CONFIG, text=text, directives=directives(text))
