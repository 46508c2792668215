"""Downloads and the interpreters that run them, read from the shell IR.

What the programs do, from their manuals: `curl` writes what it fetches to
standard output unless `-o FILE`/`--output FILE` (`-o -` is standard output)
or `-O`/`--remote-name` names a file (https://curl.se/docs/manpage.html);
`wget` writes a file named after the URL unless `-O -`/`--output-document=-`
sends it to standard output (https://www.gnu.org/software/wget/manual/wget.html).
A shell reads its script from standard input when it has no `-c` and no
script operand, or `-s` (POSIX `sh`); `python`, `perl`, `ruby` and `node` do
when they get no script operand or `-` and no `-c`/`-m`/`-e`/`-p`.
"""
from __future__ import annotations

import posixpath
import re
from collections.abc import Iterable
from dataclasses import dataclass

from glmlint.ir import Command, Word
from glmlint.shell import SHELLS

_PYTHON = re.compile(r"^(?:python|pypy)[0-9.]*$")
_OTHER_INTERPRETERS = {"perl", "ruby", "node", "nodejs"}
# short options that take a value, per program (so `-fsSLo file` is read as curl reads it)
_CURL_VALUE = set("oduXAebcFTwxmCrYyzKEQtUDHP")
_CURL_LONG_VALUE = {"--output", "--data", "--header", "--user", "--request", "--user-agent", "--referer",
                    "--cookie", "--cookie-jar", "--form", "--upload-file", "--write-out", "--proxy",
                    "--max-time", "--retry", "--connect-timeout", "--proto", "--proto-redir", "--cacert",
                    "--cert", "--key", "--output-dir", "--range", "--dump-header", "--config", "--url",
                    "--retry-delay", "--retry-max-time", "--limit-rate", "--resolve", "--tlsv1.2"}
_WGET_VALUE = set("OoaPeTtUwQiBlDR")
_WGET_LONG_VALUE = {"--output-document", "--output-file", "--directory-prefix", "--header", "--user-agent",
                    "--timeout", "--tries", "--wait", "--quota", "--input-file", "--user", "--password"}
_SHELL_VALUE = {"-o", "+o", "-O", "+O", "--rcfile", "--init-file"}
_PYTHON_VALUE = {"-W", "-X", "--check-hash-based-pycs"}
_PASS_THROUGH = {"tee", "cat"}  # pass their input on (cat without file operands)
# the programs `is_check` reads the words of (the others are checksum tools by name, or not checks)
_VERIFIERS = {"gpg", "gpg2", "gpgv", "cosign", "minisign", "openssl"}
_CHECKSUMS = re.compile(r"^(?:sha(?:1|224|256|384|512)sum|md5sum|b2sum|shasum|cksum|rhash)$")
_COMMIT_PINNED = re.compile(r"/[0-9a-f]{40}/")  # a URL naming a git commit: its content cannot change


@dataclass(frozen=True, slots=True)
class Download:
    """A command that fetches a URL: where it writes (None: standard output)."""

    command: Command
    url: str
    output: str | None

    @property
    def pinned(self) -> bool:
        """The URL names a git commit (`raw.githubusercontent.com/o/r/<sha>/install.sh`)."""
        return bool(_COMMIT_PINNED.search(self.url))


def download(cmd: Command) -> Download | None:
    """The download `cmd` makes, if it is a `curl` or `wget` of a URL."""
    name = cmd.name
    if name == "curl":
        return _curl(cmd)
    if name == "wget":
        return _wget(cmd)
    return None


