"""A Kubernetes container's fixes judged in one re-parse (`fix.engine._rows`), and the fixes of several
containers apart in one document in one re-parse (`fix.engine._bundles`): each fix's verdict is the one
its own re-parse gives, on every fixture and every corpus file; the rules' read sets it relies on
(`glmlint.fix._reads`) are what recording them gives; the container each fix alone re-parses to is
the one `_rows` makes of the re-parse with all of them, and every other container (another group's
too) is as before in it."""
from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from glmlint.fix import engine, reads
from glmlint.fix._reads import READS
from glmlint.fix.text import apply
from glmlint.parsers import parse
from glmlint.registry import all_rules, select
from glmlint.runner import _result, evaluate

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "fixtures"
CORPUS = ROOT.parent / "shared" / "corpus" / "real"
ON_CORPUS = pytest.mark.skipif(not CORPUS.is_dir(), reason="../shared/corpus/real is not beside the checkout")


def _rules():
    return [r for r in select(all_rules()) if not r.scan_wide]


def _found(path: str, text: str):
    source = parse(path, text, "yaml", "")
    if source is None or source.format.name != "KUBERNETES":
        return None, []
    return source, [(rule, f, w, _result(source, rule, f, w)) for rule in _rules() for f, w in evaluate(source, rule)]


def _edits(source, found, monkeypatch, rows: bool):
    with monkeypatch.context() as m:
        m.setattr(engine, "ROWS", rows)
        return engine.verified_edits(source, _rules(), found, [])


def test_the_read_sets_are_the_recorded_ones() -> None:
    """Every rule's reads on every Kubernetes workload of the fixtures and the corpus: the table the
    engine reads (`python -m glmlint.fix.reads` writes it)."""
    if not CORPUS.is_dir():
        pytest.skip("../shared/corpus/real is not beside the checkout")
    assert reads.record_all(reads.roots(CORPUS)) == READS


def test_a_read_is_recorded_by_its_field_and_a_pods_by_its_path() -> None:
    source, _ = _found("pod.yaml", POD)
    w = source.workloads[0]
    rule = next(r for r in _rules() if r.code == "GLM004")
    got = reads.record(rule, w)
    assert {"read_only_rootfs", "pod.os"} <= got  # `windows` reads the pod's `os`
    assert "windows" not in got and "pod.volumes" not in got


POD = textwrap.dedent("""\
    apiVersion: v1
    kind: Pod
    metadata: {name: trainer}
    spec:
      containers:
        - name: trainer
          image: ghcr.io/example/trainer:1
          securityContext:
            privileged: true
        - name: sidecar
          image: ghcr.io/example/sidecar:1
""")


def _watch(monkeypatch: pytest.MonkeyPatch) -> list[tuple]:
    """Each `_rows` call's arguments and verdicts."""
    seen: list[tuple] = []
    real = engine._rows

    def watched(before, after, groups, old, new, rules):
        got = real(before, after, groups, old, new, rules)
        seen.append((before, after, groups, old, new, got or {}))
        return got

    monkeypatch.setattr(engine, "_rows", watched)
    return seen


def test_a_privileged_containers_fixes_in_one_reparse(monkeypatch: pytest.MonkeyPatch) -> None:
    """`trainer`'s GLM002 fix (drop ALL) alone leaves it privileged: whatever `_rows` decides is what
    each fix's own re-parse decides."""
    source, found = _found("pod.yaml", POD)
    seen = _watch(monkeypatch)
    together = _edits(source, found, monkeypatch, True)
    assert together == _edits(source, found, monkeypatch, False)
    # GLM004's emptyDir goes in the pod's `volumes`, `sidecar`'s too: judged with the others
    assert {f.result.code for *_, groups, _old, _new, got in seen for members in groups for f in members
            if id(f) in got} >= {"GLM001", "GLM004", "GLM007"}


def _files(root: Path, every: int):
    return list(reads.kubernetes_files([root]))[::every]


def _compare(root: Path, every: int, monkeypatch: pytest.MonkeyPatch) -> tuple[int, int]:
    seen = _watch(monkeypatch)
    files = judged = bundled = 0
    for path in _files(root, every):
        try:
            source, found = _found(str(path), path.read_text(encoding="utf-8", errors="replace"))
        except Exception:  # noqa: BLE001 - hostile and broken files: nothing to verify
            continue
        if source is None or not any(r.fix for *_, r in found):
            continue
        seen.clear()
        assert _edits(source, found, monkeypatch, True) == _edits(source, found, monkeypatch, False), path
        files += 1
        for before, after, groups, old, new, got in seen:
            judged += len(got)
            bundled += len(got) if len(groups) > 1 else 0
            _each_alone_is_made(before, after, groups, old, new, path)
    return files, judged, bundled


