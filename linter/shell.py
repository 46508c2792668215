"""Shell understanding: scripts and exec-form arrays become `Command`s and `FileWrite`s.

Scripts are parsed with tree-sitter-bash, a real grammar (quoting, heredocs,
`$(...)`, compound statements), imported only when a file has shell to parse:
~20 ms, against ~120 ms for bashlex. Words are quote-removed; expansions are
kept as written and mark the word `dynamic`. Wrappers (`exec`, `sudo`, `env`, `timeout 2h`,
`tini --`, `gosu user`, `sh -c '...'`, `srun --gres gpu:8`, `salloc -N 1`, `sbatch --wrap '...'`, `flock FILE`, `numactl -w 0`, `watch -n 5`,
`eval "..."`, `setsid`, `screen -dmS NAME`, `tmux new -d "..."` and the keys `tmux send-keys` types
before `Enter`) are looked through, each with its own options read as its source reads them, so
rules see the program that really runs.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Collection, Iterable, Sequence
from functools import lru_cache
from typing import Any

from glmlint import lazyre
from glmlint.ir import Command, FileWrite, Loc, Redirect, User, Word, Workload

Locate = Callable[[int, int], Loc]  # (0-based row, 0-based char column) -> file location

SHELLS = {"sh", "bash", "ash", "dash", "zsh", "ksh", "busybox"}
_MAX_DEPTH = 8


@lru_cache(maxsize=1)
def _parser() -> Any:
    import tree_sitter

    language = tree_sitter.Language(_bash_grammar())
    # a node's type name by its kind id (`_KINDS[node.kind_id]`): `node.type` makes a new string at
    # every read (~5x the cost of `node.kind_id`), and the walker asks each node's type a few times.
    # The type is the name of the node's public symbol, which `kind_id` is.
    # (an ERROR node's kind id is the error symbol, 65535, past the grammar's own kinds: `_Kinds`)
    _KINDS.language = language
    _KINDS.update({i: language.node_kind_for_id(i) for i in range(language.node_kind_count)})
    return tree_sitter.Parser(language)


class _Kinds(dict):  # type: ignore[type-arg]
    """kind id -> `node.type`; an id not listed yet is asked of the language once."""

    language: Any = None

    def __missing__(self, kind_id: int) -> str:
        name = self[kind_id] = self.language.node_kind_for_id(kind_id) or ""
        return name


_KINDS = _Kinds()  # filled with the parser


def _bash_grammar() -> Any:
    """tree-sitter-bash's grammar, from its compiled module (`tree_sitter_bash._binding`).

    The package's `__init__` imports `importlib.resources` (and with it tempfile, shutil,
    zipfile's compressors: ~4 ms of a one-file check) for its highlighting queries,
    which glmlint never reads; the grammar is the same either way. Loaded as the import
    system loads it, under its own name, but not registered: a later `import
    tree_sitter_bash` loads its own (the module keeps no state). If the package is
    imported already, or is laid out otherwise, through the package."""
    import sys

    name = "tree_sitter_bash._binding"
    if "tree_sitter_bash" not in sys.modules:
        import os
        from importlib.machinery import EXTENSION_SUFFIXES, ExtensionFileLoader, ModuleSpec
        from importlib.util import find_spec, module_from_spec

        package = find_spec("tree_sitter_bash")
        for folder in (package.submodule_search_locations or []) if package is not None else []:
            for suffix in EXTENSION_SUFFIXES:
                path = os.path.join(folder, "_binding" + suffix)
                if os.path.isfile(path):
                    loader = ExtensionFileLoader(name, path)
                    spec = ModuleSpec(name, loader, origin=path)
                    module = module_from_spec(spec)
                    loader.exec_module(module)
                    return module.language()
    import tree_sitter_bash

    return tree_sitter_bash.language()


# -- scripts ------------------------------------------------------------------


# a word that is one variable's value (`$DIR`, `${DIR}`)
_ONE_VARIABLE = re.compile(r"^(?:\$([A-Za-z_][A-Za-z0-9_]*)|\$\{([A-Za-z_][A-Za-z0-9_]*)\})$")


def parse_script(script: str, locate: Locate, _depth: int = 0, shell: str = "") -> list[Command]:
    """Every simple command in `script`, in order, wrappers and `sh -c` looked through. `shell`: the
    shell that runs the script (`Command.shell`), "" for the context's."""
    if not script.strip() or _depth > _MAX_DEPTH:
        return []
    data = script.encode("utf-8", "surrogatepass")
    if b"`" in data:  # (a word of its own that is only a comment: blanks, one a character, so no column moves)
        data = _COMMENT_WORD.sub(lambda m: b" " * len(m.group().decode("utf-8", "replace")), data)
    tree = _parser().parse(data)
    for _ in range(16):  # a glued one hides the ones after it (its body runs on): again, until none
        if not _GLUED_HEREDOC.search(data):
            break
        data, tree, locate, more = _unglued(data, tree, locate)
        if not more:
            break
    walker = _Walker(data, locate, _depth, shell)
    walker.visit(tree.root_node)
    return walker.commands


# a backquoted comment as a word of its own (`-v "$PWD:/app" `# mount the code for development` \`, the way READMEs
# annotate a continued `docker run` line): bash takes the backquotes' text, a comment, as the command to run, which
# prints nothing, and an unquoted empty substitution is no word (XCU 2.6.3, 2.6.5); tree-sitter-bash reads the
# comment on to the end of the line, past the closing backquote, and loses the rest of the command
_COMMENT_WORD = re.compile(rb"(?<=[ \t])`[ \t]*#[^`\n]*`(?=[ \t]|\\\n|\n|$)")
# an unquoted heredoc delimiter with an operator right after it (`cat <<EOF; chmod +x f`, `<<EOF&&`): the
# shell ends the word at the operator (a metacharacter: POSIX XCU 2.2, 2.10.1), tree-sitter-bash reads
# `EOF;` as the word and never finds its end line
_GLUED_HEREDOC = re.compile(rb"<<-?[ \t]*[A-Za-z0-9_.-]+[;&|)]")


def _unglued(data: bytes, tree: Any, locate: Locate) -> tuple[bytes, Any, Locate, bool]:
    """The script with a blank between each heredoc's unquoted delimiter and the operator glued to it,
    parsed again, `locate` reading its columns as the original's, and whether any was found."""
    cuts: list[int] = []  # byte offsets where a blank goes
    stack = [tree.root_node]
    while stack:
        node = stack.pop()
        if _KINDS[node.kind_id] == "heredoc_start":
            m = re.search(rb"[;&|)]", data[node.start_byte:node.end_byte])
            if m is not None and not re.search(rb"['\"\\]", data[node.start_byte:node.end_byte]):
                cuts.append(node.start_byte + m.start())
            continue
        stack.extend(node.children)
    if not cuts:
        return data, tree, locate, False
    out = bytearray()
    at = 0
    moved: dict[int, list[int]] = {}  # row -> the (new) character columns of the blanks put in
    for cut in sorted(cuts):
        out += data[at:cut]
        line = out[out.rfind(b"\n") + 1:]
        moved.setdefault(out.count(b"\n"), []).append(len(line.decode("utf-8", "replace")))
        out += b" "
        at = cut
    out += data[at:]
    fixed = bytes(out)

    def unmoved(row: int, col: int) -> Loc:
        return locate(row, col - sum(1 for c in moved.get(row, ()) if c < col))

    return fixed, _parser().parse(fixed), unmoved, True


_REDIRECTS = frozenset({"file_redirect", "heredoc_redirect", "herestring_redirect"})

