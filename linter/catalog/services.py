"""The service catalog (`services.yaml`) and the questions rules ask of it.

Entry point: `identify(workload) -> list[ServiceMatch]`, the cataloged services a
workload starts. A service is recognised from what the container runs:

- a start command (`ollama serve`, `vllm serve`, `python -m vllm.entrypoints.openai.api_server`,
  `ray start --head`), found among `Workload.process` (so through `sh -c`, `tini --`,
  `gosu`, `exec`, k8s `command`/`args`);
- or, when the workload does not replace what the image runs (no `entrypoint:`, or an
  image whose ENTRYPOINT the catalog knows and a `command:` that only gives it
  arguments), the official image's own start command (`ollama/ollama` runs
  `ollama serve` with `OLLAMA_HOST=0.0.0.0:11434`).

A `ServiceMatch` answers, for that one launch and as the service itself resolves
its settings (image defaults, then environment, then flags; the last flag wins):
where each listener binds (`listeners()`), whether authentication is on, off by
a switch, or absent (`auth()`), which dangerous switches are on
(`dangerous()`), and which container paths hold a model store it only reads
(`model_stores()`).

The YAML is read once, lazily, on the first question (`catalog()`), with the C
loader; a rule that never asks costs nothing.
"""
from __future__ import annotations

import functools
import posixpath
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

from glmlint.catalog import glob_match
from glmlint.ir import Command, EnvVar, FileWrite, Format, Loc, Word, Workload, is_all_interfaces, last_option
from glmlint.records import dataclass, field, replace

if TYPE_CHECKING:
    from glmlint.catalog.images import Fact

_PYTHON = re.compile(r"^python[0-9.]*$")
_LOOPBACK = {"127.0.0.1", "localhost", "::1", "[::1]"}


# -- the catalog's data ---------------------------------------------------------------


def _squash(name: str) -> str:
    return name.lower().replace("_", "").replace(".", "").replace("/", "")


@dataclass(frozen=True)
class Switch:
    """A setting that turns something on or off: a flag, a variable, a config key."""

    flag: str | None = None
    env: str | None = None
    config: str | None = None
    values: tuple[str, ...] = ()
    # a path the container mounts something at (or under, or above), or its build copies in; a
    # relative path is read in the directory the service runs in: its working directory, or the
    # directory of the script it starts (Fooocus' `entry_with_update.py` and `launch.py` change into
    # their own directory and read `auth.json` there), and only that path or under it counts
    mount: str | None = None
    # values that do not count: a variable or flag set to a key everyone knows (dify-sandbox's shipped
    # `dify-sandbox`, vLLM's `--api-key token-abc123`) turns nothing on
    unless: tuple[str, ...] = ()
    # switches of which one must be on too for this one to count (Flowise's basic auth needs
    # FLOWISE_USERNAME besides FLOWISE_PASSWORD)
    with_: tuple[Switch, ...] = ()
    # text the variable's value contains (case-insensitive): a JVM option among others
    # (SPARK_MASTER_OPTS="-Dspark.authenticate=true -Dspark.deploy.defaultCores=4")
    contains: str | None = None
    # the first word the service is given (a start script's mode: Vespa's `services`)
    arg: str | None = None
    # the service compares variable names lower-cased with `_`, `.` and `/` dropped (Milvus reads
    # COMMON_SECURITY_AUTHORIZATION_ENABLED and COMMON_SECURITY_AUTHORIZATIONENABLED alike), also
    # behind these prefixes (MILVUS_CONF_)
    squash: bool = False
    prefixes: tuple[str, ...] = ()
    # on when the variable is set to any written value but these (lower-cased), the empty one included
    # (Open WebUI's login is on only for WEBUI_AUTH=true: `1`, `on` and `WEBUI_AUTH=` turn it off)
    other_than: tuple[str, ...] = ()
    # a value this pattern matches in full keeps what the switch would move on the container's own
    # filesystem, at its `path` group (MLflow's `--backend-store-uri sqlite:///mlflow.db`): services.yaml `writes`
    local: str | None = None
    # switches none of which may be on for this one to count (Langfuse's AUTH_DISABLE_USERNAME_PASSWORD closes
    # sign-up only while no public identity provider, GitHub's AUTH_GITHUB_CLIENT_ID, lets anyone sign in)
    without: tuple[Switch, ...] = ()
    # a glob over a start word of another Kubernetes workload of the same file and namespace: a chart's hook Job
    # that does what no setting of the service does (Determined's `determined-pw-change-<release>` Job, which logs
    # in with the blank password and sets the chart's `defaultPassword`, before 0.29); the lowering records it as
    # a `peer` write (`PEER_WRITE`)
    peer: str | None = None

    @classmethod
    def of(cls, data: dict[str, Any]) -> Switch:
        return cls(data.get("flag"), data.get("env"), data.get("config"),
                   tuple(str(v).lower() for v in data.get("values", ())), data.get("mount"),
                   tuple(str(v) for v in data.get("unless", ())),
                   tuple(cls.of(w) for w in data.get("with", ())),
                   str(data["contains"]).lower() if "contains" in data else None, data.get("arg"),
                   bool(data.get("squash", False)), tuple(data.get("prefixes", ())),
                   tuple(str(v).lower() for v in data.get("other_than", ())), data.get("local"),
                   tuple(cls.of(w) for w in data.get("without", ())), data.get("peer"))

    def describe(self) -> str:
        if self.peer is not None:
            return f"a workload running `{self.peer}` beside it"
        if self.arg is not None:
            if not _literal(self.arg):
                return f"a first argument matching `{self.arg}`"
            return f"the argument `{self.arg}`"
        if self.config is not None and not self.flag and not self.env and self.mount is None:
            return "in its configuration file"
        what = self.flag or self.env or "?"
        if self.mount is not None:
            text = f"a file `{self.mount}` mounted or copied into the directory it runs in" \
                if not self.mount.startswith("/") else f"a file mounted at `{self.mount}`"
        elif self.contains is not None:
            text = f"`{self.contains}` in `{what}`"
        elif self.other_than:
            text = f"`{what}` set to another value than " + " or ".join(f"`{v}`" for v in self.other_than)
        elif self.values:
            # a setting given as `-Ename=value` (Elasticsearch) reads as one word
            text = f"`{what}={self.values[0]}`" if not self.flag or "." in self.flag else f"`{what} {self.values[0]}`"
        else:
            text = f"`{what}`"
        if self.unless:
            text += " (not " + " or ".join(f"`{u}`" for u in self.unless) + ")"
        if self.with_:
            text += " with " + " or ".join(
                "its setting in its configuration file" if w.config is not None and not w.flag and not w.env
                else w.describe() for w in self.with_)
        if self.without:
            text += " without " + " or ".join(f"({w.describe()})" if w.without or w.with_ else w.describe()
                                              for w in self.without)
        return text


@dataclass(frozen=True)
class Listener:
    name: str
    port: int
    source: str
    port_flags: tuple[str, ...] = ()
    port_env: tuple[str, ...] = ()  # variables that set the port (a flag wins)
    port_config: str | None = None  # the config-file setting that sets the port (TorchServe's `grpc_inference_port`)
    bind_flags: tuple[str, ...] = ()
    bind_env: tuple[str, ...] = ()
    bind_config: str | None = None
    bind_all_flags: tuple[str, ...] = ()  # boolean flags that bind every interface (`--bind_all`)
    # variables that bind every interface when on, below an address a flag or variable names (SD.Next's
    # SD_LISTEN=true, the default of its `--listen`)
    bind_all_env: tuple[Switch, ...] = ()
    bind_bare: dict[str, str] = field(default_factory=dict)  # flag -> address when given with no value
    # an address the service reads as another (Mage hands Tornado no address for `localhost`: every interface)
    bind_means: dict[str, str] = field(default_factory=dict)
    default_bind: str = "127.0.0.1"
    # any address but loopback is one of the container's own (a host name resolves to it), which a
    # published port or a Service reaches: it counts as every interface (Spark's `--host spark-master`)
    bind_own_address: bool = False
    gives: str | None = None
    # switches that must be on for the listener to exist (text-generation-webui's API: `--api`)
    requires: tuple[Switch, ...] = ()
    # switches that turn a listener that is on by default off (Spark 4.1's REST server:
    # `spark.master.rest.enabled=false`)
    off: tuple[Switch, ...] = ()
    # its own authentication, when it is not the service's (default, on, off, source); None: the service's
    auth: ListenerAuth | None = None
    # switches that forward it through a public tunnel (Gradio's share link, a Cloudflare tunnel): reachable
    # from the internet wherever it binds
    tunnel: tuple[Switch, ...] = ()
    sources: tuple[str, ...] = ()  # more sources (the subcommands `off` names: LocalAI's `worker`)
    # (client, address): the client its docs run in a container of its own, calling it through the host
    # (Open WebUI at `http://host.docker.internal:9099`): a port published on 127.0.0.1 cuts it off
    reached_through_host: tuple[str, str] | None = None


@dataclass(frozen=True)
class ListenerAuth:
    """A listener's own authentication (text-generation-webui's API key guards its API, not its UI)."""

    default: str
    on: tuple[Switch, ...]
    off: tuple[Switch, ...]
    source: str


@dataclass(frozen=True)
class KnownCredential:
    """A switch that turns authentication on with a credential everyone knows (MLflow's basic-auth
    app creates its admin with the password its packaged config file sets), or, with no switch, the
    login the service starts with by default (OpenSearch's demo `admin`/`admin` before 2.12), unless
    one of `unless` may give it another (which the scan cannot read). `listeners` names the
    listeners the credential logs in to (OpenSearch's `admin`/`admin` is the REST API's HTTP login,
    not the transport port's, whose nodes authenticate with certificates); empty: every one."""

    switch: Switch | None
    credential: str  # what everyone knows, for messages
    unless: tuple[Switch, ...]
    source: str
    listeners: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()


@dataclass(frozen=True)
class Image:
    name: str  # a repository pattern (`ollama/ollama`, `nvcr.io/nim/*`)
    source: str
    entrypoint: tuple[str, ...] | None = None
    cmd: tuple[str, ...] | None = None
    runs: tuple[str, ...] | None = None  # what the ENTRYPOINT script starts, when it wraps the service
    passes_args: bool = False  # the ENTRYPOINT script appends its arguments (`command:`) to `runs`
    env: dict[str, str] = field(default_factory=dict)
    config: dict[str, str] = field(default_factory=dict)
    config_path: str | None = None  # the file `config` is in
    sources: tuple[str, ...] = ()  # more sources, besides `source`
    # globs over the tag, when one repository holds images that run different things (llama.cpp's
    # `:server*` tags start the server, `:light`/`:full` other programs); empty: every tag
    tags: tuple[str, ...] = ()
    # the image runs the service only when what it starts is one of the service's commands (the
    # `apache/airflow` entrypoint runs `airflow <command>`: `api-server` is the service, `scheduler` is not)
    only_commands: bool = False
    args_env: str | None = None  # a variable whose words the start script appends to `runs`
    # defaults the start script sets when the variable is unset (`export EG_IP=${EG_IP:-0.0.0.0}`):
    # the image's own start command gets them, a command of one's own does not (they are not ENV)
    script_env: dict[str, str] = field(default_factory=dict)
    # variables the start script writes into the service's config file as the port setting a listener
    # reads (`port_config`), when set (linuxserver/openssh-server's LISTEN_PORT, else its `Port 2222`)
    port_env: tuple[str, ...] = ()
    # the image's WORKDIR, where a relative script its command names is read when the workload sets none
    # (`bash webui.sh --share` in siutin/stable-diffusion-webui-docker)
    workdir: str | None = None

    def has_tag(self, ref: str) -> bool:
        """Whether the image reference `ref` names one of this entry's tags (no tag is `latest`)."""
        return not self.tags or any(glob_match(image_tag(ref), t) for t in self.tags)


@dataclass(frozen=True)
class ConfigFile:
    """Where a service reads its config file (`key=value` lines): a variable naming it, a flag
    naming it, else a file of this name in its working directory."""

    env: tuple[str, ...]
    flags: tuple[str, ...]
    cwd: str | None
    format: str
    source: str


@dataclass(frozen=True)
class Dangerous:
    switch: Switch | None  # what turns it on; None when only the default does
    what: str
    source: str
    default_on: bool = False  # on unless one of `off` is (Infinity's `--trust-remote-code`)
    off: tuple[Switch, ...] = ()


@dataclass(frozen=True)
class Releases:
    """Releases of a service that an entry describes when a build installs the package pinned to
    one of them (`npm install -g flowise@2.2.8`): the entry is then the one that runs."""

    packages: tuple[str, ...]  # package names as the installer takes them
    versions: tuple[str, ...]  # globs over the pinned version
    source: str
    newer: str | None = None  # the id of the entry for the releases after these (the current one)
    # options these releases' command line exits on (it does not know them): a start command that
    # passes one (the newer image's own entrypoint) starts nothing
    rejects: tuple[str, ...] = ()
    rejects_source: str | None = None


@dataclass(frozen=True)
class StoreWriter:
    """An API of the server that writes into its model store once one of `on` is switched on (TorchServe's model
    API: `POST /models?url=` downloads an archive into the store): a read-only store breaks it."""

    on: tuple[Switch, ...]
    what: str
    source: str


@dataclass(frozen=True)
class ModelStore:
    flags: tuple[str, ...]
    env: tuple[str, ...]
    config: str | None
    default: str | None
    source: str
    written_by: StoreWriter | None = None


@dataclass(frozen=True)
class Write:
    """Where the service keeps what it stores unless a switch points it elsewhere (MLflow's backend store,
    `mlflow.db` in the directory it starts in): the read-only fix (GLM004) is not offered while it does."""

    path: str  # relative: in the directory the service starts in (absolute: where a `local` switch value put it)
    what: str
    unless: tuple[Switch, ...]
    source: str
    via: str | None = None  # only a launch `via` "image" (its image's own configuration names `path`) or "command"


@dataclass(frozen=True)
class Token:
    """When the service calls the Kubernetes API with its pod's ServiceAccount token itself (KubeSpawner in a
    JupyterHub): one of `when` is switched on, or it runs from one of `images` (globs over the repository)."""

    why: str  # for the message: what it does with the token
    when: tuple[Switch, ...]
    images: tuple[str, ...]
    source: str
    sources: tuple[str, ...] = ()


@dataclass(frozen=True)
class ChartValues:
    """A Helm chart that hands its whole values to the service in a Secret's `secret_key`, read as the file
    `file` by what the service's `target` option points at (a Service named as the Secret): the values
    `settings` name are that file's lines (`line` with `{value}`, the value as a Python string literal),
    unless one of `unknown` (dotted values paths) is set or a mount of `mounts` (a dotted values path of
    volume mounts) is under `under`: then what it reads may be anything."""

    secret_key: str
    marker: tuple[str, ...]  # top-level values keys (mappings) every render of the chart writes
    file: str
    target: str
    settings: tuple[tuple[tuple[str, ...], str], ...]  # (values path, line)
    unknown: tuple[tuple[str, ...], ...]
    mounts: tuple[str, ...] | None
    under: str | None
    source: str
    sources: tuple[str, ...] = ()


@dataclass(frozen=True)
class Family:
    """An image family that starts the service its own way (the Jupyter Docker Stacks): its images
    (globs over the repository), start scripts, the variable whose words those scripts add to the
    command, the settings its baked-in config file sets, and the variable naming the user its own
    entrypoint runs the command as when the container starts as root (`user_env`)."""

    name: str
    images: tuple[str, ...]
    scripts: tuple[str, ...]
    args_env: str | None
    config: dict[str, str]
    sources: tuple[str, ...]
    user_env: str | None = None

    def has_image(self, name: str | None) -> bool:
        if not name:
            return False
        # asked for each workload by the rules in turn, and again on the fix engine's re-parses: a pure
        # function of the name and this family's patterns, kept (with the family, so that an id is
        # never taken for another family's)
        got = _HAS_IMAGE.get((id(self), name))
        if got is not None and got[0] is self:
            return got[1]
        repo = image_repository(name)
        found = any(glob_match(repo, p) for p in self.images)
        if len(_HAS_IMAGE) >= 4096:
            _HAS_IMAGE.clear()
        _HAS_IMAGE[(id(self), name)] = (self, found)
        return found


