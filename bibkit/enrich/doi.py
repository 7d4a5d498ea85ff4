"""DOIs looked up: which DOI is a record's own, and a Crossref work written into an entry.

A DOI list gives entries holding nothing but ``doi`` and ``url``; a ``.bib``
entry may carry a ``doi`` and little else; a pasted ``https://doi.org/…`` line
becomes an entry whose "title" is the link.  :func:`own_doi` finds the DOI in
each of these (never one merely mentioned in an abstract: that names another
work), and :func:`apply_crossref` fills the entry from Crossref's record of it.
A bare ACL Anthology link is looked up by the DOI the Anthology registers for
its ID (:func:`anthology_doi`), and filled only if Crossref has it.

arXiv's own ``10.48550/arXiv.*`` DOIs are not Crossref's (they are DataCite
DOIs, answered 404 by Crossref): the arXiv resolver looks those up, so
:func:`own_doi` leaves them out.

What a user wrote is not overwritten: a ``.bib`` entry's present fields stay
(:func:`bibkit.enrich.apply.user_owned`), only missing ones are filled.
Every field set carries its provenance (``crossref``, the DOI URL).
"""

from __future__ import annotations

import re
from typing import Any

from ..links import normalize_doi
from ..model import Entry, PartialDate, Person, Provenance
from ..names import parse_plain_name
from ..normalize.pages import page_range
from .apply import user_owned
from .base import EntryReport
from .crossref import CrossrefWork
from .published import SERIES
from .venues import Venue, VenueTable

__all__ = ["own_doi", "anthology_doi", "lookup_doi", "needs_metadata", "apply_crossref", "ENTRY_TYPES",
           "is_arxiv_doi", "set_field"]

#: Crossref type -> model entry type (what a DOI list entry becomes)
ENTRY_TYPES = {
    "journal-article": "article",
    "proceedings-article": "inproceedings",
    "book-chapter": "incollection",
    "book-part": "incollection",
    "book-section": "incollection",
    "reference-entry": "incollection",
    "book": "book",
    "monograph": "book",
    "edited-book": "book",
    "reference-book": "book",
    "book-set": "book",
    "proceedings": "proceedings",
    "report": "techreport",
    "report-component": "techreport",
    "dissertation": "phdthesis",
    "dataset": "dataset",
    "posted-content": "misc",
    "standard": "misc",
    "component": "misc",
    "peer-review": "misc",
    "other": "misc",
}
#: provenance sources that mean "written in free text" (such a DOI names some other work)
_FREE_TEXT = frozenset({"abstract", "text", "note", "comment", "arxiv-comment", "listing-text"})
_DOI_ONLY = re.compile(r"^\s*(?:doi:\s*|https?://(?:dx\.)?doi\.org/)?10\.\d{4,9}/\S+\s*$", re.IGNORECASE)
_PROCEEDINGS = re.compile(r"\b(?:proceedings|conference|symposium|workshop|findings of)\b", re.IGNORECASE)


def is_arxiv_doi(doi: str | None) -> bool:
    return bool(doi) and (doi or "").lower().startswith("10.48550/")


def own_doi(entry: Entry) -> str | None:
    """The DOI that names this record itself (not arXiv's), or ``None``.

    The entry's ``ids.doi`` unless a free-text source put it there; or, for a
    pasted line that is nothing but a DOI or ``doi.org`` link (the listing
    reader takes it for a title), that DOI.
    """
    doi = entry.ids.doi
    if doi and not is_arxiv_doi(doi):
        prov = entry.provenance.get("ids.doi")
        if prov is None or prov.source not in _FREE_TEXT:
            return doi
    if entry.title and _DOI_ONLY.match(entry.title):
        found = normalize_doi(entry.title.strip())
        if found and not is_arxiv_doi(found):
            return found
    return None


#: the ACL Anthology registers each paper's DOI as this prefix + its Anthology ID (``2023.acl-long.1``,
#: ``P19-1001``); papers from before about 2012 have none
ACL_DOI_PREFIX = "10.18653/v1/"


def anthology_doi(entry: Entry) -> str | None:
    """The DOI the ACL Anthology gives the paper an Anthology link names, for an entry with no DOI of its own.

    Only a question to Crossref: a paper the Anthology registered no DOI for is not in Crossref's answer, and
    nothing is written then (:meth:`~bibkit.enrich.upgrade.Upgrader`'s DOI records) — the DOI an entry gets is
    always Crossref's."""
    acl = entry.ids.others.get("acl")
    return ACL_DOI_PREFIX + acl if acl and own_doi(entry) is None else None


def lookup_doi(entry: Entry) -> str | None:
    """The DOI a record is looked up by at Crossref: its own (:func:`own_doi`), else its Anthology DOI."""
    return own_doi(entry) or anthology_doi(entry)


def needs_metadata(entry: Entry) -> bool:
    """Whether a record identified by a DOI lacks what a citation needs (a real title, authors)."""
    if not entry.title or _DOI_ONLY.match(entry.title):
        return True
    return not entry.authors and not entry.editors


