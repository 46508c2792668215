"""Bytes that are not plain UTF-8 text: decoded when a real tool would read them, else one line."""
from __future__ import annotations

import os

import pytest

from tests.hostile.util import GOOD_DOCKERFILE, check, line_for, make

COMPOSE = "services:\n  web:\n    image: x\n    privileged: true\n"


@pytest.mark.parametrize("encoding, bom", [("utf-8", b"\xef\xbb\xbf"), ("utf-16-le", b"\xff\xfe"),
                                           ("utf-16-be", b"\xfe\xff")])
@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_boms_and_crlf_are_read_with_the_same_locations(tmp_path, capsys, encoding, bom, newline):
    make(tmp_path, {
        "docker-compose.yml": bom + COMPOSE.replace("\n", newline).encode(encoding),
        "Dockerfile": bom + "FROM x\nUSER root\n".replace("\n", newline).encode(encoding),
    })
    code, out, err = check(tmp_path, capsys)
    assert err == [] and code == 1
    assert "docker-compose.yml:4:17: critical GLM003" in out
    assert "Dockerfile:2:6: medium GLM001" in out


def test_non_utf8_text_is_an_error_naming_the_line_and_byte(tmp_path, capsys):
    make(tmp_path, {"docker-compose.yml": b"services:\n  web:\n    image: caf\xe9\n",
                    "Dockerfile.latin1": b"FROM x\nLABEL a=\xff\n", "Dockerfile": GOOD_DOCKERFILE})
    code, out, err = check(tmp_path, capsys)
    assert code == 2 and "Dockerfile:1:1: medium GLM001" in out
    assert line_for(err, "docker-compose.yml") == (
        "docker-compose.yml:3: cannot parse: not UTF-8 or UTF-16 text (byte 0xe9)")
    assert line_for(err, "Dockerfile.latin1") == "Dockerfile.latin1:2: cannot parse: not UTF-8 or UTF-16 text (byte 0xff)"


def test_non_utf8_generic_yaml_met_while_walking_is_a_notice(tmp_path, capsys):
    make(tmp_path, {"i18n/strings.yaml": b"greeting: gr\xfc\xdf gott\n", "Dockerfile": GOOD_DOCKERFILE})
    code, _out, err = check(tmp_path, capsys)
    assert code == 1  # a notice does not make the exit status 2
    assert line_for(err, "i18n/strings.yaml") == "i18n/strings.yaml:1: skipped: not UTF-8 text (byte 0xfc)"


def test_binary_files_with_config_names(tmp_path, capsys):
    blob = bytes(range(256)) * 8 + os.urandom(512)
    make(tmp_path, {"model.yaml": blob, "docker-compose.yml": b"\x00" + COMPOSE.encode(),
                    "Dockerfile.gz": b"\x1f\x8b\x08\x00" + blob, "Dockerfile": GOOD_DOCKERFILE})
    code, _out, err = check(tmp_path, capsys)
    assert code == 1
    assert sorted(err) == ["Dockerfile.gz: skipped: a binary file", "docker-compose.yml: skipped: a binary file",
                           "model.yaml: skipped: a binary file"]
    code, _out, err = check(tmp_path, capsys, "model.yaml")  # named on the command line: an error
    assert code == 2 and err == ["model.yaml: cannot parse: a binary file (NUL bytes), not text"]


def test_empty_files(tmp_path, capsys):
    make(tmp_path, {"Dockerfile": "", "docker-compose.yml": "", "k8s/pod.yaml": "", "c/compose.yaml": "\n# only\n",
                    "ok/Dockerfile": GOOD_DOCKERFILE})
    code, out, err = check(tmp_path, capsys)
    assert code == 2 and "ok/Dockerfile:1:1: medium GLM001" in out
    # BuildKit refuses a Dockerfile with no instructions; an empty YAML file holds nothing to check
    assert err == ["Dockerfile:1: cannot parse: no FROM instruction"]
