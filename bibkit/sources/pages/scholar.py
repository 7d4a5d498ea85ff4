"""Google Scholar's results page, as copied from the browser.

Every result is the same few lines::

    [PDF] arxiv.org                                  (the full-text link, floated right; may be absent)
    A survey on mixture of experts in large language models
    L Suzuki, A Chen, Q Zhou, G Rossi… - arXiv preprint arXiv …, 2024 - arxiv.org
    Large language models (LLMs) have garnered unprecedented advancements … (a snippet)
    Save Cite Cited by 412 Related articles All 4 versions

The *byline* under the title is what identifies a result: authors (initials first, cut with
``…`` after a few), `` - `` the source and the year, `` - `` the host.  Its title is the line
above it (a ``[PDF]``/``[HTML]``/``[BOOK]``/``[CITATION]`` mark before it dropped), the
snippet runs to the result's links.  Scholar shortens what does not fit: a venue ending in ``…``
is not kept (half a name is no venue), an author list ending in ``…`` is marked as cut.  The
snippet is a few sentences cut from anywhere in the paper, so it is kept beside the entry
(``scholar_snippet``), never as its abstract.  The page's own lines — the result count, the
time filters, ``Save Cite Cited by …``, the pager — are skipped lines.  A profile's list of articles is
read by :mod:`.scholarprofile`.
"""

from __future__ import annotations

import re

from ...record import PageReader
from ..chatter import chatter_reason
from ..paperids import find_ids
from ..pastetext import YEAR, Line, looks_like_names, split_authors
from . import scholarprofile
from .base import Draft, Sink

__all__ = ["NAME", "read_block", "line_evidence", "is_profile"]

NAME = PageReader.SCHOLAR

#: what separates the byline's parts (a hyphen inside a name or a venue has no spaces around it)
_PART = re.compile(r"\s[-–]\s")
_HOST = re.compile(r"[\w-]+(?:\.[\w-]+)+")
#: initials-first names, Scholar's way ("L Suzuki", "MJ Müller", "J-Y Kim", "A van der Berg")
_SCHOLAR_NAME = re.compile(r"^[A-Z]{1,3}(?:-[A-Z])?\s+\S")
#: the links under a result: "Save Cite Cited by 412 Related articles All 4 versions" (any of them)
_LINKS = re.compile(r"^(?:[☆★]\s*)?(?:Save\b|Cite\b|Cited by \d[\d,]*|Related articles|All \d[\d,]* versions|"
                    r"Import into (?:BibTeX|EndNote|RefMan|RefWorks)|Library Search|View as HTML|Web of Science)",
                    re.IGNORECASE)
_FULL_TEXT = re.compile(r"^\[(?:PDF|HTML|DOC|PS)\]\s+[\w-]+(?:\.[\w-]+)+$", re.IGNORECASE)
_MARKS = re.compile(r"^(?:\[(?:PDF|HTML|DOC|PS|BOOK|B|CITATION|C)\]\s*)+", re.IGNORECASE)
_PAGE = re.compile(
    r"^(?:Google Scholar|Articles|Case law|(?:About )?[\d,]+ results? \([\d.]+ sec\)|Any time|Since (?:19|20)\d\d|"
    r"Custom range\.*|Sort by (?:relevance|date)|Any type|Review articles|include patents|include citations|"
    r"Create alert|My profile|My library|Follow|Cited by\s+VIEW ALL|All\s+Since (?:19|20)\d\d|TITLE|CITED BY|"
    r"YEAR|"
    r"(?:Citations|h-index|i10-index)(?:\s+\d+){1,2}|Show more|Co-authors(?:\s+EDIT)?|Public access(?:\s+VIEW ALL)?|"
    r"Showing the best result for this search\.?.*|See all results|"
    r"(?:Previous\s+)?(?:\d+\s+)+(?:Next)?|Previous|Next|Did you mean:.*|Help|Privacy|Terms|Provide feedback)$",
    re.IGNORECASE,
)


#: the heading of a profile's table, copied with its tabs or a cell a line
_HEADERS = frozenset({"TITLE CITED BY YEAR", scholarprofile.HEADER})


def is_profile(text: str, lines: list[Line]) -> bool:
    """Whether the paste is a Scholar profile's list of articles: its table's heading and a row under it."""
    return scholarprofile.HEADER in text and any(ln.text in _HEADERS for ln in lines) \
        and bool(scholarprofile.rows(lines))


