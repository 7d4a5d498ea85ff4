"""The emulated Zotero application: its library, its UI selection and its in-memory state.

This is the part of Zotero that sits behind the HTTP endpoints: the save target
selected in the left pane, connector save sessions, locally granted API keys,
write tokens, and the library operations (create, move, erase) the endpoints
and the test fixtures share.  Persistent state is in :class:`~.store.Store`;
everything Zotero forgets when it quits (sessions, single-use keys, write
tokens, the authorization rate limit) is kept here and cleared by
:meth:`ZoteroCore.forget_runtime_state`.
"""

from __future__ import annotations

import hashlib
import secrets
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .schema import Schema, schema_for
from .store import USER_LIBRARY_ID, Collection, Item, Library, Store, now_iso
from .versions import ZoteroVersion


@dataclass
class Session:
    """A connector save session (PROTOCOL.md 2.7): what it created and where it put it."""

    id: str | None
    kind: str
    item_ids: list[int] = field(default_factory=list)  # top-level items, current ids (moves re-create them)
    connector_ids: dict[str, int] = field(default_factory=dict)  # connector-side "id" -> item id
    note_ids: dict[int, int] = field(default_factory=dict)  # item id -> id of the note updateSession created
    target: str = "L1"


AUTHORIZE_ANSWERS = ("always", "allow", "deny")


def parse_authorize(answer: str) -> tuple[float, str]:
    """``"always"`` / ``"allow"`` / ``"deny"`` / ``"wait:<seconds>[:<answer>]"`` → (delay, answer).

    ``wait:<seconds>`` models a user who leaves the modal open that long before
    clicking (Always Allow unless another answer is given), so a client's
    timeout handling can be tested.
    """
    text = answer.strip().lower()
    if text in AUTHORIZE_ANSWERS:
        return 0.0, text
    if text.startswith("wait:"):
        _, seconds, *rest = text.split(":")
        final = rest[0] if rest else "always"
        if final not in AUTHORIZE_ANSWERS:
            raise ValueError(f"unknown authorize answer {final!r}")
        return float(seconds), final
    raise ValueError(f"authorize must be 'always', 'allow', 'deny' or 'wait:<seconds>[:<answer>]', not {answer!r}")


