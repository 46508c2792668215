"""`glmlint check`'s command line read without click, for the ordinary case (issue 12: click is ~10 ms
of a one-file check's CPU, ~20 ms with what it imports).

`check_params(args)` gives the keyword arguments click would give the `check` command
(`glmlint.commands.check`) for the arguments after `check`, or None whenever the command
line is anything but plain: an unknown option, `-h`/`--help`, `--`, joined short options
(`-j4`), a value that starts with `-` or that click would refuse (a choice not offered, a size
or count it cannot read, a path option naming a directory or a file it may not read or
write), shell completion. With None the caller goes through click, which then parses the
same command line, so its errors, help and corner cases stay click's. `tests/test_argv.py`
checks this table against the click command's declared options and compares the two
parsers on generated command lines.
"""
from __future__ import annotations

import os
from typing import Any

# dest: (option names, kind, default); kind: "str", "multi", "flag" (True when given), "pair"
# (True/False for the on/off names), "choice:a|b", "path", "path-file", "path-file-w", "multi-path-file",
# "count" (an integer >= 0), "size" (bytes), "reports" (FORMAT:PATH, repeatable)
OPTIONS: dict[str, tuple[tuple[str, ...], str, Any]] = {
    "reports": (("--report",), "reports", ()),
    "fmt": (("--format",), "choice:text|json|sarif|github|gitlab|junit", "text"),
    "output": (("-o", "--output"), "path-file-w", None),
    "fail_on": (("--fail-on",), "choice:error|warning|never", None),
    "select": (("--select",), "multi", ()),
    "ignore": (("--ignore",), "multi", ()),
    "extend_select": (("--extend-select",), "multi", ()),
    "config_path": (("--config",), "path-file", None),
    "stdin_filename": (("--stdin-filename",), "str", None),
    "baseline": (("--baseline",), "path-file", None),
    "write_baseline": (("--write-baseline",), "path-file-w", None),
    "report_unused_ignores": (("--report-unused-ignores",), "flag", False),
    "sarif_category": (("--sarif-category",), "str", None),
    "color": (("--color", "--no-color"), "pair", None),
    "sort": (("--sort",), "choice:severity|path", "severity"),
    "jobs": (("-j", "--jobs"), "count", 0),
    "max_file_size": (("--max-file-size",), "size", "5M"),
    "values": (("--values", "-f"), "multi-path-file", ()),
    "sets": (("--set",), "multi", ()),
    "render": (("--render", "--no-render"), "pair", None),
    "profile": (("--profile",), "str", None),
    "pss_version": (("--pss-version",), "str", None),
    "pss_namespaces": (("--pss-namespaces",), "flag", None),
}

_BY_NAME = {name: (dest, i) for dest, (names, _, _) in OPTIONS.items() for i, name in enumerate(names)}


def check_params(args: list[str]) -> dict[str, Any] | None:
    """The `check` command's keyword arguments for `args` (what follows `check`), or None: ask click."""
    if "_GLMLINT_COMPLETE" in os.environ:  # shell completion is click's
        return None
    given: dict[str, Any] = {}
    paths: list[str] = []
    i = 0
    while i < len(args):
        arg = args[i]
        i += 1
        if arg == "-" or not arg.startswith("-"):
            paths.append(arg)
            continue
        name, eq, attached = arg.partition("=")
        if not name.startswith("--"):
            eq = ""  # `-o=x` is `-o` with the value `=x` to click: not ordinary
            name = arg
        hit = _BY_NAME.get(name)
        if hit is None:
            return None
        dest, which = hit
        kind = OPTIONS[dest][1]
        if kind in ("flag", "pair"):
            if eq:
                return None
            given[dest] = True if kind == "flag" else which == 0
            continue
        if eq:
            value = attached
        else:
            if i >= len(args):
                return None
            value = args[i]
            i += 1
        if value.startswith("-"):
            return None
        if kind in ("multi", "multi-path-file", "reports"):
            given.setdefault(dest, []).append(value)
        else:
            given[dest] = value
    out: dict[str, Any] = {"paths": tuple(paths)}
    for dest, (_, kind, default) in OPTIONS.items():
        value = given.get(dest, default)
        converted = _convert(kind, value) if dest in given or kind in ("size", "reports") else value
        if converted is _REFUSED:
            return None
        out[dest] = converted
    for path in paths:
        if _path(path, dir_okay=True, writable=False) is _REFUSED:
            return None
    return out


_REFUSED = object()


def _convert(kind: str, value: Any) -> Any:
    if kind.startswith("choice:"):
        return value if value in kind[len("choice:"):].split("|") else _REFUSED
    if kind in ("str", "flag", "pair"):
        return value
    if kind == "multi":
        return tuple(value)
    if kind == "count":
        return int(value) if value.isdigit() and value.isascii() else _REFUSED
    if kind == "size":
        from glmlint.checking import parse_size

        size = parse_size(value)
        return _REFUSED if size is None else size
    if kind == "reports":
        from glmlint.checking import parse_report

        parsed = [parse_report(v) for v in value]
        return _REFUSED if None in parsed else parsed
    if kind == "multi-path-file":
        return _REFUSED if any(_path(v, dir_okay=False, writable=False) is _REFUSED for v in value) else tuple(value)
    return _path(value, dir_okay=False, writable=kind == "path-file-w")


def _path(value: str, dir_okay: bool, writable: bool) -> Any:
    """`click.Path(dir_okay=..., writable=...)` (readable, need not exist): the value, or refused."""
    import stat

    try:
        st = os.stat(value)
    except OSError:
        return value
    except ValueError:  # an embedded NUL: what click does with it is click's
        return _REFUSED
    if not dir_okay and stat.S_ISDIR(st.st_mode):
        return _REFUSED
    if not os.access(value, os.R_OK) or (writable and not os.access(value, os.W_OK)):
        return _REFUSED
    return value
