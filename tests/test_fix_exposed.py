"""The files a Service of another file exposes, checked again once every file is in
(`runner._check_exposed`): their fixes are judged as those of a file nothing exposes, the file's rules
in one call and the scan-wide ones (GLM044) in another, each re-parse exposed as the file is
(`fix.engine._reparse`'s `exposures`), so that the engine's shortcuts (a container's fixes in one
re-parse, one document re-parsed) give each fix the verdict its own re-parse gives."""
from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from glmlint import runner
from glmlint.fix import engine
from glmlint.output.sarif import render
from glmlint.registry import all_rules, select
from glmlint.runner import scan

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus" / "real"

SERVER = textwrap.dedent("""\
    apiVersion: apps/v1
    kind: Deployment
    metadata: {name: server, namespace: ml}
    spec:
      selector: {matchLabels: {app: server}}
      template:
        metadata: {labels: {app: server}}
        spec:
          serviceAccountName: server
          containers:
            - name: server
              image: vllm/vllm-openai:v0.6.3
              args: ["--model", "m", "--api-key", "$(KEY)"]
              resources: {limits: {memory: 16Gi}}
""")
# the ServiceAccount turns the token off: the linked pod mounts none (no GLM044); the pod as parsed
# alone (a fix's re-parse, which is not linked) runs vLLM with the token mounted
ACCOUNT = textwrap.dedent("""\
    apiVersion: v1
    kind: ServiceAccount
    metadata: {name: server, namespace: ml}
    automountServiceAccountToken: false
""")
BALANCER = textwrap.dedent("""\
    apiVersion: v1
    kind: Service
    metadata: {name: server, namespace: ml}
    spec:
      type: LoadBalancer
      selector: {app: server}
      ports: [{port: 8000}]
""")


def _pooled_sarif(root: Path, monkeypatch: pytest.MonkeyPatch) -> dict[tuple[str, int], object]:
    """Each result of a pooled SARIF scan of `root` (in this process: `jobs=1`), by rule and line: its
    fixes."""
    monkeypatch.setattr(runner, "POOL_MIN_FILES", 1)
    report = scan([str(root)], select(all_rules()), root=str(root), fix_edits=True, jobs=1)
    results = json.loads(render(report))["runs"][0]["results"]
    return {(r["ruleId"], r["locations"][0]["physicalLocation"]["region"]["startLine"]): r.get("fixes")
            for r in results if r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].endswith("server.yaml")}


def test_an_exposed_files_fixes_are_those_of_the_file_unexposed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A LoadBalancer Service in another file selects the pod: its container's fixes are verified as
    without that Service (before, every rule ran in one call, and each fix was refused because its
    unlinked re-parse found GLM044, which the linked pod does not have)."""
    (tmp_path / "server.yaml").write_text(SERVER)
    (tmp_path / "account.yaml").write_text(ACCOUNT)
    alone = _pooled_sarif(tmp_path, monkeypatch)
    (tmp_path / "balancer.yaml").write_text(BALANCER)
    exposed = _pooled_sarif(tmp_path, monkeypatch)
    assert {code for code, _line in alone} >= {"GLM001", "GLM002", "GLM004", "GLM007"}
    assert all(fixes for fixes in alone.values())
    assert {k: v for k, v in exposed.items() if k in alone} == alone


def test_a_small_scans_fixes_are_those_of_the_pooled_scan(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A scan under `POOL_MIN_FILES` files (most repositories) verifies its fixes as the pooled scan does:
    the file's rules alone, GLM044 once the pods are linked. Before, it ran every rule at once on the
    linked file, so each fix's unlinked re-parse found GLM044 (the ServiceAccount that turns the token off
    is in another file) and SARIF carried no fix for the container at all."""
    (tmp_path / "server.yaml").write_text(SERVER)
    (tmp_path / "account.yaml").write_text(ACCOUNT)
    for extra in ((), ("balancer.yaml", BALANCER)):
        if extra:
            (tmp_path / extra[0]).write_text(extra[1])
        with monkeypatch.context() as m:
            pooled = _pooled_sarif(tmp_path, m)
        report = scan([str(tmp_path)], select(all_rules()), root=str(tmp_path), fix_edits=True)
        results = json.loads(render(report))["runs"][0]["results"]
        small = {(r["ruleId"], r["locations"][0]["physicalLocation"]["region"]["startLine"]): r.get("fixes")
                 for r in results if r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].endswith("server.yaml")}
        assert {code for code, _line in small} >= {"GLM001", "GLM002", "GLM004", "GLM007"}
        assert all(fixes for fixes in small.values()), small
        assert small == pooled


def _exposed_tasks(root: Path, monkeypatch: pytest.MonkeyPatch) -> list[tuple]:
    """The exposed files of a pooled in-process SARIF scan of `root` as `_check_exposed` read them: the
    file (its workloads exposed, its pods linked), the Services that expose it, and the file's rules'
    findings."""
    monkeypatch.setattr(runner, "POOL_MIN_FILES", 1)
    got: list[tuple] = []
    real = runner.run_rules

    def watched(source, rules, fix_edits=False, images=(), evidence=None, exposures=None):
        if exposures is not None and not any(r.scan_wide for r in rules):
            got.append((source, list(rules), exposures))
        return real(source, rules, fix_edits, images, evidence, exposures)

    monkeypatch.setattr(runner, "run_rules", watched)
    scan([str(root)], select(all_rules()), root=str(root), fix_edits=True, jobs=1, lean=True)
    return got


@pytest.mark.skipif(not CORPUS.is_dir(), reason="../shared/corpus/real is not beside the checkout")
def test_every_exposed_corpus_file_gets_the_edits_of_each_fix_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    """On every corpus file a Service of another file exposes, the file's rules' edits with the
    engine's shortcuts are those of each fix re-parsed alone and whole (`ROWS`, `BUNDLES`,
    `ONE_DOCUMENT` off), both with the re-parses exposed as the file is."""
    from glmlint.runner import _result, evaluate

    tasks = _exposed_tasks(CORPUS, monkeypatch)
    # (49 since a Service whose directory holds pods it selects reaches those only, `link._home`: 77 before, most
    # of the others linked across repositories of the corpus, kubernetes/examples' nginx Service to argo-cd's tests)
    assert len(tasks) >= 45
    fixes = 0
    for source, rules, exposures in tasks:
        found = [(rule, f, w, _result(source, rule, f, w)) for rule in rules if rule.applies_to(source.format)
                 for f, w in evaluate(source, rule)]
        fast = engine.verified_edits(source, rules, found, [], exposures=exposures)
        with monkeypatch.context() as m:
            for flag in ("ROWS", "BUNDLES", "ONE_DOCUMENT"):
                m.setattr(engine, flag, False)
            slow = engine.verified_edits(source, rules, found, [], exposures=exposures)
        assert fast == slow, source.path
        fixes += len(fast)
    assert fixes >= 200
