"""glmlint.records: record classes that behave as the standard library's dataclasses, without it at run time."""
from __future__ import annotations

import copy
import dataclasses
import pickle
import sys
import types

import pytest

from glmlint import records

SOURCE = """\
from __future__ import annotations

from {module} import dataclass, field


@dataclass(frozen=True, slots=True, order=True)
class Point:
    x: int
    y: int = 0
    tags: tuple = field(default_factory=tuple)


@dataclass(frozen=True, slots=True)
class One:
    value: float


@dataclass(frozen=True)
class Plain:
    "A frozen class with a dict."

    name: str
    items: tuple = ()
    hidden: object = field(default=None, repr=False, compare=False)

    @property
    def size(self) -> int:
        return len(self.items)


@dataclass(slots=True)
class Mutable:
    path: str
    found: list = field(default_factory=list)
    seen: dict = field(default_factory=dict)

    @property
    def count(self) -> int:
        return len(self.found)


@dataclass
class Posted:
    a: int
    b: int = 2
    total: int = 0

    def __post_init__(self) -> None:
        self.total = self.a + self.b


@dataclass(frozen=True, slots=True)
class Empty:
    pass


@dataclass(frozen=True)
class OwnHash:
    key: str
    other: int = 0

    def __hash__(self) -> int:
        return 7
"""


def _define(module: str, name: str) -> types.ModuleType:
    mod = types.ModuleType(name)
    sys.modules[name] = mod  # pickling finds the classes by module name
    exec(compile(SOURCE.format(module=module), name, "exec", dont_inherit=True), mod.__dict__)
    return mod


OURS = _define("glmlint.records", "_records_probe_ours")
THEIRS = _define("dataclasses", "_records_probe_theirs")


def _examples(m: types.ModuleType) -> list[object]:
    return [m.Point(1), m.Point(1, 2, ("a",)), m.Point(x=3, tags=(1,)), m.One(float("nan")), m.One(1.5),
            m.Plain("p"), m.Plain("p", (1, 2), hidden="h"), m.Mutable("f"), m.Mutable("f", [1], {"a": 1}),
            m.Posted(1), m.Posted(1, b=5), m.Empty(), m.OwnHash("k", 3)]


def test_records_behave_as_dataclasses() -> None:
    ours, theirs = _examples(OURS), _examples(THEIRS)
    for a, b in zip(ours, theirs):
        assert repr(a).replace("_records_probe_ours", "") == repr(b).replace("_records_probe_theirs", "")
        assert [f.name for f in dataclasses.fields(a)] == [f.name for f in dataclasses.fields(b)]
        assert type(a).__match_args__ == type(b).__match_args__
        assert hasattr(a, "__dict__") == hasattr(b, "__dict__")
        assert getattr(type(a), "__slots__", None) == getattr(type(b), "__slots__", None)
        assert (type(a).__hash__ is None) == (type(b).__hash__ is None)
        if type(b).__hash__ is not None:
            assert hash(a) == hash(a.__class__(*(getattr(a, f.name) for f in dataclasses.fields(a))))
        assert dataclasses.is_dataclass(a) and records.is_record(a)
    # equality: same class and fields as a tuple (a NaN field equals itself by identity, as in a tuple)
    for i, (a, b) in enumerate(zip(ours, theirs)):
        for j, (c, d) in enumerate(zip(ours, theirs)):
            assert (a == c) == (b == d), (a, c)
            assert (a != c) == (b != d), (a, c)
    assert OURS.Point(1) < OURS.Point(1, 1) <= OURS.Point(2) and OURS.Point(3) > OURS.Point(2) >= OURS.Point(2)
    assert sorted([OURS.Point(2), OURS.Point(1, 5), OURS.Point(1)]) == [OURS.Point(1), OURS.Point(1, 5), OURS.Point(2)]
    with pytest.raises(TypeError):
        OURS.Point(1) < OURS.One(1.0)  # noqa: B015
    assert OURS.Plain("p", hidden=1) == OURS.Plain("p", hidden=2)  # compare=False
    assert OURS.Point(1) != (1, 0, ())


