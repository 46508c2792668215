from __future__ import annotations

import pytest

from glmlint import runner
from glmlint.registry import builtin_rules, select
from tests.helpers import lint, source, workloads


def k8s(text: str):
    return workloads(text, "yaml", "m.yaml")


def test_pod_context_inherited_container_wins():
    ws = k8s("""\
        apiVersion: v1
        kind: Pod
        metadata: {name: p}
        spec:
          securityContext:
            runAsNonRoot: true
            runAsUser: 1000
          containers:
            - name: a
              image: x
            - name: b
              image: x
              securityContext:
                runAsUser: 0
        """)
    a, b = ws
    assert a.runs_as_root() is False and a.user.loc.line == 7
    assert b.runs_as_root() is True and b.user.loc.line == 14
    assert (a.anchor.line, a.anchor.col) == (9, 7)
    assert a.label == "container `a` (Pod/p)"


def test_core_kinds_paths_and_container_lists():
    ws = k8s("""\
        apiVersion: batch/v1
        kind: CronJob
        metadata: {name: nightly}
        spec:
          jobTemplate:
            spec:
              template:
                spec:
                  initContainers: [{name: fetch, image: busybox}]
                  containers: [{name: train, image: trainer}]
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: s}
        spec: {ports: [{port: 80}]}
        ---
        apiVersion: v1
        kind: List
        items:
          - apiVersion: apps/v1
            kind: Deployment
            metadata: {name: d}
            spec:
              template:
                spec:
                  containers: [{name: web, image: nginx}]
                  ephemeralContainers: [{name: debug, image: busybox}]
        """)
    assert [(w.name, w.node_path[0]) for w in ws] == [("fetch", 0), ("train", 0), ("web", 2), ("debug", 2)]
    assert ws[0].label.startswith("init container")


def test_custom_resources_found_generically_and_crds_skipped():
    ws = k8s("""\
        apiVersion: kubeflow.org/v1
        kind: PyTorchJob
        metadata: {name: train}
        spec:
          pytorchReplicaSpecs:
            Worker:
              replicas: 2
              template:
                spec:
                  containers:
                    - name: pytorch
                      image: trainer:1
        ---
        apiVersion: apiextensions.k8s.io/v1
        kind: CustomResourceDefinition
        metadata: {name: x}
        spec:
          versions:
            - schema:
                openAPIV3Schema:
                  properties:
                    containers: [{image: x}]
        """)
    assert len(ws) == 1
    assert ws[0].label == "container `pytorch` (PyTorchJob/train Worker)"


def test_security_context_fields_and_host_path_mounts():
    (w,) = k8s("""\
        apiVersion: apps/v1
        kind: DaemonSet
        metadata: {name: agent}
        spec:
          template:
            metadata:
              annotations:
                container.apparmor.security.beta.kubernetes.io/agent: unconfined
            spec:
              hostNetwork: true
              volumes:
                - name: sock
                  hostPath: {path: /var/run/docker.sock}
              containers:
                - name: agent
                  image: agent
                  securityContext:
                    privileged: true
                    allowPrivilegeEscalation: false
                    readOnlyRootFilesystem: true
                    capabilities: {add: [SYS_ADMIN], drop: [ALL]}
                    seccompProfile: {type: Unconfined}
                  volumeMounts: [{name: sock, mountPath: /var/run/docker.sock}]
                  resources: {limits: {memory: 1Gi}}
        """)
    assert w.privileged.value and w.privileged.loc.line == 18
    assert w.allow_privilege_escalation.value is False
    assert w.read_only_rootfs.value is True
    assert [i.value for i in w.cap_add.value] == ["SYS_ADMIN"]
    assert [i.value for i in w.cap_drop.value] == ["ALL"]
    assert w.seccomp.value == "Unconfined" and w.apparmor.value == "unconfined"
    assert w.host_network.value is True
    assert [(m.source, m.kind) for m in w.mounts] == [("/var/run/docker.sock", "host-path")]
    assert w.memory_limit.value == "1Gi"


def test_patch_without_image_is_partial():
    (w,) = k8s("""\
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: d}
        spec:
          template:
            spec:
              containers:
                - name: app
                  securityContext: {privileged: true}
        """)
    assert w.partial and w.privileged.value


def test_non_workload_yaml_is_not_ours():
    from tests.helpers import source

    assert source("on: push\njobs: {build: {runs-on: ubuntu-latest}}\n", "yaml") is None
    assert source("replicaCount: 1\nimage: {repository: x}\n", "yaml") is None


def test_template_that_parses_as_yaml_is_skipped_with_a_notice():
    import pytest

    from glmlint.parsers import Skip

    with pytest.raises(Skip, match="render it first"):
        source("""\
            apiVersion: apps/v1
            kind: Deployment
            spec:
              replicas: {{ .Values.replicas }}
            """, "yaml")
    # Go-template text inside strings (PrometheusRule descriptions) is ordinary YAML
    assert source("""\
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: d, annotations: {summary: "{{ $labels.instance }} down"}}
        spec: {template: {spec: {containers: [{name: a, image: x}]}}}
        """, "yaml") is not None


