"""``bibkit services``: run the shipped arXiv/Hugging Face/GitHub doubles to try bibkit offline."""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import threading

from ..errors import ExitCode, UsageError
from ..fileio import atomic_write_text
from .common import ExamplesFormatter

EPILOG = """examples:
  bibkit services                          start them all; prints export BIBKIT_..._URL=... lines
  bibkit services --env-file doubles.env &    then, once the file exists: . ./doubles.env
  bibkit build examples/hf-trending-papers.txt -o refs.bib    (in the shell that has the variables)
  bibkit services --only arxiv,hf --port 8700
  bibkit services --format fish            set -gx lines for fish
  bibkit services --list                   what there is, without starting anything
"""


def _names(text: str) -> list[str]:
    return [n.strip() for n in text.split(",") if n.strip()]


def register(p: argparse.ArgumentParser) -> None:
    from ..app import DOUBLE_FORMATS

    p.description = ("Start the service doubles that ship with bibkit (real HTTP servers on 127.0.0.1 answering "
                     "from the synthetic corpus behind the example listing) and print the environment variables "
                     "that point bibkit at them, with a temporary cache directory. Runs until Ctrl-C. For Zotero, "
                     "run 'zotero-bridge fake-server' beside it. Example: bibkit services --env-file doubles.env")
    p.epilog = EPILOG
    p.formatter_class = ExamplesFormatter
    p.add_argument("--only", type=_names, metavar="NAMES",
                   help="start only these doubles (see --list), e.g. --only arxiv,hf")
    p.add_argument("--port", type=int, default=0, metavar="N",
                   help="first port (the doubles take N, N+1, …; default: free ports), e.g. --port 8700")
    p.add_argument("--format", choices=DOUBLE_FORMATS, default="sh",
                   help="how to print the variables (default: sh), e.g. --format fish")
    p.add_argument("--env-file", metavar="FILE",
                   help="also write the variables to FILE (to source in another shell), e.g. --env-file doubles.env")
    p.add_argument("--list", action="store_true", help="list the doubles and exit, e.g. --list")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from ..app import DOUBLES

    if args.list:
        width = max(map(len, DOUBLES), default=0)
        for name, spec in DOUBLES.items():
            print(f"{name:{width}s} {spec.description}")
        return ExitCode.OK
    if not 0 <= args.port <= 65535:
        raise UsageError("--port must be between 0 and 65535")
    from ..app import stop_on_signals

    stop = threading.Event()
    try:
        with stop_on_signals(stop):  # from the start: a SIGTERM while starting still cleans up
            _serve(args, stop)
    except KeyboardInterrupt:
        pass  # Ctrl-C is how the doubles are meant to stop, whenever it comes: not an interruption (130)
    if not args.quiet:
        print("bibkit services: stopped", file=sys.stderr)
    return ExitCode.OK


def _serve(args: argparse.Namespace, stop: threading.Event) -> None:
    """Start the doubles, say where they are, and wait for Ctrl-C or a signal; always stop them after."""
    from ..app import RunningDouble, env_lines, start_doubles, stop_doubles, wait_for_stop

    running: list[RunningDouble] = []
    cache = tempfile.mkdtemp(prefix="bibkit-services-cache-")
    try:
        try:
            running = start_doubles(args.only, port=args.port)
        except KeyError as exc:
            raise UsageError(str(exc.args[0])) from None
        except OSError as exc:
            raise UsageError(f"cannot listen on port {args.port} and up: {exc.strerror or exc}") from None
        env: dict[str, str] = {}
        for r in running:
            env.update(r.env)
        env["BIBKIT_CACHE_DIR"] = cache  # answers of the doubles never mix with the real services' in your cache
        lines = list(env_lines(env, args.format))
        if args.env_file:
            atomic_write_text(args.env_file, "\n".join(lines) + "\n")
        sys.stdout.write("\n".join(lines) + "\n")
        sys.stdout.flush()
        if not args.quiet:
            width = max(len(r.spec.name) for r in running)
            for r in running:
                print(f"bibkit services: {r.spec.name:{width}s} {r.url}  {r.spec.description}", file=sys.stderr)
            where = f"source {args.env_file}" if args.env_file else "set the variables above"
            print(f"bibkit services: {where} in another shell, then run bibkit there "
                  "(e.g. bibkit build examples/hf-trending-papers.txt -o refs.bib). Ctrl-C stops them.",
                  file=sys.stderr, flush=True)
        wait_for_stop(stop)
    finally:
        stop_doubles(running)
        shutil.rmtree(cache, ignore_errors=True)
