"""``bibkit build``: the main job — read, enrich, tag, write (and sync to Zotero when asked).

A thin layer over :func:`bibkit.app.build`.  With no network it does not
hang: the first connection error marks a service unavailable, one line says
so, and the un-enriched (but clean, keyed and tagged) bibliography is still
written; the exit code is 0 unless ``--strict`` (4: a service was
unreachable, 5: entries stayed unresolved or ambiguous) or a requested Zotero
sync did not complete (6).
"""

from __future__ import annotations

import argparse
from collections import Counter
from typing import Any

from ..app import BuildOptions, BuildResult, SyncOptions, ZoteroTarget, build
from ..config import load_settings
from ..errors import UsageError
from ..outcomes import EntryStatus, Severity, Transport
from .common import (
    add_strict_option,
    print_summary,
    progress,
    quiet_http_warnings,
    skipped_rows,
    stage_feed,
    write_report,
)
from .enrich import down_summary, report_notices, upgrade_rows
from .options import (
    add_enrich_options,
    add_io_options,
    add_tag_options,
    enrich_options,
    key_summary,
    read_options,
    tag_options,
    write_options,
)


def register(p: argparse.ArgumentParser) -> None:
    p.description = ("Read inputs, merge duplicates, resolve every record to its arXiv paper and its code repository, "
                     "look DOIs up and cite preprints at their verified published version, tag by rules, write one "
                     "bibliography, and optionally sync it into a Zotero collection. "
                     "Works without network: what cannot be enriched is said in one line and the rest is written. "
                     "Example: bibkit build papers.txt --rules tags.toml -o refs.bib")
    add_io_options(p)
    add_tag_options(p)
    p.add_argument("--no-tags", dest="tag", action="store_false", help="no tagging at all (not even automatic tags)")
    p.add_argument("--no-enrich", dest="enrich", action="store_false", help="do not use the network at all")
    add_enrich_options(p)
    p.add_argument("--zotero-collection", metavar="PATH",
                   help="also sync the result into this Zotero collection (e.g. --zotero-collection Reading/MoE)")
    p.add_argument("--via", choices=[t.value for t in Transport], help="force the Zotero transport (default: detect; "
                                                           "e.g. --via connector)")
    add_strict_option(p, "a service was unreachable (4) or entries stayed unresolved/ambiguous (5)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    enrich = enrich_options(args)
    if args.rules and not args.tag:
        raise UsageError("--rules and --no-tags contradict each other")
    settings = load_settings()
    tagging = tag_options(args) if args.tag else None  # a bad rules file stops before any work
    zotero = None
    if args.zotero_collection:
        zotero = ZoteroTarget(args.zotero_collection, sync=SyncOptions(via=Transport(args.via) if args.via else None))
    options = BuildOptions(read=read_options(args), write=write_options(args), enrich=enrich if args.enrich else None,
                           tagging=tagging, zotero=zotero)
    with progress(args, None, "build") as bar, quiet_http_warnings(args.verbose):
        result = build(args.inputs, args.output or "-", options, settings=settings, on_progress=stage_feed(bar))
    write_report(args.report, result.as_dict)  # (also when the sync failed: what was built, and why exit 6)
    if result.zotero_error is not None:
        raise result.zotero_error  # the bibliography is written; the sync could not even start (exit 6)
    report_notices(result)
    _summary(args, result)
    return result.exit_code(args.strict)


def _summary(args: argparse.Namespace, result: BuildResult) -> None:
    rows: list[tuple[str, Any]] = [("entries read", result.read), *skipped_rows(result.skipped_lines)]
    notes: list[str] = []
    if result.backup:
        notes.append(f"input backed up to {result.backup}")
    er = result.enrichment
    if er is not None:
        t = er.totals
        steps = ", ".join(f"{n} by {step}" for step, n in t["by_step"].items())
        rows.append(("resolved", f"{t['resolved']}" + (f" ({steps})" if steps else "")))
        not_looked_up = t["not_looked_up"]
        rows.append(("ambiguous / unresolved", f"{t['ambiguous']} / {t['unresolved']}"))
        if not_looked_up:
            rows.append(("not looked up", f"{not_looked_up} (no network or service unavailable)"))
        rows += upgrade_rows(t)
        reqs = ", ".join(f"{s} {d['requests']}" for s, d in er.stats.items()) or "none"
        rows.append(("requests", reqs))
        if down_summary(er.outages):
            rows.append(("services down", down_summary(er.outages)))
        for rep in er.reports:
            if rep.status is EntryStatus.AMBIGUOUS:
                notes.append(f"ambiguous: {rep.key or rep.title}: {rep.reason}")
    if result.merges:
        rows.append(("merged duplicates", len(result.merges)))
    if result.tagging is not None:
        counts: Counter[str] = Counter()
        for et in result.tagging.entries:
            counts.update(et.added)
        top = ", ".join(f"{tag} {n}" for tag, n in counts.most_common(6))
        more = ", …" if len(counts) > 6 else ""
        rows.append(("tags added", f"{sum(counts.values())}" + (f" ({top}{more})" if top else "")))
    problems = result.document.all_problems()
    rows.append(("problems", len(problems)))
    notes += [str(p) for p in problems if p.severity != Severity.INFO]
    keys, key_notes = key_summary(result)
    rows += keys
    notes += key_notes
    rows += [("entries written", len(result.document)), ("output", args.output or "stdout")]
    if result.sync is not None:
        rows.append(("zotero", ", ".join(f"{k} {v}" for k, v in result.sync.counts().items()) or "done"))
    print_summary(args, "bibkit build", rows, notes)
