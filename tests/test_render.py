"""Helm charts and Kustomize overlays are rendered with the real renderers and checked as deployed.

Helm: Helm's Go SDK in process (PyPI `helm-python-sdk`, in the `test` extra), or a
`helm` binary when one is on PATH. Kustomize: `kubectl kustomize` (on these
machines and in CI) or `kustomize`. Findings must point at the template line that
produced the setting and the values line its value came from; at the base
resource's line or at the patch that set the value.
"""
from __future__ import annotations

import json
import os
import shutil
import sys
from pathlib import Path

import pytest

from glmlint.cli import main

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "render"

needs_kustomize = pytest.mark.skipif(shutil.which("kubectl") is None and shutil.which("kustomize") is None,
                                     reason="neither kubectl nor kustomize is on PATH")


def _helm_available() -> bool:
    if shutil.which("helm"):
        return True
    try:
        import helm_python  # noqa: F401
    except ImportError:
        return False
    return True


needs_helm = pytest.mark.skipif(not _helm_available(), reason="no Helm renderer (pip install '.[test]')")


def run(cwd: Path, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, list[str]]:
    old = os.getcwd()
    os.chdir(cwd)
    try:
        try:
            main(["check", *args])
            code = 0
        except SystemExit as exc:
            code = int(exc.code or 0)
    finally:
        os.chdir(old)
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err and "internal error" not in out + err
    return code, out, err.splitlines()


def findings(cwd: Path, capsys: pytest.CaptureFixture[str], *args: str) -> list[dict]:
    code, out, err = run(cwd, capsys, "--format", "json", *args)
    assert code in (0, 1), err
    return json.loads(out)


def at(results: list[dict]) -> set[tuple[str, str, int, int]]:
    return {(r["code"], r["path"], r["line"], r["column"]) for r in results}


@pytest.fixture
def chart(tmp_path: Path) -> Path:
    shutil.copytree(FIXTURES / "inference", tmp_path / "inference")
    return tmp_path


# -- Helm ------------------------------------------------------------------------------


@needs_helm
def test_chart_findings_point_at_the_template_line_and_the_values_line(chart, capsys):
    results = findings(chart, capsys, ".")
    assert at(results) == {
        # hard-coded in the template: the value's own column
        ("GLM009", "inference/templates/deployment.yaml", 11, 20),
        # the same line makes vLLM (no API key) reachable on the node's interfaces
        ("GLM017", "inference/templates/deployment.yaml", 11, 20),
        # an absent setting: the container's `- name:` line in the template
        ("GLM007", "inference/templates/deployment.yaml", 13, 9),
        # from values.yaml through `{{- toYaml . | nindent 12 }}` in a `with` block
        ("GLM003", "inference/templates/deployment.yaml", 18, 13),
        # a subchart's template, its value set in the parent's values under the subchart's name
        ("GLM007", "inference/charts/worker/templates/job.yaml", 12, 11),
        # the pod runs vLLM with its ServiceAccount token mounted: the template's pod `spec:` line
        ("GLM044", "inference/templates/deployment.yaml", 10, 5),
    }
    by = {(r["code"], r["path"]): r for r in results}
    privileged = by[("GLM003", "inference/templates/deployment.yaml")]
    assert privileged["related"] == [{"path": "inference/values.yaml", "line": 7, "column": 15, "note": "value from"}]
    assert privileged["message"].endswith("(value from `inference/values.yaml:7`)")
    assert privileged["rendered_from"] == "inference"
    worker = by[("GLM007", "inference/charts/worker/templates/job.yaml")]
    assert worker["related"][0]["path"] == "inference/values.yaml" and worker["related"][0]["line"] == 14
    # what the chart fixes itself (its own drop ALL, read-only root) is not reported
    assert not {"GLM002", "GLM004", "GLM012"} & {r["code"] for r in results}


@needs_helm
def test_values_and_set_are_rendered_as_helm_takes_them(chart, capsys):
    (chart / "prod.yaml").write_text("securityContext:\n  privileged: false\n  runAsNonRoot: true\n")
    codes = {r["code"] for r in findings(chart, capsys, "--values", "prod.yaml", ".")}
    assert "GLM003" not in codes
    codes = {r["code"] for r in findings(chart, capsys, "--set", "securityContext.privileged=false", ".")}
    assert "GLM003" not in codes
    # a values file named in the configuration is looked up beside each chart
    (chart / "inference" / "values-prod.yaml").write_text("securityContext: {privileged: false}\n")
    (chart / ".glmlint.toml").write_text('[helm]\nvalues = ["values-prod.yaml"]\n')
    codes = {r["code"] for r in findings(chart, capsys, ".")}
    assert "GLM003" not in codes and "GLM009" in codes


