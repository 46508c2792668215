"""Fix intents written into compose files and Kubernetes manifests.

Where each IR field lives in each format is the table the parser reads it
through (`glmlint.fields`); an explicit value is replaced where it is written
(in an anchor, the pod's `securityContext`, ...), an absent one is added below
the workload's own mapping at its row's keys, all missing keys of one fix in
one block.
"""
from __future__ import annotations

from typing import Any

from glmlint.fields import COMPOSE, KUBERNETES, SECURITY_OPTIONS, Key
from glmlint.fix.text import Edit, FixError
from glmlint.fix.yamledit import BlockSeq, YamlDoc
from glmlint.ir import INSIDE_TEXT, Format, Item, Setting, Workload
from glmlint.parsers import yamlnodes as y
from glmlint.fix.lowering import Lowering, unmounted
from glmlint.rule import Intent, own_user

Keys = tuple[str, ...]

# where each IR field lives: `glmlint.fields`, the tables the parsers read through
TABLES: dict[Format, dict[str, Key]] = {Format.COMPOSE: COMPOSE, Format.KUBERNETES: KUBERNETES}


def _merge(tree: dict[str, Any], keys: Keys, value: Any) -> None:
    for k in keys[:-1]:
        tree = tree.setdefault(k, {})
        if not isinstance(tree, dict):
            raise FixError(f"conflicting changes under `{k}`")
    old = tree.get(keys[-1])
    if isinstance(old, list) and isinstance(value, list):
        tree[keys[-1]] = type(old)(old + [v for v in value if v not in old])  # several items for one new list
    elif isinstance(old, dict) and isinstance(value, dict):
        old.update(value)  # several variables for one new compose `environment:` mapping
    else:
        tree[keys[-1]] = value


def _nested(keys: Keys, value: Any) -> dict[str, Any]:
    tree: dict[str, Any] = {}
    _merge(tree, keys, value)
    return tree


def _user_parts(user: str) -> tuple[int, int | None]:
    uid, _, gid = user.partition(":")
    if not uid.isdigit() or (gid and not gid.isdigit()):
        raise FixError(f"--fix-user must be numeric (`UID` or `UID:GID`), not `{user}`")
    return int(uid), int(gid) if gid else None


