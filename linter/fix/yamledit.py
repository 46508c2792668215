"""Minimal text edits to YAML: set a scalar, add a key or a list item, remove one.

The document is read with libyaml's composer (the nodes carry marks); nothing
is ever dumped. Each operation computes the smallest edit at the right place
and writes new text in the style the file already uses: its indentation
width, its sequence indentation (`- x` at the parent key's column or
indented), flow or block, quotes, and its line endings. Everything outside the
edit stays byte-identical, comments included.
"""
from __future__ import annotations

import json
import re
from collections import Counter
from typing import Any

from glmlint.fix.text import Edit, FixError, TextDoc
from glmlint.ir import Loc
from glmlint.parsers import yamlnodes as y

Node = Any
Path = tuple[str | int, ...]

_PLAIN_SAFE = re.compile(r"^[A-Za-z_/.][A-Za-z0-9_./@+-]*$")
_RESERVED = {"true", "false", "yes", "no", "on", "off", "null", "~", "y", "n"}


def _is_null(node: Node) -> bool:
    return y.is_scalar(node) and not node.style and node.value in ("", "~", "null", "Null", "NULL")


class BlockSeq(list):  # type: ignore[type-arg]
    """A new list a fix writes as a block sequence (`- item` lines, at the document's own sequence offset) when
    the document writes its sequences so (`YamlDoc.style`), else in flow style as any other new list: compose
    `ports:` added beside block-style `volumes:` reads as the service's other keys (reviewA20 F7)."""


