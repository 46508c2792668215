"""Whether a workload runs sshd that accepts passwords, resolved as OpenSSH resolves it.

What sshd is, is data: the catalog's `sshd` entry (`linter/catalog/services.yaml`, each
fact with its source) says how it is started (`sshd`) and installed (the
distributions' package names), where its configuration lives (the main file and
the drop-in directory), the stock lines distributions ship and the defaults.
This module is the behaviour: sshd takes, for each keyword, the *first* value it reads: `-o` options on its
command line, then its main file `/etc/ssh/sshd_config`, whose `Include` line reads the drop-ins
(`sshd_config.d/*.conf`, in name order) where it stands (sshd_config(5) `Include`; a main file without
one reads no drop-in). The model starts from the stock files of the base image's distribution (the image
catalog's `sshd_config` fact: RHEL 9's main file with its `Include` at the top and the package's
`50-redhat.conf` drop-in; RHEL 7/8's main file, which turns `PasswordAuthentication yes` on itself and
has no `Include`), else from Debian's and Ubuntu's (the service catalog's `stock`: Debian's
debian-config.patch, as Ubuntu 22.04/24.04 and Debian 12 ship it, e.g. yaobinwen/openssh-ubuntu 13dd805,
puts `Include /etc/ssh/sshd_config.d/*.conf` first, the options as commented defaults
(`#PasswordAuthentication yes`) and `KbdInteractiveAuthentication no`, `UsePAM yes` uncommented below).
The build's steps are replayed on those files in build order (`glmlint.buildfiles`, shared with sudo's
model): text written with `>` replaces a file, `>>` lands after its lines, a `sed -i` substitution is
replayed on the modelled lines (`s/PasswordAuthentication yes/... no/` on `#PasswordAuthentication yes`
only yields `#PasswordAuthentication no` and changes nothing), `sed -i '/re/d'` and `grep -v re f > t &&
mv t f` delete lines, `rm` removes files (`rm -rf /etc/ssh/sshd_config.d/*`), `cp`/`mv`/`cat` move text
between them, and a `COPY` of a build-context file to the main file or a drop-in (read from disk beside
the Dockerfile) writes that file's lines. The stock lines take part in the first-value lookup where they
stand; a main file the build writes or copies replaces them (then `UsePAM` is sshd's `no`,
openssh-portable V_9_6_P1 servconf.c `fill_default_server_options`). A substitution that turns an option
on counts even when it matches nothing here (it may on another base image). `PasswordAuthentication`
defaults to yes, `PermitEmptyPasswords` to no. A written line whose first word is not a keyword (`-e
PasswordAuthentication yes`, what dash's `echo -e` writes) is a bad configuration option: sshd reports
it and refuses to start (openssh-portable servconf.c: `parse_token` returns `sBadOption`, then
"terminating, N bad configuration options"), so nothing listens.
"""
from __future__ import annotations

import fnmatch
import functools
import re
from typing import TYPE_CHECKING, Any

from glmlint import lazyre
from glmlint.buildfiles import Files, Line, installs, package_pattern, replay
from glmlint.catalog.services import get, match_command
from glmlint.ir import Command, Directive, FileWrite, Loc, Workload, truthy
from glmlint.parsers.sshd import directives, key
from glmlint.records import dataclass, field

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Iterator

    from glmlint.catalog.services import Service
    from glmlint.ir import Word

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
    # starts neither sshd nor a service manager that could (`_start_runs_no_sshd`)
    absent: bool = False
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


def first_values(sources: list[list[Directive]], tunnel: bool = False, nested: frozenset[int] = frozenset()
                 ) -> tuple[dict[str, Directive], tuple[dict[str, Directive], ...]]:
    """(keyword -> first global value, the Match blocks a connection from another host can meet, each
    keyword -> its first value there). A block for loopback clients only counts when `tunnel`: a forwarder
    in the container hands sshd the internet's connections from 127.0.0.1. `sources` are the runs of one
    file and of the files its `Include` lines read there (`nested`: their indexes): an `Include` inside a
    `Match` block reads its files as part of that block, a `Match` in an included file ends with that
    file, and the including file's block goes on after it (openssh-portable V_9_9_P1 servconf.c, `case
    sInclude`: "Don't let included files clobber the containing file's Match state"; an included file read
    in a block that does not match the connection never matches, `SSHCFG_NEVERMATCH`)."""
    found: dict[str, Directive] = {}
    blocks: list[dict[str, Directive]] = []
    outer: dict[str, Directive] | None = None  # the including file's block where its run ends (None: global)
    outer_remote = True  # whether a connection from another host can meet that block
    for i, directives_ in enumerate(sources):
        block, remote = outer, outer_remote
        for d in directives_:
            k = key(d.keyword)
            if k == "match":
                block = {}
                remote = (outer_remote or i not in nested) and (tunnel or not local_only(d.value))
                if remote:
                    blocks.append(block)
            elif block is not None:
                block.setdefault(k, d)
            else:
                found.setdefault(k, d)
        if i not in nested:
            outer, outer_remote = block, remote
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