def _options(args: tuple[Word, ...], short_value: set[str], long_value: set[str]
             ) -> tuple[list[tuple[str, str | None]], list[str]]:
    """([(option, value)], operands): short clusters split, values taken as the program takes them."""
    opts: list[tuple[str, str | None]] = []
    operands: list[str] = []
    i = 0
    while i < len(args):
        t = args[i].text
        if t.startswith("--") and len(t) > 2:
            name, eq, value = t.partition("=")
            if eq:
                opts.append((name, value))
            elif name in long_value and i + 1 < len(args):
                opts.append((name, args[i + 1].text))
                i += 1
            else:
                opts.append((name, None))
        elif t.startswith("-") and len(t) > 1:
            k = 1
            while k < len(t):
                c = t[k]
                if c in short_value:
                    rest = t[k + 1:]
                    if rest:
                        opts.append(("-" + c, rest))
                    elif i + 1 < len(args):
                        opts.append(("-" + c, args[i + 1].text))
                        i += 1
                    else:
                        opts.append(("-" + c, None))
                    break
                opts.append(("-" + c, None))
                k += 1
        else:
            operands.append(t)
        i += 1
    return opts, operands


def _url(operands: list[str], opts: list[tuple[str, str | None]]) -> str | None:
    for name, value in opts:
        if name == "--url" and value:
            return value
    for t in operands:
        if "://" in t or t.startswith("$") or re.match(r"^[A-Za-z0-9.-]+\.[a-z]{2,}(/|$)", t):
            return t
    return None


def _file_from_url(url: str) -> str:
    path = url.split("://", 1)[-1].split("?", 1)[0].split("#", 1)[0]
    base = path.rstrip("/").rsplit("/", 1)[-1] if "/" in path else ""
    return base or "index.html"


def _curl(cmd: Command) -> Download | None:
    opts, operands = _options(cmd.args, _CURL_VALUE, _CURL_LONG_VALUE)
    url = _url(operands, opts)
    if url is None or url.startswith("file:"):
        return None
    output: str | None = None
    for name, value in opts:
        if name in ("-o", "--output"):
            output = None if value in (None, "-") else value
        elif name in ("-O", "--remote-name", "--remote-name-all"):
            output = _file_from_url(url)
    if output is None:
        output = _redirected(cmd)
    return Download(cmd, url, output)


def _wget(cmd: Command) -> Download | None:
    opts, operands = _options(cmd.args, _WGET_VALUE, _WGET_LONG_VALUE)
    url = _url(operands, opts)
    if url is None:
        return None
    output: str | None = _file_from_url(url)
    prefix = ""
    for name, value in opts:
        if name in ("-O", "--output-document"):
            output = None if value == "-" else value
        elif name in ("-P", "--directory-prefix") and value:
            prefix = value
    if output is None:
        output = _redirected(cmd)
    elif prefix and "/" not in output:
        output = posixpath.join(prefix, output)
    return Download(cmd, url, output)


def _redirected(cmd: Command) -> str | None:
    """The file standard output goes to (`curl URL > install.sh`), if any."""
    for r in cmd.redirects:
        if r.op in (">", ">|", "&>") and not r.target.text.startswith("&"):
            return r.target.text
    return None


# -- interpreters --------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ScriptRun:
    """An interpreter and where its script comes from: standard input, or one word
    (the operand of `bash FILE`, the argument of `sh -c`, `eval`'s argument)."""

    command: Command
    stdin: bool
    word: Word | None = None
    inline: bool = False  # the word is the code itself (`-c`, `eval`), not a file name


def script_of(cmd: Command) -> ScriptRun | None:
    """Where `cmd`, if it is an interpreter, reads the code it runs."""
    name = cmd.name
    if name in SHELLS and name != "busybox":
        return _shell_script(cmd)
    if name in ("source", ".", "eval"):
        args = cmd.args
        if args:
            return ScriptRun(cmd, False, args[0], inline=name == "eval")
        return None
    if _PYTHON.match(name) or name in _OTHER_INTERPRETERS:
        return _interpreter_script(cmd)
    return None


