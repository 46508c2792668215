"""A Dev Container's `devcontainer.json` -> IR: the `docker run` its tools start the container with.

The Dev Containers CLI (and VS Code, Codespaces) starts a container from an `image` or a `build`
Dockerfile with `docker run`, its arguments made from the file (devcontainers/cli
`src/spec-node/singleContainer.ts` `spawnDevContainer`, at f683c29): `appPort` as `-p` (a number
on `127.0.0.1` only), `workspaceMount` and `mounts` as `--mount`, `containerEnv` as `-e`,
`containerUser` as `-u`, then `runArgs` word for word, then `privileged`, `capAdd` and
`securityOpt`, and `--entrypoint /bin/sh` (a loop that keeps it running) unless
`overrideCommand` is false. Those words are read as any `docker run` line is
(`glmlint.parsers.dockerrun`), each located at the JSON value that gives it. A configuration
that starts from `dockerComposeFile` runs the Compose service, which is read as Compose's; the CLI
adds its merged `privileged`, `capAdd`, `securityOpt`, mounts, `containerEnv` and `containerUser`
(the features' too) to that service in an override file (src/spec-node/dockerCompose.ts), and those
(not `runArgs`, `appPort`) are read here as a workload of their own.

The `features` it names may add container options of their own (their devcontainer-feature.json's
`privileged`, `capAdd`, `securityOpt`, `mounts`), which the CLI merges with the file's
(`mergeConfiguration`, src/spec-node/imageMetadata.ts): those of the widely used features are
data (`linter/catalog/features.yaml`, with sources), added located at the feature's key.

The lifecycle commands the CLI runs in the container are read as shell (`runLifecycleCommand`):
`onCreateCommand`, `updateContentCommand` and `postCreateCommand` as build steps, `postStartCommand`
and `postAttachCommand` as what it starts; `initializeCommand` runs on the host: a `docker run` there
is a container of its own.

The file is JSONC (comments and trailing commas allowed). The CLI, an unlisted feature and the
image's own metadata label add options the file does not show (podman's `--security-opt`), so
what is absent here is not known absent: the workload is partial. No fix is offered: the
arguments are JSON strings, not a command line.
"""
from __future__ import annotations

import functools
import json
import re
from bisect import bisect_right
from collections.abc import Callable
from typing import Any, NamedTuple

from glmlint.ir import Command, Format, Loc, SourceFile, Word

_NUMBER = re.compile(r"-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?")
JSON_STRING = re.compile(  # a JSON string token (notebook.py reads its cells' text with it too)
    r'"(?:[^"\\\n]|\\.)*"')
_BLANK = re.compile(r"(?:\s+|//[^\n]*|/\*.*?\*/)*", re.S)
_LITERALS = {"true": True, "false": False, "null": None}


class _Bad(Exception):
    """Not JSONC the CLI would read."""


class _Node:
    """A JSON value and the offset of its first character."""

    __slots__ = ("value", "at")

    def __init__(self, value: Any, at: int) -> None:
        self.value = value  # dict[str, tuple[int, _Node]] (key offset, value), list[_Node], or a scalar
        self.at = at


class _Reader:
    def __init__(self, text: str) -> None:
        self.text = text
        self.i = 0

    def blank(self) -> None:
        m = _BLANK.match(self.text, self.i)
        self.i = m.end() if m else self.i

    def value(self, depth: int = 0) -> _Node:
        if depth > 64:
            raise _Bad("nested too deep")
        self.blank()
        t, at = self.text, self.i
        if at >= len(t):
            raise _Bad("unexpected end")
        c = t[at]
        if c == "{":
            return self.members(depth)
        if c == "[":
            return self.items(depth)
        if c == '"':
            return _Node(self.string(), at)
        for word, value in _LITERALS.items():
            if t.startswith(word, at):
                self.i = at + len(word)
                return _Node(value, at)
        m = _NUMBER.match(t, at)
        if m is None:
            raise _Bad(f"unexpected {c!r}")
        self.i = m.end()
        return _Node(json.loads(m.group()), at)

    def string(self) -> str:
        m = JSON_STRING.match(self.text, self.i)
        if m is None:
            raise _Bad("bad string")
        self.i = m.end()
        try:
            return str(json.loads(m.group()))
        except ValueError:
            raise _Bad("bad string") from None

    def members(self, depth: int) -> _Node:
        at = self.i
        self.i += 1
        out: dict[str, tuple[int, _Node]] = {}
        while True:
            self.blank()
            if self.text.startswith("}", self.i):
                self.i += 1
                return _Node(out, at)
            key_at = self.i
            if not self.text.startswith('"', key_at):
                raise _Bad("expected a key")
            key = self.string()
            self.blank()
            if not self.text.startswith(":", self.i):
                raise _Bad("expected `:`")
            self.i += 1
            out[key] = (key_at, self.value(depth + 1))  # a repeated key: the last one, as JSON.parse
            self.blank()
            if self.text.startswith(",", self.i):
                self.i += 1
            elif not self.text.startswith("}", self.i):
                raise _Bad("expected `,` or `}`")

    def items(self, depth: int) -> _Node:
        at = self.i
        self.i += 1
        out: list[_Node] = []
        while True:
            self.blank()
            if self.text.startswith("]", self.i):
                self.i += 1
                return _Node(out, at)
            out.append(self.value(depth + 1))
            self.blank()
            if self.text.startswith(",", self.i):
                self.i += 1
            elif not self.text.startswith("]", self.i):
                raise _Bad("expected `,` or `]`")


