"""A second, independent Zotero local server for the bridge's tests, written from PROTOCOL.md alone.

It shares no code with :mod:`zotero_bridge.testing` (the bridge's own double) on
purpose: the bridge must work against *Zotero*, not against one double's habits.
It implements only what the bridge uses, and where PROTOCOL.md allows several
readings it takes the stricter one:

* every answer is raw ``HTTP/1.0`` with Zotero's reason table (``undefined`` for
  401/413/428/429), bodies end at connection close (no Content-Length), JSON is
  pretty-printed with 4 spaces, the connection is closed after each answer;
* a POST without a decimal ``Content-Length`` is refused (so chunked bodies are),
  ``Content-Type`` must be ``application/json`` where PROTOCOL.md says so, the
  Host must be loopback (7.0.0–7.0.15 and 9.0.3+);
* saving moves ``Citation Key: …`` Extra lines into the ``citationKey`` field when
  the item type has it ("may be migrated"); fields a type lacks land in Extra;
* item ``data`` omits empty fields (empty ``tags``/``collections`` too) and
  carries ``dateAdded``, ``dateModified``, ``relations``; answers add ``meta``,
  ``links``, ``library``; an item's tags come back sorted by name, descending
  (an order unrelated to the order they were written in);
* ``itemType`` is required on every item object of ``POST /items`` (updates too);
* ``/items`` and ``/items/top`` leave trashed items out unless ``includeTrashed=1``,
  the default sort is ``dateModified`` descending, and ``page_size`` makes the
  server page even without ``limit`` (``Total-Results`` + ``Link: rel="next"``);
* authorization can take a while (``authorize_delay``); single-use keys are spent
  by the first write; more than five prompts a minute answer 429;
* the 7.0.0–7.0.15 server answers saveItems with ``{items, singleFile}``; 7.x
  ``updateSession`` takes tags only as a string (an array is a 500);
* the row selected in Zotero's left pane can change between calls (``wander``).

Departures from the recommended client behaviour that Zotero itself tolerates
(no ``Zotero-Allowed-Request``, a ``Content-Type`` with parameters, a key in the
URL …) are recorded in :attr:`IndepZotero.violations` for the tests to assert on.
"""

from __future__ import annotations

import json
import random
import re
import string
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any
from urllib.parse import parse_qsl, quote, urlencode

from bibkit.testing.server import LocalServer, Reply, Request

# --------------------------------------------------------------------------- schema (PROTOCOL.md section 4)

_TAIL = ["url", "accessDate", "archive", "archiveLocation", "shortTitle", "language", "libraryCatalog", "callNumber",
         "rights", "extra"]
FIELDS: dict[str, list[str]] = {
    "preprint": ["title", "abstractNote", "genre", "repository", "archiveID", "place", "date", "series",
                 "seriesNumber", "DOI", "citationKey", "url", "accessDate", "archive", "archiveLocation", "shortTitle",
                 "language", "libraryCatalog", "callNumber", "rights", "extra"],
    "journalArticle": ["title", "abstractNote", "publicationTitle", "publisher", "place", "date", "volume", "issue",
                       "section", "partNumber", "partTitle", "pages", "series", "seriesTitle", "seriesText",
                       "journalAbbreviation", "DOI", "citationKey", "url", "accessDate", "PMID", "PMCID", "ISSN",
                       "archive", "archiveLocation", "shortTitle", "language", "libraryCatalog", "callNumber", "rights",
                       "extra"],
    "conferencePaper": ["title", "abstractNote", "proceedingsTitle", "conferenceName", "publisher", "place", "date",
                        "eventPlace", "volume", "issue", "numberOfVolumes", "pages", "series", "seriesNumber", "DOI",
                        "ISBN", "citationKey", "url", "accessDate", "ISSN", "archive", "archiveLocation", "shortTitle",
                        "language", "libraryCatalog", "callNumber", "rights", "extra"],
    "document": ["title", "abstractNote", "publisher", "date", "citationKey"] + _TAIL,
    "attachment": ["title", "url", "accessDate"],
    "note": [],
}
BASE = {"preprint": {"genre": "type", "repository": "publisher", "archiveID": "number"},
        "conferencePaper": {"proceedingsTitle": "publicationTitle"}}
CREATOR_TYPES = {
    "preprint": ["author", "contributor", "editor", "translator", "reviewedAuthor"],
    "journalArticle": ["author", "contributor", "editor", "translator", "reviewedAuthor"],
    "conferencePaper": ["author", "contributor", "editor", "translator", "seriesEditor"],
    "document": ["author", "contributor", "editor", "reviewedAuthor", "translator"],
}
#: properties of item JSON that are not fields
_STRUCTURAL = {"key", "version", "itemType", "creators", "tags", "collections", "relations", "deleted", "parentItem",
               "note", "linkMode", "contentType", "charset", "filename", "md5", "mtime", "dateAdded", "dateModified"}
_KEY_RE = re.compile(r"^[23456789ABCDEFGHIJKLMNPQRSTUVWXYZ]{8}$")
_REASONS = {200: "OK", 201: "Created", 204: "No Content", 300: "Multiple Choices", 304: "Not Modified",
            400: "Bad Request", 403: "Forbidden", 404: "Not Found", 409: "Conflict", 412: "Precondition Failed",
            500: "Internal Server Error", 501: "Not Implemented", 503: "Service Unavailable", 504: "Gateway Timeout"}


def _vt(version: str) -> tuple[int, ...]:
    return tuple(int(n) for n in re.findall(r"\d+", version)[:3])


