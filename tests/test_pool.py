"""The process pool: a pooled scan reports exactly what a serial scan reports, in the same order."""
from __future__ import annotations

import os
import textwrap
from pathlib import Path

import pytest

from glmlint import runner
from glmlint.registry import builtin_rules

from tests.helpers import OLLAMA_BEHIND_INGRESS

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


def test_tasks_more_than_the_pipe_holds_come_in_order() -> None:
    """`_Tasks.send` queues what the pipe takes and keeps the rest (`backlog`), written as the workers
    take tasks (`flush`): every task is taken whole, in order, with its number."""
    import select
    import threading

    tasks = runner._Tasks()
    got: list[object] = []
    many = [("b", i, "y" * (i % 500)) for i in range(5000)]  # ~1.3 MB: more than a pipe holds
    taker = threading.Thread(target=lambda: got.extend(tasks.take() for _ in range(len(many))))
    try:
        assert [tasks.send(task) for task in many] == list(range(len(many)))
        assert tasks.backlog  # the pipe did not take them all
        taker.start()
        poller = select.poll()
        poller.register(tasks.write, select.POLLOUT)
        while tasks.backlog:
            poller.poll(1000)
            tasks.flush()
        taker.join(30)
        assert got == list(enumerate(many))
    finally:
        tasks.close()
        taker.join(5)


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


def _tree(tmp_path: Path, pods: int) -> None:
    """A tree with a compose file building a Dockerfile, a Service selecting pods of other files, RBAC
    that links to some pods' ServiceAccount, unreadable and excluded files."""
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "Dockerfile").write_text("FROM python:3.12\nRUN pip install jupyter\n"
                                                 "CMD [\"jupyter\", \"notebook\", \"--NotebookApp.token=\"]\n")
    (tmp_path / "compose.yaml").write_text("services:\n  api:\n    build: ./app\n    ports: [\"8888:8888\"]\n")
    from tests.test_reach import DEPLOYMENT, SERVICE

    (tmp_path / "zz-svc.yaml").write_text(SERVICE.format(ns="ml"))
    (tmp_path / "zz-rbac.yaml").write_text(textwrap.dedent("""\
        apiVersion: rbac.authorization.k8s.io/v1
        kind: ClusterRoleBinding
        metadata: {name: admin}
        roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin}
        subjects: [{kind: ServiceAccount, name: runner, namespace: default}]
        """))
    (tmp_path / "broken.yaml").write_text("apiVersion: v1\nkind: Pod\nspec: [\n")
    (tmp_path / "skipped").mkdir()
    (tmp_path / "skipped" / "Dockerfile").write_text("FROM alpine\n")
    for i in range(pods):  # each pod's file is checked before the Service and the binding that change it
        sa = "runner" if i % 3 == 0 else "default"
        (tmp_path / f"pod{i:03}.yaml").write_text(
            DEPLOYMENT if i % 4 == 0 else
            f"apiVersion: v1\nkind: Pod\nmetadata: {{name: p{i}}}\n"
            f"spec: {{serviceAccountName: {sa}, containers: [{{name: c, image: busybox}}]}}\n")


