"""`docker run` command lines in scripts, Makefiles, Markdown and workflows -> IR workloads."""
from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from glmlint.ir import INSIDE_TEXT, Format, Loc
from glmlint.parsers import detect, parse
from glmlint.registry import builtin_rules

from tests.helpers import found, lint


def run(text: str, name: str = "run.sh"):  # type: ignore[no-untyped-def]
    source = parse(name, textwrap.dedent(text), detect(name, name) or "docker-run")
    assert source is not None and source.format is Format.DOCKER_RUN
    return source.workloads


def one(text: str, name: str = "run.sh"):  # type: ignore[no-untyped-def]
    ws = run(text, name)
    assert len(ws) == 1, ws
    return ws[0]


def at(setting) -> tuple[int, int]:  # type: ignore[no-untyped-def]
    return (setting.loc.line, setting.loc.col)


# -- the command line, as the Docker CLI reads it ---------------------------------


def test_flag_forms_find_the_image_and_locate_each_flag():
    w = one("""\
        docker run --rm -itp 127.0.0.1:8888:8888 --name=nb --gpus all -e A=1 -u0 \\
          --cap-drop ALL --cap-add=NET_BIND_SERVICE,SYS_PTRACE -m 4g --read-only \\
          ghcr.io/acme/nb:1 jupyter lab
        """)
    assert w.image.value == "ghcr.io/acme/nb:1" and at(w.image) == (3, 3)
    assert w.name == "nb" and w.label == "container `nb` (`docker run`)"
    assert w.anchor == Loc(1, 1)
    assert w.user.value.raw == "0" and at(w.user) == (1, 70)
    assert [(p.host_ip, p.host_port, p.container_port) for p in w.ports] == [("127.0.0.1", "8888", "8888")]
    assert w.ports[0].loc == Loc(1, 17)  # the combined `-itp` word
    assert [i.value for i in w.cap_drop.value] == ["ALL"] and at(w.cap_drop) == (2, 3)
    assert [i.value for i in w.cap_add.value] == ["NET_BIND_SERVICE", "SYS_PTRACE"]
    assert w.memory_limit.value == "4g" and w.read_only_rootfs.value is True
    assert [(e.name, e.value) for e in w.env] == [("A", "1")]
    assert [c.words() for c in w.process] == [["jupyter", "lab"]]
    # paths index the docker command's words, for the fix engine
    assert w.user.path == ("flag", 10) and w.image.path == ("flag", 17)


def test_docker_compose_run_is_what_its_flags_add_over_the_service():
    """`docker compose run` (docker/compose cmd/compose/run.go): its own flags, up to the service; a
    partial workload with no image (the service's settings are in its compose file); `-P` is
    `--service-ports`; a flag it does not take (`--privileged`) stops the CLI; a placeholder is none."""
    ws = run("""\
        docker compose -f compose.yaml --profile gpu run --rm -P --cap-add SYS_PTRACE -v /srv:/srv -u 0 trainer \\
          python x.py
        docker-compose run --name dbg -e A=1 -p 8888:8888 notebook
        docker compose run --privileged trainer
        docker compose run --rm SERVICE
        docker compose up -d trainer
        """)
    assert [w.label for w in ws] == ["`docker compose run` of service `trainer`",
                                     "container `dbg` (`docker-compose run` of service `notebook`)"]
    first, second = ws
    assert first.partial and first.image.value is None and first.pulls == ()
    assert [i.value for i in first.cap_add.value] == ["SYS_PTRACE"] and at(first.cap_add) == (1, 58)
    assert [m.source for m in first.mounts] == ["/srv"] and first.user.value.raw == "0"
    assert first.publish_all.value is False and [c.words() for c in first.process] == [["python", "x.py"]]
    assert [(p.host_port, p.container_port) for p in second.ports] == [("8888", "8888")]
    assert [(e.name, e.value) for e in second.env] == [("A", "1")]


def test_the_program_options_container_subcommand_and_wrappers():
    ws = run("""\
        sudo -E docker --context prod container create --privileged busybox
        nvidia-docker run --rm nvidia/cuda:12.4.1-base-ubuntu22.04 nvidia-smi
        podman run -d --pid=host --ipc host --net=host --userns host quay.io/podman/stable
        docker --log-level debug run -- alpine:3.20 echo hi
        docker --context prod container start -a box
        """)
    assert [(w.image.value, w.anchor) for w in ws] == [
        ("busybox", Loc(1, 9)), ("nvidia/cuda:12.4.1-base-ubuntu22.04", Loc(2, 1)),
        ("quay.io/podman/stable", Loc(3, 1)), ("alpine:3.20", Loc(4, 1))]
    assert ws[0].label == "`docker create` of `busybox`" and ws[0].privileged.value is True
    p = ws[2]
    assert (p.host_pid.value, p.host_ipc.value, p.host_network.value, p.host_userns.value) == (True,) * 4
    assert [c.words() for c in ws[3].process] == [["echo", "hi"]]


def test_not_containers_placeholders_and_help():
    assert run("""\
        docker build -t app .
        docker ps -a
        docker run --help
        docker run [OPTIONS] IMAGE [COMMAND]
        docker run -it <your-image>
        docker run
        docker compose run web
        echo docker run --privileged x
        """) == []


def test_variables_and_substitutions_stay_as_written():
    w = one('docker run -u "$(id -u):$(id -g)" -v "$PWD":/src -e TOKEN="$TOKEN" "$IMAGE" make test\n')
    assert w.user.value.raw == "$(id -u):$(id -g)" and w.runs_as_root() is None
    assert w.image.value == "$IMAGE"
    assert (w.mounts[0].source, w.mounts[0].target, w.mounts[0].kind) == ("$PWD", "/src", "bind")
    assert w.env[0].value == "$TOKEN"
    assert not w.partial


@pytest.mark.parametrize("opts", ["$DOCKER_OPTS", '"${RUN_ARGS[@]}"', '"$@"', '${CI:+-e CI="$CI"}'])
def test_an_options_expansion_makes_the_workload_partial(opts: str) -> None:
    w = one(f"docker run --rm {opts} ghcr.io/acme/app:1\n")
    assert w.image.value == "ghcr.io/acme/app:1" and w.partial
    assert w.missing(w.cap_drop) is False


@pytest.mark.parametrize("line, image, partial", [
    ("docker run $MOUNTS -p 8888:8888 jupyter/base-notebook:2024-07-29", "jupyter/base-notebook:2024-07-29", True),
    ("docker run --rm ${EXTRA:-} --gpus all ollama/ollama", "ollama/ollama", True),
    ("docker run $GPUS ollama/ollama:0.3.12", "ollama/ollama:0.3.12", True),
    ("docker run -it $DEVICES -e A=1 $VOLUMES python:3.12 bash", "python:3.12", True),
    ('docker run --rm $GPUS -e A=1 "$IMAGE" python train.py', "$IMAGE", True),
    # its name says image, or nothing after it reads as `docker run` options and an image written out
    ("docker run $IMAGE_NAME -p 80:80 nginx", "$IMAGE_NAME", False),
    ("docker run --rm $IMG python train.py", "$IMG", False),
    ("docker run ${MODEL_SERVER} --port 8000 --host 0.0.0.0", "${MODEL_SERVER}", False),
    ("docker run --rm $TARGET bash", "$TARGET", False),
    # a path after it is the command, not an image; an untagged name needs an options-like name
    ("docker run --rm --gpus all -v $(pwd):/workspace $CONTAINER ./train.sh --epochs 3", "$CONTAINER", False),
    ("docker run --rm --privileged $BASE scripts/train.sh", "$BASE", False),
    ("docker run --rm $CONTAINER /bin/bash", "$CONTAINER", False),
    ("docker run --rm $GPUS ollama/ollama", "ollama/ollama", True),
    ("docker run --rm $X ghcr.io/acme/app", "ghcr.io/acme/app", True),
    # an image never starts with `-`: an expansion in an attached value is the option's
    ("docker run --rm -v${PWD}/models:/models -e${EXTRA} tritonserver:24.08 x", "tritonserver:24.08", False),
    ("docker run --rm -$FLAGS tritonserver:24.08 x", "tritonserver:24.08", True),
])
def test_an_unknown_expansion_before_options_and_an_image_is_options(line: str, image: str, partial: bool) -> None:
    w = one(line + "\n")
    assert (w.image.value, w.partial) == (image, partial)


