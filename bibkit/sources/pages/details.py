"""A venue's details as a reference or a journal reference states them: volume, number, pages, month,
publisher and address, and where the venue's name ends.

Every common style puts the details after the venue's name, in its own notation:

========== ==========================================================================================
IEEE       ``Neural Comput., vol. 9, no. 8, pp. 1735–1780, Nov. 1997.``; ``in Proc. CVPR, Jun. 2016,
           pp. 770–778.``
APA        ``Neural Computation, 9(8), 1735–1780.``; ``Journal of Machine Learning Research, 3(Feb),
           1137–1155.``; ``Advances in …, 27, 3104–3112.``
natbib/ACL ``Advances in neural information processing systems, 33:1877–1901.``; ``In Proceedings of …,
           Volume 1 (Long and Short Papers), pages 4171–4186, Minneapolis, Minnesota. Association for
           Computational Linguistics.``
ACM        ``Neural Comput. 9, 8 (Nov. 1997), 1735–1780.``; ``In Proceedings of … (CHI '21). Association for
           Computing Machinery, New York, NY, USA, 1–14.``
Chicago    ``Neural Computation 9, no. 8 (1997): 1735–80.``; MLA ``Neural computation 9.8 (1997): 1735-1780.``
Vancouver  ``Adv Neural Inf Process Syst. 2017;30:5998-6008.``; ``Nature. 2015 May 28;521(7553):436-44.``
Springer   ``Neural Comput. 9(8), 1735–1780 (1997)``; ``In: NeurIPS, pp. 5998–6008 (2017)``
Nature     ``Nature 521, 436–444 (2015).``
========== ==========================================================================================

Only what the notation marks is taken: a labelled ``vol.``/``no.``/``pp.``/``pages``, the number shapes above
(``V(N)``, ``V:P–P``, ``;V(N):P``, ``V, N (Month Year)``, ``V, no. N``, ``V.N (Year)``, a volume before
``, P–P``), a month next to the year, a publisher that opens a sentence of the venue (its words say so:
"Association", "Press", "Springer"…), and an address where a style puts one (between the pages and the
publisher, after the publisher before the pages, ``Place: Publisher``).  Pages are stored the project's one
way (:func:`bibkit.normalize.pages.page_range`: an en dash), months as numbers (the writer's month macro).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ...bibsyntax import month_number
from ...normalize.pages import page_range
from ..pastetext import split_authors, trim_venue
from .base import Draft, venue_kind

__all__ = ["VenueDetails", "venue_details", "venue_fields", "PUBLISHER_WORDS"]


@dataclass(slots=True)
class VenueDetails:
    """What a venue text states beside the venue's name; ``name_end`` is where the name stops."""

    name_end: int
    volume: str | None = None
    number: str | None = None
    pages: str | None = None
    month: int | None = None
    month_year: int | None = None  # the year written beside the month
    publisher: str | None = None
    address: str | None = None
    year_first: bool = False  # the details open with the year (ACS): a full stop before them is the name's


_PAGE = r"[A-Za-z]?\d+[A-Za-z]?"
_RANGE = rf"{_PAGE}(?:\s*(?:-{{1,3}}|[\u2010-\u2015\u2212])\s*{_PAGE})?"
_DASH = r"(?:-{1,3}|[\u2010-\u2015\u2212])"
#: a page number IEEE prints with a thin space between its thousands ("pp. 24 824–24 837")
_GROUPED = r"\d{1,3}(?:[ \u2009\u202f]\d{3})+"
_YEAR = r"(?:19|20)\d\d"
_MON = (r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sept?(?:ember)?|"
        r"Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)")
#: words that make a sentence of a venue its publisher ("Association for Computational Linguistics",
#: "MIT Press", "Curran Associates, Inc.", "Springer")
PUBLISHER_WORDS = (r"Association|Society|Press|Publishing|Publishers|Associates|Inc|Ltd|GmbH|PMLR|Springer|"
                   r"Elsevier|Wiley|OpenReview\.net|Morgan Kaufmann|Curran|O'Reilly|Addison[- ]Wesley|Pearson|"
                   r"Prentice[- ]Hall|IEEE Press|ACM Press|Now Publishers|World Scientific|Routledge|Sage")

