"""Kubernetes manifests -> IR: one workload per container of every pod spec.

Pod specs are found at the known paths of the core workload kinds (of their own API
group: a Volcano `batch.volcano.sh` Job is not a `batch/v1` Job), and in any
other kind (custom resources: PyTorchJob, MPIJob, TFJob, RayCluster, RayJob,
InferenceService, JobSet, LeaderWorkerSet, Argo Workflow, Knative Service, ...)
generically: a mapping whose `containers` is a list of mappings with an
`image`, or that holds one container as a mapping (Argo's `container:` and
`script:` with an `image`, a KServe model such as `model:` with a
`storageUri`/`modelFormat`, whose image the serving runtime supplies); its
`initContainers` and `sidecars` count too. OpenShift's `DeploymentConfig`
and Argo's `Rollout` are known kinds too. A Kubeflow TrainJob's `trainer` and
`initializer.dataset`/`.model` are the runtime's `node`, `dataset-initializer` and
`model-initializer` containers (fragments), and its overrides name containers
without an image. A Tekton Task's (or a Pipeline's `taskSpec`'s) `steps` and `sidecars`
are its pod's containers (`stepTemplate` their defaults; a step's `script` runs with
`sh` unless its shebang names another interpreter). A SparkApplication's `driver` and
`executor` are each a pod and its `spark-kubernetes-driver`/`-executor` container at
once (fragments), with its `sidecars` and `initContainers` and the `spec.volumes` it mounts; with a pod
`template` (Spark >= 3.0) the template is that pod, its Spark container written over by the role (and its
hostNetwork by the role's `hostNetwork: true`). An NVIDIA
NIMService's `spec` is its `<name>-ctr` NIM container (a fragment: env, command, args, the image
`repository:tag`, the user `userID`, default 1000), exposed by the Service `expose.service` makes. A KubeAI
`Model`'s `env` and (for `engine: VLLM`) its `args` after vLLM's start command are its server container's (a fragment);
a KAITO `Workspace`'s `inference.preset` (an `InferenceSet`'s template's) is served by vLLM with the
`--trust-remote-code` KAITO adds (a fragment). A Dask operator DaskCluster's (or DaskJob's)
scheduler pod is exposed by the Service it makes from `scheduler.service`. The labels KubeRay, the
LeaderWorkerSet controller, the Dask operator and KServe give their pods, and those the API server and the
controllers give the pods of a StatefulSet, a Job, a JobSet (a TrainJob), a Kubeflow training job and
MPIJob (by the pod's index too), a Volcano Job, a Kubeflow Notebook, and a (Cluster)ServingRuntime's
`spec.labels`, are the pods' labels a written Service selects. A KubeRay head pod with in-tree autoscaling also runs the operator's
`autoscaler` container, written as the cluster's `autoscalerOptions` (a fragment); a RayJob's `entrypoint`
is a shell command line its head's Ray container runs, and a RayService's `serveConfigV2` Ray Serve LLM
configs are fragment workloads starting vLLM with their `engine_kwargs` (located inside the string); the
`env_vars` of a Ray runtime environment (`runtimeEnvYAML`, a Serve application's `runtime_env`, a Serve
deployment's `ray_actor_options.runtime_env`) are env. Pod-level `securityContext` is
inherited by each container and the container's own value wins, as the
kubelet does; in a custom resource it is the pod spec's own, else the nearest
enclosing one (an Argo template's, then the Workflow's). An Argo template's pod
also takes, as Argo builds it, the workflow's `spec.volumes` its containers mount by
name, the workflow's `hostNetwork`, and `templateDefaults` (its `securityContext`
when the template sets none; its `container`/`script` values where that container
writes none); its `podSpecPatch`es (the workflow's, then the template's: YAML or JSON strings
Argo merges into the pod last) are read, their values winning and located inside the string (no fix
edits there), the pod-level ones (securityContext, os, hostUsers, volumes by name) in the pod's facts too, a patched
volume being what a container's `volumeMounts` of that name mount; a container a patch with `{{...}}` expressions may give a securityContext or resources
is a fragment. A container without
`image` is a fragment (a kustomize patch, a KServe model): explicit settings
are checked, absent ones not; except in a `DeploymentConfig` whose
`ImageChange` trigger supplies that container's image, which is complete. Messages name the replica role
(`PyTorchJob/train Worker`, `RayCluster/r gpu-group`, `Workflow/w train`).
Schemas are not workloads: a CustomResourceDefinition is never searched.
Which key holds which field is `glmlint.fields.KUBERNETES` (and `SECURITY_CONTEXT`
for one level's own securityContext), the table the fixer reads too.
"""
from __future__ import annotations

import json
import re
from typing import Any, NamedTuple
from collections.abc import Callable, Iterable

from glmlint import records
from glmlint.catalog.purposes import purpose_of
from glmlint.catalog import glob_match
from glmlint.catalog.services import PEER_WRITE, identify, peer_globs
from glmlint.fields import (BOOL, IF_TRUE, ITEMS, KUBERNETES, NOT_FALSE, POD, PROFILE, SECURITY_CONTEXT, TEXT, USER,
                             WRITTEN, Key, settings)
from glmlint.ir import (INGRESS_ROUTE, KSERVE_CONFIG, FileWrite, INSIDE_TEXT, LIMIT_RANGE, RUNTIME_LABEL, RUNTIME_RUN, RUNTIME_SHADOWED, runtime_label, Binding, Command, EnvVar, Exposure, Format, ImageRef, Item, Loc, Mount, PodIdentity,
                        PolicyRule, Pod,
                        Port, Role, Secret, SecretRead, SecurityContext, ServiceAccount, ServicePort, Setting, SourceFile, Subject,
                        User, Volume, Word, Workload, indexed_label)
from glmlint.parsers.base import split_lines
from glmlint.parsers import yamlnodes as y
from glmlint.records import dataclass
from glmlint.shell import SHELLS, file_writes, from_argv, parse_script, start_commands

Path = tuple[str | int, ...]

POD_SPEC_PATHS: dict[str, tuple[str, ...]] = {
    "Pod": ("spec",),
    "Deployment": ("spec", "template", "spec"),
    "StatefulSet": ("spec", "template", "spec"),
    "DaemonSet": ("spec", "template", "spec"),
    "ReplicaSet": ("spec", "template", "spec"),
    "ReplicationController": ("spec", "template", "spec"),
    "Job": ("spec", "template", "spec"),
    "CronJob": ("spec", "jobTemplate", "spec", "template", "spec"),
    "PodTemplate": ("template", "spec"),
    # workload kinds of widely used platforms, with a pod template at a fixed path
    "DeploymentConfig": ("spec", "template", "spec"),  # OpenShift apps.openshift.io/v1
    "Rollout": ("spec", "template", "spec"),  # Argo Rollouts argoproj.io/v1alpha1
}
# The API groups of those kinds (a Volcano `batch.volcano.sh` Job, a Kruise `apps.kruise.io` DaemonSet
# share a name, not the schema: they are searched generically). "v1" is the core group.
_KNOWN_GROUPS: dict[str, tuple[str, ...]] = {
    "Pod": ("v1",), "PodTemplate": ("v1",), "ReplicationController": ("v1",),
    "Deployment": ("apps/", "extensions/"), "StatefulSet": ("apps/",), "DaemonSet": ("apps/", "extensions/"),
    "ReplicaSet": ("apps/", "extensions/"), "Job": ("batch/",), "CronJob": ("batch/",),
    "DeploymentConfig": ("apps.openshift.io/", "v1"), "Rollout": ("argoproj.io/",)}


def _known_path(obj: Any) -> tuple[str, ...] | None:
    """The pod spec path of a known kind of its own API group; None for any other object."""
    kind = y.text(y.get(obj, "kind")) or ""
    known = POD_SPEC_PATHS.get(kind)
    if known is None:
        return None
    api = y.text(y.get(obj, "apiVersion")) or ""
    return known if any(api == g if g == "v1" else api.startswith(g) for g in _KNOWN_GROUPS[kind]) else None


# Kinds that hold schemas or data, never running pods.
NOT_WORKLOADS = {"CustomResourceDefinition", "ConfigMap", "Secret", "Service", "Namespace",
                 "ServiceAccount", "Role", "ClusterRole", "RoleBinding", "ClusterRoleBinding",
                 "Ingress", "NetworkPolicy", "PersistentVolumeClaim", "PersistentVolume",
                 "StorageClass", "APIService", "ValidatingWebhookConfiguration",
                 "MutatingWebhookConfiguration", "PodSecurityPolicy", "Kustomization",
                 "PriorityClass", "LimitRange", "ResourceQuota", "PodDisruptionBudget",
                 "HorizontalPodAutoscaler", "Endpoints", "EndpointSlice", "Certificate", "Issuer",
                 "ClusterIssuer", "ServiceMonitor", "PodMonitor", "PrometheusRule"}
CONTAINER_LISTS = ("initContainers", "containers", "ephemeralContainers", "sidecars")  # sidecars: Argo
# The name a runtime gives a single container that has none: Argo's main container, KServe's model server.
SINGLE_NAMES = {"container": "main", "script": "main"}
_SETTINGS = settings(KUBERNETES)
# the pod-level rows (`hostNetwork`, ...): read once per pod, the same for each of its containers
# (`_Pod.pod_settings`); the container-level ones, for each container
_POD_SETTINGS = tuple((name, row) for name, row in _SETTINGS if row.level == POD)
_CONTAINER_SETTINGS = tuple((name, row) for name, row in _SETTINGS if row.level != POD)
_USER, _NON_ROOT, _IMAGE, _APPARMOR, _SECCOMP = (KUBERNETES[k] for k in ("user", "run_as_non_root", "image", "apparmor",
                                                                         "seccomp"))
# the deprecated seccomp annotations' values as the field's types (kubernetes pkg/api/pod
# `seccompFieldForAnnotation`, which the API server used to fill the field from them until v1.27)
_SECCOMP_POD_ANNOTATION = "seccomp.security.alpha.kubernetes.io/pod"
_SECCOMP_TYPES = {"unconfined": "Unconfined", "runtime/default": "RuntimeDefault", "docker/default": "RuntimeDefault"}
_CONTEXT = _USER.keys[:1]  # the container's `securityContext`
_READ_ONLY, _VOLUMES = KUBERNETES["mount.read_only"].keys, KUBERNETES["volumes"].keys
_HOST_USERS = KUBERNETES["host_userns"].keys
APPARMOR_ANNOTATION = _APPARMOR.annotation


def is_kubernetes(doc: Any) -> bool:
    return y.is_scalar(y.get(doc, "apiVersion")) and y.is_scalar(y.get(doc, "kind"))


def may_run(doc: Any) -> bool:
    """False for kinds that hold schemas or data (a CRD, a ConfigMap), never running pods."""
    return (y.text(y.get(doc, "kind")) or "") not in NOT_WORKLOADS


def parse(path: str, text: str, docs: list[Any], pods: bool = True) -> SourceFile:
    """The file's IR. `pods=False`: `source.pods` left empty (the pods' identities, which only the
    scan-wide rules and the cluster link read: the fix engine's re-parses for the other rules)."""
    source = SourceFile(path=path, format=Format.KUBERNETES, text=text)
    identities = source.pods if pods else None
    lines = _lines(text)
    limits: dict[str | None, tuple[str, Loc] | None] | None = None  # the LimitRanges' default memory limits
    routed: list[Any] | None = None  # the file's Ingresses and Services, when it has an Ingress (`_ingress_exposures`)
    runtimes: list[tuple[str, str, str | None, Path, Any]] = []  # the file's runtime templates (`_runtime_key`)
    # the runtimes the file's TrainJobs/InferenceServices run with no memory limit over theirs (`_runtime_run`)
    unlimited: list[tuple[tuple[str, ...], str, str | None, Any, Loc]] = []
    knative: list[Any] = []  # the file's Knative Services and DomainMappings (`_domain_mappings`)
    config: Any = None  # its first `inferenceservice-config` ConfigMap of a written namespace (`KSERVE_CONFIG`)
    secrets: list[_ValuesSecret] = []  # Secrets that hand a chart's values to a cataloged service (`_values_secrets`)
    kept: dict[tuple[str | None, str], str] = {}  # claims whose files keep their owner (`_owner_kept`)
    for d, doc in enumerate(docs):
        for obj, obj_path in _objects(doc, (d,)):
            if (why := _owner_kept(obj)) is not None:
                kept[(_namespace(obj), y.text(y.get(obj, "metadata", "name")) or "")] = why
            if (y.text(y.get(obj, "apiVersion")) or "").startswith(_KNATIVE_API) and \
                    y.text(y.get(obj, "kind")) in ("Service", _DOMAIN_MAPPING):
                knative.append(obj)
            if (key := _runtime_key(obj)) is not None:
                runtimes.append((*key, obj_path, obj))
            elif (run := _runtime_run(obj)) is not None:
                unlimited.append(run)
            exposure = _exposure(obj)
            if config is None and _isvc_config(obj) and _namespace(obj):
                config = obj
            if y.text(y.get(obj, "kind")) in _ROUTED_KINDS or _isvc_config(obj):
                if routed is None:
                    routed = []
                routed.append(obj)
            if exposure is not None:
                source.services.append(exposure)
            else:
                known = len(source.pods)
                found = [*_workloads(path, obj, obj_path, lines, identities), *_kubeai_model(obj, obj_path, lines, path),
                         *_kaito_workspace(obj, obj_path, path)]
                ray = _kuberay(obj, obj_path, found, identities, known, lines, path)
                source.workloads.extend(_operator_expose(obj, obj_path, _operator_labels(obj, obj_path,
                                                                                      _controller_labels(obj, obj_path, ray))))
            _cluster_object(source, obj)
            if (secret := _secret(obj, obj_path)) is not None:
                source.secrets.append(secret)
                secrets.extend(_values_secrets(obj, secret))
            if y.text(y.get(obj, "kind")) == "LimitRange" and y.text(y.get(obj, "apiVersion")) == "v1":
                got = _default_memory_limit(obj)
                if got is not None:  # one with none (cpu only, `type: Pod`) hides no other's
                    limits = limits or {}
                    limits.setdefault(_namespace(obj), got)
    if routed is not None and any(y.text(y.get(o, "kind")) in _ROUTE_KINDS or _llm_route(o) is not None for o in routed):
        source.services.extend(_ingress_exposures(routed))
    if kept:
        source.workloads = [_claims_kept(w, kept) for w in source.workloads]
    if len(source.workloads) > 1 and (globs := peer_globs()):
        peered = _peers_read(source.workloads, globs)
        if peered is not source.workloads:
            source.workloads = peered
            source.cross_document = True  # (a hook Job's document decides the service's login)
    if len(source.workloads) > 1 and any(word.text.startswith(_ROUTER_DISCOVERY) for w in source.workloads
                                         for c in w.process for word in c.argv):
        linked = _routers_linked(source.workloads)
        if linked is not source.workloads:
            source.workloads = linked
            source.cross_document = True  # (the engines' documents decide what the router's callers must give)
    if source.secrets and source.workloads:
        source.secrets = secrets_read(source.secrets, through_accounts(secret_reads(source.workloads, docs),
                                                                       source.accounts))
    if secrets:
        source.workloads = [_values_read(w, secrets) for w in source.workloads]
        # a finding at a Secret's key is about the values its lines came from (`results.moved`: in a rendered
        # chart, the values line that set it)
        source.embedded = {(s.loc.line, s.loc.col): tuple((p, v) for p, v, _line in s.lines) for s in secrets}
    if runtimes and unlimited:
        source.workloads = _runtimes_unlimited(source.workloads, runtimes, unlimited)
        source.cross_document = True  # (a TrainJob's, an InferenceService's document decides its runtime's)
    if source.services:
        source.workloads = [expose(w, source.services) for w in source.workloads]
    if knative and (mapped := _domain_mappings(knative)):
        source.workloads = [expose(w, mapped) for w in source.workloads]
        source.cross_document = True  # (a DomainMapping's document exposes a Knative Service's)
    if limits:
        # (the memory limit its namespace's LimitRange gives each workload that sets none)
        source.workloads = [_given_memory_limit(w, *got) if (got := limits.get(w.namespace)) is not None else w
                            for w in source.workloads]
        source.cross_document = True
        # it reaches the pods of its namespace in the scan's other files (one of no written namespace: those of
        # the files applied with it, `link.reaches`)
        source.services.extend(Exposure(LIMIT_RANGE, "", ns, (), (), got[1], default_memory=got[0])
                               for ns, got in limits.items() if got is not None)
    if config is not None:
        # KServe reads it by namespace and name, wherever it is kept: a route of any file of the scan may need it
        source.services.append(Exposure(KSERVE_CONFIG, _ISVC_CONFIG, _namespace(config), (), (), _kind_loc(config)))
    # a runtime it names reaches that runtime's containers in the scan's other files (`link.reaches`)
    source.services.extend(Exposure(RUNTIME_RUN, name, None if kind.startswith("Cluster") else namespace,
                                    (runtime_label(kind, name),), (), at, via=kind)
                           for kinds, name, namespace, _user, at in unlimited if name for kind in kinds)
    global unrouted
    unrouted = id(source) if routed is None else 0
    return source


# `id` of the file the last `parse` made when it has no object a route of another file may be completed
# by (`routed_objects` of its text finds none), else 0: a worker reads it just after reading a file
# (`runner._check_one`: the file it made, alive, is the only one of that `id`), so that the routes'
# round reads no such file again (`link.routed`; issue 12)
unrouted = 0


# The kubelet gives a volume's files to the pod's fsGroup only where the volume plugin supports it: for a CSI
# volume (EFS, Filestore, Azure Files, most claims today) when the driver's `fsGroupPolicy` is `File`, or under
# the default `ReadWriteOnceWithFSType` when the volume has an fsType and a ReadWriteOnce access mode ("skipping
# fsGroup, only support ReadWriteOnce access mode": kubernetes pkg/volume/csi/csi_mounter.go `supportsFSGroup`,
# at 4a0608cb); a raw block device has no files. A claim written with access modes that hold neither
# ReadWriteOnce nor ReadWriteOncePod (the ReadWriteMany model cache shared by replicas), or `volumeMode: Block`,
# is taken to keep its owner; a claim not in the file is not known.
def _owner_kept(obj: Any) -> str | None:
    """Why a PersistentVolumeClaim's files keep their owner under the pod's fsGroup, else None."""
    if y.text(y.get(obj, "kind")) != "PersistentVolumeClaim" or y.text(y.get(obj, "apiVersion")) != "v1":
        return None
    return _spec_keeps_owner(y.get(obj, "spec"))


def _spec_keeps_owner(spec: Any) -> str | None:
    """Why a claim of this PersistentVolumeClaimSpec keeps its files' owner under the pod's fsGroup, else None."""
    if y.text(y.get(spec, "volumeMode")) == "Block":
        return "a raw block device (`volumeMode: Block`)"
    modes = [y.text(m) or "" for m in y.items(y.get(spec, "accessModes"))]
    if modes and not {"ReadWriteOnce", "ReadWriteOncePod"} & set(modes):
        return f"`{', '.join(modes)}`"
    return None


def _claim_templates(obj: Any, obj_path: Path, pod_path: Path) -> tuple[Volume, ...]:
    """A StatefulSet's `volumeClaimTemplates` as the pod volumes its controller makes of them (a claim each,
    named after the template), for the pod spec of its template (`pod_path`)."""
    if y.text(y.get(obj, "kind")) != "StatefulSet" or not (y.text(y.get(obj, "apiVersion")) or "").startswith(
            "apps/") or tuple(pod_path) != (*obj_path, "spec", "template", "spec"):
        return ()
    out = []
    for i, template in enumerate(y.items(y.get(obj, "spec", "volumeClaimTemplates"))):
        name = y.text(y.get(template, "metadata", "name"))
        if y.is_map(template) and name:
            out.append(Volume(name, "persistentVolumeClaim", y.loc(template),
                              (*obj_path, "spec", "volumeClaimTemplates", i), claim=name,
                              owner_kept=_spec_keeps_owner(y.get(template, "spec")) or ""))
    return tuple(out)


def _claims_kept(w: Workload, kept: dict[tuple[str | None, str], str]) -> Workload:
    """`w` with its pod's claims that `kept` names marked `owner_kept` (the claim in its namespace)."""
    pod = w.pod
    if pod is None or not any(v.kind == "persistentVolumeClaim" and v.claim for v in pod.volumes):
        return w
    volumes = tuple(records.replace(v, owner_kept=why) if v.kind == "persistentVolumeClaim" and
                    (why := kept.get((w.namespace, v.claim))) is not None else v for v in pod.volumes)
    return records.replace(w, pod=records.replace(pod, volumes=volumes)) if volumes != pod.volumes else w


# The LimitRanger admission plugin (kubernetes plugin/pkg/admission/limitranger/admission.go
# `defaultContainerResourceRequirements`, `mergeContainerResources`) gives each container (init containers too)
# of a pod created in a namespace the `default` limits of the namespace's LimitRange items of `type: Container`
# that the container does not set; an item's `default` is its `max` where it writes none (pkg/apis/core/v1
# defaults.go `SetDefaults_LimitRangeItem`). A LimitRange of the same file counts: for the workloads of its
# namespace, or, with none written on either, for those applied with it; one of a written namespace counts
# for the workloads of that namespace in the scan's other files too (`expose`, linked as a Service is).
def _default_memory_limit(obj: Any) -> tuple[str, Loc] | None:
    """The memory limit a LimitRange gives the containers that set none: (value, where it is written);
    of several `type: Container` items the last that gives one, as LimitRanger merges them."""
    got = None
    for item in y.items(y.get(obj, "spec", "limits")):
        if (y.text(y.get(item, "type")) or "") != "Container":
            continue
        for key in ("default", "max"):
            node = y.get(item, key, "memory")
            if node is not None and y.text(node):
                got = y.text(node) or "", y.loc(node)
                break
    return got


def _pod_memory_limit(spec: Any, workloads: list[Workload]) -> list[Workload]:
    """The containers of a pod spec with a pod-level memory limit (`spec.resources.limits.memory`), which
    bounds all of them together: the pod's cgroup gets that limit, and a container that sets none of its
    own runs within it (Pod Level Resources, KEP-2837: beta and on by default from Kubernetes 1.34,
    https://kubernetes.io/blog/2025/09/22/kubernetes-v1-34-pod-level-resources/)."""
    node = y.get(spec, "resources", "limits", "memory")
    value = y.text(node) if node is not None else None
    if not value or value.strip() in ("0", "-1"):
        return workloads  # no limit: each container is judged on its own
    return [_given_memory_limit(w, value, y.loc(node)) for w in workloads]


def _neighbours(spec: Any, workloads: list[Workload]) -> list[Workload]:
    """The containers of a pod spec, each with the start commands of the others that run while it runs
    (`Workload.neighbours`): the app containers and native sidecars (an init container with
    `restartPolicy: Always` keeps running, Kubernetes 1.29+); an init container that runs to completion
    first, or an ephemeral one, forwards nothing to the others."""
    sidecars = {i for i, c in enumerate(y.items(y.get(spec, "initContainers")))
                if y.text(y.get(c, "restartPolicy")) == "Always"}

    def running(w: Workload) -> bool:
        if w.container_list == "initContainers":
            return bool(w.node_path) and w.node_path[-1] in sidecars
        return w.container_list != "ephemeralContainers"

    live = [w for w in workloads if running(w) and w.process]
    if not live:
        return workloads
    starts = {id(o): start_commands(o) for o in live}
    return [records.replace(w, neighbours=tuple(c for o in live if o is not w for c in starts[id(o)]))
            if running(w) else w for w in workloads]


def _given_memory_limit(w: Workload, value: str, loc: Loc) -> Workload:
    """`w` with a memory limit something outside its container gives it (its pod's, a LimitRange's, at
    `loc`), unless it sets its own or is an ephemeral container (which runs within what its pod has)."""
    if w.memory_limit.explicit or w.container_list == "ephemeralContainers":
        return w
    return records.replace(w, memory_limit=Setting(value, loc, path=()))


def _lines(text: str) -> Callable[[], list[str]]:
    """The text's lines, split when first asked for (by a pod's containers): most manifests
    (Services, RBAC, CRDs) have none."""
    got: list[list[str]] = []

    def lines() -> list[str]:
        if not got:
            got.append(split_lines(text))
        return got[0]

    return lines


_EXPOSING = {"LoadBalancer", "NodePort"}

# -- Internal load balancers: a LoadBalancer Service the private network alone reaches ---------------------
# The cloud controller that makes a LoadBalancer Service's load balancer reads the Service's annotations (and
# `spec.loadBalancerClass`, which names the controller) to decide whether it gets a public address or one of the
# cluster's private network (its VPC/VNet and the networks peered with it). Such a Service is no exposure
# beyond the private network, as an internal Ingress or Gateway is not: `_internal_load_balancer`.
# Per cloud:
# Azure (kubernetes-sigs/cloud-provider-azure 7b31c76c, pkg/provider/azure_loadbalancer.go
# `requiresInternalLoadBalancer`): `service.beta.kubernetes.io/azure-load-balancer-internal`, exactly `true`
_AZURE_INTERNAL = "service.beta.kubernetes.io/azure-load-balancer-internal"
# Go's strconv.ParseBool spellings of true and false (the OCI controller and the AWS Load Balancer Controller
# parse booleans so; another value is an error, and no load balancer is made)
_GO_TRUE = ("1", "t", "T", "TRUE", "true", "True")
_GO_FALSE = ("0", "f", "F", "FALSE", "false", "False")
# GKE (kubernetes/cloud-provider-gcp 4e245312, providers/gce/gce_annotations.go `GetLoadBalancerAnnotationType`;
# cloud.google.com/kubernetes-engine/docs/concepts/service-load-balancer-parameters): the class
# `networking.gke.io/l4-regional-internal` (or `-internal-legacy`) makes an internal passthrough Network Load
# Balancer and an `-external` class an external one, whatever the annotations; without a class the first of
# `networking.gke.io/load-balancer-type` and its deprecated name `cloud.google.com/load-balancer-type` that is
# written decides: `Internal` (or the deprecated `internal`) is internal
_GKE_TYPES = ("networking.gke.io/load-balancer-type", "cloud.google.com/load-balancer-type")
_GKE_INTERNAL_CLASSES = ("networking.gke.io/l4-regional-internal", "networking.gke.io/l4-regional-internal-legacy")
# AWS, two controllers:
# - the AWS Load Balancer Controller (kubernetes-sigs/aws-load-balancer-controller 225f4456,
#   pkg/service/service_utils.go `IsServiceSupported`, model_build_load_balancer.go `buildLoadBalancerScheme`,
#   docs/guide/service/annotations.md) takes a Service of its class `service.k8s.aws/nlb`, or without a class one
#   whose `aws-load-balancer-type` is `nlb-ip`, or `external` with an `aws-load-balancer-nlb-target-type` of
#   `ip`/`instance`; EKS Auto Mode's built-in one the class `eks.amazonaws.com/nlb`
#   (docs.aws.amazon.com/eks/latest/userguide/auto-configure-nlb.html). Its scheme: `aws-load-balancer-scheme`
#   when written (`internet-facing` public; `internal`; anything else an error, no load balancer), else the
#   deprecated `aws-load-balancer-internal` (a Go boolean), else the controller's default, `internal`;
# - the in-tree controller (kubernetes/cloud-provider-aws 63ec440c, pkg/providers/v1/aws.go
#   `EnsureLoadBalancer`) takes the others without a class: `aws-load-balancer-internal` with any value but
#   empty or `false` (its docs' `0.0.0.0/0` too) is internal; it does not read `aws-load-balancer-scheme`.
#   A Service without a class that writes `aws-load-balancer-scheme` (an annotation only the Load Balancer
#   Controller reads) is taken as that controller's: its chart's default `enableServiceMutatorWebhook: true` makes it
#   "the default for all new services of type LoadBalancer" (helm/aws-load-balancer-controller/values.yaml at
#   00793771), and it gives the scheme precedence over `aws-load-balancer-internal` "in case of ties"
#   (docs/guide/service/annotations.md at 00681b8b, `lb-internal`): `internal: "true"` with
#   `scheme: internet-facing` is public; the scheme `internal` is internal
_AWS = "service.beta.kubernetes.io/aws-load-balancer-"
_AWS_LBC_CLASSES = ("service.k8s.aws/nlb", "eks.amazonaws.com/nlb")
# OCI (oracle/oci-cloud-controller-manager 1100ac36, pkg/cloudprovider/providers/oci/load_balancer_spec.go
# `isInternalLB`, `getLoadBalancerType`): `oci.oraclecloud.com/load-balancer-type: nlb` (any case) reads
# `oci-network-load-balancer.oraclecloud.com/internal`, any other the load balancer's
# `service.beta.kubernetes.io/oci-load-balancer-internal`; a Go boolean
_OCI_TYPE = "oci.oraclecloud.com/load-balancer-type"
_OCI_INTERNAL = {"nlb": "oci-network-load-balancer.oraclecloud.com/internal",
                 "lb": "service.beta.kubernetes.io/oci-load-balancer-internal"}
# Alibaba Cloud (kubernetes/cloud-provider-alibaba-cloud eeb0ddc6, pkg/controller/service/reconcile/annotation/
# annotations.go `Get`, pkg/model/load_balancer.go, pkg/model/nlb/nlb.go `GetAddressType`): the address type
# `service.beta.kubernetes.io/alibaba-cloud-loadbalancer-address-type` (else its legacy `alicloud-` name) is
# `intranet` (default `internet`); for a Service of the NLB class `alibabacloud.com/nlb`, in any case
_ALIBABA_TYPES = ("service.beta.kubernetes.io/alibaba-cloud-loadbalancer-address-type",
                  "service.beta.kubernetes.io/alicloud-loadbalancer-address-type")
# Hetzner Cloud (hetznercloud/hcloud-cloud-controller-manager ff929b2c internal/annotation/load_balancer.go
# `LBDisablePublicNetwork`, name.go `BoolFromService`: a Go boolean): `load-balancer.hetzner.cloud/disable-public-network`
# true gives the load balancer no public interface, only the private network's
_HETZNER_PRIVATE = "load-balancer.hetzner.cloud/disable-public-network"
# Tailscale's Kubernetes operator (tailscale/tailscale 03ddd1b0 cmd/k8s-operator/svc.go
# `isTailscaleLoadBalancerService`): a LoadBalancer Service of the class `tailscale` is exposed on the tailnet (the
# private network of the Tailscale devices) by a proxy the operator runs; an Ingress of its class `tailscale` too,
# unless `tailscale.com/funnel` is a true Go boolean (ingress.go: Funnel publishes it on the internet)
_TAILSCALE = "tailscale"
_TAILSCALE_FUNNEL = "tailscale.com/funnel"
# IBM Cloud (IBM-Cloud/cloud-provider-ibm 568c208b, pkg/vpcctl/vpc_sdk_base.go `isPublic`: public when the annotation
# is unwritten or `public`): `service.kubernetes.io/ibm-load-balancer-cloud-provider-ip-type: private` makes a
# private load balancer (the classic clusters' portable private address too: kubernetes.io/docs/concepts/
# services-networking/service/#internal-load-balancer)
_IBM_IP_TYPE = "service.kubernetes.io/ibm-load-balancer-cloud-provider-ip-type"
# OpenStack (kubernetes/cloud-provider-openstack c453fb7c, pkg/openstack/loadbalancer.go
# `ServiceAnnotationLoadBalancerInternal`, `getBoolFromServiceAnnotation`): `service.beta.kubernetes.io/
# openstack-internal-load-balancer`, exactly `true`, gives the load balancer no floating IP (another value: the
# cloud config's `internal-lb`, which is not in the manifest; judged public)
_OPENSTACK_INTERNAL = "service.beta.kubernetes.io/openstack-internal-load-balancer"
# Tencent Cloud TKE (tencentyun/qcloud-documents 4e4812f7,
# product/计算与网络/容器服务/控制台指南（新版）/Service管理/ServiceAnnotation说明.md):
# `service.kubernetes.io/qcloud-loadbalancer-internal-subnetid` names the subnet of a private-network CLB
_TENCENT_INTERNAL = "service.kubernetes.io/qcloud-loadbalancer-internal-subnetid"
# DigitalOcean (digitalocean/digitalocean-cloud-controller-manager 70d527e3, cloud-controller-manager/do/
# loadbalancers.go `getNetwork`, lb_annotations.go `annDONetwork`): `service.beta.kubernetes.io/do-loadbalancer-network:
# INTERNAL` makes a VPC-only load balancer; empty or absent is EXTERNAL, and any other value (`internal`: the
# test is exact) is an error, so no load balancer is made at all: only `EXTERNAL` (or none) is public
_DO_NETWORK = "service.beta.kubernetes.io/do-loadbalancer-network"


