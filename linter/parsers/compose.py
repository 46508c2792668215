"""docker-compose -> IR: one workload per service.

Anchors, aliases and merge keys are resolved by `yamlnodes`; `extends:` is
merged here, within the file and from another file (`extends: {file: x.yml,
service: base}`, read relative to this file, its values located in that file
with `Loc.file`); lists such as `cap_drop` and `ports` are combined, scalars
overridden, as Compose does. Values are interpolated as Compose does
(`glmlint.interpolate`): `${VAR:-default}`/`${VAR-default}` read as the default
unless the `.env` file beside the compose file sets `VAR`, `$$` as `$`; a value
with a variable nobody sets (`${VAR}`, `${VAR:?err}`) stays as written. A file
read for `extends` is interpolated with the same variables (Compose reads it with
the project's environment, not a `.env` beside it). Shell strings (`command`,
`entrypoint`, `healthcheck`) are left to the shell parser; a short-syntax port
is read interpolated while its text is kept as written (`Port.spec`) for a fix. A service with neither `image`, `build` nor `extends` is a fragment of an
override file: explicit settings are checked, absent ones are not; so is every service of such a file
(`-f compose.yaml -f compose.prod.yaml`) that the project file beside it defines. Which key holds which field is
`glmlint.fields.COMPOSE`, the table the fixer reads too.
"""
from __future__ import annotations

import functools
import os
import posixpath
import re
import stat
from collections.abc import Callable, Iterator
from typing import Any

from glmlint import records
from glmlint.composefiles import DEFAULT_FILES, OVERRIDE_FILES
from glmlint.fields import BOOL, COMPOSE, HOST, ITEMS, OPTION_FIELDS, SECURITY_OPTIONS, TEXT, USER, Key, settings
from glmlint.ir import (INSIDE_TEXT, JOINED_NETWORK, Build, Command, Device, EnvVar, Exposure, Format, HostCall,
                        ImageRef, Item, Loc, Mount, Port, ServicePort, Setting, SourceFile, User, Word, Workload,
                        has_variable, truthy)
from glmlint.parsers.base import split_lines
from glmlint.parsers import yamlnodes as y
from glmlint.records import dataclass, field
from glmlint.shell import file_writes, from_argv, privilege_drop, split_words, start_commands

_LIST_KEYS = {"cap_add", "cap_drop", "security_opt", "ports", "volumes", "tmpfs", "environment", "expose", "devices"}


def is_compose(doc: Any) -> bool:
    return y.is_map(y.get(doc, "services"))


# Texts that replace files on disk when another file is read for `extends` (the fix engine
# sets them while it fixes a project, so that a service sees its base as fixed). Absolute paths.
TEXTS: dict[str, str] = {}


@dataclass
class _Files:
    """Where other files are read from while one compose file is parsed."""

    real_dir: str  # directory of the file on disk ("" for standard input: no other file is read)
    display_dir: str  # the same directory as paths are reported
    stack: tuple[tuple[str, str], ...] = ()  # (file, service) being merged: a cycle is refused
    reads: list[str] = field(default_factory=list)  # absolute paths of the other files read
    # the project's variables (the main file's `.env`): Compose interpolates a file read for
    # `extends` with them too (compose-go loader/extends.go loads it with the project's options)
    env: dict[str, str] = field(default_factory=dict)
    done: dict[int, bool] = field(default_factory=dict)  # see `_interpolate`, shared by every file read
    written: dict[int, str] = field(default_factory=dict)  # see `_interpolate`: a value as written
    kept: list[Any] = field(default_factory=list)  # the other files' documents: `done` is by node id


# values Compose interpolates that glmlint keeps as written: shell strings (word locations inside
# them matter); a short-syntax port is read interpolated by `_ports`, its text kept for a fix
_SHELL_KEYS = frozenset({"command", "entrypoint", "healthcheck"})
_DOTENV_MAX = 1 << 20


def _first_file(directory: str, names: tuple[str, ...]) -> str | None:
    for name in names:
        path = os.path.join(directory, name)
        if path in TEXTS or os.path.isfile(path):
            return path
    return None


def default_pair(real_path: str) -> tuple[str, str] | None:
    """(base, override) absolute paths when `real_path` is one of the two files of a default
    project (`compose.yaml` and the `compose.override.yaml` beside it), else None."""
    if not real_path or real_path == "-":
        return None
    name = os.path.basename(real_path)
    if name not in DEFAULT_FILES and name not in OVERRIDE_FILES:
        return None
    directory = os.path.dirname(os.path.abspath(real_path))
    base, override = _first_file(directory, DEFAULT_FILES), _first_file(directory, OVERRIDE_FILES)
    if base is None or override is None or os.path.abspath(real_path) not in (base, override):
        return None
    return base, override


def _fragment_of(real_path: str, docs: list[Any]) -> str | None:
    """The project's base file (`compose.yaml` beside it) when this file is an override merged over
    it with `-f` (`docker compose -f compose.yaml -f compose.prod.yaml`): a file with another name
    with a service that cannot run on its own (neither `image`, `build` nor `extends`: Compose
    refuses it), so the file is never a project by itself. Its services the base defines are
    judged merged there (as the default override's are); None otherwise."""
    if not real_path or real_path == "-" or not docs:
        return None
    name = os.path.basename(real_path)
    if name in DEFAULT_FILES or name in OVERRIDE_FILES or not _refused_alone(docs):
        return None
    base = _first_file(os.path.dirname(os.path.abspath(real_path)), DEFAULT_FILES)
    return base if base is not None and base != os.path.abspath(real_path) else None


def _refused_alone(docs: list[Any]) -> bool:
    """A file with a service that cannot run on its own (neither `image`, `build` nor `extends`):
    Compose refuses it as a project, so it is a layer merged over other files."""
    services = y.get(docs[0], "services") if docs else None
    return y.is_map(services) and any(
        y.is_map(node) and all(y.get(node, k) is None for k in ("image", "build", "extends"))
        for _name, (_k, node) in y.entries(services).items())


def _local(context: str) -> bool:
    """A build context that is a directory path (not a Git URL, not a variable)."""
    return "$" not in context and "://" not in context and not context.startswith("git@")


def _dotenv_in(directory: str) -> dict[str, str]:
    """The `.env` of `directory` as it is on disk now: read again when it changes (a long-lived
    process, the language server, sees an edited `.env` at the next check)."""
    return _dotenv_file(os.path.join(directory, ".env"))


def _dotenv_file(path: str) -> dict[str, str]:
    """An env file Compose reads for its variables (`.env` syntax, a project's `.env` or an `include:` entry's
    `env_file`), as it is on disk now."""
    try:
        st = os.stat(path)
    except OSError:
        return {}
    if not stat.S_ISREG(st.st_mode) or st.st_size > _DOTENV_MAX:
        return {}
    return dict(_read_dotenv(path, st.st_mtime_ns, st.st_size, st.st_ino))


@functools.lru_cache(maxsize=64)
def _read_dotenv(path: str, mtime_ns: int, size: int, inode: int) -> dict[str, str]:
    """One version of a `.env` file, keyed by what changes when it is written or replaced."""
    from glmlint.interpolate import read_dotenv

    try:
        with open(path, "rb") as f:
            data = f.read(_DOTENV_MAX + 1)
    except OSError:
        return {}
    return read_dotenv(data.decode("utf-8", "replace"))


