"""A fix in one document of a multi-document Kubernetes file verified by re-parsing that document
alone (`fix.engine._OneDocument`): the same verified edits as re-parsing the whole text, on every
fixture and every corpus file it applies to."""
from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from glmlint.fix import engine
from glmlint.parsers import parse
from glmlint.registry import all_rules, select
from glmlint.runner import _result, evaluate

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "fixtures"
CORPUS = ROOT.parent / "shared" / "corpus" / "real"

STREAM = textwrap.dedent("""\
    apiVersion: apps/v1
    kind: Deployment
    metadata: {name: web}
    spec:
      template:
        spec:
          containers:
            - name: web
              image: ghcr.io/example/web:1
    ---
    apiVersion: v1
    kind: ConfigMap
    metadata: {name: settings}
    data:
      mode: prod
    ---
    apiVersion: apps/v1
    kind: Deployment
    metadata: {name: jobs}
    spec:
      template:
        spec:
          containers:
            - name: jobs
              image: ghcr.io/example/jobs:1
              securityContext:
                privileged: true
""")


def _rules():
    """The rules a pool worker verifies with: the scan-wide ones (GLM044) run in the parent."""
    return [r for r in select(all_rules()) if not r.scan_wide]


def _found(path: str, text: str):
    source = parse(path, text, "yaml", "")
    assert source is not None
    found = [(rule, f, w, _result(source, rule, f, w)) for rule in _rules() for f, w in evaluate(source, rule)]
    return source, found


@pytest.fixture(autouse=True)
def _each_fix_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    """The one-document path judges fixes verified alone: a container's fixes judged together
    (`engine._rows`, tests/test_fix_rows.py) left out."""
    monkeypatch.setattr(engine, "ROWS", False)


def _both(monkeypatch: pytest.MonkeyPatch, source, found) -> tuple[dict, dict, int]:
    """The verified edits with the one-document path, without it, and how many fixes it judged."""
    judged = []
    real = engine._OneDocument.check

    def counted(self, *args, **kwargs):
        got = real(self, *args, **kwargs)
        if got is not None:
            judged.append(got)
        return got

    monkeypatch.setattr(engine._OneDocument, "check", counted)
    fast = engine.verified_edits(source, _rules(), found, [])
    monkeypatch.setattr(engine, "ONE_DOCUMENT", False)
    whole = engine.verified_edits(source, _rules(), found, [])
    monkeypatch.setattr(engine, "ONE_DOCUMENT", True)
    return fast, whole, len(judged)


def test_one_document_gives_the_edits_of_whole_reparses(monkeypatch: pytest.MonkeyPatch) -> None:
    source, found = _found("app.yaml", STREAM)
    fast, whole, judged = _both(monkeypatch, source, found)
    assert fast == whole
    assert len(fast) >= 6  # both Deployments' hardening fixes
    assert judged >= 3  # the fixes a batch does not take


@pytest.mark.parametrize("extra", [
    # a LoadBalancer Service exposes pods across documents
    "---\napiVersion: v1\nkind: Service\nmetadata: {name: web}\n"
    "spec: {type: LoadBalancer, selector: {app: web}, ports: [{port: 80}]}\n",
    # two workloads with one label: a finding's identity could be another document's
    "---\n" + STREAM.split("---\n")[0],
])
def test_no_one_document_path_where_documents_read_each_other(extra: str, monkeypatch: pytest.MonkeyPatch) -> None:
    source, found = _found("app.yaml", STREAM + extra)
    fast, whole, judged = _both(monkeypatch, source, found)
    assert fast == whole and fast
    assert judged == 0


LISTED = textwrap.dedent("""\
    apiVersion: v1
    kind: List
    items:
      - apiVersion: v1
        kind: ServiceAccount
        metadata: {name: batch}
      - apiVersion: batch/v1
        kind: Job
        metadata: {name: batch}
        spec:
          template:
            spec:
              serviceAccountName: batch
              containers:
                - name: batch
                  image: ghcr.io/example/batch:1
""")


