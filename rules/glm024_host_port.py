"""Container binds a port of the node (Pod Security Standards `hostPorts`).

## What it does
Implements the Pod Security Standards check **hostPorts** (level **baseline**, every
version): `ports[*].hostPort` of every container, init container and ephemeral container
must be unset or 0.
In compose and `docker run` every published port (`ports:`, `-p`, `--publish`) is a
host port: Docker binds it on the host as the kubelet binds a `hostPort`. On the host's
network (`network_mode: host`, `--network host`) Docker discards the published ports and the
container's listener binds that host port itself: still reported. On the `none` network
nothing is published.

## Why is this bad?
A host port publishes the container on every address of the node, past NetworkPolicies
that select pods, and ties the pod to nodes where the port is free. Use a Service.

## Example
```yaml
apiVersion: v1
kind: Pod
metadata: {name: notebook}
spec:
  containers:
  - name: jupyter
    image: jupyter/base-notebook:2023-10-20
    ports:
    - containerPort: 8888
      hostPort: 8888
```
Use instead:
```yaml
apiVersion: v1
kind: Pod
metadata: {name: notebook}
spec:
  containers:
  - name: jupyter
    image: jupyter/base-notebook:2023-10-20
    ports:
    - containerPort: 8888
```
"""
from __future__ import annotations

from collections.abc import Iterator

from glmlint import pss
from glmlint.ir import Format, Workload
from glmlint.rule import Finding, Severity, rule


@rule(code="GLM024", slug="host-port", severity=Severity.ERROR,
      message="{name} binds host port {port} (PSS baseline: hostPorts)",
      formats={Format.COMPOSE, Format.KUBERNETES}, tags=("security", "pss-baseline", "cwe-668"), since="0.2.0",
      params=pss.DEFAULT, opt_in=True)
def check(workload: Workload, target: pss.Target) -> Iterator[Finding]:
    if target.judge(workload, "hostPorts") is None:
        return
    for port in workload.ports:
        if workload.pod is not None:
            if port.host_port is not None and port.host_port.strip() not in ("", "0"):
                yield Finding(at=port.loc, args={"name": workload.label, "port": port.host_port})
        elif port.published or workload.host_network.value:
            # Docker binds a host port for every published port (0 or none: a random one); on the host's
            # network it discards `-p` (`glmlint.parsers.compose.discarded`) and the listener binds the host's
            # port itself, as the API server defaults a `hostNetwork` pod's `hostPort` to its `containerPort`
            yield Finding(at=port.loc, args={"name": workload.label,
                                             "port": port.host_port or f"(any) for container port {port.container_port}"})