def read(text: str) -> _Node | None:
    """The JSONC document, None when it is not one."""
    reader = _Reader(text.lstrip("\ufeff"))
    try:
        doc = reader.value()
        reader.blank()
    except (_Bad, RecursionError):
        return None
    return doc if reader.i == len(reader.text) else None


def parse(path: str, text: str) -> SourceFile | None:
    """The container the file's tools start: from its image or Dockerfile, or, for a Compose-based
    configuration, what the CLI adds to its service (a partial workload: the service's own settings
    are the Compose file's); none for a template's fragment or a features-only file; None when the
    file is not JSONC."""
    from glmlint import records
    from glmlint.parsers.dockerrun import lift

    doc = read(text)
    if doc is None or not isinstance(doc.value, dict):
        return None
    source = SourceFile(path=path, format=Format.DOCKER_RUN, text=text)
    source.json = True  # no fix: the arguments are JSON strings
    top: dict[str, tuple[int, _Node]] = doc.value
    compose = top.get("dockerComposeFile")
    starts = [0] + [m.end() for m in re.finditer("\n", text)]
    bom = len(text) - len(text.lstrip("\ufeff"))  # `read`'s offsets are past a byte order mark

    def loc(offset: int) -> Loc:
        offset += bom
        line = bisect_right(starts, offset)
        return Loc(line, offset - starts[line - 1] + 1)

    def word(value: str, offset: int) -> Word:
        return Word(value, loc(offset), "$" in value)

    def get(key: str) -> tuple[int, _Node] | None:
        return top.get(key)

    # `initializeCommand` runs on the host before the container is made (containers.dev JSON reference,
    # "initializeCommand": run on the host machine at each creation and start): a `docker run` there starts a
    # container beside the dev container, read as any `docker run` line
    init = get("initializeCommand")
    if init is not None:
        source.workloads.extend(w for c in _hook(init[1], text[bom:], loc) if (w := lift(c, path)) is not None)

    image = get("image")
    build = get("build") or get("dockerFile")
    if compose is not None:
        # the CLI adds its options to the Compose service in an override file (dockerCompose.ts)
        image_word = Word("devcontainer", loc(compose[0]))
        built = True
    elif image is not None and isinstance(image[1].value, str) and image[1].value:
        image_word = word(image[1].value, image[1].at)
        built = False
    elif build is not None:
        image_word = Word("devcontainer", loc(build[0]))
        built = True
    else:
        return source  # no container of its own (a template's fragment, a features-only file)
    words: list[Word] = []
    app = get("appPort") if compose is None else None
    if app is not None:
        for port in app[1].value if isinstance(app[1].value, list) else [app[1]]:
            if isinstance(port.value, bool):
                continue
            if isinstance(port.value, (int, float)):
                words += [word("-p", port.at), word(f"127.0.0.1:{port.value}:{port.value}", port.at)]
            elif isinstance(port.value, str):
                words += [word("-p", port.at), word(port.value, port.at)]
    mount = get("workspaceMount") if compose is None else None
    if mount is not None and isinstance(mount[1].value, str) and mount[1].value:
        words += [word("--mount", mount[1].at), word(mount[1].value, mount[1].at)]
    added = _added(get("features"))
    mounts = get("mounts")
    specs = [(spec, at) for spec, at in ((_mount_spec(m), m.at) for m in (
        mounts[1].value if mounts is not None and isinstance(mounts[1].value, list) else ())) if spec is not None]
    specs = [(spec, at) for spec, at in added.mounts] + specs
    targets = [_target(spec) for spec, _at in specs]
    for i, (spec, at) in enumerate(specs):
        if targets[i] is None or targets[i] not in targets[i + 1:]:  # a later mount on the same target wins
            words += [word("--mount", at), word(spec, at)]
    env = get("containerEnv")
    if env is not None and isinstance(env[1].value, dict):
        for name, (key_at, value) in env[1].value.items():
            if isinstance(value.value, str):
                words += [word("-e", key_at), word(f"{name}={value.value}", value.at)]
    user = get("containerUser")
    if user is not None and isinstance(user[1].value, str) and user[1].value:
        words += [word("-u", user[0]), word(user[1].value, user[1].at)]
    run_args = get("runArgs") if compose is None else None
    for arg in run_args[1].value if run_args is not None and isinstance(run_args[1].value, list) else ():
        if isinstance(arg.value, str):
            words.append(word(arg.value, arg.at))
    words += [word("--privileged", at) for at in added.privileged]
    privileged = get("privileged")
    if privileged is not None and privileged[1].value is True:
        words.append(word("--privileged", privileged[0]))
    for flag, values in (("--cap-add", added.cap_add), ("--security-opt", added.security_opt)):
        for value, at in values:
            words += [word(flag, at), word(value, at)]
    for key, flag in (("capAdd", "--cap-add"), ("securityOpt", "--security-opt")):
        listed = get(key)
        for item in listed[1].value if listed is not None and isinstance(listed[1].value, list) else ():
            if isinstance(item.value, str):
                words += [word(flag, item.at), word(item.value, item.at)]
    override = get("overrideCommand")
    if compose is None and (override is None or override[1].value is not False):
        words += [word("--entrypoint", doc.at), word("/bin/sh", doc.at)]  # the CLI's keep-alive loop
    plain = text[bom:]
    created = [c for key in _ON_CREATE if (node := get(key)) is not None for c in _hook(node[1], plain, loc)]
    started = [c for key in _ON_START if (node := get(key)) is not None for c in _hook(node[1], plain, loc)]
    if compose is not None and not words and not created and not started:
        return source  # the service is the Compose file's, which is read as such
    anchor = loc(run_args[0]) if run_args is not None else image_word.loc
    argv = (Word("docker", anchor), Word("run", anchor), *words, image_word)
    w = lift(Command(argv, anchor), path)
    if w is None:
        return source
    name_node = get("name")
    name = name_node[1].value if name_node is not None and isinstance(name_node[1].value, str) else ""
    label = f"dev container `{name}`" if name else "the dev container"
    service = get("service")
    if compose is not None and service is not None and isinstance(service[1].value, str):
        label += f" (Compose service `{service[1].value}`)"
    extra: dict[str, Any] = {}
    if created or started:
        from glmlint.shell import file_writes

        extra = {"build_steps": (*w.build_steps, *created), "all_build_steps": (*w.all_build_steps, *created),
                 "process": (*w.process, *started),
                 "files": (*w.files, *file_writes((*created, *started), image=None if built else w.image.value))}
    source.workloads.append(records.replace(w, name=name or "devcontainer", label=label, partial=True,
                                            pulls=() if built else tuple(
                                                records.replace(p, owner=label) for p in w.pulls), **extra))
    return source


