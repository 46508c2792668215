"""A scan's memory: a large scan drops each file's IR once its findings are out, serial or pooled,
and reports what a scan that keeps every file's IR reports."""
from __future__ import annotations

import os

import pytest

from glmlint import results, runner
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


def report_data(report: runner.Report) -> dict[str, object]:
    """What every reporter reads of a report: findings (fix by title and safety), problems, counts."""
    return {"results": [(r.path, r.line, r.col, r.code, r.message, r.workload, r.cause, r.edits,
                         None if r.fix is None else (str(r.fix.safety), r.fix.title)) for r in report.results],
            "problems": report.problems, "files_scanned": report.files_scanned,
            "counts": (report.suppressed, report.baselined, report.out_of_context),
            "sources": [(s.path, s.format, s.disk_path) for s in report.sources]}


def test_a_lean_scan_reports_what_a_full_scan_reports(tmp_path, monkeypatch, pool_runs):  # noqa: F811
    tree(tmp_path)
    (tmp_path / "k0.yaml").write_text((tmp_path / "k0.yaml").read_text() + "# glmlint: ignore=GLM003\n")
    rules = builtin_rules()
    full = runner.scan([str(tmp_path)], rules, root=str(tmp_path), jobs=1)  # small: every file's IR kept
    monkeypatch.setattr(runner, "POOL_MIN_FILES", 1)
    for jobs in (1, 2):
        for edits in (False, True):
            lean = runner.scan([str(tmp_path)], rules, root=str(tmp_path), jobs=jobs, fix_edits=edits, lean=True)
            assert report_data(lean) == report_data(runner.scan([str(tmp_path)], rules, root=str(tmp_path),
                                                                jobs=jobs, fix_edits=edits))
            if not edits:
                assert report_data(lean) == report_data(full)
            assert not any(s.workloads for s in lean.sources) and not lean.linked  # no IR kept
            fixes = [r.fix for r in lean.results if r.fix is not None]
            assert fixes and all(isinstance(i, results.FixTitle) for f in fixes for i in f.intents)
            # one object per distinct fix (title and safety)
            assert len({id(f) for f in fixes}) == len({(f.title, f.safety) for f in fixes})
    assert len(pool_runs) == 4  # jobs=2: the lean scans and the full ones


def test_a_lean_fix_names_the_fix_user_as_the_full_one_does():
    from glmlint.ir import Loc, Setting
    from glmlint.rule import FIX_USER, Fix, FixSafety, set_value

    intent = set_value(Setting(None, Loc(1)), "user", FIX_USER, title=f"Set `USER {FIX_USER}`")
    fix = Fix((intent, set_value(Setting(None, Loc(2)), "x", 1, title="")), FixSafety.UNSAFE, user="2000")
    kept: dict = {}
    lean = results.lean_fix(fix, kept)
    assert (lean.title, lean.safety, lean.user) == (fix.title, fix.safety, "2000") == ("Set `USER 2000`",
                                                                                    FixSafety.UNSAFE, "2000")
    assert lean.title_for("3000") == fix.title_for("3000")
    assert results.lean_fix(fix, kept) is lean


JUPYTER_CMD = 'CMD ["jupyter"'


@pytest.mark.parametrize("case", ["plain", "ignores", "context", "suppressed", "suppressed-context", "twice",
                                  "baseline", "unused", "fix-user"])
