"""The ACM Digital Library's search results and tables of contents, as copied from the browser.

Every item is a short run of lines, most of them labelled::

    research-article                                   (the item's type; opens the item)
    Open Access                                        (its access badge; may be absent)
    Efficient Transformers: A Survey                   (the title)
    Authors: Yi Tay, Mostafa Dehghani, Dara Bahri…     (or the names alone; "+ 12", "et al." when cut)
    ACM Computing Surveys, Volume 55, Issue 6          (a journal: volume and issue)
    ICML '21: Proceedings of the 38th International …  (or proceedings: acronym 'YY: full name)
    July 2021                                          (or "Published: 12 May 2021")
    Article No.: 109, Pages 1 - 28                     (or "Pages 2793–2803", "pp 2793–2803")
    https://doi.org/10.1145/3530811                    (the DOI; closes the item)
    12 citations  1,234 downloads                      (metrics, "Show more", "PDF", "eReader"…)

An item opens at its type label (``research-article``, ``short-paper``, ``review-article``,
``extended-abstract``, ``poster``, ``demonstration``, ``tutorial``, ``editorial``, ``article``,
``chapter``, ``book``…) or, on a page without labels, after the previous item's DOI.  The type label
and the venue line make the entry type: a journal's ``Volume N, Issue M`` an ``@article``,
proceedings an ``@inproceedings``, a chapter an ``@incollection``, a book a ``@book``.  The page's
own lines (badges, metrics, buttons, "Publication History", "Authors Info & Claims") are skipped
with their reason; the text under an "Abstract" label is the abstract when it is whole (an excerpt of a
sentence or two, or cut with "…", is kept as ``acm_abstract_excerpt``: compared as an abstract it would
refuse the right paper).
"""

from __future__ import annotations

import re

from ...normalize.pages import page_range
from ...record import PageReader
from ..chatter import chatter_reason
from ..paperids import find_ids
from ..pastetext import Line, looks_like_names, parse_date, split_authors
from .base import Draft, Sink

__all__ = ["NAME", "read_block", "line_evidence"]

NAME = PageReader.ACM

#: the type labels an item opens with (hyphenated ones only ACM writes; the plain words are weaker evidence)
_LABELS = frozenset("research-article short-paper review-article extended-abstract poster demonstration tutorial "
                    "editorial abstract article chapter book free survey keynote panel column news opinion "
                    "case-study invited-talk work-in-progress short-paper doctoral-thesis front-matter "
                    "back-matter proceedings section".split())
_ACCESS = frozenset(["open access", "free access", "public access", "restricted access", "get access",
                     "check for updates", "free"])
_ACRONYM_VENUE = re.compile(r"^(?P<acronym>[^:]{1,60}\s'\d\d)\s*:\s*(?P<name>\S.{4,})$")
_JOURNAL_VENUE = re.compile(r"^(?P<name>[^,]{3,200}(?:,[^,]{1,100})??),\s*Volume\s+(?P<volume>[\w-]{1,12})"
                            r"(?:,\s*Issue\s+(?P<issue>[\w -]{1,20}))?$")
_PAGES = re.compile(r"^(?:Article No\.?:?\s*(?P<art>[\w-]{1,12}),?\s*)?(?:(?:Pages?|pp\.?)\s*"
                    r"(?P<pages>\d+\s*[-–—]\s*\d+|\d+))?$", re.IGNORECASE)
_MONTH = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\.?"
_DATE = re.compile(rf"^(?:Published:?\s*)?(?:\d{{1,2}}\s+)?{_MONTH}(?:\s+\d{{1,2}},?)?\s+(?:19|20)\d\d$", re.IGNORECASE)
_METRICS = re.compile(r"^(?:(?:Total\s+)?(?:Citations?|Downloads?)(?:\s*\([^)]{1,30}\))?\s*[\d,]+\s*)+$|"
                      r"^(?:[\d,.]+[kK]?\s*(?:citations?|downloads?)\s*)+$|"
                      r"^(?:Total Citations|Total Downloads|Downloads \([^)]{1,30}\))\s*[\d,]*$", re.IGNORECASE)
_BUTTONS = frozenset(["show more", "show less", "pdf", "epdf", "ereader", "html", "abstract", "view abstract",
                      "publication history", "authors info & claims", "save", "share", "cite",
                      "get citation alert", "check for updates", "index terms", "recommendations", "references",
                      "comments", "information & contributors", "bibliometrics & citations", "view options",
                      "figures", "tables", "media", "view table of contents", "export citations",
                      "select all", "contents", "next", "previous", "metrics", "view all",
                      # (an article's own page: its share menu, and the sections under its text)
                      "share on", "qualifiers", "author tags", "published in", "publisher", "read more"])
