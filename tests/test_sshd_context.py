"""GLM006 on a repository's sshd drop-in: `UsePAM` comes from the main file beside it, as sshd reads them."""
from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers import found, lint

DROP_IN = "# PAM prompts for the password\nKbdInteractiveAuthentication yes\n"
MAIN = "Include /etc/ssh/sshd_config.d/*.conf\nKbdInteractiveAuthentication no\nUsePAM {pam}\n"


@pytest.mark.parametrize(("pam", "reported"), [("yes", True), ("no", False)])
def test_a_drop_in_takes_use_pam_from_the_main_file_beside_it(tmp_path: Path, pam: str, reported: bool) -> None:
    # the drop-in's `yes` is read first (the Include is at the top); the main file's `no` after it is not used
    report = lint(tmp_path, {"sshd_config": MAIN.format(pam=pam), "sshd_config.d/50-kbd.conf": DROP_IN}, ["GLM006"])
    assert found(report) == ([("sshd_config.d/50-kbd.conf", "GLM006", 2)] if reported else [])


def test_an_earlier_drop_in_sets_use_pam_for_a_later_one(tmp_path: Path) -> None:
    files = {"sshd_config": MAIN.format(pam="no"), "sshd_config.d/10-pam.conf": "UsePAM yes\n",
             "sshd_config.d/50-kbd.conf": DROP_IN}
    assert found(lint(tmp_path, files, ["GLM006"])) == [("sshd_config.d/50-kbd.conf", "GLM006", 2)]


def test_a_drop_in_alone_is_not_guessed_to_have_pam(tmp_path: Path) -> None:
    # no main file: the distribution (Debian's `UsePAM yes`, upstream's `no`) is not known
    assert found(lint(tmp_path, {"sshd_config.d/50-kbd.conf": DROP_IN}, ["GLM006"])) == []


LOOPBACK_MATCH = """\
FROM ubuntu:22.04
RUN apt-get update && apt-get install -y openssh-server && mkdir /run/sshd \\
 && echo 'root:changeme' | chpasswd \\
 && printf 'PasswordAuthentication no\\nMatch Address 127.0.0.1,::1\\n    PasswordAuthentication yes\\n' \\
    > /etc/ssh/sshd_config.d/tunnel.conf
CMD /usr/sbin/sshd && {start}
"""


@pytest.mark.parametrize(("start", "reported"), [
    ("ngrok tcp 22", True),
    ("autossh -M 0 -N -R 2222:localhost:22 relay@bastion.example.com", True),
    ("ssh -N -R 2222:localhost:22 relay@bastion.example.com", True),
    ("socat TCP-LISTEN:2222,fork,reuseaddr TCP:127.0.0.1:22", True),
    ("frpc -c /etc/frp/frpc.toml", True),
    ("ngrok http 8080", False),
    ("ssh -N -L 8080:localhost:80 relay@bastion.example.com", False),
    ("python serve.py", False),
])
def test_a_forwarder_in_the_start_makes_a_loopback_match_remote(tmp_path: Path, start: str, reported: bool) -> None:
    report = lint(tmp_path, {"Dockerfile": LOOPBACK_MATCH.format(start=start)}, ["GLM006"])
    assert bool(found(report)) is reported
