"""How a workload starts Jupyter, resolved the way Jupyter itself resolves it.

What Jupyter is, is data: the catalog's `jupyter` entry (`linter/catalog/services.yaml`,
each fact with its source) says how a launch is recognised (`jupyter
notebook|lab|server|nbclassic|labhub`, `jupyter-lab`, `python -m
jupyter|notebook|jupyterlab|jupyter_server`, the Docker Stacks scripts
`start-notebook.{sh,py}`), which images are the Docker Stacks and what their
config sets (`ip = 0.0.0.0`), which variables and config files Jupyter reads and
its config classes. This module is the behaviour: each trait is taken from,
in rising precedence, the default, the environment (`JUPYTER_TOKEN`), config
files the image build writes (`c.ServerApp.token = ''` in
`jupyter_*_config.py`, or the JSON form), then the command line, last flag
wins (traitlets). `ServerApp`, `NotebookApp` and `IdentityProvider` name the
same token (jupyter_server keeps the old names as aliases).

Defaults that matter: Jupyter listens on `localhost` and generates a random
token when none is configured; an empty `JUPYTER_TOKEN` does not disable it.
"""
from __future__ import annotations

import functools
import json
import re
from typing import TYPE_CHECKING

from glmlint import lazyre
from glmlint.catalog.services import get, match_command, per_workload
from glmlint.ir import Command, Format, Loc, Word, Workload, is_all_interfaces, truthy
from glmlint.records import dataclass

if TYPE_CHECKING:
    from glmlint.catalog.services import Family, Service

_TRAIT = lazyre.compile(r"^--(?:(?P<cls>[A-Za-z]+)\.)?(?P<trait>[A-Za-z_]+)(?:=(?P<value>.*))?$", re.S)
_CONFIG_LINE = lazyre.compile(r"^\s*c\.(?P<cls>[A-Za-z]+)\.(?P<trait>[A-Za-z_]+)\s*=\s*(?P<value>.+?)\s*(#.*)?$")


@dataclass(frozen=True)
class _Knowledge:
    """The catalog's facts about Jupyter, in the form this module reads them."""

    service: Service
    stacks: Family
    apps: tuple[str, ...]  # the config classes whose traits are the server's
    config_file: re.Pattern[str]  # the config files it reads
    token_env: str | None


@functools.lru_cache(maxsize=1)
def _knowledge() -> _Knowledge:
    service = get("jupyter")
    assert service.family is not None and service.settings is not None, "the catalog's jupyter entry"
    settings = service.settings
    return _Knowledge(service, service.family, settings.classes,
                      re.compile("|".join(f"(?:{f})" for f in settings.files)), settings.env.get("token"))

_TOKEN = "token"
_PASSWORD = {"password", "hashed_password"}


@dataclass(frozen=True, slots=True)
class Value:
    """A trait's value and where it is set. `source` says how: `cli` (a flag word at `loc`),
    `config` (the config statement `statement`, written by the build step at `loc`), `json`,
    `env` or `image` (the docker-stacks default)."""

    text: str
    loc: Loc
    source: str = "cli"
    statement: str | None = None
    words: int = 1  # command-line words that set it: 2 for `--flag value`
    whole_write: bool = False  # the statement is all the build step at `loc` writes
    defaulted: tuple[str, ...] = ()  # variables read through their `${VAR:-default}` default


@dataclass(frozen=True, slots=True)
class Launch:
    """One Jupyter server a workload starts, with its effective network and auth settings."""

    loc: Loc  # the command that starts it (the workload anchor when implied by the image)
    ip: Value | None  # None: Jupyter's default, localhost
    token: Value | None  # None: a random token is generated
    password: Value | None
    allow_root: Value | None

    @property
    def listens_on_all_interfaces(self) -> bool:
        return self.ip is not None and is_all_interfaces(self.ip.text)

    @property
    def auth_disabled(self) -> bool:
        """Empty token and no password: anyone who reaches the port runs code."""
        return self.token is not None and self.token.text == "" and not (self.password and self.password.text)


def _unquote(text: str) -> str:
    """traitlets strips one pair of matching quotes from a Unicode value."""
    text = text.strip()
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "'\"":
        return text[1:-1]
    if text.startswith(("u'", 'u"')) and len(text) >= 3 and text[-1] == text[1]:
        return text[2:-1]
    return text


def _is_launch(cmd: Command) -> tuple[bool, list[Word]]:
    """Whether `cmd` starts a Jupyter server (as the catalog recognises one), and the arguments
    that configure it."""
    start = match_command(_knowledge().service, cmd.argv)
    if start is None:
        return False, []
    return True, list(cmd.argv[start:])


