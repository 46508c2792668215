r"""sshd accepts password logins.

## What it does
Flags a workload whose sshd accepts passwords: `PasswordAuthentication yes` or
`PermitEmptyPasswords yes` written to `sshd_config` (by `echo`, `sed -i`, a
heredoc, `COPY <<EOF`) or passed as `sshd -o ...`, or openssh-server installed
with a user's password set (`chpasswd`, `passwd`, `usermod -p`) and password
authentication never turned off: OpenSSH's default is `yes`. The value is
resolved as sshd does: the first one it reads wins, `-o` options and
`sshd_config.d/*.conf` before the main file. A compose service built from a
scanned Dockerfile inherits its image's sshd setup: a password the image sets
is reported once, in the Dockerfile; an `-o` the service's `command:` adds is
the service's own finding. Also flags a repository
`sshd_config` file that turns either option on, read with the `sshd_config.d/`
beside it as sshd reads them (sshd_config(5)): its `Include` reads the drop-ins
where it stands, in lexical order, and the first value obtained for a keyword
wins. Cloud-init's `50-cloud-init.conf` with `PasswordAuthentication yes` is
reported unless an earlier drop-in (`00-hardening.conf`) or the main file before
its `Include` sets the keyword; a main-file line after the `Include` counts only
when no drop-in sets it. A `sshd_config.d/` with no main file beside it is read
as the stock `Include /etc/ssh/sshd_config.d/*.conf` (first in Debian's,
Ubuntu's and Fedora's `sshd_config`) reads it. A Dockerfile's `COPY` of a
build-context file to `/etc/ssh/sshd_config` or `sshd_config.d/` is read from
disk: its `PasswordAuthentication no` turns password login off, its `yes` is
reported at the `COPY` (without a fix: the line is changed in that file).

`sshd -f FILE` reads that file instead of `/etc/ssh/sshd_config` (sshd(8)), as
Kubeflow's MPI and DeepSpeed runtimes start it (`sshd -De -f /home/mpiuser/.sshd_config`):
the distribution's stock lines and the drop-ins (unless the file `Include`s them)
do not apply, the lines the build writes to FILE do (`PasswordAuthentication no`
there turns password login off; without its own `UsePAM yes`, PAM is off), and a
file the scan does not see leaves OpenSSH's defaults.

The configuration a build writes or copies counts only where an sshd can read it:
an image that installs no OpenSSH server (`openssh-server`, Debian's `ssh`
metapackage) and whose start the scan sees to the end runs no sshd, and is not
reported there; the repository's `sshd_config` is still reported on its own. The
start is seen to the end when the image sets its own `ENTRYPOINT` (a Kubernetes
`command:`, a compose `entrypoint:`), or its `CMD` runs on a base image known to
set none (the image catalog's `entrypoint`: ubuntu, debian, python,
pytorch/pytorch), and every program it runs is known not to start services
(python, jupyter, uvicorn, gunicorn, node, ...; wrappers such as `tini`,
`gosu`, `exec`; a shell running a script the scan read). A service manager
(`supervisord`, `service ssh start`, s6, runit, systemd, phusion/baseimage's
`my_init`), a script the scan could not read, an unknown program, or a `CMD` that
is arguments to the base image's own entrypoint (`atmoz/sftp`) may start sshd: the
image is reported. A compose service or pod that starts sshd from such an image is
reported there, pointing at the image's line.

Keyboard-interactive authentication with PAM on asks for the account's password
through the PAM stack (sshd_config(5) `UsePAM`), so `KbdInteractiveAuthentication
yes` (or its old name `ChallengeResponseAuthentication yes`) is reported when
PAM is on: Debian's and Ubuntu's stock `sshd_config` sets `UsePAM yes` (and
`KbdInteractiveAuthentication no`), Alpine's sshd is built without PAM, and a
repository `sshd_config` counts when it says `UsePAM yes` itself (sshd's default
is `no`); a repository drop-in (`sshd_config.d/x.conf`) when it, or the main
file beside it that `Include`s it, or another drop-in says so. A drop-in with
no main file beside it is not reported for this: which distribution's main file
reads it is not known. The stock file's uncommented lines are sshd's lines too:
Ubuntu 22.04/24.04 and Debian 12 put their `Include /etc/ssh/sshd_config.d/*.conf`
at the top and `KbdInteractiveAuthentication no` below it, so a drop-in's `yes`
wins, and a `yes` appended to the main file (`echo ... >> /etc/ssh/sshd_config`)
comes after the stock `no` and is not used. A build that writes or copies the
whole main file replaces those lines: without its own `UsePAM yes`, PAM is off.

`AuthenticationMethods` decides whether a password alone logs in: when each of
its lists holds a method that takes no password (`publickey,keyboard-interactive`
for a TOTP after the key, `publickey,password`), the password is a second
factor and nothing is reported. A `Match` block's own `AuthenticationMethods`
holds for its connections. Where a fix's `no` would leave an
`AuthenticationMethods` with no list it can satisfy (every list names the
method), sshd would refuse to start: the finding has no fix.

A `Match` block that applies only to connections from the host itself
(`Match Address 127.0.0.1,::1`, `LocalAddress 127.0.0.1`) is no remote login and
is not reported (an `Include` inside it reads its files as part of the block, and the
lines after that `Include` stay in it: sshd_config(5) `Include`), unless the workload's start runs a forwarder that hands sshd
other hosts' connections from 127.0.0.1: `cloudflared` with an `ssh://` or
`tcp://` origin URL, `ngrok tcp`, a reverse tunnel (`ssh -R`, `autossh -R`),
`socat TCP-LISTEN:...`, or frp's `frpc`, when it forwards to sshd's port (22, or
its `Port`/`-p`; a forwarder to another port, `socat ... TCP:127.0.0.1:8265`,
brings sshd nothing). In Kubernetes the forwarder may run in
another container of the pod (a sidecar, or an init container with `restartPolicy:
Always`): the pod's containers share one network namespace, so its connections
reach sshd from 127.0.0.1 too; a sidecar that sets only `args:` runs them as its
image's entrypoint's arguments where the image catalog knows it (`cloudflare/cloudflared`).
An init container that runs to completion before sshd starts forwards nothing. In
compose the same holds for a service that joins sshd's network namespace
(`network_mode: service:devbox`, the `cloudflare/cloudflared` image's `command:
tunnel --url ssh://localhost:22`); a tunnel in its own container that dials
`devbox:22` comes from that container's address.

The base image decides the stock files (the image catalog's `sshd_config`): on
Rocky, Alma, CentOS Stream and RHEL 9 (UBI 9), Fedora, Amazon Linux 2023 and `nvidia/cuda:…-rockylinux9`
the package's own drop-in `50-redhat.conf` says `ChallengeResponseAuthentication
no` and `UsePAM yes`, and drop-ins are read in lexical order, so a `99-kbd.conf`
that turns keyboard-interactive on comes too late while a `10-kbd.conf` wins; a
build that deletes `50-redhat.conf` leaves PAM off. CentOS 7, RHEL/Rocky/Alma 8
(UBI 8) and `nvidia/cuda:…-centos7` ship a main file that sets `PasswordAuthentication
yes` itself and reads no drop-in: a `no` appended to it or written to
`sshd_config.d/` is never used, and a password the build sets logs in. Alpine 3.16
and older install upstream's `sshd_config`, which has no `Include` either: a drop-in
written there is never read (Alpine 3.20 and later put the `Include` near the top).

The build's steps are replayed on those files in the order it runs them (as
GLM019 replays sudo's): `sed -i '/^PasswordAuthentication/d'` and `grep -v ... >
tmp && mv tmp sshd_config` delete the stock line, `rm -rf /etc/ssh/sshd_config.d/*`
removes the package's drop-ins, `cp`/`mv`/`cat ... >` move text between files.
sshd reads the drop-ins only where the main file's `Include` line stands
(sshd_config(5) `Include`): a main file the build writes or copies without one
reads none, whatever the distribution.

Lines are read as the shell writes them: on Debian and Ubuntu images `/bin/sh`
is dash, whose `echo` takes no `-e`, so `sh -c 'echo -e "PasswordAuthentication
yes" >> /etc/ssh/sshd_config'` writes `-e PasswordAuthentication yes` (bash's and
BusyBox's `echo` write `PasswordAuthentication yes`). sshd refuses to start when
a line the build writes to its configuration begins with a word that is no
keyword: nothing listens then, and nothing is reported.

## Why is this bad?
Password login makes the container a brute-force target, and the passwords
baked into images (`root:root`, `mpiuser:mpiuser`) are public as soon as the
image is. MPI and remote-development images need keys, not passwords.

## Example
```dockerfile
FROM ubuntu:24.04
RUN apt-get update && apt-get install -y openssh-server \
 && echo 'root:root' | chpasswd
CMD ["/usr/sbin/sshd", "-D"]
```
Use instead:
```dockerfile
FROM ubuntu:24.04
RUN apt-get update && apt-get install -y openssh-server \
 && sed -i 's/^#\?PasswordAuthentication .*/PasswordAuthentication no/' /etc/ssh/sshd_config
COPY authorized_keys /root/.ssh/authorized_keys
CMD ["/usr/sbin/sshd", "-D"]
```

## Fix safety
Safe: key-based logins keep working; only password logins stop. No fix is
offered where `AuthenticationMethods` needs the method turned off.
"""
from __future__ import annotations

