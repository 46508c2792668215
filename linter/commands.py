"""The command line's commands: `check`, `fix`, `explain`, `rules` (click, imported only to run one).

`glmlint.cli.main` is the entry point: it answers `--version` without importing
this module. Each command reads top to bottom: options, then the configuration
and the rules (`settings`), the scan (`scan_paths`), and what the command does
with the report.
"""
from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING, Any, NoReturn, TextIO

import click

from glmlint import __version__

if TYPE_CHECKING:
    from glmlint.config import Config
    from glmlint.rule import Rule
    from glmlint.runner import Report


# the report formats (glmlint.output.FORMATS, written out so that parsing options imports no reporter)
_FORMATS = ("text", "json", "sarif", "github", "gitlab", "junit")


def _reports(ctx: object, param: object, values: tuple[str, ...]) -> list[tuple[str, str]]:
    """`--report FORMAT:PATH` values as (format, path)."""
    out = []
    for value in values:
        fmt, sep, path = value.partition(":")
        if not sep or not path or fmt not in _FORMATS:
            raise click.BadParameter(f"{value!r}: expected FORMAT:PATH, FORMAT one of {', '.join(_FORMATS)}")
        out.append((fmt, path))
    return out


def _size(ctx: object, param: object, value: str) -> int:
    """`5M`, `512K`, `1048576`: bytes (K, M, G are powers of 1024)."""
    import re

    import click

    m = re.fullmatch(r"\s*([0-9]+)\s*([KMG]?)(?:i?B)?\s*", value, re.I)
    if m is None:
        raise click.BadParameter("a size in bytes, or with a K, M or G suffix (e.g. 5M)")
    return int(m.group(1)) * 1024 ** " KMG".index(m.group(2).upper() or " ")


def _fix_user(ctx: object, param: object, value: str | None) -> str | None:
    """`--fix-user`: a numeric UID or UID:GID, never root."""
    import re

    if value is not None and not re.fullmatch(r"[0-9]+(:[0-9]+)?", value):
        raise click.BadParameter("must be numeric: UID or UID:GID", param_hint="--fix-user")
    if value is not None and int(value.split(":")[0]) == 0:
        raise click.BadParameter("must not be root (0)", param_hint="--fix-user")
    return value


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="glmlint")
def cli() -> None:
    """Security linter for Dockerfiles, docker-compose files and Kubernetes manifests."""

@cli.command()
@click.argument("paths", nargs=-1, type=click.Path())
@click.option("--report", "reports", multiple=True, metavar="FORMAT:PATH", callback=_reports,
              help="Also write a report in FORMAT to PATH, from the same scan (repeatable): "
                   "`--format github --report sarif:glmlint.sarif`.")
@click.option("--format", "fmt", type=click.Choice(list(_FORMATS)), default="text",
              show_default=True, help="Report format (`github`: workflow-command annotations).")
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True),
              help="Write the report to this file instead of standard output.")
@click.option("--fail-on", type=click.Choice(["error", "warning", "never"]), default=None,
              help="Lowest severity that makes the exit status 1.  [default: the config's, else warning]")
@click.option("--select", multiple=True, metavar="RULE",
              help="Only these rules (code, slug or prefix); repeatable or comma-separated.")
@click.option("--ignore", multiple=True, metavar="RULE",
              help="Skip these rules (code, slug or prefix); repeatable or comma-separated.")
@click.option("--config", "config_path", type=click.Path(dir_okay=False),
              help="Configuration file (default: the nearest .glmlint.toml, .glmlint.yaml or "
                   "pyproject.toml with [tool.glmlint], upward from the working directory).")
@click.option("--stdin-filename", metavar="NAME",
              help="Name standard input (`-`) in reports; the name also picks its format.")
@click.option("--baseline", type=click.Path(dir_okay=False),
              help="Report only findings that this baseline file does not record.")
