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
`/var/cache/nginx`, `/var/run`), and one at each cache directory the workload's
environment names that no volume holds (`HF_HOME`, `HF_HUB_CACHE`,
`TRANSFORMERS_CACHE`, `TORCH_HOME`, `VLLM_CACHE_ROOT`, `XDG_CACHE_HOME`, …): a
model server downloads its weights there at start, and fails on a read-only
filesystem. Compose's `tmpfs` is memory: a large model cache belongs on a
volume. The `emptyDir` goes where the pod keeps its
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
    fix = _fix(workload)
    if ro.explicit:
        yield Finding(at=ro.loc, fix=fix, args={"name": workload.label})
    elif workload.missing(ro):
        yield Finding(at=workload.anchor, fix=fix, args={"name": workload.label})


def _fix(workload: Workload) -> Intent | tuple[Intent, ...]:
    """`read_only` with a writable `/tmp` (tmpfs or emptyDir, added by the fix engine), and a writable
    mount at each path the image is known to write at start (images.yaml `writable_paths`)."""
    ro = workload.read_only_rootfs
    paths = fact(workload.image.value, "writable_paths")
    caches = _cache_dirs(workload)
    if paths is None and not caches:
        return set_value(ro, "read_only_rootfs", True, title="Make the root filesystem read-only")
    listed = [str(p) for p in paths.value] if paths is not None else []
    title = "Make the root filesystem read-only, with writable mounts"
    if paths is not None:
        title += f" where the `{paths.entry}` image writes ({', '.join(listed)})"
    if caches:
        title += (" and" if paths is not None else "") + " at the cache directories its environment names (" + \
            ", ".join(f"{name}={path}" for name, path in caches) + ")"
    listed += [path for _name, path in caches if path not in listed]
    return (set_value(ro, "read_only_rootfs", True, title=title),
            *(ensure_item(ro, "writable_paths", p, title="") for p in listed))


# Variables that name the directory a library downloads or compiles into while the process runs: a
# model server fetches its weights there at start. Sources: huggingface_hub's environment variables
# (HF_HOME, HF_HUB_CACHE and the older HUGGINGFACE_HUB_CACHE; transformers' TRANSFORMERS_CACHE; datasets'
# HF_DATASETS_CACHE: https://huggingface.co/docs/huggingface_hub/package_reference/environment_variables),
# torch.hub's TORCH_HOME (https://pytorch.org/docs/stable/hub.html), sentence-transformers'
# SENTENCE_TRANSFORMERS_HOME, vLLM's VLLM_CACHE_ROOT (vllm/envs.py), Triton's TRITON_CACHE_DIR,
# Numba's NUMBA_CACHE_DIR and XDG_CACHE_HOME, which all of them fall back to.
_CACHE_VARS = ("HF_HOME", "HF_HUB_CACHE", "HUGGINGFACE_HUB_CACHE", "TRANSFORMERS_CACHE", "HF_DATASETS_CACHE",
               "TORCH_HOME", "SENTENCE_TRANSFORMERS_HOME", "VLLM_CACHE_ROOT", "TRITON_CACHE_DIR", "NUMBA_CACHE_DIR",
               "XDG_CACHE_HOME")


def _cache_dirs(workload: Workload) -> list[tuple[str, str]]:
    """(variable, directory) for each cache directory the workload's environment names that no mount
    holds (an absolute path, not below a mount or `/tmp`, which the fix makes writable): with a
    read-only root filesystem the download into it fails and the server does not start."""
    mounted = [m.target.rstrip("/") for m in workload.mounts] + ["/tmp"]
    out: list[tuple[str, str]] = []
    for name in _CACHE_VARS:
        var = workload.env_value(name)
        value = (var.value or "").strip().strip("'\"") if var is not None and not var.dynamic else ""
        path = value.rstrip("/")
        if not path.startswith("/") or "$" in path or any(c in path for c in " :,"):
            continue
        if any(path == m or path.startswith(m + "/") or m == "" for m in mounted):
            continue
        if all(p != path for _n, p in out):
            out.append((name, path))
    return out
