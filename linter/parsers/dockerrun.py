"""`docker run` command lines -> IR: one workload per `docker run`/`create` a file holds.

Teams write a container's security settings as flags as often as in YAML. The
command lines are found in shell scripts (`*.sh`, `*.bash`, Slurm batch scripts `*.sbatch`,
`*.slurm`; Windows batch files `*.bat`, `*.cmd`, read as cmd.exe reads them, the CLI's name in any case, with
`.exe` or a path, as cmd.exe and PowerShell find it: `_windows_program`), Makefile recipes (`Makefile`,
`*.mk`), justfile recipes (`justfile`, `.justfile`, `*.just`: `{{ name }}` read as make's `$(NAME)`), go-task
Taskfiles' `cmds` (`{{.NAME}}` from their `vars:`), systemd units' `ExecStart=` lines (`*.service`, with
their `Environment=`), Markdown fenced `bash`/`sh`/`shell`/`console` blocks (and
blocks with no language and indented code blocks whose first word is the container CLI: `docker run ...`;
`powershell`/`pwsh` blocks, their backtick escapes written as the shell's backslash; cmd.exe's `cmd`/`bat`
blocks, their caret escapes so and `%NAME%` as a variable), GitHub workflow `run:` steps and
GitLab CI jobs' `script:` lines, parsed with the shell parser (`glmlint.shell`),
and each `docker|podman|nerdctl|nvidia-docker [container] run|create` (the CLI
also named by a variable: `$(DOCKER) run`, `${CONTAINER_ENGINE:-podman} run`; a Makefile's recipes
are read when one names such a variable, which its assignment names: `ENGINE ?= podman`) is read
the way the Docker CLI reads it: options up to the first positional word (the
image, or the word after `--`), every `--flag=value`/`--flag value`/`-fvalue`
form and combined short flags (`-itp 80:80`), then the container's command.
A command `ssh` runs on another host (`ssh gpu-box "docker run ..."`, `ssh host <<EOF`) is read
too (`glmlint.shell.remote`): a container started there is started all the same; the file's variables
are read in it only where the local shell expands them (double quotes, unquoted words).
A `docker run --network NET` on networks the file made with `docker network create --internal NET`
only publishes no port (`_internal_networks`), as a compose service on `internal: true` networks,
unless the file then connects it (`docker network connect NET NAME`) to a network that is not internal.
`docker compose run [OPTIONS] SERVICE` (`docker-compose run`, `$(DOCKER) compose run`, and a variable
the file sets once to `docker compose`, with the global options a variable gives: `$(DOCKER_COMPOSE)
$(COMPOSE_FILES) run`; one named for Compose, `$(DOCKER_COMPOSE)`, when its value is not known) is a partial workload: the service
as Compose loads it (its `-f` files, else `COMPOSE_FILE` of the `.env`, else the default file in the
command's directory or above with its override, merged in order; `_linked_service`), with what the run's
own flags (`--cap-add`, `-v`, `-p`, `-u`, `-e`, `--entrypoint`, a command) change (`_over_service`), each value from the compose file
located there (a finding about it is that file's, reported once); with no compose file found, only
what its flags add (`_lift_compose_run`).
`docker service create [OPTIONS] IMAGE` (a Swarm service) is read with its own options, those that set
what `docker run`'s do (`_SERVICE_AS_RUN`), as a partial workload without fixes (`_lift_service`).
A `create` counts only when the file also starts a container (`docker start`):
`docker create` + `docker cp` + `docker rm` copies files out of an image and
runs nothing. `$(...)` and variables stay as written (the word is `dynamic`), except an option
value the shell reads as `${VAR:-default}`/`${VAR-default}`: that is its default,
as when `VAR` is unset (the finding says so), and the options, the image word and the command's
words (those that stay one word without blanks), read with
the variables the file sets once to a value known there (a script's top-level `IMAGE=x:1` or
`GPU_FLAGS="--gpus all --ipc=host"`, outside any `if`/loop/function; make's `IMAGE ?= x:latest`
or `DOCKER_FLAGS := --rm --privileged`, outside `ifeq`/`ifdef`; a batch file's top-level `set IMAGE=x:1`,
read as `%Image%` in any case; a justfile's `image := "x:1"`; a Taskfile's `vars:`; a workflow's, job's and step's
`env:` for a `run:` step; a default the finding names):
make pastes `$(DOCKER_FLAGS)` in before the shell runs the recipe, and the shell splits an
unquoted `$GPU_FLAGS` into words, so such a variable gives options, located at the variable and
written there, where no fix edits them; a bash array set once at a script's top level
(`DOCKER_ARGS=(--gpus all --ipc=host)`, on one line or more, never appended to) gives its elements
to `"${DOCKER_ARGS[@]}"` so. The names `docker build -t $(IMAGE)` gives are read so too.

Locations are exact in the original file: a snippet (a Markdown block with its
`$ ` prompts removed, a recipe with make's `$$` unescaped, a YAML `run: |`
block) is handed to the shell parser with a map from each of its characters
back to the file. A setting's `path` is `("flag", i)`: `i` indexes the docker
command's words (0 is `docker`), the flag's value is in that word (`--user=0`,
`-u0`) or in word `i + 1`. Absent settings have no path; a flag that adds them
goes before the image word (`workload.image`, path `("flag", i)` too). Which flag sets which
field is `glmlint.fields.DOCKER_RUN`, the table the fixer reads too.
"""
from __future__ import annotations

import os
import posixpath
import re
from collections.abc import Callable, Iterator
from typing import Any

from glmlint.fields import BOOL, DOCKER_RUN, HOST, ITEMS, USER, Key, settings
from glmlint.ir import (IMAGE_REFERENCE, INSIDE_TEXT, JOINED_NETWORK, Command, EnvVar, Exposure, Format, ImageRef, Item,
                        Loc, Mount, ServicePort, Setting, SourceFile, User, Word, Workload, has_variable)
from glmlint.parsers.base import split_lines
from glmlint.parsers import yamlnodes as y

PROGRAMS = {"docker", "podman", "nerdctl", "nvidia-docker"}
MARKER = re.compile(r"docker|podman|nerdctl")  # the cheap test a file passes before it is parsed
# cmd.exe and PowerShell find a program whatever the case of its name (`DOCKER run`, `Docker.exe run`)
_WINDOWS_MARKER = re.compile(MARKER.pattern, re.I)
JOB_CONTAINER = re.compile(r"^[ \t]+(?:container|services):", re.M)  # a workflow job's containers
_VERBS = {"run", "create"}
_SHELL_FENCES = {"bash", "sh", "shell", "console", "zsh", "ksh", "shell-session", "shellsession",
                 "sh-session", "bash-session", "terminal"}
