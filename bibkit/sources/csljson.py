"""CSL-JSON: what pandoc, citeproc, Zotero ("Export → CSL JSON", Better BibTeX), Mendeley and
citation.js read and write — and ``bibkit convert --to csl-json`` writes, so a file bibkit wrote
(and you then edited) reads back.

Each item becomes the BibTeX it stands for and is read by the ``.bib`` reader (:mod:`.bibgen`),
so its fields are the user's as an input ``.bib`` entry's are.  The mapping is the reverse of
:mod:`bibkit.writers.csljson` (Zotero's CSL mapping): ``article-journal`` → ``@article``,
``paper-conference`` → ``@inproceedings``, ``chapter`` → ``@incollection``, ``thesis`` →
``@phdthesis`` (``@mastersthesis`` when its ``genre`` says so), ``report`` → ``@techreport``, an
``article`` with ``publisher`` arXiv or ``number`` ``arXiv:<id>`` → an arXiv preprint, ``webpage``
→ ``@online``…; names (``family``/``given``/``non-dropping-particle``/``dropping-particle``/
``suffix``, or ``literal``), ``issued`` (``date-parts``, or ``raw``/``literal`` text), and the
``note`` lines Zotero and bibkit write there (``arXiv: <id>``, ``GitHub: owner/name``,
``Citation Key: <key>``) read back into their fields.  The key is ``citation-key``, else an ``id``
that is a citation key (not Zotero's item URI or a number).  Rich-text markup in titles
(``<i>``, ``<span class="nocase">``) is dropped.
"""

from __future__ import annotations

import re
from typing import Any

from ..links import normalize_doi
from ..model import Document, SkippedLine, SourceLocation
from .bibgen import TexName, name_list

__all__ = ["looks_like_csl_json", "read", "CSL_TYPES_IN"]

#: CSL 1.0.2 type → BibTeX type
CSL_TYPES_IN: dict[str, str] = {
    **dict.fromkeys(("article-journal", "article-magazine", "article-newspaper", "review", "review-book"), "article"),
    "paper-conference": "inproceedings",
    **dict.fromkeys(("book", "classic", "collection"), "book"),
    **dict.fromkeys(("chapter", "entry", "entry-dictionary", "entry-encyclopedia"), "incollection"),
    "thesis": "phdthesis", "report": "techreport", "manuscript": "unpublished", "pamphlet": "booklet",
    **dict.fromkeys(("webpage", "post", "post-weblog"), "online"),
    "software": "software", "dataset": "dataset", "article": "misc", "document": "misc",
}
_ALL_CSL_TYPES = frozenset(CSL_TYPES_IN) | frozenset(
    """bill broadcast event figure graphic hearing interview legal_case legislation map motion_picture
    musical_score patent performance periodical personal_communication regulation song speech standard
    treaty""".split())
_KEY_LIKE = re.compile(r"^(?=.*[A-Za-z])[A-Za-z_][\w:.+/-]{0,80}$")
_TAG = re.compile(r"<[^<>]{1,80}>")
_NOTE_LINE = re.compile(r"^\s*(arXiv|GitHub|Citation Key|DOI|PMID)\s*:\s*(\S.*?)\s*$", re.IGNORECASE | re.MULTILINE)
_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")


def _splits_in_bibtex(family: str) -> bool:
    """Whether BibTeX would split a family name that starts with a capital at a later lower-case word (its
    von part): "Vázques de Parga", "Ibn al-Haytham".  One that starts in lower case ("van Gennep") is split
    the same way by citeproc's own particle rule."""
    initials = [next((c for c in word if c.isalpha()), "") for word in family.split()]
    return len(initials) > 1 and not initials[0].islower() and any(c.islower() for c in initials[1:])
_ASCII_SPACE = re.compile(r"[ \t\r\n\f\v]+")
_YMD = re.compile(r"^\s*(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?")


def _is_item(obj: Any) -> bool:
    return isinstance(obj, dict) and obj.get("type") in _ALL_CSL_TYPES and \
        any(k in obj for k in ("title", "author", "issued", "container-title", "DOI", "citation-key"))


def looks_like_csl_json(text: str) -> bool:
    """JSON whose objects (a list, one object, or an envelope's list) include a CSL item: a CSL ``type`` and
    a title, author, date, container or DOI."""
    from .hfjson import parse_json

    try:
        items, _shape = parse_json(text)
    except ValueError:
        return False
    return any(_is_item(obj) for obj, _line in items)


def _verbatim(value: Any) -> str:
    """An identifier (``DOI``, ``URL``): as written, only trimmed — no markup to strip there, and ``<``/``>``
    are its own characters (Wiley's SICI DOIs: ``10.1002/(SICI)1096-987X(199803)19:4<377::AID-JCC1>3.0.CO;2-P``)."""
    return value.strip() if isinstance(value, str) else _text(value)


def _text(value: Any) -> str:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    if isinstance(value, list) and all(isinstance(v, (str, int, float)) for v in value):
        value = ", ".join(str(v) for v in value)  # ("title": ["…"], "keyword": ["a", "b"]: what some tools write)
    if not isinstance(value, str):
        return ""
    if "<" in value:
        value = _TAG.sub("", value)
    return _ASCII_SPACE.sub(" ", value).strip(" ")  # (a no-break space, LaTeX's "~", is the text's own)