def line_evidence(line: Line) -> float:
    """What only a Scholar results page shows: a result's links, a byline, a full-text link."""
    t = line.text
    if not t or len(t) > 600:
        return 0.0
    if _LINKS.match(t) and ("Cited by" in t or "Related articles" in t or "versions" in t):
        return 4.0
    if _FULL_TEXT.match(t):
        return 2.5
    if " - " in t or " – " in t:
        return 3.5 if _byline(t) is not None else 0.0
    if _PAGE.match(t) and any(ch.isalpha() for ch in t) and ("results" in t or "Since" in t or "range" in t):
        return 2.0
    return 0.0


def _byline(t: str) -> tuple[str, str, str | None] | None:
    """``(authors, source, host)`` of a result's byline (authors ` - ` source and year ` - ` host, the
    host optional), or ``None``."""
    parts = _PART.split(t)
    if len(parts) < 2 or len(parts[0]) > 400:
        return None
    host = parts[-1].strip() if len(parts) >= 3 and _HOST.fullmatch(parts[-1].strip()) else None
    authors = parts[0].strip()
    source = " - ".join(parts[1:-1] if host else parts[1:]).strip()
    first = authors.split(",")[0].strip()
    if not _SCHOLAR_NAME.match(first) or not looks_like_names(authors.rstrip("… ").rstrip(".")):
        return None
    if host is None and not YEAR.search(source) and not _HOST.fullmatch(source):
        return None  # "A Smith - notes on …": a byline has a year or a host
    return authors, source, host


def read_block(lines: list[Line], sink: Sink) -> None:
    profile = scholarprofile.rows(lines) if any(ln.text in _HEADERS for ln in lines) else []
    if profile:  # a profile's table of articles (see :mod:`.scholarprofile`)
        read: set[int] = set()
        for row in profile:
            sink.add(scholarprofile.draft(NAME, lines, row))
            read.update(k for k in row[:3] if isinstance(k, int))
        for k, ln in enumerate(lines):
            if k not in read and ln.text:
                sink.skip(ln, _why(ln.text))
        return
    rows = [ln for ln in lines if ln.text]
    bylines = [i for i, ln in enumerate(rows) if (" - " in ln.text or " – " in ln.text) and _byline(ln.text)]
    title_of: dict[int, int] = {}  # byline -> its title line
    for i in bylines:
        j = i - 1
        while j >= 0 and _FULL_TEXT.match(rows[j].text):
            j -= 1
        if j >= 0 and j not in title_of.values() and j not in bylines and not _LINKS.match(rows[j].text) \
                and not _PAGE.match(rows[j].text):
            title_of[i] = j
    used = set(title_of) | set(title_of.values())
    stops = used | set(bylines)
    for i, j in title_of.items():
        draft = _result(rows[j], rows[i])
        snippet: list[str] = []
        k = i + 1
        while k < len(rows) and k not in stops and not _LINKS.match(rows[k].text) \
                and not _FULL_TEXT.match(rows[k].text):
            snippet.append(rows[k].text)
            used.add(k)
            k += 1
        if snippet:
            draft.meta["scholar_snippet"] = " ".join(snippet)
        sink.add(draft)
    for k, ln in enumerate(rows):
        if k not in used:
            sink.skip(ln, _why(ln.text))


def _result(title_line: Line, by: Line) -> Draft:
    d = Draft(NAME, "result", title_line.no, confidence=0.9)
    d.title = _MARKS.sub("", title_line.text).strip() or None
    parsed = _byline(by.text)
    assert parsed is not None
    authors, source, host = parsed
    names = split_authors(authors)
    d.authors, d.truncated = names.names, names.truncated or authors.endswith(("…", "..."))
    years = [int(m.group(1)) for m in YEAR.finditer(source)]
    if years:
        d.year = years[-1]
    else:
        d.confidence = 0.8
    for _s, _e, ident in find_ids(by.text):
        d.add_id(ident)
    venue = YEAR.sub("", source).strip(" ,")
    if venue and not venue.endswith(("…", "...")) and not _HOST.fullmatch(venue):
        d.venue = venue
    if host:
        d.meta["scholar_host"] = host
    return d


def _why(t: str) -> str:
    if _LINKS.match(t):
        return "Google Scholar's links under a result (save, cite, cited by, versions)"
    if _FULL_TEXT.match(t):
        return "a link to a result's full text"
    if _PAGE.match(t):
        return "Google Scholar page furniture"
    return chatter_reason(t) or "text on a Google Scholar page outside any result"
