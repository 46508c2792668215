"""The scan's fix verification (`fix.engine.verified_edits`): fixes of different workloads verified
in one re-parse give exactly the edits verifying each alone gives."""
from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from glmlint.fix import engine
from glmlint.fix.lowering import expand
from glmlint.fix.text import FixError, apply
from glmlint.parsers import parse
from glmlint.registry import all_rules, select
from glmlint.rule import intents_of
from glmlint.runner import _result, evaluate

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"

COMPOSE = textwrap.dedent("""\
    services:
      web:
        image: nginx:1.27
        ports: ["8080:80"]
      worker:
        image: python:3.12
        command: python worker.py
        privileged: true
      cache:
        image: redis:7
""")

ANCHORS = textwrap.dedent("""\
    x-common: &common
      restart: always
      logging: {driver: json-file}
    services:
      api:
        <<: *common
        image: ghcr.io/example/api:1
        environment: &env
          MODE: prod
      jobs:
        <<: *common
        image: ghcr.io/example/jobs:1
        environment: *env
        cap_add: [NET_ADMIN]
      web:
        image: nginx:1.27
""")

PODS = textwrap.dedent("""\
    apiVersion: v1
    kind: Pod
    metadata: {name: a}
    spec:
      containers:
        - name: app
          image: ghcr.io/example/app:1
        - name: sidecar
          image: ghcr.io/example/sidecar:1
          securityContext:
            runAsUser: 0
    ---
    apiVersion: apps/v1
    kind: Deployment
    metadata: {name: b}
    spec:
      template:
        spec:
          containers:
            - name: server
              image: ghcr.io/example/server:1
""")


def _rules():
    return select(all_rules())


def _found(path: str, text: str, hint: str):
    source = parse(path, text, hint, "")
    assert source is not None
    found = [(rule, f, w, _result(source, rule, f, w)) for rule in _rules() for f, w in evaluate(source, rule)]
    return source, found


def _both(path: str, text: str, hint: str):
    source, found = _found(path, text, hint)
    rules = _rules()
    return (engine.verified_edits(source, rules, found, [], batch=True),
            engine.verified_edits(source, rules, found, [], batch=False))


def _counting(monkeypatch: pytest.MonkeyPatch) -> dict[str, int]:
    calls = {"batches": 0, "failed": 0}
    real = engine._verify_batch

    def counted(*args, **kwargs):
        calls["batches"] += 1
        try:
            return real(*args, **kwargs)
        except FixError:
            calls["failed"] += 1
            raise

    monkeypatch.setattr(engine, "_verify_batch", counted)
    return calls


@pytest.mark.parametrize("text,hint", [(COMPOSE, "compose"), (ANCHORS, "compose"), (PODS, "yaml")])
def test_batched_equals_alone(text: str, hint: str, monkeypatch: pytest.MonkeyPatch) -> None:
    # the batches themselves: a compose service's fixes are otherwise judged together first
    # (`engine._rows`, tests/test_fix_rows_compose.py), and the batches get what is left
    monkeypatch.setattr(engine, "COMPOSE_ROWS", False)
    calls = _counting(monkeypatch)
    batched, alone = _both("x.yaml" if hint == "yaml" else "compose.yaml", text, hint)
    assert batched == alone
    assert len(alone) >= 4  # several workloads, several fixes each
    assert calls["batches"] >= 2 and calls["failed"] == 0


def test_batched_equals_alone_on_every_fixture(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = _counting(monkeypatch)
    compared = 0
    for path in sorted(FIXTURES.rglob("*")):
        if path.suffix not in (".yaml", ".yml") or path.name == "expected.yaml" or not path.is_file():
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        hint = "compose" if "compose" in path.name else "yaml"
        try:
            source, found = _found(str(path), text, hint)
        except Exception:  # noqa: BLE001 - hostile and broken fixtures: nothing to verify
            continue
        if source is None or len(source.workloads) < 2 or not any(r.fix for *_, r in found):
            continue
        rules = _rules()
        assert engine.verified_edits(source, rules, found, [], batch=True) == \
            engine.verified_edits(source, rules, found, [], batch=False), path
        compared += 1
    assert compared >= 10 and calls["batches"] >= 10


def test_a_failed_batch_falls_back_to_each_fix_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args, **kwargs):
        raise FixError("refused")

    monkeypatch.setattr(engine, "_verify_batch", refuse)
    batched, alone = _both("compose.yaml", COMPOSE, "compose")
    assert batched == alone and alone


