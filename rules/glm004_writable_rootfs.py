"""Container's root filesystem is writable.

## What it does
Flags a compose service whose `read_only` is not true, a `docker run` without
`--read-only` and a Kubernetes
container whose `securityContext.readOnlyRootFilesystem` is not true.

A container of a Windows pod (`spec.os.name: windows`) is not reported: `readOnlyRootFilesystem`
is Linux's, and the API server refuses the field in a Windows pod, so no fix
writes it there either.

## Why is this bad?
A writable root filesystem lets an attacker who gets code execution drop
tools, replace binaries or persist in the container. Writable paths a workload
needs (`/tmp`, a model cache) belong on volumes or tmpfs, where they are
explicit.

## Example
```yaml
services:
  notebook:
    image: quay.io/jupyter/pytorch-notebook
```
Use instead:
```yaml
services:
  notebook:
    image: quay.io/jupyter/pytorch-notebook
    read_only: true
    tmpfs: [/tmp]
    volumes: ["work:/home/jovyan/work"]
```

## Fix safety
Unsafe: a process that writes outside its volumes fails until those paths get
a volume or tmpfs. The fix adds a writable `/tmp` (compose `tmpfs`, a
Kubernetes `emptyDir` volume and mount), and one at each path the
[image catalog](../images.md) knows the image writes at start (nginx:
`/var/cache/nginx`, `/var/run`; vLLM: `/root/.cache`; Ollama: `/root/.ollama`; a Jupyter server's
`/home/jovyan/.local`; TGI: `/data`; MinIO: `/root/.minio`), unless a writable volume already covers it. A compose
service built from a scanned Dockerfile writes where the image its final stage builds on writes
(`FROM nginx`). No fix is offered for an image
whose start writes a file among its own code unless a variable is set (Open WebUI's
`.webui_secret_key` without `WEBUI_SECRET_KEY`): the finding says which. The `emptyDir` goes where the pod keeps its
`volumes` (a KServe predictor for its inline model, an Argo template for its
`container`); a container template with no pod of its own (a KServe
`ClusterStorageContainer`) gets no fix.
"""
from __future__ import annotations

from collections.abc import Iterator

from glmlint.catalog.images import fact
from glmlint.ir import Format, Workload
from glmlint.rule import Finding, FixSafety, Intent, Kind, Risk, Severity, ensure_item, rule, set_value


@rule(code="GLM004", slug="writable-rootfs", severity=Severity.WARNING,
      message="{name} has a writable root filesystem", formats={Format.COMPOSE, Format.KUBERNETES},
      fix=FixSafety.UNSAFE, tags=("security",),
      kind=Kind.HARDENING, risk=Risk.LOW, checklist="a read-only root filesystem")
def check(workload: Workload) -> Iterator[Finding]:
    if workload.windows:
        return  # the API server refuses `readOnlyRootFilesystem` in a Windows pod
    ro = workload.read_only_rootfs
    if ro.value:
        return
    note = _start_writes(workload)
    fix = None if note else _fix(workload)
    message = f"{workload.label} has a writable root filesystem{note}" if note else None
    if ro.explicit:
        yield Finding(at=ro.loc, fix=fix, args={"name": workload.label}, message=message)
    elif workload.missing(ro):
        yield Finding(at=workload.anchor, fix=fix, args={"name": workload.label}, message=message)


def _start_writes(workload: Workload) -> str:
    """Why no read-only fix is offered, else "": the image's start writes a file among its own code
    unless a variable is set (images.yaml `start_writes_unless_env`: Open WebUI's secret key file), and
    the workload sets none of them. A variable from elsewhere (the host, `valueFrom`) counts as set; an
    empty one does not; with variables the scan cannot read (`envFrom`, an unread `env_file`), the fix
    stays."""
    writes = fact(workload.entry_image(), "start_writes_unless_env")
    if writes is None or workload.env_imports:
        return ""
    for path, names in writes.value.items():
        if not any((var := workload.env_value(n)) is not None and var.value != "" for n in names):
            return (f" (no automatic fix: the `{writes.entry}` image's start writes {path}, among its own "
                    f"files, unless {' or '.join(names)} is set, and cannot start on a read-only root without "
                    f"it: set {names[0]} (from a secret), then make the root filesystem read-only)")
    return ""


def _fix(workload: Workload) -> Intent | tuple[Intent, ...]:
    """`read_only` with a writable `/tmp` (tmpfs or emptyDir, added by the fix engine), and a writable
    mount at each path the image is known to write at start (images.yaml `writable_paths`)."""
    ro = workload.read_only_rootfs
    paths = fact(workload.entry_image(), "writable_paths")
    if paths is None:
        return set_value(ro, "read_only_rootfs", True, title="Make the root filesystem read-only")
    listed = [str(p) for p in paths.value]
    title = (f"Make the root filesystem read-only, with writable mounts where the `{paths.entry}` image "
             f"writes ({', '.join(listed)})")
    return (set_value(ro, "read_only_rootfs", True, title=title),
            *(ensure_item(ro, "writable_paths", p, title="") for p in listed))
