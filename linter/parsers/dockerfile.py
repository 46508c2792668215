"""Dockerfile -> IR: the final stage as a workload, with its inherited image settings.

dockerfile-parse finds instruction boundaries (continuations, comments inside
them, the `escape` directive). Before it sees the text, BuildKit heredoc bodies
(`RUN <<EOF ... EOF`) are blanked out, because dockerfile-parse 2.0 reads them
as instructions; the bodies are kept here and given back to the shell parser or
to `COPY <<EOF` as file contents. Stages are resolved the way BuildKit does:
only the last stage runs, `FROM <stage>` inherits that stage's USER, ENV, CMD
and ENTRYPOINT, `ARG`s before the first FROM are global defaults that a stage
sees only after redeclaring them, and `$VAR`/`${VAR:-x}` are substituted in
USER, ENV, ARG, EXPOSE and FROM. A script a `RUN` runs (`bash /tmp/setup.sh`, `./install.sh`) is read
into the build steps when the image has it (`_run_scripts`): written by the build, or copied from the
build context the scan reads beside the Dockerfile.
"""
from __future__ import annotations

import io
import itertools
import json
import os
import posixpath
import re
from collections.abc import Callable
from functools import lru_cache
from stat import S_ISDIR, S_ISREG

from glmlint import lazyre
from glmlint.catalog.images import default_user, fact, sh, shell_wrapper
from glmlint.ir import (Command, Download, EnvVar, FileWrite, Format, ImageRef, Item, Loc, Port, Problem, Redirect,
                        Setting, SourceFile, StageCopy, User, Word, Workload, has_variable)
from glmlint.parsers.base import split_lines
from glmlint.records import dataclass, field
from glmlint.shell import (SHELLS, file_writes, from_argv, git_clone, inherit, is_dash, output_of, parse_script,
                           privilege_drop, shifted)

KNOWN = {"ADD", "ARG", "CMD", "COPY", "ENTRYPOINT", "ENV", "EXPOSE", "FROM", "HEALTHCHECK", "LABEL",
         "MAINTAINER", "ONBUILD", "RUN", "SHELL", "STOPSIGNAL", "USER", "VOLUME", "WORKDIR"}
# instructions BuildKit refuses without arguments (RUN, CMD, ENTRYPOINT are left to the shell)
_NEEDS_ARGUMENTS = {"ADD", "ARG", "COPY", "ENV", "EXPOSE", "FROM", "LABEL", "MAINTAINER", "ONBUILD", "STOPSIGNAL",
                    "USER", "VOLUME", "WORKDIR"}
_HEREDOC = lazyre.compile(r"<<(-?)(['\"]?)([A-Za-z_][A-Za-z0-9_.-]*)\2")
_LEADING_HEREDOCS = lazyre.compile(r"(?:[ \t]*<<-?[ \t]*(['\"]?)[A-Za-z_][A-Za-z0-9_.-]*\1)+[ \t]*(?=[^\s<])")
_ESCAPE_DIRECTIVE = re.compile(r"^\s*#\s*escape\s*=\s*([\\`])\s*$", re.I)
_DIRECTIVE = re.compile(r"^\s*#\s*[a-zA-Z_]+\s*=")
_KEYWORD = re.compile(r"\s*\S+\s*")  # an instruction's keyword and the blanks after it
_NONBLANK = re.compile(r"\S+")
_RUN_FLAGS = re.compile(r"((?:--[a-z-]+(?:=(?:\"[^\"]*\"|'[^']*'|\S+))?\s+)*)")
_VAR = lazyre.compile(r"\$(?:\{(?P<b>[A-Za-z_][A-Za-z0-9_]*)(?:(?P<op>:?[-+])(?P<w>[^}]*))?\}|(?P<n>[A-Za-z_][A-Za-z0-9_]*))")


class DockerfileError(Exception):
    def __init__(self, message: str, line: int) -> None:
        super().__init__(message)
        self.line = line


@dataclass
class Instruction:
    name: str
    start: int  # 0-based first line
    end: int  # 0-based last line
    args: str  # arguments as one line (continuations joined, comment lines dropped)
    source: str  # arguments with continuations kept, for the shell parser
    rows: list[tuple[int, int]]  # source row -> (0-based file line, column offset)
    heredocs: list[tuple[str, str, int]] = field(default_factory=list)  # (word, body, first body line)
    index: int = 0

    def loc(self, offset: int = 0) -> Loc:
        line, col = self.rows[0] if self.rows else (self.start, 0)
        return Loc(line + 1, col + offset + 1)


@dataclass(frozen=True)
class _Written:
    """A file the build writes whose text is known: a script the ENTRYPOINT/CMD may start."""

    text: str
    locate: Callable[[int, int], Loc]  # (row, column) in `text` -> where it is written
    shown: str = ""  # "": located in the Dockerfile itself; else the image path (no exact place)

    def then(self, more: _Written) -> _Written:
        """This text with `more` appended (`echo ... >> /start.sh`)."""
        rows = self.text.count("\n")
        first, second = self.locate, more.locate

        def locate(row: int, col: int) -> Loc:
            return first(row, col) if row < rows else second(row - rows, col)
        return _Written(self.text + more.text, locate, self.shown or more.shown)


@dataclass
class Stage:
    name: str | None
    base: str
    from_loc: Loc
    parent: Stage | None
    index: int
    instructions: list[Instruction] = field(default_factory=list)
    # resolved state
    env: dict[str, str] = field(default_factory=dict)
    env_vars: list[EnvVar] = field(default_factory=list)
    user: Setting[User | None] | None = None
    entrypoint: Setting[tuple[Word, ...] | None] | None = None
    cmd: Setting[tuple[Word, ...] | None] | None = None
    cmd_inst: Instruction | None = None
    entrypoint_inst: Instruction | None = None
    ports: list[Port] = field(default_factory=list)
    steps: list[Command] = field(default_factory=list)
    step_dirs: list[str] = field(default_factory=list)  # the WORKDIR each of `steps` ran in
    # `COPY --from=<stage>` here: (the stage, `--from` as written, absolute sources, the COPY, `--chmod` given)
    stage_copies: list[tuple[Stage, str, tuple[str, ...], Loc, bool]] = field(default_factory=list)
    # images `COPY --from=<image>` and `RUN --mount=…,from=<image>` pull: (reference, where, resolved, flag)
    image_uses: list[tuple[str, Loc, bool, str]] = field(default_factory=list)
    files: list[FileWrite] = field(default_factory=list)
    cmd_set_here: bool = False
    base_loc: Loc | None = None  # the image reference in the `FROM` line
    base_resolved: bool = True  # False when the `FROM` image holds a build argument with no known value
    downloads: list[Download] = field(default_factory=list)  # `ADD <url>` in this stage
    modes: list[Item] = field(default_factory=list)  # `COPY --chmod=`/`ADD --chmod=` in this stage
    # `COPY --chown=`/`ADD --chown=` in this stage: (the user it names, before `:`; the destination, absolute)
    owners: list[tuple[str, str]] = field(default_factory=list)
    # image paths this stage's `COPY`/`ADD` from the build context (or a heredoc) writes, with the instruction
    copied_in: list[tuple[str, Loc]] = field(default_factory=list)
    workdir: str = "/"  # the `WORKDIR` in effect (inherited through `FROM <stage>`)
    # what `COPY`/`ADD` put where from the build context, in order (inherited through `FROM <stage>`):
    # (destination as an absolute path, source as written, several sources)
    copies: list[tuple[str, str, bool]] = field(default_factory=list)
    # scripts the build writes (`COPY <<EOF /start.sh`, `RUN cat <<'EOF' > /start.sh`,
    # `RUN echo '...' > /start.sh`): image path -> its text and where each character is written
    scripts: dict[str, _Written] = field(default_factory=dict)
    # the `SHELL` in effect: the image config's Shell, inherited through `FROM <stage>` (and from an
    # external base whose Shell the catalog knows); `RUN`'s text is run with it
    shell: list[str] = field(default_factory=list)
    # `_copied_script`'s memo: image path -> (how many of `copies` were searched, the script they give)
    looked: dict[str, tuple[int, tuple[str, str] | None]] = field(default_factory=dict, repr=False)
    # `copies` by destination (`_copy_base`) -> the position of the last copy there: which image paths
    # a copy may give (`_may_give`), without reading each copy (`_copied_from`)
    bases: dict[str, int] = field(default_factory=dict, repr=False)


# The last text `parse` read and the instructions it split it into: the fix engine lowers a file's
# fixes against the same text object right after the scan parsed it (`fix.dockerfile`), and takes
# them instead of splitting it again. Nothing changes an `Instruction` once split.
last_split: tuple[str, list[Instruction]] | None = None


def parse(path: str, text: str, real_path: str = "", target: str | None = None,
          given: dict[str, str] | None = None) -> SourceFile:
    """`real_path`: where the file is on disk, so that a `COPY` of a file the rules read
    (`CONTEXT_FILES`) can be read from the build context beside it. `target`: the stage a
    `docker build --target` builds (compose `build.target`) instead of the last one. `given`: the
    build arguments it is built with (`docker build --build-arg`, compose `build.args`)."""
    global last_split
    lines = split_lines(text)
    instructions = split_instructions(lines)
    last_split = (text, instructions)
    build_args: list[EnvVar] = []
    context = _context_reader(real_path, path) if real_path else None
    stages = build_stages(instructions, build_args, context, given)
    if not stages:
        raise DockerfileError("no FROM instruction", 1)
    final = stages[-1]
    if target is not None:
        final = next((s for s in stages if s.name == target.lower()), None) or final
    chain = []
    stage: Stage | None = final
    while stage is not None:
        chain.append(stage)
        stage = stage.parent
    chain.reverse()
    root = chain[0]
    anchor = final.from_loc
    user = final.user or _image_user(root, anchor)
    steps = [c for s in chain for c in s.steps]
    files = [f for s in chain for f in s.files]
    process = _process(final, root.base)
    script = _entry_script(final, process, context)
    drop = _privilege_drop(final, process, script)
    if script is not None:  # what the script runs, and the CMD it runs with `exec "$@"`
        process += script.commands + script.arguments
    files += file_writes(process, image=root.base)
    name = final.name or "final stage"
    workload = Workload(
        name=name,
        label=f"stage `{final.name}`" if final.name else "the final stage",
        format=Format.DOCKERFILE,
        path=path,
        anchor=anchor,
        node_path=("stage", final.index),
        image=Setting(root.base, root.from_loc),
        user=user,
        ports=tuple(p for s in chain for p in s.ports),
        env=tuple(final.env_vars),
        build_args=tuple(build_args),
        entrypoint=final.entrypoint or Setting(None, anchor, explicit=False),
        command=final.cmd or Setting(None, anchor, explicit=False),
        process=tuple(process),
        privilege_drop=drop,
        build_steps=tuple(steps),
        copy_modes=tuple(m for s in chain for m in s.modes),
        copy_owners=tuple(o for s in chain for o in s.owners),
        copied_in=tuple(c for s in chain for c in s.copied_in),
        stage_copies=_stage_copies(chain),
        all_build_steps=tuple(c for s in stages for c in s.steps),
        files=tuple(files),
        base_image=root.base,
        runnable=final.entrypoint is not None or final.cmd is not None or not _starts_nothing(root.base),
        pulls=tuple(_pulls(stages, real_path)),
        downloads=tuple(d for s in stages for d in s.downloads),
        workdir=final.workdir if final.workdir != "/" else None,
    )
    source = SourceFile(path=path, format=Format.DOCKERFILE, text=text, workloads=[workload])
    for var in (*workload.env, *workload.build_args):
        if var.defaulted:  # a finding about it says "when `VAR` is unset"
            source.assumed[(var.loc.line, var.loc.col)] = var.defaulted
    last = len(lines) - 1
    while last >= 0 and not lines[last].strip():
        last -= 1
    if last >= 0 and not lines[last].lstrip().startswith("#") and lines[last].rstrip().endswith(escape_char(lines)):
        # BuildKit ends the instruction at the end of the file and builds it
        source.problems.append(Problem(path, last + 1, "the file ends inside a line continuation; "
                                       "checked as BuildKit builds it", level="notice"))
    return source


def _targets_expanded(commands: list[Command], stage: Stage, scope: dict[str, str]) -> list[Command]:
    """`commands` with each redirect target the build's shell expands (`> /home/$MAMBA_USER/.jupyter/…`)
    read with the build's variables: the stage's `ARG`s and `ENV`, over its external base image's
    `ENV` from the image catalog; a target with a variable none of them sets stays as written."""
    if not any(r.target.dynamic for cmd in commands for r in cmd.redirects):
        return commands
    root = _root(stage)
    from glmlint import records
    known = fact(root.base, "env")
    env = {**({str(k): str(v) for k, v in known.value.items()} if known is not None and isinstance(known.value, dict)
              else {}), **scope}
    out = []
    for cmd in commands:
        redirects = []
        for r in cmd.redirects:
            t = r.target
            if t.dynamic and "`" not in t.text and "$(" not in t.text:
                text = substitute(t.text, env)
                if "$" not in text:
                    r = records.replace(r, target=records.replace(t, text=text, dynamic=False))
            redirects.append(r)
        out.append(records.replace(cmd, redirects=tuple(redirects)))
    return out


