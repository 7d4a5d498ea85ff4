"""Entry <-> Zotero item JSON, both directions.

Forward (:func:`entry_to_item`) builds the Web-API-shaped ``data`` of an item
(what the local API reads and writes) plus the linked-URL attachment for the
paper's code repository; :func:`to_connector` turns that into the translator
format ``/connector/saveItems`` takes.  Backward (:func:`item_to_entry`) reads
an item (and its child attachments) into an :class:`~bibkit.model.Entry`.

Conventions, chosen to match Zotero's own translators (translator-cases/):

* an arXiv paper not known to be published is a ``preprint`` with
  ``repository: arXiv``, ``archiveID: arXiv:<id>``, DOI ``10.48550/arXiv.<id>``,
  URL ``http://arxiv.org/abs/<id>`` and the Extra line ``arXiv:<id> [<class>]``
  — exactly what Zotero's arXiv.org translator writes;
* a published paper (``@article`` in a real journal, ``@inproceedings``) is a
  ``journalArticle``/``conferencePaper`` that keeps its arXiv ID in Extra only;
* creators are structured; organisations are single-field (``{"name": …}``);
  a particle goes with the last name and a suffix after the first name behind
  a comma (``von Hicks`` / ``Michael, III``), as Zotero's BibTeX import does;
* the citation key goes in ``citationKey`` where the type has it, and always in
  the Extra line ``Citation Key: <key>``;
* tags are manual tags (``{"tag": t}``, no type).

Values derived from the arXiv ID (repository, archiveID, arXiv DOI, abs URL)
are *defaults*: they fill empty fields of an existing item but never replace
what the user has (see :attr:`ItemDraft.derived`).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any, Iterable

from bibkit.model import MONTH_NUMBERS, Entry, Identifiers, Link, LinkKind, PartialDate, Person, arxiv_doi
from bibkit.normalize.identity import strip_arxiv_version

from . import extra as extra_lines
from .itemkeys import arxiv_id_from_doi
from .schema import CREATOR_TYPES as CREATOR_TYPES_KNOWN
from .schema import Schema

# --------------------------------------------------------------------------- item types

_ENTRY_TO_ITEM = {
    "preprint": "preprint",
    "article": "journalArticle",
    "inproceedings": "conferencePaper",
    "conference": "conferencePaper",
    "book": "book", "booklet": "book", "manual": "book", "proceedings": "book", "mvbook": "book",
    "collection": "book",
    "inbook": "bookSection", "incollection": "bookSection",
    "phdthesis": "thesis", "mastersthesis": "thesis", "thesis": "thesis",
    "techreport": "report", "report": "report",
    "unpublished": "manuscript",
    "online": "webpage", "electronic": "webpage",
    "software": "computerProgram",
    "dataset": "dataset",
    "misc": "document",
}
_ITEM_TO_ENTRY = {
    "preprint": "preprint",
    "journalArticle": "article", "magazineArticle": "article", "newspaperArticle": "article",
    "conferencePaper": "inproceedings",
    "book": "book",
    "bookSection": "incollection",
    "thesis": "thesis",
    "report": "techreport",
    "manuscript": "unpublished",
    "webpage": "online",
    "computerProgram": "software",
    "dataset": "dataset",
    "document": "misc",
}
#: entry types that stand for "not (known to be) published": an arXiv ID makes them preprints
_UNPUBLISHED_TYPES = frozenset({"preprint", "misc", "online", "electronic", "unpublished"})
#: journal names that are arXiv itself, not a venue (Google Scholar's "arXiv preprint arXiv:…", DBLP's CoRR)
_ARXIV_JOURNAL = re.compile(r"^\s*(?:arxiv\b|corr\b|arxiv\.org)", re.IGNORECASE)
_PHD = re.compile(r"^\s*ph\.?\s*d\.?(\s+thesis)?\s*$|^\s*(phd|doctoral)\s+(thesis|dissertation)\s*$", re.IGNORECASE)
_MASTERS = re.compile(r"^\s*(master'?s?|ms|msc|ma|m\.sc\.?)(\s+thesis)?\s*$", re.IGNORECASE)


def arxiv_of(entry: Entry) -> str | None:
    """The entry's arXiv base ID (from ``ids.arxiv`` or an arXiv DataCite DOI)."""
    found = entry.ids.arxiv or arxiv_id_from_doi(entry.ids.doi)
    return strip_arxiv_version(found) if found else None


