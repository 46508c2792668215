"""The labels the API server and controllers give the pods they make, as a written Service selects them
(`linter/parsers/kubernetes.py` `_controller_places`)."""
from __future__ import annotations

import textwrap

from tests.helpers import workloads


def _exposed(manifest: str, selector: str, namespace: str = "") -> list[str]:
    """The labels (`Workload.label`) of the containers a NodePort Service selecting `selector` reaches."""
    service = f"""\
        ---
        apiVersion: v1
        kind: Service
        metadata: {{name: s{namespace}}}
        spec:
          type: NodePort
          selector: {selector}
          ports: [{{port: 80, targetPort: 8000}}]
        """
    ws = workloads(textwrap.dedent(manifest) + textwrap.dedent(service), "yaml", "m.yaml")
    return [w.label for w in ws if w.exposed_by]


STATEFULSET = """\
    apiVersion: apps/v1
    kind: StatefulSet
    metadata: {name: web}
    spec:
      replicas: 3
      ordinals: {start: 1}
      serviceName: web
      selector: {matchLabels: {app: web}}
      template:
        metadata: {labels: {app: web}}
        spec: {containers: [{name: c, image: vllm/vllm-openai:v0.8.5}]}
    """


def test_statefulset_pod_name_and_index_by_ordinal():
    one = ["container `c` (StatefulSet/web)"]
    assert _exposed(STATEFULSET, '{statefulset.kubernetes.io/pod-name: web-1}') == one
    assert _exposed(STATEFULSET, '{statefulset.kubernetes.io/pod-name: web-3, apps.kubernetes.io/pod-index: "3"}') == one
    assert _exposed(STATEFULSET, '{app: web, apps.kubernetes.io/pod-index: "2"}') == one
    # ordinals start at 1: there is no web-0, nor a web-4 with 3 replicas
    assert _exposed(STATEFULSET, '{statefulset.kubernetes.io/pod-name: web-0}') == []
    assert _exposed(STATEFULSET, '{statefulset.kubernetes.io/pod-name: web-4}') == []
    # two labels of different pods select none; an index is written without leading zeros
    assert _exposed(STATEFULSET, '{statefulset.kubernetes.io/pod-name: web-1, apps.kubernetes.io/pod-index: "2"}') == []
    assert _exposed(STATEFULSET, '{apps.kubernetes.io/pod-index: "01"}') == []
    assert _exposed(STATEFULSET, '{statefulset.kubernetes.io/pod-name: web-x1}') == []


def test_statefulset_replicas_not_written_as_a_number_leave_the_count_open():
    templated = STATEFULSET.replace("replicas: 3", "replicas: '{{ .Values.replicas }}'")
    assert _exposed(templated, '{statefulset.kubernetes.io/pod-name: web-7}') == ["container `c` (StatefulSet/web)"]
    one = STATEFULSET.replace("      replicas: 3\n", "").replace("      ordinals: {start: 1}\n", "")
    assert _exposed(one, '{statefulset.kubernetes.io/pod-name: web-0}') == ["container `c` (StatefulSet/web)"]
    assert _exposed(one, '{statefulset.kubernetes.io/pod-name: web-1}') == []


JOB = """\
    apiVersion: batch/v1
    kind: Job
    metadata: {name: eval}
    spec:
      completionMode: Indexed
      completions: 2
      parallelism: 2
      template:
        metadata: {labels: {team: ml}}
        spec:
          restartPolicy: Never
          containers: [{name: c, image: vllm/vllm-openai:v0.8.5}]
    """


def test_job_name_and_completion_index():
    one = ["container `c` (Job/eval)"]
    assert _exposed(JOB, '{job-name: eval}') == one
    assert _exposed(JOB, '{batch.kubernetes.io/job-name: eval, batch.kubernetes.io/job-completion-index: "1"}') == one
    assert _exposed(JOB, '{batch.kubernetes.io/job-completion-index: "2"}') == []
    # the template's own `job-name` is kept; a manual selector adds none; no name, no job-name
    assert _exposed(JOB.replace("{team: ml}", "{job-name: other}"), '{job-name: eval}') == []
    assert _exposed(JOB.replace("{team: ml}", "{job-name: other}"), '{batch.kubernetes.io/job-name: eval}') == one
    manual = JOB.replace("completionMode: Indexed", "manualSelector: true\n      selector: {matchLabels: {team: ml}}")
    assert _exposed(manual, '{job-name: eval}') == []
    assert _exposed(JOB.replace("name: eval}", "generateName: eval-}"), '{job-name: eval}') == []


