"""Podman Quadlet `.container` units -> the `podman run` the Quadlet generator writes for them."""
from __future__ import annotations

from pathlib import Path

from glmlint.ir import Format, Loc
from glmlint.parsers import detect, parse


def source(text: str, name: str = "ollama.container", real_path: str = ""):  # type: ignore[no-untyped-def]
    hint = detect(name, name)
    assert hint == "docker-run"
    return parse(name, text, hint, real_path)


def test_keys_read_as_the_options_the_generator_writes_each_located_at_its_value() -> None:
    s = source("""[Unit]
Description=Ollama

[Container]
Image=docker.io/ollama/ollama:0.5.7
PublishPort=11434:11434
Volume=/srv/models:/root/.ollama:Z
AddCapability=SYS_ADMIN  net_admin
DropCapability=ALL
NoNewPrivileges=yes
ReadOnly=true
User=1000
Group=1000
Environment=OLLAMA_HOST=0.0.0.0 "OLLAMA_ORIGINS=*"
Exec=serve

[Service]
Environment=IGNORED=1
ExecStart=/bin/true
""")
    assert s.json and len(s.workloads) == 1  # no fix: the settings are Quadlet keys
    w = s.workloads[0]
    assert w.format is Format.DOCKER_RUN and w.label == "Quadlet container `ollama`" and w.name == "systemd-ollama"
    assert w.image.value == "docker.io/ollama/ollama:0.5.7" and w.pulls[0].owner == w.label
    assert [(p.host_ip, p.host_port, p.container_port, p.loc) for p in w.ports] == [
        (None, "11434", "11434", Loc(6, 13))]
    assert [(m.source, m.target) for m in w.mounts] == [("/srv/models", "/root/.ollama")]
    assert [(i.value, i.loc) for i in w.cap_add.value] == [("SYS_ADMIN", Loc(8, 15)), ("net_admin", Loc(8, 26))]
    assert [i.value for i in w.cap_drop.value] == ["ALL"]
    assert w.allow_privilege_escalation.value is False and w.read_only_rootfs.value is True
    assert w.user.value.raw == "1000:1000" and w.user.loc == Loc(12, 6)
    assert [(e.name, e.value) for e in w.env] == [("OLLAMA_HOST", "0.0.0.0"), ("OLLAMA_ORIGINS", "*")]
    assert [c.words() for c in w.process] == [["serve"]]


def test_continued_lines_comments_inside_them_a_reset_list_and_podman_args_last() -> None:
    w = source("""[Container]
Image=ghcr.io/acme/trainer:1
PublishPort=0.0.0.0:8888:8888
PublishPort=
PublishPort=127.0.0.1:6006:6006
User=1000
PodmanArgs=--shm-size=8g \\
# a comment inside the continued value is left out
  --user 0 --cap-add=SYS_PTRACE
""").workloads[0]
    assert [(p.host_ip, p.host_port) for p in w.ports] == [("127.0.0.1", "6006")]
    assert w.user.value.raw == "0" and w.user.loc == Loc(9, 3)  # PodmanArgs come after `--user 1000`
    assert [(i.value, i.loc) for i in w.cap_add.value] == [("SYS_PTRACE", Loc(9, 12))]


def test_no_container_without_an_image_or_a_container_section() -> None:
    assert source("[Container]\nRootfs=/srv/rootfs\n").workloads == []
    assert source("[Unit]\nDescription=not a Quadlet unit\n").workloads == []
    assert source("some other tool's .container file\n").workloads == []
    assert detect("Dockerfile.container") == "dockerfile"


