"""The local API (``/api/...``, PROTOCOL.md section 3): routing, the common checks, and every read route.

Checks run in Zotero's order — pref off (403), Zotero-Server-ID (428/412, 10.0+),
API version (501), user/group (400/404) — then a GET is answered here and a
write is handed to :mod:`.writes`.  Answers carry ``Zotero-API-Version``,
``Zotero-Schema-Version`` and, on 10.0+, ``Zotero-Server-ID``; JSON is
pretty-printed with 4 spaces; multi-object answers carry ``Total-Results``,
``Link`` and ``Last-Modified-Version``; ``If-Modified-Since-Version`` gives 304.
"""

from __future__ import annotations

import json
from typing import Any, Callable
from urllib.parse import parse_qsl, quote, unquote, urlencode

from .bibexport import export_biblatex, export_bibtex, export_ris
from .core import ZoteroCore
from .query import (
    DATE_SORTS,
    ITEM_SORTS,
    QueryError,
    matches_q,
    matches_terms,
    parse_alternatives,
    parse_since,
    q_words,
    searchable,
    sort_key,
)
from .render import RenderContext, collection_json, group_json, item_json, search_json, tag_json
from .schema import humanize
from .server import Call, Endpoint, plain
from .store import Collection, Item, Library, Search
from .wire import Response

EXPORT_FORMATS = {"bibtex", "biblatex", "ris", "csljson", "csv", "mods", "refer", "rdf_bibliontology", "rdf_dc",
                  "rdf_zotero", "tei", "wikipedia", "bookmarks", "coins"}
FORMATS = {"json", "keys", "versions", "bib"} | EXPORT_FORMATS
EXPORTERS = {"bibtex": export_bibtex, "biblatex": export_biblatex, "ris": export_ris}
NOT_IMPLEMENTED = "zotero_bridge.testing does not implement {what} (needs Zotero's citation processor or translators)"

#: library-relative routes; ":name" segments are parameters
LIBRARY_ROUTES = [
    "", "groups", "settings", "fulltext",
    "items", "items/top", "items/trash", "items/trash/top", "items/tags", "items/top/tags", "items/trash/tags",
    "items/:itemKey", "items/:itemKey/children", "items/:itemKey/tags", "items/:itemKey/file", "items/:itemKey/file/view",
    "items/:itemKey/file/view/url", "items/:itemKey/fulltext",
    "collections", "collections/top", "collections/:collectionKey", "collections/:collectionKey/collections",
    "collections/:collectionKey/items", "collections/:collectionKey/items/top", "collections/:collectionKey/tags",
    "collections/:collectionKey/items/tags", "collections/:collectionKey/items/top/tags",
    "searches", "searches/:searchKey", "searches/:searchKey/items", "searches/:searchKey/items/top",
    "searches/:searchKey/items/tags",
    "tags", "tags/:tag",
    "publications/items", "publications/items/top", "publications/items/tags",
]
SCHEMA_ROUTES = ("schema", "itemTypes", "itemFields", "itemTypeFields", "itemTypeCreatorTypes", "creatorFields")


def match_template(templates: list[str], segments: list[str]) -> tuple[str, dict[str, str]] | None:
    """The template with the most literal segments matching ``segments`` (``items/top`` beats ``items/:itemKey``)."""
    best: tuple[int, str, dict[str, str]] | None = None
    for template in templates:
        parts = template.split("/") if template else []
        if len(parts) != len(segments):
            continue
        params: dict[str, str] = {}
        literal = 0
        for part, seg in zip(parts, segments):
            if part.startswith(":"):
                if not seg:
                    break
                params[part[1:]] = unquote(seg)
            elif part == seg:
                literal += 1
            else:
                break
        else:
            if best is None or literal > best[0]:
                best = (literal, template, params)
    return (best[1], best[2]) if best else None