def test_mounts_security_options_and_entrypoint():
    w = one("""\
        docker run --mount type=bind,src=/var/run/docker.sock,dst=/var/run/docker.sock,readonly \\
          -v /:/host:ro --tmpfs /tmp:size=64m --volume data:/data \\
          --security-opt seccomp=unconfined --security-opt=no-new-privileges:true \\
          --security-opt apparmor:unconfined --security-opt label=disable \\
          --entrypoint=/usr/sbin/sshd -e PASSWORD img -D -o PasswordAuthentication=yes
        """)
    assert [(m.source, m.target, m.kind, m.read_only) for m in w.mounts] == [
        ("/var/run/docker.sock", "/var/run/docker.sock", "bind", True), ("/", "/host", "bind", True),
        (None, "/tmp", "tmpfs", False), ("data", "/data", "volume", False)]
    assert w.seccomp.value == "unconfined" and at(w.seccomp) == (3, 3)
    assert w.allow_privilege_escalation.value is False
    assert w.apparmor.value == "unconfined" and w.selinux.value == "disable"
    assert [i.value for i in w.security_opts] == ["seccomp=unconfined", "no-new-privileges:true",
                                                 "apparmor:unconfined", "label=disable"]
    assert w.entrypoint.value[0].text == "/usr/sbin/sshd" and w.entrypoint.value[0].loc == Loc(5, 16)
    assert w.process[0].words() == ["/usr/sbin/sshd", "-D", "-o", "PasswordAuthentication=yes"]
    assert w.env[0].value is None  # `-e NAME` passes the host's value


def test_boolean_flags_with_a_value():
    w = one("docker run --privileged=false --read-only=true img\n")
    assert w.privileged.value is False and w.privileged.explicit
    assert w.read_only_rootfs.value is True


def test_command_after_the_image_is_parsed_as_shell():
    w = one("""docker run -p 8888:8888 python:3.12 sh -c "pip install jupyterlab && jupyter lab --ip 0.0.0.0"\n""")
    assert [c.name for c in w.process] == ["sh", "pip", "jupyter"]
    jupyter = w.process[-1]
    assert jupyter.loc == Loc(1, 70)  # inside the quoted script


# -- where command lines are found, located in the original file --------------------


def test_markdown_shell_blocks_prompts_output_and_continuations():
    ws = run("""\
        # Title

        ```console
        $ docker run --rm \\
        >   --privileged alpine echo hi
        hi
        $ docker ps
        docker run --privileged output-line-not-a-command
        ```

        1. In a list:

           ```bash
           docker run -u 0 ubuntu:24.04 id
           ```

        ```text
        docker run --privileged not-shell
        ```

        ~~~sh
        $ docker run -d nginx:1.27
        ~~~
        """, "README.md")
    assert [(w.image.value, w.anchor) for w in ws] == [
        ("alpine", Loc(4, 3)), ("ubuntu:24.04", Loc(14, 4)), ("nginx:1.27", Loc(22, 3))]
    assert at(ws[0].privileged) == (5, 5)
    assert at(ws[1].user) == (14, 15)


def test_ssh_runs_its_command_on_another_host():
    # ssh(1): options before and after the destination, one word is a script for the remote shell,
    # several are joined; none (or a remote `bash -s`): the script is ssh's standard input
    ws = run("""\
        IMAGE=ghcr.io/acme/llm:1.4
        ssh -i ~/.ssh/deploy -p 2222 "ubuntu@$HOST" "docker rm -f a || true; docker run --name a --privileged $IMAGE"
        ssh gpu-02 'docker run --name b $IMAGE'
        ssh gpu-03 -p22 -- sudo docker run --name c -u 0 "$IMAGE"
        ssh -T gpu-04 <<EOF
        \tdocker run --name d --pid=host busybox
        EOF
        ssh gpu-05 bash -s <<'EOF'
          docker run --name e busybox
        EOF
        ssh -N -L 8000:localhost:8000 gpu-01 docker run --name tunnel-only busybox
        ssh -O exit gpu-01
        """)
    assert [(w.name, w.image.value, w.anchor) for w in ws] == [
        ("a", "ghcr.io/acme/llm:1.4", Loc(2, 70)),  # double quotes: the local shell expands `$IMAGE`
        ("b", "$IMAGE", Loc(3, 13)),  # single quotes: the remote shell does, with its own variables
        ("c", "ghcr.io/acme/llm:1.4", Loc(4, 25)),
        ("d", "busybox", Loc(6, 2)), ("e", "busybox", Loc(9, 3))]
    assert at(ws[0].privileged) == (2, 90) and at(ws[2].user) == (4, 45) and ws[3].host_pid.value is True


def test_ssh_heredoc_expanded_by_the_local_shell_unless_quoted_and_a_wrapped_remote_shell():
    # POSIX XCU 2.7.4: the local shell expands an unquoted heredoc before ssh sends it (bash 5: `$OPTS`
    # arrives as `--privileged`); `<<'EOF'` leaves `$IMAGE` to the remote shell. ssh(1) feeds its stdin
    # to the remote command: a shell a wrapper runs (`sudo bash -s`) reads it, `sudo docker ps` does not.
    ws = run("""\
        OPTS=--privileged
        IMAGE=ghcr.io/acme/llm:1.4
        ssh gpu-01 <<EOF
        docker run --name f $OPTS $IMAGE
        EOF
        ssh gpu-02 <<'EOF'
        docker run --name g $OPTS $IMAGE
        EOF
        ssh gpu-03 sudo bash -s <<'EOF'
        docker run --name h busybox
        EOF
        ssh gpu-04 sudo docker ps <<'EOF'
        docker run --name not-read busybox
        EOF
        """)
    assert [(w.name, w.image.value, w.anchor) for w in ws] == [
        ("f", "ghcr.io/acme/llm:1.4", Loc(4, 1)), ("g", "$IMAGE", Loc(7, 1)), ("h", "busybox", Loc(10, 1))]
    assert ws[0].privileged.value is True and ws[1].privileged.value is False


def test_markdown_indented_blocks_and_session_prompts():
    """An indented code block (CommonMark 4.4: after a blank line) is read when its first word is the
    container CLI, as a fenced block with no language is; a session's prompt may name the user, host
    and directory (`user@host:~$ `, `[root@gpu01 ~]# `, `(venv) $ `)."""
    ws = run("""\
        Start it:

            docker run --name indented --privileged \\
                alpine:3.20 true

        A paragraph
            docker run --name lazy-continuation alpine:3.20

            pip install x
            docker run --name not-first alpine:3.20

        ```console
        user@gpu-box:~/src$ docker run --name user-host alpine:3.20
        hello
        [root@gpu01 ~]# docker run --name root-bracket alpine:3.20
        (venv) $ docker run --name venv alpine:3.20
        # docker run --name comment alpine:3.20
        ```
        """, "README.md")
    assert [(w.name, w.anchor) for w in ws] == [
        ("indented", Loc(3, 5)), ("user-host", Loc(13, 21)), ("root-bracket", Loc(15, 17)), ("venv", Loc(16, 10))]
    assert at(ws[0].privileged) == (3, 32)