def test_pod_level_settings_are_owned_by_the_pod():
    ws = k8s("""\
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: ray}
        spec:
          template:
            spec:
              hostNetwork: true
              containers:
                - name: head
                  image: rayproject/ray
                  securityContext:
                    privileged: true
                  env:
                    - {name: A, value: "$(B)-x"}
                    - {name: B, value: plain}
        """)
    w = ws[0]
    assert w.group == "the pod of Deployment/ray"
    assert w.owner(w.host_network) == "the pod of Deployment/ray"
    assert w.owner(w.privileged) == w.label == "container `head` (Deployment/ray)"
    assert [(e.name, e.dynamic) for e in w.env] == [("A", True), ("B", False)]
    pod = k8s("apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  hostPID: true\n"
              "  containers: [{name: c, image: x}]\n")[0]
    assert pod.owner(pod.host_pid) == "Pod/p"


# -- the workloads of ML platforms: custom resources with pod templates ---------------


def test_replica_roles_name_the_pod_template():
    ws = k8s("""\
        apiVersion: ray.io/v1
        kind: RayCluster
        metadata: {name: r}
        spec:
          headGroupSpec:
            template: {spec: {containers: [{name: ray-head, image: "rayproject/ray:2.38.0"}]}}
          workerGroupSpecs:
            - groupName: gpu-group
              template: {spec: {containers: [{name: ray-worker, image: "rayproject/ray:2.38.0-gpu"}]}}
        ---
        apiVersion: jobset.x-k8s.io/v1alpha2
        kind: JobSet
        metadata: {name: j}
        spec:
          replicatedJobs:
            - name: workers
              template: {spec: {template: {spec: {containers: [{name: jax, image: maxtext}]}}}}
        ---
        apiVersion: leaderworkerset.x-k8s.io/v1
        kind: LeaderWorkerSet
        metadata: {name: l}
        spec:
          leaderWorkerTemplate:
            leaderTemplate: {spec: {containers: [{name: lead, image: vllm}]}}
            workerTemplate: {spec: {containers: [{name: work, image: vllm}]}}
        ---
        apiVersion: kubeflow.org/v2beta1
        kind: MPIJob
        metadata: {name: m}
        spec:
          mpiReplicaSpecs:
            Launcher: {template: {spec: {containers: [{name: launcher, image: mpi}]}}}
        """)
    assert [w.label for w in ws] == [
        "container `ray-head` (RayCluster/r head)", "container `ray-worker` (RayCluster/r gpu-group)",
        "container `jax` (JobSet/j workers)", "container `lead` (LeaderWorkerSet/l leader)",
        "container `work` (LeaderWorkerSet/l worker)", "container `launcher` (MPIJob/m Launcher)"]


def test_argo_single_containers_scripts_sidecars_and_inherited_context():
    ws = k8s("""\
        apiVersion: argoproj.io/v1alpha1
        kind: Workflow
        metadata: {generateName: wf-}
        spec:
          securityContext: {runAsNonRoot: true, runAsUser: 1000}
          templates:
            - name: train
              container:
                image: trainer:1
                command: [python, train.py]
              sidecars:
                - {name: dind, image: "docker:27-dind", securityContext: {privileged: true}}
            - name: notebook
              securityContext: {runAsUser: 0}
              script:
                image: python:3.12
                command: [bash]
                source: |
                  pip install jupyterlab
                  jupyter lab --ip=0.0.0.0
            - name: set
              containerSet:
                containers:
                  - {name: a, image: alpine}
        """)
    assert [(w.label, w.anchor.line) for w in ws] == [
        ("container `main` (Workflow/wf- train)", 8), ("sidecar `dind` (Workflow/wf- train)", 12),
        ("container `main` (Workflow/wf- notebook)", 15), ("container `a` (Workflow/wf- set)", 24)]
    train, dind, notebook, member = ws
    assert train.runs_as_root() is False and train.user.loc.line == 5  # the Workflow's context
    assert train.user.path == (0, "spec", "securityContext", "runAsUser")
    assert train.node_path == (0, "spec", "templates", 0, "container")
    assert dind.privileged.value is True
    assert notebook.runs_as_root() is True and notebook.user.loc.line == 14  # the template's own
    assert [c.name for c in notebook.process] == ["bash", "pip", "jupyter"]
    assert notebook.process[-1].loc.line == 20
    assert member.runs_as_root() is False


def test_kserve_components_and_models_without_image():
    ws = k8s("""\
        apiVersion: serving.kserve.io/v1beta1
        kind: InferenceService
        metadata: {name: llm}
        spec:
          predictor:
            securityContext: {runAsNonRoot: true}
            model:
              modelFormat: {name: huggingface}
              storageUri: hf://meta-llama/Llama-3.1-8B
              securityContext: {privileged: true}
          transformer:
            containers:
              - {name: kserve-container, image: "transformer:1"}
        """)
    model, transformer = ws
    assert model.label == "container `kserve-container` (InferenceService/llm predictor)"
    assert model.partial and model.image.value is None  # the serving runtime supplies the image
    assert model.privileged.value is True and model.run_as_non_root.value is True
    assert model.anchor.line == 7
    assert transformer.label == "container `kserve-container` (InferenceService/llm transformer)"
    assert not transformer.partial