def parse(path: str, text: str, docs: list[Any], real_path: str = "", env: dict[str, str] | None = None,
          below: tuple[str, ...] | None = None) -> SourceFile:
    """`below`: the files (absolute paths) Compose merges this one over, when the caller knows them
    (`docker compose -f a.yml -f b.yml run`); else they are found as the project's scripts name them."""
    source = SourceFile(path=path, format=Format.COMPOSE, text=text)
    lines = split_lines(text)
    pair = default_pair(real_path) if below is None else None
    # a service another file of the project defines, which one of this file's joins (`network_mode:
    # service:vpn`); not looked for when this file is read as part of another's project (`below`)
    elsewhere = _Elsewhere(real_path, path, pair, docs) if below is None and real_path and real_path != "-" else None
    chain = None
    if below is not None:
        chain = ((*below, os.path.abspath(real_path)), len(below))
    elif pair is None and _refused_alone(docs):
        from glmlint.composefiles import chain_for

        # a layer (refused alone) that a script merges over other files (`-f base.yaml -f gpu.yaml`)
        chain = chain_for(real_path)
    real_dir = os.path.dirname(os.path.abspath(real_path)) if real_path and real_path != "-" else ""
    display_dir = os.path.dirname(path)
    if chain is not None:
        # the project directory is the first file's: Compose reads its `.env` and every relative path
        # of every file there (docs.docker.com, "Merge Compose files": paths are evaluated relative to
        # the base file)
        first = os.path.dirname(chain[0][0])
        display_dir = os.path.normpath(os.path.join(display_dir, os.path.relpath(first, real_dir)))
        real_dir = first
    included = None
    if chain is None and below is None and real_dir and env is None:
        included = included_as(real_path)
        if included is not None:  # run as the `include:` of another compose file names it
            display_dir = os.path.normpath(os.path.join(display_dir, os.path.relpath(included[0], real_dir)))
            real_dir, env = included[0], dict(included[1])
    if env is None:
        env = _dotenv_in(real_dir) if real_dir else {}
    files = _Files(real_dir, display_dir, env=env)
    if included is not None:
        files.reads.extend(included[2])
    overrides: dict[str, View] = {}  # this file is the project's base: the override's services
    in_base: frozenset[str] = frozenset()  # this file is the override: the services the base defines
    below: dict[str, View] = {}  # this file is merged over others (`-f` in a script): their services
    if pair is not None and os.path.abspath(real_path) == pair[0]:
        overrides = _override_views(pair[1], files)
    elif pair is not None:
        in_base = _service_names(pair[0])
    else:
        if chain is not None:
            below = _chain_views(chain[0][:chain[1]], files)
            in_base = frozenset(below)
        else:
            base = _fragment_of(real_path, docs)
            if base is not None:
                in_base = _service_names(base)
    for d, doc in enumerate(docs):
        services = y.get(doc, "services")
        if not y.is_map(services):
            continue
        done = files.done
        _interpolate(services, env, source.assumed, done, files.written)
        table = y.entries(services)
        internal = _internal_networks(doc)
        views: dict[str, tuple[View, int]] = {}
        for name, (key, node) in table.items():
            if not y.is_map(node):
                continue
            view = _merged(name, table, views, files)
            if d == 0 and name in overrides:
                view = _overlay(view, overrides[name])
            if d == 0 and name in below:  # merged over the earlier files' service, as Compose runs it
                view = _overlay(below[name], view)
            w = _service(path, d, name, key, view, lines, done, source.assumed, env, files)
            if w.ports and internal and _internal_only(view, internal):
                w = records.replace(w, ports=discarded(w.ports, "none"))
            if chain is not None and w.build is not None and _local(w.build.context):
                # `build.context` is read from the project directory: as seen from this file's
                w = records.replace(w, build=records.replace(w.build, context=os.path.relpath(
                    os.path.join(real_dir, w.build.context), os.path.dirname(os.path.abspath(real_path)))))
            depth = views[name][1] - 1
            if depth:
                w = records.replace(w, extends_depth=depth)
            if d == 0 and name in in_base:  # Compose merges it over the base's service: judged there
                w = records.replace(w, partial=True)
            source.workloads.append(w)
        _join_namespaces(source.workloads, views, d, elsewhere)
        _join_published_ports(source.workloads, views, d, elsewhere)
        _join_neighbours(source.workloads, views, d)
        _join_host_callers(source.workloads, views, d)
    source.reads = sorted(set(files.reads))
    return source


# `network_mode: service:vpn`, `ipc: service:x`, `pid: service:x`: the container joins that service's
# namespace (docker/compose f7297942, pkg/compose/convergence.go resolveSharedNamespaces: each becomes
# `container:<id>` of the service's container), so it is on the host's network when that service is
_SHARED_NAMESPACES = (("host_network", "network_mode"), ("host_ipc", "ipc"), ("host_pid", "pid"))


def _mine(workloads: list[Workload], views: dict[str, tuple[View, int]], doc: int) -> dict[str, int]:
    """The services of document `doc`: name -> index in `workloads`."""
    return {w.name: i for i, w in enumerate(workloads) if w.node_path == (doc, "services", w.name) and w.name in views}


def _joined(mine: dict[str, int], views: dict[str, tuple[View, int]], key: str) -> dict[str, tuple[str, Any]]:
    """The services that join another's namespace with `key: service:NAME`: name -> (the service that
    owns the namespace, a chain of joins followed, and the joining value's node)."""
    joins: dict[str, tuple[str, Any]] = {}
    # `container:NAME` of a service's `container_name: NAME` joins that service's container as well
    named: dict[str, str] = {}
    for name in mine:
        pair = _last(views[name][0], "container_name")
        if pair is not None and (y.text(pair[1]) or "").strip():
            named[(y.text(pair[1]) or "").strip()] = name
    for name in mine:
        pair = _last(views[name][0], key)
        text = (y.text(pair[1]) or "").strip() if pair is not None else ""
        if text.startswith("service:"):
            joins[name] = (text[len("service:"):].strip(), pair[1])
        elif text.startswith("container:") and text[len("container:"):].strip() in named:
            joins[name] = (named[text[len("container:"):].strip()], pair[1])
    owners: dict[str, tuple[str, Any]] = {}
    for name, (target, node) in joins.items():
        seen = {name}
        while target in joins and target not in seen:  # `a` joins `b`, which joins `c`
            seen.add(target)
            target = joins[target][0]
        owners[name] = (target, node)
    return owners


class _Elsewhere:
    """The services of the project's other files, for a join (`network_mode: service:vpn`) whose service
    this file does not define: Compose merges the files a script runs together (`-f compose.yaml -f
    compose.vpn.yaml`, `COMPOSE_FILE`, the default override file) into one project, where `vpn` is the
    merged service of the last file that defines it (docs.docker.com, "Merge Compose files";
    compose-go loader: a `service:` network mode of a service no file defines is refused); and the
    files its `include:` names, whose services are the project's too (docs.docker.com, "Include":
    each entry a path or a list of paths merged in order, relative to this file's directory)."""

    __slots__ = ("real_path", "path", "pair", "found", "includes", "chains")

    def __init__(self, real_path: str, path: str, pair: tuple[str, str] | None, docs: list[Any]) -> None:
        self.real_path, self.path, self.pair = real_path, path, pair
        self.found: dict[str, Workload | None] = {}
        self.includes = includes(docs, real_path)
        self.chains: list[tuple[str, ...]] | None = None  # the project's lists of files, found at the first join

    def __call__(self, name: str) -> Workload | None:
        """The service `name` as the project of another file defines it, its locations in that file."""
        if name not in self.found:
            if self.chains is None:
                from glmlint.composefiles import chains_with

                pair = [self.pair] if self.pair is not None else []
                self.chains = [*self.includes, *chains_with(self.real_path), *pair]
            self.found[name] = defined_elsewhere(name, self.chains, self.real_path, self.path)
        return self.found[name]


def defined_elsewhere(name: str, chains: list[tuple[str, ...]], real_path: str, path: str) -> Workload | None:
    """The service `name` as a file other than `real_path` (shown as `path`) defines it: in the first of
    `chains` (lists of the project's files, in merge order) where one does, read from the last that does
    with the files before it merged under it, located there as the scan shows that file beside `path`."""
    from glmlint.link import stamp

    me = os.path.abspath(real_path)
    for chain in chains:
        at = next((k for k in range(len(chain) - 1, -1, -1) if chain[k] != me and name in _service_names(chain[k])),
                  None)
        if at is None:
            continue
        other = chain[at]
        text = _read_other(other)
        if text is None:
            continue
        try:
            docs = y.compose_all(text)
        except y.YamlError:
            continue
        rel = os.path.relpath(other, os.path.dirname(me)).replace(os.sep, "/")
        shown = posixpath.normpath(posixpath.join(posixpath.dirname(path.replace(os.sep, "/")), rel))
        try:
            got = parse(shown, text, docs, other, below=tuple(chain[:at]))
        except (ValueError, y.YamlError):
            continue
        w = next((w for w in got.workloads if w.name == name and w.node_path[1:] == ("services", name)), None)
        if w is not None:
            return stamp(w, shown)  # type: ignore[no-any-return]
    return None


def included_as(real_path: str) -> tuple[str, tuple[tuple[str, str], ...], tuple[str, ...]] | None:
    """(project directory, variables, files read) Compose gives the file at `real_path` when the project file
    (`DEFAULT_FILES`) of its directory or one up to three above it names it first in an `include:` entry
    (compose-go loader/include.go `ApplyInclude`, at 0761c331): the entry's `project_directory`, relative to the
    including file's directory, else the file's own directory, is where its relative paths are read; its
    variables are those of the entry's `env_file`s (relative to the including file's directory; later files
    win), else of the `.env` in that project directory, under the including project's own (its `.env`:
    `environment.Clone().Merge(envFromFile)` keeps what is set). None when no such file includes it, or the
    entry names something the scan cannot read (a variable, a remote include, an env file not on disk)."""
    from glmlint.composefiles import ancestors

    me = os.path.abspath(real_path)
    here = os.path.dirname(me)
    for directory in ancestors(here):
        for name in DEFAULT_FILES:
            top = os.path.join(directory, name)
            if top == me:
                continue
            try:
                st = os.stat(top)
            except OSError:
                continue
            for first, project, env_files in _include_entries(top, st.st_size, st.st_mtime_ns):
                if first != me:
                    continue
                if project is None or any(f is None for f in env_files):
                    return None
                base = os.path.dirname(top)
                own = dict(_dotenv_in(base))
                if not env_files and os.path.isfile(os.path.join(project, ".env")):
                    env_files = (os.path.join(project, ".env"),)
                got: dict[str, str] = {}
                for f in env_files:
                    if not os.path.isfile(f):
                        return None  # (compose-go refuses the project)
                    got.update(_dotenv_file(f))
                reads = (top, *env_files) + ((os.path.join(base, ".env"),) if own else ())
                return project, tuple({**got, **own}.items()), tuple(str(r) for r in reads)
            break  # (Compose loads the first of the names it finds)
    return None


