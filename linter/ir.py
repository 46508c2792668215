"""The common intermediate representation every parser produces and every rule reads.

A parser turns one source file into a `SourceFile` holding `Workload`s: things
that will run as a container (a Dockerfile's final stage, a compose service, a
Kubernetes container). Each security-relevant setting is a `Setting`: its value,
where it is written (or, for a default, where it *would* be written) and whether
it was set explicitly. Inheritance (pod -> container, stage -> stage, compose
`build:` -> Dockerfile) is resolved by the parsers and the linker, never by rules.
"""
from __future__ import annotations

import enum
import functools
import re
from collections.abc import Callable, Iterator
from typing import Any, Generic, NamedTuple, TypeVar

from glmlint.records import dataclass, field

T = TypeVar("T")


class Format(str, enum.Enum):
    """The kinds of source file glmlint reads."""

    DOCKERFILE = "dockerfile"
    COMPOSE = "compose"
    KUBERNETES = "kubernetes"
    SSHD_CONFIG = "sshd-config"
    DOCKER_RUN = "docker-run"  # `docker run`/`create` command lines in scripts, Makefiles, docs, CI steps

    def __str__(self) -> str:
        return self.value


# A format that writes another format's controls in another syntax. `docker run`
# flags are the Docker Engine's container options, the very ones compose keys set
# (`--cap-drop` is `cap_drop:`, `--read-only` is `read_only:`, `-u` is `user:`):
# a rule declared for compose reads `docker run` workloads too, with no change.
SAME_CONTROLS: dict[Format, Format] = {Format.DOCKER_RUN: Format.COMPOSE}


def formats_read(declared: frozenset[Format]) -> frozenset[Format]:
    """Every format a rule declared for `declared` applies to (`SAME_CONTROLS` added)."""
    return declared | {f for f, same in SAME_CONTROLS.items() if same in declared}


@dataclass(frozen=True, slots=True, order=True)
class Loc:
    """A 1-based position in a source file.

    `file` is empty for the file being read, else the path (as reported) of the
    file a value was inherited from: the linker stamps it on what a compose
    service takes from the Dockerfile it is built from.
    """

    line: int
    col: int = 1
    file: str = ""


# The last element of a `Setting.path` (or `Item.path`) whose value is written inside a string value,
# at the path before it (a YAML document in an Argo `podSpecPatch`): no fix edits inside a string.
INSIDE_TEXT = "<inside the text>"


@dataclass(frozen=True, slots=True)
class Setting(Generic[T]):
    """A value with the place that sets it.

    `explicit` is False for a default: `loc` then points where the setting
    belongs (a workload's anchor, or the owner of an inherited value).
    `path` locates the value in its document for the fix engine: for YAML the
    key path from the document root (ints index sequences), for a Dockerfile
    `("instruction", n)`. `origin` names another file when the value is
    inherited from it (compose `build:` -> Dockerfile); on a default (not
    `explicit`), what supplies the value in its place (the TrainJob that runs
    a training runtime's container gives it its resources).
    """

    value: T
    loc: Loc
    explicit: bool = True
    path: tuple[str | int, ...] = ()
    origin: str | None = None


@dataclass(frozen=True, slots=True)
class Item:
    """One element of a list setting (a capability, a security option)."""

    value: str
    loc: Loc
    path: tuple[str | int, ...] = ()


@dataclass(frozen=True, slots=True)
class User:
    """A user spec as `USER`, `user:` or `runAsUser` give it (`name[:group]`)."""

    raw: str
    name: str
    group: str | None = None

    @classmethod
    def parse(cls, raw: str) -> User:
        name, _, group = raw.strip().partition(":")
        return cls(raw=raw.strip(), name=name, group=group or None)

    @property
    def uid(self) -> int | None:
        return int(self.name) if self.name.isdigit() else None

    @property
    def resolved(self) -> bool:
        """False when the name still holds an unexpanded variable."""
        return "$" not in self.name and self.name != ""

    def is_root(self) -> bool | None:
        """True for root/0, False for any other user, None when unknown."""
        if not self.resolved:
            return None
        if self.uid is not None:
            return self.uid == 0
        # Windows containers: `ContainerAdministrator` is the administrator account (root's peer)
        return self.name == "root" or self.name.lower() == "containeradministrator"


@dataclass(frozen=True, slots=True)
class Word:
    """One shell word after quote removal. `dynamic` if it holds an expansion.

    `loc` is the word's first character as written; `start` where its content
    begins (after an opening quote, or the first line of a YAML block scalar)
    and `indent` the column its further lines start at, so that a script inside
    the word (`sh -c '...'`) is located exactly.
    """

    text: str
    loc: Loc
    dynamic: bool = False
    start: Loc | None = None
    indent: int = 0
    # a YAML folded scalar (`>`, `>-`): where each source line's text lands in `text`, as
    # (row, col in the text, line, col in the file), in order; lines joined by folding share a row
    folds: tuple[tuple[int, int, int, int], ...] = ()
    # the commands run to produce the word's text: `$(curl …)`, `<(curl …)` (shell IR, issue 14)
    substitutions: tuple[Command, ...] = ()


@dataclass(frozen=True, slots=True)
class Redirect:
    op: str  # '>', '>>', '<', '&>', ...
    target: Word


@dataclass(frozen=True, slots=True)
class Command:
    """A simple command as a shell (or an exec-form array) runs it.

    `argv` holds every word, `assignments` the `VAR=x` prefixes. `stdin` is the
    text fed to it when that is known (a heredoc, a here-string, or the output
    of `echo`/`printf`/`cat <<EOF` piped into it). `upstream` holds the commands of
    the pipeline stage before it, whose output it reads (`curl … | sh`: the `sh`
    has the `curl`); each of those has its own `upstream`.
    """

    argv: tuple[Word, ...]
    loc: Loc
    assignments: tuple[tuple[str, str], ...] = ()
    redirects: tuple[Redirect, ...] = ()
    stdin: str | None = None
    upstream: tuple[Command, ...] = ()  # the previous stage of its pipeline (issue 14)
    shell: str = ""  # the shell whose `-c` script holds it (`sh`, `bash`); "": the context's (a RUN's shell)
    stdin_lines: tuple[Loc, ...] = ()  # where each line of a heredoc `stdin` is written (the first character)
    # a heredoc `stdin` whose delimiter is quoted (`<<'EOF'`): its text as written; the shell expands an
    # unquoted one's `$VAR`s, `$(...)`s before the command reads it (POSIX XCU 2.7.4)
    stdin_quoted: bool = False
    # reached through `sudo`, whose `env_reset` (on by default: sudo plugins/sudoers/defaults.c) starts it with
    # a fresh environment: None, not so; else the names of the environment before `sudo` that it keeps
    # (`--preserve-env=EDITOR`). `assignments` then holds only what was set after the reset (`sudo EDITOR=x`);
    # the script's exports and the image's `ENV` before it do not reach it
    env_reset: tuple[str, ...] | None = None
    # the basename of the program (`/usr/sbin/sshd` -> `sshd`), made from `argv` (`__post_init__`): ~15
    # readers ask every command for it, ~226k times on the corpus (a property was ~1% of a scan's CPU,
    # issue 12); not compared, not shown
    name: str = field(default="", compare=False, repr=False)

    def __post_init__(self) -> None:
        text = self.argv[0].text if self.argv else ""
        _SET_COMMAND_NAME(self, text[text.rfind("/") + 1:])

    @property
    def args(self) -> tuple[Word, ...]:
        return self.argv[1:]

    def words(self) -> list[str]:
        return [w.text for w in self.argv]

    def has_flag(self, *flags: str) -> bool:
        return self.flag(*flags) is not None

    def flag(self, *flags: str) -> Word | None:
        """The word that sets any of `flags` (`--x`, `--x=v`, `-x`)."""
        for w in self.args:
            t = w.text
            for f in flags:
                if t == f or (f.startswith("--") and t.startswith(f + "=")):
                    return w
        return None

    def option(self, *flags: str) -> tuple[str, Word] | None:
        """Value of the last `--flag=value` / `--flag value` among `flags`."""
        return last_option(self.args, flags)


