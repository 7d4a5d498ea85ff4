"""Cut a paste into blocks and pick the reader of each: a paste may mix pages and styles.

Every reader scores every line with what only its pages show (an ``arXiv:<id>`` head, a
``Paper • <id> •`` item, a Markdown link, an author list with a year, a bare paper URL…);
paragraphs of prose (abstracts) count for the ``titles`` reader.  The reading of the whole
paste is then the labelling of its lines that collects the most evidence while paying for
every change of reader — little at a blank line, much inside a paragraph — so a line with
no evidence of its own (a wrapped line, a title, a chatty remark) goes with its neighbours,
and a mixed paste splits where its pieces meet.  One pass over the lines (a Viterbi over
one state per reader with a "stay or switch" transition), so linear in the input.

A block's confidence compares the evidence for its reader with the best other reader's
over the same lines.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ...record import PageReader
from ..pastetext import Line, looks_like_names
from . import (
    acm,
    arxiv,
    dblp,
    hf,
    ieee,
    markdown,
    notes,
    openreview,
    pubmed,
    references,
    scholar,
    semanticscholar,
    titles,
)
from .references import is_heading, opens_like_a_reference

__all__ = ["Block", "segment", "READERS"]

#: reader names in the order of preference when the evidence ties (titles first: the old default)
#: (notes last: the paragraph owner below is never the notes reader)
READERS: tuple[PageReader, ...] = (titles.NAME, arxiv.NAME, hf.NAME, markdown.NAME, references.NAME, scholar.NAME,
                                   dblp.NAME, acm.NAME, openreview.NAME, ieee.NAME, semanticscholar.NAME,
                                   pubmed.NAME, notes.NAME)
_EVIDENCE = (titles.line_evidence, arxiv.line_evidence, hf.line_evidence, markdown.line_evidence,
             references.line_evidence, scholar.line_evidence, dblp.line_evidence, acm.line_evidence,
             openreview.line_evidence, ieee.line_evidence, semanticscholar.line_evidence, pubmed.line_evidence,
             notes.line_evidence)
_REFERENCES = READERS.index(references.NAME)
#: the price of changing reader at a blank line, and inside a paragraph
SWITCH_AT_BLANK = 3.0
SWITCH_INSIDE = 8.0
_SENTENCE_END = re.compile(r"[.!?][\"'”’)]*(?:\s|$)")


@dataclass(frozen=True, slots=True)
class Block:
    reader: PageReader
    start: int  # index into the lines (0-based, inclusive)
    end: int  # exclusive
    confidence: float
    #: the other readers with evidence in the block, best first (the titles reader, the default, last):
    #: who reads it if its reader finds no paper in it
    alternatives: tuple[PageReader, ...] = ()


def _prose(text: str) -> float:
    """Evidence that a line is prose of an abstract (the ``titles`` reader's): many words, most of
    them lower-case, sentences; more for a long unwrapped paragraph."""
    words = text.split()
    if len(words) < 8:
        return 0.0
    long_words = [w for w in words if len(w) > 3 and w[0].isalpha()]
    if not long_words or sum(1 for w in long_words if w[0].islower()) < 0.6 * len(long_words):
        return 0.0
    score = 0.5
    if len(text) >= 200 and len(_SENTENCE_END.findall(text)) >= 2:
        score += 1.5
    return score


#: what a whole text must hold somewhere for a reader's evidence to be worth computing line by line
#: (a reference list, say, never asks the Hugging Face page reader).  Literal marks are looked for
#: with ``in`` (a scan of the text at memory speed); the few patterns only where their word occurs.
_ARXIV_MARKS = ("Submitted", "Computer Science >", "Showing", "Total of", "submissions", "Search v")
# (patterns of a line's start are written "\n…" and searched in "\n" + text: a literal first
# character lets the engine skip to the candidates, where "^" with MULTILINE tries every position)
_ARXIV_HEAD = re.compile(r"\n[ \t]*(?:\[\d+\][ \t]*|\d+\.[ \t]+)?(?:arXiv|ARXIV)[ \t]?:[ \t]?"
                         r"(?:\d{4}\.\d{4,5}|[a-z-]+(?:\.[A-Z]{2})?/\d{7})(?:v\d+)?[ \t]*(?:\n|$|[\[(])")
_ARXIV_FIELD = re.compile(r"\n(?:Title|Subjects?|Comments?|Journal[- ]?ref|Categories|Cite as|Authors?)[ \t]*:")
_HF_MARKS = ("•", "·", "view arxiv page", "paper of the", "upvote", "submitted by", "abstract", "summary",
             "citing this paper", "updated", "collection")
_HF_ANCHOR = re.compile(r"\narxiv[ \t]*:[ \t]*\d{4}\.\d{4,5}(?:v\d+)?[ \t]*(?:\n|$)")
_HF_PUBLISHED = re.compile(r"\n[^\w\n]*published\b(?! as\b)")
_MARKDOWN_MARKS = ("](", "|", "**", "__", "\t")
_MARKDOWN_LABEL = re.compile(r"\[[A-Za-z ]{2,20}\]")
_MARKDOWN_ITEM = re.compile(r"\n[ \t]*(?:[-*+•◦▪‣]|\d{1,3}[.)])[ \t]")
_SCHOLAR_MARKS = ("Cited by", "Related articles", " versions", "[PDF]", "[HTML]", "[CITATION]", "[BOOK]")
_FEED_MARKS = ("Submitted by", "Upvote", "·", "rending", "author", "Daily Papers", "Published on", "▲", "△", "⬆", "↑")
_FEED_WORDS = re.compile(r"\bother|\bmore\b")


def _may_arxiv(text: str, low: str) -> bool:
    return (any(mark in text for mark in _ARXIV_MARKS)
            or (("arXiv" in text or "ARXIV" in text) and _ARXIV_HEAD.search(text) is not None)
            or (":" in text and _ARXIV_FIELD.search(text) is not None))


def _may_hf(text: str, low: str) -> bool:
    return (any(mark in low for mark in _HF_MARKS)
            or ("arxiv" in low and _HF_ANCHOR.search(low) is not None)
            or ("published" in low and _HF_PUBLISHED.search(low) is not None))


def _may_markdown(text: str, low: str) -> bool:
    return (any(mark in text for mark in _MARKDOWN_MARKS)
            or ("[" in text and _MARKDOWN_LABEL.search(text) is not None)
            or _MARKDOWN_ITEM.search(text) is not None)


def _may_scholar(text: str, low: str) -> bool:
    return any(mark in text for mark in _SCHOLAR_MARKS)


_DBLP_MARKS = ("dblp", "CoRR abs/", "(Eds.):")
#: an entry number opening a line ("[j12]"), or an author line ending with its colon before a title
_DBLP_NUMBER = re.compile(r"\n\[[a-uw-z]\d{1,5}\]")  # (not arXiv's version history: "[v1] Mon, 8 Jan 2024")
_DBLP_AUTHORS = re.compile(r"\n([A-Z][^\n:]{1,600}):[ \t]*\n[A-Z0-9\"“]")


def _may_dblp(text: str, low: str) -> bool:
    if any(mark in text for mark in _DBLP_MARKS) or ("[" in text and _DBLP_NUMBER.search(text) is not None):
        return True
    if ":\n" not in text:
        return False
    # (search results have no entry number: a line of names ending with its colon; the first few lines
    # ending with a colon are asked, so a reference list wrapped after its titles' colons costs little)
    for tries, m in enumerate(_DBLP_AUTHORS.finditer(text)):
        if tries >= 8:
            return False
        if not looks_like_names(m.group(1)):
            continue
        end = text.find("\n", m.end())
        if "," in m.group(1) or dblp.split_title_venue(text[m.end() - 1:end if end >= 0 else len(text)]):
            return True  # (two names or more, or one above a title and venue: no label "Authors:")
    return False


#: (few marks: each is a scan of the whole text, and every paste pays for them)
_ACM_MARKS = ("-article", "short-paper", "extended-abstract", " Access\n", "Article No", "Total Downloads", "10.1145/")


def _may_acm(text: str, low: str) -> bool:
    return any(mark in text for mark in _ACM_MARKS)


_MAY_APPLY = (
    None,  # titles: prose paragraphs count for it whatever the text
    _may_arxiv,
    _may_hf,
    _may_markdown,
    None,  # references
    _may_scholar,
    _may_dblp,
    _may_acm,
    openreview.may_apply,
    ieee.may_apply,
    semanticscholar.may_apply,
    pubmed.may_apply,
    None,  # notes
)


def _feed(text: str) -> bool:
    """Whether the text has any of a Hugging Face feed's furniture (else the ``titles`` reader's only
    evidence is prose)."""
    return (any(mark in text for mark in _FEED_MARKS)
            or (("other" in text or "more" in text) and _FEED_WORDS.search(text) is not None))


def _active(text: str) -> list[bool]:
    text = "\n" + text
    low = text.lower()
    active = [test is None or test(text, low) for test in _MAY_APPLY]
    active[0] = True
    return active


def _prose_owner(lines: list[Line], scores: list[list[float]], counted: list[int], i: int, j: int,
                 abstract_sized: bool) -> int:
    """The reader a paragraph of prose ``[i, j)`` belongs to: the one whose strong lines it holds, else the
    ``titles`` reader's (an abstract) — unless it opens as a reference does (a wrapped reference shows few
    marks on each of its lines, but its author list and year come first)."""
    strong = [0] * len(READERS)
    for row in scores[i:j]:
        for r in counted:  # (the readers not asked score 0 everywhere)
            if row[r] >= 3.0:
                strong[r] += 1
    owner = max(range(1, len(READERS) - 1), key=lambda r: strong[r])  # notes are lines, never prose
    if strong[owner] >= 0.08 * (j - i) or (strong[owner] >= 2 and strong[owner] >= 0.04 * (j - i)):
        return owner
    if abstract_sized and _REFERENCES in counted and opens_like_a_reference(
            " ".join(lines[k].text for k in range(i, min(j, i + 4)))):
        return _REFERENCES
    return 0


def _scores(lines: list[Line], active: list[bool] | None = None, text: str | None = None) -> list[list[float]]:
    """Each line's evidence for each reader (``text``: the lines joined, when the caller has it)."""
    if text is None:
        text = "\n".join(ln.raw for ln in lines)
    active = _active(text) if active is None else active
    feed = _feed(text)
    evidence = [(f if on else None) for f, on in zip(_EVIDENCE, active)]
    if not feed:
        evidence[0] = None  # no feed furniture anywhere: the titles reader's only evidence is prose
    asked = [(r, f) for r, f in enumerate(evidence) if f is not None]
    counted = [r for r, _f in asked if r >= 1]
    blank = [0.0] * len(evidence)
    scores = []
    for ln in lines:
        row = blank.copy()
        if ln.text:
            for r, f in asked:
                row[r] = f(ln)
        scores.append(row)
    # paragraphs of prose: an abstract.  On its own, or beside titles, it is the titles reader's; inside
    # a paragraph that another reader's lines hold (an abstract under "Subjects:" on an arXiv listing,
    # the continuation lines of a reference) it is that reader's
    i, n = 0, len(lines)
    while i < n:
        if not lines[i].text:
            i += 1
            continue
        j = i
        length = 0
        while j < n and lines[j].text:
            length += len(lines[j].text) + 1
            j += 1
        # (sentence ends and claimed lines are counted only where they can matter: a paragraph of an
        # abstract's length)
        abstract_sized = 250 <= length <= 5000
        ends = sum(len(_SENTENCE_END.findall(lines[k].text)) for k in range(i, j)) if abstract_sized else 0
        owner = _prose_owner(lines, scores, counted, i, j, abstract_sized)
        for k in range(i, j):
            if max(scores[k][1:]) < 2.5:
                scores[k][owner] += _prose(lines[k].text)
        claimed = sum(1 for row in scores[i:j] if max(row[1:]) >= 2.5) if abstract_sized else 0
        if abstract_sized and ends >= 2 and (owner != 0 or claimed <= 0.2 * (j - i)):
            share = 3.0 / (j - i)
            for k in range(i, j):
                scores[k][owner] += share
            if owner != 0:
                i = j
                continue
            # the short line just above (the paper's title) is the feed's too
            p = i - 1
            while p >= 0 and not lines[p].text:
                p -= 1
            if p >= 0 and len(lines[p].text) <= 300 and max(scores[p][1:]) < 2.5 and not is_heading(lines[p].text):
                scores[p][0] += 1.0  # (a "References" heading above is no paper's title)
        i = j
    return scores


