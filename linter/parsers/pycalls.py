"""Python scripts -> IR: the `docker run` / `podman run` command lines they start through a subprocess.

ML teams start containers from Python as often as from shell: a launcher or a test harness calls
`subprocess.run(["docker", "run", "--gpus", "all", "-p", "8000:8000", image])`, or hands a command
line to a shell with `os.system("docker run ...")`. Those are read here, with Python's own parser
(`ast`), in the forms that run a program (Python 3.13 library reference, `subprocess` and `os`):

- an argument list, the program its first item: `subprocess.run`/`call`/`check_call`/`check_output`/
  `Popen` (by any name the file imports them as: `import subprocess as sp`, `from subprocess import
  run`) and `asyncio.create_subprocess_exec(program, *args)` (its positional arguments);
- a command line run by `/bin/sh -c`: `os.system(...)`, `os.popen(...)`, `subprocess.getoutput`/
  `getstatusoutput`, `asyncio.create_subprocess_shell`, and the `subprocess` calls above given a
  string with `shell=True`, parsed with the shell parser (`glmlint.shell`).

Each string item is one word, located at its literal; a name the function or module assigns a string
once (`IMAGE = "vllm/vllm-openai:v0.6.3"`) is that string; an f-string is its text with each field a
value not known here (`{port}` as `${port}`), and so is any other item (a name, a call: `dynamic`);
a `*args` item may hold more options, which makes the workload partial (what it lacks is not known
absent). A list built elsewhere (`cmd = [...]; subprocess.run(cmd)`) is read when the name is
assigned a literal list once in the same function or module body and never appended to;
`shlex.split("docker run ...")` gives the words a shell would, `"docker run ...".split()` those between
runs of whitespace (`str.split`: no quoting, no expansion). A command line string (a literal, an
f-string, a `+` of them, or a name assigned one once: `cmd = "docker run ..."; os.system(cmd)`) has each
character located in its literal. The words are then read as any
`docker run` line is (`glmlint.parsers.dockerrun.lift`). No fix is offered: the words are Python
string literals, not a command line.
"""
from __future__ import annotations

import ast
import re
from collections.abc import Callable
from typing import Any

from glmlint.ir import Command, Format, Loc, SourceFile, Word, Workload

_ARGV_CALLS = {"run", "call", "check_call", "check_output", "Popen"}  # subprocess's, an argument list
_SHELL_CALLS = {("os", "system"), ("os", "popen"), ("subprocess", "getoutput"), ("subprocess", "getstatusoutput"),
                ("asyncio", "create_subprocess_shell")}


class _Lines:
    """Columns of `ast`'s UTF-8 byte offsets as characters (1-based), per line."""

    def __init__(self, text: str, place: Callable[[Loc], Loc] | None = None) -> None:
        self.text = text
        self.lines = text.split("\n")
        self.place = place  # where a position of `text` is in the file (a notebook's cells), else itself

    def loc(self, node: Any) -> Loc:
        at = self._loc(node)
        return self.place(at) if self.place is not None else at

    def _loc(self, node: Any) -> Loc:
        line = self.lines[node.lineno - 1] if node.lineno - 1 < len(self.lines) else ""
        return Loc(node.lineno, len(line.encode("utf-8")[:node.col_offset].decode("utf-8", "replace")) + 1)

    def render(self, node: Any, known: dict[str, Any] | None = None) -> tuple[str, list[Loc], bool] | None:
        """A string expression as text: a literal, an f-string (`{x}` written `${x}`), or a `+` of
        strings and other values (written `${name}`; a name `known` has assigned a string once is that
        string); each character located; whether any part is not known here. None when no part is a
        string."""
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
            if known:
                node = ast.BinOp(_resolved(node.left, known), node.op, _resolved(node.right, known))
            left, right = self.render(node.left, known), self.render(node.right, known)
            if left is None and right is None:
                return None
            parts = [p if p is not None else self._unknown(n) for p, n in ((left, node.left), (right, node.right))]
            return parts[0][0] + parts[1][0], parts[0][1] + parts[1][1], parts[0][2] or parts[1][2]
        if isinstance(node, ast.JoinedStr) or (isinstance(node, ast.Constant) and isinstance(node.value, str)):
            start = self._loc(node)
            got = _literal(node, self.text, start)
            place = self.place
            if got is not None:
                return (got[0], [place(at) for at in got[1]], got[2]) if place is not None else got
            if isinstance(node, ast.Constant):
                return node.value, [self.loc(node)] * len(node.value), False
            return None
        return None

    def _unknown(self, node: Any) -> tuple[str, list[Loc], bool]:
        field = _placeholder(node)
        return field, [self.loc(node)] * len(field), True