def last_option(args: tuple[Word, ...], flags: tuple[str, ...], spell: Callable[[str], str] | None = None
                ) -> tuple[str, Word] | None:
    """The value of the last `--flag=value` / `--flag value` of `flags` among `args`, with the flag's word;
    `spell`: how the program reads a word (`glmlint.catalog.services.ServiceMatch.canonical`)."""
    found: tuple[str, Word] | None = None
    for i, w in enumerate(args):
        t = w.text if spell is None else spell(w.text)
        for f in flags:
            if t.startswith(f + "="):
                found = (t[len(f) + 1:], w)
            elif t == f and i + 1 < len(args):
                found = (args[i + 1].text, w)
    return found


_SET_COMMAND_NAME = Command.name.__set__  # type: ignore[attr-defined]  # (its slot's setter: frozen)


@dataclass(frozen=True, slots=True)
class FileWrite:
    """Text a build step or start command puts into a file.

    mode: `write` (replaces the file), `append`, `edit` (an in-place edit such
    as `sed -i 's/a/b/'`, whose `text` is the replacement it writes), or `delete`
    (`sed -i '/regex/d'`: the lines `pattern` matches are removed; `text` is empty). A
    `sed` substitution also keeps its `pattern` (as a Python regex) and `replace`
    (as a Python replacement template), so a model of the file can apply it.
    """

    path: str
    text: str
    mode: str
    loc: Loc
    pattern: str | None = None
    replace: str | None = None
    global_: bool = False
    source: str | None = None  # a build-context file a `COPY` took the text from, as written (issue 14)
    line_locs: tuple[Loc, ...] = ()  # where each line of `text` is written, when each is on its own line (a heredoc)
    # a sed substitution's address (`/^dev/ s/^/#/`, as a Python regex): it edits only the lines that match
    address: str | None = None


@dataclass(frozen=True, slots=True)
class Mount:
    source: str | None  # host path for a bind/hostPath; volume name; None for anonymous
    target: str
    kind: str  # bind | volume | tmpfs | host-path | other
    read_only: bool
    loc: Loc
    path: tuple[str | int, ...] = ()
    entry: tuple[str | int, ...] = ()  # k8s: the container's `volumeMounts` item (where `readOnly` goes)
    spec: str | None = None  # the mount as written in one string (`./models:/models:ro`); None for a mapping


@dataclass(frozen=True, slots=True)
class Device:
    """A host device given to the container as a device (compose `devices:`, `docker run --device`).

    `host` is the host path as written (`/dev/ttyUSB0`, `/dev/dri`) or a CDI device
    name (`nvidia.com/gpu=all`), which the runtime resolves: see `cdi`.
    """

    host: str
    target: str | None
    loc: Loc
    path: tuple[str | int, ...] = ()
    permissions: str | None = None  # cgroup permissions (`rwm`) when written

    @property
    def cdi(self) -> bool:
        """A Container Device Interface name (`vendor.com/class=name`), not a host path."""
        return not self.host.startswith(("/", ".", "~", "$")) and "=" in self.host and "/" in self.host


@dataclass(frozen=True, slots=True)
class Port:
    container_port: str
    loc: Loc
    host_ip: str | None = None
    host_port: str | None = None
    protocol: str = "tcp"
    published: bool = True  # False for Dockerfile EXPOSE / k8s containerPort without hostPort
    path: tuple[str | int, ...] = ()
    spec: str | None = None  # the port as written in one string (`127.0.0.1:8080:80/tcp`); None for a mapping
    # the host-IP part of `spec` as written when the fields above were read from its interpolated
    # value (`${BIND:-0.0.0.0}` for host_ip `0.0.0.0`); None when `spec` is read as written
    spec_ip: str | None = None
    # False when `spec` interpolates to a different layout (`${PORTS:-0.0.0.0:80:80}`): its text
    # cannot be edited part by part
    spec_editable: bool = True
    name: str | None = None  # k8s: the port's `name`, which a Service's `targetPort` may use


@dataclass(frozen=True, slots=True)
class HostCall:
    """Another container of the file that connects to this one's published port `port` (the host port, as
    written) through the host (`http://host.docker.internal:9099`, the host gateway's address), not
    through a network they share: `caller` its label, `name` the variable (`env`) or the program whose
    argument names the address, `value` the address (`host.docker.internal:9099`, no login). Docker forwards a port published on 127.0.0.1 from the host's loopback
    only (moby portmapper: the DNAT rule and docker-proxy match that address), which no container
    reaches: publishing it there cuts the caller off."""

    caller: str
    name: str
    value: str
    port: str
    env: bool = True


@dataclass(frozen=True, slots=True)
class ServicePort:
    """One port of a Kubernetes Service: `target` is the pod port it sends to (a number or a port name)."""

    port: str
    target: str
    loc: Loc


LIMIT_RANGE = "LimitRange"  # the `Exposure.kind` of a LimitRange's defaults
# the `Exposure.kind` of KServe's `inferenceservice-config` ConfigMap: the controller reads the one of that name
# in its own namespace, wherever the manifest lies in a repository (an install directory far from the apps), so
# that it completes the routes of any file of the scan (`link.routed`); `namespace` as written
KSERVE_CONFIG = "inferenceservice-config"
# the `Exposure.kind` of a runtime template (a Kubeflow Trainer (Cluster)TrainingRuntime, a KServe
# (Cluster)ServingRuntime) that a TrainJob or InferenceService runs without a memory limit of its own (`name`:
# the runtime's, `via`: its kind, `loc`: where the runner names it). It selects the runtime's containers by
# `RUNTIME_LABEL`, which only they have: `selector` is that label, its value `runtime_label(kind, name)`
RUNTIME_RUN = "RuntimeRun"
RUNTIME_LABEL = "\0runtime"  # (not a label Kubernetes allows: no Service selects it)
# the `Exposure.kind` of the InferenceServices' runs of a ClusterServingRuntime in the runtime's own file, each of
# them shadowed by a ServingRuntime of that name in its namespace in another file of the scan (`link.exposures`):
# KServe runs the namespaced one, so the cluster runtime's containers get back the memory limit the parse of
# their file took away (`selector`: the runtime's label, `name`: its name, `loc`: where the first run names it)
RUNTIME_SHADOWED = "RuntimeShadowed"


def runtime_label(kind: str, name: str) -> tuple[str, str]:
    """The pseudo-label the containers of the runtime template `kind`/`name` carry in `Workload.pod_labels`."""
    return RUNTIME_LABEL, f"{kind}\0{name}"