def _internal_load_balancer(annotations: dict[str, str], lb_class: str) -> bool:
    """Whether a LoadBalancer Service with these annotations (text values) and `spec.loadBalancerClass` gets a
    load balancer only the private network reaches, from the cloud controller that takes it (the tables above).
    A class no controller above names is not judged (False)."""
    if lb_class in _GKE_INTERNAL_CLASSES or lb_class == _TAILSCALE:
        return True
    if lb_class in _AWS_LBC_CLASSES or not lb_class and (
            annotations.get(_AWS + "type") == "nlb-ip" or annotations.get(_AWS + "type") == "external"
            and annotations.get(_AWS + "nlb-target-type") in ("ip", "instance")):
        if _AWS + "scheme" in annotations:
            return annotations[_AWS + "scheme"] != "internet-facing"
        if _AWS + "internal" in annotations:
            return annotations[_AWS + "internal"] not in _GO_FALSE
        return True
    if lb_class == "alibabacloud.com/nlb":
        return _first(annotations, _ALIBABA_TYPES).lower() == "intranet"
    if lb_class:
        return False
    if _AWS + "scheme" in annotations:  # the Load Balancer Controller's, by its webhook
        return annotations[_AWS + "scheme"] != "internet-facing"
    if annotations.get(_AWS + "internal", "") not in ("", "false"):
        return True
    if _first(annotations, _GKE_TYPES) in ("Internal", "internal") or _first(annotations, _ALIBABA_TYPES) == "intranet":
        return True
    oci = _OCI_INTERNAL["nlb" if annotations.get(_OCI_TYPE, "").lower() == "nlb" else "lb"]
    return annotations.get(oci) in _GO_TRUE or annotations.get(_AZURE_INTERNAL) == "true" \
        or annotations.get(_HETZNER_PRIVATE) in _GO_TRUE or annotations.get(_IBM_IP_TYPE) == "private" \
        or annotations.get(_OPENSTACK_INTERNAL) == "true" or bool(annotations.get(_TENCENT_INTERNAL, "").strip()) \
        or annotations.get(_DO_NETWORK, "") not in ("", "EXTERNAL")


def _first(annotations: dict[str, str], keys: tuple[str, ...]) -> str:
    """The value of the first of `keys` the annotations hold (`""`: none)."""
    return next((annotations[k] for k in keys if k in annotations), "")


def _annotations(node: Any) -> dict[str, str]:
    """An annotations mapping's (or a label selector's) text values by key."""
    return {k: y.text(v) or "" for k, (_kn, v) in y.entries(node).items()}


# A LoadBalancer Service's source ranges: `spec.loadBalancerSourceRanges`, else the comma-separated annotation
# `service.beta.kubernetes.io/load-balancer-source-ranges`; neither: every address (kubernetes/kubernetes v1.34.2
# pkg/api/v1/service/util.go `GetLoadBalancerSourceRanges`). The cloud's load balancer (and kube-proxy, for its
# address) lets in only those clients: ranges all private (`_PRIVATE_RANGES`) are the private network alone.
_SOURCE_RANGES = "service.beta.kubernetes.io/load-balancer-source-ranges"


def _internal_service(kind: str | None, annotations: Any, spec: Any, over: Any = None) -> bool:
    """Whether a Service of type `kind` is a LoadBalancer that, with these annotations (a mapping node, or None;
    those of `over`, another, win) and spec (a ServiceSpec node, or None), gets an internal load balancer
    (`_internal_load_balancer`), or one that lets in clients of private ranges only (`_SOURCE_RANGES`)."""
    if kind != "LoadBalancer":
        return False
    texts = {**_annotations(annotations), **_annotations(over)}
    lb_class = (y.text(y.get(spec, "loadBalancerClass")) or "").strip()
    ranges = [y.text(r) or "" for r in y.items(y.get(spec, "loadBalancerSourceRanges"))]
    if _private_only(",".join(ranges) if ranges else texts.get(_SOURCE_RANGES, "")) and \
            not _aws_ranges_ignored(texts, lb_class):
        return True
    return _internal_load_balancer(texts, lb_class)


# The AWS Load Balancer Controller (kubernetes-sigs/aws-load-balancer-controller 225f4456) applies the source
# ranges to the security group it makes for the NLB (pkg/service/model_build_managed_sg.go); with
# `aws-load-balancer-disable-nlb-sg` true the NLB has none (model_build_load_balancer.go
# `buildLoadBalancerSecurityGroups`) and the ranges go to the targets' security group only when the target
# group preserves the client's address (model_build_target_group.go `buildTargetGroupBindingNetworkingLegacy`:
# else the NLB's subnets are let in, whoever the client): `preserve_client_ip.enabled` of
# `aws-load-balancer-target-group-attributes`, else on for `instance` targets and off for `ip` ones
# (`buildPreserveClientIPFlag`, `buildTargetType`: `aws-load-balancer-type: nlb-ip` or `nlb-target-type: ip`).
# docs/guide/service/annotations.md: the source ranges are "ignored in case preserve client IP is not enabled".
# Custom frontend security groups (`aws-load-balancer-security-groups`) replace the one the controller makes
# (docs deploy/security_groups.md, v2.7: they "disable automatic generation of frontend security groups"):
# the ranges are applied nowhere and the user's groups, not read here, decide; the scheme judges it.
def _aws_ranges_ignored(annotations: dict[str, str], lb_class: str) -> bool:
    """Whether the AWS Load Balancer Controller takes the Service and lets in every client its NLB gets,
    whatever source ranges it writes."""
    kind, target = annotations.get(_AWS + "type"), annotations.get(_AWS + "nlb-target-type")
    if not (lb_class in _AWS_LBC_CLASSES or not lb_class and (kind == "nlb-ip" or kind == "external" and target in (
            "ip", "instance") or _AWS + "scheme" in annotations)):
        return False
    if annotations.get(_AWS + "disable-nlb-sg") not in _GO_TRUE:
        return bool(annotations.get(_AWS + "security-groups", "").strip())
    attributes = {k.strip(): v.strip() for k, _eq, v in (a.partition("=") for a in annotations.get(
        _AWS + "target-group-attributes", "").split(","))}
    preserve = attributes.get("preserve_client_ip.enabled")
    if preserve in _GO_TRUE or preserve in _GO_FALSE:
        return preserve in _GO_FALSE
    return kind == "nlb-ip" or target == "ip"


def _internal(kind: str | None, service: Any, over: Any = None) -> bool:
    """`_internal_service` of a Service or a Service template (its `metadata.annotations` and `spec`)."""
    return _internal_service(kind, y.get(service, "metadata", "annotations"), y.get(service, "spec"), over)


def _exposure(obj: Any) -> Exposure | None:
    """A core `v1` Service of type LoadBalancer (one the public network reaches: `_internal_service`) or
    NodePort with a selector: it makes the pods it selects reachable from outside the cluster."""
    if y.text(y.get(obj, "kind")) != "Service" or (y.text(y.get(obj, "apiVersion")) or "") != "v1":
        return None
    kind_node = y.get(obj, "spec", "type")
    kind = y.text(kind_node)
    selector = y.entries(y.get(obj, "spec", "selector"))
    if kind not in _EXPOSING or not selector:
        return None
    if _internal(kind, obj):
        return None
    ports = []
    for p in y.items(y.get(obj, "spec", "ports")):
        port = y.text(y.get(p, "port")) or ""
        target = y.text(y.get(p, "targetPort")) or port  # targetPort defaults to port
        protocol = (y.text(y.get(p, "protocol")) or "TCP").upper()
        if protocol == "TCP":
            ports.append(ServicePort(port, target, y.loc(p)))
    meta = y.get(obj, "metadata")
    return Exposure(kind, y.text(y.get(meta, "name")) or "?", y.text(y.get(meta, "namespace")),
                    tuple((k, y.text(v) or "") for k, (_kn, v) in selector.items()), tuple(ports),
                    y.loc(kind_node))


# Knative DomainMapping (knative/serving 98e5ef9 pkg/reconciler/domainmapping/resources/ingress.go `MakeIngress`):
# a DomainMapping (serving.knative.dev/v1beta1; v1alpha1 before) named after a domain makes the cluster's
# Knative ingress route that host, with `ExternalIP` visibility, to what its `spec.ref` names in its namespace: a
# Knative Service's pods (labelled `serving.knative.dev/service: <name>`, `_operator_labels`), whatever that
# Service's own visibility (a `cluster-local` one too). Those get the requests on the user container's port: the
# `containerPort` it writes, else 8080 (pkg/apis/serving/v1/revision_helpers.go `DefaultUserPort`). Only a
# Knative Service of the same file is judged (its port is read there). Without a DomainMapping a Knative
# Service's address is under the cluster's `config-domain`, `svc.cluster.local` unless configured
# (pkg/reconciler/route/config/domain.go `DefaultDomain`): no exposure is assumed.
_KNATIVE_API = "serving.knative.dev/"
_DOMAIN_MAPPING = "DomainMapping"


def _domain_mappings(objects: list[Any]) -> list[Exposure]:
    """The DomainMappings among a file's Knative objects that route a domain to a Knative Service of the file."""
    services = {(_namespace(o), y.text(y.get(o, "metadata", "name"))): o for o in objects
                if y.text(y.get(o, "kind")) == "Service"}
    out = []
    for dm in objects:
        ref = y.get(dm, "spec", "ref")
        if y.text(y.get(dm, "kind")) != _DOMAIN_MAPPING or y.text(y.get(ref, "kind")) != "Service" or \
                not (y.text(y.get(ref, "apiVersion")) or "").startswith(_KNATIVE_API):
            continue
        namespace, name = _namespace(dm), y.text(y.get(ref, "name")) or ""
        if (y.text(y.get(ref, "namespace")) or namespace) != namespace or (namespace, name) not in services:
            continue
        containers = y.items(y.get(services[namespace, name], "spec", "template", "spec", "containers"))
        # the user container: the one with a port (several containers), else the only one
        port = next((y.text(y.get(p, "containerPort")) for c in containers for p in y.items(y.get(c, "ports"))), None)
        target = port or "8080"
        out.append(Exposure(_DOMAIN_MAPPING, y.text(y.get(dm, "metadata", "name")) or "?", namespace,
                            (("serving.knative.dev/service", name),), (ServicePort("80", target, y.loc(ref)),),
                            y.loc(y.get(ref, "name")), route=name))
    return out


# -- Ingress: the Services an edge proxy routes outside traffic to ------------------------------
# An Ingress (networking.k8s.io/v1: a path's `backend.service.name` and `port.number`/`port.name`, and
# `spec.defaultBackend`; the v1beta1 and extensions/v1beta1 ones: `backend.serviceName`/`servicePort`,
# `spec.backend`) sends the requests its controller receives to a Service of its own namespace, by the
# Service's `port` (a number) or that port's `name`, which forwards to the pods the Service selects on
# its `targetPort` (Kubernetes API reference, Ingress v1 and Service v1, v1.31). Its controller is the
# cluster's edge: the pods behind it are reached from outside, through a ClusterIP Service too. Only a
# Service of the same file is known (a chart's or overlay's stream, a multi-document manifest); a
# Service of type LoadBalancer/NodePort exposes the pods itself (`_exposure`). An Ingress whose
# annotations may authenticate its requests is not an exposure: a controller's authentication or
# middleware annotations (ingress-nginx `auth-url`, `auth-type`, `auth-tls-verify-client`; NGINX Inc's
# `basic-auth-secret`, `jwt-*`; the AWS Load Balancer Controller's `auth-type: cognito|oidc`; Traefik's
# `router.middlewares`, which may be a basic or forward auth), or a snippet that mentions `auth`; or an
# annotation of `_AUTH_ANNOTATIONS`. Nor is an Ingress whose controller makes a load balancer only the private
# network reaches (`_INTERNAL_CLASSES`, `_SCHEMES`), nor a backend whose Service puts GKE's Identity-Aware
# Proxy in front of it (`_BACKEND_CONFIG`), nor an Ingress whose source allowlist names private ranges only
# (`_SOURCE_ALLOWLISTS`).
_INGRESS_APIS = ("networking.k8s.io/", "extensions/")
_CLASS_ANNOTATION = "kubernetes.io/ingress.class"

# Annotations of an Ingress that may authenticate its routes whatever their value (but empty).
_AUTH_ANNOTATIONS = {
    # Kong Ingress Controller: the KongPlugins named run on the Ingress's routes, among them key-auth,
    # basic-auth, jwt, openid-connect (kubernetes-sigs/ingress2gateway pkg/i2gw/providers/kong/README.md;
    # developer.konghq.com/kubernetes-ingress-controller/get-started/key-authentication)
    "konghq.com/plugins": "Kong plugins",
}
# Annotations of the backend Service that may authenticate the routes to it, with the values that do not:
# Kong reads its plugins on the Service too (its getting-started puts key-auth there, page above); the AWS
# Load Balancer Controller reads `auth-type` (`none` | `oidc` | `cognito`) on the Service too, before the
# Ingress's (docs/guide/ingress/annotations.md at 48b4a7dd, Location `Ingress,Service`).
_SERVICE_AUTH = {"konghq.com/plugins": ("",), "alb.ingress.kubernetes.io/auth-type": ("", "none")}
# Ingress classes (annotation `kubernetes.io/ingress.class` or `spec.ingressClassName`) no one outside the
# private network reaches.
_INTERNAL_CLASSES = {
    # ingress-gce (GKE): the annotation `gce-internal` makes an internal Application Load Balancer (pkg/utils
    # IsGCEL7ILBIngress, pkg/annotations GceL7ILBIngressClass, at 154c8861); it serves no Ingress whose
    # `spec.ingressClassName` is set (IsGCEIngress), so an Ingress naming `gce-internal` there gets no GKE
    # load balancer at all.
    "gce-internal": "GKE internal Application Load Balancer",
}
# Controllers whose scheme decides whether the load balancer is public: (the classes that name the controller,
# the prefix of its annotations (an Ingress carrying one is the controller's), the scheme annotation, its public
# values, the `spec.controller` of an IngressClass of the controller, the API groups of its parameters'
# IngressClassParams, whose `spec.scheme` wins over the annotation). Unset, the scheme is not public.
_SCHEMES = (
    # AWS Load Balancer Controller: `alb.ingress.kubernetes.io/scheme`, `internal` | `internet-facing`, default
    # `internal` (kubernetes-sigs/aws-load-balancer-controller docs/guide/ingress/annotations.md at 48b4a7dd); an
    # IngressClass of controller `ingress.k8s.aws/alb` whose `parameters` name an IngressClassParams
    # (elbv2.k8s.aws) with `spec.scheme`: every Ingress of the class has that scheme, the annotation ignored
    # (docs/guide/ingress/ingress_class.md, pkg/ingress/model_build_load_balancer.go `buildLoadBalancerScheme`,
    # at 225f4456); EKS Auto Mode's built-in one: controller `eks.amazonaws.com/alb`, IngressClassParams of
    # eks.amazonaws.com (docs.aws.amazon.com/eks/latest/userguide/auto-configure-alb.html)
    (("alb",), "alb.ingress.kubernetes.io/", "alb.ingress.kubernetes.io/scheme", ("internet-facing",),
     ("ingress.k8s.aws/alb", "eks.amazonaws.com/alb"), ("elbv2.k8s.aws", "eks.amazonaws.com")),
)
_DEFAULT_CLASS = "ingressclass.kubernetes.io/is-default-class"
# ingress-nginx: an Ingress's source allowlist, comma-separated CIDRs or addresses (`allowlist-source-range`,
# and its older name `whitelist-source-range`, which it still reads; user-guide/nginx-configuration/annotations
# "Allowlist source range"): a client outside every range gets 403. An allowlist of private ranges only
# (`_PRIVATE_RANGES`: RFC 1918, loopback, RFC 6598 shared space, IPv6 ULA and loopback) is reached from the
# private network alone. A public range (an office's address) is not judged: it stays an exposure. The AWS Load
# Balancer Controller's `alb.ingress.kubernetes.io/inbound-cidrs` (comma-separated CIDRs; default every address)
# is what the security group it makes for the load balancer lets in, an `internet-facing` one too; it is ignored
# when `alb.ingress.kubernetes.io/security-groups` names groups of one's own (docs/guide/ingress/annotations.md
# at 00175c1e, "Access control"), which the scan cannot read. By allowlist: the annotation that voids it ("": none).
_SOURCE_ALLOWLISTS = {"nginx.ingress.kubernetes.io/allowlist-source-range": "",
                      "nginx.ingress.kubernetes.io/whitelist-source-range": "",
                      "alb.ingress.kubernetes.io/inbound-cidrs": "alb.ingress.kubernetes.io/security-groups"}
_PRIVATE_RANGES = ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "127.0.0.0/8", "100.64.0.0/10",
                   "fc00::/7", "::1/128")
# GKE: a Service's annotation names the BackendConfig (of its namespace) of its ports, `{"default": name}` or
# `{"ports": {port number or name: name}}`; a BackendConfig with `spec.iap.enabled: true` puts Identity-Aware
# Proxy (Google sign-in) in front of that backend (cloud.google.com/kubernetes-engine/docs/how-to/ingress-configuration
# "Associating BackendConfig with your Ingress", cloud.google.com/iap/docs/enabling-kubernetes-howto). A
# BackendConfig not in the file may do so.
_BACKEND_CONFIG = ("cloud.google.com/backend-config", "beta.cloud.google.com/backend-config")


def _ingress_class_name(obj: Any) -> str:
    """The IngressClass an Ingress names (the annotation wins over `spec.ingressClassName`); `""`: none."""
    return (y.text(y.get(obj, "metadata", "annotations", _CLASS_ANNOTATION)) or "").strip() \
        or y.text(y.get(obj, "spec", "ingressClassName")) or ""


def _ingress_private(obj: Any, found: _Routed | None = None) -> bool:
    """Whether an Ingress's controller makes a load balancer only the private network reaches, or its
    annotations may authenticate its routes; `found`: the IngressClasses (and their parameters) it may
    name, of its file (of the files close to it, when the link completes its routes)."""
    annotations = {k: (y.text(v) or "").strip() for k, (_kn, v) in y.entries(y.get(obj, "metadata", "annotations")).items()}
    written = annotations.get(_CLASS_ANNOTATION, ""), y.text(y.get(obj, "spec", "ingressClassName")) or ""
    named = written[0] or written[1]  # `_ingress_class_name`
    classes = set(written)
    if classes & _INTERNAL_CLASSES.keys() or any(annotations.get(k) for k in _AUTH_ANNOTATIONS):
        return True
    if _TAILSCALE in classes and annotations.get(_TAILSCALE_FUNNEL, "") not in _GO_TRUE:
        return True  # the tailnet only
    ingress_class = found.ingress_class(named) if found is not None else None
    controller = y.text(y.get(ingress_class, "spec", "controller")) or ""
    for names, prefix, key, public, controllers, groups in _SCHEMES:
        scheme = found.class_scheme(ingress_class, groups) if found is not None and controller in controllers else None
        if (classes & set(names) or any(k.startswith(prefix) for k in annotations) or controller in controllers) \
                and (scheme or annotations.get(key, "")).lower() not in public:
            return True
    if any(_private_only(annotations.get(k, "")) and not annotations.get(unless) for k, unless in _SOURCE_ALLOWLISTS.items()):
        return True
    return _may_authenticate(y.get(obj, "metadata", "annotations"))


def _private_only(ranges: str) -> bool:
    """Whether a source allowlist (`_SOURCE_ALLOWLISTS`) names ranges and each lies in a private one; an
    entry that is no address or network (a variable, a typo) is not judged (False)."""
    import ipaddress

    entries = [e.strip() for e in ranges.split(",") if e.strip()]
    if not entries:
        return False
    private = [ipaddress.ip_network(r) for r in _PRIVATE_RANGES]
    for entry in entries:
        try:
            net = ipaddress.ip_network(entry, strict=False)
        except ValueError:
            return False
        if not any(net.version == p.version and net.subnet_of(p) for p in private):  # type: ignore[arg-type]
            return False
    return True


def _backend_configs(service: Any) -> dict[str, str] | None:
    """The BackendConfig a GKE Service names for each port (`""`: the default), None when it names none."""
    for key in _BACKEND_CONFIG:
        text = y.text(y.get(service, "metadata", "annotations", key))
        if text:
            try:
                value = json.loads(text)
            except ValueError:
                return {"": ""}  # unreadable: it may name one
            if not isinstance(value, dict):
                return {"": ""}
            out = {"": str(value["default"])} if value.get("default") else {}
            ports = value.get("ports")
            if isinstance(ports, dict):
                out.update({str(k): str(v) for k, v in ports.items()})
            return out
    return None


def _behind_iap(named: dict[str, str] | None, name: str, port: str, configs: dict[tuple[str | None, str], Any],
                namespace: str | None) -> bool:
    """Whether GKE may put Identity-Aware Proxy in front of a Service's port (`name`, `port`): the
    BackendConfig it names for it (`named`: `_backend_configs`) enables IAP, or is not in the file."""
    if named is None:
        return False
    config_name = named.get(port) or named.get(name) or named.get("")
    if config_name is None:
        return False
    config = configs.get((namespace, config_name))
    return config is None or y.scalar(y.get(config, "spec", "iap", "enabled")) is True


def _may_authenticate(annotations: Any) -> bool:
    """Whether an Ingress's annotations may put authentication in front of its routes."""
    for key, (_kn, value) in y.entries(annotations).items():
        name = key.rpartition("/")[2].lower()
        text = (y.text(value) or "").strip().lower()
        if name.endswith("snippet"):
            if "auth" in text:
                return True
        elif ("auth" in name or name.startswith("jwt") or name == "router.middlewares") \
                and text not in ("", "none", "off", "false"):
            return True
    return False


def _ingress_backends(obj: Any) -> list[tuple[str, str, Any]]:
    """(Service name, port number or name, the node naming the Service) of each backend an Ingress routes to."""
    spec = y.get(obj, "spec")
    backends = [y.get(spec, "defaultBackend"), y.get(spec, "backend")]
    for rule in y.items(y.get(spec, "rules")):
        backends += [y.get(p, "backend") for p in y.items(y.get(rule, "http", "paths"))]
    out = []
    for b in backends:
        service = y.get(b, "service")
        if y.is_map(service):  # v1
            name_node = y.get(service, "name")
            port = y.text(y.get(service, "port", "number")) or y.text(y.get(service, "port", "name")) or ""
        else:  # v1beta1
            name_node = y.get(b, "serviceName")
            port = y.text(y.get(b, "servicePort")) or ""
        name = y.text(name_node)
        if name and port:
            out.append((name, port, name_node))
    return out


def _ingress_exposures(objects: list[Any]) -> list[Exposure]:
    """What the file's Ingresses and Gateway API routes expose: for each, by the Service of the file it
    routes to (one of type ClusterIP, with a selector), that Service's pods on the target ports of the
    routed ports; a route to a Service (a route's Gateway) the file does not define, and an Ingress whose
    IngressClass (the one it names, else the default one) the file does not define (an IngressClass of
    another file may make it internal), as an `INGRESS_ROUTE` the objects of another file may complete
    (`routed_elsewhere`)."""
    found = _Routed(objects)
    out = []
    for obj in objects:
        kind = y.text(y.get(obj, "kind")) or ""
        api = y.text(y.get(obj, "apiVersion")) or ""
        elsewhere = False  # every backend is a route the link completes
        if kind == "Ingress" and api.startswith(_INGRESS_APIS) and not _ingress_private(obj, found):
            gateways: tuple[tuple[str | None, str], ...] = ()
            backends = _ingress_backends(obj)
            elsewhere = found.ingress_class(_ingress_class_name(obj)) is None
        elif kind in _GATEWAY_ROUTES and api.startswith(_GATEWAY_API) and not _route_may_authenticate(obj):
            gateways = _parent_gateways(obj)
            backends = _route_backends(obj)
        elif kind == "Route" and api.startswith(_OPENSHIFT_ROUTE_API) and not _openshift_route_private(obj):
            gateways = ()
            backends = _openshift_route_backends(obj)
        elif kind == "VirtualService" and api.startswith(_ISTIO_API) and (gateways := _istio_gateways(obj)):
            backends = _istio_destinations(obj)
        elif kind == "LLMInferenceService" and (llm := _llm_route(obj)) is not None and not _filters_may_authenticate(
                y.get(obj, "spec", "router", "route", "http", "spec", "rules")):
            backend, gateways, node = llm
            backends, kind = [(backend, _LLM_PORT, node)], "HTTPRoute"  # (the HTTPRoute the controller makes)
        else:
            continue
        namespace = _namespace(obj)
        name = y.text(y.get(obj, "metadata", "name")) or "?"
        if y.text(y.get(obj, "kind")) == "LLMInferenceService":
            name = _child_name(name, "-kserve-route")
        here = []
        for service_name, port, node in backends:
            known = found.istio_gateways if kind == "VirtualService" else found.gateways
            if not elsewhere and (namespace, service_name) in found.services and all(
                    g in known for g in found.resolve(gateways)):
                here.append((service_name, port, y.loc(node)))
            else:  # (one Exposure a route, as `routed_elsewhere` completes it)
                out.append(Exposure(INGRESS_ROUTE, name, namespace, (), (ServicePort(port, "", y.loc(node)),),
                                    y.loc(node), route=service_name, via=kind, gateways=gateways))
        out.extend(found.routed(kind, name, namespace, gateways, here))
    return out


# -- Gateway API: an HTTPRoute/GRPCRoute sends what its Gateways receive to Services ------------------
# (gateway-api apis/v1 httproute_types.go, grpcroute_types.go, gateway_types.go, shared_types.go, v1.3):
# a route attaches to the Gateways of its `spec.parentRefs` (`kind` defaults to Gateway, `group` to
# gateway.networking.k8s.io, `namespace` to the route's) whose listeners allow routes of its namespace
# (`allowedRoutes.namespaces.from`, default `Same`); each rule sends requests to its `backendRefs` (`kind`
# defaults to Service of the core group, `namespace` to the route's: one of another namespace needs that
# namespace's ReferenceGrant, and is not followed here), on the Service `port`. A Gateway is the cluster's
# edge unless its class makes a load balancer only the private network reaches (`_INTERNAL_GATEWAYS`), or
# its infrastructure or annotations ask its controller for an internal one. A route is no exposure when
# something may authenticate it: a rule's `ExtensionRef` filter (a Traefik Middleware, a Kong plugin, an
# implementation's auth filter), Kong's `konghq.com/plugins` on the route, or a policy of `_AUTH_POLICIES`
# that targets the route, its Gateway or the Service (or, Istio's, that has no target: it selects by labels
# or covers its namespace) among the objects the route is judged with.
_GATEWAY_API = "gateway.networking.k8s.io/"
_GATEWAY_ROUTES = ("HTTPRoute", "GRPCRoute")
_ROUTE_KINDS = ("Ingress", *_GATEWAY_ROUTES, "Route", "VirtualService")
# Gateway classes no one outside the private network reaches: GKE's internal Application Load Balancers
# (cloud.google.com/kubernetes-engine/docs/how-to/gatewayclass-capabilities: `gke-l7-rilb`, `-rilb-mc`,
# `-cross-regional-internal-managed-mc`); the AWS Gateway API Controller's VPC Lattice service network, reached
# from the VPCs associated with it (aws/aws-application-networking-k8s docs/api-types/gateway.md:
# `amazon-vpc-lattice`); Istio's ambient waypoint, a proxy inside the mesh (istio.io ambient "Configure
# waypoint proxies": `istio-waypoint`)
_INTERNAL_GATEWAYS = {"gke-l7-rilb", "gke-l7-rilb-mc", "gke-l7-cross-regional-internal-managed-mc",
                      "amazon-vpc-lattice", "istio-waypoint"}
# A Gateway's controller copies annotations to the load balancer Service it makes (`spec.infrastructure.annotations`,
# Istio from `metadata.annotations` too): those that ask the cloud for an internal load balancer
# (`_internal_load_balancer`), or Istio for no load balancer (`networking.istio.io/service-type: ClusterIP`, any case)
_ISTIO_SERVICE_TYPE = "networking.istio.io/service-type"
# Policies that may put authentication in front of a route, by kind and API group: Envoy Gateway's
# SecurityPolicy (basic auth, JWT, OIDC, API keys, external auth), Kuadrant's AuthPolicy, GKE's
# GCPBackendPolicy (with `default.iap.enabled`: Identity-Aware Proxy), Istio's AuthorizationPolicy and
# RequestAuthentication, the AWS Gateway API Controller's IAMAuthPolicy (VPC Lattice's SigV4 authentication)
_AUTH_POLICIES = {"SecurityPolicy": "gateway.envoyproxy.io/", "AuthPolicy": "kuadrant.io/",
                  "IAMAuthPolicy": "application-networking.k8s.aws/",
                  "GCPBackendPolicy": "networking.gke.io/", "AuthorizationPolicy": "security.istio.io/",
                  "RequestAuthentication": "security.istio.io/"}
# A Gateway's `spec.infrastructure.parametersRef` names an object of its namespace that configures what its
# controller deploys (gateway-api apis/v1 GatewayInfrastructure): Envoy Gateway's EnvoyProxy (gateway.envoyproxy.io,
# "Customize EnvoyProxy": `spec.provider.kubernetes.envoyService.type`, LoadBalancer by default, and
# `.annotations` copied to that Service) is read when the scan has it; any other, or one not here, may make the
# load balancer internal or none, and its Gateway is not judged (precision)
_ENVOY_PROXY = ("EnvoyProxy", "gateway.envoyproxy.io")
_ROUTED_KINDS = frozenset({*_ROUTE_KINDS, "Service", "BackendConfig", "Gateway", "GatewayClass", *_AUTH_POLICIES, "IngressClass",
                           "IngressClassParams", "RayCluster", "RayService", _ENVOY_PROXY[0], "LLMInferenceService"})


# KServe's LLMInferenceService (kserve pkg/controller/v1alpha1/llmisvc, at 0217bdab): with `spec.router.route`
# and no `route.http.refs` the controller makes the HTTPRoute `<name>-kserve-route` (`_child_name`; router.go
# `expectedHTTPRoute`), which `spec.router.gateway.refs` attach to the Gateways they name (`toGatewayRef`; a ref
# without a namespace: the LLMInferenceService's, `CollectReferencedGateways`); without refs it attaches to the
# cluster's default gateway (the `kserve-config-llm-router-route` preset's parentRefs: config/llmisvcconfig), the
# `inferenceservice-config` ConfigMap's `ingress.kserveIngressGateway`, required as `<namespace>/<name>` and shipped
# as `kserve/kserve-ingress-gateway` (config/configmap/inferenceservice.yaml; config_loader.go `NewConfig`): that
# Gateway, judged where the scan has it. A `inferenceservice-config` ConfigMap of the scan (in the route's file or one
# close to it) names the one the controller reads (`_Routed.default_gateway`: `<namespace>/<name>`, or a name of the
# controller's namespace, which is the ConfigMap's; none, an empty or unreadable `ingress`, names no Gateway the
# route attaches to: v1beta1 configmap.go `NewIngressConfig`). The route sends to the service's single-node workload
# pods (through the scheduler's InferencePool, else the workload Service, port 8000), which carry
# `app.kubernetes.io/name: <name>`, `app.kubernetes.io/part-of: llminferenceservice` and `kserve.io/component:
# workload` (workload_single_node.go `singleNodeLabels`, `expectedSingleNodeMainDeployment`,
# `expectedPrefillMainDeployment`; a multi-node one's leader pods too, its workers otherwise: `_llm_multi_node`).
_LLM_LABELS = ("app.kubernetes.io/name", "app.kubernetes.io/part-of", "kserve.io/component")


def _llm_labels(name: str) -> tuple[tuple[str, str], ...]:
    """The labels KServe gives an LLMInferenceService `name`'s single-node workload pods (what its
    workload Service selects)."""
    return tuple(zip(_LLM_LABELS, (name, "llminferenceservice", "workload")))


_LLM_PORT = "8000"
_LLM_DEFAULT_GATEWAY = ("kserve", "kserve-ingress-gateway")
# what an LLMInferenceService's route attaches to when it names no Gateway: the cluster's default gateway, read from
# the `inferenceservice-config` ConfigMap among the objects it is judged with (`_Routed.resolve`)
_LLM_CONFIGURED_GATEWAY = ("", "inferenceservice-config ingress.kserveIngressGateway")
_ISVC_CONFIG = "inferenceservice-config"


def _isvc_config(obj: Any) -> bool:
    """Whether `obj` is KServe's `inferenceservice-config` ConfigMap (constants.go `InferenceServiceConfigMapName`)."""
    return y.text(y.get(obj, "kind")) == "ConfigMap" and y.text(y.get(obj, "apiVersion")) == "v1" and \
        y.text(y.get(obj, "metadata", "name")) == _ISVC_CONFIG


def _configured_gateway(config: Any) -> tuple[str | None, str] | None:
    """The Gateway an `inferenceservice-config` ConfigMap names as the default one (`ingress` JSON's
    `kserveIngressGateway`: `<namespace>/<name>`, or a name of the controller's namespace, the ConfigMap's);
    None when it names none (or the scan cannot read it: a template, JSON that does not parse)."""
    text = y.text(y.get(config, "data", "ingress"))
    try:
        value = json.loads(text) if text else None
    except ValueError:
        return None
    got = value.get("kserveIngressGateway") if isinstance(value, dict) else None
    if not isinstance(got, str) or not got.strip():
        return None
    parts = got.strip().split("/")
    if len(parts) == 2 and parts[0] and parts[1]:
        return parts[0], parts[1]
    if len(parts) == 1:
        return _namespace(config) or _LLM_DEFAULT_GATEWAY[0], parts[0]
    return None


