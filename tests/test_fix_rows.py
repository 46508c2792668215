"""A Kubernetes container's fixes judged in one re-parse (`fix.engine._rows`): each fix's verdict is the
one its own re-parse gives, on every fixture and every corpus file; the rules' read sets it relies on
(`glmlint.fix._reads`) are what recording them gives; the container each fix alone re-parses to is
the one `_rows` makes of the re-parse with all of them."""
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

    def watched(before, after, members, old, new, rules):
        got = real(before, after, members, old, new, rules)
        seen.append((before, after, members, old, new, got))
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
    assert seen and any(got for *_, got in seen)


def _files(root: Path, every: int):
    return list(reads.kubernetes_files([root]))[::every]


def _compare(root: Path, every: int, monkeypatch: pytest.MonkeyPatch) -> tuple[int, int]:
    seen = _watch(monkeypatch)
    files = judged = 0
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
        for before, after, members, old, new, got in seen:
            judged += len(got)
            _each_alone_is_made(before, after, members, old, new, path)
    return files, judged


def _each_alone_is_made(before, after, members, old, new, path) -> None:
    """The claim `_rows` rests on: each member's own re-parse has the container `_with` makes (every
    field `_same`, `own` and `pod` field by field) and every other workload as before."""
    got = engine._owners(before, after, members, old, new)
    if got is None:
        return
    w0, w1, owned = got
    options = engine.Options(unsafe=True)
    docs = engine.text_docs(before, before.text)
    for f, mine in zip(members, owned):
        alone = engine._reparse(before, apply(before.text, engine.lower(f, before, before.text, options, docs)),
                                check=False, pods=False)
        k = next(i for i, w in enumerate(before.workloads) if w is w0)
        assert engine._changed(engine._with(w0, w1, mine), alone.workloads[k]) == [], (path, f.result.code)
        for i, (a, b) in enumerate(zip(before.workloads, alone.workloads)):
            if i != k:
                assert engine._changed(a, b) in ([], ["anchor"]), (path, f.result.code, b.label)


def test_every_fixture(monkeypatch: pytest.MonkeyPatch) -> None:
    files, judged = _compare(FIXTURES, 1, monkeypatch)
    assert files >= 300 and judged >= 1000


@ON_CORPUS
def test_every_corpus_file(monkeypatch: pytest.MonkeyPatch) -> None:
    files, judged = _compare(CORPUS, 1, monkeypatch)
    assert files >= 600 and judged >= 3000
