"""The named build contexts a Dockerfile is built with, read from what builds it.

BuildKit resolves a `FROM NAME`, `COPY --from=NAME` or `RUN --mount=from=NAME` that names no stage
against the build's named contexts before it pulls NAME as an image (docs.docker.com "Build
context", "Named contexts": `docker buildx build --build-context NAME=VALUE`; a context named after
an image, `alpine`, replaces that image; buildkit frontend/dockerui namedcontext.go matches the
reference in its familiar form, `:latest` dropped). A context's value `docker-image://IMAGE` is
that image, pulled instead (`FROM base` built with `base=docker-image://pytorch/pytorch` pulls
`pytorch/pytorch:latest`); another value (a directory, a Git or HTTP URL, `target:`, `oci-layout://`)
is no image. A build is given its named contexts by:

- compose `build.additional_contexts` (a mapping, or a list of `NAME=VALUE`; compose-spec
  build.md), for the service whose `build.context` and `build.dockerfile` are this Dockerfile,
  an override file's (`compose.override.yaml`, which Compose merges over `compose.yaml`) with the
  context and Dockerfile the service's build has there;
- `docker buildx build --build-context NAME=VALUE` (also `docker build` with BuildKit, `podman
  build`) in a script, Makefile or CI workflow, for the Dockerfile that command reads (`-f`, else
  `Dockerfile` in its context argument; from the script's directory or its parent, a workflow's
  from the repository's root or a `working-directory:`); a `--build-context` outside a command
  read so is taken for every Dockerfile;
- GitHub Actions' `docker/build-push-action` `build-contexts:` (lines of `NAME=VALUE`;
  docs.docker.com "Named contexts with GitHub Actions"), for its `file:`, else `Dockerfile` in its
  `context:`, else the repository's root;
- a bake file's target `contexts = { NAME = "VALUE" }` (`docker-bake.hcl`, `docker-bake.json`;
  docs.docker.com "Bake file reference", `target.contexts`), for the Dockerfile the target builds
  (its `dockerfile`, default `Dockerfile`, in its `context`, default the bake file's directory; with
  what it `inherits`).

The files searched are those of the Dockerfile's directory and the three above it (not above a
directory holding `.git`), and their `.github/workflows/`. A path or value with a variable is taken
as it may be: the context applies, and its value is no image known (precision first).
"""
from __future__ import annotations

import json
import os
import re
import shlex

from glmlint import lazyre
from glmlint.composefiles import CONTINUED, PREFIXES, ancestors
from glmlint.parsers.base import COMPOSE_NAME, scan_memo

_MAX = 1 << 20
_BAKE = lazyre.compile(r"^docker-bake(?:\.[\w-]+)*\.(?:hcl|json)$", re.I)
_SCRIPT = lazyre.compile(r"\.(?:sh|bash|mk|ya?ml)$|^(?:GNU)?[Mm]akefile$|^[Jj]ustfile$")
_OVERRIDE = lazyre.compile(r"^(?:docker-)?compose\.override\.ya?ml$", re.I)
# the files Compose reads by default, in its order of preference, an override file merged over the first
_COMPOSE_DEFAULTS = ("compose.yaml", "compose.yml", "docker-compose.yaml", "docker-compose.yml")
_NAME = r"[A-Za-z0-9][A-Za-z0-9_./:@-]*"
_BUILD_CONTEXT = lazyre.compile(rf"--build-context[= \t]+[\"']?({_NAME})=([^\s\"']*)")
# a build command of the container CLI, to the end of its command (`&&`, `;`, a pipe, a subshell's end; a
# make `$(VAR)` kept)
_BUILD = lazyre.compile(r"\b(?:docker|podman|nerdctl)(?:[ \t]+(?:buildx|image))?[ \t]+build\b"
                        r"((?:\$\([^()\n]*\)|[^\n;&|`)])*)")