def test_bash_arrays_set_once_give_their_elements_as_words():
    ws = run("""\
        ARGS=(--rm --gpus all -v "$PWD/data:/data" --pid=host)
        docker run --name one "${ARGS[@]}" img:1
        MORE=(
          --ipc=host   # shared memory for the dataloader
          -u 0
        )
        docker run --name two ${MORE[*]} img:1
        docker run --name three "${MORE[*]}" img:1
        EXTRA=(--rm)
        if [[ -n "${DEBUG:-}" ]]; then EXTRA+=(--privileged); fi
        docker run --name four "${EXTRA[@]}" img:1
        f() { LOCAL=(--privileged); }
        docker run --name five "${LOCAL[@]}" img:1
        """)
    by = {w.name: w for w in ws}
    one = by["one"]
    assert not one.partial and one.host_pid.value is True and one.host_pid.path[-1] == INSIDE_TEXT
    assert at(one.host_pid) == (2, 23) and [(m.source, m.target) for m in one.mounts] == [("$PWD/data", "/data")]
    assert by["two"].host_ipc.value is True and by["two"].user.value.raw == "0"
    # quoted `[*]` joins the elements into one word; appended in a block, set in a function: not known
    assert all(by[n].partial and not by[n].privileged.value for n in ("four", "five"))
    # `"${MORE[*]}"` is one word, `--ipc=host -u 0`, not an option docker reads as the IPC mode
    assert by["three"].partial and by["three"].host_ipc.value is False and by["three"].user.value is None


def test_makefile_recipes_dollar_dollar_and_prefixes():
    ws = run("""\
        IMAGE ?= ghcr.io/acme/app
        RUN = docker run --privileged not-a-recipe
        test:
        \t@docker run --rm -u $$(id -u) \\
        \t   --cap-drop=ALL $(IMAGE):dev pytest
        \t-docker run --user=root $(IMAGE) id
        """, "Makefile")
    # make expands `$(IMAGE)` with the Makefile's `IMAGE ?=` (its default) before the shell runs the line
    assert [(w.image.value, w.anchor) for w in ws] == [("ghcr.io/acme/app:dev", Loc(4, 3)), ("ghcr.io/acme/app", Loc(6, 3))]
    assert ws[0].user.value.raw == "$(id -u)" and at(ws[0].cap_drop) == (5, 5)
    assert ws[1].user.value.raw == "root" and at(ws[1].user) == (6, 14)


def test_workflow_run_steps_block_folded_and_expressions():
    text = textwrap.dedent("""\
        on: [push]
        jobs:
          t:
            runs-on: ubuntu-latest
            steps:
              - run: docker run --rm --privileged ghcr.io/a/b:${{ github.sha }} pytest -x
              - run: |
                  docker run --rm \\
                    --user 0 "${{ env.IMAGE }}"
              - run: >
                  docker run --rm
                  --cap-add SYS_ADMIN
                  alpine:3.20 true
              - shell: python
                run: print("docker run --privileged x")
        """)
    source = parse(".github/workflows/ci.yml", text, "yaml")
    assert source is not None and source.format is Format.DOCKER_RUN
    ws = source.workloads
    assert [(w.image.value, w.anchor) for w in ws] == [
        ("ghcr.io/a/b:${{ github.sha }}", Loc(6, 14)), ("${{ env.IMAGE }}", Loc(8, 11)), ("alpine:3.20", Loc(11, 11))]
    assert at(ws[0].privileged) == (6, 30) and ws[0].image.loc == Loc(6, 43)
    assert [c.words() for c in ws[0].process] == [["pytest", "-x"]]
    assert at(ws[1].user) == (9, 13)
    assert at(ws[2].cap_add) == (12, 11)


def test_yaml_that_is_not_a_workflow_is_not_read():
    assert parse("values.yaml", "image: docker\nrun: docker run --privileged x\n", "yaml") is None


@pytest.mark.parametrize(("name", "hint"), [
    ("run.sh", "docker-run"), ("train.bash", "docker-run"), ("Makefile", "docker-run"),
    ("GNUmakefile", "docker-run"), ("docker.mk", "docker-run"), ("README.md", "docker-run"),
    ("Dockerfile.md", "docker-run"), ("notes.txt", None), ("Dockerfile", "dockerfile"),
    ("ci.yml", "yaml"), ("script.py", "docker-run"), ("ollama.container", "docker-run"), ("Dockerfile.py", None),
    # BuildKit's per-Dockerfile ignore file (vllm-project/aibrix build/container/Dockerfile.python.dockerignore)
    ("Dockerfile.dockerignore", None), ("Dockerfile.python.dockerignore", None), ("Dockerfile.python", "dockerfile"),
    # a web bundle's chunk of an editor's Dockerfile syntax (ParisNeo/lollms-webui web/dist/assets/), a Jinja
    # template of a Dockerfile (axolotl-ai-cloud/axolotl cicd/Dockerfile-uv.jinja) beside the Dockerfile it is not
    ("dockerfile-BU1Ap__c.js", None), ("Dockerfile-uv.jinja", None), ("Dockerfile-uv", "dockerfile"),
])
def test_detect_by_name(name: str, hint: str | None) -> None:
    assert detect(name, name) == hint


def test_files_without_docker_are_not_parsed_or_counted(tmp_path: Path) -> None:
    report = lint(tmp_path, {"build.sh": "make all\n", "README.md": "```bash\nls\n```\n",
                             "run.sh": "docker run --privileged alpine\n"}, ["GLM003"])
    assert found(report) == [("run.sh", "GLM003", 1)]
    assert report.files_scanned == 1


# -- every rule declared for compose reads docker run ------------------------------------


def test_rules_declared_for_compose_apply_to_docker_run() -> None:
    for rule in builtin_rules():
        assert rule.applies_to(Format.DOCKER_RUN) == (Format.COMPOSE in rule.formats), rule.code


def test_all_core_rules_on_one_command(tmp_path: Path) -> None:
    report = lint(tmp_path, {"up.sh": """\
        docker run -d -p 8888:8888 --privileged -u root pytorch/pytorch \\
          jupyter lab --ip=0.0.0.0 --NotebookApp.token=''
        """}, ["GLM001", "GLM002", "GLM003", "GLM004", "GLM005", "GLM006"])
    assert sorted({r.code for r in report.results}) == ["GLM001", "GLM002", "GLM003", "GLM004", "GLM005"]


def test_a_suppression_above_a_command_covers_its_continuation_lines(tmp_path: Path) -> None:
    report = lint(tmp_path, {"dind.sh": """\
        # glmlint: ignore[GLM003] the CI runner needs Docker-in-Docker
        docker run -d \\
          --privileged docker:27-dind
        docker run --privileged alpine
        """}, ["GLM003"])
    assert found(report) == [("dind.sh", "GLM003", 4)]


def test_create_counts_only_when_the_file_starts_a_container():
    """`docker create` + `docker cp` + `docker rm` copies files out of an image: nothing runs."""
    assert run("""\
        id=$(docker create --privileged wheels-builder)
        docker cp "$id":/wheels ./dist/
        docker rm "$id"
        """) == []
    ws = run("""\
        docker create --name t --privileged trainer:0.7
        podman start t
        """)
    assert [w.label for w in ws] == ["container `t` (`docker create`)"]


# -- `-p` with shell defaults: read as the shell expands them, kept as written for a fix ----


def test_publish_defaults_are_read_and_the_written_text_is_kept():
    ip, port, whole = run("""\
        docker run -d -p "${BIND:-0.0.0.0}:${HOST_PORT:-11434}:11434" ollama/ollama:0.5.7
        docker run -d -p ${JUPYTER_PORT:-8888}:8888 quay.io/jupyter/base-notebook:2024-10-07
        docker run -d -p "${PORTS:-0.0.0.0:8000:8000}" vllm/vllm-openai:v0.6.4
        """)
    (p,) = ip.ports
    assert (p.host_ip, p.host_port, p.container_port) == ("0.0.0.0", "11434", "11434")
    assert (p.spec, p.spec_ip, p.spec_editable) == ("${BIND:-0.0.0.0}:${HOST_PORT:-11434}:11434",
                                                     "${BIND:-0.0.0.0}", True)
    (p,) = port.ports
    assert (p.host_ip, p.host_port, p.spec) == (None, "8888", "${JUPYTER_PORT:-8888}:8888")
    (p,) = whole.ports
    assert (p.host_ip, p.container_port, p.spec_editable) == ("0.0.0.0", "8000", False)


