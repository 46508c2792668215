"""Jupyter notebooks (`*.ipynb`) -> IR: the containers their shell lines start.

A notebook's code cells run in IPython, which hands some of their lines to the system shell
(IPython `IPython/core/inputtransformer2.py` at 00810c00: `EscapedCommand`, `SystemAssign`,
`cell_magic`):

- a line whose first character after its indentation is `!` (`!docker run ...`, `!!...`, and
  `out = !...`), with the lines a trailing `\\` continues (`find_end_of_continued_line`);
- every line after a cell's first line `%%bash`, `%%sh` or `%%script bash|sh` (a cell magic runs
  the rest of the cell as that program's script).

Those lines are read as a shell script's (`glmlint.parsers.dockerrun`), each character located in the
notebook's JSON (nbformat 4: `cells[].source`, a list of lines or one string; code cells only). The rest
of the code cells is Python, read as one module for what it starts (`glmlint.parsers.pycalls`:
`subprocess.run([...])`, the Docker SDK's `containers.run`), its shell and `%` magic lines as `pass`; a
`%%time`/`%%timeit`/`%%capture`/`%%prun` cell's body is Python, any other cell magic's (`%%writefile`,
`%%html`) is not.
IPython first expands `{expression}` and `$name` from the kernel's Python variables: such a part is a
value not known here (a `{...}` stays as written, so an image word `{image}` names no image). No fix is
offered: the lines are JSON strings.
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

_ESCAPED = re.compile(r"^([ \t]*)(?:[A-Za-z_][A-Za-z0-9_]*[ \t]*=[ \t]*)?!!?")  # `!cmd`, `!!cmd`, `x = !cmd`
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
    python: list[list[tuple[str, list[int]]]] = []  # each code cell's Python lines (`_cell`)
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
        python.append(_cell(snip, lines, line_col))
    source_file = _source(path, text, [snip]) if snip.lines else \
        SourceFile(path=path, format=Format.DOCKER_RUN, text=text)
    source_file.json = True  # no fix: the lines are JSON strings
    source_file.workloads.extend(_python(path, python, line_col))
    return source_file


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


def _cell(snip: Snippet, lines: list[tuple[str, list[int]]],
          line_col: Callable[[int], tuple[int, int]]) -> list[tuple[str, list[int]]]:
    """Add a code cell's shell lines to `snip`, each character located in the file; the cell's Python
    lines, its shell and magic lines as `pass` (a line count kept), none for a cell another program
    runs (`%%bash`, `%%writefile`, `%%html`, ...; `%%time` and its like run the rest as Python)."""
    def add(text: str, offsets: list[int]) -> None:
        if not offsets:
            return
        snip.add(line_col(offsets[0])[0], text, [line_col(o)[1] for o in offsets])

    def inert(text: str, offsets: list[int]) -> tuple[str, list[int]]:
        indent = len(text) - len(text.lstrip(" \t"))
        return text[:indent] + "pass", offsets

    magic = _CELL_MAGIC.match(lines[0][0]) if lines else None
    if magic is not None and _SHELL_MAGIC.match(lines[0][0]):
        for text, offsets in lines[1:]:
            add(text, offsets)
        return []
    if magic is not None:
        if magic.group(1) not in _PYTHON_CELL_MAGICS:
            return []
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
        add(" " * m.end() + text[m.end():], offsets)  # the `!` (and `x = `) as blanks: columns kept
        python.append(inert(text, offsets))
        while text.endswith("\\") and k < len(lines):  # continued lines go with it
            text, offsets = lines[k]
            add(text, offsets)
            python.append(("", offsets))
            k += 1
    return python
