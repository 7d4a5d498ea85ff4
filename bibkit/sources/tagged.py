"""Tagged-line exports: EndNote's refer format (``.enw``: Google Scholar's "EndNote" link, EndNote,
many publishers) and PubMed's MEDLINE format (``.nbib``: PubMed's "Send to → Citation manager").

Both are one field a line under a short tag, a record a paragraph, and both name the same
things: each record becomes the BibTeX it stands for and is read by the ``.bib`` reader
(:mod:`.bibgen`), so its fields are the user's as an input ``.bib`` entry's are.

refer/EndNote (``%0 Journal Article``, ``%A Vaswani, Ashish``, ``%T``, ``%J``, ``%B``, ``%D``,
``%V``, ``%N``, ``%P``, ``%I``, ``%C``, ``%@``, ``%R`` (DOI), ``%U``, ``%X`` (abstract), ``%K``,
``%E`` (editors), ``%S`` (series), ``%7`` (edition), ``%9`` (type of work), ``%F`` (a label:
the key when it looks like one), ``%Z`` (notes, as ``annote``).

MEDLINE (``PMID- 28481991``, ``TI  - …``, continuation lines indented six spaces): ``FAU`` (full
names, else ``AU``'s ``Miotto R``), ``CN`` (a group author, kept one name), ``TI``/``BTI``,
``JT``/``TA``, ``DP`` (``2018 Nov 27``), ``VI``, ``IP``, ``PG`` (MEDLINE's shortened end page,
``436-44``, written out: ``436--444``), ``LID``/``AID`` (``… [doi]``), ``PMID``, ``AB``, ``OT``
(keywords), ``IS`` (ISSN), ``PT`` (a ``Preprint`` is no journal article), ``FED`` (editors), ``PB``,
``PL``, ``LA``.
"""

from __future__ import annotations

import re

from ..links import normalize_doi
from ..model import Document, SkippedLine, SourceLocation
from .bibgen import Generated, bibtex_entry, name_list, read_generated

__all__ = ["looks_like_refer", "looks_like_medline", "read_refer", "read_medline"]

_REFER_LINE = re.compile(r"^%([0-9A-Z@!#$&()*+^|~>?\]\[])[ \t]?(.*)$")
_REFER_HEAD = re.compile(r"^%0[ \t]+\w", re.MULTILINE)
_REFER_ANY = re.compile(r"^%[ATDJ][ \t]+\S", re.MULTILINE)
_MEDLINE_LINE = re.compile(r"^([A-Z][A-Z0-9]{1,3})\s*- ?(.*)$")
_MEDLINE_HEAD = re.compile(r"^PMID- ?\d+", re.MULTILINE)
_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_KEY_LIKE = re.compile(r"^(?=.*[A-Za-z])[A-Za-z][\w:.+/-]{1,80}$")
_YEAR_MON_DAY = re.compile(r"((?:1[5-9]|20)\d\d)(?:[ /-]+([A-Za-z]{3,9}|\d{1,2})(?:[ /-]+(\d{1,2}))?)?")


def looks_like_refer(text: str) -> bool:
    """An EndNote/refer record: a ``%0 Type`` line, or (Scholar's and old exports) ``%A``/``%T``/``%D``/``%J``
    lines making most of the text."""
    if "%" not in text:
        return False
    if _REFER_HEAD.search(text) is not None:
        return True
    lines = [ln for ln in text.splitlines() if ln.strip()]
    tags = {m.group(1) for ln in lines if (m := _REFER_LINE.match(ln))}
    tagged = sum(1 for ln in lines if _REFER_LINE.match(ln))
    return len(tags & {"A", "T", "D", "J"}) >= 2 and tagged >= 0.6 * len(lines)


def looks_like_medline(text: str) -> bool:
    """A MEDLINE record: a ``PMID- <number>`` line and tagged lines after it."""
    return "PMID-" in text and _MEDLINE_HEAD.search(text) is not None


def _month(text: str | None) -> str | None:
    if not text:
        return None
    if text.isdigit():
        n = int(text)
        return _MONTHS[n - 1] if 1 <= n <= 12 else None
    low = text[:3].lower()
    return low if low in _MONTHS else None


def _date(text: str | None) -> list[tuple[str, str]]:
    """``2018 Nov 27``, ``2017/06/12``, ``2017`` → BibTeX's year, month macro and day."""
    m = _YEAR_MON_DAY.search(text or "")
    if m is None:
        return []
    out = [("year", m.group(1))]
    month = _month(m.group(2))
    if month:
        out.append(("month", month))
        if m.group(3) and 1 <= int(m.group(3)) <= 31:
            out.append(("day", str(int(m.group(3)))))
    return out