def _callee(func: Any, names: dict[str, tuple[str, str]]) -> tuple[str, str] | None:
    """(module, function) the call names: `subprocess.run`, `sp.run` (`import subprocess as sp`),
    `run` (`from subprocess import run`)."""
    if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name):
        module = names.get(func.value.id, (func.value.id, ""))
        return (module[0], func.attr) if module[1] == "" else None
    if isinstance(func, ast.Name):
        return names.get(func.id)
    return None


def _imports(tree: ast.AST) -> dict[str, tuple[str, str]]:
    """Local name -> (module, "") for a module, (module, function) for a function imported by name."""
    names: dict[str, tuple[str, str]] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for a in node.names:
                names[a.asname or a.name] = (a.name, "")
        elif isinstance(node, ast.ImportFrom) and node.module in ("subprocess", "os", "asyncio"):
            for a in node.names:
                names[a.asname or a.name] = (node.module, a.name)
    return names


_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef)  # a lambda's body is walked with its scope's


def _walk(body: list[ast.stmt]) -> Any:
    """The nodes of a module's or function's body, not those of the functions defined in it (their own
    scopes, walked on their own)."""
    todo: list[ast.AST] = list(reversed(body))
    while todo:
        node = todo.pop()
        yield node
        if not isinstance(node, _SCOPES):
            todo.extend(reversed(list(ast.iter_child_nodes(node))))


def _assigned(body: list[ast.stmt]) -> dict[str, Any]:
    """Names a body assigns a literal list or string once (None: assigned more than once, or changed)."""
    found: dict[str, Any] = {}
    for node in _walk(body):
        if isinstance(node, ast.Assign):
            for target in node.targets:
                if isinstance(target, ast.Name):
                    literal = isinstance(node.value, (ast.List, ast.Tuple)) or (
                        isinstance(node.value, ast.Constant) and isinstance(node.value.value, str))
                    found[target.id] = None if target.id in found or not literal else node.value
            for target in node.targets:
                for name in ast.walk(target):  # `a, b = ...`, `x[0] = ...`: changed
                    if isinstance(name, ast.Name) and not isinstance(target, ast.Name):
                        found[name.id] = None
        elif isinstance(node, (ast.AugAssign, ast.AnnAssign)) and isinstance(node.target, ast.Name):
            found[node.target.id] = None
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) \
                and isinstance(node.func.value, ast.Name) and node.func.attr in ("append", "extend", "insert"):
            found[node.func.value.id] = None
    return found


def _words(items: list[Any], lines: _Lines, known: dict[str, Any]) -> tuple[list[Word], bool]:
    """The words of an argument list, and whether a `*args` item may hold more of them. A name the
    scope assigns a string once (`IMAGE = "vllm/vllm-openai:v0.6.3"`) is that string, located at the
    name; an f-string is its text with each replacement field a value not known here."""
    words: list[Word] = []
    spread = False
    for item in items:
        loc = lines.loc(item)
        if isinstance(item, ast.Name) and isinstance(known.get(item.id), ast.Constant):
            item = ast.copy_location(ast.Constant(known[item.id].value), item)
        if isinstance(item, ast.Constant) and isinstance(item.value, (int, float)) \
                and not isinstance(item.value, bool):
            words.append(Word(str(item.value), loc))
        elif isinstance(item, ast.Starred):
            spread = True
            words.append(Word("$@", loc, dynamic=True))  # as a shell's `"$@"`: more words, maybe options
        elif (got := lines.render(item, known)) is not None:
            words.append(Word(got[0], loc, dynamic=got[2]))
        else:
            words.append(Word(_placeholder(item), loc, dynamic=True))
    return words, spread


def _placeholder(node: Any) -> str:
    return "${" + (node.id if isinstance(node, ast.Name) else "value") + "}"


_ESCAPES = {"n": "\n", "t": "\t", "\\": "\\", "'": "'", '"': '"', "r": "\r", "a": "\a", "b": "\b", "f": "\f",
            "v": "\v", "0": "\0"}


