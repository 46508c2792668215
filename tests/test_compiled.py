"""glmlint.compiled: dataclass methods run from kept code behave exactly as freshly compiled ones."""
from __future__ import annotations

import dataclasses
import inspect
import marshal
import os
import types

import pytest

from glmlint import compiled

SOURCE = """\
from dataclasses import dataclass, field

@dataclass(frozen=True, slots=True)
class Point:
    x: int
    y: int = 0
    tags: tuple = field(default_factory=tuple)
"""


def _define(module_name: str) -> type:
    module = types.ModuleType(module_name)
    import sys

    sys.modules[module_name] = module  # dataclasses looks the module up by name
    try:
        exec(compile(SOURCE, module_name, "exec", dont_inherit=True), module.__dict__)
    finally:
        del sys.modules[module_name]
    return module.Point


def test_a_glmlint_class_is_compiled_once_and_then_runs_from_the_kept_code():
    before = len(compiled._cache)
    first = _define("glmlint._probe_one")
    added = len(compiled._cache) - before
    assert added >= 4  # __init__, __repr__, __eq__, __hash__, __setattr__, __delattr__ (frozen)
    for text, code in list(compiled._cache.items())[before:]:
        assert code.co_code == compile(text, "<string>", "exec", dont_inherit=True).co_code
    second = _define("glmlint._probe_two")
    assert len(compiled._cache) - before == added  # the same text: nothing compiled again
    for cls in (first, second):
        p = cls(1, 2)
        assert (p.x, p.y, p.tags) == (1, 2, ())
        assert p == cls(1, 2) and p != cls(1, 3) and hash(p) == hash(cls(1, 2))
        assert repr(p) == "Point(x=1, y=2, tags=())"
        with pytest.raises(dataclasses.FrozenInstanceError):
            p.x = 5  # type: ignore[misc]
        # no __future__ flag of glmlint.compiled leaks into the methods: annotations are objects
        assert inspect.signature(cls.__init__).parameters["x"].annotation is int


def test_other_modules_dataclasses_are_compiled_as_usual():
    before = dict(compiled._cache)
    cls = _define("someone_else")
    assert compiled._cache == before
    assert cls(3).y == 0


def test_an_unreadable_or_foreign_file_is_ignored(tmp_path):
    bad = tmp_path / "garbage.bin"
    bad.write_bytes(b"not a cache")
    assert compiled._load(str(bad)) == {}
    truncated = tmp_path / "truncated.bin"
    truncated.write_bytes(compiled._magic() + marshal.dumps({"x": compile("1", "<string>", "exec")})[:-3])
    assert compiled._load(str(truncated)) == {}
    mixed = tmp_path / "mixed.bin"
    code = compile("y = 1", "<string>", "exec")
    mixed.write_bytes(compiled._magic() + marshal.dumps({"a": code, "b": "not code", 3: code}))
    assert compiled._load(str(mixed)) == {"a": code}
    assert compiled._load(str(tmp_path / "missing.bin")) == {}


def test_new_text_is_saved_atomically_unless_bytecode_is_off(tmp_path, monkeypatch):
    target = tmp_path / "__pycache__" / "compiled.test.bin"
    monkeypatch.setattr(compiled, "_path", lambda: str(target))
    monkeypatch.setattr(compiled, "_new", 1)
    monkeypatch.setattr(compiled.sys, "dont_write_bytecode", True)
    compiled._save()
    assert not target.exists()
    monkeypatch.setattr(compiled.sys, "dont_write_bytecode", False)
    compiled._save()
    saved = compiled._load(str(target))
    assert saved and set(saved) == set(compiled._cache)
    assert [p.name for p in target.parent.iterdir()] == ["compiled.test.bin"]  # no temporary file left


def test_nothing_is_written_without_a_home_to_keep_it_in(tmp_path, monkeypatch):
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path / "no-home"))
    monkeypatch.setattr(compiled, "_new", 1)
    monkeypatch.setattr(compiled.sys, "dont_write_bytecode", False)
    assert compiled._path() == str(tmp_path / "no-home" / ".cache" / "glmlint" /
                                   f"compiled.{compiled.sys.implementation.cache_tag}.bin")
    compiled._save()
    assert list(tmp_path.iterdir()) == []
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    compiled._save()
    assert compiled._load(compiled._path())  # XDG_CACHE_HOME's parent exists: kept there


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="needs root to give a file away")
def test_a_file_another_user_owns_is_not_run(tmp_path):
    code = compile("y = 1", "<string>", "exec")
    theirs = tmp_path / "theirs.bin"
    theirs.write_bytes(compiled._magic() + marshal.dumps({"a": code}))
    assert compiled._load(str(theirs)) == {"a": code}
    os.chown(theirs, 12345, 12345)
    assert compiled._load(str(theirs)) == {}