def _llm_route(obj: Any) -> tuple[str, tuple[tuple[str | None, str], ...], Any] | None:
    """An LLMInferenceService's managed HTTPRoute: (the Service-like backend name `_Routed` knows its pods by,
    the Gateways its `router.gateway.refs` attach it to, the node that asks for the route); None when the
    manifest does not decide where it attaches."""
    if not _llm_preset(obj):
        return None
    name, router = y.text(y.get(obj, "metadata", "name")), y.get(obj, "spec", "router")
    route = y.get(router, "route")
    if not name or not y.is_map(route) or y.items(y.get(route, "http", "refs")):
        return None
    namespace = _namespace(obj)
    refs = y.items(y.get(router, "gateway", "refs"))
    written = y.get(route, "http", "spec", "parentRefs")  # (the route's own spec, merged over the preset's)
    if refs:
        gateways = tuple((y.text(y.get(ref, "namespace")) or namespace, y.text(y.get(ref, "name")) or "")
                         for ref in refs if y.text(y.get(ref, "name")))
    elif written is not None:
        gateways = tuple((y.text(y.get(ref, "namespace")) or namespace, y.text(y.get(ref, "name")) or "")
                         for ref in y.items(written) if (y.text(y.get(ref, "kind")) or "Gateway") == "Gateway"
                         and y.text(y.get(ref, "name")))
    else:
        gateways = (_LLM_CONFIGURED_GATEWAY,)
    pair = y.entries(router).get("route")
    return (_child_name(name, "-kserve-workload-svc"), gateways, pair[0] if pair else route) if gateways else None


def _child_name(parent: str, suffix: str) -> str:
    """The name KServe gives an object it makes for `parent` (knative.dev/pkg kmeta `ChildName`, at 4a022ed9, the
    version kserve's go.mod pins at aaac4e29): `parent` and `suffix`, or where that is longer than the 63
    characters of a name, the first 31 less the suffix's characters of `parent`, the MD5 of `parent` in hex
    (32) and `suffix` (a suffix of 31 characters or more is hashed otherwise: none here is)."""
    if len(parent) + len(suffix) <= 63:
        return parent + suffix
    import hashlib

    return parent[:31 - len(suffix)] + hashlib.md5(parent.encode(), usedforsecurity=False).hexdigest() + suffix


def _llm_target(obj: Any) -> list[tuple[tuple[str | None, str], _Target]]:
    """The backend an LLMInferenceService's managed route sends to (`_llm_route`), as a route's target: its
    workload pods, on port 8000."""
    got = _llm_route(obj)
    if got is None:
        return []
    name = y.text(y.get(obj, "metadata", "name")) or ""
    at = y.loc(got[2])
    selector = _llm_labels(name)
    return [((_namespace(obj), got[0]), _Target("ClusterIP", selector, [("", ServicePort(_LLM_PORT, _LLM_PORT, at))],
                                               False, None))]


def _parent_gateways(route: Any) -> tuple[tuple[str | None, str], ...]:
    """The Gateways (namespace, name) a route's `parentRefs` attach it to."""
    namespace = _namespace(route)
    out = []
    for ref in y.items(y.get(route, "spec", "parentRefs")):
        kind = y.text(y.get(ref, "kind")) or "Gateway"
        group = y.text(y.get(ref, "group"))
        if kind == "Gateway" and group in (None, "gateway.networking.k8s.io") and y.text(y.get(ref, "name")):
            out.append((y.text(y.get(ref, "namespace")) or namespace, y.text(y.get(ref, "name")) or ""))
    return tuple(out)


def _route_backends(route: Any) -> list[tuple[str, str, Any]]:
    """(Service name, port number, the node naming the Service) of each backend of a route's rules that no
    filter of its may authenticate; Services of the route's namespace only."""
    namespace = _namespace(route)
    out = []
    for rule in y.items(y.get(route, "spec", "rules")):
        for ref in y.items(y.get(rule, "backendRefs")):
            if (y.text(y.get(ref, "kind")) or "Service") != "Service" or (y.text(y.get(ref, "group")) or "") != "":
                continue
            if (y.text(y.get(ref, "namespace")) or namespace) != namespace:
                continue  # another namespace's: only with its ReferenceGrant
            if any(y.text(y.get(f, "type")) == "ExtensionRef" for f in y.items(y.get(ref, "filters"))):
                continue
            name_node = y.get(ref, "name")
            port = y.text(y.get(ref, "port")) or ""
            if y.text(name_node) and port:
                out.append((y.text(name_node) or "", port, name_node))
    return out


# -- OpenShift Route: the cluster's router sends outside traffic to a Service ----------------------------------
# (openshift/api 1456ef82 route/v1/types.go `RouteSpec`): `spec.to` (kind Service, the default) and up to three
# `spec.alternateBackends` name Services of the Route's namespace; a backend of `weight: 0` gets no requests;
# `spec.port.targetPort` names the endpoints' port (the Service port's name, or the pods' port number), and
# with no `port` the router uses every port of the Service. The default router is the cluster's edge, as an
# Ingress controller is. HAProxy's source allowlist annotation (`haproxy.router.openshift.io/ip_allowlist`, its
# older name `ip_whitelist`: space-separated addresses and CIDRs, docs.openshift.com "Route configuration",
# route-specific annotations) naming private ranges only (`_PRIVATE_RANGES`) makes it reached from the private
# network alone.
_OPENSHIFT_ROUTE_API = "route.openshift.io/"
_ROUTE_ALLOWLISTS = ("haproxy.router.openshift.io/ip_allowlist", "haproxy.router.openshift.io/ip_whitelist")


def _openshift_route_private(route: Any) -> bool:
    """Whether an OpenShift Route's source allowlist names private ranges only."""
    return any(_private_only(",".join((y.text(y.get(route, "metadata", "annotations", key)) or "").split()))
               for key in _ROUTE_ALLOWLISTS)


def _openshift_route_backends(route: Any) -> list[tuple[str, str, Any]]:
    """(Service name, the endpoints' port name or number (`""`: every port), the node naming the Service) of
    each backend of an OpenShift Route that gets requests."""
    port = y.text(y.get(route, "spec", "port", "targetPort")) or ""
    out = []
    for ref in (y.get(route, "spec", "to"), *y.items(y.get(route, "spec", "alternateBackends"))):
        if (y.text(y.get(ref, "kind")) or "Service") != "Service" or y.text(y.get(ref, "weight")) == "0":
            continue
        name_node = y.get(ref, "name")
        if y.text(name_node):
            out.append((y.text(name_node) or "", port, name_node))
    return out


def _route_may_authenticate(route: Any) -> bool:
    """Whether a filter of a route's rules (an `ExtensionRef`) or Kong's plugins annotation may authenticate
    its requests; a route with such a rule is judged whole (its other rules share the hosts)."""
    if (y.text(y.get(route, "metadata", "annotations", "konghq.com/plugins")) or "").strip():
        return True
    return _filters_may_authenticate(y.get(route, "spec", "rules"))


def _filters_may_authenticate(rules: Any) -> bool:
    """Whether a filter of a route's `rules` (an `ExtensionRef`) may authenticate its requests."""
    return any(y.text(y.get(f, "type")) == "ExtensionRef" for rule in y.items(rules) for f in y.items(y.get(rule, "filters")))


def _private_annotations(node: Any) -> bool:
    """Whether annotations (a mapping node) a Gateway's controller copies to its Service ask for a load balancer
    only the private network reaches, or none."""
    annotations = _annotations(node)
    return annotations.get(_ISTIO_SERVICE_TYPE, "").strip().lower() == "clusterip" \
        or _internal_load_balancer(annotations, "")


def _gateway_private(gateway: Any, proxies: dict[tuple[str | None, str], Any],
                     classes: dict[str, Any] | None = None) -> bool:
    """Whether a Gateway's load balancer is reached from the private network only (`_INTERNAL_GATEWAYS`,
    `_private_annotations`, its infrastructure's parameters, else those of its GatewayClass (of `classes`, by
    name): `_ENVOY_PROXY`, of `proxies` by (namespace, name)), or it has no listener for HTTP traffic."""
    class_name = y.text(y.get(gateway, "spec", "gatewayClassName")) or ""
    if class_name in _INTERNAL_GATEWAYS:
        return True
    if any(_private_annotations(node) for node in (y.get(gateway, "spec", "infrastructure", "annotations"),
                                                   y.get(gateway, "metadata", "annotations"))):
        return True
    ref = y.get(gateway, "spec", "infrastructure", "parametersRef")
    namespace = _namespace(gateway)  # a Gateway's parameters are of its namespace
    if ref is None and classes is not None and class_name in classes:
        # a GatewayClass's parameters (cluster-wide: its reference names their namespace), for every Gateway of
        # the class that names none of its own (Envoy Gateway "Customize EnvoyProxy": ParametersRef in a
        # Gateway and GatewayClass)
        ref = y.get(classes[class_name], "spec", "parametersRef")
        namespace = y.text(y.get(ref, "namespace"))
    if ref is not None:
        proxy = None
        if (y.text(y.get(ref, "kind")), y.text(y.get(ref, "group"))) == _ENVOY_PROXY:
            proxy = proxies.get((namespace, y.text(y.get(ref, "name")) or ""))
        service = y.get(proxy, "spec", "provider", "kubernetes", "envoyService")
        kind = y.text(y.get(service, "type")) or "LoadBalancer"
        if proxy is None or kind == "ClusterIP" or _private_annotations(y.get(service, "annotations")) \
                or _internal_service(kind, None, service):
            return True
    return not y.items(y.get(gateway, "spec", "listeners"))


def _admits(gateway: Any, gateway_ns: str | None, route_ns: str | None, kind: str) -> bool:
    """Whether a listener of a Gateway takes routes of `kind` (an HTTP or HTTPS listener, whose
    `allowedRoutes.kinds`, when written, name it) of the namespace `route_ns` (`from: Same` by default;
    `All`; `Selector`, by labels of the namespace the scan does not know: taken as allowing)."""
    for listener in y.items(y.get(gateway, "spec", "listeners")):
        if (y.text(y.get(listener, "protocol")) or "").upper() not in ("HTTP", "HTTPS"):
            continue  # a TLS passthrough, TCP or UDP listener takes other routes
        kinds = y.items(y.get(listener, "allowedRoutes", "kinds"))
        if kinds and not any(y.text(y.get(k, "kind")) == kind and (y.text(y.get(k, "group")) or "gateway.networking.k8s.io")
                             == "gateway.networking.k8s.io" for k in kinds):
            continue
        allowed = y.text(y.get(listener, "allowedRoutes", "namespaces", "from")) or "Same"
        if allowed in ("All", "Selector") or (allowed == "Same" and gateway_ns == route_ns):
            return True
    return False


class _Target(NamedTuple):
    """A Service a route may send requests to, as far as routing needs it."""

    type: str  # ClusterIP, LoadBalancer, NodePort, ...
    selector: tuple[tuple[str, str], ...]
    ports: list[tuple[str, ServicePort]]  # (name, port)
    guarded: bool  # its own annotations may authenticate the routes to it (`_SERVICE_AUTH`)
    backend_configs: dict[str, str] | None  # the GKE BackendConfigs it names (`_backend_configs`)
    internal: bool = False  # of type LoadBalancer, with an internal load balancer (`_internal_service`)

    @classmethod
    def of(cls, service: Any) -> _Target:
        kind = y.text(y.get(service, "spec", "type")) or "ClusterIP"
        return cls(kind,
                   tuple((k, y.text(v) or "") for k, (_kn, v) in y.entries(y.get(service, "spec", "selector")).items()),
                   _written_ports(service),
                   any((y.text(y.get(service, "metadata", "annotations", k)) or "").strip().lower() not in off
                       for k, off in _SERVICE_AUTH.items()),
                   _backend_configs(service),
                   _internal(kind, service))


def _ray_head_targets(obj: Any) -> list[tuple[tuple[str | None, str], _Target]]:
    """The head Service the KubeRay operator makes for a RayCluster (`_ray_head_service`: its name, type and
    ports), whatever its type, as a route's target: it selects the cluster's head pod (common/service.go
    `BuildServiceForHeadPod`: `ray.io/cluster` and `ray.io/node-type: head`); and the one a RayService keeps for
    itself, `<name>-head-svc` whatever the template's name (utils `GenerateHeadServiceName`), which selects the head
    of its cluster (of a generated name: `_ray_cluster_name`). A RayJob's cluster's is not followed."""
    name = y.text(y.get(obj, "metadata", "name"))
    cr = y.text(y.get(obj, "kind"))
    group = y.get(obj, "spec", "rayClusterConfig", "headGroupSpec") if cr == "RayService" \
        else y.get(obj, "spec", "headGroupSpec")
    if not name or not y.is_map(group):
        return []
    template = y.get(group, "headService")
    kind = y.text(_ray_type(template, group)) or "ClusterIP"
    ports = _written_ports(template) + [(n, ServicePort(p, p, y.loc(group))) for n, p in _ray_default_ports(group) if p]
    service = f"{name}-head-svc" if cr == "RayService" else y.text(y.get(template, "metadata", "name")) or f"{name}-head-svc"
    internal = _internal(kind, template)
    return [((_namespace(obj), service), _Target(kind, (("ray.io/cluster", _ray_cluster_name(obj) or name),
                                                        ("ray.io/node-type", "head")), ports, False, None, internal))]


class _Routed:
    """The core Services (and those KubeRay makes), GKE BackendConfigs, Gateways and authenticating policies
    among some objects (one file's, or a route's file's with those of the files close to it), by (namespace,
    name)."""

    def __init__(self, objects: list[Any]) -> None:
        self.services: dict[tuple[str | None, str], _Target] = {}
        self.configs: dict[tuple[str | None, str], Any] = {}
        self.gateways: dict[tuple[str | None, str], Any] = {}
        self.proxies: dict[tuple[str | None, str], Any] = {}  # Envoy Gateway's EnvoyProxy objects
        # what a policy that may authenticate targets, by (namespace, name): the policy's namespace (a
        # target reference names an object of its own namespace)
        self.guarded: set[tuple[str | None, str]] = set()
        # the namespaces of Istio policies that target nothing: they apply by labels or to the whole
        # namespace (the root namespace `istio-system`: to the mesh)
        self.istio: set[str | None] = set()
        self.classes: dict[str, Any] = {}  # IngressClasses by name (cluster-scoped)
        self.params: dict[tuple[str, str], Any] = {}  # IngressClassParams by (API group, name)
        self.ingresses: dict[tuple[str | None, str], Any] = {}  # the Ingresses, by (namespace, name)
        self.gateway_classes: dict[str, Any] = {}  # GatewayClasses by name (cluster-scoped)
        self.istio_gateways: dict[tuple[str | None, str], Any] = {}  # Istio's Gateways, by (namespace, name)
        # KServe's default gateway (`_LLM_CONFIGURED_GATEWAY`): the first `inferenceservice-config`'s, else as shipped
        self.default_gateway: tuple[str | None, str] | None = _LLM_DEFAULT_GATEWAY
        configured = False
        for obj in objects:
            kind = y.text(y.get(obj, "kind")) or ""
            api = y.text(y.get(obj, "apiVersion")) or ""
            key = (_namespace(obj), y.text(y.get(obj, "metadata", "name")) or "")
            if kind == "Service" and api == "v1":
                self.services.setdefault(key, _Target.of(obj))
            elif kind in ("RayCluster", "RayService") and api.startswith("ray.io/"):
                for k, target in _ray_head_targets(obj):
                    self.services.setdefault(k, target)
            elif kind == "LLMInferenceService":
                for k, target in _llm_target(obj):
                    self.services.setdefault(k, target)
            elif kind == "BackendConfig" and api.startswith("cloud.google.com/"):
                self.configs.setdefault(key, obj)
            elif kind == "Gateway" and api.startswith(_GATEWAY_API):
                self.gateways.setdefault(key, obj)
            elif kind == "Gateway" and api.startswith(_ISTIO_API):
                self.istio_gateways.setdefault(key, obj)
            elif kind == "GatewayClass" and api.startswith(_GATEWAY_API):
                self.gateway_classes.setdefault(key[1], obj)
            elif kind == _ENVOY_PROXY[0] and api.startswith(_ENVOY_PROXY[1] + "/"):
                self.proxies.setdefault(key, obj)
            elif kind == "IngressClass" and api.startswith("networking.k8s.io/"):
                self.classes.setdefault(key[1], obj)
            elif kind == "Ingress" and api.startswith(_INGRESS_APIS):
                self.ingresses.setdefault(key, obj)
            elif kind == "IngressClassParams":
                self.params.setdefault((api.partition("/")[0], key[1]), obj)
            elif not configured and _isvc_config(obj):
                self.default_gateway, configured = _configured_gateway(obj), True
            elif kind in _AUTH_POLICIES and api.startswith(_AUTH_POLICIES[kind]):
                if kind == "GCPBackendPolicy" and y.scalar(y.get(obj, "spec", "default", "iap", "enabled")) is not True:
                    continue
                spec = y.get(obj, "spec")
                targets = [y.get(spec, "targetRef"), *y.items(y.get(spec, "targetRefs"))]
                names = {t for n in targets if n is not None and (t := y.text(y.get(n, "name")))}
                if api.startswith("security.istio.io/") and not names:
                    self.istio.add(key[0])
                self.guarded |= {(key[0], n) for n in names}

    def resolve(self, gateways: tuple[tuple[str | None, str], ...]) -> tuple[tuple[str | None, str], ...]:
        """`gateways` with the cluster's default gateway (`_LLM_CONFIGURED_GATEWAY`) as these objects name it."""
        if _LLM_CONFIGURED_GATEWAY not in gateways:
            return gateways
        return tuple(got for g in gateways
                     if (got := self.default_gateway if g == _LLM_CONFIGURED_GATEWAY else g) is not None)

    def ingress_class(self, name: str) -> Any:
        """The IngressClass `name` names (none: the one annotated as the cluster's default), if here."""
        if name:
            return self.classes.get(name)
        return next((c for c in self.classes.values()
                     if (y.text(y.get(c, "metadata", "annotations", _DEFAULT_CLASS)) or "").strip() == "true"), None)

    def class_scheme(self, ingress_class: Any, groups: tuple[str, ...]) -> str | None:
        """The `spec.scheme` of the IngressClassParams (of one of `groups`) an IngressClass's parameters name,
        if here and set."""
        ref = y.get(ingress_class, "spec", "parameters")
        group = y.text(y.get(ref, "apiGroup")) or ""
        if y.text(y.get(ref, "kind")) != "IngressClassParams" or group not in groups:
            return None
        params = self.params.get((group, y.text(y.get(ref, "name")) or ""))
        return (y.text(y.get(params, "spec", "scheme")) or "").strip() or None

    def _istio(self, namespace: str | None) -> bool:
        """Whether an Istio policy that targets nothing may apply to requests in `namespace`."""
        return bool(self.istio) and (namespace in self.istio or None in self.istio or namespace is None
                                     or "istio-system" in self.istio)

    def _istio_gateway_private(self, gateway: Any) -> bool:
        """Whether an Istio Gateway's gateway pods (those its `spec.selector` labels select) are reached through
        Services of the scan none of which is public: each selecting them (a selector that agrees with the
        Gateway's on every label both name, and shares one) is a ClusterIP one, or of type LoadBalancer with an
        internal load balancer (`_internal_service`). With no such Service here, the gateway is the cluster's edge
        (Istio's own ingress gateway Service is a public LoadBalancer)."""
        wanted = _annotations(y.get(gateway, "spec", "selector"))
        if not wanted:
            return False
        fronts = [t for t in self.services.values() if t.selector
                  and all(wanted.get(k, v) == v for k, v in t.selector)
                  and any(wanted.get(k) == v for k, v in t.selector)]
        return bool(fronts) and all(t.type not in _EXPOSING or t.internal for t in fronts)

    def routed(self, kind: str, name: str, namespace: str | None, gateways: tuple[tuple[str | None, str], ...],
               backends: list[tuple[str, str, Loc]]) -> list[Exposure]:
        """What the Ingress (the Gateway API route of `kind`, attached to `gateways`) `name` exposes through
        its `backends` (Service name, port number or name, where the backend names the Service) to the
        Services of its namespace: each of type ClusterIP with a selector whose routes may not authenticate,
        its pods on the target ports of the routed ports (those GKE puts Identity-Aware Proxy in front of
        left out). A route's Gateway is one of those here, public and admitting it."""
        gateway = None
        gateways = self.resolve(gateways)
        if kind == "VirtualService":
            # an Istio Gateway of the scan with a server whose gateway pods a public Service of the scan fronts (none
            # here selects them: Istio's ingress gateway is the cluster's edge), unless an Istio policy may
            # authenticate at the gateway or the service
            if self._istio(namespace):
                return []
            gateway = next((g for g in gateways if g in self.istio_gateways and not self._istio(g[0])
                            and y.items(y.get(self.istio_gateways[g], "spec", "servers"))
                            and not self._istio_gateway_private(self.istio_gateways[g])), None)
            if gateway is None:
                return []
        elif kind in _GATEWAY_ROUTES:
            if (namespace, name) in self.guarded or self._istio(namespace):
                return []
            gateway = next((g for g in gateways if g in self.gateways and g not in self.guarded
                            and not self._istio(g[0])
                            and not _gateway_private(self.gateways[g], self.proxies, self.gateway_classes) and _admits(self.gateways[g], g[0], namespace, kind)),
                           None)
            if gateway is None:
                return []
        found: dict[str, tuple[_Target, Loc, list[ServicePort]]] = {}
        for service_name, port, at in backends:
            service = self.services.get((namespace, service_name))
            if service is None or service.type in _EXPOSING and not service.internal:
                continue  # not there, or it exposes the pods itself
            if (namespace, service_name) in self.guarded or service.guarded:
                continue  # the routes to it may authenticate
            if not service.selector:
                continue
            if kind == "VirtualService" and not port and len(service.ports) == 1:
                port = service.ports[0][1].port  # a Service of one port needs none named
            for n, sp in service.ports:
                if _routes_to(kind, port, n, sp):
                    if _behind_iap(service.backend_configs, n, sp.port, self.configs, namespace):
                        break
                    got = found.setdefault(service_name, (service, at, []))
                    got[2].append(ServicePort(sp.port, sp.target, at))
                    if port:
                        break
        return [Exposure(kind, name, namespace, service.selector, tuple(ports), at, route=service_name,
                         gateways=(gateway,) if gateway is not None else ())
                for service_name, (service, at, ports) in found.items()]


# -- Istio: a VirtualService bound to a Gateway sends what the gateway receives to Services ----------------------
# (istio/api 3e169507 networking/v1alpha3/virtual_service.proto): `spec.gateways` names the Gateways whose
# servers take its routes (`<namespace>/<name>`, or a name of its own namespace; the reserved `mesh`, and an
# omitted list, mean the sidecars only: inside the mesh); each `http`/`tcp`/`tls` route's `route[].destination`
# names a `host` (a short name is a Service of the VirtualService's namespace, as is `<name>.<namespace>.svc.cluster.local`
# of that namespace; another host is not followed) and its `port.number`, needed only when the Service has more
# than one port. Istio's ingress gateway is the cluster's edge, unless the Services of the scan that select its
# pods (the Gateway's `spec.selector` labels) are all internal (`_Routed._istio_gateway_private`); an Istio AuthorizationPolicy or
# RequestAuthentication of the namespace, the gateway's or the root one may authenticate (`_Routed._istio`).
_ISTIO_API = "networking.istio.io/"


def _istio_gateways(vs: Any) -> tuple[tuple[str | None, str], ...]:
    """The Gateways (namespace, name) a VirtualService's routes are bound to (none: the mesh only)."""
    namespace = _namespace(vs)
    out = []
    for node in y.items(y.get(vs, "spec", "gateways")):
        text = (y.text(node) or "").strip()
        if text and text != "mesh":
            ns, _, name = text.rpartition("/")
            out.append((ns or namespace, name))
    return tuple(out)


def _istio_destinations(vs: Any) -> list[tuple[str, str, Any]]:
    """(Service name, port number (`""`: unnamed), the node naming the host) of each destination of a
    VirtualService's routes that is a Service of its namespace."""
    namespace = _namespace(vs)
    out = []
    for key in ("http", "tcp", "tls"):
        for rule in y.items(y.get(vs, "spec", key)):
            for dest in y.items(y.get(rule, "route")):
                host_node = y.get(dest, "destination", "host")
                host = (y.text(host_node) or "").strip()
                name, _, rest = host.partition(".")
                if rest and not (rest.startswith(f"{namespace}.svc") and namespace and rest.rstrip(".") in (
                        f"{namespace}.svc", f"{namespace}.svc.cluster.local")):
                    continue  # another namespace's Service, or a host outside the cluster
                if name:
                    out.append((name, y.text(y.get(dest, "destination", "port", "number")) or "", host_node))
    return out


def _routes_to(kind: str, port: str, name: str, sp: ServicePort) -> bool:
    """Whether a route of `kind` to `port` reaches the Service port `sp` named `name`: an Ingress's or a Gateway
    route's port is the Service port's number or name; an OpenShift Route's the endpoints' (the Service port's
    name, or its target port), and one with none reaches every port."""
    if kind == "Route":
        return not port or port in (name, sp.target)
    return bool(port) and port in (name, sp.port)


def routed_objects(text: str) -> list[Any]:
    """The objects of the manifest `text` a route of another file may be completed by (`routed_elsewhere`):
    Services, Gateways, IngressClasses, ... (`_ROUTED_KINDS`), in order."""
    if "Service" not in text and "Gateway" not in text and "RayCluster" not in text and "IngressClass" not in text \
            and _ISVC_CONFIG not in text:
        return []
    try:
        docs = y.compose_all(text)
    except y.YamlError:
        return []
    return [obj for d, doc in enumerate(docs) for obj, _p in _objects(doc, (d,))
            if y.text(y.get(obj, "kind")) in _ROUTED_KINDS or _isvc_config(obj)]


def routed_elsewhere(routes: list[Exposure], objects: Iterable[list[Any]]) -> list[Exposure]:
    """What the Ingress and Gateway API routes of one file (`INGRESS_ROUTE`s) expose through the Services
    (and Gateways) of some manifests, given as their `routed_objects` (that file's own, and those of the
    files close to it: `glmlint.link`)."""
    found = _Routed([obj for some in objects for obj in some])
    if not found.services:
        return []
    by_route: dict[tuple[str, str, str | None, tuple[tuple[str | None, str], ...]], list[tuple[str, str, Loc]]] = {}
    for r in routes:
        by_route.setdefault((r.via or "Ingress", r.name, r.namespace, r.gateways), []).append(
            (r.route or "", r.ports[0].port, r.loc))
    # an Ingress judged again with the IngressClasses (and their parameters) of the files close to it
    return [records.replace(e, completed=True) for (kind, name, namespace, gateways), backends in by_route.items()
            if kind != "Ingress" or (namespace, name) not in found.ingresses
            or not _ingress_private(found.ingresses[(namespace, name)], found)
            for e in found.routed(kind, name, namespace, gateways, backends)]


# -- KubeRay: the Services and `ray start` the operator creates --------------------------------
# Facts from ray-project/kuberay ray-operator (commit feeaf72f, Aug 2026):
# - the head Service `<cluster>-head-svc` the operator creates for the head pod (common/service.go
#   `BuildServiceForHeadPod`) has the type `headGroupSpec.serviceType` (apis/ray/v1/raycluster_types.go);
#   absent or `ClusterIP`: a headless ClusterIP Service;
# - `headGroupSpec.headService`, a Service the user writes, is the template of that Service: its
#   `spec.type` wins over `serviceType` (which only fills an empty type,
#   `setServiceTypeForUserProvidedService`), its selector is replaced by the head pod's, its ports are
#   kept and the default ports appended, its `metadata.name` names a RayCluster's head Service
#   (utils `GenerateHeadServiceName`);
# - the default ports are the head (first) container's ports, else client 10001, GCS 6379, dashboard
#   8265, metrics 8080, serve 8000, with metrics 8080 added when missing (`getServicePorts`, `getDefaultPorts`);
# - the serve Service `<name>-serve-svc` (`BuildServeService`), created for every RayService and for a
#   RayCluster annotated `ray.io/enable-serve-service: "true"` (raycluster_controller.go
#   `reconcileServeService`), selects the cluster's pods (a RayService's workers, and its head once
#   ready: the `ray.io/serve` label, common/pod.go `BuildPod`) on the default ports named `serve` or
#   `serve-*`; a RayService's `serveService` is its template as `headService` is the head's (its
#   type wins, its ports are used where the default ports have none of that name, or when there
#   are no serve ports);
# - the first container of every Ray pod runs `ray start` generated from `rayStartParams` after its own
#   command, unless that command already holds `ray start` or the annotation
#   `ray.io/overwrite-container-cmd: "true"` is set (common/pod.go `BuildPod`); on the head
#   `dashboard-host` defaults to 0.0.0.0 (`setMissingRayStartParams`); the generated command is also the
#   value of KUBERAY_GEN_RAY_START_CMD in that container (`setContainerEnvVars`), which an overwritten
#   command runs (`args: ["ulimit -n 65536; $KUBERAY_GEN_RAY_START_CMD"]`, config/samples/ray-cluster.overwrite-command.yaml);
# - `authOptions.mode: token` sets RAY_AUTH_MODE=token in the Ray container whatever its command
#   (`DefaultHeadPodTemplate`/`DefaultWorkerPodTemplate` -> `configureTokenAuth` -> `SetContainerTokenAuthEnvVars`,
#   which keeps a RAY_AUTH_MODE the container sets).
_KUBERAY_HEADS = (("spec", "headGroupSpec"), ("spec", "rayClusterSpec", "headGroupSpec"),
                  ("spec", "rayClusterConfig", "headGroupSpec"))
_KUBERAY_WORKERS = (("spec", "workerGroupSpecs"), ("spec", "rayClusterSpec", "workerGroupSpecs"),
                    ("spec", "rayClusterConfig", "workerGroupSpecs"))
_KUBERAY_PORTS = (("client", 10001), ("gcs-server", 6379), ("dashboard", 8265), ("metrics", 8080), ("serve", 8000))
_OVERWRITE = "ray.io/overwrite-container-cmd"
_GEN_START = ("$KUBERAY_GEN_RAY_START_CMD", "${KUBERAY_GEN_RAY_START_CMD}")
_SERVE_ANNOTATION = "ray.io/enable-serve-service"


def _kuberay(obj: Any, obj_path: Path, workloads: list[Workload], pods: list[PodIdentity] | None = None,
             first_pod: int = 0, lines: Callable[[], list[str]] | None = None, path: str = "") -> list[Workload]:
    """The Ray containers of a KubeRay RayCluster/RayJob/RayService as the operator runs them: the
    first container of each group runs `ray start` (`--head` in the head group), the head pod is
    exposed by the head Service and the serving pods by the serve Service when their type is
    LoadBalancer or NodePort. The object's pods (`pods[first_pod:]`) are told the services their
    containers start so, and a head pod with in-tree autoscaling its ServiceAccount and why it
    needs its token."""
    if not (y.text(y.get(obj, "apiVersion")) or "").startswith("ray.io/"):
        return workloads
    name = y.text(y.get(obj, "metadata", "name")) or "?"
    namespace = _namespace(obj)
    out = list(workloads)
    overwrite = (y.text(y.get(obj, "metadata", "annotations", _OVERWRITE)) or "").lower() == "true"
    groups: list[tuple[Path, Any, bool, Any]] = []  # (path, group, head?, the RayClusterSpec)
    for keys in _KUBERAY_HEADS:
        group = y.get(obj, *keys)
        if y.is_map(group):
            groups.append(((*obj_path, *keys), group, True, y.get(obj, *keys[:-1])))
    for keys in _KUBERAY_WORKERS:
        for i, group in enumerate(y.items(y.get(obj, *keys))):
            if y.is_map(group):
                groups.append(((*obj_path, *keys, i), group, False, y.get(obj, *keys[:-1])))
    heads = [g for _p, g, head, _c in groups if head]
    serve = _ray_serve_service(obj, name, namespace, heads[0]) if heads else None
    for group_path, group, head, cluster in groups:
        pod_path = (*group_path, "template", "spec")
        first = (*pod_path, "containers", 0)
        own = (y.text(y.get(group, "template", "metadata", "annotations", _OVERWRITE)) or "").lower() == "true"
        head_service = _ray_head_service(obj, name, namespace, group) if head else None
        ingress = _ray_head_ingress(obj, name, namespace, group) if head else None
        labels = None
        for i, w in enumerate(out):
            if w.node_path[:len(pod_path)] != pod_path:
                continue
            labels = labels or _ray_labels(obj, group, head, w.pod_labels)
            w = records.replace(w, pod_labels=labels)
            found = tuple(e for e in (head_service, ingress, serve) if e is not None)
            if found:
                w = records.replace(w, exposed_by=(*w.exposed_by, *found))
            if w.node_path == first:
                w = _ray_start(w, group, head, overwrite or own)
                w = _ray_auth(w, cluster)
            if head and w.node_path == first:
                w = _ray_entrypoint(obj, w, lines)
            out[i] = w
    if pods is not None:
        _ray_pods(obj, obj_path, name, out, pods, first_pod)
    if lines is not None and y.text(y.get(obj, "kind")) == "RayService":
        out += _ray_serve_llm(obj, obj_path, name, namespace, lines, path)
    return out


