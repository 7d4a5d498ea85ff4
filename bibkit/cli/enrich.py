"""``bibkit enrich``: read inputs, resolve every record to its arXiv paper, add HF/GitHub data, write.

A thin layer over :func:`bibkit.app.enrich`.  Without network it does not
hang: the first connection error marks a service unavailable, the run says so
in one line, writes the un-enriched output and exits 0 (``--strict``: 4).
Exit codes with ``--strict``: 4 (``NETWORK``) when a service failed, 5
(``INCOMPLETE``) when entries stayed ambiguous or unresolved — decided by
:meth:`bibkit.app.BuildResult.exit_code` from typed outcomes.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from ..app import BuildResult, enrich
from ..config import load_settings
from ..health import describe, label
from ..outcomes import EntryStatus, Outage
from .common import (
    add_strict_option,
    notice_lines,
    print_summary,
    progress,
    quiet_http_warnings,
    skipped_rows,
    stage_feed,
    write_report,
)
from .options import add_enrich_options, add_io_options, enrich_options, key_summary, read_options, write_options


def register(p: argparse.ArgumentParser) -> None:
    p.description = ("Read inputs like `convert`, then resolve every record to its arXiv paper (identifiers in the "
                     "text, Hugging Face search, batched arXiv title and abstract search, each candidate verified) "
                     "and fill in authors, date, arXiv id, category, DOI and links; look DOIs up at Crossref and "
                     "cite each preprint at its verified published version (Semantic Scholar, Crossref, DBLP). "
                     "Answers are cached; arXiv is asked at most once every 3 seconds. "
                     "Example: bibkit enrich examples/hf-trending-papers.txt -o refs.bib --report run.json")
    add_io_options(p)
    add_enrich_options(p)
    add_strict_option(p, "a service was unreachable (exit 4) or entries stayed unresolved or ambiguous (exit 5)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    options = enrich_options(args)
    settings = load_settings()
    with progress(args, None, "enrich") as bar, quiet_http_warnings(args.verbose):
        result = enrich(args.inputs, args.output or "-", options, read=read_options(args), write=write_options(args),
                        settings=settings, on_progress=stage_feed(bar))
    write_report(args.report, result.as_dict)
    report_notices(result)
    _summary(args, result)
    return result.exit_code(args.strict)


def report_notices(result: BuildResult) -> None:
    """Run-wide notices on stderr, even with ``--quiet``: the user must know enrichment was partial."""
    if result.enrichment is not None:
        for line in notice_lines(result.enrichment.outages, result.enrichment.notices):
            print(f"bibkit: {line}", file=sys.stderr)


def upgrade_rows(totals: dict[str, Any]) -> list[tuple[str, Any]]:
    """Summary rows of the published-version stage (none when it changed and found nothing)."""
    rows: list[tuple[str, Any]] = []
    if totals.get("upgraded"):
        rows.append(("upgraded to a published version", totals["upgraded"]))
    if totals.get("published_found"):
        rows.append(("published version found (kept preprint)", totals["published_found"]))
    return rows


def down_summary(outages: list[Outage]) -> str:
    """The services that failed during the run, and why, in one summary cell."""
    by_cause: dict[str, list[str]] = {}  # services down for one cause are named together, the cause said once
    for o in outages:
        if o.is_failure:
            by_cause.setdefault(describe(o), []).append(label(str(o.service)))
    return "; ".join(f"{', '.join(names)}: {cause}" for cause, names in by_cause.items())


def _summary(args: argparse.Namespace, run: BuildResult) -> None:
    result = run.enrichment
    assert result is not None
    totals = result.totals
    rows: list[tuple[str, Any]] = [("entries read", run.read), *skipped_rows(run.skipped_lines)]
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
    if down_summary(result.outages):
        rows.append(("services down", down_summary(result.outages)))
    if run.merges:
        rows.append(("merged duplicates", len(run.merges)))
    keys, key_notes = key_summary(run)
    rows += keys
    rows += [("entries written", len(run.document)), ("output", args.output or "stdout")]
    notes: list[str] = list(key_notes)
    if run.backup:
        notes.append(f"input backed up to {run.backup}")
    if totals["not_looked_up"]:
        rows.insert(len(rows) - 2, ("not looked up", totals["not_looked_up"]))
    for rep in result.reports:
        listed = rep.status in (EntryStatus.AMBIGUOUS, EntryStatus.UNRESOLVED)
        if listed and rep.outcome is not EntryStatus.NOT_LOOKED_UP:
            notes.append(f"{rep.status}: {rep.key or rep.title}: {rep.reason}")
    print_summary(args, "bibkit enrich", rows, notes)