def test_a_streamed_scan_reports_what_a_listed_scan_reports(tmp_path, monkeypatch, pool_runs) -> None:
    """A scan that names each file once and renders nothing checks the files as discovery walks to
    them (`runner._streamed`), in the pool or in this process: the same findings, problems and order
    as the scan that lists every file first (here, asked for its progress), with a pod's findings
    changed by a Service and a binding of files checked after it, and a compose file linked to the
    Dockerfile it builds."""
    from glmlint.config import Config

    _tree(tmp_path, 40)
    monkeypatch.setattr(runner, "POOL_MIN_FILES", 4)
    monkeypatch.setattr(runner, "PEEK_FILES", 8)
    config = Config(render=False, exclude=("skipped/",), base=str(tmp_path))
    streamed: list[object] = []
    real = runner._streamed
    monkeypatch.setattr(runner, "_streamed", lambda *a: (streamed.append(got := real(*a)), got)[1])
    paths = [str(tmp_path), str(tmp_path.parent / "missing")]

    def check(jobs: int, **kw: object) -> tuple[object, ...]:
        report = runner.scan(paths, builtin_rules(), root=str(tmp_path), config=config, jobs=jobs, lean=True, **kw)
        return ([(r.path, r.line, r.col, r.code, r.message) for r in report.results], report.problems,
                report.files_scanned, report.suppressed, report.out_of_context)

    listed = check(1, progress=lambda done, total: None)
    assert streamed.pop() is None
    results = listed[0]
    assert any(c == "GLM001" and p == "compose.yaml" and "built from `app/Dockerfile:1`" in m  # linked
               for p, _l, _c, c, m in results), results
    assert any(p == "pod000.yaml" and m.endswith("(the Service is in `zz-svc.yaml:7`)")  # exposed later
               for p, _l, _c, _code, m in results)
    assert any(p == "pod003.yaml" and c == "GLM044" for p, _l, _c, c, _m in results)  # bound later
    assert not any(p.startswith("skipped/") for p, *_ in results)
    for jobs in (1, 2):
        assert check(jobs) == listed
        assert streamed.pop()[1] is not None  # streamed
    assert len(pool_runs) == 1


def test_given_paths_that_may_name_a_file_twice_are_listed() -> None:
    """A file met twice waits for the whole scan: a scan whose paths overlap lists its files first."""
    assert runner._overlap(["a", "b/c", "./a/d"])
    assert runner._overlap(["x", "x"])
    assert not runner._overlap(["a", "ab", "b/c", "b/cd"])


def test_the_spool_gives_back_what_was_put(tmp_path, monkeypatch) -> None:
    """A lean scan's pickled pods wait in a temporary file (`runner._Spool`), read back in any order,
    more put after a read; where no temporary file can be made, in memory."""
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    spool = runner._Spool()
    items = [bytes([i % 256]) * (i * 997 % 70_000) for i in range(40)]  # more than one write's worth
    handles = [spool.put(b) for b in items[:30]]
    assert spool.fd >= 0 and not any(isinstance(h, bytes) for h in handles)
    assert [spool.get(h) for h in reversed(handles)] == items[:30][::-1]
    handles += [spool.put(b) for b in items[30:]]
    assert [spool.get(h) for h in handles] == items
    spool.close()
    assert not list(tmp_path.iterdir())  # (a file of no name)
    monkeypatch.setenv("TMPDIR", str(tmp_path / "missing"))
    memory = runner._Spool()
    assert memory.put(b"pods") == b"pods" and memory.get(b"pods") == b"pods" and memory.fd < 0


def test_a_spool_whose_file_refuses_a_write_keeps_the_rest_in_memory(tmp_path, monkeypatch) -> None:
    """A full or size-limited $TMPDIR must not end the scan: what the file refused, and everything put
    after, is kept in memory and given back as put."""
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    spool = runner._Spool()
    real_write, calls = os.write, []

    def write(fd, data):  # the first write goes through, part of the second, then the disk is full
        calls.append(len(data))
        if len(calls) == 1:
            return real_write(fd, data)
        if len(calls) == 2:
            return real_write(fd, bytes(data[:1000]))
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(runner.os, "write", write)
    items = [bytes([i % 256]) * (i * 997 % 70_000 + 1) for i in range(40)]
    handles = [spool.put(b) for b in items]
    assert spool.failed and spool.written > 0 and len(calls) >= 3
    assert any(isinstance(h, bytes) for h in handles)  # put after the failure: the bytes themselves
    assert [spool.get(h) for h in reversed(handles)] == items[::-1]
    spool.close()