#: ACS, RSC and MDPI put the year first: "J. Am. Chem. Soc. 2019, 141, 1234–1240", "Chem. Mater. 2020, 32 (4),
#: 1522–1530", "Chem. Sci., 2019, 10, 1234", "Remote Sens. 2021, 13, 1234" (an article number); a full stop
#: right before the year is the abbreviated name's ("Remote Sens."), never a sentence's end.  (The century's digits
#: first, the look behind them after: a pattern opening with a literal is scanned for fast.)
_YEAR_FIRST = (rf"(?:19|20)(?<![\w.:/-]\d\d)\d\d,\s*(?P<volume>\d{{1,5}})(?:\s*\((?P<number>[\w/–-]{{1,12}})\))?,\s*"
               rf"(?P<pages>{_RANGE})(?=[\s.;]*$|[.;]\s)")
#: details in the order they are looked for; each pattern's groups name the fields it gives
_PATTERNS: tuple[re.Pattern[str], ...] = tuple(re.compile(p) for p in (
    # labelled: "vol. 30", "Volume 1", "no. 8", "pp. 770–778", "pages 4171–4186", "p. 12"
    r"\b(?:[Vv]ol(?:ume)?\.?|VOL\.)\s*(?P<volume>\d+[A-Za-z]?|[IVXLC]+)\b",
    r"\b(?:[Nn]os?\.|[Nn]umber|[Ii]ssue)\s*(?P<number>\d[\w/–-]*|[A-Z]+\d+\w*)",
    rf"(?:\b[Pp]p?\.|\b[Pp]ages)\s*(?P<pages>{_GROUPED}\s*{_DASH}\s*{_GROUPED}|{_RANGE})(?![\w/])",
    # Vancouver "2017;30:5998-6008", "2015 May 28;521(7553):436-44"
    rf";\s*(?!{_YEAR}\b(?!\s*[(:]))(?P<volume>\d{{1,5}})(?:\s*\((?P<number>[\w/–-]{{1,12}})\))?(?:\s*:\s*(?P<pages>{_RANGE}))?(?![\w/])",
    # APA/Springer "9(8)", "3(Feb)" (optionally ", 1735–1780" or ": 1735–1780")
    rf"(?<![\w.:/-])(?P<volume>\d{{1,5}})\s*\((?!{_YEAR}\))(?P<number>[\w/–-]{{1,12}})\)"
    rf"(?:\s*[,:]\s*(?P<pages>{_RANGE})(?![\w/]))?",
    # natbib "33:1877–1901"
    rf"(?<![\w.:/-])(?P<volume>\d{{1,5}})\s*:\s*(?P<pages>{_RANGE})(?![\w/:])",
    # ACM "9, 8 (Nov. 1997)", "55, 6, Article 109 (Dec. 2022)"; Chicago "9, no. 8"; MLA "9.8 (1997)"; but Nature's
    # and APS's "Nat. Commun. 16, 1234 (2025).", "Phys. Rev. Lett. 124, 010501 (2020)": a volume, one page or article
    # number and the year ending the reference (ACM's issue number has the pages after it)
    rf"(?<![\w.:/-])(?P<volume>\d{{1,5}}),\s*(?:(?P<pages>[A-Za-z]?\d{{1,7}})\s*\({_YEAR}\)(?=[\s.,;]*$)|"
    rf"(?P<number>\d{{1,5}})(?:,\s*Article\s+\w{{1,10}})?\s*\((?:{_MON}\.?\s+)?{_YEAR}\))",
    r"(?<![\w.:/-])(?P<volume>\d{1,5}),\s*no\.",
    # (and MLA without an issue, "Advances in Neural Information Processing Systems 37 (2024): 136897-136921";
    # SIAM "Journal, 21 (2020), pp. 1–30" and the AMS "Journal 21 (2020), no. 3, 1–30")
    # (a page range's end is no volume: "Nature 521, 436–444 (2015)")
    r"(?<![\w.:/\-\u2010-\u2015\u2212])(?<![\u2010-\u2015\u2212-] )"
    rf"(?!{_YEAR}\b)(?P<volume>\d{{1,4}})(?:\.(?P<number>\d{{1,4}})\s*\({_YEAR}\)|\s*\({_YEAR}\)"
    r"(?=\s*(?:[:,.]|$)))",
    _YEAR_FIRST,
    # a volume before the pages: APA "27, 3104–3112", Nature "521, 436–444"
    rf"(?<![\w.:/-])(?P<volume>\d{{1,5}}[A-Za-z]?),\s*(?P<pages>{_PAGE}\s*(?:-{{1,3}}|[\u2010-\u2015\u2212])\s*{_PAGE})"
    r"(?![\w/])",
    # Chicago "(1997): 1735–80"; a bare page range after a comma or before "(2015)"
    rf"(?<=\))\s*:\s*(?P<pages>{_RANGE})(?![\w/])",
    rf"(?:(?<=,)|(?<=, )|(?<=\. ))(?P<pages>{_PAGE}\s*(?:-{{1,3}}|[\u2010-\u2015\u2212])\s*{_PAGE})"
    rf"(?=\s*(?:[.,;]|\(|$))",
    # Wikipedia's volume, a sentence of its own: "Advances in Neural Information Processing Systems. 30. Curran …"
    rf"\.\s(?!{_YEAR}\b)(?P<volume>\d{{1,4}})(?=\.\s|\.?$)",
    # APA's volume alone ending the venue (no pages: Google Scholar's and Zotero's "Advances in Neural Information
    # Processing Systems, 30."); a year there is no volume ("Proceedings of ACL, 2019")
    rf",\s*(?!{_YEAR}\b)(?P<volume>\d{{1,4}})[\s.]*$",
))
#: the fields each pattern gives
_GROUPS: tuple[tuple[str, ...], ...] = tuple(tuple(n for n in ("volume", "number", "pages") if n in p.groupindex)
                                             for p in _PATTERNS)
