"""``bibkit tag``: add tags (BibTeX ``keywords``) from a rules file and automatic tags.

Also home of the options every tagging command shares (``--rules`` and the
automatic-tag switches): :func:`add_tag_options` and :func:`tagging_from_args`,
used by ``tag``, ``collections`` and ``build``.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any, Sequence, TextIO

from ..errors import ExitCode, InputError
from ..tagging import AutoTagOptions, RuleSet, TagResult, load_rules
from ..tagging.batch import resolve_options, tag_files
from .common import add_io_options, add_strict_option, print_summary, table, write_report


def add_tag_options(parser: argparse.ArgumentParser, *, rules_required: bool = False) -> None:
    """``--rules`` and the switches for automatic tags (unset switches defer to the rules file's ``[auto]``)."""
    g = parser.add_argument_group("tagging")
    g.add_argument("--rules", metavar="RULES.toml", required=rules_required,
                   help="tagging rules (TOML; see examples/tags.toml); checked completely before anything is tagged")
    g.add_argument("--category-tags", action=argparse.BooleanOptionalAction, default=None,
                   help="tag the arXiv primary category, e.g. cs.CL (default: on, or as [auto] says)")
    g.add_argument("--code-tags", action=argparse.BooleanOptionalAction, default=None,
                   help="tag papers that have a code repository 'has-code' (default: on, or as [auto] says)")
    g.add_argument("--keyword-tags", action=argparse.BooleanOptionalAction, default=None,
                   help="tag Hugging Face ai_keywords, normalised and limited (default: off, or as [auto] says)")
    g.add_argument("--max-keyword-tags", type=_non_negative, metavar="N", default=None,
                   help="at most N keyword tags per entry (default 3)")
    g.add_argument("--keyword-min-entries", type=_positive, metavar="M", default=None,
                   help="a keyword becomes a tag only when M entries of the run share it (default 2)")
    g.add_argument("--no-auto", action="store_true", help="no automatic tags at all, only the rules")


def _non_negative(text: str) -> int:
    value = int(text)
    if value < 0:
        raise argparse.ArgumentTypeError("must be 0 or more")
    return value


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be 1 or more")
    return value


def tagging_from_args(args: argparse.Namespace) -> tuple[RuleSet | None, AutoTagOptions]:
    """The validated rules (or ``None``) and the automatic-tag options the command line asks for."""
    rules = load_rules(args.rules) if getattr(args, "rules", None) else None
    if getattr(args, "no_auto", False):
        overrides: dict[str, Any] = {"primary_category": False, "has_code": False, "ai_keywords": False}
    else:
        overrides = {
            "primary_category": args.category_tags,
            "has_code": args.code_tags,
            "ai_keywords": args.keyword_tags,
        }
    overrides["ai_keywords_max"] = args.max_keyword_tags
    overrides["ai_keywords_min_entries"] = args.keyword_min_entries
    return rules, resolve_options(rules, **overrides)


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "tag", help="tag entries (BibTeX keywords) from a rules file and automatic tags",
        description="Read inputs like 'convert', add tags from --rules and automatic tags (arXiv category, has-code, "
                    "Hugging Face keywords), and write the bibliography. Shows per-tag counts and the entries that changed.")
    add_io_options(p)
    add_tag_options(p)
    p.add_argument("--dry-run", action="store_true", help="show what would be tagged (on stdout) and write nothing")
    add_strict_option(p, "any input entry is malformed")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    rules, auto = tagging_from_args(args)
    if rules is None and not auto.any_enabled():
        raise InputError("nothing to tag with: give --rules RULES.toml or leave some automatic tags on")
    result = tag_files(args.inputs, args.output, rules, auto=auto, fmt=args.fmt, to=args.to, ascii=args.ascii,
                       strict=args.strict, key_format=args.key_format, dedupe=args.dedupe, code_note=args.code_note,
                       dry_run=args.dry_run, merge_duplicates=args.merge_duplicates)
    write_report(args.report, result.as_dict())
    tagging = result.tagging
    if args.dry_run:
        show_tagging(tagging, sys.stdout, limit=None)
    elif not args.quiet:
        show_tagging(tagging, sys.stderr, limit=20)
    totals = tagging.totals()
    notes = [f"input backed up to {result.backup}"] if result.backup else []
    notes += [f"{e.key}: automatic tag {t!r} not usable: {why}" for e, t, why in tagging.skipped]
    print_summary(args, "bibkit tag" + (" (dry run: nothing written)" if args.dry_run else ""), [
        ("entries", totals["entries"]),
        ("entries changed", totals["changed"]),
        ("tags added", totals["tags_added"]),
        ("rules", f"{totals['rules']} from {rules.path}" if rules is not None else "none"),
        ("output", "none (dry run)" if args.dry_run else (args.output or "stdout")),
    ], notes)
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
    out.write(f"\n{len(changed)} of {len(result.entries)} entries {'would change' if not result.applied else 'changed'}")
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
