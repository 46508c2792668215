"""Container keeps the default Linux capabilities.

## What it does
Flags a compose service without `cap_drop: [ALL]`, a `docker run` without
`--cap-drop ALL` and a Kubernetes container
without `securityContext.capabilities.drop: [ALL]`. Dropping a few named
capabilities is not enough: the rule asks for `ALL`, with what the process
really needs added back.

A container of a Windows pod (`spec.os.name: windows`) is not reported: `capabilities`
is Linux's, and the API server refuses the field in a Windows pod, so no fix
writes it there either.

## Why is this bad?
Docker and containerd grant every container a default set (`CHOWN`,
`DAC_OVERRIDE`, `FOWNER`, `NET_RAW`, `SETUID`, `SETGID`, `SYS_CHROOT`, ...). A
compromised process uses them to forge packets, read files it does not own or
change identity. An inference server or training job needs none of them.

## Example
```yaml
services:
  inference:
    image: ghcr.io/example/llm-server:1.4
```
Use instead:
```yaml
services:
  inference:
    image: ghcr.io/example/llm-server:1.4
    cap_drop: [ALL]
```

## Fix safety
Adds `ALL` to the drop list (`cap_drop: [ALL]`, or `capabilities: {drop:
[ALL]}` merged into the container's `securityContext`), keeping any
`cap_add`/`add:` the workload already declares.

Safe when the workload is known to run as a non-root user: such a process
holds no capabilities to lose. Two things it runs still need the bounding
set that `ALL` empties, and the fix accounts for them. A program the image's
build gives file capabilities (`setcap cap_net_bind_service=+ep
/usr/sbin/sshd`, to bind port 22 as a non-root user) no longer starts: the
kernel refuses to exec it when it cannot get all of them (capabilities(7),
"safety checking for capability-dumb binaries"), so the fix adds those back
with `cap_add` (only those the container holds now, from the runtime's
default set or its own `cap_add`: a program given `cap_ipc_lock` does not start
today either, and adding it would widen the container; no fix when one is a
capability GLM008 flags). A start
command that runs `sudo`, `su` or `doas` as the non-root user needs `SETUID`
and `SETGID` to change user: the fix is then unsafe, and its title says so
(what `setcap` gives is still added back). For an image that may start as
root, those file capabilities are added back beside what the catalog says its
entrypoint needs, or beside the title's warning. Unsafe otherwise: entrypoints that start as
root commonly use `CHOWN`, `SETUID`/`SETGID` (to `chown` a volume, then
`gosu`/`su-exec` to a service user, as the official postgres, redis and
nginx images do) or `NET_BIND_SERVICE`, and would fail until those are added
back with `cap_add`. A container that may run as root and listens on a port below 1024 (a cataloged
service's listener, TGI's image on port 80; a Kubernetes `containerPort`) gets `NET_BIND_SERVICE` added back
in Kubernetes and on the host's network, where the runtime leaves `net.ipv4.ip_unprivileged_port_start` at
1024 (CRI-O and containerd before 2.0; Docker and Podman lower it to 0 only in a network namespace of the
container's own), unless the pod's `sysctls` set that threshold. For an image the catalog knows ([images](../images.md):
nginx, redis, rabbitmq) the fix adds back exactly the capabilities its
entrypoint needs (a compose service built from a scanned Dockerfile runs the
image its final stage builds on: `FROM nginx` is nginx whatever name
`image:` tags the build with); for one that needs a capability GLM008 flags (postgres) no
fix is offered and the finding says why, unless the container starts something else than the server the
image's entrypoint does that root start for (a client pod's `command: ["sleep", "3600"]` on `mysql:8.0`, which
replaces the entrypoint, or a compose `command: sleep infinity`, which the official postgres and mysql entrypoints
only run: `if [ "$1" = 'postgres' ]`); for an unknown image that may start
as root the fix title warns what may break. A workload whose start command runs
`chown` on a mounted path (a volume-permissions init container) gets no fix:
`chown` takes `CAP_CHOWN`, and the finding says so. Nor does a privileged container whose privilege is
its purpose (a device plugin, a node installer that chroots into the node: [images](../images.md)), which
GLM003 leaves privileged: the runtimes give a privileged container every capability and apply no drop list.
No fix is offered for a container that may run as root and starts in a directory its image's build gives
another user and closes to others (`chown -R app:app /app && chmod -R 770 /app`, then `ENTRYPOINT
["/app/entrypoint.sh"]` as root, as OpenHands' image does): root reaches a file it does not own whose mode
gives others nothing only through `DAC_OVERRIDE` (a capability GLM008 flags), so without it the program
cannot even be run; the finding says so.
"""
from __future__ import annotations