def arxiv_abs_url(arxiv_id: str) -> str:
    """The abs-page URL exactly as Zotero's arXiv translator stores it (http, no version)."""
    return f"http://arxiv.org/abs/{arxiv_id}"


def canonical_url(url: str, arxiv_id: str | None) -> str:
    """``https://arxiv.org/abs/2401.06066v2`` -> ``http://arxiv.org/abs/2401.06066`` for the entry's own paper."""
    if arxiv_id:
        m = _ARXIV_URL.search(url)
        if m and strip_arxiv_version(m.group(1)).lower() == arxiv_id.lower():
            return arxiv_abs_url(arxiv_id)
    return url


def is_arxiv_only_journal(entry: Entry) -> bool:
    return bool(entry.journal and _ARXIV_JOURNAL.match(entry.journal))


def item_type_for(entry: Entry) -> str:
    """The Zotero item type an entry becomes (see the module docstring for the arXiv rule)."""
    etype = (entry.entry_type or "misc").lower()
    if arxiv_of(entry):
        if etype in _UNPUBLISHED_TYPES:
            return "preprint"
        if etype == "article" and (not entry.journal or is_arxiv_only_journal(entry)):
            return "preprint"
    return _ENTRY_TO_ITEM.get(etype, "document")


# --------------------------------------------------------------------------- names


def person_to_creator(person: Person, creator_type: str) -> dict[str, str]:
    """A Zotero creator: single-field for literal names, else last name with particle, first name with suffix."""
    if person.literal:
        return {"creatorType": creator_type, "name": person.literal}
    last = f"{person.particle} {person.family}".strip()
    first = person.given
    if person.suffix:
        first = f"{first}, {person.suffix}"  # ", Jr." without a given name, so the suffix stays a suffix
    return {"creatorType": creator_type, "firstName": first, "lastName": last}


def _is_particle(token: str) -> bool:
    letters = [c for c in token if c.isalpha()]
    return bool(letters) and all(c.islower() for c in letters)


def creator_to_person(creator: dict[str, Any]) -> Person:
    """Inverse of :func:`person_to_creator` (lower-case leading words of a last name are particles)."""
    if "name" in creator or creator.get("fieldMode") == 1:
        return Person(literal=(creator.get("name") or creator.get("lastName") or "").strip())
    last = (creator.get("lastName") or "").strip()
    first = (creator.get("firstName") or "").strip()
    tokens = last.split(" ")
    i = 0
    while i < len(tokens) - 1 and _is_particle(tokens[i]):
        i += 1
    particle, family = " ".join(tokens[:i]), " ".join(tokens[i:])
    suffix = ""
    if ", " in first:
        first, suffix = (part.strip() for part in first.rsplit(", ", 1))
    if not family and not first:
        return Person(literal="")
    return Person(family=family, given=first, particle=particle, suffix=suffix)


# --------------------------------------------------------------------------- dates

def parse_zotero_date(text: str | None, parsed: str | None = None) -> PartialDate | None:
    """A Zotero date string (free text) as a :class:`PartialDate`.

    ``parsed`` is the API's ``meta.parsedDate`` (``YYYY[-MM[-DD]]``), preferred when
    present; otherwise ISO forms, ``MM/YYYY``, ``Month YYYY``, ``DD Month YYYY``,
    ``Month DD, YYYY`` and finally any four-digit year are understood.
    """
    if parsed:
        date = PartialDate.parse(parsed)
        if date:
            return date
    if not text:
        return None
    text = text.strip()
    if re.match(r"^\d{4}(-\d{1,2}(-\d{1,2})?)?([T ].*)?$", text):
        return PartialDate.parse(text)
    m = re.match(r"^(\d{1,2})/(\d{4})$", text)
    if m:
        return _safe_date(int(m.group(2)), int(m.group(1)))
    m = re.match(r"^(\d{1,2})/(\d{1,2})/(\d{4})$", text)  # Zotero reads m/d/y (US) by default
    if m:
        return _safe_date(int(m.group(3)), int(m.group(1)), int(m.group(2)))
    words = re.findall(r"[A-Za-z]+|\d+", text)
    year = next((int(w) for w in words if len(w) == 4 and w.isdigit()), None)
    if year is None:
        return None
    month = next((MONTH_NUMBERS[w[:3].lower()] for w in words if w[:3].lower() in MONTH_NUMBERS and w.isalpha()), None)
    day = next((int(w) for w in words if w.isdigit() and len(w) <= 2 and 1 <= int(w) <= 31), None) if month else None
    return _safe_date(year, month, day)