class YamlDoc:
    """One YAML file's text and nodes, and the edits that change it."""

    def __init__(self, text: str, roots: list[Node] | None = None) -> None:
        """`roots`: `text`'s documents as `yamlnodes.compose_all` composed them, when at hand."""
        self.doc = TextDoc(text)
        self.text = text
        self.roots: list[Node] = y.compose_all(text) if roots is None else roots
        self._by_loc: dict[Loc, list[Node]] | None = None
        self._parents: dict[int, tuple[Node, Node | int]] | None = None
        self._style: tuple[int, int | None] | None = None
        # `content_end` of each (node, owner key) asked, by their ids (the nodes kept beside the answer,
        # so that no id is reused): the nodes and the text never change, and the fixes of one
        # container, lowered against one `YamlDoc`, ask for the same mappings' ends
        self._ends: dict[tuple[int, int], tuple[Node, Node | None, int]] = {}
        # `node` of each path asked, with the key index generation it was found under (`yamlnodes.replaced`):
        # the fixes of a file, lowered against one `YamlDoc`, ask for the same containers and pod specs
        self._nodes: dict[Path, tuple[int, Node | None]] = {}

    # -- positions -------------------------------------------------------------

    def start(self, node: Node) -> int:
        return self.doc.offset(node.start_mark.line + 1, node.start_mark.column + 1)

    def end(self, node: Node) -> int:
        return self.doc.offset(node.end_mark.line + 1, node.end_mark.column + 1)

    def content_end(self, node: Node, owner_key: Node | None = None) -> int:
        """Offset just after the last character that belongs to `node` (comments excluded)."""
        key = (id(node), id(owner_key))
        got = self._ends.get(key)
        if got is None:
            got = self._ends[key] = (node, owner_key, self._content_end(node, owner_key))
        return got[2]

    def _content_end(self, node: Node, owner_key: Node | None) -> int:
        if y.is_scalar(node):
            if owner_key is not None and (_is_local_empty(node) or self._aliased(owner_key, node)):
                return self.end(owner_key)
            end = self.end(node)
            if node.style in ("|", ">"):
                while end > 0 and self.text[end - 1] in " \t\r\n":
                    end -= 1
            return end
        if owner_key is not None and self._aliased(owner_key, node):
            return self.doc.line_end(self.end(owner_key))  # `key: *alias` on one line
        if getattr(node, "flow_style", False):
            return self.end(node)
        if y.is_map(node):
            last = self.end(node.value[0][0]) if node.value else self.start(node)
            for key, value in node.value:
                last = max(last, self.content_end(value, key))
            return last
        if y.is_seq(node):
            if not node.value:
                return self.start(node)
            last_item = node.value[-1]
            if self._aliased(node, last_item):  # `- *alias`: its position is unknown, keep to the list's line
                return self.doc.line_end(self.start(node))
            return self.content_end(last_item)
        return self.end(node)

    def _aliased(self, before: Node, node: Node) -> bool:
        """`node` is written before `before`: it is an alias of an earlier anchor."""
        return (node.start_mark.line, node.start_mark.column) < (before.start_mark.line, before.start_mark.column)

    # -- lookups ---------------------------------------------------------------

    def _index(self) -> None:
        by_loc: dict[Loc, list[Node]] = {}
        parents: dict[int, tuple[Node, Node | int]] = {}
        seen: set[int] = set()
        stack = [r for r in self.roots if r is not None]
        while stack:
            node = stack.pop()
            if id(node) in seen:
                continue
            seen.add(id(node))
            by_loc.setdefault(y.loc(node), []).append(node)
            if y.is_map(node):
                for key, value in node.value:
                    by_loc.setdefault(y.loc(key), []).append(key)
                    parents.setdefault(id(value), (node, key))
                    parents.setdefault(id(key), (node, key))
                    stack.append(value)
            elif y.is_seq(node):
                for i, item in enumerate(node.value):
                    parents.setdefault(id(item), (node, i))
                    stack.append(item)
        self._by_loc, self._parents = by_loc, parents

    def scalar_at(self, loc: Loc) -> Node | None:
        if self._by_loc is None:
            self._index()
        assert self._by_loc is not None
        for node in self._by_loc.get(loc, []):
            if y.is_scalar(node):
                return node
        return None

    def parent(self, node: Node) -> tuple[Node, Node | int] | None:
        if self._parents is None:
            self._index()
        assert self._parents is not None
        return self._parents.get(id(node))

    def key_at(self, loc: Loc) -> tuple[Node, Node, Node] | None:
        """(mapping, key node, value node) for the key written at `loc`."""
        node = self.scalar_at(loc)
        if node is None:
            return None
        got = self.parent(node)
        if got is None or not y.is_map(got[0]) or got[1] is not node:
            return None
        mapping = got[0]
        for key, value in mapping.value:
            if key is node:
                return mapping, key, value
        return None

    def node(self, path: Path) -> Node | None:
        """The node at a parser path: (document index, key or index, ...)."""
        if path.__class__ is not tuple:
            return self._node(path)
        got = self._nodes.get(path)
        if got is not None and got[0] == y._generation:
            return got[1]
        node = self._node(path)
        self._nodes[path] = (y._generation, node)
        return node

    def _node(self, path: Path) -> Node | None:
        if not path or not isinstance(path[0], int) or path[0] >= len(self.roots):
            return None
        node = self.roots[path[0]]
        for part in path[1:]:
            if isinstance(part, int):
                node = y.items(node)[part] if y.is_seq(node) and part < len(node.value) else None
            else:
                node = y.get(node, part)
            if node is None:
                return None
        return node

    @staticmethod
    def own(mapping: Node, key: str) -> tuple[Node, Node] | None:
        for k, v in mapping.value:
            if y.is_scalar(k) and k.value == key and not (k.value == "<<" and not k.style):
                return k, v
        return None

    # -- style -----------------------------------------------------------------

    def style(self) -> tuple[int, int | None]:
        """(indentation step, sequence offset from its key: 0 for `- x` at the key's column)."""
        if self._style is not None:
            return self._style
        steps: Counter[int] = Counter()
        seq: Counter[int] = Counter()
        seen: set[int] = set()
        stack = [r for r in self.roots if r is not None]
        budget = 5000
        # (`y.is_map`/`y.is_seq` and `_aliased` written inline: a large stream walks all 5000 nodes here)
        while stack and budget:
            budget -= 1
            node = stack.pop()
            kind = node.id
            if kind != "mapping" or id(node) in seen or getattr(node, "flow_style", False):
                if kind == "sequence" and id(node) not in seen:
                    seen.add(id(node))
                    stack.extend(node.value)
                continue
            seen.add(id(node))
            for key, value in node.value:
                mark, at = key.start_mark, value.start_mark
                line, col = mark.line, mark.column
                if (at.line, at.column) < (line, col):
                    continue  # an alias of an earlier anchor (`_aliased`)
                kind = value.id
                if kind == "mapping" and not value.flow_style and value.value:
                    first = value.value[0][0].start_mark
                    if first.line > line:
                        steps[first.column - col] += 1
                    stack.append(value)
                elif kind == "sequence" and not value.flow_style and value.value:
                    if at.line > line:
                        seq[at.column - col] += 1
                    stack.extend(value.value)
        step = max((s for s in steps if s > 0), key=lambda s: (steps[s], -s), default=2)
        seq_off = seq.most_common(1)[0][0] if seq else None
        self._style = (step, seq_off)
        return self._style

    # -- rendering -------------------------------------------------------------

    @staticmethod
    def scalar_text(value: Any, like: Node | None = None) -> str:
        if isinstance(value, bool):
            text = "true" if value else "false"
            if like is not None and y.is_scalar(like) and not like.style and like.value[:1].isupper():
                text = text.capitalize() if like.value[1:2].islower() else text.upper()
            return text
        if isinstance(value, int):
            return str(value)
        text = str(value)
        quote = like.style if like is not None and y.is_scalar(like) and like.style in ("'", '"') else None
        if quote is None and _PLAIN_SAFE.match(text) and text.lower() not in _RESERVED:
            return text
        if quote == "'":
            return "'" + text.replace("'", "''") + "'"
        return json.dumps(text)

    def _flow(self, value: Any, like: Node | None = None) -> str:
        if isinstance(value, dict):
            return "{" + ", ".join(f"{k}: {self._flow(v)}" for k, v in value.items()) + "}"
        if isinstance(value, list):
            return "[" + ", ".join(self._flow(v, like) for v in value) + "]"
        return self.scalar_text(value, like)

    def _block(self, key: str, value: Any, indent: int) -> list[str]:
        pad = " " * indent
        if isinstance(value, dict):
            step = self.style()[0]
            lines = [f"{pad}{key}:"]
            for k, v in value.items():
                lines.extend(self._block(k, v, indent + step))
            return lines
        if isinstance(value, BlockSeq) and value and self.style()[1] is not None:
            dash = " " * (indent + (self.style()[1] or 0)) + "- "  # as the document's block sequences are
            return [f"{pad}{key}:", *(dash + self._item(v, None) for v in value)]
        if isinstance(value, list):
            return [f"{pad}{key}: {self._flow(value)}"]
        return [f"{pad}{key}: {self.scalar_text(value)}"]

    # -- edits -----------------------------------------------------------------

    def replace_scalar(self, node: Node, value: Any) -> Edit:
        if not y.is_scalar(node) or node.style in ("|", ">"):
            raise FixError("the value is not a one-line scalar")
        if node.start_mark.line != node.end_mark.line:
            raise FixError("the value spans several lines")
        return Edit(self.start(node), self.end(node), self.scalar_text(value, node))

    def set_tree(self, mapping: Node, tree: dict[str, Any]) -> list[Edit]:
        """Merge `tree` (nested dicts of leaf values) into `mapping` with as few edits as possible:
        existing leaves are replaced, missing keys are added in one block per mapping."""
        if not y.is_map(mapping):
            raise FixError("not a mapping")
        edits: list[Edit] = []
        missing: dict[str, Any] = {}
        for key, sub in tree.items():
            pair = self.own(mapping, key)
            if pair is None:
                if isinstance(sub, dict) and key in y.entries(mapping):
                    raise FixError(f"`{key}` comes from a merge key (`<<`); set it where it is defined")
                missing[key] = sub
                continue
            k_node, v_node = pair
            if self._aliased(k_node, v_node) and not y.is_scalar(v_node):
                raise FixError(f"`{key}` is an alias shared with other places")
            if isinstance(sub, dict):
                if _is_null(v_node) or _is_local_empty(v_node) or (
                        y.is_map(v_node) and not v_node.value and getattr(v_node, "flow_style", False)):
                    edits.extend(self.fill(k_node, v_node, sub))
                elif y.is_map(v_node):
                    edits.extend(self.set_tree(v_node, sub))
                else:
                    raise FixError(f"`{key}` is not a mapping")
            elif y.is_scalar(v_node) and not _is_local_empty(v_node) and not _is_null(v_node):
                edits.append(self.replace_scalar(v_node, sub))
            elif isinstance(sub, list) and y.is_seq(v_node):
                edits.extend(self.append_item(v_node, item) for item in sub)
            else:
                edits.extend(self.fill(k_node, v_node, sub))
        if missing:
            edits.append(self.insert_entries(mapping, missing))
        return edits

    def fill(self, key: Node, value_node: Node, value: Any) -> list[Edit]:
        """Give an empty or null value (`key:`, `key: ~`, `key: {}`, `key: []`) its content."""
        edits: list[Edit] = []
        flow_empty = (y.is_map(value_node) or y.is_seq(value_node)) and not value_node.value
        if flow_empty or (y.is_scalar(value_node) and not _is_local_empty(value_node)):
            if not flow_empty and not _is_null(value_node):
                raise FixError(f"`{key.value}` already has a value")
            start, end = self.start(value_node), self.end(value_node)
            if not isinstance(value, dict) or flow_empty:
                return [Edit(start, end, self._flow(value))]
            while start > 0 and self.text[start - 1] == " ":
                start -= 1
            edits.append(Edit(start, end, ""))
        elif not isinstance(value, dict):
            colon = self.text.find(":", self.end(key))
            if colon < 0:
                raise FixError(f"cannot find the `:` after `{key.value}`")
            return [Edit(colon + 1, colon + 1, " " + self._flow(value))]
        indent = key.start_mark.column + self.style()[0]
        lines: list[str] = []
        for k, v in value.items():
            lines.extend(self._block(k, v, indent))
        edits.append(self.doc.insert_lines(self.doc.after_line(self.end(key)), lines))
        return edits

    def insert_entries(self, mapping: Node, values: dict[str, Any]) -> Edit:
        if getattr(mapping, "flow_style", False):
            close = self.end(mapping) - 1
            if self.text[close:close + 1] != "}":
                raise FixError("cannot find the end of a flow mapping")
            entry = ", ".join(f"{k}: {self._flow(v)}" for k, v in values.items())
            if mapping.value:
                at = self.content_end(mapping.value[-1][1], mapping.value[-1][0])
                return Edit(at, at, ", " + entry)
            return Edit(close, close, entry)
        if not mapping.value:
            raise FixError("empty block mapping")
        first_key = mapping.value[0][0]
        indent = first_key.start_mark.column
        if "\t" in self.doc.line_text(first_key.start_mark.line + 1)[:indent]:
            raise FixError("tabs in the indentation")
        at = self.doc.after_line(self.content_end(mapping))
        lines: list[str] = []
        for k, v in values.items():
            lines.extend(self._block(k, v, indent))
        return self.doc.insert_lines(at, lines)

    def _item(self, value: Any, like: Node | None) -> str:
        return self._flow(value) if isinstance(value, (dict, list)) else self.scalar_text(value, like)

    def append_item(self, seq: Node, value: Any) -> Edit:
        like = seq.value[0] if seq.value else None
        if getattr(seq, "flow_style", False):
            close = self.end(seq) - 1
            if self.text[close:close + 1] != "]":
                raise FixError("cannot find the end of a flow sequence")
            if seq.value:
                at = self.content_end(seq.value[-1])
                return Edit(at, at, ", " + self._item(value, like))
            return Edit(close, close, self._item(value, like))
        if not seq.value:
            raise FixError("empty block sequence")
        dash_col = seq.start_mark.column
        line = self.doc.line_text(seq.start_mark.line + 1)
        if line[dash_col:dash_col + 1] != "-":
            raise FixError("unexpected sequence layout")
        gap = len(line[dash_col + 1:]) - len(line[dash_col + 1:].lstrip(" "))
        at = self.doc.after_line(self.content_end(seq))
        near = self._block_map_item(seq) if isinstance(value, dict) and value else None
        if near is not None:
            return self.doc.insert_lines(at, self._map_item_lines(value, *near))
        return self.doc.insert_lines(at, [" " * dash_col + "-" + " " * max(gap, 1) + self._item(value, like)])

    def _block_map_item(self, seq: Node) -> tuple[Node, int, int] | None:
        """The list's last item of its own (not an alias) when it is a block mapping written `- key: v` with
        its next keys below the first: (the item, its dash's column, its keys' column). A mapping the fix adds
        to that list is written so (`- name: HOME` / `  value: /tmp`), as a user adds one beside the others;
        None for a list of flow mappings (`- {name: A, value: b}`) or of scalars."""
        own = [i for i in seq.value if not self._aliased(seq, i)]
        if not own or not y.is_map(own[-1]) or getattr(own[-1], "flow_style", False) or not own[-1].value:
            return None
        item = own[-1]
        first = item.value[0][0]
        col = first.start_mark.column
        prefix = self.doc.line_text(first.start_mark.line + 1)[:col]
        head = prefix.rstrip(" ")
        if not head.endswith("-") or head[:-1].strip(" ") or "\t" in prefix:
            return None
        return item, len(head) - 1, col

    def _map_item_lines(self, value: dict[str, Any], near: Node, dash: int, col: int) -> list[str]:
        """`value` as a block-mapping list item beside `near`: its keys in `near`'s order (the keys it does not
        have after them), each scalar quoted as `near`'s value for the same key is."""
        order = [k.value for k, _v in near.value if y.is_scalar(k)]
        lines: list[str] = []
        for k in sorted(value, key=lambda k: order.index(k) if k in order else len(order)):
            v = value[k]
            if isinstance(v, dict) and v:
                lines.extend(self._block(k, v, col))
                continue
            got = self.own(near, k)
            like = got[1] if got is not None and y.is_scalar(got[1]) else None
            lines.append(f"{' ' * col}{k}: {self._item(v, like)}")
        lines[0] = " " * dash + "-" + " " * (col - dash - 1) + lines[0][col:]
        return lines

    def insert_items_after(self, item: Node, values: list[str]) -> Edit:
        """Insert `values` into `item`'s list right after it, in the list's style."""
        got = self.parent(item)
        if got is None or not y.is_seq(got[0]):
            raise FixError("the element is not in a list")
        if getattr(got[0], "flow_style", False):
            at = self.content_end(item)
            return Edit(at, at, "".join(", " + self.scalar_text(v, item) for v in values))
        line = self.doc.line_text(item.start_mark.line + 1)
        dash = line.find("-")
        if dash < 0 or line[:dash].strip():
            raise FixError("unexpected list layout")
        gap = " " * max(item.start_mark.column - dash - 1, 1)
        at = self.doc.after_line(self.content_end(item))
        return self.doc.insert_lines(at, [" " * dash + "-" + gap + self.scalar_text(v, item) for v in values])

    def remove_item(self, item: Node) -> list[Edit]:
        """Remove a sequence element; the whole `key: [...]` entry when it was the only one."""
        got = self.parent(item)
        if got is None or not y.is_seq(got[0]):
            raise FixError("the element is not in a list")
        seq, idx = got
        assert isinstance(idx, int)
        if len(seq.value) == 1:
            owner = self.parent(seq)
            if owner is None or not y.is_map(owner[0]):
                raise FixError("a one-element list that is not a mapping value")
            try:
                return self.remove_entry(owner[0], owner[1])
            except FixError:  # the mapping's only key (`capabilities: {add: [X]}`): leave `add: []`
                colon = self.text.find(":", self.end(owner[1]))
                if colon < 0:
                    raise
                return [Edit(colon + 1, self.content_end(seq), " []")]
        if getattr(seq, "flow_style", False):
            if idx + 1 < len(seq.value):
                return [Edit(self.start(item), self.start(seq.value[idx + 1]), "")]
            return [Edit(self.content_end(seq.value[idx - 1]), self.content_end(item), "")]
        start = self.doc.line_start(self.start(item))
        if self.text[start:self.start(item)].strip() != "-":
            raise FixError("the element shares its line with another")
        return [Edit(start, self.doc.after_line(self.content_end(item)), "")]

    def remove_entry(self, mapping: Node, key: Node) -> list[Edit]:
        entries = mapping.value
        idx = next(i for i, (k, _v) in enumerate(entries) if k is key)
        value = entries[idx][1]
        if getattr(mapping, "flow_style", False):
            if idx + 1 < len(entries):
                return [Edit(self.start(key), self.start(entries[idx + 1][0]), "")]
            if idx == 0:
                return [Edit(self.start(key), self.content_end(value, key), "")]
            return [Edit(self.content_end(entries[idx - 1][1], entries[idx - 1][0]),
                         self.content_end(value, key), "")]
        start = self.doc.line_start(self.start(key))
        end = self.doc.after_line(self.content_end(value, key))
        lead = self.text[start:self.start(key)]
        if lead.strip() == "":
            if len(entries) == 1:
                raise FixError(f"`{key.value}` is the mapping's only key")
            return [Edit(start, end, "")]
        if idx + 1 < len(entries):  # `- key: v` first in a list item: keep the dash
            return [Edit(self.start(key), self.start(entries[idx + 1][0]), "")]
        raise FixError(f"`{key.value}` shares its line with another key")


def _is_local_empty(node: Node) -> bool:
    return y.is_scalar(node) and not node.style and node.value == ""

