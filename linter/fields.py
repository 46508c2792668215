"""Where each IR field lives in each format: one table per format.

A row maps a `Workload` field (the name rules read) to the place its value is
written in one format and to the kind of value written there. The parser of
that format reads the field through its row, and the fix engine finds the same
key again through the same row (to replace a value, or to add a missing one in
the workload's own mapping). Adding a field is one row here and the field in
`glmlint.ir`; see docs/architecture.md, "Adding a field".

- Compose (`COMPOSE`): `keys` is the key path below the service's mapping
  (after `extends:` and merge keys; the first key is looked up in the merged
  service, list keys combined as Compose combines them).
- Kubernetes (`KUBERNETES`): `keys` is below the container's mapping; `pod`
  the path below the pod-level `securityContext` whose value the container
  inherits when it writes none (the kubelet's rule: the container's wins);
  `level=POD` rows are written in the pod spec and shared by its containers.
- `docker run` (`DOCKER_RUN`): `keys` holds the option's long name as the
  Docker CLI spells it (short forms and aliases, `-u`, `--net`, are the
  command line's grammar: `glmlint.parsers.dockerrun` reads them as the long
  name); the last one given wins, a list gathers every one (comma-separated
  values split).
- The Docker Engine's security options (`SECURITY_OPTIONS`), written as
  compose `security_opt:` items and `docker run --security-opt` values,
  each set a field too.

A Dockerfile is not in a table: its fields are instructions (`USER`, `ENV`,
`EXPOSE`), inherited through `FROM <stage>` and located by instruction
(`Setting.path` is `("instruction", n)`), not keys of a mapping; its parser and
its fixer (`glmlint.fix.dockerfile`, the final stage's `USER`) own them.

Rows whose `read` is None are places only the fix engine writes (Kubernetes
`runAsGroup` beside `runAsUser`, compose `tmpfs:` for the paths a read-only
root filesystem needs); rows with `within` are places inside one entry of a
list field (a mount's read-only key).
"""
from __future__ import annotations

from glmlint.records import dataclass


# -- how a value is read (each parser implements these in its syntax) ----------------------
BOOL = "bool"  # true when written true (compose also `yes`/`on`/`1` strings; `docker run --x`, `--x=true`)
NOT_FALSE = "not-false"  # true unless written false (a null reads as the default, true)
IF_TRUE = "if-true"  # read only when written true; anything else leaves the default
TEXT = "text"  # a string, as written (Kubernetes: when written as a scalar)
NONEMPTY = "nonempty"  # a string; written empty it is as if absent
USER = "user"  # a user spec: `name[:group]` or a uid (`glmlint.ir.User`)
HOST = "host"  # a namespace mode: true when it is `host`
ITEMS = "items"  # a list of strings, each located (`glmlint.ir.Item`)
OPTIONS = "options"  # a list of security options, each also setting the field `SECURITY_OPTIONS` names
ARGV = "argv"  # an exec array or a shell string (`glmlint.ir.Word`s)
ENTRIES = "entries"  # a list of structured entries (mounts, ports, env), read by the parser's own function

# -- levels (Kubernetes) ------------------------------------------------------------------
CONTAINER = "container"
POD = "pod"  # the pod spec: one value for every container of the pod


@dataclass(frozen=True, slots=True)
class Key:
    """Where one field is written in one format, and what kind of value it is."""

    keys: tuple[str, ...]
    read: str | None  # see the kinds above; None: written by fixes only, not read into the IR
    pod: tuple[str, ...] | None = None  # Kubernetes: below the pod's `securityContext`, inherited
    level: str = CONTAINER  # Kubernetes: POD for a pod spec key
    alt: tuple[str, ...] | None = None  # read there when `keys` gives no value (compose `deploy.resources`)
    within: str | None = None  # a place inside each entry of this list field, not in the workload's mapping
    # Kubernetes `user`: where a Windows pod writes the user (runAsUser is Linux's), and the group a fix adds
    windows: Key | None = None
    group: tuple[str, ...] | None = None
    annotation: str | None = None  # Kubernetes: a pod annotation (prefix + container name) that wins

    @property
    def writable(self) -> bool:
        """A fix may write the IR value here as it is (a bool, a string, list items), in the
        workload's own mapping. A namespace mode (`network_mode: host`), a pod-level key or a
        structured list is only ever changed where it is written."""
        return self.level == CONTAINER and self.within is None and self.read in (
            BOOL, NOT_FALSE, TEXT, NONEMPTY, ITEMS, OPTIONS)


@dataclass(frozen=True, slots=True)
class Option:
    """A Docker Engine security option (`name:value` or `name=value`) and the field it sets.
    `negated`: the option says the opposite of the field (`no-new-privileges:true` is
    `allow_privilege_escalation` false); written bare it means true."""

    name: str
    negated: bool = False


