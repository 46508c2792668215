"""A KAITO Workspace's preset model (field24; kaito-project/kaito at 056b8280): served by KAITO's vLLM runtime
(the default) with the `--trust-remote-code` KAITO adds to every model (presets/workspace/models/vllm_model.go),
reported at the preset's name with no fix; the transformers runtime's script is not catalogued."""
from __future__ import annotations

from tests.helpers import found, lint, workloads

_WORKSPACE = """\
    apiVersion: kaito.sh/v1beta1
    kind: Workspace
    metadata:
      name: ws
      annotations: {%s}
    resource:
      instanceType: Standard_NC24ads_A100_v4
      labelSelector: {matchLabels: {apps: phi-4}}
    inference:
      preset:
        name: phi-4-mini-instruct
    """


def test_a_preset_is_served_by_vllm_with_remote_code_and_no_fix(tmp_path) -> None:
    (w,) = workloads(_WORKSPACE % "", "yaml", "ws.yaml")
    assert w.partial and w.words_in_text and w.label.startswith("KAITO Workspace `ws`")
    assert [a.text for a in w.process[0].argv] == ["vllm", "serve", "phi-4-mini-instruct", "--trust-remote-code"]
    report = lint(tmp_path, {"ws.yaml": _WORKSPACE % ""}, ["GLM018"])
    assert found(report) == [("ws.yaml", "GLM018", 11)]
    assert all(r.fix is None for r in report.results)


def test_the_transformers_runtime_and_other_groups_give_nothing(tmp_path) -> None:
    assert workloads(_WORKSPACE % '"kaito.sh/runtime": transformers', "yaml", "ws.yaml") == []
    assert workloads((_WORKSPACE % "").replace("kaito.sh/v1beta1", "example.com/v1"), "yaml", "ws.yaml") == []


def test_an_inference_set_template_is_read_as_its_workspace(tmp_path) -> None:
    inference_set = """\
        apiVersion: kaito.sh/v1alpha1
        kind: InferenceSet
        metadata:
          name: phi-4-mini
        spec:
          replicas: 1
          labelSelector: {matchLabels: {apps: phi-4-mini}}
          template:
            inference:
              preset:
                name: phi-4-mini-instruct
            resource: {instanceType: Standard_NC24ads_A100_v4}
        """
    assert found(lint(tmp_path, {"set.yaml": inference_set}, ["GLM018"])) == [("set.yaml", "GLM018", 11)]