def test_a_batch_refuses_a_change_to_a_workload_outside_it() -> None:
    """The batch's own check: `web`'s fix verified in a re-parse where `cache` changed too fails,
    where `web`'s fix alone verifies."""
    source, found = _found("compose.yaml", COMPOSE, "compose")
    before = [engine._Found(rule, r, w, expand(intents_of(f), w)) for rule, f, w, r in found]
    docs = engine.text_docs(source, source.text)
    options = engine.Options(unsafe=True)
    web = next(f for f in before if f.result.code == "GLM002" and f.workload.name == "web")
    cache = next(f for f in before if f.result.code == "GLM002" and f.workload.name == "cache")
    web_edits = engine.lower(web, source, source.text, options, docs)
    both = engine._reparse(source, apply(source.text, web_edits + engine.lower(cache, source, source.text, options,
                                                                                docs)))
    with pytest.raises(FixError, match="also change service `cache`"):
        engine._verify_batch(source, both, [web], before, engine.findings(both, _rules()), {})
    alone = engine._reparse(source, apply(source.text, web_edits))
    engine.verify(source, alone, web, before, engine.findings(alone, _rules()))
    engine._verify_batch(source, both, [web, cache], before, engine.findings(both, _rules()), {})


# -- multi-document files: a re-parse composes only from the first edited document on ------------

STREAM = textwrap.dedent("""\
    # the app's namespace and settings
    apiVersion: v1
    kind: ConfigMap
    metadata: {name: settings}
    data:
      MODE: "prod"
    ---
    apiVersion: v1
    kind: Service
    metadata: {name: web}
    spec:
      type: LoadBalancer
      selector: {app: web}
      ports: [{port: 80, targetPort: 8080}]
    ---
    apiVersion: apps/v1
    kind: Deployment
    metadata: {name: web}
    spec:
      selector: {matchLabels: {app: web}}
      template:
        metadata: {labels: {app: web}}
        spec:
          containers:
            - name: web
              image: ghcr.io/example/web:1
              ports: [{containerPort: 8080}]
            - name: sidecar
              image: ghcr.io/example/sidecar:1
              securityContext:
                privileged: true
    ---
    apiVersion: v1
    kind: Pod
    metadata: {name: debug, labels: {app: web}}
    spec:
      hostNetwork: true
      containers:
        - name: shell
          image: ghcr.io/example/shell:1
""")


def _reusing(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many documents each re-parse reused."""
    kept: list[int] = []
    real = engine._Stream.documents

    def counted(self, text, first):
        got = real(self, text, first)
        if got is not None:
            kept.append(got[1])
        return got

    monkeypatch.setattr(engine._Stream, "documents", counted)
    return kept


def _whole(monkeypatch: pytest.MonkeyPatch, source, found) -> dict:
    with monkeypatch.context() as m:
        m.setattr(engine._Stream, "of", classmethod(lambda cls, source, roots: None))
        return engine.verified_edits(source, _rules(), found, [], batch=False)


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_reusing_documents_gives_the_edits_of_whole_reparses(newline: str, monkeypatch: pytest.MonkeyPatch) -> None:
    source, found = _found("app.yaml", STREAM.replace("\n", newline), "yaml")
    whole = _whole(monkeypatch, source, found)
    kept = _reusing(monkeypatch)
    reused = engine.verified_edits(source, _rules(), found, [], batch=False)
    assert reused == whole and len(whole) >= 6
    assert kept and min(kept) >= 2  # the fixes in the Deployment and the Pod left the first documents alone


def _same_nodes(a, b) -> None:
    """The same node, tag, style, value and marks' lines and columns (a document composed after its
    preceding empty lines, `engine._pad`, has other offsets, `index`, which nothing a re-parse feeds reads)."""
    assert (a is None) == (b is None)
    if a is None:
        return
    assert (type(a), a.tag, getattr(a, "style", None), getattr(a, "flow_style", None)) == \
        (type(b), b.tag, getattr(b, "style", None), getattr(b, "flow_style", None))
    for mark in ("start_mark", "end_mark"):
        ma, mb = getattr(a, mark), getattr(b, mark)
        assert (ma.line, ma.column) == (mb.line, mb.column)
    if isinstance(a.value, list):
        assert len(a.value) == len(b.value)
        for x, z in zip(a.value, b.value):
            if isinstance(x, tuple):
                _same_nodes(x[0], z[0])
                _same_nodes(x[1], z[1])
            else:
                _same_nodes(x, z)
    else:
        assert a.value == b.value


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_reused_and_recomposed_documents_are_the_whole_texts_nodes(newline: str) -> None:
    from glmlint.parsers import yamlnodes as y

    text = STREAM.replace("\n", newline)
    source = parse("app.yaml", text, "yaml", "")
    stream = engine._Stream.of(source, y.compose_all(text))
    assert stream is not None and len(stream.starts) == 4
    at = text.index("privileged: true")
    new = text[:at] + "privileged: false  # é" + newline + "  " + text[at + len("privileged: true"):]
    docs, kept = stream.documents(new, at)
    assert kept == 2 and docs[:2] == stream.roots[:2]
    whole = y.compose_all(new)
    assert len(docs) == len(whole) == 4
    for a, b in zip(docs, whole):
        _same_nodes(a, b)
    assert stream.documents(new, text.index("ConfigMap")) is None  # the first document edited: no reuse


@pytest.mark.parametrize("change", [
    lambda t: "%YAML 1.1\n---\n" + t,  # a directive
    lambda t: t.replace("---\napiVersion: apps/v1", "...\n---\napiVersion: apps/v1"),  # a document end
    lambda t: "\ufeff" + t,
    lambda t: t.replace("data:\n", "data:\r"),  # a lone CR: libyaml counts lines otherwise
])
def test_no_reuse_in_a_stream_with_stream_level_syntax(change) -> None:
    from glmlint.parsers import yamlnodes as y

    text = change(STREAM)
    source = parse("app.yaml", text, "yaml", "")
    assert source is not None
    assert engine._Stream.of(source, y.compose_all(text)) is None


def test_reuse_on_every_multi_document_fixture(monkeypatch: pytest.MonkeyPatch) -> None:
    kept = _reusing(monkeypatch)
    compared = 0
    for path in sorted(FIXTURES.rglob("*")):
        if path.suffix not in (".yaml", ".yml") or path.name == "expected.yaml" or not path.is_file():
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        if "\n---" not in text or "compose" in path.name:
            continue
        try:
            source, found = _found(str(path), text, "yaml")
        except Exception:  # noqa: BLE001 - hostile and broken fixtures: nothing to verify
            continue
        if not any(r.fix for *_, r in found):
            continue
        assert engine.verified_edits(source, _rules(), found, []) == _whole(monkeypatch, source, found), path
        compared += 1
    assert compared >= 5 and kept


@pytest.mark.parametrize("enabled", [True, False])
def test_the_collector_is_paused_while_verifying_and_left_as_it_was(enabled: bool,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    import gc

    seen: list[bool] = []
    real = engine._reparse

    def watched(*args, **kwargs):
        seen.append(gc.isenabled())
        return real(*args, **kwargs)

    monkeypatch.setattr(engine, "_reparse", watched)
    source, found = _found("compose.yaml", COMPOSE, "compose")
    was = gc.isenabled()
    try:
        gc.enable() if enabled else gc.disable()
        assert engine.verified_edits(source, _rules(), found, [])
        assert gc.isenabled() is enabled
    finally:
        gc.enable() if was else gc.disable()
    assert seen and not any(seen)


RAY = textwrap.dedent("""\
    apiVersion: ray.io/v1
    kind: RayCluster
    metadata: {name: raycluster}
    spec:
      headGroupSpec:
        rayStartParams: {}
        template:
          spec:
            containers:
              - name: ray-head
                image: rayproject/ray:2.9.0
      workerGroupSpecs:
        - groupName: workers
          replicas: 1
          rayStartParams: {}
          template:
            spec:
              containers:
                - name: ray-worker
                  image: rayproject/ray:2.9.0