# `docker buildx build` options that take a value (`docker buildx build --help`, buildx v0.17); the
# rest are flags
_VALUED = frozenset({
    "--add-host", "--allow", "--annotation", "--attest", "--build-arg", "--builder", "--cache-from", "--cache-to",
    "--call", "--cgroup-parent", "--iidfile", "--label", "--metadata-file", "--network", "--no-cache-filter",
    "-o", "--output", "--platform", "--progress", "--provenance", "--sbom", "--secret", "--shm-size", "--ssh",
    "-t", "--tag", "--target", "--ulimit", "--isolation", "--memory", "-m", "--cpu-shares", "--cpuset-cpus",
    "--cpu-quota", "--cpu-period", "--memory-swap", "--security-opt", "--format", "--volume", "-v", "--authfile", "--creds", "--arch", "--os", "--variant", "--jobs", "--timestamp"})
_HCL_CONTEXTS = lazyre.compile(r"\bcontexts\s*=\s*\{")
# `NAME = "VALUE"` (or `NAME: ...`; a value not quoted is an expression, a variable's: not known)
_HCL_PAIR = lazyre.compile(rf"(?:^|[\s,{{])\"?({_NAME})\"?\s*[=:]\s*(?:\"((?:[^\"\\]|\\.)*)\"|([^\s,}}]+))")
_IMAGE = "docker-image://"
UNKNOWN = ""  # a context's value that is not known (a variable)

Contexts = dict[str, frozenset[str]]  # a context's name (`familiar`) -> the values builds give it


def familiar(ref: str) -> str:
    """An image reference as a named context matches it: lower case, Docker Hub's `docker.io/` and
    `library/` and a `:latest` tag left out."""
    name = ref.strip().lower()
    for prefix in ("docker.io/", "index.docker.io/"):
        if name.startswith(prefix):
            name = name[len(prefix):]
            if name.startswith("library/"):
                name = name[len("library/"):]
    return name[:-len(":latest")] if name.endswith(":latest") else name


def image_of(values: frozenset[str]) -> tuple[str, ...] | None:
    """The images a named context pulls when every value builds give it is `docker-image://IMAGE` with
    no variable; None when one is another kind of context or not known."""
    if not values or any(not v.startswith(_IMAGE) or "$" in v or len(v) == len(_IMAGE) for v in values):
        return None
    return tuple(sorted({v[len(_IMAGE):] for v in values}))


def named_contexts(real_path: str) -> Contexts:
    """The named contexts (name in its `familiar` form -> values) the builds near `real_path` give a
    build of it."""
    if not real_path or real_path == "-":
        return {}
    me = os.path.abspath(real_path)
    found: dict[str, set[str]] = {}
    for here in ancestors(os.path.dirname(me)):
        _read_dir(here, me, found, None)
        _read_dir(os.path.join(here, ".github", "workflows"), me, found, here)
    return {familiar(n): frozenset(v) for n, v in found.items()}


def _read_dir(directory: str, me: str, found: dict[str, set[str]], workspace: str | None) -> None:
    """The contexts the files of `directory` give `me`; `workspace`: they are the workflows of the
    repository there."""
    for entry, kind, text in _entries(directory, workspace is not None):
        if kind == "compose":
            if "additional_contexts" in text:
                _compose(text, entry, directory, me, found)
        elif kind == "bake":
            _bake(text, entry.lower().endswith(".json"), directory, me, found)
        if workspace is not None and "--build-context" in text:
            _workflow_scripts(text, workspace, me, found)
        elif kind != "compose" or "--build-context" in text:
            _scripts(text, [directory, os.path.dirname(directory)], me, found)
        if workspace is not None and "build-contexts" in text:
            _build_push_action(text, workspace, me, found)


