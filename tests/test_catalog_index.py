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


def test_the_service_catalogs_images_are_asked_of_the_services_that_may_have_them() -> None:
    """`_Known.images` tries the services with an image of the repository's literal name and those
    with a wildcard image name: it answers what trying every service with images in turn answers."""
    from glmlint.catalog import services

    cat = services.catalog()
    known = services._Known(cat)
    names = {"python:3.12", "nginx", "ghcr.io/x/y:1", "registry.local:5000/ollama/ollama:0.5", ""}
    for service in cat:
        for img in service.images:
            for fill in ("", "x", "a/b"):
                name = img.name.replace("*", fill)
                for tag in ("", ":latest", ":1.2", ":main-cuda", "@sha256:abc", ":v0.6.3-cuda@sha256:abc"):
                    names |= {name + tag, "docker.io/" + name + tag, "docker.io/library/" + name + tag,
                              name.upper() + tag, "index.docker.io/" + name + tag}
    found = 0
    for name in names:
        repo = services.image_repository(name) if name else ""
        expected = tuple((s, img) for s in cat if s.images and (img := s.image_of(repo, name)) is not None) \
            if name else ()
        assert known.images(name) == expected, name
        found += bool(expected)
    assert found > 1000


def test_the_services_a_program_may_start_are_those_with_its_command_or_scripts() -> None:
    from glmlint.catalog import services

    cat = services.catalog()
    known = services._Known(cat)
    programs = {p[0] for s in cat for p in s.commands}
    assert known._by_program == {prog: tuple(s for s in cat if s.scripts or any(p[0] == prog for p in s.commands))
                                 for prog in programs}
