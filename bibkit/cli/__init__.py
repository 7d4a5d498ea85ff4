"""The ``bibkit`` command: a thin layer over :mod:`bibkit.app`.

Every sub-command lives in its own module in this package and exposes
``register(parser)`` (its options, description and handler); :data:`COMMANDS`
names them with their one-line help.  Only the module of the command being
run is imported, so ``bibkit --help`` starts without loading the HTTP stack
or any stage.  A command's handler parses nothing itself beyond argparse,
turns the arguments into the application layer's typed options, calls one
function of :mod:`bibkit.app`, and renders the result (progress on stderr, a
one-screen summary, ``--report FILE.json``).
"""

from __future__ import annotations

import argparse
import importlib
import re
import sys
from typing import NamedTuple, Sequence

from .. import __version__
from ..app.collector import collector_paused, settle_startup
from .common import accept_global_flags_after_command, end_process, run_main


class Command(NamedTuple):
    module: str  # the module in this package that registers it
    help: str  # its line in ``bibkit --help``


#: every command, in the order ``bibkit --help`` lists them (adding one: a module with ``register`` and a line here)
COMMANDS: dict[str, Command] = {
    "build": Command("build", "the main job: read, enrich (arXiv, Hugging Face, GitHub), tag, write .bib "
                              "(and sync to Zotero)"),
    "cite": Command("cite", "write the entries a paper cites (read from its .aux) into the paper's own .bib"),
    "collections": Command("collections", "split tagged entries into one collection per tag "
                                          "(preview for zotero-bridge sync)"),
    "completion": Command("completion", "print a shell completion script (bash, zsh, fish)"),
    "convert": Command("convert", "convert listings, identifier lists, .bib or HF JSON to a bibliography (offline)"),
    "enrich": Command("enrich", "resolve records to arXiv papers and add authors, dates, ids, DOIs, code links "
                                "(network)"),
    "pick": Command("pick", "decide which arXiv paper an entry is (or that it is not on arXiv), for every later "
                            "build"),
    "repos": Command("repos", "list the papers' GitHub repositories with stars, licence, last push and status"),
    "rules": Command("rules", "write an example tagging rules file (rules init), or check one (rules check)"),
    "services": Command("services", "run local doubles of every service bibkit asks (arXiv, Hugging Face, GitHub, "
                                   "Semantic Scholar, Crossref, DBLP, OpenAlex, OpenReview) to try it offline"),
    "tag": Command("tag", "tag entries (BibTeX keywords) from a rules file and automatic tags"),
    "tidy": Command("tidy", "format, sort and check .bib files (like bibtex-tidy; in place, --check for CI)"),
}


def build_parser(command: str | None = None, *, alone: bool = False) -> argparse.ArgumentParser:
    """The parser; ``command`` names the one sub-command to register fully (``"*"``: all of them).

    ``alone``: the other commands are left out altogether — for a command line that can show none of them
    (see :func:`runs_alone`): every sub-parser costs start-up time, and only help and the "invalid choice"
    error list them.
    """
    parser = argparse.ArgumentParser(
        prog="bibkit",
        description="Turn pasted paper listings, identifier lists and .bib files into clean, enriched BibTeX. "
                    "Example: bibkit build papers.txt -o refs.bib",
    )
    parser.add_argument("--version", action="version", version=f"bibkit {__version__}")
    parser.add_argument("-v", "--verbose", action="count", default=0,
                        help="more log output on stderr (-vv for HTTP detail)")
    parser.add_argument("-q", "--quiet", action="store_true",
                        help="no progress bar and no summary (errors still go to stderr)")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    for name, spec in COMMANDS.items():
        if alone and name != command:
            continue
        p = sub.add_parser(name, help=spec.help, description=spec.help)
        if command in (name, "*"):
            importlib.import_module(f"{__name__}.{spec.module}").register(p)
    accept_global_flags_after_command(sub)
    return parser


#: the global flags (``-v``, ``-q``, and ``-vv``-like runs of them), which neither show help nor take a value
_GLOBAL_FLAG = re.compile(r"-[vq]+|--verbose|--quiet")


def runs_alone(argv: Sequence[str], command: str | None) -> bool:
    """Whether the parser of this command line needs no sub-command but ``command``: it is the first word,
    after global flags only (no ``-h`` or ``--version`` before it, nor a word that is no command), so no help
    screen or error listing the commands can be shown."""
    for arg in argv:
        if arg == command:
            return True
        if not _GLOBAL_FLAG.fullmatch(arg):
            return False
    return False


#: commands that do local work alone (no network, no cache database, no thread of their own): run by the console
#: script, the process ends when they are done, without the interpreter's teardown (see console, end_process)
LOCAL_COMMANDS = frozenset({"convert", "tidy"})


def command_of(argv: Sequence[str]) -> str | None:
    """The sub-command an argument list runs: the first word that names one (global flags take no value)."""
    return next((arg for arg in argv if arg in COMMANDS), None)


def main(argv: Sequence[str] | None = None) -> int:
    """The ``bibkit`` command line (``argv`` ``None``: this process's own); returns the exit code."""
    args = list(sys.argv[1:] if argv is None else argv)
    # building the parser imports the command's module and the application layer: objects that live as long as
    # the process, which the cycle collector would walk again and again and never free (about 4 % of the CPU
    # of a one-entry convert); the command itself runs with the collector as the caller had it
    command = command_of(args)
    with collector_paused():
        parser = build_parser(command, alone=runs_alone(args, command))
        if argv is None:  # the process's own command line (the console script, python -m bibkit)
            settle_startup()
    return run_main(parser, args, "bibkit")


def console() -> int:
    """The ``bibkit`` console script and ``python -m bibkit``: :func:`main` on this process's command line.

    A command of :data:`LOCAL_COMMANDS` then ends the process itself, without the interpreter's teardown
    (:func:`~bibkit.cli.common.end_process`); any other command, or when that cannot be done, returns the
    exit code for ``sys.exit``.  (:func:`main` itself always returns: a script may call it.)
    """
    code = main()
    if command_of(sys.argv[1:]) in LOCAL_COMMANDS:
        end_process(code)
    return code


if __name__ == "__main__":  # pragma: no cover
    sys.exit(console())