def test_publish_messages_name_only_the_variables_that_decide_the_exposure(tmp_path: Path):
    report = lint(tmp_path, {"run.sh": """\
        docker run -d -p "${BIND:-0.0.0.0}:${HOST_PORT:-11434}:11434" ollama/ollama:0.5.7
        docker run -d -p ${JUPYTER_PORT:-8888}:8888 quay.io/jupyter/base-notebook:2024-10-07 \\
          start-notebook.py --IdentityProvider.token=''
        """}, ["GLM016", "GLM017"])
    messages = {(r.code, r.line): r.message for r in report.results}
    assert messages[("GLM017", 1)].endswith("port 11434 when `BIND` is unset")
    # the host port's default changes nothing: on every interface whatever JUPYTER_PORT is
    assert messages[("GLM016", 2)].endswith("publishes the Jupyter port 8888 on all interfaces")


# -- what the container gets from other files -------------------------------------


def _on_disk(tmp_path: Path, script: str, files: dict[str, str]):  # type: ignore[no-untyped-def]
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    path = tmp_path / "run.sh"
    path.write_text(textwrap.dedent(script))
    source = parse("run.sh", path.read_text(), "docker-run", real_path=str(path))
    assert source is not None
    return source


def test_env_file_read_as_the_docker_cli_reads_it(tmp_path: Path) -> None:
    # docker/cli pkg/kvfile: leading blanks dropped, `#` lines skipped, the value as written after the
    # first `=` (trailing blanks kept, no interpolation), a bare name is the host's; later files and
    # then every `-e` win, whatever the order on the line
    source = _on_disk(tmp_path, """\
        docker run -e MODE=prod --env-file conf/a.env --env-file=conf/b.env python:3.12 python app.py
        """, {"conf/a.env": "\ufeff  # comment\n\nMODE=dev\nURL=http://x/?a=b \nHOME_DIR=$HOME\nPASSTHROUGH\n",
              "conf/b.env": "URL=http://y\r\nQUOTED=\"two words\"\n"})
    w = source.workloads[0]
    got = [(v.name, v.value, v.dynamic, v.loc.line, v.env_file) for v in w.env]
    assert got == [("MODE", "dev", False, 3, "conf/a.env"),
                   ("HOME_DIR", "$HOME", True, 5, "conf/a.env"),  # literal, surely meant as a reference
                   ("PASSTHROUGH", None, False, 6, "conf/a.env"), ("URL", "http://y", False, 1, "conf/b.env"),
                   # quotes: kept by older CLIs, dropped by newer ones (docker/cli#6805): not known
                   ("QUOTED", "two words", True, 2, "conf/b.env"),
                   ("MODE", "prod", False, 1, None)]
    assert w.env_value("MODE").value == "prod"  # type: ignore[union-attr]
    assert w.env_imports == ()
    assert sorted(source.reads) == [str(tmp_path / "conf/a.env"), str(tmp_path / "conf/b.env")]


@pytest.mark.parametrize("line", ["docker run --env-file missing.env nginx:1.27",  # made at run time
                                  "docker run --env-file \"$ENV_FILE\" nginx:1.27",
                                  "docker run --env-file bad.env nginx:1.27"])  # the CLI refuses it
def test_env_file_that_cannot_be_read_stays_unknown(tmp_path: Path, line: str) -> None:
    w = _on_disk(tmp_path, line + "\n", {"bad.env": "GOOD=1\nBAD NAME=2\n"}).workloads[0]
    assert w.env == () and w.env_imports == (Loc(1, 12),)


def test_workdir_flag_is_the_start_directory() -> None:
    assert one("docker run -w /opt/ComfyUI img:1 python main.py\n").workdir == "/opt/ComfyUI"
    assert one("docker run --workdir=/srv/app/ img:1 python main.py\n").workdir == "/srv/app"
    assert one("docker run -w \"$PWD\" img:1 python main.py\n").workdir is None  # not known here
    assert one("docker run img:1 python main.py\n").workdir is None  # the image's WORKDIR


def test_the_image_is_read_with_the_variables_the_file_sets_once() -> None:
    # a script's top-level `NAME=value` (quoted or not, `${NAME:-x}` its default) and make's
    # `NAME ?=`/`:=`/`=`, also made of each other; a variable set twice, in a block, or to what
    # the scan cannot read stays unknown, and so does make's `$$(...)` (the shell's substitution)
    ws = run("""\
        REGISTRY="ghcr.io/acme"
        IMAGE=${IMAGE:-$REGISTRY/trainer:2024.06}
        TWICE=a:1
        if [ -n "$GPU" ]; then
          TWICE=b:2
          BLOCK=c:3
        fi
        TAG=$(git rev-parse --short HEAD)
        docker run --rm "$IMAGE" train
        docker run --rm "$TWICE" x
        docker run --rm "$BLOCK" x
        docker run --rm "ghcr.io/acme/eval:$TAG" x
        """)
    assert [w.image.value for w in ws] == ["ghcr.io/acme/trainer:2024.06", "$TWICE", "$BLOCK", "ghcr.io/acme/eval:$TAG"]
    ws = run("""\
        REGISTRY := ghcr.io/acme
        NAME = vllm
        IMAGE ?= $(REGISTRY)/$(NAME):0.6.3  # the server
        serve:
        \tdocker run --rm -v $$(pwd):/w $(IMAGE) --model m
        """, "Makefile")
    assert [w.image.value for w in ws] == ["ghcr.io/acme/vllm:0.6.3"]
    assert [m.source for m in ws[0].mounts] == ["$(pwd)"]


def test_options_are_read_with_the_variables_the_file_sets_once() -> None:
    # make pastes `$(DOCKER_FLAGS)` in before the shell splits the recipe into words; the shell splits
    # an unquoted `$GPU_FLAGS` on blanks; an empty value leaves no word; the options a variable gives
    # are located at it and have no path a fix edits (they are written in the variable)
    w = one("""\
        IMAGE := ghcr.io/acme/trainer:2024.11
        DOCKER_FLAGS := --rm -it --privileged -v /var/run/docker.sock:/var/run/docker.sock
        EXTRA :=
        NET ?= host
        run:
        \tdocker run $(DOCKER_FLAGS) $(EXTRA) --network=$(NET) $(IMAGE) bash
        """, "Makefile")
    assert w.image.value == "ghcr.io/acme/trainer:2024.11" and not w.partial
    assert w.privileged.value is True and at(w.privileged) == (6, 13) and w.privileged.path[-1] == INSIDE_TEXT
    assert [m.source for m in w.mounts] == ["/var/run/docker.sock"]
    assert w.host_network.value is True and at(w.host_network) == (6, 38) and w.host_network.path == ("flag", 7)
    ws = run("""\
        GPU_FLAGS="--gpus all --ipc=host"
        if [ -n "$DEBUG" ]; then
        DEBUG_FLAGS="--cap-add SYS_PTRACE"
        fi
        docker run $GPU_FLAGS "$GPU_FLAGS" img:1
        docker run $DEBUG_FLAGS img:1
        """)
    # quoted, one word: not spread (still an options expansion)
    assert ws[0].host_ipc.value is True and ws[0].image.value == "img:1" and ws[0].partial
    assert ws[1].partial and ws[1].image.value == "img:1"  # set in a branch: not known, options maybe


def test_a_default_an_option_is_read_through_is_named() -> None:
    text = "NETWORK ?= host\nFLAGS ?= --pid=host\nrun:\n\tdocker run $(FLAGS) --network=$(NETWORK) i:1\n"
    source = parse("Makefile", text, "docker-run")
    assert source is not None
    assert source.assumed == {(4, 13): ("FLAGS",), (4, 22): ("NETWORK",)}
    # an option and its value from one variable: the variable named once
    source = parse("Makefile", "F ?= -p 8080:80\nrun:\n\tdocker run $(F) nginx:1\n", "docker-run")
    assert source is not None
    assert list(source.assumed.values()) == [("F",)]


