"""The compose files a project's scripts name together: `docker compose -f a.yml -f b.yml up`.

Compose merges each `-f` file over the ones before it (compose-go `cli/options.go`: the files
given in order, later ones override; a relative path is read from the working directory). A
repository says which files go together where it runs them: a Makefile recipe, a shell script,
a `justfile`, the README's quick-start, a compose file's own usage comment
(`#   docker compose -f compose.yaml -f compose.gpu.yaml up`), or `COMPOSE_FILE=a.yml:b.yml` in the project's `.env`
(Compose reads `COMPOSE_FILE` from there, separated by `COMPOSE_PATH_SEPARATOR`, `:` by default
on Linux; https://docs.docker.com/compose/how-tos/environment-variables/envvars/). A file merged
over others is judged with them under it (`glmlint.parsers.compose`).

Only what is certain is used: every `-f` of the command a literal path (a make `$(CURDIR)/` or
shell `$PWD/` prefix aside) and every file on disk, read from the script's directory (make runs a
recipe there) or, for a script in a subdirectory, its parent (`./scripts/up.sh` run from the
repository's root). The script files searched are those in the compose file's directory, its
`scripts/`, `bin/`, `hack/` and `tools/`, and the three directories above it (not above a
directory holding `.git`: the repository's root) and theirs; then, when none names the file,
those of the directories beside it and beside its parent (`docker/Makefile` running
`-f compose.yml -f ../overrides/gpu.yml`; not in a directory of more than 32, a folder of projects). A GitHub Actions workflow
(`.github/workflows/*.yml` of one of those directories) counts too: its `run:` steps run in
the repository's root (`$GITHUB_WORKSPACE`, where `actions/checkout` puts it), or in a
`working-directory:` it names (docs.github.com, "Workflow syntax for GitHub Actions",
`jobs.<job_id>.steps[*].working-directory`, `defaults.run.working-directory`);
`${{ github.workspace }}/` before a path is that root.
"""
from __future__ import annotations

import functools
import os
import re
import stat
from collections.abc import Callable

from glmlint import lazyre

# The project Compose loads when no `-f` is given: the first of `DEFAULT_FILES` that exists in the
# directory, with the first of `OVERRIDE_FILES` that exists there merged over it (compose-go
# cli/options.go `DefaultFileNames`, `DefaultOverrideFileNames`, `WithDefaultConfigPath`, v2.x).
DEFAULT_FILES = ("compose.yaml", "compose.yml", "docker-compose.yml", "docker-compose.yaml")
OVERRIDE_FILES = ("compose.override.yml", "compose.override.yaml", "docker-compose.override.yml",
                  "docker-compose.override.yaml")

_NAMES = frozenset({"Makefile", "makefile", "GNUmakefile", "justfile", "Justfile", ".justfile", "README.md",
                    "readme.md", "README.MD"})
_SUFFIXES = (".sh", ".bash", ".sbatch", ".slurm", ".mk")
_MAX = 1 << 20
_UP = 3  # directories above the compose file's whose scripts are read
_BESIDE = 2  # of the compose file's directory and those above it: how many have their subdirectories read
_MAX_BESIDE = 32
_WORKFLOWS = os.path.join(".github", "workflows")
_WORKSPACE = lazyre.compile(r"\$\{\{\s*github\.workspace\s*\}\}/")
_WORKING_DIRECTORY = lazyre.compile(r"^\s*working-directory:\s*['\"]?([^'\"#\s$]+)['\"]?\s*(?:#.*)?$", re.M)
_SCRIPT_DIRS = ("scripts", "bin", "hack", "tools")  # and these beside it (run from the repository's root)
_COMMAND = lazyre.compile(r"(?:docker|podman)[ -]compose\b([^\n;&|`)#]*)")
CONTINUED = lazyre.compile(r"\\\r?\n")  # a line a `\` continues (shell, make)
# compose's global options that take a value (`docker compose --help`, v2)
_VALUED = frozenset({"-p", "--project-name", "--env-file", "--profile", "--project-directory", "--ansi",
                     "--progress", "--parallel", "--workdir"})
PREFIXES = ("$(CURDIR)/", "${CURDIR}/", "$(PWD)/", "${PWD}/", "$PWD/", "$(pwd)/", "$$(pwd)/", "$$PWD/",
             "${PWD:-.}/", "./")


