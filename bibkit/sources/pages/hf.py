"""Hugging Face pages that are not a title-and-abstract feed: collections and single paper pages.

(The daily and trending feeds — a title, an author line, an abstract, upvotes — are
read by :mod:`bibkit.sources.listing`, the ``titles`` reader.)

* A **collection** lists papers, models, datasets and Spaces.  A paper is its title line
  followed by ``Paper • 2310.15326 • Published Oct 11, 2023 • 78`` (the arXiv id, the date, the
  upvotes); a browser may put every ``•``-separated piece on a line of its own.  Models show
  ``owner/name`` and ``Text Generation • Updated Jul 24 • 61.2k • 1.66k``, datasets ``Viewer •
  Updated …``; they, the collection's own name and description ("Mixtral", "updated Jul 24,
  2024"), notes and upvote counts are no papers.
* A **paper page** shows ``arxiv:2401.04088``, the title, ``Published on Jan 8, 2024``,
  ``Submitted by`` a user, ``Authors:`` (one name a line with ``,`` lines between, or one line),
  ``AI-generated summary``, ``Abstract`` and its paragraph, then the page's furniture (``View
  arXiv page``, ``Models citing this paper 27``, …) and the models, datasets and collections
  that cite it — none of them papers.
"""

from __future__ import annotations

import re

from ...links import normalize_arxiv_id
from ...record import PageReader
from ..chatter import chatter_reason
from ..paperids import PaperId
from ..pastetext import Line, looks_like_names, parse_date, split_authors, title_likeness
from .base import Draft, Sink

__all__ = ["NAME", "read_block", "line_evidence"]

NAME = PageReader.HF_PAGE

_ID = r"\d{4}\.\d{4,5}(?:v\d+)?"
_ITEM = re.compile(rf"^(?P<pre>.*?)(?:^|\s)(?:Paper|Article)\s*[•·|]\s*(?P<id>{_ID})\b(?P<rest>.*)$")
_ANCHOR = re.compile(rf"^arxiv\s*:\s*(?P<id>{_ID})$", re.IGNORECASE)
_REPO_ITEM = re.compile(r"(?:^|[•·]\s*)(?:Updated|Viewer)\b|^(?:Viewer|Updated)\b|\bUpdated\s+\w{3}\s+\d{1,2}\b")
_HANDLE = re.compile(r"^[A-Za-z0-9][\w.-]{0,40}/[\w.-]{1,96}$")
_PUBLISHED = re.compile(r"^(?:·\s*)?Published(?:\s+on)?\s*:?\s*(?P<date>.+)$", re.IGNORECASE)
_SUBMITTED_BY = re.compile(r"^(?:·\s*)?Submitted by\s*(?P<who>\S.*)?$", re.IGNORECASE)
_LABEL_AUTHORS = re.compile(r"^Authors?\s*:\s*(?P<names>.*)$", re.IGNORECASE)
_LABEL_ABSTRACT = re.compile(r"^Abstract\s*:?$", re.IGNORECASE)
_LABEL_SUMMARY = re.compile(r"^(?:AI-generated summary|AI generated summary|TL;DR)\s*:?$", re.IGNORECASE)
_PAGE_END = re.compile(
    r"^(?:View arXiv page|View PDF|Add to collection|Community|Models citing this paper|Datasets citing this paper|"
    r"Spaces citing this paper|Collections including this paper|Get this paper in your agent|Cite arxiv\.org|"
    r"Unable to determine|Edit Preview|Upload images|Sign up or log in to comment|Paper page|"
    r"Project page|GitHub)\b",
    re.IGNORECASE,
)
_CHROME = re.compile(
    r"^(?:Collections?|[\w.-]+['’]s Collections|updated\s+\w{3}\s+\d|Upvote|Share collection|View history|"
    r"Collection guide|Browse collections|Note\b|Papers|Daily Papers|#\d+\s+Paper of the (?:day|week|month)|"
    r"Running|Sleeping|Paused|Runtime error|Build error|Running on (?:Zero|CPU|GPU)|on \w{3} \d{1,2}(?:, \d{4})?$|"
    r"\+\d+$|[\d.,]+[kKmM]?$)",
    re.IGNORECASE,
)


_DAY_BADGE = re.compile(r"^#\d+\s+Paper of the|^[Uu]pdated\s+\w{3}\s+\d")