def _safe_date(year: int, month: int | None = None, day: int | None = None) -> PartialDate:
    try:
        return PartialDate(year, month, day)
    except ValueError:
        return PartialDate(year)


# --------------------------------------------------------------------------- field table

#: Entry.extra names (BibTeX/BibLaTeX field names, lower case) <-> Zotero base fields
_EXTRA_FIELDS: list[tuple[str, str]] = [
    ("address", "place"),
    ("series", "series"),
    ("edition", "edition"),
    ("language", "language"),
    ("shorttitle", "shortTitle"),
    ("urldate", "accessDate"),
    ("copyright", "rights"),
    ("type", "type"),
    ("eventtitle", "conferenceName"),
    ("venue", "eventPlace"),
    ("pagetotal", "numPages"),
    ("version", "versionNumber"),
    ("shortjournal", "journalAbbreviation"),
]
#: Entry.extra names of identifiers Zotero keeps as Extra lines (``LCCN: …``), by extra.ID_LABELS kind
_EXTRA_IDS = {"pmcid": "pmcid", "lccn": "lccn", "mr": "mrnumber", "zbl": "zmnumber"}
#: identifier kinds that are real fields on some item types
_ID_FIELDS = {"doi": "DOI", "pmid": "PMID", "pmcid": "PMCID"}
_SERIES_ALIASES = ("series", "seriesTitle")


def _clean(value: Any) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


@dataclass
class ItemDraft:
    """What an entry becomes in Zotero, before keys, versions and collections are attached.

    ``data`` is Web-API item data (type-specific field names, ``creators``,
    ``tags`` as ``[{"tag": t}]``, ``extra`` with the managed lines).  ``managed``
    says which Extra values the bridge owns for this entry.  ``derived`` names
    fields filled from defaults (fill-if-empty on existing items).  ``dropped``
    names entry fields the item type cannot hold (reported, not silently lost).
    """

    data: dict[str, Any]
    managed: extra_lines.Managed
    attachment: dict[str, Any] | None = None
    derived: set[str] = field(default_factory=set)
    dropped: list[str] = field(default_factory=list)

    @property
    def item_type(self) -> str:
        return str(self.data["itemType"])

    @property
    def tags(self) -> list[str]:
        return [t["tag"] for t in self.data.get("tags", [])]


def code_repo_name(link: Link) -> str:
    """``owner/name`` of a code link, canonical (GitHub's ``full_name``) when the enricher knows it."""
    if link.repo and link.repo.full_name:
        return link.repo.full_name
    if link.target:
        return link.target
    m = _GITHUB_URL.search(link.url)
    return f"{m.group(1)}/{m.group(2)}" if m else link.url


def code_repo_attachment(link: Link) -> dict[str, Any]:
    """The linked-URL attachment (Web API shape, no key/parent yet) for the paper's code repository."""
    name = code_repo_name(link)
    url = link.url if link.subpath else f"https://github.com/{name}"
    return {
        "itemType": "attachment",
        "linkMode": "linked_url",
        "title": f"GitHub: {name}",
        "url": url,
        "contentType": "text/html",
        "tags": [],
        "relations": {},
    }


def unique_tags(*groups: Iterable[str]) -> list[str]:
    """Tags in first-seen order, stripped, empty and repeated ones dropped (case-sensitive, as Zotero)."""
    out: list[str] = []
    seen: set[str] = set()
    for group in groups:
        for tag in group:
            tag = (tag or "").strip()
            if tag and tag not in seen:
                seen.add(tag)
                out.append(tag)
    return out


