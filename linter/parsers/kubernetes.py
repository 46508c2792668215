"""Kubernetes manifests -> IR: one workload per container of every pod spec.

Pod specs are found at the known paths of the core workload kinds, and in any
other kind (custom resources: PyTorchJob, RayCluster, InferenceService, ...)
generically: a mapping whose `containers` is a list of mappings with an
`image`. Pod-level `securityContext` is inherited by each container and the
container's own value wins, as the kubelet does. A container without `image`
is a patch fragment (kustomize): explicit settings are checked, absent ones not.
"""
from __future__ import annotations

from typing import Any

from glmlint.ir import EnvVar, Format, Item, Mount, Port, Setting, SourceFile, User, Word, Workload
from glmlint.parsers import yamlnodes as y
from glmlint.shell import file_writes, from_argv

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
}
# Kinds that hold schemas or data, never running pods.
NOT_WORKLOADS = {"CustomResourceDefinition", "ConfigMap", "Secret", "Service", "Namespace",
                 "ServiceAccount", "Role", "ClusterRole", "RoleBinding", "ClusterRoleBinding",
                 "Ingress", "NetworkPolicy", "PersistentVolumeClaim", "PersistentVolume",
                 "StorageClass", "APIService", "ValidatingWebhookConfiguration",
                 "MutatingWebhookConfiguration", "PodSecurityPolicy", "Kustomization",
                 "PriorityClass", "LimitRange", "ResourceQuota", "PodDisruptionBudget",
                 "HorizontalPodAutoscaler", "Endpoints", "EndpointSlice", "Certificate", "Issuer",
                 "ClusterIssuer", "ServiceMonitor", "PodMonitor", "PrometheusRule"}
CONTAINER_LISTS = ("initContainers", "containers", "ephemeralContainers")
APPARMOR_ANNOTATION = "container.apparmor.security.beta.kubernetes.io/"


def is_kubernetes(doc: Any) -> bool:
    return y.is_scalar(y.get(doc, "apiVersion")) and y.is_scalar(y.get(doc, "kind"))


def parse(path: str, text: str, docs: list[Any]) -> SourceFile:
    source = SourceFile(path=path, format=Format.KUBERNETES, text=text)
    lines = text.splitlines()
    for d, doc in enumerate(docs):
        for obj, obj_path in _objects(doc, (d,)):
            source.workloads.extend(_workloads(path, obj, obj_path, lines))
    return source


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


def _pod_specs(obj: Any, path: Path) -> list[tuple[Any, Path, Any]]:
    """(pod spec node, its path, the metadata node that annotates it)."""
    kind = y.text(y.get(obj, "kind")) or ""
    if kind in NOT_WORKLOADS:
        return []
    known = POD_SPEC_PATHS.get(kind)
    if known is not None:
        spec = y.get(obj, *known)
        if not y.is_map(spec):
            return []
        meta = y.get(obj, *known[:-1], "metadata") if len(known) > 1 else y.get(obj, "metadata")
        return [(spec, (*path, *known), meta)]
    out = []
    for sub_path, node in y.walk_maps(obj):
        containers = y.get(node, "containers")
        if y.is_seq(containers) and any(y.is_map(c) and y.get(c, "image") is not None
                                        for c in y.items(containers)):
            parent_meta = None
            parents = sub_path[:-1]
            if sub_path and sub_path[-1] == "spec" and all(isinstance(p, str) for p in parents):
                parent_meta = y.get(y.get(obj, *parents), "metadata")  # a template's own metadata
            out.append((node, (*path, *sub_path), parent_meta))
    return out


def _owner(obj: Any, spec_path: Path, obj_path: Path) -> str:
    kind = y.text(y.get(obj, "kind")) or "object"
    name = y.text(y.get(obj, "metadata", "name")) or y.text(y.get(obj, "metadata", "generateName")) or "?"
    inner = [p for p in spec_path[len(obj_path):] if isinstance(p, str)]
    # name the replica role of custom resources: PyTorchJob/train Worker
    roles = [p for p in inner if p not in ("spec", "template", "jobTemplate") and not p.endswith("Specs")
             and p not in POD_SPEC_PATHS]
    suffix = f" {roles[-1]}" if roles and kind not in POD_SPEC_PATHS else ""
    return f"{kind}/{name}{suffix}"


