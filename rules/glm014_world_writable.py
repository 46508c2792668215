"""Build step makes files world-writable.

## What it does
Flags a `RUN` step whose `chmod` (also `chmod -R`, the `chmod` a `find …
-exec` runs, and `mkdir -m`/`install -m`, which set a mode the same way)
gives write permission to *others*: a
numeric mode whose last digit has the write bit (`777`, `0666`, `-R 757`) or a
symbolic one that adds it for `o` or `a` (`a+w`, `o+rwx`, `ugo=rwx`,
`go+w`). A `COPY --chmod=`/`ADD --chmod=` that gives the same (`--chmod=777`,
`--chmod=0666`, or a symbolic mode, which BuildKit accepts from Dockerfile syntax
1.14) is reported alike: it sets the mode of every file and directory it copies.
A builder stage's `chmod` is reported when the final stage's `COPY --from`
takes what it changed (`RUN chmod -R 777 /opt/venv` in `build`, then `COPY
--from=build /opt/venv /opt/venv`): BuildKit copies the files and directories
inside a source directory with their modes, and a source file with its own.
The source directory itself is not copied, only its contents (BuildKit makes the
destination 0755, or keeps the one there), so a non-recursive `chmod 777
/models` or `mkdir -m 777 /models` on the directory `COPY --from=fetch /models
/models` names is not reported; `chmod -R 777 /models` is. A stage's files the
image does not copy, and a `COPY --from` that gives its own `--chmod`, are not
reported.
A mode with the sticky bit (`1777`, `a+rwxt`) is how shared
directories such as `/tmp` are made, and is not reported where it goes on
directories (`chmod 1777 /tmp/ray`, `mkdir -m 1777`, `install -d -m 1777`,
`find … -type d -exec chmod 1777`, and `COPY --chmod=1777 scratch/ /scratch/`,
a shared directory shipped with the image); `chmod -R 1777 /scratch` and
`install -m 1777 file` give it to files, where it does nothing, and are
reported. Neither is `+w`
with no `ugoa` prefix, which the umask keeps from reaching others.

## Why is this bad?
Any process in the container, under any user, can then rewrite those files:
the application's code, its entrypoint script, a model's weights or a
config that is executed later. A compromised low-privilege helper (a
notebook kernel, a data loader) uses that to take over the main process.
`chmod -R 777` usually papers over a user mismatch that `--chown` or the
right `USER` fixes properly.

## Example
```dockerfile
FROM python:3.12-slim
COPY . /app
RUN chmod -R 777 /app
USER 10001
CMD ["python", "/app/serve.py"]
```
Use instead:
```dockerfile
FROM python:3.12-slim
COPY --chown=10001:10001 . /app
USER 10001
CMD ["python", "/app/serve.py"]
```
"""
from __future__ import annotations

import fnmatch
import posixpath
from collections.abc import Iterator

from glmlint import lazyre
from glmlint.ir import Command, Format, Word, Workload
from glmlint.rule import Finding, Kind, Risk, Severity, rule

_NUMERIC = lazyre.compile(r"^0*([0-7]{1,4})$")
_CLAUSE = lazyre.compile(r"^([ugoa]*)((?:[-+=][rwxXst]*)+)$")
_OP = lazyre.compile(r"([-+=])([rwxXst]*)")


@rule(code="GLM014", slug="world-writable", severity=Severity.WARNING,
      message="{name} makes files world-writable (`{mode}`)", formats={Format.DOCKERFILE},
      tags=("security", "cwe-732"),
      kind=Kind.MISCONFIGURATION, risk=Risk.LOW)