def entry_to_item(
    entry: Entry,
    schema: Schema | None = None,
    *,
    item_type: str | None = None,
    tags: Iterable[str] = (),
) -> ItemDraft:
    """Map an entry to Zotero item data (see the module docstring for the conventions).

    ``item_type`` forces the type (used for an existing item, whose type the
    bridge never changes); ``tags`` are added after the entry's own tags.
    """
    schema = schema or Schema()
    itype = item_type or item_type_for(entry)
    data: dict[str, Any] = {"itemType": itype}
    derived: set[str] = set()
    dropped: list[str] = []

    def put(base: str, value: Any, *, what: str, is_derived: bool = False, report: bool = True) -> bool:
        value = _clean(value)
        if value is None:
            return False
        name = schema.specific(itype, base)
        if name is None:
            if report:
                dropped.append(what)
            return False
        if name in data:
            return False
        data[name] = value
        if is_derived:
            derived.add(name)
        return True

    arxiv = arxiv_of(entry)
    preprint_arxiv = itype == "preprint" and arxiv is not None
    put("title", entry.title, what="title")
    creators = _creators(entry, itype, schema)
    data["creators"] = creators
    put("abstractNote", entry.abstract, what="abstract")
    if entry.date:
        put("date", entry.date.iso(), what="date")

    # container and venue
    if itype in ("conferencePaper", "bookSection"):
        put("publicationTitle", entry.booktitle or entry.journal, what="booktitle")
    elif not (preprint_arxiv and is_arxiv_only_journal(entry)):
        put("publicationTitle", entry.journal, what="journal")
        if entry.booktitle:
            dropped.append("booktitle")

    # publisher and its per-type stand-ins
    if preprint_arxiv:
        put("publisher", "arXiv", what="publisher", is_derived=True)
    elif itype == "thesis":
        put("publisher", entry.extra.get("school") or entry.publisher, what="school")
    elif itype == "report":
        put("publisher", entry.extra.get("institution") or entry.publisher, what="institution")
    else:
        put("publisher", entry.publisher, what="publisher")

    if not (preprint_arxiv and is_arxiv_only_journal(entry)):
        put("volume", entry.volume, what="volume")
    # number: issue for articles, archive ID for arXiv preprints, report/series number elsewhere
    if preprint_arxiv:
        put("number", f"arXiv:{arxiv}", what="number", is_derived=True)
    elif itype in ("book", "bookSection"):
        put("seriesNumber", entry.number, what="number")
    elif schema.has(itype, "issue"):
        put("issue", entry.number, what="number")
    else:
        put("number", entry.number, what="number")
    put("pages", entry.pages, what="pages")

    # identifiers: a field where the type has one, else an Extra line (Zotero's convention)
    id_values = {"doi": entry.ids.doi, "pmid": entry.ids.pmid,
                 **{kind: entry.extra.get(name) for kind, name in _EXTRA_IDS.items()}}
    id_lines: list[tuple[str, str]] = []
    for kind in extra_lines.ID_LABELS:
        value = _clean(id_values.get(kind))
        if value is None:
            continue
        if kind in _ID_FIELDS and put(_ID_FIELDS[kind], value, what=kind, report=False):
            continue
        id_lines.append((kind, value))
    if not entry.ids.doi and preprint_arxiv and arxiv is not None:
        put("DOI", arxiv_doi(arxiv), what="doi", is_derived=True)
    put("ISBN", entry.ids.isbn or entry.extra.get("isbn"), what="isbn")
    put("ISSN", entry.ids.issn or entry.extra.get("issn"), what="issn")

    # url (an arXiv abs/pdf link of the paper itself is stored as the arXiv translator stores it)
    if entry.url:
        put("url", canonical_url(entry.url, arxiv), what="url")
    elif preprint_arxiv and arxiv is not None:
        put("url", arxiv_abs_url(arxiv), what="url", is_derived=True)

    # the remaining BibTeX fields kept in Entry.extra
    if itype == "thesis" and not entry.extra.get("type"):
        etype = (entry.entry_type or "").lower()
        if etype == "phdthesis":
            put("type", "PhD Thesis", what="type")
        elif etype == "mastersthesis":
            put("type", "Master's Thesis", what="type")
    for bib_name, base in _EXTRA_FIELDS:
        value = entry.extra.get(bib_name)
        if value is None:
            continue
        if base == "series" and not schema.specific(itype, "series") and schema.has(itype, "seriesTitle"):
            put("seriesTitle", value, what=bib_name)
            continue
        if bib_name == "venue" and itype != "conferencePaper":
            put("place", value, what=bib_name)
            continue
        put(base, value, what=bib_name)

    # citation key: the field where the type has it, and always the Extra line
    if entry.key:
        put("citationKey", entry.key, what="key", report=False)
    managed = extra_lines.Managed(
        citation_key=entry.key or None,
        arxiv=arxiv,
        arxiv_class=entry.primary_class if arxiv else None,
        ids=tuple(id_lines),
    )
    extra_text = extra_lines.merge("", managed)
    if extra_text:
        data["extra"] = extra_text

    data["tags"] = [{"tag": t} for t in unique_tags(entry.tags, tags)]
    link = entry.code_repo
    attachment = code_repo_attachment(link) if link else None
    return ItemDraft(data=data, managed=managed, attachment=attachment, derived=derived, dropped=dropped)


