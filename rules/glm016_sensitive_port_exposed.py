"""Sensitive service port published on all interfaces.

## What it does
Flags a compose `ports:` entry that publishes, on every host interface (no
host IP, or `0.0.0.0`/`::`), a container port where an SSH server (22),
Jupyter (8888) or a database listens: PostgreSQL 5432, MySQL/MariaDB 3306,
MongoDB 27017, Redis 6379, Elasticsearch/OpenSearch 9200 and 9300,
Memcached 11211, Cassandra 9042, CouchDB 5984, InfluxDB 8086, Neo4j 7687,
SQL Server 1433, Oracle 1521, etcd 2379, ClickHouse 8123, Qdrant 6333 and
Milvus 19530, a VNC server's remote desktop (5900: the screen, keyboard and
mouse of the desktop an AI agent's "computer use" image runs, often served with
`x11vnc -nopw`), and the data stores of the [service catalog](../services.md)
(object stores such as MinIO, vector stores such as Chroma, Weaviate,
Qdrant, Milvus, Redis Stack and pgvector, search and graph stores such as
Meilisearch, OpenSearch and Neo4j, brokers such as Kafka and RabbitMQ) on
their ports, and an SSH server on the port its image sets
(`linuxserver/openssh-server` listens on 2222, or on its `LISTEN_PORT`). The
container port decides (`"15432:5432"` is PostgreSQL). A range publishes every
port in it: it counts when it holds a port where what the container runs is
known to listen (`8880-8890` for a Jupyter image, or one started with
`--port 8888`), and, for what the catalog does not know, when it starts at one
of the ports above (`8888-8890`, several notebooks), not when a wide pool of
ports (`7000-8000`) happens to include one. A sensitive service listening on
a port read from a variable (`start-notebook.sh --port=$PORT`) is taken to be
on the published port, unless another listener the catalog knows is there.
A port on the `none` network, of a service on compose `internal: true`
networks only, or of a container in another's network namespace
(`service:x`, `container:x`) is not published.

The service is named from what the container runs, not from the port alone
(the port table's name when it is that service's: `Elasticsearch transport`):
an official image the catalog knows (an OpenTelemetry Collector publishing
its metrics port 8888 is not Jupyter) or a recognised start command. The
port table is the fallback for images the catalog does not know.

On the host's network (`network_mode: host`, `docker run --network host`)
Docker discards the port mappings, but the container listens in the host's
own namespace: a sensitive port of a `ports:`/`-p` entry there is reported
as served on the host's network, at the network mode (every interface the
host has, with no Docker chain in front; no port fix: leaving the host's
network is GLM009's). The `none` network serves nothing.

## Why is this bad?
Docker publishes to `0.0.0.0` by default and its iptables rules bypass host
firewalls such as `ufw`, so a compose file written for a laptop puts the
database, the notebook or sshd on every network the host is on. These
services are what internet scanners look for first, and in development
stacks they usually run with default or no credentials.

## Example
```yaml
services:
  mlflow-db:
    image: postgres:16
    ports:
      - "5432:5432"
```
Use instead:
```yaml
services:
  mlflow-db:
    image: postgres:16
    ports:
      - "127.0.0.1:5432:5432"
```
(or no `ports:` at all: services on the same compose network reach it as
`mlflow-db:5432`)

## Fix safety
Unsafe: binding to `127.0.0.1` cuts off every other host that used the port.
The fix is offered for the short `"host:container"` form (compose, `docker
run -p`); a long-form entry needs `host_ip: 127.0.0.1` by hand. A host IP
read from a default (`"${BIND:-0.0.0.0}:5432:5432"`, reported "when `BIND`
is unset") gets the loopback address as its new default
(`${BIND:-127.0.0.1}`); a host port read from a default
(`${JUPYTER_PORT:-8888}:8888`) gets the address in front of it and changes
nothing else; an IP set in `.env` is left to a human. None is offered for a
port another service of the compose file connects to through the host
(`DATABASE_URL=postgresql://app@host.docker.internal:5432/app`): Docker
forwards a port published on 127.0.0.1 from the host's loopback only, which
that container does not reach (the finding says so; services that call it
by its name on a network they share keep working, and keep the fix).
"""
from __future__ import annotations

from collections.abc import Iterator

from typing import TYPE_CHECKING, Any

from glmlint.ir import Format, Workload, is_all_interfaces
from glmlint.reach import through_host
from glmlint.rule import Finding, FixSafety, Kind, PublishLoopback, Risk, Severity, rule

if TYPE_CHECKING:
    from glmlint.catalog.services import ServiceMatch

