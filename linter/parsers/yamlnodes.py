"""Fast YAML reading: libyaml's composer (via ruamel.yaml.clib) to nodes with marks.

Nodes are read lazily along the paths a parser asks for, so a 250 KiB CRD costs
one compose and nothing more. Aliases stay shared nodes (never expanded), merge
keys (`<<: *x`) are resolved on access, and scalars are typed here with the
YAML 1.1 rules Kubernetes and compose users expect (`yes` is true, `0777` a
string is kept as written). Tags are never constructed.

Hostile input is bounded the way Compose's and kubectl's YAML library (go-yaml)
bounds it: nesting deeper than `MAX_DEPTH` is refused before libyaml's recursive
composer sees it (it would overflow the C stack), and `check` refuses duplicate
keys, an alias that contains itself, and documents whose aliases expand to
far more nodes than they hold ("billion laughs").
"""
from __future__ import annotations

import operator
import re
import sys
from collections.abc import Iterator
from typing import Any

from glmlint.ir import Loc, Word

# The C composer is imported lazily by `compose_all`; only types are used here.
Node = Any

_INT = re.compile(r"^[-+]?(0|[1-9][0-9_]*)$")
_FLOAT = re.compile(r"^[-+]?([0-9][0-9_]*)?\.[0-9]+([eE][-+]?[0-9]+)?$")
_BOOL = {"true": True, "yes": True, "on": True, "false": False, "no": False, "off": False}
_CORE = "tag:yaml.org,2002:"
MAP = "tag:yaml.org,2002:map"
SEQ = "tag:yaml.org,2002:seq"
# go-yaml (Compose, kubectl) refuses nesting deeper than 10000 ("exceeded max depth");
# libyaml's composer recurses once per level and overflows an 8 MiB stack near 30000.
MAX_DEPTH = 10_000


class YamlError(Exception):
    def __init__(self, message: str, line: int) -> None:
        super().__init__(message)
        self.line = line


_LOADER: Any = None
_STR_TAG: Any = None  # the shared default scalar tag, set with the loader
_NODES: Any = None  # (the C module, its node classes, ours), set with the loader
_ERRORS: Any = None  # ruamel's (MarkedYAMLError, YAMLError), set with the loader