@functools.lru_cache(maxsize=128)
def _include_entries(path: str, size: int, mtime_ns: int) -> tuple[tuple[str, str | None, tuple[str | None, ...]],
                                                                     ...]:
    """The `include:` entries of the compose file at `path`: (its first file, project directory, env files), all
    absolute; None for a value with a variable or a remote one, which the scan does not read."""
    if size > _DOTENV_MAX:
        return ()
    try:
        with open(path, encoding="utf-8", errors="replace") as fh:
            text = fh.read()
    except OSError:
        return ()
    if "include" not in text:
        return ()
    try:
        docs = y.compose_all(text)
    except y.YamlError:
        return ()
    node = y.get(docs[0], "include") if docs and y.is_map(docs[0]) else None
    if not y.is_seq(node):
        return ()
    base = os.path.dirname(path)

    def local(value: Any) -> str | None:
        text = y.text(value) if y.is_scalar(value) else None
        if not text or "$" in text or "://" in text:
            return None
        return os.path.normpath(os.path.join(base, text))

    out = []
    for item in y.items(node):
        paths = y.get(item, "path") if y.is_map(item) else item
        first = local(y.items(paths)[0] if y.is_seq(paths) and y.items(paths) else paths)
        if first is None:
            continue
        project: str | None = os.path.dirname(first)
        env_files: tuple[str | None, ...] = ()
        if y.is_map(item):
            given = y.get(item, "project_directory")
            if given is not None:
                project = local(given)
            files = y.get(item, "env_file")
            if files is not None:
                env_files = tuple(local(f) for f in (y.items(files) if y.is_seq(files) else [files]))
        out.append((first, project, env_files))
    return tuple(out)


def includes(docs: list[Any], real_path: str) -> list[tuple[str, ...]]:
    """The files the first document's `include:` names (a path, `path:` a path or a list of them), each
    entry's in merge order, absolute; those on disk only."""
    node = y.get(docs[0], "include") if docs else None
    if not y.is_seq(node):
        return []
    base = os.path.dirname(os.path.abspath(real_path))
    out: list[tuple[str, ...]] = []
    for item in y.items(node):
        paths = y.get(item, "path") if y.is_map(item) else item
        named = [y.text(p) or "" for p in (y.items(paths) if y.is_seq(paths) else [paths])]
        if not named or any(not n or "$" in n or "://" in n for n in named):
            continue  # an expansion, a remote (`oci://`, `git`) include: not read here
        got = tuple(os.path.normpath(os.path.join(base, n)) for n in named)
        if all(os.path.isfile(p) for p in got):
            out.append(got)
    return out


def _join_namespaces(workloads: list[Workload], views: dict[str, tuple[View, int]], doc: int,
                     elsewhere: _Elsewhere | None = None) -> None:
    """The host namespaces a service shares through another service of the same file (`service:NAME`),
    or of another file of its project (`elsewhere`), followed through a chain of them, each located at
    the service's own key, where no fix edits it (the host's namespace is the other service's setting:
    `INSIDE_TEXT`)."""
    mine = _mine(workloads, views, doc)
    if not mine:
        return
    for field_name, key in _SHARED_NAMESPACES:
        for name, (target, node) in _joined(mine, views, key).items():
            owner = workloads[mine[target]] if target in mine else \
                elsewhere(target) if elsewhere is not None and _names_service(node) else None
            got = getattr(owner, field_name) if owner is not None else None
            if got is not None and got.value is True:
                i = mine[name]
                w = workloads[i]
                path = (*w.node_path, key, INSIDE_TEXT)
                workloads[i] = records.replace(w, **{field_name: Setting(True, y.loc(node), path=path)})


# Ports are published on a container's network namespace; one that joins another's
# (`network_mode: service:vpn`, run as `container:<id>`) cannot publish its own (moby runconfig
# hostconfig_unix.go validateNetContainerMode: "conflicting options: port publishing and the container
# type network mode"): what it listens on is reached through the owner's published ports.


def _join_published_ports(workloads: list[Workload], views: dict[str, tuple[View, int]], doc: int,
                          elsewhere: _Elsewhere | None = None) -> None:
    """A service that joins another's network namespace (`network_mode: service:vpn`) is reached through
    the ports that service publishes on all interfaces: an `Exposure` of kind `JOINED_NETWORK` per owner,
    each port located at the owner's entry (its fix is the owner's), in another file of the project
    when that file defines the owner (`elsewhere`)."""
    mine = _mine(workloads, views, doc)
    if not mine:
        return
    from glmlint.reach import on_all_interfaces

    for name, (target, node) in _joined(mine, views, "network_mode").items():
        owner = workloads[mine[target]] if target in mine else \
            elsewhere(target) if elsewhere is not None and _names_service(node) else None
        if owner is None:
            continue
        written = (y.text(node) or "").strip()  # `service:NAME` or `container:NAME`, the first of a chain
        ports = tuple(ServicePort(p.host_port or p.container_port, p.container_port, p.loc) for p in owner.ports
                      if p.published and p.protocol.lower() == "tcp" and on_all_interfaces(p) is True)
        if ports:
            i = mine[name]
            w = workloads[i]
            exposure = Exposure(JOINED_NETWORK, target, None, (), ports, ports[0].loc, via=written)
            workloads[i] = records.replace(w, exposed_by=(*w.exposed_by, exposure))


def _join_neighbours(workloads: list[Workload], views: dict[str, tuple[View, int]], doc: int) -> None:
    """The services of one network namespace (an owner and those that join it with `network_mode:
    service:NAME` in this file) each get the others' start commands as `neighbours`: what one forwards to
    127.0.0.1 (a `cloudflared` tunnel's `--url ssh://localhost:22`) reaches the others' listeners."""
    mine = _mine(workloads, views, doc)
    if not mine:
        return
    groups: dict[str, list[str]] = {}
    for name, (target, _node) in _joined(mine, views, "network_mode").items():
        if target in mine:
            groups.setdefault(target, [target]).append(name)
    for names in groups.values():
        for name in names:
            i = mine[name]
            others = tuple(c for o in names if o != name for c in start_commands(workloads[mine[o]]))
            if others:
                workloads[i] = records.replace(workloads[i], neighbours=(*workloads[i].neighbours, *others))


def _join_host_callers(workloads: list[Workload], views: dict[str, tuple[View, int]], doc: int) -> None:
    """Each service whose published port another service of the file connects to through the host (a
    variable or start word `http://host.docker.internal:9099`, or a name its `extra_hosts` maps to
    `host-gateway`) gets that caller in `host_callers` (`glmlint.reach.through_host`)."""
    mine = _mine(workloads, views, doc)
    if len(mine) < 2:
        return
    from glmlint.reach import ANY_PORT, host_ports, port_beside

    calls: list[tuple[str, HostCall]] = []
    for name, i in mine.items():
        w = workloads[i]
        aliases = _gateway_aliases(views[name][0])
        env = {v.name: v.value or "" for v in w.env}
        said = [(v.name, v.value, True) for v in w.env if v.value] + \
            [(c.argv[0].text if c.argv else "", word.text, False) for c in w.process for word in c.args]
        for where, value, is_env in said:
            for address, port in host_ports(value, aliases):
                if port == ANY_PORT and is_env:  # `DB_HOST: host.docker.internal` beside `DB_PORT: "5432"`
                    port = port_beside(where, env) or port
                calls.append((name, HostCall(w.label, where, address, port, is_env)))
    if not calls:
        return
    for name, i in mine.items():
        w = workloads[i]
        published = {p.host_port for p in w.ports if p.published and p.host_port}
        # on the host's network every port it listens on is the host's (GLM009's fix publishes them again)
        host = w.host_network is not None and w.host_network.value is True
        got = tuple(call for caller, call in calls if caller != name and (host or call.port in published
                                                                          or (call.port == ANY_PORT and published)))
        if got:
            workloads[i] = records.replace(w, host_callers=(*w.host_callers, *got))


def _gateway_aliases(view: View) -> frozenset[str]:
    """The names a service's `extra_hosts` maps to the host's gateway (`llm:host-gateway`, `llm=host-gateway`,
    or a mapping `{llm: host-gateway}`): it reaches the host's published ports through them."""
    pair = _last(view, "extra_hosts")
    if pair is None:
        return frozenset()
    node = pair[1]
    entries: list[tuple[str, str]] = []
    if y.is_map(node):
        entries = [(y.text(k) or "", y.text(v) or "") for k, v in node.value]
    elif y.is_seq(node):
        for item in node.value:
            text = (y.text(item) or "").strip()
            sep = "=" if "=" in text else ":"
            host, _, ip = text.partition(sep)
            entries.append((host, ip))
    return frozenset(h.strip() for h, ip in entries if ip.strip() == "host-gateway")


