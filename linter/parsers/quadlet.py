"""Podman Quadlet `.container` units -> IR: the `podman run` the Quadlet generator writes for them.

A Quadlet unit (`ollama.container` in `/etc/containers/systemd/` or `~/.config/containers/systemd/`)
is a systemd unit whose `[Container]` section the generator turns into the `ExecStart=` of a
service: `podman run --name systemd-%N --replace --rm ... IMAGE COMMAND`. Each key gives the
options podman-systemd.unit(5) names, in the generator's order (containers/podman v5.8.2,
`pkg/systemd/quadlet/quadlet.go` `ConvertContainer`): `Image=` (a `.image` unit's `Image=`, a
`.build` unit's `ImageTag=`: built locally), `PublishPort=` as `--publish`, `Volume=` as `-v` (a
`.volume` unit as its `systemd-` volume), `Mount=`, `AddCapability=`/`DropCapability=` as
`--cap-add`/`--cap-drop`, `NoNewPrivileges=`, `ReadOnly=`, `User=`/`Group=` as `--user`,
`UserNS=`, `SecurityLabelDisable=` as `--security-opt label=disable`, `SeccompProfile=`, `Pod=` (the
`.pod` unit's `PublishPort=` and `Network=host`, its drop-ins merged: its containers share the pod's
network namespace),
`AddDevice=`, `Network=` (a `.container` unit as `container:systemd-NAME`), `Environment=`,
`EnvironmentFile=`, `Secret=`, `Tmpfs=`, `Memory=`, `PidsLimit=`, then `PodmanArgs=` word for word
(so `PodmanArgs=--privileged` or a later `--user` is read as the CLI reads it: last flag wins),
then the image and `Exec=`. Those words are read as any `podman run` line is
(`glmlint.parsers.dockerrun`), each located at the key that gives it.

The unit syntax is systemd's as Podman's parser reads it (`pkg/systemd/parser/unitfile.go`): `#`
and `;` start a comment line, a line ending in `\\` goes on with the next, a key's last value
counts (an empty one resets a list key such as `PublishPort=`), surrounding double quotes are
removed from a single value, list keys (`AddCapability=`) split on blanks, `PodmanArgs=`/`Exec=`
split as systemd splits a command line. Drop-ins (`NAME.container.d/*.conf`, `container.d/*.conf`
beside the unit, merged in name order, a later directory's file of the same name replacing an
earlier one's) are read when the unit is on disk; what they set is located in them. A unit it names
(`Image=ollama.image`, `Network=db.container`, `Volume=models.volume:/models`) is read the same way, with
its own drop-ins (`image.d/`, `NAME.image.d/`, ...).

A `.kube` unit (`parse_kube`) is `podman kube play` of the Kubernetes YAML it names: its containers get
the ports the unit publishes (and its `Network=host`); the YAML is checked on its own.

A `Network=` that names a `.network` unit with `Internal=true` (`podman network create --internal`) keeps
the ports `PublishPort=` publishes: rootful Podman maps none there (netavark 9a10e462 src/network/bridge.rs
sets up no firewall for an internal network, src/firewall/nft.rs no DNAT), but rootless Podman's
`rootlessport` forwards them from the host to the container's address all the same, and a unit's file
does not say which of the two runs it. `Network=host` and `Network=none` publish nothing
(`glmlint.parsers.compose.discarded`).

No fix is offered: a fix would write Quadlet keys, not `podman run` flags.
"""
from __future__ import annotations

import os
from collections.abc import Iterator

from glmlint import records
from glmlint.ir import Command, Format, Loc, SourceFile, Word, Workload
from glmlint.records import dataclass

GROUP = "Container"
_POD = ".pod"  # a Quadlet pod unit (`Pod=llm.pod`): its containers share its network namespace
_DROP_IN = ".conf"  # a drop-in of a unit (`ollama.container.d/10-gpu.conf`)


def merged_from(file: str) -> str | None:
    """What `file`, where a value of a unit's `podman run` is set when not in the unit itself, is to
    the unit: the `.pod` unit its container joins, a drop-in merged into it, or the Kubernetes YAML a
    `.kube` unit plays (None: none of those)."""
    if file.endswith(_POD):
        return "the Quadlet pod it joins"
    if file.endswith(_DROP_IN):
        return "a drop-in Quadlet merges into the unit"
    if file.endswith((".yaml", ".yml", ".json")):
        return "the Kubernetes YAML the unit plays"  # a `.kube` unit's `Yaml=`
    return None


