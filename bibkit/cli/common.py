"""What every command of both tools shares: how a run ends, progress bars, the summary, JSON reports.

Output discipline: data goes to stdout (or ``-o FILE``); progress, summaries
and errors go to stderr, so ``bibkit convert x.txt > refs.bib`` stays clean.

Cheap to import (``bibkit --help`` loads this and nothing heavier): option
groups that need the application layer live in :mod:`bibkit.cli.options`.
"""

from __future__ import annotations

import argparse
import errno
import sys
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, Callable, Iterable, Iterator, Protocol, Sequence, cast

from ..config import ConfigError
from ..errors import BibkitError, ExitCode
from ..fileio import atomic_write_text, flush_stdout, silence_stdout
from ..outcomes import Notice, Outage, OutageKind
from ..reporting import json_default, table

if TYPE_CHECKING:
    import logging
    from importlib.machinery import ModuleSpec
    from types import ModuleType

__all__ = ["Bar", "ExamplesFormatter", "accept_global_flags_after_command", "add_report_option", "add_strict_option",
           "advance", "end_process", "notice_lines", "print_summary", "progress", "quiet_http_warnings", "run_main",
           "skipped_rows", "stage_feed", "table", "write_report"]


class ExamplesFormatter(argparse.HelpFormatter):
    """Help with the description wrapped to the terminal and an ``examples:`` epilog kept line by line."""

    def _fill_text(self, text: str, width: int, indent: str) -> str:
        if text.lstrip().lower().startswith("examples"):
            return "".join(indent + line for line in text.splitlines(keepends=True))
        return super()._fill_text(text, width, indent)


def add_report_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--report", metavar="FILE.json", help="write a machine-readable JSON report of the run "
                                                              "(e.g. --report run.json)")


def add_strict_option(parser: argparse.ArgumentParser, what: str) -> None:
    parser.add_argument("--strict", action="store_true", help=f"exit non-zero when {what}")


def write_report(path: str | None, data: Callable[[], Any] | Any) -> None:
    """Write a JSON report atomically (``-`` = stdout); no-op when ``path`` is None.

    ``data`` is the report or, better, the function that builds it (``result.as_dict``): a report of
    100,000 entries is real work, done only when ``--report`` asked for it.
    """
    if not path:
        return
    import json  # only a run asked for a report needs it

    if callable(data):
        data = data()

    atomic_write_text(path, json.dumps(data, indent=2, ensure_ascii=False, default=json_default) + "\n")


class Bar(Protocol):
    """What commands use of a progress bar (a tqdm bar, or the silent stand-in)."""

    total: int | float | None
    n: int | float

    def update(self, n: int | float | None = 1) -> bool | None: ...

    def set_postfix_str(self, s: str = "", refresh: bool = True) -> None: ...

    def set_description_str(self, desc: str | None = None, refresh: bool = True) -> None: ...

    def refresh(self) -> None: ...

    def reset(self, total: int | float | None = None) -> None: ...


def progress_enabled(args: argparse.Namespace) -> bool:
    return not getattr(args, "quiet", False) and sys.stderr.isatty()


@contextmanager
def progress(args: argparse.Namespace, total: int | None, desc: str, unit: str = "entry") -> Iterator[Bar]:
    """A tqdm bar on stderr when it is a terminal (and not ``--quiet``); otherwise a silent stand-in."""
    if progress_enabled(args):
        from tqdm import tqdm  # lazy, for start-up time: only a run on a terminal draws a bar

        bar = tqdm(total=total, desc=desc, unit=unit, file=sys.stderr, leave=False, dynamic_ncols=True)
        try:
            yield bar
        finally:
            bar.close()
    else:
        yield _NullBar(total)


class _NullBar:
    def __init__(self, total: int | None):
        self.total: int | float | None = total
        self.n: int | float = 0

    def update(self, n: int | float | None = 1) -> bool | None:
        self.n += n or 0
        return None

    def set_postfix_str(self, s: str = "", refresh: bool = True) -> None:
        pass

    def set_description_str(self, desc: str | None = None, refresh: bool = True) -> None:
        pass

    def refresh(self) -> None:
        pass

    def reset(self, total: int | float | None = None) -> None:
        self.n, self.total = 0, total


