"""Semantic Scholar's search results (and a paper's own page), as copied from the browser.

Every result is the same few lines::

    Attention is All you Need
    Ashish Vaswani, Noam M. Shazeer, +6 authors Illia Polosukhin   (a long list is cut: "+6 authors")
    Computer Science                                                (fields of study, one a line or a list)
    Neural Information Processing Systems                           (the venue, when known)
    12 June 2017                                                    (the date: "2017", "June 2017" also)
    TLDR
    A new simple network architecture, the Transformer, … is proposed...   (a machine summary)
    Expand
    150,000                                                         (citations)
    PDF
    Save

The *date line* identifies a result: above it, the venue and the fields of study (a fixed
vocabulary), the authors (a list cut with ``+N authors`` is marked as truncated) and the
title.  A paper's own page says ``Published in <venue> <date>`` instead.  The ``TLDR`` is a
generated one-sentence summary, kept as ``s2_tldr`` and never the abstract; the snippet a
result shows without one is the abstract cut at ``Expand``, kept as ``s2_snippet``; only a
labelled ``Abstract`` shown whole is the paper's abstract.  ``Highly Influenced``,
``Citations``, ``Expand``, ``Save``, ``Alert``, ``Cite``, ``PDF``, ``Publisher``, counts and
the page's filters and pager are skipped lines.
"""

from __future__ import annotations

import re

from ...record import PageReader
from ..chatter import chatter_reason
from ..paperids import find_ids
from ..pastetext import YEAR, Line, looks_like_names, parse_date, split_authors
from .base import Draft, Sink

__all__ = ["NAME", "read_block", "line_evidence", "may_apply"]

NAME = PageReader.SEMANTIC_SCHOLAR

_MON = (r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sept?(?:ember)?|"
        r"Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?")
_DATE = rf"(?:(?:\d{{1,2}}\s+)?{_MON}\s+(?:19|20)\d\d|{_MON}\s+\d{{1,2}},\s+(?:19|20)\d\d|(?:19|20)\d\d)"
_DATE_LINE = re.compile(rf"^{_DATE}$", re.IGNORECASE)
_PUBLISHED_IN = re.compile(rf"^Published(?: in (?P<venue>.+?))?\s+(?P<date>{_DATE})$", re.IGNORECASE)
#: Semantic Scholar's fields of study
_FIELDS = frozenset(f.lower() for f in (
    "Computer Science", "Medicine", "Mathematics", "Physics", "Biology", "Psychology", "Engineering", "Economics",
    "Chemistry", "Materials Science", "Environmental Science", "Geography", "Geology", "Political Science",
    "Sociology", "Philosophy", "Art", "History", "Business", "Education", "Law", "Linguistics",
    "Agricultural and Food Sciences", "Agricultural And Food Sciences"))
_FURNITURE = re.compile(r"^(?:TLDR|Expand|Collapse|Save|Saved|Alert|Cite|PDF|Publisher|Semantic Reader|"
                        r"View (?:PDF|via Publisher|on ArXiv|on ACL|on PubMed)|\[PDF\].*|Highly Influen(?:ced|tial)"
                        r"(?: Citations?)?|[\d,.]+[KkMm]?\s*(?:Citations?|Highly Influen(?:ced|tial).*)?|"
                        r"Citations?|References?|Related Papers|Figures(?: and Tables)?|Topics|AI-Generated|"
                        r"Share|Feed|Open Access|Free|Add to Library|Save to Library|Create Alert|Cite Paper)$",
                        re.IGNORECASE)
_PAGE = re.compile(
    r"^(?:Semantic Scholar|Search \d.*|Search|Sign In|Create Free Account|About .*results.*|[\d,]+ results?.*|"
    r"Fields of Study|Date Range|Has PDF|Author|Journals & Conferences|Publication Type|Sort by.*|Relevance|"
    r"Citation Count|Most Influential Papers|Recency|Filters?|Clear|(?:Previous|Next|\d+|…)(?:\s+(?:Previous|Next|"
    r"\d+|…))*|Stay Connected With Semantic Scholar|What Is Semantic Scholar\?.*|About|API|Product|Research|"
    r"Resources|FAQ|Contact|Terms of Service|Privacy Policy|Proudly built by .*|©.*)$",
    re.IGNORECASE,
)
_MORE_AUTHORS = re.compile(r"\+\s*\d+\s+authors?\b", re.IGNORECASE)


