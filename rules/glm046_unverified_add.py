"""Dockerfile `ADD` of a remote URL without a checksum.

## What it does
Flags a Dockerfile `ADD` (in any stage) whose source is a remote file
(`http://`, `https://`) without `--checksum=sha256:…`, or a git repository
(`https://…/repo.git#ref`, `git@host:repo.git`, `git://`, `ssh://`) that is
neither pinned to a full commit id (`#<40-hex sha>`) nor given a
`--checksum`. The query form of Dockerfile syntax 1.18
(`repo.git?tag=v1.2&checksum=<commit>`, also `ref=`, `branch=`, `commit=`)
is read as BuildKit reads it: `checksum` (or `commit`) pins the source. `ADD` of a local file or directory, `ADD --checksum=…` and
`COPY` are never reported; a git ref taken from a build argument with no
known value is not judged (it may be a commit id).

## Why is this bad?
BuildKit downloads the URL at build time and puts whatever it gets into the
image: a release asset replaced upstream, a compromised mirror or a moved
branch or tag changes the image with no change to the Dockerfile, and no
review sees it. `--checksum` makes the build fail when the content differs
(supported for http sources since Dockerfile syntax 1.6, and for git
sources, as the commit id, in later versions); a commit id pins a git
source by itself.

## Example
```dockerfile
FROM python:3.12-slim
ADD https://downloads.example.com/tools/model-tools-1.4.2.tar.gz /opt/
```
Use instead:
```dockerfile
FROM python:3.12-slim
ADD --checksum=sha256:<sha256-of-the-file> https://downloads.example.com/tools/model-tools-1.4.2.tar.gz /opt/
```

## How to fix
Download the file once, `sha256sum` it, and add `--checksum=sha256:<hex>`
to the `ADD`. For a git source, replace the branch or tag after `#` with the
commit id it points to (`git ls-remote URL TAG`). There is no automatic fix:
the digest of a remote file is not knowable offline.

## Compared with other tools
- Checkov CKV_DOCKER_4 ("Ensure that COPY is used instead of ADD") and
  hadolint DL3020 report `ADD` of *local* files, a style point; glmlint leaves
  local `ADD` alone and reports what is a supply-chain risk: remote content
  that is not verified.
- kube-linter and Polaris do not read Dockerfiles.
"""
from __future__ import annotations

from collections.abc import Iterator

from glmlint.ir import Format, Workload
from glmlint.rule import Finding, Kind, Risk, Severity, rule


@rule(kind=Kind.MISCONFIGURATION, risk=Risk.MEDIUM, code="GLM046", slug="unverified-add", severity=Severity.WARNING,
      message="`ADD` of {what} `{url}` {why}", formats={Format.DOCKERFILE},
      tags=("security", "supply-chain", "cwe-494"), since="0.2.0")
def check(workload: Workload) -> Iterator[Finding]:
    for d in workload.downloads:
        if d.checksum:
            continue  # BuildKit verifies the content
        if d.kind == "git":
            if d.commit_pinned or (d.ref is not None and "$" in d.ref):
                continue  # a commit id; or a build argument whose value is not known here
            why = (f"at `{d.ref}`, a branch or tag that can move, without `--checksum`" if d.ref
                   else "at its default branch, which moves, without `--checksum`")
            yield Finding(at=d.loc, args={"what": "the git repository", "url": d.url, "why": why})
        else:
            yield Finding(at=d.loc, args={"what": "the remote file", "url": d.url,
                                          "why": "without `--checksum`: its content is not verified"})