# The lifecycle commands the CLI runs in the container (devcontainers/cli src/spec-common/
# injectHeadless.ts `runLifecycleCommand` at f683c29: a string with `/bin/sh -c`, an array as the
# program and its arguments, an object's values in parallel). Those run once when it is created
# change it as a build does; those run at each start or attach start what it serves.
# (`initializeCommand` runs on the host, not in the container.)
_ON_CREATE = ("onCreateCommand", "updateContentCommand", "postCreateCommand")
_ON_START = ("postStartCommand", "postAttachCommand")


def _hook(node: _Node, text: str, loc: Callable[[int], Loc]) -> list[Command]:
    """The commands a lifecycle hook runs, located in the file: a string's words at their columns
    when the JSON string holds no escape (else at the string), an array's at their items."""
    from glmlint.shell import from_argv, parse_script

    value = node.value
    if isinstance(value, dict):
        return [c for _key, (_at, item) in value.items() for c in _hook(item, text, loc)]
    if isinstance(value, list):
        words = [Word(i.value, loc(i.at), "$" in i.value) for i in value if isinstance(i.value, str)]
        return from_argv(words, loc(node.at)) if len(words) == len(value) else []
    if not isinstance(value, str):
        return []
    at = loc(node.at)
    raw = json.dumps(value, ensure_ascii=False)
    exact = "\\" not in raw and text.startswith(raw, node.at)  # no escape: each character where it is written
    return parse_script(value, (lambda r, c: Loc(at.line, at.col + 1 + c)) if exact else (lambda r, c: at), 0, "sh")


