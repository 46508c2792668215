"""Which fields of a Kubernetes workload or compose service each rule reads: its read set, recorded, not
written by hand.

The fix verification judges several fixes of one container in one re-parse (`engine._rows`): a
rule's findings on the container with one fix alone are those it finds with all of them when it
reads none of the fields the other fixes change, and those it found before the fixes when it reads
none of the fields this fix changes. That needs each rule's read set: every field of `Workload`
it reads, and of the two records it reads into (`pod`: `Pod`, `own`: `SecurityContext`) every
field by its dotted path (`pod.volumes`, `own.run_as_user`). A read of a field reads all of its
value (a `Setting` with its value and place).

`record` runs rules on copies of workloads that log every field read (the methods and properties
of `Workload` and `Pod`, `missing`, `windows`, ..., log the fields they read). `python -m
glmlint.fix.reads [CORPUS]` records every rule of the registry on every Kubernetes workload of
every fixture and every corpus file and writes `glmlint.fix._reads` (`READS`, by rule code);
tests/test_fix_rows.py records them again and fails when the table differs. A rule not in the
table, or with parameters, is never judged this way (each fix is then re-parsed alone).

The same for compose services (`COMPOSE_READS`, `record_compose`), whose several fixes `_rows`
judges in one re-parse too: each service recorded as parsed and as linked to the images it builds
(`linked_compose`), since the verification links a compose file's re-parses as the scan linked it;
tests/test_fix_rows_compose.py records them again.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from glmlint.ir import Pod, SecurityContext, Workload

FIELDS = frozenset(Workload.__record__.names)  # type: ignore[attr-defined]
NESTED: dict[str, type] = {"pod": Pod, "own": SecurityContext}  # the records read into, by field

_LOG: set[str] = set()


def _recording(cls: type, prefix: str) -> type:
    names = frozenset(cls.__record__.names)  # type: ignore[attr-defined]

    def __getattribute__(self: Any, name: str) -> Any:
        if name in names:
            _LOG.add(prefix + name)
        return object.__getattribute__(self, name)

    return type(f"_Recording{cls.__name__}", (cls,), {"__slots__": (), "__getattribute__": __getattribute__})


_CLASSES = {"": _recording(Workload, ""), **{name: _recording(cls, name + ".") for name, cls in NESTED.items()}}


def _copy(value: Any, kind: str) -> Any:
    cls = _CLASSES[kind]
    out = object.__new__(cls)
    for name in cls.__mro__[1].__record__.names:
        got = getattr(value, name)
        if not kind and name in NESTED and got is not None:
            got = _copy(got, name)
        object.__setattr__(out, name, got)
    return out


def record(rule: Any, workload: Workload) -> frozenset[str]:
    """The fields `rule` reads on `workload` (its check run on a copy that logs them)."""
    copy = _copy(workload, "")
    _LOG.clear()
    try:
        for _finding in rule(copy):
            pass
    except Exception:  # noqa: BLE001 - a broken rule is the scan's to report; what it read counts
        pass
    got = frozenset(_LOG)
    _LOG.clear()
    return got


def kubernetes_files(roots: Iterable[Path]) -> Iterable[Path]:
    for root in roots:
        for path in sorted(root.rglob("*")):
            if path.suffix in (".yaml", ".yml") and path.is_file() and path.name != "expected.yaml":
                yield path


def record_all(roots: Iterable[Path], rules: list[Any] | None = None) -> dict[str, frozenset[str]]:
    """Every rule's reads on every Kubernetes workload of the YAML files under `roots`."""
    from glmlint.ir import Format
    from glmlint.parsers import parse

    def workloads(path: Path, text: str) -> Iterable[Any]:
        source = parse(str(path), text, "yaml", "")
        return source.workloads if source is not None and source.format is Format.KUBERNETES else ()

    return _record_on(roots, rules, Format.KUBERNETES, workloads)