# the `Exposure.kind` of an Ingress's route to a Service its file does not define (name: the Ingress's, `route`:
# the Service's, one port: the Service port it names, `loc`: where the backend names the Service); it selects
# no pod until a Service of another file completes it (`glmlint.link.exposures`)
INGRESS_ROUTE = "IngressRoute"
# the `Exposure.kind`s of a route to a Service (`Route`: an OpenShift Route; `VirtualService`: Istio's;
# `DomainMapping`: Knative's, to a Knative Service)
ROUTE_KINDS = frozenset({"Ingress", "HTTPRoute", "GRPCRoute", "Route", "VirtualService", "DomainMapping"})
# the `Exposure.kind` of the compose service whose network namespace a service joins (`network_mode:
# service:vpn`): its published ports reach the joining service's listeners (`parsers.compose`)
JOINED_NETWORK = "network_mode"


@dataclass(frozen=True, slots=True)
class Exposure:
    """A Kubernetes Service of type `LoadBalancer` or `NodePort` that selects a workload's pod, or an
    Ingress that routes to a Service selecting it: what makes the pod's ports reachable from outside
    the cluster. `loc` is the Service's `type:` value, the Ingress backend's Service name (in another
    file when `loc.file` is set). A namespace's LimitRange rides along (kind `LimitRange`): like a
    Service it is an object of one file that changes the pods of others, linked the same way."""

    kind: str  # LoadBalancer | NodePort | Ingress | HTTPRoute | GRPCRoute | Route | VirtualService
    name: str  # the Service's name (the Ingress's)
    namespace: str | None
    selector: tuple[tuple[str, str], ...]
    ports: tuple[ServicePort, ...]
    loc: Loc
    operator: str | None = None  # the operator that creates the Service from a custom resource (KubeRay)
    route: str | None = None  # an Ingress's: the Service it routes to, whose selector and ports these are
    # kind `LimitRange` (`LIMIT_RANGE`): a LimitRange, which reaches the pods of its namespace in other files
    # too (one of no written namespace, those of no written namespace in the files applied with it:
    # `glmlint.link.reaches`); the memory limit it gives the containers that set none (`loc` is its value)
    default_memory: str | None = None
    # an HTTPRoute's/GRPCRoute's (kind): the Gateway (namespace, name) it attaches to that makes it an exposure;
    # an `INGRESS_ROUTE`'s: the route's kind (`via`: Ingress, HTTPRoute, GRPCRoute) and the Gateways it names
    # a `JOINED_NETWORK`'s `via`: the workload's own `network_mode` value (`service:NAME`, `container:NAME`), the
    # first of a chain of joins; `name` is the last service, whose ports these are
    gateways: tuple[tuple[str | None, str], ...] = ()
    via: str | None = None
    # an Ingress's or route's, completed by a Service (or Gateway) of another file (`glmlint.link.routed`): it
    # exposes the pods of its own file too, which the parse of that file could not link it to
    completed: bool = False

    def selects(self, namespace: str | None, labels: tuple[tuple[str, str], ...]) -> bool:
        """Whether the Service selects a pod with `labels` (a namespace unset on either side may match);
        a label a controller gives each pod by its index (`indexed_label`) matches the value one of the
        pods has, the same pod for every label of one index."""
        if self.kind == LIMIT_RANGE:  # every pod of its namespace (both unwritten: those applied with it)
            return namespace == self.namespace
        if self.kind == RUNTIME_RUN:  # a cluster-scoped runtime by its name alone, a namespaced one in its namespace
            return self.selector[0] in labels and ((self.via or "").startswith("Cluster") or namespace == self.namespace)
        if self.kind == RUNTIME_SHADOWED:  # (a cluster-scoped runtime)
            return self.selector[0] in labels
        if self.namespace and namespace and self.namespace != namespace:
            return False
        if not self.selector:
            return False
        have = dict(labels)
        bound: dict[str, int] = {}  # index name -> the index of the one pod every label chose so far
        ranged: list[tuple[str, int, int | None]] = []  # labels only the pods of a range have
        for k, v in self.selector:
            got = have.get(k)
            if got is None:
                return False
            if got[:1] != "\0":
                if got != v:
                    return False
                continue
            _, prefix, index, first, end, with_index = got.split("\0")
            start, stop = int(first), (int(end) if end else None)
            if not with_index:
                if v != prefix:
                    return False
                ranged.append((index, start, stop))
                continue
            digits = v[len(prefix):] if v.startswith(prefix) else ""
            # the index as `strconv.Itoa` writes it: decimal digits, no sign, no leading zero
            if not (digits.isascii() and digits.isdigit()) or (len(digits) > 1 and digits[0] == "0"):
                return False
            i = int(digits)
            if i < start or (stop is not None and i >= stop) or bound.setdefault(index, i) != i:
                return False
        for index, start, stop in ranged:
            i = bound.get(index, start)
            if i < start or (stop is not None and i >= stop):
                return False
        return True

    @property
    def index_label(self) -> tuple[str, str]:
        """The (key, value) the Service is looked up by among pods' `label_keys`: its selector's first."""
        return _lookup_key(*self.selector[0])


# Labels a controller gives each pod it makes by the pod's index, which a Service the user writes may
# select one pod by (see `linter/parsers/kubernetes.py`): a StatefulSet's, a Job's, a JobSet's, a training
# operator's. Their value in a workload's `pod_labels` is `indexed_label(...)`.
INDEXED_KEYS = frozenset({
    "statefulset.kubernetes.io/pod-name", "apps.kubernetes.io/pod-index", "batch.kubernetes.io/job-completion-index",
    "job-name", "batch.kubernetes.io/job-name", "jobset.sigs.k8s.io/job-index", "training.kubeflow.org/replica-index",
    "training.kubeflow.org/job-role", "leaderworkerset.sigs.k8s.io/worker-index", "leaderworkerset.sigs.k8s.io/group-index",
    "volcano.sh/task-index"})


def indexed_label(prefix: str, index: str, start: int, stop: int | None, with_index: bool = True) -> str:
    """The value of a label that differs between a workload's pods by their index `index` (a name the
    pod's other labels by the same index share), from `start` up to `stop` (unknown: None): `prefix`
    followed by the pod's index (`web-3`), or `prefix` alone on the pods of that range only (a training
    job's `job-role: master` on worker 0)."""
    return f"\0{prefix}\0{index}\0{start}\0{'' if stop is None else stop}\0{'i' if with_index else ''}"


def label_keys(labels: tuple[tuple[str, str], ...]) -> Iterator[tuple[str, str]]:
    """The (key, value)s a pod with `labels` is looked up by among Services' `index_label`s."""
    for key, value in labels:
        yield _lookup_key(key, value)


def _lookup_key(key: str, value: str) -> tuple[str, str]:
    """A label as Services and pods are matched up by it: an indexed label by its key alone."""
    return (key, "\0") if key in INDEXED_KEYS else (key, value)