# PowerShell's fences (Pygments' PowerShellLexer and PowerShellSessionLexer aliases, pygments 2.20
# lexers/shell.py, which GitHub's linguist names alike): its escape character is the backtick, a
# backtick ending a line continues it, as `\` does in the shell; its session prompt is `PS C:\src> `
_POWERSHELL_FENCES = {"powershell", "pwsh", "posh", "ps1", "psm1", "pwsh-session", "ps1con"}
_PS_PROMPT = re.compile(r"^([ \t]*)(?:\[[^\]]+\]: )?PS[^>\n]*> ?()")
_PS_PS2 = re.compile(r"^[ \t]*>>? ")  # PowerShell's continuation prompt is `>> ` (Pygments reads `> `)
# cmd.exe's fences: GitHub linguist's Batchfile (aliases bat, batch, dosbatch, winbatch; files `.bat`,
# `.cmd`) and Pygments' BatchLexer (the same aliases) and MSDOSSessionLexer (`doscon`, prompt `...>`),
# and `cmd`, the name Microsoft's docs give their command-prompt blocks (pygments 2.21 lexers/shell.py). cmd.exe's escape character is
# the caret (outside double quotes); a caret ending a line continues the command on the next, where an
# interactive prompt shows `More? `; `%NAME%` expands a variable; `REM` and `::` lines are comments;
# `'`, `\`, `$`, `#`, `~` and the backtick are plain characters (Microsoft Learn, "cmd" and "rem")
_CMD_FENCES = {"cmd", "bat", "batch", "batchfile", "dosbatch", "winbatch", "doscon"}
# of those, the console sessions, whose lines may start with the interactive prompt: `doscon` (Pygments'
# MSDOSSessionLexer) and `cmd` (Microsoft's command-prompt blocks); a batch file's fence (BatchLexer) has no
# prompt, so its `C:\tools\nvidia-smi.exe -q > gpu-info.txt` is a command, not a prompt and its output
_CMD_CONSOLES = {"cmd", "doscon"}
# the prompt: the working directory and `>` (`C:\src\llm>`, a conda environment's `(base) C:\Users\me>`),
# right after the directory's name, which never ends in a blank (Win32 drops trailing spaces from a name:
# learn.microsoft.com, "Naming Files, Paths, and Namespaces"): `C:\tools\x.exe -q > out.txt` is a command
_CMD_PROMPT = re.compile(r"^([ \t]*)(?:\([\w.-]+\)[ \t]*)?[A-Za-z]:\\(?:[^>\n]*[^>\s])?>[ \t]?()")
# a `doscon` block's, as Pygments' MSDOSSessionLexer reads it (2.20, `_ps1rgx`): the text through the first
# `>`, which GitHub's and the docs sites' highlighters show as the prompt, the rest of the block as output
_DOSCON_PROMPT = re.compile(r"^([ \t]*)(?:\([\w.-]+\)[ \t]*)?[A-Za-z]:\\[^>\n]*>[ \t]?()")
_CMD_PS2 = re.compile(r"^[ \t]*More\? ")
_CMD_COMMENT = re.compile(r"^[ \t]*@?(?:(?i:rem)(?:[ \t]|$)|::)")
_CMD_FOR_VARIABLE = re.compile(r"%%(?:~[fdpnxsatz]*)?([A-Za-z])")  # a batch file's `for` variable, `%%~nxi`
_CMD_VARIABLE = re.compile(r"%(?:([A-Za-z_][A-Za-z0-9_]*)(?::[^%\n]*)?%|~?[a-z]*([0-9*]))")
_FENCE = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,})[ \t]*\{?\.?(?P<lang>[A-Za-z0-9_+-]*)")
# a shell session's prompt (`$ `; `user@host:~/src$ `, `[root@gpu01 ~]# `, `(venv) $ `: the forms
# Pygments' shell-session lexer, which GitHub highlights `console` blocks with, reads as a prompt;
# a bare `# ` is a comment, and so is `[ -z "$GPU" ] # …`: a bracketed prompt names `user@host`)
_PROMPT = re.compile(r"^([ \t]*)(?:\([\w.-]+\)[ \t]*)?(?:(?:[\w.-]+@[\w.-]+(?::[^\s$#%]*)?|\[[^\]\n@]*@[^\]\n]*\])[ \t]*[$#%]|\$)( |$)")
_PS2 = re.compile(r"^[ \t]*> ")
_GHA_EXPR = re.compile(r"\$\{\{.*?\}\}")
_EXPANSION = re.compile(r"^\$(?:\{([A-Za-z_][A-Za-z0-9_]*)(?:\[[@*]\])?\}|([@*])|\(([A-Za-z_][A-Za-z0-9_]*)\)|([A-Za-z_][A-Za-z0-9_]*))$")
_INTERPRETER = re.compile(r"^(?:python[0-9.]*|node|perl|ruby|Rscript)$")
_ALTERNATE_OPTION = re.compile(r"^\$\{[A-Za-z_][A-Za-z0-9_]*:?\+-")
_OPTION_VAR = re.compile(r"OPT|ARGS?(?:_|$)|(?:^|_)ARG|FLAG|PARAM|EXTRA|^[@*]$", re.I)  # ARG: not TARGET, LARGE
# A variable that names the container CLI a Makefile or script runs (`DOCKER ?= docker` then
# `$(DOCKER) run`, `${CONTAINER_ENGINE:-podman} run`): the program word as an expansion of it.
# Names of other tools that take a `run` verb (`$(DOCKER_COMPOSE) run svc`) are not.
_PROGRAM_VAR = re.compile(r"^(?:SUDO_)?(?:DOCKER|PODMAN|NERDCTL|CONTAINER_(?:ENGINE|RUNTIME|CLI|TOOL|CMD|BIN)|"
                          r"DOCKER_(?:CMD|CLI|BIN|EXE)|OCI_(?:ENGINE|BIN|CLI)|ENGINE)$", re.I)
_PROGRAM_WORD = re.compile(r"^\$(?:\(([A-Za-z_][A-Za-z0-9_]*)\)|\{([A-Za-z_][A-Za-z0-9_]*)(?::?-([A-Za-z0-9_./-]*))?\}|"
                           r"([A-Za-z_][A-Za-z0-9_]*))$")

# Options of the docker/podman/nerdctl CLI that take a value. Anything else is a
# boolean (`--rm`, `--privileged`, `-it`): its value, if any, follows `=`.
_VALUE_LONG = frozenset("""
add-host annotation arch attach authfile blkio-weight blkio-weight-device cap-add cap-drop
cgroup-conf cgroup-parent cgroupns cgroups chrootdirs cidfile conmon-pidfile cpu-count cpu-percent
cpu-period cpu-quota cpu-rt-period cpu-rt-runtime cpu-shares cpus cpuset-cpus cpuset-mems creds
decryption-key detach-keys device device-cgroup-rule device-read-bps device-read-iops
device-write-bps device-write-iops dns dns-opt dns-option dns-search domainname entrypoint env
env-file expose gidmap gpus group-add group-entry health-cmd health-interval health-on-failure
health-retries health-start-interval health-start-period health-startup-cmd health-startup-interval
health-startup-retries health-startup-success health-startup-timeout health-timeout hostname
hostuser image-volume init-path io-maxbandwidth io-maxiops ip ip6 ipc isolation kernel-memory
label label-file link link-local-ip log-driver log-opt mac-address memory memory-reservation
memory-swap memory-swappiness mount name net net-alias network network-alias oom-score-adj os
passwd-entry personality pid pidfile pids-limit platform pod pod-id-file preserve-fd preserve-fds
publish pull rdt-class requires restart retry retry-delay runtime sdnotify seccomp-policy secret
security-opt shm-size shm-size-systemd stop-signal stop-timeout storage-opt subgidname subuidname
sysctl timeout tmpfs uidmap ulimit umask unsetenv user userns uts variant volume volume-driver
volumes-from workdir
""".split())
_SHORT = {"a": "attach", "c": "cpu-shares", "e": "env", "h": "hostname", "l": "label", "m": "memory",
          "p": "publish", "u": "user", "v": "volume", "w": "workdir", "d": "detach", "i": "interactive",
          "t": "tty", "P": "publish-all", "q": "quiet"}
_ALIASES = {"net": "network", "net-alias": "network-alias", "dns-opt": "dns-option"}
# Options of the program itself, before `run` (`docker --context prod run`, `podman --remote run`).
_GLOBAL_VALUE = {"-H", "--host", "-c", "--context", "--config", "-l", "--log-level", "--tlscacert",
                 "--tlscert", "--tlskey", "--connection", "--url", "--identity", "--root", "--runroot",
                 "--storage-driver", "--storage-opt", "--cgroup-manager", "--runtime", "--tmpdir",
                 "--namespace", "-n", "--address", "-a", "--cgroup-manager", "--events-backend"}
_IMAGE = IMAGE_REFERENCE  # [host[:port]/]path[:tag][@digest] (glmlint.ir)


def program(cmd: Command) -> str | None:
    """The container CLI `cmd` runs (`docker`, `podman`, ...), as written: its name, or an expansion
    of a variable that names it (`$(DOCKER)`, `$DOCKER`, `${DOCKER:-docker}`, `${ENGINE-podman}`:
    whatever it holds, the words after it are that CLI's); None for any other program."""
    name = cmd.name
    if name in PROGRAMS:
        return name
    if not cmd.argv or not cmd.argv[0].dynamic:
        return None
    m = _PROGRAM_WORD.match(cmd.argv[0].text)
    if m is None:
        return None
    var, default = m.group(1) or m.group(2) or m.group(4), m.group(3)
    if default:  # `${VAR:-docker}`: the default is the program when the variable is unset
        return cmd.argv[0].text if default.rsplit("/", 1)[-1] in PROGRAMS else None
    return cmd.argv[0].text if _PROGRAM_VAR.match(var) else None


# -- snippets: shell text with a map back to the file -----------------------------


class Snippet:
    """Shell text assembled from pieces of a file, each character located in it."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.cols: list[list[int]] = []  # per row: the 0-based file column of each character
        self.rows: list[int] = []  # per row: the 1-based file line
        self.restore: dict[str, str] = {}  # placeholder -> the text it stands for
        self.partial = False  # its commands are completed by options written elsewhere
        # variables the file sets once, to a value known here (make `IMAGE ?= x:latest`, a script's
        # top-level `IMAGE=x:latest`): name -> (value, a default whoever runs it may override)
        self.known: dict[str, tuple[str, bool]] = {}
        # bash arrays the file sets once at its top level (`DOCKER_ARGS=(--gpus all --ipc=host)`): name ->
        # its elements, which `"${DOCKER_ARGS[@]}"` gives as words
        self.arrays: dict[str, tuple[str, ...]] = {}
        self.make = False  # a Makefile's recipes: make's `$(NAME)` is written `${NAME}` in the text
        # a Makefile's recipe lines -> the names read there as the shell's (`$${NAME}`, not exported by
        # make) and as make's (`$(NAME)`): a command that reads a name only as the shell's does not
        # get it from `known` (`hidden`)
        self.shell_refs: dict[int, set[str]] = {}
        self.make_refs: dict[int, set[str]] = {}
        self.cmd_depth = 0  # cmd.exe: the `(` blocks open before the next line (`_add_cmd`)
        self.continued_cmd = False  # cmd.exe: the last line ended in `^`, the next goes on with its command
        self.windows = False  # run by cmd.exe or PowerShell: a program's name in any case, `.exe` optional
        self.script = False  # a whole shell script: a variable it never sets is the caller's, else unset
        # its text reaches the CLI as written, nothing rendered into it first (a notebook's `!` lines, after
        # IPython's own expansion): a placeholder left in a port (`{PORT}`) is passed on as it is
        self.as_run = False

    def hidden(self, first: int, last: int) -> set[str]:
        """The names the command on lines `first`..`last` reads only as the shell's: all its lines
        (a recipe line continued with `\\` is one command: the words cannot tell a name's `$${NAME}`
        from its `$(NAME)`, so one read both ways keeps make's value)."""
        lines = range(first, last + 1)
        shell = set().union(*(self.shell_refs.get(n, ()) for n in lines))
        return shell - set().union(*(self.make_refs.get(n, ()) for n in lines)) if shell else shell

    def add(self, line_no: int, text: str, cols: list[int] | int = 0) -> None:
        """A row of text from file line `line_no`; `cols` maps its characters (an int: an offset)."""
        self.lines.append(text)
        self.cols.append(list(range(cols, cols + len(text))) if isinstance(cols, int) else cols)
        self.rows.append(line_no)

    @property
    def text(self) -> str:
        return "\n".join(self.lines)

    def locate(self, row: int, col: int) -> Loc:
        row = min(row, len(self.rows) - 1)
        cols = self.cols[row]
        if col < len(cols):
            return Loc(self.rows[row], cols[col] + 1)
        return Loc(self.rows[row], (cols[-1] + 1 + col - len(cols) if cols else col) + 1)


def _blank(snip: Snippet, line_no: int) -> None:
    snip.add(line_no, "")


# A documentation placeholder in a command shown in Markdown (`-p <port>:8000`, `-v <path-to-models>:/models`,
# `<your model name>`): text the reader puts in before running the line, not the shell's redirections it
# would be if run as written (`<` followed at once by a letter, words of letters, digits, `_`, `.`, `-`, `/`
# with single blanks between them, then `>`: `sort <in >out` and `2>&1` are not such)
_DOCS_PLACEHOLDER = re.compile(r"<[A-Za-z][\w./-]*(?: [\w./-]+)*>")
# A template's placeholder written with blanks inside its braces, as Jinja, cookiecutter and Go templates are
# usually written (`-p {{ cookiecutter.port }}:8000`, `{{ .Port }}`): the template engine fills it in before
# the script runs, so it is one value, not the words `{{`, `cookiecutter.port`, `}}:8000` the shell would read
# (the `-p` would take `{{` and the image be read as `cookiecutter.port`). One written without blanks is one
# word already. (review A20 F2)
_TEMPLATE_PLACEHOLDER = re.compile(r"\{\{(?=[^{}\n]*\s)[^{}\n]*\}\}")
_DOCS_OR_TEMPLATE = re.compile(f"{_DOCS_PLACEHOLDER.pattern}|{_TEMPLATE_PLACEHOLDER.pattern}")


def _add_docs(snip: Snippet, line_no: int, text: str, at: int,
              placeholder: re.Pattern[str] = _DOCS_OR_TEMPLATE) -> None:
    """A row of a Markdown shell block with each documentation placeholder (`_DOCS_PLACEHOLDER`) or
    template placeholder (`_TEMPLATE_PLACEHOLDER`; a script's rows: that one only) one value the reader
    or the template fills in: a word the shell reads as an expansion, given back as written by `lift`
    (`Snippet.restore`), so the rest of the command is read and only that value is unknown."""
    if "<" not in text and "{{" not in text:
        snip.add(line_no, text, at)
        return
    chars: list[str] = []
    cols: list[int] = []
    pos = 0
    for m in placeholder.finditer(text):
        chars.extend(text[pos:m.start()])
        cols.extend(range(at + pos, at + m.start()))
        key = f"${{__doc{len(snip.restore)}__}}"
        snip.restore[key] = m.group(0)
        chars.extend(key)
        cols.extend([at + m.start()] * len(key))
        pos = m.end()
    chars.extend(text[pos:])
    cols.extend(range(at + pos, at + len(text)))
    snip.add(line_no, "".join(chars), cols)


def markdown(text: str) -> list[Snippet]:
    """The shell fenced blocks of a Markdown file (a shell language, or none and a container CLI command
    line first: `_runs_container_cli`), and its indented code blocks that start with such a line; not
    inside an HTML comment; prompts stripped, their output left out."""
    out: list[Snippet] = []
    lines = split_lines(text)
    i = 0
    while i < len(lines):
        if lines[i].lstrip(" ").startswith("<!--") and len(lines[i]) - len(lines[i].lstrip(" ")) < 4:
            # an HTML comment (CommonMark 4.6, HTML block of kind 2: through the line holding `-->`,
            # blank lines included) is not rendered: nothing in it is a code block
            while i < len(lines) and "-->" not in lines[i]:
                i += 1
            i += 1
            continue
        m = _FENCE.match(lines[i])
        if not m:
            end = _indented_block(lines, i)
            if end > i:
                if _runs_container_cli(lines[i:end]):
                    out.append(_learned(_shell_block(lines, i, end, 4)))
                i = end
            else:
                i += 1
            continue
        fence, indent = m.group("fence"), len(m.group("indent"))
        lang = m.group("lang").lower()
        body_start = i + 1
        j = body_start
        while j < len(lines):
            stripped = lines[j].strip()
            if stripped.startswith(fence[0] * len(fence)) and not stripped.strip(fence[0]):
                break
            j += 1
        if lang in _SHELL_FENCES or (not lang and _runs_container_cli(lines[body_start:j])):
            out.append(_learned(_shell_block(lines, body_start, j, indent)))
        elif lang in _POWERSHELL_FENCES:
            out.append(_shell_block(lines, body_start, j, indent, powershell=True))
        elif lang in _CMD_FENCES:
            out.append(_shell_block(lines, body_start, j, indent, cmd=True, prompts=lang in _CMD_CONSOLES,
                                    doscon=lang == "doscon"))
        i = j + 1
    return out


def _learned(snip: Snippet) -> Snippet:
    """A Markdown shell block with the variables its lines set once at its top level (`export
    GRADIO_SERVER_PORT=7860` above `docker run -p $GRADIO_SERVER_PORT:7860`, as h2oGPT's README_DOCKER.md
    writes it): who copies the block runs them in that order, as a script's (`shell_script`). Another
    block's are not read: a reader may run one without the other."""
    if "=" in snip.text:
        _learn(snip, snip.lines)
    return snip


# the first word of a block that is a command line of the container CLI (`docker run ...`,
# `$ sudo nvidia-docker run ...`): not `docker:` (the CLI's own error output), not prose
_CLI_FIRST = re.compile(r"[ \t]*(?:sudo[ \t]+(?:-E[ \t]+)?)?(?:docker|podman|nerdctl|nvidia-docker)(?:[ \t]|$)")


def _indented_block(lines: list[str], i: int) -> int:
    """The end of the indented code block that starts at line `i` (CommonMark 4.4: lines indented by
    four columns or more, after a blank line, the start, an ATX heading or a thematic break, where
    no paragraph goes on (a paragraph's next line continues it); blank lines inside it), or `i`
    when none starts there."""
    if not _INDENTED.match(lines[i]) or (i and lines[i - 1].strip() and not _ENDS_PARAGRAPH.match(lines[i - 1])):
        return i
    end = i
    j = i
    while j < len(lines) and (not lines[j].strip() or _INDENTED.match(lines[j])):
        j += 1
        if lines[j - 1].strip():
            end = j
    return end


_INDENTED = re.compile(r"^(?: {4}|\t| {1,3}\t)[ \t]*\S")
# a line after which an indented line starts a code block although it is not blank: an ATX heading
# (CommonMark 4.2: a single line, no paragraph), a thematic break or a setext heading's `---`
# underline (4.1, 4.3: either way the paragraph has ended)
_ENDS_PARAGRAPH = re.compile(r"^ {0,3}(?:#{1,6}(?:[ \t].*)?|(?:-[ \t]*){3,}|(?:\*[ \t]*){3,}|(?:_[ \t]*){3,})$")


def _runs_container_cli(body: list[str]) -> bool:
    """Whether a fenced block with no language is shell: its first line that is not blank is a command
    line of the container CLI. A block with no language is plain text to a renderer (CommonMark:
    the info string only names the language); READMEs put commands in one as often as output, so
    it is read as a command only when its first word says so (the CLI's output starts otherwise:
    `docker: Error response from daemon`, `CONTAINER ID`, `Unable to find image`)."""
    first = next((line for line in body if line.strip()), "")
    prompt = _PROMPT.match(first)
    return _CLI_FIRST.match(first, prompt.end() if prompt else 0) is not None


def _shell_block(lines: list[str], start: int, end: int, indent: int, powershell: bool = False,
                 cmd: bool = False, prompts: bool = True, doscon: bool = False) -> Snippet:
    """A block's commands as shell text; `powershell`: a PowerShell block, its escape character (the
    backtick: a line continuation at the end of a line) written as the shell's `\\`, and its literal
    `\\` (a Windows path) doubled, so the shell reads the words PowerShell does; `cmd`: a cmd.exe
    block, read so too (`_add_cmd`); `prompts`: its lines may start with a prompt (a console session's);
    `doscon`: a cmd.exe session as Pygments reads one (`_DOSCON_PROMPT`)."""
    snip = Snippet()
    snip.windows = powershell or cmd
    body = lines[start:end]
    prompt = _PS_PROMPT if powershell else (_DOSCON_PROMPT if doscon else _CMD_PROMPT) if cmd else _PROMPT
    ps2_prompt = _PS_PS2 if powershell else _CMD_PS2 if cmd else _PS2
    add = _add_powershell if powershell else _add_cmd if cmd else _add_docs
    escape = "`" if powershell else "^" if cmd else "\\"
    prompted = prompts and any(prompt.match(line) for line in body)
    continued = False
    for k, line in enumerate(body):
        line_no = start + k + 1
        cut = min(indent, len(line) - len(line.lstrip(" \t")))
        m = prompt.match(line) if prompted else None
        if m:
            at = m.end()
            add(snip, line_no, line[at:], at)
        elif continued and prompted and (ps2 := ps2_prompt.match(line)):
            add(snip, line_no, line[ps2.end():], ps2.end())  # a `> ` continuation prompt
        elif not prompted or continued:
            add(snip, line_no, line[cut:], cut)
        else:
            _blank(snip, line_no)  # a command's output in a console transcript
            continued = False
            continue
        continued = line.rstrip().endswith(escape) and not (cmd and _CMD_COMMENT.match(line[m.end() if m else cut:]))
    return snip


def _ps_chars(text: str) -> list[str]:
    """Each character of a PowerShell line as the POSIX shell reader takes it, as PowerShell quotes it
    (about_Quoting_Rules, about_Special_Characters): outside quotes the backtick (its escape and line
    continuation) is the shell's backslash and a backslash (a plain character there) is doubled; inside
    double quotes a backtick escapes `$`, `"` and itself as the shell's backslash does there, and before
    any other character stands for that character alone (`"$env:DIR`:/data"`: the shell would keep a
    backslash before `:`), a backslash is doubled; inside single quotes every character is itself, as
    in the shell's. A special sequence (`` `n ``, `` `t ``, `` `u{1F600} ``), inside double quotes or out, is the
    character it stands for (PowerShell's tokenizer.cs `Backtick`, called for expandable strings and generic
    tokens alike), given to the shell as its `$'\\n'` (between double quotes: `"$'\\n'"`), which keeps the
    character in the word. (The quote state is the line's.)"""
    out: list[str] = []
    quote = ""
    k = 0
    while k < len(text):
        ch = text[k]
        nxt = text[k + 1] if k + 1 < len(text) else ""
        if quote == "'":
            out.append(ch)
            quote = "" if ch == "'" else quote
        elif ch == "`" and (nxt in _PS_SPECIAL or nxt == "u" and _PS_UNICODE.match(text, k + 2)):
            if nxt == "u":
                m = _PS_UNICODE.match(text, k + 2)
                assert m is not None
                code, width = int(m.group(1), 16), 2 + len(m.group(0))
                escape = f"\\U{code:08x}" if code <= 0x10FFFF else "u"
            else:
                escape, width = _PS_SPECIAL[nxt], 2
            shell = f"$'{escape}'"
            out.extend((f'"{shell}"' if quote else shell, *[""] * (width - 1)))
            k += width
            continue
        elif ch == "`" and nxt:
            if not quote or nxt in '$"`':
                out.extend(("\\", nxt))  # the shell's backslash escapes the next character as the backtick does
            else:
                out.extend(("", "\\\\" if nxt == "\\" else nxt))  # in double quotes: the character alone
            k += 2
            continue
        elif ch == "`":
            out.append("\\")  # a line continuation
        elif ch == "\\":
            out.append("\\\\")
        else:
            out.append(ch)
            if ch == '"':
                quote = "" if quote else '"'
            elif ch == "'" and not quote:
                quote = "'"
        k += 1
    return out


# PowerShell's special sequences (tokenizer.cs `Backtick`, PowerShell 16620338): the letter -> bash's ANSI-C
# escape for the same character; `` `u{XXXX} `` (one to six hex digits) a Unicode character
_PS_SPECIAL = {"0": "\\0", "a": "\\a", "b": "\\b", "e": "\\e", "f": "\\f", "n": "\\n", "r": "\\r",
               "t": "\\t", "v": "\\v"}
_PS_UNICODE = re.compile(r"\{([0-9A-Fa-f]{1,6})\}")


def _add_powershell(snip: Snippet, line_no: int, text: str, at: int) -> None:
    """A PowerShell line as the shell would read it (`_shell_block`), each character at its column."""
    out: list[str] = []
    cols: list[int] = []
    for k, shell in enumerate(_ps_chars(text)):
        out.append(shell)
        cols.extend([at + k] * len(shell))
    snip.add(line_no, "".join(out), cols)


# cmd.exe's compound commands (`if /?`, `for /?`, Microsoft Learn "if" and "for"): the head before the
# command they run, `(` that opens a block of commands over lines, `)` that closes it, `else`
_CMD_BLANK = " \t"
_CMD_IF_ONE = frozenset({"exist", "defined", "errorlevel", "cmdextversion"})  # `if [not] exist FILE command`
_CMD_COMPARE = frozenset({"equ", "neq", "lss", "leq", "gtr", "geq"})  # `if [/i] A EQU B command`


def _cmd_skip(text: str, k: int) -> int:
    while k < len(text) and text[k] in _CMD_BLANK:
        k += 1
    return k


def _cmd_token(text: str, k: int, stop: str = "") -> int:
    """The end of the cmd.exe token at `k`: up to a blank (or a character of `stop`) outside double quotes."""
    quoted = False
    while k < len(text):
        ch = text[k]
        if ch == '"':
            quoted = not quoted
        elif not quoted and (ch in _CMD_BLANK or ch in stop or (stop and text.startswith("==", k))):
            break
        elif ch == "^" and not quoted:
            k += 1
        k += 1
    return k


def _cmd_word(text: str, k: int) -> str:
    end = k
    while end < len(text) and (text[end].isalnum() or text[end] in "/"):
        end += 1
    return text[k:end].lower()


def _cmd_head(text: str, k: int) -> int | None:
    """The end of an `if`/`for ... do`/`else` head that starts at `k` (the command it runs follows), or
    None when none starts there. `IF [/I] [NOT] ERRORLEVEL n|EXIST file|DEFINED var|CMDEXTVERSION n
    command`, `IF [/I] [NOT] a==b command`, `IF [/I] a EQU|NEQ|LSS|LEQ|GTR|GEQ b command`;
    `FOR [/D|/R [path]|/L|/F ["options"]] %%v IN (set) DO command`."""
    word = _cmd_word(text, k)
    after = k + len(word)
    if word == "else" and (after == len(text) or text[after] in _CMD_BLANK + "("):
        return after
    if word not in ("if", "for") or after >= len(text) or text[after] not in _CMD_BLANK:
        return None
    k = _cmd_skip(text, after)
    if word == "if":
        if _cmd_word(text, k) == "/i":
            k = _cmd_skip(text, k + 2)
        if _cmd_word(text, k) == "not" and text[k + 3:k + 4] in tuple(_CMD_BLANK):
            k = _cmd_skip(text, k + 3)
        one = _cmd_word(text, k)
        if one in _CMD_IF_ONE and text[k + len(one):k + len(one) + 1] in tuple(_CMD_BLANK):
            k = _cmd_token(text, _cmd_skip(text, k + len(one)), "(")
        else:
            end = _cmd_token(text, k, "(")
            if end == k:
                return None
            k = _cmd_skip(text, end)
            if text.startswith("==", k):
                k = _cmd_skip(text, k + 2)
            elif _cmd_word(text, k) in _CMD_COMPARE:
                k = _cmd_skip(text, k + 3)
            else:
                return None
            end = _cmd_token(text, k, "(")
            if end == k:
                return None
            k = end
        return k
    while text.startswith("/", k):  # `for`'s switches, `/R`'s path and `/F`'s options
        switch = _cmd_word(text, k)
        k = _cmd_skip(text, k + len(switch))
        if switch in ("/r", "/f") and k < len(text) and text[k] != "%":
            k = _cmd_skip(text, _cmd_token(text, k))
    if not text.startswith("%", k):
        return None
    k = _cmd_skip(text, _cmd_token(text, k))
    if _cmd_word(text, k) != "in":
        return None
    k = _cmd_skip(text, k + 2)
    if not text.startswith("(", k):
        return None
    quote = None
    while k < len(text):
        ch = text[k]
        if quote is not None:
            quote = None if ch == quote else quote
        elif ch in "\"'`":
            quote = ch
        elif ch == ")":
            break
        k += 1
    k = _cmd_skip(text, k + 1)
    if _cmd_word(text, k) != "do":
        return None
    return k + 2


def _cmd_control(text: str, k: int, depth: int, going_on: bool = False) -> tuple[dict[int, str], int]:
    """The places of a cmd.exe line from `k` that are control, not a command's words (an `if`/`for`/
    `else` head, the `@` before a command, the `(` that opens a block, the `)` that closes one: inside
    a block an unquoted `)` ends it, whatever command it is in), with what the shell reads there: a
    blank, or `;` for a `)` that ends a command on the line (`(echo a) else docker run ...`); and the
    block depth after the line. `going_on`: the line goes on with the command of the line before
    (that ended in `^`)."""
    blank: dict[int, str] = {}
    ran = False  # a command was read on this line
    while k < len(text):
        k = _cmd_skip(text, k)  # a command starts here
        while k < len(text) and not going_on:
            if text[k] in "(@":
                blank[k] = " "
                depth += text[k] == "("
                k = _cmd_skip(text, k + 1)
            elif text[k] == ")" and depth:
                blank[k] = " "
                depth -= 1
                k = _cmd_skip(text, k + 1)
            elif (end := _cmd_head(text, k)) is not None:
                blank.update(dict.fromkeys(range(k, end), " "))
                k = _cmd_skip(text, end)
            else:
                break
        quoted = False
        while k < len(text):  # the command, up to a block's `)` or a command separator
            ch = text[k]
            ran = ran or ch not in _CMD_BLANK
            if ch == '"':
                quoted = not quoted
            elif quoted:
                pass
            elif ch == "^":
                k += 1
            elif ch == ")" and depth:
                blank[k] = ";" if ran else " "
                depth -= 1
                k += 1
                break
            elif ch in "&|":
                while k < len(text) and text[k] in "&|":
                    k += 1
                break
            k += 1
        going_on = False
    return blank, depth


def _add_cmd(snip: Snippet, line_no: int, text: str, at: int) -> None:
    """A cmd.exe line as the shell would read it (`_shell_block`), each character at its column: the
    caret that escapes outside double quotes (a line's last: its continuation) as the shell's
    backslash, `%NAME%` as `${NAME}` (a batch file's `%1`, `%~dp0` as a positional parameter, a `for`
    loop's `%%i` as `${i}`), a `REM`/`::` comment, the `@` that hides a command's echo and the control
    of `if`/`else`/`for ... do` and their `(...)` blocks (`_cmd_control`) left out, and the characters
    plain to cmd.exe that the shell reads otherwise (`\\`, `'`, `$`, `` ` ``, `#`, `~`) escaped."""
    out: list[str] = []
    cols: list[int] = []
    if _CMD_COMMENT.match(text):
        snip.add(line_no, "", at)
        return
    lead = len(text) - len(text.lstrip(" \t"))
    k = lead + 1 if text[lead:lead + 1] == "@" else 0
    if k:
        out.extend(text[:lead])
        cols.extend(range(at, at + lead))
    blank, snip.cmd_depth = _cmd_control(text, k, snip.cmd_depth, snip.continued_cmd)
    snip.continued_cmd = text.rstrip().endswith("^")
    quoted = False
    while k < len(text):
        ch = text[k]
        if k in blank:
            out.append(blank[k])
            cols.append(at + k)
            k += 1
            continue
        loop_var = _CMD_FOR_VARIABLE.match(text, k) if text.startswith("%%", k) else None
        if loop_var is not None:
            shell = "${" + loop_var.group(1) + "}"
            out.append(shell)
            cols.extend([at + k] * len(shell))
            k = loop_var.end()
            continue
        expr = _GHA_EXPR.match(text, k) if ch == "$" else None
        if expr is not None:  # a workflow's `${{ expr }}`, substituted before cmd.exe reads the script
            key = f"${{__gha{len(snip.restore)}__}}"
            snip.restore[key] = expr.group(0)
            out.append(key)
            cols.extend([at + k] * len(key))
            k = expr.end()
            continue
        var = _CMD_VARIABLE.match(text, k) if ch == "%" else None
        if var is not None:
            shell = "${" + (var.group(1) or var.group(2).replace("*", "@")) + "}"
            out.append(shell)
            cols.extend([at + k] * len(shell))
            k = var.end()
            continue
        if ch == '"':
            quoted = not quoted
            shell = ch
        elif ch == "^" and not quoted:
            shell = "\\"  # escapes the next character, or (last) the line's end
        elif ch in "\\$`":
            shell = "\\" + ch
        elif ch in "'#~" and not quoted:
            shell = "\\" + ch
        else:
            shell = ch
        out.append(shell)
        cols.extend([at + k] * len(shell))
        k += 1
    snip.add(line_no, "".join(out), cols)


_MAKE_VAR = re.compile(r"^(?:export[ \t]+|override[ \t]+)*([A-Za-z_][A-Za-z0-9_]*)[ \t]*(\?|:{1,3}|\+|!)?=[ \t]*(.*?)[ \t]*$")
_MAKE_REF = re.compile(r"\$\(([A-Za-z_][A-Za-z0-9_]*)\)")
_MAKE_IF = re.compile(r"^[ \t]*(?:ifeq|ifneq|ifdef|ifndef)\b")
_MAKE_ENDIF = re.compile(r"^[ \t]*endif\b")
_MAKE_DEFINE = re.compile(r"^[ \t]*(?:(?:export|override)[ \t]+)*define[ \t]")
_MAKE_ENDEF = re.compile(r"^[ \t]*endef\b")
_MAKE_INCLUDE = re.compile(r"^[ \t]*-?(?:include|sinclude)[ \t]")
# `export NAME OTHER` / a bare `export` (every variable) / `.EXPORT_ALL_VARIABLES:`
_MAKE_EXPORT = re.compile(r"^(?:(\.EXPORT_ALL_VARIABLES[ \t]*:.*)|export((?:[ \t]+[A-Za-z_][A-Za-z0-9_]*)*)[ \t]*)$")
_SHELL_REF = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)|([A-Za-z_][A-Za-z0-9_]*)")
_SHELL_VAR = re.compile(r"^(?:export[ \t]+|readonly[ \t]+)?([A-Za-z_][A-Za-z0-9_]*)="
                        r"((?:\"[^\"]*\"|'[^']*'|[^\s'\"])*)[ \t]*(?:#.*)?$")
# any other assignment of a variable (`NAME+=x`, `local NAME=x`, `declare -x NAME=x`): not known
_SHELL_SET = re.compile(r"^(?:(?:export|readonly|local|declare|typeset)(?:[ \t]+-[A-Za-z]+)*[ \t]+)?"
                        r"([A-Za-z_][A-Za-z0-9_]*)\+?=")
# a line that opens or closes a compound command or function body: an assignment inside may not run
_SHELL_OPEN = re.compile(r"^(?:if|for|while|until|case|select)\b|^(?:function[ \t]+)?[A-Za-z_][A-Za-z0-9_:.-]*[ \t]*"
                         r"(?:\(\))?[ \t]*\{[ \t]*$|^\{$")
# (`}` alone, `} || true`, `};` close a function body or group: `\b` after `}` needs a word character: F23-1)
_SHELL_CLOSE = re.compile(r"^(?:(?:fi|done|esac)\b|\}(?:[ \t;&|)<>]|$))")
# an assignment after a command on the line (`...; then NAME=x; fi`, `test ... && NAME=x`, `do NAME=x`)
_SHELL_INNER_SET = re.compile(r"(?:[;&|]|\b(?:then|do|else))[ \t]*(?:(?:export|local|readonly)[ \t]+)?"
                              r"([A-Za-z_][A-Za-z0-9_]*)\+?=")
_SHELL_ONE_LINE = re.compile(r"[;&|][ \t]*(?:fi|done|esac|\})(?:[ \t;&|<>)]|$)")


def _recipe_start(line: str, continued: bool, prefixes: str) -> int:
    """Where a recipe line's command starts: after its indentation and, unless it goes on from the line
    before, the tool's own prefixes (make's `@`/`-`/`+`, just's `@`/`-`)."""
    at = len(line) - len(line.lstrip(" \t"))
    if not continued:
        while at < len(line) and line[at] in prefixes:
            at += 1
    return at


def makefile(text: str) -> list[Snippet]:
    """Recipe lines (tab-indented), `@`/`-`/`+` prefixes dropped and make's `$$` made `$`; a make
    reference `$(NAME)` is written `${NAME}` (as long), which the variables the Makefile sets
    (`Snippet.known`) expand as make does before the shell runs the line. A variable set inside a
    conditional (`ifeq`/`ifdef` ... `endif`) may not be set, one set before an `include` may be set
    again by the included file: not known; `define` bodies are text."""
    snip = Snippet()
    continued = False
    defined: dict[str, list[tuple[str, bool]]] = {}
    shell_refs: dict[int, set[str]] = {}  # line -> `$$NAME`, `$${NAME}`: the shell's variable, from make's environment
    make_refs: dict[int, set[str]] = {}  # line -> `$(NAME)`, `${NAME}`: make's
    exported: set[str] = set()
    export_all = False
    depth = 0
    defining = False
    for k, line in enumerate(split_lines(text)):
        if defining:
            defining = not _MAKE_ENDEF.match(line)
            _blank(snip, k + 1)
            continue
        if not (line.startswith("\t") or continued):
            if _MAKE_DEFINE.match(line):
                defining = True
            elif _MAKE_IF.match(line):
                depth += 1
            elif _MAKE_ENDIF.match(line):
                depth = max(depth - 1, 0)
            elif _MAKE_INCLUDE.match(line):
                # the included file (`include .env`) may set any variable set before it: those are not known
                for values in defined.values():
                    values.append(("$", False))
            m = _MAKE_VAR.match(line) if not line.startswith((" ", "#")) and not defining else None
            exports = _MAKE_EXPORT.match(line)
            if exports is not None:
                names = (exports.group(2) or "").split()
                exported.update(names)
                export_all = export_all or not names  # a bare `export`, `.EXPORT_ALL_VARIABLES:`
            if m is not None and line.startswith("export"):
                exported.add(m.group(1))
            if m is not None:
                value = m.group(3).split("#", 1)[0].rstrip() if "#" in m.group(3) else m.group(3)
                op = m.group(2) or ""
                defined.setdefault(m.group(1), []).append((value, op == "?") if op in ("", "?", ":", "::", ":::")
                                                          and not depth else ("$", False))  # `+=`, `!=`: not known
            _blank(snip, k + 1)
            continue
        at = _recipe_start(line, continued, "@-+")
        chars: list[str] = []
        cols: list[int] = []
        c = at
        while c < len(line):
            ref = _MAKE_REF.match(line, c) if line[c] == "$" else None
            if ref is None and line.startswith("${", c):
                braced = _SHELL_REF.match(line, c + 1)
                if braced is not None and braced.group(1):
                    make_refs.setdefault(k + 1, set()).add(braced.group(1))
            if ref is not None:
                make_refs.setdefault(k + 1, set()).add(ref.group(1))
                chars.extend("${" + ref.group(1) + "}")
                cols.extend(range(c, ref.end()))
                c = ref.end()
                continue
            chars.append(line[c])
            cols.append(c)
            if line.startswith("$$", c):
                shell = _SHELL_REF.match(line, c + 2)
                if shell is not None:
                    shell_refs.setdefault(k + 1, set()).add(shell.group(1) or shell.group(2))
                c += 2
            else:
                c += 1
        snip.add(k + 1, "".join(chars), cols)
        continued = line.endswith("\\")
    # make pastes `$(NAME)` in before the shell runs; `$${NAME}` is the shell's NAME, which is make's
    # only when make exports it (`export NAME`, `.EXPORT_ALL_VARIABLES`), else the caller's environment
    # (GNU make manual, "Communicating Variables to a Sub-make"): in a command that reads a name only
    # that way it is not known, whatever the Makefile sets it to (read both ways in one command, the
    # words cannot tell which is which)
    snip.known = _once(defined)
    if not export_all:
        snip.shell_refs = {line: names - exported for line, names in shell_refs.items() if names - exported}
        snip.make_refs = make_refs
    snip.make = True
    return [snip]


# just (just.systems/man/en, 1.x): `NAME := expression` (`export`ed or not) outside recipes; a recipe is a
# header `name params: deps` and its indented lines, each run by its own `sh -cu` once `{{ expression }}` is
# pasted in (`{{{{` is a literal `{{`), an `@` or `-` before a line quiet or ignore-errors; a recipe whose
# first line is a shebang (`#!/usr/bin/env bash`) is one script
_JUST_VAR = re.compile(r"^(?:export[ \t]+)?([A-Za-z_][A-Za-z0-9_-]*)[ \t]*:=[ \t]*(.*?)[ \t]*$")
_JUST_STRING = re.compile(r"^(?:'([^'\n]*)'|\"((?:[^\"\\\n]|\\.)*)\")[ \t]*(?:#.*)?$")
_JUST_INTERPOLATION = re.compile(r"\{\{\s*([A-Za-z_][A-Za-z0-9_-]*)\s*\}\}|\{\{(?!\{)")


def justfile(text: str) -> list[Snippet]:
    """A justfile's recipe lines (indented under a recipe header), `@`/`-` prefixes dropped; `{{ NAME }}`
    written `${NAME}` (as long), which the variables the justfile sets to a string (`IMAGE := "x:1"`,
    `Snippet.known`) expand as just does before the shell runs the line; any other `{{ ... }}` an
    expansion not known here. Lines outside recipes are blank."""
    snip = Snippet()
    defined: dict[str, list[tuple[str, bool]]] = {}
    in_recipe = False
    continued = False
    for k, line in enumerate(split_lines(text)):
        if line[:1] in (" ", "\t") and line.strip() and in_recipe or continued and in_recipe:
            _add_templated(snip, k + 1, line, _recipe_start(line, continued, "@-"), 0, _just_action, escaped=True)
            continued = line.endswith("\\")
            continue
        continued = False
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            _blank(snip, k + 1)
            continue
        var = _JUST_VAR.match(line)
        if var is not None:
            literal = _JUST_STRING.match(var.group(2))
            value = (literal.group(1) if literal.group(1) is not None else literal.group(2)) if literal else "$"
            defined.setdefault(var.group(1).replace("-", "_"), []).append((value, False))
            in_recipe = False
        else:
            # a recipe header (`serve port="8000": build`), a setting (`set shell := [...]`), an alias, an import
            in_recipe = not stripped.startswith(("set ", "alias ", "import ", "mod ", "[")) and ":" in stripped
        _blank(snip, k + 1)
    snip.known = _once(defined)
    snip.make = True
    return [snip]


# a systemd unit's command lines (systemd.service(5), "Command lines"): `ExecStart=` and the commands run
# around it, the first word after the prefixes `@`, `-`, `:`, `+`, `!`, `!!`, quoted and escaped as the shell
# does, `$NAME`/`${NAME}` from `Environment=`; a line ending in a backslash goes on (systemd.syntax(7))
_UNIT_EXEC = re.compile(r"^[ \t]*(?:ExecStart|ExecStartPre|ExecStartPost|ExecCondition)[ \t]*=[ \t]*([-@:+!]*)")
_UNIT_ENV = re.compile(r"^[ \t]*Environment[ \t]*=[ \t]*(.*)$")


def systemd_unit(text: str) -> list[Snippet]:
    """A systemd service's `ExecStart=` (and `ExecStartPre=`, `ExecStartPost=`, `ExecCondition=`) command
    lines, their prefixes left out, continued lines joined; `Snippet.known` its `Environment=` values."""
    import shlex

    snip = Snippet()
    defined: dict[str, list[tuple[str, bool]]] = {}
    continued = False
    for k, line in enumerate(split_lines(text)):
        m = _UNIT_EXEC.match(line) if not continued else None
        if m is not None or continued:
            at = m.end() if m is not None else 0
            snip.add(k + 1, line[at:], at)
            continued = line.rstrip().endswith("\\")
            continue
        env = _UNIT_ENV.match(line)
        if env is not None:
            try:
                pairs = shlex.split(env.group(1), posix=True)
            except ValueError:
                pairs = []
            for pair in pairs:
                name, eq, value = pair.partition("=")
                if eq and re.match(r"^[A-Za-z_][A-Za-z0-9_]*$", name):
                    defined.setdefault(name, []).append((value, False))
        _blank(snip, k + 1)
    snip.known = _once(defined)
    return [snip]


def shell_script(text: str) -> list[Snippet]:
    """The script's lines; `Snippet.known` holds the variables it sets once at its top level, outside
    any `if`/loop/`case`/function body (which may not run)."""
    snip = Snippet()
    snip.script = True
    lines = split_lines(text)
    for k, line in enumerate(lines):
        _add_docs(snip, k + 1, line, 0, _TEMPLATE_PLACEHOLDER)
    _learn(snip, lines)
    return [snip]


def batch_script(text: str) -> list[Snippet]:
    """A Windows batch file's lines (`run.bat`, `start.cmd`), each read as cmd.exe reads it (`_add_cmd`:
    the command an `if`, `else` or `for ... do` runs, on its line or in a `( ... )` block, is a command)."""
    snip = Snippet()
    snip.windows = True
    defined: dict[str, list[tuple[str, bool]]] = {}
    for k, line in enumerate(split_lines(text)):
        top = snip.cmd_depth == 0 and not snip.continued_cmd  # not in a `( ... )` block, not a continued line
        _add_cmd(snip, k + 1, line, 0)
        _cmd_sets(line, top, defined)
    _cmd_known(snip, defined)
    return [snip]


# `set NAME=value` (the value to the line's end, trailing blanks kept) and `set "NAME=value"` (to the last
# quote) at the top of a batch file set NAME for what follows; in a block, after `if`/`for`, or as
# `set /a` (arithmetic) and `set /p` (a prompt) it is not known here (Microsoft Learn, "set")
_CMD_SET = re.compile(r'^[ \t]*@?set[ \t]+(?:"([A-Za-z_][A-Za-z0-9_.-]*)=(.*)"[^"]*|([A-Za-z_][A-Za-z0-9_.-]*)=(.*))$', re.I)
_CMD_ANY_SET = re.compile(r'(?i)(?:^|[\s(&|@])set[ \t]+(?:/[ap][ \t]+)?"?([A-Za-z_][A-Za-z0-9_.-]*)=')


def _cmd_sets(line: str, top: bool, defined: dict[str, list[tuple[str, bool]]]) -> None:
    """The variables a batch file's line sets (names in lower case: cmd.exe's are case-insensitive), a
    value known only for a plain `set` at the top level, its `%OTHER%` read as the shell's `${other}`."""
    if "set" not in line.lower():
        return
    m = _CMD_SET.match(line) if top else None
    if m is not None:
        name, value = (m.group(1), m.group(2)) if m.group(1) else (m.group(3), m.group(4))
        if "!" not in value:  # delayed expansion: not known
            value = _CMD_VARIABLE.sub(lambda v: "${" + (v.group(1) or "_").lower() + "}" if v.group(1) else "$_",
                                      value)
            defined.setdefault(name.lower(), []).append((value, False))
            return
    for other in _CMD_ANY_SET.finditer(line):
        defined.setdefault(other.group(1).lower(), []).append(("$", False))


def _cmd_known(snip: Snippet, defined: dict[str, list[tuple[str, bool]]]) -> None:
    """`Snippet.known` of a batch file: its variables as its lines write them (`%Image%` is `image`'s)."""
    if not defined:
        return
    known = _once(defined)
    for m in _VAR_REFS.finditer(snip.text):
        got = known.get(m.group(1).lower())
        if got is not None:
            snip.known[m.group(1)] = got


# where a script may give a variable a value other than by a plain assignment (`_may_set`): another file
# or text it runs (`source`, `.`, `eval`), exports all it reads (`set -a`), or lines it exports (`export $(...)`)
_SETS_ELSEWHERE = re.compile(r"(?:^|[\s;&|({])(?:source|\.|eval)[ \t]|\bset[ \t]+-[A-Za-z]*a|\ballexport\b|"
                             r"\bexport[ \t]+[\"']?\$\(", re.M)


_COMMENT = re.compile(r"(?:^|(?<=[ \t]))#.*$", re.M)  # a shell comment: `#` starting a word, to the line's end
# a script that turns the shell's nounset on (`set -u`, `set -eu`, `set -euo pipefail`, `set -o nounset`, or `-u` on
# its `#!/bin/bash -eu` line) stops at the expansion of a variable it never set (bash: "BIND: unbound variable",
# exit 1; dash: "parameter not set"): the command never runs with it empty (POSIX `set -u`; the bash manual's
# The Set Builtin). `${BIND:-}` and `${BIND-x}` still expand, and are read as any default is
_NOUNSET = re.compile(r"(?:^|[\s;&|({])set(?:[ \t]+[-+][A-Za-z]+|[ \t]+[a-z]+)*?[ \t]+"
                      r"(?:-[A-Za-z]*u[A-Za-z]*|-[A-Za-z]*o[ \t]+nounset)(?![\w-])", re.M)
_SHEBANG_NOUNSET = re.compile(r"#![^\n]*[ \t]-[A-Za-z]*u[A-Za-z]*(?:[ \t]|$)", re.M)


def _may_set(name: str, script: str | None) -> bool:
    """Whether `script` may give `name` a value: an assignment anywhere (`NAME=`, `NAME+=`, in any branch
    or function, `export`/`local`/`declare`/`readonly NAME`), `read`/`getopts`/`for NAME in`/`printf -v`,
    or a source of others' (`_SETS_ELSEWHERE`); None: not known."""
    if script is None or _SHEBANG_NOUNSET.match(script):
        return True
    script = _COMMENT.sub("", script)  # `# BIND=127.0.0.1 ./run.sh keeps it local` sets nothing
    if _NOUNSET.search(script):
        return True  # unset, its expansion stops the script: whenever the command runs, the variable is set
    if _SETS_ELSEWHERE.search(script):
        return True
    return re.search(rf"(?<![\w$]){name}\+?=|\b(?:read|getopts|mapfile|readarray|for|export|local|declare|typeset|"
                     rf"readonly|printf[ \t]+-v)\b[^\n;|&]*(?<![\w$]){name}\b", script) is not None


def _learn(snip: Snippet, lines: list[str], defined: dict[str, list[tuple[str, bool]]] | None = None) -> None:
    """Give `snip` the variables and bash arrays its `lines` set once (`defined`: what is set before them)."""
    arrays: dict[str, list[tuple[str, ...] | None]] = {}
    snip.known = _once(_script_sets(lines, arrays, defined))
    snip.arrays = _arrays_once(arrays)


def _script_sets(lines: list[str], arrays: dict[str, list[tuple[str, ...] | None]],
                 defined: dict[str, list[tuple[str, bool]]] | None = None) -> dict[str, list[tuple[str, bool]]]:
    """Every value a script's lines give each variable (`_once` keeps those set once): a top-level
    `NAME=value`'s value, `"$"` (not known) for one inside a block or any other assignment. `arrays`:
    filled with every value each bash array gets (`_arrays_once`): a top-level `NAME=(words)`'s
    elements (on one line or more) and those a top-level `NAME+=(words)` after it appends, None for one
    in a block, a `NAME+=(...)` there or any other assignment."""
    defined = {} if defined is None else defined
    depth = 0
    pending: tuple[str, list[str], bool] | None = None  # an array literal that goes on to the next lines
    appended: dict[str, int] = {}  # the top-level `NAME+=(...)` read into an array's one value
    for row, line in enumerate(lines):
        stripped = line.strip()
        if pending is not None:
            name, parts, at_top = pending
            body, closed = _array_rest(stripped)
            parts.append(body)
            if closed:
                arrays.setdefault(name, []).append(_array_words(" ".join(parts)) if at_top else None)
                pending = None
            continue
        top = depth == 0 and not line[:1].isspace()
        array = _SHELL_ARRAY.match(stripped)
        if array is not None:
            body, closed = _array_rest(array.group(2))
            if closed:
                arrays.setdefault(array.group(1), []).append(_array_words(body) if top else None)
            else:
                pending = (array.group(1), [body], top)
            defined.setdefault(array.group(1), []).append(("$", False))
            continue
        if _SHELL_CLOSE.match(stripped):
            depth = max(depth - 1, 0)
        elif _SHELL_OPEN.match(stripped) and not _SHELL_ONE_LINE.search(stripped):
            depth += 1
        more = _SHELL_APPEND.match(stripped)
        if more is not None and top and len(arrays.get(more.group(1), ())) == 1:
            # `ARGS+=(-p 8000:8000)` at the top level, after the one `ARGS=(...)`: its elements follow
            body, closed = _array_rest(more.group(2))
            words = _array_words(body) if closed else None
            known = arrays[more.group(1)][0]
            if _expanded_before(more.group(1), lines[:row]):
                words = None  # an expansion before it has the elements it had then: not one value for both
            arrays[more.group(1)][0] = known + words if known is not None and words is not None else None
            appended[more.group(1)] = appended.get(more.group(1), 0) + 1
            defined.setdefault(more.group(1), []).append(("$", False))
            continue
        m = _SHELL_VAR.match(stripped)
        if m is not None:
            value = m.group(2)
            if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
                value = value[1:-1] if value[0] == "'" or not any(ch in value[1:-1] for ch in '"\\`') else "$"
            elif any(ch in value for ch in "'\"\\`"):
                value = "$"
            # set at the top level, else in a block it may not run: only a top-level one is certain
            defined.setdefault(m.group(1), []).append((value, False) if top else ("$", False))
        elif (other := _SHELL_SET.match(stripped)) is not None:
            defined.setdefault(other.group(1), []).append(("$", False))
            arrays.setdefault(other.group(1), []).append(None)  # `NAME+=(--privileged)`, `NAME=x`
        for inner in _SHELL_INNER_SET.finditer(stripped):
            # `if [ -n "$LOCAL" ]; then BIND=127.0.0.1:; fi`, `[ -z "$CI" ] && GPU=all`: set when it runs
            defined.setdefault(inner.group(1), []).append(("$", False))
    if arrays:
        # an array assigned anywhere else (`if [[ $DEBUG ]]; then ARGS+=(--privileged); fi`, `ARGS[3]=x`,
        # `read -a ARGS`): its elements are not known
        text = "\n".join(lines)
        for name, values in arrays.items():
            if len(re.findall(rf"(?<![\w$]){name}(?:\[[^\]]*\])?\+?=|\b(?:read|mapfile|readarray)\b[^\n]*\b{name}\b",
                              text)) > len(values) + appended.get(name, 0):
                values.append(None)
    return defined


def _expanded_before(name: str, lines: list[str]) -> bool:
    """Whether `lines` (a script's rows before a `NAME+=(...)`) expand the array `NAME` (`"${NAME[@]}"`,
    `$NAME`): a `docker run` there runs with the elements it had before the append."""
    return re.search(rf"\$(?:\{{{name}\b|{name}\b)", "\n".join(lines)) is not None


_SHELL_ARRAY = re.compile(r"^(?:(?:declare|typeset)[ \t]+-a[ \t]+)?([A-Za-z_][A-Za-z0-9_]*)=\((.*)$")
_SHELL_APPEND = re.compile(r"^([A-Za-z_][A-Za-z0-9_]*)\+=\((.*)$")  # `NAME+=(words)`: more elements (bash(1) "Arrays")


def _array_rest(text: str) -> tuple[str, bool]:
    """The words of an array literal's line (after `(` on its first) and whether its `)` ends it there
    (a comment after it, or a `#` line, is dropped: a `#` that starts a word outside quotes, as bash
    reads it; `"ticket #12"` is an element)."""
    quote = None
    prev = " "
    for i, ch in enumerate(text):
        if quote is not None:
            if ch == quote:
                quote = None
        elif ch in "'\"":
            quote = ch
        elif ch == "#" and prev in " \t":
            text = text[:i]
            break
        prev = ch
    body = text.rstrip()
    if body.endswith(")") and quote is None:
        return body[:-1], True
    return body, False


def _array_words(body: str) -> tuple[str, ...] | None:
    """An array literal's elements as bash gives them when they are words it does not expand further
    (quotes removed; a `$NAME` kept as written); None for a substitution, glob or escape in it."""
    import shlex

    if any(c in body for c in "`\\*?[") or "$(" in body:
        return None
    try:
        return tuple(shlex.split(body))
    except ValueError:
        return None


def _arrays_once(arrays: dict[str, list[tuple[str, ...] | None]]) -> dict[str, tuple[str, ...]]:
    """The arrays set once, to elements known (`_script_sets`)."""
    return {name: values[0] for name, values in arrays.items() if len(values) == 1 and values[0] is not None}


def _once(defined: dict[str, list[tuple[str, bool]]]) -> dict[str, tuple[str, bool]]:
    """The variables set once (or always to the same value) to a value known without the rest:
    literal, or made of the others' (`REGISTRY ?= ghcr.io/acme` then `IMAGE ?= $(REGISTRY)/x:1`);
    `NAME=${NAME:-x}` is `x`, a default."""
    from glmlint.interpolate import interpolate

    out: dict[str, tuple[str, bool]] = {}
    for _ in range(3):  # values written with others' (a few levels)
        for name, values in defined.items():
            if name in out or len({v for v, _d in values}) != 1:
                continue
            value, default = values[0]
            if value == "$":
                continue  # set where the scan cannot read the value (in a block, `+=`): not known, not "$"
            if "$" in value:
                value = _MAKE_REF.sub(lambda m: "${" + m.group(1) + "}", value)
                env = {k: v for k, (v, _d) in out.items()}
                got = interpolate(value, {k: v for k, v in env.items() if k != name}, shell=True)
                if got is None:
                    continue
                value, default = got.text, default or bool(got.defaulted) or any(out[u][1] for u in got.from_env)
            out[name] = (value, default)
    return out


class _Vars:
    """The variables a file sets once (`Snippet.known`), as the expansion of its words reads them."""

    __slots__ = ("values", "defaults", "make", "arrays")

    def __init__(self, known: dict[str, tuple[str, bool]], make: bool = False,
                 arrays: dict[str, tuple[str, ...]] | None = None) -> None:
        self.values = {k: v for k, (v, _d) in known.items()}
        self.defaults = frozenset(k for k, (_v, d) in known.items() if d)  # `?=`, `${X:-x}`: may be overridden
        self.make = make  # `Snippet.make`: a word's `${NAME}` is `$(NAME)` in the file
        self.arrays = arrays or {}  # `Snippet.arrays`

    def assumed(self, got: Any) -> tuple[str, ...]:
        """The variables an expansion (`glmlint.interpolate.Interpolated`) read through a default."""
        return tuple(n for n in (*got.from_env, *got.defaulted) if n not in self.values or n in self.defaults)


# characters a variable's value must not hold to be read as the words an unquoted expansion of it
# gives: make pastes the text before the shell reads quotes, escapes and operators in it, the shell
# splits the value of `$NAME` on blanks only; where the two differ, the words are not known
_NOT_PLAIN = re.compile(r"[\\'\"`$;&|<>()*?\[]")
_ARRAY_REF = re.compile(r"^\$\{([A-Za-z_][A-Za-z0-9_]*)\[([@*])\]\}$")
_WHOLE_REF = re.compile(r"^\$(?:\{([A-Za-z_][A-Za-z0-9_]*)\}|([A-Za-z_][A-Za-z0-9_]*))$")


def _spread(word: Word, known: _Vars) -> tuple[list[Word], tuple[str, ...]] | None:
    """The words an unquoted `$NAME`/`${NAME}` (make's `$(NAME)`) gives when the file sets `NAME` once
    to plain words (`DOCKER_FLAGS := --gpus all --ipc=host`), each located at the reference, and the
    variable when it is a default; None for any other word."""
    array = _ARRAY_REF.match(word.text) if word.dynamic else None
    if array is not None and array.group(1) in known.arrays and (array.group(2) == "@" or word.start is None):
        # `"${ARGS[@]}"`: each element one word (quoted or not); `${ARGS[*]}` unquoted: split alike
        return [Word(part, word.loc, "$" in part) for part in known.arrays[array.group(1)]], ()
    if not word.dynamic or word.start is not None:
        return None  # a quoted `"$NAME"` stays one word
    m = _WHOLE_REF.match(word.text)
    if m is None:
        return None
    name = m.group(1) or m.group(2)
    value = known.values.get(name)
    if value is None or _NOT_PLAIN.search(value):
        return None
    words = [Word(part, word.loc) for part in value.split()]
    return words, ((name,) if name in known.defaults else ())


def yaml_run(node: Any, lines: list[str], powershell: bool = False, cmd: bool = False, task: bool = False) -> Snippet:
    """A workflow step's `run:` script, from the file's own lines (block scalars keep their layout);
    `powershell`: a PowerShell script, its backticks read as the shell's backslash (`_shell_block`);
    `cmd`: a cmd.exe script (`_add_cmd`); `task`: a Taskfile command, its `{{.NAME}}` a variable (`_add_task`)."""
    snip = Snippet()
    snip.windows = powershell or cmd
    escape = "`" if powershell else "^" if cmd else "\\"
    add = (lambda snip, line, text, at, _ps: _add_cmd(snip, line, text, at)) if cmd else _add_task if task else _add_expr
    style = getattr(node, "style", "") or ""
    start, indent = y.content(node, lines)
    if style in ("|", ">"):
        last = node.end_mark.line  # 0-based line after the scalar's last line
        rows = range(start.line - 1, min(last + 1, len(lines)))
        body = []
        for r in rows:  # the scalar's end mark may be on the next key's line: its text ends before that
            if lines[r].strip() and len(lines[r]) - len(lines[r].lstrip(" ")) < indent:
                break
            body.append(lines[r])
        while body and not body[-1].strip():
            body.pop()
        for k, line in enumerate(body):
            row_text = line[indent:] if len(line) >= indent else ""
            # `>` folds a line break between two plain lines into a space: join them for the shell
            folds = style == ">" and k + 1 < len(body) and row_text.strip() and body[k + 1][:indent + 1].strip() \
                and not body[k + 1][indent:indent + 1].isspace()
            if folds and not row_text.rstrip().endswith(escape):
                row_text += " " + escape
            add(snip, start.line + k, row_text, indent, powershell)
    else:
        add(snip, start.line, y.text(node) or "", start.col - 1, powershell)
    return snip


def _add_expr(snip: Snippet, line_no: int, text: str, offset: int, powershell: bool = False) -> None:
    """A row where GitHub `${{ expr }}` (substituted before the shell runs) stands as one word;
    `powershell`: PowerShell's text as the shell would read it (`_add_powershell`)."""
    chars: list[str] = []
    cols: list[int] = []
    pos = 0
    # (PowerShell's quoting read over the line with each expression a plain word)
    shells = _ps_chars(_GHA_EXPR.sub(lambda m: "x" * len(m.group(0)), text)) if powershell else list(text)

    def plain(a: int, b: int) -> None:
        for k in range(a, b):
            shell = shells[k]
            chars.append(shell)
            cols.extend([offset + k] * len(shell))

    for m in _GHA_EXPR.finditer(text):
        plain(pos, m.start())
        key = f"${{__gha{len(snip.restore)}__}}"
        snip.restore[key] = m.group(0)
        chars.extend(key)
        cols.extend([offset + m.start()] * len(key))
        pos = m.end()
    plain(pos, len(text))
    snip.add(line_no, "".join(chars), cols)


# go-task's Taskfile (taskfile.dev "Schema Reference", v3): `tasks.<name>.cmds` lines run by its shell
# interpreter (mvdan/sh), each after Go's text/template pastes in `{{.NAME}}` from `vars:` (the task's over
# the file's); a `cmd:` entry is the same, `task:`/`defer:` entries run no shell line of their own
_TASK_TEMPLATE = re.compile(r"\{\{-?\s*(?:\.([A-Za-z_][A-Za-z0-9_]*)\s*-?\}\}|.*?\}\})")


def _add_task(snip: Snippet, line_no: int, text: str, offset: int, _powershell: bool = False) -> None:
    """A Taskfile command row, `{{.NAME}}` written `${NAME}` (as long); any other template action
    (`{{if ...}}`, `{{.CLI_ARGS | ...}}`) an expansion not known here."""
    _add_templated(snip, line_no, text, 0, offset, _task_action)


def _task_action(text: str, at: int) -> tuple[str, int] | None:
    """The Taskfile template action at `at`: the variable it names (or a stand-in) and where it ends."""
    m = _TASK_TEMPLATE.match(text, at)
    return None if m is None else (m.group(1) or "__task_template__", m.end())


def _just_action(line: str, at: int) -> tuple[str, int] | None:
    """The justfile interpolation at `at`: the variable it names (or a stand-in) and where it ends."""
    m = _JUST_INTERPOLATION.match(line, at)
    if m is None:
        return None
    end = line.find("}}", at + 2)
    return (m.group(1) or "__just_expression__").replace("-", "_"), len(line) if end < 0 else end + 2


def _add_templated(snip: Snippet, line_no: int, text: str, start: int, offset: int,
                   action: Callable[[str, int], tuple[str, int] | None], escaped: bool = False) -> None:
    """`text` from `start` as a row of `snip`, each template action `action` finds at a `{{` (a justfile's
    `{{ NAME }}`, a Taskfile's `{{.NAME}}`) written `${NAME}` located at its first column; with
    `escaped`, `{{{{` is a literal `{{` (just). Columns are `offset` on."""
    chars: list[str] = []
    cols: list[int] = []
    k = start
    while k < len(text):
        if text.startswith("{{", k):
            if escaped and text.startswith("{{{{", k):
                chars.extend("{{")
                cols.extend((offset + k, offset + k + 1))
                k += 4
                continue
            got = action(text, k)
            if got is not None:
                ref = "${" + got[0] + "}"
                chars.extend(ref)
                cols.extend([offset + k] * len(ref))
                k = got[1]
                continue
        chars.append(text[k])
        cols.append(offset + k)
        k += 1
    snip.add(line_no, "".join(chars), cols)


def is_taskfile(doc: Any) -> bool:
    """A go-task Taskfile: `version:` and a `tasks:` mapping."""
    return y.is_map(y.get(doc, "tasks")) and y.get(doc, "version") is not None


def _task_vars(node: Any) -> dict[str, str]:
    """The `vars:` of a Taskfile or a task that are literal strings (not `sh:`, `ref:`, a template)."""
    out: dict[str, str] = {}
    for name, (_key, value) in (y.entries(node).items() if y.is_map(node) else ()):
        text = y.text(value) if y.is_scalar(value) else None
        if text is not None and "{{" not in text:
            out[name] = text
    return out


def taskfile_runs(docs: list[Any], lines: list[str]) -> Iterator[Snippet]:
    """Every command line of a Taskfile's tasks, with the literal `vars:` it reads (`Snippet.known`)."""
    for doc in docs:
        if not is_taskfile(doc):
            continue
        top = _task_vars(y.get(doc, "vars"))
        for _name, (_key, task) in y.entries(y.get(doc, "tasks")).items():
            cmds = y.get(task, "cmds") if y.is_map(task) else task if y.is_seq(task) else None
            if not y.is_seq(cmds):
                continue
            known = {**top, **(_task_vars(y.get(task, "vars")) if y.is_map(task) else {})}
            for item in y.items(cmds):
                line = y.get(item, "cmd") if y.is_map(item) else item
                if not y.is_scalar(line):
                    continue
                snip = yaml_run(line, lines, task=True)
                if MARKER.search(snip.text):
                    _learn(snip, snip.lines, {name: [(value, False)] for name, value in known.items()})
                yield snip


def workflow_runs(docs: list[Any], lines: list[str]) -> Iterator[Snippet]:
    """Every `steps[].run` script of a GitHub workflow or composite action run by a shell, with the
    variables it sets once (`Snippet.known`): the workflow's, job's and step's `env:` (the step's
    over the job's over the workflow's) that hold no `${{ }}` expression, unless a step of the job
    writes `$GITHUB_ENV` (a later step's environment then depends on it), and the script's own
    top-level assignments (a variable also set in the script to another value is not known)."""
    for doc in docs:
        for path, node in y.walk_maps(doc):
            if len(path) < 2 or path[-2] != "steps":
                continue
            run = y.get(node, "run")
            shell = step_shell(doc, path, node)
            # pwsh and cmd run `docker run ...` lines alike; script interpreters do not
            program_name = shell.rsplit("/", 1)[-1].lower()
            if y.is_scalar(run) and not _INTERPRETER.match(shell.rsplit("/", 1)[-1]):
                # `shell: cmd` runs the script as a .cmd file (GitHub Actions workflow syntax, `shell`:
                # `%ComSpec% /D /E:ON /V:OFF /S /C "CALL "{0}""`)
                snip = yaml_run(run, lines, program_name in ("pwsh", "powershell"), cmd=program_name == "cmd")
                if MARKER.search(snip.text):
                    env = _step_env(doc, path, node)
                    _learn(snip, snip.lines, {name: [(value, False)] for name, value in env.items()})
                yield snip


def shell_blocks(docs: list[Any]) -> Iterator[Any]:
    """The scalars of a CI configuration that bash or sh runs as a script: a GitHub workflow's (or
    composite action's) `steps[].run` whose shell is bash or sh (`step_shell`), and the `before_script`,
    `script` and `after_script` lines of the GitLab CI jobs that run (`gitlab_runs`), each once."""
    seen: set[int] = set()
    for doc in docs:
        for path, node in y.walk_maps(doc):
            run = y.get(node, "run") if len(path) >= 2 and path[-2] == "steps" else None
            if y.is_scalar(run) and id(run) not in seen \
                    and step_shell(doc, path, node).rsplit("/", 1)[-1] in ("bash", "sh"):
                seen.add(id(run))
                yield run
        if not is_gitlab_ci(doc):
            continue
        entries = y.entries(doc)
        default = y.get(doc, "default")
        for name, (_k, job) in entries.items():
            if name in _GITLAB_GLOBAL or name.startswith(".") or not y.is_map(job):
                continue
            inherit = _gitlab_key(entries, job, "inherit")
            for key in _GITLAB_SCRIPTS:
                block = _gitlab_key(entries, job, key)
                if block is None and key != "script" and _gitlab_inherits(inherit, "default", key):
                    block = y.get(default, key) if y.is_map(default) and key in y.entries(default) \
                        else y.get(doc, key)
                for line in _script_lines(block):
                    if id(line) not in seen:
                        seen.add(id(line))
                        yield line


def step_shell(doc: Any, path: tuple[str | int, ...], step: Any) -> str:
    """The program a step's `run:` runs with (GitHub Actions workflow syntax, `jobs.<job_id>.steps[*].shell`
    and `defaults.run.shell`): the step's `shell:`, else its job's `defaults: run: shell:`, else the
    workflow's, else the runner's default: `pwsh` on a Windows runner (`runs-on: windows-2022`),
    `bash` elsewhere."""
    job = y.get(y.get(doc, "jobs"), path[1]) if len(path) >= 4 and path[0] == "jobs" else None
    for owner, key in ((step, ()), (job, ("defaults", "run")), (doc, ("defaults", "run"))):
        node = owner
        for k in key:
            node = y.get(node, k) if y.is_map(node) else None
        text = y.text(y.get(node, "shell")) if y.is_map(node) else None
        if text and text.split():
            return text.split()[0]
    runs_on = y.get(job, "runs-on") if y.is_map(job) else None
    labels = [y.text(n) or "" for n in y.items(runs_on)] if y.is_seq(runs_on) else [y.text(runs_on) or ""]
    return "pwsh" if any(label.lower().startswith("windows") for label in labels) else "bash"


def _step_env(doc: Any, path: tuple[str | int, ...], step: Any) -> dict[str, str]:
    """The `env:` a step runs with that the workflow file gives literally (see `workflow_runs`)."""
    job = y.get(y.get(doc, "jobs"), path[1]) if len(path) >= 4 and path[0] == "jobs" else None
    if job is not None and any("GITHUB_ENV" in (y.text(y.get(s, "run")) or "") for s in y.items(y.get(job, "steps"))):
        return {}
    env: dict[str, str] = {}
    for owner in (doc, job, step):
        block = y.get(owner, "env") if y.is_map(owner) else None
        if not y.is_map(block):
            continue
        for name, (_k, value) in y.entries(block).items():
            text = y.text(value) if y.is_scalar(value) else None
            if text is None or "${{" in text:
                env.pop(str(name), None)
            else:
                env[str(name)] = text
    return env


# GitLab CI: top-level keys that are not jobs (docs.gitlab.com/ee/ci/yaml, "Global keywords")
_GITLAB_GLOBAL = frozenset({"default", "include", "stages", "variables", "workflow", "image", "services", "cache",
                            "before_script", "after_script", "spec"})
_GITLAB_SCRIPTS = ("before_script", "script", "after_script")


def is_gitlab_ci(doc: Any) -> bool:
    """A GitLab CI configuration: a job (a top-level mapping, not a global keyword) with a `script`."""
    if not y.is_map(doc):
        return False
    for name, (_k, job) in y.entries(doc).items():
        if name not in _GITLAB_GLOBAL and y.is_map(job) and "script" in y.entries(job):
            return True
    return False


def gitlab_runs(docs: list[Any], lines: list[str]) -> Iterator[Snippet]:
    """Every job's `before_script`, `script` and `after_script` lines of a GitLab CI configuration (a
    job without its own `before_script`/`after_script` runs `default:`'s, or the deprecated top-level
    ones', unless its `inherit: default:` says no), each line a command line the runner's shell runs:
    `before_script` and `script` in one shell session, `after_script` in a new one (GitLab CI YAML
    reference: "script", "before_script", "after_script", "inherit"), each with the variables it sets
    once (`Snippet.known`): the global (unless `inherit: variables:` says no) and the job's
    `variables:` written literally (a job's over the global), and the session's own top-level
    assignments. A hidden job (`.name`, a template) runs only through `extends`: its lines are read
    with the job's that extends it, not alone."""
    for doc in docs:
        if not is_gitlab_ci(doc):
            continue
        entries = y.entries(doc)
        default = y.get(doc, "default")
        glob = _gitlab_literals(y.get(doc, "variables"))
        for name, (_k, job) in entries.items():
            if name in _GITLAB_GLOBAL or name.startswith(".") or not y.is_map(job):
                continue
            inherit = _gitlab_key(entries, job, "inherit")
            sessions: list[list[Any]] = [[], []]
            for key in _GITLAB_SCRIPTS:
                block = _gitlab_key(entries, job, key)
                if block is None and key != "script" and _gitlab_inherits(inherit, "default", key):
                    block = y.get(default, key) if y.is_map(default) and key in y.entries(default) \
                        else y.get(doc, key)
                sessions[key == "after_script"].extend(_script_lines(block))
            for parts in sessions:
                if parts:
                    yield _gitlab_session(glob, entries, job, inherit, parts, lines)


def _gitlab_session(glob: dict[str, str], entries: dict[str, tuple[Any, Any]], job: Any, inherit: Any,
                    parts: list[Any], lines: list[str]) -> Snippet:
    """The lines of one shell session of a job, with what it knows of its variables."""
    snip = Snippet()
    for node in parts:
        part = yaml_run(node, lines)
        snip.restore.update(part.restore)
        for row, cols, line_no in zip(part.lines, part.cols, part.rows):
            snip.add(line_no, row, cols)
    if MARKER.search(snip.text):
        inherited = {k: v for k, v in glob.items() if _gitlab_inherits(inherit, "variables", k)}
        env = {**inherited, **_gitlab_variables(entries, job)}
        _learn(snip, snip.lines, {key: [(value, False)] for key, value in env.items()})
    return snip


def _gitlab_inherits(inherit: Any, what: str, name: str) -> bool:
    """Whether a job's `inherit:` lets it take the global `what` (`default`: the keyword `name`;
    `variables`: the variable `name`): `true` or absent (all), `false` (none), or a list of names."""
    if not y.is_map(inherit) or what not in y.entries(inherit):
        return True
    value = y.get(inherit, what)
    if y.is_seq(value):
        return name in {y.text(i) for i in y.items(value) if y.is_scalar(i)}
    return y.scalar(value) is not False


def _gitlab_key(entries: dict[str, tuple[Any, Any]], job: Any, key: str, depth: int = 0) -> Any:
    """A job's `key` (a whole value: GitLab merges hashes only, a script list is replaced): its own,
    else that of the last job its `extends:` names that has it (GitLab CI YAML reference, "extends":
    up to 11 levels), None when none has it."""
    if not y.is_map(job) or depth > 11:
        return None
    own = y.entries(job)
    if key in own:
        return own[key][1]
    for base in reversed(_gitlab_parents(entries, job)):
        got = _gitlab_key(entries, base, key, depth + 1)
        if got is not None:
            return got
    return None


def _gitlab_parents(entries: dict[str, tuple[Any, Any]], job: Any) -> list[Any]:
    """The jobs a job's `extends:` (a name or a list of names) names, in order, that the file defines."""
    parents = y.get(job, "extends")
    names = [parents] if y.is_scalar(parents) else y.items(parents) if y.is_seq(parents) else []
    return [entries[n][1] for n in (y.text(p) for p in names if y.is_scalar(p)) if n in entries]


def _script_lines(block: Any) -> list[Any]:
    """The scalar lines of a `script` (a string, or a list, nested lists flattened as GitLab does); a
    `!reference [.job, script]` names another job's lines, not read here."""
    if block is not None and (getattr(block, "tag", None) or "").startswith("!"):
        return []
    if y.is_scalar(block):
        return [block]
    out: list[Any] = []
    for item in y.items(block) if y.is_seq(block) else ():
        out.extend(_script_lines(item))
    return out


def _gitlab_variables(entries: dict[str, tuple[Any, Any]], job: Any, depth: int = 0) -> dict[str, str]:
    """The `variables:` a job runs with (`_gitlab_literals`): those of the jobs its `extends:` names,
    in order, then its own (`extends` merges hashes)."""
    if not y.is_map(job) or depth > 11:
        return {}
    out: dict[str, str] = {}
    for base in _gitlab_parents(entries, job):
        out.update(_gitlab_variables(entries, base, depth + 1))
    out.update(_gitlab_literals(y.get(job, "variables")))
    return out


def _gitlab_literals(block: Any) -> dict[str, str]:
    """A `variables:` block's values the file gives literally: `NAME: value` or `NAME: {value: ...}`."""
    out: dict[str, str] = {}
    if not y.is_map(block):
        return out
    for name, (_k, value) in y.entries(block).items():
        node = y.get(value, "value") if y.is_map(value) else value
        text = y.text(node) if y.is_scalar(node) else None
        if text is not None:
            out[str(name)] = text
    return out


def workflow_containers(docs: list[Any], lines: list[str]) -> Iterator[Snippet]:
    """Every job's `container:` and `services:` of a GitHub workflow, as the command line the runner
    creates it with: `docker run --name <job or service>`, the `options:` (docker create options,
    written as on a command line), each `volumes:` item as `-v` and `ports:` item as `-p`, then the
    `image:`. Each word is located where it is written (the name and the verb at the key)."""
    for doc in docs:
        jobs = y.get(doc, "jobs")
        if not y.is_map(jobs):
            continue
        for job_name, (_k, job) in y.entries(jobs).items():
            if not y.is_map(job):
                continue
            entries = y.entries(job)
            found: list[tuple[str, Any, Any]] = []
            if "container" in entries:
                found.append((job_name, *entries["container"]))
            services = y.get(job, "services")
            if y.is_map(services):
                found.extend((name, k, v) for name, (k, v) in y.entries(services).items())
            for name, key, node in found:
                snip = _container_snippet(name, key, node, lines)
                if snip is not None:
                    yield snip


def _container_snippet(name: str, key: Any, node: Any, lines: list[str]) -> Snippet | None:
    image = node if y.is_scalar(node) else y.get(node, "image") if y.is_map(node) else None
    if not y.is_scalar(image) or not y.text(image) or not _SAFE_NAME.match(name):
        return None
    snip = Snippet()
    snip.partial = True  # the runner adds its own options (`--workdir`, `-v` of the workspace)
    at = y.loc(key)
    head = f"docker run --name {name} \\"
    snip.add(at.line, head, [at.col - 1] * len(head))
    if y.is_map(node):
        options = y.get(node, "options")
        if y.is_scalar(options) and y.text(options):
            part = yaml_run(options, lines)
            snip.restore.update(part.restore)
            for row, cols, line_no in zip(part.lines, part.cols, part.rows):
                if not row.strip():
                    continue
                if not row.rstrip().endswith("\\"):
                    row += " \\"
                    cols = cols + [cols[-1] if cols else 0] * (len(row) - len(cols))
                snip.add(line_no, row, cols)
        for list_key, flag in (("volumes", "-v"), ("ports", "-p")):
            items = y.get(node, list_key)
            for item in y.items(items) if y.is_seq(items) else ():
                text = y.text(item) if y.is_scalar(item) else None
                if not text or any(c in text for c in "'\"\\ "):
                    continue
                start, _ = y.content(item, lines)
                row = f"{flag} {text} \\"
                snip.add(start.line, row, [start.col - 1] * (len(flag) + 1)
                         + list(range(start.col - 1, start.col - 1 + len(text))) + [start.col - 1 + len(text)] * 2)
    text = y.text(image) or ""
    if any(c in text for c in "'\"\\"):
        return None
    start, _ = y.content(image, lines)
    _add_expr(snip, start.line, text, start.col - 1)  # `${{ matrix.image }}`: one word, not known here
    return snip


_SAFE_NAME = re.compile(r"^[A-Za-z0-9_.-]+$")


def is_workflow(doc: Any) -> bool:
    """A GitHub Actions workflow (`jobs:`) or composite action (`runs: {steps: ...}`), or a GitLab CI
    configuration (`is_gitlab_ci`)."""
    return bool(y.is_map(y.get(doc, "jobs")) or y.is_seq(y.get(doc, "runs", "steps"))) or is_gitlab_ci(doc)


# -- files ---------------------------------------------------------------------------


def kind_of(name: str) -> str | None:
    """'markdown', 'make' or 'shell' for a file name that may hold docker command lines."""
    low = name.lower()
    if low.endswith((".md", ".markdown", ".mdx")):
        return "markdown"
    if low in ("makefile", "gnumakefile") or low.endswith(".mk"):
        return "make"
    if low in ("justfile", ".justfile") or low.endswith(".just"):
        return "just"
    if low.endswith(".service"):
        return "systemd"
    if low.endswith((".sh", ".bash", ".sbatch", ".slurm")):
        return "shell"
    if low.endswith((".bat", ".cmd")):
        return "batch"
    return None


def parse(path: str, text: str, real_path: str = "") -> SourceFile | None:
    """The docker command lines of a script, Makefile, Markdown file or workflow; None without any.
    `real_path`: where the file is on disk, so that an `--env-file` beside it can be read."""
    name = path.replace("\\", "/").rsplit("/", 1)[-1]
    kind = kind_of(name)
    if not (MARKER.search(text) or kind in ("batch", "markdown") and _WINDOWS_MARKER.search(text)) \
            and not (name.lower().endswith((".yml", ".yaml")) and JOB_CONTAINER.search(text)):
        return None
    if name.lower().endswith((".yml", ".yaml")):
        return parse_workflow(path, text, y.compose_all(text))
    kind = kind or "shell"
    snippets = markdown(text) if kind == "markdown" else makefile(text) if kind == "make" else \
        justfile(text) if kind == "just" else systemd_unit(text) if kind == "systemd" else \
        batch_script(text) if kind == "batch" else shell_script(text)
    return _source(path, text, snippets, documentation=kind == "markdown", real_path=real_path)


def parse_workflow(path: str, text: str, docs: list[Any]) -> SourceFile:
    lines = split_lines(text)
    return _source(path, text, [*workflow_runs(docs, lines), *workflow_containers(docs, lines),
                                *gitlab_runs(docs, lines), *taskfile_runs(docs, lines)])


def _source(path: str, text: str, snippets: Iterator[Snippet] | list[Snippet],
            documentation: bool = False, real_path: str = "") -> SourceFile:
    """`documentation`: the commands are examples shown in a document (Markdown), not run by a script.
    `real_path`: the file on disk (`--env-file` paths are read from its directory; "": not read)."""
    from glmlint import records

    from glmlint.shell import parse_script, remote

    source = SourceFile(path=path, format=Format.DOCKER_RUN, text=text)
    env_files = _EnvFiles(os.path.dirname(os.path.abspath(real_path)), os.path.dirname(path), source.reads) \
        if real_path and real_path != "-" else None
    commands: list[tuple[Command, dict[str, str]]] = []
    partial: set[int] = set()  # ids of the commands of a snippet completed elsewhere (`Snippet.partial`)
    as_run: set[int] = set()  # ids of the commands whose text the CLI gets as written (`Snippet.as_run`)
    known: dict[int, _Vars] = {}  # id of a command -> the variables its file sets
    scripts: dict[int, str] = {}  # id of a command -> the whole shell script it is in (`Snippet.script`)
    for snip in snippets:
        if not _mentions_cli(snip):
            continue
        cmds = parse_script(snip.text, snip.locate)
        if snip.windows:
            cmds = [_windows_program(c) for c in cmds]
        # `ssh gpu-box "docker run ..."`: a container started on another host is started all the same
        ran = [(c, expanded) for cmd in cmds for c, expanded in [(cmd, True), *remote(cmd)]]
        cmds = [c for c, _ in ran]
        local = {id(c) for c, expanded in ran if expanded}
        if snip.partial:
            partial.update(id(cmd) for cmd in cmds)
        if snip.as_run:
            as_run.update(id(cmd) for cmd in cmds)
        if snip.script:
            scripts.update((id(cmd), snip.text) for cmd in cmds if id(cmd) in local)
        if snip.known or snip.arrays:
            variables = _Vars(snip.known, snip.make, snip.arrays)
            for cmd in cmds:
                if id(cmd) not in local:
                    continue  # the remote shell expands its variables (`ssh host 'docker run $IMAGE'`)
                hidden = snip.hidden(cmd.loc.line, max(w.loc.line for w in cmd.argv)) & variables.values.keys() \
                    if snip.shell_refs else set()
                known[id(cmd)] = _Vars({k: v for k, v in snip.known.items() if k not in hidden}, snip.make,
                                       snip.arrays) if hidden else variables
        commands.extend((cmd, snip.restore) for cmd in cmds)
    # `docker create` only makes a container; nothing runs until `docker start`. A file that creates
    # containers and never starts one uses them to copy files out (`create`, `cp`, `rm`).
    started = any(_verb(cmd.argv, _START) is not None for cmd, _ in commands if program(cmd) is not None)
    built = _built_here(commands, known)
    internal = _internal_networks(commands)
    connected = _connected_elsewhere(commands, internal) if internal else frozenset()
    for cmd, restore in commands:
        named = cmd.option("--name") if connected else None
        w = lift(cmd, path, restore, source.assumed, created_run=started, env_files=env_files, known=known.get(id(cmd)),
                 script=scripts.get(id(cmd)), as_run=id(cmd) in as_run,
                 internal=frozenset() if named is not None and named[0] in connected else internal)
        if w is None:
            continue
        if id(cmd) in partial:
            w = records.replace(w, partial=True)
        if built and w.pulls and w.pulls[0].resolved and _local_name(w.pulls[0].name) in built:
            w = records.replace(w, pulls=())  # the image the file builds: run from the local store, not pulled
        source.workloads.append(records.replace(w, documentation=True) if documentation else w)
    if any(e.kind == JOINED_NETWORK for w in source.workloads for e in w.exposed_by):
        source.workloads = _join_containers(source.workloads)
    source.workloads.extend(_builds(commands, path, source.assumed))
    return source


def _windows_program(cmd: Command) -> Command:
    """`cmd` with its program word named as on Linux when it is the container CLI or Compose in another case,
    with `.exe`, or by its Windows path (`DOCKER`, `docker.exe`, `"C:\\Program Files\\Docker\\...\\docker.exe"`):
    cmd.exe and PowerShell look a program up on a case-insensitive file system, adding `PATHEXT`'s `.EXE`
    (learn.microsoft.com, "Command search sequence" for cmd; "about_Command_Precedence" for PowerShell).
    The CLI's own words stay as written: its subcommands and flags are case-sensitive (`docker RUN` fails)."""
    from glmlint import records

    if not cmd.argv or cmd.argv[0].dynamic:
        return cmd
    text = cmd.argv[0].text
    name = text.replace("\\", "/").rsplit("/", 1)[-1].lower()
    name = name[:-4] if name.endswith(".exe") else name
    if name == text or name not in PROGRAMS and name not in _COMPOSE_PROGRAMS:
        return cmd
    return records.replace(cmd, argv=(records.replace(cmd.argv[0], text=name), *cmd.argv[1:]))


_VAR_REFS = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)")