class _Walker:
    def __init__(self, data: bytes, locate: Locate, depth: int, shell: str) -> None:
        self.data = data
        self.locate = locate
        self.depth = depth
        self.shell = shell
        self.commands: list[Command] = []
        self._lines = data.split(b"\n")
        self._ascii = data.isascii()  # then a byte column is the character column
        # whether any command or process substitution may be in the script (most have none: then no
        # word is searched for one)
        self._subs = _SUBSTITUTION.search(data) is not None
        self._bodies: dict[str, tuple[int, int]] = {}  # a heredoc's text -> where its body starts (a shell fed it reads it)
        self._here_lines: list[tuple[str, tuple[Loc, ...]]] = []  # a heredoc's text (this object) -> its lines
        self._quoted: set[int] = set()  # ids of the texts (in `_here_lines`) of heredocs with a quoted delimiter
        # the script's shell variables as it sets them, in order (`EDITOR='tee -a'`, the text as written
        # when it expands something), and the names it exports (`export`, `declare -x`): the environment
        # of the commands after them (`export EDITOR='tee -a'` before `... | visudo`: `_environ`)
        self._vars: dict[str, str] = {}
        self._exported: set[str] = set()

    def loc(self, node: Any) -> Loc:
        row, byte_col = node.start_point
        if self._ascii:
            return self.locate(row, byte_col)
        line = self._lines[row] if row < len(self._lines) else b""
        col = len(line[:byte_col].decode("utf-8", "replace"))
        return self.locate(row, col)

    def text(self, node: Any) -> str:
        return self.data[node.start_byte:node.end_byte].decode("utf-8", "replace")

    # Statements ---------------------------------------------------------------

    def visit(self, node: Any, redirects: tuple[Redirect, ...] = (), stdin: str | None = None,
              upstream: tuple[Command, ...] = ()) -> None:
        kind = _KINDS[node.kind_id]
        if kind == "command":
            self.command(node, redirects, stdin, upstream)
        elif kind == "redirected_statement":
            body = node.child_by_field_name("body")
            extra, here = self.redirects(node)
            if body is None:  # a bare `<<EOF` with no command
                return
            before = len(self.commands)
            rest = self.after_heredoc(node)
            # bash binds a trailing redirect to the last command of a list or pipeline
            if _KINDS[body.kind_id] in ("list", "pipeline"):
                self.visit_list(body, extra, here, upstream)
            elif _KINDS[body.kind_id] == "command":
                self.command(body, redirects + extra, here if here is not None else stdin, upstream,
                             [n for n in rest if _KINDS[n.kind_id] in _LITERALS or _KINDS[n.kind_id] == "file_redirect"
                              or self.separator(n)])
            else:
                self.visit(body, redirects + extra, here if here is not None else stdin, upstream)
            if rest:
                self.then(rest, self.commands[before:])
        elif kind == "pipeline":
            self.pipeline(node, redirects, stdin, upstream)
        elif kind == "list":
            self.visit_list(node, redirects, stdin, upstream)
        elif kind in _OWN_VARIABLES:
            # a `( list )` subshell and a `$( ... )` substitution run in a copy of the shell, and a function's
            # body only when it is called: what they set or export does not reach the commands after them
            # (bash(1) "COMMAND EXECUTION ENVIRONMENT", "FUNCTIONS")
            saved, exported = dict(self._vars), set(self._exported)
            self.visit_children(node, kind, redirects, stdin, upstream)
            self._vars, self._exported = saved, exported
        else:
            self.visit_children(node, kind, redirects, stdin, upstream)

    def visit_children(self, node: Any, kind: str, redirects: tuple[Redirect, ...], stdin: str | None,
                       upstream: tuple[Command, ...]) -> None:
        """Visit a node's children as statements (what the node sets first)."""
        if kind in _SETS_VARIABLES:
            self.set_variables(node, kind)
        children = node.named_children
        kinds = [_KINDS[c.kind_id] for c in children]  # (`kind_id` makes a Python int each time it is read)
        # `cat <<EOF; echo x >> log`: tree-sitter-bash makes `<<EOF` an error and the body lines
        # statements; the shell reads them as the heredoc's text (the command before it is fed it)
        broken = {i: b for i, c in enumerate(children) if kinds[i] == "ERROR"
                  for b in [self.broken_heredoc(c)] if b is not None} if "ERROR" in kinds else {}
        body_rows = [(children[i].end_point[0], b[1]) for i, b in broken.items()]
        for i, child in enumerate(children):
            if kinds[i] in _REDIRECTS:
                continue
            if body_rows:
                row = child.start_point[0]
                if any(first < row <= last for first, last in body_rows):
                    continue  # a line of a heredoc's body: data, not a command
            fed = broken.get(i + 1) if broken else None
            if fed is not None and child.end_point[0] == children[i + 1].start_point[0]:
                self.visit(child, redirects, fed[0], upstream)
            else:
                self.visit(child, redirects, stdin, upstream)

    def set_variables(self, node: Any, kind: str) -> None:
        """What a statement does to the shell's variables (bash(1) "PARAMETERS", "SHELL BUILTIN
        COMMANDS"): `NAME=value` sets one (exported still if it was), `export NAME[=value]`,
        `declare -x`/`typeset -x` also export it, `export -n`/`declare +x` stop exporting it,
        `unset NAME` removes it; `local`/`readonly`/`declare` set it."""
        if kind == "variable_assignment":  # (also met again as a child of `export X=...`: the same value)
            self.assign(node, False, False, self.glued_after(node))
            return
        if kind == "variable_assignments":
            for a, tail in self.glued(node.named_children):
                self.assign(a, False, False, tail)
            return
        keyword = self.text(node.children[0]) if node.children else ""
        options = [self.text(c) for c in node.named_children if _KINDS[c.kind_id] == "word"
                   and self.text(c)[:1] in "-+"]
        for c, tail in self.glued(node.named_children):
            k = _KINDS[c.kind_id]
            if kind == "unset_command":
                if k in ("variable_name", "word") and not self.text(c).startswith("-") and "-f" not in options:
                    self._vars.pop(self.text(c), None)
                    self._exported.discard(self.text(c))
                continue
            unexport = "-n" in options if keyword == "export" else "+x" in options
            export = keyword == "export" and not unexport or "-x" in options
            if k == "variable_assignment":
                self.assign(c, export, unexport, tail)
            elif k == "variable_name":
                if export:
                    self._exported.add(self.text(c))
                elif unexport:
                    self._exported.discard(self.text(c))

    def assign(self, node: Any, export: bool, unexport: bool = False, tail: tuple[Any, ...] = ()) -> None:
        name = node.child_by_field_name("name")
        value = node.child_by_field_name("value")
        if name is None or _KINDS[name.kind_id] != "variable_name":
            return  # `a[1]=x`: an array element
        key = self.text(name)
        self._vars[key] = self.word(value, (), tail).text if value is not None else "".join(
            self.value(t)[0] for t in tail)
        if export:
            self._exported.add(key)
        elif unexport:
            self._exported.discard(key)

    def assigned(self, word: Word) -> Word:
        """`word` (`"${COMFY_DIR}"`, `$DIR`) as the plain value the script assigned the variable it names before
        it (`COMFY_DIR=/workspace/ComfyUI`), for a `cd`, whose directory a later relative path is read in; as
        it was when the script set none, or set it to another expansion."""
        m = _ONE_VARIABLE.match(word.text)
        value = self._vars.get(m.group(1) or m.group(2)) if m is not None else None
        if not value or "$" in value or "`" in value:
            return word
        return Word(value, word.loc, start=word.start)

    def _environ(self, cmd: Command) -> Command:
        """`cmd` with the variables the script exported before it among its `assignments` (its own
        prefix assignments after them, winning), for `visudo`, which reads its editor from them."""
        kept = cmd.env_reset  # through `sudo`: only what it keeps of the environment before it
        env = tuple((k, v) for k, v in self._vars.items() if k in self._exported and (kept is None or k in kept))
        return Command(cmd.argv, cmd.loc, env + cmd.assignments, cmd.redirects, cmd.stdin, cmd.upstream, cmd.shell,
                       cmd.stdin_lines, cmd.stdin_quoted, cmd.env_reset) if env else cmd

    def broken_heredoc(self, node: Any) -> tuple[str, int] | None:
        """The text and the last row of the heredoc whose start is in the error `node` (tree-sitter-bash
        did not find its body): the lines after its line up to the one that is its delimiter (POSIX XCU
        2.7.4; `<<-` strips leading tabs), or to the end of the script."""
        parts = node.children
        at = next((k for k, c in enumerate(parts) if _KINDS[c.kind_id] == "heredoc_start"), None)
        if at is None or at == 0 or self.text(parts[at - 1]) not in ("<<", "<<-"):
            return None
        tabs = self.text(parts[at - 1]) == "<<-"
        written = self.text(parts[at])
        delim = _QUOTED_DELIMITER.sub("", written).encode()
        first = node.end_point[0] + 1
        last = first
        body: list[bytes] = []
        while last < len(self._lines):
            line = self._lines[last].lstrip(b"\t") if tabs else self._lines[last]
            if line == delim:
                break
            body.append(line)
            last += 1
        if last >= len(self._lines):
            last = len(self._lines) - 1
            if body and not body[-1]:  # the script's final newline
                body.pop()
        text = b"".join(line + b"\n" for line in body).decode("utf-8", "replace")
        self._bodies[text] = (first, 0)
        self._here_lines.append((text, tuple(self.locate(first + k, 0) for k in range(len(body) or 1))))
        if _QUOTED_DELIMITER.search(written):
            self._quoted.add(id(text))
        return text, last

    def visit_list(self, node: Any, redirects: tuple[Redirect, ...], stdin: str | None,
                   upstream: tuple[Command, ...] = ()) -> None:
        parts = _list_parts(node)
        for i, child in enumerate(parts):
            last = i == len(parts) - 1
            if _KINDS[child.kind_id] == "pipeline" and not last:
                self.pipeline(child, (), None)
            else:
                self.visit(child, redirects if last else (), stdin if last else None, upstream if last else ())

    def pipeline(self, node: Any, redirects: tuple[Redirect, ...], stdin: str | None,
                 upstream: tuple[Command, ...] = ()) -> None:
        parts = [c for c in node.named_children if _KINDS[c.kind_id] != "comment"]
        feed = stdin
        for i, child in enumerate(parts):
            before = len(self.commands)
            self.visit(child, redirects if i == len(parts) - 1 else (), feed, upstream)
            produced = self.commands[before:]
            feed = output_of(produced[-1]) if produced else None
            upstream = tuple(produced)  # what the next stage reads from the pipe

    def after_heredoc(self, node: Any) -> list[Any]:
        """What tree-sitter-bash nests inside a heredoc redirect after its start word, which is the
        rest of the command line: more arguments of the command (`cat <<EOF -n`), `| tee f`,
        `&& chmod 777 f`, `|| exit 1` (the grammar's `_heredoc_pipeline`, `_heredoc_expression`,
        `_heredoc_command`). Its file and herestring redirects are the command's (`redirects`)."""
        out: list[Any] = []
        for child in node.named_children:
            if _KINDS[child.kind_id] == "heredoc_redirect":
                cut = False  # past a `;`/`&`: the file redirects are the next command's
                for c in child.named_children:
                    kind = _KINDS[c.kind_id]
                    if kind == "file_redirect":
                        if cut:
                            out.append(c)
                            continue
                        inner = c.named_children
                        at = next((k for k, n in enumerate(inner) if self.separator(n)), None)
                        if at is not None:  # `cat <<EOF >f; chmod 600 f`: the grammar nests `; chmod 600 f` in `>f`
                            cut = True
                            out.extend(inner[at:])
                    elif kind not in _HEREDOC_PARTS or self.separator(c):
                        cut = cut or self.separator(c)
                        out.append(c)
        return out

    def own_redirects(self, node: Any) -> list[Any]:
        """The file redirects in the heredoc redirect `node` that are its command's: those before a
        `;`/`&` tree-sitter-bash left in it (`after_heredoc`)."""
        out: list[Any] = []
        for c in node.named_children:
            kind = _KINDS[c.kind_id]
            if kind == "file_redirect":
                out.append(c)
                if any(self.separator(n) for n in c.named_children):
                    break
            elif self.separator(c):
                break
        return out

    def separator(self, node: Any) -> bool:
        """An error tree-sitter-bash makes of `;`/`&` after a heredoc's start word on its line (`cat
        <<EOF; chmod +x f`, `cat <<EOF | tee f; chmod 600 f`): the grammar takes the rest of the
        line for the command's, the shell ends the command there."""
        return _KINDS[node.kind_id] == "ERROR" and self.text(node).strip() in (";", "&")

    def then(self, rest: list[Any], produced: list[Command]) -> None:
        """Run what follows a heredoc on its command line: a pipeline stage reads what the command
        wrote (`cat <<EOF | sudo tee -a f`), a statement after `&&`/`||` runs after it."""
        for node in rest:
            kind = _KINDS[node.kind_id]
            if kind in _LITERALS or kind == "ERROR" or kind == "file_redirect":
                continue
            if kind != "pipeline":
                self.visit(node)
                continue
            stages = [c for c in node.named_children if _KINDS[c.kind_id] != "comment"]
            for stage in stages:
                # `a <<EOF | b && c`: the grammar nests `b && c` in the pipe; `b` reads it, `c` runs after
                parts = _list_parts(stage) if _KINDS[stage.kind_id] == "list" else [stage]
                before = len(self.commands)
                self.visit(parts[0], (), output_of(produced[-1]) if produced else None, tuple(produced))
                produced = self.commands[before:]
                for part in parts[1:]:
                    self.visit(part)

    def redirects(self, node: Any, children: list[tuple[Any, tuple[Any, ...]]] | None = None
                  ) -> tuple[tuple[Redirect, ...], str | None]:
        """The redirects among `node`'s children (`children`: them `glued`) and the text fed to its stdin."""
        out: list[Redirect] = []
        stdin: str | None = None
        for child, tail in self.glued(node.named_children) if children is None else children:
            kind = _KINDS[child.kind_id]  # (once: `kind_id` makes a Python int each time it is read)
            if kind not in _REDIRECTS:
                continue  # (most of a command's children: its words)
            if kind == "file_redirect":
                out.extend(self.file_redirect(child, tail))
            elif kind == "heredoc_redirect":
                body = next((c for c in child.named_children if _KINDS[c.kind_id] == "heredoc_body"), None)
                stdin = self.text(body) if body is not None else ""
                start = next((c for c in child.named_children if _KINDS[c.kind_id] == "heredoc_start"), None)
                if body is not None and start is not None and _QUOTED_DELIMITER.search(self.text(start)):
                    self._quoted.add(id(stdin))
                if body is not None:
                    self._bodies[stdin] = body.start_point
                    row, col = body.start_point
                    self._here_lines.append((stdin, tuple(
                        self.locate(row + i, col if i == 0 else 0) for i in range(stdin.count("\n") or 1))))
                # `cat <<EOF > file`: the grammar nests the file redirect inside the heredoc's
                for inner in self.own_redirects(child):
                    out.extend(self.file_redirect(inner))
            else:  # a herestring
                arg = child.named_children[-1] if child.named_children else None
                stdin = (self.word(arg, (), tail).text + "\n") if arg is not None else ""
        return tuple(out), stdin

    def file_redirect(self, node: Any, tail: tuple[Any, ...] = ()) -> list[Redirect]:
        """The redirect `node`, `tail` the word parts glued to its end (`glued`)."""
        op = ""
        target = None
        parts: list[Any] = []  # the target's, in order: more than one when tree-sitter-bash split it (`glued`)
        for part in node.children:
            if self.separator(part):
                break  # `>f; chmod 600 f`: the rest is the next command (`after_heredoc`)
            if not part.is_named:
                op += self.text(part)
            elif _KINDS[part.kind_id] != "file_descriptor":
                if target is not None and part.start_byte == parts[-1].end_byte and _KINDS[part.kind_id] in _LITERALS:
                    parts.append(part)
                else:
                    target, parts = part, [part]
        if target is None:
            return []
        return [Redirect(op or ">", self.word(target, (), (*parts[1:], *tail)))]

    def command(self, node: Any, redirects: tuple[Redirect, ...], stdin: str | None,
                upstream: tuple[Command, ...] = (), more: list[Any] | None = None) -> None:
        argv: list[Word] = []
        after: list[list[Word]] = []  # the commands after a `;` tree-sitter-bash left in this one (`separator`)
        after_redirects: list[list[Redirect]] = []  # their redirects
        assigns: list[tuple[str, str]] = []
        children = self.glued(node.named_children)
        own, here = self.redirects(node, children)
        bare: list[tuple[Any, tuple[Any, ...]]] = []  # the assignments (with what is glued to them)
        for child, tail in children:
            kind = _KINDS[child.kind_id]
            if kind in ("file_redirect", "heredoc_redirect", "herestring_redirect", "comment"):
                continue
            if kind == "ERROR" and self.separator(child):
                after.append([])
                after_redirects.append([])
                continue
            # command substitutions inside arguments run too, before the command (only text
            # with `$(`, a backquote, `<(` or `>(` can hold one: the rest is not searched)
            runs: tuple[Command, ...] = ()
            last = tail[-1] if tail else child
            if self._subs and (child.named_child_count or tail) and _SUBSTITUTION.search(
                    self.data, child.start_byte, last.end_byte):
                before = len(self.commands)
                for part in (child, *tail):
                    for sub in _substitutions(part):
                        self.visit(sub)
                runs = tuple(self.commands[before:])
            if kind == "variable_assignment":
                name = child.child_by_field_name("name")
                value = child.child_by_field_name("value")
                assigns.append((self.text(name) if name else "",
                                self.word(value, (), tail).text if value else "".join(self.value(t)[0] for t in tail)))
                bare.append((child, tail))
            elif kind == "command_name":
                inner = child.named_children[0] if child.named_children else child
                argv.append(self.word(inner, runs, tail))
            else:
                word = self.word(child, runs, tail)
                if not argv and not after and bare and _ASSIGNMENT.match(self.text(child)):
                    # `X=$A/x:$B/y Y=1 cmd`: the grammar's command name was glued back (`glued`), so `Y=1`,
                    # which it took for an argument, is before the command name: an assignment
                    name, _, text = word.text.partition("=")
                    assigns.append((name, text))
                    continue
                (after[-1] if after else argv).append(word)
        for child, tail in self.glued(more or ()) if argv else ():  # `cat <<EOF -n`: its arguments after the heredoc
            if self.separator(child):
                after.append([])
                after_redirects.append([])
            elif _KINDS[child.kind_id] == "file_redirect":
                if after:
                    after_redirects[-1].extend(self.file_redirect(child, tail))
            else:
                (after[-1] if after else argv).append(self.word(child, (), tail))
        if not argv:
            # `X=$A/x:$B/y` alone: tree-sitter-bash makes it a command named `B/y`; glued back, it is
            # an assignment statement, which sets the shell's variable
            for child, tail in bare:
                self.assign(child, False, False, tail)
            return
        if len(argv) == 2 and argv[1].dynamic and argv[0].text == "cd":
            argv[1] = self.assigned(argv[1])
        fed = here if here is not None else stdin
        lines = next((at for text, at in reversed(self._here_lines) if text is fed), ()) if fed else ()
        cmd = Command(tuple(argv), self.loc(node), tuple(assigns), redirects + own, fed, upstream, self.shell,
                      lines, fed is not None and id(fed) in self._quoted)
        ran = expand(cmd, self.depth)
        if self._exported:
            ran = [self._environ(c) if c.name == "visudo" else c for c in ran]
        self.commands.extend(ran)
        if cmd.stdin and cmd.stdin in self._bodies and (cmd.name in SHELLS and _script_on_stdin(cmd.args)
                                                         or cmd.name == "sbatch" and _sbatch(cmd.args) is True):
            # `bash <<'EOF'`, `RUN <<EOF bash`: the shell reads its script from the heredoc; `sbatch <<EOF`
            # submits it as the job's batch script
            row, col = self._bodies[cmd.stdin]
            self.commands.extend(parse_script(cmd.stdin, lambda r, c: self.locate(row + r, col + c if r == 0 else c),
                                              self.depth + 1, cmd.name if cmd.name in SHELLS else ""))
        for words, writes in zip(after, after_redirects):
            if words:
                self.commands.extend(expand(Command(tuple(words), words[0].loc, redirects=tuple(writes),
                                                    shell=self.shell), self.depth))

    # Words --------------------------------------------------------------------

    def word(self, node: Any, runs: tuple[Command, ...] = (), tail: tuple[Any, ...] = ()) -> Word:
        """The word `node` starts, `tail` the nodes glued to it (`glued`): one word, as a concatenation is."""
        kind = _KINDS[node.kind_id]
        text, dynamic = self.value(node, kind)
        loc = self.loc(node)
        if tail:
            for part in tail:
                more, varies = self.value(part)
                text += more
                dynamic = dynamic or varies
            return Word(text, loc, dynamic, None, 0, (), runs)
        skip = _QUOTE_WIDTH.get(kind, 0)
        return Word(text, loc, dynamic, Loc(loc.line, loc.col + skip, loc.file) if skip else None, 0, (), runs)

    @staticmethod
    def glued_after(node: Any) -> tuple[Any, ...]:
        """The word parts glued to `node` (`glued`), from the nodes after it."""
        out: list[Any] = []
        end, after = node.end_byte, node.next_named_sibling
        while after is not None and after.start_byte == end:
            part = after.named_children[0] if _KINDS[after.kind_id] == "command_name" and after.named_children else after
            if _KINDS[part.kind_id] not in _LITERALS:
                break
            out.append(part)
            end, after = after.end_byte, after.next_named_sibling
        return tuple(out)

    @staticmethod
    def glued(nodes: Sequence[Any]) -> list[tuple[Any, tuple[Any, ...]]]:
        """`nodes` (a command's children) as (node, the word parts glued to it). A word part that starts
        at the byte where the node before it ends, with no blank between them, goes on the same shell
        word (bash(1) "DEFINITIONS": a word is a sequence of characters the shell takes as a unit; only
        an unquoted blank or metacharacter ends it). tree-sitter-bash 0.25 ends a `concatenation` at a
        `$` followed by a name after other text (`$A/x:$B/y`, `"${HOME}"/.cache:$HOME/.cache/`) and
        starts a new argument there (`B/y`): glued back to the argument, the command name, the
        assignment's value (`X=$A/x:$B/y cmd`), or the target of the redirect (`cat<<<$A/x:$B/y`) it ends."""
        out: list[tuple[Any, tuple[Any, ...]]] = []
        end = -1
        for node in nodes:
            if node.start_byte == end and out:  # (rare: most children have a blank before them)
                part = node
                if _KINDS[node.kind_id] == "command_name" and node.named_children:
                    part = node.named_children[0]  # `X=$A/x:$B/y cmd`: the grammar names the command `B/y`
                head, tail = out[-1]
                if _KINDS[part.kind_id] in _LITERALS and _KINDS[head.kind_id] in _GLUES_ON:
                    out[-1] = (head, (*tail, part))
                    end = node.end_byte
                    continue
            out.append((node, ()))
            end = node.end_byte
        return out

    def value(self, node: Any, kind: str | None = None) -> tuple[str, bool]:
        if kind is None:
            kind = _KINDS[node.kind_id]
        raw = self.text(node)
        if kind == "word" or kind == "number":
            return _unescape(raw), False
        if kind == "raw_string":
            return raw[1:-1], False
        if kind == "ansi_c_string":
            return _ansi_c(raw[2:-1]), False
        if kind in ("string", "translated_string"):
            parts: list[str] = []
            dynamic = False
            body = node.named_children
            if not body:  # "" or a string with plain content only
                inner = raw[1:-1] if kind == "string" else raw[2:-1]
                return _unescape_dq(inner), False
            for child in body:
                if _KINDS[child.kind_id] == "string_content":
                    parts.append(_unescape_dq(self.text(child)))
                else:
                    parts.append(self.text(child))
                    dynamic = True
            # string_content nodes skip some literal text (e.g. a lone `$`): fall back to raw
            inner = raw[1:-1] if kind == "string" else raw[2:-1]
            joined = "".join(parts)
            if not dynamic and len(joined) < len(_unescape_dq(inner)):
                joined = _unescape_dq(inner)
            return joined, dynamic
        if kind == "concatenation":
            parts = []
            dynamic = False
            for child in node.children:
                t, d = self.value(child)
                parts.append(t)
                dynamic = dynamic or d
            return "".join(parts), dynamic
        # expansions, substitutions, arithmetic: kept as written
        return raw, True


