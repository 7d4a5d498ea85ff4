"""One collection per tag: the split ``bibkit collections`` shows and ``zotero-bridge sync --collection-per-tag`` makes.

Both commands call :func:`split_by_tag` on the same tagged entries, so the
preview and the sync can never disagree.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Sequence

from ..model import Entry

__all__ = ["Collection", "CollectionSplit", "split_by_tag"]


@dataclass
class Collection:
    """The entries that would go into one collection (one tag)."""

    name: str  # the collection path ("PARENT/tag" with a parent)
    tag: str
    entries: list[Entry] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"name": self.name, "tag": self.tag, "count": len(self.entries),
                "keys": [e.key for e in self.entries]}


@dataclass
class CollectionSplit:
    """The collections, the entries in none, and — aligned with the input — each entry's collections."""

    collections: list[Collection]
    untagged: list[Entry]
    parent: str | None = None
    memberships: list[list[Collection]] = field(default_factory=list)  # per input entry, in input order

    def as_dict(self) -> dict[str, Any]:
        return {
            "parent": self.parent,
            "collections": [c.as_dict() for c in self.collections],
            "untagged": [e.key for e in self.untagged],
        }


def split_by_tag(entries: Sequence[Entry], parent: str | None = None, *,
                 only: Sequence[str] | None = None) -> CollectionSplit:
    """Group entries into one collection per tag (an entry with three tags is in three collections).

    Collections are ordered largest first, then by name; entries keep input
    order.  Tags differing only in case share one collection (Zotero matches
    collection names case-insensitively when it looks them up).  ``only``
    restricts the split to the given tags.  A tag containing ``/`` becomes a
    nested collection, as it will in Zotero.
    """
    wanted = {t.casefold() for t in only} if only is not None else None
    groups: dict[str, Collection] = {}
    untagged: list[Entry] = []
    memberships: list[list[Collection]] = []
    prefix = parent.strip().strip("/") + "/" if parent and parent.strip().strip("/") else ""
    for entry in entries:
        placed: list[Collection] = []
        seen: set[str] = set()
        for tag in entry.tags:
            folded = tag.casefold()
            if (wanted is not None and folded not in wanted) or folded in seen:
                continue
            coll = groups.get(folded)
            if coll is None:
                coll = groups[folded] = Collection(prefix + tag, tag)
            coll.entries.append(entry)
            seen.add(folded)
            placed.append(coll)
        if not placed:
            untagged.append(entry)
        memberships.append(placed)
    ordered = sorted(groups.values(), key=lambda c: (-len(c.entries), c.name.casefold()))
    rank = {c.tag.casefold(): i for i, c in enumerate(ordered)}
    for placed in memberships:
        placed.sort(key=lambda c: rank[c.tag.casefold()])
    return CollectionSplit(ordered, untagged, prefix.rstrip("/") or None, memberships)