def chain_for(real_path: str) -> tuple[tuple[str, ...], int] | None:
    """(files, index) when a script of the repository runs `real_path` merged over other compose
    files (`files[:index]`, index >= 1); None when none does."""
    if not real_path or real_path == "-":
        return None
    me = os.path.abspath(real_path)
    found = _chains_naming(me, lambda c: me in c[1:])
    if not found:
        return None
    chain = min(found, key=lambda c: c.index(me))  # the fewest files under it, the first named on a tie
    return chain, chain.index(me)


def chains_with(real_path: str) -> list[tuple[str, ...]]:
    """Every list of compose files a script of the repository (or the `.env`) runs `real_path` in, in
    merge order, wherever it is among them."""
    if not real_path or real_path == "-":
        return []
    me = os.path.abspath(real_path)
    return _chains_naming(me, lambda c: me in c)


def _chains_naming(me: str, wanted: Callable[[tuple[str, ...]], bool]) -> list[tuple[str, ...]]:
    """The chains of the scripts around `me` (an absolute path) that `wanted` keeps: the `.env`'s, those
    of the file's directory, its script directories and the ones above it, their workflows, and when
    none is kept, those of the directories beside it."""
    directory = os.path.dirname(me)
    found = [c for c in _dotenv_chains(directory) if wanted(c)]
    ups = ancestors(directory)
    searched = set()
    for here in (*(os.path.join(directory, sub) for sub in _SCRIPT_DIRS), *ups):
        searched.add(here)
        found.extend(c for c in _chains_in(here, _stamp(here)) if wanted(c))
    for here in ups:
        flows = os.path.join(here, _WORKFLOWS)
        found.extend(c for c in _chains_in(flows, _stamp(flows, True), here) if wanted(c))
    if not found:  # a script beside the file's directory that names it (`-f ../overrides/gpu.yml`)
        for up in ups[:_BESIDE]:
            for here in _subdirectories(up):
                if here not in searched:
                    found.extend(c for c in _chains_in(here, _stamp(here)) if wanted(c))
    return found


def ancestors(directory: str) -> tuple[str, ...]:
    """`directory` and up to `_UP` above it, not above the repository's root (a `.git` in it)."""
    out = [directory]
    here = directory
    for _ in range(_UP):
        if os.path.exists(os.path.join(here, ".git")):
            break
        up = os.path.dirname(here)
        if up == here:
            break
        out.append(up)
        here = up
    return tuple(out)


def _subdirectories(directory: str) -> list[str]:
    """The directories in `directory`, none when it holds more than `_MAX_BESIDE` (a folder of
    projects, not one project's tree)."""
    try:
        entries = sorted(os.scandir(directory), key=lambda e: e.name)
    except OSError:
        return []
    out = [e.path for e in entries if not e.name.startswith(".") and e.name != "node_modules"
           and e.is_dir(follow_symlinks=False)]
    return out if len(out) <= _MAX_BESIDE else []


def _stamp(directory: str, workflows: bool = False) -> tuple[tuple[str, int, int], ...]:
    """The script files of `directory` with their size and mtime (what `_chains_in` is cached by);
    `workflows`: it is a `.github/workflows`, whose YAML files are the scripts."""
    try:
        names = sorted(os.listdir(directory))
    except OSError:
        return ()
    out = []
    for name in names:
        if name not in _NAMES and not name.endswith(_SUFFIXES) and not (
                (workflows or "compose" in name) and name.endswith((".yml", ".yaml"))):  # usage comments
            continue
        path = os.path.join(directory, name)
        try:
            st = os.stat(path)
        except OSError:
            continue
        if stat.S_ISREG(st.st_mode) and st.st_size <= _MAX:
            out.append((path, st.st_size, st.st_mtime_ns))
    return tuple(out)


@functools.lru_cache(maxsize=256)
def _chains_in(directory: str, stamp: tuple[tuple[str, int, int], ...], workspace: str | None = None
               ) -> tuple[tuple[str, ...], ...]:
    """Every list of two or more compose files a script of `directory` runs together. `workspace`:
    the scripts are the workflows of the repository there, run from it or a `working-directory:`."""
    out: list[tuple[str, ...]] = []
    for path, _size, _mtime in stamp:
        try:
            with open(path, "rb") as fh:
                text = fh.read(_MAX).decode("utf-8", "replace")
        except OSError:
            continue
        if "compose" not in text:
            continue
        text = CONTINUED.sub(" ", text)
        bases = [os.path.dirname(path)]
        if workspace is not None:
            text = _WORKSPACE.sub("", text)
            bases = [workspace, *(os.path.normpath(os.path.join(workspace, d))
                                  for d in dict.fromkeys(_WORKING_DIRECTORY.findall(text)))]
        for m in _COMMAND.finditer(text):
            named = _files_of(m.group(1))
            if named is None or len(named) < 2:
                continue
            got = next((g for base in bases if (g := _resolved(named, base, up=workspace is None)) is not None),
                       None)
            if got is not None and got not in out:
                out.append(got)
    return tuple(out)


