"""What `glmlint check` does, and what every scanning command shares (the configuration and rules,
the scan, the report), without click: `glmlint check` with an ordinary command line runs from here
without importing click (`glmlint.argv`; ~10 ms of a one-file check's CPU, issue 12). The click
commands (`glmlint.commands`) call the same functions.
"""
from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING, Any, NoReturn, TextIO

if TYPE_CHECKING:
    from glmlint.config import Config
    from glmlint.rule import Rule
    from glmlint.runner import Report


# the report formats (glmlint.output.FORMATS, written out so that parsing options imports no reporter)
FORMATS = ("text", "json", "sarif", "github", "gitlab", "junit")


def echo(message: str, err: bool = False, nl: bool = True) -> None:
    """`click.echo(message, err=err, nl=nl)` for text, without click: ANSI escapes are taken out
    when the stream is not a terminal, and the stream is flushed. A stream click would not write
    to as it is (an ASCII one, which it wraps to write UTF-8 with replacements) goes through click."""
    stream = sys.stderr if err else sys.stdout
    encoding = str(getattr(stream, "encoding", None) or "ascii").lower().replace("-", "").replace("_", "")
    if encoding in ("ascii", "usascii", "646", "ansix3.41968"):
        import click

        click.echo(message, err=err, nl=nl)
        return
    out = message + "\n" if nl else message
    if not out:
        stream.flush()
        return
    if "\033" in out and not _isatty(stream):
        import re

        out = re.sub(r"\033\[[;?0-9]*[a-zA-Z]", "", out)  # click's strip_ansi
    stream.write(out)
    stream.flush()


def _isatty(stream: Any) -> bool:
    try:
        return bool(stream.isatty())
    except Exception:
        return False


def parse_report(value: str) -> tuple[str, str] | None:
    """`--report FORMAT:PATH` as (format, path); None when it is not one."""
    fmt, sep, path = value.partition(":")
    if not sep or not path or fmt not in FORMATS:
        return None
    return fmt, path


def parse_size(value: str) -> int | None:
    """`5M`, `512K`, `1048576`: bytes (K, M, G are powers of 1024); None when it is not a size."""
    import re

    m = re.fullmatch(r"\s*([0-9]+)\s*([KMG]?)(?:i?B)?\s*", value, re.I)
    if m is None:
        return None
    return int(m.group(1)) * 1024 ** " KMG".index(m.group(2).upper() or " ")


def check(paths: tuple[str, ...], reports: list[tuple[str, str]], fmt: str, output: str | None,
          fail_on: str | None, select: tuple[str, ...],
          ignore: tuple[str, ...], config_path: str | None, stdin_filename: str | None,
          baseline: str | None, write_baseline: str | None, report_unused_ignores: bool,
          sarif_category: str | None, color: bool | None, sort: str, jobs: int,
          max_file_size: int, values: tuple[str, ...], sets: tuple[str, ...], render: bool | None,
          profile: str | None, pss_version: str | None, pss_namespaces: bool | None,
          extend_select: tuple[str, ...] = ()) -> NoReturn:
    """Check PATHS (files or directories; `-` reads standard input; default: the current directory)."""
    from glmlint.output import NEEDS_FIX_EDITS

    report, config = scan_paths(paths, select, ignore, config_path, stdin_filename,
                                baseline=None if write_baseline else baseline,
                                report_unused_ignores=report_unused_ignores, jobs=jobs,
                                max_bytes=max_file_size,
                                fix_edits=bool({fmt, *(f for f, _ in reports)} & NEEDS_FIX_EDITS),
                                values=values, sets=sets, render=render,
                                pss=(profile, pss_version, pss_namespaces), extend_select=extend_select,
                                lean=True)
    if write_baseline:
        from glmlint import baseline as baseline_file

        n = baseline_file.write(write_baseline, report.results, report.root)
        echo(f"wrote {n} finding{'s' if n != 1 else ''} to {write_baseline}", err=True)
    for extra_fmt, extra_path in reports:
        parent = os.path.dirname(extra_path)
        if parent:
            os.makedirs(parent, exist_ok=True)
        _write_report(report, extra_fmt, extra_path, False, sarif_category, sort)
    _write_report(report, fmt, output, color, sarif_category, sort)
    raise SystemExit(_check_status(report, fail_on or config.fail_on or "warning", bool(write_baseline)))