def _workloads(path: str, obj: Any, obj_path: Path, lines: list[str]) -> list[Workload]:
    out: list[Workload] = []
    for spec, spec_path, meta in _pod_specs(obj, obj_path):
        owner = _owner(obj, spec_path, obj_path)
        pod = _Pod(spec, spec_path, meta, lines)
        for list_key in CONTAINER_LISTS:
            for i, container in enumerate(y.items(y.get(spec, list_key))):
                if y.is_map(container):
                    out.append(pod.container(path, container, (*spec_path, list_key, i), owner, list_key))
    return out


class _Pod:
    def __init__(self, spec: Any, path: Path, meta: Any, lines: list[str]) -> None:
        self.spec = spec
        self.lines = lines
        self.path = path
        self.sc = y.get(spec, "securityContext")
        self.annotations = y.entries(y.get(meta, "annotations")) if meta is not None else {}
        self.volumes: dict[str, tuple[Any, Path]] = {}
        for i, vol in enumerate(y.items(y.get(spec, "volumes"))):
            name = y.text(y.get(vol, "name"))
            if name:
                self.volumes[name] = (vol, (*path, "volumes", i))

    def field(self, container: Any, cpath: Path, *keys: str) -> Setting[Any] | None:
        """A securityContext field: the container's own, else the pod's."""
        node = y.get(container, "securityContext", *keys)
        if node is not None and y.scalar(node) is not None:
            return Setting(y.scalar(node), y.loc(node), path=(*cpath, "securityContext", *keys))
        node = y.get(self.sc, *keys)
        if node is not None and y.scalar(node) is not None:
            return Setting(y.scalar(node), y.loc(node), path=(*self.path, "securityContext", *keys))
        return None

    def host(self, key: str) -> Setting[bool] | None:
        node = y.get(self.spec, key)
        if node is None:
            return None
        return Setting(y.scalar(node) is True, y.loc(node), path=(*self.path, key))

    def container(self, path: str, c: Any, cpath: Path, owner: str, list_key: str) -> Workload:
        name = y.text(y.get(c, "name")) or "?"
        name_pair = y.entries(c).get("name")
        anchor = y.loc(name_pair[0]) if name_pair else y.loc(c)
        sc_path = (*cpath, "securityContext")

        def bool_field(*keys: str) -> Setting[bool] | None:
            s = self.field(c, cpath, *keys)
            return Setting(s.value is True, s.loc, path=s.path) if s is not None else None

        user = None
        run_as = self.field(c, cpath, "runAsUser")
        if run_as is not None:
            user = Setting(User.parse(str(run_as.value)), run_as.loc, path=run_as.path)
        non_root = bool_field("runAsNonRoot") or Setting(False, anchor, explicit=False,
                                                         path=(*sc_path, "runAsNonRoot"))
        kwargs: dict[str, Any] = {}
        privileged = y.get(c, "securityContext", "privileged")
        if privileged is not None:
            kwargs["privileged"] = Setting(y.scalar(privileged) is True, y.loc(privileged),
                                           path=(*sc_path, "privileged"))
        ape = y.get(c, "securityContext", "allowPrivilegeEscalation")
        if ape is not None:
            kwargs["allow_privilege_escalation"] = Setting(y.scalar(ape) is not False, y.loc(ape),
                                                           path=(*sc_path, "allowPrivilegeEscalation"))
        ro = y.get(c, "securityContext", "readOnlyRootFilesystem")
        if ro is not None:
            kwargs["read_only_rootfs"] = Setting(y.scalar(ro) is True, y.loc(ro),
                                                 path=(*sc_path, "readOnlyRootFilesystem"))
        for field_name, key in (("cap_add", "add"), ("cap_drop", "drop")):
            node = y.get(c, "securityContext", "capabilities", key)
            key_pair = y.entries(y.get(c, "securityContext", "capabilities")).get(key)
            if node is not None and key_pair is not None:
                items = tuple(Item(y.text(n) or "", y.loc(n), (*sc_path, "capabilities", key, i))
                              for i, n in enumerate(y.items(node)) if y.is_scalar(n))
                kwargs[field_name] = Setting(items, y.loc(key_pair[0]), path=(*sc_path, "capabilities", key))
        for field_name, key in (("host_network", "hostNetwork"), ("host_pid", "hostPID"),
                                ("host_ipc", "hostIPC")):
            s = self.host(key)
            if s is not None:
                kwargs[field_name] = s
        host_users = y.get(self.spec, "hostUsers")
        if host_users is not None and y.scalar(host_users) is True:
            kwargs["host_userns"] = Setting(True, y.loc(host_users), path=(*self.path, "hostUsers"))
        seccomp = self.field(c, cpath, "seccompProfile", "type")
        if seccomp is not None:
            kwargs["seccomp"] = Setting(str(seccomp.value), seccomp.loc, path=seccomp.path)
        apparmor = self.field(c, cpath, "appArmorProfile", "type")
        annotation = self.annotations.get(APPARMOR_ANNOTATION + name)
        if annotation is not None:
            apparmor = Setting(y.text(annotation[1]), y.loc(annotation[1]))
        if apparmor is not None:
            kwargs["apparmor"] = Setting(str(apparmor.value), apparmor.loc, path=apparmor.path)
        selinux = self.field(c, cpath, "seLinuxOptions", "type")
        if selinux is not None:
            kwargs["selinux"] = Setting(str(selinux.value), selinux.loc, path=selinux.path)
        memory = y.get(c, "resources", "limits", "memory")
        if y.is_scalar(memory):
            kwargs["memory_limit"] = Setting(y.text(memory), y.loc(memory),
                                             path=(*cpath, "resources", "limits", "memory"))
        image = y.get(c, "image")
        if image is not None:
            kwargs["image"] = Setting(y.text(image), y.loc(image), path=(*cpath, "image"))
        command = _argv(c, "command", cpath, self.lines)
        args = _argv(c, "args", cpath, self.lines)
        if command is not None:
            kwargs["entrypoint"] = command
        if args is not None:
            kwargs["command"] = args
        words = (command.value or () if command else ()) + (args.value or () if args else ())
        process = from_argv(words, words[0].loc) if words else []
        role = "init container" if list_key == "initContainers" else (
            "ephemeral container" if list_key == "ephemeralContainers" else "container")
        return Workload(
            name=name,
            label=f"{role} `{name}` ({owner})",
            format=Format.KUBERNETES,
            path=path,
            anchor=anchor,
            node_path=cpath,
            group=owner if owner.startswith("Pod/") else f"the pod of {owner}",
            partial=image is None,
            user=user if user is not None else Setting(None, anchor, explicit=False,
                                                       path=(*sc_path, "runAsUser")),
            run_as_non_root=non_root,
            mounts=tuple(self._mounts(c, cpath)),
            ports=tuple(_ports(c, cpath)),
            env=tuple(_env(c, cpath)),
            process=tuple(process),
            files=tuple(file_writes(process)),
            **kwargs,
        )

    def _mounts(self, c: Any, cpath: Path) -> list[Mount]:
        out = []
        for i, vm in enumerate(y.items(y.get(c, "volumeMounts"))):
            vol_name = y.text(y.get(vm, "name")) or ""
            target = y.text(y.get(vm, "mountPath")) or ""
            ro = y.scalar(y.get(vm, "readOnly")) is True
            vol = self.volumes.get(vol_name)
            host_path = y.get(vol[0], "hostPath", "path") if vol else None
            if host_path is not None:
                out.append(Mount(y.text(host_path), target, "host-path", ro, y.loc(host_path),
                                 (*vol[1], "hostPath", "path")))  # type: ignore[index]
            else:
                out.append(Mount(vol_name, target, "volume", ro, y.loc(vm), (*cpath, "volumeMounts", i)))
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
    for i, p in enumerate(y.items(y.get(c, "ports"))):
        host_port = y.text(y.get(p, "hostPort"))
        out.append(Port(y.text(y.get(p, "containerPort")) or "", y.loc(p),
                        host_ip=y.text(y.get(p, "hostIP")), host_port=host_port,
                        protocol=(y.text(y.get(p, "protocol")) or "TCP").lower(),
                        published=host_port is not None, path=(*cpath, "ports", i)))
    return out


def _env(c: Any, cpath: Path) -> list[EnvVar]:
    out = []
    for i, e in enumerate(y.items(y.get(c, "env"))):
        name = y.text(y.get(e, "name"))
        if not name:
            continue
        value_node = y.get(e, "value")
        value = y.text(value_node) if value_node is not None and y.scalar(value_node) is not None else (
            value_node.value if value_node is not None and value_node.style else None)
        if value_node is None and y.get(e, "valueFrom") is None:
            value = ""
        # the kubelet expands `$(VAR)` references to earlier variables in a value
        out.append(EnvVar(name, value, y.loc(e), (*cpath, "env", i), dynamic="$(" in (value or "")))
    return out