_PROCEEDINGS_WORDS = re.compile(r"\b(?:Proceedings|Conference|Symposium|Workshop|Companion)\b")
_JOURNAL_WORDS = re.compile(r"\b(?:Journal|Transactions|Letters|Surveys|Magazine|Review)\b")
_AUTHORS_LABEL = re.compile(r"^Authors?\s*:\s*", re.IGNORECASE)
_MORE_AUTHORS = re.compile(r"^\+\s*\d+$")


#: the parts of a venue line that holds the item's details too ("ACM Computing Surveys Volume 55, Issue 6 •
#: Article No.: 109, pp 1–28 • https://doi.org/…": the result's spans on one line)
_VOL_ISSUE = re.compile(r"\bVolume\s+(?P<volume>[\w-]{1,12})(?:,\s*Issue\s+(?P<issue>[\w-]{1,20}))?")
_ARTICLE_NO = re.compile(r"\bArticle No\.?:?\s*(?P<art>[\w-]{1,12})")
_PP = re.compile(r"\b(?:pp\.?|Pages?)\s*(?P<pages>\d+\s*[-–—]\s*\d+|\d+)(?!\d)")
_DATE_IN = re.compile(rf"(?:Published:?\s*)?\b(?:\d{{1,2}}\s+)?{_MONTH}(?:\s+\d{{1,2}},?)?\s+(?:19|20)\d\d\b")
_SEPARATORS = " \t•·|,;–-"


def _is_detail(t: str) -> bool:
    """Whether ``t`` is a venue with the item's details on one line (two or more of: a venue, the volume,
    the article number, the pages, the DOI)."""
    if len(t) > 500:
        return False
    parts = (("Volume" in t and _VOL_ISSUE.search(t) is not None) + ("Article No" in t)
             + (("pp" in t or "age" in t) and _PP.search(t) is not None) + ("doi.org/" in t))
    return parts >= 2 or (parts == 1 and ("'" in t and _ACRONYM_VENUE.match(t) is not None or "Volume" in t)
                          and ("pp" in t or "age" in t or "doi.org/" in t or "Article No" in t))


def _detail(d: Draft, t: str) -> str | None:
    """The venue and details of a one-line venue (see :func:`_is_detail`) set on ``d``; the venue's kind."""
    cut = len(t)
    vol = _VOL_ISSUE.search(t)
    if vol:
        d.volume, d.number = vol.group("volume"), vol.group("issue")
        cut = min(cut, vol.start())
    art = _ARTICLE_NO.search(t)
    if art:
        d.extra["articleno"] = art.group("art")
        cut = min(cut, art.start())
    pp = _PP.search(t)
    if pp:
        d.pages = page_range(pp.group("pages")) or pp.group("pages")
        cut = min(cut, pp.start())
    for start, _e, ident in find_ids(t):
        d.add_id(ident)
        cut = min(cut, start)
    date = _DATE_IN.search(t, 0, cut)
    if date:
        parsed = parse_date(date.group(0).removeprefix("Published").lstrip(": "))
        if parsed and parsed[0]:
            d.year, d.month = parsed[0], parsed[1]
        cut = date.start()
    name = t[:cut].rstrip(_SEPARATORS).strip()
    if not name:
        return None  # details only ("Article No.: 109, Pages 1 - 28"): the venue is another line's
    m = _ACRONYM_VENUE.match(name)
    if m:
        d.venue = m.group("name").strip()
        d.meta["acm_acronym"] = m.group("acronym").strip()
        return "proceedings"
    d.venue = name
    if vol or _JOURNAL_WORDS.search(name):
        return "journal"
    return "proceedings" if _PROCEEDINGS_WORDS.search(name) else "other"


def _kind(t: str) -> str | None:
    """What a line of an item is (its label, badge, venue, date, pages, DOI, metrics, a button), or ``None``."""
    low = t.lower()
    if len(t) <= 24 and low in _LABELS:
        return "label"
    if low in _ACCESS:
        return "access"
    if low in _BUTTONS:
        return "button"
    if _MORE_AUTHORS.match(t):
        return "more"
    if _AUTHORS_LABEL.match(t):
        return "authors"
    if len(t) <= 200 and _METRICS.match(t) and any(c.isdigit() for c in t):
        return "metrics"
    if _is_detail(t):
        return "detail"
    if "'" in t and _ACRONYM_VENUE.match(t):
        return "proceedings"
    if "Volume" in t and _JOURNAL_VENUE.match(t):
        return "journal"
    if len(t) <= 40 and _DATE.match(t):
        return "date"
    if len(t) <= 60 and ("age" in t or "pp" in t or "Article" in t) and _PAGES.match(t) and any(
            c.isdigit() for c in t):
        return "pages"
    if "doi.org/" in t or t.startswith("doi:"):
        return "doi"
    return None