#: for each pattern, literals of which it needs one (cheap tests that spare most patterns most references)
_NEEDLES: tuple[tuple[str, ...], ...] = (("ol", "OL"), ("o.", "umber", "ssue"), ("p.", "ages", "P."), (";",), ("(",),
                                         (":",), ("(",), ("no.",), ("(",), (",",), (",",), ("):", ") :"),
                                         (",", ". "), (". ",), (",",))
_TABLE = tuple(zip(_NEEDLES, _PATTERNS, _GROUPS))
_YEAR_FIRST_PATTERN = next(p for p in _PATTERNS if p.pattern == _YEAR_FIRST)
#: a month beside the year: "Jun. 2016", "Nov. 1997", "June 27–30, 2016", "(Nov. 1997)", Vancouver "2015 May 28"
_MONTH = re.compile(rf"\b(?P<mon>{_MON})\.?\s+(?:\d{{1,2}}(?:\s*[–-]\s*\d{{1,2}})?,?\s+)?"
                    rf"(?P<year>{_YEAR})\b"
                    rf"|\b(?P<year2>{_YEAR})\s+(?P<mon2>{_MON})\b(?:\s+\d{{1,2}})?")
#: a day before the month, Wikipedia's "14 February 2019" (no part of the venue's name; looked for behind a month found)
_DAY_BEFORE = re.compile(r"(?<!\w)\d{1,2}\s+$")
_PUBLISHER = re.compile(
    rf"(?:^|(?<=\.\s)|(?<=:\s))(?P<pub>(?:[A-Z][\w&'’.-]*\s+){{0,5}}?(?:[\w.-]*(?:{PUBLISHER_WORDS})\b)"
    r"(?:\s+(?:for|of|and|&|the|[A-Z][\w&'’.-]*)|,?\s+(?:Inc\.?|Ltd\.?|LLC))*\.?)")
