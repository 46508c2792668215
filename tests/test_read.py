"""Reading a candidate file: whole, up to the size limit, even when it changes under the scan."""
from __future__ import annotations

import os
from pathlib import Path

import pytest
from glmlint import runner
from glmlint.discovery import Candidate
from glmlint.ir import Problem


def _cand(path: Path) -> Candidate:
    return Candidate(str(path), path.name, "yaml", False)


@pytest.mark.parametrize("size", [0, 1, 100, 65_535, 65_536, 200_001])
def test_a_file_under_the_limit_is_read_whole(tmp_path: Path, size: int) -> None:
    data = bytes(i % 251 for i in range(size))
    (tmp_path / "f.yaml").write_bytes(data)
    assert runner._read_bytes(_cand(tmp_path / "f.yaml"), 200_001) == data


def test_a_file_over_the_limit_is_not_read(tmp_path: Path) -> None:
    (tmp_path / "f.yaml").write_bytes(b"x" * 101)
    got = runner._read_bytes(_cand(tmp_path / "f.yaml"), 100)
    assert isinstance(got, Problem) and "101 bytes is over the 100-byte limit" in got.message


def _shrunk_fstat(monkeypatch: pytest.MonkeyPatch, size: int) -> None:
    """`os.fstat` reports `size` bytes: the file grew after its size was asked."""
    real = os.fstat

    def fstat(fd: int) -> os.stat_result:
        st = list(real(fd))
        st[6] = size  # st_size
        return os.stat_result(st)

    monkeypatch.setattr(os, "fstat", fstat)


def test_a_file_that_grew_is_read_to_its_end(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data = bytes(i % 251 for i in range(150_000))  # several reads after the first
    (tmp_path / "f.yaml").write_bytes(data)
    _shrunk_fstat(monkeypatch, 10)
    assert runner._read_bytes(_cand(tmp_path / "f.yaml"), 1_000_000) == data


def test_a_file_that_grew_past_the_limit_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "f.yaml").write_bytes(b"x" * 150_000)
    _shrunk_fstat(monkeypatch, 10)
    got = runner._read_bytes(_cand(tmp_path / "f.yaml"), 100_000)
    assert isinstance(got, Problem) and "100001 bytes is over the 100000-byte limit" in got.message