def test_a_workflow_step_reads_the_env_it_runs_with() -> None:
    # the workflow's, job's and step's `env:` (the step's wins), not a `${{ }}` value, not one the
    # script sets to something else; a job whose steps write $GITHUB_ENV: its env is not known
    ws = run("""\
        env:
          IMAGE: ghcr.io/acme/app:1
          FLAGS: --privileged
          NET: host
        jobs:
          a:
            env: {NET: bridge, PID_FLAGS: "${{ inputs.pid }}"}
            steps:
              - env: {CAPS: --cap-add=SYS_ADMIN}
                run: |
                  FLAGS="--pid=host"
                  docker run $FLAGS $PID_FLAGS $CAPS --network=$NET $IMAGE x
          b:
            steps:
              - run: echo "FLAGS=" >> $GITHUB_ENV
              - run: docker run $FLAGS $IMAGE x
        """, "ci.yml")
    a, b = ws
    # FLAGS: set in the script to another value than its env's: not known, neither is read
    assert a.image.value == "ghcr.io/acme/app:1" and a.privileged.value is False and a.host_pid.value is False
    assert a.partial  # $FLAGS, and $PID_FLAGS (an expression): options not known
    assert [i.value for i in a.cap_add.value] == ["SYS_ADMIN"] and a.host_network.value is False
    assert b.image.value == "$IMAGE" and b.partial


def test_the_command_words_are_read_with_the_variables_when_they_stay_one_word() -> None:
    w = one("""\
        PORT := 9000
        MODEL ?= org/model
        SCRIPT := python serve.py
        serve:
        \tdocker run -p $(PORT):$(PORT) vllm/vllm-openai:v0.6.3 --model "$(MODEL)" --port=$(PORT) $(SCRIPT) $(X)
        """, "Makefile")
    assert [c.text for c in w.command.value] == ["--model", "org/model", "--port=9000", "${SCRIPT}", "${X}"]
    assert not w.command.value[1].dynamic and w.command.value[4].dynamic  # X: not set in the file


def test_a_variable_set_before_an_include_is_not_known() -> None:
    # `include .env` may set it again (a `?=` after the include stays a default)
    w = one("""\
        FLAGS := --privileged
        -include .env
        NET ?= host
        run:
        \tdocker run $(FLAGS) --network=$(NET) img:1
        """, "Makefile")
    assert w.partial and w.privileged.value is False and w.host_network.value is True


def test_a_makefile_shell_variable_is_not_makes_unless_exported() -> None:
    """`$${IMAGE}` in a recipe is the shell's IMAGE: make's only when make exports it."""
    text = "IMAGE := acme/app:1\nrun:\n\tdocker run $${IMAGE:-acme/app} x\n\tdocker run $(IMAGE) y\n"
    assert [w.image.value for w in run(text, "Makefile")] == ["acme/app", "acme/app:1"]
    for export in ("export IMAGE\n", "export\n", ".EXPORT_ALL_VARIABLES:\n", "export IMAGE := acme/app:1\n"):
        assert [w.image.value for w in run(export + text, "Makefile")] == ["acme/app:1", "acme/app:1"]
    # decided per command, its continued lines together: one that reads IMAGE both ways keeps make's
    # value (its words cannot tell them apart), on one line or two
    both = "IMAGE := acme/app:1\nrun:\n\tdocker run -e IMG=$(IMAGE) $${IMAGE:-acme/app} x\n" \
           "\tdocker run -e IMG=$(IMAGE) \\\n\t  $${IMAGE:-acme/app} y\n"
    assert [w.image.value for w in run(both, "Makefile")] == ["acme/app:1", "acme/app:1"]


def test_mount_fields_as_the_docker_cli_reads_them() -> None:
    """docker/cli opts/mount.go: keys case-insensitive, `src`/`dst`/`destination`/`ro` their other names,
    a later field over an earlier one, one CSV record (a quoted field keeps its comma)."""
    w = one('docker run --mount Type=Bind,src=/srv,Source=/,DST=/host,ro '
            '--mount \'type=bind,"source=/data/a,b",target=/data\' img:1\n')
    assert [(m.source, m.target, m.kind, m.read_only) for m in w.mounts] == [
        ("/", "/host", "bind", True), ("/data/a,b", "/data", "bind", False)]


def test_gitlab_ci_jobs_scripts_defaults_extends_and_variables() -> None:
    """GitLab CI: each job's before_script/script/after_script (`default:`'s when the job has none),
    a hidden job read only through `extends:` (its keys, its variables merged under the job's),
    nested lists flattened, a `!reference` not read here."""
    ws = run("""\
        variables:
          TAG: "1.2"
        default:
          before_script:
            - docker run --name pre --rm alpine:3.20 true
        .gpu:
          variables:
            FLAGS: --gpus all --pid=host
            IMG: nvcr.io/nvidia/pytorch
          script:
            - docker run --name tpl $FLAGS $IMG:$TAG nvidia-smi
        gpu:
          extends: .gpu
          variables:
            IMG: ghcr.io/acme/torch
        lint:
          before_script: []
          script:
            - - docker run --name nested -u 0 ruff:1 check .
            - !reference [.gpu, script]
        """, ".gitlab-ci.yml")
    got = [(w.name, w.image.value, w.anchor.line) for w in ws]
    assert got == [("pre", "alpine:3.20", 5), ("tpl", "ghcr.io/acme/torch:1.2", 11), ("nested", "ruff:1", 19)]
    assert ws[1].host_pid.value is True and ws[1].host_pid.path[-1] == INSIDE_TEXT  # written in `FLAGS`


def test_a_boolean_option_with_a_value_parsebool_refuses_starts_nothing(tmp_path: Path):
    """pflag hands `--privileged=yes` to strconv.ParseBool, which refuses it: a usage error, exit 125, no
    container (docker/cli 28f75608, vendor/github.com/spf13/pflag/bool.go); nothing of the line is judged.
    `=true`/`=0` and a value from a variable are read."""
    assert run("docker run -d --privileged=yes -v certs:/certs docker:27-dind\n") == []
    assert run("docker run --rm= -p 8888:8888 jupyter/base-notebook\n") == []
    assert run("docker compose run --service-ports=on trainer python train.py\n") == []
    assert one("docker run -d --privileged=true -v certs:/certs docker:27-dind\n").privileged.value is True
    assert one("docker run -d --privileged=0 docker:27-dind\n").privileged.value is False
    assert one("docker run -d --privileged=$PRIV docker:27-dind\n").image.value == "docker:27-dind"
    assert found(lint(tmp_path / "a", {"run.sh": "docker run -d --read-only=on -p 8888:8888 jupyter/base-notebook\n"})) == []
    assert found(lint(tmp_path / "b", {"run.sh": "docker run -d --read-only=1 -p 8888:8888 jupyter/base-notebook\n"}))


def test_compose_run_is_the_service_its_compose_file_defines(tmp_path: Path):
    """`docker compose run SERVICE`: the service of Compose's default file (found upwards from the
    script's directory) or of the last `-f` file that defines it; the run's command replaces the
    service's `command:` after its `entrypoint:`, its `-e` overrides, the service's ports only with
    `--service-ports`; what comes from the compose file is located there."""
    (tmp_path / "compose.yaml").write_text(textwrap.dedent("""\
        services:
          api:
            image: ghcr.io/acme/api:1.2
            entrypoint: ["python", "-m", "api"]
            command: ["--port", "8000"]
            environment: {LOG_LEVEL: info, MODE: prod}
            ports: ["8000:8000"]
        """))
    (tmp_path / "gpu.yaml").write_text("services:\n  api:\n    image: ghcr.io/acme/api:1.2-gpu\n")
    (tmp_path / "scripts").mkdir()
    script = tmp_path / "scripts" / "run.sh"
    script.write_text("docker compose run -e MODE=dev -p 9000:8000 api --port 9000\n"
                      "docker compose -f compose.yaml -f gpu.yaml run -p 9001:8000 api\n"
                      "docker compose run --service-ports -e A=1 api\n")
    w, gpu, ports = parse("scripts/run.sh", script.read_text(), "docker-run", str(script)).workloads
    assert w.image.value == "ghcr.io/acme/api:1.2" and w.image.loc.file == "compose.yaml" and w.partial
    assert [c.words() for c in w.process] == [["python", "-m", "api", "--port", "9000"]]
    assert {(v.name, v.value) for v in w.env} == {("LOG_LEVEL", "info"), ("MODE", "dev")}
    assert [(p.host_port, p.container_port, p.loc.file) for p in w.ports] == [("9000", "8000", "")]
    # the last `-f` file that defines it, read from the repository's root (`./scripts/run.sh` run from there)
    assert gpu.image.value == "ghcr.io/acme/api:1.2-gpu" and gpu.image.loc.file == "gpu.yaml"
    assert [(p.host_port, p.loc.file) for p in ports.ports] == [("8000", "compose.yaml")]


