"""BibTeX → translator items, the way Zotero's BibTeX.js import does it (at a basic level).

Used by ``/connector/import``.  Follows the mapping summarised in the
translator-cases README (entry types, field renames, ``number`` by type, dates
from year/month/day, Extra lines for identifiers, keywords → tags, notes → child
notes).  Not covered: JabRef group collections, ``file`` attachments, the full
LaTeX table and the name cleaner's initials rules.  The entry key is not stored
(Zotero does not keep it either).
"""

from __future__ import annotations

import re
from typing import Any

import bibtexparser

from .latex import decode_latex

TYPE_MAP = {
    "article": "journalArticle", "book": "book", "booklet": "book", "manual": "book", "proceedings": "book",
    "collection": "book", "mvbook": "book", "inbook": "bookSection", "incollection": "bookSection",
    "inproceedings": "conferencePaper", "conference": "conferencePaper", "phdthesis": "thesis",
    "mastersthesis": "thesis", "thesis": "thesis", "techreport": "report", "report": "report",
    "unpublished": "manuscript", "misc": "document", "online": "webpage", "electronic": "webpage", "patent": "patent",
    "letter": "letter", "movie": "film", "artwork": "artwork", "audio": "audioRecording", "video": "videoRecording",
    "software": "computerProgram", "legislation": "bill", "jurisdiction": "case", "inreference": "encyclopediaArticle",
}
MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
SIMPLE = {"shorttitle": "shortTitle", "volume": "volume", "edition": "edition", "series": "series",
          "language": "language", "assignee": "assignee", "issue": "issue", "pagetotal": "numPages",
          "publisher": "publisher", "address": "place", "chapter": "section", "type": "type", "copyright": "rights",
          "isbn": "ISBN", "issn": "ISSN", "nationality": "country", "version": "version", "abstract": "abstractNote",
          "eventtitle": "conferenceName", "shortjournal": "journalAbbreviation", "journaltitle": "publicationTitle",
          "booktitle": "publicationTitle", "urldate": "accessDate", "lastchecked": "accessDate"}
EXTRA_IDS = {"lccn": "LCCN", "mrnumber": "MR", "zmnumber": "Zbl", "pmid": "PMID", "pmcid": "PMCID"}
EPRINT_LABELS = {"arxiv": "arXiv", "jstor": "JSTOR", "pubmed": "PMID", "hdl": "HDL", "googlebooks": "GoogleBooksID"}
TYPES_WITH_DOI = {"journalArticle", "conferencePaper", "preprint", "dataset", "standard"}


def _split_top(text: str, sep: str) -> list[str]:
    """Split on ``sep`` outside braces and quotes."""
    parts, depth, quoted, start = [], 0, False, 0
    i = 0
    while i < len(text):
        ch = text[i]
        if ch == "\\":
            i += 2
            continue
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
        elif ch == '"' and depth == 0:
            quoted = not quoted
        elif ch == sep and depth == 0 and not quoted:
            parts.append(text[start:i])
            start = i + 1
        i += 1
    parts.append(text[start:])
    return parts


def _value(raw: str, macros: dict[str, str]) -> str:
    """Evaluate a raw field value: ``{..}``, ``".."``, numbers, macros, ``#`` concatenation."""
    out = []
    for part in _split_top(raw.strip(), "#"):
        p = part.strip()
        if p.startswith("{") and p.endswith("}"):
            out.append(p[1:-1])
        elif p.startswith('"') and p.endswith('"'):
            out.append(p[1:-1])
        elif p.isdigit():
            out.append(p)
        else:
            out.append(macros.get(p.lower(), p))
    return "".join(out)


def _split_names(value: str) -> list[str]:
    names, depth, start = [], 0, 0
    tokens = re.finditer(r"[{}]|\s+and\s+", value, re.IGNORECASE)
    for m in tokens:
        if m.group() == "{":
            depth += 1
        elif m.group() == "}":
            depth -= 1
        elif depth == 0:
            names.append(value[start:m.start()])
            start = m.end()
    names.append(value[start:])
    return [n.strip() for n in names if n.strip()]


def _creator(name: str, creator_type: str) -> dict[str, Any]:
    pieces = [p.strip() for p in _split_top(name, ",")]
    if len(pieces) >= 2:
        last, first = decode_latex(pieces[0]), decode_latex(pieces[-1])
        if len(pieces) > 2:
            first = f"{first}, {decode_latex(pieces[1])}"
        return {"firstName": first, "lastName": last, "creatorType": creator_type}
    tokens = [t for t in re.findall(r"\{[^{}]*\}|\S+", name)]
    if len(tokens) <= 1:
        return {"lastName": decode_latex(name), "fieldMode": 1, "creatorType": creator_type}
    first = " ".join(decode_latex(t) for t in tokens[:-1])
    first = " ".join(f"{w}." if len(w) == 1 and w.isupper() else w for w in first.split(" "))
    return {"firstName": first, "lastName": decode_latex(tokens[-1]), "creatorType": creator_type}


