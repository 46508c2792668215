"""Jupyter notebooks (`*.ipynb`) -> IR: the containers their shell lines start.

A notebook's code cells run in IPython, which hands some of their lines to the system shell
(IPython `IPython/core/inputtransformer2.py` at 00810c00: `EscapedCommand`, `SystemAssign`,
`cell_magic`):

- a line whose first character after its indentation is `!` (`!docker run ...`, `!!...`, and
  `out = !...` with any target before the first `=` outside brackets: `ids, = !...`, `SystemAssign`),
  with the lines a trailing `\\` continues (`find_end_of_continued_line`), joined by a blank
  (`assemble_continued_line`) before IPython expands them;
- every line after a cell's first line `%%bash`, `%%sh` or `%%script bash|sh` (a cell magic runs
  the rest of the cell as that program's script).

Those lines are read as a shell script's (`glmlint.parsers.dockerrun`), each character located in the
notebook's JSON (nbformat 4: `cells[].source`, a list of lines or one string; code cells only). The rest
of the code cells is Python, read as one module for what it starts (`glmlint.parsers.pycalls`:
`subprocess.run([...])`, the Docker SDK's `containers.run`), its shell and `%` magic lines as `pass`; a
`%%time`/`%%timeit`/`%%capture`/`%%prun` cell's body is Python, any other cell magic's (`%%writefile`,
`%%html`) is not.
IPython first expands a `!` line's `{expression}` and `$name` (not inside single quotes), its
continued rows with it, from the kernel's Python variables (`_expand`; a field may span rows, and one
that fails leaves every row as written): a name the notebook's Python binds once, at its top level, to a
string before the line (`IMAGE = "ollama/ollama:0.5.7"`) is that string; any other value is not known
here (a dynamic word: the image is unknown, not wrong); a field IPython cannot format (a name no cell
binds, `$HOME`; `{1..3}`) leaves the whole line as written. A `%%bash` cell's body is not expanded. No
fix is offered: the lines are JSON strings.
"""
from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable
from typing import TYPE_CHECKING

from glmlint.ir import Format, Loc, SourceFile, Workload
from glmlint.parsers.devcontainer import JSON_STRING

if TYPE_CHECKING:
    from glmlint.parsers.dockerrun import Snippet

# `!cmd`, `!!cmd`, and `x = !cmd` with any target IPython finds before the first `=` outside brackets
# (`SystemAssign`, `_find_assign_op`: `ids, = !cmd`, `out[0] = !cmd`, `self.log = !cmd`), not `==`
_ESCAPED = re.compile(r"^([ \t]*)(?:[A-Za-z_(\[](?:[^=!#'\"]|'[^'\n]*'|\"[^\"\n]*\")*?(?<![=<>!+\-*/%&|^@:])=[ \t]*)?!!?")
_SHELL_MAGIC = re.compile(r"^%%(?:bash|sh|script[ \t]+(?:ba)?sh)\b")
_CELL_MAGIC = re.compile(r"^%%([A-Za-z_]\w*)")
_PYTHON_CELL_MAGICS = {"time", "timeit", "capture", "prun"}  # IPython's: they run the rest of the cell as Python
_LINE_MAGIC = re.compile(r"^[ \t]*(?:[A-Za-z_][A-Za-z0-9_]*[ \t]*=[ \t]*)?%[A-Za-z_]")  # `%pip install x`


def _chars(raw: str, at: int) -> tuple[str, list[int]] | None:
    """A JSON string literal (`raw`, quotes included, at offset `at`) decoded, with each character's
    offset in the file (an escape's characters at its backslash); None when it is not one."""
    if len(raw) < 2 or raw[0] != '"' or raw[-1] != '"':
        return None
    out: list[str] = []
    offsets: list[int] = []
    i, end = 1, len(raw) - 1
    simple = {'"': '"', "\\": "\\", "/": "/", "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t"}
    while i < end:
        ch = raw[i]
        if ch != "\\":
            out.append(ch)
            offsets.append(at + i)
            i += 1
            continue
        nxt = raw[i + 1:i + 2]
        if nxt in simple:
            out.append(simple[nxt])
            offsets.append(at + i)
            i += 2
        elif nxt == "u" and re.fullmatch(r"[0-9A-Fa-f]{4}", raw[i + 2:i + 6]):
            out.append(chr(int(raw[i + 2:i + 6], 16)))
            offsets.append(at + i)
            i += 6
        else:
            return None
    return "".join(out), offsets


