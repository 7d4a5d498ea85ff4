"""CSL-JSON writer: the bibliography format pandoc, citeproc-js and Zotero read natively.

The output is a JSON array with one object per entry, ``id`` being the citation
key so ``[@key]`` in pandoc Markdown resolves exactly as ``\\cite{key}`` does in
LaTeX.  Text stays plain Unicode (CSL-JSON is not LaTeX), names are structured
(``family``/``given``/``non-dropping-particle``/``suffix``, or ``literal`` for
organisations), and dates carry only the parts that are known.

Type and field choices follow Zotero's CSL mapping (zotero-schema: ``preprint``
↔ CSL ``article``, ``archiveID`` is the base field ``number``, ``citationKey`` ↔
``citation-key``; the arXiv.org translator's conventions): an arXiv preprint is CSL ``article`` with
``publisher`` "arXiv" and ``number`` "arXiv:<id>" (Zotero's ``repository`` and
``archiveID``), ``citation-key`` mirrors ``id``.  A BibTeX "von" part is a
``non-dropping-particle``, as pandoc's own BibTeX reader maps it.  CSL has no
variable for a code repository, so the paper's own GitHub repository goes into
``note`` as a line ``GitHub: owner/name`` (``note`` is where Zotero puts its
``extra`` lines too), and a published paper with an arXiv ID keeps it there as
``arXiv: <id>`` (Zotero's Extra line; the paper is a ``paper-conference`` or
``article-journal`` now).  Keys appear in a fixed order; the file is
``indent=2``, UTF-8, no ASCII escaping, newline-terminated.
"""

from __future__ import annotations

import json
import re
from dataclasses import replace
from typing import Any

from ..bibnames import is_others
from ..model import Document, Entry, Person
from ..normalize.citekeys import assign_keys

__all__ = ["write", "entry_to_csl", "CSL_TYPES"]

#: model entry type → CSL 1.0.2 type
CSL_TYPES: dict[str, str] = {
    "article": "article-journal",
    "book": "book",
    "booklet": "pamphlet",
    "inbook": "chapter",
    "incollection": "chapter",
    "inproceedings": "paper-conference",
    "conference": "paper-conference",
    "manual": "report",
    "mastersthesis": "thesis",
    "phdthesis": "thesis",
    "thesis": "thesis",
    "proceedings": "book",
    "techreport": "report",
    "report": "report",
    "unpublished": "manuscript",
    "online": "webpage",
    "software": "software",
    "dataset": "dataset",
    "preprint": "article",
    "misc": "document",
}
_GENRES = {"phdthesis": "PhD thesis", "mastersthesis": "Master's thesis"}

#: ``Entry.extra`` fields with a CSL variable of their own
_EXTRA_VARIABLES = {
    "series": "collection-title",
    "address": "publisher-place",
    "location": "publisher-place",
    "edition": "edition",
    "language": "language",
    "langid": "language",
    "eventtitle": "event-title",
    "chapter": "chapter-number",
    "pagetotal": "number-of-pages",
    "urldate": "accessed",
    "shorttitle": "title-short",
    "type": "genre",
    "version": "version",
}
_PUBLISHER_FALLBACK = ("institution", "school", "organization")


def _name(p: Person) -> dict[str, str]:
    if p.literal:
        return {"literal": p.literal}
    out: dict[str, str] = {}
    if p.family:
        out["family"] = p.family
    if p.given:
        out["given"] = p.given
    if p.particle:
        out["non-dropping-particle"] = p.particle
    if p.suffix:
        out["suffix"] = p.suffix
    return out


def _date_parts(text: str) -> dict[str, Any] | None:
    m = re.match(r"^\s*(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?", text or "")
    if not m:
        return None
    return {"date-parts": [[int(g) for g in m.groups() if g]]}


def _is_preprint(e: Entry) -> bool:
    if e.entry_type == "preprint":
        return True
    return bool(e.ids.arxiv) and e.entry_type in ("misc", "online", "unpublished") and not e.journal


def _pages(text: str) -> str:
    return re.sub(r"\s*(?:-{1,3}|–|—)\s*", "-", text.strip())