def _name(person: Any) -> tuple[str, bool] | None:
    """A CSL name as BibTeX writes one (``von Family, Jr, Given``), and whether it is a ``literal`` (an
    organisation: one name, kept whole)."""
    if not isinstance(person, dict):
        return None
    literal = _text(person.get("literal"))
    if literal:
        return literal, True
    family = _text(person.get("family"))
    given = " ".join(x for x in (_text(person.get("given")), _text(person.get("dropping-particle"))) if x)
    if not family:
        return (given, False) if given else None
    particle = _text(person.get("non-dropping-particle"))
    if _splits_in_bibtex(family) or "," in family:
        # "Vázques de Parga": one family name, which BibTeX would split at its lower-case word (the von part
        # "Vázques de", the last name "Parga"); braced, it stays whole.  A family that starts with lower-case
        # words ("van Gennep") is split the same way by citeproc's own particle rule: left as it is
        from ..normalize.latex import encode

        parts = [f"{encode(particle)} {{{encode(family)}}}" if particle else f"{{{encode(family)}}}"]
        parts += [encode(x) for x in (_text(person.get("suffix")), given) if x]
        return TexName(", ".join(parts)), False
    if particle:
        family = f"{particle} {family}"
    suffix = _text(person.get("suffix"))
    if suffix:
        return f"{family}, {suffix}, {given}", False
    return (f"{family}, {given}" if given else family), False


def _names(value: Any) -> str:
    if isinstance(value, str) and value.strip():  # ("author": "Vaswani, Ashish and Shazeer, Noam": BibTeX's way)
        return name_list([n.strip() for n in re.split(r"\s+and\s+|;", value) if n.strip()])
    if not isinstance(value, list):
        return ""
    found = [n for n in (_name(p) for p in value) if n is not None]
    return name_list([n for n, _lit in found], [lit for _n, lit in found])


def _date(value: Any) -> list[tuple[str, str]]:
    """``issued`` as BibTeX's year, month macro and day; a range as BibLaTeX's ``date = {start/end}`` beside
    the years BibTeX prints (``year = {1885--1888}``), as ``convert --to bibtex`` writes a range."""
    if isinstance(value, (str, int)) and not isinstance(value, bool):
        value = {"raw": str(value)}  # ("issued": "2020-05", as some converters write it: a raw date)
    if not isinstance(value, dict):
        return []
    parts = value.get("date-parts")
    ymd: list[Any] = []
    if isinstance(parts, list) and len(parts) == 2 and all(isinstance(p, list) and p for p in parts):
        start, end = (_iso({"date-parts": [p]}) for p in parts)
        if start and end and start != end:
            # a range (CSL's two date-parts): BibLaTeX's form of one, and the year range BibTeX styles print
            years = start[:4] if start[:4] == end[:4] else f"{start[:4]}--{end[:4]}"
            return [("year", years), ("date", f"{start}/{end}")]
    if isinstance(parts, list) and parts and isinstance(parts[0], list):
        ymd = parts[0][:3]
    else:
        literal = _text(value.get("literal"))
        m = _YMD.match(_text(value.get("raw")) or literal)
        if m:
            ymd = [g for g in m.groups() if g]
        elif literal:
            return [("year", literal)]  # a date no parts can say ("forthcoming", "in press"): BibTeX's year text
    try:
        nums = [int(x) for x in ymd]
    except (TypeError, ValueError):
        return []
    if not nums:
        return []
    out = [("year", str(nums[0]))]
    if len(nums) > 1 and 1 <= nums[1] <= 12:
        out.append(("month", _MONTHS[nums[1] - 1]))
        if len(nums) > 2 and 1 <= nums[2] <= 31:
            out.append(("day", str(nums[2])))
    return out


def _iso(value: Any) -> str:
    fields = dict(_date(value))
    if "year" not in fields:
        return ""
    out = fields["year"]
    if "month" in fields:
        out += f"-{_MONTHS.index(fields['month']) + 1:02d}"
        if "day" in fields:
            out += f"-{int(fields['day']):02d}"
    return out


def _entry_type(item: dict[str, Any], arxiv: str | None) -> str:
    csl = item.get("type")
    entry_type = CSL_TYPES_IN.get(csl if isinstance(csl, str) else "", "misc")
    if entry_type == "phdthesis" and re.search(r"master|m\.?\s?sc|\bma\b", _text(item.get("genre")), re.IGNORECASE):
        return "mastersthesis"
    if csl == "article" and arxiv:
        return "misc"  # (an arXiv preprint: the .bib reader reads it as one from its eprint)
    return entry_type


