"""The image catalog's look-up by repository (`images.entries_for`) answers what trying every entry's
patterns in turn (`Entry.matches`) answers, on every pattern images.yaml holds made into image
references, and on references no pattern matches."""
from __future__ import annotations

import pytest

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


@pytest.mark.parametrize("lazy", [False, True])
def test_the_service_catalogs_images_are_asked_of_the_services_that_may_have_them(lazy: bool) -> None:
    """`_Known.images` tries the services with an image of the repository's literal name and those
    with a wildcard image name: it answers what trying every service with images in turn answers;
    indexed from the catalog's data (`lazy`), with the very `Service`s of `catalog()`."""
    from glmlint.catalog import services

    known = services._Known() if lazy else services._Known(services.catalog())
    cat = services.catalog()
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
        got = known.images(name)
        assert got == expected and all(a[0] is b[0] and a[1] is b[1] for a, b in zip(got, expected)), name
        found += bool(expected)
    assert found > 1000


@pytest.mark.parametrize("lazy", [False, True])
def test_the_services_a_program_may_start_are_those_with_its_command_or_scripts(lazy: bool) -> None:
    from glmlint.catalog import services
    from glmlint.ir import Loc, Word

    known = services._Known() if lazy else services._Known(services.catalog())
    cat = services.catalog()
    programs = {p[0] for s in cat for p in s.commands}
    assert {prog: tuple(known._services(found)) for prog, found in known._by_program.items()} == {
        prog: tuple(s for s in cat if s.scripts or any(p[0] == prog for p in s.commands)) for prog in programs}
    # a Python interpreter: the services with scripts, or with the module it runs as a module or a program
    modules = {m for s in cat for m in s.modules} | programs | {"http.server"}
    for module in modules:
        argv = [Word(t, Loc(1, 1)) for t in ("python3", "-m", module)]
        assert tuple(known._services(known._may_start(argv))) == tuple(
            s for s in cat if s.scripts or module in s.modules or any(p[0] == module for p in s.commands)), module


def test_a_service_asked_for_alone_is_the_catalogs() -> None:
    """`get` makes one entry's `Service` without the whole catalog, the same object `catalog()` holds."""
    from glmlint.catalog import services

    services.reload()
    jupyter = services.get("jupyter")
    assert len(services._BUILT) == 1
    assert services.catalog()[[s.id for s in services.catalog()].index("jupyter")] is jupyter
    assert services.get("sshd") is next(s for s in services.catalog() if s.id == "sshd")
    with pytest.raises(KeyError):
        services.get("no-such-service")


def test_the_script_prefilter_keeps_every_match_of_the_services_script_patterns() -> None:
    """`services.match_command` tries a service's script patterns only on a path `"/" + path` of which ends as
    one may (`_script_ends`): every name built from the catalog's own patterns that `glob_match`es one still
    ends so, and the prefilter is off for a pattern with another wildcard."""
    from glmlint.catalog import glob_match
    from glmlint.catalog.services import _script_ends, catalog

    patterns = [s.scripts for s in catalog() if s.scripts]
    assert patterns
    for scripts in patterns:
        ends = _script_ends(scripts)
        if ends is None:  # (a `?` or `[` pattern: no prefilter, every pattern tried)
            continue
        for p in scripts:
            for fill in ("", "x", "a/b", "/opt/app/"):
                for name in (p.replace("*", fill), p.replace("*", fill).lstrip("/"), "/srv/" + p.replace("*", fill)):
                    if glob_match(name, p) or glob_match("/" + name, p):
                        assert ("/" + name).endswith(ends), (name, p)
    assert _script_ends(("*/run.sh", "start-?.sh")) is None
