from __future__ import annotations

import os
from pathlib import Path

from glmlint.parsers import parse

from tests.helpers import workloads


def svc(text: str):
    return {w.name: w for w in workloads(text, "compose", "compose.yaml")}


def test_anchors_merge_keys_and_extension_fields():
    s = svc("""\
        x-hardening: &hardening
          cap_drop: [ALL]
          read_only: true
          user: "1000:1000"
        services:
          api:
            <<: *hardening
            image: api
          worker:
            <<: *hardening
            image: worker
            read_only: false
        """)
    assert [i.value for i in s["api"].cap_drop.value] == ["ALL"]
    assert s["api"].read_only_rootfs.value is True
    assert s["api"].runs_as_root() is False
    assert s["worker"].read_only_rootfs.value is False and s["worker"].read_only_rootfs.loc.line == 12


def test_extends_within_file_merges_lists_and_overrides_scalars():
    s = svc("""\
        services:
          base:
            image: trainer
            cap_drop: [NET_RAW]
            privileged: true
          gpu:
            extends: base
            cap_drop: [ALL]
            privileged: false
        """)
    gpu = s["gpu"]
    assert [i.value for i in gpu.cap_drop.value] == ["NET_RAW", "ALL"]
    assert gpu.privileged.value is False
    assert not gpu.partial


def test_service_anchor_is_the_service_key_and_fragments_are_partial():
    s = svc("""\
        version: "3.8"
        services:
          notebook:
            ports: ["8888:8888"]
        """)
    w = s["notebook"]
    assert (w.anchor.line, w.anchor.col) == (3, 3)
    assert w.partial  # no image, build or extends: an override fragment


def test_ports_short_and_long_syntax():
    s = svc("""\
        services:
          web:
            image: nginx
            ports:
              - "127.0.0.1:8080:80"
              - 8888:8888
              - "[::1]:2222:22/tcp"
              - 9000
              - target: 5432
                published: "5432"
                host_ip: 0.0.0.0
        """)
    ports = [(p.host_ip, p.host_port, p.container_port) for p in s["web"].ports]
    assert ports == [("127.0.0.1", "8080", "80"), (None, "8888", "8888"), ("::1", "2222", "22"),
                     (None, None, "9000"), ("0.0.0.0", "5432", "5432")]


def test_environment_list_and_map_and_variables_read_as_compose_does():
    s = svc("""\
        services:
          a:
            image: x
            user: "${UID:-1000}"
            environment:
              - JUPYTER_TOKEN=
              - HF_HOME
          b:
            image: x
            environment:
              TOKEN: ${TOKEN}
              EMPTY:
        """)
    a_env = {e.name: e.value for e in s["a"].env}
    assert a_env == {"JUPYTER_TOKEN": "", "HF_HOME": None}
    # `${UID:-1000}` is 1000 when UID is unset; `${TOKEN}` with no default stays as written (unknown)
    assert s["a"].user.value.raw == "1000" and s["a"].runs_as_root() is False
    assert {e.name: e.value for e in s["b"].env} == {"TOKEN": "${TOKEN}", "EMPTY": None}


def test_command_string_and_list_and_entrypoint():
    s = svc("""\
        services:
          a:
            image: x
            command: jupyter lab --ip=0.0.0.0 --ServerApp.token=''
          b:
            image: x
            entrypoint: ["sh", "-c"]
            command: ["exec jupyter lab --ip 0.0.0.0"]
        """)
    assert ["jupyter", "lab", "--ip=0.0.0.0", "--ServerApp.token="] in [c.words() for c in s["a"].process]
    assert ["jupyter", "lab", "--ip", "0.0.0.0"] in [c.words() for c in s["b"].process]


