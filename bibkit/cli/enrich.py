"""``bibkit enrich``: read inputs, resolve every record to its arXiv paper, add HF/GitHub data, write.

A thin layer over :func:`bibkit.pipeline.read_inputs`,
:func:`bibkit.enrich.enrich_document` and :func:`bibkit.pipeline.write_output`.
Without network it does not hang: the first connection error marks a service
unavailable, the run says so in one line, writes the un-enriched output and
exits 0 (``--strict``: 4).  Exit codes with ``--strict``: 4 (``NETWORK``) when
a service was unreachable or rate-limited, 5 (``INCOMPLETE``) when entries
stayed ambiguous or unresolved.
"""

from __future__ import annotations

import argparse
import logging
import sys
from contextlib import contextmanager
from typing import Any, Iterator

from ..config import load_settings
from ..errors import UsageError
from ..enrich.resolve import NOT_LOOKED_UP
from .common import add_io_options, add_strict_option, print_summary, progress, write_report

SERVICES = ("arxiv", "hf", "github", "s2", "crossref", "dblp", "openalex")


def add_upgrade_options(p: argparse.ArgumentParser) -> None:
    """--prefer, --venue-style, --no-upgrade: published versions of preprints (shared by enrich and build)."""
    p.add_argument("--prefer", choices=("published", "preprint"), default="published",
                   help="cite a preprint at its verified published version (default), or keep citing the preprint "
                        "and only report what was found; e.g. --prefer preprint")
    p.add_argument("--venue-style", choices=("full", "short"), default="full",
                   help="venue names from the venue table: full ('Advances in Neural Information Processing "
                        "Systems') or short ('NeurIPS'); e.g. --venue-style short")
    p.add_argument("--no-upgrade", dest="upgrade", action="store_false",
                   help="do not look for published versions of preprints (DOIs are still looked up); "
                        "e.g. bibkit build refs.txt --no-upgrade -o refs.bib")


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "enrich",
        help="resolve records to arXiv papers and add authors, dates, ids, DOIs, code links (network)",
        description="Read inputs like `convert`, then resolve every record to its arXiv paper (identifiers in the "
                    "text, Hugging Face search, batched arXiv title and abstract search, each candidate verified) "
                    "and fill in authors, date, arXiv id, category, DOI and links. Answers are cached for a day; "
                    "arXiv is asked at most once every 3 seconds.",
    )
    add_io_options(p)
    p.add_argument("--only", metavar="SERVICES", default=",".join(SERVICES),
                   help="comma-separated services to use: arxiv,hf,github,s2,crossref,dblp,openalex (default: all; "
                        "openalex only with OPENALEX_API_KEY); e.g. --only arxiv,crossref")
    add_upgrade_options(p)
    p.add_argument("--offline", action="store_true", help="answer from the HTTP cache only; never touch the network")
    p.add_argument("--refresh", action="store_true", help="ignore cached answers (fresh answers are cached again)")
    add_strict_option(p, "a service was unreachable (exit 4) or entries stayed unresolved or ambiguous (exit 5)")
    p.set_defaults(func=run)


def parse_only(text: str) -> tuple[str, ...]:
    names = tuple(dict.fromkeys(s.strip().lower() for s in text.split(",") if s.strip()))
    unknown = [n for n in names if n not in SERVICES]
    if unknown or not names:
        raise UsageError(f"--only takes a comma-separated list of {', '.join(SERVICES)} (got {text!r})")
    return names


