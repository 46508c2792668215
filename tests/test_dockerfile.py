from __future__ import annotations

import pytest

from glmlint.parsers import ParseError
from tests.helpers import one


def test_final_stage_only_runs():
    w = one("""\
        FROM python:3.12 AS build
        USER 1000
        FROM python:3.12-slim
        RUN pip install torch
        """)
    assert w.runs_as_root() is True
    assert not w.user.explicit
    assert w.anchor.line == 3 and w.anchor.col == 1


def test_from_stage_inherits_user_env_and_cmd():
    w = one("""\
        FROM nvidia/cuda:12.4.1-runtime-ubuntu22.04 AS base
        ENV APP=/srv
        USER 1001
        CMD ["python", "serve.py"]
        FROM base AS final
        RUN echo hi
        """)
    assert w.user.value.raw == "1001" and w.runs_as_root() is False
    assert w.user.loc.line == 3
    assert [c.words() for c in w.process][0] == ["python", "serve.py"]
    assert w.env[0].name == "APP"
    assert w.base_image == "nvidia/cuda:12.4.1-runtime-ubuntu22.04"


def test_arg_and_env_substitution_in_user():
    w = one("""\
        ARG BASE=ubuntu:22.04
        FROM ${BASE}
        ARG NB_UID=1000
        ARG NB_GID
        ENV HOME_USER=${NB_UID}
        USER ${HOME_USER}:${NB_GID:-100}
        """)
    assert w.user.value.raw == "1000:100"
    assert w.base_image == "ubuntu:22.04"


def test_global_arg_needs_redeclaring_in_stage():
    w = one("""\
        ARG UID=0
        FROM alpine
        USER ${UID}
        """)
    # UID is not redeclared in the stage: BuildKit leaves it empty, we leave it unresolved
    assert w.runs_as_root() is None
    w = one("""\
        ARG UID=0
        FROM alpine
        ARG UID
        USER ${UID}
        """)
    assert w.runs_as_root() is True


@pytest.mark.parametrize("spec,root", [("root", True), ("0", True), ("0:0", True), ("root:root", True),
                                       ("1000", False), ("app:app", False), ("65534", False)])
def test_user_forms(spec, root):
    assert one(f"FROM alpine\nUSER {spec}\n").runs_as_root() is root


def test_continuations_and_comments_inside():
    w = one("""\
        FROM ubuntu
        RUN apt-get update \\
            # a comment inside the continuation
            && apt-get install -y openssh-server \\

            && rm -rf /var/lib/apt/lists/*
        """)
    names = [c.name for c in w.build_steps]
    assert names == ["apt-get", "apt-get", "rm"]
    assert w.build_steps[1].loc.line == 4


def test_heredoc_run_body_is_a_script_not_instructions():
    w = one("""\
        # syntax=docker/dockerfile:1
        FROM ubuntu
        RUN <<EOF
        apt-get update
        USER root
        EOF
        USER 1000
        """)
    assert [c.words() for c in w.build_steps] == [["apt-get", "update"], ["USER", "root"]]
    assert w.build_steps[0].loc.line == 4
    assert w.user.value.raw == "1000"


def test_heredoc_with_command_and_copy_heredoc_write_files():
    w = one("""\
        FROM ubuntu
        RUN cat <<'EOT' > /etc/ssh/sshd_config.d/10-pw.conf
        PasswordAuthentication yes
        EOT
        COPY <<-EOF /etc/jupyter/jupyter_server_config.py
        \tc.ServerApp.token = ''
        \tEOF
        """)
    paths = {f.path: f.text for f in w.files}
    assert paths["/etc/ssh/sshd_config.d/10-pw.conf"] == "PasswordAuthentication yes\n"
    assert paths["/etc/jupyter/jupyter_server_config.py"] == "c.ServerApp.token = ''\n"