@dataclass(frozen=True, slots=True)
class EnvVar:
    """An environment variable (or a build argument). `value` is None when it comes from
    elsewhere (valueFrom, the host, a build argument with no default). `dynamic` when the value
    as written holds a variable expansion, even one the parser has already substituted."""

    name: str
    value: str | None
    loc: Loc
    path: tuple[str | int, ...] = ()
    dynamic: bool = False
    # Dockerfile: variables the value was read through the default of (`ENV K=${K:-v}`): the
    # value is literal when they are unset, and a finding says so
    defaulted: tuple[str, ...] = ()
    # the value as written when a variable's default was read into it (`postgresql://${DB_USER:-app}:…`),
    # else None: a rule may ask which variables give the part it reports (compose, Dockerfile)
    written: str | None = None
    # compose: the `env_file:` (as reported) the value was read from, located there (`loc.file`);
    # `private` when that file is one `.gitignore` keeps out of the repository (dockeraudit2)
    env_file: str | None = None
    private: bool = False


@dataclass(frozen=True, slots=True)
class Build:
    """Where a compose service's image is built from (paths as written, relative to the file)."""

    context: str
    dockerfile: str | None
    loc: Loc
    target: str | None = None  # `build.target`: the stage built (`docker build --target`), else the last


# An image reference as the Docker CLI accepts it: [host[:port]/]path[:tag][@digest], path components
# lowercase. Placeholders (`<your-image>`, `IMAGE`) and build-tool URLs (`ko://...`) are not references.
IMAGE_REFERENCE = re.compile(r"^(?:[A-Za-z0-9.-]+(?::[0-9]+)?/)?[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*"
                             r"(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*(?::[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?"
                             r"(?:@[A-Za-z0-9]+:[A-Fa-f0-9]{32,})?$")


@functools.lru_cache(maxsize=4096)  # asked per rule and re-parse of the same images
def _valid_reference(name: str) -> bool:
    return IMAGE_REFERENCE.match(name) is not None


@dataclass(frozen=True, slots=True)
class ImageRef:
    """An image the engine pulls to build or run a workload: a Dockerfile `FROM` (not an
    earlier stage, not `scratch`), a compose service's `image:` when it is not built, a
    Kubernetes container's `image:`, the image of a `docker run`.

    `name` is the reference with the variables whose value is known substituted
    (a Dockerfile `ARG` default); `resolved` is False when it still holds one
    whose value is not known (a build argument without a default, a compose
    `${TAG}`). `loc` is the reference as written; `owner` names what pulls it in
    messages (`stage `builder``, `service `web``).
    """

    name: str
    loc: Loc
    owner: str
    resolved: bool = True

    @property
    def valid(self) -> bool:
        """A well-formed image reference (not a placeholder such as `<your-image>` or `ko://...`)."""
        return _valid_reference(self.name)

    @property
    def digest(self) -> str | None:
        """The `@sha256:...` pin, if any."""
        _, at, digest = self.name.partition("@")
        return digest if at else None

    @property
    def tag(self) -> str | None:
        """The tag (`3.12` of `python:3.12`), None when there is none (a registry port is not a tag)."""
        repo = self.name.partition("@")[0]
        last = repo.rsplit("/", 1)[-1]
        return last.partition(":")[2] or None if ":" in last else None


@dataclass(frozen=True, slots=True)
class Download:
    """A remote source an image build adds to the image (Dockerfile `ADD <url>`), in any stage.

    `kind` is `http` (an `http://`/`https://` file) or `git` (a repository:
    `git@`, `git://`, `ssh://`, or an http(s) URL ending in `.git`, with or without
    `?query`); `ref` is a git URL's `#ref` (without its `:subdir`) or its query's
    `ref`/`tag`/`branch`; `checksum` the `--checksum=` value or the query's `checksum`/`commit`.
    `url` has the known build arguments substituted; `loc` is the source as written.
    """

    url: str
    loc: Loc
    kind: str
    checksum: str | None = None
    ref: str | None = None

    @property
    def commit_pinned(self) -> bool:
        """A git ref that is a full commit id (SHA-1 or SHA-256), which cannot move."""
        return self.ref is not None and re.fullmatch(r"[0-9a-fA-F]{40}|[0-9a-fA-F]{64}", self.ref) is not None


@dataclass(frozen=True, slots=True)
class StageCopy:
    """A `COPY --from=<stage>` in the final stage's chain that takes files from another stage of the
    same Dockerfile. BuildKit copies a source file with its mode and a source directory's contents
    with theirs, not the directory itself: the destination is created 0755 or kept as it is
    (tonistiigi/fsutil copy/copy.go since 2da0fc3: prepareTargetDir, copyDirectoryOnly), unless
    the `COPY` gives its own `--chmod`. Source paths are absolute in that stage (a relative one is read from
    its root, not its WORKDIR, as `docker build` does)."""

    stage: str  # the stage as named in `--from` (`builder`, `0`)
    sources: tuple[str, ...]
    # the commands that stage's chain ran and the final chain did not, each with the WORKDIR it
    # ran in ("" where a `cd` in the stage makes relative paths unknown)
    steps: tuple[tuple[str, Command], ...]
    loc: Loc  # the `COPY`
    chmod: bool = False  # `--chmod=` sets the copies' mode: the stage's modes do not reach the image


@dataclass(frozen=True, slots=True)
class SecurityContext:
    """What one level of a Kubernetes pod writes in its own `securityContext`, before the
    container inherits the pod's values (the Pod Security Standards judge each level on its own:
    a pod-level `runAsNonRoot: false` is refused even when every container sets `true`).

    A field is None when that level does not write it. Values are as written (a bool, an int, a
    string). `seccomp`/`apparmor` are the profile's `type`, `""` when the profile is written
    without one; `selinux_*` are the `seLinuxOptions` keys; `host_process` is
    `windowsOptions.hostProcess`; `proc_mount` is container-only. `fs_group` (`fsGroup`, as
    written: an int, or a string the API server would refuse) and `fs_group_change_policy`
    (`fsGroupChangePolicy`) are pod-only: the kubelet makes each volume that supports ownership
    management (emptyDir, configMap, secret, projected, downwardAPI, most PVCs: not hostPath)
    group-owned by `fs_group` and group-writable, and every container runs with that group among
    its supplemental groups, so a non-root user can write such a volume through its group.
    """

    run_as_non_root: Setting[Any] | None = None
    run_as_user: Setting[Any] | None = None
    seccomp: Setting[str] | None = None
    apparmor: Setting[str] | None = None
    selinux_type: Setting[str] | None = None
    selinux_user: Setting[str] | None = None
    selinux_role: Setting[str] | None = None
    host_process: Setting[Any] | None = None
    proc_mount: Setting[str] | None = None
    capabilities: bool = False  # `capabilities` is written (restricted PSS asks each container for drop ALL)
    fs_group: Setting[Any] | None = None  # pod-only: `fsGroup`
    fs_group_change_policy: Setting[str] | None = None  # pod-only: `fsGroupChangePolicy`


