"""A Google Scholar profile's list of articles, as copied from the browser.

Why apart from :mod:`.scholar`: a profile shows no byline (``authors - venue, year - host``), the only thing
that identifies a result on the results page; read as a results page or as titles, each paper's venue line
("nature 521 (7553), 436-444") became a paper of its own and the titles were lost.  The profile's table has
three cells a row, copied as::

    Deep learning                                 ← the title
    Y LeCun, Y Bengio, G Hinton                   ← the authors, initials first (cut with "..." when long)
    nature 521 (7553), 436-444<TAB>90312<TAB>2015 ← the venue, then the "cited by" count and the year

(the count has a ``*`` when Scholar merged versions; a cell may be empty; without tabs the count and the year
are lines of their own).  The venue is Scholar's short form, "Name VOLUME (ISSUE), PAGES" — read into the
venue's fields — or an arXiv id ("arXiv preprint arXiv:1503.02531").  The rest of the page (the owner's
name, affiliation and interests, the citation counts, the co-authors) is skipped.
"""

from __future__ import annotations

import re

from ...record import PageReader
from ..paperids import find_ids
from ..pastetext import Line, looks_like_names, split_authors
from .base import Draft
from .details import venue_fields

__all__ = ["HEADER", "Row", "rows", "draft"]

#: the heading of the table's "cited by" column (the results page writes "Cited by"): where a profile is
HEADER = "CITED BY"
#: a venue cell followed by the "cited by" and year cells (either may be empty)
_CELLS = re.compile(r"\t[ \t]*(?P<cited>\d[\d,]*\*?)?[ \t]*\t[ \t]*(?P<year>(?:19|20)\d\d)?[ \t]*$")
_COUNT = re.compile(r"^\d[\d,]*\*?$")
_YEAR_CELL = re.compile(r"^(?:19|20)\d\d$")
#: Scholar's venue: "nature 521 (7553), 436-444", "Advances in neural information processing systems 25"
_VENUE = re.compile(r"^(?P<name>.*?[^\W\d_)])\s+(?P<volume>\d{1,5})(?:\s*\((?P<number>[^()]{1,12})\))?"
                    r"(?:,\s*(?P<pages>[\w]+(?:\s*[-–]\s*\w+)?))?$")
_SCHOLAR_NAME = re.compile(r"^[A-Z]{1,3}(?:-[A-Z])?\s+\S")


#: a row of the table: ``(title line, authors line, venue line or None, venue text, year)``, lines by index
Row = tuple[int, int, int | None, str, int | None]


def rows(lines: list[Line]) -> list[Row]:
    """The table's rows (see :data:`Row`)."""
    found: list[Row] = []
    taken = -1
    for k, ln in enumerate(lines):
        t = ln.raw  # (the text as pasted: the structural form has no tabs)
        cells = _CELLS.search(t) if "\t" in t else None
        if cells is not None:
            cell, year = " ".join(t[:cells.start()].split()), cells.group("year")
            end = k
        elif _COUNT.match(t) and k + 1 < len(lines) and _YEAR_CELL.match(lines[k + 1].text) and k >= 2:
            cell, year, k = lines[k - 1].text.strip(), lines[k + 1].text, k - 1  # (cells a line each)
            end = k + 2
        else:
            continue
        above = [j for j in range(k - 1, max(taken, k - 4), -1) if lines[j].text][:2]
        row: Row
        if _names(cell) and above and not _names(lines[above[0]].text):  # no venue: the names carry the cells
            row = (above[0], k, None, "", int(year) if year else None)
        elif len(above) == 2 and _names(lines[above[0]].text):
            row = (above[1], above[0], k, cell, int(year) if year else None)
        else:
            continue
        found.append(row)
        taken = end
    return found


def _names(text: str) -> bool:
    first = text.split(",")[0].strip()
    return bool(_SCHOLAR_NAME.match(first)) and looks_like_names(text.rstrip("…. "))


def draft(reader: PageReader, lines: list[Line], row: Row) -> Draft:
    """The paper of one row (a draft of ``reader``'s)."""
    title_at, authors_at, _venue_at, venue, year = row
    d = Draft(reader, "profile", lines[title_at].no, confidence=0.9)
    d.title = lines[title_at].text.strip()
    authors = lines[authors_at].raw
    cells = _CELLS.search(authors) if "\t" in authors else None
    authors = " ".join((authors[:cells.start()] if cells else authors).split())
    names = split_authors(authors)
    d.authors, d.truncated = names.names, names.truncated or authors.endswith(("…", "..."))
    d.year = year
    for _s, _e, ident in find_ids(venue):
        d.add_id(ident)
    if venue and not d.ids and not venue.endswith(("…", "...")):
        m = _VENUE.match(venue)
        if m is not None:
            d.venue, d.volume, d.number = m.group("name"), m.group("volume"), m.group("number")
            d.pages = (m.group("pages") or "").replace("-", "–").replace(" ", "") or None
        else:
            venue_fields(d, venue)
    return d