def _rejected(lines: list[Line]) -> Loc | None:
    """Where a line the build wrote is one sshd rejects (its first word is no keyword)."""
    for line in lines:
        if line.loc is not None and not _READABLE.match(line.text):
            return line.loc
    return None


def _directive_lines(lines: list[Line], stock: bool = False) -> list[Directive]:
    """The directives of a modelled file in order; the stock file's own lines (no place) when `stock`."""
    out: list[Directive] = []
    for line in lines:
        if line.loc is not None:
            out.extend(directives(line.text, loc=line.loc))
        elif stock:
            out.extend(directives(line.text, loc=STOCK))
    return out


_INCLUDE = lazyre.compile(r"^\s*include(?:\s+|\s*=\s*)(.*)$", re.I)


def _read(files: dict[str, list[Line]], main: str) -> tuple[list[list[Line]], frozenset[int]]:
    """The files sshd reads, in order, as runs of lines: the main file, split where an `Include` line
    reads other files there (sshd_config(5) `Include`: glob(3) patterns, each expanded in lexical order;
    a relative one is under /etc/ssh), and the indexes of the included files' runs. A main file without
    an `Include` reads no drop-in."""
    runs: list[list[Line]] = [[]]
    nested: set[int] = set()
    for line in files.get(main, []):
        m = _INCLUDE.match(line.text)
        if m is None:
            runs[-1].append(line)
            continue
        for pattern in m.group(1).split():
            path = pattern if pattern.startswith("/") else "/etc/ssh/" + pattern
            folder, _, name = path.rpartition("/")
            for p in sorted(files):
                if p.rpartition("/")[0] == folder and fnmatch.fnmatchcase(p.rpartition("/")[2], name) and p != main:
                    nested.add(len(runs))
                    runs.append(files[p])
        runs.append([])
    return runs, frozenset(nested)


def _apply(lines: list[Line], write: FileWrite) -> list[Line]:
    """A build step's write replayed on a modelled file (`buildfiles.replay`)."""
    if write.mode == "delete":  # `sed -i '/^PasswordAuthentication/d'`: the lines that match are gone
        if write.pattern is None:
            return lines
        regex = re.compile(write.pattern)
        return [line for line in lines if not regex.search(line.text)]
    at = write.line_locs
    new = [Line(text, at[i] if i < len(at) else write.loc, write.path, write.source)
           for i, text in enumerate(write.text.splitlines())]
    if write.mode == "write":
        return new
    if write.mode == "append":
        return lines + new
    if write.pattern is None or write.replace is None:
        return new + lines  # an edit we cannot replay (`sed '/x/a ...'`): its text takes effect
    regex = re.compile(write.pattern)
    address = re.compile(write.address) if write.address is not None else None
    out: list[Line] = []
    matched = False
    for line in lines:
        if regex.search(line.text) and (address is None or address.search(line.text)):
            matched = True
            line = Line(regex.sub(write.replace, line.text, count=0 if write.global_ else 1), write.loc, write.path)
        out.append(line)
    if not matched and any(truthy(d.value) for d in directives(write.text)):
        # a substitution meant to turn an option on: on another base image it may match; flag the intent
        out = new + out
    return out


