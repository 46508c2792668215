"""What the scan's fix verification (`fix.engine.verified_edits`) leaves out, and that it gives the
same edits: the fixes of findings the policy drops (`policy.Shown`), and the fix and intents of a
re-parse's findings (`engine._seen`)."""
from __future__ import annotations

import json
import textwrap
import zlib
from pathlib import Path

import pytest

from glmlint import policy
from glmlint.fix import engine
from glmlint.parsers import detect, parse
from glmlint.registry import all_rules, select
from glmlint.runner import _result, evaluate, scan

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


def _rules():
    return select(all_rules())


def _fixture_files():
    for path in sorted(FIXTURES.rglob("*")):
        if not path.is_file() or path.name == "expected.yaml":
            continue
        hint = detect(path.name, str(path))
        if hint in (None, "json", "sshd"):
            continue
        yield path, hint


def _found(path: str, text: str, hint: str):
    try:
        source = parse(path, text, hint, "")
    except Exception:  # noqa: BLE001 - hostile and broken fixtures: nothing to verify
        return None, []
    if source is None:
        return None, []
    return source, [(rule, f, w, _result(source, rule, f, w)) for rule in _rules() for f, w in evaluate(source, rule)]


def _some(r) -> bool:
    """A predicate that keeps about half the findings, differently in each file and rule."""
    return zlib.crc32(f"{r.path}:{r.code}:{r.line}".encode()) % 2 == 0


def test_seen_gives_the_identities_of_findings_on_every_fixture() -> None:
    """The re-parse's findings as the verification reads them: the same findings, in order, with
    the identity (`result_of`'s message) and workload of each."""
    compared = 0
    for path, hint in _fixture_files():
        source, _ = _found(str(path), path.read_text(encoding="utf-8", errors="replace"), hint)
        if source is None or source.format not in engine._HINT:
            continue
        full = engine.findings(source, _rules())
        light = engine._seen(source, _rules())
        assert [(f.identity, f.key, id(f.workload)) for f in light] == \
            [(f.identity, f.key, id(f.workload)) for f in full], path
        assert [(s.result.code, s.result.workload, s.result.message) for s in light] == \
            [(f.result.code, f.result.workload, f.result.message) for f in full]
        compared += bool(full)
    assert compared >= 100


def test_the_edits_of_the_places_shown_are_those_of_verifying_every_place(monkeypatch: pytest.MonkeyPatch) -> None:
    """`shown` leaves out the places it does not want and changes nothing for the others, batches
    included (a batch is formed from every place and run whenever one member is wanted)."""
    reparses = {"n": 0}
    real = engine._reparse

    def counted(*args, **kwargs):
        reparses["n"] += 1
        return real(*args, **kwargs)

    monkeypatch.setattr(engine, "_reparse", counted)
    compared = fewer = 0
    for path, hint in _fixture_files():
        source, found = _found(str(path), path.read_text(encoding="utf-8", errors="replace"), hint)
        if source is None or not any(r.fix for *_, r in found):
            continue
        rules = _rules()
        reparses["n"] = 0
        every = engine.verified_edits(source, rules, found, [])
        all_parses = reparses["n"]
        reparses["n"] = 0
        some = engine.verified_edits(source, rules, found, [], shown=_some)
        wanted = {engine._place(r) for *_, r in found if r.fix is not None and _some(r)}
        assert some == {i: e for i, e in every.items() if engine._place(found[i][3]) in wanted}, path
        assert reparses["n"] <= all_parses
        fewer += reparses["n"] < all_parses
        assert engine.verified_edits(source, rules, found, [], shown=lambda r: False) == {}
        compared += 1
    assert compared >= 50 and fewer >= 10


def _tree(tmp: Path) -> None:
    service = textwrap.dedent("""\
        services:
          web:
            image: ghcr.io/example/web:1
            privileged: true
          worker:
            image: ghcr.io/example/worker:1
    """)
    (tmp / "compose.yaml").write_text(service)
    (tmp / "tests").mkdir()
    (tmp / "tests" / "compose.yaml").write_text(service)
    (tmp / "docs").mkdir()
    (tmp / "docs" / "pod.yaml").write_text(textwrap.dedent("""\
        apiVersion: v1
        kind: Pod
        metadata: {name: a}
        spec:
          containers:
            - name: app
              image: ghcr.io/example/app:1
              securityContext: {privileged: true}
    """))


def test_a_scan_verifies_only_what_it_reports_and_reports_the_same(tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """Hardening findings are not reported in tests and documentation (docs/context.md): their
    fixes are not verified, and every reported finding has the edits it had when all were."""
    from glmlint.output.sarif import render

    _tree(tmp_path)
    verified: list[str] = []
    real = engine._verified_edits

    def watched(source, rules, found, images, *more, **named):
        got = real(source, rules, found, images, *more, **named)
        verified.extend(found[i][3].path + ":" + found[i][3].code for i in got)
        return got

    monkeypatch.setattr(engine, "_verified_edits", watched)
    report = scan([str(tmp_path)], _rules(), root=str(tmp_path), fix_edits=True)
    pruned = json.loads(render(report))
    pruned_verified = list(verified)
    verified.clear()
    monkeypatch.setattr(policy, "Shown", lambda config: (lambda source, r: True))
    report = scan([str(tmp_path)], _rules(), root=str(tmp_path), fix_edits=True)
    assert json.loads(render(report)) == pruned
    assert any(p.startswith("tests/") and p.endswith("GLM002") for p in verified)
    assert not any(p.startswith("tests/") and p.endswith("GLM002") for p in pruned_verified)
    assert any(p.startswith("tests/") and p.endswith("GLM003") for p in pruned_verified)  # reported there
    assert any(r.get("fixes") for r in pruned["runs"][0]["results"])
