"""``bibkit cite``: write only the entries a LaTeX document cites (from its ``.aux``) — :func:`bibkit.app.cite`."""

from __future__ import annotations

import argparse
from pathlib import Path

from ..app import CiteOptions, cite
from ..errors import ExitCode
from .common import add_report_option, print_summary, write_report
from .options import add_key_format_option


def register(p: argparse.ArgumentParser) -> None:
    p.description = ("Read the citation keys of a LaTeX .aux file (bibtex's \\citation or biber's \\abx@aux@cite, "
                     "following \\include'd chapters) and write just those entries, in order of first citation, "
                     "with the entries they crossref. A cited key that no source has is an error (exit code 7) "
                     "naming the closest existing keys. Example: bibkit cite paper.aux --from refs.bib -o paper.bib")
    p.add_argument("aux", metavar="PAPER.aux", help="the .aux file pdflatex wrote, e.g. build/paper.aux")
    p.add_argument("--from", dest="sources", action="append", required=True, metavar="SOURCE",
                   help="where to take entries from (repeatable; the first source wins a key): a .bib or any input "
                        "bibkit reads, or zotero:COLLECTION/PATH (with subcollections; needs Zotero's local API); "
                        "e.g. --from refs.bib --from zotero:Reading/MoE")
    p.add_argument("-o", "--output", metavar="OUT.bib", help="output file ('-' or omitted = stdout; e.g. -o paper.bib)")
    p.add_argument("--to", choices=("bibtex", "biblatex"), default=None,
                   help="output format (default: biblatex when the .aux is biber's, else bibtex), e.g. --to bibtex")
    p.add_argument("--ascii", action="store_true", help="convert non-ASCII characters to LaTeX macros")
    p.add_argument("--allow-missing", action="store_true",
                   help="write what was found and only warn about cited keys no source has")
    add_key_format_option(p)
    add_report_option(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    options = CiteOptions(to=args.to, ascii=args.ascii, allow_missing=args.allow_missing, key_format=args.key_format)
    result = cite(args.aux, args.sources, args.output or "-", options)
    write_report(args.report, result.as_dict)
    totals = result.totals()
    notes = [str(p) for p in result.aux.problems]
    notes += [f"missing: {k}" + (f" (did you mean {' or '.join(s)}?)" if s else "") for k, s in result.missing.items()]
    # a key in two sources matters where it is cited (the report lists every one)
    notes += [f"{k} is in {used} and {ignored}: used {used}" for k, used, ignored in result.duplicates
              if k in result.source_of]
    if result.parents:
        notes.append("added for crossref/xdata: " + ", ".join(result.parents))
    if result.aliases:
        how = ("written under the old name, as BibTeX needs" if result.format == "bibtex"
               else "biber finds them through the entry's ids field")
        notes.append(f"{len(result.aliases)} cited key(s) are old names ({how}): "
                     + ", ".join(f"{old} → {new}" for old, new in result.aliases.items()))
    if args.output and result.aux.bibdata and result.aux.backend == "bibtex":
        names = {b if b.endswith(".bib") else b + ".bib" for b in result.aux.bibdata}
        if Path(args.output).name not in names:
            named = ", ".join(sorted(names))
            notes.append(f"the paper's \\bibliography{{}} names {named}, not {Path(args.output).name}")
    if result.aux.cite_all:
        notes.insert(0, "\\nocite{*}: every entry of every source is written")
    print_summary(args, "bibkit cite", [
        ("backend", result.aux.backend or "none (nothing cited yet?)"),
        ("format", result.format),
        ("keys cited", len(result.aux.keys) if not result.aliases
         else f"{len(result.aux.keys)} ({len(result.aliases)} by an old name)"),
        ("entries written", totals["written"]),
        ("missing", totals["missing"]),
        ("output", args.output or "stdout"),
    ], notes)
    return ExitCode.OK