SECURITY_OPTIONS: dict[str, Option] = {
    "allow_privilege_escalation": Option("no-new-privileges", negated=True),
    "seccomp": Option("seccomp"),
    "apparmor": Option("apparmor"),
    "selinux": Option("label"),
    "system_paths": Option("systempaths"),
}
OPTION_FIELDS: dict[str, str] = {opt.name: field for field, opt in SECURITY_OPTIONS.items()}


COMPOSE: dict[str, Key] = {
    "image": Key(("image",), TEXT),
    "user": Key(("user",), USER),
    "privileged": Key(("privileged",), BOOL),
    "read_only_rootfs": Key(("read_only",), BOOL),
    "cap_add": Key(("cap_add",), ITEMS),
    "cap_drop": Key(("cap_drop",), ITEMS),
    "security_opts": Key(("security_opt",), OPTIONS),
    "host_network": Key(("network_mode",), HOST),
    "host_pid": Key(("pid",), HOST),
    "host_ipc": Key(("ipc",), HOST),
    "host_userns": Key(("userns_mode",), HOST),
    "memory_limit": Key(("mem_limit",), NONEMPTY, alt=("deploy", "resources", "limits", "memory")),
    "entrypoint": Key(("entrypoint",), ARGV),
    "command": Key(("command",), ARGV),
    "mounts": Key(("volumes",), ENTRIES),
    "mount.read_only": Key(("read_only",), BOOL, within="mounts"),  # a long-syntax volume's key
    "devices": Key(("devices",), ENTRIES),
    "ports": Key(("ports",), ENTRIES),
    "env": Key(("environment",), ENTRIES),
    "build_args": Key(("build", "args"), ENTRIES),
    "sysctls": Key(("sysctls",), ENTRIES),
    "writable_paths": Key(("tmpfs",), None),  # a tmpfs at each path a read-only root filesystem needs
    "shared_memory": Key(("shm_size",), None),  # the size of /dev/shm, once the host's IPC namespace is not shared
}

_SC = ("securityContext",)

KUBERNETES: dict[str, Key] = {
    "image": Key(("image",), TEXT),
    "user": Key((*_SC, "runAsUser"), USER, pod=("runAsUser",),
                windows=Key((*_SC, "windowsOptions", "runAsUserName"), USER, pod=("windowsOptions", "runAsUserName")),
                group=(*_SC, "runAsGroup")),
    "run_as_non_root": Key((*_SC, "runAsNonRoot"), BOOL, pod=("runAsNonRoot",)),
    "privileged": Key((*_SC, "privileged"), BOOL),
    "allow_privilege_escalation": Key((*_SC, "allowPrivilegeEscalation"), NOT_FALSE),
    "read_only_rootfs": Key((*_SC, "readOnlyRootFilesystem"), BOOL),
    "cap_add": Key((*_SC, "capabilities", "add"), ITEMS),
    "cap_drop": Key((*_SC, "capabilities", "drop"), ITEMS),
    "host_network": Key(("hostNetwork",), BOOL, level=POD),
    "host_pid": Key(("hostPID",), BOOL, level=POD),
    "host_ipc": Key(("hostIPC",), BOOL, level=POD),
    "host_userns": Key(("hostUsers",), IF_TRUE, level=POD),
    # the deprecated annotations (`container.seccomp.security.alpha.kubernetes.io/<name>`, then
    # `seccomp.security.alpha.kubernetes.io/pod`) are read where neither level writes the field
    "seccomp": Key((*_SC, "seccompProfile", "type"), TEXT, pod=("seccompProfile", "type"),
                   annotation="container.seccomp.security.alpha.kubernetes.io/"),
    "apparmor": Key((*_SC, "appArmorProfile", "type"), TEXT, pod=("appArmorProfile", "type"),
                    annotation="container.apparmor.security.beta.kubernetes.io/"),
    "selinux": Key((*_SC, "seLinuxOptions", "type"), TEXT, pod=("seLinuxOptions", "type")),
    "memory_limit": Key(("resources", "limits", "memory"), TEXT),
    "entrypoint": Key(("command",), ARGV),
    "command": Key(("args",), ARGV),
    "mounts": Key(("volumeMounts",), ENTRIES),
    "mount.read_only": Key(("readOnly",), BOOL, within="mounts"),  # a `volumeMounts` item's key
    "volumes": Key(("volumes",), ENTRIES, level=POD),  # the pod's volumes (an emptyDir the fix adds)
    "ports": Key(("ports",), ENTRIES),
    "env": Key(("env",), ENTRIES),
}

# Kubernetes: one level's own `securityContext` as written (`glmlint.ir.SecurityContext`, what the
# Pod Security Standards judge level by level), `keys` below `securityContext`; `pod=` rows are
# written at both levels, the others by containers only, `level=POD` rows by the pod only.
SCALAR = "scalar"  # the typed value as written (a bool, an int, a string)
PROFILE = "profile"  # a profile's `type`; `""` when the profile is written without one
WRITTEN = "written"  # whether the key is written (not null)