# the commands whose path operands `_paths_resolved` reads as the shell hands them over
_REMOVERS = frozenset({"rm", "unlink", "find"})
_WRITES = frozenset({">", ">|", "&>", ">>", "&>>"})  # the redirections that write their target


def _paths_resolved(commands: list[Command], own: list[Command], stage: Stage, scope: dict[str, str],
                    inst: Instruction | None = None) -> list[Command]:
    """`commands` (a `RUN`'s, with the scripts it runs) with the paths `rm`, `unlink` and `find` name, the
    files `tee` writes and the targets of output redirections (`> dev`) read as the build's shell reads them:
    a variable the stage's `ARG`s and `ENV` (over its external base image's catalog `ENV`) set is expanded
    (`rm -f ${SUDOERS_FILE}`), and a relative path is taken from the directory the command runs in: the
    `WORKDIR`, then each `cd DIR`/`pushd DIR` before it (`cd /etc/sudoers.d && rm -f dev`, `… && echo '…' >
    dev`: a grant and its removal are read alike; POSIX XCU `cd`). A script the `RUN` runs starts in the directory of the command that runs it and
    keeps its own (a child shell's `cd` does not move its parent's). A `cd` with no operand, `-`, a word the
    build's variables do not fill, or `popd` leaves the directory unknown: relative paths then stay as written.
    A `cd` in a subshell (`( … )`, `$( … )`: POSIX XCU 2.12) holds for the commands of that subshell and ends with
    it: after its `)` the directory is the one before the subshell (the shell model keeps no subshells, so they are
    read from the parentheses of the RUN's text, `inst`; quotes are not told apart)."""
    if not any(c.name in _REMOVERS or c.name in ("tee", "git") or any(r.op in _WRITES for r in c.redirects)
               for c in commands):
        return commands
    from glmlint import records
    known = fact(_root(stage).base, "env")
    env = {**({str(k): str(v) for k, v in known.value.items()} if known is not None and isinstance(known.value, dict)
              else {}), **scope}
    mine = {id(c) for c in own}
    dirs: dict[str, str | None] = {}  # "": the RUN's own shell; else a script's (its file, or its heredoc)
    here: str | None = stage.workdir
    run_text = _run_text(inst) if inst is not None else None
    subshells: list[tuple[int, int, str | None]] = []  # a `cd` in a subshell: (its offset, depth, the dir before)
    out = []
    for cmd in commands:
        key = "" if id(cmd) in mine else (cmd.loc.file or "<<")
        if key == "":
            dirs.clear()  # (a script run again starts afresh where it is run)
            if subshells and run_text is not None:
                at = _offset(inst, run_text, cmd.loc)
                while subshells and _closed(run_text, subshells[-1][0], at, subshells[-1][1]):
                    here = subshells.pop()[2]  # (its subshell ended: the directory before it)
            cwd = here
        else:
            cwd = dirs.setdefault(key, here)
        if cmd.name in ("cd", "pushd", "popd"):
            operands = [w for w in cmd.args if w.text not in ("-L", "-P", "-e", "--")]
            target = None
            if cmd.name != "popd" and len(operands) == 1 and operands[0].text != "-":
                text = substitute(operands[0].text, env) if operands[0].dynamic else operands[0].text
                if "$" not in text and "`" not in text and (text.startswith("/") or cwd is not None):
                    target = posixpath.normpath(posixpath.join(cwd or "/", text))
            if key == "" and run_text is not None:
                at = _offset(inst, run_text, cmd.loc)
                depth = run_text.count("(", 0, at) - run_text.count(")", 0, at)
                if depth > 0:
                    subshells.append((at, depth, here))
            if key == "":
                here = target
            else:
                dirs[key] = target
        elif cmd.name in _REMOVERS or cmd.name == "tee":
            args: list[Word] = []
            paths = True  # (find: its starting points come before its expression; rm: every operand)
            for w in cmd.args:
                text = w.text
                if cmd.name == "find" and (text.startswith(("-", "(", "!")) or text == ")"):
                    paths = paths and text in ("-H", "-L", "-P")  # (options before the starting points)
                if not paths or text.startswith("-") or (w.dynamic and ("`" in text or "$(" in text)):
                    args.append(w)
                    continue
                if w.dynamic:
                    text = substitute(text, env)
                    if "$" in text:
                        args.append(w)
                        continue
                if not text.startswith("/") and cwd is not None:
                    text = posixpath.normpath(posixpath.join(cwd, text)) + ("/" if text.endswith("/") else "")
                args.append(w if text == w.text and not w.dynamic else records.replace(w, text=text, dynamic=False))
            if any(a is not b for a, b in zip(args, cmd.args)):
                cmd = records.replace(cmd, argv=(cmd.argv[0], *args))
        elif cmd.name == "git":
            cmd = _clone_resolved(cmd, cwd, env)
        if cwd is not None and any(r.op in _WRITES and not r.target.text.startswith("/") for r in cmd.redirects):
            cmd = records.replace(cmd, redirects=tuple(_redirect_resolved(r, cwd, env) for r in cmd.redirects))
        out.append(cmd)
    return out


def _clone_resolved(cmd: Command, cwd: str | None, env: dict[str, str]) -> Command:
    """`git clone URL DIR` with its DIR as the build's shell hands it over: the build's variables expanded
    (`git clone …/ComfyUI.git ${ROOT}`), a relative one taken from the directory it runs in (`cwd`)."""
    from glmlint import records
    got = git_clone(cmd)
    if got is None or got[1] is None:
        return cmd
    w = cmd.argv[got[1]]
    text = substitute(w.text, env) if w.dynamic else w.text
    if "$" in text or "`" in text:
        return cmd
    if not text.startswith("/"):
        if cwd is None:
            return cmd
        text = posixpath.join(cwd, text)
    text = posixpath.normpath(text)
    if text == w.text and not w.dynamic:
        return cmd
    argv = list(cmd.argv)
    argv[got[1]] = records.replace(w, text=text, dynamic=False)
    return records.replace(cmd, argv=tuple(argv))


def _redirect_resolved(r: Redirect, cwd: str, env: dict[str, str]) -> Redirect:
    """An output redirection's relative target (`> dev`, `> "$NAME"`) taken from the directory `cwd` it runs in;
    a variable the build sets expanded, one it does not left as written (the directory is known: `_known_dir`)."""
    from glmlint import records
    t = r.target
    if r.op not in _WRITES or t.text.startswith("/") or "`" in t.text or "$(" in t.text:
        return r
    text = substitute(t.text, env) if t.dynamic else t.text
    if text.startswith("/"):
        return r  # (a variable that holds an absolute path: `_targets_expanded` reads it)
    return records.replace(r, target=records.replace(t, text=posixpath.normpath(posixpath.join(cwd, text)),
                                                     dynamic="$" in text))


def _run_text(inst: Instruction) -> str:
    """The RUN's text as its rows hold it, one `\n` between rows (`_offset` counts in it)."""
    return "\n".join(inst.source.split("\n")[:len(inst.rows)])


def _offset(inst: Instruction, text: str, loc: Loc) -> int:
    """Where `loc` (a command's place in the Dockerfile) is in `_run_text(inst)`."""
    rows = text.split("\n")
    off = 0
    for row, (line, col) in enumerate(inst.rows):
        row_text = rows[row] if row < len(rows) else ""
        if line + 1 == loc.line:
            return off + max(0, min(len(row_text), loc.col - 1 - col))
        if line + 1 > loc.line:
            return off
        off += len(row_text) + 1
    return off


def _closed(text: str, start: int, end: int, depth: int) -> bool:
    """Whether the subshell open at `start` (`depth` parentheses deep) closes before `end`."""
    level = depth
    for ch in text[start:end]:
        if ch == "(":
            level += 1
        elif ch == ")":
            level -= 1
            if level < depth:
                return True
    return False


def _starts_nothing(base: str) -> bool:
    """A base image with neither ENTRYPOINT nor CMD: `scratch`, or one the image catalog lists."""
    if base.strip().lower() == "scratch":
        return True
    known = fact(base, "no_default_command")
    return known is not None and known.value is True


def _image_user(root: Stage, anchor: Loc) -> Setting[User | None]:
    """The user a stage chain with no `USER` runs as: its base image's default user.

    That is root unless the image catalog knows the base image publishes a non-root
    default user (`gcr.io/distroless/*:nonroot`, Chainguard, Jupyter Docker Stacks, ...);
    that setting points at the `FROM` that names the image, root at `anchor`.
    """
    known = default_user(root.base)
    if known is not None:
        return Setting(User.parse(str(known.value)), root.from_loc, explicit=False)
    return Setting(User.parse("root"), anchor, explicit=False)


# -- instruction splitting ---------------------------------------------------------


def escape_char(lines: list[str]) -> str:
    """The line continuation character: `\\`, or what an `# escape=` directive sets."""
    for line in lines:
        m = _ESCAPE_DIRECTIVE.match(line)
        if m:
            return m.group(1)
        if not _DIRECTIVE.match(line):
            break
    return "\\"


def split_instructions(lines: list[str]) -> list[Instruction]:
    escape = escape_char(lines)
    blanked, heredocs = _blank_heredocs(lines, escape)
    # a final newline: dockerfile-parse drops a last line that is one bare word without one (`FROM x\nBOGUS`)
    text = "\n".join(blanked) + "\n"
    try:
        text.encode("utf-8")
        spans = instruction_lines(text)
    except UnicodeEncodeError:  # lone surrogates: dockerfile-parse's own handling (its decoding refuses them)
        spans = _dockerfile_parse_lines(text)
    out: list[Instruction] = []
    for name, start, end in spans:
        if name not in KNOWN:
            raise DockerfileError(f"unknown instruction `{lines[start].strip().split()[0]}`", start + 1)
        source, rows, args = _arguments(lines, start, end, escape)
        if not args.strip() and name in _NEEDS_ARGUMENTS:
            raise DockerfileError(f"`{name}` requires at least one argument", start + 1)  # as BuildKit
        inst = Instruction(name, start, end, args, source, rows, heredocs.get(start, []), len(out))
        out.append(inst)
    return out


def instruction_lines(text: str) -> list[tuple[str, int, int]]:
    """Each instruction of `text` as (keyword upper-cased, first line, last line), 0-based, in order:
    the lines dockerfile-parse's `DockerfileParser.structure` gives its instructions (its comments
    left out), found the same way without importing it (it imports `logging`: ~4 ms of CPU of a
    one-file check, issue 12). `tests/test_dockerfile_lines.py` compares the two.

    The text is read in lines split at `\\n` only. Until a line is neither an `escape` nor a
    `syntax` parser directive, an `escape` directive sets the continuation character. A comment
    line (`#` after blanks) is skipped, inside a continuation too. Outside one, a line starts an
    instruction when a keyword is followed by a blank (the line's newline counts); any other line
    is skipped. Inside one, every other line (an empty one too) belongs to the instruction. An
    instruction goes on while its line ends with the continuation character (blanks after it
    allowed); one still going on at the end of the text is dropped."""
    lines = text.split("\n")  # each line without its newline; every one but the last had one
    ends = len(lines) - 1  # the last (text after the last newline): has none
    if not lines[-1]:
        lines.pop()
    escape = "\\"
    directives = True
    out: list[tuple[str, int, int]] = []
    keyword, first = "", -1  # the instruction that continues on the next line (first >= 0)
    for n, line in enumerate(lines):
        bare = line.lstrip()
        if directives:
            if not bare.startswith("#"):
                directives = False
            else:
                m = _PARSE_ESCAPE.match(line)
                if m:
                    escape = m.group(1)
                elif not _PARSE_SYNTAX.match(line):
                    directives = False
        if bare.startswith("#"):
            continue
        if first < 0:
            words = bare.split(None, 1)
            # no keyword, or nothing (not even a newline) after it
            if not words or (n == ends and len(words[0]) == len(bare)):
                continue
            keyword, first = words[0].upper(), n
        if not line.rstrip().endswith(escape):
            out.append((keyword, first, n))
            first = -1
    return out


# dockerfile-parse's parser directives: the continuation character, and `syntax` (which it skips over)
_PARSE_ESCAPE = lazyre.compile(r"^\s*#\s*escape\s*=\s*(\\|`)\s*$", re.I)
_PARSE_SYNTAX = lazyre.compile(r"^\s*#\s*syntax\s*=\s*(.*)\s*$", re.I)


