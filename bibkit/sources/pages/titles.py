"""The ``titles`` reader: a title line, maybe an author line, maybe an abstract paragraph.

That is what the Hugging Face trending and daily feeds look like when copied, and what a
plain list of titles is; :mod:`bibkit.sources.listing` reads it (a segmentation of the
lines into titles, author lines and abstracts, see there).  This module adapts it to the
page readers: it reads one block of a longer paste, with the block's line numbers, and
says which lines of the feed are the feed's (the segmenter's evidence).
"""

from __future__ import annotations

import re

from ...model import Document
from ...record import PageReader, ReadBy
from ..listing import read_lines
from ..pastetext import Line

__all__ = ["NAME", "read_region", "line_evidence"]

NAME = PageReader.TITLES

_FEED = re.compile(
    r"^(?:Submitted by\b|Upvote\b|Get trending papers|Daily Papers$|Trending Papers$|by ?AK and the research community|"
    r"(?:·\s*)?Published on\s+\w{3}|(?:·\s*)?[\d,.]+[kK]?\s+(?:upvotes?|authors?)$|(?:.*\s)?·\s*\+?\d+\s+authors?$|"
    r"[▲△⬆↑]\s*\d+$|.{2,60}\s(?:and|&|\+)\s*\d+\s+(?:others?|more|authors?)$)",
    re.IGNORECASE,
)


def line_evidence(line: Line) -> float:
    """Lines only the Hugging Face feeds show (their card furniture)."""
    t = line.text
    if not t or len(t) > 400:
        return 0.0
    if len(t) > 60 and "·" not in t and " other" not in t and " more" not in t and " author" not in t:
        return 0.0  # the feed's furniture is short, or an author line with a count
    return 1.5 if _FEED.match(t) else 0.0


def read_region(raw: list[str], first: int, origin: str, confidence: float, *, strict: bool = False,
                rich: bool | None = None) -> Document:
    """Read lines ``raw`` (line ``first`` of the input onwards) as titles with abstracts (``rich``:
    see :func:`~bibkit.sources.listing.read_lines`)."""
    doc = read_lines(raw, origin, strict=strict, first=first, final=False, paste_rich=rich)
    for entry in doc.entries:
        shape = "title+abstract" if entry.abstract else "title"
        own = 0.95 if entry.abstract else 0.7
        if entry.authors and not entry.abstract:
            own = 0.8
        entry.record.read_by = ReadBy(NAME, round(own * confidence, 2), shape)
    return doc
