"""Edits to command lines and config text: remove a word, replace a located string, insert words."""
from __future__ import annotations

import json
import re

from glmlint.fix.text import Edit, FixError, TextDoc
from glmlint.ir import Loc

_SHELL_STOP = set(" \t\r\n;&|<>()")
_WINDOW = 4000


def replace_text(doc: TextDoc, loc: Loc, old: str, new: str, before: str = "") -> Edit:
    """Replace `old` found at `loc` or after it (within the next lines); removing a whole
    statement also removes the line (or the `\\n` escape) it leaves empty."""
    text = doc.text
    start = doc.at(loc)
    at = -1
    if before:
        pattern = re.compile(f"(?:{before})({re.escape(old)})", re.IGNORECASE)
        for m in pattern.finditer(text, start, doc.line_end(start)):
            at = m.start(1)
    if at < 0:
        at = text.find(old, start, start + _WINDOW + len(old))
    if at < 0:
        raise FixError(f"cannot find `{old}` at line {loc.line}")
    end = at + len(old)
    if new:
        return Edit(at, end, new)
    if text[end:end + 2] == "\\n":
        return Edit(at, end + 2, "")
    line_start, line_end = doc.line_start(at), doc.line_end(end)
    if not text[line_start:at].strip() and not text[end:line_end].strip():
        return Edit(line_start, doc.after_line(end), "")
    return Edit(at, end, "")


def word_end(text: str, start: int) -> int:
    """End of the shell word (or JSON string) starting at `start`."""
    if text[start:start + 1] == '"' and _json_context(text, start):
        try:
            _value, end = json.JSONDecoder().raw_decode(text, start)
            return int(end)
        except ValueError:
            pass
    i, n = start, len(text)
    quote: str | None = None
    opened = start
    while i < n:
        c = text[i]
        if quote:
            if c == "\\" and quote == '"':
                i += 2
                continue
            if c == quote:
                quote = None
            elif c == "\n":
                return opened  # the quote closes an enclosing string (`sh -c "... --x=''"`)
        elif c in "'\"":
            quote = c
            opened = i
        elif c == "\\":
            if text[i + 1:i + 2] in ("\n", "\r"):
                break
            i += 2
            continue
        elif c == "$" and text[i + 1:i + 2] == "(":
            # `$(...)`, a command substitution (make's `$(NAME)` too) is part of the word
            close = _closing_paren(text, i + 2)
            if close < 0:
                break
            i = close + 1
            continue
        elif c in _SHELL_STOP:
            break
        i += 1
    if quote:
        return opened
    return i


def _closing_paren(text: str, i: int) -> int:
    """The `)` that closes a `(` before `i`, on the same line; -1 when there is none."""
    depth = 1
    while i < len(text) and text[i] != "\n":
        if text[i] == "(":
            depth += 1
        elif text[i] == ")":
            depth -= 1
            if depth == 0:
                return i
        i += 1
    return -1


def _json_context(text: str, start: int) -> bool:
    j = start - 1
    while j >= 0 and text[j] in " \t":
        j -= 1
    return j >= 0 and text[j] in "[,"


def remove_words(doc: TextDoc, loc: Loc, count: int = 1) -> list[Edit]:
    """Remove `count` consecutive words starting at `loc`, with one separator; a continuation
    line left holding only `\\` (PowerShell's backtick, cmd.exe's caret) goes too."""
    edits = _remove_words(doc, loc, count)
    if len(edits) == 1:
        e = edits[0]
        text = doc.text
        line_start, line_end = doc.line_start(e.start), doc.line_end(e.end)
        rest = text[line_start:e.start] + text[e.end:line_end]
        prev = text[doc.line_start(line_start - 1):doc.line_end(line_start - 1)] if line_start > 0 else ""
        # (PowerShell's continuation is a backtick: a Markdown `powershell` block; cmd.exe's a caret)
        if rest.strip() in ("\\", "`", "^") and prev.rstrip().endswith(rest.strip()):
            return [Edit(line_start, doc.after_line(e.end), "")]
        if not rest.strip() and line_start > 0:
            # a line of a YAML block scalar holding only this word (a workflow job container's
            # folded `options: >-`): the line goes, not just the word
            return [Edit(line_start, doc.after_line(e.end), "")]
    return edits