def test_a_command_string_over_several_lines_is_located_line_by_line():
    # compose splits the scalar's value into words; a script in one of them (`sh -c "..."`) keeps the
    # lines it is written on, whether the scalar is folded (`>`), literal (`|`) or plain
    s = svc("""\
        services:
          folded:
            image: x
            command: >
              sh -c 'pip install -r requirements.txt
              && exec jupyter lab --ip=0.0.0.0'
          literal:
            image: x
            command: |
              sh -c 'pip install -r requirements.txt
                && exec jupyter lab --ip=0.0.0.0'
          plain:
            image: x
            command: sh -c "pip install -r requirements.txt
              && exec jupyter lab --ip=0.0.0.0"
        """)
    at = {name: [(c.name, c.loc.line, c.loc.col) for c in w.process if c.name != "sh"] for name, w in s.items()}
    assert at == {"folded": [("pip", 5, 14), ("exec", 6, 10), ("jupyter", 6, 15)],
                  "literal": [("pip", 10, 14), ("exec", 11, 12), ("jupyter", 11, 17)],
                  "plain": [("pip", 14, 21), ("exec", 15, 10), ("jupyter", 15, 15)]}
    assert [c.shell for c in s["plain"].process] == ["", "sh", "sh", "sh"]


def test_volumes_security_opt_and_namespaces():
    s = svc("""\
        services:
          a:
            image: x
            volumes:
              - /var/run/docker.sock:/var/run/docker.sock:ro
              - data:/data
              - type: bind
                source: /
                target: /host
            security_opt: ["no-new-privileges:true", "seccomp=unconfined"]
            network_mode: host
            pid: host
            mem_limit: 4g
        """)
    a = s["a"]
    assert [(m.source, m.kind, m.read_only) for m in a.mounts] == [
        ("/var/run/docker.sock", "bind", True), ("data", "volume", False), ("/", "bind", False)]
    assert a.allow_privilege_escalation.value is False
    assert a.seccomp.value == "unconfined"
    assert a.host_network.value and a.host_pid.value and not a.host_ipc.value
    assert a.memory_limit.value == "4g"


def test_build_context():
    s = svc("""\
        services:
          a:
            build:
              context: ./trainer
              dockerfile: Dockerfile.gpu
          b:
            build: .
        """)
    assert (s["a"].build.context, s["a"].build.dockerfile) == ("./trainer", "Dockerfile.gpu")
    assert (s["b"].build.context, s["b"].build.dockerfile) == (".", None)


def test_port_spec_kept_and_variables_with_colons_stay_whole():
    s = svc("""\
        services:
          nb:
            image: x
            ports:
              - "${JUPYTER_PORT:-8888}:8888"
              - "${BIND:-0.0.0.0}:2222:22/tcp"
              - target: 5432
            volumes:
              - ${DATA_ROOT:-/srv/data}:/data:ro
        """)
    # values are read as Compose reads them (the default when the variable is unset); a port's
    # text stays as written in `spec` (its host-IP part in `spec_ip`) for a fix to edit
    assert [(m.source, m.target, m.kind, m.read_only) for m in s["nb"].mounts] == [
        ("/srv/data", "/data", "bind", True)]
    ports = [(p.host_ip, p.host_port, p.container_port, p.spec, p.spec_ip) for p in s["nb"].ports]
    assert ports == [(None, "8888", "8888", "${JUPYTER_PORT:-8888}:8888", None),
                     ("0.0.0.0", "2222", "22", "${BIND:-0.0.0.0}:2222:22/tcp", "${BIND:-0.0.0.0}"),
                     (None, None, "5432", None, None)]


def test_build_args_and_dynamic_values():
    s = svc("""\
        services:
          a:
            build:
              context: .
              args:
                HF_TOKEN: hf_literal
                PIP_INDEX: ${PIP_INDEX}
            environment:
              - PRICE=5$$
              - DB_URL=postgres://u:${PG_PASS}@db/x
          b:
            build:
              context: .
              args: ["WANDB_API_KEY", "MODE=prod"]
        """)
    a, b = s["a"], s["b"]
    assert [(v.name, v.value, v.dynamic) for v in a.build_args] == [
        ("HF_TOKEN", "hf_literal", False), ("PIP_INDEX", "${PIP_INDEX}", True)]
    assert a.build_args[0].loc.line == 6 and a.build_args[0].path[-3:] == ("build", "args", "HF_TOKEN")
    assert [(v.name, v.dynamic) for v in a.env] == [("PRICE", False), ("DB_URL", True)]  # `$$` is a literal `$`
    assert [(v.name, v.value) for v in b.build_args] == [("WANDB_API_KEY", None), ("MODE", "prod")]