def _write_report(report: Report, fmt: str, output: str | None, color: bool | None,
                  sarif_category: str | None, sort: str = "severity") -> None:
    """The report in `fmt`, to `output` or standard output (coloured on a terminal, unless NO_COLOR)."""
    from glmlint.output import write

    if output:
        with open(output, "w", encoding="utf-8") as fh:
            write(report, fmt, fh, category=sarif_category, sort=sort)
        return
    use_color = color if color is not None else (
        sys.stdout.isatty() and "NO_COLOR" not in os.environ and fmt == "text")
    write(report, fmt, sys.stdout, color=use_color, category=sarif_category, sort=sort)


def _check_status(report: Report, fail_on: str, wrote_baseline: bool) -> int:
    """2: a file could not be read or parsed; 1: a finding at `fail_on` or above; else 0."""
    from glmlint.rule import Severity

    if report.errors:
        return 2
    levels = {"error": {Severity.ERROR}, "warning": {Severity.ERROR, Severity.WARNING}, "never": set()}
    if not wrote_baseline and any(r.severity in levels[fail_on] for r in report.results):
        return 1
    return 0


def scan_paths(paths: tuple[str, ...], select: tuple[str, ...], ignore: tuple[str, ...],
               config_path: str | None, stdin_filename: str | None = None, baseline: str | None = None,
               report_unused_ignores: bool = False, jobs: int = 1,
               max_bytes: int | None = None, fix_edits: bool = False, values: tuple[str, ...] = (),
               sets: tuple[str, ...] = (), render: bool | None = None,
               pss: tuple[str | None, str | None, bool | None] = (None, None, None),
               keep_ir: bool = False, extend_select: tuple[str, ...] = (),
               lean: bool = False) -> tuple[Report, Config]:
    """Load the configuration, select the rules, scan (with progress on a terminal), and report
    unreadable files on standard error, one line each. Returns the report and the configuration.
    `keep_ir`: the report's sources keep each file's IR; `lean`: the report is only written out,
    nothing is fixed from it (`runner.scan`)."""
    from glmlint import records

    from glmlint.runner import MAX_BYTES, scan

    config, rules = settings(config_path, select, ignore, pss, paths, stdin_filename, extend_select)
    config = records.replace(config, baseline=baseline, report_unused_ignores=report_unused_ignores,
                                 helm_value_files=values, helm_set=config.helm_set + sets,
                                 render=config.render if render is None else render)
    progress = _Progress.on_terminal()
    _collect_again()  # start-up is over: what the scan allocates per file may be garbage
    try:
        report = scan(list(paths) or ["."], rules, config=config, stdin_filename=stdin_filename,
                      progress=progress, jobs=jobs, fix_edits=fix_edits, keep_ir=keep_ir, lean=lean,
                      max_bytes=MAX_BYTES if max_bytes is None else max_bytes)
    except Exception as exc:
        if config.baseline is None:  # only a baseline file fails a scan (glmlint.baseline, imported then)
            raise
        from glmlint.baseline import BaselineError

        if not isinstance(exc, BaselineError):
            raise
        _fail(str(exc))
    finally:
        if progress is not None:
            progress.clear()
    for p in report.problems:
        where = f"{p.path}:{p.line}" if p.line else p.path
        echo(f"{where}: {p.message}", err=True)
    return report, config



