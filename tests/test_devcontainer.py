"""A Dev Container's `devcontainer.json` -> the `docker run` its tools start it with."""
from __future__ import annotations

from pathlib import Path

import pytest

from glmlint.ir import Format, Loc
from glmlint.parsers import detect, parse
from glmlint.parsers import devcontainer
from glmlint.parsers.devcontainer import read

from tests.helpers import found, lint


def source(text: str, name: str = "devcontainer.json"):  # type: ignore[no-untyped-def]
    hint = detect(name, f".devcontainer/{name}")
    assert hint == "docker-run"
    return parse(f".devcontainer/{name}", text, hint)


def test_jsonc_comments_trailing_commas_and_slashes_inside_strings() -> None:
    doc = read('// c\n{\n\t"a": "http://x/*y*/", /* c */ "b": [1, 2.5e1, true, null,],\n}\n')
    assert doc is not None
    assert {k: v.value for k, (_at, v) in doc.value.items() if k == "a"} == {"a": "http://x/*y*/"}
    assert [n.value for n in doc.value["b"][1].value] == [1, 25.0, True, None]
    assert read('{"a": 1} x') is None and read("{'a': 1}") is None and read('{"a": [1 2]}') is None


def test_the_arguments_the_cli_passes_in_its_order_each_located() -> None:
    s = source("""{
  "name": "dev",
  "image": "ghcr.io/acme/dev:1",
  "appPort": [8888, "0.0.0.0:6006:6006"],
  "mounts": [{"type": "bind", "source": "/var/run/docker.sock", "target": "/var/run/docker.sock"},
             "source=dev-cache,target=/root/.cache,type=volume"],
  "containerEnv": {"WANDB_MODE": "offline"},
  "containerUser": "root",
  "runArgs": ["--cap-add=SYS_PTRACE", "--security-opt", "seccomp=unconfined"],
  "privileged": true,
  "capAdd": ["SYS_ADMIN"]
}
""")
    assert s.json and len(s.workloads) == 1  # no fix: JSON strings
    w = s.workloads[0]
    assert w.format is Format.DOCKER_RUN and w.label == "dev container `dev`" and w.partial
    assert w.image.value == "ghcr.io/acme/dev:1" and w.pulls[0].owner == "dev container `dev`"
    assert [(p.host_ip, p.host_port, p.container_port) for p in w.ports] == [
        ("127.0.0.1", "8888", "8888"), ("0.0.0.0", "6006", "6006")]
    assert [(m.source, m.target, m.kind) for m in w.mounts] == [
        ("/var/run/docker.sock", "/var/run/docker.sock", "bind"), ("dev-cache", "/root/.cache", "volume")]
    assert [(e.name, e.value) for e in w.env] == [("WANDB_MODE", "offline")]
    assert w.user.value.raw == "root" and w.user.loc == Loc(8, 3)
    assert [i.value for i in w.cap_add.value] == ["SYS_PTRACE", "SYS_ADMIN"]
    assert w.seccomp.value == "unconfined"
    assert w.privileged.value is True and w.privileged.loc == Loc(10, 3)
    assert [c.words() for c in w.process] == [["/bin/sh"]]  # the CLI's keep-alive loop, not the image's CMD


def test_a_compose_configuration_a_template_fragment_and_a_built_image() -> None:
    assert source('{"dockerComposeFile": "c.yaml", "service": "s", "runArgs": ["--privileged"]}').workloads == []
    assert source('{"features": {"ghcr.io/devcontainers/features/python:1": {}}}').workloads == []
    assert source("not json") is None
    s = source('{"build": {"dockerfile": "Dockerfile"}, "runArgs": ["--network=host"], "overrideCommand": false}')
    w = s.workloads[0]
    assert w.pulls == () and w.label == "the dev container" and w.host_network.value is True and not w.process


def test_found_in_a_scan_without_a_fix(tmp_path: Path) -> None:
    report = lint(tmp_path, {".devcontainer/devcontainer.json":
                             '{"image": "python:3.12", "runArgs": ["--privileged", "--pid=host"]}\n'})
    assert found(report) == [(".devcontainer/devcontainer.json", "GLM003", 1),
                             (".devcontainer/devcontainer.json", "GLM009", 1)]
    assert all(r.fix is None for r in report.results)


def test_a_byte_order_mark_moves_no_location() -> None:
    text = '{\n  "image": "python:3.12",\n  "runArgs": ["--privileged"]\n}\n'
    plain, marked = devcontainer.parse("devcontainer.json", text), devcontainer.parse("devcontainer.json", "\ufeff" + text)
    assert plain is not None and marked is not None
    assert marked.workloads[0].privileged.loc == plain.workloads[0].privileged.loc == Loc(3, 15)


def _feature_workload(features: str, extra: str = ""):  # type: ignore[no-untyped-def]
    s = source('{"name": "ml", "image": "python:3.12", ' + extra + '"features": {' + features + '}}')
    return s.workloads[0]


def test_features_add_their_container_options_at_their_key() -> None:
    w = _feature_workload('"ghcr.io/devcontainers/features/docker-in-docker:2": {},\n'
                          '"ghcr.io/devcontainers/features/go:1": {},\n'
                          '"ghcr.io/devcontainers/features/docker-outside-of-docker": {},\n'
                          '"ghcr.io/acme/features/unknown:1": {"privileged": true}')
    assert w.partial and w.privileged.value is True and w.privileged.loc == Loc(1, 53)
    assert [(i.value, i.loc) for i in w.cap_add.value] == [("SYS_PTRACE", Loc(2, 1))]
    assert w.seccomp.value == "unconfined"
    assert [(m.source, m.target, m.kind) for m in w.mounts] == [
        ("/var/run/docker.sock", "/var/run/docker-host.sock", "bind")]
    assert w.selinux.value == "disable"