@dataclass(frozen=True, slots=True)
class Volume:
    """A pod volume: its name and its source kind (`hostPath`, `emptyDir`, `nfs`, ...; `emptyDir`
    when it names none, as the API server defaults it), located at the source key (or the
    volume's `- name:`)."""

    name: str
    kind: str
    loc: Loc
    path: tuple[str | int, ...] = ()
    claim: str = ""  # a `persistentVolumeClaim`'s `claimName`
    # its claim, written in the same file with access modes that leave its files their
    # owner (no ReadWriteOnce/ReadWriteOncePod, or `volumeMode: Block`): the kubelet does not give them to the
    # pod's fsGroup (kubernetes pkg/volume/csi/csi_mounter.go `supportsFSGroup`); "" otherwise
    owner_kept: str = ""
    # a Secret, ConfigMap, projected or downwardAPI volume: the file modes written for it (`defaultMode`,
    # an item's `mode`); none written: the API server's 0644. The kubelet writes its files root's,
    # group-owned by the pod's fsGroup when it sets one (then with the group's read bit added:
    # kubernetes pkg/volume/volume_linux.go `changeFilePermission`, roMask 0440)
    modes: tuple[int, ...] = ()


@dataclass(frozen=True, slots=True)
class Pod:
    """Pod-level facts of a Kubernetes pod spec that the Pod Security Standards read, as written.

    `context` is the pod's own `securityContext`; `os` is `spec.os.name`; `host_users` is
    `spec.hostUsers` (False puts the pod in a user namespace); `annotations` are the pod's (or its
    template's) metadata annotations; `containers` names every container of the pod.
    """

    context: SecurityContext
    loc: Loc  # where pod-level findings about absent settings point (the pod spec's first key)
    os: Setting[str] | None = None
    host_users: Setting[Any] | None = None
    volumes: tuple[Volume, ...] = ()
    annotations: tuple[tuple[str, Setting[str]], ...] = ()
    containers: tuple[str, ...] = ()
    # (doc index, keys...) of the mapping that holds the pod's `volumes` (where a fix adds an
    # emptyDir); None for a container template injected into pods not written here (a KServe
    # ClusterStorageContainer, a v1alpha2 `custom.container`): no volume can be added for it
    volumes_path: tuple[str | int, ...] | None = None
    # (doc index, keys...) of the pod's `securityContext` as the parser reads it, written or not (a pod spec's,
    # an Argo template's or its workflow's, a KServe component's, a SparkApplication role's
    # `podSecurityContext`): where a fix writes a pod-level field (GLM001's fsGroup)
    context_path: tuple[str | int, ...] | None = None

    @property
    def windows(self) -> bool:
        return self.os is not None and self.os.value == "windows"

    @property
    def user_namespace(self) -> bool:
        """`hostUsers: false`: the pod runs in its own user namespace."""
        return self.host_users is not None and self.host_users.value is False


# Workload fields whose Kubernetes settings the API server refuses in a Windows pod
# (`spec.os.name: windows`: capabilities, seLinuxOptions, seccompProfile, readOnlyRootFilesystem,
# allowPrivilegeEscalation, procMount, runAsUser/runAsGroup; KEP-2802, kubernetes
# pkg/apis/core/validation `validateWindows`). No fix may add them there.
LINUX_ONLY_FIELDS = frozenset({"user", "cap_add", "cap_drop", "read_only_rootfs", "allow_privilege_escalation",
                               "seccomp", "selinux", "apparmor", "proc_mount"})


