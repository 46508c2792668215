"""What glmlint knows about published images (`images.yaml`): the facts an image's own
configuration holds, such as its default user, looked up by image reference.

The data file is read once, on the first query, from its generated JSON twin
(`glmlint.catalog.load_data`); nothing is read at import. See docs/images.md.
"""
from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Any

from glmlint.catalog import glob_match, load_data
from glmlint.records import dataclass

if TYPE_CHECKING:
    from glmlint.ir import Workload

DATA = "images.yaml"


@dataclass(frozen=True, slots=True)
class Fact:
    """One fact about an image: its value, the entry that states it and the entry's source."""

    name: str
    value: Any
    source: str
    entry: str  # the entry's id
    note: str | None = None


@dataclass(frozen=True, slots=True)
class Entry:
    id: str
    description: str
    match: tuple[str, ...]
    facts: dict[str, dict[str, Any]]

    def matches(self, repo: str, tag: str | None) -> bool:
        for pattern in self.match:
            pat_repo, pat_tag = split_reference(pattern)
            if not glob_match(repo, pat_repo):
                continue
            if pat_tag is None:
                return True
            if tag is not None and glob_match(tag, pat_tag):
                return True
        return False


def split_reference(ref: str) -> tuple[str, str | None]:
    """`registry/repo:tag` -> (`registry/repo`, `tag`); no tag -> None (a `:port` is not a tag)."""
    slash = ref.rfind("/")
    colon = ref.rfind(":")
    if colon > slash:
        return ref[:colon], ref[colon + 1:]
    return ref, None


def normalise(image: str) -> tuple[str, str | None] | None:
    """An image reference as the catalog matches it: (repository, tag).

    Docker Hub's `docker.io/`, `index.docker.io/` and `library/` prefixes are dropped, a
    digest is dropped (a tag written before it is kept), and a reference with neither tag nor
    digest has the tag `latest`, as Docker pulls it. A digest alone leaves the tag unknown
    (None). A reference that still holds a variable (`${BASE}`) is unknown: None.
    """
    ref = image.strip().lower()
    if not ref or "$" in ref or any(c.isspace() for c in ref):
        return None
    digest = False
    if "@" in ref:
        ref, _, _ = ref.partition("@")
        digest = True
    for prefix in ("docker.io/", "index.docker.io/", "registry-1.docker.io/"):
        if ref.startswith(prefix):
            ref = ref[len(prefix):]
            break
    if ref.startswith("library/"):
        ref = ref[len("library/"):]
    repo, tag = split_reference(ref)
    if tag is None and not digest:
        tag = "latest"
    return repo, tag


@functools.lru_cache(maxsize=1)
def entries() -> tuple[Entry, ...]:
    """Every entry of images.yaml, in file order (loaded once)."""
    return tuple(Entry(id=e["id"], description=e.get("description", ""), match=tuple(e["match"]),
                       facts=dict(e.get("facts") or {}))
                 for e in load()["images"])


@functools.lru_cache(maxsize=1)
def load() -> dict[str, Any]:
    """The raw data of images.yaml (for the schema test and the docs)."""
    data: dict[str, Any] = load_data(DATA)
    return data


@functools.lru_cache(maxsize=1)
def _by_repository() -> tuple[dict[str, list[tuple[int, str | None]]], list[tuple[int, str, str | None]],
                              list[tuple[int, str | None]]]:
    """Every `match:` pattern as (its entry's place in `entries()`, tag) under its literal repository,
    (place, repository, tag) for the repositories with a wildcard but `*`, and (place, tag) for the
    patterns of any repository (`*:*ubuntu*`, 2 in 3 of the wildcard ones): `entries_for` then tries the
    few patterns that can match instead of every entry's (~4 ms of a corpus scan's 765 images)."""
    literal: dict[str, list[tuple[int, str | None]]] = {}
    wild: list[tuple[int, str, str | None]] = []
    any_repository: list[tuple[int, str | None]] = []
    for i, e in enumerate(entries()):
        for p in e.match:
            repo, tag = split_reference(p)
            if repo == "*":
                any_repository.append((i, tag))
            elif "*" in repo or "?" in repo or "[" in repo:
                wild.append((i, repo, tag))
            else:
                literal.setdefault(repo, []).append((i, tag))
    return literal, wild, any_repository


