"""Pod uses a volume type the restricted level forbids (Pod Security Standards `restrictedVolumes`).

## What it does
Implements the Pod Security Standards check **restrictedVolumes** (level **restricted**,
every version; it replaces hostPathVolumes there): every `spec.volumes[*]` must be a
`configMap`, `csi`, `downwardAPI`, `emptyDir`, `ephemeral`, `image`,
`persistentVolumeClaim`, `projected` or `secret` volume. `hostPath`, `nfs`, `gitRepo`,
`iscsi`, cloud disks and the other in-tree sources are refused.
In compose and `docker run` a bind mount is a `hostPath`; a named volume (the
cluster's PVC) and a tmpfs (an `emptyDir`) are allowed; a volume driver's options are
not read.

## Why is this bad?
The allowed types are the ones whose storage is set up by the cluster's administrators
(through PersistentVolumes and CSI drivers); the others let a pod's author name node
paths, network file servers or disks directly, out of the reach of storage policy.

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
    nfs: {server: nfs.internal, path: /datasets}
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


@rule(code="GLM036", slug="restricted-volume-type", severity=Severity.WARNING,
      message="{name} has {kind} volume `{volume}` (PSS restricted: restrictedVolumes)",
      formats={Format.COMPOSE, Format.KUBERNETES}, tags=("security", "pss-restricted", "cwe-668"), since="0.2.0",
      params=pss.DEFAULT, opt_in=True)
def check(workload: Workload, target: pss.Target) -> Iterator[Finding]:
    if target.judge(workload, "restrictedVolumes") is None:
        return
    if workload.pod is None:  # compose, `docker run`: named volumes and tmpfs are allowed, a host path is not
        for mount in workload.mounts:
            if mount.kind == "bind":  # Kubernetes' `hostPath`, in compose's and `docker run`'s words
                yield Finding(at=mount.loc, args={"name": workload.label, "kind": "", "volume": ""},
                              message=f"{workload.label} bind-mounts the host path `{mount.source or mount.target}` "
                                      "(PSS restricted: restrictedVolumes)")
        return
    for volume in workload.pod.volumes:
        if volume.kind not in pss.RESTRICTED_VOLUMES:
            yield Finding(at=volume.loc, args={"name": workload.group or workload.label,
                                               "kind": f"`{volume.kind}`" if volume.kind else "an unknown",
                                               "volume": volume.name})
