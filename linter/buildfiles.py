"""The files a build writes, replayed in the order the build runs its steps.

A model of a configuration file (sudo's `/etc/sudoers`, sshd's `/etc/ssh/sshd_config`) starts from
its stock lines and is replayed through the build's steps, in build order (by place in the file):
text the shell model says a step writes (`workload.files`: `echo`/`printf`/heredocs/`COPY`, `sed -i`
edits and deletions, applied by the reader's own `apply`), `rm` (or `unlink`) of files, a directory's
contents or a glob of them, and the steps that fill a file from others (`_Copy`): `cp`/`mv`/`install SRC DST`,
`cat SRC > DST`, `grep [-v] PAT SRC > DST` (GNU coreutils 9, GNU grep 3). Each reader says which
paths it watches (`Files`): a step whose output glmlint cannot read (`envsubst < t > f`) matters only
there.
"""
from __future__ import annotations

import fnmatch
import re
from collections.abc import Callable, Iterable
from typing import NamedTuple

from glmlint.ir import Command, FileWrite, Loc, Workload
from glmlint.records import dataclass
from glmlint.shell import getopt, sed_regex


# how package managers install (`apt-get install`, `apk add`, `pacman -S`): which packages, the
# caller's catalog says (sshd's, sudo's)
_INSTALLERS = {"apt-get": "install", "apt": "install", "apk": "add", "yum": "install", "dnf": "install",
               "microdnf": "install", "zypper": "install", "tdnf": "install", "pacman": "-S"}


def package_pattern(names: Iterable[str]) -> re.Pattern[str]:
    """A package argument naming one of `names`, with a version or glob (`sudo`, `sudo=1.9*`,
    `openssh-server-1:8.7p1`)."""
    alts = "|".join(re.escape(p) for p in sorted(names, key=len, reverse=True))
    return re.compile(rf"^(?:{alts})([=:-][0-9].*|\*)?$")


def installs(cmd: Command, package: re.Pattern[str]) -> bool:
    """Whether `cmd` installs a package `package` matches (`apt-get install -y sudo`, `apk add sudo`)."""
    sub = _INSTALLERS.get(cmd.name)
    if sub is None:
        return False
    words = [w.text for w in cmd.args]
    return sub in words and any(package.match(w) for w in words)


def chown_operands(words: list[str]) -> tuple[str, list[str]] | None:
    """(owner, files) of a `chown` given `words` (its arguments, GNU coreutils 9 chown(1), options read as getopt
    does): the user its first operand names before `:` or `.` (`app:app`, `1000.1000`, "" for `:group`) and the
    operands after it; None with `--reference=RFILE` (another file's owner) or fewer than two operands."""
    opts, plain = getopt(words, ("--from", "--reference"))
    if len(plain) < 2 or any(f == "--reference" for f, _v in opts):
        return None
    return re.split(r"[:.]", plain[0], maxsplit=1)[0], plain[1:]


@dataclass(frozen=True, slots=True)
class Line:
    text: str
    loc: Loc | None  # None for a stock line no build step wrote
    file: str  # the path in the image
    source: str | None = None  # the build-context file a COPY took it from
    base: str | None = None  # the base image whose own build wrote it (the image catalog's `sudoers`)


class Files(NamedTuple):
    """The files a reader watches: its main file and its drop-in directory (`/etc/sudoers.d/`)."""

    main: str
    dropins: str

    def watched(self, path: str) -> bool:
        return path == self.main or path.startswith(self.dropins)


class _Copy(NamedTuple):
    """A build step that gives the file `dst` what other files hold: `cp`/`mv`/`install SRC DST`, `cat
    SRC > DST` (`srcs`, in order; `move`: they are gone after), `grep [-v] PAT SRC > DST` (`keep`: the
    lines it prints); `srcs` None: text glmlint cannot read (another program's output), so no rule in
    it is known (`>>`, `append`: the file's own lines stay)."""

    dst: str
    srcs: tuple[str, ...] | None
    append: bool = False
    move: bool = False
    keep: Callable[[str], bool] | None = None