@pytest.mark.parametrize(("round", "how"), [("files", "SIGKILL"), ("exposed", "SIGKILL"), ("files", "exit")])
def test_a_worker_that_dies_loses_nothing(tmp_path, monkeypatch, capfd, round, how) -> None:
    """A worker killed (SIGKILL, as the kernel's OOM killer does) or ended in the middle of the scan:
    the scan goes on in this process and reports exactly what a serial scan reports, with one line
    on standard error (it was a traceback and status 1; before that, `multiprocessing.Pool.imap`
    waited for ever). In the exposed round too (the files a Service of another file selects, checked
    again once every file is in)."""
    import signal

    _dockerfiles(tmp_path, 40)
    (tmp_path / "svc.yaml").write_text("apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec: {type: "
                                       "LoadBalancer, selector: {app: web}, ports: [{port: 80, targetPort: 11434}]}\n")
    (tmp_path / "pod.yaml").write_text("apiVersion: v1\nkind: Pod\nmetadata: {name: web, labels: {app: web}}\nspec: "
                                       "{containers: [{name: c, image: 'ollama/ollama:0.5.7', ports: [{containerPort: 11434}]}]}\n")
    rules = builtin_rules()
    serial = runner.scan([str(tmp_path)], rules, root=str(tmp_path), jobs=1)
    monkeypatch.setattr(runner, "POOL_MIN_FILES", 1)
    parent = os.getpid()
    again = []
    name = "Dockerfile.17" if round == "files" else "pod.yaml"
    real = runner._check_one if round == "files" else runner._check_exposed

    def dying(task):
        cand = task if round == "files" else task[0]
        if cand.path.endswith(name):
            if os.getpid() != parent:  # in a worker
                if how == "SIGKILL":
                    os.kill(os.getpid(), signal.SIGKILL)
                os._exit(9)
            again.append(cand.path)  # checked again in this process
        return real(task)

    monkeypatch.setattr(runner, "_check_one" if round == "files" else "_check_exposed", dying)
    capfd.readouterr()
    pooled = runner.scan([str(tmp_path)], rules, root=str(tmp_path), jobs=2)
    err = capfd.readouterr().err
    assert again == [str(tmp_path / name)]
    assert err == (f"glmlint: a worker process of the scan {'was killed by SIGKILL' if how == 'SIGKILL' else 'ended with status 9'}; "
                   "the scan goes on in this process (nothing is lost)\n")
    assert pooled.files_scanned == 42
    assert as_data(pooled) == as_data(serial)
    assert any(r.code == "GLM017" and "(the Service is in `svc.yaml:4`)" in r.message for r in pooled.results)


def test_the_routes_to_services_of_other_files_are_worked_out_by_the_workers(tmp_path, monkeypatch, pool_runs) -> None:
    """`link.routed` (an Ingress's Service in a file beside its own) in a pool: the route files are split
    between the workers (`_Pool.routed`), who read and compose the files close to them; the scan reports
    what a serial scan reports."""
    app, ingress = OLLAMA_BEHIND_INGRESS.rsplit("---\n", 1)  # the Deployment and its Service; the Ingress
    for i in range(5):
        (tmp_path / f"team{i}" / "deploy").mkdir(parents=True)
        (tmp_path / f"team{i}" / "app.yaml").write_text(app)
        # one route beside its Service, one in the directory below it (close: its parent's)
        (tmp_path / f"team{i}" / ("ingress.yaml" if i % 2 else "deploy/ingress.yaml")).write_text(ingress)
        (tmp_path / f"team{i}" / "pod.yaml").write_text(f"apiVersion: v1\nkind: Pod\nmetadata: {{name: p{i}}}\n"
                                                       "spec: {containers: [{name: c, image: busybox}]}\n")
    runs = []
    real = runner._Pool.routed

    def counted(self, plan, *more):
        runs.append([path for path, _mine, _near in plan])
        return real(self, plan, *more)

    monkeypatch.setattr(runner._Pool, "routed", counted)
    rules = builtin_rules()
    serial = runner.scan([str(tmp_path)], rules, root=str(tmp_path), jobs=1)
    assert sorted({r.path for r in serial.results if r.code == "GLM017"}) == [f"team{i}/app.yaml" for i in range(5)]
    monkeypatch.setattr(runner, "POOL_MIN_FILES", 1)
    assert as_data(runner.scan([str(tmp_path)], rules, root=str(tmp_path), jobs=2)) == as_data(serial)
    # as `glmlint check` scans (lean), each file checked in this process as a worker does, and pooled
    alone = runner.scan([str(tmp_path)], rules, root=str(tmp_path), jobs=1, lean=True)
    assert len(runs) == 1 and len(pool_runs) == 1  # (not pooled: its routes worked out here)
    assert as_data(runner.scan([str(tmp_path)], rules, root=str(tmp_path), jobs=2, lean=True)) == as_data(alone)
    assert len(pool_runs) == 2 and len(runs) == 2 and len(runs[0]) == len(runs[1]) == 5


