"""Property tests: documents built from each format's grammar never crash the scan, and every
finding points inside its file.

Bounded in CI by the `ci` Hypothesis profile (tests/conftest.py); the long fuzz run uses
`HYPOTHESIS_PROFILE=fuzz` (docs/robustness.md).
"""
from __future__ import annotations

import json
import os
import re
import string

from hypothesis import event, example, given, settings
from hypothesis import strategies as st

from glmlint.fix.engine import Options, fix_source
from glmlint.parsers import ParseError, Skip, parse
from glmlint.registry import builtin_rules
from glmlint.runner import run_rules

RULES = builtin_rules()


def lint(text: str, hint: str, name: str) -> None:
    """Parse and run every rule; only `ParseError`/`Skip` may stop it; findings lie inside the text."""
    try:
        source = parse(name, text, hint)
    except (ParseError, Skip) as exc:
        event(f"not checked: {type(exc).__name__}")
        return
    if source is None:
        event("not ours")
        return
    results, problems = run_rules(source, RULES)
    event("checked, with findings" if results else "checked, nothing found")
    assert not problems, problems  # a rule raised
    lines = text.split("\n")
    for r in results:
        assert 1 <= r.line <= len(lines), (r.code, r.line, len(lines))
        line = lines[r.line - 1].rstrip("\r")
        assert 1 <= r.col <= len(line) + 1, (r.code, r.line, r.col, line)
    for p in source.problems:
        assert 0 <= p.line <= len(lines)
    if any(r.fix is not None for r in results):
        check_fixes(source, name, hint)


def check_fixes(source, name: str, hint: str) -> None:  # type: ignore[no-untyped-def]
    """Every fix: the text it writes parses again, and fixing that text changes nothing more."""
    fixed = fix_source(source, RULES, None, Options(unsafe=True))
    event(f"fixes applied: {bool(fixed.applied)}, skipped: {bool(fixed.skipped)}")
    if not fixed.changed:
        return
    again = parse(name, fixed.new_text, hint)
    assert again is not None and again.format is source.format
    real_loader_still_accepts(hint, source.text, fixed.new_text)
    second = fix_source(again, RULES, None, Options(unsafe=True))
    assert not second.changed, (fixed.new_text, second.new_text)


def real_loader_still_accepts(hint: str, before: str, after: str) -> None:
    """What the real tool (Compose v2, kubernetes-validate strict, BuildKit's parser) accepted before
    the fix, it accepts after (tests/realtools.py)."""
    import os
    import tempfile

    from tests import realtools

    if hint == "compose":
        if realtools.compose_binary() is None:
            return
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "docker-compose.yml")
            if realtools.compose_config(path, before) is not None:
                event("real loader: refused before the fix")
                return
            verdict = realtools.compose_config(path, after)
    elif hint == "yaml":
        if realtools.kubernetes_validate(before) is not None:
            event("real loader: refused before the fix")
            return
        verdict = realtools.kubernetes_validate(after)
    elif hint == "dockerfile":
        if realtools.dockerfile_parse(before) is not None:
            return
        verdict = realtools.dockerfile_parse(after)
    else:
        return
    event("real loader: accepted before, judged after")
    assert verdict is None, (verdict, before, after)


# -- scalars and YAML text -------------------------------------------------------------

WORDS = st.sampled_from([
    "root", "0", "1000", "10001:10001", "nobody", "ALL", "SYS_ADMIN", "NET_ADMIN", "true", "false", "yes", "no",
    "on", "off", "null", "~", "", "host", "bridge", "0.0.0.0", "127.0.0.1", "8888", "8888:8888",
    "0.0.0.0:8888:8888/tcp", "[::]:22:22", "/:/host", "./data:/data:ro", "no-new-privileges:true",
    "seccomp:unconfined", "apparmor=unconfined", "jupyter", "jupyter notebook --ip=0.0.0.0 --NotebookApp.token=''",
    "jupyter lab --ip 0.0.0.0 --no-browser --ServerApp.token= --allow-root", "sshd", "/usr/sbin/sshd -D",
    "sh -c 'echo root:pw | chpasswd && exec sshd -D'", "${USER:-root}", "$(HOME)", "tini --", "gosu app jupyter",
    "echo 'PasswordAuthentication yes' >> /etc/ssh/sshd_config", "c.NotebookApp.token = ''", "RuntimeDefault",
    "Unconfined", "512m", "é", "\u2028", "\x85", "\t", "a: b", "- x", "#", "&a", "*a", "!!str", "{{ x }}", "'", '"',
])
TEXT = st.one_of(WORDS, st.text(alphabet=string.printable + "éü€\u2028\x85", max_size=30))
SCALAR = st.one_of(TEXT, st.integers(-5, 70000), st.booleans(), st.none())