def pretty(status: int, obj: Any, headers: list[tuple[str, str]] | None = None) -> Response:
    return Response(status, json.dumps(obj, indent=4, ensure_ascii=False), "application/json", list(headers or []))


class LocalAPI:
    """Routes ``/api/...`` and answers reads; writes go to ``writes`` (10.0+)."""

    def __init__(self, core: ZoteroCore, port: Callable[[], int], writes: Any):
        self.core = core
        self.port = port
        self.writes = writes

    # ------------------------------------------------------------------ routing
    def route(self, path: str) -> tuple[Endpoint, dict[str, str]] | None:
        v = self.core.version
        if path in ("/api", "/api/"):
            return Endpoint(("GET",), None, self.root), {}
        if not path.startswith("/api/"):
            return None
        segments = path[len("/api/"):].rstrip("/").split("/") if path != "/api/" else []
        methods = ("GET", "POST", "PUT", "PATCH", "DELETE") if v.writes else ("GET",)
        if v.writes and segments == ["local", "authorize"]:
            return Endpoint(("POST",), None, self.writes.authorize, serialized=False), {}
        if v.writes and len(segments) == 3 and segments[:2] == ["local", "uploads"]:
            return Endpoint(("POST",), None, self.writes.upload_receiver, serialized=False), {"uploadKey": unquote(segments[2])}
        if len(segments) == 1 and segments[0] in SCHEMA_ROUTES:
            name = segments[0]
            return Endpoint(("GET",), None, lambda call: self.schema_route(call, name)), {}
        if len(segments) >= 2 and segments[0] in ("users", "groups"):
            found = match_template(LIBRARY_ROUTES, segments[2:])
            if found is None:
                return None
            template, params = found
            if segments[0] == "users" and template == "":
                return None
            if segments[0] == "groups" and (template == "groups" or template.startswith("publications")):
                return None
            params = {**params, segments[0][:-1] + "ID": unquote(segments[1])}
            return Endpoint(methods, None, lambda call: self.library_route(call, template)), params
        return None

    # ------------------------------------------------------------------ shared checks and headers
    def api_headers(self, response: Response) -> Response:
        extra = [("Zotero-API-Version", "3"), ("Zotero-Schema-Version", str(self.core.version.schema_version))]
        if self.core.version.server_id:
            extra.append(("Zotero-Server-ID", self.core.server_id))
        response.headers = extra + response.headers
        return response

    def preflight(self, call: Call, *, write: bool, check_api_version: bool = True) -> Response | None:
        """Pref, Zotero-Server-ID and API version checks, in Zotero's order."""
        core = self.core
        if not core.local_api:
            return plain(403, "Local API is not enabled")
        if core.version.server_id:
            given = call.request.header("Zotero-Server-ID")
            if given is None and write:
                return self.api_headers(plain(428, "Zotero-Server-ID not provided"))
            if given is not None and given != core.server_id:
                return self.api_headers(plain(412, "Zotero-Server-ID does not match this server"))
        if check_api_version:
            requested = call.request.header("Zotero-API-Version") or call.request.arg("v")
            if requested is not None and requested.strip() != "3":
                return self.api_headers(plain(501, f"API version not implemented: {requested.strip()}"))
        return None

    def library_for(self, call: Call) -> Library | Response:
        core = self.core
        if "userID" in call.params:
            if call.params["userID"] != "0":
                return self.api_headers(plain(400, "Only data for the logged-in user is available locally -- use userID 0"))
            return core.user_library()
        try:
            group_id = int(call.params.get("groupID", ""))
        except ValueError:
            return self.api_headers(plain(404, "Not found"))
        lib = core.store.library_by_group(group_id)
        return lib if lib is not None else self.api_headers(plain(404, "Not found"))

    # ------------------------------------------------------------------ entry points
    def root(self, call: Call) -> Response:
        refused = self.preflight(call, write=False, check_api_version=False)
        if refused:
            return refused
        return self.api_headers(plain(200, "Nothing to see here."))

    def schema_route(self, call: Call, name: str) -> Response:
        refused = self.preflight(call, write=False)
        if refused:
            return refused
        schema = self.core.schema
        types = [t for t in schema.types.values() if t.name != "annotation"]
        if name == "schema":
            return self.api_headers(pretty(200, schema.to_json()))
        if name == "itemTypes":
            return self.api_headers(pretty(200, [{"itemType": t.name, "localized": humanize(t.name)} for t in types]))
        if name == "itemFields":
            return self.api_headers(pretty(200, [{"field": f, "localized": humanize(f)} for f in schema.all_fields]))
        if name == "creatorFields":
            return self.api_headers(pretty(200, [{"field": "firstName", "localized": "First"},
                                                 {"field": "lastName", "localized": "Last"},
                                                 {"field": "name", "localized": "Name"}]))
        item_type = schema.item_type(call.request.arg("itemType"))
        if item_type is None or item_type.name == "annotation":
            return self.api_headers(plain(400, "Invalid or missing 'itemType' value"))
        if name == "itemTypeFields":
            return self.api_headers(pretty(200, [{"field": f, "localized": humanize(f)} for f in item_type.fields]))
        return self.api_headers(pretty(200, [{"creatorType": c, "localized": humanize(c)} for c in item_type.creator_types]))

    def library_route(self, call: Call, template: str) -> Response:
        write = call.method != "GET"
        refused = self.preflight(call, write=write)
        if refused:
            return refused
        lib = self.library_for(call)
        if isinstance(lib, Response):
            return lib
        if write:
            response, with_api_headers = self.writes.handle(call, template, lib)
            return self.api_headers(response) if with_api_headers else response
        try:
            return self.api_headers(self.read(call, template, lib))
        except QueryError as exc:
            return self.api_headers(plain(400, str(exc)))

    # ------------------------------------------------------------------ reads
    def read(self, call: Call, template: str, lib: Library) -> Response:
        core = self.core
        if template == "":
            return pretty(200, group_json(core, lib, self.port()), [("Last-Modified-Version", str(lib.meta_version))])
        if template == "groups":
            return self.groups(call)
        if template == "settings":
            return pretty(200, {}, [("Last-Modified-Version", str(core.library_version(lib)))])
        if template == "fulltext":
            return self.fulltext_versions(call, lib)
        ctx = RenderContext(core, lib, self.port())
        if template.endswith("tags") and not template.startswith("tags"):
            scope = template[: -len("/tags")]
            items = self.scope_items(call, scope, ctx)
            if isinstance(items, Response):
                return items
            return self.tags(call, ctx, self.filter_items(call, items, ctx, prefix="item"))
        if template == "tags":
            return self.tags(call, ctx, [i for i in ctx.items if not i.deleted])
        if template == "tags/:tag":
            return self.tags(call, ctx, [i for i in ctx.items if not i.deleted], only=call.params["tag"])
        if template.startswith("items/:itemKey") and template not in ("items/:itemKey/children",):
            item = self._item(ctx, call.params["itemKey"])
            if item is None:
                return plain(404, "Not found")
            if template == "items/:itemKey":
                return self.single_item(call, ctx, item)
            if template == "items/:itemKey/fulltext":
                return self.fulltext(item)
            return self.file(template, item)
        if template.startswith("collections"):
            if template in ("collections", "collections/top", "collections/:collectionKey",
                            "collections/:collectionKey/collections"):
                return self.collections(call, ctx, template)
        if template.startswith("searches") and template in ("searches", "searches/:searchKey"):
            return self.searches(call, ctx, template)
        items = self.scope_items(call, template, ctx)
        if isinstance(items, Response):
            return items
        return self.item_list(call, ctx, self.filter_items(call, items, ctx))

    def _item(self, ctx: RenderContext, key: str) -> Item | None:
        return next((i for i in ctx.items if i.key == key), None)

    def scope_items(self, call: Call, scope: str, ctx: RenderContext) -> list[Item] | Response:
        """The items a route covers before query filters (trash excluded unless asked for)."""
        v = self.core.version
        include_trashed = call.request.arg("includeTrashed") in ("1", "true")
        live = [i for i in ctx.items if include_trashed or not i.deleted]
        if scope == "items":
            return live
        if scope == "items/top":
            return [i for i in live if i.parent_id is None]
        if scope == "items/trash":
            return [i for i in ctx.items if i.deleted]
        if scope == "items/trash/top":
            return [i for i in ctx.items if i.deleted and i.parent_id is None]
        if scope.startswith("publications"):
            return []
        if scope == "items/:itemKey/children":
            parent = self._item(ctx, call.params["itemKey"])
            if parent is None:
                return plain(404, "Not found")
            return [i for i in live if i.parent_id == parent.id]
        if scope == "items/:itemKey":
            item = self._item(ctx, call.params["itemKey"])
            return plain(404, "Not found") if item is None else [item]
        if scope.startswith("collections/:collectionKey"):
            coll = self.core.store.collection_by_key(ctx.lib.id, call.params["collectionKey"])
            if coll is None:
                return plain(404, "Not found")
            direct = [i for i in live if coll.id in i.collection_ids]
            if scope.endswith("/top") or scope == "collections/:collectionKey":
                return direct
            out = list(direct)
            frontier = [i.id for i in direct]
            while frontier:
                kids = [i for i in live if i.parent_id in frontier]
                if not v.annotations_in_collection_items:
                    kids = [k for k in kids if k.item_type != "annotation"]
                out += kids
                frontier = [k.id for k in kids]
            return out
        if scope.startswith("searches/:searchKey"):
            search = self.core.store.search_by_key(ctx.lib.id, call.params["searchKey"])
            if search is None:
                return plain(404, "Not found")
            found = [i for i in live if self.search_matches(search, i, ctx)]
            return [i for i in found if i.parent_id is None] if scope.endswith("/top") else found
        return live

    def search_matches(self, search: Search, item: Item, ctx: RenderContext) -> bool:
        """A saved search with the common conditions (title, tag, itemType, collection, creator, anyField)."""
        results = []
        for cond in search.conditions:
            name, op, value = cond.get("condition"), cond.get("operator", "contains"), str(cond.get("value", ""))
            if name in ("joinMode", "noChildren", "includeParentsAndChildren", "recursive"):
                continue
            if name == "tag":
                haystack = [t["tag"] for t in item.data.get("tags") or []]
            elif name == "itemType":
                haystack = [item.item_type]
            elif name == "collection":
                haystack = [ctx.collections[c].key for c in item.collection_ids if c in ctx.collections]
            elif name == "creator":
                haystack = [" ".join(str(c.get(k) or "") for k in ("firstName", "lastName", "name")).strip()
                            for c in item.data.get("creators") or []]
            elif name in ("quicksearch-titleCreatorYear", "quicksearch-everything", "anyField"):
                haystack = searchable(item, self.core.schema, "everything" if name != "quicksearch-titleCreatorYear"
                                      else "titleCreatorYear", citation_key=True)
            else:
                haystack = [str(item.data.get(str(name)) or "")]
            lowered = [h.casefold() for h in haystack]
            needle = value.casefold()
            if op == "is":
                ok = needle in lowered
            elif op == "isNot":
                ok = needle not in lowered
            elif op == "doesNotContain":
                ok = not any(needle in h for h in lowered)
            elif op == "beginsWith":
                ok = any(h.startswith(needle) for h in lowered)
            else:
                ok = any(needle in h for h in lowered)
            results.append(ok)
        join_any = any(c.get("condition") == "joinMode" and c.get("operator") == "any" for c in search.conditions)
        return any(results) if join_any else all(results)

    def filter_items(self, call: Call, items: list[Item], ctx: RenderContext, prefix: str = "") -> list[Item]:
        """``itemKey``, ``since``, ``itemType``, ``tag``, ``q``/``qmode``; on tag routes the item filters are
        ``itemTag``, ``itemQ`` and ``itemQMode`` (``q`` filters the tag names there)."""
        req, core, v = call.request, self.core, self.core.version
        args = req.query
        renamed = {"tag": "itemTag", "q": "itemQ", "qmode": "itemQMode"} if prefix else {}
        def name(n: str) -> str:
            return renamed.get(n, n)

        out = list(items)
        keys = args.get(name("itemKey"))
        if keys:
            wanted = {k.strip() for value in keys for k in value.split(",") if k.strip()}
            out = [i for i in out if i.key in wanted]
        if not prefix:
            since = parse_since(req.arg("since"))
            if since is not None and not (since == 0 and v.since_zero_is_all):
                out = [i for i in out if core.object_version(i) > since]
        type_clauses = [parse_alternatives(value) for value in args.get(name("itemType"), [])]
        tag_clauses = [parse_alternatives(value) for value in args.get(name("tag"), [])]
        q = req.arg(name("q"))
        filtered = bool(type_clauses or tag_clauses or q)
        wants_annotations = any(not neg and term == "annotation" for clause in type_clauses for neg, term in clause)
        if filtered and not wants_annotations:
            out = [i for i in out if i.item_type != "annotation"]
        if type_clauses:
            out = [i for i in out if matches_terms({i.item_type}, type_clauses)]
        if tag_clauses:
            out = [i for i in out if matches_terms({t["tag"] for t in i.data.get("tags") or []}, tag_clauses)]
        if q:
            mode = req.arg(name("qmode")) or "titleCreatorYear"
            words = q_words(q)
            fulltexts = {ft.item_id: ft.content for _, ft in core.store.fulltexts(ctx.lib.id)} if mode == "everything" else {}
            out = [i for i in out if matches_q(i, words, searchable(
                i, core.schema, mode, citation_key=v.q_matches_citation_key, fulltext=fulltexts.get(i.id, "")))]
        return out

    # ------------------------------------------------------------------ answer builders
    def _format(self, call: Call, *, single: bool) -> str:
        fmt = call.request.arg("format") or "json"
        if fmt == "atom":
            raise _Answer(plain(501, "Local API does not support Atom output"))
        if fmt not in FORMATS:
            raise QueryError(f"Invalid 'format' value '{fmt}'")
        if single and fmt in ("keys", "versions"):
            raise QueryError(f"Only multi-object requests can output {fmt}")
        return fmt

    def _sorted(self, call: Call, objs: list[Any], key_for: Callable[[str], Callable[[Any], Any]], default: str,
                valid: set[str]) -> list[Any]:
        sort = call.request.arg("sort")
        direction = call.request.arg("direction")
        if len(objs) > 1:
            if sort is not None and sort not in valid:
                raise QueryError(f"Invalid 'sort' value '{sort}'")
            if direction is not None and direction not in ("asc", "desc"):
                raise QueryError(f"Invalid 'direction' value '{direction}'")
        name = sort if sort in valid else default
        descending = (direction or ("desc" if name in DATE_SORTS else "asc")) == "desc"
        return sorted(objs, key=key_for(name), reverse=descending)

    def _page(self, call: Call, objs: list[Any]) -> tuple[list[Any], list[tuple[str, str]]]:
        total = len(objs)
        start, limit = self._int_arg(call, "start", 0), self._int_arg(call, "limit", None)
        page = objs[start:] if limit is None else objs[start:start + limit]
        return page, [("Total-Results", str(total)), ("Link", self._links(call, total, start, limit))]

    @staticmethod
    def _int_arg(call: Call, name: str, default: int | None) -> Any:
        value = call.request.arg(name)
        if value in (None, ""):
            return default
        try:
            number = int(value)
        except ValueError:
            raise QueryError(f"Invalid '{name}' value '{value}'") from None
        return max(number, 0)

    def _links(self, call: Call, total: int, start: int, limit: int | None) -> str:
        req = call.request
        host = req.header("Host") or f"127.0.0.1:{self.port()}"
        pairs = [(k, v) for k, v in parse_qsl(req.raw_query, keep_blank_values=True) if k != "start"]

        def url(s: int) -> str:
            q = pairs + ([("start", str(s))] if s or req.arg("start") is not None else [])
            return f"http://{host}{req.path}" + (f"?{urlencode(q, quote_via=quote)}" if q else "")

        links = []
        if limit:
            if start > 0:
                links.append(f'<{url(0)}>; rel="first"')
                links.append(f'<{url(max(0, start - limit))}>; rel="prev"')
            if start + limit < total:
                links.append(f'<{url(start + limit)}>; rel="next"')
            last = ((total - 1) // limit) * limit if total else 0
            links.append(f'<{url(last)}>; rel="last"')
        else:
            links.append(f'<{url(0)}>; rel="last"')
        return ", ".join(links)

    def _not_modified(self, call: Call, version: int) -> bool:
        value = call.request.header("If-Modified-Since-Version")
        if value is None:
            return False
        try:
            return version <= int(value)
        except ValueError:
            return False

    def item_list(self, call: Call, ctx: RenderContext, items: list[Item]) -> Response:
        try:
            fmt = self._format(call, single=False)
        except _Answer as answer:
            return answer.response
        lib_version = self.core.library_version(ctx.lib)
        if self._not_modified(call, lib_version):
            return Response(304, headers=[("Last-Modified-Version", str(lib_version))])
        schema = self.core.schema
        items = self._sorted(call, items, lambda name: sort_key(name, schema), "dateModified", ITEM_SORTS)
        page, headers = self._page(call, items)
        headers.append(("Last-Modified-Version", str(lib_version)))
        return self._render_items(call, ctx, page, fmt, headers, single=False)

    def single_item(self, call: Call, ctx: RenderContext, item: Item) -> Response:
        try:
            fmt = self._format(call, single=True)
        except _Answer as answer:
            return answer.response
        version = self.core.object_version(item)
        if self._not_modified(call, version):
            return Response(304, headers=[("Last-Modified-Version", str(version))])
        if fmt in EXPORT_FORMATS and not self.core.version.single_object_export_works:
            return Response(500)
        return self._render_items(call, ctx, [item], fmt, [("Last-Modified-Version", str(version))], single=True)

    def _render_items(self, call: Call, ctx: RenderContext, items: list[Item], fmt: str,
                      headers: list[tuple[str, str]], *, single: bool) -> Response:
        schema = self.core.schema
        if fmt == "keys":
            return Response(200, "".join(i.key + "\n" for i in items), "text/plain", headers)
        if fmt == "versions":
            return pretty(200, {i.key: self.core.object_version(i) for i in items}, headers)
        if fmt == "bib":
            return plain(501, NOT_IMPLEMENTED.format(what="format=bib"))
        if fmt in EXPORT_FORMATS:
            exporter = EXPORTERS.get(fmt)
            if exporter is None:
                return plain(501, NOT_IMPLEMENTED.format(what=f"format={fmt}"))
            return Response(200, exporter(items, schema), "text/plain", headers)
        include_arg = call.request.arg("include")
        includes = ["data"] if include_arg is None else [p.strip() for p in include_arg.split(",") if p.strip()]
        for name in includes:
            if name in ("bib", "citation"):
                return plain(501, NOT_IMPLEMENTED.format(what=f"include={name}"))
            if name != "data" and name not in EXPORT_FORMATS:
                raise QueryError(f"Invalid 'include' value '{name}'")
            if name in EXPORT_FORMATS and name not in EXPORTERS:
                return plain(501, NOT_IMPLEMENTED.format(what=f"include={name}"))
        out = []
        for item in items:
            obj = item_json(ctx, item)
            if "data" not in includes:
                del obj["data"]
            for name in includes:
                if name in EXPORTERS:
                    obj[name] = EXPORTERS[name]([item], schema)
            out.append(obj)
        return pretty(200, out[0] if single else out, headers)

    def collections(self, call: Call, ctx: RenderContext, template: str) -> Response:
        store = self.core.store
        colls = list(ctx.collections.values())
        single = template == "collections/:collectionKey"
        parent: Collection | None = None
        if "collectionKey" in call.params:
            parent = store.collection_by_key(ctx.lib.id, call.params["collectionKey"])
            if parent is None:
                return plain(404, "Not found")
        try:
            fmt = self._format(call, single=single)
        except _Answer as answer:
            return answer.response
        if fmt not in ("json", "keys", "versions"):
            raise QueryError(f"Invalid 'format' value '{fmt}'")
        if single:
            assert parent is not None
            version = self.core.object_version(parent)
            if self._not_modified(call, version):
                return Response(304, headers=[("Last-Modified-Version", str(version))])
            return pretty(200, collection_json(ctx, parent), [("Last-Modified-Version", str(version))])
        if template == "collections/top":
            colls = [c for c in colls if c.parent_id is None]
        elif parent is not None:
            colls = [c for c in colls if c.parent_id == parent.id]
        keys = call.request.arg("collectionKey")
        if keys:
            wanted = set(keys.split(","))
            colls = [c for c in colls if c.key in wanted]
        since = parse_since(call.request.arg("since"))
        v = self.core.version
        if since is not None and not (since == 0 and v.since_zero_is_all):
            colls = [c for c in colls if self.core.object_version(c) > since]
        lib_version = self.core.library_version(ctx.lib)
        if self._not_modified(call, lib_version):
            return Response(304, headers=[("Last-Modified-Version", str(lib_version))])
        counts = {c.id: len([i for i in ctx.items if c.id in i.collection_ids and not i.deleted]) for c in colls}

        def coll_key(name: str) -> Callable[[Collection], Any]:
            if name == "numItems":
                return lambda c: (counts[c.id], c.id)
            if name in ("dateModified", "dateAdded"):
                return lambda c: (c.client_version, c.id)
            return lambda c: (c.name.casefold(), c.id)

        colls = self._sorted(call, colls, coll_key, "title", {"title", "dateAdded", "dateModified", "numItems"})
        page, headers = self._page(call, colls)
        headers.append(("Last-Modified-Version", str(lib_version)))
        if fmt == "keys":
            return Response(200, "".join(c.key + "\n" for c in page), "text/plain", headers)
        if fmt == "versions":
            return pretty(200, {c.key: self.core.object_version(c) for c in page}, headers)
        return pretty(200, [collection_json(ctx, c) for c in page], headers)

    def searches(self, call: Call, ctx: RenderContext, template: str) -> Response:
        store = self.core.store
        lib_version = self.core.library_version(ctx.lib)
        if template == "searches/:searchKey":
            search = store.search_by_key(ctx.lib.id, call.params["searchKey"])
            if search is None:
                return plain(404, "Not found")
            version = self.core.object_version(search)
            return pretty(200, search_json(ctx, search), [("Last-Modified-Version", str(version))])
        try:
            fmt = self._format(call, single=False)
        except _Answer as answer:
            return answer.response
        found = store.searches(ctx.lib.id)
        since = parse_since(call.request.arg("since"))
        if since is not None and not (since == 0 and self.core.version.since_zero_is_all):
            found = [s for s in found if self.core.object_version(s) > since]
        page, headers = self._page(call, found)
        headers.append(("Last-Modified-Version", str(lib_version)))
        if fmt == "keys":
            return Response(200, "".join(s.key + "\n" for s in page), "text/plain", headers)
        if fmt == "versions":
            return pretty(200, {s.key: self.core.object_version(s) for s in page}, headers)
        return pretty(200, [search_json(ctx, s) for s in page], headers)

    def tags(self, call: Call, ctx: RenderContext, items: list[Item], only: str | None = None) -> Response:
        counts: dict[tuple[str, int], int] = {}
        for item in items:
            for t in item.data.get("tags") or []:
                pair = (t["tag"], int(t.get("type") or 0))
                counts[pair] = counts.get(pair, 0) + 1
        pairs = sorted(counts, key=lambda p: (p[0].casefold(), p[1]))
        if only is not None:
            pairs = [p for p in pairs if p[0] == only]
            if not pairs:
                return plain(404, "Not found")
        q = call.request.arg("q")
        if q and only is None:
            if (call.request.arg("qmode") or "contains") == "startsWith":
                pairs = [p for p in pairs if p[0].casefold().startswith(q.casefold())]
            else:
                pairs = [p for p in pairs if q.casefold() in p[0].casefold()]
        fmt = call.request.arg("format") or "json"
        if fmt != "json":
            raise QueryError(f"Invalid 'format' value '{fmt}'")
        lib_version = self.core.library_version(ctx.lib)
        if self._not_modified(call, lib_version):
            return Response(304, headers=[("Last-Modified-Version", str(lib_version))])
        if call.request.arg("direction") == "desc":
            pairs.reverse()
        page, headers = self._page(call, pairs)
        headers.append(("Last-Modified-Version", str(lib_version)))
        return pretty(200, [tag_json(ctx, name, ttype, counts[(name, ttype)]) for name, ttype in page], headers)

    def groups(self, call: Call) -> Response:
        core = self.core
        groups = [lib for lib in core.store.libraries() if lib.type == "group"]
        fmt = call.request.arg("format") or "json"
        if fmt not in ("json", "keys", "versions"):
            raise QueryError(f"Invalid 'format' value '{fmt}'")
        page, headers = self._page(call, groups)
        if fmt == "versions":
            return pretty(200, {str(g.group_id): g.meta_version for g in page}, headers)
        if fmt == "keys":
            return Response(200, "".join(f"{g.group_id}\n" for g in page), "text/plain", headers)
        return pretty(200, [group_json(core, g, self.port()) for g in page], headers)

    def fulltext_versions(self, call: Call, lib: Library) -> Response:
        """``/fulltext?since=``: ``{itemKey: version}`` of attachments with full text (synced versions reported)."""
        core, v = self.core, self.core.version
        since = parse_since(call.request.arg("since"))
        out = {}
        for item, ft in core.store.fulltexts(lib.id):
            local = ft.client_version if v.local_versions else ft.version
            if since is None or (since == 0 and v.since_zero_is_all) or local > since:
                out[item.key] = item.version
        return pretty(200, out, [("Last-Modified-Version", str(core.library_version(lib)))])

    def fulltext(self, item: Item) -> Response:
        ft = self.core.store.fulltext(item.id) if item.item_type == "attachment" else None
        if ft is None:
            return plain(404, "Not found")
        return pretty(200, {"content": ft.content, **ft.stats},
                      [("Last-Modified-Version", str(self.core.object_version(item)))])

    def file(self, template: str, item: Item) -> Response:
        if item.item_type != "attachment" or item.data.get("linkMode") not in ("imported_file", "imported_url", "linked_file"):
            return plain(400, "Not a file attachment")
        if item.data.get("linkMode") == "linked_file":
            url = "file://" + str(item.data.get("path") or "")
        else:
            if self.core.store.file(item.id) is None:
                return plain(404, "File not found")
            url = self.core.storage_path(item).as_uri()
        if template.endswith("/url"):
            return plain(200, url)
        return Response(302, headers=[("Location", url)])


class _Answer(Exception):
    """Short-circuit with a finished response (e.g. 501 for Atom)."""

    def __init__(self, response: Response):
        super().__init__(response.status)
        self.response = response