_PASSWORD_SETTERS = frozenset({"chpasswd", "passwd", "usermod", "useradd", "adduser"})  # (`_sets_password`'s)


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
    stock_files = _stock_files(known, distro)
    files = dict(stock_files.files)
    replay(workload, files, Files(known.main, known.dropins), _apply, unknown_empties=False)
    started = list(_sshd_args(workload))  # (read three times below: each a catalog match of every command)
    config = _config_file(started)
    # the stock lines' runs and directives: the same for every workload whose build left the stock files
    # as they were (each file's lines the very list it started with, no file added or removed: most
    # workloads, e.g. every Kubernetes container), worked out once per distribution (issue 12)
    untouched = config is None and len(files) == len(stock_files.files) and all(
        files.get(path) is lines for path, lines in stock_files.files.items())
    if untouched:
        read, nested = stock_files.read
    elif config is not None and config != known.main:
        # `sshd -f FILE` reads FILE instead of /etc/ssh/sshd_config (sshd(8) `-f`): none of the stock lines,
        # and the drop-ins only through an `Include` of its own; what the build writes there (none seen:
        # sshd's defaults, as for a main file the scan cannot read)
        read, nested = _read({**files, config: files.get(config, [])}, config)
    else:
        read, nested = _read(files, known.main)
    copied = {} if untouched else {line.loc: line.source for lines in read for line in lines
                                   if line.loc is not None and line.source is not None}
    options: list[Directive] = []
    installed = password = None
    package = known.package  # (read once: asked of every build step of every workload)
    for cmd in (*workload.build_steps, *workload.process):
        if installed is None and installs(cmd, package):
            installed = cmd.loc
        if password is None and cmd.name in _PASSWORD_SETTERS and _sets_password(cmd):
            password = cmd.loc
    for cmd, args in started:
        installed = installed or cmd.loc
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
    if untouched:  # (no line of the build's: nothing rejected)
        sources, rejected = [options, *stock_files.directives(stock)], None
    else:
        sources = [options, *(_directive_lines(lines, stock) for lines in read)]
        rejected = next((at for lines in read if (at := _rejected(lines)) is not None), None)
    return Sshd(installed, password, *first_values(sources, tunnel=_tunnel(workload, lambda: _ports(sources, started)),
                                                   nested=frozenset(i + 1 for i in nested)),
                rejected, copied,
                installed is None and _start_runs_no_sshd(workload), config if config != known.main else None)


class _StockFiles:
    """A distribution's stock sshd files as `analyse` starts from them (path -> lines, the lists the
    build's replay starts with), the runs sshd reads of them and their directives: the same for every
    workload of that distribution whose build leaves them as they are."""

    __slots__ = ("files", "read", "_directives")

    def __init__(self, files: dict[str, list[Line]], main: str) -> None:
        self.files = files
        self.read = _read(files, main)
        self._directives: dict[bool, list[list[Directive]]] = {}

    def directives(self, stock: bool) -> list[list[Directive]]:
        got = self._directives.get(stock)
        if got is None:
            got = self._directives[stock] = [_directive_lines(lines, stock) for lines in self.read[0]]
        return got


_STOCK_FILES: dict[int, tuple[Any, _StockFiles]] = {}  # id of a distribution's `sshd_config` fact (or of None)


def _stock_files(known: _Knowledge, distro: dict[str, Any] | None) -> _StockFiles:
    got = _STOCK_FILES.get(id(distro))
    if got is not None and got[0] is distro:
        return got[1]
    files: dict[str, list[Line]] = {known.main: [Line(t, None, known.main) for t in (
        known.stock if distro is None else distro.get("main", ()))]}
    for name, lines in ((distro or {}).get("dropins") or {}).items():
        files[known.dropins + name] = [Line(t, None, known.dropins + name) for t in lines]
    made = _StockFiles(files, known.main)
    if len(_STOCK_FILES) >= 64:
        _STOCK_FILES.clear()
    _STOCK_FILES[id(distro)] = (distro, made)  # (the fact held: its id is not reused while the entry stands)
    return made


def _sshd_args(workload: Workload) -> Iterator[tuple[Command, tuple[Word, ...]]]:
    """Each command of the container's start that runs sshd, with the arguments sshd gets."""
    service = _knowledge().service
    for cmd in workload.process:
        start = match_command(service, cmd.argv)
        if start is not None:
            yield cmd, cmd.argv[start:]


def _config_file(started: list[tuple[Command, tuple[Word, ...]]]) -> str | None:
    """The file the container's sshd (`started`: `_sshd_args`) is told to read with `-f FILE` (`-f/path`
    too), if any."""
    for _cmd, args in started:
        for i, w in enumerate(args):
            if w.text == "-f" and i + 1 < len(args):
                return args[i + 1].text
            if w.text.startswith("-f") and len(w.text) > 2 and w.text[2] in "/.~$":
                return w.text[2:]
    return None


