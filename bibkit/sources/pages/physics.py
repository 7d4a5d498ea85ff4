"""The physics styles of a reference: APS/AIP (REVTeX), Elsevier's and JHEP's physics journals, and a
publisher in parentheses.

Physics references name no title (the journal, volume, page and year say which paper it is), their authors
come initials first, and the details sit in fixed places:

=============== ==========================================================================================
APS, AIP        ``A. Einstein, B. Podolsky, and N. Rosen, Phys. Rev. 47, 777 (1935).``; ``J. Doe et al.,
                Phys. Rev. Lett. 124, 010501 (2020), arXiv:2001.01234.``; an old journal's place:
                ``Ann. Phys. (Leipzig) 17, 891 (1905)``; with the titles option: ``A. Author, Title, Phys.
                Rev. B 101, 045123 (2020).``; a collaboration: ``G. Aad et al. (ATLAS Collaboration), …``
Elsevier, JHEP  ``G. Aad et al., Phys. Lett. B 716 (2012) 1.``; ``JHEP 05 (2020) 123``
RSC             ``A. Smith and B. Jones, Chem. Sci., 2019, 10, 1234–1240.`` (chemistry: the year first)
a book          ``M. A. Nielsen and I. L. Chuang, Quantum Computation and Quantum Information (Cambridge
                University Press, Cambridge, 2000).``; Nature's ``Goodfellow, I. … Deep Learning (MIT Press,
                2016).``; Chicago's notes ``(Cambridge, MA: MIT Press, 2016)``
=============== ==========================================================================================

:func:`journal_reference` reads the first three shapes: the article number ("010501", "L123", "e2020…") is its
pages, the volume never stays in the journal's name.  :func:`trailing_publisher` finds the parenthesis a book
ends with (publisher, address, year), for the caller to read the authors and the title before it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ...normalize.pages import page_range
from .details import PUBLISHER_WORDS

__all__ = ["Journal", "Publisher", "journal_reference", "trailing_publisher", "AUTHORS_FIRST_INITIALS"]

_UP = "A-ZÀ-ÖØ-ÞĀ-Žƀ-ɏ"
_PARTICLE = r"(?:van|von|de|der|den|del|della|da|di|du|la|le|dos|das|ter|ten|'t|d'|O')"
#: one name written initials first: "A. Einstein", "J.-P. Blaizot", "R. P. Feynman", "G. 't Hooft", "J. D. van der
#: Waals", "M. L. King, Jr."
_NAME = (rf"(?:[{_UP}][a-z]?\.\s?-?\s?)+(?:{_PARTICLE}\s?)*[{_UP}][\w'’]+(?:-[{_UP}][\w'’]+)?"
         r"(?:,?\s(?:Jr\.|Sr\.|III|II|IV))?")
#: an author list written initials first, as APS, AIP and Elsevier print it, up to the comma after it
AUTHORS_FIRST_INITIALS = re.compile(
    rf"^(?P<authors>(?:(?:The\s+)?[{_UP}][\w-]+\s+Collaboration,\s+)?{_NAME}"
    rf"(?:(?:,\s+(?:and\s+)?|\s+and\s+|,?\s*&\s*){_NAME})*(?:,?\s+et\s+al\.?)?"
    rf"|(?:The\s+)?[{_UP}][\w-]+\s+Collaboration(?=,))"  # (or the collaboration alone: "ATLAS Collaboration, …")
    r"(?:\s*\([^()]{0,40}Collaboration[^()]{0,20}\))?,\s+(?!and\s|&)")  # (the whole list: no "…, and G. Lample." left)
_YEAR = r"(?P<year>(?:1[6-9]|20)\d\d)"  # (physics cites its classics: "Phys. Rev. 47, 777 (1935)", "(1687)")
_JOURNAL = r"(?P<journal>[A-Z](?:[^,()]|\([^()]{1,40}\)){1,80}?)"  # ("Physics (Long Island City, N.Y.)")
_VOLUME = r"(?P<volume>\d{1,5})"
_PAGES = r"(?P<pages>[A-Za-z]{0,2}\d{1,7}(?:\([A-Z]\))?(?:\s*[-–—]\s*[A-Za-z]{0,2}\d{1,7})?)"
#: "Journal V, P (Y)" (APS, AIP, Nature) and "Journal V (Y) P" (Elsevier, JHEP, Springer's physics journals),
#: ending the reference
_TAIL = re.compile(rf"{_JOURNAL}\s+{_VOLUME}\s*,\s+{_PAGES}\s*\({_YEAR}\)$"
                   rf"|{_JOURNAL.replace('journal', 'journal2')}\s+{_VOLUME.replace('volume', 'volume2')}\s*"
                   rf"\({_YEAR.replace('year', 'year2')}\)\s*,?\s*{_PAGES.replace('pages', 'pages2')}$")


#: the Royal Society of Chemistry's "Journal, Year, Volume, Pages" ("A. Smith and B. Jones, Chem. Sci., 2019, 10,
#: 1234–1240."; an issue in parentheses after the volume), ending the reference
_RSC_TAIL = re.compile(rf"{_JOURNAL},\s+{_YEAR},\s+{_VOLUME}(?:\s*\(\d{{1,4}}\))?,\s+{_PAGES}$")


def _proper(work: str) -> str:
    """The reference without what may follow it: blanked identifiers and their categories ("[hep-th]"),
    punctuation.  (By hand: a pattern anchored at the end would be tried at every character.)"""
    t = work.rstrip(" \t.,;")
    while t.endswith("]"):
        i = t.rfind("[")
        if i < 0 or len(t) - i > 32:
            break
        t = t[:i].rstrip(" \t.,;")
    return t


@dataclass(slots=True)
class Journal:
    """A journal reference in a physics style: ``title`` is ``None`` when the style names none."""

    authors: str
    title: str | None
    journal: str
    volume: str
    pages: str | None
    year: int


def journal_reference(work: str) -> Journal | None:
    """The fields of an APS/AIP or Elsevier-physics reference (``work``: identifiers blanked), or ``None``."""
    if "." not in work[:4] and "Collaboration" not in work[:80]:
        return None  # (a cheap look first: the authors come initials first)
    body = _proper(work)
    if ";" in body:  # APS's combined reference, "…, Nature Phys. 16, 1 (2020); Phys. Rev. D 102, 012345 (2020).":
        body = _proper(body[:body.index(";")])  # the first of them
    close = body.rfind(")")  # ("(2020)" ends it, or stands a page number before its end)
    dated = close >= 5 and body[close - 5] == "(" and len(body) - close <= 24
    if not dated and not (body[-1:].isdigit() and ("19" in body or "20" in body)):  # (RSC: "…, 2019, 10, 1234")
        return None
    head = AUTHORS_FIRST_INITIALS.match(body)
    if head is None:
        return None
    tail = _TAIL.search(body, head.end()) if dated else _RSC_TAIL.search(body, head.end())
    if tail is None:
        return None
    journal = tail.group("journal") or tail.group("journal2") if dated else tail.group("journal")
    if journal.casefold().startswith(("in ", "pp", "vol", "no.")) or not re.search(r"[A-Za-z]{2}", journal):
        return None
    title = body[head.end():tail.start()].strip(" ,")
    if title and _abbreviated(title):  # "Nachr. Ges. Wiss. Goettingen, Math.-Phys. Kl.": a journal's name with a comma
        journal, title = f"{title}, {journal.strip()}", ""
    groups = tail.groupdict()
    return Journal(head.group("authors"), title or None, journal.strip(), groups["volume"] or groups["volume2"],
                   page_range(groups["pages"] or groups["pages2"]), int(groups["year"] or groups["year2"]))


def _abbreviated(text: str) -> bool:
    """Whether ``text`` reads as a journal's abbreviated name: capitalised words, half of them cut short."""
    words = text.split()
    return all(w[:1].isupper() for w in words) and 2 * sum(w.endswith(".") for w in words) >= len(words)


