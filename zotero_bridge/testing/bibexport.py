"""``?format=bibtex|biblatex|ris``: a compact stand-in for Zotero's export translators.

BibTeX follows the export mapping of the translator-cases README (BibTeX.js):
entry types, the citation-key rule (Extra ``Citation Key:`` line, then the
``citationKey`` field, then ``%a_%t_%y``), field order, identifier lines from
Extra, remaining Extra lines into ``note``, tags as ``keywords``, escaping and
case protection, and the exact layout (leading newline, tab-indented fields,
trailing comma, blank line between entries).  BibLaTeX and RIS are minimal:
enough for a client to parse, not a byte-for-byte copy of Zotero's translators.
Notes and attachments are never exported.
"""

from __future__ import annotations

import re
import unicodedata

from .latex import escape_latex, protect_case
from .schema import Schema
from .store import Item

BIBTEX_TYPES = {"journalArticle": "article", "magazineArticle": "article", "newspaperArticle": "article",
                "book": "book", "bookSection": "incollection", "conferencePaper": "inproceedings", "thesis": "phdthesis",
                "report": "techreport", "manuscript": "unpublished", "patent": "patent"}
BIBLATEX_TYPES = {"journalArticle": "article", "magazineArticle": "article", "newspaperArticle": "article",
                  "book": "book", "bookSection": "incollection", "conferencePaper": "inproceedings", "thesis": "thesis",
                  "report": "report", "manuscript": "unpublished", "patent": "patent", "webpage": "online",
                  "preprint": "online", "computerProgram": "software", "dataset": "dataset"}
MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
FUNCTION_WORDS = set("a an the some from on in to of do with der die das ein eine einer eines einem einen un une la le "
                     "l' les el las los al uno una unos unas de des del d'".split())
EXTRA_ID_FIELDS = {"DOI": "doi", "LCCN": "lccn", "MR": "mrnumber", "Zbl": "zmnumber", "PMID": "pmid", "PMCID": "pmcid"}
RAW_FIELDS = {"url", "doi", "lccn", "file"}


def _field(item: Item, schema: Schema, base: str) -> str:
    """Value of a base field on any type (``publisher`` reads ``repository`` on a preprint)."""
    item_type = schema.item_type(item.item_type)
    if item_type is None:
        return ""
    name = item_type.field_for(base)
    return str(item.data.get(name) or "") if name else ""


def _split_extra(extra: str) -> tuple[str | None, dict[str, str], list[str]]:
    """Extra → (citation key line, identifier fields, remaining lines)."""
    key = None
    ids: dict[str, str] = {}
    rest: list[str] = []
    for line in extra.split("\n"):
        m = re.match(r"^\s*([A-Za-z][\w -]*?)\s*:\s*(.*)$", line)
        if m and m.group(1).lower() == "citation key" and key is None and m.group(2).strip():
            key = m.group(2).strip()
        elif m and m.group(1) in EXTRA_ID_FIELDS:
            ids[EXTRA_ID_FIELDS[m.group(1)]] = m.group(2).strip()
        elif line.strip():
            rest.append(line)
    return key, ids, rest


def _clean_key(text: str) -> str:
    text = unicodedata.normalize("NFKD", text.lower())
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return re.sub(r"[^a-z0-9_-]", "", text)


def _generated_key(item: Item) -> str:
    creators = item.data.get("creators") or []
    author = "noauthor"
    if creators:
        c = creators[0]
        author = (c.get("lastName") or c.get("name") or "").lower().replace(" ", "_").replace(",", "") or "noauthor"
    title = re.sub(r"<[^>]+>", "", str(item.data.get("title") or "")).lower()
    words = [w for w in re.split(r"[\s\-–—:;,.!?()\[\]\"]+", title) if w and w not in FUNCTION_WORDS]
    first = words[0] if words else "notitle"
    year = re.search(r"\d{4}", str(item.data.get("date") or ""))
    return _clean_key(f"{author}_{first}_{year.group(0) if year else 'nodate'}")


def citation_key(item: Item) -> str:
    line_key, _, _ = _split_extra(str(item.data.get("extra") or ""))
    if line_key:
        return line_key
    if item.data.get("citationKey"):
        return str(item.data["citationKey"])
    return _generated_key(item)


