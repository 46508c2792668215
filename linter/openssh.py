"""Whether a workload runs sshd that accepts passwords, resolved as OpenSSH resolves it.

What sshd is, is data: the catalog's `sshd` entry (`linter/catalog/services.yaml`, each
fact with its source) says how it is started (`sshd`) and installed (the
distributions' package names), where its configuration lives (the main file and
the drop-in directory), the stock lines distributions ship and the defaults.
This module is the behaviour: sshd takes, for each keyword, the *first* value it reads: `-o` options on its
command line, then the files `Include`d at the top of Debian's and Alpine's
`/etc/ssh/sshd_config` (`sshd_config.d/*.conf`, in name order), then the main
file. Text appended with `>>` lands after the distribution's lines. A `sed -i`
substitution is replayed on a model of the file that starts from the stock
Debian/Ubuntu/Alpine lines, where the options are commented defaults
(`#PasswordAuthentication yes`): `s/PasswordAuthentication yes/... no/` only
yields `#PasswordAuthentication no` and changes nothing. The stock file's uncommented lines
(`KbdInteractiveAuthentication no`, `UsePAM yes`: Debian's debian-config.patch, as Ubuntu 22.04/24.04
and Debian 12 ship it, e.g. yaobinwen/openssh-ubuntu 13dd805, puts `Include
/etc/ssh/sshd_config.d/*.conf` first and those lines below) take part in the first-value lookup where
they stand: after the drop-ins, before lines appended to the file. A build that writes or copies the
whole main file replaces them (then `UsePAM` is sshd's `no`, openssh-portable V_9_6_P1 servconf.c
`fill_default_server_options`). A substitution that
turns an option on counts even when it matches nothing here (it may on another
base image). `PasswordAuthentication` defaults to yes,
`PermitEmptyPasswords` to no. A written line whose first word is not a keyword
(`-e PasswordAuthentication yes`, what dash's `echo -e` writes) is a bad
configuration option: sshd reports it and refuses to start (openssh-portable
servconf.c: `parse_token` returns `sBadOption`, then "terminating, N bad
configuration options"), so nothing listens. A `COPY` of a build-context file
to the main file or a drop-in (read from disk beside the Dockerfile) writes that
file's lines.
"""
from __future__ import annotations

import functools
import re
from typing import TYPE_CHECKING, Any

from glmlint import lazyre
from glmlint.catalog.services import get, match_command
from glmlint.ir import Command, Directive, FileWrite, Loc, Workload, truthy
from glmlint.parsers.sshd import directives, key
from glmlint.records import dataclass, field

if TYPE_CHECKING:
    from collections.abc import Iterable

    from glmlint.catalog.services import Service

PASSWORD_AUTH = "passwordauthentication"
EMPTY_PASSWORDS = "permitemptypasswords"
KBD_INTERACTIVE = "kbdinteractiveauthentication"  # ChallengeResponseAuthentication is its old name
USE_PAM = "usepam"
AUTH_METHODS = "authenticationmethods"
# the methods that take a password (keyboard-interactive's PAM stack asks for it): a list of them alone is a
# password login; a list with another method (`publickey,keyboard-interactive`) makes the password a second
# factor (sshd_config(5) `AuthenticationMethods`: every method of one list must succeed)
_PASSWORD_METHODS = frozenset({"password", "keyboard-interactive"})
# where the stock file's uncommented lines are (they have no place in a file the build wrote)
STOCK = Loc(0, 0, "<stock sshd_config>")
# how package managers install (`apt-get install`, `apk add`, `pacman -S`): which packages, the catalog says
_INSTALLERS = {"apt-get": "install", "apt": "install", "apk": "add", "yum": "install", "dnf": "install",
               "microdnf": "install", "zypper": "install", "tdnf": "install", "pacman": "-S"}
_PASSWD_NO_SET = {"-l", "--lock", "-d", "--delete", "-S", "--status", "-e", "--expire", "-u", "--unlock",
                  "-n", "-x", "-w", "-i", "--mindays", "--maxdays", "--warndays", "--inactive"}


@dataclass(frozen=True)
class _Knowledge:
    """The catalog's facts about sshd, in the form this module reads them."""

    service: Service
    main: str  # the main config file
    dropins: str  # the directory of `*.conf` files read first
    stock: tuple[str, ...]  # the option lines of a distribution's stock sshd_config
    defaults: dict[str, bool]  # lowercased keyword -> on by default
    package: re.Pattern[str]  # a package that installs the server, with a version or glob


