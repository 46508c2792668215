"""The non-root user can become root with sudo and no password.

## What it does
Flags an image whose build gives its runtime user passwordless sudo for every
command: a sudoers rule `… NOPASSWD: ALL` (as root, or as `ALL`) for that
user (by name, or through a `User_Alias` that lists it), for `ALL`, or for a group it is in (`%sudo`, `%wheel`, a group given by
`useradd -G`, `usermod -aG`, `adduser user group`, `gpasswd -a`, or the group
of its own name that `useradd` creates). The rule is read where a build step
writes it: `echo … >> /etc/sudoers`, `… | tee /etc/sudoers.d/user`, a heredoc,
`… | EDITOR='tee -a' visudo` (visudo installs what its editor writes; `-f FILE` for
another file, `tee` without `-a` replaces it; `visudo -c` only checks; the editor
is `SUDO_EDITOR`, `VISUAL` or `EDITOR` of its environment: its prefix, what the
step exported before it, `export EDITOR='tee -a'`, the stage's `ENV`/`ARG`, or a
prefix of the `sh -c` whose script runs it; `sudo visudo` starts with sudo's reset
environment, which keeps none of these: there only `sudo EDITOR='tee -a' visudo`,
`sudo -E` and `--preserve-env=EDITOR` give it the editor),
`sed -i` on the stock `/etc/sudoers` (uncommenting Fedora's
`# %wheel ALL=(ALL) NOPASSWD: ALL`), `COPY <<EOF`, or a `COPY` of a
sudoers file from the build context that the scan can read beside the
Dockerfile (or one a `RUN --mount=type=bind` shows the step that installs it). A script a build step runs (`COPY setup.sh /tmp/` then `RUN bash
/tmp/setup.sh`, `RUN ./install.sh`, one a `COPY <<EOF` wrote, one a `RUN
--mount=type=bind,source=setup.sh,target=/tmp/setup.sh` shows the step) is read as the
build runs it, with the environment the step gives it, when the scan can read it
beside the Dockerfile; its finding is placed at the command that runs it and names the
script's line. `Defaults !authenticate` makes every rule of its users
passwordless and counts too, and so does a password a build step deleted
(`passwd -d dev`, `usermod -p '' dev`) for a user whom a rule lets run
everything with a password (the stock `%sudo ALL=(ALL:ALL) ALL` once `dev`
is in `sudo`): the PAM stacks of Debian, Ubuntu, Fedora and RHEL give
pam_unix `nullok`, which lets a user with an empty password in without
asking, in an image whose build installs sudo or writes its rules (a later
`chpasswd`, `usermod -p HASH`, a lock `passwd -l`/`usermod -L` or an expiry
`passwd -e`/`chage -d 0` undoes it). The finding points at the instruction or
command that writes the rule. Names are read as the build's shell reads
them, with the base image's own `ENV` and accounts from the [image
catalog](../images.md) (in a Jupyter Docker Stacks image, `USER ${NB_UID}`
is `jovyan`). A numeric `USER 1000` is the user a build step created with
that uid: `useradd -u 1000 dev`, or a `useradd dev` without `-u`, which
takes the next free uid of the regular range when the image catalog knows
the base image's accounts (1000 on Debian, python or Ubuntu 22.04; 1001 on
Ubuntu 24.04, whose own user `ubuntu` is 1000, unless `userdel ubuntu` ran
first, or on node, whose `node` is 1000); on another base image that uid is
not known and `USER 1000` is not taken for that user. Options are read as the tools read
them: `useradd -G sudo -ms /bin/bash dev`, `sed -i /etc/sudoers -re …`.

A base image whose own build gives its user such a rule is known from the
[image catalog](../images.md) (Ray's images: `ray ALL=NOPASSWD: ALL`;
code-server's: `coder ALL=(ALL) NOPASSWD:ALL`): a Dockerfile built `FROM` one
that runs as that user (its own default, or `USER ray`) is reported at the
`FROM`, unless a build step deletes the line (`sed -i '/^ray ALL/d'
/etc/sudoers`, as sudo's files are replayed), removes the file that holds it
(`rm -f /etc/sudoers.d/nopasswd`; replayed in build order with the writes: a
file written after its `rm` stays) or removes sudo.

Sudo's files are replayed as the build's commands change them, whoever
wrote the rule, in the order the build runs them (a script's commands where
the `RUN` that runs it is; `rm` or `unlink` of a file takes its rules away, its path read as the shell
hands it over: relative to the `WORKDIR` and a `cd` before it, `${SUDOERS_FILE}` from the `ARG`'s default; so
does `find /etc/sudoers.d -name '90-*' -delete` or `-exec rm -f {} +`): a `sed` substitution limited by an address (`sed -i
'/NOPASSWD/ s/^/# /'` comments the rule out), an address with its own
delimiter (`sed -i '\\|^dev ALL|d'`), a `grep -v PATTERN FILE > COPY` put back
with `cp`/`mv`/`cat COPY > FILE`, and a rule written elsewhere and moved in
(`install -m 0440 /tmp/dev /etc/sudoers.d/dev`, `mv /tmp/dev
/etc/sudoers.d/`). A file another program writes (`envsubst < t > f`) holds
no rule glmlint can read. A build whose last word on sudo removes it (`apt-get
purge -y sudo`, `dpkg -P sudo`, `rm -f /usr/bin/sudo`; a later install
brings it back) grants nothing.

A compose service built from a scanned Dockerfile is judged as Compose runs
it when that differs from the Dockerfile's last stage: with `build.target`
(`docker build --target`, that stage's user and sudoers files) or with its
own `user:`. The finding is on the service and names the Dockerfile line;
a service that runs the last stage's user is the Dockerfile's finding. A
`docker run` line builds no image and is never reported.

A shell, `su`, `env` or `sudo` named with no arguments
(`NOPASSWD: /bin/bash`) is every command: sudo lets a command named without
arguments take any, and `sudo bash -c CMD` runs CMD as root.

Not reported: a rule limited to named commands
(`NOPASSWD: /usr/bin/apt-get update`, `/bin/bash /opt/start.sh`), a rule that asks for a password
(`dev ALL=(ALL) ALL`), one that runs commands as another non-root user
(`(postgres) NOPASSWD: ALL`), a drop-in file sudo never reads (its name
contains a `.` or ends in `~`), and an image whose runtime user is root:
that is GLM001. So is the Jupyter Docker Stacks' `GRANT_SUDO=yes`: the
image's start script writes `jovyan ALL=(ALL) NOPASSWD:ALL` only when the
container starts as root (`user: root`, `runAsUser: 0`), which GLM001
reports; no build step gives the grant.

## Why is this bad?
`USER dev` is the promise that a compromised process in the container is
not root. With `dev ALL=(ALL) NOPASSWD: ALL` any code running as `dev` (a
notebook cell, a dependency's install script, an exploited model server)
runs `sudo` and is root again, with every capability the container has:
the non-root user is cosmetic, and scanners that only check `USER` are
fooled.

## Example
```dockerfile
FROM nvidia/cuda:12.4.1-runtime-ubuntu22.04
RUN apt-get update && apt-get install -y --no-install-recommends sudo python3-pip \
 && useradd --create-home --uid 1000 dev \
 && echo "dev ALL=(ALL) NOPASSWD: ALL" > /etc/sudoers.d/dev
USER dev
CMD ["python3", "-m", "http.server"]
```
Use instead:
```dockerfile
FROM nvidia/cuda:12.4.1-runtime-ubuntu22.04
RUN apt-get update && apt-get install -y --no-install-recommends python3-pip \
 && useradd --create-home --uid 1000 dev
USER dev
CMD ["python3", "-m", "http.server"]
```
Install what the user needs at build time, as root, before `USER`. If a
running container really needs one privileged action, allow exactly that
command (`dev ALL=(root) NOPASSWD: /usr/sbin/service ssh start`), and use
a development image, not the production one, for interactive sudo.
"""
from __future__ import annotations