def test_a_document_with_rbac_is_reparsed_whole(monkeypatch: pytest.MonkeyPatch) -> None:
    # a List holding a Job and its ServiceAccount: the file-level rules read that document
    web, _config, jobs = STREAM.split("---\n")
    text = web + "---\n" + LISTED + "---\n" + jobs
    source, found = _found("app.yaml", text)
    assert [w.node_path[0] for w in source.workloads] == [0, 1, 2]
    one = engine._OneDocument.of(source, engine._Stream.of(source, engine.text_docs(source, text)[1].roots),
                                 _rules(), [])
    assert one is not None and not one._rbac_in(0) and one._rbac_in(1) and not one._rbac_in(2)
    judged: list[int] = []
    real = engine._OneDocument.check

    def which(self, f, *args, **kwargs):
        got = real(self, f, *args, **kwargs)
        if got is not None:
            judged.append(f.workload.node_path[0])
        return got

    monkeypatch.setattr(engine._OneDocument, "check", which)
    fast = engine.verified_edits(source, _rules(), found, [])
    monkeypatch.setattr(engine, "ONE_DOCUMENT", False)
    assert fast == engine.verified_edits(source, _rules(), found, [])
    assert judged and 1 not in judged
    assert any(w is source.workloads[1] and r.fix is not None for _rule, _f, w, r in found)


def _multi_document_files(root: Path):
    for path in sorted(root.rglob("*")):
        if path.suffix not in (".yaml", ".yml") or path.name == "expected.yaml" or "compose" in path.name \
                or not path.is_file() or path.is_symlink():
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        if "\n---" not in text or "containers" not in text:
            continue
        try:
            source, found = _found(str(path), text)
        except Exception:  # noqa: BLE001 - hostile and broken files: nothing to verify
            continue
        if source is None or source.format is not engine.Format.KUBERNETES or not any(r.fix for *_, r in found):
            continue
        stream = engine._Stream.of(source, engine.text_docs(source, text)[1].roots)
        if engine._OneDocument.of(source, stream, _rules(), []) is None:
            continue  # verified whole either way
        yield path, source, found


@pytest.mark.parametrize(("root", "files", "fixes"), [
    pytest.param(FIXTURES, 5, 5, id="fixtures"),
    pytest.param(CORPUS, 100, 300, id="corpus", marks=pytest.mark.skipif(
        not CORPUS.is_dir(), reason="../shared/corpus/real is not beside the checkout")),
])
def test_one_document_on_every_multi_document_file(monkeypatch: pytest.MonkeyPatch, root, files: int,
                                                  fixes: int) -> None:
    """The one-document verification and the whole file's agree on every multi-document file of
    the tree (at least `files` files and `fixes` fixes judged)."""
    compared = judged = 0
    for path, source, found in _multi_document_files(root):
        fast, whole, n = _both(monkeypatch, source, found)
        assert fast == whole, path
        compared += 1
        judged += n
    assert compared >= files and judged >= fixes


def test_the_writer_takes_the_nodes_the_scan_composed() -> None:
    from glmlint import parsers

    source = parse("app.yaml", STREAM, "yaml", "")
    assert source is not None and parsers.composed is not None
    docs = parsers.composed[1]
    _doc, ydoc = engine.text_docs(source, source.text)
    assert ydoc.roots is docs and parsers.composed is None  # taken once
    assert engine.text_docs(source, source.text)[1] is ydoc  # then kept for that text (the scan-wide call)
    engine._LAST_DOCS = None
    assert engine.text_docs(source, source.text)[1].roots is not docs  # then composed again
    # another text with the same characters is not the one composed
    assert engine.text_docs(source, "".join(list(STREAM)))[1].roots is not docs
    compose = parse("compose.yaml", "services:\n  web:\n    image: nginx\n", "compose", "")
    assert compose is not None and parsers.composed is None  # a compose file's nodes are rewritten: never kept


def test_a_document_composed_alone_has_the_lines_and_columns_of_the_whole() -> None:
    """What precedes a document composed alone (`_Stream.documents`, `_OneDocument.reparsed`) is its empty
    lines, not blanks of its length (libyaml scanned those: ~4 ms to reach the last document of a 200 KB
    CRD bundle): each node of the document has the line and column the whole text's composition gives it."""
    from glmlint.parsers import yamlnodes as y

    text = STREAM.replace("metadata: {name: jobs}", "metadata:\n  name: jobs\n  annotations: {note: '  x  '}")
    start = [m.start() for m in engine._MARKER.finditer(text)][-1]
    pad = engine._pad(text[:start])
    assert pad == "\n" * text[:start].count("\n")  # no blanks to scan
    alone, whole = y.compose_all(pad + text[start:]), y.compose_all(text)

    def marks(node):
        yield node.start_mark.line, node.start_mark.column, node.end_mark.line, node.end_mark.column
        for child in (node.value if y.is_seq(node) else [n for kv in node.value for n in kv] if y.is_map(node) else []):
            yield from marks(child)

    assert len(alone) == 1 and list(marks(alone[0])) == list(marks(whole[-1]))