def test_compose_run_usage_errors_start_nothing():
    """Compose refuses `--service-ports` with `--publish`, and `--tty` with `--no-tty`, before it creates
    anything (docker/compose f7297942 cmd/compose/run.go PreRunE); `--service-ports=false` with `-p` is fine."""
    assert run("docker compose run --service-ports -p 9000:8000 api\n") == []
    assert run("docker compose run -P --publish=9000:8000 api\n") == []
    assert run("docker compose run -t -T -p 9000:8000 api\n") == []
    w = one("docker compose run --service-ports=false -p 9000:8000 api\n")
    assert [p.host_port for p in w.ports] == ["9000"]


def test_compose_run_records_the_dotenv_that_names_the_project_files(tmp_path: Path) -> None:
    """`COMPOSE_FILE` of the `.env` decides which files `compose run` loads: the script reads it."""
    source = _on_disk(tmp_path, "docker compose run -p 8000:8000 api\n", {
        ".env": "COMPOSE_FILE=compose.yaml:compose.dev.yaml\n",
        "compose.yaml": "services:\n  api:\n    image: ghcr.io/acme/api:1.2\n",
        "compose.dev.yaml": "services:\n  api:\n    command: [--reload]\n"})
    assert str(tmp_path / ".env") in source.reads
    assert str(tmp_path / "compose.dev.yaml") in source.reads


@pytest.mark.parametrize("options", ['-p "" -f compose.yaml --env-file conf.env', "-p '' --env-file=conf.env",
                                     "--env-file conf.env -p ''"])
def test_an_empty_word_before_compose_run_names_no_env_file(tmp_path: Path, options: str) -> None:
    """An empty word (`-p ""`) is not the `--env-file` option (it has no short name): the `--env-file`
    given is read, and the service is the project file's with its variables."""
    source = _on_disk(tmp_path, f"docker compose {options} run -e A=1 api\n", {
        "conf.env": "TAG=1.2\n", "compose.yaml": "services:\n  api:\n    image: ghcr.io/acme/api:${TAG:-0}\n"})
    (w,) = source.workloads
    assert w.image is not None and w.image.value == "ghcr.io/acme/api:1.2"
    assert str(tmp_path / "conf.env") in source.reads


def test_the_cli_named_through_a_variable_runs_compose():
    """make pastes `$(DOCKER_COMPOSE)` in before the shell splits the recipe; the shell splits an unquoted
    `$DC`: `docker compose run`. A variable named for Compose runs it when its value is not known here;
    a quoted `"$DC"` is one word, a program named `docker compose` (none)."""
    make = "DOCKER_COMPOSE ?= docker compose\nDOCKER ?= docker\n\na:\n\t$(DOCKER_COMPOSE) run -p 1:1 web\n" \
           "\nb:\n\t$(DOCKER) compose run -p 2:2 web\n"
    assert [w.label for w in run(make, "Makefile")] == ["`docker compose run` of service `web`",
                                                      "`${DOCKER} compose run` of service `web`"]
    unknown = "DOCKER_COMPOSE := $(shell command -v docker-compose)\n\na:\n\t$(DOCKER_COMPOSE) run -p 1:1 web\n"
    assert [w.label for w in run(unknown, "Makefile")] == ["`${DOCKER_COMPOSE} run` of service `web`"]
    script = 'DC="docker compose"\n$DC run -p 1:1 web\n"$DC" run -p 2:2 web\n'
    assert [w.label for w in run(script)] == ["`docker compose run` of service `web`"]
    assert [w.privileged.value for w in run("ENGINE ?= podman\n\na:\n\t$(ENGINE) run --privileged x:1\n",
                                            "Makefile")] == [True]


def test_windows_shells_find_the_cli_whatever_the_case_of_its_name():
    """cmd.exe and PowerShell look the program up on a case-insensitive file system, with `.exe` optional;
    the CLI's own subcommand stays case-sensitive (`docker RUN` is an unknown command)."""
    bat = ('@echo off\r\nDOCKER run --privileged a:1\r\nDocker.exe run --privileged b:1\r\n'
           '"C:\\Program Files\\Docker\\Docker\\resources\\bin\\docker.exe" run --privileged c:1\r\n'
           'DOCKER RUN --privileged d:1\r\n')
    assert [w.image.value for w in run(bat, "start.bat")] == ["a:1", "b:1", "c:1"]
    linux = parse("start.sh", "DOCKER run --privileged a:1\ndocker ps\n", "docker-run")
    assert linux is not None and linux.workloads == []  # a Linux shell: no program `DOCKER`
    ps = "# GPU\n\n```powershell\nDocker run --privileged a:1\n```\n"
    assert [w.image.value for w in run(ps, "README.md")] == ["a:1"]


def test_batch_file_compound_commands_run_their_command_as_cmd_exe_reads_them():
    # `if /?`, `for /?`: the command after an `if` head (`not`, `/i`, `exist`, `defined`, `errorlevel`,
    # a `==` or `EQU` comparison), after `else` and `for ... do`, on its line or in a `( ... )` block
    text = textwrap.dedent('''\
        @echo off
        if not "%1"=="" (
          docker run --rm img1:1 a
        ) else (
          docker run --rm img2:1 b
        )
        if exist models\\ docker run --rm img3:1 c
        if defined GPU docker run --rm img4:1 d
        if errorlevel 1 docker run --rm img5:1 e
        if /i "%MODE%" EQU "debug" (docker run --rm img6:1 f)
        if "%1"=="a" (echo a) else docker run --rm img7:1 g
        for %%m in (llama mistral) do docker run --rm img8:1 %%m
        for /f "tokens=*" %%i in ('docker run --rm not-run:1') do (
            docker run --rm ^
              img9:1 %%~nxi
        )
        for /l %%n in (1,1,3) do @docker run --rm img10:1 %%n
        for /r "C:\\data" %%f in (*.json) do docker run --rm img11:1 %%f
        if "%1"=="gpu"(docker run --rm img12:1 j)
        if "%1"=="docker" echo docker run --rm echoed:1
        echo (if "%1"=="x" docker run --rm echoed:2)
        ''')
    ws = run(text, "run.bat")
    assert [w.image.value for w in ws] == [f"img{n}:1" for n in range(1, 13)]
    assert [at(w.image) for w in ws][:3] == [(3, 19), (5, 19), (7, 34)]
    assert [w.text for w in ws[7].command.value] == ["${m}"]  # a `for` variable: an expansion
    assert ws[7].command.value[0].dynamic


def test_justfile_recipes_are_read_as_just_runs_them():
    """just pastes `{{ name }}` in before `sh -cu` runs each recipe line (just.systems manual: "Variables and
    Substitution"); `NAME := "string"` is known, any other expression is not; lines outside recipes
    (settings, assignments, comments) run nothing; `@`/`-` before a line are just's, not the shell's."""
    text = textwrap.dedent("""\
        set dotenv-load
        export image := "ghcr.io/acme/llm:2.1"
        port := env_var_or_default("PORT", "8000")
        docker-flags := '--gpus all --ipc=host'

        # docker run --privileged in a comment
        serve model="m":
            @echo "{{{{literal}}"
            docker run -d {{docker-flags}} -p {{port}}:8000 {{ image }} --model {{model}}

        debug: serve
            -docker run --rm --privileged \\
              {{image}} bash
        """)
    serve, debug = run(text, "justfile")
    assert serve.image.value == "ghcr.io/acme/llm:2.1" and at(serve.image) == (9, 53)
    assert [p.spec for p in serve.ports] == ["${port}:8000"]  # an expression: not known here
    assert serve.host_ipc.value is True  # from `docker-flags`
    assert debug.privileged.value is True and at(debug.privileged) == (12, 22) and debug.image.loc.line == 13


