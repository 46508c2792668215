"""Cross-file facts: a compose service built from a scanned Dockerfile inherits its image.

What the service takes from the image is what Docker gives the container:

- the image's `USER`, unless the service sets `user:`;
- the image's `ENV`, under the service's `environment:` (the service wins by name);
- the files and build steps of the image (a Jupyter or sshd config its `RUN`s write);
- the start command: compose `entrypoint:` replaces the image's ENTRYPOINT *and*
  clears its CMD; `command:` alone replaces the CMD and keeps the ENTRYPOINT (a
  shell-form ENTRYPOINT ignores it); with neither, the image's ENTRYPOINT + CMD run.

Inherited values keep their Dockerfile locations, stamped with its path
(`Loc.file`): a finding at such a location is the Dockerfile's. The runner
reports it once: in the Dockerfile when the Dockerfile itself has that finding,
else at the service, naming the Dockerfile line (see docs/architecture.md).
"""
from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from glmlint import records
from glmlint.rbac import accounts_group, one_account
from glmlint.ir import (INGRESS_ROUTE, KSERVE_CONFIG, LIMIT_RANGE, ROUTE_KINDS, RUNTIME_LABEL, RUNTIME_RUN, RUNTIME_SHADOWED, Binding, Exposure, Format, Grant, Loc, PodIdentity, PolicyRule, Role,
                        ServiceAccount, Setting, SourceFile, Word, Workload, label_keys)


def image_key(path: str) -> str:
    """How a Dockerfile on disk is matched against a compose `build:`."""
    return os.path.normcase(os.path.abspath(path))


def _built_from(src: SourceFile, w: Workload) -> str | None:
    """The Dockerfile (as an `image_key`) `w` is built from, if it can be known."""
    if w.build is None or "$" in w.build.context:
        return None
    base = os.path.dirname(os.path.abspath(src.disk_path))
    dockerfile = os.path.join(base, w.build.context, w.build.dockerfile or "Dockerfile")
    return os.path.normcase(os.path.normpath(dockerfile))


def wanted(src: SourceFile) -> set[str]:
    """The Dockerfiles (`image_key`s) `link` would read for `src`: empty unless `src` is compose."""
    if src.format is not Format.COMPOSE or not src.disk_path:
        return set()
    return {key for w in src.workloads if (key := _built_from(src, w)) is not None}


def exposures(sources: list[SourceFile], through: Callable[[Routes], list[tuple[str, Exposure]]] | None = None
              ) -> list[tuple[str, Exposure]]:
    """Every LoadBalancer/NodePort Service (Ingress, namespace's LimitRange) the Kubernetes files define,
    with the file's path; an Ingress's routes to a Service of another file completed by the Services of
    the files close to its own (`routed`; `through`: what works that out elsewhere, a pool's workers)."""
    found = []
    routes: dict[str, list[Exposure]] = {}
    configs: set[str] = set()  # the files that hold KServe's `inferenceservice-config` (`KSERVE_CONFIG`)
    _UNITS.clear()
    for src in sources:
        if src.format is Format.KUBERNETES:
            if not src.path.endswith(_FILE_SUFFIXES) and src.disk_path and os.path.isdir(src.disk_path):
                _UNITS.add(src.path)  # a rendered chart or overlay (its path is its directory's)
            for e in src.services:
                if e.kind == INGRESS_ROUTE:
                    routes.setdefault(src.path, []).append(e)
                elif e.kind == KSERVE_CONFIG:
                    configs.add(src.path)
                else:
                    found.append((src.path, e))
    if routes:
        found += routed(routes, sources, through, configs)
    _home(found, sources)
    if any(e.kind == RUNTIME_RUN and e.via == _CLUSTER_SERVING for _path, e in found):
        found = _without_shadowed(found, sources)
    return found


_CLUSTER_SERVING = "ClusterServingRuntime"
_SERVING = "ServingRuntime"


def _without_shadowed(found: list[tuple[str, Exposure]], sources: list[SourceFile]) -> list[tuple[str, Exposure]]:
    """`found` without an InferenceService's run of the ClusterServingRuntime it names when the scan has a
    ServingRuntime of that name in the InferenceService's namespace: KServe gets the namespaced one first and
    the cluster one only when that is not found (kserve pkg/controller/v1beta1/inferenceservice/utils/utils.go
    `GetServingRuntime`, at aaac4e29). A runtime's containers carry its `runtime_label` (a limited one's too);
    the namespaced run the same InferenceService makes (same file, place and name) says which it reaches."""
    own = {(path, e.name, e.loc): e for path, e in found if e.kind == RUNTIME_RUN and e.via == _SERVING}
    prefix = _SERVING + "\0"
    runtimes = [(s.path, ns, labels) for s in sources if s.format is Format.KUBERNETES
                for ns, labels in s.pod_labels if any(k == RUNTIME_LABEL and v.startswith(prefix) for k, v in labels)]

    def shadowed(path: str, e: Exposure) -> bool:
        run = own.get((path, e.name, e.loc))
        return run is not None and any(run.selects(ns, labels) and reaches(run, path, at) for at, ns, labels in runtimes)

    if not runtimes:
        return found
    kept, gone = [], {}
    for path, e in found:
        if e.kind == RUNTIME_RUN and e.via == _CLUSTER_SERVING and shadowed(path, e):
            gone.setdefault((path, e.selector), e)
        else:
            kept.append((path, e))
    # the cluster runtime's containers in the file of the InferenceServices that run it: its parse took their
    # memory limit away (`_runtimes_unlimited`); every run of them there shadowed, they get it back
    label = {s.path: {p for _ns, labels in s.pod_labels for p in labels if p[0] == RUNTIME_LABEL}
             for s in sources if s.format is Format.KUBERNETES and any(path == s.path for path, _s in gone)}
    unshadowed = {(path, e.selector) for path, e in kept if e.kind == RUNTIME_RUN and e.via == _CLUSTER_SERVING}
    kept += [(path, Exposure(RUNTIME_SHADOWED, e.name, None, e.selector, (), e.loc, via=e.via, completed=True))
             for (path, selector), e in gone.items()
             if selector[0] in label.get(path, ()) and (path, selector) not in unshadowed]
    return kept


# each route file (its path), its routes (`INGRESS_ROUTE`s) and the Kubernetes files close to it, its own
# first (`routed`): what `routed_through` works out, as files of the scan or as the keys a pool sends
Routes = list[tuple[str, list[Exposure], list[Any]]]