def test_several_heredocs_on_a_run_line_each_command_its_last():
    """BuildKit hands the line and the bodies to the shell: each command reads the last heredoc it
    names, a leading one included (`<<FILE2 cat > f2`); each command is located where it is written."""
    w = one("""\
        FROM ubuntu
        RUN <<FILE1 cat > /a && <<FILE2 cat > /b; chmod 600 /b && cat <<X <<Y >> /c
        one
        FILE1
        two
        FILE2
        x
        X
        y
        Y
        """)
    assert [(f.path, f.text, f.line_locs[0].line if f.line_locs else None) for f in w.files] == [
        ("/a", "one\n", 3), ("/b", "two\n", 5), ("/c", "y\n", 9)]
    assert [(c.words(), c.loc.line, c.loc.col) for c in w.build_steps] == [
        (["cat"], 2, 13), (["cat"], 2, 33), (["chmod", "600", "/b"], 2, 43), (["cat"], 2, 59)]
    assert [a.text for c in w.build_steps for r in c.redirects for a in (r.target,)] == ["/a", "/b", "/c"]
    w = one("""\
        FROM ubuntu
        RUN cat /proc/self/fd/5 /proc/self/fd/6 5<<FILE1 6<<FILE2 > /f
        one
        FILE1
        two
        FILE2
        """)
    assert not any(f.path == "/f" for f in w.files)  # other descriptors than stdin: not read this way


def test_several_heredocs_on_a_continued_run_line_are_read_in_order():
    """A RUN continued with `\\` is one line to BuildKit (heredocs found in the joined line, their
    bodies after its last row) and to the shell: the first command reads the first body."""
    w = one("""\
        FROM ubuntu
        RUN cat <<A > /a \\
         && <<B cat > /b \\
            && chmod 600 /b
        one
        A
        two
        B
        """)
    assert [(f.path, f.text, f.line_locs[0].line if f.line_locs else None) for f in w.files] == [
        ("/a", "one\n", 5), ("/b", "two\n", 7)]
    assert [(c.words(), c.loc.line, c.loc.col) for c in w.build_steps] == [
        (["cat"], 2, 5), (["cat"], 3, 9), (["chmod", "600", "/b"], 4, 8)]
    assert [(r.target.text, r.target.loc.line, r.target.loc.col) for c in w.build_steps for r in c.redirects] == [
        ("/a", 2, 15), ("/b", 3, 15)]


def test_unterminated_heredoc_is_a_parse_error():
    with pytest.raises(ParseError) as exc:
        one("FROM ubuntu\nRUN <<EOF\necho hi\n")
    assert exc.value.line == 2


def test_unknown_instruction_and_missing_from():
    with pytest.raises(ParseError, match="unknown instruction"):
        one("FROM ubuntu\nWRONG thing\n")
    with pytest.raises(ParseError, match="no FROM"):
        one("# just a comment\n")


def test_exec_and_shell_form():
    w = one('FROM x\nENTRYPOINT ["tini", "--"]\nCMD ["jupyter", "lab", "--ip=0.0.0.0"]\n')
    assert ["jupyter", "lab", "--ip=0.0.0.0"] in [c.words() for c in w.process]
    w = one("FROM x\nCMD exec jupyter lab --ip 0.0.0.0 --ServerApp.token=''\n")
    assert ["jupyter", "lab", "--ip", "0.0.0.0", "--ServerApp.token="] in [c.words() for c in w.process]


def test_entrypoint_resets_inherited_cmd():
    w = one("""\
        FROM x AS base
        CMD ["jupyter", "lab"]
        FROM base
        ENTRYPOINT ["python", "app.py"]
        """)
    assert [c.words() for c in w.process] == [["python", "app.py"]]


def test_escape_directive():
    w = one("# escape=`\nFROM mcr.microsoft.com/windows\nRUN echo a `\n  && echo b\nUSER ContainerUser\n")
    assert w.user.value.raw == "ContainerUser"


def test_run_mount_flags_are_not_the_command():
    w = one("FROM x\nRUN --mount=type=cache,target=/root/.cache pip install vllm\n")
    assert w.build_steps[0].words() == ["pip", "install", "vllm"]
    assert w.build_steps[0].loc.col == 44


