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

A paper's own page (``/document/<number>``, copied whole) is labelled instead::

    Journals & Magazines > IEEE Transactions on Pattern A... > Volume: 39 Issue: 6     (where it is)
    Faster R-CNN: Towards Real-Time Object Detection with Region Proposal Networks
    Publisher: IEEE
    Shaoqing Ren; Kaiming He; Ross Girshick; Jian Sun
    All Authors
    Abstract:
    State-of-the-art object detection networks depend on …
    Published in: IEEE Transactions on Pattern Analysis and Machine Intelligence ( Volume: 39, Issue: 6, 01 June 2017)
    Page(s): 1137 - 1149
    DOI: 10.1109/TPAMI.2016.2577031

(a conference paper: ``Published in: 2016 IEEE Conference on … (CVPR)``, ``Date of Conference: 27-30 June
2016``, ``Conference Location: …``).  One paper; the page's counts, its sections' list, and its references
and citations tabs (other papers) are skipped lines.
"""

from __future__ import annotations

import re

from ...bibsyntax import month_number
from ...record import PageReader
from ..chatter import chatter_reason
from ..paperids import PaperId, find_ids
from ..pastetext import YEAR, Line, looks_like_names, split_authors
from .base import Draft, Sink

__all__ = ["NAME", "read_block", "line_evidence", "may_apply", "document_page"]

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


#: a document page's labelled facts ("Published in: …", "DOI: …")
_DOC_FACT = re.compile(r"^(?P<label>Published in|Date of Conference|Date of Publication|Date Added to IEEE Xplore|"
                       r"Page\(s\)|DOI|Publisher|Conference Location|PubMed ID|INSPEC Accession Number|"
                       r"ISBN Information|ISSN Information|(?:Print|Electronic|CD|Online) IS[BS]N|"
                       r"Print on Demand\(PoD\) ISBN|Funding Agency|Persistent Link|Book Type|Edition|"
                       r"Copyright Year|Pages|Topics?)\s*:\s*(?P<value>.*)$", re.IGNORECASE)
#: labels only a document page has, beside its "Published in:"
_DOC_ONLY = ("date added to ieee xplore", "inspec accession number", "date of conference", "date of publication")
_BREADCRUMB = re.compile(r"^(?P<kind>Conferences|Journals & Magazines|Books|Standards|Courses|Early Access)\s*>\s*\S")
_DATE = re.compile(r"(?:(?P<day>\d{1,2})(?:\s*[-–]\s*\d{1,2})?\s+)?(?P<month>[A-Z][a-z]+)\.?(?:\s*[-–]\s*\d{1,2}"
                   r"(?:\s+[A-Z][a-z]+)?)?\s+(?P<year>(?:19|20)\d\d)")


def may_apply(text: str, low: str) -> bool:
    """Whether a text holds an Xplore facts line somewhere (the segmenter's cheap gate: every result has one),
    or a document page's "Published in:"."""
    return ("year:" in low and ("|" in text or "page(s):" in low)) or "published in:" in low


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
    if ":" in t and _DOC_FACT.match(t):
        return 3.0
    if _BREADCRUMB.match(t) or t in ("All Authors", "Cite This", "Document Sections"):
        return 3.0
    return 0.0


def _document_facts(rows: list[Line]) -> dict[str, tuple[int, str]]:
    """A document page's labelled facts: ``{label (lower case): (row, value)}``, the first of each."""
    facts: dict[str, tuple[int, str]] = {}
    for k, ln in enumerate(rows):
        m = _DOC_FACT.match(ln.text) if ":" in ln.text else None
        if m is not None:
            facts.setdefault(m.group("label").lower(), (k, m.group("value").strip()))
    return facts


#: what follows a document page's facts on the page itself: its references and citations tabs
_TAB_LINE = re.compile(r"^(?:Show in Context|Google Scholar|CrossRef|Crossref|View Article|Full Text: PDF|"
                       r"Show in Context (?:View Article|Google Scholar|CrossRef)(?:\s+(?:View Article|Google Scholar|"
                       r"CrossRef|Full Text: PDF))*|References|Citations|Citations? in Papers|\d{1,3}\.\s.+)$",
                       re.IGNORECASE)


def document_page(lines: list[Line]) -> tuple[int, int] | None:
    """Where one paper's own Xplore page is in the paste (``(start, end)`` line indices, end exclusive), or
    None: "Published in:" and a fact only that page states (when it was added to Xplore, its INSPEC number,
    its conference's or publication's date).  The page's references and citations tabs list other papers,
    and are the page's: read with it.  What comes before or after the page is read as usual."""
    rows = [k for k, ln in enumerate(lines) if ln.text]
    facts = _document_facts([lines[k] for k in rows])
    if "published in" not in facts or not any(label in facts for label in _DOC_ONLY):
        return None
    published = facts["published in"][0]
    publisher = facts.get("publisher", (len(rows), ""))[0]
    crumb = next((k for k in range(max(0, published - 80), published) if _BREADCRUMB.match(lines[rows[k]].text)),
                 None)
    first = crumb if crumb is not None else publisher - 1 if 1 <= publisher < published else None
    if first is None:
        return None
    while first > 0 and _is_furniture(lines[rows[first - 1]].text):  # Xplore's own header above the paper
        first -= 1
    last = max(k for k, _v in facts.values())
    for k in range(last + 1, len(rows)):
        text = lines[rows[k]].text
        if _DOC_FACT.match(text) or _TAB_LINE.match(text):
            last = k
        elif not (k + 1 < len(rows) and _TAB_LINE.match(lines[rows[k + 1]].text)):
            break  # (a reference's own wrapped line is the page's when its tab links follow it)
    return rows[first], (rows[last + 1] if last + 1 < len(rows) else len(lines))


def _document(rows: list[Line], sink: Sink) -> bool:
    """Read a paper's own page (see the module docstring); False if the block is not one."""
    facts = _document_facts(rows)
    if "published in" not in facts or not any(label in facts for label in _DOC_ONLY):
        return False
    published_row, published = facts["published in"]
    used: set[int] = {k for k, _v in facts.values()}
    crumb = next((k for k in range(published_row) if _BREADCRUMB.match(rows[k].text)), None)
    publisher_row = facts.get("publisher", (len(rows), ""))[0]
    # the title: right above the page's first "Publisher:" line, else right under the breadcrumb
    title_row = publisher_row - 1 if publisher_row < published_row and publisher_row >= 1 else (
        crumb + 1 if crumb is not None else None)
    if title_row is None or title_row >= published_row or _is_furniture(rows[title_row].text):
        return False
    d = Draft(NAME, "document", rows[title_row].no, confidence=1.0)
    d.title = rows[title_row].text.strip()
    used.add(title_row)
    if crumb is not None:
        used.add(crumb)
    authors = next((k for k in range(title_row + 1, published_row) if rows[k].text == "All Authors"), None)
    names_row = authors - 1 if authors is not None else next(
        (k for k in range(title_row + 1, min(published_row, title_row + 6)) if ";" in rows[k].text
         and _authors_like(rows[k].text)), None)
    if names_row is not None and names_row > title_row and _authors_like(rows[names_row].text):
        names = split_authors(rows[names_row].text)
        d.authors, d.truncated = names.names, names.truncated
        used.add(names_row)
    # where it appeared: a journal's "( Volume: 39, Issue: 6, 01 June 2017)", a conference's name and acronym
    venue, paren = published, ""
    m = re.match(r"^(?P<venue>.*?)\s*\(\s*(?P<inside>(?:Volume|Early Access)[^()]*)\)\s*$", published)
    if m is not None:
        venue, paren = m.group("venue").strip(), m.group("inside")
    d.venue = venue or None
    kind = _BREADCRUMB.match(rows[crumb].text).group("kind").lower() if crumb is not None else ""  # type: ignore[union-attr]
    conference = kind == "conferences" or ("date of conference" in facts and not paren)
    d.entry_type, d.venue_as = ("inproceedings", "booktitle") if conference else (
        ("incollection", "booktitle") if kind == "books" else ("article", "journal"))
    for pattern, name in ((_VOLUME, "volume"), (_ISSUE, "number")):
        found = pattern.search(paren)
        if found:
            setattr(d, name, found.group(name))
    if "early access" in paren.lower():
        d.note = "Early Access"
    dated = _DATE.search(paren) or _DATE.search(facts.get("date of conference", (0, ""))[1]) or \
        _DATE.search(facts.get("date of publication", (0, ""))[1])
    if dated is not None:
        d.year, d.month = int(dated.group("year")), month_number(dated.group("month"))
    pages = facts.get("page(s)", (0, ""))[1]
    if pages:
        d.pages = pages.replace(" ", "").replace("-", "–")
    d.publisher = facts.get("publisher", (0, ""))[1] or None
    if conference and facts.get("conference location", (0, ""))[1]:
        d.address = facts["conference location"][1]
    for _s, _e, ident in find_ids("doi:" + facts.get("doi", (0, ""))[1]):
        d.add_id(ident)
    pmid = facts.get("pubmed id", (0, ""))[1]
    if pmid.isdigit():
        d.add_id(PaperId("pmid", pmid, None, f"https://pubmed.ncbi.nlm.nih.gov/{pmid}/"))
    # the abstract: after "Abstract:" (on its line or the next)
    for k in range(title_row + 1, len(rows)):
        t = rows[k].text
        if t.lower().startswith("abstract:"):
            text = t.split(":", 1)[1].strip() or (rows[k + 1].text.strip() if k + 1 < len(rows) else "")
            used.update((k, k + 1) if not t.split(":", 1)[1].strip() else (k,))
            d.abstract = text or None
            break
    sink.add(d)
    for k, ln in enumerate(rows):
        if k not in used:
            sink.skip(ln, "IEEE Xplore page furniture" if k < published_row or _is_furniture(ln.text)
                      else "the paper's page on IEEE Xplore beyond its facts (its sections, references, citations)")
    return True


def read_block(lines: list[Line], sink: Sink) -> None:
    rows = [ln for ln in lines if ln.text]
    if _document(rows, sink):
        return
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
    sink.skip_unread(rows, used, _why)


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