@click.option("--write-baseline", type=click.Path(dir_okay=False, writable=True),
              help="Record today's findings in this file; the exit status is then 0.")
@click.option("--report-unused-ignores", is_flag=True,
              help="Report `# glmlint: ignore` comments that suppress nothing (GLM100).")
@click.option("--sarif-category", metavar="NAME",
              help="SARIF `automationDetails.id`, for uploads without upload-sarif's `category`.")
@click.option("--color/--no-color", default=None, help="Colour the text report (default: on a TTY).")
@click.option("--sort", type=click.Choice(["severity", "path"]), default="severity", show_default=True,
              help="Order of the text report: most severe first, or by file and line.")
@click.option("-j", "--jobs", type=click.IntRange(min=0), default=0, show_default=True,
              help="Worker processes for large scans (0: one per CPU; 1: no pool).")
@click.option("--max-file-size", default="5M", show_default=True, metavar="SIZE", callback=_size,
              help="Skip larger files with a notice (bytes, or with a K/M/G suffix).")
@click.option("--values", "-f", "values", multiple=True, type=click.Path(dir_okay=False), metavar="FILE",
              help="Render Helm charts with this values file too, as `helm template -f` (repeatable).")
@click.option("--set", "sets", multiple=True, metavar="KEY=VALUE",
              help="Render Helm charts with this value, as `helm template --set` (repeatable).")
@click.option("--render/--no-render", default=None,
              help="Render Helm charts and build Kustomize overlays met in the scan.  [default: the config's, else on]")
@click.option("--profile", metavar="NAME", default=None,
              help="Rule profile: essential, hardened, pss-baseline, pss-restricted (`glmlint profiles`; "
                   "docs/profiles.md).  [default: the config's, else hardened]")
@click.option("--pss-version", metavar="VERSION", default=None,
              help="Pod Security Standards version for --profile: latest or v1.x.  [default: the config's, "
                   "else latest]")
@click.option("--pss-namespaces", is_flag=True, default=None,
              help="Also judge each Kubernetes workload by the `pod-security.kubernetes.io/enforce` label "
                   "(and -version) of its Namespace, when a scanned file defines it.")
def check(paths: tuple[str, ...], reports: list[tuple[str, str]], fmt: str, output: str | None,
          fail_on: str | None, select: tuple[str, ...],
          ignore: tuple[str, ...], config_path: str | None, stdin_filename: str | None,
          baseline: str | None, write_baseline: str | None, report_unused_ignores: bool,
          sarif_category: str | None, color: bool | None, sort: str, jobs: int,
          max_file_size: int, values: tuple[str, ...], sets: tuple[str, ...], render: bool | None,
          profile: str | None, pss_version: str | None, pss_namespaces: bool | None) -> None:
    """Check PATHS (files or directories; `-` reads standard input; default: the current directory)."""
    from glmlint.output import NEEDS_FIX_EDITS

    report, config = scan_paths(paths, select, ignore, config_path, stdin_filename,
                                baseline=None if write_baseline else baseline,
                                report_unused_ignores=report_unused_ignores, jobs=jobs,
                                max_bytes=max_file_size,
                                fix_edits=bool({fmt, *(f for f, _ in reports)} & NEEDS_FIX_EDITS),
                                values=values, sets=sets, render=render,
                                pss=(profile, pss_version, pss_namespaces))
    if write_baseline:
        from glmlint import baseline as baseline_file

        n = baseline_file.write(write_baseline, report.results, report.root)
        click.echo(f"wrote {n} finding{'s' if n != 1 else ''} to {write_baseline}", err=True)
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


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path())
@click.option("--write", is_flag=True, help="Apply the fixes in place instead of printing a diff.")
@click.option("--unsafe-fixes", is_flag=True,
              help="Also apply fixes that may change how the workload runs (see each rule's fix safety).")
