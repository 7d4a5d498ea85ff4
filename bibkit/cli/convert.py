"""``bibkit convert``: read inputs, normalise, write BibTeX/BibLaTeX/CSL-JSON (no network)."""

from __future__ import annotations

import argparse

from ..errors import ExitCode
from ..pipeline import convert
from .common import add_io_options, add_strict_option, print_summary, write_report


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("convert", help="convert listings, identifier lists, .bib or HF JSON to a bibliography (offline)",
                       description="Read inputs, merge duplicates, assign citation keys and write one bibliography. Never touches the network.")
    add_io_options(p)
    add_strict_option(p, "any input entry is malformed")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    result = convert(args.inputs, args.output or "-", fmt=args.fmt, to=args.to, ascii=args.ascii, strict=args.strict,
                     key_format=args.key_format, dedupe=args.dedupe, merge_duplicates=args.merge_duplicates, code_note=args.code_note)
    write_report(args.report, result.as_dict())
    totals = result.totals()
    notes = [str(p) for p in result.problems]
    notes += [f"merged {m.merged_key or m.merged.title!r} into {m.kept_key} ({', '.join(m.reasons)})" for m in result.merges]
    if result.backup:
        notes.insert(0, f"input backed up to {result.backup}")
    print_summary(args, "bibkit convert", [
        ("entries read", totals["read"]),
        ("entries written", totals["written"]),
        ("merged duplicates", totals["merged"]),
        ("problems", totals["problems"]),
        ("output", args.output or "stdout"),
    ], notes)
    return ExitCode.OK