@pytest.mark.parametrize("lean", [True, False])
def test_the_routes_round_reads_no_file_whose_parse_met_no_routed_object(tmp_path, monkeypatch, lean) -> None:
    """The files close to a route file are read again and composed for the objects a route may be completed
    by (`kubernetes.routed_objects`): a file whose own parse met none (a Deployment alone, a ConfigMap
    whose text says `Service`) is marked so by its worker (`kubernetes.unrouted`: a quiet file's `_Quiet`
    marker, a checked one's class) and not read again; the Service beside them is, and completes the
    Ingress's route to the Deployment's pods as before."""
    from glmlint.parsers import kubernetes

    deployment, service, ingress = OLLAMA_BEHIND_INGRESS.split("---\n")
    (tmp_path / "deploy.yaml").write_text(deployment)
    (tmp_path / "svc.yaml").write_text(service)
    (tmp_path / "ingress.yaml").write_text(ingress)
    (tmp_path / "cm.yaml").write_text("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: notes, namespace: llm}\n"
                                      "data: {note: the Service is ollama}\n")
    read = []
    real = kubernetes.routed_objects

    def spied(text):
        read.append(text)
        return real(text)

    monkeypatch.setattr(kubernetes, "routed_objects", spied)
    monkeypatch.setattr(runner, "POOL_MIN_FILES", 1)  # (each file checked as a worker checks it, in this process)
    report = runner.scan([str(tmp_path)], builtin_rules(), root=str(tmp_path), jobs=1, lean=lean)
    assert [r.path for r in report.results if r.code == "GLM017"] == ["deploy.yaml"]
    assert service in read and ingress in read
    assert deployment not in read and (tmp_path / "cm.yaml").read_text() not in read


