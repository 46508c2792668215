"""The command line's commands: `check`, `fix`, `explain`, `rules` (click, imported only to run one).

`glmlint.cli.main` is the entry point: it answers `--version` without importing
this module. Each command reads top to bottom: options, then the configuration
and the rules (`settings`), the scan (`scan_paths`), and what the command does
with the report.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

import click

from glmlint import __version__, checking
from glmlint.checking import _Progress, _check_status, _fail, _split, _write_report, scan_paths, settings  # noqa: F401

_FORMATS = checking.FORMATS


def _reports(ctx: object, param: object, values: tuple[str, ...]) -> list[tuple[str, str]]:
    """`--report FORMAT:PATH` values as (format, path)."""
    out = []
    for value in values:
        parsed = checking.parse_report(value)
        if parsed is None:
            raise click.BadParameter(f"{value!r}: expected FORMAT:PATH, FORMAT one of {', '.join(_FORMATS)}")
        out.append(parsed)
    return out


def _size(ctx: object, param: object, value: str) -> int:
    """`5M`, `512K`, `1048576`: bytes (K, M, G are powers of 1024)."""
    size = checking.parse_size(value)
    if size is None:
        raise click.BadParameter("a size in bytes, or with a K, M or G suffix (e.g. 5M)")
    return size


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


def _rendering(command: Callable[..., Any]) -> Callable[..., Any]:
    """The options that say how `check` and `fix` render Helm charts and build Kustomize overlays."""
    for option in reversed((
            click.option("--values", "-f", "values", multiple=True, type=click.Path(dir_okay=False),
                         metavar="FILE",
                         help="Render Helm charts with this values file too, as `helm template -f` (repeatable)."),
            click.option("--set", "sets", multiple=True, metavar="KEY=VALUE",
                         help="Render Helm charts with this value, as `helm template --set` (repeatable)."),
            click.option("--render/--no-render", default=None,
                         help="Render Helm charts and build Kustomize overlays met in the scan.  "
                              "[default: the config's, else on]"))):
        command = option(command)
    return command

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
@click.option("--extend-select", multiple=True, metavar="RULE",
              help="Also run these rules (opt-in ones too), on top of --select or the profile; repeatable "
                   "or comma-separated.")
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
@_rendering
@click.option("--profile", metavar="NAME", default=None,
              help="Rule profile: essential, hardened, pss-baseline, pss-restricted (`glmlint profiles`; "
                   "docs/profiles.md).  [default: the config's, else hardened]")
@click.option("--pss-version", metavar="VERSION", default=None,
              help="Pod Security Standards version for --profile: latest or v1.x.  [default: the config's, "
                   "else latest]")
@click.option("--pss-namespaces", is_flag=True, default=None,
              help="Also judge each Kubernetes workload by the `pod-security.kubernetes.io/enforce` label "
                   "(and -version) of its Namespace, when a scanned file defines it.")
def check(**params: Any) -> None:
    """Check PATHS (files or directories; `-` reads standard input; default: the current directory)."""
    checking.check(**params)  # the options above are `checking.check`'s parameters, by name


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path())
@click.option("--write", is_flag=True, help="Apply the fixes in place instead of printing a diff.")
@click.option("--unsafe-fixes", is_flag=True,
              help="Also apply fixes that may change how the workload runs (see each rule's fix safety).")
@click.option("--fix-user", default=None, metavar="UID[:GID]", callback=_fix_user,
              help="The non-root user run-as-root fixes set.  [default: the config's fix-user, else the "
                   "image's own non-root user when the image catalog knows it, else 10001]")
@click.option("--select", multiple=True, metavar="RULE", help="Only fix these rules (code, slug or prefix).")
@click.option("--ignore", multiple=True, metavar="RULE", help="Do not fix these rules.")
@click.option("--extend-select", multiple=True, metavar="RULE",
              help="Also fix these rules (opt-in ones too), on top of --select or the profile.")
@click.option("--config", "config_path", type=click.Path(dir_okay=False),
              help="Configuration file (default: found upward from the working directory).")
@click.option("--profile", metavar="NAME", default=None, help="Rule profile (as for `check`).")
@_rendering
def fix(paths: tuple[str, ...], write: bool, unsafe_fixes: bool, fix_user: str | None, select: tuple[str, ...],
        ignore: tuple[str, ...], extend_select: tuple[str, ...], config_path: str | None, profile: str | None,
        values: tuple[str, ...], sets: tuple[str, ...], render: bool | None) -> None:
    """Fix what `check` finds in PATHS: print a unified diff, or apply it with --write.

    Exit status: 0 nothing to fix, 1 fixes were (or would be) applied, 2 a file could not be read.
    """
    from glmlint import fix as fixer

    # the fix engine edits from each file's IR: the scan keeps it
    report, config = scan_paths(paths, select, ignore, config_path, pss=(profile, None, None), keep_ir=True,
                                values=values, sets=sets, render=render, extend_select=extend_select)
    chosen = fix_user or config.fix_user
    fixes = fixer.fix_report(report, fixer.Options(unsafe=unsafe_fixes, user=chosen or "10001",
                                                   user_set=chosen is not None))
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
