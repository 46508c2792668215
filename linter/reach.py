"""What makes a container port reachable from beyond the host, as Docker, Compose and Kubernetes decide it.

- compose `ports:` / `docker run -p` publish on every host interface unless a host IP
  is given (`127.0.0.1:8080:80` is the host only); a range counts for every port in it;
- `docker run -P` publishes every port the image EXPOSEs, on every interface;
- host networking (`network_mode: host`, `--network host`, k8s `hostNetwork: true`)
  puts the container's listeners on the host's interfaces; Docker then discards the
  published ports, and the `none` network publishes none (the parsers read such a port as
  not published: `glmlint.parsers.compose.discarded`);
- a compose service that joins another's network namespace (`network_mode: service:vpn`), or a
  `docker run --network container:vpn`, cannot publish ports of its own: the ports the other
  service (the file's `docker run --name vpn`) publishes reach its listeners;
- a Kubernetes `hostPort` publishes the container port on the node;
- a Kubernetes Service of type `LoadBalancer` or `NodePort` that selects the pod sends
  outside traffic to its `targetPort` (a number, or the name of a container port); so do the
  head and serve Services the KubeRay operator creates for a RayCluster/RayJob/RayService when
  their type (the `headService`/`serveService` template's, else `headGroupSpec.serviceType`) is
  `LoadBalancer` or `NodePort` (filled in by the Kubernetes parser);
- an Ingress routes the requests its controller (the cluster's edge) receives to a Service of the
  same file that selects the pod, a ClusterIP one too, on that Service's `targetPort`, unless its
  annotations may authenticate them; so does the Ingress KubeRay creates for a head group with
  `enableIngress: true`, to the head's dashboard port.

Rules ask `reach(workload, port)`; the fix that publishes a compose/`docker run` port on the
loopback address only is the `PublishLoopback` intent (written by `glmlint.fix.lowering`), which
`through_host` says not to offer for a port another container reaches through the host: Docker
forwards a port published on 127.0.0.1 from the host's loopback only (its DNAT rule matches `-d
127.0.0.1/32`, a raw rule drops that port's traffic from any other interface: moby 5b0eecd6,
integration/network/bridge/iptablesdoc/generated/usernet-portmap-lo.md), and a container that calls
`host.docker.internal` (the host gateway, docs.docker.com "Add entries to container hosts file",
`--add-host host.docker.internal:host-gateway`; Podman's `host.containers.internal`) arrives on the
bridge's gateway address, not there.
"""
from __future__ import annotations

import re

from glmlint import lazyre
from glmlint.ir import JOINED_NETWORK, ROUTE_KINDS, Format, Loc, Port, Workload, is_all_interfaces
from glmlint.records import dataclass


@dataclass(frozen=True, slots=True)
class Reach:
    """One way a port is reachable: `how` for the message, `loc` to point at, `port` when it is a
    published port entry (the fix rewrites it), `outside` the port a client connects to when it is
    known and not the container's own (`8080` of `8080:80`, a LoadBalancer Service's `port: 80`)."""

    how: str
    loc: Loc
    port: Port | None = None
    outside: str | None = None


def on_all_interfaces(port: Port) -> bool | None:
    """True when published on every host interface, False on a given address, None when unknown.

    `port.host_ip` is already read as Compose or the shell reads it (`${BIND:-0.0.0.0}` as
    `0.0.0.0`: the parsers interpolate, `glmlint.interpolate`); a `$` left in it is unknown."""
    ip = port.host_ip
    if ip is None or is_all_interfaces(ip):
        return True
    if "$" in ip:
        return None
    return False


def _covers(spec: str, number: int) -> bool | None:
    """Whether a container port spec (`8080`, `8080-8090`) includes `number`; None when unreadable."""
    low, _, high = spec.strip().partition("-")
    if not low.isdigit() or (high and not high.isdigit()):
        return None
    return int(low) <= number <= int(high or low)


def _published_at(port: Port, number: int) -> str | None:
    """The host port that `number` of `port`'s container ports is published on, when written (`8080:80`,
    `8000-8001:9000-9001`); None when Docker picks it (`80`, a host range for one container port)."""
    host, _, host_high = (port.host_port or "").strip().partition("-")
    low, _, high = port.container_port.strip().partition("-")
    if not (host.isdigit() and low.isdigit()) or (host_high and not high) or int(host) == 0:
        return None  # `0:80`: Docker picks the host port too
    return str(int(host) + number - int(low))