def _dockerfile_parse_lines(text: str) -> list[tuple[str, int, int]]:
    """`instruction_lines` by dockerfile-parse itself, for text with lone surrogates: it is given
    the text as bytes (`surrogatepass`) and decodes each line, refusing those (as it always did)."""
    from dockerfile_parse import DockerfileParser

    parser = DockerfileParser(fileobj=io.BytesIO(text.encode("utf-8", "surrogatepass")))
    return [(e["instruction"], e["startline"], e["endline"])
            for e in sorted(parser.structure, key=lambda e: e["startline"]) if e["instruction"] != "COMMENT"]


def _blank_heredocs(lines: list[str], escape: str) -> tuple[list[str], dict[int, list[tuple[str, str, int]]]]:
    """Prepare the text for dockerfile-parse, which knows neither heredocs nor empty continuation lines.

    Heredoc bodies become empty lines (returned keyed by their instruction's
    first line); an empty line inside a continuation, which BuildKit skips,
    becomes a comment line so that the instruction goes on.
    """
    out = list(lines)
    found: dict[int, list[tuple[str, str, int]]] = {}
    if not any("<<" in line for line in lines):
        # no heredoc (the common case): only the empty lines inside a continuation, that is
        # after a line (not a comment) that ends in the escape character, and comment or
        # empty lines since
        continued = False
        for i, line in enumerate(lines):
            bare = line.strip()
            if not bare:
                if continued:
                    out[i] = "#"
            elif bare[0] != "#":
                continued = line.rstrip().endswith(escape)
        return out, found
    n = len(lines)
    i = 0
    while i < n:
        stripped = lines[i].strip()
        if not stripped or stripped.startswith("#"):
            i += 1
            continue
        start = i
        capable = stripped.split(None, 1)[0].upper() in ("RUN", "COPY", "ADD", "ONBUILD")
        markers: list[tuple[str, str]] = []
        while True:
            line = lines[i]
            body = line.strip()
            if i != start and (not body or body.startswith("#")):
                if not body:
                    out[i] = "#"
                if i + 1 >= n:
                    break
                i += 1
                continue
            if capable:
                markers.extend((m.group(1), m.group(3)) for m in _HEREDOC.finditer(line))
            if line.rstrip().endswith(escape) and i + 1 < n:
                i += 1
                continue
            break
        i += 1
        for dash, word in markers:
            body_lines: list[str] = []
            first = i
            while True:
                if i >= n:
                    raise DockerfileError(f"unterminated heredoc `<<{word}`", start + 1)
                cur = lines[i]
                out[i] = ""
                i += 1
                cur_cmp = cur.lstrip("\t") if dash else cur
                if cur_cmp.rstrip("\r") == word:
                    break
                body_lines.append(cur_cmp)
            text = "\n".join(body_lines) + ("\n" if body_lines else "")
            found.setdefault(start, []).append((word, text, first))
    return out, found


def _arguments(lines: list[str], start: int, end: int, escape: str) -> tuple[str, list[tuple[int, int]], str]:
    first = lines[start]
    m = _KEYWORD.match(first)
    offset = m.end() if m else len(first)
    rows: list[tuple[int, int]] = [(start, offset)]
    if start == end:  # one line (most instructions): the loop below, unrolled
        part = first[offset:]
        body = part.rstrip()
        if body.endswith(escape):
            return body[:-1] + "\\", rows, body[:-1].strip()
        return part, rows, part.strip()
    joined: list[str] = []
    shell: list[str] = []
    for n in range(start, end + 1):
        if n == start:
            part = first[offset:]
        else:
            part = lines[n]
            bare = part.strip()
            if not bare or bare[0] == "#":
                continue  # comment and empty lines inside a continuation are dropped by Docker
            rows.append((n, 0))
        body = part.rstrip()
        if body.endswith(escape):
            joined.append(body[:-1])
            shell.append(body[:-1] + "\\")
        else:
            joined.append(part)
            shell.append(part)
    return "\n".join(shell), rows, "".join(joined).strip()


# -- stages --------------------------------------------------------------------------


def substitute(text: str, scope: dict[str, str]) -> str:
    """Docker's variable substitution; unknown variables are left as written."""

    def repl(m: re.Match[str]) -> str:
        name = m.group("b") or m.group("n")
        op, word = m.group("op"), m.group("w")
        value = scope.get(name)
        if op is None:
            return value if value is not None else m.group(0)
        if op in (":-", "-"):
            if value is None or (op == ":-" and value == ""):
                return word
            return value
        if op in (":+", "+"):
            if value is None or (op == ":+" and value == ""):
                return ""
            return word
        return m.group(0)

    return _VAR.sub(repl, text) if "$" in text else text


def build_stages(instructions: list[Instruction], arg_vars: list[EnvVar] | None = None,
                 context: ContextReader | None = None, given: dict[str, str] | None = None) -> list[Stage]:
    """The stages, resolved; every `ARG` declaration (global or in any stage) is added to `arg_vars`.
    `context` reads the build-context files a `COPY` puts where the rules look (`CONTEXT_FILES`).
    `given`: build arguments passed to the build; an `ARG` that declares one takes its value instead
    of its default (an argument no `ARG` declares is not used)."""
    given = given or {}
    global_args: dict[str, str] = {}
    declared = arg_vars if arg_vars is not None else []
    stages: list[Stage] = []
    by_name: dict[str, Stage] = {}
    names: set[str] | None = None  # every stage's name, read when a COPY or RUN first needs them
    staged: frozenset[str] | None = None  # `_staged`, read when a COPY from the context first needs it
    requirements: frozenset[str] | None = None  # `_requirement_files`, read likewise
    stage: Stage | None = None
    args: dict[str, str] = {}
    shell = _DEFAULT_SHELL
    # what `RUN`'s text is run with, worked out when `shell` changes (FROM, SHELL), not per RUN:
    # the POSIX shell, and whether it is dash
    run_shell: list[str] = shell
    dash = False
    for inst in instructions:
        if inst.name == "FROM":
            located = [(w, at) for w, at in words_of(inst) if not w.startswith("--")]
            words = [w for w, _at in located]
            if not words:
                raise DockerfileError("FROM needs an image", inst.start + 1)
            base = substitute(words[0], global_args)
            name = words[2].lower() if len(words) >= 3 and words[1].lower() == "as" else None
            parent = by_name.get(base.lower())
            stage = Stage(name, base, Loc(inst.start + 1, 1), parent, len(stages), base_loc=located[0][1],
                          base_resolved=not has_variable(base))
            if parent is not None:
                stage.env = dict(parent.env)
                stage.env_vars = list(parent.env_vars)
                stage.user = parent.user
                stage.entrypoint = parent.entrypoint
                stage.entrypoint_inst = parent.entrypoint_inst
                stage.cmd = parent.cmd
                stage.cmd_inst = parent.cmd_inst
                stage.workdir = parent.workdir
                stage.copies = list(parent.copies)
                stage.looked = dict(parent.looked)  # searched a prefix of the copies this stage starts with
                stage.bases = dict(parent.bases)
                stage.scripts = dict(parent.scripts)
            stages.append(stage)
            if name:
                by_name[name] = stage
            args = {}
            shell = stage.shell = list(parent.shell) if parent is not None else _base_shell(base)
            run_shell = _posix_shell(shell) or shell
            dash = _dash_sh(stage, run_shell)
            continue
        if stage is None:
            if inst.name == "ARG":
                for key, value in _pairs(inst.args, allow_bare=True):
                    if key in given:
                        global_args[key] = given[key]
                    elif value is not None:
                        global_args[key] = substitute(value, global_args)
                    declared.append(_arg_var(inst, key, value, global_args.get(key) if value is not None else None,
                                             global_args))
                continue
            raise DockerfileError(f"`{inst.name}` before the first FROM", inst.start + 1)
        scope = {**args, **stage.env}
        stage.instructions.append(inst)
        if inst.name == "ARG":
            for key, value in _pairs(inst.args, allow_bare=True):
                if key in given:
                    args[key] = given[key]
                elif value is not None:
                    args[key] = substitute(value, scope)
                elif key in global_args:
                    args[key] = global_args[key]
                declared.append(_arg_var(inst, key, value, args[key] if value is not None else None, scope))
        elif inst.name == "ENV":
            for key, written in _pairs(inst.args, allow_bare=False):
                dynamic, defaulted = _unknown(written, scope)
                value = substitute(written or "", scope)
                stage.env[key] = value
                scope[key] = value
                stage.env_vars = [v for v in stage.env_vars if v.name != key]
                stage.env_vars.append(EnvVar(key, value, _find(inst, key), ("instruction", inst.index),
                                             dynamic=dynamic, defaulted=defaulted,
                                             written=written if defaulted else None))
        elif inst.name == "USER":
            raw = substitute(inst.args.strip(), scope)
            if "'" in raw or '"' in raw:
                # BuildKit expands USER's word with its shell lexer, which removes quotes (`USER "root"`
                # is root: UserCommand.Expand, frontend/dockerfile/instructions/commands.go)
                raw = "".join(_shell_words(raw)) or raw
            user = User.parse(raw)
            written = inst.args.strip()
            if not user.raw and "$" in written and all((m.group("b") or m.group("n")) in scope
                                                       for m in _VAR.finditer(written)):
                # `ARG UID=` (or a build that does not pass an `ARG UID` with no default), then `USER
                # $UID`: BuildKit writes the expanded word, "", as the image's User (moby/buildkit
                # v0.29.0 dockerfile2llb `dispatchUser`), and a container whose image names no user
                # runs as root
                user = User(raw=written, name="root")
            stage.user = Setting(user, inst.loc(), path=("instruction", inst.index))
        elif inst.name == "EXPOSE":
            for word in inst.args.split():
                port, _, proto = substitute(word, scope).partition("/")
                stage.ports.append(Port(port, _find(inst, word), protocol=proto or "tcp", published=False,
                                        path=("instruction", inst.index)))
        elif inst.name == "SHELL":
            parsed = _json_array(inst.args)
            if parsed:
                shell = stage.shell = parsed
                run_shell = _posix_shell(shell) or shell
                dash = _dash_sh(stage, run_shell)
        elif inst.name == "RUN":
            own = commands = _run_commands(inst, run_shell)
            binds = _context_binds(inst, scope, stage.workdir)
            if stage.scripts or context is not None and (stage.copies or binds):
                commands = _run_scripts(stage, commands, context, binds)
            commands = _paths_resolved(commands, own, stage, scope, inst)
            if binds and context is not None:
                if staged is None:
                    staged = _staged(instructions)
                stage.files.extend(_bound_staged(binds, staged, context, inst.loc()))
            stage.steps.extend(commands)
            stage.step_dirs.extend([stage.workdir] * len(commands))
            stage.files.extend(file_writes(_targets_expanded(commands, stage, scope), dash, _root(stage).base, scope))
            _scripts_written(stage, inst, own, run_shell, scope)  # (located in the RUN: not a script's commands)
        if inst.name == "ADD":
            stage.downloads.extend(_downloads(inst, scope))
        if inst.name == "COPY" and not inst.heredocs:
            taken = _from_stage(inst, scope, stages, by_name)
            if taken is not None:
                stage.stage_copies.append(taken)
        if inst.name in ("COPY", "RUN"):
            if names is None:
                names = _all_stage_names(instructions)
            stage.image_uses.extend(_images_used(inst, scope, names))
        if inst.name in ("COPY", "ADD"):
            stage.modes.extend(_chmod(inst, scope))
            stage.owners.extend(_chown(inst, scope, stage.workdir))
            if not inst.heredocs:
                copied = _copies(inst, scope, stage.workdir)
                for copy in copied:
                    stage.bases[_copy_base(copy[0])] = len(stage.copies)
                    stage.copies.append(copy)
                stage.copied_in.extend((_copy_target(dest, src, several), inst.loc()) for dest, src, several in copied)
                for dest, src, _several in copied:  # a file copied over a script written before
                    stage.scripts.pop(dest.rstrip("/"), None)
                    stage.scripts.pop(posixpath.join(dest, posixpath.basename(src.rstrip("/"))), None)
        elif inst.name == "WORKDIR":
            stage.workdir = posixpath.normpath(posixpath.join(stage.workdir, substitute(inst.args.strip(), scope)))
        if inst.name in ("COPY", "ADD") and inst.heredocs:
            dest = inst.args.split()[-1] if inst.args.split() else ""
            for word, body, first in inst.heredocs:
                # `.` is the WORKDIR itself (BuildKit dispatchCopy adds the separator), as `dir/` is a directory
                target = dest.rstrip("/") + "/" + word if dest.endswith("/") or dest == "." else dest
                in_image = posixpath.normpath(posixpath.join(stage.workdir, substitute(target, scope)))
                stage.files.append(FileWrite(in_image, body, "write", inst.loc()))
                stage.copied_in.append((in_image, inst.loc()))
                written = in_image
                if f"<<-{word}" not in inst.source and f"<<-'{word}'" not in inst.source \
                        and f'<<-"{word}"' not in inst.source:
                    stage.scripts[written] = _Written(body, _body_rows(first))
                else:  # `<<-` strips the body's leading tabs: its columns moved, so it is shown by its path
                    stage.scripts[written] = _Written(body, _in_image(written), written)
        elif inst.name in ("COPY", "ADD") and context is not None:
            if staged is None:
                staged = _staged(instructions)
            stage.files.extend(_copied(inst, scope, context, staged, stage.workdir))
            if requirements is None:
                requirements = _requirement_files(instructions)
            if requirements:
                stage.files.extend(_requirements_copied(inst, copied, context, requirements))
        elif inst.name == "CMD":
            stage.cmd = _argv_setting(inst, shell)
            stage.cmd_inst = inst
            stage.cmd_set_here = True
        elif inst.name == "ENTRYPOINT":
            stage.entrypoint = _argv_setting(inst, shell)
            stage.entrypoint_inst = inst
            # BuildKit: ENTRYPOINT resets a CMD inherited from the base, not one set in this stage
            if not stage.cmd_set_here:
                stage.cmd = None
                stage.cmd_inst = None
    return stages


