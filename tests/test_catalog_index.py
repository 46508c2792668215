"""The image catalog's look-up by repository (`images.entries_for`) answers what trying every entry's
patterns in turn (`Entry.matches`) answers, on every pattern images.yaml holds made into image
references, and on references no pattern matches."""
from __future__ import annotations

from glmlint.catalog import images


def _references() -> list[str]:
    """Image references near every pattern: its wildcards filled in several ways, with and without a
    tag, a digest, a registry prefix and other case."""
    refs = ["python:3.12", "busybox", "scratch", "ubuntu", "ubuntu:22.04@sha256:abc", "repo@sha256:abc",
            "registry.local:5000/team/model", "registry.local:5000/team/model:1", "${BASE}", ""]
    for entry in images.entries():
        for pattern in entry.match:
            for fill in ("", "x", "a/b", "nonroot", "debug-nonroot", "12.4.1-runtime-ubuntu22.04"):
                ref = pattern.replace("*", fill).replace("?", "q").replace("[", "").replace("]", "")
                refs += [ref, ref.upper(), "docker.io/library/" + ref, ref + "@sha256:abc",
                         images.split_reference(ref)[0], images.split_reference(ref)[0] + ":other-tag"]
    return refs


def test_entries_for_answers_as_every_entry_tried_in_turn() -> None:
    refs = _references()
    assert len(refs) > 1000
    matched = 0
    for ref in refs:
        norm = images.normalise(ref)
        expected = () if norm is None else tuple(e for e in images.entries() if e.matches(*norm))
        assert images.entries_for(ref) == expected, ref
        matched += bool(expected)
    assert matched > 500  # (the references do reach the entries)
