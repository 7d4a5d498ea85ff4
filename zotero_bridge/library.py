"""What the bridge knows about a Zotero library: a snapshot of items and collections, indexed.

A :class:`Snapshot` is plain data read once per run through the local API
(``/items/top``, the attachments, ``/collections``); the planner matches
entries against its :class:`LibraryIndex` without any I/O.  Matching is
library-wide, not only inside the target collection, because an interrupted
run (or the user) may have put an item elsewhere.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterable

from bibkit.normalize.identity import Fingerprint, IdentityIndex

from .itemkeys import normalise_text
from .mapping import item_arxiv_id, item_citation_key, item_doi, parse_zotero_date
from .schema import NON_REGULAR


def split_path(path: str) -> list[str]:
    r"""``"Reading/MoE"`` -> ``["Reading", "MoE"]``; ``\/`` escapes a slash inside a name."""
    parts, current, i = [], "", 0
    while i < len(path):
        c = path[i]
        if c == "\\" and i + 1 < len(path) and path[i + 1] == "/":
            current += "/"
            i += 2
            continue
        if c == "/":
            parts.append(current.strip())
            current = ""
        else:
            current += c
        i += 1
    parts.append(current.strip())
    return [p for p in parts if p]


def join_path(parts: Iterable[str]) -> str:
    return "/".join(p.replace("/", "\\/") for p in parts)


def normalise_path(path: str) -> str:
    return join_path(split_path(path))


@dataclass
class Snapshot:
    """Items and collections of one library as the local API returned them (``data`` dicts).

    ``readable`` is False when nothing could be read (no local API): the
    planner then knows nothing about the library and says so.
    ``children`` maps a parent key to its child attachments;
    ``children_loaded`` says whether they were read at all.
    """

    items: list[dict[str, Any]] = field(default_factory=list)
    collections: list[dict[str, Any]] = field(default_factory=list)
    children: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    children_loaded: bool = False
    library_version: int | None = None
    readable: bool = True

    @classmethod
    def unreadable(cls) -> "Snapshot":
        return cls(readable=False)

    # -- collections
    def collection_paths(self) -> dict[str, str]:
        """Collection key -> full name path (``Parent/Child``)."""
        by_key = {c["key"]: c for c in self.collections}
        out: dict[str, str] = {}

        def path_of(key: str, depth: int = 0) -> str:
            if key in out:
                return out[key]
            c = by_key[key]
            parent = c.get("parentCollection") or None
            name = join_path([c.get("name", "")])
            if parent and parent in by_key and depth < 64:
                text = f"{path_of(parent, depth + 1)}/{name}"
            else:
                text = name
            out[key] = text
            return text

        for key in by_key:
            path_of(key)
        return out

    def find_collection(self, path: str) -> str | None:
        """Key of the collection at ``path`` (first in key order if names repeat), else ``None``."""
        wanted = normalise_path(path)
        hits = sorted(k for k, p in self.collection_paths().items() if p == wanted)
        return hits[0] if hits else None

    def missing_collection_paths(self, path: str) -> list[str]:
        """The prefixes of ``path`` that do not exist yet, parent first (empty when it exists)."""
        parts = split_path(path)
        existing = set(self.collection_paths().values())
        missing = []
        for i in range(1, len(parts) + 1):
            prefix = join_path(parts[:i])
            if prefix not in existing:
                missing.append(prefix)
        return missing

    def update_items(self, fresh: Iterable[dict[str, Any]]) -> None:
        """Replace or add items by key (after a re-read)."""
        by_key = {it["key"]: i for i, it in enumerate(self.items)}
        for item in fresh:
            if item.get("itemType") in NON_REGULAR:
                parent = item.get("parentItem")
                if parent:
                    kids = self.children.setdefault(parent, [])
                    kids[:] = [k for k in kids if k.get("key") != item.get("key")] + [item]
                continue
            if item["key"] in by_key:
                self.items[by_key[item["key"]]] = item
            else:
                by_key[item["key"]] = len(self.items)
                self.items.append(item)


def find_collection_loose(snapshot: Snapshot, path: str) -> str | None:
    """The collection at ``path``: the exact path first, else the one path equal to it ignoring letter case.

    Zotero's own lookups by name ignore case, and a user typing ``reading/moe``
    means ``Reading/MoE``; two collections differing only in case are
    ambiguous, so then only an exact match counts.
    """
    exact = snapshot.find_collection(path)
    if exact is not None:
        return exact
    wanted = normalise_path(path).casefold()
    hits = sorted(k for k, p in snapshot.collection_paths().items() if p.casefold() == wanted)
    return hits[0] if len(hits) == 1 else None


@dataclass
class Match:
    item: dict[str, Any]
    by: str  # "arxiv" | "doi" | "citation-key" | "title+author" | "item-key"
    candidates: int = 1


class LibraryIndex:
    """Lookup tables over a snapshot's regular, non-trashed top-level items.

    ``identity`` buckets every item by its fingerprint (title, first creator,
    year, abstract, identifiers) for the identity module's rules
    (:mod:`bibkit.normalize.identity`), the same rules duplicate merging and
    key pinning use.
    """

    def __init__(self, snapshot: Snapshot):
        self.snapshot = snapshot
        self.by_key: dict[str, dict[str, Any]] = {}
        self.by_arxiv: dict[str, list[dict[str, Any]]] = {}
        self.by_doi: dict[str, list[dict[str, Any]]] = {}
        self.by_citekey: dict[str, list[dict[str, Any]]] = {}
        self.identity: IdentityIndex[dict[str, Any]] = IdentityIndex()
        for item in snapshot.items:
            self.add(item)

    def add(self, item: dict[str, Any]) -> None:
        if item.get("itemType") in NON_REGULAR or item.get("parentItem"):
            return
        self.by_key[item["key"]] = item
        if item.get("deleted"):
            return  # in the trash: known by key (so it is never re-created), never matched
        arxiv = item_arxiv_id(item)
        if arxiv:
            self.by_arxiv.setdefault(arxiv.lower(), []).append(item)
        doi = item_doi(item)
        if doi:
            self.by_doi.setdefault(doi.lower(), []).append(item)
        citekey = item_citation_key(item)
        if citekey:
            self.by_citekey.setdefault(citekey, []).append(item)
        self.identity.add(item_fingerprint(item), item)


def item_fingerprint(item: dict[str, Any]) -> Fingerprint:
    """What a Zotero item is known by, for :func:`bibkit.normalize.identity.judge`."""
    date = parse_zotero_date(item.get("date"))
    return Fingerprint.of(
        title=item.get("title"), first_author=first_creator_name(item), year=date.year if date else None,
        abstract=item.get("abstractNote"), arxiv=item_arxiv_id(item), doi=item_doi(item),
        key=item_citation_key(item), label=item.get("key") or "",
    )


def first_creator_name(item: dict[str, Any]) -> str:
    """Normalised last (or single-field) name of the item's first author-like creator."""
    creators = item.get("creators") or []
    primary = [c for c in creators if c.get("creatorType") in (None, "author", "programmer")] or creators
    if not primary:
        return ""
    c = primary[0]
    if c.get("name"):
        return normalise_text(c["name"])
    last = (c.get("lastName") or "").strip()
    # the family name without a particle, as bibkit's Person.family
    tokens = last.split(" ")
    while len(tokens) > 1 and tokens[0][:1].islower():
        tokens.pop(0)
    return normalise_text(" ".join(tokens))


def pick(candidates: list[dict[str, Any]], collection_key: str | None) -> dict[str, Any]:
    """Among several matching items: the one in the target collection, else the oldest."""
    def rank(item: dict[str, Any]) -> tuple[int, str, str]:
        inside = 0 if collection_key and collection_key in (item.get("collections") or []) else 1
        return inside, item.get("dateAdded") or "", item.get("key") or ""

    return sorted(candidates, key=rank)[0]