_HAS_IMAGE: dict[tuple[int, str], tuple[Family, bool]] = {}  # `Family.has_image`'s answers


@dataclass(frozen=True)
class Settings:
    """Where and how the service reads its settings, for the code that resolves them
    (`glmlint.jupyter`, `glmlint.openssh`): variables, config files (paths or regexes), a
    drop-in directory, the config classes, a distribution's stock lines, the defaults."""

    env: dict[str, str]
    files: tuple[str, ...]
    dropins: str | None
    classes: tuple[str, ...]
    stock: tuple[str, ...]
    defaults: dict[str, str]
    sources: tuple[str, ...]


@dataclass(frozen=True)
class Preset:
    """A controller's preset command that runs the service in a container it supplies the command of
    (a KServe LLMInferenceService's `main` container): `runs`, then the words of `args_env`."""

    container: str  # the IR's `serving_format` for such a container (`llminferenceservice`)
    runs: tuple[str, ...]
    args_env: str | None
    source: str


@dataclass(frozen=True)
class Service:
    id: str
    name: str
    kind: str
    gives: str
    commands: tuple[tuple[str, ...], ...]
    modules: tuple[str, ...]
    scripts: tuple[str, ...]  # globs over the path of the script a shell or Python runs (lowercase)
    image_patterns: tuple[str, ...]
    recognize_source: str
    images: tuple[Image, ...]
    listeners: tuple[Listener, ...]
    auth_default: str  # "none" (no authentication exists), "off" (exists, off by default), "on", "app"
    auth_on: tuple[Switch, ...]
    auth_off: tuple[Switch, ...]
    auth_source: str | None
    dangerous: tuple[Dangerous, ...]
    model_stores: tuple[ModelStore, ...]
    owner: str | None = None  # the rule that owns this service's exposure (Jupyter: GLM005)
    data_store: bool = False
    packages: tuple[str, ...] = ()  # distribution packages that install it
    family: Family | None = None
    settings: Settings | None = None
    more_sources: tuple[str, ...] = ()  # the sources of `recognize.more`
    underscores: bool = False  # its parser reads `--a_b` as `--a-b` (vLLM)
    config_file: ConfigFile | None = None
    options_source: str = ""
    # switches naming a config file the scan does not read, which may turn authentication on
    # (LiteLLM's `--config`, whose `general_settings.master_key` sets the key)
    auth_maybe: tuple[Switch, ...] = ()
    # a KServe serving runtime runs it for models of these formats (`modelFormat.name`), with `runtime_runs`
    runtime_formats: tuple[str, ...] = ()
    runtime_runs: tuple[str, ...] = ()
    runtime_source: str = ""
    # controllers' preset commands that run it (KServe's LLMInferenceService: `vllm serve`)
    presets: tuple[Preset, ...] = ()
    auth_sources: tuple[str, ...] = ()  # more sources of `auth` (its `maybe` switches)
    # a switch that turns authentication on wins over one that turns it off (marimo: a
    # `--token-password` is used whatever `--no-token` says)
    auth_on_wins: bool = False
    releases: Releases | None = None  # the releases this entry is for, by an installed package's version
    # options the program reads before its subcommand, each with a value (`feast -c repo serve`)
    global_options: tuple[str, ...] = ()
    # a one-command program (uvicorn, one click command): any option may come before its positional
    # words, each with a value unless `no_value` names it
    any_before: bool = False
    no_value: tuple[str, ...] = ()
    # switches that turn authentication on with a credential everyone knows
    auth_known: tuple[KnownCredential, ...] = ()
    # its start command is the service only in its official images (elsewhere the program's defaults
    # differ: Redis' protected mode, which the official image turns off)
    image_only: bool = False
    # a variable whose words the service adds to its own command line wherever it starts (AUTOMATIC1111's
    # COMMANDLINE_ARGS: `sys.argv += shlex.split(...)`)
    args_env: str | None = None
    # an option whose value's words it passes on as its own command line's, over `args_env` (LocalAI's
    # `--llama-cpp-args`, split at spaces)
    args_flag: str | None = None
    # where it stores its data on the container's own filesystem unless a switch says elsewhere
    writes: tuple[Write, ...] = ()
    # when it calls the Kubernetes API with its pod's token itself (GLM044: no fix stops the mount)
    token: Token | None = None
    # a chart that gives it its values through a Secret (zero-to-jupyterhub's hub, behind its proxy)
    chart_values: ChartValues | None = None
    # variables whose value names addresses it does not connect to (Open WebUI's CORS_ALLOW_ORIGIN, the
    # browser origins it lets in; its own public URL): GLM009 reads no service on the host's loopback there
    not_connected: tuple[str, ...] = ()
    not_connected_source: str = ""

    def image(self, name: str | None) -> Image | None:
        """The cataloged official image `name` is, if any."""
        if not name:
            return None
        return self.image_of(image_repository(name), name)

    def image_of(self, repo: str, name: str) -> Image | None:
        """`image(name)`, `repo` being `image_repository(name)`."""
        for img in self.images:
            if glob_match(repo, img.name) and img.has_tag(name):
                return img
        return None

    def matches_image(self, name: str | None) -> bool:
        if not name:
            return False
        repo = image_repository(name)
        return any(glob_match(repo, p) for p in self.image_patterns)

    @property
    def sources(self) -> list[str]:
        """Every source the entry cites, in order, once."""
        out = [self.recognize_source, *self.more_sources, *(s for i in self.images for s in (i.source, *i.sources)),
               self.config_file.source if self.config_file else None,
               *(self.family.sources if self.family else ()), *(self.settings.sources if self.settings else ()),
               *(s for l in self.listeners for s in (l.source, *l.sources)), *(l.auth.source for l in self.listeners if l.auth),
               self.auth_source, *self.auth_sources, *(s for k in self.auth_known for s in (k.source, *k.sources)),
               *(d.source for d in self.dangerous), self.releases.source if self.releases else None,
               self.releases.rejects_source if self.releases else None,
               *(m.source for m in self.model_stores),
               *(m.written_by.source for m in self.model_stores if m.written_by), *(w.source for w in self.writes),
               (self.options_source or None), (self.runtime_source or None),
               *(p.source for p in self.presets),
               *((self.token.source, *self.token.sources) if self.token else ()),
               *((self.chart_values.source, *self.chart_values.sources) if self.chart_values else ()),
               (self.not_connected_source or None)]
        return list(dict.fromkeys(s for s in out if s))


# the mode of a `FileWrite` that records no file: a workload of the same file and namespace runs a start word
# that a `peer` switch's glob (its `path`) matches, at its `loc` (parsers/kubernetes.py `_peers_read`)
PEER_WRITE = "peer"


def peer_globs() -> tuple[str, ...]:
    """Every `peer` switch's glob in the catalog now read (the known credentials' `unless`)."""
    services = catalog()
    if _PEERS[0] is not services:
        _PEERS[:] = [services, tuple(dict.fromkeys(u.peer for s in services for k in s.auth_known
                                                   for u in k.unless if u.peer is not None))]
    return _PEERS[1]  # type: ignore[no-any-return]


_PEERS: list[Any] = [None, ()]  # (the catalog, its peer globs): follows `reload()` by identity


def _switches(data: Any) -> tuple[Switch, ...]:
    return tuple(Switch.of(d) for d in data or ())


def _sources(d: dict[str, Any]) -> tuple[str, ...]:
    return (d["source"], *d.get("sources", ()))


def _family(d: dict[str, Any] | None) -> Family | None:
    if not d:
        return None
    return Family(d["name"], tuple(d["images"]), tuple(d.get("scripts", ())), d.get("args_env"),
                  {k: str(v) for k, v in (d.get("config") or {}).items()}, _sources(d), d.get("user_env"))


def _settings(d: dict[str, Any] | None) -> Settings | None:
    if not d:
        return None
    return Settings({k: str(v) for k, v in (d.get("env") or {}).items()}, tuple(d.get("files", ())),
                    d.get("dropins"), tuple(d.get("classes", ())), tuple(d.get("stock", ())),
                    {k: str(v) for k, v in (d.get("defaults") or {}).items()}, _sources(d))


def _gathered(d: dict[str, Any], key: str) -> list[Any]:
    """An entry's `recognize` values of `key`, its own then those of each `more`."""
    rec = d.get("recognize", {})
    return [*rec.get(key, ()), *(x for m in rec.get("more", ()) for x in m.get(key, ()))]


def _recognized(d: dict[str, Any]) -> tuple[tuple[str, ...], tuple[tuple[str, ...], ...], tuple[str, ...]]:
    """An entry's `Service.scripts`, `commands` and `modules`, from the catalog's data."""
    return (tuple(p.lower() for p in d.get("recognize", {}).get("scripts", ())),
            tuple(tuple(c) for c in _gathered(d, "commands")), tuple(_gathered(d, "modules")))


def _chart_values(d: dict[str, Any] | None) -> ChartValues | None:
    if not d:
        return None
    mounts = d.get("unknown_mounts")
    return ChartValues(d["secret_key"], tuple(d["marker"]), d["file"], d["target"],
                       tuple((tuple(x["path"].split(".")), x["line"]) for x in d["settings"]),
                       tuple(tuple(p.split(".")) for p in d.get("unknown", ())),
                       tuple(mounts["path"].split(".")) if mounts else None, mounts["under"] if mounts else None,
                       d["source"], tuple(d.get("sources", ())))


def _service(sid: str, d: dict[str, Any]) -> Service:
    rec = d.get("recognize", {})
    more = rec.get("more", ())
    scripts, commands, modules = _recognized(d)
    listeners = []
    for ld in d.get("listeners", ()):
        bind = ld.get("bind", {})
        listeners.append(Listener(
            name=ld["name"], port=int(ld["port"]), source=ld["source"],
            port_flags=tuple(ld.get("port_flags", ())), port_env=tuple(ld.get("port_env", ())),
            port_config=ld.get("port_config"),
            bind_flags=tuple(bind.get("flags", ())),
            bind_env=tuple(bind.get("env", ())), bind_config=bind.get("config"),
            bind_all_flags=tuple(bind.get("all_flags", ())), bind_bare=dict(bind.get("bare", {})),
            bind_means=dict(bind.get("means", {})),
            bind_all_env=_switches(bind.get("all_env")),
            default_bind=str(bind.get("default", "127.0.0.1")), gives=ld.get("gives"),
            bind_own_address=bool(bind.get("own_address")),
            requires=_switches(ld.get("requires")), off=_switches(ld.get("off")), tunnel=_switches(ld.get("tunnel")),
            sources=tuple(ld.get("sources", ())),
            reached_through_host=(ld["reached_through_host"]["by"], ld["reached_through_host"]["address"])
            if ld.get("reached_through_host") else None,
            auth=ListenerAuth(str(ld["auth"]["default"]), _switches(ld["auth"].get("on")),
                              _switches(ld["auth"].get("off")), ld["auth"]["source"]) if ld.get("auth") else None))
    images = tuple(Image(name=i["name"], source=i["source"],
                         entrypoint=tuple(i["entrypoint"]) if "entrypoint" in i else None,
                         cmd=tuple(i["cmd"]) if "cmd" in i else None,
                         runs=tuple(i["runs"]) if "runs" in i else None, passes_args=bool(i.get("passes_args")),
                         env={k: str(v) for k, v in (i.get("env") or {}).items()},
                         config={k: str(v) for k, v in (i.get("config") or {}).items()},
                         config_path=i.get("config_path"), sources=tuple(i.get("sources", ())),
                         tags=tuple(i.get("tags", ())), only_commands=bool(i.get("only_commands")),
                         args_env=i.get("args_env"),
                         script_env={k: str(v) for k, v in (i.get("script_env") or {}).items()},
                         port_env=tuple(i.get("port_env", ())), workdir=i.get("workdir"))
                   for i in d.get("images", ()))
    cf = d.get("config_file")
    config_file = ConfigFile(tuple(cf.get("env", ())), tuple(cf.get("flags", ())), cf.get("cwd"), cf["format"],
                             cf["source"]) if cf else None
    auth = d.get("auth", {})
    return Service(
        id=sid, name=d["name"], kind=d["kind"], gives=d["gives"],
        commands=commands, modules=modules, scripts=scripts,
        image_patterns=tuple(_gathered(d, "images")),
        recognize_source=rec.get("source", ""), images=images, listeners=tuple(listeners),
        auth_default=str(auth.get("default", "unknown")), auth_on=_switches(auth.get("on")),
        auth_off=_switches(auth.get("off")), auth_source=auth.get("source"),
        dangerous=tuple(Dangerous(Switch.of(x["switch"]) if "switch" in x else None, x["what"], x["source"],
                                  x.get("default") == "on", _switches(x.get("off"))) for x in d.get("dangerous", ())),
        model_stores=tuple(ModelStore(tuple(m.get("flags", ())), tuple(m.get("env", ())), m.get("config"),
                                      m.get("default"), m["source"],
                                      StoreWriter(_switches(w["on"]), w["what"], w["source"])
                                      if (w := m.get("written_by")) else None)
                           for m in d.get("model_store", ())),
        owner=d.get("owner"), data_store=d.get("kind") == "data-store",
        packages=tuple(dict.fromkeys(_gathered(d, "packages"))), family=_family(d.get("family")),
        settings=_settings(d.get("settings")), more_sources=tuple(m["source"] for m in more),
        underscores=bool((d.get("options") or {}).get("underscores")),
        options_source=(d.get("options") or {}).get("source", ""), config_file=config_file,
        auth_maybe=_switches(auth.get("maybe")),
        runtime_formats=tuple(f.lower() for f in (d.get("runtime") or {}).get("model_formats", ())),
        runtime_runs=tuple((d.get("runtime") or {}).get("runs", ())),
        runtime_source=(d.get("runtime") or {}).get("source", ""),
        presets=tuple(Preset(p["container"], tuple(p["runs"]), p.get("args_env"), p["source"])
                      for p in d.get("presets", ())),
        auth_sources=tuple(auth.get("sources", ())), auth_on_wins=bool(auth.get("on_wins")),
        releases=Releases(tuple(d["releases"]["packages"]), tuple(d["releases"]["versions"]), d["releases"]["source"],
                          d["releases"].get("newer"), tuple((d["releases"].get("rejects") or {}).get("options", ())),
                          (d["releases"].get("rejects") or {}).get("source")) if d.get("releases") else None,
        global_options=tuple((d.get("options") or {}).get("global_options", ())), image_only=bool(rec.get("image_only")),
        args_env=(d.get("options") or {}).get("args_env"), args_flag=(d.get("options") or {}).get("args_flag"),
        any_before=bool((d.get("options") or {}).get("any_before")),
        no_value=tuple((d.get("options") or {}).get("no_value", ())),
        writes=tuple(Write(w["path"], w["what"], _switches(w.get("unless")), w["source"], w.get("via"))
                     for w in d.get("writes", ())),
        token=Token(d["token"]["why"], _switches(d["token"].get("when")), tuple(d["token"].get("images", ())),
                    d["token"]["source"], tuple(d["token"].get("sources", ()))) if d.get("token") else None,
        chart_values=_chart_values(d.get("chart_values")),
        not_connected=tuple((d.get("not_connected") or {}).get("env", ())),
        not_connected_source=(d.get("not_connected") or {}).get("source", ""),
        auth_known=tuple(KnownCredential(Switch.of(k["switch"]) if "switch" in k else None, k["credential"], _switches(k.get("unless")),
                                         k["source"], tuple(k.get("listeners", ())), tuple(k.get("sources", ())))
                   for k in auth.get("known", ())))