def may_apply(text: str, low: str) -> bool:
    """Whether a text holds a result's summary mark or its buttons (the segmenter's cheap gate)."""
    return "TLDR" in text or "Expand" in text  # (a result shows one or the other under its date)


def line_evidence(line: Line) -> float:
    """What only a Semantic Scholar page shows: ``TLDR``, ``+N authors`` in a comma list, its buttons."""
    t = line.text
    if not t or len(t) > 3000:
        return 0.0
    if t == "TLDR" or t.startswith("Highly Influen"):
        return 4.0
    if "+" in t and "," in t and "·" not in t and "•" not in t and _MORE_AUTHORS.search(t):
        return 3.0
    if len(t) <= 40:
        if t.lower() in _FIELDS:
            return 1.5
        if t in ("Expand", "Save", "Alert", "Cite"):
            return 1.0
    return 0.0


def read_block(lines: list[Line], sink: Sink) -> None:
    rows = [ln for ln in lines if ln.text]
    used: dict[int, str] = {}
    heads: list[tuple[int, int | None, list[int], int | None, int]] = []  # title, authors, fields, venue, date
    floor = 0
    for k, ln in enumerate(rows):
        t = ln.text
        if len(t) > 120 or not (_DATE_LINE.match(t) or _PUBLISHED_IN.match(t)):
            continue
        head = _head(rows, k, floor)
        if head is not None:
            heads.append(head)
            floor = k + 1
    for n, head in enumerate(heads):
        end = heads[n + 1][0] if n + 1 < len(heads) else len(rows)
        sink.add(_result(rows, head, end, used))
    sink.skip_unread(rows, used, _why)


def _is_furniture(t: str) -> bool:
    return bool(_FURNITURE.match(t) or _PAGE.match(t))


def _authors_like(t: str) -> bool:
    if len(t) > 3000:
        return False
    bare = _MORE_AUTHORS.sub(",", t).replace(", ,", ",").strip(" ,")
    if not bare or not looks_like_names(bare):
        return False
    return "," in t or len(t.split()) <= 3


def _head(rows: list[Line], d: int, floor: int) -> tuple[int, int | None, list[int], int | None, int] | None:
    """(title, authors, fields, venue, date) rows of the result whose date row is ``d``, or ``None``: above the
    date, a venue line (a paper's page says it in the date line), the fields of study, the authors, the title."""
    may_venue = not _PUBLISHED_IN.match(rows[d].text)
    for with_venue in ((True, False) if may_venue else (False,)):
        k = d - 1
        venue: int | None = None
        if with_venue:
            if k < floor or _is_fields(rows[k].text) or _is_furniture(rows[k].text) or len(rows[k].text) > 200 \
                    or ("," in rows[k].text and _authors_like(rows[k].text)):
                continue
            venue, k = k, k - 1
        fields: list[int] = []
        while k >= floor and _is_fields(rows[k].text):
            fields.append(k)
            k -= 1
        if k - 1 < floor or not _authors_like(rows[k].text):
            continue
        t = rows[k - 1].text
        if _is_furniture(t) or _is_fields(t) or _DATE_LINE.match(t) or len(t) > 400:
            continue
        return k - 1, k, fields, venue, d
    return None


#: Semantic Scholar names a conference by its full name, often without "Conference" ("Neural Information
#: Processing Systems", "North American Chapter of the Association for Computational Linguistics")
_CONFERENCE = re.compile(r"\b(?:Conference|Symposium|Workshops?|Meeting|Congress|"
                         r"Proceedings of the (?!National Academy|IEEE\b|Royal)|Neural Information Processing Systems|"
                         r"Computer Vision and Pattern Recognition|"
                         r"Chapter of the Association|International Joint Conference|Knowledge Discovery and Data "
                         r"Mining|Empirical Methods in Natural Language Processing|Robotics: Science and Systems|"
                         r"Learning Representations)\b|^(?:International|European|Asian|Annual) ")
_PERIODICAL = re.compile(r"\b(?:Journal|Transactions|Letters|Review|Reviews|Magazine|Nature|Science|Annals|Bulletin|"
                         r"Surveys|Proceedings of the National Academy|Proceedings of the IEEE|Communications|"
                         r"Frontiers|PLoS|Scientific Reports|Access|Research)\b")
_PREPRINT = frozenset({"arxiv", "arxiv.org", "biorxiv", "medrxiv", "ssrn", "techrxiv", "research square"})


