"""Local API JSON: items, collections, searches, tags and groups as Zotero 7–10 answer them (PROTOCOL.md 3.4).

``data`` omits empty fields (unlike api.zotero.org); ``version`` is the local
version on 10.0+ and the synced version (0 if never synced) before; links point
at ``http://localhost:<port>/api``.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from .core import ZoteroCore
from .itemdata import ANNOTATION_PROPERTIES, ATTACHMENT_PROPERTIES, creator_summary, parse_date
from .store import Collection, Item, Library, Search

FILE_LINK_MODES = ("imported_file", "imported_url", "linked_file")


class RenderContext:
    """What rendering one answer needs: the library, its items by id, the port for links."""

    def __init__(self, core: ZoteroCore, lib: Library, port: int, items: list[Item] | None = None):
        self.core = core
        self.lib = lib
        self.port = port
        self.items = items if items is not None else core.store.items(lib.id)
        self.by_id = {i.id: i for i in self.items}
        self.children: dict[int, list[Item]] = {}
        for i in self.items:
            if i.parent_id is not None:
                self.children.setdefault(i.parent_id, []).append(i)
        self.collections = {c.id: c for c in core.store.collections(lib.id)}

    @property
    def base(self) -> str:
        return f"http://localhost:{self.port}/api"

    @property
    def prefix(self) -> str:
        return "/users/0" if self.lib.type == "user" else f"/groups/{self.lib.group_id}"

    def url(self, path: str) -> str:
        return f"{self.base}{self.prefix}{path}"

    def library_json(self) -> dict[str, Any]:
        lib = self.lib
        if lib.type == "user":
            return {"type": "user", "id": 0, "name": lib.name,
                    "links": {"self": {"href": f"{self.base}/users/0", "type": "application/json"}}}
        return {"type": "group", "id": lib.group_id, "name": lib.name,
                "links": {"self": {"href": f"{self.base}/groups/{lib.group_id}", "type": "application/json"}}}


def _tags_out(tags: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{"tag": t["tag"], **({"type": int(t["type"])} if int(t.get("type") or 0) else {})} for t in tags]


def item_data_json(core: ZoteroCore, item: Item, *, synced_version: bool = False,
                   by_id: dict[int, Item] | None = None, collections: dict[int, Collection] | None = None) -> dict[str, Any]:
    """The ``data`` object of an item: key, version, parentItem, itemType, non-empty fields in schema order, ..."""
    schema = core.schema
    item_type = schema.item_type(item.item_type)
    d = item.data
    version = item.version if synced_version else core.object_version(item)
    out: dict[str, Any] = {"key": item.key, "version": version}
    if item.parent_id is not None:
        parent = (by_id or {}).get(item.parent_id) or core.store.item(item.parent_id)
        if parent is not None:
            out["parentItem"] = parent.key
    out["itemType"] = item.item_type
    if item.item_type == "attachment" and d.get("linkMode"):
        out["linkMode"] = d["linkMode"]
    if item.item_type == "annotation":
        for prop in ANNOTATION_PROPERTIES:
            if d.get(prop) not in (None, ""):
                out[prop] = d[prop]
    fields = item_type.fields if item_type else ()
    for index, name in enumerate(fields):
        if d.get(name) not in (None, ""):
            out[name] = d[name]
        if index == 0 and item_type is not None and item_type.regular:
            out["creators"] = list(d.get("creators") or [])
    if item_type is not None and item_type.regular and "creators" not in out:
        out["creators"] = list(d.get("creators") or [])
    if item.item_type == "note":
        out["note"] = d.get("note", "")
    if item.item_type == "attachment":
        if d.get("note"):
            out["note"] = d["note"]
        for prop in ATTACHMENT_PROPERTIES:
            if prop != "linkMode" and d.get(prop) not in (None, ""):
                if prop == "path" and d.get("linkMode") != "linked_file":
                    continue
                out[prop] = d[prop]
    if d.get("deleted"):
        out["deleted"] = True
    out["tags"] = _tags_out(d.get("tags") or [])
    if item.parent_id is None:
        colls = collections if collections is not None else {c.id: c for c in core.store.collections(item.library_id)}
        out["collections"] = [colls[cid].key for cid in item.collection_ids if cid in colls]
    out["relations"] = dict(d.get("relations") or {})
    out["dateAdded"] = item.date_added
    out["dateModified"] = item.date_modified
    return out


def item_json(ctx: RenderContext, item: Item) -> dict[str, Any]:
    """The full local API object of an item: ``{key, version, library, links, meta, data}``."""
    core = ctx.core
    data = item_data_json(core, item, by_id=ctx.by_id, collections=ctx.collections)
    links: dict[str, Any] = {"self": {"href": ctx.url(f"/items/{item.key}"), "type": "application/json"}}
    if item.parent_id is not None and item.parent_id in ctx.by_id:
        links["up"] = {"href": ctx.url(f"/items/{ctx.by_id[item.parent_id].key}"), "type": "application/json"}
    if item.item_type == "attachment" and item.data.get("linkMode") in FILE_LINK_MODES:
        content = core.store.file(item.id)
        if content is not None or item.data.get("linkMode") == "linked_file":
            path = core.storage_path(item) if item.data.get("linkMode") != "linked_file" else None
            href = path.as_uri() if path else "file://" + str(item.data.get("path") or "")
            enclosure: dict[str, Any] = {"href": href, "type": item.data.get("contentType") or "application/octet-stream"}
            if item.data.get("filename"):
                enclosure["title"] = item.data["filename"]
            if content is not None:
                enclosure["length"] = len(content)
            links["enclosure"] = enclosure
    meta: dict[str, Any] = {}
    item_type = core.schema.item_type(item.item_type)
    if item_type is not None and item_type.regular:
        best = _best_attachment(ctx, item)
        if best is not None:
            content = core.store.file(best.id)
            links["attachment"] = {"href": ctx.url(f"/items/{best.key}"), "type": "application/json",
                                   "attachmentType": best.data.get("contentType", "")}
            if content is not None:
                links["attachment"]["attachmentSize"] = len(content)
        summary = creator_summary(item.data.get("creators") or [], item_type)
        if summary:
            meta["creatorSummary"] = summary
        date_field = next((f for f in item_type.fields if item_type.base_of.get(f) == "date" or f == "date"), None)
        parsed = parse_date(str(item.data.get(date_field) or "")) if date_field else None
        if parsed:
            meta["parsedDate"] = parsed
        meta["numChildren"] = len([c for c in ctx.children.get(item.id, []) if c.item_type != "annotation"])
    return {"key": item.key, "version": data["version"], "library": ctx.library_json(), "links": links, "meta": meta,
            "data": data}


def _best_attachment(ctx: RenderContext, item: Item) -> Item | None:
    files = [c for c in ctx.children.get(item.id, []) if c.item_type == "attachment"
             and c.data.get("linkMode") in FILE_LINK_MODES and not c.deleted]
    if not files:
        return None
    files.sort(key=lambda c: (c.data.get("contentType") != "application/pdf", c.id))
    return files[0]


def collection_json(ctx: RenderContext, coll: Collection) -> dict[str, Any]:
    colls = ctx.collections
    parent = colls.get(coll.parent_id) if coll.parent_id is not None else None
    links: dict[str, Any] = {"self": {"href": ctx.url(f"/collections/{coll.key}"), "type": "application/json"}}
    if parent is not None:
        links["up"] = {"href": ctx.url(f"/collections/{parent.key}"), "type": "application/atom+xml"}
    version = ctx.core.object_version(coll)
    num_items = len([i for i in ctx.items if coll.id in i.collection_ids and not i.deleted])
    num_colls = len([c for c in colls.values() if c.parent_id == coll.id])
    return {"key": coll.key, "version": version, "library": ctx.library_json(), "links": links,
            "meta": {"numCollections": num_colls, "numItems": num_items},
            "data": {"key": coll.key, "version": version, "name": coll.name,
                     "parentCollection": parent.key if parent else False, "relations": dict(coll.relations)}}


def search_json(ctx: RenderContext, search: Search) -> dict[str, Any]:
    version = ctx.core.object_version(search)
    return {"key": search.key, "version": version, "library": ctx.library_json(),
            "links": {"self": {"href": ctx.url(f"/searches/{search.key}"), "type": "application/json"}},
            "meta": {}, "data": {"key": search.key, "version": version, "name": search.name,
                                 "conditions": list(search.conditions)}}


def tag_json(ctx: RenderContext, name: str, tag_type: int, num_items: int) -> dict[str, Any]:
    return {"tag": name, "links": {"self": {"href": ctx.url(f"/tags/{quote(name, safe='')}"), "type": "application/json"}},
            "meta": {"type": tag_type, "numItems": num_items}}


def group_json(core: ZoteroCore, lib: Library, port: int) -> dict[str, Any]:
    href = f"http://localhost:{port}/api/groups/{lib.group_id}"
    num_items = len([i for i in core.store.items(lib.id) if i.parent_id is None and not i.deleted])
    return {"id": lib.group_id, "version": lib.meta_version,
            "links": {"self": {"href": href, "type": "application/json"}},
            "meta": {"numItems": num_items},
            "data": {"id": lib.group_id, "version": lib.meta_version, "name": lib.name, "type": "Private",
                     "description": "", "url": "", "libraryEditing": "members" if lib.editable else "admins",
                     "libraryReading": "all", "fileEditing": "members" if lib.files_editable else "none"}}