def test_flow_scalars_with_colons_that_libyaml_rejects_are_read_as_compose_does() -> None:
    # Compose (YAML 1.2) accepts `[no-new-privileges:true]`; libyaml stops at the `:`.
    from glmlint.parsers import parse

    text = ("services:\n  api:\n    image: ghcr.io/acme/api:1\n    privileged: yes\n"
            "    security_opt: [no-new-privileges:true, seccomp:unconfined]\n")
    source = parse("compose.yaml", text, "compose")
    [w] = source.workloads
    assert [i.value for i in w.security_opts] == ["no-new-privileges:true", "seccomp:unconfined"]
    assert w.allow_privilege_escalation.value is False
    assert w.privileged.value is True  # YAML 1.1 `yes`, typed as before
    assert (w.seccomp.loc.line, w.seccomp.loc.col) == (5, 44)


def test_a_file_compose_refuses_alone_is_judged_merged_over_the_base_beside_it() -> None:
    # `docker compose -f docker-compose.yml -f docker-compose.prod.yml`: the prod file has a service
    # with no image (Compose refuses it as a project of its own), so its `api`, which changes only
    # the image, is not judged alone: the base's cap_drop/read_only apply to it
    from tests import realtools

    folder = Path(__file__).resolve().parents[1] / "fixtures/glm002_missing_cap_drop/negative/prod-override-changes-image"
    if realtools.compose_binary() is not None:
        assert realtools.compose_config(str(folder / "docker-compose.prod.yml")) is not None
        assert realtools.compose_config(str(folder / "docker-compose.yml")) is None
    path = folder / "docker-compose.prod.yml"
    source = parse(str(path), path.read_text(), "compose", real_path=str(path))
    assert source is not None and [(w.name, w.partial) for w in source.workloads] == [("api", True), ("worker", True)]


def _layered(tmp_path: Path, script: dict[str, str], layer: str = "compose.gpu.yaml") -> list:
    """Parse `layer` beside a base compose.yaml (vLLM, unpublished) with the given script files."""
    tmp_path.mkdir(parents=True, exist_ok=True)
    (tmp_path / "compose.yaml").write_text(
        "services:\n  vllm:\n    image: vllm/vllm-openai:v0.6.3\n    command: [\"--model\", \"m\"]\n")
    (tmp_path / layer).write_text("services:\n  vllm:\n    ports:\n      - \"8000:8000\"\n")
    for name, text in script.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    path = tmp_path / layer
    source = parse(str(path), path.read_text(), "compose", real_path=str(path))
    assert source is not None
    return source.workloads


def test_a_layer_a_makefile_merges_over_the_base_is_judged_over_it(tmp_path: Path) -> None:
    # make runs the recipe in the Makefile's directory; Compose merges each `-f` over the ones before
    [w] = _layered(tmp_path, {"Makefile": "up:\n\tdocker compose -f compose.yaml \\\n\t  -f compose.gpu.yaml up -d\n"})
    assert w.partial and w.image.value == "vllm/vllm-openai:v0.6.3" and w.image.loc.file.endswith("compose.yaml")
    assert [p.host_port for p in w.ports] == ["8000"] and not w.ports[0].loc.file


def test_a_layer_named_by_a_script_run_from_the_root_or_by_compose_file(tmp_path: Path) -> None:
    [w] = _layered(tmp_path, {"scripts/up.sh": "#!/bin/sh\ndocker compose -f compose.yaml -f compose.gpu.yaml up\n"})
    assert w.image.value == "vllm/vllm-openai:v0.6.3"
    [w] = _layered(tmp_path / "env", {".env": "COMPOSE_FILE=compose.yaml:compose.gpu.yaml\n"})
    assert w.image.value == "vllm/vllm-openai:v0.6.3"