def test_knative_service_is_a_workload_and_core_service_is_not():
    ws = k8s("""\
        apiVersion: serving.knative.dev/v1
        kind: Service
        metadata: {name: hello}
        spec:
          template:
            spec:
              containers:
                - image: ghcr.io/acme/hello:1
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: hello}
        spec:
          template: {spec: {containers: [{name: not-a-pod, image: x}]}}
        """)
    # Knative's webhook names an unnamed serving container `user-container` (config-defaults)
    assert [w.label for w in ws] == ["container `user-container` (Service/hello)"]
    ws = k8s("""\
        apiVersion: serving.knative.dev/v1
        kind: Service
        metadata: {name: hello}
        spec:
          template:
            spec:
              initContainers:
                - image: ghcr.io/acme/fetch:1
              containers:
                - image: ghcr.io/acme/hello:1
                  ports: [{containerPort: 8080}]
                - image: ghcr.io/acme/proxy:1
        """)
    assert [w.name for w in ws] == ["init-container", "user-container-0", "user-container-1"]


def test_crd_schemas_never_yield_workloads():
    source_ = source("""\
        apiVersion: apiextensions.k8s.io/v1
        kind: CustomResourceDefinition
        metadata: {name: workflows.argoproj.io}
        spec:
          versions:
            - schema:
                openAPIV3Schema:
                  properties:
                    container: {image: {type: string}}
                    script: {image: x}
                    containers: [{image: x}]
                    model: {storageUri: {type: string}}
        """, "yaml", "crd.yaml")
    assert source_ is not None and source_.workloads == []


def test_deploymentconfig_is_a_known_kind_and_its_trigger_supplies_the_image():
    from glmlint import parsers

    def containers(triggers: str) -> list:
        text = ("apiVersion: apps.openshift.io/v1\nkind: DeploymentConfig\nmetadata: {name: m}\nspec:\n"
                "  template:\n    spec:\n      containers:\n        - name: server\n" + triggers)
        return parsers.parse("dc.yaml", text, "yaml").workloads

    (w,) = containers("  triggers:\n    - type: ImageChange\n      imageChangeParams: {containerNames: [server]}\n")
    assert w.label == "container `server` (DeploymentConfig/m)" and not w.partial
    (w,) = containers("")  # no trigger names it: a fragment, as a container without image elsewhere
    assert w.partial


def test_json_manifests_are_found_by_content_when_walking(tmp_path):
    import json

    from glmlint.registry import builtin_rules, select
    from glmlint.runner import scan

    pod = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"},
           "spec": {"containers": [{"name": "c", "image": "x:1", "securityContext": {"privileged": True}}]}}
    (tmp_path / "k8s").mkdir()
    (tmp_path / "k8s" / "pod.json").write_text(json.dumps(pod, indent=2))
    (tmp_path / "package.json").write_text('{"name": "web", "kind": "app", "version": "1.0.0"}')
    (tmp_path / "broken.json").write_text('{"apiVersion": "v1", "kind": ')  # not JSON: not a manifest
    report = scan([str(tmp_path)], select(builtin_rules(), ["GLM003"]), root=str(tmp_path))
    assert [(r.path, r.line, r.fix) for r in report.results] == [("k8s/pod.json", 13, None)]  # no fix in JSON
    assert report.files_scanned == 1 and report.problems == []


def test_folded_scalar_commands_point_at_their_own_source_line():
    # `>-` joins the lines with spaces: each word keeps the line and column it is written at
    text = """apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers:
    - name: app
      image: python:3.11
      command: ["/bin/sh", "-c"]
      args:
        - >-
          pip install --no-cache-dir -r requirements.txt &&
          curl -fsSL https://example.com/x.sh | sh &&

          python   serve.py --port 8000
"""
    (w,) = workloads(text, "pod.yaml")
    at = [(c.name, c.loc.line, c.loc.col) for c in w.process if c.loc.line > 10]
    assert at == [("pip", 11, 11), ("curl", 12, 11), ("sh", 12, 49), ("python", 14, 11)]
    (python,) = [c for c in w.process if c.name == "python"]
    assert [(a.text, a.loc.col) for a in python.args] == [("serve.py", 20), ("--port", 29), ("8000", 36)]


def test_literal_block_scalar_locations_unchanged():
    text = """apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers:
    - name: app
      image: python:3.11
      command:
        - sh
        - -c
        - |
          set -e
          python serve.py
"""
    (w,) = workloads(text, "pod.yaml")
    assert [(c.name, c.loc.line, c.loc.col) for c in w.process if c.name != "sh"][-1:] == [("python", 13, 11)]


# -- KubeRay: the Services the operator creates (ray-operator common/service.go) ------------


def _exposures(w):
    return [(e.kind, e.name, [(p.port, p.target) for p in e.ports], e.loc.line) for e in w.exposed_by]


def test_kuberay_head_service_template_type_wins_and_keeps_its_ports():
    head, worker = k8s("""\
        apiVersion: ray.io/v1
        kind: RayCluster
        metadata: {name: r}
        spec:
          headGroupSpec:
            serviceType: ClusterIP
            headService:
              metadata: {name: r-public}
              spec:
                type: NodePort
                ports: [{name: ui, port: 80, targetPort: dashboard}, {name: dns, port: 53, protocol: UDP}]
            template:
              spec:
                containers: [{name: ray-head, image: "rayproject/ray:2.41.0", ports: [{name: dashboard, containerPort: 8265}]}]
          workerGroupSpecs:
            - groupName: g
              template: {spec: {containers: [{name: w, image: "rayproject/ray:2.41.0"}]}}
        """)
    # the template's ports first, then the head container's and metrics; UDP ports reach nothing GLM017 knows
    assert _exposures(head) == [("NodePort", "r-public", [("80", "dashboard"), ("8265", "8265"), ("8080", "8080")], 10)]
    assert worker.exposed_by == ()