@dataclass(frozen=True, slots=True)
class _Entry:
    key: str
    key_loc: Loc
    value: str
    locs: tuple[Loc, ...]  # each character of `value`, located in its file


def _entries(text: str, file: str = "", section: str = GROUP) -> Iterator[_Entry]:
    """The keys of a section (`[Container]`) in order, each value with a location per character."""
    group = ""
    pending: list[tuple[str, Loc]] = []  # a logical line being continued: (char, loc)
    lines = text.removesuffix("\n").split("\n")
    for n, raw in enumerate(lines, 1):
        stripped = raw.strip()
        lead = len(raw) - len(raw.lstrip())
        if not stripped or stripped[0] in "#;":
            continue  # (a comment inside a continuation is left out too)
        chars = [(ch, Loc(n, lead + i + 1, file)) for i, ch in enumerate(stripped)]
        if stripped.endswith("\\") and n != len(lines):
            pending += chars[:-1]
            continue
        if stripped.endswith("\\"):
            chars = chars[:-1]
        chars, pending = pending + chars, []
        line = "".join(ch for ch, _ in chars)
        if line.startswith("["):
            end = line.find("]")
            if end != -1 and not line[end + 1:].strip(" \t"):
                group = line[1:end]
            continue
        eq = line.find("=")
        if eq <= 0 or group != section:
            continue
        start = eq + 1
        while start < len(line) and line[start].isspace():
            start += 1
        yield _Entry(line[:eq].rstrip(), chars[0][1], line[start:], tuple(loc for _, loc in chars[start:]))


class _Unit:
    """A `.container` unit's `[Container]` keys, looked up as Podman's unit file parser looks them up."""

    def __init__(self, entries: list[_Entry], anchor: Loc) -> None:
        self.entries = entries
        self.anchor = anchor

    def _all(self, key: str) -> list[_Entry]:
        found: list[_Entry] = []
        for e in self.entries:
            if e.key == key:
                found = found + [e] if e.value else []  # an empty value clears the list
        return found

    def last(self, key: str) -> tuple[Word, Word] | None:
        """(the key, its value): the last one, trailing blanks and one pair of double quotes removed."""
        found = [e for e in self.entries if e.key == key]
        if not found:
            return None
        e = found[-1]
        value = e.value.rstrip()
        skip = 0
        if len(value) >= 2 and value[0] == '"' and value[-1] == '"':
            value, skip = value[1:-1], 1
        return _key(e), _word(value, e, skip)

    def text(self, key: str) -> str | None:
        got = self.last(key)
        return got[1].text if got is not None else None

    def boolean(self, key: str) -> tuple[Word, bool] | None:
        got = self.last(key)
        return None if got is None else (got[0], got[1].text.lower() in ("1", "yes", "true", "on"))

    def all(self, key: str) -> list[tuple[Word, Word]]:
        """Every value of a list key, whole (`PublishPort=`, `Volume=`, `Network=`)."""
        return [(_key(e), _word(e.value.rstrip(), e)) for e in self._all(key)]

    def split(self, key: str) -> list[tuple[Word, Word]]:
        """Every value of a list key, split into words (`AddCapability=`, `PodmanArgs=`)."""
        return [(_key(e), w) for e in self._all(key) for w in _split(e)]

    def last_split(self, key: str) -> list[Word] | None:
        found = [e for e in self.entries if e.key == key]
        return _split(found[-1]) if found else None


def _key(e: _Entry) -> Word:
    return Word(e.key, e.key_loc)


def _word(value: str, e: _Entry, skip: int = 0) -> Word:
    loc = e.locs[skip] if skip < len(e.locs) else (e.locs[-1] if e.locs else e.key_loc)
    return Word(value, loc, "$" in value)


_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "\\": "\\", '"': '"', "'": "'", "s": " ", "a": "\a", "b": "\b",
            "f": "\f", "v": "\v"}


def _split(e: _Entry) -> list[Word]:
    """`e`'s value split on blanks as systemd splits a command line: quotes removed, C escapes read."""
    value, words = e.value, []
    i = 0
    while i < len(value):
        if value[i].isspace():
            i += 1
            continue
        start, out, quote = i, [], ""
        while i < len(value) and (quote or not value[i].isspace()):
            ch = value[i]
            if quote and ch == quote:
                quote = ""
            elif not quote and ch in "\"'":
                quote = ch
            elif ch == "\\" and i + 1 < len(value):
                i += 1
                out.append(_ESCAPES.get(value[i], value[i]))
            else:
                out.append(ch)
            i += 1
        text = "".join(out)
        words.append(Word(text, e.locs[start], "$" in text))
    return words