def test_a_lean_scans_workers_judge_the_findings_as_the_end_of_the_scan_would(tmp_path, monkeypatch,
                                                                              pool_runs) -> None:
    """A lean scan's workers judge each file's findings (`policy.Early.apart`) and send only those the
    project reports: the same findings, counts of silenced and out-of-context ones, and unused
    suppressions as a scan that judges them all at its end, with suppression comments used and unused,
    `per-file-ignores`, files in the tests and documentation contexts, a pod's file whose findings are
    worked out again once a Service of another file selects it, and a file met twice."""
    from glmlint.config import Config

    _tree(tmp_path, 24)
    pod = "apiVersion: v1\nkind: Pod\nmetadata: {{name: q{i}, labels: {{app: {app}}}}}\n{comment}\n" \
          "spec: {{containers: [{{name: c, image: busybox}}]}}\n"
    for i, comment in enumerate(["# glmlint: ignore", "# glmlint: ignore[GLM001]", "# glmlint: ignore[GLM999, GLM003]",
                                 "# nothing"]):  # (the first two selected by no Service, the others by `web`)
        (tmp_path / f"sup{i}.yaml").write_text(pod.format(i=i, comment=comment, app="db" if i < 2 else "web"))
    # a compose service built from a Dockerfile whose own finding is silenced there: not reported twice
    (tmp_path / "quiet").mkdir()
    (tmp_path / "quiet" / "Dockerfile").write_text(
        "FROM python:3.12-slim\nRUN pip install jupyterlab && useradd -u 1000 nb\nUSER 1000\n# glmlint: ignore\n"
        "CMD [\"jupyter\", \"lab\", \"--ip=0.0.0.0\", \"--ServerApp.token=\"]\n")
    (tmp_path / "quiet" / "compose.yaml").write_text("services:\n  nb:\n    build: .\n    ports: [\"8888:8888\"]\n")
    (tmp_path / "svc-web.yaml").write_text(
        "apiVersion: v1\nkind: Service\nmetadata: {name: web}\n"
        "spec: {type: LoadBalancer, selector: {app: web}, ports: [{port: 80}]}\n")
    for where in ("tests", "docs", "ignored"):
        (tmp_path / where).mkdir()
        (tmp_path / where / "Dockerfile").write_text("FROM python:3.12\nRUN pip install jupyter\n"
                                                     "CMD [\"jupyter\", \"notebook\", \"--NotebookApp.token=\"]\n")
    monkeypatch.setattr(runner, "POOL_MIN_FILES", 4)
    monkeypatch.setattr(runner, "PEEK_FILES", 8)
    config = Config(render=False, base=str(tmp_path), report_unused_ignores=True,
                    per_file_ignores=(("ignored/*", ("GLM005",)), ("sup3.yaml", ("GLM001",))))
    judged: list[int] = []
    from glmlint.policy import Early

    real = Early.apart

    def apart(self, source, results):  # (counted in this process: `jobs=1` checks the files here)
        judged.append(len(results))
        return real(self, source, results)

    monkeypatch.setattr("glmlint.policy.Early.apart", apart)

    def check(paths: list[str], jobs: int, lean: bool) -> tuple[object, ...]:
        report = runner.scan(paths, builtin_rules(), root=str(tmp_path), config=config, jobs=jobs, lean=lean)
        return ([(r.path, r.line, r.col, r.code, r.message) for r in report.results], report.problems,
                report.files_scanned, report.suppressed, report.out_of_context)

    for paths in ([str(tmp_path)], [str(tmp_path), str(tmp_path / "sup0.yaml")]):
        judged.clear()
        whole = check(paths, 1, False)  # every finding judged at the end of the scan (`policy.apply`)
        assert not judged
        results = whole[0]
        assert whole[3] and whole[4], whole  # silenced, and not reported in their context
        assert any(p == "sup2.yaml" and c == "GLM100" for p, _l, _c, c, _m in results), results  # an unused one
        assert not any(p == "sup1.yaml" and c == "GLM001" for p, _l, _c, c, _m in results)
        assert not any(p.startswith("ignored/") and c == "GLM005" for p, _l, _c, c, _m in results)
        assert not any(p.startswith("quiet/") and c == "GLM005" for p, _l, _c, c, _m in results)
        assert check(paths, 1, True) == whole
        assert sum(judged) > len(results) / 2  # judged where they were found
        assert check(paths, 2, True) == whole
    assert len(pool_runs) == 2


