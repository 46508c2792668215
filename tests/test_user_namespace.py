"""A pod with `hostUsers: false` runs in its own user namespace (KEP-127).

Its uid 0 is an unprivileged uid on the node: GLM001 (run-as-root, whose meaning
is unchanged: the container's effective user is root) still reports it, as a
low-risk hardening finding whose message says why; the Pod Security admission
controller exempts such pods from runAsNonRoot/runAsUser from policy v1.35
(`policy/helpers.go` `relaxPolicyForUserNamespacePod`; before v1.35 only behind the
alpha `UserNamespacesPodSecurityStandards` gate, off by default), which GLM037/GLM038
follow.
"""
from __future__ import annotations

import textwrap
from pathlib import Path

from glmlint.config import Config
from glmlint.context import EVERYWHERE
from glmlint.registry import builtin_rules, select
from glmlint.rule import Kind, Risk
from glmlint.runner import scan

POD = """\
apiVersion: v1
kind: Pod
metadata:
  name: builder
spec:
  hostUsers: {host_users}
  containers:
    - name: buildkit
      image: moby/buildkit:v0.16.0-rootless
      securityContext:
        runAsUser: 0
    - name: sidecar
      image: ghcr.io/acme/sidecar:1.0
"""


def _scan(tmp_path: Path, host_users: str, codes: list[str], version: str | None = None):  # type: ignore[no-untyped-def]
    (tmp_path / "pod.yaml").write_text(textwrap.dedent(POD.format(host_users=host_users)))
    if version is None:
        config, rules = Config(contexts=EVERYWHERE), select(builtin_rules(), codes)
    else:  # the profile judges at that PSS version
        config = Config(contexts=EVERYWHERE, profile="pss-restricted", pss_version=version)
        rules = config.rules(builtin_rules(), select=codes)
    return scan([str(tmp_path)], rules, root=str(tmp_path), config=config).results


def test_root_in_a_user_namespace_is_low_risk_hardening(tmp_path: Path) -> None:
    got = {(r.line, r.col): r for r in _scan(tmp_path, "false", ["GLM001"])}
    assert set(got) == {(11, 20), (12, 7)}
    for r in got.values():
        assert r.risk is Risk.LOW and r.kind is Kind.HARDENING, r
        assert "user namespace" in r.message and "`hostUsers: false`" in r.message
        assert r.fix is not None  # runAsUser 10001 still applies


def test_root_on_the_host_user_namespace_keeps_its_risk(tmp_path: Path) -> None:
    for host_users in ("true", "null"):
        got = {(r.line, r.col): r for r in _scan(tmp_path, host_users, ["GLM001"])}
        assert got[(11, 20)].risk is Risk.MEDIUM and got[(11, 20)].kind is Kind.MISCONFIGURATION
        assert all("user namespace" not in r.message for r in got.values())


def test_pss_run_as_checks_exempt_user_namespaces_from_v1_35(tmp_path: Path) -> None:
    assert not _scan(tmp_path, "false", ["GLM037", "GLM038"], "v1.35")
    assert {r.code for r in _scan(tmp_path, "false", ["GLM037", "GLM038"], "v1.34")} == {"GLM037", "GLM038"}
    assert {r.code for r in _scan(tmp_path, "true", ["GLM037", "GLM038"], "v1.35")} == {"GLM037", "GLM038"}