def _each_alone_is_made(before, after, groups, old, new, path) -> None:
    """The claim `_rows` rests on: each member's own re-parse has the container `_with` makes (every
    field `_same`, `own` and `pod` field by field) and every other workload as before, the other
    groups' containers of its bundle too."""
    got = engine._owners(before, after, groups, old, new)
    if got is None:
        return
    options = engine.Options(unsafe=True)
    docs = engine.text_docs(before, before.text)
    for members, (w0, w1, owned) in zip(groups, got):
        _each_made(before, members, w0, w1, owned, options, docs, path)


def _each_made(before, members, w0, w1, owned, options, docs, path) -> None:
    for f, mine in zip(members, owned):
        alone = engine._reparse(before, apply(before.text, engine.lower(f, before, before.text, options, docs)),
                                check=False, pods=False)
        k = next(i for i, w in enumerate(before.workloads) if w is w0)
        assert engine._changed(engine._with(w0, w1, mine), alone.workloads[k]) == [], (path, f.result.code)
        for i, (a, b) in enumerate(zip(before.workloads, alone.workloads)):
            if i != k:  # its pod's volumes and securityContext, where this fix writes them, as the container's
                same_pod = b.pod is not None and b.pod.volumes_path == w1.pod.volumes_path
                shared = [p for p in engine._POD_SHARED if p in mine and same_pod]
                assert sorted(engine._changed(a, b)) == sorted(shared), (path, f.result.code, b.label)
                for p in shared:
                    sub = p.split(".", 1)[1]
                    assert engine._same(getattr(b.pod, sub), getattr(w1.pod, sub))


def test_every_fixture(monkeypatch: pytest.MonkeyPatch) -> None:
    files, judged, bundled = _compare(FIXTURES, 1, monkeypatch)
    assert files >= 300 and judged >= 1000 and bundled >= 50


@ON_CORPUS
def test_every_corpus_file(monkeypatch: pytest.MonkeyPatch) -> None:
    files, judged, bundled = _compare(CORPUS, 1, monkeypatch)
    assert files >= 600 and judged >= 3000 and bundled >= 500


TWO = textwrap.dedent("""\
    apiVersion: apps/v1
    kind: Deployment
    metadata: {name: inference}
    spec:
      selector: {matchLabels: {app: inference}}
      template:
        metadata: {labels: {app: inference}}
        spec:
          containers:
            - name: server
              image: ghcr.io/example/server:1
              securityContext:
                readOnlyRootFilesystem: true
            - name: metrics
              image: ghcr.io/example/metrics:1
              securityContext:
                readOnlyRootFilesystem: true
""")


def test_two_containers_fixes_in_one_reparse(monkeypatch: pytest.MonkeyPatch) -> None:
    """Both containers' fixes (each group inside its own container's mapping: no GLM004 `volumes`
    entry in their pod, which would make the pod spec each group's part) are judged from one re-parse, and each verdict is the one the fix's own re-parse gives; without bundles, one re-parse
    per container."""
    source, found = _found("deploy.yaml", TWO)
    seen = _watch(monkeypatch)
    together = _edits(source, found, monkeypatch, True)
    assert together == _edits(source, found, monkeypatch, False)
    bundled = [(groups, got) for *_, groups, _old, _new, got in seen if len(groups) > 1]
    assert len(bundled) == 1
    groups, got = bundled[0]
    assert {f.workload.label for members in groups for f in members} == {w.label for w in source.workloads}
    assert len(got) == 6  # GLM001, GLM002, GLM007 of each
    seen.clear()
    monkeypatch.setattr(engine, "BUNDLES", False)
    assert _edits(source, found, monkeypatch, True) == together
    assert [len(groups) for *_, groups, _old, _new, _got in seen] == [1, 1]


CLAIM = textwrap.dedent("""\
    apiVersion: apps/v1
    kind: Deployment
    metadata: {name: trainer}
    spec:
      selector: {matchLabels: {app: trainer}}
      template:
        metadata: {labels: {app: trainer}}
        spec:
          containers:
            - name: trainer
              image: ghcr.io/example/trainer:1
              volumeMounts:
                - {name: checkpoints, mountPath: /checkpoints}
          volumes:
            - name: checkpoints
              persistentVolumeClaim: {claimName: checkpoints}
""")


def test_a_container_writing_a_claim_in_one_reparse(monkeypatch: pytest.MonkeyPatch) -> None:
    """GLM001's fix of a container that writes a claim sets the pod's `securityContext.fsGroup` beside its
    uid: the pod's `context` changes, owned by that fix alone (its `fs_group`), so the container's four
    fixes are still judged from one re-parse, each as its own re-parse judges it."""
    source, found = _found("deploy.yaml", CLAIM)
    fs_group = [r for *_, r in found if r.code == "GLM001" and any(i.field == "fs_group" for i in r.fix.intents)]
    assert fs_group  # (what the case is about: the uid fix writes the pod's fsGroup too)
    seen = _watch(monkeypatch)
    together = _edits(source, found, monkeypatch, True)
    assert together == _edits(source, found, monkeypatch, False)
    assert [sorted(f.result.code for members in groups for f in members if id(f) in got)
            for *_, groups, _old, _new, got in seen] == [["GLM001", "GLM002", "GLM004", "GLM007"]]