def _drop_ins(real_path: str, display: str, section: str = GROUP) -> list[_Entry]:
    """The `[section]` keys of the unit's drop-ins, in the order the generator merges them (for
    `a-b.container`: the `.conf` files of `container.d/`, then of each `PREFIX-.container.d/` the
    unit's name starts with, then of `a-b.container.d/`; a `.image` unit's `image.d/`, ...), a file
    replacing one of the same name before it, in name order."""
    folder, name = os.path.split(real_path)
    shown = os.path.dirname(display)
    stem, _, ext = name.rpartition(".")
    dirs = [ext + ".d"] + [f"{stem[:i + 1]}.{ext}.d" for i, ch in enumerate(stem) if ch == "-"] + [name + ".d"]
    chosen: dict[str, tuple[str, str]] = {}
    for d in dirs:
        try:
            names = os.listdir(os.path.join(folder, d))
        except OSError:
            continue
        for conf in names:
            if conf.endswith(_DROP_IN):
                chosen[conf] = (os.path.join(folder, d, conf), "/".join(p for p in (shown, d, conf) if p))
    entries: list[_Entry] = []
    for conf in sorted(chosen):
        disk, shown_path = chosen[conf]
        try:
            with open(disk, encoding="utf-8") as fh:
                entries.extend(_entries(fh.read(), shown_path, section))
        except (OSError, UnicodeDecodeError):
            continue
    return entries


def _unit_value(real_path: str, unit: str, key: str, group: str) -> str | None:
    """The value of `key` in the `[group]` section of the Quadlet unit `unit` beside `real_path`
    (`ollama.image`'s `Image=`), its drop-ins merged, read as the unit itself is: the last value
    counts, continuations joined, one pair of double quotes removed."""
    path = os.path.join(os.path.dirname(real_path), unit)
    try:
        with open(path, encoding="utf-8") as fh:
            text = fh.read()
    except (OSError, UnicodeDecodeError):
        return None
    entries = [*_entries(text, unit, group), *_drop_ins(path, unit, group)]
    return _Unit(entries, Loc(1, 1)).text(key)


def _pod_entries(real_path: str, display: str, pod: str) -> list[_Entry]:
    """The `[Pod]` keys of the `.pod` unit `pod` beside the unit, then its drop-ins' (`pod.d/`,
    `NAME.pod.d/`, merged as a `.container`'s are), each located in its file."""
    path = os.path.join(os.path.dirname(real_path), pod)
    try:
        with open(path, encoding="utf-8") as fh:
            text = fh.read()
    except (OSError, UnicodeDecodeError):
        return []
    shown = "/".join(p for p in (os.path.dirname(display), pod) if p)
    return [*_entries(text, shown, "Pod"), *_drop_ins(path, shown, "Pod")]


def _network(v: Word, real_path: str, on_disk: bool) -> Word:
    """A `Network=` value as the generator passes it to `--network` (`addNetworks`): a `.container`
    unit as `container:` its name, a `.network` unit as its `systemd-` network, options kept."""
    net = v.text
    base, colon, options = net.partition(":")
    if base.endswith(".container"):
        named = _unit_value(real_path, base, "ContainerName", GROUP) if on_disk else None
        net = "container:" + (named or "systemd-" + base[:-len(".container")])
    elif base.endswith(".network"):
        net = "systemd-" + base[:-len(".network")] + colon + options
    return Word(net, v.loc, v.dynamic)


_SIMPLE = (("Timezone", "--tz"), ("PidsLimit", "--pids-limit"), ("ShmSize", "--shm-size"),
           ("WorkingDir", "--workdir"), ("IP", "--ip"), ("IP6", "--ip6"), ("HostName", "--hostname"),
           ("StopSignal", "--stop-signal"), ("StopTimeout", "--stop-timeout"), ("Pull", "--pull"),
           ("Memory", "--memory"))
_LISTS = (("NetworkAlias", "--network-alias"), ("Ulimit", "--ulimit"), ("DNS", "--dns"),
          ("DNSOption", "--dns-option"), ("DNSSearch", "--dns-search"), ("GroupAdd", "--group-add"),
          ("AddHost", "--add-host"), ("Tmpfs", "--tmpfs"))
