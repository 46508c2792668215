"""Jupyter listens on all interfaces with authentication disabled.

## What it does
Flags a workload that starts a Jupyter server (notebook, lab, server,
nbclassic, the docker-stacks `start-notebook` scripts) bound to every
interface (`0.0.0.0`, `*`, `::`, or a docker-stacks image, whose config does
so) with an empty token and no password. The settings are resolved the way
Jupyter resolves them: command-line flags (`--ServerApp.token=''`,
`--NotebookApp.token=''`, `--IdentityProvider.token=''`) over config files
the build writes (`c.ServerApp.token = ''`) over `JUPYTER_TOKEN`. A flag
value with a variable is read as the shell or Compose expands it:
`--ServerApp.token=${JUPYTER_TOKEN:-}` is the value the workload gives the
variable, else its default, here empty (the message says "when
`JUPYTER_TOKEN` is unset"); `${TOKEN}` with no default is unknown, not empty.
In a compose file Compose interpolates `command:` and `entrypoint:` first, exec
form too, with the project's `.env` (and the shell of `docker compose up`),
never with the service's `environment:`: a `.env` beside the file that sets
`JUPYTER_TOKEN` keeps the token. The `CMD`/`ENTRYPOINT` a service inherits from
the image it builds is not in the compose file: Compose leaves it alone, and the
container's shell expands it with the container's variables (`environment:`,
the image's `ENV`). On a `docker run` line the host's shell expands the
command's words (unquoted or double-quoted `$TOKEN`, a double-quoted script
`sh -c "… --IdentityProvider.token=${JUPYTER_TOKEN:-}"` included) before Docker
starts anything: their variables are the host's, never the container's `-e` ones
(`TOKEN="$(openssl rand -hex 24)"` earlier in the script is a real token even
with `-e TOKEN=`), and the container runs the result as written; only a
script in single quotes (`sh -c '… --ServerApp.token=$TOKEN'`) is expanded
by the container's shell, with its `-e` variables.

A compose service built from a scanned Dockerfile runs the image's `CMD`
unless it overrides it (`command:`, or `entrypoint:`, which also clears the
`CMD`), with the image's config files and `ENV`. A finding in the image is
reported once, in the Dockerfile; when only the combination fires (the image
empties the token, the service's command listens on `0.0.0.0`) it is reported
at the service, naming the Dockerfile line, without a fix.

It does **not** fire for Jupyter's default: with no token configured Jupyter
generates a random one and prints it, and an empty `JUPYTER_TOKEN` changes
nothing.

## Why is this bad?
A Jupyter server runs arbitrary code for whoever reaches it. With no token and
no password, anyone who can reach the port, through a published port, a
Service or a shared network, owns the container, its GPUs, mounted datasets
and credentials. Scanners find such servers on the internet within hours.

## Example
```dockerfile
FROM quay.io/jupyter/pytorch-notebook
CMD ["start-notebook.py", "--IdentityProvider.token=''"]
```
Use instead:
```dockerfile
FROM quay.io/jupyter/pytorch-notebook
CMD ["start-notebook.py"]
```
(set `JUPYTER_TOKEN` from a secret when a fixed token is needed)

## Fix safety
Safe: removes the empty setting, the command-line flag (`--ServerApp.token=''`,
an exec-form array element, a `command:`/`args:` item) or the config statement
the build writes (`c.ServerApp.token = ''`: the line of a heredoc, or the
whole `echo … >> jupyter_server_config.py` step with its `&&`), so that Jupyter generates a
token; nothing else in the command changes. A token emptied in a JSON config
file is reported without a fix. When the token is emptied in two places (a
flag and a config file) the fix is skipped, since removing one would not
restore authentication. Unsafe when the empty token is a variable's default
(`--ServerApp.token=${JUPYTER_TOKEN:-}`): whoever sets that variable gets a
random token instead of theirs.
"""
from __future__ import annotations

from collections.abc import Iterator

from glmlint.ir import Format, Workload
from glmlint.jupyter import launches
from glmlint.rule import Finding, FixSafety, Kind, RemoveSetting, Severity, rule


@rule(code="GLM005", slug="jupyter-open-no-token", severity=Severity.ERROR,
      message="{name} starts Jupyter on all interfaces with authentication disabled",
      formats={Format.DOCKERFILE, Format.COMPOSE, Format.KUBERNETES}, fix=FixSafety.SAFE,
      fix_unsafe_when="the empty token is a variable's default (`${JUPYTER_TOKEN:-}`)",
      tags=("security", "cwe-306"), security_severity=9.0,
      kind=Kind.EXPOSURE, services=lambda s: s.id == "jupyter")
def check(workload: Workload) -> Iterator[Finding]:
    seen = set()
    for launch in launches(workload):
        if not (launch.listens_on_all_interfaces and launch.auth_disabled):
            continue
        token = launch.token
        assert token is not None
        if token.loc in seen:
            continue
        seen.add(token.loc)
        message, safety = None, None
        if token.defaulted:
            # whoever sets the variable gets no token of theirs after the fix: a random one instead
            safety = FixSafety.UNSAFE
            unset = "`, `".join(token.defaulted)
            message = (f"{workload.label} starts Jupyter on all interfaces with authentication disabled "
                       f"when `{unset}` is unset (the token defaults to empty)")
        yield Finding(at=token.loc, args={"name": workload.label}, message=message, fix_safety=safety,
                      fix=RemoveSetting(token.loc, token.source, "Remove the empty Jupyter token", words=token.words,
                                        statement=token.statement, whole_step=token.whole_write))
