"""zotero_bridge: put bibkit's entries into Zotero collections, and read them back.

Talks to the Zotero desktop app through its local HTTP server (port 23119):
the local API with writes on Zotero 10+, the connector on Zotero 7–9, reads
through the local API whenever it is on.  Every command of the
``zotero-bridge`` tool is a thin layer over one function here:

* :func:`sync` — plan and apply (``zotero-bridge sync``);
* :func:`sync_per_tag` — one subcollection per tag (``zotero-bridge sync --collection-per-tag``);
* :func:`tag_collection` — tag the items already in a collection by rules (``zotero-bridge tag``, Zotero 10);
* :func:`export_collection` — a collection as ``.bib`` (``zotero-bridge export``);
* :func:`list_collections` — paths and item counts (``zotero-bridge collections``);
* :func:`status` — which Zotero, which transports, what to enable (``zotero-bridge status``).

The pure parts are usable without a server: :func:`make_plan` over a
:class:`Snapshot`, :func:`entry_to_item` / :func:`item_to_entry`.
:mod:`zotero_bridge.testing` ships a Zotero double for tests.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__all__ = [
    "sync", "SyncResult", "export_collection", "ExportResult", "list_collections", "CollectionInfo", "status",
    "ZoteroStatus", "make_plan", "Plan", "PlannedItem", "Action", "Capabilities", "Snapshot", "entry_to_item",
    "item_to_entry", "ZoteroError", "sync_per_tag", "tag_collection", "TagCollectionResult",
]

_EXPORTS = {
    "sync": "syncing", "SyncResult": "syncing",
    "export_collection": "export", "ExportResult": "export", "list_collections": "export", "CollectionInfo": "export",
    "ZoteroStatus": "detect", "status": "detect",
    "make_plan": "plan", "Plan": "plan", "PlannedItem": "plan", "Action": "plan", "Capabilities": "plan",
    "Snapshot": "library",
    "entry_to_item": "mapping", "item_to_entry": "mapping",
    "ZoteroError": "transport",
    "sync_per_tag": "pertag",
    "tag_collection": "tagging", "TagCollectionResult": "tagging",
}

if TYPE_CHECKING:  # pragma: no cover
    from .detect import ZoteroStatus, status
    from .export import CollectionInfo, ExportResult, export_collection, list_collections
    from .library import Snapshot
    from .mapping import entry_to_item, item_to_entry
    from .pertag import sync_per_tag
    from .plan import Action, Capabilities, Plan, PlannedItem, make_plan
    from .syncing import SyncResult, sync
    from .tagging import TagCollectionResult, tag_collection
    from .transport import ZoteroError


def __getattr__(name: str) -> Any:
    # lazy: importing zotero_bridge (e.g. for zotero_bridge.testing) must not pull in the whole bridge
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'zotero_bridge' has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{module}"), name)
