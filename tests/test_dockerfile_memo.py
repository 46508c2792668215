"""The Dockerfile parser's memo of RUN / shell-form scripts (`parsers.dockerfile._memo`).

A script met again is given the commands of its first parse, moved by whole lines;
these tests check that what comes out of the memo is exactly what a fresh parse of
the same file gives, and that no other script, layout or heredoc reuses an entry.
"""
from __future__ import annotations

import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from glmlint.parsers import dockerfile
from glmlint.shell import shifted

RUN = "RUN apt-get update && apt-get install -y curl \\\n    && curl -fsSL https://x.example/i.sh | sh -c 'bash -s'\n"

# The same script in different places and layouts, and scripts that differ in one detail:
# each must get its own commands and locations.
VARIANTS = {
    "plain": "FROM debian\n" + RUN,
    "moved down": "FROM debian\n\n\n# a comment\nENV A=1\n" + RUN,
    "moved, then more": "FROM debian\nUSER 1000\n" + RUN + "USER root\n" + RUN,
    "comment inside the continuation": "FROM debian\nRUN apt-get update && apt-get install -y curl \\\n"
    "# pinned below\n    && curl -fsSL https://x.example/i.sh | sh -c 'bash -s'\n",
    "empty line inside the continuation": "FROM debian\nRUN apt-get update && apt-get install -y curl \\\n"
    "\n    && curl -fsSL https://x.example/i.sh | sh -c 'bash -s'\n",
    "indented continuation": "FROM debian\nRUN apt-get update && apt-get install -y curl \\\n"
    "        && curl -fsSL https://x.example/i.sh | sh -c 'bash -s'\n",
    "lower-case keyword, wider gap": "FROM debian\nrun    apt-get update && apt-get install -y curl \\\n"
    "    && curl -fsSL https://x.example/i.sh | sh -c 'bash -s'\n",
    "with a mount flag": "FROM debian\nRUN --mount=type=cache,target=/var/cache/apt apt-get update && "
    "apt-get install -y curl \\\n    && curl -fsSL https://x.example/i.sh | sh -c 'bash -s'\n",
    "heredoc": "FROM debian\nRUN <<EOF\necho a > /etc/sudoers.d/a\nEOF\n",
    "heredoc, other body": "FROM debian\nRUN <<EOF\necho b > /etc/sudoers.d/a\nEOF\n",
    "heredoc moved": "FROM debian\nENV A=1\nRUN <<EOF\necho a > /etc/sudoers.d/a\nEOF\n",
    "heredoc fed to a command": "FROM debian\nRUN cat <<EOF > /etc/sudoers.d/a\ndev ALL=(ALL) NOPASSWD: ALL\nEOF\n",
    "heredoc fed to a command, moved": "FROM debian\n\nRUN cat <<EOF > /etc/sudoers.d/a\n"
    "dev ALL=(ALL) NOPASSWD: ALL\nEOF\n",
    "shell-form CMD": "FROM debian\nCMD exec gosu app python serve.py --port 8000\n",
    "shell-form CMD moved": "FROM debian\nWORKDIR /srv\nCMD exec gosu app python serve.py --port 8000\n",
    "shell-form ENTRYPOINT, same text": "FROM debian\nENTRYPOINT exec gosu app python serve.py --port 8000\n",
    "non-ASCII": "FROM debian\nRUN echo 'héllo wörld' > /etc/motd && sh -c 'echo ü; id'\n",
    "non-ASCII moved": "FROM debian\n\nRUN echo 'héllo wörld' > /etc/motd && sh -c 'echo ü; id'\n",
}


def _parse(text: str):  # type: ignore[no-untyped-def]
    return dockerfile.parse("Dockerfile", text).workloads[0]


def _fresh(text: str):  # type: ignore[no-untyped-def]
    dockerfile._memo_store.clear()
    return _parse(text)


@pytest.fixture(autouse=True)
def _empty_memo():  # type: ignore[no-untyped-def]
    dockerfile._memo_store.clear()
    yield
    dockerfile._memo_store.clear()


@pytest.mark.parametrize("first,second", list(itertools.permutations(VARIANTS, 2)))
def test_a_file_parsed_after_another_gets_what_a_fresh_parse_gives(first: str, second: str) -> None:
    expected = _fresh(VARIANTS[second])
    dockerfile._memo_store.clear()
    _parse(VARIANTS[first])
    assert _parse(VARIANTS[second]) == expected


def test_a_script_met_again_lower_down_is_reused_moved() -> None:
    text = VARIANTS["moved, then more"]
    w = _fresh(text)
    assert len(dockerfile._memo_store) == 1  # both RUNs: one entry
    first, second = [c for c in w.build_steps if c.name == "curl"]
    assert (first.loc.line, second.loc.line) == (4, 7) and first.loc.col == second.loc.col == 8
    inner = [c for c in w.build_steps if c.name == "bash"]
    assert [c.loc.line for c in inner] == [4, 7]  # `sh -c 'bash -s'`, located inside the quoted word