_QUOTED_DELIMITER = re.compile(r"""['"\\]""")  # a quote in a heredoc's delimiter: its text is not expanded
_SUBSTITUTION = re.compile(rb"\$\(|`|[<>]\(")  # what starts a command or process substitution
# the parts of a heredoc redirect that are its own (the rest is the command line after it)
_HEREDOC_PARTS = frozenset({"heredoc_start", "heredoc_body", "heredoc_end", "file_redirect", "herestring_redirect",
                            "file_descriptor", "comment", "ERROR"})
# the nodes that are words of a command line (the grammar's `_literal`)
_LITERALS = frozenset({"word", "string", "raw_string", "number", "concatenation", "simple_expansion", "expansion",
                       "command_substitution", "ansi_c_string", "translated_string", "process_substitution",
                       "arithmetic_expansion", "brace_expression"})
# what a word part glued to it continues (`_Walker.glued`)
_GLUES_ON = _LITERALS | {"command_name", "variable_assignment", "herestring_redirect", "file_redirect"}
_QUOTE_WIDTH = {"string": 1, "raw_string": 1, "ansi_c_string": 2, "translated_string": 2}  # opening quote



def _script_on_stdin(args: Sequence[Word]) -> bool:
    """Whether a shell run with `args` reads its script from stdin: no `-c`, no script file operand
    (`bash`, `sh -e`, `bash -o pipefail`, `bash -s -- x`)."""
    i = 0
    while i < len(args):
        t = args[i].text
        if t in ("-o", "+o", "-O", "+O"):
            i += 2
            continue
        if t == "-s":
            return True
        if t == "--":
            return i + 1 >= len(args)
        if t[:1] in ("-", "+") and len(t) > 1:
            if not t.startswith("--") and "c" in t[1:]:
                return False
            i += 1
            continue
        return False  # a script file
    return True


def _list_parts(node: Any) -> list[Any]:
    """The commands of `a && b || c …`, which tree-sitter-bash nests to the left, without recursion.

    Visiting the nesting recursively ran out of Python stack near 500 `&&`s.
    """
    tails: list[list[Any]] = []
    while _KINDS[node.kind_id] == "list":
        named = [c for c in node.named_children if _KINDS[c.kind_id] != "comment"]
        if not named:
            break
        tails.append(named[1:])
        node = named[0]
    parts = [] if _KINDS[node.kind_id] == "list" else [node]
    for tail in reversed(tails):
        parts.extend(tail)
    return parts


def _substitutions(node: Any) -> Iterable[Any]:
    stack = [node]
    while stack:
        cur = stack.pop()
        if _KINDS[cur.kind_id] in ("command_substitution", "process_substitution"):
            yield from (c for c in cur.named_children)
            continue
        stack.extend(cur.named_children)


_ESC = lazyre.compile(r"\\(.)", re.S)
_DQ_ESC = lazyre.compile(r"\\([$`\"\\\n])")


def _unescape(text: str) -> str:
    return _ESC.sub(lambda m: "" if m.group(1) == "\n" else m.group(1), text) if "\\" in text else text


def _unescape_dq(text: str) -> str:
    return _DQ_ESC.sub(lambda m: "" if m.group(1) == "\n" else m.group(1), text) if "\\" in text else text


# bash's ANSI-C quoting (`$'...'`): the backslash escapes it decodes (bash 5.2 doc/bashref.texi "ANSI-C Quoting",
# bminor/bash 16b2d7f4): a letter's control character, `\\`, quotes, `\?`, octal `\nnn`, hex `\xHH`, Unicode
# `\uHHHH`/`\UHHHHHHHH`, a control character `\cx`; any other backslash stays as written
_ANSI_C_LETTERS = {"a": "\a", "b": "\b", "e": "\x1b", "E": "\x1b", "f": "\f", "n": "\n", "r": "\r", "t": "\t",
                   "v": "\v", "\\": "\\", "'": "'", '"': '"', "?": "?"}
_ANSI_C = lazyre.compile(r"\\(?:([abeEfnrtv\\'\"?])|([0-7]{1,3})|x([0-9A-Fa-f]{1,2})|u([0-9A-Fa-f]{1,4})"
                         r"|U([0-9A-Fa-f]{1,8})|c(.))", re.S)


def _ansi_c(text: str) -> str:
    if "\\" not in text:
        return text

    def one(m: re.Match[str]) -> str:
        letter, octal, hx, u4, u8, ctl = m.groups()
        if letter is not None:
            return _ANSI_C_LETTERS[letter]
        if ctl is not None:
            return chr(ord(ctl) & 0x1F)
        code = int(octal, 8) & 0xFF if octal is not None else int(hx or u4 or u8, 16)
        return chr(code) if code <= 0x10FFFF else m.group(0)

    return _ANSI_C.sub(one, text)