from collections.abc import Iterator

from glmlint.ir import Directive, Format, Setting, SourceFile, Workload
from glmlint.openssh import (EMPTY_PASSWORDS, KBD_INTERACTIVE, PASSWORD_AUTH, STOCK, USE_PAM, Sshd, alone,
                             analyse, explicit, first_values, needed)
from glmlint.rule import Finding, FixSafety, Kind, Risk, SetDirective, Severity, rule, set_value

_NAMES = {PASSWORD_AUTH: "PasswordAuthentication", EMPTY_PASSWORDS: "PermitEmptyPasswords"}


@rule(code="GLM006", slug="ssh-password-auth", severity=Severity.ERROR,
      message="{name} runs sshd with password authentication",
      formats={Format.DOCKERFILE, Format.COMPOSE, Format.KUBERNETES, Format.SSHD_CONFIG},
      fix=FixSafety.SAFE, tags=("security", "cwe-309"),
      kind=Kind.EXPOSURE, risk=Risk.HIGH, services=lambda s: s.id == "sshd")
def check(workload: Workload) -> Iterator[Finding]:
    sshd = analyse(workload)
    if sshd.rejected is not None:
        return  # sshd refuses to start with a line it cannot read: nothing listens
    if sshd.absent:
        return  # no sshd in the image, and its start runs none: the configuration is never read
    name = workload.label
    for key in (PASSWORD_AUTH, EMPTY_PASSWORDS):
        d = explicit(*sshd.password_alone(key))
        if d is not None:
            yield _line(sshd, d, key, name, f"`{_NAMES[key]} {d.value}`")
            return
    d = sshd.pam_prompt()
    if d is not None:
        yield _line(sshd, d, KBD_INTERACTIVE, name, f"`{d.keyword} {d.value}` and PAM on, which asks for the password")
        return
    on, where = sshd.password_alone(PASSWORD_AUTH)
    if sshd.installed and sshd.password_set and on:
        yield Finding(at=sshd.password_set, args={"name": name},
                      message=f"{name} sets a password for an sshd that allows password login "
                              + ("(the base image's stock `PasswordAuthentication yes`, read before lines "
                                 "appended to `sshd_config`)" if where is not None and where.loc == STOCK
                                 else "(OpenSSH's default `PasswordAuthentication yes`)"),
                      # the fix edits the main file: no use where sshd reads another (`-f`)
                      fix=None if sshd.fix_breaks(PASSWORD_AUTH) or sshd.config is not None else
                      set_value(Setting(None, sshd.password_set, explicit=False), "sshd.PasswordAuthentication", "no",
                                title="Turn off `PasswordAuthentication`"))