def words_of(inst: Instruction) -> list[tuple[str, Loc]]:
    """The instruction's blank-separated words with their locations (continuations followed)."""
    out: list[tuple[str, Loc]] = []
    texts = inst.source.split("\n")
    for row, (line, col) in enumerate(inst.rows):
        text = texts[row] if row < len(texts) else ""
        if text.rstrip().endswith("\\") and row < len(inst.rows) - 1:
            text = text.rstrip()[:-1]
        out.extend((m.group(), Loc(line + 1, col + m.start() + 1)) for m in _NONBLANK.finditer(text))
    return out


def _word_texts(inst: Instruction) -> list[str]:
    """`words_of`'s words without their locations."""
    out: list[str] = []
    texts = inst.source.split("\n")
    last = len(inst.rows) - 1
    for row in range(len(inst.rows)):
        text = texts[row] if row < len(texts) else ""
        if row < last and text.rstrip().endswith("\\"):
            text = text.rstrip()[:-1]
        out.extend(text.split())
    return out


def _copies(inst: Instruction, scope: dict[str, str], workdir: str) -> list[tuple[str, str, bool]]:
    """(destination, source, several sources) of a `COPY`/`ADD` from the build context (not
    `--from` another stage or image, not a URL); a relative destination is under `WORKDIR`."""
    array = _json_array(inst.args)
    words = array if array is not None else _word_texts(inst)
    if any(w.startswith("--from") for w in words):
        return []
    paths = [substitute(w, scope) for w in words if not w.startswith("--")]
    if len(paths) < 2 or "$" in paths[-1]:
        return []
    *sources, dest = paths
    trailing = dest.endswith("/")
    dest = posixpath.normpath(posixpath.join(workdir, dest)) + ("/" if trailing else "")
    return [(dest, src, len(sources) > 1) for src in sources if "$" not in src and "://" not in src]


def _copy_target(dest: str, src: str, several: bool) -> str:
    """Where a `COPY`/`ADD` from the build context puts `src`: a file (a name with an extension) into
    `dest/` under its own name, else at `dest`; a directory's contents go into `dest` itself."""
    name = posixpath.basename(src.rstrip("/"))
    file = not src.endswith("/") and "." in name.strip(".") and not any(c in name for c in "*?[")
    if file and (dest.endswith("/") or several):
        return posixpath.join(dest, name)
    return dest.rstrip("/") or "/"


def _from_stage(inst: Instruction, scope: dict[str, str], stages: list[Stage], by_name: dict[str, Stage]
                ) -> tuple[Stage, str, tuple[str, ...], Loc, bool] | None:
    """What a `COPY --from=<stage>` takes from an earlier stage of this Dockerfile (not from an image):
    the stage, `--from` as written, its sources as absolute paths there (a relative source is read
    from the stage's root, not its WORKDIR, as `docker build` does), the COPY, and whether it gives
    its own `--chmod`."""
    words = inst.args.split()
    flags = list(itertools.takewhile(lambda w: w.startswith("--"), words))
    rest = inst.args.strip()
    for flag in flags:  # the flags come first (`COPY --from=build ["a b", "/x/"]` too)
        rest = rest[len(flag):].lstrip()
    array = _json_array(rest)
    source = next((substitute(w.partition("=")[2], scope) for w in flags if w.startswith("--from=")), None)
    if source is None:
        return None
    name = source.strip("\"'").lower()
    taken = by_name.get(name)
    if taken is None and name.isdigit() and int(name) < len(stages):
        taken = stages[int(name)]
    if taken is None:
        return None  # an image (`--from=nginx:1.27`), or a stage not known here
    paths = [substitute(w, scope) for w in (array if array is not None else words[len(flags):])]
    if len(paths) < 2:
        return None
    sources = tuple(posixpath.normpath(posixpath.join("/", p)) for p in paths[:-1] if "$" not in p)
    chmod = any(w.startswith("--chmod=") for w in flags)
    return taken, source, sources, inst.loc(), chmod


def _all_stage_names(instructions: list[Instruction]) -> set[str]:
    """The `AS` names of every stage of the file, lowercased: a `--from` may name a later stage too."""
    out = set()
    for inst in instructions:
        if inst.name == "FROM":
            words = [w for w in inst.args.split() if not w.startswith("--")]
            if len(words) >= 3 and words[1].lower() == "as":
                out.add(words[2].lower())
    return out


def _images_used(inst: Instruction, scope: dict[str, str], names: set[str]) -> list[tuple[str, Loc, bool, str]]:
    """The images a `COPY --from=<image>` or `RUN --mount=…,from=<image>` pulls: a `from` that names no
    stage of the file (by name, case-insensitively, or index) is an image reference, as BuildKit reads it
    (dockerfile2llb: a name not among the stages is pulled as an image). (reference, where, resolved,
    the flag)."""
    if ("--from=" if inst.name == "COPY" else "--mount=") not in inst.source:
        return []  # (each word is a piece of the source: most COPY and RUN lines, no words made)
    out = []
    for word, at in words_of(inst):
        if not word.startswith("--"):
            break  # the flags come first
        if inst.name == "COPY" and word.startswith("--from="):
            pieces = [(word[len("--from="):], len("--from="))]
        elif inst.name == "RUN" and word.startswith("--mount="):
            pieces, offset = [], len("--mount=")
            for part in word[offset:].split(","):
                if part.startswith("from="):
                    pieces.append((part[len("from="):], offset + len("from=")))
                offset += len(part) + 1
        else:
            continue
        for raw, offset in pieces:
            value = substitute(raw.strip("\"'"), scope)
            name = value.lower()
            if not value or name in names or name.isdigit() or name == "scratch":
                continue
            out.append((value, Loc(at.line, at.col + offset, at.file), not has_variable(value), word.partition("=")[0]))
    return out


def _stage_copies(chain: list[Stage]) -> tuple[StageCopy, ...]:
    """The final chain's `COPY --from=<stage>`s, each with the commands of the stage it copies from
    (and of that stage's own chain) that the final chain did not run."""
    own = {id(s) for s in chain}
    out = []
    for stage in chain:
        for taken, written, sources, loc, chmod in stage.stage_copies:
            steps: list[tuple[str, Command]] = []
            at: Stage | None = taken
            while at is not None and id(at) not in own:
                moved = any(c.name in ("cd", "pushd") for c in at.steps)  # relative paths then unknown
                steps[:0] = [("" if moved else d, c) for d, c in zip(at.step_dirs, at.steps)]
                at = at.parent
            if steps and sources:
                out.append(StageCopy(written, sources, tuple(steps), loc, chmod))
    return tuple(out)


# a name without `/` is looked up in the image's PATH (the default a Debian/Alpine base sets)
_PATH = ("/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin")


def _copy_base(dest: str) -> str:
    """The key `Stage.bases` files a copy to `dest` under: its destination without a trailing `/` (the
    root's: ""). `_copied_from` reads a copy for an image path at or below that directory only."""
    return dest.rstrip("/")


def _may_give(bases: dict[str, int], path: str, since: int) -> bool:
    """Whether a copy from position `since` on may give the image path `path` (`_copied_from` reads
    only those whose destination is `path` or a directory above it: `path` itself, or `path` up to one
    of its `/`s, the root's being ""); False: `_copied_from` of those copies gives nothing."""
    if bases.get(path, -1) >= since:
        return True
    i = path.find("/")
    while i >= 0:
        if bases.get(path[:i], -1) >= since:
            return True
        i = path.find("/", i + 1)
    return False


def _copied_from(path: str, copies: list[tuple[str, str, bool]]) -> list[str]:
    """The build-context paths the image file `path` may have been copied from (latest first)."""
    import fnmatch

    out = []
    name = posixpath.basename(path)
    for dest, src, several in reversed(copies):
        base = dest.rstrip("/") or "/"
        if path != base and not path.startswith(base.rstrip("/") + "/"):
            continue  # each case below is `path` at or under the destination
        src_dir, src_name = posixpath.split(src.rstrip("/"))
        if not (dest.endswith("/") or several) and path == base and not any(c in src for c in "*?["):
            out.append(src)  # `COPY run.sh /entrypoint.sh`: the file itself (or a directory's `run.sh`)
        if posixpath.dirname(path) == base and (fnmatch.fnmatchcase(name, src_name) if any(c in src_name for c in "*?[")
                                                 else name == src_name):
            out.append(posixpath.join(src_dir, name))  # `COPY entrypoint.sh /usr/local/bin/`, `COPY *.sh /`
        if path.startswith(base.rstrip("/") + "/") and not any(c in src for c in "*?["):
            out.append(posixpath.join(src, path[len(base.rstrip("/")) + 1:]))  # `COPY . /app`, a directory
    return out


@dataclass
class _Script:
    """An entrypoint script the image copies from the build context, as it is on disk."""

    # its path as the scan finds it (beside the Dockerfile: `_context_reader`'s `scanned`), or in the image for a script a `RUN`
    # writes with no exact place in the Dockerfile (`printf` with arguments); "" when located here
    shown: str
    commands: list[Command]  # its commands, located in it (`Loc.file`)
    holder: Word  # the word of the ENTRYPOINT/CMD that names it
    arguments: list[Command]  # what it then runs of its arguments (`exec "$@"`: the CMD), located here


def _entry_script(final: Stage, process: list[Command], context: ContextReader | None) -> _Script | None:
    """The script the ENTRYPOINT/CMD starts when the image copies it from the build context
    (`COPY docker-entrypoint.sh /usr/local/bin/` + `ENTRYPOINT ["docker-entrypoint.sh"]`, found
    through `WORKDIR`, the default `PATH`, directory copies and globs) and a POSIX shell runs it,
    read from disk as `CONTEXT_FILES` are; None otherwise."""
    if not process:
        return None
    for cmd in process:  # the first one that starts a script: through `tini --`, a shell-form CMD
        script = _started_script(final, cmd, context)
        if script is not None:
            return script
    return None


def _started_script(final: Stage, cmd: Command, context: ContextReader | None, shell: str = "") -> _Script | None:
    """The script `cmd` runs, when the image has it: written by the build (`COPY <<EOF`, `RUN cat
    <<'EOF' > f`, `RUN echo '...' > f`) or copied from the build context (read with `context`).
    `shell`: the shell that runs its commands (`Command.shell`; "": the context's)."""
    words = _script_words(cmd)
    found = _script_text(final, words, context, (), cmd.name if words and words[0] is not cmd.argv[0] else "")
    if found is None:
        return None
    shown, text, locate = found
    commands = parse_script(text, locate, 0, shell)
    arguments = from_argv(tuple(words[1:]), words[1].loc) if len(words) > 1 and _runs_arguments(commands) else []
    return _Script(shown, commands, words[0], arguments)


def _script_words(cmd: Command) -> list[Word]:
    """The words of `cmd` from the script it runs on: `bash /entrypoint.sh x` -> `/entrypoint.sh x` (none for
    `sh -c '...'`, a script written in the Dockerfile); `. ./env.sh`, `source env.sh` likewise; else its argv."""
    words = list(cmd.argv)
    if cmd.name in SHELLS:  # `bash /entrypoint.sh`: the script is its first operand
        at = next((i for i, w in enumerate(words) if i and not w.text.startswith("-")), len(words))
        dash_c = any(w.text.startswith("-") and not w.text.startswith("--") and "c" in w.text for w in words[1:at])
        return [] if dash_c else words[at:]
    if cmd.name in (".", "source"):
        return words[1:]
    return words


def _search_path(stage: Stage) -> tuple[str, ...]:
    """The directories a bare command name is looked up in: the stage's `ENV PATH` (`$PATH` in it: the
    default one, `_PATH`; a directory of another variable skipped), else `_PATH`."""
    value = stage.env.get("PATH")
    if not value:
        return _PATH
    got = _search_paths.get(value)  # (a function of the value: asked for every bare command name of a RUN)
    if got is not None:
        return got
    out: list[str] = []
    for d in value.split(":"):
        if d in ("$PATH", "${PATH}"):
            out.extend(_PATH)
        elif d.startswith("/") and "$" not in d:
            out.append(d.rstrip("/") or "/")
    if len(_search_paths) >= 256:
        _search_paths.clear()
    got = _search_paths[value] = tuple(out)
    return got