def yaml_scalar(value: object, style: int) -> str:
    if value is None:
        return ["null", "~", ""][style % 3]
    if isinstance(value, bool):
        return ["true", "false", "yes", "no", "True", "off"][style % 6] if style % 2 else json.dumps(value)
    if isinstance(value, int):
        return str(value) if style % 3 else json.dumps(str(value))
    text = str(value)
    if style % 3 == 0:
        return json.dumps(text)  # double-quoted: always valid
    if style % 3 == 1:
        return "'" + text.replace("'", "''") + "'"
    return text  # plain: may be invalid or mean something else, which is the point


def emit(value: object, indent: int, styles: list[int], flow: bool = False) -> str:
    """Block (or flow) YAML for a structure of dicts, lists and scalars, quoting styles drawn per node."""
    style = styles.pop() if styles else 0
    pad = " " * indent
    if isinstance(value, dict):
        if flow or (style % 7 == 6) or not value:
            return "{" + ", ".join(f"{yaml_scalar(k, 2)}: {emit(v, 0, styles, True)}" for k, v in value.items()) + "}"
        out = []
        for k, v in value.items():
            child = emit(v, indent + 2, styles)
            sep = "\n" if child.startswith((" ", "-")) and not child.startswith("- ") or "\n" in child else " "
            if isinstance(v, list) and v and not child.startswith("["):
                sep = "\n"
            out.append(f"{pad}{yaml_scalar(k, 2)}:{sep}{child}")
        return "\n".join(out)
    if isinstance(value, list):
        if flow or (style % 5 == 4) or not value:
            return "[" + ", ".join(emit(v, 0, styles, True) for v in value) + "]"
        return "\n".join(f"{pad}- {emit(v, indent + 2, styles).lstrip()}" for v in value)
    return yaml_scalar(value, style)


def nested(leaf: st.SearchStrategy[object]) -> st.SearchStrategy[object]:
    return st.recursive(leaf, lambda inner: st.one_of(st.lists(inner, max_size=3),
                                                      st.dictionaries(WORDS, inner, max_size=3)), max_leaves=6)


def keyed(keys: list[str], value: st.SearchStrategy[object]) -> st.SearchStrategy[dict[str, object]]:
    return st.dictionaries(st.sampled_from(keys), value, max_size=len(keys))


def finish(body: str, data: st.DataObject) -> str:
    """Random line endings, a final comment (a leading one would end a Dockerfile's directives), final newline."""
    if data.draw(st.booleans(), label="comment"):
        body += "\n# " + data.draw(TEXT, label="comment text").replace("\n", " ").replace("\r", " ")
    if data.draw(st.booleans(), label="crlf"):
        body = body.replace("\n", "\r\n")
    if data.draw(st.booleans(), label="final newline"):
        body += "\n"
    return body


# -- compose ---------------------------------------------------------------------------