def settings(config_path: str | None, select: tuple[str, ...] = (),
             ignore: tuple[str, ...] = (),
             pss: tuple[str | None, str | None, bool | None] = (None, None, None),
             paths: tuple[str, ...] = (), stdin_filename: str | None = None,
             extend_select: tuple[str, ...] = ()) -> tuple[Config, list[Rule]]:
    """The configuration (`--config`, or found upward from the working directory) and the rules to
    run, for every command that scans; a bad file or selector exits 2 with a one-line error.
    `pss` holds `--profile`, `--pss-version` and `--pss-namespaces` (None: the config's)."""
    from glmlint import records

    from glmlint.config import ConfigError, check_pss_version, resolve
    from glmlint.profiles import ProfileError, get
    from glmlint.registry import RuleError, all_rules

    profile, pss_version, pss_namespaces = pss
    if pss_version is not None and check_pss_version(pss_version) is None:
        _fail(f"--pss-version must be \"latest\" or \"v1.x\", not {pss_version!r}")
    try:
        available = all_rules()
        config = resolve(config_path, os.getcwd(), available)
        if profile is not None:
            get(profile)  # an unknown name fails here, before the scan
        changes = {k: v for k, v in (("profile", profile), ("pss_version", pss_version),
                                     ("pss_namespaces", pss_namespaces)) if v is not None}
        if changes:
            config = records.replace(config, **changes)
        rules = config.rules(available, _split(select), _split(ignore), _split(extend_select))
    except (ConfigError, RuleError, ProfileError) as exc:
        _fail(str(exc))
    if config.pss_namespaces:
        from glmlint import pss as standards

        namespaces = standards.read_namespaces(list(paths) or ["."], os.getcwd(), stdin_filename)
        judged = standards.namespace_rules(namespaces, available)
        codes = {r.code for r in judged}
        rules = [r for r in rules if r.code not in codes] + judged
        rules.sort(key=lambda r: r.code)
    return config, rules


def _fail(message: str) -> NoReturn:
    print(f"glmlint: error: {message}", file=sys.stderr)
    raise SystemExit(2)


class _Progress:
    """`scanning 120/800 files` on standard error, redrawn in place; only on a terminal, never in CI."""

    def __init__(self, stream: TextIO) -> None:
        import time

        self.stream = stream
        self.clock = time.monotonic
        self.last = self.clock()
        self.shown = False

    @classmethod
    def on_terminal(cls) -> _Progress | None:
        ci = os.environ.get("CI", "").strip().lower() not in ("", "0", "false")
        return cls(sys.stderr) if sys.stderr.isatty() and not ci else None

    def __call__(self, done: int, total: int) -> None:
        now = self.clock()
        if total < 2 or (done < total and now - self.last < 0.1):
            return
        self.last = now
        self.stream.write(f"\r\033[Kscanning {done}/{total} files")
        self.stream.flush()
        self.shown = True

    def clear(self) -> None:
        if self.shown:
            self.stream.write("\r\033[K")
            self.stream.flush()


def _split(values: tuple[str, ...]) -> list[str]:
    return [v.strip() for value in values for v in value.split(",") if v.strip()]


# set while `glmlint.cli` holds the garbage collector off for start-up: None, or whether to freeze
_resume_gc: bool | None = None


def _collect_again() -> None:
    """Give the garbage collector back once start-up is over (see `glmlint.cli.main`)."""
    global _resume_gc
    if _resume_gc is not None:
        import gc

        if _resume_gc:
            gc.freeze()  # what start-up made lives as long as the process: no collection looks at it again
        _resume_gc = None
        gc.enable()


def run_check(params: dict[str, Any], resume_gc: bool = False, freeze: bool = False) -> NoReturn:
    """`check` as click's standalone mode runs a command: an interrupt prints `Aborted!` and exits 1,
    a closed output pipe exits 1 quietly; otherwise the command's own exit status. `resume_gc`: the
    caller turned the garbage collector off for start-up; it is turned on again before the scan
    (`freeze`: after moving what exists then out of its reach)."""
    import errno

    global _resume_gc
    _resume_gc = freeze if resume_gc else None
    try:
        check(**params)
    except (EOFError, KeyboardInterrupt):
        echo("", err=True)
        echo("Aborted!", err=True)
        sys.exit(1)
    except OSError as exc:
        if exc.errno != errno.EPIPE:
            raise
        from click.utils import _PacifyFlushWrapper

        sys.stdout = _PacifyFlushWrapper(sys.stdout)  # type: ignore[assignment]
        sys.stderr = _PacifyFlushWrapper(sys.stderr)  # type: ignore[assignment]
        sys.exit(1)
    finally:
        _collect_again()
