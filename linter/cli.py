"""The `glmlint` entry point: `--version` at once, an ordinary `glmlint check` command line without
click (`glmlint.argv`, `glmlint.checking`), anything else through the click commands
(`glmlint.commands`), imported only then."""
from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> None:
    args = sys.argv[1:] if argv is None else argv
    if args == ["--version"]:  # the fast path: no click, no parsers
        from glmlint import __version__

        print(f"glmlint {__version__}")
        raise SystemExit(0)
    _young_gc()
    if args[:1] == ["check"]:  # the common case, without click (~10 ms of CPU): the same command
        import gc

        # Start-up makes ~15k objects that live as long as the process (modules, classes, rules) and
        # no garbage to speak of, and the collector went through them ~35 times on a one-file check
        # (~4 ms of CPU): it is off until the first file is read (`checking.scan_paths`), and when the
        # process is glmlint's own (the console script, `python -m glmlint`: no `argv` given) what
        # start-up made is then set aside for good (`gc.freeze`), as a long-lived server does.
        collecting = gc.isenabled()
        gc.disable()
        from glmlint.argv import check_params

        params = check_params(args[1:])
        if params is not None:
            from glmlint.checking import run_check

            run_check(params, resume_gc=collecting, freeze=collecting and argv is None)
        if collecting:
            gc.enable()
    from glmlint.commands import cli

    cli(args=args, prog_name="glmlint")


# A scan allocates millions of short-lived objects (YAML nodes, words, locations) while the IR of
# every file read so far stays alive: at Python's default threshold (a young collection every 700
# allocations) the collector walked the growing heap ~1,400 times in a scan of the corpus, a fifth
# of its CPU (docs/benchmarks.md). The IR holds no reference cycles to collect early; cyclic
# garbage waits at most this many allocations longer. Pool workers, forked, inherit it.
YOUNG_GC_THRESHOLD = 20_000


def _young_gc() -> None:
    import gc

    threshold = gc.get_threshold()
    gc.set_threshold(max(threshold[0], YOUNG_GC_THRESHOLD), *threshold[1:])


def __getattr__(name: str) -> object:  # no `typing` import: --version stays at interpreter start-up
    """`glmlint.cli.settings` and the other helpers now live in `glmlint.commands`."""
    if name.startswith("__"):
        raise AttributeError(name)
    from glmlint import commands

    if name == "_cli":  # the old closure's factory: `_cli()` gave the click group
        return lambda: commands.cli
    try:
        return getattr(commands, name)
    except AttributeError:
        raise AttributeError(f"module 'glmlint.cli' has no attribute {name!r}") from None