_search_paths: dict[str, tuple[str, ...]] = {}  # `_search_path`'s answers, by the PATH value


def _script_text(final: Stage, words: list[Word], context: ContextReader | None,
                 binds: tuple[tuple[str, str | None], ...] = (), runner: str = ""
                 ) -> tuple[str, str, Callable[[int, int], Loc]] | None:
    """(shown path, text, where each character is) of the shell script `words[0]` names, when the image has it,
    or when a `RUN --mount=type=bind` of the build context puts it there for the step (`binds`: `_context_binds`).
    `runner`: what names it: "" a command's name (a bare one is looked up in PATH), a shell's operand (`sh
    setup.sh`: a bare one is read from the working directory, POSIX XCU `sh` command_file, dash searching no
    further; bash then looks in PATH: bminor/bash 74091dd4 shell.c open_shell_script), or `.`/`source` (PATH,
    POSIX XCU `dot`; bash, unless POSIX mode, then the working directory)."""
    program = words[0].text if words else ""
    if not program or "$" in program:
        return None
    if program.startswith("/"):
        candidates = [posixpath.normpath(program)]
    elif "/" in program:
        candidates = [posixpath.normpath(posixpath.join(final.workdir, program))]
    else:
        # `posixpath.join(d, program)`: each `d` is absolute, with no trailing `/` but the root's
        found = [d + "/" + program if d != "/" else "/" + program for d in _search_path(final)]
        if runner in SHELLS:
            here = posixpath.join(final.workdir, program)
            candidates = [here, *found] if runner == "bash" else [here]
        elif runner in (".", "source"):
            here = posixpath.join(final.workdir, program)
            bash = runner == "source" or (final.shell[:1] or [""])[0].rsplit("/", 1)[-1] == "bash"
            candidates = [*found, here] if bash else found
        else:
            candidates = found
    scripts, looked, copies = final.scripts, final.looked, len(final.copies)
    for path in candidates:
        bound = _bound_from(path, binds) if binds else None
        if bound is not None:  # the mount hides what the image has there
            if bound is _HIDDEN or context is None:
                return None  # a tmpfs, a cache, another stage's files: not the script the image has there
            got = context(bound, True)
            if isinstance(got, tuple) and _shell_script(got[1]):
                return got[0], got[1], lambda r, c, f=got[0]: Loc(r + 1, c + 1, f)
            return None
        written = scripts.get(path)
        if written is not None:  # written by the build: located where it is written
            return (written.shown, written.text, written.locate) if _shell_script(written.text) else None
        if context is None:
            continue
        known = looked.get(path)  # (`_copied_script`'s memo read here: ~40k PATH lookups on the corpus, most known)
        copied = known[1] if known is not None and known[0] == copies else _copied_script(final, path, context)
        if copied is not None:
            shown, text = copied
            return shown, text, lambda r, c, f=shown: Loc(r + 1, c + 1, f)
    return None


def _copied_script(stage: Stage, path: str, context: ContextReader) -> tuple[str, str] | None:
    """(shown path, text) of the shell script the stage's copies from the build context put at the image path
    `path` (the latest copy that gives one: `_copied_from`), or None. Kept per stage and path (`Stage.looked`):
    a bare command name is looked up in every PATH directory, for every command of every RUN; `copies` only
    grows within a stage, so a later lookup reads only the copies added since (a later one's script wins)."""
    known = stage.looked.get(path)
    searched, found = known if known is not None else (0, None)
    if searched == len(stage.copies):
        return found
    if not _may_give(stage.bases, path, searched):  # (most lookups: a PATH directory no copy writes to)
        stage.looked[path] = (len(stage.copies), found)
        return found
    for src in _copied_from(path, stage.copies[searched:]):
        got = context(src, True)
        if isinstance(got, tuple) and _shell_script(got[1]):
            found = got
            break
    stage.looked[path] = (len(stage.copies), found)
    return found


def _context_binds(inst: Instruction, scope: dict[str, str], workdir: str) -> tuple[tuple[str, str | None], ...]:
    """The build-context paths a `RUN --mount=type=bind,source=scripts/setup.sh,target=/tmp/setup.sh` puts in
    the step's filesystem, as (target in the image, source in the context); a mount of anything else over a
    path (`type=tmpfs`, `type=cache`, `type=secret`, a bind `from=` another stage or image) as (target, None):
    the step does not see what the image has there either (BuildKit mounts over the target), and the scan
    does not read what it sees instead (review A21 F1). BuildKit reads each `--mount` as one
    CSV record of `key=value` fields (keys case-insensitive; `src`, `dst`/`destination` aliases; `type`
    defaults to `bind`, `source` to the context's root) with the build's variables expanded; a relative target
    is under the WORKDIR; one with `from=` binds another stage or image, not the context (moby/buildkit
    73ed6825 frontend/dockerfile/instructions/commands_runmount.go parseMount,
    frontend/dockerfile/dockerfile2llb/convert_runmount.go dispatchRunMounts)."""
    if "--mount" not in inst.source:
        return ()
    import csv

    out: list[tuple[str, str | None]] = []
    for word, _at in words_of(inst):
        if not word.startswith("--"):
            break  # the flags come first
        if not word.startswith("--mount="):
            continue
        value = word[len("--mount="):]
        if len(value) > 1 and value[0] == value[-1] and value[0] in "\"'":
            value = value[1:-1]
        fields: dict[str, str] = {"type": "bind", "source": ""}
        for item in next(csv.reader([value]), []):
            key, eq, val = item.partition("=")
            key = key.strip().lower()
            key = {"src": "source", "dst": "target", "destination": "target"}.get(key, key)
            if eq:
                fields[key] = substitute(val, scope)
        target, source = fields.get("target", ""), fields["source"]
        kind = fields["type"].lower()
        if not target and kind == "secret":
            target = "/run/secrets/" + (fields.get("id") or "")  # its default target: /run/secrets/<id>
        if not target or "$" in target:
            continue
        target = posixpath.normpath(posixpath.join("/", workdir, target))
        if kind != "bind" or fields.get("from") or "$" in source:
            out.append((target, None))  # hides the image's files there; what it shows is not read here
            continue
        out.append((target, posixpath.normpath("/" + source).lstrip("/")))
    return tuple(out)


# what `_bound_from` answers for a path a mount of something other than the build context hides
_HIDDEN = "\0hidden"


def _bound_staged(binds: tuple[tuple[str, str | None], ...], staged: frozenset[str], context: ContextReader,
                  loc: Loc) -> list[FileWrite]:
    """The files of `staged` (`_staged`: a path a RUN names beside a `CONTEXT_FILES` one) that the RUN's own
    `--mount=type=bind` shows from the build context (`RUN --mount=type=bind,source=conf/dev,target=/tmp/dev
    install -m 0440 /tmp/dev /etc/sudoers.d/dev`), as a `COPY` stages them: the RUN then takes them into place."""
    out = []
    for path in sorted(staged):
        src = _bound_from(path, binds)
        got = context(src) if src is not None and src != _HIDDEN else None
        if isinstance(got, tuple):
            out.append(FileWrite(path, got[1], "write", loc, source=got[0]))
    return out


def _bound_from(path: str, binds: tuple[tuple[str, str | None], ...]) -> str | None:
    """The build-context path a bind mount (`_context_binds`; the deepest one over `path`) shows at the image
    path `path`; `_HIDDEN` when that mount is not of the build context (a tmpfs, a cache, another stage's
    files); None when no mount covers it."""
    best: tuple[str, str | None] | None = None
    for target, source in binds:
        if (path == target or path.startswith(target.rstrip("/") + "/")) and (best is None or len(target) > len(best[0])):
            best = (target, source)
    if best is None:
        return None
    target, source = best
    if source is None:
        return _HIDDEN
    rest = path[len(target.rstrip("/")) + 1:] if path != target else ""
    return posixpath.join(source, rest) if rest else source or "."


def _run_scripts(stage: Stage, commands: list[Command], context: ContextReader | None,
                 binds: tuple[tuple[str, str | None], ...] = ()) -> list[Command]:
    """The commands of the scripts a `RUN` runs (`COPY setup.sh /tmp/` + `RUN bash /tmp/setup.sh`, `RUN
    ./install.sh`, `RUN . ./env.sh`), when the image has them (`_script_text`: written by the build, or
    copied from the build context the scan reads beside the Dockerfile, or bound there by the RUN's own
    `--mount=type=bind`: `_context_binds`), as the build runs them: by the
    shell named (`bash x.sh`), else the one its `#!` line names (a script without one: the RUN's `/bin/sh`,
    which runs a file execve refuses as a script of its own: POSIX XCU 2.9.1.1), with the environment
    the RUN gives it (`EDITOR=... bash setup.sh`; after `sudo`, what sudo keeps: `shell.inherit`). A
    name without a `/` is looked up as the shell does (`_script_text`: `RUN setup-user.sh` in PATH; `RUN pip
    install` finds no script of the build's there). Located in
    the script (`Loc.file`, or where the build writes it); one level: a script such a script runs is not read.
    Returns `commands` with each script's commands right after the command that runs it, as the build runs
    them (`RUN ./setup.sh && rm -f /etc/sudoers.d/dev`; `results._runner_of` finds that command)."""
    out: list[Command] = []
    for cmd in commands:
        out.append(cmd)
        if not cmd.argv:
            continue
        words = _script_words(cmd)
        if not words:
            continue
        found = _script_text(stage, words, context, binds, cmd.name if words[0] is not cmd.argv[0] else "")
        if found is None:
            continue
        shown, text, locate = found
        if cmd.name in SHELLS:
            shell = cmd.name
        elif cmd.name in (".", "source"):
            shell = cmd.shell
        else:
            # a script run as a program: the shell its `#!` line names; without one the calling shell runs it
            # (execve's ENOEXEC: `sh`); one for another interpreter (`#!/usr/bin/env python3`) is no shell script
            runner = _shebang(text)
            if runner is not None and runner not in SHELLS:
                continue
            shell = runner or "sh"
        out.extend(inherit(parse_script(text, locate, 0, shell), cmd))
    return out


def _privilege_drop(final: Stage, process: list[Command], script: _Script | None) -> Setting[User] | None:
    """The user the container's main program is switched to (`glmlint.shell.privilege_drop`), from
    the ENTRYPOINT/CMD or from the entrypoint script they start: its own `exec gosu app "$@"`, or,
    when it ends in `exec "$@"`, the drop of the CMD it then runs."""
    user = privilege_drop(process)
    origin = None
    if user is None and script is not None:
        user = privilege_drop(script.commands) or privilege_drop(script.arguments)
        origin = script.shown or None
    if user is None:
        return None
    at = script.holder.loc if origin is not None and script is not None else user.loc
    inst = final.entrypoint_inst if final.entrypoint_inst is not None and (
        final.entrypoint_inst.start + 1 <= at.line <= final.entrypoint_inst.end + 1) else final.cmd_inst
    path = ("instruction", inst.index) if inst is not None else ()
    return Setting(User.parse(user.text), at, path=path, origin=origin)


def _shell_script(text: str) -> bool:
    """A script a POSIX shell runs: no `#!` line, or one naming a shell (not `python`, `node`)."""
    if not text.startswith("#!"):
        return True
    words = text[2:].split("\n", 1)[0].split()
    prog = words[0].rsplit("/", 1)[-1] if words else ""
    if prog == "env" and len(words) > 1:
        prog = next((w for w in words[1:] if not w.startswith("-")), "")
    return prog in SHELLS


def _runs_arguments(commands: list[Command]) -> bool:
    """A script that ends by running its arguments (`exec "$@"`): the CMD is what runs then."""
    return any(w.text in ("$@", "${@}") for c in commands for w in c.argv[:2] if c.name in ("exec", "$@", "${@}"))


def _chmod(inst: Instruction, scope: dict[str, str]) -> list[Item]:
    """The mode a `COPY`/`ADD` gives what it copies (`--chmod=777`), as BuildKit reads it: a flag
    before the sources, its build arguments substituted (left as written when unknown), located at
    the value. Octal, or symbolic from Dockerfile syntax 1.14 (moby/buildkit#5734)."""
    out = []
    for word, at in words_of(inst):
        if not word.startswith("--"):
            break  # flags come first (`COPY --chmod=755 ["a b", "/x/"]` too)
        flag, eq, value = word.partition("=")
        if flag == "--chmod" and eq:
            mode = substitute(value.strip("\"'"), scope)
            out.append(Item(mode, Loc(at.line, at.col + len("--chmod="), at.file), ("instruction", inst.index)))
    return out


