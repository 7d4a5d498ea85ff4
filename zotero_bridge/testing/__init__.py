"""A fake Zotero desktop for tests: its local HTTP server (connector + local API), release by release.

Like fakeredis for Redis: a real HTTP server on 127.0.0.1 that answers exactly as
Zotero 7, 8, 9 or 10 answers (PROTOCOL.md), with its library in SQLite, so a
script talking to Zotero can be tested without Zotero::

    from zotero_bridge.testing import FakeZotero

    with FakeZotero(version="8") as z:              # Zotero 8.0.5, local API on
        z.add_collection("Reading/MoE")
        z.select("Reading/MoE")                     # the row selected in Zotero's left pane
        run_my_script(base_url=z.url)
        assert [i["title"] for i in z.items()] == ["DeepSeekMoE: ..."]

Set-up helpers (:meth:`FakeZotero.add_collection`, :meth:`~FakeZotero.add_item`,
:meth:`~FakeZotero.add_group`, :meth:`~FakeZotero.select`) do what a user does
in Zotero's window; inspection helpers (:meth:`~FakeZotero.items`,
:attr:`~FakeZotero.request_log`, ...) read the state back; :meth:`~FakeZotero.fault`
scripts failures and :meth:`~FakeZotero.restart` simulates quitting Zotero and
starting it again (sessions forgotten, library kept).  :func:`serve` runs one in
the foreground for trying a client by hand (``zotero-bridge fake-server``).

What the double does not do (answers say so plainly instead of pretending):
citation styles (``format=bib``, ``include=bib|citation`` → 501), export formats
other than BibTeX/BibLaTeX/RIS (501), import translators other than BibTeX,
translator detection and code, PDF recognition, downloading attachments.
"""

from __future__ import annotations

import re
import shutil
import sys
import tempfile
import threading
import weakref
from pathlib import Path
from typing import IO, Any, Callable

from bibkit.testing.server import Request

from .connector import Connector
from .core import ZoteroCore, parse_authorize
from .faults import Fault, FaultBook
from .itemdata import InvalidItem, data_from_api
from .localapi import LocalAPI
from .render import item_data_json
from .server import Call, Endpoint, ZoteroServer
from .store import Collection, Item, Library, Store
from .versions import SHORTCUTS, ZoteroVersion
from .wire import Response, WireServer
from .writes import KEY_RE, Writes

__all__ = ["FakeZotero", "serve", "ZoteroVersion", "SHORTCUTS", "Response", "Call", "Fault"]

CONNECTOR_WRITES = frozenset({"/connector/saveItems", "/connector/updateSession", "/connector/import",
                              "/connector/saveSnapshot", "/connector/saveAttachment", "/connector/saveSingleFile",
                              "/connector/saveStandaloneAttachment"})


