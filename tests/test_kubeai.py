"""A KubeAI `Model` (kubeai.org/v1) as its controller runs it (field24; substratusai/kubeai at 2f32ef49,
internal/modelcontroller/engine_vllm.go): `spec.env` is the server container's environment; with
`engine: VLLM` the container runs `python3 -m vllm.entrypoints.openai.api_server --model=<url>
--served-model-name=<name>` and then the Model's `args`."""
from __future__ import annotations

from tests.helpers import found, lint, workloads

_MODEL = """\
    apiVersion: kubeai.org/v1
    kind: Model
    metadata:
      name: qwen
    spec:
      features: [TextGeneration]
      url: hf://Qwen/Qwen2.5-7B-Instruct
      engine: %s
      args:
        - --trust-remote-code
      env:
        HF_TOKEN: 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
      resourceProfile: nvidia-gpu-l4:1
    """


def test_a_vllm_model_runs_vllm_with_its_args_and_env() -> None:
    (w,) = workloads(_MODEL % "VLLM", "yaml", "model.yaml")
    assert w.label == "KubeAI Model `qwen`" and w.partial
    (cmd,) = w.process
    assert [a.text for a in cmd.argv] == ["python3", "-m", "vllm.entrypoints.openai.api_server",
                                          "--model=hf://Qwen/Qwen2.5-7B-Instruct", "--served-model-name=qwen",
                                          "--trust-remote-code"]
    assert cmd.argv[-1].loc.line == 10
    assert [(e.name, e.loc.line) for e in w.env] == [("HF_TOKEN", 12)]


def test_findings_on_a_model(tmp_path) -> None:
    got = found(lint(tmp_path, {"model.yaml": _MODEL % "VLLM"}, ["GLM013", "GLM018", "GLM001", "GLM012", "GLM045"]))
    assert sorted(got) == [("model.yaml", "GLM013", 12), ("model.yaml", "GLM018", 10)]


def test_another_engine_gets_its_env_only_and_another_kind_nothing(tmp_path) -> None:
    # (the Ollama engine's pod takes the args its own way: not read)
    got = found(lint(tmp_path, {"model.yaml": _MODEL % "OLlama"}, ["GLM013", "GLM018"]))
    assert got == [("model.yaml", "GLM013", 12)]
    other = (_MODEL % "VLLM").replace("kubeai.org/v1", "example.com/v1")
    assert found(lint(tmp_path / "other", {"model.yaml": other}, ["GLM013", "GLM018"])) == []