def raw() -> dict[str, Any]:
    """`services.yaml` as data, read with the C loader (the source of truth: tests, docs, `--sync`)."""
    from glmlint.catalog import load_yaml

    data: dict[str, Any] = load_yaml("services.yaml")
    return data


def compiled() -> dict[str, Any]:
    """`services.json`: the same data, generated from the YAML (`python -m glmlint.catalog.services`)
    so that a scan reads it with the standard library, without loading a YAML library (a Dockerfile
    check loads none); a test keeps it equal to the YAML."""
    import json

    from glmlint.catalog import read_text

    data: dict[str, Any] = json.loads(read_text("services.json"))
    return data


@functools.lru_cache(maxsize=1)
def _data() -> dict[str, Any]:
    """`compiled()`, read once."""
    return compiled()


_BUILT: dict[str, Service] = {}  # each entry's `Service`, made at its first question (`_built`)


def _built(sid: str) -> Service:
    """The `Service` of the entry `sid`, made once: the one `catalog()` holds. A one-Dockerfile check
    asks about a handful of the ~110 entries, and making them all was ~5 ms of its ~50 (issue 12)."""
    got = _BUILT.get(sid)
    if got is None:
        got = _BUILT[sid] = _service(sid, _data()["services"][sid])
    return got


@functools.lru_cache(maxsize=1)
def catalog() -> tuple[Service, ...]:
    """Every cataloged service, read once, on the first question."""
    return tuple(_built(sid) for sid in _data()["services"])


_CATALOG = catalog  # (`_known`: whether a test stands another catalog in)


def reload() -> None:
    """Read the catalog again at the next question (after `services.json` is written)."""
    _data.cache_clear()
    _BUILT.clear()
    catalog.cache_clear()
    loaders.cache_clear()
    launchers.cache_clear()
    _relaunchers.cache_clear()
    _launcher_env.cache_clear()
    known_env_credentials.cache_clear()


@functools.lru_cache(maxsize=1)
def known_env_credentials() -> dict[tuple[str, str], str]:
    """(variable, value) -> the service's name, for each variable value the catalog says is a credential
    everyone knows: the `known` credentials of `auth` (LiteLLM's quick-start master key `sk-1234`) and
    the values `unless` excludes from a variable that turns authentication on (MinIO's `minioadmin`).
    Values compared lower-cased."""
    out: dict[tuple[str, str], str] = {}
    for svc in catalog():
        for k in svc.auth_known:
            if k.switch is not None and k.switch.env:
                out.update(((k.switch.env, v.lower()), svc.name) for v in k.switch.values)
        for sw in svc.auth_on:
            if sw.env:
                out.update(((sw.env, v.lower()), svc.name) for v in sw.unless)
    return out


@dataclass(frozen=True)
class Loader:
    """A library that runs a model repository's code when the calling code asks (`code`, a regex)."""

    id: str
    name: str
    code: re.Pattern[str]
    what: str
    source: str


@functools.lru_cache(maxsize=1)
def loaders() -> tuple[Loader, ...]:
    """Every cataloged loader, read once."""
    return tuple(Loader(lid, d["name"], re.compile(d["code"]), d["what"], d["source"])
                 for lid, d in (_data().get("loaders") or {}).items())


@dataclass(frozen=True)
class LoaderCall:
    """Python code a command runs that asks `loader` for remote code: `at` is the code's word
    (`python -c '…'`) or the command fed it (a heredoc)."""

    loader: Loader
    at: Loc
    text: str


def loader_calls(commands: Iterable[Command]) -> list[LoaderCall]:
    """The loaders asked for remote code by Python code the commands run (`-c`, or stdin)."""
    out: list[LoaderCall] = []
    for cmd in commands:
        if not _PYTHON.match(cmd.name):
            continue
        code, at = _inline_code(cmd)
        if code is None:
            continue
        for loader in loaders():
            found = loader.code.search(code)
            if found is not None:
                out.append(LoaderCall(loader, at, found.group(0)))
    return out


def _inline_code(cmd: Command) -> tuple[str | None, Loc]:
    """The code `python` runs from its command line (`-c CODE`) or, with no script, from stdin."""
    args = cmd.argv[1:]
    skip = False
    for i, w in enumerate(args):
        t = w.text
        if skip:  # the value of `-W`/`-X`
            skip = False
            continue
        if t == "-c":
            return (args[i + 1].text, args[i + 1].loc) if i + 1 < len(args) else (None, cmd.loc)
        if t.startswith("-c") and not t.startswith("--"):
            return t[2:], w.loc
        if t in _PYTHON_VALUE_OPTIONS:
            skip = True
            continue
        if t == "-":
            break  # the program is read from stdin
        if t.startswith("-m") or not t.startswith("-"):
            return None, cmd.loc  # a module or a script: its code is not here
    return cmd.stdin, cmd.loc


def get(service_id: str) -> Service:
    """The cataloged service `service_id` (made alone: not the whole catalog)."""
    if catalog is not _CATALOG:  # (a test's catalog)
        for s in catalog():
            if s.id == service_id:
                return s
        raise KeyError(service_id)
    return _built(service_id)


# -- images ---------------------------------------------------------------------------


@functools.lru_cache(maxsize=4096)  # asked for every cataloged service of every workload
def image_repository(ref: str) -> str:
    """`docker.io/library/ollama:0.5@sha256:..` -> `ollama`; `ghcr.io/x/y:1` -> `ghcr.io/x/y`."""
    ref = ref.strip().strip("'\"").split("@", 1)[0]
    slash = ref.rfind("/")
    colon = ref.rfind(":")
    if colon > slash:
        ref = ref[:colon]
    ref = ref.lower()
    for prefix in ("docker.io/library/", "index.docker.io/library/", "registry-1.docker.io/library/"):
        if ref.startswith(prefix):
            return ref[len(prefix):]
    for prefix in ("docker.io/", "index.docker.io/", "registry-1.docker.io/"):
        if ref.startswith(prefix):
            return ref[len(prefix):]
    return ref


def image_tag(ref: str) -> str:
    """`ghcr.io/x/y:server-cuda@sha256:..` -> `server-cuda`; no tag -> `latest` (what Docker pulls)."""
    ref = ref.strip().strip("'\"").split("@", 1)[0]
    slash, colon = ref.rfind("/"), ref.rfind(":")
    return ref[colon + 1:].lower() if colon > slash else "latest"


# -- recognising a launch -------------------------------------------------------------


def _module_args(cmd_words: Sequence[Word]) -> tuple[str, int] | None:
    """(`module`, index of its first argument) for `python [-u ...] -m module ...`."""
    skip = False
    for i, w in enumerate(cmd_words[1:], start=1):
        if skip:  # the value of `-W`/`-X`
            skip = False
            continue
        if w.text == "-m" and i + 1 < len(cmd_words):
            return cmd_words[i + 1].text, i + 2
        if w.text.startswith("-m") and len(w.text) > 2:
            return w.text[2:], i + 1
        if w.text in _PYTHON_VALUE_OPTIONS:
            skip = True
            continue
        if w.text == "-c" or not w.text.startswith("-"):
            return None  # `python script.py`, `python -c '...'`: not a module
    return None


# the interpreter's options that take the next word as their value (`python -W ignore -m x`)
_PYTHON_VALUE_OPTIONS = {"-W", "-X", "--check-hash-based-pycs"}

# the Java launcher's options that take the next word as their value (`java -cp h2o.jar water.H2OApp`;
# the java(1) manual of JDK 21: https://docs.oracle.com/en/java/javase/21/docs/specs/man/java.html)
_JAVA_VALUE_OPTIONS = {"-cp", "-classpath", "--class-path", "-p", "--module-path", "--upgrade-module-path",
                       "--add-modules", "--limit-modules", "--add-reads", "--add-exports", "--add-opens",
                       "--patch-module", "--enable-native-access"}


def _main_class(argv: Sequence[Word]) -> int:
    """The index of the main class `java [options] MainClass [arguments]` runs, else 0 (`-m module`,
    `--module`, `-jar`, `--version`: no class named on the command line)."""
    skip = False
    for i, w in enumerate(argv[1:], start=1):
        if skip:
            skip = False
            continue
        if w.text in _JAVA_VALUE_OPTIONS:
            skip = True
            continue
        if w.text in ("-m", "--module", "-jar") or w.text.startswith("--module="):
            return 0
        if not w.text.startswith("-"):
            return i
    return 0


def _is_class(argv: Sequence[Word], word: Word) -> bool:
    """Whether `word` is the main class `java` runs (a class name, not a path in the working directory)."""
    return argv[0].text.rsplit("/", 1)[-1] == "java" and word is not argv[0] \
        and not any(w.text == "-jar" for w in argv[1:])


@functools.lru_cache(maxsize=64)
def _script_ends(patterns: tuple[str, ...]) -> tuple[str, ...] | None:
    """What a name `glob_match`es one of `patterns` must end with: a literal itself, a `*` pattern
    its text after the last `*` (every service's script patterns are these); None when one has
    another wildcard (`?`, `[`: no such prefilter)."""
    ends = []
    for p in patterns:
        if "?" in p or "[" in p:
            return None
        ends.append(p.rsplit("*", 1)[-1])
    return tuple(ends)


def match_command(service: Service, argv: Sequence[Word], cwd: str | None = None) -> int | None:
    """The index of the first configuring argument when `argv` starts `service`, else None. `cwd`:
    the directory it starts in, where a relative script path is read from."""
    if not argv:
        return None
    name = argv[0].text.rsplit("/", 1)[-1]
    if service.scripts:
        script = argv[0]
        at = 1
        if _PYTHON.match(name) or name in ("sh", "bash"):
            at = next((i for i, w in enumerate(argv[1:], start=1) if not w.text.startswith("-")), 0)
            script = argv[at] if at else argv[0]
            at += 1
        elif name == "java":
            # `java [JVM options] -jar app.jar [its arguments]`: the jar is what runs; else `java [JVM
            # options] MainClass [its arguments]` runs the class (H2O-3's `java -cp h2o.jar water.H2OApp`)
            at = next((i + 1 for i, w in enumerate(argv[1:-1], start=1) if w.text == "-jar"), 0) \
                or _main_class(argv)
            script = argv[at] if at else argv[0]
            at += 1
        path = script.text.lower()
        ends = _script_ends(service.scripts)  # (most paths end as no pattern does: ~30k matches on the corpus)
        if _is_class(argv, script):
            # a class name (`water.H2OApp`), matched by a pattern with no `/`, never a file's
            if (ends is None or path.endswith(ends)) and any("/" not in p and glob_match(path, p)
                                                             for p in service.scripts):
                return at
        else:
            if cwd and not path.startswith("/") and "$" not in path:

                path = posixpath.normpath(posixpath.join(cwd.lower(), path))
            if (ends is None or ("/" + path).endswith(ends)) \
                    and any(glob_match(path, p) or glob_match("/" + path, p) for p in service.scripts):
                return at
    if _PYTHON.match(name):
        got = _module_args(argv)
        if got is not None:
            module, start = got
            if module in service.modules:
                return start
            # `python -m jupyter lab`: the module is the program of a command pattern
            for pattern in service.commands:
                got = _match_words(pattern, argv[start - 1:], service.global_options, service)
                if pattern[0] == module and got is not None:
                    return start - 1 + got
        return None
    for pattern in service.commands:
        if pattern[0] == name:
            got = _match_words(pattern, argv, service.global_options, service)
            if got is not None:
                return got
    return None


def _before(service: Service, flag: str, launched: bool = False) -> bool:
    """Whether the service's program reads `flag` before its subcommand or positional words; `launched`:
    started by a one-command launcher (`launchers`: uvicorn), which reads any option there."""
    return (service.any_before or launched) and flag.startswith("-") or flag in service.global_options


@functools.lru_cache(maxsize=1)
def launchers() -> dict[str, tuple[str, ...]]:
    """The catalog's one-command launchers (`launchers:`, uvicorn), each with its options that take no value:
    any option may come before the positional word that names what it starts."""
    return {name: tuple(d.get("no_value", ())) for name, d in (_data().get("launchers") or {}).items()
            if d.get("any_before")}


@functools.lru_cache(maxsize=1)
def _launcher_env() -> dict[str, dict[str, str]]:
    """The catalog's launchers that read an option not given on the command line from a variable (`env`: option ->
    variable; uvicorn's click command, `auto_envvar_prefix: "UVICORN"`: `--host` from UVICORN_HOST)."""
    return {name: dict(d["env"]) for name, d in (_data().get("launchers") or {}).items() if d.get("env")}


def _with_launcher_env(env: tuple[str, ...], flags: tuple[str, ...], launcher: str) -> tuple[str, ...]:
    """`env` (a listener's variables for a setting that `flags` set) with those `launcher` reads for those flags
    after them (below the service's own: `launchers.<name>.env`)."""
    table = _launcher_env().get(launcher) if launcher else None
    if not table:
        return env
    more = tuple(dict.fromkeys(table[f] for f in flags if f in table and table[f] not in env))
    return (*env, *more) if more else env


@functools.lru_cache(maxsize=1)
def _relaunchers() -> dict[str, dict[str, Any]]:
    """The catalog's launchers that amount to another with one of their worker classes (`stands_for`:
    gunicorn with a uvicorn worker is uvicorn)."""
    return {name: d for name, d in (_data().get("launchers") or {}).items() if d.get("stands_for")}


def _relaunched(argv: tuple[Word, ...], env: dict[str, EnvVar], launched: str | None,
                imports: bool = False, project: dict[str, str] | None = None) -> tuple[Word, ...]:
    """`gunicorn -k uvicorn.workers.UvicornWorker -b 0.0.0.0:8000 chromadb.app:app` as the uvicorn command line it
    amounts to (`launchers.gunicorn`): `uvicorn chromadb.app:app --host 0.0.0.0 --port 8000`, the words located
    where gunicorn's are (the address at its `-b` value). gunicorn's settings come from its config file (`-c`,
    else `./gunicorn.conf.py` in its directory), then the variable `GUNICORN_CMD_ARGS` (its `cmd_args_env`, words
    as the shell splits them), then the command line, each over the one before (app/base.py `load_config`); the
    app only from the command line. Of several addresses, the first not on loopback. The address is not known
    (a `--host` the scan cannot read) when neither the command line nor GUNICORN_CMD_ARGS gives one (a config
    file, named or the default one the image may hold, may: `Bind`'s own default, 0.0.0.0:$PORT or
    127.0.0.1:8000, holds only without one), or when a `-b` word holds a variable the container's environment
    does not fill (`0.0.0.0:${PORT:-8000}` with PORT unset is its default). A Unix socket or inherited descriptor
    (`unix:`, `fd://`) is no TCP listener. Another command line (no uvicorn worker class, no app) is as it is.
    `imports`: the container gets variables the scan cannot read (`env_file`, `envFrom`); `project`: a compose
    project's variables, which Compose fills the command with first (`$$` is a `$` for the container's shell)."""
    spec = _relaunchers().get(launched or "")
    if spec is None:
        return argv
    module = _module_args(argv) if argv[0].text.rsplit("/", 1)[-1] != launched else None
    start = module[1] if module is not None else 1  # (`python -m gunicorn`: after the module)
    worker_flags, bind_flags = tuple(spec.get("worker_flags", ())), tuple(spec.get("bind_flags", ()))
    settings: dict[str, Any] = {}  # "worker", "binds": the command line's over the variable's
    app: Word | None = None
    cmd_env = spec.get("args_env")
    var = env.get(cmd_env) if cmd_env else None
    if var is not None and (var.value is None or var.dynamic):
        return argv  # (what it sets is not known)
    sources: list[tuple[Word, ...]] = []
    if var is not None and var.value:
        from glmlint.shell import split_words

        sources.append(split_words(var.value, var.loc))
    sources.append(argv[start:])
    for k, words in enumerate(sources):
        got = _gunicorn_options(words, spec, worker_flags, bind_flags)
        if got is None:
            return argv
        positional, worker, binds = got
        if worker is not None:
            settings["worker"] = worker
        if binds:
            settings["binds"] = binds  # (`-b` appends, but the later source's list replaces the earlier's)
        if k == len(sources) - 1:
            app = positional
    if app is None or app.dynamic or settings.get("worker") not in spec.get("workers", ()):
        return argv
    out = [Word(str(spec["stands_for"]), argv[0].loc), app]
    binds = settings.get("binds") or []
    host_port: tuple[Word, Word] | None = None
    for word in binds:
        text: str | None = word.text
        if word.dynamic and project is not None:
            from glmlint.interpolate import interpolate

            filled = interpolate(word.text, project)
            text = filled.text if filled is not None else None
        if text is not None and "$" in text:
            text = _shell_filled(text, env, imports)
        if text is not None and text.startswith(("unix:", "fd://")):
            continue
        if text is None:
            unknown = Word(word.text, word.loc, True)
            host_port = (unknown, unknown)
            break
        addr = text[len("tcp://"):] if text.startswith("tcp://") else text
        if addr.startswith("[") and "]" in addr:
            host, _, port = addr[1:].partition("]")
            port = port[1:] if port.startswith(":") else "8000"
        else:
            host, colon, port = addr.partition(":")
            port = (port.split(":")[0] or "8000") if colon else "8000"
        host = host or "0.0.0.0"  # (`:8000`: Python's socket binds "" on every interface)
        if host_port is None or host_port[0].text in ("127.0.0.1", "localhost", "::1"):
            host_port = (Word(host, word.loc), Word(port, word.loc))
    if not binds:
        unknown = Word("$" + (cmd_env or "GUNICORN_CMD_ARGS"), app.loc, True)  # a config file's `bind`, or Bind's default
        host_port = (unknown, unknown)
    if host_port is not None:
        out += [Word("--host", host_port[0].loc), host_port[0], Word("--port", host_port[1].loc), host_port[1]]
    return tuple(out)