def _venue_kind(venue: str) -> str | None:
    """``booktitle``/``journal`` for a venue Semantic Scholar names, ``None`` for a preprint server or a name
    that does not say (the page states no type: the venue stays ``s2_venue`` beside the entry)."""
    if venue.lower().rstrip(".") in _PREPRINT:
        return None
    if _CONFERENCE.search(venue):
        return "booktitle"
    if _PERIODICAL.search(venue):
        return "journal"
    return None


def _is_fields(t: str) -> bool:
    return len(t) <= 120 and all(p.strip().lower() in _FIELDS for p in t.split(","))


def _result(rows: list[Line], head: tuple[int, int | None, list[int], int | None, int], end: int,
            used: dict[int, str]) -> Draft:
    title_row, authors_row, fields, venue_row, date_row = head
    d = Draft(NAME, "result", rows[title_row].no, confidence=0.9)
    d.title = rows[title_row].text
    used[title_row] = used[date_row] = ""
    if authors_row is not None:
        used[authors_row] = ""
        names = split_authors(rows[authors_row].text)
        d.authors = names.names
        d.truncated = names.truncated or bool(_MORE_AUTHORS.search(rows[authors_row].text))
    if fields:
        d.meta["s2_fields"] = [f.strip() for k in sorted(fields) for f in rows[k].text.split(",")]
        for k in fields:
            used[k] = ""
    date_text = rows[date_row].text
    venue = rows[venue_row].text if venue_row is not None else None
    published = _PUBLISHED_IN.match(date_text)
    if published:
        venue = venue or published.group("venue")
        date_text = published.group("date")
    if venue_row is not None:
        used[venue_row] = ""
    parsed = parse_date(date_text)
    years = YEAR.findall(date_text)
    d.year = int(years[0]) if years else None
    if parsed is not None and parsed[0] == d.year:
        d.month, d.day = parsed[1], parsed[2]
    d.date_text = rows[date_row].text
    if venue:
        d.meta["s2_venue"] = venue
        kind = _venue_kind(venue)
        if kind is not None:
            d.venue, d.venue_as = venue, kind
    texts = _texts(d, rows, date_row + 1, end, used)
    for name, key in (("tldr", "s2_tldr"), ("snippet", "s2_snippet")):
        value = " ".join(" ".join(texts[name]).split())
        if value:
            d.meta[key] = value
    abstract = " ".join(" ".join(texts["abstract"]).split())
    if abstract and not abstract.endswith(("…", "...")):
        d.abstract = abstract
    for _s, _e, ident in find_ids(rows[title_row].text):
        d.add_id(ident)
    return d


def _texts(d: Draft, rows: list[Line], start: int, end: int, used: dict[int, str]) -> dict[str, list[str]]:
    """The TLDR, a snippet and a labelled abstract under a result (a text cut at ``Expand`` is a snippet), its
    buttons skipped, identifiers on a line of their own taken."""
    label: str | None = None
    texts: dict[str, list[str]] = {"tldr": [], "abstract": [], "snippet": []}
    for k in range(start, end):
        t = rows[k].text
        if t in ("TLDR", "Abstract"):
            label = t.lower()
            used[k] = ("Semantic Scholar's TLDR mark (a generated summary, not the abstract)" if t == "TLDR" else
                       "Semantic Scholar's Abstract label")
        elif t in ("Expand", "Collapse"):
            if label == "abstract" and t == "Expand":
                texts["snippet"].extend(texts["abstract"])
                texts["abstract"] = []
            label, used[k] = None, "Semantic Scholar's buttons under a result"
        elif _is_furniture(t):
            label = None
            used[k] = ("Semantic Scholar page furniture" if _PAGE.match(t) else
                       "Semantic Scholar's buttons under a result")
        elif _is_fields(t):
            d.meta.setdefault("s2_fields", []).extend(f.strip() for f in t.split(","))
            used[k] = ""
        else:
            if label is None and len(t.split()) >= 8 and not texts["snippet"] and not texts["tldr"]:
                label = "snippet"
            if label is not None:
                texts[label].append(t)
                used[k] = ""
                continue
            for _s, _e, ident in find_ids(t):
                d.add_id(ident)
                used[k] = ""
            if k not in used:
                break
    return texts


def _why(t: str) -> str:
    if _FURNITURE.match(t):
        return "Semantic Scholar's buttons under a result"
    if _PAGE.match(t):
        return "Semantic Scholar page furniture"
    return chatter_reason(t) or "text on a Semantic Scholar page outside any result"
