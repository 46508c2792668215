"""What a directory walk meets besides regular readable files."""
from __future__ import annotations

import errno
import os

import pytest

from glmlint import runner
from tests.hostile.util import GOOD_DOCKERFILE, check, line_for, make

COMPOSE = "services:\n  web:\n    image: x\n    privileged: true\n"


def test_a_directory_named_dockerfile_is_walked(tmp_path, capsys):
    make(tmp_path, {"Dockerfile/compose.yaml": COMPOSE, "Dockerfile/Dockerfile": GOOD_DOCKERFILE})
    code, out, err = check(tmp_path, capsys)
    assert err == [] and code == 1
    assert "Dockerfile/compose.yaml:4:17: critical GLM003" in out and "Dockerfile/Dockerfile:1:1: medium GLM001" in out


def test_unreadable_file_is_an_error(tmp_path, capsys):
    make(tmp_path, {"docker-compose.yml": COMPOSE, "Dockerfile": GOOD_DOCKERFILE})
    (tmp_path / "docker-compose.yml").chmod(0)
    try:
        if os.access(tmp_path / "docker-compose.yml", os.R_OK):
            pytest.skip("running as root: permission bits do not stop reads (see the simulated case)")
        code, out, err = check(tmp_path, capsys)
    finally:
        (tmp_path / "docker-compose.yml").chmod(0o644)
    assert code == 2 and "GLM001" in out
    assert err == ["docker-compose.yml: cannot read: Permission denied"]


def test_unreadable_file_is_an_error_simulated(tmp_path, capsys, monkeypatch):
    make(tmp_path, {"docker-compose.yml": COMPOSE, "Dockerfile": GOOD_DOCKERFILE})
    real_open = os.open

    def deny(path, flags, *args, **kwargs):
        if str(path).endswith("docker-compose.yml"):
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), path)
        return real_open(path, flags, *args, **kwargs)

    monkeypatch.setattr(runner.os, "open", deny)
    code, out, err = check(tmp_path, capsys)
    assert code == 2 and "GLM001" in out
    assert err == ["docker-compose.yml: cannot read: Permission denied"]


def test_broken_symlinks_and_loops_met_while_walking_are_notices(tmp_path, capsys):
    make(tmp_path, {"Dockerfile": GOOD_DOCKERFILE})
    (tmp_path / "compose.yaml").symlink_to("generated/compose.yaml")
    (tmp_path / "a.yaml").symlink_to("b.yaml")
    (tmp_path / "b.yaml").symlink_to("a.yaml")
    (tmp_path / "self").symlink_to(".")  # a directory loop: never followed
    code, out, err = check(tmp_path, capsys)
    assert code == 1 and "GLM001" in out
    assert sorted(err) == ["a.yaml: skipped: symlink loop", "b.yaml: skipped: symlink loop",
                           "compose.yaml: skipped: broken symlink to generated/compose.yaml"]
    code, _out, err = check(tmp_path, capsys, "compose.yaml")  # named: an error
    assert code == 2 and err == ["compose.yaml: no such file or directory"]


def test_a_file_deleted_during_the_scan_is_a_notice(tmp_path, capsys, monkeypatch):
    make(tmp_path, {"a/docker-compose.yml": COMPOSE, "b/Dockerfile": GOOD_DOCKERFILE})
    real = runner.discover

    def racing(*args, **kwargs):
        for cand in real(*args, **kwargs):
            if getattr(cand, "display", "") == "a/docker-compose.yml":
                os.unlink(cand.path)  # listed by the walk, gone before it is read
            yield cand

    monkeypatch.setattr(runner, "discover", racing)
    code, out, err = check(tmp_path, capsys)
    assert code == 1 and "b/Dockerfile:1:1: medium GLM001" in out
    assert err == ["a/docker-compose.yml: skipped: it was deleted during the scan"]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this platform")
def test_fifos_and_devices_are_never_read(tmp_path, capsys):
    make(tmp_path, {"ok/Dockerfile": GOOD_DOCKERFILE})
    os.mkfifo(tmp_path / "Dockerfile")  # opening it for reading would block forever
    (tmp_path / "compose.yaml").symlink_to("/dev/zero")  # reading it would never end
    code, out, err = check(tmp_path, capsys)
    assert code == 1 and "ok/Dockerfile:1:1: medium GLM001" in out
    assert sorted(err) == ["Dockerfile: skipped: not a regular file", "compose.yaml: skipped: not a regular file"]


def test_files_over_the_size_limit_are_skipped_with_a_notice(tmp_path, capsys):
    big = COMPOSE + "# padding\n" * 2000  # 20 KB
    make(tmp_path, {"docker-compose.yml": big, "Dockerfile": GOOD_DOCKERFILE})
    code, out, err = check(tmp_path, capsys, "--max-file-size", "8K", ".")
    assert code == 1 and "GLM001" in out and "GLM003" not in out
    assert line_for(err, "docker-compose.yml") == (
        f"docker-compose.yml: skipped: {len(big)} bytes is over the 8192-byte limit (--max-file-size)")
    code, out, err = check(tmp_path, capsys, "--max-file-size", "1M", ".")
    assert err == [] and "docker-compose.yml:4:17: critical GLM003" in out
    code, _out, err = check(tmp_path, capsys, "--max-file-size", "lots", ".")
    assert code == 2 and "--max-file-size" in "\n".join(err)


def test_the_default_size_limit_is_five_mebibytes(tmp_path, capsys):
    make(tmp_path, {"docker-compose.yml": COMPOSE + "#" * (5 * 1024 * 1024)})
    code, _out, err = check(tmp_path, capsys)
    assert code == 0
    assert err == [f"docker-compose.yml: skipped: {len(COMPOSE) + 5 * 1024 * 1024} bytes is over the "
                   "5242880-byte limit (--max-file-size)"]


def test_a_file_that_grows_after_the_size_check_is_read_no_further(tmp_path, capsys, monkeypatch):
    make(tmp_path, {"docker-compose.yml": COMPOSE})
    real_fstat = os.fstat

    class Small:
        def __init__(self, st):
            self.st_mode, self.st_size = st.st_mode, 10

    monkeypatch.setattr(runner.os, "fstat", lambda fd: Small(real_fstat(fd)))
    code, _out, err = check(tmp_path, capsys, "--max-file-size", "20", ".")
    assert code == 0
    assert err == ["docker-compose.yml: skipped: 21 bytes is over the 20-byte limit (--max-file-size)"]