""")


def test_pod_level_fixes_of_two_pods_in_one_document_share_a_reparse(monkeypatch: pytest.MonkeyPatch) -> None:
    """A fix with a pod-level edit (GLM004 adds an `emptyDir` to the pod's `volumes` for `/tmp`)
    edits outside its container's mapping but inside a pod spec holding that container only: the
    head's and the workers' are verified in one re-parse, never two fixes of one container together."""
    source, found = _found("ray.yaml", RAY, "yaml")
    before = [engine._Found(rule, r, w, expand(intents_of(f), w)) for rule, f, w, r in found]
    docs = engine.text_docs(source, source.text)
    options = engine.Options(unsafe=True)
    firsts = [f for f in before if f.result.fix is not None and f.intents]
    batches = engine._batches(source, docs[1], firsts,
                              lambda f: engine.lower(f, source, source.text, options, docs) or None)
    assert any(sorted((f.result.code, f.workload.name) for f in b) ==
               [("GLM004", "ray-head"), ("GLM004", "ray-worker")] for b in batches)
    assert all(len({id(f.workload) for f in b}) == len(b) for b in batches)
    calls = _counting(monkeypatch)
    batched, alone = _both("ray.yaml", RAY, "yaml")
    # 4 hardening fixes for each container, and GLM044 for each pod (Ray runs in both: the head's `ray start
    # --head` and the worker node's `ray start`, from rayStartParams, as the operator starts them)
    assert batched == alone and len(alone) == 10
    assert calls["batches"] >= 4 and calls["failed"] == 0


def test_a_containers_part_and_its_pods_meet() -> None:
    container = ("own", (0, "spec", "template", "spec", "containers", 0))
    pod = ("own", (0, "spec", "template", "spec"))
    other = ("own", (0, "spec", "workerGroupSpecs", 0, "template", "spec"))
    assert engine._nested(container, pod) and engine._nested(pod, container) and engine._nested(pod, pod)
    assert not engine._nested(pod, other) and not engine._nested(("document", 0), pod)
