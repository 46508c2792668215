"""Fixes that still run: the read-only fix leaves writable what the image writes at start (images.yaml
`writable_paths`), read from the image's own start, so the fixed workload still starts and serves."""
from __future__ import annotations

import re
import textwrap
from pathlib import Path

import pytest
import yaml

from glmlint.fix import Options, fix_report
from glmlint.registry import builtin_rules, select
from glmlint.runner import scan


def _fixed(tmp_path: Path, name: str, text: str, code: str = "GLM004") -> tuple[str, list]:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text))
    report = scan([str(path)], select(builtin_rules(), [code]), root=str(tmp_path))
    fixes = fix_report(report, Options(unsafe=True))
    assert len(fixes) == 1
    return fixes[0].new_text, report


def _compose_writable(text: str, service: str) -> list[str]:
    """The container paths a compose service mounts: its `volumes` targets and its `tmpfs`."""
    svc = yaml.safe_load(text)["services"][service]
    vols = [v.split(":")[1] if isinstance(v, str) else v["target"] for v in svc.get("volumes", [])]
    return sorted(vols + list(svc.get("tmpfs", [])))


def _mounts(tmp_path: Path, name: str, text: str) -> dict[str, list[str]]:
    path = tmp_path / "after" / name
    path.parent.mkdir(exist_ok=True)
    path.write_text(text)
    report = scan([str(path)], builtin_rules(), root=str(path.parent))
    return {w.name: sorted(m.target for m in w.mounts) for s in report.sources for w in s.workloads}


@pytest.mark.parametrize(("image", "mounts", "want"), [
    # vLLM downloads a `--model` repo id into ~/.cache/huggingface and keeps its own cache in ~/.cache/vllm
    # and Triton compiles its kernels into ~/.triton/cache at warm-up
    ("vllm/vllm-openai:v0.7.2", "", ["/root/.cache", "/root/.triton", "/tmp"]),
    # the documented run mounts the hub cache: ~/.cache/vllm still needs its writable parent
    ("vllm/vllm-openai:v0.7.2", "    volumes: [\"hf:/root/.cache/huggingface\"]\n",
     ["/root/.cache", "/root/.cache/huggingface", "/root/.triton", "/tmp"]),
    # `ollama serve` writes ~/.ollama/id_ed25519 before it listens, and exits when it cannot
    ("ollama/ollama:0.5.7", "", ["/root/.ollama", "/tmp"]),
    ("ollama/ollama:0.5.7", "    volumes: [\"ollama:/root/.ollama\"]\n", ["/root/.ollama", "/tmp"]),
    # a Jupyter server creates ~/.local/share/jupyter/runtime at start (jupyter_core's ensure_dir_exists)
    ("quay.io/jupyter/pytorch-notebook:2024-12-09", "", ["/home/jovyan/.local", "/tmp"]),
    ("quay.io/jupyter/pytorch-notebook:2024-12-09", "    volumes: [\"./work:/home/jovyan/work\"]\n",
     ["/home/jovyan/.local", "/home/jovyan/work", "/tmp"]),
    # a writable volume over the home already makes ~/.local writable: no tmpfs hides what it keeps
    ("quay.io/jupyter/pytorch-notebook:2024-12-09", "    volumes: [\"home:/home/jovyan\"]\n", ["/home/jovyan", "/tmp"]),
    # a read-only one does not
    ("quay.io/jupyter/pytorch-notebook:2024-12-09", "    volumes: [\"./home:/home/jovyan:ro\"]\n",
     ["/home/jovyan", "/home/jovyan/.local", "/tmp"]),
    ("vllm/vllm-openai:v0.7.2", "    volumes: [\"root:/root\"]\n", ["/root", "/tmp"]),
    # TGI downloads `--model-id` into /data (HUGGINGFACE_HUB_CACHE/HF_HOME), no VOLUME
    ("ghcr.io/huggingface/text-generation-inference:3.0.1", "", ["/data", "/tmp"]),
    ("ghcr.io/huggingface/text-generation-inference:3.0.1", "    volumes: [\"./data:/data\"]\n", ["/data", "/tmp"]),
    # TEI downloads `--model-id` into /data (HUGGINGFACE_HUB_CACHE), CPU and CUDA tags alike, no VOLUME
    ("ghcr.io/huggingface/text-embeddings-inference:cpu-1.5", "", ["/data", "/tmp"]),
    ("ghcr.io/huggingface/text-embeddings-inference:89-1.5", "    volumes: [\"./data:/data\"]\n", ["/data", "/tmp"]),
    # MinIO creates ~/.minio/certs/CAs at start and exits when it cannot
    ("quay.io/minio/minio:RELEASE.2024-12-18T13-15-44Z", "    volumes: [\"./data:/data\"]\n",
     ["/data", "/root/.minio", "/tmp"]),
    # an image the catalog knows nothing about: /tmp alone, as before
    ("ghcr.io/example/llm-server:1.4", "", ["/tmp"]),
])
def test_compose_read_only_fix_keeps_where_the_image_writes_writable(tmp_path, image, mounts, want) -> None:
    text = f"services:\n  llm:\n    image: {image}\n{mounts}"
    new, _ = _fixed(tmp_path, "compose.yaml", text)
    assert "read_only: true" in new
    assert _compose_writable(new, "llm") == want


def test_compose_ollama_with_its_volume_gets_no_tmpfs_over_it(tmp_path) -> None:
    text = "services:\n  ollama:\n    image: ollama/ollama\n    volumes:\n      - ollama:/root/.ollama\nvolumes:\n  ollama:\n"
    new, _ = _fixed(tmp_path, "compose.yaml", text)
    assert "tmpfs: [/tmp]\n" in new


VLLM_DEPLOYMENT = """\
    apiVersion: apps/v1
    kind: Deployment
    metadata: {name: vllm}
    spec:
      selector: {matchLabels: {app: vllm}}
      template:
        metadata: {labels: {app: vllm}}
        spec:
          containers:
          - name: vllm
            image: vllm/vllm-openai:v0.7.2
            args: ["--model", "Qwen/Qwen2.5-1.5B-Instruct"]
    """


def test_kubernetes_read_only_fix_gives_vllm_a_writable_cache(tmp_path) -> None:
    new, _ = _fixed(tmp_path, "deploy.yaml", VLLM_DEPLOYMENT)
    assert "readOnlyRootFilesystem: true" in new
    assert _mounts(tmp_path, "deploy.yaml", new)["vllm"] == ["/root/.cache", "/root/.triton", "/tmp"]
    _assert_volume_names_are_dns_labels(new)


def _assert_volume_names_are_dns_labels(text: str) -> None:
    """The API server refuses a volume whose name is not a DNS-1123 label (`root-.cache`)."""
    doc = yaml.safe_load(text)
    spec = doc["spec"]["template"]["spec"] if doc["kind"] == "Deployment" else doc["spec"]
    names = [v["name"] for v in spec["volumes"]] + [m["name"] for c in spec["containers"] for m in c["volumeMounts"]]
    assert names and all(re.fullmatch(r"[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?", n) for n in names), names


def test_kubernetes_notebook_with_its_home_on_a_claim_gets_no_empty_dir_over_it(tmp_path) -> None:
    """Kubeflow's and JupyterHub's way: the user's home is a PersistentVolumeClaim at /home/jovyan."""
    text = """\
        apiVersion: v1
        kind: Pod
        metadata: {name: nb}
        spec:
          containers:
          - name: notebook
            image: quay.io/jupyter/scipy-notebook:2024-12-09
            volumeMounts:
            - {name: home, mountPath: /home/jovyan}
          volumes:
          - name: home
            persistentVolumeClaim: {claimName: nb-home}
        """
    new, _ = _fixed(tmp_path, "pod.yaml", text)
    assert _mounts(tmp_path, "pod.yaml", new)["notebook"] == ["/home/jovyan", "/tmp"]
    bare = text.replace("            volumeMounts:\n            - {name: home, mountPath: /home/jovyan}\n", "")
    (tmp_path / "bare").mkdir()
    new, _ = _fixed(tmp_path / "bare", "pod.yaml", bare)
    assert _mounts(tmp_path, "pod.yaml", new)["notebook"] == ["/home/jovyan/.local", "/tmp"]
    _assert_volume_names_are_dns_labels(new)


def _glm004(tmp_path: Path, name: str, text: str):
    path = tmp_path / name
    path.write_text(textwrap.dedent(text))
    report = scan([str(path)], select(builtin_rules(), ["GLM004"]), root=str(tmp_path))
    (result,) = report.results
    return result


@pytest.mark.parametrize(("environment", "fixable"), [
    ("", False),  # start.sh writes /app/backend/.webui_secret_key: on a read-only root the key is empty
    ("    environment: [\"WEBUI_SECRET_KEY=\"]\n", False),  # empty: start.sh still writes the file
    ("    environment: [\"WEBUI_SECRET_KEY=${WEBUI_SECRET_KEY}\"]\n", True),
    ("    environment:\n      WEBUI_SECRET_KEY:\n", True),  # from the shell that runs compose
    ("    environment: [\"WEBUI_JWT_SECRET_KEY=x7Gq\"]\n", True),
    ("    env_file: [\"${ENV_FILE}\"]\n", True),  # variables the scan cannot read: may set it
])
def test_open_webui_gets_no_read_only_fix_until_its_secret_key_is_set(tmp_path, environment, fixable) -> None:
    text = f"services:\n  webui:\n    image: ghcr.io/open-webui/open-webui:main\n{environment}" \
           "    volumes: [\"open-webui:/app/backend/data\"]\n"
    result = _glm004(tmp_path, "compose.yaml", text)
    assert (result.fix is not None) == fixable
    assert ("no automatic fix" in result.message) != fixable
    if not fixable:
        assert "/app/backend/.webui_secret_key" in result.message and "WEBUI_SECRET_KEY" in result.message