def test_a_runtime_run_by_a_trainjob_of_another_file_is_reported_pooled_as_serial(tmp_path, monkeypatch, pool_runs) -> None:
    """A ClusterTrainingRuntime's `node` container is given its memory limit by each TrainJob that runs it
    (`trainer.resourcesPerNode`); a TrainJob of another file that writes none reports it (`RUNTIME_RUN`,
    linked as a Service of another file is): the same in a pool, and in a lean scan, as in a serial one."""
    (tmp_path / "platform").mkdir()
    (tmp_path / "platform" / "runtime.yaml").write_text(textwrap.dedent("""\
        apiVersion: trainer.kubeflow.org/v1alpha1
        kind: ClusterTrainingRuntime
        metadata: {name: shared-torch}
        spec:
          mlPolicy: {numNodes: 1, torch: {numProcPerNode: auto}}
          template:
            spec:
              replicatedJobs:
                - name: node
                  template:
                    metadata: {labels: {trainer.kubeflow.org/trainjob-ancestor-step: trainer}}
                    spec:
                      template:
                        spec:
                          containers:
                            - {name: node, image: "pytorch/pytorch:2.7.1-cuda12.8-cudnn9-runtime"}
        """))
    for i in range(5):
        (tmp_path / f"team{i}").mkdir()
        memory = "" if i == 3 else ", memory: 64Gi"  # one team's TrainJob writes no memory limit
        (tmp_path / f"team{i}" / "trainjob.yaml").write_text(textwrap.dedent(f"""\
            apiVersion: trainer.kubeflow.org/v1alpha1
            kind: TrainJob
            metadata: {{name: job{i}, namespace: team{i}}}
            spec:
              runtimeRef: {{name: shared-torch}}
              trainer: {{image: "ghcr.io/acme/train:1.0", resourcesPerNode: {{limits: {{nvidia.com/gpu: 1{memory}}}}}}}
            """))
    rules = [r for r in builtin_rules() if r.code == "GLM012"]
    serial = runner.scan([str(tmp_path)], rules, root=str(tmp_path), jobs=1)
    assert [(r.path, r.line) for r in serial.results] == [("platform/runtime.yaml", 16)]
    monkeypatch.setattr(runner, "POOL_MIN_FILES", 1)
    assert as_data(runner.scan([str(tmp_path)], rules, root=str(tmp_path), jobs=2)) == as_data(serial)
    alone = runner.scan([str(tmp_path)], rules, root=str(tmp_path), jobs=1, lean=True)
    assert [(r.path, r.line) for r in alone.results] == [("platform/runtime.yaml", 16)]
    assert as_data(runner.scan([str(tmp_path)], rules, root=str(tmp_path), jobs=2, lean=True)) == as_data(alone)
    assert len(pool_runs) == 2


_CLUSTER_TGI = """\
    apiVersion: serving.kserve.io/v1alpha1
    kind: ClusterServingRuntime
    metadata: {name: tgi}
    spec:
      supportedModelFormats: [{name: huggingface}]
      containers:
        - {name: kserve-container, image: "ghcr.io/huggingface/text-generation-inference:3.3.4"}
    """


@pytest.mark.parametrize("runtime_ns, isvc_ns, where, reported", [
    ("llm", "llm", "platform", False),  # the namespace's ServingRuntime `tgi` is what KServe runs
    ("llm-eval", "llm", "platform", True),  # one switch: none in the InferenceService's namespace
    ("llm", "llm", "app", False),  # the namespace's runtime beside the InferenceService, in its file
    (None, None, "app", False),  # neither namespace written: applied together, into one namespace
])
def test_a_namespace_serving_runtime_wins_over_the_cluster_one_of_its_name(
        tmp_path, monkeypatch, pool_runs, runtime_ns, isvc_ns, where, reported) -> None:
    """KServe gets the ServingRuntime of the InferenceService's namespace first and the ClusterServingRuntime
    of that name only when there is none (kserve utils.go `GetServingRuntime`, at aaac4e29): the cluster
    runtime's container, with no memory limit, is not what an InferenceService runs that names `tgi` in a
    namespace whose own `tgi` (with a limit) the scan has, in a file of its own or the InferenceService's."""
    (tmp_path / "platform").mkdir()
    (tmp_path / "app").mkdir()
    (tmp_path / "platform" / "cluster-runtime.yaml").write_text(textwrap.dedent(_CLUSTER_TGI))
    namespaced = _namespaced_tgi(runtime_ns)
    meta = f"{{name: chat, namespace: {isvc_ns}}}" if isvc_ns else "{name: chat}"
    isvc = textwrap.dedent(f"""\
        apiVersion: serving.kserve.io/v1beta1
        kind: InferenceService
        metadata: {meta}
        spec:
          predictor:
            model: {{runtime: tgi, modelFormat: {{name: huggingface}}, storageUri: "hf://Qwen/Qwen2.5-7B-Instruct"}}
        """)
    if where == "app":
        (tmp_path / "app" / "isvc.yaml").write_text(namespaced + "---\n" + isvc)
    else:
        (tmp_path / "platform" / "runtime.yaml").write_text(namespaced)
        (tmp_path / "app" / "isvc.yaml").write_text(isvc)
    _glm012_everywhere(tmp_path, monkeypatch, "app", [("platform/cluster-runtime.yaml", 7)] if reported else [])
    assert len(pool_runs) == 2