#: all that may follow a publisher that is the whole venue: its year ("MIT Press, 2016.", "Springer (2009)")
_ONLY_YEAR = re.compile(r"[\s,]*\(?(?:19|20)\d\d[a-z]?\)?[\s.]*$")
#: all that may follow a publisher that is the whole venue: its address (ACM's "Wiley, New York, NY."), a year
_ONLY_ADDRESS = re.compile(r",\s*[A-Z][\w'’.-]*(?:\s+[A-Z][\w'’.-]*){0,3}"
                           r"(?:,\s*[A-Z][\w'’.-]*(?:\s+[A-Z][\w'’.-]*){0,3}){0,3}(?:,?\s*\(?(?:19|20)\d\d\)?)?[\s.]*$")
_PERIODICAL = re.compile(r"\b(?:Journal|Science|Letters|Review|Transactions|Proceedings|Bulletin|Annals|Magazine)\b")
_PLACE = re.compile(r"^(?:[A-Z][\w'’.-]*)(?:\s+[A-Z][\w'’.-]*){0,3}$")
#: "Cambridge, MA: MIT Press" — the place before a publisher's colon
_PLACE_COLON = re.compile(r"(?:^|(?<=\.\s)|(?<=,\s))(?P<place>[A-Z][\w'’.-]*(?:\s+[A-Z][\w'’.-]*){0,2}"
                          r"(?:,\s*[A-Z][\w'’.-]*(?:\s+[A-Z][\w'’.-]*){0,2}){0,2}):\s+$")


_DIGIT = re.compile(r"\d")  # (a cheap first look for a digit; ``str.isdigit`` also knows "²", which ``\d`` does not)


def venue_details(text: str) -> VenueDetails:
    """The details ``text`` (the part of a reference after its title) states, and where its venue's name ends."""
    d = VenueDetails(len(text))
    spans: list[tuple[int, int]] = []
    if _DIGIT.search(text) is None and (text.isascii() or not any(map(str.isdigit, text))):
        _publisher(d, text, spans)
        return d
    for needles, pattern, names in _TABLE:
        for needle in needles:
            if needle in text:
                break
        else:
            continue  # (a literal the pattern needs is missing)
        if all(getattr(d, name) is not None for name in names):
            continue  # (it could only give what is known)
        for m in pattern.finditer(text):
            if any(s <= m.start() < e for s, e in spans):
                continue
            took = False
            for name in names:
                value = m.group(name)
                if value and getattr(d, name) is None:
                    setattr(d, name, _pages(value) if name == "pages" else value)
                    took = True
            if took:
                spans.append((m.start(), m.end()))
                if m.start() < d.name_end:
                    d.name_end, d.year_first = m.start(), pattern is _YEAR_FIRST_PATTERN
    _month(d, text)
    _publisher(d, text, spans)
    return d


def _pages(value: str) -> str | None:
    """A page range stored the project's one way; "24 824" (thousands spaced, IEEE) is page 24824."""
    return page_range(re.sub(r"(?<=\d)[ \u2009\u202f](?=\d{3}\b)", "", value))


_MONTH_STARTS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
#: literals one of which every publisher the pattern finds holds
_PUBLISHER_NEEDLES = ("Associat", "Societ", "Press", "Publish", "Inc", "Ltd", "GmbH", "PMLR", "Springer", "Elsevier",
                      "Wiley", "OpenReview", "Morgan", "Curran", "Reilly", "Wesley", "Pearson", "Prentice",
                      "Scientific",
                      "Routledge", "Sage")


def _month(d: VenueDetails, text: str) -> None:
    if not any(m in text for m in _MONTH_STARTS):
        return
    for m in _MONTH.finditer(text):
        number = month_number(m.group("mon") or m.group("mon2"))
        if number is not None:
            d.month, d.month_year = number, int(m.group("year") or m.group("year2"))
            start = m.start()
            day = _DAY_BEFORE.search(text, max(0, start - 5), start) if m.group("mon") else None
            d.name_end = min(d.name_end, day.start() if day else start)
            return