def routed(routes: dict[str, list[Exposure]], sources: list[SourceFile],
           through: Callable[[Routes], list[tuple[str, Exposure]]] | None = None,
           configs: set[str] | frozenset[str] = frozenset()) -> list[tuple[str, Exposure]]:
    """What the Ingress (HTTPRoute, GRPCRoute) routes of each file (by its path) expose through a Service
    of another file (with its Gateway there or in another: in the route's file or one close to it): one
    close to the Ingress's (`_close`: its directory, or a sibling: a Helm chart's `templates/`, a kustomize
    base, a directory `kubectl apply -f` applies), of the same namespace (both unwritten, or the same).
    An Ingress and its Service are written side by side; matching a name across unrelated parts of a tree
    would pair one team's Ingress with another's Service. Only those files are read again, and only
    when an Ingress routes to a Service its own file does not define: nothing is kept for the others.
    `through`: given each route file with its close files (`Routes`), works out the same elsewhere (a
    pool's workers, `runner._Pool.routed`: reading and composing the close files is the bulk of it).
    `configs`: the files that hold KServe's `inferenceservice-config` with a namespace written, which the
    KServe controller reads by namespace and name wherever they are kept (an install directory far from the
    apps): after the close files, each route file is judged with those too (a close one wins)."""
    # the Kubernetes files by their directory and by its parent (`_close` compares those of two files),
    # so that the files close to a route file are looked up, not each file of the scan asked about
    # (only those whose directory or its parent is a route file's or its parent's, which `close` may give;
    # each by its place in `sources`, read again when close to a route file: a lean scan's sources make
    # most of their files when read, `runner._Files`, and no list or table of them all is kept)
    near_to = {name for path in routes for name in _dir_names(path)}
    by_dir: dict[str, list[int]] = {}
    by_parent: dict[str, list[int]] = {}
    far: list[int] = []  # the files of `configs`, in the scan's order
    for i, s in enumerate(sources):
        if s.format is Format.KUBERNETES:
            if s.path in configs:
                far.append(i)
            if getattr(s, "unrouted", False):
                # a file whose parse met no object a route may be completed by (a lean scan's quiet
                # manifest, `runner._Quiet`): `routed_objects` of its text is empty, not read again
                continue
            path = s.path if "\\" not in s.path else s.path.replace("\\", "/")
            end = _dirname_len(path, len(path))  # (`_dir_names`, not kept in its table)
            d, p = path[:end], path[:_dirname_len(path, end)]
            if d in near_to or p in near_to:
                by_dir.setdefault(d, []).append(i)
                by_parent.setdefault(p, []).append(i)
    files: dict[int, SourceFile] = {}

    def kube(i: int) -> SourceFile:
        got = files.get(i)
        if got is None:
            got = files[i] = sources[i]
        return got

    def close(path: str) -> list[int]:
        """The route file's Kubernetes files, its own first: its objects win over another file's of the
        same name (its own too: an HTTPRoute's Gateway may be there, its Service here); the others in
        the scan's order."""
        d, p = _dir_names(path)  # (`_close`: the same directory, siblings, a parent or a child directory)
        near = sorted({*by_dir.get(d, ()), *by_parent.get(p, ()), *by_dir.get(p, ()), *by_parent.get(d, ())})
        mine = {*near}
        return [*(i for i in near if kube(i).path == path), *(i for i in near if kube(i).path != path),
                *(i for i in far if i not in mine)]

    plan = [(path, mine, close(path)) for path, mine in routes.items()]
    if through is not None:
        return through([(path, mine, [kube(i) for i in near]) for path, mine, near in plan])
    return routed_through(plan, lambda i: kube(i).text)


def routed_through(plan: Routes, text_of: Callable[[Any], str]) -> list[tuple[str, Exposure]]:
    """`routed`'s answer for each route file of `plan` in turn, its close files given as keys (`text_of`:
    a file's text). Each close file's routed objects are read and composed once for the route files of
    one neighbourhood (routes come in the scan's order: a directory's route files one after another);
    what is no longer close to the route file asked about is dropped."""
    from glmlint.parsers.kubernetes import routed_elsewhere, routed_objects

    memo: dict[Any, list[Any]] = {}

    def objects(near: list[Any]) -> Iterator[list[Any]]:
        keep = set(near)
        for k in [k for k in memo if k not in keep]:
            del memo[k]
        for k in near:
            got = memo.get(k)
            if got is None:
                try:
                    got = memo[k] = routed_objects(text_of(k))
                except OSError:
                    continue
            yield got

    return [(path, e) for path, mine, near in plan for e in routed_elsewhere(mine, objects(near))]


def exposed_elsewhere(src: SourceFile, found: list[tuple[str, Exposure]]) -> bool:
    """Whether a Service of another file selects a pod of `src` (by the pods' namespaces and labels)."""
    if src.format is not Format.KUBERNETES or not src.pod_labels or not found:
        return False
    by_label = _by_first_label(found)
    for ns, labels in src.pod_labels:
        if any(foreign(path, e, src.path) for path, e in by_label.get((LIMIT_RANGE, ns), ())):
            return True  # a LimitRange of another file gives the pods of its namespace their defaults
        # a Service selects the pod only if the pod has its selector's first label: those are asked
        for label in dict.fromkeys(label_keys(labels)):
            for path, e in by_label.get(label, ()):
                if e.selects(ns, labels) and foreign(path, e, src.path):
                    return True
    return False


def foreign(e_path: str, e: Exposure, pod_file: str) -> bool:
    """Whether what the file `e_path` exposes (`e`) is linked to the pods of `pod_file`: one of another file
    that `reaches` them, or a route of that file whose Service another file defines (`Exposure.completed`), which
    the parse of its file could not link to its pods. A Service (an Ingress) of one rendered overlay or chart
    never reaches the pods of another: each is a deployment of its own (overlays/dev and overlays/prod build
    the same base, each with its own variant of the base's Service: dev's NodePort is not prod's)."""
    if e_path != pod_file and e.kind not in _ANY_UNIT and e_path in _UNITS and pod_file in _UNITS:
        return False
    if _HOMES and e_path != pod_file:
        home = _HOMES.get((e_path, e.kind, e.name, e.selector))
        if home is not None and not pod_file.startswith(home):
            return False
    return (e_path != pod_file or e.completed) and reaches(e, e_path, pod_file)


# the scan's rendered charts and overlays (by path), as `exposures` last found them: `foreign`
_UNITS: set[str] = set()
# each Service (its file, kind, name, selector) whose own directory holds pods it selects, as `exposures` last
# found them: that directory (`dir/`), the only one whose pods it reaches (`_home`)
_HOMES: dict[tuple[str, str, str, tuple[tuple[str, str], ...]], str] = {}
_SERVICE_TYPES = frozenset({"LoadBalancer", "NodePort"})


def _home(found: list[tuple[str, Exposure]], sources: list[SourceFile]) -> None:
    """Find the Services (the Ingresses and routes to them) of plain manifest files (not a rendered chart's
    or overlay's: `_UNITS`) whose own directory (or one below it) holds pods they select: such a Service is
    applied with those pods, and reaches them only. `deploy/dev/` and `deploy/prod/` each apply their own
    Deployment and Service (`kubectl apply -f deploy/dev`): dev's NodePort variant of the Service (dev's
    Ingress) does not expose prod's pods, whatever their labels. A Service whose directory holds none of
    its pods (`k8s/services/` beside `k8s/deployments/`) still reaches those of any file."""
    _HOMES.clear()
    by_dir: dict[str, list[tuple[str, Exposure]]] = {}
    for path, e in found:
        if (e.kind in _SERVICE_TYPES or e.kind in ROUTE_KINDS) and e.selector and path not in _UNITS and "/" in path:
            by_dir.setdefault(path[:path.rfind("/") + 1], []).append((path, e))
    if not by_dir:
        return
    for src in sources:
        if not src.pod_labels:
            continue
        at = src.path.rfind("/")
        while at > 0:
            for path, e in by_dir.get(src.path[:at + 1], ()):
                if any(e.selects(ns, labels) for ns, labels in src.pod_labels):
                    _HOMES[(path, e.kind, e.name, e.selector)] = path[:path.rfind("/") + 1]
            at = src.path.rfind("/", 0, at)