def _chown(inst: Instruction, scope: dict[str, str], workdir: str) -> list[tuple[str, str]]:
    """(user, destination) of a `COPY`/`ADD` that gives what it copies to a user (`--chown=user`, `--chown=1000:1000`,
    `--chown=$USER:$USER`): the user as written before `:` (a login or a uid, build arguments substituted; BuildKit
    `parseChownFlag` splits at `:` only), the destination under `WORKDIR`; none for a group alone or root."""
    words = _word_texts(inst)
    flags = [w for w in words if w.startswith("--")]
    user = next((w.partition("=")[2].strip("\"'") for w in flags if w.startswith("--chown=")), "")
    user = substitute(user, scope).partition(":")[0] if user else ""
    if not user or user in ("root", "0") or "$" in user:
        return []
    array = _json_array(inst.args)
    paths = [w for w in (array if array is not None else words) if not w.startswith("--")]
    if len(paths) < 2:
        return []
    dest = substitute(paths[-1], scope)
    return [(user, posixpath.normpath(posixpath.join(workdir, dest)))] if "$" not in dest else [(user, "")]


_GIT_URL = lazyre.compile(r"^(?:git@|git://|ssh://|[a-z0-9+.-]+://[^#?]*\.git(?:[#?]|/?$))", re.I)
_HTTP_URL = lazyre.compile(r"^https?://", re.I)


def _git_query(url: str) -> dict[str, str] | None:
    """The `?key=value&…` options of a git URL (before any `#fragment`), or None when it has none."""
    head = url.partition("#")[0]
    if "?" not in head:
        return None
    from urllib.parse import parse_qsl

    return dict(parse_qsl(head.partition("?")[2], keep_blank_values=True))


def _downloads(inst: Instruction, scope: dict[str, str]) -> list[Download]:
    """The remote sources of an `ADD` (every argument but the destination), with its `--checksum`."""
    array = _json_array(inst.args)
    located = [(w, _find(inst, json.dumps(w))) for w in array] if array is not None else words_of(inst)
    checksum = None
    sources: list[tuple[str, Loc]] = []
    for word, at in located:
        if array is None and word.startswith("--") and not sources:
            flag, _, value = word.partition("=")
            if flag == "--checksum":
                checksum = value
            continue
        sources.append((word, at))
    out = []
    for word, at in sources[:-1]:  # the last argument is the destination
        url = substitute(word, scope)
        if _GIT_URL.match(url):
            ref = url.partition("#")[2].partition(":")[0] or None
            query = _git_query(url)
            if query is not None:
                # Dockerfile 1.18's query form (`repo.git?tag=v1&checksum=<commit>`, moby/buildkit#6172):
                # `checksum` (alias `commit`) pins the commit and BuildKit checks the ref resolves to it
                ref = query.get("ref") or query.get("tag") or query.get("branch") or ref
                checksum = checksum or query.get("checksum") or query.get("commit")
            out.append(Download(url, at, "git", checksum, ref))
        elif _HTTP_URL.match(url):
            out.append(Download(url, at, "http", checksum))
    return out


def _pulls(stages: list[Stage], real_path: str = "") -> list[ImageRef]:
    """The images the build pulls: each stage's `FROM` that names neither an earlier stage nor `scratch`,
    then the images its `COPY --from=` and `RUN --mount=from=` take files from; not a name a build of it
    gives a named context (`glmlint.buildcontexts`: compose `additional_contexts`, `--build-context`,
    bake `contexts`), which BuildKit takes instead of pulling that image: the image a
    `docker-image://IMAGE` context is, located at the name (`FROM base`), nothing for another context."""
    out = _all_pulls(stages)
    if real_path and any(_may_be_context(ref.name) for ref in out):
        from glmlint.buildcontexts import familiar, image_of, named_contexts

        contexts = named_contexts(real_path)
        if contexts:
            pulls = []
            for ref in out:
                values = contexts.get(familiar(ref.name)) if _may_be_context(ref.name) else None
                if values is None:
                    pulls.append(ref)
                    continue
                owner = f"{ref.owner}, through the named context `{ref.name}`,"
                pulls.extend(ImageRef(image, ref.loc, owner) for image in image_of(values) or ())
            out = pulls
    return out


def _may_be_context(ref: str) -> bool:
    """A reference a named context is written for, looked up (on disk) only then: a name with no tag
    and no digest, or `:latest` (`COPY --from=models`, `FROM base`); a context replaces a pinned one
    too, which is reported only with `require-digest`."""
    name = ref.strip()
    if "@" in name:
        return False
    last = name.rsplit("/", 1)[-1]
    return ":" not in last or last.endswith(":latest")


def _all_pulls(stages: list[Stage]) -> list[ImageRef]:
    out = []
    for stage in stages:
        if stage.parent is not None or stage.base.lower() == "scratch" or stage.base_loc is None:
            continue
        owner = f"stage `{stage.name}`" if stage.name else (
            "the final stage" if stage is stages[-1] else f"stage {stage.index}")
        out.append(ImageRef(stage.base, stage.base_loc, owner, stage.base_resolved))
    for stage in stages:  # `COPY --from=ghcr.io/astral-sh/uv:latest /uv /bin/`: pulled too
        owner = f"stage `{stage.name}`" if stage.name else (
            "the final stage" if stage is stages[-1] else f"stage {stage.index}")
        for ref, at, resolved, flag in stage.image_uses:
            used = "COPY --from" if flag == "--from" else "RUN --mount"
            out.append(ImageRef(ref, at, f"{owner}'s `{used}`", resolved))
    return out


# -- files a COPY takes from the build context ------------------------------------------
#
# A rule that reads a file in the image (a sudoers drop-in) sees it when a `RUN` writes
# it, and also when a `COPY` takes it from the build context and the scan can read
# that file. Only these destinations are read, so `COPY . /app` costs nothing.

# exact paths, or directories (ending in `/`): sudoers, and sshd's main file and drop-ins (the catalog's
# `sshd` entry, `glmlint.openssh`)
CONTEXT_FILES = ("/etc/sudoers", "/etc/sudoers.d/", "/etc/ssh/sshd_config", "/etc/ssh/sshd_config.d/")
_CONTEXT_MAX_BYTES = 64 * 1024
_CONTEXT_LEVELS = 4  # the Dockerfile's directory and this many above it, up to a repository root

ContextReader = Callable[..., "tuple[str, str] | list[tuple[str, str]] | None"]  # (src, scanned=False)


def _wanted(target: str) -> bool:
    return any(target == p or (p.endswith("/") and target.startswith(p) and "/" not in target[len(p):])
               for p in CONTEXT_FILES)


def _context_reader(real_path: str, path: str = "") -> ContextReader:
    """Read `src` (as a COPY source names it) from the first plausible build context: the
    Dockerfile's directory, then its parents up to the repository root (`.git`). `scanned=True`: a
    file's shown path is where the scan finds it (beside `path`, the Dockerfile as reported:
    `f2/scripts/setup.sh`), not the COPY's source (`scripts/setup.sh`, in the build context)."""
    roots: list[str] = []

    def find_roots() -> list[str]:  # on the first read: most Dockerfiles copy nothing the rules read
        here = os.path.dirname(os.path.abspath(real_path))
        for _ in range(_CONTEXT_LEVELS + 1):
            roots.append(here)
            if os.path.exists(os.path.join(here, ".git")) or os.path.dirname(here) == here:
                break
            here = os.path.dirname(here)
        return roots

    missing: set[str] = set()  # what no root holds: a script looked up in every PATH directory is looked up again
    # (root's place, directory of a path asked about) -> whether it is one there: a path whose directory is not
    # one in a root is not in it either (`COPY entrypoint.sh /usr/local/bin/` then `RUN apt-get ...`: every
    # bare name in that directory asks for `entrypoint.sh/<name>`), one stat for the directory, not one a name
    folders: dict[tuple[int, str], bool] = {}

    def read(src: str, scanned: bool = False) -> tuple[str, str] | list[tuple[str, str]] | None:
        """(shown path, text) for a file; [(name, text)...] for a directory's files; None if absent."""
        rel = os.path.normpath(src.lstrip("/"))
        if rel in missing:
            return None
        if rel.startswith(".."):
            return None  # outside any build context
        folder = os.path.dirname(rel)
        for k, root in enumerate(roots or find_roots()):
            if folder and folders.get((k, folder)) is False:
                continue
            full = os.path.join(root, rel)
            try:  # one stat for `os.path.isfile` and `os.path.isdir` (most reads are of what is not there)
                mode = os.stat(full).st_mode
            except (OSError, ValueError):
                if folder and (k, folder) not in folders:
                    folders[(k, folder)] = os.path.isdir(os.path.join(root, folder))
                continue
            if S_ISREG(mode):
                text = _small_text(full)
                if text is None:
                    return None
                if scanned:
                    here = os.path.relpath(full, os.path.dirname(os.path.abspath(real_path)))
                    return posixpath.normpath(posixpath.join(posixpath.dirname(path), here)), text
                return src, text
            if S_ISDIR(mode):
                out = []
                for name in sorted(os.listdir(full)):
                    item = os.path.join(full, name)
                    text = _small_text(item) if os.path.isfile(item) else None
                    if text is not None:
                        out.append((name, text))
                return out
        missing.add(rel)
        return None

    return read


def _small_text(path: str) -> str | None:
    try:
        if os.path.getsize(path) > _CONTEXT_MAX_BYTES:
            return None
        with open(path, encoding="utf-8") as fh:
            return fh.read()
    except (OSError, UnicodeDecodeError):
        return None


_RUN_WORD = lazyre.compile(r"[^\s'\";&|()<>]+")


def _staged(instructions: list[Instruction]) -> frozenset[str]:
    """The absolute paths named by a `RUN` that also names a `CONTEXT_FILES` path: where a COPY may
    stage a file that the RUN then moves into place (`COPY sudoers-dev /tmp/dev` then `RUN install -m
    0440 /tmp/dev /etc/sudoers.d/dev`)."""
    roots = tuple(p.rstrip("/") for p in CONTEXT_FILES)
    out: set[str] = set()
    for inst in instructions:
        if inst.name == "RUN" and any(r in inst.source for r in roots):
            out.update(w for w in _RUN_WORD.findall(inst.source) if w.startswith("/") and not _wanted(w))
    return frozenset(out)


# `pip install -r FILE` / `--requirement FILE` (`=FILE`): the file whose pins decide a release
_PIP_REQUIREMENT = lazyre.compile(r"(?:^|\s)(?:-r|--requirement)(?:\s+|=)([^\s'\";&|()<>]+)")


def _requirement_files(instructions: list[Instruction]) -> frozenset[str]:
    """The requirements files a `RUN pip install -r FILE` names, as absolute paths (a relative one
    against the WORKDIR the RUN runs in): a COPY from the context that puts one there is read, so the
    catalog knows the release of a service the file pins (`torchserve==0.9.0`)."""
    out: set[str] = set()
    workdir, name = "/", ""
    dirs: dict[str, str] = {}
    for inst in instructions:
        if inst.name == "FROM":
            words = [w for w in inst.args.split() if not w.startswith("--")]
            workdir = dirs.get(words[0].lower(), "/") if words else "/"  # a stage's WORKDIR carries on
            name = words[2].lower() if len(words) > 2 and words[1].lower() == "as" else ""
        elif inst.name == "WORKDIR" and "$" not in inst.args:
            workdir = posixpath.normpath(posixpath.join(workdir, inst.args.strip()))
        elif inst.name == "RUN" and "pip" in inst.source:
            for m in _PIP_REQUIREMENT.finditer(inst.source):
                if "$" not in m.group(1):
                    out.add(posixpath.normpath(posixpath.join(workdir, m.group(1))))
        if name:
            dirs[name] = workdir
    return frozenset(out)


def _requirements_copied(inst: Instruction, copies: list[tuple[str, str, bool]], context: ContextReader,
                         wanted: frozenset[str]) -> list[FileWrite]:
    """The requirements files of `wanted` a `COPY`/`ADD` from the build context (its `_copies`) puts in
    place, read from disk where `_copied_from` says they come from: a file copied to one (`COPY
    requirements.txt .`, also by a glob), or one inside a directory copied over it (`COPY . /app`). Only
    those paths are read, never a whole directory."""
    out: list[FileWrite] = []
    for copy in copies:
        for target in sorted(wanted):
            for src in _copied_from(target, [copy]):
                got = context(src)
                if isinstance(got, tuple):
                    out.append(FileWrite(target, got[1], "write", inst.loc(), source=got[0]))
                    break
    return out


