"""The Zotero side of the application: every ``zotero-bridge`` command goes through a function here.

``sync`` itself is :func:`bibkit.app.build.sync` (the same read → normalise →
tag path as ``bibkit build``); this module holds the step that hands the
entries to the bridge, and the commands that start from Zotero (tag a
collection, export it, list collections, status).
"""

from __future__ import annotations

from typing import Callable

from zotero_bridge.detect import ZoteroStatus, status
from zotero_bridge.export import CollectionInfo, ExportResult, export_collection, list_collections
from zotero_bridge.librarykeys import library_keys
from zotero_bridge.pertag import run_sync_per_tag
from zotero_bridge.syncing import SyncResult, run_sync
from zotero_bridge.tagging import TagCollectionResult, tag_collection
from zotero_bridge.transport import ZoteroError

from ..config import Settings, load_settings
from ..model import Document
from ..normalize.citekeys import assign_keys
from ..normalize.pinning import add_aliases, aliases_of, key_record
from ..record import KeyRecord, KeySource
from .command_options import ZoteroTarget
from .documents import key_formula
from .options import TagOptions

__all__ = ["adopt_zotero_keys", "export_zotero_collection", "sync_entries", "tag_zotero_collection",
           "zotero_collections", "zotero_status"]


def adopt_zotero_keys(doc: Document, target: ZoteroTarget, formula: str, *, settings: Settings | None = None,
                      reserved: set[str] | None = None) -> list[str]:
    """Give each entry the citation key its Zotero item already has (before the ``.bib`` is written).

    An item's key is never overwritten by a sync; it becomes the entry's
    pinned key instead (the key the entry had, if it was issued earlier, stays
    an alias) — unless it is one of the entry's aliases, an old name bibkit
    gave the paper before ``--rekey`` renamed it.  Every other key the library uses is reserved, so no new paper
    takes it.  Returns notes for the summary; when Zotero cannot be read
    nothing changes (the sync step then says why).
    """
    entries = doc.entries
    try:
        found = library_keys(entries, settings or load_settings(), via=target.sync.via, timeout=target.sync.timeout)
    except ZoteroError:
        return []
    notes: list[str] = []
    taken = {e.key.casefold(): e for e in entries if e.key}
    adopted: set[str] = set()
    for match in found.matches:
        entry = entries[match.index]
        old = entry.key
        rec = key_record(entry)
        if old == match.citation_key or match.citation_key.casefold() in {a.casefold() for a in aliases_of(entry)}:
            # the item has this key already, or a name bibkit itself gave the paper before (a --rekey renamed
            # it on purpose; the old name stays an alias): nothing to adopt
            adopted.add(match.citation_key.casefold())
            continue
        holder = taken.get(match.citation_key.casefold())
        if holder is not None and holder is not entry:
            notes.append(f"Zotero item {match.item_key} has the key {match.citation_key!r}, which names another "
                         f"entry here; {old!r} was kept")
            continue
        entry.key, entry.key_pinned = match.citation_key, True
        entry.record.key = KeyRecord(KeySource.ZOTERO, f"zotero:{match.item_key}", previous=old,
                                     aliases=list(rec.aliases), issued=rec.issued)
        if old and rec.source is not KeySource.FORMULA:
            add_aliases(entry, [old])
        if old is not None:
            taken.pop(old.casefold(), None)
        taken[match.citation_key.casefold()] = entry
        adopted.add(match.citation_key.casefold())
        notes.append(f"{old} → {match.citation_key} (the key of Zotero item {match.item_key})")
    others = {k.casefold() for k in found.used} - adopted
    if others:
        assign_keys(entries, formula, reserved=others | (reserved or set()))
    return notes


def sync_entries(doc: Document, target: ZoteroTarget, *, settings: Settings | None = None,
                 progress: Callable[[int], None] | None = None,
                 notify: Callable[[str], None] | None = None) -> SyncResult:
    """Put the entries of ``doc`` into Zotero as ``target`` says (one collection, or one per tag)."""
    run = run_sync_per_tag if target.per_tag else run_sync
    return run(doc, target.collection, target.sync, settings=settings, progress=progress, notify=notify)


def tag_zotero_collection(collection: str, tagging: TagOptions, *, recursive: bool = False, dry_run: bool = False,
                          timeout: float | None = None, settings: Settings | None = None,
                          progress: Callable[[int], None] | None = None,
                          notify: Callable[[str], None] | None = None) -> TagCollectionResult:
    """Tag the items already in a Zotero collection by the rules, as ``bibkit tag`` would (``zotero-bridge tag``)."""
    return tag_collection(collection, tagging.rules, auto=tagging.auto, recursive=recursive, dry_run=dry_run,
                          settings=settings, timeout=timeout, progress=progress, notify=notify)


def export_zotero_collection(collection: str, *, recursive: bool = False, to: str = "bibtex", native: bool = False,
                             key_format: str | None = None, settings: Settings | None = None) -> ExportResult:
    """A Zotero collection as ``.bib`` (``zotero-bridge export``); items without a key get the formula's."""
    settings = settings or load_settings()
    formula = key_formula(key_format, settings)  # a bad formula is a usage error before Zotero is asked
    return export_collection(collection, recursive=recursive, to=to, native=native, settings=settings,
                             key_format=formula)


def zotero_collections(settings: Settings | None = None) -> list[CollectionInfo]:
    """Every collection's path, key and item count (``zotero-bridge collections``)."""
    return list_collections(settings or load_settings())


def zotero_status(settings: Settings | None = None) -> ZoteroStatus:
    """Which Zotero answers, which transports it offers, what to enable (``zotero-bridge status``)."""
    return status(settings)