def _entries(directory: str, workflows: bool) -> list[tuple[str, str, str]]:
    """The compose, bake and script files of `directory` that may name a context (a compose file's name
    in workflows is no compose file), by name, each with its kind and text; none when it cannot be
    listed. While a scan runs, each directory is read once (`parsers.base.scan_memo`): the Dockerfiles
    of one part of a tree ask about the same directories (on the corpus 1,096 listings of 318
    directories), and few of their files name a context (the texts kept)."""
    listed = scan_memo("buildcontexts")
    key = (directory, workflows)
    got = listed.get(key) if listed is not None else None
    if got is not None:
        return got
    try:
        names = sorted(os.listdir(directory))
    except OSError:
        names = []
    got = []
    for entry in names:
        kind = "compose" if COMPOSE_NAME.match(entry) and not workflows else "bake" if _BAKE.match(entry) \
            else "script" if _SCRIPT.search(entry) else None
        if kind is None:
            continue
        text = _text(os.path.join(directory, entry))
        if text is not None and "context" in text:
            got.append((entry, kind, text))
    if listed is not None:
        if len(listed) >= _LISTED_KEPT:
            listed.clear()
        listed[key] = got
    return got


_LISTED_KEPT = 1024  # directories a scan keeps listed (`_entries`)


def _text(path: str) -> str | None:
    try:
        if not os.path.isfile(path) or os.path.getsize(path) > _MAX:
            return None
        with open(path, encoding="utf-8", errors="replace") as f:
            return f.read()
    except OSError:
        return None


def _add(found: dict[str, set[str]], name: str, value: str) -> None:
    if name:
        found.setdefault(name, set()).add(UNKNOWN if "$" in value else value.strip())


def _services(text: str) -> dict[str, object]:
    """A compose file's services (name -> node) across its documents; none when Compose cannot read it."""
    from glmlint.parsers import yamlnodes as y

    out: dict[str, object] = {}
    try:
        docs = y.compose_all(text)
    except y.YamlError:
        return out
    for doc in docs:
        services = y.get(doc, "services") if y.is_map(doc) else None
        if y.is_map(services):
            out.update((str(y.text(k)), v) for k, v in services.value if y.is_scalar(k))
    return out


def _compose(text: str, entry: str, directory: str, me: str, found: dict[str, set[str]]) -> None:
    """The `additional_contexts` of the services of a compose file that build `me`; an override file's
    service builds with the context and Dockerfile its build has in the file it is merged over."""
    from glmlint.parsers import yamlnodes as y

    base: dict[str, object] | None = None
    for name, service in _services(text).items():
        build = y.get(service, "build") if y.is_map(service) else None
        extra = y.get(build, "additional_contexts") if y.is_map(build) else None
        if extra is None:
            continue
        context, dockerfile = _build_paths(build)
        if (context is None or dockerfile is None) and _OVERRIDE.match(entry):
            if base is None:
                base = next((_services(t) for n in _COMPOSE_DEFAULTS
                             if (t := _text(os.path.join(directory, n))) is not None), {})
            under = base.get(name)
            under_build = y.get(under, "build") if y.is_map(under) else None
            if under_build is not None:
                below = _build_paths(under_build)
                context, dockerfile = context or below[0], dockerfile or below[1]
        if not _builds(context or ".", dockerfile or "Dockerfile", directory, me):
            continue
        if y.is_map(extra):
            for k, v in extra.value:
                if y.is_scalar(k):
                    _add(found, str(y.text(k)), y.text(v) or "" if y.is_scalar(v) else UNKNOWN)
        elif y.is_seq(extra):
            for item in extra.value:
                if y.is_scalar(item):
                    key, _eq, value = (y.text(item) or "").partition("=")
                    _add(found, key.strip(), value)


def _build_paths(build: object) -> tuple[str | None, str | None]:
    """A compose `build:`'s context and Dockerfile as written (None: not written)."""
    from glmlint.parsers import yamlnodes as y

    if y.is_scalar(build):
        return y.text(build), None
    if not y.is_map(build):
        return None, None
    return y.text(y.get(build, "context")), y.text(y.get(build, "dockerfile"))