def _line(sshd: Sshd, d: Directive, key: str, name: str, said: str) -> Finding:
    """The finding that `name` runs sshd with the line `d` (`said`) that turns `key` on: a line in a
    build-context file the Dockerfile copies is changed there, not here (no fix, the file named)."""
    copied = sshd.copied.get(d.loc)
    where = f" (from `{copied}`, copied here)" if copied is not None else ""
    return Finding(at=d.loc, args={"name": name}, message=f"{name} runs sshd with {said}{where}",
                   fix=_set_no(d, key) if copied is None and not sshd.fix_breaks(key) else None)


@check.on_file
def check_config(source: SourceFile) -> Iterator[Finding]:
    found, blocks = first_values([source.directives])
    # keyboard-interactive through PAM asks for the password: counted when the file, or for a drop-in the
    # main file beside it, turns PAM on (a main file without `UsePAM` gets sshd's `no`; `UsePAM` is global only)
    pam = _yes(found.get(USE_PAM))
    for key in (PASSWORD_AUTH, EMPTY_PASSWORDS, *((KBD_INTERACTIVE,) if pam else ())):
        d = explicit(*alone(found, blocks, key, _yes(found.get(key))))
        if d is not None:
            why = " with `UsePAM yes`, which asks for the password" if key == KBD_INTERACTIVE else ""
            yield Finding(at=d.loc, message=f"`{source.path}` sets `{_NAMES.get(key, d.keyword)} {d.value}`{why}",
                          fix=None if needed(found, blocks, key) else _set_no(d, key))


def _yes(d: Directive | None) -> bool:
    return d is not None and d.value.lower() == "yes"


def _set_no(d: Directive, key: str) -> SetDirective:
    # the keyword as written: `ChallengeResponseAuthentication` is KbdInteractiveAuthentication's old name
    name = _NAMES.get(key, d.keyword)
    return SetDirective(d.loc, name, d.value, "no", title=f"Set `{name} no`")