def _literal(node: Any, text: str, start: Loc) -> tuple[str, list[Loc], bool] | None:
    """A string literal or f-string read from its source: its text, each character's location, and
    whether it has a replacement field (written `${name}`); None for an implicit concatenation or
    an escape this reader does not know (the caller locates the value at the literal)."""
    seg = ast.get_source_segment(text, node) or ""
    i = 0
    while i < len(seg) and seg[i] in "rRuUbBfF":
        i += 1
    prefix = seg[:i].lower()
    quote = seg[i:i + 3] if seg[i:i + 3] in ('"""', "'''") else seg[i:i + 1]
    if not quote or not seg.endswith(quote) or len(seg) < i + 2 * len(quote):
        return None
    body = seg[i + len(quote):len(seg) - len(quote)]
    fmt, raw = "f" in prefix, "r" in prefix
    out: list[str] = []
    locs: list[Loc] = []
    fields = False
    line, col = start.line, start.col + i + len(quote)
    k = 0

    def advance(chunk: str) -> None:
        nonlocal line, col
        for c in chunk:
            line, col = (line + 1, 1) if c == "\n" else (line, col + 1)

    while k < len(body):
        ch = body[k]
        here = Loc(line, col)
        if fmt and ch in "{}" and body[k + 1:k + 2] == ch:
            out.append(ch)
            locs.append(here)
            advance(body[k:k + 2])
            k += 2
            continue
        if fmt and ch == "{":
            depth, j = 1, k + 1
            while j < len(body) and depth:
                depth += {"{": 1, "}": -1}.get(body[j], 0)
                j += 1
            expr = body[k + 1:j - 1].split("!")[0].split(":")[0].strip()
            field = "${" + (expr if expr.isidentifier() else "value") + "}"
            out.append(field)
            locs += [here] * len(field)
            fields = True
            advance(body[k:j])
            k = j
            continue
        if ch == "\\" and not raw:
            nxt = body[k + 1:k + 2]
            if nxt == "\n":  # a backslash-newline continues the literal
                advance(body[k:k + 2])
                k += 2
                continue
            if nxt not in _ESCAPES:
                return None
            out.append(_ESCAPES[nxt])
            locs.append(here)
            advance(body[k:k + 2])
            k += 2
            continue
        out.append(ch)
        locs.append(here)
        advance(ch)
        k += 1
    rendered = "".join(out)
    if isinstance(node, ast.Constant) and rendered != node.value:
        return None
    return rendered, locs, fields


def _resolved(node: Any, known: dict[str, Any]) -> Any:
    """A name the scope assigns a string once (`cmd = "docker run ..."`) is that literal; else the node."""
    if isinstance(node, ast.Name) and isinstance(known.get(node.id), ast.Constant):
        return known[node.id]
    return node


def _split(node: Any) -> bool:
    """`<string>.split()` with no arguments (a literal, an f-string or a name)."""
    return isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "split" \
        and not node.args and not node.keywords \
        and isinstance(node.func.value, (ast.Constant, ast.JoinedStr, ast.Name, ast.BinOp))


def _split_words(node: Any, lines: _Lines) -> tuple[list[Word], bool]:
    """The words `str.split()` gives (runs of whitespace separate them; no quoting, no expansion), each
    located at its first character; with a value not known here (an f-string's field, which may hold
    spaces) the list may hold more words: partial, and a word with such a field is dynamic."""
    got = lines.render(node)
    if got is None:
        return [], False
    value, locs, unknown = got
    words: list[Word] = []
    for m in _NON_SPACE.finditer(value):
        text = m.group()
        words.append(Word(text, locs[m.start()], dynamic=unknown and "${" in text))
    return words, unknown


_NON_SPACE = re.compile(r"\S+")  # str.split's separators: `\s` is `str.isspace` in a str pattern


def _string_commands(node: Any, lines: _Lines) -> list[Command]:
    """The commands of a command line given as a string (a literal, an f-string, a `+` of them and of
    other values), each word located in the literal it comes from."""
    from glmlint.shell import parse_script

    got = lines.render(node)
    if got is None:
        return []
    value, locs = got[0], got[1]
    starts = [0]
    for n, ch in enumerate(value):
        if ch == "\n":
            starts.append(n + 1)
    end = locs[-1] if locs else lines.loc(node)

    def locate(row: int, col: int) -> Loc:
        at = starts[min(row, len(starts) - 1)] + col
        return locs[at] if 0 <= at < len(locs) else end

    return parse_script(value, locate)