def test_image_and_build_units_and_drop_ins_read_beside_the_unit(tmp_path: Path) -> None:
    (tmp_path / "lab.image").write_text("[Image]\nImage=quay.io/jupyter/base-notebook:2024-10-02\n")
    (tmp_path / "trainer.build").write_text("[Build]\nImageTag=localhost/trainer:dev\nFile=Containerfile\n")
    unit = tmp_path / "lab-gpu.container"
    unit.write_text("[Container]\nImage=lab.image\nPublishPort=127.0.0.1:8888:8888\n")
    for folder, conf, body in (("container.d", "10-a.conf", "ReadOnly=true\nUser=0\n"),
                               ("lab-.container.d", "20-b.conf", "PublishPort=8889:8888\n"),
                               ("lab-gpu.container.d", "10-a.conf", "User=1000\n")):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / conf).write_text("[Container]\n" + body)
    w = source(unit.read_text(), "lab-gpu.container", str(unit)).workloads[0]
    assert w.image.value == "quay.io/jupyter/base-notebook:2024-10-02" and w.pulls
    # `lab-gpu.container.d/10-a.conf` replaces `container.d/10-a.conf`: its `User=`, not ReadOnly
    assert w.user.value.raw == "1000" and w.user.loc == Loc(2, 6, "lab-gpu.container.d/10-a.conf")
    assert not w.read_only_rootfs.value
    assert [(p.host_ip, p.host_port) for p in w.ports] == [("127.0.0.1", "8888"), (None, "8889")]
    built = tmp_path / "trainer.container"
    built.write_text("[Container]\nImage=trainer.build\n")
    w = source(built.read_text(), "trainer.container", str(built)).workloads[0]
    assert w.image.value == "localhost/trainer:dev" and w.pulls == ()  # built on the host, not pulled


def test_a_pod_publishes_its_containers_ports_and_the_message_names_the_pod_or_drop_in(tmp_path: Path) -> None:
    from tests.helpers import lint

    report = lint(tmp_path, {
        "ai.pod": "[Pod]\nPublishPort=11434:11434\nPublishPort=127.0.0.1:3000:8080\n",
        "ollama.container": "[Container]\nImage=docker.io/ollama/ollama:0.5.7\nPod=ai.pod\n",
        "webui.container": "[Container]\nImage=ghcr.io/open-webui/open-webui:v0.5.4\nPod=ai.pod\n",
        "lab.container": "[Container]\nImage=quay.io/jupyter/base-notebook:2024-10-02\n",
        "lab.container.d/10-ports.conf": "[Container]\nPublishPort=8888:8888\n",
    }, ["GLM016", "GLM017"])
    assert sorted((r.path, r.code, r.message.rsplit("(", 1)[-1]) for r in report.results) == [
        ("lab.container", "GLM016", "set in `lab.container.d/10-ports.conf:2`, a drop-in Quadlet merges into the unit)"),
        ("ollama.container", "GLM017", "set in `ai.pod:2`, the Quadlet pod it joins)")]


def test_a_referenced_unit_read_as_podman_reads_it_last_value_continuation_drop_ins(tmp_path: Path) -> None:
    # Podman's unit file `Lookup` takes a key's last value (pkg/systemd/parser/unitfile.go, searched
    # backwards), a `\` line goes on with the next, and the `.image` unit's own drop-ins (`image.d/`,
    # `NAME.image.d/`, as GetUnitDropinPaths names them for any unit type) are merged
    unit = tmp_path / "llm.container"
    unit.write_text("[Container]\nImage=llm.image\nPublishPort=11434:11434\n")
    cases = (("[Image]\nImage=docker.io/library/alpine:3.20\nImage=docker.io/ollama/ollama:0.5.7\n", {},
              "docker.io/ollama/ollama:0.5.7"),
             ("[Image]\nImage=docker.io/ollama/ollama:0.5.7\nImage=docker.io/library/alpine:3.20\n", {},
              "docker.io/library/alpine:3.20"),
             ('[Image]\nImage=\\\n  "docker.io/ollama/ollama:0.5.7"\n', {}, "docker.io/ollama/ollama:0.5.7"),
             ("[Image]\nImage=docker.io/library/alpine:3.20\n",
              {"llm.image.d/10-pin.conf": "[Image]\nImage=docker.io/ollama/ollama:0.5.7\n"},
              "docker.io/ollama/ollama:0.5.7"))
    for text, drop_ins, image in cases:
        (tmp_path / "llm.image").write_text(text)
        for rel, body in drop_ins.items():
            (tmp_path / rel).parent.mkdir(exist_ok=True)
            (tmp_path / rel).write_text(body)
        w = source(unit.read_text(), "llm.container", str(unit)).workloads[0]
        assert w.image.value == image, text


