"""Batch tagging: rules from a TOML file plus automatic tags, applied to entries.

The one function the application layer calls (``bibkit tag``, ``bibkit build``,
and ``zotero-bridge tag`` on entries mapped back from Zotero items)::

    from bibkit.tagging import load_rules, tag_document
    rules = load_rules("tags.toml")              # validates everything first (InputError: file, line, what)
    result = tag_document(doc, rules)             # auto tags as the file's [auto] says
    result = tag_document(doc, None, auto=AutoTagOptions(has_code=False))   # automatic tags only

Tags are appended to ``Entry.tags`` (the BibTeX ``keywords`` field and
Zotero's manual tags): existing tags first and untouched, new ones in rule
order, then the automatic ones; nothing is added twice in any letter case.
Matching always sees the tags an entry had *before* the run, so the result
does not depend on rule order.  With ``apply=False`` nothing is changed and
the result says what would be added (``--dry-run``, and planning a Zotero
update).  Each entry's record keeps the tags the run added
(``entry.record.tags_added``).  The rules-file format is documented in
:mod:`bibkit.tagging.rules`.
"""

from __future__ import annotations

import gc
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Iterable

from ..model import Document, Entry
from ..reporting import entry_summary
from .auto import AutoTagOptions, auto_tags, normalize_keyword, plan_keywords
from .engine import Engine
from .rules import Rule, RulesError, RuleSet, load_rules, parse_rules
from .tags import add_tags, tag_problem

__all__ = [
    "AutoTagOptions", "EntryTagging", "Engine", "Rule", "RuleSet", "RulesError", "TagCount", "TagResult",
    "load_rules", "normalize_keyword", "parse_rules", "resolve_options", "tag_document", "tag_entries", "tag_problem",
]


@dataclass(slots=True)
class EntryTagging:
    """What tagging decided for one entry."""

    entry: Entry
    before: tuple[str, ...]  # tags the entry had before the run
    decided: list[tuple[str, str]] = field(default_factory=list)  # (tag, reason) for every tag it qualifies for
    added: list[str] = field(default_factory=list)  # the tags that are new to it

    @property
    def changed(self) -> bool:
        return bool(self.added)

    def reasons(self, tag: str) -> list[str]:
        return [reason for t, reason in self.decided if t == tag]

    def as_dict(self) -> dict[str, Any]:
        out = entry_summary(self.entry)
        out.update({
            "tags_before": list(self.before),
            "tags_added": list(self.added),
            "tags": list(self.before) + [t for t in self.added],
            "matched": [{"tag": t, "by": r} for t, r in self.decided],
        })
        return out


@dataclass
class TagCount:
    """Per-tag totals of a run: entries that qualify, and entries that newly got it."""

    tag: str
    sources: list[str]
    matched: int = 0
    added: int = 0

    def as_dict(self) -> dict[str, Any]:
        return {"tag": self.tag, "sources": self.sources, "matched": self.matched, "added": self.added}


@dataclass
class TagResult:
    """The outcome of :func:`tag_entries`; ``as_dict()`` is the ``--report`` JSON."""

    entries: list[EntryTagging]
    rules: RuleSet | None
    auto: AutoTagOptions
    applied: bool
    skipped: list[tuple[Entry, str, str]] = field(default_factory=list)  # (entry, tag, why) automatic tags not usable

    @property
    def changed(self) -> list[EntryTagging]:
        return [e for e in self.entries if e.added]

    def counts(self) -> list[TagCount]:
        """One row per tag: rule tags in file order, then automatic tags (most frequent first)."""
        rows: dict[str, TagCount] = {}
        if self.rules is not None:
            for rule in self.rules.rules:
                row = rows.setdefault(rule.tag, TagCount(rule.tag, []))
                row.sources.append(rule.name)
        auto_rows: dict[str, TagCount] = {}
        for et in self.entries:
            seen: set[str] = set()
            for tag, reason in et.decided:
                found = rows.get(tag)
                row = found if found is not None else auto_rows.setdefault(tag, TagCount(tag, []))
                if reason not in row.sources and not reason.startswith("rule "):
                    row.sources.append(reason)
                if tag not in seen:
                    row.matched += 1
                    seen.add(tag)
            for tag in et.added:
                (rows.get(tag) or auto_rows[tag]).added += 1
        ordered = list(rows.values())
        ordered += sorted(auto_rows.values(), key=lambda r: (-r.matched, r.tag.casefold()))
        return ordered

    def totals(self) -> dict[str, int]:
        return {
            "entries": len(self.entries),
            "changed": len(self.changed),
            "tags_added": sum(len(e.added) for e in self.entries),
            "rules": len(self.rules) if self.rules is not None else 0,
        }

    def as_dict(self) -> dict[str, Any]:
        return {
            "rules_file": self.rules.path if self.rules is not None else None,
            "applied": self.applied,
            "auto": self.auto.as_dict(),
            "totals": self.totals(),
            "tags": [c.as_dict() for c in self.counts()],
            "entries": [e.as_dict() for e in self.entries],
            "skipped_auto_tags": [{"key": e.key, "tag": t, "reason": why} for e, t, why in self.skipped],
        }


