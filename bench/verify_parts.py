"""Where the fix verification's CPU goes, on the corpus's Kubernetes files (issue 12, SARIF).

    python bench/verify_parts.py [../shared/corpus/real] [--every N] [--rounds R]

Parses every Kubernetes YAML file (every Nth), finds what the scan's own rules find, and calls
`fix.engine.verified_edits` on each file with fixes, as the scan does for `--format sarif` (the
file's rules, no linked images), `--rounds` times. Prints the CPU (`time.process_time`) of the
calls and of their parts, each timed inclusive where it is called from the verification (a part
called inside another is counted in both): the re-parses (`_reparse`) and of them the Kubernetes
IR (`kubernetes.parse`) and libyaml's compose, the rules on the re-parses (`_seen`), lowering,
`verify`, batches. The wrappers add their own cost (~1 us a call): compare shares and runs of the
same script, not seconds across machines. docs/benchmarks.md "SARIF: the fix verification, lane
sarif16" has a run.
"""
from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("corpus", nargs="?", default=str(HERE.parent.parent / "shared" / "corpus" / "real"))
    ap.add_argument("--every", type=int, default=1)
    ap.add_argument("--rounds", type=int, default=1)
    args = ap.parse_args()

    import glmlint.parsers as parsers
    import glmlint.parsers.kubernetes as kubernetes
    import glmlint.parsers.yamlnodes as yamlnodes
    from glmlint.fix import engine
    from glmlint.registry import all_rules, select
    from glmlint.runner import _result, evaluate

    rules = [r for r in select(all_rules()) if not r.scan_wide]
    files = sorted(p for p in Path(args.corpus).rglob("*.y*ml") if p.is_file())[::args.every]
    cases = []
    for path in files:
        text = path.read_text(encoding="utf-8", errors="replace")
        try:
            source = parsers.parse(str(path), text, "yaml", "")
        except Exception:  # noqa: BLE001 - broken files: nothing to verify
            continue
        if source is None or source.format.name != "KUBERNETES":
            continue
        found = [(rule, f, w, _result(source, rule, f, w)) for rule in rules for f, w in evaluate(source, rule)]
        if any(r.fix for *_, r in found):
            cases.append((source, found))

    spent: Counter[str] = Counter()
    calls: Counter[str] = Counter()

    def timed(owner: Any, name: str, label: str) -> None:
        real = getattr(owner, name)

        def wrapper(*a: Any, **k: Any) -> Any:
            start = time.process_time()
            try:
                return real(*a, **k)
            finally:
                spent[label] += time.process_time() - start
                calls[label] += 1

        setattr(owner, name, wrapper)

    parts = [
            (engine, "_verified_edits", "verified_edits"), (engine, "_reparse", "re-parse (_reparse)"),
            (kubernetes, "parse", "  Kubernetes IR (kubernetes.parse)"), (yamlnodes, "compose_all", "  compose (compose_all)"),
            (engine, "_seen", "rules on the re-parses (_seen)"), (engine, "lower", "lowering (lower)"),
            (engine, "verify", "verify"), (engine, "_verify_batch", "_verify_batch"),
            (engine, "_batches", "_batches"), (engine, "text_docs", "text_docs"),
            (engine._OneDocument, "check", "_OneDocument.check"),
            (engine, "_row_groups", "_row_groups"), (engine, "_rows", "_rows (a container's fixes together)"),
            (engine, "_owners", "  _owners"), (engine, "_with", "  _with")]
    for owner, name, label in parts:
        timed(owner, name, label)
    for _ in range(args.rounds):
        for source, found in cases:
            engine._LAST_DOCS = None  # as the scan: each file's views made once
            engine.verified_edits(source, rules, found, [])
    print(f"{len(cases)} Kubernetes files with fixes, {args.rounds} round(s)", file=sys.stderr)
    for _owner, _name, label in parts:
        print(f"{label:40} {spent[label]:7.3f} s  {calls[label]:6} calls")


if __name__ == "__main__":
    main()