@dataclass(frozen=True, slots=True)
class Workload:
    """Something that will run as a container, with its effective settings."""

    name: str
    label: str  # human name for messages: "service `web`", "container `app` (Deployment/api)"
    format: Format
    path: str
    anchor: Loc  # where findings about absent settings point
    node_path: tuple[str | int, ...] = ()  # (doc index, keys...) of the workload's mapping
    partial: bool = False  # a fragment (override file, patch): absent settings may come from elsewhere
    # a fragment's fields that what makes its pod copies as written (an NVIDIA NIMService's `resources`): absent
    # there, absent in the pod (`missing`)
    whole: tuple[str, ...] = ()
    image: Setting[str | None] = None  # type: ignore[assignment]
    user: Setting[User | None] = None  # type: ignore[assignment]
    run_as_non_root: Setting[bool] | None = None  # None where the platform has no such control
    privileged: Setting[bool] = None  # type: ignore[assignment]
    allow_privilege_escalation: Setting[bool | None] = None  # type: ignore[assignment]
    cap_add: Setting[tuple[Item, ...]] = None  # type: ignore[assignment]
    cap_drop: Setting[tuple[Item, ...]] = None  # type: ignore[assignment]
    read_only_rootfs: Setting[bool] = None  # type: ignore[assignment]
    host_network: Setting[bool] = None  # type: ignore[assignment]
    host_pid: Setting[bool] = None  # type: ignore[assignment]
    host_ipc: Setting[bool] = None  # type: ignore[assignment]
    host_userns: Setting[bool] = None  # type: ignore[assignment]
    seccomp: Setting[str | None] = None  # type: ignore[assignment]
    apparmor: Setting[str | None] = None  # type: ignore[assignment]
    selinux: Setting[str | None] = None  # type: ignore[assignment]
    security_opts: tuple[Item, ...] = ()
    memory_limit: Setting[str | None] = None  # type: ignore[assignment]
    # the Docker Engine's `systempaths` security option (`unconfined` unmasks /proc and /sys paths);
    # None where nothing sets it (Kubernetes writes the same as `procMount`, in `Pod`/`SecurityContext`)
    system_paths: Setting[str | None] | None = None
    mounts: tuple[Mount, ...] = ()
    devices: tuple[Device, ...] = ()  # host devices passed in as devices (compose `devices:`, `--device`)
    ports: tuple[Port, ...] = ()
    env: tuple[EnvVar, ...] = ()
    # where the container gets more variables than `env` lists, from something the scan does not
    # read: k8s `envFrom` (a Secret or ConfigMap), a compose `env_file` it cannot read (a variable in
    # its path, absent; a readable one is in `env`), `docker run --env-file`; a
    # service that turns authentication on through a variable may be configured there (aiaudit)
    env_imports: tuple[Loc, ...] = ()
    # compose: the project's variables (its `.env`) that Compose interpolates `command:` and
    # `entrypoint:` with before the container starts, so a `${VAR}` there is not the container's
    # variable (`environment:` does not set it; `$$` leaves a `$` for the container's shell); None
    # where only the container's shell expands the start command
    start_env: tuple[tuple[str, str], ...] | None = None
    build_args: tuple[EnvVar, ...] = ()  # build arguments with their defaults (Dockerfile ARG, compose build.args)
    entrypoint: Setting[tuple[Word, ...] | None] = None  # type: ignore[assignment]
    command: Setting[tuple[Word, ...] | None] = None  # type: ignore[assignment]
    process: tuple[Command, ...] = ()  # commands the container runs at start (shell scripts expanded)
    # the user the start command switches its main program to when the container starts as root
    # (`exec gosu app "$@"`, `su-exec`, `setpriv --reuid`, `runuser -u`, `chroot --userspec`, `sudo -u`;
    # in the ENTRYPOINT/CMD or an entrypoint script a Dockerfile copies from the build context, whose
    # path is `origin`); None when it switches to no one (glmlint.shell.privilege_drop; dockeraudit2)
    privilege_drop: Setting[User] | None = None
    # the start commands of the containers that share its network namespace: k8s, the others running in its
    # pod (`containers`, native sidecars: `initContainers` with `restartPolicy: Always`); compose, the services
    # of its `network_mode: service:NAME` group. What one forwards to 127.0.0.1 reaches this container's
    # listeners from their common loopback
    neighbours: tuple[Command, ...] = ()
    build_steps: tuple[Command, ...] = ()  # commands run while building the image (RUN)
    # RUN commands of every stage, also those the final stage does not build on (a builder whose
    # output `COPY --from` takes): what the build runs, not what the image inherits (issue 14)
    all_build_steps: tuple[Command, ...] = ()
    files: tuple[FileWrite, ...] = ()  # files written by build steps and the start command, in order
    # Dockerfile: the modes `COPY --chmod=`/`ADD --chmod=` of the final stage's chain give what they
    # copy (the mode as written, build arguments substituted, located at the value; dockeraudit2)
    copy_modes: tuple[Item, ...] = ()
    # Dockerfile: the files the final stage's chain takes from other stages (`COPY --from=builder`)
    stage_copies: tuple[StageCopy, ...] = ()
    # Dockerfile (and a compose service built from one): the image paths its build's `COPY`/`ADD` from the
    # build context write (a file's path, or the directory a directory's contents go into), with where:
    # a file of one's own where the service reads its configuration, as a mount of it would be
    copied_in: tuple[tuple[str, Loc], ...] = ()
    # Dockerfile (and a compose service built from one): the users the final stage's chain gives what it copies to
    # (`COPY --chown=user . /app`: the user as written before `:`, a login or a uid), with the destination
    copy_owners: tuple[tuple[str, str], ...] = ()
    build: Build | None = None
    base_image: str | None = None  # Dockerfile: the external image the final stage builds on
    # False for an image that has nothing to start: a Dockerfile final stage whose chain sets no
    # CMD/ENTRYPOINT on a base known to have none (`scratch`, the image catalog's
    # `no_default_command`), built as an artifact to copy files from. Rules about the running
    # process (its user) leave it alone.
    runnable: bool = True
    group: str | None = None  # what shares settings with other workloads ("the pod of Deployment/api")
    publish_all: Setting[bool] = None  # type: ignore[assignment]  # `docker run -P`: every EXPOSEd port, all interfaces
    pod_labels: tuple[tuple[str, str], ...] = ()  # k8s: the pod template's labels (what a Service selects)
    # k8s: LoadBalancer/NodePort Services in the scan that select the pod; compose: the service whose network
    # namespace it joins (`JOINED_NETWORK`)
    exposed_by: tuple[Exposure, ...] = ()
    # k8s: the workloads of its file a router sends its callers' requests to, with their own credentials (the
    # vLLM production-stack router's engines, the pods its `--k8s-label-selector` selects): the router checks
    # none, so what they ask for is what its callers must give
    backends: tuple[Workload, ...] = ()
    # compose: the other services of its file that connect to its published ports through the host
    # (`HostCall`): a port one of them names is not to be published on 127.0.0.1 only
    host_callers: tuple[HostCall, ...] = ()
    extends_depth: int = 0  # compose: how many services it `extends` through (0: none); bases are fixed first
    # -- Pod Security Standards facts (Kubernetes; sysctls also compose/`docker run`) ----------
    own: SecurityContext | None = None  # the container's own securityContext, before inheritance (k8s)
    pod: Pod | None = None  # its pod's own values, volumes, os, annotations (k8s)
    sysctls: tuple[Item, ...] = ()  # kernel parameters set (k8s pod `securityContext.sysctls`, compose `sysctls`)
    probe_hosts: tuple[Item, ...] = ()  # `host` of httpGet/tcpSocket probes and lifecycle handlers (k8s)
    container_list: str = ""  # k8s: `containers`, `initContainers`, `ephemeralContainers`, ... (CR: the key)
    namespace: str | None = None  # k8s: the object's `metadata.namespace`
    # k8s: the purpose (`glmlint.catalog.purposes` id) one container of its pod shows, where the pod
    # shares a host namespace: a pod-level privilege is then that container's purpose for every
    # container of the pod (no fix from a sibling may remove it)
    pod_purpose: str | None = None
    pulls: tuple[ImageRef, ...] = ()  # images pulled to build or run it (every stage's `FROM` for a Dockerfile)
    downloads: tuple[Download, ...] = ()  # remote sources its image build adds (Dockerfile `ADD <url>`, every stage)
    documentation: bool = False  # a command shown in documentation (a Markdown code block), not one a script runs
    # KServe: the model format a model names (`modelFormat.name`, else its framework key: `huggingface:`),
    # lowercase; the serving runtime that supports it supplies the image and start command, and the
    # container's `args` are appended to that command (aicat)
    serving_format: str | None = None
    # the directory the container starts in, where known: the Dockerfile's `WORKDIR` (a compose service
    # built from it inherits it), compose `working_dir`, k8s `workingDir`; a start command's relative
    # script path is read from there (`python main.py` in ComfyUI's directory) (aicat)
    workdir: str | None = None
    # its start words stand for values written inside a string (a KubeRay RayService's `serveConfigV2`:
    # a Ray Serve LLM config's `engine_kwargs`), not words of a command line: no fix edits them
    words_in_text: bool = False
    # why no fix is written for it ("" when one may be): a command line whose CLI takes other options than
    # the format's (`docker service create`), where a fix's edit would make it refuse the line
    no_fix: str = ""

    def __post_init__(self) -> None:
        # Defaults that need the anchor: absent settings point at it (`_ABSENT`). The absent settings
        # of one value are one shared `Setting` (frozen, compared by value): up to 18 per workload
        # were made, now at most one per value (issue 12)
        anchor = self.anchor
        for value, setters in _ABSENT_SETTERS:
            absent = None
            for get, set_ in setters:
                if get(self) is None:
                    if absent is None:
                        absent = Setting(value, anchor, False)
                    set_(self, absent)

    # -- helpers rules share -------------------------------------------------

    def missing(self, setting: Setting[object], field: str | None = None) -> bool:
        """True when `setting` is absent here and no other file or object can supply it (`field`: the field it is
        written under, which a fragment may write in full: `whole`)."""
        return not setting.explicit and setting.origin is None and (
            not self.partial or (field is not None and field in self.whole))

    def owner(self, setting: Setting[object]) -> str:
        """Who a finding about `setting` names: the group when the value is written for the whole
        group (a pod-level `hostNetwork`, shared by every container of the pod), else the workload."""
        path, own = setting.path, self.node_path
        if self.group is not None and path and own and path[:len(own)] != own:
            return self.group
        return self.label

    @property
    def windows(self) -> bool:
        """A container of a Windows pod (`spec.os.name: windows`): Linux-only settings do not apply,
        and the API server refuses them (`LINUX_ONLY_FIELDS`)."""
        return self.pod is not None and self.pod.windows

    def spelled(self, field_name: str, value: object = True) -> str:
        """`field_name` set to `value` as this workload's file writes it, for messages that speak the
        file's own language (`hostNetwork: true`, compose `network_mode: host`, `--network host`)."""
        from glmlint.fields import spelled

        return spelled(self.format.value, field_name, value)

    def runs_as_root(self) -> bool | None:
        """Whether the container's process runs as uid 0: True, False, or None if unknown."""
        user = self.user.value
        if user is not None and user.is_root() is not None:
            return user.is_root()
        if self.run_as_non_root is not None and self.run_as_non_root.value:
            return False
        return None

    def drops_root(self) -> bool:
        """Whether it starts as root only to switch its main program to a user that is not root
        (`privilege_drop`: `exec gosu app "$@"`) and no `runAsNonRoot` is set: that program does not run
        as root (GLM001, GLM010)."""
        drop = self.privilege_drop
        return drop is not None and self.run_as_non_root is None and not drop.value.is_root() \
            and self.runs_as_root() is True

    def entry_image(self) -> str | None:
        """The image whose entrypoint the container runs: for a compose service built from a scanned
        Dockerfile, the external image its final stage builds on (the service's `image:` then only names
        what the build produces: Compose tags the built image with it); else the workload's image."""
        if self.build is not None and self.base_image:
            return self.base_image
        return self.image.value

    def runs(self, program: str) -> Iterator[Command]:
        """The start commands that run `program`."""
        return (c for c in self.process if c.name == program)

    def env_value(self, name: str) -> EnvVar | None:
        found = None
        for var in self.env:
            if var.name == name:
                found = var
        return found


