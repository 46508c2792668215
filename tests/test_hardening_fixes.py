"""The hardening rules' fix intents, carried out by the fix engine: each points at the right
setting, list item or word, and the result no longer has the finding."""
from __future__ import annotations

import textwrap

import pytest

from glmlint.fix import Options, fix_report
from glmlint.registry import builtin_rules, select
from glmlint.runner import scan


def fixed(tmp_path, name: str, text: str, code: str) -> tuple[str, list[str]]:
    """(the fixed text, the reasons for fixes that were skipped) of one file, unsafe fixes included."""
    path = tmp_path / name
    path.write_text(textwrap.dedent(text))
    report = scan([str(path)], select(builtin_rules(), [code]), root=str(tmp_path))
    assert report.results, f"{code} reports nothing"
    fixes = fix_report(report, Options(unsafe=True))
    assert len(fixes) == 1
    return fixes[0].new_text, [reason for _r, reason in fixes[0].skipped]


CASES = [
    ("GLM007", "compose.yaml", """\
        services:
          vllm:
            image: vllm/vllm-openai:v0.5.3
            security_opt:
              - no-new-privileges:false
        """, """\
        services:
          vllm:
            image: vllm/vllm-openai:v0.5.3
            security_opt:
              - "no-new-privileges:true"
        """),
    ("GLM007", "pod.yaml", """\
        apiVersion: v1
        kind: Pod
        metadata: {name: tgi}
        spec:
          containers:
            - name: tgi
              image: ghcr.io/huggingface/text-generation-inference:2.2
        """, """\
        apiVersion: v1
        kind: Pod
        metadata: {name: tgi}
        spec:
          containers:
            - name: tgi
              image: ghcr.io/huggingface/text-generation-inference:2.2
              securityContext:
                allowPrivilegeEscalation: false
        """),
    ("GLM008", "compose.yaml", """\
        services:
          trainer:
            image: trainer
            cap_add: [IPC_LOCK, SYS_ADMIN]
        """, """\
        services:
          trainer:
            image: trainer
            cap_add: [IPC_LOCK]
        """),
    ("GLM009", "compose.yaml", """\
        services:
          ray:
            image: rayproject/ray
            network_mode: host
            ipc: host
        """, """\
        services:
          ray:
            image: rayproject/ray
            shm_size: "16g"
        """),
    ("GLM009", "deploy.yaml", """\
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: triton}
        spec:
          template:
            spec:
              hostNetwork: true
              containers:
                - {name: triton, image: "nvcr.io/nvidia/tritonserver:24.06-py3"}
                - {name: proxy, image: "envoyproxy/envoy:v1.31.0"}
        """, """\
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: triton}
        spec:
          template:
            spec:
              hostNetwork: false
              containers:
                - {name: triton, image: "nvcr.io/nvidia/tritonserver:24.06-py3"}
                - {name: proxy, image: "envoyproxy/envoy:v1.31.0"}
        """),
    ("GLM011", "compose.yaml", """\
        services:
          nb:
            image: quay.io/jupyter/base-notebook
            security_opt: ["no-new-privileges:true", "seccomp=unconfined"]
        """, """\
        services:
          nb:
            image: quay.io/jupyter/base-notebook
            security_opt: ["no-new-privileges:true"]
        """),
    ("GLM011", "pod.yaml", """\
        apiVersion: v1
        kind: Pod
        metadata: {name: p}
        spec:
          securityContext:
            seccompProfile: {type: Unconfined}
          containers:
            - {name: c, image: x}
        """, """\
        apiVersion: v1
        kind: Pod
        metadata: {name: p}
        spec:
          securityContext:
            seccompProfile: {type: RuntimeDefault}
          containers:
            - {name: c, image: x}
        """),
    # (a non-root user: one that runs as root keeps its flag, without which Jupyter refuses to start)
    ("GLM015", "Dockerfile", """\
        FROM python:3.12-slim
        USER 1000
        CMD ["jupyter", "lab", "--ServerApp.allow_root", "True", "--ip=0.0.0.0"]
        """, """\
        FROM python:3.12-slim
        USER 1000
        CMD ["jupyter", "lab", "--ip=0.0.0.0"]
        """),
    # an image the service catalog does not know: the port table names what each port is (a cataloged
    # `postgres` image listens on 5432 only, so its 6379 and 8888 would name nothing)
    ("GLM016", "compose.yaml", """\
        services:
          db:
            image: ghcr.io/example/devbox:1.0
            ports:
              - 5432:5432
              - "0.0.0.0:6379:6379"
              - "8888"
        """, """\
        services:
          db:
            image: ghcr.io/example/devbox:1.0
            ports:
              - 127.0.0.1:5432:5432
              - "127.0.0.1:6379:6379"
              - "127.0.0.1::8888"
        """),
]


