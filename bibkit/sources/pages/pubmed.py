"""PubMed's search results, as copied from the browser.

Every result is the same few lines::

    1                                                        (the result's number; may be absent)
    Deep learning for healthcare: review, opportunities and challenges.
    Miotto R, Wang F, Wang S, Jiang X, Dudley JT.             (Vancouver names: family name, initials)
    Brief Bioinform. 2018 Nov 27;19(6):1236-1246. doi: 10.1093/bib/bbx044.
    PMID: 28481991 Free PMC article. Review.
    Gaining knowledge and actionable insights from …          (a snippet of the abstract; may be absent)
    Cite
    Share

The ``PMID:`` line identifies a result: above it the citation line (journal abbreviation,
``date;volume(issue):pages``, the DOI, ``Epub …``), the authors and the title.  PubMed ends
a title with a full stop (dropped) and puts a translated title in brackets (kept without
them).  The snippet is a few sentences cut from the abstract, kept as ``pubmed_snippet``,
never the abstract.  ``Cite``, ``Share``, ``Similar articles``, result counts, filters and the
pager are skipped lines.

An article's own page (one paper, copied whole) reads differently::

    Review                                                   (the publication type; may be absent)
    Nat Rev Neurosci
    . 2019 Aug;20(8):445-458.                                (the journal is a link: the date on a line of its own)
     doi: 10.1038/s41583-019-0189-2. Epub 2019 Jun 11.
    Deep learning for neuroscience: a review of methods and models
    Jane Q Doe 1 2, Richard Roe 3, Ana García-López 1        (full names, each with its affiliations' numbers)
    Affiliations expand
    PMID: 31186549 PMCID: PMC6789012 DOI: 10.1038/s41583-019-0189-2
    Abstract
    Deep learning has transformed …                          (one paragraph, or labelled parts: "Background: …")
    Keywords: deep learning; neural networks; neuroscience.

followed by the page's lists of other articles (``Similar articles``, ``Cited by``, ``References``…), which
are not what was copied: one entry, with its abstract and keywords, and those lists skipped.  PubMed
Central's article pages read the same way: their identifiers' line is ``PMCID: PMC3003334  PMID: 21170175``,
an author manuscript's citation is its ``Published in final edited form as: …`` line, and the article's text
after its abstract (``1. Introduction``…) is no part of the entry.
"""

from __future__ import annotations

import re

from ...record import PageReader
from ..chatter import chatter_reason
from ..paperids import PaperId, find_ids
from ..pastetext import Line
from .base import Draft, Sink
from .details import venue_fields

__all__ = ["NAME", "read_block", "line_evidence", "may_apply", "full_text_page"]

NAME = PageReader.PUBMED

_PMID = re.compile(r"^PMID:\s*(\d{1,9})\b(.*)$")
_MON = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)"
#: "Brief Bioinform. 2018 Nov 27;19(6):1236-1246." / "Nature. 2017 Feb 2;542(7639):115-118." / "Lancet. 2020;395:1-2."
_CITATION = re.compile(rf"^(?P<journal>[A-Z][^;]{{0,150}}?)\.\s+(?P<year>(?:18|19|20)\d\d)(?:\s+(?P<mon>{_MON})"
                       rf"(?:\s+(?P<day>\d{{1,2}}))?)?(?:\s*[-–/]\s*\w+)?(?P<rest>[;:.,].*)?$")
#: Vancouver's names: "Miotto R", "Dudley JT", "van der Berg J", a group "Stanford Skin Cancer Group"
_NAME = re.compile(r"^(?:[a-z]+\s)*[A-Z][\w'’-]*(?:\s[A-Z][\w'’-]*)*\s[A-Z]{1,4}$")
#: PubMed Central's identifiers' line on an article page
_PMC_IDS = re.compile(r"^PMCID:\s*PMC\d+\b.*?\bPMID:\s*(\d{1,9})\b")
#: an author manuscript on PubMed Central: the citation of the published article
_FINAL_FORM = re.compile(r"^Published in final edited form as:\s*(?P<cite>.+)$", re.IGNORECASE)
#: where a full text starts after its abstract: a numbered or capitalised section heading
_BODY_HEADING = re.compile(r"^(?:\d{1,2}(?:\.\d{1,2})*\.?\s+[A-Z][\w ,&-]{2,60}|[A-Z][A-Z &-]{5,40}|Introduction|"
                           r"Graphical abstract|Highlights|Main|Results and discussion)$")