def check(workload: Workload) -> Iterator[Finding]:
    for cmd in workload.build_steps:
        mode = mode_word(cmd)
        if mode is not None and not mode.dynamic and world_writable(mode.text, directories_only(cmd)):
            yield Finding(at=mode.loc, args={"name": workload.label, "mode": mode.text})
    for item in workload.copy_modes:  # `COPY --chmod=777`: the mode of every file it copies
        if "$" not in item.value and world_writable(item.value):
            yield Finding(at=item.loc, args={"name": workload.label, "mode": f"--chmod={item.value}"})
    seen = set()
    for taken in workload.stage_copies:
        if taken.chmod:
            continue  # `COPY --from=build --chmod=755`: the copies get that mode, not the stage's
        directories = _directories(taken.steps)
        for workdir, cmd in taken.steps:
            mode = mode_word(cmd)
            if mode is None or mode.dynamic or mode.loc in seen or not world_writable(mode.text, directories_only(cmd)):
                continue
            path = _copied(cmd, workdir, taken.sources, directories)
            if path is not None:
                seen.add(mode.loc)
                yield Finding(at=mode.loc, args={"name": workload.label, "mode": mode.text},
                              message=f"stage `{taken.stage}` makes `{path}` world-writable (`{mode.text}`), and "
                                      f"{workload.label} copies it (`COPY --from={taken.stage}`, line "
                                      f"{taken.loc.line})")


def _copied(cmd: Command, workdir: str, sources: tuple[str, ...], directories: set[str]) -> str | None:
    """The path `cmd` changes the mode of that a `COPY --from` takes with its mode (a source file, a
    path inside a source, or, for a recursive change, a path holding one), else None. A source
    directory's own mode stays behind: BuildKit copies its contents into a destination it creates
    0755 (or keeps), as `docker build`'s COPY reference says."""
    recursive = cmd.name == "find" or (cmd.name == "chmod" and any(
        w.text == "--recursive" or (w.text.startswith("-") and not w.text.startswith("--")
                                            and "R" in w.text) for w in cmd.args))
    for target in _targets(cmd):
        if target.dynamic or "$" in target.text or (not target.text.startswith("/") and not workdir):
            continue
        path = posixpath.normpath(posixpath.join(workdir or "/", target.text))
        for source in sources:
            if path.startswith(source.rstrip("/") + "/"):
                return path
            if path == source or fnmatch.fnmatchcase(path, source):
                if recursive:
                    return path  # `chmod -R 777 /models`: everything in it is copied with that mode
                if cmd.name != "mkdir" and path not in directories:
                    return path  # a file (or what the stage does not show to be a directory)
                continue  # `chmod 777 /models`, `mkdir -m 777 /models`: only its contents are copied
            if recursive and (source.startswith(path.rstrip("/") + "/") or path == "/"):
                return source  # `chmod -R 777 /models`, and `/models/llama` is copied
    return None


def _directories(steps: tuple[tuple[str, Command], ...]) -> set[str]:
    """The paths a stage's commands show to be directories: what a `mkdir` or `install -d` makes, and
    the parents of every absolute path its commands name (`-d /models/wheels`: `/models`)."""
    out: set[str] = set()
    for workdir, cmd in steps:
        made = cmd.name == "mkdir" or (cmd.name == "install" and cmd.has_flag("-d", "--directory"))
        for w in cmd.args:
            text = w.text.split("=", 1)[1] if w.text.startswith("--") and "=" in w.text else w.text
            if w.dynamic or "$" in text or text.startswith("-"):
                continue
            if not text.startswith("/"):
                if not (made and workdir):
                    continue
                text = posixpath.join(workdir, text)
            path = posixpath.normpath(text)
            if made:
                out.add(path)
            while path not in ("/", ""):
                path = posixpath.dirname(path)
                out.add(path)
    return out


def _targets(cmd: Command) -> list[Word]:
    """The paths whose mode `cmd` sets: a `chmod`'s operands after the mode, the starting points of
    a `find … -exec chmod`, the directories `mkdir -m` makes, the last operand of `install -m`."""
    if cmd.name == "find":
        out = []
        for w in cmd.args:
            if w.text.startswith(("-", "(", "!")):
                break
            out.append(w)
        return out
    mode = mode_word(cmd)
    if cmd.name == "chmod":
        after = cmd.args[cmd.args.index(mode) + 1:] if mode in cmd.args else ()
        return [w for w in after if not w.text.startswith("-")]
    words = [w for w in cmd.args if w is not mode and not (w.text.startswith("-") and w.text != "-")]
    if cmd.name == "install":
        return words[-1:] if not cmd.has_flag("-d", "--directory") else words
    if cmd.name == "mkdir":
        return words
    return []