def _loader_class() -> Any:
    """The C composer with a constant-time tag resolver.

    `BaseResolver` has no implicit resolvers, so every untagged node gets its
    kind's default tag; its generic `resolve` still costs a Python call and a
    fresh `Tag` per node (a third of the compose time on a real tree). Returning
    the shared default `Tag` gives the same tags for half the cost.
    """
    global _LOADER, _STR_TAG, _NODES, _RESOLVE, _ERRORS
    if _LOADER is None:
        from ruamel.yaml.error import MarkedYAMLError, YAMLError
        from ruamel.yaml.nodes import MappingNode, ScalarNode, SequenceNode
        from ruamel.yaml.resolver import BaseResolver
        from ruamel.yaml.tag import Tag

        try:
            from ruamel.yaml.cyaml import CBaseLoader as Base
        except ImportError:  # pragma: no cover - C extension missing
            from ruamel.yaml.loader import BaseLoader as Base  # type: ignore[assignment]
        ours = _node_classes(Tag, (BaseResolver.DEFAULT_SCALAR_TAG, BaseResolver.DEFAULT_SEQUENCE_TAG,
                                   BaseResolver.DEFAULT_MAPPING_TAG))
        defaults = {ScalarNode: BaseResolver.DEFAULT_SCALAR_TAG, SequenceNode: BaseResolver.DEFAULT_SEQUENCE_TAG,
                    MappingNode: BaseResolver.DEFAULT_MAPPING_TAG}
        defaults.update({mine: defaults[theirs] for theirs, mine in zip((ScalarNode, SequenceNode, MappingNode), ours)})

        parser = next((c for c in Base.__mro__ if c.__name__ == "CParser"), None)

        class Loader(Base):  # type: ignore[misc, valid-type]
            if parser is not None:
                def __init__(self, stream: Any) -> None:
                    # the parser and composer only: `CBaseLoader.__init__` also sets up a constructor
                    # and a resolver (two Python `__init__`s per file) that composing never reads
                    # (`resolve`, `descend_resolver`, `ascend_resolver` are below)
                    parser.__init__(self, stream)
                    self._parser = self._composer = self

            def resolve(self, kind: Any, value: Any, implicit: Any) -> Any:
                return defaults[kind]

            # Path resolvers are never registered on BaseResolver: these are no-ops there too. The
            # composer calls each once per node: C functions that take the same arguments and do
            # nothing of note (not descriptors: no `self`) cost half a Python method's call.
            descend_resolver = staticmethod(operator.is_)  # (current_node, current_index)
            ascend_resolver = staticmethod(tuple)  # ()

        _LOADER, _STR_TAG, _ERRORS = Loader, BaseResolver.DEFAULT_SCALAR_TAG, (MarkedYAMLError, YAMLError)
        module = sys.modules.get(parser.__module__) if parser is not None else None
        mark = getattr(module, "Mark", None)
        if isinstance(mark, type) and mark.__dictoffset__ == 0 and not hasattr(mark, "file"):
            _FILELESS_MARKS.add(mark)  # the C composer's marks: no `file`, and none can be set
        if module is not None and all(getattr(module, n, None) is c for n, c in
                                      zip(_NODE_NAMES, (ScalarNode, SequenceNode, MappingNode))):
            _NODES = (module, (ScalarNode, SequenceNode, MappingNode), ours)

            # With our node classes in place, the composer's `self.resolve(kind, value, implicit)`
            # (once per node) need not be a Python call: `slice` is a C callable that takes the same
            # three arguments, and our nodes read a slice as "the default tag of my kind" (`_node_classes`).
            # (a compose with ruamel's classes, `_NODES` unset, gives its loader `_RESOLVE` back)
            class FastLoader(Loader):  # type: ignore[misc, valid-type]
                resolve = staticmethod(slice)

            _LOADER, _RESOLVE = FastLoader, lambda kind, value, implicit: defaults[kind]
    return _LOADER


_RESOLVE: Any = None  # the resolver `_loader_class`'s fast loader replaces


_NODE_NAMES = ("ScalarNode", "SequenceNode", "MappingNode")


def _node_classes(tag_type: type, default_tags: tuple[Any, Any, Any]) -> tuple[type, type, type]:
    """Nodes as libyaml's composer builds them, for less: ruamel's `Node` classes run two Python
    `__init__`s per node (a sixth of the compose time on a real tree). Same attributes and values:
    `id`, `ctag` (a `Tag`), `tag`, `value`, `start_mark`, `end_mark`, `style` / `flow_style`,
    `anchor`, `comment`; used only while `_compose_c` composes (ruamel's own constructors, e.g. the
    catalog's loader, check for their classes)."""

    class Node:
        __slots__ = ("ctag", "value", "start_mark", "end_mark")
        comment = None

        @property
        def tag(self) -> str | None:
            return None if self.ctag is None else str(self.ctag)

    scalar_tag, seq_tag, map_tag = default_tags

    class ScalarNode(Node):
        __slots__ = ("style",)
        id = "scalar"
        anchor = None

        def __init__(self, tag: Any, value: Any, start_mark: Any = None, end_mark: Any = None,
                     style: Any = None) -> None:
            # a `slice`: the fast loader's resolved default tag (`_loader_class`)
            self.ctag = scalar_tag if tag.__class__ is slice else tag if isinstance(tag, tag_type) \
                else tag_type(suffix=tag)
            self.value = value
            self.start_mark = start_mark
            self.end_mark = end_mark
            self.style = style

    class SequenceNode(Node):
        __slots__ = ("flow_style", "anchor")
        id = "sequence"

        def __init__(self, tag: Any, value: Any, start_mark: Any = None, end_mark: Any = None,
                     flow_style: Any = None) -> None:
            self.ctag = seq_tag if tag.__class__ is slice else tag if isinstance(tag, tag_type) \
                else tag_type(suffix=tag)
            self.value = value
            self.start_mark = start_mark
            self.end_mark = end_mark
            self.flow_style = flow_style
            self.anchor = None

    class MappingNode(Node):
        __slots__ = ("flow_style", "anchor", "index")
        id = "mapping"
        merge = None

        def __init__(self, tag: Any, value: Any, start_mark: Any = None, end_mark: Any = None,
                     flow_style: Any = None) -> None:
            self.ctag = map_tag if tag.__class__ is slice else tag if isinstance(tag, tag_type) \
                else tag_type(suffix=tag)
            self.value = value
            self.start_mark = start_mark
            self.end_mark = end_mark
            self.flow_style = flow_style
            self.anchor = None
            self.index = None  # its keys, once looked up (`_lookup`)

    return ScalarNode, SequenceNode, MappingNode


