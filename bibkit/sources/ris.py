"""RIS files: what every publisher's "Download citation", Zotero, Mendeley, EndNote, Scopus and Web of
Science export (``TY  - JOUR`` … ``ER  -``).

The lines are parsed by ``rispy`` (the maintained RIS reader); each record becomes the BibTeX it
stands for and is read by the ``.bib`` reader (:mod:`.bibgen`), so its fields are the user's as an
input ``.bib`` entry's are.  What the tags mean follows the RIS specification and what the
exporters write:

* the type (``TY``): ``JOUR``/``JFULL``/``MGZN``/``NEWS``/``EJOUR``/``INPR`` → ``@article``,
  ``CONF``/``CPAPER`` → ``@inproceedings``, ``BOOK``/``EBOOK``/``EDBOOK`` → ``@book``,
  ``CHAP``/``ECHAP`` → ``@incollection``, ``THES`` → ``@phdthesis`` (``@mastersthesis`` when ``M3``
  says so), ``RPRT`` → ``@techreport``, ``UNPB``/``MANSCPT`` → ``@unpublished``, ``COMP`` →
  ``@software``, ``DATA``/``DBASE`` → ``@dataset``, ``ELEC``/``WEB``/``BLOG`` → ``@online``, any
  other → ``@misc``;
* names ``AU``/``A1`` (authors, ``Last, First[, Suffix]``), ``ED`` — and ``A2`` for a chapter, a
  book or a conference paper — editors;
* titles ``TI``/``T1``; the container ``JF``/``JO``/``T2``/``JA``/``J2`` (a journal) or ``T2``/``BT``
  (a book or proceedings), ``T3`` the series;
* dates ``PY``/``Y1``/``DA`` (``2017``, ``2017/12/04/``, ``2017///Spring``); ``VL``, ``IS``,
  ``SP``–``EP``, ``PB``, ``CY``, ``SN``, ``ET``, ``DO``, ``UR`` (an arXiv URL names the paper),
  ``AB``/``N2``, ``KW``, ``LA``, ``N1`` (kept as ``annote``), ``Y2`` (access date);
* ``ID`` (Mendeley writes its citation key there) is kept as the key when it looks like one.
"""

from __future__ import annotations

import re
from typing import Any

from ..errors import InputError
from ..links import normalize_doi
from ..model import Document, Problem, SkippedLine, SourceLocation
from .bibgen import name_list

__all__ = ["looks_like_ris", "read"]

_TAG_LINE = re.compile(r"^([A-Z][A-Z0-9])[ \t]{1,2}-(?:[ \t]|$)", re.MULTILINE)
_TY = re.compile(r"^TY[ \t]{1,2}-[ \t]*\S", re.MULTILINE)
#: how a file is told to be RIS: ``TY  - `` and a type code (``JOUR``, ``CHAP``, ``ELEC``… — capitals, nothing after
#: them), not a note's "TY  - thanks"
_TY_CODE = re.compile(r"^TY[ \t]{1,2}-[ \t]*[A-Z]{2,8}[ \t\r]*$", re.MULTILINE)
_ER = re.compile(r"^ER[ \t]{1,2}-", re.MULTILINE)

_TYPES = {
    **dict.fromkeys(("JOUR", "JFULL", "MGZN", "NEWS", "EJOUR", "INPR", "ABST"), "article"),
    **dict.fromkeys(("CONF", "CPAPER"), "inproceedings"),
    **dict.fromkeys(("BOOK", "EBOOK", "EDBOOK", "WHOLE", "SER"), "book"),
    **dict.fromkeys(("CHAP", "ECHAP"), "incollection"),
    "THES": "phdthesis", "RPRT": "techreport", "UNPB": "unpublished", "MANSCPT": "unpublished",
    "COMP": "software", "DATA": "dataset", "DBASE": "dataset",
    **dict.fromkeys(("ELEC", "WEB", "BLOG", "ICOMM"), "online"),
}
#: types whose ``A2`` (secondary authors) are the editors of the book they are in
_A2_EDITORS = frozenset({"incollection", "inproceedings", "book"})
_RANGE_DASH = re.compile(r"(?<=\w)\s*(?:-{1,3}|[\u2010-\u2015])\s*(?=\w)")
#: notes an exporter writes about the export, not about the work (Scopus)
_EXPORT_NOTE = re.compile(r"^(?:Cited By|Export Date|Correspondence Address|Funding details)\b", re.IGNORECASE)
_KEY_LIKE = re.compile(r"^(?=.*[A-Za-z])[A-Za-z][\w:.+/-]{1,80}$")
_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_DATE = re.compile(r"^\s*(\d{4})(?:[/-](\d{1,2})?(?:[/-](\d{1,2})?)?)?")