_BOOLS = (("RunInit", "--init"), ("EnvironmentHost", "--env-host"), ("HttpProxy", "--http-proxy"),
          ("ReadOnlyTmpfs", "--read-only-tmpfs"))
_LABELS = (("SecurityLabelType", "label=type:"), ("SecurityLabelFileType", "label=filetype:"),
           ("SecurityLabelLevel", "label=level:"), ("AppArmor", "apparmor="))


def parse(path: str, text: str, real_path: str = "") -> SourceFile | None:
    """The container a Quadlet `.container` unit starts (none without an `Image=`)."""
    from glmlint.parsers.dockerrun import lift

    source = SourceFile(path=path, format=Format.DOCKER_RUN, text=text)
    source.json = True  # no fix: the settings are Quadlet keys, not `podman run` flags
    entries = list(_entries(text))
    header = next((n for n, line in enumerate(text.splitlines(), 1) if line.strip() == f"[{GROUP}]"), 0)
    if not header:
        return source
    on_disk = real_path and real_path != "-"
    if on_disk:
        entries += _drop_ins(real_path, path)
    unit = _Unit(entries, Loc(header, 1))
    image = unit.last("Image")
    if image is None or not image[1].text:
        return source  # a `Rootfs=` container or a fragment: no image to read
    name = path.replace("\\", "/").rsplit("/", 1)[-1]
    stem = name.removesuffix(".container")
    image_word, built = image[1], False
    for suffix, group, key in ((".image", "Image", "Image"), (".build", "Build", "ImageTag")):
        if image_word.text.endswith(suffix):
            resolved = _unit_value(real_path, image_word.text, key, group) if on_disk else None
            image_word = Word(resolved or image_word.text, image_word.loc, "$" in (resolved or ""))
            built = suffix == ".build"

    words: list[Word] = []

    def add(key: Word, *texts: str, value: Word | None = None) -> None:
        """The options a key gives, located at its value (`AddCapability=SYS_ADMIN NET_ADMIN`: each
        capability's `--cap-add` at its own word), or at the key for a switch (`ReadOnly=false`)."""
        at = value.loc if value is not None else key.loc
        for t in texts:
            words.append(Word(t, at))
        if value is not None:
            words.append(value)

    container_name = unit.last("ContainerName")
    shown_name = container_name[1].text if container_name and container_name[1].text else f"systemd-{stem}"
    add(Word("", unit.anchor), "--name", shown_name)
    entrypoint = unit.last("Entrypoint")
    if entrypoint is not None:
        add(entrypoint[0], "--entrypoint", value=entrypoint[1])
    for key, flag in _SIMPLE:
        got = unit.last(key)
        if got is not None and got[1].text:
            add(got[0], flag, value=got[1])
    for key, flag in _LISTS:
        for k, v in unit.all(key):
            add(k, flag, value=v)
    for key, flag in _BOOLS:
        b = unit.boolean(key)
        if b is not None:
            add(b[0], flag if b[1] else f"{flag}=false")
    for k, v in unit.all("Network"):
        add(k, "--network", value=_network(v, real_path, bool(on_disk)))
    for key, option in (("NoNewPrivileges", "no-new-privileges"), ("SecurityLabelDisable", "label=disable"),
                        ("SecurityLabelNested", "label=nested")):
        b = unit.boolean(key)
        if b is not None and b[1]:
            add(b[0], "--security-opt", option)
    for key, prefix in _LABELS:
        got = unit.last(key)
        if got is not None and got[1].text:
            add(got[0], "--security-opt", value=Word(prefix + got[1].text, got[1].loc, got[1].dynamic))
    for k, v in unit.split("AddDevice"):
        add(k, "--device", value=Word(v.text.removeprefix("-"), v.loc, v.dynamic))
    seccomp = unit.last("SeccompProfile")
    if seccomp is not None:
        add(seccomp[0], "--security-opt", value=Word("seccomp=" + seccomp[1].text, seccomp[1].loc, seccomp[1].dynamic))
    # (the generator lower-cases capabilities; podman reads them in any case, so they are kept as written)
    for key, flag in (("DropCapability", "--cap-drop"), ("AddCapability", "--cap-add"), ("Sysctl", "--sysctl")):
        for k, v in unit.split(key):
            add(k, flag, value=v)
    read_only = unit.boolean("ReadOnly")
    if read_only is not None:
        add(read_only[0], "--read-only" if read_only[1] else "--read-only=false")
    volatile = unit.boolean("VolatileTmp")
    if volatile is not None and volatile[1] and not (read_only is not None and read_only[1]):
        add(volatile[0], "--tmpfs", "/tmp:rw,size=512M,mode=1777")
    user, group = unit.last("User"), unit.last("Group")
    if user is not None and user[1].text:
        spec = user[1].text + (":" + group[1].text if group is not None and group[1].text else "")
        add(user[0], "--user", value=Word(spec, user[1].loc, "$" in spec))
    for key, flag in (("UserNS", "--userns"), ("SubUIDMap", "--subuidname"), ("SubGIDMap", "--subgidname")):
        got = unit.last(key)
        if got is not None and got[1].text:
            add(got[0], flag, value=got[1])
    for key, flag in (("UIDMap", "--uidmap"), ("GIDMap", "--gidmap")):
        for k, v in unit.split(key):
            add(k, flag, value=v)
    for k, v in unit.all("Volume"):
        source_part, colon, rest = v.text.partition(":")
        if colon and source_part.endswith(".volume"):
            volume = _unit_value(real_path, source_part, "VolumeName", "Volume") if on_disk else None
            v = Word((volume or "systemd-" + source_part[:-len(".volume")]) + ":" + rest, v.loc, v.dynamic)
        add(k, "-v", value=v)
    for k, v in unit.all("ExposeHostPort"):
        add(k, "--expose", value=Word(v.text.strip(), v.loc))
    for k, v in unit.all("PublishPort"):
        add(k, "--publish", value=v)
    pod = unit.last("Pod")
    if pod is not None and pod[1].text.endswith(_POD) and on_disk:
        # a container in a Quadlet pod shares its network namespace: the pod publishes the ports
        # (podman refuses `--publish` on a container that joins a pod), read from its `[Pod]` section
        # and the pod's drop-ins; the pod's `Network=host` (`podman pod create --network host`,
        # ConvertPod's addNetworks) puts every container of the pod on the host's network
        pod_unit = _Unit(_pod_entries(real_path, path, pod[1].text), unit.anchor)
        for k, v in pod_unit.all("PublishPort"):
            add(k, "--publish", value=v)
        for k, v in pod_unit.all("Network"):
            if v.text.strip() == "host":
                add(k, "--network", value=v)
    for key, flag in (("Environment", "--env"), ("Label", "--label"), ("Annotation", "--annotation")):
        for k, v in unit.split(key):
            add(k, flag, value=v)
    for key, option in (("Mask", "mask="), ("Unmask", "unmask=")):
        for k, v in unit.split(key):
            add(k, "--security-opt", value=Word(option + v.text, v.loc, v.dynamic))
    for key, flag in (("EnvironmentFile", "--env-file"), ("Secret", "--secret"), ("Mount", "--mount")):
        for k, v in unit.split(key):
            add(k, flag, value=v)
    for k, v in unit.split("PodmanArgs"):
        words.append(v)
    exec_words = unit.last_split("Exec") or []
    anchor = unit.anchor
    argv = (Word("podman", anchor), Word("run", anchor), *words, image_word, *exec_words)
    w = lift(Command(argv, anchor), path)
    if w is None:
        return source
    label = f"Quadlet container `{stem}`"
    source.workloads.append(records.replace(w, name=shown_name, label=label,
                                            pulls=() if built else tuple(records.replace(p, owner=label)
                                                                         for p in w.pulls)))
    return source


