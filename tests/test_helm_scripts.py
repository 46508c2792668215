"""A chart installed by the project's script with a values file (field22 F22-5, NVIDIA nim-deploy's
cds-blueprint-aks `k8s_up.sh`: `helm upgrade --install visual-search visual-search --values values.yaml`):
rendered with those values, as it is deployed."""
from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from glmlint.helmscripts import _command
from tests.test_render import fix, needs_helm, run

_UP = """\
    #!/bin/bash
    set -euo pipefail
    SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
    pushd "${SCRIPT_DIR}"
    helm upgrade --install visual-search visual-search \\
      --values %s --set "env.NVIDIA_API_KEY=$NGC_API_KEY"
    popd
"""
_TEMPLATE = """\
    apiVersion: apps/v1
    kind: Deployment
    metadata:
      name: {{ .Values.visualSearch.name }}
    spec:
      selector:
        matchLabels: {app: {{ .Values.visualSearch.name }}}
      template:
        metadata:
          labels: {app: {{ .Values.visualSearch.name }}}
        spec:
          containers:
            - name: {{ .Values.visualSearch.name }}
              image: {{ .Values.visualSearch.image }}
              env:
                - name: NVIDIA_API_KEY
                  value: {{ .Values.env.NVIDIA_API_KEY | quote }}
              securityContext:
                privileged: true
"""


def _blueprint(tmp_path: Path, values: str = "values.yaml", scripts: dict[str, str] | None = None) -> Path:
    files = {
        "blueprint/values.yaml": "visualSearch:\n  name: visual-search\n  image: nvcr.io/nvidia/blueprint/vss-engine:2.1.0\n",
        "blueprint/visual-search/Chart.yaml": "apiVersion: v2\nname: visual-search\nversion: 0.1.0\n",
        "blueprint/visual-search/values.yaml": "env:\n  NVIDIA_API_KEY: \"\"\n",
        "blueprint/visual-search/templates/deployment.yaml": textwrap.dedent(_TEMPLATE),
        **(scripts if scripts is not None else {"blueprint/k8s_up.sh": textwrap.dedent(_UP % values)}),
    }
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    return tmp_path


@needs_helm
def test_a_chart_is_rendered_with_the_values_file_its_install_script_names(tmp_path, capsys) -> None:
    code, out, lines = run(_blueprint(tmp_path), capsys, "--select", "GLM003", ".")
    err = "\n".join(lines)
    assert "cannot render" not in err
    assert "blueprint/visual-search/templates/deployment.yaml:19:" in out and "GLM003" in out
    assert "rendered with the values `blueprint/k8s_up.sh:5` installs it with (`blueprint/values.yaml`)" in err


@needs_helm
@pytest.mark.parametrize("scripts", [
    # a values file the script reads from a variable: not known here
    {"blueprint/k8s_up.sh": textwrap.dedent(_UP % '"${VALUES_FILE}"')},
    # a test's install (a kind cluster): not what is deployed
    {"blueprint/kind-e2e.sh": textwrap.dedent(_UP % "values.yaml")},
    # two scripts installing it with different values: which one is deployed is not known
    {"blueprint/k8s_up.sh": textwrap.dedent(_UP % "values.yaml"),
     "blueprint/aks_up.sh": textwrap.dedent(_UP % "values-aks.yaml"),
     "blueprint/values-aks.yaml": "visualSearch:\n  name: vs-dev\n  image: nvcr.io/nvidia/blueprint/vss-engine:2.1.0\n"},
])
def test_values_a_script_does_not_name_for_certain_are_not_used(tmp_path, capsys, scripts) -> None:
    code, out, lines = run(_blueprint(tmp_path, scripts=scripts), capsys, "--select", "GLM003", ".")
    err = "\n".join(lines)
    assert "cannot render the Helm chart `blueprint/visual-search`" in err and "nil pointer" in err


@needs_helm
def test_values_given_on_the_command_line_win_over_the_scripts(tmp_path, capsys) -> None:
    root = _blueprint(tmp_path)
    (root / "other.yaml").write_text("visualSearch:\n  name: other\n  image: nvcr.io/nvidia/other:1.0\n")
    code, out, lines = run(root, capsys, "--select", "GLM003", "--values", "other.yaml", ".")
    err = "\n".join(lines)
    assert "rendered with the values" not in err and "container `other`" in out