def test_a_lean_scan_judges_each_file_as_the_end_of_a_scan_does(tmp_path, monkeypatch, case):
    """The project's policy taken file by file as findings come in (`policy.Early`) decides what the
    whole-scan policy decides: counts, one finding per root cause, unused suppressions, baseline."""
    from glmlint import baseline
    from glmlint.config import Config

    from tests.test_one_per_cause import JUPYTER
    from tests.test_one_per_cause import tree as cause_tree

    dockerfile = JUPYTER
    if case.startswith("suppressed") or case == "unused":
        dockerfile = JUPYTER.replace(JUPYTER_CMD, "# glmlint: ignore[GLM005]\n    " + JUPYTER_CMD)
    where = "tests/nb" if case.endswith("context") else "nb"
    cause_tree(tmp_path, dockerfile, dir=where, more=3)
    (tmp_path / "more").mkdir()
    tree(tmp_path / "more")  # pods, a Service, a compose file built from a Dockerfile
    (tmp_path / "more" / "k1.yaml").write_text((tmp_path / "more" / "k1.yaml").read_text()
                                               + "# glmlint: ignore[GLM003]\n# glmlint: ignore\n")
    (tmp_path / "tests").mkdir(exist_ok=True)
    (tmp_path / "tests" / "k.yaml").write_text((tmp_path / "more" / "k0.yaml").read_text())
    # pods the LoadBalancer of `more/lb.yaml` selects: checked again once every file is in
    exposed = ("apiVersion: v1\nkind: Pod\nmetadata: {name: e, labels: {app: x}}\nspec: {containers: [{name: c, "
               "image: busybox, securityContext: {privileged: true}}]}  # glmlint: ignore[GLM003]\n")
    (tmp_path / "more" / "exposed.yaml").write_text(exposed)
    (tmp_path / "tests" / "exposed.yaml").write_text(exposed)
    settings: dict = {"base": str(tmp_path), "report_unused_ignores": case == "unused"}
    if case == "ignores":
        settings["per_file_ignores"] = (("nb/Dockerfile", ("GLM005",)), ("more/k*.yaml", ("GLM003",)))
    if case.endswith("context"):
        settings["contexts"] = (("tests", ("misconfiguration",)),)
    if case == "fix-user":
        settings["fix_user"] = "2000"
    paths = [str(tmp_path)] + ([str(tmp_path / "more" / "k0.yaml")] if case == "twice" else [])
    rules = builtin_rules()
    if case == "baseline":
        recorded = runner.scan(paths, rules, root=str(tmp_path), config=Config(**settings))
        baseline.write(str(tmp_path / "b.json"), recorded.results[::2], str(tmp_path))
        settings["baseline"] = str(tmp_path / "b.json")
    config = Config(**settings)
    full = report_data(runner.scan(paths, rules, root=str(tmp_path), config=config))
    monkeypatch.setattr(runner, "POOL_MIN_FILES", 1)
    for jobs in (1, 2):
        lean = runner.scan(paths, rules, root=str(tmp_path), config=config, jobs=jobs, lean=True)
        assert report_data(lean) == full
    assert full["results"]


def test_the_scan_wide_rules_run_in_the_workers_and_again_only_where_pods_link(tmp_path, monkeypatch, pool_runs):  # noqa: F811
    """GLM044 runs in each file's worker with its pods as parsed; a file whose pods link to a binding or a
    ServiceAccount of another file is checked again, linked, from its pods kept pickled (no file read
    again); a lean scan keeps no pods once done, and reports what a scan keeping every file's IR reports."""
    tree(tmp_path)
    pod = ("apiVersion: v1\nkind: Pod\nmetadata: {{name: {name}}}\n"
           "spec: {{serviceAccountName: {sa}, containers: [{{name: c, image: vllm/vllm-openai:v0.6.0}}]}}\n")
    (tmp_path / "admin.yaml").write_text(pod.format(name="admin", sa="runner"))  # linked: cluster-admin
    (tmp_path / "alone.yaml").write_text(pod.format(name="alone", sa="nobody"))  # links to nothing
    (tmp_path / "quiet.yaml").write_text(pod.format(name="quiet", sa="quiet"))  # its account mounts no token
    (tmp_path / "rbac.yaml").write_text(
        "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata: {name: admin}\n"
        "roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin}\n"
        "subjects: [{kind: ServiceAccount, name: runner, namespace: default}]\n---\n"
        "apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: quiet}\nautomountServiceAccountToken: false\n")
    rules = builtin_rules()
    full = runner.scan([str(tmp_path)], rules, root=str(tmp_path), jobs=1)  # small: every file's IR kept
    found = {r.path: r.message for r in full.results if r.code == "GLM044"}
    assert set(found) == {"admin.yaml", "alone.yaml"} and "cluster-admin" in found["admin.yaml"], found
    again = []
    real = runner._check_exposed
    monkeypatch.setattr(runner, "_check_exposed", lambda task: again.append(task[0].display) or real(task))
    monkeypatch.setattr(runner, "POOL_MIN_FILES", 1)
    for jobs in (1, 2):
        if jobs == 2:  # what a worker runs is pickled by name
            monkeypatch.setattr(runner, "_check_exposed", real)
        lean = runner.scan([str(tmp_path)], rules, root=str(tmp_path), jobs=jobs, lean=True)
        assert report_data(lean) == report_data(full)
        assert not any(s.pods for s in lean.sources)  # the pods' keys only, while the scan ran
        pooled = runner.scan([str(tmp_path)], rules, root=str(tmp_path), jobs=jobs)
        assert report_data(pooled) == report_data(full)
        linked = {s.path: s.pods for s in pooled.sources if s.pods}
        assert linked["admin.yaml"][0].grants and linked["quiet.yaml"][0].account is not None
    assert not again  # nothing exposed by a Service of another file: no file read again
    assert len(pool_runs) == 2