# The Docker SDK for Python (docker-py 7.1.0, a3652028, docker/models/containers.py `ContainerCollection.run`
# and its docstring; `_create_container_args`, RUN_HOST_CONFIG_KWARGS): `client.containers.run(image,
# command=None, **kwargs)` starts a container as `docker run` does; each keyword as the CLI flag that sets the
# same HostConfig field. `ports` is {container port (int or "port/proto"): host port (int), None (a random
# one), (address, port), (address,), or a list of those} (utils.convert_port_bindings); `volumes` a list of
# "src:dst[:mode]" or {source: {"bind": dst, "mode": "ro"|"rw", or "ro": bool}} (utils.convert_volume_binds:
# mode rw by default); `environment` a dict or "K=V" list; `command` a string is split as the shell's
# words (utils.split_command, shlex), a list is the words.
# podman-py (containers/podman-py 2f8b45ab, podman/domain/containers_create.py `create`, which `run` calls)
# takes the same keywords, documented alike (`ports`, `volumes`, `privileged`, `network_mode`, ...)
_SDKS = ("docker", "podman")
_SDK_BOOL = {"privileged": "--privileged", "read_only": "--read-only", "publish_all_ports": "--publish-all",
             "init": "--init"}
_SDK_VALUE = {"network_mode": "--network", "network": "--network", "pid_mode": "--pid", "ipc_mode": "--ipc",
              "userns_mode": "--userns", "uts_mode": "--uts", "user": "--user", "name": "--name",
              "mem_limit": "--memory", "working_dir": "--workdir", "runtime": "--runtime", "shm_size": "--shm-size"}
_SDK_LIST = {"cap_add": "--cap-add", "cap_drop": "--cap-drop", "security_opt": "--security-opt",
             "devices": "--device", "group_add": "--group-add"}


def _sdk_run(call: Any, lines: _Lines, known: dict[str, Any]) -> tuple[list[Word], bool] | None:
    """The `docker run` words a Docker SDK `<client>.containers.run(image, ...)` call stands for, and
    whether a value not known here may add more (`**kwargs`); None when its image is not given."""
    args = list(call.args)
    kw = {k.arg: k.value for k in call.keywords if k.arg is not None}
    partial = any(k.arg is None for k in call.keywords)
    image = args[0] if args else kw.get("image")
    if image is None:
        return None
    command = args[1] if len(args) > 1 else kw.get("command")
    at = lines.loc(call)
    words = [Word("docker", at), Word("run", at)]

    def value(node: Any) -> Word:
        return _words([node], lines, known)[0][0]

    def flag(name: str, node: Any, text: str | None = None) -> None:
        word = value(node) if text is None else Word(text, lines.loc(node))
        words.append(Word(f"{name}={word.text}", word.loc, dynamic=word.dynamic))

    for key, node in kw.items():
        node = _resolved(node, known)
        if key in _SDK_BOOL:
            if isinstance(node, ast.Constant) and node.value is True:
                words.append(Word(_SDK_BOOL[key], lines.loc(node)))
            elif not isinstance(node, ast.Constant):
                partial = True  # `privileged=args.privileged`: not known
        elif key in _SDK_VALUE and not (isinstance(node, ast.Constant) and node.value is None):
            flag(_SDK_VALUE[key], node)
        elif key in _SDK_LIST:
            if isinstance(node, (ast.List, ast.Tuple)):
                for item in node.elts:
                    flag(_SDK_LIST[key], item)
            else:
                partial = True
        elif key == "ports":
            partial |= not _sdk_ports(node, lines, flag, words)
        elif key == "volumes":
            partial |= not _sdk_volumes(node, lines, known, words)
        elif key == "environment":
            if isinstance(node, ast.Dict):
                for k, v in zip(node.keys, node.values):
                    if k is None:
                        partial = True
                        continue
                    name, val = value(k), value(_resolved(v, known))
                    words.append(Word(f"--env={name.text}={val.text}", val.loc, dynamic=name.dynamic or val.dynamic))
            elif isinstance(node, (ast.List, ast.Tuple)):
                for item in node.elts:
                    flag("--env", item)
            else:
                partial = True
    # `entrypoint` (a string or list) is the executable and its first arguments, before `command`'s words
    entry = _sdk_words(kw["entrypoint"], lines, known) if kw.get("entrypoint") is not None else []
    if entry is None:
        partial, entry = True, []
    if entry:
        words.append(Word(f"--entrypoint={entry[0].text}", entry[0].loc, entry[0].dynamic))
    words.append(value(_resolved(image, known)))
    words.extend(entry[1:])
    if command is not None:
        got = _sdk_words(command, lines, known)
        if got is None:
            partial = True
        else:
            words.extend(got)
    return words, partial


