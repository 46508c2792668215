"""Jupyter and OpenSSH behaviour as the IR helpers model it."""
from __future__ import annotations

import pytest

from glmlint.jupyter import launches
from glmlint.openssh import analyse, explicit
from tests.helpers import one, workloads


@pytest.mark.parametrize("cmd,open_,disabled", [
    ('["jupyter", "lab", "--ip=0.0.0.0"]', True, False),  # default: random token
    ('["jupyter", "lab", "--ip=0.0.0.0", "--ServerApp.token="]', True, True),
    ('["jupyter", "notebook", "--ip", "*", "--NotebookApp.token=\'\'"]', True, True),
    ('["jupyter", "lab", "--IdentityProvider.token", ""]', False, True),  # localhost by default
    ('["jupyter", "lab", "--ip=::", "--ServerApp.token=", "--ServerApp.password=sha1:abc"]', True, False),
    ('["python", "-m", "jupyterlab", "--ip=0.0.0.0", "--ServerApp.token=\\"\\""]', True, True),
    ('["jupyter", "lab", "--ip=0.0.0.0", "--ServerApp.token=", "--ServerApp.token=abc"]', True, False),
])
def test_jupyter_cli(cmd, open_, disabled):
    (launch,) = launches(one(f"FROM python\nCMD {cmd}\n"))
    assert launch.listens_on_all_interfaces is open_
    assert launch.auth_disabled is disabled


def test_jupyter_config_file_env_and_stacks_image():
    w = one("""\
        FROM quay.io/jupyter/pytorch-notebook
        RUN echo "c.ServerApp.token = ''" >> /home/jovyan/.jupyter/jupyter_server_config.py
        """)
    (launch,) = launches(w)  # implied by the image's own start command
    assert launch.listens_on_all_interfaces and launch.auth_disabled
    w = one("FROM python\nENV JUPYTER_TOKEN=\nCMD jupyter lab --ip 0.0.0.0\n")
    assert not launches(w)[0].auth_disabled  # an empty JUPYTER_TOKEN leaves the random token
    w = one("FROM python\nENV JUPYTER_TOKEN=s3cret\nCMD jupyter lab --ip 0.0.0.0 --ServerApp.token=''\n")
    assert launches(w)[0].auth_disabled  # the command line wins over the environment


def sshd(text: str):
    return analyse(one(text))


def test_sshd_default_is_password_yes_and_first_value_wins():
    s = sshd("FROM ubuntu\nRUN apt-get install -y openssh-server && echo root:x | chpasswd\n")
    assert s.installed and s.password_set and s.enabled("passwordauthentication", default=True)
    s = sshd("""\
        FROM ubuntu
        RUN echo 'PasswordAuthentication yes' >> /etc/ssh/sshd_config \\
         && echo 'PasswordAuthentication no' >> /etc/ssh/sshd_config
        """)
    assert explicit(*s.password_alone("passwordauthentication")) is not None  # sshd keeps the first value
    s = sshd("""\
        FROM ubuntu
        RUN echo 'PasswordAuthentication yes' >> /etc/ssh/sshd_config \\
         && echo 'PasswordAuthentication no' > /etc/ssh/sshd_config.d/00-no.conf
        """)
    assert not s.enabled("passwordauthentication", default=True)  # drop-ins are read first


def test_sshd_command_line_options_and_match_blocks():
    (w,) = workloads("""\
        services:
          ssh:
            image: x
            command: ["/usr/sbin/sshd", "-D", "-o", "PasswordAuthentication=no"]
        """, "compose", "compose.yaml")
    assert not analyse(w).enabled("passwordauthentication", default=True)
    s = sshd("""\
        FROM ubuntu
        RUN printf 'PasswordAuthentication no\\nMatch User mpi\\n  PasswordAuthentication yes\\n' > /etc/ssh/sshd_config
        """)
    assert explicit(*s.password_alone("passwordauthentication")) is not None


@pytest.mark.parametrize("install", ["apt-get install -y --no-install-recommends openssh-server",
                                     "apk add --no-cache openssh-server-pam", "yum -y install openssh-server",
                                     "apt-get install -y openssh-server=1:8.9p1-3ubuntu0.10"])
def test_sshd_install_forms(install):
    s = sshd(f"FROM x\nRUN {install} && echo 'mpiuser:mpiuser' | chpasswd\n")
    assert s.installed is not None and s.password_set is not None


def test_client_only_and_locking_passwords_do_not_count():
    s = sshd("FROM x\nRUN apt-get install -y openssh-client && passwd -l root\n")
    assert s.installed is None and s.password_set is None


@pytest.mark.parametrize(("criteria", "local"), [
    ("Address 127.0.0.1", True), ("Address=127.0.0.1,::1", True), ("User ml Address 127.0.0.0/8", True),
    ("LocalAddress 127.0.0.1", True), ("Address 127.*", True), ("Address !10.0.0.1,127.0.0.1", True),
    ("Address 10.0.0.0/8", False), ("Address 127.0.0.1,10.0.0.0/8", False), ("Address *,!127.0.0.1", False),
    ("User ml", False), ("all", False), ("Address 0.0.0.0/0", False), ("Host localhost", False),
])
def test_match_local_only(criteria: str, local: bool) -> None:
    # sshd applies a Match line when every criterion matches; an address list entry is a CIDR network
    # or a wildcard pattern, `!` ones excluding (openssh-portable 0ef0f5a83 servconf.c, addrmatch.c)
    from glmlint.openssh import local_only

    assert local_only(criteria) is local


@pytest.mark.parametrize("forwarder,port,tunnel", [
    ("cloudflared tunnel --url ssh://localhost:22", "22", True),
    ("cloudflared tunnel --url ssh://localhost", "22", True),  # ssh:// without a port is 22
    ("cloudflared tunnel --url=tcp://localhost:2222", "22", False),
    ("cloudflared tunnel --url tcp://localhost", "2222", True),  # no port: not known, counted
    ("ngrok tcp 22", "22", True),
    ("ngrok tcp localhost:8888", "22", False),
    ("ssh -fNR 2222:localhost:22 relay@example.com", "22", True),
    ("autossh -M 0 -R 0.0.0.0:8080:127.0.0.1:8080 relay@example.com", "22", False),
    ("socat TCP-LISTEN:2222,fork TCP:127.0.0.1:2200", "2200", True),
    ("socat TCP-LISTEN:9090,fork TCP:127.0.0.1:8265", "22", False),
])
def test_forwarder_reaches_sshd_port(forwarder: str, port: str, tunnel: bool) -> None:
    # sshd on `port` with passwords on for loopback clients only: a forwarder to that port makes it remote
    w = one(f"""\
        FROM ubuntu:22.04
        RUN apt-get update && apt-get install -y openssh-server \\
         && printf 'Port {port}\\nPasswordAuthentication no\\nMatch Address 127.0.0.1\\n  PasswordAuthentication yes\\n' > /etc/ssh/sshd_config.d/t.conf
        CMD /usr/sbin/sshd && {forwarder}
        """)
    assert analyse(w).password_alone("passwordauthentication")[0] is tunnel