def _creators(entry: Entry, itype: str, schema: Schema) -> list[dict[str, str]]:
    types = schema.creator_types(itype)
    out = [person_to_creator(p, types[0]) for p in entry.authors if p.literal or p.family or p.given]
    editor_type = "editor" if "editor" in types else "contributor"
    out += [person_to_creator(p, editor_type) for p in entry.editors if p.literal or p.family or p.given]
    return out


# --------------------------------------------------------------------------- connector format


def to_connector(draft: ItemDraft, item_id: str, *, include_tags: bool = False) -> dict[str, Any]:
    """Translator-format item for ``/connector/saveItems`` (PROTOCOL.md 2.4).

    Tags are not sent here by default: saveItems stores them as *automatic*
    tags (and drops them all when the user turned automatic tags off); the
    bridge sets them as manual tags through ``updateSession`` instead.
    """
    item = {k: v for k, v in draft.data.items() if k not in ("tags", "collections", "key", "version", "relations")}
    item["id"] = item_id
    item["tags"] = [t["tag"] for t in draft.data.get("tags", [])] if include_tags else []
    item["notes"] = []
    item["attachments"] = []
    if draft.attachment:
        item["attachments"].append({
            "title": draft.attachment["title"],
            "url": draft.attachment["url"],
            "mimeType": "text/html",
            "snapshot": False,
        })
    item["seeAlso"] = []
    return item


# --------------------------------------------------------------------------- backward: item -> entry

_GITHUB_URL = re.compile(
    r"github\.com/([A-Za-z0-9_.-]+)/([A-Za-z0-9_.-]+?)(?:\.git)?(?:/(?:tree|blob)/[^/]+/([^?#]+?))?/?(?:[?#].*)?$")
_ARXIV_URL = re.compile(r"arxiv\.org/(?:abs|pdf)/([^?#\s]+?)(?:v\d+)?(?:\.pdf)?/?(?:[?#].*)?$", re.IGNORECASE)
_ARCHIVE_ID = re.compile(r"^\s*arxiv\s*:\s*(\S+)\s*$", re.IGNORECASE)


def _data(item: dict[str, Any]) -> dict[str, Any]:
    """Item data whether given the API wrapper (``{key, version, data, meta}``) or the data itself."""
    return item["data"] if isinstance(item.get("data"), dict) else item


def item_arxiv_id(data: dict[str, Any]) -> str | None:
    """The arXiv base ID an item carries anywhere (archiveID, Extra, arXiv DOI, abs URL)."""
    m = _ARCHIVE_ID.match(data.get("archiveID") or "")
    if m:
        return strip_arxiv_version(m.group(1))
    info = extra_lines.parse(data.get("extra"))
    if info.arxiv:
        return strip_arxiv_version(info.arxiv)
    from_doi = arxiv_id_from_doi(data.get("DOI"))
    if from_doi:
        return strip_arxiv_version(from_doi)
    m = _ARXIV_URL.search(data.get("url") or "")
    return strip_arxiv_version(m.group(1)) if m else None


