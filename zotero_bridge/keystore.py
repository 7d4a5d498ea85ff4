"""Where the bridge keeps the local-API key Zotero granted ("Always Allow").

One JSON file in the user config directory (``Settings.config_dir``, i.e.
``BIBKIT_CONFIG_DIR`` or the platform's config dir), created with mode 0600
(its directory 0700 when the bridge creates it), keyed by ``Zotero-Server-ID`` — the ID changes when
the user switches Zotero data directory or profile, and a key from one
installation means nothing to another.  The key is a secret: it is never
printed, logged or put in a report; :meth:`KeyStore.__repr__` hides it.

Single-use keys ("Allow") are never stored: they are consumed by the first
write that uses them.
"""

from __future__ import annotations

import json
import os
import stat
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from bibkit.fileio import atomic_write_text

FILE_NAME = "zotero-keys.json"


class KeyStore:
    """Remembered local-API keys, one per Zotero installation (Server-ID)."""

    def __init__(self, directory: str | os.PathLike[str]):
        self.directory = Path(directory)
        self.path = self.directory / FILE_NAME

    def __repr__(self) -> str:
        return f"KeyStore({str(self.path)!r})"

    def _load(self) -> dict[str, Any]:
        try:
            raw = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return {}
        self._tighten()
        try:
            data = json.loads(raw)
        except ValueError:
            return {}
        return data if isinstance(data, dict) else {}

    def _tighten(self) -> None:
        """Repair permissions a user (or a copy) loosened: the key must stay private."""
        try:
            mode = stat.S_IMODE(self.path.stat().st_mode)
            if mode & 0o077:
                os.chmod(self.path, 0o600)
        except OSError:
            pass

    def get(self, server_id: str) -> str | None:
        record = self._load().get("keys", {}).get(server_id)
        key = record.get("key") if isinstance(record, dict) else None
        return key if isinstance(key, str) else None

    def put(self, server_id: str, key: str, *, app_name: str = "zotero_bridge", zotero_url: str | None = None) -> None:
        data = self._load()
        keys = data.setdefault("keys", {})
        keys[server_id] = {
            "key": key,
            "app": app_name,
            "url": zotero_url,
            "granted": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        }
        self._write(data)

    def forget(self, server_id: str) -> bool:
        """Drop a key Zotero no longer accepts (the user clicked "Clear Write Authorizations")."""
        data = self._load()
        if data.get("keys", {}).pop(server_id, None) is None:
            return False
        self._write(data)
        return True

    def _write(self, data: dict[str, Any]) -> None:
        if not self.directory.exists():
            self.directory.mkdir(parents=True, mode=0o700)
        # 0600 from the first byte: the temporary file is never readable by others either
        atomic_write_text(self.path, json.dumps(data, indent=2, sort_keys=True) + "\n", mode=0o600)
