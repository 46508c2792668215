"""How a workload starts Jupyter, resolved the way Jupyter itself resolves it.

A launch is `jupyter notebook|lab|server|nbclassic`, `jupyter-lab`, `python -m
jupyter|notebook|jupyterlab|jupyter_server`, or the docker-stacks scripts
`start-notebook.{sh,py}` (also behind `start.sh`). Each trait is taken from,
in rising precedence: the default, the environment (`JUPYTER_TOKEN`), config
files the image build writes (`c.ServerApp.token = ''` in
`jupyter_*_config.py`, or the JSON form), then the command line, last flag
wins (traitlets). `ServerApp`, `NotebookApp` and `IdentityProvider` name the
same token (jupyter_server keeps the old names as aliases).

Defaults that matter: Jupyter listens on `localhost` and generates a random
token when none is configured; an empty `JUPYTER_TOKEN` does not disable it.
The docker-stacks images (`jupyter/*`, `quay.io/jupyter/*`) ship a config that
listens on `0.0.0.0`.
"""
from __future__ import annotations

import ast
import json
import re
from dataclasses import dataclass

from glmlint.ir import Command, Loc, Word, Workload, is_all_interfaces, truthy

_SUBCOMMANDS = {"notebook", "lab", "server", "nbclassic", "labhub"}
_MODULES = {"notebook", "jupyterlab", "jupyter_server", "nbclassic"}
_STACKS_SCRIPTS = {"start-notebook.sh", "start-notebook.py", "start-notebook"}
_APPS = ("ServerApp", "NotebookApp", "LabApp", "IdentityProvider", "PasswordIdentityProvider",
         "LabServerApp", "ExtensionApp")
_TRAIT = re.compile(r"^--(?:(?P<cls>[A-Za-z]+)\.)?(?P<trait>[A-Za-z_]+)(?:=(?P<value>.*))?$", re.S)
_CONFIG_LINE = re.compile(r"^\s*c\.(?P<cls>[A-Za-z]+)\.(?P<trait>[A-Za-z_]+)\s*=\s*(?P<value>.+?)\s*(#.*)?$")
_CONFIG_FILE = re.compile(r"jupyter_(?:notebook|server|lab|nbclassic)?_?config\.(py|json)$")
_STACKS_IMAGE = re.compile(r"(^|/)jupyter/[a-z0-9-]+|^quay\.io/jupyter/|gpu-jupyter|jupyter/docker-stacks")

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
    """Whether `cmd` starts a Jupyter server, and the arguments that configure it."""
    name = cmd.name
    args = list(cmd.args)
    if name == "jupyter" and args and args[0].text in _SUBCOMMANDS:
        return True, args[1:]
    if name.startswith("jupyter-") and name[len("jupyter-"):] in _SUBCOMMANDS:
        return True, args
    if re.fullmatch(r"python[0-9.]*", name):
        for i, a in enumerate(args):
            if a.text == "-m" and i + 1 < len(args):
                mod = args[i + 1].text
                rest = args[i + 2:]
                if mod == "jupyter" and rest and rest[0].text in _SUBCOMMANDS:
                    return True, rest[1:]
                if mod in _MODULES:
                    return True, rest
                return False, []
    if name in _STACKS_SCRIPTS:
        return True, args
    return False, []


def _stacks_image(workload: Workload) -> bool:
    for image in (workload.image.value, workload.base_image):
        if image and _STACKS_IMAGE.search(image):
            return True
    return False


def _config(workload: Workload) -> dict[str, Value]:
    """Traits set by config files the workload writes, later writes winning."""
    out: dict[str, Value] = {}
    for write in workload.files:
        if not _CONFIG_FILE.search(write.path):
            continue
        if write.path.endswith(".json"):
            try:
                data = json.loads(write.text)
            except (ValueError, RecursionError):  # not JSON Jupyter could load
                continue
            if isinstance(data, dict):
                for cls, traits in data.items():
                    if cls in _APPS and isinstance(traits, dict):
                        for trait, value in traits.items():
                            out[trait] = Value(str(value), write.loc, "json")
            continue
        for line in write.text.splitlines():
            m = _CONFIG_LINE.match(line)
            if not m or m.group("cls") not in _APPS:
                continue
            raw = m.group("value")
            try:
                value = ast.literal_eval(raw)
            except (ValueError, SyntaxError):
                continue  # an expression we cannot evaluate (os.environ[...]): not empty
            out[m.group("trait")] = Value(str(value), write.loc, "config", line.strip(),
                                          whole_write=write.mode != "edit" and write.text.strip() == line.strip())
    return out


def _cli(args: list[Word]) -> dict[str, Value]:
    out: dict[str, Value] = {}
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
        if cls is not None and cls not in _APPS:
            continue
        if value is None:
            if cls is None and trait not in ("ip",):
                continue
            if i < len(args) and not args[i].text.startswith("--"):
                value = args[i].text
                i += 1
                out[trait] = Value(_unquote(value), word.loc, words=2)
            continue
        out[trait] = Value(_unquote(value), word.loc)
    return out


def launches(workload: Workload) -> list[Launch]:
    """Every Jupyter server the workload starts."""
    config = _config(workload)
    stacks = _stacks_image(workload)
    found: list[tuple[Loc, list[Word], bool]] = []
    for cmd in workload.process:
        ok, args = _is_launch(cmd)
        if ok:
            found.append((cmd.loc, args, cmd.name in _STACKS_SCRIPTS))
    if not found and not workload.process and (stacks or config) and not workload.command.explicit \
            and not workload.entrypoint.explicit:
        found.append((workload.anchor, [], True))  # the image's own start command
    out = []
    for loc, args, via_stacks in found:
        env = {v.name: v for v in workload.env}
        traits: dict[str, Value] = {}
        token_env = env.get("JUPYTER_TOKEN")
        if token_env is not None and token_env.value:
            traits[_TOKEN] = Value(token_env.value, token_env.loc, "env")
        if via_stacks or stacks:
            traits["ip"] = Value("0.0.0.0", workload.image.loc, "image")
        traits.update(config)
        if via_stacks and env.get("NOTEBOOK_ARGS") is not None and env["NOTEBOOK_ARGS"].value:
            from glmlint.shell import split_words

            nb = env["NOTEBOOK_ARGS"]
            # the variable's words, all located at the variable: `source` "env", not a flag to edit
            extra = _cli(list(split_words(nb.value or "", nb.loc)))
            traits.update(_cli(args))
            traits.update({k: Value(v.text, nb.loc, "env") for k, v in extra.items()})
        else:
            traits.update(_cli(args))
        password = traits.get("password") or traits.get("hashed_password")
        allow = traits.get("allow_root")
        out.append(Launch(loc, traits.get("ip"), traits.get(_TOKEN), password,
                          allow if allow is not None and truthy(allow.text) else None))
    return out