def _refused_host_ports(call: Any, known: dict[str, Any]) -> bool:
    """Whether docker-py refuses a `containers.run/create` call before it reaches the engine: `network_mode="host"`
    with a non-empty `ports` (docker-py 7.1.0, a3652028 docker/types/containers.py `HostConfig.__init__` raises
    InvalidArgument '"host" network_mode is incompatible with port_bindings'; the CLI and the Engine API
    discard the ports instead)."""
    kw = {k.arg: _resolved(k.value, known) for k in call.keywords if k.arg is not None}
    mode, ports = kw.get("network_mode"), kw.get("ports")
    return (isinstance(mode, ast.Constant) and mode.value == "host"
            and isinstance(ports, ast.Dict) and bool(ports.keys))


def _sdk_words(node: Any, lines: _Lines, known: dict[str, Any]) -> list[Word] | None:
    """A `command`/`entrypoint` value's words: a list's items, a string split as the shell's words; None
    when not known here."""
    import shlex

    node = _resolved(node, known)
    if isinstance(node, ast.Name) and isinstance(known.get(node.id), (ast.List, ast.Tuple)):
        node = known[node.id]
    if isinstance(node, (ast.List, ast.Tuple)):
        return _words(list(node.elts), lines, known)[0]
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        try:
            return [Word(part, lines.loc(node)) for part in shlex.split(node.value)]
        except ValueError:
            return None
    return None


def _sdk_ports(node: Any, lines: _Lines, flag: Any, words: list[Word]) -> bool:
    """`ports={...}` as `--publish` words; False when a part is not known here."""
    if not isinstance(node, ast.Dict):
        return False
    known_all = True
    for k, v in zip(node.keys, node.values):
        if not (isinstance(k, ast.Constant) and isinstance(k.value, (int, str))) or isinstance(k.value, bool):
            known_all = False
            continue
        target = str(k.value)
        bindings = v.elts if isinstance(v, ast.List) else [v]
        for b in bindings:
            if isinstance(b, ast.Constant) and b.value is None:
                spec = target
            elif isinstance(b, ast.Constant) and isinstance(b.value, (int, str)) and not isinstance(b.value, bool):
                spec = f"{b.value}:{target}"
            elif isinstance(b, ast.Tuple) and b.elts and all(isinstance(e, ast.Constant) for e in b.elts):
                parts = [e.value for e in b.elts]  # type: ignore[attr-defined]
                spec = f"{parts[0]}:{parts[1] if len(parts) > 1 and parts[1] is not None else ''}:{target}"
            else:
                known_all = False  # a host port or address from a variable: where it binds is not known
                continue
            words.append(Word(f"--publish={spec}", lines.loc(k)))
    return known_all


def _sdk_volumes(node: Any, lines: _Lines, known: dict[str, Any], words: list[Word]) -> bool:
    """`volumes=` (a list of `src:dst[:mode]` or a dict source -> {bind, mode|ro}) as `--volume` words;
    False when a part is not known here."""
    if isinstance(node, (ast.List, ast.Tuple)):
        for item in node.elts:
            got = _words([item], lines, known)[0][0]
            words.append(Word(f"--volume={got.text}", got.loc, got.dynamic))
        return True
    if not isinstance(node, ast.Dict):
        return False
    known_all = True
    for k, v in zip(node.keys, node.values):
        if k is None or not isinstance(v, ast.Dict):
            known_all = False
            continue
        opts = {o.value: val for o, val in zip(v.keys, v.values) if isinstance(o, ast.Constant)}
        bind = opts.get("bind")
        if bind is None:
            known_all = False
            continue
        source, target = _words([k], lines, known)[0][0], _words([bind], lines, known)[0][0]
        mode = opts.get("mode")
        ro = opts.get("ro")
        if isinstance(ro, ast.Constant) and isinstance(ro.value, bool):
            suffix = ":ro" if ro.value else ":rw"
        elif isinstance(mode, ast.Constant) and isinstance(mode.value, str):
            suffix = ":" + mode.value
        elif mode is None and ro is None:
            suffix = ""  # read-write
        else:
            known_all = False
            continue
        words.append(Word(f"--volume={source.text}:{target.text}{suffix}", source.loc,
                          source.dynamic or target.dynamic))
    return known_all