@functools.lru_cache(maxsize=1)
def _knowledge() -> _Knowledge:
    service = get("sshd")
    settings = service.settings
    assert settings is not None and settings.files and settings.dropins, "the catalog's sshd entry"
    return _Knowledge(service, settings.files[0], settings.dropins, settings.stock,
                      {key(k): truthy(v) for k, v in settings.defaults.items()},
                      package_pattern(service.packages))


def main_config() -> str:
    """The path of sshd's main config file (`/etc/ssh/sshd_config`)."""
    return _knowledge().main


def default_on(keyword: str) -> bool:
    """Whether an option (`passwordauthentication`) is on when nothing sets it."""
    return _knowledge().defaults.get(keyword.lower(), False)


@dataclass(frozen=True, slots=True)
class Sshd:
    """The effective password-related configuration of the sshd a workload runs."""

    installed: Loc | None  # where sshd is installed or started
    password_set: Loc | None  # where a user's password is set
    # keyword -> the global value sshd uses: the stock file's uncommented lines (Debian's `UsePAM yes`,
    # at `STOCK`) take part where the image's sshd reads that file
    settings: dict[str, Directive]
    blocks: tuple[dict[str, Directive], ...]  # each Match block a remote connection can meet: keyword -> value
    rejected: Loc | None = None  # a written line sshd cannot read: it refuses to start
    copied: dict[Loc, str] = field(default_factory=dict)  # a `COPY` line -> the build-context file it copied
    # nothing in the image runs sshd: the build installs no OpenSSH server and its start, known to the end,
    # starts neither sshd nor a service manager that could (`dormant`)
    dormant: bool = False
    config: str | None = None  # the file `sshd -f FILE` reads instead of the main file

    def enabled_global(self, keyword: str) -> bool:
        """Whether an option is on globally: as set (or as the stock file sets it), else sshd's default."""
        d = self.settings.get(keyword)
        return truthy(d.value) if d is not None else default_on(keyword)

    def enabled(self, keyword: str, default: bool | None = None) -> bool:
        """Whether the option is on: as set, else `default` (None: sshd's own, from the catalog);
        or turned on in a Match block."""
        if default is not None and keyword not in self.settings:
            on = default
        else:
            on = self.enabled_global(keyword)
        return on or any(keyword in b and truthy(b[keyword].value) for b in self.blocks)

    def password_alone(self, keyword: str) -> tuple[bool, Directive | None]:
        """Whether a connection can log in by the password method `keyword` turns on, with no other factor,
        and the directive that turns it on there (None: sshd's default)."""
        return alone(self.settings, self.blocks, keyword, self.enabled_global(keyword))

    def fix_breaks(self, keyword: str) -> bool:
        """Whether `keyword no` would leave an `AuthenticationMethods` unsatisfiable (`needed`)."""
        return needed(self.settings, self.blocks, keyword)

    def pam_prompt(self) -> Directive | None:
        """The directive that turns keyboard-interactive authentication on while sshd uses PAM, whose
        stack then asks for the account's password (sshd_config(5) `UsePAM`): what `PasswordAuthentication
        yes` gives, by another method. `UsePAM` is global only (a Match block may not hold it)."""
        if not self.enabled_global(USE_PAM):
            return None
        return explicit(*self.password_alone(KBD_INTERACTIVE))


def explicit(alone_: bool, d: Directive | None) -> Directive | None:
    """The `yes` line of a `password_alone`/`alone` answer, when the configuration writes one (a
    distribution's stock line, at `STOCK`, is no line of the scanned files)."""
    return d if alone_ and d is not None and truthy(d.value) and d.loc != STOCK else None


def second_factor(methods: Directive | None) -> bool:
    """Whether an `AuthenticationMethods` value makes every login need a method that takes no password
    (`publickey,keyboard-interactive`, `gssapi-with-mic,password`): each of its space-separated lists
    must hold one (`publickey password` allows the password alone; `any`, the default, too)."""
    if methods is None:
        return False
    lists = methods.value.split()
    if not lists or any(methods_.lower() == "any" for methods_ in lists):
        return False
    return all(any(m and m.split(":", 1)[0].lower() not in _PASSWORD_METHODS for m in methods_.split(","))
               for methods_ in lists)


