"""Who may run what through sudo without a password, resolved as sudo reads its files.

sudo reads `/etc/sudoers`, whose stock Debian/Ubuntu and Fedora/RHEL versions
end with `@includedir /etc/sudoers.d` (`#includedir` before sudo 1.9.1); each
file there is read in name order, except names that end in `~` or contain a
`.` (sudoers(5), "Including other files from within sudoers"). The model of
the image's files starts from the stock lines of those distributions, so a
`sed -i` that uncomments Fedora's `# %wheel ALL=(ALL) NOPASSWD: ALL` is
replayed; text written by `echo`/`tee`/heredocs/`COPY` is taken as written.
A user rule is `User_List Host_List = [(Runas)] [Tags:] Cmnd, ...`; `NOPASSWD:`
holds for the commands after it until a `PASSWD:`, a runas list that is
omitted means root, and `Defaults[:user] !authenticate` makes every rule of
those users passwordless. Group membership comes from the build steps
(`useradd -G`, `usermod -aG`, `adduser user group`, `gpasswd -a`,
`addgroup user group`) and the group of the user's own name that `useradd`
and `adduser` create. Sources: https://www.sudo.ws/docs/man/sudoers.man/
(sudo 1.9); Debian's `debian/sudoers` (sudo 1.9.13) and Fedora's `sudoers`
(sudo 1.9.15) for the stock lines.
"""
from __future__ import annotations

import posixpath
import re

from glmlint import lazyre
from glmlint.buildfiles import Files, Line, chown_operands, fills, installs, package_pattern, replay
from glmlint.ir import Command, FileWrite, Format, Workload
from glmlint.records import dataclass
from glmlint.shell import getopt

MAIN = "/etc/sudoers"
DROPIN = "/etc/sudoers.d/"
# The user-rule and include lines of the stock /etc/sudoers of Debian/Ubuntu and Fedora/RHEL.
STOCK = ("root\tALL=(ALL:ALL) ALL", "%sudo\tALL=(ALL:ALL) ALL", "%admin ALL=(ALL) ALL",
         "%wheel\tALL=(ALL)\tALL", "# %wheel\tALL=(ALL)\tNOPASSWD: ALL", "@includedir /etc/sudoers.d")
_TAGS = {"NOPASSWD", "PASSWD", "NOEXEC", "EXEC", "SETENV", "NOSETENV", "LOG_INPUT", "NOLOG_INPUT",
         "LOG_OUTPUT", "NOLOG_OUTPUT", "MAIL", "NOMAIL", "FOLLOW", "NOFOLLOW", "INTERCEPT", "NOINTERCEPT"}
_TAG = lazyre.compile(r"^([A-Z_]+)\s*:\s*")
_OPTION = lazyre.compile(r"^(?:CWD|CHROOT|ROLE|TYPE|TIMEOUT|NOTBEFORE|NOTAFTER|APPARMOR_PROFILE|PRIVS|LIMITPRIVS)"
                     r"\s*=\s*\S+\s*")