def shifted(commands: Sequence[Command], lines: int) -> list[Command]:
    """`commands` with every location `lines` lines further down (a script met again,
    moved; `parsers.dockerfile`'s memo). Objects shared in `commands` (a word of a
    wrapper and of the command it runs, a pipeline's `upstream`) stay shared."""
    done: dict[int, Any] = {}

    def word(w: Word) -> Word:
        got = done.get(id(w))
        if got is None:
            at, start = w.loc, w.start
            got = done[id(w)] = Word(
                w.text, Loc(at.line + lines, at.col, at.file), w.dynamic,
                None if start is None else Loc(start.line + lines, start.col, start.file), w.indent,
                w.folds and tuple([(r, c, line + lines, col) for r, c, line, col in w.folds]),
                w.substitutions and tuple([command(c) for c in w.substitutions]))
        return got

    def redirect(r: Redirect) -> Redirect:
        got = done.get(id(r))
        if got is None:
            got = done[id(r)] = Redirect(r.op, word(r.target))
        return got

    def command(c: Command) -> Command:
        got = done.get(id(c))
        if got is None:
            at = c.loc
            got = done[id(c)] = Command(
                tuple([word(w) for w in c.argv]), Loc(at.line + lines, at.col, at.file), c.assignments,
                c.redirects and tuple([redirect(r) for r in c.redirects]), c.stdin,
                c.upstream and tuple([command(u) for u in c.upstream]), c.shell,
                c.stdin_lines and tuple([Loc(a.line + lines, a.col, a.file) for a in c.stdin_lines]), c.stdin_quoted,
                c.env_reset)
        return got

    try:
        return [command(c) for c in commands]
    finally:
        # the three call one another: a reference cycle, which held `done` and every object made
        # here until a full collection of the garbage collector (~5 MB at 4x the corpus, serial)
        del word, redirect, command


# -- exec form ------------------------------------------------------------------


def from_argv(argv: Sequence[Word], loc: Loc, depth: int = 0) -> list[Command]:
    """Commands an exec-form array runs (`["sh", "-c", "..."]` parses the script)."""
    if not argv:
        return []
    return expand(Command(tuple(argv), loc), depth)


def split_words(text: str, loc: Loc, within: Word | None = None) -> tuple[Word, ...]:
    """Split a command string the way compose does (POSIX quoting, no expansion).

    `loc` is where `text` starts; each word gets its own column. `within`: the YAML scalar `text`
    is (a block scalar over several lines, `command: >`): each word is then located through it,
    and carries its place in it, so that a script inside (`sh -c '...'`) is located line by line.
    """
    locate = _offset(within) if within is not None and (within.folds or "\n" in text) else None
    words: list[Word] = []
    i, n = 0, len(text)
    while i < n:
        while i < n and text[i] in " \t\n":
            i += 1
        if i >= n:
            break
        begin = i
        quote_at = i if text[i] in "'\"" else None
        buf: list[str] = []
        while i < n and text[i] not in " \t\n":
            c = text[i]
            if c in "'\"":
                end = text.find(c, i + 1)
                if end < 0:
                    end = n
                inner = text[i + 1:end]
                buf.append(inner if c == "'" else re.sub(r'\\(["\\$`])', r"\1", inner))
                i = end + 1
            elif c == "\\" and i + 1 < n:
                buf.append(text[i + 1])
                i += 2
            else:
                buf.append(c)
                i += 1
        word = "".join(buf)
        if locate is not None and within is not None:
            words.append(_located(word, text, begin, quote_at is not None, locate, within))
            continue
        at = Loc(loc.line, loc.col + begin, loc.file)
        start = Loc(loc.line, loc.col + begin + 1, loc.file) if quote_at is not None else None
        words.append(Word(word, at, "$" in word, start))
    return tuple(words)


def _row_col(text: str, i: int) -> tuple[int, int]:
    return text.count("\n", 0, i), i - (text.rfind("\n", 0, i) + 1)


def _located(word: str, text: str, begin: int, quoted: bool, locate: Locate, within: Word) -> Word:
    """A word split from `within`'s text at `begin`, located through it, with its own fold map
    (rows and columns from where its content starts) for a script inside it."""
    row, col = _row_col(text, begin)
    at = locate(row, col)
    if quoted:
        col += 1
    start = locate(row, col)
    folds: tuple[tuple[int, int, int, int], ...] = ()
    if within.folds:
        folds = ((0, 0, start.line, start.col), *(
            (r - row, c - col if r == row else c, line, c2) for r, c, line, c2 in within.folds if (r, c) > (row, col)))
    return Word(word, at, "$" in word, start if quoted else None, within.indent, folds)


# -- looking through wrappers ------------------------------------------------------

# wrapper -> number of leading arguments (after options) that belong to it
_WRAPPERS = {"exec": 0, "nohup": 0, "time": 0, "nice": 0, "stdbuf": 0, "tini": 0, "dumb-init": 0,
             "sudo": 0, "doas": 0, "env": 0, "gosu": 1, "su-exec": 1, "setpriv": 0, "chroot": 1,
             "runuser": 0, "catatonit": 0, "s6-setuidgid": 1, "chpst": 0, "xargs": 0,
             "start.sh": 0,  # docker-stacks' start.sh execs its arguments
             # GNU coreutils timeout(1): `timeout [-s SIG] [-k DUR] DURATION COMMAND`; util-linux
             # ionice(1) `ionice [-c CLASS] [-n LEVEL] COMMAND`, taskset(1) `taskset [-c] MASK COMMAND`;
             # numactl(8) `numactl [--cpunodebind=N] [-m N] COMMAND`; the shell's `command [-p] NAME`
             # (POSIX XCU `command`; `-v`/`-V` only print, `_NOT_RUN`)
             "timeout": 1, "ionice": 0, "taskset": 1, "numactl": 0, "command": 0,
             # util-linux flock(1) `flock [options] FILE COMMAND...` or `FILE -c COMMAND` (sys-utils/flock.c,
             # util-linux 39465c78: getopt "+:sexnoFuw:E:hV?", `-c`/`--command` after FILE is `sh -c`);
             # procps-ng watch(1) `watch [options] COMMAND` (src/watch.c, procps 91ca3d56: getopt
             # "+bCced::ghq:n:prs:twvx"; its words joined with blanks run by `sh -c`, or exec'd with `-x`);
             # Slurm's srun(1) `srun [options] EXECUTABLE [args]` (src/common/slurm_opt.c, slurm 284c3b95:
             # the "+"-led option string slurm_option_table_create builds from srun's options)
             "flock": 1, "watch": 0, "srun": 0,
             # salloc(1) `salloc [OPTIONS(0)...] [ : [OPTIONS(N)...]] [command(0) [args(0)...]]`: it runs
             # the command once the allocation is granted (none: the user's shell); the same "+"-led
             # option string, with salloc's own options (slurm_opt.c at 284c3b95)
             "salloc": 0,
             # util-linux setsid(1) `setsid [options] PROGRAM` (sys-utils/setsid.c at 39465c78: "+Vhcfw")
             "setsid": 0}
# Slurm srun's options that take a value: its short letters with `:` and its long options with
# required_argument (slurm_opt.c at 284c3b95, the options srun sets); `--pty`, `--exclusive`, ... take
# theirs only after `=`
_SRUN_VALUE = frozenset({"-" + c for c in "AbDMCScdmexBGiJLTFwNnopqrtW"} | {"--" + n for n in """
accel-bind account acctg-freq autocomplete bb bbf bcast-exclude begin chdir cluster cluster-constraint clusters
comment constraint container container-id context core-spec cores-per-socket cpu-bind cpu-freq cpu_bind
cpus-per-gpu cpus-per-task deadline delay-boot dependency distribution epilog error exclude export extra
extra-node-info gpu-bind gpu-freq gpus gpus-per-node gpus-per-socket gpus-per-task gres gres-flags het-group hint
ignore-signals input job-name jobid licenses mail-type mail-user mcs-label mem mem-bind mem-per-cpu mem-per-gpu
mem-update mincpus mpi msg-timeout network nodefile nodelist nodes ntasks ntasks-per-core ntasks-per-gpu
ntasks-per-node ntasks-per-socket ntasks-per-tres open-mode output pack-group partition prefer priority profile
prolog qos relative reservation resources runtime segment signal slurmd-debug sockets-per-node switches
task-epilog task-prolog tasks-per-node thread-spec threads threads-per-core time time-min tmp treewidth tres-bind
tres-per-task wait wckey""".split()})
# salloc's (the options slurm_opt.c at 284c3b95 gives salloc a setter for, required_argument)
_SALLOC_VALUE = frozenset({"-" + c for c in "AbDMCScdmxBGJLFwNnpqt"} | {"--" + n for n in """
account acctg-freq autocomplete bb bbf begin chdir cluster cluster-constraint clusters comment constraint container
container-id context core-spec cores-per-socket cpu-freq cpus-per-gpu cpus-per-task deadline delay-boot dependency
distribution exclude extra extra-node-info gpu-bind gpu-freq gpus gpus-per-node gpus-per-socket gpus-per-task gres
gres-flags hint job-name licenses mail-type mail-user mcs-label mem mem-bind mem-per-cpu mem-per-gpu mem-update
mincpus network nodefile nodelist nodes ntasks ntasks-per-core ntasks-per-gpu ntasks-per-node ntasks-per-socket
ntasks-per-tres partition prefer priority profile qos reservation resources runtime segment signal sockets-per-node
switches tasks-per-node thread-spec threads-per-core time time-min tmp tres-bind tres-per-task wait-all-nodes
wckey""".split()})
# sbatch's: it runs no command of its own but a batch script, read from a file operand, from standard
# input when it has none, or made of `--wrap`'s string (`_sbatch`)
_SBATCH_VALUE = frozenset({"-" + c for c in "AabDMCScdmexBGiJLFwNnopqt"} | {"--" + n for n in """
account acctg-freq array autocomplete batch bb bbf begin chdir cluster cluster-constraint clusters comment constraint
container container-id context core-spec cores-per-socket cpu-freq cpus-per-gpu cpus-per-task deadline delay-boot
dependency distribution error exclude export export-file extra extra-node-info gid gpu-bind gpu-freq gpus
gpus-per-node gpus-per-socket gpus-per-task gres gres-flags hint input job-name kill-on-invalid-dep licenses mail-type
mail-user mcs-label mem mem-bind mem-per-cpu mem-per-gpu mem-update mincpus network nodefile nodelist nodes ntasks
ntasks-per-core ntasks-per-gpu ntasks-per-node ntasks-per-socket ntasks-per-tres open-mode output partition prefer
priority profile qos reservation resources runtime segment signal sockets-per-node switches tasks-per-node
thread-spec threads-per-core time time-min tmp tres-bind tres-per-task uid wait-all-nodes wckey wrap""".split()})
_SLURM_NO_RUN = {"-h", "--help", "--usage", "-V", "--version"}
_WRAPPER_OPTS_WITH_VALUE = {"sudo": {"-u", "-g", "-C", "-h", "-p", "-U", "-r", "-t"},
                            "runuser": {"-u", "-g", "-G"}, "nice": {"-n"}, "chpst": {"-u", "-U"},
                            "env": {"-u", "-C", "-S"}, "tini": {"-p", "-e"},
                            "timeout": {"-s", "--signal", "-k", "--kill-after"},
                            "ionice": {"-c", "--class", "-n", "--classdata"},
                            # numactl.c's option table (numactl 93c1fe5f): `-w`/`--weighted-interleave`,
                            # `-P`/`--preferred-many`, `-c`/`--cpubind` and the shm options take one too
                            "numactl": {"-N", "-m", "-C", "-i", "-p", "-w", "-P", "-c", "-S", "-f", "-o", "-L",
                                        "-M", "-I", "--cpunodebind", "--membind", "--physcpubind", "--interleave",
                                        "--preferred", "--weighted-interleave", "--preferred-many", "--cpubind",
                                        "--shm", "--file", "--offset", "--length", "--shmmode", "--shmid"},
                            "flock": {"-w", "--wait", "--timeout", "-E", "--conflict-exit-code", "--start",
                                      "--length", "--fd"},
                            "watch": {"-n", "--interval", "-q", "--equexit", "-s", "--shotsdir"},
                            "srun": _SRUN_VALUE, "salloc": _SALLOC_VALUE}
# a wrapper's options after which it runs no command (`command -v docker`: is it there; `taskset -p`,
# `ionice -p`: a running process's setting)
_NOT_RUN = {"command": {"-v", "-V"}, "taskset": {"-p", "--pid"}, "ionice": {"-p", "--pid", "-P", "--pgid", "-u", "--uid"},
            "numactl": {"-s", "--show", "-H", "--hardware"}, "flock": {"--fd", "-h", "--help", "-V", "--version"},
            "watch": {"-h", "--help", "-v", "--version"}, "srun": _SLURM_NO_RUN,
            # `salloc --no-shell`: it exits once the allocation is made, running nothing
            "salloc": _SLURM_NO_RUN | {"--no-shell"}}