def test_taskfile_commands_are_read_with_their_vars():
    """go-task pastes `{{.NAME}}` from the task's `vars:` over the file's before its shell runs a `cmds` line
    (taskfile.dev, "Schema Reference"); `cmd:` entries are lines too, `task:` entries call another task; a
    `sh:` (dynamic) variable is not known. A Taskfile's tasks are a developer's, not a CI job's."""
    from glmlint.context import MAIN, role

    text = textwrap.dedent("""\
        version: '3'
        vars:
          IMAGE: ghcr.io/acme/llm:2.1
          TAG: {sh: git rev-parse --short HEAD}
        tasks:
          serve:
            cmds:
              - docker run -d --privileged {{.IMAGE}}
              - task: shell
          shell:
            vars: {IMAGE: 'ubuntu:24.04'}
            cmds:
              - cmd: docker run --rm -it ghcr.io/acme/tools:{{.TAG}} bash
              - |
                docker run --rm \\
                  {{.IMAGE}} bash
        """)
    ws = run(text, "Taskfile.yml")
    assert [w.image.value for w in ws] == ["ghcr.io/acme/llm:2.1", "ghcr.io/acme/tools:${TAG}", "ubuntu:24.04"]
    assert at(ws[0].privileged) == (8, 23) and at(ws[2].image) == (16, 11)
    assert role("Taskfile.yml", Format.DOCKER_RUN) == MAIN


def test_batch_file_variables_set_at_its_top_level_are_known():
    """cmd.exe: `set NAME=value` (to the line's end) and `set "NAME=value"` at the top level are known to the
    lines after, whatever the case of the reference; in an `if`, a block, or as `set /p` they are not."""
    bat = ('@echo off\r\nset IMAGE=ghcr.io/acme/llm:2.1\r\nset "FLAGS=--privileged --ipc=host"\r\n'
           'if "%1"=="cpu" set IMAGE=ghcr.io/acme/llm:2.1-cpu\r\nset /p TAG=Tag? \r\n'
           'docker run -d %FLAGS% %image%\r\ndocker run -d ghcr.io/acme/tools:%TAG%\r\n')
    first, second = run(bat, "start.bat")
    assert first.image.value == "${image}"  # set twice, once in an `if`: not known
    assert first.privileged.value is True and first.host_ipc.value is True
    assert second.image.value == "ghcr.io/acme/tools:${TAG}"
    known = run('@echo off\r\nset IMAGE=ghcr.io/acme/llm:2.1\r\ndocker run -d %Image%\r\n', "start.bat")
    assert [w.image.value for w in known] == ["ghcr.io/acme/llm:2.1"]


def test_systemd_unit_command_lines():
    """systemd.service(5): `ExecStart=` after its prefixes (`-`, `@`, `+`, `!`, ...), continued with a
    backslash, `${NAME}`/`$NAME` from `Environment=`; other keys run nothing."""
    unit = textwrap.dedent("""\
        [Service]
        Environment="IMAGE=ghcr.io/acme/llm:2.1" FLAGS=--privileged
        ExecStartPre=-/usr/bin/docker rm -f llm
        ExecStart=/usr/bin/docker run --rm --name llm $FLAGS \\
          ${IMAGE}
        ExecStop=/usr/bin/docker run --rm --privileged ghcr.io/acme/never:1
        Description=docker run --privileged x:1
        """)
    (w,) = run(unit, "llm.service")
    assert w.image.value == "ghcr.io/acme/llm:2.1" and w.privileged.value is True and at(w.image) == (5, 3)


def test_docker_build_args_as_a_partial_workload_of_the_build() -> None:
    """`docker build --build-arg NAME=value` (buildx, podman): the arguments it passes, nothing else."""
    from glmlint.parsers import parse

    text = ('docker buildx build --build-arg A=1 --build-arg=B="${B:-x}" --build-arg C --build-arg D="$D" '
            '-t app:1 .\npodman build -t other .\n')
    (w,) = parse("build.sh", text, "docker-run").workloads
    assert w.partial and w.label == "image `app:1` (`docker build`)" and not w.ports and w.image.value is None
    assert [(a.name, a.value, a.dynamic, a.loc.col) for a in w.build_args] == [
        ("A", "1", False, 33), ("B", "x", False, 37), ("C", None, False, 73), ("D", "$D", True, 87)]


@pytest.mark.parametrize("head, publish, reported", [
    ("", '"${BIND}:11434:11434"', True),  # BIND unset: `:11434:11434`, every interface
    ("set -e\n", '"${BIND}:11434:11434"', True),
    ("set -eo pipefail\n", '"${BIND}:11434:11434"', True),
    # nounset: the shell stops at `${BIND}` ("BIND: unbound variable"); docker never runs with it empty
    ("set -euo pipefail\n", '"${BIND}:11434:11434"', False),
    ("set -u\n", "${BIND}:11434:11434", False),
    ("set -o nounset\n", '"${BIND}:11434:11434"', False),
    ("set -e -o pipefail -o nounset\n", '"${BIND}:11434:11434"', False),
    ("#!/bin/bash -eu\n", '"${BIND}:11434:11434"', False),
    ("#!/usr/bin/env -S bash -euo pipefail\n", '"${BIND}:11434:11434"', False),
    # `${BIND:-}` expands under nounset too: empty, every interface
    ("set -euo pipefail\n", '"${BIND:-}:11434:11434"', True),
])
def test_an_unset_host_ip_variable_is_not_known_under_nounset(tmp_path: Path, head: str, publish: str,
                                                              reported: bool) -> None:
    report = lint(tmp_path, {"run.sh": head + f"docker run -d -p {publish} ollama/ollama:0.5.7\n"}, ["GLM017"])
    assert [r.code for r in report.results] == (["GLM017"] if reported else [])


def test_a_secret_passed_to_a_build_is_worded_as_passed_not_as_an_arg_default(tmp_path: Path) -> None:
    """`--build-arg NAME=value` and compose `build.args` pass a value to the build; only a Dockerfile `ARG`'s
    own value is a default (review A17 L2)."""
    token = "hf_AbCdEfGhIjKlMnOpQrStUvWxYz0123456789"
    report = lint(tmp_path, {
        "Dockerfile": f"FROM python:3.12-slim\nARG HF_TOKEN={token}\nUSER 1000\nCMD [\"python\"]\n",
        "build.sh": f"docker build --build-arg HF_TOKEN={token} -t app .\n",
        "compose.yaml": f"services:\n  app:\n    build:\n      context: .\n      args:\n        HF_TOKEN: {token}\n",
    }, ["GLM013"])
    messages = {r.path: r.message for r in report.results}
    assert messages["Dockerfile"] == "the build of the final stage gives `HF_TOKEN` a literal secret default"
    assert messages["build.sh"] == ("the build of image `app` (`docker build`) passes `HF_TOKEN` a literal secret "
                                    "(`--build-arg`): kept in the image's history and provenance")
    assert messages["compose.yaml"] == ("the build of service `app` passes `HF_TOKEN` a literal secret "
                                        "(`build.args`): kept in the image's history and provenance")