@pytest.mark.parametrize(("image", "extra", "fixable"), [
    ("nvcr.io/nvidia/k8s/dcgm-exporter:3.3.5-3.4.0-ubuntu22.04", "", False),  # its entrypoint runs `ldconfig`
    ("nvcr.io/nvidia/k8s/dcgm-exporter:3.3.5-3.4.0-ubuntu22.04", "    env_file: [\"${ENV_FILE}\"]\n", False),
    ("prom/node-exporter:v1.8.2", "", True),
])
def test_dcgm_exporter_gets_no_read_only_fix_its_entrypoint_writes_the_loader_cache(tmp_path, image, extra,
                                                                                     fixable) -> None:
    # reread24 R5: NVIDIA's entrypoint refreshes /etc/ld.so.cache under `set -e` before it starts the exporter
    text = f"services:\n  dcgm:\n    image: {image}\n{extra}    cap_add: [SYS_ADMIN]\n    ports: [\"9400:9400\"]\n"
    result = _glm004(tmp_path, "compose.yaml", text)
    assert (result.fix is not None) == fixable
    assert ("/etc/ld.so.cache" in result.message) != fixable


def test_open_webui_in_kubernetes_with_its_key_from_a_secret_is_fixed(tmp_path) -> None:
    text = """\
        apiVersion: v1
        kind: Pod
        metadata: {name: webui}
        spec:
          containers:
          - name: webui
            image: ghcr.io/open-webui/open-webui:v0.5.4
            volumeMounts: [{name: data, mountPath: /app/backend/data}]
            {env}
          volumes: [{name: data, persistentVolumeClaim: {claimName: webui}}]
        """
    keyed = text.replace("{env}", "env: [{name: WEBUI_SECRET_KEY, valueFrom: {secretKeyRef: {name: w, key: k}}}]")
    assert _glm004(tmp_path, "pod.yaml", keyed).fix is not None
    bare = text.replace("{env}", "")
    assert _glm004(tmp_path, "pod.yaml", bare).fix is None


def test_compose_service_built_from_a_known_image_writes_where_that_image_does(tmp_path) -> None:
    """`image:` only tags what the build produces: the start is the base image's (FROM vllm/vllm-openai)."""
    (tmp_path / "Dockerfile").write_text("FROM vllm/vllm-openai:v0.7.2\nRUN pip install flash-attn\n")
    text = "services:\n  llm:\n    build: .\n    image: acme/llm:1\n"
    new, _ = _fixed(tmp_path, "compose.yaml", text)
    assert _compose_writable(new, "llm") == ["/root/.cache", "/root/.triton", "/tmp"]


@pytest.mark.parametrize(("dockerfile", "fixable"), [
    # reread23 R2: pip as a user who cannot write site-packages installs into ~/.local (HF Spaces' template):
    # an empty tmpfs at /home/user/.local would hide jupyter itself
    ("FROM python:3.11\nRUN useradd -m -u 1000 user\nUSER user\nENV HOME=/home/user\n"
     "RUN pip install --no-cache-dir jupyterlab\nCMD [\"jupyter\", \"lab\", \"--ip=0.0.0.0\"]\n", False),
    # a build that installs nothing with pip: the tmpfs at ~/.local stays
    ("FROM python:3.11\nRUN apt-get update && apt-get install -y jupyter\nRUN useradd -m -u 1000 user\nUSER user\n"
     "ENV HOME=/home/user\nCMD [\"jupyter\", \"lab\", \"--ip=0.0.0.0\"]\n", True),
    # a model the build downloads into the Hugging Face cache, which a tmpfs at /root/.cache would hide
    ("FROM vllm/vllm-openai:v0.7.2\nRUN huggingface-cli download Qwen/Qwen2.5-0.5B-Instruct\nENV HF_HUB_OFFLINE=1\n", False),
    ("FROM vllm/vllm-openai:v0.7.2\nRUN huggingface-cli download Qwen/Qwen2.5-0.5B-Instruct --local-dir /models/qwen\n", True),
])
def test_no_tmpfs_over_what_the_build_puts_where_the_image_writes(tmp_path, dockerfile, fixable) -> None:
    (tmp_path / "Dockerfile").write_text(dockerfile)
    (tmp_path / "compose.yaml").write_text("services:\n  app:\n    build: .\n    ports: [\"127.0.0.1:8888:8888\"]\n")
    finding = _glm004(tmp_path, "compose.yaml", (tmp_path / "compose.yaml").read_text())
    assert (finding.fix is not None) is fixable, finding.message


@pytest.mark.parametrize(("mount", "want"), [
    ("", "--read-only --tmpfs /tmp --tmpfs /root/.cache --tmpfs /root/.triton vllm/vllm-openai"),
    ("-v hf:/root/.cache ", "--read-only --tmpfs /tmp --tmpfs /root/.triton vllm/vllm-openai"),
])
def test_docker_run_read_only_fix_adds_a_tmpfs_where_the_image_writes(tmp_path, mount, want) -> None:
    """Before, a `docker run` of an image with known writable paths (nginx too) got no fix at all."""
    text = f"#!/bin/sh\ndocker run --gpus all {mount}-p 127.0.0.1:8000:8000 vllm/vllm-openai --model Qwen/Qwen2.5-1.5B\n"
    new, _ = _fixed(tmp_path, "serve.sh", text)
    assert want in new


@pytest.mark.parametrize(("command", "extra", "fixable"), [
    # no backend store: `mlflow server` creates mlflow.db (./mlruns before 3.7) where it starts, `/` here
    ('["mlflow", "server", "--host", "0.0.0.0"]', "", False),
    ('mlflow ui --host 0.0.0.0 --port 5000', "", False),
    # the store is a database, but uploaded artifacts still go to ./mlartifacts
    ('mlflow server --host 0.0.0.0 --backend-store-uri postgresql://mlflow@db/mlflow', "", False),
    ('mlflow server --host 0.0.0.0 --backend-store-uri postgresql://mlflow@db/mlflow --artifacts-destination s3://ml',
     "", True),
    ('mlflow server --host 0.0.0.0 --backend-store-uri=postgresql://db/mlflow --default-artifact-root s3://ml',
     "", True),
    ('mlflow server --host 0.0.0.0',
     "    environment:\n      MLFLOW_BACKEND_STORE_URI: postgresql://db/mlflow\n"
     "      MLFLOW_ARTIFACTS_DESTINATION: s3://ml\n", True),
    # the directory it starts in is a volume: it writes there
    ('mlflow server --host 0.0.0.0', "    working_dir: /mlflow\n    volumes: [\"mlflow:/mlflow\"]\n", True),
    ('mlflow server --host 0.0.0.0', "    working_dir: /mlflow\n    volumes: [\"./mlflow:/mlflow:ro\"]\n", False),
    # variables the scan cannot read may set the store
    ('mlflow server --host 0.0.0.0', "    env_file: [\"${MLFLOW_ENV}\"]\n", True),
])
def test_mlflow_gets_no_read_only_fix_while_it_keeps_its_store_where_it_starts(tmp_path, command, extra,
                                                                              fixable) -> None:
    text = f"services:\n  mlflow:\n    image: ghcr.io/mlflow/mlflow:v3.7.0\n    command: {command}\n{extra}"
    result = _glm004(tmp_path, "compose.yaml", text)
    assert (result.fix is not None) == fixable, result.message
    assert ("no automatic fix" in result.message) != fixable
    if not fixable:
        assert "MLflow tracking server keeps" in result.message


def test_mlflow_in_kubernetes_names_what_to_set(tmp_path) -> None:
    text = """\
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: mlflow}
        spec:
          selector: {matchLabels: {app: mlflow}}
          template:
            metadata: {labels: {app: mlflow}}
            spec:
              containers:
              - name: mlflow
                image: ghcr.io/mlflow/mlflow:v3.7.0
                command: ["mlflow", "server", "--host", "0.0.0.0"]
                workingDir: /mlflow
        """
    result = _glm004(tmp_path, "deploy.yaml", text)
    assert result.fix is None
    assert "(/mlflow/mlflow.db)" in result.message and "`--backend-store-uri` or `MLFLOW_BACKEND_STORE_URI` says" \
        in result.message
    keyed = text.replace('"0.0.0.0"]', '"0.0.0.0", "--backend-store-uri", "$(DB_URI)", "--artifacts-destination",'
                                      ' "s3://ml"]')
    assert _glm004(tmp_path, "deploy.yaml", keyed).fix is not None