_FILE_SUFFIXES = (".yaml", ".yml", ".json")
# what reaches across deployments by its namespace or by name: a namespace's LimitRange, a serving runtime
_ANY_UNIT = frozenset({LIMIT_RANGE, RUNTIME_RUN, RUNTIME_SHADOWED})


def reaches(e: Exposure, path: str, pod_file: str) -> bool:
    """Whether what the file `path` exposes may reach the pods of the file `pod_file` it selects
    (`Exposure.selects`). An Ingress whose namespace is unwritten goes, with its Service, to whatever
    namespace it is applied to: it pairs only with the pods of files close to its own (`_close`), as a
    binding to every ServiceAccount does (`_in_group`), never across unrelated parts of a tree (one
    team's Ingress and another team's Deployment). A LimitRange whose namespace is unwritten goes to the
    namespace `kubectl apply -f DIR` (`-R`, `-k`) puts the objects of one directory in: it gives its default
    memory limit to the pods of no written namespace of files of its own directory only (a sibling directory
    is applied on its own, maybe into another namespace). A TrainJob's (InferenceService's) run of a runtime
    template reaches a cluster-scoped runtime of that name anywhere in the scan, and a namespaced one of its
    written namespace; with neither namespace written, one of a file close to its own, as an Ingress."""
    if e.kind == LIMIT_RANGE:
        return e.namespace is not None or _same_dir(path, pod_file)
    if e.kind == RUNTIME_RUN:
        return (e.via or "").startswith("Cluster") or e.namespace is not None or _close(path, pod_file)
    if e.kind == RUNTIME_SHADOWED:  # (the runtime's own file: `Exposure.completed`)
        return path == pod_file
    return e.kind not in ROUTE_KINDS or e.namespace is not None or _close(path, pod_file)


def _same_dir(a: str, b: str) -> bool:
    """Whether the files `a` and `b` are in one directory."""
    a, b = a.replace("\\", "/"), b.replace("\\", "/")
    return a[:a.rfind("/") + 1] == b[:b.rfind("/") + 1]


_BY_LABEL: list[Any] = [None, {}]  # the last `found` list asked about, and its Services by first label


def _by_first_label(found: list[tuple[str, Exposure]]) -> dict[tuple[str, str], list[tuple[str, Exposure]]]:
    """`found`'s Services by the first (key, value) of their selector (one with none selects nothing);
    made once for the list every file of a scan is asked about with."""
    if _BY_LABEL[0] is not found:
        index: dict[tuple[str, str], list[tuple[str, Exposure]]] = {}
        for path, e in found:
            if e.selector:
                index.setdefault(e.index_label, []).append((path, e))
            elif e.kind == LIMIT_RANGE:  # (by its namespace: no label is that)
                index.setdefault((LIMIT_RANGE, e.namespace), []).append((path, e))
        _BY_LABEL[:] = [found, index]
    return _BY_LABEL[1]  # type: ignore[no-any-return]


def link_services(sources: list[SourceFile]) -> None:
    """A pod is reachable through a LoadBalancer/NodePort Service of any scanned file that selects
    it; a Service of another file is located there (`Loc.file`)."""
    found = exposures(sources)
    if not found:
        return
    from glmlint.parsers.kubernetes import expose

    stamped: list[tuple[str, Any]] | None = None  # each Service stamped with its file, once
    for src in sources:
        if not exposed_elsewhere(src, found):
            continue
        if stamped is None:
            stamped = [(path, stamp(e, path)) for path, e in found]
        others = [e for path, e in stamped if foreign(path, e, src.path)]
        src.workloads = [expose(w, others) for w in src.workloads]


def dockerfiles(sources: list[SourceFile]) -> dict[str, SourceFile]:
    """The parsed Dockerfiles among `sources`, by `image_key`: what `images_for` looks in."""
    return {image_key(s.disk_path): s for s in sources
            if s.format is Format.DOCKERFILE and s.workloads and s.disk_path}


def images_for(src: SourceFile, index: dict[str, SourceFile]) -> list[SourceFile]:
    """The Dockerfiles of `index` that `src` (a compose file) is built from: what to link a
    re-parse of `src` with."""
    if not index:
        return []
    return [index[key] for key in sorted(wanted(src)) if key in index]


def cluster_peers(src: SourceFile, sources: list[SourceFile]) -> list[SourceFile]:
    """The other files whose RBAC objects and ServiceAccounts a re-parse of `src` (a manifest with
    pods) is linked with."""
    if not src.pods:
        return []
    return [s for s in sources if s.path != src.path and (s.bindings or s.accounts or s.roles)]


def link(sources: list[SourceFile], memo: dict[str, dict[str, Any]] | None = None) -> None:
    """Link the compose services of `sources` to the images they build, the Services and the cluster
    objects. `memo`: the Dockerfiles' stamped final stages and `build.target` stages, kept across
    calls that link with the same Dockerfile sources (the fix engine relinks each re-parse of a
    compose file with the same images)."""
    link_services(sources)
    link_cluster(sources)
    images = {}
    by_key: dict[str, SourceFile] = {}
    for src in sources:
        if src.format is Format.DOCKERFILE and src.workloads and src.disk_path:
            images[image_key(src.disk_path)] = src.workloads[0]
            by_key[image_key(src.disk_path)] = src
    if not images:
        return
    # each image stamped with its file once, for all services built from it; the image of a
    # `build.target` stage, by Dockerfile and stage
    stamped: dict[str, Workload] = memo.setdefault("stamped", {}) if memo is not None else {}
    targets: dict[str, Workload | None] = memo.setdefault("targets", {}) if memo is not None else {}
    for src in sources:
        if src.format is not Format.COMPOSE or not src.disk_path:
            continue
        for i, w in enumerate(src.workloads):
            key = _built_from(src, w)
            image = images.get(key) if key is not None else None
            given = _given_args(w)
            if image is not None and w.build is not None and not w.user.explicit:
                given.update(_not_passed(w, image))
            if image is not None and key is not None and w.build is not None and (w.build.target or given):
                target = w.build.target
                dockerfile, key = by_key[key], f"{key}\0{target or ''}\0{sorted(given.items())}"
                if key not in targets:
                    targets[key] = _target_stage(dockerfile, target, given)
                image = targets[key]  # None: no such stage, `docker compose build` fails and nothing runs
            if image is not None and key is not None:
                if key not in stamped:
                    stamped[key] = stamp(image, image.path)
                src.workloads[i] = inherit(w, image, stamped[key])