def entry_to_csl(e: Entry, key: str | None = None) -> dict[str, Any]:
    """One entry as a CSL-JSON item (a dict in the writer's fixed key order); ``key`` overrides ``e.key``."""
    preprint = _is_preprint(e)
    key = key or e.key or ""
    item: dict[str, Any] = {"id": key, "type": "article" if preprint else CSL_TYPES.get(e.entry_type, "document")}
    if key:
        item["citation-key"] = key
    if e.title:
        item["title"] = e.title
    # BibTeX's "and others" is no one's name: CSL styles shorten lists with their own et-al rules
    authors = [_name(p) for p in e.authors if (p.last or p.given) and not is_others(p)]
    if authors:
        item["author"] = authors
    editors = [_name(p) for p in e.editors if (p.last or p.given) and not is_others(p)]
    if editors:
        item["editor"] = editors
    if e.date and e.date.year is not None:
        item["issued"] = {"date-parts": [[x for x in (e.date.year, e.date.month, e.date.day if e.date.month else None)
                                          if x is not None]]}
    container = e.journal or e.booktitle
    if container:
        item["container-title"] = container
    for name, variable in _EXTRA_VARIABLES.items():
        value = e.extra.get(name)
        if value and variable not in item:
            item[variable] = _date_parts(value) if variable == "accessed" else value
            if item[variable] is None:
                del item[variable]
    publisher = e.publisher or next((e.extra[k] for k in _PUBLISHER_FALLBACK if e.extra.get(k)), None)
    if preprint:
        item["publisher"] = publisher or "arXiv"
        item["number"] = f"arXiv:{e.ids.arxiv}" if e.ids.arxiv else e.number
        if item["number"] is None:
            del item["number"]
    else:
        if publisher:
            item["publisher"] = publisher
        if e.number:
            # a journal's "number" is its issue; for reports and the like it is the report number
            item["issue" if e.entry_type in ("article", "inproceedings", "incollection") else "number"] = e.number
    if e.volume:
        item["volume"] = e.volume
    if e.pages:
        item["page"] = _pages(e.pages)
    if e.entry_type in _GENRES and "genre" not in item:
        item["genre"] = _GENRES[e.entry_type]
    doi = e.ids.doi or (e.ids.arxiv_doi if preprint else None)
    if doi:
        item["DOI"] = doi
    url = e.url or (f"https://arxiv.org/abs/{e.ids.arxiv}" if e.ids.arxiv else None)
    if url:
        item["URL"] = url
    if e.ids.isbn:
        item["ISBN"] = e.ids.isbn
    if e.ids.issn:
        item["ISSN"] = e.ids.issn
    if e.ids.pmid:
        item["PMID"] = e.ids.pmid
    if e.abstract:
        item["abstract"] = e.abstract
    if e.tags:
        item["keyword"] = ", ".join(e.tags)
    notes = [e.note] if e.note else []
    if e.ids.arxiv and not preprint:
        notes.append(f"arXiv: {e.ids.arxiv}")  # a published version keeps its preprint findable (Zotero's Extra line)
    repo = e.code_repo
    if repo is not None:
        name = repo.repo.full_name if repo.repo and repo.repo.full_name else (repo.target or repo.url)
        notes.append(f"GitHub: {name}")
    if notes:
        item["note"] = "\n".join(notes)
    return item


def _keys(entries: list[Entry]) -> list[str | None]:
    """The entries' keys; entries that were never normalised get keys computed on copies
    (a CSL item without an ``id`` is useless to pandoc), leaving the document untouched."""
    if all(e.key for e in entries):
        return [e.key for e in entries]
    copies = [replace(e, problems=[], meta=dict(e.meta)) for e in entries]
    assign_keys(copies)
    return [c.key for c in copies]


def write(doc: Document) -> str:
    """The document's entries as a CSL-JSON array (non-entry ``.bib`` blocks have no CSL form)."""
    entries = doc.entries
    items = [entry_to_csl(e, key) for e, key in zip(entries, _keys(entries))]
    return json.dumps(items, indent=2, ensure_ascii=False) + "\n"
