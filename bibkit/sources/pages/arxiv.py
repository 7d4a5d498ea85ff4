"""arXiv's own pages, as a browser copies them: listings, search results, abstract pages, mailings.

What each looks like (one paper shown; the readers accept every variant):

* ``/list/<cat>/new``, ``/recent``, ``/pastweek`` (2024 layout, and the older one with an
  ``Authors:`` label and two spaces after the number)::

      [1] arXiv:2401.04088 [pdf, html, other]
      Title: Mixtral of Experts
      Albert Q. Jiang, Alexandre Sablayrolles, …            (older: "Authors: …")
      Comments: See more details at this https URL
      Subjects: Machine Learning (cs.LG); Computation and Language (cs.CL)
      <abstract paragraph, on /new only>

  with cross-lists ``[56] arXiv:… (cross-list from cs.LG) [pdf, other]`` and replacements
  ``(replaced)``, and page furniture ("Showing new listings for …", "Total of 123 entries",
  "New submissions (showing 55 of 55 entries)").
* search results: ``1. arXiv:2401.04088 [pdf, other] cs.LG cs.CL`` then the title *without* a
  label, ``Authors: …``, ``Abstract: … ▽ More``, ``Submitted 8 January, 2024; originally announced
  January 2024.``, ``Comments: …``.
* the abstract page: ``arXiv:2401.04088 (cs)``, ``[Submitted on 8 Jan 2024 (v1), last revised …]``,
  ``Title:Mixtral of Experts`` (no space), ``Authors:…``, ``Abstract:…``, ``Cite as: arXiv:2401.04088
  [cs.LG]`` (the same paper), a submission history, and a long footer.
* the daily mailing: ``arXiv:2401.04088`` / ``Date: …`` / ``Title:`` / ``Authors:`` wrapped with
  an indent / ``Categories:`` / ``\\\\`` / indented abstract / ``\\\\ ( https://arxiv.org/abs/… , 2811kb)``.

A paper starts at an ``arXiv:<id>`` head (or at a ``Title:`` once the current paper has one);
the id on the page is the paper's own and wins over any search.
"""

from __future__ import annotations

import re

from ...links import normalize_arxiv_id
from ...record import PageReader
from ..chatter import chatter_reason
from ..paperids import PaperId, code_links, find_ids
from ..pastetext import Line, date_range_end, looks_like_names, parse_date, split_authors, years_in
from .base import Draft, Sink
from .details import venue_fields

__all__ = ["NAME", "read_block", "line_evidence"]

NAME = PageReader.ARXIV_PAGE

_ID = r"(?:\d{4}\.\d{4,5}|[a-z-]+(?:\.[A-Z]{2})?/\d{7})(?:v\d+)?"
#: arXiv writes its name "arXiv" (Hugging Face's paper pages write "arxiv:")
_HEAD = re.compile(
    rf"^(?:\[(?P<n>\d{{1,5}})\]\s*|(?P<n2>\d{{1,5}})\.\s+)?(?:arXiv|ARXIV)\s?:\s?(?P<id>{_ID})(?P<rest>.*)$")
_HEAD_REST = re.compile(
    r"^\s*(?:\((?:cross-list from [^)]{1,40}|replaced|[a-z-]+(?:\.[A-Za-z-]+)?)\)\s*)*"
    r"(?:\[[^\]]{0,60}\]\s*)?(?:(?:[a-z-]+\.[A-Za-z-]+|[a-z-]+)(?:\s+|$))*\s*$",
    re.IGNORECASE,
)
_FIELD = re.compile(
    r"^(?P<name>Title|Authors?|Comments?|Subjects?|Journal[- ]?ref|Categories|DOI|Report[- ]?(?:no|number)"
    r"|MSC[- ]class|ACM[- ]class|Abstract|License|Cite as|Date|From)\s*:\s*(?P<value>.*)$",
    re.IGNORECASE,
)
_DOI_LINE = re.compile(r"^doi\s*:?\s*(10\.\d{4,9}/\S+)$", re.IGNORECASE)
_SUBMITTED = re.compile(r"^\[?Submitted(?: on)?\s+(?P<date>(?:\w{3},?\s+)?\d{1,2}\s+[A-Za-z]{3,9},?\s+\d{4}[^;\]()]*)",
                        re.IGNORECASE)