from collections.abc import Iterator

from glmlint.ir import Format, Workload
from glmlint.rule import Finding, Kind, Risk, Severity, rule
from glmlint.sudoers import grants, identity


@rule(kind=Kind.MISCONFIGURATION, risk=Risk.HIGH, code="GLM019", slug="passwordless-sudo", severity=Severity.ERROR,
      message="{name} gives its runtime user `{user}` passwordless sudo for every command",
      formats={Format.DOCKERFILE, Format.COMPOSE}, tags=("security", "cwe-250"))
def check(workload: Workload) -> Iterator[Finding]:
    if workload.format is Format.COMPOSE and (
            workload.build is None or not (workload.build.target or workload.user.explicit)):
        return  # the image's last stage as built, with its own user: the Dockerfile's finding
    found = grants(workload)
    if not found:
        return  # (no grant: who the user is need not be worked out)
    who = identity(workload)
    if who is None:
        return
    user = workload.user.value.raw if workload.user.value is not None else ""
    seen = set()
    for grant in found:
        if not grant.applies(who):
            continue
        line = grant.line
        assert line.loc is not None
        key = (line.loc, grant.principal)
        if key in seen:
            continue
        seen.add(key)
        via = "" if grant.principal.lstrip("#") in who.names | who.uids else \
            (" as every user does" if grant.principal == "ALL" else f" through group `{grant.principal[1:]}`")
        where = f"`{grant.file}`" + (f", copied from `{line.source}`" if line.source else "")
        if line.base:
            where += f" of the base image `{line.base}`, whose own build wrote it"
        if grant.blanked:
            where += f", and `{grant.blanked}` left its password empty, which sudo's PAM (`nullok`) accepts unasked"
        yield Finding(at=line.loc, args={"name": workload.label, "user": user},
                      message=f"{workload.label} gives its runtime user `{user}` passwordless sudo for every "
                              f"command{via} (`{grant.text}` in {where}): any code running as "
                              f"`{user}` can become root")