def item_doi(data: dict[str, Any]) -> str | None:
    return _clean(data.get("DOI")) or extra_lines.parse(data.get("extra")).doi


def item_citation_key(data: dict[str, Any]) -> str | None:
    """The citation key as Zotero's BibTeX exporter finds it: Extra line first, then the field."""
    return extra_lines.parse(data.get("extra")).citation_key or _clean(data.get("citationKey"))


def github_link_from_attachment(child: dict[str, Any]) -> Link | None:
    """A GitHub link for a linked-URL attachment pointing at a repository (else ``None``)."""
    data = _data(child)
    if data.get("itemType") != "attachment" or data.get("linkMode") not in ("linked_url", None):
        return None
    url = data.get("url") or ""
    m = _GITHUB_URL.search(url)
    if not m or "gist.github.com" in url:
        return None
    target = f"{m.group(1)}/{m.group(2)}"
    title = data.get("title") or ""
    if title.startswith("GitHub: "):
        target = title[len("GitHub: "):].strip() or target
    return Link(kind=LinkKind.GITHUB, url=url, target=target, subpath=m.group(3) or None, role="primary",
                evidence="zotero-attachment", source="zotero")


def item_to_entry(item: dict[str, Any], children: Iterable[dict[str, Any]] = (), *,
                  schema: Schema | None = None) -> Entry:
    """Read a Zotero item (API wrapper or bare data) and its children into an Entry.

    Inverse of :func:`entry_to_item` for everything the item type can hold:
    entry → item → entry gives the same entry up to what Zotero cannot store
    (see tests/test_bridge_mapping.py for the exact list).
    """
    schema = schema or Schema()
    data = _data(item)
    meta = (item.get("meta") if isinstance(item.get("data"), dict) else data.get("__meta__")) or {}
    itype = data.get("itemType") or "document"
    base = {schema.base_of(itype, k): v for k, v in data.items() if isinstance(v, str) and v.strip()}
    etype = _ITEM_TO_ENTRY.get(itype, "misc")
    entry = Entry(entry_type=etype)
    info = extra_lines.parse(data.get("extra"))

    arxiv = item_arxiv_id(data)
    entry.title = _clean(data.get("title"))
    entry.abstract = _clean(data.get("abstractNote"))
    entry.date = parse_zotero_date(data.get("date"), meta.get("parsedDate"))
    raw_date = _clean(data.get("date"))
    if entry.date is None and raw_date:
        entry.extra["date"] = raw_date  # free text ("in press", "03/04"): kept, as Zotero keeps it
    _read_creators(entry, data.get("creators") or [], itype, schema)

    container = base.get("publicationTitle")
    if itype in ("conferencePaper", "bookSection"):
        entry.booktitle = container
    else:
        entry.journal = container
    publisher = base.get("publisher")
    if itype == "preprint" and arxiv and publisher == "arXiv":
        publisher = None
    if itype == "thesis" and publisher:
        entry.extra["school"] = publisher
    elif itype == "report" and publisher:
        entry.extra["institution"] = publisher
    else:
        entry.publisher = publisher
    entry.volume = base.get("volume")
    number = base.get("issue") if itype not in ("book", "bookSection") else base.get("seriesNumber")
    if itype == "preprint" and arxiv:
        archive = _ARCHIVE_ID.match(data.get("archiveID") or "")
        number = None if archive else base.get("number")
    elif number is None and itype not in ("book", "bookSection"):
        number = base.get("number")
    entry.number = number
    entry.pages = _clean(data.get("pages"))
    entry.url = _clean(data.get("url"))

    doi = item_doi(data)
    entry.ids = Identifiers(
        arxiv=arxiv,
        doi=doi,
        isbn=_clean(data.get("ISBN")),
        issn=_clean(data.get("ISSN")),
        pmid=_clean(data.get("PMID")) or info.pmid,
    )
    if arxiv and info.arxiv and strip_arxiv_version(info.arxiv) == arxiv:
        entry.primary_class = info.arxiv_class
    key = item_citation_key(data)
    if key:
        entry.key, entry.key_pinned = key, True

    type_value = base.get("type")
    if itype == "thesis" and type_value:
        if _PHD.match(type_value):
            entry.entry_type, type_value = "phdthesis", None
        elif _MASTERS.match(type_value):
            entry.entry_type, type_value = "mastersthesis", None
    for bib_name, base_name in _EXTRA_FIELDS:
        if base_name == "type":
            value = type_value
        elif base_name == "series":
            value = base.get("series") or base.get("seriesTitle")
        elif bib_name == "venue":
            value = data.get("eventPlace")
        else:
            value = base.get(base_name)
        if value:
            entry.extra[bib_name] = value

    for kind, name in _EXTRA_IDS.items():
        value = (_clean(data.get(_ID_FIELDS[kind])) if kind in _ID_FIELDS else None) or info.ids.get(kind)
        if value:
            entry.extra[name] = value

    entry.tags = unique_tags(t.get("tag", "") for t in data.get("tags") or [])
    for child in children:
        link = github_link_from_attachment(child)
        if link:
            entry.add_link(link)
            break

    user_extra = extra_lines.strip_managed(data.get("extra"))
    entry.meta["zotero"] = {
        "key": data.get("key") or item.get("key"),
        "version": data.get("version", item.get("version")),
        "itemType": itype,
        **({"extra": user_extra} if user_extra else {}),
    }
    return entry


