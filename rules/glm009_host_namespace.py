"""Container shares a namespace with the host.

## What it does
Flags compose `network_mode: host`, `pid: host`, `ipc: host` and
`userns_mode: host`, and Kubernetes `hostNetwork: true`, `hostPID: true`,
`hostIPC: true` (and an explicit `hostUsers: true`). A pod-level setting is
reported once for the pod, not once per container.

## Why is this bad?
- host network: the container binds the node's interfaces directly (a
  notebook or model server without auth is then on the node's address) and
  reaches services listening on the node's loopback, such as the kubelet's
  and cloud metadata endpoints.
- host PID: it sees and signals every process on the node and reads their
  environment and command lines, where tokens live.
- host IPC: it reads and writes the node's shared memory segments, such as
  another training job's tensors.
- host user namespace: uid 0 in the container is uid 0 on the host.

NCCL and RDMA training works without host networking through the device
plugin or a secondary network (Multus, SR-IOV).

## Example
```yaml
services:
  ray-head:
    image: rayproject/ray-ml:2.31.0-gpu
    network_mode: host
    command: ["ray", "start", "--head", "--block"]
```
Use instead:
```yaml
services:
  ray-head:
    image: rayproject/ray-ml:2.31.0-gpu
    ports: ["127.0.0.1:8265:8265"]
    command: ["ray", "start", "--head", "--block"]
```

## Fix safety
Unsafe: the workload loses what it shared. On the host's network Docker
discards the container's published ports (`ports:`, `-p`; it warns "Published
ports are discarded when using host network mode"): the fix that removes the
host network publishes them on 127.0.0.1 only (`127.0.0.1:8888:8888`), so the
host still reaches them and nothing beyond it does. When one of them cannot
be put on 127.0.0.1 by an edit (a long-syntax entry on every interface, a
host IP set in `.env`, a `-p` that a variable or a bash array gives), no fix
is offered: removing the host network alone would publish it on every
interface; so with a `docker run -P` Docker discarded there. When it publishes
no port at all, the fix publishes on 127.0.0.1 the ports the [service
catalog](../services.md) knows its service listens on (`-p
127.0.0.1:8000:8000` for vLLM, its `--port` read); the ports of a service the
catalog does not know must be published by hand (the fix's title says so),
and tools that inspect host processes stop working. No fix is offered for a container that reaches
another service on the host's loopback (a variable or argument `http://127.0.0.1:11434`, `localhost:6379`,
not one of its own ports, alone or in a list such as a cluster's peers, `127.0.0.1:7001 127.0.0.1:7002`:
Open WebUI's `OLLAMA_BASE_URL`, as its README's "Server Connection Error" cure writes it): off the host's network that address is the container's own.
An address the container does not connect to does not count: a CORS allow-list (any `*ORIGIN*` variable,
Open WebUI's `CORS_ALLOW_ORIGIN`: the browser's origin stays the same), a service's own public URL the
[service catalog](../services.md) names (Open WebUI's `WEBUI_URL`), `NO_PROXY`. The finding says to point it at
`host.docker.internal` (`--add-host=host.docker.internal:host-gateway`) first. Out of the host's IPC namespace a container gets the runtime's own
`/dev/shm`, 64 MB under Docker, which NCCL's shared-memory transport and PyTorch DataLoader
workers outgrow (`Bus error`, "unable to write to file </torch_...>"): the
fix that removes `ipc: host` gives it `shm_size` (`--shm-size`) as large as
the container's memory limit, or 16g without one, and `hostIPC` a
memory-backed `emptyDir` mounted at `/dev/shm` in every container of the pod
(its memory counts against the container's limit), unless the container
already sizes or mounts `/dev/shm` (`shm_size`, a `tmpfs` or volume there).
When one container already mounts a memory-backed `emptyDir` there (the
common `dshm`), the others mount that same volume: they shared one
`/dev/shm`, the host's, and keep sharing one.
No fix is offered for a workload whose privilege is its purpose (a device
plugin, a kubelet plugin, a CNI plugin, a node sysctl setter; see [images](../images.md)):
the finding stays and says so.
"""
from __future__ import annotations

import re
from collections.abc import Iterator

from glmlint import lazyre, records
from glmlint.ir import Format, Item, Port, Setting, Workload
from glmlint.reach import on_all_interfaces, through_host
from glmlint.rule import (Finding, FixSafety, Intent, Kind, PublishLoopback, Risk, Severity, ensure_item, rule, set_value,
                          unset)

# the formats whose ports a host network discards (`glmlint.parsers.compose.discarded`); a Kubernetes
# `hostPort` is never discarded (the API server asks it to equal `containerPort` under `hostNetwork`)
_PUBLISHING = frozenset({Format.COMPOSE, Format.DOCKER_RUN})

