"""`glmlint.parsers.dockerfile.instruction_lines` finds the lines of each instruction exactly where
dockerfile-parse's `DockerfileParser.structure` does (issue 12: it is not imported on a scan)."""
from __future__ import annotations

import io
from pathlib import Path

from dockerfile_parse import DockerfileParser
from hypothesis import given, settings
from hypothesis import strategies as st

from glmlint.parsers.dockerfile import instruction_lines

ROOT = Path(__file__).resolve().parents[1]


def reference(text: str) -> list[tuple[str, int, int]]:
    structure = DockerfileParser(fileobj=io.StringIO(text)).structure
    return [(e["instruction"], e["startline"], e["endline"])
            for e in sorted(structure, key=lambda e: e["startline"]) if e["instruction"] != "COMMENT"]


PIECES = ["FROM", "run", "RUN", "USER", "x", "a b", " ", "  ", "\t", "\n", "\n", "\n", "\r", "\x0b", "\x0c", "\x1c",
          "\u00a0", "\u2028", "\\", "\\", "`", "#", "# escape=`", "# escape=\\", "#escape = ` ", "# syntax=docker/dockerfile:1",
          "# SYNTAX = x", "# check=skip", "&&", "=", "é"]


@settings(max_examples=1500, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=40))
def test_instruction_lines_as_dockerfile_parse(pieces: list[str]) -> None:
    text = "".join(pieces)
    assert instruction_lines(text) == reference(text)


def test_instruction_lines_as_dockerfile_parse_on_the_fixtures() -> None:
    files = [p for p in (ROOT / "fixtures").rglob("*") if p.is_file() and "ockerfile" in p.name]
    assert len(files) > 50
    for path in files:
        text = path.read_text(encoding="utf-8", errors="replace")
        for variant in (text, text + "\n", text.replace("\n", "\r\n")):
            assert instruction_lines(variant) == reference(variant), path
