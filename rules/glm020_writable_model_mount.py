"""A model server's model store is mounted read-write.

## What it does
Flags a mount of the model repository or model store that a cataloged
server only reads (Triton `--model-repository`, TensorFlow Serving
`--model_base_path`/`MODEL_BASE_PATH`, TorchServe `--model-store`, OpenVINO
Model Server `--model_path`, and the
others in the [service catalog](../services.md), with the official images'
defaults) that is not read-only: a compose or `docker run` bind mount or
named volume without `:ro`/`read_only: true`, or a Kubernetes volume
(hostPath, PVC, ...) mounted without `readOnly: true`. A mount of the store,
of a directory inside it, or of a directory that contains it counts.

Caches the server writes are not model stores and are never flagged: the
Hugging Face cache (`~/.cache/huggingface`, `HF_HOME`), Text Generation
Inference's `/data`, Ollama's `/root/.ollama`, vLLM's download directory.

## Why is this bad?
The server loads whatever it finds in its model repository, and model
formats carry code (pickled PyTorch files, TorchServe handlers, TensorFlow
graphs with file-system ops, Python backends in Triton). A read-write mount
lets anything that compromises the container, or anyone who writes to the
volume from another workload, plant a model that runs code the next time it
is loaded, and the change survives restarts.

## Example
```yaml
services:
  triton:
    image: nvcr.io/nvidia/tritonserver:24.08-py3
    command: tritonserver --model-repository=/models
    volumes:
      - ./model_repository:/models
```
Use instead:
```yaml
services:
  triton:
    image: nvcr.io/nvidia/tritonserver:24.08-py3
    command: tritonserver --model-repository=/models
    volumes:
      - ./model_repository:/models:ro
```

## Fix safety
Unsafe: a server started with a model-management API that writes into its
store (TorchServe registering a `.mar` by URL, Triton's explicit model
control loading files) can no longer do so. Where the workload switches such
an API on (TorchServe 0.11.1 and later: `--enable-model-api`,
`enable_model_api=true` in its config.properties, or `TS_ENABLE_MODEL_API=true`
with `enable_envvars_config=true`) no fix is offered: the finding stays (an API
that writes into a store the server loads code from is the risk) and says so. The fix appends `:ro` to a
compose or `docker run` volume written as one string, sets `read_only: true`
on a compose long-form volume and `readOnly: true` on a Kubernetes
`volumeMounts` item.
"""
from __future__ import annotations

from collections.abc import Iterator

from glmlint.catalog.services import identify
from glmlint.ir import Format, Workload
from glmlint.rule import Finding, FixSafety, Kind, MountReadOnly, Risk, Severity, rule


@rule(kind=Kind.MISCONFIGURATION, risk=Risk.MEDIUM, code="GLM020", slug="writable-model-mount", severity=Severity.WARNING,
      message="{name} mounts the {service} model store read-write",
      formats={Format.COMPOSE, Format.KUBERNETES}, fix=FixSafety.UNSAFE, tags=("security", "cwe-732", "ai-ml"),
      services=lambda s: bool(s.model_stores))
def check(workload: Workload) -> Iterator[Finding]:
    seen = set()
    for match in identify(workload):
        writer = match.store_writer()
        note = "" if writer is None else (
            f" (no automatic fix: {writer[0].what}, which {writer[1]} turns on: a read-only store breaks it; "
            f"turn the model API off and let a separate job fill the store, then mount it "
            f"read-only)")
        for store in match.model_stores():
            path = store.value.rstrip("/") or "/"
            for mount in workload.mounts:
                if mount.read_only or mount.kind not in ("bind", "volume", "host-path") or mount.loc in seen:
                    continue
                target = mount.target.rstrip("/") or "/"
                if not target.startswith("/") or target == "/":
                    continue
                if not (target == path or path.startswith(target + "/") or target.startswith(path + "/")):
                    continue
                seen.add(mount.loc)
                yield Finding(at=mount.loc, args={"name": workload.label, "service": match.service.name},
                              fix=MountReadOnly(mount, "Mount the model store read-only") if writer is None else None,
                              message=(f"{workload.label} mounts `{mount.target}`, the {match.service.name} model "
                                       f"store `{store.value}`, read-write: whatever writes there plants the models "
                                       f"it loads{note}"))

