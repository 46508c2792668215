"""Format detection and dispatch: bytes of one file -> a `SourceFile` or `Problem`s."""
from __future__ import annotations

import fnmatch
import os
import re
from collections.abc import Callable
from typing import TYPE_CHECKING

from glmlint import lazyre
from glmlint.ir import Format, Problem, Secret, SourceFile
# what every parser shares, here for `from glmlint.parsers import ParseError, ...`
from glmlint.parsers.base import COMPOSE_NAME, ParseError, Skip, decode, split_lines

if TYPE_CHECKING:
    from glmlint.heredocs import Heredoc

_DOCKERFILE = re.compile(r"^(?:(?:Docker|Container)file(?:[._-].*)?|.+\.(?:Docker|Container)file)$", re.I)
_YAML = lazyre.compile(r"\.ya?ml$", re.I)
_TEMPLATE = lazyre.compile(r"\{\{|\{%")
# Slurm batch scripts (`train.sbatch`, `job.slurm`: shell scripts `sbatch` submits) are shell too,
# Windows batch files (`run.bat`, `start.cmd`) are cmd.exe's, and a justfile's recipes (just finds
# `justfile`/`.justfile` in any case; modules `*.just`) are shell lines, as are a systemd service's
# `ExecStart=` lines (`ollama.service` running `docker run ...` on a GPU box)
_RUN_FILE = lazyre.compile(r"\.(?:sh|bash|sbatch|slurm|bat|cmd|md|markdown|mdx|mk|just|service)$|^(?:GNU)?[Mm]akefile$"
                           r"|^\.?[Jj][Uu][Ss][Tt][Ff][Ii][Ll][Ee]$")
DEVCONTAINERS = ("devcontainer.json", ".devcontainer.json")  # a Dev Container's configuration (`devcontainer`)
QUADLET = ".container"  # a Podman Quadlet unit (`ollama.container`): the `podman run` it generates (`quadlet`)
KUBE = ".kube"  # a Quadlet kube unit (`ollama.kube`): the ports it publishes for the YAML it plays (`quadlet`)
PYTHON = ".py"  # a Python script: the `docker run` it starts through a subprocess (`pycalls`)
NOTEBOOK = ".ipynb"  # a Jupyter notebook: the `docker run` its `!` lines and `%%bash` cells start (`notebook`)


def detect(name: str, rel_path: str = "") -> str | None:
    """'dockerfile', 'compose', 'yaml', 'json', 'sshd', 'docker-run' or None, from the file's name."""
    if name.endswith(".fixed"):
        return None  # golden fix outputs beside fixtures
    if _DOCKERFILE.match(name):
        # (`Dockerfile.python.dockerignore`: BuildKit's ignore file of the Dockerfile it is named after, read as
        # `<Dockerfile>.dockerignore`, moby/buildkit@f674751137ace78204109f3c7916ebd4cf38b42e
        # frontend/dockerui/config.go `ReadEntrypointFiles`; patterns, not instructions); a web bundle's
        # chunk of an editor's Dockerfile syntax (`web/dist/assets/dockerfile-BU1Ap__c.js`, committed in
        # ParisNeo/lollms-webui@e6afb66a) is JavaScript; `.jinja` is a template as `.j2` is
        if not name.lower().endswith((".md", ".txt", ".sh", ".py", ".json", ".yml", ".yaml", ".dockerignore",
                                      ".template", ".tpl", ".j2", ".jinja", ".jinja2", ".orig", ".bak", ".swp",
                                      ".js", ".mjs", ".cjs", ".ts", ".map", ".css", ".html")):
            return "dockerfile"
        if not _RUN_FILE.search(name):
            return None
    if _RUN_FILE.search(name) or name in DEVCONTAINERS or name.endswith((QUADLET, KUBE, PYTHON, NOTEBOOK)):
        # scripts, Makefiles, Markdown: read only if they mention docker/podman; a Dev Container's
        # configuration: the `docker run` its tools start it with; a Python script: the `docker run` it
        # starts through subprocess (read only if it mentions docker/podman); a Quadlet unit: the `podman run`
        return "docker-run"
    if COMPOSE_NAME.match(name):
        return "compose"
    if _YAML.search(name):
        return "yaml"
    if name.lower().endswith(".json"):
        return "json"  # a Kubernetes manifest written as JSON (`kubectl apply -f pod.json`), by content
    if name == "sshd_config" or (fnmatch.fnmatch(name, "*.conf") and "sshd_config.d" in rel_path.split("/")):
        return "sshd"
    return None