# Ray Serve LLM (ray python/ray/serve/llm, docs.ray.io serve/llm/user-guides/configuration.html, Ray 2.4x):
# a Serve application whose `import_path` is `ray.serve.llm:build_openai_app` takes `args.llm_configs`,
# each an `LLMConfig` whose `engine_kwargs` are "forwarded to the inference engine (vLLM)" as its engine
# arguments (`trust_remote_code: true` is `--trust-remote-code`); its model is
# `model_loading_config.model_source` (else `model_id`). An application's `runtime_env.env_vars` (and an
# LLM config's) are set in its replicas (docs.ray.io serve/production-guide/config.html): another
# application with them is a fragment workload with that environment. A deployment's own
# `ray_actor_options.runtime_env` is its replicas' (ray python/ray/serve/schema.py at 7c360e1b,
# `RayActorOptionsSchema.runtime_env`; the application's "per-deployment runtime_envs will inherit from
# this"): a deployment with `env_vars` there is a fragment workload with them. A RayService's `serveConfigV2` (a YAML string the
# operator hands to Ray Serve: apis/ray/v1/rayservice_types.go) deploys such applications on the cluster's
# Ray pods: each LLM config is a fragment workload starting vLLM (no image, no container settings), its
# words located inside the string, where no fix edits them.
_SERVE_LLM_BUILDERS = ("ray.serve.llm:build_openai_app",)


def _ray_serve_llm(obj: Any, obj_path: Path, name: str, namespace: str | None,
                   lines: Callable[[], list[str]], path: str) -> list[Workload]:
    # a config Ray Serve cannot read either deploys nothing
    read = _embedded(y.get(obj, "spec", "serveConfigV2"), lines, ("llm_configs", "env_vars"))
    if read is None:
        return []
    config_doc, at = read
    path_of = (*obj_path, "spec", "serveConfigV2", INSIDE_TEXT)
    owner = f"RayService/{name}"
    out = []
    for app in y.items(y.get(config_doc, "applications")):
        app_name = y.text(y.get(app, "name")) or "default"
        app_env = _env_vars(y.get(app, "runtime_env"), at)
        for deployment in y.items(y.get(app, "deployments")):
            # a deployment's own runtime env (its replicas take the application's too, reported there)
            env = _env_vars(y.get(deployment, "ray_actor_options", "runtime_env"), at)
            if env:
                deployment_name = y.text(y.get(deployment, "name")) or "?"
                out.append(Workload(name=deployment_name, format=Format.KUBERNETES, path=path,
                                    label=f"Ray Serve deployment `{deployment_name}` ({owner} app `{app_name}`)",
                                    anchor=at(deployment), node_path=path_of, group=f"the Ray cluster of {owner}",
                                    partial=True, env=env, namespace=namespace, container_list="serveConfigV2",
                                    words_in_text=True))
        if (y.text(y.get(app, "import_path")) or "").strip() not in _SERVE_LLM_BUILDERS:
            if app_env:  # the application's replicas run with its runtime env
                out.append(Workload(name=app_name, label=f"Ray Serve application `{app_name}` ({owner})",
                                    format=Format.KUBERNETES, path=path, anchor=at(app), node_path=path_of,
                                    group=f"the Ray cluster of {owner}", partial=True, env=app_env,
                                    namespace=namespace, container_list="serveConfigV2", words_in_text=True))
            continue
        for config in y.items(y.get(app, "args", "llm_configs")):
            if not y.is_map(config):
                continue  # a path to a YAML file of the config: not in the scan
            loading = y.get(config, "model_loading_config")
            model = y.get(loading, "model_source") or y.get(loading, "model_id")
            anchor = at(config)
            words = [Word("vllm", anchor), Word("serve", anchor)]
            if y.is_scalar(model) and y.text(model):
                words.append(Word(y.text(model) or "", at(model)))
            for key, (key_node, value) in y.entries(y.get(config, "engine_kwargs")).items():
                if not y.is_scalar(value) or y.scalar(value) in (False, None):
                    continue
                words.append(Word(f"--{key}", at(key_node)))
                if y.scalar(value) is not True:
                    words.append(Word(y.text(value) or "", at(value)))
            model_id = y.text(y.get(loading, "model_id")) or y.text(model) or app_name
            label = f"Ray Serve LLM deployment `{model_id}` ({owner} app `{app_name}`)"
            out.append(Workload(name=model_id, label=label, format=Format.KUBERNETES, path=path,
                                anchor=anchor, node_path=path_of, group=f"the Ray cluster of {owner}", partial=True,
                                process=(Command(tuple(words), anchor),), namespace=namespace,
                                env=(*app_env, *_env_vars(y.get(config, "runtime_env"), at)),
                                container_list="serveConfigV2", words_in_text=True))
    return out


# KubeAI (substratusai/kubeai, `kubeai.org/v1` Model, at 2f32ef49): the controller runs a Model as a pod of
# the engine's image, which the resource profile's config chooses (unknown here). Its `spec.env` map is that
# container's environment and, for `engine: VLLM`, `spec.args` follow the controller's own words in
# `python3 -m vllm.entrypoints.openai.api_server --model=<url> --served-model-name=<name>`
# (internal/modelcontroller/engine_vllm.go `vLLMPodForModel`; the other engines' commands are not read).
_KUBEAI_VLLM = ("python3", "-m", "vllm.entrypoints.openai.api_server")


def _kubeai_model(obj: Any, obj_path: Path, lines: Callable[[], list[str]], path: str) -> list[Workload]:
    """A KubeAI Model's server container, as a fragment (its image and security settings come from KubeAI's
    configuration): the environment it is given, and vLLM's command line with the Model's `args`."""
    if y.text(y.get(obj, "kind")) != "Model" or not (y.text(y.get(obj, "apiVersion")) or "").startswith("kubeai.org/"):
        return []
    spec = y.get(obj, "spec")
    if not y.is_map(spec):
        return []
    name = y.text(y.get(obj, "metadata", "name")) or "?"
    anchor = _kind_loc(obj)
    env = tuple(EnvVar(key, y.text(value) or "", y.loc(key_node), (*obj_path, "spec", "env", key),
                       dynamic="$(" in (y.text(value) or ""))
                for key, (key_node, value) in y.entries(y.get(spec, "env")).items() if y.is_scalar(value))
    process: tuple[Command, ...] = ()
    if (y.text(y.get(spec, "engine")) or "") == "VLLM":
        args = tuple(y.word(n, lines(), "$(") for n in y.items(y.get(spec, "args")) if y.is_scalar(n))
        own = tuple(Word(w, anchor) for w in (*_KUBEAI_VLLM, f"--model={y.text(y.get(spec, 'url')) or ''}",
                                              f"--served-model-name={name}"))
        process = (Command((*own, *args), anchor),)
    if not env and not process:
        return []
    return [Workload(name="server", label=f"KubeAI Model `{name}`", format=Format.KUBERNETES, path=path,
                     anchor=anchor, node_path=(*obj_path, "spec"), partial=True, env=env, process=process,
                     namespace=_namespace(obj), container_list="Model")]


# KAITO (kaito-project/kaito, `kaito.sh/` Workspace, at 056b8280): a Workspace's `inference.preset.name` (a
# catalogue name or any Hugging Face model id) is served by the vLLM runtime unless the annotation
# `kaito.sh/runtime: transformers` picks Hugging Face transformers (api/v1beta1/labels.go
# `GetWorkspaceRuntimeName`; the vLLM feature gate is on by default, pkg/featuregates/featuregates.go), and
# KAITO gives every such model `--trust-remote-code` (presets/workspace/models/vllm_model.go
# `GetInferenceParameters`: "Apply defaults for keys the generator doesn't set"). The command is KAITO's, not
# written in the file: its words stand at the preset's name and no fix edits them (`words_in_text`).
# An InferenceSet's `spec.template` is the Workspace it makes, its own annotation choosing the runtime the same way
# (`GetInferenceSetRuntimeName`).
_KAITO_RUNTIME = "kaito.sh/runtime"
_KAITO_INFERENCE = {"Workspace": ("inference",), "InferenceSet": ("spec", "template", "inference")}


def _kaito_workspace(obj: Any, obj_path: Path, path: str) -> list[Workload]:
    """A KAITO Workspace's (InferenceSet's) preset model as KAITO's vLLM runtime serves it (a fragment)."""
    keys = _KAITO_INFERENCE.get(y.text(y.get(obj, "kind")) or "")
    if keys is None or not (y.text(y.get(obj, "apiVersion")) or "").startswith("kaito.sh/"):
        return []
    preset = y.get(obj, *keys, "preset", "name")
    if not y.is_scalar(preset) or not y.text(preset):
        return []
    if (y.text(y.get(obj, "metadata", "annotations", _KAITO_RUNTIME)) or "") == "transformers":
        return []  # (its `inference_api.py` is not catalogued)
    name = y.text(y.get(obj, "metadata", "name")) or "?"
    at = y.loc(preset)
    words = tuple(Word(w, at) for w in ("vllm", "serve", y.text(preset) or "", "--trust-remote-code"))
    return [Workload(name="inference", label=f"KAITO {y.text(y.get(obj, 'kind'))} `{name}` (KAITO adds "
                                             "`--trust-remote-code` to its preset's vLLM command)",
                     format=Format.KUBERNETES, path=path, anchor=at, node_path=(*obj_path, *keys),
                     partial=True, process=(Command(words, at),), namespace=_namespace(obj),
                     container_list="Workspace", words_in_text=True)]


def _ray_pods(obj: Any, obj_path: Path, name: str, workloads: list[Workload], pods: list[PodIdentity],
              first: int) -> None:
    """`pods[first:]` (a Ray object's) with the services their containers start once the operator
    added `ray start`; with in-tree autoscaling (`enableInTreeAutoscaling: true`), the head pod
    runs as the head template's ServiceAccount, else one named after the cluster (common/pod.go
    `DefaultHeadPodTemplate`, utils `GetHeadGroupServiceAccountName`), for which the operator
    creates a Role to get/list/watch/patch pods and patch the RayCluster (common/rbac.go `BuildRole`):
    the autoscaler sidecar it injects there calls the API with the pod's token."""
    by_label = {w.label: w for w in workloads}
    autoscaled = {w.label for w in workloads for keys in _KUBERAY_HEADS
                  if w.node_path[len(obj_path):len(obj_path) + len(keys)] == keys
                  and y.scalar(y.get(obj, *keys[:-1], "enableInTreeAutoscaling")) is True}
    for i in range(first, len(pods)):
        pod = pods[i]
        mine = [by_label[c] for c in pod.containers if c in by_label]
        pod = records.replace(pod, services=_services(mine))
        if autoscaled & set(pod.containers):
            if not pod.service_account.explicit:
                kind = y.text(y.get(obj, "kind"))
                account = name if kind == "RayCluster" else f"{name}-<suffix>"
                pod = records.replace(pod, service_account=records.replace(pod.service_account,
                                                                                   value=account))
            pod = records.replace(pod, needs_token="KubeRay's autoscaler sidecar in this pod calls the "
                                                       "Kubernetes API with it")
        pods[i] = pod


# A RayJob's `entrypoint` (ray-operator common/job.go `BuildJobSubmitCommand`: `ray job submit ... --
# <entrypoint>`, by the submitter Job, the head's `ray-job-submitter` sidecar or an HTTP request) is run by
# Ray's job supervisor with a shell on the head node, unless `entrypointNumCpus`/`-Gpus`/`-Resources`
# reserve resources for it (ray-project/ray issue 42436); in `InteractiveMode` the operator submits
# nothing. Its commands are read as a process of the head's Ray container, located inside the string, and
# the `env_vars` of its `runtimeEnvYAML` (`--runtime-env-json`) as that container's environment.
_NOT_SUBMITTED = "InteractiveMode"


def _ray_entrypoint(obj: Any, w: Workload, lines: Callable[[], list[str]] | None) -> Workload:
    """`w` (a RayJob's head Ray container) with the commands of the job's `entrypoint`."""
    node = y.get(obj, "spec", "entrypoint")
    if (lines is None or y.text(y.get(obj, "kind")) != "RayJob" or not y.is_scalar(node) or not y.text(node)
            or y.text(y.get(obj, "spec", "submissionMode")) == _NOT_SUBMITTED):
        return w
    script = y.word(node, lines(), "$")
    shell = Word("sh", script.loc)
    commands = [c for c in from_argv((shell, Word("-c", script.loc), script), script.loc) if c.argv[0] is not shell]
    # a runtime env Ray cannot read either sets nothing
    read = _embedded(y.get(obj, "spec", "runtimeEnvYAML"), lines, ("env_vars",))
    env = _env_vars(*read) if read is not None else ()
    if not commands and not env:
        return w
    process = (*w.process, *commands)
    # the image's `/bin/sh` runs the entrypoint, as `container()` reads the container's own commands
    image = w.pulls[0].name if w.pulls else None
    return records.replace(w, process=process, files=tuple(file_writes(process, image=image)), env=(*w.env, *env))


def _env_vars(runtime_env: Any, at: Callable[[Any], Loc]) -> tuple[EnvVar, ...]:
    """The `env_vars` of a Ray runtime environment (`runtime_env`: the job's, an application's, an LLM
    config's), set in every process of the job or application; located by `at` (inside the string that holds it)."""
    out = []
    for key, (key_node, value) in y.entries(y.get(runtime_env, "env_vars")).items():
        if y.is_scalar(value):
            text = y.text(value)
            out.append(EnvVar(key, text if text is not None else "", at(key_node), dynamic="$" in (text or "")))
    return tuple(out)


# The labels the operator gives every Ray pod (common/pod.go `labelPod`, constant.go): `ray.io/is-ray-node:
# yes`, `ray.io/node-type` (head or worker), `ray.io/group` (`headgroup`, a worker group's `groupName`),
# `ray.io/cluster` (the RayCluster's name; a RayJob's or RayService's cluster is named `<name>-<random
# suffix>`, GenerateRayClusterName: unknown), `ray.io/identifier` (`<cluster>-<node type>`),
# `app.kubernetes.io/name: kuberay`, `app.kubernetes.io/created-by: kuberay-operator`; the template's labels,
# then the group's `labels` (`mergeLabels`), override them except node-type, group and cluster. A Service
# the user writes may select the pods by them (a LoadBalancer in front of the head's dashboard).
_RAY_FIXED_LABELS = ("ray.io/node-type", "ray.io/group", "ray.io/cluster")


def _ray_cluster_name(obj: Any) -> str | None:
    """A RayService's or RayJob's cluster's name as the pods' `ray.io/cluster` label: `<name>-<suffix>`, a value
    no label a user writes can equal (`<` is no label character), so that only what the operator makes for the
    object (a RayService's own head Service) selects its pods by it; None for another kind."""
    name = y.text(y.get(obj, "metadata", "name"))
    return f"{name}-<suffix>" if name and y.text(y.get(obj, "kind")) in ("RayService", "RayJob") else None


def _ray_labels(obj: Any, group: Any, head: bool, written: tuple[tuple[str, str], ...]) -> tuple[tuple[str, str], ...]:
    """The labels of a Ray group's pods, the template's `written` ones with the operator's."""
    node_type = "head" if head else "worker"
    labels = {"ray.io/is-ray-node": "yes", "ray.io/node-type": node_type,
              "ray.io/group": "headgroup" if head else y.text(y.get(group, "groupName")) or "",
              "app.kubernetes.io/name": "kuberay", "app.kubernetes.io/created-by": "kuberay-operator"}
    cluster = y.text(y.get(obj, "metadata", "name")) if y.text(y.get(obj, "kind")) == "RayCluster" else None
    if cluster:
        labels["ray.io/cluster"] = cluster
        if len(cluster) + len(node_type) < 63:  # longer ones are shortened (utils `CheckLabel`)
            labels["ray.io/identifier"] = f"{cluster}-{node_type}"
    elif cluster_name := _ray_cluster_name(obj):
        labels["ray.io/cluster"] = cluster_name
    for key, value in (*written, *_label_map(y.get(group, "labels"))):
        if key not in _RAY_FIXED_LABELS:
            labels[key] = value
    return tuple(labels.items())


def _ray_start(w: Workload, group: Any, head: bool, overwritten: bool) -> Workload:
    """`w` (a group's first container) with the `ray start` the operator generates: appended to its command,
    unless that command runs `ray start` itself or is `overwritten` (`ray.io/overwrite-container-cmd`); an
    overwritten command still runs it where it runs `$KUBERAY_GEN_RAY_START_CMD`, the variable the operator
    sets to it in the Ray container (common/pod.go `setContainerEnvVars`)."""
    if any(c.name == "ray" and len(c.argv) > 1 and c.argv[1].text == "start" for c in w.process):
        return w  # the command runs `ray start` itself: the operator leaves it alone
    if overwritten and not any(c.name in _GEN_START for c in w.process):
        return w
    params = y.get(group, "rayStartParams")
    anchor = y.loc(params) if params is not None else w.anchor
    words = [Word("ray", anchor), Word("start", anchor)] + ([Word("--head", anchor)] if head else [])
    given = {k: (y.text(v) or "", y.loc(v)) for k, (_kn, v) in y.entries(params).items() if y.is_scalar(v)}
    if head and "dashboard-host" not in given:
        words.append(Word("--dashboard-host=0.0.0.0", anchor))
    for key, (value, at) in given.items():
        words.append(Word(f"--{key}" if value.lower() == "true" else f"--{key}={value}", at))
    if not overwritten:
        return records.replace(w, process=(*w.process, Command(tuple(words), anchor)))
    # the variable's word runs the generated words, followed by those written after it
    # (`$KUBERAY_GEN_RAY_START_CMD --dashboard-host=127.0.0.1`: the last given wins)
    return records.replace(w, process=tuple(records.replace(c, argv=(*words, *c.argv[1:])) if c.name in _GEN_START
                                            else c for c in w.process))


def _ray_auth(w: Workload, cluster: Any) -> Workload:
    """`w` (a group's first container) with the RAY_AUTH_MODE=token the operator sets in it under
    `authOptions.mode: token`, whatever its command (unless it sets RAY_AUTH_MODE itself)."""
    mode = y.get(cluster, "authOptions", "mode")
    if (y.text(mode) or "").lower() != "token" or any(e.name == "RAY_AUTH_MODE" for e in w.env):
        return w
    return records.replace(w, env=(*w.env, EnvVar("RAY_AUTH_MODE", "token", y.loc(mode))))


def _ray_type(template: Any, group: Any) -> Any:
    """The node that decides an operator-made Service's type: the template's `spec.type`, else the
    head group's `serviceType`; None when neither is written (ClusterIP)."""
    own = y.get(template, "spec", "type")
    if y.text(own):
        return own
    node = y.get(group, "serviceType")
    return node if y.text(node) else None


def _ray_default_ports(group: Any) -> list[tuple[str, str]]:
    """(name, number) of the ports the operator gives its Services: the head container's, else Ray's defaults."""
    first = y.items(y.get(group, "template", "spec", "containers"))
    declared = [(y.text(y.get(p, "name")) or "", y.text(y.get(p, "containerPort")) or "")
                for p in y.items(y.get(first[0] if first else None, "ports")) if y.is_map(p)]
    ports = declared or [(n, str(p)) for n, p in _KUBERAY_PORTS]
    if not any(n == "metrics" for n, _p in ports):
        ports.append(("metrics", "8080"))  # always added (`getServicePorts`)
    return ports


def _written_ports(template: Any, spec: Any = None) -> list[tuple[str, ServicePort]]:
    """(name, port) of the TCP ports a Service template (or a ServiceSpec, `spec`) writes (`targetPort`
    defaults to `port`)."""
    out = []
    for p in y.items(y.get(spec, "ports") if spec is not None else y.get(template, "spec", "ports")):
        if not y.is_map(p) or (y.text(y.get(p, "protocol")) or "TCP").upper() != "TCP":
            continue
        port = y.text(y.get(p, "port")) or ""
        out.append((y.text(y.get(p, "name")) or "", ServicePort(port, y.text(y.get(p, "targetPort")) or port, y.loc(p))))
    return out


def _ray_head_service(obj: Any, name: str, namespace: str | None, group: Any) -> Exposure | None:
    """The head Service the operator creates for the head pod, when its type reaches outside."""
    template = y.get(group, "headService")
    node = _ray_type(template, group)
    kind = y.text(node)
    cr = y.text(y.get(obj, "kind"))
    # the cluster's `headServiceAnnotations` are written over the template's on the cluster's head Service
    # (ray-operator raycluster_controller.go `reconcileHeadService`, common/service.go `BuildServiceForHeadPod`, at
    # feeaf72f); a RayService's own head Service gets the template's only (`BuildHeadServiceForRayService`)
    over = y.get(obj, "spec", "headServiceAnnotations") if cr == "RayCluster" else \
        y.get(obj, "spec", "rayClusterSpec", "headServiceAnnotations") if cr == "RayJob" else None
    if kind not in _EXPOSING or _internal(kind, template, over):
        return None
    at = y.loc(node)
    ports = [sp for _n, sp in _written_ports(template)]
    ports += [ServicePort(p, p, at) for _n, p in _ray_default_ports(group) if p]
    own_name = y.text(y.get(template, "metadata", "name"))
    # the cluster's head Service takes the template's name when it has one, else `<cluster>-head-svc`
    # (a RayJob's cluster is named `<job>-<random suffix>`); a RayService also creates `<name>-head-svc`
    if own_name and cr != "RayService":
        service = own_name
    elif cr == "RayJob":
        service = f"{name}-<suffix>-head-svc"
    else:
        service = f"{name}-head-svc"
    return Exposure(kind, service, namespace, (), tuple(ports), at, operator="KubeRay")


# The head Ingress (ray-operator controllers/ray/common/ingress.go `BuildIngressForHeadService`,
# raycluster_controller.go `reconcileIngress`, utils `GenerateIngressName`, at feeaf72f): with
# `headGroupSpec.enableIngress: true` the operator creates the Ingress `<cluster>-head-ingress` (an OpenShift
# Route instead, on OpenShift), routing `/` (or `ingressOptions.path`) to the head Service's `dashboard` port
# (the head container's port of that name, else 8265), with the cluster's annotations.
def _ray_head_ingress(obj: Any, name: str, namespace: str | None, group: Any) -> Exposure | None:
    """The Ingress the operator creates to the head's dashboard, unless the annotations it copies may authenticate
    or make its load balancer internal."""
    node = y.get(group, "enableIngress")
    if y.scalar(node) is not True or _ingress_private(obj):
        return None
    dashboard = next((p for n, p in _ray_default_ports(group) if n == "dashboard" and p), "8265")
    at = y.loc(node)
    cr = y.text(y.get(obj, "kind"))
    cluster = name if cr == "RayCluster" else f"{name}-<suffix>"
    own = y.text(y.get(group, "headService", "metadata", "name")) if cr == "RayCluster" else None
    return Exposure("Ingress", f"{cluster}-head-ingress", namespace, (), (ServicePort(dashboard, dashboard, at),),
                    at, operator="KubeRay", route=own or f"{cluster}-head-svc")


def _ray_serve_service(obj: Any, name: str, namespace: str | None, head_group: Any) -> Exposure | None:
    """The serve Service the operator creates for a RayService (or an annotated RayCluster), when
    its type reaches outside."""
    cr = y.text(y.get(obj, "kind"))
    if cr == "RayService":
        template = y.get(obj, "spec", "serveService")
    elif cr == "RayCluster" and (y.text(y.get(obj, "metadata", "annotations", _SERVE_ANNOTATION)) or "") == "true":
        template = None  # a RayCluster's serve Service has no template
    else:
        return None
    node = _ray_type(template, head_group)
    kind = y.text(node)
    if kind not in _EXPOSING or _internal(kind, template):
        return None
    at = y.loc(node)
    serving = [(n, p) for n, p in _ray_default_ports(head_group) if p and (n == "serve" or n.startswith("serve-"))]
    written = _written_ports(template)
    if serving:
        by_name = {n: sp for n, sp in written}
        ports = [by_name.get(n, ServicePort(p, p, at)) for n, p in serving]
    else:
        ports = [sp for _n, sp in written]  # no serve port on the head: the template's ports
    if not ports:
        return None  # the operator refuses to create it
    service = y.text(y.get(template, "metadata", "name")) or f"{name}-serve-svc"
    return Exposure(kind, service, namespace, (), tuple(ports), at, operator="KubeRay")


_NOT_EXPOSING = (LIMIT_RANGE, RUNTIME_RUN, RUNTIME_SHADOWED)  # (`Exposure`s that make no port reachable)


def expose(w: Workload, services: list[Exposure]) -> Workload:
    """`w` with the Services of `services` that select its pod added to `exposed_by`, and the memory
    limit the first LimitRange of its namespace among them gives it when it sets none (`_given_memory_limit`);
    a runtime template's container whose memory limit a TrainJob (InferenceService) was told to give
    (`_resources_elsewhere`) without it when one of them runs it without writing one (`RUNTIME_RUN`)."""
    limit = next((e for e in services if e.kind == LIMIT_RANGE and e.selects(w.namespace, w.pod_labels)), None)
    if limit is not None:
        w = _given_memory_limit(w, limit.default_memory or "", limit.loc)
    if not w.pod_labels:
        return w
    if w.memory_limit.origin is None and not w.memory_limit.explicit and any(
            e.kind == RUNTIME_SHADOWED and e.selects(w.namespace, w.pod_labels) for e in services):
        # the InferenceServices of its file that ran it run a ServingRuntime of their namespace instead
        w = records.replace(w, memory_limit=records.replace(w.memory_limit, origin=_BY_ISVC))
    if w.memory_limit.origin in (_BY_ISVC, _BY_TRAINJOB) and any(
            e.kind == RUNTIME_RUN and e.selects(w.namespace, w.pod_labels) for e in services):
        # a TrainJob (InferenceService) of another file runs its runtime without a memory limit of its own
        w = records.replace(w, memory_limit=records.replace(w.memory_limit, origin=None))
    found = tuple(e for e in services if e.kind not in _NOT_EXPOSING
                  and e.selects(w.namespace, w.pod_labels) and e not in w.exposed_by)
    return records.replace(w, exposed_by=w.exposed_by + found) if found else w


# -- RBAC objects and ServiceAccounts --------------------------------------------------------

_RBAC_API = "rbac.authorization.k8s.io/"


def _strings(node: Any) -> tuple[str, ...]:
    """A list of strings (`verbs: [get, list]`); a lone scalar counts as a list of one."""
    if y.is_scalar(node):
        t = y.text(node)
        return (t,) if t is not None else ()
    return tuple(t for n in y.items(node) if y.is_scalar(n) and (t := y.text(n)) is not None)


class _ValuesSecret(NamedTuple):
    """A Secret holding a chart's values for a cataloged service (its `chart_values`): its name and
    namespace, where its key is, the entry, and what the values say, as (values path, value, line) of
    each setting the entry names that the values set."""

    name: str
    namespace: str | None
    loc: Loc
    reader: Any  # `glmlint.catalog.services.ChartValues`
    lines: tuple[tuple[tuple[str, ...], str, str], ...]


_READERS: tuple[Any, dict[str, tuple[Any, ...]]] | None = None  # the catalog's `chart_values` by Secret key, and that catalog


def _chart_readers() -> dict[str, tuple[Any, ...]]:
    """The catalog's `chart_values` by their Secret key, for the catalog now read (`services.reload` reads
    it again: a reader is matched to its service's entry by identity, `_values_read`)."""
    global _READERS
    from glmlint.catalog.services import catalog

    services = catalog()
    if _READERS is None or _READERS[0] is not services:
        got: dict[str, tuple[Any, ...]] = {}
        for service in services:
            if service.chart_values is not None:
                got[service.chart_values.secret_key] = (*got.get(service.chart_values.secret_key, ()),
                                                         service.chart_values)
        _READERS = (services, got)
    return _READERS[1]


def _dig(values: Any, path: tuple[str, ...]) -> Any:
    for key in path:
        if not isinstance(values, dict):
            return None
        values = values.get(key)
    return values


def _values_secrets(obj: Any, secret: Secret) -> list[_ValuesSecret]:
    """A Secret (`_secret`: its keys as the API server stores them) that hands a chart's values to a cataloged
    service (the catalog's `chart_values`: a key that holds them as YAML, as the chart's top-level keys show),
    with the lines its settings give the service; none when a value that lets the service's configuration be
    anything is set (its own code, another Secret)."""
    readers = _chart_readers()
    out = []
    for var in secret.entries if readers else ():
        if var.name in readers and var.value:
            out.extend(_values_secret(obj, var, readers[var.name]))
    return out


def _values_secret(obj: Any, var: EnvVar, readers: tuple[Any, ...]) -> list[_ValuesSecret]:
    from ruamel.yaml import YAML, YAMLError  # (PyYAML is no dependency of glmlint's)

    try:
        values = YAML(typ="safe", pure=False).load(var.value)
    except (YAMLError, RecursionError, ValueError):
        return []
    name = y.text(y.get(obj, "metadata", "name"))
    if not isinstance(values, dict) or not name:
        return []
    out = []
    for reader in readers:
        if not all(isinstance(values.get(k), dict) for k in reader.marker):
            continue
        mounts = _dig(values, reader.mounts) if reader.mounts else None
        if any(_dig(values, p) for p in reader.unknown) or any(
                isinstance(m, dict) and str(m.get("mountPath", "")).startswith(reader.under)
                for m in (mounts if isinstance(mounts, list) else ())):
            continue  # what it reads may be anything
        lines = tuple((path, str(v).strip(), line.replace("{value}", repr(str(v).strip())))
                      for path, line in reader.settings
                      if isinstance(v := _dig(values, path), (str, int, float)) and str(v).strip())
        if lines:
            out.append(_ValuesSecret(name, _namespace(obj), var.loc, reader, lines))
    return out


def _values_read(w: Workload, secrets: list[_ValuesSecret]) -> Workload:
    """A container of a cataloged service whose `chart_values.target` option points at the Service named as a
    Secret of the file holding its chart's values (`_values_secrets`), in its namespace, with the file those
    values give (what the service's `config` switches read)."""
    for match in identify(w):
        reader = match.service.chart_values
        got = match.option(reader.target) if reader is not None else None
        if got is None:
            continue
        host = got[0].partition("://")[2].partition("/")[0].rpartition("@")[2].partition(":")[0]
        for secret in secrets:
            if secret.reader == reader and host and host.partition(".")[0] == secret.name \
                    and secret.namespace == w.namespace:
                write = FileWrite(reader.file, "\n".join(line for _p, _v, line in secret.lines), "write", secret.loc)
                return records.replace(w, files=(*w.files, write))
    return w


def _peers_read(workloads: list[Workload], globs: tuple[str, ...]) -> list[Workload]:
    """Workloads of the file that run a start word a catalog `peer` switch names (Determined's chart hook Job
    running /tmp/change-pw.py, which sets the built-in users' password): recorded, as a `PEER_WRITE` at that
    word, on every other workload of their namespace that runs a cataloged service with such a switch."""
    seen: list[tuple[str | None, str, Loc, int]] = []
    for i, w in enumerate(workloads):
        for cmd in w.process:
            for word in cmd.argv:
                for g in globs:
                    if glob_match(word.text, g):
                        seen.append((w.namespace, g, word.loc, i))
    if not seen:
        return workloads
    out, changed = [], False
    for i, w in enumerate(workloads):
        mine = [(g, loc) for ns, g, loc, j in seen if j != i and ns == w.namespace]
        if mine and any(u.peer == g for m in identify(w) for k in m.service.auth_known for u in k.unless
                        for g, _loc in mine):
            w, changed = records.replace(w, files=(*w.files, *(FileWrite(g, "", PEER_WRITE, loc) for g, loc in mine))), True
        out.append(w)
    return out if changed else workloads


# The vLLM production-stack router (vllm-project/production-stack a6c01db0 src/vllm_router): with
# `--service-discovery k8s` (the chart's default) and the default `--k8s-service-discovery-type pod-ip`
# (service_discovery.py `initialize_service_discovery`) it watches the pods of `--k8s-namespace` (default
# `default`) that `--k8s-label-selector` selects (default: every pod; parsers/parser.py), lists each one's
# models on `/v1/models` with its own VLLM_API_KEY (an engine it cannot list gets no request,
# `K8sPodIPServiceDiscovery._get_model_names`), and passes each caller's headers, `Authorization` among them,
# to the engine it picks (services/request_service/request.py `_build_backend_request_headers`): it checks no
# credential itself, so an engine that asks for none is open through it, and one that asks for a key asks the
# router's callers for it. The engines of its file (a cataloged service listening on `--k8s-port`, default 8000,
# on the pod's address) are linked (`Workload.backends`); not with static or dynamic
# backends (`--static-backends`, `--dynamic-config-*`: engines the scan may not see) nor with `service-name`
# discovery (it selects Services, not pods).
_ROUTER_DISCOVERY, _ROUTER_SELECTOR = "--service-discovery", "--k8s-label-selector"
_ROUTER_UNLINKED = ("--static-backends", "--dynamic-config-json", "--dynamic-config-yaml")


def _routers_linked(workloads: list[Workload]) -> list[Workload]:
    """`workloads` with each vLLM router's engines among them recorded (`backends`)."""
    out = workloads
    for i, w in enumerate(workloads):
        router = next((m for m in identify(w) if m.service.id == "vllm-router"), None)
        if router is None:
            continue
        discovery = router.option(_ROUTER_DISCOVERY)
        kind = router.option("--k8s-service-discovery-type")
        if discovery is None or discovery[0] != "k8s" or (kind is not None and kind[0].strip().lower() == "service-name") \
                or any(router.flag(f) is not None for f in _ROUTER_UNLINKED) or any(word.dynamic for word in router.args):
            continue
        given = router.option(_ROUTER_SELECTOR)
        selector = _label_selector(given[0]) if given is not None else ()
        namespace = (router.option("--k8s-namespace") or ("default", None))[0]
        if selector is None:
            continue  # a selector it cannot read
        port = (router.option("--k8s-port") or ("8000", None))[0]
        engines = tuple(e for e in workloads if e is not w and e.namespace in (None, namespace)
                        and _label_selects(selector, dict(e.pod_labels)) and _listens(e, port))
        if engines:
            if out is workloads:
                out = list(workloads)
            out[i] = records.replace(w, backends=engines)
    return out


