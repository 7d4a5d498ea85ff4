"""``bibkit collections``: preview the split into one collection per tag.

This is the split ``zotero-bridge sync --collection-per-tag PARENT`` makes:
every tag an entry has after tagging becomes a collection ``PARENT/tag``.
Nothing is written; the table (or JSON) goes to stdout.
"""

from __future__ import annotations

import argparse
import json
import sys

from ..errors import ExitCode
from ..tagging.batch import read_and_tag, split_by_tag
from .common import FORMATS_IN, add_report_option, add_strict_option, table, write_report
from .tag import add_tag_options, tagging_from_args


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "collections", help="split tagged entries into one collection per tag (preview for zotero-bridge sync)",
        description="Tag the inputs like 'bibkit tag' (in memory) and list one collection per tag with its entries: "
                    "the split 'zotero-bridge sync --collection-per-tag PARENT' makes.")
    p.add_argument("inputs", nargs="+", metavar="INPUT", help="files to read ('-' = stdin)")
    p.add_argument("--from", dest="fmt", choices=FORMATS_IN, help="force the input format instead of detecting it")
    p.add_argument("--parent", metavar="PATH", help="show collection paths under this parent collection")
    p.add_argument("--tag", dest="only", action="append", metavar="TAG",
                   help="only these tags (repeatable); default: every tag")
    p.add_argument("--format", choices=("table", "json"), default="table", help="output format (default: table)")
    p.add_argument("--key-format", metavar="FORMULA", help="citation key formula (as for convert)")
    p.add_argument("--no-dedupe", dest="dedupe", action="store_false", help="keep duplicate records")
    add_tag_options(p)
    add_report_option(p)
    add_strict_option(p, "any input entry is malformed")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    rules, auto = tagging_from_args(args)
    doc, _tagging, _merges = read_and_tag(args.inputs, rules, auto=auto, fmt=args.fmt, strict=args.strict,
                                         key_format=args.key_format, dedupe=args.dedupe)
    split = split_by_tag(doc.entries, args.parent, only=args.only)
    write_report(args.report, split.as_dict())
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