def parse(path: str, text: str) -> SourceFile | None:
    """The containers a notebook's shell lines start; None when it is not JSON."""
    from glmlint.parsers.devcontainer import read
    from glmlint.parsers.dockerrun import Snippet, _source

    doc = read(text)
    if doc is None or not isinstance(doc.value, dict):
        return None
    bom = len(text) - len(text.lstrip("\ufeff"))
    body = text[bom:]
    starts = [0] + [m.end() for m in re.finditer("\n", text)]

    def line_col(offset: int) -> tuple[int, int]:
        offset += bom
        line = bisect_right(starts, offset)
        return line, offset - starts[line - 1]

    snip = Snippet()
    snip.as_run = True  # IPython's expansion is the only one: what is left in the line reaches the CLI as is
    python: list[list[tuple[str, list[int]]]] = []  # each code cell's Python lines (`_cell`)
    shell: list[tuple[str, list[int], int | None]] = []  # the shell rows, each `!` row's Python line (0-based)
    cells = doc.value.get("cells")
    for cell in cells[1].value if cells is not None and isinstance(cells[1].value, list) else []:
        if not isinstance(cell.value, dict):
            continue
        kind = cell.value.get("cell_type")
        source = cell.value.get("source")
        if kind is None or kind[1].value != "code" or source is None:
            continue
        parts = source[1].value if isinstance(source[1].value, list) else [source[1]]
        lines: list[tuple[str, list[int]]] = []  # the cell's lines, each character's file offset
        for part in parts:
            if not isinstance(part.value, str):
                continue
            end = _string_end(body, part.at)
            got = _chars(body[part.at:end], part.at) if end else None
            if got is None:
                got = (part.value, [part.at] * len(part.value))
            value, offsets = got
            for piece in value.splitlines(keepends=True):
                n = len(piece)
                lines.append((piece.rstrip("\r\n"), offsets[:n]))
                value, offsets = value[n:], offsets[n:]
        before = sum(len(c) for c in python)
        cell_python, rows = _cell(lines)
        python.append(cell_python)
        shell.extend((t, o, None if at is None else before + at) for t, o, at in rows)
    known, bound = _known(python) if any(at is not None and ("{" in t or "$" in t) for t, _, at in shell) \
        else ({}, None)
    if _OPEN_NAMESPACE.search(text):
        bound = None  # `from x import *`, `%run`, `%store -r`: any name may be bound
    k = 0
    while k < len(shell):
        row_text, offsets, at = shell[k]
        group = [(row_text, offsets)]
        k += 1
        while at is not None and k < len(shell) and shell[k][2] == at:  # the rows a `\` continues
            group.append(shell[k][:2])
            k += 1
        if len(group) > 1:
            row_text, offsets = _joined(group)
        if at is not None and ("{" in row_text or "$" in row_text):
            row_text, offsets = _expand(row_text, offsets, {k: v for k, (v, n) in known.items() if n < at}, bound)
        for row_text, offsets in _rows(row_text, offsets) if len(group) > 1 else [(row_text, offsets)]:
            if offsets:
                snip.add(line_col(offsets[0])[0], row_text, [line_col(o)[1] for o in offsets])
    source_file = _source(path, text, [snip]) if snip.lines else \
        SourceFile(path=path, format=Format.DOCKER_RUN, text=text)
    source_file.json = True  # no fix: the lines are JSON strings
    source_file.workloads.extend(_python(path, python, line_col))
    return source_file


_JOIN = -1  # the offset of the blank that joins two rows of a continued `!` line (`_joined`)