def test_a_pods_drop_ins_and_host_network_reach_the_containers_that_join_it(tmp_path: Path) -> None:
    """podman v5.8.2 quadlet.go ConvertPod: the `.pod` unit's `PublishPort=` and `Network=` go to
    `podman pod create` (handlePublishPorts, addNetworks); its drop-ins merge as any unit's do."""
    from tests.helpers import lint

    report = lint(tmp_path, {
        "ai.pod": "[Pod]\nPublishPort=127.0.0.1:11434:11434\n",
        "ai.pod.d/10-lan.conf": "[Pod]\nPublishPort=\nPublishPort=11434:11434\n",
        "ollama.container": "[Container]\nImage=docker.io/ollama/ollama:0.5.7\nPod=ai.pod\n",
        "gpu.pod": "[Pod]\nNetwork=host\n",
        "vllm.container": "[Container]\nImage=docker.io/vllm/vllm-openai:v0.6.3\nPod=gpu.pod\nExec=--model m\n",
        "local.pod": "[Pod]\nPublishPort=127.0.0.1:8000:8000\n",
        "pod.d/50-net.conf": "[Pod]\nNetwork=ai.network\n",
        "tgi.container": "[Container]\nImage=docker.io/vllm/vllm-openai:v0.6.3\nPod=local.pod\nExec=--model m\n",
    }, ["GLM017"])
    assert sorted((r.path, r.line, r.message.rsplit("(", 1)[-1]) for r in report.results) == [
        ("ollama.container", 1, "set in `ai.pod.d/10-lan.conf:3`, a drop-in Quadlet merges into the unit)"),
        ("vllm.container", 1, "set in `gpu.pod:2`, the Quadlet pod it joins)")]


VLLM_YAML = """apiVersion: apps/v1
kind: Deployment
metadata: {name: vllm}
spec:
  selector: {matchLabels: {app: vllm}}
  template:
    metadata: {labels: {app: vllm}}
    spec:
      containers:
        - name: vllm
          image: vllm/vllm-openai:v0.6.3
          args: ["--model", "Qwen/Qwen2-7B", "--trust-remote-code"]
          ports: [{containerPort: 8000}]
"""


def test_a_kube_unit_publishes_the_ports_of_the_yaml_it_plays(tmp_path: Path) -> None:
    """podman c6580b4a `ConvertKube`: `PublishPort=` is `kube play --publish`, on the pod's network namespace
    (play.go `mergePublishPorts`); `Network=host` puts the pods on the host's network. What the YAML
    sets is reported where it is written, once (GLM018 is the YAML's, not the unit's too)."""
    from tests.helpers import lint

    report = lint(tmp_path, {
        "deploy/vllm.yaml": VLLM_YAML,
        "vllm.kube": "[Kube]\nYaml=deploy/vllm.yaml\n",
        "vllm.kube.d/10-ports.conf": "[Kube]\nPublishPort=8000:8000\n",
        "host.kube": "[Kube]\nYaml=deploy/vllm.yaml\nNetwork=host\n",
        "quiet.kube": "[Kube]\nYaml=deploy/vllm.yaml\n",  # publishes nothing: only the YAML is read
        "elsewhere.kube": "[Kube]\nYaml=/etc/containers/systemd/vllm.yaml\nPublishPort=8000:8000\n",
    }, ["GLM009", "GLM017", "GLM018"])
    got = sorted((r.path, r.line, r.col, r.code, r.message) for r in report.results)
    assert [g[:4] for g in got] == [("deploy/vllm.yaml", 12, 46, "GLM018"), ("host.kube", 3, 9, "GLM009"),
                                    ("host.kube", 3, 9, "GLM017"), ("vllm.kube", 1, 1, "GLM017")]
    assert "container `vllm` of Quadlet kube `host` (`deploy/vllm.yaml`) runs the vLLM" in got[2][4]
    assert "on the host's network" in got[2][4]
    assert got[3][4].endswith("(set in `vllm.kube.d/10-ports.conf:2`, a drop-in Quadlet merges into the unit)")


def test_a_kube_unit_plays_its_last_yaml_whole(tmp_path: Path) -> None:
    """Quadlet reads `Yaml=` with `Lookup` (podman's unitfile.go: the last value, not split on spaces): a
    unit naming two YAMLs plays the second, and a path with a space in it is one path."""
    from tests.helpers import lint

    report = lint(tmp_path, {
        "old.yaml": VLLM_YAML,
        "my models/vllm.yaml": VLLM_YAML,
        "vllm.kube": "[Kube]\nYaml=old.yaml\nYaml=my models/vllm.yaml\nPublishPort=8000:8000\n",
    }, ["GLM017"])
    assert [(r.path, r.line) for r in report.results] == [("vllm.kube", 4)]
    assert "(`my models/vllm.yaml`)" in report.results[0].message
