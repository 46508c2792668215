"""Container has no memory limit.

## What it does
Flags a compose service with neither `mem_limit` nor
`deploy.resources.limits.memory`, and a Kubernetes container without
`resources.limits.memory`. A limit of `0` or `-1` means no limit and is
reported too. An NVIDIA NIMService without `spec.resources.limits.memory` is
reported: the NIM operator gives its NIM container the NIMService's
`resources` as written, adding only an `nvidia.com/gpu` request and limit (the
finding points at its `resources.limits`, else `resources`, where the limit
goes; at its `image` when it writes neither). An ephemeral container (`kubectl debug`) is not reported: the API
server refuses `resources` on it, as it runs within what its pod has. A
container that sets no memory limit in a namespace whose `LimitRange` has a
`type: Container` item with a `default` (or `max`) memory is not reported: the
LimitRanger admission plugin gives it that limit. The LimitRange counts in the
same file (for the workloads of its namespace, or, with no namespace written on
either, for all of the file's), and in any other scanned file when both write
the same `metadata.namespace` (the namespace's own manifest beside the apps'),
and then only for the workloads of that namespace: the same Job written for
two namespaces in one file gets the limit in one of them, and the fixes of
both still apply. A LimitRange with no `metadata.namespace` in another file
counts for the workloads with none of the files of its own directory, which
`kubectl apply -f DIR` (or `-k`) puts into the same namespace; not for those
of another directory. Nor is a container of a pod that sets a pod-level memory limit
(`spec.resources.limits.memory`, Pod Level Resources, beta and on by default
from Kubernetes 1.34): the pod's containers share that limit. Nor is a
runtime template's container whose resources the object that runs it writes
over: a Kubeflow Trainer (Cluster)TrainingRuntime's `node` container of the
trainer's job (each TrainJob's `trainer.resourcesPerNode`), a KServe
(Cluster)ServingRuntime's `kserve-container` or `transformer-container` (each
InferenceService's model or transformer container, `resources` included, is
merged over it). Its other containers (an initializer, a sidecar) get nothing
from there and are reported. Such a runtime is reported after all when a
TrainJob (an InferenceService's `predictor.model`) runs it without a memory
limit of its own: both merge their limits over the runtime's one resource at
a time, so that runtime container's own, none, is what its pods get. The
TrainJob (InferenceService) may be in the same file or in another file of the
scan: it runs the runtime it names (`runtimeRef`, the model's `runtime`), a
cluster-scoped ClusterTrainingRuntime or ClusterServingRuntime of that name
wherever the scan has it, a namespaced TrainingRuntime or ServingRuntime of
that name in its own namespace (both written the same, or, with neither
written, in files of one directory or of sibling directories, which are
applied together). A ServingRuntime of the InferenceService's namespace
in any file of the scan wins over the ClusterServingRuntime of that name, in
its file or another (KServe looks the namespaced one up first): the cluster
runtime is not what that InferenceService runs. A model that names no runtime runs the only ServingRuntime
of its namespace in its own file that auto-selects its format (which KServe
tries before any ClusterServingRuntime); one of another file is not guessed.
The finding is at the runtime's container. Nor is the first container of a
KServe InferenceService's custom predictor, transformer or explainer
(`containers`, no model) reported: KServe's defaulter gives it the
`inferenceservice-config` ConfigMap's `resource.memoryLimit` (2Gi as shipped)
when it writes none (KServe's predecessor KFServing, `serving.kubeflow.org/v1beta1`,
gives it 2Gi, hard-coded); its other containers get nothing and are reported.

## Why is this bad?
Without a limit one container can take all of the node's memory: a data
loader that reads a whole dataset, a model server handed a huge batch, or an
attacker's allocation loop makes the kernel's OOM killer pick victims among
every other workload on the node, the kubelet and the database included.
A limit confines the damage to the container that misbehaves.

## Example
```yaml
services:
  vllm:
    image: vllm/vllm-openai:v0.5.3
    command: ["--model", "mistralai/Mistral-7B-Instruct-v0.3"]
```
Use instead:
```yaml
services:
  vllm:
    image: vllm/vllm-openai:v0.5.3
    command: ["--model", "mistralai/Mistral-7B-Instruct-v0.3"]
    deploy:
      resources:
        limits:
          memory: 48g
```
"""
from __future__ import annotations

from collections.abc import Iterator

from glmlint.ir import Format, Workload
from glmlint.rule import Finding, Kind, Risk, Severity, rule

_UNLIMITED = {"0", "-1"}


@rule(code="GLM012", slug="no-resource-limits", severity=Severity.WARNING,
      message="{name} has no memory limit", formats={Format.COMPOSE, Format.KUBERNETES},
      tags=("security", "cwe-770"),
      kind=Kind.HARDENING, risk=Risk.LOW, checklist="a memory limit")
def check(workload: Workload) -> Iterator[Finding]:
    if workload.container_list == "ephemeralContainers":
        return  # the API refuses `resources` on an ephemeral container: it uses what the pod has
    memory = workload.memory_limit
    if memory.explicit:
        if (memory.value or "").strip().strip("'\"") in _UNLIMITED:
            yield Finding(at=memory.loc, args={"name": workload.label},
                          message=f"{workload.label} sets an unlimited memory limit (`{memory.value}`)")
    elif workload.missing(memory, "resources"):
        # (where the limit is missing: the workload's anchor, or where a NIMService writes its `resources`)
        yield Finding(at=memory.loc, args={"name": workload.label})