from collections.abc import Iterator

import posixpath
import re

from glmlint import lazyre
from glmlint.catalog.images import fact
from glmlint.catalog.purposes import purpose_of
from glmlint.ir import Format, Workload
from glmlint.pss import CAPABILITIES_BASELINE
from glmlint.rule import Finding, FixSafety, Intent, Kind, Risk, Severity, ensure_item, rule


@rule(code="GLM002", slug="missing-cap-drop", severity=Severity.WARNING,
      message="{name} does not drop all capabilities", formats={Format.COMPOSE, Format.KUBERNETES},
      fix=FixSafety.SAFE, fix_unsafe_when="the workload may run as root", tags=("security", "cwe-250"),
      kind=Kind.HARDENING, risk=Risk.LOW, checklist="cap_drop ALL")
def check(workload: Workload) -> Iterator[Finding]:
    if workload.windows:
        return  # Linux capabilities: a Windows pod has none, and the API server refuses the field
    drop = workload.cap_drop
    if any(item.value.strip().upper() in ("ALL", "CAP_ALL") for item in drop.value):
        return
    # a root entrypoint may need CHOWN/SETUID/NET_BIND_SERVICE: safe only for a known non-root process
    safety = FixSafety.SAFE if workload.runs_as_root() is False else FixSafety.UNSAFE
    switch = setuid_switch(workload)
    if switch is not None and safety is FixSafety.SAFE:
        # a non-root user's `sudo service ssh start`: the setuid program changes uid with SETUID/SETGID
        # from the bounding set, which ALL empties ("unable to change to root gid: Operation not permitted")
        fix, note = _fix(workload, FixSafety.SAFE, warn=(
            f"stops the `{switch}` its start command runs as a non-root user: it needs SETUID and SETGID "
            f"to change user"))
        safety = FixSafety.UNSAFE
    else:
        fix, note = _fix(workload, safety)
    if fix is not None and workload.process:
        purpose = purpose_of(workload, "capabilities")
        if purpose is not None:  # `chown` takes CAP_CHOWN (and DAC_OVERRIDE to walk others' directories)
            fix, note = None, purpose.note()
    if fix is not None and workload.privileged.value and (host := purpose_of(workload)) is not None:
        # it stays privileged for its purpose (GLM003 offers no fix): the runtimes give a privileged container
        # every capability and apply no drop list (containerd's CRI WithPrivileged), so `drop: [ALL]` changes
        # nothing there but what a reader believes
        fix, note = None, host.note()
    if drop.explicit:
        # `ALL` is what is absent: point at the owner, as for a missing list (RULES.md)
        names = ", ".join(f"`{i.value}`" for i in drop.value) or "nothing"
        yield Finding(at=workload.anchor, fix=fix, fix_safety=safety, args={"name": workload.label},
                      message=f"{workload.label} drops {names} but not `ALL` capabilities{note}")
    elif workload.missing(drop):
        yield Finding(at=workload.anchor, fix=fix, fix_safety=safety, args={"name": workload.label},
                      message=f"{workload.label} does not drop all capabilities{note}" if note else None)


def low_ports(workload: Workload) -> list[int]:
    """The ports below 1024 the container listens on (a cataloged service's listeners, as its options and
    variables set them; a Kubernetes `containerPort`), where the runtime leaves `net.ipv4.ip_unprivileged_port_start`
    at the kernel's 1024, so that binding one takes NET_BIND_SERVICE in the effective set, which only uid 0
    has: a Kubernetes pod (CRI-O and containerd before 2.0 do not lower it, kubernetes/kubernetes#102612,
    containerd/containerd#9348) and the host's network (Docker and Podman lower it to 0 only in a network
    namespace of the container's own, moby/moby#41030). Empty where the pod's `sysctls` set it."""
    kubernetes = workload.format is Format.KUBERNETES
    if not kubernetes and not workload.host_network.value:
        return []
    if any(i.value.split("=", 1)[0].strip() == "net.ipv4.ip_unprivileged_port_start" for i in workload.sysctls):
        return []
    from glmlint.catalog.services import identify

    ports = {state.port for match in identify(workload) for state in match.listeners()
             if state.port is not None}
    if kubernetes:
        ports |= {int(p.container_port) for p in workload.ports if p.container_port.isdigit()}
    return sorted(p for p in ports if 0 < p < 1024)