def test_kuberay_service_type_fills_an_untyped_template_and_clusterip_template_wins():
    typed, = k8s("""\
        apiVersion: ray.io/v1
        kind: RayCluster
        metadata: {name: r}
        spec:
          headGroupSpec:
            serviceType: LoadBalancer
            headService: {metadata: {annotations: {a: b}}}
            template: {spec: {containers: [{name: ray-head, image: "rayproject/ray:2.41.0"}]}}
        """)
    assert _exposures(typed) == [("LoadBalancer", "r-head-svc",
                                  [("10001", "10001"), ("6379", "6379"), ("8265", "8265"), ("8080", "8080"),
                                   ("8000", "8000")], 6)]
    internal, = k8s("""\
        apiVersion: ray.io/v1
        kind: RayCluster
        metadata: {name: r}
        spec:
          headGroupSpec:
            serviceType: LoadBalancer
            headService: {spec: {type: ClusterIP}}
            template: {spec: {containers: [{name: ray-head, image: "rayproject/ray:2.41.0"}]}}
        """)
    assert internal.exposed_by == ()


def test_kuberay_serve_service_reaches_every_serving_pod_on_the_serve_ports_only():
    head, worker = k8s("""\
        apiVersion: ray.io/v1
        kind: RayService
        metadata: {name: s}
        spec:
          serveService:
            spec:
              type: LoadBalancer
              ports: [{name: serve, port: 80, targetPort: 8000}, {name: extra, port: 9000}]
          rayClusterConfig:
            headGroupSpec:
              template:
                spec:
                  containers:
                    - name: ray-head
                      image: "rayproject/ray:2.41.0"
                      ports: [{name: dashboard, containerPort: 8265}, {name: serve, containerPort: 8000}]
            workerGroupSpecs:
              - groupName: g
                template: {spec: {containers: [{name: w, image: "rayproject/ray:2.41.0"}]}}
        """)
    # the head's serve ports, the template's definition where the name matches; the head Service stays ClusterIP
    assert _exposures(head) == [("LoadBalancer", "s-serve-svc", [("80", "8000")], 7)]
    assert _exposures(worker) == _exposures(head)
    # a RayCluster has a serve Service only when annotated
    plain, = k8s("""\
        apiVersion: ray.io/v1
        kind: RayCluster
        metadata: {name: c}
        spec:
          headGroupSpec:
            template: {spec: {containers: [{name: ray-head, image: "rayproject/ray:2.41.0"}]}}
        """)
    assert plain.exposed_by == ()
    annotated, = k8s("""\
        apiVersion: ray.io/v1
        kind: RayCluster
        metadata: {name: c, annotations: {ray.io/enable-serve-service: "true"}}
        spec:
          headGroupSpec:
            serviceType: NodePort
            template: {spec: {containers: [{name: ray-head, image: "rayproject/ray:2.41.0"}]}}
        """)
    assert [e.name for e in annotated.exposed_by] == ["c-head-svc", "c-serve-svc"]
    assert _exposures(annotated)[1] == ("NodePort", "c-serve-svc", [("8000", "8000")], 6)


def test_kubeflow_trainjob_fragments_are_the_runtime_containers():
    """A TrainJob's `trainer` runs in the runtime's `node` container and its initializers in
    `dataset-initializer`/`model-initializer` (kubeflow/trainer pkg/constants): fragments, never fixed
    where the CRD has no `securityContext`; its overrides name containers without an image."""
    ws = k8s("""\
        apiVersion: trainer.kubeflow.org/v1alpha1
        kind: TrainJob
        metadata: {name: tj}
        spec:
          runtimeRef: {name: torch-distributed}
          initializer:
            dataset: {storageUri: "hf://tatsu-lab/alpaca"}
            model:
              storageUri: hf://meta-llama/Llama-3.2-1B
              env: [{name: HF_TOKEN, value: x}]
          trainer:
            image: docker.io/acme/train:1.0
            command: [torchrun, train.py]
          podTemplateOverrides:
            - targetJobs: [{name: node}]
              spec:
                containers:
                  - name: node
                    securityContext: {privileged: true}
        """)
    got = {w.label: w for w in ws}
    assert set(got) == {"container `dataset-initializer` (TrainJob/tj initializer)",
                        "container `model-initializer` (TrainJob/tj initializer)",
                        "container `node` (TrainJob/tj)"} and len(ws) == 4
    assert all(w.partial for w in ws)
    trainer = next(w for w in ws if w.image.value)
    assert trainer.image.value == "docker.io/acme/train:1.0" and trainer.pod.volumes_path is None
    override = next(w for w in ws if w.privileged.value)
    assert override.privileged.loc.line == 19


# -- Spark operator v2: a role's pod `template` (Spark >= 3.0) ------------------------------------

_SPARK_TEMPLATE = """\
    apiVersion: sparkoperator.k8s.io/v1beta2
    kind: SparkApplication
    metadata: {name: etl}
    spec:
      sparkVersion: {version}
      image: apache/spark:3.5.3
      mainApplicationFile: local:///opt/app/etl.py
      volumes:
        - {name: data, hostPath: {path: /srv/data}}
      driver:
        volumeMounts: [{name: data, mountPath: /data}]
        env: [{name: MODE, value: batch}]
        securityContext: {runAsNonRoot: true}
        sidecars: [{name: proxy, image: envoyproxy/envoy:v1.31.0}]
        template:
          spec:
            securityContext: {runAsUser: 0}
            containers:
              - name: log-shipper
                image: fluent/fluent-bit:3.1.4
              - name: spark-kubernetes-driver
                image: ignored/by-spark:1
                securityContext: {privileged: true}
"""