def _mentions_cli(snip: Snippet) -> bool:
    """The snippet may run a container CLI: it names one, or a variable that holds one (a Makefile's
    recipes, whose `DOCKER ?= docker` is not in them: `$(DOCKER) run`, `$(DOCKER_COMPOSE) run`)."""
    if MARKER.search(snip.text) or snip.windows and _WINDOWS_MARKER.search(snip.text):
        return True
    if not snip.make:
        return False
    for m in _VAR_REFS.finditer(snip.text):
        name = m.group(1)
        value = snip.known.get(name)
        if value is not None and MARKER.search(value[0]) or _PROGRAM_VAR.match(name) or _COMPOSE_VAR.match(name):
            return True
    return False


def _join_containers(workloads: list[Workload]) -> list[Workload]:
    """`docker run --network container:NAME` joins the network namespace of the container `NAME`, which
    publishes the ports (moby runconfig validateNetContainerMode refuses `-p` on the joining one): the
    ports a `docker run --name NAME` of the same file publishes on all interfaces reach its listeners
    (a chain of joins followed); a container started elsewhere publishes what is not known here."""
    from glmlint import records
    from glmlint.reach import on_all_interfaces

    named = {w.name: w for w in workloads if w.label.startswith("container `")}  # `--name` given

    def owner(w: Workload) -> Workload | None:
        seen: set[str] = set()
        while True:
            joined = next((e.name for e in w.exposed_by if e.kind == JOINED_NETWORK and not e.ports), None)
            if joined is None:
                return w
            if joined in seen or joined not in named:
                return None
            seen.add(joined)
            w = named[joined]

    out = []
    for w in workloads:
        joins = [e for e in w.exposed_by if e.kind == JOINED_NETWORK and not e.ports]
        if joins:
            kept = tuple(e for e in w.exposed_by if e not in joins)
            got = owner(w)
            ports = tuple(ServicePort(p.host_port or p.container_port, p.container_port, p.loc) for p in got.ports
                          if p.published and p.protocol.lower() == "tcp" and on_all_interfaces(p) is True) \
                if got is not None and got is not w else ()
            w = records.replace(w, exposed_by=kept + ((records.replace(joins[0], name=got.name, ports=ports,
                                                                       via=joins[0].name),)
                                                      if ports and got is not None else ()))
        out.append(w)
    return out


