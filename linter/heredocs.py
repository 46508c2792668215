"""The Kubernetes manifests a shell script applies from a heredoc: `cat <<EOF | kubectl apply -f -`,
`kubectl apply -f - <<EOF`, `oc create -f - <<'EOF'`, `cat <<'EOF' | envsubst | kubectl apply -f -`; in a shell
script, or in a CI configuration's script: a GitHub workflow's `run: |` step, a GitLab CI job's `script: |`
or `- |` line (`in_workflow`).

Teams deploy with such scripts (`scripts/deploy.sh`); what kubectl reads from its standard input is a
YAML stream like any manifest file (`kubectl apply -f -`: "-" is stdin, kubernetes/kubectl
pkg/cmd/util/resource filename options), so it is checked as one, at the script's own lines:
`stream` gives the script's text with every line blanked but those of such heredoc bodies, each body
opened by a `---` on its command's line, so that a node's line is the script's (a `<<-` body loses
its leading tabs, as the shell strips them: `stripped` says how many columns each line lost, which are
added back to each node's column, so that its column is the script's too).

In an unquoted heredoc (`<<EOF`) the shell expands `$VAR`, `${VAR}` and `$(...)` before kubectl reads
the text: such a value is the deployer's, not known here, and is left as written (the Kubernetes
reader takes a `$` value as unknown: an image `${IMAGE}` is not a pinned or unpinned literal); with a
quoted delimiter (`<<'EOF'`, `<<"EOF"`, `<<\\EOF`) nothing is expanded. A heredoc piped through `envsubst`
on its way (`cat <<'EOF' | envsubst | kubectl apply -f -`, `envsubst <<EOF | kubectl apply -f -`) is read
the same, its `$VARIABLE`/`${VARIABLE}` references being the environment's values (`_substitutes`).
Only `apply` and `create` (and `replace`) read manifests to run them: `kubectl delete -f -`,
`kubectl apply --dry-run=client -f -` or `cat > pod.yaml <<EOF` runs nothing.
"""
from __future__ import annotations

import re
from typing import Any

from glmlint import lazyre

_CLIS = frozenset({"kubectl", "oc", "microk8s.kubectl", "k3s", "microk8s", "minikube"})
_WRAPPERS = frozenset({"k3s", "microk8s"})  # run kubectl as their `kubectl` subcommand
_VERBS = frozenset({"apply", "create", "replace"})
# the cheap test a script passes before its commands are read
_MARKER = lazyre.compile(r"\b(?:kubectl|oc)\b[^\n]*\b(?:apply|create|replace)\b")
_EXPRESSION = re.compile(r"\$\{\{.*?\}\}")  # a GitHub Actions expression, `${{ env.IMAGE }}`
# a heredoc operator (not a here-string `<<<`) and its delimiter word
_OPERATOR = re.compile(r"(?<!<)<<(-?)[ \t]*(?:'([^'\n]*)'|\"([^\"\n]*)\"|(\\?[^\s;&|<>()'\"]+))(?!<)")
# `kubectl` flags that take a value (the global ones and those of apply/create a script writes), so that the
# verb is the first word that is neither a flag nor a flag's value
VALUED = frozenset({"-n", "--namespace", "--context", "--kubeconfig", "--cluster", "--user", "-s", "--server",
                     "--token", "--as", "--as-group", "-l", "--selector", "-o", "--output", "--field-manager",
                     "--request-timeout", "--cache-dir", "--certificate-authority", "--client-certificate",
                     "--client-key", "--tls-server-name", "--password", "--username", "--profile"})


class Heredoc:
    """One heredoc body a script feeds to `kubectl apply -f -` (or writes to the file `kubectl apply -f F` reads):
    its 1-based first and last lines (the delimiter's line excluded), the command (`kubectl apply -f -`),
    whether the shell expands it, whether `<<-`."""

    __slots__ = ("first", "last", "command", "expanded", "tabs", "shell", "names")

    def __init__(self, first: int, last: int, command: str, expanded: bool, tabs: bool, shell: bool = False,
                 names: frozenset[str] | None = frozenset()) -> None:
        self.first, self.last, self.command, self.expanded, self.tabs = first, last, command, expanded, tabs
        self.shell = shell  # the shell expands its `$VAR`, `${VAR}`, `$(...)`, backquotes (an unquoted delimiter)
        # what `envsubst` replaces on the way: the `$VARIABLE`/`${VARIABLE}` references of these names, of
        # every name (None), of none (empty: no envsubst)
        self.names = names


