"""IEEE Xplore's search results (and the lists of a journal's issue or a conference's proceedings),
as copied from the browser.

Every result is the same few lines::

    Deep Residual Learning for Image Recognition
    Kaiming He; Xiangyu Zhang; Shaoqing Ren; Jian Sun           (authors, "; " between them)
    2016 IEEE Conference on Computer Vision and Pattern Recognition (CVPR)      (where it appeared)
    Year: 2016 | Conference Paper | Publisher: IEEE
    Cited by: Papers (120000) | Patents (50)
    Abstract
    HTML

The *facts line* (``Year: … | … | Publisher: …``) identifies a result: the venue is the line
above it, the authors the line above that, the title the one above those.  Its parts say
what the paper is: ``Conference Paper`` (``@inproceedings``), ``Journal Article``,
``Magazine Article`` and ``Early Access Article`` (``@article``; early access has no volume
yet, and its note says so), ``Book Chapter`` (``@incollection``), ``Book``; ``Volume: 45,
Issue: 3`` give volume and number, ``Publisher:`` the publisher.  What Xplore puts under a
result — ``Cited by: Papers (N) | Patents (N)``, ``Free``, ``Abstract``, ``HTML``, ``PDF``,
``Purchase``, ``Request permissions``, ``Show More`` — is skipped; an abstract the reader
opened (the paragraph under ``Abstract``) is the paper's abstract unless Xplore cut it.
The page's own lines (result counts, filters, export, the pager) are skipped lines.
"""

from __future__ import annotations

import re

from ...bibsyntax import month_number
from ...record import PageReader
from ..chatter import chatter_reason
from ..paperids import find_ids
from ..pastetext import YEAR, Line, looks_like_names, split_authors
from .base import Draft, Sink

__all__ = ["NAME", "read_block", "line_evidence", "may_apply"]

NAME = PageReader.IEEE

#: the facts line: "Year: 2016 | Conference Paper | Publisher: IEEE" (a table of contents: "Publication Year:
#: 2024, Page(s): 2771 - 2786")
_FACTS = re.compile(r"^(?:Publication\s+)?Year\s*:\s*(?:19|20)\d\d\b\s*(?:[|,]|$)", re.IGNORECASE)
_CITED = re.compile(r"^Cited by\s*:\s*(?:Papers|Patents)\s*\(\s*[\d,]+\s*\)", re.IGNORECASE)
_FURNITURE = re.compile(r"^(?:Abstract|HTML|PDF|Free|Purchase|Request permissions|Show More|Show Less|Open Access|"
                        r"Early Access|Add to Citation Alerts|Cite This|Full Text Views?|Download PDF|View Document|"
                        r"Select All(?: on Page)?|Alerts?|Export|Sort By:?.*|Relevance|Per Page:?.*|"
                        r"Free Access|Standards? Dictionary Terms|Multimedia|Current Issue|All Issues|"
                        r"Browse Journals & Magazines|Browse Conferences|Popular)$", re.IGNORECASE)
_PAGE = re.compile(
    r"^(?:IEEE Xplore(?:®| Digital Library)?|IEEE\.org|IEEE SA|IEEE Spectrum|More Sites|Subscribe|Donate|Cart|"
    r"Create Account|Personal Sign In|Sign In|Browse|My Settings|Help|Institutional Sign In|ADVANCED SEARCH|"
    r"Search within results|Filters Applied:?.*|Showing [\d,]+\s*[-–]\s*[\d,]+ of [\d,]+ (?:results|for).*|"
    r"Conferences?(?: \([\d,]+\))?|Journals?(?: \([\d,]+\))?|Magazines?(?: \([\d,]+\))?|Early Access Articles?"
    r"(?: \([\d,]+\))?|Books?(?: \([\d,]+\))?|Courses?(?: \([\d,]+\))?|Standards?(?: \([\d,]+\))?|"
    r"Set Search Alerts|Search History|Download PDFs|Export|Results per page.*|Refine|"
    r"(?:Previous|Next|<|>|\d+)(?:\s+(?:Previous|Next|<|>|\d+))*|Need Help\?.*|US & Canada:.*|Worldwide:.*|"
    r"Contact & Support|About IEEE Xplore|Contact Us|Accessibility|Terms of Use|Nondiscrimination Policy|"
    r"Sitemap|Privacy & Opting Out of Cookies|A not-for-profit organization.*|©.*IEEE.*)$",
    re.IGNORECASE,
)
_TYPES = {"conference paper": ("booktitle", "inproceedings"), "journal article": ("journal", "article"),
          "magazine article": ("journal", "article"), "early access article": ("journal", "article"),
          "book chapter": ("booktitle", "incollection"), "book": ("", "book"),
          "standard": ("", "misc"), "course": ("", "misc")}
