"""The connector endpoints (``/connector/...``, PROTOCOL.md section 2).

Implemented as Zotero behaves, including the parts a client must cope with:
saveItems never deduplicates, a session ID is burnt even when its save failed,
tags from saveItems are automatic (and vanish when the user turned automatic tags
off), updateSession replaces collections and manual tags wholesale, 7.x only
takes tags as a comma string, and 8.0+ getSelectedCollection never answers a
null body.  Endpoints that need Zotero's translators, PDF recognizer or the
network (getTranslators, detect, getTranslatorCode, getRecognizedItem,
saveAttachmentFromResolver) exist but answer as a Zotero without those would.
"""

from __future__ import annotations

import json
import re
import uuid
import xml.etree.ElementTree as ET
from typing import Any, Callable

from .bibimport import parse_bibtex
from .core import Session, ZoteroCore
from .itemdata import InvalidItem, TranslatedItem, from_translator
from .render import item_data_json
from .server import Call, Endpoint, compact_json, plain
from .store import Collection, Item, Library, now_iso
from .wire import HANG, Outcome, Response

PING_HTML = "<!DOCTYPE html><html><body>Zotero is running</body></html>"
JSON_ONLY = ("application/json",)


def _error(status: int, code: str) -> Response:
    return compact_json(status, {"error": code})


def _html_title(html: str) -> str | None:
    m = re.search(r"<title[^>]*>(.*?)</title>", html, re.IGNORECASE | re.DOTALL)
    return m.group(1).strip() if m and m.group(1).strip() else None


def _safe_filename(name: str, default: str) -> str:
    cleaned = re.sub(r'[\\/:*?"<>|\x00-\x1f]', "", name).strip(" .")
    return cleaned[:120] or default