def applied(text: str) -> list[Heredoc]:
    """The heredocs of the shell script `text` that `kubectl`/`oc` `apply`/`create`/`replace -f -` read."""
    if "<<" not in text or not _MARKER.search(text):
        return []
    from glmlint.ir import Loc
    from glmlint.shell import parse_script

    lines = text.split("\n")
    try:
        cmds = parse_script(text, lambda row, col: Loc(row + 1, col + 1))
    except (RecursionError, ValueError):
        return []
    out: list[Heredoc] = []
    seen: set[int] = set()
    writes: dict[str, tuple[int, Any]] = {}  # a file a heredoc was written to -> (index of the writer, it)
    moved = -1  # index of the last `cd`: a relative path written before it is another file after it
    for i, cmd in enumerate(cmds):
        if cmd.name == "cd":
            moved = i
        target = _written(cmd)
        for r in cmd.redirects:  # any other write to a file makes it another text
            if r.op in (">", ">|", ">>", "&>", "&>>") and r.target.text != target:
                writes.pop(r.target.text, None)
        if cmd.name in ("rm", "mv", "cp", "sed", "envsubst") or cmd.name == "tee" and target is None:
            for w in cmd.args:
                writes.pop(w.text, None)
        if target is not None:
            writes[target] = (i, cmd)
            continue
        verb = _verb(cmd)
        if verb is None or _dry_run(cmd):
            continue
        if _reads_stdin(cmd):
            fed, names = _fed(cmd)
            shown = "-f -"
        else:
            # `cat > pod.yaml <<EOF ... EOF`, then `kubectl apply -f pod.yaml`: the heredoc is the file kubectl reads
            named = next(((f, writes[f][1]) for f in _filenames(cmd) if f in writes
                          and (f.startswith("/") or writes[f][0] > moved)), None)
            fed, names = (named[1], frozenset()) if named is not None else (None, frozenset())
            shown = f"-f {named[0]}" if named is not None else ""
        if fed is None:
            continue
        first = fed.stdin_lines[0].line
        if first in seen or first < 2 or first > len(lines):
            continue
        got = _OPERATOR.search(lines[first - 2])
        if got is None:
            continue
        dash, single, double, bare = got.groups()
        word = single if single is not None else double if double is not None else bare.lstrip("\\")
        shell = single is None and double is None and not bare.startswith("\\")
        last = first - 1
        end = None
        for k in range(first - 1, len(lines)):
            line = lines[k].rstrip("\r")
            if (line.lstrip("\t") if dash else line) == word:
                end = k
                break
            last = k + 1
        if end is None:
            continue  # no closing delimiter: the shell reads to the end (a broken script); left alone
        seen.add(first)
        prog = cmd.argv[0].text.rsplit("/", 1)[-1]
        label = f"{prog} kubectl {verb}" if prog in _WRAPPERS or prog == "minikube" else f"{prog} {verb}"
        out.append(Heredoc(first, last, f"{label} {shown}", shell or names != frozenset(), bool(dash), shell, names))
    return out


def _written(cmd: Any) -> str | None:
    """The file a heredoc is written to, whole: `cat > F <<EOF` (no file operand), `tee F <<EOF`; None else
    (an append `>>`, a name with an expansion, several files)."""
    if not cmd.stdin_lines or cmd.name not in ("cat", "tee"):
        return None
    words = [w for w in cmd.args]
    if cmd.name == "cat":
        if any(not w.text.startswith("-") for w in words):
            return None
        outs = [r.target for r in cmd.redirects if r.op in (">", ">|")]
    else:
        if any(w.text.startswith("-") for w in words):
            return None  # (`tee -a`)
        outs = words
    if len(outs) != 1 or outs[0].dynamic or not outs[0].text or outs[0].text.startswith("/dev/"):
        return None
    return outs[0].text


def _filenames(cmd: Any) -> list[str]:
    """The files `-f`/`--filename` name (`-f F`, `-fF`, `-f=F`, `--filename F`, `--filename=F`), none of them `-`."""
    args = [w.text for w in cmd.args]
    out: list[str] = []
    for k, a in enumerate(args):
        if a in ("-f", "--filename") and k + 1 < len(args):
            out.append(args[k + 1])
        elif a.startswith("--filename="):
            out.append(a[len("--filename="):])
        elif a.startswith("-f") and not a.startswith("--") and len(a) > 2:
            out.append(a[3:] if a[2] == "=" else a[2:])
    return [f for f in out if f and f != "-"]


def _fed(cmd: Any) -> tuple[Any, frozenset[str] | None]:
    """The command that reads the heredoc whose text reaches `cmd`'s standard input (itself, or `envsubst`
    before it in the pipeline), and the names `envsubst` substitutes on the way (`_substitutes`; empty:
    none); (None, empty) if none."""
    if cmd.stdin_lines:
        return cmd, frozenset()
    before = cmd.upstream[-1] if cmd.upstream else None
    names = _substitutes(before) if before is not None and before.name == "envsubst" and before.stdin_lines \
        else frozenset()
    return (before, names) if names != frozenset() else (None, frozenset())