# Each `Workload` setting that is never None, with the value it has when absent (located at the anchor).
_ABSENT: tuple[tuple[str, object], ...] = (
    ("image", None), ("user", None), ("privileged", False), ("allow_privilege_escalation", None),
    ("cap_add", ()), ("cap_drop", ()), ("read_only_rootfs", False),
    ("host_network", False), ("host_pid", False), ("host_ipc", False), ("host_userns", False),
    ("seccomp", None), ("apparmor", None), ("selinux", None), ("memory_limit", None),
    ("entrypoint", None), ("command", None), ("publish_all", False))
# `_ABSENT` by value, each field as its slot's getter and setter: [(value, ((get, set), ...)), ...]
_ABSENT_SETTERS: tuple[tuple[object, tuple[tuple[Any, Any], ...]], ...] = tuple(
    (value, tuple((Workload.__dict__[n].__get__, Workload.__dict__[n].__set__) for n, v in _ABSENT if v == value
                  and type(v) is type(value)))
    for value in (None, False, ()))


# -- the cluster around the containers: RBAC objects, ServiceAccounts, pods ------------------
#
# Kubernetes RBAC objects and the pods that run as a ServiceAccount, as the manifests
# write them (`linter/parsers/kubernetes.py`). The links between them (a binding names a
# role and subjects, a pod names its ServiceAccount, an aggregated ClusterRole collects
# others) are resolved across every scanned file by `glmlint.link.link_cluster`: what a
# pod's token may do is in `Pod.grants`. Objects not in the scan are unknown.


@dataclass(frozen=True, slots=True)
class PolicyRule:
    """One entry of a Role's or ClusterRole's `rules`. `loc` is the entry (its `- ` item);
    `file` the file it is written in (set when it reaches another file through a link)."""

    api_groups: tuple[str, ...]
    resources: tuple[str, ...]
    verbs: tuple[str, ...]
    resource_names: tuple[str, ...] = ()
    non_resource_urls: tuple[str, ...] = ()
    loc: Loc = Loc(1)


@dataclass(frozen=True, slots=True)
class Role:
    """A Role (namespaced) or ClusterRole. `aggregation` holds the label selectors of an
    aggregated ClusterRole's `aggregationRule` (each a tuple of `(key, op, values)`
    requirements; `op` is `In`, `NotIn`, `Exists` or `DoesNotExist`), None when it has none;
    `aggregated` the rules it collects from the scanned ClusterRoles its selectors match."""

    kind: str
    name: str
    namespace: str | None
    rules: tuple[PolicyRule, ...]
    loc: Loc  # the object's `kind:` line: what a finding about the whole role points at
    path: str = ""  # the file, as reported
    labels: tuple[tuple[str, str], ...] = ()
    aggregation: tuple[tuple[tuple[str, str, tuple[str, ...]], ...], ...] | None = None
    aggregated: tuple[tuple[PolicyRule, str], ...] = ()  # (rule, "ClusterRole/<name> in <file>")

    @property
    def label(self) -> str:
        return f"{self.kind} `{self.name}`"


@dataclass(frozen=True, slots=True)
class Subject:
    """Who a binding grants to: a `ServiceAccount` (with its namespace), a `User` or a `Group`."""

    kind: str
    name: str
    namespace: str | None
    loc: Loc


@dataclass(frozen=True, slots=True)
class Binding:
    """A RoleBinding or ClusterRoleBinding: `role_kind`/`role_name` from its `roleRef`."""

    kind: str
    name: str
    namespace: str | None
    role_kind: str
    role_name: str
    subjects: tuple[Subject, ...]
    loc: Loc  # the object's `kind:` line
    role_loc: Loc = Loc(1)  # the `roleRef` name
    path: str = ""

    @property
    def label(self) -> str:
        return f"{self.kind} `{self.name}`"


@dataclass(frozen=True, slots=True)
class ServiceAccount:
    name: str
    namespace: str | None
    automount: bool | None  # `automountServiceAccountToken`; None when not written
    loc: Loc
    path: str = ""
    # the names of the Secrets its `secrets:` lists (core/v1 `ServiceAccount.secrets`): what KServe's storage
    # initializer reads credentials from (`kubernetes._kserve_reads`)
    secrets: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Secret:
    """A `kind: Secret` (core v1) written in the file: its keys with their values as the API server stores
    them (`data` base64-decoded, `stringData` as written and winning over `data` for a key: core/v1
    `Secret.stringData`), each located at its key; and the workloads that read it (`secretKeyRef`,
    `envFrom.secretRef`: of the file, or of the files applied with it), by label."""

    name: str
    namespace: str | None
    type: str  # `type:` (`Opaque` when not written)
    entries: tuple[EnvVar, ...]  # each key's value (None: `data` that is not base64 of UTF-8 text)
    encoded: tuple[str, ...]  # the keys whose value is written base64-encoded (`data:`)
    loc: Loc  # the object's `kind:` line
    # (workload label, the key it reads (None: every key, `envFrom`), the variable it reads it as (for every
    # key: the `envFrom` item's prefix))
    readers: tuple[tuple[str, str | None, str], ...] = ()
    # (key, the earlier key whose value a YAML alias gives it: `copy: *pw`): one value written once
    aliases: tuple[tuple[str, str], ...] = ()
    # a Secret a script creates (`glmlint.kubesecrets`): the files and directories the script applies (absolute),
    # whose workloads read it as those of its own directory do (`link.nearby_secret_reads`)
    applied_with: tuple[str, ...] = ()


class SecretRead(NamedTuple):
    """A workload's read of a Secret into its environment (`kubernetes.secret_reads`)."""

    label: str  # the workload's
    namespace: str | None  # the workload's, as written
    secret: str  # the Secret's name
    key: str | None  # None: every key (`envFrom`)
    var: str  # the variable it is read as (every key: the prefix before each key's name)
    # `secret` names a ServiceAccount: the read is of each Secret its `secrets:` lists (`kubernetes.through_accounts`)
    account: bool = False
    # of a file in a directory beside the Secret's (`link.nearby_secret_reads`): linked only in the namespace
    # both write
    apart: bool = False


@dataclass(frozen=True, slots=True)
class Grant:
    """What a scanned binding gives a pod's ServiceAccount: the binding, and the role with the rules
    it holds (its own and, for an aggregated ClusterRole, those it collects). `role` is None when the
    role is not in the scan (then nothing is known about it, except the built-in `cluster-admin`)."""

    binding: Binding
    role: Role | None


