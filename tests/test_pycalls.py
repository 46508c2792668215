"""Python scripts -> the `docker run` lines they start through `subprocess`/`os.system`."""
from __future__ import annotations

from pathlib import Path

from glmlint.ir import Loc
from glmlint.parsers import detect, parse


def workloads(text: str, name: str = "launch.py"):  # type: ignore[no-untyped-def]
    hint = detect(name, name)
    assert hint == "docker-run"
    source = parse(name, text, hint)
    return [] if source is None else source.workloads


def test_an_argument_list_each_item_located_and_a_constant_name_read() -> None:
    (w,) = workloads('''import subprocess as sp

IMAGE = "vllm/vllm-openai:v0.6.3"


def serve(model):
    cmd = ["docker", "run", "--gpus", "all", "-p", "8000:8000", "--cap-add=SYS_ADMIN", IMAGE, "--model", model]
    sp.Popen(cmd)
''')
    assert w.image.value == "vllm/vllm-openai:v0.6.3" and w.image.loc == Loc(7, 88)
    assert [(p.host_ip, p.host_port, p.loc) for p in w.ports] == [(None, "8000", Loc(7, 46))]
    assert [(i.value, i.loc) for i in w.cap_add.value] == [("SYS_ADMIN", Loc(7, 65))]
    assert [word.text for word in w.command.value] == ["--model", "${model}"] and w.command.value[1].dynamic
    assert not w.partial


def test_shell_strings_f_strings_and_concatenation_located_in_their_literal() -> None:
    ws = workloads('''import os
from subprocess import run


def go(port, image, extra):
    os.system(f"docker run -d --privileged -p {port}:8000 {image}")
    os.system("docker run --rm " + "--cap-add SYS_ADMIN " + image)
    run("docker run -u 0 alpine:3.20 sh", shell=True)
    run(["docker", "run", *extra, "alpine:3.20"])
''')
    assert [w.privileged.loc for w in ws if w.privileged.value] == [Loc(6, 31)]
    assert [i.loc for w in ws for i in w.cap_add.value] == [Loc(7, 37)]
    assert [(w.user.value.raw, w.user.loc) for w in ws if w.user.explicit] == [("0", Loc(8, 21))]
    assert [w.ports[0].host_port for w in ws if w.ports] == ["${port}"]
    assert [w.partial for w in ws] == [False, False, False, True]  # `*extra` may hold options


def test_what_is_not_run_or_not_known_is_not_read() -> None:
    assert workloads('''import subprocess
import sys

print("docker run --privileged alpine:3.20")
CMD = ["docker", "run", "--privileged", "alpine:3.20"]
CMD.append("sh")
subprocess.run(CMD)
subprocess.run("docker run --privileged alpine:3.20")  # no shell: a program named so, which fails
logger.info(["docker", "run", "--privileged", "alpine:3.20"])
''') == []
    assert workloads("def broken(:\n    os.system('docker run --privileged x')\n") == []
    assert workloads("import json\n") == []


def test_asyncio_exec_arguments_and_shlex_split() -> None:
    ws = workloads('''import asyncio
import shlex
import subprocess


async def main():
    await asyncio.create_subprocess_exec("docker", "run", "--network", "host", "redis:7.4")
    subprocess.check_call(shlex.split("podman run --pid=host alpine:3.20 top"))
''')
    assert [(w.host_network.value, w.host_pid.value) for w in ws] == [(True, False), (False, True)]


def test_a_lambda_is_read_and_a_legacy_encoded_file_without_the_cli_is_skipped(tmp_path: Path) -> None:
    from glmlint.registry import builtin_rules, select
    from glmlint.runner import scan

    (tmp_path / "jobs.py").write_text('import os\nrun = lambda: os.system("docker run --privileged alpine:3.20")\n')
    (tmp_path / "legacy.py").write_bytes("# -*- coding: latin-1 -*-\nNAME = 'caf\xe9'\n".encode("latin-1"))
    report = scan([str(tmp_path)], select(builtin_rules(), ["GLM003"]), root=str(tmp_path))
    assert [(r.path, r.line) for r in report.results] == [("jobs.py", 2)]
    assert report.problems == []  # PEP 263 latin-1 source that starts no container: not ours
    (tmp_path / "legacy.py").write_bytes(b"# -*- coding: latin-1 -*-\nos.system('docker run caf\xe9')\n")
    report = scan([str(tmp_path)], select(builtin_rules(), ["GLM003"]), root=str(tmp_path))
    assert [p.message for p in report.problems] == ["cannot parse: not UTF-8 or UTF-16 text (byte 0xe9)"]


