"""A scan's memory: a large scan drops each file's IR once its findings are out, serial or pooled,
and reports what a scan that keeps every file's IR reports."""
from __future__ import annotations

from glmlint import runner
from glmlint.registry import builtin_rules

from tests.test_pool import as_data, pool_runs  # noqa: F401 (a fixture)


def tree(tmp_path) -> None:
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "Dockerfile").write_text("FROM python:3.12\nCMD [\"jupyter\", \"lab\", \"--ip=0.0.0.0\"]\n")
    (tmp_path / "compose.yaml").write_text("services:\n  app:\n    build: ./app\n    privileged: true\n")
    for i in range(4):
        (tmp_path / f"k{i}.yaml").write_text(
            f"apiVersion: v1\nkind: Pod\nmetadata: {{name: p{i}}}\n"
            "spec: {containers: [{name: c, image: busybox, securityContext: {privileged: true}}]}\n")
    (tmp_path / "lb.yaml").write_text("apiVersion: v1\nkind: Service\nmetadata: {name: s}\n"
                                      "spec: {type: LoadBalancer, selector: {app: x}, ports: [{port: 80}]}\n")


def test_a_large_serial_scan_drops_each_file_s_ir(tmp_path, monkeypatch, pool_runs):  # noqa: F811
    tree(tmp_path)
    rules = builtin_rules()
    kept = runner.scan([str(tmp_path)], rules, root=str(tmp_path), jobs=1)  # small: every file's IR kept
    assert all(s.workloads for s in kept.sources if s.path != "lb.yaml")
    monkeypatch.setattr(runner, "POOL_MIN_FILES", 1)
    slim = runner.scan([str(tmp_path)], rules, root=str(tmp_path), jobs=1)
    assert not pool_runs  # checked in this process, one file after the other
    ir = {s.path for s in slim.sources if s.workloads}
    assert ir == {"compose.yaml", "app/Dockerfile"}  # only the linked ones: the service's image, kept for fixes
    assert all(isinstance(s, runner.CheckedFile) for s in slim.sources)
    assert as_data(slim) == as_data(kept)
    assert [r.code for r in slim.results if r.path == "compose.yaml"]


def test_keep_ir_keeps_every_file_s_ir(tmp_path, monkeypatch):
    tree(tmp_path)
    monkeypatch.setattr(runner, "POOL_MIN_FILES", 1)
    report = runner.scan([str(tmp_path)], builtin_rules(), root=str(tmp_path), jobs=1, keep_ir=True)
    assert all(s.workloads for s in report.sources if s.path != "lb.yaml")
    assert not any(isinstance(s, runner.CheckedFile) for s in report.sources)


def test_a_checked_file_holds_no_empty_containers_of_its_own(tmp_path, monkeypatch):
    tree(tmp_path)
    monkeypatch.setattr(runner, "POOL_MIN_FILES", 1)
    report = runner.scan([str(tmp_path)], builtin_rules(), root=str(tmp_path), jobs=1)
    plain = next(s for s in report.sources if s.path == "k0.yaml")
    assert isinstance(plain, runner.CheckedFile) and plain.pods  # a pod, for the cluster link
    empty = [plain.workloads, plain.roles, plain.bindings, plain.accounts, plain.services, plain.reads,
             plain.directives, plain.problems]
    shared = tuple()
    assert all(c is shared for c in empty)  # the one shared empty tuple: nothing allocated per file
    assert plain.pod_labels == set()  # none kept: computed (empty) when asked
