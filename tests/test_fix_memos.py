"""What the fix verification keeps from one re-parse or call to the next, against computing it again:
`YamlDoc.content_end` per node, `link.link`'s stamped images (`memo`), and `engine.text_docs`' last
views of a text. Each must give exactly what a fresh computation gives."""
from __future__ import annotations

from pathlib import Path

from glmlint import records
from glmlint.fix import engine
from glmlint.fix.yamledit import YamlDoc
from glmlint.link import link
from glmlint.parsers import detect, parse, yamlnodes
from glmlint.registry import all_rules, select
from glmlint.runner import _result, evaluate

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "fixtures"
CORPUS = ROOT.parent / "shared" / "corpus" / "real"


def _yaml_files() -> list[Path]:
    files = sorted(p for p in FIXTURES.rglob("*.y*ml") if p.name != "expected.yaml")
    if CORPUS.is_dir():
        files += sorted(CORPUS.rglob("*.y*ml"))[::20]
    return files


class _Unkept(YamlDoc):
    """`content_end` computed every time, its parts too."""

    def content_end(self, node, owner_key=None):  # type: ignore[no-untyped-def]
        return self._content_end(node, owner_key)


def test_content_end_kept_is_the_computed_one() -> None:
    """Every node's end, asked twice of one document (the second from the memo, with and without its
    owning key), equals the end computed without the memo."""
    compared = 0
    for path in _yaml_files():
        text = path.read_text(encoding="utf-8", errors="replace")
        try:
            roots = yamlnodes.compose_all(text)
        except Exception:  # noqa: BLE001 - hostile and broken files: nothing to edit
            continue
        kept, unkept = YamlDoc(text, roots), _Unkept(text, roots)
        pairs = []
        for node in yamlnodes._each_node(roots):
            pairs.append((node, None))
            if yamlnodes.is_map(node):
                pairs.extend((value, key) for key, value in node.value)
        for node, key in pairs:
            try:
                first = kept.content_end(node, key)
            except Exception:  # noqa: BLE001 - the same error from a fresh document, below
                continue
            assert kept.content_end(node, key) == first
            assert unkept.content_end(node, key) == first, (path, node.start_mark.line)
            compared += 1
    assert compared > 5_000


def _parsed(path: str, text: str, hint: str, disk: str):
    source = parse(path, text, hint, disk)
    assert source is not None
    source.disk_path = disk  # as the scan reads a file (`runner.read_source`)
    return source


def _compose_with_images(name: str) -> tuple[object, list[object]]:
    compose = next(p for p in FIXTURES.rglob(name))
    source = _parsed(str(compose), compose.read_text(encoding="utf-8"), "compose", str(compose))
    from glmlint.link import wanted

    images = []
    for key in sorted(wanted(source)):
        images.append(_parsed(key, Path(key).read_text(encoding="utf-8"), "dockerfile", key))
    assert images
    return source, images


def test_link_memo_gives_the_workloads_linking_afresh_gives() -> None:
    """A compose file built from a Dockerfile (one with `build.target`), linked three times with one
    memo, gets the workloads linking without it gives, each time."""
    for name in ("compose.build-target-dev-stage-root.yaml", "compose.build-target-prod-stage-nonroot.yaml"):
        source, images = _compose_with_images(name)
        text = source.text
        memo: dict = {}
        for _ in range(3):
            fresh = _parsed(source.path, text, "compose", source.disk_path)
            kept = _parsed(source.path, text, "compose", source.disk_path)
            link([fresh, *images])
            link([kept, *images], memo)
            assert fresh.workloads == kept.workloads
            assert [records.fields(w) for w in kept.workloads]
        assert memo["stamped"] or memo["targets"]


def test_the_scans_link_memo_gives_the_verification_what_a_fresh_one_gives(monkeypatch) -> None:
    """The fixes of a compose file built from Dockerfiles, verified with the memo of the scan's own link
    of the file (`runner._check_one`), get the edits verifying with a fresh memo gives; the images are
    then stamped once for the scan and the re-parses, and the link does not change them (so what the
    scan's link stamped is what a re-parse's link would stamp)."""
    import glmlint.link as linking

    calls: list[object] = []
    real = linking._target_stage
    monkeypatch.setattr(linking, "_target_stage", lambda *a, **k: calls.append(a) or real(*a, **k))
    checked = 0
    for name in ("compose.build-target-dev-stage-root.yaml", "compose.build-target-prod-stage-nonroot.yaml"):
        source, images = _compose_with_images(name)
        before = [[records.fields(w) for w in image.workloads] for image in images]
        memo: dict = {}
        link([*images, source], memo)
        assert [[records.fields(w) for w in image.workloads] for image in images] == before
        found = [(rule, f, w, _result(source, rule, f, w)) for rule in _rules() for f, w in evaluate(source, rule)]
        assert any(r.fix is not None for *_, r in found)
        calls.clear()
        shared = engine.verified_edits(source, _rules(), found, images, linking=memo)
        assert not calls  # every `build.target` stage from the scan's link
        engine.linked(images, memo)  # as `runner._check_one` hands it over
        try:
            handed = engine.verified_edits(source, _rules(), found, images)
            assert not calls
            engine.verified_edits(source, _rules(), found, list(reversed(images)) + images)  # other images
            assert calls
        finally:
            engine.linked()
        calls.clear()
        fresh = engine.verified_edits(source, _rules(), found, images)
        assert calls
        assert shared == handed == fresh and shared, name
        checked += 1
    assert checked == 2


def _rules():
    return [r for r in select(all_rules()) if not r.scan_wide]