def test_jobset_replicated_jobs_and_their_jobs():
    jobset = """\
        apiVersion: jobset.x-k8s.io/v1alpha2
        kind: JobSet
        metadata: {name: serve}
        spec:
          replicatedJobs:
            - name: leader
              template:
                spec:
                  template: {spec: {containers: [{name: lead, image: vllm/vllm-openai:v0.8.5}]}}
            - name: workers
              replicas: 2
              template:
                spec:
                  parallelism: 4
                  completions: 4
                  template: {spec: {containers: [{name: work, image: vllm/vllm-openai:v0.8.5}]}}
        """
    lead, work = ["container `lead` (JobSet/serve leader)"], ["container `work` (JobSet/serve workers)"]
    assert _exposed(jobset, '{jobset.sigs.k8s.io/jobset-name: serve, jobset.sigs.k8s.io/replicatedjob-name: leader}') \
        == lead
    assert _exposed(jobset, '{job-name: serve-workers-1, batch.kubernetes.io/job-completion-index: "3"}') == work
    assert _exposed(jobset, '{job-name: serve-workers-1, jobset.sigs.k8s.io/job-index: "0"}') == []
    assert _exposed(jobset, '{job-name: serve-leader-1}') == []
    assert _exposed(jobset, '{batch.kubernetes.io/job-completion-index: "1"}') == work


def test_trainjob_runs_as_a_jobset_of_its_name():
    trainjob = """\
        apiVersion: trainer.kubeflow.org/v1alpha1
        kind: TrainJob
        metadata: {name: ft}
        spec:
          runtimeRef: {name: torch-distributed}
          trainer:
            image: pytorch/pytorch:2.7.1-cuda12.8-cudnn9-runtime
            command: [tensorboard, --logdir, /workspace/logs, --bind_all]
        """
    assert _exposed(trainjob, '{jobset.sigs.k8s.io/jobset-name: ft, jobset.sigs.k8s.io/replicatedjob-name: node}') \
        == ["container `node` (TrainJob/ft)"]
    assert _exposed(trainjob, '{jobset.sigs.k8s.io/jobset-name: ft, jobset.sigs.k8s.io/replicatedjob-name: launcher}') \
        == []
    # its one Job of each replicated job (replicas 1: job index 0), Indexed by JobSet's default
    node = ["container `node` (TrainJob/ft)"]
    assert _exposed(trainjob, '{jobset.sigs.k8s.io/jobset-name: ft, jobset.sigs.k8s.io/job-index: "0"}') == node
    assert _exposed(trainjob, '{jobset.sigs.k8s.io/job-index: "1"}') == []
    assert _exposed(trainjob, '{job-name: ft-node-0, jobset.sigs.k8s.io/replicatedjob-replicas: "1"}') == node
    # numNodes pods: completion indexes 0..numNodes-1 (the runtime's count, unknown without numNodes)
    assert _exposed(trainjob, '{batch.kubernetes.io/job-completion-index: "5"}') == node
    two = trainjob.replace("command:", "numNodes: 2\n            command:")
    assert _exposed(two, '{batch.kubernetes.io/job-completion-index: "1"}') == node
    assert _exposed(two, '{batch.kubernetes.io/job-completion-index: "2"}') == []