def _names_service(node: Any) -> bool:
    """A join's value names a service (`service:vpn`), not a `container_name` (`container:ts-llm`)."""
    return (y.text(node) or "").strip().startswith("service:")


View = dict[str, list[tuple[Any, Any]]]


def _interpolate(services: Any, env: dict[str, str], assumed: dict[tuple[int, int], tuple[str, ...]],
                 done: dict[int, bool], written: dict[int, str] | None = None) -> None:
    """Replace each scalar's value under `services:` by what Compose reads (see the module doc).

    `done` gets the id of every node replaced, with True when a part of its value came from
    `.env` (so it is not written in the file); `written`, the text as written of each one read
    through a variable's default (a rule may ask which part of the value the default gave).

    Shared (aliased) nodes are visited once: a second pass would read `$$`'s `$` as an expansion.
    """
    from glmlint.interpolate import interpolate

    seen: set[int] = set()
    stack = [services]
    budget = 200_000
    while stack and budget > 0:
        node = stack.pop()
        budget -= 1
        if node is None or id(node) in seen:
            continue
        seen.add(id(node))
        if y.is_map(node):
            for key, value in node.value:
                if not y.is_scalar(key) or key.value not in _SHELL_KEYS:
                    if y.is_scalar(key) and key.value == "ports" and y.is_seq(value):
                        stack.extend(v for v in value.value if not y.is_scalar(v))  # short syntax: `_ports`
                    else:
                        stack.append(value)
        elif y.is_seq(node):
            stack.extend(node.value)
        elif y.is_scalar(node) and "$" in node.value:
            raw = node.value
            found = interpolate(raw, env)
            if found is None:
                continue
            node.value = found.text
            y.replaced()
            at = y.loc(node)
            if found.defaulted and not at.file:  # `assumed` is by position in the file being parsed
                assumed[(at.line, at.col)] = found.defaulted
            if found.defaulted and written is not None:
                written[id(node)] = raw
            done[id(node)] = bool(found.from_env)


MAX_EXTENDS = 32


def _other_file(ext: Any) -> tuple[str, str] | None:
    """(file, service) of an `extends:` that names another file."""
    if not y.is_map(ext):
        return None
    file, service = y.text(y.get(ext, "file")), y.text(y.get(ext, "service"))
    if not file or not service or "$" in file or "://" in file:
        return None
    return file, service


def _read_other(path: str) -> str | None:
    if path in TEXTS:
        return TEXTS[path]
    try:
        if os.path.getsize(path) > 5 * 1024 * 1024:
            return None
        with open(path, "rb") as fh:
            from glmlint.parsers.base import decode

            return decode(fh.read())
    except (OSError, UnicodeDecodeError):
        return None


def _external(ext: Any, files: _Files, at: Any) -> tuple[View, int] | None:
    """The merged view of a service another file defines, its values located in that file."""
    ref = _other_file(ext)
    if ref is None or not files.real_dir:
        return None
    file, service = ref
    real = os.path.normpath(os.path.join(files.real_dir, file))
    from glmlint.parsers.base import ParseError

    if (real, service) in files.stack:
        raise ParseError(y.loc(at).line, f"`extends` of `{service}` in `{file}` comes back to itself")
    if len(files.stack) >= MAX_EXTENDS:
        raise ParseError(y.loc(at).line, f"the `extends` chain through `{file}` is longer than {MAX_EXTENDS}")
    text = _read_other(real)
    if text is None:
        return None
    files.reads.append(real)
    try:
        docs = y.compose_all(text)
    except y.YamlError:
        return None
    display = os.path.normpath(os.path.join(files.display_dir, file)).replace(os.sep, "/")
    y.stamp(docs, display)
    services = y.get(docs[0], "services") if docs else None
    if not y.is_map(services):
        return None
    # Compose interpolates the other file with the project's variables, not that file's `.env`
    files.kept.append(docs)
    _interpolate(services, files.env, {}, files.done, files.written)
    table = y.entries(services)
    if service not in table or not y.is_map(table[service][1]):
        return None
    sub = _Files(os.path.dirname(real), os.path.dirname(display), (*files.stack, (real, service)), files.reads,
                 files.env, files.done, files.kept)
    cache: dict[str, tuple[View, int]] = {}
    view = _merged(service, table, cache, sub)
    return view, cache[service][1] + len(files.stack)


def _compose_doc(path: str, files: _Files) -> Any:
    """The `services:` mapping of another file of the project, its values located in that file."""
    text = _read_other(path)
    if text is None:
        return None
    try:
        docs = y.compose_all(text)
    except y.YamlError:
        return None
    services = y.get(docs[0], "services") if docs else None
    if not y.is_map(services):
        return None
    rel = os.path.relpath(path, files.real_dir) if files.real_dir else os.path.basename(path)
    display = os.path.normpath(os.path.join(files.display_dir, rel)).replace(os.sep, "/")
    y.stamp(docs, display)
    files.kept.append(docs)
    return services


# While the fix engine verifies one compose file's fixes (`fix.engine._verified_edits`), each re-parse
# of a project's base file merges the same override file over it: `_override_views`' views of it, and
# what reading them put in the parse's `_Files` (the files read, the interpolated nodes' marks and the
# documents that hold them), kept by the override's path, the project's directories and variables, for
# the next re-parse (None: nothing is kept). No file changes while one file's fixes are verified, and
# nothing changes the override's nodes once they are read and interpolated.
OVERRIDES: dict[tuple[Any, ...], tuple[Any, ...]] | None = None


def _override_views(path: str, files: _Files) -> dict[str, View]:
    """The services of the project's override file, each as merged in that file (its own
    `extends` applied), interpolated with the project's variables (`OVERRIDES`: kept)."""
    memo = OVERRIDES
    if memo is None or files.reads or files.done or files.written or files.kept:
        return _override_read(path, files)
    key = (path, files.real_dir, files.display_dir, tuple(files.env.items()))
    got = memo.get(key)
    if got is None:
        out = _override_read(path, files)
        got = memo[key] = (out, list(files.reads), dict(files.done), dict(files.written), list(files.kept))
        return out
    out, reads, done, written, kept = got
    files.reads.extend(reads)
    files.done.update(done)
    files.written.update(written)
    files.kept.extend(kept)
    return out


def _override_read(path: str, files: _Files) -> dict[str, View]:
    services = _compose_doc(path, files)
    if services is None:
        return {}
    files.reads.append(path)
    _interpolate(services, files.env, {}, files.done, files.written)
    table = y.entries(services)
    sub = _Files(files.real_dir, files.display_dir, ((path, ""),), files.reads, files.env, files.done, files.kept)
    cache: dict[str, tuple[View, int]] = {}
    out: dict[str, View] = {}
    from glmlint.parsers.base import ParseError

    for name, (_key, node) in table.items():
        if y.is_map(node):
            try:
                out[name] = _merged(name, table, cache, sub)
            except ParseError:
                continue  # the override file reports it itself
    return out


def _chain_views(paths: tuple[str, ...], files: _Files) -> dict[str, View]:
    """The services of the compose files a script names before this one (`-f a.yml -f b.yml`),
    each merged over the one before, as Compose merges them; their values located in their file."""
    out: dict[str, View] = {}
    for path in paths:
        for name, view in _override_views(path, files).items():
            out[name] = _overlay(out[name], view) if name in out else view
    return out


def _service_names(path: str) -> frozenset[str]:
    """The services the project's base file defines."""
    text = _read_other(path)
    if text is None:
        return frozenset()
    try:
        docs = y.compose_all(text)
    except y.YamlError:
        return frozenset()
    services = y.get(docs[0], "services") if docs else None
    return frozenset(n for n, (_k, v) in y.entries(services).items() if y.is_map(v)) if y.is_map(services) else frozenset()


def _overlay(view: View, top: View) -> View:
    """`top`'s keys merged over `view`'s, as Compose merges one file over another."""
    out = {k: list(v) for k, v in view.items()}
    for k, pairs in top.items():
        for kv in pairs:
            _merge_key(out, k, kv)
    return out


def _merge_key(view: View, k: str, kv: tuple[Any, Any]) -> None:
    """Merge one key of a service over `view` as Compose does (compose-go override/merge.go):
    sequences are appended, mappings merged key by key (`deploy.resources.limits.memory` stays when
    the other side sets `deploy.replicas`), anything else replaced. An appended mapping is read
    from the last one that sets the key below it (`_read`). A value tagged `!override` replaces the
    key whole, and so does one tagged `!reset`, which drops what the base or an earlier file set
    (compose-go v2.13.0 loader/reset.go: the tagged paths are deleted from the base before the
    merge); it is read as the empty value it is written with (`ports: !reset []`)."""
    if getattr(kv[1], "tag", None) in ("!reset", "!override"):
        view[k] = [kv]
        return
    if k in view and (k in _LIST_KEYS or (y.is_map(kv[1]) and y.is_map(view[k][-1][1]))):
        view[k].append(kv)
    else:
        view[k] = [kv]