def _namespaced_tgi(namespace: str | None) -> str:
    """The ServingRuntime `tgi` of `namespace` (none: unwritten), its container with a memory limit."""
    meta = f"{{name: tgi, namespace: {namespace}}}" if namespace else "{name: tgi}"
    return textwrap.dedent(f"""\
        apiVersion: serving.kserve.io/v1alpha1
        kind: ServingRuntime
        metadata: {meta}
        spec:
          supportedModelFormats: [{{name: huggingface}}]
          containers:
            - name: kserve-container
              image: "ghcr.io/huggingface/text-generation-inference:3.3.4"
              resources: {{limits: {{memory: 48Gi}}}}
        """)


def _glm012_everywhere(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, folder: str,
                       want: list[tuple[str, int]]) -> None:
    """GLM012 on `tmp_path` (with three more files in `folder`, enough for a pool) finds `want` in a serial, a
    pooled and a lean scan alike."""
    for i in range(3):
        (tmp_path / folder / f"cm{i}.yaml").write_text(f"apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: c{i}}}\n")
    rules = [r for r in builtin_rules() if r.code == "GLM012"]
    serial = runner.scan([str(tmp_path)], rules, root=str(tmp_path), jobs=1)
    assert [(r.path, r.line) for r in serial.results] == want
    monkeypatch.setattr(runner, "POOL_MIN_FILES", 1)
    assert as_data(runner.scan([str(tmp_path)], rules, root=str(tmp_path), jobs=2)) == as_data(serial)
    alone = runner.scan([str(tmp_path)], rules, root=str(tmp_path), jobs=1, lean=True)
    assert [(r.path, r.line) for r in alone.results] == want
    assert as_data(runner.scan([str(tmp_path)], rules, root=str(tmp_path), jobs=2, lean=True)) == as_data(alone)


@pytest.mark.parametrize("runtime_ns, other_isvc_ns, reported", [
    ("llm", None, False),  # the InferenceService beside the cluster runtime runs the namespace's `tgi`
    ("llm-eval", None, True),  # one switch: no `tgi` in its namespace: the cluster runtime, no memory limit
    ("llm", "research", True),  # a second InferenceService of the file, in a namespace with no `tgi`, runs it
    ("llm", "llm", False),  # both in the namespace whose own `tgi` the scan has
])
def test_a_namespace_serving_runtime_of_another_file_wins_over_the_cluster_one_beside_the_isvc(
        tmp_path, monkeypatch, pool_runs, runtime_ns, other_isvc_ns, reported) -> None:
    """A platform repo's file with a ClusterServingRuntime and the InferenceService that runs it, and the
    namespace's own ServingRuntime of that name (with a memory limit) in another file: KServe gets the
    namespaced one first (kserve utils.go `GetServingRuntime`, at aaac4e29), so the cluster runtime's
    container is not run by that InferenceService, although the parse of its file, alone, saw it run."""
    (tmp_path / "serving").mkdir()
    (tmp_path / "llm").mkdir()
    isvc = textwrap.dedent("""\
        apiVersion: serving.kserve.io/v1beta1
        kind: InferenceService
        metadata: {{name: {name}, namespace: {ns}}}
        spec:
          predictor:
            model: {{runtime: tgi, modelFormat: {{name: huggingface}}, storageUri: "hf://Qwen/Qwen2.5-7B-Instruct"}}
        """)
    text = textwrap.dedent(_CLUSTER_TGI) + "---\n" + isvc.format(name="chat", ns="llm")
    if other_isvc_ns:
        text += "---\n" + isvc.format(name="eval", ns=other_isvc_ns)
    (tmp_path / "serving" / "tgi.yaml").write_text(text)
    (tmp_path / "llm" / "runtime.yaml").write_text(_namespaced_tgi(runtime_ns))
    _glm012_everywhere(tmp_path, monkeypatch, "llm", [("serving/tgi.yaml", 7)] if reported else [])
    assert len(pool_runs) == 2
