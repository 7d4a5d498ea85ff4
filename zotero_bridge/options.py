"""The knobs of a sync run, as one typed value (what ``zotero-bridge sync`` options and ``bibkit build
--zotero-collection`` set).

Kept apart from :mod:`zotero_bridge.syncing` so that building the options costs no import of the HTTP
stack: the command line constructs them before it knows whether Zotero will be asked at all.
"""

from __future__ import annotations

from dataclasses import dataclass

from bibkit.outcomes import Transport

__all__ = ["SyncOptions"]


@dataclass(frozen=True)
class SyncOptions:
    """How to sync.

    ``tags`` are added to every item (they make no collection);
    ``via`` forces a transport (default: the local API when it can write,
    else the connector); ``dry_run`` plans only; ``prune_tags`` names a tag
    prefix the tool owns (such tags that the input no longer asks for are
    removed, nothing else ever is); ``resave_unknown`` re-sends entries an
    interrupted connector save left in an unknown state; ``timeout`` is how
    long to wait for Zotero per request (default 30 s) and
    ``authorize_timeout`` how long for the user to answer Zotero's
    authorization window.
    """

    tags: tuple[str, ...] = ()
    via: Transport | None = None
    dry_run: bool = False
    prune_tags: str | None = None
    resave_unknown: bool = False
    timeout: float | None = None
    authorize_timeout: float = 300.0