def test_init_signature_defaults_and_factories() -> None:
    for m in (OURS, THEIRS):
        assert m.Mutable("a").found is not m.Mutable("a").found
        assert m.Posted(2).total == 4 and m.Posted(a=1, b=1).total == 2
        with pytest.raises(TypeError):
            m.Point()
        with pytest.raises(TypeError):
            m.Point(1, 2, (), 4)
        with pytest.raises(TypeError):
            m.Point(1, z=2)
    assert OURS.Plain.items == () and "name" not in OURS.Plain.__dict__  # defaults stay class attributes
    assert OURS.Point.__doc__ == THEIRS.Point.__doc__.replace(" -> None", "") == \
        "Point(x: 'int', y: 'int' = 0, tags: 'tuple' = <factory>)"
    assert OURS.Plain.__doc__ == "A frozen class with a dict."


def test_frozen_records_refuse_assignment() -> None:
    point, plain = OURS.Point(1), OURS.Plain("p")
    with pytest.raises(dataclasses.FrozenInstanceError, match="cannot assign to field 'x'"):
        point.x = 2  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError, match="cannot assign to field 'name'"):
        plain.name = "q"  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError, match="cannot delete field 'x'"):
        del point.x  # type: ignore[misc]
    m = OURS.Mutable("a")
    m.path = "b"
    assert m.path == "b"


def test_pickle_copy_and_replace() -> None:
    for obj in _examples(OURS):
        for protocol in (2, pickle.HIGHEST_PROTOCOL):
            back = pickle.loads(pickle.dumps(obj, protocol))
            assert repr(back) == repr(obj) and type(back) is type(obj)
        assert repr(copy.copy(obj)) == repr(obj) and repr(copy.deepcopy(obj)) == repr(obj)
    p = OURS.Point(1, 2, ("a",))
    assert records.replace(p, y=5) == dataclasses.replace(p, y=5) == OURS.Point(1, 5, ("a",))
    assert records.fields(p) == ("x", "y", "tags") == records.fields(OURS.Point)
    with pytest.raises(TypeError):
        records.replace(p, z=1)
    with pytest.raises(TypeError):
        records.replace((1, 2), x=1)


def test_unsupported_declarations_are_refused() -> None:
    with pytest.raises(TypeError):
        records.dataclass(init=False)
    with pytest.raises(TypeError):
        records.field(init=False)
    with pytest.raises(ValueError):
        exec("@dataclass\nclass Bad:\n    x: list = []\n", {"dataclass": records.dataclass})
    with pytest.raises(TypeError):  # fields are not inherited from another record
        exec("@dataclass\nclass Sub(Base):\n    y: int = 0\n", {"dataclass": records.dataclass, "Base": OURS.Mutable})
    with pytest.raises(TypeError):
        exec("@dataclass\nclass Order:\n    x: int = 0\n    y: int\n", {"dataclass": records.dataclass})


def test_every_glmlint_record_init_is_compiled_ahead_of_time() -> None:
    import glmlint._inits as inits

    with open(inits.__file__, encoding="utf-8") as fh:
        assert fh.read() == records.inits_source(), "glmlint/_inits.py is stale: run `python -m glmlint.records`"
    assert not records._made or all(shape not in records.shapes() for shape in records._made)


def test_a_dockerfile_check_imports_neither_dataclasses_nor_inspect(tmp_path) -> None:
    from tests.helpers import after_a_dockerfile_check

    out = after_a_dockerfile_check(tmp_path, """\
        from glmlint import records
        print(sorted(m for m in ("dataclasses", "inspect") if m in sys.modules), len(records._made))
        """)
    assert out.strip().splitlines()[-1] == "[] 0"
    assert '"GLM001"' in out


def test_glmlint_declares_its_classes_with_records_not_dataclasses() -> None:
    """`import dataclasses` anywhere in a run costs every check its `inspect` import; a module that
    still says `dataclasses.replace` after `import dataclasses` became `from glmlint import records`
    fails at run time (NameError): use `records.replace`/`records.fields` and `glmlint.records.dataclass`."""
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    found = []
    for path in [*(root / "linter").rglob("*.py"), *(root / "rules").rglob("*.py")]:
        if path.name in ("records.py", "compiled.py"):
            continue
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if re.search(r"^\s*(import dataclasses|from dataclasses import)|\bdataclasses\.\w+\(", line):
                found.append(f"{path.relative_to(root)}:{n}: {line.strip()}")
    assert not found, "\n".join(found)