_WORKFLOW = """\
name: smoke
on: [push]
jobs:
  smoke:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - name: Start the stack
        run: |
          docker compose {files} up -d --wait
          docker compose {files} logs -f vllm
"""


def test_a_layer_named_by_a_workflow_run_step(tmp_path: Path) -> None:
    # a `run:` step runs in $GITHUB_WORKSPACE, the repository's root, or its `working-directory:`
    [w] = _layered(tmp_path / "root", {".github/workflows/ci.yml": _WORKFLOW.format(
        files="-f compose.yaml -f compose.gpu.yaml")})
    assert w.image.value == "vllm/vllm-openai:v0.6.3"
    [w] = _layered(tmp_path / "workspace", {".github/workflows/ci.yml": _WORKFLOW.format(
        files="-f ${{ github.workspace }}/compose.yaml -f ${{ github.workspace }}/compose.gpu.yaml")})
    assert w.image.value == "vllm/vllm-openai:v0.6.3"
    flow = _WORKFLOW.format(files="-f compose.yaml -f compose.gpu.yaml").replace(
        "      - name: Start the stack\n", "      - name: Start the stack\n        working-directory: deploy\n")
    [w] = _layered(tmp_path / "wd" / "deploy", {"../.github/workflows/ci.yml": flow})
    assert w.image.value == "vllm/vllm-openai:v0.6.3"
    # the same step with the stack in deploy/ but no working-directory: nothing there from the root
    [w] = _layered(tmp_path / "nowd" / "deploy", {"../.github/workflows/ci.yml": _WORKFLOW.format(
        files="-f compose.yaml -f compose.gpu.yaml")})
    assert w.partial and w.image.value is None


def test_a_layer_outside_the_first_files_directory(tmp_path: Path) -> None:
    # the root's Makefile names a layer three directories down, next to nothing it runs
    root = tmp_path / "deep"
    [w] = _layered(root / "deploy/overrides/gpu", {
        "../../../Makefile": "up:\n\tdocker compose -f deploy/overrides/gpu/compose.yaml "
                             "-f deploy/overrides/gpu/compose.gpu.yaml up -d\n"})
    assert w.image.value == "vllm/vllm-openai:v0.6.3"
    # docker/Makefile runs its compose.yaml with ../overrides/compose.gpu.yaml (a directory beside it)
    side = tmp_path / "beside"
    (side / "docker").mkdir(parents=True)
    (side / "docker" / "compose.yaml").write_text(
        "services:\n  vllm:\n    image: vllm/vllm-openai:v0.6.3\n    command: [\"--model\", \"m\"]\n")
    (side / "docker" / "Makefile").write_text("gpu:\n\tdocker compose -f compose.yaml -f ../overrides/compose.gpu.yaml up\n")
    [w] = _layered(side / "overrides", {})
    assert w.image.value == "vllm/vllm-openai:v0.6.3" and w.image.loc.file.endswith("docker/compose.yaml")
    # in a folder of more than 32 projects, the projects beside are not read
    for i in range(33):
        (side / f"project{i:02}").mkdir()
    [w] = _layered(side / "overrides", {})
    assert w.partial and w.image.value is None