def _stacks_image(workload: Workload) -> bool:
    stacks = _knowledge().stacks
    return stacks.has_image(workload.image.value) or stacks.has_image(workload.base_image)


def switches_user(workload: Workload) -> bool:
    """Whether the Docker Stacks' own entrypoint runs the workload's command as another user than root when
    the container starts as root (the family's `user_env`: `start.sh` runs it as NB_USER, jovyan unless the
    workload names another; root when it names root): the image's, kept (no `ENTRYPOINT`, compose
    `entrypoint:`, Kubernetes `command:` or `--entrypoint` replaces it), and a user the scan can read (not from
    variables it cannot: `envFrom`, an unread `env_file`)."""
    family = _knowledge().stacks
    if not family.user_env or workload.entrypoint.explicit or workload.env_imports or not _stacks_image(workload):
        return False
    var = workload.env_value(family.user_env)
    if var is None:
        return True
    value = (var.value or "").strip()
    return bool(value) and not var.dynamic and "$" not in value and value != "root"


def _config(workload: Workload) -> dict[str, Value]:
    """Traits set by config files the workload writes, later writes winning."""
    out: dict[str, Value] = {}
    known = _knowledge()
    apps = known.apps
    for write in workload.files:
        if not known.config_file.search(write.path):
            continue
        if write.path.endswith(".json"):
            try:
                data = json.loads(write.text)
            except (ValueError, RecursionError):  # not JSON Jupyter could load
                continue
            if isinstance(data, dict):
                for cls, traits in data.items():
                    if cls in apps and isinstance(traits, dict):
                        for trait, value in traits.items():
                            out[trait] = Value(str(value), write.loc, "json")
            continue
        for line in write.text.splitlines():
            m = _CONFIG_LINE.match(line)
            if not m or m.group("cls") not in apps:
                continue
            raw = m.group("value")
            import ast  # only for a config line: `ast` is ~5 ms of a one-file check's start-up

            try:
                value = ast.literal_eval(raw)
            except (ValueError, SyntaxError):
                continue  # an expression we cannot evaluate (os.environ[...]): not empty
            out[m.group("trait")] = Value(str(value), write.loc, "config", line.strip(),
                                          whole_write=write.mode != "edit" and write.text.strip() == line.strip())
    return out


_VARIABLE = lazyre.compile(r"\$\{?([A-Za-z_][A-Za-z0-9_]*)")


def _expanded(word: Word, text: str, env: dict[str, str | None],
              project: dict[str, str] | None = None,
              host: frozenset[Word] | None = None) -> tuple[str, tuple[str, ...]]:
    """`text` (from `word`) as Compose and the shell expand it: `${JUPYTER_TOKEN:-}` is the
    variable's value when it is set, else its default (the empty string); a value with a part
    that cannot be known (`${TOKEN}` with no default, a variable set to what the scan cannot read)
    stays as written, which is not empty.

    `project`: the variables Compose interpolates the start command with first (`.env`; every
    word, exec form too; `$$` leaves a `$`), not the container's `environment:`. Then, in a word a
    shell runs, the container's shell expands what is left with `env`, the container's variables.
    A word no shell runs (an exec-form array) is otherwise literal. A word the service inherits
    from its image (the Dockerfile's `CMD`/`ENTRYPOINT`, a script it starts: located in that file)
    is not in the compose file, so Compose never interpolates it.

    `host`: for a `docker run` line, the words of its command that the host's shell expanded
    before Docker saw them (unquoted or double-quoted `$VAR`): their variables are the host's
    (`project`, none known: `${VAR:-}` is its default), never the container's `-e` variables,
    and the container runs them as written (exec form)."""
    if "$" not in text:
        return text, ()
    from glmlint.interpolate import interpolate

    defaulted: tuple[str, ...] = ()
    if project is not None and (word in host if host is not None else _compose_word(word)):
        got = interpolate(text, project)
        if got is None:
            return text, ()
        text, defaulted = got.text, got.defaulted
    if not word.dynamic or "$" not in text or (host is not None and word in host):
        return text, defaulted
    if any(env.get(name, "") is None for name in _VARIABLE.findall(text)):
        return text, ()
    got = interpolate(text, {k: v for k, v in env.items() if v is not None}, shell=True)
    if got is None:
        return text, ()
    return got.text, (*defaulted, *got.defaulted)