@pytest.mark.parametrize(("image", "mounts", "fixable"), [
    # s6-overlay's preinit wants /run its user's: an emptyDir (0777, root's) is not
    ("kubeflownotebookswg/jupyter-scipy:v1.9.2", "", False),
    ("ghcr.io/kubeflow/kubeflow/notebook-servers/codeserver-python:v1.10.0", "", False),
    # a Jupyter Docker Stacks image starts Jupyter without s6: its runtime directory gets an emptyDir
    ("quay.io/jupyter/scipy-notebook:2024-12-09", "", True),
])
def test_kubeflow_notebook_images_get_no_read_only_fix(tmp_path, image, mounts, fixable) -> None:
    text = f"""\
        apiVersion: v1
        kind: Pod
        metadata: {{name: nb}}
        spec:
          containers:
          - name: notebook
            image: {image}
            volumeMounts:
            - {{name: home, mountPath: /home/jovyan}}
          volumes:
          - name: home
            persistentVolumeClaim: {{claimName: nb-home}}
        """
    result = _glm004(tmp_path, "pod.yaml", text)
    assert (result.fix is not None) == fixable, result.message
    if not fixable:
        assert "needs /run writable and owned by its user" in result.message


def _all_fixed(tmp_path: Path, name: str, text: str) -> str:
    """`fix --unsafe-fixes` with every rule: the file as it is written."""
    path = tmp_path / name
    path.write_text(textwrap.dedent(text))
    report = scan([str(path)], builtin_rules(), root=str(tmp_path))
    (fixed,) = fix_report(report, Options(unsafe=True))
    return fixed.new_text


@pytest.mark.parametrize(("environment", "want_env"), [
    # USER too: torch's Inductor names its cache with getpass.getuser(), which raises for a uid without an account
    ("", {"HOME": "/tmp", "USER": "10001"}),
    ("    environment:\n      - VLLM_LOGGING_LEVEL=INFO\n", ["VLLM_LOGGING_LEVEL=INFO", "HOME=/tmp", "USER=10001"]),
    ("    environment:\n      HF_TOKEN: ${HF_TOKEN}\n", {"HF_TOKEN": "${HF_TOKEN}", "HOME": "/tmp", "USER": "10001"}),
    ("    environment: []\n", ["HOME=/tmp", "USER=10001"]),
    # a HOME of its own: the caches go there, only the name is added
    ("    environment: [\"HOME=/models\"]\n", ["HOME=/models", "USER=10001"]),
    # a name of its own (LOGNAME is the first getpass.getuser() reads): only HOME is added
    ("    environment: [\"LOGNAME=vllm\"]\n", ["LOGNAME=vllm", "HOME=/tmp"]),
    ("    environment: [\"HOME=/models\", \"USER=vllm\"]\n", ["HOME=/models", "USER=vllm"]),
])
def test_compose_run_as_non_root_fix_gives_vllm_a_home_it_can_write(tmp_path, environment, want_env) -> None:
    """As uid 10001, which has no account in the image, runc starts vLLM with HOME=/ (`setupUser`'s default):
    ~/.cache (the Hugging Face hub, vLLM's own cache) is /.cache, which a non-root user cannot create."""
    text = f"services:\n  llm:\n    image: vllm/vllm-openai:v0.7.2\n    user: root\n" \
           f"    command: [\"--model\", \"Qwen/Qwen2.5-1.5B\"]\n{environment}"
    new = _all_fixed(tmp_path, "compose.yaml", text)
    svc = yaml.safe_load(new)["services"]["llm"]
    assert svc["user"] == "10001:10001" and svc["read_only"] is True
    assert svc["environment"] == want_env
    assert "/tmp" in svc["tmpfs"]


def test_kubernetes_run_as_non_root_fix_gives_vllm_a_home_it_can_write(tmp_path) -> None:
    text = VLLM_DEPLOYMENT.rstrip(" ") + "            env:\n            - name: HF_TOKEN\n" \
                                         "              valueFrom: {secretKeyRef: {name: hf, key: token}}\n"
    new = _all_fixed(tmp_path, "deploy.yaml", text)
    (container,) = yaml.safe_load(new)["spec"]["template"]["spec"]["containers"]
    assert container["securityContext"]["runAsUser"] == 10001
    assert {"name": "HOME", "value": "/tmp"} in container["env"]
    assert {"name": "USER", "value": "10001"} in container["env"]
    assert "/tmp" in [m["mountPath"] for m in container["volumeMounts"]]


@pytest.mark.parametrize(("image", "home", "name"), [
    ("vllm/vllm-openai:v0.7.2", True, True),
    # Ollama (Go) asks for no user name
    ("ollama/ollama:0.5.7", True, False),
    # an image the catalog knows nothing of: nothing said about its home
    ("ghcr.io/example/llm-server:1.4", False, False),
])
def test_docker_run_run_as_non_root_fix_sets_home_where_the_image_writes_under_it(tmp_path, image, home,
                                                                                    name) -> None:
    text = f"#!/bin/sh\ndocker run --gpus all -u root -p 127.0.0.1:8000:8000 {image} serve\n"
    path = tmp_path / "serve.sh"
    path.write_text(text)
    report = scan([str(path)], select(builtin_rules(), ["GLM001"]), root=str(tmp_path))
    (fixed,) = fix_report(report, Options(unsafe=True))
    assert "-u 10001:10001" in fixed.new_text
    assert ("--env HOME=/tmp" in fixed.new_text) == home
    assert ("--env USER=10001" in fixed.new_text) == name


@pytest.mark.parametrize(("user", "want"), [(None, "10001"), ("1000:1000", "1000"), ("2000", "2000")])
def test_run_as_non_root_fix_names_the_uid_it_sets(tmp_path, user, want) -> None:
    """vLLM's torch Inductor names its cache `torchinductor_` + getpass.getuser(): LOGNAME/USER, else the uid's
    /etc/passwd entry, which uid 10001 has not (KeyError, vllm-project/vllm#44548): USER names the fix's uid."""
    path = tmp_path / "compose.yaml"
    path.write_text("services:\n  llm:\n    image: vllm/vllm-openai:v0.8.5\n    user: root\n")
    report = scan([str(path)], select(builtin_rules(), ["GLM001"]), root=str(tmp_path))
    (fixed,) = fix_report(report, Options(unsafe=True, user=user or "10001", user_set=user is not None))
    svc = yaml.safe_load(fixed.new_text)["services"]["llm"]
    assert svc["environment"]["USER"] == want
    assert str(svc["user"]).split(":")[0] == want


def test_read_only_fix_mounts_where_triton_cache_dir_moves_the_kernel_cache(tmp_path) -> None:
    text = "services:\n  llm:\n    image: vllm/vllm-openai:v0.8.5\n    environment: [TRITON_CACHE_DIR=/cache/triton]\n"
    new, _ = _fixed(tmp_path, "compose.yaml", text)
    assert _compose_writable(new, "llm") == ["/cache/triton", "/root/.cache", "/root/.triton", "/tmp"]


@pytest.mark.parametrize(("image", "mounts", "want"), [
    # CRI-O makes the image's VOLUME a directory of the read-only root (its default `image_volumes = "mkdir"`)
    ("postgres:16-alpine", "", ["/tmp", "/var/lib/postgresql/data", "/var/run/postgresql"]),
    ("postgres:18", "", ["/tmp", "/var/lib/postgresql", "/var/run/postgresql"]),
    # pgvector's images are the official image plus the extension (field23 F23-6)
    ("pgvector/pgvector:pg17", "", ["/tmp", "/var/lib/postgresql/data", "/var/run/postgresql"]),
    ("pgvector/pgvector:0.8.1-pg18-trixie", "", ["/tmp", "/var/lib/postgresql", "/var/run/postgresql"]),
    ("redis:7.4", "", ["/data", "/tmp"]),
    # the data on a claim: nothing over it
    ("postgres:16", "                volumeMounts: [{name: data, mountPath: /var/lib/postgresql/data}]\n",
     ["/tmp", "/var/lib/postgresql/data", "/var/run/postgresql"]),
    ("redis:7.4", "                volumeMounts: [{name: data, mountPath: /data}]\n", ["/data", "/tmp"]),
])
def test_kubernetes_read_only_fix_keeps_the_image_volumes_writable(tmp_path, image, mounts, want) -> None:
    text = f"""\
        apiVersion: apps/v1
        kind: StatefulSet
        metadata: {{name: db}}
        spec:
          serviceName: db
          selector: {{matchLabels: {{app: db}}}}
          template:
            metadata: {{labels: {{app: db}}}}
            spec:
              containers:
              - name: db
                image: {image}
{mounts}              volumes:
              - name: data
                persistentVolumeClaim: {{claimName: data}}
        """
    new, _ = _fixed(tmp_path, "db.yaml", text)
    assert _mounts(tmp_path, "db.yaml", new)["db"] == want
    claims = [v for v in yaml.safe_load(new)["spec"]["template"]["spec"]["volumes"] if "emptyDir" in v]
    assert len(claims) == len(want) - (1 if mounts else 0)


def test_compose_read_only_fix_leaves_the_image_volume_to_docker(tmp_path) -> None:
    """Docker gives an image's VOLUME an anonymous volume, writable under `read_only: true`."""
    new, _ = _fixed(tmp_path, "compose.yaml", "services:\n  db:\n    image: postgres:16\n")
    assert _compose_writable(new, "db") == ["/tmp", "/var/run/postgresql"]