def test_str_split_words_and_a_name_assigned_a_command_string() -> None:
    # `str.split()` splits at runs of whitespace: no quoting (`"A=b` and `c"` are two words), no
    # expansion; an f-string's field may hold spaces: partial. A name assigned a command string once
    # is that string in a shell call, located in its literal; assigned twice, or without a shell: not read
    ws = workloads('''import os
import subprocess

CMD = "docker run --privileged alpine:3.20"


def go(tag):
    subprocess.run("docker  run -e HF_HOME -p 8000:8000 vllm/vllm-openai:v0.6.3".split())
    subprocess.run('docker run --label "a b" --privileged alpine:3.20'.split())  # image `b"`: not read
    subprocess.run(f"docker run --cap-add {tag} alpine:3.20".split())
    subprocess.run(CMD, shell=True)
    os.system(CMD)
    subprocess.run(CMD)
    cmd = "docker run --network host alpine:3.20"
    cmd = "docker run alpine:3.20"
    os.system(cmd)
    subprocess.run("docker run --pid=host alpine:3.20".split(" "))
''')
    first, second, third, fourth = ws
    assert [(p.host_port, p.loc) for p in first.ports] == [("8000", Loc(8, 44))]
    assert first.image.value == "vllm/vllm-openai:v0.6.3" and first.image.loc == Loc(8, 57)
    assert [c.value for c in second.cap_add.value] == ["${tag}"] and second.partial  # `{tag}` may be words
    assert (third.privileged.value, third.privileged.loc) == (True, Loc(4, 19)) and not first.partial
    assert fourth.privileged.loc == Loc(4, 19)
    assert all(not w.host_network.value and not w.host_pid.value for w in ws)


def test_docker_sdk_containers_run_keywords_as_the_cli_flags() -> None:
    """docker-py 7.1.0 `ContainerCollection.run`: each keyword sets what the `docker run` flag sets."""
    (w, v, x) = workloads('''import docker
from docker.types import DeviceRequest

client = docker.from_env()
client.containers.run("ollama/ollama:0.3.12", detach=True, name="ollama",
                      ports={"11434/tcp": None, 8080: ("127.0.0.1", 8080), "9000/udp": [9000, ("::1",)]},
                      environment={"OLLAMA_HOST": "0.0.0.0", "HF_TOKEN": token},
                      pid_mode="host", user=1000, cap_add=["SYS_ADMIN"], read_only=True,
                      device_requests=[DeviceRequest(count=-1, capabilities=[["gpu"]])])
client.containers.run(image="trainer:1", command="python train.py --epochs 3", entrypoint=["/bin/sh", "-c"],
                      volumes={"/data": {"bind": "/data", "ro": True}, "cache": {"bind": "/root/.cache"}}, **extra)
client.containers.run(IMAGE, privileged=flags.privileged)
''')
    assert w.label == "container `ollama` (`containers.run`)" and not w.partial
    assert [(p.host_ip, p.host_port, p.container_port, p.protocol) for p in w.ports] == [
        (None, None, "11434", "tcp"), ("127.0.0.1", "8080", "8080", "tcp"),
        (None, "9000", "9000", "udp"), ("::1", "", "9000", "udp")]
    assert w.ports[0].loc == Loc(6, 30)
    assert [(e.name, e.value, e.dynamic) for e in w.env] == [("OLLAMA_HOST", "0.0.0.0", False),
                                                             ("HF_TOKEN", "${token}", True)]
    # (pid_mode: docker-py refuses network_mode="host" beside ports, reviewA19 F9)
    assert w.host_pid.value and w.user.value is not None and w.user.value.name == "1000"
    assert [i.value for i in w.cap_add.value] == ["SYS_ADMIN"] and w.read_only_rootfs.value
    assert v.image.value == "trainer:1" and v.partial  # `**extra` may hold more
    assert [word.text for word in v.entrypoint.value] == ["/bin/sh"]
    assert [word.text for word in v.command.value] == ["-c", "python", "train.py", "--epochs", "3"]
    assert [(m.source, m.target, m.read_only) for m in v.mounts] == [("/data", "/data", True),
                                                                     ("cache", "/root/.cache", False)]
    assert x.partial and not x.privileged.value  # a value not known here is not `True`


