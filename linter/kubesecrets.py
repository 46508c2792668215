"""The Secrets a shell script creates from literals: `kubectl create secret generic NAME --from-literal=KEY=VALUE`.

kubectl makes a Secret named NAME (of `--type`, Opaque when not given) with one key of each `--from-literal`
(each flag one pair, split at its first `=`: `--from-literal=password=a=b` is key `password`, value `a=b`), in the
namespace `-n`/`--namespace` gives, else the context's (kubernetes/kubectl@f5be7f609fcba9c77e2279e1519428c2bb27871c
pkg/cmd/create/create_secret.go `NewCmdCreateSecretGeneric`, `createSecret`, `handleSecretFromLiteralSources`); with
`--append-hash` its name ends with a hash of its data, which no reader names. A deploy script that writes the value
there holds it as a Secret manifest's `stringData` does, so each such key is one of the script's Secrets
(`SourceFile.secrets`, `parsers._applied_manifests`), located at the value as the script writes it, read by the
workloads of the manifests the script applies: from its heredocs (`glmlint.heredocs`), from the files and directories
it names to `kubectl apply -f`/`create -f` or `apply -k` (`Secret.applied_with`: a literal path, read from the
script's directory or, for a script in a subdirectory, the one above it, as `glmlint.helmscripts` reads a chart's
path) and from the files of its own directory (`link.nearby_secret_reads`). `--dry-run=client -o yaml | kubectl apply -f -` creates it
all the same. A value the shell expands (`--from-literal=token=$HF_TOKEN`, `"$(cat token)"`) is the deployer's,
not a literal, but for a variable's default (`${PW:-s3cret}`: the value when `PW` is unset, as RULES.md reads it); `--from-file`/`--from-env-file` read files the script does not hold.
"""
from __future__ import annotations

import os
import re

from glmlint import heredocs
from glmlint.ir import Command, EnvVar, Loc, Secret, Word

MARKER = "--from-literal"  # the cheap test a script passes before its commands are read
# kubectl's flags that take the next word as their value when written apart (the global ones and apply's that
# `heredocs.VALUED` lists, and those of `create secret generic`, `apply -f`/`-k` and `delete`), so that the
# operands are the words that are neither; not `--validate`, whose value is optional (`NoOptDefVal` "strict":
# kubernetes/kubectl pkg/cmd/util/helpers.go `AddValidateFlags`): written alone it takes no word
_VALUED = heredocs.VALUED | frozenset({"--template", "--type", "--from-literal", "--from-file", "--from-env-file", "-f",
                                       "--filename", "-k", "--kustomize", "--prune-allowlist", "--timeout",
                                       "--grace-period", "--cascade", "--field-selector"})
_SCRIPT_DIRS = frozenset({"scripts", "bin", "tools", "hack", "deploy"})
_MANIFESTS = (".yaml", ".yml", ".json")  # a file `-f` names that may hold manifests (not a script's other paths)


def created(text: str, directory: str = "") -> list[Secret]:
    """The Secrets the shell script `text` creates with `kubectl create secret generic … --from-literal`, each with
    the paths (absolute; none without `directory`, the script's) of what the script applies (`applied`)."""
    if MARKER not in text:
        return []
    from glmlint.shell import parse_script

    try:
        commands = parse_script(text, lambda row, col: Loc(row + 1, col + 1))
    except (RecursionError, ValueError):
        return []
    lines = text.split("\n")
    out: list[Secret] = []
    for cmd in commands:
        words = _kubectl(cmd)
        if words is None:
            continue
        got = _secret(words, lines)
        if got is not None:
            out.append(got)
    if not out or not directory:
        return out
    with_ = applied(commands, directory)
    return [Secret(s.name, s.namespace, s.type, s.entries, s.encoded, s.loc, applied_with=with_) for s in out] \
        if with_ else out


def _kubectl(cmd: Command) -> list[Word] | None:
    """The words of a `kubectl` (`oc`, `k3s kubectl`, `microk8s kubectl`, `minikube kubectl --`) command that kubectl
    reads (`heredocs.kubectl_args`, one reader of its wrappers for both), None for another program."""
    return heredocs.kubectl_args(list(cmd.argv))


def _operands(words: list[Word]) -> tuple[list[Word], dict[str, list[Word]]]:
    """(the operands, each flag's values as written) of kubectl's words: `--flag=value` or `--flag value` for the
    flags that take one (`_VALUED`)."""
    operands: list[Word] = []
    flags: dict[str, list[Word]] = {}
    i = 0
    while i < len(words):
        w = words[i]
        t = w.text
        if t.startswith("-") and len(t) > 1:
            name, eq, _value = t.partition("=")
            if eq:
                flags.setdefault(name, []).append(w)
            elif name in _VALUED and i + 1 < len(words):
                flags.setdefault(name, []).append(words[i + 1])
                i += 1
            else:
                flags.setdefault(name, [])
        else:
            operands.append(w)
        i += 1
    return operands, flags