def test_spark_role_template_is_the_pod_and_the_role_writes_over_its_spark_container():
    ws = k8s(_SPARK_TEMPLATE.replace("{version}", "3.5.3"))
    by = {w.name: w for w in ws}
    assert sorted(by) == ["log-shipper", "proxy", "spark-kubernetes-driver"]
    driver = by["spark-kubernetes-driver"]
    # the role's securityContext replaces the template container's; the template's pod context is inherited
    assert driver.privileged.value is False and driver.partial
    assert driver.run_as_non_root.value is True and driver.own.run_as_non_root is not None
    # the image is Spark's configuration; the role's env and mounts (with the application's volumes) are added
    assert [p.name for p in driver.pulls] == ["apache/spark:3.5.3"]
    assert [e.name for e in driver.env] == ["MODE"]
    assert [(m.source, m.kind) for m in driver.mounts] == [("/srv/data", "host-path")]
    assert [v.kind for v in driver.pod.volumes] == ["hostPath"]
    assert by["log-shipper"].runs_as_root() is True and not by["log-shipper"].partial
    assert by["proxy"].label == "sidecar `proxy` (SparkApplication/etl driver)"


def test_spark_2_ignores_a_role_template():
    ws = k8s(_SPARK_TEMPLATE.replace("{version}", "2.4.8"))
    assert sorted(w.name for w in ws) == ["proxy", "spark-kubernetes-driver"]


def test_nimservice_image_user_and_operator_service():
    (w,) = k8s("""\
        apiVersion: apps.nvidia.com/v1alpha1
        kind: NIMService
        metadata: {name: llm, namespace: nim}
        spec:
          image: {repository: nvcr.io/nim/meta/llama-3.1-8b-instruct, tag: "1.3.3"}
          authSecret: ngc-api-secret
          expose:
            service: {type: LoadBalancer, port: 9000}
        """)
    assert w.name == "llm-ctr" and w.partial
    assert [p.name for p in w.pulls] == ["nvcr.io/nim/meta/llama-3.1-8b-instruct:1.3.3"]
    # the operator's default `userID`: 1000
    assert w.runs_as_root() is False and w.user.value.raw == "1000" and not w.user.explicit
    (svc,) = w.exposed_by
    assert (svc.kind, svc.name, [p.target for p in svc.ports], svc.loc.line) == ("LoadBalancer", "llm", ["9000"], 8)


def test_a_deployment_patch_leaves_its_pod_identity_to_the_base():
    patch = """\
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: op, namespace: ml}
        spec:
          template:
            spec:
              containers:
                - {name: op, securityContext: {readOnlyRootFilesystem: true}}
        """
    pod = source(patch, "yaml").pods[0]
    assert pod.fragment and not pod.known
    written = patch.replace("    spec:\n              containers",
                            "    spec:\n              serviceAccountName: op\n"
                            "              automountServiceAccountToken: true\n              containers")
    assert source(written, "yaml").pods[0].known
    assert source(patch.replace("name: op, securityContext", "name: op, image: 'op:1', securityContext"),
                  "yaml").pods[0].known
    # an OpenShift ImageChange trigger supplies the image: the DeploymentConfig is whole
    dc = """\
        apiVersion: apps.openshift.io/v1
        kind: DeploymentConfig
        metadata: {name: op}
        spec:
          triggers:
            - {type: ImageChange, imageChangeParams: {containerNames: [op], from: {kind: ImageStreamTag, name: 'op:latest'}}}
          template:
            spec:
              containers:
                - {name: op}
        """
    assert not source(dc, "yaml").pods[0].fragment


LLM_ISVC_PUBLIC = """\
    apiVersion: serving.kserve.io/v1alpha1
    kind: LLMInferenceService
    metadata: {{name: {name}, namespace: llm}}
    spec:
      model: {{uri: "hf://Qwen/Qwen2.5-72B-Instruct-AWQ"}}
      router:
        route: {{}}
        gateway: {{refs: [{{name: edge}}]}}
      template:
        containers: [{{name: main, resources: {{limits: {{nvidia.com/gpu: "1", memory: 64Gi}}}}}}]
    ---
    apiVersion: gateway.networking.k8s.io/v1
    kind: Gateway
    metadata: {{name: edge, namespace: llm}}
    spec:
      gatewayClassName: gke-l7-global-external-managed
      listeners: [{{name: http, protocol: HTTP, port: 80}}]
    """


@pytest.mark.parametrize("name, route, service", [
    # 50 characters: the route's name fits in 63 as it is; the Service's (a longer suffix) is cut and hashed
    ("qwen2-5-72b-instruct-awq-tensor-parallel-4-europe1", "qwen2-5-72b-instruct-awq-tensor-parallel-4-europe1-kserve-route",
     "qwen2-5-72bc4eb138564ef8a545a454e1f4d7191a4-kserve-workload-svc"),
    # one character more: the route's is too (18 characters of the name, then its MD5 in hex)
    ("qwen2-5-72b-instruct-awq-tensor-parallel-4-europe12", "qwen2-5-72b-instru3760dba851587f3aa50bb17835c041d4-kserve-route",
     "qwen2-5-72b3760dba851587f3aa50bb17835c041d4-kserve-workload-svc"),
])
def test_the_route_and_service_kserve_makes_for_a_long_llminferenceservice_name(tmp_path, name, route, service):
    """KServe names the HTTPRoute and workload Service it makes for an LLMInferenceService with kmeta.ChildName
    (kserve llmisvc router.go, workload.go at aaac4e29; knative.dev/pkg kmeta/names.go at 4a022ed9): where the name
    and the suffix are longer than 63 characters, the name is cut and its MD5 put after it."""
    report = lint(tmp_path, {"llm.yaml": LLM_ISVC_PUBLIC.format(name=name)}, ["GLM017"])
    (r,) = report.results
    assert f"the HTTPRoute `{route}` of the Gateway `edge` (through the Service `{service}`)" in r.message