SERVICE_VALUE = {
    "image": WORDS, "user": SCALAR, "privileged": SCALAR, "read_only": SCALAR,
    "cap_add": st.lists(WORDS, max_size=3), "cap_drop": st.one_of(st.lists(WORDS, max_size=3), WORDS),
    "security_opt": st.lists(WORDS, max_size=3), "ports": st.lists(st.one_of(WORDS, st.integers(1, 65535),
                                                                             keyed(["target", "published", "host_ip", "protocol"], SCALAR)), max_size=3),
    "volumes": st.lists(st.one_of(WORDS, keyed(["type", "source", "target", "read_only"], SCALAR)), max_size=3),
    "environment": st.one_of(st.lists(WORDS, max_size=3), st.dictionaries(WORDS, SCALAR, max_size=3)),
    "command": st.one_of(WORDS, st.lists(WORDS, max_size=4)), "entrypoint": st.one_of(WORDS, st.lists(WORDS, max_size=3)),
    "network_mode": WORDS, "pid": WORDS, "ipc": WORDS, "userns_mode": WORDS,
    "build": st.one_of(WORDS, keyed(["context", "dockerfile"], WORDS)), "extends": st.one_of(WORDS, keyed(["service", "file"], WORDS)),
    "deploy": nested(SCALAR), "mem_limit": SCALAR, "tmpfs": st.lists(WORDS, max_size=2), "x-other": nested(SCALAR),
}
SERVICE = st.one_of(st.fixed_dictionaries({"image": WORDS}, optional={k: v for k, v in SERVICE_VALUE.items()
                                                                      if k != "image"}),
                    st.fixed_dictionaries({}, optional=SERVICE_VALUE))


@st.composite
def compose_files(draw: st.DrawFn) -> str:
    services = draw(st.dictionaries(st.sampled_from(["web", "notebook", "db", "ssh", "a", "b", "0"]),
                                    st.one_of(SERVICE, SERVICE, SERVICE, SCALAR), max_size=4), label="services")
    doc: dict[str, object] = {"services": services}
    if draw(st.booleans(), label="top level extras"):
        doc["version"] = "3.8"
        doc["volumes"] = draw(nested(SCALAR))
    styles = draw(st.lists(st.integers(0, 99), max_size=200), label="styles")
    text = emit(doc, 0, styles)
    if draw(st.booleans(), label="anchors") and services:
        # a shared fragment merged into every service: anchors, aliases and merge keys
        common = emit({"x-common": draw(SERVICE)}, 0, styles).replace("x-common:", "x-common: &common", 1)
        text = common + "\n" + text.replace("services:\n", "services:\n", 1)
        head, _, tail = text.partition("\nservices:\n")
        merged = "\n".join(line + "\n    <<: *common" if line.startswith("  ") and line.rstrip().endswith(":")
                           and not line.startswith("   ") else line for line in tail.split("\n"))
        text = head + "\nservices:\n" + merged if tail else text
    return text


@given(compose_files(), st.data())
@example("services:\n  web:\n    image: x\n    privileged: true\n", None)
@example("x: &b {<<: [*b, *b]}\nservices: {web: {<<: *b, image: x}}\n", None)
# found by the fuzz run: GLM007's fix verifies only after GLM011's, so a failed fix is retried
@example('x-common: &common\n  image: "root"\n  security_opt:\n    - "seccomp:unconfined"\nservices:\n'
         '  web:\n    <<: *common\n    image: "root"', None)
def test_compose_documents_never_crash(text, data):
    lint(finish(text, data) if data is not None else text, "compose", "docker-compose.yml")


# -- Kubernetes ------------------------------------------------------------------------

SECURITY_CONTEXT = keyed(["privileged", "runAsUser", "runAsNonRoot", "runAsGroup", "allowPrivilegeEscalation",
                          "readOnlyRootFilesystem", "capabilities", "seccompProfile", "appArmorProfile",
                          "seLinuxOptions"], st.one_of(SCALAR, keyed(["add", "drop", "type"], st.one_of(
                              SCALAR, st.lists(WORDS, max_size=3)))))
