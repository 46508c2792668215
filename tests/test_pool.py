"""The process pool: a pooled scan reports exactly what a serial scan reports, in the same order."""
from __future__ import annotations

import multiprocessing
import textwrap
from pathlib import Path

import pytest

from glmlint import runner
from glmlint.registry import builtin_rules

REPO = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.skipif("fork" not in multiprocessing.get_all_start_methods(),
                                reason="the pool needs the fork start method")


@pytest.fixture()
def pool_runs(monkeypatch):
    """Counts the scans that used the process pool."""
    runs = []
    real = runner._pooled

    def counted(*args, **kwargs):
        runs.append(args)
        return real(*args, **kwargs)

    monkeypatch.setattr(runner, "_pooled", counted)
    return runs


def as_data(report: runner.Report) -> dict[str, object]:
    return {
        "results": [(r.path, r.line, r.col, r.code, r.message, r.workload,
                     None if r.fix is None else (str(r.fix.safety), r.fix.title, r.fix.intents))
                    for r in report.results],
        "problems": report.problems,
        "files_scanned": report.files_scanned,
        "sources": [(s.path, s.format, s.text, s.disk_path) for s in report.sources],
    }


def test_pooled_scan_equals_serial_scan(tmp_path, monkeypatch, pool_runs):
    (tmp_path / "broken.yaml").write_text("apiVersion: v1\nkind: Pod\nspec: [\n")
    (tmp_path / "Dockerfile").write_text("FROM alpine\nONBUILD\n")
    (tmp_path / "values.yaml").write_bytes(b"\x00\x01binary")
    # problems from discovery, parsing and reading, and a file named twice (its findings once)
    paths = [str(REPO / "fixtures"), str(tmp_path / "missing"), str(tmp_path), str(REPO / "examples"),
             str(REPO / "examples" / "ml-stack" / "docker-compose.yml")]
    rules = builtin_rules()
    serial = runner.scan(paths, rules, root=str(REPO), jobs=1)
    assert not pool_runs
    monkeypatch.setattr(runner, "POOL_MIN_FILES", 1)
    pooled = runner.scan(paths, rules, root=str(REPO), jobs=2)
    assert len(pool_runs) == 1  # the pool did run
    assert len(serial.results) > 50 and serial.problems
    assert as_data(pooled) == as_data(serial)
    assert as_data(runner.scan(paths, rules, root=str(REPO), jobs=2)) == as_data(serial)


def test_pooled_scan_links_a_compose_build_to_a_scanned_dockerfile(tmp_path, monkeypatch, pool_runs):
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "Dockerfile").write_text("FROM python:3.12\nRUN pip install flask\n")
    (tmp_path / "compose.yaml").write_text(textwrap.dedent("""\
        services:
          api:
            build: ./app
            read_only: true
            cap_drop: [ALL]
          web: {image: nginx, user: "101", read_only: true, cap_drop: [ALL]}
        """))
    for i in range(6):  # more files than workers, so that the two files land in different chunks
        (tmp_path / f"pod{i}.yaml").write_text(f"apiVersion: v1\nkind: Pod\nmetadata: {{name: p{i}}}\n"
                                               "spec: {containers: [{name: c, image: busybox}]}\n")
    rules = builtin_rules()
    serial = runner.scan([str(tmp_path)], rules, root=str(tmp_path), jobs=1)
    monkeypatch.setattr(runner, "POOL_MIN_FILES", 1)
    pooled = runner.scan([str(tmp_path)], rules, root=str(tmp_path), jobs=2)
    assert pool_runs
    root = [r for r in pooled.results if r.code == "GLM001" and r.path == "compose.yaml"]
    assert len(root) == 1 and "built from `app/Dockerfile:1`" in root[0].message, root
    compose = next(s for s in pooled.sources if s.path == "compose.yaml")
    assert compose.workloads[0].user.origin == "app/Dockerfile:1"  # linked IR is kept
    assert as_data(pooled) == as_data(serial)


def test_small_scans_stay_serial(tmp_path, pool_runs):
    (tmp_path / "Dockerfile").write_text("FROM alpine\n")
    report = runner.scan([str(tmp_path)], builtin_rules(), root=str(tmp_path), jobs=2)
    assert not pool_runs and report.sources[0].workloads


def test_pooled_scan_still_gives_sarif_fixes_and_fix_edits(tmp_path, monkeypatch, pool_runs):
    import json

    from glmlint import fix as fixer
    from glmlint.output.sarif import render

    for i in range(4):
        (tmp_path / f"svc{i}").mkdir()
        (tmp_path / f"svc{i}" / "compose.yaml").write_text(f"services:\n  s{i}:\n    image: app:{i}\n")
    monkeypatch.setattr(runner, "POOL_MIN_FILES", 1)
    report = runner.scan([str(tmp_path)], builtin_rules(), root=str(tmp_path), jobs=2, fix_edits=True)
    assert pool_runs and not report.sources[0].workloads  # the pool ran: no IR came back
    results = json.loads(render(report))["runs"][0]["results"]
    fixable = [r for r in results if "glmlint/fix" in r.get("properties", {})]
    assert fixable and all(r.get("fixes") for r in fixable)
    fixes = fixer.fix_report(report, fixer.Options(unsafe=True))
    assert len([f for f in fixes if f.changed]) == 4


def test_the_pools_worker_handler_wakes_only_when_the_pool_changes(tmp_path, monkeypatch) -> None:
    """The parent's worker-handler thread waits for a worker to exit or the pool to change state, not
    for each outcome (which the result-handler thread reads): the stock `Pool`'s woke at every outcome
    and spun until it was read, ~14,000 times on the corpus (`runner._quiet_pool`)."""
    import multiprocessing.pool

    for i in range(runner.POOL_MIN_FILES + 40):
        (tmp_path / f"Dockerfile.{i}").write_text(f"FROM python:3.12\nUSER {1000 + i}\nCMD [\"python\"]\n")
    turns = []
    real = multiprocessing.pool.Pool._wait_for_updates

    def counted(*args, **kwargs):
        turns.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(multiprocessing.pool.Pool, "_wait_for_updates", staticmethod(counted))
    report = runner.scan([str(tmp_path)], builtin_rules(), root=str(tmp_path), jobs=2)
    assert report.files_scanned == runner.POOL_MIN_FILES + 40
    assert 1 <= len(turns) <= 10