_HISTORY = re.compile(r"^\[v(?P<v>\d+)\]\s+(?P<date>.+)$")
_SAME_PAPER = re.compile(rf"^(?:\\\\\s*)?\(\s*(?:https?://)?arxiv\.org/abs/(?P<id>{_ID})|^\(or arXiv:", re.IGNORECASE)
_MORE = re.compile(r"\s*(?:▽ More|△ Less)\s*$")
_CHROME = re.compile(
    r"^(?:Skip to main content|We gratefully acknowledge support from|arxiv logo|Help \| Advanced Search|"
    r"Showing (?:new listings|\d)|Total of [\d,]+ entries|(?:New|Cross|Replacement) submissions|Authors and titles for|"
    r"Showing up to|Search v\d|Search term|Field:|Show abstracts|Hide abstracts|Advanced Search|results per page|"
    r"Sort results by|Computer Science >|Mathematics >|Physics >|Statistics >|Electrical Engineering and Systems|"
    r"Quantitative (?:Biology|Finance) >|Economics >|Submission history|Full-text links|Access Paper|View PDF|"
    r"HTML \(experimental\)|TeX Source|Other Formats|view license|Current browse context|Change to browse by|"
    r"References & Citations|NASA ADS|Google Scholar|Semantic Scholar|export BibTeX citation|Bookmark|"
    r"Bibliographic (?:and Citation )?Tools|Bibliographic Explorer|Connected Papers|Litmaps|scite|Code, Data and Media|"
    r"Code, Data, Media|Demos|Related Papers|About arXivLabs|arXivLabs|Which authors of this paper|Disable MathJax|"
    r"What is MathJax|Focus to learn more|Links to Code|Replicate|Spaces|TXYZ|Influence Flower|CORE Recommender|"
    r"IArxiv Recommender|Recommenders and Search Tools|contact arXiv|subscribe to arXiv|Copyright|Privacy Policy|"
    r"Web Accessibility|arXiv Operational Status|Get status notifications|See today's|See recent|fewer \| more|"
    r"< prev|new \| recent|\(view email\)|\[view email\]|Donate|Login|Help Pages|About|arXiv is a free distribution)",
    re.IGNORECASE,
)
#: chrome every site has (arXiv's too): skipped on an arXiv page, but no evidence that a block is one
_ANY_SITE = re.compile(r"(?:About|Login|Log in|Donate|Copyright|Privacy Policy|Spaces|Bookmark|Google Scholar|"
                       r"Semantic Scholar|Replicate|Demos|Related Papers|Help Pages|Advanced Search|"
                       r"Skip to main content|Contact|Subscribe)\W*", re.IGNORECASE)
_PRIMARY = re.compile(r"\(([a-z-]+(?:\.[A-Za-z-]+)?)\)")
#: "[pdf, other]" and "cs.CL cs.LG" (or an archive without subject classes: "hep-th", "quant-ph") on a
#: line of their own: the category names are arXiv's, case and all — a title of plain words is none
_FORMATS_AND_CATEGORIES = re.compile(
    r"(?:\[(?i:pdf|html|ps|other|src|format)[^\]]{0,30}\]\s*)*"
    r"(?:(?:[a-z]+(?:-[a-z]+)?\.[A-Za-z]+(?:-[a-z]+)?|(?:astro-ph|cond-mat|gr-qc|hep-(?:ex|lat|ph|th)|math-ph|nlin|"
    r"nucl-(?:ex|th)|physics|quant-ph|q-bio|q-fin|stat|eess|econ|math|cs))(?:\s+|$))*")
_CATEGORY_LINE = re.compile(r"^(?:[a-z-]+\.[A-Za-z-]{2,}|[a-z-]+)(?:\s+(?:[a-z-]+\.[A-Za-z-]{2,}|[a-z-]+))*$")


def line_evidence(line: Line) -> float:
    """How strongly a line says "this is an arXiv page" (the segmenter's score)."""
    t = line.text
    if not t or len(t) > 3000:
        return 0.0
    m = _HEAD.match(t)
    if m and _HEAD_REST.match(m.group("rest")):
        return 6.0
    m = _FIELD.match(t)
    if m:
        name = m.group("name").lower()
        if name.startswith(("subject", "journal", "categor", "cite", "msc", "acm", "report")):
            return 3.5
        if name.startswith(("comment", "title", "abstract")):
            return 2.0
        return 1.0
    if _SUBMITTED.match(t) or _HISTORY.match(t) or _SAME_PAPER.match(t):
        return 3.0
    if _CHROME.match(t) and not _ANY_SITE.fullmatch(t):
        return 2.0
    return 0.0


class _Item:
    __slots__ = ("draft", "lines", "pending", "after_subjects")

    def __init__(self, draft: Draft):
        self.draft = draft
        self.lines: list[Line] = []
        self.pending: str | None = None  # the field the next line may continue
        self.after_subjects = False


