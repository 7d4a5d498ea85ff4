"""``bibkit repos``: the papers' code repositories — stars, licence, last push, archived — as a table.

A thin layer over :func:`bibkit.app.list_repos`: rows on stdout (or ``-o``),
summary and notices (e.g. "GitHub quota exhausted until 14:05 — set
GITHUB_TOKEN") on stderr, the full per-entry detail with ``--report``.
"""

from __future__ import annotations

import argparse

from ..app import REPO_FORMATS, REPO_SORTS, ReadOptions, ReposOptions, list_repos, render_rows
from ..errors import ExitCode
from ..fileio import atomic_write_text
from .common import add_report_option, advance, print_summary, progress, write_report
from .options import add_from_option, add_key_format_option


def register(p: argparse.ArgumentParser) -> None:
    p.description = ("Find every GitHub link of every paper (abstract, arXiv comment, .bib github field), decide "
                     "which is the paper's own code, and look each repository up on GitHub (cached; GITHUB_TOKEN "
                     "batches the lookups through GraphQL). Example: bibkit repos refs.bib --sort pushed")
    p.add_argument("inputs", nargs="+", metavar="INPUT",
                   help="files to read ('-' = stdin): listings, identifier lists, .bib, HF papers JSON, "
                        "e.g. refs.bib")
    add_from_option(p)
    p.add_argument("--format", dest="format", choices=REPO_FORMATS, default="table",
                   help="output format (default: table; e.g. --format csv)")
    p.add_argument("--sort", choices=REPO_SORTS, default="stars",
                   help="most stars or most recent push first (default: stars), e.g. --sort pushed")
    p.add_argument("-o", "--output", metavar="OUT", help="write the rows to this file instead of stdout "
                                                         "(e.g. -o repos.csv)")
    p.add_argument("--offline", action="store_true",
                   help="never touch the network: answer from the cache only (stale answers included)")
    p.add_argument("--refresh", action="store_true", help="ignore cached GitHub answers and ask again")
    add_key_format_option(p)
    add_report_option(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    options = ReposOptions(read=ReadOptions(fmt=args.fmt, key_format=args.key_format), sort=args.sort,
                           offline=args.offline, refresh=args.refresh)
    with progress(args, None, "github", unit="paper") as bar:
        step = advance(bar)
        result = list_repos(args.inputs, options, on_progress=lambda stage, n: step(n))
    text = render_rows(result.rows, args.format)
    if args.output and args.output != "-":
        atomic_write_text(args.output, text)
    else:
        print(text, end="")
    write_report(args.report, result.as_dict)
    totals = result.totals()
    requests = result.requests or {}
    print_summary(args, "bibkit repos", [
        ("papers", totals["papers"]),
        ("papers with code", totals["papers with code"]),
        ("repositories", totals["repositories"]),
        ("ok / renamed", f"{totals['ok']} / {totals['renamed']}"),
        ("dead / blocked", f"{totals['dead']} / {totals['blocked']}"),
        ("unchecked", totals["unchecked"]),
        ("GitHub requests", f"{requests.get('requests', 0)} sent, {requests.get('cache_hits', 0)} from cache"),
    ], result.notices)
    return ExitCode.OK
