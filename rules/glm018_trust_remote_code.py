"""A model server runs with remote code enabled.

## What it does
Flags a cataloged model server or loader started with remote code enabled:
`--trust-remote-code` (vLLM, Text Generation Inference, SGLang, lmdeploy and
the others in the [service catalog](../services.md); vLLM also reads
`--trust_remote_code`, its parser turning `_` into `-`, and the same options
from the YAML file its `--config` names, as the build writes it:
`trust-remote-code: true`; TensorRT-LLM's `trtllm-serve` takes
`--trust_remote_code` only, its click parser knowing no dash spelling) or its environment
equivalent (Text Generation Inference's `TRUST_REMOTE_CODE=true`, and
LoRAX's, its fork's), or a
server that trusts remote code unless told not to, started without the
switch that turns it off (the Infinity embeddings server: its
`--trust-remote-code` is on by default; `--no-trust-remote-code` or
`INFINITY_TRUST_REMOTE_CODE=false` turns it off; the finding points at its
start command or image), in a
Dockerfile's start command, a compose `command:`/`environment:`, a
Kubernetes `command`/`args`/`env` or a `docker run` line. The server is
recognised from its start command or its official image (compose
`command:` words are arguments to `vllm/vllm-openai`'s `vllm serve`), or,
for a KServe `InferenceService` model, from its `modelFormat`: the serving
runtime for that format runs the server and the model's `args` are appended
(`huggingface`: KServe's Hugging Face server, `--trust_remote_code`; `vllm`:
`vllm serve`); a KServe `LLMInferenceService`'s `main` container with no command of its
own runs its preset's `vllm serve`, to which the preset adds the words of `VLLM_ADDITIONAL_ARGS`
(reported at that variable, without a fix). A KubeAI `Model` with `engine: VLLM` runs
`python3 -m vllm.entrypoints.openai.api_server` with the Model's `args` appended, and a KAITO
`Workspace`'s `inference.preset` (an `InferenceSet`'s template's) is served by KAITO's vLLM runtime (its
default), to which KAITO adds
`--trust-remote-code` for every model (reported at the preset's name, without a fix: the command is
KAITO's). A KubeRay `RayJob`'s `entrypoint` is a shell command line the
Ray head runs (`vllm serve … --trust-remote-code`), and a `RayService`'s
`serveConfigV2` deploys Ray Serve LLM applications
(`ray.serve.llm:build_openai_app`) whose `engine_kwargs` are vLLM's options
(`trust_remote_code: true`, reported inside the string, without a fix). A script found by its path (text-generation-webui's
`server.py`) is found from the directory the container starts in (the
Dockerfile's `WORKDIR`, compose `working_dir`, Kubernetes `workingDir`, a
`cd` before it in the start command).

Python code that a build step or start command runs inline (`python -c
'…'`, a heredoc fed to `python`, an Argo script template's `source` run by
`command: [python]`) and that loads from the Hugging Face Hub
with `trust_remote_code=True` (`AutoModel.from_pretrained(…)`,
`load_dataset(…)`, `SentenceTransformer(…)`, vLLM's `LLM(…)`) is reported
too, at the code (a model baked into the image at build time runs its code
in the build); a script file the command runs is not read.

## Why is this bad?
With remote code trusted, loading a model runs the Python files that come
with it (`modeling_*.py`, `tokenization_*.py`) from the Hugging Face Hub or
wherever the model is fetched from, with the server's privileges, GPUs,
mounted data and credentials. Whoever can change that repository (a
compromised account, a typosquatted name, a new revision of an unpinned
model) runs code in your cluster. Most architectures are supported natively
and need no remote code at all.

## Example
```yaml
services:
  vllm:
    image: vllm/vllm-openai:v0.6.3
    command: --model Qwen/Qwen2-7B-Instruct --trust-remote-code
```
Use instead:
```yaml
services:
  vllm:
    image: vllm/vllm-openai:v0.6.3
    command: --model Qwen/Qwen2-7B-Instruct
```
(when a model really needs its own code, review it, vendor it, and pin the
model to a revision: `--revision <commit>`)

## Fix safety
Unsafe: a model whose architecture only ships as remote code stops loading.
The fix removes the command-line flag; the environment form, and a server
that trusts remote code by default (where removing the flag changes
nothing), are reported without a fix.
"""
from __future__ import annotations

from collections.abc import Iterator

from glmlint.catalog.services import identify, loader_calls
from glmlint.ir import Format, Loc, Workload
from glmlint.rule import Finding, FixSafety, Kind, RemoveSetting, Risk, Severity, rule


@rule(kind=Kind.MISCONFIGURATION, risk=Risk.HIGH, code="GLM018", slug="trust-remote-code", severity=Severity.ERROR,
      message="{name} starts {service} with remote code enabled",
      formats={Format.DOCKERFILE, Format.COMPOSE, Format.KUBERNETES}, fix=FixSafety.UNSAFE,
      tags=("security", "cwe-94", "ai-ml"), services=lambda s: bool(s.dangerous))
def check(workload: Workload) -> Iterator[Finding]:
    seen: set[Loc] = set()
    for when, commands in (("the build", workload.all_build_steps), ("the container", workload.process)):
        for call in loader_calls(commands):
            if call.at in seen:
                continue
            seen.add(call.at)
            yield Finding(at=call.at, args={"name": workload.label, "service": call.loader.name},
                          message=f"{workload.label} runs Python that loads from the {call.loader.name} with "
                                  f"`{call.text}` in {when}: it {call.loader.what}")
    for match in identify(workload):
        for d in match.dangerous():
            if d.loc in seen:
                continue
            seen.add(d.loc)
            if d.word is not None:
                what = f"`{d.word.text}`"
            elif d.env is not None:
                what = f"`{d.env.name}={d.env.value}`"
            else:  # on by default, and nothing turns it off
                what = "remote code on by default (" + " or ".join(sw.describe() for sw in d.dangerous.off) + \
                       " turns it off)"
            if match.from_config(d.word):
                what += " (set in the config file its `--config` names)"
            if match.from_env(d.word):
                var = next((p.args_env for p in match.service.presets if p.args_env), None)
                what += f" (in `{var}`, which its controller's preset adds to the command)"
            fix = None
            if d.word is not None and not match.from_config(d.word) and not match.from_env(d.word) and \
                    not d.dangerous.default_on and \
                    match.canonical(d.word.text) == d.dangerous.switch.flag:
                fix = RemoveSetting(d.word.loc, "cli", f"Remove `{d.word.text}`")
            yield Finding(at=d.loc, args={"name": workload.label, "service": match.service.name}, fix=fix,
                          message=f"{workload.label} starts {match.service.name} with {what}: it "
                                  f"{d.dangerous.what}")