def _copied(inst: Instruction, scope: dict[str, str], context: ContextReader,
            staged: frozenset[str] = frozenset(), workdir: str = "/") -> list[FileWrite]:
    """The files of `CONTEXT_FILES` a `COPY`/`ADD` from the build context writes, read from disk, and
    the files it stages where a `RUN` takes them into those places (`staged`); a relative destination
    is under `workdir` (`WORKDIR /etc/sudoers.d` + `COPY dev-sudo ./dev`), `.` being that directory."""
    array = _json_array(inst.args)
    words = array if array is not None else inst.args.split()
    if any(w.startswith("--from") for w in words):
        return []  # from another stage or image: not in the context
    paths = [substitute(w, scope) for w in words if not w.startswith("--")]
    if len(paths) < 2:
        return []
    *sources, dest = paths
    if not dest.startswith("/") and "$" not in dest:
        dest = posixpath.normpath(posixpath.join(workdir, dest)) + ("/" if dest == "." or dest.endswith("/") else "")
    base = dest.rstrip("/")
    # Docker copies a file into `dest` when it ends in `/`, for several sources, or when `dest`
    # is a directory in the image (`/etc/sudoers.d` is, once sudo is installed)
    into_dir = dest.endswith("/") or len(sources) > 1 or any(base == p.rstrip("/") for p in CONTEXT_FILES
                                                             if p.endswith("/"))
    related = [p for p in CONTEXT_FILES if p.startswith(base + "/") or p.rstrip("/") == base]
    out: list[FileWrite] = []
    for src in sources:
        if "$" in src or "://" in src or any(c in src for c in "*?["):
            continue
        name = src.rstrip("/").rsplit("/", 1)[-1]
        target = f"{base}/{name}" if into_dir else dest
        if not _wanted(target) and not related and target not in staged:
            continue
        got = context(src)
        if isinstance(got, tuple):  # a file
            if _wanted(target) or target in staged:
                out.append(FileWrite(target, got[1], "write", inst.loc(), source=got[0]))
            continue
        if got is None:
            continue
        # a directory: its contents land in `dest`
        for wanted in related:
            rel = wanted[len(base) + 1:].rstrip("/") if wanted.rstrip("/") != base else ""
            inner = got if not rel else context(f"{src.rstrip('/')}/{rel}")
            if wanted.endswith("/") and isinstance(inner, list):
                for entry, text in inner:
                    if _wanted(wanted + entry):
                        shown = "/".join(p for p in (src.rstrip("/"), rel, entry) if p)
                        out.append(FileWrite(wanted + entry, text, "write", inst.loc(), source=shown))
            elif not wanted.endswith("/") and isinstance(inner, tuple):
                out.append(FileWrite(wanted, inner[1], "write", inst.loc(), source=inner[0]))
    return out


def _arg_var(inst: Instruction, key: str, written: str | None, value: str | None,
             scope: dict[str, str] | None = None) -> EnvVar:
    """An `ARG` declaration: its default (None when it has none) as substituted."""
    dynamic, defaulted = _unknown(written, scope or {})
    return EnvVar(key, value, _find(inst, key), ("instruction", inst.index), dynamic=dynamic, defaulted=defaulted,
                  written=written if defaulted else None)


def _unknown(written: str | None, scope: dict[str, str]) -> tuple[bool, tuple[str, ...]]:
    """Whether a value as written depends on something unknown here (a build argument, the
    base image's environment); else the variables it was read through the default of.

    `${KEY:-text}` with `KEY` set nowhere above is `text` whenever the build is not given
    `KEY`: a literal, "when `KEY` is unset". A variable set above (`ARG`/`ENV` with a value)
    is that instruction's business; `\\$` (an escape) and `$$` are left unknown."""
    if written is None or not has_variable(written):
        return False, ()
    if "\\$" in written:
        return True, ()
    from glmlint.interpolate import interpolate

    found = interpolate(written, scope, shell=True)
    if found is None or found.from_env or not found.defaulted:
        return True, ()
    return False, found.defaulted


@lru_cache(maxsize=512)
def _shell_words(text: str) -> tuple[str, ...]:
    """`text` split as a POSIX shell splits it (blanks if its quotes do not close); kept,
    as the same `ENV`/`ARG` lines recur across a tree's Dockerfiles."""
    import shlex

    try:
        return tuple(shlex.split(text, posix=True))
    except ValueError:
        return tuple(text.split())


def _pairs(args: str, allow_bare: bool) -> list[tuple[str, str | None]]:
    """`K=V K2="v 2"` pairs, or the legacy `ENV K value with spaces` form."""
    text = args.strip()
    if not text:
        return []
    first = text.split(None, 1)
    if "=" not in first[0]:
        if allow_bare:
            return [(first[0], None)]
        return [(first[0], first[1] if len(first) > 1 else "")]
    out: list[tuple[str, str | None]] = []
    words = _shell_words(text)
    for w in words:
        key, eq, value = w.partition("=")
        out.append((key, value if eq else None))
    return out


def env_names(args: str) -> list[str]:
    """The variables an `ENV` instruction's arguments set, in order."""
    return [key for key, _ in _pairs(args, allow_bare=False)]


def _find(inst: Instruction, needle: str) -> Loc:
    """Location of `needle` in an instruction's first lines (the instruction start if absent)."""
    texts = inst.source.split("\n")
    for row, (line, col) in enumerate(inst.rows):
        pos = texts[row].find(needle) if row < len(texts) else -1
        if pos >= 0:
            return Loc(line + 1, col + pos + 1)
    return inst.loc()


def _json_array(args: str) -> list[str] | None:
    text = args.strip()
    if not text.startswith("["):
        return None
    try:
        value = json.loads(text)
    except (ValueError, RecursionError):  # BuildKit, too, runs what is not a JSON array in a shell
        return None
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return value
    return None


def _locate(inst: Instruction, skip: int = 0):  # type: ignore[no-untyped-def]
    """(row, column) in the instruction's shell source -> file location; `skip`: characters
    dropped from the start of its first row (RUN flags)."""
    rows = inst.rows
    count = len(rows)
    bodies: list[int] = []
    for _word, body, first in inst.heredocs:
        bodies.extend(range(first, first + body.count("\n") + 1))

    def locate(row: int, col: int) -> Loc:
        if row < count:
            line, offset = rows[row]
            return Loc(line + 1, offset + col + (skip + 1 if row == 0 else 1))
        extra = row - len(rows)
        if extra < len(bodies):
            return Loc(bodies[extra] + 1, col + 1)
        return Loc(inst.end + 1, 1)

    return locate


def _strip_run_flags(source: str) -> tuple[str, int]:
    """Drop `--mount=...`/`--network=...` flags before a RUN's command; return the column shift."""
    m = _RUN_FLAGS.match(source)
    skip = m.end() if m else 0
    return source[skip:], skip


_POSIX_SHELLS = ("sh", "bash", "ash", "dash", "zsh")
_ENV_RUNNERS = ("conda", "mamba", "micromamba", "env")
_DEFAULT_SHELL = ["/bin/sh", "-c"]  # the Shell of an image config that sets none (Linux)


def _base_shell(base: str) -> list[str]:
    """The Shell an external base image's config sets (micromamba's `_dockerfile_shell.sh`: the
    catalog's `run_shell`), else `/bin/sh -c`."""
    known = fact(base, "run_shell")
    return list(known.value) if known is not None else _DEFAULT_SHELL


def _posix_shell(shell: list[str]) -> list[str] | None:
    """The POSIX shell a `SHELL` runs `RUN`'s text with: itself, or the one an environment manager
    starts (`SHELL ["conda", "run", "--no-capture-output", "-n", "ml", "/bin/bash", "-c"]`, `["/usr/bin/env",
    "bash", "-c"]`: the text is that shell's last argument), or the one a wrapper script the catalog
    knows execs (micromamba's `_dockerfile_shell.sh`: `bash -o pipefail -c`); None for another program
    (PowerShell, cmd)."""
    name = shell[0].rsplit("/", 1)[-1] if shell else ""
    if name in _POSIX_SHELLS:
        return shell
    if name in _ENV_RUNNERS:
        for i in range(1, len(shell)):
            if shell[i].rsplit("/", 1)[-1] in _POSIX_SHELLS:
                return shell[i:]
    if len(shell) == 1:  # a script the text is handed to
        return shell_wrapper(shell[0])
    return None


def _run_commands(inst: Instruction, shell: list[str]) -> list[Command]:
    if _json_array(inst.args) is not None:
        words = tuple(Word(w, inst.loc()) for w in _json_array(inst.args) or [])
        return from_argv(words, inst.loc())
    if shell and shell[0].rsplit("/", 1)[-1] not in _POSIX_SHELLS:
        return []  # PowerShell/cmd: not a POSIX shell
    source, skip = _strip_run_flags(inst.source)
    return _memo(("RUN", source, skip), inst, lambda: _run_script(inst, source, skip))


def _run_script(inst: Instruction, source: str, skip: int) -> list[Command]:
    locate = _locate(inst, skip)
    if inst.heredocs and not _HEREDOC.sub("", source).strip():
        # `RUN <<EOF` with no command: BuildKit runs the body in the shell, or, when it starts with
        # `#!`, as an executable file (dockerfile2llb dispatchRun): a Python script is no shell's.
        # `RUN <<EOF bash` has a command: the shell runs `bash` with the body on its stdin (below)
        commands: list[Command] = []
        for _word, body, first in inst.heredocs:
            runner = _shebang(body)
            if runner is None or runner in _POSIX_SHELLS:
                commands.extend(parse_script(body, lambda r, c, f=first: Loc(f + r + 1, c + 1), 0, runner or ""))
        return commands
    if len(inst.heredocs) > 1:
        split = _one_heredoc_a_line(inst, source, locate)
        if split is not None:
            return parse_script(*split)
    script = source
    lead = _LEADING_HEREDOCS.match(source) if inst.heredocs else None
    if lead is not None:
        # `RUN <<EOF bash`: a redirection before the command name (POSIX allows it; the shell parser
        # reads only `bash <<EOF`): the markers go after the command, its columns kept
        first, sep, more = source.partition("\n")
        moved = lead.end()
        rest = first[moved:]
        script = rest + " " + first[:moved].rstrip() + sep + more
        inner = locate
        locate = lambda r, c: inner(r, c + moved) if r == 0 and c < len(rest) else inner(r, c)  # noqa: E731
    for word, body, _first in inst.heredocs:
        script += "\n" + body + word
    return parse_script(script, locate)


def _one_heredoc_a_line(inst: Instruction, source: str, locate: Callable[[int, int], Loc]
                        ) -> tuple[str, Callable[[int, int], Loc]] | None:
    """A RUN line with several heredocs (`RUN <<FILE1 cat > file1 && <<FILE2 cat > file2`, BuildKit's
    own example; `RUN <<A cat <<B`) as a script tree-sitter-bash reads, which takes one heredoc a
    line: each `&&`/`||`/`;` part of the line on its own row, followed by its heredoc's body. BuildKit
    hands such a line and the bodies to the shell (dockerfile2llb `dispatchRun`), and a command with
    several heredocs on its stdin reads the last (bash: redirections apply left to right): the others
    are dropped. A heredoc before the command name goes after it. A command continued on more lines
    (`RUN cat <<A > a \\` then `&& cat <<B > b`) is one line to BuildKit, which finds the heredocs in
    the whole instruction and reads their bodies after its last line (parser.go `heredocsFromLine` on
    the joined line), and to the shell (a backslash-newline is removed before words are read): its
    rows are joined, each character still located in its row. None for a line whose heredocs are not
    all read here."""
    rows_of = source.split("\n")
    line = ""
    pos: list[tuple[int, int]] = []  # each character of `line` -> (row, column) in `source`
    for r, row in enumerate(rows_of):
        if r + 1 < len(rows_of):
            if not row.endswith("\\"):
                return None
            row = row[:-1]
        line += row
        pos += [(r, c) for c in range(len(row))]
    ops: list[tuple[int, int]] = []  # (start, end) of each `<<WORD` outside quotes
    cuts: list[tuple[int, int]] = []  # top-level `&&`, `||`, `;`
    quote = ""
    i = 0
    while i < len(line):
        c = line[i]
        if quote:
            if c == "\\" and quote == '"':
                i += 1
            elif c == quote:
                quote = ""
        elif c in "'\"":
            quote = c
        elif c == "\\":
            i += 1
        elif line.startswith("<<", i) and not line.startswith("<<<", i):
            m = _HEREDOC.match(line, i)
            if m is not None and i and line[i - 1].isdigit():
                return None  # `5<<FILE1`: another descriptor than stdin (`cat /proc/self/fd/5`)
            if m is not None:
                ops.append((i, m.end()))
                i = m.end()
                continue
        elif line.startswith(("&&", "||"), i):
            cuts.append((i, i + 2))
            i += 2
            continue
        elif c == ";":
            cuts.append((i, i + 1))
        i += 1
    if len(ops) != len(inst.heredocs):
        return None
    rows: list[tuple[str, list[int] | int]] = []  # (text, its columns in `line` | the file line of a body row)
    bounds = [0, *(x for cut in cuts for x in cut), len(line)]
    for start, end in zip(bounds[0::2], bounds[1::2]):
        mine = [k for k, (a, _b) in enumerate(ops) if start <= a < end]
        cols = [c for c in range(start, end)
                if not any(a <= c < b for k, (a, b) in enumerate(ops) if k in mine)]
        if mine:
            a, b = ops[mine[-1]]  # the one its stdin reads
            cols += [-1, *range(a, b)]  # after the command: a leading one moves there too
        text = "".join(" " if c < 0 else line[c] for c in cols)
        rows.append((text, cols))
        if mine:
            word, body, first = inst.heredocs[mine[-1]]
            lines = body.split("\n")[:-1] if body.endswith("\n") else body.split("\n") if body else []
            rows += [(text, first + r) for r, text in enumerate(lines)]
            rows.append((word, first + len(lines)))

    def at(row: int, col: int) -> Loc:
        text, where = rows[min(row, len(rows) - 1)]
        if isinstance(where, int):
            return Loc(where + 1, col + 1)
        real = [c for c in where if c >= 0]
        if not real:
            return locate(0, 0)
        if col < len(where):
            return locate(*pos[where[col] if where[col] >= 0 else real[0]])
        r, c = pos[real[-1]]
        return locate(r, c + 1)

    return "\n".join(text for text, _where in rows) + "\n", at


