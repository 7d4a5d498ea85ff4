"""The double's database: libraries, collections, items, searches, full text, API keys.

Everything a Zotero user would keep across a restart lives here, in one SQLite
file (stdlib ``sqlite3``), so a test can quit the fake Zotero, start another one
on the same file and find its library as it left it — exactly the situation an
interrupted sync must survive.  Things Zotero keeps only in memory (connector
sessions, single-use API keys, write tokens) deliberately do *not* live here.

Item data is stored as one JSON document per item in the Web API data shape
(type-specific field names, ``creators``, ``tags``, ``relations``, ``note``,
attachment and annotation properties); identity, hierarchy and versions are
columns.  Two versions are kept per object, as Zotero does: ``version`` (the
synced version, what Zotero 7–9 report; 0 for never-synced data) and
``client_version`` (the local version, incremented per write transaction, what
Zotero 10+ reports).
"""

from __future__ import annotations

import json
import secrets
import sqlite3
import threading
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Iterator

KEY_ALPHABET = "23456789ABCDEFGHIJKLMNPQRSTUVWXYZ"
USER_LIBRARY_ID = 1

_SCHEMA = """
CREATE TABLE IF NOT EXISTS settings (name TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS libraries (
    id INTEGER PRIMARY KEY,
    type TEXT NOT NULL,                       -- 'user' | 'group'
    group_id INTEGER UNIQUE,                  -- the group's API id (groups only)
    name TEXT NOT NULL,
    editable INTEGER NOT NULL DEFAULT 1,
    files_editable INTEGER NOT NULL DEFAULT 1,
    version INTEGER NOT NULL DEFAULT 0,       -- synced library version
    client_version INTEGER NOT NULL DEFAULT 0,
    meta_version INTEGER NOT NULL DEFAULT 0   -- synced group metadata version
);
CREATE TABLE IF NOT EXISTS collections (
    id INTEGER PRIMARY KEY AUTOINCREMENT,     -- the connector's C<id>
    library_id INTEGER NOT NULL REFERENCES libraries(id),
    key TEXT NOT NULL,
    name TEXT NOT NULL,
    parent_id INTEGER REFERENCES collections(id),
    relations TEXT NOT NULL DEFAULT '{}',
    version INTEGER NOT NULL DEFAULT 0,
    client_version INTEGER NOT NULL DEFAULT 0,
    UNIQUE (library_id, key)
);
CREATE TABLE IF NOT EXISTS items (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    library_id INTEGER NOT NULL REFERENCES libraries(id),
    key TEXT NOT NULL,
    item_type TEXT NOT NULL,
    parent_id INTEGER REFERENCES items(id),
    data TEXT NOT NULL,
    date_added TEXT NOT NULL,
    date_modified TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 0,
    client_version INTEGER NOT NULL DEFAULT 0,
    UNIQUE (library_id, key)
);
CREATE INDEX IF NOT EXISTS items_parent ON items(parent_id);
CREATE TABLE IF NOT EXISTS collection_items (
    collection_id INTEGER NOT NULL REFERENCES collections(id),
    item_id INTEGER NOT NULL REFERENCES items(id),
    PRIMARY KEY (collection_id, item_id)
);
CREATE TABLE IF NOT EXISTS searches (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    library_id INTEGER NOT NULL,
    key TEXT NOT NULL,
    name TEXT NOT NULL,
    conditions TEXT NOT NULL DEFAULT '[]',
    version INTEGER NOT NULL DEFAULT 0,
    client_version INTEGER NOT NULL DEFAULT 0,
    UNIQUE (library_id, key)
);
CREATE TABLE IF NOT EXISTS fulltext (
    item_id INTEGER PRIMARY KEY REFERENCES items(id),
    content TEXT NOT NULL,
    stats TEXT NOT NULL DEFAULT '{}',         -- indexedPages/totalPages or indexedChars/totalChars
    version INTEGER NOT NULL DEFAULT 0,
    client_version INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS files (
    item_id INTEGER PRIMARY KEY REFERENCES items(id),
    content BLOB NOT NULL
);
CREATE TABLE IF NOT EXISTS api_keys (
    key TEXT PRIMARY KEY,
    app_name TEXT NOT NULL,
    created_at TEXT NOT NULL
);
"""


