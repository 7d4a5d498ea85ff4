"""Reading a collection back out of Zotero: as entries, as ``.bib`` text, or as Zotero's own BibTeX.

``export_collection`` maps every top-level item of the collection (and, with
``recursive``, of its subcollections) to an Entry with :func:`item_to_entry`,
keeps the items' citation keys (the ``Citation Key:`` Extra line first, then
the ``citationKey`` field — the order Zotero's own exporter uses), gives a key
to items that have none, and writes with bibkit's writer.  Because sync puts
the same fields back the same way, export → sync → export is stable.

Tags become the ``keywords`` field, manual and automatic alike, in the order
the local API lists them.  Zotero itself keeps no order for an item's tags (its
database answers in storage order; its window sorts them), so the round trip
``.bib`` keywords → Zotero tags → exported keywords is exact for the *set* of
tags — spaces, hyphens, dots and any Unicode included — and stable in order:
sync sends an entry's tags in keyword order and only ever appends missing ones,
so the same library state always exports the same keywords, and export → sync
→ export is a fixed point.  A Zotero tag with a comma or semicolon cannot
survive as a BibTeX keyword (readers split on them): such tags are exported
as they are and reported.

``native=True`` asks Zotero's built-in BibTeX translator instead
(``?format=bibtex|biblatex``), for comparison or for item types bibkit does
not model.  Either way the local API must be on: the connector cannot read.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from bibkit.config import Settings, load_settings
from bibkit.model import Document, Entry
from bibkit.normalize.citekeys import assign_keys
from bibkit.writers import write

from .detect import ZoteroStatus, detect
from .library import Snapshot, normalise_path
from .mapping import item_to_entry
from .schema import NON_REGULAR
from .transport import LOCAL_API_SETTING, LocalApi, LocalApiDisabled, RequestCount, ZoteroError, ZoteroHttp


@dataclass
class CollectionInfo:
    """One collection: full path, key, number of items directly in it, number of subcollections."""

    path: str
    key: str
    items: int | None
    subcollections: int | None

    def as_dict(self) -> dict[str, Any]:
        return {"path": self.path, "key": self.key, "items": self.items, "subcollections": self.subcollections}


@dataclass
class ExportResult:
    text: str
    entries: list[Entry]
    collection: str
    collection_keys: list[str]
    native: bool
    requests: RequestCount
    status: ZoteroStatus
    problems: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "collection": self.collection,
            "collection_keys": self.collection_keys,
            "native": self.native,
            "entries": [{"key": e.key, "title": e.title, "zotero_key": e.meta.get("zotero", {}).get("key")}
                        for e in self.entries],
            "problems": self.problems,
            "requests": self.requests.as_dict(),
            "zotero": self.status.as_dict(),
        }


def _reader(http: ZoteroHttp, what: str) -> tuple[LocalApi, ZoteroStatus]:
    status = detect(http)
    if not status.running:
        status.choose()  # raises ZoteroUnreachable with the message
    if status.local_api == "disabled":
        raise LocalApiDisabled(what)
    if status.local_api == "absent":
        raise ZoteroError(f"Zotero {status.version or '?'} has no local API, which {what} needs: upgrade to Zotero 7 "
                          f"or later and turn it on in {LOCAL_API_SETTING}")
    return LocalApi(http, status.server_id), status


def list_collections(settings: Settings | None = None) -> list[CollectionInfo]:
    """Every collection of My Library with its full path and item count, sorted by path."""
    settings = settings or load_settings()
    with ZoteroHttp(settings) as http:
        api, _ = _reader(http, "listing collections")
        collections = api.collections()
    snap = Snapshot(collections=collections)
    paths = snap.collection_paths()
    out = []
    for c in collections:
        meta = c.get("meta") or {}
        out.append(CollectionInfo(paths[c["key"]], c["key"], meta.get("numItems"), meta.get("numCollections")))
    return sorted(out, key=lambda c: c.path.casefold())


def _descendants(collections: list[dict[str, Any]], root: str) -> list[str]:
    children: dict[str, list[str]] = {}
    for c in collections:
        parent = c.get("parentCollection") or None
        if parent:
            children.setdefault(parent, []).append(c["key"])
    out, stack = [], [root]
    while stack:
        key = stack.pop(0)
        out.append(key)
        stack[:0] = sorted(children.get(key, []))
    return out


def collection_entries(api: LocalApi, collection: str, *, recursive: bool = False) -> tuple[list[Entry], list[str]]:
    """The entries of a collection (items with their code-link attachments) and the collection keys read."""
    collections = api.collections()
    snap = Snapshot(collections=collections)
    key = snap.find_collection(collection)
    if key is None:
        known = sorted(snap.collection_paths().values(), key=str.casefold)
        hint = f" (collections: {', '.join(known[:10])}{'…' if len(known) > 10 else ''})" if known else ""
        raise ZoteroError(f"no collection {normalise_path(collection)!r} in Zotero{hint}")
    keys = _descendants(collections, key) if recursive else [key]
    tops: dict[str, dict[str, Any]] = {}
    children: dict[str, list[dict[str, Any]]] = {}
    for ckey in keys:
        for item in api.collection_items(ckey):
            if item.get("deleted"):
                continue
            if item.get("parentItem"):
                children.setdefault(item["parentItem"], []).append(item)
            elif item.get("itemType") not in NON_REGULAR:
                tops.setdefault(item["key"], item)
    ordered = sorted(tops.values(), key=lambda it: (it.get("dateAdded") or "", it.get("key") or ""))
    entries = []
    for item in ordered:
        wrapper = {"data": item, "meta": item.get("__meta__", {})}
        entries.append(item_to_entry(wrapper, children.get(item["key"], [])))
    return entries, keys


def keyword_problems(entries: list[Entry]) -> list[str]:
    """Tags that cannot be BibTeX keywords as they are (a comma or semicolon splits them when read back)."""
    out = []
    for entry in entries:
        for tag in entry.tags:
            if "," in tag or ";" in tag:
                sep = "comma" if "," in tag else "semicolon"
                out.append(f"{entry.key}: Zotero tag {tag!r} contains a {sep}; in the BibTeX keywords field it reads "
                           f"back as several tags (rename the tag in Zotero to keep it whole)")
    return out


def export_collection(
    collection: str,
    *,
    recursive: bool = False,
    to: str = "bibtex",
    native: bool = False,
    settings: Settings | None = None,
    key_format: str | None = None,
) -> ExportResult:
    """Export a Zotero collection as ``.bib`` text (bibkit's writer, or Zotero's with ``native``).

    Items without a citation key get one from ``key_format`` (``None``: Better
    BibTeX's default formula), as ``bibkit convert`` would give them.
    """
    if to not in ("bibtex", "biblatex"):
        raise ValueError(f"unknown output format {to!r} (bibtex | biblatex)")
    settings = settings or load_settings()
    with ZoteroHttp(settings) as http:
        api, status = _reader(http, "exporting a collection")
        entries, keys = collection_entries(api, collection, recursive=recursive)
        problems: list[str] = []
        if native:
            parts = [api.export_text(k, to).strip() for k in keys]
            text = "\n\n".join(p for p in parts if p) + "\n"
            return ExportResult(text, entries, normalise_path(collection), keys, True, http.count, status, problems)
    for change in assign_keys(entries, key_format):
        if change.old is None:
            problems.append(f"{change.entry.title!r} has no citation key in Zotero: exported as {change.new!r}")
    problems += keyword_problems(entries)
    text = write(Document(blocks=list(entries)), to=to)
    return ExportResult(text, entries, normalise_path(collection), keys, False, http.count, status, problems)
