"""glmlint's record classes: `@dataclass` without `dataclasses` at run time.

The IR, the rules' findings and intents, the catalogs' entries and the results are
written as dataclasses (`from glmlint.records import dataclass, field`), and behave
as the standard library's (Python 3.11's `dataclasses`): the same `__init__`
(positional and keyword arguments, defaults, `default_factory`, `__post_init__`),
`__repr__`, `__eq__` (same class, fields compared as a tuple), `__hash__` (frozen and
eq: the hash of that tuple; eq and not frozen: unhashable), ordering (`order=True`),
frozen-ness (`dataclasses.FrozenInstanceError`), `__slots__` (`slots=True`), pickling
and `__match_args__`. `dataclasses.fields`, `dataclasses.replace` and
`dataclasses.is_dataclass` work on them too: `__dataclass_fields__` is made (with the
standard library's `Field`s) the first time something asks for it, and so is the
signature `dataclasses` writes into a class without a docstring.

Why: `import dataclasses` imports `inspect` (with `ast`, `dis`, `tokenize`, ...), and
`@dataclass` writes and compiles ~6 methods per class in every process: together about
a third of the CPU of `glmlint check Dockerfile` (docs/benchmarks.md). Here a class's
`__init__` comes from a function compiled ahead of time into `glmlint._inits`
(`python -m glmlint.records` writes it; `tests/test_records.py` fails when it is
stale), found by the class's shape (field names, which have a default factory, frozen,
slots, `__post_init__`), and made for the class by passing it the class's own slot
setters, defaults and factories: no source is compiled at run time (a shape not in
`_inits` is compiled once, as `dataclasses` would). A frozen class's `__init__` stores
each field through its slot's setter (or `object.__setattr__` without slots), about a
third faster than `dataclasses`' `object.__setattr__(self, 'name', value)`. The other
methods are shared functions that read the fields with one `operator.attrgetter`.

The options used in glmlint are supported: `frozen`, `slots`, `order`, `eq`, and
`field(default=..., default_factory=..., repr=..., compare=..., hash=...)`; anything
else (inheriting fields from another record, `init=False`, `kw_only`, `InitVar`,
`ClassVar`) is refused with a TypeError rather than done differently.
"""
from __future__ import annotations

import sys
from operator import attrgetter
from typing import Any

__all__ = ["dataclass", "field", "fields", "replace", "is_record", "MISSING"]


class _Missing:
    __slots__ = ()

    def __repr__(self) -> str:
        return "MISSING"


MISSING: Any = _Missing()