def line_evidence(line: Line) -> float:
    """What only the ACM Digital Library shows: hyphenated type labels, access badges, ``Article No.:``,
    ``'YY: Proceedings`` venues, ``Volume N, Issue M``, its metrics and ``Authors Info & Claims``."""
    t = line.text
    if not t or len(t) > 600:
        return 0.0
    kind = _kind(t)
    if kind == "label":
        return 4.0 if "-" in t else 1.0
    if kind in ("proceedings", "journal", "detail"):
        return 3.0
    if kind == "pages":
        return 3.5 if "Article" in t else 1.5
    if kind == "metrics":
        return 3.0
    if kind == "access":
        return 2.5 if " " in t else 0.5
    if kind == "button" and t.lower() in ("authors info & claims", "publication history", "ereader"):
        return 3.0
    if kind == "doi" and "10.1145/" in t and " " not in t:  # (the DOI line alone, not a reference holding one)
        return 2.0
    return 0.0


def read_block(lines: list[Line], sink: Sink) -> None:
    rows = [ln for ln in lines if ln.text]
    kinds = [_kind(ln.text) for ln in rows]
    for k, kind in enumerate(kinds):
        if kind == "label" and rows[k].text.lower() == "abstract" and k + 1 < len(rows) and _prose(rows[k + 1].text):
            kinds[k] = "button"  # the "Abstract" section above its text, not the type label of an abstract
    labelled = "label" in kinds
    items: list[tuple[int, int]] = []
    start = 0
    for k, kind in enumerate(kinds):
        if labelled and kind == "label" and k > start and kinds[k - 1] != "label" and not (
                kinds[k - 1] == "access" and k >= 2 and kinds[k - 2] == "label"):
            # (a second label right under a label, or under its badge, is that item's, not a new one)
            items.append((start, k))
            start = k
        elif not labelled and kind == "doi":
            items.append((start, k + 1))
            start = k + 1
    if start < len(rows):
        items.append((start, len(rows)))
    # a table of contents names its proceedings (or journal issue) once, above the first item: the
    # venue of every item that names none
    first = items[0][1] if labelled and items and kinds[items[0][0]] != "label" else 0
    heading = next((k for k in range(first) if kinds[k] in ("proceedings", "journal")), None)
    for a, b in items:
        # (above a labelled page's first item is the page's header: a paper only if it names its DOI)
        header = labelled and kinds[a] != "label"
        _item(rows[a:b], kinds[a:b], sink, rows[heading] if heading is not None else None, header)


def _venue(d: Draft, ln: Line, kind: str | None) -> str | None:
    """The venue a proceedings or journal line states, set on ``d``; its kind."""
    if kind == "proceedings":
        m = _ACRONYM_VENUE.match(ln.text)
        assert m is not None
        d.venue = m.group("name").strip()
        d.meta["acm_acronym"] = m.group("acronym").strip()
        return "proceedings"
    m = _JOURNAL_VENUE.match(ln.text)
    assert m is not None
    d.venue = m.group("name").strip()
    d.volume, d.number = m.group("volume"), m.group("issue")
    return "journal"


def _labelled(d: Draft, ln: Line, kind: str) -> str | None:
    """A labelled line's field set on ``d`` (authors, venue, date, pages, DOI); the venue's kind if it is one."""
    t = ln.text
    if kind == "authors":
        _names(d, _AUTHORS_LABEL.sub("", t))
    elif kind == "more":
        d.truncated = True
    elif kind in ("proceedings", "journal"):
        return _venue(d, ln, kind)
    elif kind == "detail":
        return _detail(d, t)
    elif kind == "date":
        date = parse_date(re.sub(r"^Published:?\s*", "", t, flags=re.IGNORECASE))
        if date and date[0]:
            d.year, d.month = date[0], date[1]
            if "Published" in t:
                d.date_text = t
    elif kind == "pages":
        m = _PAGES.match(t)
        assert m is not None
        if m.group("art"):
            d.extra["articleno"] = m.group("art")
        if m.group("pages"):
            d.pages = page_range(m.group("pages")) or m.group("pages")
    elif kind == "doi":
        for _s, _e, ident in find_ids(t):
            d.add_id(ident)
    return None


_FIELDS = frozenset(["authors", "more", "proceedings", "journal", "detail", "date", "pages", "doi"])