def _host_words(workload: Workload) -> frozenset[Word]:
    """The words of a `docker run` line's command that the host's shell expanded: its own unquoted
    or double-quoted words with a `$`, and every word of the script such a word holds
    (`sh -c "jupyter lab --IdentityProvider.token=${JUPYTER_TOKEN:-}"`: the host expands it before
    the container's shell reads it; a single-quoted script is the container's). A script's words
    are located inside it, before the line's next word."""
    words = (*(workload.entrypoint.value or ()), *(workload.command.value or ()))
    host = {w for w in words if w.dynamic}
    spans = [(w.loc, words[i + 1].loc if i + 1 < len(words) else None)
             for i, w in enumerate(words) if w.dynamic and len(w.text.split(None, 1)) > 1]
    if spans:
        for cmd in workload.process:
            for w in cmd.argv:
                at = (w.loc.line, w.loc.col)
                if w.dynamic and any((s.line, s.col) < at and (e is None or at < (e.line, e.col)) for s, e in spans):
                    host.add(w)
    return frozenset(host)


def _compose_word(word: Word) -> bool:
    """A word written in the compose file (or a compose file it extends or merges), not one
    inherited from the image it builds (located in the Dockerfile or in a script it starts)."""
    file = word.loc.file
    return not file or file.lower().endswith((".yml", ".yaml"))


def _cli(args: list[Word], env: dict[str, str | None] | None = None,
         project: dict[str, str] | None = None, host: frozenset[Word] | None = None) -> dict[str, Value]:
    out: dict[str, Value] = {}
    env = env or {}
    i = 0
    while i < len(args):
        word = args[i]
        i += 1
        if word.text == "--allow-root":
            out["allow_root"] = Value("True", word.loc)
            continue
        m = _TRAIT.match(word.text)
        if not m:
            continue
        cls, trait, value = m.group("cls"), m.group("trait"), m.group("value")
        if cls is not None and cls not in _knowledge().apps:
            continue
        if value is None:
            if cls is None and trait not in ("ip",):
                continue
            if i < len(args) and not args[i].text.startswith("--"):
                text, defaulted = _expanded(args[i], args[i].text, env, project, host)
                i += 1
                out[trait] = Value(_unquote(text), word.loc, words=2, defaulted=defaulted)
            continue
        text, defaulted = _expanded(word, value, env, project, host)
        out[trait] = Value(_unquote(text), word.loc, defaulted=defaulted)
    return out


def launches(workload: Workload) -> list[Launch]:
    """Every Jupyter server the workload starts."""
    return list(per_workload(_LAUNCHES, workload, _launches))  # GLM005 and GLM015 ask in turn


_LAUNCHES: dict[int, tuple[Workload, tuple[Launch, ...]]] = {}


def _launches(workload: Workload) -> list[Launch]:
    config = _config(workload)
    stacks = _stacks_image(workload)
    known = _knowledge()
    family = known.stacks
    found: list[tuple[Loc, list[Word], bool]] = []
    for cmd in workload.process:
        ok, args = _is_launch(cmd)
        if ok:
            found.append((cmd.loc, args, cmd.name in family.scripts))
    if not found and not workload.process and (stacks or config) and not workload.command.explicit \
            and not workload.entrypoint.explicit:
        found.append((workload.anchor, [], True))  # the image's own start command
    out = []
    for loc, args, via_stacks in found:
        env = {v.name: v for v in workload.env}
        # the values a shell-form start command expands its variables to (what the workload sets;
        # None: set to something the scan cannot read)
        known_env = {v.name: (None if v.value is None or v.dynamic else v.value) for v in workload.env}
        project = dict(workload.start_env) if workload.start_env is not None else None
        host = None
        if workload.format is Format.DOCKER_RUN:  # what the host's shell expanded, not the container
            project = {}
            host = _host_words(workload)
        traits: dict[str, Value] = {}
        token_env = env.get(known.token_env) if known.token_env else None
        if token_env is not None and token_env.value:
            traits[_TOKEN] = Value(token_env.value, token_env.loc, "env")
        if via_stacks or stacks:
            # what the family's baked-in config sets (`c.ServerApp.ip = "0.0.0.0"`)
            traits.update({k: Value(v, workload.image.loc, "image") for k, v in family.config.items()})
        traits.update(config)
        args_env = family.args_env
        if via_stacks and args_env and env.get(args_env) is not None and env[args_env].value:
            from glmlint.shell import split_words

            nb = env[args_env]
            # the variable's words, all located at the variable: `source` "env", not a flag to edit
            extra = _cli(list(split_words(nb.value or "", nb.loc)))
            traits.update(_cli(args, known_env, project, host))
            traits.update({k: Value(v.text, nb.loc, "env") for k, v in extra.items()})
        else:
            traits.update(_cli(args, known_env, project, host))
        password = traits.get("password") or traits.get("hashed_password")
        allow = traits.get("allow_root")
        out.append(Launch(loc, traits.get("ip"), traits.get(_TOKEN), password,
                          allow if allow is not None and truthy(allow.text) else None))
    return out