def _merged(name: str, table: dict[str, tuple[Any, Any]], cache: dict[str, tuple[View, int]],
            files: _Files | None = None) -> View:
    """The service's keys with `extends` (same file) applied: base first, then the service.

    Each service is merged once per file (`cache`: its view and its chain's length),
    without recursion. A chain longer than `MAX_EXTENDS` is refused: every level copies
    the lists it extends, so a long chain would grow quadratically.
    """
    chain: list[str] = []
    cur: str | None = name
    while cur is not None and cur not in cache and cur not in chain:
        chain.append(cur)
        cur = _base(table, cur)
    for i in range(len(chain) - 1, -1, -1):
        link = chain[i]
        base_name = _base(table, link)
        view: View = {}
        depth = 1
        external = None
        if base_name is None and files is not None:
            external = _external(y.get(table[link][1], "extends"), files, table[link][0])
        if external is not None:
            view = {k: list(v) for k, v in external[0].items()}
            depth = external[1] + 1
        elif base_name is not None:
            from glmlint.parsers.base import ParseError

            if base_name in chain[:i + 1]:  # Compose refuses it too
                via = "" if base_name == link else f" through `{base_name}`"
                raise ParseError(y.loc(table[link][0]).line, f"service `{link}` extends itself{via}")
            base_view, base_depth = cache[base_name]
            depth = base_depth + 1
            if depth > MAX_EXTENDS:
                raise ParseError(y.loc(table[link][0]).line,
                                 f"the `extends` chain of service `{link}` is longer than {MAX_EXTENDS}")
            view = {k: list(v) for k, v in base_view.items()}
        for k, kv in y.entries(table[link][1]).items():
            _merge_key(view, k, kv)
        cache[link] = (view, depth)
    return cache[name][0]


def _base(table: dict[str, tuple[Any, Any]], name: str) -> str | None:
    """The service `name` extends in the same file, if any."""
    ext = y.get(table[name][1], "extends")
    base_name = y.text(ext) if y.is_scalar(ext) else y.text(y.get(ext, "service"))
    other_file = y.get(ext, "file") if y.is_map(ext) else None
    return base_name if base_name and other_file is None and base_name in table else None


_ENV_FILE_MAX_BYTES = 256 * 1024
_ENV_LINE = re.compile(r"^[ \t]*(?:export[ \t]+)?([A-Za-z_][A-Za-z0-9_.-]*)[ \t]*[=:]")


def _env_files(view: View, files: _Files | None) -> tuple[list[EnvVar], tuple[Loc, ...]]:
    """The variables the service's `env_file:` entries set, read as Compose reads them (compose-go
    `loader`/`dotenv`): paths relative to the compose file's directory, later files winning, a
    `required: false` file that is absent ignored, `format: raw` values taken as written; and the
    entries that could not be read (a variable in the path, an absent required file, standard
    input), whose variables stay unknown (`Workload.env_imports`)."""
    pair = _last(view, "env_file")
    if pair is None:
        return [], ()
    node = pair[1]
    entries: list[tuple[str, bool, bool, Loc]] = []  # (path, required, raw, where written)
    for item in (y.items(node) if y.is_seq(node) else [node]):
        if y.is_map(item):
            path_node = y.get(item, "path")
            text = y.text(path_node) if y.is_scalar(path_node) else None
            required = y.scalar(y.get(item, "required"))
            raw = (y.text(y.get(item, "format")) or "") == "raw"
            if text:
                entries.append((text, not (required is False or str(required).lower() == "false"), raw,
                                y.loc(item)))
        elif y.is_scalar(item) and y.text(item):
            entries.append((y.text(item) or "", True, False, y.loc(item) if y.is_seq(node) else y.loc(pair[0])))
    out: dict[str, EnvVar] = {}
    unknown: list[Loc] = []
    for rel, required, raw, at in entries:
        if files is None or not files.real_dir or "$" in rel:
            unknown.append(at)
            continue
        full = os.path.normpath(os.path.join(files.real_dir, os.path.expanduser(rel)))
        text = _env_file_text(full)
        if text is None:
            if required:
                unknown.append(at)  # absent (made at deploy time) or unreadable: not known here
            continue
        if files.reads is not None:
            files.reads.append(full)
        shown = posixpath.normpath(posixpath.join(files.display_dir.replace(os.sep, "/"), rel.replace(os.sep, "/")))
        private = _git_ignored(full)
        values = _raw_env(text) if raw else _read_env_file(text)
        lines = {}
        for n, line in enumerate(text.splitlines(), 1):
            m = _ENV_LINE.match(line)
            if m:
                lines[m.group(1)] = n
        for name, value in values.items():
            out.pop(name, None)
            out[name] = EnvVar(name, value, Loc(lines.get(name, 1), 1, shown), (),
                               dynamic=not raw and has_variable(value), env_file=shown, private=private)
    return list(out.values()), tuple(unknown)


def _env_file_text(full: str) -> str | None:
    try:
        if not os.path.isfile(full) or os.path.getsize(full) > _ENV_FILE_MAX_BYTES:
            return None
        with open(full, "rb") as fh:
            return fh.read().decode("utf-8", "replace")
    except OSError:
        return None


def _read_env_file(text: str) -> dict[str, str]:
    from glmlint.interpolate import read_dotenv

    return read_dotenv(text)


def _raw_env(text: str) -> dict[str, str]:
    """`format: raw`: `NAME=value` lines taken as written (no quotes removed, no interpolation)."""
    out = {}
    for line in text.splitlines():
        if line.strip() and not line.lstrip().startswith("#") and "=" in line:
            name, _, value = line.partition("=")
            out[name.strip()] = value
    return out


def _git_ignored(full: str) -> bool:
    """Whether a `.gitignore` of the file's directory or one above it (up to the repository root)
    ignores the file: a local env file kept out of the repository, where secrets belong."""
    from glmlint import gitignore

    here = os.path.dirname(full)
    active = []
    for _ in range(8):
        spec = gitignore.spec(here)
        if spec is not None:
            active.insert(0, (here, spec))
        if os.path.exists(os.path.join(here, ".git")) or os.path.dirname(here) == here:
            break
        here = os.path.dirname(here)
    return gitignore.ignored(full, False, active)


def _last(view: View, key: str) -> tuple[Any, Any] | None:
    pairs = view.get(key)
    return pairs[-1] if pairs else None


def _read(view: View, base: tuple[str | int, ...], row: Key) -> Setting[Any] | None:
    """The setting `row` (a `glmlint.fields.COMPOSE` row) reads in the service, None when absent.
    The first key is looked up in the merged service (lists combined across `extends`), the
    rest below it; a setting is located at its value (a list: at its key)."""
    first, rest = row.keys[0], row.keys[1:]
    path = (*base, *row.keys)
    if row.read == ITEMS:
        pairs = view.get(first)
        if not pairs:
            return None
        out: list[Item] = []
        for _key, node in pairs:
            nodes = y.items(node) if y.is_seq(node) else [node]
            for i, item in enumerate(nodes):
                t = y.text(item)
                if t is not None:
                    out.append(Item(t, y.loc(item), (*path, i)))
        return Setting(tuple(out), y.loc(pairs[-1][0]), path=path)
    pair = _last(view, first)
    if pair is None:
        return None
    node = pair[1]
    if rest:  # below a mapping merged across files or `extends`: the last one that sets it
        node = next((got for _k, n in reversed(view[first]) if (got := y.get(n, *rest)) is not None), None)
    if node is None:
        return None
    if row.read == BOOL:
        value = y.scalar(node)
        return Setting(value is True or (isinstance(value, str) and truthy(value)), y.loc(node), path=path)
    if row.read == HOST:
        return Setting((y.text(node) or "").strip().lower() == "host", y.loc(node), path=path)
    if row.read == TEXT:
        return Setting(y.text(node), y.loc(node), path=path)
    text = y.text(node)
    if not text:
        return None  # NONEMPTY, USER: an empty value is no value
    return Setting(User.parse(text) if row.read == USER else text, y.loc(node), path=path)


def _setting(view: View, base: tuple[str | int, ...], row: Key) -> Setting[Any] | None:
    got = _read(view, base, row)
    if got is None and row.alt is not None:
        got = _read(view, base, Key(row.alt, row.read))
    return got


_SETTINGS = settings(COMPOSE)
_OPTIONS_ROW = COMPOSE["security_opts"]