_METHOD = {PASSWORD_AUTH: "password", KBD_INTERACTIVE: "keyboard-interactive"}


def needed(settings: dict[str, Directive], blocks: Iterable[dict[str, Directive]], keyword: str) -> bool:
    """Whether turning `keyword` off leaves an `AuthenticationMethods` value (global, or a Match block's)
    with no list it can satisfy, every list naming the method it enables: sshd then refuses to start
    (openssh-portable V_9_6_P1 sshd.c: "AuthenticationMethods cannot be satisfied by enabled
    authentication methods"), or, in a Match block, lets nobody it matches log in (auth2.c
    `auth2_setup_methods_lists` drops the lists it cannot satisfy)."""
    method = _METHOD.get(keyword)
    if method is None:
        return False
    for d in (settings.get(AUTH_METHODS), *(b.get(AUTH_METHODS) for b in blocks)):
        lists = d.value.split() if d is not None else []
        if lists and all(any(m.split(":", 1)[0].lower() == method for m in methods.split(","))
                         for methods in lists):
            return True
    return False


def alone(settings: dict[str, Directive], blocks: Iterable[dict[str, Directive]], keyword: str,
          on: bool) -> tuple[bool, Directive | None]:
    """Whether some connection can log in by the method `keyword` turns on (`on`: its global value) with
    the password alone, and where it is turned on. `AuthenticationMethods` holds in a Match block too:
    the block's own, else the global one."""
    g = settings.get(keyword)
    methods = settings.get(AUTH_METHODS)
    blocks = tuple(blocks)
    if on:
        if not second_factor(methods):
            return True, g
        for b in blocks:
            d = b.get(keyword)
            if AUTH_METHODS in b and not second_factor(b[AUTH_METHODS]) and (d is None or truthy(d.value)):
                return True, d or g
    for b in blocks:
        d = b.get(keyword)
        if d is not None and truthy(d.value) and not second_factor(b.get(AUTH_METHODS, methods)):
            return True, d
    return False, None


def first_values(sources: list[list[Directive]], tunnel: bool = False
                 ) -> tuple[dict[str, Directive], tuple[dict[str, Directive], ...]]:
    """(keyword -> first global value, the Match blocks a connection from another host can meet, each
    keyword -> its first value there). A block for loopback clients only counts when `tunnel`: a forwarder
    in the container hands sshd the internet's connections from 127.0.0.1."""
    found: dict[str, Directive] = {}
    blocks: list[dict[str, Directive]] = []
    for directives_ in sources:
        block: dict[str, Directive] | None = None
        for d in directives_:
            k = key(d.keyword)
            if k == "match":
                block = {}
                if tunnel or not local_only(d.value):
                    blocks.append(block)
            elif block is not None:
                block.setdefault(k, d)
            else:
                found.setdefault(k, d)
    return found, tuple(blocks)


def local_only(criteria: str) -> bool:
    """Whether a `Match` line applies only to connections from this host: an `Address` (client) or
    `LocalAddress` (the address connected to) criterion whose every non-negated entry is a loopback
    address or network (`127.0.0.1`, `127.0.0.0/8`, `::1`, `127.*`). All criteria of a line must match
    (openssh-portable 0ef0f5a83 servconf.c `match_cfg_line`, both `Address x` and `Address=x`), and an
    entry is a CIDR network, else a wildcard pattern, a `!` one excluding (addrmatch.c `addr_match_list`)."""
    words = criteria.split()
    i = 0
    while i < len(words):
        name, _, arg = words[i].partition("=")
        i += 1
        if not arg and name.lower() not in ("all", "invalid-user") and i < len(words):
            arg, i = words[i], i + 1
        if name.lower() in ("address", "localaddress") and all(
                _loopback(e) for e in arg.split(",") if e and not e.startswith("!")):
            return True
    return False


@functools.lru_cache(maxsize=1)
def _loopbacks() -> tuple[Any, ...]:
    import ipaddress  # (only for a `Match Address` line: ~1 ms of a one-Dockerfile check's imports)

    return ipaddress, (ipaddress.ip_network("127.0.0.0/8"), ipaddress.ip_network("::1/128"))


