"""yamlnodes: the direct key lookup agrees with the merged entry table."""
from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from glmlint.parsers import yamlnodes as y

KEYS = st.sampled_from(["a", "b", "c", "'<<'", "<<"])


@st.composite
def documents(draw: st.DrawFn) -> str:
    """A mapping with duplicate keys, quoted `<<`, and merges of one or two anchored mappings."""
    anchors = []
    lines = []
    for i in range(draw(st.integers(0, 2))):
        body = ", ".join(f"{k}: base{i}{k}" for k in draw(st.lists(st.sampled_from("abc"), max_size=3)))
        lines.append(f"base{i}: &m{i} {{{body}}}")
        anchors.append(f"*m{i}")
    lines.append("doc:")
    for n, key in enumerate(draw(st.lists(KEYS, max_size=6))):
        if key == "<<":
            if not anchors:
                continue
            merged = draw(st.lists(st.sampled_from(anchors), min_size=1, max_size=2))
            lines.append(f"  <<: [{', '.join(merged)}]")
        else:
            lines.append(f"  {key}: v{n}")
    return "\n".join(lines) + "\n"


@settings(max_examples=200, deadline=None)
@given(documents(), st.sampled_from(["a", "b", "c", "<<", "zz"]))
def test_get_agrees_with_entries(text, key):
    try:
        (doc,) = y.compose_all(text)
    except y.YamlError:  # duplicate anchors and the like: not what this test is about
        return
    node = y.get(doc, "doc")
    pair = y.entries(node).get(key)
    assert y.get(node, key) is (None if pair is None else pair[1])


def test_explicit_key_wins_over_merged_and_last_duplicate_wins():
    (doc,) = y.compose_all("base: &b {a: 1, b: 2}\ndoc: {<<: *b, a: 3, a: 4}\n")
    node = y.get(doc, "doc")
    assert y.scalar(y.get(node, "a")) == 4
    assert y.scalar(y.get(node, "b")) == 2
    assert y.get(node, "c") is None


# -- the composer's node classes -----------------------------------------------------------

TAGGED = """\
%TAG !e! tag:example.com,2000:app/
---
plain: yes
quoted: "0777"
tagged: !!str 1
local: !e!foo%21bar x
custom: !Ref name
flow: {a: [1, 2], b: ~}
anchored: &a {k: v}
alias: *a
merged: {<<: *a, k: w}
literal: |
  line one
folded: >-
  a
  b
empty:
? complex
: key
--- !!seq
- one
--- 
...
"""


def _shape(docs):
    """Everything a parser reads from the nodes, aliases as references to the first visit."""
    out, seen = [], {}

    def walk(n):
        if n is None:
            out.append(None)
            return
        if id(n) in seen:
            out.append(("alias", seen[id(n)]))
            return
        seen[id(n)] = len(seen)
        s, e = n.start_mark, n.end_mark
        out.append((n.id, n.tag, str(n.ctag), n.anchor, n.comment, getattr(n, "style", None),
                    getattr(n, "flow_style", None), s.line, s.column, s.index, e.line, e.column, e.index,
                    n.value if n.id == "scalar" else len(n.value), y.scalar(n)))
        for child in ([c for pair in n.value for c in pair] if n.id == "mapping" else
                      n.value if n.id == "sequence" else []):
            walk(child)

    for d in docs:
        walk(d)
    return out


def test_our_nodes_hold_what_ruamels_hold(monkeypatch):
    y._loader_class()
    assert y._NODES is not None, "ruamel.yaml.clib's composer is expected (a dependency of the package)"
    ours = _shape(y._compose_c(TAGGED))
    monkeypatch.setattr(y, "_NODES", None)  # ruamel's own node classes
    theirs = _shape(y._compose_c(TAGGED))
    assert ours == theirs
    tags = {o[1] for o in ours if o is not None and o[0] == "scalar"}
    assert {"!Ref", "tag:example.com,2000:app/foo!bar"} <= tags  # the sample has what it means to test
    assert sum(1 for o in ours if o is not None and o[0] == "alias") == 2


