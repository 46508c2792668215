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
        from glmlint.registry import RuleError, all_rules
        from glmlint.registry import select as pick
        from glmlint.rule import Severity
        from glmlint.runner import scan

        try:
            rules = pick(all_rules(), _split(select), _split(ignore))
        except RuleError as exc:
            raise click.UsageError(str(exc)) from None
        report = scan(list(paths) or ["."], rules)
        for p in report.problems:
            where = f"{p.path}:{p.line}" if p.line else p.path
            click.echo(f"{where}: {p.message}", err=True)
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

    return cli


def _split(values: tuple[str, ...]) -> list[str]:
    return [v.strip() for value in values for v in value.split(",") if v.strip()]
