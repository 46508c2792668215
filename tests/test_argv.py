"""`glmlint check` without click (`glmlint.argv`): the same keyword arguments click gives the command,
or None (and click parses it)."""
from __future__ import annotations

import click
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from glmlint import argv, commands

CHECK = commands.check


def click_params(args: list[str]) -> dict:
    with CHECK.make_context("check", list(args)) as ctx:
        return dict(ctx.params)


def test_the_table_is_the_click_commands_options():
    declared = {p.name: p for p in CHECK.params if isinstance(p, click.Option)}
    assert set(declared) == set(argv.OPTIONS)
    assert argv.check_params([]) == click_params([])  # every default
    for dest, (names, kind, default) in argv.OPTIONS.items():
        p = declared[dest]
        assert set(names) == {*p.opts, *p.secondary_opts}, dest
        assert names[0] in p.opts  # a pair's first name is the one that gives True
        assert (kind in ("multi", "multi-path-file", "reports")) == p.multiple, dest
        assert (kind in ("flag", "pair")) == p.is_flag, dest
        assert (kind == "pair") == bool(p.secondary_opts), dest
        if kind.startswith("choice:"):
            assert isinstance(p.type, click.Choice) and list(p.type.choices) == kind[7:].split("|"), dest
        elif kind.startswith(("path", "multi-path")):
            assert isinstance(p.type, click.Path), dest
            assert (p.type.dir_okay, p.type.file_okay, p.type.readable, p.type.writable, p.type.exists,
                    p.type.allow_dash, p.type.resolve_path) == (False, True, True, kind.endswith("-w"), False,
                                                                False, False), dest
        elif kind == "count":
            assert isinstance(p.type, click.IntRange) and (p.type.min, p.type.max) == (0, None), dest
        elif kind in ("size", "reports"):
            assert p.callback is not None, dest
        else:
            assert p.type is click.STRING or isinstance(p.type, click.types.BoolParamType), (dest, p.type)
    (paths,) = [p for p in CHECK.params if isinstance(p, click.Argument)]
    assert paths.name == "paths" and paths.nargs == -1 and isinstance(paths.type, click.Path)
    assert (paths.type.dir_okay, paths.type.file_okay, paths.type.readable, paths.type.writable,
            paths.type.exists) == (True, True, True, False, False)


@pytest.mark.parametrize("args", [
    [], ["Dockerfile"], ["."], ["-"], ["--format", "sarif", "-o", "out.sarif", "."],
    ["--format=json", "--select", "GLM001,GLM002", "--ignore=GLM045", "--no-color", "Dockerfile", "dir"],
    ["--report", "sarif:out/x.sarif", "--report", "json:y.json", "--format", "github", "."],
    ["-j", "1", "--max-file-size", "512K", "--fail-on", "error", "--sort", "path", "--color"],
    ["--profile", "pss-restricted", "--pss-version", "v1.29", "--pss-namespaces", "--no-render", "k8s"],
    ["--values", "v.yaml", "-f", "w.yaml", "--set", "a=b", "--render", "--stdin-filename", "x/Dockerfile", "-"],
    ["--baseline", "b.json", "--report-unused-ignores", "--sarif-category", "glm", "--config", "c.toml"],
    ["--write-baseline", "b.json", "Dockerfile", "--format", "text"],
])
def test_ordinary_command_lines_parse_as_click_parses_them(args, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "Dockerfile").write_text("FROM python:3.12\n")
    (tmp_path / "dir").mkdir()
    got = argv.check_params(args)
    assert got is not None
    assert got == click_params(args)


@pytest.mark.parametrize("args", [
    ["--help"], ["-h"], ["--", "Dockerfile"], ["-j4"], ["-oout"], ["-o=out"], ["--format", "xml"],
    ["--format"], ["--jobs", "-1"], ["--jobs", "+1"], ["--max-file-size", "5X"], ["--report", "xml:out"],
    ["--report", "sarif"], ["--color=yes"], ["--select", "-x"], ["--bogus"], ["-x"], ["--output", "dir"],
    ["--config", "dir"], ["--values", "dir"], ["--forma", "json"],
])
def test_anything_else_is_left_to_click(args, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "dir").mkdir()
    assert argv.check_params(args) is None


def test_shell_completion_is_left_to_click(monkeypatch):
    monkeypatch.setenv("_GLMLINT_COMPLETE", "bash_complete")
    assert argv.check_params(["Dockerfile"]) is None


_WORDS = [*(n for names, _, _ in argv.OPTIONS.values() for n in names), "--", "-h", "--bogus", "-j4", "-o=x",
          "json", "text", "xml", "error", "path", "0", "3", "-1", "007", "5M", "1k", "2 MiB", "x", "sarif:o.sarif",
          "json:", "GLM001,GLM002", "dir", "Dockerfile", "nothere.yaml", "-", "", "a=b", "=x", "v1.29"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_WORDS), max_size=8))
def test_generated_command_lines(tmp_path_factory, args):
    import os

    tmp = tmp_path_factory.getbasetemp() / "argv"
    tmp.mkdir(exist_ok=True)
    (tmp / "dir").mkdir(exist_ok=True)
    (tmp / "Dockerfile").write_text("FROM python:3.12\n")
    here = os.getcwd()
    os.chdir(tmp)
    try:
        got = argv.check_params(args)
        if got is not None:  # what it accepts, click accepts and reads the same way
            assert got == click_params(args)
    finally:
        os.chdir(here)
