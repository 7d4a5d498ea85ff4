"""``bibkit build``: the main job — read, enrich, tag, write (and sync to Zotero when asked).

A thin layer over :func:`bibkit.pipeline.build`.  With no network it does not
hang: the first connection error marks a service unavailable, one line says
so, and the un-enriched (but clean, keyed and tagged) bibliography is still
written; the exit code is 0 unless ``--strict`` (4: a service was
unreachable, 5: entries stayed unresolved or ambiguous) or a requested Zotero
sync did not complete (6).
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from typing import Any

from ..config import load_settings
from ..enrich.resolve import NOT_LOOKED_UP
from ..errors import UsageError
from ..pipeline import build
from .common import add_io_options, add_strict_option, print_summary, progress, write_report
from .enrich import SERVICES, _notice_lines, _quiet_http_warnings, add_upgrade_options, parse_only, upgrade_rows
from .tag import add_tag_options, tagging_from_args


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "build",
        help="the main job: read, enrich (arXiv, Hugging Face, GitHub, published versions), tag, write .bib "
             "(and sync to Zotero)",
        description="Read inputs, merge duplicates, resolve every record to its arXiv paper and its code repository, "
                    "look DOIs up and cite preprints at their verified published version, tag by rules, write one bibliography, and optionally sync it into a Zotero collection. "
                    "Works without network: what cannot be enriched is said in one line and the rest is written.",
    )
    add_io_options(p)
    add_tag_options(p)
    p.add_argument("--no-tags", dest="tag", action="store_false", help="no tagging at all (not even automatic tags)")
    p.add_argument("--no-enrich", dest="enrich", action="store_false", help="do not use the network at all")
    p.add_argument("--only", metavar="SERVICES", default=",".join(SERVICES),
                   help="comma-separated services to use: arxiv,hf,github,s2,crossref,dblp,openalex (default: all; "
                        "openalex only with OPENALEX_API_KEY); e.g. --only arxiv,hf,crossref")
    add_upgrade_options(p)
    p.add_argument("--offline", action="store_true", help="answer from the HTTP cache only; never touch the network")
    p.add_argument("--refresh", action="store_true", help="ignore cached answers (fresh answers are cached again)")
    p.add_argument("--zotero-collection", metavar="PATH", help="also sync the result into this Zotero collection (e.g. Reading/MoE)")
    p.add_argument("--via", choices=("local", "connector"), help="force the Zotero transport (default: detect)")
    add_strict_option(p, "a service was unreachable (4) or entries stayed unresolved/ambiguous (5)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    only = parse_only(args.only)
    if args.offline and args.refresh:
        raise UsageError("--offline and --refresh contradict each other")
    if args.rules and not args.tag:
        raise UsageError("--rules and --no-tags contradict each other")
    settings = load_settings()
    rules, auto = tagging_from_args(args) if args.tag else (None, None)  # a bad rules file stops before any work
    with progress(args, None, "build") as bar, _quiet_http_warnings(args.verbose):
        def on_progress(stage: str, done: int, total: int, detail: str = "") -> None:
            if bar.total != total:
                bar.total = total
            bar.set_description_str(stage)
            if done > bar.n:
                bar.update(done - bar.n)
            elif done < bar.n:  # a new stage starts counting again
                bar.n = done
                bar.refresh()
            if detail:
                bar.set_postfix_str(detail)

        result = build(
            args.inputs, args.output or "-", fmt=args.fmt, to=args.to, ascii=args.ascii, strict=args.strict,
            key_format=args.key_format, dedupe=args.dedupe, code_note=args.code_note, enrich=args.enrich,
            only=only, offline=args.offline, refresh=args.refresh, rules=rules, auto_tags=auto, tag=args.tag,
            zotero_collection=args.zotero_collection, zotero_via=args.via, settings=settings,
            on_progress=on_progress, upgrade=args.upgrade, prefer=args.prefer, venue_style=args.venue_style,
        )
    write_report(args.report, result.as_dict())
    if result.enrichment is not None:
        for line in _notice_lines(result.enrichment):  # even with --quiet: partial enrichment must be known
            print(f"bibkit: {line}", file=sys.stderr)
    _summary(args, result)
    return result.exit_code(args.strict)


def _summary(args: argparse.Namespace, result: Any) -> None:
    rows: list[tuple[str, Any]] = [("entries read", result.read)]
    notes: list[str] = []
    if result.backup:
        notes.append(f"input backed up to {result.backup}")
    er = result.enrichment
    if er is not None:
        t = er.totals
        steps = ", ".join(f"{n} by {step}" for step, n in t["by_step"].items())
        rows.append(("resolved", f"{t['resolved']}" + (f" ({steps})" if steps else "")))
        not_looked_up = sum(1 for r in er.reports if (r.reason or "").startswith(NOT_LOOKED_UP))
        rows.append(("ambiguous / unresolved", f"{t['ambiguous']} / {t['unresolved'] - not_looked_up}"))
        if not_looked_up:
            rows.append(("not looked up", f"{not_looked_up} (no network or service unavailable)"))
        rows += upgrade_rows(t)
        reqs = ", ".join(f"{s} {d['requests']}" for s, d in er.stats.items()) or "none"
        rows.append(("requests", reqs))
        for rep in er.reports:
            if rep.status == "ambiguous":
                notes.append(f"ambiguous: {rep.key or rep.title}: {rep.reason}")
    if result.merges:
        rows.append(("merged duplicates", len(result.merges)))
    if result.tagging is not None:
        counts: Counter[str] = Counter()
        for et in result.tagging.entries:
            counts.update(et.added)
        top = ", ".join(f"{tag} {n}" for tag, n in counts.most_common(6))
        rows.append(("tags added", f"{sum(counts.values())}" + (f" ({top}{', …' if len(counts) > 6 else ''})" if top else "")))
    problems = result.document.all_problems()
    rows.append(("problems", len(problems)))
    notes += [str(p) for p in problems if p.severity != "info"]
    rows += [("entries written", len(result.document)), ("output", args.output or "stdout")]
    if result.sync is not None:
        counts = result.sync.counts() if hasattr(result.sync, "counts") else {}
        rows.append(("zotero", ", ".join(f"{k} {v}" for k, v in counts.items()) or "done"))
    print_summary(args, "bibkit build", rows, notes)