_NAMESPACES = (("host_network", "network"), ("host_pid", "PID"), ("host_ipc", "IPC"), ("host_userns", "user"))


@rule(code="GLM009", slug="host-namespace", severity=Severity.ERROR,
      message="{name} shares the host's {ns} namespace", formats={Format.COMPOSE, Format.KUBERNETES},
      fix=FixSafety.UNSAFE, tags=("security", "cwe-653"),
      kind=Kind.MISCONFIGURATION, risk=Risk.HIGH)
def check(workload: Workload) -> Iterator[Finding]:
    for field_name, ns in _NAMESPACES:
        setting = getattr(workload, field_name)
        if setting.value:
            from glmlint.catalog.purposes import purpose, purpose_of

            shared = workload.owner(setting) != workload.label  # written for the whole pod
            # a namespace the pod shares is the purpose of the pod when one of its containers shows it:
            # every container's finding says so, and none offers a fix that would break that one
            purpose_ = purpose(workload.pod_purpose) if shared and workload.pod_purpose else purpose_of(workload)
            loopback = _host_loopback(workload) if field_name == "host_network" and purpose_ is None else None
            if loopback is not None:
                # it reaches another service on the host's loopback (Open WebUI's OLLAMA_BASE_URL=
                # http://127.0.0.1:11434, its README's cure for "cannot reach the Ollama server"): off the
                # host's network that address is the container's own, and it loses that service
                name, value = loopback
                yield Finding(at=setting.loc, args={"name": workload.owner(setting), "ns": ns}, fix=None,
                              message=f"{workload.owner(setting)} shares the host's {ns} namespace (no automatic "
                                      f"fix: `{name}` names the host's loopback, `{value}`, which off the host's "
                                      f"network is the container's own: point it at `host.docker.internal` "
                                      f"(`--add-host=host.docker.internal:host-gateway`, compose `extra_hosts`), "
                                      f"then remove the host network)")
                continue
            called = _called_through_host(workload) if field_name == "host_network" and purpose_ is None else None
            if called is not None:
                # the fix would publish its ports on 127.0.0.1 only, which a container that calls it through
                # the host (`host.docker.internal`) no longer reaches
                yield Finding(at=setting.loc, args={"name": workload.owner(setting), "ns": ns}, fix=None,
                              message=f"{workload.owner(setting)} shares the host's {ns} namespace (no automatic "
                                      f"fix: {called})")
                continue
            yield Finding(at=setting.loc, args={"name": workload.owner(setting), "ns": ns},
                          fix=None if purpose_ is not None else _fix(workload, setting, field_name, ns),
                          message=None if purpose_ is None else
                          f"{workload.owner(setting)} shares the host's {ns} namespace{purpose_.note()}")


# a URL or `host:port` on the loopback address (`http://127.0.0.1:11434`, `localhost:6379`, `[::1]:8000`)
_LOOPBACK = lazyre.compile(r"(?:^|//|@)(?:localhost|127(?:\.[0-9]{1,3}){3}|\[::1\])(?::([0-9]{1,5}))?(?:[/?#]|$)")
# names of variables that list addresses a service does not connect to, whatever the service: the browser
# origins it allows (`ALLOWED_ORIGINS`, `CORS_ORIGINS`), the hosts a proxy is bypassed for (`NO_PROXY`)
_NOT_CONNECTED = lazyre.compile(r"ORIGIN|(?:^|_)NO_PROXY$", re.IGNORECASE)
# what separates the items of a list of addresses in one value: blanks, commas, semicolons
_ITEMS = lazyre.compile(r"[\s,;]+")


def _host_loopback(workload: Workload) -> tuple[str, str] | None:
    """A variable or start argument of a Docker workload that names another service on the host's loopback
    (a URL, or `host:port`, whose port is not one the container serves itself), as (where, value); else None.
    On the host's network 127.0.0.1 is the host's; off it, the container's own."""
    if workload.format not in _PUBLISHING:
        return None
    from glmlint.catalog.services import identify

    own = {str(p) for p in _served(workload)} | {p.container_port.split("/")[0] for p in workload.ports}
    # variables whose addresses are no connection it makes: the catalog's, for the services it runs (Open
    # WebUI's CORS_ALLOW_ORIGIN, the browser origins it lets in), and, for any, an origin or proxy-bypass list
    elsewhere = {name for m in identify(workload) for name in m.service.not_connected}
    candidates = [(v.name, v.value) for v in workload.env if v.value and v.name not in elsewhere
                  and not _NOT_CONNECTED.search(v.name)] + \
        [(c.argv[0].text if c.argv else "", w.text) for c in workload.process for w in c.args]
    for where, value in candidates:
        # a list of addresses in one value (`REDIS_NODES: 127.0.0.1:7001 127.0.0.1:7002`, a cluster's
        # peers; `KAFKA_BROKERS=localhost:9092,localhost:9093`): each item is one address
        for item in _ITEMS.split(value.strip()):
            m = _LOOPBACK.search(item)
            if m is None or ("://" not in item and m.group(1) is None):
                continue  # a bare `127.0.0.1` is a bind address, not another service
            if m.group(1) is not None and m.group(1) in own:
                continue  # its own port
            return where, value.strip()
    return None


