"""From what a rule asks for to what the engine writes.

`expand` turns the intents rules state in their own terms (remove a service option as it
is written, set a config directive, publish a port on loopback, make a mount read-only,
restore the default confinement) into the engine's operations: the text operations
(`ReplaceText`, `RemoveWord`, `RemoveCommand`, lowered in `fix.words`) and the structured
ones (set, ensure an item, remove an item, unset), which `Lowering` dispatches to a format's
fixer. Every piece of text a fix writes (the replaced value, the `127.0.0.1:` prefix, the
`:ro` mode) is decided here or below, never in a rule. An intent the engine cannot write in
this file expands to nothing: the finding is reported without a fix.
"""
from __future__ import annotations

import re
from typing import Any

from glmlint import lazyre
from glmlint.fix.text import FixError
from glmlint.ir import INSIDE_TEXT, Item, Mount, Port, Setting, Workload
from glmlint.rule import (EnsureItem, Intent, MountReadOnly, PublishLoopback, RemoveCommand, RemoveItem,
                          RemoveSetting, RemoveWord, ReplaceText, RestoreDefault, SetDirective, SetValue, Unset)

_RULE_TERMS = (RemoveSetting, SetDirective, PublishLoopback, MountReadOnly, RestoreDefault)
# fields whose fix also adds a writable mount (a tmpfs, an emptyDir volume in the pod)
_NEEDS_WRITABLE_MOUNTS = frozenset({"read_only_rootfs", "writable_paths"})


def _writable_mounts(workload: Workload) -> bool:
    """Whether a fix can add a writable mount beside a read-only root filesystem: always in compose
    and `docker run`; in Kubernetes where the IR knows the pod's `volumes` (`Pod.volumes_path`)."""
    return workload.pod is None or workload.pod.volumes_path is not None


def expand(intents: tuple[Intent, ...], workload: Workload | None) -> tuple[Intent, ...]:
    """`intents` in the engine's operations; an intent that cannot be written here is dropped."""
    if workload is not None and any(getattr(i, "field", None) in _NEEDS_WRITABLE_MOUNTS for i in intents) \
            and not _writable_mounts(workload):
        # a read-only root filesystem needs a writable /tmp beside it; where no volume can be added
        # (a container template injected into pods written elsewhere), the fix would break the
        # container: not offered
        intents = tuple(i for i in intents if getattr(i, "field", None) not in _NEEDS_WRITABLE_MOUNTS)
    if any(_inside_text(i) for i in intents):
        # a value written inside a string (an Argo `podSpecPatch`): no edit reaches it
        if any(isinstance(i, PublishLoopback) and _inside_text(i) for i in intents):
            return ()  # a port a variable or array gives (`"${ARGS[@]}"`): left on every interface (below)
        intents = tuple(i for i in intents if not _inside_text(i))
        if not any(i.title for i in intents):
            return ()  # what is left only goes with it (the /dev/shm size of GLM009's `ipc: host` removal)
    if not any(isinstance(i, _RULE_TERMS) for i in intents):
        return intents
    out: list[Intent] = []
    for intent in intents:
        got = _expand(intent, workload) if isinstance(intent, _RULE_TERMS) else intent
        if got is None and isinstance(intent, PublishLoopback):
            # a port no edit puts on the loopback address (the long syntax, an IP set in `.env`): the rest
            # of the fix would leave it on every interface (GLM009's host network removed, the ports
            # Docker discarded there published again): no fix at all
            return ()
        if got is not None:
            out.append(got)
    return tuple(out)


def _inside_text(intent: Intent) -> bool:
    """Whether the intent changes a value written inside a string (its path ends with `INSIDE_TEXT`):
    an Argo `podSpecPatch`, a `docker run` option a variable's value gives (`$(DOCKER_FLAGS)`)."""
    target = (getattr(intent, "setting", None) or getattr(intent, "item", None) or getattr(intent, "port", None)
              or getattr(intent, "mount", None))
    return target is not None and target.path[-1:] == (INSIDE_TEXT,)


def _expand(intent: Intent, workload: Workload | None) -> Intent | None:
    if isinstance(intent, RemoveSetting):
        if intent.how == "cli" and workload is not None and workload.words_in_text:
            return None  # its start words are values inside a string (a RayService's `serveConfigV2`)
        return _remove_setting(intent)
    if isinstance(intent, SetDirective):
        # `Keyword value`, `Keyword=value` (sshd -o), `s/#Keyword .*/Keyword value/`: the value after
        # the keyword, the last one on its line
        return ReplaceText(intent.loc, intent.value, intent.new, intent.title,
                           before=re.escape(intent.keyword) + r"[ \t]*[ \t=][ \t]*")
    if isinstance(intent, PublishLoopback):
        return _publish_loopback(intent.port, intent.title)
    if isinstance(intent, MountReadOnly):
        return _mount_read_only(intent.mount, intent.title)
    if isinstance(intent, RestoreDefault):
        return _restore_default(intent, workload)
    return intent


def _remove_setting(intent: RemoveSetting) -> Intent | None:
    if intent.how == "cli":
        return RemoveWord(intent.loc, intent.title, count=intent.words)
    if intent.how == "config" and intent.whole_step:
        return RemoveCommand(intent.loc, intent.title)  # `echo "c.ServerApp.token = ''" >> cfg`
    if intent.how == "config" and intent.statement:
        return ReplaceText(intent.loc, intent.statement, "", intent.title)  # its line in a heredoc
    return None  # a JSON config, the environment, the image: nothing of its own to remove