_BUILD = frozenset({"build"})
_TAG_FLAGS = ("-t", "--tag")


def _built_here(commands: list[tuple[Command, dict[str, str]]],
                known: dict[int, _Vars] | None = None) -> frozenset[str]:
    """The names the file's `docker build -t NAME` (`buildx build`, `image build`, podman, nerdctl)
    give the images they build: `docker run NAME` then runs that local image (the engine pulls
    only a missing image, `--pull=missing`), so its tag is not a moving upstream reference.
    `known`: the variables each command's file sets (`-t $(IMAGE)` with `IMAGE ?= x:latest`)."""
    from glmlint.interpolate import interpolate

    names: set[str] = set()
    for cmd, restore in commands:
        words = _build_words(cmd, restore)
        if words is None:
            continue
        for k, w in enumerate(words):
            t = w.text
            value = None
            if t in _TAG_FLAGS and k + 1 < len(words):
                value = words[k + 1]
            elif t.startswith(("--tag=", "-t=")) or (t.startswith("-t") and len(t) > 2 and not t.startswith("--")):
                value = Word(t.split("=", 1)[1] if "=" in t[:6] else t[2:], w.loc, w.dynamic, w.start, w.indent)
            if value is not None and value.dynamic and known and id(cmd) in known:
                got = interpolate(value.text, known[id(cmd)].values, shell=True)
                if got is not None and "$" not in got.text:
                    value = Word(got.text, value.loc)
            if value is not None and not value.dynamic and value.text:
                names.add(_local_name(value.text))
    return frozenset(names)