def test_build_args_from_every_stage_and_substituted_env_is_dynamic():
    w = one("""\
        ARG BASE_TAG=12.4.1
        FROM nvidia/cuda:${BASE_TAG}-devel AS build
        ARG HF_TOKEN=hf_abc
        ARG NO_DEFAULT
        FROM python:3.12-slim
        ARG API_KEY=${UNSET_X}
        ENV TOKEN=$API_KEY PLAIN=literal
        """)
    assert [(v.name, v.value, v.dynamic, v.loc.line) for v in w.build_args] == [
        ("BASE_TAG", "12.4.1", False, 1), ("HF_TOKEN", "hf_abc", False, 3), ("NO_DEFAULT", None, False, 4),
        ("API_KEY", "${UNSET_X}", True, 6)]
    assert [(v.name, v.value, v.dynamic) for v in w.env] == [
        ("TOKEN", "${UNSET_X}", True), ("PLAIN", "literal", False)]


@pytest.mark.parametrize("text", ["FROM python:3.12\nENV\nCMD [\"python\"]\n", "FROM python:3.12\nUSER   \n"])
def test_an_instruction_without_arguments_is_an_error_as_in_buildkit(text: str) -> None:
    from glmlint.parsers.dockerfile import DockerfileError, parse

    with pytest.raises(DockerfileError, match="requires at least one argument") as exc:
        parse("Dockerfile", text)
    assert exc.value.line == 2


@pytest.mark.parametrize(("files", "select", "first", "last"), [
    # reviewA20 F5: a script a RUN runs, at the command that runs it (not the FROM), named as the scan finds it
    ({"f2/Dockerfile": "FROM nvidia/cuda:12.1.0-devel-ubuntu22.04\nWORKDIR /workspace\nCOPY . .\n"
                       "RUN chmod +x scripts/setup_user.sh && ./scripts/setup_user.sh\nUSER dev\n",
      "f2/scripts/setup_user.sh": "#!/bin/bash\nuseradd -m dev\necho 'dev ALL=(ALL) NOPASSWD:ALL' > /etc/sudoers.d/dev\n"},
     "GLM019", "f2/Dockerfile:4:39: high GLM019 ", "(in `f2/scripts/setup_user.sh:3`, a script a build step runs)"),
    # the script the CMD starts, at the CMD's word that names it
    ({"lab/Dockerfile": "FROM quay.io/jupyter/base-notebook:2024-10-07\n"
                        "COPY start-lab.sh /usr/local/bin/start-lab.sh\nENTRYPOINT [\"tini\", \"--\"]\n"
                        "CMD [\"start-lab.sh\"]\n",
      "lab/start-lab.sh": "#!/bin/bash\nexec jupyter lab --ip=0.0.0.0 --IdentityProvider.token=''\n"},
     "GLM005", "lab/Dockerfile:4:6: critical GLM005 ", "(in `lab/start-lab.sh:2`, the script it starts)"),
])
def test_a_script_finding_is_at_the_command_that_runs_it_naming_the_script_as_scanned(
        tmp_path, capsys, monkeypatch, files: dict, select: str, first: str, last: str) -> None:
    from tests.test_cli import run, write

    write(tmp_path, files)
    monkeypatch.chdir(tmp_path)
    _code, out, _err = run(["check", "--select", select, next(iter(files))], capsys)
    line = out.splitlines()[0]
    assert line.startswith(first)
    assert line.endswith(last)


@pytest.mark.parametrize(("flags", "binds"), [
    ("--mount=type=bind,source=scripts/setup.sh,target=/tmp/setup.sh", (("/tmp/setup.sh", "scripts/setup.sh"),)),
    ("--mount=src=./scripts,dst=tools", (("/opt/app/tools", "scripts"),)),  # bind is the default type
    ("--mount=Type=Bind,Destination=/src", (("/src", ""),)),  # keys case-insensitive; source: the context's root
    ('--mount="type=bind,source=${DIR},target=/s"', (("/s", "ops"),)),  # the build's variables expanded
    # anything else mounted over a path hides the image's files there (None: what it shows is not read; review A21 F1)
    ("--mount=type=cache,target=/root/.cache", (("/root/.cache", None),)),
    ("--mount=type=bind,from=builder,source=/out,target=/out", (("/out", None),)),  # another stage's, not the context's
    ("--mount=type=secret,id=hf,target=/run/secrets/hf", (("/run/secrets/hf", None),)),
    ("--mount=type=secret,id=hf", (("/run/secrets/hf", None),)),  # its default target
    ("--mount=type=tmpfs,target=tmp", (("/opt/app/tmp", None),)),
])
def test_context_binds_of_a_run(flags: str, binds: tuple) -> None:
    from glmlint.parsers.base import split_lines
    from glmlint.parsers.dockerfile import _context_binds, split_instructions

    inst = split_instructions(split_lines(f"RUN {flags} bash x.sh\n"))[0]
    assert _context_binds(inst, {"DIR": "ops"}, "/opt/app") == binds