def _now() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _field_for(item_type: str, name: str) -> str | None:
    """The type-specific field a (base or specific) field name means for ``item_type``, if the type has it."""
    fields = FIELDS.get(item_type, [])
    if name in fields:
        return name
    for specific, base in BASE.get(item_type, {}).items():
        if base == name and specific in fields:
            return specific
    return None


def migrate_extra(data: dict[str, Any]) -> None:
    """Move ``Label: value`` Extra lines naming an empty (or equal) field of the type into that field."""
    extra = data.get("extra")
    if not extra:
        return
    kept = []
    by_label = {f.lower(): f for f in FIELDS.get(data["itemType"], []) if f != "extra"}
    for line in extra.split("\n"):
        m = re.match(r"^\s*([A-Za-z][A-Za-z -]*?)\s*:\s*(\S.*?)\s*$", line)
        name = by_label.get(re.sub(r"[\s-]", "", m.group(1)).lower()) if m else None
        if name and (not data.get(name) or data[name] == m.group(2)):
            data[name] = m.group(2)
            continue
        kept.append(line)
    text = "\n".join(kept).strip("\n")
    if text:
        data["extra"] = text
    else:
        data.pop("extra", None)


# --------------------------------------------------------------------------- state


@dataclass
class Collection:
    key: str
    id: int
    name: str
    parent: str | None  # key
    version: int
    library: int = 1


@dataclass
class Item:
    data: dict[str, Any]  # Web API data without key/version (non-empty fields only)
    key: str
    version: int
    collections: list[str] = field(default_factory=list)
    deleted: bool = False

    @property
    def item_type(self) -> str:
        return self.data["itemType"]


class Fault:
    """One scripted failure of the next matching request."""

    def __init__(self, kind: str):
        self.kind = kind