def _joined(rows: list[tuple[str, list[int]]]) -> tuple[str, list[int]]:
    """A `!` line and the rows its trailing `\\`s continue as IPython hands them on: one line, each
    row but the last without its `\\`, joined by a blank (IPython 7f0ee556 inputtransformer2.py
    `assemble_continued_line`), which `var_expand` then expands as a whole (`_expand`: a field may span
    rows, a field that fails leaves every row as written). The joining blanks are located at `_JOIN`."""
    text, offsets = rows[0][0][:-1], rows[0][1][:len(rows[0][0]) - 1]  # (a row's offsets may go on past its end)
    for row, at in rows[1:-1]:
        text, offsets = f"{text} {row[:-1]}", [*offsets, _JOIN, *at[:len(row) - 1]]
    last, at = rows[-1]
    return f"{text} {last}", [*offsets, _JOIN, *at]


def _rows(text: str, offsets: list[int]) -> list[tuple[str, list[int]]]:
    """`_joined`'s line split back into its rows for the shell, each but the last ending in ` \\` (the
    shell joins them with the blank IPython put there), located at the blank's row end."""
    out: list[tuple[str, list[int]]] = []
    start = 0
    for i, o in enumerate(offsets):
        if o == _JOIN:
            end = offsets[i - 1] + 1 if i > start else (out[-1][1][-1] if out else 0)
            out.append((text[start:i] + " \\", [*offsets[start:i], end, end]))
            start = i + 1
    out.append((text[start:], offsets[start:]))
    return out


def _python(path: str, cells: list[list[tuple[str, list[int]]]],
            line_col: Callable[[int], tuple[int, int]]) -> list[Workload]:
    """What the cells' Python starts (`pycalls`: `subprocess.run([...])`, the Docker SDK), read as one
    module (a name a cell assigns is known in the cells after it; a cell that is not Python, `obj?`, left
    out), each position located in the notebook."""
    from glmlint.parsers.pycalls import started

    def run(lines: list[tuple[str, list[int]]]) -> list[Workload] | None:
        def place(at: Loc) -> Loc:
            row = lines[min(at.line, len(lines)) - 1][1] if lines else []
            if not row:
                return Loc(1, 1)
            line, col = line_col(row[min(at.col, len(row)) - 1])
            return Loc(line, col + 1 + max(at.col - len(row), 0))
        return started(path, "\n".join(t for t, _ in lines), place)

    found = run([line for cell in cells for line in cell])
    if found is not None:
        return found
    # a cell that is not Python alone (`obj?`, a `%%` magic IPython reads otherwise) is left out
    import ast

    def python(cell: list[tuple[str, list[int]]]) -> bool:
        try:
            ast.parse("\n".join(t for t, _ in cell))
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            return False
        return True

    return run([line for cell in cells for line in (cell if python(cell) else [("", o) for _, o in cell])]) or []


def _string_end(text: str, at: int) -> int:
    """The offset after the JSON string literal that starts at `at` (0 when there is none)."""
    m = JSON_STRING.match(text, at)
    return m.end() if m else 0


def _cell(lines: list[tuple[str, list[int]]]) -> tuple[list[tuple[str, list[int]]], list[tuple[str, list[int], int | None]]]:
    """A code cell's Python lines, its shell and magic lines as `pass` (a line count kept), none for a
    cell another program runs (`%%bash`, `%%writefile`, `%%html`, ...; `%%time` and its like run the rest
    as Python); and its shell rows, each character located in the file, with the index of its Python
    line for a `!` line (IPython expands its `{expr}`/`$name` first, `_expand`), None for a `%%bash`
    cell's (IPython hands the body to the program as written)."""
    rows: list[tuple[str, list[int], int | None]] = []

    def inert(text: str, offsets: list[int]) -> tuple[str, list[int]]:
        indent = len(text) - len(text.lstrip(" \t"))
        return text[:indent] + "pass", offsets

    magic = _CELL_MAGIC.match(lines[0][0]) if lines else None
    if magic is not None and _SHELL_MAGIC.match(lines[0][0]):
        return [], [(text, offsets, None) for text, offsets in lines[1:]]
    if magic is not None:
        if magic.group(1) not in _PYTHON_CELL_MAGICS:
            return [], []
        lines = [("", lines[0][1]), *lines[1:]]
    python: list[tuple[str, list[int]]] = []
    k = 0
    while k < len(lines):
        text, offsets = lines[k]
        m = _ESCAPED.match(text)
        k += 1
        if m is None:
            python.append(inert(text, offsets) if _LINE_MAGIC.match(text) else (text, offsets))
            continue
        at = len(python)
        rows.append((" " * m.end() + text[m.end():], offsets, at))  # the `!` (and `x = `) as blanks: columns kept
        python.append(inert(text, offsets))
        while text.endswith("\\") and k < len(lines):  # continued lines go with it
            text, offsets = lines[k]
            rows.append((text, offsets, at))
            python.append(("", offsets))
            k += 1
    return python, rows


