"""Cross-file facts: a compose service built from a scanned Dockerfile inherits its image user."""
from __future__ import annotations

import dataclasses
import os

from glmlint.ir import Format, Setting, SourceFile


def link(sources: list[SourceFile]) -> None:
    images = {}
    for src in sources:
        if src.format is Format.DOCKERFILE and src.workloads and src.disk_path:
            images[os.path.normcase(os.path.abspath(src.disk_path))] = src.workloads[0]
    if not images:
        return
    for src in sources:
        if src.format is not Format.COMPOSE or not src.disk_path:
            continue
        base = os.path.dirname(os.path.abspath(src.disk_path))
        for i, w in enumerate(src.workloads):
            if w.build is None or w.user.explicit or "$" in w.build.context:
                continue
            context = os.path.join(base, w.build.context)
            dockerfile = os.path.join(context, w.build.dockerfile or "Dockerfile")
            image = images.get(os.path.normcase(os.path.normpath(dockerfile)))
            if image is None:
                continue
            user = image.user
            origin = f"{image.path}:{user.loc.line}"
            inherited = Setting(user.value, w.anchor, explicit=False, path=w.user.path, origin=origin)
            src.workloads[i] = dataclasses.replace(w, user=inherited)