@needs_helm
def test_suppressions_in_templates_and_values_files(chart, capsys):
    tpl = chart / "inference" / "templates" / "deployment.yaml"
    tpl.write_text(tpl.read_text().replace("      hostNetwork: true",
                                           "      hostNetwork: true  # glmlint: ignore[host-namespace] CNI agent"))
    values = chart / "inference" / "values.yaml"
    values.write_text(values.read_text().replace(
        "  privileged: true", "  # glmlint: ignore[GLM003] the driver installer\n  privileged: true"))
    code, out, _err = run(chart, capsys, ".")
    assert "GLM009" not in out and "GLM003" not in out and "2 suppressed" in out


@needs_helm
def test_a_chart_that_cannot_render_is_an_error_naming_the_template_line(chart, capsys):
    values = chart / "inference" / "values.yaml"
    values.write_text(values.read_text().replace("model:\n  name: llama-3-8b\n", "model: {}\n"))
    code, out, err = run(chart, capsys, ".")
    assert code == 2
    assert len(err) == 1 and err[0].startswith("inference/templates/deployment.yaml:15: cannot render the Helm "
                                               "chart `inference`: ")
    assert "model.name is required (the chart's other templates are checked without this one)" in err[0]
    # what the rest of the chart renders is still checked (the worker subchart's Job), as Helm renders it
    # with the failing template: nothing of the template that failed
    assert "inference/charts/worker/templates/job.yaml:12:11: low GLM007" in out
    assert "inference/templates/deployment.yaml" not in out
    # the user may opt out: a notice, and the rest of the scan decides the exit status
    (chart / ".glmlint.toml").write_text('render-failures = "notice"\n')
    code, _out, err = run(chart, capsys, ".")
    assert code == 1 and "model.name is required" in err[0]


@needs_helm
def test_missing_dependency_is_a_notice_and_the_rest_renders(chart, capsys):
    shutil.rmtree(chart / "inference" / "charts" / "worker")
    code, out, err = run(chart, capsys, ".")
    assert code == 1 and "GLM003" in out
    assert err == ["inference: dependencies not in `charts/`, not rendered: worker "
                   "(run `helm dependency build` to check them too)"]


@needs_helm
def test_a_changed_template_or_values_file_renders_its_chart(chart, capsys):
    # pre-commit passes the changed files: each stands for its chart, rendered once
    results = findings(chart, capsys, "inference/values.yaml", "inference/templates/deployment.yaml",
                       "inference/charts/worker/values.yaml")
    assert ("GLM003", "inference/templates/deployment.yaml", 18, 13) in at(results)
    assert len(results) == 6  # the first test's findings, GLM017 and GLM044 included


def test_without_a_renderer_a_chart_is_an_error_that_says_how_to_get_one(chart, capsys, monkeypatch):
    monkeypatch.setenv("PATH", "/nonexistent")
    monkeypatch.setitem(sys.modules, "helm_python", None)
    code, _out, err = run(chart, capsys, ".")
    assert code == 2
    assert err == ["inference: cannot render the Helm chart `inference`: no Helm renderer: put `helm` on PATH "
                   "or `pip install 'glmlint[helm]'` (or set `render = false` in the configuration to skip "
                   "charts); fix it, or set `render-failures = \"notice\"` (or `render = false`) in the "
                   "configuration"]


def test_render_false_keeps_the_template_notice(chart, capsys):
    (chart / ".glmlint.toml").write_text("render = false\n")
    code, _out, err = run(chart, capsys, ".")
    assert code == 0
    assert "inference/templates/deployment.yaml:1: skipped: Helm template, render it first " \
           "(`helm template … | glmlint check -`)" in err


# -- Kustomize ---------------------------------------------------------------------------


@pytest.fixture
def overlays(tmp_path: Path) -> Path:
    shutil.copytree(FIXTURES / "kustomize", tmp_path / "kustomize")
    return tmp_path / "kustomize"


@needs_kustomize
def test_overlay_findings_point_at_the_base_resource_and_the_patch(overlays, capsys):
    results = findings(overlays, capsys, ".")
    assert at(results) == {
        # in the base, built by both overlays: one finding at the base's line
        ("GLM003", "base/deployment.yaml", 20, 25),
        # the prod overlay's patch sets runAsUser: 0
        ("GLM001", "overlays/prod/patch-user.yaml", 11, 24),
        # dev adds nothing: its container lacks runAsNonRoot (an absent setting: the base's `- name:`)
        ("GLM001", "base/deployment.yaml", 14, 11),
    }
    assert {r["rendered_from"] for r in results} == {"overlays/dev", "overlays/prod"}