def _listens(w: Workload, port: str) -> bool:
    """Whether a cataloged service `w` starts listens on `port` where other pods reach it."""
    return any(str(ls.port) == port and ls.all_interfaces is not False for m in identify(w) for ls in m.listeners())


_SET_REQUIREMENT = r"^\s*([A-Za-z0-9._/-]+)\s+(in|notin)\s+\(([^)]*)\)\s*$"  # (compiled where used: a rare path)


def _label_selector(text: str) -> tuple[tuple[str, str, tuple[str, ...]], ...] | None:
    """A label selector string (`environment=test,release=test`, `tier in (a,b)`, `!canary`) as requirements
    (`In`, `NotIn`, `Exists`, `DoesNotExist`, as `_selector` gives); None for one it cannot read
    (kubernetes apimachinery pkg/labels/selector.go `Parse`)."""
    parts, depth, cur = [], 0, ""
    for ch in text:
        depth += (ch == "(") - (ch == ")")
        if ch == "," and depth == 0:
            parts.append(cur)
            cur = ""
        else:
            cur += ch
    parts.append(cur)
    out: list[tuple[str, str, tuple[str, ...]]] = []
    for part in (p.strip() for p in parts):
        if not part:
            if len(parts) > 1:
                return None
            continue
        if (m := re.match(_SET_REQUIREMENT, part)) is not None:
            values = tuple(v.strip() for v in m.group(3).split(","))
            out.append((m.group(1), "In" if m.group(2) == "in" else "NotIn", values))
        elif "!=" in part:
            key, _, value = part.partition("!=")
            out.append((key.strip(), "NotIn", (value.strip(),)))
        elif "=" in part:
            key, _, value = part.replace("==", "=", 1).partition("=")
            out.append((key.strip(), "In", (value.strip(),)))
        elif part.startswith("!"):
            out.append((part[1:].strip(), "DoesNotExist", ()))
        elif re.fullmatch(r"[A-Za-z0-9._/-]+", part):
            out.append((part, "Exists", ()))
        else:
            return None
    return tuple(out)


def _label_selects(selector: tuple[tuple[str, str, tuple[str, ...]], ...], labels: dict[str, str]) -> bool:
    """Whether pods of `labels` are among those `selector` selects (an empty selector selects every pod)."""
    for key, op, values in selector:
        if (op == "In" and labels.get(key) not in values) or (op == "NotIn" and labels.get(key) in values) \
                or (op == "Exists" and key not in labels) or (op == "DoesNotExist" and key in labels):
            return False
    return True


def _namespace(obj: Any) -> str | None:
    return y.text(y.get(obj, "metadata", "namespace")) or None


def _kind_loc(obj: Any) -> Loc:
    pair = y.entries(obj).get("kind")
    return y.loc(pair[0]) if pair else y.loc(obj)


def _cluster_object(source: SourceFile, obj: Any) -> None:
    """Roles, bindings and ServiceAccounts, as the API server reads them."""
    kind = y.text(y.get(obj, "kind")) or ""
    api = y.text(y.get(obj, "apiVersion")) or ""
    name = y.text(y.get(obj, "metadata", "name")) or ""
    if kind in ("Role", "ClusterRole") and api.startswith(_RBAC_API):
        rules = tuple(PolicyRule(_strings(y.get(r, "apiGroups")), _strings(y.get(r, "resources")),
                                 _strings(y.get(r, "verbs")), _strings(y.get(r, "resourceNames")),
                                 _strings(y.get(r, "nonResourceURLs")), y.loc(r))
                      for r in y.items(y.get(obj, "rules")) if y.is_map(r))
        labels = _label_map(y.get(obj, "metadata", "labels"))
        aggregation = None
        rule_node = y.get(obj, "aggregationRule")
        if kind == "ClusterRole" and y.is_map(rule_node):
            aggregation = tuple(_selector(sel) for sel in y.items(y.get(rule_node, "clusterRoleSelectors"))
                                if y.is_map(sel))
        source.roles.append(Role(kind, name, None if kind == "ClusterRole" else _namespace(obj), rules,
                                 _kind_loc(obj), source.path, labels, aggregation))
    elif kind in ("RoleBinding", "ClusterRoleBinding") and api.startswith(_RBAC_API):
        ref = y.get(obj, "roleRef")
        ref_name = y.get(ref, "name")
        namespace = None if kind == "ClusterRoleBinding" else _namespace(obj)
        subjects = []
        for subj in y.items(y.get(obj, "subjects")):
            if not y.is_map(subj):
                continue
            skind = y.text(y.get(subj, "kind")) or ""
            # a ServiceAccount subject's namespace is required by the API; a RoleBinding's own is the fallback
            sns = y.text(y.get(subj, "namespace")) or (namespace if skind == "ServiceAccount" else None)
            subjects.append(Subject(skind, y.text(y.get(subj, "name")) or "", sns, y.loc(subj)))
        source.bindings.append(Binding(kind, name, namespace, y.text(y.get(ref, "kind")) or "",
                                       y.text(ref_name) or "", tuple(subjects), _kind_loc(obj),
                                       y.loc(ref_name) if ref_name is not None else _kind_loc(obj), source.path))
    elif kind == "ServiceAccount" and api == "v1":
        node = y.get(obj, "automountServiceAccountToken")
        value = y.scalar(node) if node is not None else None
        listed = tuple(n for item in y.items(y.get(obj, "secrets")) if (n := y.text(y.get(item, "name"))))
        source.accounts.append(ServiceAccount(name, _namespace(obj), value if isinstance(value, bool) else None,
                                              _kind_loc(obj), source.path, listed))


def _secret(obj: Any, obj_path: Path) -> Secret | None:
    """A core v1 Secret's keys and values as the API server stores them: `data` base64-decoded (a value that
    is not base64 of UTF-8 text kept as None: binary, or refused), `stringData` as written, merged over `data`
    key by key (core/v1 types.go `Secret.StringData`, kubernetes/api@3fed8b5a8558cb508dd58c8cfb228d04cc9a52a5:
    merged into `data` on write, its values winning). Each entry is located at its key."""
    if y.text(y.get(obj, "kind")) != "Secret" or y.text(y.get(obj, "apiVersion")) != "v1":
        return None
    if y.is_map(y.get(obj, "sops")):
        return None  # encrypted with SOPS (its values `ENC[AES256_GCM,…]`, Flux decrypts them): no literal
    entries: dict[str, EnvVar] = {}
    encoded: set[str] = set()
    written: dict[int, str] = {}  # each value node: the first key that has it (a later one by a YAML alias)
    aliases: dict[str, str] = {}
    for key in ("data", "stringData"):
        node = y.get(obj, key)
        if not y.is_map(node):
            continue
        for name, (key_node, value_node) in y.entries(node).items():
            if not y.is_scalar(value_node):
                continue
            first = written.setdefault(id(value_node), name)
            if first != name:
                aliases[name] = first
            value = y.text(value_node) if y.scalar(value_node) is not None else None  # (`~`, `null`: no value)
            if key == "data" and value is not None:
                value = _base64_text(value)
                encoded.add(name)
            else:
                encoded.discard(name)
            entries.pop(name, None)  # (`stringData` written after `data`: its place too)
            entries[name] = EnvVar(name, value, y.loc(key_node), (*obj_path, key, name))
    if not entries:
        return None
    return Secret(y.text(y.get(obj, "metadata", "name")) or "", _namespace(obj),
                  y.text(y.get(obj, "type")) or "Opaque", tuple(entries.values()), tuple(sorted(encoded)),
                  _kind_loc(obj), aliases=tuple((k, v) for k, v in aliases.items() if k in entries and v in entries))


def _base64_text(text: str) -> str | None:
    """`text` (a Secret's `data` value) decoded, when it is base64 of UTF-8 text as the API server decodes a
    `[]byte`: Go's `base64.StdEncoding` ignores `\r` and `\n` (a `|` block's lines) and refuses any other
    character, a space too (golang/go@go1.22.0 src/encoding/base64/base64.go `Decode`: "New line characters
    (\r and \n) are ignored"): a plain scalar over several lines, folded to spaces, is no Secret it stores."""
    import base64
    import binascii

    try:
        return base64.b64decode(text.replace("\r", "").replace("\n", ""), validate=True).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None


def secret_reads(workloads: list[Workload], docs: list[Any]) -> list[SecretRead]:
    """What the workloads of a file read of Secrets into their environment, by the Secret's name: a container's
    `env` item's `valueFrom.secretKeyRef` (that key, as that variable), `envFrom` item's `secretRef` (every key,
    each as a variable of its name after the item's `prefix`), and what the KubeRay operator gives a Ray
    container from a Secret (`_kuberay_reads`)."""
    reads: list[SecretRead] = []
    for w in workloads:
        path = w.node_path
        if not path or not isinstance(path[0], int) or path[0] >= len(docs):
            continue
        c = _at(docs[path[0]], path[1:])
        if not y.is_map(c):
            continue
        for e in y.items(y.get(c, "env")):
            ref = y.get(e, "valueFrom", "secretKeyRef")
            name, key = y.text(y.get(ref, "name")), y.text(y.get(ref, "key"))
            if name and key:
                reads.append(SecretRead(w.label, w.namespace, name, key, y.text(y.get(e, "name")) or key))
        for e in y.items(y.get(c, "envFrom")):
            name = y.text(y.get(e, "secretRef", "name"))
            if name:
                reads.append(SecretRead(w.label, w.namespace, name, None, y.text(y.get(e, "prefix")) or ""))
        reads.extend(_kuberay_reads(w, docs[path[0]], path))
        reads.extend(_kserve_reads(w, docs[path[0]], path))
    return reads


# KServe's storage initializer, the init container its pod webhook adds to an InferenceService's predictor pod
# to download the model of `storageUri` (not for a `pvc://` one, mounted as it is with `enableDirectPvcVolumeMount`,
# nor an `oci://` one with `enableModelcar`, both on as its configmap ships them: kserve/kserve@c8d1ec072cce292586ff279958376828660ce248
# pkg/webhook/admission/pod/storage_initializer_injector.go `InjectStorageInitializer`; nor for a model with a
# `storage:` spec, whose Secret is the configmap's `storageSpecSecretName`), gets the credentials of
# the Secret the `serving.kserve.io/storageSecretName` annotation names, else of each Secret the pod's
# ServiceAccount (`serviceAccountName`, else `default`) lists under `secrets:`
# (kserve/kserve@3cb95ee9454d07794b3f568bbf2a4ff703f79cba pkg/credentials/service_account_credentials.go
# `CreateSecretVolumeAndEnv`, `mountSecretCredential`): an S3 Secret's secret key (the key its configmap's
# `s3SecretAccessKeyName` names: `AWS_SECRET_ACCESS_KEY` as KServe's configmap ships it, `awsSecretAccessKey`
# the code's default) as AWS_SECRET_ACCESS_KEY through `secretKeyRef` (kserve/kserve@3f4350bb0f80c2ce57180f716a24c5cbdf03ad37
# pkg/credentials/s3/s3_secret.go `BuildSecretEnvs`); a GCS Secret is mounted as a file, not in its environment
_KSERVE_STORAGE_KEYS = (("AWS_SECRET_ACCESS_KEY", "AWS_SECRET_ACCESS_KEY"), ("awsSecretAccessKey", "AWS_SECRET_ACCESS_KEY"))
_KSERVE_SECRET_ANNOTATION = "serving.kserve.io/storageSecretName"
_KSERVE_NO_INITIALIZER = ("pvc://", "oci://")


def _kserve_reads(w: Workload, doc: Any, path: Path) -> list[SecretRead]:
    """What KServe's storage initializer of an InferenceService's predictor reads into its environment: the
    storage credentials of a Secret the predictor's ServiceAccount lists (a read `through_accounts` resolves),
    or of the Secret its annotation names (`_KSERVE_STORAGE_KEYS`)."""
    if len(path) < 4 or path[1:3] != ("spec", "predictor") or not w.label.startswith("container `"):
        return []
    if y.text(y.get(doc, "kind")) != "InferenceService" or not (y.text(y.get(doc, "apiVersion")) or "").startswith(
            _KSERVE_API):
        return []
    node = _at(doc, path[1:])
    uri = y.text(y.get(node, "storageUri")) or next(
        (y.text(y.get(e, "value")) for e in y.items(y.get(node, "env")) if y.text(y.get(e, "name")) == "STORAGE_URI"), None)
    if not uri or uri.startswith(_KSERVE_NO_INITIALIZER) or y.get(node, "storage") is not None:
        return []
    label = "container `storage-initializer` (" + w.label.split(" (", 1)[-1]
    named = y.text(y.get(doc, "metadata", "annotations", _KSERVE_SECRET_ANNOTATION))
    account = y.text(y.get(doc, "spec", "predictor", "serviceAccountName")) or "default"
    return [SecretRead(label, w.namespace, named or account, key, var, account=not named)
            for key, var in _KSERVE_STORAGE_KEYS]


def through_accounts(reads: list[SecretRead], accounts: list[ServiceAccount]) -> list[SecretRead]:
    """`reads` with each read through a ServiceAccount (`SecretRead.account`) of `accounts` made a read of each
    Secret it lists, in its namespace (either not written: the one both are applied to); a read through an account
    not among them is kept as it is."""
    if not any(r.account for r in reads):
        return reads
    out = []
    for r in reads:
        if not r.account:
            out.append(r)
            continue
        mine = [a for a in accounts if a.name == r.secret and (
            a.namespace is None or r.namespace is None or a.namespace == r.namespace)]
        out.extend(r._replace(namespace=r.namespace or a.namespace, secret=s, account=False)
                   for a in mine for s in a.secrets)
        if not mine:
            out.append(r)
    return out


def _kuberay_reads(w: Workload, doc: Any, path: Path) -> list[SecretRead]:
    """The Secrets the KubeRay operator puts in a group's Ray container's (the first's) environment: the head's
    REDIS_PASSWORD from `gcsFaultToleranceOptions.redisPassword.valueFrom.secretKeyRef`
    (ray-project/kuberay@b2f504f2aea6f49277b3d80d2fa0d9f9a8cc064f ray-operator/controllers/ray/common/pod.go
    `configureGCSFaultTolerance`), and every group's RAY_AUTH_TOKEN from key `auth_token` of
    `authOptions.secretName` when `authOptions.mode` is `token` and `enableK8sTokenAuth` is not set
    (ray-project/kuberay@feeaf72facab4881ba2b179248bb67315634e229 common/pod.go `SetContainerTokenAuthEnvVars`,
    utils/util.go `IsAuthEnabled`, utils/constant.go `RAY_AUTH_TOKEN_SECRET_KEY`)."""
    tail = ("template", "spec", "containers", 0)
    if len(path) > 6 and path[-5:] == ("headGroupSpec", *tail):
        spec, head = path[1:-5], True
    elif len(path) > 7 and path[-4:] == tail and path[-6] == "workerGroupSpecs" and isinstance(path[-5], int):
        spec, head = path[1:-6], False
    else:
        return []
    if not (y.text(y.get(doc, "apiVersion")) or "").startswith("ray.io/"):
        return []
    cluster = _at(doc, spec)
    out = []
    ref = y.get(cluster, "gcsFaultToleranceOptions", "redisPassword", "valueFrom", "secretKeyRef")
    name, key = y.text(y.get(ref, "name")), y.text(y.get(ref, "key"))
    if head and name and key:
        out.append(SecretRead(w.label, w.namespace, name, key, "REDIS_PASSWORD"))
    auth = y.get(cluster, "authOptions")
    name = y.text(y.get(auth, "secretName"))
    if name and y.text(y.get(auth, "mode")) == "token" and y.scalar(y.get(auth, "enableK8sTokenAuth")) is not True:
        out.append(SecretRead(w.label, w.namespace, name, "auth_token", "RAY_AUTH_TOKEN"))
    return out


def secrets_read(secrets: list[Secret], reads: list[SecretRead], close: bool = True) -> list[Secret]:
    """`secrets` with the workloads of `reads` that read them (`secret_reads`): the Secret named in the
    container's namespace (either one not written: the namespace both are applied to, when their files are
    `close`: the same file or files applied together)."""
    out = []
    for secret in secrets:
        readers = tuple(dict.fromkeys(
            (r.label, r.key, r.var) for r in reads
            if r.secret == secret.name and ((r.namespace is None or secret.namespace is None) and close
                                            or r.namespace == secret.namespace)))
        out.append(records.replace(secret, readers=(*secret.readers, *readers)) if readers else secret)
    return out


def _selector(sel: Any) -> tuple[tuple[str, str, tuple[str, ...]], ...]:
    """A label selector as requirements: `matchLabels` entries are `In` one value."""
    out = [(k, "In", (y.text(v) or "",)) for k, (_kn, v) in y.entries(y.get(sel, "matchLabels")).items()]
    for expr in y.items(y.get(sel, "matchExpressions")):
        out.append((y.text(y.get(expr, "key")) or "", y.text(y.get(expr, "operator")) or "",
                    _strings(y.get(expr, "values"))))
    return tuple(out)


def _pod(obj: Any, obj_path: Path, spec: _Spec, owner: str, containers: list[Workload]) -> PodIdentity:
    """The identity a pod spec runs with (its ServiceAccount and token mount)."""
    node = spec.node
    anchor = _key_loc(obj, obj_path, spec)
    sa_node = y.get(node, "serviceAccountName")
    if sa_node is None or not y.text(sa_node):
        sa_node = y.get(node, "serviceAccount")  # the deprecated alias, used when the name is absent
    if sa_node is not None and y.text(sa_node):
        account = Setting(y.text(sa_node) or "default", y.loc(sa_node), path=(*spec.path, "serviceAccountName"))
    else:
        account = Setting("default", anchor, explicit=False, path=(*spec.path, "serviceAccountName"))
    auto = y.get(node, "automountServiceAccountToken")
    value = y.scalar(auto) if auto is not None else None
    automount: Setting[bool | None] = (
        Setting(value if isinstance(value, bool) else None, y.loc(auto),
                path=(*spec.path, "automountServiceAccountToken")) if auto is not None else
        Setting(None, anchor, explicit=False, path=(*spec.path, "automountServiceAccountToken")))
    return PodIdentity(owner, _namespace(obj), account, automount, anchor, tuple(w.label for w in containers),
                       services=_services(containers), needs_token=_needs_token(containers),
                       projected_token=_projected_token(node, containers),
                       fragment=_known_path(obj) is not None and all(w.partial for w in containers)
                       and not _trigger_images(obj))  # (an OpenShift trigger supplies the image)


def _projected_token(node: Any, containers: list[Workload]) -> Loc | None:
    """Where a `projected` volume that a container mounts gives it a ServiceAccount token for the API
    server: a `serviceAccountToken` source without `audience`, which defaults to the API server's
    (core/v1 `ServiceAccountTokenProjection`): the token the kubelet would mount, whatever
    `automountServiceAccountToken` says."""
    mounted = {m.source for w in containers for m in w.mounts if m.kind == "volume"}
    for vol in y.items(y.get(node, "volumes")):
        if y.text(y.get(vol, "name")) not in mounted:
            continue
        for src in y.items(y.get(vol, "projected", "sources")):
            token = y.entries(src).get("serviceAccountToken")
            if token is not None and y.is_map(token[1]) and not y.text(y.get(token[1], "audience")):
                return y.loc(token[0])
    return None


def _services(containers: list[Workload]) -> tuple[tuple[str, str], ...]:
    """The cataloged services (name, kind) the pod's containers start (`glmlint.catalog.services`)."""
    found: dict[tuple[str, str], None] = {}
    for w in containers:
        for match in identify(w):
            found[(match.service.name, match.service.kind)] = None
    return tuple(found)


def _needs_token(containers: list[Workload]) -> str:
    """Why a cataloged service of the pod calls the Kubernetes API with the pod's token itself (its `token`:
    KubeSpawner in a JupyterHub), "" when none does."""
    for w in containers:
        for match in identify(w):
            why = match.needs_token(w.image.value if w.image is not None else None)
            if why:
                return why
    return ""


def _key_loc(obj: Any, obj_path: Path, spec: _Spec) -> Loc:
    """Where the pod spec's key is written (the `spec:` of a template); its first key if it has none."""
    parent, node = None, obj
    rel = spec.path[len(obj_path):]
    for p in rel:
        parent = node
        node = (y.items(node)[p] if isinstance(p, int) and p < len(y.items(node)) else
                y.get(node, p) if isinstance(p, str) else None)
    if parent is not None and rel and isinstance(rel[-1], str):
        pair = y.entries(parent).get(rel[-1])
        if pair is not None:
            return y.loc(pair[0])
    return y.loc(spec.node)


def _objects(doc: Any, path: Path, depth: int = 0) -> list[tuple[Any, Path]]:
    if not y.is_map(doc):
        return []
    kind = y.text(y.get(doc, "kind"))
    if kind and kind.endswith("List") and y.is_seq(y.get(doc, "items")) and depth < 4:
        out: list[tuple[Any, Path]] = []
        for i, item in enumerate(y.items(y.get(doc, "items"))):
            out.extend(_objects(item, (*path, "items", i), depth + 1))
        return out
    return [(doc, path)]


@dataclass(frozen=True)
class _Spec:
    """A pod spec found in an object: its node and path, the metadata that annotates it, the
    pod-level security context (node and path), and the keys of single containers it holds."""

    node: Any
    path: Path
    meta: Any
    context: tuple[Any, Path]
    singles: tuple[str, ...] = ()
    # the mapping that holds the pod's `volumes` (an Argo containerSet's template); None for a
    # container template injected into pods written elsewhere (a KServe ClusterStorageContainer)
    volumes: tuple[Any, Path] | None = None
    # an Argo template's WorkflowSpec (node, path): its `volumes` are every template's, by name, its
    # `hostNetwork` every pod's, its `templateDefaults` every template's defaults
    workflow: tuple[Any, Path] | None = None
    # (key, container name) of single containers whose runtime names them (a TrainJob's `trainer`:
    # `node`); such a container is a fragment of a pod defined elsewhere
    names: tuple[tuple[str, str], ...] = ()
    # (container list key, (node, path)) of defaults merged under each container of that list
    # (Tekton's `stepTemplate` under `steps`)
    defaults: tuple[tuple[str, tuple[Any, Path]], ...] = ()
    knative: bool = False  # a Knative Serving object's pod spec (its webhook names unnamed containers)
    image: Any = None  # the image node a single container runs when it names none (a SparkApplication's `spec.image`)
    # (key, container name, node, path) of a container an operator adds to the pod from a mapping
    # outside it (KubeRay's autoscaler sidecar, from the RayClusterSpec's `autoscalerOptions`)
    outside: tuple[tuple[str, str, Any, Path], ...] = ()
    # the mapping (node, path) whose `volumes` the pod takes by the names its containers mount (a
    # SparkApplication's `spec`), as an Argo template takes its workflow's
    shared: tuple[Any, Path] | None = None
    # a SparkApplication role written with a pod `template`: the role's mapping (node, path), the index
    # in the pod's `containers` of the Spark container it writes over, and that container's name
    role: tuple[Any, Path, int, str] | None = None
    # the user an operator runs the container as when the pod spec names none: (the node that sets it or
    # None, its path, the default), an NVIDIA NIMService's `userID` (default 1000)
    run_as: tuple[Any, Path, str] | None = None
    # (container list key, (node, path)) of defaults merged under each container of that list
    # (Tekton's `stepTemplate` under `steps`)
    defaults: tuple[tuple[str, tuple[Any, Path]], ...] = ()


# Custom resources whose pod templates nothing runs: a Kueue `Workload` represents the resource
# requirements of the Job (JobSet, RayJob, ...) Kueue admits, with copies of its pod templates; Kueue
# creates no pods from it, the Job's controller does (kueue site/content/en/docs/concepts/workload.md)
_TEMPLATES_ONLY = (("kueue.x-k8s.io/", "Workload"),)
_TEMPLATES_ONLY_KINDS = frozenset(k for _group, k in _TEMPLATES_ONLY)


def _is_core_kind(kind: str, api: str) -> bool:
    """A built-in kind that holds no pods (a Knative `Service` is not the core `v1` Service), or a
    custom resource whose pod templates no controller runs (a Kueue `Workload`)."""
    if kind in _TEMPLATES_ONLY_KINDS and any(api.startswith(group) and kind == k for group, k in _TEMPLATES_ONLY):
        return True  # (the kind asked first: one set look-up for most objects, not a generator)
    return kind in NOT_WORKLOADS and not (kind == "Service" and api != "v1")


def _pod_specs(obj: Any, path: Path) -> list[_Spec]:
    kind = y.text(y.get(obj, "kind")) or ""
    if _is_core_kind(kind, y.text(y.get(obj, "apiVersion")) or ""):
        return []
    known = _known_path(obj)
    if known is not None:
        spec = y.get(obj, *known)
        if not y.is_map(spec):
            return []
        meta = y.get(obj, *known[:-1], "metadata") if len(known) > 1 else y.get(obj, "metadata")
        full = (*path, *known)
        return [_Spec(spec, full, meta, (y.get(spec, "securityContext"), (*full, "securityContext")), (), (spec, full))]
    if (y.text(y.get(obj, "apiVersion")) or "").startswith(_SPARK_API):
        return _spark_specs(obj, path)
    if _is_nim(obj):
        return _nim_specs(obj, path)
    out = []
    trainer = (y.text(y.get(obj, "apiVersion")) or "").startswith(_TRAINER_API)
    tekton = (y.text(y.get(obj, "apiVersion")) or "").startswith(_TEKTON_API)
    knative = (y.text(y.get(obj, "apiVersion")) or "").startswith("serving.knative.dev/")
    supplied = _images_supplied(obj)
    for chain, node in y.walk_maps_chained(obj):
        singles = _single_containers(node)
        containers = y.get(node, "containers")
        names: tuple[tuple[str, str], ...] = ()
        if trainer:
            singles, names = _trainer_singles(node, y.chain_path(chain), singles)
            # a TrainJob's overrides name the runtime's containers without an image
            containers_found = y.is_seq(containers) and any(y.is_map(c) for c in y.items(containers))
        elif tekton:
            steps = y.get(node, "steps")
            containers_found = y.is_seq(steps) and any(y.is_map(c) and y.get(c, "image") is not None
                                                       for c in y.items(steps))
        else:
            containers_found = y.is_seq(containers) and any(
                y.is_map(c) and (y.get(c, "image") is not None or (supplied and y.get(c, "name") is not None))
                for c in y.items(containers))
        if not singles and not containers_found:
            continue
        sub_path = y.chain_path(chain)
        parent_meta = None
        parents = sub_path[:-1]
        if sub_path and sub_path[-1] == "spec" and all(isinstance(p, str) for p in parents):
            parent_meta = y.get(y.get(obj, *parents), "metadata")  # a template's own metadata
        workflow = _argo_workflow(obj, path, sub_path)
        context = _context(obj, path, sub_path)
        if workflow is not None:
            context = _argo_context(context, node, (*path, *sub_path), workflow)
        elif tekton and context[0] is None:
            context = _tekton_context(obj, path, context)
        defaults: tuple[tuple[str, tuple[Any, Path]], ...] = ()
        if tekton and y.is_map(y.get(node, "stepTemplate")):
            defaults = (("steps", (y.get(node, "stepTemplate"), (*path, *sub_path, "stepTemplate"))),)
        out.append(_Spec(node, (*path, *sub_path), parent_meta, context, singles,
                         None if names else _volumes_place(obj, path, sub_path, node, singles), workflow, names,
                         defaults, knative, outside=_ray_autoscaler(obj, path, sub_path)))
    return out


# Kinds whose pod specs name containers the controller supplies the image of, written without one
# to change them (fragments): a SeldonDeployment's `componentSpecs[].spec.containers` named after a
# graph node that runs a prepackaged server (seldon-core v1 `implementation: SKLEARN_SERVER`, ...); a
# KServe LLMInferenceService's `template`/`worker`/`prefill` containers (`main`), whose image the
# LLMInferenceServiceConfig presets give
_IMAGE_SUPPLIED = (("machinelearning.seldon.io/", "SeldonDeployment"), ("serving.kserve.io/", "LLMInferenceService"))


def _images_supplied(obj: Any) -> bool:
    api, kind = _api_kind(obj)
    return any(api.startswith(group) and kind == k for group, k in _IMAGE_SUPPLIED)


def _ray_autoscaler(obj: Any, path: Path, sub_path: Path) -> tuple[tuple[str, str, Any, Path], ...]:
    """KubeRay's autoscaler sidecar, when the pod spec at `sub_path` is a Ray head's and the cluster
    enables in-tree autoscaling: the operator appends an `autoscaler` container to the head pod and
    writes `autoscalerOptions`' image, env, envFrom, volumeMounts, securityContext, resources,
    command and args over its own defaults (ray-operator common/pod.go `BuildAutoscalerContainer`,
    `mergeAutoscalerOverrides`). A fragment: what the options do not write is the operator's."""
    if (tuple(sub_path[-3:]) != ("headGroupSpec", "template", "spec")
            or not (y.text(y.get(obj, "apiVersion")) or "").startswith("ray.io/")):
        return ()
    cluster = _at(obj, sub_path[:-3])
    options = y.get(cluster, "autoscalerOptions")
    if y.scalar(y.get(cluster, "enableInTreeAutoscaling")) is not True or not y.is_map(options):
        return ()
    return (("autoscalerOptions", "autoscaler", options, (*path, *sub_path[:-3], "autoscalerOptions")),)


# Spark operator (kubeflow/spark-operator api/v1beta2 `SparkPodSpec`): a SparkApplication's `driver` and
# `executor` (a ScheduledSparkApplication's under `spec.template`) each describe a pod and its Spark
# container at once: the container's `securityContext`, the pod's `podSecurityContext` and
# `hostNetwork`, its `initContainers` and `sidecars`. The operator names the container
# `spark-kubernetes-driver` / `spark-kubernetes-executor` (pkg/common/spark.go); its image, user and
# resources come from the Spark configuration too, so it is a fragment (nothing absent is judged).
# The operator's pod webhook (internal/webhook/sparkpod_defaulter.go, v2.x) adds the role's `sidecars`
# and `initContainers` to the pod as written (`addSidecarContainers`, `addInitContainers`: complete
# containers) and the application's `spec.volumes` that the role's `volumeMounts` name (`addVolumes`).
#
# A role's `template` (v2, Spark >= 3.0.0: `SparkPodSpec.Template`, a PodTemplateSpec) is the pod Spark
# starts from (internal/controller/sparkapplication/submission.go `driverPodTemplateOption`, with
# `spark.kubernetes.{driver,executor}.podTemplateContainerName` set to the names above): its pod
# securityContext, volumes and other containers are the pod's; the Spark container is the one of that name
# (an executor's: `executor` or `spark-kubernetes-executor`), else the first (the webhook's
# `findContainer`). The webhook still mutates that pod (its objectSelector is
# `sparkoperator.k8s.io/launched-by-spark-operator`): the role's `securityContext` and
# `podSecurityContext` replace the template's (`addContainerSecurityContext`, `addPodSecurityContext`),
# its env, volumeMounts (with the application's volumes), sidecars and initContainers are added; the
# image is Spark's configuration (the role's, else the application's `image`).
_SPARK_API = "sparkoperator.k8s.io/"
SELF = ""  # a `_Spec.singles` key: the pod spec's own mapping is the container
_SPARK_ROLES = {"driver": "spark-kubernetes-driver", "executor": "spark-kubernetes-executor"}
_SPARK_NAMES = {"driver": ("spark-kubernetes-driver",), "executor": ("executor", "spark-kubernetes-executor")}
# a role's `hostNetwork: true` sets its templated pod's (internal/webhook/sparkpod_defaulter.go `addHostNetwork`,
# spark-operator 38082f3); a `false` leaves the template's value
_SPARK_HOST_NETWORK = ("hostNetwork",)


def _spark_template(obj: Any, base: tuple[str, ...], role: str, node: Any, full: Path, shared: Any) -> _Spec | None:
    """The pod of a role written with a pod `template` (see above); None without one, or for Spark 2."""
    spec = y.get(node, "template", "spec")
    version = y.text(y.get(obj, *base, "sparkVersion")) or ""
    if not y.is_map(spec) or re.match(r"v?[012]\.", version):
        return None
    tpath = (*full, "template", "spec")
    names = [y.text(y.get(c, "name")) for c in y.items(y.get(spec, "containers"))]
    index = next((i for i, n in enumerate(names) if n in _SPARK_NAMES[role]), 0)
    pod_sc = y.get(node, "podSecurityContext")
    context = ((pod_sc, (*full, "podSecurityContext")) if y.is_map(pod_sc) else
               (y.get(spec, "securityContext"), (*tpath, "securityContext")))
    return _Spec(spec, tpath, y.get(node, "template", "metadata"), context, (), (spec, tpath),
                 image=shared, shared=(y.get(obj, *base), (*full[:-1],)), role=(node, full, index, _SPARK_ROLES[role]))


