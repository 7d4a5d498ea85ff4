"""An Elsevier ScienceDirect article page copied whole: the one paper the page is about.

Why apart from :mod:`.article`: ScienceDirect prints no citation of the paper on its page (its "Cite" is a
button), so the paper is read from the page's header instead, which is the same on every article:

    Neural Networks                                  ← the journal
    Volume 61, January 2015, Pages 85-117            ← volume (issue), date, pages or article number
    Deep learning in neural networks: An overview    ← the title
    Author links open overlay panel Jürgen Schmidhuber a   ← a button's text, then the authors with
    Show more                                        ←   their affiliation letters; "Show more" ends them
    https://doi.org/10.1016/j.neunet.2014.09.003     ← the paper's DOI, after "Cite"

An article in press says "Available online 3 March 2023, 104567" instead of its volume.  The authors'
affiliation marks (``a``, ``b c``, ``1``, ``*``) may follow each name on its line or stand on lines of their
own; they are dropped.  The "Abstract" heading's paragraphs are the abstract; the rest of the page (its
outline, references, "Cited by", recommendations) is skipped.
"""

from __future__ import annotations

import re

from ...record import PageReader
from ..paperids import find_ids
from ..pastetext import Line
from .base import Draft

__all__ = ["BUTTON", "header"]

#: the text of the button before the authors (the copy glues it to the first name, or not)
BUTTON = "open overlay panel"
_ISSUE = re.compile(
    r"^(?:Volume\s+(?P<volume>\w+)(?:,\s*Issues?\s+(?P<number>[\w–-]+))?\s*,\s*|Available online\s+)"
    r"(?:(?:\d{1,2}\s+)?[A-Z][a-z]+(?:[–-][A-Z][a-z]+)?\s+)?(?P<year>(?:19|20)\d\d)"
    r"(?:\s*,\s*(?:Pages?\s+)?(?P<pages>[\w]+(?:\s*[-–]\s*\w+)?))?\s*$")
_MARK = re.compile(r"^(?:[a-z]{1,2}|\d{1,2}|[*†‡§¶#])$")  # an affiliation's or correspondence's mark
_END = ("show more", "add to mendeley", "share", "cite")


def header(lines: list[Line], button: int, reader: PageReader, used: dict[int, str]) -> Draft | None:
    """The paper the page's header describes (a draft of ``reader``'s), the author button being at
    ``lines[button]``; None when the lines around the button are not that header (no title above it)."""
    title_at = next((k for k in range(button - 1, max(-1, button - 4), -1) if lines[k].text), None)
    if title_at is None:
        return None
    d = Draft(reader, "sciencedirect", lines[title_at].no)
    d.title = lines[title_at].text.strip()
    used[title_at] = used[button] = ""
    for k in range(title_at - 1, max(-1, title_at - 6), -1):  # the issue line, the journal above it
        m = _ISSUE.match(lines[k].text)
        if m is None:
            continue
        used[k] = ""
        d.year, d.volume, d.number = int(m.group("year")), m.group("volume"), m.group("number")
        d.pages = (m.group("pages") or "").replace("-", "–").replace(" ", "") or None
        journal = next((j for j in range(k - 1, max(-1, k - 3), -1) if lines[j].text), None)
        if journal is not None:
            d.venue, d.venue_as, d.entry_type = lines[journal].text.strip(), "journal", "article"
            used[journal] = ""
        break
    names: list[str] = []
    first = lines[button].text
    rest = first[first.lower().index(BUTTON) + len(BUTTON):]
    k = button
    while True:
        names.extend(_names(rest))
        k += 1
        if k >= len(lines) or k > button + 60 or lines[k].text.strip().lower() in _END:
            break
        rest = lines[k].text
        used[k] = ""
    d.authors = [n for n in names if n]
    for j in range(k, min(len(lines), k + 12)):  # the DOI under the header's buttons
        found = [ident for _s, _e, ident in find_ids(lines[j].text) if ident.kind == "doi"] \
            if "10." in lines[j].text else []
        if found:
            d.add_id(found[0])
            used[j] = ""
            break
    return d


def _names(text: str) -> list[str]:
    """The names on one line of the author list, their marks dropped (a line of marks alone gives none)."""
    out: list[str] = []
    for part in text.replace(" and ", ",").split(","):
        words = part.split()
        while words and _MARK.match(words[-1]):
            words.pop()
        if len(words) >= 2 or (words and not _MARK.match(words[0]) and len(words[0]) > 2):
            out.append(" ".join(words))
    return out
