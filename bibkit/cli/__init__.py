"""The ``bibkit`` command: a thin layer over documented library functions.

Every sub-command lives in its own module in this package and exposes
``register(subparsers)``; :func:`main` discovers them, so adding a command
never means editing a central list.  A command's handler parses nothing
itself beyond argparse, calls one library function, and renders the result
(progress on stderr, a one-screen summary, ``--report FILE.json``).
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys
from typing import Sequence

from .. import __version__
from .common import accept_global_flags_after_command, run_main


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="bibkit",
        description="Turn pasted paper listings, identifier lists and .bib files into clean, enriched BibTeX.",
    )
    parser.add_argument("--version", action="version", version=f"bibkit {__version__}")
    parser.add_argument("-v", "--verbose", action="count", default=0, help="more log output on stderr (-vv for HTTP detail)")
    parser.add_argument("-q", "--quiet", action="store_true", help="no progress bar and no summary (errors still go to stderr)")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        if info.name.startswith("_") or info.name == "common":
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        register = getattr(module, "register", None)
        if register is not None:
            register(sub)
    accept_global_flags_after_command(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``bibkit`` console script; returns the process exit code."""
    return run_main(build_parser(), argv, "bibkit")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