def linked_compose(path: Path, text: str) -> tuple[Any, list[Any]] | None:
    """The compose file at `path` parsed and linked to the Dockerfiles it builds, as the scan links it
    (`runner._check_one`: each Dockerfile read where `link.wanted` finds it), with those Dockerfiles
    (what its re-parses are linked with); None when it is not a compose file."""
    from glmlint.ir import Format
    from glmlint.link import link, wanted
    from glmlint.parsers import parse

    source = parse(str(path), text, "yaml", str(path))
    if source is None or source.format is not Format.COMPOSE:
        return None
    source.disk_path = str(path)
    images = []
    for key in sorted(wanted(source)):
        try:
            image = parse(key, Path(key).read_text(encoding="utf-8", errors="replace"), "dockerfile", key)
        except Exception:  # noqa: BLE001 - a Dockerfile the scan cannot read links nothing
            continue
        if image is not None and image.workloads:
            image.disk_path = key
            images.append(image)
    if images:
        link([*images, source])
    return source, images


def record_compose(roots: Iterable[Path], rules: list[Any] | None = None) -> dict[str, frozenset[str]]:
    """Every rule's reads on every compose service of the YAML files under `roots`, as parsed and as
    linked to the images it builds (`linked_compose`)."""
    from glmlint.ir import Format
    from glmlint.parsers import parse

    def workloads(path: Path, text: str) -> Iterable[Any]:
        plain = parse(str(path), text, "yaml", str(path))
        if plain is None or plain.format is not Format.COMPOSE:
            return ()
        linked = linked_compose(path, text)
        return (*plain.workloads, *(linked[0].workloads if linked is not None else ()))

    return _record_on(roots, rules, Format.COMPOSE, workloads)


def _record_on(roots: Iterable[Path], rules: list[Any] | None, fmt: Any,
               workloads: Callable[[Path, str], Iterable[Any]]) -> dict[str, frozenset[str]]:
    """Every rule with a check that applies to `fmt`: its reads on the `workloads` of each YAML file
    under `roots`."""
    from glmlint.registry import all_rules

    rules = [r for r in (rules if rules is not None else all_rules()) if r.check is not None and r.applies_to(fmt)]
    reads: dict[str, set[str]] = {r.code: set() for r in rules}
    for path in kubernetes_files(roots):
        text = path.read_text(encoding="utf-8", errors="replace")
        try:
            got = list(workloads(path, text))
        except Exception:  # noqa: BLE001 - hostile and broken files: no workload
            continue
        for w in got:
            for rule in rules:
                reads[rule.code] |= record(rule, w)
    return {code: frozenset(got) for code, got in sorted(reads.items())}


def roots(corpus: Path | None = None) -> list[Path]:
    here = Path(__file__).resolve().parents[2]
    corpus = corpus or here.parent / "shared" / "corpus" / "real"
    return [here / "fixtures", corpus]


def write(reads: dict[str, frozenset[str]], path: Path | None = None,
          compose: dict[str, frozenset[str]] | None = None) -> None:
    path = path or Path(__file__).with_name("_reads.py")
    lines = ['"""Generated by `python -m glmlint.fix.reads`: each rule\'s read set on Kubernetes workloads',
             '(`READS`) and on compose services (`COMPOSE_READS`) (`glmlint.fix.reads`), recorded on every',
             'fixture and corpus file. Do not edit."""',
             "", "READS: dict[str, frozenset[str]] = {"]
    for code, got in reads.items():
        lines.append(f"    {code!r}: frozenset({sorted(got)!r}),")
    lines.append("}")
    lines += ["", "COMPOSE_READS: dict[str, frozenset[str]] = {"]
    for code, got in (compose or {}).items():
        lines.append(f"    {code!r}: frozenset({sorted(got)!r}),")
    lines.append("}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    import sys

    args = sys.argv[1:] if argv is None else argv
    where = roots(Path(args[0]) if args else None)
    write(record_all(where), compose=record_compose(where))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
