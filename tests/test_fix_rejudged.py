"""A scan-wide rule's fix judged again once the file's pods are linked (`fix.engine.rejudged`), from
what its worker's re-parse gave (`fix.engine.Evidence`), instead of reading and verifying the file
again in the parent: the same edits as `verified_edits` on the linked file, on every fixture and
corpus file with such a fix, and end to end in a pooled scan."""
from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from glmlint import link, records, runner
from glmlint.fix import engine
from glmlint.parsers import parse
from glmlint.registry import all_rules, select
from glmlint.runner import _result, evaluate, scan

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "fixtures"
CORPUS = ROOT.parent / "shared" / "corpus" / "real"


def _scan_wide():
    return [r for r in select(all_rules()) if r.scan_wide]


def _found(source):
    return [(rule, f, w, _result(source, rule, f, w)) for rule in _scan_wide() for f, w in evaluate(source, rule)]


def _with_edits(found, edits):
    return [records.replace(r, edits=edits[i]) if i in edits else r for i, (*_, r) in enumerate(found)]


def _binding(accounts) -> str:
    """A file binding `cluster-admin` to each (ServiceAccount, namespace) of `accounts`."""
    docs = []
    for n, (name, ns) in enumerate(accounts):
        where = f", namespace: {json.dumps(ns)}" if ns else ""
        docs.append(textwrap.dedent(f"""\
            apiVersion: rbac.authorization.k8s.io/v1
            kind: ClusterRoleBinding
            metadata: {{name: admin-{n}}}
            roleRef: {{apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin}}
            subjects:
              - {{kind: ServiceAccount, name: {json.dumps(name)}{where}}}
        """))
    return "---\n".join(docs)


def _pod_files(root: Path):
    """Each Kubernetes file under `root` with pods, parsed."""
    for path in sorted(root.rglob("*")):
        if path.suffix not in (".yaml", ".yml") or path.name == "expected.yaml" or not path.is_file() \
                or path.is_symlink():
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        if "containers" not in text:
            continue
        try:
            source = parse(str(path), text, "yaml", "")
        except Exception:  # noqa: BLE001 - hostile and broken files: nothing to verify
            continue
        if source is None or source.format is not engine.Format.KUBERNETES or not source.pods:
            continue
        yield path, source


def _files(root: Path):
    for path, source in _pod_files(root):
        found = _found(source)
        if any(r.fix for *_, r in found):
            yield path, source, found


def _judge_linked(source, found, evidence, accounts):
    """The edits `verified_edits` gives the file's findings once its pods link to `accounts` bound
    to `cluster-admin`, and those `rejudged` gives from `evidence` (None: some fix has none)."""
    rbac = parse("rbac.yaml", _binding(accounts), "yaml", "")
    link.link_cluster([source, rbac], targets=[source])
    linked = _found(source)
    whole = _with_edits(linked, engine.verified_edits(source, _scan_wide(), linked, []))
    return whole, engine.rejudged([r for *_, r in linked], evidence)


@pytest.mark.parametrize(("root", "files", "fixes"), [
    pytest.param(FIXTURES, 50, 100, id="fixtures"),
    pytest.param(CORPUS, 100, 200, id="corpus", marks=pytest.mark.skipif(
        not CORPUS.is_dir(), reason="../shared/corpus/real is not beside the checkout")),
])
def test_rejudged_gives_the_edits_of_verifying_the_linked_file(root, files: int, fixes: int) -> None:
    """Recording evidence changes no edit; re-judged against the same findings it gives the same
    edits; and against the findings of the pods linked to a binding (reworded messages, new
    findings), the edits `verified_edits` gives the linked file, or None when a fix to judge was
    not verified before (a pod that only the link reports)."""
    compared = judged = unknown = 0
    for path, source, found in _files(root):
        evidence: list[engine.Evidence] = []
        edits = engine.verified_edits(source, _scan_wide(), found, [], evidence=evidence)
        assert edits == engine.verified_edits(source, _scan_wide(), found, []), path
        assert engine.rejudged([r for *_, r in found], evidence) == _with_edits(found, edits), path
        pods = list(source.pods)
        reported = [(p.service_account.value, p.namespace) for p in pods if p.mounts_token()]
        # the accounts of the pods reported before linking, then of every pod
        for accounts in (reported[:1], [(p.service_account.value, p.namespace) for p in pods]):
            source.pods[:] = pods
            whole, got = _judge_linked(source, found, evidence, accounts)
            if got is None:
                unknown += 1
                continue
            assert got == whole, path
            judged += sum(r.fix is not None for r in got)
        compared += 1
    assert compared >= files and judged >= fixes and unknown < compared


POD = textwrap.dedent("""\
    apiVersion: apps/v1
    kind: Deployment
    metadata: {name: server, namespace: ml}
    spec:
      template:
        spec:
          serviceAccountName: server
          containers:
            - name: server
              image: vllm/vllm-openai:v0.6.3
""")


def _pooled_sarif(root: Path, monkeypatch: pytest.MonkeyPatch, rejudge: bool = True) -> tuple[dict, list[object]]:
    """A pooled, lean SARIF scan of `root` (as JSON data), and what each `runner._rejudged` call gave
    (`rejudge=False`: each gives None, so the file is read and verified again)."""
    from glmlint.output.sarif import render

    monkeypatch.setattr(runner, "POOL_MIN_FILES", 1)
    calls: list[object] = []

    def watched(*args):
        got = _REJUDGED(*args) if rejudge else None
        calls.append(got)
        return got

    monkeypatch.setattr(runner, "_rejudged", watched)
    report = scan([str(root)], select(all_rules()), root=str(root), fix_edits=True, lean=True)
    return json.loads(render(report)), calls


_REJUDGED = runner._rejudged


def test_a_pooled_scan_rejudges_a_linked_file_and_reports_the_same(tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """A model server whose ServiceAccount a binding in another file gives `cluster-admin`: its
    GLM044 fix is judged again in the parent, not read and verified again, with the same SARIF."""
    (tmp_path / "server.yaml").write_text(POD)
    (tmp_path / "rbac.yaml").write_text(_binding([("server", "ml")]))
    fast, calls = _pooled_sarif(tmp_path, monkeypatch)
    assert calls and all(c is not None for c in calls)
    glm044 = [r for r in fast["runs"][0]["results"] if r["ruleId"] == "GLM044"]
    assert glm044 and glm044[0].get("fixes") and "cluster-admin" in glm044[0]["message"]["text"]
    assert _pooled_sarif(tmp_path, monkeypatch, rejudge=False)[0] == fast  # read and verified again