def _spark_specs(obj: Any, path: Path) -> list[_Spec]:
    out = []
    for base in (("spec",), ("spec", "template")):
        shared = y.get(obj, *base, "image")  # the application's image: reported once, on the first role running it
        for role, name in _SPARK_ROLES.items():
            node = y.get(obj, *base, role)
            if not y.is_map(node):
                continue
            full = (*path, *base, role)
            runs_shared = y.get(node, "image") is None
            templated = _spark_template(obj, base, role, node, full, shared if runs_shared else None)
            if templated is not None:
                out.append(templated)
                if runs_shared:
                    shared = None
                continue
            sc = y.get(node, "podSecurityContext")
            out.append(_Spec(node, full, None, (sc if y.is_map(sc) else None, (*full, "podSecurityContext")),
                             (SELF,), None, names=((SELF, name),), image=shared if runs_shared else None,
                             shared=(y.get(obj, *base), (*path, *base))))
            if runs_shared:
                shared = None
    return out


# NVIDIA NIM operator (NVIDIA/k8s-nim-operator api/apps/v1alpha1 `NIMServiceSpec`, commit f63f74d): a
# NIMService's `spec` describes the NIM container of the Deployment the operator renders, named
# `<name>-ctr` (`GetContainerName`): its `command`, `args`, `env`; its image is
# `image.repository`:`image.tag` (`GetImage`); the pod's `securityContext.runAsUser` is `userID`, 1000
# when unset (`GetUserID`, manifests/deployment.yaml); the rest of its pod is the operator's: a fragment,
# whose written user, env, image and start words are judged. `expose.service` is the Service the
# operator creates for it (manifests/service.yaml): of `type` (default ClusterIP), on `port` (default
# 8000), which is the container's port too (`NIM_SERVER_PORT`, `GetStandardEnv`).
_NIM_API = "apps.nvidia.com/"
_NIM_PORT = "8000"
# The operator gives the NIM container the NIMService's `resources` as written (`GetResources`,
# manifests/deployment.yaml and lws.yaml `resources: {{ .Resources }}`), adding only an `nvidia.com/gpu`
# request and limit when neither names one (internal/controller/platform/standalone/nimservice.go
# `addGPUResources`): a NIMService without `resources.limits.memory` runs NIM with no memory limit
_NIM_WHOLE = ("resources",)


def _nim_limits_at(obj: Any) -> Loc | None:
    """Where a NIMService's `spec.resources` writes its `limits` (else the `resources` key), which a memory limit
    it lacks goes under (review A18 L1); None when it writes no `resources`."""
    resources = y.entries(y.get(obj, "spec")).get("resources")
    if resources is None:
        return None
    limits = y.entries(resources[1]).get("limits") if y.is_map(resources[1]) else None
    return y.loc((limits or resources)[0])


def _nim_whole(w: Workload, at: Loc | None) -> Workload:
    """A NIMService's NIM container, its `resources` written whole (`_NIM_WHOLE`); a memory limit it does not
    write is missing where its `resources` are (`_nim_limits_at`), not at its image."""
    w = records.replace(w, whole=_NIM_WHOLE)
    if at is not None and not w.memory_limit.explicit:
        w = records.replace(w, memory_limit=records.replace(w.memory_limit, loc=at))
    return w


def _is_nim(obj: Any) -> bool:
    return (y.text(y.get(obj, "apiVersion")) or "").startswith(_NIM_API) and y.text(y.get(obj, "kind")) == "NIMService"


# The NIM operator runs a NIMService's pod (manifests/deployment.yaml, lws.yaml, inferenceservice.yaml) as the
# ServiceAccount it creates named after the NIMService (`GetServiceAccountName`, manifests/serviceaccount.yaml),
# neither of them setting `automountServiceAccountToken`, and the NIMService has no field for either: the pod
# mounts the token, and nothing written in the NIMService stops it. A ServiceAccount of that name written
# beforehand does not either: the operator writes its own `automountServiceAccountToken` (unset) over it
# (internal/utils/utils.go `updateServiceAccount`, on the first reconcile: `IsSpecChanged` finds no hash).
_NIM_NO_SETTING = ("the NIM operator runs the pod as the ServiceAccount it creates, named after the NIMService, "
                   "and no NIMService field stops the token mount")


def _nim_pod(obj: Any, obj_path: Path, spec: _Spec, owner: str, containers: list[Workload]) -> PodIdentity:
    """The identity an NIMService's pod runs with: the operator's ServiceAccount named after it; the pod
    runs NVIDIA NIM (the catalog's `nim`), whatever the image is called."""
    from glmlint.catalog.services import get

    base = _pod(obj, obj_path, spec, owner, containers)
    name = y.text(y.get(obj, "metadata", "name")) or "default"
    try:
        service = get("nim")
        nim: tuple[str, str] | None = (service.name, service.kind)
    except KeyError:
        nim = None
    services = base.services if nim is None or nim in base.services else (*base.services, nim)
    return records.replace(base, service_account=Setting(name, base.anchor, explicit=False, path=()),
                           automount=Setting(None, base.anchor, explicit=False, path=()), no_setting=_NIM_NO_SETTING,
                           services=services)


def _nim_specs(obj: Any, path: Path) -> list[_Spec]:
    node = y.get(obj, "spec")
    if not y.is_map(node):
        return []
    name = y.text(y.get(obj, "metadata", "name")) or "?"
    full = (*path, "spec")
    user = y.get(node, "userID")
    return [_Spec(node, full, None, (None, (*full, "securityContext")), (SELF,), None,
                  names=((SELF, f"{name}-ctr"),), image=y.get(node, "image"),
                  run_as=(user if y.is_scalar(user) and y.scalar(user) is not None else None, (*full, "userID"), "1000"))]


# Dask Kubernetes operator (dask/dask-kubernetes dask_kubernetes/operator/controller/controller.py, commit
# 1daa175): for a DaskCluster (`kubernetes.dask.org/v1`) it creates the scheduler Deployment from
# `spec.scheduler.spec` and the Service `<cluster>-scheduler` whose `spec` is `spec.scheduler.service` as
# written (`build_scheduler_service_spec`, constants.py `SCHEDULER_NAME_TEMPLATE`); a DaskJob creates a
# DaskCluster named after itself from `spec.cluster.spec` (`daskjob_create_components`). A scheduler
# Service of type LoadBalancer or NodePort exposes the scheduler pod on the ports it writes.
_DASK_API = "kubernetes.dask.org/"
_DASK_SCHEDULERS = {"DaskCluster": ("spec", "scheduler"), "DaskJob": ("spec", "cluster", "spec", "scheduler")}


def _operator_expose(obj: Any, obj_path: Path, workloads: list[Workload]) -> list[Workload]:
    """An NIMService's containers, or a Dask cluster's scheduler containers, with the Service the operator
    creates for them, when its type reaches outside: on the port a NIMService's `expose.service` names
    (default 8000), on the ports a Dask scheduler's `service` writes."""
    if not workloads:
        return workloads
    kind = y.text(y.get(obj, "kind")) or ""
    api = y.text(y.get(obj, "apiVersion")) or ""
    name = y.text(y.get(obj, "metadata", "name")) or "?"
    pod: Path = ()  # the pod whose containers the Service selects (all the object's when empty)
    if kind == "NIMService" and api.startswith(_NIM_API):
        service = y.get(obj, "spec", "expose", "service")
        name, operator = y.text(y.get(service, "name")) or name, "the NIM Operator"
        port: str | None = y.text(y.get(service, "port")) or _NIM_PORT
    elif kind in _DASK_SCHEDULERS and api.startswith(_DASK_API):
        keys = _DASK_SCHEDULERS[kind]
        service = y.get(obj, *keys, "service")
        name, pod, operator, port = f"{name}-scheduler", (*obj_path, *keys, "spec"), "the Dask operator", None
    else:
        return workloads
    node = y.get(service, "type")
    service_type = y.text(node)
    # a NIMService's `expose.service` carries the Service's `annotations`; a Dask scheduler's is a ServiceSpec
    if service_type not in _EXPOSING or _internal_service(service_type, y.get(service, "annotations"), service):
        return workloads
    ports = ((ServicePort(port, port, y.loc(node)),) if port is not None
             else tuple(sp for _n, sp in _written_ports(None, service)))
    if not ports:
        return workloads
    found = Exposure(service_type, name, _namespace(obj), (), ports, y.loc(node), operator=operator)
    return [records.replace(w, exposed_by=(*w.exposed_by, found)) if w.node_path[:len(pod)] == pod else w
            for w in workloads]


# Labels controllers give the pods they make, over the template's (theirs win), which a Service the user
# writes selects them by:
# - LeaderWorkerSet (kubernetes-sigs/lws 060ab4d, pkg/controllers/leaderworkerset_controller.go
#   `constructLeaderStatefulSetApplyConfiguration`, pod_controller.go, pkg/webhooks/pod_webhook.go):
#   `leaderworkerset.sigs.k8s.io/name: <name>` on every pod; a leader (from `leaderTemplate`, else from
#   `workerTemplate`) also `worker-index: "0"` (what selects leaders), a worker its index from 1 to `size` - 1
#   (default 1) (the project's vLLM example selects its leader so, `vllm-leader`); every pod of group i (of
#   `replicas`, default 1) `group-index: <i>` (pkg/webhooks/pod_webhook.go `Default`, pod_controller.go);
# - Dask operator (dask/dask-kubernetes 1daa175, operator/controller/controller.py
#   `build_scheduler_deployment_spec`, `build_worker_deployment_spec`): `dask.org/cluster-name: <cluster>`
#   and `dask.org/component: scheduler` (a worker's: `worker`) on the pods of a DaskCluster (a DaskJob's
#   cluster is named after the job);
# - KServe (kserve/kserve aaac4e2, pkg/controller/v1beta1/inferenceservice/components/predictor.go
#   `buildObjectMeta`, transformer.go, explainer.go): an InferenceService's predictor (transformer, explainer)
#   pods take the InferenceService's labels, then the component's `labels`, then
#   `serving.kserve.io/inferenceservice: <name>` and `component: predictor` (`transformer`, `explainer`);
# - Argo Workflows (argoproj/argo-workflows f016ad8, workflow/controller/workflowpod.go `createWorkflowPod`,
#   `addMetadata`; operator.go `mergedTemplateDefaultsInto`): a template's pod is labelled
#   `workflows.argoproj.io/workflow: <workflow>` (a Workflow's name; a template's or a CronWorkflow's
#   workflows are named when they run), then the workflow's `podMetadata.labels`, then the template's
#   `metadata.labels` (with `templateDefaults.metadata.labels` merged under them); nothing else of the
#   template is the pod's metadata;
# - Knative Serving (knative/serving 98e5ef9, pkg/reconciler/service/resources/configuration.go `MakeConfiguration`,
#   configuration/resources/revision.go `MakeRevision`, `updateRevisionLabels`, revision/resources/meta.go
#   `makeLabels`): a Service's (a Configuration's) revision pods take the template's labels, then
#   `serving.knative.dev/configuration: <name>` (a Service's Configuration is named after it),
#   `serving.knative.dev/service: <name>` (a Service's), `serving.knative.dev/revision: <revision>` and
#   `app: <revision>` unless the template sets `app`; the revision is the template's `metadata.name`, else
#   `<name>-<generation>`, unknown here (as are the generation and UID labels).
_LWS_API = "leaderworkerset.x-k8s.io/"
_KSERVE_API = "serving.kserve.io/"
_LWS_NAME, _LWS_INDEX = "leaderworkerset.sigs.k8s.io/name", "leaderworkerset.sigs.k8s.io/worker-index"
_LWS_GROUP = "leaderworkerset.sigs.k8s.io/group-index"


def _argo_label_places(obj: Any, obj_path: Path, kind: str, name: str) -> list[_LabelPlace]:
    """Each template of an Argo workflow kind, with the labels its pod gets (and no others)."""
    at = ("spec", "workflowSpec") if kind == "CronWorkflow" else ("spec",)
    spec = y.get(obj, *at)
    workflow = {"workflows.argoproj.io/workflow": name} if kind == "Workflow" and name else {}
    pod = {**workflow, **dict(_label_map(y.get(spec, "podMetadata", "labels")))}
    defaults = dict(_label_map(y.get(spec, "templateDefaults", "metadata", "labels")))
    return [((*obj_path, *at, "templates", k),
             {**pod, **defaults, **dict(_label_map(y.get(template, "metadata", "labels")))}, None)
            for k, template in enumerate(y.items(y.get(spec, "templates")))]


def _label_map(node: Any) -> tuple[tuple[str, str], ...]:
    """A `labels` mapping's scalar entries."""
    return tuple((k, y.text(v) or "") for k, (_kn, v) in y.entries(node).items() if y.is_scalar(v))


def _operator_labels(obj: Any, obj_path: Path, workloads: list[Workload]) -> list[Workload]:
    """A LeaderWorkerSet's, Dask cluster's, InferenceService's or LLMInferenceService's containers with the labels the controller
    gives their pods."""
    if not workloads:
        return workloads
    api = y.text(y.get(obj, "apiVersion")) or ""
    kind = y.text(y.get(obj, "kind")) or ""
    name = y.text(y.get(obj, "metadata", "name")) or ""
    places: list[_LabelPlace] = []  # (where a pod's containers are, the labels it gets over its own, none under)
    if api.startswith(_LWS_API):
        base = (*obj_path, "spec", "leaderWorkerTemplate")
        worker = (*base, "workerTemplate")
        size = _count(y.get(obj, "spec", "leaderWorkerTemplate", "size"))
        group = {_LWS_NAME: name, _LWS_GROUP: indexed_label("", "group", 0, _count(y.get(obj, "spec", "replicas")))}
        if y.is_map(y.get(obj, "spec", "leaderWorkerTemplate", "leaderTemplate")):
            places = [((*base, "leaderTemplate"), {**group, _LWS_INDEX: "0"}, {}),
                      (worker, {**group, _LWS_INDEX: indexed_label("", "worker", 1, size)}, {})]
        else:  # the leader runs the worker template too (index 0, its workers from 1)
            places = [(worker, {**group, _LWS_INDEX: indexed_label("", "worker", 0, size)}, {})]
    elif api.startswith(_KSERVE_API) and kind == "InferenceService":
        own = dict(_label_map(y.get(obj, "metadata", "labels")))
        places = [((*obj_path, "spec", part), {**own, **dict(_label_map(y.get(obj, "spec", part, "labels"))),
                                                "serving.kserve.io/inferenceservice": name, "component": part}, {})
                  for part in ("predictor", "transformer", "explainer")]
    elif api.startswith("argoproj.io/") and kind in _ARGO_KINDS:
        places = _argo_label_places(obj, obj_path, kind, name)
    elif api.startswith("serving.knative.dev/") and kind in ("Service", "Configuration") and name:
        template = y.get(obj, "spec", "template")
        labels = {"serving.knative.dev/configuration": name}
        if kind == "Service":
            labels["serving.knative.dev/service"] = name
        revision = y.text(y.get(template, "metadata", "name"))
        if revision:
            labels["serving.knative.dev/revision"] = revision
            if not any(k == "app" for k, _v in _label_map(y.get(template, "metadata", "labels"))):
                labels["app"] = revision
        places = [((*obj_path, "spec", "template", "spec"), labels, {})]
    elif api.startswith(_DASK_API) and kind in _DASK_SCHEDULERS:
        cluster = _DASK_SCHEDULERS[kind][:-1]
        places = [((*obj_path, *cluster, role), {"dask.org/cluster-name": name, "dask.org/component": role}, {})
                  for role in ("scheduler", "worker")]
    elif _llm_preset(obj):
        # the single-node Deployments' pod labels (`_llm_route`): the main one's (`decode` beside a prefill), the
        # prefill one's; a multi-node (`worker`) one's pods are a LeaderWorkerSet's (`_llm_multi_node`)
        spec = y.get(obj, "spec")
        base = dict(_llm_labels(name))
        prefill = y.get(spec, "prefill")
        role = "both" if prefill is None else "decode"
        if y.get(spec, "worker") is None:
            places.append(((*obj_path, "spec", "template"), {
                "app.kubernetes.io/component": "llminferenceservice-workload", **base, "llm-d.ai/role": role}, None))
        else:
            places += _llm_multi_node((*obj_path, "spec"), base, role, "")
        if prefill is not None and y.get(prefill, "worker") is None:
            places.append(((*obj_path, "spec", "prefill", "template"), {
                "app.kubernetes.io/component": "llminferenceservice-workload-prefill", **base, "llm-d.ai/role": "prefill"},
                None))
        elif prefill is not None:
            places += _llm_multi_node((*obj_path, "spec", "prefill"), base, "prefill", "-prefill")
    return _labelled(workloads, places)


# KServe's multi-node LLMInferenceService (kserve pkg/controller/v1alpha1/llmisvc/workload_multi_node.go at
# 0217bdab, `expectedMainMultiNodeLWS`, `expectedPrefillMultiNodeLWS`): `worker` (`prefill.worker`) makes a
# LeaderWorkerSet whose leader pods run `template` (`prefill.template`), labelled `app.kubernetes.io/component:
# llminferenceservice-workload-leader[-prefill]`, `kserve.io/component: workload` (what the route's pool and the
# workload Service select: `_llm_labels`) and `llm-d.ai/role`, and whose worker pods run `worker`, labelled
# `...-workload-worker[-prefill]` and, only when there is no leader template, `kserve.io/component: workload`
# too. The multi-node presets (config/llmisvcconfig/config-llm-worker-data-parallel.yaml) supply a `template`
# where none is written: a written `worker` alone gets the labels every worker has, not the pool's.
def _llm_multi_node(at: Path, base: dict[str, str], role: str, suffix: str
                    ) -> list[tuple[Path, dict[str, str], None]]:
    """The (place, labels) of a multi-node LLMInferenceService's leader (`template`) and worker containers."""
    common = {k: v for k, v in base.items() if k != "kserve.io/component"}
    return [((*at, "template"), {"app.kubernetes.io/component": f"llminferenceservice-workload-leader{suffix}",
                                 **base, "llm-d.ai/role": role}, None),
            ((*at, "worker"), {"app.kubernetes.io/component": f"llminferenceservice-workload-worker{suffix}",
                               **common}, None)]


# Labels the API server and the controllers give the pods of core workloads and of ML training jobs, which a
# Service the user writes may select them by (those that differ by the pod's index as `indexed_label`s):
# - StatefulSet (kubernetes/kubernetes v1.32 pkg/controller/statefulset/stateful_set_utils.go `updateIdentity`):
#   `statefulset.kubernetes.io/pod-name: <set>-<ordinal>` and `apps.kubernetes.io/pod-index: <ordinal>`
#   (PodIndexLabel, on by default from 1.28) over the template's, for the ordinals from `spec.ordinals.start`
#   (default 0), `replicas` (default 1) of them;
# - Job (pkg/registry/batch/job/strategy.go `generateSelector`): unless `spec.manualSelector: true`, `job-name`
#   and `batch.kubernetes.io/job-name: <job>` where the template sets neither (`controller-uid` is the Job's UID,
#   unknown here); an Indexed Job's pods `batch.kubernetes.io/job-completion-index: <index>`
#   (pkg/controller/job/indexed_job_utils.go `addCompletionIndexLabel`), `completions` of them (1 when neither
#   `completions` nor `parallelism` is written);
# - JobSet (kubernetes-sigs/jobset 08dfbdf, pkg/controllers/jobset_controller.go `constructJob`,
#   `labelAndAnnotateObject`; webhooks/jobset_webhook.go): a replicated job's `replicas` (default 1) Jobs, named
#   `<jobset>-<name>-<i>` and Indexed unless written otherwise, whose pods get `jobset.sigs.k8s.io/jobset-name`,
#   `jobset.sigs.k8s.io/replicatedjob-name`, `jobset.sigs.k8s.io/replicatedjob-replicas` and
#   `jobset.sigs.k8s.io/job-index: <i>` over the template's, and the Job's labels above;
# - Kubeflow Trainer (kubeflow/trainer 8c0f505, pkg/runtime/framework/plugins/jobset/jobset.go, pkg/constants): a
#   TrainJob runs as a JobSet of its name, its trainer in the replicated job `node`, its initializers in
#   `dataset-initializer` and `model-initializer`, each of `replicas: 1` (jobset/builder.go `Trainer`,
#   `Initializer`), so its one Job is `<name>-<replicated job>-0` (job index 0), Indexed by JobSet's
#   default, of `trainer.numNodes` pods (jobset.go `SyncParallelCount`; else the runtime's count);
# - the Kubeflow training operator v1 (kubeflow/trainer release-1.9 3a3a1da, pkg/controller.v1/common/pod.go
#   `createNewPod`, job_controller.go `GenLabels`, each controller's `IsMasterRole`): each replica's pods
#   `training.kubeflow.org/operator-name: <kind>-controller`, `training.kubeflow.org/job-name: <job>`,
#   `training.kubeflow.org/replica-type: <type in lower case>` and `training.kubeflow.org/replica-index: <i>`
#   (`replicas`, default 1) over the template's, and `training.kubeflow.org/job-role: master` on the master
#   (a PyTorchJob's Master, a TFJob's Chief or Master, else worker 0; an XGBoostJob's or PaddleJob's Master; a
#   JAXJob's pod 0); an MPIJob v1's launcher (pkg/controller.v1/mpi `newLauncher`) has no replica index;
# - the MPI Operator, MPIJob v2beta1 (kubeflow/mpi-operator caa3c47, pkg/controller/mpi_job_controller.go
#   `defaultLabels`, `newWorker`, `newLauncherPodTemplate`): `training.kubeflow.org/operator-name: mpi-operator`,
#   `training.kubeflow.org/job-name` and `training.kubeflow.org/job-role: launcher` (`worker`) over the
#   template's; a worker's `training.kubeflow.org/replica-index` from 0 (from 1 with `runLauncherAsWorker`, the
#   launcher then 0); the launcher runs as a Job `<job>-launcher`;
# - Volcano (volcano-sh/volcano ed72c7c, pkg/controllers/job/job_controller_util.go `createJobPod`,
#   job_controller_actions.go, webhooks/admission/jobs/mutate/mutate_job.go): a `batch.volcano.sh` Job's task
#   pods `volcano.sh/job-name`, `volcano.sh/task-spec: <task>` (a task with no name is `default<i>`),
#   `volcano.sh/task-index: <i>` (`replicas` of them), `volcano.sh/queue-name` (default `default`) and
#   `volcano.sh/job-namespace` over the template's;
# - KServe (kserve/kserve aaac4e2, pkg/controller/v1beta1/inferenceservice/components/predictor.go
#   `buildObjectMeta`, `reconcileWorker`; apis/serving/v1alpha1/servingruntime_types.go): a (Cluster)ServingRuntime
#   has no pods of its own; its containers run in the pods of the InferenceServices that use it, which get its
#   `spec.labels` (a worker's `spec.workerSpec.labels`) under their own, not its `metadata.labels`;
# - the Kubeflow Notebook controller (kubeflow/kubeflow components/notebook-controller/controllers
#   notebook_controller.go `generateStatefulSet`): a Notebook's pod is replica 0 of a StatefulSet of its name,
#   labelled `statefulset: <name>`, `notebook-name: <name>` and the Notebook's own `metadata.labels`; the
#   template's `metadata` is not copied (its labels are not the pod's).
_JOBSET_API, _TRAINING_API, _MPI_V2 = "jobset.x-k8s.io/", "kubeflow.org/v1", "kubeflow.org/v2beta1"
_TRAINING_KINDS = {"PyTorchJob": ("pytorchReplicaSpecs", "pytorchjob-controller", ("Master",)),
                   "TFJob": ("tfReplicaSpecs", "tfjob-controller", ("Chief", "Master")),
                   "XGBoostJob": ("xgbReplicaSpecs", "xgboostjob-controller", ("Master",)),
                   "PaddleJob": ("paddleReplicaSpecs", "paddlejob-controller", ("Master",)),
                   "JAXJob": ("jaxReplicaSpecs", "jaxjob-controller", ()),
                   "MPIJob": ("mpiReplicaSpecs", "mpijob-controller", ("Launcher",))}
_REPLICA_TYPES = {t.lower(): t for t in ("Master", "Worker", "Chief", "PS", "Evaluator", "Launcher")}
# (a pod's path, labels over its own, labels under them: None when the pod does not get its own)
_LabelPlace = tuple[Path, dict[str, str], dict[str, str] | None]


def _count(node: Any, default: int | None = 1) -> int | None:
    """A `replicas`/`completions` count as written (`default` when absent; None when not a number)."""
    if node is None:
        return default
    text = y.text(node) or ""
    return int(text) if text.isascii() and text.isdigit() else None


def _job_labels(name: str, job: Any, index: str) -> dict[str, str]:
    """The labels a `batch/v1` Job `name` (a JobSpec `job`) gives its pods under the template's: `job-name`
    unless its selector is manual, the completion index when Indexed (`index` names that index)."""
    out: dict[str, str] = {}
    if y.scalar(y.get(job, "manualSelector")) is not True and name:  # a YAML boolean (`yes` too), as the API reads it
        out = {"job-name": name, "batch.kubernetes.io/job-name": name}
    if (y.text(y.get(job, "completionMode")) or "") == "Indexed":
        completions = y.get(job, "completions")
        stop = _count(completions, 1 if y.get(job, "parallelism") is None else None)
        out["batch.kubernetes.io/job-completion-index"] = indexed_label("", index, 0, stop)
    return out


def _controller_places(obj: Any, obj_path: Path) -> list[_LabelPlace]:
    """Where the pods of `obj` are, with the labels their controller writes over the template's and under them."""
    api = y.text(y.get(obj, "apiVersion")) or ""
    kind = y.text(y.get(obj, "kind")) or ""
    name = y.text(y.get(obj, "metadata", "name")) or ""
    spec = y.get(obj, "spec")
    if not name:
        return []  # named by `generateName`: the labels made from the name are unknown
    if kind == "StatefulSet" and api.startswith("apps/"):
        start = _count(y.get(spec, "ordinals", "start"), 0)
        replicas = _count(y.get(spec, "replicas"))
        if start is None:
            return []
        stop = start + replicas if replicas is not None else None
        return [((*obj_path, "spec", "template"), {
            "statefulset.kubernetes.io/pod-name": indexed_label(f"{name}-", "pod", start, stop),
            "apps.kubernetes.io/pod-index": indexed_label("", "pod", start, stop)}, {})]
    if kind == "Job" and api.startswith("batch/"):
        job = _job_labels(name, spec, "pod")
        over = {k: job.pop(k) for k in ("batch.kubernetes.io/job-completion-index",) if k in job}
        return [((*obj_path, "spec", "template"), over, job)]
    if kind == "JobSet" and api.startswith(_JOBSET_API):
        out = []
        for k, rjob in enumerate(y.items(y.get(spec, "replicatedJobs"))):
            rname = y.text(y.get(rjob, "name")) or ""
            replicas = _count(y.get(rjob, "replicas"))
            job_spec = y.get(rjob, "template", "spec")
            labels = {"jobset.sigs.k8s.io/jobset-name": name, "jobset.sigs.k8s.io/replicatedjob-name": rname,
                      "jobset.sigs.k8s.io/job-index": indexed_label("", rname, 0, replicas)}
            if replicas is not None:
                labels["jobset.sigs.k8s.io/replicatedjob-replicas"] = str(replicas)
            job = _job_labels(name, job_spec, f"{rname}/pod") if y.is_map(job_spec) else {}
            if "job-name" in job:  # each Job of the replicated job is named by its index
                job["job-name"] = job["batch.kubernetes.io/job-name"] = indexed_label(f"{name}-{rname}-", rname, 0,
                                                                                     replicas)
            if (y.text(y.get(job_spec, "completionMode")) or "Indexed") == "Indexed" \
                    and "batch.kubernetes.io/job-completion-index" not in job:  # the webhook's default
                stop = _count(y.get(job_spec, "completions"),
                              1 if y.get(job_spec, "parallelism") is None else None)
                job["batch.kubernetes.io/job-completion-index"] = indexed_label("", f"{rname}/pod", 0, stop)
            over = {**labels, **{k: job.pop(k) for k in ("batch.kubernetes.io/job-completion-index",) if k in job}}
            out.append(((*obj_path, "spec", "replicatedJobs", k, "template", "spec", "template"), over, job))
        return out
    if api.startswith(_TRAINER_API) and kind == "TrainJob":
        out = []
        for at, key, rjob in ((("spec",), "trainer", "node"),
                              (("spec", "initializer"), "dataset", "dataset-initializer"),
                              (("spec", "initializer"), "model", "model-initializer")):
            # one Job of each replicated job (the trainer sets `replicas: 1`), Indexed (JobSet's default),
            # of `numNodes` pods for the trainer (else the runtime's: unknown here), one for an initializer
            pods = _count(y.get(spec, "trainer", "numNodes"), None) if key == "trainer" else 1
            out.append(((*obj_path, *at, key), {
                "jobset.sigs.k8s.io/jobset-name": name, "jobset.sigs.k8s.io/replicatedjob-name": rjob,
                "jobset.sigs.k8s.io/replicatedjob-replicas": "1", "jobset.sigs.k8s.io/job-index": "0",
                "batch.kubernetes.io/job-completion-index": indexed_label("", f"{rjob}/pod", 0, pods)},
                {"job-name": f"{name}-{rjob}-0", "batch.kubernetes.io/job-name": f"{name}-{rjob}-0"}))
        return out
    if kind == "Job" and api.startswith("batch.volcano.sh/"):
        out = []
        namespace = _namespace(obj)
        for k, task in enumerate(y.items(y.get(spec, "tasks"))):
            tname = y.text(y.get(task, "name")) or f"default{k}"
            labels = {"volcano.sh/job-name": name, "volcano.sh/task-spec": tname,
                      "volcano.sh/task-index": indexed_label("", tname, 0, _count(y.get(task, "replicas"), None)),
                      "volcano.sh/queue-name": y.text(y.get(spec, "queue")) or "default"}
            if namespace:
                labels["volcano.sh/job-namespace"] = namespace
            out.append(((*obj_path, "spec", "tasks", k, "template"), labels, {}))
        return out
    if kind in ("ServingRuntime", "ClusterServingRuntime") and api.startswith(_KSERVE_API):
        return [((*obj_path, "spec", "workerSpec"), dict(_label_map(y.get(spec, "workerSpec", "labels"))), None),
                ((*obj_path, "spec"), dict(_label_map(y.get(spec, "labels"))), None)]
    if kind == "Notebook" and api.startswith("kubeflow.org/"):
        own = dict(_label_map(y.get(obj, "metadata", "labels")))
        return [((*obj_path, "spec", "template"), {
            "statefulset": name, "notebook-name": name, **own,
            "statefulset.kubernetes.io/pod-name": f"{name}-0", "apps.kubernetes.io/pod-index": "0"}, None)]
    if kind == "MPIJob" and api.startswith(_MPI_V2):
        as_worker = y.scalar(y.get(spec, "runLauncherAsWorker")) is True  # a YAML boolean, not the text
        out = []
        for rtype, node in y.entries(y.get(spec, "mpiReplicaSpecs")).items():
            role = rtype.lower()
            labels = {"training.kubeflow.org/operator-name": "mpi-operator", "training.kubeflow.org/job-name": name,
                      "training.kubeflow.org/job-role": role}
            under: dict[str, str] = {}
            if role == "worker":
                first = 1 if as_worker else 0
                replicas = _count(y.get(node[1], "replicas"))
                labels["training.kubeflow.org/replica-index"] = indexed_label(
                    "", rtype, first, first + replicas if replicas is not None else None)
            elif role == "launcher":
                if as_worker:
                    labels["training.kubeflow.org/replica-index"] = "0"
                under = {"job-name": f"{name}-launcher", "batch.kubernetes.io/job-name": f"{name}-launcher"}
            out.append(((*obj_path, "spec", "mpiReplicaSpecs", rtype, "template"), labels, under))
        return out
    if kind in _TRAINING_KINDS and api == _TRAINING_API:
        key, controller, masters = _TRAINING_KINDS[kind]
        # the operator's defaulting renames a replica type written in another case to its own
        # (`master:` -> `Master`: training-operator pkg/apis/kubeflow.org/v1 defaulting_utils.go)
        replicas_of = {_REPLICA_TYPES.get(t.lower(), t): (t, got) for t, got in y.entries(y.get(spec, key)).items()}
        has_master = any(t in replicas_of for t in masters)
        out = []
        for rtype, (written, (_k, node)) in replicas_of.items():
            replicas = _count(y.get(node, "replicas"))
            labels = {"training.kubeflow.org/operator-name": controller, "training.kubeflow.org/job-name": name,
                      "training.kubeflow.org/replica-type": rtype.lower()}
            if not (kind == "MPIJob" and rtype == "Launcher"):
                labels["training.kubeflow.org/replica-index"] = indexed_label("", rtype, 0, replicas)
            if rtype in masters:
                labels["training.kubeflow.org/job-role"] = "master"
            elif (kind == "JAXJob" or (not has_master and kind in ("PyTorchJob", "TFJob") and rtype == "Worker")) \
                    and replicas != 0:  # pod 0 is the master
                labels["training.kubeflow.org/job-role"] = indexed_label("master", rtype, 0, 1, with_index=False)
            out.append(((*obj_path, "spec", key, written, "template"), labels, {}))
        return out
    return []


def _controller_labels(obj: Any, obj_path: Path, workloads: list[Workload]) -> list[Workload]:
    """The containers of a StatefulSet, a Job, a JobSet, a TrainJob, a training job or MPIJob, a Volcano
    Job or a Kubeflow Notebook with the labels the API server and the controllers give their pods."""
    if not workloads:
        return workloads
    return _labelled(workloads, _controller_places(obj, obj_path))