def compose_all(text: str) -> list[Node]:
    """Every document's root node (None for an empty document).

    libyaml (YAML 1.1) reads nearly everything, fast. What it rejects but YAML
    1.2 parsers such as Docker Compose's and Kubernetes' accept (a `:` inside a
    plain scalar in a flow collection: `security_opt: [no-new-privileges:true]`)
    is read again with ruamel's pure-Python composer, only for that file.
    Nesting deeper than `MAX_DEPTH` is refused first, by either.
    """
    if _depth_bound(text) > MAX_DEPTH:
        _check_depth(text)
    try:
        docs = _compose_c(text)
    except YamlError as first:
        try:
            docs = _compose_pure(text)
        except Exception:  # noqa: BLE001 - the libyaml message is the one to report
            raise first from None
    if _odd_breaks(text):
        _relocate(text, docs)
    return docs


def _compose_c(text: str) -> list[Node]:
    loader = _loader_class()(text)
    MarkedYAMLError, YAMLError = _ERRORS  # noqa: N806 - ruamel's, imported with the loader
    if _NODES is None and _RESOLVE is not None:
        loader.resolve = _RESOLVE  # ruamel's node classes (`_loader_class`)
    docs: list[Node] = []
    if _NODES is not None:  # our node classes, for this compose only
        module, theirs, ours = _NODES
        for name, cls in zip(_NODE_NAMES, ours):
            setattr(module, name, cls)
    try:
        while loader.check_node():
            docs.append(loader.get_node())
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = (exc.problem or exc.context or "invalid YAML").strip()
        raise YamlError(problem, _error_line(text, mark)) from None
    except YAMLError as exc:
        raise YamlError(str(exc).splitlines()[0] if str(exc) else "invalid YAML", 1) from None
    finally:
        if _NODES is not None:
            for name, cls in zip(_NODE_NAMES, theirs):
                setattr(module, name, cls)
        dispose = getattr(loader, "dispose", None)
        if dispose is not None:
            dispose()
        # ruamel's loader refers to itself (`loader`, `_parser`, `_composer`, ...): a cycle that kept
        # it, a bytes copy of the text and the anchored nodes alive until the collector ran
        vars(loader).clear()
    return docs


_IMPLICIT = {"tag:yaml.org,2002:" + t for t in ("bool", "int", "float", "null", "timestamp", "merge", "value")}


def _compose_pure(text: str) -> list[Node]:
    import io
    import warnings

    from ruamel.yaml import YAML

    with warnings.catch_warnings():
        # a reused anchor is valid YAML (libyaml takes it silently); the warning is multi-line noise on stderr
        warnings.simplefilter("ignore")
        docs = list(YAML(typ="base", pure=True).compose_all(io.StringIO(text)))
    # as libyaml's BaseLoader does: plain scalars stay untyped strings (typed by `scalar`)
    for node in _each_node(docs):
        if node.id == "scalar":
            if node.tag in _IMPLICIT:
                node.tag = "tag:yaml.org,2002:str"
            if node.style is None:
                node.style = ""
    return docs


def _odd_breaks(text: str) -> bool:
    """True when libyaml counts lines differently from `\n`: a lone CR, NEL, LS or PS."""
    if text.isascii():  # (one quick pass: most files) only a lone CR can break a line oddly
        return "\r" in text and text.count("\r") != text.count("\r\n")
    return ("\x85" in text or "\u2028" in text or "\u2029" in text
            or text.count("\r") != text.count("\r\n"))