def _sdk_call(node: Any, docker: bool) -> str | None:
    """`run` for `<anything>.containers.run(...)`, `create` for `<anything>.containers.create(...)`, in a
    file that imports `docker` or `podman` (their SDKs); else None."""
    func = node.func
    if docker and isinstance(func, ast.Attribute) and func.attr in ("run", "create") \
            and isinstance(func.value, ast.Attribute) and func.value.attr == "containers":
        return func.attr
    return None


# docker-py's low-level client (7.1.0, a3652028, docker/api/container.py): `create_container(image,
# command=None, hostname=None, user=None, ..., host_config=None, ...)` makes a container that runs once
# `start(container)` is called on it (the dict it returns, or its "Id"); `host_config` is what
# `create_host_config(**kwargs)` (docker/types/containers.py `HostConfig`) makes: the same keywords as
# `containers.run`'s host options, but `port_bindings` for `ports` and `binds` for `volumes`
# (`create_container`'s own `ports`/`volumes` only expose a port or make an anonymous volume)
_LOW_POSITIONAL = ("image", "command", "hostname", "user")
_LOW_KEYWORDS = frozenset({"image", "command", "user", "environment", "name", "entrypoint", "working_dir", "runtime"})
_HOST_RENAMED = {"port_bindings": "ports", "binds": "volumes"}


def _low_level(call: Any, scope: list[ast.stmt]) -> Any:
    """A `create_container(...)` call as the `containers.run(...)` call that sets the same fields (its
    host config's keywords read from `create_host_config(...)`, given in the call or assigned once to a
    name in the scope); a `**kwargs` keyword stands for what is not known here."""
    keywords: list[ast.keyword] = []
    for name, arg in zip(_LOW_POSITIONAL, call.args):
        keywords.append(ast.keyword(arg=name, value=arg))
    host = None
    for k in call.keywords:
        if k.arg == "host_config":
            host = k.value
        elif k.arg is None or k.arg in _LOW_KEYWORDS:
            keywords.append(k)
    if isinstance(host, ast.Name):
        made = [n.value for n in _walk(scope) if isinstance(n, ast.Assign) and len(n.targets) == 1
                and isinstance(n.targets[0], ast.Name) and n.targets[0].id == host.id]
        host = made[0] if len(made) == 1 else host
    if isinstance(host, ast.Call) and isinstance(host.func, (ast.Attribute, ast.Name)) \
            and (host.func.attr if isinstance(host.func, ast.Attribute) else host.func.id) \
            in ("create_host_config", "HostConfig"):
        for k in host.keywords:
            keywords.append(ast.keyword(arg=_HOST_RENAMED.get(k.arg, k.arg), value=k.value) if k.arg else k)
    elif host is not None and not (isinstance(host, ast.Constant) and host.value is None):
        keywords.append(ast.keyword(arg=None, value=host))  # a host config not known here
    return ast.copy_location(ast.Call(func=call.func, args=[], keywords=keywords), call)


def _creates(node: Any) -> bool:
    """`<anything>.containers.create(...)` or `<anything>.create_container(...)`."""
    return isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and (
        node.func.attr == "create_container" or node.func.attr == "create"
        and isinstance(node.func.value, ast.Attribute) and node.func.value.attr == "containers")


def _before(node: Any) -> tuple[int, int]:
    return node.lineno, node.col_offset


def _bound(scope: list[ast.stmt]) -> dict[str, list[tuple[tuple[int, int], Any]]]:
    """Name -> the values the scope assigns it (`c = ...`), each with where, in the order written."""
    made: dict[str, list[tuple[tuple[int, int], Any]]] = {}
    for n in _walk(scope):
        if isinstance(n, ast.Assign):
            for t in n.targets:
                if isinstance(t, ast.Name):
                    made.setdefault(t.id, []).append((_before(n), n.value))
    for values in made.values():
        values.sort(key=lambda v: v[0])
    return made