CONTAINER = st.fixed_dictionaries({"name": WORDS}, optional={
    "image": WORDS, "securityContext": st.one_of(SECURITY_CONTEXT, SCALAR),
    "command": st.one_of(st.lists(WORDS, max_size=4), WORDS), "args": st.one_of(st.lists(WORDS, max_size=4), WORDS),
    "env": st.lists(keyed(["name", "value", "valueFrom"], SCALAR), max_size=3),
    "ports": st.lists(keyed(["containerPort", "hostPort", "hostIP", "protocol"], SCALAR), max_size=2),
    "volumeMounts": st.lists(keyed(["name", "mountPath", "readOnly"], SCALAR), max_size=2),
    "resources": nested(SCALAR),
})
POD_SPEC = st.fixed_dictionaries({"containers": st.one_of(st.lists(CONTAINER, max_size=3), SCALAR)}, optional={
    "initContainers": st.lists(CONTAINER, max_size=2), "securityContext": SECURITY_CONTEXT,
    "hostNetwork": SCALAR, "hostPID": SCALAR, "hostIPC": SCALAR, "hostUsers": SCALAR,
    "volumes": st.lists(keyed(["name", "hostPath", "emptyDir"], st.one_of(SCALAR, keyed(["path"], WORDS))), max_size=2),
})
KINDS = {"Pod": ("spec",), "Deployment": ("spec", "template", "spec"), "Job": ("spec", "template", "spec"),
         "CronJob": ("spec", "jobTemplate", "spec", "template", "spec"), "PodTemplate": ("template", "spec"),
         "PyTorchJob": ("spec", "pytorchReplicaSpecs", "Worker", "template", "spec"), "ConfigMap": ("data",)}


@st.composite
def manifests(draw: st.DrawFn) -> str:
    docs = []
    for _ in range(draw(st.integers(1, 3), label="documents")):
        kind = draw(st.sampled_from(sorted(KINDS)), label="kind")
        body: object = draw(POD_SPEC, label="pod spec")
        for key in reversed(KINDS[kind]):
            body = {key: body}
        meta = {"name": draw(WORDS), "annotations": draw(st.dictionaries(st.sampled_from([
            "container.apparmor.security.beta.kubernetes.io/app", "a"]), WORDS, max_size=2))}
        doc = {"apiVersion": "v1", "kind": kind, "metadata": meta, **body}  # type: ignore[dict-item]
        if kind == "Deployment" and draw(st.booleans()):
            doc["spec"]["template"]["metadata"] = meta  # type: ignore[index]
        if draw(st.booleans(), label="as a List"):
            doc = {"apiVersion": "v1", "kind": "List", "items": [doc]}
        styles = draw(st.lists(st.integers(0, 99), max_size=300), label="styles")
        docs.append(emit(doc, 0, styles))
    return "\n---\n".join(docs)


@given(manifests(), st.data())
def test_kubernetes_documents_never_crash(text, data):
    lint(finish(text, data), "yaml", "manifest.yaml")


# -- Dockerfile ------------------------------------------------------------------------

SHELL_WORDS = st.sampled_from([
    "apt-get install -y openssh-server", "echo 'root:pw' | chpasswd", "useradd -m app", "pip install jupyter",
    "echo \"c.NotebookApp.token = ''\" >> /root/.jupyter/jupyter_notebook_config.py",
    "sed -i 's/#PasswordAuthentication.*/PasswordAuthentication yes/' /etc/ssh/sshd_config",
    "mkdir -p /run/sshd", "cat > /etc/x <<EOF2", "$(echo hi)", "`id`", "a && b || c; d", "x=$((1+2))",
    "if true; then echo; fi", "'unterminated", "\"half", "{ echo; }", "$HOME", "${VAR:-x}", "é", "\\",
])
INSTRUCTION_ARGS = st.one_of(WORDS, SHELL_WORDS, st.text(alphabet=string.printable + "é€", max_size=25))


def _json_form(words: list[str]) -> str:
    return json.dumps(words)


