"""Where the wall time of a pooled scan goes: the parent alone, the workers together, one worker alone.

    python bench/timeline.py [TREE] [--repeat 3] [--json FILE] [-- GLMLINT-CHECK-ARGS...]

Runs `glmlint check --no-render TREE` (default: the pool, `-j 0`) `--repeat` times, each in its own
process of this interpreter (the glmlint it imports: a developer's venv), with timestamps taken in the
parent (`time.time()` and its CPU clock, `time.process_time()`) at each stage of `runner.scan`, and in
each worker at each task it takes (`runner._Tasks.take`) and when it ends. It prints one Markdown table:
the median over the runs of each phase's wall time, and the parent's CPU in it, and splits the workers'
lifetime by how many of them were busy: with two workers on two cores the wall is about
(the scan's whole CPU) / 2 + (the time fewer than two are busy) / 2 (docs/benchmarks.md, session 24),
so the phases where a core idles say what moving work into the workers, or balancing them, can gain.
On a loaded machine compare the shares and the CPU, not the walls.

The timestamps cost a few microseconds a task (~270 tasks on the corpus); nothing else is changed.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DEFAULT_TREE = REPO.parent / "shared" / "corpus" / "real"

# what runs in the measured process: argv = [OUT, glmlint args...]
DRIVER = r'''
import atexit, json, os, sys, time
OUT, ARGS = sys.argv[1], sys.argv[2:]
EV = []
def ev(name):
    EV.append((name, time.time(), time.process_time()))
ev("start")
from glmlint import checking, policy, runner
def wrap(owner, name, label):
    f = getattr(owner, name)
    def w(*a, **k):
        ev(label + ">")
        try:
            return f(*a, **k)
        finally:
            ev(label + "<")
    setattr(owner, name, w)
for name in ("scan", "_warm", "_check_all", "_finish_pooled", "_gather"):
    wrap(runner, name, name)
wrap(runner._Pool, "__init__", "fork")
wrap(runner._Pool, "routed", "routed")
wrap(runner._Pool, "exposed", "exposed")
wrap(policy, "apply", "apply")
wrap(checking, "_write_report", "report")
serve = runner._serve
def traced(state, tasks, out):
    took, events = tasks.take, [("start", time.time(), time.process_time(), None)]
    def take():
        asked = time.time()
        task = took()
        events.append(("take", asked, time.time(), None if task is None else task[1][0]))
        return task
    tasks.take = take
    try:
        serve(state, tasks, out)
    finally:
        events.append(("end", time.time(), time.process_time(), None))
        with open(os.path.join(OUT, "w%d.json" % os.getpid()), "w") as fh:
            json.dump(events, fh)
runner._serve = traced
def dump():
    ev("exit")
    with open(os.path.join(OUT, "parent.json"), "w") as fh:
        json.dump(EV, fh)
atexit.register(dump)
sys.argv = ["glmlint", *ARGS]
from glmlint.cli import main
main()
'''

KINDS = {0: "files", 1: "exposed", 2: "routed"}  # (`runner._FILES`, `_EXPOSED`, `_ROUTED`)


def busy_spans(events: list[list]) -> dict[str, list[tuple[float, float]]]:
    """A worker's busy spans by the kind of task: each from when it got a task to when it asked for
    the next one."""
    spans: dict[str, list[tuple[float, float]]] = {}
    takes = [e for e in events if e[0] == "take"]
    for got, after in zip(takes, takes[1:]):
        if got[3] is not None:
            spans.setdefault(KINDS.get(got[3], str(got[3])), []).append((got[2], after[1]))
    return spans


def overlap(workers: list[list[tuple[float, float]]], start: float, end: float) -> dict[int, float]:
    """How long, between `start` and `end`, exactly n of the workers were busy (n: 0, 1, 2, ...)."""
    points = []
    for spans in workers:
        for a, b in spans:
            a, b = max(a, start), min(b, end)
            if b > a:
                points += [(a, 1), (b, -1)]
    points.sort()
    out = {n: 0.0 for n in range(len(workers) + 1)}
    busy, at = 0, start
    for t, step in points:
        out[busy] += t - at
        busy, at = busy + step, t
    out[busy] += end - at
    return out


def phases(parent: list[list], workers: list[list[list]], t0: float, t1: float) -> dict[str, float]:
    """One run's figures (seconds): the parent's stages, and the workers' time by how many were busy."""
    at = {}
    for name, wall, cpu in parent:
        at.setdefault(name, (wall, cpu))  # (the first of each: `_warm` runs once)
    fork = at["fork<"]
    ends = [w[-1][1] for w in workers]
    spans = [busy_spans(w) for w in workers]
    files_end = [max((b for _a, b in s.get("files", ())), default=fork[0]) for s in spans]
    out = {
        "total": t1 - t0,
        "start-up (to `scan`)": at["scan>"][0] - t0,
        "first files found, `_warm`, fork": fork[0] - at["scan>"][0],
        "files round (fork to the last file's outcome)": max(files_end) - fork[0],
        "end phase (routed, exposed, the link)": max(ends) - max(files_end),
        "tail (workers ended to exit)": t1 - max(ends),
        "parent CPU before the fork": fork[1],
        "parent CPU beside the workers": at["_finish_pooled>"][1] - fork[1],
        "parent CPU in `_finish_pooled`": at["_finish_pooled<"][1] - at["_finish_pooled>"][1],
        "parent CPU after (gather, policy, report)": at["exit"][1] - at["_finish_pooled<"][1],
        "workers' CPU": sum(w[-1][2] for w in workers),
        "files round: skew of the workers' ends": max(files_end) - min(files_end),
    }
    for kind in ("routed", "exposed"):
        got = [b - a for s in spans for a, b in s.get(kind, ())]
        out[f"{kind} round: busy (sum over workers)"] = sum(got)
    counted = overlap([[span for spans_ in s.values() for span in spans_] for s in spans], fork[0], max(ends))
    for n, secs in counted.items():
        out[f"fork to the workers' end: {n} busy"] = secs
    return out