def set_field(entry: Entry, report: EntryReport, name: str, value: Any, *, source: str, confidence: float,
              detail: str | None, fill_only: bool = False, force: bool = False) -> bool:
    """Set one model field with provenance and list it in the report; ``False`` when it was kept as it was.

    ``fill_only`` (and, unless ``force``, any field a ``.bib`` input holds) only fills an empty field;
    ``None`` clears a field.  A group the user edited by hand in the previous output
    (``entry.record.protected``) is never set, ``force`` or not.
    """
    current = getattr(entry, name)
    if current == value or value in ("", []) or name in entry.record.protected:  # protected: the user's edit
        return False
    if current not in (None, "", []) and (fill_only or (user_owned(entry, name) and not force)):
        return False
    entry.set(name, value, source, confidence, detail)
    info: dict[str, Any] = {"source": source, "confidence": round(confidence, 4)}
    if detail:
        info["detail"] = detail
    if value is None:
        info["cleared"] = True
    report.fields_set[name] = info
    return True


def _persons(work: CrossrefWork) -> list[Person]:
    out = []
    for i, name in enumerate(work.authors):
        out.append(Person(literal=name) if i in work.organisations else parse_plain_name(name))
    return out


def _container(work: CrossrefWork) -> tuple[str | None, str | None]:
    """``(container, series)``: a book series (Lecture Notes in …) is not the proceedings' own title."""
    series = next((c for c in work.containers if SERIES.match(c)), None)
    own = [c for c in work.containers if c != series]
    return (own[0] if own else series), (series if own else None)


def apply_crossref(entry: Entry, work: CrossrefWork, report: EntryReport, venues: VenueTable,
                   style: str = "full") -> None:
    """Fill ``entry`` from Crossref's record of its DOI (fills only, for ``.bib`` entries)."""
    detail = work.record_url
    from_bib = entry.bib is not None

    def put(name: str, value: Any, *, fill: bool = False) -> None:
        set_field(entry, report, name, value, source="crossref", confidence=1.0, detail=detail,
                  fill_only=fill or from_bib)

    def extra(name: str, value: str | None) -> None:
        if value and name not in entry.extra:
            entry.extra[name] = value
            entry.provenance[f"extra:{name}"] = Provenance("crossref", 1.0, detail)  # a rebuild keeps it
            report.fields_set[f"extra.{name}"] = {"source": "crossref", "confidence": 1.0, "detail": detail}

    def ident(name: str, value: str | None) -> None:
        if value and not getattr(entry.ids, name):
            entry.set_id(name, value, "crossref", 1.0, detail)
            report.fields_set[f"ids.{name}"] = {"source": "crossref", "confidence": 1.0, "detail": detail}

    container, series = _container(work)
    venue = _crossref_type(entry, work, report, venues, container)
    title = work.title
    if title and (not entry.title or _DOI_ONLY.match(entry.title or "")):
        entry.set("title", title, "crossref", 1.0, detail)
        report.fields_set["title"] = {"source": "crossref", "confidence": 1.0, "detail": detail}
    elif title:
        put("title", title, fill=True)
    if work.authors:
        put("authors", _persons(work), fill=True)
    if work.date:
        put("date", PartialDate(work.date.year, work.date.month), fill=True)
    name = venue.name(style, work.year) if venue is not None else container
    if name and entry.entry_type in ("article", "inproceedings", "incollection"):
        # (a preprint server's record keeps @misc: its "container" is the server, said by the publisher field)
        put("journal" if entry.entry_type == "article" else "booktitle", name)
    if series and entry.entry_type in ("inproceedings", "incollection", "book"):
        extra("series", series)
    put("volume", work.volume)
    if not (entry.entry_type == "inproceedings" and work.volume):  # BibTeX: "can't use both volume and number"
        put("number", work.issue)
    if work.page:
        put("pages", page_range(work.page))
    issuer = {"techreport": "institution", "phdthesis": "school"}.get(entry.entry_type)
    if issuer:
        extra(issuer, work.publisher)
    elif entry.entry_type != "article":
        put("publisher", work.publisher)
    if work.abstract:
        put("abstract", work.abstract, fill=True)
    if entry.entry_type in ("book", "incollection", "inproceedings"):
        ident("isbn", work.isbn[0] if work.isbn else None)
    if entry.entry_type == "article":
        ident("issn", work.issn[0] if work.issn else None)
    ident("doi", work.doi)
    if not entry.url:
        put("url", work.record_url, fill=True)


def _crossref_type(entry: Entry, work: CrossrefWork, report: EntryReport, venues: VenueTable,
                   container: str | None) -> Venue | None:
    """Set the entry type Crossref's record stands for; return the venue table's entry for its container.

    A ``.bib`` entry's type is the user's, unless it is the generic ``@misc``/``@online`` a bare DOI gets.
    """
    etype = ENTRY_TYPES.get(work.type or "", "misc")
    if etype == "incollection" and (work.event or _PROCEEDINGS.search(container or "")):
        etype = "inproceedings"
    venue = venues.find(container, *work.short_containers)
    if venue is not None and etype in ("article", "inproceedings"):
        etype = venue.entry_type
    if entry.entry_type != etype and (entry.bib is None or entry.entry_type in ("misc", "online")):
        entry.set("entry_type", etype, "crossref", 1.0, work.record_url)
        report.fields_set["entry_type"] = {"source": "crossref", "confidence": 1.0, "detail": work.record_url}
    return venue