@needs_kustomize
def test_base_files_are_checked_through_the_overlays_not_alone(overlays, capsys):
    # the base's hardening that prod patches in is judged on the built object, and
    # the patch file alone (a fragment) is never reported as a workload
    results = findings(overlays, capsys, ".")
    assert not [r for r in results if r["path"] == "overlays/prod/patch-user.yaml" and r["code"] != "GLM001"]
    assert all(r.get("rendered_from") for r in results)


@needs_kustomize
def test_an_overlay_that_cannot_build_is_an_error(overlays, capsys):
    (overlays / "overlays" / "dev" / "kustomization.yaml").write_text("resources:\n  - ../../missing\n")
    code, _out, err = run(overlays, capsys, ".")
    assert code == 2
    # at the entry that names what cannot be built
    assert [e for e in err if e.startswith("overlays/dev/kustomization.yaml:2: cannot render the Kustomize overlay "
                                           "`overlays/dev`: resource `../../missing`: ")]


@needs_kustomize
def test_a_changed_resource_file_builds_its_kustomization(overlays, capsys):
    results = findings(overlays, capsys, "base/deployment.yaml")
    assert ("GLM003", "base/deployment.yaml", 20, 25) in at(results)


@needs_kustomize
def test_builds_started_ahead_give_what_one_build_at_a_time_gives(overlays, capsys, monkeypatch):
    """A serial scan starts the overlays' builds at once (`kustomize.Ahead`): the findings, the
    errors (Kustomize's message names the wrapper directory) and the exit status are the same."""
    import contextlib

    from glmlint import kustomize

    broken = overlays / "overlays" / "broken"
    broken.mkdir()
    (broken / "kustomization.yaml").write_text("resources:\n  - ../../missing\n")
    taken = []
    real_take = kustomize.Ahead.take

    def take(self, directory, cmd):
        got = real_take(self, directory, cmd)
        taken.append((os.path.basename(directory), got is not None))
        return got

    monkeypatch.setattr(kustomize.Ahead, "take", take)
    ahead = run(overlays, capsys, "--format", "json", "-j", "1", ".")
    assert sorted(taken) == [("broken", True), ("dev", True), ("prod", True)]
    monkeypatch.setattr(kustomize, "ahead", lambda directories, jobs: contextlib.nullcontext())
    one_by_one = run(overlays, capsys, "--format", "json", "-j", "1", ".")
    assert ahead == one_by_one
    assert ahead[0] == 2 and json.loads(ahead[1])
    assert [e for e in ahead[2] if e.startswith("overlays/broken/kustomization.yaml:2: cannot render the Kustomize "
                                                "overlay `overlays/broken`: resource `../../missing`: ")]


@needs_kustomize
def test_builds_nobody_takes_are_ended_and_their_files_removed(overlays):
    from glmlint import kustomize

    builds = kustomize.Ahead([str(overlays / "overlays" / "dev"), str(overlays / "overlays" / "prod")], 2)
    jobs = list(builds.running.values())
    assert len(jobs) == 2
    builds.close()
    assert builds.running == {} and builds.queue == []
    for proc, wrap, out, err, _ in jobs:
        assert proc.returncode is not None and out.closed and err.closed
        assert not os.path.exists(wrap.name)


# -- fixing through the chart -------------------------------------------------------------


def fix(cwd: Path, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, list[str]]:
    old = os.getcwd()
    os.chdir(cwd)
    try:
        try:
            main(["fix", *args])
            code = 0
        except SystemExit as exc:
            code = int(exc.code or 0)
    finally:
        os.chdir(old)
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out, err.splitlines()


@needs_helm
def test_fix_edits_values_yaml_and_plain_template_lines_then_the_chart_renders_clean(chart, capsys):
    values = chart / "inference" / "values.yaml"
    template = chart / "inference" / "templates" / "deployment.yaml"
    before_values, before_template = values.read_text(), template.read_text()
    code, out, err = fix(chart, capsys, "--write", "--unsafe-fixes", ".")
    assert code == 1
    assert sorted(out.splitlines()) == sorted([
        "inference/values.yaml:7:15: GLM003 fixed: Remove `privileged: true` "
        "(found at `inference/templates/deployment.yaml:18:13`)",
        "inference/values.yaml:14:31: GLM007 fixed: Forbid privilege escalation (`no_new_privs`) "
        "(found at `inference/charts/worker/templates/job.yaml:12:11`)",
        "inference/templates/deployment.yaml:11:20: GLM009 fixed: Stop sharing the host's network namespace "
        "(found at `inference/templates/deployment.yaml:11:20`)",
    ])
    # format-preserving: exactly the three values changed, nothing else in either file
    assert values.read_text() == before_values.replace("  privileged: true", "  privileged: false").replace(
        "    allowPrivilegeEscalation: true", "    allowPrivilegeEscalation: false")
    assert template.read_text() == before_template.replace("hostNetwork: true", "hostNetwork: false")
    # rendered again: only the findings no value can fix are left (absent settings)
    assert at(findings(chart, capsys, ".")) == {("GLM007", "inference/templates/deployment.yaml", 13, 9),
                                                ("GLM044", "inference/templates/deployment.yaml", 10, 5)}
    # and a second fix changes nothing
    code, out, _err = fix(chart, capsys, "--write", "--unsafe-fixes", ".")
    assert code == 0 and out == ""