def test_text_docs_kept_for_the_same_text_only() -> None:
    """The views of the last YAML text are given again for that very text object, never for another
    text, even an equal one; and verifying a file twice in a row gives the same edits as once."""
    path = FIXTURES / "glm001_run_as_root" / "positive" / "compose.user-root.yaml"
    source = _parsed(str(path), path.read_text(encoding="utf-8"), "compose", str(path))
    first = engine.text_docs(source, source.text)
    assert engine.text_docs(source, source.text) is first
    other = "".join(list(source.text))
    assert other == source.text and other is not source.text
    assert engine.text_docs(source, other) is not first

    checked = 0
    for path in sorted((FIXTURES / "glm002_missing_cap_drop").rglob("*.yaml"))[:20]:
        text = path.read_text(encoding="utf-8")
        try:
            source = parse(str(path), text, detect(path.name, str(path)) or "yaml", "")
        except Exception:  # noqa: BLE001 - hostile and broken fixtures: nothing to verify
            continue
        if source is None:
            continue
        found = [(rule, f, w, _result(source, rule, f, w)) for rule in _rules() for f, w in evaluate(source, rule)]
        once = engine.verified_edits(source, _rules(), found, [])
        again = engine.verified_edits(source, _rules(), found, [])  # with the views the first call kept
        engine._LAST_DOCS = None
        fresh = engine.verified_edits(source, _rules(), found, [])
        assert once == again == fresh, path
        checked += bool(once)
    assert checked >= 3


def _norm_chain(value):  # type: ignore[no-untyped-def]
    """`engine._norm` as an `isinstance` chain, value by value (what its table by class stands for)."""
    from glmlint.ir import Command, Item, Setting, User, Word

    if isinstance(value, Setting):
        return _norm_chain(value.value)
    if isinstance(value, tuple):
        return tuple(_norm_chain(v) for v in value)
    if isinstance(value, Item):
        return value.value
    if isinstance(value, User):
        return value.raw
    if isinstance(value, Command):
        return tuple(w.text for w in value.argv)
    if isinstance(value, Word):
        return value.text
    if hasattr(value, "__record__"):
        return tuple((f, _norm_chain(getattr(value, f))) for f in value.__record__.names
                     if f not in ("loc", "path", "start", "indent", "anchor", "line_locs"))
    return value


def _parsed_files():  # type: ignore[no-untyped-def]
    """(path, source) of every fixture and every 5th corpus file that parses."""
    files = sorted(p for p in FIXTURES.rglob("*") if p.is_file() and p.name != "expected.yaml")
    if CORPUS.is_dir():
        files += sorted(p for p in CORPUS.rglob("*") if p.is_file())[::5]
    for path in files:
        text = path.read_text(encoding="utf-8", errors="replace")
        try:
            source = parse(str(path), text, detect(path.name, str(path)) or "", "")
        except Exception:  # noqa: BLE001 - hostile and broken files: no workloads
            continue
        if source is not None:
            yield path, source


def test_norm_by_class_is_the_isinstance_chain() -> None:
    """`_norm` reads each value as the `isinstance` chain does, for every compared field of every
    workload of the fixtures and of every 5th corpus file."""
    compared = 0
    for path, source in _parsed_files():
        for w in source.workloads:
            for f in engine._SNAPSHOT:
                assert engine._norm(getattr(w, f)) == _norm_chain(getattr(w, f)), (path, f)
                compared += 1
    assert compared > 20_000


def test_same_is_norm_equality_on_the_comparisons_verification_makes(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """`engine._same(a, b)`, which `_verify_ir` and `_verify_batch` ask of each compared field of each
    workload of each re-parse, is `_norm(a) == _norm(b)` (what they compared before) on every
    comparison the verification makes for the fixtures and every 5th corpus file, and on each
    workload's fields against every other workload's of its file."""
    real = engine._same
    outcomes = {True: 0, False: 0}
    depth = [0]

    def checked(a, b):  # type: ignore[no-untyped-def]
        depth[0] += 1
        try:
            got = real(a, b)
        finally:
            depth[0] -= 1
        if depth[0] == 0:
            assert got == (engine._norm(a) == engine._norm(b)), (a, b)
            outcomes[got] += 1
        return got

    monkeypatch.setattr(engine, "_same", checked)
    for _path, source in _parsed_files():
        for w0 in source.workloads:
            for w1 in source.workloads:
                for f in engine._SNAPSHOT:
                    engine._same(getattr(w1, f), getattr(w0, f))
        found = [(rule, f, w, _result(source, rule, f, w)) for rule in _rules() for f, w in evaluate(source, rule)]
        if any(r.fix is not None for *_, r in found):
            engine.verified_edits(source, _rules(), found, [])
    assert outcomes[True] > 20_000 and outcomes[False] > 2_000, outcomes


def test_same_reads_a_records_plain_fields_as_norm_does() -> None:
    """`engine._same` compares a record's fields of plain classes (str, int, float, bool, None) in place:
    as `_norm` reads them, also beside a value of another class whose `_norm` is equal (a `Setting` of
    the same value) or a number equal across classes; made to fail once by comparing every plain field
    in place whatever the other side is."""
    from glmlint.ir import EnvVar, Item, Loc, Setting

    at, other = Loc(1, 1), Loc(9, 3)
    pairs = [(None, Setting(None, at)), ("a", Setting("a", other)), ("a", Item("a", at)), (True, 1), (1.0, 1),
             (0, False), ("a", "b"), (None, ""), (float("nan"), float("nan")), ("x", Setting("y", at))]
    for x, y in pairs + [(y, x) for x, y in pairs]:
        a, b = EnvVar("N", x, at), EnvVar("N", y, other)  # (`value` holds any value here)
        assert engine._same(a, b) == (engine._norm(a) == engine._norm(b)), (x, y)
