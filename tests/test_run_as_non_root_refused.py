"""GLM001 on a container whose effective `runAsUser` is 0 under an effective `runAsNonRoot: true`.

The kubelet refuses to create it ("container's runAsUser breaks non-root policy": kubernetes
pkg/kubelet/kuberuntime/security_context_others.go `verifyRunAsNonRoot`, at 1f671eec): it never
runs, as root or at all. The finding stays at the `runAsUser: 0` (the written uid asks for root, and
`runAsNonRoot: false`, the edit that makes it start, runs it as root), with low risk and a message
that says the kubelet refuses it; one switch (`runAsNonRoot: false`) gives the usual message and risk.
"""
from __future__ import annotations

import textwrap
from pathlib import Path

from glmlint.config import Config
from glmlint.context import EVERYWHERE
from glmlint.fix import Options, fix_report
from glmlint.registry import builtin_rules, select
from glmlint.rule import FixSafety, Kind, Risk
from glmlint.runner import scan

DEPLOYMENT = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: triton
spec:
  selector:
    matchLabels: {{app: triton}}
  template:
    metadata:
      labels: {{app: triton}}
    spec:
      securityContext:
        runAsNonRoot: {non_root}
      containers:
        - name: triton
          image: nvcr.io/nvidia/tritonserver:24.05-py3
          securityContext:
            runAsUser: 0
"""


def _results(tmp_path: Path, non_root: str):  # type: ignore[no-untyped-def]
    (tmp_path / "deployment.yaml").write_text(textwrap.dedent(DEPLOYMENT.format(non_root=non_root)))
    return scan([str(tmp_path)], select(builtin_rules(), ["GLM001"]), root=str(tmp_path),
                config=Config(contexts=EVERYWHERE)).results


def test_uid_0_under_run_as_non_root_is_refused_by_the_kubelet(tmp_path: Path) -> None:
    (r,) = _results(tmp_path, "true")
    assert (r.line, r.col) == (18, 24)
    assert "the kubelet refuses to start it" in r.message and "`runAsNonRoot: true`" in r.message
    assert r.risk is Risk.LOW and r.kind is Kind.MISCONFIGURATION
    assert r.fix is not None and r.fix.safety is FixSafety.UNSAFE
    # what the fix writes: a non-zero uid in place of the 0, at 18:24; it starts, as that user, and is not reported
    [fixed] = fix_report(scan([str(tmp_path)], select(builtin_rules(), ["GLM001"]), root=str(tmp_path),
                              config=Config(contexts=EVERYWHERE)), Options(unsafe=True))
    before = textwrap.dedent(DEPLOYMENT.format(non_root="true")).splitlines()
    after = fixed.new_text.splitlines()
    assert after[:17] == before[:17] and after[18:] == before[18:]
    assert after[17] == " " * 12 + "runAsUser: 10001"
    (tmp_path / "deployment.yaml").write_text(fixed.new_text)
    assert scan([str(tmp_path)], select(builtin_rules(), ["GLM001"]), root=str(tmp_path),
                config=Config(contexts=EVERYWHERE)).results == []


def test_uid_0_without_run_as_non_root_runs_as_root(tmp_path: Path) -> None:
    (r,) = _results(tmp_path, "false")
    assert (r.line, r.col) == (18, 24)
    assert "refuses" not in r.message and r.message.endswith("runs as root (`0`)")
    assert r.risk is not Risk.LOW and r.kind is Kind.MISCONFIGURATION