def _loopback(entry: str) -> bool:
    ipaddress, loopback = _loopbacks()
    try:
        net = ipaddress.ip_network(entry, strict=False)
    except ValueError:
        # a wildcard pattern over the address text: `127.*` and `127.0.0.?` stay in 127.0.0.0/8
        return entry.startswith("127.") and all(c.isdigit() or c in ".*?" for c in entry)
    return any(net.version == lo.version and net.subnet_of(lo) for lo in loopback)  # type: ignore[arg-type]


# a line sshd reads: blank, a comment, or a keyword (letters and digits) then `=`, a blank or nothing
_READABLE = lazyre.compile(r"\s*(?:$|#|[A-Za-z][A-Za-z0-9]*(?:[\s=]|$))")


def _rejected(lines: list[tuple[str, Loc | None]]) -> Loc | None:
    """Where a line the build wrote is one sshd rejects (its first word is no keyword)."""
    for text, loc in lines:
        if loc is not None and not _READABLE.match(text):
            return loc
    return None


def _directive_lines(lines: list[tuple[str, Loc | None]], stock: bool = False) -> list[Directive]:
    """The directives of a modelled file in order; the stock file's own lines (no place) when `stock`."""
    out: list[Directive] = []
    for text, loc in lines:
        if loc is not None:
            out.extend(directives(text, loc=loc))
        elif stock:
            out.extend(directives(text, loc=STOCK))
    return out


def _apply(lines: list[tuple[str, Loc | None]], write: FileWrite) -> list[tuple[str, Loc | None]]:
    at = write.line_locs
    new = [(line, at[i] if i < len(at) else write.loc) for i, line in enumerate(write.text.splitlines())]
    if write.mode == "write":
        return new
    if write.mode == "append":
        return lines + new
    if write.pattern is None or write.replace is None:
        return new + lines  # an edit we cannot replay (`sed '/x/a ...'`): its text takes effect
    regex = re.compile(write.pattern)
    address = re.compile(write.address) if write.address is not None else None
    out: list[tuple[str, Loc | None]] = []
    matched = False
    for text, loc in lines:
        if regex.search(text) and (address is None or address.search(text)):
            matched = True
            text = regex.sub(write.replace, text, count=0 if write.global_ else 1)
            loc = write.loc
        out.append((text, loc))
    if not matched and any(truthy(d.value) for d in directives(write.text)):
        # a substitution meant to turn an option on: on another base image it may match; flag the intent
        out = new + out
    return out


def package_pattern(names: Iterable[str]) -> re.Pattern[str]:
    """A package argument naming one of `names`, with a version or glob (`sudo`, `sudo=1.9*`,
    `openssh-server-1:8.7p1`)."""
    alts = "|".join(re.escape(p) for p in sorted(names, key=len, reverse=True))
    return re.compile(rf"^(?:{alts})([=:-][0-9].*|\*)?$")


def installs(cmd: Command, package: re.Pattern[str]) -> bool:
    """Whether `cmd` installs a package `package` matches (`apt-get install -y sudo`, `apk add sudo`)."""
    sub = _INSTALLERS.get(cmd.name)
    if sub is None:
        return False
    words = [w.text for w in cmd.args]
    return sub in words and any(package.match(w) for w in words)


def _installs(cmd: Command) -> bool:
    return installs(cmd, _knowledge().package)


def _sets_password(cmd: Command) -> bool:
    name = cmd.name
    if name == "chpasswd":
        return True
    if name == "passwd":
        return not any(w.text in _PASSWD_NO_SET for w in cmd.args)
    if name in ("usermod", "useradd", "adduser"):
        return any(w.text in ("-p", "--password") or w.text.startswith("--password=") for w in cmd.args)
    return False


