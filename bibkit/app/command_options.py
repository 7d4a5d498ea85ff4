"""Options that only some commands build: the Zotero target (``build --zotero-collection``, ``zotero-bridge
sync``) and ``bibkit cite``'s.

Public as :mod:`bibkit.app.options` (and :mod:`bibkit.app`) names; kept here so that a command that builds
none of them (``convert``, ``tidy``) neither builds their classes nor imports :mod:`zotero_bridge.options`.
"""

from __future__ import annotations

from dataclasses import dataclass

from zotero_bridge.options import SyncOptions

__all__ = ["CiteOptions", "ZoteroTarget"]


@dataclass(frozen=True)
class ZoteroTarget:
    """Where a sync puts the entries: ``collection`` (a ``Parent/Child`` path), or with ``per_tag`` one
    subcollection of it per tag; ``sync`` says how."""

    collection: str
    per_tag: bool = False
    sync: SyncOptions = SyncOptions()


@dataclass(frozen=True)
class CiteOptions:
    """``bibkit cite``: ``to`` bibtex | biblatex (``None``: biblatex for a biber ``.aux``, else bibtex);
    ``allow_missing`` writes what was found instead of failing (exit 7) on keys no source has."""

    to: str | None = None
    ascii: bool = False
    allow_missing: bool = False
    strict: bool = False
    key_format: str | None = None
