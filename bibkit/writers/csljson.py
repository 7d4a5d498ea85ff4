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

CSL-JSON is flat: every item must say everything a style prints, because pandoc and Zotero know nothing of
the ``.bib`` it came from.  So what BibTeX and biber would take from elsewhere is written into the item:

* a ``crossref``/``xdata`` child inherits what it lacks from its parent item (:func:`_inherit`, biber's and
  BibTeX's rule: a field the child has is never overwritten) — a biblatex chapter whose book holds the
  title, editors, publisher and date would otherwise be a bare title for pandoc;
* BibLaTeX's title parts are one CSL title (``subtitle`` after ": ", ``titleaddon`` after ". ", as pandoc
  reads a biblatex ``.bib``), and so are the container's (``booksubtitle``, ``journalsubtitle``);
* a date range (``date = {1998/2002}``, ``year = {1998--2002}``) is a two-part ``issued`` and a year no
  date can express (``year = {forthcoming}``) is its ``literal``, never dropped; ``eventdate`` and
  ``origdate`` are CSL's ``event-date`` and ``original-date``, read the same way.

An ``@xdata`` entry is no work (biber never prints one): it feeds its users and is not an item itself.
"""

from __future__ import annotations

import json
import re
from dataclasses import replace
from typing import Any

from ..bibnames import is_others
from ..model import Document, Entry, PartialDate, Person
from ..normalize.citekeys import assign_keys
from ..normalize.pinning import aliases_of

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
    # BibLaTeX's types, as pandoc maps them reading a biblatex .bib (whole works, parts of works, the rest)
    **dict.fromkeys(("collection", "mvbook", "mvcollection", "mvproceedings", "mvreference", "reference"), "book"),
    **dict.fromkeys(("bookinbook", "suppbook", "suppcollection"), "chapter"),
    "inreference": "entry-encyclopedia",
    "suppperiodical": "article-journal",
    "periodical": "periodical",
    "patent": "patent",
    "standard": "standard",
    "letter": "personal_communication",
    "review": "review",
    **dict.fromkeys(("artwork", "image"), "graphic"),
    **dict.fromkeys(("audio", "music"), "song"),
    **dict.fromkeys(("video", "movie"), "motion_picture"),
    "legislation": "legislation",
    "jurisdiction": "legal_case",
}
#: CSL types that are a part of something else: a crossref parent's title is their container-title
_PART_TYPES = frozenset({"chapter", "paper-conference", "entry-encyclopedia", "entry-dictionary", "entry",
                         "article-journal", "article-magazine", "article-newspaper"})
#: CSL types a part's parent can be: their title is what the part is in
_CONTAINER_TYPES = frozenset({"book", "periodical"})
#: variables a child never takes from its parent: its identity and its own title (biber maps the parent's
#: title to the child's booktitle, see _inherit), its DOI (a DOI names one work: the parent's would send the
#: reader of a chapter to the whole book) and bibkit's note lines (the parent's arXiv id and code)
_NOT_INHERITED = frozenset({"id", "citation-key", "type", "title", "title-short", "DOI", "note"})
_GENRES = {"phdthesis": "PhD thesis", "mastersthesis": "Master's thesis"}
#: BibLaTeX's ``type`` keys and the words biblatex prints for them (english.lbx): a CSL ``genre`` is what a
#: style prints, and the key itself is no word ("mathesis" read back was no master's thesis: a PhD thesis)
_TYPE_KEYS = {"phdthesis": "PhD thesis", "mathesis": "Master's thesis", "candthesis": "Candidate thesis",
              "techreport": "Technical report", "resreport": "Research report", "software": "Computer software",
              "datacd": "CD-ROM", "audiocd": "Audio CD", "patent": "Patent", "patentde": "German patent",
              "patenteu": "European patent", "patentfr": "French patent", "patentuk": "British patent",
              "patentus": "U.S. patent", "patreq": "Patent request", "patreqde": "German patent request",
              "patreqeu": "European patent request", "patreqfr": "French patent request",
              "patrequk": "British patent request", "patrequs": "U.S. patent request"}

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
    "origdate": "original-date",
    "eventdate": "event-date",
    "shorttitle": "title-short",
    "type": "genre",
    "version": "version",
}
_PUBLISHER_FALLBACK = ("institution", "school", "organization")
#: CSL date variables among those (date-parts, not text)
_DATE_VARIABLES = frozenset({"accessed", "original-date", "event-date"})


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


#: a closed range of ISO dates (BibLaTeX's ``date = {1998-03/1998-05}``; its times are dropped) or of years
#: (BibTeX's ``year = {1998--2002}``, ``{1998/2002}``, ``{1998–2002}``)
_DATE_RANGE = re.compile(r"^\s*(?:(\d{4}(?:-\d{2}(?:-\d{2})?)?)(?:T[\d:]+Z?)?\s*/\s*(\d{4}(?:-\d{2}(?:-\d{2})?)?)"
                         r"(?:T[\d:]+Z?)?|(\d{4})\s*(?:-{1,3}|/|–|—)\s*(\d{4}))\s*$")


def _issued(e: Entry) -> dict[str, Any] | None:
    """``issued``: from the ``date`` (or a ``year`` that is no plain number) as written, else the entry's date."""
    return _csl_date(e.extra.get("date") or e.extra.get("year") or "", e.date)


