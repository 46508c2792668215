"""Text edits over one file's text, and the unified diff that shows them.

An `Edit` replaces the characters `[start, end)` of the text with `text`;
an insertion has `start == end`. Offsets are str indices (code points), the
unit the parsers' columns use.
"""
from __future__ import annotations

from collections.abc import Iterable

from glmlint.ir import Loc
from glmlint.records import dataclass


@dataclass(frozen=True, slots=True, order=True)
class Edit:
    start: int
    end: int
    text: str


class Conflict(Exception):
    """Two edits overlap."""


class FixError(Exception):
    """An intent cannot be written in this file; the message says why (one line)."""


class TextDoc:
    """A text with fast line/column <-> offset conversion and its newline style."""

    def __init__(self, text: str) -> None:
        self.text = text
        starts = [0]
        find = text.find
        i = find("\n")
        while i >= 0:
            starts.append(i + 1)
            i = find("\n", i + 1)
        self.starts = starts
        self.newline = "\r\n" if text.count("\r\n") * 2 > len(starts) - 1 else "\n"

    @property
    def line_count(self) -> int:
        return len(self.starts)

    def offset(self, line: int, col: int = 1) -> int:
        """Offset of a 1-based line and column (clamped to the text)."""
        if line < 1:
            return 0
        if line > len(self.starts):
            return len(self.text)
        return min(self.starts[line - 1] + col - 1, len(self.text))

    def at(self, loc: Loc) -> int:
        return self.offset(loc.line, loc.col)

    def line_start(self, offset: int) -> int:
        return self.text.rfind("\n", 0, offset) + 1

    def line_end(self, offset: int) -> int:
        """Offset of the line's end, before its `\\r\\n`/`\\n` (or the end of the text)."""
        end = self.text.find("\n", offset)
        if end < 0:
            return len(self.text)
        return end - 1 if end > 0 and self.text[end - 1] == "\r" else end

    def after_line(self, offset: int) -> int:
        """Offset just past the newline ending the line that holds `offset` (or the end of text)."""
        end = self.text.find("\n", offset)
        return len(self.text) if end < 0 else end + 1

    def line_of(self, offset: int) -> int:
        import bisect

        return bisect.bisect_right(self.starts, offset)

    def position(self, offset: int) -> tuple[int, int]:
        """The 1-based (line, column) of `offset`."""
        line = self.line_of(offset)
        return line, offset - self.starts[line - 1] + 1

    def line_text(self, line: int) -> str:
        start = self.offset(line, 1)
        return self.text[start:self.line_end(start)]

    def insert_lines(self, offset: int, lines: list[str]) -> Edit:
        """Insert whole lines at `offset` (a line start, or the end of a text with no final newline)."""
        nl = self.newline
        body = nl.join(lines) + nl
        if offset == len(self.text) and self.text and not self.text.endswith("\n"):
            return Edit(offset, offset, nl + nl.join(lines))
        return Edit(offset, offset, body)


def apply(text: str, edits: Iterable[Edit]) -> str:
    """Apply non-overlapping edits; identical duplicates count once."""
    ordered = sorted(set(edits))
    out: list[str] = []
    pos = 0
    for e in ordered:
        if e.start < pos:
            raise Conflict(f"overlapping edits at offset {e.start}")
        out.append(text[pos:e.start])
        out.append(e.text)
        pos = e.end
    out.append(text[pos:])
    return "".join(out)


def split_lines(text: str) -> list[str]:
    """Lines with their endings kept, split on `\\n` only (CR, form feeds stay inside lines)."""
    parts = text.split("\n")
    lines = [p + "\n" for p in parts[:-1]]
    if parts[-1]:
        lines.append(parts[-1])
    return lines


def unified_diff(old: str, new: str, path: str) -> str:
    """A `git apply`/`patch -p1` compatible diff of one file, byte-faithful (CRLF, no final newline)."""
    import difflib  # only `glmlint fix` writes diffs: a check's fix intents need none of it (issue 12)

    out: list[str] = []
    for line in difflib.unified_diff(split_lines(old), split_lines(new), f"a/{path}", f"b/{path}", n=3):
        if line.startswith(("---", "+++")):
            out.append(line.rstrip("\n") + "\n")
        elif line.endswith("\n"):
            out.append(line)
        else:
            out.append(line + "\n\\ No newline at end of file\n")
    return "".join(out)