@pytest.mark.parametrize("image", ["postgres:17", "pgvector/pgvector:pg17", "ankane/pgvector"])
def test_compose_postgres_images_keep_the_entrypoints_capabilities(tmp_path, image) -> None:
    """pgvector's images run the official entrypoint (chown, gosu): no `cap_drop: [ALL]`, its socket directory writable."""
    path = tmp_path / "compose.yaml"
    path.write_text(f"services:\n  db:\n    image: {image}\n")
    report = scan([str(path)], select(builtin_rules(), ["GLM002", "GLM004"]), root=str(tmp_path))
    assert {r.code for r in report.results} == {"GLM002", "GLM004"}
    fixes = fix_report(report, Options(unsafe=True))
    assert len(fixes) == 1
    svc = yaml.safe_load(fixes[0].new_text)["services"]["db"]
    assert "cap_drop" not in svc
    assert svc["read_only"] is True and "/var/run/postgresql" in svc["tmpfs"]


@pytest.mark.parametrize(("image", "extra", "fixable"), [
    # the documented run mounts the storage only: ./snapshots (and snapshots/tmp, made at start) is /qdrant's
    ("qdrant/qdrant:v1.13.2", "    volumes: [\"./qdrant_storage:/qdrant/storage\"]\n", False),
    ("qdrant/qdrant:v1.13.2", "", False),
    ("qdrant/qdrant:v1.13.2",
     "    volumes: [\"./qdrant_storage:/qdrant/storage\", \"./snapshots:/qdrant/snapshots\"]\n", True),
    ("qdrant/qdrant:v1.13.2", "    volumes: [\"./qdrant_storage:/qdrant/storage\"]\n"
     "    environment: [\"QDRANT__STORAGE__SNAPSHOTS_PATH=/qdrant/storage/snapshots\"]\n", True),
    # a config file of its own may put them anywhere
    ("qdrant/qdrant:v1.13.2", "    volumes: [\"./production.yaml:/qdrant/config/production.yaml:ro\"]\n", True),
    # Chroma 1.x's image keeps its collections at /data (its /config.yaml's persist_path), which it makes at start
    ("chromadb/chroma:1.0.12", "", False),
    ("chromadb/chroma:1.0.12", "    volumes: [\"chroma-data:/data\"]\n", True),
    ("chromadb/chroma:1.0.12", "    environment: [\"CHROMA_PERSIST_PATH=/chroma\"]\n"
     "    volumes: [\"chroma-data:/chroma\"]\n", True),
])
def test_data_store_gets_no_read_only_fix_while_its_data_is_on_the_root(tmp_path, image, extra, fixable) -> None:
    text = f"services:\n  db:\n    image: {image}\n{extra}"
    result = _glm004(tmp_path, "compose.yaml", text)
    assert (result.fix is not None) == fixable, result.message
    if not fixable:
        assert " keeps " in result.message and ("/qdrant/" in result.message or "at /data" in result.message)


@pytest.mark.parametrize(("extra", "fixable"), [
    # its key set, but webui.db, uploads and the models its build downloaded are in /app/backend/data
    ("", False),
    ("    volumes: [\"open-webui:/app/backend/data\"]\n", True),
    ("    environment: [\"WEBUI_SECRET_KEY=${KEY}\", \"DATA_DIR=/data\"]\n    volumes: [\"webui:/data\"]\n", True),
])
def test_open_webui_gets_no_read_only_fix_without_a_volume_for_its_data(tmp_path, extra, fixable) -> None:
    env = "" if "environment" in extra else "    environment: [\"WEBUI_SECRET_KEY=${KEY}\"]\n"
    text = f"services:\n  webui:\n    image: ghcr.io/open-webui/open-webui:v0.6.5\n{env}{extra}"
    result = _glm004(tmp_path, "compose.yaml", text)
    assert (result.fix is not None) == fixable, result.message
    if not fixable:
        assert "/app/backend/data" in result.message


@pytest.mark.parametrize(("image", "start", "want"), [
    # a client pod that only sleeps: the server never writes its data directory
    ("postgres:16", "                command: [\"sleep\", \"3600\"]\n", ["/tmp", "/var/run/postgresql"]),
    # redis-server started by hand still writes its snapshots in its working directory, /data
    ("redis:7.4", "                command: [\"redis-server\", \"/etc/redis/redis.conf\"]\n", ["/data", "/tmp"]),
    # `latest` follows the newest major release, whose VOLUME moved with 18: not guessed
    ("postgres", "", ["/tmp", "/var/run/postgresql"]),
])
def test_kubernetes_read_only_fix_image_volumes_only_for_the_server(tmp_path, image, start, want) -> None:
    text = f"""\
        apiVersion: v1
        kind: Pod
        metadata: {{name: db}}
        spec:
          containers:
              - name: db
                image: {image}
{start}        """
    new, _ = _fixed(tmp_path, "pod.yaml", text)
    assert _mounts(tmp_path, "pod.yaml", new)["db"] == want


@pytest.mark.parametrize(("dockerfile", "want"), [
    # FROM the vLLM image, which writes ~/.cache at start: uid 10001 has no account there, so runc would start
    # it with HOME=/ (moby sets no HOME): the fix writes `ENV HOME=/tmp` beside the `USER` it adds
    ("FROM vllm/vllm-openai:v0.7.2\nRUN pip install --no-cache-dir flash-attn\nENTRYPOINT [\"vllm\", \"serve\"]\n",
     "FROM vllm/vllm-openai:v0.7.2\nRUN pip install --no-cache-dir flash-attn\nENV HOME=/tmp\nENV USER=10001\nUSER 10001\n"
     "ENTRYPOINT [\"vllm\", \"serve\"]\n"),
    # a final `USER root` is rewritten in place; the ENV goes right after it
    ("FROM ollama/ollama:0.5.7\nRUN apt-get update\nuser root\ncmd [\"serve\"]\n",
     "FROM ollama/ollama:0.5.7\nRUN apt-get update\nuser 10001\nENV HOME=/tmp\ncmd [\"serve\"]\n"),
    # a HOME of its own: the caches go there, only the name (for torch's Inductor) is added
    ("FROM vllm/vllm-openai:v0.7.2\nENV HOME=/models\nRUN pip install x\n",
     "FROM vllm/vllm-openai:v0.7.2\nENV HOME=/models\nRUN pip install x\nENV USER=10001\nUSER 10001\n"),
    ("FROM vllm/vllm-openai:v0.7.2\nENV HOME=/models USER=vllm\nRUN pip install x\n",
     "FROM vllm/vllm-openai:v0.7.2\nENV HOME=/models USER=vllm\nRUN pip install x\nUSER 10001\n"),
    # vLLM pip-installed on a CUDA base, recognised by its start command: the same program writes the same
    # ~/.cache and asks torch's Inductor for its user's name (reviewA19 X1: USER alone, and vLLM exits at start)
    ("FROM nvidia/cuda:12.4.1-runtime-ubuntu22.04\nRUN pip install --no-cache-dir vllm==0.8.5\n"
     "CMD [\"vllm\", \"serve\", \"Qwen/Qwen2.5-1.5B-Instruct\", \"--host\", \"0.0.0.0\"]\n",
     "FROM nvidia/cuda:12.4.1-runtime-ubuntu22.04\nRUN pip install --no-cache-dir vllm==0.8.5\nENV HOME=/tmp\n"
     "ENV USER=10001\nUSER 10001\nCMD [\"vllm\", \"serve\", \"Qwen/Qwen2.5-1.5B-Instruct\", \"--host\", \"0.0.0.0\"]\n"),
    # one switch: the same base starting a program the catalog does not know writes there: the USER alone
    ("FROM nvidia/cuda:12.4.1-runtime-ubuntu22.04\nRUN pip install --no-cache-dir vllm==0.8.5\n"
     "CMD [\"python3\", \"app.py\"]\n",
     "FROM nvidia/cuda:12.4.1-runtime-ubuntu22.04\nRUN pip install --no-cache-dir vllm==0.8.5\nUSER 10001\n"
     "CMD [\"python3\", \"app.py\"]\n"),
    # Jupyter pip-installed on another base, recognised by its start command: jupyter_core makes its runtime
    # directory under ~/.local at start, which uid 10001 with HOME=/ cannot (the Docker Stacks' `writable_paths`)
    ("FROM python:3.12-slim\nRUN pip install jupyterlab\nCMD [\"jupyter\", \"lab\", \"--ip=0.0.0.0\"]\n",
     "FROM python:3.12-slim\nRUN pip install jupyterlab\nENV HOME=/tmp\nUSER 10001\n"
     "CMD [\"jupyter\", \"lab\", \"--ip=0.0.0.0\"]\n"),
    # review A21 X1: a HOME of its own that the build makes as root (`mkdir`, `WORKDIR`): uid 10001 cannot make
    # jupyter_core's runtime directory under it, as under HOME=/ (jupyter_core application.py at ce80a583)
    ("FROM python:3.12-slim\nENV HOME=/workspace\nRUN pip install jupyterlab && mkdir -p /workspace\n"
     "WORKDIR /workspace\nEXPOSE 8888\nCMD [\"jupyter\", \"lab\", \"--ip=0.0.0.0\"]\n",
     "FROM python:3.12-slim\nENV HOME=/workspace\nRUN pip install jupyterlab && mkdir -p /workspace\n"
     "WORKDIR /workspace\nENV HOME=/tmp\nUSER 10001\nEXPOSE 8888\nCMD [\"jupyter\", \"lab\", \"--ip=0.0.0.0\"]\n"),
    # one switch: the build opens that directory to every uid: it is HOME, the USER alone
    ("FROM python:3.12-slim\nENV HOME=/workspace\nRUN pip install jupyterlab && mkdir -p /workspace && chmod 777 /workspace\n"
     "WORKDIR /workspace\nEXPOSE 8888\nCMD [\"jupyter\", \"lab\", \"--ip=0.0.0.0\"]\n",
     "FROM python:3.12-slim\nENV HOME=/workspace\nRUN pip install jupyterlab && mkdir -p /workspace && chmod 777 /workspace\n"
     "WORKDIR /workspace\nUSER 10001\nEXPOSE 8888\nCMD [\"jupyter\", \"lab\", \"--ip=0.0.0.0\"]\n"),
    # an image the catalog knows nothing of writing under its home: the USER alone, as before
    ("FROM python:3.12-slim\nRUN pip install fastapi\nCMD [\"python\", \"app.py\"]\n",
     "FROM python:3.12-slim\nRUN pip install fastapi\nUSER 10001\nCMD [\"python\", \"app.py\"]\n"),
    # reviewA19 X2: `ENV HOME=/root` after the last build step. As uid 10001 `ollama serve` must create
    # /root/.ollama (its key pair), and /root is root's, mode 0700: the new HOME goes after that ENV, or the
    # image's HOME would stay /root
    ("FROM ollama/ollama:0.6.2\nENV OLLAMA_HOST=0.0.0.0\nRUN apt-get update\nENV HOME=/root\nEXPOSE 11434\n",
     "FROM ollama/ollama:0.6.2\nENV OLLAMA_HOST=0.0.0.0\nRUN apt-get update\nUSER 10001\nENV HOME=/root\n"
     "ENV HOME=/tmp\nEXPOSE 11434\n"),
    # before the build steps (the CUDA/conda habit): beside the USER, after it
    ("FROM nvidia/cuda:12.4.1-runtime-ubuntu22.04\nENV HOME=/root\nRUN pip install --no-cache-dir vllm==0.8.5\n"
     "CMD [\"vllm\", \"serve\", \"Qwen/Qwen2.5-1.5B-Instruct\"]\n",
     "FROM nvidia/cuda:12.4.1-runtime-ubuntu22.04\nENV HOME=/root\nRUN pip install --no-cache-dir vllm==0.8.5\n"
     "ENV HOME=/tmp\nENV USER=10001\nUSER 10001\nCMD [\"vllm\", \"serve\", \"Qwen/Qwen2.5-1.5B-Instruct\"]\n"),
    # a directory in root's home, legacy `ENV K V` form, after a final `USER root` that is rewritten
    ("FROM ollama/ollama:0.6.2\nRUN apt-get update\nUSER root\nENV HOME /root/ollama\n",
     "FROM ollama/ollama:0.6.2\nRUN apt-get update\nUSER 10001\nENV HOME /root/ollama\nENV HOME=/tmp\n"),
    # one switch: a build step opens root's home to everyone: that HOME stays, the USER alone
    ("FROM ollama/ollama:0.6.2\nENV HOME=/root\nRUN chmod 777 /root\n",
     "FROM ollama/ollama:0.6.2\nENV HOME=/root\nRUN chmod 777 /root\nUSER 10001\n"),
])
def test_dockerfile_run_as_non_root_fix_gives_a_home_it_can_write(tmp_path, dockerfile, want) -> None:
    from tests import realtools

    new, _ = _fixed(tmp_path, "Dockerfile", dockerfile, code="GLM001")
    # lowercase keywords stay lowercase for the USER; the ENV takes the FROM's case
    assert new == want
    assert realtools.dockerfile_parse(new) is None