def parse(display: str, text: str, hint: str, real_path: str = "", duplicates: bool = True,
          docs: list[object] | None = None, checked: int = 0, pods: bool = True) -> SourceFile | None:
    """Parse one file. Raises `ParseError` for bad input, `Skip` for files not ours.
    `duplicates=False`: no problems for duplicate YAML keys (the fix engine's re-parses, which ignore
    problems); what cannot be read safely is refused all the same. `docs`: the YAML documents of
    `text`, already composed, of which the first `checked` were checked (`_check_yaml`) when the
    file was read before (the fix engine's re-parses reuse the documents an edit leaves alone).
    `pods=False`: a Kubernetes file's pod identities are not made (`kubernetes.parse`)."""
    global composed
    composed = None
    if hint == "dockerfile":
        import glmlint.parsers.dockerfile as dockerfile  # (not `from glmlint.parsers import`: see _parse_yaml)

        try:
            return dockerfile.parse(display, text, real_path if real_path != "-" else "")
        except dockerfile.DockerfileError as exc:
            raise ParseError(exc.line, str(exc)) from None
    if hint == "sshd":
        from glmlint.parsers import sshd

        return sshd.parse(display, text, real_path)
    if hint == "docker-run":
        if display.endswith(QUADLET):
            from glmlint.parsers import quadlet

            return quadlet.parse(display, text, real_path)  # the `podman run` Quadlet generates
        if display.endswith(KUBE):
            from glmlint.parsers import quadlet

            return quadlet.parse_kube(display, text, real_path)  # what `podman kube play` publishes
        if display.endswith(PYTHON):
            from glmlint.parsers import dockerrun, pycalls

            # read only if it mentions the container CLI (most Python files do not: no parse)
            return pycalls.parse(display, text) if dockerrun.MARKER.search(text) else None
        if display.endswith(NOTEBOOK):
            from glmlint.parsers import dockerrun, notebook

            return notebook.parse(display, text) if dockerrun.MARKER.search(text) else None
        if display.replace("\\", "/").rsplit("/", 1)[-1] in DEVCONTAINERS:
            from glmlint.parsers import devcontainer

            return devcontainer.parse(display, text)  # the `docker run` its tools start it with
        from glmlint.parsers import dockerrun
        from glmlint.parsers.yamlnodes import YamlError

        try:
            source = dockerrun.parse(display, text, real_path)
        except YamlError as exc:
            raise ParseError(exc.line, f"invalid YAML: {exc}") from None
        made = _created_secrets(display, text, real_path)  # (`kubectl create secret generic … --from-literal`)
        if source is None or not source.workloads:
            applied = _applied_manifests(display, text, real_path, pods)
            if made:
                applied = _with_created(display, text, applied, made)
            if applied is not None:
                return applied
        else:
            if made:  # (a script that runs containers and creates a Secret: GLM013 reads it, with its heredocs' readers)
                source.secrets = _linked(text, _applied_manifests(display, text, real_path, pods), made)
                _assume(source, made)
            if "<<" in text and _shell_script(display):
                from glmlint import heredocs

                _unchecked(source, heredocs.applied(text))
        return source
    return _parse_yaml(display, text, hint, real_path, duplicates, docs, checked, pods)


def _shell_script(display: str) -> bool:
    """Whether the file `display` names is a shell script, by its name (`dockerrun.kind_of`)."""
    from glmlint.parsers import dockerrun

    return dockerrun.kind_of(display.replace("\\", "/").rsplit("/", 1)[-1]) == "shell"