def mode_word(cmd: Command) -> Word | None:
    """The word holding the mode a `chmod`, `mkdir -m` or `install -m` sets (also the `chmod` a
    `find … -exec`/`-execdir` runs on every file it finds)."""
    if cmd.name == "find":
        return _find_exec(cmd)
    args = cmd.args
    if cmd.name in ("mkdir", "install"):
        for i, w in enumerate(args):
            if w.text in ("-m", "--mode"):
                return args[i + 1] if i + 1 < len(args) else None
            if w.text.startswith("--mode="):
                return Word(w.text[len("--mode="):], w.loc, w.dynamic)
            if w.text.startswith("-m") and not w.text.startswith("--"):
                return Word(w.text[2:], w.loc, w.dynamic)
        return None
    if cmd.name != "chmod":
        return None
    for i, w in enumerate(args):
        if w.text == "--":
            return args[i + 1] if i + 1 < len(args) else None
        if w.text.startswith("--reference"):
            return None  # the mode is copied from a file
        if w.text.startswith("-") and not _CLAUSE.match(w.text.split(",")[0]):
            continue  # -R, -v, -f, --recursive, ... (`-w` alone is a mode, not an option)
        return w
    return None


def _find_exec(cmd: Command) -> Word | None:
    """The mode of the `chmod` in `find … -exec chmod MODE {} ;` (or `+`), if any."""
    args = cmd.args
    for i, w in enumerate(args):
        if w.text in ("-exec", "-execdir", "-ok", "-okdir") and i + 1 < len(args):
            end = next((k for k in range(i + 1, len(args)) if args[k].text in (";", "\\;", "+")), len(args))
            inner = Command(args[i + 1:end], args[i + 1].loc)
            if inner.name == "chmod":
                return mode_word(inner)
    return None


def directories_only(cmd: Command) -> bool:
    """Whether `cmd` sets its mode on directories only, where the sticky bit keeps others from removing
    what they do not own: `mkdir -m`, `install -d -m`, `find -type d -exec chmod`, and a `chmod` that is
    not recursive (the sticky bit goes on a shared directory such as `/tmp`). A recursive `chmod -R 1777`,
    a `find` of files and `install -m` of a file give the mode to files, where the sticky bit does
    nothing (chmod(1): it is for directories; Linux ignores it on files)."""
    if cmd.name == "mkdir":
        return True
    if cmd.name == "install":
        return cmd.has_flag("-d", "--directory")
    words = [w.text for w in cmd.args]
    if cmd.name == "find":  # `-type d`, or `-maxdepth 0`: the directories named, not their files
        return any((w == "-type" and words[i + 1:i + 2] == ["d"]) or (w == "-maxdepth" and words[i + 1:i + 2] == ["0"])
                   for i, w in enumerate(words))
    return not any(w == "--recursive" or (w.startswith("-") and not w.startswith("--") and "R" in w)
                   for w in words)


def world_writable(mode: str, directories: bool = True) -> bool:
    """Whether a chmod mode gives others write permission without the sticky bit (`directories`: the
    mode goes on directories only, where the sticky bit makes a shared directory; on files it does
    nothing)."""
    numeric = _NUMERIC.match(mode)
    if numeric:
        digits = numeric.group(1).rjust(4, "0")
        return bool(int(digits[3]) & 2) and not (directories and int(digits[0]) & 1)
    others_write = sticky = False
    for clause in mode.split(","):
        m = _CLAUSE.match(clause)
        if m is None:
            return False  # a form we do not model (`o=u`): say nothing
        who = m.group(1)
        # with no `ugoa` the umask protects others' bits (coreutils), so only `o`/`a` reach them
        reaches_others = "o" in who or "a" in who
        for op, perms in _OP.findall(m.group(2)):
            if "t" in perms and op in "+=":
                sticky = True
            if not reaches_others:
                continue
            if op == "=":
                others_write = "w" in perms
            elif "w" in perms:
                others_write = op == "+"
    return others_write and not (directories and sticky)