def _builds(context: str, dockerfile: str, base: str, me: str) -> bool:
    """Whether a build of `context` and `dockerfile` (the Dockerfile's path within the context) read from
    `base` builds `me` (a path with a variable: taken as it may)."""
    if "$" in context or "$" in dockerfile:
        return True
    if "://" in context or context.startswith("git@"):
        return False
    return os.path.normpath(os.path.join(base, context, dockerfile)) == me


def _scripts(text: str, bases: list[str], me: str, found: dict[str, set[str]]) -> None:
    """`--build-context NAME=VALUE` of the build commands of a script that build `me` (read from one of
    `bases`), and those outside a build command read (a variable holding options): for every Dockerfile."""
    text = CONTINUED.sub(" ", text)
    read: list[tuple[int, int]] = []
    for m in _BUILD.finditer(text):
        if "--build-context" not in m.group(1):
            continue
        got = _build_command(m.group(1))
        if got is None:
            continue
        read.append(m.span(1))
        contexts, context, dockerfile = got
        if any(_reads(context, dockerfile, base, me) for base in bases):
            for name, value in contexts:
                _add(found, name, value)
    for m in _BUILD_CONTEXT.finditer(text):
        if not any(start <= m.start() < end for start, end in read):
            _add(found, m.group(1), m.group(2))


def _workflow_scripts(text: str, workspace: str, me: str, found: dict[str, set[str]]) -> None:
    """`_scripts` of a workflow's `run:` steps, each run in the repository's root (`workspace`) or in the
    `working-directory:` of the step, else of its job's `defaults.run`, else of the workflow's (docs.github.com
    "Workflow syntax for GitHub Actions"); a file that is not YAML is read from the root."""
    from glmlint.parsers import yamlnodes as y

    try:
        docs = y.compose_all(text)
    except y.YamlError:
        _scripts(text, [workspace], me, found)
        return

    def directory(owner: object) -> str | None:
        got = y.get(owner, "working-directory") if y.is_map(owner) else None
        return y.text(got) if y.is_scalar(got) else None

    read: list[tuple[int, int]] = []  # where the steps' scripts read above are written
    for doc in docs:
        if not y.is_map(doc):
            continue
        top = directory(y.get(doc, "defaults", "run"))
        jobs = y.get(doc, "jobs")
        for _k, job in (jobs.value if y.is_map(jobs) else ()):
            if not y.is_map(job):
                continue
            job_dir = directory(y.get(job, "defaults", "run")) or top
            steps = y.get(job, "steps")
            for step in (steps.value if y.is_seq(steps) else ()):
                run = y.get(step, "run") if y.is_map(step) else None
                script = y.text(run) if y.is_scalar(run) else None
                if not script or "--build-context" not in script:
                    continue
                where = directory(step) or job_dir
                where = (where or "").replace("${{ github.workspace }}", ".").strip()
                _scripts(script, [os.path.normpath(os.path.join(workspace, where or "."))], me, found)
                read.append((run.start_mark.index, run.end_mark.index))
    # a `--build-context` elsewhere (a job's `env:` of options a step passes on): for every Dockerfile
    rest = "".join(text[end:start] for end, start in zip([0, *(e for _s, e in sorted(read))],
                                                        [*(s for s, _e in sorted(read)), len(text)]))
    for m in _BUILD_CONTEXT.finditer(rest):
        _add(found, m.group(1), m.group(2))


def _build_command(rest: str) -> tuple[list[tuple[str, str]], str, str | None] | None:
    """(named contexts, context argument, `-f` value) of one build command's words; None when they are not
    literal words or name no context argument."""
    try:
        words = shlex.split(rest, comments=True, posix=True)
    except ValueError:
        return None
    contexts: list[tuple[str, str]] = []
    context = dockerfile = None
    i = 0
    while i < len(words):
        w = words[i]
        option, eq, value = w.partition("=") if w.startswith("--") else (w, "", "")
        if w.startswith("-f") and len(w) > 2 and not w.startswith("--"):
            option, eq, value = "-f", "=", w[2:]
        if option in ("--build-context", "-f", "--file") or option in _VALUED:
            if not eq:
                if i + 1 >= len(words):
                    return None
                value = words[i + 1]
                i += 1
            if option == "--build-context":
                name, _eq, given = value.partition("=")
                contexts.append((name, given))
            elif option in ("-f", "--file"):
                dockerfile = value
        elif not w.startswith("-") and context is None:
            context = w
        i += 1
    if context is None:
        return None
    return contexts, context, dockerfile