# tmux(1) (tmux c1f947a3: tmux.c's getopt "2c:CDdf:hlL:NqS:T:uUvV", each command's args template in
# cmd-*.c): the commands that start a shell command (`tmux new -d -s train "docker run ..."`: one word is
# a script for the shell, several are exec'd), with their options that take a value; `send-keys` types
# its keys into a pane's shell, which runs them at `Enter`/`C-m`; `-c CMD` runs CMD with the shell.
_TMUX_VALUE = frozenset("cfLST")
_TMUX_STARTS = {"new-session": "Ac:dDe:EF:f:n:Ps:t:x:Xy:", "new-window": "abc:de:EF:kn:PSt:",
                "split-window": "bB:c:de:EfF:hIkl:m:p:PR:s:S:t:T:vWZ", "respawn-pane": "c:e:Ekt:",
                "respawn-window": "c:e:Ekt:"}
_TMUX_ALIASES = {"new": "new-session", "neww": "new-window", "splitw": "split-window", "respawnp": "respawn-pane",
                 "respawnw": "respawn-window", "send": "send-keys"}
_TMUX_SEND = "c:FHKlMN:Rt:X"
_TMUX_ENTER = frozenset({"Enter", "C-m", "C-j", "KPEnter"})


def _getopt(args: Sequence[Word], spec: str) -> int | None:
    """The index of the first operand of `args` read with getopt's option string `spec` (a letter then
    `:` takes a value, in the word or the next), None when an option's value is missing."""
    i = 0
    while i < len(args):
        t = args[i].text
        if t == "--":
            return i + 1
        if not t.startswith("-") or t == "-":
            return i
        k = 1
        while k < len(t):
            at = spec.find(t[k])
            if at >= 0 and spec[at + 1:at + 2] == ":":
                if k + 1 == len(t):
                    i += 1
                    if i >= len(args):
                        return None
                break
            k += 1
        i += 1
    return i


def _rest(cmd: Command, args: Sequence[Word], i: int) -> Command:
    """The command a wrapper `cmd` runs from its word `args[i]` on, with `cmd`'s redirects, input and shell."""
    return Command(tuple(args[i:]), args[i].loc, cmd.assignments, cmd.redirects, cmd.stdin, cmd.upstream,
                   cmd.shell, cmd.stdin_lines, cmd.stdin_quoted, cmd.env_reset)


def _tmux(cmd: Command, args: list[Word], depth: int) -> list[Command]:
    """What `tmux [options] command [args] [\\; command ...]` runs in its panes' shells."""
    out: list[Command] = []
    i = 0
    while i < len(args) and args[i].text.startswith("-") and args[i].text != "--":
        t = args[i].text
        value = next((k for k, c in enumerate(t[1:], 1) if c in _TMUX_VALUE), None)
        if value is not None:
            word = (args[i], t[value + 1:]) if value + 1 < len(t) else \
                ((args[i + 1], args[i + 1].text) if i + 1 < len(args) else (args[i], ""))
            if t[value] == "c" and word[1] and word[0] is not args[i]:
                out.extend(parse_script(word[1], _offset(word[0]), depth + 1, cmd.shell))
            i += 1 if value + 1 < len(t) else 2
            continue
        i += 1
    if i < len(args) and args[i].text == "--":
        i += 1
    while i < len(args):
        end = next((k for k in range(i, len(args)) if args[k].text in (";", "\\;")), len(args))
        name = _TMUX_ALIASES.get(args[i].text, args[i].text)
        rest = args[i + 1:end]
        if name in _TMUX_STARTS:
            at = _getopt(rest, _TMUX_STARTS[name])
            if at is not None:
                out.extend(_joined(cmd, rest[at:], depth))
        elif name == "send-keys":
            at = _getopt(rest, _TMUX_SEND)
            keys = rest[at:] if at is not None and not any(
                w.text.startswith("-") and "l" in w.text[1:] for w in rest[:at]) else []
            for k in range(len(keys) - 1):  # `send-keys -t train "docker run ..." Enter`: typed, then run
                if keys[k + 1].text in _TMUX_ENTER and keys[k].text not in _TMUX_ENTER:
                    out.extend(parse_script(keys[k].text, _offset(keys[k]), depth + 1, cmd.shell))
        i = end + 1
    return out


def _screen(args: Sequence[Word]) -> int | None:
    """The index of the program GNU screen starts in a new window (`screen -dmS train docker run ...`:
    exec'd, not through the shell), None when it starts none (it reattaches, lists, sends a command:
    `-r`, `-R`, `-x`, `-X`, `-Q`, `-ls`, `-list`, `-wipe`, `-v`). Its option loop (screen.c main(),
    GNU screen 4.9 as the mirror/dd-wrt src/router/screen tree 044bcd2c has it): `-h`, `-t`, `-T`,
    `-s`, `-S` take the next word, `-p`, `-c`, `-e` the rest of theirs or the next, `-Logfile` the
    next, `-l`/`-f` a letter of their own."""
    i = 0
    while i < len(args):
        t = args[i].text
        if t == "--":
            return i + 1
        if not t.startswith("-") or len(t) < 2:
            return i
        if t in ("--version", "--help") or t.startswith(("-ls", "-list", "-wipe")):
            return None
        if t == "-Logfile":
            i += 2
            continue
        take = 0
        for k, c in enumerate(t[1:], 1):
            if c in "rRxXQv":
                return None
            if c in "pce":
                take += 0 if k + 1 < len(t) else 1
                break
            if c in "lf":
                break
            if c in "htTsS":
                take += 1
        i += 1 + take
    return None


# wrappers that join the words of their command with blanks and hand them to `sh -c` (bash's `eval`
# builtin: "the args are read and concatenated together into a single command"; watch(1) without `-x`)
_JOINED = {"watch", "eval"}


# Environment managers that run a command in an environment with a `run` verb (`conda run -n ml
# python -m jupyter lab`), with their options that take a value: conda run (docs.conda.io
# commands/run, 24.x: -n/--name, -p/--prefix, --cwd), the same for mamba and micromamba (also
# -r/--root-prefix, -a/--attach, --label), uv run (docs.astral.sh/uv/reference/cli/#uv-run), poetry
# run and pipenv run (no options of their own before the command).
_ENV_RUNNERS: dict[str, frozenset[str]] = {
    "conda": frozenset({"-n", "--name", "-p", "--prefix", "--cwd"}),
    "mamba": frozenset({"-n", "--name", "-p", "--prefix", "--cwd", "-r", "--root-prefix", "-a", "--attach",
                        "--label"}),
    "micromamba": frozenset({"-n", "--name", "-p", "--prefix", "--cwd", "-r", "--root-prefix", "-a", "--attach",
                             "--label"}),
    "uv": frozenset({"--with", "--with-editable", "--with-requirements", "--python", "-p", "--project",
                     "--directory", "--env-file", "--extra", "--group", "--package", "--index", "--index-url",
                     "--extra-index-url", "--only-group", "--no-group"}),
    "poetry": frozenset(),
    "pipenv": frozenset(),
}

# Tool runners that install a package's tool in a throwaway environment and run it: `uvx marimo edit`
# and its long form `uv tool run` (docs.astral.sh/uv/reference/cli/#uv-tool-run), `pipx run`
# (pipx.pypa.io docs, `pipx run [--spec SPEC] APP ...`); the words that start them, and their options
# that take a value.
_TOOL_RUNNERS: dict[tuple[str, ...], frozenset[str]] = {
    ("uvx",): frozenset({"--from", "--with", "--with-editable", "--with-requirements", "--python", "-p",
                         "--index", "--default-index", "--index-url", "-i", "--extra-index-url", "--find-links",
                         "-f", "--env-file", "--directory", "--project", "--cache-dir", "--config-file",
                         "--constraints", "-c", "--overrides"}),
    ("pipx", "run"): frozenset({"--spec", "--python", "--index-url", "-i", "--pip-args"}),
}
_TOOL_RUNNERS[("uv", "tool", "run")] = _TOOL_RUNNERS[("uvx",)]


def _runs_after_options(cmd: Command, args: Sequence[Word], i: int, takes_value: frozenset[str], depth: int
                        ) -> list[Command]:
    """What a runner (`uv run`, `uvx`, `pipx run`) runs, expanded: the command from `args[i]` on, past the
    runner's options (`takes_value`: those that take the next word) and a `--`; none when nothing follows."""
    while i < len(args) and args[i].text.startswith("-") and args[i].text != "--":
        i += 2 if args[i].text in takes_value else 1
    if i < len(args) and args[i].text == "--":
        i += 1
    return expand(_rest(cmd, args, i), depth + 1) if i < len(args) else []


@lru_cache(maxsize=1)
def _expanders() -> frozenset[str]:
    """The command names `expand` looks through (a tool or environment runner, a shell, a wrapper, `su`,
    `eval`, `tmux`, `screen`, `sbatch`): for any other name it gives the command alone."""
    return frozenset({words[0] for words in _TOOL_RUNNERS} | set(_ENV_RUNNERS) | SHELLS | set(_WRAPPERS)
                     | {"su", "eval", "tmux", "screen", "sbatch"})


def expand(cmd: Command, depth: int = 0) -> list[Command]:
    """`cmd` followed by what it runs: the program behind a wrapper, the script of `sh -c`."""
    out = [cmd]
    if depth > _MAX_DEPTH or not cmd.argv:
        return out
    name = cmd.name
    if name not in _expanders():
        return out  # (most commands: a program that runs no other; ~15k a corpus scan)
    args = list(cmd.args)
    for words, takes_value in _TOOL_RUNNERS.items():
        if words[0] == name and [a.text for a in args[:len(words) - 1]] == list(words[1:]):
            out.extend(_runs_after_options(cmd, args, len(words) - 1, takes_value, depth))
            return out
    runner = _ENV_RUNNERS.get(name)
    if runner is not None:
        if args and args[0].text == "run":
            out.extend(_runs_after_options(cmd, args, 1, runner, depth))
        return out
    if name in SHELLS:
        script = _dash_c(args)
        if script is not None:
            out.extend(inherit(parse_script(script.text, _offset(script), depth + 1, name), cmd))
        return out
    if name == "su":
        for i, a in enumerate(args):
            if a.text in ("-c", "--command") and i + 1 < len(args):
                out.extend(parse_script(args[i + 1].text, _offset(args[i + 1]), depth + 1, cmd.shell))
        return out
    if name == "eval":
        out.extend(_joined(cmd, args, depth))
        return out
    if name == "tmux":
        out.extend(_tmux(cmd, args, depth))
        return out
    if name == "screen":
        at = _screen(args)
        if at is not None and at < len(args):
            inner = _rest(cmd, args, at)
            out.extend(expand(inner, depth + 1))
        return out
    if name == "sbatch":
        wrap = _sbatch(args)
        if isinstance(wrap, tuple):
            word, skip = wrap
            out.extend(parse_script(word.text[skip:], _shifted(word, skip), depth + 1, "sh"))
        return out
    if name not in _WRAPPERS:
        return out
    takes = _WRAPPER_OPTS_WITH_VALUE.get(name, set())
    joined = name in _JOINED
    assigned: list[tuple[str, str]] = []  # `env VAR=value cmd`, `sudo VAR=value cmd`: the command's environment
    # sudo's env_reset (`_reset`): the names of the environment before it the command keeps, all of them (None)
    # with `-E`/`--preserve-env`, none under `-i`/`--login`
    kept: tuple[str, ...] | None = () if name == "sudo" else None
    login = False
    i = 0
    while i < len(args):
        t = args[i].text
        if t == "--":
            i += 1
            break
        if name == "sudo" and t.startswith("-"):
            # a cluster's letters up to one that takes a value (`-Eu dev`, `-iu dev`)
            letters = "" if t.startswith("--") else re.split("[ugCpUrtDRTh]", t[1:], maxsplit=1)[0]
            if t == "--preserve-env" or "E" in letters:
                kept = None
            elif t.startswith("--preserve-env=") and kept is not None:
                kept = (*kept, *(n for n in t[len("--preserve-env="):].split(",") if n))
            login = login or t == "--login" or "i" in letters
        elif name == "env" and t in ("-i", "--ignore-environment", "-"):
            kept, login = (), True  # coreutils env(1): start with an empty environment
        if t in _NOT_RUN.get(name, ()) or (t.startswith("--") and t.split("=", 1)[0] in _NOT_RUN.get(name, ())):
            return out
        if name == "salloc" and t == ":":  # a hetjob's next component's options
            i += 1
            continue
        if (name == "env" and "=" in t and not t.startswith("-")) or (name == "sudo" and _ASSIGNMENT.match(t)):
            # env(1) `env [OPTION]... [NAME=VALUE]... [COMMAND]` (any operand with a `=`: coreutils env.c);
            # sudo(8) `sudo [option...] [VAR=value...] command`: the variables are set in the command's environment
            if _ASSIGNMENT.match(t):
                assigned.append(tuple(t.split("=", 1)))  # type: ignore[arg-type]
            i += 1
            continue
        if t.startswith("-") and len(t) > 1:
            if name == "watch" and (t in ("-x", "--exec") or (not t.startswith("--") and "x" in t[1:])):
                joined = False  # `watch -x`: exec'd as words
            i += 2 if t in takes or _cluster_takes_next(t, takes) else 1
            continue
        break
    i += _WRAPPERS[name]
    if name == "flock" and i < len(args) and args[i].text in ("-c", "--command"):
        if i + 1 < len(args):
            out.extend(parse_script(args[i + 1].text, _offset(args[i + 1]), depth + 1, cmd.shell))
        return out
    if joined:
        out.extend(_joined(cmd, args[i:], depth))
        return out
    if i < len(args):
        inner = _rest(cmd, args, i)
        if login:
            kept = ()
        if kept is not None:
            inner = _reset(inner, kept)
        if assigned:
            inner = Command(inner.argv, inner.loc, inner.assignments + tuple(assigned), inner.redirects, inner.stdin,
                            inner.upstream, inner.shell, inner.stdin_lines, inner.stdin_quoted, inner.env_reset)
        out.extend(expand(inner, depth + 1))
    return out