class _Mark:
    """A node position counted the way git, editors' `:N` and the fix engine count lines."""

    __slots__ = ("line", "column", "index")

    def __init__(self, line: int, column: int, index: int) -> None:
        self.line, self.column, self.index = line, column, index


_FILELESS_MARKS: set[type] = {_Mark}  # mark classes without a `file` (`loc`); libyaml's added with the loader


def _starts(text: str) -> list[int]:
    starts = [0]
    i = text.find("\n")
    while i >= 0:
        starts.append(i + 1)
        i = text.find("\n", i + 1)
    return starts


def _relocate(text: str, docs: list[Node]) -> None:
    """Give every node `\n`-counted marks (libyaml also breaks lines at CR, NEL, LS, PS)."""
    from bisect import bisect_right

    starts = _starts(text)

    def moved(mark: Any) -> _Mark:
        line = bisect_right(starts, mark.index) - 1
        return _Mark(line, mark.index - starts[line], mark.index)

    for node in _each_node(docs):
        node.start_mark, node.end_mark = moved(node.start_mark), moved(node.end_mark)


def shift_columns(docs: list[Node], shifts: dict[int, int]) -> None:
    """Move every node written on a line of `shifts` (0-based line -> columns) that many columns right: the
    text was composed without characters its file has at the start of those lines (the tabs a `<<-`
    heredoc's body loses, `glmlint.heredocs`), so that each node's column is the file's."""
    for node in _each_node(docs):
        for attr in ("start_mark", "end_mark"):
            mark = getattr(node, attr)
            by = shifts.get(mark.line)
            if by:
                setattr(node, attr, _Mark(mark.line, mark.column + by, mark.index))


def _error_line(text: str, mark: Any) -> int:
    if mark is None:
        return 1
    if _odd_breaks(text) and getattr(mark, "index", None) is not None:
        return text.count("\n", 0, mark.index) + 1
    return int(mark.line) + 1


def _depth_bound(text: str) -> int:
    """An upper bound on the nesting depth, from character counts (no parse).

    Each flow level needs a `[` or `{`; block levels nest only by moving right,
    at most two levels per column (a block sequence may sit at its key's column).
    """
    if len(text) <= MAX_DEPTH:
        return len(text)
    widest = max(map(len, text.split("\n")))
    return text.count("[") + text.count("{") + 2 * (widest + 1) + 2


def _check_depth(text: str) -> None:
    """Raise `YamlError` at the first collection nested deeper than `MAX_DEPTH` (libyaml's events, no recursion).

    A syntax error met first is left to the composers to report: they stop there too.
    """
    try:
        from ruamel.yaml.cyaml import CBaseLoader as Loader
    except ImportError:  # pragma: no cover - C extension missing
        from ruamel.yaml.loader import BaseLoader as Loader  # type: ignore[assignment]
    from ruamel.yaml.error import YAMLError
    from ruamel.yaml.events import CollectionEndEvent, CollectionStartEvent

    loader = Loader(text)
    depth = 0
    try:
        while loader.check_event():
            event = loader.get_event()
            if isinstance(event, CollectionStartEvent):
                depth += 1
                if depth > MAX_DEPTH:
                    raise YamlError(f"nesting deeper than {MAX_DEPTH} levels", _error_line(text, event.start_mark))
            elif isinstance(event, CollectionEndEvent):
                depth -= 1
    except YAMLError:
        return
    finally:
        dispose = getattr(loader, "dispose", None)
        if dispose is not None:
            dispose()


