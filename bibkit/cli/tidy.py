"""``bibkit tidy``: format, sort and check ``.bib`` files (a thin layer over :mod:`bibkit.tidy`).

Options follow bibtex-tidy's names, so ``bibtex-tidy --curly --months --sort=-year``
works the same way; ``--check`` (exit 1 when a file is not tidy) and ``-i``
(in place, atomically, with a backup) are what CI and pre-commit use.
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import Any

from ..app import (
    DEFAULT_DUPLICATE_RULES,
    DEFAULT_FIELD_ORDER,
    FormulaError,
    OptionError,
    TidyOptions,
    TidyResult,
    configured_key_format,
    tidy_file,
    write_result,
)
from ..app.collector import collector_paused
from ..errors import ExitCode, UsageError
from ..fileio import same_file
from .common import ExamplesFormatter, add_report_option, print_summary, write_report

EPILOG = """examples:
  bibkit tidy refs.bib                       tidy to standard output
  bibkit tidy -i refs.bib                    in place (refs.bib.bak keeps the old file)
  bibkit tidy --check *.bib                  exit 1 and show what would change (CI, pre-commit)
  bibkit tidy -i --sort=key --months --curly refs.bib
  bibkit tidy --sort=-year,author --sort-fields --omit=abstract,file refs.bib -o clean.bib
  bibkit tidy -i --rekey --key-format 'auth.lower + year' refs.bib
  cat refs.bib | bibkit tidy - > tidy.bib