def _applied_manifests(display: str, text: str, real_path: str, pods: bool) -> SourceFile | None:
    """The Kubernetes manifests a shell script applies from heredocs (`cat <<EOF | kubectl apply -f -`,
    `glmlint.heredocs`), read as the Kubernetes file kubectl reads, at the script's lines; None when it
    applies none (or what it applies is no manifest, or is not YAML: kubectl refuses it, the script's
    own error). The source's text is the script's (what a finding shows); its workloads say they are
    applied by the script, and no fix is written into it (`SourceFile.applied_by`)."""
    if not _shell_script(display):
        return None
    from glmlint import heredocs

    found = heredocs.applied(text)
    stream = heredocs.stream(text, found)
    if stream is None:
        return None
    # a `<<-` body's nodes at the script's columns: the shell strips its leading tabs before kubectl reads it
    return _manifests_in(display, text, stream, found, heredocs.stripped(text, found), real_path, pods)


def _workflow_manifests(display: str, text: str, docs: list[object], real_path: str, pods: bool) -> SourceFile | None:
    """The Kubernetes manifests a GitHub workflow's `run: |` steps apply from heredocs (`heredocs.in_workflow`),
    read as `_applied_manifests` reads a script's, at the workflow's lines and columns; None when it applies none."""
    from glmlint import heredocs

    got = heredocs.in_workflow(text, docs)
    return _manifests_in(display, text, *got, real_path, pods) if got is not None else None


def _each_body(display: str, stream: str, found: list[Heredoc]) -> tuple[list[object] | None, str, list[Problem]]:
    """The documents of `stream` with each heredoc body that is not YAML left out, a notice naming each at its
    command's line, and the stream without them; None as the documents when none is left."""
    import glmlint.parsers.yamlnodes as yamlnodes

    lines = stream.split("\n")
    problems: list[Problem] = []
    for doc in found:
        try:
            yamlnodes.compose_all("\n".join(lines[doc.first - 1:doc.last]))
        except yamlnodes.YamlError as exc:
            problems.append(Problem(display, doc.first - 1, f"not checked: what `{doc.command}` reads from "
                                    f"the heredoc here is not YAML (kubectl refuses it): line "
                                    f"{doc.first + exc.line - 1}: {exc}", level="notice"))
            lines[doc.first - 2:doc.last] = [""] * (doc.last - doc.first + 2)
    stream = "\n".join(lines)
    try:
        docs = yamlnodes.compose_all(stream)
    except yamlnodes.YamlError:
        return None, stream, problems
    return (docs if len(problems) < len(found) else None), stream, problems


def _heredoc_docs(display: str, stream: str, found: list[Heredoc]) -> tuple[list[object] | None, str, list[Problem]]:
    """The documents kubectl reads from heredocs (`stream`), the stream they were composed from and the notices of
    the bodies left out (`_each_body`); None as the documents when none is YAML. What the shell (or envsubst) fills
    in may be what makes a body YAML (`labels: {app: ${APP}}`): each such value a plain unknown word
    (`heredocs.unknown_values`); a body that is still no YAML is one kubectl refuses, said and left out."""
    import glmlint.parsers.yamlnodes as yamlnodes
    from glmlint import heredocs

    try:
        return yamlnodes.compose_all(stream), stream, []
    except yamlnodes.YamlError:
        return _each_body(display, heredocs.unknown_values(stream, found), found)


def _unchecked(source: SourceFile, found: list[Heredoc]) -> None:
    """A notice that the manifests a file applies from heredocs (`found`) are not checked: a file is read for
    its `docker run` lines or for those manifests, not both (yet), and a part left out is said so."""
    if found:
        source.problems.append(Problem(source.path, found[0].first - 1, f"not checked: the Kubernetes manifests "
                                       f"`{found[0].command}` reads from a heredoc here (glmlint reads the "
                                       f"file's `docker run` lines, and not yet both)", level="notice"))