def _shell_script(cmd: Command) -> ScriptRun:
    args = cmd.args
    i = 0
    from_stdin = False
    while i < len(args):
        t = args[i].text
        if t == "-":
            return ScriptRun(cmd, True)  # `sh -`: the script is standard input
        if t == "--":
            i += 1
            break
        if t in _SHELL_VALUE:
            i += 2
            continue
        if t.startswith(("-", "+")) and len(t) > 1 and not args[i].dynamic:
            if not t.startswith("--") and "c" in t[1:] and t[0] == "-":
                return ScriptRun(cmd, False, args[i + 1] if i + 1 < len(args) else None, inline=True)
            if not t.startswith("--") and "s" in t[1:]:
                from_stdin = True
            i += 1
            continue
        break
    if from_stdin or i >= len(args):
        return ScriptRun(cmd, True)
    return ScriptRun(cmd, False, args[i])


def _interpreter_script(cmd: Command) -> ScriptRun | None:
    args = cmd.args
    python = bool(_PYTHON.match(cmd.name))
    i = 0
    while i < len(args):
        t = args[i].text
        if t == "-":
            return ScriptRun(cmd, True)
        if t == "--":
            i += 1
            break
        if t.startswith("-") and len(t) > 1:
            if python and t.startswith("-m"):
                return None  # a module, not a script
            if (python and t.startswith("-c")) or t in ("-e", "-E", "-p", "--eval", "--print"):
                inline = args[i + 1] if i + 1 < len(args) and len(t) == 2 else None
                return ScriptRun(cmd, False, inline, inline=True)
            i += 2 if (python and t in _PYTHON_VALUE) else 1
            continue
        break
    if i >= len(args):
        return ScriptRun(cmd, True)
    return ScriptRun(cmd, False, args[i])


def runs_file(cmd: Command) -> Word | None:
    """The script file `cmd` runs: an interpreter's operand, or the program itself (`./install.sh`)."""
    run = script_of(cmd)
    if run is not None:
        return run.word if run.word is not None and not run.inline else None
    first = cmd.argv[0] if cmd.argv else None
    if first is not None and "/" in first.text and first.text.endswith(".sh"):
        return first
    return None


def feeding(cmd: Command) -> Iterable[Download]:
    """The downloads whose output reaches `cmd`'s standard input through its pipeline
    (through `tee` and `cat` that pass it on)."""
    stack = list(cmd.upstream)
    seen = 0
    while stack and seen < 64:
        seen += 1
        up = stack.pop()
        got = download(up)
        if got is not None and got.output is None:
            yield got
        elif up.name in _PASS_THROUGH and (up.name == "tee" or all(w.text.startswith("-") or w.text == "-"
                                                                   for w in up.args)):
            stack.extend(up.upstream)


def substituted(word: Word) -> list[Download]:
    """Downloads to standard output whose output is the whole of `word` (`"$(curl …)"`, `<(curl …)`)."""
    text = word.text.strip()
    whole = (text.startswith(("$(", "<(")) and text.endswith(")")) or (text.startswith("`") and text.endswith("`"))
    if not whole or text.count("$(") + text.count("<(") > 1:
        return []
    out = []
    for sub in word.substitutions:
        got = download(sub)
        if got is not None and got.output is None:
            out.append(got)
    return out


def is_check(cmd: Command) -> bool:
    """A checksum or signature verification (`sha256sum -c`, `gpg --verify`, `cosign verify-blob`)."""
    name = cmd.name
    if name not in _VERIFIERS:
        # `-c`, or a hash printed to be compared (`[ "$(sha256sum f)" = … ]`)
        return _CHECKSUMS.match(name) is not None
    words = [w.text for w in cmd.args]
    if name in ("gpg", "gpg2"):
        return any(w in ("--verify", "--verify-files") for w in words)
    if name == "gpgv":
        return True
    if name == "cosign":
        return any(w.startswith("verify") for w in words)
    if name == "minisign":
        return "-V" in words
    if name == "openssl":
        return bool(words) and words[0] in ("dgst", "sha256", "sha512")
    return False