SECURITY_CONTEXT: dict[str, Key] = {
    "run_as_non_root": Key(("runAsNonRoot",), SCALAR, pod=("runAsNonRoot",)),
    "run_as_user": Key(("runAsUser",), SCALAR, pod=("runAsUser",)),
    "seccomp": Key(("seccompProfile",), PROFILE, pod=("seccompProfile",)),
    "apparmor": Key(("appArmorProfile",), PROFILE, pod=("appArmorProfile",)),
    "selinux_type": Key(("seLinuxOptions", "type"), TEXT, pod=("seLinuxOptions", "type")),
    "selinux_user": Key(("seLinuxOptions", "user"), TEXT, pod=("seLinuxOptions", "user")),
    "selinux_role": Key(("seLinuxOptions", "role"), TEXT, pod=("seLinuxOptions", "role")),
    "host_process": Key(("windowsOptions", "hostProcess"), SCALAR, pod=("windowsOptions", "hostProcess")),
    "proc_mount": Key(("procMount",), TEXT),
    "capabilities": Key(("capabilities",), WRITTEN),  # restricted asks each container to drop ALL
    # pod-only (`PodSecurityContext`; a container's has neither): the group the kubelet gives each
    # volume that supports ownership management (group-owned, group-writable, setgid) and adds to
    # every container's supplemental groups; and whether it re-chowns the volume on every mount
    # (`Always`, the default) or only when the root's owner/mode differ (`OnRootMismatch`)
    "fs_group": Key(("fsGroup",), SCALAR, pod=("fsGroup",), level=POD),
    "fs_group_change_policy": Key(("fsGroupChangePolicy",), TEXT, pod=("fsGroupChangePolicy",), level=POD),
}

DOCKER_RUN: dict[str, Key] = {
    "user": Key(("user",), USER),  # -u
    "privileged": Key(("privileged",), BOOL),
    "read_only_rootfs": Key(("read-only",), BOOL),
    "publish_all": Key(("publish-all",), BOOL),  # -P
    "cap_add": Key(("cap-add",), ITEMS),
    "cap_drop": Key(("cap-drop",), ITEMS),
    "security_opts": Key(("security-opt",), OPTIONS),
    "host_network": Key(("network",), HOST),  # --net
    "host_pid": Key(("pid",), HOST),
    "host_ipc": Key(("ipc",), HOST),
    "host_userns": Key(("userns",), HOST),
    "memory_limit": Key(("memory",), TEXT),  # -m
    "entrypoint": Key(("entrypoint",), ARGV),  # the command is the words after the image
    "mounts": Key(("volume", "mount", "tmpfs"), ENTRIES),  # -v; `--mount` CSV fields; `--tmpfs`
    "ports": Key(("publish",), ENTRIES),  # -p
    "devices": Key(("device",), ENTRIES),
    "env": Key(("env",), ENTRIES),  # -e
    "sysctls": Key(("sysctl",), ENTRIES),
    "writable_paths": Key(("tmpfs",), None),  # a tmpfs at each path a read-only root filesystem needs
    "shared_memory": Key(("shm-size",), None),  # the size of /dev/shm, once the host's IPC namespace is not shared
}

# Workload fields a table row reads as one `Setting` (the rest are lists or read by the parser's own code).
SETTING_KINDS = frozenset({BOOL, NOT_FALSE, IF_TRUE, TEXT, NONEMPTY, USER, HOST, ITEMS})


def settings(table: dict[str, Key]) -> list[tuple[str, Key]]:
    """The rows of `table` a parser reads as one `Setting` each, in table order."""
    return [(name, row) for name, row in table.items() if row.read in SETTING_KINDS and row.within is None]


TABLES: dict[str, dict[str, Key]] = {"compose": COMPOSE, "kubernetes": KUBERNETES, "docker-run": DOCKER_RUN}


def spelled(fmt: str, field: str, value: object = True) -> str:
    """`field` set to `value` as a file of format `fmt` (a `glmlint.ir.Format` value) writes it, for
    messages, which speak the file's own language: `hostNetwork: true` (Kubernetes), `network_mode:
    host` (compose), `--network host` (`docker run`); `capabilities.drop: [ALL]`, `cap_drop: [ALL]`,
    `--cap-drop ALL`. Keys come from the format's table (a Kubernetes `securityContext.` prefix is
    left out, as the messages name the container)."""
    row = TABLES[fmt][field]
    items = [str(v) for v in value] if isinstance(value, (list, tuple)) else None
    if row.read == HOST and value is True:
        text = "host"
    elif isinstance(value, bool):
        text = "true" if value else "false"
    else:
        text = f"[{', '.join(items)}]" if items is not None else str(value)
    if fmt == "docker-run":
        flag = f"--{row.keys[0]}"
        if row.read == BOOL and value is True:
            return flag
        return " ".join(f"{flag} {v}" for v in items) if items is not None else f"{flag} {text}"
    keys = row.keys[1:] if fmt == "kubernetes" and row.keys[0] == "securityContext" and len(row.keys) > 1 else row.keys
    return f"{'.'.join(keys)}: {text}"
