"""Variable interpolation as Compose (compose-go's `template` package) and the shell do it.

`interpolate(text, env)` reads a value the way it will be read when the file is used:

- `$$` is a literal `$` (Compose's escape);
- `${VAR:-default}` is the default when `VAR` is unset or empty, `${VAR-default}` when
  it is unset; the default may hold further expansions (`${A:-${B:-x}}`);
- `$VAR`, `${VAR}`, `${VAR:?err}`, `${VAR?err}`, `${VAR:+alt}`, `${VAR+alt}` are
  taken from `env` (the `.env` file Compose reads) and are unknown otherwise.

Without `env`, a variable is taken to be unset (the common case: a default exists
for when nobody sets it), so only a default can make a value known. The result says
which variables were read through their default, so a finding can say "when `VAR`
is unset". A value with any unknown part is unknown as a whole (None).

`read_dotenv(text)` reads a `.env` file as compose-go's dotenv parser does: `KEY=VALUE`
lines, an optional `export ` prefix, `#` comments (inline after an unquoted value only
when preceded by a blank), single quotes literal, double quotes with `\\n`/`\\"`
escapes, and `${VAR}` in unquoted and double-quoted values expanded from the lines
above.
"""
from __future__ import annotations

import re

from glmlint.records import dataclass

_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


@dataclass(frozen=True, slots=True)
class Interpolated:
    """A value after interpolation: its text, and the variables read through their defaults."""

    text: str
    defaulted: tuple[str, ...] = ()
    from_env: tuple[str, ...] = ()  # variables whose value came from `env` (the .env file)


class _Unknown(Exception):
    pass


def interpolate(text: str, env: dict[str, str] | None = None, shell: bool = False) -> Interpolated | None:
    """`text` as Compose reads it, or None when a part of it cannot be known.

    `shell`: as a POSIX shell expands a word, where `$$` is the shell's process id (unknown),
    not an escape."""
    if "$" not in text:
        return Interpolated(text)
    if shell and "$$" in text:
        return None
    defaulted: list[str] = []
    used: list[str] = []
    try:
        out = _expand(text, env or {}, defaulted, used, 0)
    except _Unknown:
        return None
    return Interpolated(out, tuple(dict.fromkeys(defaulted)), tuple(dict.fromkeys(used)))


def _expand(text: str, env: dict[str, str], defaulted: list[str], used: list[str], depth: int) -> str:
    if depth > 8:
        raise _Unknown
    out: list[str] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch != "$":
            out.append(ch)
            i += 1
            continue
        nxt = text[i + 1] if i + 1 < n else ""
        if nxt == "$":
            out.append("$")
            i += 2
            continue
        if nxt == "{":
            end = _closing(text, i + 2)
            if end < 0:
                raise _Unknown  # Compose refuses it ("invalid interpolation format")
            out.append(_braced(text[i + 2:end], env, defaulted, used, depth))
            i = end + 1
            continue
        m = _NAME.match(text, i + 1)
        if m is None:
            out.append("$")  # a lone `$` stays as written
            i += 1
            continue
        name = m.group(0)
        if name not in env:
            raise _Unknown
        used.append(name)
        out.append(env[name])
        i = m.end()
    return "".join(out)


def _closing(text: str, start: int) -> int:
    """Index of the `}` that closes a `${` whose body starts at `start` (nested `${...}` skipped)."""
    depth = 1
    i = start
    while i < len(text):
        if text.startswith("${", i):
            depth += 1
            i += 2
            continue
        if text[i] == "}":
            depth -= 1
            if depth == 0:
                return i
        i += 1
    return -1


def _braced(body: str, env: dict[str, str], defaulted: list[str], used: list[str], depth: int) -> str:
    m = _NAME.match(body)
    if m is None:
        raise _Unknown
    name, rest = m.group(0), body[m.end():]
    value = env.get(name)
    if value is not None:
        used.append(name)
    if rest == "":
        if value is None:
            raise _Unknown
        return value
    for op in (":-", "-", ":?", "?", ":+", "+"):
        if rest.startswith(op):
            word = rest[len(op):]
            break
    else:
        raise _Unknown  # `${VAR/x/y}` and other shell forms Compose refuses
    unset = value is None
    empty = unset or value == ""
    if op in (":-", "-"):
        if unset or (op == ":-" and empty):
            defaulted.append(name)
            return _expand(word, env, defaulted, used, depth + 1)
        return value  # type: ignore[return-value]
    if op in (":?", "?"):
        if unset or (op == ":?" and empty):
            raise _Unknown  # Compose stops with the error message
        return value  # type: ignore[return-value]
    # `:+` / `+`: the alternative when set; unknown when not known to be set
    if unset:
        raise _Unknown
    if op == ":+" and empty:
        return ""
    return _expand(word, env, defaulted, used, depth + 1)


_LINE = re.compile(r"^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_.-]*)\s*[=:]\s?(.*)$")


def read_dotenv(text: str) -> dict[str, str]:
    """The variables a `.env` file sets (later lines win), as compose-go's dotenv reads them."""
    env: dict[str, str] = {}
    lines = text.replace("\r\n", "\n").split("\n")
    i = 0
    while i < len(lines):
        line = lines[i]
        i += 1
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        m = _LINE.match(line)
        if m is None:
            continue
        key, raw = m.group(1), m.group(2).strip()
        if raw[:1] in ("'", '"'):
            quote = raw[0]
            body = raw[1:]
            # a quoted value may span lines
            while _unclosed(body, quote) and i < len(lines):
                body += "\n" + lines[i]
                i += 1
            end = _quote_end(body, quote)
            value = body[:end] if end >= 0 else body
            if quote == '"':
                value = value.replace("\\n", "\n").replace('\\"', '"').replace("\\\\", "\\")
                value = _expand_known(value, env)
            env[key] = value
            continue
        value = re.split(r"\s#", raw, maxsplit=1)[0].strip()
        env[key] = _expand_known(value, env)
    return env


def _quote_end(body: str, quote: str) -> int:
    i = 0
    while i < len(body):
        if body[i] == "\\" and quote == '"':
            i += 2
            continue
        if body[i] == quote:
            return i
        i += 1
    return -1


def _unclosed(body: str, quote: str) -> bool:
    return _quote_end(body, quote) < 0


def _expand_known(value: str, env: dict[str, str]) -> str:
    """`${VAR}` in a .env value from the lines above; left as written when unknown."""
    if "$" not in value:
        return value
    found = interpolate(value, env)
    return found.text if found is not None else value
