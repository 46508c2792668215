"""The process pool: a pooled scan reports exactly what a serial scan reports, in the same order."""
from __future__ import annotations

import os
import textwrap
from pathlib import Path

import pytest

from glmlint import runner
from glmlint.registry import builtin_rules

REPO = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="the pool needs os.fork")


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


def _dockerfiles(tmp_path: Path, count: int) -> None:
    for i in range(count):
        (tmp_path / f"Dockerfile.{i}").write_text(f"FROM python:3.12\nUSER {1000 + i}\nCMD [\"python\"]\n")


def test_a_pooled_scan_starts_no_thread_and_imports_no_multiprocessing(tmp_path) -> None:
    """The pool is forked workers reading one pipe of tasks and each writing its outcomes on its own
    pipe, read in the parent's main thread: `multiprocessing.Pool`'s three threads in the parent woke
    at every task and outcome (and its worker handler spun, ~14,000 turns on the corpus), and its
    imports were ~10 ms of the scan's serial start."""
    import subprocess
    import sys

    _dockerfiles(tmp_path, runner.POOL_MIN_FILES + 40)
    script = textwrap.dedent(f"""\
        import sys, threading
        from glmlint import runner
        from glmlint.registry import builtin_rules
        started = []
        real = threading.Thread.start
        threading.Thread.start = lambda self: (started.append(self), real(self))[1]
        pooled = []
        real_pooled = runner._pooled
        runner._pooled = lambda *a: (pooled.append(1), real_pooled(*a))[1]
        report = runner.scan([{str(tmp_path)!r}], builtin_rules(), root={str(tmp_path)!r}, jobs=2, lean=True)
        assert pooled and report.files_scanned == {runner.POOL_MIN_FILES + 40}, report.files_scanned
        assert not started, started
        assert "multiprocessing" not in sys.modules
        assert not [m for m in sys.modules if m.startswith("multiprocessing.")]
        """)
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def test_the_pools_workers_are_reaped(tmp_path, monkeypatch) -> None:
    _dockerfiles(tmp_path, 12)
    monkeypatch.setattr(runner, "POOL_MIN_FILES", 1)
    forked = []
    real = runner._fork_worker

    def fork(*args):
        got = real(*args)
        forked.append(got[0])
        return got

    monkeypatch.setattr(runner, "_fork_worker", fork)
    report = runner.scan([str(tmp_path)], builtin_rules(), root=str(tmp_path), jobs=2)
    assert report.files_scanned == 12 and len(forked) == 2
    for pid in forked:
        with pytest.raises(ChildProcessError):
            os.waitpid(pid, os.WNOHANG)


def test_a_workers_exception_is_raised_in_the_scan_with_its_traceback(tmp_path, monkeypatch) -> None:
    """As a serial scan raises it (an internal error, not a file's problem), with where it happened."""
    _dockerfiles(tmp_path, 12)
    monkeypatch.setattr(runner, "POOL_MIN_FILES", 1)
    real = runner._check_one

    def failing(cand):
        if cand.path.endswith("Dockerfile.7"):
            raise ValueError(f"cannot check {cand.display}")
        return real(cand)

    monkeypatch.setattr(runner, "_check_one", failing)  # (the workers are forked after this)
    with pytest.raises(ValueError, match="cannot check Dockerfile.7") as raised:
        runner.scan([str(tmp_path)], builtin_rules(), root=str(tmp_path), jobs=2)
    assert "in failing" in str(raised.value.__cause__)


def test_a_worker_that_dies_ends_the_scan_with_an_error(tmp_path, monkeypatch) -> None:
    """`multiprocessing.Pool.imap` waited for ever for the outcome of a worker killed (by the
    kernel's OOM killer, say): the scan now stops with an error."""
    _dockerfiles(tmp_path, 12)
    monkeypatch.setattr(runner, "POOL_MIN_FILES", 1)
    real = runner._check_one

    def dying(cand):
        if cand.path.endswith("Dockerfile.7"):
            os._exit(9)
        return real(cand)

    monkeypatch.setattr(runner, "_check_one", dying)
    with pytest.raises(RuntimeError, match="a worker process of the scan ended unexpectedly"):
        runner.scan([str(tmp_path)], builtin_rules(), root=str(tmp_path), jobs=2)


def test_tasks_more_than_the_pipe_holds_come_in_order() -> None:
    """`_Tasks.put` queues what the pipe takes and leaves the rest to a thread (the exposed files'
    tasks carry pods and Services): every task is taken whole, in order, with its number."""
    tasks = runner._Tasks()
    try:
        first = [("a", i, "x" * 200) for i in range(3)]
        assert tasks.put(first) == 0
        many = [("b", i, "y" * (i % 500)) for i in range(5000)]  # ~1.3 MB
        assert tasks.put(many) == 3 and tasks.writer is not None
        got = [tasks.take() for _ in range(len(first) + len(many))]
        assert got == list(enumerate(first + many))
        tasks.writer.join()
    finally:
        tasks.close()


def test_no_fork_no_pool(monkeypatch) -> None:
    """Where there is no `os.fork` the scan stays serial (one worker: this process)."""
    assert runner._workers(2, 1000) == 2
    monkeypatch.delattr(os, "fork")
    assert runner._workers(2, 1000) == 1


def test_a_message_cut_short_reads_as_none() -> None:
    """A worker that ends while writing an outcome leaves a message cut short: read as None (the
    worker ended), not as an empty message to unpickle."""
    read, write = os.pipe()
    try:
        os.write(write, runner._framed(b"x" * 10)[:-4])
        os.close(write)
        write = -1
        assert runner._read_message(read) is None
    finally:
        os.close(read)
        if write >= 0:
            os.close(write)