def _item(rows: list[Line], kinds: list[str | None], sink: Sink, heading: Line | None = None,
          header: bool = False) -> None:
    d = Draft(NAME, "item", rows[0].no, confidence=0.9)
    label: str | None = None
    venue_kind: str | None = None
    abstract: list[str] = []
    in_abstract = False
    used: set[int] = set()
    for k, (ln, kind) in enumerate(zip(rows, kinds)):
        t = ln.text
        if kind == "label":
            label = label or t.lower()
        elif kind in _FIELDS:
            venue_kind = _labelled(d, ln, kind) or venue_kind
        elif kind is None and d.title is None and not in_abstract:
            d.title = t
        elif kind is None and in_abstract:
            abstract.append(t)
        elif kind is None and not d.authors and k > 0 and looks_like_names(t.rstrip("… ")):
            _names(d, t)
        elif kind is None and not d.venue and k > 0 and kinds[k - 1] == "authors" and chatter_reason(t) is None \
                and not _prose(t):
            # the venue without an acronym or volume: proceedings, or the book a chapter is in
            d.venue = t
            venue_kind = "proceedings" if label != "chapter" and _PROCEEDINGS_WORDS.search(t) else "other"
        else:
            if kind == "button":  # ("Abstract" opens the abstract; the next section, "References", ends it)
                in_abstract = t.lower() == "abstract"
            sink.skip(ln, _why(t, kind))
            continue
        used.add(k)
    if d.title is None or not (label or d.ids or d.authors) or (header and not d.ids) \
            or not (d.ids or d.authors or d.venue):  # (a type label over a word: an article page's "Qualifiers")
        for k, ln in enumerate(rows):
            if k in used:
                sink.skip(ln, "the venue a table of contents lists (each item's without its own)"
                          if kinds[k] in ("proceedings", "journal") else _why(ln.text, kinds[k]) if d.title is None
                          else "a line on an ACM Digital Library page outside any item (no type, authors or DOI)")
        return
    if abstract:
        text = " ".join(abstract)
        if len(text) >= 300 and not text.endswith(("…", "...")):
            d.abstract = text
        else:  # an excerpt (a results page cuts it): compared as an abstract it would refuse the right paper
            d.meta["acm_abstract_excerpt"] = text
    if label:
        d.meta["acm_type"] = label
    if d.venue is None and heading is not None:
        venue_kind = _venue(d, heading, _kind(heading.text))
    _entry_type(d, label, venue_kind)
    sink.add(d)


def _entry_type(d: Draft, label: str | None, venue_kind: str | None) -> None:
    """The entry's type from the item's type label and its venue."""
    if label == "chapter":
        d.entry_type = "incollection"
    elif label == "book":
        d.entry_type = "book"
        d.publisher, d.venue = d.venue, None
    elif venue_kind == "journal":
        d.entry_type = "article"
    elif venue_kind == "proceedings":
        d.entry_type = "inproceedings"
    elif d.venue:
        d.entry_type = "article" if _JOURNAL_WORDS.search(d.venue) else "inproceedings"
    if d.entry_type in ("book", "incollection") and not d.publisher and any(
            i.kind == "doi" and i.value.startswith("10.1145/") for i in d.ids):
        d.publisher = "Association for Computing Machinery"  # (ACM's DOI prefix: a book needs its publisher)
    acronym = d.meta.get("acm_acronym")
    if d.year is None and acronym and acronym[-2:].isdigit():  # "KDD '24": the conference's year
        yy = int(acronym[-2:])
        d.year = 2000 + yy if yy <= 60 else 1900 + yy


def _prose(t: str) -> bool:
    return len(t) > 150 or len(t.split()) >= 20


def _names(d: Draft, text: str) -> None:
    text = text.replace("Authors Info & Claims", "").strip()
    if text.endswith(("et al.", "et al", "…", "...")) or re.search(r"\+\s*\d+\s*$", text):
        d.truncated = True
    names = split_authors(re.sub(r",?\s*\+\s*\d+\s*$", "", text))
    d.authors = names.names
    d.truncated = d.truncated or names.truncated


def _why(t: str, kind: str | None) -> str:
    if kind == "access":
        return "an ACM Digital Library access badge"
    if kind == "metrics":
        return "an ACM Digital Library item's citation and download counts"
    if kind == "button":
        return "an ACM Digital Library button or section name"
    if kind == "label":
        return "an ACM Digital Library type label"
    if t.startswith(("SESSION:", "SECTION:", "Session:", "Section:")):
        return "a session heading of a table of contents"
    return chatter_reason(t) or "text on an ACM Digital Library page outside any item's fields"
