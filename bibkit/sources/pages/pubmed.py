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
"""

from __future__ import annotations

import re

from ...record import PageReader
from ..chatter import chatter_reason
from ..paperids import PaperId, find_ids
from ..pastetext import Line
from .base import Draft, Sink
from .details import venue_fields

__all__ = ["NAME", "read_block", "line_evidence", "may_apply"]

NAME = PageReader.PUBMED

_PMID = re.compile(r"^PMID:\s*(\d{1,9})\b(.*)$")
_MON = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)"
#: "Brief Bioinform. 2018 Nov 27;19(6):1236-1246." / "Nature. 2017 Feb 2;542(7639):115-118." / "Lancet. 2020;395:1-2."
_CITATION = re.compile(rf"^(?P<journal>[A-Z][^;]{{0,150}}?)\.\s+(?P<year>(?:18|19|20)\d\d)(?:\s+(?P<mon>{_MON})"
                       rf"(?:\s+(?P<day>\d{{1,2}}))?)?(?:\s*[-–/]\s*\w+)?(?P<rest>[;:.,].*)?$")
#: Vancouver's names: "Miotto R", "Dudley JT", "van der Berg J", a group "Stanford Skin Cancer Group"
_NAME = re.compile(r"^(?:[a-z]+\s)*[A-Z][\w'’-]*(?:\s[A-Z][\w'’-]*)*\s[A-Z]{1,4}$")
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
    if _PMID.match(t):
        return 4.0
    if ";" in t and _CITATION.match(t):
        return 2.0
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


def _result(rows: list[Line], title: int, authors: int | None, citation: int, pmid: str) -> Draft:
    d = Draft(NAME, "result", rows[title].no, confidence=0.9)
    head = rows[title].text.strip()
    if head.endswith(".") and not head.endswith(".."):
        head = head[:-1]
    if head.startswith("[") and head.endswith("]"):  # a translated title
        head = head[1:-1]
    d.title = head or None
    if authors is not None:
        names = _authors(rows[authors].text) or []
        d.authors = [_vancouver(n) for n in names]
    cite = _CITATION.match(rows[citation].text)
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
        details = Draft(NAME, "result", rows[citation].no)
        venue_fields(details, f"{d.venue}. {d.year};{rest}")
        d.volume, d.number, d.pages = details.volume, details.number, details.pages
    d.venue_as = "journal"
    for _s, _e, ident in find_ids(rows[citation].text):
        d.add_id(ident)
    d.add_id(PaperId("pmid", pmid, None, f"https://pubmed.ncbi.nlm.nih.gov/{pmid}/"))
    d.meta["pubmed_pmid"] = pmid
    return d


def read_block(lines: list[Line], sink: Sink) -> None:
    rows = [ln for ln in lines if ln.text]
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
        draft = _result(rows, t, a, c, m.group(1))
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


def _why(t: str) -> str:
    if _FURNITURE.match(t):
        return "PubMed's page furniture (result numbers, Cite/Share, counts, filters, pager)"
    return chatter_reason(t) or "text on a PubMed results page outside any result"
