"""Manifests glmlint renders itself (a Helm chart, a Kustomize overlay) and where each value was written.

A renderer (`glmlint.helm`, `glmlint.kustomize`) turns a chart or an overlay
into one YAML stream, the manifests that will be applied, and tells for each
document of the stream where it came from (an `Origin`). The stream is parsed
and checked like any manifest; each finding is then moved from its place in
the stream to the place a user edits: the template line that produced the
setting (and the `values.yaml` line its value came from), or the resource file
of a Kustomize base (or the patch that set the value).

Positions are matched through the YAML structure, not through line numbers: a
finding's position in the stream names a node, the node has a key path
(`spec.template.spec.containers[name=web].securityContext.privileged`; list
items that have a `name` are matched by name, since patches and renderers
reorder and insert them), and the origin finds the same path in its own file.
"""
from __future__ import annotations

import bisect
import os
from collections.abc import Iterator
from typing import Any, Protocol

from glmlint.records import dataclass, field

# A key path element: a mapping key, a list index, or ("name", value) for a list item with a name.
Key = Any
KeyPath = tuple[Key, ...]


@dataclass(frozen=True, slots=True)
class Place:
    """A position in a file a user edits; `note` says what the place is ("value from", "patch")."""

    path: str  # as reported (relative to the scan root where possible)
    line: int
    col: int
    note: str = ""
    disk: str = ""  # the file on disk, for a fix that edits it
    # not the line that wrote the value (a template packed in a `.tgz`, a resource a generator made):
    # what the finding's message adds to say where it really comes from
    detail: str = ""


@dataclass(frozen=True, slots=True)
class Node:
    """What a position in the rendered stream points at."""

    path: KeyPath
    is_key: bool  # the key of an entry (a workload's `name:` anchor) rather than its value
    value: Any  # the scalar's text, or None for a collection
    line: int  # 1-based, within the document
    col: int


class Origin(Protocol):
    """Where one rendered document came from."""

    def locate(self, node: Node) -> tuple[Place, tuple[Place, ...]] | None:
        """The place that wrote `node` and related places (a values line), or None if unknown."""

    def fallback(self) -> Place | None:
        """Where to report a finding `locate` cannot place: the file the document came from, with a
        `detail` saying so; None if not even that is known."""


@dataclass
class RenderedDoc:
    start: int  # the stream line of the document's first line (1-based)
    text: str
    origin: Origin


@dataclass
class Rendered:
    """A rendered stream: its documents in order, each with its origin."""

    name: str  # what was rendered, as reported: `charts/inference` (chart) or `overlays/prod`
    docs: list[RenderedDoc] = field(default_factory=list)
    kind: str = ""  # "helm" or "kustomize"
    # a chart checked without the templates that did not render (`helm.render_chart`): why it is not whole.
    # A fix is verified by rendering the whole chart again, so none is offered for its findings
    partial: str = ""

    def text(self) -> str:
        return "".join(d.text for d in self.docs)

    @classmethod
    def build(cls, name: str, parts: list[tuple[str, Origin]], kind: str = "") -> Rendered:
        """Join documents `(text, origin)` into one stream, each after a `---` line."""
        out = cls(name, kind=kind)
        line = 1
        for text, origin in parts:
            if not text.strip():
                continue
            body = "---\n" + (text if text.endswith("\n") else text + "\n")
            out.docs.append(RenderedDoc(line + 1, body, origin))
            line += body.count("\n")
        return out


def source_line(rendered: Rendered, line: int) -> tuple[Place, str] | None:
    """For stream `line` (a YAML error's), the file line that wrote it and what rendered it, e.g.
    (`templates/deployment.yaml:34`, "line 34 of what `app/templates/deployment.yaml` renders")."""
    starts = [d.start for d in rendered.docs]
    i = bisect.bisect_right(starts, line) - 1
    if i < 0:
        return None
    at = getattr(rendered.docs[i].origin, "line_at", None)
    return at(line - rendered.docs[i].start + 2) if at is not None else None


class Mapper:
    """Moves stream positions to the files a user edits. Built once per rendered source."""

    def __init__(self, rendered: Rendered) -> None:
        self.rendered = rendered
        self._starts = [d.start for d in rendered.docs]
        self._index: dict[int, dict[tuple[int, int], Node]] = {}

    def locate(self, line: int, col: int) -> tuple[Place, tuple[Place, ...]] | None:
        i = bisect.bisect_right(self._starts, line) - 1
        if i < 0:
            return None
        doc = self.rendered.docs[i]
        index = self._index.get(i)
        if index is None:
            index = self._index[i] = _index(doc.text)
        rel = line - doc.start + 2  # the document's text starts with its `---` line
        node = index.get((rel, col)) or _first_on_line(index, rel)
        if node is None:
            return None
        got = doc.origin.locate(node)
        if got is not None and node.value is None and not node.is_key:
            # an entry named by its `name:` (an env var, `- name: HF_TOKEN`) whose `value:` a values
            # file gives (`value: {{ .Values.hfToken | quote }}`, or the whole entry): the values line of
            # the value
            child = next((n for n in index.values() if not n.is_key and n.path == (*node.path, "value")), None)
            more = doc.origin.locate(child) if child is not None and child.value is not None else None
            if more is not None and more[1]:
                return got[0], more[1]
        return got

    def values_place(self, line: int, inner: tuple[tuple[tuple[str, ...], str], ...]) -> Place | None:
        """Where a chart's values file sets one of `inner` ((values path, value), in order: the first found),
        for a value that the document at stream `line` holds inside one of its own (a Secret's key that is the
        chart's values as YAML); None when no values file of its chart does (`--set`, a Kustomize overlay)."""
        i = bisect.bisect_right(self._starts, line) - 1
        find_value = getattr(self.rendered.docs[i].origin, "values_place", None) if i >= 0 else None
        return find_value(inner) if find_value is not None else None

    def fallback(self, line: int) -> Place:
        """Where to report a finding at stream `line` that `locate` cannot place: the file its
        document came from when known, else the rendered unit itself, with a `detail` that says so
        (a line of the rendered stream is never passed off as a line of a file)."""
        i = bisect.bisect_right(self._starts, line) - 1
        got = self.rendered.docs[i].origin.fallback() if i >= 0 else None
        if got is not None:
            return got
        what = "chart" if self.rendered.kind == "helm" else "overlay"
        return Place(self.rendered.name, 1, 1, detail=f"in the rendered {what}; glmlint cannot tell which file wrote it")


