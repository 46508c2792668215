"""yamlnodes: the direct key lookup agrees with the merged entry table."""
from __future__ import annotations

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
