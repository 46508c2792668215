"""Charts and overlays laid out as teams write them, rendered with the real renderers (Helm's SDK or
`helm`, `kubectl kustomize`): vendored `.tgz` subcharts, aliased dependencies, templates whose
output is not YAML, JSON 6902 patches (files and inline), Components named through their files,
`helmCharts:` generators. Each finding must point at a line a user can open, or say why it cannot.
"""
from __future__ import annotations

import json
import os
import shutil
import tarfile
import textwrap
from pathlib import Path

import pytest

from tests.test_render import findings as findings_json, needs_helm, needs_kustomize, run


def _sdk() -> bool:
    import importlib.util

    return importlib.util.find_spec("helm_python") is not None


def write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"))


def findings(cwd: Path, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[list[dict], list[str]]:
    code, out, err = run(cwd, capsys, "--format", "json", *args)
    assert code in (0, 1), err
    return json.loads(out), err


REDIS = {
    "Chart.yaml": """
        apiVersion: v2
        name: redis
        version: 17.3.2
    """,
    "values.yaml": """
        securityContext:
          runAsUser: 0
    """,
    "templates/statefulset.yaml": """
        apiVersion: apps/v1
        kind: StatefulSet
        metadata:
          name: {{ .Release.Name }}-redis
        spec:
          serviceName: redis
          selector:
            matchLabels: {app: redis}
          template:
            metadata:
              labels: {app: redis}
            spec:
              containers:
                - name: redis
                  image: redis:7.2.4
                  securityContext:
                    {{- toYaml .Values.securityContext | nindent 12 }}
    """,
}

PARENT = {
    "Chart.yaml": """
        apiVersion: v2
        name: inference
        version: 0.1.0
        dependencies:
          - name: redis
            version: 17.3.2
            repository: oci://registry-1.docker.io/bitnamicharts
            alias: cache
          - name: postgresql
            version: 15.5.0
            repository: https://charts.bitnami.com/bitnami
    """,
    "values.yaml": """
        cache:
          securityContext:
            runAsUser: 0
            privileged: true
    """,
    "templates/NOTES.txt": "kubectl port-forward svc/{{ .Release.Name }} 8000\n",
}


@pytest.fixture
def vendored(tmp_path: Path) -> Path:
    """A chart whose aliased dependency is vendored as Helm packs it: `charts/redis-17.3.2.tgz`."""
    write(tmp_path / "inference", PARENT)
    write(tmp_path / "src" / "redis", REDIS)
    (tmp_path / "inference" / "charts").mkdir()
    with tarfile.open(tmp_path / "inference" / "charts" / "redis-17.3.2.tgz", "w:gz") as tar:
        tar.add(tmp_path / "src" / "redis", arcname="redis")
    shutil.rmtree(tmp_path / "src")
    return tmp_path


@needs_helm
def test_a_finding_in_a_packed_subchart_names_the_archive_and_the_template_line_in_it(vendored, capsys):
    results, err = findings(vendored, capsys, "inference")
    privileged = [r for r in results if r["code"] == "GLM003"]
    assert len(privileged) == 1
    r = privileged[0]
    # a file the user has, not the chart directory at a line of glmlint's own rendered stream
    assert (r["path"], r["line"], r["column"]) == ("inference/charts/redis-17.3.2.tgz", 1, 1)
    assert "from `redis/templates/statefulset.yaml:17` packed in this archive" in r["message"]
    # the value is the parent's to change: its values line is named
    assert r["related"][0]["path"] == "inference/values.yaml" and r["related"][0]["line"] == 4
    assert all(os.path.isfile(vendored / x["path"]) for x in results)
    # the aliased, vendored dependency is present; only postgresql is missing
    assert "inference: dependencies not in `charts/`, not rendered: postgresql " \
           "(run `helm dependency build` to check them too)" in err


@needs_helm
def test_a_subchart_directory_named_otherwise_than_its_chart_and_aliased_maps_to_its_files(tmp_path, capsys):
    write(tmp_path / "inference", PARENT)
    write(tmp_path / "inference" / "charts" / "redis-vendored", REDIS)
    results, err = findings(tmp_path, capsys, "inference")
    assert {(r["code"], r["path"], r["line"], r["column"]) for r in results if r["code"] in ("GLM001", "GLM003")} == {
        ("GLM001", "inference/charts/redis-vendored/templates/statefulset.yaml", 17, 13),
        ("GLM003", "inference/charts/redis-vendored/templates/statefulset.yaml", 17, 13),
    }
    assert [x["path"] for r in results for x in r["related"]] == ["inference/values.yaml"] * len(
        [r for r in results if r["related"]])
    assert not [e for e in err if "cache" in e]


@needs_helm
def test_a_template_that_renders_invalid_yaml_is_one_line_at_its_template_line(tmp_path, capsys):
    write(tmp_path / "trainer", {
        "Chart.yaml": "apiVersion: v2\nname: trainer\nversion: 0.1.0\n",
        "values.yaml": "resources: {}\ngpus: 1\n",
        "templates/job.yaml": """
            apiVersion: batch/v1
            kind: Job
            metadata:
              name: train
            spec:
              template:
                spec:
                  restartPolicy: Never
                  containers:
                    - name: train
                      image: nvcr.io/nvidia/pytorch:24.05-py3
                      resources:
                        {{- toYaml .Values.resources | nindent 12 }}
                        limits:
                          nvidia.com/gpu: {{ .Values.gpus }}
        """,
    })
    write(tmp_path / "k8s", {"pod.yaml": "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n"
                                         "  containers:\n    - name: c\n      image: busybox:1.36\n"
                                         "      securityContext: {privileged: true}\n"})
    code, out, err = run(tmp_path, capsys, "trainer", "k8s")
    assert code == 2
    assert err == ["trainer/templates/job.yaml:14: cannot render the Helm chart `trainer`: line 14 of what "
                   "`trainer/templates/job.yaml` renders is not YAML: did not find expected key; fix it, or set "
                   "`render-failures = \"notice\"` (or `render = false`) in the configuration"]
    assert "k8s/pod.yaml:8:" in out  # the scan goes on


# -- Kustomize -------------------------------------------------------------------------

BASE = {
    "base/kustomization.yaml": """
        resources:
          - deployment.yaml
    """,
    "base/deployment.yaml": """
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: trainer
        spec:
          selector:
            matchLabels: {app: trainer}
          template:
            metadata:
              labels: {app: trainer}
            spec:
              containers:
                - name: trainer
                  image: pytorch/pytorch:2.3.0-cuda12.1-cudnn8-runtime
                  securityContext:
                    allowPrivilegeEscalation: false
                    runAsNonRoot: true
                    readOnlyRootFilesystem: true
                    capabilities: {drop: [ALL]}
                  resources:
                    limits: {memory: 8Gi}
    """,
}


@needs_kustomize
def test_a_json6902_patch_file_is_where_its_value_is_reported_not_the_base_line(tmp_path, capsys):
    write(tmp_path, {**BASE,
        "overlays/dev/kustomization.yaml": """
            namePrefix: dev-
            resources:
              - ../../base
            patches:
              - path: escalate.yaml
                target: {group: apps, version: v1, kind: Deployment, name: trainer}
        """,
        "overlays/dev/escalate.yaml": """
            - op: replace
              path: /spec/template/spec/containers/0/securityContext/allowPrivilegeEscalation
              value: true
        """,
    })
    results, _ = findings(tmp_path, capsys, ".")
    # the base says `false` on its line 15: blaming it would send the user to the wrong file
    assert [(r["code"], r["path"], r["line"], r["column"]) for r in results] == [
        ("GLM007", "overlays/dev/escalate.yaml", 3, 10)]


_TWO = """
    apiVersion: apps/v1
    kind: Deployment
    metadata:
      name: NAME
    spec:
      selector:
        matchLabels: {app: NAME}
      template:
        metadata:
          labels: {app: NAME}
        spec:
          containers:
            - name: NAME
              image: redis:7.2
              securityContext:
                runAsNonRoot: true
"""
_ESCALATE = """
    - op: add
      path: /spec/template/spec/containers/0/securityContext/allowPrivilegeEscalation
      value: true
"""


@needs_kustomize
@pytest.mark.parametrize("first", ["web", "web-db"])
def test_a_patch_target_is_one_name_not_a_name_inside_another(tmp_path, capsys, first):
    # two patches set the same value, one in `web`, one in `web-db`: each finding is at its own object's patch,
    # whichever is listed first (main took `web` inside `dev-web-db` for the first one's target, and reported
    # web-db's value at web's patch when that patch came first)
    entries = {"web": "  - path: escalate-web.yaml\n    target: {kind: Deployment, name: web}\n",
               "web-db": "  - path: escalate-db.yaml\n    target: {kind: Deployment, name: web-db}\n"}
    write(tmp_path, {
        "base/kustomization.yaml": "resources:\n  - web.yaml\n  - web-db.yaml\n",
        "base/web.yaml": _TWO.replace("NAME", "web"),
        "base/web-db.yaml": _TWO.replace("NAME", "web-db"),
        "overlays/dev/kustomization.yaml": "namePrefix: dev-\nresources:\n  - ../../base\npatches:\n"
                                           + entries[first] + entries["web-db" if first == "web" else "web"],
        "overlays/dev/escalate-web.yaml": _ESCALATE,
        "overlays/dev/escalate-db.yaml": _ESCALATE,
    })
    results, _ = findings(tmp_path, capsys, "--select", "GLM007", "overlays/dev")
    assert sorted((r["path"], r["line"], r["message"].split("`")[1]) for r in results) == [
        ("overlays/dev/escalate-db.yaml", 3, "web-db"), ("overlays/dev/escalate-web.yaml", 3, "web")]


@needs_kustomize
def test_an_inline_json6902_patch_is_reported_at_the_line_that_sets_the_value(tmp_path, capsys):
    write(tmp_path, {**BASE,
        "overlays/prod/kustomization.yaml": """
            resources:
              - ../../base
            patches:
              - target:
                  kind: Deployment
                  name: trainer
                patch: |-
                  - op: add
                    path: /spec/template/spec/containers/0/securityContext
                    value:
                      privileged: true
                      runAsUser: 0
        """,
    })
    results, _ = findings(tmp_path, capsys, ".")
    got = {(r["code"], r["path"], r["line"], r["column"]) for r in results if r["code"] in ("GLM001", "GLM003")}
    assert got == {("GLM003", "overlays/prod/kustomization.yaml", 11, 23),
                   ("GLM001", "overlays/prod/kustomization.yaml", 12, 22)}


@needs_kustomize
def test_a_component_named_through_its_file_is_checked_by_its_overlay_or_gets_a_notice(tmp_path, capsys):
    write(tmp_path, {**BASE,
        "components/gpu/kustomization.yaml": """
            apiVersion: kustomize.config.k8s.io/v1alpha1
            kind: Component
            patches:
              - path: gpu.yaml
        """,
        "components/gpu/gpu.yaml": """
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: trainer
            spec:
              template:
                spec:
                  hostNetwork: true
        """,
        "overlays/prod/kustomization.yaml": """
            resources:
              - ../../base
            components:
              - ../../components/gpu
        """,
    })
    # as pre-commit names changed files: the component's patch alone; the overlay that uses it is found
    # under the scan root (Kustomize refuses to build a Component alone)
    results, err = findings(tmp_path, capsys, "components/gpu/gpu.yaml")
    assert [(r["code"], r["path"], r["line"]) for r in results] == [("GLM009", "components/gpu/gpu.yaml", 8)]
    assert not err
    # with the overlay that uses it: checked through it, once
    results, err = findings(tmp_path, capsys, "components/gpu/gpu.yaml", "overlays/prod/kustomization.yaml")
    assert [(r["code"], r["path"], r["line"]) for r in results] == [("GLM009", "components/gpu/gpu.yaml", 8)]
    assert not err
    # no overlay anywhere uses it: a notice, not a failed build
    (tmp_path / "overlays" / "prod" / "kustomization.yaml").write_text("resources:\n  - ../../base\n")
    code, out, err = run(tmp_path, capsys, "components/gpu/gpu.yaml")
    assert code == 0, err
    assert err == ["components/gpu: not checked: a Kustomize Component is built only into an overlay that uses "
                   "it (`components:`), and none is in this scan or under its root; check that overlay"]


HELM_CHARTS_REMOTE = {**BASE,
    "apps/kustomization.yaml": """
        resources:
          - ../base
        helmCharts:
          - name: vllm
            releaseName: vllm
            repo: https://vllm-project.github.io/production-stack
            valuesInline:
              securityContext: {privileged: true}
    """,
}


@needs_kustomize
def test_helm_charts_without_any_helm_is_one_line_at_the_helmcharts_key(tmp_path, capsys, monkeypatch):
    from glmlint import kustomize

    monkeypatch.setattr(kustomize, "_can_render_charts", lambda: False)
    write(tmp_path, HELM_CHARTS_REMOTE)
    code, _out, err = run(tmp_path, capsys, "apps")
    assert code == 2
    assert err == ["apps/kustomization.yaml:3: cannot render the Kustomize overlay `apps`: its `helmCharts:` are "
                   "rendered by Kustomize with `helm template`, and neither the `helm` binary nor Helm's SDK "
                   "(`pip install 'glmlint[helm]'`) is here; install one to check them; fix it, or set "
                   "`render-failures = \"notice\"` (or `render = false`) in the configuration"]


@needs_kustomize
@pytest.mark.skipif(shutil.which("helm") is not None, reason="helm is on PATH: Kustomize pulls the chart with it")
@pytest.mark.skipif(not _sdk(), reason="no Helm SDK (pip install '.[test]')")
def test_a_helm_chart_not_in_chart_home_is_one_line_at_its_entry_when_only_the_sdk_renders(tmp_path, capsys):
    write(tmp_path, HELM_CHARTS_REMOTE)
    code, _out, err = run(tmp_path, capsys, "apps")
    assert code == 2
    assert err == ["apps/kustomization.yaml:4: cannot render the Kustomize overlay `apps`: the chart `vllm` is not "
                   "in `charts/` and Kustomize would pull it with the `helm` binary, which is not on PATH (Helm's SDK "
                   "renders local charts only); `helm pull --untar --untardir charts` it there, or install Helm; fix "
                   "it, or set `render-failures = \"notice\"` (or `render = false`) in the configuration"]


@needs_kustomize
def test_an_image_set_by_the_images_transformer_is_reported_at_its_entry(tmp_path, capsys):
    """`images:` is how overlays pick a tag (kuberay's apiserver overlays set `newTag: latest`): the
    finding is the entry's line, not the base's `image:` line, which names another tag."""
    write(tmp_path, {**BASE,
        "overlays/nightly/kustomization.yaml": """
            resources:
              - ../../base
            images:
              - name: pytorch/pytorch
                newName: ghcr.io/acme/pytorch
                newTag: latest
        """,
    })
    results, _ = findings(tmp_path, capsys, ".")
    assert [(r["code"], r["path"], r["line"], r["column"]) for r in results] == [
        ("GLM045", "overlays/nightly/kustomization.yaml", 6, 13)]
    assert "`ghcr.io/acme/pytorch:latest`" in results[0]["message"]


@needs_helm
def test_a_library_chart_is_a_notice_and_its_helpers_are_checked_through_the_chart_using_them(tmp_path, capsys):
    library = {
        "Chart.yaml": "apiVersion: v2\nname: common\ntype: library\nversion: 1.0.0\n",
        "templates/_container.tpl": """
            {{- define "common.container" -}}
            - name: {{ .name }}
              image: {{ .image }}
              securityContext:
                privileged: {{ .privileged }}
            {{- end -}}
        """,
    }
    write(tmp_path / "common", library)
    write(tmp_path / "worker" / "charts" / "common", library)
    write(tmp_path / "worker", {
        "Chart.yaml": """
            apiVersion: v2
            name: worker
            version: 1.0.0
            dependencies:
              - name: common
                version: 1.0.0
                repository: file://../common
        """,
        "values.yaml": "image: busybox:1.36\nprivileged: true\n",
        "templates/pod.yaml": """
            apiVersion: v1
            kind: Pod
            metadata:
              name: worker
            spec:
              containers:
                {{- include "common.container" (dict "name" "worker" "image" .Values.image "privileged" .Values.privileged) | nindent 4 }}
        """,
    })
    code, out, err = run(tmp_path, capsys, "--format", "json", "common", "worker")
    assert code == 1
    assert err == ["common: skipped: a library chart (`type: library`) renders nothing itself; its templates are "
                   "checked through the charts that use it"]
    privileged = [r for r in json.loads(out) if r["code"] == "GLM003"]
    assert [(r["path"], r["line"], r["related"][0]["path"], r["related"][0]["line"]) for r in privileged] == [
        ("worker/templates/pod.yaml", 7, "worker/values.yaml", 2)]


@needs_kustomize
def test_a_remote_base_that_cannot_be_fetched_is_one_line_at_its_entry_and_the_scan_goes_on(tmp_path, capsys):
    # `.invalid` never resolves (RFC 2606): offline or not, Kustomize cannot fetch it
    write(tmp_path, {**BASE,
        "overlays/prod/kustomization.yaml": """
            resources:
              - ../../base
              - https://example.invalid/acme/training-operator//manifests/base?ref=v1.7.0
        """,
        "overlays/dev/kustomization.yaml": """
            resources:
              - ../../base
            patches:
              - path: escalate.yaml
        """,
        "overlays/dev/escalate.yaml": """
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: trainer
            spec:
              template:
                spec:
                  hostPID: true
        """,
    })
    code, out, err = run(tmp_path, capsys, "--format", "json", ".")
    assert code == 2
    assert len(err) == 1
    assert err[0].startswith("overlays/prod/kustomization.yaml:3: cannot render the Kustomize overlay `overlays/prod`: "
                             "resource `https://example.invalid/acme/training-operator//manifests/base?ref=v1.7.0`: ")
    assert [(r["code"], r["path"], r["line"]) for r in json.loads(out)] == [("GLM009", "overlays/dev/escalate.yaml", 8)]


def _two_overlays(tmp_path: Path, dev_type: str) -> Path:
    # the layout Kustomize's docs teach: one base (a vLLM Deployment, its ClusterIP Service), a dev overlay
    # that patches the Service's type for local testing, a prod overlay that pins the image
    base = tmp_path / "base"
    base.mkdir(parents=True)
    (base / "kustomization.yaml").write_text("resources:\n  - deployment.yaml\n  - service.yaml\n")
    (base / "deployment.yaml").write_text(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: vllm\nspec:\n"
        "  selector:\n    matchLabels: {app: vllm}\n  template:\n    metadata:\n      labels: {app: vllm}\n"
        "    spec:\n      containers:\n        - name: vllm\n          image: vllm/vllm-openai:v0.6.0\n"
        "          args: [--model, Qwen/Qwen2.5-7B, --host, 0.0.0.0]\n          ports:\n"
        "            - containerPort: 8000\n")
    (base / "service.yaml").write_text(
        "apiVersion: v1\nkind: Service\nmetadata:\n  name: vllm\nspec:\n  type: ClusterIP\n"
        "  selector: {app: vllm}\n  ports:\n    - port: 8000\n")
    for name, text in (("dev", "resources:\n  - ../../base\npatches:\n  - target: {kind: Service, name: vllm}\n"
                                "    patch: |-\n      - op: replace\n        path: /spec/type\n"
                                f"        value: {dev_type}\n"),
                       ("prod", "resources:\n  - ../../base\nimages:\n  - name: vllm/vllm-openai\n"
                                "    newTag: v0.6.3\n")):
        (tmp_path / "overlays" / name).mkdir(parents=True)
        (tmp_path / "overlays" / name / "kustomization.yaml").write_text(text)
    return tmp_path


@needs_kustomize
def test_a_service_of_one_overlay_does_not_expose_the_pods_of_another(tmp_path, capsys):
    # dev's NodePort variant of the base's Service exposes dev's pods only: prod builds its own ClusterIP
    # variant. main also reported prod's Deployment, "exposed by the NodePort Service `vllm` (the Service is
    # in `overlays/dev:15`)", a line of dev's built stream passed off as a file's
    results = findings_json(_two_overlays(tmp_path, "NodePort"), capsys, "--select", "GLM017", ".")
    assert [(r["path"], r["line"]) for r in results] == [("overlays/dev/kustomization.yaml", 8)]
    assert "Deployment/vllm" in results[0]["message"] and "(the Service is in" not in results[0]["message"]
    # dev's Service left ClusterIP: nothing is exposed
    results = findings_json(_two_overlays(tmp_path / "clusterip", "ClusterIP"), capsys, "--select", "GLM017", ".")
    assert results == []


def _chained_overlays(tmp_path: Path, prod: str) -> Path:
    # overlays/staging builds on base and turns on the host network (a debugging sidecar's port); overlays/prod
    # builds on staging: `prod` is what its kustomization says beyond `resources: [../staging]`
    base = tmp_path / "base"
    base.mkdir()
    (base / "kustomization.yaml").write_text("resources:\n  - deployment.yaml\n")
    (base / "deployment.yaml").write_text(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: tgi\nspec:\n"
        "  selector:\n    matchLabels: {app: tgi}\n  template:\n    metadata:\n      labels: {app: tgi}\n"
        "    spec:\n      automountServiceAccountToken: false\n      containers:\n        - name: tgi\n"
        "          image: ghcr.io/huggingface/text-generation-inference:2.4.1\n")
    for name, text in (("staging", "resources:\n  - ../../base\npatches:\n  - path: debug.yaml\n"),
                       ("prod", "resources:\n  - ../staging\n" + prod)):
        (tmp_path / "overlays" / name).mkdir(parents=True)
        (tmp_path / "overlays" / name / "kustomization.yaml").write_text(text)
    (tmp_path / "overlays" / "staging" / "debug.yaml").write_text(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: tgi\nspec:\n  template:\n    spec:\n"
        "      hostNetwork: true\n")
    (tmp_path / "overlays" / "prod" / "no-debug.yaml").write_text(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: tgi\nspec:\n  template:\n    spec:\n"
        "      hostNetwork: false\n")
    return tmp_path


@needs_kustomize
@pytest.mark.parametrize("prod", ["patches:\n  - path: no-debug.yaml\n", "namePrefix: prod-\n"])
def test_an_overlay_another_overlay_patches_is_deployed_and_checked_as_well(tmp_path, capsys, prod):
    # staging is deployed as it is (`kubectl apply -k overlays/staging`): prod patching its host network off
    # does not make staging's go away (main built prod alone and reported nothing); prod adding to staging
    # without a patch deploys staging's objects as they are: one finding, built once
    results = findings_json(_chained_overlays(tmp_path, prod), capsys, "--select", "GLM009", ".")
    assert [(r["path"], r["line"]) for r in results] == [("overlays/staging/debug.yaml", 8)]
    assert {r["rendered_from"] for r in results} == {"overlays/staging" if "patches" in prod else "overlays/prod"}


@needs_kustomize
@pytest.mark.parametrize("jobs", ["1", "2"])
@pytest.mark.parametrize("missing", ["base", "overlays/dev"])
def test_overlays_failing_on_one_base_are_one_line_naming_each(tmp_path, capsys, monkeypatch, jobs, missing):
    # the base names a file the repository does not have: both overlays fail at the base's line with Kustomize's
    # same error, one line naming both (main: one line per overlay, each with the file's absolute path); one
    # switch away, a file missing from one overlay only is that overlay's line alone, the other overlay builds
    from glmlint import runner

    monkeypatch.setattr(runner, "POOL_MIN_FILES", 1)
    _two_overlays(tmp_path, "ClusterIP")
    if missing == "base":
        (tmp_path / "base" / "deployment.yaml").unlink()
    else:
        with open(tmp_path / "overlays" / "dev" / "kustomization.yaml", "a") as fh:
            fh.write("configurations:\n  - gone.yaml\n")
    code, _out, err = run(tmp_path, capsys, "--jobs", jobs, "--format", "json", ".")
    assert code == 2
    if missing == "base":
        assert err == ["base/kustomization.yaml:2: cannot render the Kustomize overlays `overlays/dev` and "
                       "`overlays/prod`: resource `deployment.yaml`: evalsymlink failure on 'base/deployment.yaml' : "
                       "lstat base/deployment.yaml: no such file or directory; fix it, or set `render-failures = "
                       "\"notice\"` (or `render = false`) in the configuration"]
    else:
        # the overlay's own error, not the wrapper's reference to it (main: "resource `../<tmp>/overlays/dev`:
        # '<tmp>/overlays/dev' must resolve to a file': recursed accumulation of path ...")
        assert len(err) == 1 and err[0].startswith("overlays/dev: cannot render the Kustomize overlay `overlays/dev`: ")
        assert "resource `" not in err[0] and "must resolve to a file" not in err[0] and str(tmp_path) not in err[0]
