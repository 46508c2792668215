"""Broken Dockerfiles: what BuildKit refuses is an error, what it builds is checked."""
from __future__ import annotations

from glmlint.parsers import parse
from tests.hostile.util import GOOD_DOCKERFILE, check, line_for, make


def test_unterminated_heredoc_and_unknown_instruction_are_errors(tmp_path, capsys):
    make(tmp_path, {"a/Dockerfile": "FROM x\nRUN <<EOF\necho hi\n",
                    "b/Dockerfile": "FROM x\nRUNN echo hi\n",
                    "c/Dockerfile": "USER root\nFROM x\n",
                    "d/Dockerfile": "FROM x\nBOGUS",  # one bare word, no final newline
                    "ok/Dockerfile": GOOD_DOCKERFILE})
    code, out, err = check(tmp_path, capsys)
    assert code == 2 and "ok/Dockerfile:1:1: medium GLM001" in out
    assert line_for(err, "a/Dockerfile") == "a/Dockerfile:2: cannot parse: unterminated heredoc `<<EOF`"
    assert line_for(err, "b/Dockerfile") == "b/Dockerfile:2: cannot parse: unknown instruction `RUNN`"
    assert line_for(err, "c/Dockerfile") == "c/Dockerfile:1: cannot parse: `USER` before the first FROM"
    assert line_for(err, "d/Dockerfile") == "d/Dockerfile:2: cannot parse: unknown instruction `BOGUS`"


def test_a_file_ending_inside_a_continuation_is_checked_with_a_notice(tmp_path, capsys):
    # BuildKit ends the instruction at the end of the file and builds it
    make(tmp_path, {"Dockerfile": "FROM x\nUSER root\nRUN apt-get install -y \\\n    curl \\\n\n"})
    code, out, err = check(tmp_path, capsys)
    assert code == 1 and "Dockerfile:2:6: medium GLM001" in out
    assert err == ["Dockerfile:4: the file ends inside a line continuation; checked as BuildKit builds it"]


def test_only_newlines_split_instructions():
    # a form feed, NEL or U+2028 is not a line break for BuildKit: no USER instruction here
    for brk in ("\x0c", "\x85", "\u2028", "\x0b"):
        source = parse("Dockerfile", f"FROM x\nRUN echo a{brk}USER 1000\nRUN echo {brk} b\n", "dockerfile")
        assert source is not None
        user = source.workloads[0].user
        assert not user.explicit and user.value.name == "root"


def test_lines_after_a_form_feed_keep_their_numbers():
    source = parse("Dockerfile", "FROM x\n# \x0c\nRUN echo \u2028 \\\n  ok\nUSER root\n", "dockerfile")
    assert source is not None
    assert source.workloads[0].user.loc.line == 5


def test_long_and_or_chains_are_read_to_the_end():
    # tree-sitter-bash nests `a && b && …` to the left; a recursive walk ran out of stack near 500
    run = "RUN " + "apt-get update && " * 3000 + "echo 'PasswordAuthentication yes' >> /etc/ssh/sshd_config"
    source = parse("Dockerfile", f"FROM x\n{run}\n", "dockerfile")
    assert source is not None
    w = source.workloads[0]
    assert len(w.build_steps) == 3001
    assert [(f.path, f.loc.line) for f in w.files] == [("/etc/ssh/sshd_config", 2)]


def test_deeply_nested_json_is_not_an_exec_form_nor_a_crash(tmp_path, capsys):
    deep = "[" * 100_000 + "]" * 100_000
    make(tmp_path, {
        # BuildKit runs what is not a JSON array of strings in a shell
        "a/Dockerfile": f"FROM x\nUSER 10001\nCMD {deep}\n",
        # a Jupyter JSON config that Jupyter could not load
        "b/Dockerfile": f"FROM x\nUSER 10001\nCOPY <<EOF /home/app/.jupyter/jupyter_server_config.json\n{deep}\nEOF\n"
                        "CMD [\"jupyter\", \"lab\", \"--ip=0.0.0.0\"]\n",
    })
    code, out, err = check(tmp_path, capsys, "--select", "GLM001,GLM005", ".")
    # no error, no internal error; both run as 10001, and a config Jupyter cannot load disables no token
    assert err == [] and code == 0, out