@click.option("--fix-user", default=None, metavar="UID[:GID]", callback=_fix_user,
              help="The non-root user run-as-root fixes set.  [default: the config's fix-user, else 10001]")
@click.option("--select", multiple=True, metavar="RULE", help="Only fix these rules (code, slug or prefix).")
@click.option("--ignore", multiple=True, metavar="RULE", help="Do not fix these rules.")
@click.option("--config", "config_path", type=click.Path(dir_okay=False),
              help="Configuration file (default: found upward from the working directory).")
@click.option("--profile", metavar="NAME", default=None, help="Rule profile (as for `check`).")
def fix(paths: tuple[str, ...], write: bool, unsafe_fixes: bool, fix_user: str | None, select: tuple[str, ...],
        ignore: tuple[str, ...], config_path: str | None, profile: str | None) -> None:
    """Fix what `check` finds in PATHS: print a unified diff, or apply it with --write.

    Exit status: 0 nothing to fix, 1 fixes were (or would be) applied, 2 a file could not be read.
    """
    from glmlint import fix as fixer

    report, config = scan_paths(paths, select, ignore, config_path, pss=(profile, None, None))
    fix_user = fix_user or config.fix_user or "10001"
    fixes = fixer.fix_report(report, fixer.Options(unsafe=unsafe_fixes, user=fix_user))
    if any(r.rendered_from is not None for r in report.results):  # findings in rendered Helm charts
        from glmlint.fix import chart
        from glmlint.helm import HelmOptions

        chart_fixes, not_fixed = chart.fixes(report, unsafe_fixes, HelmOptions(
            values=config.helm_value_files, set=config.helm_set, chart_values=config.helm_values))
        fixes += chart_fixes
        for r, reason in not_fixed:
            click.echo(f"{r.path}:{r.line}:{r.col}: {r.code} not fixed: {reason}", err=True)
    changed, applied = _apply(fixes, write, report.root)
    hidden = 0 if unsafe_fixes else sum(1 for r in report.results if r.fix is not None
                                        and str(r.fix.safety) == "unsafe")
    verb = "Fixed" if write else "Would fix"
    summary = f"{verb} {applied} finding{'s' if applied != 1 else ''} in {changed} file{'s' if changed != 1 else ''}"
    if hidden:
        summary += f"; {hidden} more with --unsafe-fixes"
    click.echo(summary + ".", err=True)
    raise SystemExit(2 if report.errors else 1 if changed else 0)


def _apply(fixes: list[Any], write: bool, root: str) -> tuple[int, int]:
    """Write each changed file (`--write`, naming each fix) or print its diff; say why a fix was
    skipped. Returns how many files changed and how many findings were fixed."""
    from glmlint import fix as fixer

    changed = applied = 0
    for f in fixes:
        for r, reason in f.skipped:
            click.echo(f"{r.path}:{r.line}:{r.col}: {r.code} not fixed: {reason}", err=True)
        if not f.changed:
            continue
        if write:
            try:
                fixer.write(f, root)
            except fixer.WriteError as exc:
                click.echo(f"{f.source.path}: {exc}", err=True)
                continue
            for a in f.applied:
                left = f" (partly: still {a.left})" if a.left else ""
                click.echo(f"{f.source.path}:{a.line}:{a.col}: {a.code} fixed: {a.title}{left}")
        else:
            click.echo(fixer.diff(f), nl=False)
        changed += 1
        applied += len(f.applied)
    return changed, applied

@cli.command()
@click.argument("rule")
def explain(rule: str) -> None:
    """Show the documentation of RULE (a code or slug)."""
    from glmlint.docs import render, services_section
    from glmlint.registry import all_rules, find

    found = find(all_rules(), rule)
    if found is None:
        raise click.UsageError(f"unknown rule {rule!r}; `glmlint rules` lists them")
    click.echo(render(found) + services_section(found), nl=False)