def _build_words(cmd: Command, restore: dict[str, str]) -> tuple[Word, ...] | None:
    """The words after `build` of a `docker [buildx|image|builder] build` (podman, nerdctl) command
    line, or None for any other command."""
    if program(cmd) is None:
        return None
    argv = _restored(cmd.argv, restore) if restore else cmd.argv
    i = 1
    while i < len(argv) and argv[i].text.startswith("-"):
        i += 2 if argv[i].text in _GLOBAL_VALUE else 1
    if i < len(argv) and argv[i].text in ("buildx", "image", "builder"):
        i += 1
    if i >= len(argv) or argv[i].text not in _BUILD:
        return None
    return argv[i + 1:]


def _builds(commands: list[tuple[Command, dict[str, str]]], path: str,
            assumed: dict[tuple[int, int], tuple[str, ...]] | None) -> list[Workload]:
    """A partial workload for each `docker build` that passes `--build-arg NAME=value`: the build
    arguments it gives (a value the shell reads from `${VAR:-default}` is the default, as when `VAR` is
    unset; `--build-arg NAME` alone passes the caller's `NAME`). The Docker docs warn that build
    arguments are kept in the image's history and provenance, so they are no place for secrets
    (docs.docker.com, "Build variables", 2026: use `--secret`)."""
    from glmlint.interpolate import interpolate

    out: list[Workload] = []
    for cmd, restore in commands:
        words = _build_words(cmd, restore)
        if not words:
            continue
        args: list[EnvVar] = []
        tag = None
        for k, w in enumerate(words):
            if w.text in _TAG_FLAGS and k + 1 < len(words) and tag is None:
                tag = words[k + 1].text
            if w.text == "--build-arg" and k + 1 < len(words):
                arg = words[k + 1]
                text = arg.text
            elif w.text.startswith("--build-arg="):
                arg, text = w, w.text[len("--build-arg="):]
            else:
                continue
            name, eq, value = text.partition("=")
            if not name or "$" in name:
                continue
            dynamic = arg.dynamic and "$" in value
            if dynamic:
                got = interpolate(value, None, shell=True)
                if got is not None and got.defaulted:  # `HF_TOKEN=${HF_TOKEN:-hf_...}`: the default when unset
                    value, dynamic = got.text, False
                    if assumed is not None:
                        assumed[(arg.loc.line, arg.loc.col)] = got.defaulted
            args.append(EnvVar(name, value if eq else None, arg.loc, dynamic=dynamic))
        if not args:
            continue
        name = tag or "the build context"
        out.append(Workload(name=name, label=f"image `{name}` (`{program(cmd)} build`)", format=Format.DOCKER_RUN,
                            path=path, anchor=cmd.argv[0].loc, partial=True, build_args=tuple(args)))
    return out