@needs_helm
def test_safe_fixes_only_by_default_and_a_diff_without_write(chart, capsys):
    code, out, err = fix(chart, capsys, ".")
    assert code == 0 and out == ""  # these three fixes are unsafe: nothing without --unsafe-fixes
    assert err[-1].startswith("Would fix 0 findings")
    code, out, _err = fix(chart, capsys, "--unsafe-fixes", ".")
    assert code == 1 and "--- a/inference/values.yaml" in out and "+  privileged: false" in out
    assert "privileged: true" in (chart / "inference" / "values.yaml").read_text()  # not written


@needs_helm
def test_a_value_computed_by_a_template_is_not_fixed_and_fix_says_why(chart, capsys):
    template = chart / "inference" / "templates" / "deployment.yaml"
    template.write_text(template.read_text().replace("hostNetwork: true",
                                                     "hostNetwork: {{ .Values.debug | default true }}"))
    code, out, err = run(chart, capsys, ".")
    assert "GLM009" in out and "GLM009 [host-namespace] the pod of Deployment/release-name-inference shares the " \
        "host's network namespace\n" in out  # no "(unsafe fix)": there is none to offer
    code, out, err = fix(chart, capsys, "--unsafe-fixes", ".")
    assert "inference/templates/deployment.yaml:11:47: GLM009 not fixed: the value is computed by a template " \
           "action on `inference/templates/deployment.yaml:11`; edit the template, or make it a value in " \
           "values.yaml" in err
    assert "hostNetwork" not in out


def test_kustomize_errors_are_one_line_without_klog_noise():
    from glmlint.kustomize import _error

    # kubectl's own stderr for an overlay whose remote base cannot be fetched (klog's multi-line form)
    stderr = ("E1205 16:02:33.235832     667 run.go:72] \"command failed\" err=<\n"
              "\taccumulating resources: accumulation err='accumulating resources from '../../repo/ov': "
              "'/repo/ov' must resolve to a file': recursed accumulation of path '/repo/ov': accumulating "
              "resources: accumulation err='accumulating resources from 'github.com/org/app//base?ref=v1': "
              "evalsymlink failure on '/repo/ov/github.com/org/app/base?ref=v1' : lstat /repo/ov/github.com: no "
              "such file or directory': failed to run '/usr/bin/git fetch --depth=1 https://github.com/org/app v1': "
              "fatal: unable to access 'https://github.com/org/app/': Could not resolve host: github.com\n"
              "\t: exit status 128\n >\n")
    msg = _error(stderr, "/tmp/wrap", "/repo/ov", "/repo")
    assert msg == ("resource `github.com/org/app//base?ref=v1`: cannot fetch it (`/usr/bin/git fetch --depth=1 "
                   "https://github.com/org/app v1`: fatal: unable to access 'https://github.com/org/app/': "
                   "Could not resolve host: github.com)")
    assert "\n" not in msg and "run.go" not in msg


@needs_helm
def test_a_render_error_names_the_dependencies_missing_from_charts(tmp_path, capsys):
    chart = tmp_path / "inference"
    (chart / "templates").mkdir(parents=True)
    (chart / "Chart.yaml").write_text("apiVersion: v2\nname: inference\nversion: 0.1.0\ndependencies:\n"
                                      "  - {name: common, version: 2.x.x, repository: oci://registry-1.docker.io/bitnamicharts}\n")
    (chart / "templates" / "deployment.yaml").write_text(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ include \"common.names.fullname\" . }}\n")
    code, _out, err = run(tmp_path, capsys, ".")
    assert code == 2 and len(err) == 1
    assert err[0].startswith("inference/templates/deployment.yaml:4: cannot render the Helm chart `inference`: ")
    assert "(dependencies not in `charts/`: common; run `helm dependency build`)" in err[0]


@needs_kustomize
def test_fix_says_why_it_writes_nothing_in_an_overlay(overlays, capsys):
    code, out, err = fix(overlays, capsys, "--unsafe-fixes", ".")
    assert code == 0 and out == ""
    assert [e for e in err if "GLM003" in e] == [
        "base/deployment.yaml:20:25: GLM003 not fixed: found in what the Kustomize overlay `overlays/dev` builds: "
        "glmlint does not edit an overlay's files (other overlays may build the same base); change "
        "`base/deployment.yaml:20` or patch it in the overlay"]