@pytest.mark.parametrize(("verb", "rest", "chart", "values", "sets"), [
    ("upgrade", "--install -n serving rel ./chart -f a.yaml --values=b.yaml --set x=1 --set y=$Y",
     "chart", ("a.yaml", "b.yaml"), ("x=1",)),
    ("install", "--generate-name chart -f a.yaml", "chart", ("a.yaml",), ()),
    ("template", "chart --values a.yaml", None, (), ()),  # a render for linting or diffing, not an install
    ("upgrade", "rel chart --values a.yaml", None, (), ()),  # an upgrade of a release installed otherwise
    ("install", "rel chart --repo https://charts.example.com -f a.yaml", None, (), ()),
    ("install", "rel bitnami/redis -f a.yaml", None, (), ()),  # a repository's chart, not this one
    ("install", "rel chart -f https://example.com/values.yaml", None, (), ()),
    # field24: a trailing word that is only a variable is the installer's options (llmaz's Makefile
    # `... -f ./chart/values.global.yaml --create-namespace $(HELM_EXT_OPTS)`, `HELM_EXT_OPTS ?=`)
    ("upgrade", "--install rel ./chart -f a.yaml --create-namespace ${OPTS}", "chart", ("a.yaml",), ()),
    ("install", "rel chart $EXTRA", "chart", (), ()),
    ("install", "rel chart other $EXTRA", None, (), ()),  # three literal words: which is the chart is not known
    ("install", "$RELEASE $CHART", None, (), ()),  # the chart a variable names
])
def test_a_helm_command_line_is_read_as_helm_reads_it(tmp_path, verb, rest, chart, values, sets) -> None:
    (tmp_path / "chart").mkdir()
    (tmp_path / "chart" / "Chart.yaml").write_text("apiVersion: v2\nname: chart\nversion: 0.1.0\n")
    for name in ("a.yaml", "b.yaml"):
        (tmp_path / name).write_text("x: 1\n")
    got = _command(verb, rest, str(tmp_path))
    if chart is None:
        assert got is None
    else:
        assert got == (str((tmp_path / chart).resolve()), tuple(str(tmp_path / v) for v in values), sets)


@needs_helm
def test_values_a_chart_does_not_render_with_give_way_to_its_own(tmp_path, capsys) -> None:
    # review A23 K9: the script's `--set ingress.host=$HOST` is what its values file's `required` reads; without
    # it the chart renders with its own values, as before, and its findings and fixes stay
    root = _blueprint(tmp_path, scripts={
        "deploy.sh": "#!/bin/sh\nhelm upgrade --install app ./chart -f values-prod.yaml --set ingress.host=$HOST\n",
        "values-prod.yaml": "ingress:\n  enabled: true\n",
        "chart/Chart.yaml": "apiVersion: v2\nname: app\nversion: 0.1.0\n",
        "chart/values.yaml": "ingress:\n  enabled: false\n",
        "chart/templates/ing.yaml": "{{- if .Values.ingress.enabled }}\napiVersion: v1\nkind: ConfigMap\n"
                                    "metadata:\n  name: {{ required \"ingress.host is required\" .Values.ingress.host }}\n"
                                    "{{- end }}\n",
        "chart/templates/pod.yaml": "apiVersion: v1\nkind: Pod\nmetadata: {name: app}\nspec:\n  containers:\n"
                                    "    - name: app\n      image: nginx:1.27\n      securityContext: {privileged: true}\n",
    })
    code, out, lines = run(root, capsys, "--select", "GLM003", "chart")
    err = "\n".join(lines)
    assert code == 1, err
    assert "chart/templates/pod.yaml:8:" in out and "cannot render" not in err
    assert "the values `deploy.sh:2` installs it with (`values-prod.yaml`) do not render it" in err
    # and `fix` verifies its edit with what `check` rendered with (reread23 R4: the edited copy was rendered with
    # the script's values, which raise, and the fix was withheld)
    code, out, lines = fix(root, capsys, "--unsafe-fixes", "--select", "GLM003", "chart")
    assert code == 1, "\n".join(lines)
    assert "+      securityContext: {privileged: false}" in out and "not fixed" not in "\n".join(lines)