def check(doc: Node, max_ratio_nodes: int = 1000, aliases: bool = True, duplicates: bool = True) -> list[YamlError]:
    """The document's duplicate keys; raise `YamlError` for what cannot be read safely.

    Raised: an alias inside its own anchor, and "excessive aliasing": the document's
    aliases expand to many more nodes than it holds (go-yaml v3's rule, as Compose and
    kubectl apply it: more than 1000 expanded nodes of which over 99% come from
    aliases, that share shrinking to 10% for documents of millions of nodes).
    Returned: each duplicate key (the mapping keeps the last value); none looked for with
    `duplicates=False` (what is raised is raised all the same). Every node is visited once;
    `aliases=False` (the text has no `*`) skips the alias accounting.
    """
    if not aliases:
        return _duplicates_below(doc) if duplicates else []
    found: list[YamlError] = []
    expanded: dict[int, int] = {}  # id(node) -> nodes it expands to, aliases included
    on_path: set[int] = set()
    # (node, None) to visit, (node, its children) once they are: its count is then theirs summed; a
    # scalar child is counted at once (it holds nothing: it is never on the path below itself)
    stack: list[tuple[Node, list[Node] | None]] = [(doc, None)]
    while stack:
        node, children = stack.pop()
        if node is None:
            continue
        nid = id(node)
        if children is not None:
            on_path.discard(nid)
            expanded[nid] = 1 + sum([expanded[id(c)] for c in children])
            continue
        if nid in expanded:
            continue
        if nid in on_path:
            raise YamlError("the node anchored here contains an alias to itself", loc(node).line)
        children = _children(node)
        if not children and node.id == "scalar":
            expanded[nid] = 1
            continue
        on_path.add(nid)
        stack.append((node, children))
        if duplicates and node.id == "mapping":
            found.extend(_duplicates(node))
        for child in children:
            cid = id(child)
            if cid in on_path:
                raise YamlError("the node anchored here contains an alias to itself", loc(child).line)
            if cid not in expanded:
                if child.id == "scalar":
                    expanded[cid] = 1
                else:
                    stack.append((child, None))
    total, unique = expanded.get(id(doc), 0), len(expanded)
    aliased = total - unique
    if total > max_ratio_nodes and aliased > 100 and aliased / total > _allowed_alias_ratio(total):
        raise YamlError(f"excessive aliasing: {unique} nodes expand to {total}", 1)
    return found


def _each_node(docs: list[Node]) -> Iterator[Node]:
    """Every node of the documents once (aliased nodes are shared, never walked twice)."""
    seen: set[int] = set()
    stack = [d for d in docs if d is not None]
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        yield node
        stack.extend(_children(node))


def _children(node: Node) -> list[Node]:
    if is_map(node):
        return [n for pair in node.value for n in pair]
    if is_seq(node):
        return list(node.value)
    return []


def _allowed_alias_ratio(total: int) -> float:
    """go-yaml v3's `allowedAliasRatio`: 99% up to 400 000 nodes, down to 10% at 4 000 000."""
    low, high = 400_000, 4_000_000
    if total <= low:
        return 0.99
    if total >= high:
        return 0.10
    return 0.99 - 0.89 * (total - low) / (high - low)


def _duplicates_below(doc: Node) -> list[YamlError]:
    """Duplicate keys in a document without aliases (a tree: no node is met twice)."""
    out: list[YamlError] = []
    if doc is None or doc.id == "scalar":
        return out
    stack = [doc]  # mappings and sequences only
    pop, push = stack.pop, stack.extend
    while stack:
        node = pop()
        pairs = node.value
        if node.id == "mapping":
            # (a set of every key's value: a key that is a collection has a list, unhashable; `_duplicates`
            # then looks at its scalar keys, as it does for any mapping with two keys alike)
            try:
                alike = len({k.value for k, _v in pairs}) != len(pairs)
                push([v for _k, v in pairs if v.id != "scalar"])  # (every key a scalar)
            except TypeError:
                alike = True
                push([n for pair in pairs for n in pair if n.id != "scalar"])
            if alike:
                out.extend(_duplicates(node))
        else:
            push([n for n in pairs if n.id != "scalar"])
    return out


def _duplicates(node: Node) -> list[YamlError]:
    out: list[YamlError] = []
    seen: dict[str, Node] = {}
    for key, _value in node.value:
        if not is_scalar(key) or (key.value == "<<" and not key.style):
            continue
        first = seen.get(key.value)
        if first is not None:
            out.append(YamlError(f"duplicate key `{_short(key.value)}` (first at line {loc(first).line})",
                                 loc(key).line))
        seen[key.value] = key
    return out


def _short(value: str) -> str:
    return value if len(value) <= 40 else value[:37] + "..."