SERVICES = {22: "SSH", 8888: "Jupyter", 5432: "PostgreSQL", 3306: "MySQL", 27017: "MongoDB", 6379: "Redis",
            9200: "Elasticsearch", 9300: "Elasticsearch transport", 11211: "Memcached", 9042: "Cassandra",
            5984: "CouchDB", 8086: "InfluxDB", 7687: "Neo4j", 1433: "SQL Server", 1521: "Oracle",
            2379: "etcd", 8123: "ClickHouse", 6333: "Qdrant", 19530: "Milvus", 5900: "VNC"}

_LOOPBACK = "Publish the port on 127.0.0.1 only"


@rule(code="GLM016", slug="sensitive-port-exposed", severity=Severity.WARNING,
      message="{name} publishes the {service} port {port} on all interfaces", formats={Format.COMPOSE},
      fix=FixSafety.UNSAFE, tags=("security", "cwe-668"),
      kind=Kind.EXPOSURE, risk=Risk.MEDIUM, services=lambda s: s.id in _SENSITIVE or s.data_store)
def check(workload: Workload) -> Iterator[Finding]:
    matches = None
    # on the host's network Docker discards the port mappings, but what the container listens on is in the
    # host's namespace: each of its ports is served there, whatever a mapping's host IP said
    host = workload.host_network is not None and workload.host_network.value is True
    # a listener on a port read from a variable (`--port=$PORT`) has one port: it is taken to be the published
    # one only when the workload publishes one port, never each of several
    published = [p for p in workload.ports if (p.published or host) and p.protocol.lower() == "tcp"]
    alone = len(published) == 1 and "-" not in published[0].container_port
    for port in workload.ports:
        if not (port.published or host) or port.protocol.lower() != "tcp":
            continue
        if not host and port.host_ip is not None and not is_all_interfaces(port.host_ip):
            continue
        if matches is None:
            from glmlint.catalog.services import identify

            matches = identify(workload)  # the catalog is read only for a published port
        named = _cataloged(matches, port.container_port, alone)
        if named is None:
            continue
        service, number = named
        if host:  # no port fix: the remedy is leaving the host's network (GLM009's fix)
            yield Finding(at=workload.host_network.loc, args={"name": workload.label, "service": service,
                                                             "port": number},
                          message=f"{workload.label} serves the {service} port {number} on the host's network")
            continue
        # another container that calls it through the host loses it on 127.0.0.1: no fix, and why
        why = through_host(workload, port)
        yield Finding(at=port.loc, args={"name": workload.label, "service": service, "port": number},
                      fix=PublishLoopback(port, _LOOPBACK) if why is None else None,
                      message=None if why is None else
                      f"{workload.label} publishes the {service} port {number} on all interfaces (no automatic fix: {why})")


_SENSITIVE = {"jupyter", "sshd"}  # besides the data stores


def _cataloged(matches: list[ServiceMatch], spec: str, alone: bool) -> tuple[str, int] | None:
    """(service, port) when the container port is a sensitive listener of what the workload runs (a listener
    on a port read from a variable: when `alone`, the workload's only published port);
    the port table when the catalog does not know what runs; None when it knows it is something else."""
    low, _, high = spec.strip().partition("-")
    if not low.isdigit() or not (high or low).isdigit():
        return None
    first, last = int(low), int(high or low)
    known_image = other = False
    maybe = None
    for m in matches:
        known_image = known_image or m.via == "image"
        for ls in m.listeners():
            if ls.port is None:  # `--port=$PORT`: it may listen on the published port
                if maybe is None and alone and (m.service.id in _SENSITIVE or m.service.data_store):
                    maybe = m.service
                continue
            if not first <= ls.port <= last:
                continue  # Docker publishes every port of a range (`8880-8890`), not only its first
            s = m.service
            if s.id in _SENSITIVE or s.data_store:
                return _name(s, ls.port), ls.port
            if first == last:
                return None  # a listener of another cataloged service (GLM017 judges those)
            other = True
    if maybe is not None:  # no known listener holds the port: the one on a variable is what it publishes
        return _name(maybe, first), first
    if known_image or other:
        return None  # an official image the catalog knows, and the port is none of its sensitive ones
    sensitive = sensitive_port(spec)
    return (SERVICES[sensitive], sensitive) if sensitive is not None else None


def _name(s: Any, number: int) -> str:
    """The port table's name for a cataloged service's port when it names that service (`Elasticsearch
    transport` for Elasticsearch's 9300, also for an entry of older releases), else the service's."""
    table = SERVICES.get(number)
    if table is not None and (s.id in _SENSITIVE or table.startswith(s.name.partition(" (")[0])):
        return table
    return str(s.name)


def sensitive_port(spec: str) -> int | None:
    """The sensitive port a container port (`5432`, or a range starting at it, `5432-5434`) is."""
    low = spec.strip().partition("-")[0]
    if not low.isdigit():
        return None  # a variable or a typo: unknown
    return int(low) if int(low) in SERVICES else None