def resolve_options(rules: RuleSet | None, **overrides: Any) -> AutoTagOptions:
    """The automatic-tag options in force: the rules file's ``[auto]`` (or defaults), then ``overrides``
    (``None`` values are ignored, so unset command-line flags change nothing)."""
    base = rules.auto if rules is not None else AutoTagOptions()
    return base.with_overrides(**overrides)


def tag_entries(
    entries: Iterable[Entry],
    rules: RuleSet | None = None,
    *,
    auto: AutoTagOptions | None = None,
    apply: bool = True,
) -> TagResult:
    """Decide (and with ``apply``, add) the tags of ``entries``.

    ``auto`` defaults to the rules file's ``[auto]`` options (or the built-in
    defaults without a rules file).  The entries can come from any reader,
    an enricher, or Zotero items mapped back to entries: only ``title``,
    ``abstract``, ``authors``, ``date``, ``primary_class``, ``categories``,
    ``links``, ``tags`` and ``meta["ai_keywords"]`` are looked at.
    """
    items = list(entries)
    # A large run allocates millions of short-lived containers and creates no reference cycles:
    # the cyclic garbage collector would only rescan the whole library again and again.
    pause_gc = len(items) > 10_000 and gc.isenabled()
    if pause_gc:
        gc.disable()
    try:
        return _tag_entries(items, rules, auto, apply)
    finally:
        if pause_gc:
            gc.enable()


def _tag_entries(items: list[Entry], rules: RuleSet | None, auto: AutoTagOptions | None, apply: bool) -> TagResult:
    opts = auto if auto is not None else (rules.auto if rules is not None else AutoTagOptions())
    engine = Engine(rules.rules) if rules is not None and rules.rules else None
    decided_by = [(rule.tag, rule.name) for rule in engine.rules] if engine is not None else []
    keyword_plan = plan_keywords(items, opts) if opts.ai_keywords else None
    auto_on = opts.any_enabled()
    usable: dict[str, str | None] = {}  # automatic tag -> why it cannot be a tag (checked once per distinct tag)
    result = TagResult([], rules, opts, apply)
    empty: frozenset[str] = frozenset()
    match = engine.match if engine is not None else None
    add = result.entries.append
    for n, entry in enumerate(items):
        if entry.tags:
            before = tuple(entry.tags)
            folded = frozenset(t.casefold() for t in before)
        else:
            before, folded = (), empty
        decided = list(map(decided_by.__getitem__, match(entry, folded))) if match is not None else []
        et = EntryTagging(entry, before, decided)
        if auto_on:
            keywords = keyword_plan.per_entry[n] if keyword_plan is not None else None
            for tag, reason in auto_tags(entry, opts, keywords):
                problem = usable[tag] if tag in usable else usable.setdefault(tag, tag_problem(tag))
                if problem:
                    result.skipped.append((entry, tag, problem))
                else:
                    decided.append((tag, reason))
        if decided:
            wanted = [t for t, _ in decided]
            if apply and not before and len(set(map(str.casefold, wanted))) == len(wanted):
                entry.tags.extend(wanted)  # the common case: an untagged entry, no repeats
                et.added = wanted
            elif apply:
                et.added = add_tags(entry, wanted)
            else:
                present = set(folded)
                for tag in wanted:
                    if tag.casefold() not in present:
                        present.add(tag.casefold())
                        et.added.append(tag)
        entry.record.tags_added = et.added
        add(et)
    return result


def tag_document(
    doc: Document,
    rules: RuleSet | None = None,
    *,
    auto: AutoTagOptions | None = None,
    apply: bool = True,
) -> TagResult:
    """Tag every entry of ``doc`` in place (see :func:`tag_entries`); the signature ``bibkit build`` relies on."""
    return tag_entries(doc.entries, rules, auto=auto, apply=apply)


def keyword_counts(entries: Iterable[Entry]) -> Counter[str]:
    """How many entries carry each normalised Hugging Face keyword (to choose ``allow``/``min-entries``)."""
    counts: Counter[str] = Counter()
    for e in entries:
        counts.update({k for k in (normalize_keyword(x) for x in e.meta.get("ai_keywords") or ()) if k})
    return counts