def inherit(cmds: list[Command], parent: Command) -> list[Command]:
    """The commands of the script a shell `parent` runs (`sh -c '...'`), each `visudo` among them (the one
    reader of its environment: `_visudo_write`) with the shell's environment under what the script sets
    (`EDITOR='tee -a' sh -c '... | visudo'`), and the shell's own `sudo` reset (`sudo sh -c '... | visudo'`)."""
    if not parent.assignments and parent.env_reset is None:
        return cmds
    out = []
    for c in cmds:
        if c.name == "visudo":
            inner = c.env_reset
            env = tuple((k, v) for k, v in parent.assignments if inner is None or k in inner)
            kept = inner if parent.env_reset is None else \
                tuple(n for n in parent.env_reset if inner is None or n in inner)
            c = Command(c.argv, c.loc, env + c.assignments, c.redirects, c.stdin, c.upstream, c.shell,
                        c.stdin_lines, c.stdin_quoted, kept)
        out.append(c)
    return out


def _cluster_takes_next(t: str, takes: set[str]) -> bool:
    """A cluster of short options whose last letter takes the next word as its value (`sudo -Hu dev`, `-Eu root`):
    getopt reads letters until one takes a value, which is the rest of the word or, with none left, the next."""
    if t.startswith("--") or len(t) < 3:
        return False
    for k, c in enumerate(t[1:], 1):
        if "-" + c in takes:
            return k == len(t) - 1
    return False


def _reset(cmd: Command, kept: tuple[str, ...]) -> Command:
    """`cmd` started with a fresh environment that keeps only the names `kept` of the one before: sudo's
    `env_reset`, on by default (sudo 2e18923c plugins/sudoers/defaults.c `def_env_reset = ENV_RESET`,
    configure.ac: on unless `--disable-env-reset`), keeps its `env_keep` list (plugins/sudoers/env.c
    `initial_keepenv_table`: no EDITOR, VISUAL or SUDO_EDITOR) and what `--preserve-env=LIST` names; not
    under `-E`/`--preserve-env` (sudoers.c: off when the user may `setenv`, as root's `ALL` may); `-i` resets
    it all the same (env.c `rebuild_env`, MODE_LOGIN_SHELL). `env -i` starts with none."""
    if cmd.env_reset is not None:
        kept = tuple(n for n in kept if n in cmd.env_reset)
    return Command(cmd.argv, cmd.loc, tuple((k, v) for k, v in cmd.assignments if k in kept), cmd.redirects,
                   cmd.stdin, cmd.upstream, cmd.shell, cmd.stdin_lines, cmd.stdin_quoted, kept)


_ASSIGNMENT = lazyre.compile(r"^[A-Za-z_][A-Za-z0-9_]*=")


def _sbatch(args: Sequence[Word]) -> tuple[Word, int] | bool:
    """The batch script `sbatch [options] [script [args]]` submits (src/sbatch/opt.c, sbatch.c at slurm
    284c3b95; the "+"-led option string stops at the script operand): `--wrap`'s string (the word and
    where the string starts in it), which sbatch puts in a `#!/bin/sh` script of its own; True when it
    reads the script from standard input (no operand, no `--wrap`: `sbatch <<EOF`); False for a
    script file, or when it submits nothing (`--help`, `--usage`, `--version`)."""
    i = 0
    while i < len(args):
        t = args[i].text
        if t == "--":
            return False
        if t in _SLURM_NO_RUN:
            return False
        if t == "--wrap" and i + 1 < len(args):
            return args[i + 1], 0
        if t.startswith("--wrap="):
            return args[i], len("--wrap=")
        if not t.startswith("-") or t == "-":
            return False
        i += 2 if t in _SBATCH_VALUE else 1
    return True


def _shifted(word: Word, skip: int) -> Locate:
    """Locations inside the part of `word` after its first `skip` characters (`--wrap="docker run ..."`:
    the string starts after the option and the quote that opens it, where the word holds blanks)."""
    if not skip:
        return _offset(word)
    if word.start is None and any(c in word.text[skip:] for c in " \t\n;&|"):
        skip += 1  # `--wrap="..."`: a blank in the word is quoted, by a quote right after `=`
    inner = _offset(word)
    return lambda row, col: inner(row, col + skip if row == 0 else col)


def _joined(cmd: Command, words: Sequence[Word], depth: int) -> list[Command]:
    """What a wrapper that joins its words with blanks for the shell runs (`eval "docker run ..."`,
    `watch -n 5 'nvidia-smi; docker ps'`): one word is a script, read where it is written; several
    are read as the words they are (joined and split again by the shell, the same words but for
    quoting inside them)."""
    if not words:
        return []
    if len(words) == 1:
        return parse_script(words[0].text, _offset(words[0]), depth + 1, cmd.shell)
    inner = Command(tuple(words), words[0].loc, cmd.assignments, cmd.redirects, cmd.stdin, cmd.upstream,
                    cmd.shell, cmd.stdin_lines, cmd.stdin_quoted, cmd.env_reset)
    return expand(inner, depth + 1)


# -- commands run on another host ---------------------------------------------------

# ssh(1)'s options that take a value, and those after which it runs no command of its own (`-N`: no
# command, `-O`: a control command, `-Q`/`-G`/`-V`: print and exit, `-s`: a subsystem, `-W`: a
# forwarded stream): OpenSSH ssh.c's getopt string "1246ab:c:e:fgi:kl:m:no:p:qstvxAB:CD:E:F:GI:J:K
# L:MNO:P:Q:R:S:TVw:W:XYy" (openssh-portable 99a2df5e). ssh reads options after the destination too
# (its `again:` loop): the command is the first word after the destination that is no option.
_SSH_VALUE = frozenset("bceilmopBDEFIJLOPQRSwW")
_SSH_NO_COMMAND = frozenset("NOQGVsW")


def remote(cmd: Command, depth: int = 0) -> list[tuple[Command, bool]]:
    """What `ssh [options] destination [command ...]` runs on the other host, each with whether the
    local shell expanded its words (a double-quoted or unquoted command: the script's variables
    are in it; a single-quoted one or a heredoc the remote shell expands, with its own). One
    command word is a script for the remote shell; several are joined by ssh with blanks, read
    here as the words they are; none: the remote login shell reads its script from standard input
    (`ssh host <<EOF ... EOF`), as does a remote shell with no script (`ssh host bash -s <<EOF`).
    Nested `ssh` (a jump by hand) is followed too."""
    if cmd.name != "ssh" or depth > _MAX_DEPTH:
        return []
    words = _ssh_command(cmd.args)
    if words is None:
        return []
    out: list[tuple[Command, bool]] = []
    if len(words) == 1:
        expanded = words[0].dynamic
        out = [(c, expanded) for c in parse_script(words[0].text, _offset(words[0]), depth + 1)]
    elif words:
        inner = Command(tuple(words), words[0].loc)
        out = [(c, True) for c in expand(inner, depth + 1)]
    # the first remote command, or the shell a wrapper of it runs (`sudo bash -s`), reads ssh's stdin
    if cmd.stdin and cmd.stdin_lines and (not out or any(c.name in SHELLS and _script_on_stdin(c.args)
                                                         for c in expand(out[0][0], depth + 1))):
        lines = cmd.stdin_lines
        out.extend((c, not cmd.stdin_quoted) for c in parse_script(
            cmd.stdin, lambda r, c: Loc(lines[min(r, len(lines) - 1)].line, lines[min(r, len(lines) - 1)].col + c,
                                        lines[0].file), depth + 1))
    for c, expanded in list(out):
        out.extend((n, expanded and local) for n, local in remote(c, depth + 1))
    return out


def _ssh_command(args: Sequence[Word]) -> tuple[Word, ...] | None:
    """The words of the command `ssh` runs (empty: none, the login shell), None when it runs none."""
    host = False
    i = 0
    while i < len(args):
        t = args[i].text
        if t == "--":
            i += 1
            if host:
                break
            host = i < len(args)
            i += 1
            break
        if t.startswith("-") and len(t) > 1:  # `-p$PORT` too: an option and its value, whatever it holds
            for k, c in enumerate(t[1:], 1):
                if c in _SSH_NO_COMMAND:
                    return None
                if c in _SSH_VALUE:
                    i += 0 if k + 1 < len(t) else 1  # `-p2222` or `-p 2222`
                    break
            i += 1
            continue
        if host:
            break
        host = True
        i += 1
    if not host:
        return None
    return tuple(args[i:])


def _dash_c(args: list[Word]) -> Word | None:
    """The script a shell's `-c` runs: its first operand, past a `--` that ends the options (`bash -c -- 'x'`,
    the shape KubeRay's samples give a Ray container: `command: ["/bin/bash", "-c", "--"]` with the script in
    `args`; POSIX sh: `sh -c [options] [--] command_string`)."""
    for i, a in enumerate(args):
        t = a.text
        if t.startswith("-") and not t.startswith("--") and "c" in t[1:] and i + 1 < len(args):
            if args[i + 1].text == "--":
                return args[i + 2] if i + 2 < len(args) else None
            return args[i + 1]
        if not t.startswith("-"):
            return None
    return None


def _offset(word: Word) -> Locate:
    """Locations inside a script held by one word (`sh -c '...'`)."""
    start = word.start or word.loc
    if word.folds:  # a folded YAML scalar: find the source line the text position came from
        folds = word.folds

        def locate(row: int, col: int) -> Loc:
            at = folds[0]
            for f in folds:
                if (f[0], f[1]) > (row, col):
                    break
                at = f
            return Loc(at[2], at[3] + (col - at[1]) if at[0] == row else at[3] + col, start.file)
        return locate
    return lambda row, col: Loc(start.line + row, (start.col + col) if row == 0 else word.indent + col + 1,
                                start.file)


# -- what commands print and write --------------------------------------------------


def output_of(cmd: Command, dash: bool = False) -> str | None:
    """The text `cmd` writes to stdout, when it is a plain echo/printf/cat/tee. `dash`: the shell is
    dash (Debian's and Ubuntu's /bin/sh), whose `echo` takes `-n` only: `echo -e x` writes `-e x`
    (dash(1), "echo [-n] args...")."""
    name = cmd.name
    if name not in ("echo", "printf", "cat", "tee"):
        return None
    words = [w.text for w in cmd.args]
    if name == "echo":
        newline = True
        if dash:
            if words and words[0] == "-n":
                newline, words = False, words[1:]
        else:
            while words and re.fullmatch(r"-[neE]+", words[0]):
                newline = newline and "n" not in words[0]
                words = words[1:]
        # dash's echo (Docker's /bin/sh on Debian) interprets backslash escapes
        text = " ".join(words).replace("\\n", "\n").replace("\\t", "\t")
        return text + ("\n" if newline else "")
    if name == "printf" and words:
        fmt, rest = words[0], words[1:]
        fmt = fmt.replace("\\n", "\n").replace("\\t", "\t")
        specs = len(_PRINTF_SPEC.findall(fmt))
        if not rest or not specs:
            return _PRINTF_SPEC.sub("", fmt).replace("%%", "%") if specs else fmt.replace("%%", "%")
        # the format is used again while arguments remain (POSIX printf: "reused as often as necessary")
        out = []
        for at in range(0, len(rest), specs):
            pieces = iter(rest[at:at + specs])
            out.append(_PRINTF_SPEC.sub(lambda m: next(pieces, ""), fmt).replace("%%", "%"))
        return "".join(out)
    if name in ("cat", "tee") and cmd.stdin is not None:
        if name == "cat" and any(not w.startswith("-") for w in words):
            return None  # cat of a file we cannot see
        return cmd.stdin
    return None


