"""Container mounts a sensitive host path.

## What it does
Flags a compose bind mount or a Kubernetes `hostPath` volume (as a container
mounts it) whose host side is a container runtime socket
(`docker.sock`, `containerd.sock`, `crio.sock`, `podman.sock`), or one of
`/`, `/etc`, `/proc`, `/sys`, `/root`, `/var/run` (and `/run`, which it links
to), `/dev` or `/boot`. A socket is known by its file name wherever it lives,
also below `~` or a variable (rootless Docker's `$XDG_RUNTIME_DIR/docker.sock`,
Docker Desktop's `~/.docker/run/docker.sock`). Paths are normalised (`//etc/` and `/etc/.` are
`/etc`); a path below these (`/etc/localtime`,
`/dev/shm`, `/dev/nvidia0`) is not reported, with one exception: the host's
D-Bus system bus (`/var/run/dbus`, `/run/dbus`, or its `system_bus_socket`),
the socket of a host daemon that is root's to command, when the container may
run as root (as GLM001 judges it: no non-root `USER`/`user:`/`runAsUser`, no
`runAsNonRoot: true`). The bus knows a client by its uid: a non-root one
(node-exporter's 65534 reading systemd's unit states) gets only what the
bus policy and polkit grant an unprivileged user, and is not reported. A host `/dev/shm` is
shared memory, not a device (sharing the host's IPC namespace is GLM009's).
A read-only mount is reported
too: `:ro` does not stop a client from using a socket, nor anyone from
reading `/etc/shadow` or `/proc/*/environ`.

The host's system trees, `/usr`, `/lib` (`/lib32`, `/lib64`, `/libx32`),
`/bin`, `/sbin` and `/var/lib` (with the runtimes' and the kubelet's state,
`/var/lib/docker`, `/var/lib/containerd`, `/var/lib/kubelet`), are reported
when mounted writable: a writer replaces the binaries and libraries the host
runs as root, or another container's files. Read-only they hold nothing
secret, and agents that read them (`/usr/lib` for drivers, `/var/lib/docker`
for a log shipper) are not reported; the exception is the node's Kubernetes
credentials, reported read-only too: the kubelet's directory
`/var/lib/kubelet` (its client certificate and key under `pki/`, and under
`pods/` the mounted Secrets and service account tokens of every pod on the
node) and `/etc/kubernetes` (kubeadm's `admin.conf`, `super-admin.conf` and
`kubelet.conf` kubeconfigs and the cluster's CA and keys under `pki/`). Its
subdirectories for plugins (`/var/lib/kubelet/device-plugins`, `plugins`,
`plugins_registry`, `pod-resources`) are not reported.

## Why is this bad?
The runtime socket is root on the host: whoever reaches it starts a
privileged container with `/` mounted. `/`, `/etc`, `/root` and `/boot`
expose host credentials and let a writer plant a backdoor; `/proc`, `/sys`
and `/dev` expose every process's environment, kernel tunables and raw
devices; `/var/run` holds the sockets of every host daemon. The system bus
authenticates a client by its uid, and a container's root is the host's uid 0
(without user namespaces): its policy lets root call systemd's
`StartTransientUnit`, a command run as root on the host (a non-root uid is
asked for polkit's authorization instead).

## Risk
High; critical for a runtime socket, `/`, `/var/run` and `/run` (the host at
once).

## Example
```yaml
services:
  ci-runner:
    image: gitlab/gitlab-runner:v17.2.0
    volumes:
      - /var/run/docker.sock:/var/run/docker.sock
```
Use instead:
```yaml
services:
  ci-runner:
    image: gitlab/gitlab-runner:v17.2.0
    volumes:
      - runner-config:/etc/gitlab-runner
volumes:
  runner-config: {}
```
(build images with a rootless builder such as BuildKit rootless or kaniko)
"""
from __future__ import annotations

import posixpath
from collections.abc import Iterator

from glmlint.ir import Format, Mount, Workload
from glmlint.rule import Finding, Kind, Risk, Severity, rule

SENSITIVE_DIRS = frozenset({"/", "/etc", "/proc", "/sys", "/root", "/var/run", "/run", "/dev", "/boot"})
# Whole-host control at once: the root filesystem, and the directories that hold the runtime socket.
HOST_ROOT = frozenset({"/", "/var/run", "/run"})
# host system trees: harmless to read, a host takeover to write
WRITABLE_SENSITIVE = frozenset({"/usr", "/lib", "/lib32", "/lib64", "/libx32", "/bin", "/sbin", "/var/lib",
                                "/var/lib/docker", "/var/lib/containerd", "/var/lib/kubelet"})