def loc(node: Node) -> Loc:
    mark = node.start_mark
    cls = mark.__class__
    # only a `_FileMark` names a file; libyaml's marks and `_Mark`s have no `file` slot, and asking
    # them for one failed (~20k times per worker on the corpus, each formatting an AttributeError)
    file = mark.file if cls is _FileMark else "" if cls in _FILELESS_MARKS else getattr(mark, "file", "")
    return Loc(mark.line + 1, mark.column + 1, file)


class _FileMark:
    """A node position in another file (read for a compose `extends: {file: ...}`)."""

    __slots__ = ("line", "column", "index", "file")

    def __init__(self, line: int, column: int, index: int, file: str) -> None:
        self.line, self.column, self.index, self.file = line, column, index, file


def stamp(docs: list[Node], file: str) -> None:
    """Mark every node as read from `file` (as reported): its `loc` then names that file."""
    for node in _each_node(docs):
        for attr in ("start_mark", "end_mark"):
            m = getattr(node, attr)
            setattr(node, attr, _FileMark(m.line, m.column, getattr(m, "index", 0), file))


def is_map(node: Node) -> bool:
    return node is not None and node.id == "mapping"


def is_seq(node: Node) -> bool:
    return node is not None and node.id == "sequence"


def is_scalar(node: Node) -> bool:
    return node is not None and node.id == "scalar"


def entries(node: Node) -> dict[str, tuple[Node, Node]]:
    """A mapping's entries as {key: (key node, value node)}, merge keys resolved.

    Explicit keys win over merged ones; among merged mappings the first wins, depth
    first (YAML merge spec). Each merged mapping is read once, without recursion: a
    mapping merged twice (`<<: [*a, *a]`, chains of them) or merging itself adds
    nothing the second time.
    """
    if not is_map(node):
        return {}
    own, sources = _own(node)
    if not sources:
        return own
    merged: dict[str, tuple[Node, Node]] = {}
    seen = {id(node)}
    stack = sources[::-1]
    while stack:
        src = stack.pop()
        if not is_map(src) or id(src) in seen:
            continue
        seen.add(id(src))
        src_own, src_sources = _own(src)
        for k, kv in src_own.items():
            merged.setdefault(k, kv)
        stack.extend(src_sources[::-1])
    merged.update(own)
    return merged


def _own(node: Node) -> tuple[dict[str, tuple[Node, Node]], list[Node]]:
    """A mapping's own scalar-keyed entries, and the nodes its merge keys name."""
    own: dict[str, tuple[Node, Node]] = {}
    sources: list[Node] = []
    for key, value in node.value:
        if not is_scalar(key):
            continue
        if key.value == "<<" and not key.style:
            sources.extend(value.value if is_seq(value) else [value])
            continue
        own[key.value] = (key, value)
    return own, sources


def get(node: Node, *keys: str) -> Node:
    """The node at `keys` below `node`, or None."""
    for key in keys:
        # `_lookup`'s common case inline (a mapping composed here, its index current, no merge key):
        # parsing the corpus looks up ~200k keys
        if node is None or node.id != "mapping":
            return None
        index = getattr(node, "index", None)
        if index is not None and index[0] == _generation and not index[2]:
            node = index[1].get(key)
        else:
            node = _lookup(node, key)
        if node is None:
            return None
    return node


def _lookup(node: Node, key: str) -> Node:
    """`entries(node).get(key)`'s value without building the table unless a merge key needs it.

    A mapping composed here keeps its own keys' index, built at its first lookup (a container is
    asked for some forty keys); a mapping of ruamel's pure composer is searched each time."""
    if node is None or node.id != "mapping":
        return None
    index = getattr(node, "index", _SEARCHED)
    if index is not _SEARCHED:
        if index is None or index[0] != _generation:
            index = node.index = _index(node)
        found = index[1].get(key)
        if found is not None or not index[2]:
            return found
        pair = entries(node).get(key)
        return None if pair is None else pair[1]
    found = None
    merges = False
    for k, value in node.value:
        if k.id != "scalar":
            continue
        if k.value == "<<" and not k.style:
            merges = True
        elif k.value == key:
            found = value  # the last of duplicate keys wins, as in `entries`
    if found is not None or not merges:
        return found
    pair = entries(node).get(key)
    return None if pair is None else pair[1]


_SEARCHED: Any = object()  # `_lookup`: a node without an index slot
_generation = 0  # bumped by `replaced`: every index built before is rebuilt at its next lookup