def _creators(item: Item, schema: Schema) -> dict[str, list[str]]:
    item_type = schema.item_type(item.item_type)
    primary = item_type.primary_creator if item_type else "author"
    roles: dict[str, list[str]] = {}
    for c in item.data.get("creators") or []:
        ctype = c.get("creatorType")
        role = "author" if ctype == primary else "editor" if ctype in ("editor", "seriesEditor") else \
            "translator" if ctype == "translator" else "collaborator"
        if c.get("name"):
            text = "{" + escape_latex(c["name"]) + "}"
        else:
            first = str(c.get("firstName") or "")
            last = escape_latex(str(c.get("lastName") or "")).replace(" and ", " {and} ")
            if ", " in first:
                given, jr = first.split(", ", 1)
                text = f"{last}, {escape_latex(jr)}, {escape_latex(given)}"
            else:
                text = f"{last}, {escape_latex(first)}" if first else last
        roles.setdefault(role, []).append(text)
    return roles


def _month_year(date: str) -> tuple[str | None, str | None]:
    m = re.match(r"^(\d{4})(?:-(\d{2}))?", date.strip())
    if m:
        month = MONTHS[int(m.group(2)) - 1] if m.group(2) and 1 <= int(m.group(2)) <= 12 else None
        return month, m.group(1)
    year = re.search(r"\b(\d{4})\b", date)
    return None, year.group(1) if year else None


def bibtex_entry(item: Item, schema: Schema, key: str) -> str:
    d = item.data
    entry_type = BIBTEX_TYPES.get(item.item_type, "misc")
    fields: list[tuple[str, str]] = []
    thesis_type = _field(item, schema, "type")
    if item.item_type == "thesis" and re.sub(r"[^a-z']", "", thesis_type.lower()) in ("master", "masters", "master's", "ms", "msc", "ma"):
        entry_type = "mastersthesis"
        thesis_type = ""

    def add(name: str, value: str) -> None:
        if value:
            fields.append((name, value))

    add("address", _field(item, schema, "place"))
    add("chapter", _field(item, schema, "section"))
    add("edition", _field(item, schema, "edition"))
    add("type", thesis_type if item.item_type == "thesis" else _field(item, schema, "type"))
    add("series", _field(item, schema, "series"))
    add("title", _field(item, schema, "title"))
    add("volume", _field(item, schema, "volume"))
    add("copyright", _field(item, schema, "rights"))
    add("isbn", _field(item, schema, "ISBN"))
    add("issn", _field(item, schema, "ISSN"))
    add("shorttitle", _field(item, schema, "shortTitle"))
    add("url", _field(item, schema, "url"))
    add("doi", _field(item, schema, "DOI"))
    add("abstract", _field(item, schema, "abstractNote"))
    add("nationality", _field(item, schema, "country"))
    add("language", _field(item, schema, "language"))
    add("assignee", _field(item, schema, "assignee"))
    number = ""
    if item.item_type in ("report", "patent"):
        number = _field(item, schema, "number")
    number = number or str(d.get("issue") or "") or str(d.get("seriesNumber") or "")
    add("number", number)
    add("urldate", str(d.get("accessDate") or "")[:10])
    publication = _field(item, schema, "publicationTitle")
    add("booktitle" if item.item_type in ("bookSection", "conferencePaper") else "journal", publication)
    publisher = _field(item, schema, "publisher")
    add("school" if item.item_type == "thesis" else "institution" if item.item_type == "report" else "publisher", publisher)
    for role, names in _creators(item, schema).items():
        fields.append((role, " and ".join(names)))
    month, year = _month_year(_field(item, schema, "date"))
    if month:
        fields.append(("month", month))
    add("year", year or "")
    _, ids, rest = _split_extra(str(d.get("extra") or ""))
    for name, value in ids.items():
        if not any(f == name for f, _ in fields):
            fields.append((name, value))
    add("note", "\n".join(rest))
    add("keywords", ", ".join(t["tag"] for t in d.get("tags") or []))
    add("pages", re.sub(r"[-\u2012-\u2015\u2053]+", "--", _field(item, schema, "pages")))
    out = [f"@{entry_type}{{{key}"]
    for name, value in fields:
        if name in RAW_FIELDS or name in ("month",) or name in ("author", "editor", "translator", "collaborator") \
                or name in ids:
            text = value
        else:
            text = escape_latex(value)
            if name in ("title", "type", "shorttitle", "booktitle", "series"):
                text = protect_case(text)
        out.append(f",\n\t{name} = {text}" if name == "month" else f",\n\t{name} = {{{text}}}")
    return "".join(out) + ",\n}"