def test_a_feature_pinned_below_a_release_or_by_digest_lacks_what_that_release_added() -> None:
    def opts(ref: str) -> list[str]:
        w = _feature_workload(f'"ghcr.io/devcontainers/features/docker-outside-of-docker{ref}": {{}}')
        return [o.value for o in w.security_opts]
    assert opts(":1") == opts(":1.6") == opts(":1.6.1") == opts(":latest") == opts("") == ["label=disable"]
    assert opts(":1.6.0") == opts(":1.5") == opts("@sha256:" + "0" * 64) == opts(":dev") == []
    w = _feature_workload('"ghcr.io/devcontainers/features/docker-in-docker@sha256:' + "0" * 64 + '": {}')
    assert w.privileged.value is True  # in every release


def test_legacy_short_ids_and_a_later_mount_on_the_same_target() -> None:
    w = _feature_workload('"docker-from-docker": "latest", "golang": "1.21", "go-task": "latest"',
                          '"mounts": ["source=/srv/docker.sock,target=/var/run/docker-host.sock,type=bind"], ')
    assert [m.source for m in w.mounts] == ["/srv/docker.sock"]  # the file's own mount wins (`mergeMounts`)
    assert [i.value for i in w.cap_add.value] == ["SYS_PTRACE"]
    assert not source('{"image": "x:1", "features": {"ghcr.io/devcontainers/features/python:1": {}}}'
                      ).workloads[0].privileged.value


def test_the_features_catalog_matches_its_schema_and_is_documented() -> None:
    import json

    import jsonschema

    from glmlint.catalog import load_data

    data = load_data("features.yaml")
    schema = json.loads((Path(__file__).parent / "features.schema.json").read_text(encoding="utf-8"))
    jsonschema.validate(data, schema)
    page = (Path(__file__).parent.parent / "docs" / "images.md").read_text(encoding="utf-8")
    assert not [f["id"] for f in data["features"] if f"`{f['id']}`" not in page]
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"version": 1, "features": [{"id": "ghcr.io/x/y", "privileged": True,
                                                         "source": "https://github.com/x/y/blob/main/f.json"}]}, schema)


def test_lifecycle_commands_run_in_the_container() -> None:
    """Creation hooks are build steps, start and attach hooks start what it serves; a string runs
    with `/bin/sh -c`, an array as it is, an object's values each (devcontainers/cli runLifecycleCommand)."""
    s = source('{"image": "python:3.12",\n'
               ' "postCreateCommand": "pip install -r r.txt && chmod 777 /w",\n'
               ' "onCreateCommand": ["bash", "-c", "echo hi > /etc/motd"],\n'
               ' "postStartCommand": {"a": "jupyter lab --ip=0.0.0.0", "b": ["ollama", "serve"]},\n'
               ' "postAttachCommand": "echo \\"x\\" && sshd",\n'
               ' "initializeCommand": "docker pull x"}')
    w = s.workloads[0]
    assert [c.words() for c in w.build_steps] == [["bash", "-c", "echo hi > /etc/motd"], ["echo", "hi"],
                                                  ["pip", "install", "-r", "r.txt"], ["chmod", "777", "/w"]]
    assert [c.loc for c in w.build_steps[2:]] == [Loc(2, 24), Loc(2, 48)]  # each word where it is written
    assert [c.words() for c in w.process[1:]] == [["jupyter", "lab", "--ip=0.0.0.0"], ["ollama", "serve"],
                                                  ["echo", "x"], ["sshd"]]
    assert w.process[-1].loc == Loc(5, 23)  # an escape in the string: its commands at the string
    assert [(f.path, f.text) for f in w.files] == [("/etc/motd", "hi\n")]


def test_a_compose_configuration_adds_its_options_to_the_service() -> None:
    """The CLI writes the merged privileged/capAdd/securityOpt/mounts/containerEnv/containerUser into a
    Compose override for `service` (src/spec-node/dockerCompose.ts); runArgs and appPort do not apply."""
    s = source('{"name": "n", "dockerComposeFile": "c.yaml", "service": "app", "runArgs": ["--network=host"],\n'
               ' "appPort": ["0.0.0.0:22:22"], "features": {"ghcr.io/devcontainers/features/go:1": {}},\n'
               ' "containerEnv": {"A": "1"}}')
    w = s.workloads[0]
    assert w.label == "dev container `n` (Compose service `app`)" and w.partial and w.pulls == ()
    assert [i.value for i in w.cap_add.value] == ["SYS_PTRACE"] and w.seccomp.value == "unconfined"
    assert not w.host_network.value and not w.ports and [(e.name, e.value) for e in w.env] == [("A", "1")]
    assert not w.process  # the service's own command runs


def test_mounts_on_one_target_are_merged_as_the_dev_containers_cli_keys_them() -> None:
    """devcontainers/cli `parseMount` keys a mount by its `target`/`dst`/`destination` as written (case
    sensitive), a later field over an earlier one: the later of two mounts on one target is kept."""
    w = source('{"image": "x:1", "mounts": ["source=/a,target=/t,type=bind", '
               '"source=/b,dst=/u,destination=/t,type=bind", "source=/c,TARGET=/t,type=bind"]}').workloads[0]
    assert sorted(m.source for m in w.mounts if m.target == "/t") == ["/b", "/c"]