def _labelled(workloads: list[Workload], places: list[_LabelPlace]) -> list[Workload]:
    """`workloads` with the labels of the first of `places` each one's pod is under (`_LabelPlace`)."""
    if not places:
        return workloads
    out = []
    for w in workloads:
        place = next(((over, under) for at, over, under in places if w.node_path[:len(at)] == at), None)
        if place is None:
            out.append(w)
            continue
        over, under = place
        labels = over if under is None else {**under, **dict(w.pod_labels), **over}
        # (a runtime template's container keeps what the objects that run it find it by: `RUNTIME_RUN`)
        kept = tuple(p for p in w.pod_labels if p[0] == RUNTIME_LABEL) if under is None and w.pod_labels else ()
        out.append(records.replace(w, pod_labels=tuple(labels.items()) + kept))
    return out


# Tekton (tektoncd/pipeline pkg/apis/pipeline/v1 `TaskSpec`): a Task's `steps` and `sidecars` are the
# containers of its TaskRun's pod (named `step-<name>`/`sidecar-<name>` there); `stepTemplate` is
# every step's defaults, the step's own values winning (`MergeStepsWithStepTemplate`); the pod's
# ServiceAccount and pod-level settings are the TaskRun's/PipelineRun's (`podTemplate`).
_TEKTON_API = "tekton.dev/"
# where a TaskRun/PipelineRun sets the pod-level values of the pods it runs (tektoncd/pipeline
# pkg/apis/pipeline/pod `Template`): TaskRun `spec.podTemplate`; PipelineRun v1
# `spec.taskRunTemplate.podTemplate`, v1beta1 `spec.podTemplate`
_TEKTON_POD_TEMPLATES = (("spec", "podTemplate"), ("spec", "taskRunTemplate", "podTemplate"))


def _tekton_context(obj: Any, path: Path, context: tuple[Any, Path]) -> tuple[Any, Path]:
    """The pod securityContext a TaskRun's/PipelineRun's pod template gives the steps it embeds."""
    for keys in _TEKTON_POD_TEMPLATES:
        sc = y.get(obj, *keys, "securityContext")
        if y.is_map(sc):
            return sc, (*path, *keys, "securityContext")
    return context


# Kubeflow Trainer (kubeflow/trainer pkg/apis/trainer/v1alpha1/trainjob_types.go, pkg/constants): a
# TrainJob's `trainer` (image, command, args, env) runs in the runtime's `node` container and its
# `initializer.dataset`/`.model` (storageUri, env) in the `dataset-initializer`/`model-initializer`
# containers: fragments of pods the runtime's template defines, with no `securityContext` or `volumes`
# of their own (nothing absent is judged, no fix writes there). Its overrides
# (`podTemplateOverrides[].spec`, v2.1; `runtimePatches[]...template.spec`, later) name the
# runtime's containers without an image (ContainerOverride / ContainerPatch: env, volumeMounts,
# securityContext).
_TRAINER_API = "trainer.kubeflow.org/"
_TRAINER_SINGLES = {("spec",): {"trainer": "node"},
                    ("spec", "initializer"): {"dataset": "dataset-initializer", "model": "model-initializer"}}


def _trainer_singles(node: Any, sub_path: Path, singles: tuple[str, ...]
                     ) -> tuple[tuple[str, ...], tuple[tuple[str, str], ...]]:
    """A TrainJob's one-container fragments at `sub_path` and the container names the runtime gives them."""
    known = _TRAINER_SINGLES.get(tuple(sub_path))
    if known is None:
        return singles, ()
    found = tuple(k for k in known if y.is_map(y.get(node, k)))
    return found, tuple((k, known[k]) for k in found)


# Argo Workflows (argo-workflows workflow/controller/workflowpod.go, v4.1): a template's pod takes
# the volumes its containers mount from the template's `volumes`, else the workflow's `spec.volumes`
# (`addVolumeReferences`); `spec.hostNetwork` is every pod's; the pod's securityContext is the
# template's, else the workflow's (`pod.Spec.SecurityContext`). `spec.templateDefaults` is merged
# under every template (operator.go `mergedTemplateDefaultsInto`: a strategic merge, the template's
# own values winning; its `container`/`script` only into templates of that type).
_ARGO_KINDS = {"Workflow", "WorkflowTemplate", "ClusterWorkflowTemplate", "CronWorkflow"}


@dataclass(frozen=True)
class _Patch:
    """An Argo `podSpecPatch` read as YAML (JSON is YAML): its root mapping, the path where the string
    is written followed by `INSIDE_TEXT` (no fix edits inside a string), and where each of its nodes
    is in the file."""

    doc: Any
    path: Path
    at: Callable[[Any], Loc]
    templated: bool  # it holds `{{...}}` expressions Argo substitutes first: their values are unknown


def _argo_patches(template: Any, template_path: Path, workflow: tuple[Any, Path] | None,
                  lines: list[str]) -> list[_Patch]:
    """The `podSpecPatch`es Argo applies to a template's pod last, in order: the workflow's, then the
    template's (workflow/controller/workflowpod.go `processPodSpecPatch`, then `ApplyPodSpecPatch`: a
    strategic merge of each onto the pod spec, containers merged by name). A patch Argo could not read
    either is left out."""
    if workflow is None:
        return []
    out = []
    for node, at in ((y.get(workflow[0], "podSpecPatch"), workflow[1]), (y.get(template, "podSpecPatch"), template_path)):
        read = _embedded(node, lambda: lines, substitute=_argo_substitute)
        if read is not None:
            templated = "{{" in (y.text(node) or "")
            out.append(_Patch(read[0], (*at, "podSpecPatch", INSIDE_TEXT), read[1], templated))
    return out


def _argo_substitute(text: str) -> str:
    """`text` with each `{{inputs.parameters.x}}` Argo substitutes first read as a word of the same length."""
    return re.sub(_ARGO_EXPRESSION, lambda m: "x" * len(m.group(0)), text) if "{{" in text else text


_ARGO_EXPRESSION = r"\{\{[^{}\n]*\}\}"  # compiled on first use (re's cache), not at import


def _embedded(node: Any, lines: Callable[[], list[str]], needles: tuple[str, ...] = (),
              substitute: Callable[[str], str] | None = None) -> tuple[Any, Callable[[Any], Loc]] | None:
    """The root mapping of the YAML (or JSON) a scalar holds (a Ray runtime env, a Serve config, an Argo
    `podSpecPatch`) and where each of its nodes is in the file; None when `node` is no scalar, is empty,
    holds none of `needles` (when given), or is not YAML with a mapping at its root: the service cannot
    read it either. `substitute` rewrites the text first (same length: locations stay exact)."""
    text = y.text(node) if node is not None and y.is_scalar(node) else None
    if not text or (needles and not any(n in text for n in needles)):
        return None
    try:
        docs = y.compose_all(substitute(text) if substitute is not None else text)
    except Exception:  # noqa: BLE001 - a string the service cannot read either
        return None
    if not docs or not y.is_map(docs[0]):
        return None
    return docs[0], _locator(node, lines())


def _locator(node: Any, lines: list[str]) -> Callable[[Any], Loc]:
    """Where a node of the YAML read from scalar `node`'s text is in the file: exact in a literal block
    (`|`) or on a single-quoted or plain scalar's first line; elsewhere (a folded block, escapes) the
    scalar's own place."""
    style = getattr(node, "style", "") or ""
    start, indent = y.content(node, lines)
    whole = y.loc(node)

    def at(n: Any) -> Loc:
        got = y.loc(n)
        row, col = got.line - 1, got.col - 1
        if style == "|":
            return Loc(start.line + row, (start.col + col) if row == 0 else indent + col + 1)
        if row == 0 and style in ("", "'"):
            return Loc(start.line, start.col + col)
        return whole

    return at



def _argo_workflow(obj: Any, path: Path, sub_path: Path) -> tuple[Any, Path] | None:
    """The WorkflowSpec (node, path) that holds the template at `sub_path`, for an Argo workflow kind."""
    if not (y.text(y.get(obj, "apiVersion")) or "").startswith("argoproj.io/") or (
            y.text(y.get(obj, "kind")) or "") not in _ARGO_KINDS or "templates" not in sub_path:
        return None
    at = max(i for i, p in enumerate(sub_path) if p == "templates")
    if at + 1 >= len(sub_path) or not isinstance(sub_path[at + 1], int):
        return None
    node = _at(obj, sub_path[:at])
    return (node, (*path, *sub_path[:at])) if y.is_map(node) else None


def _argo_context(context: tuple[Any, Path], node: Any, node_path: Path,
                  workflow: tuple[Any, Path]) -> tuple[Any, Path]:
    """A template's pod securityContext: its own, else `templateDefaults.securityContext`, else the
    workflow's (what `_context` found)."""
    if y.is_map(y.get(node, "securityContext")):
        return context
    sc = y.get(workflow[0], "templateDefaults", "securityContext")
    if y.is_map(sc):
        return sc, (*workflow[1], "templateDefaults", "securityContext")
    return context


# Mappings that hold one container (`container:`, `script:`, a KServe model) and are a pod spec of
# their own, with `volumes`: (API group prefix, the key or list that holds the mapping). An Argo
# template, an item of `templates` (argo-workflows pkg/apis/workflow/v1alpha1 `Template.Volumes`); a
# KServe v1beta1 component (`PredictorSpec`, `TransformerSpec`, `ExplainerSpec` embed `v1.PodSpec`:
# kserve pkg/apis/serving/v1beta1/predictor.go, transformer.go, explainer.go). Elsewhere (a
# ClusterStorageContainer's `spec.container`, KServe v1alpha2's `custom.container`) the container is
# a template for pods built elsewhere: no place for a volume.
_SINGLE_POD_HOLDERS = (("argoproj.io/", "templates"), ("serving.kserve.io/v1beta1", "predictor"),
                       ("serving.kserve.io/v1beta1", "transformer"), ("serving.kserve.io/v1beta1", "explainer"))


def _kserve_component(obj: Any, spec_path: Path) -> bool:
    """Whether `spec_path` is a KServe v1beta1 predictor/transformer/explainer: a pod spec of its own
    (`serviceAccountName`, `automountServiceAccountToken`, ...) whatever container form it holds."""
    holder = next((p for p in reversed(spec_path) if isinstance(p, str)), None)
    api = y.text(y.get(obj, "apiVersion")) or ""
    return any(api.startswith(group) and holder == key for group, key in _SINGLE_POD_HOLDERS[1:])


def _at(node: Any, rel: Path) -> Any:
    """The node at `rel` (keys and list indexes) below `node`, or None."""
    for p in rel:
        node = (y.items(node)[p] if isinstance(p, int) and p < len(y.items(node)) else
                y.get(node, p) if isinstance(p, str) else None)
    return node


def _volumes_place(obj: Any, path: Path, sub_path: Path, node: Any,
                   singles: tuple[str, ...]) -> tuple[Any, Path] | None:
    """The mapping (node, path) that holds the `volumes` of the pod the found containers run in."""
    if sub_path and sub_path[-1] == "containerSet":
        # Argo's containerSet has `containers` and `volumeMounts`; `volumes` are its template's
        parent = _at(obj, sub_path[:-1])
        return (parent, (*path, *sub_path[:-1])) if y.is_map(parent) else None
    if not singles or y.is_seq(y.get(node, "containers")):
        return node, (*path, *sub_path)  # a pod spec (core, Knative, KServe, Kubeflow, Ray, JobSet, ...)
    api = y.text(y.get(obj, "apiVersion")) or ""
    holder = next((p for p in reversed(sub_path) if isinstance(p, str)), None)
    if any(api.startswith(group) and holder == key for group, key in _SINGLE_POD_HOLDERS):
        return node, (*path, *sub_path)
    return None


def _single_containers(node: Any) -> tuple[str, ...]:
    """Keys of one-container fields: Argo's `container:`/`script:` (a mapping with an `image`) and a
    KServe model (`model:`, `sklearn:`, ...: a mapping with a `storageUri`/`modelFormat`, whose image
    the serving runtime supplies)."""
    for k, v in node.value:  # (a loop, not `any` over a generator: every mapping of every object is asked)
        if v.id == "mapping" or (k.id == "scalar" and k.value == "<<" and not k.style):
            break
    else:
        return ()  # no mapping among its values, none merged in: no container
    out = []
    for key, (_k, value) in y.entries(node).items():
        if not y.is_map(value):
            continue
        if key in ("container", "script") and y.get(value, "image") is not None:
            out.append(key)
        elif key not in ("spec", "template") and (y.get(value, "storageUri") is not None
                                                  or y.get(value, "modelFormat") is not None):
            out.append(key)
    return tuple(out)


def _context(obj: Any, obj_path: Path, sub_path: Path) -> tuple[Any, Path]:
    """The pod-level security context of a custom resource's pod spec: its own `securityContext`,
    else the nearest enclosing one (an Argo template's, then the Workflow's `spec.securityContext`)."""
    nodes = [obj]
    for p in sub_path:
        cur = nodes[-1]
        nodes.append(y.items(cur)[p] if isinstance(p, int) and p < len(y.items(cur)) else
                     y.get(cur, p) if isinstance(p, str) else None)
    for depth in range(len(sub_path), 0, -1):
        sc = y.get(nodes[depth], "securityContext")
        if y.is_map(sc):
            return sc, (*obj_path, *sub_path[:depth], "securityContext")
    return None, (*obj_path, *sub_path, "securityContext")


_STRUCTURAL = {"spec", "template", "jobTemplate", "containerSet", "taskSpec"}  # taskSpec: Tekton


def _owner(obj: Any, spec_path: Path, obj_path: Path) -> str:
    """`Kind/name`, and for a custom resource the role of the replica that holds the pod spec:
    `PyTorchJob/train Worker`, `RayCluster/r gpu-group`, `JobSet/j workers`, `Workflow/w train`."""
    kind = y.text(y.get(obj, "kind")) or "object"
    name = y.text(y.get(obj, "metadata", "name")) or y.text(y.get(obj, "metadata", "generateName")) or "?"
    if _known_path(obj) is not None:
        return f"{kind}/{name}"
    roles: list[str] = []
    node = obj
    for p in spec_path[len(obj_path):]:
        if isinstance(p, int):
            node = y.items(node)[p] if p < len(y.items(node)) else None
            label = y.text(y.get(node, "name")) or y.text(y.get(node, "groupName"))
            if label:
                roles.append(label)
            continue
        node = y.get(node, p)
        if p in _STRUCTURAL or p.endswith("Specs") or y.is_seq(node) or p in POD_SPEC_PATHS:
            continue
        roles.append(re.sub(r"(?<=[a-z])(?:GroupSpec|Spec|Template)$", "", p))  # headGroupSpec -> head
    return f"{kind}/{name}" + (f" {roles[-1]}" if roles else "")


def _workloads(path: str, obj: Any, obj_path: Path, lines: Callable[[], list[str]], pods: list[PodIdentity] | None
               ) -> list[Workload]:
    """The containers of `obj`'s pod specs; each pod's identity appended to `pods` (None: not made)."""
    out: list[Workload] = []
    namespace = y.text(y.get(obj, "metadata", "namespace"))
    for spec in _pod_specs(obj, obj_path):
        owner = _owner(obj, spec.path, obj_path)
        pod = _Pod(spec, lines(), namespace)
        if (claims := _claim_templates(obj, obj_path, spec.path)):
            # the StatefulSet controller gives each pod a volume for each claim template, in place of a pod
            # volume of that name (kubernetes pkg/controller/statefulset/stateful_set_utils.go `updateStorage`)
            named = {v.name for v in claims}
            pod.facts = records.replace(pod.facts, volumes=tuple(
                v for v in pod.facts.volumes if v.name not in named) + claims)
        mine: list[Workload] = []
        for key in spec.singles:
            if key == SELF:  # the pod spec's mapping is its one container too (a Spark driver)
                mine.append(pod.container(path, spec.node, spec.path, owner, key))
            else:
                mine.append(pod.container(path, y.get(spec.node, key), (*spec.path, key), owner, key))
        for key, _name, node, cpath in spec.outside:
            mine.append(pod.container(path, node, cpath, owner, key))
        lists = CONTAINER_LISTS + (("steps",) if (y.text(y.get(obj, "apiVersion")) or "").startswith(
            _TEKTON_API) else ())
        for list_key in lists:
            for i, container in enumerate(y.items(y.get(spec.node, list_key))):
                if y.is_map(container):
                    # beside a Spark driver/executor container (`SELF`), whose mapping holds the pod-level
                    # values too, a sidecar or init container leaves them to it: reported once
                    mine.append(pod.container(path, container, (*spec.path, list_key, i), owner, list_key,
                                              pod_rows=SELF not in spec.singles))
        if spec.role is not None:  # the webhook adds a Spark role's initContainers and sidecars as written
            for list_key in ("initContainers", "sidecars"):
                for i, container in enumerate(y.items(y.get(spec.role[0], list_key))):
                    if y.is_map(container):
                        mine.append(pod.container(path, container, (*spec.role[1], list_key, i), owner, list_key))
        if mine and any(y.scalar(y.get(node, key)) is True for key in _HOST_NAMESPACES
                        for node in (spec.node, spec.role[0] if spec.role is not None else None)):
            mine = _pod_purpose(mine)
        if mine and not spec.singles and y.is_seq(y.get(spec.node, "containers")):
            mine = _pod_memory_limit(spec.node, mine)
        if len(mine) > 1:
            mine = _neighbours(spec.node, mine)
        out.extend(mine)
        if pods is None:
            pass
        elif mine and (not spec.singles or _kserve_component(obj, spec.path)) and not _identity_elsewhere(obj) and (
                spec.role is None):  # a Spark pod's ServiceAccount is Spark's configuration
            # an Argo template's container runs in a pod the controller builds with the workflow's
            # ServiceAccount; a KServe model runs in its component's pod, whose spec the component is
            pods.append(_pod(obj, obj_path, spec, owner, mine))
        elif mine and _is_nim(obj):
            pods.append(_nim_pod(obj, obj_path, spec, owner, mine))
    if out and _is_nim(obj):  # (its `resources` are the NIM container's as written: `_NIM_WHOLE`)
        at = _nim_limits_at(obj)
        out = [_nim_whole(w, at) if w.node_path == (*obj_path, "spec") else w for w in out]
    supplied = _trigger_images(obj)
    if supplied:
        out = [records.replace(w, partial=False) if w.partial and w.name in supplied else w for w in out]
    out = _resources_elsewhere(obj, obj_path, out)
    if _llm_preset(obj):
        # a KServe LLMInferenceService's `main` container (of `template`, `worker`, `prefill.template`,
        # `prefill.worker`) with no command or args of its own runs the preset's: the catalog's
        # `presets` say what that is (kserve config/llmisvcconfig/config-llm-template.yaml)
        out = [records.replace(w, serving_format="llminferenceservice")
               if w.name == "main" and w.container_list == "containers" and not w.entrypoint.explicit
               and not w.command.explicit and _llm_role(w.node_path, obj_path) else w for w in out]
    return out


# Containers of a runtime template whose resources the object that runs it writes over: the one a KServe
# InferenceService's model (`predictor.model`, `resources` among its container fields) or its
# `transformer-container` is merged into by strategic merge (kserve pkg/controller/v1beta1/inferenceservice
# utils.go `MergeServingRuntimeAndInferenceServiceSpecs`, `MergeRuntimeContainers`, components/predictor.go, at
# aaac4e29; constants `InferenceServiceContainerName`, `TransformerContainerName`); and a Kubeflow Trainer
# runtime's `node` container of the trainer's replicated job (label `trainer.kubeflow.org/trainjob-ancestor-step:
# trainer`, with an `mlPolicy`), or of the job `node` when MPI runs the launcher as a node, whose resources a
# TrainJob's `trainer.resourcesPerNode` is merged over (kubeflow/trainer pkg/runtime/core/trainingruntime.go, at
# 8c0f5059). Such a container without a memory limit of its own gets the one its user writes: not missing here.
_KSERVE_MERGED = ("kserve-container", "transformer-container")
_ANCESTOR = "trainer.kubeflow.org/trainjob-ancestor-step"


_BY_ISVC = "the InferenceService's model `resources`"
_BY_TRAINJOB = "the TrainJob's `trainer.resourcesPerNode`"
# KServe's InferenceService defaulter (kserve pkg/apis/serving/v1beta1 inference_service_defaults.go
# `setResourceRequirementDefaults`, predictor_custom.go, transformer_custom.go, explainer_custom.go
# `Default`, at aaac4e29; the webhook serves v1beta1) gives the first container of a custom component (a
# predictor, transformer or explainer that writes `containers` and no model or framework) the limits of
# the `inferenceservice-config` ConfigMap's `resource` that it does not write: `memoryLimit: 2Gi` as KServe
# ships it (config/configmap/inferenceservice.yaml; earlier releases hard-coded 2Gi). A `model:` (the
# framework keys are turned into one first) gets none (`ModelSpec.Default` is empty): its runtime's
# container and its own `resources` decide. A ModelMesh predictor is not defaulted.
_BY_KSERVE_DEFAULT = ("KServe's InferenceService defaulter (`inferenceservice-config` `resource.memoryLimit`, "
                      "2Gi as shipped)")
_KSERVE_IMPLEMENTATIONS = {"predictor": ("model", "sklearn", "xgboost", "tensorflow", "pytorch", "triton", "onnx",
                                         "huggingface", "pmml", "lightgbm", "paddle"),
                           "transformer": (), "explainer": ("art",)}
# KServe's predecessor KFServing (`serving.kubeflow.org/v1beta1`, kubeflow/kfserving v0.6.0 b684b2ec, the last
# release: pkg/apis/serving/v1beta1 inference_service_defaults.go `defaultResource`, predictor_custom.go,
# transformer_custom.go, explainer_custom.go `Default`) gives a custom component's first container the
# `defaultResource` limits it does not write: cpu 1, memory 2Gi, hard-coded. Its components' implementations
# (predictor.go, explainer.go `PredictorSpec`/`ExplainerSpec`): no `model`, no ModelMesh.
_KFSERVING_API = "serving.kubeflow.org/"
_BY_KFSERVING_DEFAULT = "KFServing's InferenceService defaulter (2Gi, hard-coded)"
_KFSERVING_IMPLEMENTATIONS = {"predictor": ("sklearn", "xgboost", "tensorflow", "pytorch", "triton", "onnx", "pmml",
                                            "lightgbm", "paddle"),
                              "transformer": (), "explainer": ("alibi", "aix", "art")}


def _api_kind(obj: Any) -> tuple[str, str]:
    """An object's `apiVersion` and `kind` ("" when absent)."""
    return y.text(y.get(obj, "apiVersion")) or "", y.text(y.get(obj, "kind")) or ""


def _modelmesh(isvc: Any) -> bool:
    """Whether ModelMesh serves a KServe InferenceService (`serving.kserve.io/deploymentMode: ModelMesh`)."""
    return y.text(y.get(isvc, "metadata", "annotations", "serving.kserve.io/deploymentMode")) == "ModelMesh"


def _kserve_custom_first(api: str, obj: Any, obj_path: Path) -> tuple[str, set[tuple[Any, ...]]]:
    """Which defaulter gives a memory limit to the containers of an InferenceService (of `api`), and the
    paths of those containers: each custom component's first (KServe's, or KFServing's for its
    `serving.kubeflow.org`)."""
    if api.startswith(_KSERVE_API + "v1beta1"):
        by, table, modelmesh = _BY_KSERVE_DEFAULT, _KSERVE_IMPLEMENTATIONS, _modelmesh(obj)
    elif api == _KFSERVING_API + "v1beta1":
        by, table, modelmesh = _BY_KFSERVING_DEFAULT, _KFSERVING_IMPLEMENTATIONS, False
    else:
        return "", set()
    places = set()
    for component, implementations in table.items():
        node = y.get(obj, "spec", component)
        if not y.items(y.get(node, "containers")) or any(y.get(node, k) is not None for k in implementations) or \
                modelmesh and component == "predictor":
            continue
        places.add((*obj_path, "spec", component, "containers", 0))
    return by, places


def _resources_elsewhere(obj: Any, obj_path: Path, workloads: list[Workload]) -> list[Workload]:
    """`workloads` with the memory limit of a runtime template's container that the object running it
    supplies (`origin`) when it writes none, and the one KServe's or KFServing's defaulter gives
    (`_kserve_custom_first`)."""
    api, kind = _api_kind(obj)
    if kind == "InferenceService":
        by, places = _kserve_custom_first(api, obj, obj_path)
    elif kind in ("ServingRuntime", "ClusterServingRuntime") and api.startswith(_KSERVE_API):
        by = _BY_ISVC
        places = {(*obj_path, "spec", "containers", i) for i, c in enumerate(y.items(y.get(obj, "spec", "containers")))
                  if y.text(y.get(c, "name")) in _KSERVE_MERGED}
    elif kind in ("TrainingRuntime", "ClusterTrainingRuntime") and api.startswith(_TRAINER_API):
        by = _BY_TRAINJOB
        policy = y.get(obj, "spec", "mlPolicy")
        launcher_as_node = y.scalar(y.get(policy, "mpi", "runLauncherAsNode")) is True
        places = set()
        jobs = ("spec", "template", "spec", "replicatedJobs")
        for i, job in enumerate(y.items(y.get(obj, *jobs))):
            trainer = policy is not None and y.text(y.get(job, "template", "metadata", "labels", _ANCESTOR)) == "trainer"
            if trainer or (launcher_as_node and y.text(y.get(job, "name")) == "node"):
                pod = ("template", "spec", "template", "spec", "containers")
                places |= {(*obj_path, *jobs, i, *pod, k) for k, c in enumerate(y.items(y.get(job, *pod)))
                           if y.text(y.get(c, "name")) == "node"}
    else:
        return workloads
    if by == _BY_KSERVE_DEFAULT or by == _BY_KFSERVING_DEFAULT or not places:
        label: tuple[tuple[str, str], ...] = ()
    else:  # (what the objects that run it in the scan's other files find it by: `RUNTIME_RUN`; one with a
        # limit of its own too: a ServingRuntime of the namespace wins over a cluster one, `link.exposures`)
        label = (runtime_label(kind, y.text(y.get(obj, "metadata", "name")) or ""),)
    out = []
    for w in workloads:
        if tuple(w.node_path) in places and not w.memory_limit.explicit:
            w = records.replace(w, memory_limit=records.replace(w.memory_limit, origin=by), pod_labels=w.pod_labels + label)
        elif tuple(w.node_path) in places and label:
            w = records.replace(w, pod_labels=w.pod_labels + label)
        out.append(w)
    return out


# The object that runs a runtime names it: a TrainJob's `spec.runtimeRef` (`kind` defaults to
# ClusterTrainingRuntime and `apiGroup` to trainer.kubeflow.org; a TrainingRuntime is one of the TrainJob's
# namespace: kubeflow/trainer pkg/apis/trainer/v1alpha1/trainjob_types.go `RuntimeRef`, at 8c0f5059); an
# InferenceService's `predictor.model.runtime` (the ServingRuntime of its namespace, else the
# ClusterServingRuntime of that name: kserve pkg/controller/v1beta1/inferenceservice/utils/utils.go
# `GetServingRuntime`, at aaac4e29). A model that names none runs the first runtime that supports it, the
# ServingRuntimes of its namespace before any ClusterServingRuntime (predictor_model.go
# `GetSupportingRuntimes`): one not `disabled`, multi-model only for ModelMesh, with a `workerSpec` only for a
# model with one, listing the model's `protocolVersion` (v1, v2 for `triton`/`vllm`: inference_service_defaults.go
# `setPredictorModelDefaults`) or none, and a `supportedModelFormats` entry of its format's name (and version)
# with `autoSelect: true` (`RuntimeSupportsModel`). Both merge their own limits over the runtime container's one
# resource at a time (trainer pkg/util/trainingruntime `MergeResourceRequirements`; KServe's strategic merge,
# `MergeRuntimeContainers`): one that writes no memory limit leaves the runtime's, and with none written
# there either the container runs with no limit. Such a runtime of the same file is reported at its container
# (one a model selects by its format: when it is the only ServingRuntime of the file that supports it).
_TRAINER_RUNTIMES = ("TrainingRuntime", "ClusterTrainingRuntime")
_SERVING_RUNTIMES = ("ServingRuntime", "ClusterServingRuntime")


def _runtime_key(obj: Any) -> tuple[str, str, str | None] | None:
    """(kind, name, namespace) of a Kubeflow Trainer or KServe runtime template."""
    api, kind = _api_kind(obj)
    if kind in _TRAINER_RUNTIMES and api.startswith(_TRAINER_API) or \
            kind in _SERVING_RUNTIMES and api.startswith(_KSERVE_API):
        return kind, y.text(y.get(obj, "metadata", "name")) or "", _namespace(obj)
    return None


def _runtime_run(obj: Any) -> tuple[tuple[str, ...], str, str | None, Any, Loc] | None:
    """The runtime (the kinds it may be, its name: "" for the one a model's format selects, the object's
    namespace, the InferenceService, where the object names it) that a TrainJob or InferenceService runs
    without writing a memory limit over the runtime container's."""
    api, kind = _api_kind(obj)
    if kind == "TrainJob" and api.startswith(_TRAINER_API):
        ref = y.get(obj, "spec", "runtimeRef")
        if (y.text(y.get(ref, "apiGroup")) or "trainer.kubeflow.org") != "trainer.kubeflow.org":
            return None
        runtime, limit = (y.text(y.get(ref, "kind")) or "ClusterTrainingRuntime",), \
            y.get(obj, "spec", "trainer", "resourcesPerNode", "limits", "memory")
        named = y.get(ref, "name")
        name = y.text(named)
    elif kind == "InferenceService" and api.startswith(_KSERVE_API + "v1beta1"):
        model = y.get(obj, "spec", "predictor", "model")
        if not y.is_map(model):
            return None
        named = y.get(model, "runtime")
        runtime, limit, name = _SERVING_RUNTIMES, y.get(model, "resources", "limits", "memory"), y.text(named) or ""
    else:
        return None
    if name is None or limit is not None and y.text(limit):
        return None
    return runtime, name, _namespace(obj), obj, y.loc(named if named is not None else model)


def _auto_selects(runtime: Any, isvc: Any) -> bool:
    """Whether a ServingRuntime supports the model of an InferenceService that names no runtime."""
    model = y.get(isvc, "spec", "predictor", "model")
    fmt, version = y.text(y.get(model, "modelFormat", "name")) or "", y.text(y.get(model, "modelFormat", "version"))
    protocol = y.text(y.get(model, "protocolVersion")) or ("v2" if fmt in ("triton", "vllm") else "v1")
    modelmesh = _modelmesh(isvc)
    spec = y.get(runtime, "spec")
    protocols = [y.text(p) for p in y.items(y.get(spec, "protocolVersions"))]
    return bool(fmt) and y.scalar(y.get(spec, "disabled")) is not True \
        and (y.scalar(y.get(spec, "multiModel")) is True) == modelmesh \
        and (y.get(spec, "workerSpec") is not None) == (y.get(isvc, "spec", "predictor", "workerSpec") is not None) \
        and (not protocols or protocol in protocols) \
        and any(y.scalar(y.get(f, "autoSelect")) is True and y.text(y.get(f, "name")) == fmt
                and (version is None or y.text(y.get(f, "version")) == version)
                for f in y.items(y.get(spec, "supportedModelFormats")))


def _runtimes_unlimited(workloads: list[Workload], runtimes: list[tuple[str, str, str | None, Path, Any]],
                        unlimited: list[tuple[tuple[str, ...], str, str | None, Any, Loc]]) -> list[Workload]:
    """`workloads` without the memory limit a runtime's container was told the objects that run it give
    (`_resources_elsewhere`), for each runtime of the file one of them runs without one."""
    bare: set[tuple[Any, ...]] = set()
    for kinds, name, namespace, user, _at in unlimited:
        if not name:  # a model's format selects it: the one ServingRuntime of its namespace here that supports it
            found = [tuple(path) for kind, _n, runtime_ns, path, runtime in runtimes
                     if kind == "ServingRuntime" and runtime_ns == namespace and _auto_selects(runtime, user)]
            bare.update(found if len(found) == 1 else ())
            continue
        named = [(kind, tuple(path)) for kind, runtime, runtime_ns, path, _obj in runtimes if kind in kinds
                 and runtime == name and (kind.startswith("Cluster") or runtime_ns == namespace)]
        # a namespaced runtime is its namespace's, and a ServingRuntime of the namespace wins over a cluster one
        own = [path for kind, path in named if not kind.startswith("Cluster")]
        bare.update(own[:1] if own else [path for _kind, path in named])
    return [records.replace(w, memory_limit=records.replace(w.memory_limit, origin=None))
            if w.memory_limit.origin in (_BY_ISVC, _BY_TRAINJOB) and any(tuple(w.node_path[:len(p)]) == p for p in bare)
            else w for w in workloads]


def _llm_preset(obj: Any) -> bool:
    return (y.text(y.get(obj, "apiVersion")) or "").startswith(_KSERVE_API) and \
        y.text(y.get(obj, "kind")) == "LLMInferenceService"


def _llm_role(cpath: Path, obj_path: Path) -> bool:
    """Whether a container at `cpath` is in one of an LLMInferenceService's pod templates."""
    rel = tuple(cpath[len(obj_path):-2])  # (spec, ..., containers, i) without the last two
    return rel in (("spec", "template"), ("spec", "worker"), ("spec", "prefill", "template"),
                   ("spec", "prefill", "worker"))