def test_a_pods_fsgroup_beside_another_container_in_one_reparse(monkeypatch: pytest.MonkeyPatch) -> None:
    """The pod's `securityContext.fsGroup` GLM001 writes for `trainer` is `metrics`' pod's too: `metrics`
    differs in its pod's `context` alone, as with that fix alone, so `trainer`'s group is still judged
    from one re-parse, each verdict the fix's own re-parse's."""
    text = CLAIM.replace("\n      volumes:", "\n        - name: metrics\n          image: ghcr.io/example/metrics:1\n      volumes:")
    source, found = _found("deploy.yaml", text)
    assert len(source.workloads) == 2
    seen = _watch(monkeypatch)
    together = _edits(source, found, monkeypatch, True)
    assert together == _edits(source, found, monkeypatch, False)
    assert _judged(seen, "trainer") == ["GLM001", "GLM002", "GLM004", "GLM007"]


def _judged(seen: list[tuple], name: str) -> list[str]:
    """The codes of the fixes of container `name` that `_rows` gave a verdict, in order."""
    return sorted(f.result.code for *_, groups, _old, _new, got in seen for members in groups for f in members
                  if id(f) in got and f.workload.label.split("`")[1] == name)


ROOT_POD = textwrap.dedent("""\
    apiVersion: ray.io/v1
    kind: RayJob
    metadata: {name: tpu-job}
    spec:
      entrypoint: python train.py
      rayClusterSpec:
        headGroupSpec:
          rayStartParams: {}
          template: {spec: {containers: [{name: ray-head, image: "rayproject/ray:2.52.0-py310",
                                          securityContext: {runAsUser: 1000}}]}}
        workerGroupSpecs:
          - groupName: tpu-group
            rayStartParams: {}
            template:
              spec:
                securityContext:
                  runAsUser: 0
                containers:
                  - name: ray-worker
                    image: rayproject/ray:2.52.0-py310
""")


def test_a_pods_root_user_replaced_in_one_reparse(monkeypatch: pytest.MonkeyPatch) -> None:
    """GLM001's fix replaces the worker pod's `runAsUser: 0` where it is written: the pod's `context`
    changes in its `runAsUser` alone, owned by that fix (its `user`), so `ray-worker`'s fixes are still
    judged from one re-parse, each as its own re-parse judges it."""
    source, found = _found("rayjob.yaml", ROOT_POD)
    worker = next(w for w in source.workloads if "ray-worker" in w.label)
    assert worker.user.value.raw == "0" and worker.user.path[-2:] == ("securityContext", "runAsUser")
    seen = _watch(monkeypatch)
    together = _edits(source, found, monkeypatch, True)
    assert together == _edits(source, found, monkeypatch, False)
    assert _judged(seen, "ray-worker") == ["GLM001", "GLM002", "GLM004", "GLM007"]


def test_a_pods_root_user_another_container_inherits_is_each_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    """The same pod-level `runAsUser: 0` read by a second container that sets no user of its own: the fix
    changes that container's user too, which no fix of its own owns, so the group gets no verdict from
    one re-parse (each fix re-parsed alone), and the edits are the same."""
    text = ROOT_POD.replace("                image: rayproject/ray:2.52.0-py310\n",
                            "                image: rayproject/ray:2.52.0-py310\n"
                            "              - name: log-sidecar\n"
                            "                image: ghcr.io/example/sidecar:1\n"
                            "                securityContext: {readOnlyRootFilesystem: true}\n")
    source, found = _found("rayjob.yaml", text)
    assert len(source.workloads) == 3
    seen = _watch(monkeypatch)
    together = _edits(source, found, monkeypatch, True)
    assert together == _edits(source, found, monkeypatch, False)
    assert _judged(seen, "ray-worker") == []


def test_a_made_container_is_the_records_replace_of_it() -> None:
    """`_with` makes W_i without the keyword call of `records.replace` (`engine._copied`): the same record,
    field for field, for a workload and its `pod` and `own` records, and `__post_init__` still runs (a
    setting given as None gets its absent default, as `records.replace` gives it)."""
    from glmlint import records

    source, _ = _found("rayjob.yaml", ROOT_POD)
    w = next(w for w in source.workloads if "ray-worker" in w.label)
    other = next(x for x in source.workloads if x is not w)
    changes = {"user": other.user, "mounts": other.mounts, "label": "x"}
    got = engine._copied(w, changes)
    assert got == records.replace(w, **changes) and got is not w and got.user is other.user
    assert engine._copied(w.pod, {"volumes": ()}) == records.replace(w.pod, volumes=())
    assert engine._copied(w.pod.context, {"run_as_user": None}) == records.replace(w.pod.context, run_as_user=None)
    assert engine._copied(w, {"privileged": None}).privileged == records.replace(w, privileged=None).privileged
    made = engine._with(w, other, {"user", "pod.volumes", "own.run_as_user"})
    assert made.user is other.user and made.pod.volumes is other.pod.volumes and made.pod.context is w.pod.context
    assert made.own.run_as_user is other.own.run_as_user