# what starts services other than by running their program: a service manager or init (whose own files say
# what it starts: `supervisord.conf`, s6/runit service directories, systemd units; phusion/baseimage's
# `my_init` runs runit, which starts `/etc/service/sshd` once its `down` file is gone), the distributions'
# service commands (`service ssh start`), an init script (`/etc/init.d/ssh start`)
_SERVICE_STARTERS = frozenset({"supervisord", "supervisorctl", "s6-svscan", "s6-rc", "runsvdir", "runsv", "sv", "init",
                               "systemd", "systemctl", "service", "rc-service", "openrc", "openrc-init", "ssh",
                               "sshd.sh", "start-sshd", "my_init"})
# programs that run a command given on their own command line (the scan reads that command too) or change
# only the shell's state, and programs known to serve or compute without starting other services: what a
# start may run and still be known to start no sshd. Anything else (an image's own `/start.sh`,
# `/usr/local/bin/entrypoint`, `honcho`) may start anything.
_WRAPPERS = frozenset({"exec", "env", "nohup", "nice", "tini", "dumb-init", "gosu", "su-exec", "setpriv", "time",
                       "cd", "export", "set", "umask", "ulimit", "source", ".", "true", ":", "echo", "printf",
                       "sleep", "mkdir", "chmod", "chown", "ln", "cp", "mv", "rm", "touch", "cat", "tail", "test",
                       "[", "wait", "trap", "conda", "micromamba", "mamba", "pip", "pip3"})
_QUIET = frozenset({"python", "python3", "ipython", "jupyter", "jupyter-lab", "jupyter-notebook", "node", "npm",
                    "java", "uvicorn", "gunicorn", "hypercorn", "fastapi", "flask", "streamlit", "gradio",
                    "tensorboard", "mlflow", "torchrun", "accelerate", "nginx"})
_SHELLS = frozenset({"sh", "bash", "dash", "ash", "zsh"})
_PYTHON = lazyre.compile(r"^python[23](?:\.\d+)?$")


def _start_runs_no_sshd(workload: Workload) -> bool:
    """Whether the container's start is known to the end and starts no sshd: the start is this scan's
    own (an `ENTRYPOINT`, a Kubernetes `command:`, a compose `entrypoint:`, or a `CMD` on a base image
    the catalog knows sets no `ENTRYPOINT`), and every command it runs is a wrapper, a shell running a
    script the scan read, or a program known not to start services (`_QUIET`); never a service manager."""
    if not workload.process or not _start_known(workload):
        return False  # the base image's start, or arguments to it: not known here
    known = _knowledge()
    read = {c.loc.file.rsplit("/", 1)[-1] for c in workload.process if c.loc.file}
    for cmd in workload.process:
        name = cmd.name
        if name in _SERVICE_STARTERS or match_command(known.service, cmd.argv) is not None:
            return False
        if name in _SHELLS:
            words = [w.text for w in cmd.args]
            first = next((i for i, w in enumerate(words) if not w.startswith("-")), len(words))
            if first == len(words) or any(not w.startswith("--") and "c" in w[1:] for w in words[:first]):
                continue  # `sh -c '...'` (its commands are read) or a bare shell
            if words[first].rsplit("/", 1)[-1] not in read:
                return False  # a script whose commands were not read
        elif name.endswith(".sh") or (cmd.argv and cmd.argv[0].text.startswith("./")):
            if name not in read:
                return False  # a script whose commands were not read
        elif name not in _WRAPPERS and name not in _QUIET and not _PYTHON.match(name):
            return False  # a program that may start anything
    return True


def _start_known(workload: Workload) -> bool:
    """Whether the container's start is what this scan shows: it sets the entrypoint itself, or its image
    sets none (the image catalog's `entrypoint` fact)."""
    entrypoint = workload.entrypoint
    if entrypoint is not None and entrypoint.value is not None:
        return True
    from glmlint.catalog.images import fact

    known = fact(_base(workload), "entrypoint")
    return known is not None and known.value == []


# forwarders that carry connections from elsewhere to a port of the container, so sshd sees them come from
# 127.0.0.1 (the program -> a word of its command line that makes it forward; None: any use). Narrow on
# purpose: cloudflared's `--url ssh://`/`tcp://` origin (Cloudflare's docs, "Connect with SSH"), `ngrok tcp`,
# a reverse tunnel `ssh -R`/`autossh -R`, `socat TCP-LISTEN:`, frp's client `frpc`
_FORWARDERS: dict[str, re.Pattern[str] | None] = {
    "cloudflared": re.compile(r"^(?:--url=)?(?:ssh|tcp)://"), "ngrok": re.compile(r"^tcp$"),
    "ssh": re.compile(r"^-[A-Za-z]*R"), "autossh": re.compile(r"^-[A-Za-z]*R"),
    "socat": re.compile(r"^tcp[46]?-listen:", re.I), "frpc": None}