def looks_like_ris(text: str) -> bool:
    """A ``TY  - `` line opening a record, and an ``ER  -`` line closing one or (a file cut short) two more
    tagged lines."""
    if "TY" not in text or _TY_CODE.search(text) is None:
        return False
    if _ER.search(text) is not None:
        return True
    if _TY_CODE.match(text.lstrip("\ufeff \t\r\n")):  # (the file opens with a record: RIS, however short it was cut)
        return True
    return sum(1 for _ in zip(range(3), _TAG_LINE.finditer(text))) >= 3


def _flat(record: dict[str, Any]) -> dict[str, Any]:
    """A record with the tags rispy's table does not name (``ED``, ``BT``…, kept under ``UK``) beside the others."""
    unknown = record.pop("UK", None)
    if isinstance(unknown, dict):
        for tag, values in unknown.items():
            record.setdefault(tag, values)
    return record


#: a preprint's "journal" as Zotero's arXiv translator and Google Scholar write it ("arXiv:1706.03762 [cs]",
#: "arXiv preprint arXiv:1706.03762")
_ARXIV_CONTAINER = re.compile(r"^\s*(?:arXiv\s+preprint\s+)?arXiv\s*:?\s*"
                              r"(?P<id>\d{4}\.\d{4,5}(?:v\d+)?|[a-z-]+(?:\.[A-Z]{2})?/\d{7})"
                              r"(?:\s*\[(?P<cat>[\w.-]+)\])?\s*$", re.IGNORECASE)


def _values(record: dict[str, Any], *tags: str) -> list[str]:
    out: list[str] = []
    for tag in tags:
        value = record.get(tag)
        if isinstance(value, list):
            out.extend(str(v).strip() for v in value if str(v).strip())
        elif value is not None and str(value).strip():
            out.append(str(value).strip())
    return out


def _first(record: dict[str, Any], *tags: str) -> str | None:
    found = _values(record, *tags)
    return found[0] if found else None


#: Scopus's and PubMed's "Family I." / "Family IJ" (initials after the family name, no comma)
_FAMILY_INITIALS = re.compile(r"^(?P<family>\S.*?)\s+(?P<initials>(?:[A-Z]\.-?\s?){1,4}|[A-Z]{1,3})$")


#: Web of Science's given names as initials run together (``KM``, ``XY``, ``J``): up to three capitals
_WOS_INITIALS = re.compile(r"^[A-Z]{1,3}$")


def _name(ris: str) -> str:
    """``Last, First, Suffix`` (RIS) → ``Last, Suffix, First`` (BibTeX); Scopus's ``He K.`` → ``He, K.``;
    natural order (IEEE's ``K. He``) as written."""
    ris = ris.strip().rstrip(",")
    parts = [p.strip() for p in ris.split(",")]
    if len(parts) == 3 and parts[2]:
        return f"{parts[0]}, {parts[2]}, {parts[1]}"
    if len(parts) == 2 and _WOS_INITIALS.match(parts[1]):  # Web of Science: "He, KM" is K. M. He
        return f"{parts[0]}, {' '.join(c + '.' for c in parts[1])}"
    if len(parts) == 1:
        m = _FAMILY_INITIALS.match(ris)
        if m and not m.group("family").endswith("."):
            return f"{m.group('family')}, {m.group('initials').strip()}"
    return ris


#: Web of Science's ``DA`` without the year (``JUN``, ``MAY 28``, ``JUN-JUL``, ``SPR``): a month the ``PY`` year has
_MONTH_DAY = re.compile(r"^\s*(?P<month>[A-Za-z]{3})[A-Za-z]*\.?(?:[\s-]+(?P<day>\d{1,2})\b)?")