def _records(lines: list[str], parse: "re.Pattern[str]", continuation: str, starts: "re.Pattern[str]",
             ) -> list[tuple[int, list[tuple[str, str]]]]:
    """``[(first line, [(tag, value), …]), …]``: a record ends at a blank line or where the next one starts;
    an untagged line continues the value above it."""
    records: list[tuple[int, list[tuple[str, str]]]] = []
    current: list[tuple[str, str]] = []
    first = 0
    for number, raw in enumerate(lines, 1):
        line = raw.rstrip()
        if not line.strip():
            if current:
                records.append((first, current))
                current = []
            continue
        m = parse.match(line)
        if m is None or (continuation and raw.startswith(continuation)):
            if current:  # a value wrapped onto the next line
                tag, value = current[-1]
                current[-1] = (tag, f"{value} {line.strip()}")
            continue
        if current and starts.match(line):
            records.append((first, current))
            current = []
        if not current:
            first = number
        current.append((m.group(1), m.group(2).strip()))
    if current:
        records.append((first, current))
    return records


def _all(tags: list[tuple[str, str]], *names: str) -> list[str]:
    return [v for t, v in tags if t in names and v]


def _one(tags: list[tuple[str, str]], *names: str) -> str | None:
    for name in names:  # (in the order asked: the first tag that has a value)
        for t, v in tags:
            if t == name and v:
                return v
    return None


def _lines(text: str) -> list[str]:
    if text.startswith("\ufeff"):
        text = text[1:]
    return text.replace("\r\n", "\n").replace("\r", "\n").split("\n")


# --------------------------------------------------------------------------- refer / EndNote

_REFER_TYPES = {
    "journal article": "article", "magazine article": "article", "newspaper article": "article",
    "electronic article": "article", "conference proceedings": "inproceedings", "conference paper": "inproceedings",
    "book": "book", "edited book": "book", "electronic book": "book", "book section": "incollection",
    "electronic book section": "incollection", "thesis": "phdthesis", "report": "techreport",
    "manuscript": "unpublished", "unpublished work": "unpublished", "web page": "online", "dataset": "dataset",
    "computer program": "software", "generic": "misc",
}


def _refer_fields(tags: list[tuple[str, str]], entry_type: str) -> list[tuple[str, str]]:
    fields: list[tuple[str, str]] = []
    for role, tag in (("author", "A"), ("editor", "E")):
        names = _all(tags, tag)
        if names:
            fields.append((role, name_list(names)))
    title = _one(tags, "T")
    if title:
        fields.append(("title", title))
    container = _one(tags, "J") if entry_type == "article" else _one(tags, "B", "J")
    if container:
        fields.append(({"article": "journal", "inproceedings": "booktitle", "incollection": "booktitle"}
                       .get(entry_type, "howpublished"), container))
    series = _one(tags, "S") or (_one(tags, "B") if entry_type == "book" else None)
    if series:
        fields.append(("series", series))
    best: list[tuple[str, str]] = []  # (the fullest date: "%D 2020" beside "%8 2020/06/12")
    for parts in (_date(d) for d in _all(tags, "D", "8")):
        if len(parts) > len(best):
            best = parts
    fields += best
    publisher_field = {"phdthesis": "school", "mastersthesis": "school", "techreport": "institution"}
    for tag, name in (("V", "volume"), ("N", "number"), ("7", "edition"),
                      ("I", publisher_field.get(entry_type, "publisher")), ("C", "address"), ("G", "language")):
        value = _one(tags, tag)
        if value:
            fields.append((name, value))
    pages = _one(tags, "P")
    if pages:
        fields.append(("pages", re.sub(r"(?<=\w)\s*[-–—]+\s*(?=\w)", "--", pages)))
    serial = _one(tags, "@")
    if serial:
        fields.append(("isbn" if entry_type in ("book", "incollection") else "issn", serial))
    doi = _one(tags, "R")
    if doi:
        fields.append(("doi", normalize_doi(doi) or doi))  # (the one DOI rule: "doi:", doi.org URLs)
    url = _one(tags, "U")
    if url:
        fields.append(("url", url))
    abstract = _one(tags, "X")
    if abstract:
        fields.append(("abstract", abstract))
    keywords = [k for value in _all(tags, "K") for k in re.split(r"\s*[;\n]\s*|\s{2,}", value) if k]
    if keywords:
        fields.append(("keywords", ", ".join(dict.fromkeys(keywords))))
    notes = _all(tags, "Z")
    if notes:
        fields.append(("annote", " ".join(notes)))
    return fields