def _substitutes(cmd: Any) -> frozenset[str] | None:
    """What `envsubst` or `envsubst SHELL-FORMAT` replaces (GNU gettext-runtime 0.22.5 envsubst(1)): standard
    input copied to standard output with its `$VARIABLE`/`${VARIABLE}` references replaced by the
    environment's values, every one (None), or those SHELL-FORMAT references (their names). Empty: not so
    (`-v`/`--variables` prints the names SHELL-FORMAT references, standard input ignored; `-h`/`-V`, or an
    option another envsubst reads, a8m/envsubst's `-no-unset`)."""
    words = [w.text for w in cmd.args]
    if words[:1] == ["--"]:
        words = words[1:]
    if not words:
        return None
    if len(words) == 1 and not words[0].startswith("-"):
        return frozenset(a or b for a, b in _REFERENCE.findall(words[0])) or frozenset({""})
    return frozenset()


def unknown_values(stream: str, docs: list[Heredoc]) -> str:
    """`stream` (`stream`, `in_workflow`) with what the shell or `envsubst` replaces in each heredoc (`$VAR`,
    `${VAR}`, `$(...)`, backquotes; `envsubst`'s references; a workflow's `${{ expr }}`, which GitHub replaces
    first) written as a plain word of the same length (`_placeholder`):
    a value not known here, as the text before it is (a `$` value), but one YAML reads anywhere (`{app: ${APP}}`
    is no YAML until the shell fills it in)."""
    lines = stream.split("\n")
    for doc in docs:
        for k in range(doc.first - 1, min(doc.last, len(lines))):
            line = _EXPRESSION.sub(_placeholder, lines[k]) if "${{" in lines[k] else lines[k]  # (GitHub's, first)
            if doc.shell:
                line = _EXPANSION.sub(lambda m: m.group() if m.group().startswith("\\") else _placeholder(m), line)
            if doc.names != frozenset():
                line = _REFERENCE.sub(lambda m: _placeholder(m) if doc.names is None or (m.group(1) or m.group(2))
                                      in doc.names else m.group(), line)  # type: ignore[operator]
            lines[k] = line
    return "\n".join(lines)


def _placeholder(m: re.Match[str]) -> str:
    """`$NAME` padded to the reference's length (`${APP}` -> `$APP__`), `$` and underscores for another expansion."""
    text = m.group()
    name = _NAME.match(text)
    head = "$" + name.group(1) if name is not None else "$"
    return head + "_" * (len(text) - len(head))


_NAME = re.compile(r"^\$\{?([A-Za-z_][A-Za-z0-9_]*)")


# what the shell expands in an unquoted heredoc (POSIX XCU 2.7.4: parameter expansion, command substitution,
# arithmetic expansion; a backslash keeps `$` and a backquote as they are), one line at a time
_EXPANSION = re.compile(r"\\[$`\\]|\$\{[^}\n]*\}|\$\(\([^\n]*?\)\)|\$\([^()\n]*(?:\([^()\n]*\)[^()\n]*)*\)|`[^`\n]*`"
                        r"|\$[A-Za-z_][A-Za-z0-9_]*|\$[0-9@*#?$!-]")
# a reference envsubst replaces (gettext envsubst.c: `$NAME`, `${NAME}`)
_REFERENCE = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)")


def kubectl_args(argv: Any) -> list[Any] | None:
    """The words kubectl reads of a command's `argv` (`Word`s): those after the program for `kubectl`, `oc`,
    `microk8s.kubectl`; after `kubectl` for `k3s kubectl`, `microk8s kubectl`; after `--` for `minikube kubectl --`
    (without `--` minikube reads the options as its own: minikube.sigs.k8s.io/docs/commands/kubectl); None for
    another program."""
    if not argv or argv[0].text.rsplit("/", 1)[-1] not in _CLIS:
        return None
    args = list(argv[1:])
    prog = argv[0].text.rsplit("/", 1)[-1]
    if prog in _WRAPPERS or prog == "minikube":
        if not args or args[0].text != "kubectl":
            return None
        args = args[1:]
        if prog == "minikube":
            cut = next((k for k, w in enumerate(args) if w.text == "--"), None)
            return None if cut is None else args[cut + 1:]
    return args


def _verb(cmd: object) -> str | None:
    words = kubectl_args(getattr(cmd, "argv", ()))
    if words is None:
        return None
    args = [w.text for w in words]
    k = 0
    while k < len(args):
        a = args[k]
        if a in VALUED:
            k += 2
            continue
        if a.startswith("-"):
            k += 1
            continue
        return a if a in _VERBS else None
    return None