def _tunnel(workload: Workload, ports: Callable[[], frozenset[str]]) -> bool:
    """Whether the workload's start, or a container beside it in its pod (sharing its loopback), runs a
    forwarder (`_FORWARDERS`) whose target is one of sshd's `ports()` (or is not known: frp's config file,
    a `tcp://` origin without a port)."""
    for cmd in (*workload.process, *workload.neighbours):
        if cmd.name in _FORWARDERS:
            word = _FORWARDERS[cmd.name]
            if word is None or any(word.match(w.text) for w in cmd.args):
                target = _target(cmd)
                if target is None or target in ports():
                    return True
    return False


_PORT = lazyre.compile(r":(\d+)/?$")


def _target(cmd: Command) -> str | None:
    """The port of this host a forwarder hands its connections to, when its command line says:
    cloudflared's `--url ssh://localhost:22` (`ssh://` without a port: 22), `ngrok tcp 22` /
    `localhost:22`, `ssh -R 2222:localhost:22`, socat's other address `TCP:127.0.0.1:22`."""
    words = [w.text for w in cmd.args]
    if cmd.name == "cloudflared":
        for w in words:
            url = w[len("--url="):] if w.startswith("--url=") else w
            if url.startswith(("ssh://", "tcp://")):
                m = _PORT.search(url)
                return m.group(1) if m else "22" if url.startswith("ssh://") else None
        return None
    if cmd.name == "ngrok":
        after = words[words.index("tcp") + 1:] if "tcp" in words else []
        addr = next((w for w in after if not w.startswith("-")), "")
        return addr.rsplit(":", 1)[-1] if addr.rsplit(":", 1)[-1].isdigit() else None
    if cmd.name in ("ssh", "autossh"):
        for i, w in enumerate(words):
            if re.match(r"^-[A-Za-z]*R", w):
                spec = w[w.index("R") + 1:] or (words[i + 1] if i + 1 < len(words) else "")
                parts = spec.split(":")
                return parts[-1] if len(parts) >= 3 and parts[-1].isdigit() else None
        return None
    if cmd.name == "socat":
        for w in words:
            m = re.match(r"^tcp[46]?(?:-connect)?:[^,]*:(\d+)(?:,|$)", w, re.I)
            if m:
                return m.group(1)
        return None
    return None


def _ports(sources: list[list[Directive]], started: list[tuple[Command, tuple[Word, ...]]]) -> frozenset[str]:
    """The ports sshd listens on: its `Port` lines and `-p` options (each adds one; `started`:
    `_sshd_args`), else 22."""
    ports = {d.value.strip() for src in sources for d in src if key(d.keyword) == "port"}
    for _cmd, args in started:
        words = [w.text for w in args]
        ports.update(words[i + 1] for i, w in enumerate(words[:-1]) if w == "-p")
        ports.update(w[2:] for w in words if w.startswith("-p") and w[2:].isdigit())
    return frozenset(ports or {"22"})


def _base(workload: Workload) -> str | None:
    return workload.base_image or (workload.image.value if workload.image is not None else None)


def _distribution(workload: Workload) -> dict[str, Any] | None:
    """The stock sshd files of the image's distribution where the image catalog knows them (its
    `sshd_config` fact: the main file's lines, `Include` where it stands, and the drop-ins the package
    installs, RHEL 9's `50-redhat.conf`); None: Debian's and Ubuntu's (the service catalog's `stock`)."""
    from glmlint.catalog.images import fact

    known = fact(_base(workload), "sshd_config")
    return known.value if known is not None and isinstance(known.value, dict) else None


def _alpine(workload: Workload) -> bool:
    """Whether the image builds on Alpine (its `/bin/sh` is BusyBox's, the image catalog says), whose
    `openssh-server` is built without PAM and whose stock sshd_config is upstream's (`#UsePAM no`)."""
    image = _base(workload)
    if not image:
        return False
    from glmlint.catalog.images import sh

    return sh(image) == "busybox"
