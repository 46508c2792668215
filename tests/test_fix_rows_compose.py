"""A compose service's fixes judged in one re-parse (`fix.engine._rows`), and several services' in one
(`fix.engine._bundles`): each fix's verdict is the one its own re-parse gives, on every compose fixture
and corpus file, linked to the images it builds as the scan links it; the compose read sets
(`glmlint.fix._reads.COMPOSE_READS`) are what recording them gives; the service each fix alone
re-parses to is the one `_rows` makes of the re-parse with all of them, and every other service is as
before in it."""
from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from glmlint.fix import engine, reads
from glmlint.fix._reads import COMPOSE_READS
from glmlint.fix.text import apply
from glmlint.runner import _result, evaluate
from tests.test_fix_rows import CORPUS, FIXTURES, ON_CORPUS, _rules, _watch  # (`_watch`: each `_rows` call)


def _found(path: Path, text: str | None = None):
    got = reads.linked_compose(path, path.read_text(encoding="utf-8", errors="replace") if text is None else text)
    if got is None:
        return None, [], []
    source, images = got
    return source, images, [(rule, f, w, _result(source, rule, f, w)) for rule in _rules()
                            for f, w in evaluate(source, rule)]


def _edits(source, images, found, monkeypatch, rows: bool, batch: bool = True):
    with monkeypatch.context() as m:
        m.setattr(engine, "COMPOSE_ROWS", rows)
        return engine.verified_edits(source, _rules(), found, images, batch=batch)


def test_the_compose_read_sets_are_the_recorded_ones() -> None:
    """Every rule's reads on every compose service of the fixtures and the corpus, as parsed and as
    linked: the table the engine reads (`python -m glmlint.fix.reads` writes it)."""
    if not CORPUS.is_dir():
        pytest.skip("../shared/corpus/real is not beside the checkout")
    assert reads.record_compose(reads.roots(CORPUS)) == COMPOSE_READS


THREE = textwrap.dedent("""\
    services:
      api:
        image: ghcr.io/example/api:1
        ports: ["8080:8080"]
      worker:
        image: ghcr.io/example/worker:1
      cache:
        image: redis:7
""")


def test_each_services_fixes_in_one_reparse(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Three services, each with its GLM002, GLM004 and GLM007 fixes: one re-parse judges all nine
    (before, one per fix of each service: three), and each verdict is the one its own re-parse gives."""
    path = tmp_path / "compose.yaml"
    path.write_text(THREE, encoding="utf-8")
    source, images, found = _found(path)
    seen = _watch(monkeypatch)
    parses: list[object] = []
    real = engine._reparse
    monkeypatch.setattr(engine, "_reparse", lambda *a, **k: parses.append(a) or real(*a, **k))
    together = _edits(source, images, found, monkeypatch, True)
    assert len(parses) == 1
    judged = {(f.workload.label, f.result.code) for *_, groups, _old, _new, got in seen
              for members in groups for f in members if id(f) in got}
    assert {code for _label, code in judged} >= {"GLM002", "GLM004", "GLM007"}
    assert len({label for label, _code in judged}) == 3
    parses.clear()
    assert together == _edits(source, images, found, monkeypatch, False, batch=False) and together
    assert len(parses) >= 9


def _files(root: Path) -> list[Path]:
    return list(reads.kubernetes_files([root]))


def _compare(root: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[int, int, int]:
    seen = _watch(monkeypatch)
    files = judged = bundled = 0
    for path in _files(root):
        try:
            source, images, found = _found(path)
        except Exception:  # noqa: BLE001 - hostile and broken files: nothing to verify
            continue
        if source is None or not any(r.fix for *_, r in found):
            continue
        seen.clear()
        rows = _edits(source, images, found, monkeypatch, True)
        assert rows == _edits(source, images, found, monkeypatch, False, batch=False), path
        files += 1
        for before, after, groups, old, new, got in seen:
            judged += len(got)
            bundled += len(got) if len(groups) > 1 else 0
            _each_alone_is_made(before, images, after, groups, old, new, path)
    return files, judged, bundled


def _each_alone_is_made(before, images, after, groups, old, new, path) -> None:
    """The claim `_rows` rests on: each member's own re-parse, linked as the scan links it, has the
    service `_with` makes and every other service as before, the other groups' too."""
    got = engine._owners(before, after, groups, old, new)
    if got is None:
        return
    options = engine.Options(unsafe=True)
    docs = engine.text_docs(before, before.text)
    for members, (w0, w1, owned) in zip(groups, got):
        for f, mine in zip(members, owned):
            alone = engine._reparse(before, apply(before.text, engine.lower(f, before, before.text, options, docs)),
                                    check=False)
            if images:
                engine._relink(alone, images, {})
            k = next(i for i, w in enumerate(before.workloads) if w is w0)
            assert engine._changed(engine._with(w0, w1, mine), alone.workloads[k]) == [], (path, f.result.code)
            for i, (a, b) in enumerate(zip(before.workloads, alone.workloads)):
                if i != k:
                    assert engine._changed(a, b) == [], (path, f.result.code, b.label)


def test_every_compose_fixture(monkeypatch: pytest.MonkeyPatch) -> None:
    files, judged, bundled = _compare(FIXTURES, monkeypatch)
    assert files >= 600 and judged >= 2000 and bundled >= 400


@ON_CORPUS
def test_every_compose_corpus_file(monkeypatch: pytest.MonkeyPatch) -> None:
    files, judged, bundled = _compare(CORPUS, monkeypatch)
    assert files >= 250 and judged >= 1200 and bundled >= 800
