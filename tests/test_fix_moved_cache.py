"""The read-only fix where a variable moves what the image writes at start (images.yaml `writable_env`):
vLLM's Hugging Face cache under `HF_HOME=/models` is downloaded to /models, not ~/.cache (review A18 M1)."""
from __future__ import annotations

import yaml
import pytest

from tests.test_fix_still_runs import VLLM_DEPLOYMENT, _fixed, _glm004, _mounts


def _tmpfs(text: str, service: str) -> list[str]:
    return sorted(yaml.safe_load(text)["services"][service].get("tmpfs", []))


@pytest.mark.parametrize(("image", "extra", "want"), [
    # huggingface_hub: the hub cache is HF_HUB_CACHE, else HUGGINGFACE_HUB_CACHE, else $HF_HOME/hub; vLLM's own
    # cache stays in ~/.cache/vllm
    ("vllm/vllm-openai:v0.7.2", "    environment: {HF_HOME: /models}\n", ["/models", "/root/.cache", "/root/.triton", "/tmp"]),
    ("vllm/vllm-openai:v0.7.2", "    environment: [HF_HUB_CACHE=/hf/hub/]\n", ["/hf/hub", "/root/.cache", "/root/.triton", "/tmp"]),
    ("vllm/vllm-openai:v0.7.2", "    environment: {TRANSFORMERS_CACHE: /cache, HF_HOME: /cache}\n",
     ["/cache", "/root/.cache", "/root/.triton", "/tmp"]),
    # a volume there already makes it writable
    ("vllm/vllm-openai:v0.7.2", "    environment: {HF_HOME: /models}\n    volumes: [\"./models:/models\"]\n",
     ["/root/.cache", "/root/.triton", "/tmp"]),
    # still under the tmpfs the image's own path gets
    ("vllm/vllm-openai:v0.7.2", "    environment: {HF_HOME: /root/.cache/huggingface}\n", ["/root/.cache", "/root/.triton", "/tmp"]),
    ("vllm/vllm-openai:v0.7.2", "    environment: {HF_HOME: /tmp/hf}\n", ["/root/.cache", "/root/.triton", "/tmp"]),
    # TEI's router caches into HUGGINGFACE_HUB_CACHE (the image's /data); HF_HOME does not move it
    ("ghcr.io/huggingface/text-embeddings-inference:cpu-1.5", "    environment: {HUGGINGFACE_HUB_CACHE: /cache}\n",
     ["/cache", "/data", "/tmp"]),
    ("ghcr.io/huggingface/text-embeddings-inference:cpu-1.5", "    environment: {HF_HOME: /models}\n",
     ["/data", "/tmp"]),
    # an image the catalog knows nothing of: its variables mean nothing here
    ("ghcr.io/example/llm-server:1.4", "    environment: {HF_HOME: /models}\n", ["/tmp"]),
])
def test_compose_read_only_fix_mounts_where_a_variable_moves_the_model_cache(tmp_path, image, extra, want) -> None:
    text = f"services:\n  llm:\n    image: {image}\n{extra}"
    new, _ = _fixed(tmp_path, "compose.yaml", text)
    assert "read_only: true" in new
    assert _tmpfs(new, "llm") == want


@pytest.mark.parametrize(("environment", "fixable"), [
    ("    environment: {HF_HOME: \"${HF_HOME}\"}\n", False),  # set where the scan cannot see
    ("    environment: {HF_HOME: \"${HF_HOME:-/models}\"}\n", True),  # compose's default, as it reads it
    ("    environment: {HF_HOME: ./models}\n", False),  # relative to a directory the scan does not know
    ("    environment: [HF_HOME]\n", False),  # the shell's that runs compose
    ("    environment: {HF_HOME: /models}\n", True),
    ("    environment: {HF_TOKEN: \"${HF_TOKEN}\"}\n", True),
])
def test_vllm_gets_no_read_only_fix_while_its_cache_is_moved_where_the_scan_cannot_read(
        tmp_path, environment, fixable) -> None:
    text = f"services:\n  vllm:\n    image: vllm/vllm-openai:v0.7.2\n{environment}"
    result = _glm004(tmp_path, "compose.yaml", text)
    assert (result.fix is not None) == fixable
    assert ("no automatic fix" in result.message) != fixable
    if not fixable:
        assert "`HF_HOME`" in result.message and "`vllm-openai`" in result.message


def test_kubernetes_read_only_fix_gives_vllm_an_empty_dir_at_its_hf_home(tmp_path) -> None:
    text = VLLM_DEPLOYMENT.rstrip() + "\n" + "            env: [{name: HF_HOME, value: /models}]\n"
    new, _ = _fixed(tmp_path, "deploy.yaml", text)
    assert _mounts(tmp_path, "deploy.yaml", new)["vllm"] == ["/models", "/root/.cache", "/root/.triton", "/tmp"]


def test_kubernetes_hf_home_from_a_config_map_gets_no_read_only_fix(tmp_path) -> None:
    text = VLLM_DEPLOYMENT.rstrip() + "\n" + ("            env:\n            - name: HF_HOME\n"
                              "              valueFrom: {configMapKeyRef: {name: llm, key: cache}}\n")
    result = _glm004(tmp_path, "deploy.yaml", text)
    assert result.fix is None and "`HF_HOME`" in result.message


def test_docker_run_read_only_fix_adds_a_tmpfs_at_the_moved_cache(tmp_path) -> None:
    text = ("#!/bin/sh\ndocker run --gpus all -e HF_HOME=/models -p 127.0.0.1:8000:8000 vllm/vllm-openai "
            "--model Qwen/Qwen2.5-1.5B\n")
    new, _ = _fixed(tmp_path, "serve.sh", text)
    assert "--read-only --tmpfs /tmp --tmpfs /root/.cache --tmpfs /root/.triton --tmpfs /models vllm/vllm-openai" in new