def reach(workload: Workload, number: int, *, published_only: bool = False) -> list[Reach]:
    """How the container port `number` is reachable from beyond the host."""
    out: list[Reach] = []
    for port in workload.ports:
        if not port.published or port.protocol.lower() != "tcp":
            continue
        if not _covers(port.container_port, number):
            continue
        if on_all_interfaces(port) is not True:
            continue
        at = _published_at(port, number)
        out.append(Reach("published on all interfaces", port.loc, port, at if at != str(number) else None))
    if published_only:
        return out
    if workload.publish_all.value:
        out.append(Reach("published with `-P` on all interfaces", workload.publish_all.loc))
    if workload.host_network.value:
        out.append(Reach("on the host's network", workload.host_network.loc))
    names = {p.name for p in workload.ports if p.name and _covers(p.container_port, number)}
    for exposure in workload.exposed_by:
        if exposure.kind == JOINED_NETWORK:  # `network_mode: service:NAME`, `--network container:NAME`
            if workload.format is Format.DOCKER_RUN:
                written = exposure.via or exposure.name  # the container it names, a chain's first join
                through = f", which joins `{exposure.name}`'s" if written != exposure.name else ""
                how = f"the container `{exposure.name}` whose network it joins (`--network container:{written}`{through})"
            else:
                # the value the service writes (`service:NAME`, `container:NAME`), a chain's first join
                written = exposure.via or f"service:{exposure.name}"
                # `container:NAME` names a `container_name` (of that service, or of one joining it): as written
                through = f", which joins `{exposure.name}`'s" if written.startswith("service:") \
                    and written[len("service:"):].strip() != exposure.name else ""
                how = f"the service `{exposure.name}` whose network it joins (`network_mode: {written}`{through})"
            out.extend(Reach(f"published on all interfaces by {how}", sp.loc)
                       for sp in exposure.ports if _covers(sp.target, number))
            continue
        for sp in exposure.ports:
            if (sp.target.isdigit() and int(sp.target) == number) or sp.target in names:
                made = f" that {exposure.operator} creates" if exposure.operator else ""
                if exposure.kind in ROUTE_KINDS:
                    via = f" (through the Service `{exposure.route}`)" if exposure.route else ""
                    of = f" of the Gateway `{exposure.gateways[0][1]}`" if exposure.gateways else ""
                    out.append(Reach(f"exposed by the {exposure.kind} `{exposure.name}`{of}{made}{via}", exposure.loc))
                else:
                    # a LoadBalancer's clients connect to its `port`; a NodePort's to a node port not read here
                    at = sp.port if exposure.kind == "LoadBalancer" and sp.port != str(number) else None
                    out.append(Reach(f"exposed by the {exposure.kind} Service `{exposure.name}`{made}", exposure.loc,
                                     outside=at))
                break
    return out


# the names a container reaches the host by, through the bridge's gateway: Docker Desktop's, Linux's with
# `--add-host host.docker.internal:host-gateway` (docs.docker.com/reference/cli/docker/container/run/#add-host),
# Podman's (`host.containers.internal`, podman-run(1) `--add-host`), and the default bridge's gateway address
GATEWAY_NAMES = frozenset({"host.docker.internal", "gateway.docker.internal", "host.containers.internal",
                           "172.17.0.1"})
# `scheme://[user@]host:port[/...]`, `host:port` or an option's `--db=host:port`, alone or as an item of a list
# (`;`, `,`, blanks); the port may be missing (`OLLAMA_HOST=host.docker.internal`, the client's default port)
_HOST_PORT = lazyre.compile(r"(?:^|//|@|=)([A-Za-z0-9_.-]+)(?::([0-9]{1,5}))?(?:[/?#]|$)")
_ITEMS = lazyre.compile(r"[\s,;]+")
# a variable that names a host, and the one beside it that names its port (`DB_HOST` + `DB_PORT`)
_HOST_VAR = lazyre.compile(r"^(.*?)(?:HOST|HOSTNAME|ADDR|ADDRESS|SERVER)$", re.IGNORECASE)
ANY_PORT = "*"  # a call through the host whose port is not written: any published port may be the one


def host_ports(value: str, aliases: frozenset[str] = frozenset()) -> list[tuple[str, str]]:
    """The addresses a value connects to through the host's gateway, as (`host:port`, port):
    `http://host.docker.internal:9099` -> (`host.docker.internal:9099`, `9099`); a gateway without a port
    (`host.docker.internal`) -> (`host.docker.internal`, `ANY_PORT`); `aliases`: more names for the gateway, a
    service's `extra_hosts: [llm:host-gateway]`. (Only the address: a URL's login stays out.)"""
    if not value or ("internal" not in value and "172.17.0.1" not in value and not aliases):
        return []
    out = []
    for item in _ITEMS.split(value.strip()):
        m = _HOST_PORT.search(item)
        if m is not None and (m.group(1).lower() in GATEWAY_NAMES or m.group(1) in aliases):
            out.append((m.group(0).strip("/@=?#"), str(int(m.group(2))) if m.group(2) else ANY_PORT))
    return out


def port_beside(name: str, env: dict[str, str]) -> str | None:
    """The port the variable beside a host variable names (`DB_HOST` -> `DB_PORT`'s `5432`), else None."""
    m = _HOST_VAR.match(name)
    if m is None:
        return None
    value = (env.get(m.group(1) + "PORT") or "").strip()
    return str(int(value)) if value.isdigit() else None


def through_host(workload: Workload, port: Port) -> str | None:
    """Why `port` must stay published beyond the host's loopback: another container reaches it through the
    host, as a service of the file names it (`host_callers`), or as the service's own docs connect its
    client (a catalog listener's `reached_through_host`: Open WebUI Pipelines, which Open WebUI in its own
    container calls at `http://host.docker.internal:9099`); None when nothing does."""
    called = called_through_host(workload, {port.host_port or ""})
    if called is not None:
        return called
    low, _, high = port.container_port.strip().partition("-")
    if not low.isdigit() or (high and not high.isdigit()):
        return None
    from glmlint.catalog.services import services_on

    for _match, ls in services_on(workload):
        got = ls.listener.reached_through_host
        if got is not None and ls.port is not None and int(low) <= ls.port <= int(high or low):
            return (f"{got[0]}, in a container of its own, connects to it through the host (`{got[1]}`, as its "
                    f"docs set it up), which a port published on 127.0.0.1 no longer serves: put both on one network "
                    f"and call it by its name")
    return None


def called_through_host(workload: Workload, ports: set[str]) -> str | None:
    """Why the host ports `ports` must not go on 127.0.0.1 only: a service of the file names one of them
    through the host (`host_callers`); None when none does."""
    for call in workload.host_callers:
        if call.port in ports or call.port == ANY_PORT:
            said = f"`{call.name}` names `{call.value}`" if call.env else f"`{call.name}` is given `{call.value}`"
            return (f"{call.caller} connects to it through the host ({said}), which a port "
                    f"published on 127.0.0.1 no longer serves: put both on one network and call it by its name")
    return None
