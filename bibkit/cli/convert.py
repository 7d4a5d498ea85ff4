"""``bibkit convert``: read inputs, normalise, write BibTeX/BibLaTeX/CSL-JSON (no network).

A thin layer over :func:`bibkit.app.convert`.
"""

from __future__ import annotations

import argparse

from ..app import convert
from ..app.collector import collector_paused
from ..errors import ExitCode
from .common import add_strict_option, print_summary, skipped_rows, write_report
from .options import add_io_options, key_summary, read_options, write_options


def register(p: argparse.ArgumentParser) -> None:
    p.description = ("Read inputs, merge duplicates, assign citation keys and write one bibliography. Never touches "
                     "the network. Example: bibkit convert refs.bib notes.txt -o all.bib --to biblatex")
    add_io_options(p)
    add_strict_option(p, "any input entry is malformed")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    # the whole command without cycle collection, summary included: its model is freed (by reference counting)
    # before the collector is back, so the collector never walks its millions of objects (bibkit.app.collector)
    with collector_paused():
        return _convert(args)


def _convert(args: argparse.Namespace) -> int:
    result = convert(args.inputs, args.output or "-", read_options(args), write_options(args))
    write_report(args.report, result.as_dict)
    totals = result.totals()
    notes = [str(p) for p in result.problems]
    notes += [f"merged {m.merged_key or m.merged.title!r} into {m.kept_key} ({', '.join(m.reasons)})"
              for m in result.merges]
    if result.backup:
        notes.insert(0, f"input backed up to {result.backup}")
    keys, key_notes = key_summary(result)
    print_summary(args, "bibkit convert", [
        ("entries read", totals["read"]),
        *skipped_rows(result.skipped_lines),
        ("entries written", totals["written"]),
        ("merged duplicates", totals["merged"]),
        *keys,
        ("problems", totals["problems"]),
        ("output", args.output or "stdout"),
    ], notes + key_notes)
    return ExitCode.OK
