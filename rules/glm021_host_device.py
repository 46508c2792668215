"""A host device node is passed into the container.

## What it does
Flags a host device given to a container: a compose `devices:` entry, a
`docker run --device`, and a bind mount (compose, `docker run -v`) or
Kubernetes `hostPath` of a device node under `/dev` (`/dev/ttyUSB0`,
`/dev/kvm`, `/dev/fuse`, `/dev/sda`, `/dev/bus/usb`, `/dev/nvidia0`).

Not reported:
- GPUs given through the container runtime: `docker run --gpus`, compose
  `deploy.resources.reservations.devices`, Kubernetes `nvidia.com/gpu`
  (any extended resource) and Container Device Interface names
  (`nvidia.com/gpu=all`, `amd.com/gpu=0`) in `devices:`/`--device`: the
  runtime picks the device nodes, libraries and cgroup rules itself;
- a device written as neither an absolute path nor a CDI name
  (`gpu.intel.com/all`, a Kubernetes resource name without CDI's `=name`):
  `docker run` refuses it and the container of a Compose service does not
  start, so no device is given;
- the devices every container already has (`/dev/null`, `/dev/zero`,
  `/dev/full`, `/dev/random`, `/dev/urandom`, `/dev/tty`, `/dev/console`,
  `/dev/ptmx`: the OCI runtime specification's default devices,
  https://github.com/opencontainers/runtime-spec/blob/main/config-linux.md#default-devices)
  and paths under `/dev` that are not devices (`/dev/shm`, `/dev/mqueue`,
  `/dev/hugepages`, the syslog socket `/dev/log`);
- the whole `/dev` mounted: that is GLM010, and one mount never gets both
  findings (`devices: [/dev:/dev]` is not a mount, and is reported here).

## Why is this bad?
A device node is the kernel's interface to hardware, below the container's
isolation: with a raw disk (`/dev/sda`) the container reads and writes the
host's filesystems, with `/dev/kvm` or `/dev/fuse` it reaches kernel code
that is a frequent escape path, with `/dev/mem` or a serial port it talks to
the machine directly. A device passed in by path also pins the workload to
that host's device numbering, and on GPUs bypasses the runtime's own setup.

## Example
```yaml
services:
  trainer:
    image: pytorch/pytorch:2.3.1-cuda12.1-cudnn8-runtime
    devices:
      - /dev/nvidia0:/dev/nvidia0
      - /dev/nvidiactl:/dev/nvidiactl
      - /dev/nvidia-uvm:/dev/nvidia-uvm
```
Use instead:
```yaml
services:
  trainer:
    image: pytorch/pytorch:2.3.1-cuda12.1-cudnn8-runtime
    deploy:
      resources:
        reservations:
          devices:
            - driver: nvidia
              count: 1
              capabilities: [gpu]
```
For other hardware, give the one device the workload needs (not a
directory of them), read-only permissions where it allows (`/dev/ttyUSB0:/dev/ttyUSB0:r`),
and a device plugin on Kubernetes instead of a `hostPath`.
"""
from __future__ import annotations

import posixpath
from collections.abc import Iterator

from glmlint.ir import Format, Workload
from glmlint.rule import Finding, Kind, Risk, Severity, rule

# The devices every OCI container has (runtime-spec config-linux.md, "Default Devices").
DEFAULT_DEVICES = frozenset({"/dev/null", "/dev/zero", "/dev/full", "/dev/random", "/dev/urandom", "/dev/tty",
                             "/dev/console", "/dev/ptmx"})
# Under /dev but not device nodes: shared memory and message queues (tmpfs/mqueue mounts), huge
# pages (hugetlbfs), the syslog socket.
NOT_DEVICES = ("/dev/shm", "/dev/mqueue", "/dev/hugepages", "/dev/log")


@rule(kind=Kind.MISCONFIGURATION, risk=Risk.MEDIUM, code="GLM021", slug="host-device", severity=Severity.WARNING,
      message="{name} gets the host device `{path}`", formats={Format.COMPOSE, Format.KUBERNETES},
      tags=("security", "cwe-250"))
def check(workload: Workload) -> Iterator[Finding]:
    name = workload.label
    for device in workload.devices:
        if device.cdi:
            continue  # resolved by the runtime (CDI), like `--gpus`
        path = _normal(device.host)
        if path is None and "$" not in device.host:
            # neither a host path nor a CDI name (`gpu.intel.com/all`, no `=name`): `docker run` refuses it (not
            # an absolute path) and Compose hands it to the daemon as a path that is not there; no device is given
            continue
        if path is not None and not _is_device(path) and path != "/dev":
            continue
        shown = path or device.host
        yield Finding(at=device.loc, args={"name": name, "path": shown},
                      message=f"{name} gets the host device `{shown}`: {_why(shown)}")
    for mount in workload.mounts:
        if mount.kind not in ("bind", "host-path") or not mount.source:
            continue
        path = _normal(mount.source)
        if path is None or not _is_device(path):
            continue  # `/dev` itself is GLM010's
        yield Finding(at=mount.loc, args={"name": name, "path": path},
                      message=f"{name} mounts the host device `{path}`: {_why(path)}")


def _normal(path: str) -> str | None:
    """A fixed absolute host path, normalised; None for relative paths and variables."""
    path = path.strip()
    if not path.startswith("/") or "$" in path:
        return None
    return "/" + posixpath.normpath(path).lstrip("/")


def _is_device(path: str) -> bool:
    """A path below `/dev` that is a device the container does not already have."""
    if not path.startswith("/dev/"):
        return False
    if path in DEFAULT_DEVICES:
        return False
    return not any(path == p or path.startswith(p + "/") for p in NOT_DEVICES)


def _why(path: str) -> str:
    base = posixpath.basename(path)
    if base.startswith("nvidia"):
        return "an NVIDIA GPU given by device node, outside the runtime's GPU support (`--gpus`, " \
               "compose `deploy.resources.reservations.devices`, `nvidia.com/gpu`)"
    return "its processes use that hardware directly, below the container's isolation"