def read_block(lines: list[Line], sink: Sink) -> None:
    """Read the arXiv-page lines of one block into drafts (see the module docstring)."""
    items: list[_Item] = []
    cur: _Item | None = None
    for ln in lines:
        cur = _read_line(ln, cur, items, sink)
    for item in items:
        draft = item.draft
        if draft.title or draft.ids:
            if not draft.title:
                draft.confidence = 0.8
            sink.add(draft)
        else:
            sink.skip_all(item.lines, "an arXiv head with neither a title nor an id")


def _read_line(ln: Line, cur: _Item | None, items: list[_Item], sink: Sink) -> _Item | None:
    """Read one line; returns the paper the lines after it belong to."""
    t = ln.text
    if not t:
        if cur is not None and cur.pending != "mail-abstract":
            cur.pending = None
        return cur
    m = _HEAD.match(t)
    if m and _HEAD_REST.match(m.group("rest")):
        return _head(m, ln, cur, items)
    if (cur is None or cur.draft.title and cur.after_subjects) and (s := _SUBMITTED.match(t)):
        # an abstract page copied as it shows (no "Title:"/"Authors:" labels): "[Submitted on …]" opens the
        # paper, its title and author lines follow, "Cite as: arXiv:ID" names it
        cur = _Item(Draft(NAME, "abs-page", ln.no))
        items.append(cur)
        cur.lines.append(ln)
        _date(cur.draft, s.group("date"))
        cur.pending = "after-head"
        return cur
    if _SAME_PAPER.match(t):
        if cur is not None:
            cur.lines.append(ln)
            if t.startswith("\\"):
                cur.pending = None
        else:
            sink.skip(ln, "an arXiv link to a paper outside the page")
        return cur
    f = _FIELD.match(t)
    if f:
        name = f.group("name").lower().replace(" ", "").replace("-", "")
        value = _MORE.sub("", f.group("value")).strip()
        if name == "title" and (cur is None or cur.draft.title):
            cur = _Item(Draft(NAME, "fields", ln.no))
            items.append(cur)
        if cur is None:
            sink.skip(ln, "an arXiv field outside any paper")
            return None
        cur.lines.append(ln)
        _field(cur, name, value, ln, sink)
        return cur
    if cur is None:
        outside = "arXiv page navigation" if _CHROME.match(t) else "text on an arXiv page outside any paper"
        sink.skip(ln, chatter_reason(t) or outside)
        return None
    _paper_line(cur, ln, sink)
    return cur


def _head(m: re.Match[str], ln: Line, cur: _Item | None, items: list[_Item]) -> _Item:
    """An ``arXiv:ID`` head opens a paper (unless it names the current one again)."""
    found = normalize_arxiv_id(m.group("id"))
    if cur is not None and found and cur.draft.arxiv and cur.draft.arxiv.value == found[0]:
        cur.lines.append(ln)  # the same paper named again ("arXiv:2401.04088 (cs)" on its own page)
        return cur
    item = _Item(Draft(NAME, "listing" if (m.group("n") or m.group("n2")) else "abs-page", ln.no))
    if found:
        item.draft.add_id(PaperId("arxiv", found[0], found[1]))
    cats = re.findall(r"\b([a-z-]+\.[A-Za-z-]{2,})\b", m.group("rest"))
    if cats:
        item.draft.meta["listing_categories"] = cats
    if m.group("n2"):
        item.draft.shape = "search"
    items.append(item)
    item.lines.append(ln)
    item.pending = "after-head"
    return item


def _paper_line(cur: _Item, ln: Line, sink: Sink) -> None:
    """A line inside a paper that is no field: a DOI, a submission date, a version history, the
    mailing's abstract markers, a field's continuation, or else a skipped line."""
    t = ln.text
    if t in ("\\\\", "\\"):
        cur.pending = "mail-abstract" if cur.draft.title else None
        return
    d = _DOI_LINE.match(t)
    if d:
        for _s, _e, ident in find_ids(d.group(1)):
            cur.draft.add_id(ident)
        return
    s = _SUBMITTED.match(t)
    if s:
        _date(cur.draft, s.group("date"))
        cur.pending = None
        return
    h = _HISTORY.match(t)
    if h:
        if h.group("v") == "1":
            _date(cur.draft, h.group("date"))
        return
    if _CHROME.match(t):
        sink.skip(ln, "arXiv page navigation")
        cur.pending = None if cur.pending != "mail-abstract" else cur.pending
        return
    if _continue(cur, ln):
        return
    sink.skip(ln, chatter_reason(t) or "text on an arXiv page that belongs to no field")