_INCLUDE = lazyre.compile(r"^[#@]include(dir)?\s+(\S+)")
_VAR = lazyre.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?::?-([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)")


@dataclass(frozen=True, slots=True)
class Grant:
    """A sudoers rule that lets `principal` run every command as root without a password."""

    principal: str  # as sudo matches it, variables resolved: `dev`, `%sudo`, `ALL`, `#1000`
    line: Line
    text: str = ""  # the rule, variables resolved and blanks collapsed
    file: str = ""  # its file in the image, variables resolved
    only: tuple[str, ...] | None = None  # passwordless only for these users (`Defaults:user !authenticate`)
    blanked: str = ""  # the build step that left the password of the users `only` names empty (`passwd -d dev`)

    def applies(self, who: Identity) -> bool:
        """Whether the rule gives `who` passwordless root."""
        return who.matches(self.principal) and (self.only is None or any(who.matches(p) for p in self.only))


def lines(workload: Workload) -> list[Line]:
    """The lines sudo reads in the image, in order (stock lines included)."""
    files: dict[str, list[Line]] = {MAIN: [Line(t, None, MAIN) for t in STOCK]}
    for path, written in _base_lines(workload).items():
        files[path] = files.get(path, []) + written
    replay(workload, files, _WHERE, _apply)
    out: list[Line] = []
    for line in files[MAIN]:
        m = _INCLUDE.match(line.text.strip())
        if m and m.group(1) and m.group(2).rstrip("/") + "/" == DROPIN:
            for path in sorted(p for p in files if p.startswith(DROPIN)):
                name = path[len(DROPIN):]
                if name and "/" not in name and "." not in name and not name.endswith("~"):  # sudo skips those
                    out.extend(files[path])
        elif not m:
            out.append(line)
    return out


_WHERE = Files(MAIN, DROPIN)


def _base_sudoers(workload: Workload) -> bool:
    """Whether the image catalog states sudoers lines for the workload's base image."""
    if not workload.base_image:
        return False
    from glmlint.catalog.images import fact

    return fact(workload.base_image, "sudoers") is not None


def _base_lines(workload: Workload) -> dict[str, list[Line]]:
    """The sudoers lines the base image's own build wrote (the image catalog's `sudoers`: path -> lines),
    located at the `FROM` that pulls it (a compose service: at the service), unless a build step
    removes the sudo package."""
    if not workload.base_image:
        return {}
    from glmlint.catalog.images import fact

    got = fact(workload.base_image, "sudoers")
    if got is None or not isinstance(got.value, dict) or _removes_sudo(workload):
        return {}
    image = workload.image
    at = image.loc if workload.format is Format.DOCKERFILE and image is not None else workload.anchor
    return {str(path): [Line(str(t), at, str(path), base=workload.base_image) for t in texts]
            for path, texts in got.value.items()}


_REMOVERS = {"apt-get": ("remove", "purge"), "apt": ("remove", "purge"), "apk": ("del",),
             "yum": ("remove", "erase"), "dnf": ("remove", "erase"), "microdnf": ("remove",),
             "dpkg": ("-r", "--remove", "-P", "--purge")}
# where the distributions' sudo packages put the program (Debian/Ubuntu, Fedora/RHEL, Alpine: /usr/bin)
_SUDO_PROGRAMS = frozenset({"/usr/bin/sudo", "/bin/sudo", "/usr/local/bin/sudo"})


def _removes_sudo(workload: Workload) -> bool:
    """Whether the build's last word on sudo removes it: the package (`apt-get purge -y sudo`, `dpkg -P
    sudo`) or the program (`rm -f /usr/bin/sudo`); the rules then have no program to read them."""
    package = package_pattern(("sudo",))
    removed = False
    for cmd in workload.build_steps:
        subs = _REMOVERS.get(cmd.name)
        words = [w.text for w in cmd.args]
        if subs is not None and any(s in words for s in subs) and any(package.match(w) for w in words):
            removed = True
        elif cmd.name == "rm" and any(w in _SUDO_PROGRAMS for w in words):
            removed = True
        elif installs(cmd, package):
            removed = False
    return removed


def _apply(old: list[Line], write: FileWrite) -> list[Line]:
    if write.mode == "delete":  # `sed -i '/^ray ALL/d' /etc/sudoers`
        if write.pattern is None:
            return old
        regex = re.compile(write.pattern)
        return [line for line in old if not regex.search(line.text)]
    new = [Line(t, write.loc, write.path, write.source) for t in _logical(write.text)]
    if write.mode == "write":
        return new
    if write.mode == "append":
        return old + new
    if write.pattern is None:
        return old + new if write.replace is None else old  # `sed '$a …'` adds its text
    try:
        regex = re.compile(write.pattern)
    except re.error:
        return old
    address = re.compile(write.address) if write.address is not None else None
    out = []
    for line in old:
        if regex.search(line.text) and (address is None or address.search(line.text)):
            text = regex.sub(write.replace or "", line.text, count=0 if write.global_ else 1)
            out.extend(Line(t, write.loc, write.path, write.source) for t in text.split("\n"))
        else:
            out.append(line)
    return out


def _logical(text: str) -> list[str]:
    """Lines with `\\` continuations joined."""
    return re.sub(r"\\\n", " ", text).split("\n")


def grants(workload: Workload) -> list[Grant]:
    """The rules that give someone passwordless root for every command: written by a build step, or
    a stock rule whose user's password a build step left empty (in an image that has sudo)."""
    if not any(c.name in _BLANKERS for c in workload.build_steps) and not any(
            w.path == MAIN or w.path.startswith(DROPIN) for w in workload.files) and not _base_sudoers(workload) \
            and not any(fills(c, _WHERE) for c in workload.build_steps):
        # (most workloads, asked by GLM019 for every Dockerfile and built service) no build step writes
        # a file sudo reads, nor did the base image's: `lines` would give the stock lines only, and the
        # test below says []
        return []
    sudo_lines = lines(workload)
    if all(line.loc is None for line in sudo_lines) and not any(
            c.name in _BLANKERS for c in workload.build_steps):
        # only stock lines: every grant `_grants` makes needs a line a build step wrote (its own,
        # or the `Defaults … !authenticate` that turns the password off) or a password a build step
        # left empty
        return []
    return _grants(workload, sudo_lines)


def _grants(workload: Workload, sudo_lines: list[Line]) -> list[Grant]:
    """`grants`, from the lines sudo reads."""
    if _removes_sudo(workload):
        return []  # no program reads the rules
    resolve = _resolver(workload)
    no_auth: dict[str, Line] = {}  # `Defaults[:user] !authenticate`: principal ("*": everyone) -> its line
    for line in sudo_lines:
        text = _strip_comment(line.text)
        m = re.match(r"^Defaults(?:([:>])(\S+))?\s+(.*)$", text)
        if m and line.loc is not None and re.search(r"(^|[\s,])!\s*authenticate\b", m.group(3)):
            if m.group(1) is None:
                no_auth["*"] = line
            elif m.group(1) == ":":
                no_auth.update((resolve(p), line) for p in m.group(2).split(","))
    blank = _blank_passwords(workload.build_steps, resolve)
    if blank and not _has_sudo(workload, sudo_lines):
        blank = {}
    aliases = _user_aliases(sudo_lines)
    out: list[Grant] = []
    for line in sudo_lines:
        rule = _user_rule(_strip_comment(line.text))
        if rule is None:
            continue
        principals, nopasswd_all, root_all = rule
        for principal in _expand(principals, aliases):
            who = resolve(principal)
            if nopasswd_all and line.loc is not None:
                out.append(Grant(who, line, " ".join(resolve(line.text).split()), resolve(line.file)))
            elif root_all and no_auth:
                # the rule asks for a password, which a `Defaults … !authenticate` line turned off
                users = None if "*" in no_auth else tuple(no_auth)
                at = line if line.loc is not None else no_auth.get("*") or next(iter(no_auth.values()))
                out.append(Grant(who, at, " ".join(resolve(at.text).split()), resolve(at.file), users))
            elif root_all:
                # the rule asks for the password of a user whose password a build step deleted: PAM's
                # pam_unix with `nullok` (Debian's and Fedora's stock PAM stacks, which sudo's include)
                # authenticates a user with an empty password without asking for one
                text = " ".join(resolve(line.text).split())
                for login, step in blank.items():
                    out.append(Grant(who, Line(line.text, step.loc, line.file), text, resolve(line.file),
                                     (login,), " ".join(resolve(w) for w in step.words())))
    return out


# sudoers(5): `User_Alias NAME = User_List [: NAME = User_List]…`, NAME upper-case letters, digits and `_`
_USER_ALIAS = lazyre.compile(r"^User_Alias\s+(.*)$")
_ALIAS_DEF = lazyre.compile(r"^\s*([A-Z][A-Z0-9_]*)\s*=\s*(.*?)\s*$")


def _user_aliases(sudo_lines: list[Line]) -> dict[str, list[str]]:
    """The `User_Alias` definitions of the lines sudo reads: name -> its members as written."""
    out: dict[str, list[str]] = {}
    for line in sudo_lines:
        m = _USER_ALIAS.match(_strip_comment(line.text))
        if m is None:
            continue
        for part in re.split(r"(?<!\\):", m.group(1)):
            d = _ALIAS_DEF.match(part)
            if d is not None:
                out.setdefault(d.group(1), []).extend(
                    w.strip() for w in d.group(2).split(",") if w.strip() and not w.strip().startswith("!"))
    return out


def _expand(principals: list[str], aliases: dict[str, list[str]]) -> list[str]:
    """`principals` with each User_Alias replaced by its members (an alias may name another)."""
    out: list[str] = []
    todo, seen = list(principals), set()
    while todo:
        p = todo.pop(0)
        if p in aliases:
            if p not in seen:
                seen.add(p)
                todo.extend(aliases[p])
        elif p not in out:
            out.append(p)
    return out


def _has_sudo(workload: Workload, sudo_lines: list[Line]) -> bool:
    """Whether the image has sudo, as far as its build shows: a build step installs the package or
    writes sudo's rules. The distributions' base images do not ship it (Debian, Ubuntu, Fedora,
    Alpine), so a stock rule alone grants nothing there."""
    if any(line.loc is not None for line in sudo_lines):
        return True
    package = package_pattern(("sudo", "sudo-rs"))  # (asked only where a build step emptied a password)
    return any(installs(cmd, package) for cmd in workload.build_steps)


# the commands `_blank_passwords` reads
_BLANKERS = frozenset({"passwd", "usermod", "useradd", "chpasswd", "chage"})
_USERMOD_VALUE = {"-c", "--comment", "-d", "--home", "-e", "--expiredate", "-f", "--inactive", "-g", "--gid",
                  "-G", "--groups", "-l", "--login", "-p", "--password", "-s", "--shell", "-u", "--uid", "-R",
                  "--root", "-P", "--prefix", "-Z", "--selinux-user", "-v", "--add-subuids", "-V",
                  "--del-subuids", "-w", "--add-subgids", "-W", "--del-subgids"}

_CHAGE_VALUE = {"-d", "--lastday", "-E", "--expiredate", "-I", "--inactive", "-m", "--mindays", "-M",
                "--maxdays", "-W", "--warndays", "-R", "--root", "-P", "--prefix"}
_PASSWD_VALUE = {"-n", "--mindays", "-x", "--maxdays", "-w", "--warndays", "-i", "--inactive", "-r", "--repository",
                 "-R", "--root", "-P", "--prefix"}


def _blank_passwords(steps: list[Command], resolve) -> dict[str, Command]:  # type: ignore[no-untyped-def]
    """login -> the build step that leaves its password empty (the shadow field blank, not a hash of
    an empty string): `passwd -d`/`--delete`, `usermod -p ''`, `useradd -p ''`; a later password
    (`chpasswd`, `usermod -p HASH`), lock (`passwd -l`, `usermod -L`) or expiry (`passwd -e`, `chage
    -d 0`: sudo then asks for a new one) undoes it. Sources: passwd(1), usermod(8), chage(1) (shadow
    4.13)."""
    out: dict[str, Command] = {}
    for cmd in steps:
        if cmd.name not in _BLANKERS:
            continue
        if cmd.name == "chpasswd":
            for row in (cmd.stdin or "").splitlines():
                out.pop(resolve(row.partition(":")[0].strip()), None)
            continue
        takes = {"useradd": _USERADD_VALUE, "usermod": _USERMOD_VALUE, "chage": _CHAGE_VALUE}.get(
            cmd.name, _PASSWD_VALUE)
        opts, plain = getopt(_words(cmd, resolve), takes)
        if not plain:
            continue
        login = plain[-1] if cmd.name != "useradd" else plain[0]
        flags = dict(opts)
        if cmd.name == "chage":
            if flags.get("-d", flags.get("--lastday")) == "0":
                out.pop(login, None)
            continue
        if cmd.name == "passwd":
            if "-e" in flags or "--expire" in flags or "-l" in flags or "--lock" in flags:
                out.pop(login, None)
            elif "-d" in flags or "--delete" in flags:
                out[login] = cmd
            continue
        if cmd.name == "usermod" and ("-L" in flags or "--lock" in flags):
            out.pop(login, None)
            continue
        password = flags.get("-p", flags.get("--password"))
        if password == "":
            out[login] = cmd
        elif password is not None:
            out.pop(login, None)
    return out


def _strip_comment(text: str) -> str:
    """The line without its comment (`#` not followed by a digit: `#1000` is a uid)."""
    text = text.strip()
    if _INCLUDE.match(text):
        return ""
    m = re.search(r"#(?![0-9])", text)
    return (text[:m.start()] if m else text).strip()


def _user_rule(text: str) -> tuple[list[str], bool, bool] | None:
    """(principals, NOPASSWD for ALL as root, ALL as root) of a user rule; None for other lines."""
    if not text or text.startswith(("Defaults", "User_Alias", "Runas_Alias", "Host_Alias", "Cmnd_Alias",
                                    "Cmd_Alias", "@")):
        return None
    left, eq, right = text.partition("=")
    if not eq:
        return None
    left = re.sub(r"\s*,\s*", ",", left.strip())
    parts = left.split()
    if len(parts) != 2:
        return None
    principals = [p for p in parts[0].split(",") if p and not p.startswith("!")]
    nopasswd = False
    runas_root = True
    nopasswd_all = root_all = False
    for item in _split_commands(right):
        item = item.strip()
        if item.startswith("("):
            end = item.find(")")
            if end < 0:
                return None
            runas_root = _runs_as_root(item[1:end])
            item = item[end + 1:].strip()
        while True:
            m = _TAG.match(item)
            if m and m.group(1) in _TAGS:
                if m.group(1) == "NOPASSWD":
                    nopasswd = True
                elif m.group(1) == "PASSWD":
                    nopasswd = False
                item = item[m.end():]
                continue
            o = _OPTION.match(item)
            if o:
                item = item[o.end():]
                continue
            break
        if (item.strip() == "ALL" or _any_command(item)) and runas_root:
            root_all = True
            nopasswd_all = nopasswd_all or nopasswd
    return principals, nopasswd_all, root_all


# Programs that run whatever command they are given: a shell, `su`, `env`, `sudo` itself. Named in
# a rule with no arguments, sudo lets them take any (sudoers(5) of sudo 1.9.15, "Cmnd_List": a
# command named without arguments may be run with any), so `sudo bash -c CMD` runs every command
# as root; with its arguments written, only those (`/bin/bash /opt/start.sh`).
_COMMAND_RUNNERS = frozenset({"sh", "bash", "dash", "zsh", "ksh", "mksh", "ash", "fish", "csh", "tcsh",
                              "su", "env", "sudo"})


def _any_command(item: str) -> bool:
    """A Cmnd that is a program running any command it is given, with any arguments."""
    words = item.split()
    return (len(words) == 1 or (len(words) == 2 and words[1] == "*")) and words[0].startswith("/") \
        and words[0].rsplit("/", 1)[1] in _COMMAND_RUNNERS


def _split_commands(text: str) -> list[str]:
    """A Cmnd_Spec_List split at commas outside parentheses; later `: Host = …` specs dropped."""
    text = re.split(r"\s:\s*[A-Za-z0-9_.,!-]+\s*=", text, maxsplit=1)[0]
    out, depth, cur = [], 0, ""
    for ch in text:
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth = max(0, depth - 1)
        elif ch == "," and not depth:
            out.append(cur)
            cur = ""
            continue
        cur += ch
    return [*out, cur]


def _runs_as_root(spec: str) -> bool:
    """A runas spec `(users[:groups])` that allows root; `(:group)` runs as the invoking user."""
    users = spec.split(":", 1)[0].strip()
    if not users:
        return False
    names = [u.strip() for u in users.split(",")]
    return any(n in ("ALL", "root", "#0") for n in names)


def _resolver(workload: Workload):  # type: ignore[no-untyped-def]
    """`$NAME`/`${NAME}`/`${NAME:-x}` as the build's shell sees them: ENV and ARG defaults."""
    values: dict[str, str] = dict(_image_facts(workload, "env") or {})  # the base image's own ENV first
    for var in (*workload.build_args, *workload.env):
        if var.value is not None:
            values[var.name] = var.value

    def resolve(text: str) -> str:
        def one(m: re.Match[str]) -> str:
            name = m.group(1) or m.group(3)
            if name in values:
                return values[name]
            if m.group(2) is not None:
                return m.group(2)
            return "${" + name + "}"  # unknown: one spelling, so that `$U` and `${U}` compare equal

        return _VAR.sub(one, text) if "$" in text else text

    return resolve


# -- who the runtime user is -----------------------------------------------------------

_USERADD_VALUE = {"-b", "--base-dir", "-c", "--comment", "-d", "--home", "--home-dir", "-e", "--expiredate",
                  "-f", "--inactive", "-g", "--gid", "-G", "--groups", "-k", "--skel", "-K", "--key",
                  "-p", "--password", "-s", "--shell", "-u", "--uid", "-R", "--root", "-P", "--prefix",
                  "-Z", "--selinux-user", "--ingroup", "--gecos", "--firstuid", "--lastuid", "--conf",
                  "--firstgid", "--lastgid", "-h"}


@dataclass(frozen=True, slots=True)
class Identity:
    """The runtime user as sudo matches it: names, uids and groups."""

    names: frozenset[str]
    uids: frozenset[str]
    groups: frozenset[str]

    def matches(self, principal: str) -> bool:
        if principal == "ALL":
            return True
        if principal.startswith("%#"):
            return False  # a gid: not modelled
        if principal.startswith("%"):
            return principal[1:].lstrip(":") in self.groups
        if principal.startswith("#"):
            return principal[1:] in self.uids
        return principal in self.names


def identity(workload: Workload) -> Identity | None:
    """The runtime user when it is not root (None for root or no user), with its groups."""
    user = workload.user.value
    if user is None or user.is_root() is True:
        return None
    return _identity_of(workload, user.name, user.group)


def _identity_of(workload: Workload, user: str, group: str | None) -> Identity:
    """`user` (a login or uid, with its `group` if given) as sudo matches it: the names, uids and groups the
    build and the base image's accounts give it."""
    resolve = _resolver(workload)
    name = resolve(user)
    names = {name}
    uids: set[str] = {name} if name.isdigit() else set()
    groups: set[str] = set()
    if group:
        groups.add(resolve(group))
    steps = [c for c in workload.build_steps]
    known_accounts = _image_facts(workload, "accounts")  # None: the catalog does not know them
    base_accounts = known_accounts or {}
    for login, uid in _uids(steps, resolve, known_accounts).items():  # `useradd -u 1000 dev`, `useradd dev`
        if uid in names or login in names:
            names.add(login)
            uids.add(uid)
    for login, uid in base_accounts.items():  # users the base image created
        if uid in names or login in names or uid in uids:
            names.update((login, uid))
            uids.add(uid)
    for cmd in steps:
        created = _created(cmd, resolve)
        if created is not None and created[0] in names:
            groups.update(created[2])
        for login, group in _memberships(cmd, resolve):
            if login in names:
                groups.add(group)
    return Identity(frozenset(names), frozenset(uids), frozenset(groups))


# The range regular users' uids are taken from: shadow's login.defs UID_MIN/UID_MAX (Debian, Ubuntu,
# Fedora, RHEL) and Debian adduser.conf's FIRST_UID/LAST_UID (1000-59999); BusyBox `adduser` starts
# after its last system id, 999.
_UID_MIN, _UID_MAX = 1000, 59999


def _uids(steps: list[Command], resolve, base: dict[str, str] | None) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """login -> uid of the users the build steps create, in order. A user created without `-u` gets
    the uid its tool allocates (shadow `useradd`: one above the highest uid in use in the range, or
    UID_MIN; `adduser`: the lowest free one), counting the base image's accounts the catalog states
    (`base`) and the users `userdel` removed. When the catalog does not know the base image's accounts
    (`base` None: node's `node` and code-server's `coder` already hold 1000), such a user gets none. A
    system user (`-r`, `--system`) or a tool told another range (`-K UID_MIN=…`, `--firstuid`) gets
    none either."""
    used: dict[str, int] = {login: int(uid) for login, uid in (base or {}).items()
                            if uid.isdigit() and _UID_MIN <= int(uid) <= _UID_MAX}
    out: dict[str, str] = {}
    for cmd in steps:
        if cmd.name in ("userdel", "deluser"):
            for w in _words(cmd, resolve):
                if not w.startswith("-"):
                    used.pop(w, None)
            continue
        created = _created(cmd, resolve)
        if created is None:
            continue
        login, uid, _groups = created
        if uid is None and base is not None and not _own_range(cmd, resolve):
            taken = set(used.values())
            if cmd.name == "useradd":
                top = max(taken, default=_UID_MIN - 1) + 1
                uid = str(top if top <= _UID_MAX else next(i for i in range(_UID_MIN, _UID_MAX + 1) if i not in taken))
            else:
                uid = str(next(i for i in range(_UID_MIN, _UID_MAX + 1) if i not in taken))
        if uid is None:
            continue
        out[login] = uid
        if uid.isdigit() and _UID_MIN <= int(uid) <= _UID_MAX:
            used[login] = int(uid)
    return out


def _own_range(cmd: Command, resolve) -> bool:  # type: ignore[no-untyped-def]
    """Whether a `useradd`/`adduser` takes its uid from another range than the regular users': a
    system user (`-r`, `--system`, BusyBox `-S`), or a range given on the command line."""
    opts, _plain = getopt(_words(cmd, resolve), _USERADD_VALUE)
    return any(flag in ("-r", "--system", "-S", "-K", "--key", "--firstuid", "--lastuid", "--conf")
               for flag, _value in opts)


def _image_facts(workload: Workload, name: str) -> dict[str, str] | None:
    """A mapping the image catalog states for the workload's base image (`env`, `accounts`); None
    when it states none."""
    if not workload.base_image:
        return None
    from glmlint.catalog.images import fact

    got = fact(workload.base_image, name)
    if got is None or not isinstance(got.value, dict):
        return None
    return {str(k): str(v) for k, v in got.value.items()}


def _words(cmd: Command, resolve) -> list[str]:  # type: ignore[no-untyped-def]
    return [resolve(w.text) for w in cmd.args]


def _created(cmd: Command, resolve) -> tuple[str, str | None, set[str]] | None:  # type: ignore[no-untyped-def]
    """(login, uid, groups) of a `useradd`/`adduser` that creates a user."""
    if cmd.name not in ("useradd", "adduser"):
        return None
    uid: str | None = None
    groups: set[str] = set()
    own_group = True
    opts, plain = getopt(_words(cmd, resolve), _USERADD_VALUE)
    for flag, value in opts:
        if flag in ("-u", "--uid"):
            uid = value
        elif flag in ("-G", "--groups"):
            groups.update(g for g in value.split(",") if g)
            if cmd.name == "adduser":  # busybox `adduser -G group`: the primary group
                own_group = False
        elif flag in ("-g", "--gid", "--ingroup") and not (cmd.name == "adduser" and flag == "-g"):
            groups.add(value)  # (busybox `adduser -g` is the GECOS field)
            own_group = False
        elif flag in ("-N", "--no-user-group"):
            own_group = False
    if not plain:
        return None
    login = plain[0]
    if cmd.name == "adduser" and len(plain) >= 2:
        return None  # `adduser user group` adds an existing user to a group (see _memberships)
    if own_group:
        groups.add(login)  # useradd (USERGROUPS_ENAB yes) and adduser create a group of the same name
    return login, uid, groups


_MEMBERSHIPS = frozenset({"usermod", "adduser", "addgroup", "gpasswd"})  # the commands `_memberships` reads


def _memberships(cmd: Command, resolve) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    """(login, group) pairs a command adds: `usermod -aG g u`, `adduser u g`, `gpasswd -a u g`."""
    if cmd.name not in _MEMBERSHIPS:
        return []  # (its words not resolved: a build's other commands)
    words = _words(cmd, resolve)
    plain = [w for w in words if not w.startswith("-")]
    if cmd.name == "usermod":
        groups: list[str] = []
        i = 0
        while i < len(words):
            w = words[i]
            flag, eq, inline = w.partition("=")
            if flag in ("-G", "--groups", "-g", "--gid") or (w.startswith("-") and not w.startswith("--")
                                                           and w.endswith("G") and len(w) > 2):
                value = inline if eq else (words[i + 1] if i + 1 < len(words) else "")
                groups.extend(g for g in value.split(",") if g)
                i += 1 if eq else 2
                continue
            i += 1
        login = words[-1] if words and not words[-1].startswith("-") else ""
        return [(login, g) for g in groups] if login else []
    if cmd.name in ("adduser", "addgroup") and len(plain) == 2 and not any(
            w.startswith("-") for w in words):
        return [(plain[0], plain[1])]
    if cmd.name == "gpasswd":
        for i, w in enumerate(words):
            if w in ("-a", "--add") and i + 2 < len(words):
                return [(words[i + 1], words[i + 2])]
    return []


# -- the accounts the build makes (GLM001's fix user) ----------------------------------

@dataclass(frozen=True, slots=True)
class Account:
    """A user the image build creates and keeps."""

    login: str
    uid: str | None  # given (`-u 4242`) or as `_uids` allocates it; None when not known
    home: bool  # whether its home directory is made
    owns: bool  # whether a build step gives it files (`chown worker /app`, `chown -R 4242:4242 /data`)
    sudo: bool = False  # whether the build gives it passwordless sudo for every command (`grants`)
    home_dir: str = ""  # its home directory (`-d`/`--home-dir`, `-b DIR`/login, adduser's `--home`/`-h`; else /home/login)


def built_accounts(workload: Workload) -> list[Account]:
    """The users the final stage's build creates (`useradd`, `adduser`) and does not remove, after the base image's
    regular accounts the image catalog states (`accounts`: node's `node`), in order, with whether
    the build gives each passwordless sudo for every command (GLM019's `grants`). A home is
    made by `useradd -m` (without it shadow's `useradd` makes none where login.defs sets no CREATE_HOME, as
    Debian's and Ubuntu's), and by `adduser` unless `--no-create-home`/`-H` (Debian's adduser and BusyBox's make
    it by default; a `--system`/`-S` user only with `--home`/`-h`). A `chown` gives files to the user its
    first operand names before `:`/`.` (coreutils chown(1)), by login or uid; `--reference` names none; so does a
    `COPY --chown=USER`/`ADD --chown=USER` (`Workload.copy_owners`)."""
    resolve = _resolver(workload)
    steps = list(workload.build_steps)
    base = _image_facts(workload, "accounts")
    uids = _uids(steps, resolve, base)
    # the base image's own regular accounts the catalog states (node's `node`, made with `--create-home`)
    made: dict[str, Account] = {login: Account(login, uid, True, False, home_dir=f"/home/{login}")
                                for login, uid in (base or {}).items() if uid.isdigit() and int(uid) >= _UID_MIN}
    owners: set[str] = {user for user, _dest in workload.copy_owners}  # `COPY --chown=user`
    for cmd in steps:
        if cmd.name in ("userdel", "deluser"):
            for w in _words(cmd, resolve):
                made.pop(w, None)
            continue
        if cmd.name == "chown":
            got = chown_operands(_words(cmd, resolve))
            if got is not None:
                owners.add(got[0])
            continue
        created = _created(cmd, resolve)
        if created is None:
            continue
        login, uid, _groups = created
        opts = getopt(_words(cmd, resolve), _USERADD_VALUE)[0]
        flags = {f for f, _v in opts}
        values = dict(opts)
        if cmd.name == "useradd":
            home = bool(flags & {"-m", "--create-home"}) and not flags & {"-M", "--no-create-home"}
            # shadow's useradd(8): `-d HOME_DIR`, else `-b BASE_DIR` (login.defs' HOME, /home) and the login
            path = values.get("-d") or values.get("--home-dir") or values.get("--home") or \
                posixpath.join(values.get("-b") or values.get("--base-dir") or "/home", login)
        else:
            home = not flags & {"--no-create-home", "-H"} and \
                (not flags & {"--system", "-S"} or bool(flags & {"--home", "-h"}))
            path = values.get("--home") or values.get("-h") or f"/home/{login}"  # Debian's adduser, BusyBox's
        made[login] = Account(login, uids.get(login, uid), home, False, home_dir=posixpath.normpath(path))
    rules = grants(workload) if made else []
    return [Account(a.login, a.uid, a.home, a.login in owners or a.uid is not None and a.uid in owners,
                    any(g.applies(_identity_of(workload, a.login, None)) for g in rules), a.home_dir)
            for a in made.values()]
