"""``bibkit completion SHELL``: tab completion of commands, options and their choices (via shtab).

The script is generated from the same argparse parser the command runs, so it
never lags behind; ``zotero-bridge completion`` is the same command for the
bridge (:func:`add_completion_parser`).
"""

from __future__ import annotations

import argparse
import sys
from typing import Callable

from ..errors import ExitCode
from .common import ExamplesFormatter

#: shells shtab writes scripts for
SHELLS = ("bash", "zsh", "fish", "tcsh", "powershell")

_WHERE = {
    "bash": "{prog} completion bash > ~/.local/share/bash-completion/completions/{prog}",
    "zsh": "{prog} completion zsh > ~/.zfunc/_{prog}   (with fpath=(~/.zfunc $fpath); autoload -U compinit; "
           "compinit in ~/.zshrc)",
    "fish": "{prog} completion fish > ~/.config/fish/completions/{prog}.fish",
}


def add_completion_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser], prog: str,
                          parser_factory: Callable[[], argparse.ArgumentParser]) -> None:
    """Add the ``completion`` command to a CLI whose full parser ``parser_factory`` builds."""
    configure(sub.add_parser("completion", help="print a shell completion script (bash, zsh, fish)"), prog,
              parser_factory)


def configure(p: argparse.ArgumentParser, prog: str, parser_factory: Callable[[], argparse.ArgumentParser]) -> None:
    """Options, description and handler of the ``completion`` command of ``prog``."""
    p.description = (f"Print a script that completes {prog}'s commands, options and option values when you press "
                     f"Tab; save it where your shell loads completions. Example: {prog} completion bash > "
                     f"~/.local/share/bash-completion/completions/{prog}")
    p.epilog = "examples (install for your user, then open a new shell):\n" + "".join(
        f"  {line.format(prog=prog)}\n" for line in _WHERE.values())
    p.formatter_class = ExamplesFormatter
    p.add_argument("shell", choices=SHELLS, help="the shell to write the script for, e.g. bash")
    p.set_defaults(func=lambda args: print_completion(parser_factory(), args.shell))


def completion_script(parser: argparse.ArgumentParser, shell: str) -> str:
    """The completion script for ``parser`` in ``shell``."""
    import shtab  # imported here: only this command needs it

    return str(shtab.complete(parser, shell=shell))


def print_completion(parser: argparse.ArgumentParser, shell: str) -> int:
    sys.stdout.write(completion_script(parser, shell))
    return ExitCode.OK


def register(p: argparse.ArgumentParser) -> None:
    from . import build_parser

    configure(p, "bibkit", lambda: build_parser("*"))
