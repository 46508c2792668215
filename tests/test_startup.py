"""Start-up shortcuts (issue 12, one Dockerfile): each must give what the general code gives."""
from __future__ import annotations

import fnmatch

from hypothesis import given
from hypothesis import strategies as st

from glmlint.catalog import glob_match, images, services

_CHARS = "ab/.:-*?["


@given(st.text(alphabet="ab/.:-", max_size=8), st.text(alphabet=_CHARS, max_size=8))
def test_glob_match_is_fnmatchcase(name, pattern):
    assert glob_match(name, pattern) == fnmatch.fnmatchcase(name, pattern)


def test_glob_match_on_the_catalogs_patterns():
    patterns = {p for entry in images.entries() for m in entry.match for p in images.split_reference(m) if p}
    for s in services.catalog():
        patterns |= {*s.image_patterns, *s.scripts, *(i.name for i in s.images)}
        if s.family is not None:
            patterns |= set(s.family.images)
    names = {"python", "gcr.io/distroless/static-debian12", "gcr.io/distroless/base", "nonroot", "debug-nonroot",
             "cc-nonroot", "ollama/ollama", "vllm/vllm-openai", "jupyter/base-notebook", "quay.io/jupyter/scipy-notebook",
             "/opt/conda/bin/start-notebook.sh", "start-notebook.py", "a*b", ""}
    names |= patterns  # every pattern against itself and the others
    assert any("*" in p for p in patterns)
    for name in names:
        for pattern in patterns:
            assert glob_match(name, pattern) == fnmatch.fnmatchcase(name, pattern), (name, pattern)


def test_check_gives_the_garbage_collector_back_as_it_found_it(tmp_path, monkeypatch, capsys):
    """`glmlint check` holds collection off during start-up; a caller's own state is kept, and only
    a process that is glmlint's own (no argv given) freezes what start-up made."""
    import gc

    import pytest

    from glmlint.cli import main

    (tmp_path / "Dockerfile").write_text("FROM python:3.12\nUSER 10001\n")
    monkeypatch.chdir(tmp_path)
    frozen = gc.get_freeze_count()
    for enabled in (True, False):
        (gc.enable if enabled else gc.disable)()
        try:
            with pytest.raises(SystemExit) as exc:
                main(["check", "Dockerfile"])
            assert exc.value.code == 0
            assert gc.isenabled() is enabled
            assert gc.get_freeze_count() == frozen
        finally:
            gc.enable()
    assert capsys.readouterr().out.startswith("0 findings")


def test_the_console_script_ends_without_teardown_but_as_an_ordinary_exit(tmp_path):
    """glmlint's own process (`main()` with no argv) ends a `check` with os._exit: the report is
    complete on a pipe and in `-o` files, the status is the command's, `atexit` functions run."""
    import json
    import subprocess
    import sys

    (tmp_path / "Dockerfile").write_text("FROM python:3.12-slim\nCMD [\"python\"]\n")
    code = ("import atexit, sys\n"
            "atexit.register(lambda: print('atexit ran', file=sys.stderr))\n"
            "from glmlint.cli import main\n"
            "sys.argv = ['glmlint', *sys.argv[1:]]\n"
            "main()\n")
    out = subprocess.run([sys.executable, "-c", code, "check", "--format", "json", "Dockerfile"], cwd=tmp_path,
                         capture_output=True, text=True)
    assert out.returncode == 1, out.stderr
    assert [r["code"] for r in json.loads(out.stdout)] == ["GLM001"]
    assert out.stderr == "atexit ran\n"
    out = subprocess.run([sys.executable, "-c", code, "check", "-o", "report.txt", "--fail-on", "never", "Dockerfile"],
                         cwd=tmp_path, capture_output=True, text=True)
    assert out.returncode == 0 and out.stdout == "" and out.stderr == "atexit ran\n"
    assert "GLM001" in (tmp_path / "report.txt").read_text()
