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