@pytest.mark.parametrize("code,name,before,after", CASES, ids=[f"{c[0]}-{c[1]}-{i}" for i, c in enumerate(CASES)])
def test_fix_intent_lands_on_the_setting(tmp_path, code, name, before, after):
    text, skipped = fixed(tmp_path, name, before, code)
    assert skipped == []
    assert text == textwrap.dedent(after)


def test_escalation_is_fixed_once_privileged_mode_is_gone(tmp_path):
    # Kubernetes rejects allowPrivilegeEscalation: false beside privileged or SYS_ADMIN: GLM007 offers
    # no fix there, and one run of every fix still ends with nothing left to fix (idempotent)
    path = tmp_path / "pod.yaml"
    path.write_text(textwrap.dedent("""\
        apiVersion: v1
        kind: Pod
        metadata: {name: p}
        spec:
          containers:
            - name: c
              image: x
              securityContext:
                privileged: true
        """))
    rules = select(builtin_rules(), ["GLM003", "GLM007"])
    report = scan([str(path)], rules, root=str(tmp_path))
    assert [(r.code, r.fix is None) for r in report.results] == [("GLM007", True), ("GLM003", False)]
    [f] = fix_report(report, Options(unsafe=True))
    assert "privileged: false" in f.new_text and "allowPrivilegeEscalation: false" in f.new_text
    path.write_text(f.new_text)
    assert scan([str(path)], rules, root=str(tmp_path)).results == []


def test_secret_messages_never_echo_the_value(tmp_path):
    secret = "hf_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123"
    (tmp_path / "Dockerfile").write_text(f"FROM python:3.12\nARG HF_TOKEN={secret}\nENV API_TOKEN={secret}x\n")
    (tmp_path / "compose.yaml").write_text(f"services:\n  a:\n    image: x\n    environment:\n"
                                           f"      - OPENAI_API_KEY={secret}\n")
    report = scan([str(tmp_path)], select(builtin_rules(), ["GLM013"]), root=str(tmp_path))
    assert len(report.results) == 3
    assert all(secret not in r.message for r in report.results)


def _titles(tmp_path, dockerfile: str, code: str) -> list[tuple[str, str | None]]:
    """(message, fix title) of `code`'s findings on a compose service built from `dockerfile`."""
    (tmp_path / "Dockerfile").write_text(textwrap.dedent(dockerfile))
    (tmp_path / "compose.yaml").write_text("services:\n  box:\n    build: .\n")
    report = scan([str(tmp_path)], select(builtin_rules(), [code]), root=str(tmp_path))
    return [(r.message, r.fix.title if r.fix else None) for r in report.results]


SETCAP = "RUN apt-get update && apt-get install -y libcap2-bin && setcap cap_net_raw+ep /usr/bin/ping\n"


def test_cap_drop_fix_adds_back_file_capabilities_beside_its_warnings(tmp_path):
    """The setcap add-back joins the fix's other reasons instead of replacing them: a non-root start
    command's `sudo`, an unknown image that starts as root."""
    [(_, sudo)] = _titles(tmp_path, "FROM python:3.11-slim\n" + SETCAP + "RUN useradd -m -u 1000 dev\nUSER dev\n"
                          'CMD ["sudo", "ping", "-c1", "gpu-node-1"]\n', "GLM002")
    assert sudo.startswith("Drop all capabilities and add back what `setcap` gives the image's programs (NET_RAW)")
    assert "stops the `sudo`" in sudo
    [(_, root)] = _titles(tmp_path, "FROM python:3.11-slim\n" + SETCAP + 'CMD ["python", "serve.py"]\n', "GLM002")
    assert "(NET_RAW)" in root and "may stop an entrypoint that starts as root" in root


def test_no_new_privileges_fix_is_not_offered_where_it_stops_the_start(tmp_path):
    """`no_new_privs`: execve ignores file capabilities (a non-root user's setcap'd program starts without
    them) and setuid bits (`sudo`); root needs neither."""
    [(message, fix)] = _titles(tmp_path, "FROM python:3.11-slim\n" + SETCAP + "USER 1000\n", "GLM007")
    assert fix is None and "file capabilities NET_RAW with `setcap`" in message
    [(message, fix)] = _titles(tmp_path, "FROM python:3.11-slim\n" + SETCAP + "USER root\n", "GLM007")
    assert fix is not None and "no automatic fix" not in message
    [(message, fix)] = _titles(tmp_path, "FROM python:3.11-slim\n" + SETCAP + 'ENTRYPOINT ["gosu", "app", "ping", "x"]\n',
                               "GLM007")
    assert fix is None and "file capabilities NET_RAW" in message  # root steps down to `app` before it runs
    [(message, fix)] = _titles(tmp_path, "FROM python:3.11-slim\nRUN useradd -m -u 1000 dev\nUSER dev\n"
                               'CMD ["sudo", "service", "ssh", "start"]\n', "GLM007")
    assert fix is None and "runs `sudo` as a non-root user" in message