_MULTI_NODE_LLM = """\
    apiVersion: serving.kserve.io/v1alpha1
    kind: LLMInferenceService
    metadata: {name: ds, namespace: llm}
    spec:
      model: {uri: "hf://deepseek-ai/DeepSeek-V3"}
      parallelism: {data: 4, dataLocal: 2}
      router: {route: {}, gateway: {refs: [{name: edge}]}}
      template:
        containers: [{name: main}]
      worker:
        containers: [{name: main}]
    ---
    apiVersion: gateway.networking.k8s.io/v1
    kind: Gateway
    metadata: {name: edge, namespace: llm}
    spec:
      gatewayClassName: gke-l7-global-external-managed
      listeners: [{name: http, protocol: HTTP, port: 80}]
    ---
    apiVersion: v1
    kind: Service
    metadata: {name: ds-workers, namespace: llm}
    spec:
      type: LoadBalancer
      selector: {app.kubernetes.io/component: llminferenceservice-workload-worker, app.kubernetes.io/name: ds}
      ports: [{port: 8000}]
    """


@pytest.mark.parametrize("template, leader, worker", [
    (True, ["HTTPRoute"], ["LoadBalancer"]),  # the route reaches the leader pods; the written Service the workers
    (False, [], ["LoadBalancer"]),  # one switch: a `worker` alone (the preset's template leads): not the pool's
])
def test_a_multi_node_llminferenceservice_s_leader_and_worker_pods_carry_kserve_s_labels(template, leader, worker):
    """KServe's multi-node LLMInferenceService is a LeaderWorkerSet (workload_multi_node.go at 0217bdab): its
    leader pods (`template`) are labelled `kserve.io/component: workload`, which its route selects, its worker
    pods `app.kubernetes.io/component: llminferenceservice-workload-worker` (and the pool's labels only when no
    leader template is there after the presets, which supply one)."""
    text = _MULTI_NODE_LLM if template else _MULTI_NODE_LLM.replace(
        "  template:\n        containers: [{name: main}]\n      ", "  ")
    got = {w.node_path[2]: sorted(e.kind for e in w.exposed_by)
           for w in source(text, "kubernetes").workloads if w.name == "main"}
    assert got == ({"template": leader, "worker": worker} if template else {"worker": worker})


_DEFAULT_GATEWAY_LLM = """\
    apiVersion: serving.kserve.io/v1alpha1
    kind: LLMInferenceService
    metadata: {name: qwen, namespace: llm}
    spec:
      model: {uri: "hf://Qwen/Qwen2.5-7B-Instruct"}
      router: {route: ROUTE, scheduler: {}}
      template:
        containers: [{name: main}]
    """
_KSERVE_GATEWAY = """\
    apiVersion: gateway.networking.k8s.io/v1
    kind: Gateway
    metadata: {name: NAME, namespace: kserve}
    spec:
      gatewayClassName: envoy
      listeners: [{name: http, protocol: HTTP, port: 80, allowedRoutes: {namespaces: {from: All}}}]
    """


@pytest.mark.parametrize("route, gateway, reported", [
    ("{}", "kserve-ingress-gateway", True),  # no gateway refs: the cluster's default gateway, as KServe ships it
    ("{}", "shared-edge", False),  # one switch: a Gateway of another name is not the default
    # the route's own spec names its parent: that Gateway, not the default
    ("{http: {spec: {parentRefs: [{name: shared-edge, namespace: kserve}]}}}", "shared-edge", True),
    ("{http: {spec: {parentRefs: [{name: shared-edge, namespace: kserve}]}}}", "kserve-ingress-gateway", False),
])
def test_an_llminferenceservice_route_without_gateway_refs_attaches_to_the_default_gateway(
        tmp_path, route, gateway, reported):
    """Without `router.gateway.refs`, KServe's route preset attaches the route to `inferenceservice-config`'s
    `ingress.kserveIngressGateway`, shipped as `kserve/kserve-ingress-gateway` (kserve config_loader.go `NewConfig`,
    config/llmisvcconfig/config-llm-router-route.yaml at 0217bdab): the platform's Gateway of that name, in a
    sibling directory, exposes the vLLM preset (no API key)."""
    report = lint(tmp_path, {"apps/llm/qwen.yaml": _DEFAULT_GATEWAY_LLM.replace("ROUTE", route),
                             "apps/gateway/gateway.yaml": _KSERVE_GATEWAY.replace("NAME", gateway)}, ["GLM017"])
    assert [(r.path, r.code) for r in report.results] == ([("apps/llm/qwen.yaml", "GLM017")] if reported else [])
    if reported:
        assert f"of the Gateway `{gateway}`" in report.results[0].message


