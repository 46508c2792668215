"""Image with no tag or `:latest`.

## What it does
Flags an image that is pulled by a moving name: no tag at all (which means
`latest`) or the `latest` tag. Tags are case-sensitive: `:LATEST` is another
tag, which a registry only has if someone pushed it, and is judged as any
other tag. It reads every image a file pulls: each
Dockerfile stage's `FROM`, the image a `COPY --from=` or `RUN --mount=…,from=`
takes files from (`COPY --from=ghcr.io/astral-sh/uv:latest /uv /bin/`; a name
that is a stage of the file, in any case, or a stage's index is not an image), a compose service's `image:` (not when the service
has `build:`: `image:` then names the image compose builds), a Kubernetes
container's `image:` (custom resources' pod templates included) and the image
of a `docker run` in a script, Makefile or CI step.

A digest pin (`image@sha256:…`, with or without a tag) satisfies the rule. An
image pinned by a tag without a digest is reported only when the
configuration asks for digests (`require-digest = true`): tags can be
re-pushed, but most teams accept a version tag.

Not reported:

- `FROM` an earlier stage of the same Dockerfile, and `FROM scratch`: neither
  is pulled;
- an image whose reference still holds a variable whose value is not known
  here (a Dockerfile `ARG` with no default, a compose `${TAG}`, a `docker run
  $IMAGE`). An `ARG` with a default is judged by its default, which is what
  a plain `docker build` uses;
- what is not an image reference: a placeholder (`<your-image>`) or a build
  tool's URL (`ko://…`, which `ko` replaces with a digest);
- a `FROM`, `COPY --from=` or `RUN --mount=from=` name that a build of the
  Dockerfile gives a named context (BuildKit takes that context instead of
  pulling an image by the name), read beside the Dockerfile and in the three
  directories above it: compose `build.additional_contexts` of the service
  that builds this Dockerfile (an override file's too, merged over
  `compose.yaml`); `docker buildx build --build-context NAME=…` of the command
  that builds it (its `-f`, else `Dockerfile` in its context argument);
  `docker/build-push-action`'s `build-contexts:` of the step that builds it;
  a bake target's `contexts`. A context whose value is `docker-image://IMAGE`
  is that image, pulled instead: `FROM base` with
  `base: docker-image://pytorch/pytorch` is reported as
  `pytorch/pytorch` with no tag, at the `FROM`;
- a `docker run` shown in a Markdown code block (a README quick-start): that is
  an example a reader adapts, not a deployment, and documentation that pins a
  digest goes stale with every release. Scripts, Makefiles and CI steps that
  run it are reported.

## Why is this bad?
`latest` is whatever was pushed last. The image that runs tomorrow is not the
one that was reviewed or scanned today, a rollback redeploys the new image
again, and a compromised or broken upstream push reaches the cluster on the
next pull or node restart. For ML stacks the base image also fixes the CUDA,
driver and framework versions a model was validated with.

## Example
```yaml
apiVersion: v1
kind: Pod
metadata: {name: infer}
spec:
  containers:
    - name: server
      image: vllm/vllm-openai
```
Use instead:
```yaml
apiVersion: v1
kind: Pod
metadata: {name: infer}
spec:
  containers:
    - name: server
      image: vllm/vllm-openai:v0.6.3
```
(with `require-digest = true`: `vllm/vllm-openai:v0.6.3@sha256:<digest>`)

## How to pin
Keep a readable tag and add the digest it resolves to: `docker buildx
imagetools inspect IMAGE:TAG` (or `crane digest IMAGE:TAG`, `skopeo inspect
docker://IMAGE:TAG`) prints it; write `IMAGE:TAG@sha256:<digest>`. Renovate
and Dependabot update both together. There is no automatic fix: the digest a
tag resolves to is not knowable offline.

## Compared with other tools
- Checkov CKV_K8S_14 ("Image Tag should be fixed - not latest or blank") and
  CKV_DOCKER_7 ("base image uses a non latest version tag"), kube-linter
  `latest-tag` and Polaris `tagNotSpecified` report the same pattern, each in
  one format; glmlint reads all four formats with one rule.
- Checkov CKV_K8S_43 and kube-linter `image-not-pinned-by-digest` ask every
  image for a digest; glmlint does so only with `require-digest = true`.
- Unlike CKV_DOCKER_7, a Dockerfile `FROM` of an earlier stage is never
  reported, and an `ARG`-parameterised image is judged by its default, not
  skipped or reported blindly.
"""
from __future__ import annotations

from collections.abc import Iterator

from glmlint.ir import Format, ImageRef, Workload
from glmlint.rule import Finding, Kind, Risk, Severity, rule


@rule(kind=Kind.HARDENING, risk=Risk.LOW, checklist="a pinned image version", code="GLM045", slug="unpinned-image", severity=Severity.WARNING,
      message="{owner} uses `{image}` {why}",
      formats={Format.DOCKERFILE, Format.COMPOSE, Format.KUBERNETES},
      tags=("security", "supply-chain", "cwe-1357"), since="0.2.0")
def check(workload: Workload) -> Iterator[Finding]:
    if workload.documentation:
        return  # a README quick-start is an example, not a deployment (see the rule page)
    for ref in workload.pulls:
        if not ref.resolved or not ref.valid or ref.digest is not None:
            continue
        why = _why(ref)
        if why is not None:
            yield Finding(at=ref.loc, args={"owner": ref.owner, "image": ref.name, "why": why})
        elif ref.tag is not None:
            yield Finding(at=ref.loc, args={"owner": ref.owner, "image": ref.name,
                                            "why": "pinned by tag, not by digest (`require-digest`)"},
                          enabled_by="require-digest")


def _why(ref: ImageRef) -> str | None:
    if ref.tag is None:
        return "with no tag: it gets whatever `latest` is when it is pulled"
    if ref.tag == "latest":  # tags are case-sensitive: `LATEST` is another tag, pinned as any other
        return "by its `latest` tag, which moves with every push"
    return None
