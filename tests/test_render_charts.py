"""Charts written the way ML teams ship them (vLLM production stack, KubeRay, Ollama, Open WebUI,
MLflow, JupyterHub): each fixture reproduces the shape of a real chart's template that glmlint once
placed wrong, and pins the template line and values line a user edits."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.test_render import FIXTURES, findings, fix, needs_helm, needs_kustomize, run


def place(results: list[dict], code: str) -> list[tuple[str, int, int, list[tuple[str, int]]]]:
    return sorted((r["path"], r["line"], r["column"], [(x["path"], x["line"]) for x in r["related"]])
                  for r in results if r["code"] == code)


@pytest.fixture
def charts(tmp_path: Path) -> Path:
    for name in ("vllm-stack", "ray-cluster", "model-fleet", "notebook"):
        shutil.copytree(FIXTURES / name, tmp_path / name)
    return tmp_path


@needs_helm
def test_a_toyaml_block_of_list_items_is_not_taken_for_a_later_containers_line(charts, capsys):
    # the init container's `command: {{ toYaml ... | nindent 12 }}` writes `- /bin/sh`, which the main
    # container's `- {{ $modelSpec.modelURL | quote }}` also matches: the init container's
    # securityContext must stay on its own `toYaml` line (`.Values` read again within `with $`), and the
    # main container's finding must not be folded into it
    results = findings(charts, capsys, "--select", "GLM001", "vllm-stack")
    assert place(results, "GLM001") == [
        ("vllm-stack/templates/deployment.yaml", 20, 13, [("vllm-stack/values.yaml", 16)]),
        ("vllm-stack/templates/deployment.yaml", 32, 13, [("vllm-stack/values.yaml", 16)]),
    ]


@needs_helm
def test_a_key_value_range_line_does_not_swallow_the_lines_after_it(charts, capsys):
    # `{{ $key }}: {{ $val | quote }}` (rayStartParams) matches any `key: value` line; the worker's
    # SYS_PTRACE comes from `securityContext: {{- toYaml . }}` and values.yaml, not from the head's
    # `capabilities:` line
    results = findings(charts, capsys, "--select", "GLM008", "ray-cluster")
    assert place(results, "GLM008") == [
        ("ray-cluster/templates/raycluster.yaml", 47, 13, [("ray-cluster/values.yaml", 17)]),
    ]


@needs_helm
def test_values_read_through_range_with_and_variables_are_the_related_values_lines(charts, capsys):
    # one Deployment per entry of `.Values.models` (`range`): `.args`, `with .env`, `with .securityContext`
    # read the entry's values; an env var's `value: {{ $.Values.hfToken | quote }}` reads the top level.
    # The secret in a `toYaml`'d env list is the entry's `value:` line, not the next template line that
    # writes a `value:` (the loop is not restarted inside what an action writes)
    results = findings(charts, capsys, "--select", "GLM003,GLM013,GLM018", "model-fleet")
    tpl, values = "model-fleet/templates/deployment.yaml", "model-fleet/values.yaml"
    assert sorted((r["code"], r["path"], r["line"], r["column"], [(x["path"], x["line"]) for x in r["related"]])
                  for r in results) == [
        ("GLM003", tpl, 23, 13, [(values, 13)]),
        ("GLM013", tpl, 16, 13, [(values, 1)]),
        ("GLM013", tpl, 19, 13, [(values, 8)]),
        ("GLM018", tpl, 14, 13, [(values, 5)]),
    ]


@needs_kustomize
@needs_helm
def test_helm_charts_in_a_kustomization_point_at_the_chart_and_the_values_the_entry_gives(tmp_path, capsys):
    # `helmCharts:` with the chart vendored in the overlay's `charts/`: Kustomize renders it with glmlint
    # as its `helm` (no binary needed), each finding moves to the chart's template line and to the values
    # line it came from (the entry's `valuesInline`, its `valuesFile`, the chart's values.yaml), a patch of
    # the overlay to the patch; the chart is not checked again alone with the defaults the overlay
    # overrides (a `required` value they lack would fail that render)
    overlay = tmp_path / "deploy"
    shutil.copytree(FIXTURES / "ray-cluster", overlay / "charts" / "ray-cluster")
    tpl = overlay / "charts" / "ray-cluster" / "templates" / "raycluster.yaml"
    tpl.write_text(tpl.read_text().replace("groupName: {{ .Values.worker.groupName }}",
                                           'groupName: {{ required "worker.groupName" .Values.worker.groupName }}'))
    values = overlay / "charts" / "ray-cluster" / "values.yaml"
    values.write_text(values.read_text().replace("  groupName: workergroup\n", ""))
    (overlay / "values-prod.yaml").write_text("worker:\n  groupName: gpu\n  securityContext:\n"
                                              "    allowPrivilegeEscalation: true\n")
    (overlay / "kustomization.yaml").write_text(
        "namespace: ml\n"
        "helmCharts:\n"
        "  - name: ray-cluster\n"
        "    releaseName: ray\n"
        "    valuesFile: values-prod.yaml\n"
        "    valuesInline:\n"
        "      worker:\n"
        "        securityContext:\n"
        "          privileged: true\n"
        "patches:\n"
        "  - target: {kind: RayCluster}\n"
        "    patch: |-\n"
        "      - op: add\n"
        "        path: /spec/headGroupSpec/template/spec/hostNetwork\n"
        "        value: true\n")
    results = findings(tmp_path, capsys, "--select", "GLM003,GLM007,GLM008,GLM009", ".")
    got = {(r["code"], r["path"], r["line"], r["column"], tuple((x["path"], x["line"]) for x in r["related"]))
           for r in results}
    template = "deploy/charts/ray-cluster/templates/raycluster.yaml"
    assert got == {
        ("GLM003", template, 47, 13, (("deploy/kustomization.yaml", 9),)),
        ("GLM007", template, 47, 13, (("deploy/values-prod.yaml", 4),)),
        ("GLM008", template, 47, 13, (("deploy/charts/ray-cluster/values.yaml", 16),)),
        ("GLM009", "deploy/kustomization.yaml", 15, 16, ()),
    }
    assert {r["rendered_from"] for r in results} == {"deploy"}
    assert all("RayCluster/ray-kuberay" in r["message"] for r in results)


@needs_kustomize
@needs_helm
def test_a_changed_file_of_a_chart_an_overlay_renders_is_checked_through_the_overlay(tmp_path, capsys):
    # pre-commit and the editor name one changed file: a template of the chart in the overlay's
    # `charts/`, or the values file its `helmCharts:` entry names, stands for the overlay (the chart
    # alone, with its defaults, would report what the overlay's values change)
    overlay = tmp_path / "deploy"
    shutil.copytree(FIXTURES / "ray-cluster", overlay / "charts" / "ray-cluster")
    (overlay / "values-prod.yaml").write_text("worker:\n  securityContext:\n    capabilities: null\n")
    (overlay / "kustomization.yaml").write_text(
        "helmCharts:\n  - name: ray-cluster\n    releaseName: ray\n    valuesFile: values-prod.yaml\n")
    for changed in ("deploy/charts/ray-cluster/templates/raycluster.yaml", "deploy/values-prod.yaml"):
        results = findings(tmp_path, capsys, "--select", "GLM008", changed)
        assert results == [], changed  # the overlay's values replace the chart's SYS_PTRACE
    results = findings(tmp_path, capsys, "--select", "GLM008", "deploy/charts/ray-cluster")
    assert [r["line"] for r in results] == [47]  # the chart named as a directory is the chart alone


@needs_helm
def test_a_container_a_define_in_helpers_writes_is_placed_in_the_define(charts, capsys):
    # `{{- include "notebook.container" . | nindent 8 }}`: the container is written in `_helpers.tpl`; its
    # findings point there (the include line says nothing about which setting), values through it too
    results = findings(charts, capsys, "--select", "GLM004,GLM005,GLM007", "notebook")
    helpers = "notebook/templates/_helpers.tpl"
    assert sorted((r["code"], r["path"], r["line"], r["column"], [(x["path"], x["line"]) for x in r["related"]])
                  for r in results) == [
        ("GLM004", helpers, 6, 1, []),
        ("GLM005", helpers, 10, 7, []),
        ("GLM007", helpers, 13, 5, [("notebook/values.yaml", 6)]),
    ]


@needs_helm
def test_fix_edits_a_plain_line_of_a_define_in_helpers(charts, capsys):
    helpers = charts / "notebook" / "templates" / "_helpers.tpl"
    helpers.write_text(helpers.read_text().replace("  securityContext:\n", "  securityContext:\n    privileged: true\n"))
    before = helpers.read_text()
    code, out, _err = fix(charts, capsys, "--write", "--unsafe-fixes", "--select", "GLM003", "notebook")
    assert code == 1
    assert out.splitlines() == ["notebook/templates/_helpers.tpl:13:17: GLM003 fixed: Remove `privileged: true` "
                                "(found at `notebook/templates/_helpers.tpl:13:17`)"]
    assert helpers.read_text() == before.replace("privileged: true", "privileged: false")
    assert findings(charts, capsys, "--select", "GLM003", "notebook") == []


@needs_helm
def test_a_value_two_values_make_names_both_values_lines(charts, capsys):
    # `image: "{{ .Values.image.repository }}:{{ .Values.image.tag }}"` in the helper: the unpinned tag
    # is the `tag:` line (and the repository's), each part matched to the value that wrote it
    values = charts / "notebook" / "values.yaml"
    values.write_text(values.read_text().replace('tag: "2024-07-01"', "tag: latest"))
    results = findings(charts, capsys, "--select", "GLM045", "notebook")
    assert [(r["path"], r["line"], [(x["path"], x["line"]) for x in r["related"]]) for r in results] == [
        ("notebook/templates/_helpers.tpl", 7, [("notebook/values.yaml", 2), ("notebook/values.yaml", 3)])]


@needs_helm
def test_two_range_items_with_the_same_value_each_point_at_their_own_values_line(charts, capsys):
    # both models of `.Values.models` pass `--trust-remote-code`: the template line is one finding, whose
    # values lines are each entry's `args:` line (the second Deployment's is not the first entry's, the same
    # value found first)
    values = charts / "model-fleet" / "values.yaml"
    values.write_text(values.read_text().replace('args: ["--model", "Qwen/Qwen2-7B"]',
                                                 'args: ["--model", "Qwen/Qwen2-7B", "--trust-remote-code"]'))
    results = findings(charts, capsys, "--select", "GLM018", "model-fleet")
    (result,) = results
    assert sorted(x["line"] for x in result["related"]) == [5, 11]
    assert "(value from `model-fleet/values.yaml:5`)" in result["message"]
    assert "(value from `model-fleet/values.yaml:11`)" in result["message"]


@needs_helm
def test_a_binding_a_message_names_is_named_by_its_template_line(tmp_path, capsys):
    # GLM044 names the binding that gives the pod's token its power by where it is written: in a chart
    # that is the template's line (the rendered stream's lines are no file's)
    chart = tmp_path / "llm"
    (chart / "templates").mkdir(parents=True)
    (chart / "Chart.yaml").write_text("apiVersion: v2\nname: llm\nversion: 0.1.0\n")
    (chart / "values.yaml").write_text("rbac: {create: true}\n")
    (chart / "templates" / "deployment.yaml").write_text(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: llm}\nspec:\n"
        "  selector: {matchLabels: {app: llm}}\n  template:\n    metadata: {labels: {app: llm}}\n    spec:\n"
        "      serviceAccountName: llm\n      containers:\n        - {name: c, image: 'busybox:1.36'}\n")
    (chart / "templates" / "rbac.yaml").write_text(
        "{{- if .Values.rbac.create }}\napiVersion: rbac.authorization.k8s.io/v1\nkind: Role\n"
        "metadata: {name: llm}\nrules:\n  - {apiGroups: [''], resources: [pods/exec], verbs: [create]}\n---\n"
        "apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata: {name: llm}\n"
        "roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: llm}\n"
        "subjects: [{kind: ServiceAccount, name: llm, namespace: '{{ .Release.Namespace }}'}]\n{{- end }}\n")
    results = findings(tmp_path, capsys, "--select", "GLM044", "llm")
    assert [(r["path"], r["line"]) for r in results] == [("llm/templates/deployment.yaml", 9)]
    assert "RoleBinding `llm` (`llm/templates/rbac.yaml:9`) binds to Role `llm`" in results[0]["message"]


def _write_chart(chart: Path, values: str, templates: dict[str, str], **files: str) -> Path:
    """A chart directory: Chart.yaml named after it, values.yaml, its templates, other files by name."""
    (chart / "templates").mkdir(parents=True)
    (chart / "Chart.yaml").write_text(f"apiVersion: v2\nname: {chart.name}\nversion: 0.1.0\n")
    (chart / "values.yaml").write_text(values)
    for name, text in templates.items():
        (chart / "templates" / name).write_text(text)
    for name, text in files.items():
        (chart / name.replace("_", ".")).write_text(text)
    return chart


def _operator_chart(tmp_path: Path, labels: bool) -> Path:
    # an operator chart's ClusterRole as KubeRay's writes it: the labels a define gives (`| nindent 4`),
    # then, on the next line, the rules another define writes at the left margin
    label_line = '    {{- include "operator.labels" . | nindent 4 }}\n' if labels else "    app: operator\n"
    _write_chart(tmp_path / "operator", "rbacEnable: true\n", {
        "_helpers.tpl": '{{- define "operator.labels" -}}\napp.kubernetes.io/name: operator\n'
                        "app.kubernetes.io/managed-by: {{ .Release.Service }}\n{{- end -}}\n\n"
                        '{{- define "operator.rules" -}}\nrules:\n- apiGroups:\n  - ""\n  resources:\n  - pods\n'
                        '  verbs:\n  - get\n- apiGroups:\n  - ""\n  resources:\n  - secrets\n  verbs:\n  - get\n'
                        "  - list\n{{- end -}}\n",
        "role.yaml": "{{- if .Values.rbacEnable }}\nkind: ClusterRole\napiVersion: rbac.authorization.k8s.io/v1\n"
                     "metadata:\n  name: operator\n  labels:\n" + label_line +
                     '{{ include "operator.rules" (dict "context" .) }}\n{{- end }}\n'})
    return tmp_path


@needs_helm
@pytest.mark.parametrize("labels", [True, False])
def test_lines_a_second_action_only_line_writes_are_placed_in_its_define(tmp_path, capsys, labels):
    # the rules are the second include's, not the labels' (whose `nindent 4` writes no line at the left
    # margin): the secret rule is at its line in `operator.rules`, with or without the labels include
    # above it (main placed it in `operator.labels`)
    results = findings(_operator_chart(tmp_path, labels), capsys, "--select", "GLM042", "operator")
    assert [(r["path"], r["line"]) for r in results] == [("operator/templates/_helpers.tpl", 14)]


def _serving_chart(tmp_path: Path, model: str, token_in_helpers: bool = False) -> Path:
    # a serving chart whose engine needs a value (`required`) and whose router is written without one
    need = '{{ required "set model to the model to serve" .Values.model }}'
    templates = {}
    if token_in_helpers:  # the value read in a define that both templates include
        templates["_helpers.tpl"] = f'{{{{- define "serving.model" -}}}}\n{need}\n{{{{- end -}}}}\n'
        need = '{{ include "serving.model" . }}'
    templates["engine.yaml"] = (
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: engine\nspec:\n  selector: {matchLabels: {app: e}}\n"
        "  template:\n    metadata: {labels: {app: e}}\n    spec:\n      containers:\n        - name: vllm\n"
        f"          image: vllm/vllm-openai:v0.6.0\n          args: [--model, \"{need}\"]\n"
        "          securityContext:\n            privileged: true\n")
    templates["router.yaml"] = (
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: router\n  labels:\n"
        f"    model: \"{need if token_in_helpers else 'any'}\"\nspec:\n"
        "  hostNetwork: {{ .Values.router.hostNetwork }}\n  containers:\n    - name: router\n"
        "      image: lmcache/lmstack-router:v0.1.0\n")
    _write_chart(tmp_path / "serving", f"model: {model}\nrouter:\n  hostNetwork: true\n", templates)
    return tmp_path


@needs_helm
def test_the_templates_beside_one_that_cannot_render_are_still_checked(tmp_path, capsys):
    # Helm stops at the engine's `required`: that is one error at its line, and the router, which needs
    # no model, is checked as Helm renders it (main reported the error and checked nothing)
    code, out, err = run(_serving_chart(tmp_path, '""'), capsys, "--select", "GLM003,GLM009", "serving")
    assert code == 2
    assert [e.split(": cannot render")[0] for e in err] == ["serving/templates/engine.yaml:13"]
    assert "set model to the model to serve (the chart's other templates are checked without this one)" in err[0]
    assert "serving/templates/router.yaml:8:3: high GLM009" in out
    assert "GLM003" not in out  # the engine did not render: nothing of it is guessed
    # a fix is verified by rendering the chart: none is written into a chart that does not render, and
    # none is offered by `check` either, in text, JSON or SARIF (reread19-b B4: main offered `hostNetwork`'s
    # values edit that `fix` then refused)
    assert "GLM009" in out and "fix)" not in out
    _code, got, _err = run(tmp_path, capsys, "--format", "json", "--select", "GLM009", "serving")
    assert [r["fix"] for r in json.loads(got)] == [None]
    _code, sarif, _err = run(tmp_path, capsys, "--format", "sarif", "--select", "GLM009", "serving")
    assert '"ruleId": "GLM009"' in sarif and '"fixes"' not in sarif
    values = tmp_path / "serving" / "values.yaml"
    before = values.read_text()
    code, _out, err = fix(tmp_path, capsys, "--unsafe-fixes", "--write", "--select", "GLM009", "serving")
    assert values.read_text() == before
    assert any("GLM009 not fixed: the Helm chart `serving` is checked without `serving/templates/engine.yaml:13`, "
               "which does not render, and a fix is verified by rendering the whole chart again" in e for e in err)
    # given the value, the whole chart renders: no error, the engine's finding too
    code, out, err = run(_serving_chart(tmp_path / "given", "Qwen/Qwen2.5-7B"), capsys, "--select", "GLM003,GLM009",
                         "serving")
    assert code == 1 and err == []
    assert "serving/templates/engine.yaml:15:25: critical GLM003" in out and "GLM009" in out


def _webui_chart(tmp_path: Path, gate: bool, header: str = "# the chart's values check\n") -> Path:
    # Open WebUI with auth off, and a template that refuses it (`fail`): with `gate`, that template renders no
    # object of its own (a values check); without, the same `fail` sits in a template that renders a ConfigMap
    check = ('{{- if not .Values.auth.enabled }}\n{{- fail "auth.enabled=false is not supported" }}\n{{- end }}\n')
    if not gate:
        check += "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: auth\ndata:\n  mode: oidc\n"
    templates = {
        "validate.yaml": header + check,
        "deployment.yaml": (
            "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: webui\n  labels: {app: webui}\nspec:\n"
            "  selector: {matchLabels: {app: webui}}\n  template:\n    metadata: {labels: {app: webui}}\n    spec:\n"
            "      containers:\n        - name: webui\n          image: {{ .Values.image }}\n          env:\n"
            "            - {name: WEBUI_AUTH, value: {{ .Values.auth.enabled | quote }}}\n"
            "---\napiVersion: v1\nkind: Service\nmetadata:\n  name: webui\nspec:\n  type: LoadBalancer\n"
            "  selector: {app: webui}\n  ports: [{port: 80, targetPort: 8080}]\n"),
    }
    _write_chart(tmp_path / "webui", "auth:\n  enabled: false\nimage: ghcr.io/open-webui/open-webui:v0.5.20\n",
                 templates)
    return tmp_path


@needs_helm
@pytest.mark.parametrize("gate", [True, False])
def test_a_template_that_only_checks_the_values_stops_the_partial_check(tmp_path, capsys, gate):
    # a `fail` in a template that renders no object is the chart refusing these values: Helm installs nothing,
    # so nothing else of it is checked (reviewA19 D1: the Deployment's WEBUI_AUTH=false was reported critical);
    # one switch, the `fail` in a template that renders an object of its own: left out, the rest checked
    code, out, err = run(_webui_chart(tmp_path, gate), capsys, "--select", "GLM017", "webui")
    assert code == 2
    assert [e.split(": cannot render")[0] for e in err] == ["webui/templates/validate.yaml:3"]
    assert ("GLM017" in out) is not gate
    assert ("checked without this one" in err[0]) is not gate


@needs_helm
@pytest.mark.parametrize("gate", [True, False])
def test_a_values_check_under_a_comment_over_several_lines_still_stops_the_partial_check(tmp_path, capsys, gate):
    # Bitnami's charts open every template with a licence comment over four lines (`{{- /*` ... `*/}}`); Go's
    # templates discard a comment whatever its lines (golang/go e2035511 src/text/template/doc.go: "May contain
    # newlines"), so the template under it is still a values check: Helm installs nothing, nothing is reported.
    # One switch: the same header over a template that renders an object of its own: left out, the rest checked
    header = "{{- /*\nCopyright Broadcom, Inc. All Rights Reserved.\nSPDX-License-Identifier: APACHE-2.0\n*/}}\n"
    code, out, err = run(_webui_chart(tmp_path, gate, header), capsys, "--select", "GLM017", "webui")
    assert code == 2
    assert [e.split(": cannot render")[0] for e in err] == ["webui/templates/validate.yaml:6"]
    assert ("GLM017" in out) is not gate
    assert ("checked without this one" in err[0]) is not gate


@needs_helm
def test_a_value_every_template_needs_leaves_nothing_to_check(tmp_path, capsys):
    # the `required` in a define both templates include: Helm names each template in turn, both are
    # left out, nothing renders: Helm's first error, as Helm gives it, and nothing reported as if it rendered
    code, out, err = run(_serving_chart(tmp_path, '""', token_in_helpers=True), capsys, "serving")
    assert code == 2
    assert len(err) == 1 and err[0].split(": cannot render")[0] in ("serving/templates/engine.yaml:13",
                                                                    "serving/templates/router.yaml:6")
    assert "set model to the model to serve; fix it" in err[0]
    assert "GLM" not in out


@needs_kustomize
@needs_helm
@pytest.mark.parametrize("skip, event, found", [
    ("", "test", [22, 36]), ("skipTests: true", "test", [36]), ("skipHooks: true", "test", []),
    # Helm lowercases and trims each event before it looks it up (reread19-b B5: `Test` was kept)
    ("skipTests: true", "Test", [36]), ("skipTests: true", " test-success", [36]),
    ("skipTests: true", "pre-install,Test", [36]), ("skipTests: true", "post-install", [22, 36])])
def test_helm_charts_skip_tests_and_hooks_as_kustomize_asks_helm(tmp_path, capsys, skip, event, found):
    # Kustomize passes an entry's `skipTests: true` as `helm template --skip-tests` and `skipHooks: true` as
    # `--no-hooks`: Helm then prints no test pod (no hook at all); main rendered them anyway
    _write_chart(tmp_path / "charts" / "llm", "image: ollama/ollama:0.5.7\n", {"deployment.yaml": (
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ .Release.Name }}-llm\nspec:\n"
        "  selector: {matchLabels: {app: llm}}\n  template:\n    metadata: {labels: {app: llm}}\n    spec:\n"
        "      automountServiceAccountToken: false\n      containers:\n        - name: ollama\n"
        "          image: {{ .Values.image }}\n---\napiVersion: v1\nkind: Pod\nmetadata:\n"
        f"  name: {{{{ .Release.Name }}}}-probe\n  annotations:\n    \"helm.sh/hook\": \"{event}\"\nspec:\n"
        "  hostNetwork: true\n"
        "  containers:\n    - name: wget\n      image: busybox:1.36\n---\napiVersion: batch/v1\nkind: Job\nmetadata:\n"
        "  name: {{ .Release.Name }}-pull\n  annotations:\n    \"helm.sh/hook\": pre-install,pre-upgrade\nspec:\n"
        "  template:\n    spec:\n      hostPID: true\n      restartPolicy: Never\n      containers:\n"
        "        - name: pull\n          image: busybox:1.36\n")})
    (tmp_path / "kustomization.yaml").write_text(f"helmCharts:\n  - name: llm\n    releaseName: llm\n    {skip}\n")
    results = findings(tmp_path, capsys, "--select", "GLM009", ".")
    assert [(r["path"], r["line"]) for r in results] == [("charts/llm/templates/deployment.yaml", n) for n in found]


@needs_helm
@pytest.mark.parametrize("event, reported", [("pre-instal", False), ("Pre-Install", True)])
def test_a_document_naming_an_unknown_hook_event_is_not_rendered(tmp_path, capsys, event, reported):
    # Helm skips a document whose `helm.sh/hook` names an event it does not know ("skipping unknown hooks"):
    # `helm template` does not print it and `helm install` does not create it; Helm's SDK renders every
    # template as written (main reported the misspelt hook's privileged pod)
    _write_chart(tmp_path / "warmup", "{}\n", {"hook.yaml": (
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: warm\n  annotations:\n"
        f"    helm.sh/hook: {event}\nspec:\n  restartPolicy: Never\n  containers:\n    - name: pull\n"
        "      image: vllm/vllm-openai:v0.6.3\n      securityContext: {privileged: true}\n")})
    results = findings(tmp_path, capsys, "--select", "GLM003", "warmup")
    assert [(r["path"], r["line"]) for r in results] == ([("warmup/templates/hook.yaml", 12)] if reported else [])


def _linked_chart(tmp_path: Path) -> Path:
    # a monorepo's app chart whose `charts/common` is a relative symbolic link to the shared library chart,
    # and a Secret that needs a value the defaults do not give
    _write_chart(tmp_path / "lib" / "common", "{}\n", {"_labels.tpl": (
        '{{- define "common.labels" -}}\napp: {{ .Chart.Name }}\n{{- end -}}\n')})
    (tmp_path / "lib" / "common" / "Chart.yaml").write_text("apiVersion: v2\nname: common\ntype: library\n"
                                                           "version: 0.1.0\n")
    app = _write_chart(tmp_path / "charts" / "app", "token: \"\"\n", {
        "secret.yaml": ("apiVersion: v1\nkind: Secret\nmetadata: {name: app}\nstringData:\n"
                        '  token: {{ required "token is required" .Values.token }}\n'),
        "deployment.yaml": (
            "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: app\nspec:\n"
            '  selector:\n    matchLabels: {{- include "common.labels" . | nindent 6 }}\n  template:\n'
            '    metadata:\n      labels: {{- include "common.labels" . | nindent 8 }}\n    spec:\n'
            "      containers:\n        - name: vllm\n          image: vllm/vllm-openai:v0.6.3\n"
            "          securityContext: {privileged: true}\n")})
    (app / "Chart.yaml").write_text("apiVersion: v2\nname: app\nversion: 0.1.0\ndependencies:\n  - name: common\n"
                                    "    version: 0.1.0\n    repository: file://../../lib/common\n")
    (app / "charts").mkdir()
    (app / "charts" / "common").symlink_to(Path("..", "..", "..", "lib", "common"))
    return tmp_path


@needs_helm
def test_a_partial_render_follows_a_relative_symlink_to_a_subchart(tmp_path, capsys):
    # the templates beside the one that cannot render are rendered in a copy of the chart: a relative link
    # copied as a link pointed nowhere there, and nothing was checked (reread19-b B7)
    code, out, err = run(_linked_chart(tmp_path), capsys, "--select", "GLM003", "charts/app")
    assert code == 2
    assert [e.split(": cannot render")[0] for e in err] == ["charts/app/templates/secret.yaml:5"]
    assert "charts/app/templates/deployment.yaml:15:41: critical GLM003" in out


@needs_helm
def test_helms_own_log_never_reaches_glmlints_standard_error(tmp_path):
    # Helm's SDK logs to the process's standard error itself ("INFO found symbolic link in path ..." for a
    # linked subchart): glmlint's standard error is its own lines only, each naming a file
    import subprocess
    import sys

    _linked_chart(tmp_path)
    done = subprocess.run([sys.executable, "-m", "glmlint", "check", "--select", "GLM003", "charts/app"],
                          cwd=tmp_path, capture_output=True, text=True, check=False)
    assert done.returncode == 2 and "GLM003" in done.stdout
    lines = [ln for ln in done.stderr.splitlines() if ln.strip()]
    assert lines and all(ln.startswith("charts/app/") for ln in lines), lines
    assert "symbolic link" not in done.stderr


@needs_helm
def test_a_warning_helm_logs_is_a_notice_naming_the_chart(tmp_path, capsys):
    # a subchart's `import-values` naming a value that is not a table: Helm renders and warns on its log
    chart = _write_chart(tmp_path / "app", "{}\n", {"cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n"})
    (chart / "Chart.yaml").write_text("apiVersion: v2\nname: app\nversion: 0.1.0\ndependencies:\n  - name: sub\n"
                                      "    version: 0.1.0\n    import-values: [{child: service, parent: sub}]\n")
    _write_chart(chart / "charts" / "sub", "service: 8080\n", {})
    code, _out, err = run(tmp_path, capsys, "app")
    assert code == 0
    assert [e for e in err if "Helm warns" in e] == [
        'app: Helm warns: ImportValues missing table from chart chart=sub error="\\"service\\" is not a table"']


@needs_kustomize
@needs_helm
@pytest.mark.parametrize("kube, found", [("", ("GLM008", 19)), ('kubeVersion: "1.19.0"', ("GLM003", 17))])
def test_helm_charts_render_with_the_kube_version_the_entry_gives(tmp_path, capsys, kube, found):
    # Kustomize passes an entry's `kubeVersion` (`apiVersions`) as `helm template --kube-version`: a template
    # branching on `.Capabilities.KubeVersion` writes what that cluster gets (main rendered Helm's SDK with its
    # default capabilities whatever the entry said)
    _write_chart(tmp_path / "charts" / "exporter", "image: nvcr.io/nvidia/k8s/dcgm-exporter:3.3.5-3.4.0-ubuntu22.04\n",
                 {"ds.yaml": (
                     "apiVersion: apps/v1\nkind: DaemonSet\nmetadata:\n  name: {{ .Release.Name }}-dcgm\nspec:\n"
                     "  selector:\n    matchLabels: {app: dcgm}\n  template:\n    metadata:\n"
                     "      labels: {app: dcgm}\n    spec:\n      containers:\n        - name: exporter\n"
                     "          image: {{ .Values.image }}\n          securityContext:\n"
                     '            {{- if semverCompare "<1.20-0" .Capabilities.KubeVersion.Version }}\n'
                     "            privileged: true\n            {{- else }}\n"
                     "            capabilities: {add: [SYS_ADMIN]}\n            {{- end }}\n")})
    (tmp_path / "kustomization.yaml").write_text(f"helmCharts:\n  - name: exporter\n    releaseName: gpu\n"
                                                 f"    {kube}\n")
    results = findings(tmp_path, capsys, "--select", "GLM003,GLM008", ".")
    assert [(r["code"], r["line"]) for r in results] == [found]
    assert {r["path"] for r in results} == {"charts/exporter/templates/ds.yaml"}


@needs_kustomize
@needs_helm
@pytest.mark.parametrize("kube, template, error", [
    # Helm refuses a cluster the chart's `kubeVersion` excludes: the entry's line, Helm's reason
    ('kubeVersion: "1.20.0"', "", ("kustomization.yaml", 2, "cannot render the Kustomize overlay `.`: its `helmCharts` "
                                   "chart `cap` does not render: chart requires kubeVersion: >=1.25.0-0 which is "
                                   "incompatible with Kubernetes v1.20.0; fix it")),
    # a template Helm cannot execute: its line, as a chart's own render error is placed
    ('kubeVersion: "1.30.0"', "  a: {{ .Values.image.tag }}\n", ("charts/cap/templates/cm.yaml", 6, "cannot render "
                                                                  "the Kustomize overlay `.`: its `helmCharts` chart "
                                                                  "`cap` does not render: cap/templates/cm.yaml:6:")),
    # one switch away: a cluster the chart takes renders, and is checked
    ('kubeVersion: "1.30.0"', "", None),
    # no `kubeVersion` in the entry: `helm template` checks the chart against Helm's default, as Kustomize runs it
    # (main: Helm's SDK rendered a chart `helm template` refuses)
    ("", "", ("kustomization.yaml", 2, "cannot render the Kustomize overlay `.`: its `helmCharts` chart `cap` does not "
                                       "render: chart requires kubeVersion: <1.30.0-0 which is incompatible with "
                                       "Kubernetes v1.")),
])
def test_a_helm_charts_entry_helm_refuses_is_one_line_with_helms_reason(tmp_path, capsys, kube, template, error):
    # Kustomize appends its own `unable to run: '<helm> template ...' with env=[...] (is '<helm>' installed?)` to
    # the command's error; glmlint's own command ran (main: that whole line, blaming a missing `helm`, at the
    # overlay directory with no line)
    chart = _write_chart(tmp_path / "charts" / "cap", "{}\n", {"cm.yaml": (
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cfg\ndata:\n" + (template or "  a: b\n"))})
    taken = '">=1.25.0-0"' if kube else '"<1.30.0-0"'  # (Helm's default is past 1.30)
    (chart / "Chart.yaml").write_text(f'apiVersion: v2\nname: cap\nversion: 0.1.0\nkubeVersion: {taken}\n')
    (tmp_path / "kustomization.yaml").write_text(f"helmCharts:\n- name: cap\n  releaseName: cap\n  {kube}\n")
    code, _out, err = run(tmp_path, capsys, "--select", "GLM001", ".")
    built = [e for e in err if "Kustomize overlay" in e]
    if error is None:
        assert code == 0 and built == []
        return
    path, line, says = error
    assert code == 2 and len(built) == 1, err
    assert built[0].startswith(f"{path}:{line}: {says}"), built[0]
    assert "unable to run" not in built[0] and "installed?" not in built[0]


@needs_helm
def test_the_sdk_renders_with_the_api_versions_and_keeps_the_hooks(tmp_path):
    # `helm template --api-versions monitoring.coreos.com/v1`: `.Capabilities.APIVersions.Has` is true for it;
    # the hooks are printed as without the flag
    from glmlint import helm

    chart = _write_chart(tmp_path / "mon", "{}\n", {
        "sm.yaml": ('{{- if .Capabilities.APIVersions.Has "monitoring.coreos.com/v1" }}\n'
                    "apiVersion: monitoring.coreos.com/v1\nkind: ServiceMonitor\nmetadata: {name: m}\n{{- end }}\n"),
        "hook.yaml": ("apiVersion: v1\nkind: Pod\nmetadata:\n  name: t\n  annotations: {helm.sh/hook: test}\n"
                      "spec:\n  containers: [{name: t, image: busybox:1.36}]\n")})
    plain = helm.render_manifests(str(chart), [])
    assert "ServiceMonitor" not in plain.get("mon/templates/sm.yaml", "")
    got = helm.render_manifests(str(chart), [], versions=("--api-versions", "monitoring.coreos.com/v1",
                                                           "--kube-version", "1.29.0"))
    assert "kind: ServiceMonitor" in got["mon/templates/sm.yaml"]
    assert "helm.sh/hook: test" in got["mon/templates/hook.yaml"]


@needs_helm
def test_values_a_charts_schema_refuses_are_reported_at_the_values_line(tmp_path, capsys):
    # Helm checks the values against the chart's values.schema.json before rendering; its error names a
    # JSON pointer (`at '/server/replicas'`): the line is the last values file that sets it (main: no line)
    _write_chart(tmp_path / "tracking", "server:\n  replicas: 1\n  hostNetwork: false\n", {"pod.yaml": (
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: mlflow\nspec:\n"
        "  hostNetwork: {{ .Values.server.hostNetwork }}\n  containers:\n"
        "    - {name: mlflow, image: 'ghcr.io/mlflow/mlflow:v2.19.0'}\n")},
        values_schema_json='{"type": "object", "properties": {"server": {"type": "object", "properties": {'
                           '"replicas": {"type": "integer"}, "hostNetwork": {"type": "boolean"}}}}}\n')
    (tmp_path / "prod.yaml").write_text("# production\nserver:\n  hostNetwork: true\n  replicas: two\n")
    code, out, err = run(tmp_path, capsys, "--values", "prod.yaml", "tracking")
    assert code == 2 and len(err) == 1
    assert err[0].startswith("prod.yaml:4: cannot render the Helm chart `tracking`: values don't meet the "
                             "specifications of the schema(s)")
    assert "at '/server/replicas': got string, want integer" in err[0]
    # the same value given by `--set` is no file's line: the chart is named
    code, out, err = run(tmp_path, capsys, "--set", "server.replicas=two", "tracking")
    assert code == 2 and err[0].startswith("tracking: cannot render the Helm chart `tracking`: values don't")
    # a value the schema takes: the chart renders with the file, its finding at the values line it came from
    (tmp_path / "prod.yaml").write_text("# production\nserver:\n  hostNetwork: true\n  replicas: 2\n")
    results = findings(tmp_path, capsys, "--values", "prod.yaml", "--select", "GLM009", "tracking")
    assert place(results, "GLM009") == [("tracking/templates/pod.yaml", 6, 3, [("prod.yaml", 3)])]


@needs_helm
@pytest.mark.parametrize("verbs, at", [("[get, list]", ("files/rbac.yaml", 9)),
                                       ('[get, "{{ .Values.listVerb }}"]', ("templates/rbac.yaml", 1))])
def test_an_object_a_template_reads_from_a_chart_file_is_placed_in_that_file(tmp_path, capsys, verbs, at):
    # KServe's chart renders its ClusterRole from files/kserve/resources.yaml (`.Files.Get`, then `tpl`):
    # the finding is at the rule's line in that file (main: the template's `{{ ... .Files.Get ... }}` line);
    # a rule the template's `tpl` changes (a value in it) is not that file's as written: the template line
    _write_chart(tmp_path / "serving", "listVerb: list\n",
                 {"rbac.yaml": '{{ tpl (.Files.Get "files/rbac.yaml") . }}\n'})
    (tmp_path / "serving" / "files").mkdir()
    (tmp_path / "serving" / "files" / "rbac.yaml").write_text(
        "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata:\n  name: serving-manager\n"
        "rules:\n- apiGroups: ['']\n  resources: [configmaps]\n  verbs: [get]\n- apiGroups: ['']\n"
        f"  resources: [secrets]\n  verbs: {verbs}\n")
    results = findings(tmp_path, capsys, "--select", "GLM042", "serving")
    assert [(r["path"], r["line"]) for r in results] == [("serving/" + at[0], at[1])]
    assert "get`, `list` on `secrets`" in results[0]["message"]


@needs_helm
@pytest.mark.parametrize("given, at", [
    ((), ("jupyterhub/values.yaml", 5, 28)),
    # a values file of one's own that sets it: that file's line
    (("-f", "mine.yaml"), ("mine.yaml", 4, 28)),
    # a shared password: only that password logs in (jupyterhub auth.py `DummyAuthenticator.authenticate`)
    (("--set", "hub.config.DummyAuthenticator.password=a-long-shared-secret"), None),
    # `hub.extraConfig` is Python the hub runs: its login may be anything
    (("--set", "hub.extraConfig.auth=c.JupyterHub.authenticator_class='github'"), None),
])
def test_a_z2jh_dummy_login_is_reported_at_the_values_line_that_set_it(tmp_path, capsys, given, at):
    # zero-to-jupyterhub hands the hub its whole values in a Secret (`values.yaml: {{ $values | toYaml |
    # b64enc }}`); the proxy's login is the hub's: the finding points at the values line a user edits, with
    # the template that wrote the Secret beside it, not at the Secret's template line
    shutil.copytree(FIXTURES / "jupyterhub", tmp_path / "jupyterhub")
    (tmp_path / "mine.yaml").write_text("hub:\n  config:\n    JupyterHub:\n      authenticator_class: dummy\n")
    results = [r for r in findings(tmp_path, capsys, "--select", "GLM017,GLM044", *given, "jupyterhub")]
    got = [(r["path"], r["line"], r["column"], [(x["path"], x["line"]) for x in r["related"]])
           for r in results if r["code"] == "GLM017"]
    assert got == ([] if at is None else [(*at, [("jupyterhub/templates/hub-secret.yaml", 9)])])
    # the hub runs KubeSpawner (its image), which starts the users' servers with the pod's token: no fix stops it
    hub = [r for r in results if r["code"] == "GLM044"]
    assert [(r["path"], r["line"], r["fix"]) for r in hub] == [("jupyterhub/templates/hub-deployment.yaml", 12, None)]
    assert "KubeSpawner in the hub starts each user's notebook server as a pod" in hub[0]["message"]


class _RenamedSdk:
    """A helm-python-sdk release whose binding no longer has the private `_native` (review A20 D1)."""

    class HelmError(Exception):
        pass


def test_an_sdk_without_the_private_install_call_is_a_render_error_not_a_traceback() -> None:
    from glmlint.helm import RenderError, _with_capabilities

    with pytest.raises(RenderError, match=r"helm-python-sdk .* cannot render with `kubeVersion`/`apiVersions` "
                                          r"\(AttributeError"):
        _with_capabilities(_RenamedSdk, object(), {}, "release", "default", ("--kube-version", "1.30.0"), {})


def test_the_helm_extra_is_bounded_below_the_next_minor_release() -> None:
    # `_with_capabilities` calls the binding's private names: a 0.x release may rename them
    text = (Path(__file__).parent.parent / "pyproject.toml").read_text()
    assert text.count('"helm-python-sdk>=0.2.2,<0.3"') == 2
    assert '"helm-python-sdk>=0.2.2"' not in text


@needs_helm
@pytest.mark.parametrize("kube, privileged, says", [
    # Helm's default (the SDK's v1.36.0, `helm template`'s own) is excluded: `helm install` deploys it only to a
    # cluster it takes, where the `<1.30` branch is what is written (main: rendered for the default, no finding)
    ('"<1.30.0-0"', True, "rendered for v1.29.0, the nearest version it takes"),
    ('">=1.19.0-0 <1.30.0-0"', True, "rendered for v1.29.0"),
    # one switch away: the default is taken, rendered as before, nothing said
    ('">=1.25.0-0"', False, None),
])
def test_a_chart_whose_kube_version_excludes_helms_default_renders_for_one_it_takes(tmp_path, capsys, kube,
                                                                                     privileged, says):
    chart = _write_chart(tmp_path / "exporter", "{}\n", {"ds.yaml": (
        "apiVersion: apps/v1\nkind: DaemonSet\nmetadata:\n  name: dcgm\nspec:\n  selector:\n    matchLabels: {app: dcgm}\n"
        "  template:\n    metadata:\n      labels: {app: dcgm}\n    spec:\n      containers:\n        - name: exporter\n"
        "          image: nvcr.io/nvidia/k8s/dcgm-exporter:3.3.5-3.4.0-ubuntu22.04\n          securityContext:\n"
        '            {{- if semverCompare "<1.30-0" .Capabilities.KubeVersion.Version }}\n'
        "            privileged: true\n            {{- else }}\n            capabilities: {add: [SYS_ADMIN]}\n"
        "            {{- end }}\n")})
    (chart / "Chart.yaml").write_text(f"apiVersion: v2\nname: exporter\nversion: 0.1.0\nkubeVersion: {kube}\n")
    code, out, err = run(tmp_path, capsys, "--format", "json", "--select", "GLM003,GLM008", "exporter")
    assert code == 1, err
    assert [(r["code"], r["path"], r["line"]) for r in json.loads(out)] == (
        [("GLM003", "exporter/templates/ds.yaml", 17)] if privileged else [("GLM008", "exporter/templates/ds.yaml", 19)])
    notes = [e for e in err if "kubeVersion" in e]
    assert (notes == []) if says is None else (len(notes) == 1 and says in notes[0]), err


@needs_helm
def test_a_chart_whose_kube_version_no_cluster_has_is_helms_refusal(tmp_path, capsys):
    # no Kubernetes version near Helm's default is taken: Helm's own refusal, as `helm template` gives it (main:
    # rendered for the default as if the chart took it)
    chart = _write_chart(tmp_path / "old", "{}\n", {"cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n"})
    (chart / "Chart.yaml").write_text('apiVersion: v2\nname: old\nversion: 0.1.0\nkubeVersion: "<1.0.0"\n')
    code, _out, err = run(tmp_path, capsys, "old")
    assert code == 2 and len(err) == 1, err
    assert err[0].startswith("old: cannot render the Helm chart `old`: chart requires kubeVersion: <1.0.0 which is "
                             "incompatible with Kubernetes v1."), err


@needs_helm
@pytest.mark.parametrize("kube", ['kubeVersion: ">=1.30.0-0"\n', ""])
def test_a_chart_with_kube_version_and_a_missing_dependency_renders_without_it(tmp_path, capsys, kube):
    # field23 F23-7 (gpustack/gpustack@47277d79 charts/gpustack-chart): the dry-run install that checks
    # `kubeVersion` refuses missing dependencies; the chart renders without them, as it does with no `kubeVersion`
    chart = tmp_path / "chart"
    (chart / "templates").mkdir(parents=True)
    (chart / "Chart.yaml").write_text(
        "apiVersion: v2\nname: app\nversion: 0.1.0\n" + kube + "dependencies:\n"
        '  - {name: gateway, version: "2.1.9", repository: "https://example.com/charts", condition: gateway.enabled}\n')
    (chart / "values.yaml").write_text("gateway: {enabled: true}\n")
    (chart / "templates" / "deploy.yaml").write_text(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: app}\nspec:\n  selector: {matchLabels: {app: a}}\n"
        "  template:\n    metadata: {labels: {app: a}}\n    spec:\n      containers:\n        - name: app\n"
        "          image: nginx:1.27\n          securityContext: {privileged: true}\n")
    code, out, err = run(tmp_path, capsys, "--select", "GLM003", "chart")
    assert code == 1 and "chart/templates/deploy.yaml:12:" in out, err
    assert any("dependencies not in `charts/`, not rendered: gateway" in line for line in err)


_CRD_GATE = ('{{- if .Values.clickhouse.crdCheck -}}\n'
             '{{- if not ($.Capabilities.APIVersions.Has "clickhouse.com/v1alpha1/ClickHouseCluster") -}}\n'
             '{{- fail "ClickHouse operator CRDs not found" -}}\n{{- end -}}\n'
             '{{- if not ($.Capabilities.APIVersions.Has "clickhouse.com/v1alpha1/KeeperCluster") -}}\n'
             '{{- fail "KeeperCluster CRD not found" -}}\n{{- end -}}\n{{- end -}}\n')


@needs_helm
@pytest.mark.parametrize("gate, dependency, rendered", [
    # field23 F23-11 (langfuse/langfuse-k8s@f5e4abf3 charts/langfuse/templates/validations.yaml:105-111): the
    # gate fails where the cluster lacks the ClickHouse operator's CRDs; `helm install` installs the chart as
    # written wherever the operator is (main: a render error, nothing checked)
    (_CRD_GATE, False, True),
    # with a dependency missing from `charts/` (Langfuse's postgres/valkey/seaweedfs), as without one
    (_CRD_GATE, True, True),
    # one switch away: the same gate refuses the values too (no host): refused wherever it is installed, Helm's error
    (_CRD_GATE + '{{- if not .Values.clickhouse.host }}{{ fail "clickhouse.host is required" }}{{ end }}\n', False,
     False),
])
def test_a_gate_on_an_operators_api_versions_renders_where_they_are_served(tmp_path, capsys, gate, dependency,
                                                                           rendered):
    chart = _write_chart(tmp_path / "lf", "clickhouse: {crdCheck: true}\n", {"validations.yaml": gate, "deploy.yaml": (
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  selector: {matchLabels: {app: w}}\n"
        "  template:\n    metadata: {labels: {app: w}}\n    spec:\n      containers:\n        - name: web\n"
        "          image: langfuse/langfuse:3\n          securityContext: {privileged: true}\n")})
    if dependency:
        (chart / "Chart.yaml").write_text(
            "apiVersion: v2\nname: lf\nversion: 0.1.0\ndependencies:\n"
            '  - {name: postgres, version: "1.6.3", repository: "https://example.com/charts", alias: postgresql}\n')
    code, out, err = run(tmp_path, capsys, "--select", "GLM003", "lf")
    if not rendered:
        assert code == 2 and "GLM003" not in out and len(err) == 1, err
        assert err[0].startswith("lf/templates/validations.yaml:9: cannot render") and "host is required" in err[0], err
        return
    assert code == 1 and "lf/templates/deploy.yaml:12:" in out and "GLM003" in out, err
    notes = [e for e in err if "--api-versions" in e]
    assert len(notes) == 1 and ("rendered with `--api-versions clickhouse.com/v1alpha1/ClickHouseCluster,"
                                "clickhouse.com/v1alpha1/KeeperCluster`") in notes[0], err
    assert notes[0].startswith("lf: `lf/templates/validations.yaml:3` refuses the chart"), err
    # with the check turned off by the values, the chart renders as it always did: nothing said
    code, out, err = run(tmp_path, capsys, "--select", "GLM003", "--set", "clickhouse.crdCheck=false", "lf")
    assert code == 1 and "GLM003" in out and not any("--api-versions" in e for e in err), err


@needs_helm
@pytest.mark.parametrize("helper, rendered", [
    # reread24 R4: the gate written in a named template the failing one `include`s (a chart's `_helpers.tpl`)
    ('{{- define "lf.checks" -}}\n' + _CRD_GATE + '{{- end -}}\n', True),
    # one switch away: the helper refuses the values (no host), wherever the chart is installed
    ('{{- define "lf.checks" -}}\n{{- if not .Values.clickhouse.host }}{{ fail "clickhouse.host is required" }}'
     '{{ end }}\n{{- end -}}\n', False),
])
def test_a_gate_in_an_included_helper_renders_where_the_apis_are_served(tmp_path, capsys, helper, rendered):
    chart = _write_chart(tmp_path / "lf", "clickhouse: {crdCheck: true}\n", {
        "_helpers.tpl": helper, "validations.yaml": '{{- include "lf.checks" . -}}\n', "deploy.yaml": (
            "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  selector: {matchLabels: {app: w}}\n"
            "  template:\n    metadata: {labels: {app: w}}\n    spec:\n      containers:\n        - name: web\n"
            "          image: langfuse/langfuse:3\n          securityContext: {privileged: true}\n")})
    assert chart.is_dir()
    code, out, err = run(tmp_path, capsys, "--select", "GLM003", "lf")
    if not rendered:
        assert code == 2 and "GLM003" not in out and "host is required" in " ".join(err), err
        return
    assert code == 1 and "lf/templates/deploy.yaml:12:" in out, err
    assert any("rendered with `--api-versions clickhouse.com/v1alpha1/ClickHouseCluster,"
               "clickhouse.com/v1alpha1/KeeperCluster`" in e for e in err), err


@needs_helm
@pytest.mark.parametrize("url, related", [
    # field23 F23-9 (chroma-core/chroma@93652ec0 k8s/distributed-chroma/templates/sysdb-migration.yaml:18): a URL
    # written from four values says where its password is set, not where each piece is (main: lines 2, 3, 4, 5)
    ("postgres://{{ .Values.db.user }}:{{ .Values.db.password }}@{{ .Values.db.host }}:{{ .Values.db.port }}/app",
     [("chart/values.yaml", 3)]),
    # the password written in the template itself: that line is the place, no values line is
    ("postgres://{{ .Values.db.user }}:Zq8s7d6fKp@{{ .Values.db.host }}/app", []),
])
def test_a_url_written_from_several_values_names_its_passwords_line(tmp_path, capsys, url, related):
    chart = _write_chart(tmp_path / "chart", "db:\n  user: app\n  password: Zq8s7d6fKp\n  host: db\n  port: 5432\n", {
        "deploy.yaml": (
            "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: migrate\nspec:\n"
            "  selector: {matchLabels: {app: m}}\n  template:\n    metadata: {labels: {app: m}}\n    spec:\n"
            "      containers:\n        - name: migrate\n          image: migrate/migrate:v4.17.0\n"
            f"          args: ['migrate', '--url', '{url}']\n")})
    assert chart.is_dir()
    results = findings(tmp_path, capsys, "--select", "GLM013", "chart")
    assert [(r["path"], r["line"]) for r in results] == [("chart/templates/deploy.yaml", 13)]
    assert [(x["path"], x["line"]) for x in results[0]["related"]] == related
