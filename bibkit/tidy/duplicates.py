"""``--duplicates`` and ``--merge``: bibtex-tidy's duplicate rules, over the entries of one file.

Rules (bibtex-tidy's names): ``key`` (the same citation key, ignoring case —
always checked), ``doi`` (the same DOI), ``citation`` (the same first-author
family name, title and number), ``abstract`` (the same first 100 letters and
digits of the abstract).  Without ``--merge`` duplicates are only reported;
with it, the later entry is merged into the earlier one by a strategy:
``first`` (drop the later), ``last`` (the later replaces the earlier, in the
earlier's place), ``combine`` (the earlier gains the fields it lacks),
``overwrite`` (… and takes the later's values).

Where bibkit differs: a key that disappears in a merge is kept as an alias in
BibLaTeX's ``ids`` field of the surviving entry (``\\cite{old}`` keeps working
with biblatex), ``crossref``/``xref``/``xdata``/``related`` fields naming it are
pointed at the survivor, and each duplicate is reported once (by its first
matching rule) instead of once per rule.  Deciding *whether* two entries of a
curated ``.bib`` are one work is :mod:`bibkit.normalize.dedupe`'s job for
``convert``/``build``; tidy only does what the user asked for with these rules.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from typing import Any

from ..model import SourceLocation
from .order import Item

__all__ = ["Duplicate", "find_duplicates", "merge_item"]


@dataclass(frozen=True)
class Duplicate:
    """The entry ``key`` duplicates the earlier entry ``of`` by ``rule``; ``kept`` is the key of the entry
    that survived the merge (``None`` when duplicates are only reported)."""

    rule: str
    key: str
    of: str
    kept: str | None = None
    location: SourceLocation | None = None

    @property
    def merged(self) -> bool:
        return self.kept is not None

    def __str__(self) -> str:
        where = f"{self.location}: " if self.location else ""
        what = {"key": "has the same key as", "doi": "has the same DOI as", "abstract": "has the same abstract as",
                "citation": "has the same first author, title and number as"}[self.rule]
        done = f"; merged, {self.kept!r} kept" if self.kept is not None else ""
        return f"{where}entry {self.key!r} {what} {self.of!r}{done}"

    def as_dict(self) -> dict[str, Any]:
        return {"rule": self.rule, "key": self.key, "of": self.of, "kept": self.kept,
                "location": str(self.location) if self.location else None}


def _alnum(text: str | None) -> str:
    if not text:
        return ""
    text = unicodedata.normalize("NFKD", text)
    return "".join(c for c in text if c.isalnum() and not unicodedata.combining(c)).casefold()


def _signature(item: Item, rule: str) -> str | None:
    e = item.entry
    if rule == "key":
        return item.key.casefold() or None
    if rule == "doi":
        return _alnum(e.ids.doi or e.extra.get("doi")) or None
    if rule == "abstract":
        return _alnum(e.abstract)[:100] or None
    if rule == "citation":
        if not e.title or not (e.authors or e.extra.get("author")):
            return None
        first = _alnum(e.authors[0].last) if e.authors else _alnum(e.extra.get("author"))
        return f"{first}:{_alnum(e.title)}:{_alnum(e.number) or '0'}"
    raise ValueError(rule)


def find_duplicates(items: list[Item], rules: tuple[str, ...]) -> list[tuple[str, Item, Item]]:
    """``(rule, later, earlier)`` for every entry that duplicates an earlier one (first matching rule)."""
    seen: dict[str, dict[str, Item]] = {rule: {} for rule in rules}
    out: list[tuple[str, Item, Item]] = []
    for item in items:
        found: tuple[str, Item] | None = None
        sigs: list[tuple[str, str]] = []
        for rule in rules:
            sig = _signature(item, rule)
            if sig is None:
                continue
            sigs.append((rule, sig))
            earlier = seen[rule].get(sig)
            if earlier is not None and found is None:
                found = (rule, earlier)
        if found is not None:
            out.append((found[0], item, found[1]))
        else:
            for rule, sig in sigs:
                seen[rule].setdefault(sig, item)
    return out


def merge_item(kept: Item, other: Item, strategy: str) -> None:
    """Merge ``other`` into ``kept`` by ``strategy`` (see the module docstring); ``other`` is then dropped."""
    if strategy == "first":
        return
    if strategy == "last":
        kept.key, kept.etype, kept.fields = other.key, other.etype, [list(f) for f in other.fields]
        kept.entry = other.entry
        return
    have = {f[1]: f for f in kept.fields}
    for f in other.fields:
        mine = have.get(f[1])
        if mine is None:
            kept.fields.append(list(f))
        elif strategy == "overwrite":
            mine[2] = f[2]
