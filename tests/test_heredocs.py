"""Manifests a shell script applies from a heredoc (`cat <<EOF | kubectl apply -f -`): `glmlint.heredocs`."""
from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from glmlint import heredocs

from tests.helpers import found, lint

POD = """apiVersion: v1
kind: Pod
metadata: {name: x}
spec:
  containers:
  - name: x
    image: IMAGE
    securityContext: {privileged: true}
"""


def script(head: str, image: str = "busybox:1.36", tail: str = "EOF") -> str:
    return f"#!/bin/bash\nset -e\n{head}\n{POD.replace('IMAGE', image)}{tail}\n"


@pytest.mark.parametrize("head", [
    "cat <<EOF | kubectl apply -f -",
    "kubectl apply -f - <<EOF",
    "kubectl apply -f- <<'EOF'",
    "kubectl --context prod apply --filename=- <<\"EOF\"",
    "oc create -n ml -f - <<EOF",
    "cat << EOF | kubectl -n ml apply --server-side -f -",
    "kubectl apply --dry-run=none -f - <<EOF",  # applies
    "microk8s kubectl apply -f - <<EOF",
    "minikube kubectl -- apply -f - <<EOF",
])
def test_applied_heredoc_is_checked_at_the_script_lines(tmp_path: Path, head: str) -> None:
    report = lint(tmp_path, {"deploy.sh": script(head)}, ["GLM003"])
    assert found(report) == [("deploy.sh", "GLM003", 11)]
    assert "applied by `" in report.results[0].message
    assert report.results[0].fix is None  # no fix is written into a script


@pytest.mark.parametrize("head", [
    "cat <<EOF | kubectl delete -f -",  # deletes, runs nothing
    "cat > pod.yaml <<EOF",  # written to a file
    "kubectl apply -f pod.yaml <<EOF",  # kubectl reads the file, not its stdin
    "cat <<EOF | kubectl diff -f -",
    "kubectl apply --dry-run=client -f - <<EOF",  # prints what it would send
    "kubectl apply --dry-run=server -f - <<EOF",  # validated, not persisted
    "kubectl apply --dry-run -f - <<EOF",  # (deprecated: client)
    "minikube kubectl apply -f - <<EOF",  # minikube reads `-f` as its own option without `--`
    "kubectl apply -f - <<<\"$POD\"; cat <<EOF",
])
def test_heredoc_not_applied_is_not_read(tmp_path: Path, head: str) -> None:
    assert found(lint(tmp_path, {"deploy.sh": script(head)}, ["GLM003"])) == []


def test_heredoc_that_is_no_manifest_is_not_read(tmp_path: Path) -> None:
    text = "#!/bin/sh\nkubectl apply -f - <<EOF\nprivileged: true\nspec: {privileged: true}\nEOF\n"
    report = lint(tmp_path, {"deploy.sh": text}, ["GLM003"])
    assert found(report) == [] and not report.sources


def test_tab_stripped_heredoc() -> None:
    text = "#!/bin/sh\nif true; then\n\tkubectl apply -f - <<-EOF\n" + \
        "".join("\t" + line + "\n" for line in POD.replace("IMAGE", "busybox").splitlines()) + "\tEOF\nfi\n"
    (doc,) = heredocs.applied(text)
    assert (doc.first, doc.last, doc.tabs, doc.expanded) == (4, 11, True, True)
    stream = heredocs.stream(text)
    assert stream is not None and stream.split("\n")[3:5] == ["apiVersion: v1", "kind: Pod"]
    assert stream.split("\n")[2] == "---"


def test_variables_of_an_unquoted_heredoc_are_the_shells(tmp_path: Path) -> None:
    text = script("cat <<EOF | kubectl apply -f -", image="${IMAGE}").replace(
        "    securityContext", "    env:\n    - {name: DB_PASSWORD, value: \"${DB_PASSWORD}\"}\n"
        "    - {name: API_TOKEN, value: \"$(cat /run/token)\"}\n    securityContext")
    report = lint(tmp_path, {"deploy.sh": text}, ["GLM003", "GLM013", "GLM045"])
    assert found(report) == [("deploy.sh", "GLM003", 14)]  # no literal image or secret