def test_a_chart_made_after_its_script_was_read_is_seen_in_the_same_process(tmp_path) -> None:
    # reread23 R7: the script's reading is kept by its stamp, not whether its chart is there (a language
    # server scans again after the user adds Chart.yaml)
    from glmlint.helmscripts import values_for

    (tmp_path / "deploy.sh").write_text("#!/bin/sh\nhelm upgrade --install app ./chart -f values-prod.yaml\n")
    (tmp_path / "values-prod.yaml").write_text("replicas: 2\n")
    (tmp_path / "chart").mkdir()
    assert values_for(str(tmp_path / "chart")) is None
    (tmp_path / "chart" / "Chart.yaml").write_text("apiVersion: v2\nname: app\nversion: 0.1.0\n")
    got = values_for(str(tmp_path / "chart"))
    assert got is not None and got[0] == (str(tmp_path / "values-prod.yaml"),)


def test_a_makefile_install_with_a_trailing_options_variable_gives_its_values(tmp_path) -> None:
    """llmaz (InftyAI/llmaz at 3c13ff34) `make helm-install`: its chart renders only with the values file
    the Makefile names (`.Values.backendRuntime.enabled` is in values.global.yaml alone)."""
    from glmlint.helmscripts import values_for

    (tmp_path / "chart").mkdir()
    (tmp_path / "chart" / "Chart.yaml").write_text("apiVersion: v2\nname: llmaz\nversion: 0.1.0\n")
    (tmp_path / "chart" / "values.global.yaml").write_text("backendRuntime:\n  enabled: true\n")
    make = ("HELM_EXT_OPTS ?=\n\n.PHONY: helm-install\nhelm-install: helm\n"
            "\thelm upgrade --namespace llmaz-system --install llmaz ./chart -f ./chart/values.global.yaml"
            " --dependency-update --create-namespace $(HELM_EXT_OPTS)\n")
    (tmp_path / "Makefile").write_text(make)
    got = values_for(str(tmp_path / "chart"))
    assert got == ((str(tmp_path / "chart" / "values.global.yaml"),), (), f"{tmp_path / 'Makefile'}:5")
    # a variable before the release: where the words it holds go is not known
    (tmp_path / "Makefile").write_text(make.replace("--install llmaz", "--install $$EXTRA llmaz"))
    assert values_for(str(tmp_path / "chart")) is None


def test_helm_global_flags_before_the_verb_are_read(tmp_path) -> None:
    """roboflow/inference (3bb973b5) inference/enterprise/helm-chart: a chart with no values.yaml whose README
    installs it with `helm --namespace infer upgrade --create-namespace --install ... -f .../values-cpu.yaml`;
    Helm's global flags (persistent on its root command) may come before the verb, as cobra reads them."""
    from glmlint.helmscripts import values_for

    (tmp_path / "chart").mkdir()
    (tmp_path / "chart" / "Chart.yaml").write_text("apiVersion: v2\nname: infer\nversion: 0.1.0\n")
    (tmp_path / "chart" / "values-cpu.yaml").write_text("service:\n  port: 9001\n")
    for line in ("helm --namespace infer upgrade --create-namespace --install infer chart/ -f chart/values-cpu.yaml",
                 "helm -n infer --debug install infer chart/ -f chart/values-cpu.yaml"):
        (tmp_path / "README.md").write_text(f"```bash\n{line}\n```\n")
        got = values_for(str(tmp_path / "chart"))
        assert got == ((str(tmp_path / "chart" / "values-cpu.yaml"),), (), f"{tmp_path / 'README.md'}:2"), line
    # a render, not an install: what a user's install gets is not said there
    (tmp_path / "README.md").write_text("```bash\nhelm --namespace infer template infer chart/ -f chart/values-cpu.yaml\n```\n")
    assert values_for(str(tmp_path / "chart")) is None