_ISVC_CONFIG = """\
    apiVersion: v1
    kind: ConfigMap
    metadata: {name: inferenceservice-config, namespace: kserve}
    data:
      ingress: |-
        INGRESS
    """


def _default_gateway_judged(tmp_path, monkeypatch, files, gateway, reported):
    """The route of `apps/llm/qwen.yaml` is reported through the Gateway `gateway` (or not), serial and pooled alike."""
    report = lint(tmp_path, files, ["GLM017"])
    assert [(r.path, r.code) for r in report.results] == ([("apps/llm/qwen.yaml", "GLM017")] if reported else [])
    if reported:
        assert f"of the Gateway `{gateway}`" in report.results[0].message
    monkeypatch.setattr(runner, "POOL_MIN_FILES", 1)
    pooled = runner.scan([str(tmp_path)], select(builtin_rules(), ["GLM017"]), root=str(tmp_path), jobs=2)
    assert [(r.path, r.line, r.message) for r in pooled.results] == \
        [(r.path, r.line, r.message) for r in report.results]


@pytest.mark.parametrize("ingress, gateway, reported", [
    # the platform's KServe names its own default gateway: the route attaches to it
    ('{"enableGatewayApi": true, "kserveIngressGateway": "kserve/shared-edge"}', "shared-edge", True),
    ('{"enableGatewayApi": true, "kserveIngressGateway": "kserve/shared-edge"}', "kserve-ingress-gateway", False),
    # a name alone: a Gateway of the controller's namespace (the ConfigMap's)
    ('{"kserveIngressGateway": "shared-edge"}', "shared-edge", True),
    # one that names none (KServe attaches the route to no Gateway), or that the scan cannot read
    ('{"ingressGateway": "knative-serving/knative-ingress-gateway"}', "kserve-ingress-gateway", False),
    ('{{ .Values.ingress | toJson }}', "kserve-ingress-gateway", False),
])
def test_an_llminferenceservice_route_attaches_to_the_default_gateway_inferenceservice_config_names(
        tmp_path, monkeypatch, ingress, gateway, reported):
    """KServe's LLMInferenceService controller reads the cluster's default gateway from the
    `inferenceservice-config` ConfigMap's `ingress` JSON (`kserveIngressGateway`, kserve config_loader.go
    `NewConfig`, v1beta1 configmap.go `NewIngressConfig` at aaac4e29): one in a file close to the route's names
    the Gateway its route attaches to, serial and pooled alike."""
    files = {"apps/llm/qwen.yaml": _DEFAULT_GATEWAY_LLM.replace("ROUTE", "{}"),
             "apps/gateway/gateway.yaml": _KSERVE_GATEWAY.replace("NAME", gateway),
             "apps/kserve/config.yaml": _ISVC_CONFIG.replace("INGRESS", ingress)}
    _default_gateway_judged(tmp_path, monkeypatch, files, gateway, reported)


def test_the_pod_s_fs_group_is_the_pod_s_own_and_every_pod_template_has_one():
    # fsGroup/fsGroupChangePolicy are PodSecurityContext fields only (the kubelet chowns the pod's
    # volumes that support ownership management to it): the pod's, wherever the kind writes it
    ws = k8s("""\
        apiVersion: apps/v1
        kind: StatefulSet
        metadata: {name: weaviate}
        spec:
          template:
            spec:
              securityContext:
                fsGroup: 1000
                fsGroupChangePolicy: OnRootMismatch
              containers:
                - name: weaviate
                  image: semitechnologies/weaviate:1.25.0
                  securityContext: {runAsUser: 1000, fsGroup: 7}
        ---
        apiVersion: argoproj.io/v1alpha1
        kind: Workflow
        metadata: {generateName: train-}
        spec:
          entrypoint: train
          securityContext: {fsGroup: 2000}
          templates:
            - name: train
              container: {image: pytorch/pytorch:2.3.0-cuda12.1-cudnn8-runtime}
        ---
        apiVersion: serving.kserve.io/v1beta1
        kind: InferenceService
        metadata: {name: llm}
        spec:
          predictor:
            securityContext: {fsGroup: 3000}
            model: {modelFormat: {name: huggingface}, storageUri: "hf://x/y"}
        ---
        apiVersion: sparkoperator.k8s.io/v1beta2
        kind: SparkApplication
        metadata: {name: etl}
        spec:
          sparkVersion: 3.5.0
          driver: {podSecurityContext: {fsGroup: 185}}
          executor: {}
        """)
    got = {w.name: w.pod.context for w in ws}
    sts = got["weaviate"]
    assert (sts.fs_group.value, sts.fs_group.loc.line) == (1000, 8)
    assert sts.fs_group.path == (0, "spec", "template", "spec", "securityContext", "fsGroup")
    assert sts.fs_group_change_policy.value == "OnRootMismatch"
    # a container's securityContext has no fsGroup (the API server refuses it there)
    assert ws[0].own.fs_group is None and ws[0].own.fs_group_change_policy is None
    assert got["main"].fs_group.value == 2000 and got["main"].fs_group_change_policy is None
    assert got["kserve-container"].fs_group.value == 3000
    assert got["spark-kubernetes-driver"].fs_group.value == 185
    assert got["spark-kubernetes-executor"].fs_group is None