def _service(path: str, d: int, name: str, key: Any, view: View, lines: list[str],
             done: dict[int, bool] | None = None, assumed: dict[tuple[int, int], tuple[str, ...]] | None = None,
             env: dict[str, str] | None = None, files: _Files | None = None) -> Workload:
    anchor = y.loc(key)
    base: tuple[str | int, ...] = (d, "services", name)

    image_pair = _last(view, COMPOSE["image"].keys[0])
    build = _build(view)
    partial = image_pair is None and build is None and "extends" not in view

    kwargs: dict[str, Any] = {}
    for field_name, row in _SETTINGS:
        value = _setting(view, base, row)
        if value is not None:
            kwargs[field_name] = value
    security_opts = _read(view, base, Key(_OPTIONS_ROW.keys, ITEMS))
    kwargs.update(security_settings(security_opts.value if security_opts else ()))

    entrypoint = _argv(view, COMPOSE["entrypoint"].keys[0], base, lines)
    command = _argv(view, COMPOSE["command"].keys[0], base, lines)
    words: tuple[Word, ...] = ()
    if entrypoint is not None and entrypoint.value:
        words = entrypoint.value + (command.value if command is not None and command.value else ())
    elif command is not None and command.value:
        words = command.value
    process = from_argv(words, words[0].loc) if words else []
    from_files, imports = _env_files(view, files)

    if entrypoint is not None:
        kwargs["entrypoint"] = entrypoint
    if command is not None:
        kwargs["command"] = command
    return Workload(
        name=name,
        label=f"service `{name}`",
        format=Format.COMPOSE,
        path=path,
        anchor=anchor,
        node_path=base,
        partial=partial,
        security_opts=security_opts.value if security_opts else (),
        sysctls=tuple(_sysctls(view, base)),
        mounts=tuple(_mounts(view, base)),
        devices=tuple(_devices(view, base)),
        ports=discarded(_ports(view, base, env or {}, assumed), _network_mode(view)),
        env=(*from_files, *_env(view, base, done or {}, assumed, files.written if files is not None else None)),  # `environment:` wins by name
        env_imports=imports,
        start_env=tuple(sorted((env or {}).items())),
        build_args=tuple(_build_args(view, base, done or {}, assumed)),
        process=tuple(process),
        privilege_drop=drop_setting(process),
        files=tuple(file_writes(process, image=kwargs["image"].value if "image" in kwargs else None)),
        build=build,
        # a service with `build:` runs the image it builds; `image:` then names it, nothing is pulled
        pulls=(ImageRef(kwargs["image"].value, kwargs["image"].loc, f"service `{name}`",
                        resolved="$" not in kwargs["image"].value),)
        if build is None and "image" in kwargs and kwargs["image"].value else (),
        workdir=_working_dir(view),
        **kwargs,
    )


def _internal_networks(doc: Any) -> frozenset[str]:
    """The networks the file's top-level `networks:` makes `internal: true` (`docker network create
    --internal`; the project's `default` too when it says so), not `external` ones (made elsewhere),
    nor `overlay` ones: a stack's service publishes its ports through the swarm's ingress network (the
    routing mesh) or on the node (`mode: host`), whatever networks it is on (moby#34783: "Exposing a node
    port of a service always uses the ingress network even if the service is on another network")."""
    nets = y.get(doc, "networks")
    if not y.is_map(nets):
        return frozenset()
    out = set()
    for name, (_key, node) in y.entries(nets).items():
        if y.is_map(node) and y.scalar(y.get(node, "internal")) in (True, "true") \
                and y.scalar(y.get(node, "external")) not in (True, "true") \
                and y.scalar(y.get(node, "driver")) != "overlay":
            out.add(name)
    return frozenset(out)


def _internal_only(view: View, internal: frozenset[str]) -> bool:
    """Whether the service is on internal networks only: those its `networks:` names (a list or a
    mapping), else the project's `default`; with no `network_mode`. The engine maps a container's
    published ports on its first network that is not internal, and on an internal one never (moby
    b985e231 daemon/network.go `buildPortsRelatedCreateEndpointOptions`: "Port-mapping rules ... applicable
    only to non-internal networks"): on internal networks only, it publishes nothing."""
    if _network_mode(view) is not None:
        return False
    pair = _last(view, "networks")
    if pair is None:
        return "default" in internal
    node = pair[1]
    if y.is_map(node):
        names = list(y.entries(node))
    elif y.is_seq(node):
        names = [y.text(n) for n in y.items(node)]
    else:
        return False
    return bool(names) and all(n in internal for n in names)


def _network_mode(view: View) -> str | None:
    """`network_mode:` as written (interpolated), None when the service sets none."""
    pair = _last(view, "network_mode")
    return (y.text(pair[1]) or "").strip() if pair is not None and y.is_scalar(pair[1]) else None


# Docker publishes a port through the container's network endpoint. In the host's network namespace
# there is none: the engine discards the bindings with a warning ("Published ports are discarded when
# using host network mode", moby b985e231 daemon/daemon_unix.go `verifyPlatformContainerSettings`); the
# `none` network's null driver takes no port mapping (daemon/libnetwork/drivers/null/null.go
# `CreateEndpoint`). Compose hands `ports:` to the engine as written, whatever the `network_mode`
# (docker/compose f7297942 pkg/compose/create.go `buildContainerPortBindingOptions`); `docker run -p`
# and `-P` alike; Podman the same ("Port mappings have been discarded as one of the Host, Container, Pod,
# and None network modes are in use", containers/podman a4da384b pkg/specgen/generate/container.go), so a
# Quadlet `Network=host` with `PublishPort=`. Such a port is kept, not published (a fix that leaves the
# host's network publishes it).
# Another container's namespace (`container:<name>`, compose `service:<name>`, which Compose turns into
# `container:<id>`) publishes none either: the Docker engine refuses the container ("conflicting options: port
# publishing and the container type network mode", moby b985e2313a8676e18072b442911fc8f64f17d440
# daemon/internal/runconfig/hostconfig.go), Podman discards them (above): no port of its own is published.
DISCARDING_MODES = frozenset({"host", "none"})
_JOINING = ("container:", "service:")


def discards(mode: str | None) -> bool:
    """Whether the network mode `mode` publishes none of a container's own ports (`DISCARDING_MODES`, `_JOINING`)."""
    m = (mode or "").strip().lower()
    return m in DISCARDING_MODES or m.startswith(_JOINING)


def discarded(ports: list[Port] | tuple[Port, ...], mode: str | None) -> tuple[Port, ...]:
    """`ports` as the network mode `mode` (`host`, `none`, a network's name; None: the default) publishes them."""
    if not discards(mode):
        return tuple(ports)
    return tuple(records.replace(p, published=False) if p.published else p for p in ports)


def _working_dir(view: View) -> str | None:
    """`working_dir:`, the directory the service's command starts in (None: the image's `WORKDIR`)."""
    pair = _last(view, "working_dir")
    return (y.text(pair[1]) or None) if pair is not None and y.is_scalar(pair[1]) else None


def _sysctls(view: View, base: tuple[str | int, ...]) -> list[Item]:
    """`sysctls:` as a mapping (`net.core.somaxconn: 1024`) or a list (`- net.core.somaxconn=1024`):
    the names, each located at its key or list item."""
    key = COMPOSE["sysctls"].keys[0]
    pair = _last(view, key)
    if pair is None:
        return []
    out: list[Item] = []
    for _k, node in view[key] if y.is_map(pair[1]) else [pair]:  # mappings merge (`_merge_key`)
        if y.is_map(node):
            out.extend(Item(name, y.loc(k), (*base, key, name)) for name, (k, _v) in y.entries(node).items())
        else:
            out.extend(Item((y.text(n) or "").split("=", 1)[0].strip(), y.loc(n), (*base, key, i))
                       for i, n in enumerate(y.items(node)) if y.is_scalar(n) and y.text(n))
    return out


def security_settings(opts: tuple[Item, ...] | list[Item]) -> dict[str, Setting[Any]]:
    """Workload fields the Docker Engine's security options set (`seccomp=unconfined`,
    `no-new-privileges:true`, ...: `glmlint.fields.SECURITY_OPTIONS`), as compose `security_opt:`
    and `docker run --security-opt` write them."""
    out: dict[str, Setting[Any]] = {}
    for item in opts:
        # the engine accepts `key=value` and the older `key:value`
        opt, _, value = item.value.replace("=", ":", 1).partition(":")
        field_name = OPTION_FIELDS.get(opt.strip().lower())
        if field_name is None:
            continue
        if SECURITY_OPTIONS[field_name].negated:  # written bare, the option is on
            out[field_name] = Setting(not (not value or truthy(value)), item.loc, path=item.path)
        else:
            out[field_name] = Setting(value, item.loc, path=item.path)
    return out