@cli.command()
def server() -> None:
    """Run the language server (LSP) over standard input and output, for editors.

    Needs the `lsp` extra: pip install 'glmlint[lsp]'. See docs/editors.md.
    """
    try:
        from glmlint import lsp
    except ImportError as exc:
        _fail(f"`glmlint server` needs pygls ({exc.name} is not installed): pip install 'glmlint[lsp]'")
    lsp.main()


@cli.command(name="profiles")
def list_profiles() -> None:
    """List the rule profiles (`--profile`, config `profile`) and the rules each runs."""
    from glmlint.profiles import DEFAULT, PROFILES
    from glmlint.registry import all_rules

    available = all_rules()
    for p in PROFILES.values():
        # a rule taken for some of its findings' kinds only: `GLM001(misconfiguration)`
        codes = [r.code + (f"({','.join(sorted(map(str, r.kinds_reported)))})" if r.kinds_reported is not None else "")
                 for r in p.rules(available)]
        mark = " (default)" if p.name == DEFAULT else ""
        click.echo(f"{p.name}{mark}: {p.summary}")
        click.echo(f"  rules: {' '.join(codes) or 'none'}")


@cli.command(name="rules")
def list_rules() -> None:
    """List every rule: code, slug, severity, fix safety, formats and summary."""
    from glmlint.docs import FORMAT_NAMES
    from glmlint.registry import all_rules

    rows = [("code", "slug", "severity", "fix", "formats", "summary")]
    for r in all_rules():
        formats = ",".join(FORMAT_NAMES.get(str(f), str(f)).strip("`").replace(" ", "-")
                           for f in sorted(r.reads, key=str))
        rows.append((r.code, r.slug, str(r.severity), r.fix_label, formats, r.summary))
    widths = [max(len(row[i]) for row in rows) for i in range(5)]
    for row in rows:
        click.echo("  ".join(cell.ljust(w) for cell, w in zip(row, widths)) + "  " + row[5])

def scan_paths(paths: tuple[str, ...], select: tuple[str, ...], ignore: tuple[str, ...],
               config_path: str | None, stdin_filename: str | None = None, baseline: str | None = None,
               report_unused_ignores: bool = False, jobs: int = 1,
               max_bytes: int | None = None, fix_edits: bool = False, values: tuple[str, ...] = (),
               sets: tuple[str, ...] = (), render: bool | None = None,
               pss: tuple[str | None, str | None, bool | None] = (None, None, None)) -> tuple[Report, Config]:
    """Load the configuration, select the rules, scan (with progress on a terminal), and report
    unreadable files on standard error, one line each. Returns the report and the configuration."""
    import dataclasses

    from glmlint.runner import MAX_BYTES, scan

    config, rules = settings(config_path, select, ignore, pss, paths, stdin_filename)
    config = dataclasses.replace(config, baseline=baseline, report_unused_ignores=report_unused_ignores,
                                 helm_value_files=values, helm_set=config.helm_set + sets,
                                 render=config.render if render is None else render)
    progress = _Progress.on_terminal()
    try:
        report = scan(list(paths) or ["."], rules, config=config, stdin_filename=stdin_filename,
                      progress=progress, jobs=jobs, fix_edits=fix_edits,
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
        click.echo(f"{where}: {p.message}", err=True)
    return report, config



def settings(config_path: str | None, select: tuple[str, ...] = (),
             ignore: tuple[str, ...] = (),
             pss: tuple[str | None, str | None, bool | None] = (None, None, None),
             paths: tuple[str, ...] = (), stdin_filename: str | None = None) -> tuple[Config, list[Rule]]:
    """The configuration (`--config`, or found upward from the working directory) and the rules to
    run, for every command that scans; a bad file or selector exits 2 with a one-line error.
    `pss` holds `--profile`, `--pss-version` and `--pss-namespaces` (None: the config's)."""
    import dataclasses

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
            config = dataclasses.replace(config, **changes)
        rules = config.rules(available, _split(select), _split(ignore))
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