@st.composite
def dockerfiles(draw: st.DrawFn, valid: bool = False) -> str:
    """Random instruction sequences; `valid`: no line breaks inside arguments, so BuildKit would accept it."""
    lines: list[str] = []
    escape = "\\"
    if draw(st.booleans(), label="escape directive"):
        lines.append(draw(st.sampled_from(["# escape=`", "# escape=\\", "# syntax=docker/dockerfile:1"])))
        escape = "`" if lines[-1] == "# escape=`" else escape
    if draw(st.booleans(), label="global ARG"):
        lines.append("ARG BASE=" + draw(WORDS))
    # no line break, and no escape at the end (BuildKit continues a line ending in `\` + blanks)
    args = INSTRUCTION_ARGS.map(lambda w: re.sub(r"[\\`\s]+$", "", w.replace("\n", " ").replace("\r", " "))
                                ).filter(lambda w: w.strip() not in ("EOF", "END") and "<<" not in w) if valid else INSTRUCTION_ARGS
    for _stage in range(draw(st.integers(1 if valid else 0, 3), label="stages")):
        name = draw(st.sampled_from(["", " AS build", " AS final", " as Build"]))
        lines.append(f"FROM {draw(st.sampled_from(['python:3.12', '$BASE', 'build', 'scratch', '${BASE:-x}']))}{name}")
        for _ in range(draw(st.integers(0, 8), label="instructions")):
            kind = draw(st.sampled_from(["RUN", "RUN-cont", "RUN-heredoc", "RUN-json", "CMD", "CMD-json",
                                         "ENTRYPOINT", "ENTRYPOINT-json", "USER", "ENV", "ARG", "EXPOSE",
                                         "COPY-heredoc", "SHELL", "comment", "blank", "LABEL", "WORKDIR",
                                         "HEALTHCHECK", "ONBUILD"]), label="instruction")
            words = draw(st.lists(args, min_size=1, max_size=4), label="args")
            base = kind.split("-")[0]
            if kind == "RUN-cont":
                cont = draw(st.sampled_from([" \\", " \\ ", " `", "\\"]))
                cont = cont.replace("\\", escape).replace("`", escape) if valid else cont
                lines.append("RUN " + (cont + "\n" + draw(st.sampled_from(["  ", "", "# c\n  ", "\n  "]))).join(words))
            elif kind in ("RUN-heredoc", "COPY-heredoc"):
                word = draw(st.sampled_from(["EOF", "'EOF'", "\"END\"", "-EOF"]))
                head = "RUN <<" + word if base == "RUN" else "COPY <<" + word + " /etc/x"
                if base == "RUN" and draw(st.booleans()):
                    head = "RUN bash <<" + word + " && " + words[0]
                end = word.strip("'\"-")
                lines.append(head + "\n" + "\n".join(words) + "\n" + ("\t" if word.startswith("-") else "") + end)
            elif kind.endswith("-json"):
                lines.append(f"{base} " + (_json_form(words) if draw(st.booleans()) else "[" + ", ".join(words)))
            elif kind == "comment":
                lines.append("# " + words[0].replace("\n", " "))
            elif kind == "blank":
                lines.append("")
            elif kind == "SHELL":
                lines.append("SHELL " + _json_form(draw(st.sampled_from([["/bin/bash", "-c"], ["pwsh", "-Command"], []]))))
            elif kind == "ONBUILD":
                lines.append("ONBUILD RUN " + " ".join(words))
            else:
                sep = "=" if base in ("ENV", "ARG", "LABEL") and draw(st.booleans()) else " "
                line = base + " " + sep.join(words)
                if not line[len(base):].strip():
                    line += " x"  # BuildKit refuses these instructions without an argument
                lines.append(line)
    text = "\n".join(lines)
    return text


@given(dockerfiles(valid=True), st.data())
@example("FROM x\nRUN echo a\x0cUSER 1000\nRUN echo \u2028 b\nUSER root\n", None)
@example("FROM python:3.12\nRUN root\nCMD x\nCOPY <<EOF /etc/x\nroot\nEOF", None)
def test_valid_dockerfiles_parse(text, data):
    """What BuildKit would accept (no line break inside an argument) is never a parse error."""
    text = finish(text, data) if data is not None else text
    source = parse("Dockerfile", text, "dockerfile")
    assert source is not None and len(source.workloads) == 1
    lint(text, "dockerfile", "Dockerfile")


@given(dockerfiles(), st.data())
@example("FROM x\nRUN <<EOF\n", None)
@example("FROM x\nBOGUS", None)
def test_dockerfiles_never_crash(text, data):
    lint(finish(text, data) if data is not None else text, "dockerfile", "Dockerfile")


# -- mutations -------------------------------------------------------------------------