def _first_on_line(index: dict[tuple[int, int], Node], line: int) -> Node | None:
    found = [n for (ln, _c), n in index.items() if ln == line]
    return min(found, key=lambda n: n.col) if found else None


def _index(text: str) -> dict[tuple[int, int], Node]:
    """Every node of a document by its (line, col) within `text`; the shortest path wins a tie."""
    from glmlint.parsers import yamlnodes

    try:
        docs = yamlnodes.compose_all(text)
    except yamlnodes.YamlError:
        return {}
    index: dict[tuple[int, int], Node] = {}
    for root in docs:
        if root is None:
            continue
        for node in walk(root):
            index.setdefault((node.line, node.col), node)
    return index


def walk(root: Any, limit: int = 100_000) -> Iterator[Node]:
    """Every node below `root` with its key path, breadth first (shorter paths first)."""
    from glmlint.parsers import yamlnodes as y

    queue: list[tuple[KeyPath, Any]] = [((), root)]
    seen = 0
    while queue and seen < limit:
        path, node = queue.pop(0)
        seen += 1
        mark = node.start_mark
        yield Node(path, False, node.value if y.is_scalar(node) else None, mark.line + 1, mark.column + 1)
        if y.is_map(node):
            for key, value in node.value:
                if not y.is_scalar(key):
                    continue
                kmark = key.start_mark
                sub = (*path, key.value)
                yield Node(sub, True, None, kmark.line + 1, kmark.column + 1)
                queue.append((sub, value))
        elif y.is_seq(node):
            for i, item in enumerate(node.value):
                queue.append(((*path, item_key(item, i)), item))


def item_key(item: Any, index: int) -> Key:
    """A list item's key: ("name", its name) when it has one, else its index."""
    from glmlint.parsers import yamlnodes as y

    name = y.get(item, "name") if y.is_map(item) else None
    if name is not None and y.is_scalar(name):
        return ("name", name.value)
    return index


def find(root: Any, path: KeyPath) -> tuple[Any, Any] | None:
    """(key node or None, value node) at `path` below `root`, or None."""
    from glmlint.parsers import yamlnodes as y

    node, key_node = root, None
    for key in path:
        if isinstance(key, str):
            if not y.is_map(node):
                return None
            pair = y.entries(node).get(key)
            if pair is None:
                return None
            key_node, node = pair
        else:
            if not y.is_seq(node):
                return None
            key_node = None
            if isinstance(key, tuple):
                node = next((it for it in node.value if item_key(it, -1) == key), None)
            else:
                node = node.value[key] if 0 <= key < len(node.value) else None
            if node is None:
                return None
    return key_node, node


def longest(root: Any, path: KeyPath) -> tuple[KeyPath, Any, Any]:
    """The longest prefix of `path` that exists below `root`: (prefix, key node, value node)."""
    for n in range(len(path), -1, -1):
        got = find(root, path[:n])
        if got is not None:
            return path[:n], got[0], got[1]
    return (), None, root


def place(display: str, key_node: Any, value_node: Any, want_key: bool, note: str = "") -> Place:
    node = key_node if (want_key and key_node is not None) or value_node is None else value_node
    return Place(display, node.start_mark.line + 1, node.start_mark.column + 1, note)


def display_path(path: str, root: str) -> str:
    """`path` as reports show it: relative to the scan root when inside it, with `/`."""
    try:
        rel = os.path.relpath(path, root)
    except ValueError:
        return path
    if rel == os.pardir or rel.startswith(os.pardir + os.sep):
        return path
    return rel.replace(os.sep, "/")


class YamlFiles:
    """Files an origin reads back (templates, values, resources, patches), each read and parsed once."""

    def __init__(self) -> None:
        self._docs: dict[str, list[Any]] = {}
        self._text: dict[str, str] = {}

    def text(self, path: str) -> str | None:
        if path not in self._text:
            try:
                with open(path, encoding="utf-8") as fh:
                    self._text[path] = fh.read()
            except (OSError, UnicodeDecodeError):
                self._text[path] = ""
        return self._text[path] or None

    def docs(self, path: str) -> list[Any]:
        if path not in self._docs:
            from glmlint.parsers import yamlnodes

            text = self.text(path)
            try:
                self._docs[path] = [d for d in yamlnodes.compose_all(text) if d is not None] if text else []
            except yamlnodes.YamlError:
                self._docs[path] = []
        return self._docs[path]
