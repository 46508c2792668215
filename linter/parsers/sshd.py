"""sshd_config files met in a repository -> `Directive`s (keyword, value, location).

sshd reads `Keyword value` or `Keyword=value` lines, keywords case-insensitive,
`#` comments; `Match` blocks hold directives for some connections only.

For each keyword sshd uses the first value it obtains (sshd_config(5), openssh-portable
0ef0f5a83: "Unless noted otherwise, for each keyword, the first obtained value will be used"), and
an `Include` reads its files where it stands, a glob's matches "in lexical order" (relative paths
are under /etc/ssh). A repository's `sshd_config` beside an `sshd_config.d/` of drop-ins is read
that way: a drop-in's global line for a keyword that the main file sets before its `Include`, or
an earlier drop-in sets (`00-hardening.conf` before cloud-init's `50-cloud-init.conf`), is never
used, and neither is a main-file line after the `Include` that a drop-in already set. Those lines
are left out of the file's directives (`_shadowed`). A directory of drop-ins with no main file
beside it is read as the stock `Include /etc/ssh/sshd_config.d/*.conf` reads it (Debian, Ubuntu,
Fedora put it first in their sshd_config).

`UsePAM` (global only) decides whether keyboard-interactive asks for the password. A drop-in that does
not set it takes the value sshd reads from the other files: the main file beside it that `Include`s it
(before and after the `Include`) and the other drop-ins, in sshd's order; that line is added to the
drop-in's directives (first, at line 0 of the file it is in). With no main file beside it, nothing is
added: the distribution is not known (Debian's stock file says `UsePAM yes`, upstream's default is no).
"""
from __future__ import annotations

import fnmatch
import os
import posixpath
from typing import NamedTuple

from glmlint import lazyre
from glmlint.ir import Directive, Format, Loc, SourceFile
from glmlint.parsers.base import split_lines

_LINE = lazyre.compile(r"^(\s*)([A-Za-z][A-Za-z0-9]*)(\s*=\s*|\s+)(.*?)\s*$")
# keywords whose every line counts (they add to a list), or that structure the file: never shadowed
_MANY = frozenset({"acceptenv", "allowgroups", "allowusers", "denygroups", "denyusers", "hostkey",
                   "hostcertificate", "listenaddress", "port", "setenv", "subsystem", "include", "match"})
# deprecated spellings sshd reads as another keyword, which share its first value (openssh-portable
# V_9_6_P1 8241b9c05 servconf.c, the `/* alias */` rows of its `keywords[]` table: challengeresponseauthentication
# and skeyauthentication are sKbdInteractiveAuthentication)
_ALIASES = {"challengeresponseauthentication": "kbdinteractiveauthentication",
            "skeyauthentication": "kbdinteractiveauthentication"}
_DROP_INS = "sshd_config.d"
_MAX = 1 << 20


def key(keyword: str) -> str:
    """The keyword sshd reads a line as, lowercased (`ChallengeResponseAuthentication` is
    `kbdinteractiveauthentication`)."""
    k = keyword.lower()
    return _ALIASES.get(k, k)


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


def parse(path: str, text: str, real_path: str = "") -> SourceFile:
    """`real_path`: where the file is on disk, to read the main file and the drop-ins beside it."""
    found = directives(text)
    if real_path and real_path != "-":
        drop_in = _drop_in(real_path)
        before, after = _shadowing(real_path, drop_in)
        if before or after:
            found = [d for d in found if not _shadowed(d, found, before, after)]
        if _PAM not in _globals(found) and drop_in is not None:
            pam = _context(path, drop_in, _PAM)
            if pam is not None:
                found.insert(0, pam)
    return SourceFile(path=path, format=Format.SSHD_CONFIG, text=text, directives=found)


def _shadowed(d: Directive, found: list[Directive], before: frozenset[str],
              after: tuple[int, frozenset[str]] | None) -> bool:
    """Whether sshd never uses the global line `d` of the file (`found`): a value for its keyword is read
    before it (`before`), or after the main file's `Include` (`after`: its line, the drop-ins' keywords)."""
    k = key(d.keyword)
    if k in _MANY or _in_match(d, found):
        return False
    if k in before:
        return True
    return after is not None and d.loc.line > after[0] and k in after[1]


_PAM = "usepam"


def _until_match(ds: list[Directive]) -> list[Directive]:
    for i, d in enumerate(ds):
        if d.keyword.lower() == "match":
            return ds[:i]
    return ds


def _first(ds: list[Directive], keyword: str, after: int = 0, until: int | None = None) -> Directive | None:
    """The first global value of `keyword` in `ds` between lines `after` and `until`."""
    for d in _until_match(ds):
        if d.loc.line > after and (until is None or d.loc.line < until) and key(d.keyword) == keyword:
            return d
    return None


