"""Shortcuts the scan takes (issue 12, the SARIF lane `sarif9`) against the computation they stand
for, on every fixture and on a share of the corpus: GLM019's sudoers reading (`sudoers.grants` and
`_memberships` leave out what cannot grant or add anything), the image answers kept by name
(`Family.has_image`, `ImageRef.valid`) and the Dockerfile instructions the fix writer takes from the
scan's parse (`fix.dockerfile._instructions`)."""
from __future__ import annotations

from pathlib import Path

import pytest

from glmlint import ir, sudoers
from glmlint.catalog import glob_match
from glmlint.catalog.services import image_repository
from glmlint.parsers import detect, parse
from glmlint.parsers import dockerfile as dockerfile_parser

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "fixtures"
CORPUS = ROOT.parent / "shared" / "corpus" / "real"


def _sources(every: int = 3):  # type: ignore[no-untyped-def]
    files = sorted(p for p in FIXTURES.rglob("*") if p.is_file() and p.name != "expected.yaml")
    if CORPUS.is_dir():
        files += sorted(p for p in CORPUS.rglob("*") if p.is_file())[::every]
    for path in files:
        text = path.read_text(encoding="utf-8", errors="replace")
        try:
            source = parse(str(path), text, detect(path.name, str(path)) or "", str(path))
        except Exception:  # noqa: BLE001 - hostile and broken files: nothing to read
            continue
        if source is not None:
            yield path, text, source


class _Every:
    def __contains__(self, name: object) -> bool:
        return True


def test_sudoers_shortcuts_give_what_reading_every_line_and_command_gives(monkeypatch: pytest.MonkeyPatch) -> None:
    """`grants` without the stock-lines shortcut (`_grants` of every line sudo reads) and
    `_memberships` of every command (its words resolved whatever its name) give the same answers,
    for every workload of the fixtures and of every 3rd corpus file."""
    compared = granted = members = 0
    for _path, _text, source in _sources():
        for w in source.workloads:
            assert sudoers.grants(w) == sudoers._grants(w, sudoers.lines(w))
            granted += bool(sudoers.grants(w))
            resolve = sudoers._resolver(w)
            for cmd in w.build_steps:
                got = sudoers._memberships(cmd, resolve)
                with monkeypatch.context() as m:
                    m.setattr(sudoers, "_MEMBERSHIPS", _Every())
                    assert got == sudoers._memberships(cmd, resolve), cmd
                members += bool(got)
            compared += 1
    assert compared > 2_000 and granted >= 10 and members >= 3, (compared, granted, members)


def test_image_answers_kept_by_name_are_the_computed_ones() -> None:
    """`Family.has_image` and `ImageRef.valid`, asked twice for every image of every workload (the
    second from what was kept), answer as computing them does."""
    from glmlint.jupyter import _knowledge

    family = _knowledge().stacks
    compared = hits = 0
    for _path, _text, source in _sources():
        for w in source.workloads:
            for name in {w.image.value, w.base_image, *(ref.name for ref in w.pulls)}:
                computed = bool(name) and any(glob_match(image_repository(name), p) for p in family.images)
                assert family.has_image(name) == family.has_image(name) == computed, name
                hits += computed
                compared += 1
            for ref in w.pulls:
                assert ref.valid == ref.valid == (ir.IMAGE_REFERENCE.match(ref.name) is not None), ref.name
    assert compared > 2_000 and hits >= 3, (compared, hits)


def test_the_fix_writer_takes_the_scans_instructions_only_for_the_text_it_split() -> None:
    """After the scan parsed a Dockerfile, the fix writer's instructions of that very text are the
    parse's, equal to splitting it afresh; for another text object (even an equal one) they are
    split afresh."""
    from glmlint.fix.dockerfile import _instructions
    from glmlint.parsers import split_lines

    compared = 0
    for _path, text, source in _sources(every=1):
        if source.format is not ir.Format.DOCKERFILE:
            continue
        got = _instructions(source.text)
        assert got is dockerfile_parser.last_split[1]  # type: ignore[index]
        assert got == dockerfile_parser.split_instructions(split_lines(source.text))
        copy = "".join(list(source.text))
        assert _instructions(copy) is not got and _instructions(copy) == got
        compared += 1
    assert compared >= 300