def segment(lines: list[Line]) -> list[Block]:
    """The blocks of ``lines`` with their reader, in order (blank lines go with the block before)."""
    rows = [k for k, ln in enumerate(lines) if ln.text]
    if not rows:
        return [Block(titles.NAME, 0, len(lines), 0.5)] if lines else []
    joined = "\n".join(ln.raw for ln in lines)
    active = _active(joined)
    scores = _scores(lines, active, joined)
    r_count = len(READERS)
    # the readers whose marks the text lacks score nothing anywhere: the titles reader (first, and
    # favoured on ties) is always cheaper than they are, so they never label a line and are left out
    readers = [r for r in range(r_count) if active[r]]
    back: list[list[int]] = []
    prev_cost = [0.0] * r_count
    last = -1
    for idx, k in enumerate(rows):
        row = scores[k]
        if idx == 0:
            cur = [0.0] * r_count
            for r in readers:
                cur[r] = -row[r]
            cur[0] -= 0.01
            back.append(list(range(r_count)))
        else:
            switch = SWITCH_AT_BLANK if k - last > 1 else SWITCH_INSIDE
            best_r = min(readers, key=prev_cost.__getitem__)
            best = prev_cost[best_r] + switch
            cur = [0.0] * r_count
            ptr = [best_r] * r_count
            for r in readers:
                stay = prev_cost[r]
                if stay <= best:
                    cur[r] = stay - row[r]
                    ptr[r] = r
                else:
                    cur[r] = best - row[r]
            cur[0] -= 0.01
            back.append(ptr)
        prev_cost = cur
        last = k
    state = min(readers, key=prev_cost.__getitem__)
    labels = [0] * len(rows)
    for idx in range(len(rows) - 1, -1, -1):
        labels[idx] = state
        state = back[idx][state]
    blocks: list[Block] = []
    start_idx = 0
    for idx in range(1, len(rows) + 1):
        if idx == len(rows) or labels[idx] != labels[start_idx]:
            r = labels[start_idx]
            first = 0 if not blocks else rows[start_idx]
            end = rows[idx] if idx < len(rows) else len(lines)
            sums = {o: sum(scores[k][o] for k in rows[start_idx:idx]) for o in readers}
            own = sums.pop(r)
            alt = max(sums.values(), default=0.0)
            confidence = 0.5 + 0.5 * (own - alt) / (own + alt + 1.0)
            others = [READERS[o] for o in sorted(sums, key=lambda o: -sums[o]) if sums[o] > 0 and o != 0]
            if r != 0:
                others.append(READERS[0])
            blocks.append(Block(READERS[r], first, end, round(max(0.3, min(1.0, confidence)), 2), tuple(others)))
            start_idx = idx
    return blocks