def _last_bound(made: dict[str, list[tuple[tuple[int, int], Any]]], name: str, at: Any) -> Any:
    """The value `name` was last assigned before `at` (a name bound twice, `c = create(a)`, `c.start()`,
    `c = create(b)`, `c.start()`: each start is the container made just before it); None when none is."""
    got = None
    for where, value in made.get(name, ()):
        if where >= _before(at):
            break
        got = value
    return got


def _helpers(tree: ast.AST) -> dict[str, list[Any]]:
    """The functions (and methods) of the file that return a container they create, by name: `return
    client.containers.create(...)`, or a name bound to one (`c = ...create(...)`, `return c`); a name
    defined more than once is left out (which one runs is not known here)."""
    defined: dict[str, int] = {}
    out: dict[str, list[Any]] = {}
    for fn in ast.walk(tree):
        if not isinstance(fn, _SCOPES):
            continue
        defined[fn.name] = defined.get(fn.name, 0) + 1
        made: dict[str, list[tuple[tuple[int, int], Any]]] | None = None
        for n in _walk(fn.body):
            if not isinstance(n, ast.Return) or n.value is None:
                continue
            value = n.value
            if isinstance(value, ast.Name):
                made = _bound(fn.body) if made is None else made
                value = _last_bound(made, value.id, n)
            if _creates(value):
                out.setdefault(fn.name, []).append(value)
    return {k: v for k, v in out.items() if defined[k] == 1}


def _made_by(value: Any, helpers: dict[str, list[Any]]) -> list[Any]:
    """The create calls whose container `value` is: the call itself, or what a helper of the file it
    calls (`make_server(client)`, `self.make_server()`) creates and returns."""
    if _creates(value):
        return [value]
    if isinstance(value, ast.Call):
        func = value.func
        name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else None
        return helpers.get(name, []) if name is not None else []
    return []


def _started(scope: list[ast.stmt], helpers: dict[str, list[Any]]) -> set[int]:
    """The `containers.create(...)` and `create_container(...)` calls whose container a scope starts:
    `containers.create(...).start()`, `c = containers.create(...)` then `c.start()` (the value `c` was
    last bound to before the start), `c = api.create_container(...)` then `api.start(c)` (or `c["Id"]`,
    `c.get("Id")`, `container=c`), a container a helper of the file creates and returns (`c =
    make_server(client)`, `c.start()`). A container created but never started does not run (docker-py
    7.1.0: `Container.start`, `APIClient.start`)."""
    made = _bound(scope)
    out: set[int] = set()

    def named(node: Any) -> str | None:
        if isinstance(node, ast.Subscript):
            node = node.value  # `c["Id"]`
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "get":
            node = node.func.value  # `c.get("Id")`
        return node.id if isinstance(node, ast.Name) else None

    for n in _walk(scope):
        if not (isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.func.attr == "start"):
            continue
        if not n.args and not n.keywords:  # `c.start()`: a Container object's
            target = n.func.value
            if isinstance(target, ast.Name):
                target = _last_bound(made, target.id, n)
            out.update(id(c) for c in _made_by(target, helpers))
            continue
        arg = n.args[0] if n.args else next((k.value for k in n.keywords if k.arg == "container"), None)
        if isinstance(arg, ast.Call) and isinstance(arg.func, ast.Attribute) and arg.func.attr == "create_container":
            out.add(id(arg))
            continue
        name = named(arg)
        if name is not None:
            out.update(id(c) for c in _made_by(_last_bound(made, name, n), helpers))
    return out


def parse(path: str, text: str) -> SourceFile | None:
    """The containers a Python script starts with `docker`/`podman run` through a subprocess; None when
    it is not Python this interpreter parses."""
    found = started(path, text)
    if found is None:
        return None
    source = SourceFile(path=path, format=Format.DOCKER_RUN, text=text)
    source.json = True  # no fix: the words are Python string literals
    source.workloads.extend(found)
    return source