class _Found(NamedTuple):
    """`find START… TESTS -delete` (or `-exec rm {} ;`): the files under `starts` that the tests pick."""

    starts: tuple[str, ...]
    name: str | None = None  # `-name` glob of the file's name (`-iname`: `fold`)
    fold: bool = False
    mindepth: int = 0
    maxdepth: int | None = None

    def picks(self, path: str) -> bool:
        for start in self.starts:
            start = start.rstrip("/") or "/"
            if path == start:
                depth = 0
            elif path.startswith(start.rstrip("/") + "/"):
                depth = path[len(start.rstrip("/")) + 1:].count("/") + 1
            else:
                continue
            if depth < self.mindepth or (self.maxdepth is not None and depth > self.maxdepth):
                continue
            if self.name is None:
                return True
            base = path.rpartition("/")[2]
            if fnmatch.fnmatchcase(base.lower(), self.name.lower()) if self.fold else \
                    fnmatch.fnmatchcase(base, self.name):
                return True
        return False


_Step = FileWrite | list[str] | _Copy | _Found


def replay(workload: Workload, files: dict[str, list[Line]], where: Files,
           apply: Callable[[list[Line], FileWrite], list[Line]], unknown_empties: bool = True) -> None:
    """Replay the build's steps on `files` (path -> lines, the stock ones already there), in place.
    `unknown_empties`: a file filled with text glmlint cannot read holds no known line (sudo: no rule
    is known); False: it keeps its lines (sshd: the stock ones stand for what is not known)."""
    for step in _steps(workload, where):
        if isinstance(step, FileWrite):
            # every file the build writes, so that a later `cp`/`mv` of it into a watched place is replayed
            files[step.path] = apply(files.get(step.path, []), step)
        elif isinstance(step, _Copy):
            _copy(files, step, unknown_empties)
        elif isinstance(step, _Found):
            for path in [p for p in files if step.picks(p)]:
                del files[path]
        else:
            for path in step:  # `rm -f /etc/sudoers.d/nopasswd`: the file and its lines are gone
                _remove(files, path, where)


def _remove(files: dict[str, list[Line]], path: str, where: Files) -> None:
    """`rm` of `path`: a file, the drop-in directory (`rm -rf /etc/sudoers.d`), or a glob (`…/*`,
    `…/*.conf`, the shell expands it over the files there)."""
    if path == where.main:
        files[where.main] = []
    elif path.rstrip("/") + "/" == where.dropins:
        for name in [p for p in files if p.startswith(where.dropins)]:
            del files[name]
    elif any(c in path for c in "*?["):
        folder, _, pattern = path.rpartition("/")
        for name in [p for p in files if p.rpartition("/")[0] == folder
                     and fnmatch.fnmatchcase(p.rpartition("/")[2], pattern)]:
            del files[name]
    else:
        files.pop(path, None)


def _copy(files: dict[str, list[Line]], step: _Copy, unknown_empties: bool = True) -> None:
    got: list[Line] | None = [] if step.srcs is not None else None
    for src in step.srcs or ():
        if src not in files:
            got = None  # a file the build did not write: its text is not known
            break
        got += [Line(line.text, line.loc, step.dst, line.source, line.base) for line in files[src]]
    if got is not None and step.keep is not None:
        got = [line for line in got if step.keep(line.text)]
    if step.move:
        for src in step.srcs or ():
            files.pop(src, None)
    if got is None and not unknown_empties:
        return
    files[step.dst] = files.get(step.dst, []) + (got or []) if step.append else (got or [])