@pytest.mark.parametrize("namespace, gateway, reported", [
    # KServe's install kept far from the apps (its own directory tree): the controller reads the ConfigMap of
    # that name in its namespace, wherever the file lies: the route attaches to the Gateway it names
    ("kserve", "shared-edge", True),
    ("kserve", "kserve-ingress-gateway", False),
    # the controller of a Kubeflow install runs in `kubeflow`
    ("kubeflow", "shared-edge", True),
    # one with no namespace written is applied wherever `kubectl` points: not the controller's by itself
    (None, "shared-edge", False),
])
def test_an_inferenceservice_config_far_from_the_route_still_names_the_default_gateway(
        tmp_path, monkeypatch, namespace, gateway, reported):
    config = _ISVC_CONFIG.replace("INGRESS", '{"enableGatewayApi": true, "kserveIngressGateway": "kserve/shared-edge"}')
    config = config.replace("namespace: kserve", f"namespace: {namespace}") if namespace else \
        config.replace(", namespace: kserve", "")
    files = {"apps/llm/qwen.yaml": _DEFAULT_GATEWAY_LLM.replace("ROUTE", "{}"),
             "apps/gateway/gateway.yaml": _KSERVE_GATEWAY.replace("NAME", gateway),
             "platform/serving/kserve/install/inferenceservice-config.yaml": config}
    _default_gateway_judged(tmp_path, monkeypatch, files, gateway, reported)


def _router_and_engines(selector: str, engines: dict[str, str], namespace: str = "") -> list:
    # the vLLM production-stack router with k8s service discovery, and pods of the given labels running vLLM
    ns = f"\n            - --k8s-namespace\n            - {namespace}" if namespace else ""
    text = f"""\
        apiVersion: v1
        kind: Pod
        metadata: {{name: router, labels: {{app: router}}}}
        spec:
          containers:
          - name: router
            image: lmcache/lmstack-router:latest
            args:
            - --host
            - 0.0.0.0
            - --service-discovery
            - k8s
            - --k8s-label-selector
            - "{selector}"{ns}
"""
    for name, labels in engines.items():
        text += f"""\
        ---
        apiVersion: v1
        kind: Pod
        metadata: {{name: {name}, labels: {{{labels}}}}}
        spec:
          containers:
          - name: {name}
            image: vllm/vllm-openai:v0.8.5
            args: [--model, m]
"""
    return k8s(text)


@pytest.mark.parametrize("selector, linked", [
    ("env=test,release=a", ["a"]),
    ("env==test, release!=a", ["b"]),
    ("release in (a, c)", ["a"]),
    ("release notin (a),env", ["b"]),
    ("!canary", ["a"]),
    ("", ["a", "b"]),  # no selector: every pod of its namespace
    ("release=c", []),
])
def test_a_vllm_router_is_linked_to_the_engines_its_label_selector_selects(selector, linked):
    # (kubernetes apimachinery pkg/labels/selector.go `Parse`: equality, inequality, set and existence requirements)
    router, *_ = _router_and_engines(selector, {"a": "env: test, release: a", "b": "env: test, release: b, canary: x"})
    assert [w.name for w in router.backends] == linked


def test_a_vllm_router_is_linked_to_the_engines_of_its_namespace_only_and_read_selectors_only():
    # `--k8s-namespace serving`: an engine of no written namespace is applied with the router, one of another
    # namespace is not watched; a selector it cannot read links nothing
    router, *_ = _router_and_engines("env=test", {"a": "env: test"}, namespace="serving")
    assert [w.name for w in router.backends] == ["a"]
    router, *_ = k8s(_ROUTER_NS + "        metadata: {name: a, namespace: other, labels: {env: test}}\n" + _ENGINE)
    assert router.backends == ()
    router, *_ = k8s(_ROUTER_NS + "        metadata: {name: a, namespace: serving, labels: {env: test}}\n" + _ENGINE)
    assert [w.name for w in router.backends] == ["a"]
    router, *_ = _router_and_engines("release in (a", {"a": "release: a"})
    assert router.backends == ()


_ROUTER_NS = """\
        apiVersion: v1
        kind: Pod
        metadata: {name: router, namespace: serving}
        spec:
          containers:
          - name: router
            image: lmcache/lmstack-router:latest
            args: [--service-discovery, k8s, --k8s-namespace, serving, --k8s-label-selector, env=test]
        ---
        apiVersion: v1
        kind: Pod
"""
_ENGINE = """\
        spec:
          containers:
          - name: a
            image: vllm/vllm-openai:v0.8.5
"""


def test_an_overwritten_ray_command_runs_the_generated_start_with_the_words_written_after_the_variable():
    # KUBERAY_GEN_RAY_START_CMD holds the `ray start` KubeRay generates (kuberay feeaf72f common/pod.go
    # setContainerEnvVars); words after it are more options to it, the last given winning (review A22 K1)
    head, = k8s("""\
        apiVersion: ray.io/v1
        kind: RayCluster
        metadata:
          name: r
          annotations: {ray.io/overwrite-container-cmd: "true"}
        spec:
          headGroupSpec:
            rayStartParams: {num-cpus: "0"}
            template:
              spec:
                containers:
                - name: ray-head
                  image: rayproject/ray:2.52.0
                  command: ["/bin/bash", "-c", "--"]
                  args: ["pip install -r /app/req.txt && $KUBERAY_GEN_RAY_START_CMD --dashboard-host=127.0.0.1"]
        """)
    ray = [c.words() for c in head.process if c.name == "ray"]
    assert ray == [["ray", "start", "--head", "--dashboard-host=0.0.0.0", "--num-cpus=0", "--dashboard-host=127.0.0.1"]]