def _target_stage(dockerfile: SourceFile, target: str | None, given: dict[str, str] | None = None
                  ) -> Workload | None:
    """The image `docker build --target <target> --build-arg ...` builds from `dockerfile`: that stage
    (else the last) as the final one (its chain's `USER`, `CMD`, files), with the given build
    arguments; None when the Dockerfile has no such stage."""
    from glmlint.parsers import dockerfile as parser

    if target and not any(s.lower() == target.lower() for s in _stage_names(dockerfile.text)):
        return None
    try:
        return parser.parse(dockerfile.path, dockerfile.text, dockerfile.disk_path, target=target,
                            given=given).workloads[0]
    except parser.DockerfileError:
        return None


def _given_args(service: Workload) -> dict[str, str]:
    """The compose service's `build.args` whose value is known (written in the file, not a variable
    nobody sets here, not a bare name taken from the host), by name; the last one wins."""
    return {a.name: a.value for a in service.build_args if a.value is not None and not a.dynamic}


def _not_passed(service: Workload, image: Workload) -> dict[str, str]:
    """The build arguments the image's `USER` reads (`ARG UID` with no default, `USER $UID`) that the
    compose service does not pass, each empty: Compose passes a build exactly its `build.args`
    (a bare name's value from the environment; docker/compose `build.args`), so an `ARG` with no
    default that it does not name is empty in the build, and so is the `USER` word."""
    user = image.user.value
    if user is None or "$" not in user.raw:
        return {}
    from glmlint.parsers.dockerfile import _VAR

    passed = {a.name for a in service.build_args}
    bare = {a.name for a in image.build_args if a.value is None and not a.dynamic}
    return {name: "" for m in _VAR.finditer(user.raw)
            if (name := m.group("b") or m.group("n")) in bare and name not in passed}


def _stage_names(text: str) -> list[str]:
    """The `AS` names of a Dockerfile's stages, cheaply (without building the stages)."""
    out = []
    for line in text.splitlines():
        words = line.split()
        if len(words) >= 4 and words[0].upper() == "FROM" and words[-2].upper() == "AS":
            out.append(words[-1])
    return out


def inherit(service: Workload, image: Workload, img: Workload | None = None) -> Workload:
    """`service` with what it takes from the image built from `image` (a Dockerfile's final stage);
    `img`: `image` already stamped with its file (`stamp(image, image.path)`)."""
    from glmlint.shell import file_writes, from_argv

    if img is None:
        img = stamp(image, image.path)
    changes: dict[str, Any] = {"build_steps": img.build_steps + service.build_steps,
                               "env": img.env + service.env, "copied_in": img.copied_in,
                               "copy_owners": img.copy_owners}
    if not service.user.explicit:
        user = image.user
        changes["user"] = Setting(user.value, service.anchor, explicit=False, path=service.user.path,
                                  origin=f"{image.path}:{user.loc.line}")
    if service.base_image is None:
        changes["base_image"] = image.base_image
    if service.workdir is None and image.workdir is not None:
        changes["workdir"] = image.workdir  # the image's WORKDIR, unless the service sets its own
    own_files = set(file_writes(image.process, image=image.base_image))
    image_files = tuple(f for f, raw in zip(img.files, image.files) if raw not in own_files)
    process = service.process
    if not service.entrypoint.explicit:
        ep = img.entrypoint.value or ()
        if not service.command.explicit:
            process = img.process  # the image's ENTRYPOINT + CMD
        elif ep and _shell_form(ep):
            process = img.process  # a shell-form ENTRYPOINT ignores the CMD
        elif ep:
            words = ep + (service.command.value or ())
            process = tuple(from_argv(words, words[0].loc))
        elif img.entrypoint.value is None and service.command.value and image.base_image:
            # no ENTRYPOINT in the build: the command is the arguments of its base image's own (the image
            # catalog's `entrypoint` fact: distroless python3's python), as the Dockerfile's CMD is
            from glmlint.catalog.images import fact

            known = fact(image.base_image, "entrypoint")
            if known is not None and isinstance(known.value, list) and known.value:
                at = service.command.loc
                process = tuple(from_argv((*(Word(str(t), at) for t in known.value), *service.command.value), at))
    changes["process"] = tuple(process)
    drop = image.privilege_drop
    if drop is not None and service.privilege_drop is None and not service.entrypoint.explicit and (
            not service.command.explicit or drop.path == image.entrypoint.path):
        # the image's ENTRYPOINT (or, with no `command:`, its CMD) still switches to its user
        changes["privilege_drop"] = Setting(drop.value, service.anchor, explicit=False,
                                            origin=f"{image.path}:{drop.loc.line}" if drop.origin is None
                                            else drop.origin)
    changes["files"] = image_files + tuple(file_writes(process, image=image.base_image))
    return records.replace(service, **changes)


def _shell_form(words: tuple[Word, ...]) -> bool:
    """A shell-form instruction: the parser gives every word of `sh -c <text>` the instruction's location."""
    return len(words) > 1 and len({w.loc for w in words}) == 1


def stamp(value: Any, file: str) -> Any:
    """`value` with every location in it marked as being in `file`."""
    cls = type(value)
    if cls in _LEAVES:  # (most fields: no call for them, ~half of the calls on the corpus)
        return value
    if isinstance(value, Loc):
        return value if value.file else Loc(value.line, value.col, file)
    if isinstance(value, tuple):
        return tuple([v if v.__class__ in _LEAVES else stamp(v, file) for v in value])
    names = _FIELD_NAMES.get(cls)
    if names is None:
        names = _FIELD_NAMES[cls] = (
            records.fields(value) if records.is_record(value) else ())
    if names:
        changes = {}
        for name in names:
            old = getattr(value, name)
            if old.__class__ in _LEAVES:
                continue
            new = stamp(old, file)
            if new is not old:
                changes[name] = new
        return records.replace(value, **changes) if changes else value
    return value


_FIELD_NAMES: dict[type, tuple[str, ...]] = {}  # a dataclass type's fields (none: not a dataclass instance)
# values with no location in them, returned as they are (not subclasses: an `IntEnum`, a `str` enum go
# through `stamp` as before)
_LEAVES = frozenset({str, int, bool, float, type(None)})


# -- the cluster: bindings -> roles and subjects, pods -> ServiceAccounts ----------------------
#
# Kubernetes objects link by name across files: a binding's `roleRef` names a role, its
# subjects name ServiceAccounts, a pod names its ServiceAccount, an aggregated ClusterRole
# collects the ClusterRoles its label selectors match. Only what the scan holds is known:
# a role that is not in the scan grants nothing glmlint can see (the built-in
# `cluster-admin` excepted, whose meaning is fixed). An object without `metadata.namespace`
# goes to whatever namespace it is applied to (kustomize's `namespace:`, `kubectl -n`): a pod
# and a binding subject in the same written namespace match; when either namespace is
# unwritten (or the subject's is `default`, where `kubectl apply` puts an unnamespaced pod), they
# match only when their files are close (the same directory, or directories with a common
# parent: a kustomize base's `rbac/` and `manager/`), never across unrelated parts of a tree.