class ZoteroCore:
    """One running fake Zotero: database + release-specific behaviour + runtime state."""

    def __init__(self, store: Store, version: ZoteroVersion, storage_dir: Path, *, local_api: bool = True,
                 authorize: str = "always", automatic_tags: bool = True, server_id: str | None = None):
        self.store = store
        self.version = version
        self.storage_dir = storage_dir
        self.local_api = local_api
        parse_authorize(authorize)
        self.authorize = authorize
        self.automatic_tags = automatic_tags
        self.lock = threading.RLock()
        stored_id = store.setting("serverID")
        if server_id is not None:
            if len(server_id) != 12:
                raise ValueError("server_id must be 12 characters (Zotero's Zotero-Server-ID)")
            store.set_setting("serverID", server_id)
        elif stored_id is None:
            store.set_setting("serverID", secrets.token_hex(6))
        self.server_id: str = store.setting("serverID")
        self.sessions: dict[str | None, Session] = {}
        self.single_use_keys: set[str] = set()
        self.write_tokens: dict[str, float] = {}
        self.authorize_times: list[float] = []
        self.authorize_prompts: list[str] = []
        self.installed_styles: list[str] = []

    @property
    def schema(self) -> Schema:
        return schema_for(self.version.schema_version)

    def forget_runtime_state(self) -> None:
        """What a Zotero restart loses: sessions (burnt IDs too), single-use keys, write tokens, the rate limit."""
        self.sessions.clear()
        self.single_use_keys.clear()
        self.write_tokens.clear()
        self.authorize_times.clear()

    # ------------------------------------------------------------------ versions
    def library_version(self, lib: Library) -> int:
        """Last-Modified-Version of a library as this release reports it (local on 10.0+, synced before)."""
        return lib.client_version if self.version.local_versions else lib.version

    def object_version(self, obj: Any) -> int:
        return obj.client_version if self.version.local_versions else obj.version

    def new_version(self, lib: Library) -> int:
        return self.store.next_version(lib.id)

    # ------------------------------------------------------------------ libraries and targets
    def user_library(self) -> Library:
        lib = self.store.library(USER_LIBRARY_ID)
        assert lib is not None
        return lib

    def library(self, library_id: int) -> Library | None:
        return self.store.library(library_id)

    def resolve_target(self, tree_id: str) -> tuple[Library, Collection | None] | None:
        """``L<id>`` / ``C<id>`` → (library, collection); None if it does not exist."""
        if len(tree_id) < 2 or not tree_id[1:].isdigit():
            return None
        number = int(tree_id[1:])
        if tree_id[0] == "L":
            lib = self.store.library(number)
            return (lib, None) if lib else None
        if tree_id[0] == "C":
            coll = self.store.collection(number)
            if coll is None:
                return None
            lib = self.store.library(coll.library_id)
            assert lib is not None
            return lib, coll
        return None

    def selected(self) -> tuple[Library, Collection | None]:
        """The focused row of the left pane (persisted like Zotero's ``lastViewedFolder``)."""
        found = self.resolve_target(self.store.setting("selected", "L1"))
        return found if found else (self.user_library(), None)

    def select(self, tree_id: str) -> None:
        self.store.set_setting("selected", tree_id)

    def save_target(self) -> tuple[Library, Collection | None]:
        """Where a connector save goes: the selection, switched to My Library if it is read-only."""
        lib, coll = self.selected()
        if not lib.editable:
            self.select("L1")
            return self.user_library(), None
        return lib, coll

    def note_recent(self, tree_id: str) -> None:
        recent = [t for t in self.store.setting("recentTargets", []) if t != tree_id]
        self.store.set_setting("recentTargets", ([tree_id] + recent)[:5])

    # ------------------------------------------------------------------ collections
    def collection_path(self, coll: Collection) -> str:
        names = [coll.name]
        parent = coll.parent_id
        while parent is not None:
            p = self.store.collection(parent)
            if p is None:
                break
            names.append(p.name)
            parent = p.parent_id
        return "/".join(reversed(names))

    def ensure_collection_path(self, lib: Library, path: str) -> Collection:
        """Find or create ``A/B/C`` in ``lib`` (what a user does by hand in Zotero's pane)."""
        names = [n for n in path.split("/") if n]
        if not names:
            raise ValueError("empty collection path")
        parent: Collection | None = None
        for name in names:
            existing = [c for c in self.store.collections(lib.id)
                        if c.name == name and c.parent_id == (parent.id if parent else None)]
            if existing:
                parent = existing[0]
                continue
            with self.store.transaction():
                version = self.new_version(lib)
                parent = self.store.insert_collection(lib.id, self.store.new_key(lib.id), name,
                                                      parent.id if parent else None, {}, version)
        assert parent is not None
        return parent

    def find_collection_path(self, lib: Library, path: str) -> Collection | None:
        names = [n for n in path.split("/") if n]
        parent: Collection | None = None
        for name in names:
            found = [c for c in self.store.collections(lib.id)
                     if c.name == name and c.parent_id == (parent.id if parent else None)]
            if not found:
                return None
            parent = found[0]
        return parent

    # ------------------------------------------------------------------ items
    def create_item(self, lib: Library, item_type: str, data: dict[str, Any], *, version: int,
                    parent: Item | None = None, collection_ids: list[int] | None = None, key: str | None = None,
                    synced_version: int = 0, date_added: str | None = None, date_modified: str | None = None) -> Item:
        """Insert one item in ``lib`` with local version ``version`` (the caller bumped the library once)."""
        return self.store.insert_item(lib.id, key or self.store.new_key(lib.id), item_type, data,
                                      parent.id if parent else None, list(collection_ids or []), version,
                                      version=synced_version, date_added=date_added, date_modified=date_modified)

    def touch(self, item: Item, version: int) -> None:
        item.client_version = version
        item.date_modified = now_iso()
        self.store.update_item(item)

    def erase_item(self, item: Item) -> None:
        self.store.delete_item(item.id)

    def save_file(self, item: Item, content: bytes, filename: str, *, mtime_ms: int | None = None) -> None:
        """Store an attachment's file: bytes in the database, a copy under ``storage/<KEY>/`` for ``file:`` links."""
        self.store.set_file(item.id, content)
        item.data["filename"] = filename
        item.data["md5"] = hashlib.md5(content).hexdigest()
        item.data["mtime"] = mtime_ms if mtime_ms is not None else int(time.time() * 1000)
        self.store.update_item(item)
        self.write_storage_copy(item, content)

    def write_storage_copy(self, item: Item, content: bytes) -> None:
        folder = self.storage_dir / item.key
        folder.mkdir(parents=True, exist_ok=True)
        safe = (item.data.get("filename") or "file").replace("/", "_").replace("\\", "_")
        (folder / safe).write_bytes(content)

    def storage_path(self, item: Item) -> Path:
        safe = (item.data.get("filename") or "file").replace("/", "_").replace("\\", "_")
        return self.storage_dir / item.key / safe

    def clone_into(self, item: Item, lib: Library, version: int, collection_ids: list[int]) -> Item:
        """Copy a top-level item into another library (new key), as updateSession does when the target library changes."""
        return self.create_item(lib, item.item_type, dict(item.data), version=version, collection_ids=collection_ids)