def _manifests_in(display: str, text: str, stream: str, found: list[Heredoc], shifts: dict[int, int], real_path: str,
                  pods: bool) -> SourceFile | None:
    """The Kubernetes file kubectl reads from heredocs (`stream`, at the lines of `text`; `shifts`: the columns
    each line of it lost), as `_applied_manifests` says."""
    import glmlint.parsers.yamlnodes as yamlnodes
    from glmlint import records

    docs, stream, problems = _heredoc_docs(display, stream, found)
    if docs is None:  # (none left: the file is said to apply what kubectl refuses, and nothing else)
        return SourceFile(path=display, format=Format.KUBERNETES, text=text, problems=problems,
                          applied_by=f"`{found[0].command}`") if problems else None
    try:
        yamlnodes.shift_columns(docs, shifts)
        source = _parse_yaml(display, stream, "yaml", real_path, docs=docs, pods=pods)
    except (ParseError, Skip, yamlnodes.YamlError):
        return None
    global composed
    composed = None
    if source is None or source.format is not Format.KUBERNETES:
        return None
    source.problems.extend(problems)
    def how(line: int) -> str:
        doc = next((h for h in found if h.first - 1 <= line <= h.last), found[0])
        return f"`{doc.command}`"

    source.workloads = [records.replace(w, label=f"{w.label} applied by {how(w.anchor.line)}")
                        for w in source.workloads]
    source.text = text
    source.applied_by = how(0)
    return source


# The last file `parse` read as Kubernetes, when it composed the text itself: (its text, its documents).
# The fix engine lowers fixes against the same text's nodes (`fix.engine.text_docs`, on the text
# object the file was read into) and takes these instead of composing the text again: the Kubernetes
# parser and the rules never change a node once composed (only the compose parser rewrites its own).
composed: tuple[str, list[object]] | None = None


def _with_created(display: str, text: str, applied: SourceFile | None, made: list[Secret]) -> SourceFile:
    """The script's Kubernetes file (`_applied_manifests`; one of its own, with no fix, when it applies no heredoc)
    with the Secrets it creates (`made`), linked to the workloads of its heredocs that read them."""
    if applied is None:
        applied = SourceFile(path=display, format=Format.KUBERNETES, text=text, secrets=made,
                             applied_by="`kubectl create secret generic`")
    else:
        applied.secrets = [*applied.secrets, *_linked(text, applied, made)]
    _assume(applied, made)
    return applied


def _assume(source: SourceFile, made: list[Secret]) -> None:
    """The values of `made` read through a default (`--from-literal=PW=${PW:-s3cret}`: `kubesecrets._defaulted`),
    each said in `source.assumed` (a finding there says "when `PW` is unset")."""
    for secret in made:
        for var in secret.entries:
            if var.defaulted:
                source.assumed[(var.loc.line, var.loc.col)] = var.defaulted


def _linked(text: str, applied: SourceFile | None, made: list[Secret]) -> list[Secret]:
    """The Secrets a script creates (`made`) with the workloads of its heredocs (`applied`) that read them."""
    if applied is None or not applied.workloads:
        return made
    from glmlint import heredocs
    import glmlint.parsers.kubernetes as kubernetes

    # (the heredocs' documents again, for the readers' `env`, composed as `_manifests_in` composed them, which the
    # workloads' `node_path` index: a script that does both is rare)
    found = heredocs.applied(text)
    docs = _heredoc_docs("", heredocs.stream(text, found) or "", found)[0] or []
    reads = kubernetes.through_accounts(kubernetes.secret_reads(applied.workloads, docs), applied.accounts)
    return kubernetes.secrets_read(made, reads)


def _created_secrets(display: str, text: str, real_path: str) -> list[Secret]:
    """The Secrets a shell script creates from literals (`glmlint.kubesecrets`), with what it applies."""
    if "--from-literal" not in text or not _shell_script(display):
        return []
    from glmlint import kubesecrets

    return kubesecrets.created(text, os.path.dirname(os.path.abspath(real_path)) if real_path and real_path != "-"
                               else "")


def _in_helm_chart(real_path: str) -> bool:
    parts = os.path.normpath(real_path).split(os.sep)
    if "templates" not in parts[:-1]:
        return False
    idx = len(parts) - 1 - parts[::-1].index("templates")
    return os.path.exists(os.sep.join(parts[:idx] + ["Chart.yaml"]))


def _template_keys(doc: object) -> bool:
    """`key: {{ .Values.x }}` parses as a flow mapping used as a mapping key: a template's signature."""
    from glmlint.parsers import yamlnodes

    for _path, node in yamlnodes.walk_maps(doc):
        for key, _value in node.value:
            if yamlnodes.is_map(key):
                return True
    return False