def started(path: str, text: str, place: Callable[[Loc], Loc] | None = None) -> list[Workload] | None:
    """The workloads the Python code `text` starts (`parse`), each located through `place` when the code
    is assembled from another file (a notebook's cells); None when it is not Python this interpreter
    parses."""
    from glmlint import records
    from glmlint.parsers.dockerrun import lift
    from glmlint.shell import from_argv

    out: list[Workload] = []
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None
    lines = _Lines(text, place)
    names = _imports(tree)
    scopes: list[list[ast.stmt]] = [tree.body] + [n.body for n in ast.walk(tree)
                                                  if isinstance(n, _SCOPES)]
    module = _assigned(tree.body)
    docker = any((isinstance(n, ast.Import) and any(a.name.split(".")[0] in _SDKS for a in n.names))
                 or (isinstance(n, ast.ImportFrom) and (n.module or "").split(".")[0] in _SDKS)
                 for n in ast.walk(tree))  # the Docker SDK (`import docker`, `from docker import DockerClient`)
    # docker-py itself, not podman-py (which builds its own request): it refuses some keyword pairs
    docker_only = docker and not any(
        (isinstance(n, ast.Import) and any(a.name.split(".")[0] == "podman" for a in n.names))
        or (isinstance(n, ast.ImportFrom) and (n.module or "").split(".")[0] == "podman") for n in ast.walk(tree))
    started_anywhere: set[int] | None = None  # the create calls whose container some scope starts
    for body in scopes:
        known = module if body is tree.body else {**{k: v for k, v in module.items() if v is not None},
                                                  **_assigned(body)}
        for node in _walk(body):
            if not isinstance(node, ast.Call):
                continue
            method = _sdk_call(node, docker)
            low = docker and isinstance(node.func, ast.Attribute) and node.func.attr == "create_container"
            if method is not None or low:
                if method != "run":
                    if started_anywhere is None:
                        helpers = _helpers(tree)
                        started_anywhere = set().union(*(_started(b, helpers) for b in scopes))
                    if id(node) not in started_anywhere:
                        continue  # created, never started: it does not run
                call = _low_level(node, body) if low else node
                shown = "create_container" if low else f"containers.{method}"
                got = _sdk_run(call, lines, known)
                if got is not None and docker_only and _refused_host_ports(call, known):
                    continue  # docker-py raises before it asks the engine: no container
                if got is not None:
                    sdk = lift(from_argv(got[0], got[0][0].loc)[0], path)
                    if sdk is not None:
                        named = sdk.label.startswith("container ")
                        label = f"container `{sdk.name}` (`{shown}`)" if named else f"`{shown}` of `{sdk.name}`"
                        # the pull is the SDK call's too (GLM045: "`containers.run` uses …", not `docker run`)
                        owner = label if named else f"`{shown}`"
                        pulls = tuple(records.replace(p, owner=owner) for p in sdk.pulls)
                        out.append(records.replace(sdk, partial=sdk.partial or got[1], label=label, pulls=pulls))
                continue
            if not node.args:
                continue
            callee = _callee(node.func, names)
            if callee is None:
                continue
            first = node.args[0]
            argv_call = callee[0] == "subprocess" and callee[1] in _ARGV_CALLS
            shell = callee in _SHELL_CALLS or (argv_call and any(
                k.arg == "shell" and isinstance(k.value, ast.Constant) and k.value.value is True
                for k in node.keywords))
            commands: list[Command] = []
            partial = False
            if shell:  # a name the scope assigns a command string once is that string, located in its literal
                commands = _string_commands(_resolved(first, known), lines)
            elif callee == ("asyncio", "create_subprocess_exec"):
                words, partial = _words(list(node.args), lines, known)
                commands = from_argv(words, words[0].loc)
            elif argv_call and isinstance(first, ast.Call) \
                    and _callee(first.func, names) == ("shlex", "split") and first.args:
                # `subprocess.run(shlex.split("docker run ..."))`: the words a shell would give, unexpanded
                commands = _string_commands(_resolved(first.args[0], known), lines)
            elif argv_call and _split(first):
                # `subprocess.run("docker run ...".split())`: str.split's words, split at whitespace
                words, partial = _split_words(_resolved(first.func.value, known), lines)  # type: ignore[attr-defined]
                commands = from_argv(words, words[0].loc) if words else []
            elif argv_call:
                items = first
                if isinstance(first, ast.Name) and isinstance(known.get(first.id), (ast.List, ast.Tuple)):
                    items = known[first.id]  # type: ignore[assignment]
                if isinstance(items, (ast.List, ast.Tuple)) and items.elts:
                    words, partial = _words(list(items.elts), lines, known)
                    commands = from_argv(words, words[0].loc)
            for cmd in commands:
                w = lift(cmd, path)
                if w is not None:
                    out.append(records.replace(w, partial=True) if partial else w)
    return out