def _build(view: View) -> Build | None:
    pair = _last(view, "build")
    if pair is None:
        return None
    context: str | None = None
    dockerfile: str | None = None
    target: str | None = None
    for _k, node in view["build"]:  # mappings merged key by key (`_merge_key`)
        if y.is_scalar(node):
            context, dockerfile, target = y.text(node), None, None
        else:
            context = y.text(y.get(node, "context")) or context
            dockerfile = y.text(y.get(node, "dockerfile")) or dockerfile
            target = y.text(y.get(node, "target")) or target
    return Build(context or ".", dockerfile, y.loc(pair[0]), target)


def _argv(view: View, key: str, base: tuple[str | int, ...], lines: list[str]
          ) -> Setting[tuple[Word, ...] | None] | None:
    pair = _last(view, key)
    if pair is None:
        return None
    node = pair[1]
    if y.is_seq(node):
        words = tuple(y.word(n, lines) for n in y.items(node) if y.is_scalar(n))
    elif y.is_scalar(node) and y.scalar(node) is not None:
        words = split_words(y.text(node) or "", y.content(node, lines)[0], y.word(node, lines))
    else:
        words = ()
    return Setting(words or None, y.loc(node), path=(*base, key))


def _ports(view: View, base: tuple[str | int, ...], env: dict[str, str] | None = None,
           assumed: dict[tuple[int, int], tuple[str, ...]] | None = None) -> list[Port]:
    """The service's ports; a short-syntax entry is read interpolated (`${BIND:-0.0.0.0}:5432:5432`
    as `0.0.0.0:5432:5432`, noting in `assumed` that `BIND` is unset), its text kept as written."""
    from glmlint.interpolate import interpolate

    out: list[Port] = []
    for path, node in _listed(view, base, "ports"):
        if y.is_map(node):
            target = y.text(y.get(node, "target")) or ""
            published = y.text(y.get(node, "published"))
            ip_node = y.get(node, "host_ip")
            if ip_node is not None and assumed:
                # `host_ip: ${BIND:-0.0.0.0}`, read as its default (`_interpolate`): a finding about
                # the port, located at the entry, says when (as for the short syntax)
                ip_at, at = y.loc(ip_node), y.loc(node)
                names = assumed.get((ip_at.line, ip_at.col))
                if names and not at.file:
                    assumed.setdefault((at.line, at.col), names)
            out.append(Port(target, y.loc(node), host_ip=y.text(ip_node),
                            host_port=published, protocol=y.text(y.get(node, "protocol")) or "tcp",
                            published=True, path=path))
        elif y.is_scalar(node):
            written = y.text(node) or ""
            at = y.loc(node)
            found = interpolate(written, env) if "$" in written else None
            unset = unset_ip(written, (env or {}).__contains__) if found is None and "$" in written else None
            if unset is not None:  # `${BIND}:8000:8000`, `BIND` in no `.env`: read as Compose does, empty
                rest = interpolate(unset[0], env)
                port = parse_port(written, at, path, rest.text if rest is not None else unset[0])
                names = (unset[1], *(port_defaults(port, rest.defaulted) if rest is not None else ()))
            else:
                port = parse_port(written, at, path, found.text if found is not None else None,
                                  bool(found and found.from_env))
                names = port_defaults(port, found.defaulted) if found is not None else ()
            if names and assumed is not None and not at.file:
                assumed[(at.line, at.col)] = names
            out.append(port)
    return out


def _listed(view: View, base: tuple[str | int, ...], name: str) -> Iterator[tuple[tuple[str | int, ...], Any]]:
    """The entries of the service's list setting `name` (`COMPOSE[name]`'s key), each with its node path."""
    key = COMPOSE[name].keys[0]
    for _key, seq in view.get(key, []):
        for i, node in enumerate(y.items(seq)):
            yield (*base, key, i), node


def drop_setting(process: list[Command]) -> Setting[User] | None:
    """The user the service's own `command:`/`entrypoint:` switch to (`gosu app ...`), if any."""
    word = privilege_drop(process) if process else None
    return Setting(User.parse(word.text), word.loc) if word is not None else None


# a variable where a port spec's host IP goes: the whole IP (`${BIND}:8000:8000`, `$BIND:8000:8000`), or
# braced and glued before the host port (`${BIND}8000:8000`, set to `127.0.0.1:` or to nothing)
_IP_VARIABLE = re.compile(r"^\$(?:\{([A-Za-z_][A-Za-z0-9_]*)\}|([A-Za-z_][A-Za-z0-9_]*))(?=:)"
                          r"|^\$\{([A-Za-z_][A-Za-z0-9_]*)\}(?=[0-9$])")


def ip_variable(spec: str) -> tuple[str, str, bool] | None:
    """The variable that gives `spec`'s host IP (`${BIND}:8000:8000`), or the IP with its `:` when
    glued before the host port (`${BIND}8000:8000`): (name, the reference as written, glued); None
    for any other spec (`${PORT}:8000` is a host port)."""
    m = _IP_VARIABLE.match(spec.strip())
    if m is None:
        return None
    glued = m.group(3) is not None
    parts = _colon_split(spec.strip().partition("/")[0])
    if len(parts) != (2 if glued else 3):
        return None
    return m.group(1) or m.group(2) or m.group(3), m.group(), glued


def unset_ip(spec: str, defined: Callable[[str], bool]) -> tuple[str, str] | None:
    """`spec` as written when its host IP's variable (`ip_variable`) is unset, which Compose and the
    shell read as empty (compose-go e70e961c template/template.go: "Defaulting to a blank string"),
    and the variable; an empty IP publishes on every interface (go-connections 04658561 nat/nat.go
    `splitParts`: `:8000:8000`). None when there is no such variable or `defined(name)`."""
    found = ip_variable(spec)
    if found is None or defined(found[0]):
        return None
    return spec.strip()[len(found[1]):], found[0]


def parse_port(spec: str, loc: Loc, path: tuple[str | int, ...] = (), value: str | None = None,
               from_env: bool = False) -> Port:
    """`[ip:][host:]container[/proto]` as compose and `docker run -p` write it.

    `value`: `spec` after interpolation (`${BIND:-0.0.0.0}:5432:5432` -> `0.0.0.0:5432:5432`);
    the fields are read from it while `spec` stays the text as written, for a fix to edit.
    `from_env`: a part of `value` came from `.env`, so the written IP is not what a fix may edit.
    A variable left glued before the host port (`${BIND}8000:8000`, its value not known) may hold
    the host IP with its `:`: the IP is not known (the variable, as written)."""
    written = spec.strip()
    ip, host, container, proto, shape = _port_parts(written)
    if value is None or value.strip() == written:
        glued = ip_variable(written)
        if glued is not None and glued[2]:
            return Port(container, loc, host_ip=glued[1], host_port=host, protocol=proto or "tcp", published=True,
                        path=path, spec=written, spec_editable=False)
        return Port(container, loc, host_ip=ip, host_port=host, protocol=proto or "tcp", published=True, path=path,
                    spec=written)
    written_ip = ip
    ip, host, container, proto, value_shape = _port_parts(value.strip())
    glued = ip_variable(written)  # `${BIND}8000:8000` read with `BIND` empty: no IP of its own to edit
    editable = shape == value_shape and not (glued is not None and glued[2])
    return Port(container, loc, host_ip=ip, host_port=host, protocol=proto or "tcp", published=True, path=path,
                spec=written, spec_ip=written_ip if editable and not from_env else None,
                spec_editable=editable)


def port_defaults(port: Port, defaulted: tuple[str, ...]) -> tuple[str, ...]:
    """The variables read through their default (`defaulted`) that decide where and what `port`
    publishes: those of its host IP and container port, not of its host port
    (`${PORT:-8080}:8080` is on every interface whatever `PORT` is); all of them when one variable
    gives the whole spec (`${PORTS:-0.0.0.0:80:80}`)."""
    if not defaulted or port.spec is None:
        return ()
    ip, _, container, proto, _ = _port_parts(port.spec)
    parts = (ip or "", container, proto) if port.spec_editable else (port.spec,)
    return tuple(v for v in defaulted if any(v in part for part in parts))


def _port_parts(written: str) -> tuple[str | None, str | None, str, str, tuple[bool, int]]:
    """(host IP, host port, container port, protocol, shape) of a port spec; the shape is
    whether the IP is bracketed and how many `:`-parts the spec has."""
    spec, _, proto = written.partition("/")
    ip = None
    bracketed = spec.startswith("[")
    if bracketed:
        end = spec.find("]")
        ip, spec = spec[1:end], spec[end + 2:]
        parts = spec.split(":")
        count = len(parts) + 1
    else:
        parts = _colon_split(spec)
        if len(parts) > 3:
            parts = [":".join(parts[:-2]), *parts[-2:]]
        count = len(parts)
        if len(parts) == 3:
            ip = parts.pop(0)
    container = parts[-1]
    host = parts[0] if len(parts) == 2 else None
    return ip, host, container, proto, (bracketed, count)