LOOPBACK = "127.0.0.1"
# `${NAME:-literal}` / `${NAME-literal}`: (name, operator, default)
_DEFAULT_PARTS = lazyre.compile(r"^\$\{([A-Za-z_][A-Za-z0-9_]*)(:?-)([^${}]*)\}$")
_BARE_REF = lazyre.compile(r"^\$(?:\{([A-Za-z_][A-Za-z0-9_]*)\}|([A-Za-z_][A-Za-z0-9_]*))$")


def _publish_loopback(port: Port, title: str) -> ReplaceText | None:
    """Prefix the short syntax with the loopback address (`5432:5432` -> `127.0.0.1:5432:5432`).

    The spec is edited as written: a host IP read from a default (`${BIND:-0.0.0.0}`) gets the
    loopback address as its default (`${BIND:-127.0.0.1}`), so the variable still overrides it;
    an IP from anywhere else (`${BIND}` set in `.env`), or a spec whose parts come from one
    variable (`${PORTS:-0.0.0.0:80:80}`), is not edited; a long-form entry is not either."""
    spec = port.spec
    if spec is None or not port.spec_editable:
        return None
    if port.host_ip is not None:
        written = port.spec_ip if port.spec_ip is not None else port.host_ip
        old = f"[{written}]" if spec.startswith("[") else written
        if not old or not spec.startswith(old):
            return None
        if "$" not in written:
            return ReplaceText(port.loc, old, LOOPBACK, title)
        m = _DEFAULT_PARTS.match(written)
        bare = _BARE_REF.match(written)
        if bare is not None and port.host_ip == "" and not spec.startswith("["):
            # `${BIND}:8000:8000` read with `BIND` unset (empty): loopback becomes its default
            return ReplaceText(port.loc, written, f"${{{bare.group(1) or bare.group(2)}:-{LOOPBACK}}}", title)
        if m is None or m.group(3) != port.host_ip or spec.startswith("["):
            return None
        return ReplaceText(port.loc, written, f"${{{m.group(1)}{m.group(2)}{LOOPBACK}}}", title)
    if port.host_port is None:  # `"8888"`: a random host port, still on every interface
        return ReplaceText(port.loc, spec, f"{LOOPBACK}::{spec}", title)
    return ReplaceText(port.loc, spec, f"{LOOPBACK}:{spec}", title)


def _mount_read_only(mount: Mount, title: str) -> Intent | None:
    if mount.entry:  # a Kubernetes volumeMounts item
        return SetValue(Setting(False, mount.loc, path=mount.entry), "mount.read_only", True, title)
    if mount.spec is not None:  # `src:dst[:mode]`, compose or `docker run -v`
        if mount.source is None:
            return None  # an anonymous volume: nothing outside the container writes to it
        mode = mount.spec.rsplit(":", 1)[1] if mount.spec.count(":") >= 2 else ""
        if mode == "rw":
            return ReplaceText(mount.loc, ":rw", ":ro", title)
        if mode or not mount.spec.endswith(mount.target):
            return None  # other options (`:z`, `:cached`): left to a human
        return ReplaceText(mount.loc, mount.target, f"{mount.target}:ro", title, before=":")
    if mount.path and mount.path[0] != "flag":  # a compose long-form volume
        return SetValue(Setting(False, mount.loc, path=mount.path), "mount.read_only", True, title)
    return None


# fields whose default profile has a value of its own where no runtime option sets it (Kubernetes:
# a container with no seccomp profile runs unconfined unless the kubelet sets `--seccomp-default`)
_DEFAULT_PROFILE = {"seccomp": "RuntimeDefault", "apparmor": "RuntimeDefault"}


def _restore_default(intent: RestoreDefault, workload: Workload | None) -> Intent | None:
    setting = intent.setting
    if workload is not None and any(item.loc == setting.loc for item in workload.security_opts):
        return Unset(setting, intent.title)  # a runtime option: without it the default profile applies
    value = _DEFAULT_PROFILE.get(intent.field)
    if value is None:
        return None  # SELinux `spc_t`: which type the workload should run as is not ours to guess
    # apparmor: the field's `RuntimeDefault`, written `runtime/default` where the profile is an annotation
    return SetValue(setting, intent.field, value, intent.title)


class Lowering:
    """A format's way of writing the structured intents; subclasses implement the four operations."""

    def dispatch(self, intents: tuple[Intent, ...]) -> None:
        for intent in intents:
            if isinstance(intent, SetValue):
                self.set_value(intent.setting, intent.field, intent.value)
            elif isinstance(intent, EnsureItem):
                self.ensure_item(intent.setting, intent.field, intent.item)
            elif isinstance(intent, RemoveItem):
                self.remove_item(intent.item)
            elif isinstance(intent, Unset):
                self.unset(intent.setting)
            else:
                raise FixError(f"{type(intent).__name__} is not a structured edit")

    def set_value(self, setting: Setting[Any], field: str, value: Any) -> None:
        raise NotImplementedError

    def ensure_item(self, setting: Setting[tuple[Item, ...]], field: str, item: str) -> None:
        raise NotImplementedError

    def remove_item(self, item: Item) -> None:
        raise NotImplementedError

    def unset(self, setting: Setting[Any]) -> None:
        raise NotImplementedError


def unmounted(paths: list[str], mounts: Any, *, nested: bool = False) -> list[str]:
    """Those of `paths` nothing in `mounts` mounts; with `nested`, also leaving out a path under a
    writable mount (a volume at /home/jovyan already makes /home/jovyan/.local writable: a tmpfs or
    emptyDir there would hide what the volume keeps)."""
    mounted = {m.target.rstrip("/") or "/" for m in mounts}
    parents = [m.target.rstrip("/") + "/" for m in mounts if nested and not m.read_only and m.target.rstrip("/")]
    return [p for p in dict.fromkeys(paths) if (p.rstrip("/") or "/") not in mounted
            and not any(p.startswith(parent) for parent in parents)]