def advance(bar: Bar) -> Callable[[int], None]:
    """A ``progress(n)`` callback: ``n`` more done on ``bar``."""

    def step(n: int) -> None:
        bar.update(n)

    return step


def stage_feed(bar: Bar, *, stages: Sequence[str] | None = None) -> Callable[[str, int, int, str], None]:
    """An ``on_progress(stage, done, total, detail)`` callback that drives ``bar`` (only ``stages``, if given)."""

    current: list[str] = []  # the stage the bar shows

    def on_progress(stage: str, done: int, total: int, detail: str = "") -> None:
        if stages is not None and stage not in stages:
            return
        if current != [stage]:  # a new stage: its own count, and its own rate (the clock and the average restart)
            current[:] = [stage]
            bar.reset(total=total)
            bar.set_description_str(stage)
        elif bar.total != total:
            bar.total = total
        if done > bar.n:
            bar.update(done - bar.n)
        elif done < bar.n:
            bar.n = done
            bar.refresh()
        if detail:
            bar.set_postfix_str(detail)

    return on_progress


def print_summary(args: argparse.Namespace, title: str, rows: Sequence[tuple[str, Any]],
                  notes: Iterable[str] = ()) -> None:
    """A one-screen summary on stderr: aligned ``label  value`` rows, then notes (at most 15 shown)."""
    if getattr(args, "quiet", False):
        return
    out = sys.stderr
    print(title, file=out)
    width = max((len(label) for label, _ in rows), default=0)
    for label, value in rows:
        print(f"  {label.ljust(width)}  {value}", file=out)
    notes = list(notes)
    for note in notes[:15]:
        print(f"  - {note}", file=out)
    if len(notes) > 15:
        print(f"  … and {len(notes) - 15} more (see --report)", file=out)


def skipped_rows(skipped: int) -> list[tuple[str, Any]]:
    """The summary row saying how many pasted lines became no paper (none when nothing was skipped)."""
    if not skipped:
        return []
    return [("lines skipped", f"{skipped} (no paper: headings, navigation, notes; see --report)")]


def notice_lines(outages: Iterable[Outage], notices: Iterable[str]) -> list[str]:
    """Run-wide notices; every service that could not be reached folded into one line.

    Decided from the outage values: a notice that reports a service giving no
    answer at all is said by the "no network" line instead (the words of the
    notices are never looked at).
    """
    down: dict[str, Outage] = {}
    for outage in outages:
        if outage.kind is OutageKind.UNREACHABLE:
            down.setdefault(str(outage.service), outage)
    lines: list[str] = []
    if down:
        names = ", ".join(down[s].label for s in sorted(down))
        lines.append(f"no network: cannot reach {names} ({down[min(down)].cause}); "
                     "the output was written with what could be done without them")
    for notice in notices:
        about = notice.outage if isinstance(notice, Notice) else None
        if down and about is not None and about.kind.no_answer:
            continue  # said by the line above
        lines.append(str(notice))
    return lines


@contextmanager
def quiet_http_warnings(verbose: int) -> Iterator[None]:
    """The HTTP layer logs an unreachable service as a warning; the command reports it itself, in one line."""
    if verbose:
        yield
        return
    import logging

    def drop(record: logging.LogRecord) -> bool:
        return record.levelno >= logging.ERROR

    logger = logging.getLogger("bibkit.http")
    logger.addFilter(drop)
    try:
        yield
    finally:
        logger.removeFilter(drop)


