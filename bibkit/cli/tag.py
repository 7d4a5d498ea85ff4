"""``bibkit tag``: add tags (BibTeX ``keywords``) from a rules file and automatic tags — :func:`bibkit.app.tag`."""

from __future__ import annotations

import argparse
import sys
from typing import Sequence, TextIO

from ..app import RuleSet, TagResult, tag
from ..errors import ExitCode, InputError
from .common import add_strict_option, print_summary, table, write_report
from .options import add_io_options, add_tag_options, key_summary, read_options, tag_options, write_options


def register(p: argparse.ArgumentParser) -> None:
    p.description = ("Read inputs like 'convert', add tags from --rules and automatic tags (arXiv category, "
                     "has-code, Hugging Face keywords), and write the bibliography. Shows per-tag counts and the "
                     "entries that changed. Example: bibkit tag refs.bib --rules tags.toml -o refs.bib")
    add_io_options(p)
    add_tag_options(p)
    p.add_argument("--dry-run", action="store_true", help="show what would be tagged (on stdout) and write nothing")
    add_strict_option(p, "any input entry is malformed")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    tagging = tag_options(args)
    rules = tagging.rules if isinstance(tagging.rules, RuleSet) else None
    if rules is None and not (tagging.auto is not None and tagging.auto.any_enabled()):
        raise InputError("nothing to tag with: give --rules RULES.toml or leave some automatic tags on")
    result = tag(args.inputs, args.output, tagging, read=read_options(args), write=write_options(args),
                 dry_run=args.dry_run)
    write_report(args.report, result.tag_report)
    tagged = result.tagging
    assert tagged is not None
    if args.dry_run:
        show_tagging(tagged, sys.stdout, limit=None)
    elif not args.quiet:
        show_tagging(tagged, sys.stderr, limit=20)
    totals = tagged.totals()
    notes = [f"input backed up to {result.backup}"] if result.backup else []
    notes += [f"{e.key}: automatic tag {t!r} not usable: {why}" for e, t, why in tagged.skipped]
    keys, key_notes = key_summary(result)
    print_summary(args, "bibkit tag" + (" (dry run: nothing written)" if args.dry_run else ""), [
        ("entries", totals["entries"]),
        ("entries changed", totals["changed"]),
        ("tags added", totals["tags_added"]),
        *keys,
        ("rules", f"{totals['rules']} from {rules.path}" if rules is not None else "none"),
        ("output", "none (dry run)" if args.dry_run else (args.output or "stdout")),
    ], notes + key_notes)
    return ExitCode.OK


def _sources(sources: Sequence[str]) -> str:
    rules = [s for s in sources if s.startswith("rule ")]
    other = [s for s in sources if not s.startswith("rule ")]
    parts = []
    if len(rules) == 1:
        parts.append(rules[0])
    elif rules:
        parts.append("rules " + ", ".join(r.split()[1] for r in rules))
    return ", ".join(parts + other)


def show_tagging(result: TagResult, out: TextIO, limit: int | None = 20) -> None:
    """The per-tag table, then the changed entries (at most ``limit`` rows; ``None``: all)."""
    rows = [(c.tag, c.matched, c.added, _sources(c.sources)) for c in result.counts()]
    if rows:
        out.write(table(rows, ["tag", "entries", "new", "from"]))
    else:
        out.write("no tags\n")
    changed = result.changed
    verb = "would change" if not result.applied else "changed"
    out.write(f"\n{len(changed)} of {len(result.entries)} entries {verb}")
    out.write(":\n" if changed else ".\n")
    shown = changed if limit is None else changed[:limit]
    if shown:
        out.write(table([(e.entry.key or "?", ", ".join(e.added), _short(e.entry.title)) for e in shown],
                        ["key", "added", "title"]))
    if limit is not None and len(changed) > limit:
        out.write(f"… and {len(changed) - limit} more (see --report, or --dry-run for the full list)\n")


def _short(text: str | None, width: int = 60) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= width else text[: width - 1] + "…"
