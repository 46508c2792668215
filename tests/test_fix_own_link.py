"""A file whose pods link to its own bindings or ServiceAccounts: its worker also records what the
fixes the scan-wide rules find on the pods linked with the file's own objects were judged on
(`runner._own_link_evidence`), so that the parent judges them again (`fix.engine.rejudged`) instead
of reading and verifying the file again: the same edits as `verified_edits` on the linked file, on
every fixture and corpus file with such pods, and end to end in a pooled scan."""
from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest

from glmlint import link, runner
from glmlint.fix import engine
from glmlint.link import cluster_of, links
from glmlint.parsers import parse

from .test_fix_rejudged import CORPUS, FIXTURES, POD, _binding, _found, _pod_files, _pooled_sarif, _scan_wide, _with_edits


def _own_linked(root: Path):
    """Each Kubernetes file under `root` with pods, one of which links to the file's own cluster
    objects."""
    for path, source in _pod_files(root):
        keys = tuple((p.service_account.value, p.namespace) for p in source.pods)
        if (source.bindings or source.accounts) and any(links(cluster_of([source]), name, ns, source.path)
                                                        for name, ns in keys):
            yield path, source, keys


@pytest.mark.parametrize(("root", "files", "fixes"), [
    pytest.param(FIXTURES, 3, 3, id="fixtures"),
    pytest.param(CORPUS, 15, 15, id="corpus", marks=pytest.mark.skipif(
        not CORPUS.is_dir(), reason="../shared/corpus/real is not beside the checkout")),
])
def test_own_link_evidence_gives_the_edits_of_verifying_the_linked_file(root, files: int, fixes: int) -> None:
    """The evidence of the worker (the pods as parsed, then linked with the file's own objects)
    judges the findings of the pods linked with the file's own objects, and with a binding of every
    pod's ServiceAccount to `cluster-admin` in another file besides, as `verified_edits` on the
    linked file does, or gives None (then the parent verifies as before); the pods stay as parsed."""
    compared = judged = 0
    state = SimpleNamespace(scan_wide=_scan_wide(), fix_edits=True)
    for path, source, keys in _own_linked(root):
        pods = list(source.pods)
        found = _found(source)
        evidence: list[engine.Evidence] = []
        engine.verified_edits(source, _scan_wide(), found, [], evidence=evidence)
        runner._own_link_evidence(source, state, [r for *_, r in found], keys, evidence)  # type: ignore[arg-type]
        assert source.pods == pods, path
        for others in ([], [parse("rbac.yaml", _binding(keys), "yaml", "")]):
            source.pods[:] = pods
            link.link_cluster([source, *others], targets=[source])
            linked = _found(source)
            got = engine.rejudged([r for *_, r in linked], evidence)
            if got is None:
                continue
            whole = _with_edits(linked, engine.verified_edits(source, _scan_wide(), linked, []))
            assert got == whole, path
            judged += sum(r.fix is not None for r in got)
        source.pods[:] = pods
        compared += 1
    assert compared >= files and judged >= fixes


def test_a_pooled_scan_rejudges_a_file_bound_by_itself(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A server whose ServiceAccount a binding in the same file gives `cluster-admin`: its
    worker found no GLM044 finding with the pods as parsed; the parent judges the fix again from
    what the worker recorded, with the SARIF of reading and verifying the file again."""
    pod = POD.replace("vllm/vllm-openai:v0.6.3", "nginx:1.27")  # no AI service: nothing before the link
    (tmp_path / "server.yaml").write_text(pod + "---\n" + _binding([("server", "ml")]))
    (tmp_path / "other.yaml").write_text(pod.replace("server", "other"))
    fast, calls = _pooled_sarif(tmp_path, monkeypatch)
    assert calls and all(c is not None for c in calls)
    glm044 = [r for r in fast["runs"][0]["results"] if r["ruleId"] == "GLM044"]
    assert len(glm044) == 1 and glm044[0].get("fixes") and "cluster-admin" in glm044[0]["message"]["text"]
    monkeypatch.setattr(runner, "_own_link_evidence", lambda *args: None)  # as before: read and verified again
    slow, calls = _pooled_sarif(tmp_path, monkeypatch)
    assert calls == []  # no evidence sent back: nothing to judge again
    assert slow == fast
