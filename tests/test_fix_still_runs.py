"""Fixes that still run: the read-only fix leaves writable what the image writes at start (images.yaml
`writable_paths`), read from the image's own start, so the fixed workload still starts and serves."""
from __future__ import annotations

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
    ("vllm/vllm-openai:v0.7.2", "", ["/root/.cache", "/tmp"]),
    # the documented run mounts the hub cache: ~/.cache/vllm still needs its writable parent
    ("vllm/vllm-openai:v0.7.2", "    volumes: [\"hf:/root/.cache/huggingface\"]\n",
     ["/root/.cache", "/root/.cache/huggingface", "/tmp"]),
    # `ollama serve` writes ~/.ollama/id_ed25519 before it listens, and exits when it cannot
    ("ollama/ollama:0.5.7", "", ["/root/.ollama", "/tmp"]),
    ("ollama/ollama:0.5.7", "    volumes: [\"ollama:/root/.ollama\"]\n", ["/root/.ollama", "/tmp"]),
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


def test_kubernetes_read_only_fix_gives_vllm_a_writable_cache(tmp_path) -> None:
    text = """\
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
    new, _ = _fixed(tmp_path, "deploy.yaml", text)
    assert "readOnlyRootFilesystem: true" in new
    assert _mounts(tmp_path, "deploy.yaml", new)["vllm"] == ["/root/.cache", "/tmp"]
