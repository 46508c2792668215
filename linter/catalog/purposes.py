"""Workloads whose privilege is their purpose (`purposes.yaml`): device plugins, kubelet plugins,
node sysctl setters. Rules that would remove a privilege (GLM003, GLM008, GLM009) report it
without a fix for them, saying why. The data is read once, on the first query."""
from __future__ import annotations

import functools
from typing import Any

from glmlint.catalog import load_data
from glmlint.ir import Workload
from glmlint.records import dataclass

DATA = "purposes.yaml"


@dataclass(frozen=True, slots=True)
class Purpose:
    id: str
    description: str
    source: str
    host_paths: tuple[str, ...] = ()
    commands: tuple[str, ...] = ()
    args: tuple[str, ...] = ()
    writes: tuple[str, ...] = ()
    # what it needs instead of the host (`root`, `capabilities`); empty: host-level privilege
    needs: tuple[str, ...] = ()

    def note(self) -> str:
        return f" (no automatic fix: this is {self.description}; the privilege is its purpose)"


@functools.lru_cache(maxsize=1)
def load() -> dict[str, Any]:
    data: dict[str, Any] = load_data(DATA)
    return data


@functools.lru_cache(maxsize=1)
def purposes() -> tuple[Purpose, ...]:
    return tuple(Purpose(id=p["id"], description=p["description"], source=p["source"],
                         host_paths=tuple(p.get("host_paths") or ()), commands=tuple(p.get("commands") or ()),
                         args=tuple(p.get("args") or ()), writes=tuple(p.get("writes") or ()),
                         needs=tuple(p.get("needs") or ()))
                 for p in load()["purposes"])


def under(path: str, root: str) -> bool:
    """Whether `path` is `root` or lies below it (both absolute; trailing slashes ignored)."""
    path, root = path.rstrip("/") or "/", root.rstrip("/") or "/"
    return path == root or path.startswith(root + "/")


def purpose_of(workload: Workload, need: str | None = None) -> Purpose | None:
    """The purpose that needs `workload`'s privilege, when the workload shows one: a host-level one
    (privileged, host namespaces, dangerous capabilities) by default, else one that needs `need`
    (`root`, `capabilities`). A host-level purpose needs root too: its privilege is uid 0's (a
    non-root process gets none of the capabilities a privileged container has, kubernetes#56374)."""
    host = [m.source for m in workload.mounts if m.kind in ("host-path", "bind") and m.source]
    names: list[str] | None = None  # each command's program, once (not once per purpose: GLM001 asks for every workload)
    for p in purposes():
        if p.needs and need not in p.needs:
            continue
        if not p.needs and need not in (None, "root"):
            continue
        if any(under(h, root) for h in host for root in p.host_paths):
            return p
        if any(under(f.path, root) for f in workload.files for root in p.writes):
            return p
        if p.commands:
            if names is None:
                names = [cmd.name for cmd in workload.process]
            for cmd, name in zip(workload.process, names):
                if name in p.commands and any(a in w.text for w in cmd.args for a in p.args):
                    return p
    return None


def purpose(pid: str) -> Purpose | None:
    """The purpose with id `pid`."""
    return next((p for p in purposes() if p.id == pid), None)