_PRINTF_SPEC = lazyre.compile(r"%[-0-9.]*[sdb]")
_SED_S = lazyre.compile(r"^s(.)(?P<pat>(?:\\.|(?!\1).)*)\1(?P<rep>(?:\\.|(?!\1).)*)\1[a-zA-Z0-9]*$", re.S)
# a regexp address: `/regex/`, or `\%regex%` with any delimiter (GNU sed 4.9 manual, "Regexp Addresses")
_SED_ADDRESS = (r"^(?:/(?P<pat>(?:\\.|[^/])*)/|\\(?P<delim>[^\\\n])(?P<cpat>(?:\\.|(?!(?P=delim)).)*)"
                r"(?P=delim))\s*")
# `/regex/d`: delete the lines that match (GNU sed 4.9 manual, "Selecting lines", "Common commands")
_SED_DELETE = lazyre.compile(_SED_ADDRESS + r"d$", re.S)
# `/regex/ s/a/b/`, `\|regex| s/a/b/`: a substitution only on the lines the address matches
_SED_ADDRESSED = lazyre.compile(_SED_ADDRESS + r"(?P<cmd>s.*)$", re.S)
_SED_TEXT = lazyre.compile(r"^(?:\$|/[^/]*/|[0-9]+)?\s*([aic])\\?\s*(.*)$", re.S)


def file_writes(commands: Iterable[Command], dash: bool = False, image: str | None = None,
                env: dict[str, str] | None = None) -> list[FileWrite]:
    """Files the commands write, with the text they put there. `dash`: the context's shell (the one
    running commands whose `Command.shell` is "") is dash (see `output_of`); `image`: the image they
    run in, whose `/bin/sh` runs the scripts of `sh -c` among them (dash on Debian and Ubuntu:
    `glmlint.catalog.images.sh`); `env`: the environment they start with (a Dockerfile stage's `ENV`
    and `ARG`s, which a `RUN` sees), under what the commands themselves set."""
    out: list[FileWrite] = []
    for cmd in commands:
        name = cmd.name
        on_dash = dash
        if cmd.shell and name in ("echo", "tee"):
            on_dash = is_dash(cmd.shell, image)
        text = output_of(cmd, on_dash) if cmd.redirects and name != "tee" else None
        for r in cmd.redirects:
            if r.op in (">", ">|", "&>", ">>", "&>>") and text is not None and _known_dir(r.target):
                mode = "append" if r.op.endswith(">>") else "write"
                out.append(FileWrite(r.target.text, text, mode, cmd.loc, line_locs=_text_lines(cmd, text)))
        if name == "tee" and cmd.stdin is not None:
            stdin, loc, lines = _fed(cmd, on_dash)
            append = any(w.text in ("-a", "--append") for w in cmd.args)
            for w in cmd.args:
                if not w.text.startswith("-"):
                    out.append(FileWrite(w.text, stdin, "append" if append else "write", loc, line_locs=lines))
        if name == "visudo" and cmd.stdin is not None:
            write = _visudo_write(cmd, on_dash, env)
            if write is not None:
                out.append(write)
        if name == "sed":
            out.extend(_sed_writes(cmd))
    return out


def _fed(cmd: Command, dash: bool) -> tuple[str, Loc, tuple[Loc, ...]]:
    """The text piped into `cmd` (its `stdin`, known), and where it is written: its heredoc, or the
    command before the pipe (`echo "PasswordAuthentication yes" | tee -a …` is read, and fixed, at the
    `echo`)."""
    stdin = cmd.stdin or ""
    loc, lines = cmd.loc, cmd.stdin_lines
    if cmd.upstream and output_of(cmd.upstream[-1]) == stdin:
        feeder = cmd.upstream[-1]
        if dash and feeder.name == "echo":
            stdin = output_of(feeder, True) or ""  # the pipe's text, as dash's `echo` writes it
        loc, lines = feeder.loc, _text_lines(feeder, stdin)
    return stdin, loc, lines


# statements that set or export shell variables (tree-sitter-bash node kinds): `_Walker.set_variables`
_SETS_VARIABLES = frozenset({"declaration_command", "variable_assignment", "variable_assignments", "unset_command"})
# what sets variables of its own, not the shell's (`_Walker.visit`)
_OWN_VARIABLES = frozenset({"subshell", "command_substitution", "function_definition"})
_VISUDO_NO_EDIT = frozenset({"-c", "--check", "-h", "--help", "-V", "--version", "-x", "--export"})


def _visudo_write(cmd: Command, dash: bool, base: dict[str, str] | None = None) -> FileWrite | None:
    """What `echo 'dev ALL=(ALL) NOPASSWD:ALL' | EDITOR='tee -a' visudo [-f FILE]` writes: visudo runs
    the editor that `SUDO_EDITOR`, `VISUAL` or `EDITOR` names (the first one set; `env_editor` is on
    by default) on a copy of the sudoers file (`/etc/sudoers`, or `-f FILE`/`--file=FILE`/the operand)
    and installs the copy once it parses: with `tee -a` as the editor the piped text is appended to
    the file, with `tee` it replaces it. `-c` (check only), `-x` (export) and `-h`/`-V` edit nothing.
    (sudo docs/visudo.man.in at 08147491; sudoers(5) `env_editor`.) The variables are its environment:
    `base` (a Dockerfile's `ENV EDITOR='tee -a'`), what the script exported before it (`export
    EDITOR=...`, `Command.assignments` first), its own prefix (`EDITOR='tee -a' visudo`); through `sudo`, only
    what sudo keeps of them (`Command.env_reset`: `sudo EDITOR='tee -a' visudo`, `sudo -E visudo`)."""
    kept = cmd.env_reset  # through `sudo`: the image's ENV reaches it only for the names sudo keeps
    env = {**{k: v for k, v in (base or {}).items() if kept is None or k in kept}, **dict(cmd.assignments)}
    editor = next((env[k] for k in ("SUDO_EDITOR", "VISUAL", "EDITOR") if env.get(k)), None)
    if editor is None:
        return None
    words = editor.split()
    if not words or words[0].rsplit("/", 1)[-1] != "tee":
        return None
    path = "/etc/sudoers"
    args = [w.text for w in cmd.args]
    k = 0
    while k < len(args):
        t = args[k]
        if t == "--":
            path = args[k + 1] if k + 1 < len(args) else path
            break
        if t.split("=", 1)[0] in _VISUDO_NO_EDIT:
            return None
        if t in ("-f", "--file") and k + 1 < len(args):
            path, k = args[k + 1], k + 2
            continue
        if t.startswith("--file="):
            path = t[len("--file="):]
        elif t.startswith("-") and not t.startswith("--"):
            for n, ch in enumerate(t[1:], 1):  # a cluster of short options (`-sf FILE`, `-cf FILE`)
                if "-" + ch in _VISUDO_NO_EDIT:
                    return None
                if ch == "f":
                    if t[n + 1:]:
                        path = t[n + 1:]
                    elif k + 1 < len(args):
                        path, k = args[k + 1], k + 1
                    break
        elif not t.startswith("-"):
            path = t  # `visudo /etc/sudoers.d/dev` (sudo 1.8.27 and later)
        k += 1
    stdin, loc, lines = _fed(cmd, dash)
    append = any(w in ("-a", "--append") for w in words[1:])
    return FileWrite(path, stdin, "append" if append else "write", loc, line_locs=lines)


def _text_lines(cmd: Command, text: str) -> tuple[Loc, ...]:
    """Where each line of `text`, which `cmd` writes, is written when that is known: a heredoc's
    lines (`cat <<EOF`), or the word `echo`/`printf` writes (`echo "PasswordAuthentication yes"`:
    every line of it on that word's line, none of whose words spans lines)."""
    if cmd.name == "cat":
        return cmd.stdin_lines if text is cmd.stdin else ()
    if cmd.name not in ("echo", "printf") or any("\n" in w.text for w in cmd.args):
        return ()
    if cmd.name == "printf" and cmd.args:
        return _printf_lines(cmd.args, text)
    first = next((w for w in cmd.args if not (cmd.name == "echo" and re.fullmatch(r"-[neE]+", w.text))), None)
    return (first.loc,) * (text.count("\n") or 1) if first is not None else ()


def _printf_lines(args: tuple[Word, ...], text: str) -> tuple[Loc, ...]:
    """Where each line printf writes is written: the first argument a conversion puts on that line
    (`printf '%s\\n' 'PermitRootLogin no' 'PasswordAuthentication yes'`: each line its argument, the
    format used again while arguments remain), else the format word (`printf 'Port 22\\n'`)."""
    fmt_word, rest = args[0], args[1:]
    fmt = fmt_word.text.replace("\\n", "\n").replace("\\t", "\t")
    specs = len(_PRINTF_SPEC.findall(fmt))
    out: list[Loc] = []
    line: Loc | None = None  # the first argument on the line being written
    pending = False  # the line has text

    def literal(part: str) -> None:
        nonlocal line, pending
        for ch in part:
            if ch == "\n":
                out.append(line or fmt_word.loc)
                line, pending = None, False
            else:
                pending = True

    rounds = range(0, len(rest), specs) if rest and specs else range(1)
    for at in rounds:
        pieces = iter(rest[at:at + specs] if specs else ())
        pos = 0
        for m in _PRINTF_SPEC.finditer(fmt):
            literal(fmt[pos:m.start()])
            arg = next(pieces, None)
            if arg is not None and arg.text:
                if line is None:
                    line = arg.loc
                pending = True
            pos = m.end()
        literal(fmt[pos:])
    if pending:
        out.append(line or fmt_word.loc)
    return tuple(out) if len(out) == len(text.splitlines()) else (fmt_word.loc,) * (text.count("\n") or 1)


def is_dash(name: str, image: str | None) -> bool:
    """Whether the shell `name` (a program's file name) is dash: dash itself, or `sh` in an image
    whose `/bin/sh` the catalog says is dash (Debian's and Ubuntu's: `glmlint.catalog.images.sh`)."""
    if name == "dash":
        return True
    if name != "sh" or not image:
        return False
    from glmlint.catalog.images import sh

    return sh(image) == "dash"


def _known_dir(target: Word) -> bool:
    """A target whose directory is known: a static path, or one whose file name only is an
    expansion (`/etc/sudoers.d/$USERNAME`, a file every name of which the directory's reader loads)."""
    if not target.dynamic:
        return True
    head, sep, _name = target.text.rpartition("/")
    return bool(sep) and head.startswith("/") and "$" not in head and "`" not in head


def _sed_writes(cmd: Command) -> list[FileWrite]:
    in_place, extended, scripts, files = _sed_options([w.text for w in cmd.args])
    if not in_place:
        return []
    writes: list[FileWrite] = []
    for script in scripts:
        for part in re.split(r"\s*;\s*|\n", script):
            address = None
            a = _SED_ADDRESSED.match(part.strip())
            if a:
                try:
                    address = sed_regex(a.group("pat") if a.group("pat") is not None else a.group("cpat"), extended)
                    re.compile(address)
                except re.error:
                    continue
                part = a.group("cmd")
            m = _SED_S.match(part.strip())
            if m:
                raw = m.group("rep")
                rep = re.sub(r"\\(.)", r"\1", raw.replace("\\n", "\n").replace("\\t", "\t"))
                flags = part.strip()[m.end("rep") + 1:]
                try:
                    pattern = sed_regex(m.group("pat"), extended)
                    re.compile(pattern)
                except re.error:
                    pattern = None
                if address is not None and pattern is None:
                    continue  # only some lines change, and how is not known
                for f in files:
                    writes.append(FileWrite(f, rep + "\n", "edit", cmd.loc, pattern, sed_replacement(raw),
                                            "g" in flags, address=address))
                continue
            if address is not None:
                continue
            m = _SED_DELETE.match(part.strip())
            if m:  # `sed -i '/^dev ALL/d' /etc/sudoers`: the lines that match are gone
                try:
                    pattern = sed_regex(m.group("pat") if m.group("pat") is not None else m.group("cpat"), extended)
                    re.compile(pattern)
                except re.error:
                    continue
                writes.extend(FileWrite(f, "", "delete", cmd.loc, pattern) for f in files)
                continue
            m = _SED_TEXT.match(part.strip())
            if m and m.group(2):
                for f in files:
                    writes.append(FileWrite(f, m.group(2).replace("\\n", "\n") + "\n", "edit", cmd.loc))
    return writes


