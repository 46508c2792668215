"""The pods' fixes of the scan-wide rules (GLM044's `automountServiceAccountToken: false`) judged in one
re-parse (`fix.engine._pod_verdicts`): each fix's verdict, and what it was judged on (`Evidence`: its
edits and the findings of its re-parse), is the one its own re-parse gives, on every fixture and corpus
file."""
from __future__ import annotations

from pathlib import Path

import pytest

from glmlint.fix import engine, reads
from glmlint.parsers import parse
from glmlint.registry import all_rules, select
from glmlint.runner import _result, evaluate
from tests.test_fix_batch import RAY  # (a RayCluster: its head's and its workers' pods)
from tests.test_fix_rows import CORPUS, FIXTURES, ON_CORPUS


def _rules():
    return [r for r in select(all_rules()) if r.scan_wide]


def _found(path: str, text: str):
    source = parse(path, text, "yaml", "")
    if source is None or source.format.name != "KUBERNETES" or not source.pods:
        return None, []
    return source, [(rule, f, w, _result(source, rule, f, w)) for rule in _rules() for f, w in evaluate(source, rule)]


def _edits(source, found, monkeypatch, pods: bool):
    """The verified edits and what each fix was judged on, with `_pod_verdicts` on or off."""
    evidence: list[engine.Evidence] = []
    with monkeypatch.context() as m:
        m.setattr(engine, "PODS", pods)
        got = engine.verified_edits(source, _rules(), found, [], evidence=evidence)
        plain = engine.verified_edits(source, _rules(), found, [])
    assert got == plain
    return got, evidence


def _watch(monkeypatch: pytest.MonkeyPatch) -> list[tuple]:
    """Each `_pod_verdicts` call's verdicts."""
    seen: list[tuple] = []
    real = engine._pod_verdicts

    def watched(*args, **kwargs):
        got = real(*args, **kwargs)
        seen.append(got)
        return got

    monkeypatch.setattr(engine, "_pod_verdicts", watched)
    return seen


def test_a_ray_clusters_two_pods_in_one_reparse(monkeypatch: pytest.MonkeyPatch) -> None:
    """The head's and the worker group's GLM044 fixes: one re-parse judges both (each alone: two), with
    the verdicts, edits and findings each fix's own re-parse gives."""
    source, found = _found("ray.yaml", RAY)
    assert source is not None and sum(1 for *_, r in found if r.code == "GLM044" and r.fix) == 2
    parses: list[object] = []
    real = engine._reparse
    monkeypatch.setattr(engine, "_reparse", lambda *a, **k: parses.append(a) or real(*a, **k))
    together, judged = _edits(source, found, monkeypatch, True)
    assert len(parses) == 2  # (with and without `evidence`)
    assert len(together) == 2 and all(e.edits is not None for e in judged)
    parses.clear()
    assert (together, judged) == _edits(source, found, monkeypatch, False)
    assert len(parses) == 4


def test_a_file_with_aliases_is_judged_fix_by_fix(monkeypatch: pytest.MonkeyPatch) -> None:
    """A node reachable twice (an alias) may be in two pods, and an edit inside it changes both: the
    pods' fixes of a file with aliases are each re-parsed alone."""
    text = RAY.replace("image: rayproject/ray:2.9.0", "image: &image rayproject/ray:2.9.0", 1)
    text = text.replace("image: rayproject/ray:2.9.0", "image: *image")
    source, found = _found("ray.yaml", text)
    assert source is not None and sum(1 for *_, r in found if r.code == "GLM044" and r.fix) == 2
    seen = _watch(monkeypatch)
    together, judged = _edits(source, found, monkeypatch, True)
    assert seen and not any(seen)
    assert (together, judged) == _edits(source, found, monkeypatch, False)


def _compare(root: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[int, int]:
    seen = _watch(monkeypatch)
    files = judged = 0
    for path in reads.kubernetes_files([root]):
        try:
            text = path.read_text(encoding="utf-8", errors="replace")
            source, found = _found(str(path), text)
        except Exception:  # noqa: BLE001 - hostile and broken files: nothing to verify
            continue
        if source is None or sum(1 for *_, r in found if r.fix) < 2:
            continue
        seen.clear()
        got = _edits(source, found, monkeypatch, True)
        assert got == _edits(source, found, monkeypatch, False), path
        files += 1
        judged += sum(len(s) for s in seen)
    return files, judged


def test_every_fixture(monkeypatch: pytest.MonkeyPatch) -> None:
    files, judged = _compare(FIXTURES, monkeypatch)
    assert files >= 5 and judged >= 10


@ON_CORPUS
def test_every_corpus_file(monkeypatch: pytest.MonkeyPatch) -> None:
    files, judged = _compare(CORPUS, monkeypatch)
    assert files >= 100 and judged >= 200
