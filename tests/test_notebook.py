"""Jupyter notebooks -> the `docker run` lines their shell lines start (IPython's `!` and `%%bash`)."""
from __future__ import annotations

import json

from glmlint.ir import Loc
from glmlint.parsers import detect, parse


def workloads(cells: list[dict[str, object]]):  # type: ignore[no-untyped-def]
    text = json.dumps({"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}, indent=1)
    assert detect("run.ipynb", "run.ipynb") == "docker-run"
    source = parse("run.ipynb", text, "docker-run")
    return text, [] if source is None else source.workloads


def code(*lines: str) -> dict[str, object]:
    return {"cell_type": "code", "metadata": {}, "outputs": [], "source": list(lines)}


def test_bang_lines_continuations_assignments_and_shell_cells_each_located_in_the_json() -> None:
    text, ws = workloads([
        {"cell_type": "markdown", "metadata": {}, "source": ["!docker run --privileged md:1\n"]},
        code('!docker run --name "a b" -p 80:80 \\\n', "   web:1\n"),
        code("out = !docker run --privileged priv:1\n", "!!podman run --cap-add SYS_ADMIN cap:1\n"),
        code("%%script bash\n", "docker run -v /:/host host:1\n"),
        code("# !docker run --privileged commented:1\n", "x = 1 if y != 2 else 3\n"),
    ])
    assert [w.image.value for w in ws] == ["web:1", "priv:1", "cap:1", "host:1"]
    web = ws[0]
    assert web.name == "a b" and [(p.host_port, p.container_port) for p in web.ports] == [("80", "80")]
    line = text.splitlines().index('    "!docker run --name \\"a b\\" -p 80:80 \\\\\\n",') + 1
    assert web.ports[0].loc == Loc(line, text.splitlines()[line - 1].index("-p") + 1)  # past the `\"` escapes
    assert web.image.loc.line == line + 1
    assert ws[1].privileged.value and [i.value for i in ws[2].cap_add.value] == ["SYS_ADMIN"]
    assert [m.source for m in ws[3].mounts] == ["/"]


def test_not_a_notebook_or_no_container_cli_reads_nothing() -> None:
    assert parse("x.ipynb", "{not json", "docker-run") is None
    assert parse("x.ipynb", '{"cells": []}', "docker-run") is None  # no docker/podman word: not parsed
    _text, ws = workloads([code("import docker_helpers\n", "print('podman')\n")])
    assert ws == []


def test_python_cells_read_as_one_module_magics_inert_and_a_non_python_cell_left_out() -> None:
    text, ws = workloads([
        code("%pip install docker\n", "import docker, subprocess\n", 'IMAGE = "vllm/vllm-openai:v0.6.3"\n'),
        code("client = docker.from_env()\n", 'client.containers.run(IMAGE, ports={"8000/tcp": 8000})\n'),
        code("client?\n"),
        code("%%time\n", 'subprocess.run(["docker", "run", "--privileged", "priv:1"])\n'),
        code("%%writefile launch.py\n", 'subprocess.run(["docker", "run", "--privileged", "written:1"])\n'),
    ])
    assert [w.image.value for w in ws] == ["vllm/vllm-openai:v0.6.3", "priv:1"]
    rows = text.splitlines()
    line = next(n for n, row in enumerate(rows, 1) if "client.containers.run" in row)
    assert ws[0].ports[0].loc == Loc(line, rows[line - 1].index('\\"8000/tcp') + 1)  # at the key's quote
    assert ws[1].privileged.value


def test_bang_lines_of_a_cell_another_program_runs_are_not_run_and_values_do_not_cross_bang_lines() -> None:
    """A `%%writefile`/`%%html`/`%%python` cell's body is a file's text, HTML or another interpreter's script:
    its `!` lines are not run; `%%capture` and `%%time` run their body in IPython (`run_cell`,
    `transform_cell`: IPython 8 core/magics/execution.py), `!` lines included. Each `!` line is its own shell:
    what one sets is not known in the next (review A17 L3)."""
    _text, ws = workloads([
        code("%%writefile run.sh\n", "!docker run --privileged written:1\n"),
        code("%%html\n", "!docker run --privileged html:1\n"),
        code("%%python\n", "!docker run --privileged python:1\n"),
        code("%%capture\n", "!docker run --privileged captured:1\n"),
        code("%%time\n", "!docker run --privileged timed:1\n"),
        code("!IMG=vllm/vllm-openai:v0.6.3\n", "!docker run --privileged $IMG\n"),
    ])
    assert [w.image.value for w in ws] == ["captured:1", "timed:1", "$IMG"]


def test_bang_lines_get_the_python_values_ipython_expands() -> None:
    """IPython's `var_expand` (DollarFormatter, IPython 7f0ee556) replaces `{expr}` and `$name` (not inside
    single quotes) with Python values before the shell runs a `!` line, and leaves the whole line as
    written when a field fails (a name no cell binds: `$HOME`). A name the notebook binds once, at its top
    level, to a string, before the line, is that string; any other value is not known (a dynamic word)."""
    text, ws = workloads([
        code('IMAGE = "ollama/ollama:0.5.7"\n', 'PORT = "11434"\n', 'TAG = "a:1"\n'),
        code("!docker run -d -p {PORT}:11434 -e 'NOTE=$IMAGE' $IMAGE\n"),
        code("!docker run -d -v $HOME/models:/models {IMAGE}\n"),
        code("!docker run --privileged {TAG}\n", 'TAG = "b:2"\n'),
        code("!docker run --privileged {LATER}\n", 'LATER = "later:1"\n'),
        code("%%bash\n", "docker run --cap-add SYS_ADMIN $IMAGE\n"),
    ])
    assert [w.image.value for w in ws] == ["ollama/ollama:0.5.7", "${TAG}", "${LATER}", "$IMAGE"]
    serve = ws[0]
    assert [(p.host_port, p.container_port) for p in serve.ports] == [("11434", "11434")]
    assert [(e.name, e.value) for e in serve.env] == [("NOTE", "$IMAGE")]  # single-quoted: not expanded
    rows = text.splitlines()
    line = next(n for n, row in enumerate(rows, 1) if "{PORT}" in row)
    assert serve.image.loc == Loc(line, rows[line - 1].index("$IMAGE\\n") + 1)
    assert serve.ports[0].loc == Loc(line, rows[line - 1].index("-p") + 1)
    assert ws[1].privileged.value and ws[2].privileged.value
