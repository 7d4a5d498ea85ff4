"""Item JSON in and out: translator (connector) format, Web API format, and what the local API answers.

Zotero has two item JSON dialects (PROTOCOL.md 3.5).  The connector receives
*translator* items (flat objects, tags forced automatic, notes inline); the local
API reads and writes *Web API* items (``{key, version, library, links, meta,
data}``).  Both go through the same non-strict field handling: a base field is
renamed to the type's own field (``publisher`` → ``repository`` on a preprint),
anything else the type does not have is kept as an Extra line ``name: value``
(strings) or dropped (other values), never rejected.  An unknown item type is the
one thing that fails.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from .schema import ItemType, Schema
from .store import Item, now_iso

#: keys of a translator item that are never fields (PROTOCOL.md 2.4)
TRANSLATOR_NON_FIELDS = frozenset({
    "id", "itemID", "key", "version", "dateAdded", "dateModified", "seeAlso", "path", "notes", "attachments",
    "itemType", "creators", "tags", "libraryID", "complete", "collections", "relations", "uri", "multiple",
    "parentItem", "deleted",
})

#: Web API item properties that are not fields
API_PROPERTIES = frozenset({
    "key", "version", "itemType", "parentItem", "creators", "tags", "collections", "relations", "deleted",
    "dateAdded", "dateModified", "note",
})
ATTACHMENT_PROPERTIES = ("linkMode", "contentType", "charset", "filename", "md5", "mtime", "path")
ANNOTATION_PROPERTIES = ("annotationType", "annotationAuthorName", "annotationText", "annotationComment",
                         "annotationColor", "annotationPageLabel", "annotationSortIndex", "annotationPosition",
                         "annotationIsExternal")
LINK_MODES = ("imported_file", "imported_url", "linked_file", "linked_url", "embedded_image")
WEB_PAGE_TYPES = ("text/html", "application/xhtml+xml")


class InvalidItem(ValueError):
    """An object Zotero refuses (unknown item type, missing itemType, bad value): carries the HTTP code."""

    def __init__(self, message: str, code: int = 400):
        super().__init__(message)
        self.code = code


def normalize_access_date(value: str) -> str:
    """``CURRENT_TIMESTAMP`` → now; ISO 8601 / SQL datetimes → ``YYYY-MM-DDTHH:MM:SSZ`` (Zotero stores UTC)."""
    text = value.strip()
    if text == "CURRENT_TIMESTAMP":
        return now_iso()
    m = re.fullmatch(r"(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2})(?:\.\d+)?(Z|[+-]\d{2}:?\d{2})?", text)
    if m:
        try:
            stamp = datetime.fromisoformat(f"{m.group(1)}T{m.group(2)}{(m.group(3) or 'Z').replace('Z', '+00:00')}")
            return stamp.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
        except ValueError:
            return text
    return text


# ---------------------------------------------------------------------------- fields
@dataclass
class FieldResult:
    fields: dict[str, str] = field(default_factory=dict)
    extra_lines: list[str] = field(default_factory=list)


def set_fields(item_type: ItemType, source: dict[str, Any], skip: frozenset[str]) -> FieldResult:
    """Non-strict field assignment shared by both dialects (see module docstring)."""
    out = FieldResult()
    for name, value in source.items():
        if name in skip or name in ATTACHMENT_PROPERTIES or name in ANNOTATION_PROPERTIES:
            continue
        target = item_type.field_for(name)
        if isinstance(value, str):
            text = value
        elif isinstance(value, (int, float)) and not isinstance(value, bool) and target is not None:
            text = str(value)  # a number for a real field is stored as text, as Zotero's setField does
        else:
            continue  # non-string value for an unknown field (or null/bool/object): dropped
        if target is None:
            if name == "extra":
                continue
            if text.strip():
                out.extra_lines.append(f"{name}: {text}")
            continue
        if target == "accessDate" and text:
            text = normalize_access_date(text)
        out.fields[target] = text
    return out


def merge_extra(extra: str, lines: list[str]) -> str:
    if not lines:
        return extra
    return "\n".join([extra] + lines) if extra else "\n".join(lines)


def normalize_creators(raw: Any, item_type: ItemType) -> list[dict[str, str]]:
    """Creators as Zotero stores them: a valid creatorType (invalid ones become the primary type), two-field or single-field."""
    creators: list[dict[str, str]] = []
    if not isinstance(raw, list):
        return creators
    for c in raw:
        if not isinstance(c, dict):
            continue
        ctype = c.get("creatorType") or "author"
        if ctype not in item_type.creator_types:
            ctype = item_type.primary_creator or ctype
        if "name" in c and c.get("name") not in (None, ""):
            creators.append({"creatorType": ctype, "name": str(c["name"]).strip()})
            continue
        first = str(c.get("firstName") or "").strip()
        last = str(c.get("lastName") or "").strip()
        if c.get("fieldMode") == 1 and not first:
            if last:
                creators.append({"creatorType": ctype, "name": last})
            continue
        if first or last:
            creators.append({"creatorType": ctype, "firstName": first, "lastName": last})
    return creators


def normalize_tags(raw: Any, *, force_type: int | None = None) -> list[dict[str, Any]]:
    """``["a", {"tag": "b", "type": 1}]`` → ``[{"tag": "a", "type": 0}, ...]``; blanks and duplicates dropped."""
    tags: list[dict[str, Any]] = []
    seen: set[tuple[str, int]] = set()
    if not isinstance(raw, list):
        return tags
    for t in raw:
        if isinstance(t, str):
            name, ttype = t, 0
        elif isinstance(t, dict) and isinstance(t.get("tag"), (str, int)):
            name = str(t["tag"])
            try:
                ttype = int(t.get("type") or 0)
            except (TypeError, ValueError):
                ttype = 0
        else:
            continue
        name = name.strip()
        if not name:
            continue
        if force_type is not None:
            ttype = force_type
        if (name, ttype) not in seen:
            seen.add((name, ttype))
            tags.append({"tag": name, "type": ttype})
    return tags


# ---------------------------------------------------------------------------- translator format
@dataclass
class TranslatedItem:
    """A connector item ready to be stored, with its inline notes and link attachments."""

    item_type: str
    data: dict[str, Any]
    connector_id: Any
    notes: list[tuple[str, list[dict[str, Any]]]]
    link_attachments: list[dict[str, Any]]


def deproxify(url: str, proxy: Any) -> str:
    """Undo an EZproxy-style rewrite: scheme ``https://%h.proxy.example.com/%p`` (host dots became hyphens)."""
    if not isinstance(proxy, dict) or not isinstance(proxy.get("scheme"), str) or not url:
        return url
    scheme = proxy["scheme"]
    pattern = re.escape(scheme).replace(re.escape("%h"), "(?P<h>[^/]+?)").replace(re.escape("%p"), "(?P<p>.*)")
    m = re.fullmatch(pattern, url)
    if not m or "h" not in m.groupdict():
        return url
    host = m.group("h").replace("--", "\0").replace("-", ".").replace("\0", "-")
    path = m.groupdict().get("p") or ""
    scheme_part = "https" if scheme.startswith("https") else "http"
    return f"{scheme_part}://{host}/{path}"