def _mount_spec(node: _Node) -> str | None:
    """A `mounts` entry as the `--mount` value the CLI passes: a string as written, an object as
    `type=…,src=…,dst=…` (devcontainers/cli `generateMountCommand`, src/spec-node/dockerfileUtils.ts)."""
    if isinstance(node.value, str):
        return node.value or None
    if not isinstance(node.value, dict):
        return None
    fields = {k: v.value for k, (_at, v) in node.value.items() if isinstance(v.value, str)}
    if not fields.get("type") or "target" not in fields:
        return None  # `type=undefined`: the engine refuses it
    source = f"src={fields['source']}," if fields.get("source") else ""
    return f"type={fields['type']},{source}dst={fields['target']}"


def _target(spec: str) -> str | None:
    """The container path of a `mounts` string, which the Dev Containers CLI keeps one mount for
    (`mergeMounts`), read as that CLI reads it, not as Docker does (`dockerrun.mount_fields`):
    devcontainers/cli `parseMount` (src/spec-configuration/containerFeaturesConfiguration.ts) splits
    on `,` then `=`, takes the text up to the next `=` as the value, keys as written (case
    sensitive, blanks kept) with `dst`/`destination` as `target`, a later field over an earlier one."""
    target: str | None = None
    for field in spec.split(","):
        key, *values = field.split("=")
        if key in ("target", "dst", "destination"):
            target = values[0] if values else None
    return target


class _Added(NamedTuple):
    """The container options the listed features add, each with the offset of the feature's key."""

    privileged: list[int]
    cap_add: list[tuple[str, int]]
    security_opt: list[tuple[str, int]]
    mounts: list[tuple[str, int]]


@functools.lru_cache(maxsize=1)
def _catalog() -> dict[str, tuple[dict[str, Any], str | None]]:
    """Each feature of `features.yaml` by its OCI reference and by each legacy short id (the CLI
    maps a short id onto the reference at `:1`), with the tag that reference implies."""
    from glmlint.catalog import load_data

    table: dict[str, tuple[dict[str, Any], str | None]] = {}
    for entry in load_data("features.yaml")["features"]:
        table[entry["id"]] = (entry, None)
        for short in entry.get("legacy") or ():
            table[short] = (entry, "1")
    return table


def _version(text: str) -> tuple[float, ...] | None:
    """A tag as the newest release it may stand for (`1` -> 1.inf.inf, `1.6` -> 1.6.inf); None
    when it names no release order (a tag that is not a version)."""
    if text == "latest":
        return (float("inf"),) * 3
    parts = text.split(".")
    if not 1 <= len(parts) <= 3 or not all(p.isdigit() for p in parts):
        return None
    return tuple(float(p) for p in parts) + (float("inf"),) * (3 - len(parts))


def _has(fact: Any, version: tuple[float, ...] | None) -> str | None:
    """The value of a fact (`x`, or `{value: x, since: 1.6.1}`) that the release `version` has."""
    if not isinstance(fact, dict):
        return str(fact)
    since = _version(str(fact["since"]))
    return str(fact["value"]) if version is not None and since is not None and version >= since else None


def _added(features: tuple[int, _Node] | None) -> _Added:
    """The container options of the `features` the catalog knows, in the file's order."""
    added = _Added([], [], [], [])
    if features is None or not isinstance(features[1].value, dict):
        return added
    table = _catalog()
    for ref, (at, _options) in features[1].value.items():
        name, tag = ref.strip(), None
        if "@" in name:
            name, tag = name.split("@", 1)[0], ""  # a digest: which release is not known
        elif ":" in name.rsplit("/", 1)[-1]:
            name, tag = name.rsplit(":", 1)
        known = table.get(name)
        if known is None:
            continue
        entry, implied = known
        version = _version(tag if tag is not None else implied or "latest")
        if entry.get("privileged") is True:
            added.privileged.append(at)
        for key, out in (("cap_add", added.cap_add), ("security_opt", added.security_opt)):
            out += [(value, at) for value in (_has(f, version) for f in entry.get(key) or ()) if value]
        for mount in entry.get("mounts") or ():
            added.mounts.append((f"type={mount['type']},src={mount['source']},dst={mount['target']}", at))
    return added