#: a table of contents' issue line under the journal's name: "Volume 35, Issue 4 • April 2024"
_ISSUE_LINE = re.compile(r"^Volume\s*:?\s*(?P<volume>\d+)\s*,\s*Issue\s*:?\s*(?P<number>[\w/-]+)\s*(?:[•·|,-]\s*)?"
                         r"(?:(?P<month>[A-Z][a-z]+\.?)(?:[-–/][A-Z][a-z]+\.?)?\s+)?(?P<year>(?:19|20)\d\d)?$",
                         re.IGNORECASE)
_VOLUME = re.compile(r"\bVolume\s*:\s*(?P<volume>[\w-]+)", re.IGNORECASE)
_ISSUE = re.compile(r"\bIssue\s*:\s*(?P<number>[\w/-]+)", re.IGNORECASE)
_PAGES = re.compile(r"\bPage(?:s|\(s\))?\s*:\s*(?P<pages>\d+\s*[-–]\s*\d+|\d+)", re.IGNORECASE)


def may_apply(text: str, low: str) -> bool:
    """Whether a text holds an Xplore facts line somewhere (the segmenter's cheap gate: every result has one)."""
    return "year:" in low and ("|" in text or "page(s):" in low)


def line_evidence(line: Line) -> float:
    """What only Xplore shows: a result's facts line and its citation counts."""
    t = line.text
    if not t or len(t) > 300:
        return 0.0
    if ":" in t:
        if _FACTS.match(t):
            return 6.0
        if _CITED.match(t):
            return 4.0
    if len(t) <= 40 and _FURNITURE.match(t):
        return 0.5
    if t[:6].lower() == "volume" and _ISSUE_LINE.match(t):
        return 3.0
    return 0.0


def read_block(lines: list[Line], sink: Sink) -> None:
    rows = [ln for ln in lines if ln.text]
    anchors = [i for i, ln in enumerate(rows) if ":" in ln.text and _FACTS.match(ln.text)]
    used: dict[int, str] = {}  # row -> the reason it is no paper ("" when read into one)
    heads = []
    floor = 0
    for a in anchors:
        heads.append(_head(rows, a, floor))
        floor = a + 1
    issue = _issue(rows, anchors[0] if anchors else 0, used)
    for n, a in enumerate(anchors):
        end = len(rows)
        if n + 1 < len(anchors):
            end = min([anchors[n + 1]] + [r for r in heads[n + 1] if r is not None])
        draft = _result(rows, heads[n], a, end, used)
        if draft is not None and issue is not None and draft.venue is None:
            draft.venue, draft.venue_as = issue[0], "journal"
            draft.volume, draft.number = draft.volume or issue[1], draft.number or issue[2]
            if issue[3] is not None and draft.month is None and draft.year == issue[4]:
                draft.month = issue[3]
            if draft.entry_type is None:
                draft.entry_type = "article"
        if draft is not None:
            sink.add(draft)
    for k, ln in enumerate(rows):
        reason = used.get(k)
        if reason is None:
            sink.skip(ln, _why(ln.text))
        elif reason:
            sink.skip(ln, reason)


def _issue(rows: list[Line], first: int, used: dict[int, str]) -> tuple[str, str, str, int | None, int | None] | None:
    """A table of contents' journal, volume, issue, month and year (the issue line, the journal's name above it),
    above the first result."""
    for k in range(first):
        m = _ISSUE_LINE.match(rows[k].text) if rows[k].text[:6].lower() == "volume" else None
        if m is None or k == 0 or _is_furniture(rows[k - 1].text):
            continue
        used[k] = used[k - 1] = "the journal issue a table of contents lists (applied to its papers)"
        month = month_number(m.group("month").rstrip(".")) if m.group("month") else None
        return (rows[k - 1].text, m.group("volume"), m.group("number"), month,
                int(m.group("year")) if m.group("year") else None)
    return None


def _is_furniture(t: str) -> bool:
    return bool(_FURNITURE.match(t) or _CITED.match(t) or _PAGE.match(t) or _FACTS.match(t))


def _authors_like(t: str) -> bool:
    if len(t) > 3000 or not looks_like_names(t.replace(";", ",")):
        return False
    return ";" in t or "," in t or len(t.split()) <= 3