def _date(fields: dict[str, str]) -> str | None:
    if fields.get("date"):
        return fields["date"].strip()
    year = fields.get("year", "").strip()
    if not year:
        return None
    month_text = fields.get("month", "").strip()
    if month_text and re.search(r"\d{4}", month_text):
        return month_text
    month = None
    if month_text.isdigit() and 1 <= int(month_text) <= 12:
        month = int(month_text)
    elif month_text[:3].lower() in MONTHS:
        month = MONTHS.index(month_text[:3].lower()) + 1
    if month is None:
        return year
    day = fields.get("day", "").strip()
    if day.isdigit():
        return f"{year}-{month:02d}-{int(day):02d}"
    return f"{year}-{month:02d}"


def parse_bibtex(text: str) -> list[dict[str, Any]] | None:
    """BibTeX text → translator items; None when the text holds no BibTeX entry (not import data)."""
    if not re.search(r"@\s*[A-Za-z]+\s*[{(]", text):
        return None
    library = bibtexparser.parse_string(text, parse_stack=[])
    macros = {m: m for m in MONTHS}
    for s in library.strings:
        macros[s.key.lower()] = _value(s.value, macros)
    items = []
    for entry in library.entries:
        item_type = TYPE_MAP.get(entry.entry_type.lower())
        if item_type is None:
            continue
        fields = {f.key.lower(): _value(str(f.value), macros) for f in entry.fields}
        items.append(_entry_to_item(entry.key, entry.entry_type.lower(), item_type, fields))
    return items or None


def _entry_to_item(key: str, entry_type: str, item_type: str, fields: dict[str, str]) -> dict[str, Any]:
    item: dict[str, Any] = {"itemType": item_type, "id": key, "creators": [], "tags": [], "notes": []}
    extra: list[str] = []
    if entry_type == "phdthesis":
        item["type"] = "PhD Thesis"
    elif entry_type == "mastersthesis":
        item["type"] = "Master's Thesis"
    for name, raw in fields.items():
        value = decode_latex(raw) if name not in ("url", "file") else raw.strip()
        if not value:
            continue
        if name == "title":
            item["title"] = value
        elif name == "subtitle":
            continue
        elif name in ("author", "editor", "translator"):
            item["creators"] += [_creator(n, name) for n in _split_names(raw)]
        elif name in ("journal", "fjournal"):
            if name == "fjournal" and item.get("publicationTitle"):
                item["journalAbbreviation"] = item["publicationTitle"]
                item["publicationTitle"] = value
            elif item.get("publicationTitle"):
                item["journalAbbreviation"] = value
            else:
                item["publicationTitle"] = value
        elif name == "number":
            target = {"report": "number", "book": "seriesNumber", "bookSection": "seriesNumber",
                      "patent": "number"}.get(item_type, "issue")
            item[target] = value
        elif name == "pages":
            item["numPages" if item_type in ("book", "thesis", "manuscript") else "pages"] = value
        elif name in ("school", "institution", "organization"):
            if name == "school" or not (fields.get("publisher") or fields.get("school")):
                item["publisher"] = value
        elif name == "location":
            if item_type == "conferencePaper":
                extra.append(f"event-place: {value}")
            elif not fields.get("address"):
                item["place"] = value
        elif name == "doi":
            if item_type in TYPES_WITH_DOI:
                item["DOI"] = value
            else:
                extra.append(f"DOI: {value}")
        elif name == "url":
            item["url"] = value
        elif name == "howpublished":
            if re.match(r"^(https?:/|mailto:)", value):
                item["url"] = value
            elif len(value) >= 7:
                extra.append(f"Published: {value}")
        elif name in ("keywords", "keyword"):
            item["tags"] += [t.strip() for t in re.split(r"\s*[,;]\s*", value) if t.strip()]
        elif name in ("note", "annote", "comment", "review", "notes"):
            if name == "note" and re.match(r"^(LCCN|MR|Zbl|PMID|PMCID)\b", value):
                extra.append(value)
            else:
                item["notes"].append(f"<p>{value}</p>")
        elif name in EXTRA_IDS:
            extra.append(f"{EXTRA_IDS[name]}: {value}")
        elif name == "eprint" and fields.get("eprinttype"):
            label = EPRINT_LABELS.get(fields["eprinttype"].strip().lower(), fields["eprinttype"].strip())
            extra.append(f"{label}: {value}")
        elif name in SIMPLE:
            item[SIMPLE[name]] = value
    if fields.get("subtitle") and item.get("title"):
        sub = decode_latex(fields["subtitle"])
        joiner = " " if re.search(r"[-–—:!?.;]$", item["title"]) or re.match(r"^[-–—:.;¡¿]", sub) else ": "
        item["title"] = item["title"] + joiner + sub
    date = _date(fields)
    if date:
        item["date"] = decode_latex(date)
    if extra:
        item["extra"] = "\n".join(extra)
    return item