@pytest.mark.parametrize(("environment", "want"), [
    ("    environment:\n      HOME: /root\n", {"HOME": "/tmp"}),
    ("    environment:\n      - OLLAMA_HOST=0.0.0.0\n      - HOME=/root\n", ["OLLAMA_HOST=0.0.0.0", "HOME=/tmp"]),
    # one switch: a HOME of its own stays
    ("    environment:\n      HOME: /models\n", {"HOME": "/models"}),
])
def test_compose_run_as_non_root_fix_replaces_roots_home(tmp_path, environment, want) -> None:
    text = f"services:\n  ollama:\n    image: ollama/ollama:0.6.2\n    user: root\n{environment}"
    new, _ = _fixed(tmp_path, "compose.yaml", text, code="GLM001")
    svc = yaml.safe_load(new)["services"]["ollama"]
    assert svc["user"] == "10001:10001"
    assert svc["environment"] == want


def test_kubernetes_and_docker_run_fix_replace_roots_home(tmp_path) -> None:
    text = """\
        apiVersion: v1
        kind: Pod
        metadata: {name: ollama}
        spec:
          containers:
          - name: ollama
            image: ollama/ollama:0.6.2
            env:
            - name: HOME
              value: /root
        """
    new, _ = _fixed(tmp_path, "pod.yaml", text, code="GLM001")
    (container,) = yaml.safe_load(new)["spec"]["containers"]
    assert container["env"] == [{"name": "HOME", "value": "/tmp"}]
    assert container["securityContext"]["runAsUser"] == 10001
    new, _ = _fixed(tmp_path, "run.sh", "docker run -d -u root -e HOME=/root ollama/ollama:0.6.2\n", code="GLM001")
    assert new == "docker run -d -u 10001:10001 -e HOME=/tmp ollama/ollama:0.6.2\n"


def _glm001(tmp_path: Path, name: str, text: str):
    path = tmp_path / name
    path.write_text(textwrap.dedent(text))
    report = scan([str(path)], select(builtin_rules(), ["GLM001"]), root=str(tmp_path))
    (result,) = report.results
    return result


def _fixable_or_says(result, fixable: bool, *reasons: str) -> None:
    """The finding carries a fix when `fixable`, else none and a message with each of `reasons`."""
    assert (result.fix is not None) == fixable, result.message
    if not fixable:
        for reason in reasons:
            assert reason in result.message


_JUPYTER_HOME = ("FROM python:3.11-slim\nENV HOME=/workspace\nWORKDIR /workspace\n"
                 "RUN pip install --no-cache-dir jupyterlab\nCOPY jupyter_server_config.py {to}\n"
                 "CMD [\"jupyter\", \"lab\", \"--allow-root\"]\n")
_BAKED_MODEL = ("FROM vllm/vllm-openai:v0.6.3\nENV HOME=/workspace HF_HUB_OFFLINE=1\nWORKDIR /workspace\n"
                "RUN {step}\nENTRYPOINT [\"vllm\", \"serve\", \"Qwen/Qwen2.5-0.5B-Instruct\"]\n")


@pytest.mark.parametrize(("dockerfile", "fixable"), [
    # re-read 21 R1: Jupyter reads its config from $HOME/.jupyter (jupyter_core `jupyter_config_dir`): a HOME
    # moved to /tmp loses the `ip` and password the build copied there, and the published port reaches nothing
    (_JUPYTER_HOME.format(to="/workspace/.jupyter/jupyter_server_config.py"), False),
    # one switch: the config copied to the system path (/etc/jupyter): the empty home moves to /tmp
    (_JUPYTER_HOME.format(to="/etc/jupyter/jupyter_server_config.py"), True),
    # the model a build step downloads into ~/.cache/huggingface (huggingface_hub `hf_cache_home`), served offline
    (_BAKED_MODEL.format(step="huggingface-cli download Qwen/Qwen2.5-0.5B-Instruct"), False),
    # one switch: the build step only installs a package (pip's own cache under ~ is nothing vLLM reads)
    (_BAKED_MODEL.format(step="pip install flash-attn"), True),
])
def test_run_as_non_root_fix_keeps_a_home_the_build_filled(tmp_path, dockerfile, fixable) -> None:
    _fixable_or_says(_glm001(tmp_path, "Dockerfile", dockerfile), fixable, "HOME /workspace is a directory the "
                     "build makes as root", "a HOME moved elsewhere loses it")


@pytest.mark.parametrize(("volume", "fixable"), [
    # the way vLLM's and TGI's docs mount the Hugging Face cache: uid 10001 cannot enter /root (0700) to reach
    # it, and HOME=/tmp would download the model again, into the container
    ("~/.cache/huggingface:/root/.cache/huggingface", False),
    ("hf-cache:/root/.cache/huggingface", False),
    # one switch: the cache mounted outside root's home
    ("~/.cache/huggingface:/models", True),
    # scratch space: the fix's HOME=/tmp replaces it
    ("type: tmpfs", True),
])
def test_run_as_non_root_fix_keeps_a_volume_in_roots_home(tmp_path, volume, fixable) -> None:
    mount = "\n      - {type: tmpfs, target: /root/.cache}" if volume == "type: tmpfs" else f"\n      - {volume}"
    text = ("services:\n  llm:\n    image: vllm/vllm-openai:v0.8.5\n    user: root\n"
            f"    command: [\"--model\", \"Qwen/Qwen2.5-1.5B\"]\n    volumes:{mount}\n")
    _fixable_or_says(_glm001(tmp_path, "compose.yaml", text), fixable, "in root's home, which another uid cannot enter")


