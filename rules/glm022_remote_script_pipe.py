"""A downloaded script is run without a check.

## What it does
Flags a build step (`RUN`, in any stage) or a start command (`CMD`,
`ENTRYPOINT`, compose `command:`/`entrypoint:`, Kubernetes `command`/`args`,
the command of a `docker run`) that downloads code with `curl` or `wget` and
runs it unchecked:

- piped into an interpreter: `curl -fsSL URL | sh`, `wget -qO- URL | bash`,
  `curl -o- URL | bash` (nvm), `curl URL | sudo -E bash -`,
  `curl -sSL URL | python3 -` (Poetry), `… | perl -`, also through `tee`;
- given to one as a file or as its code: `bash <(curl URL)`,
  `sh -c "$(curl URL)"`, `eval "$(curl URL)"`, `source <(curl URL)`;
- saved and run later in the same build or start script with no
  checksum or signature check in between: `wget URL -O miniconda.sh && bash
  miniconda.sh` (a `sha256sum -c`, `shasum -c`, `gpg --verify`, `gpgv`,
  `cosign verify-blob` or `minisign -V` between the download and the run
  makes it fine).

A URL that names a git commit (`raw.githubusercontent.com/org/repo/<40-hex
commit>/install.sh`) cannot change under the build and is not reported. The
finding points at the download of a pipe, and at the command that runs the
script otherwise.

## Why is this bad?
Whoever controls that URL, its CDN, DNS, or a proxy on the way decides what
code runs in the build (with the build's secrets and network) or in every
container at start, and the image cannot be rebuilt to the same content: the
installer can change between two builds with nobody reviewing it. A pipe
also runs a half-downloaded script when the connection drops.

## Example
```dockerfile
FROM python:3.12-slim
RUN apt-get update && apt-get install -y --no-install-recommends curl \
 && curl -LsSf https://astral.sh/uv/install.sh | sh
```
Use instead:
```dockerfile
FROM python:3.12-slim
COPY --from=ghcr.io/astral-sh/uv:0.4.18 /uv /uvx /bin/
```
What to do instead, for the usual installers: take the tool from a pinned
image (`COPY --from=ghcr.io/astral-sh/uv:<version>`, `FROM rust:<version>`,
`FROM node:<version>` instead of nvm, `mambaorg/micromamba:<version>`);
install it from a package index with a pinned version (`pip install
poetry==<version>`); or download a versioned release file and check it
before running it:
```dockerfile
ARG MINICONDA=Miniconda3-py311_24.7.1-0-Linux-x86_64.sh
ARG MINICONDA_SHA256=<sha256 from the release page>
RUN curl -fsSLo /tmp/miniconda.sh https://repo.anaconda.com/miniconda/${MINICONDA} \
 && echo "${MINICONDA_SHA256}  /tmp/miniconda.sh" | sha256sum -c - \
 && bash /tmp/miniconda.sh -b -p /opt/conda && rm /tmp/miniconda.sh
```
"""
from __future__ import annotations

import posixpath
from collections.abc import Iterator

from glmlint.ir import Command, Format, Workload
from glmlint.rule import Finding, Kind, Risk, Severity, rule
from glmlint.scripts import Download, download, feeding, is_check, runs_file, script_of, substituted


@rule(kind=Kind.MISCONFIGURATION, risk=Risk.MEDIUM, code="GLM022", slug="remote-script-pipe", severity=Severity.WARNING,
      message="{name} runs a script downloaded from `{url}` without checking it",
      formats={Format.DOCKERFILE, Format.COMPOSE, Format.KUBERNETES}, tags=("security", "cwe-494"))
def check(workload: Workload) -> Iterator[Finding]:
    seen: set[tuple[int, int, str]] = set()
    for commands, when in ((workload.all_build_steps, "the build"), (workload.process, "the container")):
        for finding in _scan(workload.label, commands, when):
            key = (finding.at.line, finding.at.col, finding.at.file)
            if key not in seen:
                seen.add(key)
                yield finding


def _scan(name: str, commands: tuple[Command, ...], when: str) -> Iterator[Finding]:
    saved: dict[str, Download] = {}  # file name -> the download that wrote it, not yet checked
    for cmd in commands:
        run = script_of(cmd)
        if run is not None and run.stdin:
            for got in feeding(cmd):
                if not got.pinned:
                    yield _finding(name, got, got.command, f"pipes it into `{cmd.name}`", when)
        if run is not None and run.word is not None:
            for got in substituted(run.word):
                if not got.pinned:
                    form = "`<(…)`" if run.word.text.lstrip().startswith("<(") else "`$(…)`"
                    yield _finding(name, got, cmd, f"runs it with `{cmd.name}` through {form}", when)
        if is_check(cmd):
            saved.clear()  # a checksum or signature verified what was downloaded before it
            continue
        got = download(cmd)
        if got is not None and got.output is not None and "$" not in got.output:
            saved[posixpath.basename(got.output)] = got
            continue
        script = runs_file(cmd)
        if script is not None and saved:
            before = saved.get(posixpath.basename(script.text))
            if before is not None and not before.pinned:
                yield _finding(name, before, cmd,
                               f"saves it as `{before.output}` (line {before.command.loc.line}) and runs it with "
                               f"no checksum or signature check", when)


def _finding(name: str, got: Download, at: Command, how: str, when: str) -> Finding:
    url = got.url if len(got.url) <= 80 else got.url[:77] + "..."
    return Finding(at=at.loc, args={"name": name, "url": url},
                   message=f"{name} downloads `{url}` and {how}: whoever controls that URL runs code in {when}")
