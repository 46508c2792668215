#!/usr/bin/env python3
"""Score glmlint against the KICS-derived labeled samples.

Scoring follows `shared/corpus/kics/README.md` ("How to score a tool"):

* per rule R, only the files whose `rules` contain R (F_R) are scored, and only
  glmlint's findings for R on those files count;
* findings are de-duplicated by line, then greedily matched against `expected`
  (`line` or `alt_lines`; with --strict `line` only) -> TP; a finding left over
  that sits on a `dont_care` line (or its `alt_lines`) is ignored; anything else
  is FP; every unmatched `expected` label is FN;
* file-level mode: "reported R at least once" vs "`expected` holds R", skipping
  files whose only labels for R are `dont_care`;
* breakdowns per (rule, platform) and per (rule, fidelity exact vs approx/adjusted).

Each sample is scanned in-process as a separate input. KICS names Dockerfile
samples `*.dockerfile`, which glmlint does not detect by name, so those are
copied into a temporary directory as `<stem>.Dockerfile` and results are mapped
back to the corpus path.

Usage: python bench/score_kics.py [--corpus PATH] [--strict] [--rules GLM001,...] [--show-errors]
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
from collections import defaultdict
from dataclasses import dataclass, field

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_CORPUS = os.path.normpath(os.path.join(REPO, "..", "shared", "corpus", "kics"))


@dataclass
class Finding:
    line: int
    col: int
    code: str
    message: str


@dataclass
class FileScan:
    key: str  # path relative to the corpus
    findings: list[Finding] = field(default_factory=list)
    problems: list[tuple[int, str, str]] = field(default_factory=list)  # (line, level, message)
    formats: list[str] = field(default_factory=list)  # formats glmlint parsed the file as


@dataclass
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, other: "Counts") -> None:
        self.tp += other.tp
        self.fp += other.fp
        self.fn += other.fn

    @property
    def precision(self) -> float | None:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else None

    @property
    def recall(self) -> float | None:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else None


@dataclass
class Error:
    kind: str  # "FP" or "FN"
    rule: str
    key: str
    line: int
    detail: str


# --------------------------------------------------------------------------- scanning


def scan_file(corpus: str, key: str, rules: list) -> FileScan:
    from glmlint.runner import scan

    src = os.path.join(corpus, key)
    out = FileScan(key)
    tmp = None
    try:
        if key.lower().endswith(".dockerfile"):
            tmp = tempfile.mkdtemp(prefix="glm-kics-")
            stem = os.path.basename(key)[: -len(".dockerfile")]
            target = os.path.join(tmp, f"{stem}.Dockerfile")
            shutil.copyfile(src, target)
            report = scan([target], rules, root=tmp)
        else:
            report = scan([src], rules, root=corpus)
        for r in report.results:
            out.findings.append(Finding(r.line, r.col, r.code, r.message))
        for p in report.problems:
            out.problems.append((p.line, p.level, p.message))
        for s in report.sources:
            fmt = getattr(s, "format", None)
            out.formats.append(str(getattr(fmt, "value", fmt)))
    except Exception as exc:  # keep scoring the rest
        out.problems.append((0, "crash", f"scan raised {type(exc).__name__}: {exc}"))
    finally:
        if tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)
    return out


# --------------------------------------------------------------------------- scoring


def _lines(label: dict, strict: bool) -> set[int]:
    lines = {label["line"]}
    if not strict:
        lines.update(label.get("alt_lines") or [])
    return lines


def score_file(rule: str, entry: dict, fs: FileScan, strict: bool) -> tuple[Counts, list[Error]]:
    counts = Counts()
    errors: list[Error] = []
    # de-duplicate findings by line (keep the first message seen for the line)
    by_line: dict[int, Finding] = {}
    for f in sorted(fs.findings, key=lambda f: (f.line, f.col)):
        if f.code == rule and f.line not in by_line:
            by_line[f.line] = f
    expected = [e for e in entry.get("expected", []) if e["rule"] == rule]
    dont_care = [d for d in entry.get("dont_care", []) if d["rule"] == rule]
    used = [False] * len(expected)
    unmatched: list[int] = []
    # greedy: first give every finding a label on its primary line, then try alt_lines
    pending = sorted(by_line)
    for primary_only in (True, False):
        rest = []
        for line in pending:
            hit = None
            for i, e in enumerate(expected):
                if used[i]:
                    continue
                ok = line == e["line"] if primary_only else line in _lines(e, strict)
                if ok:
                    hit = i
                    break
            if hit is None:
                rest.append(line)
            else:
                used[hit] = True
                counts.tp += 1
        pending = rest
    unmatched = pending
    dc_lines: set[int] = set()
    for d in dont_care:
        dc_lines |= {d["line"], *(d.get("alt_lines") or [])}
    for line in unmatched:
        if line in dc_lines:
            continue
        counts.fp += 1
        errors.append(Error("FP", rule, fs.key, line, by_line[line].message))
    reported = "; ".join(f"L{f.line}: {f.message}" for f in by_line.values()) or "glmlint reported nothing for this rule"
    for i, e in enumerate(expected):
        if not used[i]:
            counts.fn += 1
            alts = e.get("alt_lines") or []
            where = f"(alt {alts})" if alts and not strict else (f"(alt {alts} not accepted in strict)" if alts else "")
            errors.append(Error("FN", rule, fs.key, e["line"], f"expected {where} | got: {reported}"))
    return counts, errors


def file_level(rule: str, entry: dict, fs: FileScan) -> str | None:
    """'tp'/'fp'/'fn'/'tn' for file-level mode, None when skipped."""
    expected = any(e["rule"] == rule for e in entry.get("expected", []))
    dont_care = any(d["rule"] == rule for d in entry.get("dont_care", []))
    if not expected and dont_care:
        return None
    reported = any(f.code == rule for f in fs.findings)
    return {(True, True): "tp", (False, True): "fp", (True, False): "fn", (False, False): "tn"}[(expected, reported)]


# --------------------------------------------------------------------------- output


def _pct(x: float | None) -> str:
    return "   -  " if x is None else f"{x * 100:5.1f}%"


def _row(name: str, c: Counts, extra: str = "") -> str:
    return f"  {name:<34} {c.tp:4d} {c.fp:4d} {c.fn:4d}   {_pct(c.precision)}  {_pct(c.recall)}{extra}"


HEADER = f"  {'':<34} {'TP':>4} {'FP':>4} {'FN':>4}   {'prec':>6}  {'recall':>6}"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", default=DEFAULT_CORPUS, help=f"corpus folder (default {DEFAULT_CORPUS})")
    ap.add_argument("--strict", action="store_true", help="match expected `line` only, not alt_lines")
    ap.add_argument("--rules", default="", help="comma-separated GLM codes to score (default: all labeled)")
    ap.add_argument("--show-errors", action="store_true", help="print every FP/FN")
    args = ap.parse_args(argv)

    from glmlint.registry import all_rules

    corpus = os.path.abspath(args.corpus)
    with open(os.path.join(corpus, "labels.json"), encoding="utf-8") as fh:
        labels = json.load(fh)
    files: dict[str, dict] = labels["files"]

    rules = all_rules()
    implemented = {r.code for r in rules}
    labeled_rules = sorted({r for e in files.values() for r in e["rules"]})
    wanted = [r.strip().upper() for r in args.rules.split(",") if r.strip()]
    score_rules = [r for r in labeled_rules if not wanted or r in wanted]
    for r in wanted:
        if r not in labeled_rules:
            print(f"note: {r} has no labeled files in this corpus", file=sys.stderr)

    # scan every file that some scored rule covers, once
    keys = sorted(k for k, e in files.items() if any(r in score_rules for r in e["rules"]))
    scans = {k: scan_file(corpus, k, rules) for k in keys}

    per_rule: dict[str, Counts] = defaultdict(Counts)
    per_platform: dict[tuple[str, str], Counts] = defaultdict(Counts)
    per_fid: dict[tuple[str, str], Counts] = defaultdict(Counts)
    per_file_mode: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    nfiles: dict[str, int] = defaultdict(int)
    errors: list[Error] = []
    for rule in score_rules:
        for key in keys:
            entry = files[key]
            if rule not in entry["rules"]:
                continue
            nfiles[rule] += 1
            c, errs = score_file(rule, entry, scans[key], args.strict)
            per_rule[rule].add(c)
            per_platform[(rule, entry["platform"])].add(c)
            fid = "exact" if entry.get("fidelity") == "exact" else "approx/adjusted"
            per_fid[(rule, fid)].add(c)
            errors.extend(errs)
            fl = file_level(rule, entry, scans[key])
            per_file_mode[rule][fl or "skipped"] += 1

    mode = "strict (expected `line` only)" if args.strict else "normal (line or alt_lines)"
    print(f"glmlint vs KICS corpus {corpus}")
    print(f"mode: {mode}; {len(keys)} sample files scanned")
    print()
    print("Per rule (line-level)")
    print(HEADER + "  files")
    total = Counts()
    total_impl = Counts()
    for rule in score_rules:
        c = per_rule[rule]
        total.add(c)
        if rule in implemented:
            total_impl.add(c)
        note = "" if rule in implemented else "  (not implemented)"
        print(_row(rule, c, f"  {nfiles[rule]:5d}{note}"))
    print(_row("ALL implemented rules", total_impl))
    print(_row("ALL labeled rules", total))

    print()
    print("Per rule and platform (line-level)")
    print(HEADER)
    for rule, plat in sorted(per_platform):
        note = "" if rule in implemented else "  (not implemented)"
        print(_row(f"{rule} {plat}", per_platform[(rule, plat)], note))

    print()
    print("Per rule and fidelity (line-level)")
    print(HEADER)
    for fid in ("exact", "approx/adjusted"):
        agg = Counts()
        for rule in score_rules:
            if (rule, fid) in per_fid:
                c = per_fid[(rule, fid)]
                if rule in implemented:
                    agg.add(c)
                note = "" if rule in implemented else "  (not implemented)"
                print(_row(f"{rule} {fid}", c, note))
        print(_row(f"ALL implemented, {fid}", agg))

    print()
    print("File-level mode (reported R at least once vs expected holds R)")
    print(f"  {'':<34} {'TP':>4} {'FP':>4} {'FN':>4} {'TN':>4}   {'prec':>6}  {'recall':>6}  skipped")
    for rule in score_rules:
        m = per_file_mode[rule]
        c = Counts(m["tp"], m["fp"], m["fn"])
        note = "" if rule in implemented else "  (not implemented)"
        print(f"  {rule:<34} {c.tp:4d} {c.fp:4d} {c.fn:4d} {m['tn']:4d}   {_pct(c.precision)}  "
              f"{_pct(c.recall)}  {m['skipped']:7d}{note}")

    print()
    problems = [(k, p) for k in keys for p in scans[k].problems]
    print(f"Parse problems reported by glmlint ({len(problems)})")
    for k, (line, level, msg) in problems:
        print(f"  {k}:{line}: [{level}] {msg}")
    unparsed = [k for k in keys if not scans[k].formats and not scans[k].problems]
    if unparsed:
        print(f"Files glmlint did not recognise (skipped silently, no problem reported) ({len(unparsed)})")
        for k in unparsed:
            print(f"  {k}")

    if args.show_errors:
        print()
        print(f"Errors ({sum(e.kind == 'FP' for e in errors)} FP, {sum(e.kind == 'FN' for e in errors)} FN)")
        for e in sorted(errors, key=lambda e: (e.rule, e.key, e.line, e.kind)):
            impl = "" if e.rule in implemented else " (not implemented)"
            fid = files[e.key].get("fidelity", "?")
            print(f"  {e.kind} {e.rule}{impl} {e.key}:{e.line} [{fid}] {e.detail}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