def _same_ns(pod: str | None, subject: str | None, pod_file: str, binding_file: str) -> bool:
    """Whether a pod (or ServiceAccount) in namespace `pod` is the ServiceAccount subject in `subject`."""
    if pod is not None and subject is not None:
        return pod == subject
    if pod is not None and subject is None:
        return _close(pod_file, binding_file)
    return (subject is None or subject == "default") and _close(pod_file, binding_file)


def _close(a: str, b: str) -> bool:
    """The same directory, or sibling directories (one common parent)."""
    if "\\" in a:
        a = a.replace("\\", "/")
    if "\\" in b:
        b = b.replace("\\", "/")
    da, pa = _dirs.get(a) or _dirs_of(a)
    db, pb = _dirs.get(b) or _dirs_of(b)
    # each directory as the length of the path that names it (`_dirs_of`): compared as prefixes
    return ((da == db and a[:da] == b[:db]) or (pa == pb and a[:pa] == b[:pb]) or (pa == db and a[:pa] == b[:db])
            or (da == pb and a[:da] == b[:pb]))


# each file's directory and that directory's parent (`_close`), as the length of the file's path
# that names each (`posixpath.dirname`'s, without its strings): the scan's link asks about the same
# few hundred files for every pod and binding subject they may pair (~12,000 `dirname`s on the
# corpus); emptied once a scan's link is done (`forget`). As two new strings a directory, the table
# held ~0.6 MB at 4x the corpus until the link was done (issue 12); one shared pair of ints now
_dirs: dict[str, tuple[int, int]] = {}
_pairs: dict[tuple[int, int], tuple[int, int]] = {}


def _dirname_len(path: str, end: int) -> int:
    """`len(posixpath.dirname(path[:end]))`."""
    i = path.rfind("/", 0, end) + 1
    j = i
    while j and path[j - 1] == "/":
        j -= 1
    return j if j else i  # (a head of slashes only is kept whole)


def _dirs_of(path: str) -> tuple[int, int]:
    if len(_dirs) >= 4096:
        _dirs.clear()
    d = _dirname_len(path, len(path))
    pair = (d, _dirname_len(path, d))
    got = _dirs[path] = _pairs.setdefault(pair, pair)
    return got


def forget() -> None:
    """Empty what the link keeps between calls to look things up faster (a scan's link is done)."""
    _dirs.clear()
    _pairs.clear()


def _role_ns(role: str | None, binding: str | None) -> bool:
    return role is None or binding is None or role == binding


def _selects(selector: tuple[tuple[str, str, tuple[str, ...]], ...], labels: dict[str, str]) -> bool:
    for key, op, values in selector:
        if op == "In" and labels.get(key) not in values:
            return False
        if op == "NotIn" and labels.get(key) in values:
            return False
        if op == "Exists" and key not in labels:
            return False
        if op == "DoesNotExist" and key in labels:
            return False
        if op not in ("In", "NotIn", "Exists", "DoesNotExist"):
            return False
    return bool(selector)


def aggregate(roles: list[Role]) -> list[Role]:
    """Each aggregated ClusterRole with the rules of the scanned ClusterRoles of its own project
    (`_unit`) its selectors match (as the controller does, following aggregated roles that aggregate
    others): the scan cannot tell which projects share a cluster (another repository's roles that carry
    the label)."""
    if all(r.aggregation is None for r in roles):
        return list(roles)
    cluster = [r for r in roles if r.kind == "ClusterRole"]
    labels = {id(r): dict(r.labels) for r in cluster}  # each ClusterRole's labels as a dict, made once (not per selector)
    return [role if role.aggregation is None else _aggregated(role, cluster, labels) for role in roles]


def _aggregated(role: Role, cluster: list[Role], labels: dict[int, dict[str, str]]) -> Role:
    """`role` (an aggregated ClusterRole) with the rules of the ClusterRoles of `cluster` (their
    `labels` by id) its selectors match, following those that aggregate others."""
    collected: list[tuple[PolicyRule, str]] = []
    seen = {id(role)}
    todo = [role]
    while todo:
        cur = todo.pop()
        for other in cluster:
            # every matching ClusterRole of the scan, another project's too: the clusterrole-aggregation
            # controller collects from the whole cluster, and the label is how an operator contributes
            if id(other) in seen or not any(_selects(sel, labels[id(other)]) for sel in cur.aggregation or ()):
                continue
            seen.add(id(other))
            collected.extend((r, other.label if other.path == role.path else f"{other.label} in `{other.path}`")
                             for r in other.rules)
            if other.aggregation is not None:
                todo.append(other)
    return records.replace(role, aggregated=tuple(collected))


def link_cluster(sources: list[SourceFile], targets: list[SourceFile] | None = None) -> None:
    """Fill `PodIdentity.account` and `PodIdentity.grants` in `targets` (default: all) from every source's objects."""
    roles = aggregate([r for s in sources for r in s.roles])
    bindings = [b for s in sources for b in s.bindings]
    accounts = [a for s in sources for a in s.accounts]
    if not bindings and not accounts:
        return
    cluster = _Cluster(roles, bindings, accounts)
    for src in targets if targets is not None else sources:
        if src.pods:
            src.pods[:] = [_link_pod(pod, src.path, cluster) for pod in src.pods]


class _Cluster:
    """The scan's roles, bindings and ServiceAccounts, indexed by the names a pod is linked by
    (each list in scan order, so that the first match is the one a linear search finds)."""

    def __init__(self, roles: list[Role], bindings: list[Binding], accounts: list[ServiceAccount],
                 lazy: bool = False, loader: Callable[[tuple[str, str] | None], list[Role]] | None = None) -> None:
        self.roles: dict[tuple[str, str], list[Role]] = {}
        for r in roles:
            self.roles.setdefault((r.kind, r.name), []).append(r)
        # `lazy`: `roles` as parsed, each aggregated ClusterRole aggregated when first asked for (`roles_of`)
        self._pending: set[tuple[str, str]] = {
            key for key, got in self.roles.items() if any(r.aggregation is not None for r in got)} if lazy else set()
        self._cluster_roles = [r for r in roles if r.kind == "ClusterRole"] if self._pending else []
        self._labels: dict[int, dict[str, str]] | None = None
        # the roles of a (kind, name) when first asked for, as parsed (None: every ClusterRole of the
        # scan), each role one object whenever asked; None: `roles` are all of them
        self._load = loader
        self.accounts: dict[str, list[ServiceAccount]] = {}
        for a in accounts:
            self.accounts.setdefault(a.name, []).append(a)
        # ServiceAccount name -> the bindings with a subject naming a ServiceAccount of that name, each once
        self.bindings: dict[str, list[Binding]] = {}
        # the bindings with a group subject that ServiceAccounts are in (`system:serviceaccounts[:<ns>]`,
        # `system:authenticated`), whatever their names
        self.groups: list[Binding] = []
        # (role kind, role name) -> the projects (`_unit`) with a binding naming it: a role of another project
        # that project binds itself is that project's, not one applied from elsewhere (`_role_of`)
        self.bound_in: dict[tuple[str, str], set[str]] = {}
        for b in bindings:
            self.bound_in.setdefault((b.role_kind, b.role_name), set()).add(_unit(b.path))
            for name in dict.fromkeys(a[0] for s in b.subjects if (a := one_account(s.kind, s.name, s.namespace))):
                self.bindings.setdefault(name, []).append(b)
            if any(accounts_group(s.kind, s.name) for s in b.subjects):
                self.groups.append(b)
        self._links: dict[str, _Links] = {}  # (`links`) made for a ServiceAccount name when first asked

    def roles_of(self, key: tuple[str, str]) -> list[Role] | tuple[()]:
        """The roles of this (kind, name), aggregated (`aggregate`)."""
        if self._load is not None and key not in self.roles:
            loaded = self.roles[key] = self._load(key)
            if any(r.aggregation is not None for r in loaded):
                self._pending.add(key)
                if not self._cluster_roles:
                    self._cluster_roles = self._load(None)
        got = self.roles.get(key, ())
        if key in self._pending:
            self._pending.discard(key)
            if self._labels is None:
                self._labels = {id(r): dict(r.labels) for r in self._cluster_roles}
            got = self.roles[key] = [r if r.aggregation is None else _aggregated(r, self._cluster_roles, self._labels)
                                     for r in got]
        return got


