"""Option groups several commands share, and how their values become the application layer's typed options.

``bibkit`` and ``zotero-bridge`` both use these (``--rules`` and the automatic
tag switches, ``--key-format``…), so one flag means one thing everywhere.
Importing this module is cheap: :mod:`bibkit.app` loads each name on first use.
"""

from __future__ import annotations

import argparse
from typing import Any

from .. import app
from ..errors import UsageError
from .common import add_report_option

__all__ = [
    "add_enrich_options", "add_from_option", "add_io_options", "add_key_format_option", "add_key_options",
    "add_tag_options", "enrich_options", "key_summary", "parse_only", "read_options", "tag_options", "write_options",
]


def add_key_format_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--key-format", metavar="FORMULA",
                        help="citation key formula (default: BIBKIT_CITEKEY_FORMAT, else "
                             "auth.lower + shorttitle(3,3) + year); e.g. --key-format 'auth + year'")


def add_from_option(parser: argparse.ArgumentParser) -> None:
    """``--from FORMAT``: one reader for every input instead of detecting each input's format."""
    # (argparse formats help text with %: a format's description may show "%0 Journal Article")
    described = "; ".join(f"{name}: {app.INPUT_FORMAT_HELP[name]}" for name in app.INPUT_FORMATS).replace("%", "%%")
    parser.add_argument("--from", dest="fmt", choices=app.INPUT_FORMATS, metavar="FORMAT",
                        help=f"force the input format instead of detecting it ({described}); e.g. --from bib, or "
                             "--from references for a reference list pasted from a paper")


def add_io_options(parser: argparse.ArgumentParser) -> None:
    """Inputs and output options shared by convert, enrich, build and tag."""
    parser.add_argument("inputs", nargs="+", metavar="INPUT", help="files to read ('-' = stdin): pasted listings, "
                                                                   "identifier lists, .bib, .bbl, RIS, CSL-JSON, "
                                                                   "EndNote, PubMed, HF papers JSON, e.g. "
                                                                   "listing.txt refs.bib")
    parser.add_argument("-o", "--output", metavar="OUT", help="output file ('-' or omitted = stdout); written "
                                                              "atomically, an input is backed up before being "
                                                              "overwritten (e.g. -o refs.bib)")
    add_from_option(parser)
    parser.add_argument("--to", choices=app.OUTPUT_FORMATS, default=None,
                        help="convert to this output format (default: entries read from .bib files are written as "
                             "they were — types, fields, macros, comments — and others as BibTeX; e.g. --to biblatex)")
    parser.add_argument("--ascii", action="store_true", help="convert non-ASCII characters to LaTeX macros "
                                                             "(for classic BibTeX)")
    parser.add_argument("--code-note", action="store_true", help="add a note 'Code: \\url{...}' for the paper's own "
                                                                 "GitHub repository")
    add_key_format_option(parser)
    parser.add_argument("--no-dedupe", dest="dedupe", action="store_false",
                        help="keep duplicate records instead of merging them")
    parser.add_argument("--merge-duplicates", action="store_true",
                        help="also merge entries of .bib files that look like one work but differ (edition, volume, "
                             "pages, type…); by default they are only reported as likely duplicates "
                             "(e.g. bibkit convert a.bib b.bib --merge-duplicates -o all.bib)")
    add_key_options(parser)
    add_report_option(parser)


def add_key_options(parser: argparse.ArgumentParser) -> None:
    """``--keys-from``, ``--rekey`` and ``--force``: keys once issued are kept unless asked."""
    g = parser.add_argument_group("citation keys (once issued, a key stays with its paper)")
    g.add_argument("--keys-from", metavar="FILE.bib", action="append", default=[],
                   help="keep the keys this bibliography gives the same papers (repeatable); "
                        "e.g. --keys-from paper/refs.bib")
    g.add_argument("--rekey", action="store_true",
                   help="recompute every key by the key formula; each old key stays an alias (ids = {old}); "
                        "e.g. bibkit build list.txt -o refs.bib --rekey")
    g.add_argument("--force", action="store_true",
                   help="with --rekey, also re-key pinned keys (from an input .bib, --keys-from, Zotero, or typed "
                        "into the output by hand); e.g. --rekey --force")