# the node's Kubernetes credentials: reading them is enough (kubelet's client key, every pod's Secrets and
# tokens under pods/, kubeadm's admin kubeconfigs and the cluster CA's keys)
NODE_CREDENTIALS = frozenset({"/var/lib/kubelet", "/var/lib/kubelet/pki", "/var/lib/kubelet/pods", "/etc/kubernetes",
                              "/etc/kubernetes/pki", "/etc/kubernetes/admin.conf", "/etc/kubernetes/super-admin.conf",
                              "/etc/kubernetes/kubelet.conf"})
RUNTIME_SOCKETS = frozenset({"docker.sock", "containerd.sock", "crio.sock", "podman.sock", "cri-dockerd.sock"})
# the host's D-Bus system bus (its socket, and the directory that holds it; /var/run links to /run): the bus
# knows a client by its uid, and uid 0 may ask systemd (org.freedesktop.systemd1) to start any unit
SYSTEM_BUS = frozenset({"/var/run/dbus", "/run/dbus", "/var/run/dbus/system_bus_socket", "/run/dbus/system_bus_socket"})


@rule(code="GLM010", slug="sensitive-mount", severity=Severity.ERROR,
      message="{name} mounts the host's `{path}`", formats={Format.COMPOSE, Format.KUBERNETES},
      tags=("security", "cwe-668"),
      kind=Kind.MISCONFIGURATION, risk=Risk.HIGH)
def check(workload: Workload) -> Iterator[Finding]:
    for mount in workload.mounts:
        socket = runtime_socket(mount)
        if socket is not None:
            yield Finding(at=mount.loc, args={"name": workload.label, "path": socket}, risk=Risk.CRITICAL,
                          message=f"{workload.label} mounts the container runtime socket `{socket}`")
            continue
        path = host_path(mount)
        if path is None:
            continue
        if path in SENSITIVE_DIRS:
            yield Finding(at=mount.loc, args={"name": workload.label, "path": path},
                          risk=Risk.CRITICAL if path in HOST_ROOT else None)
        elif path in SYSTEM_BUS:
            if not may_run_as_root(workload):
                continue  # the bus knows a client by its uid: a non-root one gets what polkit grants it
            yield Finding(at=mount.loc, args={"name": workload.label, "path": path},
                          message=f"{workload.label} mounts the host's D-Bus system bus `{path}` and may run as root, "
                                  "which the bus lets have the host's systemd run anything")
        elif path in WRITABLE_SENSITIVE and not mount.read_only:
            yield Finding(at=mount.loc, args={"name": workload.label, "path": path},
                          message=f"{workload.label} mounts the host's `{path}` writable")
        elif path in NODE_CREDENTIALS:
            yield Finding(at=mount.loc, args={"name": workload.label, "path": path},
                          message=f"{workload.label} mounts the host's `{path}`, which holds the node's Kubernetes "
                                  "credentials")


def may_run_as_root(workload: Workload) -> bool:
    """Whether the container's process may be uid 0, as GLM001 judges it: not when its user is a non-root
    one or `runAsNonRoot` is true, nor when it starts as root only to switch to a non-root user (gosu)."""
    return workload.runs_as_root() is not False and not workload.drops_root()


def runtime_socket(mount: Mount) -> str | None:
    """The host path of a container runtime socket a bind or hostPath mount exposes, by its file
    name wherever it lives: also below the home directory or a variable (rootless Docker's
    `$XDG_RUNTIME_DIR/docker.sock`, Docker Desktop's `~/.docker/run/docker.sock`)."""
    if mount.kind not in ("bind", "host-path") or not mount.source:
        return None
    source = mount.source.strip()
    if not source.startswith(("/", "~", "$")):
        return None  # a file of the project
    if source.startswith("/") and "$" not in source:
        source = "/" + posixpath.normpath(source).lstrip("/")
    return source if posixpath.basename(source.rstrip("/")) in RUNTIME_SOCKETS else None


def host_path(mount: Mount) -> str | None:
    """The host directory a bind or hostPath mount exposes, normalised; None for volumes and unknowns."""
    if mount.kind not in ("bind", "host-path") or not mount.source:
        return None
    source = mount.source.strip()
    if not source.startswith("/") or "$" in source:
        return None  # relative to the project, `~`, or a variable: not a fixed host path
    return "/" + posixpath.normpath(source).lstrip("/")