def run_once(tree: str, args: list[str]) -> dict[str, float]:
    with tempfile.TemporaryDirectory(prefix="glmlint-timeline-") as out:
        t0 = time.time()
        subprocess.run([sys.executable, "-c", DRIVER, out, "check", "--no-render", *args, tree],
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
        t1 = time.time()
        with open(os.path.join(out, "parent.json")) as fh:
            parent = json.load(fh)
        workers = []
        for name in sorted(os.listdir(out)):
            if name.startswith("w"):
                with open(os.path.join(out, name)) as fh:
                    workers.append(json.load(fh))
    if not workers:
        raise SystemExit("no worker process ran: a scan this small is not pooled (`runner.POOL_MIN_FILES`)")
    return phases(parent, workers, t0, t1)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("tree", nargs="?", default=str(DEFAULT_TREE))
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--json", help="write every run's figures here")
    ap.add_argument("args", nargs="*", help="more `glmlint check` arguments (after `--`)")
    opts = ap.parse_args()
    if not os.path.isdir(opts.tree):
        raise SystemExit(f"no such directory: {opts.tree}")
    runs = [run_once(opts.tree, opts.args) for _ in range(opts.repeat)]
    if opts.json:
        with open(opts.json, "w") as fh:
            json.dump(runs, fh, indent=1)
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"`glmlint check --no-render {' '.join(opts.args)}` on {opts.tree}: median of {len(runs)} runs "
          f"(load average {load:.2f} at the end)\n")
    print("| phase | seconds | share of the wall |")
    print("|---|---|---|")
    total = statistics.median(r["total"] for r in runs)
    for key in runs[0]:
        value = statistics.median(r[key] for r in runs)
        share = f"{value / total:.1%}" if "CPU" not in key and key != "total" else ""
        print(f"| {key} | {value:.3f} | {share} |")


if __name__ == "__main__":
    main()