def _date_fields(raw: str | None, year: str | None = None) -> list[tuple[str, str]]:
    if not raw:
        return []
    m = _DATE.match(raw)
    named = _MONTH_DAY.match(raw) if m is None and year else None
    if named and named.group("month").lower() in _MONTHS:
        out = [("year", year or ""), ("month", named.group("month").lower())]
        day = named.group("day")
        return out + [("day", str(int(day)))] if day and 1 <= int(day) <= 31 else out
    if m is None:
        return []
    year, month, day = m.group(1), m.group(2), m.group(3)
    out = [("year", year)]  # (BibTeX's year/month/day, which every style reads; biblatex reads them too)
    if month and 1 <= int(month) <= 12:
        out.append(("month", _MONTHS[int(month) - 1]))
        if day and 1 <= int(day) <= 31:
            out.append(("day", str(int(day))))
    return out


def _names_and_title(record: dict[str, Any], entry_type: str) -> list[tuple[str, str]]:
    fields: list[tuple[str, str]] = []
    authors = _values(record, "AU", "A1")
    editors = _values(record, "ED") + (_values(record, "A2") if entry_type in _A2_EDITORS else [])
    if authors:
        fields.append(("author", name_list([_name(a) for a in authors])))
    if editors:
        fields.append(("editor", name_list([_name(a) for a in editors])))
    title = _first(record, "TI", "T1", "CT")
    if title:
        fields.append(("title", title))
    return fields


def _container(record: dict[str, Any], entry_type: str) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """The journal, book or series the work is in; and, for a preprint's "journal" (``arXiv:1706.03762
    [cs]``), the arXiv fields instead (written after the DOI)."""
    fields: list[tuple[str, str]] = []
    eprint: list[tuple[str, str]] = []
    if entry_type == "article":
        container = _first(record, "JF", "JO", "T2", "JA", "J2")
        preprint = _ARXIV_CONTAINER.match(container or "")
        if preprint:
            eprint = [("eprint", preprint.group("id")), ("archivePrefix", "arXiv")]
            if preprint.group("cat") and "." in preprint.group("cat"):  # ("[cs]" is an archive, no category)
                eprint.append(("primaryClass", preprint.group("cat")))
        elif container:
            fields.append(("journal", container))
    elif entry_type in ("inproceedings", "incollection"):
        # (Zotero writes a paper's proceedings title to C3 and the conference's name to T2)
        container = _first(record, "C3", "T2", "BT", "JF", "JO") if entry_type == "inproceedings" else \
            _first(record, "T2", "BT", "JF", "JO")
        if container:
            fields.append(("booktitle", container))
    series = _first(record, "T3") or (_first(record, "T2") if entry_type == "book" else None)
    if series:
        fields.append(("series", series))
    return fields, eprint


#: who publishes a thesis or a report, in BibTeX's words
_PUBLISHER_FIELD = {"phdthesis": "school", "mastersthesis": "school", "techreport": "institution"}


def _details(record: dict[str, Any], entry_type: str) -> list[tuple[str, str]]:
    # the fullest of the dates (Zotero writes "PY  - 2017" and "DA  - 2017/06/12/")
    year = next((f[0][1] for f in (_date_fields(d) for d in _values(record, "PY", "Y1", "DA")) if f), None)
    fields = max((_date_fields(d, year) for d in _values(record, "PY", "DA", "Y1")), key=len, default=[])
    for tag, name in (("VL", "volume"), ("IS", "number"), ("ET", "edition"),
                      ("PB", _PUBLISHER_FIELD.get(entry_type, "publisher")), ("CY", "address"), ("LA", "language")):
        value = _first(record, tag)
        if value:
            fields.append((name, value))
    start, end = _first(record, "SP"), _first(record, "EP")
    if start:
        start = _RANGE_DASH.sub("--", start)
        fields.append(("pages", f"{start}--{end}" if end and end != start and "--" not in start else start))
    kind = _first(record, "M3")
    if kind and entry_type == "techreport":
        fields.append(("type", kind))  # ("Technical report", "Working paper"…)
    serial = _first(record, "SN")
    if serial:
        fields.append(("isbn" if entry_type in ("book", "incollection") else "issn", serial))
    return fields