def _publisher(d: VenueDetails, text: str, spans: list[tuple[int, int]]) -> None:
    """A publisher opening a sentence of the venue (not its first: that is the venue's name), and the
    address a style puts beside it."""
    for needle in _PUBLISHER_NEEDLES:  # (a loop, not any(): this runs on every venue)
        if needle in text:
            break
    else:
        return
    for m in _PUBLISHER.finditer(text):
        if any(s <= m.start() < e for s, e in spans):
            continue
        if m.start() == 0 and ((m.end() < len(text.rstrip(" .")) and not _ONLY_YEAR.match(text, m.end())
                                and not _ONLY_ADDRESS.match(text, m.end()))
                               or _PERIODICAL.search(m.group("pub"))):
            continue  # the venue's own name ("Royal Society Open Science"), not a publisher ("MIT Press, 2016" is,
            # and ACM's book imprint "Wiley, New York, NY.")
        d.publisher = m.group("pub").rstrip(" ,").removesuffix(".") if not m.group("pub").endswith(
            ("Inc.", "Ltd.")) else m.group("pub").rstrip(" ,")
        d.name_end = min(d.name_end, m.start())
        before = text[:m.start()]
        colon = _PLACE_COLON.search(before)
        if colon:  # "Cambridge, MA: MIT Press"
            d.address = colon.group("place")
            d.name_end = min(d.name_end, colon.start())
            return
        after = text[m.end():]
        tail = re.match(r",\s*((?:[A-Z][\w'’.-]*(?:\s+[A-Z][\w'’.-]*){0,3})(?:,\s*[A-Z][\w'’.-]*(?:\s+[A-Z][\w'’.-]*)"
                        r"{0,3}){0,3})(?=,\s*(?:\d|Article|pp?\.|pages)|\.?\s*$)", after)
        if tail and not re.search(PUBLISHER_WORDS, tail.group(1)):  # ACM: "…Machinery, New York, NY, USA, 1–14"
            d.address = tail.group(1)
            return
        last = max((e for s, e in spans if e <= m.start()), default=None)
        if last is not None:  # ACL: "pages 4171–4186, Minneapolis, Minnesota. Association for …"
            between = before[last:].strip().rstrip(".").strip(" ,")
            parts = [p.strip() for p in between.split(",") if p.strip()]
            if parts and len(parts) <= 3 and all(_PLACE.match(p) for p in parts) and between == before[last:].strip(
                    " ,.").rstrip("."):
                d.address = ", ".join(parts)
        return


#: what introduces a venue ("In", "In:", and a journal reference's "Published in", "Accepted at", "To appear in")
_VENUE_IN = re.compile(r"^(?:in\s*:?\s*|(?:published|accepted|presented|appeared|to appear)\s+(?:in|at|to|by)\s+)",
                       re.IGNORECASE)
#: a venue that is a book's imprint (Chicago, Harvard, IEEE, APA 6): "[Nth edn.] Place[, Region]: Publisher[, Year]"
_IMPRINT = re.compile(r"^(?:(?P<edition>\d{1,2}(?:st|nd|rd|th))\s+edn?\.?\s+)?"
                      r"(?P<place>[A-Z][\w'’.-]*(?:\s+[A-Z][\w'’.-]*){0,2}(?:,\s*[A-Z][\w'’.-]*(?:\s+[A-Z][\w'’.-]*){0,2})"
                      r"{0,2}):\s*(?P<publisher>[A-Z](?:[^:;().]|\.(?!\s+[A-Z])){1,80}?)(?:[,.]\s*\(?(?:19|20)\d\d\)?)?"
                      rf"(?:,\s*pp?\.\s*(?P<pages>{_RANGE}))?\.?$")
#: a book's editors before its title, where the reference says the paper is "in" it: APA's "In J. Burstein, C. Doran,
#: & T. Solorio (Eds.), Proceedings of … (pp. 4171–4186).", Springer's "In: Leibe, B., Matas, J. (eds) Computer Vision –
#: ECCV 2016. ECCV 2016. Lecture Notes in Computer Science(), vol 9908. Springer, Cham."
_EDITORS_FIRST = re.compile(r"^(?P<editors>[^()]{2,400}?)\s*\((?:[Ee]ds?|[Hh]rsg|[Hh]g)\.?\)\s*[,.:]?\s+")
#: the book series a Springer volume is in, before its volume: "Lecture Notes in Computer Science(), vol 9908"
_SERIES = re.compile(r"(?:^|(?<=\.\s))(?P<series>[A-Z][^.()]{3,120}?)(?:\(\))?,\s*(?=[Vv]ol\.?\s+\d)")
_NOT_PUBLISHER = re.compile(r"(?:Vol|Volume|Long|Short|Part|Papers|Main|Findings|Demo|System|Student)\b")
_VENUE_YEAR_END = re.compile(r"[,(]?\s*(?:19|20)\d\d[a-z]?\)?\.?\s*$")