class FakeZotero:
    """One fake Zotero installation: a profile (SQLite file) plus a running server for one release.

    :param version: ``"7.0.0"`` … ``"10.0.1"`` or a shortcut ``"7"``/``"8"``/``"9"``/``"10"``.
    :param local_api: the "Allow other applications … to communicate with Zotero" setting.
    :param authorize: the scripted answer to the authorization modal: ``"always"``, ``"allow"``,
        ``"deny"`` or ``"wait:<seconds>[:<answer>]"``.
    :param automatic_tags: the "Automatically tag items with keywords and subject headings" setting.
    :param db_path: SQLite file for the library; ``None`` = a temporary file removed on :meth:`close`.
        With a path, state survives across instances (and across :meth:`restart`).
    :param port: ``0`` = any free port.
    :param server_id: 12-character ``Zotero-Server-ID``; ``None`` = the one stored in the database (or a new one).
    """

    def __init__(self, version: str = "10.0.1", local_api: bool = True, authorize: str = "always",
                 automatic_tags: bool = True, db_path: str | Path | None = None, port: int = 0,
                 server_id: str | None = None, *, host: str = "127.0.0.1"):
        self._version = ZoteroVersion.parse(version)
        parse_authorize(authorize)
        self._tmpdir: str | None = None
        if db_path is None:
            self._tmpdir = tempfile.mkdtemp(prefix="fake-zotero-")
            weakref.finalize(self, shutil.rmtree, self._tmpdir, True)  # even if close() is never called
            path = Path(self._tmpdir) / "zotero.sqlite"
        else:
            path = Path(db_path)
            path.parent.mkdir(parents=True, exist_ok=True)
        self.db_path = str(path)
        self.storage_dir = path.with_name(path.name + ".storage")
        self.store = Store(self.db_path)
        self.core = ZoteroCore(self.store, self._version, self.storage_dir, local_api=local_api, authorize=authorize,
                               automatic_tags=automatic_tags, server_id=server_id)
        self.faults = FaultBook()
        self._test_endpoints: dict[str, Endpoint] = {}
        self.connector = Connector(self.core)
        self.writes = Writes(self.core, lambda: self.port, lambda r: self.api.api_headers(r))
        self.api = LocalAPI(self.core, lambda: self.port, self.writes)
        self._connector_routes = self.connector.endpoints()
        self.server = ZoteroServer(self.core, self.faults, self._route, self._quit)
        self._wire = WireServer(self.server, host, port)
        self.host = host

    def __repr__(self) -> str:
        where = self.url if self.running else "stopped"
        return f"<FakeZotero {self.version} {where} profile={self.db_path}>"

    # ------------------------------------------------------------------ lifecycle
    def start(self) -> "FakeZotero":
        self._wire.open()
        return self

    def stop(self) -> None:
        """Stop listening (connections refused); the profile stays usable (see :meth:`restart`)."""
        self._wire.close()

    def close(self) -> None:
        """Stop and release the database; a temporary profile is deleted."""
        self.stop()
        self.store.close()
        if self._tmpdir:
            shutil.rmtree(self._tmpdir, ignore_errors=True)
            self._tmpdir = None

    def __enter__(self) -> "FakeZotero":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.close()

    def restart(self) -> None:
        """Zotero quits and starts again on the same port: sessions, single-use keys, write tokens and pending
        uploads are forgotten, the library (and remembered keys, the selection) is re-read from the database."""
        self._wire.close()
        self.store.close()
        self.store = Store(self.db_path)
        self.core.store = self.store
        self.core.forget_runtime_state()
        self.writes.uploads.clear()
        self._wire.open()

    def _quit(self) -> None:
        """The "quit" fault: stop listening now, so the very next connection is refused."""
        self._wire.close()

    @property
    def port(self) -> int:
        return self._wire.port

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def running(self) -> bool:
        return self._wire.listening

    # ------------------------------------------------------------------ routing
    def _route(self, path: str) -> tuple[Endpoint, dict[str, str]] | None:
        if path in self._connector_routes:
            return self._connector_routes[path], {}
        if path.startswith("/test/") and path in self._test_endpoints:
            return self._test_endpoints[path], {}
        return self.api.route(path)

    def register_test_endpoint(self, path: str, handler: Callable[[Call], Response], methods: tuple[str, ...] = ("POST",),
                               content_types: tuple[str, ...] | None = None) -> None:
        """Add an endpoint under ``/test/`` (what Zotero's own server tests do) to probe the server rules."""
        if not path.startswith("/test/"):
            raise ValueError("test endpoints live under /test/")
        self._test_endpoints[path] = Endpoint(tuple(m.upper() for m in methods), content_types, handler)

    # ------------------------------------------------------------------ settings (Zotero preferences)
    @property
    def version(self) -> str:
        return self._version.text

    @property
    def zotero_version(self) -> ZoteroVersion:
        return self._version

    @property
    def server_id(self) -> str:
        return self.core.server_id

    @property
    def local_api_enabled(self) -> bool:
        return self.core.local_api

    @local_api_enabled.setter
    def local_api_enabled(self, value: bool) -> None:
        self.core.local_api = value

    @property
    def automatic_tags(self) -> bool:
        return self.core.automatic_tags

    @automatic_tags.setter
    def automatic_tags(self, value: bool) -> None:
        self.core.automatic_tags = value

    @property
    def authorize(self) -> str:
        return self.core.authorize

    @authorize.setter
    def authorize(self, value: str) -> None:
        parse_authorize(value)
        self.core.authorize = value

    # ------------------------------------------------------------------ set-up (what a user does in Zotero's window)
    def _library(self, library: int | None) -> Library:
        lib = self.core.user_library() if library is None else self.store.library(library)
        if lib is None:
            raise KeyError(f"no library {library}")
        return lib

    def add_group(self, name: str = "Group", editable: bool = True, files_editable: bool | None = None,
                  group_id: int | None = None, version: int = 0) -> int:
        """Join a group library; returns its library ID (``L<id>`` in the connector).  ``version`` is its synced metadata version."""
        with self.core.lock:
            if group_id is None:
                group_id = 1000000 + len(self.store.libraries())
            lib = self.store.add_group(name, editable, editable if files_editable is None else files_editable,
                                       group_id, version)
            return lib.id

    def group_id(self, library: int) -> int:
        """The API group ID (``/api/groups/<id>``) of a group library."""
        lib = self._library(library)
        if lib.group_id is None:
            raise KeyError(f"library {library} is not a group")
        return lib.group_id

    def add_collection(self, path: str, library: int | None = None) -> str:
        """Create ``"A/B/C"`` (missing parents too) and return the key of the last one."""
        with self.core.lock:
            return self.core.ensure_collection_path(self._library(library), path).key

    def collection_id(self, key_or_path: str, library: int | None = None) -> str:
        """The connector target ID (``C<id>``) of a collection given by key or path."""
        return self._collection(key_or_path, self._library(library)).tree_id

    def _collection(self, key_or_path: str, lib: Library) -> Collection:
        coll = self.store.collection_by_key(lib.id, key_or_path) if KEY_RE.match(key_or_path) else None
        coll = coll or self.core.find_collection_path(lib, key_or_path)
        if coll is None:
            raise KeyError(f"no collection {key_or_path!r} in {lib.name}")
        return coll

    def select(self, target: str | None = None, library: int | None = None) -> None:
        """Select a row of the left pane (the connector's save target).

        ``target``: a collection path or key, a target ID (``"C12"``, ``"L2"``), or ``None`` for the library row.
        """
        with self.core.lock:
            lib = self._library(library)
            if target is None:
                self.core.select(lib.tree_id)
            elif re.fullmatch(r"[LC]\d+", target):
                if self.core.resolve_target(target) is None:
                    raise KeyError(f"no target {target}")
                self.core.select(target)
            else:
                self.core.select(self._collection(target, lib).tree_id)

    @property
    def selected(self) -> str:
        """Target ID of the selected row (``L1`` = My Library)."""
        lib, coll = self.core.selected()
        return coll.tree_id if coll else lib.tree_id

    def add_item(self, data: dict[str, Any], collections: list[str] | None = None, *, library: int | None = None,
                 parent: str | None = None, file: bytes | None = None, fulltext: str | dict[str, Any] | None = None,
                 synced_version: int = 0) -> str:
        """Add an item the user already has (Web API data shape, ``itemType`` required); returns its key.

        ``collections``: keys or paths (created if missing).  ``parent``: key of the parent item (notes,
        attachments, annotations).  ``file``: bytes of an attachment's file.  ``fulltext``: indexed text of an
        attachment (a string or ``{"content", "indexedPages", ...}``).  ``synced_version``: the version the item
        would have after a sync (Zotero 7–9 report it; 0 = never synced).
        """
        core = self.core
        with core.lock:
            lib = self._library(library)
            obj = dict(data)
            item_type = obj.get("itemType")
            if not item_type:
                raise ValueError("itemType is required")
            try:
                stored = data_from_api(obj, core.schema, str(item_type))
            except InvalidItem as exc:
                raise ValueError(str(exc)) from None
            parent_key = parent or obj.get("parentItem")
            parent_item = self.store.item_by_key(lib.id, parent_key) if parent_key else None
            if parent_key and parent_item is None:
                raise KeyError(f"no parent item {parent_key}")
            collection_ids = []
            for ref in list(collections or []) + list(obj.get("collections") or []):
                coll = (self.store.collection_by_key(lib.id, ref) if KEY_RE.match(ref) else None) \
                    or core.ensure_collection_path(lib, ref)
                collection_ids.append(coll.id)
            key = obj.get("key") if isinstance(obj.get("key"), str) else None
            if key is not None and (not KEY_RE.match(key) or self.store.key_exists(lib.id, key)):
                raise ValueError(f"invalid or taken item key {key!r}")
            with self.store.transaction():
                version = core.new_version(lib)
                item = core.create_item(lib, str(item_type), stored, version=version, parent=parent_item,
                                        collection_ids=collection_ids, key=key, synced_version=synced_version,
                                        date_added=obj.get("dateAdded"), date_modified=obj.get("dateModified"))
                if file is not None:
                    name = stored.get("filename") or stored.get("title") or "file"
                    core.save_file(item, file, str(name))
                if fulltext is not None:
                    ft: dict[str, Any] = {"content": fulltext} if isinstance(fulltext, str) else dict(fulltext)
                    self.store.set_fulltext(item.id, str(ft.pop("content")), ft, version)
            return item.key

    def set_synced(self, key: str, version: int, library: int | None = None) -> None:
        """Mark an item as synced at ``version`` (and raise the library's synced version to match)."""
        with self.core.lock:
            lib = self._library(library)
            item = self._item(key, lib)
            item.version = version
            self.store.update_item(item)
            if lib.version < version:
                self.store.set_library_synced_version(lib.id, version)

    def remove_item(self, key: str, library: int | None = None) -> None:
        """Erase an item (and its children), as emptying the trash does."""
        with self.core.lock:
            lib = self._library(library)
            item = self._item(key, lib)
            with self.store.transaction():
                self.core.new_version(lib)
                self.core.erase_item(item)

    def _item(self, key: str, lib: Library) -> Item:
        item = self.store.item_by_key(lib.id, key)
        if item is None:
            raise KeyError(f"no item {key}")
        return item

    # ------------------------------------------------------------------ inspection
    def _inspect(self, item: Item) -> dict[str, Any]:
        data = item_data_json(self.core, item)
        data["tags"] = [{"tag": t["tag"], "type": int(t.get("type") or 0)} for t in item.data.get("tags") or []]
        return data

    def items(self, include_children: bool = False, library: int | None = None) -> list[dict[str, Any]]:
        """Items in creation order, as Web API ``data`` dicts; ``tags`` always carry ``type`` (0 manual, 1 automatic)."""
        with self.core.lock:
            found = self.store.items(self._library(library).id)
            return [self._inspect(i) for i in found if include_children or i.parent_id is None]

    def item(self, key: str, library: int | None = None) -> dict[str, Any] | None:
        with self.core.lock:
            item = self.store.item_by_key(self._library(library).id, key)
            return self._inspect(item) if item else None

    def children(self, key: str, library: int | None = None) -> list[dict[str, Any]]:
        with self.core.lock:
            item = self._item(key, self._library(library))
            return [self._inspect(c) for c in self.store.children(item.id)]

    def file(self, key: str, library: int | None = None) -> bytes | None:
        """The stored file of an attachment."""
        with self.core.lock:
            return self.store.file(self._item(key, self._library(library)).id)

    def collections(self, library: int | None = None) -> list[dict[str, Any]]:
        """``{key, name, parentCollection, version, id, path}`` per collection (``id`` = connector target ID)."""
        with self.core.lock:
            lib = self._library(library)
            colls = self.store.collections(lib.id)
            by_id = {c.id: c for c in colls}
            return [{"key": c.key, "name": c.name,
                     "parentCollection": by_id[c.parent_id].key if c.parent_id in by_id else False,
                     "version": self.core.object_version(c), "id": c.tree_id, "path": self.core.collection_path(c)}
                    for c in colls]

    def collection_path(self, key: str, library: int | None = None) -> str:
        with self.core.lock:
            coll = self.store.collection_by_key(self._library(library).id, key)
            if coll is None:
                raise KeyError(f"no collection {key}")
            return self.core.collection_path(coll)

    @property
    def library_version(self) -> int:
        """My Library's local version: +1 per change, whatever the release (10.0+ reports it as Last-Modified-Version)."""
        lib = self.store.library(1)
        assert lib is not None
        return lib.client_version

    @property
    def request_log(self) -> list[Request]:
        """Every request received, in order (``bibkit.testing.server.Request``)."""
        return list(self.server.log)

    def write_requests(self) -> list[Request]:
        """POST/PUT/PATCH/DELETE to ``/api/`` (authorization excluded) plus connector saves and updateSession."""
        return [r for r in self.server.log
                if (r.path.startswith("/api/") and r.method in ("POST", "PUT", "PATCH", "DELETE")
                    and not r.path.startswith("/api/local/authorize")) or r.path in CONNECTOR_WRITES]

    def reset_log(self) -> None:
        self.server.log.clear()

    @property
    def errors(self) -> list[str]:
        """Tracebacks of exceptions inside endpoints (each answered with Zotero's empty 500)."""
        return list(self.server.errors)

    @property
    def authorize_prompts(self) -> list[str]:
        """appNames shown in the authorization modal, in order."""
        return list(self.core.authorize_prompts)

    @property
    def remembered_keys(self) -> list[str]:
        """Keys granted with "Always Allow" (persisted in the database)."""
        return [k for k, _ in self.store.remembered_keys()]

    def clear_authorizations(self) -> None:
        """Settings → "Clear Write Authorizations": every key stops working."""
        with self.core.lock:
            self.store.clear_keys()
            self.core.single_use_keys.clear()

    def grant_key(self, app_name: str = "test", remember: bool = True) -> str:
        """A key as if the user had answered the authorization modal (Always Allow / Allow), without a request."""
        import secrets

        with self.core.lock:
            key = secrets.token_hex(16)
            if remember:
                self.store.remember_key(key, app_name)
            else:
                self.core.single_use_keys.add(key)
            return key

    def mark_file_synced(self, key: str, md5: str | None = None, library: int | None = None) -> None:
        """Record that an attachment's file was synced with hash ``md5`` (default: the stored file's hash).

        Zotero 10 file uploads compare ``If-None-Match: *`` / ``If-Match`` with this synced hash.
        """
        with self.core.lock:
            item = self._item(key, self._library(library))
            item.data["_syncedHash"] = md5 or item.data.get("md5")
            self.store.update_item(item)

    def file_synced_hash(self, key: str, library: int | None = None) -> str | None:
        with self.core.lock:
            return self._item(key, self._library(library)).data.get("_syncedHash")

    @property
    def sessions(self) -> list[str | None]:
        """Connector session IDs used since this Zotero started (burnt: reuse → 409)."""
        return list(self.core.sessions)

    @property
    def installed_styles(self) -> list[str]:
        return list(self.core.installed_styles)

    # ------------------------------------------------------------------ faults
    def fault(self, path_prefix: str = "/", method: str | None = None, kind: str = "drop", times: int | None = 1) -> Fault:
        """Script a failure for matching requests (see :mod:`zotero_bridge.testing.faults` for the kinds)."""
        return self.faults.add(path_prefix, method, kind, times)

    def clear_faults(self) -> None:
        self.faults.clear()


def serve(version: str = "10", port: int = 23119, db_path: str | None = None, *, host: str = "127.0.0.1",
          stop: threading.Event | None = None, ready: Callable[[FakeZotero], None] | None = None,
          out: IO[str] | None = None, **options: Any) -> None:
    """Run a fake Zotero in the foreground until Ctrl-C (or until ``stop`` is set).

    ``options`` are :class:`FakeZotero` keyword arguments (``local_api``, ``authorize``, ``automatic_tags``,
    ``server_id``).  ``ready`` is called with the running instance (tests use it to learn the port).
    """
    stream = out if out is not None else sys.stderr
    stop = stop or threading.Event()
    with FakeZotero(version=version, port=port, db_path=db_path, host=host, **options) as z:
        print(f"Fake Zotero {z.version} listening on {z.url} "
              f"(local API {'on' if z.local_api_enabled else 'off'}, profile {z.db_path}); Ctrl-C to stop",
              file=stream, flush=True)
        if ready is not None:
            ready(z)
        try:
            while not stop.wait(0.2):
                pass
        except KeyboardInterrupt:
            pass