def read_options(args: argparse.Namespace) -> app.ReadOptions:
    """How to read the inputs, from ``--from``, ``--strict``, ``--key-format``, ``--no-dedupe``,
    ``--merge-duplicates``, ``--keys-from``, ``--rekey`` and ``--force``."""
    if getattr(args, "force", False) and not getattr(args, "rekey", False):
        raise UsageError("--force only goes with --rekey (it allows re-keying pinned keys)")
    return app.ReadOptions(fmt=getattr(args, "fmt", None), strict=getattr(args, "strict", False),
                           key_format=getattr(args, "key_format", None), dedupe=getattr(args, "dedupe", True),
                           merge_duplicates=getattr(args, "merge_duplicates", False),
                           keys_from=tuple(getattr(args, "keys_from", None) or ()),
                           rekey=getattr(args, "rekey", False), force=getattr(args, "force", False))


def write_options(args: argparse.Namespace) -> app.WriteOptions:
    """How to write, from ``--to``, ``--ascii`` and ``--code-note``."""
    return app.WriteOptions(to=args.to, ascii=args.ascii, code_note=args.code_note)


def parse_only(text: str) -> tuple[str, ...]:
    """``--only arxiv,hf``: the services named, each once; anything else is a usage error."""
    names = tuple(dict.fromkeys(s.strip().lower() for s in text.split(",") if s.strip()))
    unknown = [n for n in names if n not in app.SERVICES]
    if unknown or not names:
        raise UsageError(f"--only takes a comma-separated list of {', '.join(app.SERVICES)} (got {text!r})")
    return names


def add_enrich_options(parser: argparse.ArgumentParser) -> None:
    """``--only``, ``--offline``, ``--refresh`` and the published-version switches (enrich and build)."""
    names = ",".join(app.SERVICES)
    parser.add_argument("--only", metavar="SERVICES", default=names,
                        help=f"comma-separated services to use: {names} (default: all; openalex only with "
                             "OPENALEX_API_KEY; e.g. --only arxiv,hf,crossref)")
    parser.add_argument("--offline", action="store_true",
                        help="answer from the HTTP cache only; never touch the network")
    parser.add_argument("--refresh", action="store_true", help="ignore cached answers (fresh answers are cached again)")
    g = parser.add_argument_group("published versions")
    g.add_argument("--prefer", choices=[p.value for p in app.Prefer], default=app.Prefer.PUBLISHED.value,
                   help="cite a preprint at its verified published version (default), or keep citing the preprint "
                        "and only report what was found; e.g. --prefer preprint")
    g.add_argument("--venue-style", choices=[s.value for s in app.VenueStyle], default=app.VenueStyle.FULL.value,
                   help="venue names from the venue table: full ('Advances in Neural Information Processing "
                        "Systems') or short ('NeurIPS'); e.g. --venue-style short")
    g.add_argument("--no-upgrade", dest="upgrade", action="store_false",
                   help="do not look for published versions of preprints (DOIs are still looked up); "
                        "e.g. bibkit build refs.txt --no-upgrade -o refs.bib")


def enrich_options(args: argparse.Namespace) -> app.EnrichOptions:
    """Which services and how, from ``--only``, ``--offline``, ``--refresh``, ``--prefer``, ``--venue-style`` and
    ``--no-upgrade`` (contradictions are usage errors)."""
    only = parse_only(args.only)
    if args.offline and args.refresh:
        raise UsageError("--offline and --refresh contradict each other")
    return app.EnrichOptions(only=only, offline=args.offline, refresh=args.refresh, upgrade=args.upgrade,
                             prefer=app.Prefer(args.prefer), venue_style=app.VenueStyle(args.venue_style))