class ManifestFixer(Lowering):
    def __init__(self, ydoc: YamlDoc, workload: Workload, fix_user: str,
                 siblings: tuple[Workload, ...] = ()) -> None:
        self.ydoc = ydoc
        self.w = workload
        self.siblings = siblings  # Kubernetes: the other containers of its pod
        self.fmt = workload.format
        self.fields = TABLES[self.fmt]
        self.user = fix_user
        self.tree: dict[str, Any] = {}
        self.pod_tree: dict[str, Any] = {}  # Kubernetes: keys of the pod spec (an emptyDir volume)
        # Kubernetes: keys of a pod securityContext's mapping that does not hold the pod's volumes (`set_fs_group`)
        self.context_trees: dict[tuple[str | int, ...], dict[str, Any]] = {}
        self.writable: list[str] = []  # paths to make writable beside a read-only root filesystem
        self.env: list[tuple[str, str]] = []  # variables to add (GLM001's HOME and USER)
        self.edits: list[Edit] = []

    def lower(self, intents: tuple[Intent, ...]) -> list[Edit]:
        self.dispatch(intents)
        if self.env:
            self._write_env(self.env)
        if self.writable:
            if self.fmt is Format.COMPOSE:
                self._compose_tmpfs(self.writable)
            else:
                self._empty_dirs(self.writable)
        if self.pod_tree:
            pod = self.ydoc.node(self._volumes_path())
            if not y.is_map(pod):
                raise FixError(f"cannot find the pod of {self.w.label}")
            self.edits.extend(self.ydoc.set_tree(pod, self.pod_tree))
        for path, tree in self.context_trees.items():
            holder = self.ydoc.node(path)
            if not y.is_map(holder):
                raise FixError(f"cannot find the pod securityContext of {self.w.label}")
            self.edits.extend(self.ydoc.set_tree(holder, tree))
        if self.tree:
            mapping = self.ydoc.node(self.w.node_path)
            if not y.is_map(mapping):
                raise FixError(f"cannot find {self.w.label}")
            self.edits.extend(self.ydoc.set_tree(mapping, self.tree))
        return self.edits

    # -- intents ------------------------------------------------------------------

    def _replace(self, setting: Setting[Any], value: Any) -> bool:
        """Replace an explicit scalar where it is written; False when there is none."""
        if not setting.explicit:
            return False
        node = self.ydoc.scalar_at(setting.loc)
        if node is None:
            return False
        got = self.ydoc.parent(node)
        if got is not None and y.is_map(got[0]) and got[1] is node:
            return False  # the loc is a key: the setting's value is a collection
        self.edits.append(self.ydoc.replace_scalar(node, value))
        return True

    def _keys(self, field: str) -> Keys:
        """Where a fix writes `field` when the workload does not write it yet (its table row)."""
        row = self.fields.get(field)
        if row is None or not row.writable:
            raise FixError(f"no place for `{field}` in a {self.fmt} file")
        return row.keys

    def set_value(self, setting: Setting[Any], field: str, value: Any) -> None:
        if field == "shared_memory":
            self.shared_memory(str(value))
            return
        if field == "mount.read_only":
            self.set_mount_read_only(setting, value)
            return
        if field == "user":
            self.set_user(setting, own_user(value))
            return
        if self.fmt is Format.COMPOSE and field in SECURITY_OPTIONS:
            opt = SECURITY_OPTIONS[field]
            text = f"{opt.name}:{'true' if opt.negated and value is False else value}"
            if not self._replace(setting, text):
                self.ensure_item(Setting((), self.w.anchor, explicit=False), "security_opts", text)
            return
        keys = self._keys(field)
        if field in ("apparmor", "seccomp") and setting.explicit and not setting.path and value == "RuntimeDefault":
            value = "runtime/default"  # the AppArmor and seccomp annotations' spelling
        if not self._replace(setting, value):
            _merge(self.tree, keys, value)
        if field == "read_only_rootfs" and value is True and "/tmp" not in self.writable:
            self.writable.insert(0, "/tmp")  # a tmpfs (compose) or an emptyDir (Kubernetes) at /tmp

    def set_mount_read_only(self, setting: Setting[Any], value: Any) -> None:
        """`readOnly: true` on a k8s `volumeMounts` item, `read_only: true` on a compose long-form volume
        (`setting.path` is the item's path)."""
        item = self.ydoc.node(setting.path)
        if not y.is_map(item):
            raise FixError("the mount is not a mapping")
        key = self.fields["mount.read_only"].keys[-1]
        own = self.ydoc.own(item, key)
        if own is not None:
            self.edits.append(self.ydoc.replace_scalar(own[1], value))
        else:
            self.edits.extend(self.ydoc.set_tree(item, {key: value}))

    def set_user(self, setting: Setting[Any], own: str | None = None) -> None:
        """`own`: the image's own user (`glmlint.rule.own_user`), set as it is, instead of the fix user."""
        if own is not None and self.fmt is Format.COMPOSE:
            if not self._replace(setting, own):
                _merge(self.tree, self.fields["user"].keys, own)
            return
        uid, gid = _user_parts(own or self.user)
        if self.fmt is Format.COMPOSE:
            text = f"{uid}:{gid if gid is not None else uid}"
            if not self._replace(setting, text):
                _merge(self.tree, self.fields["user"].keys, text)
            return
        row = self.fields["user"]
        if setting.path and tuple(setting.path[-len(row.keys):]) != row.keys:
            # an operator's own field for the pod's user (a NIMService's `userID`): replaced where it is
            # written; the resource has no `securityContext` for anything else
            if not self._replace(setting, uid):
                raise FixError(f"no place for the user of {self.w.label}")
            return
        if not self._replace(setting, uid):
            _merge(self.tree, row.keys, uid)
        if gid is not None and row.group is not None:
            _merge(self.tree, row.group, gid)
        non_root = self.w.run_as_non_root
        if non_root is None or not self._replace(non_root, True):
            _merge(self.tree, self.fields["run_as_non_root"].keys, True)

    def _unmounted(self, paths: list[str], w: Workload | None = None, *, nested: bool = False) -> list[str]:
        return unmounted(paths, (w or self.w).mounts, nested=nested)

    def _tmpfs_entry(self) -> tuple[Any, Any, set[str]] | None:
        """Compose: the service's own `tmpfs` (key, value, the paths it mounts), None without one."""
        mapping = self.ydoc.node(self.w.node_path)
        tmpfs = self.fields["writable_paths"].keys
        if not (y.is_map(mapping) and tmpfs[0] in y.entries(mapping)):
            return None
        key, node = y.entries(mapping)[tmpfs[0]]
        have = {(y.text(n) or "").split(":")[0].rstrip("/") for n in (y.items(node) if y.is_seq(node) else [node])}
        return key, node, have

    def _compose_tmpfs(self, paths: list[str]) -> None:
        """`read_only: true` needs a writable /tmp (and the paths the image writes): a `tmpfs` at each
        that nothing mounts yet."""
        paths = self._unmounted(paths, nested=True)
        entry = self._tmpfs_entry()
        if entry is not None:
            key, node, have = entry
            rest = [p for p in paths if p.rstrip("/") not in have]
            if rest and y.is_seq(node) and node.value and not self.ydoc._aliased(key, node):
                self.edits.extend(self.ydoc.append_item(node, p) for p in rest)
            return
        if paths:
            _merge(self.tree, self.fields["writable_paths"].keys, paths)

    def shared_memory(self, size: str) -> None:
        """A /dev/shm of the container's own, where it shared the host's: compose `shm_size: size`, a
        Kubernetes memory-backed `emptyDir` mounted there (its size is the pod's memory limit) in every
        container of the pod (they all shared the host's IPC namespace); nothing for a workload (a
        container) that already sizes or mounts it (a volume or a compose `tmpfs` at /dev/shm)."""
        if self.fmt is Format.COMPOSE:
            entry = self._tmpfs_entry()
            if self._unmounted(["/dev/shm"]) == [] or (entry is not None and "/dev/shm" in entry[2]):
                return
            mapping = self.ydoc.node(self.w.node_path)
            key = self.fields["shared_memory"].keys
            if not (y.is_map(mapping) and key[0] in y.entries(mapping)):
                _merge(self.tree, key, size)
            return
        bare = [w for w in (self.w, *self.siblings) if self._unmounted(["/dev/shm"], w)]
        if not bare:
            return
        name = self._shm_volume() or self._empty_dir_volume("/dev/shm", "Memory")
        for w in bare:
            if w is self.w:
                _merge(self.tree, self.fields["mounts"].keys, [{"name": name, "mountPath": "/dev/shm"}])
                continue
            node = self.ydoc.node(w.node_path)
            if not y.is_map(node):
                raise FixError(f"cannot find {w.label}")
            self.edits.extend(self.ydoc.set_tree(node, _nested(self.fields["mounts"].keys,
                                                               [{"name": name, "mountPath": "/dev/shm"}])))

    def _shm_volume(self) -> str | None:
        """The pod's memory-backed `emptyDir` that one of its containers already mounts at /dev/shm (the
        common `dshm`): the containers shared one /dev/shm, the host's, so the others mount that one too
        rather than a second volume of the same kind."""
        names = {m.source for w in (self.w, *self.siblings) for m in w.mounts
                 if m.source and m.target.rstrip("/") == "/dev/shm"}
        if not names:
            return None
        pod = self.ydoc.node(self._volumes_path())
        if not y.is_map(pod):
            return None
        for v in y.items(y.get(pod, *self.fields["volumes"].keys)):
            name = y.text(y.get(v, "name"))
            if name in names and y.text(y.get(v, "emptyDir", "medium")) == "Memory":
                return name
        return None

    def _volumes_path(self) -> tuple[str | int, ...]:
        """Where the pod's `volumes` go (the IR's `Pod.volumes_path`: a pod spec, an Argo template, a
        KServe predictor)."""
        pod = self.w.pod
        if pod is None or pod.volumes_path is None:
            raise FixError(f"cannot find the pod of {self.w.label} to add an emptyDir")
        return pod.volumes_path

    def _empty_dirs(self, paths: list[str]) -> None:
        """Kubernetes: an `emptyDir` volume in the pod and a `volumeMount` in the container at each path
        nothing mounts yet (the read-only fix's `/tmp`, the paths the image writes)."""
        for path in self._unmounted(paths, nested=True):
            name = self._empty_dir_volume(path)
            _merge(self.tree, self.fields["mounts"].keys, [{"name": name, "mountPath": path}])

    def _empty_dir_volume(self, path: str, medium: str | None = None) -> str:
        """Add an `emptyDir` volume for `path` to the pod, named after the path and unlike any other
        volume's name; returns the name."""
        pod = self.ydoc.node(self._volumes_path())
        volumes = self.fields["volumes"].keys
        taken = {y.text(y.get(v, "name")) for v in y.items(y.get(pod, *volumes))} if y.is_map(pod) else set()
        added: Any = self.pod_tree
        for k in volumes:
            added = added.get(k, {}) if isinstance(added, dict) else {}
        taken |= {v["name"] for v in added} if isinstance(added, list) else set()  # this fix's own
        base = "tmp" if path.rstrip("/") == "/tmp" else _volume_name(path)
        name, n = base[:60].rstrip("-"), 1
        while name in taken:
            n += 1
            name = f"{base[:57].rstrip('-')}-{n}"
        _merge(self.pod_tree, volumes, [{"name": name, "emptyDir": {"medium": medium} if medium else {}}])
        return name

    def ensure_item(self, setting: Setting[tuple[Item, ...]], field: str, item: str) -> None:
        if field == "writable_paths":
            if item not in self.writable:
                self.writable.append(item)
            return
        if field == "fs_group":
            self.set_fs_group(item)
            return
        if field == "env":
            if setting.explicit:
                self._replace_env(setting, *item.split("=", 1))
            else:
                self.set_env(*item.split("=", 1))
            return
        if field == "ports" and self.fmt is Format.COMPOSE and not self.w.ports:
            # a port the service did not publish (GLM009's `network_mode: host` removed): a short-syntax entry,
            # in block style when the file's sequences are (`yamledit.BlockSeq`)
            _merge(self.tree, self.fields[field].keys, BlockSeq([item]))
            return
        keys = self._keys(field)
        if setting.explicit:
            got = self.ydoc.key_at(setting.loc)
            if got is not None:
                _mapping, key, value = got
                if self.ydoc._aliased(key, value):
                    raise FixError(f"`{key.value}` is an alias shared with other places")
                if y.is_seq(value):
                    self.edits.append(self.ydoc.append_item(value, item))
                    return
                if y.is_scalar(value) and (value.value in ("", "~", "null")):
                    self.edits.extend(self.ydoc.fill(key, value, [item]))
                    return
                raise FixError(f"`{key.value}` is not a list")
        _merge(self.tree, keys, [item])

    def set_env(self, name: str, value: str) -> None:
        """Give the container the variable `name` (GLM001's HOME and USER): written by `_write_env`, once for
        every variable of the fix. A variable it already sets is not the fix's to change."""
        if any(v.name == name for v in self.w.env):
            raise FixError(f"{self.w.label} already sets {name}")
        self.env.append((name, value))

    def set_fs_group(self, uid: str) -> None:
        """The pod's `securityContext.fsGroup` (GLM001's, beside the uid it sets, `uid`; the gid of `--fix-user
        UID:GID` when that is the uid): the kubelet gives the pod's claims to that group, group-writable. Written
        where the parser reads the pod's securityContext (`Pod.context_path`), written there or not: a pod spec,
        an Argo template (or the `templateDefaults`/workflow one it inherits), a KServe component (PodSpec
        fields inline); never inside an Argo `podSpecPatch` string, nor on a container's own mapping."""
        if self.fmt is not Format.KUBERNETES:
            raise FixError(f"no place for fsGroup in a {self.fmt} file")
        volumes = self._volumes_path()
        pod = self.w.pod
        at = pod.context_path if pod is not None else None
        if not at or INSIDE_TEXT in at or tuple(at[:-1]) == tuple(self.w.node_path) \
                or not y.is_map(self.ydoc.node(at[:-1])):
            raise FixError(f"cannot find the pod securityContext of {self.w.label}")
        own, gid = _user_parts(self.user)
        value = gid if gid is not None and uid == str(own) else int(uid) if uid.isdigit() else None
        if value is None:
            raise FixError(f"fsGroup must be numeric, not `{uid}`")
        key = str(at[-1])
        # the mapping that holds the pod's volumes takes both in one tree (an emptyDir the same fix adds)
        tree = self.pod_tree if tuple(at[:-1]) == tuple(volumes) else self.context_trees.setdefault(tuple(at[:-1]), {})
        _merge(tree, (key, "fsGroup"), value)
        if pod is not None and pod.context.fs_group_change_policy is None:
            # under the default `Always` the kubelet walks and re-owns the whole volume at every mount (a 500 Gi
            # model cache: minutes per pod start); `OnRootMismatch` skips the walk once the volume's root has
            # that group (kubernetes pkg/volume/volume_linux.go `SetVolumeOwnership`, at 7dd8853f) (review A20 X3)
            _merge(tree, (key, "fsGroupChangePolicy"), "OnRootMismatch")

    def _replace_env(self, setting: Setting[Any], name: str, value: str) -> None:
        """Give the variable `name` the container writes at `setting` (GLM001's `HOME=/root`, which its new uid
        cannot write) the value `value`, where it is written: a compose `environment:` list item
        (`HOME=/root`) or mapping value, a Kubernetes `env:` item's `value`."""
        path = setting.path
        if path[-1] == name:  # a compose mapping `HOME: /root`
            holder, key = self.ydoc.node(path[:-1]), name
        else:  # a list item: compose `HOME=/root`, Kubernetes `{name: HOME, value: /root}`
            holder, key = self.ydoc.node(path), "value"
            if holder is None or (holder.start_mark.line + 1, holder.start_mark.column + 1) != \
                    (setting.loc.line, setting.loc.col):
                raise FixError(f"cannot find where {name} is written at line {setting.loc.line}")
            if y.is_scalar(holder):
                self.edits.append(self.ydoc.replace_scalar(holder, f"{name}={value}"))
                return
        got = self.ydoc.own(holder, key) if holder is not None and y.is_map(holder) else None
        if got is None or self.ydoc._aliased(*got):
            raise FixError(f"{name} at line {setting.loc.line} has no value of its own to change")
        self.edits.append(self.ydoc.replace_scalar(got[1], value))

    def _write_env(self, variables: list[tuple[str, str]]) -> None:
        """Add `variables` in the style the container's are written: compose `environment:` as a list
        (`NAME=value`) or a mapping, Kubernetes `env:` items; added below the workload's own mapping when it
        has none."""
        compose = self.fmt is Format.COMPOSE
        names = ", ".join(name for name, _ in variables)
        key = self.fields["env"].keys[-1]
        mapping = self.ydoc.node(self.w.node_path)
        own = self.ydoc.own(mapping, key) if y.is_map(mapping) else None
        items: list[Any] = [f"{name}={value}" if compose else {"name": name, "value": value}
                            for name, value in variables]
        if own is None:
            if y.is_map(mapping) and key in y.entries(mapping):
                raise FixError(f"`{key}` comes from a merge key (`<<`); set {names} where it is defined")
            _merge(self.tree, (key,), dict(variables) if compose else items)
            return
        node_key, node = own
        if self.ydoc._aliased(node_key, node):
            raise FixError(f"`{key}` is an alias shared with other places")
        if y.is_seq(node) and node.value:
            self.edits.extend(self.ydoc.append_item(node, item) for item in items)
        elif y.is_map(node) and compose:
            self.edits.extend(self.ydoc.set_tree(node, dict(variables)))
        elif y.is_scalar(node) and node.value in ("", "~", "null") or (y.is_seq(node) or y.is_map(node)) \
                and not node.value:
            self.edits.extend(self.ydoc.fill(node_key, node, items))
        else:
            raise FixError(f"cannot add {names} to `{key}`")

    def remove_item(self, item: Item) -> None:
        node = self.ydoc.scalar_at(item.loc)
        if node is None:
            raise FixError(f"cannot find `{item.value}` at line {item.loc.line}")
        self.edits.extend(self.ydoc.remove_item(node))

    def unset(self, setting: Setting[Any]) -> None:
        if not setting.explicit:
            raise FixError("the setting is not written in this file")
        node = self.ydoc.scalar_at(setting.loc)
        if node is None:
            raise FixError(f"cannot find the setting at line {setting.loc.line}")
        got = self.ydoc.parent(node)
        if got is not None and y.is_seq(got[0]):
            self.edits.extend(self.ydoc.remove_item(node))  # a `security_opt` item, a capability
        elif y.scalar(node) in (True, False):
            self.edits.append(self.ydoc.replace_scalar(node, False))
            # a mode the IR reads as a boolean (`network_mode: host`) goes away below, never `false`
        elif got is not None and y.is_map(got[0]):
            key = next(k for k, v in got[0].value if v is node or k is node)
            self.edits.extend(self.ydoc.remove_entry(got[0], key))  # `network_mode: host`
        else:
            raise FixError("cannot remove this setting")


def set_at_path(ydoc: YamlDoc, setting: Setting[Any], value: Any) -> list[Edit]:
    """Write `value` where `setting.path` says: replace the scalar when it is written, else add the
    key to the mapping its path ends in (a pod spec's `automountServiceAccountToken`)."""
    if setting.explicit:
        node = ydoc.scalar_at(setting.loc)
        if node is None:
            raise FixError(f"cannot find the setting at line {setting.loc.line}")
        return [ydoc.replace_scalar(node, value)]
    mapping = ydoc.node(setting.path[:-1])
    if not y.is_map(mapping):
        raise FixError("cannot find the mapping the setting belongs in")
    return list(ydoc.set_tree(mapping, {str(setting.path[-1]): value}))


def _volume_name(path: str) -> str:
    """A volume name for a mount path: the API server takes a DNS label (lowercase letters, digits and
    `-`, starting and ending with a letter or digit), so `/root/.cache` is `root-cache`, not `root-.cache`."""
    words = "".join(c if c.isascii() and c.isalnum() else " " for c in path.lower()).split()
    return "-".join(words) or "data"
