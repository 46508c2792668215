"""Templates are not manifests: a clear notice, never a parse error."""
from __future__ import annotations

from tests.hostile.util import GOOD_DOCKERFILE, check, line_for, make

DEPLOY = """apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ include "app.fullname" . }}
spec:
  template:
    spec:
      containers:
        - name: app
          image: "{{ .Values.image.repository }}:{{ .Values.image.tag }}"
          {{- with .Values.securityContext }}
          securityContext:
            {{- toYaml . | nindent 12 }}
          {{- end }}
"""


def test_helm_chart_is_rendered_and_a_render_error_names_the_template_line(tmp_path, capsys):
    make(tmp_path, {"chart/Chart.yaml": "apiVersion: v2\nname: app\nversion: 1.0.0\n",
                    "chart/values.yaml": "image: {repository: x, tag: latest}\n",
                    "chart/templates/deployment.yaml": DEPLOY, "Dockerfile": GOOD_DOCKERFILE})
    code, out, err = check(tmp_path, capsys)
    assert code == 2 and "GLM001" in out  # the chart's error, and the rest of the scan went on
    assert len(err) == 1 and err[0].startswith(
        "chart/templates/deployment.yaml:4: cannot render the Helm chart `chart`: ")
    assert 'no template "app.fullname"' in err[0]


def test_helm_chart_templates_get_a_skip_notice_when_rendering_is_off(tmp_path, capsys):
    make(tmp_path, {"chart/Chart.yaml": "apiVersion: v2\nname: app\nversion: 1.0.0\n",
                    "chart/values.yaml": "image: {repository: x, tag: latest}\n",
                    "chart/templates/deployment.yaml": DEPLOY, "Dockerfile": GOOD_DOCKERFILE,
                    ".glmlint.toml": "render = false\n"})
    code, out, err = check(tmp_path, capsys)
    assert code == 1 and "GLM001" in out  # a notice does not make the exit status 2
    assert line_for(err, "chart/templates/deployment.yaml") == (
        "chart/templates/deployment.yaml:1: skipped: Helm template, render it first "
        "(`helm template … | glmlint check -`)")
    assert len(err) == 1


def test_jinja_templated_yaml_gets_a_skip_notice(tmp_path, capsys):
    make(tmp_path, {
        "deploy/docker-compose.yml.j2": "ignored by name\n",
        "docker-compose.yml": "services:\n{% for s in services %}\n  {{ s.name }}:\n    image: {{ s.image }}\n"
                              "{% endfor %}\n",
        "k8s/pod.yaml": "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n"
                        "  - name: c\n    image: {{ image }}\n",
    })
    code, _out, err = check(tmp_path, capsys)
    assert code == 0
    assert sorted(err) == ["docker-compose.yml:1: skipped: template (`{{ }}`/`{% %}`), render it first",
                           "k8s/pod.yaml:1: skipped: template (`{{ }}`), render it first"]
