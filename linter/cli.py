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
    from glmlint.recache import preload

    preload()  # the regular expressions glmlint compiles, compiled ahead of time (`glmlint.recache`)
    _closed_streams_discard()
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

            try:
                run_check(params, resume_gc=collecting, freeze=collecting and argv is None)
            except SystemExit as done:
                if argv is None:  # glmlint's own process: nothing outlives the command
                    _exit_now(done)
                raise
        if collecting:
            gc.enable()
    from glmlint.commands import cli

    cli(args=args, prog_name="glmlint")


def _closed_streams_discard() -> None:
    """A standard stream the shell closed (`glmlint check . >&-`, `2>&-`) is `None` in Python: what
    glmlint writes there is discarded, as with `>/dev/null`, and the exit status still tells the
    outcome (it was a traceback and status 1 whatever the scan found)."""
    for name in ("stdout", "stderr"):
        if getattr(sys, name) is None:
            import os

            setattr(sys, name, open(os.devnull, "w", encoding="utf-8"))


def _exit_now(done: SystemExit) -> None:
    """End glmlint's own process with `done`'s status, without the interpreter's teardown.

    Tearing down the modules and objects of a run (and, after `gc.freeze`, collecting none of
    them) is ~3 ms of CPU of a one-file check (issue 12), for nothing a finished command needs. What
    an ordinary exit does that matters is still done: the `atexit` functions run (pool
    finalizers) and both streams are flushed. Returns (and the caller exits
    as usual) when anything could differ: a status that is not an integer (printed by the
    interpreter), a thread still running (joined at a normal exit), a stream that will not flush."""
    import os

    code = 0 if done.code is None else done.code
    if not isinstance(code, int) or isinstance(code, bool) or not 0 <= code <= 255:
        return
    threading = sys.modules.get("threading")
    if threading is not None and threading.active_count() > 1:
        return
    if not _flushed():  # a closed pipe: what the interpreter reports and exits with, as before
        return
    import atexit

    atexit._run_exitfuncs()  # (they run once: the interpreter finds none left)
    if _flushed():
        os._exit(code)


def _flushed() -> bool:
    try:
        for stream in (sys.stdout, sys.stderr):
            if stream is not None:
                stream.flush()
    except Exception:
        return False
    return True


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