def accept_global_flags_after_command(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Let ``-q``/``-v`` follow the command name too (``bibkit build -q …``), as users type them."""
    for command in sub.choices.values():
        command.add_argument("-v", "--verbose", action="count", default=argparse.SUPPRESS, help=argparse.SUPPRESS)
        command.add_argument("-q", "--quiet", action="store_true", default=argparse.SUPPRESS, help=argparse.SUPPRESS)


def _log_format(prog: str, verbose: bool) -> logging.Formatter:
    """``bibkit: warning: …`` like every other message of the CLI; with ``-v`` also the level and logger.

    What a run found goes into its summary; a log line at warning level is for what no summary can say.
    """
    import logging

    class LogFormat(logging.Formatter):
        def format(self, record: logging.LogRecord) -> str:
            message = record.getMessage()
            if verbose:
                return f"{prog}: {record.levelname.lower()} {record.name}: {message}"
            return f"{prog}: {record.levelname.lower()}: {message}"

    return LogFormat()


def _configure_logging(prog: str, verbose: int) -> None:
    """Send log records to stderr in the CLI's format, at the level ``-v`` asks for.

    Only the network stack logs (the HTTP layer, the enrichers, the Zotero transport), and a command
    imports it when it first needs it; ``logging`` itself is a start-up cost ``convert`` and ``tidy``
    never need. So when ``logging`` is not imported yet the set-up waits for its import
    (:class:`_WhenImported`) and is done then, before any module can log a record.
    """
    global _pending
    if _pending is not None and _pending in sys.meta_path:  # an earlier run in this process set up no logging
        sys.meta_path.remove(_pending)
    _pending = None

    def configure(logging: ModuleType) -> None:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(_log_format(prog, verbose=verbose > 0))
        logging.basicConfig(level=logging.WARNING - 10 * min(verbose, 2), handlers=[handler], force=True)
        if verbose < 2:
            logging.getLogger("urllib3").setLevel(logging.WARNING)

    if "logging" in sys.modules:
        configure(sys.modules["logging"])
    else:
        _pending = _WhenImported("logging", configure)
        sys.meta_path.insert(0, _pending)


class _WhenImported:
    """A meta-path finder that runs ``then(module)`` right after the module ``name`` is first imported.

    It finds nothing itself: it asks the finders after it for the module's spec and wraps the spec's
    loader, then steps out of ``sys.meta_path``.
    """

    def __init__(self, name: str, then: Callable[[ModuleType], None]):
        self.name, self.then = name, then

    def find_spec(self, fullname: str, path: Sequence[str] | None = None,
                  target: ModuleType | None = None) -> ModuleSpec | None:
        if fullname != self.name:
            return None
        if self in sys.meta_path:
            sys.meta_path.remove(self)
        spec: ModuleSpec | None = None
        for finder in sys.meta_path:
            find = getattr(finder, "find_spec", None)
            spec = cast("ModuleSpec | None", find(fullname, path, target) if find is not None else None)
            if spec is not None:
                break
        else:
            return None
        loader: Any = spec.loader
        then = self.then
        if loader is None or not hasattr(loader, "exec_module"):
            return spec

        class AndThen:
            """The module's own loader, then ``then``."""

            def create_module(self, spec: ModuleSpec) -> ModuleType | None:
                return loader.create_module(spec)  # type: ignore[no-any-return]

            def exec_module(self, module: ModuleType) -> None:
                loader.exec_module(module)
                then(module)

            def __getattr__(self, attr: str) -> Any:  # get_source, is_package, …: the real loader's
                return getattr(loader, attr)

        spec.loader = cast("Any", AndThen())  # a loader by protocol
        return spec


#: the finder waiting for ``logging`` to be imported (see :func:`_configure_logging`), if one is
_pending: _WhenImported | None = None


def end_process(code: int) -> None:
    """End this process now with ``code``, without the interpreter's teardown — as mypy's ``hard_exit`` does.

    Tearing the interpreter down frees every module, class, function and table one by one (and collects the
    cycles among them): memory touched for nothing, since the operating system takes the whole process back
    anyway — about 4 % of the CPU of a 1,000-entry ``bibkit convert``, whose tables and caches are still
    alive at its end (less for one entry: start-up's objects are frozen).  What an exit must still do is done
    here: standard output and error flushed, and the ``atexit`` functions run (a caller's, e.g. a profiler's
    or a benchmark's), as they would be.  When that cannot be done the same way — a flush that fails (the
    normal exit reports it), a thread the normal exit would wait for, or a tracer or profiler (coverage,
    cProfile, a debugger: each reports when the program ends the usual way) — this returns, and the process
    ends as usual.  Only for a command that does local work alone (no network, no cache database, no thread
    of its own), run by the console script (:func:`bibkit.cli.console`).
    """
    import atexit
    import os

    if sys.gettrace() is not None or sys.getprofile() is not None:
        return

    def flushed() -> bool:
        try:
            for stream in (sys.stdout, sys.stderr):
                if stream is not None:
                    stream.flush()
        except (OSError, ValueError):
            return False
        return True

    if not flushed():
        return
    threading = sys.modules.get("threading")
    if threading is not None and any(t.is_alive() and not t.daemon for t in threading.enumerate()
                                     if t is not threading.main_thread()):
        return
    atexit._run_exitfuncs()
    if flushed():
        os._exit(code)


def run_main(parser: argparse.ArgumentParser, argv: Sequence[str] | None, prog: str) -> int:
    """Parse, set up logging, run ``args.func`` and turn every way it can end into an exit code.

    Shared by ``bibkit`` and ``zotero-bridge`` so both report errors, interrupts
    and bad configuration the same way (one line on stderr, a documented code).
    """
    args = parser.parse_args(argv)
    _configure_logging(prog, args.verbose)
    with _terminate_as_interrupt():
        return _run(prog, args)


@contextmanager
def _terminate_as_interrupt() -> Iterator[None]:
    """SIGTERM and SIGHUP (``kill``, a closed terminal) end a command as Ctrl-C does: its temporary
    files removed, the old output and lock left intact, "interrupted" and exit 130 — not killed mid-write
    with a half-written temporary file left behind.  (Only in the main thread, where Python can take
    signals; the previous handlers are restored after, for callers running commands in-process.)"""
    import signal

    def interrupt(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    previous: dict[int, Any] = {}
    for sig in (signal.SIGTERM, getattr(signal, "SIGHUP", None)):
        if sig is None:
            continue
        try:
            previous[sig] = signal.signal(sig, interrupt)
        except (ValueError, OSError):  # not the main thread, or a platform without it
            pass
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def _run(prog: str, args: argparse.Namespace) -> int:
    try:
        from ..config import load_settings  # here: the config module is cheap, its settings are not needed before

        for warning in load_settings().warnings:  # config mistakes: said once per run, before any work
            print(f"{prog}: warning: {warning}", file=sys.stderr)
        code = int(args.func(args) or 0)
        flush_stdout()  # data printed to a full device fails here, not in Python's exit handler
        return code
    except BibkitError as exc:
        print(f"{prog}: error: {exc}", file=sys.stderr)
        return int(exc.exit_code)
    except ConfigError as exc:
        print(f"{prog}: error: {exc}", file=sys.stderr)
        return ExitCode.USAGE
    except KeyboardInterrupt:
        print(f"{prog}: interrupted", file=sys.stderr)
        return ExitCode.INTERRUPTED
    except BrokenPipeError:  # the reader went away (`bibkit … | head`): not an error
        silence_stdout()
        return ExitCode.OK
    except OSError as exc:  # a file operation no layer turned into a BibkitError: still one line, no traceback
        if exc.filename is None and exc.errno in _STDOUT_ERRNOS:  # print() to a full or broken standard output
            silence_stdout()
            print(f"{prog}: error: cannot write to standard output: {exc.strerror or exc}", file=sys.stderr)
            return ExitCode.OUTPUT
        where = f"{exc.filename}: " if exc.filename else ""
        print(f"{prog}: error: {where}{exc.strerror or exc}", file=sys.stderr)
        return ExitCode.INTERNAL


#: errors a write to standard output fails with (full device, I/O error, quota, file too large)
_STDOUT_ERRNOS = frozenset({errno.ENOSPC, errno.EIO, errno.EDQUOT, errno.EFBIG})