class IndepZotero(LocalServer):
    """Zotero's local HTTP server as PROTOCOL.md describes it, for one Zotero release.

    ``version``: the app version (``"10.0.1"``, ``"9.0.6"``, ``"8.0.5"``, ``"7.0.32"``,
    ``"7.0.10"`` for the old server).  ``local_api``: the pref.  ``authorize``:
    the user's click (``always`` | ``allow`` | ``deny``).  ``page_size``: page
    even without ``limit`` (``total_results=False``: announce the next page only
    in ``Link``).  ``wander``: the left-pane selection moves before every
    connector call.  ``automatic_tags``: the pref that keeps saveItems' tags.
    """

    def __init__(self, version: str = "10.0.1", *, local_api: bool = True, authorize: str = "always",
                 authorize_delay: float = 0.0, page_size: int | None = None, wander: bool = False,
                 automatic_tags: bool = True, group: bool = True, total_results: bool = True):
        super().__init__()
        self.version = version
        self.vt = _vt(version)
        self.local_api = local_api
        self.authorize_answer = authorize
        self.authorize_delay = authorize_delay
        self.page_size = page_size
        self.wander = wander
        self.automatic_tags = automatic_tags
        self.total_results = total_results  # False: page with Link rel="next" only
        self.server_id = "".join(random.choice(string.ascii_lowercase + string.digits) for _ in range(12))
        self.lock = threading.RLock()
        self.late_in_flight = 0  # requests a "late:" fault holds back, not carried out yet
        self.collections: dict[str, Collection] = {}
        self.items: dict[str, Item] = {}
        self.library_version = 0
        self.sessions: dict[str, list[str]] = {}
        self.keys: dict[str, bool] = {}  # key -> remembered
        self.prompts: list[float] = []
        self.prompted_apps: list[str] = []
        self.tokens: set[str] = set()
        self.faults: dict[tuple[str, str], list[Fault]] = {}
        self.violations: list[str] = []
        self._next_id = 1
        self.group_collections: list[tuple[int, str, int]] = []  # (id, name, level) in an editable group
        if group:
            self.group_collections = [(900, "Reading", 1), (901, "MoE", 2)]
        self.selected = "L1"

    # ------------------------------------------------------------------ helpers for tests

    @property
    def writes(self) -> bool:
        return self.vt >= (10,)

    def restart(self) -> "IndepZotero":
        """Start again on the same port (after a scripted ``quit``)."""
        port = self._last_port
        self._port = port
        return self.start()  # type: ignore[return-value]

    def start(self) -> "IndepZotero":
        super().start()
        self._last_port = self.port
        return self

    def fault(self, path: str, method: str, kind: str, times: int = 1) -> None:
        """Script the next ``times`` requests to ``method path``: ``drop`` (before doing anything),
        ``drop-after-commit``, ``500`` (nothing done), ``quit`` (Zotero exits), ``slow:<s>`` (done, late answer),
        ``late:<s>`` (Zotero is busy: the request is carried out only after ``s`` seconds), ``429:<s>``
        (refused with ``Retry-After: s``), ``409`` (SESSION_EXISTS), ``403`` (write access denied),
        ``new-server-id`` (another profile answers from now on: new Server-ID, no keys)."""
        self.faults.setdefault((method, path), []).extend(Fault(kind) for _ in range(times))

    def add_collection(self, path: str) -> str:
        """Create the collections of ``path`` (``A/B``) as the user would; returns the leaf key."""
        parent = None
        for name in path.split("/"):
            found = next((c for c in self.collections.values() if c.name == name and c.parent == parent), None)
            if found is None:
                found = self._new_collection(name, parent)
            parent = found.key
        assert parent is not None
        return parent

    def add_item(self, data: dict[str, Any], *, collections: list[str] = (), deleted: bool = False,
                 key: str | None = None) -> str:
        """An item the user made in Zotero (``collections`` are paths)."""
        with self.lock:
            item = self._new_item(dict(data), key=key)
            item.collections = [self.add_collection(p) for p in collections]
            item.deleted = deleted
            return item.key

    def collection_key(self, path: str) -> str | None:
        for key, p in self.paths().items():
            if p == path:
                return key
        return None

    def paths(self) -> dict[str, str]:
        out = {}
        for c in self.collections.values():
            names, cur = [], c
            while cur is not None:
                names.append(cur.name)
                cur = self.collections.get(cur.parent) if cur.parent else None
            out[c.key] = "/".join(reversed(names))
        return out

    def wait_idle(self, timeout: float = 30.0) -> None:
        """Until every request a busy Zotero held back ("late:") is carried out (a test's wait that does
        not depend on how fast a loaded machine runs the work)."""
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            with self.lock:
                if not self.late_in_flight:
                    return
            time.sleep(0.05)
        raise AssertionError(f"the Zotero double is still busy after {timeout} s")

    def top_items(self, *, trashed: bool = False) -> list[dict[str, Any]]:
        """Top-level regular items as full data dicts (key, collections, tags… included)."""
        return [self.full_data(i) for i in self.items.values()
                if "parentItem" not in i.data and i.item_type not in ("note", "attachment") and i.deleted == trashed]

    def children(self, key: str) -> list[dict[str, Any]]:
        return [self.full_data(i) for i in self.items.values() if i.data.get("parentItem") == key]

    def full_data(self, item: Item) -> dict[str, Any]:
        data = {"key": item.key, "version": item.version, **item.data}
        if item.collections:
            data["collections"] = list(item.collections)
        if item.data.get("tags"):
            data["tags"] = sorted(item.data["tags"], key=lambda t: t["tag"], reverse=True)
        if item.deleted:
            data["deleted"] = True
        data.setdefault("relations", {})
        return data

    def write_log(self) -> list[Request]:
        """Requests that change the library (or could have)."""
        return [r for r in self.log if (r.method != "GET" and (r.path.startswith("/api/users/")
                                                                or r.path in ("/connector/saveItems",
                                                                              "/connector/updateSession")))]

    # ------------------------------------------------------------------ internals

    def _id(self) -> int:
        self._next_id += 1
        return self._next_id

    def _new_key(self) -> str:
        while True:
            key = "".join(random.choice("23456789ABCDEFGHIJKLMNPQRSTUVWXYZ") for _ in range(8))
            if key not in self.items and key not in self.collections:
                return key

    def _bump(self) -> int:
        if self.writes:
            self.library_version += 1
            return self.library_version
        return 0  # up to 9.x object versions are synced versions: never synced here

    def _new_collection(self, name: str, parent: str | None, key: str | None = None) -> Collection:
        c = Collection(key or self._new_key(), self._id(), name, parent, self._bump())
        self.collections[c.key] = c
        return c

    def _new_item(self, data: dict[str, Any], key: str | None = None) -> Item:
        now = _now()
        data.setdefault("dateAdded", now)
        data.setdefault("dateModified", now)
        migrate_extra(data) if data.get("itemType") in FIELDS else None
        item = Item({k: v for k, v in data.items() if v not in ("", None, [], {})}, key or self._new_key(), self._bump())
        self.items[item.key] = item
        return item

    # ------------------------------------------------------------------ HTTP

    def reply(self, status: int, body: Any = b"", *, ctype: str | None = None, headers: dict[str, str] | None = None,
              delay: float = 0.0) -> Reply:
        h = {"X-Zotero-Version": self.version, "X-Zotero-Connector-API-Version": "3", **(headers or {})}
        if isinstance(body, (dict, list)) or (ctype == "application/json" and not isinstance(body, (bytes, str))):
            body = json.dumps(body, indent=4, ensure_ascii=False)
            ctype = ctype or "application/json"
        return Reply(status, body, h, ctype, delay=delay, reason=_REASONS.get(status, "undefined"), http10=True)

    def text(self, status: int, text: str, headers: dict[str, str] | None = None) -> Reply:
        return self.reply(status, text, ctype="text/plain", headers=headers)

    def handle(self, request: Request) -> Reply | None:
        with self.lock:
            faults = self.faults.get((request.method, request.path))
            fault = faults.pop(0) if faults else None
        if fault is not None and fault.kind in ("drop", "quit"):
            if fault.kind == "quit":
                self.stop()  # from a handler thread: the accept loop ends, the port closes
            return None
        if fault is not None and fault.kind == "500":
            return self.reply(500)
        if fault is not None and fault.kind.startswith("429:"):  # refused, nothing done; come back later
            return self.text(429, "Too many requests", {"Retry-After": fault.kind.split(":", 1)[1]})
        if fault is not None and fault.kind == "409":  # a session ID already used: nothing saved
            return self.reply(409, {"error": "SESSION_EXISTS"})
        if fault is not None and fault.kind == "403":  # the library is read-only now
            return self.text(403, "Write access denied", self._api_headers())
        if fault is not None and fault.kind == "new-server-id":  # the user switched profile: other ID, no keys
            with self.lock:
                self.server_id = "".join(random.choice(string.ascii_lowercase + string.digits) for _ in range(12))
                self.keys.clear()
        late = fault is not None and fault.kind.startswith("late:")
        if late:
            with self.lock:
                self.late_in_flight += 1
            time.sleep(float(fault.kind.split(":", 1)[1]))  # Zotero is busy: the work is done after the wait
        try:
            with self.lock:
                reply = self._route(request)
        finally:
            if late:
                with self.lock:
                    self.late_in_flight -= 1
        if fault is not None and fault.kind == "drop-after-commit":
            return None
        if fault is not None and fault.kind.startswith("slow:"):
            reply.delay = float(fault.kind.split(":", 1)[1])
        return reply

    def _route(self, r: Request) -> Reply | None:
        host = (r.header("Host") or "").rsplit(":", 1)[0] if not (r.header("Host") or "").startswith("[") else "[::1]"
        host_check = self.vt < (7, 0, 16) or self.vt >= (9, 0, 3)
        allowed_hosts = {"127.0.0.1", "localhost"} | ({"[::1]"} if self.vt >= (9, 0, 3) else set())
        if host_check and host not in allowed_hosts:
            return self.text(400, "Invalid Host header\n")
        if r.method in ("POST", "PUT", "PATCH") and not (r.header("Content-Length") or "").isdigit():
            return self.text(400, "Content-length not provided\n")
        if "key=" in r.raw_query or "api_key" in r.raw_query:
            self.violations.append(f"API key in the URL of {r.method} {r.path}")
        if r.path.startswith("/connector/"):
            if r.header("X-Zotero-Connector-API-Version") != "3":
                self.violations.append(f"{r.path} without X-Zotero-Connector-API-Version: 3")
            return self._connector(r)
        if r.path.startswith("/api/"):
            if r.header("Zotero-Allowed-Request") != "1":
                self.violations.append(f"{r.path} without Zotero-Allowed-Request: 1")
            return self._api(r)
        return self.text(404, "No endpoint found\n")

    def _json_body(self, r: Request) -> tuple[Any, Reply | None]:
        ctype = r.header("Content-Type")
        if ctype is None:
            return None, None  # no Content-Type: the endpoint receives no body
        if ctype != "application/json":
            self.violations.append(f"{r.path}: Content-Type {ctype!r} (not exactly application/json)")
        if ctype.split(";")[0].strip().lower() != "application/json":
            return None, self.text(400, "Endpoint does not support content-type\n")
        try:
            return json.loads(r.body.decode("utf-8")), None
        except ValueError:
            return None, self.text(400, "Invalid JSON provided\n")

    # ------------------------------------------------------------------ connector

    def _targets(self) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = [{"id": "L1", "name": "My Library", "filesEditable": True, "level": 0}]

        def walk(parent: str | None, level: int) -> None:
            for c in sorted((c for c in self.collections.values() if c.parent == parent), key=lambda c: c.name):
                out.append({"id": f"C{c.id}", "name": c.name, "filesEditable": True, "level": level})
                walk(c.key, level + 1)

        walk(None, 1)
        if self.group_collections:
            out.append({"id": "L2", "name": "Team", "filesEditable": True, "level": 0})
            out += [{"id": f"C{i}", "name": n, "filesEditable": True, "level": lvl} for i, n, lvl in self.group_collections]
        return out

    def _move_selection(self) -> None:
        if self.wander:
            choices = [t["id"] for t in self._targets()]
            self.selected = random.choice(choices)

    def _connector(self, r: Request) -> Reply | None:
        name = r.path[len("/connector/"):]
        if name == "ping":
            if r.method == "GET":
                return self.reply(200, "<!DOCTYPE html><html><body>Zotero is running</body></html>", ctype="text/html")
            return self.reply(200, {"prefs": {"supportsAttachmentUpload": True}})
        if name not in ("getSelectedCollection", "saveItems", "updateSession"):
            return self.text(404, "No endpoint found\n")
        if r.method != "POST":
            return self.text(400, "Endpoint does not support method\n")
        body, error = self._json_body(r)
        if error:
            return error
        if name == "getSelectedCollection":
            if not isinstance(body, dict) and self.vt >= (8,):
                return None  # the handler throws after accepting: no answer ever comes
            self._move_selection()
            return self.reply(200, self._selected())
        if name == "saveItems":
            return self._save_items(r, body)
        return self._update_session(body)

    def _selected(self) -> dict[str, Any]:
        sel = self.selected
        out: dict[str, Any] = {"libraryID": 1, "libraryName": "My Library", "libraryEditable": True,
                               "filesEditable": True, "editable": True, "id": None, "name": "My Library",
                               "targets": self._targets()}
        if sel.startswith("C"):
            c = next((c for c in self.collections.values() if f"C{c.id}" == sel), None)
            g = next(((i, n) for i, n, _ in self.group_collections if f"C{i}" == sel), None)
            if c is not None:
                out["id"], out["name"] = c.id, c.name
            elif g is not None:
                out.update({"libraryID": 2, "libraryName": "Team", "id": g[0], "name": g[1]})
        elif sel == "L2":
            out.update({"libraryID": 2, "libraryName": "Team", "name": "Team"})
        if self.vt >= (8,):
            out["tags"] = {"L1": [{"tag": t["tag"], **({"type": t["type"]} if t.get("type") else {})}
                                  for i in self.items.values() for t in i.data.get("tags", [])]}
        return out

    def _save_items(self, r: Request, body: Any) -> Reply:
        api = r.header("X-Zotero-Connector-API-Version")
        if api is not None and api.isdigit() and int(api) < 3 and self.vt >= (7, 0, 20):
            return self.reply(400, {"error": "CONNECTOR_VERSION_OUTDATED"})
        if not isinstance(body, dict):
            return self.reply(500)
        session = body.get("sessionID") or f"auto-{random.random()}"
        if session in self.sessions:
            return self.reply(409, {"error": "SESSION_EXISTS"})
        self.sessions[session] = []  # burnt even if the save fails
        self._move_selection()
        target = self.selected
        collection = next((c.key for c in self.collections.values() if f"C{c.id}" == target), None)
        built: list[tuple[dict[str, Any], list[dict[str, Any]]]] = []
        try:
            for obj in body.get("items") or []:
                built.append(self._translate(obj))
        except ValueError:
            return self.reply(500)  # one transaction: nothing is kept
        created = []
        for data, children in built:
            item = self._new_item(data)
            if collection:
                item.collections = [collection]
            created.append(item.key)
            for child in children:
                child["parentItem"] = item.key
                created.append(self._new_item(child).key)
        self.sessions[session] = created
        if self.vt < (7, 0, 16):
            return self.reply(201, {"items": [{"id": o.get("id"), "title": o.get("title"),
                                               "itemType": o.get("itemType") or "webpage", "attachments": []}
                                              for o in body.get("items") or []], "singleFile": False})
        return self.reply(201, b"", ctype="application/json")

    def _translate(self, obj: dict[str, Any]) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        itype = obj.get("itemType") or "webpage"
        if itype not in FIELDS or itype in ("note", "attachment"):
            raise ValueError(itype)
        data: dict[str, Any] = {"itemType": itype}
        extra_lines = [obj["extra"]] if obj.get("extra") else []
        for k, v in obj.items():
            if k in ("id", "itemID", "version", "dateAdded", "dateModified", "seeAlso", "path", "notes", "attachments",
                     "tags", "creators", "itemType", "extra", "key", "collections", "relations"):
                continue
            name = _field_for(itype, k)
            if v in ("", None):
                continue
            if name is None:
                if isinstance(v, str):
                    extra_lines.append(f"{k}: {v}")
                continue
            data[name] = _now() if (name == "accessDate" and v == "CURRENT_TIMESTAMP") else v
        if extra_lines:
            data["extra"] = "\n".join(extra_lines)
        creators = [{**c, "creatorType": c.get("creatorType") or "author"} for c in obj.get("creators") or []]
        if creators:
            data["creators"] = creators
        tags = []
        for t in obj.get("tags") or []:
            name = t if isinstance(t, str) else (t or {}).get("tag")
            if name and name.strip() and self.automatic_tags:
                tags.append({"tag": name.strip(), "type": 1})
        if tags:
            data["tags"] = tags
        children = []
        for note in obj.get("notes") or []:
            children.append({"itemType": "note", "note": note if isinstance(note, str) else note.get("note", "")})
        for att in obj.get("attachments") or []:
            if att.get("snapshot") is False and att.get("url") and (att.get("mimeType") or "").startswith("text/html"):
                children.append({"itemType": "attachment", "linkMode": "linked_url", "title": att.get("title") or "",
                                 "url": att["url"], "contentType": att.get("mimeType")})
        return data, children

    def _update_session(self, body: Any) -> Reply:
        if not isinstance(body, dict) or not body.get("sessionID"):
            return self.reply(400, {"error": "SESSION_ID_NOT_PROVIDED"})
        keys = self.sessions.get(body["sessionID"])
        if keys is None:
            return self.reply(400, {"error": "SESSION_NOT_FOUND"})
        target = body.get("target")
        if not target:
            return self.reply(500)
        if target.startswith("C"):
            coll = next((c.key for c in self.collections.values() if f"C{c.id}" == target), None)
            if coll is None and not any(f"C{i}" == target for i, _, _ in self.group_collections):
                return self.reply(400, {"error": "COLLECTION_NOT_FOUND"})
        elif target in ("L1", "L2"):
            coll = None
        else:
            return self.reply(500)
        tags = body.get("tags")
        if isinstance(tags, list):
            if self.vt < (8,):
                return self.reply(500)
            names = [t.strip() for t in tags if isinstance(t, str) and t.strip()]
        elif isinstance(tags, str):
            names = [t.strip() for t in tags.split(",") if t.strip()]
        elif tags is None:
            names = []
        else:
            return self.reply(500)
        for key in keys:
            item = self.items.get(key)
            if item is None or "parentItem" in item.data:
                continue
            item.collections = [coll] if coll else []
            auto = [t for t in item.data.get("tags", []) if t.get("type") == 1]
            new = auto + [{"tag": n} for n in dict.fromkeys(names)]
            if new:
                item.data["tags"] = new
            else:
                item.data.pop("tags", None)
            item.version = self._bump() or item.version
        self.selected = target
        return self.reply(200, {})

    # ------------------------------------------------------------------ local API

    def _api_headers(self) -> dict[str, str]:
        h = {"Zotero-API-Version": "3", "Zotero-Schema-Version": "41"}
        if self.writes:
            h["Zotero-Server-ID"] = self.server_id
        return h

    def _api(self, r: Request) -> Reply | None:
        if not self.local_api:
            return self.text(403, "Local API is not enabled")
        write = r.method in ("POST", "PUT", "PATCH", "DELETE")
        if write and not self.writes:
            if r.method == "POST":
                return self.text(400, "Endpoint does not support method\n")
            return self.text(501, "Method not implemented\n")
        sid = r.header("Zotero-Server-ID")
        if self.writes:
            if write and sid is None:
                return self.text(428, "Zotero-Server-ID not provided", self._api_headers())
            if sid is not None and sid != self.server_id:
                return self.text(412, "Zotero-Server-ID does not match this server", self._api_headers())
        if r.path == "/api/":
            return self.text(200, "Nothing to see here.", self._api_headers())
        api_version = r.header("Zotero-API-Version") or r.arg("v")
        if api_version is None:
            self.violations.append(f"{r.method} {r.path} without Zotero-API-Version")
        elif api_version != "3":
            return self.text(501, f"API version not implemented: {api_version}")
        if r.path == "/api/local/authorize":
            return self._authorize(r)
        if r.path == "/api/itemTypeFields":
            itype = r.arg("itemType")
            if itype not in FIELDS or itype in ("note",):
                return self.text(400, "Invalid or missing 'itemType' value", self._api_headers())
            return self.reply(200, [{"field": f, "localized": f} for f in FIELDS[itype]], headers=self._api_headers())
        if not r.path.startswith("/api/users/"):
            return self.text(404, "No endpoint found\n")
        rest = r.path[len("/api/users/"):].split("/")
        if rest[0] != "0":
            return self.text(400, "Only data for the logged-in user is available locally -- use userID 0",
                             self._api_headers())
        route = "/".join(rest[1:])
        if write:
            denied = self._check_key(r)
            if denied:
                return denied
            if r.method != "POST" or route not in ("items", "collections"):
                return self.text(405, "Method not allowed for this path", self._api_headers())
            return self._post(r, route)
        return self._read(r, route)

    # -- authorization

    def _authorize(self, r: Request) -> Reply:
        if r.method != "POST":
            return self.text(400, "Endpoint does not support method\n")
        if not self.writes:
            return self.text(404, "No endpoint found\n")
        body, error = self._json_body(r)
        if error:
            return error
        app = (body or {}).get("appName") if isinstance(body, dict) else None
        if not app or not str(app).strip():
            return self.text(400, "appName is required", self._api_headers())
        now = time.monotonic()
        self.prompts = [t for t in self.prompts if now - t < 60]
        if len(self.prompts) >= 5:
            wait = max(1, int(60 - (now - self.prompts[0])))
            return self.text(429, "Too many authorization requests", {**self._api_headers(), "Retry-After": str(wait)})
        self.prompts.append(now)
        self.prompted_apps.append(app)
        delay = self.authorize_delay
        if self.authorize_answer == "deny":
            return self.reply(403, {"denied": True}, headers=self._api_headers(), delay=delay)
        key = "".join(random.choice(string.ascii_letters + string.digits) for _ in range(32))
        remember = self.authorize_answer == "always"
        self.keys[key] = remember
        return self.reply(200, {"key": key, "remember": remember}, headers=self._api_headers(), delay=delay)

    def _check_key(self, r: Request) -> Reply | None:
        key = r.header("Zotero-API-Key") or r.arg("key")
        auth = r.header("Authorization") or ""
        if not key and auth.startswith("Bearer "):
            key = auth[len("Bearer "):]
        if not key:
            return self.text(401, "API key required -- POST /api/local/authorize to obtain one",
                             {"WWW-Authenticate": 'Zotero-API-Key realm="Zotero Local API"'})
        if key not in self.keys:
            return self.text(401, "Invalid or expired API key")
        if not self.keys[key]:
            del self.keys[key]  # single-use ("Allow"): spent by the first write it validates
        return None

    # -- reads

    def _item_json(self, item: Item, host: str) -> dict[str, Any]:
        base = f"http://{host}/api/users/0"
        data = self.full_data(item)
        meta: dict[str, Any] = {"numChildren": sum(1 for i in self.items.values()
                                                   if i.data.get("parentItem") == item.key and not i.deleted)}
        creators = data.get("creators") or []
        if creators:
            meta["creatorSummary"] = creators[0].get("lastName") or creators[0].get("name") or ""
        m = re.match(r"^(\d{4})(?:-(\d\d))?(?:-(\d\d))?", data.get("date") or "")
        if m:
            meta["parsedDate"] = "-".join(g for g in m.groups() if g)
        links: dict[str, Any] = {"self": {"href": f"{base}/items/{item.key}", "type": "application/json"}}
        if data.get("parentItem"):
            links["up"] = {"href": f"{base}/items/{data['parentItem']}", "type": "application/json"}
        return {"key": item.key, "version": item.version,
                "library": {"type": "user", "id": 0, "name": "My Library",
                            "links": {"self": {"href": base, "type": "application/json"}}},
                "links": links, "meta": meta, "data": data}

    def _coll_json(self, c: Collection, host: str) -> dict[str, Any]:
        base = f"http://{host}/api/users/0"
        return {"key": c.key, "version": c.version,
                "library": {"type": "user", "id": 0, "name": "My Library"},
                "links": {"self": {"href": f"{base}/collections/{c.key}", "type": "application/json"}},
                "meta": {"numCollections": sum(1 for x in self.collections.values() if x.parent == c.key),
                         "numItems": sum(1 for i in self.items.values() if c.key in i.collections and not i.deleted)},
                "data": {"key": c.key, "version": c.version, "name": c.name, "parentCollection": c.parent or False,
                         "relations": {}}}

    def _read(self, r: Request, route: str) -> Reply:
        host = r.header("Host") or f"127.0.0.1:{self.port}"
        parts = route.split("/")
        if parts[0] == "collections":
            if len(parts) == 1:
                objs = [self._coll_json(c, host) for c in sorted(self.collections.values(), key=lambda c: c.name)]
                return self._list(r, objs)
            coll = self.collections.get(parts[1])
            if coll is None:
                return self.text(404, "Not found", self._api_headers())
            if len(parts) == 2:
                return self.reply(200, self._coll_json(coll, host),
                                  headers={**self._api_headers(), "Last-Modified-Version": str(coll.version)})
            if parts[2] == "items" and len(parts) in (3, 4) and (len(parts) == 3 or parts[3] == "top"):
                direct = [i for i in self.items.values() if coll.key in i.collections]
                pool = list(direct)
                if len(parts) == 3:  # /items also includes the children of those items
                    keys = {i.key for i in direct}
                    pool += [i for i in self.items.values() if i.data.get("parentItem") in keys and i not in pool]
                else:
                    pool = [i for i in pool if "parentItem" not in i.data]
                return self._items(r, pool, host)
            return self.text(404, "No endpoint found\n")
        if parts[0] == "items":
            if len(parts) == 1:
                return self._items(r, list(self.items.values()), host)
            if parts[1] == "top" and len(parts) == 2:
                return self._items(r, [i for i in self.items.values() if "parentItem" not in i.data], host)
            item = self.items.get(parts[1])
            if item is None:
                return self.text(404, "Not found", self._api_headers())
            return self.reply(200, self._item_json(item, host),
                              headers={**self._api_headers(), "Last-Modified-Version": str(item.version)})
        return self.text(404, "No endpoint found\n")

    def _items(self, r: Request, pool: list[Item], host: str) -> Reply:
        if r.arg("includeTrashed") not in ("1", "true"):
            pool = [i for i in pool if not i.deleted]
        keys = r.arg("itemKey")
        if keys:
            wanted = set(keys.split(","))
            pool = [i for i in pool if i.key in wanted]
        itype = r.arg("itemType")
        if itype:
            negate = itype.startswith("-")
            names = {t.strip() for t in itype.lstrip("-").split("||")}
            pool = [i for i in pool if (i.item_type in names) != negate]
        sort = r.arg("sort") or "dateModified"
        if sort not in ("dateAdded", "dateModified", "title"):
            return self.text(400, f"Invalid 'sort' value '{sort}'", self._api_headers())
        desc = (r.arg("direction") or ("desc" if sort.startswith("date") else "asc")) == "desc"
        pool.sort(key=lambda i: (str(i.data.get(sort) or ""), i.version, i.key), reverse=desc)
        fmt = r.arg("format") or "json"
        if fmt in ("bibtex", "biblatex"):
            text = "\n".join(self._bibtex(i) for i in pool if i.item_type not in ("note", "attachment"))
            return self.reply(200, text, ctype="text/plain", headers=self._api_headers())
        if fmt not in ("json", "keys"):
            return self.text(400, f"Invalid 'format' value '{fmt}'", self._api_headers())
        objs = [self._item_json(i, host) for i in pool]
        if fmt == "keys":
            return self.text(200, "\n".join(o["key"] for o in objs) + "\n", self._api_headers())
        return self._list(r, objs)

    def _list(self, r: Request, objs: list[Any]) -> Reply:
        total = len(objs)
        try:
            start = int(r.arg("start") or 0)
            limit = int(r.arg("limit")) if r.arg("limit") else None
        except ValueError:
            return self.text(400, "Invalid 'start' or 'limit'", self._api_headers())
        if self.page_size is not None:
            limit = min(limit or self.page_size, self.page_size)
        page = objs[start:] if limit is None else objs[start:start + limit]
        host = r.header("Host") or f"127.0.0.1:{self.port}"
        pairs = [(k, v) for k, v in parse_qsl(r.raw_query, keep_blank_values=True) if k not in ("start", "limit")]

        def url(s: int) -> str:
            q = pairs + ([("limit", str(limit))] if limit else []) + [("start", str(s))]
            return f"http://{host}{r.path}?{urlencode(q, quote_via=quote)}"

        links = []
        if limit and start + limit < total:
            links.append(f'<{url(start + limit)}>; rel="next"')
        last = ((total - 1) // limit) * limit if (limit and total) else 0
        links.append(f'<{url(last)}>; rel="last"')
        headers = {**self._api_headers(), "Link": ", ".join(links), "Last-Modified-Version": str(self.library_version)}
        if self.total_results:
            headers["Total-Results"] = str(total)
        return self.reply(200, page, ctype="application/json", headers=headers)

    def _bibtex(self, item: Item) -> str:
        d = item.data
        key = (re.search(r"(?im)^citation key:\s*(\S+)", d.get("extra") or "") or [None, None])[1] or d.get("citationKey")
        if not key:
            first = (d.get("creators") or [{}])[0]
            key = f"{(first.get('lastName') or first.get('name') or 'anon').lower()}_{(d.get('title') or 'x').split()[0].lower()}"
        kind = {"journalArticle": "article", "conferencePaper": "inproceedings"}.get(item.item_type, "misc")
        lines = [f"@{kind}{{{key},"] + [f"\t{f} = {{{d[z]}}}," for f, z in (("title", "title"), ("doi", "DOI"),
                                                                             ("url", "url")) if d.get(z)]
        return "\n".join(lines) + "\n}\n"

    # -- writes (10+)

    def _post(self, r: Request, route: str) -> Reply:
        body, error = self._json_body(r)
        if error:
            return self.text(400, "Content-Type must be application/json", self._api_headers())
        if body is None:
            return self.text(400, "Empty request body", self._api_headers())
        if not isinstance(body, list):
            return self.text(400, "Uploaded data must be a JSON array", self._api_headers())
        if not body:
            return self.text(400, "No items provided", self._api_headers())
        if len(body) > 50:
            return self.text(413, "Cannot add more than 50 items at a time", self._api_headers())
        token = r.header("Zotero-Write-Token")
        if token is not None:
            if not 5 <= len(token) <= 32:
                return self.text(400, "Invalid Zotero-Write-Token", self._api_headers())
            if token in self.tokens:
                return self.text(412, "Write token already used", self._api_headers())
        header_version = r.header("If-Unmodified-Since-Version")
        if header_version is not None and int(header_version) < self.library_version:
            return self.text(412, "Library has been modified since the specified version", self._api_headers())
        report: dict[str, dict[str, Any]] = {"successful": {}, "success": {}, "unchanged": {}, "failed": {}}
        host = r.header("Host") or f"127.0.0.1:{self.port}"
        for n, obj in enumerate(body):
            idx = str(n)
            try:
                if route == "items":
                    key, changed = self._write_item(obj, header_version is not None)
                    out = self._item_json(self.items[key], host)
                else:
                    key, changed = self._write_collection(obj, header_version is not None)
                    out = self._coll_json(self.collections[key], host)
            except _Failed as f:
                report["failed"][idx] = {"key": f.key, "code": f.code, "message": f.message}
                continue
            if changed:
                report["successful"][idx] = out
                report["success"][idx] = key
            else:
                report["unchanged"][idx] = key
        if token is not None and (report["successful"] or report["unchanged"]):
            self.tokens.add(token)
        return self.reply(200, report, headers={**self._api_headers(),
                                                "Last-Modified-Version": str(self.library_version)})

    def _precondition(self, obj: dict[str, Any], existing: Any, has_header: bool, kind: str) -> str:
        key = obj.get("key")
        if not isinstance(key, str) or not _KEY_RE.match(key):
            raise _Failed(str(key or ""), 400, "'key' must be an 8-character string")
        version = obj.get("version")
        if version is None and not has_header:
            raise _Failed(key, 428, "Either 'version' property or If-Unmodified-Since-Version header must be "
                                    "provided for key-based writes")
        if existing is not None and version is not None and version != existing.version:
            raise _Failed(key, 412, f"{kind} version mismatch: expected {version}, found {existing.version}")
        if existing is None and version:
            raise _Failed(key, 404, f"{kind.lower()} doesn't exist (expected version {version}; use 0 instead)")
        return key

    def _write_item(self, obj: Any, has_header: bool) -> tuple[str, bool]:
        if not isinstance(obj, dict):
            raise _Failed("", 400, "Invalid value for index")
        existing = self.items.get(obj.get("key")) if obj.get("key") else None
        key = self._precondition(obj, existing, has_header, "Item") if "key" in obj else self._new_key()
        itype = obj.get("itemType")
        if not itype:
            raise _Failed(key, 400, "'itemType' property not provided")
        if itype not in FIELDS:
            raise _Failed(key, 400, f"Unknown item type '{itype}'")
        for ckey in obj.get("collections") or []:
            if ckey not in self.collections:
                raise _Failed(key, 409, f"Collection {ckey} doesn't exist")
        parent = obj.get("parentItem")
        if parent and parent not in self.items:
            raise _Failed(key, 409, f"Parent item {parent} doesn't exist")
        for t in obj.get("tags") or []:
            if not isinstance(t, dict) or not str(t.get("tag") or "").strip():
                raise _Failed(key, 400, "Tag must be an object with a non-empty 'tag'")
        before = json.dumps([existing.data, existing.collections], sort_keys=True) if existing else None
        data = dict(existing.data) if existing else {"itemType": itype}
        collections = list(existing.collections) if existing else []
        data["itemType"] = itype
        extra_lines = [obj["extra"]] if obj.get("extra") else ([] if "extra" in obj else
                                                               ([data["extra"]] if data.get("extra") else []))
        for k, v in obj.items():
            if k in ("key", "version", "itemType", "extra", "dateAdded", "dateModified", "deleted"):
                continue
            if k == "collections":
                collections = list(dict.fromkeys(v or []))
                continue
            if k in _STRUCTURAL:
                if v in ("", None, [], {}):
                    data.pop(k, None)
                else:
                    data[k] = [{"tag": t["tag"].strip(), **({"type": int(t["type"])} if t.get("type") else {})}
                               for t in v] if k == "tags" else v
                continue
            name = _field_for(itype, k)
            if name is None:
                if isinstance(v, str) and v:
                    extra_lines.append(f"{k}: {v}")
                continue
            if v in ("", None):
                data.pop(name, None)
            else:
                data[name] = v
        if extra_lines:
            data["extra"] = "\n".join(extra_lines)
        else:
            data.pop("extra", None)
        for name in list(data):  # a type change drops the fields the new type lacks
            if name not in _STRUCTURAL and name != "itemType" and name not in FIELDS[itype]:
                data.pop(name)
        if itype not in ("note", "attachment"):
            migrate_extra(data)
        if existing is not None:
            if json.dumps([{k: v for k, v in data.items() if k != "dateModified"}, collections], sort_keys=True) == \
                    json.dumps([{k: v for k, v in existing.data.items() if k != "dateModified"}, existing.collections],
                               sort_keys=True) and before is not None:
                return key, False
            data["dateModified"] = _now()
            existing.data, existing.collections = data, collections
            existing.version = self._bump()
            return key, True
        item = self._new_item(data, key=key)
        item.collections = collections
        return key, True

    def _write_collection(self, obj: Any, has_header: bool) -> tuple[str, bool]:
        if not isinstance(obj, dict):
            raise _Failed("", 400, "Invalid value for index")
        existing = self.collections.get(obj.get("key")) if obj.get("key") else None
        key = self._precondition(obj, existing, has_header, "Collection") if "key" in obj else self._new_key()
        name = obj.get("name", existing.name if existing else None)
        if not name or not str(name).strip():
            raise _Failed(key, 400, "Collection name not provided")
        parent = obj.get("parentCollection", existing.parent if existing else False) or None
        if parent and parent not in self.collections:
            raise _Failed(key, 409, f"Parent collection {parent} doesn't exist")
        if existing is not None:
            if existing.name == name and existing.parent == parent:
                return key, False
            existing.name, existing.parent, existing.version = name, parent, self._bump()
            return key, True
        self._new_collection(str(name), parent, key=key)
        return key, True


class _Failed(Exception):
    def __init__(self, key: str, code: int, message: str):
        self.key, self.code, self.message = key, code, message


__all__ = ["FIELDS", "IndepZotero", "migrate_extra"]