def _steps(workload: Workload, where: Files) -> list[_Step]:
    """The build's writes to files (`workload.files`), its `rm` of files (each a list of the paths it
    names) and the steps that fill a file from others (`_Copy`), in the order the build runs them: by
    place in the Dockerfile, and a script's commands (located in the script) where the command that runs
    it is, in the order they run (`_order`)."""
    written: set[Loc] | None = None  # (made at the first command with an output: a `Loc`'s hash is a Python call)
    others: list[tuple[Loc, list[str] | _Copy | _Found]] = []
    for cmd in workload.build_steps:
        name = cmd.name
        if name == "rm" or name == "unlink":
            # (rm's options take no value; `unlink FILE`, GNU coreutils 9, removes its one file as `rm` does)
            _opts, operands = getopt([w.text for w in cmd.args], ())
            if operands:
                others.append((cmd.loc, operands))
        elif name in _COPIERS:
            others.extend((cmd.loc, c) for c in _copies(cmd, where))
        elif name == "find":
            found = _find_removes(cmd)
            if found is not None:
                others.append((cmd.loc, found))
        elif cmd.redirects or name == "tee":  # (else no output to a file: `_output` finds none)
            if written is None:
                written = {w.loc for w in workload.files}
            if cmd.loc not in written and cmd.stdin is None and not any(u.loc in written for u in cmd.upstream):
                # (a file write of the shell model stands for `echo … > f`, `cat <<EOF > f`, `echo … | tee f`)
                others.extend((cmd.loc, c) for c in _output(cmd, where))
    if not others:
        return list(workload.files)
    order = _order(workload.build_steps)
    ordered: list[tuple[tuple[int, int, int, int], _Step]] = [((*order(w.loc), 1), w) for w in workload.files]
    ordered += [((*order(loc), 0), step) for loc, step in others]
    return [s for _k, s in sorted(ordered, key=lambda pair: pair[0])]


def _order(steps: tuple[Command, ...]) -> Callable[[Loc], tuple[int, int, int]]:
    """Where a place is in the build's order: a place in the Dockerfile by its line and column; a command
    of a script a step runs (`COPY cleanup.sh /tmp/` + `RUN bash /tmp/cleanup.sh`, located in the script:
    `_run_scripts` puts its commands right after the command that runs it) at that command, after it and
    in the order the script runs them. A script's line numbers are not the Dockerfile's: by them, the
    script's `rm -f /etc/sudoers.d/dev` on its line 2 came before the `COPY` on the Dockerfile's line 3."""
    main = steps[0].loc.file if steps else ""
    at: dict[Loc, tuple[int, int, int]] = {}
    runner = (0, 0)
    for i, cmd in enumerate(steps, start=1):
        here = (cmd.loc.line, cmd.loc.col)
        if cmd.loc.file == main and here >= runner:
            runner = here
        else:  # in a script (one a `COPY <<EOF` wrote is located in the Dockerfile, above the RUN that runs it)
            at.setdefault(cmd.loc, (*runner, i))
    return lambda loc: at.get(loc) or (loc.line, loc.col, 0)


# `find`'s tests `_find_removes` reads, and what it reads past: options that only print or tune the walk
_FIND_SKIPPED = frozenset({"-print", "-print0", "-depth", "-d", "-xdev", "-mount", "-ignore_readdir_race",
                           "-noignore_readdir_race", "-nowarn", "-warn", "-true", "-a", "-and", "-follow",
                           "-noleaf"})
_FIND_OPTIONS = frozenset({"-H", "-L", "-P"})