def _gunicorn_options(words: Sequence[Word], spec: dict[str, Any], worker_flags: tuple[str, ...],
                      bind_flags: tuple[str, ...]) -> tuple[Word | None, str | None, list[Word]] | None:
    """(the first positional word, the worker class, the `-b` values) of gunicorn's words (argparse: options
    anywhere; `--opt=value`, `-xVALUE`; those in `no_value` take none); None for words cut short."""
    no_value = set(spec.get("no_value", ()))
    app: Word | None = None
    worker: str | None = None
    binds: list[Word] = []
    i = 0
    while i < len(words):
        w = words[i]
        t = w.text
        if t == "--":
            app = app or (words[i + 1] if i + 1 < len(words) else None)
            break
        if not t.startswith("-") or t == "-":
            app = app or w
            i += 1
            continue
        flag, eq, inline = t.partition("=") if t.startswith("--") else (t[:2], "", t[2:])
        if t.startswith("--") and not eq or not t.startswith("--") and not inline:
            if flag in no_value:
                i += 1
                continue
            value = words[i + 1] if i + 1 < len(words) else None
            i += 2
        else:
            value = Word(inline, w.loc, w.dynamic)
            i += 1
        if value is None:
            return None
        if flag in worker_flags:
            worker = value.text
        elif flag in bind_flags:
            binds.append(value)
    return app, worker, binds