def test_a_layer_elsewhere_reads_paths_and_dotenv_from_the_first_files_directory(tmp_path: Path) -> None:
    # Compose's project directory is the first file's: its `.env`, and every relative path of every
    # file (`build: .` of the base, `env_file:` of the layer), are read there, not beside the layer
    (tmp_path / "docker").mkdir()
    (tmp_path / "overrides").mkdir()
    (tmp_path / "docker" / "compose.yml").write_text("services:\n  notebook:\n    build: .\n")
    (tmp_path / "docker" / "Makefile").write_text("up:\n\tdocker compose -f compose.yml -f ../overrides/public.yml up\n")
    (tmp_path / "docker" / "notebook.env").write_text("JUPYTER_TOKEN=\n")
    (tmp_path / "overrides" / ".env").write_text("HOST_BIND=127.0.0.1\n")  # not the project's
    layer = tmp_path / "overrides" / "public.yml"
    layer.write_text("services:\n  notebook:\n    env_file: notebook.env\n"
                     "    ports:\n      - \"${HOST_BIND:-0.0.0.0}:8888:8888\"\n")
    source = parse(str(layer), layer.read_text(), "compose", real_path=str(layer))
    assert source is not None
    [w] = source.workloads
    assert w.build is not None and w.build.context == os.path.join("..", "docker")
    assert [p.host_ip for p in w.ports] == ["0.0.0.0"]
    assert [(e.name, e.value) for e in w.env] == [("JUPYTER_TOKEN", "")]
    (tmp_path / "docker" / ".env").write_text("HOST_BIND=127.0.0.1\n")
    [w] = parse(str(layer), layer.read_text(), "compose", real_path=str(layer)).workloads
    assert [p.host_ip for p in w.ports] == ["127.0.0.1"]


def test_a_layer_not_named_with_certainty_is_a_fragment(tmp_path: Path) -> None:
    # `logs -f` follows (an option of the subcommand); a variable path is not known; a file that is
    # not on disk is not a project
    for script in ("docker compose -f compose.yaml logs -f compose.gpu.yaml\n",
                   "docker compose -f $BASE -f compose.gpu.yaml up\n",
                   "docker compose -f compose.yaml -f compose.missing.yaml -f compose.gpu.yaml up\n"):
        [w] = _layered(tmp_path, {"run.sh": script})
        assert w.partial and w.image.value is None, script


def test_reset_and_override_tags_replace_what_extends_and_an_override_file_merge(tmp_path: Path) -> None:
    # compose-go v2.13.0 loader/reset.go: a `!reset`/`!override` path is deleted from the base before the
    # merge; without a tag, ports lists are merged (each kept by host_ip:published:target)
    from tests.helpers import found, lint

    ws = {w.name: w for w in workloads("""services:
  base:
    image: ollama/ollama:0.5.7
    ports: ["11434:11434"]
  reset:
    extends: base
    ports: !reset []
  loopback:
    extends: base
    ports: !override ["127.0.0.1:11434:11434"]
  merged:
    extends: base
    ports: ["127.0.0.1:11434:11434"]
""", "compose", "compose.yaml")}
    assert [(p.host_ip, p.host_port) for p in ws["reset"].ports] == []
    assert [(p.host_ip, p.host_port) for p in ws["loopback"].ports] == [("127.0.0.1", "11434")]
    assert [(p.host_ip, p.host_port) for p in ws["merged"].ports] == [(None, "11434"), ("127.0.0.1", "11434")]
    base = "services:\n  ollama:\n    image: ollama/ollama:0.5.7\n    ports: [\"11434:11434\"]\n"
    for tag, expected in (("!reset []", []), ("!override [\"127.0.0.1:11434:11434\"]", []),
                          ("[\"127.0.0.1:11434:11434\"]", [("compose.yaml", "GLM017", 4)])):
        project = tmp_path / tag.split()[0].strip("![\"")
        report = lint(project, {"compose.yaml": base,
                                "compose.override.yaml": f"services:\n  ollama:\n    ports: {tag}\n"}, ["GLM017"])
        assert found(report) == expected, tag


def test_a_long_syntax_host_ip_read_from_its_default_says_when() -> None:
    from glmlint.registry import builtin_rules, select
    from glmlint.runner import scan

    import tempfile

    with tempfile.TemporaryDirectory() as d:
        Path(d, "compose.yaml").write_text("""services:
  ollama:
    image: ollama/ollama:0.5.7
    ports:
      - target: 11434
        published: "11434"
        host_ip: ${HOST_IP:-0.0.0.0}
""")
        report = scan([d], select(builtin_rules(), ["GLM017"]), root=d)
    assert [(r.line, r.message.endswith("when `HOST_IP` is unset")) for r in report.results] == [(5, True)]