def from_translator(obj: Any, schema: Schema, *, automatic_tags: bool, proxy: Any = None) -> TranslatedItem:
    """One ``saveItems``/import item → stored form.  Raises :class:`InvalidItem` for an unknown itemType."""
    if not isinstance(obj, dict):
        raise InvalidItem("item is not an object")
    type_name = obj.get("itemType") or "webpage"
    item_type = schema.item_type(type_name)
    if item_type is None or type_name in ("attachment", "annotation"):
        raise InvalidItem(f"Unknown item type '{type_name}'")
    result = set_fields(item_type, obj, TRANSLATOR_NON_FIELDS)
    data: dict[str, Any] = dict(result.fields)
    if "url" in data and proxy:
        data["url"] = deproxify(data["url"], proxy)
    data["extra"] = merge_extra(data.get("extra", ""), result.extra_lines)
    if not data["extra"]:
        del data["extra"]
    if item_type.regular:
        data["creators"] = normalize_creators(obj.get("creators"), item_type)
    if type_name == "note":
        data["note"] = str(obj.get("note") or "")
    data["tags"] = normalize_tags(obj.get("tags"), force_type=1) if automatic_tags else []
    data["relations"] = {}
    notes: list[tuple[str, list[dict[str, Any]]]] = []
    for n in obj.get("notes") or []:
        if isinstance(n, str):
            notes.append((n, []))
        elif isinstance(n, dict) and isinstance(n.get("note"), str):
            notes.append((n["note"], normalize_tags(n.get("tags"), force_type=1) if automatic_tags else []))
    links = []
    for a in obj.get("attachments") or []:
        if not isinstance(a, dict) or not a.get("url"):
            continue
        mime = str(a.get("mimeType") or "")
        if a.get("snapshot") is False and (mime in WEB_PAGE_TYPES or not mime):
            links.append({"title": str(a.get("title") or a["url"]), "url": deproxify(str(a["url"]), proxy),
                          "contentType": mime or "text/html"})
    return TranslatedItem(type_name, data, obj.get("id"), notes, links)