def test_a_script_that_also_runs_docker_keeps_its_docker_run_lines(tmp_path: Path) -> None:
    text = script("cat <<EOF | kubectl apply -f -") + "docker run --privileged busybox\n"
    report = lint(tmp_path, {"deploy.sh": text}, ["GLM003"])
    assert found(report) == [("deploy.sh", "GLM003", 13)]
    # the manifests left unchecked are said so, at the command that applies them
    assert [(p.path, p.line, p.level) for p in report.problems] == [("deploy.sh", 3, "notice")]
    assert "not checked" in report.problems[0].message


@pytest.mark.parametrize("files", [
    {"deploy.sh": script("cat <<EOF | kubectl apply -f -")},  # its manifests are checked: nothing to say
    {"deploy.sh": script("cat > pod.yaml <<EOF") + "docker run --privileged busybox\n"},  # applies nothing
])
def test_no_notice_when_no_applied_manifest_is_left_out(tmp_path: Path, files: dict[str, str]) -> None:
    assert lint(tmp_path, files, ["GLM003"]).problems == []


@pytest.mark.parametrize("head", [
    "cat <<'EOF' | envsubst | kubectl apply -f -",
    "cat <<EOF | envsubst | kubectl apply -f -",
    "cat <<'EOF' | envsubst '$IMAGE $TAG' | kubectl apply -f -",
    "envsubst <<'EOF' | kubectl apply -f -",
])
def test_heredoc_through_envsubst_is_checked(tmp_path: Path, head: str) -> None:
    report = lint(tmp_path, {"deploy.sh": script(head, image="${IMAGE}")}, ["GLM003", "GLM045"])
    assert found(report) == [("deploy.sh", "GLM003", 11)]  # `${IMAGE}`: the environment's value, not known


@pytest.mark.parametrize("head", [
    "cat <<'EOF' | envsubst --variables | kubectl apply -f -",  # prints the names SHELL-FORMAT references
    "cat <<'EOF' | envsubst -v '$IMAGE' | kubectl apply -f -",
    "cat <<'EOF' | sed 's/x/y/' | kubectl apply -f -",  # an edit glmlint does not follow
    "cat <<'EOF' | envsubst | kubectl diff -f -",
])
def test_heredoc_through_another_filter_is_not_read(tmp_path: Path, head: str) -> None:
    assert found(lint(tmp_path, {"deploy.sh": script(head)}, ["GLM003"])) == []


@pytest.mark.parametrize("tabs", ["\t", "\t\t"])
def test_tab_stripped_heredoc_is_located_at_the_script_columns(tmp_path: Path, tabs: str) -> None:
    text = "#!/bin/sh\nif true; then\n\tkubectl apply -f - <<-EOF\n" + \
        "".join(tabs + line + "\n" for line in POD.replace("IMAGE", "busybox:1.36").splitlines()) + "\tEOF\nfi\n"
    report = lint(tmp_path, {"deploy.sh": text}, ["GLM003"])
    (result,) = report.results
    assert (result.line, result.col) == (11, len(tabs) + len("    securityContext: {privileged: ") + 1)


def test_heredoc_without_tabs_keeps_its_columns(tmp_path: Path) -> None:
    report = lint(tmp_path, {"deploy.sh": script("kubectl apply -f - <<-EOF")}, ["GLM003"])
    (result,) = report.results
    assert (result.line, result.col) == (11, len("    securityContext: {privileged: ") + 1)


WORKFLOW = """\
name: deploy
on: push
jobs:
  deploy:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - name: apply
        SHELLrun: STYLE
          HEAD
""" + textwrap.indent(POD.replace("IMAGE", "${{ env.IMAGE }}"), " " * 10) + "          EOF\n"


def workflow(head: str = "kubectl apply -f - <<EOF", style: str = "|", shell: str = "") -> str:
    return WORKFLOW.replace("HEAD", head).replace("STYLE", style).replace("SHELL", shell)


@pytest.mark.parametrize("head", ["kubectl apply -f - <<EOF", "cat <<'EOF' | kubectl apply -f -"])
def test_a_workflow_step_applying_a_heredoc_is_checked_at_the_workflow_columns(tmp_path: Path, head: str) -> None:
    report = lint(tmp_path, {".github/workflows/deploy.yml": workflow(head)}, ["GLM003", "GLM045"])
    assert [(r.path, r.code, r.line, r.col, r.fix) for r in report.results] == [
        (".github/workflows/deploy.yml", "GLM003", 18, 45, None)]  # `${{ env.IMAGE }}`: GitHub's value, not known