def _find_removes(cmd: Command) -> _Found | None:
    """What a `find` removes (GNU findutils 4.9, find(1)): `find /etc/sudoers.d -name 'dev*' -delete`, `find DIR
    -type f -exec rm -f {} +`. Its starting points are the words before its expression (absolute: the
    Dockerfile reader resolves them from the directory the command runs in); the tests read are those
    joined by `-a`/`-and` or nothing before the action (`-name`/`-iname`, `-type f`, `-mindepth`,
    `-maxdepth`); a test after the action limits nothing it removed. Another test, `-o`, `!`, `-not`, a
    parenthesis or a command that is not `rm`/`unlink` of `{}`: None (what it removes is not known, so
    nothing is taken away)."""
    words = [w.text for w in cmd.args]
    i = 0
    while i < len(words) and words[i] in _FIND_OPTIONS:
        i += 1
    starts = []
    while i < len(words) and not words[i].startswith(("-", "(", "!")) and words[i] != ")":
        starts.append(words[i])
        i += 1
    if not starts or not all(s.startswith("/") for s in starts):
        return None
    found = _Found(tuple(starts))
    acted = False
    while i < len(words):
        w = words[i]
        value = words[i + 1] if i + 1 < len(words) else None
        if w in _FIND_SKIPPED:
            i += 1
            continue
        if w == "-delete":
            acted = True
            break
        if w in ("-exec", "-execdir"):
            end = next((k for k in range(i + 1, len(words)) if words[k] in (";", "+")), None)
            run = words[i + 1:end] if end is not None else []
            if not run or run[0].rsplit("/", 1)[-1] not in ("rm", "unlink") or run[-1] != "{}" \
                    or not all(a.startswith("-") for a in run[1:-1]):
                return None
            acted = True
            break
        if value is None:
            return None
        if w in ("-name", "-iname"):
            found = found._replace(name=value, fold=w == "-iname")
        elif w == "-type":
            if value != "f":
                return None  # (directories, links: not the files a reader models)
        elif w in ("-mindepth", "-maxdepth") and value.isdigit():
            found = found._replace(**{w[1:]: int(value)})
        else:
            return None
        i += 2
    return found if acted else None


# `cp`, `mv` and `install` (GNU coreutils 9): the options that take a value, and `-d` (install: make
# directories, copy nothing)
_COPIERS = {"cp": frozenset({"-t", "--target-directory", "-S", "--suffix"}),
            "mv": frozenset({"-t", "--target-directory", "-S", "--suffix"}),
            "install": frozenset({"-t", "--target-directory", "-S", "--suffix", "-m", "--mode", "-o", "--owner",
                                  "-g", "--group"})}


def _copies(cmd: Command, where: Files) -> list[_Copy]:
    """`cp SRC DST`, `mv SRC... DIR/`, `install -m 0440 SRC DST`: one `_Copy` per file it writes."""
    opts, operands = getopt([w.text for w in cmd.args], _COPIERS[cmd.name])
    flags = {f for f, _v in opts}
    if cmd.name == "install" and flags & {"-d", "--directory"}:
        return []
    target = next((v for f, v in opts if f in ("-t", "--target-directory")), None)
    if target is None:
        if len(operands) < 2:
            return []
        target, operands = operands[-1], operands[:-1]
        if len(operands) == 1 and not (target.endswith("/") or target.rstrip("/") + "/" == where.dropins):
            return [_Copy(target, (operands[0],), move=cmd.name == "mv")]
    folder = target.rstrip("/") + "/"
    return [_Copy(folder + src.rstrip("/").rsplit("/", 1)[-1], (src,), move=cmd.name == "mv") for src in operands]


def _output(cmd: Command, where: Files) -> list[_Copy]:
    """What a command's output redirection (`> DST`, `>> DST`) or `tee DST` writes, when no file write
    of the shell model (`workload.files`) stands for it: `cat SRC`, `grep PAT SRC`, else text glmlint
    cannot read (kept only where the reader reads it)."""
    if cmd.name == "tee":
        opts, targets = getopt([w.text for w in cmd.args], ())
        append = any(f in ("-a", "--append") for f, _v in opts)
        source = cmd.upstream[-1] if len(cmd.upstream) == 1 else None
        printed = _printed(source) if source is not None and not source.redirects else None
        srcs, keep = printed if printed is not None else (None, None)
        return [_Copy(t, srcs, append, False, keep) for t in targets if printed is not None or where.watched(t)]
    out: list[_Copy] = []
    for r in cmd.redirects:
        if r.op not in (">", ">>", ">|", "&>", "&>>") or r.target.dynamic:
            continue
        printed = _printed(cmd) if not cmd.upstream else None
        if printed is not None or where.watched(r.target.text):
            out.append(_Copy(r.target.text, printed[0] if printed else None, r.op.endswith(">>"), False,
                             printed[1] if printed else None))
    return out