def test_ruamels_classes_are_back_after_composing():
    """The swap is for our compose only: ruamel's constructors (the catalog's loader) check theirs."""
    import _ruamel_yaml
    from ruamel.yaml import YAML
    from ruamel.yaml.nodes import MappingNode, ScalarNode, SequenceNode

    y.compose_all("a: [1]\n")
    with pytest.raises(y.YamlError):
        y.compose_all("a: [1\n")  # restored after an error too
    assert (_ruamel_yaml.ScalarNode, _ruamel_yaml.SequenceNode, _ruamel_yaml.MappingNode) == (
        ScalarNode, SequenceNode, MappingNode)
    assert YAML(typ="safe").load("a: [1, {b: 2}]\n") == {"a": [1, {"b": 2}]}


# -- key indexes (`_lookup`) and the chained walk ------------------------------------------------


def test_a_key_replaced_in_place_is_found_under_its_new_text():
    """A mapping's key index is rebuilt after `replaced()` (compose interpolation replaces scalars,
    which an alias can make keys)."""
    (doc,) = y.compose_all("a: 1\nb: 2\n")
    assert y.scalar(y.get(doc, "a")) == 1  # the index is built
    key = doc.value[0][0]
    key.value = "c"
    y.replaced()
    assert y.get(doc, "a") is None
    assert y.scalar(y.get(doc, "c")) == 1
    assert y.scalar(y.get(doc, "b")) == 2


def test_indexed_lookups_keep_duplicates_merges_and_quoted_merge_keys():
    (doc,) = y.compose_all("base: &b {m: 1}\ndoc: {a: 1, a: 2, '<<': q, <<: *b}\n")
    node = y.get(doc, "doc")
    for _ in range(2):  # before and after the index exists
        assert y.scalar(y.get(node, "a")) == 2
        assert y.scalar(y.get(node, "<<")) == "q"  # a quoted `<<` is an ordinary key
        assert y.scalar(y.get(node, "m")) == 1  # merged
        assert y.get(node, "zz") is None


JSON = st.recursive(st.none() | st.booleans() | st.integers(-3, 3) | st.sampled_from(["x", "y"]),
                    lambda inner: st.lists(inner, max_size=3)
                    | st.dictionaries(st.sampled_from(["a", "b", "c", "spec"]), inner, max_size=3),
                    max_leaves=25)


@settings(max_examples=150, deadline=None)
@given(JSON, st.integers(1, 40), st.integers(0, 6))
def test_the_chained_walk_is_walk_maps(value, limit, max_depth):
    import json

    (doc,) = y.compose_all(json.dumps(value))
    want = [(path, id(node)) for path, node in y.walk_maps(doc, limit, max_depth)]
    got = [(y.chain_path(chain), id(node)) for chain, node in y.walk_maps_chained(doc, limit, max_depth)]
    assert got == want


def test_the_chained_walk_visits_shared_nodes_once():
    (doc,) = y.compose_all("a: &x {k: {v: 1}}\nb: [*x, *x]\nc: *x\n")
    want = [(path, id(node)) for path, node in y.walk_maps(doc)]
    assert [(y.chain_path(c), id(n)) for c, n in y.walk_maps_chained(doc)] == want
    assert len(want) == 3


def test_the_loader_is_freed_without_the_collector(monkeypatch):
    """ruamel's loader refers to itself; once composed it must not wait for the cycle collector
    (it holds a bytes copy of the text and the anchored nodes; the CLI collects rarely)."""
    import gc
    import weakref

    made = []

    class Recording(y._loader_class()):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            made.append(weakref.ref(self))

    monkeypatch.setattr(y, "_LOADER", Recording)
    gc.disable()
    try:
        y.compose_all("a: &x [1]\nb: *x\n")
        with pytest.raises(y.YamlError):
            y.compose_all("a: [1\n")
    finally:
        gc.enable()
    assert len(made) >= 2 and all(ref() is None for ref in made)
