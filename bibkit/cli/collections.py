"""``bibkit collections``: preview the split into one collection per tag — :func:`bibkit.app.collections`.

This is the split ``zotero-bridge sync --collection-per-tag PARENT`` makes:
every tag an entry has after tagging becomes a collection ``PARENT/tag``.
Nothing is written; the table (or JSON) goes to stdout.
"""

from __future__ import annotations

import argparse
import json
import sys

from ..app import collections
from ..errors import ExitCode
from .common import add_report_option, add_strict_option, table, write_report
from .options import add_from_option, add_key_format_option, add_tag_options, read_options, tag_options


def register(p: argparse.ArgumentParser) -> None:
    p.description = ("Tag the inputs like 'bibkit tag' (in memory) and list one collection per tag with its "
                     "entries: the split 'zotero-bridge sync --collection-per-tag PARENT' makes. "
                     "Example: bibkit collections refs.bib --rules tags.toml --parent Reading")
    p.add_argument("inputs", nargs="+", metavar="INPUT",
                   help="files to read ('-' = stdin), as for 'bibkit tag', e.g. refs.bib")
    add_from_option(p)
    p.add_argument("--parent", metavar="PATH", help="show collection paths under this parent collection "
                                                    "(e.g. --parent Reading)")
    p.add_argument("--tag", dest="only", action="append", metavar="TAG",
                   help="only these tags (repeatable; e.g. --tag moe); default: every tag")
    p.add_argument("--format", choices=("table", "json"), default="table",
                   help="output format (default: table), e.g. --format json")
    add_key_format_option(p)
    p.add_argument("--no-dedupe", dest="dedupe", action="store_false", help="keep duplicate records")
    add_tag_options(p)
    add_report_option(p)
    add_strict_option(p, "any input entry is malformed")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    result = collections(args.inputs, tag_options(args), read=read_options(args), parent=args.parent, only=args.only)
    split = result.split
    write_report(args.report, split.as_dict)
    if args.format == "json":
        json.dump(split.as_dict(), sys.stdout, indent=2, ensure_ascii=False)
        sys.stdout.write("\n")
        return ExitCode.OK
    rows = []
    for coll in split.collections:
        keys = [e.key or "?" for e in coll.entries]
        shown = ", ".join(keys[:4]) + (f", … (+{len(keys) - 4})" if len(keys) > 4 else "")
        rows.append((coll.name, len(coll.entries), shown))
    if rows:
        sys.stdout.write(table(rows, ["collection", "entries", "keys"]))
    else:
        sys.stdout.write("no tags, so no collections\n")
    n = len(split.untagged)
    if n:
        sys.stdout.write(f"\n{n} {'entry has' if n == 1 else 'entries have'} no tag and would go into no collection: "
                         + ", ".join(e.key or "?" for e in split.untagged[:10]) + (" …" if n > 10 else "") + "\n")
    return ExitCode.OK
