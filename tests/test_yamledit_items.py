"""yamledit: a mapping a fix adds to a list is written in the list's own style (block items beside block
items, flow items beside flow items), and reads back as the mapping it adds."""
from __future__ import annotations

import pytest

from glmlint.fix.text import apply
from glmlint.fix.yamledit import YamlDoc
from glmlint.parsers import yamlnodes as y


def _append(text: str, path: tuple, value: dict) -> str:
    ydoc = YamlDoc(text)
    return apply(text, [ydoc.append_item(ydoc.node(path), value)])


def _data(node):
    if y.is_map(node):
        return {k.value: _data(v) for k, v in node.value}
    if y.is_seq(node):
        return [_data(i) for i in node.value]
    return node.value


BLOCK_ENV = """\
containers:
  - name: app
    env:
      - name: TOKEN
        valueFrom:
          secretKeyRef: {name: s, key: k}
    ports: [{containerPort: 80}]
"""


def test_block_items_take_a_block_item():
    new = _append(BLOCK_ENV, (0, "containers", 0, "env"), {"name": "HOME", "value": "/tmp"})
    assert "      - name: HOME\n        value: /tmp\n    ports:" in new
    (doc,) = y.compose_all(new)
    assert _data(y.get(doc, "containers"))[0]["env"][1] == {"name": "HOME", "value": "/tmp"}


def test_flow_items_keep_a_flow_item():
    text = BLOCK_ENV.replace("      - name: TOKEN\n        valueFrom:\n          secretKeyRef: {name: s, key: k}\n",
                             "      - {name: TOKEN, value: x}\n")
    new = _append(text, (0, "containers", 0, "env"), {"name": "HOME", "value": "/tmp"})
    assert "      - {name: HOME, value: /tmp}\n" in new


def test_the_neighbours_key_order_and_quotes():
    text = "mounts:\n- mountPath: '/dev/shm'\n  name: dshm\n"
    new = _append(text, (0, "mounts"), {"name": "tmp", "mountPath": "/tmp"})
    assert new == text + "- mountPath: '/tmp'\n  name: tmp\n"


@pytest.mark.parametrize("value, lines", [
    ({"name": "tmp", "emptyDir": {}}, "    - name: tmp\n      emptyDir: {}\n"),
    ({"name": "shm", "emptyDir": {"medium": "Memory"}},
     "    - name: shm\n      emptyDir:\n        medium: Memory\n"),
])
def test_nested_mappings(value, lines):
    text = "spec:\n  volumes:\n    - name: data\n      persistentVolumeClaim:\n        claimName: d\n"
    new = _append(text, (0, "spec", "volumes"), value)
    assert new == text + lines
    (doc,) = y.compose_all(new)
    assert _data(y.get(doc, "spec", "volumes"))[-1] == value


def test_scalar_items_and_an_alias_neighbour_stay_flow():
    text = "base: &b {name: A, value: a}\nenv:\n  - *b\n"
    new = _append(text, (0, "env"), {"name": "HOME", "value": "/tmp"})
    assert new.endswith("  - *b\n  - {name: HOME, value: /tmp}\n")