def test_no_entry_serves_another_script_or_layout() -> None:
    for text in VARIANTS.values():
        _parse(text)
    keys = list(dockerfile._memo_store)
    assert len(keys) == len(set(keys))
    # one entry per script and layout: the moved copies share theirs ("plain", "moved down" and
    # both RUNs of "moved, then more"; each heredoc and its moved copy; the CMD and its moved
    # copy), and so do a comment and an empty line inside a continuation (both dropped, the
    # same rows); the ENTRYPOINT with the CMD's text starts at another column: its own
    assert len(keys) == 11


def test_the_memo_is_bounded() -> None:
    for n in range(dockerfile._MEMO_SIZE + 50):
        _parse(f"FROM debian\nRUN echo {n}\n")
    assert len(dockerfile._memo_store) == dockerfile._MEMO_SIZE
    assert _parse("FROM debian\nRUN echo 3\n") == _fresh("FROM debian\nRUN echo 3\n")


def test_callers_cannot_change_an_entry() -> None:
    text = VARIANTS["plain"]
    w = _parse(text)
    steps = list(w.build_steps)
    again = dockerfile._run_commands(dockerfile.split_instructions(text.splitlines())[1], ["/bin/sh", "-c"])
    again.clear()  # a caller extending or clearing its list
    assert _parse(text).build_steps == tuple(steps)


def test_shifted_moves_every_location_and_keeps_sharing() -> None:
    w = _fresh(VARIANTS["plain"])
    steps = list(w.build_steps)
    moved = shifted(steps, 5)
    assert [c.words() for c in moved] == [c.words() for c in steps]
    for old, new in zip(steps, moved):
        assert new.loc.line == old.loc.line + 5 and new.loc.col == old.loc.col
        for a, b in zip(old.argv, new.argv):
            assert b.loc.line == a.loc.line + 5 and b.loc.col == a.loc.col
            assert (b.start is None) == (a.start is None)
    # `sh -c '...'`: the inner commands read the shell's upstream; shared objects stay shared
    sh = next(c for c in moved if c.name == "sh")
    assert sh.upstream and all(u in moved for u in sh.upstream)
    assert any(u is c for u in sh.upstream for c in moved)
    assert shifted(steps, 0) == steps


# -- the other shortcuts of the Dockerfile path: each against the long way round ---------

TEXTS = [*VARIANTS.values(),
         "# escape=`\nFROM windows\nRUN dir `\n\n    /s\n",
         "FROM a\nRUN a \\\n\n\n# c\n  \\\n    b\n\nRUN c\n",
         "FROM a\n# c \\\n\nRUN x\\\n",
         "FROM a\nRUN x \\   \n\n y\n"]


@pytest.mark.parametrize("text", TEXTS)
def test_the_no_heredoc_path_blanks_what_the_general_one_does(text: str) -> None:
    lines = text.split("\n")
    escape = dockerfile.escape_char(lines)
    fast = dockerfile._blank_heredocs(lines, escape)
    # a comment naming `<<` makes it take the general path, and changes nothing else
    general, found = dockerfile._blank_heredocs([*lines, "# <<"], escape)
    if "<<" not in text:
        assert fast == (general[:-1], found)


@pytest.mark.parametrize("text", TEXTS + ["FROM a\nRUN echo \udc80\n"])
def test_dockerfile_parse_reads_text_as_it_reads_bytes(text: str) -> None:
    import io

    from dockerfile_parse import DockerfileParser

    def structure(fileobj):  # type: ignore[no-untyped-def]
        return DockerfileParser(fileobj=fileobj).structure

    if "\udc80" in text:  # what cannot be UTF-8 is refused as before
        with pytest.raises(UnicodeDecodeError):
            dockerfile.split_instructions(text.split("\n"))
        return
    assert structure(io.StringIO(text)) == structure(io.BytesIO(text.encode()))


def test_shell_words_are_kept_per_text() -> None:
    import shlex

    for text in ['A=1 B="two words"', "A='x y' C=3", 'A="unclosed']:
        expected = tuple(shlex.split(text)) if text.count('"') % 2 == 0 else tuple(text.split())
        assert dockerfile._shell_words(text) == expected
        assert dockerfile._shell_words(text) == expected  # again, from the cache
    assert dockerfile._shell_words("A=1") != dockerfile._shell_words("A=2")


