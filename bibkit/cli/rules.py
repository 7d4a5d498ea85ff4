"""``bibkit rules``: start a tagging rules file from the shipped example, or check one."""

from __future__ import annotations

import argparse
import sys

from ..app import load_rules, write_example_rules
from ..errors import ExitCode
from .common import ExamplesFormatter

EPILOG = """examples:
  bibkit rules init                   write tags.toml, a commented example to edit
  bibkit rules init my-rules.toml     the same under another name
  bibkit rules init -                 print it
  bibkit rules check tags.toml        check a rules file: its tags, or every mistake with its line
"""


def register(p: argparse.ArgumentParser) -> None:
    p.description = ("Tagging rules (TOML) say which tag each entry gets (bibkit tag, build --rules, zotero-bridge "
                     "sync --rules). 'init' writes the commented example that ships with bibkit; 'check' validates "
                     "a file completely and lists its tags. Example: bibkit rules init tags.toml")
    p.epilog = EPILOG
    p.formatter_class = ExamplesFormatter
    rules_sub = p.add_subparsers(dest="rules_command", metavar="ACTION")
    rules_sub.required = True  # argparse asks for an action; the default below only answers the command table
    p.set_defaults(func=lambda args: _no_action(p))
    init = rules_sub.add_parser(
        "init", help="write the commented example rules file",
        description="Write the example rules file shipped with bibkit (every condition explained in comments, "
                    "rules for the example listing's themes) to edit into your own. Example: bibkit rules init",
        epilog="examples:\n  bibkit rules init\n  bibkit rules init --force tags.toml\n",
        formatter_class=ExamplesFormatter)
    init.add_argument("path", nargs="?", default="tags.toml", metavar="FILE",
                      help="where to write it ('-' = standard output; default: tags.toml), e.g. my-rules.toml")
    init.add_argument("--force", action="store_true",
                      help="replace an existing file (copied to FILE.bak first), e.g. --force")
    init.set_defaults(func=run_init)
    check = rules_sub.add_parser(
        "check", help="check a rules file and list its tags",
        description="Read a rules file the way every tagging command does: all mistakes are reported with their "
                    "line (exit code 3), or its rules and tags are listed. Example: bibkit rules check tags.toml",
        epilog="examples:\n  bibkit rules check tags.toml\n", formatter_class=ExamplesFormatter)
    check.add_argument("path", metavar="RULES.toml", help="the rules file, e.g. tags.toml")
    check.set_defaults(func=run_check)


def _no_action(p: argparse.ArgumentParser) -> int:
    p.print_help(sys.stderr)
    return ExitCode.USAGE


def run_init(args: argparse.Namespace) -> int:
    backup = write_example_rules(args.path, force=args.force)
    if args.path != "-" and not args.quiet:
        print(f"bibkit: wrote {args.path}" + (f" (the old file is {backup})" if backup else "")
              + f"; try: bibkit tag refs.bib --rules {args.path} --dry-run", file=sys.stderr)
    return ExitCode.OK


def run_check(args: argparse.Namespace) -> int:
    rules = load_rules(args.path)
    auto = rules.auto
    on = [name for name, flag in (("primary-category", auto.primary_category), ("has-code", auto.has_code),
                                  ("ai-keywords", auto.ai_keywords)) if flag]
    print(f"{args.path}: {len(rules.rules)} rules, {len(rules.tags)} tags; automatic tags: {', '.join(on) or 'none'}")
    for tag in rules.tags:
        print(f"  {tag}")
    return ExitCode.OK