# `${VAR}`, `${VAR:-default}`, `${VAR-default}`, `$VAR` in a word the container's shell expands
_SHELL_VAR = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?-)([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)")


def _shell_filled(text: str, env: dict[str, EnvVar], imports: bool) -> str | None:
    """`text` with each variable the container's environment gives (a value the scan reads), or, for one it does
    not set, the default written (`${PORT:-8000}`: POSIX XCU 2.6.2); None when one is not known (set to what the
    scan cannot read, unset without a default, or the container gets variables the scan cannot read)."""
    def one(m: re.Match[str]) -> str:
        name = m.group(1) or m.group(4)
        var = env.get(name)
        if var is not None:
            if var.value is None or var.dynamic or "$" in var.value:
                raise LookupError(name)
            if m.group(2) == ":-" and not var.value:
                return m.group(3) or ""
            return var.value
        if imports or m.group(2) is None:
            raise LookupError(name)
        return m.group(3) or ""

    try:
        got = _SHELL_VAR.sub(one, text)
    except LookupError:
        return None
    return None if "$" in got or "`" in got else got


def _options_end(words: Sequence[str], no_value: Iterable[str]) -> int:
    """Where the options before a one-command program's first positional word end: each takes a value (the
    next word) unless `no_value` names it, or it is written `--opt=value` or `-xVALUE`."""
    skipped = 0
    while skipped < len(words) and words[skipped].startswith("-") and words[skipped] != "-":
        w = words[skipped]
        skipped += 1 if "=" in w or w in no_value or not w.startswith("--") and len(w) > 2 else 2
    return skipped


def _match_words(pattern: tuple[str, ...], argv: Sequence[Word], global_options: tuple[str, ...] = (),
                 service: Service | None = None) -> int | None:
    """`pattern` is a program, its leading positional words, and flags that must appear anywhere;
    `global_options` (each with a value) may come between the program and its subcommand, and so may
    any option of a one-command `service` (`any_before`; a value unless it is in `no_value`) or launcher
    (`launchers`: `uvicorn --host 0.0.0.0 chromadb.app:app`)."""
    words = [w.text for w in argv[1:]]
    no_value = launchers().get(pattern[0])
    if no_value is None and service is not None and service.any_before:
        no_value = service.no_value
    skipped = _options_end(words, no_value) if no_value is not None else 0
    while global_options and skipped < len(words):
        w = words[skipped]
        if w in global_options:
            skipped += 2  # `-c repo`
        elif any(w.startswith(o + "=") or len(o) == 2 and w.startswith(o) and len(w) > 2 for o in global_options):
            skipped += 1  # `--chdir=repo`, `-crepo`
        else:
            break
    if skipped > len(words):
        return None
    words = words[skipped:]
    positional = [p for p in pattern[1:] if not p.startswith("-")]
    flags = [p for p in pattern[1:] if p.startswith("-")]
    if words[:len(positional)] != positional:
        return None
    if any(not any(w == f or w.startswith(f + "=") for w in words) for f in flags):
        return None
    return 1 + skipped + len(positional)


def _synthetic(texts: Iterable[str], loc: Loc) -> tuple[Word, ...]:
    return tuple(Word(t, loc) for t in texts)


@dataclass(frozen=True)
class Resolved:
    """A setting's effective value and where it comes from: `flag`, `env`, `config`, `image`
    (a default of the official image) or `default` (the service's own)."""

    value: str
    loc: Loc
    how: str
    word: Word | None = None


@dataclass(frozen=True)
class ListenerState:
    listener: Listener
    port: int | None  # None when set from a variable we cannot read
    bind: Resolved

    @property
    def all_interfaces(self) -> bool | None:
        """True for every interface, False for a specific address, None when unknown."""
        value = self.bind.value.strip()
        if "$" in value:
            return None
        if self.listener.bind_own_address and value.strip("'\"") and not is_loopback(value):
            return True
        return is_all_interfaces(value) or value in ("0.0.0.0,::", "[::]")


@dataclass(frozen=True)
class AuthState:
    """`state`: `on` (configured, or on by default), `off` (turned off by `switch`), `absent` (none
    exists, or off by default and not turned on), `unknown` (the catalog does not say)."""

    state: str
    loc: Loc | None = None
    switch: str | None = None
    word: Word | None = None
    # `absent`, though a switch turned it on: with this credential everyone knows
    known: str | None = None


@dataclass(frozen=True)
class DangerousState:
    dangerous: Dangerous
    loc: Loc
    word: Word | None  # the command-line word, when a flag turned it on
    env: EnvVar | None


@dataclass(frozen=True)
class ServiceMatch:
    """One launch of a cataloged service by a workload."""

    service: Service
    loc: Loc  # the start command, or the image line when the image's own command runs
    args: tuple[Word, ...]  # the words that configure it
    env: dict[str, EnvVar]  # effective environment: image defaults, then the workload's
    image: Image | None  # the official image it runs in, when cataloged
    via: str  # "command" or "image"
    config: dict[str, Resolved] = field(default_factory=dict)
    files: tuple[FileWrite, ...] = ()  # files the image build and start command write (config files)
    env_imported: bool = False  # more variables come from where the scan cannot see (`envFrom`, `env_file`)
    image_args: int = 0  # how many of `args` (the first ones) are the official image's own, not the workload's
    config_args: tuple[Word, ...] = ()  # the words of `args` that stand for options its config file sets
    mounted: tuple[tuple[str, Loc], ...] = ()  # what the workload mounts: (container path, where)
    # the words between the program and its subcommand (`mlflow --env-file .env server`): where a
    # switch whose flag is one of the program's global options is looked for
    before: tuple[Word, ...] = ()
    # the words of `args` that a variable's value gives (a preset's VLLM_ADDITIONAL_ARGS), not words of
    # a command line: no fix removes one
    env_args: tuple[Word, ...] = ()
    # the directories a relative `mount` switch is read in (`Switch.mount`)
    homes: tuple[str, ...] = ()
    # the one-command launcher (`launchers:`) whose command line started it (`uvicorn pkg.app:app`), "" for none:
    # its options may come before the app, and one not given on the command line is read from the variable its
    # `env` names (uvicorn's click command: UVICORN_HOST below `--host`, UVICORN_PORT below `--port`, for every
    # service it launches, review A20 F3); not a program that calls `uvicorn.run()` itself (`chroma run`)
    launcher: str = ""

    def port_env(self, listener: Listener) -> tuple[str, ...]:
        """The variables that set `listener`'s port, below its flags: the catalog's, and the launcher's."""
        return _with_launcher_env(listener.port_env, listener.port_flags, self.launcher)

    def bind_env(self, listener: Listener) -> tuple[str, ...]:
        """The variables that set `listener`'s address, below its flags: the catalog's, and the launcher's."""
        return _with_launcher_env(listener.bind_env, listener.bind_flags, self.launcher)

    # -- options, as the service's parser reads them ---------------------------------

    def canonical(self, text: str) -> str:
        """A command-line word as the service's parser reads it: `--trust_remote_code` is
        `--trust-remote-code` for a service whose parser turns underscores into dashes (in the
        option's name up to its first `.`, not in its value)."""
        if not self.service.underscores or not text.startswith("--") or "_" not in text:
            return text
        key, eq, value = text.partition("=")
        head, dot, rest = key[2:].partition(".")
        return "--" + head.replace("_", "-") + dot + rest + eq + value

    def option(self, *flags: str) -> tuple[str, Word] | None:
        """The last value given to any of `flags` (`--f=v`, `--f v`), words read as the service's parser
        reads them (`canonical`); a program's own option may also come before its subcommand (`uvicorn --host
        0.0.0.0 txtai.api:app`), where it counts when the words after do not give it."""
        got = last_option(self.args, flags, self.canonical)
        if got is None and self.before and any(_before(self.service, f, bool(self.launcher)) for f in flags):
            got = last_option(self.before, flags, self.canonical)
        return got

    def flag(self, *flags: str) -> Word | None:
        found = None
        before = self.before if any(_before(self.service, f, bool(self.launcher)) for f in flags) else ()
        for w in (*before, *self.args):
            t = self.canonical(w.text)
            if any(t == f or t.startswith(f + "=") for f in flags):
                found = w
        return found

    def _known_value(self, switch: Switch) -> bool:
        """Whether the flag `switch` names is given one of its `unless` values (vLLM's `--api-key
        token-abc123`, the key of its own docs): a key everyone knows turns nothing on."""
        if not switch.unless or switch.flag is None:
            return False
        got = self.option(switch.flag)
        return got is not None and got[0].strip("'\"") in switch.unless

    def env_set(self, name: str) -> EnvVar | None:
        var = self.env.get(name)
        if var is None:
            return None
        if var.value is None or var.dynamic:
            return var  # a reference (valueFrom, `${KEY}`): set, to a value we cannot read
        return var if var.value.strip() != "" else None

    def _squashed_env(self, switch: Switch) -> EnvVar | None:
        """The last variable set whose name, squashed (`Switch.squash`) and with a prefix of the
        switch's removed, is the switch's (a later one of the same key wins, as in the service's
        map of settings)."""
        want = _squash(switch.env or "")
        got = None
        for name in self.env:
            bare = next((name[len(p):] for p in switch.prefixes if name.startswith(p)), name)
            if _squash(name) == want or _squash(bare) == want:
                got = self.env_set(name) or got
        return got

    def switched(self, switch: Switch) -> tuple[Loc, Word | None, EnvVar | None] | None:
        """Where `switch` is turned on for this launch, if it is."""
        if switch.with_ and not any(self.switched(w) is not None for w in switch.with_):
            return None  # on only together with one of these, none of which is
        if switch.without and any(self.switched(w) is not None for w in switch.without):
            return None  # on only while none of these is, and one is
        if switch.peer is not None:
            # a workload beside it runs the peer (`PEER_WRITE`: recorded by the Kubernetes lowering)
            at = next((w.loc for w in self.files if w.mode == PEER_WRITE and w.path == switch.peer), None)
            return (at, None, None) if at is not None else None
        if switch.arg is not None:
            first = self.args[0] if self.args else None
            return (first.loc, first, None) if first is not None and glob_match(first.text.strip("'\""), switch.arg) \
                else None
        if switch.flag is not None and switch.flag in self.service.global_options:
            # the program's own option, given before its subcommand (`mlflow --env-file .env server`); a
            # one-command program's (uvicorn's) may come before or after its argument: `flag` reads both
            w = next((w for w in reversed(self.before) if w.text == switch.flag or w.text.startswith(switch.flag + "=")),
                     None)
            return (w.loc, w, None) if w is not None else None
        if switch.flag is not None:
            if switch.values:
                got = self.option(switch.flag)
                if got is not None and got[0].strip("'\"").lower() in switch.values:
                    return got[1].loc, got[1], None
            else:
                w = self.flag(switch.flag)
                if w is not None:
                    value = w.text.partition("=")[2].lower() if "=" in w.text else ""
                    if value not in ("false", "0", "no") and not self._known_value(switch):
                        return w.loc, w, None
        if switch.mount is not None:

            # a relative path names a file in the service's own directory: a directory mounted above it is
            # the program's files (a clone mounted at its WORKDIR), not its settings
            above = switch.mount.startswith("/")
            wants = [switch.mount.rstrip("/")] if above else \
                [posixpath.join(home, switch.mount).rstrip("/") for home in self.homes]
            for want in wants:
                for target, at in self.mounted:
                    if target == want or target.startswith(want + "/") or above and want.startswith(target + "/"):
                        return at, None, None
        if switch.config is not None:
            regex = re.compile(switch.config)
            found = None
            for write in self.files:
                for line in write.text.splitlines():
                    if not line.lstrip().startswith("#") and regex.search(line):
                        found = write.loc
            if found is not None:
                return found, None, None
        if switch.env is not None and switch.other_than:
            var = self.env.get(switch.env)  # (empty counts: set, and not one of them)
            if var is not None and var.value is not None and not var.dynamic \
                    and var.value.strip().strip("'\"").lower() not in switch.other_than:
                return var.loc, None, var
            return None
        if switch.env is not None:
            var = self.env_set(switch.env) if not switch.squash else self._squashed_env(switch)
            if var is not None and switch.unless and var.value is not None \
                    and var.value.strip().strip("'\"") in switch.unless:
                var = None  # `${SANDBOX_API_KEY:-dify-sandbox}` read as its default: the known key
            if var is not None:
                if switch.contains is not None:
                    if var.value is not None and not var.dynamic and switch.contains in var.value.lower():
                        return var.loc, None, var
                    return None
                if not switch.values:
                    return var.loc, None, var
                if var.value is not None and not var.dynamic and var.value.strip().strip("'\"").lower() \
                        in switch.values:
                    return var.loc, None, var
        return None

    # -- the questions ------------------------------------------------------------

    def listeners(self) -> list[ListenerState]:
        out = []
        for listener in self.service.listeners:
            if listener.requires and not any(self.switched(sw) is not None for sw in listener.requires):
                continue  # not started for this launch (text-generation-webui without `--api`)
            if any(self.switched(sw) is not None for sw in listener.off):
                continue  # turned off for this launch (Spark 4.1 with `spark.master.rest.enabled=false`)
            out.append(ListenerState(listener, self._port(listener), self._bind(listener)))
        return out

    def _port(self, listener: Listener) -> int | None:
        got = self.option(*listener.port_flags) if listener.port_flags else None
        if got is not None:
            return int(got[0]) if got[0].isdigit() else None
        for name in self.port_env(listener):
            var = self.env_set(name)
            if var is not None:
                value = (var.value or "").strip().strip("'\"")
                return int(value) if value.isdigit() and not var.dynamic else None
        # a bind flag that takes `host:port` (code-server `--bind-addr 0.0.0.0:8443`) sets the port too
        got = self.option(*listener.bind_flags) if listener.bind_flags else None
        if got is not None:
            _host, port = _split_host_port(got[0])
            if port is not None:
                return int(port) if port.isdigit() else None
        for name in self.bind_env(listener):
            var = self.env_set(name)
            if var is not None and var.value:
                _host, port = _split_host_port(var.value)
                if port is not None:
                    return int(port) if port.isdigit() else None
        if listener.bind_config and listener.bind_config in self.config:
            _host, port = _split_host_port(self.config[listener.bind_config].value)
            if port is not None and port.isdigit():
                return int(port)
        if listener.port_config and self.image is not None and self.via == "image":
            for name in self.image.port_env:  # its start script writes the variable into the config file
                var = self.env_set(name)
                if var is not None:
                    value = (var.value or "").strip().strip("'\"")
                    return int(value) if value.isdigit() and not var.dynamic else None
        if listener.port_config and listener.port_config in self.config:
            value = self.config[listener.port_config].value.strip()
            return int(value) if value.isdigit() else None
        return listener.port

    def _bind(self, listener: Listener) -> Resolved:
        got = self._bind_written(listener)
        meant = listener.bind_means.get(got.value.strip("'\""))
        return got if meant is None else Resolved(meant, got.loc, got.how, got.word)

    def _bind_written(self, listener: Listener) -> Resolved:
        # flags win over the environment, the environment over the image's config and defaults
        last: Resolved | None = None
        args = self.args
        if self.before and any(_before(self.service, f, bool(self.launcher))
                               for f in (*listener.bind_flags, *listener.bind_all_flags)):
            args = (*self.before, *args)  # the program's own option before its subcommand; the later one wins
        for i, w in enumerate(args):
            t = self.canonical(w.text)
            if t in listener.bind_all_flags:
                last = Resolved("0.0.0.0", w.loc, "flag", w)
                continue
            for f in listener.bind_flags:
                if t.startswith(f + "="):
                    last = Resolved(_split_host_port(t[len(f) + 1:])[0], w.loc, "flag", w)
                elif t == f:
                    nxt = args[i + 1].text if i + 1 < len(args) else None
                    if f in listener.bind_bare and (nxt is None or nxt.startswith("-")):
                        last = Resolved(listener.bind_bare[f], w.loc, "flag", w)
                    elif nxt is not None:
                        last = Resolved(_split_host_port(nxt)[0], w.loc, "flag", w)
            if t in listener.bind_bare and not any(t == f for f in listener.bind_flags):
                last = Resolved(listener.bind_bare[t], w.loc, "flag", w)
        if last is not None:
            return last
        for name in self.bind_env(listener):
            var = self.env_set(name)
            if var is not None:
                value = "$unknown" if var.value is None else _split_host_port(var.value)[0]
                how = "image" if self.image is not None and (name in self.image.env or name in self.image.script_env) \
                    and var.loc == self.loc else "env"
                return Resolved(value, var.loc, how)
        for switch in listener.bind_all_env:
            got = self.switched(switch)
            if got is not None:
                return Resolved("0.0.0.0", got[0], "env")
        if listener.bind_config and listener.bind_config in self.config:
            got = self.config[listener.bind_config]
            return Resolved(_split_host_port(got.value)[0], got.loc, got.how)
        return Resolved(listener.default_bind, self.loc, "default")

    def from_env(self, word: Word | None) -> bool:
        """Whether `word` is one of those a variable's value gives (`env_args`)."""
        return word is not None and any(w is word for w in self.env_args)

    def from_config(self, word: Word | None) -> bool:
        """Whether `word` stands for an option the service's config file sets (not a command-line word)."""
        return word is not None and any(w is word for w in self.config_args)

    def from_image(self, word: Word | None) -> bool:
        """Whether `word` is one the official image's own start command gives (not the workload's)."""
        return word is not None and any(w is word for w in self.args[:self.image_args])

    def auth(self, listener: Listener | None = None) -> AuthState:
        """The authentication of `listener` (its own when it has one), else the service's."""
        own = listener.auth if listener is not None else None
        if own is not None:
            return self._auth(own.default, own.on, own.off, ())
        s = self.service
        known = s.auth_known if listener is None else tuple(
            k for k in s.auth_known if not k.listeners or listener.name in k.listeners)
        return self._auth(s.auth_default, s.auth_on, s.auth_off, s.auth_maybe, s.auth_on_wins, known)

    def _unreadable(self, switches: tuple[Switch, ...]) -> bool:
        """Whether a variable that turns one of `switches` on by its value is set to one the scan
        cannot read (`LANGFLOW_AUTO_LOGIN: ${AUTO_LOGIN}`, a `secretKeyRef`)."""
        return any(sw.env and (sw.values or sw.contains) and (v := self.env_set(sw.env)) is not None
                   and (v.value is None or v.dynamic) for sw in switches)

    def _imported(self, switches: tuple[Switch, ...]) -> bool:
        """Whether a variable of `switches` may be among those `envFrom`/`env_file` bring in."""
        return self.env_imported and any(sw.env for sw in switches)

    def _first_on(self, auth_on: tuple[Switch, ...]) -> AuthState | None:
        """Authentication on, by the first of `auth_on` that is switched on; None: none is."""
        for switch in auth_on:
            got = self.switched(switch)
            if got is not None and not (switch.flag is not None and not switch.values and self._empty(got[1])):
                return AuthState("on", got[0], switch.describe(), got[1])
        return None

    def _empty(self, word: Word | None) -> bool:
        """Whether the flag `word` is given an empty value (`--api-key ""`, `--api-key=`): an empty
        key is no key (vLLM drops empty keys before it adds its check, and a key of nothing is one
        everyone knows), as an empty variable is none (`env_set`)."""
        if word is None:
            return False
        if "=" in word.text:
            return not word.dynamic and word.text.partition("=")[2].strip("'\"") == ""
        i = next((i for i, w in enumerate(self.args) if w is word), None)
        nxt = self.args[i + 1] if i is not None and i + 1 < len(self.args) else None
        return nxt is not None and not nxt.dynamic and nxt.text.strip("'\"") == ""

    def _auth(self, default: str, auth_on: tuple[Switch, ...], auth_off: tuple[Switch, ...],
              auth_maybe: tuple[Switch, ...], on_wins: bool = False,
              known: tuple[KnownCredential, ...] = ()) -> AuthState:
        # the first switch that turns it on: looked for before those that turn it off when it wins
        on = self._first_on(auth_on) if on_wins else None
        if on is not None:
            return on
        image_off = False
        for switch in auth_off:
            got = self.switched(switch)
            if got is not None:
                if self.from_image(got[1]):
                    # the image's own start command turns it off: the image runs without
                    # authentication by default, which is judged like a default (reachable or not)
                    image_off = True
                    continue
                written = got[2] is not None and switch.other_than  # the value as written: `WEBUI_AUTH=1`
                return AuthState("off", got[0], f"`{switch.env}={got[2].value.strip()}`" if written  # type: ignore[union-attr]
                                 else _said(switch, got[2]), got[1])
        if image_off:
            return AuthState("absent")
        if not on_wins:
            on = self._first_on(auth_on)
        if on is not None:
            return on
        for k in known:
            # switched on, or (no switch) the login it starts with by default
            got = self.switched(k.switch) if k.switch is not None else (self.loc, None, None)
            if got is not None:
                if any(self.switched(u) is not None for u in k.unless) or self._unreadable(k.unless) \
                        or self._imported(k.unless):
                    return AuthState("unknown")  # another credential may be set where the scan cannot read it
                return AuthState("absent", got[0], _said(k.switch, got[2]) if k.switch is not None else None, got[1],
                                 known=k.credential)
        if default == "on":
            return AuthState("on")
        if self._unreadable(auth_on):
            return AuthState("unknown")
        if any(self.switched(switch) is not None for switch in auth_maybe):
            return AuthState("unknown")  # a config file the scan does not read may turn it on
        if default == "off" and self._imported(auth_on):
            return AuthState("unknown")
        if default in ("none", "off"):
            return AuthState("absent")
        return AuthState("unknown")

    def tunneled(self, listener: Listener) -> tuple[Loc, str] | None:
        """Where a switch forwards `listener` through a public tunnel (`--share`), and the switch."""
        for switch in listener.tunnel:
            got = self.switched(switch)
            if got is not None:
                return got[0], _said(switch, got[2])  # as written (`SD_SHARE=true`)
        return None

    def dangerous(self) -> list[DangerousState]:
        out = []
        for d in self.service.dangerous:
            if any(self.switched(sw) is not None for sw in d.off):
                continue
            got = self.switched(d.switch) if d.switch is not None else None
            if got is not None:
                out.append(DangerousState(d, got[0], got[1], got[2]))
            elif d.default_on and not self._unreadable(d.off) and not self._imported(d.off):
                # on by default, and no switch turns it off (one set to a value the scan cannot read,
                # or variables brought in from where the scan cannot see, may: then nothing is said)
                out.append(DangerousState(d, self.loc, None, None))
        return out

    def needs_token(self, image: str | None) -> str | None:
        """Why the service calls the Kubernetes API with its pod's ServiceAccount token itself (the catalog's
        `token`), when it does here: a `when` switch is on, or it runs from one of the `images` (`image`: the
        container's, as written); None otherwise."""
        token = self.service.token
        if token is None:
            return None
        if image and any(glob_match(image_repository(image), p) for p in token.images):
            return token.why
        return token.why if any(self.switched(sw) is not None for sw in token.when) else None

    def writes(self) -> list[Write]:
        """What the service stores on the container's own filesystem here: the catalog's `writes` that no
        switch points elsewhere (a variable `envFrom`/`env_file` may bring in counts as a switch that may),
        each at the path a switch set to a local value gives (`--backend-store-uri sqlite:///mlflow.db`:
        `mlflow.db` where it starts; `sqlite:////data/mlflow.db`: `/data/mlflow.db`)."""
        out = []
        for w in self.service.writes:
            if w.via is not None and w.via != self.via or self._imported(w.unless):
                continue
            on = [u for u in w.unless if self.switched(u) is not None]
            kept = [self._kept_local(u) for u in on]
            if any(k is None for k in kept):
                continue  # a switch points it elsewhere (a database, an object store, a value we cannot read)
            out.append(replace(w, path=kept[0]) if kept else w)
        return out

    def _kept_local(self, switch: Switch) -> str | None:
        """The path on the container's own filesystem the value of the switched-on `switch` keeps a write
        at (its `local` pattern), None when the value moves it off or cannot be read."""
        if switch.local is None:
            return None
        if switch.flag is not None:
            got = self.option(switch.flag)
            value = got[0] if got is not None else None
        else:
            var = self.env_set(switch.env) if switch.env is not None else None
            value = var.value if var is not None and not var.dynamic else None
        if value is None or "$" in value:
            return None
        m = re.fullmatch(switch.local, value.strip().strip("'\""))
        return posixpath.normpath(m.group("path")) if m is not None and m.group("path") else None

    def store_writer(self) -> tuple[StoreWriter, str] | None:
        """The API that writes into the service's model store here (its `written_by`), with the switch that turns
        it on as written, when one is on; a variable `envFrom`/`env_file` may bring in does not count."""
        for store in self.service.model_stores:
            if store.written_by is None:
                continue
            for switch in store.written_by.on:
                got = self.switched(switch)
                if got is not None:
                    return store.written_by, _said(switch, got[2])
        return None

    def model_stores(self) -> list[Resolved]:
        """The container paths holding a model store the service only reads."""
        out = []
        for store in self.service.model_stores:
            got = self.option(*store.flags) if store.flags else None
            if got is not None:
                out.append(Resolved(got[0], got[1].loc, "flag", got[1]))
                continue
            var = next((v for n in store.env if (v := self.env_set(n)) is not None and v.value), None)
            if var is not None and var.value is not None:
                out.append(Resolved(var.value, var.loc, "env"))
                continue
            if store.config and store.config in self.config:
                out.append(self.config[store.config])
                continue
            if store.default:
                out.append(Resolved(store.default, self.loc, "default"))
        return [r for r in out if r.value.startswith("/") and "$" not in r.value]


def _said(switch: Switch, var: EnvVar | None) -> str:
    """`switch` as the workload wrote it: a variable the service reads under another name than the
    catalog's (Milvus squashes names and strips MILVUS_CONF_), or set to another of the values that
    count (`1` for `true`), is quoted as set (`MILVUS_CONF_COMMON_SECURITY_AUTHORIZATION_ENABLED=1`)."""
    if var is not None and var.value is not None and not var.dynamic:
        value = var.value.strip().strip("'\"")
        if var.name != switch.env or switch.values and value.lower() != switch.values[0]:
            return f"`{var.name}={value}`"
    # the switches that must be off for it to count are off here: not said (Airflow's all-admins
    # variable counts without another auth manager named)
    return (replace(switch, without=()) if switch.without else switch).describe()


def _split_host_port(value: str) -> tuple[str, str | None]:
    """`0.0.0.0:8080` -> (`0.0.0.0`, `8080`); `http://0.0.0.0:8080` too; `[::]:80`; a bare host."""
    v = value.strip().strip("'\"")
    if "://" in v:
        v = v.split("://", 1)[1].split("/", 1)[0]
    if v.startswith("["):
        host, _, rest = v[1:].partition("]")
        return host or "::", rest[1:] if rest.startswith(":") else None
    if v.count(":") == 1:
        host, port = v.split(":")
        return host, port
    if v.isdigit():
        return "", v  # `OLLAMA_HOST=:11434`-like: a port alone binds every interface
    return v, None


def identify(workload: Workload) -> list[ServiceMatch]:
    """The cataloged services `workload` starts, in start order."""
    # several rules ask about the same workload in turn (GLM016/017/018/020)
    return list(per_workload(_IDENTIFIED, workload, _identify))


_IDENTIFIED: dict[int, tuple[Workload, tuple[Any, ...]]] = {}


def per_workload(table: dict[int, tuple[Workload, tuple[Any, ...]]], workload: Workload,
                 compute: Callable[[Workload], Iterable[Any]]) -> tuple[Any, ...]:
    """`compute(workload)` worked out once while rules ask about the same workload in turn, kept in
    `table` (the last 256 workloads). Workloads and the answers are frozen; an entry keeps its
    workload, so an id is never reused while it is there."""
    got = table.get(id(workload))
    if got is None or got[0] is not workload:
        if len(table) >= 256:
            table.clear()
        got = table[id(workload)] = (workload, tuple(compute(workload)))
    return got[1]


class _Known:
    """What the catalog answers about words and image names, asked once per distinct question:
    the same start commands and images recur across a tree's workloads (and across the fix
    engine's re-parses of a file), and each answer is a pure function of the strings asked about
    and the catalog, which it is tied to (`catalog()` read again gives a fresh `_Known`).

    `services`: a catalog (`catalog()`, or one a test stands in); None: the cataloged entries, indexed
    from the catalog's data, each made a `Service` only when an answer may name it (`_built`): a
    one-Dockerfile check asks about a handful of them."""

    def __init__(self, services: tuple[Service, ...] | None = None) -> None:
        self._given = services
        self.source: Any = _data() if services is None else services  # (what `_known` compares)
        if services is None:
            entries = _data()["services"]
            ids = tuple(entries)
            rows = [(*_recognized(d), tuple(i["name"] for i in d.get("images", ()))) for d in entries.values()]
            self._of: Callable[[int], Service] = lambda i: _built(ids[i])
        else:
            rows = [(s.scripts, s.commands, s.modules, tuple(img.name for img in s.images)) for s in services]
            self._of = services.__getitem__
        self._rows = rows  # each entry's (scripts, commands, modules, image names), in catalog order
        self._starts: dict[tuple[str | None, ...], tuple[Service, int] | None] = {}
        self._images: dict[str, tuple[tuple[Service, Image], ...]] = {}
        # the entries `match_command` may match for a program name (`_may_start`), in catalog order
        self._scripted = tuple(i for i, row in enumerate(rows) if row[0])
        # (one pass over the entries, in catalog order: trying each program against every service's
        # commands was ~2.4 ms, of a one-Dockerfile check's ~45)
        programs: dict[str, list[int]] = {p[0]: [] for row in rows for p in row[1]}
        for i, (scripts, commands, _m, _n) in enumerate(rows):
            for prog in programs if scripts else {p[0] for p in commands}:
                programs[prog].append(i)
        self._by_program = {prog: tuple(found) for prog, found in programs.items()}
        # for a Python interpreter, by the module it runs (`_may_start`: made at its first question)
        self._by_module: dict[str, tuple[int, ...]] = {}
        imaged = [i for i, row in enumerate(rows) if row[3]]
        # the entries that may have an image of a repository (`images`): those with an image of that
        # literal name, and those with an image name that has a wildcard (tried for every repository)
        wild = [i for i in imaged if any(not _literal(name) for name in rows[i][3])]
        named: dict[str, list[int]] = {}
        for i in imaged:
            for repo in dict.fromkeys(name for name in rows[i][3] if _literal(name)):
                named.setdefault(repo, []).append(i)
        self._wild_imaged = tuple(wild)
        self._imaged_as = {repo: tuple(sorted({*found, *wild})) for repo, found in named.items()}

    @property
    def services(self) -> tuple[Service, ...]:
        """The whole catalog (made whole when asked for: a KServe runtime's or preset's command, a
        build's installed release)."""
        return self._given if self._given is not None else catalog()

    def _services(self, found: tuple[int, ...]) -> Iterator[Service]:
        return (self._of(i) for i in found)

    def _may_start(self, argv: Sequence[Word]) -> tuple[int, ...]:
        """The entries, in catalog order, that `match_command` may find `argv` starts: those with
        scripts (any program may run one), and those with a command of its program, or for a Python
        interpreter those with the module it runs (`-m module`, as a module or a command's program);
        for any other service it is None."""
        name = argv[0].text.rsplit("/", 1)[-1]
        if _PYTHON.match(name):
            # those with scripts (the script it runs may be one), and for `python -m X` those with a module
            # X or a command of program X (`python -m jupyter lab`): every service was tried for each
            # distinct command (~95% of them can never match it: ~1% of a scan's CPU)
            got = _module_args(argv)
            if got is None:
                return self._scripted
            found = self._by_module.get(got[0])
            if found is None:
                module = got[0]
                if len(self._by_module) >= _KNOWN_MAX:
                    self._by_module.clear()
                found = self._by_module[module] = tuple(
                    i for i, (scripts, commands, modules, _n) in enumerate(self._rows)
                    if scripts or module in modules or any(p[0] == module for p in commands))
            return found
        return self._by_program.get(name, self._scripted)

    def start(self, argv: Sequence[Word], cwd: str | None = None) -> tuple[Service, int] | None:
        """The first service (in catalog order) `argv` starts (in directory `cwd`) and
        `match_command`'s index, or None."""
        key = (cwd, *[w.text for w in argv])
        if key in self._starts:
            return self._starts[key]
        got = None
        for s in self._services(self._may_start(argv) if argv else ()):
            start = match_command(s, argv, cwd)
            if start is not None:
                got = (s, start)
                break
        if len(self._starts) >= _KNOWN_MAX:
            self._starts.clear()
        self._starts[key] = got
        return got

    def images(self, name: str | None) -> tuple[tuple[Service, Image], ...]:
        """Each service (in catalog order) with its cataloged official image `name` is, when it is one."""
        if not name:
            return ()
        got = self._images.get(name)
        if got is None:
            repo = image_repository(name)  # (once, not once per service: `Service.image`)
            # (only the services that may have it, in catalog order: a question about one of the
            # corpus's 765 images tried every service's images, ~62k pattern tests)
            may = self._imaged_as.get(repo, self._wild_imaged)
            got = tuple((s, img) for s in self._services(may) if (img := s.image_of(repo, name)) is not None)
            if len(self._images) >= _KNOWN_MAX:
                self._images.clear()
            self._images[name] = got
        return got


def _literal(pattern: str) -> bool:
    """A pattern `glob_match` compares as it is (no wildcard)."""
    return "*" not in pattern and "?" not in pattern and "[" not in pattern


_KNOWN_MAX = 4096  # distinct questions kept (a long-lived language server sees many)
_KNOWN: _Known | None = None


def _known() -> _Known:
    global _KNOWN
    # the catalog's entries (each made a `Service` when an answer names it), or a catalog a test stands in
    source = _data() if catalog is _CATALOG else catalog()
    if _KNOWN is None or _KNOWN.source is not source:
        _KNOWN = _Known(None if catalog is _CATALOG else source)
    return _KNOWN


def _launcher_app(argv: tuple[Word, ...], env: dict[str, Any], launcher: str) -> tuple[Word, ...]:
    """`uvicorn --port 8000` with `UVICORN_APP=chromadb.app:app` set: the app a launcher reads from its variable
    (`launchers.<name>.app_env`) when no APP argument is given (uvicorn: `@click.argument("app",
    envvar="UVICORN_APP")`, encode/uvicorn e6c7ce79 uvicorn/main.py), put where the argument goes, so the
    catalog's `[uvicorn, "chromadb.app:app"]` matches (located at the variable). A command line with an APP
    argument of its own is as it is. The launcher's options that take no value are the catalog's
    (`launchers.<name>.no_value`); every other takes one."""
    name = ((_data().get("launchers") or {}).get(launcher) or {}).get("app_env")
    var = env.get(name) if name else None
    if var is None or not var.value or var.dynamic or "$" in var.value:
        return argv
    flags = launchers().get(launcher, ())
    if 1 + _options_end([w.text for w in argv[1:]], flags) < len(argv):
        return argv  # its own APP
    return (argv[0], Word(var.value.strip(), var.loc), *argv[1:])


# a word that is one `${VAR:-default}` (or `${VAR-default}`) the container's shell expands, its default plain text
_DEFAULTED = re.compile(r"^\$\{([A-Za-z_][A-Za-z0-9_]*):?-([A-Za-z0-9_.:/@+-]*)\}$")


def _container_expanded(argv: tuple[Word, ...], env: dict[str, EnvVar], workload: Workload, image_name: str | None,
                        known: _Known) -> tuple[Word, ...]:
    """`argv` with each expansion whose value is known read as that value. In a compose file, first as Compose
    interpolates `command:`/`entrypoint:` with the project's variables (`Workload.start_env`: its `.env`, a
    default), before the container starts (`--host ${MLFLOW_HOST:-0.0.0.0}`; `$$` a `$` left for the container's
    shell). Then a word that is one `${VAR:-default}` the container's shell expands is its default when the
    container's environment has no VAR (`sh -c "uvicorn app:app --port $${PORT:-8000}"` in a service that sets no
    PORT listens on 8000: POSIX XCU 2.6.2): none of its own variables, no `env_file` the scan cannot read, and no
    cataloged image of its that sets VAR. A VAR it sets, or may, leaves the word as it was."""
    if not any(w.dynamic for w in argv):
        return argv
    project = dict(workload.start_env) if workload.format is Format.COMPOSE and workload.start_env is not None \
        else None
    out = list(argv)
    for i, w in enumerate(argv):
        if not w.dynamic or "$" not in w.text:
            continue
        text = w.text
        if project is not None:
            from glmlint.interpolate import interpolate

            got = interpolate(text, project)
            if got is None:
                continue  # a variable of the project the scan cannot read
            text = got.text
            if "$" not in text:
                out[i] = Word(text, w.loc)
                continue
        m = _DEFAULTED.match(text)
        if m is None or m.group(1) in env or workload.env_imports:
            continue
        if any(m.group(1) in img.env for _s, img in known.images(image_name)):
            continue
        out[i] = Word(m.group(2), w.loc)
    return tuple(out)


def _launcher(argv: Sequence[Word]) -> str | None:
    """The program `argv` runs, or for `python -m module` the module (`python -m uvicorn app:app`: uvicorn)."""
    if not argv:
        return None
    name = argv[0].text.rsplit("/", 1)[-1]
    if _PYTHON.match(name):
        got = _module_args(argv)
        return got[0] if got is not None else None
    return name


def _identify(workload: Workload) -> tuple[ServiceMatch, ...]:
    known = _known()
    out: list[ServiceMatch] = []
    image_name = workload.image.value or workload.base_image
    env_own = {v.name: v for v in workload.env}
    cwd = workload.workdir
    if cwd is None and image_name:
        # none of its own: the WORKDIR of the cataloged image it runs (`bash webui.sh` is read there)
        cwd = next((img.workdir for _s, img in known.images(image_name) if img.workdir), None)
    clones = _clones(workload)
    from glmlint.shell import start_commands

    # what starts: a command with no entrypoint of its own is the arguments of the image's ENTRYPOINT (the image
    # catalog's `entrypoint` fact: distroless python3's python under compose `command:`, `docker run`, a pod's `args:`)
    starts = start_commands(workload)
    for cmd in starts:
        if cmd.name == "cd" and len(cmd.argv) == 2 and not cmd.argv[1].dynamic:
            # `cd /opt/ComfyUI && python main.py`: the later commands start there

            cwd = posixpath.normpath(posixpath.join(cwd or "/", cmd.argv[1].text))
            continue
        argv = _container_expanded(cmd.argv, env_own, workload, image_name, known)
        argv = _launcher_app(argv, env_own, cmd.name) if cmd.name in launchers() else argv
        launched = _launcher(argv)
        if launched in _relaunchers():
            argv = _relaunched(argv, env_own, launched, bool(workload.env_imports),
                               dict(workload.start_env) if workload.format is Format.COMPOSE
                               and workload.start_env is not None else None)
            launched = None  # (the one it stands for is not what reads its variables: gunicorn reads no UVICORN_*)
        # the path as written first, then under the cloned repository's own name: a clone only adds a match
        # (a fork cloned into /opt/ComfyUI still runs ComfyUI; reread24 R3)
        probe_argv, probe_cwd = argv, cwd
        got = known.start(argv, cwd)
        if got is None and clones:
            probe_argv, probe_cwd = _as_cloned(argv, cwd, clones)
            got = known.start(probe_argv, probe_cwd)
        if got is not None:
            s, start = got
            img = next((img for svc, img in known.images(image_name) if svc is s), None)
            if img is None:
                # the image names the release that runs: an entry for older releases (Flowise before
                # 3.0.1, Xinference before 3.0) has the same start command and only those images' tags
                for svc, other in known.images(image_name):
                    at = match_command(svc, argv, cwd)
                    if at is not None:
                        s, start, img = svc, at, other
                        break
                    if other.runs is not None and other.passes_args and cmd is starts[0] \
                            and not workload.entrypoint.explicit:
                        # the image's entrypoint gives its program the command (apache/airflow's
                        # `command: celery flower` runs `airflow celery flower`, not celery's own)
                        words = _synthetic(other.runs, cmd.loc) + tuple(argv)
                        at = match_command(svc, words, cwd)
                        if at is not None:
                            s, start, img, argv = svc, at, other, words
                            break
            if s.image_only and img is None:
                continue  # the program outside its official image, whose defaults it does not have
            # the build's install of the package names the release that runs, over the image's tag
            # (`FROM pytorch/torchserve:0.8.2-gpu` + `pip install -U torchserve` runs the newest)
            built = _built_release(known.services, s, workload, img is not None and s.releases is not None)
            if built is not s:
                at = match_command(built, probe_argv, probe_cwd)
                if at is not None:
                    s, start = built, at
            if _rejected(s, argv[start:]):
                continue  # the release exits on an option it does not know: nothing listens
            match = _launch(s, workload, cmd.loc, tuple(argv[start:]), "command", env_own, img,
                            homes=_homes(argv, cwd))
            if launched in _launcher_env():
                match = replace(match, launcher=launched)
            if s.global_options or s.any_before or launched in launchers():
                match = replace(match, before=tuple(argv[1:start]))
            out.append(match)
    if out:
        return tuple(out)
    # nothing recognisable on the command line: what does the image run?
    if workload.entrypoint.explicit and not any(_own_entrypoint(workload, img) for _s, img in known.images(image_name)):
        return ()
    if workload.serving_format:
        # a container whose controller supplies its command (a KServe LLMInferenceService's `main`): the
        # preset's command runs whatever image the container names, with the words of its variable
        for s in known.services:
            for preset in s.presets:
                if preset.container != workload.serving_format:
                    continue
                words = _synthetic(preset.runs, workload.anchor)
                added: tuple[Word, ...] = ()
                var = env_own.get(preset.args_env) if preset.args_env else None
                if var is not None and var.value is not None and not var.dynamic:
                    added = _env_words(var)  # the preset `eval`s the command line it builds: quotes group words
                start = match_command(s, words)
                start = 1 if start is None else start
                out.append(replace(_launch(s, workload, workload.anchor, (*words[start:], *added), "image", env_own,
                                           None, len(words) - start), env_args=added))
        if out:
            return tuple(out)
    if workload.serving_format and not image_name:
        # a KServe model: the serving runtime for its format supplies the image and start command,
        # and the model's `args` are appended to it
        for s in known.services:
            if workload.serving_format in s.runtime_formats:
                own = _synthetic(s.runtime_runs, workload.anchor)
                words = own + tuple(workload.command.value or ())
                start = match_command(s, words)
                start = 1 if start is None else start
                out.append(_launch(s, workload, workload.anchor, words[start:], "image", env_own, None,
                                   max(0, len(own) - start)))
        return tuple(out)
    for s, img in known.images(image_name):
        loc = workload.image.loc if workload.image.value else workload.anchor
        given: tuple[Word, ...] | None = workload.command.value or () if workload.command.explicit else None
        if workload.entrypoint.explicit:
            if not _own_entrypoint(workload, img):
                continue
            # the image's own ENTRYPOINT written out (Weaviate's chart: `command: [/bin/weaviate]`): it runs as
            # the image's, but without the image's CMD, which an entrypoint of one's own clears (Kubernetes
            # `command:` without `args:`, compose `entrypoint:`, `docker run --entrypoint`)
            given = given or ()
        if given and img.cmd is not None and tuple(w.text for w in given) == img.cmd:
            given = None  # the image's own CMD written out (`docker run pytorch/torchserve serve`): it runs as is
        if given is None and workload.process and workload.process[0].argv[:1] and \
                workload.process[0].argv[0].text.startswith("-"):
            # no `command:` of its own, and what it runs starts with an option: the `CMD` of the image
            # it is built from (a compose `build:`), which gives the official image's ENTRYPOINT its arguments
            given = workload.process[0].argv
        if given is not None:
            if img.runs is not None and img.passes_args:
                own = _synthetic(img.runs, loc)  # the ENTRYPOINT script passes them on
            elif img.entrypoint is not None and img.runs is None:
                own = _synthetic(img.entrypoint, loc)
            else:
                continue  # the command replaces what runs, or a wrapper script we cannot follow gets it
            words = own + tuple(given)
        else:
            words = own = _synthetic(img.runs or (*(img.entrypoint or ()), *(img.cmd or ())), loc)
            if img.args_env is not None:
                # its start script adds the words of a variable (Fooocus' CMDARGS, `--listen` in the image)
                var = env_own.get(img.args_env)
                if var is not None and (var.value is None or var.dynamic):
                    continue  # set to what the scan cannot read: what runs is unknown
                text = var.value if var is not None else img.env.get(img.args_env, "")
                words = own = own + _synthetic(text.split(), var.loc if var is not None else loc)
        if not words:
            continue
        start = match_command(s, words)
        if start is None:
            if img.only_commands:
                continue  # the image's entrypoint starts something else of the same program
            start = 1  # what the official image runs is the service, by the catalog's word
        built = _built_release(known.services, s, workload, s.releases is not None)
        if built is not s and any(m.service is built for m in out):
            continue  # (the same image named by the entries of both releases)
        if built is not s and (at := match_command(built, words)) is not None:
            s, start = built, at  # the build installs another release of it than the image's tag names
        if _rejected(s, words[start:]):
            continue  # (the newer image's entrypoint passes an option the installed release exits on)
        match = _launch(s, workload, loc, words[start:], "image", env_own, img, max(0, len(own) - start),
                        homes=_homes(words, workload.workdir))
        program = words[0].text.rsplit("/", 1)[-1] if words else ""
        out.append(replace(match, launcher=program) if program in _launcher_env() else match)
    return tuple(out)


def _own_entrypoint(workload: Workload, img: Image) -> bool:
    """Whether the workload's ENTRYPOINT of its own is the cataloged image's, word for word (field24 F24-1)."""
    value = workload.entrypoint.value
    return img.entrypoint is not None and bool(img.entrypoint) and value is not None \
        and tuple(w.text for w in value) == tuple(img.entrypoint)


def _clones(workload: Workload) -> tuple[tuple[str, str], ...]:
    """The directories the build cloned a repository into under another name (`git clone
    https://github.com/comfyanonymous/ComfyUI.git /stable-diffusion`): (the directory, where git would have
    put it under the repository's own name, `/ComfyUI`). The directory holds that repository, so a script
    pattern that names the project (`*comfyui/main.py`) is read there too."""
    if not workload.build_steps:
        return ()
    from glmlint.shell import git_clone

    out = []
    for cmd in workload.build_steps:
        got = git_clone(cmd) if cmd.name == "git" else None
        if got is None or got[1] is None:
            continue
        d = cmd.argv[got[1]]
        if d.dynamic or not d.text.startswith("/") or d.text == "/":
            continue  # (a directory the build's variables do not fill, or one not known)
        path = posixpath.normpath(d.text)
        head, base = posixpath.split(path)
        if base.lower() != got[0].lower():
            out.append((path, posixpath.join(head, got[0])))
    return tuple(out)


def _as_cloned(argv: tuple[Word, ...], cwd: str | None,
               clones: tuple[tuple[str, str], ...]) -> tuple[tuple[Word, ...], str | None]:
    """`argv` and `cwd` with each path inside a directory of `clones` read as inside the repository's own name
    (`/stable-diffusion/main.py` -> `/ComfyUI/main.py`): what the catalog's script patterns are matched with."""
    def named(path: str) -> str:
        for d, as_named in clones:
            if path == d or path.startswith(d + "/"):
                return as_named + path[len(d):]
        return path

    def seen(w: Word) -> Word:
        if w.dynamic or w.text.startswith("-"):
            return w
        if w.text.startswith("/"):
            path = w.text
        elif cwd is not None and inside == cwd:
            # a relative path from a directory outside the clones that leads into one (`python comfy/main.py` in
            # /app, ComfyUI cloned into /app/comfy): read from there (inside a clone, the cwd itself is mapped)
            path = posixpath.normpath(posixpath.join(cwd, w.text))
        else:
            return w
        got = named(path)
        return replace(w, text=got) if got != path else w

    inside = named(cwd) if cwd is not None else None
    return tuple(seen(w) for w in argv), inside


def _homes(words: Sequence[Word], cwd: str | None) -> tuple[str, ...]:
    """The directories a service started by `words` may run in: `cwd`, and the directory of the
    script it names by path (`python /content/app/launch.py`, `python app/main.py` in `cwd`)."""

    out = [cwd] if cwd and cwd.startswith("/") else []
    script = next((w for w in words[1:] if w.text.endswith((".py", ".sh"))), None)
    if script is not None and not script.dynamic:
        path = posixpath.normpath(posixpath.join(cwd or "", script.text))
        if path.startswith("/"):
            out.append(posixpath.dirname(path))
    return tuple(dict.fromkeys(out))


# a package as an installer takes it: a name, extras, then a pin (`==1.2`, npm's `@2.2.8`, conda's `=0.8.2`),
# a range the scan reads as the releases it allows (npm's `@2.2`, `@^2.2.8`, `@~2.2.8`; pip's `~=0.9.0`)
# or another version specifier (`>=0.11`)
_REQUIREMENT = re.compile(r"^(@?[A-Za-z0-9_.-]+?)(?:\[[^\]]*\])?"
                          r"(?:(===?|@[~^]?|~=|=)v?([0-9][A-Za-z0-9.*+-]*)|\s*([<>!~]=?|==)\s*[^ ]*"
                          r"|(@[A-Za-z][A-Za-z0-9._-]*))?$")
_INSTALLS = frozenset({"install", "i", "add", "update", "upgrade"})
_NODE = frozenset({"npm", "yarn", "pnpm", "npx"})


def _installed(workload: Workload, packages: set[str]) -> tuple[str | None, bool] | None:
    """How the build installs one of `packages`, the last install winning: (the version it pins, or
    None; whether it installs the newest release the version allows whatever the image holds). None
    when it installs none of them. pip keeps a release already installed unless `-U`/`--upgrade`/
    `--force-reinstall` (the official TorchServe image's PATH is its venv's, where `pip` finds it),
    `conda update` updates, and `npm install -g PKG` installs the newest; a version range or a pin the
    scan cannot read names no release."""
    found: tuple[str | None, bool] | None = None
    for step in workload.build_steps:  # the image's own (its final stage's chain), a compose `build:`'s too
        texts = [w.text for w in step.argv]
        if not _INSTALLS.intersection(texts):
            continue
        node = step.name in _NODE
        upgrade = node or any(t in ("--upgrade", "--force-reinstall", "update", "upgrade") or t.startswith("-")
                              and not t.startswith("--") and "U" in t for t in texts)
        read, maybe = _requirements_read(step, workload.files)
        if found is None and any((m := _REQUIREMENT.match(w.text)) is not None and m.group(1).lower() in packages
                                 for w in maybe):
            # a line whose environment marker may not hold here (`; sys_platform == "win32"`): no release the
            # scan can name, and it overrides no other install
            found = (None, True)
        for w in (*step.argv[1:], *read):
            m = _REQUIREMENT.match(w.text)
            if m is None or m.group(1).lower() not in packages or w.dynamic:
                if m is not None and w.dynamic and m.group(1).lower() in packages:
                    found = (None, True)  # a pin the scan cannot read (`torchserve==${TS_VERSION}`)
                continue
            if m.group(3) is not None:
                found = (_pinned(m.group(2), m.group(3)), True)
            else:
                # unpinned: the newest with an upgrade; pip keeps what is there without one; a range or an
                # npm dist-tag (`flowise@latest`): no release the scan can name
                found = (None, upgrade or m.group(4) is not None or m.group(5) is not None)
    return found


def _requirements_read(step: Command, files: tuple[FileWrite, ...]) -> tuple[tuple[Word, ...], tuple[Word, ...]]:
    """The requirements of the files a `pip install -r FILE` reads that the build copied in from its
    context (`COPY requirements.txt .`), one word each, located at the step: lines ending in a backslash
    joined to the next, a line's comment, per-requirement options (pip-compile's `--hash=...`) and spaces
    dropped, option lines (`--extra-index-url`, a nested `-r`) skipped
    (https://pip.pypa.io/en/stable/reference/requirements-file-format/, pip 24.0: "Line continuations",
    "Per-requirement options"). A relative FILE is matched against the end of the path the file was
    copied to. Returned as (the requirements that apply, those whose environment marker (`; ...`, PEP 508)
    may not hold in a Linux container: `_linux_marker`)."""
    if not files or not step.name.startswith(("pip", "python", "uv")):
        return (), ()
    argv = step.argv
    named: list[str] = []
    for i, w in enumerate(argv):
        if w.text in ("-r", "--requirement") and i + 1 < len(argv) and not argv[i + 1].dynamic:
            named.append(argv[i + 1].text)
        elif w.text.startswith("--requirement=") and not w.dynamic:
            named.append(w.text.partition("=")[2])
    out: list[Word] = []
    maybe: list[Word] = []
    for name in named:
        want = posixpath.normpath(name)
        write = next((f for f in reversed(files) if f.mode == "write" and (
            f.path == want or not want.startswith("/") and f.path.endswith("/" + want))), None)
        if write is None:
            continue
        for line in re.sub(r"\\\r?\n", " ", write.text).splitlines():
            line = line.split(" #", 1)[0].strip()
            if not line or line.startswith(("#", "-")):
                continue
            line = re.split(r"\s-", line, maxsplit=1)[0]  # its options (`--hash=sha256:...`)
            requirement, semi, marker = line.partition(";")
            word = Word(requirement.replace(" ", ""), step.loc)
            (out if not semi or _linux_marker(marker) else maybe).append(word)
    return tuple(out), tuple(maybe)


# PEP 508 environment markers a Linux container certainly meets (https://peps.python.org/pep-0508/#environment-markers):
# the platform's names as Python reports them on Linux (`sys.platform`, `platform.system()`, `os.name`)
_LINUX_MARKERS = {"sys_platform": "linux", "platform_system": "Linux", "os_name": "posix"}
_MARKER_CLAUSE = re.compile(r"""^\s*(\w+)\s*(==|!=|>=|>)\s*["']([^"']*)["']\s*$""")
# a lower bound on the Python (`python_version >= "3.8"`) is taken to hold: where it does not, pip installs nothing
# from the line, so it names no other release either (and pip refuses two pins of one name that both apply)
_PYTHON_MARKERS = ("python_version", "python_full_version")


def _linux_marker(marker: str) -> bool:
    """Whether an environment marker holds in any Linux container: clauses joined by `and`, each comparing
    a platform name of `_LINUX_MARKERS` with `==` to Linux's or with `!=` to another's, or a lower bound on
    the Python's version (`_PYTHON_MARKERS`). An upper bound, an `or`, parentheses, anything else: not known
    to hold."""
    for clause in re.split(r"\s+and\s+", marker.strip()):
        m = _MARKER_CLAUSE.match(clause)
        if m is None or "(" in clause or " or " in clause:
            return False
        if m.group(1) in _PYTHON_MARKERS and m.group(2) in (">=", ">"):
            continue
        if m.group(1) not in _LINUX_MARKERS or m.group(2) not in ("==", "!="):
            return False
        if (m.group(3) == _LINUX_MARKERS[m.group(1)]) != (m.group(2) == "=="):
            return False
    return bool(marker.strip())


_RELEASE = re.compile(r"^([0-9]+(?:\.[0-9]+)*)(.*)$")


_PARTS = re.compile(r"^([0-9]+)(?:\.([0-9]+|[xX*]))?(?:\.([0-9]+|[xX*]))?(.*)$")


def _pinned(op: str, version: str) -> str | None:
    """The releases a version specifier allows, as a version (`0.9.0`) or a prefix glob (`2.*`: every
    2.x release), the form an entry's `releases.versions` globs are matched against; None when the
    scan cannot say. pip's `==` pins one release (zero-padded, `_padded`), `~=0.9.0` allows 0.9.*
    (PEP 440 compatible release: https://peps.python.org/pep-0440/#compatible-release). conda's `=0.11`
    is fuzzy, 0.11* (`numpy=1.11` matches 1.11.0, 1.11.1, ...: conda/conda e3f7606
    docs/source/user-guide/concepts/pkg-specs.rst); a full `=0.9.0` names that release. npm's partial
    version is an X-range (`@2.2` is 2.2.x), `@~2.2.8` allows 2.2.*, `@^2.2.8` 2.* (`^0.2.3` 0.2.*,
    `^0.0.3` that release): npm/node-semver 100f07a README.md, "Advanced Range Syntax". npm and pip
    install the newest release a range allows, which is in the range however new it is."""
    if op in ("==", "==="):
        return _padded(version)
    m = _PARTS.match(version)
    if m is None:
        return None
    major, minor, patch, rest = m.groups()
    given = [p for p in (major, minor, patch) if p is not None]
    wild = next((i for i, p in enumerate(given) if p in ("x", "X", "*")), len(given))
    fixed = given[:wild]
    exact = len(fixed) == 3
    if op == "~=":
        return ".".join(fixed[:-1]) + ".*" if len(fixed) >= 2 and not rest else None
    if op == "=":  # conda
        return version if exact or rest else ".".join(fixed) + ".*"
    if op == "@":
        return version if exact else ".".join(fixed) + ".*" if fixed else None
    if op == "@~":
        return ".".join(fixed[:2]) + ".*" if fixed else None
    if op == "@^":
        # the left-most non-zero part stays; a missing part is any
        if not fixed:
            return None
        keep = next((i + 1 for i, p in enumerate(fixed) if p != "0"), len(fixed))
        if keep == 3:
            return version
        return ".".join(fixed[:keep]) + ".*"
    return None


def _padded(version: str) -> str:
    """A pip (`==`) or conda (`=`) pin with its release zero-padded to three segments, as PEP 440
    compares releases (`==0.10` installs 0.10.0: https://peps.python.org/pep-0440/#version-matching,
    whose release segments are compared zero-padded); a prefix match (`==0.10.*`) as it is."""
    m = _RELEASE.match(version)
    if m is None or "*" in version:
        return version
    parts = m.group(1).split(".")
    return ".".join(parts + ["0"] * (3 - len(parts))) + m.group(2)


def _built_release(services: tuple[Service, ...], s: Service, workload: Workload, old_image: bool) -> Service:
    """The entry of the release of `s`'s program the build installs, when it installs its package
    (`pip install torchserve==0.9.0`, `npm i -g flowise@2.2.8`, `pip install -U torchserve`), else `s`.
    `old_image`: the image's tag names an older release (a plain `pip install` keeps it). A version
    the scan cannot name is the current release's entry (the one that asks for a login, if either does)."""
    if not workload.build_steps:
        return s
    current = s.releases.newer if s.releases is not None and s.releases.newer else s.id
    group = [t for t in services if t.releases is not None and t.releases.newer == current]
    if not group:
        return s
    got = _installed(workload, {p for t in group for p in t.releases.packages})  # type: ignore[union-attr]
    if got is None:
        return s
    version, upgrade = got
    newest = next((t for t in services if t.id == current), s)
    if version is not None:
        return next((t for t in group if any(glob_match(version, v) for v in t.releases.versions)),  # type: ignore[union-attr]
                    newest)
    return newest if upgrade or not old_image else s


def _rejected(s: Service, args: tuple[Word, ...] | list[Word]) -> bool:
    """Whether `args` pass an option `s`'s releases exit on (`Releases.rejects`)."""
    rejects = s.releases.rejects if s.releases is not None else ()
    return bool(rejects) and any(w.text.split("=", 1)[0] in rejects for w in args)


def _launch(s: Service, workload: Workload, loc: Loc, args: tuple[Word, ...], via: str,
            env_own: dict[str, EnvVar], img: Image | None, image_args: int = 0,
            homes: tuple[str, ...] = ()) -> ServiceMatch:
    env: dict[str, EnvVar] = {}
    image_loc = workload.image.loc if workload.image.value else workload.anchor
    if img is not None:
        for k, v in img.env.items():
            env[k] = EnvVar(k, v, loc if via == "image" else image_loc)
        if via == "image":  # its start script runs (a command of one's own replaces it)
            for k, v in img.script_env.items():
                env[k] = EnvVar(k, v, loc)
    env.update(env_own)
    match = ServiceMatch(s, loc, args, env, img, via, {}, workload.files, bool(workload.env_imports), image_args,
                         mounted=tuple((m.target.rstrip("/") or "/", m.loc) for m in workload.mounts if m.target)
                         + workload.copied_in,  # a file its image's build copies in counts as one mounted there
                         homes=homes)
    given = match.option(s.args_flag) if s.args_flag is not None else None
    if given is not None:
        # the service passes the option's value on as a command line (LocalAI's `--llama-cpp-args` to rpc-server):
        # its words, at the option's word (one the scan cannot read gives none)
        if not given[1].dynamic:
            added = _synthetic(given[0].strip("'\"").split(), given[1].loc)
            match = replace(match, args=(*args, *added), env_args=added)
    elif s.args_env is not None:
        # the service adds the variable's words to its own command line (after the words it was given)
        var = match.env.get(s.args_env)
        if var is not None and var.value and not var.dynamic:
            added = _env_words(var)
            match = replace(match, args=(*args, *added), env_args=added)
    config: dict[str, Resolved] = {}
    named = _config_named(match)
    # the image's config file: what its own command reads; a command of one's own reads it when it
    # names that file, or names none and the service looks in its working directory (the image's)
    if img is not None and (via == "image" or img.config_path is not None and (
            named == img.config_path or named is None and s.config_file is not None and s.config_file.cwd)):
        for k, v in img.config.items():
            config[k] = Resolved(v, image_loc, "image")
    if named is not None and s.config_file is not None and s.config_file.format == "properties":
        config.update(_properties(named, workload.files))
    if named is not None and s.config_file is not None and s.config_file.format == "options-yaml":
        # the file holds command-line options by their long names; the command line wins (a later word)
        written = _options_file(named, workload.files)
        if written:
            match = replace(match, args=(*match.args[:image_args], *written, *match.args[image_args:]),
                            config_args=written)
    return replace(match, config=config) if config else match


def _env_words(var: EnvVar) -> tuple[Word, ...]:
    """The words of a variable's value as a shell (or Python's `shlex`) splits them, located at the variable."""
    import shlex

    try:
        split = shlex.split(var.value or "")
    except ValueError:
        split = (var.value or "").split()
    return _synthetic(split, var.loc)


def _options_file(path: str, files: tuple[FileWrite, ...]) -> tuple[Word, ...]:
    """The options a YAML file of `name: value` lines the build writes at `path` gives, as the
    command-line words they stand for (`trust-remote-code: true` is `--trust-remote-code`), each
    located at the step that wrote the file. Read with the scan's YAML reader; a file it cannot
    read gives nothing."""
    from glmlint.parsers import yamlnodes as y

    words: list[Word] = []
    found: dict[str, list[Word]] = {}
    for write in _counted_writes(path, files):
        try:
            docs = y.compose_all(write.text)
        except y.YamlError:
            continue
        if not docs or not y.is_map(docs[0]):
            continue
        for key, (_, node) in y.entries(docs[0]).items():
            if not y.is_scalar(node):
                continue  # nested values and lists are not one option
            value, flag = y.scalar(node), Word("--" + key, write.loc)
            if value is True:
                found[key] = [flag]
            elif value not in (False, None, ""):
                found[key] = [flag, Word(str(y.text(node)), write.loc)]
    for got in found.values():
        words += got
    return tuple(words)


def _counted_writes(path: str, files: tuple[FileWrite, ...]) -> list[FileWrite]:
    """The build's writes to the file at `path` that make what it holds: the last that replaces it
    and the appends after it (an edit in place is not read)."""
    out: list[FileWrite] = []
    for write in files:
        if write.path != path or write.mode == "edit":
            continue
        if write.mode == "write":
            out = []
        out.append(write)
    return out


def _config_named(match: ServiceMatch) -> str | None:
    """The config file the launch names (a variable, then a flag, as the service looks), if any."""
    cf = match.service.config_file
    if cf is None:
        return None
    for name in cf.env:
        var = match.env_set(name)
        if var is not None:
            return var.value if var.value and not var.dynamic else "$unknown"
    got = match.option(*cf.flags) if cf.flags else None
    return got[0].strip("'\"") if got is not None else None


def _properties(path: str, files: tuple[FileWrite, ...]) -> dict[str, Resolved]:
    """The `key=value` settings the build writes into the file at `path` (a later write replaces or
    appends as it did), each located at the step that wrote it."""
    out: dict[str, Resolved] = {}
    for write in _counted_writes(path, files):
        for line in write.text.splitlines():
            line = line.strip()
            if not line or line.startswith(("#", "!")):
                continue
            key, sep, value = line.partition("=")
            if sep:
                out[key.strip()] = Resolved(value.strip(), write.loc, "config")
    return out


def services_on(workload: Workload) -> list[tuple[ServiceMatch, ListenerState]]:
    """Every (launch, listener) the workload runs."""
    return [(m, ls) for m in identify(workload) for ls in m.listeners()]


def is_loopback(host: str | None) -> bool:
    return host is not None and host.strip("[]'\"") in {"127.0.0.1", "localhost", "::1"} or (
        host is not None and host.startswith("127."))


# -- docs -------------------------------------------------------------------------------


_AUTH_WORDS = {"none": "none exists", "off": "off by default", "on": "on by default", "app": "up to the app"}


def _bind_names(listener: Listener, launcher: str = "") -> tuple[str, ...]:
    """The flags and variables that set where `listener` binds, for the catalog's page; `launcher`: the one that
    starts the service, whose variables its listeners read too (uvicorn's UVICORN_HOST below `--host`:
    `ServiceMatch.bind_env`)."""
    env = _with_launcher_env(listener.bind_env, listener.bind_flags, launcher)
    return (*listener.bind_flags, *listener.bind_all_flags, *env,
            *(name for sw in listener.bind_all_env if (name := sw.env or sw.flag)))  # not a config file's key


def _launched_by(s: Service) -> str:
    """The launcher with variables of its own (`launchers.<name>.env`: uvicorn) that a start command of `s`, or the
    command one of its images runs, starts it with; "" for none (for its page)."""
    firsts = [c[0] for c in map(tuple, s.commands) if c] + [w[0] for i in s.images if (w := i.runs or i.cmd)]
    return next((f for f in firsts if f in _launcher_env()), "")


def render_markdown() -> str:
    """docs/services.md: every cataloged service with what glmlint knows of it and the sources."""
    lines = ["# Service catalog", "",
             "What glmlint knows about the services containers run, from "
             "`linter/catalog/services.yaml` (generated, with `services.json`: "
             "`python -m glmlint.catalog.services docs/services.md`).",
             "GLM016, GLM017, GLM018 and GLM020 read it, and so do GLM005/GLM015 (Jupyter, through "
             "`linter/jupyter.py`) and GLM006 (sshd, through `linter/openssh.py`): those modules hold how "
             "the service resolves its settings, this catalog what they are. `glmlint explain <rule>` lists "
             "the services a rule judges, with their sources.",
             "Every fact has a source; a fact that could not be sourced is not in the catalog.", "",
             "An empty key is no key: a variable set to nothing, or a flag that turns authentication on given "
             "an empty value (`--api-key \"\"`, `--api-key=`), turns nothing on.", "",
             "`UVICORN_HOST` is listed for a service one of whose start commands or images runs uvicorn's CLI: "
             "started that way (`uvicorn pkg:app`, its app also from `UVICORN_APP`), it reads `UVICORN_HOST` and "
             "`UVICORN_PORT` below `--host` and `--port`; started another way (`chroma run`) it does not. Served by "
             "gunicorn with a uvicorn worker class (`gunicorn -k uvicorn.workers.UvicornWorker -b 0.0.0.0:8000 pkg:app`), "
             "it listens on the address `-b` gives on its command line or in `GUNICORN_CMD_ARGS` (with none, a "
             "gunicorn.conf.py may give it: not known), and reads no `UVICORN_*` variable.", "",
             "A start script (`*comfyui/main.py`) is matched by its path, relative ones from the directory the "
             "container starts in; a directory the build cloned a repository into under another name (`git clone "
             "https://github.com/comfyanonymous/ComfyUI.git /stable-diffusion`) holds that repository, and is "
             "read under the repository's own name.", "",
             "Adding a service is one entry in `services.yaml` and a fixture folder; the schema is "
             "`linter/catalog/services.schema.yaml`.", "",
             "| service | recognised by | listens on (default bind) | authentication | model store | "
             "dangerous switches |", "|---|---|---|---|---|---|"]
    for s in catalog():
        rec = [" ".join(c) for c in s.commands] + [f"python -m {m}" for m in s.modules] + list(s.image_patterns)
        # globs over the script's path (`*.llamafile`), or a Java main class, as the entry writes them: the
        # match is case-insensitive (`Service.scripts` is lower-cased), a class name is not (`water.H2OApp`)
        rec += list(_data()["services"].get(s.id, {}).get("recognize", {}).get("scripts", s.scripts))
        rec += [f"KServe `modelFormat: {f}`" for f in s.runtime_formats]
        rec += ["a KServe LLMInferenceService's `main` container" + (f" (its `{p.args_env}`)" if p.args_env else "")
                for p in s.presets if p.container == "llminferenceservice"]
        if s.releases and s.releases.packages:  # (none: known by its images' tags alone, Tabby's)
            rec.append("a build installing " + " or ".join(f"`{p}`" for p in s.releases.packages) + " pinned to "
                       + ", ".join(f"`{v}`" for v in s.releases.versions))
        launcher = _launched_by(s)
        listeners = "; ".join(f"{l.port} {l.name} ({l.default_bind}"
                              + (f", `{'`/`'.join(_bind_names(l, launcher))}`" if _bind_names(l, launcher) else "")
                              + ")"
                              + (" with " + " or ".join(x.describe() for x in l.requires) if l.requires else "")
                              + (" unless " + " or ".join(x.describe() for x in l.off) if l.off else "")
                              + (", shared through a public tunnel by " + " or ".join(x.describe() for x in l.tunnel)
                                 if l.tunnel else "")
                              + (f", its own authentication: {_AUTH_WORDS.get(l.auth.default, 'unknown')}"
                                 + ("; on: " + ", ".join(x.describe() for x in l.auth.on) if l.auth.on else "")
                                 if l.auth else "")
                              for l in s.listeners)
        auth = _AUTH_WORDS.get(s.auth_default, "unknown")
        if s.auth_on:
            auth += "; on: " + ", ".join(x.describe() for x in s.auth_on)
        if s.auth_off:
            auth += "; off: " + ", ".join(x.describe() for x in s.auth_off)
        for k in s.auth_known:
            auth += ((f"; {k.switch.describe()} turns it on with {k.credential}" if k.switch is not None
                      else f"; with {k.credential}") + (
                f" on its {' and '.join(k.listeners)}" if k.listeners else "") + (
                " unless " + " or ".join(x.describe() for x in k.unless) + " (which may set another)" if k.unless else ""))
        if s.auth_maybe:
            auth += "; may be on in a config file the scan does not read (" + ", ".join(
                x.describe() for x in s.auth_maybe) + ")"
        stores = ", ".join(f"`{'`/`'.join((*m.flags, *m.env))}`" + (f" ({m.default})" if m.default else "")
                           for m in s.model_stores) or "—"
        dangerous = ", ".join((d.switch.describe() if d.switch else "") + (
            " (on by default; off: " + ", ".join(x.describe() for x in d.off) + ")" if d.default_on else "")
            for d in s.dangerous) or "—"
        lines.append(f"| **{s.name}** | {', '.join(r if r.startswith(('KServe', 'a build', 'a KServe')) else f'`{r}`' for r in rec)} | {listeners or '—'} | {auth} | "
                     f"{stores} | {dangerous} |")
    extra = [s for s in catalog() if s.family or s.settings or s.packages]
    if extra:
        lines += ["", "## Image families, settings and packages", ""]
    for s in extra:
        if s.packages:
            lines.append(f"- **{s.name}** is installed by the packages " + ", ".join(f"`{p}`" for p in s.packages)
                         + ".")
        if s.family:
            f = s.family
            said = [f"images {', '.join(f'`{i}`' for i in f.images)}"]
            if f.scripts:
                said.append(f"start scripts {', '.join(f'`{x}`' for x in f.scripts)}")
            if f.args_env:
                said.append(f"more arguments from `{f.args_env}`")
            if f.config:
                said.append("its config sets " + ", ".join(f"`{k} = {v}`" for k, v in f.config.items()))
            if f.user_env:
                said.append(f"its entrypoint, started as root, runs the command as the user `{f.user_env}` names")
            lines.append(f"- **{s.name}**, {f.name}: " + "; ".join(said) + ".")
        if s.settings:
            st = s.settings
            said = []
            if st.files:
                said.append(f"config files {', '.join(f'`{x}`' for x in st.files)}")
            if st.dropins:
                said.append(f"drop-ins `{st.dropins}*.conf` read first")
            if st.env:
                said.append(", ".join(f"`{k}` from `{v}`" for k, v in st.env.items()))
            if st.classes:
                said.append(f"config classes {', '.join(f'`{c}`' for c in st.classes)}")
            if st.defaults:
                said.append("defaults " + ", ".join(f"`{k} {v}`" for k, v in st.defaults.items()))
            lines.append(f"- **{s.name}** settings: " + "; ".join(said) + ".")
    if loaders():
        lines += ["", "## Loaders", "",
                  "Libraries that run a repository's own code when the Python that calls them asks (GLM018 reads "
                  "the code a command runs inline, `python -c` or a heredoc):", ""]
        for ld in loaders():
            lines.append(f"- **{ld.name}**: code matching `{ld.code.pattern}` {ld.what} (<{ld.source}>).")
    lines += ["", "## Sources", ""]
    for s in catalog():
        lines.append(f"- **{s.name}**: " + ", ".join(f"<{u}>" for u in s.sources))
    return "\n".join(lines) + "\n"


def compile_json() -> str:
    import json

    return json.dumps(raw(), indent=1, sort_keys=False, ensure_ascii=False) + "\n"


def main(argv: list[str] | None = None) -> int:
    """Regenerate `services.json` from `services.yaml`, and the docs page when a path is given."""
    import sys
    from pathlib import Path

    args = sys.argv[1:] if argv is None else argv
    Path(__file__).with_name("services.json").write_text(compile_json(), encoding="utf-8")
    reload()
    text = render_markdown()
    if args:
        with open(args[0], "w", encoding="utf-8") as fh:
            fh.write(text)
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())


def program_fact(workload: Workload, name: str) -> Fact | None:
    """The image fact `name` of what the workload runs: its image's, else, for a service its start command
    runs (services.yaml `recognize`: `vllm serve` pip-installed on a CUDA base, `jupyter lab` on python), that
    service's official image's (the same program writes the same paths and asks the same questions at start on
    any base). Here, not in `catalog.images`: it reads both catalogs, and images is the lower layer."""
    from glmlint.catalog.images import fact, fact_under

    got = fact(workload.entry_image(), name)
    if got is not None:
        return got
    for m in identify(workload):
        if m.via != "command":
            continue
        for image in m.service.images:
            # a glob (Jupyter's `quay.io/jupyter/*`): the catalog entry of the images it covers (the Docker Stacks)
            got = fact(image.name, name) if "*" not in image.name else fact_under(image.name, name)
            if got is not None:
                return got
    return None