# setuid-root programs a non-root start command runs to change user
SETUID_SWITCHES = frozenset({"sudo", "su", "doas"})


def setuid_switch(workload: Workload) -> str | None:
    """The setuid program (`SETUID_SWITCHES`) the workload's start command runs, if any."""
    return next((c.name for c in workload.process if c.name in SETUID_SWITCHES), None)


def _fix(workload: Workload, safety: FixSafety, warn: str = ""
         ) -> tuple[Intent | tuple[Intent, ...] | None, str]:
    """The drop-ALL fix, with what the image's programs get from `setcap` and what a known image needs
    to start as root (images.yaml) added back, or no fix when one of those is a capability GLM008
    flags. `warn`: what the fix stops, for its title (an unknown image that may start as root: what
    its entrypoint may use)."""
    if safety is FixSafety.UNSAFE and (closed := closed_tree(workload)) is not None:
        path, mode, owner = closed
        return None, (f" (no automatic fix: its build gives {path}, where it starts, to `{owner}` with mode {mode}, "
                      f"which leaves others no access: root without DAC_OVERRIDE is checked as any other uid, so "
                      f"it could not even run its program, and DAC_OVERRIDE is a capability GLM008 flags; run it as "
                      f"`{owner}` where its start allows, or drop ALL and add back DAC_OVERRIDE and what else its "
                      f"start needs yourself)")
    wanted = _held(workload, file_capabilities(workload))
    what = ["what `setcap` gives the image's programs"] if wanted else []
    refused = [(list(wanted), (
        "its build gives its programs the file capabilities {wanted} with `setcap`, which the kernel refuses "
        "to start them without, and {flagged} is a capability GLM008 flags; drop ALL and add those back "
        "yourself, or remove the need"))]
    if safety is FixSafety.UNSAFE and not warn:
        needs = fact(workload.entry_image(), "capabilities") if root_start(workload) else None
        if needs is None:
            warn = ("may stop an entrypoint that starts as root and uses CHOWN, SETUID/SETGID or NET_BIND_SERVICE: "
                    "add those back with cap_add")
        else:
            own = [str(c).upper() for c in needs.value]
            refused.insert(0, (own, (
                f"the `{needs.entry}` image's entrypoint starts as root and needs {{wanted}} to start, and "
                f"{{flagged}} is a capability GLM008 flags; run it as its service user, or drop ALL and add "
                f"those back yourself")))
            what.insert(0, f"what the `{needs.entry}` image needs to start")
            wanted = own + [c for c in wanted if c not in own]
    if safety is FixSafety.UNSAFE and "NET_BIND_SERVICE" not in wanted and (low := low_ports(workload)):
        # as root, a listener below 1024 binds with NET_BIND_SERVICE, which ALL takes away
        what.append(f"what binding port {', '.join(map(str, low))} needs")
        wanted = [*wanted, "NET_BIND_SERVICE"]
    return _add_back(workload, wanted, " and ".join(what), refused, warn)


def root_start(workload: Workload) -> bool:
    """Whether the container may run the image's entrypoint for the server its root start is for (images.yaml
    `root_start_for`: the official postgres image's `docker-entrypoint.sh` chowns and steps down only when its
    first argument is `postgres` or an option, `if [ "$1" = 'postgres' ]`, and otherwise `exec "$@"`). A
    client pod's `command: ["sleep", "3600"]` replaces the entrypoint, and a compose `command: sleep 3600`
    reaches it as an argument it only runs: neither needs what the image's root start needs. True where the
    catalog says nothing, or the scan cannot tell: a start that names the entrypoint or a server anywhere
    (`sh -c "mkdir -p /x && exec docker-entrypoint.sh postgres"`, `tini -- docker-entrypoint.sh postgres`), a
    shell, a script whose text the scan may not have, a wrapper that runs its arguments, a variable."""
    servers = fact(workload.entry_image(), "root_start_for")
    if servers is None:
        return True
    names = {str(n) for n in servers.value}
    if any(posixpath.basename(c.name) in names for c in workload.process):
        return True
    entrypoint = workload.entrypoint.value if workload.entrypoint is not None and workload.entrypoint.explicit \
        else None
    command = workload.command.value if workload.command is not None and workload.command.explicit else None
    # replaced (k8s `command:`, compose `entrypoint:`): the image's own start runs only when named again
    words = [*entrypoint, *(command or ())] if entrypoint is not None else [*(command or ())]
    named = re.compile(r"(?:^|[\s/;&|(`'\"])(?:" + "|".join(map(re.escape, sorted(names))) + r")(?=$|[\s;&|)`'\"])")
    if any(w.dynamic or named.search(w.text) for w in words):
        return True
    first = words[0] if words else None
    if first is None:
        return True
    program = posixpath.basename(first.text)
    return entrypoint is None and first.text.startswith("-") or program in _CANNOT_TELL or program.endswith(".sh")