def _index(node: Node) -> tuple[int, dict[str, Node], bool]:
    """(generation, {key: value} of its own scalar keys (the last of duplicates), whether it has
    a merge key)."""
    table: dict[str, Node] = {}
    merges = False
    for k, value in node.value:
        if k.id != "scalar":
            continue
        if k.value == "<<" and not k.style:
            merges = True
        else:
            table[k.value] = value
    return _generation, table, merges


def replaced() -> None:
    """A scalar's value was replaced in place (compose interpolation): any key indexes are stale
    (the scalar may be a key, through an alias)."""
    global _generation
    _generation += 1


def items(node: Node) -> list[Node]:
    return list(node.value) if is_seq(node) else []


def scalar(node: Node) -> Any:
    """The typed value of a scalar node (str, int, float, bool or None); None for others."""
    if not is_scalar(node):
        return None
    text: str = node.value
    if node.ctag is _STR_TAG or node.tag == _CORE + "str":
        if node.style:  # quoted or block scalar: always a string
            return text
        return _typed(text, None)
    if node.tag in _CORE_SCALARS:  # `!!bool "true"` and friends, as go-yaml resolves them
        return _typed(text, node.tag[len(_CORE):])
    return text  # any other tag (`!!python/object`, `!Ref`) is never constructed


_CORE_SCALARS = {_CORE + kind for kind in ("null", "bool", "int", "float")}


def _typed(text: str, kind: str | None) -> Any:
    """A plain scalar's YAML 1.1 value; `kind`, when an explicit core tag gives one, limits the forms."""
    low = text.lower()
    if kind in (None, "null") and low in ("", "~", "null"):
        return None
    if kind in (None, "bool") and low in _BOOL:
        return _BOOL[low]
    if kind in (None, "int") and _INT.match(text):
        return int(text.replace("_", ""))
    if kind in (None, "float") and _FLOAT.match(text):
        return float(text.replace("_", ""))
    return text


def text(node: Node) -> str | None:
    """A scalar as the string a program would read (ints and bools as written)."""
    if node is None or node.id != "scalar":
        return None
    value = node.value
    return value if value.__class__ is str else str(value)


def walk_maps(node: Node, limit: int = 100_000, max_depth: int = 64
              ) -> Iterator[tuple[tuple[str | int, ...], Node]]:
    """Every mapping below `node` with its key path; shared (aliased) nodes are visited once.

    Paths longer than `max_depth` are not followed: no pod spec lives that deep, and
    copying ever longer paths down a hostile 10000-level document costs quadratic memory.
    """
    seen: set[int] = set()
    stack: list[tuple[tuple[str | int, ...], Node]] = [((), node)]
    while stack and limit > 0:
        path, cur = stack.pop()
        if cur is None or id(cur) in seen or len(path) > max_depth:
            continue
        seen.add(id(cur))
        limit -= 1
        if is_map(cur):
            yield path, cur
            for key, value in reversed(cur.value):
                if is_scalar(key) and (is_map(value) or is_seq(value)):
                    stack.append(((*path, key.value), value))
        elif is_seq(cur):
            for i in range(len(cur.value) - 1, -1, -1):
                stack.append(((*path, i), cur.value[i]))


Chain = Any  # a key path as a linked list: None (the top), or (parent chain, key)


def walk_maps_chained(node: Node, limit: int = 100_000, max_depth: int = 64) -> Iterator[tuple[Chain, Node]]:
    """`walk_maps`, the same mappings in the same order, each with its key path as a `Chain`
    (`chain_path` makes it a tuple): for a caller that needs the path of few of them."""
    seen: set[int] = set()
    stack: list[tuple[Chain, int, Node]] = [(None, 0, node)]
    while stack and limit > 0:
        chain, depth, cur = stack.pop()
        if cur is None or id(cur) in seen or depth > max_depth:
            continue
        seen.add(id(cur))
        limit -= 1
        kind = cur.id
        if kind == "mapping":
            yield chain, cur
            below = depth + 1
            for key, value in reversed(cur.value):
                if key.id == "scalar" and value.id != "scalar":
                    stack.append(((chain, key.value), below, value))
        elif kind == "sequence":
            below = depth + 1
            items = cur.value
            for i in range(len(items) - 1, -1, -1):
                stack.append(((chain, i), below, items[i]))


