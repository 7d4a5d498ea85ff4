"""Web API query semantics over a list of items: ``tag``, ``itemType``, ``q``/``qmode``, ``itemKey``, ``since``, sorting.

Kept apart from the routes so the search rules (``tag=a || b``, ``tag=-a``,
repeated parameters = AND, annotations excluded from filtered results unless
asked for, ``q`` words ANDed over title/creator/year fields) read in one place.
"""

from __future__ import annotations

import re
import shlex
from typing import Any, Callable

from .itemdata import parse_date, sort_creator
from .schema import Schema
from .store import Item

DATE_SORTS = {"dateAdded", "dateModified", "date", "accessDate"}
ITEM_SORTS = {"dateAdded", "dateModified", "title", "creator", "itemType", "date", "publisher", "publicationTitle",
              "journalAbbreviation", "language", "accessDate", "libraryCatalog", "callNumber", "rights", "addedBy",
              "numItems"}


class QueryError(ValueError):
    """A bad parameter value: answered 400 with this message."""


def parse_alternatives(value: str) -> list[tuple[bool, str]]:
    """``"a || -b"`` → ``[(False, "a"), (True, "b")]`` (negated, term)."""
    out = []
    for alt in value.split("||"):
        term = alt.strip()
        if not term:
            continue
        negated = term.startswith("-")
        out.append((negated, term[1:] if negated else term))
    return out


def matches_terms(values: set[str], clauses: list[list[tuple[bool, str]]]) -> bool:
    """Every clause (repeated parameter) must hold; a clause holds if any alternative holds."""
    for clause in clauses:
        if not any((term not in values) if negated else (term in values) for negated, term in clause):
            return False
    return True


def q_words(q: str) -> list[str]:
    try:
        words = shlex.split(q)
    except ValueError:
        words = q.split()
    return [w.casefold() for w in words if w.strip()]


def _strip_html(text: str) -> str:
    return re.sub(r"<[^>]+>", " ", text)


def searchable(item: Item, schema: Schema, mode: str, *, citation_key: bool, fulltext: str = "") -> list[str]:
    """The strings a quick search looks at for this item in ``mode``."""
    d = item.data
    item_type = schema.item_type(item.item_type)
    out: list[str] = []
    if mode == "everything":
        out += [str(v) for k, v in d.items() if isinstance(v, (str, int)) and k not in ("relations",)]
        out += [t["tag"] for t in d.get("tags") or []]
        if d.get("note"):
            out.append(_strip_html(str(d["note"])))
        if fulltext:
            out.append(fulltext)
    else:
        if item_type is not None:
            for name in item_type.fields:
                base = item_type.base_of.get(name, name)
                if base in ("title", "publicationTitle", "shortTitle", "authority") or name == "court":
                    if d.get(name):
                        out.append(str(d[name]))
                if base == "date" and d.get(name):
                    year = re.search(r"\d{4}", str(d[name]))
                    if year:
                        out.append(year.group(0))
        if citation_key and d.get("citationKey"):
            out.append(str(d["citationKey"]))
        if mode == "titleCreatorYearNote" and d.get("note"):
            out.append(_strip_html(str(d["note"])))
        if item.item_type == "note" and d.get("note"):
            out.append(_strip_html(str(d["note"])).strip().split("\n")[0])
    for c in d.get("creators") or []:
        out += [str(c.get(k) or "") for k in ("firstName", "lastName", "name")]
    return [s.casefold() for s in out if s]


def matches_q(item: Item, words: list[str], haystack: list[str]) -> bool:
    for word in words:
        if word.upper() == item.key:
            continue
        if not any(word in s for s in haystack):
            return False
    return True


def parse_since(value: str | None) -> int | None:
    if value is None or value == "":
        return None
    try:
        return int(value)
    except ValueError:
        raise QueryError(f"Invalid 'since' value '{value}'") from None


def note_title(item: Item) -> str:
    text = _strip_html(str(item.data.get("note") or "")).strip()
    return text.split("\n")[0][:80]


def sort_key(name: str, schema: Schema, num_items: Callable[[Item], int] | None = None) -> Callable[[Item], Any]:
    def base_value(item: Item, base: str) -> str:
        item_type = schema.item_type(item.item_type)
        field = item_type.field_for(base) if item_type else None
        return str(item.data.get(field) or "").casefold() if field else ""

    if name == "dateAdded":
        return lambda i: (i.date_added, i.id)
    if name == "dateModified":
        return lambda i: (i.date_modified, i.id)
    if name == "title":
        return lambda i: ((note_title(i) if i.item_type == "note" else base_value(i, "title")).casefold(), i.id)
    if name == "creator":
        return lambda i: (sort_creator(i, schema), i.id)
    if name == "itemType":
        return lambda i: (i.item_type, i.id)
    if name == "date":
        return lambda i: (parse_date(base_value(i, "date")) or "", i.id)
    if name == "numItems" and num_items is not None:
        return lambda i: (num_items(i), i.id)
    if name == "addedBy":
        return lambda i: ("", i.id)
    return lambda i: (base_value(i, name), i.id)
