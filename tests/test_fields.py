"""The field tables (`glmlint.fields`): the fix engine writes a field where the parser reads it.

For every row a fix may write, a workload that lacks the field gets it from the
format's fixer, and the edited text parses back to that value, located at the
place the row names. A row whose keys the parser and the fixer disagree on
fails here.
"""
from __future__ import annotations

from typing import Any

import pytest
from glmlint import fields
from glmlint.fix.dockerrun import DockerRunFixer
from glmlint.fix.manifest import ManifestFixer
from glmlint.fix.text import TextDoc, apply
from glmlint.fix.yamledit import YamlDoc
from glmlint.ir import Format, Item, Setting, Workload
from glmlint.parsers import parse
from glmlint.rule import Intent, ensure_item, set_value

# a workload that writes none of the table's settings
BARE = {
    Format.COMPOSE: ("compose.yaml", "compose", "services:\n  web:\n    build: .\n"),
    Format.KUBERNETES: ("pod.yaml", "kubernetes",
                        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n    - name: app\n"),
    Format.DOCKER_RUN: ("run.sh", "docker-run", "docker run --rm nginx:1.27\n"),
}
# a value of each field as a fix would write it
SAMPLES: dict[str, Any] = {
    "image": "nginx:1.27", "privileged": True, "read_only_rootfs": True, "run_as_non_root": True,
    "allow_privilege_escalation": False, "seccomp": "RuntimeDefault", "apparmor": "RuntimeDefault",
    "selinux": "container_t", "memory_limit": "512Mi", "cap_add": "NET_BIND_SERVICE", "cap_drop": "ALL",
    "security_opts": "no-new-privileges:true", "system_paths": "unconfined",
}


def _parse(fmt: Format, text: str) -> Workload:
    name, hint, _ = BARE[fmt]
    source = parse(name, text, hint)
    assert source is not None and len(source.workloads) == 1, text
    return source.workloads[0]


def _fixed(fmt: Format, intent: Intent) -> tuple[str, Workload]:
    text = BARE[fmt][2]
    w = _parse(fmt, text)
    if fmt is Format.DOCKER_RUN:
        edits = DockerRunFixer(TextDoc(text), w, "10001").lower((intent,))
    else:
        edits = ManifestFixer(YamlDoc(text), w, "10001").lower((intent,))
    new = apply(text, edits)
    return new, _parse(fmt, new)


def _intent(w: Workload, field: str, kind: str | None) -> Intent:
    value = SAMPLES[field]
    current = getattr(w, field)
    if kind in (fields.ITEMS, fields.OPTIONS):
        setting = current if isinstance(current, Setting) else Setting((), w.anchor, explicit=False)
        return ensure_item(setting, field, value, title="")
    return set_value(current, field, value, title="")


def _written(table: dict[str, fields.Key]) -> list[str]:
    return [name for name, row in table.items() if row.writable and name in SAMPLES]


YAML_CASES = [(fmt, name) for fmt, table in ((Format.COMPOSE, fields.COMPOSE), (Format.KUBERNETES, fields.KUBERNETES))
              for name in _written(table)]


@pytest.mark.parametrize(("fmt", "field"), YAML_CASES, ids=[f"{f}-{n}" for f, n in YAML_CASES])
def test_yaml_fix_writes_where_the_parser_reads(fmt: Format, field: str) -> None:
    table = fields.COMPOSE if fmt is Format.COMPOSE else fields.KUBERNETES
    row = table[field]
    bare = _parse(fmt, BARE[fmt][2])
    _text, w = _fixed(fmt, _intent(bare, field, row.read))
    got = getattr(w, field)
    where = (*w.node_path, *row.keys)
    if row.read in (fields.ITEMS, fields.OPTIONS):
        items: tuple[Item, ...] = got.value if isinstance(got, Setting) else got
        assert [i.value for i in items] == [SAMPLES[field]]
        assert [i.path for i in items] == [(*where, 0)]
    else:
        assert got.explicit and got.value == SAMPLES[field]
        assert got.path == where


@pytest.mark.parametrize("field", ["allow_privilege_escalation", "seccomp", "apparmor", "system_paths"])
def test_compose_security_option_written_as_the_parser_reads_it(field: str) -> None:
    """A field compose writes as a `security_opt` item (`glmlint.fields.SECURITY_OPTIONS`)."""
    bare = _parse(Format.COMPOSE, BARE[Format.COMPOSE][2])
    text, w = _fixed(Format.COMPOSE, set_value(getattr(bare, field) or Setting(None, bare.anchor, explicit=False),
                                               field, SAMPLES[field], title=""))
    got = getattr(w, field)
    assert got.explicit and got.value == SAMPLES[field], text
    assert got.path == (*w.node_path, *fields.COMPOSE["security_opts"].keys, 0)
    assert fields.SECURITY_OPTIONS[field].name in text


DOCKER_RUN_CASES = ["read_only_rootfs", "allow_privilege_escalation", "cap_add", "cap_drop"]


@pytest.mark.parametrize("field", DOCKER_RUN_CASES)
def test_docker_run_fix_adds_the_flag_the_parser_reads(field: str) -> None:
    # a security option's field is written with the options' flag (`--security-opt no-new-privileges`)
    row = fields.DOCKER_RUN.get(field)
    kind = row.read if row is not None else None
    flag = (row or fields.DOCKER_RUN["security_opts"]).keys[0]
    bare = _parse(Format.DOCKER_RUN, BARE[Format.DOCKER_RUN][2])
    text, w = _fixed(Format.DOCKER_RUN, _intent(bare, field, kind))
    got = getattr(w, field)
    value = tuple(i.value for i in got.value) if kind == fields.ITEMS else got.value
    assert got.explicit and value == ((SAMPLES[field],) if kind == fields.ITEMS else SAMPLES[field]), text
    assert text.split()[got.path[1]] == f"--{flag}", text


def test_every_setting_row_is_a_workload_field() -> None:
    known = set(Workload.__dataclass_fields__)
    for table in (fields.COMPOSE, fields.KUBERNETES, fields.DOCKER_RUN):
        for name, _row in fields.settings(table):
            assert name in known, name
    for name in fields.SECURITY_OPTIONS:
        assert name in known, name