@pytest.mark.skipif(not os.path.isdir("/proc/self/fd"), reason="lists the open descriptors")
def test_a_lean_scan_reads_the_parked_findings_back_as_gathered_and_closes_its_spool(tmp_path, monkeypatch,
                                                                                     pool_runs):  # noqa: F811
    """The findings of a file that waits for the link (its pods) stay pickled in the scan's spool
    until the report gathers them (`runner._Rows`, read once the link's objects are gone), as the
    scan reports them whether pooled or not; the spool's file is closed once they are read."""
    tree(tmp_path)
    rules = builtin_rules()
    full = report_data(runner.scan([str(tmp_path)], rules, root=str(tmp_path), jobs=1))  # every file's IR kept
    monkeypatch.setattr(runner, "POOL_MIN_FILES", 1)
    gathered: list[type] = []
    real = runner._gather

    def gather(report, per_source):
        gathered.extend(type(entry[0]) for entry in per_source if entry is not None)
        real(report, per_source)

    monkeypatch.setattr(runner, "_gather", gather)
    open_before = sorted(os.listdir("/proc/self/fd"))
    for jobs in (1, 2):
        assert report_data(runner.scan([str(tmp_path)], rules, root=str(tmp_path), jobs=jobs, lean=True)) == full
        assert sorted(os.listdir("/proc/self/fd")) == open_before  # the spool's file too
    assert gathered.count(runner._Rows) == 10  # the four pods' files and the linked compose file, twice
    assert len(pool_runs) == 1


def test_a_file_walked_under_a_relative_directory_has_one_string_for_its_names(tmp_path, monkeypatch):
    from glmlint.discovery import discover

    tree(tmp_path)
    monkeypatch.chdir(tmp_path)
    got = [c for c in discover(["app"], str(tmp_path)) if not isinstance(c, tuple)]
    assert [c.display for c in got] == ["app/Dockerfile"]
    assert got[0].path is got[0].display


def test_a_done_file_under_an_absolute_root_keeps_no_second_name(tmp_path, monkeypatch):
    """A tree named by an absolute path reports each file relative to the root but reads it at the
    absolute path: a done file keeps the scan's one root prefix, not a second string of its own,
    and still names its path on disk (read again for its text)."""
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "Dockerfile").write_text("FROM python:3.12\nUSER root\n")
    (tmp_path / "b.yaml").write_text("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n")
    monkeypatch.setattr(runner, "POOL_MIN_FILES", 1)
    monkeypatch.chdir(tmp_path)
    report = runner.scan([str(tmp_path)], builtin_rules(), root=str(tmp_path), jobs=1, lean=True)
    done = [s for s in report.sources if isinstance(s, runner.DoneFile)]
    assert {s.path for s in done} == {"a/Dockerfile", "b.yaml"}
    assert len({id(s._disk) for s in done}) == 1 and not isinstance(done[0]._disk, str)  # the one prefix
    for s in done:
        assert s.disk_path == str(tmp_path / s.path)
    assert "USER root" in next(s for s in done if s.path == "a/Dockerfile").text
    # a name the root does not make keeps its own path on disk
    from glmlint.ir import Format

    odd = runner.DoneFile("x/Dockerfile", Format.DOCKERFILE, "/elsewhere/Dockerfile", (), (), ("/r/",))
    assert odd.disk_path == "/elsewhere/Dockerfile" and odd._disk == "/elsewhere/Dockerfile"