def line_evidence(line: Line) -> float:
    t = line.text
    if not t or len(t) > 1000:
        return 0.0
    if len(t) > 160 and "•" not in t and "·" not in t:
        return 0.0  # page furniture and item lines are short
    if ("•" in t or "·" in t or "|" in t) and _ITEM.match(t):
        return 6.0
    if _ANCHOR.match(t):
        return 4.0
    if _PAGE_END.match(t) and not t.lower().startswith(("github", "project page", "community")):
        return 3.0
    if _DAY_BADGE.match(t):
        return 2.5
    if "•" in t and _REPO_ITEM.search(t):
        return 2.5
    if t in ("Paper", "•") or t.startswith("Paper •"):
        return 2.0
    if _LABEL_SUMMARY.match(t) or _LABEL_ABSTRACT.match(t):
        return 2.0
    if _SUBMITTED_BY.match(t) or _PUBLISHED.match(t) or t in ("Upvote", "Authors:"):
        return 1.0  # a paper page's, and a feed's (where the titles reader scores them higher)
    return 0.0


def _logical(lines: list[Line]) -> list[Line]:
    """Glue what a browser split at ``•`` and ``,`` separators back into one line:
    "Paper" / "•" / "2401.04088" / "•" / "Published Jan 8, 2024" → "Paper • 2401.04088 • Published …"."""
    out: list[Line] = []
    glue_next = False
    for ln in lines:
        t = ln.text
        if t in ("•", "·", ","):
            if out and out[-1].text:
                out[-1] = Line(out[-1].no, out[-1].raw, out[-1].text + (" , " if t == "," else f" {t} "))
                glue_next = True
            continue
        if glue_next and t and out:
            prev = out[-1]
            out[-1] = Line(prev.no, prev.raw, (prev.text + t).strip())
            glue_next = False
            continue
        glue_next = False
        out.append(ln)
    return out


def read_block(lines: list[Line], sink: Sink) -> None:
    lines = _logical(lines)
    if any(_ITEM.match(ln.text) for ln in lines):
        _collection(lines, sink)
    else:
        _paper_page(lines, sink)


def _collection(lines: list[Line], sink: Sink) -> None:
    used: set[int] = set()
    for k, ln in enumerate(lines):
        m = _ITEM.match(ln.text)
        if not m:
            continue
        used.add(k)
        found = normalize_arxiv_id(m.group("id"))
        d = Draft(NAME, "collection", ln.no)
        if found:
            d.add_id(PaperId("arxiv", found[0], found[1], via="hf"))
        pre = m.group("pre").strip(" •·|")
        title_line = None
        if pre and title_likeness(pre) > 0.3:
            d.title = pre
        else:
            for j in range(k - 1, max(-1, k - 5), -1):
                prev = lines[j]
                if j in used or _ITEM.match(prev.text):
                    break
                if not prev.text or _CHROME.match(prev.text) or chatter_reason(prev.text):
                    continue
                if _REPO_ITEM.search(prev.text) or _HANDLE.match(prev.text):
                    break
                title_line = j
                break
            if title_line is not None:
                used.add(title_line)
                d.title = lines[title_line].text
                d.line = lines[title_line].no
        for piece in re.split(r"\s*[•·|]\s*", m.group("rest")):
            p = _PUBLISHED.match(piece.strip())
            if p:
                date = parse_date(p.group("date"))
                if date:
                    d.year, d.month, d.day = date
                    d.date_text = p.group("date").strip()
            elif re.fullmatch(r"[\d.,]+[kK]?", piece.strip()):
                d.meta["hf_upvotes"] = piece.strip()
        sink.add(d)
    for k, ln in enumerate(lines):
        if k in used or not ln.text:
            continue
        t = ln.text
        if _REPO_ITEM.search(t) or _HANDLE.match(t):
            sink.skip(ln, "a model, dataset or Space of the collection, not a paper")
        else:
            outside = "Hugging Face page furniture" if _CHROME.match(t) else \
                "collection text that is not a paper (its name, a description, a note)"
            sink.skip(ln, chatter_reason(t) or outside)


def _paper_page(lines: list[Line], sink: Sink) -> None:
    page = _PaperPage(sink)
    for ln in lines:
        page.line(ln)
    page.close()