def _colon_split(spec: str) -> list[str]:
    """Split at `:` outside `${...}` (`${HOST_PORT:-8888}:8888` is two parts)."""
    parts, depth, cur = [], 0, ""
    for i, ch in enumerate(spec):
        if ch == "{" and i and spec[i - 1] == "$":
            depth += 1
        elif ch == "}" and depth:
            depth -= 1
        elif ch == ":" and not depth:
            parts.append(cur)
            cur = ""
            continue
        cur += ch
    return [*parts, cur]


def _mounts(view: View, base: tuple[str | int, ...]) -> list[Mount]:
    out: list[Mount] = []
    read_only = COMPOSE["mount.read_only"].keys
    for path, node in _listed(view, base, "mounts"):
        if y.is_map(node):
            kind = y.text(y.get(node, "type")) or "volume"
            source = y.text(y.get(node, "source"))
            target = y.text(y.get(node, "target")) or ""
            ro = y.scalar(y.get(node, *read_only)) is True
            out.append(Mount(source, target, "bind" if kind == "bind" else kind, ro, y.loc(node), path))
        elif y.is_scalar(node):
            out.append(parse_volume(y.text(node) or "", y.loc(node), path))
    if len(view.get(COMPOSE["mounts"].keys[0], [])) > 1:
        out = _by_target(out)
    return out + _tmpfs(view, base)


def _tmpfs(view: View, base: tuple[str | int, ...]) -> list[Mount]:
    """The service's short `tmpfs:` (a path or a list of them, Docker's options after a colon:
    `/data:size=1g,mode=1777`) as tmpfs mounts, `spec` as written: scratch space the container writes,
    mode 1777 unless a `mode=` says otherwise (compose-go's `tmpfs`, Docker's `--tmpfs`)."""
    key = COMPOSE["writable_paths"].keys[0]
    out: list[Mount] = []
    for _key, node in view.get(key, []):
        entries = [((*base, key), node)] if y.is_scalar(node) else \
            [((*base, key, i), item) for i, item in enumerate(y.items(node))]
        for path, item in entries:
            text = (y.text(item) or "").strip() if y.is_scalar(item) else ""
            target = text.split(":", 1)[0].strip()
            if target:
                out.append(Mount(None, target, "tmpfs", False, y.loc(item), path, spec=text))
    return out


def _by_target(mounts: list[Mount]) -> list[Mount]:
    """Mounts merged from several files or `extends`, as Compose merges them: one per container
    path, the later one replacing the earlier (an override's `./fake.sock:/var/run/docker.sock`
    replaces the base's socket; compose-go merges `volumes` by target)."""
    out: list[Mount] = []
    at: dict[str, int] = {}
    for m in mounts:
        target = m.target.strip().rstrip("/") or m.target
        if not target or "$" in target:
            out.append(m)
        elif target in at:
            out[at[target]] = m
        else:
            at[target] = len(out)
            out.append(m)
    return out


def _devices(view: View, base: tuple[str | int, ...]) -> list[Device]:
    """`devices:` entries: `host[:container[:permissions]]`, a CDI name, or the long syntax."""
    out: list[Device] = []
    for path, node in _listed(view, base, "devices"):
        if y.is_map(node):
            source = y.text(y.get(node, "source"))
            if source:
                out.append(Device(source, y.text(y.get(node, "target")), y.loc(node), path,
                                  y.text(y.get(node, "permissions"))))
        elif y.is_scalar(node) and y.text(node):
            out.append(parse_device(y.text(node) or "", y.loc(node), path))
    return out


def parse_device(spec: str, loc: Loc, path: tuple[str | int, ...] = ()) -> Device:
    """`host[:container[:permissions]]` as compose `devices:` and `docker run --device` write it;
    a CDI name (`nvidia.com/gpu=all`) is kept whole."""
    spec = spec.strip()
    if not spec.startswith(("/", ".", "~", "$")) and "=" in spec:
        return Device(spec, None, loc, path)
    parts = _colon_split(spec)
    host = parts[0]
    target = parts[1] if len(parts) > 1 else None
    perms = parts[2] if len(parts) > 2 else None
    if target is not None and len(parts) == 2 and target and set(target) <= set("rwm"):
        target, perms = None, target  # `/dev/fuse:rwm`
    return Device(host, target, loc, path, perms)


def parse_volume(spec: str, loc: Loc, path: tuple[str | int, ...] = ()) -> Mount:
    """`[source:]target[:mode]` as compose and `docker run -v` write it (`_volume_split`)."""
    parts = _volume_split(spec)
    if len(parts) == 1:
        return Mount(None, parts[0], "volume", False, loc, path, spec=spec)
    source, target = parts[0], parts[1]
    mode = parts[2] if len(parts) > 2 else ""
    # a host path as the docker CLI's `isFilePath` tells one (`.`, `/`, `~`, a drive `C:`, a named pipe or
    # share `\\`), or a variable the shell or Compose puts one in
    bind = source.startswith(("/", ".", "~", "$", "\\\\")) or source[1:2] == ":" and source[:1].isalpha()
    return Mount(source, target, "bind" if bind else "volume", "ro" in mode.split(","), loc, path, spec=spec)


def _volume_split(spec: str) -> list[str]:
    """The `:`-parts of a volume spec as the docker CLI (docker/cli@28f756087eea5fa301f3fbf12b01ae62f91521c2
    internal/volumespec/volumespec.go `Parse`, `isWindowsDrive`) and compose-go
    (compose-spec/compose-go@e70e961c3a3acebf0800b882f1afb3dbf1fb74a2 format/volume.go `ParseVolume`) split
    it, on every client: the colon after a part of one letter is a Windows drive's and stays in the part
    (`C:\\data\\.env:/app/.env`: source `C:\\data\\.env`; so `a:/data` is one part, moby/moby#20122).
    And PowerShell's `$env:NAME` (a `docker run` in a PowerShell block) is one variable reference, which
    PowerShell replaces before docker reads the spec. (`_colon_split` keeps `${...}` whole.)"""
    out: list[str] = []
    drive = env = False  # the part before the colon: one letter (Go's unicode.IsLetter); ends with `$env`
    for part in _colon_split(spec):
        if drive or env and (part[:1].isalpha() or part[:1] == "_"):
            out[-1] += ":" + part
        else:
            out.append(part)
        drive = len(out[-1]) == 1 and out[-1].isalpha()
        env = out[-1][-4:].lower() == "$env"
    return out


Assumed = dict[tuple[int, int], tuple[str, ...]]


def _env(view: View, base: tuple[str | int, ...], done: dict[int, bool], assumed: Assumed | None,
         written: dict[int, str] | None = None) -> list[EnvVar]:
    out: list[EnvVar] = []
    key = COMPOSE["env"].keys[0]
    for _key, node in view.get(key, []):
        out.extend(_variables(node, (*base, key), done, assumed, written))
    return out


def _build_args(view: View, base: tuple[str | int, ...], done: dict[int, bool], assumed: Assumed | None
                ) -> list[EnvVar]:
    keys = COMPOSE["build_args"].keys
    pair = _last(view, keys[0])
    if pair is None or not y.is_map(pair[1]):
        return []
    out: list[EnvVar] = []
    for _k, node in view[keys[0]]:  # `build` mappings merged across files or `extends` (`_merge_key`)
        if y.is_map(node):
            out.extend(_variables(y.get(node, *keys[1:]), (*base, *keys), done, assumed))
    return out


def _variables(node: Any, path: tuple[str | int, ...], done: dict[int, bool],
               assumed: Assumed | None = None, written: dict[int, str] | None = None) -> list[EnvVar]:
    """`environment:`/`build.args:` as a mapping or a list of `NAME=value` (bare `NAME`: from the host).

    A value interpolated by `_interpolate` is written in the file (a default, `$$` for `$`)
    unless a part came from `.env`; any other `$` is an expansion nobody sets here."""
    out: list[EnvVar] = []

    def dynamic(n: Any, value: str) -> bool:
        if id(n) in done:
            return done[id(n)]
        return has_variable(value.replace("$$", ""))

    if y.is_map(node):
        for name, (k, v) in y.entries(node).items():
            value = y.text(v) if y.is_scalar(v) and y.scalar(v) is not None else None
            if y.is_scalar(v) and (v.style or id(v) in done):
                value = v.value  # quoted, or interpolated: Compose reads `${X:-}` as the string "", not null
            raw = written.get(id(v)) if written else None
            out.append(EnvVar(name, value, y.loc(k), (*path, name), dynamic=dynamic(v, value or ""), written=raw))
            at, key_at = y.loc(v), y.loc(k)
            if assumed is not None and (at.line, at.col) in assumed:
                assumed[(key_at.line, key_at.col)] = assumed[(at.line, at.col)]  # findings about a variable point at its name
    elif y.is_seq(node):
        for i, item in enumerate(y.items(node)):
            text = y.text(item)
            if text is None:
                continue
            name, eq, value = text.partition("=")
            raw = written.get(id(item)) if written else None
            out.append(EnvVar(name, value if eq else None, y.loc(item), (*path, i),
                              dynamic=dynamic(item, value), written=raw.partition("=")[2] if raw else None))
    return out