def run(args: argparse.Namespace) -> int:
    from ..pipeline import build

    only = parse_only(args.only)
    if args.offline and args.refresh:
        raise UsageError("--offline and --refresh contradict each other")
    settings = load_settings()
    with progress(args, None, "enrich") as bar, _quiet_http_warnings(args.verbose):
        def on_progress(stage: str, done: int, total: int, detail: str = "") -> None:
            bar.total = total
            if done > bar.n:
                bar.update(done - bar.n)
            if detail:
                bar.set_postfix_str(detail)

        result = build(args.inputs, args.output or "-", fmt=args.fmt, to=args.to, ascii=args.ascii,
                       strict=args.strict, key_format=args.key_format, dedupe=args.dedupe,
                       code_note=args.code_note, only=only, offline=args.offline, refresh=args.refresh,
                       tag=False, settings=settings, on_progress=on_progress, upgrade=args.upgrade,
                       prefer=args.prefer, venue_style=args.venue_style)
    report = result.as_dict()
    write_report(args.report, report)
    enrichment = result.enrichment
    for line in _notice_lines(enrichment):  # even with --quiet: the user must know enrichment was partial
        print(f"bibkit: {line}", file=sys.stderr)
    _summary(args, enrichment, result.read, len(result.document), result.backup, result.merges)
    return result.exit_code(args.strict)


class _DropWarnings(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return record.levelno >= logging.ERROR


@contextmanager
def _quiet_http_warnings(verbose: int) -> Iterator[None]:
    """The layer logs an unreachable service as a warning; this command reports it itself, in one line."""
    if verbose:
        yield
        return
    logger, drop = logging.getLogger("bibkit.http"), _DropWarnings()
    logger.addFilter(drop)
    try:
        yield
    finally:
        logger.removeFilter(drop)


_LABELS = {"arxiv": "arXiv", "hf": "Hugging Face", "github": "GitHub", "s2": "Semantic Scholar",
           "crossref": "Crossref", "dblp": "DBLP", "openalex": "OpenAlex"}


def _notice_lines(result: Any) -> list[str]:
    """Run-wide notices; all unreachable services folded into one line."""
    down = {s: d["unavailable"] for s, d in result.stats.items() if d.get("unavailable")}
    lines: list[str] = []
    if down:
        first = next(iter(down.values()))
        cause = first[first.find("(") + 1:first.rfind(")")] if "(" in first else first
        names = ", ".join(_LABELS.get(s, s) for s in down)
        lines.append(f"no network: cannot reach {names} ({cause}); "
                     "the output was written with what could be done without them")
    lines += [n for n in result.notices if not (down and ("unreachable" in n or "cannot reach" in n))]
    return lines


def upgrade_rows(totals: dict[str, Any]) -> list[tuple[str, Any]]:
    """Summary rows of the published-version stage (none when it did nothing)."""
    rows: list[tuple[str, Any]] = []
    if totals.get("upgraded"):
        rows.append(("upgraded to a published version", totals["upgraded"]))
    if totals.get("published_found"):
        rows.append(("published version found (kept preprint)", totals["published_found"]))
    return rows


def _summary(args: argparse.Namespace, result: Any, read: int, written: int, backup: Any, merges: list[Any]) -> None:
    totals = result.totals
    rows: list[tuple[str, Any]] = [("entries read", read)]
    rows.append(("resolved", totals["resolved"]))
    for step, n in totals["by_step"].items():
        rows.append((f"  by {step}", n))
    rows += [("ambiguous", totals["ambiguous"]), ("unresolved", totals["unresolved"])]
    rows += upgrade_rows(totals)
    if totals["skipped"]:
        rows.append(("skipped", totals["skipped"]))
    for service, data in result.stats.items():
        waited = f", waited {data['waited_seconds']:.0f}s" if data.get("waited_seconds") else ""
        rows.append((f"requests: {service}", f"{data['requests']} (cache hits {data['cache_hits']}{waited})"))
    if merges:
        rows.append(("merged duplicates", len(merges)))
    rows += [("entries written", written), ("output", args.output or "stdout")]
    notes: list[str] = []
    if backup:
        notes.append(f"input backed up to {backup}")
    skipped = [r for r in result.reports if (r.reason or "").startswith(NOT_LOOKED_UP)]
    if skipped:
        rows.insert(len(rows) - 2, ("not looked up", len(skipped)))
    for rep in result.reports:
        if rep.status in ("ambiguous", "unresolved") and rep not in skipped:
            notes.append(f"{rep.status}: {rep.key or rep.title}: {rep.reason}")
    print_summary(args, "bibkit enrich", rows, notes)