class _PaperPage:
    """A Hugging Face paper page read line by line.  ``state`` is what the next line may be: start |
    title | body | submitter | authors | summary | abstract | end (the page's furniture after the paper)."""

    def __init__(self, sink: Sink) -> None:
        self.sink = sink
        self.d: Draft | None = None
        self.state = "start"
        self.buffer: list[str] = []

    def line(self, ln: Line) -> None:
        t = ln.text
        if not t:
            if self.state in ("abstract", "summary") and self.buffer:
                _flush(self.d, self.state, self.buffer)
                self.state = "body"
            return
        a = _ANCHOR.match(t)
        if a:
            self._anchor(a, ln)
            return
        if self.state == "end" or _PAGE_END.match(t):
            if self.state in ("abstract", "summary") and self.buffer:
                _flush(self.d, self.state, self.buffer)
            self.state = "end"
            self.sink.skip(ln, chatter_reason(t) or "Hugging Face page furniture (after the paper)")
            return
        if self.d is None:
            self._before_paper(ln)
        elif not self._labelled(self.d, t):
            self._text(self.d, ln)

    def _anchor(self, a: re.Match[str], ln: Line) -> None:
        """``arXiv:ID`` on a paper page opens the paper (and closes the one before)."""
        if self.d is not None and (self.d.title or self.d.ids):
            self.sink.add(self.d)
        found = normalize_arxiv_id(a.group("id"))
        self.d = Draft(NAME, "paper-page", ln.no)
        if found:
            self.d.add_id(PaperId("arxiv", found[0], found[1], via="hf"))
        self.state = "title"

    def _before_paper(self, ln: Line) -> None:
        """Above any ``arXiv:`` anchor, a title-like line opens a paper; the rest is the page's header."""
        t = ln.text
        if title_likeness(t) >= 0.6 and chatter_reason(t) is None and not _CHROME.match(t):
            self.d = Draft(NAME, "paper-page", ln.no, confidence=0.8)
            self.d.title = t
            self.state = "body"
        else:
            self.sink.skip(ln, chatter_reason(t) or "Hugging Face page furniture")

    def _labelled(self, d: Draft, t: str) -> bool:
        """A line the page labels (published, submitted by, authors, summary, abstract); ``False`` for others."""
        p = _PUBLISHED.match(t)
        if p and self.state in ("title", "body"):
            date = parse_date(p.group("date"))
            if date:
                d.year, d.month, d.day = date
                d.date_text = p.group("date").strip()
            return True
        s = _SUBMITTED_BY.match(t)
        if s:
            if s.group("who"):
                d.meta["hf_submitted_by"] = s.group("who").split(" on ")[0].strip()
            self.state = "submitter" if not s.group("who") else "body"
            return True
        if self.state == "submitter":
            d.meta["hf_submitted_by"] = t.split(" on ")[0].strip()
            self.state = "body"
            return True
        u = _LABEL_AUTHORS.match(t)
        if u:
            self.buffer = [u.group("names")] if u.group("names") else []
            self.state = "authors"
            return True
        for label, state in ((_LABEL_SUMMARY, "summary"), (_LABEL_ABSTRACT, "abstract")):
            if label.match(t):
                _flush(d, self.state, self.buffer)
                self.buffer, self.state = [], state
                return True
        return False

    def _text(self, d: Draft, ln: Line) -> None:
        t = ln.text
        if self.state == "authors" and (looks_like_names(t.replace(" , ", ", ")) or t.startswith(",")):
            self.buffer.append(t)
            return
        if self.state == "authors":
            _flush(d, self.state, self.buffer)
            self.buffer, self.state = [], "body"
        if self.state in ("abstract", "summary"):
            self.buffer.append(t)
            return
        if self.state == "title" and not d.title and chatter_reason(t) is None and not _CHROME.match(t):
            d.title = t
            d.line = ln.no
            self.state = "body"
            return
        outside = "Hugging Face page furniture" if _CHROME.match(t) else \
            "text on a paper page outside the title, authors and abstract"
        self.sink.skip(ln, chatter_reason(t) or outside)

    def close(self) -> None:
        d = self.d
        if d is not None:
            if self.state in ("abstract", "summary", "authors"):
                _flush(d, self.state, self.buffer)
            if d.title or d.ids:
                self.sink.add(d)


def _flush(d: Draft | None, state: str, buffer: list[str]) -> None:
    if d is None or not buffer:
        return
    text = " ".join(buffer).replace(" , ", ", ").strip()
    if state == "authors":
        authors = split_authors(text)
        d.authors, d.truncated = authors.names, authors.truncated
    elif state == "abstract" and not d.abstract:
        d.abstract = text
    elif state == "summary":
        d.meta["hf_ai_summary"] = text
    buffer.clear()