def test_docker_sdk_run_only_where_the_sdk_is_imported() -> None:
    assert workloads('''import subprocess
from kubernetes import client

client.containers.run("ollama/ollama:0.3.12", ports={"11434/tcp": 11434})
subprocess.run(["echo", "docker"])
''') == []


def test_podman_py_containers_run_reads_alike() -> None:
    (w,) = workloads('''from podman import PodmanClient

with PodmanClient() as client:
    client.containers.run("docker.io/ollama/ollama:0.3.12", ports={"11434/tcp": 11434}, privileged=True)
''')
    assert w.privileged.value and [(p.host_ip, p.host_port) for p in w.ports] == [(None, "11434")]


def test_docker_sdk_containers_create_runs_only_once_started() -> None:
    """docker-py 7.1.0 `ContainerCollection.create` takes `run`'s keywords; the container runs once
    `Container.start()` is called on it (chained, or on the name it is assigned to), not before."""
    ws = workloads('''import docker

client = docker.from_env()
trainer = client.containers.create("nvcr.io/nvidia/pytorch:24.05-py3", name="trainer", privileged=True)
trainer.start()
client.containers.create("ollama/ollama:0.3.12", ports={"11434/tcp": 11434}).start()
probe = client.containers.create("busybox:1.36", privileged=True)
print(probe.id)
''')
    assert [(w.image.value, w.label, w.privileged.value) for w in ws] == [
        ("nvcr.io/nvidia/pytorch:24.05-py3", "container `trainer` (`containers.create`)", True),
        ("ollama/ollama:0.3.12", "`containers.create` of `ollama/ollama:0.3.12`", False)]
    assert ws[0].privileged.loc == Loc(4, 99) and [p.host_port for p in ws[1].ports] == ["11434"]


def test_docker_sdk_pulls_are_named_after_the_call() -> None:
    """GLM045 names what pulls the image: the SDK call, not a `docker run` the file does not hold (review A18 L7)."""
    ws = workloads('''import docker

client = docker.from_env()
client.containers.run("ollama/ollama", ports={"11434/tcp": 11434})
client.containers.run("vllm/vllm-openai:latest", name="llm")
client.containers.create("busybox").start()
''')
    assert [(p.name, p.owner) for w in ws for p in w.pulls] == [
        ("ollama/ollama", "`containers.run`"), ("vllm/vllm-openai:latest", "container `llm` (`containers.run`)"),
        ("busybox", "`containers.create`")]


def test_docker_api_client_create_container_with_its_host_config() -> None:
    """docker-py 7.1.0 `APIClient.create_container(..., host_config=create_host_config(...))` then
    `start(container)`: `port_bindings` publishes, `binds` mounts; `ports=`/`volumes=` of
    `create_container` only expose a port or make an anonymous volume."""
    ws = workloads('''import docker

api = docker.APIClient(base_url="unix://var/run/docker.sock")
hc = api.create_host_config(port_bindings={11434: 11434}, binds=["/var/run/docker.sock:/var/run/docker.sock"],
                            cap_add=["SYS_ADMIN"])
c = api.create_container("ollama/ollama:0.3.12", "serve", user="root", ports=[11434], volumes=["/models"],
                         host_config=hc)
api.start(container=c.get("Id"))
idle = api.create_container("busybox:1.36", host_config=api.create_host_config(privileged=True))
''')
    (w,) = ws
    assert w.label == "`create_container` of `ollama/ollama:0.3.12`" and not w.partial
    assert [(p.host_port, p.container_port) for p in w.ports] == [("11434", "11434")]
    assert [(m.source, m.target) for m in w.mounts] == [("/var/run/docker.sock", "/var/run/docker.sock")]
    assert [i.value for i in w.cap_add.value] == ["SYS_ADMIN"] and w.user.value.name == "root"
    assert [word.text for word in w.command.value] == ["serve"]