#: BibTeX fields for creators that are neither the item type's primary creator nor an editor, as
#: Zotero's BibTeX export writes them (BibTeX.js: translator, everything else collaborator)
_OTHER_CREATOR_FIELDS = {"translator": "translator"}


def _read_creators(entry: Entry, creators: list[dict[str, Any]], itype: str, schema: Schema) -> None:
    """Creators as Zotero's BibTeX export maps them: the item type's primary creator (author, but
    also cartographer, director, inventor, presenter, podcaster…) → ``author``; editor and series
    editor → ``editor``; translator → ``translator``; every other role → ``collaborator``.  No name is
    dropped.  The extra name fields keep their people in ``entry.meta["names"]`` so the writer can
    give them BibTeX's name syntax (an organisation in braces)."""
    primary = schema.primary_creator(itype)
    types = {c.get("creatorType") or "author" for c in creators}
    if primary not in types and itype not in CREATOR_TYPES_KNOWN:
        # an item type this table does not know: its first creator's role is its primary one
        first = next((c.get("creatorType") for c in creators if c.get("creatorType")
                      not in ("editor", "seriesEditor", "translator")), None)
        primary = first or primary
    others: dict[str, list[Person]] = {}
    for creator in creators:
        ctype = creator.get("creatorType") or "author"
        person = creator_to_person(creator)
        if not (person.literal or person.family or person.given):
            continue
        if ctype == primary:
            entry.authors.append(person)
        elif ctype in ("editor", "seriesEditor"):
            entry.editors.append(person)
        else:
            others.setdefault(_OTHER_CREATOR_FIELDS.get(ctype, "collaborator"), []).append(person)
    for name, people in others.items():
        text = " and ".join(_name_text(p) for p in people)
        entry.extra[name] = text
        entry.meta.setdefault("names", {})[name] = (text, people)


def _name_text(person: Person) -> str:
    if person.literal:
        return person.literal
    last = f"{person.particle} {person.family}".strip()
    parts = [last] + ([person.suffix] if person.suffix else []) + ([person.given] if person.given else [])
    return ", ".join(parts)


def entry_summary(entry: Entry) -> str:
    """One short line naming an entry in tables and messages."""
    title = entry.title or "(untitled)"
    title = unicodedata.normalize("NFC", title)
    return title if len(title) <= 60 else title[:57] + "…"


__all__ = [
    "ItemDraft", "arxiv_abs_url", "arxiv_of", "code_repo_attachment", "creator_to_person", "entry_summary",
    "entry_to_item", "github_link_from_attachment", "item_arxiv_id", "item_citation_key", "item_doi",
    "item_to_entry", "item_type_for", "parse_zotero_date", "person_to_creator", "to_connector", "unique_tags",
]
