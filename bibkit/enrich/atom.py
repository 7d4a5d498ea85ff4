"""A tolerant parser for arXiv's Atom feeds (the ``/api/query`` answers).

arXiv changed the feed between 2016 and 2026 (namespace declarations moved,
element order changed, ``http``/``https`` links, ``dx.doi.org``/``doi.org``),
so nothing here depends on element order, prefixes or link schemes: elements
are found by namespace URI, every optional element may be missing or empty,
and whitespace in titles and summaries (hard line breaks, leading spaces) is
collapsed.  A title can legitimately be the string ``"0"``, so titles are never
tested for truthiness.

Errors come back as HTTP 400 with a normal feed holding one entry titled
``Error`` (id ``https://arxiv.org/api/errors#…``); such entries are returned as
:class:`ArxivApiError`, never as papers.

XML is parsed by lxml with entity resolution, DTD loading and network access
switched off: a feed is data from the network and must not make the parser
read files or fetch URLs (XXE, billion laughs).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Iterable

from lxml import etree

from ..model import PartialDate

__all__ = [
    "ATOM", "OPENSEARCH", "ARXIV",
    "AtomError", "ArxivAuthor", "ArxivRecord", "ArxivApiError", "Feed", "parse_feed", "parse_entry_id", "parse_iso",
]

ATOM = "http://www.w3.org/2005/Atom"
OPENSEARCH = "http://a9.com/-/spec/opensearch/1.1/"
ARXIV = "http://arxiv.org/schemas/atom"

#: ``http://arxiv.org/abs/2401.06066v2``, ``…/abs/hep-th/9901001v1``, ``…/abs/math.CA/0611800v2``
_ENTRY_ID = re.compile(r"/abs/(?P<id>[^\s?#]+?)(?:v(?P<v>\d+))?/?$")
_DOI_URL = re.compile(r"^(?:https?://)?(?:dx\.)?doi\.org/", re.IGNORECASE)
_OLD_WITH_CLASS = re.compile(r"^(?P<arch>[A-Za-z-]+)\.[A-Za-z-]+/(?P<num>\d{7})$")


class AtomError(ValueError):
    """The body is not an Atom feed we can read (malformed XML, wrong root, HTML error page)."""


@dataclass(frozen=True, slots=True)
class ArxivAuthor:
    """One ``<author>``: the name as arXiv prints it, and any ``arxiv:affiliation``."""

    name: str
    affiliations: tuple[str, ...] = ()


@dataclass(slots=True)
class ArxivRecord:
    """One paper as the arXiv API describes it (a plain result object, like arxiv.py's ``Result``).

    ``arxiv_id`` is the base id without version (``2401.06066``,
    ``hep-th/9901001``); ``version`` the version this entry describes.
    ``published`` is the first version's date, ``updated`` the returned
    version's.  ``title``/``summary``/``comment``/``journal_ref`` are
    whitespace-collapsed; ``doi`` is the journal DOI arXiv knows, if any.
    """

    arxiv_id: str
    version: int | None = None
    title: str = ""
    summary: str = ""
    authors: list[ArxivAuthor] = field(default_factory=list)
    published: datetime | None = None
    updated: datetime | None = None
    categories: list[str] = field(default_factory=list)
    primary_category: str | None = None
    comment: str | None = None
    journal_ref: str | None = None
    doi: str | None = None
    abs_url: str | None = None
    pdf_url: str | None = None

    @property
    def author_names(self) -> list[str]:
        return [a.name for a in self.authors]

    @property
    def published_date(self) -> PartialDate | None:
        """Year, month and day of the first version (what a citation of the preprint uses)."""
        if self.published is None:
            return None
        return PartialDate(self.published.year, self.published.month, self.published.day)

    @property
    def versioned_id(self) -> str:
        return f"{self.arxiv_id}v{self.version}" if self.version else self.arxiv_id


@dataclass(frozen=True, slots=True)
class ArxivApiError:
    """An error entry: arXiv's way of saying "this request was wrong" (HTTP 400).

    ``code`` is the fragment of the error id (``incorrect_id_format_for_abc``),
    ``message`` the summary text; ``bad_id`` the identifier named by an
    ``incorrect_id_format_for_<id>`` error, when there is one.
    """

    code: str
    message: str

    @property
    def bad_id(self) -> str | None:
        prefix = "incorrect_id_format_for_"
        return self.code[len(prefix):] if self.code.startswith(prefix) else None


@dataclass(slots=True)
class Feed:
    """A parsed feed: paging totals, the papers, and any error entries."""

    title: str = ""
    total_results: int | None = None
    start_index: int | None = None
    items_per_page: int | None = None
    entries: list[ArxivRecord] = field(default_factory=list)
    errors: list[ArxivApiError] = field(default_factory=list)

    def by_id(self) -> dict[str, ArxivRecord]:
        """Entries keyed by base id (a later duplicate never replaces an earlier one)."""
        out: dict[str, ArxivRecord] = {}
        for rec in self.entries:
            out.setdefault(rec.arxiv_id, rec)
        return out


# --------------------------------------------------------------------------- helpers


def _parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False,
        huge_tree=False, remove_comments=True, remove_pis=True,
    )


def collapse(text: str | None) -> str:
    r"""Whitespace runs (line breaks, indentation) become one space; ends trimmed.

    (``str.split`` splits at the characters a regular expression's ``\s`` matches — both are
    ``str.isspace`` — so this is ``re.sub(r"\s+", " ", text).strip()``, at a fraction of its cost over
    every summary of a feed.)
    """
    return " ".join(text.split()) if text else ""


def _text(el: etree._Element | None) -> str | None:
    """Collapsed text content of an element (``None`` when the element is absent)."""
    if el is None:
        return None
    if len(el) == 0:  # text only (most elements): its text is all itertext() would give
        return collapse(el.text)
    return collapse("".join(el.itertext()))


def _optional(el: etree._Element | None) -> str | None:
    """Like :func:`_text`, but an empty element counts as absent (optional fields)."""
    value = _text(el)
    return value if value else None


def _int(el: etree._Element | None) -> int | None:
    value = _text(el)
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None


def parse_iso(value: str | None) -> datetime | None:
    """An ISO-8601 timestamp as arXiv and HF write it (``Z`` suffix, milliseconds or not); ``None`` if unreadable."""
    if not value:
        return None
    try:
        return datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None


def _when(el: etree._Element | None) -> datetime | None:
    return parse_iso(_text(el))


def parse_entry_id(text: str) -> tuple[str, int | None] | None:
    """``(base id, version)`` from an entry ``<id>`` URL; old-style subject classes dropped.

    ``http://arxiv.org/abs/math.CA/0611800v2`` → ``("math/0611800", 2)``.
    """
    m = _ENTRY_ID.search(text.strip())
    if not m:
        return None
    base, version = m["id"], int(m["v"]) if m["v"] else None
    old = _OLD_WITH_CLASS.match(base)
    if old:
        base = f"{old['arch']}/{old['num']}"
    return base, version


def _q(ns: str, tag: str) -> str:
    return f"{{{ns}}}{tag}"


def _unique(items: Iterable[str]) -> list[str]:
    seen: dict[str, None] = {}
    for item in items:
        if item:
            seen.setdefault(item, None)
    return list(seen)


# --------------------------------------------------------------------------- entries


# the tags an entry's fields are read from (built once: an entry is read in one pass over its children)
_ID, _TITLE, _SUMMARY, _PUBLISHED, _UPDATED = (_q(ATOM, t) for t in ("id", "title", "summary", "published", "updated"))
_AUTHOR, _NAME, _CATEGORY, _LINK = (_q(ATOM, t) for t in ("author", "name", "category", "link"))
_COMMENT, _JOURNAL_REF, _DOI, _AFFILIATION, _PRIMARY = (
    _q(ARXIV, t) for t in ("comment", "journal_ref", "doi", "affiliation", "primary_category"))


def _first(el: etree._Element, tag: str) -> etree._Element | None:
    """``el.find(tag)`` for a plain tag: its first child with that tag."""
    return next(el.iterchildren(tag), None)


def _is_error(title: etree._Element | None, authors: list[etree._Element], raw_id: str) -> bool:
    if "/api/errors" in raw_id:
        return True
    if _text(title) != "Error":  # (a paper's authors are not read twice)
        return False
    names = [_text(_first(a, _NAME)) for a in authors]
    return names == ["arXiv api core"]


def _parse_entry(entry: etree._Element) -> ArxivRecord | ArxivApiError | None:
    # one pass over the entry's children: the first of each field (what ``find`` would give), every author,
    # category and link in order (what ``findall`` would) — a ``find`` per field walked the children again,
    # past every author, and parsing a path each time was most of reading a feed
    first: dict[Any, etree._Element] = {}
    authors: list[etree._Element] = []
    categories: list[etree._Element] = []
    links: list[etree._Element] = []
    for child in entry:
        tag = child.tag
        if tag == _AUTHOR:
            authors.append(child)
        elif tag == _CATEGORY:
            categories.append(child)
        elif tag == _LINK:
            links.append(child)
        elif tag not in first:
            first[tag] = child
    raw_id = _text(first.get(_ID)) or ""
    title_el = first.get(_TITLE)
    if _is_error(title_el, authors, raw_id):
        code = raw_id.split("#", 1)[1] if "#" in raw_id else raw_id
        return ArxivApiError(code=code, message=_text(first.get(_SUMMARY)) or "")
    parsed = parse_entry_id(raw_id)
    if parsed is None:
        return None  # not an arXiv paper entry; skip rather than invent an id
    base, version = parsed
    rec = ArxivRecord(
        arxiv_id=base,
        version=version,
        title=(_text(title_el) or "") if title_el is not None else "",  # "0" is a real title
        summary=_text(first.get(_SUMMARY)) or "",
        published=_when(first.get(_PUBLISHED)),
        updated=_when(first.get(_UPDATED)),
        comment=_optional(first.get(_COMMENT)),
        journal_ref=_optional(first.get(_JOURNAL_REF)),
        doi=_optional(first.get(_DOI)),
    )
    for author in authors:
        name = _text(_first(author, _NAME))
        if not name:
            continue
        affiliations = tuple(a for a in (_text(x) for x in author.iterchildren(_AFFILIATION)) if a)
        rec.authors.append(ArxivAuthor(name, affiliations))
    rec.categories = _unique((c.get("term") or "").strip() for c in categories)
    primary = first.get(_PRIMARY)
    if primary is not None and (primary.get("term") or "").strip():
        rec.primary_category = primary.get("term").strip()
    elif rec.categories:
        rec.primary_category = rec.categories[0]
    doi_link: str | None = None
    for link in links:
        href = (link.get("href") or "").strip()
        rel, title, mime = link.get("rel"), link.get("title"), link.get("type")
        if not href:
            continue
        if rel == "alternate" or (rel is None and mime == "text/html"):
            rec.abs_url = rec.abs_url or href
        elif title == "pdf" or mime == "application/pdf":
            rec.pdf_url = rec.pdf_url or href
        elif title == "doi":
            doi_link = href
    if rec.doi is None and doi_link:
        rec.doi = _DOI_URL.sub("", doi_link) or None
    if rec.doi:
        rec.doi = rec.doi.split()[0]  # arXiv occasionally lists several DOIs separated by spaces: keep the first
    return rec


# --------------------------------------------------------------------------- feeds


def parse_feed(data: bytes | str) -> Feed:
    """Parse an arXiv API answer (bytes as received; the XML declaration gives the charset).

    Raises :class:`AtomError` when the body is not an Atom feed.  Entries that
    are error reports go to :attr:`Feed.errors`; entries whose ``<id>`` is not
    an arXiv abs URL are skipped.
    """
    if isinstance(data, str):
        data = data.encode("utf-8")
        data = re.sub(rb"^\s*<\?xml[^>]*\?>", b"", data)  # the str was already decoded
    if not data or not data.strip():
        raise AtomError("empty response body")
    try:
        root = etree.fromstring(data, _parser())
    except etree.XMLSyntaxError as exc:
        raise AtomError(f"malformed Atom: {exc}") from exc
    if root is None or root.tag != _q(ATOM, "feed"):
        tag = getattr(root, "tag", None)
        raise AtomError(f"not an Atom feed: the root element is {tag!r}")
    feed = Feed(
        title=_text(root.find(_q(ATOM, "title"))) or "",
        total_results=_int(root.find(_q(OPENSEARCH, "totalResults"))),
        start_index=_int(root.find(_q(OPENSEARCH, "startIndex"))),
        items_per_page=_int(root.find(_q(OPENSEARCH, "itemsPerPage"))),
    )
    for entry in root.findall(_q(ATOM, "entry")):
        parsed = _parse_entry(entry)
        if isinstance(parsed, ArxivApiError):
            feed.errors.append(parsed)
        elif parsed is not None:
            feed.entries.append(parsed)
    return feed