def _remove_words(doc: TextDoc, loc: Loc, count: int = 1) -> list[Edit]:
    text = doc.text
    start = doc.at(loc)
    if start >= len(text) or text[start] in " \t\r\n":
        raise FixError(f"no word at {loc.line}:{loc.col}")
    json_elem = text[start] == '"' and _json_context(text, start)
    end = start
    for n in range(count):
        if n:
            sep = _skip_separator(text, end, json_elem)
            if sep is None:
                raise FixError("the flag's value is missing")
            end = sep
        end = word_end(text, end)
    if json_elem:
        nxt = _skip_separator(text, end, True)
        if nxt is not None:
            return [Edit(start, nxt, "")]
        j = start - 1
        while j >= 0 and text[j] in " \t":
            j -= 1
        if text[j] == ",":
            return [Edit(j, end, "")]
        return [Edit(start, end, "")]
    k = end
    while k < len(text) and text[k] in " \t":
        k += 1
    line_end = doc.line_end(start)
    if k < line_end and text[k] not in "\\;&|)" and k > end:
        return [Edit(start, k, "")]
    j = start
    while j > 0 and text[j - 1] in " \t":
        j -= 1
    if j < start and j > doc.line_start(start):
        return [Edit(j, end, "")]
    if k > end:
        return [Edit(start, k, "")]
    return [Edit(start, end, "")]


def _skip_separator(text: str, pos: int, json_elem: bool) -> int | None:
    i = pos
    while i < len(text) and text[i] in " \t":
        i += 1
    if json_elem:
        if text[i:i + 1] != ",":
            return None
        i += 1
        while i < len(text) and text[i] in " \t":
            i += 1
        return i
    return i if i > pos else None


def insert_after_word(doc: TextDoc, loc: Loc, words: list[str]) -> Edit:
    """Insert `words` after the word at `loc` (shell form, or a JSON array element)."""
    text = doc.text
    start = doc.at(loc)
    end = word_end(text, start)
    if text[start:start + 1] == '"' and _json_context(text, start):
        return Edit(end, end, "".join(", " + json.dumps(w) for w in words))
    return Edit(end, end, "".join(" " + w for w in words))


_OPERATOR = re.compile(r"[0-9]*(?:>>|>\||&>>|&>|>&|<<<|<&|>|<)[0-9-]*")


def _blanks(text: str, i: int) -> int:
    """`i` moved past spaces and tabs."""
    while i < len(text) and text[i] in " \t":
        i += 1
    return i


def _blanks_back(text: str, i: int) -> int:
    """`i` moved back over the spaces and tabs before it."""
    while i > 0 and text[i - 1] in " \t":
        i -= 1
    return i


def _continuation(text: str, i: int) -> bool:
    return text.startswith("\\\n", i) or text.startswith("\\\r\n", i)


def command_end(text: str, start: int) -> int:
    """End of the simple command starting at `start`: its words and redirections."""
    pos = end = start
    n = len(text)
    while pos < n:
        pos = _blanks(text, pos)
        if pos >= n or text[pos] in "\r\n;&|)" or _continuation(text, pos):
            break
        m = _OPERATOR.match(text, pos)
        if m is not None and m.end() > pos:
            pos = m.end()
            continue
        pos = end = word_end(text, pos)
        if end == pos and pos < n and text[pos] not in " \t":
            break
    return end


def remove_command(doc: TextDoc, loc: Loc) -> Edit:
    """Remove a command and one connector: `a && CMD && b`, a `&& CMD` line of a continued RUN,
    or a RUN holding only CMD."""
    text = doc.text
    start = doc.at(loc)
    end = command_end(text, start)
    if end <= start:
        raise FixError(f"no command at {loc.line}:{loc.col}")
    after = _blanks(text, end)
    connector = 2 if text.startswith("&&", after) else 1 if text.startswith(";", after) and \
        not text.startswith(";;", after) else 0
    if connector:  # `CMD && next`: take the connector after it, and a continuation it leaves dangling
        nxt = _blanks(text, after + connector)
        if _continuation(text, nxt):
            nxt = _blanks(text, doc.after_line(nxt))
        return Edit(start, nxt, "")
    if text[after:after + 1] == "|":
        raise FixError("the command is part of a pipeline")
    before = _blanks_back(text, start)
    connector = 2 if text[max(before - 2, 0):before] == "&&" else 1 if text[before - 1:before] == ";" else 0
    if connector:  # `prev && CMD`: take the connector before it
        cut = before - connector
        line_start = doc.line_start(cut)
        if line_start > 0 and not text[line_start:cut].strip():
            k = doc.line_end(line_start - 1)  # the connector opens its line: drop the ` \` above
            if k > 0 and text[k - 1] == "\\":
                return Edit(_blanks_back(text, k - 1), end, "")
        return Edit(_blanks_back(text, cut), end, "")
    line_start, line_end = doc.line_start(start), doc.line_end(end)
    if text[line_start:start].strip().upper() == "RUN" and not text[end:line_end].strip():
        return Edit(line_start, doc.after_line(end), "")
    raise FixError("cannot tell where the command begins and ends")