@pytest.mark.parametrize(("name", "service", "fixable", "says"), [
    # a start command that installs packages: as uid 10001 pip cannot write the image's site-packages and
    # falls back to HOME=/; apt-get cannot write dpkg's database: the container exits before its program starts
    ("compose.yaml", "    image: python:3.12-slim\n    user: root\n"
     "    command: sh -c \"pip install -r requirements.txt && exec python app.py\"\n", False, "installs packages (`"),
    ("compose.yaml", "    image: python:3.12-slim\n    user: root\n"
     "    command: [\"python\", \"-m\", \"pip\", \"install\", \"gradio\"]\n", False, "installs packages (`"),
    ("compose.yaml", "    image: ubuntu:22.04\n    user: root\n"
     "    command: bash -c \"apt-get update && apt-get install -y ffmpeg && exec ./serve\"\n", False,
     "installs packages (`"),
    # one switch: what it installs goes to a directory of its choosing, or nothing is installed
    ("compose.yaml", "    image: python:3.12-slim\n    user: root\n"
     "    command: sh -c \"pip install --target /tmp/deps -r requirements.txt && exec python app.py\"\n", True, ""),
    ("compose.yaml", "    image: python:3.12-slim\n    user: root\n    command: python app.py\n", True, ""),
    # the image's own user owns its environment (the Docker Stacks' jovyan, /opt/conda)
    ("compose.yaml", "    image: quay.io/jupyter/scipy-notebook:2024-05-27\n    user: root\n"
     "    command: sh -c \"pip install gradio && exec start-notebook.py\"\n", True, ""),
])
def test_run_as_non_root_fix_keeps_a_start_that_installs_packages(tmp_path, name, service, fixable, says) -> None:
    _fixable_or_says(_glm001(tmp_path, name, f"services:\n  app:\n{service}"), fixable, says)


@pytest.mark.parametrize(("volume", "fixable"), [
    ("persistentVolumeClaim: {claimName: hf-cache}", False),
    ("emptyDir: {}", True),
])
def test_kubernetes_run_as_non_root_fix_keeps_a_claim_in_roots_home(tmp_path, volume, fixable) -> None:
    text = f"""\
        apiVersion: apps/v1
        kind: Deployment
        metadata: {{name: vllm}}
        spec:
          selector: {{matchLabels: {{app: vllm}}}}
          template:
            metadata: {{labels: {{app: vllm}}}}
            spec:
              containers:
              - name: vllm
                image: vllm/vllm-openai:v0.8.5
                args: ["--model", "meta-llama/Llama-3.1-8B-Instruct"]
                volumeMounts:
                - {{name: cache, mountPath: /root/.cache/huggingface}}
              volumes:
              - name: cache
                {volume}
        """
    result = _glm001(tmp_path, "deploy.yaml", text)
    assert (result.fix is not None) == fixable, result.message
    if not fixable:
        assert "mounts `cache` at /root/.cache/huggingface" in result.message


def _tgi(port_args: str = "", container_port: int = 80, sysctls: bool = False, host_network: bool = False) -> str:
    pod = "      hostNetwork: true\n" if host_network else ""
    if sysctls:
        pod += ("      securityContext:\n        sysctls:\n"
                "        - {name: net.ipv4.ip_unprivileged_port_start, value: \"0\"}\n")
    return ("apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: tgi}\nspec:\n"
            "  selector: {matchLabels: {app: tgi}}\n  template:\n    metadata: {labels: {app: tgi}}\n    spec:\n"
            + pod + _TGI_CONTAINER.format(args=port_args, port=container_port))


_TGI_CONTAINER = """\
      containers:
      - name: tgi
        image: ghcr.io/huggingface/text-generation-inference:2.4.0
        args: ["--model-id", "mistralai/Mistral-7B-Instruct-v0.3"{args}]
        ports:
        - containerPort: {port}
"""


@pytest.mark.parametrize(("text", "low"), [
    # the TGI image sets PORT=80: as root without NET_BIND_SERVICE the router cannot bind it where the runtime
    # leaves ip_unprivileged_port_start at 1024 (CRI-O, containerd 1.x), and as uid 10001 not at all
    (_tgi(), True),
    (_tgi(host_network=True), True),
    # one switch: `--port 8080`
    (_tgi(", \"--port\", \"8080\"", 8080), False),
    # the pod lowers the threshold itself
    (_tgi(sysctls=True), False),
])
def test_kubernetes_fixes_keep_a_port_below_1024_bindable(tmp_path, text, low) -> None:
    path = tmp_path / "tgi.yaml"
    path.write_text(textwrap.dedent(text))
    report = scan([str(path)], select(builtin_rules(), ["GLM001", "GLM002"]), root=str(tmp_path))
    by_code = {r.code: r for r in report.results}
    assert "GLM002" in by_code, sorted(by_code)
    glm001 = by_code["GLM001"]
    assert (glm001.fix is None) == low, glm001.message
    if low:
        assert "it listens on port 80, below 1024" in glm001.message
    (fixed,) = fix_report(report, Options(unsafe=True))
    (container,) = yaml.safe_load(fixed.new_text)["spec"]["template"]["spec"]["containers"]
    caps = container["securityContext"]["capabilities"]
    assert caps["drop"] == ["ALL"]
    assert caps.get("add", []) == (["NET_BIND_SERVICE"] if low else [])
    assert ("runAsUser" in container["securityContext"]) != low


@pytest.mark.parametrize(("network", "add"), [
    # Docker lowers ip_unprivileged_port_start to 0 in the container's own network namespace (moby/moby#41030)
    ("", None),
    # not on the host's
    ("    network_mode: host\n", ["NET_BIND_SERVICE"]),
])
def test_compose_cap_drop_fix_adds_net_bind_service_only_on_the_hosts_network(tmp_path, network, add) -> None:
    text = ("services:\n  tgi:\n    image: ghcr.io/huggingface/text-generation-inference:2.4.0\n"
            f"    command: [\"--model-id\", \"m\"]\n{network}")
    new, _ = _fixed(tmp_path, "compose.yaml", text, code="GLM002")
    svc = yaml.safe_load(new)["services"]["tgi"]
    assert svc["cap_drop"] == ["ALL"]
    assert svc.get("cap_add") == add


@pytest.mark.parametrize(("service", "fixable", "says"), [
    # Open WebUI's start.sh writes `.webui_secret_key` into /app/backend (the image's code, root's) without a key
    ("    image: ghcr.io/open-webui/open-webui:v0.5.20\n", False, "writes /app/backend/.webui_secret_key"),
    # with the key, its data directory: in the image's own directory, root's
    ("    image: ghcr.io/open-webui/open-webui:v0.5.20\n    environment: [\"WEBUI_SECRET_KEY=${KEY}\"]\n", False,
     "writes /app/backend/data at start, in the image's own directory, which is root's"),
    # on a named volume Docker seeds from that root-owned directory
    ("    image: ghcr.io/open-webui/open-webui:v0.5.20\n    environment: [\"WEBUI_SECRET_KEY=${KEY}\"]\n"
     "    volumes: [\"open-webui:/app/backend/data\"]\n", False, "on the volume `open-webui`"),
    # Qdrant's ./storage on a bind mount (the host's owner)
    ("    image: qdrant/qdrant:v1.12.4\n    volumes: [\"./qdrant_storage:/qdrant/storage\", \"./snap:/qdrant/snapshots\"]\n",
     False, "Qdrant writes /qdrant/storage at start"),
    # one switch: its data on a tmpfs every uid writes
    ("    image: qdrant/qdrant:v1.12.4\n    volumes: [{type: tmpfs, target: /qdrant/storage},"
     " {type: tmpfs, target: /qdrant/snapshots}]\n", True, ""),
    # the same in compose's short `tmpfs:` (Docker's --tmpfs: mode 1777 unless a `mode=` says otherwise)
    ("    image: qdrant/qdrant:v1.12.4\n    tmpfs: [/qdrant/storage, \"/qdrant/snapshots:size=1g\"]\n", True, ""),
    # Chroma 1.x's image keeps its collections at /data (its /config.yaml), on a volume Docker makes root's
    ("    image: chromadb/chroma:1.0.12\n    volumes: [\"chroma-data:/data\"]\n", False,
     "Chroma writes /data at start, on the volume `chroma-data`"),
    ("    image: chromadb/chroma:1.0.12\n    tmpfs: [/data]\n", True, ""),
    # one switch: a tmpfs only its owner, root, writes
    ("    image: qdrant/qdrant:v1.12.4\n    tmpfs: [\"/qdrant/storage:mode=0755\", /qdrant/snapshots]\n", False,
     "on the tmpfs at /qdrant/storage, root's"),
    # MLflow's store where its variable puts it, on a named volume
    ("    image: ghcr.io/mlflow/mlflow:v2.17.0\n    command: mlflow server --host 0.0.0.0 --backend-store-uri "
     "sqlite:////mlflow/mlflow.db --artifacts-destination /mlflow/artifacts\n    volumes: [\"mlflow:/mlflow\"]\n",
     False, "writes /mlflow/mlflow.db at start, on the volume `mlflow`"),
    # one switch: its stores are a database and a bucket
    ("    image: ghcr.io/mlflow/mlflow:v2.17.0\n    command: mlflow server --host 0.0.0.0 --backend-store-uri "
     "postgresql://mlflow@db/mlflow --artifacts-destination s3://bucket/mlflow\n", True, ""),
])
def test_run_as_non_root_fix_keeps_what_the_service_writes_writable(tmp_path, service, fixable, says) -> None:
    result = _glm001(tmp_path, "compose.yaml", f"services:\n  app:\n    user: root\n{service}")
    assert (result.fix is not None) == fixable, result.message
    assert says in result.message