"""

#: options whose value may be left out (bibtex-tidy style: ``--sort`` means ``--sort=key``)
_OPTIONAL_VALUES = {"sort": "key", "sort_fields": ",".join(DEFAULT_FIELD_ORDER), "enclosing_braces": "title",
                    "remove_braces": "title", "duplicates": ",".join(DEFAULT_DUPLICATE_RULES), "merge": "combine",
                    "wrap": "80"}


def _list(text: str) -> tuple[str, ...]:
    return tuple(v.strip() for v in text.replace(" ", ",").split(",") if v.strip())


def register(p: argparse.ArgumentParser) -> None:
    p.description = (
        "Lay out .bib files consistently (aligned '=', one indentation, one field per line), optionally sort entries "
        "and fields and clean values, and leave everything else exactly as written: comments, @string and "
        "@preamble, URLs and other verbatim fields, unknown entry types. Without -i or --check the result goes to "
        "standard output. Tidying tidy output changes nothing. An option's optional value is given with '=' "
        "(--sort=-year); without it the default in brackets applies. Example: bibkit tidy -i --sort=key refs.bib")
    p.epilog = EPILOG
    p.formatter_class = ExamplesFormatter
    p.add_argument("files", nargs="*", metavar="FILE.bib",
                   help="files to tidy ('-' or none = standard input), e.g. refs.bib chapters/*.bib")
    io = p.add_argument_group("where the result goes")
    io.add_argument("-o", "--output", metavar="OUT.bib",
                    help="write to OUT.bib instead of standard output (one input only), e.g. -o clean.bib")
    io.add_argument("-i", "--in-place", "-m", "--modify", dest="in_place", action="store_true",
                    help="rewrite each file that changes, atomically, after copying it to FILE.bak, e.g. -i refs.bib")
    io.add_argument("--no-backup", dest="backup", action="store_false",
                    help="with -i: no FILE.bak (for version-controlled files and pre-commit), e.g. -i --no-backup")
    io.add_argument("--check", action="store_true",
                    help="write nothing; exit 1 and show the first difference when a file is not tidy, "
                         "e.g. --check *.bib")
    io.add_argument("--diff", action="store_true",
                    help="print a unified diff of what would change on standard output, e.g. --check --diff refs.bib")

    lay = p.add_argument_group("layout")
    lay.add_argument("--space", type=int, metavar="N", default=2,
                     help="indent fields with N spaces [2], e.g. --space 4")
    lay.add_argument("--tab", action="store_true", help="indent fields with a tab instead, e.g. --tab")
    lay.add_argument("--align", type=int, metavar="COLUMN", default=14,
                     help="pad field names so '=' lines up at COLUMN [14]; 0 = no padding, e.g. --align 18")
    lay.add_argument("--no-align", dest="align", action="store_const", const=0,
                     help="no padding before '=', e.g. --no-align")
    lay.add_argument("--blank-lines", action=argparse.BooleanOptionalAction, default=True,
                     help="a blank line between entries [on], e.g. --no-blank-lines")
    lay.add_argument("--trailing-commas", action="store_true",
                     help="a comma after the last field too, e.g. --trailing-commas")
    lay.add_argument("--no-lowercase", dest="lowercase", action="store_false",
                     help="keep field names and entry types as written (default: lower case), e.g. --no-lowercase")
    lay.add_argument("--wrap", nargs="?", const=_OPTIONAL_VALUES["wrap"], metavar="COLUMN",
                     help="wrap long braced values at COLUMN [80], e.g. --wrap=100")

    order = p.add_argument_group("order")
    order.add_argument("--sort", nargs="?", const=_OPTIONAL_VALUES["sort"], metavar="CRITERIA",
                       help="sort entries by comma-separated criteria [key]: key, year, author, type, month, "
                            "special or any field; '-' before one reverses it, e.g. --sort=-year,author")
    order.add_argument("--sort-fields", nargs="?", const=_OPTIONAL_VALUES["sort_fields"], metavar="ORDER",
                       help="sort the fields of each entry: those named first, in ORDER [bibtex-tidy's: title, "
                            "shorttitle, author, year, month, …], the others after them, "
                            "e.g. --sort-fields=author,title")

    val = p.add_argument_group("values")
    val.add_argument("--months", action="store_true",
                     help="months as macros: 3, \"March\", {march} -> mar, e.g. --months")
    val.add_argument("--curly", action="store_true",
                     help='values in braces: "Journal of Tea" -> {Journal of Tea}, e.g. --curly')
    val.add_argument("--numeric", action="store_true",
                     help="bare numbers and month macros: {1998} -> 1998, {March} -> mar, e.g. --numeric")
    val.add_argument("--escape", action=argparse.BooleanOptionalAction, default=True,
                     help="escape stray %% & # _ ^ $ in typeset fields (not URLs, \\url{...} or math) [on], "
                          "e.g. --no-escape")
    val.add_argument("--ascii", action="store_true",
                     help="non-ASCII characters as LaTeX macros (ü -> {\\\"u}) for classic BibTeX, e.g. --ascii")
    val.add_argument("--strip-enclosing-braces", action="store_true",
                     help="{{Journal of Tea}} -> {Journal of Tea} (not in author and other name lists: "
                          "{{Hughes Aircraft Company}} is one name), e.g. --strip-enclosing-braces")
    val.add_argument("--drop-all-caps", action="store_true",
                     help="values in capitals only in title case (Roman numerals, {braced} words, codes with "
                          "digits and the number, label and shorthand fields kept), e.g. --drop-all-caps")
    val.add_argument("--enclosing-braces", nargs="?", const=_OPTIONAL_VALUES["enclosing_braces"], metavar="FIELDS",
                     help="double braces around these fields [title] so styles keep their case, "
                          "e.g. --enclosing-braces=title,journal")
    val.add_argument("--remove-braces", nargs="?", const=_OPTIONAL_VALUES["remove_braces"], metavar="FIELDS",
                     help="remove braces inside these fields [title] unless a command needs them, "
                          "e.g. --remove-braces=title")
    val.add_argument("--encode-urls", action="store_true",
                     help="percent-encode spaces, braces and non-ASCII in URL fields, undo \\_ and {\\_} escapes "
                          "(several space-separated URLs stay apart), e.g. --encode-urls")
    val.add_argument("--max-authors", type=int, metavar="N",
                     help="more than N authors -> the first N and 'others', e.g. --max-authors 10")
    val.add_argument("--no-page-ranges", dest="page_ranges", action="store_false",
                     help="keep '1-10' in pages (default: 1--10, the en dash styles expect), e.g. --no-page-ranges")

    fl = p.add_argument_group("fields and blocks")
    fl.add_argument("--omit", type=_list, metavar="FIELDS", default=(),
                    help="remove these fields, e.g. --omit=abstract,file,mendeley-groups")
    fl.add_argument("--keep", type=_list, metavar="FIELDS", default=(),
                    help="keep only these fields, e.g. --keep=author,title,journal,year,volume,pages,doi")
    fl.add_argument("--remove-empty-fields", action="store_true",
                    help="remove fields whose value is empty ({} or \"\"), except one that keeps a crossref "
                         "parent's value out (key = \"\" in xampl.bib), e.g. --remove-empty-fields")
    fl.add_argument("--strip-comments", action="store_true",
                    help="remove @comment blocks and the text between entries, e.g. --strip-comments")

    keys = p.add_argument_group("keys and duplicates")
    keys.add_argument("--rekey", "--generate-keys", dest="rekey", action="store_true",
                      help="new citation keys from the key formula (old keys kept in 'ids', crossrefs follow), "
                           "e.g. --rekey")
    keys.add_argument("--key-format", metavar="FORMULA",
                      help="the formula for --rekey (default: config [citekey] format, else "
                           "auth.lower + shorttitle(3,3) + year), e.g. --key-format 'auth + year'")
    keys.add_argument("--no-alias", dest="alias", action="store_false",
                      help="do not keep replaced keys as aliases in BibLaTeX's ids field, e.g. --rekey --no-alias")
    keys.add_argument("--duplicates", nargs="?", const=_OPTIONAL_VALUES["duplicates"], metavar="RULES",
                      help="report duplicate entries by rules doi, key, abstract, citation [doi,citation,abstract], "
                           "e.g. --duplicates=doi,key")
    keys.add_argument("--merge", nargs="?", const=_OPTIONAL_VALUES["merge"], metavar="STRATEGY",
                      help="merge duplicates: first, last, combine or overwrite [combine], e.g. --merge=first")
    keys.add_argument("--strict", action="store_true",
                      help="stop with exit code 3 at the first malformed entry, e.g. --check --strict")
    add_report_option(p)
    p.set_defaults(func=run)


def _looks_like_input(value: str) -> bool:
    """An argument that followed an option with an optional value but names an input file (``--sort a.bib``)."""
    return value == "-" or os.path.exists(value) or value.lower().endswith(".bib") or os.sep in value


def _take_optional_values(args: argparse.Namespace) -> dict[str, str | None]:
    """Each optional-valued option's value (its default when given bare); a file name it swallowed goes back
    to the inputs."""
    out: dict[str, str | None] = {}
    for name, default in _OPTIONAL_VALUES.items():
        value = getattr(args, name)
        if value is not None and value != default and _looks_like_input(value):
            args.files.insert(0, value)
            value = default
        out[name] = value
    return out


def options_from_args(args: argparse.Namespace) -> TidyOptions:
    """The :class:`TidyOptions` the command line asks for (:class:`UsageError` for a bad value)."""
    v = _take_optional_values(args)
    key_format = args.key_format
    if args.rekey and key_format is None:
        key_format = configured_key_format()  # [citekey] format / BIBKIT_CITEKEY_FORMAT
    wrap = v["wrap"]
    if wrap is not None and not wrap.isdigit():
        raise UsageError(f"--wrap: {wrap!r} is not a column number")
    try:
        return TidyOptions(
            indent="\t" if args.tab else " " * max(args.space, 0), align=args.align, blank_lines=args.blank_lines,
            trailing_commas=args.trailing_commas, lowercase=args.lowercase, wrap=int(wrap) if wrap else None,
            sort=_list(v["sort"] or ""), sort_fields=_list(v["sort_fields"] or ""), curly=args.curly,
            numeric=args.numeric, months=args.months, escape=args.escape, ascii=args.ascii,
            page_ranges=args.page_ranges, strip_enclosing_braces=args.strip_enclosing_braces,
            drop_all_caps=args.drop_all_caps, enclosing_braces=_list(v["enclosing_braces"] or ""),
            remove_braces=_list(v["remove_braces"] or ""), encode_urls=args.encode_urls,
            max_authors=args.max_authors, omit=args.omit, keep=args.keep,
            remove_empty_fields=args.remove_empty_fields, strip_comments=args.strip_comments, rekey=args.rekey,
            key_format=key_format, alias_old_keys=args.alias, duplicates=_list(v["duplicates"] or ""),
            merge=v["merge"],
        )
    except OptionError as exc:
        raise UsageError(str(exc)) from None


def run(args: argparse.Namespace) -> int:
    # the whole command without cycle collection, as convert (bibkit.app.collector): a tidied file's model is
    # freed by reference counting before the collector is back, so it never walks its millions of objects
    with collector_paused():
        return _tidy(args)


def _tidy(args: argparse.Namespace) -> int:
    opts = options_from_args(args)
    files = args.files or ["-"]
    if "-" in files and sys.stdin.isatty() and not args.quiet:
        print("bibkit tidy: reading a .bib from standard input (Ctrl-D ends it; name a file to tidy a file)",
              file=sys.stderr)
    if args.output and len(files) > 1:
        raise UsageError("-o takes one input; use -i to tidy several files in place")
    if args.in_place and "-" in files:
        raise UsageError("-i rewrites files: standard input cannot be tidied in place")
    if args.check and (args.in_place or args.output):
        raise UsageError("--check writes nothing: leave out -i and -o")
    if not (args.check or args.in_place or args.output or args.diff) and len(files) > 1:
        raise UsageError("several inputs: use -i (in place) or --check, or tidy one file at a time")

    results: list[TidyResult] = []
    notes: list[str] = []
    untidy: list[TidyResult] = []
    for path in files:
        try:
            result = tidy_file(path, opts, strict=args.strict)
        except FormulaError as exc:
            raise UsageError(f"--key-format: {exc}") from None
        results.append(result)
        notes.extend(str(p) for p in result.problems if p.severity != "info")
        notes.extend(f"{result.origin}: key {c.old or '(none)'} -> {c.new}" for c in result.key_changes)
        notes.extend(str(d) for d in result.duplicates)
        if result.changed:
            untidy.append(result)
        if args.diff and result.changed:
            sys.stdout.writelines(result.diff())
        if args.check or args.diff:
            continue
        if args.in_place:
            if result.changed:
                backup = write_result(result, path, backup=args.backup)
                notes.insert(0, f"rewrote {path}" + (f" (old file: {backup})" if backup else ""))
        else:
            target = args.output or "-"
            backup = write_result(result, target, backup=target != "-" and same_file(target, path))
            if backup:
                notes.insert(0, f"{path} backed up to {backup}")

    if args.check:
        for result in untidy:
            first = result.first_difference()
            where = f" (first difference at line {first[0]})" if first else ""
            print(f"bibkit tidy: {result.origin} is not tidy{where}", file=sys.stderr)
            if first and not args.diff and not args.quiet:
                print(f"  - {first[1]}\n  + {first[2]}", file=sys.stderr)

    write_report(args.report, lambda: _report(results, args))  # built only when --report asks for it
    label = "would change" if args.check or args.diff else ("rewritten" if args.in_place else "changed")
    print_summary(args, "bibkit tidy" + (" --check" if args.check else ""), [
        ("files", len(results)),
        (label, len(untidy)),
        ("entries", sum(r.entries for r in results)),
        ("keys changed", sum(len(r.key_changes) for r in results)),
        ("duplicates", sum(len(r.duplicates) for r in results)),
        ("problems", sum(1 for r in results for p in r.problems if p.severity != "info")),
    ], notes)
    if args.check and untidy:
        return ExitCode.INTERNAL  # 1: "not tidy", as black/ruff --check do (README, Exit codes)
    return ExitCode.OK


def _report(results: list[TidyResult], args: argparse.Namespace) -> dict[str, Any]:
    return {"check": bool(args.check), "files": [r.as_dict() for r in results],
            "changed": [r.origin for r in results if r.changed]}