@dataclass(frozen=True, slots=True)
class PodIdentity:
    """A pod spec (a Pod, a workload's template, a custom resource's replica template) and the
    identity it runs with. `service_account` is `serviceAccountName` (default `default`, not
    explicit); `automount` the pod's own `automountServiceAccountToken` (None when absent, at
    `anchor`); their paths say where the fix engine writes. `account` and `grants` are filled
    by the cross-file link. `containers` are the labels of the workloads it holds."""

    owner: str  # "Deployment/api", "PyTorchJob/train Worker"
    namespace: str | None
    service_account: Setting[str]
    automount: Setting[bool | None]
    anchor: Loc  # the pod spec's key
    containers: tuple[str, ...] = ()
    account: ServiceAccount | None = None
    grants: tuple[Grant, ...] = ()
    # the cataloged services its containers start, as (name, kind): ("vLLM", "model-server")
    services: tuple[tuple[str, str], ...] = ()
    # why a container of the pod calls the Kubernetes API with its token (KubeRay's autoscaler
    # sidecar), so that no fix may stop mounting it; "" when nothing in the scan says so
    needs_token: str = ""
    # a projected `serviceAccountToken` volume for the API server's audience that a container mounts
    # (it gives the token whatever `automountServiceAccountToken` says); None when there is none
    projected_token: Loc | None = None
    # why no field of the scanned object stops the token mount, when an operator renders the pod from a
    # custom resource that has none (the NIM operator's NIMService): no fix; "" otherwise
    no_setting: str = ""
    # a patch of a pod another file defines (a kustomize patch of a Deployment whose containers name no
    # image): its ServiceAccount and token mount are the base's unless the patch writes them
    fragment: bool = False

    @property
    def label(self) -> str:
        return self.owner if self.owner.startswith("Pod/") else f"the pod of {self.owner}"

    @property
    def known(self) -> bool:
        """Whether the pod's own identity is known here: not a patch that leaves its ServiceAccount and
        token mount to the pod it patches (a rule judges what a patch writes, never what it lacks)."""
        return not self.fragment or (self.service_account.explicit and self.automount.explicit)

    def mounts_token(self) -> bool:
        """Whether a container gets the ServiceAccount token: a projected token volume it mounts gives
        it; else the kubelet's mount: the pod's setting wins, then the ServiceAccount's (when it is in
        the scan); Kubernetes' default is to mount it."""
        return self.projected_token is not None or self.mounts_automatically()

    def mounts_automatically(self) -> bool:
        """Whether the kubelet mounts the ServiceAccount token (`automountServiceAccountToken`)."""
        if self.automount.value is not None:
            return bool(self.automount.value)
        if self.account is not None and self.account.automount is not None and not self.no_setting:
            return self.account.automount  # (an operator that writes the ServiceAccount writes its own)
        return True


@dataclass(frozen=True, slots=True)
class Directive:
    """A `Keyword value` line of a configuration file such as sshd_config."""

    keyword: str
    value: str
    loc: Loc


@dataclass(slots=True)
class SourceFile:
    """One file read by the scan."""

    path: str  # as reported: relative to the scan root where possible
    format: Format
    text: str
    workloads: list[Workload] = field(default_factory=list)
    directives: list[Directive] = field(default_factory=list)  # config files (sshd_config)
    services: list[Exposure] = field(default_factory=list)  # k8s: LoadBalancer/NodePort Services it defines
    # k8s: an object of one document gives the workloads of others values (a LimitRange's default memory
    # limit): a fix is verified on the whole file, not on its document alone
    cross_document: bool = False


    @property
    def pod_labels(self) -> set[tuple[str | None, tuple[tuple[str, str], ...]]]:
        """(namespace, labels) of the pods the file's workloads run in, for a Service of another file."""
        return self._labels if self._labels is not None else {
            (w.namespace, w.pod_labels) for w in self.workloads if w.pod_labels}

    def written_at(self, loc: Loc) -> str:
        """Where `loc` (a place of this file) is written, for a message: `line N`; in a rendered chart or
        overlay (whose stream lines are no file's) the template or resource line that wrote it, as
        `` `path:line` ``, or "" when that is not known."""
        if self.origins is None:
            return f"line {loc.line}"
        got = self.origins.locate(loc.line, loc.col)
        if got is None or got[0].detail:
            return ""
        return f"`{got[0].path}:{got[0].line}`"

    _labels: set[tuple[str | None, tuple[tuple[str, str], ...]]] | None = None  # kept when workloads are dropped
    disk_path: str = ""  # where it was read from, for cross-file links
    problems: list[Problem] = field(default_factory=list)  # found while parsing a file still checked
    # Kubernetes objects around the containers (RBAC, ServiceAccounts, pod identities): small,
    # kept in a pooled scan's light sources so that the cross-file link can run on them
    roles: list[Role] = field(default_factory=list)
    bindings: list[Binding] = field(default_factory=list)
    accounts: list[ServiceAccount] = field(default_factory=list)
    pods: list[PodIdentity] = field(default_factory=list)
    secrets: list[Secret] = field(default_factory=list)  # k8s: the Secrets written in it (GLM013 reads them)
    origins: Any = None  # a rendered chart/overlay: `glmlint.rendered.Mapper` to the files it came from
    # a stream a script feeds a command (`cat <<EOF | kubectl apply -f -`: "`kubectl apply -f -`"), at the
    # script's lines (`parsers._applied_manifests`): no fix is written into the script
    applied_by: str = ""
    reads: list[str] = field(default_factory=list)  # other files parsing read (compose `extends.file`), absolute
    json: bool = False  # a manifest written as JSON: no fix is offered (the fix engine writes YAML's block style)
    # values read through a default (`${VAR:-x}`, `${VAR-x}`): (line, col) of the value -> the variables
    # that must be unset for it; a finding at that place says "when `VAR` is unset"
    assumed: dict[tuple[int, int], tuple[str, ...]] = field(default_factory=dict)
    # k8s: a Secret's key that holds a chart's values a cataloged service reads (`chart_values`): (line, col)
    # of the key -> (values path, value) of each setting it gives, in order; a finding there, in a rendered
    # chart, points at the values line that set the first one a values file of the chart holds
    embedded: dict[tuple[int, int], tuple[tuple[tuple[str, ...], str], ...]] | None = None
    # its `# glmlint: ignore` comments (`glmlint.suppress.Suppression`), read in the per-file stage
    # while the text was at hand, so that the text need not be kept; None: not read yet
    suppressions: list[Any] | None = None


@dataclass(frozen=True, slots=True)
class Problem:
    """A file that could not be read or parsed, or was skipped with a notice."""

    path: str
    line: int
    message: str
    level: str = "error"  # error: counts towards exit 2; notice: informational


_ALL_INTERFACES = {"0.0.0.0", "*", "::", "[::]", ""}


def is_all_interfaces(host: str) -> bool:
    """An address that binds every interface (`0.0.0.0`, `*`, `::`, or empty)."""
    return host.strip("'\"") in _ALL_INTERFACES


_TRUE = {"true", "yes", "on", "1"}


def truthy(text: str) -> bool:
    return text.strip().lower() in _TRUE


_VAR = re.compile(r"\$\{?[A-Za-z_]")


def has_variable(text: str) -> bool:
    return bool(_VAR.search(text))