def test_training_operator_master_role():
    workers_only = """\
        apiVersion: kubeflow.org/v1
        kind: PyTorchJob
        metadata: {name: ft}
        spec:
          pytorchReplicaSpecs:
            Worker:
              replicas: 2
              template: {spec: {containers: [{name: pytorch, image: pytorch/pytorch:2.7.1-cuda12.8-cudnn9-runtime}]}}
        """
    worker = ["container `pytorch` (PyTorchJob/ft Worker)"]
    # with no Master, worker 0 is the master
    assert _exposed(workers_only, '{training.kubeflow.org/job-name: ft, training.kubeflow.org/job-role: master}') \
        == worker
    assert _exposed(workers_only, '{training.kubeflow.org/job-role: master, training.kubeflow.org/replica-index: "0"}') \
        == worker
    assert _exposed(workers_only, '{training.kubeflow.org/job-role: master, training.kubeflow.org/replica-index: "1"}') \
        == []
    assert _exposed(workers_only, '{training.kubeflow.org/replica-type: worker, training.kubeflow.org/replica-index: "2"}') \
        == []
    assert _exposed(workers_only, '{training.kubeflow.org/operator-name: pytorchjob-controller}') == worker
    with_master = workers_only.replace(
        "Worker:", "Master:\n              template: {spec: {containers: [{name: m, image: x}]}}\n            Worker:")
    assert _exposed(with_master, '{training.kubeflow.org/job-role: master}') == ["container `m` (PyTorchJob/ft Master)"]
    # the operator renames replica types written in another case (`master:`, `worker:`) to its own
    lower = with_master.replace("Master:", "master:").replace("Worker:", "worker:")
    assert _exposed(lower, '{training.kubeflow.org/job-role: master}') == ["container `m` (PyTorchJob/ft master)"]
    # an older API's operator named its labels otherwise: not read as v1's
    assert _exposed(workers_only.replace("kubeflow.org/v1", "kubeflow.org/v1beta2"),
                    '{training.kubeflow.org/job-name: ft}') == []


MPIJOB = """\
    apiVersion: kubeflow.org/v2beta1
    kind: MPIJob
    metadata: {name: hvd}
    spec:
      runLauncherAsWorker: true
      mpiReplicaSpecs:
        Launcher: {template: {spec: {containers: [{name: launcher, image: mpi}]}}}
        Worker:
          replicas: 2
          template: {spec: {containers: [{name: worker, image: mpi}]}}
    """


def test_mpi_operator_v2beta1_roles():
    mpijob = MPIJOB
    assert _exposed(mpijob, '{training.kubeflow.org/job-role: launcher, job-name: hvd-launcher}') \
        == ["container `launcher` (MPIJob/hvd Launcher)"]
    assert _exposed(mpijob, '{training.kubeflow.org/operator-name: mpi-operator, training.kubeflow.org/replica-index: "2"}') \
        == ["container `worker` (MPIJob/hvd Worker)"]
    assert _exposed(mpijob, '{training.kubeflow.org/job-role: worker, training.kubeflow.org/replica-index: "0"}') == []


def test_leaderworkerset_group_and_worker_indexes():
    lws = """\
        apiVersion: leaderworkerset.x-k8s.io/v1
        kind: LeaderWorkerSet
        metadata: {name: vllm}
        spec:
          replicas: 2
          leaderWorkerTemplate:
            size: 4
            workerTemplate: {spec: {containers: [{name: vllm, image: vllm/vllm-openai:v0.8.5}]}}
        """
    pods = ["container `vllm` (LeaderWorkerSet/vllm worker)"]
    # without a leaderTemplate the worker template is the leader's (index 0) and its workers' (1 to 3)
    assert _exposed(lws, '{leaderworkerset.sigs.k8s.io/name: vllm, leaderworkerset.sigs.k8s.io/worker-index: "0"}') \
        == pods
    assert _exposed(lws, '{leaderworkerset.sigs.k8s.io/worker-index: "3", leaderworkerset.sigs.k8s.io/group-index: "1"}') \
        == pods
    assert _exposed(lws, '{leaderworkerset.sigs.k8s.io/worker-index: "4"}') == []
    assert _exposed(lws, '{leaderworkerset.sigs.k8s.io/group-index: "2"}') == []


def test_kubeflow_notebook_pod_labels_are_the_controllers_and_the_notebooks():
    notebook = """\
        apiVersion: kubeflow.org/v1
        kind: Notebook
        metadata: {name: alice-nb, namespace: u, labels: {team: nlp}}
        spec:
          template:
            metadata: {labels: {app: alice-nb}}
            spec:
              containers: [{name: alice-nb, image: kubeflownotebookswg/jupyter-pytorch-cuda-full:v1.9.0}]
        """
    pod = ["container `alice-nb` (Notebook/alice-nb)"]
    assert _exposed(notebook, '{notebook-name: alice-nb}') == pod
    assert _exposed(notebook, '{statefulset: alice-nb, team: nlp}') == pod
    assert _exposed(notebook, '{statefulset.kubernetes.io/pod-name: alice-nb-0}') == pod
    # the template's own labels are dropped by the controller
    assert _exposed(notebook, '{app: alice-nb}') == []