def add_tag_options(parser: argparse.ArgumentParser, *, rules_required: bool = False) -> None:
    """``--rules`` and the switches for automatic tags (unset switches defer to the rules file's ``[auto]``)."""
    g = parser.add_argument_group("tagging")
    g.add_argument("--rules", metavar="RULES.toml", required=rules_required,
                   help="tagging rules (TOML; 'bibkit rules init' writes a commented example; checked completely "
                        "before anything is tagged), e.g. --rules tags.toml")
    g.add_argument("--category-tags", action=argparse.BooleanOptionalAction, default=None,
                   help="tag the arXiv primary category, e.g. cs.CL (default: on, or as [auto] says)")
    g.add_argument("--code-tags", action=argparse.BooleanOptionalAction, default=None,
                   help="tag papers that have a code repository 'has-code' (default: on, or as [auto] says)")
    g.add_argument("--keyword-tags", action=argparse.BooleanOptionalAction, default=None,
                   help="tag Hugging Face ai_keywords, normalised and limited (default: off, or as [auto] says)")
    g.add_argument("--max-keyword-tags", type=_non_negative, metavar="N", default=None,
                   help="at most N keyword tags per entry (default 3; e.g. --max-keyword-tags 2)")
    g.add_argument("--keyword-min-entries", type=_positive, metavar="M", default=None,
                   help="a keyword becomes a tag only when M entries of the run share it (default 2), "
                        "e.g. --keyword-min-entries 3")
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


def tag_options(args: argparse.Namespace) -> app.TagOptions:
    """The validated rules (loaded now: a bad rules file stops the run before any work) and the
    automatic-tag options the command line asks for."""
    rules = app.load_rules(args.rules) if getattr(args, "rules", None) else None
    overrides: dict[str, Any]
    if getattr(args, "no_auto", False):
        overrides = {"primary_category": False, "has_code": False, "ai_keywords": False}
    else:
        overrides = {
            "primary_category": args.category_tags,
            "has_code": args.code_tags,
            "ai_keywords": args.keyword_tags,
        }
    overrides["ai_keywords_max"] = args.max_keyword_tags
    overrides["ai_keywords_min_entries"] = args.keyword_min_entries
    return app.TagOptions(rules=rules, auto=app.resolve_options(rules, **overrides))


def key_summary(result: app.BuildResult) -> tuple[list[tuple[str, Any]], list[str]]:
    """Summary rows and notes about keys and the previous output: kept / new / renamed keys, the user's edits
    and decisions kept, keys adopted from Zotero, what the previous output or its lock could not give."""
    counts = result.key_counts()
    parts = [f"{counts['kept']} kept", f"{counts['new']} new"]
    if counts["renamed"]:
        parts.append(f"{counts['renamed']} renamed (--rekey; old keys kept as aliases)")
    if counts["renamed_duplicates"]:
        parts.append(f"{counts['renamed_duplicates']} renamed (a key the input uses twice)")
    if counts["from_zotero"]:
        parts.append(f"{counts['from_zotero']} from Zotero")
    rows: list[tuple[str, Any]] = [("keys", ", ".join(parts))]
    if counts["edited_fields"]:
        rows.append(("your edits kept", f"{counts['edited_fields']} field(s) in {counts['edited_entries']} "
                                        "entr" + ("y" if counts["edited_entries"] == 1 else "ies")))
    if counts["decisions"]:
        rows.append(("your decisions", f"{counts['decisions']} (bibkit pick, or an eprint you wrote)"))
    notes = list(result.prior.notices)
    notes += [f"renamed {c.old} → {c.new}" for c in result.rekeyed]
    notes += [f"key from Zotero: {n}" for n in result.zotero_keys]
    for entry in result.document.entries:
        for edit in entry.record.edits:
            if edit.would_set is not None:
                what = ", ".join(edit.fields) or edit.group
                if edit.kind == "deleted":
                    notes.append(f"{entry.key}: left out {what}, which you deleted by hand (this run would have "
                                 "set it)")
                else:
                    notes.append(f"{entry.key}: kept your {what} (this run would have set another value)")
    return rows, notes