#: an article page's journal line is a link, and its date and details follow on a line of their own
_SPLIT_CITATION = re.compile(r"^\.\s+(?:18|19|20)\d\d\b.*[;:]")
#: an article page's own lines: its affiliations toggle, its disclaimer, the headings of what follows the abstract
_ARTICLE_MARK = re.compile(r"^(?:Affiliations? expand|Affiliations?|Collapse|PubMed Disclaimer|Full text links|"
                           r"Abstract|Keywords?:.*|Figures|Similar articles|Cited by|References|Publication types|"
                           r"MeSH terms|Substances|Grants and funding|LinkOut - more resources|Related information|"
                           r"Conflict of interest statement|Comment in|Comment on|Erratum in|Associated data|"
                           r"Supplementary info|Full text sources|Other Literature Sources|Medical|Miscellaneous|"
                           r"Research Materials|Expand|Free PMC article|Free article)$", re.IGNORECASE)
#: where an article page's own text ends: the lists of other articles and the page's index terms
_ARTICLE_END = re.compile(r"^(?:PubMed Disclaimer|Figures|Similar articles|Cited by|References|Publication types|"
                          r"MeSH terms|Substances|Grants and funding|LinkOut - more resources|Related information|"
                          r"Conflict of interest statement|Comment in|Comment on|Erratum in|Associated data|"
                          r"Supplementary info|Full text sources)$", re.IGNORECASE)
#: the article's date line's identifiers and dates: "doi: 10.1038/…. Epub 2019 Jun 11." / "eCollection 2020."
_EPUB_LINE = re.compile(r"^(?:doi:\s*10\.\S+|Epub\b|eCollection\b|Online ahead of print|Print\s)", re.IGNORECASE)
#: a structured abstract's part names, when the page puts one on a line of its own
_ABSTRACT_LABEL = re.compile(r"^(?:Background|Objectives?|Aims?|Purpose|Introduction|Context|Importance|Methods?|"
                             r"Design|Setting|Participants|Materials and methods|Interventions?|Measurements|"
                             r"Main outcomes? and measures?|Results?|Findings|Conclusions?|Interpretation|"
                             r"Conclusions? and relevance|Discussion|Significance|Funding|Trial registration)"
                             r":?$", re.IGNORECASE)
#: an author on an article page: a full name and its affiliations' numbers ("Jane Q Doe 1 2", "Ana García-López1")
_FULL_NAME = re.compile(r"^(?P<name>[^\W\d_][\w'’.-]*(?:\s+[^\W\d_][\w'’.-]*){1,5})\s*(?:\d{1,3}(?:\s*,?\s*\d{1,3})*)?"
                        r"\s*[*†#]?$")
_FURNITURE = re.compile(r"^(?:Cite|Share|Similar articles|See all similar articles|Item in Clipboard|"
                        r"Select search result to email or save|Free PMC article\.?|Free article\.?|Review\.?|"
                        r"Clinical Trial\.?|Meta-Analysis\.?|\d{1,4}|Page \d+ of [\d,]+|[\d,]+ results?|"
                        r"Filters applied:.*|Sort by:?.*|Display options|Best match|Most recent|Clear all|"
                        r"Save|Email|Send to|Create alert|Create RSS|Advanced|User Guide|Timeline|Results by year|"
                        r"Next|Previous|First|Last|Show more|Show less)$", re.IGNORECASE)


def may_apply(text: str, low: str) -> bool:
    """Whether a text holds a result's ``PMID:`` line (the segmenter's cheap gate)."""
    return "PMID:" in text


def line_evidence(line: Line) -> float:
    """What only a PubMed results page shows: ``PMID: <number>`` lines, and its citation lines."""
    t = line.text
    if not t or len(t) > 600:
        return 0.0
    if _PMID.match(t) or _PMC_IDS.match(t):
        return 4.0
    if ";" in t and _CITATION.match(t):
        return 2.0
    if _SPLIT_CITATION.match(t) or _ARTICLE_MARK.match(t) or _FINAL_FORM.match(t):
        return 3.0
    if _EPUB_LINE.match(t.strip()):
        return 2.5
    return 0.0


def _authors(text: str) -> list[str] | None:
    names = [n.strip() for n in text.rstrip(".").split(",")]
    if not names or not all(n for n in names):
        return None
    persons = [n for n in names if _NAME.match(n)]
    if len(persons) < max(1, len(names) - 1):  # (one group author among the names)
        return None
    return names


def _vancouver(name: str) -> str:
    """"Dudley JT" → "Dudley, J. T." (as BibTeX splits a name); a group author as written."""
    m = re.match(r"^(?P<family>.+?)\s(?P<initials>[A-Z]{1,4})$", name)
    if m is None:
        return name
    return f"{m.group('family')}, {' '.join(ch + '.' for ch in m.group('initials'))}"