def analyse(workload: Workload) -> Sshd:
    known = _knowledge()
    # the base image's distribution's stock files (the image catalog's `sshd_config`), else Debian's
    distro = _distribution(workload)
    main: list[tuple[str, Loc | None]] = [(line, None) for line in (known.stock if distro is None
                                                                     else distro.get("main", ()))]
    dropins: dict[str, list[tuple[str, Loc | None]]] = {
        known.dropins + name: [(line, None) for line in lines]
        for name, lines in (distro.get("dropins") or {}).items()} if distro is not None else {}
    removed = _removed(workload, known.dropins)
    for path in [p for p in dropins if p in removed]:
        del dropins[path]  # `rm -f /etc/ssh/sshd_config.d/50-redhat.conf`
    copied: dict[Loc, str] = {}
    rewritten = False
    for write in workload.files:
        path = write.path
        if write.source is not None and (path == known.main or path.startswith(known.dropins)):
            copied[write.loc] = write.source
        if path == known.main:
            main = _apply(main, write)
            rewritten = rewritten or write.mode == "write"
        elif path.startswith(known.dropins) and path.endswith(".conf"):
            if path in removed and _before(write.loc, removed[path]):
                continue  # written, then removed
            dropins[path] = _apply(dropins.get(path, []), write)
    if distro is not None and not rewritten and not any(
            line.split(None, 1)[:1] == ["Include"] for line, loc in main if loc is None):
        dropins = {}  # the stock main file includes no drop-in (RHEL 7/8): sshd never reads them
    config = _config_file(workload)
    if config is not None and config != known.main:
        # `sshd -f FILE` reads FILE instead of /etc/ssh/sshd_config (sshd(8) `-f`): none of the stock lines,
        # and the drop-ins only through an `Include` of its own; what the build writes there (none seen:
        # sshd's defaults, as for a main file the scan cannot read)
        main = []
        for write in workload.files:
            if write.path == config:
                main = _apply(main, write)
        if not any(text.split(None, 1)[:1] == ["Include"] for text, _loc in main):
            dropins = {}
    options: list[Directive] = []
    installed = password = None
    for cmd in (*workload.build_steps, *workload.process):
        if installed is None and _installs(cmd):
            installed = cmd.loc
        if password is None and _sets_password(cmd):
            password = cmd.loc
    for cmd in workload.process:
        start = match_command(known.service, cmd.argv)
        if start is not None:
            installed = installed or cmd.loc
            args = cmd.argv[start:]
            for i, w in enumerate(args):
                opt = None
                if w.text == "-o" and i + 1 < len(args):
                    opt, at = args[i + 1].text, args[i + 1].loc
                elif w.text.startswith("-o") and len(w.text) > 2:
                    opt, at = w.text[2:], w.loc
                if opt:
                    options.extend(directives(opt.replace("=", " ", 1), loc=at))
    # the stock file's lines hold where they stand (after the drop-ins its `Include` reads first, before
    # lines appended to it); not on an Alpine base, whose sshd_config is upstream's, all commented
    stock = distro is not None or not _alpine(workload)
    sources = [options, *(_directive_lines(dropins[k], stock) for k in sorted(dropins)), _directive_lines(main, stock)]
    rejected = next((at for lines in (*dropins.values(), main) if (at := _rejected(lines)) is not None), None)
    return Sshd(installed, password, *first_values(sources, tunnel=_tunnel(workload)), rejected, copied,
                installed is None and dormant(workload), config if config != known.main else None)


def _config_file(workload: Workload) -> str | None:
    """The file the container's sshd is told to read with `-f FILE` (`-f/path` too), if any."""
    known = _knowledge()
    for cmd in workload.process:
        start = match_command(known.service, cmd.argv)
        if start is None:
            continue
        args = cmd.argv[start:]
        for i, w in enumerate(args):
            if w.text == "-f" and i + 1 < len(args):
                return args[i + 1].text
            if w.text.startswith("-f") and len(w.text) > 2 and w.text[2] in "/.~$":
                return w.text[2:]
    return None


# what starts services other than by running their program: a service manager or init (whose own files say
# what it starts: `supervisord.conf`, s6/runit service directories, systemd units), the distributions'
# service commands (`service ssh start`), an init script (`/etc/init.d/ssh start`)
_SERVICE_STARTERS = frozenset({"supervisord", "supervisorctl", "s6-svscan", "s6-rc", "runsvdir", "runsv", "sv", "init",
                               "systemd", "systemctl", "service", "rc-service", "openrc", "openrc-init", "ssh",
                               "sshd.sh", "start-sshd", "dropbear"})