def _reads(context: str, dockerfile: str | None, base: str, me: str) -> bool:
    """Whether a build command run in `base` with context argument `context` and `-f dockerfile` reads
    the Dockerfile `me` (`-f` is read from the working directory; `-`: standard input, no file)."""
    context, dockerfile = _stripped(context), _stripped(dockerfile) if dockerfile else dockerfile
    if dockerfile == "-" or (context == "-" and dockerfile is None):
        return False
    if "$" in context or (dockerfile is not None and "$" in dockerfile):
        return True
    if dockerfile is not None:
        return os.path.normpath(os.path.join(base, dockerfile)) == me
    return _builds(context, "Dockerfile", base, me)


def _stripped(path: str) -> str:
    for prefix in PREFIXES:
        if path.startswith(prefix) and prefix != "./":
            return path[len(prefix):]
    return path


def _build_push_action(text: str, workspace: str, me: str, found: dict[str, set[str]]) -> None:
    """`build-contexts:` of a workflow's `docker/build-push-action` steps that build `me`: `file:`, else
    `Dockerfile` in `context:`, else in the repository's root (the action's Git context)."""
    from glmlint.parsers import yamlnodes as y

    try:
        docs = y.compose_all(text)
    except y.YamlError:
        return
    for doc in docs:
        jobs = y.get(doc, "jobs") if y.is_map(doc) else None
        for _k, job in (jobs.value if y.is_map(jobs) else ()):
            steps = y.get(job, "steps") if y.is_map(job) else None
            for step in (steps.value if y.is_seq(steps) else ()):
                uses = y.text(y.get(step, "uses")) if y.is_map(step) else None
                given = y.get(step, "with") if uses and uses.startswith("docker/build-push-action@") else None
                lines = y.text(y.get(given, "build-contexts")) if y.is_map(given) else None
                if not lines:
                    continue
                # the default, Git context is the repository (`{{defaultContext}}:docker` a directory of it)
                context = (y.text(y.get(given, "context")) or ".").replace("{{defaultContext}}:", "").replace(
                    "{{defaultContext}}", ".") or "."
                if _reads(context, y.text(y.get(given, "file")), workspace, me):
                    for line in lines.splitlines():
                        name, eq, value = line.strip().partition("=")
                        if eq:
                            _add(found, name.strip(), value)


_HCL_TARGET = lazyre.compile(r"\btarget\s+\"([^\"]+)\"\s*\{")
_HCL_ATTRIBUTE = lazyre.compile(r"(?m)^\s*\"?(context|dockerfile|dockerfile-inline)\"?\s*=\s*(?:\"((?:[^\"\\]|\\.)*)\"|(\S+))")
_HCL_INHERITS = lazyre.compile(r"\binherits\s*=\s*\[([^\]]*)\]")
# a target as `_bake` reads it: context, Dockerfile (None: not written; "$": an expression), its named
# contexts (name, value), the targets it inherits from, a Dockerfile written inline
_Target = tuple[str | None, str | None, list[tuple[str, str]], list[str], bool]


def _bake(text: str, is_json: bool, directory: str, me: str, found: dict[str, set[str]]) -> None:
    """The `contexts` of a bake file's targets that build `me`: a target builds `dockerfile` (default
    `Dockerfile`) of its `context` (default `.`, the bake file's directory where `docker buildx bake` runs),
    the Dockerfile's path read from the context (docs.docker.com "Bake file reference", `target.context`,
    `target.dockerfile`; docker/docs#22199), with what it `inherits` from other targets under its own
    attributes (`target.inherits`), and none when its Dockerfile is written inline (`dockerfile-inline`)."""
    targets = _json_targets(text) if is_json else _hcl_targets(text)
    for name in targets:
        context, dockerfile, contexts, _parents, inline = _inherited(name, targets, 0)
        if inline or not _builds(context or ".", dockerfile or "Dockerfile", directory, me):
            continue
        for key, value in contexts:
            _add(found, key, value)