class _Links:
    """Where a pod with one ServiceAccount name links to something of a cluster (`links`), as sets:
    the namespaces that link whatever the pod's file, and the files whose directories do (`_close`,
    through their directories and parents). A pod of a file at `path` links to one of these files
    exactly when its directory or its parent is the file's directory or parent."""

    __slots__ = ("namespaces", "paths", "default_paths", "near", "near_unset")

    def __init__(self, cluster: _Cluster, account: str) -> None:
        self.namespaces: set[str] = set()  # a pod in one of these (its namespace set) links
        self.paths: set[str] = set()  # a pod of one of these files, its namespace set, links
        self.default_paths: set[str] = set()  # a pod of one of these files, no namespace, links
        near: list[str] = []  # a pod with a namespace links when close to one of these files
        near_unset: list[str] = []  # a pod without one links when close to one of these files
        for a in cluster.accounts.get(account, ()):
            if a.namespace is not None:
                self.namespaces.add(a.namespace)
                if a.namespace == "default":
                    self.default_paths.add(a.path)
            else:
                self.paths.add(a.path)
                near_unset.append(a.path)
        for b in cluster.bindings.get(account, ()):
            for s in b.subjects:
                one = one_account(s.kind, s.name, s.namespace)
                if one is not None and one[0] == account:
                    if one[1] is not None:
                        self.namespaces.add(one[1])
                    else:
                        near.append(b.path)
                    if one[1] is None or one[1] == "default":
                        near_unset.append(b.path)
        self.near = _near(near)
        self.near_unset = _near(near_unset)


def _near(paths: list[str]) -> tuple[frozenset[str], frozenset[str]]:
    """The directories of `paths` and their parents (`_close` with any of them)."""
    pairs = [_dir_names(p) for p in paths]
    return frozenset(d for d, _p in pairs), frozenset(p for _d, p in pairs)


def _dir_names(path: str) -> tuple[str, str]:
    """`path`'s directory and that directory's parent, named as `_close` compares them."""
    if "\\" in path:
        path = path.replace("\\", "/")
    d, parent = _dirs.get(path) or _dirs_of(path)
    return path[:d], path[:parent]


def _in_group(b: Binding, namespace: str | None, path: str) -> bool:
    """Whether a group subject of `b` holds the ServiceAccounts of a pod of `path` in `namespace`: a group of one
    namespace's ServiceAccounts, as a ServiceAccount subject of that namespace (`_same_ns`); a group of every
    ServiceAccount, for the pods of the binding's own namespace and, as the scan cannot know which pods share a
    cluster, those of files close to the binding's (`_close`)."""
    for s in b.subjects:
        group = accounts_group(s.kind, s.name)
        if group is None:
            continue
        ns = group[0]
        if ns is not None and _same_ns(namespace, ns, path, b.path):
            return True
        if ns is None and ((namespace is not None and namespace == b.namespace) or _close(path, b.path)):
            return True
    return False


def _link_pod(pod: PodIdentity, path: str, cluster: _Cluster) -> PodIdentity:
    name = pod.service_account.value
    account = next((a for a in cluster.accounts.get(name, ())
                    if _same_ns(pod.namespace, a.namespace, path, a.path)
                    and (a.namespace == pod.namespace or a.path == path)), None)
    grants = []
    named = cluster.bindings.get(name, [])
    groups = cluster.groups
    if groups:
        # (by identity: a group binding equal to a binding naming the account names it too, so is one of
        # `named`; asked by record equality, ~3,000 `__eq__`s on the corpus)
        ids = {id(b) for b in named}
        candidates = named + [b for b in groups if id(b) not in ids]
    else:
        candidates = named
    theirs = None  # `_theirs_too` for this pod (its account and project): asked once, when first needed
    for b in candidates:
        if not (any((one := one_account(s.kind, s.name, s.namespace)) is not None and one[0] == name
                    and _same_ns(pod.namespace, one[1], path, b.path) for s in b.subjects)
                or (groups and _in_group(b, pod.namespace, path))):
            continue
        if not _same_unit(path, b.path) and not _close(path, b.path):
            if theirs is None:
                theirs = _theirs_too(name, path, cluster)
            if not theirs:
                continue  # another project's binding of an account that is not this project's to share
        grants.append(Grant(b, _role_of(b, cluster)))
    grants.sort(key=lambda g: (g.binding.path != path, not _close(path, g.binding.path)))  # the nearest first
    if len(grants) > 1:
        grants = _one_per_name(grants)
    return records.replace(pod, account=account, grants=tuple(grants))


def _one_per_name(grants: list[Grant]) -> list[Grant]:
    """`grants` (the nearest first) less each binding of a kind and name (and written namespace, for a
    RoleBinding) a nearer one already has: a cluster holds one ClusterRoleBinding of a name and one
    RoleBinding of a name per namespace, so a same-named binding of another file or build (a project's
    chart and its kubebuilder `config/rbac/`, two installs of one operator) is another version of the
    pod's nearer one, never a second grant of its account."""
    seen: set[tuple[str, str, str | None]] = set()
    out = []
    for g in grants:
        b = g.binding
        key = (b.kind, b.name, b.namespace if b.kind == "RoleBinding" else None)
        if key not in seen:
            seen.add(key)
            out.append(g)
    return out


def _theirs_too(account: str, path: str, cluster: _Cluster) -> bool:
    """Whether a binding of another project (`_unit`) than the pod's (of `path`) that names its ServiceAccount
    `account` may be the one the pod is deployed with: the namespace a binding and a pod both write says
    nothing of whether they share a cluster (a corpus of repositories side by side, a monorepo's projects).
    Not for `default` (every namespace has its own, which no manifest creates: another project's binding
    of it is for that project's own pods), nor for an account the pod's own project binds (its own binding
    is the one it is deployed with); else yes (a repository's `config/rbac/` with the pods of
    `deploy/prod/`, scanned at its root; a monorepo's app that creates its ServiceAccount beside its
    Deployment, bound from `platform/`: creating the account is what that binding applies to)."""
    if account == "default":
        return False
    unit = _unit(path)
    return not any(_unit(b.path) == unit for b in cluster.bindings.get(account, ()))


