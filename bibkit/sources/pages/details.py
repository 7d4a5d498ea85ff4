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
from ..pastetext import looks_like_names, split_authors, strip_author_segment, trim_venue
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
#: a publisher: words of :data:`PUBLISHER_WORDS`, after up to five capitalised words joined by "of", "and", "the",
#: "for" ("University of Chicago Press", "Society for Industrial and Applied Mathematics"); none ends a sentence
#: ("Great Book of Things. ACM Press": the publisher is "ACM Press"), an initial's stop aside
_PUBLISHER = re.compile(
    rf"(?:^|(?<=\.\s)|(?<=:\s))(?P<pub>(?:[A-Z][\w&'’-]*(?:\.(?=\S)|(?<=\b[A-Z])\.)?\s+(?:(?:of|and|&|the|for)\s+)?)"
    r"{0,5}?"
    rf"(?:[\w.-]*(?:{PUBLISHER_WORDS})\b)"
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
#: a venue that is a book's imprint (Chicago, Harvard, IEEE, APA 6, Vancouver): "[Nth edn.] Place[, Region]:
#: Publisher[, Year]" (Vancouver: "; Year")
_IMPRINT = re.compile(r"^(?:(?P<edition>\d{1,2}(?:st|nd|rd|th))\s+edn?\.?\s+)?"
                      r"(?P<place>[A-Z][\w'’.-]*(?:\s+[A-Z][\w'’.-]*){0,2}(?:,\s*[A-Z][\w'’.-]*(?:\s+[A-Z][\w'’.-]*){0,2})"
                      r"{0,2}):\s*(?P<publisher>[A-Z](?:[^:;().]|\.(?!\s+[A-Z])){1,80}?)(?:[,.;]\s*\(?(?:19|20)\d\d\)?)?"
                      rf"(?:,\s*pp?\.\s*(?P<pages>{_RANGE}))?\.?$")
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
    v = _book_editors(d, v)
    if d.entry_type is None and (("hesis" in v or "issertation" in v or "Tech" in v or "Report" in v or "atent" in v)
                                 and _thesis_or_report(d, v)):
        found = venue_details(v)  # (its month: a patent's "Jan. 2, 2018", a report's "Mar. 2004")
        if found.month is not None and (d.year is None or d.year == found.month_year):
            d.month = found.month
        return
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
    d.publisher, d.address = found.publisher or d.publisher, found.address or d.address
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


#: the editors of the book a reference is "In": before the title, APA's and Harvard's "In J. Smith & K. Doe (Eds.),
#: Title" (also ACM's "Title, J. Smith (Ed.)."); after it, IEEE's "in Title, A. Editor and B. Editor, Eds. Place:"
#: and Chicago's and MLA's "In Title, edited by Philip B. Kurland and Ralph Lerner, 45–60."
#: (before the title also Springer's "In: Leibe, B., Matas, J. (eds) Computer Vision – ECCV 2016. ECCV 2016. Lecture
#: Notes in Computer Science(), vol 9908. Springer, Cham.", whose series is read apart: :data:`_SERIES`)
_EDS_BEFORE = re.compile(r"^(?P<eds>[^()]{2,400}?)\s*\((?:eds?|editors?|hrsg|hg)\.?\)\s*[,.:]?\s+(?P<rest>\S.*)$",
                         re.IGNORECASE)
_EDS_AFTER = re.compile(r",\s+(?P<eds>[^,()]{3,100}(?:,\s*[^,()]{3,60}){0,6}?),?\s*"
                        r"(?:\((?:[Ee]ds?|[Hh]rsg)\.?\)|[Ee]ds?\.)(?P<end>[,.]?)(?=\s|$)")
_EDITED_BY = re.compile(r",?\s+edited\s+by\s+(?P<eds>(?:[^,.;()]|(?<=\b[A-Z])\.){3,80}"
                        r"(?:,\s*(?:and\s+)?(?:[^,.;()\d]|(?<=\b[A-Z])\.){3,60}){0,6}?)"
                        r"(?=[,.;]\s*(?:\d|pp?\.|[A-Z]|$)|\s*\(|$)")


#: each editors pattern with literals one of which it needs
_EDITOR_PATTERNS = ((_EDS_BEFORE, ("(Ed", "(ed", "(Hrsg", "(hrsg", "(Hg", "(hg")),
                    (_EDS_AFTER, ("Ed.", "ed.", "Eds.", "eds.", "(Ed", "(ed", "rsg")),
                    (_EDITED_BY, ("edited by",)))


def _book_editors(d: Draft, v: str) -> str:
    """The venue of an "In …" reference without its editors, put on ``d`` (see :data:`_EDS_BEFORE`); the
    names must read as names, so a title with "(Ed.)" in it stays whole."""
    if not ("d." in v or "ds." in v or "d)" in v or "ds)" in v or "dited by" in v or "rsg" in v or "(Hg" in v
            or "(hg" in v):
        return v  # (what every pattern needs one of: most venues have no editors, "Proceedings of …" included)
    for pattern, needles in _EDITOR_PATTERNS:
        for needle in needles:
            if needle in v:
                break
        else:
            continue
        m = pattern.search(v) if pattern is not _EDS_BEFORE else pattern.match(v)
        if m is None:
            continue
        names = strip_author_segment(m.group("eds"))
        if not looks_like_names(names):
            continue
        found = split_authors(names)
        if not found.names:
            continue
        d.editors = found.names
        # a venue with editors is a book the work is part of: proceedings, or else a collection (@incollection;
        # a volume of a series such as Springer's LNCS is the proceedings it mostly is)
        d.venue_as = d.venue_as or "booktitle"
        if pattern is _EDS_BEFORE:
            rest = _without_series(d, m.group("rest"))
            if d.entry_type is None and "series" not in d.extra and venue_kind(rest) != "booktitle":
                d.entry_type = "incollection"
            return rest
        if d.entry_type is None and venue_kind(v) != "booktitle":
            d.entry_type = "incollection"
        rest = v[m.end():].lstrip(" ,.")
        if pattern is _EDITED_BY:
            imprint = _MLA_PUBLISHER.match(rest)
            if imprint is not None:  # MLA: "…, edited by Mary Smith, Penguin, 2013, pp. 193–200"
                d.publisher = imprint.group("publisher")
                rest = rest[imprint.end("publisher"):].lstrip(" ,")
        end = m.groupdict().get("end") or ""
        return v[:m.start()] + (". " if end == "." or pattern is _EDS_AFTER and not end else ", ") + rest
    return v


def _without_series(d: Draft, v: str) -> str:
    """A book's title and imprint without the series of a Springer volume and the conference's short name between
    them (the series put on ``d``): "Computer Vision – ECCV 2016. ECCV 2016. Lecture Notes in Computer Science(), vol
    9908. Springer, Cham." → "Computer Vision – ECCV 2016, vol 9908. Springer, Cham."."""
    series = _SERIES.search(v) if "ol" in v else None
    title_end = v.find(". ")
    if series is not None and 0 < title_end <= series.start():
        d.extra.setdefault("series", series.group("series").strip())
        v = f"{v[:title_end]}, {v[series.end():]}"
    return v


#: a thesis as IEEE and the physics styles give it in the venue's place: "Ph.D. dissertation, Dept. Comput. Sci.,
#: Stanford Univ., Stanford, CA, USA", "M.S. thesis, …", "Doctoral dissertation, …"
_THESIS_VENUE = re.compile(r"^(?P<kind>(?:unpublished\s+)?(?:Ph\.\s?D\.?|PhD|doctoral|master'?s|M\.\s?S(?:c)?\.?|MSc|"
                           r"M\.\s?A\.|M\.\s?Eng\.|diploma|bachelor'?s|B\.\s?S(?:c)?\.?))\s+(?:thesis|dissertation)\b"
                           r"[\s,.:]*(?P<rest>.*)$", re.IGNORECASE)
#: a technical report: IEEE's "Google, Mountain View, CA, USA, Tech. Rep. TR-2020-01", and "Tech. Rep. UCB/EECS-2010-1,
#: EECS Dept., Univ. California, Berkeley" (not a journal named "… Rep.": "Sci. Rep.", "Phys. Rep." need "Tech.")
_REPORT = re.compile(r"(?:^|,\s*|\.\s+)(?:Tech(?:nical)?\.?\s*Rep(?:ort)?\.?|Research\s+Report|Internal\s+Report)"
                     r"(?:\s*(?:No\.?\s*)?(?P<number>(?=[\w./:-]*\d)[A-Z0-9][\w./:-]*))?(?=[\s,.;]|$)")
#: a patent in the venue's place: "U.S. Patent 9 876 543", "European Patent EP 1 234 567 A1", "US Patent No. 7,654,321"
_PATENT = re.compile(r"^(?P<patent>(?:[A-Z][\w.]*\s?){0,3}Patent(?:\s+Application)?\s+(?:No\.?\s*)?[A-Z]{0,2}\s?"
                     r"\d[\d ,/.]*(?:\s?[A-Z]\d?)?)(?:[,.;]|$)")
#: the words of an institution (a school or a report's issuer), the parts after which are its address
_INSTITUTION = re.compile(r"Univ|Institut|College|School|Dept|Department|Lab|Cent(?:re|er)|Hochschule|Academy|"
                          r"Polytechn|ETH\b|MIT\b|[ÉE]cole|Inc\b|Corp|Research|Google|Microsoft|IBM|Meta\b|Labs?\b")
_YEAR_PART = re.compile(r"^\(?(?:19|20)\d\d[a-z]?\)?$|^(?:[A-Z][a-z]{2}\.?\s+)?(?:19|20)\d\d$")


def _institution(parts: list[str]) -> tuple[str | None, str | None]:
    """``(institution, address)`` of a venue's comma-separated parts: up to the last part naming an institution
    ("Dept. Comput. Sci., Stanford Univ." | "Stanford, CA, USA"); without one, the first part is it."""
    parts = [p for p in parts if p and not _YEAR_PART.match(p)]
    if not parts:
        return None, None
    last = max((i for i, p in enumerate(parts) if _INSTITUTION.search(p)), default=0)
    return ", ".join(parts[:last + 1]), ", ".join(parts[last + 1:]) or None


def _thesis_or_report(d: Draft, v: str) -> bool:
    """Read a thesis's school or a technical report's institution and number onto ``d`` (see
    :data:`_THESIS_VENUE`, :data:`_REPORT`); whether the venue was one."""
    thesis = _THESIS_VENUE.match(v)
    if thesis is not None:
        kind = thesis.group("kind").casefold()
        d.entry_type = "phdthesis" if ("d" in kind.replace("dipl", "") and "eng" not in kind
                                       and not kind.startswith(("m", "b"))) else "mastersthesis"
        school, address = _institution([p.strip() for p in thesis.group("rest").split(",")])
        if school:
            d.extra["school"] = school
        d.address = d.address or address
        return True
    patent = _PATENT.match(v)
    if patent is not None:  # IEEE: "U.S. Patent 9 876 543, Jan. 2, 2018": BibTeX has no patent type
        d.entry_type = "misc"
        d.extra["howpublished"] = patent.group("patent").strip()
        return True
    report = _REPORT.search(v)
    if report is None:
        return False
    before = [p.strip() for p in v[:report.start()].split(",")]
    after = [p.strip() for p in v[report.end():].split(",")]
    institution, address = _institution(before if any(before) else after)
    if institution is None:
        return False
    d.entry_type = "techreport"
    d.extra["institution"] = institution
    d.address = d.address or address
    d.number = report.group("number") or d.number
    return True


#: MLA's publisher after a container's editors: "Penguin, 2013", "U of Chicago P, 2016, pp. 3–9"
_MLA_PUBLISHER = re.compile(r"(?P<publisher>[A-Z][\w&'’.-]*(?:\s+(?:[A-Z][\w&'’.-]*|of|and|&|the|for)){0,6}),\s*"
                            r"(?=(?:19|20)\d\d\b)")


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
