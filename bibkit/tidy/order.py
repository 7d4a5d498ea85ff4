"""Order of entries (``--sort``) and of the fields inside them (``--sort-fields``).

Sorting keeps a file working, which bibtex-tidy's sort does not always do:

* comments and text before an entry travel with it (as in bibtex-tidy);
* ``@string`` and ``@preamble`` blocks (with the comments before them) stay ahead
  of every entry, in their own order — BibTeX reads a macro only after its
  definition, and bibtex-tidy moves them along with the next entry;
* an entry that others name in ``crossref`` goes after all of them, as BibTeX
  requires (otherwise it warns and inherits nothing), whatever the sort says;
* entries with no value for a criterion sort last, ascending or descending
  (bibtex-tidy sorts them first when ascending).

Criteria: ``key``, ``type``, ``author`` (family names, then given names, of the
authors or else the editors — bibtex-tidy compares the field's text, so
"Jane Doe" sorts under J), ``year`` and ``month`` (numbers), ``special``
(``@set``/``@xdata`` entries first) or any field name (its decoded text);
accents and case are ignored, ``-`` before a criterion reverses it.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from typing import Any, Sequence

from ..bibsyntax import group_value, parse_expression
from ..model import Entry, PartialDate, Person, RawBlock

__all__ = ["Item", "sort_blocks", "sort_fields", "sort_value"]


@dataclass
class Item:
    """One entry as tidy handles it: the model (for sorting, keys, duplicates) and the fields as written.

    ``fields`` holds ``[name as written, lower-case name, raw value expression]`` lists, in order.
    """

    entry: Entry
    etype: str
    key: str
    fields: list[list[str]] = field(default_factory=list)

    def get(self, lname: str) -> str | None:
        for f in self.fields:
            if f[1] == lname:
                return f[2]
        return None

    def set(self, lname: str, raw: str) -> None:
        for f in self.fields:
            if f[1] == lname:
                f[2] = raw
                return
        self.fields.append([lname, lname, raw])


Block = Item | RawBlock


def _sortable(text: str) -> str:
    """Accents, case, braces and extra spaces removed: "{\\"O}zt{\\"u}rk" and "Öztürk" sort together."""
    text = unicodedata.normalize("NFKD", text.replace("{", "").replace("}", ""))
    return " ".join("".join(c for c in text if not unicodedata.combining(c)).casefold().split())


def _person(p: Person) -> tuple[str, str]:
    return (_sortable(p.last), _sortable(p.given))


def sort_value(item: Item, criterion: str) -> Any:
    """The value ``item`` sorts by for one criterion (``None``: it has none)."""
    e = item.entry
    if criterion == "key":
        return _sortable(item.key) if item.key else None
    if criterion == "type":
        return item.etype.lower()
    if criterion == "special":
        return 0 if item.etype.lower() in ("set", "xdata") else 1
    if criterion == "author":
        people = e.authors or e.editors
        return tuple(_person(p) for p in people) if people else None
    if criterion in ("year", "month"):
        d = e.date
        if d is not None and getattr(d, criterion) is not None:
            return getattr(d, criterion)
        text = e.extra.get(criterion, "")
        digits = "".join(c for c in text if c.isdigit())[:4]
        return int(digits) if digits and criterion == "year" else None
    origin = e.bib
    groups = origin.decoded.get("__groups__", {}) if origin is not None else {}
    group = groups.get(criterion)
    if group is None:
        return None
    value = group_value(e, group)
    if value in (None, "", [], (None, None)):
        return None
    if isinstance(value, PartialDate):
        return value.iso()
    if isinstance(value, (list, tuple)):
        value = " ".join(p.display() if isinstance(p, Person) else str(p) for p in value if p is not None)
    return _sortable(str(value))


def _sort_items(items: list[Item], criteria: Sequence[str]) -> list[Item]:
    """Stable multi-key sort, last criterion first; missing values last in both directions."""
    items = list(items)
    for spec in reversed(criteria):
        desc = spec.startswith("-")
        name = spec.lstrip("-")
        keyed = [(sort_value(it, name), it) for it in items]
        present = [kv for kv in keyed if kv[0] is not None]
        missing = [it for v, it in keyed if v is None]
        kinds = {type(v) for v, _ in present}
        if len(kinds) > 1:  # mixed kinds (a year that is a number here, text there): compare as text
            present = [(str(v), it) for v, it in present]
        present.sort(key=lambda kv: kv[0], reverse=desc)
        items = [it for _, it in present] + missing
    return items


def _crossref(item: Item) -> str | None:
    """The (casefolded) key an entry's ``crossref`` field names, read from the field as it is now."""
    raw = item.get("crossref")
    if raw is None:
        return None
    parts, leftover = parse_expression(raw.strip())
    if leftover or len(parts) != 1 or parts[0][0] == "macro":
        return None
    return parts[0][1].strip().casefold() or None


def _crossref_last(items: list[Item]) -> list[Item]:
    """Entries named in another entry's ``crossref`` after every entry that names them (BibTeX's rule)."""
    by_key = {it.key.casefold(): it for it in items if it.key}
    referrers: dict[str, list[Item]] = {}
    for it in items:
        ref = _crossref(it)
        if ref and ref in by_key:
            referrers.setdefault(ref, []).append(it)
    if not referrers:
        return items
    level: dict[int, int] = {}

    def depth(it: Item, trail: frozenset[int]) -> int:
        if id(it) in level:
            return level[id(it)]
        refs = referrers.get(it.key.casefold(), []) if it.key else []
        d = 0
        for r in refs:
            if id(r) not in trail:
                d = max(d, depth(r, trail | {id(it)}) + 1)
        level[id(it)] = d
        return d

    return sorted(items, key=lambda it: depth(it, frozenset()))


def sort_blocks(blocks: list[Block], criteria: Sequence[str]) -> list[Block]:
    """Entries sorted by ``criteria``; see the module docstring for what travels and what stays."""
    head: list[Block] = []
    units: list[tuple[Item, list[Block]]] = []
    pending: list[Block] = []
    for block in blocks:
        if isinstance(block, Item):
            units.append((block, pending))
            pending = []
        elif block.kind in ("string", "preamble"):
            head.extend(pending)
            head.append(block)
            pending = []
        else:
            pending.append(block)
    attached = {id(item): before for item, before in units}
    ordered = _crossref_last(_sort_items([item for item, _ in units], criteria))
    out: list[Block] = list(head)
    for item in ordered:
        out.extend(attached[id(item)])
        out.append(item)
    out.extend(pending)
    return out


def sort_fields(fields: list[list[str]], order: Sequence[str]) -> list[list[str]]:
    """Fields named in ``order`` first, in that order; the others after them, in their own order."""
    position = {name: i for i, name in enumerate(order)}
    last = len(order)
    return sorted(fields, key=lambda f: position.get(f[1], last))
