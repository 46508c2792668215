"""The `glmlint` command line."""
from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    args = sys.argv[1:] if argv is None else argv
    if args == ["--version"]:  # the fast path: no click, no parsers
        from glmlint import __version__

        print(f"glmlint {__version__}")
        raise SystemExit(0)
    _cli()(args=args, prog_name="glmlint")


def _cli():  # type: ignore[no-untyped-def]
    import click

    from glmlint import __version__

    @click.group(context_settings={"help_option_names": ["-h", "--help"]})
    @click.version_option(__version__, prog_name="glmlint")
    def cli() -> None:
        """Security linter for Dockerfiles, docker-compose files and Kubernetes manifests."""

    @cli.command()
    @click.argument("paths", nargs=-1, type=click.Path())
    @click.option("--format", "fmt", type=click.Choice(["text", "json", "sarif"]), default="text",
                  show_default=True, help="Report format.")
    @click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True),
                  help="Write the report to this file instead of standard output.")
    @click.option("--fail-on", type=click.Choice(["error", "warning", "never"]), default="warning",
                  show_default=True, help="Lowest severity that makes the exit status 1.")
    @click.option("--select", multiple=True, metavar="RULE",
                  help="Only these rules (code, slug or prefix); repeatable or comma-separated.")
    @click.option("--ignore", multiple=True, metavar="RULE",
                  help="Skip these rules (code, slug or prefix); repeatable or comma-separated.")
    @click.option("--color/--no-color", default=None, help="Colour the text report (default: on a TTY).")
    def check(paths: tuple[str, ...], fmt: str, output: str | None, fail_on: str, select: tuple[str, ...],
              ignore: tuple[str, ...], color: bool | None) -> None:
        """Check PATHS (files or directories; default: the current directory)."""
        from glmlint.output import write
        from glmlint.rule import Severity

        report = _scan(paths, select, ignore)
        if output:
            with open(output, "w", encoding="utf-8") as fh:
                write(report, fmt, fh)
        else:
            use_color = color if color is not None else (
                sys.stdout.isatty() and "NO_COLOR" not in os.environ and fmt == "text")
            write(report, fmt, sys.stdout, color=use_color)
        if report.errors:
            raise SystemExit(2)
        levels = {"error": {Severity.ERROR}, "warning": {Severity.ERROR, Severity.WARNING}, "never": set()}
        if any(r.severity in levels[fail_on] for r in report.results):
            raise SystemExit(1)

    @cli.command()
    @click.argument("paths", nargs=-1, type=click.Path())
    @click.option("--write", is_flag=True, help="Apply the fixes in place instead of printing a diff.")
    @click.option("--unsafe-fixes", is_flag=True,
                  help="Also apply fixes that may change how the workload runs (see each rule's fix safety).")
    @click.option("--fix-user", default="10001", show_default=True, metavar="UID[:GID]",
                  help="The non-root user run-as-root fixes set.")
    @click.option("--select", multiple=True, metavar="RULE", help="Only fix these rules (code, slug or prefix).")
    @click.option("--ignore", multiple=True, metavar="RULE", help="Do not fix these rules.")
    def fix(paths: tuple[str, ...], write: bool, unsafe_fixes: bool, fix_user: str, select: tuple[str, ...],
            ignore: tuple[str, ...]) -> None:
        """Fix what `check` finds in PATHS: print a unified diff, or apply it with --write.

        Exit status: 0 nothing to fix, 1 fixes were (or would be) applied, 2 a file could not be read.
        """
        import re

        from glmlint import fix as fixer

        if not re.fullmatch(r"[0-9]+(:[0-9]+)?", fix_user):
            raise click.BadParameter("must be numeric: UID or UID:GID", param_hint="--fix-user")
        report = _scan(paths, select, ignore)
        fixes = fixer.fix_report(report, fixer.Options(unsafe=unsafe_fixes, user=fix_user))
        changed = applied = 0
        for f in fixes:
            for r, reason in f.skipped:
                click.echo(f"{r.path}:{r.line}:{r.col}: {r.code} not fixed: {reason}", err=True)
            if not f.changed:
                continue
            if write:
                try:
                    fixer.write(f, report.root)
                except fixer.WriteError as exc:
                    click.echo(f"{f.source.path}: {exc}", err=True)
                    continue
                for a in f.applied:
                    click.echo(f"{f.source.path}:{a.line}:{a.col}: {a.code} fixed: {a.title}")
            else:
                click.echo(fixer.diff(f), nl=False)
            changed += 1
            applied += len(f.applied)
        hidden = 0 if unsafe_fixes else sum(1 for r in report.results if r.fix is not None
                                            and str(r.fix.safety) == "unsafe")
        verb = "Fixed" if write else "Would fix"
        summary = f"{verb} {applied} finding{'s' if applied != 1 else ''} in {changed} file{'s' if changed != 1 else ''}"
        if hidden:
            summary += f"; {hidden} more with --unsafe-fixes"
        click.echo(summary + ".", err=True)
        if report.errors:
            raise SystemExit(2)
        raise SystemExit(1 if changed else 0)

    @cli.command()
    @click.argument("rule")
    def explain(rule: str) -> None:
        """Show the documentation of RULE (a code or slug)."""
        from glmlint.docs import render
        from glmlint.registry import all_rules, find

        found = find(all_rules(), rule)
        if found is None:
            raise click.UsageError(f"unknown rule {rule!r}; `glmlint rules` lists them")
        click.echo(render(found), nl=False)

    @cli.command(name="rules")
    def list_rules() -> None:
        """List the rules with their codes, slugs and severities."""
        from glmlint.registry import all_rules

        for r in all_rules():
            fix = f" [{r.fix} fix]" if r.fix else ""
            click.echo(f"{r.code}  {r.slug:<24} {r.severity!s:<8} {r.summary}{fix}")

    def _scan(paths: tuple[str, ...], select: tuple[str, ...], ignore: tuple[str, ...]):  # type: ignore[no-untyped-def]
        """Select the rules, scan, and report unreadable files on standard error, one line each."""
        from glmlint.registry import RuleError, all_rules
        from glmlint.registry import select as pick
        from glmlint.runner import scan

        try:
            rules = pick(all_rules(), _split(select), _split(ignore))
        except RuleError as exc:
            raise click.UsageError(str(exc)) from None
        report = scan(list(paths) or ["."], rules)
        for p in report.problems:
            where = f"{p.path}:{p.line}" if p.line else p.path
            click.echo(f"{where}: {p.message}", err=True)
        return report

    return cli


def _split(values: tuple[str, ...]) -> list[str]:
    return [v.strip() for value in values for v in value.split(",") if v.strip()]