def _parse_yaml(display: str, text: str, hint: str, real_path: str, duplicates: bool = True,
                docs: list[object] | None = None, checked: int = 0, pods: bool = True) -> SourceFile | None:
    # `import a.b as b`, not `from a import b`: importing a name from a package runs importlib's
    # `_handle_fromlist` (Python code) at every call, here once per file
    import glmlint.parsers.yamlnodes as yamlnodes

    fresh = docs is None
    templated = bool(_TEMPLATE.search(text))
    if templated and real_path and _in_helm_chart(real_path):
        raise Skip("skipped: Helm template, render it first (`helm template … | glmlint check -`)")
    try:
        if docs is None:
            docs = yamlnodes.compose_all(text)
    except yamlnodes.YamlError as exc:
        if templated:
            raise Skip("skipped: template (`{{ }}`/`{% %}`), render it first") from None
        raise ParseError(exc.line, f"invalid YAML: {exc}") from None
    if templated and any(_template_keys(d) for d in docs):
        raise Skip("skipped: template (`{{ }}`), render it first")
    import glmlint.parsers.compose as compose
    import glmlint.parsers.kubernetes as kubernetes

    if any(compose.is_compose(d) for d in docs):
        problems = _check_yaml(display, text, docs[checked:], duplicates=duplicates)
        source = compose.parse(display, text, docs, real_path)
    elif any(kubernetes.is_kubernetes(d) for d in docs):
        problems = _check_yaml(display, text, docs[checked:], skip=lambda d: kubernetes.is_kubernetes(d)
                               and not kubernetes.may_run(d), duplicates=duplicates)
        source = kubernetes.parse(display, text, docs, pods)
        if fresh:
            global composed
            composed = (text, docs)
    else:
        from glmlint.parsers import dockerrun

        ran = None
        if (dockerrun.MARKER.search(text) or dockerrun.JOB_CONTAINER.search(text)) \
                and any(dockerrun.is_workflow(d) or dockerrun.is_taskfile(d) for d in docs):
            ran = dockerrun.parse_workflow(display, text, docs)  # `docker run` in CI steps
        if "<<" in text and any(dockerrun.is_workflow(d) for d in docs):
            # `cat <<EOF | kubectl apply -f -` in a step (as in a script: read when no `docker run` is)
            if ran is None or not ran.workloads:
                applied = _workflow_manifests(display, text, docs, real_path, pods)
                if applied is not None:
                    return applied
            else:
                from glmlint import heredocs

                got = heredocs.in_workflow(text, docs)
                _unchecked(ran, got[1] if got is not None else [])
        return ran  # (None: a CI workflow, Helm values, OpenAPI, ...: not ours, skipped silently)
    source.problems.extend(problems)
    return source


def _check_yaml(display: str, text: str, docs: list[object],
                skip: Callable[[object], bool] = lambda d: False, duplicates: bool = True) -> list[Problem]:
    """Refuse what cannot be read safely (alias bombs) as a `ParseError`; duplicate keys as `Problem`s.

    Compose refuses a file with a duplicate key and kubectl's strict validation a
    manifest; the file is still checked with the last value (what a lenient loader
    applies), so that no finding hides behind the error.
    """
    import glmlint.parsers.yamlnodes as yamlnodes

    problems: list[Problem] = []
    # an alias needs an anchor before it (composing refuses an undefined one): without both `*` and
    # `&` in the text each document is a tree (a `*` alone is a glob, a cron field, a wildcard)
    aliases = "*" in text and "&" in text
    if not aliases and not duplicates:
        return problems  # without an alias nothing is refused: only duplicate keys would be found
    for doc in docs:
        if doc is None or skip(doc):
            continue
        try:
            dups = yamlnodes.check(doc, aliases=aliases, duplicates=duplicates)
        except yamlnodes.YamlError as exc:
            raise ParseError(exc.line, f"invalid YAML: {exc}") from None
        problems.extend(Problem(display, d.line, f"invalid YAML: {d}; checked with the last value")
                        for d in dups)
    return problems


__all__ = ["Format", "ParseError", "Problem", "Skip", "SourceFile", "decode", "detect", "parse", "split_lines"]
