"""The bridge's own record of what it saved through the connector (Zotero 7–9).

Without the local API nothing in a library can be read over HTTP, and the
connector never deduplicates: re-sending a paper creates a second copy.  The
only memory left is our own, so every connector save is recorded here, per
Zotero URL, under the entry's deterministic identity key:

* ``unfiled`` — Zotero answered 201 (the items exist) but has not yet confirmed the
  ``updateSession`` that files them into the collection and tags them;
* ``saved`` — saved, filed and tagged, with the collection path;
* ``unknown`` — the request was sent but no answer came (timeout, dropped
  connection, Ctrl-C): Zotero may or may not have saved it.  The next run does
  not resend such entries unless told to (``--resave-unknown``) or unless the
  local API is on and can check.

What this cannot guarantee, and the report says so: items the user deleted in
Zotero still count as saved; a record from another machine is not seen.
With the local API on, the library itself is the truth and this record is only
used to clear ``unknown`` marks.
"""

from __future__ import annotations

import json
import os
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Iterable

from bibkit.fileio import atomic_write_text
from bibkit.jsondata import load_json

FILE_NAME = "zotero-bridge-state.json"


class LocalRecord:
    """Identity key -> ``{"status", "collection", "time", "session", "title"}`` for one Zotero URL."""

    def __init__(self, directory: str | os.PathLike[str], zotero_url: str):
        self.path = Path(directory) / FILE_NAME
        self.url = zotero_url.rstrip("/")
        self._all = self._load()
        self.entries: dict[str, dict[str, Any]] = self._all.setdefault(self.url, {})

    def _load(self) -> dict[str, dict[str, dict[str, Any]]]:
        try:
            data = load_json(self.path.read_text(encoding="utf-8"))
        except (FileNotFoundError, ValueError):
            return {}
        return data if isinstance(data, dict) else {}

    def get(self, key: str) -> dict[str, Any] | None:
        return self.entries.get(key)

    def mark(self, keys: Iterable[tuple[str, str]], status: str, collection: str, session: str) -> None:
        """Record ``(identity key, title)`` pairs with a status, and save at once (a crash must not lose it)."""
        now = datetime.now(timezone.utc).isoformat(timespec="seconds")
        for key, title in keys:
            if key:
                self.entries[key] = {"status": status, "collection": collection, "time": now, "session": session,
                                     "title": title}
        self.save()

    def forget(self, keys: Iterable[str]) -> None:
        changed = False
        for key in keys:
            changed |= self.entries.pop(key, None) is not None
        if changed:
            self.save()

    def save(self) -> None:
        atomic_write_text(self.path, json.dumps(self._all, indent=1, sort_keys=True, ensure_ascii=False) + "\n")