def fills(cmd: Command, where: Files) -> bool:
    """Whether `cmd` may put another file's lines into a watched file (`cp /tmp/sudoers
    /etc/sudoers.d/dev`, `cat rules > /etc/sudoers.d/dev`, `… | tee /etc/sudoers.d/dev`)."""
    if cmd.name in _COPIERS or cmd.name == "tee":
        return any(where.watched(w.text) or w.text.rstrip("/") + "/" == where.dropins for w in cmd.args)
    return any(where.watched(r.target.text) for r in cmd.redirects)


def _printed(cmd: Command) -> tuple[tuple[str, ...], Callable[[str], bool] | None] | None:
    """(the files whose lines `cmd` prints, which of them it keeps) for `cat FILE...` and `grep [-v]
    PATTERN FILE`; None for another command."""
    words = [w.text for w in cmd.args]
    if cmd.name == "cat":
        opts, operands = getopt(words, ())
        return (tuple(operands), None) if operands and not opts and "-" not in operands else None
    if cmd.name != "grep":
        return None
    opts, operands = getopt(words, _GREP_TAKES)
    flags = {f for f, _v in opts}
    if flags - _GREP_FLAGS:
        return None  # counts, context lines, file names, patterns from a file: not lines of the file
    patterns = [v for f, v in opts if f in ("-e", "--regexp")]
    if not patterns:
        if not operands:
            return None
        patterns, operands = operands[:1], operands[1:]
    if len(operands) != 1 or operands[0] == "-":
        return None  # stdin; several files' lines carry their names
    fixed = bool(flags & {"-F", "--fixed-strings"})
    extended = bool(flags & {"-E", "--extended-regexp", "-P", "--perl-regexp"})
    try:
        regexes = [re.compile(_grep_regex(p, fixed, extended, flags), re.I if flags & {"-i", "--ignore-case"} else 0)
                   for text in patterns for p in text.split("\n")]
    except re.error:
        return None
    invert = bool(flags & {"-v", "--invert-match"})
    return (operands[0],), (lambda line: any(r.search(line) for r in regexes) != invert)


def _grep_regex(pattern: str, fixed: bool, extended: bool, flags: set[str]) -> str:
    """A grep pattern as a Python regex (GNU grep 3: BRE by default, `-E` ERE, `-F` a string; `-x` the
    whole line, `-w` a whole word)."""
    regex = re.escape(pattern) if fixed else sed_regex(pattern, extended)
    if flags & {"-x", "--line-regexp"}:
        return rf"^(?:{regex})$"
    if flags & {"-w", "--word-regexp"}:
        return rf"(?<!\w)(?:{regex})(?!\w)"
    return regex


# GNU grep's options that take a value, and those `_printed` knows the output of
_GREP_TAKES = frozenset({"-e", "--regexp", "-f", "--file", "-m", "--max-count", "-A", "-B", "-C", "--context",
                         "--after-context", "--before-context", "--label", "-d", "-D", "--color", "--colour"})
_GREP_FLAGS = frozenset({"-v", "--invert-match", "-E", "--extended-regexp", "-F", "--fixed-strings", "-G",
                         "--basic-regexp", "-P", "--perl-regexp", "-i", "--ignore-case", "-x", "--line-regexp",
                         "-w", "--word-regexp", "-e", "--regexp", "-s", "--no-messages", "-h", "--no-filename",
                         "--color", "--colour"})