def _csl_date(raw: str, known: PartialDate | None) -> dict[str, Any] | None:
    """A CSL date: a range as two ``date-parts`` (CSL's form of one), else ``known`` (the date as precise as
    the reader read it), else the text as a ``literal`` (``forthcoming``, ``in press``: what the style
    prints; dropping it would print no date at all)."""
    m = _DATE_RANGE.match(raw) if raw else None
    if m:
        start, end = (PartialDate.parse(g) for g in (m.group(1) or m.group(3), m.group(2) or m.group(4)))
        if start and end:
            return {"date-parts": [_parts(start), _parts(end)]}
    if known and known.year is not None:
        return {"date-parts": [_parts(known)]}
    return {"literal": raw.strip()} if raw.strip() else None


def _parts(date: PartialDate) -> list[int]:
    return [x for x in (date.year, date.month, date.day if date.month else None) if x is not None]


def _title(main: str | None, e: Entry, sub: str, addon: str) -> str | None:
    """A BibLaTeX title with its subtitle and addon, as pandoc joins them (``Title: Subtitle. Addon``)."""
    if not main:
        return main
    out = main
    if e.extra.get(sub):
        out += ("" if out.endswith((":", "?", "!", ".")) else ":") + " " + e.extra[sub]
    if e.extra.get(addon):
        out += ("" if out.endswith((".", "?", "!")) else ".") + " " + e.extra[addon]
    return out


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
    title = _title(e.title, e, "subtitle", "titleaddon")
    if title:
        item["title"] = title
    # BibTeX's "and others" is no one's name: CSL styles shorten lists with their own et-al rules
    authors = [_name(p) for p in e.authors if (p.last or p.given) and not is_others(p)]
    if authors:
        item["author"] = authors
    editors = [_name(p) for p in e.editors if (p.last or p.given) and not is_others(p)]
    if editors:
        item["editor"] = editors
    issued = _issued(e)
    if issued:
        item["issued"] = issued
    container = _title(e.journal, e, "journalsubtitle", "journaltitleaddon") if e.journal else \
        _title(e.booktitle, e, "booksubtitle", "booktitleaddon")
    if container:
        item["container-title"] = container
    for name, variable in _EXTRA_VARIABLES.items():
        value = e.extra.get(name)
        if value and variable not in item:
            item[variable] = _csl_date(value, PartialDate.parse(value)) if variable in _DATE_VARIABLES else value
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
    elif item.get("genre", "").strip().lower() in _TYPE_KEYS:
        item["genre"] = _TYPE_KEYS[item["genre"].strip().lower()]
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


def _inherit(entries: list[Entry], items: list[dict[str, Any]]) -> None:
    """Fill each ``crossref``/``xdata`` child's item from its parents' (resolved first, so a chain of
    parents works; a loop or a missing parent inherits nothing), the way biber and BibTeX do: a variable the
    child lacks is taken as the parent has it, except :data:`_NOT_INHERITED`; a part's container (a chapter's
    book, a paper's proceedings) is its parent's title, and a book's authors are its chapter's
    ``container-author`` — biber's ``title`` → ``booktitle`` and ``author`` → ``bookauthor``."""
    by_key: dict[str, int] = {}
    for i, e in enumerate(entries):
        for name in [items[i]["id"], *aliases_of(e)]:
            by_key.setdefault(name.casefold(), i)
    done: set[int] = set()

    def resolve(i: int, path: frozenset[int]) -> None:
        if i in done:
            return
        done.add(i)
        e, child = entries[i], items[i]
        refs = [("crossref", e.extra.get("crossref", ""))] + [("xdata", r) for r in e.extra.get("xdata", "").split(",")]
        for how, ref in refs:
            j = by_key.get(ref.strip().casefold()) if ref.strip() else None
            if j is None or j in path or j == i:
                continue
            resolve(j, path | {i})
            parent = items[j]
            if how == "crossref" and child["type"] in _PART_TYPES and parent["type"] in _CONTAINER_TYPES:
                if "container-title" not in child and parent.get("title"):
                    child["container-title"] = parent["title"]
                if "container-author" not in child and parent.get("author"):
                    child["container-author"] = parent["author"]
            for name, value in parent.items():
                if name not in child and name not in _NOT_INHERITED:
                    child[name] = value

    for i in range(len(entries)):
        resolve(i, frozenset())


def write(doc: Document) -> str:
    """The document's entries as a CSL-JSON array (non-entry ``.bib`` blocks have no CSL form, nor has an
    ``@xdata`` entry: its fields are in the items that use it)."""
    entries = doc.entries
    items = [entry_to_csl(e, key) for e, key in zip(entries, _keys(entries))]
    if any("crossref" in e.extra or "xdata" in e.extra for e in entries):
        _inherit(entries, items)
    items = [item for e, item in zip(entries, items) if e.entry_type != "xdata"]
    return json.dumps(items, indent=2, ensure_ascii=False) + "\n"
