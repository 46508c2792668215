"""Every fix `check` offers on a Kubernetes container applies, wherever its pod spec lives.

`tests/pod_places/` holds one manifest per place a pod spec is written: the core kinds,
Argo (`container`, `script`, `containerSet`, sidecars, init containers), Kubeflow training
jobs, JobSet, LeaderWorkerSet, KubeRay, Knative, KServe (an inline model, `containers`,
`workerSpec`, explainer, ServingRuntime) and container templates that have no pod of their
own (a ClusterStorageContainer, KServe v1alpha2's `custom.container`). For each file:
`glmlint fix --write --unsafe-fixes` reports no `not fixed:` line, and a second `check`
no longer reports a finding that `check` said had a fix. The read-only fix's emptyDir is
written in the mapping that holds the pod's `volumes`, every `volumeMounts` item names a
volume of that pod, and the container with its volumes passes Kubernetes' strict Pod schema
(`kubernetes-validate`); the built-in kinds are validated whole.
"""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests import realtools

PLACES = Path(__file__).with_name("pod_places")
FILES = sorted(PLACES.glob("*.yaml"))


def _glmlint(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "glmlint", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=120)


def _claims(cwd: Path) -> set[tuple[str, str, str]]:
    proc = _glmlint("check", "--format", "json", ".", cwd=cwd)
    assert proc.returncode in (0, 1) and proc.stdout, (proc.returncode, proc.stderr)
    return {(f["path"], f["code"], f["workload"]) for f in json.loads(proc.stdout) if f.get("fix")}


def _at(node: Any, path: tuple[str | int, ...]) -> Any:
    for p in path:
        node = node[p]
    return node


@pytest.fixture(scope="module")
def fixed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, set[tuple[str, str, str]], str]:
    """The folder after `fix --write --unsafe-fixes` (one run for all files), what `check` offered a
    fix for before, and what `fix` printed."""
    tmp = tmp_path_factory.mktemp("pod_places")
    for path in FILES:
        shutil.copy(path, tmp / path.name)
    before = _claims(tmp)
    proc = _glmlint("fix", "--write", "--unsafe-fixes", ".", cwd=tmp)
    return tmp, before, proc.stdout + proc.stderr


def test_every_offered_fix_applies(fixed: tuple[Path, set[tuple[str, str, str]], str]) -> None:
    tmp, before, out = fixed
    assert "not fixed" not in out, out
    assert "Traceback" not in out and "internal error" not in out, out
    assert {p for p, c, _w in before if c == "GLM004"} == {p.name for p in FILES if p.stem not in NO_FIX}
    left = before & _claims(tmp)
    assert not left, f"offered but still reported after the fix: {sorted(left)}"


# container templates with no pod of their own: a read-only fix could not give them a writable /tmp
NO_FIX = {"clusterstoragecontainer", "inferenceservice-v1alpha2-custom"}


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_emptydirs_go_where_the_pod_keeps_its_volumes(path: Path, fixed: tuple[Path, Any, str]) -> None:
    import yaml
    from glmlint.parsers import parse

    text = (fixed[0] / path.name).read_text()
    assert realtools.kubernetes_validate(text) is None  # the built-in kinds, whole
    docs = list(yaml.safe_load_all(text))
    source = parse(path.name, text, "kubernetes")
    assert source is not None and source.workloads
    offered = {w for p, code, w in fixed[1] if p == path.name and code == "GLM004"}
    for w in source.workloads:
        container = _at(docs, w.node_path)
        mounts = [m["name"] for m in container.get("volumeMounts") or []]
        read_only = (container.get("securityContext") or {}).get("readOnlyRootFilesystem")
        if w.pod is None or w.pod.volumes_path is None:
            assert path.stem in NO_FIX and not mounts and not read_only, w.label
            continue
        if w.label not in offered:
            continue
        assert read_only is True, f"{w.label}: not fixed"
        place = _at(docs, w.pod.volumes_path)
        volumes = place.get("volumes") or []
        names = {v["name"] for v in volumes}
        assert "/tmp" in {m["mountPath"] for m in container["volumeMounts"]}, w.label
        assert set(mounts) <= names, f"{w.label}: mounts {mounts} name no volume of its pod {sorted(names)}"
        pod = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"},
               "spec": {"containers": [{"name": "c", "image": "i",
                                        **{k: container[k] for k in ("securityContext", "volumeMounts")
                                           if k in container}}],
                        "volumes": volumes}}
        assert realtools.kubernetes_validate(yaml.safe_dump(pod)) is None, w.label
    assert offered <= {w.label for w in source.workloads}
