"""A journal publisher's article page copied whole (Springer Link, nature.com, BMC, PLOS, Frontiers, Wiley):
the one paper the page is about.

Why a reader of its own: such a page is mostly furniture (menus, metrics, "Download PDF", affiliations) and
other papers (its reference list, "similar content being viewed by others"); read line by line it gave one
``@misc`` per menu line and the papers it cites, and not the paper itself.  Every such page prints the
paper's own citation, with its DOI, under a label — Springer Nature's "Cite this article" block (…paper,
chapter), PLOS's and Frontiers' "Citation: …", Wiley's "How to cite this article: …" — in the style of a
reference list.  That citation is read as a reference string (:func:`.references.parse_reference`: authors,
title, journal, volume, pages, year, DOI) and is the paper; the paragraphs under the page's "Abstract"
heading are its abstract; every other line of the page is skipped and listed.  A paste of several such
pages gives one paper each.  ScienceDirect prints no citation; its page header is read instead
(:mod:`.sciencedirect`).
"""

from __future__ import annotations

import re

from ...record import PageReader
from ..pastetext import Line
from .base import Draft, Sink
from .references import parse_reference
from .sciencedirect import BUTTON, header

__all__ = ["NAME", "may_be_page", "is_page", "citations", "read_block"]

NAME = PageReader.ARTICLE

#: the label of the page's own citation: alone on its line (the citation is the next line), or before it
_LABEL = re.compile(r"^(?:(?P<alone>Cite this (?:article|paper|chapter))\s*$|"
                    r"(?:Citation|How to cite this article)\s*:\s*(?P<rest>\S.*)$)", re.IGNORECASE)
#: the heading of the page's abstract (Springer's "Abstract", nature.com's, PLOS's, a structured one's "Summary")
_ABSTRACT = re.compile(r"^(?:Abstract|Summary)\s*$", re.IGNORECASE)
_SENTENCE_END = re.compile(r"[.!?)\]”\"]$")


def may_be_page(text: str) -> bool:
    """Whether the paste holds a citation label or ScienceDirect's author button at all (a substring look,
    before any line is looked at: nearly every paste is no article page)."""
    return "Cite this " in text or "cite this article:" in text or "Citation:" in text or BUTTON in text


def is_page(lines: list[Line]) -> bool:
    """Whether the paste is one or more article pages: a citation of its own under a page that has an "Abstract"
    heading (a note quoting a journal's "Citation: …" line among other papers is no page: they would be lost), or
    ScienceDirect's header."""
    if any(_ABSTRACT.match(ln.text) for ln in lines if ln.text[:1] in ("A", "S")) and citations(lines):
        return True
    return any(_sciencedirect(lines, {}))


def _sciencedirect(lines: list[Line], used: dict[int, str]) -> list[tuple[int, Draft]]:
    """ScienceDirect's page headers: ``(index of the author button's line, the paper)`` each."""
    found: list[tuple[int, Draft]] = []
    for k, ln in enumerate(lines):
        if BUTTON in ln.text.lower() and ln.text.lower().startswith("author links"):
            draft = header(lines, k, NAME, used)
            if draft is not None and draft.title and draft.ids:
                found.append((k, draft))
    return found


def citations(lines: list[Line]) -> list[tuple[int, Draft]]:
    """The page's own citations: ``(index of the citation's line, its draft)`` for each label followed by a
    reference that names a title and a DOI (what every publisher's citation has; a "Citation:" in a note
    without them is no page's)."""
    found: list[tuple[int, Draft]] = []
    for k, ln in enumerate(lines):
        t = ln.text
        if not t or t[0] not in "CcHh":
            continue
        m = _LABEL.match(t)
        if m is None:
            continue
        if m.group("alone"):
            at = next((j for j in range(k + 1, min(len(lines), k + 4)) if lines[j].text), None)
            if at is None:
                continue
            text = lines[at].text
        else:
            at, text = k, m.group("rest")
        if "10." not in text:
            continue
        draft = parse_reference(text, lines[at].no)
        if draft is not None and draft.title and any(i.kind == "doi" for i in draft.ids):
            found.append((at, draft))
    return found


def read_block(lines: list[Line], sink: Sink) -> None:
    """One paper per citation of the page (see the module docstring); every other line skipped."""
    used: dict[int, str] = {}
    start = 0
    cited = citations(lines)
    for at, draft in cited:  # the abstract is above the citation
        draft.reader, draft.shape = NAME, "citation"
        used[at] = ""
        heading = next((k for k in range(at - 1, start - 1, -1) if _ABSTRACT.match(lines[k].text)), None)
        if heading is not None:
            draft.abstract = _abstract(lines, heading, at, used)
        sink.add(draft)
        start = at + 1
    if not cited:
        headers = _sciencedirect(lines, used)
        for index, (at, draft) in enumerate(headers):  # the abstract is under the header
            end = headers[index + 1][0] if index + 1 < len(headers) else len(lines)
            heading = next((k for k in range(at + 1, end) if _ABSTRACT.match(lines[k].text)), None)
            if heading is not None:
                draft.abstract = _abstract(lines, heading, end, used)
            sink.add(draft)
    sink.skip_unread(lines, used, _why)


def _abstract(lines: list[Line], heading: int, end: int, used: dict[int, str]) -> str | None:
    """The paragraphs right under the "Abstract" heading: lines that read as prose (a sentence's end, or
    long); the first short line without one ("Article PDF", "Main", "Introduction") ends it."""
    parts: list[str] = []
    for k in range(heading + 1, end):
        t = lines[k].text
        if not t:
            continue
        if len(t) < 100 and not (_SENTENCE_END.search(t) and len(t.split()) >= 8):
            break
        parts.append(t)
        used[k] = ""
    if parts:
        used[heading] = "the heading of the abstract"
    return " ".join(parts) or None


def _why(text: str) -> str:
    return "page furniture or another paper the page lists (its references, related articles), not the paper"