def test_substitutions_are_found_in_every_form() -> None:
    from glmlint.ir import Loc
    from glmlint.shell import parse_script

    cs = parse_script("a `id -u` $(id -g) <(id -n) >(tee f) \"x$(whoami)\" $((1+2)) '$(no)' plain",
                      lambda r, c: Loc(r + 1, c + 1))
    a = cs[-1] if cs[-1].name == "a" else next(c for c in cs if c.name == "a")
    found = [[c.words() for c in w.substitutions] for w in a.argv[1:]]
    assert found[:5] == [[["id", "-u"]], [["id", "-g"]], [["id", "-n"]], [["tee", "f"]], [["whoami"]]]
    assert found[5:] == [[], [], []]


def test_the_bash_grammar_loads_without_the_package_and_parses_alike(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import json
    import subprocess
    import sys

    probe = ("import json, sys\nfrom glmlint.parsers import dockerfile\n"
             "w = dockerfile.parse('Dockerfile', 'FROM a\\nRUN curl x | sh\\n').workloads[0]\n"
             "print(json.dumps([[c.words() for c in w.build_steps], sorted(sys.modules)]))\n")
    out = subprocess.run([sys.executable, "-c", probe], cwd=tmp_path, capture_output=True, text=True, check=True)
    steps, mods = json.loads(out.stdout)
    assert steps == [["curl", "x"], ["sh"]]
    assert "tree_sitter" in mods
    assert not {"tree_sitter_bash", "importlib.resources", "tempfile"} & set(mods)

    import tree_sitter
    import tree_sitter_bash

    from glmlint.shell import _bash_grammar

    ours, theirs = tree_sitter.Language(_bash_grammar()), tree_sitter.Language(tree_sitter_bash.language())
    assert (ours.name, ours.abi_version, ours.node_kind_count) == (theirs.name, theirs.abi_version,
                                                                    theirs.node_kind_count)
    script = b"cat <<EOF > /etc/x\nhi\nEOF\nfor i in $(seq 3); do echo \"$i\" | tee -a f; done"
    assert str(tree_sitter.Parser(ours).parse(script).root_node) == \
        str(tree_sitter.Parser(theirs).parse(script).root_node)


def test_shifted_knows_every_field_of_the_shell_ir() -> None:
    """`shifted` rebuilds these objects field by field: a field added to one of them must be
    carried over there too (else a memo hit would lose it), and then listed here."""
    from dataclasses import fields

    from glmlint.ir import Command, Loc, Redirect, Word

    assert [f.name for f in fields(Loc)] == ["line", "col", "file"]
    assert [f.name for f in fields(Word)] == ["text", "loc", "dynamic", "start", "indent", "folds",
                                              "substitutions"]
    assert [f.name for f in fields(Redirect)] == ["op", "target"]
    # (`name` is made from `argv` by `Command.__post_init__`: a rebuilt command makes it again)
    assert [f.name for f in fields(Command)] == ["argv", "loc", "assignments", "redirects", "stdin", "upstream",
                                                 "shell", "stdin_lines", "stdin_quoted", "env_reset", "name"]


def test_shifted_moves_a_heredocs_lines() -> None:
    from glmlint.ir import Loc
    from glmlint.shell import parse_script, shifted

    cs = parse_script("cat > /f <<EOF\nx\ny\nEOF\n", lambda r, c: Loc(r + 1, c + 1))
    assert shifted(cs, 10)[0].stdin_lines == (Loc(12, 1), Loc(13, 1))


# `_may_give` (the stage's copies by destination, `Stage.bases`) answers False only where `_copied_from` of the
# copies from that position on gives nothing: a PATH lookup it skips would have found no copy.
_SEGMENTS = st.sampled_from(["", "app", "usr", "local", "bin", "sbin", "x.sh", "entrypoint.sh", "opt", "*.sh", "."])
_PATHS = st.lists(_SEGMENTS, min_size=0, max_size=4).map(lambda parts: "/" + "/".join(parts))
_SOURCES = st.sampled_from(["x.sh", "bin/", ".", "rootfs/", "*.sh", "entrypoint.sh", "usr/local/bin"])
_COPIES = st.lists(st.tuples(st.tuples(_PATHS, st.sampled_from(["", "/"])).map("".join), _SOURCES, st.booleans()),
                   max_size=6)


@settings(max_examples=400, deadline=None)
@given(copies=_COPIES, path=st.one_of(_PATHS, st.sampled_from(["/usr/local/bin/x.sh", "/app/x.sh", "//x.sh"])),
       since=st.integers(min_value=0, max_value=6))
def test_a_lookup_the_index_skips_finds_no_copy(copies: list[tuple[str, str, bool]], path: str, since: int) -> None:
    bases: dict[str, int] = {}
    for i, (dest, _src, _several) in enumerate(copies):
        bases[dockerfile._copy_base(dest)] = i
    if not dockerfile._may_give(bases, path, since):
        assert dockerfile._copied_from(path, copies[since:]) == []