def _shebang(body: str) -> str | None:
    """The program a script's `#!` line names (`#!/usr/bin/env python3`: python3), None without one."""
    if not body.startswith("#!"):
        return None
    words = body[2:].split("\n", 1)[0].split()
    if not words:
        return None
    name = words[0].rsplit("/", 1)[-1]
    if name == "env":
        rest = [w for w in words[1:] if not w.startswith("-")]
        name = rest[0].rsplit("/", 1)[-1] if rest else ""
    return name


# -- scripts a RUN writes --------------------------------------------------------------
#
# `RUN cat <<'EOF' > /start.sh` and `RUN echo '#!/bin/sh\njupyter lab ...' > /start.sh` write the
# script the ENTRYPOINT/CMD then starts. Its text is what the shell writes: a heredoc's body (when
# the build's shell leaves it alone: a quoted delimiter, or nothing to expand), `echo`/`printf`
# output (`glmlint.shell.output_of`). Each character is located where it is written in the
# Dockerfile when that place is exact (a heredoc's line; one single-quoted word on one line), so a
# finding there is reported (and fixed) there; otherwise the script is located in itself, by its
# image path (a finding is reported at the `FROM`, naming `/start.sh:LINE`).

_BASH_ECHO = ("bash", "zsh")  # their `echo` writes `\n` as is unless given `-e` (dash's interprets it)


def _busybox_sh(base: str, shell: list[str]) -> bool:
    """Whether the build's shell is BusyBox's (its `echo` writes `\\n` as is unless given `-e`): an
    Alpine base, an image the catalog says has BusyBox as `/bin/sh` (`busybox`, `docker:dind`,
    Wolfi), or a `SHELL` that names a BusyBox binary (distroless `:debug`'s `/busybox/sh`)."""
    if "busybox" in shell[0]:
        return True
    if shell[0].rsplit("/", 1)[-1] not in ("sh", "ash"):
        return False  # `SHELL ["/bin/dash", "-c"]`: not BusyBox's, whatever the base
    return sh(base) == "busybox"


def _root(stage: Stage) -> Stage:
    """The first stage of `stage`'s `FROM <stage>` chain: the one whose base is an image."""
    while stage.parent is not None:
        stage = stage.parent
    return stage


def _dash_sh(stage: Stage, shell: list[str]) -> bool:
    """Whether the build's shell is dash: `/bin/sh` of an image the catalog says is Debian's or
    Ubuntu's (whose `/bin/sh` is dash: https://wiki.ubuntu.com/DashAsBinSh), or a `SHELL` naming
    dash. Its `echo` takes no `-e` (`echo -e "a\\nb"` writes `-e a`, then `b`)."""
    return "busybox" not in shell[0] and is_dash(shell[0].rsplit("/", 1)[-1], _root(stage).base)


def _body_rows(first: int) -> Callable[[int, int], Loc]:
    """Locations in a heredoc body whose first line is `first` (0-based) in the Dockerfile."""
    return lambda row, col: Loc(first + row + 1, col + 1)


def _scripts_written(stage: Stage, inst: Instruction, commands: list[Command], shell: list[str],
                     scope: dict[str, str]) -> None:
    """Record in `stage.scripts` the files `commands` (one RUN's) write whose text is known."""
    for cmd in commands:
        name = cmd.name
        if name not in ("echo", "printf", "cat", "tee"):
            continue
        if name == "tee":
            if cmd.stdin is None:
                continue
            append = any(w.text in ("-a", "--append") for w in cmd.args)
            targets = [(w, append) for w in cmd.args if not w.text.startswith("-")]
        else:
            targets = [(r.target, r.op.endswith(">>")) for r in cmd.redirects if r.op in (">", ">|", ">>")]
        if not targets:
            continue
        written = _written_text(stage, inst, cmd, shell)
        for target, append in targets:
            if target.dynamic:
                continue
            path = posixpath.normpath(posixpath.join(stage.workdir, substitute(target.text, scope)))
            if written is None:
                stage.scripts.pop(path, None)  # written with what cannot be known here
                continue
            if append and path in stage.scripts:
                written = stage.scripts[path].then(written)
            # no exact place in the Dockerfile for some of it: the script is located in itself
            stage.scripts[path] = _Written(written.text, _in_image(path), path) if written.shown else written


def _in_image(path: str) -> Callable[[int, int], Loc]:
    return lambda row, col: Loc(row + 1, col + 1, path)


def _written_text(stage: Stage, inst: Instruction, cmd: Command, shell: list[str]) -> _Written | None:
    """What `cmd` (echo, printf, cat or tee with a heredoc) writes, located; None when unknown."""
    if cmd.name in ("cat", "tee"):
        body = cmd.stdin
        if body is None or (cmd.name == "cat" and any(not w.text.startswith("-") for w in cmd.args)):
            return None
        for word, text, first in inst.heredocs:
            if text != body:
                continue
            quoted = re.search(r"<<-?[ \t]*(['\"])" + re.escape(word) + r"\1|<<-?[ \t]*\\" + re.escape(word), inst.source)
            if not quoted and any(c in body for c in "$`\\"):
                return None  # the build's shell expands it: `exec "$@"` is written as `exec ""`
            if re.search(r"<<-", inst.source):
                return _Written(body, _in_image(""), "-")  # tabs stripped: no exact column
            return _Written(body, _body_rows(first))
        return _Written(body, _in_image(""), "-")  # a heredoc inside a `RUN <<EOF` script
    text = output_of(cmd)
    if text is None:
        return None
    args = [w.text for w in cmd.args]
    if cmd.name == "echo":
        flags = []
        while args and re.fullmatch(r"-[neE]+", args[0]):
            flags.append(args.pop(0))
        interprets = any("e" in f for f in flags) and not any("E" in f for f in flags)
        root = _root(stage)
        if not interprets and any("\\" in a for a in args) and (
                shell[0].rsplit("/", 1)[-1] in _BASH_ECHO or _busybox_sh(root.base, shell)):
            return None  # bash's and busybox's echo write `\n` as is: not the script it looks like
    exact = _echo_places(inst, cmd)
    if exact is not None and exact.text == text:
        return exact
    return _Written(text, _in_image(""), "-")


def _raw_char(inst: Instruction, at: Loc) -> str:
    """The character written at `at` in the instruction (its shell source), "" when not in it."""
    rows = inst.source.split("\n")
    for k, (line, offset) in enumerate(inst.rows):
        if line + 1 == at.line and k < len(rows):
            i = at.col - 1 - offset
            return rows[k][i] if 0 <= i < len(rows[k]) else ""
    return ""


def _echo_places(inst: Instruction, cmd: Command) -> _Written | None:
    """What `echo '...'`/`printf '...'` writes, each character located where it is written, when that is
    one quoted word on one line, as written (its `\n`, `\t` read as dash's echo and printf read them)."""
    args = list(cmd.args)
    newline = cmd.name == "echo"
    while cmd.name == "echo" and args and re.fullmatch(r"-[neE]+", args[0].text):
        newline = newline and "n" not in args[0].text
        args = args[1:]
    if len(args) != 1 or (cmd.name == "printf" and "%" in args[0].text):
        return None
    word = args[0]
    start = word.start
    quote = _raw_char(inst, word.loc)
    if start is None or "\n" in word.text or not (
            quote == "'" or (quote == '"' and not any(c in word.text for c in '$`\\"'))):
        return None  # double quotes: literal only without `$`, backquotes, backslashes
    t = word.text
    if any(_raw_char(inst, Loc(start.line, start.col + i)) != t[i] for i in (0, len(t) - 1) if t):
        return None
    chars: list[str] = []
    places: list[int] = []
    i = 0
    while i < len(t):
        if t.startswith(("\\n", "\\t"), i):
            chars.append("\n" if t[i + 1] == "n" else "\t")
            places.append(i)
            i += 2
        else:
            chars.append(t[i])
            places.append(i)
            i += 1
    if newline:
        chars.append("\n")
        places.append(len(t))
    text = "".join(chars)
    starts = [0] + [k + 1 for k, c in enumerate(text) if c == "\n"]
    line, col = start.line, start.col

    def locate(row: int, c: int) -> Loc:
        k = (starts[row] if row < len(starts) else len(text)) + c
        return Loc(line, col + (places[k] if k < len(places) else len(t)))
    return _Written(text, locate)


# -- the same script, parsed once ------------------------------------------------------
#
# Real trees repeat RUN scripts: across the variants of an image (docker-library's
# Dockerfiles of one version differ in a few lines), and in every re-parse the fix
# engine makes of a file with one line changed. The commands of a script depend on its
# text and on where its rows are in the file, and on nothing else: every location in
# them comes from `_locate` (the rows' lines and columns, the heredoc bodies' first
# lines, the instruction's last line), or from a word's location (`sh -c '...'`,
# wrappers). So a script met again with its rows in the same places *relative to its
# first line* has the same commands, every line moved by the same amount. The key holds
# the script and that geometry; the value the commands and the first line they were
# located from. Bounded, so that a long scan or a language server holds a few hundred
# scripts at most.

_MEMO_SIZE = 256
_memo_store: dict[tuple[object, ...], tuple[int, list[Command]]] = {}


def _memo(what: tuple[object, ...], inst: Instruction, compute: Callable[[], list[Command]]) -> list[Command]:
    first = inst.start
    key = (what, tuple((line - first, col) for line, col in inst.rows),
           tuple((word, body, line - first) for word, body, line in inst.heredocs), inst.end - first)
    got = _memo_store.get(key)
    if got is not None:
        at, commands = got
        return list(commands) if at == first else shifted(commands, first - at)
    commands = compute()
    if len(_memo_store) >= _MEMO_SIZE:
        del _memo_store[next(iter(_memo_store))]  # the oldest
    _memo_store[key] = (first, commands)
    return list(commands)


def _argv_setting(inst: Instruction, shell: list[str]) -> Setting[tuple[Word, ...] | None]:
    array = _json_array(inst.args)
    if array is not None:
        words = tuple(_json_word(inst, w) for w in array)
        return Setting(words, inst.loc(), path=("instruction", inst.index))
    # shell form: the shell runs the text
    words = tuple(Word(w, inst.loc()) for w in shell) + (Word(inst.args, inst.loc(), dynamic="$" in inst.args),)
    return Setting(words, inst.loc(), path=("instruction", inst.index))


def _json_word(inst: Instruction, value: str) -> Word:
    at = _find(inst, json.dumps(value))
    return Word(value, at, "$" in value, Loc(at.line, at.col + 1))


def _process(final: Stage, base: str | None = None) -> list[Command]:
    """What the container runs: ENTRYPOINT + CMD, shell forms parsed with their locations. With no ENTRYPOINT
    in the build, an exec-form CMD is the arguments of the base image's own (the image catalog's `entrypoint`
    fact: distroless python3's python, so `CMD ["-m", "phoenix.server.main", "serve"]` runs python)."""
    ep, cmd = final.entrypoint, final.cmd
    ep_shell = ep is not None and ep.value is not None and _json_array(final.entrypoint_inst.args) is None  # type: ignore[union-attr]
    cmd_shell = cmd is not None and cmd.value is not None and _json_array(final.cmd_inst.args) is None  # type: ignore[union-attr]
    if ep is not None and ep.value:
        if ep_shell:  # shell-form ENTRYPOINT ignores CMD
            return _shell_process(final.entrypoint_inst)  # type: ignore[arg-type]
        words = ep.value + (cmd.value if cmd is not None and cmd.value else ())
        return from_argv(words, ep.loc)
    if cmd is not None and cmd.value:
        if cmd_shell:
            return _shell_process(final.cmd_inst)  # type: ignore[arg-type]
        known = fact(base, "entrypoint") if ep is None and base else None
        if known is not None and isinstance(known.value, list) and known.value:
            return from_argv((*(Word(str(t), cmd.loc) for t in known.value), *cmd.value), cmd.loc)
        return from_argv(cmd.value, cmd.loc)
    return []


def _shell_process(inst: Instruction) -> list[Command]:
    loc = inst.loc()
    head = Command((Word("/bin/sh", loc), Word("-c", loc), Word(inst.args, loc, "$" in inst.args)), loc)
    return [head, *_memo(("shell", inst.source), inst, lambda: parse_script(inst.source, _locate(inst)))]