# start programs whose arguments or text may run the image's entrypoint: shells and wrappers
_CANNOT_TELL = frozenset({"sh", "bash", "dash", "ash", "zsh", "ksh", "busybox", "env", "tini", "dumb-init", "exec",
                          "nice", "timeout", "gosu", "su-exec", "s6-svscan", "supervisord", "python", "python3"})


def closed_tree(workload: Workload) -> tuple[str, str, str] | None:
    """(path, mode, owner) of a directory where the container starts (its `WORKDIR`, or one holding the program
    its start command names by path) that the image's build gives to a user other than root (`chown`) and
    closes to others (`chmod`, the last one over it: no search bit for others, `770`, `o-rwx`), else None.
    Root reaches a file it does not own, whose mode gives others nothing, only through DAC_OVERRIDE or
    DAC_READ_SEARCH (capabilities(7); the kernel's `generic_permission`): with ALL dropped it cannot search the
    directory, and the container cannot start (All-Hands-AI/OpenHands containers/app/Dockerfile at 156d0686:
    `chown -R openhands:openhands /app && chmod -R 770 /app`, `ENTRYPOINT ["/app/entrypoint.sh"]`, as root)."""
    if not workload.build_steps:
        return None
    from glmlint.buildfiles import chown_operands
    from glmlint.shell import getopt

    closed: dict[str, str] = {}
    owners: dict[str, str] = {}
    for cmd in workload.build_steps:
        if cmd.name not in ("chmod", "chown"):
            continue
        words = [w.text for w in cmd.args]
        if cmd.name == "chown":
            got = chown_operands(words)
            if got is not None and not any("$" in w for w in (got[0], *got[1])):
                for path in got[1]:
                    if path.startswith("/"):
                        owners[posixpath.normpath(path)] = got[0]
            continue
        opts, plain = getopt(words, ("--reference",))
        if len(plain) < 2 or any(f == "--reference" for f, _v in opts) or any("$" in w for w in plain):
            continue
        spec, paths = plain[0], [posixpath.normpath(p) for p in plain[1:] if p.startswith("/")]
        shut = _shuts_others(spec)
        for path in paths:
            for held in [c for c in closed if c == path or c.startswith(path.rstrip("/") + "/")]:
                del closed[held]  # a later chmod over it decides
            if shut:
                closed[path] = spec
    if not closed:
        return None
    starts = [w.text for c in workload.process[:1] for w in c.argv if w.text.startswith("/")]
    if workload.workdir and workload.workdir.startswith("/"):
        starts.append(workload.workdir)
    for path, mode in closed.items():
        owner = next((o for p, o in owners.items() if path == p or path.startswith(p.rstrip("/") + "/")), "")
        if owner in ("", "root", "0"):
            continue  # root owns it: the owner's bits are its own
        if any(posixpath.normpath(s) == path or posixpath.normpath(s).startswith(path.rstrip("/") + "/")
               for s in starts):
            return path, mode, owner
    return None


def _shuts_others(mode: str) -> bool:
    """Whether the chmod(1) `mode` leaves others without the search/execute bit: an octal mode whose last
    digit lacks 1 (`770`, `0750`), or a symbolic clause that takes `x` from others (`o-rwx`, `go-x`, `a-x`) or
    sets them without it (`o=`, `o=r`)."""
    if re.fullmatch(r"[0-7]{3,4}", mode):
        return not int(mode[-1]) & 1
    shut = False
    for clause in mode.split(","):
        m = re.fullmatch(r"([ugoa]*)([-+=])([rwxXst]*)", clause)
        if m is None:
            return False  # not read here
        who, op, perms = m.groups()
        if who and "o" not in who and "a" not in who:
            continue
        if op == "-" and "x" in perms or op == "=" and not {"x", "X"} & set(perms):
            shut = True
        elif op in "+=" and {"x", "X"} & set(perms):
            shut = False
    return shut