def _local_name(ref: str) -> str:
    """An image reference as the engine names it locally: `latest` when it has no tag, Docker
    Hub's `docker.io/` and `library/` left out."""
    name = ref.strip()
    for prefix in ("docker.io/", "index.docker.io/"):
        if name.startswith(prefix):
            name = name[len(prefix):]
            if name.startswith("library/"):
                name = name[len("library/"):]
    if "@" not in name and ":" not in name.rsplit("/", 1)[-1]:
        name += ":latest"
    return name


# -- one command line -----------------------------------------------------------------


class _Flag:
    __slots__ = ("name", "value", "written", "index", "word", "value_word", "path", "defaults")

    def __init__(self, name: str, value: str, index: int, word: Word, value_word: Word,
                 spread: dict[int, tuple[str, ...]] | None = None, value_at: int = -1) -> None:
        self.name = name
        self.value = value  # as the shell reads it (`${VAR:-x}` as `x`, see `_default`)
        self.written = value  # as written, for a fix to edit
        self.index = index  # the flag word's index in the docker command's argv
        self.word = word
        self.value_word = value_word  # where the value is written (the flag word itself for `--x=v`)
        from_variable = bool(spread) and (index in spread or value_at in spread)  # type: ignore[operator]
        # a flag a variable's value gives (`$(DOCKER_FLAGS)`) is written in that variable, where no
        # edit of the command line reaches it
        self.path: tuple[str | int, ...] = ("flag", index, INSIDE_TEXT) if from_variable else ("flag", index)
        # the variables it was read through a default of (`DOCKER_FLAGS ?= ...`)
        self.defaults: tuple[str, ...] = tuple(dict.fromkeys((*spread.get(index, ()), *spread.get(value_at, ())))) \
            if from_variable and spread else ()


_START = frozenset({"start"})


def _verb(argv: tuple[Word, ...], verbs: frozenset[str] | set[str] = _VERBS) -> tuple[str, int] | None:
    """(`run`/`create`, index of the first word after it), past the program's own options."""
    i = 1
    while i < len(argv):
        t = argv[i].text
        if t in _GLOBAL_VALUE:
            i += 2
        elif t.startswith("-"):
            i += 1
        else:
            break
    if i < len(argv) and argv[i].text == "container":
        i += 1
    if i < len(argv) and argv[i].text in verbs:
        return argv[i].text, i + 1
    return None


def _value_word(word: Word, text: str, skip: int) -> Word:
    """The part of `word` after its first `skip` characters, as a word of its own."""
    return Word(text, Loc(word.loc.line, word.loc.col + skip, word.loc.file), word.dynamic)


def _opaque(word: Word) -> bool:
    """An expansion that stands for options (`$DOCKER_OPTS`, `"${ARGS[@]}"`, `"$@"`, make's `$(RUN_FLAGS)`,
    `${EXTRA:-}`)."""
    if _ALTERNATE_OPTION.match(word.text):
        return True  # `${CI:+-e CI="$CI"}`: options when the variable is set
    m = _EXPANSION.match(word.text) or _VAR_WORD.match(word.text)
    return m is not None and bool(_OPTION_VAR.search(next(g for g in m.groups() if g)))


# a word that is one expansion of a variable, a default or alternative form included (`${GPUS:-}`)
_VAR_WORD = re.compile(r"^\$(?:\{([A-Za-z_][A-Za-z0-9_]*)(?:\[[@*]\])?(?::?[-+=?][^{}$]*)?\}|\(([A-Za-z_][A-Za-z0-9_]*)\)"
                       r"|([A-Za-z_][A-Za-z0-9_]*))$")
_IMAGE_VAR = re.compile(r"IMAGE|IMG|REPO|REGISTRY|TAG", re.I)
# names of variables that hold `docker run` options besides `_OPTION_VAR`'s (`$GPUS`, `$MOUNTS`)
_OPTIONS_NAME = re.compile(r"GPU|MOUNT|VOLUME|DEVICE", re.I)
# an image reference whose first part is a registry host (`ghcr.io/...`, `localhost/...`)
_REGISTRY_HOST = re.compile(r"^(?:localhost|[^/]*\.[^/]*)/")
# options of `docker run` (and podman's) that take no value: with `_VALUE_LONG`, what a word after an
# expansion must be for the expansion to be taken as options rather than the image
_BOOL_LONG = frozenset("""
rm init interactive tty detach privileged read-only read-only-tmpfs publish-all oom-kill-disable
no-healthcheck sig-proxy disable-content-trust quiet replace env-host http-proxy no-hosts use-api-socket
tls-verify rmi help
""".split())


def _options_before_image(words: list[Word], at: int) -> bool:
    """Whether the unknown expansion at `at` (`docker run $MOUNTS -p 80:80 img`, `$GPUS ollama/ollama`)
    stands for options rather than the image: its name does not say image, and what follows it is
    `docker run` options (at least one, or none when the next word is a registry or tagged reference)
    up to an image reference written out, or up to an expansion whose name says image. `docker run $IMG python train.py` keeps `$IMG` the image."""
    m = _VAR_WORD.match(words[at].text)
    if m is None or _IMAGE_VAR.search(name := next(g for g in m.groups() if g)):
        return False
    i, options = at + 1, 0
    while i < len(words):
        w, t = words[i], words[i].text
        if w.dynamic:
            var = _VAR_WORD.match(t)
            if var is None:
                return False
            if _IMAGE_VAR.search(next(g for g in var.groups() if g)):
                return True  # `docker run $GPUS -e A=1 $IMAGE`: the image is named further on
            i += 1
            continue
        if t.startswith("-") and len(t) > 1:
            span = _option_span(t)
            if span is None:
                return False
            i += span
            options += 1
            continue
        if not _IMAGE.match(t) or t.startswith((".", "/")):
            return False  # a path (`./train.sh`, `/bin/bash`) is the command after the image
        # with no option between, the expansion is options only when its name says so or the word is
        # unmistakably an image (tagged, pinned, or on a registry host); `$BASE scripts/train.sh` keeps
        # `$BASE` the image and `scripts/train.sh` its command
        return options > 0 or bool(_OPTION_VAR.search(name) or _OPTIONS_NAME.search(name)) \
            or any(c in t for c in ":@") or _REGISTRY_HOST.match(t) is not None
    return False


def _options(argv: tuple[Word, ...], start: int, known: _Vars | None = None, short: dict[str, str] = _SHORT,
             valued: frozenset[str] = _VALUE_LONG) -> tuple[tuple[Word, ...], list[_Flag], int | None, bool]:
    """The command's words with the options' and the image's variables spread into the words they
    give (`known`, `_spread`), the options from `start`, the index of the image word (None when there
    is none), and whether an expansion that may hold more options is among them. `short`, `valued`:
    the CLI's short letters and options that take a value (`docker run`'s, or `docker compose run`'s)."""
    flags: list[_Flag] = []
    opaque = False
    words = list(argv)
    spread: dict[int, tuple[str, ...]] = {}  # index of a word a variable gave -> the defaults read

    def expand(at: int) -> bool:
        """Spread the variable at `at` (words are read left to right: none after it is spread yet),
        and the next one when its value is empty; whether there is a word at `at`."""
        while known is not None and at < len(words) and (got := _spread(words[at], known)) is not None:
            parts, defaults = got
            words[at:at + 1] = parts
            spread.update((at + k, defaults) for k in range(len(parts)))
            if parts:
                break
        return at < len(words)

    def flag(name: str, value: str, index: int, word: Word, value_word: Word, value_at: int = -1) -> _Flag:
        return _Flag(name, value, index, word, value_word, spread, value_at)

    i = start
    while expand(i):
        w = words[i]
        t = w.text
        if t == "--":
            expand(i + 1)
            return tuple(words), flags, (i + 1 if i + 1 < len(words) else None), opaque
        if w.dynamic and (_opaque(w) or _options_before_image(words, i)):
            opaque = True
            i += 1
            continue
        if t.startswith("--"):
            name, eq, value = t[2:].partition("=")
            name = _ALIASES.get(name, name)
            if eq:
                flags.append(flag(name, value, i, w, _value_word(w, value, t.index("=") + 1)))
            elif name in valued and expand(i + 1):
                flags.append(flag(name, words[i + 1].text, i, w, words[i + 1], i + 1))
                i += 1
            else:
                flags.append(flag(name, "true", i, w, w))
            i += 1
            continue
        if t.startswith("-") and len(t) > 1 and w.dynamic and not t[1].isalpha():
            opaque = True  # `-$FLAG`: options not known
            i += 1
            continue
        if t.startswith("-") and len(t) > 1:  # an image never starts with `-`: `-v${PWD}/models:/models` is -v
            k = 1
            while k < len(t):
                name = short.get(t[k], t[k])
                if name in valued:
                    rest = t[k + 1:]
                    if rest:
                        skip = k + 2 if rest.startswith("=") else k + 1
                        flags.append(flag(name, t[skip:], i, w, _value_word(w, t[skip:], skip)))
                    elif expand(i + 1):
                        flags.append(flag(name, words[i + 1].text, i, w, words[i + 1], i + 1))
                        i += 1
                    break
                flags.append(flag(name, "true", i, w, w))
                k += 1
            i += 1
            continue
        return tuple(words), flags, i, opaque
    return tuple(words), flags, None, opaque


def _rejected_bool(f: _Flag, bools: frozenset[str] = _BOOL_LONG) -> bool:
    """A boolean option given a value the CLI refuses (`--privileged=yes`, `--rm=`, `--read-only=on`):
    pflag hands what follows `=` to strconv.ParseBool (`_PARSE_BOOL_TRUE`), and a value it does not
    take is a usage error (`invalid argument "yes" for "--privileged" flag`): the CLI exits 125 and
    starts no container, so nothing of the line is run. A value with an expansion is not known here."""
    return f.name in bools and f.word.text.startswith("--") and "=" in f.word.text \
        and "$" not in f.value and "`" not in f.value \
        and f.value not in _PARSE_BOOL_TRUE and f.value not in _PARSE_BOOL_FALSE


def _rejected_port(f: _Flag) -> bool:
    """A `-p` the CLI refuses when it gets it as written: a host or container port with a brace or an
    angle bracket left in it (`-p {PORT}:8000`, a notebook field IPython could not expand; `-p '<port>:8000'`),
    which is no port number (go-connections 04658561 nat/nat.go `ParsePortSpec`: "invalid hostPort",
    "invalid containerPort"): the CLI exits 125 and starts no container. Only for text the CLI gets as
    written (`Snippet.as_run`): in a script, a Makefile or a README the same text is a template's or the
    docs' placeholder (`{{cookiecutter.port}}`, `{{ .Port }}`, `<host-port>`), filled in before the line
    runs, so the port is not known and the rest of the line is read. A value with an expansion is not known here."""
    if f.name != _PUBLISH_FLAG or "$" in f.value or "`" in f.value or not any(c in f.value for c in "{}<>"):
        return False
    from glmlint.parsers.compose import parse_port

    port = parse_port(f.value, f.word.loc)
    return any(c in (part or "") for part in (port.host_port, port.container_port) for c in "{}<>")


# A variable that names Compose (`DOCKER_COMPOSE ?= docker compose` then `$(DOCKER_COMPOSE) run svc`): the
# words after it are Compose's when the file does not say what it holds (set by a `$(shell ...)`, in an `ifeq`)
_COMPOSE_VAR = re.compile(r"^(?:DOCKER_)?COMPOSE(?:_(?:CMD|CLI|BIN|EXE|COMMAND))?$", re.I)
_COMPOSE_PROGRAMS = frozenset({"docker-compose", "podman-compose"})


def _program_spread(cmd: Command, known: _Vars) -> Command:
    """`cmd` with its program word, an unquoted variable the file sets once to plain words that name a
    container CLI or Compose (`DOCKER_COMPOSE ?= docker compose`, `DC="docker-compose"`; make pastes the
    text in, the shell splits an unquoted `$DC`), as those words; `cmd` itself for any other."""
    from glmlint import records

    got = _spread(cmd.argv[0], known)
    if got is None or not got[0]:
        return cmd
    words = got[0]
    name = words[0].text.rsplit("/", 1)[-1]
    if name not in PROGRAMS and name not in _COMPOSE_PROGRAMS or (len(words) == 1 and name in PROGRAMS):
        return cmd  # a one-word CLI (`DOCKER ?= docker`) is read through `program`, its word as written
    rest = list(cmd.argv[1:])
    k = 0
    while k < len(rest) and (rest[k].dynamic or rest[k].text.startswith("-")):
        # its global options (`$(COMPOSE_FILES)`: `-f compose.yaml -f compose.gpu.yaml`) up to the subcommand
        if not rest[k].dynamic:
            k += 2 if rest[k].text in _COMPOSE_GLOBAL_VALUE or rest[k].text in _GLOBAL_VALUE else 1
            continue
        more = _spread(rest[k], known)
        if more is None:
            break
        rest[k:k + 1] = more[0]
        k += len(more[0])
    return records.replace(cmd, argv=(*words, *rest))


def _compose_program(cmd: Command) -> bool:
    """`cmd` runs Compose v1 (`docker-compose`, `podman-compose`) or a variable named for Compose."""
    if cmd.name in _COMPOSE_PROGRAMS:
        return True
    m = _PROGRAM_WORD.match(cmd.argv[0].text) if cmd.argv and cmd.argv[0].dynamic else None
    return m is not None and not m.group(3) and bool(_COMPOSE_VAR.match(m.group(1) or m.group(2) or m.group(4)))


# `docker network create` options that take a value (docker/cli 048296b7 cli/command/network/create.go)
_NETWORK_CREATE_VALUE = frozenset({"--aux-address", "--config-from", "-d", "--driver", "--gateway", "--ip-range",
                                   "--ipam-driver", "--ipam-opt", "--label", "-o", "--opt", "--scope", "--subnet"})


def _internal_networks(commands: list[tuple[Command, dict[str, str]]]) -> frozenset[str]:
    """The networks the file creates with `docker network create --internal NAME` (not an `overlay` one: a
    swarm service publishes through the ingress network whatever its own networks, as in
    `compose._internal_networks`). Podman's are not among them: rootless Podman's `rootlessport` forwards
    published ports to a container on an internal network all the same (`glmlint.parsers.quadlet`)."""
    out: set[str] = set()
    for cmd, _restore in commands:
        if program(cmd) != "docker" or "--internal" not in cmd.words() and not any(
                w.text.startswith("--internal=") for w in cmd.argv):
            continue
        words = [w.text for w in cmd.argv]
        at = next((k for k in range(1, len(words) - 1) if words[k] == "network" and words[k + 1] == "create"), None)
        if at is None:
            continue
        internal, overlay, name = False, False, None
        k = at + 2
        while k < len(words):
            t = words[k]
            flag, eq, value = t.partition("=")
            if flag == "--internal":
                internal = not eq or value.lower() in ("1", "t", "true")
            elif flag in _NETWORK_CREATE_VALUE:
                if not eq:
                    k += 1
                    value = words[k] if k < len(words) else ""
                if flag in ("-d", "--driver"):
                    overlay = value == "overlay"
            elif not t.startswith("-") and name is None:
                name = t
            k += 1
        if internal and not overlay and name and "$" not in name:
            out.add(name)
    return frozenset(out)


# `docker network connect [OPTIONS] NETWORK CONTAINER`: the options that take a value
_NETWORK_CONNECT_VALUE = frozenset({"--alias", "--driver-opt", "--ip", "--ip6", "--link", "--link-local-ip"})


def _connected_elsewhere(commands: list[tuple[Command, dict[str, str]]], internal: frozenset[str]) -> frozenset[str]:
    """The containers the file connects with `docker network connect NET NAME` to a network that is not one of
    its `--internal` ones (or one a variable names): the engine gives every endpoint it adds the container's
    published ports unless that network is internal (moby b985e231 daemon/network.go
    `buildPortsRelatedCreateEndpointOptions`), so a `-p` of a container started on an internal network is
    published once it joins another (review A20 F1)."""
    out: set[str] = set()
    for cmd, _restore in commands:
        if program(cmd) != "docker" or "connect" not in cmd.words():
            continue
        words = [w.text for w in cmd.argv]
        at = next((k for k in range(1, len(words) - 1) if words[k] == "network" and words[k + 1] == "connect"), None)
        if at is None:
            continue
        rest: list[str] = []
        k = at + 2
        while k < len(words):
            t = words[k]
            if t.startswith("-"):
                if t in _NETWORK_CONNECT_VALUE:
                    k += 1
            else:
                rest.append(t)
            k += 1
        if len(rest) >= 2 and (rest[0] not in internal or "$" in rest[0]):
            out.add(rest[1])
    return frozenset(out)


def plausible_image(text: str) -> bool:
    """An image reference, or an expansion that yields one; not a placeholder (`IMAGE`, `<image>`, `...`).
    A template's `{{ .Image }}` (`{{image}}`) is an expansion: the template engine fills it in before the
    script runs (`_TEMPLATE_PLACEHOLDER`), as the shell does `$IMAGE`."""
    return "$" in text or bool(_IMAGE.match(text)) or text.startswith("{{") and "}}" in text


