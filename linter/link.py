"""Cross-file facts: a compose service built from a scanned Dockerfile inherits its image.

What the service takes from the image is what Docker gives the container:

- the image's `USER`, unless the service sets `user:`;
- the image's `ENV`, under the service's `environment:` (the service wins by name);
- the files and build steps of the image (a Jupyter or sshd config its `RUN`s write);
- the start command: compose `entrypoint:` replaces the image's ENTRYPOINT *and*
  clears its CMD; `command:` alone replaces the CMD and keeps the ENTRYPOINT (a
  shell-form ENTRYPOINT ignores it); with neither, the image's ENTRYPOINT + CMD run.

Inherited values keep their Dockerfile locations, stamped with its path
(`Loc.file`): a finding at such a location is the Dockerfile's. The runner
reports it once: in the Dockerfile when the Dockerfile itself has that finding,
else at the service, naming the Dockerfile line (see docs/architecture.md).
"""
from __future__ import annotations

import dataclasses
import os
from typing import Any

from glmlint.ir import Format, Loc, Setting, SourceFile, Word, Workload


def image_key(path: str) -> str:
    """How a Dockerfile on disk is matched against a compose `build:`."""
    return os.path.normcase(os.path.abspath(path))


def _built_from(src: SourceFile, w: Workload) -> str | None:
    """The Dockerfile (as an `image_key`) `w` is built from, if it can be known."""
    if w.build is None or "$" in w.build.context:
        return None
    base = os.path.dirname(os.path.abspath(src.disk_path))
    dockerfile = os.path.join(base, w.build.context, w.build.dockerfile or "Dockerfile")
    return os.path.normcase(os.path.normpath(dockerfile))


def wanted(src: SourceFile) -> set[str]:
    """The Dockerfiles (`image_key`s) `link` would read for `src`: empty unless `src` is compose."""
    if src.format is not Format.COMPOSE or not src.disk_path:
        return set()
    return {key for w in src.workloads if (key := _built_from(src, w)) is not None}


def dockerfiles(sources: list[SourceFile]) -> dict[str, SourceFile]:
    """The parsed Dockerfiles among `sources`, by `image_key`: what `images_for` looks in."""
    return {image_key(s.disk_path): s for s in sources
            if s.format is Format.DOCKERFILE and s.workloads and s.disk_path}


def images_for(src: SourceFile, index: dict[str, SourceFile]) -> list[SourceFile]:
    """The Dockerfiles of `index` that `src` (a compose file) is built from: what to link a
    re-parse of `src` with."""
    if not index:
        return []
    return [index[key] for key in sorted(wanted(src)) if key in index]


def link(sources: list[SourceFile]) -> None:
    images = {}
    for src in sources:
        if src.format is Format.DOCKERFILE and src.workloads and src.disk_path:
            images[image_key(src.disk_path)] = src.workloads[0]
    if not images:
        return
    for src in sources:
        if src.format is not Format.COMPOSE or not src.disk_path:
            continue
        for i, w in enumerate(src.workloads):
            key = _built_from(src, w)
            image = images.get(key) if key is not None else None
            if image is not None:
                src.workloads[i] = inherit(w, image)


def inherit(service: Workload, image: Workload) -> Workload:
    """`service` with what it takes from the image built from `image` (a Dockerfile's final stage)."""
    from glmlint.shell import file_writes, from_argv

    img: Workload = stamp(image, image.path)
    changes: dict[str, Any] = {"build_steps": img.build_steps + service.build_steps,
                               "env": img.env + service.env}
    if not service.user.explicit:
        user = image.user
        changes["user"] = Setting(user.value, service.anchor, explicit=False, path=service.user.path,
                                  origin=f"{image.path}:{user.loc.line}")
    if service.base_image is None:
        changes["base_image"] = image.base_image
    own_files = set(file_writes(image.process))
    image_files = tuple(f for f, raw in zip(img.files, image.files) if raw not in own_files)
    process = service.process
    if not service.entrypoint.explicit:
        ep = img.entrypoint.value or ()
        if not service.command.explicit:
            process = img.process  # the image's ENTRYPOINT + CMD
        elif ep and _shell_form(ep):
            process = img.process  # a shell-form ENTRYPOINT ignores the CMD
        elif ep:
            words = ep + (service.command.value or ())
            process = tuple(from_argv(words, words[0].loc))
    changes["process"] = tuple(process)
    changes["files"] = image_files + tuple(file_writes(process))
    return dataclasses.replace(service, **changes)


def _shell_form(words: tuple[Word, ...]) -> bool:
    """A shell-form instruction: the parser gives every word of `sh -c <text>` the instruction's location."""
    return len(words) > 1 and len({w.loc for w in words}) == 1


def stamp(value: Any, file: str) -> Any:
    """`value` with every location in it marked as being in `file`."""
    if isinstance(value, Loc):
        return value if value.file else Loc(value.line, value.col, file)
    if isinstance(value, tuple):
        return tuple(stamp(v, file) for v in value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        changes = {}
        for f in dataclasses.fields(value):
            old = getattr(value, f.name)
            new = stamp(old, file)
            if new is not old:
                changes[f.name] = new
        return dataclasses.replace(value, **changes) if changes else value
    return value
