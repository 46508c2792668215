"""Start-up: the methods `@dataclass` writes for glmlint's classes, compiled once and kept.

glmlint's own classes no longer use it: they are `glmlint.records` dataclasses, whose
`__init__`s are compiled ahead of time and which import no `dataclasses` at run time;
nothing imports this module in a run (it stays for code that still declares classes with
the standard library's `@dataclass` in a `glmlint.*` module).

`dataclasses` writes the source of each class's `__init__`, `__repr__`, `__eq__`,
`__hash__`, `__setattr__`... and compiles it with `exec` every time the class is
defined, that is in every process. glmlint defines about 75 dataclasses on a
one-file check (the IR, rules, catalog), and compiling their ~440 methods was
about 45% of the CPU of `glmlint check Dockerfile` after the interpreter's own
start-up (docs/benchmarks.md).

`install()` gives `dataclasses` an `exec` that, for source text it is asked to
run in one of glmlint's modules, runs the code object compiled from exactly
that text, kept from an earlier run in the user's cache directory
(`$XDG_CACHE_HOME/glmlint/`, else `~/.cache/glmlint/`: `compiled.<cache tag>.bin`,
marshal, keyed by the full text). The code is what `exec(text, globals,
locals)` compiles (file name `<string>`, no inherited `__future__` flags), so a
class behaves exactly as without the cache. Any other text, and any text not
seen before, is compiled as usual; text seen for the first time is added to the
file when the process exits, unless Python writes no bytecode
(`PYTHONDONTWRITEBYTECODE`, `-B`) or there is no home directory to keep it in
(a container user without one: nothing is written). A file that cannot be read,
that another user owns, or that holds anything but code is ignored. The file is
per interpreter version (its cache tag, and the bytecode magic number inside
it). Deleting the directory is always safe.
"""# No `from __future__ import annotations` here: `exec` of a string inherits the calling module's
# __future__ flags, and text that is not glmlint's is passed on from this module as it came.
import builtins
import marshal
import os
import sys
from typing import Any

_MAGIC = b"glmlint-dataclass-code-1 "  # then importlib's bytecode magic number, then a newline
_LIMIT = 5000  # entries; past this the file starts over (stale text accumulates as classes change)

_cache: dict[str, Any] = {}
_new = 0
_installed = False


def _path() -> str | None:
    tag = sys.implementation.cache_tag
    if tag is None:
        return None
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    if not os.path.isabs(base):
        return None
    return os.path.join(base, "glmlint", f"compiled.{tag}.bin")


def _magic() -> bytes:
    from importlib.util import MAGIC_NUMBER

    return _MAGIC + MAGIC_NUMBER + b"\n"


def _load(path: str) -> dict[str, Any]:
    try:
        with open(path, "rb") as fh:
            if hasattr(os, "getuid") and os.fstat(fh.fileno()).st_uid != os.getuid():
                return {}  # code another user could have written is not run
            data = fh.read()
    except OSError:
        return {}
    head = _magic()
    if not data.startswith(head):
        return {}
    try:
        table = marshal.loads(data[len(head):])
    except (EOFError, ValueError, TypeError):
        return {}
    code_type = type(_load.__code__)
    if not isinstance(table, dict):
        return {}
    return {k: v for k, v in table.items() if isinstance(k, str) and isinstance(v, code_type)}


def _ours(globals_: Any) -> bool:
    if not isinstance(globals_, dict):
        return False
    name = globals_.get("__name__")
    return isinstance(name, str) and (name == "glmlint" or name.startswith("glmlint."))


def _exec(source: Any, globals_: Any = None, locals_: Any = None, /, **kwargs: Any) -> None:
    """`exec` as `dataclasses` calls it; glmlint's method source runs from the kept code."""
    global _new
    if kwargs or not isinstance(source, str) or not _ours(globals_):
        return builtins.exec(source, globals_, locals_, **kwargs)
    code = _cache.get(source)
    if code is None:
        # what exec(source, ...) compiles: file name "<string>", no __future__ flags of this module
        code = compile(source, "<string>", "exec", dont_inherit=True)
        _cache[source] = code
        _new += 1
    return builtins.exec(code, globals_, locals_)


def _save() -> None:
    if not _new or sys.dont_write_bytecode:
        return
    path = _path()
    if path is None:
        return
    table = dict(_load(path))
    if len(table) + _new > _LIMIT:
        table = {}
    table.update(_cache)
    directory = os.path.dirname(path)
    if not os.path.isdir(os.path.dirname(os.path.dirname(directory))):
        return  # no home (or XDG_CACHE_HOME's parent): nowhere to keep it, and nothing is created
    tmp = f"{path}.{os.getpid()}.tmp"
    try:
        os.makedirs(directory, mode=0o700, exist_ok=True)
        with open(tmp, "wb") as fh:
            fh.write(_magic() + marshal.dumps(table))
        os.replace(tmp, path)  # readers see the old file or the new one, never a part
    except OSError:
        try:
            os.unlink(tmp)
        except OSError:
            pass


def install() -> None:
    """Route `dataclasses`' compiling through the kept code (once per process)."""
    global _installed
    if _installed:
        return
    _installed = True
    import atexit
    import dataclasses

    path = _path()
    if path is not None:
        _cache.update(_load(path))
    dataclasses.exec = _exec  # type: ignore[attr-defined]  # a module global shadows the builtin there
    atexit.register(_save)


install()