class _Factory:
    """The default of an `__init__` argument whose field has a default factory (shown as `<factory>`)."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "<factory>"


_HAS_FACTORY = _Factory()


class Field:
    """What `field()` declares (the standard library's `Field` is made from it on demand)."""

    __slots__ = ("default", "default_factory", "repr", "hash", "compare", "metadata")

    def __init__(self, default: Any, default_factory: Any, repr: bool, hash: bool | None, compare: bool,
                 metadata: Any) -> None:
        self.default = default
        self.default_factory = default_factory
        self.repr = repr
        self.hash = hash
        self.compare = compare
        self.metadata = metadata


def field(*, default: Any = MISSING, default_factory: Any = MISSING, init: bool = True, repr: bool = True,
          hash: bool | None = None, compare: bool = True, metadata: Any = None) -> Any:
    """As `dataclasses.field` (without `init=False` and `kw_only`)."""
    if default is not MISSING and default_factory is not MISSING:
        raise ValueError("cannot specify both default and default_factory")
    if not init:
        raise TypeError("glmlint.records: init=False is not supported")
    return Field(default, default_factory, repr, hash, compare, metadata)


class _Spec:
    """A record class's fields, as its methods and `fields`/`replace` read them."""

    __slots__ = ("cls", "names", "annotations", "defaults", "factories", "repr_names", "compare_names",
                 "hash_names", "fields", "frozen", "slots", "eq", "order", "getter", "repr_getter", "heads",
                 "fieldset", "setters")


def _tuple_getter(names: tuple[str, ...]) -> Any:
    """A function giving `(self.a, self.b, ...)` for `names` (a tuple, also for one name)."""
    if len(names) > 1:
        return attrgetter(*names)
    if len(names) == 1:
        one = attrgetter(names[0])
        return lambda self: (one(self),)
    return lambda self: ()


def _init_text(shape: tuple[Any, ...]) -> str:
    """The source of the function that makes an `__init__` of `shape` (see `_shape`)."""
    names, factories, frozen, slots, post_init = shape
    self_name = "__dataclass_self__" if "self" in names else "self"
    n = len(names)
    setters = [f"_s{i}" for i in range(n)] if frozen and slots else ["_s"] if frozen else []
    params = ["_F", *setters] + [f"_f{i}" for i in factories]
    lines = [f"def __make({', '.join(params)}):",
             f" def __init__({', '.join((self_name,) + names)}):"]
    for i, name in enumerate(names):
        value = f"_f{i}() if {name} is _F else {name}" if i in factories else name
        if frozen:
            lines.append(f"  _s{i}({self_name}, {value})" if slots else f"  _s({self_name}, {name!r}, {value})")
        else:
            lines.append(f"  {self_name}.{name} = {value}")
    if post_init:
        lines.append(f"  {self_name}.__post_init__()")
    if len(lines) == 2:
        lines.append("  pass")
    lines.append(" return __init__")
    return "\n".join(lines) + "\n"


_made: dict[tuple[Any, ...], Any] = {}  # shapes compiled in this process (not in glmlint._inits)


def _maker(shape: tuple[Any, ...]) -> Any:
    try:
        from glmlint._inits import MAKERS
    except ImportError:  # while `python -m glmlint.records` writes it
        MAKERS = {}
    made = MAKERS.get(shape) or _made.get(shape)
    if made is None:
        namespace: dict[str, Any] = {}
        exec(compile(_init_text(shape), "<glmlint.records>", "exec", dont_inherit=True), namespace)
        made = _made[shape] = namespace["__make"]
    return made


def _frozen_error(cls: type, name: str, what: str) -> BaseException:
    from dataclasses import FrozenInstanceError  # only when raised: dataclasses imports inspect

    return FrozenInstanceError(f"cannot {what} field {name!r}")


class _LazyFields:
    """`__dataclass_fields__`, made with the standard library's `Field`s when first asked for."""

    def __init__(self, spec: _Spec) -> None:
        self.spec = spec

    def __get__(self, obj: Any, owner: Any = None) -> Any:
        import dataclasses

        spec = self.spec
        out = {}
        for name in spec.names:
            declared = spec.fields.get(name)
            default = spec.defaults.get(name, dataclasses.MISSING)
            factory = spec.factories.get(name, dataclasses.MISSING)
            if declared is None:
                f = dataclasses.field(default=default)
            else:
                f = dataclasses.field(default=default, default_factory=factory, repr=declared.repr,
                                      hash=declared.hash, compare=declared.compare, metadata=declared.metadata)
            f.name = name
            f.type = spec.annotations[name]
            f._field_type = dataclasses._FIELD  # type: ignore[attr-defined]
            out[name] = f
        type.__setattr__(spec.cls, "__dataclass_fields__", out)
        return out


class _LazyDoc:
    """The docstring `dataclasses` gives a class without one (its signature), made when asked for."""

    def __init__(self, spec: _Spec) -> None:
        self.spec = spec

    def __get__(self, obj: Any, owner: Any = None) -> str:
        spec = self.spec
        parts = []
        for name in spec.names:
            text = f"{name}: {spec.annotations[name]!r}"
            if name in spec.factories:
                text += " = <factory>"
            elif name in spec.defaults:
                text += f" = {spec.defaults[name]!r}"
            parts.append(text)
        return f"{spec.cls.__name__}({', '.join(parts)})"


def dataclass(cls: type | None = None, /, *, init: bool = True, repr: bool = True, eq: bool = True,
              order: bool = False, unsafe_hash: bool = False, frozen: bool = False, slots: bool = False) -> Any:
    """As `dataclasses.dataclass` for the options glmlint uses (see the module's docstring)."""
    if not init or not repr or unsafe_hash:
        raise TypeError("glmlint.records: init=False, repr=False and unsafe_hash are not supported")

    def wrap(c: type) -> type:
        return _process(c, eq, order, frozen, slots)

    return wrap if cls is None else wrap(cls)


def _process(cls: type, eq: bool, order: bool, frozen: bool, slots: bool) -> type:
    if order and not eq:
        raise ValueError("eq must be true if order is true")
    for base in cls.__mro__[1:-1]:
        if "__record__" in base.__dict__ or "__dataclass_fields__" in base.__dict__:
            raise TypeError(f"glmlint.records: {cls.__name__} cannot inherit the fields of {base.__name__}")
    body = cls.__dict__
    annotations = body.get("__annotations__") or {}
    names = tuple(annotations)
    written = "\n".join(map(str, annotations.values()))
    if "ClassVar" in written or "InitVar" in written or "KW_ONLY" in written:
        raise TypeError(f"glmlint.records: ClassVar, InitVar and KW_ONLY fields of {cls.__name__} are not supported")
    defaults: dict[str, Any] = {}
    factories: dict[str, Any] = {}
    declared: dict[str, Field] = {}
    for name in names:
        value = body.get(name, MISSING)
        if value is MISSING:
            if defaults or factories:
                raise TypeError(f"non-default argument {name!r} follows default argument")
        elif value.__class__ is Field:
            declared[name] = value
            if value.default_factory is not MISSING:
                factories[name] = value.default_factory
            elif value.default is not MISSING:
                defaults[name] = value.default
            elif defaults or factories:
                raise TypeError(f"non-default argument {name!r} follows default argument")
        else:
            if value.__class__.__hash__ is None:
                raise ValueError(f"mutable default {type(value)} for field {name} is not allowed: "
                                 "use default_factory")
            defaults[name] = value
    if len(declared) < len(body):
        for key, value in body.items():
            if value.__class__ is Field and key not in annotations:
                raise TypeError(f"{key!r} is a field but has no type annotation")

    spec = _Spec()
    spec.names = names
    spec.annotations = annotations
    spec.defaults = defaults
    spec.factories = factories
    spec.fields = declared
    spec.frozen, spec.slots, spec.eq, spec.order = frozen, slots, eq, order
    if declared:
        spec.repr_names = tuple(n for n in names if n not in declared or declared[n].repr)
        spec.compare_names = tuple(n for n in names if n not in declared or declared[n].compare)
        spec.hash_names = tuple(n for n in names if n not in declared
                                or (declared[n].compare if declared[n].hash is None else declared[n].hash))
    else:
        spec.repr_names = spec.compare_names = spec.hash_names = names
    spec.getter = _tuple_getter(names)
    spec.repr_getter = spec.getter if spec.repr_names == names else _tuple_getter(spec.repr_names)
    spec.heads = tuple([f"{n}=" for n in spec.repr_names])
    spec.fieldset = frozenset(names)

    class_hash = body.get("__hash__", MISSING)
    explicit_hash = not (class_hash is MISSING or (class_hash is None and "__eq__" in body))
    post_init = hasattr(cls, "__post_init__")

    # the methods (all but __init__, which needs the slots' setters), set as the class is made
    methods: dict[str, Any] = {"__repr__": _repr}
    if eq:
        compare = spec.getter if spec.compare_names == names else _tuple_getter(spec.compare_names)
        methods["__eq__"] = _eq(compare)
        if order:
            for op, fn in _order(compare):
                if op in body:
                    raise TypeError(f"Cannot overwrite attribute {op} in class {cls.__name__}. "
                                    "Consider using functools.total_ordering")
                methods[op] = fn
    if frozen:
        for op in ("__setattr__", "__delattr__"):
            if op in body:
                raise TypeError(f"Cannot overwrite attribute {op} in class {cls.__name__}")
        methods["__setattr__"] = _frozen_setattr
        methods["__delattr__"] = _frozen_delattr
    hash_fn: Any = MISSING
    if eq and not explicit_hash:
        hash_fn = _hash(spec.getter if spec.hash_names == names else _tuple_getter(spec.hash_names)) \
            if frozen else None
    if frozen and slots:
        methods["__getstate__"] = _getstate
        methods["__setstate__"] = _setstate
    extra = {"__record__": spec, "__dataclass_fields__": _LazyFields(spec)}
    if not body.get("__doc__"):
        extra["__doc__"] = _LazyDoc(spec)
    if "__match_args__" not in body:
        extra["__match_args__"] = names

    if slots:
        if "__slots__" in body:
            raise TypeError(f"{cls.__name__} already specifies __slots__")
        namespace = dict(body)
        for name in names:
            namespace.pop(name, None)
        namespace.pop("__dict__", None)
        namespace.pop("__weakref__", None)
        namespace["__slots__"] = names
        for key, fn in methods.items():
            if key not in body:
                namespace[key] = fn
        if hash_fn is not MISSING:
            namespace["__hash__"] = hash_fn
        namespace.update(extra)
        qualname = cls.__qualname__
        cls = type(cls)(cls.__name__, cls.__bases__, namespace)
        cls.__qualname__ = qualname
    else:
        for name, f in declared.items():
            if f.default is MISSING:
                delattr(cls, name)
            else:
                type.__setattr__(cls, name, f.default)
        for key, fn in methods.items():
            if key not in body:
                type.__setattr__(cls, key, fn)
        if hash_fn is not MISSING:
            type.__setattr__(cls, "__hash__", hash_fn)
        for key, value in extra.items():
            type.__setattr__(cls, key, value)
    spec.cls = cls

    if frozen and slots:
        setters = [cls.__dict__[n].__set__ for n in names]
        spec.setters = tuple(setters)
    elif frozen:
        setters = [object.__setattr__]
    else:
        setters = []
    if "__init__" not in body:
        shape = (names, tuple([i for i, n in enumerate(names) if n in factories]), frozen, slots, post_init)
        init = _maker(shape)(_HAS_FACTORY, *setters, *[factories[n] for n in names if n in factories])
        if defaults or factories:
            init.__defaults__ = tuple([_HAS_FACTORY if n in factories else defaults[n] for n in names
                                       if n in factories or n in defaults])
        init.__qualname__ = f"{cls.__qualname__}.__init__"
        init.__module__ = cls.__module__
        type.__setattr__(cls, "__init__", init)
    return cls


# The methods every record shares: they read the class's fields from its `__record__`.

_repr_running: set[tuple[int, int]] = set()


def _repr(self: Any) -> str:
    from _thread import get_ident

    key = id(self), get_ident()
    if key in _repr_running:
        return "..."
    _repr_running.add(key)
    try:
        spec = self.__record__
        return (self.__class__.__qualname__ + "("
                + ", ".join([h + repr(v) for h, v in zip(spec.heads, spec.repr_getter(self))]) + ")")
    finally:
        _repr_running.discard(key)


def _frozen_setattr(self: Any, name: str, value: Any) -> None:
    cls = type(self).__record__.cls
    if type(self) is cls or name in cls.__record__.fieldset:
        raise _frozen_error(cls, name, "assign to")
    super(cls, self).__setattr__(name, value)


def _frozen_delattr(self: Any, name: str) -> None:
    cls = type(self).__record__.cls
    if type(self) is cls or name in cls.__record__.fieldset:
        raise _frozen_error(cls, name, "delete")
    super(cls, self).__delattr__(name)


def _getstate(self: Any) -> list[Any]:
    return list(self.__record__.getter(self))


def _setstate(self: Any, state: Any) -> None:
    for set_, value in zip(self.__record__.setters, state):
        set_(self, value)


def _eq(getter: Any) -> Any:
    def __eq__(self: Any, other: Any) -> Any:
        if other.__class__ is self.__class__:
            return getter(self) == getter(other)
        return NotImplemented

    return __eq__


def _hash(getter: Any) -> Any:
    def __hash__(self: Any) -> int:
        return hash(getter(self))

    return __hash__


def _order(getter: Any) -> tuple[tuple[str, Any], ...]:
    def __lt__(self: Any, other: Any) -> Any:
        if other.__class__ is self.__class__:
            return getter(self) < getter(other)
        return NotImplemented

    def __le__(self: Any, other: Any) -> Any:
        if other.__class__ is self.__class__:
            return getter(self) <= getter(other)
        return NotImplemented

    def __gt__(self: Any, other: Any) -> Any:
        if other.__class__ is self.__class__:
            return getter(self) > getter(other)
        return NotImplemented

    def __ge__(self: Any, other: Any) -> Any:
        if other.__class__ is self.__class__:
            return getter(self) >= getter(other)
        return NotImplemented

    return ("__lt__", __lt__), ("__le__", __le__), ("__gt__", __gt__), ("__ge__", __ge__)


def is_record(obj: Any) -> bool:
    """Whether `obj` is an instance of a record class (`dataclasses.is_dataclass` for an instance)."""
    return hasattr(type(obj), "__record__")


def fields(obj: Any) -> tuple[str, ...]:
    """The field names of a record (class or instance), in order (`dataclasses.fields`' names)."""
    return obj.__record__.names


def replace(obj: Any, /, **changes: Any) -> Any:
    """A copy of the record `obj` with `changes` (as `dataclasses.replace`)."""
    cls = obj.__class__
    try:
        names = cls.__record__.names
    except AttributeError:
        raise TypeError("replace() should be called on dataclass instances") from None
    for name in names:
        if name not in changes:
            changes[name] = getattr(obj, name)
    return cls(**changes)


# -- the generated module of `__init__` makers ----------------------------------------------------

_MODULES = ()  # filled by `shapes()`: every glmlint module that defines records


def shapes() -> list[tuple[Any, ...]]:
    """The `__init__` shapes of every record class glmlint defines (all its modules imported)."""
    import importlib
    import pkgutil

    import glmlint

    found: dict[tuple[Any, ...], None] = {}
    for info in pkgutil.walk_packages(glmlint.__path__, "glmlint."):
        if info.name in ("glmlint.__main__", "glmlint.catalog.__main__", "glmlint._inits"):
            continue
        try:
            module = importlib.import_module(info.name)
        except ImportError:  # an optional extra (the language server) not installed
            continue
        for value in list(vars(module).values()):
            spec = getattr(value, "__dict__", {}).get("__record__") if isinstance(value, type) else None
            if spec is not None and spec.cls is value:
                shape = (spec.names, tuple(i for i, n in enumerate(spec.names) if n in spec.factories),
                         spec.frozen, spec.slots, hasattr(value, "__post_init__"))
                found[shape] = None
    return sorted(found, key=repr)


def inits_source() -> str:
    """The text of `glmlint/_inits.py`."""
    out = ['"""The `__init__` of each record class glmlint defines, compiled ahead of time (`glmlint.records`).',
           'Generated by `python -m glmlint.records`: do not edit."""', ""]
    table = []
    for i, shape in enumerate(shapes()):
        out.append(_init_text(shape).replace("def __make(", f"def _m{i}(", 1))
        table.append(f"    {shape!r}: _m{i},")
    out.append("MAKERS = {")
    out.extend(table)
    out.append("}")
    return "\n".join(out) + "\n"


def main() -> int:
    import os

    import glmlint

    path = os.path.join(os.path.dirname(glmlint.__file__), "_inits.py")
    text = inits_source()
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(text)
    print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