def lift(cmd: Command, path: str, restore: dict[str, str] | None = None,
         assumed: dict[tuple[int, int], tuple[str, ...]] | None = None, created_run: bool = True,
         env_files: _EnvFiles | None = None, known: _Vars | None = None, script: str | None = None,
         as_run: bool = False, internal: frozenset[str] = frozenset()) -> Workload | None:
    """The workload a `docker run`/`create` command line starts, or None for any other command
    (and for a `create` when `created_run` is False: its file never starts a container).
    `env_files`: where an `--env-file` is read from (None: not read, its variables unknown).
    `known`: the variables the file sets (`Snippet.known`), which the options and the image word are
    read with (make expands `$(NAME)` before the shell runs the recipe). `script`: the whole shell
    script the command is in (`_default`). `as_run`: the CLI gets the text as written, no template fills it
    in first (`Snippet.as_run`). `internal`: the networks the file creates with `docker network create
    --internal` (`_internal_networks`)."""
    if known is not None and cmd.argv and cmd.argv[0].dynamic:
        cmd = _program_spread(cmd, known)
    prog = program(cmd)
    if prog is None and not _compose_program(cmd):
        return None
    argv = _restored(cmd.argv, restore) if restore else cmd.argv
    verb = _verb(argv) if prog is not None else None
    if verb is None and prog == "docker" and (at := _service_create(argv)) is not None:
        return _lift_service(cmd, argv, at, path, assumed, env_files, known, script)
    if verb is None:
        at = _compose_run(argv, prog)
        return None if at is None else _lift_compose_run(cmd, argv, at, path, assumed, env_files, known)
    if verb[0] == "create" and not created_run:
        return None
    argv, flags, image_at, opaque = _options(argv, verb[1], known)
    if image_at is None or any(f.name == "help" or _rejected_bool(f) or as_run and _rejected_port(f) for f in flags):
        return None
    if known is not None:
        if argv[image_at].dynamic:
            argv = _known_image(argv, image_at, known, assumed)
        argv = argv[:image_at + 1] + tuple(_known_word(w, known, assumed) for w in argv[image_at + 1:])
    image_word = argv[image_at]
    if not plausible_image(image_word.text):
        return None  # a usage line or a placeholder: `docker run [OPTIONS] IMAGE`
    return _workload(cmd, argv, verb[0], flags, image_at, path, partial=opaque, assumed=assumed,
                     env_files=env_files, known=known, script=script,
                     internal=internal if prog == "docker" else frozenset())


# `docker compose run [OPTIONS] SERVICE [COMMAND]` (and Compose v1's `docker-compose run`): a one-off
# container of a service, with what its flags add over the service (docker/compose f7297942,
# cmd/compose/run.go: its flag set, interspersed off, `volumes`/`labels` normalised; `-P` is
# `--service-ports`, the service's own ports, not `docker run`'s `--publish-all`). Compose's own
# options before `run` that take a value (`docker compose --help`).
_COMPOSE_GLOBAL_VALUE = frozenset({"-f", "--file", "-p", "--project-name", "--env-file", "--profile",
                                   "--project-directory", "--ansi", "--progress", "--parallel", "--workdir"})
_COMPOSE_RUN_VALUE = frozenset({"env", "env-from-file", "label", "name", "user", "workdir", "entrypoint", "cap-add",
                                "cap-drop", "volume", "publish", "pull"})
_COMPOSE_RUN_BOOL = frozenset({"detach", "rm", "no-tty", "no-deps", "use-aliases", "service-ports", "quiet",
                               "quiet-build", "quiet-pull", "build", "remove-orphans", "interactive", "tty"})
_COMPOSE_RUN_SHORT = {"d": "detach", "e": "env", "l": "label", "T": "no-tty", "u": "user", "w": "workdir",
                      "v": "volume", "p": "publish", "P": "service-ports", "q": "quiet", "i": "interactive",
                      "t": "tty"}
_COMPOSE_RUN_NAMES = {"volumes": "volume", "labels": "label", "no-TTY": "no-tty"}


# `docker service create [OPTIONS] IMAGE [COMMAND] [ARG...]`: a Swarm service, whose tasks run the image as
# containers (docker/cli v29.7.2, a7dcaa6f: cli/command/service/create.go `newCreateCommand`, which adds
# opts.go `addServiceFlags`; options stop at the image, `SetInterspersed(false)`). Its options are not
# `docker run`'s: no `--privileged`, `--security-opt`, `--pid`, `--ipc`, `--device` or `-v` (the CLI refuses
# them), `--cap-add`/`--cap-drop` since API 1.41, `--limit-memory` for `--memory`, an `--entrypoint` split
# into words as a shell would (`ShlexOpt`)
_SERVICE_BOOL = frozenset({"detach", "quiet", "tty", "read-only", "no-resolve-image", "with-registry-auth",
                           "no-healthcheck", "init", "help"})
_SERVICE_VALUE = frozenset("""
workdir user credential-spec hostname entrypoint cap-add cap-drop limit-cpu limit-memory reserve-cpu
reserve-memory limit-pids memory-swap memory-swappiness stop-grace-period replicas max-concurrent
replicas-max-per-node restart-condition restart-delay restart-max-attempts restart-window update-parallelism
update-delay update-monitor update-failure-action update-max-failure-ratio update-order rollback-parallelism
rollback-delay rollback-monitor rollback-failure-action rollback-max-failure-ratio rollback-order endpoint-mode
log-driver log-opt health-cmd health-interval health-timeout health-retries health-start-period
health-start-interval stop-signal isolation mode name label container-label env env-file mount constraint
placement-pref network secret config publish group dns dns-option dns-search host sysctl ulimit oom-score-adj
generic-resource""".split())
_SERVICE_SHORT = {"d": "detach", "q": "quiet", "w": "workdir", "u": "user", "t": "tty", "l": "label", "e": "env",
                  "p": "publish", "h": "help"}
# what the rules read, by the name of the `docker run` option that sets the same (the rest set nothing they read)
_SERVICE_AS_RUN = {"user": "user", "read-only": "read-only", "cap-add": "cap-add", "cap-drop": "cap-drop",
                   "env": "env", "env-file": "env-file", "mount": "mount", "publish": "publish",
                   "entrypoint": "entrypoint", "sysctl": "sysctl", "workdir": "workdir", "name": "name",
                   "limit-memory": "memory", "network": "network"}
# the CLI's test for a `--publish` in the long syntax (opts/swarmopts/port.go `PortOpt.Set`: unanchored)
_SERVICE_LONG_PORT = re.compile(r"\w+=\w+(,\w+=\w+)*")
# the short syntax without a host IP (which the CLI refuses; an empty one is none): `[[:]published:]target[/protocol]`
_SERVICE_SHORT_PORT = re.compile(r"^:?((?:\d*(?:-\d+)?:)?\d+(?:-\d+)?)(?:/(?:tcp|udp|sctp))?$")


def _service_create(argv: tuple[Word, ...]) -> int | None:
    """The index of the first word after `create` in `docker [options] service create`, else None."""
    i = 1
    while i < len(argv) and argv[i].text.startswith("-"):
        i += 2 if argv[i].text in _GLOBAL_VALUE else 1
    if i + 1 < len(argv) and argv[i].text == "service" and argv[i + 1].text == "create":
        return i + 2
    return None


def _lift_service(cmd: Command, argv: tuple[Word, ...], at: int, path: str,
                  assumed: dict[tuple[int, int], tuple[str, ...]] | None, env_files: _EnvFiles | None,
                  known: _Vars | None, script: str | None) -> Workload | None:
    """The containers `docker service create` runs, read from what its options set (`_SERVICE_AS_RUN`):
    a partial workload (the engine's defaults, and `no-new-privileges`, which no option of the service
    sets, are not known from the line), without fixes (`Workload.no_fix`: a `docker run` fix, such as a
    loopback host IP on a published port, is refused here). None when the CLI refuses the line: an option
    it does not take (`--privileged`), a `--publish` it cannot read."""
    from glmlint import records

    argv, flags, image_at, opaque = _options(argv, at, known, _SERVICE_SHORT, _SERVICE_VALUE)
    if image_at is None:
        return None
    kept: list[_Flag] = []
    for f in flags:
        raw = f.word.text[2:].partition("=")[0] if f.word.text.startswith("--") else f.name
        if raw not in _SERVICE_VALUE and raw not in _SERVICE_BOOL or _rejected_bool(f, _SERVICE_BOOL):
            return None  # (`--net` is `docker run`'s alias only)
        if f.name == "help":
            return None
        name = _SERVICE_AS_RUN.get(f.name)
        if name is None or name == "network" and f.value.strip() != "host":
            continue  # (`--network host`: the host's network, docs.docker.com engine/network/drivers/host)
        if name == "publish":
            spec = _service_port(f.value)
            if spec is None and ("$" in f.value or "`" in f.value):
                continue  # what the shell gives it (`published=${PORT},target=80`): not known here
            if spec is None:
                return None
            f.value = f.written = spec
        f.name = name
        f.path = (*f.path[:2], INSIDE_TEXT)  # no edit: `Workload.no_fix`
        kept.append(f)
    if known is not None and argv[image_at].dynamic:
        argv = _known_image(argv, image_at, known, assumed)
    if not plausible_image(argv[image_at].text):
        return None
    w = _workload(cmd, argv, "service create", kept, image_at, path, partial=True, assumed=assumed,
                  env_files=env_files, known=known, compose=True, script=script)
    named = next((f.value for f in reversed(kept) if f.name == "name" and f.value), None)
    return records.replace(w, partial=True, no_fix="`docker service create` takes other options than `docker run`",
                           label=f"service `{named}` (`docker service create`)" if named else w.label)


def _service_port(value: str) -> str | None:
    """A `docker service create --publish` as the `docker run -p` spec that publishes the same port (None: one
    the CLI refuses). Long syntax `published=8080,target=80[,protocol=udp][,mode=host]`: `8080:80/udp`, on
    every interface (of every node through the routing mesh, `mode=ingress`, or of the task's node,
    `mode=host`), `80/tcp` without `published` (Swarm picks the port). Short syntax `[ip:]8080:80[/udp]`: as
    written, but a host IP is refused ("hostip is not supported": docker/cli v29.7.2 opts/swarmopts/port.go
    `PortOpt.Set`, since v18.06)."""
    if not _SERVICE_LONG_PORT.search(value):
        if "$" in value or "`" in value:
            spec = value.split("/", 1)[0]
            return None if spec.count(":") > 1 or "[" in spec else value  # read as `docker run -p`'s
        got = _SERVICE_SHORT_PORT.match(value)  # (go-connections nat.ParsePortSpec: numbers, ranges, a protocol)
        return value if got is not None and all(int(n) <= 65535 for n in re.findall(r"\d+", got.group(1))) else None
    fields: dict[str, str] = {}
    for field in value.split(","):  # (a CSV record; no field of the four holds a comma)
        key, eq, val = field.lower().partition("=")
        if not eq or key not in ("target", "published", "protocol", "mode"):
            return None
        fields[key] = val
    target, published = fields.get("target", ""), fields.get("published")
    if not target.isdigit() or not 0 < int(target) <= 65535 \
            or published is not None and not (published.isdigit() and int(published) <= 65535) \
            or fields.get("protocol", "tcp") not in ("tcp", "udp", "sctp") or fields.get("mode", "ingress") not in ("ingress", "host"):
        return None
    proto = fields.get("protocol", "tcp")
    return f"{published}:{target}/{proto}" if published is not None else f"{target}/{proto}"


def _compose_run(argv: tuple[Word, ...], prog: str | None) -> int | None:
    """The index of the first word after `run` in `docker compose [options] run` / `docker-compose
    [options] run`, None for any other command."""
    i = 1
    if prog is not None:  # `docker [--context x] compose`, `$(DOCKER) compose`, `podman compose`
        while i < len(argv) and argv[i].text.startswith("-"):
            i += 2 if argv[i].text in _GLOBAL_VALUE else 1
        if prog == "nerdctl" or i >= len(argv) or argv[i].text != "compose":
            return None
        i += 1
    while i < len(argv) and argv[i].text.startswith("-"):
        i += 2 if argv[i].text in _COMPOSE_GLOBAL_VALUE else 1
    return i + 1 if i < len(argv) and argv[i].text == "run" else None