# ---------------------------------------------------------------------------- Web API format
def data_from_api(obj: dict[str, Any], schema: Schema, item_type_name: str) -> dict[str, Any]:
    """The stored data of a Web API item object (identity, hierarchy and collections are handled by the caller)."""
    item_type = schema.item_type(item_type_name)
    if item_type is None:
        raise InvalidItem(f"Unknown itemType '{item_type_name}'")
    result = set_fields(item_type, obj, API_PROPERTIES)
    data: dict[str, Any] = {k: v for k, v in result.fields.items() if v != ""}
    extra = merge_extra(data.get("extra", ""), result.extra_lines)
    if extra:
        data["extra"] = extra
    if item_type.regular:
        data["creators"] = normalize_creators(obj.get("creators"), item_type)
    if item_type_name in ("note", "attachment") and obj.get("note"):
        data["note"] = str(obj["note"])
    if item_type_name == "attachment":
        for prop in ATTACHMENT_PROPERTIES:
            if obj.get(prop) not in (None, ""):
                data[prop] = obj[prop]
        if data.get("linkMode") not in LINK_MODES:
            raise InvalidItem(f"Invalid linkMode '{obj.get('linkMode')}'" if obj.get("linkMode") else "'linkMode' property not provided")
    if item_type_name == "annotation":
        for prop in ANNOTATION_PROPERTIES:
            if obj.get(prop) not in (None, ""):
                data[prop] = obj[prop]
    data["tags"] = normalize_tags(obj.get("tags"))
    relations = obj.get("relations")
    data["relations"] = relations if isinstance(relations, dict) else {}
    if obj.get("deleted"):
        data["deleted"] = True
    return data


# ---------------------------------------------------------------------------- output
MONTHS = {m: i for i, m in enumerate(["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], 1)}


def parse_date(text: str) -> str | None:
    """Zotero's ``strToDate`` reduced to what ``meta.parsedDate`` needs: ``YYYY[-MM[-DD]]`` or None."""
    s = text.strip()
    if not s:
        return None
    m = re.match(r"^(\d{4})(?:[-/.](\d{1,2})(?:[-/.](\d{1,2}))?)?", s)
    if m:
        y, mo, d = m.group(1), m.group(2), m.group(3)
        if mo and 1 <= int(mo) <= 12:
            if d and 1 <= int(d) <= 31:
                return f"{y}-{int(mo):02d}-{int(d):02d}"
            return f"{y}-{int(mo):02d}"
        return y
    m = re.match(r"^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})", s)
    if m:  # US order, as Zotero assumes for en-US
        mo, d, y = int(m.group(1)), int(m.group(2)), m.group(3)
        if 1 <= mo <= 12 and 1 <= d <= 31:
            return f"{y}-{mo:02d}-{d:02d}"
    year = re.search(r"\b(\d{4})\b", s)
    if not year:
        return None
    month = None
    for word in re.findall(r"[A-Za-z]+", s):
        if word[:3].lower() in MONTHS:
            month = MONTHS[word[:3].lower()]
            break
    if month:
        day = re.search(r"\b(\d{1,2})(?:st|nd|rd|th)?\b", s.replace(year.group(1), ""))
        if day and 1 <= int(day.group(1)) <= 31:
            return f"{year.group(1)}-{month:02d}-{int(day.group(1)):02d}"
        return f"{year.group(1)}-{month:02d}"
    return year.group(1)


def creator_summary(creators: list[dict[str, str]], item_type: ItemType | None) -> str | None:
    if not creators:
        return None
    primary = item_type.primary_creator if item_type else None
    chosen = [c for c in creators if c.get("creatorType") == primary]
    if not chosen:
        chosen = [c for c in creators if c.get("creatorType") == "editor"] or [
            c for c in creators if c.get("creatorType") == "contributor"]
    if not chosen:
        return None
    names = [c.get("lastName") or c.get("name") or "" for c in chosen]
    if len(names) == 1:
        return names[0]
    if len(names) == 2:
        return f"{names[0]} and {names[1]}"
    return f"{names[0]} et al."


def sort_creator(item: Item, schema: Schema) -> str:
    """The string Zotero sorts ``sort=creator`` by (first primary creator's last name)."""
    item_type = schema.item_type(item.item_type)
    summary = creator_summary(item.data.get("creators") or [], item_type)
    return (summary or "").casefold()