@pytest.mark.parametrize("absolute", [False, True])
def test_a_lean_scan_holds_its_quiet_files_by_name_and_gives_them_as_done_files(tmp_path, monkeypatch, absolute):
    """A done file with no parse problem and no suppression comment (most of a tree) is held in a lean
    scan's `report.sources` as its format's marker, its name in a table of names each written after
    what it shares with the one before (`runner._Files`); read, iterated or indexed, it is a `DoneFile`
    of its name, format and path on disk, as a scan that keeps each file's objects gives it."""
    names = [f"team/svc{i}/conf/cm{i}.yaml" for i in range(40)] + ["z/" + "/".join(["d" * 100] * 3) + "/cm.yaml", "z/é/cm.yaml"]
    for name in names:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n")
    (tmp_path / "ignored.yaml").write_text("# glmlint: ignore=GLM003\napiVersion: v1\nkind: ConfigMap\n"
                                           "metadata: {name: c}\n")
    (tmp_path / "Dockerfile").write_text("FROM python:3.12\nUSER root\n")
    rules = builtin_rules()
    monkeypatch.chdir(tmp_path)
    # the process's markers, one per format and directory prefix, at most 64 (`_Files.quiet`): a test session's
    # earlier scans of other temporary directories fill them, after which a new prefix's files are kept whole
    monkeypatch.setattr(runner, "_QUIET", {})
    where = str(tmp_path) if absolute else "."
    full = runner.scan([where], rules, root=str(tmp_path), jobs=1)  # small: every file's objects kept
    monkeypatch.setattr(runner, "POOL_MIN_FILES", 1)
    lean = runner.scan([where], rules, root=str(tmp_path), jobs=1, lean=True)
    assert lean.sources.__class__ is runner._Files
    held = list(lean.sources.kept())
    assert sum(1 for s in held if s.__class__ is runner._Quiet) == len(names) + 1  # the Dockerfile too
    assert next(s for s in held if s.__class__ is not runner._Quiet).path == "ignored.yaml"  # its comment
    want = [(s.path, s.format, s.disk_path) for s in full.sources]
    assert [(s.path, s.format, s.disk_path) for s in lean.sources] == want
    assert [(s.path, s.format, s.disk_path) for s in (lean.sources[i] for i in range(len(want)))] == want
    assert (lean.sources[-1].path, [s.path for s in lean.sources[3:6]]) == (want[-1][0], [w[0] for w in want[3:6]])
    assert all(isinstance(s, runner.DoneFile) and not s.problems and not s.suppressions
               for s in lean.sources if s.path != "ignored.yaml")
    assert report_data(lean) == report_data(full)


def test_results_sorted_without_a_key_per_result_are_in_the_order_of_the_keyed_sort():
    import random

    from glmlint.results import LeanResult, sort_results

    rules = builtin_rules()[:4]
    rng = random.Random(12)
    for _ in range(200):
        got = [LeanResult(rng.choice(["a/b.yaml", "a-b.yaml", "a/b/c", "z"]), rng.randint(1, 4), rng.randint(1, 3),
                          rng.choice(rules), str(i)) for i in range(rng.randint(0, 30))]
        want = sorted(got, key=results.Result.sort_key)
        sort_results(got)
        assert [r.message for r in got] == [r.message for r in want]  # the same order, ties included


def test_the_text_report_s_entries_hold_a_lone_finding_as_itself_and_give_it_as_an_entry(tmp_path):
    from glmlint import digest

    rules = {r.code: r for r in builtin_rules()}
    found = [results.LeanResult("d", 3, 1, rules["GLM001"], "runs as root", workload="w"),
             results.LeanResult("d", 5, 1, rules["GLM001"], "runs as root", workload="w"),  # a repeat
             results.LeanResult("e", 1, 1, rules["GLM003"], "m")]
    got = digest.entries(found, "path")
    assert [type(e) for e in list.__iter__(got)] == [digest.Entry, results.LeanResult]  # no Entry for a lone one
    assert [(e.path, e.line, e.also, e.repeats) for e in got] == [("d", 3, [5], 1), ("e", 1, (), 0)]
    assert [e.first for e in got[:]] == [found[0], found[2]] and got[1].first is found[2]
    assert got.folded() and not got.grouped()