SEEDS = [
    "services:\n  web:\n    image: x\n    user: root\n    privileged: true\n    command: jupyter lab --ip=0.0.0.0\n",
    "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  securityContext: {runAsUser: 0}\n  containers:\n"
    "  - name: c\n    image: x\n    securityContext:\n      privileged: true\n    args: [\"--ip\", \"0.0.0.0\"]\n",
    "FROM python:3.12 AS base\nRUN echo 'root:pw' | chpasswd && \\\n    apt-get install -y openssh-server\n"
    "COPY <<EOF /etc/ssh/sshd_config\nPermitRootLogin yes\nEOF\nFROM base\nCMD [\"/usr/sbin/sshd\", \"-D\"]\n",
]


@given(st.sampled_from(range(len(SEEDS))), st.lists(st.tuples(st.integers(0, 400), st.integers(0, 3),
                                                              st.text(max_size=4)), max_size=6))
def test_mutated_documents_never_crash(seed, edits):
    """Random byte-level edits (insert, delete, replace) of valid seeds: the text fuzzer."""
    text = SEEDS[seed]
    for pos, length, insert in edits:
        pos %= len(text) + 1
        text = text[:pos] + insert + text[pos + length:]
    hint = ("compose", "yaml", "dockerfile")[seed]
    lint(text, hint, ("docker-compose.yml", "pod.yaml", "Dockerfile")[seed])


# -- fixes of documents the real tools accept ------------------------------------------
# Generated from the values real files use, so that Compose v2 and Kubernetes' strict schemas
# accept them before the fix; the fix must leave them accepted (real_loader_still_accepts).

IMAGES = st.sampled_from(["python:3.12", "nginx:1.27", "postgres:16", "redis:7", "rabbitmq:3", "rayproject/ray:2.9.0",
                          "quay.io/jupyter/base-notebook", "linuxserver/wireguard", "busybox"])
CAPS = ["SYS_ADMIN", "NET_ADMIN", "CHOWN", "SETUID", "NET_RAW", "SYS_PTRACE"]
VALID_SERVICE = st.fixed_dictionaries({"image": IMAGES}, optional={
    "user": st.sampled_from(["root", "0", "1000", "0:0"]), "privileged": st.booleans(), "read_only": st.booleans(),
    "cap_add": st.lists(st.sampled_from(CAPS), unique=True, max_size=3),
    "cap_drop": st.lists(st.sampled_from(["NET_RAW", "ALL", "MKNOD"]), unique=True, max_size=2),
    "security_opt": st.lists(st.sampled_from(["seccomp:unconfined", "apparmor:unconfined", "no-new-privileges:false",
                                              "label:disable", "no-new-privileges:true"]), unique=True, max_size=3),
    "network_mode": st.just("host"), "pid": st.just("host"), "ipc": st.just("host"),
    "ports": st.lists(st.sampled_from(["8888:8888", "0.0.0.0:2222:22", "127.0.0.1:80:80", "6006"]), unique=True,
                      max_size=2),
    "volumes": st.lists(st.sampled_from(["./data:/data", "/var/run/docker.sock:/var/run/docker.sock", "cache:/cache"]),
                        unique=True, max_size=2),
    "tmpfs": st.lists(st.sampled_from(["/tmp", "/run"]), unique=True, max_size=2),
    "command": st.sampled_from([["jupyter", "lab", "--ip=0.0.0.0", "--allow-root", "--ServerApp.token="],
                                "/usr/sbin/sshd -D", ["python", "-m", "app"]]),
})


@st.composite
def valid_compose_files(draw: st.DrawFn) -> str:
    names = draw(st.lists(st.sampled_from(["web", "db", "worker", "base"]), unique=True, min_size=1, max_size=3))
    services: dict[str, object] = {n: draw(VALID_SERVICE) for n in names}
    if len(names) > 1 and draw(st.booleans()):
        child = services[names[0]]
        assert isinstance(child, dict)
        child["extends"] = names[1]  # same-file extends: lists merge as Compose merges them
        child.pop("image", None)
    doc: dict[str, object] = {"services": services}
    if any("cache:/cache" in (s.get("volumes") or []) for s in services.values() if isinstance(s, dict)):
        doc["volumes"] = {"cache": {}}
    styles = draw(st.lists(st.integers(0, 99), max_size=200))
    # single-quoted strings, plain numbers, JSON booleans (padded: a node past the list gets style 0)
    return emit(doc, 0, [4] * 400 + [s - s % 6 + 4 for s in styles])