# Templates of containers that the controller puts into pods another object defines: a KServe
# (Cluster)ServingRuntime's containers run in the pods of the InferenceServices that select it, with
# their predictor's ServiceAccount; its spec (kserve pkg/apis/serving/v1alpha1 `ServingRuntimePodSpec`)
# has no `serviceAccountName` or `automountServiceAccountToken` for a fix to write
_IDENTITY_ELSEWHERE = {("serving.kserve.io/", "ServingRuntime"), ("serving.kserve.io/", "ClusterServingRuntime"),
                       # a Tekton Task/Pipeline runs as its TaskRun's/PipelineRun's ServiceAccount
                       ("tekton.dev/", "Task"), ("tekton.dev/", "ClusterTask"), ("tekton.dev/", "Pipeline"),
                       ("tekton.dev/", "TaskRun"), ("tekton.dev/", "PipelineRun")}


def _identity_elsewhere(obj: Any) -> bool:
    """Whether the object's pod spec is a template whose pods run with another object's ServiceAccount."""
    api, kind = _api_kind(obj)
    return any(api.startswith(group) and kind == k for group, k in _IDENTITY_ELSEWHERE)


_HOST_NAMESPACES = tuple(KUBERNETES[k].keys[0] for k in ("host_network", "host_pid", "host_ipc"))


def _pod_purpose(containers: list[Workload]) -> list[Workload]:
    """The pod's containers with the purpose one of them shows (`Workload.pod_purpose`): the host
    namespace the pod shares is then the purpose of the pod, whichever container is asked."""
    found = next((p for w in containers if (p := purpose_of(w)) is not None), None)
    if found is None:
        return containers
    return [records.replace(w, pod_purpose=found.id) for w in containers]


def _trigger_images(obj: Any) -> set[str]:
    """The containers of an OpenShift DeploymentConfig whose image an `ImageChange` trigger supplies
    (`imageChangeParams.containerNames`): complete without `image`, not a fragment."""
    if y.text(y.get(obj, "kind")) != "DeploymentConfig":
        return set()
    names: set[str] = set()
    for trigger in y.items(y.get(obj, "spec", "triggers")):
        if (y.text(y.get(trigger, "type")) or "").lower() != "imagechange":
            continue
        names |= {y.text(n) or "" for n in y.items(y.get(trigger, "imageChangeParams", "containerNames"))}
    return names


# what a container of each list is called in messages (other lists: "container")
_ROLES = {"initContainers": "init container", "ephemeralContainers": "ephemeral container", "sidecars": "sidecar",
          "steps": "step"}


class _Pod:
    def __init__(self, found: _Spec, lines: list[str], namespace: str | None = None) -> None:
        spec = found.node
        path = found.path
        self.spec = spec
        self.lines = lines
        self.path = path
        self.namespace = namespace
        self.sc, self.sc_path = found.context
        meta = found.meta
        self.annotations = y.entries(y.get(meta, "annotations")) if meta is not None else {}
        self.labels = _label_map(y.get(meta, "labels")) if meta is not None else ()
        # where the pod's `volumes` are (an Argo containerSet's: its template's)
        self.volumes_node, self.volumes_path = found.volumes or (spec, path)
        self.volumes: dict[str, tuple[Any, Path]] = {}
        for i, vol in enumerate(y.items(y.get(self.volumes_node, *_VOLUMES))):
            name = y.text(y.get(vol, "name"))
            if name:
                self.volumes[name] = (vol, (*self.volumes_path, *_VOLUMES, i))
        self.volumes_at = found.volumes[1] if found.volumes is not None else None
        self.workflow = found.workflow
        # the workflow's volumes, which a template's containers mount by name when the template has none
        self.shared: dict[str, tuple[Any, Path]] = {}
        if found.workflow is not None or found.shared is not None:
            wf, wf_path = found.workflow or found.shared  # type: ignore[misc]
            for i, vol in enumerate(y.items(y.get(wf, *_VOLUMES))):
                name = y.text(y.get(vol, "name"))
                if name and name not in self.volumes:
                    self.shared[name] = (vol, (*wf_path, *_VOLUMES, i))
        self.defaults = {**self._argo_defaults(found), **dict(found.defaults)}
        self.patches = _argo_patches(spec, path, found.workflow, lines)
        self.names = dict(found.names) | {key: name for key, name, _n, _p in found.outside}
        self.knative = found.knative
        self.image = found.image
        self.role = found.role
        self.run_as = found.run_as
        self.facts = self._facts()
        self._pod_settings: list[tuple[str, Setting[Any]]] | None = None  # (`pod_settings`)
        self.sysctls = tuple(
            Item(y.text(y.get(n, "name")) or "", y.loc(n), (*self.sc_path, "sysctls", i))
            for i, n in enumerate(y.items(y.get(self.sc, "sysctls"))) if y.is_map(n))

    def _facts(self) -> Pod:
        """The pod-level values the Pod Security Standards read, as written."""
        spec, path, vpath = self.spec, self.path, self.volumes_path
        volumes = [_volume(vol, (*vpath, "volumes", i))
                   for i, vol in enumerate(y.items(y.get(self.volumes_node, *_VOLUMES))) if y.is_map(vol)]
        if self.shared:
            # the workflow's volumes the template's containers mount are in its pod too
            mounted = {y.text(y.get(m, "name")) for c in self._argo_containers() for m in y.items(y.get(c, "volumeMounts"))}
            volumes += [_volume(vol, vol_path) for name, (vol, vol_path) in self.shared.items()
                        if name in mounted and y.is_map(vol)]
        annotations = tuple((k, Setting(y.text(v) or "", y.loc(v))) for k, (_key, v) in self.annotations.items()
                            if y.is_scalar(v))
        names = tuple(y.text(y.get(c, "name")) or "" for key in CONTAINER_LISTS
                      for c in y.items(y.get(spec, key)) if y.is_map(c))
        first = next(iter(y.entries(spec).values()), None)
        context = _context_of(self.sc, self.sc_path)
        os_name = _scalar_setting(y.get(spec, "os", "name"), (*path, "os", "name"))
        host_users = _scalar_setting(y.get(spec, *_HOST_USERS), (*path, *_HOST_USERS))
        for patch in self.patches:  # Argo merges each into the pod last, in order: the last one wins
            context = _over(context, _context_of(y.get(patch.doc, "securityContext"), patch.path, at=patch.at))
            os_name = _scalar_setting(y.get(patch.doc, "os", "name"), patch.path, patch.at) or os_name
            host_users = _scalar_setting(y.get(patch.doc, *_HOST_USERS), patch.path, patch.at) or host_users
            patched = [_volume(vol, patch.path, patch.at) for vol in y.items(y.get(patch.doc, *_VOLUMES))
                       if y.is_map(vol)]
            if patched:  # merged by name: a patch's volume replaces the one of that name, or is added
                names_patched = {v.name for v in patched}
                volumes = [v for v in volumes if v.name not in names_patched] + patched
        return Pod(context=context, loc=y.loc(first[0]) if first else y.loc(spec), os=os_name,
                   host_users=host_users, volumes=tuple(volumes), annotations=annotations, containers=names,
                   volumes_path=self.volumes_at, context_path=self.sc_path)

    def pod_settings(self) -> list[tuple[str, Setting[Any]]]:
        """The pod-level rows' settings (`read`: what the pod spec, its workflow, Spark role or patches
        write; nothing of a container), worked out at its first container: each container of the pod
        has the same (frozen) ones."""
        got = self._pod_settings
        if got is None:
            got = self._pod_settings = [(name, value) for name, row in _POD_SETTINGS
                                        if (value := self.read(None, (), row)) is not None]
        return got

    def _patched(self, name: str, list_key: str) -> tuple[tuple[Any, _Patch], ...]:
        """This container's entries in the pod's `podSpecPatch`es (merged by name into `initContainers`
        or, for every other container of an Argo pod, `containers`), the last applied first."""
        key = "initContainers" if list_key == "initContainers" else "containers"
        return tuple((c, patch) for patch in reversed(self.patches) for c in y.items(y.get(patch.doc, key))
                     if y.is_map(c) and y.text(y.get(c, "name")) == name)

    def _unknown(self, name: str, list_key: str) -> bool:
        """Whether a patch with `{{...}}` expressions (substituted at run time) may set this container's
        security or resource settings: the container is then a fragment (absent settings not judged)."""
        return any(patch.templated and (y.is_map(y.get(patch.doc, "securityContext"))
                                        or any(y.get(c, "securityContext") is not None or y.get(c, "resources") is not None
                                               for c, p in self._patched(name, list_key) if p is patch))
                   for patch in self.patches)

    def _own(self, c: Any, cpath: Path, defaults: tuple[Any, Path] | None,
             patched: tuple[tuple[Any, _Patch], ...]) -> SecurityContext:
        """The container's own securityContext, with what its `podSpecPatch` entries write over it."""
        own = _own_context(c, cpath, defaults)
        for entry, patch in reversed(patched):  # the first applied first: the last one wins
            sc = y.get(entry, *_CONTEXT)
            if y.is_map(sc):
                own = _over(own, _context_of(sc, patch.path, container=True, at=patch.at))
        return own

    def _default_name(self, c: Any, cpath: Path, list_key: str) -> str:
        """The name a container without `name` runs under: Knative's webhook names a Service's serving
        container `user-container` (`user-container-<index>` among several) and an init container
        `init-container` (knative/serving pkg/apis/config/defaults.go, serving/v1 revision_defaults.go,
        the default `container-name-template`); elsewhere the API refuses it: its image names it."""
        if self.knative and list_key == "containers":
            many = len(y.items(y.get(self.spec, "containers"))) > 1
            return f"user-container-{cpath[-1]}" if many else "user-container"
        if self.knative and list_key == "initContainers":
            return "init-container"
        return y.text(y.get(c, "image")) or "?"

    def _argo_containers(self) -> list[Any]:
        """Every container mapping of an Argo template's pod (and a containerSet's own `volumeMounts`)."""
        found = [y.get(self.spec, key) for key in ("container", "script")] + [self.spec]
        found += [c for key in CONTAINER_LISTS for c in y.items(y.get(self.spec, key))]
        if self.role is not None:  # a Spark role's volumeMounts go to its template's Spark container
            found.append(self.role[0])
        return [c for c in found if y.is_map(c)]

    def _argo_defaults(self, found: _Spec) -> dict[str, tuple[Any, Path]]:
        """`templateDefaults.container`/`.script` (node, path) by the template key it is merged into."""
        if found.workflow is None:
            return {}
        wf, wf_path = found.workflow
        out = {}
        for key in ("container", "script"):
            node = y.get(wf, "templateDefaults", key)
            if y.is_map(node):
                out[key] = (node, (*wf_path, "templateDefaults", key))
        return out

    def read(self, c: Any, cpath: Path, row: Key, defaults: tuple[Any, Path] | None = None,
             patched: tuple[tuple[Any, _Patch], ...] = ()) -> Setting[Any] | None:
        """The setting `row` (a `glmlint.fields.KUBERNETES` row) reads for container `c`, None when
        absent: in the pod spec for a pod-level row (an Argo template's: the workflow's); else the
        container's own value (`defaults`' when it writes none: Argo's `templateDefaults.container`),
        and for a row the pod's `securityContext` also sets, the pod's when the container writes none
        (as the kubelet does); located at its value (a list: at its key). An Argo `podSpecPatch`
        (`patched`: its entries for this container, the last applied first) wins over what it patches."""
        if defaults is not None and y.get(c, *row.keys) is None and y.get(defaults[0], *row.keys) is not None:
            c, cpath = defaults
        at: Callable[[Any], Loc] = y.loc
        parent = c
        if row.level == POD:
            node, path = y.get(self.spec, *row.keys), (*self.path, *row.keys)
            if node is None and self.workflow is not None:
                node, path = y.get(self.workflow[0], *row.keys), (*self.workflow[1], *row.keys)
            if self.role is not None and row.keys == _SPARK_HOST_NETWORK and y.scalar(
                    y.get(self.role[0], *row.keys)) is True:
                # the webhook sets a templated pod's hostNetwork when the role's is true (`addHostNetwork`)
                node, path = y.get(self.role[0], *row.keys), (*self.role[1], *row.keys)
            for patch in reversed(self.patches):
                if y.get(patch.doc, *row.keys) is not None:
                    node, path, at, parent = y.get(patch.doc, *row.keys), patch.path, patch.at, patch.doc
                    break
        else:
            node, path = y.get(c, *row.keys), None  # (the container's own path, made once it is needed)
            for own, patch in patched:
                got = y.get(own, *row.keys)
                if got is not None and not (y.is_scalar(got) and y.scalar(got) is None):
                    node, path, at, parent = got, patch.path, patch.at, own
                    break
            if row.pod is not None and (node is None or y.scalar(node) is None):
                node, path = y.get(self.sc, *row.pod), (*self.sc_path, *row.pod)
                for patch in reversed(self.patches):
                    got = y.get(patch.doc, "securityContext", *row.pod)
                    if got is not None and y.scalar(got) is not None:
                        node, path, at = got, patch.path, patch.at
                        break
                if node is None or y.scalar(node) is None:
                    return None
            if node is None:
                return None  # (most rows of most containers: nothing written)
            if path is None:
                path = (*cpath, *row.keys)
        if node is None:
            return None
        kind = row.read
        if kind == BOOL:
            return Setting(y.scalar(node) is True, at(node), path=path)
        if kind == NOT_FALSE:
            return Setting(y.scalar(node) is not False, at(node), path=path)
        if kind == IF_TRUE:
            return Setting(True, at(node), path=path) if y.scalar(node) is True else None
        if kind == ITEMS:
            key_pair = y.entries(y.get(parent, *row.keys[:-1])).get(row.keys[-1])
            if key_pair is None:
                return None
            inside = path[-1:] == (INSIDE_TEXT,)
            items = tuple(Item(y.text(n) or "", at(n), path if inside else (*path, i))
                          for i, n in enumerate(y.items(node)) if y.is_scalar(n))
            return Setting(items, at(key_pair[0]), path=path)
        if row.pod is not None:  # an inherited scalar: as the API server reads it
            value = str(y.scalar(node))
            return Setting(User.parse(value) if kind == USER else value, at(node), path=path)
        if kind == TEXT and y.is_scalar(node):
            return Setting(y.text(node), at(node), path=path)
        return None

    def container(self, path: str, c: Any, cpath: Path, owner: str, list_key: str, pod_rows: bool = True) -> Workload:
        single = list_key not in CONTAINER_LISTS and list_key != "steps"
        # the Spark role whose pod template's Spark container this is: the role's own values write over it
        spark = self.role if (self.role is not None and list_key == "containers"
                              and cpath[:-1] == (*self.path, "containers") and cpath[-1] == self.role[2]) else None
        # an unnamed container (Knative's, Argo's `container:`) is called by the name its runtime gives it
        name = y.text(y.get(c, "name")) or (self.names.get(list_key) or SINGLE_NAMES.get(list_key, "kserve-container")
                                            if single else spark[3] if spark is not None
                                            else self._default_name(c, cpath, list_key))
        name_pair = y.entries(c).get("name")
        key_pair = y.entries(self.spec).get(list_key) if single else None
        anchor = y.loc(name_pair[0]) if name_pair else y.loc(key_pair[0]) if key_pair else y.loc(c)
        role = _ROLES.get(list_key, "container")

        kwargs: dict[str, Any] = dict(self.pod_settings()) if pod_rows else {}
        defaults = self.defaults.get(list_key)  # Argo's `templateDefaults.container`/`.script`
        patched = self._patched(name, list_key)
        # the role's securityContext replaces the template container's (the webhook's `addContainerSecurityContext`)
        role_sc = spark if spark is not None and y.is_map(y.get(spark[0], *_CONTEXT)) else None
        plain = defaults is None and not patched and role_sc is None  # (`read`: the container's own value only)
        for field_name, row in _CONTAINER_SETTINGS:
            if plain and row.pod is None and y.get(c, *row.keys) is None:
                continue  # not written, and not inherited from the pod (`read`'s None)
            if role_sc is not None and row.keys[:1] == _CONTEXT:
                value = self.read(role_sc[0], role_sc[1], row)
            else:
                value = self.read(c, cpath, row, defaults, patched)
            if value is not None:
                kwargs[field_name] = value
        if "user" not in kwargs and self.facts.windows:
            # a Windows container runs as `windowsOptions.runAsUserName` (runAsUser is Linux's)
            win_user = self.read(c, cpath, _USER.windows, defaults, patched)  # type: ignore[arg-type]
            if win_user is not None and win_user.value.raw:
                kwargs["user"] = win_user
        if "user" not in kwargs and self.run_as is not None:  # the operator's (a NIMService's `userID`)
            node, user_path, default = self.run_as
            kwargs["user"] = (Setting(User.parse(str(y.scalar(node))), y.loc(node), path=user_path) if node is not None
                              else Setting(User.parse(default), anchor, explicit=False, path=user_path))
        user = kwargs.pop("user", None) or Setting(None, anchor, explicit=False, path=(*cpath, *_USER.keys))
        non_root = kwargs.pop("run_as_non_root", None) or Setting(False, anchor, explicit=False,
                                                                  path=(*cpath, *_NON_ROOT.keys))
        annotation = self.annotations.get(_APPARMOR.annotation + name)  # type: ignore[operator]
        if annotation is not None:  # the annotation wins (no path: the fix engine spells it there)
            kwargs["apparmor"] = Setting(str(y.text(annotation[1])), y.loc(annotation[1]))
        if "seccomp" not in kwargs:
            # no field at either level: the container's annotation, else the pod's (the kubelet's order
            # while it read them; no path: the fix engine spells `runtime/default` there)
            found = (self.annotations.get(_SECCOMP.annotation + name)  # type: ignore[operator]
                     or self.annotations.get(_SECCOMP_POD_ANNOTATION))
            if found is not None and y.is_scalar(found[1]) and y.text(found[1]):
                text = y.text(found[1]) or ""
                kind = _SECCOMP_TYPES.get(text, "Localhost" if text.startswith("localhost/") else text)
                kwargs["seccomp"] = Setting(kind, y.loc(found[1]))
        image = y.get(c, *_IMAGE.keys)
        pulled = image if image is not None or list_key != SELF else self.image  # Spark: the application's image
        if spark is not None:
            # Spark's configuration names the image (the role's, else the application's), not the template
            pulled = image = y.get(spark[0], *_IMAGE.keys) or self.image
        if y.is_map(pulled) and y.is_scalar(y.get(pulled, "repository")) and y.text(y.get(pulled, "repository")):
            # a NIMService's `image: {repository, tag}`, pulled as `repository:tag`
            repository, tag = y.get(pulled, "repository"), y.text(y.get(pulled, "tag"))
            ref = f"{y.text(repository)}:{tag}" if tag else y.text(repository) or ""
            image = repository
            kwargs["pulls"] = (ImageRef(ref, y.loc(repository), f"{role} `{name}` ({owner})", resolved="$" not in ref),)
        elif pulled is not None and y.is_scalar(pulled) and y.text(pulled):
            image = pulled
            # the kubelet does not expand variables in `image`; a `$(VAR)` or `${VAR}` left there is a
            # placeholder something else fills in (a kustomize/envsubst step): unknown
            kwargs["pulls"] = (ImageRef(y.text(image) or "", y.loc(image), f"{role} `{name}` ({owner})",
                                        resolved="$" not in (y.text(image) or "")),)

        command = _argv(c, KUBERNETES["entrypoint"].keys[0], cpath, self.lines)
        args = _argv(c, KUBERNETES["command"].keys[0], cpath, self.lines)
        if command is not None:
            kwargs["entrypoint"] = command
        if args is not None:
            kwargs["command"] = args
        words = (command.value or () if command else ()) + (args.value or () if args else ())
        process = _process(words) if words else []
        source = y.get(c, "source") if list_key == "script" else y.get(c, "script") if list_key == "steps" else None
        if list_key == "steps" and y.is_scalar(source) and (y.text(source) or "").startswith("#!") and (
                (y.text(source) or "").split("\n", 1)[0].split()[-1].rsplit("/", 1)[-1] not in SHELLS):
            source = None  # a Tekton step's script with a shebang of another interpreter (python, node)
        if y.is_scalar(source) and (not words or words[0].text.rsplit("/", 1)[-1] in SHELLS):
            # Argo runs `command` with the script `source` written to a file: a shell runs it (a Tekton
            # step's `script` likewise, with `sh` when it has no shebang)
            start, indent = y.content(source, self.lines)
            process += parse_script(y.text(source) or "", lambda row, col: Loc(
                start.line + row, (start.col + col) if row == 0 else indent + col + 1))
        elif y.is_scalar(source) and list_key == "script" and len(words) == 1 and process \
                and re.fullmatch(r"python[0-9.]*", process[0].name):
            # Argo writes the source to a file and gives its path to `command`, before the template's `args`
            # (argo-workflows 7cff4c97 workflow/controller/workflowpod_test.go
            # TestScriptTemplateMainCtrArgsWhenArgsAndWhenSource): `python` runs that code as its program, as it
            # would code fed to its stdin (what `loader_calls` reads)
            process[0] = records.replace(process[0], stdin=y.text(source) or "")
        serving_format = None
        if single and list_key not in ("container", "script") and list_key not in self.names:
            # a KServe model (see `_single_containers`)
            fmt = y.get(c, "modelFormat", "name")
            serving_format = (y.text(fmt) if y.is_scalar(fmt) else None) or (list_key if list_key != "model" else None)
            serving_format = serving_format.lower() if serving_format else None
        # the container's mounts and environment, then (a Spark container) its role's
        sources = ((c, cpath), *((spark[:2],) if spark is not None else ()))
        return Workload(
            name=name,
            label=f"{role} `{name}` ({owner})",
            format=Format.KUBERNETES,
            path=path,
            anchor=anchor,
            node_path=cpath,
            group=owner if owner.startswith("Pod/") else f"the pod of {owner}",
            partial=image is None or list_key in self.names or self._unknown(name, list_key) or spark is not None,
            user=user,
            run_as_non_root=non_root,
            mounts=tuple(m for node, at in sources for m in self._mounts(node, at)),
            ports=tuple(_ports(c, cpath)),
            pod_labels=self.labels,
            env=tuple(e for node, at in sources for e in _env(node, at)),
            env_imports=tuple(y.loc(e) for node, _at in sources for e in y.items(y.get(node, "envFrom"))),
            process=tuple(process),
            files=tuple(file_writes(process, image=kwargs["pulls"][0].name if kwargs.get("pulls") else None)),
            own=(_own_context(role_sc[0], role_sc[1], None) if role_sc is not None
                 else self._own(c, cpath, defaults, patched)),
            pod=self.facts,
            sysctls=self.sysctls,
            probe_hosts=tuple(_probe_hosts(c, cpath)),
            container_list=list_key,
            namespace=self.namespace,
            serving_format=serving_format,
            workdir=y.text(y.get(c, "workingDir")) if y.is_scalar(y.get(c, "workingDir")) else None,
            **kwargs,
        )

    def _patched_volume(self, name: str) -> tuple[Any, _Patch] | None:
        """The volume `name` as the pod's `podSpecPatch`es leave it (merged by name, the last one winning)."""
        found = None
        for patch in self.patches:
            for vol in y.items(y.get(patch.doc, *_VOLUMES)):
                if y.is_map(vol) and y.text(y.get(vol, "name")) == name:
                    found = (vol, patch)
        return found

    def _mounts(self, c: Any, cpath: Path) -> list[Mount]:
        out = []
        key = KUBERNETES["mounts"].keys
        for i, vm in enumerate(y.items(y.get(c, *key))):
            vol_name = y.text(y.get(vm, "name")) or ""
            target = y.text(y.get(vm, "mountPath")) or ""
            ro = y.scalar(y.get(vm, *_READ_ONLY)) is True
            vol = self.volumes.get(vol_name) or self.shared.get(vol_name)
            host_path = y.get(vol[0], "hostPath", "path") if vol else None
            entry = (*cpath, *key, i)
            patched = self._patched_volume(vol_name)
            if patched is not None:  # an Argo podSpecPatch's volume of that name replaces the pod's
                node, patch = patched
                host_path = y.get(node, "hostPath", "path")
                if host_path is not None and y.is_scalar(host_path):
                    out.append(Mount(y.text(host_path), target, "host-path", ro, patch.at(host_path), patch.path, entry))
                else:
                    out.append(Mount(vol_name, target, "volume", ro, y.loc(vm), entry, entry))
                continue
            if host_path is not None:
                out.append(Mount(y.text(host_path), target, "host-path", ro, y.loc(host_path),
                                 (*vol[1], "hostPath", "path"), entry))  # type: ignore[index]
            else:
                out.append(Mount(vol_name, target, "volume", ro, y.loc(vm), entry, entry))
        return out


# The commands of a container's `command` + `args` (`from_argv`), kept for the last 64 word tuples: the fix
# verification re-parses a file once per fix (`fix.engine`), and a fix that writes a `securityContext` leaves
# the container's words as they were, places included. `from_argv` is a function of the words' values (the
# first one's place included), and its commands are frozen records.
_PROCESSES: dict[tuple[Word, ...], tuple[Command, ...]] = {}


def _process(words: tuple[Word, ...]) -> list[Command]:
    got = _PROCESSES.get(words)
    if got is None:
        got = tuple(from_argv(words, words[0].loc))
        if len(_PROCESSES) >= 64:
            del _PROCESSES[next(iter(_PROCESSES))]  # the oldest
        _PROCESSES[words] = got
    return list(got)


def _own_context(c: Any, cpath: Path, defaults: tuple[Any, Path] | None) -> SecurityContext:
    """The container's own securityContext; with none, an Argo `templateDefaults` one merged into it."""
    sc = y.get(c, *_CONTEXT)
    if sc is None and defaults is not None and y.is_map(y.get(defaults[0], *_CONTEXT)):
        return _context_of(y.get(defaults[0], *_CONTEXT), (*defaults[1], *_CONTEXT), container=True)
    return _context_of(sc, (*cpath, *_CONTEXT), container=True)


def _volume(vol: Any, path: Path, at: Callable[[Any], Loc] = y.loc) -> Volume:
    """A pod volume (`path`: the list item; inside a string, an Argo `podSpecPatch`'s, the string's)
    by its source."""
    sources = [(k, pair) for k, pair in y.entries(vol).items() if k != "name"]
    # a volume naming no source is an emptyDir: the API server defaults it so
    # (kubernetes pkg/apis/core/v1/defaults.go `SetDefaults_Volume`)
    kind, pair = sources[0] if sources else ("emptyDir", None)
    if len(sources) > 1:  # the API allows one source; name the first non-null one
        kind, pair = next(((k, p) for k, p in sources if y.scalar(p[1]) is not None
                           or not y.is_scalar(p[1])), sources[0])
    inside = path[-1:] == (INSIDE_TEXT,)
    where = at(pair[0]) if pair is not None else at(vol)
    return Volume(y.text(y.get(vol, "name")) or "", kind, where,
                  (*path, kind) if pair is not None and not inside else path,
                  claim=y.text(y.get(pair[1], "claimName")) or "" if kind == "persistentVolumeClaim"
                  and pair is not None else "",
                  modes=_file_modes(pair[1]) if pair is not None and kind in _MODED else ())


# the volume sources whose files the kubelet writes with `defaultMode` or an item's `mode`
_MODED = frozenset({"secret", "configMap", "projected", "downwardAPI"})


def _file_modes(source: Any) -> tuple[int, ...]:
    """The file modes a Secret/ConfigMap/projected/downwardAPI volume source writes (`defaultMode`, items'
    `mode`, a projected volume's sources' items), as the API server reads them: YAML 1.1 (sigs.k8s.io/yaml)
    reads `0400` as octal."""
    out = []
    nodes = [y.get(source, "defaultMode")]
    item_lists = [y.get(source, "items")]
    for src in y.items(y.get(source, "sources")) if y.is_seq(y.get(source, "sources")) else ():
        for key in ("secret", "configMap", "downwardAPI"):
            item_lists.append(y.get(src, key, "items"))
    for items in item_lists:
        if y.is_seq(items):
            nodes.extend(y.get(item, "mode") for item in y.items(items))
    for node in nodes:
        text = (y.text(node) or "").strip() if node is not None and y.is_scalar(node) else ""
        try:
            mode = int(text[2:], 8) if text[:2] in ("0o", "0O") else int(text, 8) if text[:1] == "0" and text[1:] \
                else int(text, 10)
        except ValueError:
            continue
        out.append(mode)
    return tuple(out)


def _scalar_setting(node: Any, path: Path, at: Callable[[Any], Loc] = y.loc) -> Setting[Any] | None:
    """A scalar as written (None when absent or null, as the API server reads a null)."""
    if node is None or not y.is_scalar(node) or y.scalar(node) is None:
        return None
    return Setting(y.scalar(node), at(node), path=path)


def _profile_type(sc: Any, key: str, path: Path, at: Callable[[Any], Loc] = y.loc) -> Setting[str] | None:
    """`seccompProfile.type` / `appArmorProfile.type`: `""` when the profile is written without one."""
    profile = y.get(sc, key)
    if profile is None or (y.is_scalar(profile) and y.scalar(profile) is None):
        return None
    inside = path[-1:] == (INSIDE_TEXT,)
    kind = y.get(profile, "type")
    if kind is not None and y.is_scalar(kind) and y.scalar(kind) is not None:
        return Setting(str(y.scalar(kind)), at(kind), path=path if inside else (*path, key, "type"))
    return Setting("", at(profile), path=path if inside else (*path, key))


def _context_of(sc: Any, path: Path, container: bool = False, at: Callable[[Any], Loc] = y.loc) -> SecurityContext:
    """One level's own securityContext, as written (`glmlint.fields.SECURITY_CONTEXT`; a pod's
    holds only the rows written at both levels). Inside a string (an Argo `podSpecPatch`: `path`
    ends with `INSIDE_TEXT`), each value's path is the string's."""
    if not y.is_map(sc):
        return SecurityContext()
    inside = path[-1:] == (INSIDE_TEXT,)
    values: dict[str, Any] = {}
    for name, row in SECURITY_CONTEXT.items():
        if (row.pod is None and not container) or (row.level == POD and container):
            continue
        if row.read == PROFILE:
            values[name] = _profile_type(sc, row.keys[0], path, at)
        elif row.read == WRITTEN:
            node = y.get(sc, *row.keys)
            values[name] = node is not None and not (y.is_scalar(node) and y.scalar(node) is None)
        else:
            s = _scalar_setting(y.get(sc, *row.keys), path if inside else (*path, *row.keys), at)
            values[name] = Setting(str(s.value), s.loc, path=s.path) if s is not None and row.read == TEXT else s
    return SecurityContext(**values)


def _over(base: SecurityContext, patch: SecurityContext) -> SecurityContext:
    """`base` with what `patch` writes (a strategic merge of two securityContexts: the patch wins)."""
    changes = {f: getattr(patch, f) for f in base.__record__.names  # type: ignore[attr-defined]
               if getattr(patch, f) not in (None, False)}
    return records.replace(base, **changes) if changes else base


_PROBES = ("livenessProbe", "readinessProbe", "startupProbe")
_HANDLERS = ("postStart", "preStop")
_PROBE_PLACES = tuple([(p,) for p in _PROBES] + [("lifecycle", h) for h in _HANDLERS])


def _probe_hosts(c: Any, cpath: Path) -> list[Item]:
    """The `host` of every httpGet/tcpSocket probe and lifecycle handler (empty ones left out)."""
    out = []
    for place in _PROBE_PLACES:
        handler = y.get(c, *place)
        if handler is None:
            continue  # (most containers have no probe or handler there)
        for action in ("httpGet", "tcpSocket"):
            node = y.get(handler, action, "host")
            if node is not None and y.is_scalar(node) and y.text(node):
                out.append(Item(y.text(node) or "", y.loc(node), (*cpath, *place, action, "host")))
    return out


def _argv(c: Any, key: str, cpath: Path, lines: list[str]) -> Setting[tuple[Word, ...] | None] | None:
    node = y.get(c, key)
    if node is None:
        return None
    # the kubelet expands only $(VAR) in command/args
    words = tuple(y.word(n, lines, "$(") for n in y.items(node) if y.is_scalar(n))
    return Setting(words or None, y.loc(node), path=(*cpath, key))


def _ports(c: Any, cpath: Path) -> list[Port]:
    out = []
    key = KUBERNETES["ports"].keys
    for i, p in enumerate(y.items(y.get(c, *key))):
        host_port = y.text(y.get(p, "hostPort"))
        out.append(Port(y.text(y.get(p, "containerPort")) or "", y.loc(p),
                        host_ip=y.text(y.get(p, "hostIP")), host_port=host_port,
                        protocol=(y.text(y.get(p, "protocol")) or "TCP").lower(),
                        published=host_port is not None, path=(*cpath, *key, i),
                        name=y.text(y.get(p, "name"))))
    return out


def _env(c: Any, cpath: Path) -> list[EnvVar]:
    out = []
    key = KUBERNETES["env"].keys
    for i, e in enumerate(y.items(y.get(c, *key))):
        name = y.text(y.get(e, "name"))
        if not name:
            continue
        value_node = y.get(e, "value")
        value = y.text(value_node) if value_node is not None and y.scalar(value_node) is not None else (
            value_node.value if value_node is not None and value_node.style else None)
        if value_node is None and y.get(e, "valueFrom") is None:
            value = ""
        # the kubelet expands `$(VAR)` references to earlier variables in a value
        out.append(EnvVar(name, value, y.loc(e), (*cpath, *key, i), dynamic="$(" in (value or "")))
    return out