_KUBE_GROUP = "Kube"  # a Quadlet kube unit's section (`ollama.kube`: `podman kube play` of its `Yaml=` files)


def parse_kube(path: str, text: str, real_path: str = "") -> SourceFile:
    """What a Quadlet `.kube` unit adds to the Kubernetes YAML it plays: the ports it publishes.

    The generator turns `[Kube]` into `podman kube play --replace --service-container=true ...
    YAML...` (containers/podman c6580b4a, pkg/systemd/quadlet/quadlet.go `ConvertKube`): `Yaml=` names
    the YAML files (a relative path from the unit's directory), `PublishPort=` becomes `--publish`,
    `Network=` `--network` (addNetworks). kube play publishes a pod's `hostPort`s and the `--publish`
    ports, on the pod's network namespace (pkg/domain/infra/abi/play.go `mergePublishPorts`,
    pkg/specgen/generate/kube/kube.go `getPodPorts`; docs podman-kube-play.1 `--publish`): every
    container of every pod of the YAML is reached on them; `--network host` puts the pods on the host's
    network. The YAML itself is scanned on its own (its containers' settings, its `hostPort`s); each of its
    containers is read here with the unit's ports or host network only when the unit gives some: its
    image, start command and variables located in the YAML (a finding about them is the YAML's own,
    `Result.cause`), partial (what it lacks is the YAML's to report)."""
    import posixpath

    from glmlint.parsers.dockerrun import lift

    source = SourceFile(path=path, format=Format.DOCKER_RUN, text=text)
    source.json = True  # no fix: the settings are Quadlet keys and the YAML's fields
    header = next((n for n, line in enumerate(text.splitlines(), 1) if line.strip() == f"[{_KUBE_GROUP}]"), 0)
    if not header or not real_path or real_path == "-":
        return source  # the YAML is read from beside the unit on disk
    unit = _Unit([*_entries(text, "", _KUBE_GROUP), *_drop_ins(real_path, path, _KUBE_GROUP)], Loc(header, 1))
    added: list[Word] = []
    for _k, v in unit.all("PublishPort"):
        added += [Word("--publish", v.loc), v]
    for _k, v in unit.all("Network"):
        if v.text.strip() == "host":
            added += [Word("--network", v.loc), v]
    if not added:
        return source
    stem = path.replace("\\", "/").rsplit("/", 1)[-1].removesuffix(".kube")
    # one YAML: Quadlet's ConvertKube reads `Yaml=` with `Lookup`, the last value, whole (a path may hold spaces)
    for _k, v in unit.all("Yaml")[-1:]:
        if v.dynamic or v.text.startswith("/") or "%" in v.text:
            continue  # a path on the host (or a systemd specifier): not in the scan
        shown = posixpath.normpath("/".join(p for p in (posixpath.dirname(path.replace("\\", "/")), v.text) if p))
        def at(loc: Loc) -> Loc:
            return loc if loc.file else Loc(loc.line, loc.col, shown)  # a value of the YAML, located there

        def moved(word: Word) -> Word:
            return Word(word.text, at(word.loc), word.dynamic)

        for w in _played(shown, os.path.join(os.path.dirname(real_path), v.text)):
            image = w.image.value if w.image is not None else None
            if not image:
                continue
            words = [Word("podman", unit.anchor), Word("run", unit.anchor), *added]
            for e in w.env:
                spec = e.name if e.value is None else f"{e.name}={e.value}"
                words += [Word("--env", at(e.loc)), Word(spec, at(e.loc), e.dynamic)]
            entry = [moved(x) for x in (w.entrypoint.value or ())] if w.entrypoint is not None else []
            if entry:
                words += [Word("--entrypoint", entry[0].loc), entry[0]]
            words.append(Word(image, at(w.image.loc), "$" in image))
            words += entry[1:] + [moved(x) for x in (w.command.value or () if w.command is not None else ())]
            lifted = lift(Command(tuple(words), unit.anchor), path)
            if lifted is None:
                continue
            label = f"container `{w.name}` of Quadlet kube `{stem}` (`{shown}`)"
            source.workloads.append(records.replace(lifted, name=w.name, label=label, partial=True, pulls=(),
                                                    env_imports=w.env_imports))
    return source


def _played(shown: str, disk: str) -> list[Workload]:
    """The containers of the Kubernetes YAML at `disk` (reported as `shown`), read as the scan reads it
    on its own (what cannot be read safely, an alias bomb, is not read here either)."""
    import glmlint.parsers.kubernetes as kubernetes
    import glmlint.parsers.yamlnodes as yamlnodes

    try:
        with open(disk, encoding="utf-8") as fh:
            text = fh.read()
    except (OSError, UnicodeDecodeError):
        return []
    try:
        docs = yamlnodes.compose_all(text)
        if "*" in text and "&" in text:
            for doc in docs:
                if doc is not None:
                    yamlnodes.check(doc, aliases=True, duplicates=False)
    except yamlnodes.YamlError:
        return []
    if not any(kubernetes.is_kubernetes(d) for d in docs):
        return []
    return list(kubernetes.parse(shown, text, docs, False).workloads)