def _context(path: str, drop_in: _DropIn, keyword: str) -> Directive | None:
    """For a drop-in beside a main file that `Include`s it: the global value of `keyword` sshd reads in
    the other files (main file before its `Include`, the other drop-ins by name, main file after), located
    in the file it is in (`path`: the drop-in as reported)."""
    main, include = drop_in.main, drop_in.include
    if main is None or include is None or not fnmatch.fnmatchcase(drop_in.name, include[1]):
        return None
    line = include[0]
    shown = posixpath.dirname(path)
    main_shown = posixpath.join(posixpath.dirname(shown), "sshd_config")
    order = [(main_shown, _first(main, keyword, until=line))]
    order += [(posixpath.join(shown, other), _first(ds, keyword)) for other, ds in drop_in.others]
    order.append((main_shown, _first(main, keyword, after=line)))
    for where, d in order:
        if d is not None:
            return Directive(d.keyword, d.value, Loc(0, 0, where))
    return None


def _in_match(d: Directive, found: list[Directive]) -> bool:
    return any(m.keyword.lower() == "match" and m.loc.line < d.loc.line for m in found)


def _globals(ds: list[Directive], until: int | None = None) -> set[str]:
    """The keywords `ds` sets outside a Match block (before line `until`)."""
    out: set[str] = set()
    for d in ds:
        k = key(d.keyword)
        if k == "match" or (until is not None and d.loc.line >= until):
            break
        out.add(k)
    return out


def _read(path: str) -> list[Directive] | None:
    try:
        if not os.path.isfile(path) or os.path.getsize(path) > _MAX:
            return None
        with open(path, encoding="utf-8", errors="replace") as f:
            return directives(f.read())
    except OSError:
        return None


def _include(main: list[Directive], name: str) -> tuple[int, str] | None:
    """The line of the main file's global `Include` that reads the drop-in directory, and its pattern
    for the files in it (`*.conf`)."""
    for d in main:
        kw = d.keyword.lower()
        if kw == "match":
            return None
        if kw != "include":
            continue
        for pattern in d.value.split():
            full = pattern if pattern.startswith("/") else posixpath.join("/etc/ssh", pattern)
            directory, base = posixpath.split(posixpath.normpath(full))
            if directory == posixpath.join("/etc/ssh", name):
                return d.loc.line, base
    return None


class _DropIn(NamedTuple):
    """A file of an `sshd_config.d/` and what sshd reads around it, read once for `_shadowing` and `_context`."""

    name: str
    main: list[Directive] | None  # the `sshd_config` beside the directory (None: none there)
    include: tuple[int, str] | None  # the line and pattern of the main file's `Include` of the drop-ins
    # the other drop-ins that pattern (`*.conf` with no main file) reads, by name in sshd's order, with their
    # directives; empty when sshd does not read this one through them
    others: tuple[tuple[str, list[Directive]], ...]


def _drop_in(real_path: str) -> _DropIn | None:
    """`real_path` as a drop-in (`_DropIn`), or None when it is not in an `sshd_config.d/`."""
    directory, name = os.path.split(os.path.abspath(real_path))
    if os.path.basename(directory) != _DROP_INS:
        return None
    main = _read(os.path.join(os.path.dirname(directory), "sshd_config"))
    include = _include(main, _DROP_INS) if main else None
    pattern = include[1] if include is not None else "*.conf"
    others: tuple[tuple[str, list[Directive]], ...] = ()
    if (not main or include is not None) and fnmatch.fnmatchcase(name, pattern):
        others = tuple((other, _read(os.path.join(directory, other)) or [])
                       for other in _drop_ins(directory, pattern) if other != name)
    return _DropIn(name, main, include, others)


def _shadowing(real_path: str, drop_in: _DropIn | None) -> tuple[frozenset[str], tuple[int, frozenset[str]] | None]:
    """(keywords sshd has a global value for before it reads `real_path`, and, for a main file, the line
    of its `Include` of the drop-ins with the keywords they set globally); `drop_in`: `_drop_in(real_path)`."""
    if drop_in is not None:
        main, include, name = drop_in.main, drop_in.include, drop_in.name
        if main and include is None:
            return frozenset(), None  # the main file reads no drop-in: not known how this one is read
        line, pattern = include if include is not None else (0, "*.conf")
        if not fnmatch.fnmatchcase(name, pattern):
            return frozenset(), None
        before = _globals(main, line) if main else set()
        for other, ds in drop_in.others:
            if other > name:
                break
            before |= _globals(ds)
        return frozenset(before), None
    me = os.path.abspath(real_path)
    directory, name = os.path.split(me)
    if name != "sshd_config":
        return frozenset(), None
    main = _read(me)
    include = _include(main, _DROP_INS) if main else None
    drop_dir = os.path.join(directory, _DROP_INS)
    if include is None or not os.path.isdir(drop_dir):
        return frozenset(), None
    line, pattern = include
    set_there: set[str] = set()
    for other in _drop_ins(drop_dir, pattern):
        set_there |= _globals(_read(os.path.join(drop_dir, other)) or [])
    return frozenset(), (line, frozenset(set_there))


def _drop_ins(directory: str, pattern: str) -> list[str]:
    try:
        return sorted(n for n in os.listdir(directory) if fnmatch.fnmatchcase(n, pattern)
                      and os.path.isfile(os.path.join(directory, n)))
    except OSError:
        return []