@dataclass(slots=True)
class Publisher:
    """A book's publisher in parentheses: where the parenthesis starts (``start``), what follows it (``after``:
    pages or a chapter, ", p. 123")."""

    start: int
    publisher: str
    address: str | None
    year: int
    after: str


_PUB_WORDS = re.compile(rf"\b(?:{PUBLISHER_WORDS})\b|\b(?:Dover|Wiley|Springer|Clarendon|North-Holland|Academic|"
                        r"Pergamon|McGraw-Hill|Freeman|Cambridge|Oxford|Princeton|Harvard|Yale|MIT|Birkhäuser|Plenum|"
                        r"CRC|Taylor|Kluwer|Reidel|Interscience|Perseus|Basic Books|Norton|Penguin|Knopf|Macmillan|"
                        r"Houghton|Random House|Addison|Benjamin|Cummings|Saunders|Chapman|Hall)\b")
#: "(Publisher, Address[, Address], Year)", "(Address: Publisher, Year)", "(Publisher, Year)", optionally with the
#: edition before ("2nd ed.") and pages after ("), p. 123." / "), Chap. 4.")
_PAREN = re.compile(r"\((?:(?P<edition>[^(),]{1,20}\bed\.?),\s*)?(?P<inner>[^()]{3,160}?),\s*" + _YEAR + r"\)"
                    r"(?P<after>\s*(?:,\s*(?:pp?\.|Chap\.|Ch\.|Sec\.|Vol\.)\s*[\w–-]{1,20})*)$")
_PLACE = re.compile(r"^[A-Z][\w'’.-]*(?:\s+[A-Z][\w'’.-]*){0,3}$")


def trailing_publisher(work: str) -> Publisher | None:
    """The publisher, address and year a reference ends with in parentheses (physics and Nature books,
    Chicago's notes), or ``None``: a parenthesis naming no publisher ("(CVPR 2016)") is none."""
    body = _proper(work)
    if not body.endswith(")") and ")," not in body[-40:]:
        return None
    m = _PAREN.search(body)
    if m is None or m.start() < 10:
        return None
    inner = m.group("inner").strip()
    if ":" in inner:  # Chicago: "Cambridge, MA: MIT Press"
        address, _, publisher = inner.rpartition(":")
        address, publisher = address.strip(), publisher.strip()
    else:
        parts = [p.strip() for p in inner.split(",")]
        publisher, places = parts[0], parts[1:]
        if not all(_PLACE.match(p) for p in places):
            return None
        address = ", ".join(places)
    if not publisher or not _PUB_WORDS.search(publisher) \
            or (address and not _PLACE.match(address.split(",")[0].strip())):
        return None
    return Publisher(m.start(), publisher, address or None, int(m.group("year")), m.group("after"))