def dormant(workload: Workload) -> bool:
    """Whether the container's start is known to the end and starts no sshd: it has a start command,
    none of whose commands is sshd or a `_SERVICE_STARTERS` program, every script it runs was read
    (an entrypoint script the scan could not read may start anything), and no ENTRYPOINT of its image
    runs first (one is written in the scanned files, or the image catalog knows the base sets none)."""
    if not workload.process:
        return False  # the base image's start: not known here
    if not workload.entrypoint.explicit and not _no_entrypoint(_base(workload)):
        return False  # the image's own ENTRYPOINT runs before the CMD written here, and may start sshd
    known = _knowledge()
    read = {c.loc.file.rsplit("/", 1)[-1] for c in workload.process if c.loc.file}
    for cmd in workload.process:
        name = cmd.name
        if name in _SERVICE_STARTERS or match_command(known.service, cmd.argv) is not None:
            return False
        if (name.endswith(".sh") or (cmd.argv and cmd.argv[0].text.startswith("./"))) and name not in read:
            return False  # a script whose commands were not read
    return True


# forwarders that carry connections from elsewhere to a port of the container, so sshd sees them come from
# 127.0.0.1 (the program -> a word of its command line that makes it forward; None: any use). Narrow on
# purpose: cloudflared's `--url ssh://`/`tcp://` origin (Cloudflare's docs, "Connect with SSH"), `ngrok tcp`,
# a reverse tunnel `ssh -R`/`autossh -R`, `socat TCP-LISTEN:`, frp's client `frpc`
_FORWARDERS: dict[str, re.Pattern[str] | None] = {
    "cloudflared": re.compile(r"^(?:--url=)?(?:ssh|tcp)://"), "ngrok": re.compile(r"^tcp$"),
    # `cloudflare/cloudflared`'s image runs `cloudflared --no-autoupdate` and takes the rest as its command
    # (cloudflare/cloudflared 01287e2 Dockerfile: `ENTRYPOINT ["cloudflared", "--no-autoupdate"]`): `command: tunnel
    # --url ssh://localhost:22` starts with the subcommand
    "tunnel": re.compile(r"^(?:--url=)?(?:ssh|tcp)://"),
    "ssh": re.compile(r"^-[A-Za-z]*R"), "autossh": re.compile(r"^-[A-Za-z]*R"),
    "socat": re.compile(r"^tcp[46]?-listen:", re.I), "frpc": None}


def _tunnel(workload: Workload) -> bool:
    """Whether the workload's start, or a container beside it in its pod (sharing its loopback), runs a
    forwarder (`_FORWARDERS`)."""
    for cmd in (*workload.process, *workload.neighbours):
        if cmd.name in _FORWARDERS:
            word = _FORWARDERS[cmd.name]
            if word is None or any(word.match(w.text) for w in cmd.args):
                return True
    return False


def _base(workload: Workload) -> str | None:
    return workload.base_image or (workload.image.value if workload.image is not None else None)


def _distribution(workload: Workload) -> dict[str, Any] | None:
    """The stock sshd files of the image's distribution where the image catalog knows them (its
    `sshd_config` fact: the main file's lines, `Include` where it stands, and the drop-ins the package
    installs, RHEL 9's `50-redhat.conf`); None: Debian's and Ubuntu's (the service catalog's `stock`)."""
    from glmlint.catalog.images import fact

    known = fact(_base(workload), "sshd_config")
    return known.value if known is not None and isinstance(known.value, dict) else None


def _no_entrypoint(image: str | None) -> bool:
    """Whether the image catalog knows `image` to set no ENTRYPOINT (its `entrypoint` fact is `[]`)."""
    from glmlint.catalog.images import fact

    known = fact(image, "entrypoint")
    return known is not None and known.value == []


def _removed(workload: Workload, dropins: str) -> dict[str, Loc]:
    """The drop-ins a build step deletes (`rm -f /etc/ssh/sshd_config.d/50-redhat.conf`) -> where."""
    out: dict[str, Loc] = {}
    for cmd in workload.build_steps:
        if cmd.name == "rm":
            for w in cmd.args:
                if w.text.startswith(dropins) and w.text.endswith(".conf"):
                    out[w.text] = cmd.loc
    return out


def _before(a: Loc, b: Loc) -> bool:
    return (a.file, a.line, a.col) < (b.file, b.line, b.col) if a.file == b.file else False


def _alpine(workload: Workload) -> bool:
    """Whether the image builds on Alpine (its `/bin/sh` is BusyBox's, the image catalog says), whose
    `openssh-server` is built without PAM and whose stock sshd_config is upstream's (`#UsePAM no`)."""
    image = _base(workload)
    if not image:
        return False
    from glmlint.catalog.images import sh

    return sh(image) == "busybox"
