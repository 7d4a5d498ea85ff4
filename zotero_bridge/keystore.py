"""Where the bridge keeps the local-API key Zotero granted ("Always Allow").

One JSON file in the user config directory (``Settings.config_dir``, i.e.
``BIBKIT_CONFIG_DIR`` or the platform's config dir), created with mode 0600
(its directory 0700 when the bridge creates it), keyed by ``Zotero-Server-ID`` — the ID changes when
the user switches Zotero data directory or profile, and a key from one
installation means nothing to another.  The key is a secret: it is never
printed, logged or put in a report; :meth:`KeyStore.__repr__` hides it.

Each key is **bound to the origin that granted it** (scheme, host, port of the
Zotero URL; ``localhost`` and ``127.0.0.1`` are one host): a server at another
port or address that claims the same Server-ID — another program listening on
the machine, a tunnel to somewhere else — never receives it, and the user is
asked again there.  A record without an origin (written before keys were
bound) is not used.

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
from urllib.parse import urlsplit

from bibkit.fileio import atomic_write_text, output_error
from bibkit.jsondata import load_json

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
            data = load_json(raw)
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

    def get(self, server_id: str, zotero_url: str | None) -> str | None:
        """The key Zotero ``server_id`` granted at ``zotero_url``'s origin; ``None`` anywhere else."""
        if zotero_url is None:
            return None
        origin = origin_of(zotero_url)
        keys = self._load().get("keys", {})
        for slot in (server_id, _elsewhere(server_id, origin)):
            record = keys.get(slot)
            key = record.get("key") if isinstance(record, dict) else None
            if isinstance(key, str) and isinstance(record, dict) and _bound(record) == origin:
                return key
        return None

    def put(self, server_id: str, key: str, *, app_name: str = "zotero_bridge", zotero_url: str) -> None:
        """Remember ``key`` for ``server_id`` at ``zotero_url``'s origin (a second origin gets a slot of its own)."""
        origin = origin_of(zotero_url)
        data = self._load()
        keys = data.setdefault("keys", {})
        first = keys.get(server_id)
        slot = server_id
        if isinstance(first, dict) and _bound(first) not in (None, origin):
            slot = _elsewhere(server_id, origin)
        keys[slot] = {
            "key": key,
            "app": app_name,
            "url": zotero_url,
            "origin": origin,
            "granted": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        }
        self._write(data)

    def forget(self, server_id: str, zotero_url: str | None = None) -> bool:
        """Drop a key Zotero no longer accepts (the user clicked "Clear Write Authorizations")."""
        data = self._load()
        keys = data.get("keys", {})
        origin = origin_of(zotero_url) if zotero_url else None
        for slot in (server_id, _elsewhere(server_id, origin) if origin else None):
            record = keys.get(slot) if slot else None
            if isinstance(record, dict) and (origin is None or _bound(record) in (None, origin)):
                del keys[slot]
                self._write(data)
                return True
        return False

    def _write(self, data: dict[str, Any]) -> None:
        if not self.directory.exists():
            try:
                self.directory.mkdir(parents=True, mode=0o700)
            except OSError as exc:
                raise output_error(self.directory, exc) from None
        # 0600 from the first byte: the temporary file is never readable by others either
        atomic_write_text(self.path, json.dumps(data, indent=2, sort_keys=True) + "\n", mode=0o600)


def origin_of(url: str) -> str:
    """``scheme://host:port`` of a Zotero URL, the port explicit and ``localhost`` spelt ``127.0.0.1``."""
    parts = urlsplit(url.strip())
    scheme = (parts.scheme or "http").lower()
    host = (parts.hostname or "").lower().rstrip(".")
    if host == "localhost":
        host = "127.0.0.1"
    try:
        port = parts.port or (443 if scheme == "https" else 80)
    except ValueError:
        port = 0
    host = f"[{host}]" if ":" in host else host
    return f"{scheme}://{host}:{port}"


def _bound(record: dict[str, Any]) -> str | None:
    """The origin a stored key belongs to (``None``: written before keys were bound; never used)."""
    origin, url = record.get("origin"), record.get("url")
    if isinstance(origin, str):
        return origin
    return origin_of(url) if isinstance(url, str) else None


def _elsewhere(server_id: str, origin: str) -> str:
    """The slot of a key the same Server-ID granted at a second origin."""
    return f"{server_id} {origin}"