@functools.lru_cache(maxsize=1)
def _wild_prefixes() -> tuple[str, ...]:
    """What comes before the first wildcard of each repository pattern of `_by_repository`'s second list
    (`gcr.io/distroless/`, `redhat/ubi9`): a repository that starts with none of them matches none."""
    return tuple(sorted({min((r.split(c, 1)[0] for c in "*?["), key=len) for _i, r, _t in _by_repository()[1]}))


@functools.lru_cache(maxsize=1024)
def _by_tag(tag: str | None) -> frozenset[int]:
    """The entries a pattern of any repository (`*:*ubuntu*`) matches by the tag alone: asked once per tag,
    which far fewer than the images are (`latest`, `3.11-slim`), not once per image."""
    return frozenset(i for i, t in _by_repository()[2] if t is None or (tag is not None and glob_match(tag, t)))


@functools.lru_cache(maxsize=2048)
def entries_for(image: str) -> tuple[Entry, ...]:
    """Every entry whose pattern matches `image`, in file order (those whose `Entry.matches` is true)."""
    ref = normalise(image)
    if ref is None:
        return ()
    repo, tag = ref
    literal, wild, _any = _by_repository()
    hits = {i for i, t in literal.get(repo, ()) if t is None or (tag is not None and glob_match(tag, t))}
    hits.update(_by_tag(tag))
    if repo.startswith(_wild_prefixes()):  # (most images start with none of them: no pattern tried)
        hits.update(i for i, r, t in wild if i not in hits and glob_match(repo, r)
                    and (t is None or (tag is not None and glob_match(tag, t))))
    if not hits:
        return ()
    every = entries()
    return tuple(every[i] for i in sorted(hits))


# each answer kept: a pure function of the image, the fact's name and the catalog, read once per process
# (`entries`); a `Fact` is frozen, so the same one is handed out again (asked ~11k times on the corpus, for
# ~1.5k distinct questions: GLM001 twice a workload)
@functools.lru_cache(maxsize=4096)
def fact(image: str | None, name: str) -> Fact | None:
    """The fact `name` about `image` (`default user` is `user`), or None when the catalog does not know it.

    An image may match several entries (distroless `static:nonroot` is both a `nonroot` tag and
    a `static` image); for each fact the first matching entry that states it wins."""
    if not image:
        return None
    for entry in entries_for(image):
        if name in entry.facts:
            data = entry.facts[name]
            return Fact(name=name, value=data["value"], source=data["source"], entry=entry.id, note=data.get("note"))
    return None


def fact_under(pattern: str, name: str) -> Fact | None:
    """The fact `name` of the first entry one of whose patterns the image glob `pattern` covers (a service's
    `quay.io/jupyter/*` covers the Docker Stacks' `quay.io/jupyter/base-notebook`), None when none states it."""
    for entry in entries():
        if name in entry.facts and any(glob_match(split_reference(p)[0], pattern) for p in entry.match):
            data = entry.facts[name]
            return Fact(name=name, value=data["value"], source=data["source"], entry=entry.id, note=data.get("note"))
    return None


def default_user(image: str | None) -> Fact | None:
    """The published default user of `image` when the catalog knows it (only non-root users are listed)."""
    return fact(image, "user")


def set_home(workload: Workload) -> str | None:
    """The HOME the workload sets, else the one its image sets (images.yaml `env`); "" when the workload sets it
    to a value not read here (a variable, `valueFrom`, a relative path); None when neither sets it (the
    runtime then takes the user's /etc/passwd entry: runc's `setupUser`)."""
    var = workload.env_value("HOME")
    if var is not None:
        value = var.value
        return value if value and value.startswith("/") and "$" not in value and not var.dynamic else ""
    env = fact(workload.entry_image(), "env")
    if env is not None and isinstance(env.value, dict) and "HOME" in env.value:
        return str(env.value["HOME"])
    return None


def sh(image: str | None) -> str | None:
    """What `/bin/sh` is in `image`: `busybox` (an `alpine` name, or the catalog says so), `dash`
    (the catalog's Debian and Ubuntu family), None when not known."""
    if image and "alpine" in image.lower():
        return "busybox"
    known = fact(image, "shell")
    return None if known is None else str(known.value)


def shell_wrapper(program: str) -> list[str] | None:
    """The shell (`["bash", "-o", "pipefail", "-c"]`) a `SHELL` program the catalog knows runs its
    argument with (micromamba's `/usr/local/bin/_dockerfile_shell.sh`), whatever the image."""
    for entry in entries():
        known = entry.facts.get("shell_wrappers")
        if known is not None and program in known["value"]:
            return list(known["value"][program])
    return None