def _dry_run(cmd: object) -> bool:
    """`--dry-run`, `--dry-run=client|server` (or a true boolean): kubectl sends nothing to persist; a value it
    does not take stops it (kubernetes/kubectl v0.36.3 = 73fdc7a3 pkg/cmd/util/helpers.go `AddDryRunFlag`, its
    NoOptDefVal "unchanged" read as client, and `GetDryRunStrategy`). `--dry-run=none` (or a false boolean)
    applies."""
    for w in getattr(cmd, "args", ()):
        name, eq, value = w.text.partition("=")
        if name == "--dry-run" and not (eq and value in _APPLIES):
            return True
    return False


_APPLIES = frozenset({"none", "0", "f", "F", "false", "FALSE", "False"})  # (Go strconv.ParseBool's false)


def _reads_stdin(cmd: object) -> bool:
    """`-f -`, `-f-`, `--filename=-`, `--filename -`; a `-f` last (tree-sitter-bash reads `-f - <<EOF` as
    `-f` then the redirect: `-f` without its value is refused by kubectl, so the `-` is the one written)."""
    args = [w.text for w in getattr(cmd, "args", ())]
    for k, a in enumerate(args):
        if a in ("-f-", "--filename=-", "-f=-"):
            return True
        if a in ("-f", "--filename"):
            if k + 1 == len(args) or args[k + 1] == "-":
                return True
    return False


def in_workflow(text: str, docs: list[Any]) -> tuple[str, list[Heredoc], dict[int, int]] | None:
    """The YAML stream kubectl reads from the heredocs of a CI configuration's shell scripts (a GitHub
    workflow's `run: |` steps that bash or sh runs, a GitLab CI job's `script: |` or its lines written `- |`:
    `dockerrun.shell_blocks`), padded to the file's lines: (stream, the heredocs at the file's lines, the
    columns each stream line lost: `stripped`); None without any. A literal block keeps every line of its
    text as written, less the block's indentation (YAML 1.2.2 §8.1.2), so line k of the script is the
    block's first line plus k, its columns moved right by the indentation (and by the tabs a `<<-` strips).
    A folded (`>`), plain or quoted script is not read: its lines are not the file's."""
    if "<<" not in text or not _MARKER.search(text):
        return None
    from glmlint.parsers import yamlnodes as y
    from glmlint.parsers.dockerrun import shell_blocks

    lines = text.split("\n")
    out = [""] * len(lines)
    shifts: dict[int, int] = {}
    found: list[Heredoc] = []
    for run in shell_blocks(docs):
        if getattr(run, "style", "") != "|":
            continue
        start, indent = y.content(run, lines)
        body: list[str] = []
        for line in lines[start.line - 1:]:
            if line.strip() and len(line) - len(line.lstrip(" ")) < indent:
                break  # the next key: the block ends
            body.append(line[indent:])
        base = start.line - 1  # the file's 0-based line of the script's first line
        # GitHub puts each `${{ expr }}`'s value in before the shell reads the script: an unknown word of the
        # same length here (the stream keeps it as written, a `$` value kubectl's reader leaves unknown)
        script = _EXPRESSION.sub(_placeholder, "\n".join(body))
        for doc_h in applied(script):
            out[base + doc_h.first - 2] = "---"
            for k in range(doc_h.first - 1, doc_h.last):
                row = body[k].rstrip("\r")
                tabs = len(row) - len(row.lstrip("\t")) if doc_h.tabs else 0
                out[base + k] = row[tabs:]
                shifts[base + k] = indent + tabs
            found.append(Heredoc(base + doc_h.first, base + doc_h.last, doc_h.command, doc_h.expanded, doc_h.tabs,
                                 doc_h.shell, doc_h.names))
    return ("\n".join(out), found, shifts) if found else None


def stripped(text: str, docs: list[Heredoc]) -> dict[int, int]:
    """How many leading tabs the shell strips from each line of the `<<-` bodies of `docs` (0-based line ->
    count; lines that lose none left out): the columns `stream` loses on those lines."""
    lines = text.split("\n")
    out: dict[int, int] = {}
    for doc in docs:
        if doc.tabs:
            for k in range(doc.first - 1, doc.last):
                tabs = len(lines[k]) - len(lines[k].lstrip("\t"))
                if tabs:
                    out[k] = tabs
    return out


def stream(text: str, docs: list[Heredoc] | None = None) -> str | None:
    """The YAML stream kubectl reads from the script's heredocs (`applied`), padded to the script's lines:
    None when it has none."""
    docs = applied(text) if docs is None else docs
    if not docs:
        return None
    lines = text.split("\n")
    out = [""] * len(lines)
    for doc in docs:
        out[doc.first - 2] = "---"
        for k in range(doc.first - 1, doc.last):
            line = lines[k].rstrip("\r")
            out[k] = line.lstrip("\t") if doc.tabs else line
    return "\n".join(out)
