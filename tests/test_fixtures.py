"""The fixture corpus: `fixtures/<rule module stem>/` scanned with only that rule selected.

Each folder holds `positive/` and `negative/` inputs and an `expected.yaml` that
lists every input with its exact findings (`negatives map to []`):

    positive/Dockerfile.user-root: [{code: GLM001, line: 3, col: 1, fix: unsafe}]
    negative/compose.user-1000.yaml: []

`pytest --update-fixtures` rewrites `expected.yaml` from what glmlint reports;
review the diff like a snapshot.
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from glmlint.config import Config
from glmlint.context import EVERYWHERE
from glmlint.ir import Format
from glmlint.registry import builtin_rules, select
from glmlint.rule import FixSafety, Rule
from glmlint.runner import Report, scan
from ruamel.yaml import YAML

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
EXPECTED = "expected.yaml"
KINDS = ("positive", "negative")
CONTEXT = "context"  # build-context files a fixture Dockerfile copies (read from disk, not inputs)
_STEM = re.compile(r"^(?P<code>[a-z]{2,5}[0-9]{3,4})_[a-z0-9_]+$")

Row = tuple[str, str, int, int, "str | None"]  # (path, code, line, col, fix safety)
# A format a rule reads only because it shares compose's controls, where it cannot fire: GLM019
# judges the image a compose service builds (`build.target`, its `user:`), and a `docker run` line
# builds no image (its negatives are still required).
NO_POSITIVE = {("GLM019", Format.DOCKER_RUN)}


def _folders() -> list[Path]:
    if not FIXTURES.is_dir():
        return []
    return sorted(p for p in FIXTURES.iterdir() if p.is_dir() and (p / EXPECTED).is_file())


def _rule_for(folder: Path) -> Rule:
    m = _STEM.match(folder.name)
    assert m, f"{folder.name}: a fixture folder is named after its rule module (`glm001_run_as_root`)"
    chosen = select(builtin_rules(), [m.group("code").upper()])
    assert len(chosen) == 1, f"{folder.name}: no single rule with code {m.group('code').upper()}"
    rule = chosen[0]
    assert rule.module.rsplit(".", 1)[-1] == folder.name, \
        f"{folder.name}: the folder must have the rule module's stem ({rule.module})"
    return rule


def _inputs(folder: Path) -> list[str]:
    """Every file in the folder but expected.yaml, golden `*.fixed` outputs, the build-context
    files a fixture Dockerfile `COPY`s (under a `context/` folder), the `.env` whose variables
    Compose interpolates a compose file beside it with, and the Quadlet units a `.container` names
    (`Pod=llm.pod`, `Image=x.image`: read with it, not scanned) and the Kubernetes YAML a `.kube` unit
    plays (`Yaml=ollama.yaml`: read with it), relative, sorted."""
    played = {(k.parent / line.split("=", 1)[1].strip()).resolve() for k in folder.rglob("*.kube")
              for line in k.read_text(encoding="utf-8").splitlines() if line.startswith("Yaml=")}
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*")
                  if p.is_file() and p.name not in (EXPECTED, ".env") and not p.name.endswith(".fixed")
                  and not p.name.endswith(_QUADLET_REFERENCED) and p.resolve() not in played
                  and CONTEXT not in p.relative_to(folder).parts[:-1])


_QUADLET_REFERENCED = (".pod", ".network", ".image", ".build", ".volume")


def _load(folder: Path) -> dict[str, list[Row]]:
    data = YAML(typ="safe").load((folder / EXPECTED).read_text(encoding="utf-8")) or {}
    assert isinstance(data, dict), f"{folder.name}/{EXPECTED}: a mapping of file -> findings"
    out: dict[str, list[Row]] = {}
    for path, findings in data.items():
        assert isinstance(findings, list), f"{folder.name}/{EXPECTED}: {path}: a list of findings"
        rows = []
        for f in findings:
            assert set(f) <= {"code", "line", "col", "fix"} and {"code", "line", "col"} <= set(f), \
                f"{folder.name}/{EXPECTED}: {path}: {f!r} needs code, line, col (and fix)"
            rows.append((str(path), str(f["code"]), int(f["line"]), int(f["col"]), f.get("fix")))
        out[str(path)] = sorted(rows, key=_key)
    return out


def _key(row: Row) -> tuple[str, int, int, str, str]:
    return (row[0], row[2], row[3], row[1], row[4] or "")


def _actual(report: Report) -> list[Row]:
    return sorted(((r.path, r.code, r.line, r.col, str(r.fix.safety) if r.fix is not None else None)
                   for r in report.results), key=_key)


def _diff(missing: list[Row], unexpected: list[Row]) -> str:
    def fmt(r: Row) -> str:
        return f"  {r[0]}:{r[2]}:{r[3]} {r[1]} fix={r[4]}"

    return "\n".join(["findings differ from expected.yaml", "expected, not reported:",
                       *map(fmt, missing), "reported, not expected:", *map(fmt, unexpected)])


def _render(path: str, rows: list[Row]) -> list[str]:
    items = [f"{{code: {c}, line: {ln}, col: {col}" + (f", fix: {fx}}}" if fx else "}")
             for _p, c, ln, col, fx in rows]
    if len(items) <= 1:
        return [f"{path}: [{''.join(items)}]"]
    return [f"{path}:", *(f"  - {i}" for i in items)]


def _write(folder: Path, inputs: list[str], rows: list[Row]) -> None:
    """Rewrite expected.yaml in place: entries keep their order and the comments around them,
    files that are gone are dropped, new files are appended."""
    path = folder / EXPECTED
    by_file: dict[str, list[Row]] = {f: [] for f in inputs}
    for row in rows:
        by_file.setdefault(row[0], []).append(row)
    old = path.read_text(encoding="utf-8").splitlines() if path.is_file() else []
    out: list[str] = []
    done: set[str] = set()
    skipping = False
    for line in old:
        if skipping and line.startswith((" ", "\t")) and line.strip():
            continue  # the block list of an entry being replaced
        skipping = False
        if line and not line.startswith(("#", " ", "\t")):
            key = line.split(": ", 1)[0].rstrip(":").strip()
            skipping = True
            if key in by_file and key not in done:
                out.extend(_render(key, by_file[key]))
                done.add(key)
            continue
        out.append(line)
    added = [f for f in sorted(by_file) if f not in done]
    if added and out and out[-1].strip():
        out.append("")
    for f in added:
        out.extend(_render(f, by_file[f]))
    path.write_text("\n".join(out).rstrip("\n") + "\n", encoding="utf-8")


@pytest.mark.parametrize("folder", _folders(), ids=lambda p: p.name)
def test_fixture_folder(folder: Path, update_fixtures: bool) -> None:
    rule = _rule_for(folder)
    # what the rule finds, in every context (a Markdown or workflow positive too): tests/test_context.py
    # covers which contexts report what by default
    report = scan([str(folder)], [rule], root=str(folder), config=Config(contexts=EVERYWHERE))

    problems = [f"{p.path}:{p.line}: {p.message}" for p in report.problems if p.level != "notice"]
    assert problems == [], "fixtures must parse cleanly"

    inputs = _inputs(folder)
    for f in inputs:
        assert f.split("/", 1)[0] in KINDS, f"{folder.name}/{f}: inputs live under positive/ or negative/"
    formats = {s.path: s.format for s in report.sources}
    unseen = [f for f in inputs if f not in formats]
    assert unseen == [], "files glmlint's discovery does not read as a Dockerfile/compose/k8s/sshd_config " \
                         "(rename them)"

    actual = _actual(report)
    if update_fixtures:
        _write(folder, inputs, actual)
        return

    expected = _load(folder)
    assert sorted(expected) == inputs, "expected.yaml must list every file in the folder, and only those"

    # positive/ files have findings, negative/ files none; each format the rule reads has both.
    for f, rows in expected.items():
        kind = f.split("/", 1)[0]
        assert bool(rows) == (kind == "positive"), f"{f}: positives have findings, negatives map to []"
    for fmt in sorted(rule.reads, key=str):  # declared formats and those sharing their controls
        for kind in KINDS:
            if kind == "positive" and (rule.code, fmt) in NO_POSITIVE:
                continue
            assert any(formats.get(f) is fmt for f in inputs if f.startswith(kind + "/")), \
                f"{rule.code} reads {fmt}: it needs a {kind} {fmt} fixture"

    # A finding's fix is at most what the rule declares (safe > unsafe > none), and a rule whose
    # findings may be less safe than it declares says when (`glmlint rules` shows `safe/unsafe`).
    for r in report.results:
        if rule.fix is None:
            assert r.fix is None, f"{r.path}:{r.line}: {rule.code} declares no fix"
        elif r.fix is not None and rule.fix is FixSafety.UNSAFE:
            assert r.fix.safety is FixSafety.UNSAFE, f"{r.path}:{r.line}: safer than {rule.code} declares"
        elif r.fix is not None and r.fix.safety is FixSafety.UNSAFE:
            assert rule.fix_unsafe_when, f"{r.path}:{r.line}: {rule.code} is declared safe but this fix is " \
                                         "unsafe: declare `fix_unsafe_when`"

    # Exact findings, with their fix safety.
    flat = sorted((row for rows in expected.values() for row in rows), key=_key)
    if actual != flat:
        missing = [r for r in flat if r not in actual]
        unexpected = [r for r in actual if r not in flat]
        pytest.fail(_diff(missing, unexpected), pytrace=False)


def test_every_fixture_folder_has_a_rule() -> None:
    folders = _folders()
    assert folders, f"no fixture folders under {FIXTURES}"
    # `fix/` holds the fix engine's fidelity inputs and goldens (tests/test_fix.py), `render/` a Helm
    # chart and Kustomize overlays rendered by tests/test_render.py
    stray = [p.name for p in FIXTURES.iterdir() if p.is_dir() and not (p / EXPECTED).is_file()
             and p.name not in ("fix", "render")]
    assert stray == [], f"fixture folders without {EXPECTED}"
    for folder in folders:
        _rule_for(folder)