def getopt(words: Sequence[str], takes: Collection[str],
           optional: Collection[str] = ()) -> tuple[list[tuple[str, str]], list[str]]:
    """(flag, value) pairs and operands of a command's words, split as GNU getopt_long splits them
    (options anywhere among the operands, until `--`): `-ms /bin/bash` is `-m` and `-s /bin/bash`,
    `-u1000` is `-u 1000`, `--uid=1000` is `--uid 1000`. `takes`: the options that take a value;
    `optional`: those whose value is optional and only attached (`-i.bak`, `--in-place=.bak`)."""
    opts: list[tuple[str, str]] = []
    plain: list[str] = []
    i = 0
    while i < len(words):
        w = words[i]
        i += 1
        if w == "--":
            plain.extend(words[i:])
            break
        if w.startswith("--"):
            flag, eq, value = w.partition("=")
            if flag in takes and not eq:
                value = words[i] if i < len(words) else ""
                i += 1
            opts.append((flag, value))
        elif w.startswith("-") and len(w) > 1:
            for j, ch in enumerate(w[1:], 1):
                flag = "-" + ch
                if flag in takes or flag in optional:
                    value = w[j + 1:]
                    if not value and flag in takes:
                        value = words[i] if i < len(words) else ""
                        i += 1
                    opts.append((flag, value))
                    break
                opts.append((flag, ""))
        else:
            plain.append(w)
    return opts, plain


# GNU sed's options that take an argument (`-e SCRIPT`, `-f FILE`, `-l N`) and `-i[SUFFIX]`, whose
# suffix is only attached (`-ie` keeps a backup `FILEe` and takes its script from the first operand).
# Source: GNU sed 4.9 manual, "Command-Line Options"
# (https://www.gnu.org/software/sed/manual/sed.html#Command_002dLine-Options).
_SED_TAKES = frozenset({"-e", "--expression", "-f", "--file", "-l", "--line-length"})
_SED_OPTIONAL = frozenset({"-i", "--in-place"})


def _sed_options(args: list[str]) -> tuple[bool, bool, list[str], list[str]]:
    """(in place, extended regexes, scripts, files) of a sed command's arguments, read as getopt
    reads them (`sed -i /etc/sudoers -re SCRIPT`); a script read from a file (`-f`) is not known, so
    that command gives no scripts and its first operand stays a file."""
    opts, operands = getopt(args, _SED_TAKES, _SED_OPTIONAL)
    flags = {flag for flag, _value in opts}
    scripts = [value for flag, value in opts if flag in ("-e", "--expression")]
    if not scripts and not flags & {"-f", "--file"} and operands:
        scripts.append(operands.pop(0))  # no -e/-f: the first operand is the script
    return (bool(flags & _SED_OPTIONAL), bool(flags & {"-E", "-r", "--regexp-extended"}), scripts, operands)


_POSIX_CLASSES = {"[:space:]": r"\s", "[:blank:]": " \t", "[:digit:]": "0-9", "[:alpha:]": "A-Za-z",
                  "[:alnum:]": "A-Za-z0-9", "[:upper:]": "A-Z", "[:lower:]": "a-z"}


def sed_regex(pattern: str, extended: bool) -> str:
    """A sed BRE (or ERE with -E/-r) as a Python regex."""
    for cls, py in _POSIX_CLASSES.items():
        pattern = pattern.replace(cls, py)
    out: list[str] = []
    i = 0
    while i < len(pattern):
        c = pattern[i]
        if c == "\\" and i + 1 < len(pattern):
            n = pattern[i + 1]
            if n in "<>":
                out.append(r"\b")
            elif not extended and n in "?+|(){}":
                out.append(n)  # GNU BRE: \? \+ \| \( \) \{ \} are operators
            else:
                out.append("\\" + n)
            i += 2
            continue
        if not extended and c in "?+|(){}":
            out.append("\\" + c)  # literal in a BRE
        else:
            out.append(c)
        i += 1
    return "".join(out)


_SED_ESCAPES = {"n": "\n", "t": "\t"}


def sed_replacement(raw: str) -> str:
    """A sed replacement (`&`, `\\1`, `\\n`) as a Python `re.sub` template."""
    out: list[str] = []
    i = 0
    while i < len(raw):
        c = raw[i]
        if c == "\\" and i + 1 < len(raw):
            n = raw[i + 1]
            # GNU sed: `\n` a newline, `\t` a tab (sed 4.9 manual, "Escapes")
            out.append(f"\\g<{n}>" if n.isdigit() else _SED_ESCAPES.get(n, n.replace("\\", "\\\\")))
            i += 2
            continue
        out.append("\\g<0>" if c == "&" else c.replace("\\", "\\\\"))
        i += 1
    return "".join(out)


# -- dropping root before the main program -------------------------------------------------
#
# Images that must start as root for a moment (to `chown` a mounted volume, fix permissions)
# switch to an unprivileged user before their main program: the official postgres and redis
# images' `exec gosu postgres "$@"`, Alpine's `su-exec`, util-linux `setpriv`/`runuser`,
# coreutils `chroot --userspec`, s6/runit/daemontools `s6-setuidgid`/`chpst -u`/`setuidgid`,
# `sudo -u`, `su USER -c`. Each takes the user as below; what it runs is not root.

_DROP_FIRST_ARG = {"gosu", "su-exec", "s6-setuidgid", "setuidgid", "s6-applyuidgid"}
_DROP_OPTION = {"setpriv": ("--reuid",), "runuser": ("-u", "--user"), "chroot": ("--userspec",),
                "chpst": ("-u",), "sudo": ("-u", "--user")}
_SU_VALUE = {"-s", "--shell", "-c", "--command", "-g", "--group", "-G", "--supp-group", "-w",
             "--whitelist-environment", "--session-command"}


def dropped_to(cmd: Command) -> Word | None:
    """The user `cmd` switches to before running the rest of its words, when it is one of the tools
    above (`gosu app`, `setpriv --reuid=1000`, `su app -c ...`); None for any other command."""
    name, args = cmd.name, cmd.args
    if name in _DROP_FIRST_ARG:
        return args[0] if args and not args[0].text.startswith("-") else None
    if name in _DROP_OPTION:
        for i, w in enumerate(args):
            t = w.text
            for flag in _DROP_OPTION[name]:
                if t == flag and i + 1 < len(args):
                    return args[i + 1]
                if t.startswith(flag + "=") or (not flag.startswith("--") and t.startswith(flag) and len(t) > 2):
                    cut = len(flag) + 1 if t.startswith(flag + "=") else len(flag)
                    return Word(t[cut:], w.loc, w.dynamic)
            if t == "--" or not t.startswith("-"):
                if name == "runuser" and not t.startswith("-"):
                    return w  # `runuser app -c cmd`: the user is the first operand
                break
        return None
    if name == "su":
        if not any(w.text in ("-c", "--command") or w.text.startswith("--command=") for w in args):
            return None  # an interactive shell
        skip = False
        for w in args:
            if skip:
                skip = False
                continue
            if w.text in _SU_VALUE:
                skip = True
            elif w.text == "-" or w.text.startswith("-"):
                continue
            else:
                return w
        return Word("root", cmd.loc)  # `su -c cmd`: root's
    return None


# `git clone`'s options that take the next word as their value (git-clone(1) at git/git@066590497ea4:
# https://github.com/git/git/blob/066590497ea492cc14bea7f3790eae59b2d957fd/Documentation/git-clone.adoc)
_CLONE_VALUE_OPTIONS = frozenset({"-b", "--branch", "-o", "--origin", "-c", "--config", "--depth", "--reference",
                                  "--reference-if-able", "-j", "--jobs", "--filter", "--separate-git-dir", "-u",
                                  "--upload-pack", "--template", "--shallow-since", "--shallow-exclude",
                                  "--server-option", "--bundle-uri", "--ref-format", "--revision"})


def git_clone(cmd: Command) -> tuple[str, int | None] | None:
    """`git clone [options] REPOSITORY [DIRECTORY]`: the repository's name (the URL's last part less `.git`,
    `…/ComfyUI.git` -> `ComfyUI`, which is also the directory git makes without one) and the index in `argv` of
    the DIRECTORY word (None: not given); None when `cmd` is no clone, or a `git -C DIR` whose directory the
    clone is relative to (read as not known)."""
    if cmd.name != "git":
        return None
    words = [w.text for w in cmd.argv]
    i = 1
    while i < len(words) and words[i].startswith("-"):  # git's own options: `-c k=v` takes a value
        if words[i] in ("-C",):
            return None
        i += 2 if words[i] == "-c" else 1
    if i >= len(words) or words[i] != "clone":
        return None
    operands: list[int] = []
    j, options = i + 1, True
    while j < len(words):
        w = words[j]
        if options and w == "--":
            options = False
        elif options and w.startswith("-") and len(w) > 1:
            j += 1 if w in _CLONE_VALUE_OPTIONS else 0
        else:
            operands.append(j)
        j += 1
    if not operands:
        return None
    url = words[operands[0]].rstrip("/")
    name = re.split(r"[/:]", url)[-1]
    name = name[:-4] if name.endswith(".git") else name
    if not name or "$" in name:
        return None
    return name, operands[1] if len(operands) > 1 else None


def privilege_drop(commands: Sequence[Command]) -> Word | None:
    """The user the container's main program is switched to, when the start commands drop root
    before it: a tool above (to a user that is not root) that runs the last top-level command
    (`tini -- gosu app python x`, a script's final `gosu app "$@"`) or that a script `exec`s
    (`exec gosu postgres "$@"` in an `if`, with a plain `exec "$@"` after it for other commands)."""
    drops = [(c, u) for c in commands if (u := dropped_to(c)) is not None]
    if not drops:
        return None
    # a command a wrapper runs shares its words (`expand`): top-level commands share none
    words_of = {id(c): {id(w) for w in c.argv} for c in commands}
    # the script `su app -c '...'` runs is su's, not the caller's (`sh -c '...'`'s is the caller's)
    spans = [_script_span(c) for c in commands if c.name == "su"]
    top = [c for i, c in enumerate(commands)
           if c.argv and not any(id(c.argv[0]) in words_of[id(p)] for p in commands[:i])
           and not any(span is not None and span[0] <= (c.loc.line, c.loc.col) <= span[1] and c.loc.file == span[2]
                       for span in spans)]
    last = top[-1] if top else None
    execs = [c for c in commands if c.name == "exec"]
    for cmd, user in drops:
        if user.dynamic and "$" in user.text:
            pass  # a user named by a variable (`gosu "$PUID"`): the image means to drop root
        elif User.parse(user.text).is_root() is not False:
            continue
        first = id(cmd.argv[0])
        if (last is not None and first in words_of[id(last)]) or any(first in words_of[id(e)] for e in execs):
            return user
    return None


def _script_span(cmd: Command) -> tuple[tuple[int, int], tuple[int, int], str] | None:
    """Where the script a `su -c` runs is written (its commands are located inside it)."""
    args = list(cmd.args)
    word = next((args[i + 1] for i, a in enumerate(args[:-1]) if a.text in ("-c", "--command")), None)
    if word is None:
        return None
    lines = word.text.split("\n")
    end_col = (word.loc.col + len(word.text) + 2) if len(lines) == 1 else len(lines[-1]) + word.indent + 2
    return (word.loc.line, word.loc.col), (word.loc.line + len(lines) - 1, end_col), word.loc.file


def start_commands(workload: Workload) -> tuple[Command, ...]:
    """The commands a container runs: when it sets only a command (Kubernetes `args:`, compose `command:`),
    they are arguments to its image's own `ENTRYPOINT`, which the image catalog's `entrypoint` fact states
    for some images (`cloudflare/cloudflared`'s `cloudflared --no-autoupdate`)."""
    if (workload.entrypoint is not None and workload.entrypoint.value is not None) or workload.command is None \
            or not workload.command.value or workload.image is None:
        return workload.process
    from glmlint.catalog.images import fact

    known = fact(workload.image.value, "entrypoint")
    if known is None or not isinstance(known.value, list) or not known.value:
        return workload.process
    at = workload.command.loc
    return tuple(from_argv((*(Word(str(t), at) for t in known.value), *workload.command.value), at))