def test_volcano_job_task_labels():
    vcjob = """\
        apiVersion: batch.volcano.sh/v1alpha1
        kind: Job
        metadata: {name: tf-dist, namespace: ml}
        spec:
          schedulerName: volcano
          tasks:
            - name: ps
              replicas: 1
              template: {spec: {containers: [{name: tf, image: tensorflow/tensorflow:2.17.0}]}}
            - replicas: 2
              template: {spec: {containers: [{name: worker, image: tensorflow/tensorflow:2.17.0}]}}
        """
    ps, worker = ["container `tf` (Job/tf-dist ps)"], ["container `worker` (Job/tf-dist)"]
    assert _exposed(vcjob, '{volcano.sh/job-name: tf-dist, volcano.sh/task-spec: ps}') == ps
    assert _exposed(vcjob, '{volcano.sh/task-spec: default1, volcano.sh/task-index: "1"}') == worker
    assert _exposed(vcjob, '{volcano.sh/job-name: tf-dist, volcano.sh/queue-name: default}') == ps + worker
    assert _exposed(vcjob, '{volcano.sh/task-spec: ps, volcano.sh/task-index: "1"}') == []
    # a Volcano Job is not a batch/v1 Job: no job-name label
    assert _exposed(vcjob, '{job-name: tf-dist}') == []


def test_switches_are_read_as_yaml_booleans():
    # `manualSelector: yes` is true to the API server (YAML 1.1, as kubectl reads it); a quoted "true" is a
    # string the API refuses for a boolean, not a manual selector
    manual = JOB.replace("completionMode: Indexed", "manualSelector: yes\n      selector: {matchLabels: {team: ml}}")
    assert _exposed(manual, '{job-name: eval}') == []
    assert _exposed(manual.replace("manualSelector: yes", "manualSelector: False"), '{job-name: eval}') \
        == ["container `c` (Job/eval)"]
    assert _exposed(manual.replace("manualSelector: yes", 'manualSelector: "true"'), '{job-name: eval}') \
        == ["container `c` (Job/eval)"]
    mpijob = MPIJOB.replace("runLauncherAsWorker: true", "runLauncherAsWorker: True")
    assert _exposed(mpijob, '{training.kubeflow.org/job-role: worker, training.kubeflow.org/replica-index: "2"}') \
        == ["container `worker` (MPIJob/hvd Worker)"]
    off = mpijob.replace("runLauncherAsWorker: True", "runLauncherAsWorker: off")
    assert _exposed(off, '{training.kubeflow.org/job-role: worker, training.kubeflow.org/replica-index: "2"}') == []


WORKFLOW = """\
    apiVersion: argoproj.io/v1alpha1
    kind: Workflow
    metadata: {name: eval, namespace: ml}
    spec:
      entrypoint: main
      podMetadata: {labels: {team: eval, tier: batch}}
      templateDefaults: {metadata: {labels: {tier: default}}}
      templates:
        - name: main
          steps: [[{name: serve, template: serve}]]
        - name: serve
          daemon: true
          metadata: {labels: {app: server}}
          container: {image: vllm/vllm-openai:v0.8.5}
        - name: client
          metadata: {labels: {app: client, tier: online}}
          container: {image: curlimages/curl:8.8.0}
    """


def test_argo_template_pods_take_the_workflows_and_their_templates_labels():
    serve, client = "container `main` (Workflow/eval serve)", "container `main` (Workflow/eval client)"
    assert _exposed(WORKFLOW, '{team: eval, app: server}') == [serve]
    assert _exposed(WORKFLOW, '{workflows.argoproj.io/workflow: eval}') == [serve, client]
    # templateDefaults' labels go under the template's own, over the workflow's podMetadata
    assert _exposed(WORKFLOW, '{tier: default}') == [serve]
    assert _exposed(WORKFLOW, '{tier: online}') == [client]
    assert _exposed(WORKFLOW, '{tier: batch}') == []
    # a CronWorkflow's workflows are named when they run; its workflowSpec is the WorkflowSpec
    cron = """\
        apiVersion: argoproj.io/v1alpha1
        kind: CronWorkflow
        metadata: {name: eval, namespace: ml}
        spec:
          schedule: "0 * * * *"
          workflowSpec:
            entrypoint: serve
            podMetadata: {labels: {team: eval}}
            templates:
              - name: serve
                metadata: {labels: {app: server}}
                container: {image: vllm/vllm-openai:v0.8.5}
        """
    assert _exposed(cron, '{team: eval, app: server}') == ["container `main` (CronWorkflow/eval serve)"]
    assert _exposed(cron, '{workflows.argoproj.io/workflow: eval}') == []


