"""The obvious way to apply rules: walk each rule's tree and run its regexes on each entry.

Kept on purpose, for two reasons.  It is the *specification* — every word
pattern becomes the regex :func:`bibkit.tagging.tokens.phrase_regex` says it
means, searched in the lower-cased field — so the tests check that the fast
engine (:mod:`bibkit.tagging.engine`) agrees with it on every entry.  And it
is the baseline ``bench/tag.py`` measures the engine against.
"""

from __future__ import annotations

from typing import Sequence

from ..model import Entry
from .auto import has_code
from .rules import All, AnyOf, Author, Category, Condition, HasCode, Not, Regex, Rule, Tagged, Words, Year
from .tokens import find_phrase


class NaiveTagger:
    """Evaluate rules entry by entry, every pattern as its own precompiled regex."""

    def __init__(self, rules: Sequence[Rule]):
        self.rules = list(rules)

    def match(self, entry: Entry, tags_before: frozenset[str] | None = None) -> list[int]:
        """Indexes (into ``rules``) of the rules the entry meets, in order."""
        if tags_before is None:
            tags_before = frozenset(t.casefold() for t in entry.tags)
        return [i for i, rule in enumerate(self.rules) if self.evaluate(rule.condition, entry, tags_before)]

    def evaluate(self, cond: Condition, entry: Entry, tags_before: frozenset[str]) -> bool:
        if isinstance(cond, Words):
            texts = [_field(entry, f).lower() for f in cond.fields]
            return any(find_phrase(rx, text) for rx in (t.regex for t in cond.terms) for text in texts)
        if isinstance(cond, Regex):
            texts = [_field(entry, f) for f in cond.fields]
            return any(rx.search(text) for rx in cond.patterns for text in texts)
        if isinstance(cond, Author):
            names = [p.display().lower() for p in entry.authors]
            return any(find_phrase(rx, name) for rx in (t.regex for t in cond.terms) for name in names)
        if isinstance(cond, Category):
            cats = [entry.primary_class] if cond.primary_only else [entry.primary_class, *entry.categories]
            return any(cond.matches(c) for c in cats if c)
        if isinstance(cond, HasCode):
            return has_code(entry) == cond.value
        if isinstance(cond, Year):
            return cond.matches(entry.year)
        if isinstance(cond, Tagged):
            return not cond.tags.isdisjoint(tags_before)
        if isinstance(cond, All):
            return all(self.evaluate(c, entry, tags_before) for c in cond.children)
        if isinstance(cond, AnyOf):
            return any(self.evaluate(c, entry, tags_before) for c in cond.children)
        if isinstance(cond, Not):
            return not self.evaluate(cond.child, entry, tags_before)
        raise TypeError(f"unknown condition {cond!r}")


def _field(entry: Entry, name: str) -> str:
    return (entry.title if name == "title" else entry.abstract) or ""