# what may bind names the cells' Python does not show: a star import, `%run script.py`, `%store -r NAME`
_OPEN_NAMESPACE = re.compile(r"import \*|[\"\s]%(?:run|store)\b")
# what IPython's namespace holds before any cell runs (IPython/core/interactiveshell.py `init_user_ns`)
_IPYTHON_NAMES = frozenset({"In", "Out", "get_ipython", "exit", "quit", "_", "__", "___", "_i", "_ii", "_iii",
                            "_ih", "_oh", "_dh"})


def _known(cells: list[list[tuple[str, list[int]]]]) -> tuple[dict[str, tuple[str, int]], set[str] | None]:
    """The names the notebook's Python binds once, at its top level, to a string literal
    (`IMAGE = "vllm/vllm-openai:v0.6.3"`): name -> (the string, its line's 0-based index in the
    cells' Python); and every name it binds anywhere (None when its Python is not read). A name bound
    anywhere else too (another assignment, a loop, an import, a function's own) is not known: which
    value a `!` line gets depends on what ran before it."""
    import ast

    joined = [line for cell in cells for line in cell]
    try:
        tree = ast.parse("\n".join(t for t, _ in joined))
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return {}, None
    bound: dict[str, int] = {}
    for node in ast.walk(tree):
        names: list[str] = []
        if isinstance(node, ast.Name) and not isinstance(node.ctx, ast.Load):
            names = [node.id]
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            names = [(a.asname or a.name).split(".")[0] for a in node.names]
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names = [node.name]
        elif isinstance(node, ast.ExceptHandler) and node.name:
            names = [node.name]
        elif isinstance(node, (ast.Global, ast.Nonlocal)):
            names = list(node.names) * 2  # rebound in a function: not known
        for n in names:
            bound[n] = bound.get(n, 0) + 1
    out: dict[str, tuple[str, int]] = {}
    for stmt in tree.body:
        if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name) \
                and isinstance(stmt.value, ast.Constant) and isinstance(stmt.value.value, str) \
                and bound.get(stmt.targets[0].id) == 1:
            out[stmt.targets[0].id] = (stmt.value.value, stmt.lineno - 1)
    return out, set(bound)


_DOLLAR = re.compile(r"\$(\$?[\w.]+)")


def _expand(text: str, offsets: list[int], known: dict[str, str],
            bound: set[str] | None = None) -> tuple[str, list[int]]:
    """A `!` line as IPython hands it to the shell (`InteractiveShell.var_expand` with its
    `DollarFormatter`, IPython 7f0ee556 IPython/core/interactiveshell.py, IPython/utils/text.py): each
    `{expression}` field and each `$name` outside single quotes is replaced by the value of the Python
    expression (`{{`/`}}` and `$$` give `{`, `}`, `$`), and when a field cannot be read (`{1..3}`, a
    lone `}`, or a name no cell binds: `$HOME`) the line runs as written. A name `known` holds is its
    string, located at the field; any other value is not known here (written `${name}`, a dynamic word).
    `bound`: the names the cells bind (None: any name may be bound)."""
    try:
        return _expanded(text, offsets, known, bound)
    except _AsWritten:
        return text, offsets  # IPython's format failed: the line runs as written