def test_every_label_made_by_index_is_looked_up_as_one():
    """A Service is looked up among pods by its selector's first label, with the keys of `ir.INDEXED_KEYS` by
    key alone (`label_keys`, `Exposure.index_label`): a controller label written as `indexed_label` under a key
    missing there would never be found. Every such label of the manifests here (each controller once) is
    under one of those keys, and each of those keys is made by some controller."""
    from glmlint.ir import INDEXED_KEYS

    manifests = [STATEFULSET, JOB, WORKFLOW, """\
        apiVersion: jobset.x-k8s.io/v1alpha2
        kind: JobSet
        metadata: {name: js}
        spec:
          replicatedJobs:
            - name: workers
              replicas: 2
              template: {spec: {template: {spec: {containers: [{name: c, image: i}]}}}}
        """, """\
        apiVersion: kubeflow.org/v1
        kind: PyTorchJob
        metadata: {name: ft}
        spec:
          pytorchReplicaSpecs:
            Worker: {replicas: 2, template: {spec: {containers: [{name: pytorch, image: i}]}}}
        """, """\
        apiVersion: kubeflow.org/v2beta1
        kind: MPIJob
        metadata: {name: hvd}
        spec:
          mpiReplicaSpecs:
            Worker: {replicas: 2, template: {spec: {containers: [{name: worker, image: i}]}}}
        """, """\
        apiVersion: leaderworkerset.x-k8s.io/v1
        kind: LeaderWorkerSet
        metadata: {name: lws}
        spec:
          replicas: 2
          leaderWorkerTemplate:
            size: 4
            workerTemplate: {spec: {containers: [{name: c, image: i}]}}
        """, """\
        apiVersion: batch.volcano.sh/v1alpha1
        kind: Job
        metadata: {name: vc}
        spec:
          tasks:
            - {name: worker, replicas: 2, template: {spec: {containers: [{name: c, image: i}]}}}
        """]
    made = set()
    for manifest in manifests:
        for w in workloads(textwrap.dedent(manifest), "yaml", "m.yaml"):
            made |= {key for key, value in w.pod_labels if value.startswith("\0")}
    assert made == INDEXED_KEYS, (made - INDEXED_KEYS, INDEXED_KEYS - made)


KSVC = """\
    apiVersion: serving.knative.dev/v1
    kind: Service
    metadata: {name: chat, namespace: llm}
    spec:
      template:
        metadata: {name: chat-v2, labels: {team: nlp}}
        spec: {containers: [{image: vllm/vllm-openai:v0.8.5}]}
    """


def test_knative_revision_pods_labels():
    pod = ["container `user-container` (Service/chat)"]
    assert _exposed(KSVC, '{serving.knative.dev/service: chat, team: nlp}') == pod
    assert _exposed(KSVC, '{serving.knative.dev/configuration: chat}') == pod
    # the revision named by the template; `app` is the revision's name unless the template sets it
    assert _exposed(KSVC, '{serving.knative.dev/revision: chat-v2, app: chat-v2}') == pod
    assert _exposed(KSVC.replace("team: nlp", "app: chat-ui"), '{app: chat-v2}') == []
    assert _exposed(KSVC.replace("team: nlp", "app: chat-ui"), '{app: chat-ui}') == pod
    # an unnamed revision is `<name>-<generation>`: not known here
    unnamed = KSVC.replace("name: chat-v2, ", "")
    assert _exposed(unnamed, '{serving.knative.dev/revision: chat-00001}') == []
    assert _exposed(unnamed, '{app: chat}') == []
    # a Configuration's pods have no Service label
    config = KSVC.replace("kind: Service", "kind: Configuration")
    assert _exposed(config, '{serving.knative.dev/service: chat}') == []
    assert _exposed(config, '{serving.knative.dev/configuration: chat}') == ["container `user-container` (Configuration/chat)"]
