"""Zotero 10 local API writes (PROTOCOL.md 3.3): authorization, keys, versions, write reports.

After the shared checks of :mod:`.localapi` (pref, Server-ID, API version,
library) a write needs an API key (401 otherwise, without the local API
headers), a writable library (403), and then follows the Web API's rules:
batches of at most 50 objects answered with a write report keyed by string
index, write tokens, library- and object-level version preconditions (428/412),
client-chosen keys created with ``version: 0``, PATCH semantics for POSTed
updates, ``unchanged`` when nothing would change.  Every write that changes
something increments the library's local version once.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
import secrets
import time
from dataclasses import dataclass
from typing import Any, Callable

from .core import ZoteroCore, parse_authorize
from .itemdata import InvalidItem, data_from_api
from .render import RenderContext, collection_json, item_data_json, item_json, search_json
from .server import Call, plain
from .store import Collection, Item, Library, Search
from .wire import Response

KEY_RE = re.compile(r"^[23456789ABCDEFGHIJKLMNPQRSTUVWXYZ]{8}$")
WRITE_TOKEN_TTL = 12 * 3600
MAX_OBJECTS = 50
RATE_WINDOW = 60.0
RATE_LIMIT = 5
UNAUTHORIZED = [("WWW-Authenticate", 'Zotero-API-Key realm="Zotero Local API"')]


def pretty(status: int, obj: Any, headers: list[tuple[str, str]] | None = None) -> Response:
    return Response(status, json.dumps(obj, indent=4, ensure_ascii=False), "application/json", list(headers or []))


class Failure(Exception):
    """One object of a batch failed (reported in ``failed``, the request itself succeeds)."""

    def __init__(self, code: int, message: str, key: str = ""):
        super().__init__(message)
        self.code, self.message, self.key = code, message, key


@dataclass
class Upload:
    item_key: str
    library_id: int
    md5: str
    filename: str
    filesize: int
    mtime: int
    content: bytes | None = None


def _same_data(a: dict[str, Any], b: dict[str, Any]) -> bool:
    def norm(d: dict[str, Any]) -> dict[str, Any]:
        out = dict(d)
        out["tags"] = sorted((t["tag"], int(t.get("type") or 0)) for t in d.get("tags") or [])
        return out
    return norm(a) == norm(b)


class Writes:
    """Authorization and every write route of the 10.0+ local API."""

    def __init__(self, core: ZoteroCore, port: Callable[[], int], api_headers: Callable[[Response], Response]):
        self.core = core
        self.port = port
        self.api_headers = api_headers
        self.uploads: dict[str, Upload] = {}

    # ------------------------------------------------------------------ authorize
    def authorize(self, call: Call) -> Response:
        """``POST /api/local/authorize``: prompt the (scripted) user; the answer may take a while."""
        core = self.core
        with core.lock:
            if not core.local_api:
                return plain(403, "Local API is not enabled")
            given = call.request.header("Zotero-Server-ID")
            if given is None:
                return self.api_headers(plain(428, "Zotero-Server-ID not provided"))
            if given != core.server_id:
                return self.api_headers(plain(412, "Zotero-Server-ID does not match this server"))
            data = call.data if isinstance(call.data, dict) else {}
            app_name = data.get("appName")
            app_name = app_name.strip() if isinstance(app_name, str) else ""
            if not app_name:
                return self.api_headers(plain(400, "appName is required"))
            now = time.monotonic()
            core.authorize_times[:] = [t for t in core.authorize_times if now - t < RATE_WINDOW]
            if len(core.authorize_times) >= RATE_LIMIT:
                retry = min(60, max(1, math.ceil(RATE_WINDOW - (now - core.authorize_times[0]))))
                return self.api_headers(Response(429, "Too many authorization requests", "text/plain",
                                                 [("Retry-After", str(retry))]))
            core.authorize_times.append(now)
            core.authorize_prompts.append(app_name)
            delay, answer = parse_authorize(core.authorize)
        if delay:
            time.sleep(delay)  # the modal stays open; other requests are served meanwhile
        with core.lock:
            if answer == "deny":
                return self.api_headers(pretty(403, {"denied": True}))
            key = secrets.token_hex(16)
            if answer == "always":
                core.store.remember_key(key, app_name)
            else:
                core.single_use_keys.add(key)
            return self.api_headers(pretty(200, {"key": key, "remember": answer == "always"}))

    def _api_key(self, call: Call) -> str | None:
        req = call.request
        key = req.header("Zotero-API-Key") or req.arg("key")
        auth = req.header("Authorization") or ""
        if not key and auth.lower().startswith("bearer "):
            key = auth[7:].strip()
        return key or None

    def _check_key(self, call: Call) -> Response | None:
        key = self._api_key(call)
        if key is None:
            return Response(401, "API key required -- POST /api/local/authorize to obtain one", "text/plain", list(UNAUTHORIZED))
        if key in self.core.single_use_keys:
            self.core.single_use_keys.discard(key)
            return None
        if any(k == key for k, _ in self.core.store.remembered_keys()):
            return None
        return Response(401, "Invalid or expired API key", "text/plain", list(UNAUTHORIZED))

    # ------------------------------------------------------------------ dispatch
    def handle(self, call: Call, template: str, lib: Library) -> tuple[Response, bool]:
        """Answer a write; the flag says whether the local API headers belong on the answer (not on 401s)."""
        refused = self._check_key(call)
        if refused is not None:
            return refused, False
        if not lib.editable:
            return plain(403, "Write access denied"), True
        method = call.method
        kinds = {"items": "item", "collections": "collection", "searches": "search"}
        singles = {"items/:itemKey": ("item", "itemKey"), "collections/:collectionKey": ("collection", "collectionKey"),
                   "searches/:searchKey": ("search", "searchKey")}
        if method == "POST" and template in kinds:
            return self.batch(call, lib, kinds[template]), True
        if method == "POST" and template == "fulltext":
            return self.fulltext_batch(call, lib), True
        if method == "POST" and template == "items/:itemKey/file":
            return self.file_post(call, lib), True
        if method == "PATCH" and template == "items/:itemKey/file":
            return plain(405, "Partial uploads are not supported by the local API"), True
        if method == "PUT" and template == "items/:itemKey/fulltext":
            return self.fulltext_put(call, lib), True
        if method in ("PUT", "PATCH") and template in singles:
            kind, param = singles[template]
            return self.put_patch(call, lib, kind, call.params[param], replace=method == "PUT"), True
        if method == "DELETE" and template in singles:
            kind, param = singles[template]
            return self.delete_one(call, lib, kind, call.params[param]), True
        if method == "DELETE" and template in kinds:
            return self.delete_many(call, lib, kinds[template]), True
        if method == "DELETE" and template == "tags":
            return self.delete_tags(call, lib), True
        return plain(405, "Method not allowed for this path"), True

    # ------------------------------------------------------------------ helpers
    def _header_version(self, call: Call) -> int | None:
        value = call.request.header("If-Unmodified-Since-Version")
        if value is None:
            return None
        try:
            return int(value.strip())
        except ValueError:
            raise Failure(400, f"Invalid If-Unmodified-Since-Version value '{value}'") from None

    def _library_precondition(self, call: Call, lib: Library, *, required: bool) -> Response | int | None:
        try:
            header = self._header_version(call)
        except Failure as f:
            return plain(f.code, f.message)
        if header is None:
            return plain(428, "If-Unmodified-Since-Version not provided") if required else None
        current = self.core.library_version(lib)
        if current > header:
            return plain(412, f"Library has been modified since specified version (expected {header}, found {current})")
        return header

    def _lmv(self, lib: Library) -> list[tuple[str, str]]:
        fresh = self.core.library(lib.id)
        assert fresh is not None
        return [("Last-Modified-Version", str(self.core.library_version(fresh)))]

    def _json_body(self, call: Call) -> Any:
        if not call.request.body.strip():
            raise Failure(400, "Empty request body")
        if call.media_type != "application/json":
            raise Failure(400, "Content-Type must be application/json")
        return call.data

    def _lookup(self, lib: Library, kind: str, key: str) -> Item | Collection | Search | None:
        store = self.core.store
        if kind == "item":
            return store.item_by_key(lib.id, key)
        if kind == "collection":
            return store.collection_by_key(lib.id, key)
        return store.search_by_key(lib.id, key)

    # ------------------------------------------------------------------ batch POST
    def batch(self, call: Call, lib: Library, kind: str) -> Response:
        core = self.core
        try:
            body = self._json_body(call)
        except Failure as f:
            return plain(f.code, f.message)
        if not isinstance(body, list):
            return plain(400, "Uploaded data must be a JSON array")
        if not body:
            return plain(400, "No items provided")
        if len(body) > MAX_OBJECTS:
            plural = {"item": "items", "collection": "collections", "search": "searches"}[kind]
            return plain(413, f"Cannot add more than {MAX_OBJECTS} {plural} at a time")
        token = call.request.header("Zotero-Write-Token")
        if token is not None:
            if not 5 <= len(token) <= 32:
                return plain(400, "Write token must be 5-32 characters in length")
            used = core.write_tokens.get(token)
            if used is not None and time.time() - used < WRITE_TOKEN_TTL:
                return plain(412, "Write token already used")
        pre = self._library_precondition(call, lib, required=False)
        if isinstance(pre, Response):
            return pre
        header = pre
        report: dict[str, dict[str, Any]] = {"successful": {}, "success": {}, "unchanged": {}, "failed": {}}
        written: dict[str, Any] = {}
        version_box: list[int] = []

        def version() -> int:
            if not version_box:
                version_box.append(core.new_version(lib))
            return version_box[0]

        with core.store.transaction():
            for index, obj in enumerate(body):
                try:
                    outcome, saved = self._write_one(kind, lib, obj, header, version)
                except Failure as f:
                    report["failed"][str(index)] = {"key": f.key, "code": f.code, "message": f.message}
                    continue
                if outcome == "unchanged":
                    report["unchanged"][str(index)] = saved.key
                else:
                    written[str(index)] = saved
        if token is not None:
            core.write_tokens[token] = time.time()
        fresh_lib = core.library(lib.id)
        assert fresh_lib is not None
        ctx = RenderContext(core, fresh_lib, self.port())
        for slot, saved in written.items():
            if kind == "item":
                fresh_item = core.store.item(saved.id)
                assert fresh_item is not None
                obj_json = item_json(ctx, fresh_item)
            elif kind == "collection":
                fresh_coll = core.store.collection(saved.id)
                assert fresh_coll is not None
                obj_json = collection_json(ctx, fresh_coll)
            else:
                obj_json = search_json(ctx, saved)
            report["successful"][slot] = obj_json
            report["success"][slot] = saved.key
        report = {"successful": report["successful"], "success": report["success"], "unchanged": report["unchanged"],
                  "failed": report["failed"]}
        return pretty(200, report, self._lmv(lib))

    def _write_one(self, kind: str, lib: Library, obj: Any, header: int | None,
                   version: Callable[[], int]) -> tuple[str, Any]:
        if not isinstance(obj, dict):
            raise Failure(400, f"Invalid value for {kind} object")
        key = obj.get("key")
        if key is not None and (not isinstance(key, str) or not KEY_RE.match(key)):
            raise Failure(400, f"Invalid key: '{key}'", str(key))
        obj_version = obj.get("version")
        if obj_version is not None and (isinstance(obj_version, bool) or not isinstance(obj_version, int)):
            raise Failure(400, f"Invalid version: '{obj_version}'", key or "")
        existing = self._lookup(lib, kind, key) if key else None
        if key:
            if obj_version is None and header is None:
                raise Failure(428, "Either If-Unmodified-Since-Version or object version property must be provided "
                                   "for key-based writes", key)
            if existing is not None:
                current = self.core.object_version(existing)
                if obj_version is not None and obj_version != current:
                    raise Failure(412, f"{kind} version mismatch: expected {obj_version}, found {current}", key)
                if obj_version is None and header is not None and current > header:
                    raise Failure(412, f"{kind} has been modified since specified version "
                                       f"(expected {header}, found {current})", key)
            elif obj_version not in (None, 0):
                raise Failure(404, f"{kind} doesn't exist (expected version {obj_version}; use 0 instead)", key)
        if kind == "item":
            return self._write_item(lib, obj, existing, key, version, replace=False)  # type: ignore[arg-type]
        if kind == "collection":
            return self._write_collection(lib, obj, existing, key, version, replace=False)  # type: ignore[arg-type]
        return self._write_search(lib, obj, existing, key, version, replace=False)  # type: ignore[arg-type]

    # ------------------------------------------------------------------ per-kind writers
    def _write_item(self, lib: Library, obj: dict[str, Any], existing: Item | None, key: str | None,
                    version: Callable[[], int], *, replace: bool) -> tuple[str, Item]:
        core, store = self.core, self.core.store
        source = {k: v for k, v in obj.items() if k not in ("key", "version", "dateAdded", "dateModified")}
        if existing is not None and not replace:
            current = item_data_json(core, existing)
            current = {k: v for k, v in current.items() if k not in ("key", "version", "dateAdded", "dateModified")}
            source = {**current, **source}
        elif existing is not None and "itemType" not in source:
            source["itemType"] = existing.item_type
        if existing is not None and "parentItem" not in source and existing.parent_id is not None and replace:
            parent_item = store.item(existing.parent_id)
            source["parentItem"] = parent_item.key if parent_item else False
        type_name = source.get("itemType")
        if not type_name:
            raise Failure(400, "itemType property not provided", key or "")
        try:
            data = data_from_api(source, core.schema, str(type_name))
        except InvalidItem as exc:
            raise Failure(exc.code, str(exc), key or "") from None
        parent: Item | None = None
        parent_key = source.get("parentItem")
        if parent_key:
            parent = store.item_by_key(lib.id, str(parent_key))
            if parent is None:
                raise Failure(409, f"Parent item {parent_key} doesn't exist", key or "")
        elif type_name in ("annotation",):
            raise Failure(400, "annotation items must have a parent", key or "")
        collection_ids = []
        for ckey in source.get("collections") or []:
            coll = store.collection_by_key(lib.id, str(ckey))
            if coll is None:
                raise Failure(409, f"Collection {ckey} doesn't exist", key or "")
            collection_ids.append(coll.id)
        if parent is not None:
            collection_ids = []
        if existing is not None:
            # bookkeeping the API does not show (e.g. the synced file hash) survives an update
            data.update({k: v for k, v in existing.data.items() if k.startswith("_")})
            if (existing.item_type == type_name and existing.parent_id == (parent.id if parent else None)
                    and sorted(existing.collection_ids) == sorted(collection_ids) and _same_data(existing.data, data)):
                return "unchanged", existing
            existing.item_type = str(type_name)
            existing.parent_id = parent.id if parent else None
            existing.collection_ids = collection_ids
            existing.data = data
            core.touch(existing, version())
            return "saved", existing
        created = core.create_item(lib, str(type_name), data, version=version(), parent=parent,
                                   collection_ids=collection_ids, key=key,
                                   date_added=obj.get("dateAdded") if isinstance(obj.get("dateAdded"), str) else None,
                                   date_modified=obj.get("dateModified") if isinstance(obj.get("dateModified"), str) else None)
        return "saved", created

    def _write_collection(self, lib: Library, obj: dict[str, Any], existing: Collection | None, key: str | None,
                          version: Callable[[], int], *, replace: bool) -> tuple[str, Collection]:
        store = self.core.store
        name = obj.get("name", existing.name if existing is not None and not replace else None)
        if not isinstance(name, str) or not name.strip():
            raise Failure(400, "Collection name must be provided", key or "")
        if "parentCollection" in obj:
            parent_key = obj.get("parentCollection")
        elif existing is not None and not replace and existing.parent_id is not None:
            parent_coll = store.collection(existing.parent_id)
            parent_key = parent_coll.key if parent_coll else None
        else:
            parent_key = None
        parent_id = None
        if parent_key:
            parent = store.collection_by_key(lib.id, str(parent_key))
            if parent is None:
                raise Failure(409, f"Parent collection {parent_key} doesn't exist", key or "")
            walker: Collection | None = parent
            while walker is not None:
                if existing is not None and walker.id == existing.id:
                    raise Failure(400, "Cannot move collection under itself or a descendant", key or "")
                walker = store.collection(walker.parent_id) if walker.parent_id is not None else None
            parent_id = parent.id
        given = obj.get("relations")
        relations: dict[str, Any] = given if isinstance(given, dict) else (
            existing.relations if existing is not None and not replace else {})
        if existing is not None:
            if existing.name == name and existing.parent_id == parent_id and existing.relations == relations:
                return "unchanged", existing
            existing.name, existing.parent_id, existing.relations = name, parent_id, relations
            existing.client_version = version()
            store.update_collection(existing)
            return "saved", existing
        return "saved", store.insert_collection(lib.id, key or store.new_key(lib.id), name, parent_id, relations, version())

    def _write_search(self, lib: Library, obj: dict[str, Any], existing: Search | None, key: str | None,
                      version: Callable[[], int], *, replace: bool) -> tuple[str, Search]:
        store = self.core.store
        name = obj.get("name", existing.name if existing is not None and not replace else None)
        if not isinstance(name, str) or not name.strip():
            raise Failure(400, "Search name must be provided", key or "")
        conditions = obj.get("conditions", existing.conditions if existing is not None and not replace else None)
        if not isinstance(conditions, list) or not conditions or not all(isinstance(c, dict) for c in conditions):
            raise Failure(400, "'conditions' property must be a non-empty array", key or "")
        if existing is not None:
            if existing.name == name and existing.conditions == conditions:
                return "unchanged", existing
            existing.name, existing.conditions, existing.client_version = name, conditions, version()
            return "saved", store.save_search(existing)
        return "saved", store.save_search(Search(0, lib.id, key or store.new_key(lib.id), name, conditions, 0, version()))

    # ------------------------------------------------------------------ single objects
    def put_patch(self, call: Call, lib: Library, kind: str, key: str, *, replace: bool) -> Response:
        core = self.core
        if not KEY_RE.match(key):
            return plain(400, f"Invalid key: '{key}'")
        try:
            body = self._json_body(call)
            header = self._header_version(call)
        except Failure as f:
            return plain(f.code, f.message)
        if not isinstance(body, dict):
            return plain(400, "Uploaded data must be a JSON object")
        if body.get("key") not in (None, key):
            return plain(400, "Key in body does not match URL")
        existing = self._lookup(lib, kind, key)
        obj_version = body.get("version")
        if existing is None:
            if not replace or obj_version not in (None, 0):
                return plain(404, "Not found")
        else:
            if obj_version is None and header is None:
                return plain(428, "If-Unmodified-Since-Version not provided")
            current = core.object_version(existing)
            if obj_version is not None and obj_version != current:
                return plain(412, f"{kind.capitalize()} version mismatch: expected {obj_version}, found {current}")
            if obj_version is None and header is not None and current > header:
                return plain(412, f"{kind.capitalize()} has been modified since specified version "
                                  f"(expected {header}, found {current})")
        version_box: list[int] = []

        def version() -> int:
            if not version_box:
                version_box.append(core.new_version(lib))
            return version_box[0]

        writer = {"item": self._write_item, "collection": self._write_collection, "search": self._write_search}[kind]
        try:
            with core.store.transaction():
                writer(lib, body, existing, key, version, replace=replace)  # type: ignore[operator]
        except Failure as f:
            return plain(f.code, f.message)
        return Response(204, headers=self._lmv(lib))

    def delete_one(self, call: Call, lib: Library, kind: str, key: str) -> Response:
        core = self.core
        existing = self._lookup(lib, kind, key)
        if existing is None:
            return plain(404, "Not found")
        try:
            header = self._header_version(call)
        except Failure as f:
            return plain(f.code, f.message)
        if header is None:
            return plain(428, "If-Unmodified-Since-Version not provided")
        current = core.object_version(existing)
        if current > header:
            return plain(412, f"{kind.capitalize()} has been modified since specified version "
                              f"(expected {header}, found {current})")
        with core.store.transaction():
            self._erase(lib, kind, existing, core.new_version(lib))
        return Response(204, headers=self._lmv(lib))

    def _erase(self, lib: Library, kind: str, obj: Any, version: int) -> None:
        store = self.core.store
        if kind == "item":
            store.delete_item(obj.id)
        elif kind == "collection":
            members = [i for i in store.items(lib.id) if obj.id in i.collection_ids]
            store.delete_collection(obj.id)
            for item in members:
                fresh = store.item(item.id)
                if fresh is not None:
                    self.core.touch(fresh, version)
        else:
            store.delete_search(obj.id)

    def delete_many(self, call: Call, lib: Library, kind: str) -> Response:
        core = self.core
        param = {"item": "itemKey", "collection": "collectionKey", "search": "searchKey"}[kind]
        keys = [k.strip() for value in call.request.query.get(param, []) for k in value.split(",") if k.strip()]
        if not keys:
            return plain(400, f"'{param}' not provided")
        if len(keys) > MAX_OBJECTS:
            return plain(413, f"Cannot delete more than {MAX_OBJECTS} objects at a time")
        pre = self._library_precondition(call, lib, required=True)
        if isinstance(pre, Response):
            return pre
        found = [obj for obj in (self._lookup(lib, kind, k) for k in dict.fromkeys(keys)) if obj is not None]
        if found:
            with core.store.transaction():
                version = core.new_version(lib)
                for obj in found:
                    if kind == "item" and core.store.item(obj.id) is None:
                        continue  # already erased as a child of an earlier one
                    self._erase(lib, kind, obj, version)
        return Response(204, headers=self._lmv(lib))

    def delete_tags(self, call: Call, lib: Library) -> Response:
        core = self.core
        names = {t.strip() for value in call.request.query.get("tag", []) for t in value.split("||") if t.strip()}
        pre = self._library_precondition(call, lib, required=True)
        if isinstance(pre, Response):
            return pre
        if not names:
            return plain(400, "'tag' not provided")
        if len(names) > MAX_OBJECTS:
            return plain(413, f"Cannot delete more than {MAX_OBJECTS} tags at a time")
        affected = [i for i in core.store.items(lib.id) if any(t["tag"] in names for t in i.data.get("tags") or [])]
        if affected:
            with core.store.transaction():
                version = core.new_version(lib)
                for item in affected:
                    item.data["tags"] = [t for t in item.data.get("tags") or [] if t["tag"] not in names]
                    core.touch(item, version)
        return Response(204, headers=self._lmv(lib))

    # ------------------------------------------------------------------ full text
    @staticmethod
    def _fulltext_stats(entry: dict[str, Any]) -> dict[str, int]:
        if not isinstance(entry.get("content"), str):
            raise Failure(400, "'content' must be a string", str(entry.get("key") or ""))
        stats: dict[str, int] = {}
        for name in ("indexedPages", "totalPages", "indexedChars", "totalChars"):
            if name in entry:
                value = entry[name]
                if isinstance(value, bool) or not isinstance(value, int):
                    raise Failure(400, f"'{name}' must be an integer", str(entry.get("key") or ""))
                stats[name] = value
        return stats

    def fulltext_put(self, call: Call, lib: Library) -> Response:
        core = self.core
        try:
            body = self._json_body(call)
        except Failure as f:
            return plain(f.code, f.message)
        item = core.store.item_by_key(lib.id, call.params["itemKey"])
        if item is None or item.item_type != "attachment":
            return plain(404, "Not found")
        if not isinstance(body, dict):
            return plain(400, "Uploaded data must be a JSON object")
        try:
            stats = self._fulltext_stats(body)
        except Failure as f:
            return plain(f.code, f.message)
        with core.store.transaction():
            core.store.set_fulltext(item.id, body["content"], stats, core.new_version(lib))
        return Response(204, headers=self._lmv(lib))

    def fulltext_batch(self, call: Call, lib: Library) -> Response:
        core = self.core
        try:
            body = self._json_body(call)
        except Failure as f:
            return plain(f.code, f.message)
        pre = self._library_precondition(call, lib, required=True)
        if isinstance(pre, Response):
            return pre
        if not isinstance(body, list):
            return plain(400, "Uploaded data must be a JSON array")
        if len(body) > 10:
            return plain(413, "Cannot write more than 10 full-text entries at a time")
        report: dict[str, dict[str, Any]] = {"successful": {}, "success": {}, "unchanged": {}, "failed": {}}
        with core.store.transaction():
            version: int | None = None
            for index, entry in enumerate(body):
                try:
                    if not isinstance(entry, dict) or not isinstance(entry.get("key"), str):
                        raise Failure(400, "'key' must be provided")
                    item = core.store.item_by_key(lib.id, entry["key"])
                    if item is None or item.item_type != "attachment":
                        raise Failure(404, f"Attachment {entry['key']} not found", entry["key"])
                    stats = self._fulltext_stats(entry)
                    if version is None:
                        version = core.new_version(lib)
                    core.store.set_fulltext(item.id, entry["content"], stats, version)
                    report["successful"][str(index)] = {"key": item.key}
                    report["success"][str(index)] = item.key
                except Failure as f:
                    report["failed"][str(index)] = {"key": f.key, "code": f.code, "message": f.message}
        return pretty(200, report, self._lmv(lib))

    # ------------------------------------------------------------------ file uploads
    def file_post(self, call: Call, lib: Library) -> Response:
        """``POST /items/<key>/file``: authorize an upload, or register one (``upload=<uploadKey>``)."""
        core = self.core
        item = core.store.item_by_key(lib.id, call.params["itemKey"])
        if item is None:
            return plain(404, "Not found")
        if item.item_type != "attachment" or item.data.get("linkMode") not in ("imported_file", "imported_url"):
            return plain(400, "Not a file attachment")
        if_match, if_none = call.request.header("If-Match"), call.request.header("If-None-Match")
        if if_match is None and if_none is None:
            return plain(428, "If-Match/If-None-Match header not provided")
        form = call.data if isinstance(call.data, dict) else {}
        synced_hash = item.data.get("_syncedHash")
        if if_none == "*" and synced_hash:
            return plain(412, "If-None-Match: * set but file exists")
        if if_match is not None and if_match != synced_hash:
            return plain(412, "If-Match set but file does not match")
        if "upload" in form:
            upload = self.uploads.get(str(form["upload"]))
            if upload is None or upload.item_key != item.key or upload.content is None:
                return plain(400, "File contents were not uploaded")
            del self.uploads[str(form["upload"])]
            with core.store.transaction():
                version = core.new_version(lib)
                core.save_file(item, upload.content, upload.filename, mtime_ms=upload.mtime)
                item.data["_syncedHash"] = upload.md5
                item.data["_syncedMtime"] = upload.mtime
                core.touch(item, version)
            return Response(204, headers=self._lmv(lib))
        md5 = str(form.get("md5") or "")
        if not re.fullmatch(r"[0-9a-fA-F]{32}", md5):
            return plain(400, "MD5 hash not provided")
        filename = str(form.get("filename") or "")
        if not filename or "/" in filename or "\\" in filename or filename in (".", ".."):
            return plain(400, "Invalid file name")
        try:
            filesize, mtime = int(form.get("filesize", "")), int(form.get("mtime", ""))
        except ValueError:
            return plain(400, "filesize and mtime must be integers")
        if mtime < 10_000_000_000:
            return plain(400, "mtime must be provided in milliseconds, not seconds")
        if md5.lower() == item.data.get("md5"):
            return pretty(200, {"exists": 1})
        upload_key = secrets.token_hex(16)
        self.uploads[upload_key] = Upload(item.key, lib.id, md5.lower(), filename, filesize, mtime)
        url = f"http://127.0.0.1:{self.port()}/api/local/uploads/{upload_key}"
        if form.get("params") == "1":
            return pretty(200, {"url": url, "uploadKey": upload_key,
                                "params": {"key": upload_key, "Content-Type": "application/octet-stream"}})
        return pretty(200, {"url": url, "contentType": "application/octet-stream", "prefix": "", "suffix": "",
                            "uploadKey": upload_key})

    def upload_receiver(self, call: Call) -> Response:
        """``POST /api/local/uploads/<uploadKey>``: the file bytes (raw, or the ``file`` part of a multipart body)."""
        core = self.core
        with core.lock:
            if not core.local_api:
                return plain(403, "Local API is not enabled")
            given = call.request.header("Zotero-Server-ID")
            if given is not None and given != core.server_id:
                return self.api_headers(plain(412, "Zotero-Server-ID does not match this server"))
            upload = self.uploads.get(call.params["uploadKey"])
            if upload is None:
                return self.api_headers(plain(404, "Unknown or expired upload key"))
            content = call.request.body
            if isinstance(call.data, list):
                part = next((p for p in call.data if p.get("name") == "file"), None)
                content = part["body"] if part else b""
            actual = hashlib.md5(content).hexdigest()
            if actual != upload.md5:
                return self.api_headers(plain(400, f"File MD5 does not match expected value ({upload.md5} != {actual})"))
            upload.content = content
            return self.api_headers(Response(201))
