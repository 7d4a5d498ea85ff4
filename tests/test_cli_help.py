"""Every command and option of ``bibkit`` and ``zotero-bridge`` says what it does, with an example (#14).

The test walks the real argparse parsers (every command registered, nested ones included):

* a command has a description with an ``Example:`` (or an ``examples:`` epilog);
* an option or positional argument has help text;
* one that takes a value shows one ("e.g. --sort=-year"), so nobody has to guess the format.
"""

from __future__ import annotations

import argparse
from typing import Iterator

import pytest

from bibkit.cli import build_parser as bibkit_parser
from zotero_bridge.cli import build_parser as bridge_parser


def _commands(parser: argparse.ArgumentParser, path: str) -> Iterator[tuple[str, argparse.ArgumentParser]]:
    yield path, parser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                yield from _commands(sub, f"{path} {name}")


def _all() -> list[tuple[str, argparse.ArgumentParser]]:
    return list(_commands(bibkit_parser("*"), "bibkit")) + list(_commands(bridge_parser(), "zotero-bridge"))


COMMANDS = _all()
FLAGS = (argparse._StoreTrueAction, argparse._StoreFalseAction, argparse._StoreConstAction, argparse._CountAction,
         argparse._VersionAction, argparse._HelpAction, argparse.BooleanOptionalAction)


def _takes_a_value(action: argparse.Action) -> bool:
    return not isinstance(action, FLAGS) and action.nargs != 0


@pytest.mark.parametrize("path, parser", COMMANDS, ids=[p for p, _ in COMMANDS])
def test_command_has_a_description_with_an_example(path: str, parser: argparse.ArgumentParser):
    text = (parser.description or "") + "\n" + (parser.epilog or "")
    assert parser.description, f"{path}: no description"
    assert "Example:" in text or "examples" in (parser.epilog or "").lower(), f"{path}: no example"


@pytest.mark.parametrize("path, parser", COMMANDS, ids=[p for p, _ in COMMANDS])
def test_every_option_has_help_and_an_example_value(path: str, parser: argparse.ArgumentParser):
    missing, no_example = [], []
    for action in parser._actions:
        if isinstance(action, (argparse._HelpAction, argparse._SubParsersAction)) or action.help == argparse.SUPPRESS:
            continue
        name = "/".join(action.option_strings) or action.dest
        if not (action.help or "").strip():
            missing.append(name)
        elif _takes_a_value(action) and "e.g." not in action.help:
            no_example.append(name)
    assert not missing, f"{path}: no help text for {missing}"
    assert not no_example, f"{path}: no example value ('e.g. …') in the help of {no_example}"


def test_the_walk_sees_every_command():
    paths = {p for p, _ in COMMANDS}
    assert {"bibkit tidy", "bibkit rules init", "bibkit services", "bibkit completion", "zotero-bridge sync",
            "zotero-bridge fake-server", "zotero-bridge completion"} <= paths


@pytest.mark.parametrize("path, parser", COMMANDS, ids=[p for p, _ in COMMANDS])
def test_every_help_screen_renders(path: str, parser: argparse.ArgumentParser):
    """argparse formats help text with ``%``: a "%" in a description (EndNote's "%0 Journal Article") crashed
    ``bibkit convert --help`` with a traceback."""
    text = parser.format_help()
    assert path.split()[-1] in text or path in ("bibkit", "zotero-bridge")