@pytest.mark.parametrize("text", [
    workflow(style=">"),  # folded: the shell gets other lines than the file's
    workflow(shell="shell: pwsh\n        "),  # PowerShell has no heredoc
    workflow("kubectl delete -f - <<EOF"),
])
def test_a_workflow_heredoc_not_applied_by_bash_is_not_read(tmp_path: Path, text: str) -> None:
    report = lint(tmp_path, {".github/workflows/deploy.yml": text}, ["GLM003"])
    assert found(report) == [] and report.problems == []


def test_a_workflow_that_also_runs_docker_is_read_for_those_lines_and_says_so(tmp_path: Path) -> None:
    text = workflow() + "      - run: docker run --rm busybox:1.36 true\n"
    report = lint(tmp_path, {".github/workflows/deploy.yml": text}, ["GLM003"])
    assert found(report) == []
    assert [(p.line, p.level) for p in report.problems] == [(10, "notice")]


GITLAB = """\
stages: [deploy]
JOB:
  stage: deploy
  image: bitnami/kubectl:1.30
  script:
    - kubectl config use-context prod
    - |
      kubectl apply -f - <<EOF
""" + textwrap.indent(POD.replace("IMAGE", "busybox:1.36"), " " * 6) + "      EOF\n"


@pytest.mark.parametrize("job, expected", [
    ("deploy", [(".gitlab-ci.yml", "GLM003", 16, 41)]),
    (".deploy", []),  # a hidden job runs only through a job that `extends` it
])
def test_a_gitlab_job_applying_a_heredoc_is_checked_at_the_file_columns(tmp_path: Path, job: str, expected) -> None:
    report = lint(tmp_path, {".gitlab-ci.yml": GITLAB.replace("JOB", job) + "other:\n  script: [echo ok]\n"},
                  ["GLM003"])
    assert [(r.path, r.code, r.line, r.col) for r in report.results] == expected


FLOW = """apiVersion: v1
kind: Pod
metadata: {name: ${APP}, labels: {app: ${APP}}}
spec: {hostPID: true, containers: [{name: c, image: "busybox:$(cat tag)"}]}
"""


@pytest.mark.parametrize("head, names", [
    ("kubectl apply -f - <<EOF", None),  # the shell fills `${APP}` in before kubectl reads it
    ("cat <<'EOF' | envsubst | kubectl apply -f -", None),
    ("cat <<'EOF' | envsubst '$APP' | kubectl apply -f -", None),
    ("kubectl apply -f - <<'EOF'", "EOF"),  # kubectl gets `{app: ${APP}}` as written: no YAML, refused
    ("cat <<'EOF' | envsubst '$OTHER' | kubectl apply -f -", "EOF"),  # envsubst leaves `${APP}`
])
def test_a_value_the_shell_fills_into_a_flow_collection(tmp_path: Path, head: str, names: str | None) -> None:
    text = f"#!/bin/sh\nset -e\n{head}\n{FLOW}EOF\n" + script("kubectl apply -f - <<EOF").split("set -e\n", 1)[1]
    report = lint(tmp_path, {"deploy.sh": text}, ["GLM003", "GLM009"])
    checked = [("deploy.sh", "GLM009", 7)] if names is None else []
    # the heredoc after it is read all the same
    assert found(report) == [*checked, ("deploy.sh", "GLM003", 17)]
    if names is None:
        assert report.problems == [] and "`$APP__`" not in report.results[0].message
    else:
        assert [(p.line, p.level) for p in report.problems] == [(3, "notice")]
        assert "is not YAML" in report.problems[0].message


def test_a_workflow_expression_in_a_flow_collection(tmp_path: Path) -> None:
    text = workflow().replace("metadata: {name: x}", "metadata: {name: x, labels: {app: ${{ env.APP }}}}")
    report = lint(tmp_path, {".github/workflows/deploy.yml": text}, ["GLM003"])
    assert [(r.line, r.col) for r in report.results] == [(18, 45)] and report.problems == []