def now_iso() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def random_key() -> str:
    return "".join(secrets.choice(KEY_ALPHABET) for _ in range(8))


@dataclass
class Library:
    id: int
    type: str
    group_id: int | None
    name: str
    editable: bool
    files_editable: bool
    version: int
    client_version: int
    meta_version: int

    @property
    def tree_id(self) -> str:
        return f"L{self.id}"


@dataclass
class Collection:
    id: int
    library_id: int
    key: str
    name: str
    parent_id: int | None
    relations: dict[str, Any]
    version: int
    client_version: int

    @property
    def tree_id(self) -> str:
        return f"C{self.id}"


@dataclass
class Item:
    id: int
    library_id: int
    key: str
    item_type: str
    parent_id: int | None
    data: dict[str, Any]
    date_added: str
    date_modified: str
    version: int
    client_version: int
    collection_ids: list[int] = field(default_factory=list)

    @property
    def deleted(self) -> bool:
        return bool(self.data.get("deleted"))


@dataclass
class Search:
    id: int
    library_id: int
    key: str
    name: str
    conditions: list[dict[str, Any]]
    version: int
    client_version: int


@dataclass
class FullText:
    item_id: int
    content: str
    stats: dict[str, int]
    version: int
    client_version: int


class Store:
    """All persistent state of one fake Zotero profile.

    One connection shared by the server threads, serialised by a lock (Zotero
    itself handles one request at a time on its main thread).  Writes go through
    :meth:`transaction`, which commits or rolls back as a whole — a failed
    connector save keeps nothing, as in Zotero.
    """

    def __init__(self, path: str):
        self.path = path
        self.lock = threading.RLock()
        self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self._db.row_factory = sqlite3.Row
        self._db.execute("PRAGMA foreign_keys = ON")
        # No fsync and an in-memory rollback journal: committed state survives the process (what restart and
        # reopen tests need) but not a power cut; a test creating hundreds of objects never waits for the disk.
        self._db.execute("PRAGMA journal_mode = MEMORY")
        self._db.execute("PRAGMA synchronous = OFF")
        self._depth = 0
        with self.lock:
            self._db.executescript(_SCHEMA)
            if self._db.execute("SELECT 1 FROM libraries WHERE id = ?", (USER_LIBRARY_ID,)).fetchone() is None:
                self._db.execute("INSERT INTO libraries (id, type, name) VALUES (?, 'user', 'My Library')", (USER_LIBRARY_ID,))

    def close(self) -> None:
        with self.lock:
            self._db.close()

    # ------------------------------------------------------------------ plumbing
    @contextmanager
    def transaction(self) -> Iterator[None]:
        """A (re-entrant) write transaction: all or nothing."""
        with self.lock:
            outer = self._depth == 0
            if outer:
                self._db.execute("BEGIN IMMEDIATE")
            self._depth += 1
            try:
                yield
            except BaseException:
                self._depth -= 1
                if outer:
                    self._db.execute("ROLLBACK")
                raise
            self._depth -= 1
            if outer:
                self._db.execute("COMMIT")

    def _q(self, sql: str, args: tuple = ()) -> list[sqlite3.Row]:
        with self.lock:
            return self._db.execute(sql, args).fetchall()

    def _x(self, sql: str, args: tuple = ()) -> sqlite3.Cursor:
        with self.lock:
            return self._db.execute(sql, args)

    # ------------------------------------------------------------------ settings
    def setting(self, name: str, default: Any = None) -> Any:
        rows = self._q("SELECT value FROM settings WHERE name = ?", (name,))
        return json.loads(rows[0]["value"]) if rows else default

    def set_setting(self, name: str, value: Any) -> None:
        self._x("INSERT OR REPLACE INTO settings (name, value) VALUES (?, ?)", (name, json.dumps(value)))

    # ------------------------------------------------------------------ libraries
    @staticmethod
    def _library(row: sqlite3.Row) -> Library:
        return Library(row["id"], row["type"], row["group_id"], row["name"], bool(row["editable"]),
                       bool(row["files_editable"]), row["version"], row["client_version"], row["meta_version"])

    def libraries(self) -> list[Library]:
        return [self._library(r) for r in self._q("SELECT * FROM libraries ORDER BY id")]

    def library(self, library_id: int) -> Library | None:
        rows = self._q("SELECT * FROM libraries WHERE id = ?", (library_id,))
        return self._library(rows[0]) if rows else None

    def library_by_group(self, group_id: int) -> Library | None:
        rows = self._q("SELECT * FROM libraries WHERE group_id = ?", (group_id,))
        return self._library(rows[0]) if rows else None

    def add_group(self, name: str, editable: bool, files_editable: bool, group_id: int, meta_version: int) -> Library:
        cur = self._x("INSERT INTO libraries (type, group_id, name, editable, files_editable, meta_version) "
                      "VALUES ('group', ?, ?, ?, ?, ?)", (group_id, name, int(editable), int(files_editable), meta_version))
        lib = self.library(int(cur.lastrowid or 0))
        assert lib is not None
        return lib

    def next_version(self, library_id: int) -> int:
        """Increment the library's local version (once per write transaction) and return it."""
        with self.transaction():
            self._x("UPDATE libraries SET client_version = client_version + 1 WHERE id = ?", (library_id,))
            return int(self._q("SELECT client_version FROM libraries WHERE id = ?", (library_id,))[0][0])

    def set_library_synced_version(self, library_id: int, version: int) -> None:
        self._x("UPDATE libraries SET version = ? WHERE id = ?", (version, library_id))

    # ------------------------------------------------------------------ collections
    @staticmethod
    def _collection(row: sqlite3.Row) -> Collection:
        return Collection(row["id"], row["library_id"], row["key"], row["name"], row["parent_id"],
                          json.loads(row["relations"]), row["version"], row["client_version"])

    def collections(self, library_id: int) -> list[Collection]:
        return [self._collection(r) for r in self._q("SELECT * FROM collections WHERE library_id = ? ORDER BY id", (library_id,))]

    def collection(self, collection_id: int) -> Collection | None:
        rows = self._q("SELECT * FROM collections WHERE id = ?", (collection_id,))
        return self._collection(rows[0]) if rows else None

    def collection_by_key(self, library_id: int, key: str) -> Collection | None:
        rows = self._q("SELECT * FROM collections WHERE library_id = ? AND key = ?", (library_id, key))
        return self._collection(rows[0]) if rows else None

    def insert_collection(self, library_id: int, key: str, name: str, parent_id: int | None,
                          relations: dict[str, Any], client_version: int, version: int = 0) -> Collection:
        cur = self._x("INSERT INTO collections (library_id, key, name, parent_id, relations, version, client_version) "
                      "VALUES (?, ?, ?, ?, ?, ?, ?)",
                      (library_id, key, name, parent_id, json.dumps(relations), version, client_version))
        coll = self.collection(int(cur.lastrowid or 0))
        assert coll is not None
        return coll

    def update_collection(self, coll: Collection) -> None:
        self._x("UPDATE collections SET name = ?, parent_id = ?, relations = ?, version = ?, client_version = ? WHERE id = ?",
                (coll.name, coll.parent_id, json.dumps(coll.relations), coll.version, coll.client_version, coll.id))

    def delete_collection(self, collection_id: int) -> None:
        """Erase a collection and its subcollections; items stay in the library."""
        with self.transaction():
            for child in self._q("SELECT id FROM collections WHERE parent_id = ?", (collection_id,)):
                self.delete_collection(child["id"])
            self._x("DELETE FROM collection_items WHERE collection_id = ?", (collection_id,))
            self._x("DELETE FROM collections WHERE id = ?", (collection_id,))

    def collection_item_ids(self, collection_id: int) -> list[int]:
        return [r[0] for r in self._q("SELECT item_id FROM collection_items WHERE collection_id = ?", (collection_id,))]

    # ------------------------------------------------------------------ items
    def _items_from_rows(self, rows: list[sqlite3.Row]) -> list[Item]:
        items = [Item(r["id"], r["library_id"], r["key"], r["item_type"], r["parent_id"], json.loads(r["data"]),
                      r["date_added"], r["date_modified"], r["version"], r["client_version"]) for r in rows]
        if items:
            by_id = {i.id: i for i in items}
            marks = ",".join("?" * len(by_id)) if len(by_id) <= 900 else None
            if marks:
                links = self._q(f"SELECT collection_id, item_id FROM collection_items WHERE item_id IN ({marks}) "
                                "ORDER BY rowid", tuple(by_id))
            else:
                links = self._q("SELECT collection_id, item_id FROM collection_items ORDER BY rowid")
            for link in links:
                item = by_id.get(link["item_id"])
                if item is not None:
                    item.collection_ids.append(link["collection_id"])
        return items

    def items(self, library_id: int) -> list[Item]:
        return self._items_from_rows(self._q("SELECT * FROM items WHERE library_id = ? ORDER BY id", (library_id,)))

    def item(self, item_id: int) -> Item | None:
        found = self._items_from_rows(self._q("SELECT * FROM items WHERE id = ?", (item_id,)))
        return found[0] if found else None

    def item_by_key(self, library_id: int, key: str) -> Item | None:
        found = self._items_from_rows(self._q("SELECT * FROM items WHERE library_id = ? AND key = ?", (library_id, key)))
        return found[0] if found else None

    def children(self, item_id: int) -> list[Item]:
        return self._items_from_rows(self._q("SELECT * FROM items WHERE parent_id = ? ORDER BY id", (item_id,)))

    def insert_item(self, library_id: int, key: str, item_type: str, data: dict[str, Any], parent_id: int | None,
                    collection_ids: list[int], client_version: int, *, version: int = 0,
                    date_added: str | None = None, date_modified: str | None = None) -> Item:
        stamp = now_iso()
        with self.transaction():
            cur = self._x("INSERT INTO items (library_id, key, item_type, parent_id, data, date_added, date_modified, "
                          "version, client_version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                          (library_id, key, item_type, parent_id, json.dumps(data, ensure_ascii=False),
                           date_added or stamp, date_modified or date_added or stamp, version, client_version))
            item_id = int(cur.lastrowid or 0)
            self.set_item_collections(item_id, collection_ids)
        found = self.item(item_id)
        assert found is not None
        return found

    def update_item(self, item: Item) -> None:
        """Write back every column of ``item`` (including its collection membership)."""
        with self.transaction():
            self._x("UPDATE items SET item_type = ?, parent_id = ?, data = ?, date_added = ?, date_modified = ?, version = ?, "
                    "client_version = ? WHERE id = ?",
                    (item.item_type, item.parent_id, json.dumps(item.data, ensure_ascii=False), item.date_added,
                     item.date_modified, item.version, item.client_version, item.id))
            self.set_item_collections(item.id, item.collection_ids)

    def set_item_collections(self, item_id: int, collection_ids: list[int]) -> None:
        with self.transaction():
            self._x("DELETE FROM collection_items WHERE item_id = ?", (item_id,))
            for cid in dict.fromkeys(collection_ids):
                self._x("INSERT INTO collection_items (collection_id, item_id) VALUES (?, ?)", (cid, item_id))

    def delete_item(self, item_id: int) -> None:
        """Erase an item with its children, full text and file (Zotero's erase, not the trash)."""
        with self.transaction():
            for child in self._q("SELECT id FROM items WHERE parent_id = ?", (item_id,)):
                self.delete_item(child["id"])
            self._x("DELETE FROM collection_items WHERE item_id = ?", (item_id,))
            self._x("DELETE FROM fulltext WHERE item_id = ?", (item_id,))
            self._x("DELETE FROM files WHERE item_id = ?", (item_id,))
            self._x("DELETE FROM items WHERE id = ?", (item_id,))

    def key_exists(self, library_id: int, key: str) -> bool:
        return bool(self._q("SELECT 1 FROM items WHERE library_id = ? AND key = ? UNION ALL "
                            "SELECT 1 FROM collections WHERE library_id = ? AND key = ? UNION ALL "
                            "SELECT 1 FROM searches WHERE library_id = ? AND key = ?",
                            (library_id, key) * 3))

    def new_key(self, library_id: int) -> str:
        while True:
            key = random_key()
            if not self.key_exists(library_id, key):
                return key

    # ------------------------------------------------------------------ searches
    @staticmethod
    def _search(row: sqlite3.Row) -> Search:
        return Search(row["id"], row["library_id"], row["key"], row["name"], json.loads(row["conditions"]),
                      row["version"], row["client_version"])

    def searches(self, library_id: int) -> list[Search]:
        return [self._search(r) for r in self._q("SELECT * FROM searches WHERE library_id = ? ORDER BY id", (library_id,))]

    def search_by_key(self, library_id: int, key: str) -> Search | None:
        rows = self._q("SELECT * FROM searches WHERE library_id = ? AND key = ?", (library_id, key))
        return self._search(rows[0]) if rows else None

    def save_search(self, search: Search) -> Search:
        if search.id:
            self._x("UPDATE searches SET name = ?, conditions = ?, version = ?, client_version = ? WHERE id = ?",
                    (search.name, json.dumps(search.conditions), search.version, search.client_version, search.id))
            return search
        cur = self._x("INSERT INTO searches (library_id, key, name, conditions, version, client_version) "
                      "VALUES (?, ?, ?, ?, ?, ?)", (search.library_id, search.key, search.name,
                                                    json.dumps(search.conditions), search.version, search.client_version))
        search.id = int(cur.lastrowid or 0)
        return search

    def delete_search(self, search_id: int) -> None:
        self._x("DELETE FROM searches WHERE id = ?", (search_id,))

    # ------------------------------------------------------------------ full text and files
    def fulltext(self, item_id: int) -> FullText | None:
        rows = self._q("SELECT * FROM fulltext WHERE item_id = ?", (item_id,))
        if not rows:
            return None
        r = rows[0]
        return FullText(r["item_id"], r["content"], json.loads(r["stats"]), r["version"], r["client_version"])

    def fulltexts(self, library_id: int) -> list[tuple[Item, FullText]]:
        items = {i.id: i for i in self.items(library_id)}
        out = []
        for r in self._q("SELECT * FROM fulltext ORDER BY item_id"):
            if r["item_id"] in items:
                out.append((items[r["item_id"]], FullText(r["item_id"], r["content"], json.loads(r["stats"]),
                                                          r["version"], r["client_version"])))
        return out

    def set_fulltext(self, item_id: int, content: str, stats: dict[str, int], client_version: int) -> None:
        self._x("INSERT OR REPLACE INTO fulltext (item_id, content, stats, version, client_version) VALUES (?, ?, ?, 0, ?)",
                (item_id, content, json.dumps(stats), client_version))

    def file(self, item_id: int) -> bytes | None:
        rows = self._q("SELECT content FROM files WHERE item_id = ?", (item_id,))
        return bytes(rows[0][0]) if rows else None

    def set_file(self, item_id: int, content: bytes) -> None:
        self._x("INSERT OR REPLACE INTO files (item_id, content) VALUES (?, ?)", (item_id, content))

    # ------------------------------------------------------------------ API keys
    def remembered_keys(self) -> list[tuple[str, str]]:
        return [(r["key"], r["app_name"]) for r in self._q("SELECT key, app_name FROM api_keys ORDER BY created_at, key")]

    def remember_key(self, key: str, app_name: str) -> None:
        self._x("INSERT INTO api_keys (key, app_name, created_at) VALUES (?, ?, ?)", (key, app_name, now_iso()))

    def clear_keys(self) -> None:
        self._x("DELETE FROM api_keys")