def _value(word: Word, flag: str) -> str:
    """A flag's value in its word: after `--flag=` when written so, else the whole word."""
    return word.text[len(flag) + 1:] if word.text.startswith(flag + "=") else word.text


def _secret(words: list[Word], lines: list[str]) -> Secret | None:
    operands, flags = _operands(words)
    if [w.text for w in operands[:3]] != ["create", "secret", "generic"] or len(operands) < 4:
        return None
    if "--append-hash" in flags or "--from-literal" not in flags:
        return None
    name = operands[3]
    if name.dynamic:
        return None
    namespace = next((_value(w, f) for f in ("-n", "--namespace") for w in flags.get(f, ())), None)
    if namespace is not None and "$" in namespace:
        namespace = None
    entries: dict[str, EnvVar] = {}
    for word in flags["--from-literal"]:
        pair = _value(word, "--from-literal")
        key, eq, value = pair.partition("=")
        if not eq or not key or "$" in key:
            continue  # (kubectl refuses a pair with no `=` or no key)
        at = _located(word, value, lines)
        read = _defaulted(value) if word.dynamic else None
        entries[key] = EnvVar(key, value, at, dynamic=word.dynamic) if read is None or not read.defaulted else \
            EnvVar(key, read.text, at, defaulted=tuple(read.defaulted), written=value)
    if not entries:
        return None
    kind = next((_value(w, "--type") for w in flags.get("--type", ())), "Opaque")
    return Secret(name.text, namespace, kind, tuple(entries.values()), (), words[0].loc)


def _defaulted(value: str) -> object | None:
    """`value` as the shell expands it when every variable it reads is unset and gives it a default
    (`${REDIS_PASSWORD:-s3cret}`: the default, as RULES.md reads `${VAR:-default}` and `${VAR-default}`); None when a
    part of it is not known so (`$HF_TOKEN`, `${HF_TOKEN:?}`, `$(cat token)`)."""
    from glmlint.interpolate import interpolate

    got = interpolate(value, {}, shell=True)
    return None if got is None or "$" in got.text else got


def _located(word: Word, value: str, lines: list[str]) -> Loc:
    """Where the script writes `value`, the end of `word` (quotes and all: `--from-literal=pw='s3 cret'`): on the
    word's line, from the word on; the word's place when it is not written there as it is."""
    line = lines[word.loc.line - 1] if 0 < word.loc.line <= len(lines) else ""
    at = line.find(value, word.loc.col - 1) if value else -1
    if at < 0 and value:
        at = line.find(value[:8], word.loc.col - 1)  # (a value with a quote or an escape inside it)
    return Loc(word.loc.line, at + 1, word.loc.file) if at >= 0 else word.loc


def applied(commands: list[Command], directory: str) -> tuple[str, ...]:
    """The files and directories the script's `kubectl apply -f PATH`/`kubectl create -f PATH` read (and the
    Kustomize directory of `apply -k DIR`, whose files are read as a directory's: its resources are most often
    there), each a literal path that exists, read from the script's `directory` or, for a script in a
    subdirectory of tools (`scripts/`, `hack/`: run from the repository's root), the one above it; absolute. Only
    a path in the scanned tree (`parsers.base.within_scan`): `/tmp/app.yaml` or `../../x` is read where the script
    runs, and what the linting machine holds there is another thing, or nothing."""
    from glmlint.parsers.base import within_scan

    out: list[str] = []
    up = os.path.dirname(directory) if os.path.basename(directory) in _SCRIPT_DIRS else None
    for cmd in commands:
        words = _kubectl(cmd)
        if words is None:
            continue
        operands, flags = _operands(words)
        if not operands or operands[0].text not in ("apply", "create", "replace"):
            continue
        for flag in ("-f", "--filename", "-k", "--kustomize"):
            for w in flags.get(flag, ()):
                path = _value(w, flag)
                if not path or path == "-" or w.dynamic or re.search(r"[$`*?]|://", path):
                    continue
                for base in (directory, up):
                    if base is None:
                        continue
                    where = os.path.normpath(os.path.join(base, path))
                    if not within_scan(where):
                        continue  # (an absolute path, or one out of the tree: the deployer's machine's, not the repository's)
                    if os.path.isdir(where) or (where.endswith(_MANIFESTS) and os.path.isfile(where)):
                        out.append(where)
                        break
    return tuple(dict.fromkeys(out))