def _head(rows: list[Line], a: int, floor: int) -> tuple[int | None, int | None, int | None]:
    """The (title, authors, venue) rows above the facts row ``a`` (not above ``floor``)."""
    picked: list[int] = []
    k = a - 1
    while k >= floor and len(picked) < 3:
        if _is_furniture(rows[k].text):
            break
        picked.append(k)
        k -= 1
    if not picked:
        return None, None, None
    venue: int | None = picked[0]
    rest = picked[1:]
    if ";" in rows[picked[0]].text and _authors_like(rows[picked[0]].text):
        venue, rest = None, picked  # no venue line: the authors are right above the facts
    if not rest:
        return None, None, venue
    if _authors_like(rows[rest[0]].text):
        return (rest[1] if len(rest) > 1 else None), rest[0], venue
    return rest[0], None, venue


def _result(rows: list[Line], head: tuple[int | None, int | None, int | None], a: int, end: int,
            used: dict[int, str]) -> Draft | None:
    title_row, authors_row, venue_row = head
    if title_row is None:
        used[a] = "IEEE Xplore facts with no title above them"
        return None
    d = Draft(NAME, "result", rows[title_row].no, confidence=0.9)
    d.title = rows[title_row].text
    used[title_row] = used[a] = ""
    if authors_row is not None:
        used[authors_row] = ""
        names = split_authors(rows[authors_row].text)
        d.authors, d.truncated = names.names, names.truncated
    if venue_row is not None:
        used[venue_row] = ""
    _facts(d, rows[a].text, rows[venue_row].text if venue_row is not None else None)
    _abstract(d, rows, a, end, used)
    for k in (title_row, venue_row, a):
        if k is not None:
            for _s, _e, ident in find_ids(rows[k].text):
                d.add_id(ident)
    for k in range(a + 1, end):
        if rows[k].text[:3].upper() == "DOI" and k not in used:
            for _s, _e, ident in find_ids(rows[k].text):
                d.add_id(ident)
                used[k] = ""
    return d


_PARTS = re.compile(r"\s*\|\s*|,\s*(?=(?:Page\(s\)|Pages?|Volume|Issue|Publisher|DOI)\s*:)")


def _facts(d: Draft, facts: str, venue: str | None) -> None:
    """Year, type, volume, issue, pages and publisher from the facts line; the venue placed as its type says."""
    kind: tuple[str, str] | None = None
    for part in (p.strip() for p in _PARTS.split(facts)):
        low = part.lower()
        if low in _TYPES:
            kind = _TYPES[low]
            d.meta["ieee_type"] = part
            if low == "early access article":
                d.note = "Early Access"
        elif low.startswith(("year", "publication year")):
            years = YEAR.findall(part)
            d.year = int(years[0]) if years else None
        elif low.startswith("publisher"):
            d.publisher = part.split(":", 1)[1].strip() or None
        else:
            for pattern, name in ((_VOLUME, "volume"), (_ISSUE, "number"), (_PAGES, "pages")):
                m = pattern.search(part)
                if m:
                    setattr(d, name, m.group(name).replace(" ", "").replace("-", "–"))
    if venue and (kind is None or kind[0]):
        d.venue, d.venue_as = venue, (kind[0] if kind else None)
    elif venue:
        d.meta["ieee_venue"] = venue  # a book's or a standard's series: no field of the entry
    if kind is not None:
        d.entry_type = kind[1]


def _abstract(d: Draft, rows: list[Line], a: int, end: int, used: dict[int, str]) -> None:
    """The links under a result (skipped), and the abstract the reader opened under ``Abstract`` (kept unless
    Xplore cut it: ``Show More`` or an ellipsis after it)."""
    abstract: list[str] = []
    opened = cut = False
    for k in range(a + 1, end):
        t = rows[k].text
        if t.lower() == "abstract":
            opened = True
            used[k] = "IEEE Xplore's links under a result"
        elif _is_furniture(t):
            cut = cut or (opened and t.lower() == "show more" and bool(abstract))
            used[k] = "IEEE Xplore's links under a result" if not _PAGE.match(t) else "IEEE Xplore page furniture"
        elif (opened and not abstract and len(t.split()) >= 12) or (abstract and t[0].islower()):
            abstract.append(t)
            used[k] = ""
        else:
            break
    text = " ".join(" ".join(abstract).split())
    if text and not cut and not text.endswith(("…", "...")):
        d.abstract = text
    elif text:
        d.meta["ieee_abstract_snippet"] = text


def _why(t: str) -> str:
    if _FACTS.match(t):
        return "IEEE Xplore facts with no title above them"
    if _CITED.match(t) or _FURNITURE.match(t):
        return "IEEE Xplore's links under a result"
    if _PAGE.match(t):
        return "IEEE Xplore page furniture"
    return chatter_reason(t) or "text on an IEEE Xplore page outside any result"
