"""Pod has a hostPath volume (Pod Security Standards `hostPathVolumes`).

## What it does
Implements the Pod Security Standards check **hostPathVolumes** (level **baseline**, every
version): no `spec.volumes[*].hostPath`, whatever the path and whether or not a container
mounts it. GLM010 reports only sensitive host paths (the Docker socket, `/etc`, ...); the
admission controller refuses every one. At the restricted level GLM036 takes its place
(it refuses hostPath among other volume types). In compose and `docker run` a bind
mount (`./data:/data`, `type: bind`, `-v /srv:/srv`) is a host path.

## Why is this bad?
A hostPath volume gives the pod files of the node: logs, credentials, sockets, other
pods' data, and with write access a way to change what the node runs.

## Example
```yaml
apiVersion: v1
kind: Pod
metadata: {name: trainer}
spec:
  containers:
  - name: trainer
    image: trainer:1.0
    volumeMounts: [{name: data, mountPath: /data}]
  volumes:
  - name: data
    hostPath: {path: /mnt/datasets}
```
Use instead:
```yaml
apiVersion: v1
kind: Pod
metadata: {name: trainer}
spec:
  containers:
  - name: trainer
    image: trainer:1.0
    volumeMounts: [{name: data, mountPath: /data}]
  volumes:
  - name: data
    persistentVolumeClaim: {claimName: datasets}
```
"""
from __future__ import annotations

from collections.abc import Iterator

from glmlint import pss
from glmlint.ir import Format, Workload
from glmlint.rule import Finding, Severity, rule


@rule(code="GLM025", slug="host-path-volume", severity=Severity.ERROR,
      message="{name} mounts host path `{volume}` (PSS baseline: hostPathVolumes)",
      formats={Format.COMPOSE, Format.KUBERNETES}, tags=("security", "pss-baseline", "cwe-668"), since="0.2.0",
      params=pss.DEFAULT, opt_in=True)
def check(workload: Workload, target: pss.Target) -> Iterator[Finding]:
    if target.judge(workload, "hostPathVolumes") is None:
        return
    if workload.pod is None:  # compose, `docker run`: a bind mount is a host path
        for mount in workload.mounts:
            if mount.kind == "bind":
                yield Finding(at=mount.loc, args={"name": workload.label, "volume": mount.source or mount.target})
        return
    for volume in workload.pod.volumes:
        if volume.kind == "hostPath":
            yield Finding(at=volume.loc, args={"name": workload.group or workload.label, "volume": volume.name})
