"""What the fix verification's re-parses leave out, against a whole parse: a Kubernetes re-parse
without its pods' identities (`parse(pods=False)`, which only the scan-wide rules and the cluster
link read) is the same file otherwise, every other rule finds the same in it, and the verification
gives the same edits with it as with the identities made."""
from __future__ import annotations

from pathlib import Path

import pytest

from glmlint import records
from glmlint.fix import engine
from glmlint.parsers import parse
from glmlint.registry import all_rules, select
from glmlint.runner import _result, evaluate

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "fixtures"
CORPUS = ROOT.parent / "shared" / "corpus" / "real"


def _kubernetes_files() -> list[tuple[Path, str]]:
    files = sorted(p for p in FIXTURES.rglob("*.y*ml") if p.name != "expected.yaml" and "compose" not in p.name)
    if CORPUS.is_dir():
        files += sorted(p for p in CORPUS.rglob("*.y*ml") if "compose" not in p.name)[::7]
    out = []
    for path in files:
        text = path.read_text(encoding="utf-8", errors="replace")
        try:
            source = parse(str(path), text, "yaml", "")
        except Exception:  # noqa: BLE001 - hostile and broken files: nothing to re-parse
            continue
        if source is not None and source.format.name == "KUBERNETES":
            out.append((path, text))
    return out


FILES = _kubernetes_files()


def test_a_reparse_without_pod_identities_is_the_same_file_otherwise() -> None:
    rules = [r for r in select(all_rules()) if not r.scan_wide]
    with_pods = 0
    for path, text in FILES:
        full = parse(str(path), text, "yaml", "", duplicates=False)
        lean = parse(str(path), text, "yaml", "", duplicates=False, pods=False)
        assert lean.pods == []
        with_pods += bool(full.pods)
        assert records.replace(full, pods=[]) == lean, path
        for rule in rules:
            assert [(f, w) for f, w in evaluate(full, rule)] == [(f, w) for f, w in evaluate(lean, rule)], (path, rule.code)
    assert len(FILES) >= 100 and with_pods >= 50


def test_the_verification_without_pod_identities_gives_the_same_edits(monkeypatch: pytest.MonkeyPatch) -> None:
    rules = select(all_rules())
    real = engine._reparse
    compared = 0
    for path, text in FILES:
        source = parse(str(path), text, "yaml", "")
        found = [(rule, f, w, _result(source, rule, f, w)) for rule in rules for f, w in evaluate(source, rule)]
        if not any(r.fix for *_, r in found):
            continue
        # a file's own rules, as the scan calls them (the scan-wide ones re-parse with the pods anyway)
        given = [r for r in rules if not r.scan_wide]
        mine = [x for x in found if not x[0].scan_wide]
        monkeypatch.setattr(engine, "_reparse", real)
        lean = engine.verified_edits(source, given, mine, [])
        monkeypatch.setattr(engine, "_reparse", lambda *a, **k: real(*a, **{**k, "pods": True}))
        assert engine.verified_edits(source, given, mine, []) == lean, path
        compared += bool(lean)
    assert compared >= 50


def test_kept_container_processes_are_the_computed_ones(monkeypatch: pytest.MonkeyPatch) -> None:
    """A container's commands taken from `kubernetes._PROCESSES` (a file parsed again, as the fix
    verification re-parses it) are those `from_argv` computes."""
    from glmlint.parsers import kubernetes
    from glmlint.shell import from_argv

    kept = []
    for path, text in FILES:
        parse(str(path), text, "yaml", "")
        kept.append(parse(str(path), text, "yaml", ""))  # the containers' words met just before: kept
    hits = sum(1 for source in kept for w in source.workloads if w.process)
    monkeypatch.setattr(kubernetes, "_process", lambda words: from_argv(words, words[0].loc))
    for (path, text), source in zip(FILES, kept):
        assert parse(str(path), text, "yaml", "") == source, path
    assert hits >= 100