_WEAVIATE = """\
apiVersion: apps/v1
kind: StatefulSet
metadata: {{name: weaviate}}
spec:
  serviceName: weaviate
  selector: {{matchLabels: {{app: weaviate}}}}
  template:
    metadata: {{labels: {{app: weaviate}}}}
    spec:
{pod}      containers:
      - name: weaviate
        image: cr.weaviate.io/semitechnologies/weaviate:1.28.2
        env:
        - {{name: PERSISTENCE_DATA_PATH, value: /var/lib/weaviate}}
        volumeMounts:
        - {{name: {volume}, mountPath: /var/lib/weaviate}}
{volumes}  volumeClaimTemplates:
  - metadata: {{name: weaviate-data}}
    spec:
      accessModes: [ReadWriteOnce]
      resources: {{requests: {{storage: 32Gi}}}}
"""


@pytest.mark.parametrize(("pod", "volume", "volumes", "user", "want"), [
    # the Weaviate chart's way: a claim template; uid 10001 cannot write the claim's root-owned files until
    # the kubelet gives them to the pod's fsGroup
    ("", "weaviate-data", "", "10001", 10001),
    ("", "weaviate-data", "", "1000:2000", 2000),
    # merged into the pod's own securityContext
    ("      securityContext:\n        seccompProfile: {type: RuntimeDefault}\n", "weaviate-data", "", "10001", 10001),
    # one the pod sets stays
    ("      securityContext:\n        fsGroup: 3000\n", "weaviate-data", "", "10001", 3000),
    # one switch: scratch space, writable by every uid: no fsGroup
    ("", "scratch", "      volumes:\n      - {name: scratch, emptyDir: {}}\n", "10001", None),
    # a hostPath keeps its owner: fsGroup does not change it
    ("", "host", "      volumes:\n      - {name: host, hostPath: {path: /srv/weaviate}}\n", "10001", None),
])
def test_kubernetes_run_as_non_root_fix_gives_the_claim_to_the_pods_fs_group(tmp_path, pod, volume, volumes, user,
                                                                            want) -> None:
    from tests import realtools

    path = tmp_path / "weaviate.yaml"
    path.write_text(_WEAVIATE.format(pod=pod, volume=volume, volumes=volumes))
    report = scan([str(path)], select(builtin_rules(), ["GLM001"]), root=str(tmp_path))
    (fixed,) = fix_report(report, Options(unsafe=True, user=user, user_set=user != "10001"))
    spec = yaml.safe_load(fixed.new_text)["spec"]["template"]["spec"]
    assert spec.get("securityContext", {}).get("fsGroup") == want
    # review A20 X3: the kubelet re-owns the volume at each mount only while its root does not match
    assert spec.get("securityContext", {}).get("fsGroupChangePolicy") == (
        "OnRootMismatch" if want is not None and "fsGroup" not in pod else None)
    assert spec["containers"][0]["securityContext"]["runAsUser"] == int(user.split(":")[0])
    if pod.startswith("      securityContext:\n        seccompProfile"):
        assert spec["securityContext"]["seccompProfile"] == {"type": "RuntimeDefault"}
    assert realtools.kubernetes_validate(fixed.new_text) is None


@pytest.mark.parametrize(("volume", "fixable", "fs_group"), [
    # Open WebUI's data on a claim: its key from a secret, its data through the pod's fsGroup
    ("persistentVolumeClaim: {claimName: open-webui}", True, 10001),
    # on a hostPath (the node's owner): no fix, the finding says why
    ("hostPath: {path: /srv/open-webui}", False, None),
])
def test_kubernetes_open_webui_uid_fix_keeps_its_data_writable(tmp_path, volume, fixable, fs_group) -> None:
    text = f"""\
        apiVersion: apps/v1
        kind: Deployment
        metadata: {{name: open-webui}}
        spec:
          selector: {{matchLabels: {{app: open-webui}}}}
          template:
            metadata: {{labels: {{app: open-webui}}}}
            spec:
              containers:
              - name: open-webui
                image: ghcr.io/open-webui/open-webui:v0.5.20
                env:
                - name: WEBUI_SECRET_KEY
                  valueFrom: {{secretKeyRef: {{name: webui, key: key}}}}
                volumeMounts:
                - {{name: data, mountPath: /app/backend/data}}
              volumes:
              - name: data
                {volume}
        """
    result = _glm001(tmp_path, "webui.yaml", text)
    assert (result.fix is not None) == fixable, result.message
    if fixable:
        new, _ = _fixed(tmp_path, "webui.yaml", text, code="GLM001")
        assert yaml.safe_load(new)["spec"]["template"]["spec"]["securityContext"] == {
            "fsGroup": fs_group, "fsGroupChangePolicy": "OnRootMismatch"}
    else:
        assert "writes /app/backend/data at start, on the host directory `/srv/open-webui`" in result.message


@pytest.mark.parametrize(("image", "add"), [
    # Label Studio's entrypoint chowns its files and steps down with gosu: CHOWN, SETGID, SETUID back
    ("heartexlabs/label-studio:latest", ["CHOWN", "SETGID", "SETUID"]),
    # one switch: an image the catalog knows nothing of: ALL alone (its title warns)
    ("example/annotator:1.0", None),
])
def test_compose_cap_drop_fix_adds_back_what_label_studios_entrypoint_needs(tmp_path, image, add) -> None:
    new, _ = _fixed(tmp_path, "compose.yaml", f"services:\n  ls:\n    image: {image}\n", code="GLM002")
    svc = yaml.safe_load(new)["services"]["ls"]
    assert svc["cap_drop"] == ["ALL"]
    assert svc.get("cap_add") == add


_CONDA = ("FROM nvidia/cuda:12.1.1-cudnn8-runtime-ubuntu22.04\nENV HOME=/root\n"
          "RUN apt-get update && bash /tmp/mc.sh -b -p {prefix} && rm /tmp/mc.sh\nENV PATH={prefix}/bin:$PATH\n"
          "RUN pip install vllm==0.6.3\nCMD [\"python\", \"-m\", \"vllm.entrypoints.openai.api_server\"]\n")


@pytest.mark.parametrize(("dockerfile", "fixable"), [
    # review A20 X1: conda installed in /root and found through PATH: uid 10001 cannot search /root (0700), so
    # `python` is not found and the container exits 127
    (_CONDA.format(prefix="/root/miniconda3"), False),
    # one switch: conda installed in /opt
    (_CONDA.format(prefix="/opt/conda"), True),
    # `pip install --user` with HOME=/root, found through `$HOME/.local/bin`
    ("FROM python:3.11\nENV HOME=/root\nENV PATH=$HOME/.local/bin:$PATH\nRUN pip install --user vllm\n"
     "CMD [\"vllm\", \"serve\", \"m\"]\n", False),
    # a PATH entry in /root the build installs nothing into: lookup goes on to /usr/local/bin
    ("FROM python:3.11\nENV PATH=/root/.cargo/bin:$PATH\nRUN pip install vllm\nCMD [\"vllm\", \"serve\", \"m\"]\n",
     True),
    # the start command names a file in /root
    ("FROM python:3.11\nCOPY main.py /root/main.py\nCMD [\"python\", \"/root/main.py\"]\n", False),
    # an app copied into a WORKDIR in /root; one switch: /app
    ("FROM python:3.11\nWORKDIR /root/app\nCOPY . .\nCMD [\"python\", \"main.py\"]\n", False),
    ("FROM python:3.11\nWORKDIR /app\nCOPY . .\nCMD [\"python\", \"main.py\"]\n", True),
    # a build step opens /root to everyone
    ("FROM ubuntu:22.04\nRUN bash /tmp/mc.sh -b -p /root/miniconda3 && chmod 755 /root\n"
     "ENV PATH=/root/miniconda3/bin:$PATH\nCMD [\"python\", \"app.py\"]\n", True),
])
def test_run_as_non_root_fix_keeps_a_program_in_roots_home(tmp_path, dockerfile, fixable) -> None:
    _fixable_or_says(_glm001(tmp_path, "Dockerfile", dockerfile), fixable,
                     "in root's home, which another uid cannot enter", "could not start its program")


_SHARED_CACHE = """\
    apiVersion: v1
    kind: PersistentVolumeClaim
    metadata: {{name: models}}
    spec:
      accessModes: [{modes}]
      storageClassName: efs-sc
      resources: {{requests: {{storage: 500Gi}}}}
    ---
    apiVersion: apps/v1
    kind: Deployment
    metadata: {{name: vllm, labels: {{app: vllm}}}}
    spec:
      template:
        metadata: {{labels: {{app: vllm}}}}
        spec:
          volumes: [{{name: models, persistentVolumeClaim: {{claimName: models}}}}]
          containers:
            - image: vllm/vllm-openai:v0.6.3
              name: vllm
              args: ["--model", "meta-llama/Llama-3.1-8B-Instruct", "--download-dir", "/models"]
              env: [{{name: HF_HOME, value: /models/hf}}]
              ports: [{{containerPort: 8000}}]
              volumeMounts: [{{name: models, mountPath: /models}}]
      selector: {{matchLabels: {{app: vllm}}}}
      replicas: 2
    """


# review A20 X2: a CSI driver's default fsGroupPolicy gives files to the fsGroup only for ReadWriteOnce
# (kubernetes pkg/volume/csi/csi_mounter.go `supportsFSGroup`): the files stay root's; one switch:
# ReadWriteOnce (and a claim that also allows it) gets the fsGroup
@pytest.mark.parametrize(("modes", "fixable"), [("ReadWriteMany", False), ("ReadOnlyMany", False),
                                                ("ReadWriteOnce", True), ("ReadWriteOnce, ReadWriteMany", True)])