def export_bibtex(items: list[Item], schema: Schema) -> str:
    regular = [i for i in items if i.item_type not in ("note", "attachment", "annotation")]
    seen: dict[str, int] = {}
    entries = []
    for item in regular:
        key = citation_key(item)
        if key in seen:
            seen[key] += 1
            key = f"{key}-{seen[key]}"
        else:
            seen[key] = 0
        entries.append(bibtex_entry(item, schema, key))
    return "\n" + "\n\n".join(entries) + ("\n" if entries else "")


def export_biblatex(items: list[Item], schema: Schema) -> str:
    out = []
    for item in items:
        if item.item_type in ("note", "attachment", "annotation"):
            continue
        d = item.data
        fields: list[tuple[str, str]] = []
        for role, names in _creators(item, schema).items():
            fields.append((role, " and ".join(names)))
        title = _field(item, schema, "title")
        if title:
            fields.append(("title", protect_case(escape_latex(title))))
        publication = _field(item, schema, "publicationTitle")
        if publication:
            fields.append(("booktitle" if item.item_type in ("bookSection", "conferencePaper") else "journaltitle",
                           escape_latex(publication)))
        date = _field(item, schema, "date")
        if date:
            fields.append(("date", date))
        for name, base in (("volume", "volume"), ("number", "issue"), ("pages", "pages"), ("publisher", "publisher"),
                           ("abstract", "abstractNote"), ("language", "language")):
            value = _field(item, schema, base)
            if value:
                fields.append((name, escape_latex(value) if name != "pages" else value.replace("-", "--")))
        for name, base in (("doi", "DOI"), ("url", "url")):
            value = _field(item, schema, base)
            if value:
                fields.append((name, value))
        archive_id = str(d.get("archiveID") or "")
        if archive_id.lower().startswith("arxiv:"):
            fields += [("eprinttype", "arxiv"), ("eprint", archive_id.split(":", 1)[1])]
        if d.get("accessDate"):
            fields.append(("urldate", str(d["accessDate"])[:10]))
        if d.get("tags"):
            fields.append(("keywords", ", ".join(escape_latex(t["tag"]) for t in d["tags"])))
        key = citation_key(item)
        out.append(f"@{BIBLATEX_TYPES.get(item.item_type, 'misc')}{{{key}"
                   + "".join(f",\n\t{n} = {{{v}}}" for n, v in fields) + ",\n}")
    return "\n" + "\n\n".join(out) + ("\n" if out else "")


RIS_TYPES = {"journalArticle": "JOUR", "book": "BOOK", "bookSection": "CHAP", "conferencePaper": "CPAPER",
             "thesis": "THES", "report": "RPRT", "webpage": "ELEC", "preprint": "JOUR", "manuscript": "UNPB",
             "magazineArticle": "MGZN", "newspaperArticle": "NEWS", "computerProgram": "COMP", "dataset": "DATA",
             "patent": "PAT"}


def export_ris(items: list[Item], schema: Schema) -> str:
    records = []
    for item in items:
        if item.item_type in ("note", "attachment", "annotation"):
            continue
        d = item.data
        lines: list[tuple[str, str]] = [("TY", RIS_TYPES.get(item.item_type, "GEN"))]
        lines.append(("TI", _field(item, schema, "title")))
        for c in d.get("creators") or []:
            name = c.get("name") or ", ".join(p for p in (c.get("lastName"), c.get("firstName")) if p)
            lines.append(("AU" if c.get("creatorType") == "author" else "A2", name))
        for tag, base in (("T2", "publicationTitle"), ("DA", "date"), ("VL", "volume"), ("IS", "issue"),
                          ("SP", "pages"), ("PB", "publisher"), ("DO", "DOI"), ("UR", "url"), ("AB", "abstractNote"),
                          ("LA", "language"), ("N1", "extra")):
            lines.append((tag, _field(item, schema, base)))
        match = re.match(r"^(\d{4})", _field(item, schema, "date"))
        if match:
            lines.append(("PY", match.group(1)))
        lines += [("KW", t["tag"]) for t in d.get("tags") or []]
        lines.append(("ER", ""))
        records.append("\r\n".join(f"{tag}  - {value}" for tag, value in lines if value or tag == "ER"))
    return "\r\n\r\n".join(records) + ("\r\n\r\n" if records else "")