def _field(item: _Item, name: str, value: str, ln: Line, sink: Sink) -> None:
    d = item.draft
    item.pending = name
    if name == "title":
        d.title = value or None
    elif name in ("authors", "author"):
        d.meta["_authors_text"] = value
        _set_authors(d, value)
    elif name == "abstract":
        d.abstract = value or None
    elif name in ("comments", "comment"):
        d.meta["listing_comment"] = value
        d.code.extend(u for u in code_links(value) if u not in d.code)
    elif name == "journalref":  # free text: "Technical report, 2023", "Nature 620, 47–53 (2023)", "ICLR 2024"
        if value and d.year is None:
            years = years_in(value)
            if years:
                d.year = years[-1]
        if value:
            d.meta["listing_journal_ref"] = value
            venue_fields(d, value)
    elif name in ("subjects", "subject", "categories"):
        m = _PRIMARY.search(value)
        primary = m.group(1) if m else (value.split()[0] if value and _CATEGORY_LINE.match(value) else None)
        if primary:
            d.meta["listing_primary_class"] = primary
        item.after_subjects = True
    elif name == "doi":
        for _s, _e, ident in find_ids(value if value.startswith("10.") or "doi" in value.lower() else f"doi:{value}"):
            d.add_id(ident)
    elif name == "citeas":
        for _s, _e, ident in find_ids(value):
            if ident.kind == "arxiv" and d.arxiv is None:
                d.add_id(ident)
        item.pending = None
    elif name == "date":
        _date(d, value)
        item.pending = None
    else:
        item.pending = None


#: a collaboration written before its members ("DeepSeek-AI: Xiao Bi, Deli Chen, …", "ATLAS Collaboration: G. Aad, …")
_ORG_PREFIX = re.compile(r"^(?P<org>[^\W\d_][^,:;()]{1,60}?)\s*:\s+(?=\S)")


def _set_authors(d: Draft, text: str) -> None:
    """The author line's names; a collaboration arXiv writes before its members ("DeepSeek-AI: Xiao Bi, …")
    is kept as the first author, an organisation, as arXiv's own metadata lists it."""
    text = re.sub(r"\s*\([^)]*\)", "", text)  # affiliations in parentheses (mailings)
    org = _ORG_PREFIX.match(text)
    if org and looks_like_names(text[org.end():]):
        authors = split_authors(text[org.end():])
        d.authors, d.truncated = [org.group("org").strip(), *authors.names], authors.truncated
        return
    authors = split_authors(text)
    d.authors, d.truncated = authors.names, authors.truncated


def _continue(item: _Item, ln: Line) -> bool:
    """A line without a label: a wrapped field, the unlabelled title of a search result, the
    unlabelled author line of the 2024 listing layout, or the abstract paragraph of /new."""
    d, t = item.draft, ln.text
    indented = ln.raw[:1] in (" ", "\t")
    pending = item.pending
    if pending == "mail-abstract" or (pending == "abstract" and d.abstract):
        d.abstract = f"{d.abstract} {t}" if d.abstract else t
        return True
    if pending == "title" and d.title and (indented or not looks_like_names(t, min_names=2)):
        d.title = f"{d.title} {t}"
        return True
    if pending in ("authors", "author") and (indented or looks_like_names(t)):
        text = f"{d.meta.get('_authors_text', '')} {t}".strip()
        d.meta["_authors_text"] = text
        _set_authors(d, text)
        return True
    if pending in ("comments", "comment"):
        d.meta["listing_comment"] = f"{d.meta.get('listing_comment', '')} {t}".strip()
        d.code.extend(u for u in code_links(t) if u not in d.code)
        return True
    if pending in ("subjects", "subject", "categories", "journalref") and indented:
        return True
    if pending == "after-head" and _FORMATS_AND_CATEGORIES.fullmatch(t):
        return True  # "[pdf, other]", "cs.CL cs.LG" on lines of their own (search results)
    if not d.title and pending in ("after-head", "search-title", None) and chatter_reason(t) is None \
            and not looks_like_names(t, min_names=3):
        d.title = t
        item.pending = "search-title"
        return True
    if pending == "search-title" and d.title and not looks_like_names(t, min_names=2) and len(d.title) < 200:
        d.title = f"{d.title} {t}"
        return True
    if d.title and not d.authors and looks_like_names(t) and pending in ("title", "search-title", None):
        d.meta["_authors_text"] = t
        _set_authors(d, t)
        item.pending = "authors"
        return True
    if d.title and not d.abstract and len(t) >= 120 and (item.after_subjects or pending is None
                                                         or pending == "authors" and d.shape == "abs-page"):
        d.abstract = t
        item.pending = "abstract"
        return True
    return False


def _date(d: Draft, text: str) -> None:
    found = parse_date(text)
    if found and found[0]:
        d.year, d.month, d.day = found
        d.date_text = text.strip()
        end = date_range_end(text)
        if end:
            d.date_end = end
