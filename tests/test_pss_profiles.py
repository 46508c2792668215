"""The `pss-*` profiles on cases Kubernetes' fixtures do not separate (tests/pss_profiles/,
verdicts in its verdicts.yaml), the version and namespace options, and the configuration keys."""
from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner
from ruamel.yaml import YAML

from glmlint import pss
from glmlint.commands import cli
from glmlint.registry import builtin_rules
from glmlint.runner import scan

FIXTURES = Path(__file__).resolve().parent / "pss_profiles"
VERDICTS = YAML(typ="safe").load((FIXTURES / "verdicts.yaml").read_text(encoding="utf-8"))
CASES = [(name, key, codes) for name, per in VERDICTS.items() for key, codes in per.items()]


def test_every_file_has_verdicts():
    assert sorted(VERDICTS) == sorted(p.name for p in FIXTURES.glob("*.yaml") if p.name != "verdicts.yaml")


@pytest.mark.parametrize(("name", "key", "codes"), CASES, ids=[f"{n}-{k}" for n, k, _ in CASES])
def test_profile_verdict(name, key, codes):
    level, version = key.split("@")
    rules = pss.profile_rules(level, pss.parse_version(version), builtin_rules())
    report = scan([str(FIXTURES / name)], rules, root=str(FIXTURES))
    assert not report.errors
    assert sorted({r.code for r in report.results}) == sorted(codes)


def test_deployment_bare_pod_and_cronjob_give_the_same_findings_each_at_its_own_line():
    rules = pss.profile_rules("baseline", pss.LATEST, builtin_rules())
    seen = {}
    for name in ("pod.same-spec-as-deployment.yaml", "deployment.same-spec-as-bare-pod.yaml",
                 "cronjob.same-spec-nested-template.yaml"):
        report = scan([str(FIXTURES / name)], rules, root=str(FIXTURES))
        text = (FIXTURES / name).read_text().splitlines()
        seen[name] = sorted((r.code, text[r.line - 1].strip()) for r in report.results)
    assert len({tuple(v) for v in seen.values()}) == 1, seen
    assert ("GLM026", "httpGet: {host: 10.0.0.1, path: /healthz, port: 8080}") in seen["pod.same-spec-as-deployment.yaml"]


def test_pod_level_finding_is_reported_once_for_the_pod():
    rules = pss.profile_rules("restricted", pss.LATEST, builtin_rules())
    report = scan([str(FIXTURES / "pod.every-container-overrides-pod-level.yaml")], rules, root=str(FIXTURES))
    pod_level = [r for r in report.results if r.code == "GLM037"]
    assert [(r.line, r.message) for r in pod_level] == [
        (8, "Pod/overrides sets `runAsNonRoot: false` (PSS restricted: runAsNonRoot)")]


def _write(tmp_path: Path, name: str, text: str) -> Path:
    p = tmp_path / name
    p.write_text(textwrap.dedent(text).lstrip())
    return p


NAMESPACES = """
    apiVersion: v1
    kind: Namespace
    metadata:
      name: ml
      labels:
        pod-security.kubernetes.io/enforce: restricted
        pod-security.kubernetes.io/enforce-version: v1.24
    ---
    apiVersion: v1
    kind: Namespace
    metadata:
      name: tools
      labels: {pod-security.kubernetes.io/enforce: baseline}
    ---
    apiVersion: v1
    kind: Namespace
    metadata:
      name: open
      labels: {pod-security.kubernetes.io/enforce: privileged}
    """
WORKLOADS = """
    apiVersion: v1
    kind: Pod
    metadata: {name: win, namespace: ml}
    spec:
      os: {name: windows}
      securityContext: {runAsNonRoot: true}
      containers:
      - {name: app, image: "app:1"}
    ---
    apiVersion: v1
    kind: Pod
    metadata: {name: probe, namespace: tools}
    spec:
      containers:
      - name: app
        image: app:1
        ports: [{containerPort: 80, hostPort: 80}]
    ---
    apiVersion: v1
    kind: Pod
    metadata: {name: anything, namespace: open}
    spec:
      hostPID: true
      containers:
      - {name: app, image: "app:1"}
    ---
    apiVersion: v1
    kind: Pod
    metadata: {name: nowhere}
    spec:
      hostPID: true
      containers:
      - {name: app, image: "app:1"}
    """


def test_namespace_labels_pick_the_level_and_version(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    _write(tmp_path, "namespaces.yaml", NAMESPACES)
    _write(tmp_path, "pods.yaml", WORKLOADS)
    result = CliRunner().invoke(cli, ["check", "--pss-namespaces", "--select", "GLM003", "--format", "json", "."])
    import json

    found = sorted((r["line"], r["code"]) for r in json.loads(result.output))
    # ml (restricted v1.24): the Windows exemptions start at v1.25; tools (baseline): the host
    # port; open (privileged) and no namespace: not judged
    assert found == [(8, "GLM031"), (8, "GLM035"), (8, "GLM039"), (17, "GLM024")], result.output


def test_namespace_labels_read_as_the_admission_controller_reads_them():
    from glmlint.parsers import yamlnodes

    docs = yamlnodes.compose_all(textwrap.dedent(NAMESPACES) + textwrap.dedent("""
        ---
        apiVersion: v1
        kind: Namespace
        metadata:
          name: future
          labels:
            pod-security.kubernetes.io/enforce: baseline
            pod-security.kubernetes.io/enforce-version: v1.99
        ---
        apiVersion: v1
        kind: Namespace
        metadata:
          name: bad-version
          labels:
            pod-security.kubernetes.io/enforce: restricted
            pod-security.kubernetes.io/enforce-version: "1.30"
        """))
    assert pss.namespace_labels(docs) == [("ml", "restricted", 24), ("tools", "baseline", pss.LATEST),
                                          ("future", "baseline", pss.LATEST),
                                          ("bad-version", "restricted", pss.LATEST)]


def test_profile_and_version_from_the_config_and_the_command_line(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    _write(tmp_path, "pod.yaml", """
        apiVersion: v1
        kind: Pod
        metadata: {name: p}
        spec:
          securityContext:
            sysctls: [{name: net.ipv4.tcp_rmem, value: "4096 87380 6291456"}]
          containers:
          - {name: app, image: "app:1"}
        """)
    (tmp_path / ".glmlint.toml").write_text('profile = "pss-baseline"\npss-version = "v1.31"\n')
    run = CliRunner().invoke
    out = run(cli, ["check", "pod.yaml"]).output
    assert "GLM028" in out and "not allowed at v1.31" in out  # tcp_rmem is allowed from v1.32
    assert run(cli, ["check", "--pss-version", "v1.32", "pod.yaml"]).exit_code == 0
    assert run(cli, ["check", "--pss-version", "latest", "pod.yaml"]).exit_code == 0
    bad = run(cli, ["check", "--pss-version", "1.30", "pod.yaml"])
    assert bad.exit_code == 2 and "--pss-version" in bad.output
    (tmp_path / ".glmlint.toml").write_text('profile = "pss-strict"\n')
    bad = run(cli, ["check", "pod.yaml"])
    assert bad.exit_code == 2 and "`profile` must be one of essential, hardened, pss-baseline, pss-restricted" \
        in bad.output


def test_pss_rules_are_off_by_default_and_run_alone_when_selected(tmp_path):
    from glmlint.registry import select

    default = {r.code for r in select(builtin_rules())}
    assert not default & (set(pss.RULES.values()) - {"GLM003"})
    (rule,) = select(builtin_rules(), ["GLM038"])
    assert rule.params == pss.DEFAULT
