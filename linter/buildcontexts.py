"""The named build contexts a Dockerfile is built with, read from what builds it.

BuildKit resolves a `FROM NAME`, `COPY --from=NAME` or `RUN --mount=from=NAME` that names no stage
against the build's named contexts before it pulls NAME as an image (docs.docker.com "Build
context", "Named contexts": `docker buildx build --build-context NAME=VALUE`; a context named after
an image, `alpine`, replaces that image; buildkit frontend/dockerui namedcontext.go matches the
reference in its familiar form, `:latest` dropped). A build is given its named contexts by:

- compose `build.additional_contexts` (a mapping, or a list of `NAME=VALUE`; compose-spec
  build.md), for the service whose `build.context` and `build.dockerfile` are this Dockerfile;
- `docker buildx build --build-context NAME=VALUE` (also `docker build` with BuildKit) in a
  script, Makefile or CI workflow;
- a bake file's target `contexts = { NAME = "VALUE" }` (`docker-bake.hcl`, `docker-bake.json`;
  docs.docker.com "Bake file reference", `target.contexts`).

The files searched are those of the Dockerfile's directory and the three above it (not above a
directory holding `.git`), and their `.github/workflows/`; a compose file names the Dockerfile it
builds exactly, the other files are taken whole (a name one of them gives any build is not read as
an image pulled here: precision first).
"""
from __future__ import annotations

import json
import os
import re

from glmlint import lazyre

_UP = 3
_MAX = 1 << 20
_COMPOSE = lazyre.compile(r"^(?:docker-)?compose(?:[._-].*)?\.ya?ml$", re.I)
_BAKE = lazyre.compile(r"^docker-bake(?:\.[\w-]+)*\.(?:hcl|json)$", re.I)
_SCRIPT = lazyre.compile(r"\.(?:sh|bash|mk|ya?ml)$|^(?:GNU)?[Mm]akefile$|^[Jj]ustfile$")
_BUILD_CONTEXT = lazyre.compile(r"--build-context[= \t]+[\"']?([A-Za-z0-9][A-Za-z0-9_./:@-]*)=")
_HCL_CONTEXTS = lazyre.compile(r"\bcontexts\s*=\s*\{([^{}]*)\}")
_HCL_KEY = lazyre.compile(r"^\s*\"?([A-Za-z0-9][A-Za-z0-9_./:@-]*)\"?\s*=", re.M)


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


def named_contexts(real_path: str) -> frozenset[str]:
    """The names (`familiar`) of the named contexts the builds near `real_path` give a build of it."""
    if not real_path or real_path == "-":
        return frozenset()
    me = os.path.abspath(real_path)
    names: set[str] = set()
    here = os.path.dirname(me)
    for _ in range(_UP + 1):
        _read_dir(here, me, names)
        _read_dir(os.path.join(here, ".github", "workflows"), me, names)
        if os.path.exists(os.path.join(here, ".git")) or os.path.dirname(here) == here:
            break
        here = os.path.dirname(here)
    return frozenset(familiar(n) for n in names)


def _read_dir(directory: str, me: str, names: set[str]) -> None:
    try:
        entries = sorted(os.listdir(directory))
    except OSError:
        return
    for entry in entries:
        kind = "compose" if _COMPOSE.match(entry) else "bake" if _BAKE.match(entry) else \
            "script" if _SCRIPT.search(entry) else None
        if kind is None:
            continue
        text = _text(os.path.join(directory, entry))
        if text is None or "context" not in text:
            continue
        if kind == "compose":
            if "additional_contexts" in text:
                names.update(_compose(text, directory, me))
        elif kind == "bake":
            names.update(_bake(text, entry.lower().endswith(".json")))
        if kind != "compose" or "--build-context" in text:
            names.update(_BUILD_CONTEXT.findall(text))


def _text(path: str) -> str | None:
    try:
        if not os.path.isfile(path) or os.path.getsize(path) > _MAX:
            return None
        with open(path, encoding="utf-8", errors="replace") as f:
            return f.read()
    except OSError:
        return None


def _compose(text: str, directory: str, me: str) -> set[str]:
    """The `additional_contexts` names of the services of a compose file that build `me`."""
    from glmlint.parsers import yamlnodes as y

    out: set[str] = set()
    try:
        docs = y.compose_all(text)
    except y.YamlError:  # a file Compose cannot read builds nothing
        return out
    for doc in docs:
        services = y.get(doc, "services") if y.is_map(doc) else None
        if not y.is_map(services):
            continue
        for _key, service in services.value:
            build = y.get(service, "build") if y.is_map(service) else None
            if not y.is_map(build):
                continue
            extra = y.get(build, "additional_contexts")
            if extra is None or not _builds(build, directory, me):
                continue
            if y.is_map(extra):
                out.update(str(y.text(k)) for k, _v in extra.value if y.is_scalar(k))
            elif y.is_seq(extra):
                out.update((y.text(item) or "").partition("=")[0].strip() for item in extra.value if y.is_scalar(item))
    out.discard("")
    return out


def _builds(build: object, directory: str, me: str) -> bool:
    """Whether a compose `build:` builds the Dockerfile `me` (a context or file name with a variable:
    taken as it may)."""
    from glmlint.parsers import yamlnodes as y

    context = y.text(y.get(build, "context")) or "."
    dockerfile = y.text(y.get(build, "dockerfile")) or "Dockerfile"
    if "$" in context or "$" in dockerfile:
        return True
    if "://" in context or context.startswith("git@"):
        return False
    path = os.path.normpath(os.path.join(directory, context, dockerfile))
    return path == me


def _bake(text: str, is_json: bool) -> set[str]:
    """The names of the `contexts` of a bake file's targets."""
    out: set[str] = set()
    if is_json:
        try:
            data = json.loads(text)
        except ValueError:
            return out
        targets = data.get("target") if isinstance(data, dict) else None
        for target in (targets.values() if isinstance(targets, dict) else ()):
            contexts = target.get("contexts") if isinstance(target, dict) else None
            if isinstance(contexts, dict):
                out.update(str(k) for k in contexts)
        return out
    for block in _HCL_CONTEXTS.findall(text):
        out.update(_HCL_KEY.findall(block))
    return out