# the capabilities a container holds unless its file says otherwise: the container runtime's default set
# (Docker's and containerd's: the Pod Security baseline list, with NET_RAW)
_RUNTIME_DEFAULT = CAPABILITIES_BASELINE | {"NET_RAW"}


def added_capabilities(workload: Workload) -> set[str]:
    """The capabilities the workload's own `cap_add` names, upper-case without `CAP_`."""
    return {i.value.strip().upper().removeprefix("CAP_") for i in workload.cap_add.value}


def _held(workload: Workload, wanted: list[str]) -> list[str]:
    """Those of `wanted` the container holds now (the runtime's default set and its own `cap_add`): a
    program whose file capabilities the bounding set lacks does not start today either, so the fix
    adds back only what it would take away; adding another would widen what the container may do."""
    have = added_capabilities(workload)
    if "ALL" in have:
        return wanted
    return [c for c in wanted if c in _RUNTIME_DEFAULT or c in have]


def _add_back(workload: Workload, wanted: list[str], what: str, refused: list[tuple[list[str], str]],
              warn: str) -> tuple[Intent | tuple[Intent, ...] | None, str]:
    """Drop ALL and add `wanted` back (`what` they are); no fix when one of them is a capability GLM008
    flags: the first of `refused`'s (capabilities, why) that holds one says why, with `{wanted}` and
    `{flagged}` filled in."""
    from glmlint.rules.glm008_dangerous_capability import DANGEROUS

    for caps, why in refused:
        flagged = [c for c in caps if c in DANGEROUS]
        if flagged:
            return None, f" (no automatic fix: {why.format(wanted=', '.join(caps), flagged=', '.join(flagged))})"
    have = added_capabilities(workload)
    missing = [c for c in wanted if c not in have]
    title = f"Drop all capabilities and add back {what} ({', '.join(wanted)})" if wanted else "Drop all capabilities"
    if warn:
        title += f"; this {warn}" if wanted else f" ({warn})"
    adds = tuple(ensure_item(workload.cap_add, "cap_add", c, title=title) for c in missing)
    if not adds:
        return ensure_item(workload.cap_drop, "cap_drop", "ALL", title=title), ""
    return (ensure_item(workload.cap_drop, "cap_drop", "ALL", title=""), *adds[:1],
            *(ensure_item(workload.cap_add, "cap_add", c, title="") for c in missing[1:])), ""


def file_capabilities(workload: Workload) -> list[str]:
    """The capabilities the image's build gives its programs with `setcap` (`setcap
    cap_net_bind_service=+ep /usr/sbin/sshd`), upper-case without `CAP_`, in order. A program whose
    file capabilities are not all in the bounding set fails to start (execve returns EPERM when the
    file's effective bit is set: capabilities(7), "Safety checking for capability-dumb binaries"),
    whoever runs it, so dropping ALL must add them back."""
    out: list[str] = []
    for cmd in workload.build_steps:
        if cmd.name != "setcap":
            continue
        words = [w.text for w in cmd.args]
        i = 0
        while i < len(words):
            word = words[i]
            if word in ("-q", "-v"):
                i += 1
                continue
            if word == "-n":
                i += 2
                continue
            if word in ("-r", "-"):
                i += 2  # removes a file's capabilities / reads them from stdin: nothing named here
                continue
            for clause in word.split():
                m = _CAP_CLAUSE.match(clause)
                if m is None:
                    continue
                names, ops = m.group(1), _CAP_OPS.findall(m.group(2))
                if any(op in "=+" and flags for op, flags in ops):
                    for name in (names or "all").split(","):
                        cap = name.strip().upper().removeprefix("CAP_")
                        if cap and cap not in out:
                            out.append(cap)
            i += 2  # the capabilities, then the file
    return out


# one clause of cap_from_text(3): `cap_a,cap_b+ep`, `cap_net_raw=ep`, `=ep` (all)
_CAP_CLAUSE = lazyre.compile(r"^([A-Za-z_,0-9]*)((?:[=+-][eip]*)+)$")
_CAP_OPS = lazyre.compile(r"([=+-])([eip]*)")