def _dotenv_chains(directory: str) -> list[tuple[str, ...]]:
    """`COMPOSE_FILE` of the `.env` in `directory` when it names two files or more."""
    got = _dotenv_files(directory)
    return [got] if got is not None and len(got) >= 2 else []


def _dotenv_files(directory: str, reads: list[str] | None = None) -> tuple[str, ...] | None:
    """The files `COMPOSE_FILE` of the `.env` in `directory` (the project directory Compose reads it
    from) names; None when it sets none, () when they are not known here (a variable, a file absent).
    `reads` gets the `.env`'s path when there is one (what it says decides the project)."""
    from glmlint.interpolate import read_dotenv

    path = os.path.join(directory, ".env")
    try:
        with open(path, "rb") as fh:
            env = read_dotenv(fh.read(_MAX).decode("utf-8", "replace"))
    except OSError:
        return None
    if reads is not None:
        reads.append(path)
    value = env.get("COMPOSE_FILE")
    if not value:
        return None
    if "$" in value:
        return ()
    named = [p for p in value.split(env.get("COMPOSE_PATH_SEPARATOR") or ":") if p]
    return _resolved(named, directory, up=False) or ()


def project(named: list[str], directory: str, reads: list[str] | None = None) -> tuple[str, ...] | None:
    """The compose files a `docker compose` command run in `directory` loads, in merge order: its
    `-f` files (`named`, read from `directory` or, for a script in a subdirectory, its parent, as
    `-f` is read above); with none, `COMPOSE_FILE` of the `.env` there; with none, Compose's default
    file found in `directory` or the `_UP` above it (not above a `.git`) with the first default
    override file beside it (compose-go cli/options.go `DefaultFileNames`,
    `DefaultOverrideFileNames`, `WithDefaultConfigPath`). None when they are not known here. `reads`
    gets the `.env` read for `COMPOSE_FILE`."""
    if named:
        return _resolved(named, directory)
    dotenv = _dotenv_files(directory, reads)
    if dotenv is not None:
        return dotenv or None
    for here in ancestors(directory):
        base = next((p for n in DEFAULT_FILES if os.path.isfile(p := os.path.join(here, n))), None)
        if base is not None:
            override = next((p for n in OVERRIDE_FILES if os.path.isfile(p := os.path.join(here, n))), None)
            return (base,) if override is None else (base, override)
    return None


def _files_of(rest: str) -> list[str] | None:
    """The `-f`/`--file` values of one compose command line, in order (None: one is not literal)."""
    import shlex

    try:
        words = shlex.split(rest, comments=False, posix=True)
    except ValueError:
        return None
    named: list[str] = []
    i = 0
    while i < len(words):
        w = words[i]
        if w in ("-f", "--file"):
            if i + 1 >= len(words):
                return None
            value = words[i + 1]
            i += 2
        elif w.startswith("--file="):
            value = w[len("--file="):]
            i += 1
        elif w in _VALUED:
            i += 2
            continue
        elif w.startswith("-"):
            i += 1
            continue
        else:
            break  # the subcommand: a later `-f` is its own (`logs -f` follows)
        for prefix in PREFIXES:
            if value.startswith(prefix):
                value = value[len(prefix):]
                break
        if not value or "$" in value or "*" in value or value == "-":
            return None
        named.append(value)
    return named


def _resolved(named: list[str], directory: str, up: bool = True) -> tuple[str, ...] | None:
    """`named` read from `directory` (or, when `up`, its parent) when every file exists there."""
    bases = [directory] + ([os.path.dirname(directory)] if up else [])
    for base in bases:
        paths = tuple(os.path.normpath(os.path.join(base, n)) for n in named)
        if all(os.path.isfile(p) for p in paths) and len(set(paths)) == len(paths):
            return paths
    return None