class Connector:
    """Handlers for every ``/connector/`` path this release serves."""

    def __init__(self, core: ZoteroCore):
        self.core = core

    # ------------------------------------------------------------------ routing
    def endpoints(self) -> dict[str, Endpoint]:
        v = self.core.version
        post_json: Callable[[Callable[[Call], Outcome]], Endpoint] = lambda h: Endpoint(("POST",), JSON_ONLY, h)
        table = {
            "/connector/ping": Endpoint(("GET", "POST"), ("application/json", "text/plain"), self.ping),
            "/connector/getSelectedCollection": post_json(self.get_selected_collection),
            "/connector/saveItems": post_json(self.save_items),
            "/connector/saveSnapshot": post_json(self.save_snapshot),
            "/connector/updateSession": post_json(self.update_session),
            "/connector/import": Endpoint(("POST",), None, self.import_),
            "/connector/saveSingleFile": Endpoint(("POST",), ("application/json", "multipart/form-data"), self.save_single_file),
            "/connector/saveAttachment": Endpoint(("POST",), None, self.save_attachment),
            "/connector/saveStandaloneAttachment": Endpoint(("POST",), None, self.save_standalone_attachment),
            "/connector/getRecognizedItem": post_json(self.get_recognized_item),
            "/connector/hasAttachmentResolvers": post_json(self.has_attachment_resolvers),
            "/connector/saveAttachmentFromResolver": post_json(self.save_attachment_from_resolver),
            "/connector/installStyle": Endpoint(("POST",), None, self.install_style),
            "/connector/getTranslators": post_json(lambda call: compact_json(200, [])),
            "/connector/getTranslatorCode": post_json(self.get_translator_code),
            "/connector/detect": post_json(lambda call: compact_json(200, [])),
            "/connector/delaySync": Endpoint(("POST",), None, lambda call: Response(204)),
            "/connector/getClientHostnames": post_json(lambda call: compact_json(200, [])),
            "/connector/proxies": post_json(lambda call: compact_json(200, [])),
        }
        if v.old_server:
            table["/connector/sessionProgress"] = post_json(self.session_progress)
        if v.connector_request_endpoint:
            table["/connector/request"] = post_json(lambda call: Response(500))
        return table

    # ------------------------------------------------------------------ helpers
    def _outdated(self, call: Call) -> bool:
        if not self.core.version.connector_version_check:
            return False
        value = call.request.header("X-Zotero-Connector-API-Version")
        try:
            return value is not None and int(value) < 3
        except ValueError:
            return False

    def _new_session(self, session_id: str | None, kind: str) -> Session | None:
        """Burn ``session_id`` (None when the client sent none to /import); None if it was used before."""
        if session_id in self.core.sessions:
            return None
        session = Session(session_id, kind)
        self.core.sessions[session_id] = session
        return session

    def _session_for(self, data: Any) -> Session | Response:
        session_id = data.get("sessionID") if isinstance(data, dict) else None
        if not session_id:
            return _error(400, "SESSION_ID_NOT_PROVIDED")
        session = self.core.sessions.get(session_id)
        if session is None:
            return _error(400, "SESSION_NOT_FOUND")
        return session

    def _session_item(self, session: Session, connector_id: Any = None) -> Item | None:
        store = self.core.store
        if connector_id is not None and str(connector_id) in session.connector_ids:
            return store.item(session.connector_ids[str(connector_id)])
        for item_id in session.item_ids:
            item = store.item(item_id)
            if item is not None:
                return item
        return None

    def _store_translated(self, lib: Library, coll: Collection | None, version: int, t: TranslatedItem,
                          session: Session) -> Item:
        core = self.core
        item = core.create_item(lib, t.item_type, t.data, version=version, collection_ids=[coll.id] if coll else [])
        for html, tags in t.notes:
            core.create_item(lib, "note", {"note": html, "tags": tags, "relations": {}}, version=version, parent=item)
        for link in t.link_attachments:
            core.create_item(lib, "attachment", {"title": link["title"], "url": link["url"], "linkMode": "linked_url",
                                                 "contentType": link["contentType"], "tags": [], "relations": {}},
                             version=version, parent=item)
        session.item_ids.append(item.id)
        if t.connector_id is not None:
            session.connector_ids[str(t.connector_id)] = item.id
        return item

    # ------------------------------------------------------------------ ping
    def ping(self, call: Call) -> Outcome:
        if call.method == "GET":
            return Response(200, PING_HTML, "text/html")
        v = self.core.version
        prefs: dict[str, Any] = {"automaticSnapshots": True, "downloadAssociatedFiles": True}
        if not v.old_server:
            prefs["supportsAttachmentUpload"] = True
        if v.at_least(8):
            prefs["supportsTagsAutocomplete"] = True
        prefs.update({"googleDocsAddNoteEnabled": True, "googleDocsAddAnnotationEnabled": True})
        if v.session_note:
            prefs["canUserAddNote"] = True
        prefs["googleDocsCitationExplorerEnabled"] = False
        prefs["translatorsHash"] = "0" * 8
        prefs["sortedTranslatorHash"] = "0" * 8
        if isinstance(call.data, dict) and call.data.get("activeURL"):
            prefs["reportActiveURL"] = True
        return compact_json(200, {"prefs": prefs})

    # ------------------------------------------------------------------ getSelectedCollection
    def get_selected_collection(self, call: Call) -> Outcome:
        core, v = self.core, self.core.version
        if v.null_body_hang and call.data is None:
            return HANG  # Zotero throws after accepting the request and never answers
        lib, coll = core.selected()
        if v.selected_collection_tags and isinstance(call.data, dict) and call.data.get("switchToReadableLibrary") \
                and not lib.editable:
            core.select("L1")
            lib, coll = core.user_library(), None
        answer: dict[str, Any] = {
            "libraryID": lib.id, "libraryName": lib.name, "libraryEditable": lib.editable,
            "filesEditable": lib.files_editable, "editable": lib.editable,
            "id": coll.id if coll else None, "name": coll.name if coll else lib.name,
        }
        recent = set(core.store.setting("recentTargets", []))
        targets: list[dict[str, Any]] = []
        tags: dict[str, list[dict[str, Any]]] = {}
        for library in core.store.libraries():
            if not library.editable:
                continue
            targets.append(self._target(library.tree_id, library.name, library.files_editable, 0, recent))
            by_parent: dict[int | None, list[Collection]] = {}
            for c in core.store.collections(library.id):
                by_parent.setdefault(c.parent_id, []).append(c)

            def walk(parent_id: int | None, level: int) -> None:
                for c in sorted(by_parent.get(parent_id, []), key=lambda c: (c.name.casefold(), c.id)):
                    targets.append(self._target(c.tree_id, c.name, library.files_editable, level, recent))
                    walk(c.id, level + 1)

            walk(None, 1)
            if v.selected_collection_tags:
                seen: dict[tuple[str, int], None] = {}
                for item in core.store.items(library.id):
                    for t in item.data.get("tags") or []:
                        seen.setdefault((t["tag"], int(t.get("type") or 0)), None)
                tags[library.tree_id] = [{"tag": name, **({"type": ttype} if ttype else {})}
                                         for name, ttype in sorted(seen, key=lambda p: (p[0].casefold(), p[1]))]
        answer["targets"] = targets
        if v.selected_collection_tags:
            answer["tags"] = tags
        return compact_json(200, answer)

    @staticmethod
    def _target(tree_id: str, name: str, files_editable: bool, level: int, recent: set[str]) -> dict[str, Any]:
        target: dict[str, Any] = {"id": tree_id, "name": name, "filesEditable": files_editable, "level": level}
        if tree_id in recent:
            target["recent"] = True
        return target

    # ------------------------------------------------------------------ saveItems
    def save_items(self, call: Call) -> Outcome:
        core = self.core
        if self._outdated(call):
            return _error(400, "CONNECTOR_VERSION_OUTDATED")
        data = call.data
        if not isinstance(data, dict):
            return Response(500)
        session_id = data.get("sessionID") or f"zotero-fake-{uuid.uuid4()}"
        session = self._new_session(session_id, "saveItems")
        if session is None:
            return _error(409, "SESSION_EXISTS")
        lib, coll = core.save_target()
        if not lib.editable:
            return compact_json(500, {"libraryEditable": False})
        given = data.get("items")
        raw_items: list[Any] = given if isinstance(given, list) else []
        saved: list[tuple[TranslatedItem, Item]] = []
        try:
            with core.store.transaction():
                translated = [from_translator(obj, core.schema, automatic_tags=core.automatic_tags, proxy=data.get("proxy"))
                              for obj in raw_items]
                if translated:
                    version = core.new_version(lib)
                    saved = [(t, self._store_translated(lib, coll, version, t, session)) for t in translated]
        except InvalidItem:
            session.item_ids.clear()
            session.connector_ids.clear()
            return Response(500)
        session.target = coll.tree_id if coll else lib.tree_id
        core.select(session.target)
        if core.version.old_server:
            report = [{"id": t.connector_id, "title": item.data.get("title", ""), "itemType": item.item_type,
                       "attachments": [{"id": f"{t.connector_id}-link-{i}", "title": a["title"], "url": a["url"],
                                        "mimeType": a["contentType"], "contentType": a["contentType"], "progress": 100}
                                       for i, a in enumerate(t.link_attachments)]}
                      for t, item in saved]
            return compact_json(201, {"items": report, "singleFile": False})
        return Response(201, b"", "application/json")

    def session_progress(self, call: Call) -> Outcome:
        """7.0.0–7.0.15: attachment download progress; the double downloads nothing, so everything is done."""
        found = self._session_for(call.data)
        if isinstance(found, Response):
            return found
        items = []
        for item_id in found.item_ids:
            item = self.core.store.item(item_id)
            if item is not None:
                items.append({"id": next((k for k, v in found.connector_ids.items() if v == item_id), item.key),
                              "attachments": []})
        return compact_json(200, {"items": items, "done": True})

    # ------------------------------------------------------------------ saveSnapshot
    def save_snapshot(self, call: Call) -> Outcome:
        core = self.core
        if self._outdated(call):
            return _error(400, "CONNECTOR_VERSION_OUTDATED")
        data = call.data if isinstance(call.data, dict) else {}
        session = self._new_session(data.get("sessionID") or f"zotero-fake-{uuid.uuid4()}", "saveSnapshot")
        if session is None:
            return _error(409, "SESSION_EXISTS")
        lib, coll = core.save_target()
        url = str(data.get("url") or "")
        title = data.get("title") or (_html_title(str(data.get("html") or "")) if data.get("html") else None) or url
        with core.store.transaction():
            version = core.new_version(lib)
            item = core.create_item(lib, "webpage", {"title": title, "url": url, "accessDate": now_iso(), "creators": [],
                                                     "tags": [], "relations": {}},
                                    version=version, collection_ids=[coll.id] if coll else [])
        session.item_ids.append(item.id)
        session.target = coll.tree_id if coll else lib.tree_id
        core.select(session.target)
        return Response(201, b"", "application/json")

    # ------------------------------------------------------------------ attachments
    def _files_not_editable(self, lib: Library) -> Response | None:
        return None if lib.files_editable else plain(200, "Library files are not editable.")

    def _attach_file(self, parent: Item | None, lib: Library, coll: Collection | None, *, title: str, url: str,
                     content_type: str, content: bytes, filename: str) -> Item:
        core = self.core
        with core.store.transaction():
            version = core.new_version(lib)
            data = {"title": title, "url": url, "linkMode": "imported_url", "contentType": content_type,
                    "tags": [], "relations": {}}
            if content_type.startswith("text/"):
                data["charset"] = "utf-8"
            item = core.create_item(lib, "attachment", data, version=version, parent=parent,
                                    collection_ids=[coll.id] if coll and parent is None else [])
            core.save_file(item, content, filename)
        return item

    def save_single_file(self, call: Call) -> Outcome:
        data: Any = call.data
        snapshot: Any = None
        if isinstance(data, list):  # multipart: a JSON part plus the snapshot part
            payload = next((p for p in data if p.get("name") in ("payload", "data")
                            or p["headers"].get("content-type", "").startswith("application/json")), None)
            snapshot_part = next((p for p in data if p.get("name") == "snapshotContent"), None)
            data = json.loads(payload["body"].decode("utf-8")) if payload else {}
            if snapshot_part is not None:
                snapshot = snapshot_part["body"].decode("utf-8", "replace")
        found = self._session_for(data)
        if isinstance(found, Response):
            return found
        session = found
        items = data.get("items") if isinstance(data.get("items"), list) else []
        parent = self._session_item(session, items[0].get("id") if items and isinstance(items[0], dict) else None)
        if parent is None:
            return Response(500)
        lib = self.core.library(parent.library_id)
        assert lib is not None
        refused = self._files_not_editable(lib)
        if refused:
            return refused
        content = snapshot if snapshot is not None else str(data.get("snapshotContent") or "")
        title = data.get("title") or _html_title(content) or "Snapshot"
        self._attach_file(parent, lib, None, title=title, url=str(data.get("url") or ""), content_type="text/html",
                          content=content.encode("utf-8"), filename=_safe_filename(title, "Snapshot") + ".html")
        return Response(201)

    def _metadata(self, call: Call) -> dict[str, Any] | None:
        raw = call.request.header("X-Metadata")
        if not raw:
            return None
        try:
            meta = json.loads(raw)
        except ValueError:
            return None
        return meta if isinstance(meta, dict) else None

    def save_attachment(self, call: Call) -> Outcome:
        meta = self._metadata(call)
        if meta is None:
            return _error(400, "METADATA_NOT_PROVIDED")
        found = self._session_for(meta)
        if isinstance(found, Response):
            return found
        parent = self._session_item(found, meta.get("parentItemID"))
        if parent is None:
            return Response(500)
        lib = self.core.library(parent.library_id)
        assert lib is not None
        refused = self._files_not_editable(lib)
        if refused:
            return refused
        url = str(meta.get("url") or "")
        title = str(meta.get("title") or "Attachment")
        media = call.media_type or "application/octet-stream"
        basename = url.rstrip("/").rsplit("/", 1)[-1] if url else ""
        self._attach_file(parent, lib, None, title=title, url=url, content_type=media, content=call.request.body,
                          filename=_safe_filename(basename or title, "attachment"))
        return Response(201)

    def save_standalone_attachment(self, call: Call) -> Outcome:
        meta = self._metadata(call)
        if meta is None:
            return _error(400, "METADATA_NOT_PROVIDED")
        session_id = meta.get("sessionID") or call.request.arg("sessionID") or f"zotero-fake-{uuid.uuid4()}"
        session = self._new_session(session_id, "saveStandaloneAttachment")
        if session is None:
            return _error(409, "SESSION_EXISTS")
        lib, coll = self.core.save_target()
        refused = self._files_not_editable(lib)
        if refused:
            return refused
        content_type = str(meta.get("contentType") or call.media_type or "application/octet-stream")
        url = str(meta.get("url") or "")
        title = str(meta.get("title") or "Attachment")
        basename = url.rstrip("/").rsplit("/", 1)[-1] if url else ""
        item = self._attach_file(None, lib, coll, title=title, url=url, content_type=content_type,
                                 content=call.request.body, filename=_safe_filename(basename or title, "attachment"))
        session.item_ids.append(item.id)
        session.target = coll.tree_id if coll else lib.tree_id
        return compact_json(201, {"canRecognize": content_type == "application/pdf"})

    def get_recognized_item(self, call: Call) -> Outcome:
        found = self._session_for(call.data)
        if isinstance(found, Response):
            return found
        return Response(204)  # the double has no PDF recognizer

    def has_attachment_resolvers(self, call: Call) -> Outcome:
        found = self._session_for(call.data)
        if isinstance(found, Response):
            return found
        item = self._session_item(found, call.data.get("itemID"))
        if item is None:
            return Response(500)
        extra = str(item.data.get("extra") or "")
        has = bool(item.data.get("DOI") or item.data.get("PMCID") or re.search(r"^(DOI|PMCID):", extra, re.M))
        return Response(200, "true" if has else "false", "application/json")

    def save_attachment_from_resolver(self, call: Call) -> Outcome:
        found = self._session_for(call.data)
        if isinstance(found, Response):
            return found
        if self._session_item(found, call.data.get("itemID")) is None:
            return Response(500)
        return plain(500, "Failed to save an attachment")  # no open-access source is reachable from the double

    def get_translator_code(self, call: Call) -> Outcome:
        return Response(500)  # the double ships no translators: an unknown translator ID throws

    def install_style(self, call: Call) -> Outcome:
        origin = call.request.arg("origin")
        text = call.data.decode("utf-8", "replace") if isinstance(call.data, bytes) else call.data
        title = None
        if isinstance(text, str):
            try:
                root = ET.fromstring(text.strip())
                if root.tag.rsplit("}", 1)[-1] == "style":
                    node = next((e for e in root.iter() if e.tag.rsplit("}", 1)[-1] == "title"), None)
                    title = node.text.strip() if node is not None and node.text else None
            except ET.ParseError:
                title = None
        if not title:
            return plain(400, f'"{origin or "(null)"}" is not a valid style file.')
        self.core.installed_styles.append(title)
        return compact_json(201, {"name": title})

    # ------------------------------------------------------------------ updateSession
    def update_session(self, call: Call) -> Outcome:
        core, v = self.core, self.core.version
        data = call.data if isinstance(call.data, dict) else {}
        found = self._session_for(data)
        if isinstance(found, Response):
            return found
        session = found
        target = data.get("target")
        if not isinstance(target, str) or not target:
            return Response(500)
        resolved = core.resolve_target(target)
        if resolved is None:
            return _error(400, "COLLECTION_NOT_FOUND") if target.startswith("C") else Response(500)
        lib, coll = resolved
        raw_tags = data.get("tags")
        if raw_tags is None:
            tag_names: list[str] = []
        elif isinstance(raw_tags, str):
            tag_names = [t.strip() for t in raw_tags.split(",") if t.strip()]
        elif isinstance(raw_tags, list) and v.tags_array:
            tag_names = [str(t).strip() for t in raw_tags if str(t).strip()]
        else:
            return Response(500)  # 7.x calls .split() on the value: an array throws
        note = data.get("note") if v.session_note and isinstance(data.get("note"), str) else None
        manual = [{"tag": name, "type": 0} for name in dict.fromkeys(tag_names)]
        with core.store.transaction():
            versions: dict[int, int] = {}

            def version_of(library: Library) -> int:
                if library.id not in versions:
                    versions[library.id] = core.new_version(library)
                return versions[library.id]

            for index, item_id in enumerate(list(session.item_ids)):
                item = core.store.item(item_id)
                if item is None:
                    continue
                if item.library_id != lib.id:
                    source = core.library(item.library_id)
                    assert source is not None
                    version_of(source)
                    item = self._move(session, item, lib, version_of(lib))
                    session.item_ids[index] = item.id
                automatic = [t for t in item.data.get("tags") or [] if int(t.get("type") or 0) == 1]
                item.data["tags"] = automatic + [t for t in manual if {"tag": t["tag"], "type": 1} not in automatic]
                item.collection_ids = [coll.id] if coll else []
                core.touch(item, version_of(lib))
                if note is not None:
                    self._set_session_note(session, item, lib, note, version_of(lib))
        session.target = target
        core.select(target)
        core.note_recent(target)
        return compact_json(200, {})

    def _set_session_note(self, session: Session, item: Item, lib: Library, note: str, version: int) -> None:
        core = self.core
        note_id = session.note_ids.get(item.id)
        existing = core.store.item(note_id) if note_id else None
        if note == "":
            if existing is not None:
                core.erase_item(existing)
            session.note_ids.pop(item.id, None)
            return
        if existing is not None:
            existing.data["note"] = note
            core.touch(existing, version)
            return
        created = core.create_item(lib, "note", {"note": note, "tags": [], "relations": {}}, version=version, parent=item)
        session.note_ids[item.id] = created.id

    def _move(self, session: Session, item: Item, lib: Library, version: int) -> Item:
        """Move a session item to another library: clone (new key), children follow, the original is erased."""
        core = self.core
        clone = core.clone_into(item, lib, version, [])
        for child in core.store.children(item.id):
            if child.item_type == "attachment" and child.data.get("linkMode") in ("imported_url", "imported_file") \
                    and not lib.files_editable:
                continue  # files cannot live in a library whose files are read-only
            moved = core.create_item(lib, child.item_type, dict(child.data), version=version, parent=clone)
            content = core.store.file(child.id)
            if content is not None:
                core.save_file(moved, content, child.data.get("filename") or "file", mtime_ms=child.data.get("mtime"))
            if session.note_ids.get(item.id) == child.id:
                session.note_ids[clone.id] = moved.id
        session.note_ids.pop(item.id, None)
        for cid, iid in list(session.connector_ids.items()):
            if iid == item.id:
                session.connector_ids[cid] = clone.id
        core.erase_item(item)
        return clone

    # ------------------------------------------------------------------ import
    def import_(self, call: Call) -> Outcome:
        core = self.core
        session_id = call.request.arg("session")
        session = self._new_session(session_id, "import")
        if session is None:
            return _error(409, "SESSION_EXISTS")
        body = call.data
        if isinstance(body, bytes):
            body = body.decode("utf-8", "replace")
        parsed = parse_bibtex(body) if isinstance(body, str) else None
        if not parsed:
            return Response(400)  # no import translator recognised the data
        lib, coll = core.save_target()
        if not lib.editable:
            return compact_json(500, {"libraryEditable": False})
        created: list[Item] = []
        try:
            with core.store.transaction():
                version = core.new_version(lib)
                for obj in parsed:
                    t = from_translator(obj, core.schema, automatic_tags=core.automatic_tags)
                    t.connector_id = None
                    created.append(self._store_translated(lib, coll, version, t, session))
        except InvalidItem:
            session.item_ids.clear()
            return Response(500)
        session.target = coll.tree_id if coll else lib.tree_id
        core.select(session.target)
        out = []
        for item in created:
            fresh = core.store.item(item.id)
            assert fresh is not None
            out.append(item_data_json(core, fresh, synced_version=True))
        return compact_json(201, out)

