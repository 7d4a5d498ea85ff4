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
from zotero_bridge.pertag import run_sync_per_tag
from zotero_bridge.syncing import SyncResult, run_sync
from zotero_bridge.tagging import TagCollectionResult, tag_collection

from ..config import Settings, load_settings
from ..model import Document
from .documents import key_formula
from .options import TagOptions, ZoteroTarget

__all__ = ["export_zotero_collection", "sync_entries", "tag_zotero_collection", "zotero_collections",
           "zotero_status"]


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
