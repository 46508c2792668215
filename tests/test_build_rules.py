"""Helpers behind GLM019 (sudoers) and GLM022 (downloads and interpreters), on the shell IR."""
from __future__ import annotations

import pytest
from glmlint.ir import Loc
from glmlint.parsers import parse
from glmlint.scripts import download, runs_file, script_of
from glmlint.shell import parse_script
from glmlint.sudoers import _user_rule, grants, identity


def one(script: str, name: str):
    return [c for c in parse_script(script, lambda r, c: Loc(r + 1, c + 1)) if c.name == name][0]


@pytest.mark.parametrize(("script", "output"), [
    ("curl -fsSL https://x/a.sh", None),
    ("curl -o- https://x/a.sh", None),
    ("curl -fsSLo /tmp/a.sh https://x/a.sh", "/tmp/a.sh"),
    ("curl -LO https://x/dir/a.sh?v=1", "a.sh"),
    ("curl https://x/a.sh > b.sh", "b.sh"),
    ("wget https://x/a.sh", "a.sh"),
    ("wget -qO- https://x/a.sh", None),
    ("wget -O - https://x/a.sh", None),
    ("wget --output-document=/tmp/b https://x/a.sh", "/tmp/b"),
    ("wget -P /opt https://x/a.sh", "/opt/a.sh"),
])
def test_where_a_download_goes(script: str, output: str | None) -> None:
    got = download(one(script, script.split()[0]))
    assert got is not None and got.output == output


@pytest.mark.parametrize(("script", "stdin", "word"), [
    ("sh", True, None), ("bash -s -- -y", True, None), ("sh -", True, None), ("bash -eux", True, None),
    ("bash install.sh -b", False, "install.sh"), ("sh -c 'echo hi'", False, "echo hi"),
    ("python3 -", True, None), ("python3", True, None), ("python3 get-pip.py", False, "get-pip.py"),
    ("perl - App::cpanminus", True, None), ("source /tmp/env.sh", False, "/tmp/env.sh"),
])
def test_where_an_interpreter_reads_its_script(script: str, stdin: bool, word: str | None) -> None:
    run = script_of(one(script, script.split()[0]))
    assert run is not None and run.stdin is stdin
    assert (run.word.text if run.word is not None else None) == word


def test_python_module_and_inline_code_do_not_read_standard_input() -> None:
    assert script_of(one("python3 -m json.tool", "python3")) is None
    run = script_of(one("python3 -c 'import sys'", "python3"))
    assert run is not None and not run.stdin and run.inline
    assert runs_file(one("./install.sh --yes", "install.sh")) is not None
    assert runs_file(one("./server --yes", "server")) is None


@pytest.mark.parametrize(("line", "principals", "nopasswd_all"), [
    ("dev ALL=(ALL) NOPASSWD: ALL", ["dev"], True),
    ("%sudo   ALL=(ALL:ALL) NOPASSWD:ALL", ["%sudo"], True),
    ("dev ALL = NOPASSWD: ALL", ["dev"], True),  # no runas list: root
    ("dev, ops ALL=(root) NOPASSWD: /usr/bin/apt-get, PASSWD: ALL", ["dev", "ops"], False),
    ("dev ALL=(ALL) NOPASSWD: /bin/ls, ALL", ["dev"], True),  # the tag holds for later commands
    ("dev ALL=(postgres) NOPASSWD: ALL", ["dev"], False),
    ("dev ALL=(:docker) NOPASSWD: ALL", ["dev"], False),  # group only: runs as dev
    ("dev ALL=(ALL) ALL", ["dev"], False),
])
def test_sudoers_user_rules(line: str, principals: list[str], nopasswd_all: bool) -> None:
    rule = _user_rule(line)
    assert rule is not None and rule[0] == principals and rule[1] is nopasswd_all


def _workload(text: str):
    return parse("Dockerfile", text, "dockerfile").workloads[0]


def test_defaults_not_authenticate_makes_the_stock_group_rule_passwordless() -> None:
    w = _workload("FROM ubuntu:22.04\nRUN useradd -m -G sudo dev \\\n"
                  " && echo 'Defaults:dev !authenticate' > /etc/sudoers.d/nopw\nUSER dev\n")
    found = grants(w)
    who = identity(w)
    assert who is not None and "sudo" in who.groups
    assert [(g.principal, g.line.loc) for g in found if g.applies(who)] == [("%sudo", Loc(3, 5))]


def test_replacing_the_main_file_without_includedir_hides_the_drop_ins() -> None:
    w = _workload("FROM ubuntu:22.04\nRUN useradd -m dev && echo 'dev ALL=(ALL) NOPASSWD: ALL' > /etc/sudoers.d/dev"
                  " && echo 'root ALL=(ALL:ALL) ALL' > /etc/sudoers\nUSER dev\n")
    assert grants(w) == []


def test_uid_user_matches_the_name_useradd_gave_it() -> None:
    w = _workload("FROM ubuntu:22.04\nRUN useradd --uid 1234 -m ml"
                  " && echo 'ml ALL=(ALL) NOPASSWD: ALL' >> /etc/sudoers\nUSER 1234:1234\n")
    who = identity(w)
    assert who is not None and who.matches("ml") and who.matches("#1234") and who.matches("%ml")
