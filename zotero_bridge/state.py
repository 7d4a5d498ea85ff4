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

A **damaged** record (cut short, not JSON, hand-edited into another shape) is
never read as "nothing saved yet": that would save every paper a second time.
:attr:`LocalRecord.damage` says what is wrong; the plan then treats every paper
it does not find as of unknown state (blocked unless ``--resave-unknown``), and
the damaged file is kept aside (``….damaged-<time>``), not overwritten, when a
run first records a save again.
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
        #: what is wrong with the file when it exists but cannot be trusted (``None``: sound, or no file yet)
        self.damage: str | None = None
        self._aside = False  # the damaged file was renamed away (done once, before the first save over it)
        self._all = self._load()
        mine = self._all.get(self.url)
        if mine is not None and not (isinstance(mine, dict) and all(isinstance(v, dict) for v in mine.values())):
            self.damage = f"its part for {self.url} is not a table of saves"
            mine = None
        self.entries: dict[str, dict[str, Any]] = mine if mine is not None else {}
        self._all[self.url] = self.entries

    def _load(self) -> dict[str, Any]:
        try:
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return {}
        except (OSError, UnicodeDecodeError) as exc:
            self.damage = f"it cannot be read: {exc}"
            return {}
        try:
            data = load_json(text)
        except ValueError as exc:
            self.damage = f"it is not valid JSON: {exc}"
            return {}
        if not isinstance(data, dict):
            self.damage = "it is not a JSON object"
            return {}
        return data

    def damage_line(self) -> str | None:
        """One line naming the damaged file and what it means, or ``None``."""
        if self.damage is None:
            return None
        return (f"the bridge's record of earlier saves {self.path} is damaged ({self.damage}): what it said cannot "
                "be used")

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
        if self.damage is not None and not self._aside and self.path.exists():
            self._set_aside()
            self._aside = True
        atomic_write_text(self.path, json.dumps(self._all, indent=1, sort_keys=True, ensure_ascii=False) + "\n")

    def _set_aside(self) -> None:
        """Keep the damaged file (renamed ``<name>.damaged-<time>``) rather than write over it: it may still hold
        what a person can read back (the saves of other Zotero URLs, a hand edit to undo)."""
        stamp = datetime.now(timezone.utc).strftime("%Y%m%d-%H%M%S")
        dest, n = self.path.with_name(f"{self.path.name}.damaged-{stamp}"), 1
        while dest.exists():
            dest, n = self.path.with_name(f"{self.path.name}.damaged-{stamp}-{n}"), n + 1
        os.replace(self.path, dest)