def _fields(record: dict[str, Any], entry_type: str) -> list[tuple[str, str]]:
    container, eprint = _container(record, entry_type)
    fields = _names_and_title(record, entry_type) + container + _details(record, entry_type)
    doi = _first(record, "DO")
    if doi:  # (ScienceDirect writes "https://doi.org/10.1016/…": biblatex would print that behind its own doi.org)
        fields.append(("doi", normalize_doi(doi) or doi))
    fields += eprint
    urls = _values(record, "UR", "L2")
    if urls:
        fields.append(("url", urls[0]))
    abstract = _first(record, "AB", "N2")
    if abstract:
        fields.append(("abstract", abstract))
    keywords = _values(record, "KW")
    if keywords:
        fields.append(("keywords", ", ".join(dict.fromkeys(k.replace(",", " ") for k in keywords))))
    notes = [n for part in _values(record, "N1") for n in part.split("; ") if not _EXPORT_NOTE.match(n)]
    if notes:
        fields.append(("annote", " ".join(notes)))
    accessed = _DATE.match(_first(record, "Y2") or "")
    if accessed:  # the access date, ISO as biblatex's urldate wants it
        fields.append(("urldate", "-".join(p if i == 0 else p.zfill(2)
                                           for i, p in enumerate(accessed.groups()) if p)))
    return fields


def _entry_type(record: dict[str, Any]) -> str:
    kind = (_first(record, "TY") or "").upper()
    entry_type = _TYPES.get(kind, "misc")
    if entry_type == "article" and (_first(record, "M3") or "").lower() in ("conference paper", "proceedings paper"):
        return "inproceedings"  # Scopus and Web of Science: a conference paper typed JOUR, its M3 says so
    if entry_type == "phdthesis" and re.search(r"master|m\.?\s?sc|msc|m\.?a\.", (_first(record, "M3") or ""), re.I):
        return "mastersthesis"
    return entry_type


def read(text: str, origin: str, *, strict: bool = False) -> Document:
    """Read RIS text into a :class:`Document`, one entry per record, in order."""
    import rispy

    from .bibgen import Generated, bibtex_entry, read_generated

    if text.startswith("\ufeff"):
        text = text[1:]
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    # one space before the dash (some exporters) is read as the specification's two
    text = _TAG_LINE.sub(lambda m: f"{m.group(1)}  - ", text)
    tys = list(_TY.finditer(text))
    starts: list[int] = []  # (each record's line, counted on from the one before: linear in the file)
    line, offset = 1, 0
    for m in tys:
        line += text.count("\n", offset, m.start())
        offset = m.start()
        starts.append(line)
    truncated = bool(tys) and _ER.search(text, tys[-1].end()) is None
    if truncated:  # the last record's ER cut off (a truncated file): read what there is, and say so
        text = text.rstrip("\n") + "\nER  - \n"
    mapping = {tag: tag for tag in rispy.TAG_KEY_MAPPING}
    try:
        records = rispy.loads(text, mapping=mapping, enforce_list_tags=False, list_tags=[])
    except (OSError, ValueError, KeyError, TypeError) as exc:  # rispy's own errors are these
        raise InputError(f"not readable as RIS: {exc}", SourceLocation(origin)) from exc
    made: list[Generated] = []
    skipped: list[SkippedLine] = []
    for index, record in enumerate(records):
        record = _flat(record)
        line = starts[index] if index < len(starts) else 1
        entry_type = _entry_type(record)
        fields = _fields(record, entry_type)
        if entry_type == "article" and any(n == "eprint" for n, _v in fields) and \
                not any(n == "journal" for n, _v in fields):
            entry_type = "misc"  # an arXiv preprint typed as a journal article (Zotero's arXiv items)
        if not any(name in ("title", "author", "editor", "doi", "url") for name, _v in fields):
            skipped.append(SkippedLine(SourceLocation(origin, line), f"TY  - {_first(record, 'TY') or ''}",
                                       "a RIS record with no title, author or identifier"))
            continue
        ident = _first(record, "ID")
        pinned = bool(ident and _KEY_LIKE.match(ident) and not ident.isdigit())
        key = ident if pinned and ident else f"ris{index + 1}"
        made.append(Generated(bibtex_entry(entry_type, key, fields, plain_text=True), line, key_pinned=pinned))
    doc = read_generated(made, origin, "ris", strict=strict)
    doc.skipped.extend(skipped)
    if truncated:
        cut = Problem("ris-truncated", "the last record has no 'ER  -' line: the file may be cut short "
                      "(its fields so far are read)", "warning", SourceLocation(origin, starts[-1]))
        if strict:  # (--strict: a warning stops the run, as every reader's does)
            raise InputError(cut.message, cut.location)
        doc.problems.append(cut)
    return doc