def test_a_placeholder_port_is_unknown_and_the_rest_of_the_command_is_read():
    """A `-p` holding a template's or the docs' placeholder is filled in before the line runs: only that
    port is unknown. Only a notebook's `!` line, which IPython leaves as written when a field cannot be
    read, reaches the CLI with the brace in it (refused: no container)."""
    script = one("""\
        docker run -d -p {{cookiecutter.port}}:8000 -p "{{ .HostIP }}:8888:8888" --privileged vllm/vllm-openai:v0.6.3
        """)
    assert script.privileged.value is True
    assert [(p.host_ip, p.host_port, p.container_port) for p in script.ports] == [
        (None, "{{cookiecutter.port}}", "8000"), ("{{ .HostIP }}", "8888", "8888")]
    readme = one("""\
        ```console
        $ docker run -p <host-port>:8000 -v <path to models>:/models --privileged vllm/vllm-openai:v0.6.3 --model <model> 2>&1 | tee <log-file>
        ```
        """, "README.md")
    assert readme.privileged.value is True and at(readme.privileged) == (2, 62)
    assert [p.spec for p in readme.ports] == ["<host-port>:8000"] and at(readme.ports[0]) == (2, 14)
    assert [m.source for m in readme.mounts] == ["<path to models>"]
    assert [w.text for w in readme.command.value] == ["--model", "<model>"]
    # a redirection is not a placeholder: `sort <in >out` reads `in`, the whole line runs
    assert [w.text for w in one("```bash\ndocker run --rm -i alpine:3.20 sort <in >out\n```\n",
                                "README.md").command.value] == ["sort"]
    notebook = '{"cells": [{"cell_type": "code", "source": ["!docker run -p {PORT}:8000 --privileged vllm/vllm-openai:v0.6.3"]}]}'
    assert run(notebook, "serve.ipynb") == []


def test_a_volume_whose_parts_touch_is_one_word_and_the_image_is_found(tmp_path: Path) -> None:
    """h2oGPT's docs/README_DOCKER.md runs vLLM with `-v "${HOME}"/.cache:$HOME/.cache/` (bash joins parts
    with no blank between them into one word): the image is vLLM's, on the host's network."""
    line = ('docker run --gpus all -u `id -u`:`id -g` -v "${HOME}"/.cache:$HOME/.cache/ --network host '
            'vllm/vllm-openai:latest --host=0.0.0.0 --trust-remote-code\n')
    w = one(line)
    assert w.image.value == "vllm/vllm-openai:latest"
    assert [(m.source, m.target, m.kind) for m in w.mounts] == [("${HOME}/.cache", "$HOME/.cache/", "bind")]
    assert {code for _, code, _ in found(lint(tmp_path, {"run.sh": line}))} >= {"GLM009", "GLM017", "GLM018"}
    # one switch away: a blank after the colon, so the image is `$HOME/.cache/` (a variable: nothing known)
    w = one(line.replace(".cache:$HOME", ".cache: $HOME"))
    assert w.image.value == "$HOME/.cache/"
    assert not {"GLM017", "GLM018"} & {code for _, code, _ in found(lint(tmp_path / "b", {"run.sh": line.replace(
        ".cache:$HOME", ".cache: $HOME")}))}


@pytest.mark.parametrize("spec, mount", [
    # the docker CLI's and compose-go's volume spec: a one-letter part's colon is a Windows drive's
    (r"C:\data\.env:/app/server/.env", (r"C:\data\.env", "/app/server/.env", "bind", False)),
    (r"C:\data:C:\app:ro", (r"C:\data", r"C:\app", "bind", True)),
    # PowerShell's `$env:NAME` is one variable reference
    (r"$env:STORAGE_LOCATION\.env:/app/server/.env", (r"$env:STORAGE_LOCATION\.env", "/app/server/.env", "bind",
                                                     False)),
    (r"\\server\share:/data", (r"\\server\share", "/data", "bind", False)),
    # one switch away: two letters are a volume's name; `$env` alone (bash's `$env`) is the source
    ("cd:/data", ("cd", "/data", "volume", False)),
    ("$env:/data:ro", ("$env", "/data", "bind", True)),
    ("/srv/env:/app/server/.env", ("/srv/env", "/app/server/.env", "bind", False)),
])
def test_volume_specs_as_the_docker_cli_splits_them(spec: str, mount: tuple[str, str, str, bool]) -> None:
    from glmlint.parsers.compose import parse_volume

    m = parse_volume(spec, Loc(1, 1))
    assert (m.source, m.target, m.kind, m.read_only) == mount


@pytest.mark.parametrize(("arg", "source"), [
    ('"$env:DATA`:/data"', "$env:DATA"),  # a backtick in double quotes: the `:` alone
    ('"C:\\models`:/data"', "C:\\models"),
    ("$env:DATA`:/data", "$env:DATA"),  # outside quotes: the shell's backslash does the same
    ("'C:\\models:/data'", "C:\\models"),  # single quotes: every character itself, the backslash one
    ('"a``b`$c`"d:/data"', 'a`b$c"d'),  # in double quotes the backtick escapes itself, `$` and `"`
    ("'a`b:/data'", "a`b"),  # a backtick in single quotes is itself
    # formats23: a special sequence is its character, inside double quotes and out (tokenizer.cs `Backtick` for
    # expandable strings and generic tokens); one switch away, `` `q `` is the letter and `` `t `` in single quotes
    # two characters
    ('"C:\\models`t:/data"', "C:\\models\t"),
    ("C:\\models`t:/data", "C:\\models\t"),
    ('"a`u{1F600}b`0:/data"', "a\U0001F600b\0"),
    ('"a`qb:/data"', "aqb"),
    ("'a`tb:/data'", "a`tb"),
])
def test_powershell_quoting_as_powershell_reads_it(arg: str, source: str) -> None:
    """PowerShell's escape sequences are read outside single quotes, where a backtick before any other
    character is that character (about_Special_Characters, MicrosoftDocs/PowerShell-Docs 12534463
    reference/7.4/Microsoft.PowerShell.Core/About/about_Special_Characters.md); inside single quotes every
    character is itself. The shell's backslash kept a `\\` before the `:` inside double quotes."""
    w = one(f"```powershell\ndocker run -d -v {arg} ubuntu:24.04\n```\n", "README.md")
    assert [(m.source, m.target) for m in w.mounts] == [(source, "/data")]


def test_a_windows_host_path_in_a_powershell_block(tmp_path: Path) -> None:
    """AnythingLLM's docker/HOW_TO_USE_DOCKER.md mounts its `.env` (which holds AUTH_TOKEN) from a Windows
    path in its PowerShell block: the mount is at /app/server/.env, as on Linux."""
    block = ("```powershell\ndocker run -d -p 3001:3001 `\n-v \"{src}:/app/server/.env\" `\n"
             "mintplexlabs/anythingllm;\n```\n")
    for src in (r"C:\anythingllm\.env", r"$env:STORAGE_LOCATION\.env", "/srv/anythingllm/.env"):
        w = one(block.format(src=src), "README.md")
        assert [(m.source, m.target) for m in w.mounts] == [(src, "/app/server/.env")]
        assert found(lint(tmp_path / str(len(src)), {"README.md": block.format(src=src)}, ["GLM017"])) == []
    # one switch away: the `.env` mounted elsewhere, the API is open
    other = block.format(src=r"C:\anythingllm\.env").replace("/app/server/.env", "/tmp/.env")
    assert [code for _, code, _ in found(lint(tmp_path / "o", {"README.md": other}, ["GLM017"]))] == ["GLM017"]


def test_a_variable_set_only_in_a_block_is_unknown_not_a_dollar() -> None:
    """field23 F23-1: a value the scan cannot read (NAME set in an `if`) leaves the word as written; the label said
    "container `$`". One switch away, the top-level assignment after a function whose lone `}` closes it is read."""
    w = one('#!/bin/bash\nif [ -n "$X" ]; then\n  NAME=a\nfi\ndocker run -d --name "$NAME" ubuntu:24.04 sleep 1\n')
    assert w.label.startswith("container `$NAME`")
    w = one('#!/bin/bash\nlog() {\n  echo "$@"\n}\nNAME=worker\ndocker run -d --name "$NAME" ubuntu:24.04 sleep 1\n')
    assert w.label.startswith("container `worker`")