def _inherited(name: str, targets: dict[str, _Target], depth: int) -> _Target:
    """A target with what it inherits filled in (its own attributes over its parents', in order)."""
    context, dockerfile, contexts, parents, inline = targets[name]
    if depth > 8:
        return targets[name]
    merged: dict[str, str] = {}
    for parent in parents:
        if parent in targets and parent != name:
            up = _inherited(parent, targets, depth + 1)
            context, dockerfile, inline = context or up[0], dockerfile or up[1], inline or up[4]
            merged.update(up[2])
    merged.update(contexts)
    return context, dockerfile, list(merged.items()), parents, inline


def _json_targets(text: str) -> dict[str, _Target]:
    try:
        data = json.loads(text)
    except ValueError:
        return {}
    targets = data.get("target") if isinstance(data, dict) else None
    out: dict[str, _Target] = {}
    for name, target in (targets.items() if isinstance(targets, dict) else ()):
        if not isinstance(target, dict):
            continue
        contexts = target.get("contexts")
        pairs = [(str(k), v if isinstance(v, str) else UNKNOWN) for k, v in contexts.items()] \
            if isinstance(contexts, dict) else []
        context, dockerfile = target.get("context"), target.get("dockerfile")
        inherits = target.get("inherits")
        out[str(name)] = (context if isinstance(context, str) else None,
                          dockerfile if isinstance(dockerfile, str) else None, pairs,
                          [str(p) for p in inherits] if isinstance(inherits, list) else [],
                          "dockerfile-inline" in target)
    return out


def _hcl_targets(text: str) -> dict[str, _Target]:
    out: dict[str, _Target] = {}
    for m in _HCL_TARGET.finditer(text):
        block = _hcl_block(text, m.end())
        pairs: list[tuple[str, str]] = []
        for c in _HCL_CONTEXTS.finditer(block):
            for name, value, expression in _HCL_PAIR.findall(_hcl_block(block, c.end())):
                pairs.append((name, "$" if expression else value))
        top = _hcl_top(block)
        attributes = {k: ("$" if expression else value) for k, value, expression in _HCL_ATTRIBUTE.findall(top)}
        inherits = _HCL_INHERITS.search(top)
        out[m.group(1)] = (attributes.get("context"), attributes.get("dockerfile"), pairs,
                           re.findall(r"\"([^\"]+)\"", inherits.group(1)) if inherits else [],
                           "dockerfile-inline" in attributes)
    return out


def _hcl_top(block: str) -> str:
    """An HCL block's own attributes: the text of the objects nested in it left out."""
    out: list[str] = []
    depth, i, quoted = 0, 0, False
    while i < len(block):
        ch = block[i]
        if quoted:
            if ch == "\\":
                if depth == 0:
                    out.append(block[i:i + 2])
                i += 2
                continue
            quoted = ch != '"'
        elif ch == '"':
            quoted = True
        elif ch == "{":
            depth += 1
        elif ch == "}":
            depth = max(depth - 1, 0)
            i += 1
            continue
        if depth == 0:
            out.append(ch)
        i += 1
    return "".join(out)


def _hcl_block(text: str, start: int) -> str:
    """The text of an HCL object from `start` (after its `{`) to its closing `}`, strings (and the
    `${...}` in them) skipped over."""
    depth, i, quoted = 1, start, False
    while i < len(text):
        ch = text[i]
        if quoted:
            if ch == "\\":
                i += 1
            elif ch == '"':
                quoted = False
        elif ch == '"':
            quoted = True
        elif ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
            if depth == 0:
                return text[start:i]
        i += 1
    return text[start:]
