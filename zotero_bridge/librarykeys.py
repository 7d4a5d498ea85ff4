"""The citation keys Zotero already has: which item each entry is, and the key that item carries.

An item's ``citationKey`` (or its ``Citation Key:`` Extra line, which Zotero's
BibTeX exporter reads first) is never overwritten by the bridge: when an
entry is the item, the item's key is the entry's key, and ``bibkit build
--zotero-collection`` writes it back into the ``.bib`` before syncing.  The
match is the sync plan's own (:func:`zotero_bridge.plan.find_match`: arXiv
ID, DOI, citation key, then the identity rules), so the key the ``.bib`` gets
is the key of the item the sync then updates.

Only reads: detection and the library's top-level items through the local
API.  Without the local API nothing can be read, and nothing is adopted.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Sequence

from bibkit.config import Settings
from bibkit.model import Entry
from bibkit.outcomes import Transport

from .detect import detect
from .library import LibraryIndex, Snapshot
from .mapping import item_citation_key
from .plan import find_match
from .transport import LocalApi, ZoteroHttp

__all__ = ["KeyMatch", "LibraryKeys", "library_keys", "match_keys"]


@dataclass(frozen=True)
class KeyMatch:
    """Entry ``index`` is the Zotero item ``item_key``, whose citation key is ``citation_key``."""

    index: int
    item_key: str
    citation_key: str
    matched_by: str


@dataclass
class LibraryKeys:
    """The matches, and every citation key the library uses (so no new paper takes one)."""

    matches: list[KeyMatch] = field(default_factory=list)
    used: set[str] = field(default_factory=set)
    readable: bool = True


def match_keys(entries: Sequence[Entry], snapshot: Snapshot) -> LibraryKeys:
    """Match ``entries`` to the items of ``snapshot`` and collect the items' citation keys (pure)."""
    if not snapshot.readable:
        return LibraryKeys(readable=False)
    index = LibraryIndex(snapshot)
    out = LibraryKeys(used={k for k in (item_citation_key(i) for i in index.by_key.values()) if k})
    claimed: set[str] = set()
    for n, entry in enumerate(entries):
        match, _conflict = find_match(entry, index, None)
        if match is None or match.item.get("key") in claimed:
            continue
        key = item_citation_key(match.item)
        if key:
            claimed.add(match.item["key"])
            out.matches.append(KeyMatch(n, match.item["key"], key, match.by))
    return out


def library_keys(entries: Sequence[Entry], settings: Settings, *, via: Transport | None = None,
                 timeout: float | None = None) -> LibraryKeys:
    """Read the library (local API) and :func:`match_keys`; raises :class:`~zotero_bridge.transport.ZoteroError`
    when Zotero cannot be reached."""
    with ZoteroHttp(settings, timeout=timeout) as http:
        status = detect(http)
        status.choose(via)
        if not status.can_read:
            return LibraryKeys(readable=False)
        api = LocalApi(http, status.server_id)
        items, version = api.items_top()
        return match_keys(entries, Snapshot(items=items, library_version=version))