def _called_through_host(workload: Workload) -> str | None:
    """Why the ports a Docker workload on the host's network serves must not go on 127.0.0.1 only (what the
    fix would publish): another container calls one through the host (`glmlint.reach.through_host`)."""
    if workload.format not in _PUBLISHING:
        return None
    ports = [records.replace(p, host_port=p.host_port or p.container_port) for p in workload.ports]
    ports += [Port(str(p), workload.anchor, host_port=str(p)) for p in _served(workload)]
    for port in ports:
        why = through_host(workload, port)
        if why is not None:
            return why
    return None


def _fix(workload: Workload, setting: Setting[bool], field_name: str, ns: str) -> Intent | tuple[Intent, ...] | None:
    """Stop sharing the namespace; for IPC, give /dev/shm a size of its own: out of the host's IPC
    namespace the container gets the runtime's /dev/shm, 64 MB under Docker (`--shm-size`'s default),
    which NCCL's shared-memory transport and PyTorch DataLoader workers outgrow (`Bus error`)."""
    title = f"Stop sharing the host's {ns} namespace"
    if field_name == "host_network":
        discarded_all = workload.publish_all
        if discarded_all is not None and discarded_all.explicit and not discarded_all.value:
            # `-P` Docker discarded on the host's network (the parser reads it as not publishing): left
            # beside the removed host network it publishes every EXPOSEd port on every interface
            return None
        # the ports Docker discarded on the host's network (`-p 8888:8888` beside `--network host`) are
        # published once it is gone: on the loopback address only, as the host reached the listeners
        # before without the world reaching them through a published port
        kept = tuple(PublishLoopback(p, "") for p in workload.ports
                     if not p.published and workload.format in _PUBLISHING and on_all_interfaces(p) is not False)
        if kept:
            return (unset(setting, title=f"{title}, publishing its ports on 127.0.0.1 only"), *kept)
        if workload.format in _PUBLISHING and not workload.ports and not (discarded_all is not None
                                                                         and discarded_all.explicit):
            # no port written: off the host's network nothing is published, and the host no longer reaches
            # the ports its service listens on; those the catalog knows are published on 127.0.0.1, as the
            # host reached them before, else the title says what is left to do
            served = _served(workload)
            if served:
                absent: Setting[tuple[Item, ...]] = Setting((), workload.anchor, False)
                ports = ", ".join(str(p) for p in served)
                return (unset(setting, title=f"{title}, publishing the port{'s' if len(served) > 1 else ''} it "
                                             f"serves ({ports}) on 127.0.0.1 only"),
                        *(ensure_item(absent, "ports", f"127.0.0.1:{p}:{p}", title="") for p in served))
            return unset(setting, title=f"{title} (nothing is published then: publish on 127.0.0.1 the ports "
                                        f"the host must reach)")
    if field_name != "host_ipc":
        return unset(setting, title=title)
    size = _size(workload.memory_limit.value)
    absent: Setting[None] = Setting(None, workload.anchor, False)
    return (unset(setting, title=f"{title}, with a memory-backed /dev/shm of the container's own (Docker's "
                                 f"default is 64 MB)"),
            set_value(absent, "shared_memory", size, title=""))


def _served(workload: Workload) -> list[int]:
    """The ports the cataloged services of `workload` listen on, on an address the host reaches once they are
    published (not the loopback: off the host's network that is the container's own)."""
    from glmlint.catalog.services import services_on

    return sorted({ls.port for _m, ls in services_on(workload) if ls.port is not None and ls.all_interfaces is not False})


# a memory limit written as a plain size (`32g`, `16Gi` is Kubernetes' and has no shm_size to go in)
_PLAIN_SIZE = lazyre.compile(r"^[0-9]+(?:\.[0-9]+)?[bkmgBKMG]?[bB]?$")
# with no memory limit: the host's /dev/shm it shared is a tmpfs of half the node's memory (the kernel's
# default size); 16 GB keeps what a multi-GPU node's jobs commonly put there
_DEFAULT_SHM = "16g"


def _size(limit: str | None) -> str:
    """The /dev/shm size: the container's memory limit (tmpfs pages count against it, so /dev/shm can
    hold no more), else `_DEFAULT_SHM`."""
    return limit.strip() if limit and _PLAIN_SIZE.match(limit.strip()) else _DEFAULT_SHM