def _field(body: str) -> tuple[str, bool]:
    """The expression a `{field}` evaluates, and whether its value is given as is. `string.Formatter.parse`
    ends the field's name at the first `!` or `:` outside `[...]`, quotes or not; IPython's
    `FullEvalFormatter.vformat` joins a format spec back on with its `:` and evaluates the whole
    (`{BIND + ":8000"}` is that sum; `{x:>8}` is no expression, and fails), converts with `!r`/`!s`/`!a`
    (a value written otherwise: not known here); any other conversion fails (`_AsWritten`)."""
    depth = 0
    for k, c in enumerate(body):
        if c == "[":
            depth += 1
        elif c == "]":
            depth = max(depth - 1, 0)
        elif c in "!:" and not depth:
            if c == ":":
                break
            conversion, colon, spec = body[k + 1:].partition(":")
            if conversion not in ("r", "s", "a"):
                raise _AsWritten
            return (body[:k] + colon + spec).strip(), False
    return body.strip(), True


def _text_of(node: object, known: dict[str, str]) -> str | None:
    """The string a field's expression gives when it is made of strings the notebook binds (`known`)
    and literals, joined with `+` (`{BIND + ":8000"}`); None for anything else."""
    import ast

    if isinstance(node, ast.Name):
        return known.get(node.id)
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left, right = _text_of(node.left, known), _text_of(node.right, known)
        return left + right if left is not None and right is not None else None
    return None


class _AsWritten(Exception):
    """A field IPython cannot format: `var_expand` leaves the whole line as written."""


def _expanded(text: str, offsets: list[int], known: dict[str, str],
              bound: set[str] | None) -> tuple[str, list[int]]:
    import ast
    import builtins

    out: list[str] = []
    locs: list[int] = []
    i, n = 0, len(text)

    def literal(chunk: str, at: list[int]) -> None:
        pos = 0
        for m in _DOLLAR.finditer(chunk):
            if chunk[m.end():].count("'") % 2:
                continue  # inside single quotes: left alone
            out.append(chunk[pos:m.start()])
            locs.extend(at[pos:m.start()])
            field = m.group(1)
            if field.startswith("$"):  # `$$name`: a `$name` for the shell
                out.append(field)
                locs.extend(at[m.start() + 1:m.end()])
            else:
                value(field, at[m.start()])
            pos = m.end()
        out.append(chunk[pos:])
        locs.extend(at[pos:])

    def value(expr: str, at: int, plain: bool = True) -> None:
        try:
            tree = ast.parse(expr.strip(), mode="eval")
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            raise _AsWritten from None  # not an expression: the format fails
        if bound is not None and any(isinstance(node, ast.Name) and node.id not in bound
                                     and node.id not in _IPYTHON_NAMES and not hasattr(builtins, node.id)
                                     for node in ast.walk(tree)):
            raise _AsWritten  # a NameError: the format fails
        got = _text_of(tree.body, known) if plain else None
        if got is None:
            got = expr if expr.isdigit() else "${" + (expr if expr.isidentifier() else "value") + "}"
        out.append(got)
        locs.extend([at] * len(got))

    chunk: list[str] = []
    chunk_at: list[int] = []
    while i < n:
        ch = text[i]
        if ch in "{}" and text[i + 1:i + 2] == ch:
            chunk.append(ch)
            chunk_at.append(offsets[i])
            i += 2
            continue
        if ch == "}":
            raise _AsWritten  # a single `}`: the format fails
        if ch != "{":
            chunk.append(ch)
            chunk_at.append(offsets[i])
            i += 1
            continue
        depth, j = 1, i + 1
        while j < n and depth:
            depth += {"{": 1, "}": -1}.get(text[j], 0)
            j += 1
        if depth:
            raise _AsWritten  # an unclosed `{`
        body = text[i + 1:j - 1]
        expr, plain = _field(body)
        literal("".join(chunk), chunk_at)
        chunk, chunk_at = [], []
        value(expr, offsets[i], plain=plain)  # (`{x!r}`: converted, not known)
        i = j
    literal("".join(chunk), chunk_at)
    return "".join(out), locs