def read_refer(text: str, origin: str, *, strict: bool = False) -> Document:
    """Read EndNote/refer records into a :class:`Document`, one entry per record, in order."""
    made: list[Generated] = []
    skipped: list[SkippedLine] = []
    for index, (line, tags) in enumerate(_records(_lines(text), _REFER_LINE, "", re.compile(r"^%0"))):
        kind = (_one(tags, "0") or "").strip().lower()
        entry_type = _REFER_TYPES.get(kind, "misc")
        if entry_type == "phdthesis" and re.search(r"master|m\.?\s?sc", _one(tags, "9") or "", re.IGNORECASE):
            entry_type = "mastersthesis"
        fields = _refer_fields(tags, entry_type)
        if not any(n in ("title", "author", "doi", "url") for n, _v in fields):
            skipped.append(SkippedLine(SourceLocation(origin, line), f"%0 {kind}".strip(),
                                       "an EndNote record with no title, author or identifier"))
            continue
        label = _one(tags, "F")
        pinned = bool(label and _KEY_LIKE.match(label))
        made.append(Generated(bibtex_entry(entry_type, label if pinned and label else f"enw{index + 1}", fields,
                                           plain_text=True), line, key_pinned=pinned))
    doc = read_generated(made, origin, "enw", strict=strict)
    doc.skipped.extend(skipped)
    return doc


# --------------------------------------------------------------------------- MEDLINE / PubMed

_SHORT_END = re.compile(r"^(\d+)\s*-\s*(\d+)$")


def _medline_pages(pg: str) -> str:
    """MEDLINE shortens the end page ("436-44" is 436–444); written out, BibTeX's dash."""
    m = _SHORT_END.match(pg.strip())
    if m is None:
        return pg.strip()
    start, end = m.groups()
    if len(end) < len(start):
        end = start[: len(start) - len(end)] + end
    return f"{start}--{end}"


def _id_of(values: list[str], kind: str) -> str | None:
    for value in values:
        m = re.match(rf"^(\S+)\s*\[{kind}\]", value)
        if m:
            return m.group(1)
    return None


def _medline_fields(tags: list[tuple[str, str]], entry_type: str) -> list[tuple[str, str]]:
    fields: list[tuple[str, str]] = []
    full = _all(tags, "FAU") or _all(tags, "AU")
    groups = _all(tags, "CN")
    if full or groups:
        fields.append(("author", name_list(full + groups, [False] * len(full) + [True] * len(groups))))
    editors = _all(tags, "FED") or _all(tags, "ED")
    if editors:
        fields.append(("editor", name_list(editors)))
    title = _one(tags, "TI") if entry_type != "book" else _one(tags, "BTI", "TI")
    if title:
        fields.append(("title", title.rstrip(".") if not title.endswith("..") else title))
    if entry_type == "article":
        journal = _one(tags, "JT", "TA")
        if journal:
            fields.append(("journal", journal))
    elif entry_type == "incollection":
        book = _one(tags, "BTI")
        if book:
            fields.append(("booktitle", book))
    fields += _date(_one(tags, "DP", "DEP"))
    for tag, name in (("VI", "volume"), ("IP", "number"), ("PB", "publisher"), ("PL", "address"),
                      ("LA", "language")):
        value = _one(tags, tag)
        if value:
            fields.append((name, value))
    pages = _one(tags, "PG")
    if pages:
        fields.append(("pages", _medline_pages(pages)))
    issn = _one(tags, "IS")
    if issn:
        fields.append(("issn", issn.split()[0]))
    ids = _all(tags, "LID", "AID")
    doi = _id_of(ids, "doi")
    if doi:
        fields.append(("doi", doi))
    pmid = _one(tags, "PMID")
    if pmid:
        fields.append(("pmid", pmid))
    abstract = _one(tags, "AB")
    if abstract:
        fields.append(("abstract", abstract))
    keywords = _all(tags, "OT")
    if keywords:
        fields.append(("keywords", ", ".join(dict.fromkeys(keywords))))
    return fields


def read_medline(text: str, origin: str, *, strict: bool = False) -> Document:
    """Read MEDLINE (PubMed) records into a :class:`Document`, one entry per record, in order."""
    made: list[Generated] = []
    skipped: list[SkippedLine] = []
    for index, (line, tags) in enumerate(_records(_lines(text), _MEDLINE_LINE, "      ", re.compile(r"^PMID-"))):
        kinds = " ".join(_all(tags, "PT")).lower()
        entry_type = "article"
        if "preprint" in kinds:
            entry_type = "misc"
        elif _one(tags, "BTI"):
            entry_type = "incollection" if _one(tags, "TI") else "book"
        fields = _medline_fields(tags, entry_type)
        if not any(n in ("title", "author", "doi", "pmid") for n, _v in fields):
            skipped.append(SkippedLine(SourceLocation(origin, line), (tags[0][1] if tags else "")[:80],
                                       "a MEDLINE record with no title, author or identifier"))
            continue
        made.append(Generated(bibtex_entry(entry_type, f"pmid{index + 1}", fields, plain_text=True), line,
                              key_pinned=False))
    doc = read_generated(made, origin, "nbib", strict=strict)
    doc.skipped.extend(skipped)
    return doc