def chain_path(chain: Chain) -> tuple[str | int, ...]:
    """A `Chain` as the key path tuple `walk_maps` gives."""
    keys: list[str | int] = []
    while chain is not None:
        chain, key = chain
        keys.append(key)
    return tuple(reversed(keys))


def content(node: Node, lines: list[str]) -> tuple[Loc, int]:
    """Where a scalar's text begins (after a quote, or on a block scalar's first line) and its indent."""
    at = loc(node)
    style = getattr(node, "style", "") or ""
    if style in ("'", '"'):
        return Loc(at.line, at.col + 1), at.col
    if style in ("|", ">"):
        for idx in range(at.line, min(len(lines), at.line + 1000)):
            line = lines[idx]
            if line.strip():
                indent = len(line) - len(line.lstrip(" "))
                return Loc(idx + 1, indent + 1), indent
    return at, at.col - 1


def _plain_folds(node: Node, lines: list[str], value: str) -> tuple[tuple[int, int, int, int], ...]:
    first, last = node.start_mark.line, node.end_mark.line
    out: list[tuple[int, int, int, int]] = []
    built: list[str] = []
    row = col = 0
    empties = 0
    for idx in range(first, min(len(lines), last + 1)):
        line = lines[idx].rstrip("\r\n")
        skip = node.start_mark.column if idx == first else len(line) - len(line.lstrip(" \t"))
        if idx == last:
            line = line[:node.end_mark.column]
        piece = line[skip:].rstrip(" \t")
        if not piece:
            empties += 1
            continue
        if out:
            if empties:
                built.append("\n" * empties)
                row, col = row + empties, 0
            else:
                built.append(" ")
                col += 1
        out.append((row, col, idx + 1, skip + 1))
        built.append(piece)
        col += len(piece)
        empties = 0
    return tuple(out) if "".join(built) == value else ()


def folds(node: Node, lines: list[str], value: str) -> tuple[tuple[int, int, int, int], ...]:
    """Where each source line of a folded block scalar (`>`) lands in its value: (row, col in the
    value, line, col in the file). Folding joins lines of the base indent with a space; an empty line
    between them is a newline, more-indented lines keep their newlines (YAML 1.2 section 8.1.3).
    Empty when the lines do not rebuild `value` (an unusual indentation indicator, tabs, ...).
    A plain scalar over several lines folds the same way, each line's leading blanks dropped
    (section 7.3.3: `command: sh -c "..."` continued on the next lines)."""
    style = getattr(node, "style", "") or ""
    if not style and node.end_mark is not None and node.end_mark.line > node.start_mark.line:
        return _plain_folds(node, lines, value)
    if style != ">":
        return ()
    start, base = content(node, lines)
    out: list[tuple[int, int, int, int]] = []
    built: list[str] = []
    row = col = 0
    empties = 0
    prev_more: bool | None = None
    for idx in range(start.line - 1, min(len(lines), start.line + 10000)):
        line = lines[idx].rstrip("\r\n")
        if not line.strip():
            empties += 1
            continue
        indent = len(line) - len(line.lstrip(" "))
        if indent < base:
            break
        more = indent > base or line[base:base + 1] == "\t"
        if prev_more is not None:
            breaks = empties if not (more or prev_more) else empties + 1
            if breaks == 0:
                built.append(" ")
                col += 1
            else:
                built.append("\n" * breaks)
                row, col = row + breaks, 0
        piece = line[base:]
        out.append((row, col, idx + 1, base + 1))
        built.append(piece)
        col += len(piece)
        empties = 0
        prev_more = more
    if "".join(built).rstrip("\n") != value.rstrip("\n"):
        return ()
    return tuple(out)


def word(node: Node, lines: list[str], dynamic_marker: str = "$") -> Word:
    """A scalar used as one argv word, located for scripts inside it."""
    value = text(node) or ""
    start, indent = content(node, lines)
    return Word(value, loc(node), dynamic_marker in value, start, indent, folds(node, lines, value))