VALID_SC = st.fixed_dictionaries({}, optional={
    "privileged": st.booleans(), "runAsUser": st.sampled_from([0, 1000]), "runAsNonRoot": st.booleans(),
    "allowPrivilegeEscalation": st.booleans(), "readOnlyRootFilesystem": st.booleans(),
    "capabilities": st.fixed_dictionaries({}, optional={"add": st.lists(st.sampled_from(CAPS), unique=True, max_size=2),
                                                        "drop": st.lists(st.sampled_from(["ALL", "NET_RAW"]),
                                                                         unique=True, max_size=2)}),
    "seccompProfile": st.fixed_dictionaries({"type": st.sampled_from(["Unconfined", "RuntimeDefault"])}),
    "appArmorProfile": st.fixed_dictionaries({"type": st.sampled_from(["Unconfined", "RuntimeDefault"])}),
})


@st.composite
def valid_manifests(draw: st.DrawFn) -> str:
    names = draw(st.lists(st.sampled_from(["app", "side", "init"]), unique=True, min_size=1, max_size=2))
    containers = []
    for n in names:
        c: dict[str, object] = {"name": n, "image": draw(IMAGES)}
        if draw(st.booleans()):
            c["securityContext"] = draw(VALID_SC)
        if draw(st.booleans()):
            c["volumeMounts"] = [{"name": "data", "mountPath": draw(st.sampled_from(["/data", "/tmp"]))}]
        if draw(st.booleans()):
            c["command"] = draw(st.sampled_from([["sh", "-c", "sysctl -w vm.max_map_count=262144"],
                                                 ["jupyter", "lab", "--ip=0.0.0.0", "--allow-root"]]))
        containers.append(c)
    spec: dict[str, object] = {"containers": containers,
                               "volumes": [{"name": "data", "emptyDir": {}}]}
    if draw(st.booleans()):
        spec["securityContext"] = {"runAsUser": draw(st.sampled_from([0, 1000]))}
    for key in ("hostNetwork", "hostPID"):
        if draw(st.booleans()):
            spec[key] = True
    kind = draw(st.sampled_from(["Pod", "Deployment", "DaemonSet", "Job"]))
    if kind == "Pod":
        doc: dict[str, object] = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"}, "spec": spec}
    else:
        if kind == "Job":
            spec["restartPolicy"] = "Never"
        template = {"metadata": {"labels": {"app": "a"}}, "spec": spec}
        body: dict[str, object] = {"template": template}
        if kind != "Job":
            body["selector"] = {"matchLabels": {"app": "a"}}
        doc = {"apiVersion": "batch/v1" if kind == "Job" else "apps/v1", "kind": kind, "metadata": {"name": "w"},
               "spec": body}
    styles = draw(st.lists(st.integers(0, 99), max_size=300))
    # single-quoted strings, plain numbers, JSON booleans (padded: a node past the list gets style 0)
    return emit(doc, 0, [4] * 400 + [s - s % 6 + 4 for s in styles])


# each example runs Compose v2 twice (~65 ms a run): bounded here, the fuzz profile runs more
@settings(max_examples=int(os.environ.get("GLMLINT_REAL_EXAMPLES", "50")))
@given(valid_compose_files())
@example('services:\n  worker:\n    extends: base\n  base:\n    image: "nginx:1.27"\n')
def test_fixes_of_valid_compose_files_load_in_compose(text):
    lint(text, "compose", "docker-compose.yml")


@settings(max_examples=int(os.environ.get("GLMLINT_REAL_EXAMPLES", "50")))
@given(valid_manifests())
def test_fixes_of_valid_manifests_pass_strict_schemas(text):
    lint(text, "yaml", "manifest.yaml")