def _fields(item: dict[str, Any], entry_type: str, notes: dict[str, str], note_rest: str,
            arxiv: str | None) -> list[tuple[str, str]]:
    fields: list[tuple[str, str]] = []

    def put(name: str, value: Any) -> None:
        text = _text(value)
        if text:
            fields.append((name, text))

    for role in ("author", "editor"):
        names = _names(item.get(role))
        if names:
            fields.append((role, names))
    put("title", item.get("title"))
    container = item.get("container-title")
    if entry_type == "article":
        put("journal", container)
    elif entry_type in ("inproceedings", "incollection"):
        put("booktitle", container)
    elif container and entry_type not in ("book",):
        put("howpublished", container)
    put("series", item.get("collection-title"))
    fields.extend(_date(item.get("issued")))
    put("volume", item.get("volume"))
    number = _text(item.get("number"))
    put("number", item.get("issue") or (number if not number.lower().startswith("arxiv:") else None))
    page = _text(item.get("page"))
    if page:
        fields.append(("pages", re.sub(r"\s*[-–—]+\s*", "--", page)))
    publisher = _text(item.get("publisher"))
    if publisher and not (arxiv and publisher.lower() == "arxiv"):
        fields.append(({"phdthesis": "school", "mastersthesis": "school", "techreport": "institution"}
                       .get(entry_type, "publisher"), publisher))
    put("address", item.get("publisher-place"))
    put("edition", item.get("edition"))
    put("eventtitle", item.get("event-title") or item.get("event"))
    if entry_type not in ("phdthesis", "mastersthesis"):
        put("type", item.get("genre"))
    put("language", item.get("language"))
    put("shorttitle", item.get("title-short") or item.get("shortTitle"))
    put("version", item.get("version"))
    put("pagetotal", item.get("number-of-pages"))
    doi = _verbatim(item.get("DOI")) or notes.get("doi", "")
    if doi:  # (a DOI written as its URL, as some exporters do: the bare DOI, which biblatex links itself)
        fields.append(("doi", normalize_doi(doi) or doi))
    if arxiv:
        fields += [("eprint", arxiv), ("archivePrefix", "arXiv")]
    url = _verbatim(item.get("URL"))
    if url:
        fields.append(("url", url))
    accessed = _iso(item.get("accessed"))
    if accessed:
        fields.append(("urldate", accessed))
    put("isbn", item.get("ISBN"))
    put("issn", item.get("ISSN"))
    pmid = _text(item.get("PMID")) or notes.get("pmid", "")
    if pmid:
        fields.append(("pmid", pmid))
    abstract = item.get("abstract")
    if isinstance(abstract, str) and abstract.strip():
        fields.append(("abstract", abstract.strip()))
    keywords = _text(item.get("keyword"))
    if keywords:
        fields.append(("keywords", keywords))
    if note_rest:
        fields.append(("note", note_rest))
    if notes.get("github"):
        fields.append(("github", notes["github"]))
    return fields


def _notes(item: dict[str, Any]) -> tuple[dict[str, str], str]:
    """The ``note``'s ``Label: value`` lines bibkit and Zotero write, and the rest of it."""
    note = item.get("note")
    if not isinstance(note, str) or not note.strip():
        return {}, ""
    found: dict[str, str] = {}
    for m in _NOTE_LINE.finditer(note):
        found.setdefault(m.group(1).lower(), m.group(2))
    rest = _NOTE_LINE.sub("", note)
    return found, " ".join(rest.split())


def _key(item: dict[str, Any], notes: dict[str, str]) -> str | None:
    for candidate in (item.get("citation-key"), item.get("citationKey"), notes.get("citation key"), item.get("id")):
        text = _text(candidate)
        if text and _KEY_LIKE.match(text) and "://" not in text and not text.isdigit():
            return text
    return None


def read(text: str, origin: str, *, strict: bool = False) -> Document:
    """Read CSL-JSON into a :class:`Document`, one entry per item, in order."""
    from ..errors import InputError
    from ..links import normalize_arxiv_id
    from .bibgen import Generated, bibtex_entry, read_generated
    from .hfjson import parse_json

    try:
        items, _shape = parse_json(text)
    except ValueError as exc:
        raise InputError(str(exc), SourceLocation(origin)) from exc
    made: list[Generated] = []
    skipped: list[SkippedLine] = []
    for index, (obj, line) in enumerate(items):
        where = SourceLocation(origin, line)
        if not _is_item(obj):
            skipped.append(SkippedLine(where, str(obj)[:80], "not a CSL item (no CSL type with a title, author, "
                                                             "date, container or DOI)"))
            continue
        notes, note_rest = _notes(obj)
        number = _text(obj.get("number"))
        # (Zotero's preprint: "number": "arXiv:1706.03762", a note "arXiv:1706.03762 [cs]": the id is its first word)
        candidates = [notes.get("arxiv", "").split(" ")[0], number[6:] if number.lower().startswith("arxiv:") else ""]
        found = next((f for f in (normalize_arxiv_id(c) for c in candidates if c) if f), None)
        arxiv = found[0] if found else None
        entry_type = _entry_type(obj, arxiv)
        key = _key(obj, notes)
        fields = _fields(obj, entry_type, notes, note_rest, arxiv)
        made.append(Generated(bibtex_entry(entry_type, key or f"csl{index + 1}", fields, plain_text=True), line,
                              key_pinned=key is not None))
    doc = read_generated(made, origin, "csl-json", strict=strict)
    doc.skipped.extend(skipped)
    return doc