def _result(rows: list[Line], title: int, authors: int | None, citation: str, pmid: str,
            shape: str = "result") -> Draft:
    """A paper from its title row, its names row (if any), its citation text and its PMID."""
    d = Draft(NAME, shape, rows[title].no, confidence=0.9)
    head = rows[title].text.strip()
    if head.endswith(".") and not head.endswith(".."):
        head = head[:-1]
    if head.startswith("[") and head.endswith("]"):  # a translated title
        head = head[1:-1]
    d.title = head or None
    if authors is not None:
        names = _authors(rows[authors].text) or []
        d.authors = [_vancouver(n) for n in names]
    cite = _CITATION.match(citation)
    assert cite is not None
    d.year = int(cite.group("year"))
    if cite.group("mon"):
        d.month = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"].index(
            cite.group("mon")) + 1
        if cite.group("day"):
            d.day = int(cite.group("day"))
    rest = (cite.group("rest") or "").lstrip(";:., ")
    rest = re.split(r"\.\s+(?:doi:|Epub|PMID)", rest)[0]
    d.venue = cite.group("journal").strip()
    if rest:
        details = Draft(NAME, shape, rows[title].no)
        venue_fields(details, f"{d.venue}. {d.year};{rest}")
        d.volume, d.number, d.pages = details.volume, details.number, details.pages
    d.venue_as = "journal"
    for _s, _e, ident in find_ids(citation):
        d.add_id(ident)
    d.add_id(PaperId("pmid", pmid, None, f"https://pubmed.ncbi.nlm.nih.gov/{pmid}/"))
    d.meta["pubmed_pmid"] = pmid
    return d


def _article_head(rows: list[Line], start: int, split_only: bool) -> tuple[int, int, str] | None:
    """``(first row, last row, citation)`` of an article page's heading from row ``start`` on: its journal and
    date — on one line, or the journal's link and then ". 2019 Aug;20(8):445-458." (``split_only``: only this
    form, which no list on the page has) — never a results page's (its citations sit right above their
    ``PMID:`` lines)."""
    for k in range(start, len(rows) if split_only else min(len(rows), start + 60)):
        t = rows[k].text.strip()
        if not split_only and _article_ids(t):
            return None
        if k >= 1 and _SPLIT_CITATION.match(t):
            text = rows[k - 1].text.strip() + t
            if _CITATION.match(text):
                return k - 1, k, text
        final = _FINAL_FORM.match(t)
        if final is not None and _CITATION.match(final.group("cite").strip()):
            return k, k, final.group("cite").strip()
        if not split_only and ";" in t and _CITATION.match(t) and not (
                k + 1 < len(rows) and _PMID.match(rows[k + 1].text)):
            return k, k, t
    return None


def _article_ids(text: str) -> str | None:
    """The PMID of an article page's identifiers' line (PubMed's or PubMed Central's), or None."""
    m = _PMID.match(text) or _PMC_IDS.match(text)
    return m.group(1) if m is not None else None


def _full_names(text: str) -> list[str] | None:
    """An article page's author line as names ("Jane Q Doe 1 2, Richard Roe 3" → Jane Q Doe, Richard Roe)."""
    names: list[str] = []
    for part in re.split(r",\s+(?=[^\W\d_])|;\s*", text.strip().rstrip(".")):
        part = re.sub(r"^and\s+", "", part.strip())
        m = _FULL_NAME.match(part)
        if m is None:
            return None
        names.append(m.group("name"))
    return names or None


def _article(rows: list[Line], start: int, split_only: bool) -> tuple[Draft, set[int], range] | None:
    """One article's own page from row ``start`` on (see the module docstring): its paper, the rows it read and
    the rows of the article's own text after its identifiers (its abstract, a full text's sections; the page's
    lists of other articles follow); None if there is none."""
    head = _article_head(rows, start, split_only)
    if head is None:
        return None
    first, last, citation = head
    pmid_row = next((k for k in range(last + 1, min(len(rows), last + 12)) if _article_ids(rows[k].text)), None)
    if pmid_row is None:
        return None
    k = last + 1
    dated: list[int] = []
    while k < pmid_row and _EPUB_LINE.match(rows[k].text.strip()):
        dated.append(k)
        k += 1
    if k >= pmid_row or _ARTICLE_MARK.match(rows[k].text.strip()) or _FURNITURE.match(rows[k].text.strip()):
        return None
    title = k
    draft = _result(rows, title, None, citation, _article_ids(rows[pmid_row].text) or "", "article")
    draft.confidence = 1.0
    used = {first, last, title, pmid_row, *dated}
    if title + 1 < pmid_row:
        names = _full_names(rows[title + 1].text)
        if names:
            draft.authors = names
            used.add(title + 1)
    for row in [*dated, pmid_row]:
        for _s, _e, ident in find_ids(rows[row].text):
            draft.add_id(ident)
    end = next((k for k in range(pmid_row + 1, len(rows)) if _ARTICLE_END.match(rows[k].text.strip())), len(rows))
    abstract: list[str] = []
    label = ""  # a structured abstract's part name on a line of its own ("Background"), for the next line
    inside = False  # between the "Abstract" heading and what ends the abstract (keywords, copyright, the lists)
    for k in range(pmid_row + 1, end):
        t = rows[k].text.strip()
        low = t.lower()
        if low.startswith(("keywords:", "keyword:")):
            words = [w.strip() for w in re.split(r"[;,]", t.split(":", 1)[1].rstrip(".")) if w.strip()]
            if words:
                draft.extra["keywords"] = ", ".join(words)
            used.add(k)
            inside = False
        elif low == "abstract":
            inside = True
        elif low.startswith(("copyright", "©", "(c) ")) or _ARTICLE_MARK.match(t) or (
                abstract and _BODY_HEADING.match(t) and not _ABSTRACT_LABEL.match(t)):
            inside = False
        elif inside and _ABSTRACT_LABEL.match(t) and k + 1 < end and not _ABSTRACT_LABEL.match(rows[k + 1].text):
            label = t.rstrip(":") + ": "
            used.add(k)
        elif inside:
            abstract.append(label + t)
            label = ""
            used.add(k)
    if abstract:
        draft.abstract = " ".join(abstract)
    return draft, used, range(pmid_row + 1, end)