def _role_of(b: Binding, cluster: _Cluster) -> Role | None:
    """The role `b`'s `roleRef` names, as the scan holds it: a ClusterRole, or a Role of the binding's
    namespace (either unwritten: whatever it is applied to), of the binding's own project (`_unit`), the
    nearest: its own file's, then one of a file close to its own (`_close`), then the first of the scan's
    order. Names repeat across projects (every kubebuilder operator's `manager-role`, `proxy-role`,
    `leader-election-role`): one of another project of the scan that project binds itself, or one whose
    name several other projects hold, is not the one the binding is applied with; the one role of that
    name, in a directory that binds nothing to it, is (a repository's `config/rbac/` bound from `deploy/prod/`)."""
    best, rank, units = None, 4, set()
    for r in cluster.roles_of((b.role_kind, b.role_name)):
        if not (r.kind == "ClusterRole" or _role_ns(r.namespace, b.namespace)):
            continue
        if r.path == b.path:
            return r
        near = 1 if _close(r.path, b.path) else 2 if _same_unit(r.path, b.path) else 3
        if near == 3:
            units.add(_unit(r.path))
        if near < rank:
            best, rank = r, near
    if rank == 3 and (len(units) > 1 or units & cluster.bound_in.get((b.role_kind, b.role_name), set())):
        return None
    return best


def _unit(path: str) -> str:
    """The project a file of the scan is in: the top-level directory of the scan root (the current
    directory) it is under; "" for a file of the root itself or outside it (an absolute path)."""
    head, slash, _rest = path.replace("\\", "/").partition("/")
    return head if slash and head not in ("", ".", "..") and ":" not in head else ""


def _same_unit(a: str, b: str) -> bool:
    """Whether the files `a` and `b` are of one project (`_unit`): a monorepo scanned at its root holds one
    project in each top-level directory; a file of the root, or outside it, may be of any."""
    ua, ub = _unit(a), _unit(b)
    return ua == ub or not ua or not ub


def cluster_of(sources: list[SourceFile]) -> _Cluster | None:
    """The scan's roles (aggregated), bindings and ServiceAccounts, indexed as `link_cluster` links
    pods with them; None when there is no binding and no ServiceAccount (a pod links to nothing)."""
    return cluster_from([r for s in sources for r in s.roles], [b for s in sources for b in s.bindings],
                        [a for s in sources for a in s.accounts])


def cluster_from(roles: list[Role], bindings: list[Binding], accounts: list[ServiceAccount],
                 loader: Callable[[tuple[str, str] | None], list[Role]] | None = None) -> _Cluster | None:
    """`cluster_of` the scan's roles (as parsed), bindings and ServiceAccounts, in the scan's order;
    `loader`: the roles instead, each (kind, name)'s when first asked for (`_Cluster.roles_of`)."""
    if not bindings and not accounts:
        return None
    # each aggregated ClusterRole aggregated when a binding a pod links to names it (`_Cluster.roles_of`),
    # not all first: at 4x the corpus through symlinks, each collects the rules of four copies'
    # ClusterRoles (~0.35 MB that no pod linked to, issue 12)
    return _Cluster(roles, bindings, accounts, lazy=True, loader=loader)


def may_grant(b: Binding, accounts: set[str]) -> bool:
    """Whether `b` may grant a pod whose ServiceAccount's name is one of `accounts` (`_link_pod`): a
    subject naming one of them, or a group of ServiceAccounts. A binding that may not is never read
    by the link of such pods: linking them with a cluster without it links them as with it."""
    return any((one := one_account(s.kind, s.name, s.namespace)) is not None and one[0] in accounts
               or accounts_group(s.kind, s.name) is not None for s in b.subjects)


def links(cluster: _Cluster | None, account: str, namespace: str | None, path: str) -> bool:
    """Whether a pod of `path` in `namespace` with ServiceAccount `account` links to anything of
    `cluster` (`_link_pod` gives it an account or a grant): when not, the link leaves it as parsed."""
    if cluster is None:
        return False
    # what `_same_ns` decides for each ServiceAccount and binding subject of that name, from sets made
    # once per name (`_Links`): a pod asked about every binding naming `default` (~160 files' pods
    # on the corpus, in the serial end of a pooled scan)
    if cluster.groups and any(_in_group(b, namespace, path) for b in cluster.groups):
        return True
    got = cluster._links.get(account)
    if got is None:
        if account not in cluster.accounts and account not in cluster.bindings:
            return False
        got = cluster._links[account] = _Links(cluster, account)
    if namespace is not None:
        if namespace in got.namespaces or path in got.paths:
            return True
        dirs, parents = got.near
    else:
        if path in got.default_paths:
            return True
        dirs, parents = got.near_unset
    if not dirs:
        return False
    d, parent = _dir_names(path)
    return d in dirs or parent in parents or parent in dirs or d in parents


def part_of(cluster: _Cluster | None, accounts: set[str]) -> _Cluster | None:
    """What of `cluster` pods with these ServiceAccounts link to (their accounts, the bindings naming
    them and the roles those bindings name): linking with it links them as with the whole."""
    if cluster is None:
        return None
    part = _Cluster([], [], [])
    part.groups = cluster.groups
    for b in cluster.groups:
        key = (b.role_kind, b.role_name)
        if got := cluster.roles_of(key):
            part.roles[key] = got  # type: ignore[assignment]
    for name in accounts:
        if name in cluster.accounts:
            part.accounts[name] = cluster.accounts[name]
        for b in cluster.bindings.get(name, ()):
            part.bindings.setdefault(name, []).append(b)
            key = (b.role_kind, b.role_name)
            if got := cluster.roles_of(key):
                part.roles[key] = got  # type: ignore[assignment]
    return part


def link_pods(src: SourceFile, cluster: _Cluster | None) -> None:
    """`link_cluster` for one file, with a cluster already made (`cluster_of`, `part_of`)."""
    if cluster is not None and src.pods:
        src.pods[:] = [_link_pod(pod, src.path, cluster) for pod in src.pods]


def linked_pods(pods: list[PodIdentity], path: str, cluster: _Cluster | None) -> list[PodIdentity]:
    """`pods` (of `path`) as `link_cluster` links them, with a cluster already made (`cluster_of`)."""
    return pods if cluster is None else [_link_pod(pod, path, cluster) for pod in pods]