def test_a_script_run_by_name_is_the_latest_copy_of_it_at_each_run(tmp_path) -> None:
    """A bare name is looked up again at each RUN: a copy made after an earlier lookup of the same path (in this
    stage, or in a stage built on it) replaces the script; one made where nothing was found before is found."""
    from glmlint.parsers.dockerfile import parse

    for name in ("a", "b", "c"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "setup.sh").write_text(f"#!/bin/sh\necho {name} > /etc/{name}\n")
    text = ("FROM debian AS base\nRUN setup.sh\nCOPY a/setup.sh /usr/local/bin/\nRUN setup.sh && setup.sh\n"
            "COPY b/setup.sh /usr/local/bin/\nRUN setup.sh\n"
            "FROM base\nRUN setup.sh\nCOPY c/ /usr/local/bin/\nRUN setup.sh\n")
    (tmp_path / "Dockerfile").write_text(text)
    workload = parse("Dockerfile", text, str(tmp_path / "Dockerfile")).workloads[0]
    ran = [(c.loc.file, c.argv[1].text) for c in workload.build_steps if c.name == "echo"]
    assert ran == [("a/setup.sh", "a"), ("a/setup.sh", "a"), ("b/setup.sh", "b"), ("b/setup.sh", "b"),
                   ("c/setup.sh", "c")]


def test_a_script_under_a_copied_directory_is_read_from_the_context_that_has_the_directory(tmp_path) -> None:
    """The build context is the Dockerfile's directory or a parent (up to the repository's root): a copied name
    that is a file in the nearer one and a directory in the farther one is looked into in the farther one, also
    after a name under it was missing there."""
    from glmlint.parsers.dockerfile import parse

    (tmp_path / ".git").mkdir()
    (tmp_path / "tools").mkdir()
    (tmp_path / "tools" / "setup.sh").write_text("#!/bin/sh\necho set up\n")
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "tools").write_text("not a directory\n")
    text = "FROM debian\nCOPY tools /usr/local/bin/\nRUN other.sh\nRUN setup.sh\n"
    (tmp_path / "app" / "Dockerfile").write_text(text)
    workload = parse("app/Dockerfile", text, str(tmp_path / "app" / "Dockerfile")).workloads[0]
    assert [(c.loc.file, c.argv[1].text) for c in workload.build_steps if c.name == "echo"] == [("tools/setup.sh", "set")]


@pytest.mark.parametrize(("text", "directory"), [
    # the build's variables expanded (AbdBarho/stable-diffusion-webui-docker services/comfy: `${ROOT}`)
    ("FROM python:3.10\nENV ROOT=/stable-diffusion\nRUN git clone https://github.com/comfyanonymous/ComfyUI.git ${ROOT}\n",
     "/stable-diffusion"),
    # a relative directory from the WORKDIR, then from a `cd` before it
    ("FROM python:3.10\nWORKDIR /opt\nRUN git clone https://x/y/ComfyUI.git comfy\n", "/opt/comfy"),
    ("FROM python:3.10\nRUN cd /srv && git clone --depth 1 https://x/y/ComfyUI.git ./ui/\n", "/srv/ui"),
    # a variable the build does not set: as written
    ("FROM python:3.10\nRUN git clone https://x/y/ComfyUI.git $DEST\n", "$DEST"),
])
def test_a_clone_directory_is_read_as_the_shell_hands_it_over(text, directory):
    w = one(text)
    clone = next(c for c in w.build_steps if c.name == "git")
    assert clone.argv[-1].text == directory