def _articles(rows: list[Line], sink: Sink) -> bool:
    """Read a paste of article pages (one, or several one after another); False if it holds none."""
    lists: list[range] = []  # from where an article's text ends to where the next one's page starts
    texts: list[range] = []  # an article's own text after its identifiers
    used: set[int] = set()
    found = _article(rows, 0, False)
    while found is not None:
        draft, rows_read, text = found
        sink.add(draft)
        used |= rows_read
        texts.append(text)
        found = _article(rows, text.stop, True)
        lists.append(range(text.stop, min(found[1]) if found is not None else len(rows)))
    if not lists:
        return False
    for k, ln in enumerate(rows):
        if k not in used:
            sink.skip(ln, "PubMed's lists of other articles on an article's page" if any(k in r for r in lists)
                      else "the article's own text on its page (headings, sections, figures)"
                      if any(k in r for r in texts) else _why(ln.text, "article's page outside the article"))
    return True


def full_text_page(lines: list[Line]) -> bool:
    """Whether the paste is one article's page on PubMed Central with its full text: the article's
    heading and identifiers near the top.  Its sections, figures and numbered references after the abstract
    are the article's own text, not papers of their own: the whole paste is read as the page."""
    rows = [ln for ln in lines[:400] if ln.text]
    head = _article_head(rows, 0, False)
    if head is None:
        return False
    return any(_PMC_IDS.match(rows[k].text) for k in range(head[1] + 1, min(len(rows), head[1] + 12)))


def read_block(lines: list[Line], sink: Sink) -> None:
    rows = [ln for ln in lines if ln.text]
    if _articles(rows, sink):
        return
    used: set[int] = set()
    starts: list[int] = []
    for p, ln in enumerate(rows):
        m = _PMID.match(ln.text)
        if m is None:
            continue
        # the citation line just above, then the authors (unless the list is missing), then the title
        c = p - 1
        if c < 0 or p - 1 in used or not _CITATION.match(rows[c].text):
            continue
        a: int | None = c - 1 if c >= 1 and c - 1 not in used and _authors(rows[c - 1].text) else None
        t = (a if a is not None else c) - 1
        if t < 0 or t in used or _PMID.match(rows[t].text) or _FURNITURE.match(rows[t].text):
            continue
        draft = _result(rows, t, a, rows[c].text, m.group(1))
        starts.append(t)
        used.update(k for k in (t, a, c, p) if k is not None)
        sink.add(draft)
    # a result's snippet: the lines after its PMID line up to the next result's title or the page's buttons
    snippet_of: dict[int, list[str]] = {}
    for k, ln in enumerate(rows):
        if k in used or _FURNITURE.match(ln.text):
            continue
        before = [p for p in used if p < k and _PMID.match(rows[p].text)]
        nxt = min((s for s in starts if s > k), default=len(rows))
        if before and all(not (max(before) < s <= k) for s in starts) and k < nxt:
            snippet_of.setdefault(max(before), []).append(ln.text)
            used.add(k)
    for k, ln in enumerate(rows):
        if k not in used:
            sink.skip(ln, _why(ln.text))
    by_pmid = {d.meta.get("pubmed_pmid"): d for d, _c in sink.drafts if d.reader is NAME}
    for p, texts in snippet_of.items():
        m = _PMID.match(rows[p].text)
        if m is not None and m.group(1) in by_pmid:
            by_pmid[m.group(1)].meta["pubmed_snippet"] = " ".join(texts)


def _why(t: str, where: str = "a results page outside any result") -> str:
    if _FURNITURE.match(t):
        return "PubMed's page furniture (result numbers, Cite/Share, counts, filters, pager)"
    return chatter_reason(t) or f"text on a PubMed {where}"