def venue_fields(d: Draft, venue: str) -> None:
    """The venue's name and the details it states (volume, number, pages, month, publisher, address) on ``d``:
    the name never carries them (see :mod:`.details`)."""
    v = " ".join(venue.split()).strip(" ,.;:")
    contained = v[:2] in ("In", "in", "IN") and (len(v) == 2 or not v[2].isalnum())  # ("In", "In:", not "Int.")
    v = _VENUE_IN.sub("", v)
    if contained and "(" in v:
        v = _editors_first(d, v)
    imprint = _IMPRINT.match(v) if ":" in v else None
    if imprint is not None and venue_kind(imprint.group("place")) == "journal" \
            and not _PERIODICAL.search(imprint.group("place")) and not _NOT_PUBLISHER.match(imprint.group("publisher")):
        # "New York: Simon & Schuster", "3rd edn. London: Pan Books": a book's publisher
        d.address, d.publisher = imprint.group("place"), imprint.group("publisher").strip()
        if imprint.group("edition"):
            d.extra.setdefault("edition", imprint.group("edition"))
        if imprint.group("pages"):
            d.pages = _pages(imprint.group("pages"))
        return
    found = venue_details(v)
    d.volume, d.number, d.pages = found.volume, found.number, found.pages
    d.publisher, d.address = found.publisher, found.address
    if found.month is not None and (d.year is None or d.year == found.month_year):
        d.month = found.month
    d.venue = _venue_name(v[:found.name_end])
    if found.year_first and d.venue and not d.venue.endswith(".") and v[:found.name_end].rstrip().endswith("."):
        d.venue, d.venue_exact = d.venue + ".", True
    if contained and d.venue and d.venue_as is None and found.number is None and "roc" not in d.venue \
            and not _PERIODICAL.search(d.venue) and venue_kind(d.venue) == "journal":
        # "In {\em Advances in Knowledge Discovery}", "In Handbook of …", "In The Semantic Web – ISWC 2019": what a
        # reference says is "in" is a book the paper is part of (the proceedings, a collection), not a journal
        d.venue_as = "booktitle"


def _editors_first(d: Draft, v: str) -> str:
    """The venue after the editors a book's title follows (``d.editors``; the venue is then a book's title); a
    Springer volume's series (``series``) and the conference's short name between them left out."""
    eds = _EDITORS_FIRST.match(v)
    if eds is None:
        return v
    names = split_authors(eds.group("editors")).names
    if not names:
        return v
    d.editors, d.venue_as = names, d.venue_as or "booktitle"
    v = v[eds.end():]
    series = _SERIES.search(v)
    title_end = v.find(". ")
    if series is not None and 0 < title_end <= series.start():  # "Book Title. ECCV 2016. Series(), vol 9908. …"
        d.extra.setdefault("series", series.group("series").strip())
        v = f"{v[:title_end]}, {v[series.end():]}"
    return v


_OPEN_BRACKET_END = re.compile(r"\s*[(\[][\s,;:]*$")
_TWO_LETTERS = re.compile(r"[A-Za-z]{2}")


def _venue_name(v: str) -> str | None:
    """The venue's name as the text before its details gives it: without the year and loose brackets."""
    v = v.rstrip(" ,;:")
    tail = _VENUE_YEAR_END.search(v, max(0, len(v) - 16))
    v = (v[: tail.start()] if tail else v).strip(" ,;:").lstrip(".")
    if "(" in v or "[" in v:  # "… Linguistics (Volume 1: Long Papers)" cut at its volume
        v = _OPEN_BRACKET_END.sub("", v)
    if v.count("(") > v.count(")"):
        v = v + ")"
    v = trim_venue(v)
    if not v or not _TWO_LETTERS.search(v):
        return None
    return v if len(v) <= 200 else None