# -- a Secret's readers in the files applied with it ------------------------------------------------
#
# `kubectl apply -f k8s/` creates every object of the directory's files, in one namespace when they write
# none: a Deployment of `k8s/deployment.yaml` reads the Secret of `k8s/secret.yaml` by name, as it would in
# one file. A file's Secrets are linked to the workloads of the Kubernetes files of its own directory (not
# those of other directories: `-f` reads one directory's files, and two directories side by side are often
# two examples, two tests, two projects), read there when a Secret holds a literal no workload of its own
# file reads (`glmlint.rules.glm013_secret_in_env`): nothing about them is kept in the scan's per-file state,
# and a file checked alone finds its readers too. A directory beside it (`deploy/apps/` beside
# `deploy/secrets/`, both created by `kubectl apply -R -f deploy/`) is read too, for a workload that names
# the Secret's own namespace as the Secret does (`SecretRead.apart`): the same object wherever each is
# applied from; a reader of no written namespace there may be another example's, and is not linked.
_NEAR_FILES = 200  # at most this many files read beside one Secret's file
_NEAR_DIRS = 16  # ...and at most this many directories beside its own, each at most `_NEAR_FILES` files
_NEAR_BYTES = 512 * 1024
# a file with none reads no Secret (KServe's storage initializer reads a predictor's `storageUri` credentials from
# its ServiceAccount's Secrets: `kubernetes._kserve_reads`)
_READS_SECRETS = ("secretKeyRef", "secretRef", "redisPassword", "storageUri", "STORAGE_URI")


def nearby_secret_reads(disk_path: str, names: set[str], accounts: Sequence[Any] = (),
                        applied: Sequence[str] = (), namespaces: Sequence[str] = ()) -> list[Any]:
    """What the Kubernetes files beside the one at `disk_path` (in its directory, not itself; and those `applied`
    names, files or directories, for a script's Secrets: `Secret.applied_with`) read of the Secrets named `names`
    into their workloads' environment (`kubernetes.secret_reads`), a read through a ServiceAccount named in
    `names` made a read of the Secrets it lists when it is one of `accounts` (the file's: a KServe predictor's
    storage initializer, `kubernetes.through_accounts`); with the reads of `namespaces` (those the Secrets write)
    in the directories beside that one (`_sibling_files`, when they lie in the scanned tree:
    `parsers.base.within_scan`), marked `apart`. Only a file that may read a Secret is parsed, outside a scan only
    one whose text holds one of the names (~0.01 of a corpus scan's time, where every file with a Secret in it was
    ~0.1 s of 2.8); in a scan each file is read and parsed at most once, whatever the names asked (`scan_memo`: its
    reads, not its text)."""
    from glmlint.parsers.base import scan_memo, within_scan

    here = os.path.abspath(disk_path)
    dirs = scan_memo("secret_dirs")  # (each directory's files, and those of the directories beside it, once a scan)
    paths = list(_yaml_files(os.path.dirname(here), dirs))
    for place in applied:
        if within_scan(place):
            paths.extend(_yaml_files(place, dirs) if os.path.isdir(place) else [place])
    near = set(paths)
    # (the directories beside its own, when they lie in the scanned tree: beside a scan root are other checkouts)
    if namespaces and within_scan(os.path.dirname(os.path.dirname(here))):
        paths.extend(_sibling_files(os.path.dirname(here), dirs))
    memo = scan_memo("secret_reads")
    out: list[Any] = []
    written: set[str] = set()  # the Secrets another file of the directory writes too
    elsewhere: set[str] = set()  # ...or of a directory beside it (a reader there may be that one's)
    for path in dict.fromkeys(paths):
        if path == here:
            continue
        got = memo.get(path) if memo is not None else None
        if got is None:
            # in a scan, what the file reads whatever the names asked (each file read once a scan, its reads kept,
            # not its text); alone, only a file whose text holds one of them is parsed
            text = _text_naming(path, None if memo is not None else names)
            if text is None:
                if memo is not None:
                    memo[path] = ([], set())  # (it reads no Secret, whatever its name)
                continue
            got = _secret_reads_of(path, text)
            if memo is not None:
                memo[path] = got
        if path in near:
            out.extend(r for r in got[0] if r.secret in names)
            written.update(got[1])
        else:  # (beside its directory: a workload of a namespace one of the Secrets writes)
            out.extend(r._replace(apart=True) for r in got[0] if r.secret in names and r.namespace in namespaces)
            elsewhere.update(got[1])
    if accounts and any(r.account for r in out):
        import glmlint.parsers.kubernetes as kubernetes

        out = kubernetes.through_accounts(out, list(accounts))
    # a Secret of a name another file writes too is not one object of one deployment (a folder of examples,
    # of tests, each with its own `hf` Secret and reader): which one a reader gets is not known
    return [r for r in out if r.secret not in written and not r.account and not (r.apart and r.secret in elsewhere)]


def _sibling_files(directory: str, memo: dict[Any, Any] | None = None) -> list[str]:
    """The YAML and JSON files of the directories beside `directory` (the first `_NEAR_DIRS` by name, not hidden)."""
    parent = os.path.dirname(directory)
    got = memo.get(("beside", parent)) if memo is not None else None
    if got is None:
        try:
            names = sorted(n for n in os.listdir(parent) if not n.startswith("."))
        except OSError:
            names = []
        got = [d for d in (os.path.join(parent, n) for n in names) if os.path.isdir(d)]
        if memo is not None:
            memo[("beside", parent)] = got
    dirs = [d for d in got if d != directory]
    return [f for d in dirs[:_NEAR_DIRS] for f in _yaml_files(d, memo)]


def _yaml_files(directory: str, memo: dict[Any, Any] | None = None) -> list[str]:
    """The YAML and JSON files of `directory` (the first `_NEAR_FILES`, by name)."""
    got = memo.get(directory) if memo is not None else None
    if got is None:
        try:
            names = sorted(n for n in os.listdir(directory) if n.endswith(_FILE_SUFFIXES))
        except OSError:
            names = []
        got = [os.path.join(directory, n) for n in names[:_NEAR_FILES]]
        if memo is not None:
            memo[directory] = got
    return got  # type: ignore[no-any-return]


def _text_naming(path: str, names: set[str] | None) -> str | None:
    """The text of the file at `path` when it may read one of the Secrets `names` (it holds a name and a word that
    reads a Secret, and is no template; any name when None); None when it reads none, or holds none of these names."""
    try:
        if os.path.getsize(path) > _NEAR_BYTES:
            return None
        with open(path, encoding="utf-8") as fh:
            text = fh.read()
    except (OSError, UnicodeDecodeError):
        return None
    if "{{" in text or not (any(word in text for word in _READS_SECRETS) or "Secret" in text):
        return None
    return text if names is None or any(name in text for name in names) else None


def _secret_reads_of(path: str, text: str) -> tuple[list[Any], set[str]]:
    """The Secret reads of the Kubernetes file at `path` (its `text`) and the names of the Secrets it writes (none
    when it is no such file)."""
    import glmlint.parsers.kubernetes as kubernetes
    import glmlint.parsers.yamlnodes as yamlnodes

    was = kubernetes.unrouted
    try:
        docs = yamlnodes.compose_all(text)
        if not any(kubernetes.is_kubernetes(d) for d in docs):
            return [], set()
        source = kubernetes.parse(path, text, docs, pods=False)
        return (kubernetes.through_accounts(kubernetes.secret_reads(source.workloads, docs), source.accounts),
                {s.name for s in source.secrets})
    except Exception:  # (a file that is not a manifest glmlint reads: it reads and writes no Secret)
        return [], set()
    finally:
        kubernetes.unrouted = was