def _lift_compose_run(cmd: Command, argv: tuple[Word, ...], at: int, path: str,
                      assumed: dict[tuple[int, int], tuple[str, ...]] | None, env_files: _EnvFiles | None,
                      known: _Vars | None) -> Workload | None:
    """The one-off container `docker compose run` starts: what its flags set over the service, a
    partial workload (the service's own settings are in its compose file), with no image of its own.
    A flag `compose run` does not take (`--privileged`) stops the CLI: no container."""
    from glmlint import records

    argv, flags, service_at, opaque = _options(argv, at, known, _COMPOSE_RUN_SHORT, _COMPOSE_RUN_VALUE)
    for f in flags:
        f.name = _COMPOSE_RUN_NAMES.get(f.name, f.name)
    if service_at is None or any(f.name not in _COMPOSE_RUN_VALUE and f.name not in _COMPOSE_RUN_BOOL
                                 or _rejected_bool(f, _COMPOSE_RUN_BOOL) for f in flags):
        return None
    given = {f.name: f.value for f in flags}  # pflag: the last of a repeated option wins
    if given.get("service-ports") in _PARSE_BOOL_TRUE and "publish" in given or "tty" in given and "no-tty" in given:
        # usage errors Compose refuses before it creates anything (docker/compose f7297942 cmd/compose/run.go
        # PreRunE: "--service-ports and --publish are incompatible", "--tty and --no-tty can't be used together")
        return None
    service = argv[service_at]
    if not re.match(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$", service.text) or service.text.isupper():
        return None  # a placeholder (`SERVICE`, `<service>`) or an expansion: not a service known here
    if service_at + 1 == len(argv) and all(f.name in _COMPOSE_RUN_BOOL for f in flags) \
            and not any(w.text.startswith("--env-file") for w in argv[1:at]):
        # `docker compose run --rm web`: the service as its file has it, which the file's own scan reads (not
        # with `--env-file`, which its variables come from instead of the `.env`)
        return None
    w = _workload(cmd, argv, "run", flags, service_at, path, partial=True, assumed=assumed, env_files=env_files,
                  known=known, compose=True)
    name = next((f.value for f in reversed(flags) if f.name == "name" and f.value), None)
    run = f"{argv[0].text} run" if _compose_program(cmd) else f"{argv[0].text} compose run"
    label = f"container `{name}` (`{run}` of service `{service.text}`)" if name else \
        f"`{run}` of service `{service.text}`"
    w = records.replace(w, name=name or service.text, label=label, image=None, pulls=(), partial=True)
    linked = _linked_service(argv, at, service.text, env_files) if env_files is not None and not opaque else None
    return _over_service(w, *linked, flags) if linked is not None else w


def _compose_files(argv: tuple[Word, ...], at: int, names: tuple[str, ...] = ("-f", "--file")) -> list[str] | None:
    """The `-f`/`--file` files of `docker compose [options] run` before `run` (`at`: the word after
    it), as written; None when one holds an expansion or is standard input (not known here).
    (`names`: the option's names, the long one last; another option that names files: `("--env-file",)`.)"""
    long = names[-1]
    files: list[str] = []
    i = 1
    while i < at - 1:
        t = argv[i].text
        if t in names and i + 1 < at - 1:
            files.append(argv[i + 1].text)
            i += 2
            continue
        if t.startswith(long + "="):
            files.append(t[len(long) + 1:])
        i += 1
    if any(not f or f == "-" or "$" in f or "`" in f for f in files):
        return None
    return files


def _compose_env(argv: tuple[Word, ...], at: int, where: _EnvFiles) -> dict[str, str] | None | bool:
    """The variables the `--env-file` files of `docker compose [options] run` set (later ones win), which
    Compose interpolates its files with instead of the project's `.env` (docs.docker.com, "Set environment
    variables: use --env-file"); None when none is given, False when one is not known here (a variable,
    a file not on disk: Compose refuses to start)."""
    from glmlint.interpolate import read_dotenv

    named = _compose_files(argv, at, ("--env-file",))
    if named is None:
        return False
    if not named:
        return None
    env: dict[str, str] = {}
    for name in named:
        path = os.path.normpath(os.path.join(where.real_dir, name))
        try:
            with open(path, "rb") as fh:
                env.update(read_dotenv(fh.read(1 << 20).decode("utf-8", "replace")))
        except OSError:
            return False
        where.reads.append(path)
    return env


def _linked_service(argv: tuple[Word, ...], at: int, service: str, where: _EnvFiles) -> tuple[Workload, str] | None:
    """The service `docker compose run SERVICE` starts, as Compose loads it, and the file that
    defines it last as the scan shows it. The project's files are those `glmlint.composefiles.project`
    finds (the `-f` files, else `COMPOSE_FILE` of the `.env`, else the default file with its
    override), each merged over the ones before (docs.docker.com, "Merge Compose files"): the
    service is read from the last file that defines it, with the files before it merged under it.
    None when none is found."""
    from glmlint.composefiles import project
    from glmlint.parsers import compose

    named = _compose_files(argv, at)
    env = _compose_env(argv, at, where)
    if env is False:
        return None
    dotenv: list[str] = []  # the `.env` whose `COMPOSE_FILE` names the files, a file the command reads
    files = project(named, where.real_dir, dotenv) if named is not None else None
    where.reads.extend(dotenv)
    if not files:
        return None
    last = next((i for i in range(len(files) - 1, -1, -1) if service in compose._service_names(files[i])), None)
    if last is None:
        return _included_service(files, service, where)
    key = files[:last + 1]
    real = key[-1]
    shown = _shown(real, where)
    cached = (*key, *((f"{k}={v}" for k, v in sorted(env.items())) if isinstance(env, dict) else ()))  # and --env-file's
    if cached not in where.composed:
        text = compose._read_other(real)
        source = None
        if text is not None:
            try:
                docs = y.compose_all(text)
                source = compose.parse(shown, text, docs, real, env=env if isinstance(env, dict) else None,
                                       below=key[:-1]) if any(compose.is_compose(d) for d in docs) else None
            except (y.YamlError, ValueError):
                source = None
        where.composed[cached] = source
    source = where.composed[cached]
    if source is None:
        return None
    w = next((w for w in source.workloads if w.name == service and w.node_path[1:] == ("services", service)), None)
    if w is None:
        return None
    where.reads.extend((real, *source.reads))
    return w, shown


def _shown(real: str, where: _EnvFiles) -> str:
    """The path the scan shows for the project file `real`, beside the script as it is shown."""
    rel = os.path.relpath(real, where.real_dir).replace(os.sep, "/")
    return posixpath.normpath(posixpath.join(where.display_dir.replace(os.sep, "/"), rel))


def _included_service(files: tuple[str, ...], service: str, where: _EnvFiles) -> tuple[Workload, str] | None:
    """The service a file of the project includes (`include:`, Compose 2.20+), as
    `compose.defined_elsewhere` reads it, and the included file as the scan shows it."""
    from glmlint.parsers import compose

    for real in reversed(files):
        text = compose._read_other(real)
        if text is None or "include" not in text:
            continue
        try:
            docs = y.compose_all(text)
        except y.YamlError:
            continue
        shown = _shown(real, where)
        w = compose.defined_elsewhere(service, compose.includes(docs, real), real, shown)
        if w is not None:
            where.reads.append(real)
            return w, w.anchor.file or shown
    return None


def _over_service(run: Workload, service: Workload, shown: str, flags: list[_Flag]) -> Workload:
    """The one-off container of `service` (located in its file, `shown`) with what the `compose run`
    flags change (docker compose run reference, docs.docker.com: the command replaces the service's
    `command`, `--entrypoint` its entrypoint (and its `command` when the run gives none), `-e`/`-v`/`-u`/`-w`/`--cap-add`/`--cap-drop` add or
    override; its ports are published only with `--service-ports`, `-p` adds more)."""
    from glmlint import records
    from glmlint.link import stamp
    from glmlint.shell import from_argv

    s = stamp(service, shown)
    given = {f.name for f in flags}
    changes: dict[str, Any] = {}
    service_ports = next((f.value for f in reversed(flags) if f.name == "service-ports"), "false") in _PARSE_BOOL_TRUE
    changes["ports"] = (s.ports if service_ports else ()) + run.ports
    names = {v.name for v in run.env}
    changes["env"] = tuple(v for v in s.env if v.name not in names) + run.env
    changes["env_imports"] = s.env_imports + run.env_imports
    changes["mounts"] = s.mounts + run.mounts
    for name, field_name in (("cap-add", "cap_add"), ("cap-drop", "cap_drop")):
        if name in given:
            mine, theirs = getattr(run, field_name), getattr(s, field_name)
            items = (theirs.value or ()) + (mine.value or ()) if theirs is not None else mine.value
            changes[field_name] = records.replace(mine, value=items)
    if "user" in given:
        changes["user"] = run.user
    if "workdir" in given:
        changes["workdir"] = run.workdir
    if "entrypoint" in given or run.command.explicit:
        changes["entrypoint"] = run.entrypoint if "entrypoint" in given else s.entrypoint
        # `--entrypoint` with no command clears the service's `command` (docker/compose f7297942,
        # pkg/compose/run.go applyRunOptions: `service.Command = []string{}` when none is given)
        changes["command"] = run.command if run.command.explicit or "entrypoint" in given else s.command
        entry = changes["entrypoint"].value or ()
        words = tuple(entry) + tuple(changes["command"].value or ())
        changes["process"] = tuple(from_argv(words, words[0].loc)) if words else ()
        changes["privilege_drop"] = run.privilege_drop
        changes["files"] = run.files
    for field_name in ("name", "label", "format", "path", "anchor", "node_path", "documentation"):
        changes[field_name] = getattr(run, field_name)
    return records.replace(s, partial=True, pulls=(), build=None, exposed_by=s.exposed_by, **changes)


def _known_image(argv: tuple[Word, ...], at: int, known: _Vars,
                 assumed: dict[tuple[int, int], tuple[str, ...]] | None) -> tuple[Word, ...]:
    """`argv` with its image word (`$(IMAGE)`, `"$IMAGE"`) read with the variables the file sets, when
    every one it names is known; a default among them (`IMAGE ?= x`) is noted in `assumed`."""
    from glmlint.interpolate import interpolate

    word = argv[at]
    got = interpolate(word.text, known.values, shell=True)
    if got is None or "$" in got.text:
        return argv
    defaults = known.assumed(got)
    if defaults and assumed is not None:
        assumed[(word.loc.line, word.loc.col)] = defaults
    return (*argv[:at], Word(got.text, word.loc, False, word.start, word.indent), *argv[at + 1:])


def _known_word(word: Word, known: _Vars, assumed: dict[tuple[int, int], tuple[str, ...]] | None) -> Word:
    """A word of the container's command (`--port $(PORT)`, `--model "$MODEL"`) read with the variables
    the file sets when it stays one word with no blank (make pastes the value in, the shell expands
    it): a script in one word (`sh -c "... $PORT"`) keeps its text, so that its places stay exact."""
    if not word.dynamic:
        return word
    from glmlint import records
    from glmlint.interpolate import interpolate

    got = interpolate(word.text, known.values, shell=True)
    if got is None or not got.from_env or "$" in got.text or any(c in got.text for c in " \t\n"):
        return word
    defaults = known.assumed(got)
    if defaults and assumed is not None:
        assumed[(word.loc.line, word.loc.col)] = defaults
    return records.replace(word, text=got.text, dynamic=False)


def _restored(argv: tuple[Word, ...], restore: dict[str, str]) -> tuple[Word, ...]:
    out = []
    for w in argv:
        text = w.text
        for key, expr in restore.items():
            if key in text:
                text = text.replace(key, expr)
        out.append(w if text == w.text else Word(text, w.loc, True, w.start, w.indent))
    return tuple(out)


def _default(f: _Flag, assumed: dict[tuple[int, int], tuple[str, ...]] | None, known: _Vars | None,
             script: str | None = None) -> None:
    """A flag value the shell expands from `${VAR:-default}`/`${VAR-default}` or from the variables
    the file sets (`known`): the default, as when `VAR` is unset (recorded in `assumed` at the flag:
    for `-p`, only the variables that decide where and what it publishes, as for a compose port),
    and the variables' values; anything else unknown stays as written. `f.written` keeps the text
    as written. `script`: the whole shell script the flag is in, where a `-p` host IP's variable
    (`-p ${BIND}:8000:8000`, `-p ${BIND}8000:8000`) it never sets is read as the shell reads it unset:
    empty (`_may_set`); None (a Python list, a CI step, a README), such a variable stays unknown."""
    from glmlint.interpolate import interpolate
    from glmlint.parsers.compose import parse_port, port_defaults, unset_ip

    found = interpolate(f.value, known.values if known is not None else None, shell=True)
    unset = unset_ip(f.value, lambda name: _may_set(name, script)) \
        if found is None and f.name == "publish" and script is not None else None
    if unset is not None:
        rest = interpolate(unset[0], known.values if known is not None else None, shell=True)
        f.value = rest.text if rest is not None else unset[0]
        if assumed is not None:
            assumed[(f.word.loc.line, f.word.loc.col)] = (unset[1],)
        return
    if found is None or (f.value_word.start is None and found.from_env and any(c in found.text for c in " \t\n")):
        return  # unknown, or an unquoted expansion the shell splits into more words
    f.value = found.text
    f.value_word = Word(found.text, f.value_word.loc, False, f.value_word.start, f.value_word.indent)
    names = known.assumed(found) if known is not None else found.defaulted
    if f.name == "publish":
        names = port_defaults(parse_port(f.written, f.word.loc, (), f.value), names)
    if assumed is not None and names:
        assumed[(f.word.loc.line, f.word.loc.col)] = names


def _workload(cmd: Command, argv: tuple[Word, ...], verb: str, flags: list[_Flag], image_at: int,
              path: str, partial: bool, assumed: dict[tuple[int, int], tuple[str, ...]] | None = None,
              env_files: _EnvFiles | None = None, known: _Vars | None = None, compose: bool = False,
              script: str | None = None, internal: frozenset[str] = frozenset()) -> Workload:
    from glmlint import records
    from glmlint.parsers.compose import (discarded, discards, drop_setting, parse_device, parse_port,
                                         parse_volume, security_settings)
    from glmlint.shell import file_writes, from_argv, split_words

    for f in flags:
        if f.value_word.dynamic and "$" in f.value:
            _default(f, assumed, known, script)
        elif f.defaults and assumed is not None:
            assumed[(f.word.loc.line, f.word.loc.col)] = f.defaults
    anchor = argv[0].loc
    by: dict[str, list[_Flag]] = {}
    for f in flags:
        by.setdefault(f.name, []).append(f)

    def last(name: str) -> _Flag | None:
        found = by.get(name)
        return found[-1] if found else None

    kwargs: dict[str, Any] = {}
    for field_name, row in _SETTINGS:
        value = _read(by, row)
        if value is not None:
            kwargs[field_name] = value
    security_opts = _items(by, _OPTIONS_FLAG)
    kwargs.update(security_settings(security_opts))
    # `--sysctl name=value`, repeatable
    kwargs["sysctls"] = tuple(Item(f.value.split("=", 1)[0].strip(), f.word.loc, f.path)
                              for f in by.get(_SYSCTL_FLAG, ()) if f.value.split("=", 1)[0].strip())

    entrypoint = last(_ENTRYPOINT_FLAG)
    entry_words: tuple[Word, ...] = ()
    if entrypoint is not None:
        # `--entrypoint` is one executable (no arguments); "" resets the image's. `compose run`'s is
        # split into words (docker/compose f7297942 cmd/compose/run.go: `shellwords.Parse`)
        entry_words = (entrypoint.value_word,) if entrypoint.value else ()
        if compose and entry_words and not entry_words[0].dynamic:
            word = entry_words[0]
            entry_words = split_words(word.text, word.start or word.loc)
        kwargs["entrypoint"] = Setting(entry_words or None, entrypoint.word.loc, path=entrypoint.path)
    command = argv[image_at + 1:]
    if command:
        kwargs["command"] = Setting(command, command[0].loc, path=("flag", image_at + 1))
    words = entry_words + command
    process = from_argv(words, words[0].loc) if words else []

    mounts: list[Mount] = []
    volume, mount, tmpfs = _MOUNT_FLAGS
    for f in flags:
        if f.name == volume:
            mounts.append(parse_volume(f.value, f.word.loc, f.path))
        elif f.name == mount:
            mounts.append(_mount(f))
        elif f.name == tmpfs:
            mounts.append(Mount(None, f.value.split(":", 1)[0], "tmpfs", False, f.word.loc, f.path))
    # read as the shell expands it, its text kept as written (`${BIND:-0.0.0.0}:8888:8888`) for a fix
    ports = [parse_port(f.written, f.word.loc, f.path, f.value if f.value != f.written else None)
             for f in by.get(_PUBLISH_FLAG, ())]
    if known is not None and known.make:
        # a spec make reads from its variables (`$(PORT):8888`) is not written as the shell text shows it
        # (`${PORT}:8888`): no edit finds it
        ports = [records.replace(p, spec_editable=False) if "$" in (p.spec or "") else p for p in ports]
    devices = [parse_device(f.value, f.word.loc, f.path) for f in by.get(_DEVICE_FLAG, ()) if f.value]
    # the Docker CLI reads every `--env-file` first, in order, then the `-e` flags: later ones win
    env, imports = _env_files(by.get("env-file", ()), env_files)
    for f in by.get(_ENV_FLAG, ()):
        var, eq, text = f.value.partition("=")
        # `-e NAME` passes the host's value; `-e NAME="$X"` a reference, not a literal
        env.append(EnvVar(var, text if eq else None, f.word.loc, f.path,
                          dynamic=f.value_word.dynamic and "$" in text))

    # `--network container:NAME`: the ports of the container it joins, filled in by `_join_containers`
    network = last("network")
    networks = [f.value.strip() for f in by.get("network", ())]
    # `--network host`/`none`/`container:x`: Docker publishes nothing, `-p` and `-P` alike (compose.discarded);
    # on networks the file made `--internal` only neither: the engine maps no port there (moby b985e231
    # daemon/network.go `buildPortsRelatedCreateEndpointOptions`), as for compose `internal: true`
    mode = network.value.strip() if network is not None and discards(network.value) else \
        "none" if internal and networks and all(n in internal for n in networks) else None
    if mode is not None:
        ports = list(discarded(ports, mode))
        if "publish_all" in kwargs and kwargs["publish_all"].value:
            kwargs["publish_all"] = records.replace(kwargs["publish_all"], value=False)
    joins = (Exposure(JOINED_NETWORK, network.value.split(":", 1)[1].strip(), None, (), (), network.word.loc),) \
        if network is not None and network.value.startswith("container:") and network.value[10:].strip() else ()
    image = argv[image_at]
    name_flag = last("name")
    run = f"{program(cmd)} {verb}"
    label = (f"container `{name_flag.value}` (`{run}`)" if name_flag is not None and name_flag.value
             else f"`{run}` of `{image.text}`")
    return Workload(
        name=name_flag.value if name_flag is not None and name_flag.value else image.text,
        label=label,
        format=Format.DOCKER_RUN,
        path=path,
        anchor=anchor,
        node_path=("flag", 0),
        partial=partial,  # `$DOCKER_OPTS` may set what is absent here
        image=Setting(image.text, image.loc, path=("flag", image_at)),
        pulls=(ImageRef(image.text, image.loc, label if name_flag is not None and name_flag.value else f"`{run}`",
                        resolved=not image.dynamic),),
        security_opts=security_opts,
        mounts=tuple(mounts),
        devices=tuple(devices),
        ports=tuple(ports),
        env=tuple(env),
        env_imports=imports,
        process=tuple(process),
        privilege_drop=drop_setting(process),
        files=tuple(file_writes(process, image=None if image.dynamic else image.text)),
        workdir=_workdir(last("workdir")),
        exposed_by=joins,
        **kwargs,
    )


def _workdir(f: _Flag | None) -> str | None:
    """`-w`/`--workdir`: the directory the command starts in (None: the image's `WORKDIR`). The
    Docker Engine refuses a relative one; a value with an expansion is not known here."""
    if f is None or not f.value.startswith("/") or "$" in f.value or "`" in f.value:
        return None
    return posixpath.normpath(f.value)


class _EnvFiles:
    """Where a file's `--env-file` paths are read from: the directory of the script, Makefile or
    document that holds the command line (where it is run from; make runs a recipe there)."""

    def __init__(self, real_dir: str, display_dir: str, reads: list[str]) -> None:
        self.real_dir = real_dir
        self.display_dir = display_dir
        self.reads = reads  # absolute paths of the env files read (`SourceFile.reads`)
        self.composed: dict[tuple[str, ...], SourceFile | None] = {}  # compose files read for `compose run` (`_linked_service`)


def _env_files(flags: list[_Flag], where: _EnvFiles | None) -> tuple[list[EnvVar], tuple[Loc, ...]]:
    """The variables the `--env-file` flags set, read as the Docker CLI reads the file (docker/cli
    `pkg/kvfile`: leading blanks dropped, `#` lines and empty lines skipped, `KEY=value` with the
    value as written, trailing blanks kept, `KEY` alone passed from the host, no interpolation),
    later files winning; and the flags whose file cannot be read here (an expansion in the path,
    absent, unreadable, too large, or a key the CLI refuses), whose variables stay unknown.

    A value in matching quotes is read without them by newer CLIs and with them by older ones
    (docker/cli#6805): its text is unknown (`dynamic`), only that it is set."""
    from glmlint.parsers.compose import _env_file_text, _git_ignored

    out: dict[str, EnvVar] = {}
    unknown: list[Loc] = []
    for f in flags:
        rel = f.value
        if where is None or not rel or "$" in rel or "`" in rel or rel == "-":
            unknown.append(f.word.loc)
            continue
        full = os.path.normpath(os.path.join(where.real_dir, os.path.expanduser(rel)))
        text = _env_file_text(full)
        values = _kv_file(text) if text is not None and "\ufffd" not in text else None  # the CLI refuses bad UTF-8
        if values is None:
            unknown.append(f.word.loc)  # made at run time, or one the Docker CLI refuses to start with
            continue
        where.reads.append(full)
        shown = posixpath.normpath(posixpath.join(where.display_dir.replace(os.sep, "/"), rel.replace(os.sep, "/")))
        private = _git_ignored(full)
        for name, (value, line) in values.items():
            out.pop(name, None)
            quoted = value is not None and len(value) >= 2 and value[0] == value[-1] and value[0] in "'\""
            # `$X` stays literal (no interpolation), but it was surely meant as a reference: not a literal
            # the rules judge (a secret, a switch)
            out[name] = EnvVar(name, value[1:-1] if quoted and value is not None else value, Loc(line, 1, shown),
                               (), dynamic=quoted or (value is not None and has_variable(value)), env_file=shown,
                               private=private)
    return list(out.values()), tuple(unknown)


def _kv_file(text: str) -> dict[str, tuple[str | None, int]] | None:
    """`NAME -> (value, line)` of a Docker env file (None as the value: `NAME` alone, the host's
    variable); None when the Docker CLI refuses the file (a line with no name, a name with blanks)."""
    out: dict[str, tuple[str | None, int]] = {}
    for n, raw in enumerate(text.lstrip("\ufeff").split("\n"), 1):
        line = raw.rstrip("\r").lstrip()
        if not line or line.startswith("#"):
            continue
        name, eq, value = line.partition("=")
        if not name or " " in name or "\t" in name:
            return None
        out.pop(name, None)
        out[name] = (value if eq else None, n)
    return out


_SETTINGS = settings(DOCKER_RUN)
_OPTIONS_FLAG, _SYSCTL_FLAG, _ENTRYPOINT_FLAG, _PUBLISH_FLAG, _DEVICE_FLAG, _ENV_FLAG = (
    DOCKER_RUN[k].keys[0] for k in ("security_opts", "sysctls", "entrypoint", "ports", "devices", "env"))
_MOUNT_FLAGS = DOCKER_RUN["mounts"].keys


def _items(by: dict[str, list[_Flag]], name: str) -> tuple[Item, ...]:
    """Every value of a repeatable list flag (`--cap-add A,B --cap-add C`), each located at its flag."""
    return tuple(Item(part.strip(), f.word.loc, f.path)
                 for f in by.get(name, ()) for part in f.value.split(",") if part.strip())


def _read(by: dict[str, list[_Flag]], row: Key) -> Setting[Any] | None:
    """The setting `row` (a `glmlint.fields.DOCKER_RUN` row) reads from the command's flags (by long
    name), None when no flag sets it: the last one given wins, located at its flag word."""
    found = by.get(row.keys[0])
    if not found:
        return None
    f = found[-1]
    kind = row.read
    if kind == BOOL:
        # a bare flag reads "true"; `--privileged=` hands ParseBool "", a usage error: no container
        value: Any = f.value in _PARSE_BOOL_TRUE
    elif kind == HOST:
        value = f.value.strip().lower() == "host"
    elif kind == ITEMS:
        value = _items(by, row.keys[0])
    elif kind == USER:
        if not f.value:
            return None
        value = User.parse(f.value)
    else:  # TEXT
        value = f.value
    return Setting(value, f.word.loc, path=f.path)


def _option_span(word: str) -> int | None:
    """How many words the `docker run` option word `word` spans as the Docker CLI reads it: 2 when
    it takes the next word as its value (`--network host`, `-u 0`, `-itp 80:80`), 1 when its value
    is in it or it takes none (`--x=v`, `-u0`, `--rm`, `-it`); None for a word that is no option
    the CLI knows (a long name not in `_VALUE_LONG`/`_BOOL_LONG`, a short letter not in `_SHORT`)."""
    if word.startswith("--"):
        name, eq, _value = word[2:].partition("=")
        name = _ALIASES.get(name, name)
        if name not in _VALUE_LONG and name not in _BOOL_LONG:
            return None
        return 2 if name in _VALUE_LONG and not eq else 1
    names = [_SHORT.get(c) for c in word[1:]]
    if not names or names[0] is None:
        return None
    value = next((k for k, n in enumerate(names) if n in _VALUE_LONG), None)
    if value is None and None in names:
        return None
    return 2 if value == len(names) - 1 else 1


def takes_value(flag: str) -> bool:
    """Whether the option word `flag` (`--network`, `-u`, `--privileged`) takes the next word as its
    value, as the Docker CLI reads it (`--x=v`, `-u0`: the value is in the word; `_option_span`).
    A combined short word (`-itp`) is not one flag a fix edits alone: False."""
    if not flag.startswith("--") and len(flag) != 2:
        return False
    return _option_span(flag) == 2


# A boolean flag's value (`--privileged=true`) as the Docker CLI reads it: pflag's boolValue.Set is Go's
# strconv.ParseBool (docker/cli 28f75608, vendor/github.com/spf13/pflag/bool.go), which takes these
# spellings, case as written; any other value (`yes`, `on`, and the empty one of `--privileged=`: pflag's
# parseLongArg passes what follows `=`, even nothing) is a usage error and starts nothing.
_PARSE_BOOL_TRUE = frozenset({"1", "t", "T", "TRUE", "true", "True"})
_PARSE_BOOL_FALSE = frozenset({"0", "f", "F", "FALSE", "false", "False"})

# a `--mount` field's other names (docker/cli opts/mount.go `MountOpt.Set`)
_MOUNT_KEYS = {"src": "source", "dst": "target", "destination": "target", "ro": "readonly"}


def mount_fields(spec: str) -> dict[str, str]:
    """A `--mount` value's fields as the Docker CLI reads them (docker/cli opts/mount.go `MountOpt.Set`):
    one CSV record, each field `key=value` with the key case-insensitive and its other names
    (`src`, `dst`, `destination`, `ro`) as one, a later field over an earlier one, `readonly`/`ro`
    alone as true."""
    import csv

    try:
        record = next(csv.reader([spec]), [])
    except csv.Error:
        record = spec.split(",")
    fields: dict[str, str] = {}
    for part in record:
        key, eq, value = part.partition("=")
        key = key.strip().lower()
        fields[_MOUNT_KEYS.get(key, key)] = value.strip() if eq else "true"
    return fields


def _mount(f: _Flag) -> Mount:
    """`--mount type=bind,source=/,target=/host,readonly` (`mount_fields`)."""
    fields = mount_fields(f.value)
    kind = fields.get("type", "volume").lower()
    # `readonly=VALUE`: docker/cli's parseBoolValue (opts/mount_utils.go, since fe1af920) takes `1`/`true`/
    # `0`/`false` and fails the command on anything else; the CLIs before it read strconv.ParseBool. The
    # mount is writable only where a CLI reads false: `readonly=t` is read-only (or no container at all)
    ro = fields.get("readonly", "false") not in _PARSE_BOOL_FALSE
    return Mount(fields.get("source") or None, fields.get("target", ""),
                 kind if kind in ("bind", "volume", "tmpfs") else "other", ro, f.word.loc, f.path)