def test_kubernetes_run_as_non_root_fix_leaves_a_shared_claim(tmp_path, modes, fixable) -> None:
    _fixable_or_says(_glm001(tmp_path, "vllm.yaml", _SHARED_CACHE.format(modes=modes)), fixable,
                     f"whose access modes are `{modes}`")


# a StatefulSet's claim template is a claim of the pod (its controller makes a volume of it): its access modes
# decide the same way (the parser had no such volume; GLM001 took an unknown mount of a StatefulSet for a claim
# by its label, and offered the fsGroup fix for a ReadWriteMany template)
@pytest.mark.parametrize(("modes", "fixable"), [("ReadWriteMany", False), ("ReadWriteOnce", True)])
def test_kubernetes_run_as_non_root_fix_reads_a_claim_templates_access_modes(tmp_path, modes, fixable) -> None:
    text = _WEAVIATE.format(pod="", volume="weaviate-data", volumes="").replace(
        "accessModes: [ReadWriteOnce]", f"accessModes: [{modes}]")
    assert f"accessModes: [{modes}]" in text
    _fixable_or_says(_glm001(tmp_path, "weaviate.yaml", text), fixable, f"whose access modes are `{modes}`")


def test_kubernetes_run_as_non_root_fix_gives_fsgroup_to_a_claim_not_in_the_scan(tmp_path) -> None:
    # the claim is not in the scan: its access modes are unknown, the fsGroup is added as before
    text = _SHARED_CACHE.format(modes="ReadWriteMany").split("---\n", 1)[1]
    result = _glm001(tmp_path, "vllm.yaml", text)
    assert result.fix is not None, result.message


# reread20 R1: a custom resource's pod whose securityContext is not written yet (a KServe component takes PodSpec
# fields inline, an Argo template's `securityContext` is the pod's): `check` offered the uid fix with the pod's
# fsGroup and `fix` refused it ("cannot find the pod securityContext"); the fsGroup goes where the parser reads
# the pod's securityContext, and the fixed file reads it there
_CLAIMED = {
    "kserve": ("""\
apiVersion: serving.kserve.io/v1beta1
kind: InferenceService
metadata: {name: llm}
spec:
  predictor:
    containers:
    - name: kserve-container
      image: python:3.11
      command: ["python", "serve.py"]
      volumeMounts:
      - {name: models, mountPath: /mnt/models}
    volumes:
    - name: models
      persistentVolumeClaim: {claimName: models}
""", ("spec", "predictor")),
    "argo-template": ("""\
apiVersion: argoproj.io/v1alpha1
kind: Workflow
metadata: {generateName: train-}
spec:
  entrypoint: main
  templates:
  - name: main
    container:
      image: python:3.11
      command: [python, train.py]
      volumeMounts:
      - {name: cache, mountPath: /cache}
    volumes:
    - name: cache
      persistentVolumeClaim: {claimName: cache}
""", ("spec", "templates", 0)),
    # the workflow's volumes, the template's own securityContext (the pod's, where the parser reads it)
    "argo-workflow-volumes": ("""\
apiVersion: argoproj.io/v1alpha1
kind: Workflow
metadata: {generateName: train-}
spec:
  entrypoint: main
  volumes:
  - name: work
    persistentVolumeClaim: {claimName: work}
  templates:
  - name: main
    container:
      image: python:3.11
      command: [python, train.py]
      volumeMounts:
      - {name: work, mountPath: /work}
""", ("spec", "templates", 0)),
}


@pytest.mark.parametrize("case", sorted(_CLAIMED))
def test_a_custom_resource_pod_gets_the_fs_group_check_offered(tmp_path, case) -> None:
    text, at = _CLAIMED[case]
    path = tmp_path / "pod.yaml"
    path.write_text(text)
    report = scan([str(path)], select(builtin_rules(), ["GLM001"]), root=str(tmp_path))
    (finding,) = report.results
    assert finding.fix is not None and "fsGroup" in finding.fix.title  # what `check` offers
    (fixed,) = fix_report(report, Options(unsafe=True))
    assert fixed.skipped == [] and len(fixed.applied) == 1  # is what `fix` writes
    node = yaml.safe_load(fixed.new_text)
    for key in at:
        node = node[key]
    assert node["securityContext"] == {"fsGroup": 10001, "fsGroupChangePolicy": "OnRootMismatch"}
    path.write_text(fixed.new_text)
    assert [r.code for r in scan([str(path)], select(builtin_rules(), ["GLM001"]), root=str(tmp_path)).results] == []


@pytest.mark.parametrize(("dockerfile", "compose", "user", "env", "writable"), [
    # reread22 R1: Jupyter on python, built with `useradd -m app` + chown, left at root. Every fix at once: `user: app`
    # and a tmpfs at its ~/.local, where jupyter_core creates its runtime directory at start
    # (its app directory only: a `data` directory made in it for the app to write gets no read-only fix, review A22 X2)
    ("FROM python:3.11-slim\nRUN useradd -m app && mkdir -p /app && chown -R app /app\nWORKDIR /app\n"
     "USER root\nCMD [\"python\", \"-m\", \"jupyter\", \"lab\", \"--ip=0.0.0.0\", \"--allow-root\"]\n",
     "", "app", None, ["/home/app/.local", "/tmp"]),
    # vLLM's caches under ~/.cache and ~/.triton, in the home `-d` names
    ("FROM vllm/vllm-openai:v0.7.2\nRUN useradd -m -d /srv/app app && chown -R app /srv/app\n",
     "    command: [\"--model\", \"Qwen/Qwen2.5-1.5B\"]\n", "app", None, ["/srv/app/.cache", "/srv/app/.triton", "/tmp"]),
    # a root already read-only with only /tmp writable: that home would stay read-only, the uid keeps HOME=/tmp
    ("FROM vllm/vllm-openai:v0.7.2\nRUN useradd -m app && chown -R app /home/app\n",
     "    read_only: true\n    tmpfs: [/tmp]\n", "10001:10001", {"HOME": "/tmp", "USER": "10001"}, ["/tmp"]),
    # ... unless a writable volume holds what it writes there
    ("FROM vllm/vllm-openai:v0.7.2\nRUN useradd -m app && chown -R app /home/app\n",
     "    read_only: true\n    tmpfs: [/tmp, /home/app/.triton]\n    volumes: [\"hf:/home/app/.cache\"]\n", "app", None,
     ["/home/app/.cache", "/home/app/.triton", "/tmp"]),
])
def test_compose_build_user_fix_keeps_its_home_writes_writable(tmp_path, dockerfile, compose, user, env,
                                                               writable) -> None:
    """GLM001 sets the user the build makes and gives the app to; GLM004's read-only fix then mounts a tmpfs
    where the image writes under that user's home (runc starts it with HOME from its /etc/passwd entry)."""
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "Dockerfile").write_text(dockerfile)
    new = _all_fixed(tmp_path, "compose.yaml", "services:\n  svc:\n    build: ./app\n" + compose)
    svc = yaml.safe_load(new)["services"]["svc"]
    assert svc["user"] == user and svc["read_only"] is True
    assert svc.get("environment") == env
    assert _compose_writable(new, "svc") == writable


@pytest.mark.parametrize(("steps", "how"), [
    # review A24 X3: the title names what gave the chosen user its files, not any `chown` of the build
    ("RUN touch /etc/app.conf && chown root:root /etc/app.conf\nCOPY --chown=user . /app\n", "`COPY --chown`"),
    ("COPY . /app\nRUN chown -R user /app\n", "`chown`"),
    ("COPY . /app\nRUN chown -R 1000:1000 /app\n", "`chown`"),
])
def test_build_user_fix_title_names_what_gave_the_files(tmp_path, steps, how) -> None:
    text = f"FROM python:3.11\nRUN useradd -m -u 1000 user\n{steps}CMD [\"python\", \"/app/app.py\"]\n"
    result = _glm001(tmp_path, "Dockerfile", text)
    assert result.fix is not None and result.fix.title.endswith(f"gives its files to ({how})"), result.fix


@pytest.mark.parametrize(("command", "fixable"), [
    # field23 F23-8: removing what the build put there fails on a read-only root (EROFS)
    ('sh -c "rm -rf /srv/app/input && ln -sT /data/input /srv/app/input && exec python main.py"', False),
    ('sh -c "ln -s /data/models /srv/models && exec python main.py"', False),
    # a file the image may not have (`rm -f` of a pid file: unlink answers ENOENT before EROFS), or one in /tmp
    ('sh -c "rm -f /var/run/app.pid && exec python main.py"', True),
    ('sh -c "rm -rf /tmp/cache && cp -r /srv/app/defaults /tmp/cache && exec python main.py"', True),
    # in the volume
    ('sh -c "rm -rf /data/input && ln -sT /srv/app/input /data/input && exec python main.py"', True),
])
def test_start_that_changes_the_image_tree_gets_no_read_only_fix(tmp_path, command, fixable) -> None:
    (tmp_path / "Dockerfile").write_text("FROM python:3.11\nRUN git clone https://github.com/acme/app /srv/app\n"
                                         "WORKDIR /srv/app\n")
    text = f"services:\n  app:\n    build: .\n    volumes: [\"./data:/data\"]\n    command: {command}\n"
    finding = _glm004(tmp_path, "compose.yaml", text)
    assert (finding.fix is not None) is fixable, finding.message
