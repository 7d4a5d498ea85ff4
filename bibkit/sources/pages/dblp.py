"""dblp's person pages and search results, as copied from the browser.

dblp prints every entry as a citation in its own notation; its hover menus (view, export record,
cite) are hidden and not copied, so a person page copies as::

    2024                                                      (a year heading)
    [j12]                                                     (the entry number: its own block)
    Ashish Vaswani, Noam Shazeer, Niki Parmar:                (the authors, ending with ":<br>")
    Scaling Laws Revisited for Sparse Transformers. J. Mach. Learn. Res. 25: 112:1-112:34 (2024)

Search results have no entry numbers; a copy may also keep the number on the authors' line, or the
title on it.  The number's letter says the kind of entry: ``j`` journal article, ``c`` conference
paper, ``i`` informal (CoRR), ``e`` editorship, ``b`` book or thesis, ``p`` part of a book, ``r``
reference work, ``d`` data.  Author names carry dblp's homonym numbers ("Li Zhang 0001"), dropped;
editors end with ``(Eds.)``.  The title always ends with ``.`` (or its own ``?``/``!``) and the
venue follows on the same line, in one of dblp's forms:

========== =====================================================================
journal    ``Name Vol(Issue): pages (Year)`` (``J. Mach. Learn. Res. 25: 112:1-112:34 (2024)``,
           ``IEEE Trans. Pattern Anal. Mach. Intell. 45(3): 1234-1250 (2023)``, ``Nat. 600 (2021)``)
conference ``Name Year: pages`` or ``Name Year`` (``CVPR 2016: 770-778``, ``EMNLP (1) 2020: 12-20``,
           ``ACL (Findings) 2024: 1234-1247``, ``NeurIPS 2023``)
informal   ``CoRR abs/2305.12345 (2023)`` (an arXiv preprint)
book       ``[Series, ]Publisher Year, ISBN …`` (``Springer 2020, ISBN 978-3-030-12345-6``)
thesis     ``School, Country, Year`` (``University of X, Germany, 2019``)
========== =====================================================================

Journal abbreviations hold full stops ("J. Mach. Learn. Res.") and titles may too, so the title
ends at the first sentence end after which the rest of the line parses as one of these forms with a
name made of a venue's words (abbreviations, acronyms, capitalised words, "of"/"and"…), never a
title's (an opening "A"/"The"/"How", a lower-case word).  A line that parses no way keeps its title
up to its first sentence end.  Page furniture (year headings, the section names, "showing all N
records", "refine list", "load more…") is skipped with its reason.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ...normalize.pages import page_range
from ...record import PageReader
from ..chatter import chatter_reason
from ..paperids import PaperId
from ..pastetext import Line, looks_like_names, split_authors
from .base import Draft, Sink

__all__ = ["NAME", "read_block", "line_evidence", "split_title_venue", "DblpVenue", "parse_venue"]

NAME = PageReader.DBLP

#: an entry number on its own line, or opening the authors' line: "[j12]", "[c45]", "[i7]"
_NUMBER = re.compile(r"^\[([a-z])(\d{1,5})\]")
#: dblp's homonym number after a name: "Li Zhang 0001"
_HOMONYM = re.compile(r"\s\d{4}(?=\s*(?:,|\(|:|$))")
_EDS = re.compile(r"\s*\((?:Eds?\.|eds?\.|Hrsg\.)\)\s*$")
_YEAR = r"(?:19|20)\d\d"
_YEAR_RE = re.compile(_YEAR)
_CORR = re.compile(rf"CoRR (?:abs/)?(?P<id>\d{{4}}\.\d{{4,5}}|[a-z-]+(?:\.[A-Z]{{2}})?/\d{{7}})(?:v\d+)? "
                   rf"\((?P<year>{_YEAR})\)")
#: a journal's volume with its issue: "25", "45(3)", "5(CSCW1)", "36(Supplement-1)"
_VOLUME = re.compile(r"(?P<volume>[\w.-]{1,20})(?:\((?P<number>[\w ./-]{1,30})\))?")
#: pages: "770-778", "112:1-112:34", "1234", "i1-i10"
_PAGES = re.compile(r"(?=[^ ]*\d)[\w:.]{1,20}(?:-[\w:.]{1,20})?")
_ISBN = re.compile(r", ISBN (?P<isbn>[\dXx-]{10,17})$")
_BOOK_PAGES = re.compile(r", pp\. [\w:]{1,10}(?:-[\w:]{1,10})?$")
#: words of a venue's name that are no title's first word
_OPENERS = frozenset("a an the how why what when where which who is are do does can should towards toward".split())
#: lower-case words a venue's name holds
_CONNECTORS = frozenset("of and on in for the de des du la le et und für zur zum der di del &".split())
#: a title's end that is an abbreviation, not a sentence end ("U.S.", "e.g.", "vs.", an initial)
_NOT_AN_END = frozenset("vs al dr mr mrs ms st jr inc fig no vol proc trans conf int".split())
_END = re.compile(r"[.?!](?= )")
_MAX_TRIES = 24
_MAX_LINE = 3000

_KINDS = {"j": "article", "c": "inproceedings", "e": "proceedings", "b": "book", "p": "incollection",
          "r": "incollection", "d": "misc", "i": None}

#: dblp's page furniture (matched on the whole line, case-insensitive)
_FURNITURE = re.compile(
    r"^(?:\[[–+-]\]|(?:\[[–+-]\]\s*)?(?:Journal Articles|Conference and Workshop Papers|"
    r"Informal and Other Publications|Informal Publications|Editorship|Books and Theses|"
    r"Parts in Books or Collections|Reference Works|"
    r"Data and Artifacts|Withdrawn Items|Other Publications)|"
    rf"{_YEAR}|{_YEAR}\s*[–-]\s*(?:today|{_YEAR})|showing all \??\d* ?\??\d*\s*records?|showing \d+ of \d+ records?|"
    r"refine list|refine by (?:type|venue|year|author)|(?:(?:publication|author|venue) )?search results|"
    r"found [\d,]+ match(?:es)?|skipping [\d,]+ more match(?:es)?|"
    r"dblp(?::.*)?|person information|affiliations?:.*|unpublished|view|export record|see faq|load more\.*|"
    r"what is the meaning of the colou?rs in the publication lists\??|"
    r"(?:exact|likely) matches|no matches|(?:authors|venues|publications):?|"
    r"electronic edition.*|order by.*|spread the word|home|browse|search|statistics|blog|"
    r"[‐-]?\s*show all.*|skip to.*|coauthor index|ask others|share (?:record|bibliography)|"
    r"(?:bibtex|rdf|ris|xml|json)(?: record)?|cite(?: record)?|orcid|google scholar|homepage|"
    # the hover menus of an entry, when a browser copies them: view, export, ask others, share
    r"references & citations|unpaywalled version|rdf (?:n-triples|turtle)|rdf/xml|dblp key:.*|"
    r"persistent url:.*|(?:journals|conf|books|series|phd|reference|tr|ms|data|homepages)/[\w/.+-]+|"
    r"https?://dblp\.(?:org|uni-trier\.de)/rec/\S+|google|semantic scholar|"
    r"internet archive scholar|citeseerx|orkg|bluesky|mastodon|reddit|bibsonomy|linkedin|"
    r"(?:authority control|view|export|share)\b.{0,40})$",
    re.IGNORECASE,
)
_SECTION_NAMES = ("Journal Articles", "Conference and Workshop", "Informal and Other", "Editorship",
                  "Books and Theses", "Parts in Books", "showing all", "refine list", "found ")


@dataclass(slots=True)
class DblpVenue:
    """What a dblp venue text says: its form (``journal``, ``conference``, ``corr``, ``book``, ``thesis``)
    and its parts."""

    form: str
    name: str | None
    year: int
    volume: str | None = None
    number: str | None = None
    pages: str | None = None
    arxiv: str | None = None
    isbn: str | None = None
    publisher: str | None = None


def _year_of(text: str) -> int | None:
    return int(text) if len(text) == 4 and _YEAR_RE.fullmatch(text) else None


def _name_ok(name: str, loose: bool = False) -> bool:
    """Whether ``name`` reads as a dblp venue's name (``loose``: a publisher's or a book series')."""
    if not name or len(name) > 200 or "?" in name or "!" in name:
        return False
    words = name.split()
    if len(words) > 20 or words[0].lower() in _OPENERS:
        return False
    if loose:
        return words[-1][:1].isupper() or words[-1][:1].isdigit()
    if len(words) > 12 or (": " in name and not (words[0].isupper() and len(words[0]) >= 2)):
        return False  # a title's subtitle ("BAM! Just Like That: Simple …"), not "AAAI Spring Symposium: …"
    depth = 0
    for w in words:
        if depth or w[0] == "(":  # "(Findings)", "(1)", "(Long Papers)"
            depth += w.count("(") - w.count(")")
            continue
        if w[-1] == "." and _full_word(w[:-1]):
            return False  # a sentence of a title ends here: "… Findings of the Study. EMNLP (Findings) 2023"
        if w.lower() in _CONNECTORS or w[0].isupper() or w[0].isdigit() or w[0] in "@&-":
            continue
        if any(c.isupper() for c in w[1:]):  # "ePrint", "iScience"
            continue
        return False
    return True


_FULL_ENDINGS = ("ing", "tion", "sion", "ment", "ness", "ity", "ies", "ous", "ful", "less", "ism", "ist")


def _full_word(core: str) -> bool:
    """Whether a word before a full stop is a whole word, not an abbreviation: ISO 4 abbreviations (what dblp
    writes: "Mach.", "Learn.", "Res.", "Comput.", "Sci.") cut a word before a vowel, so they end in a consonant
    (or the "i" of "Sci."), are short, and never end like a whole word ("-ing", "-tion")."""
    if len(core) < 3 or not core.isalpha():
        return False
    low = core.lower()
    return low[-1] in "aeouy" or low.endswith(_FULL_ENDINGS) or len(low) >= 9


def _split_pages(text: str) -> tuple[str, str | None]:
    """``text`` without a ``: pages`` tail, and the pages."""
    k = text.rfind(": ")
    if k > 0 and _PAGES.fullmatch(text[k + 2:]):
        return text[:k], text[k + 2:]
    return text, None


def parse_venue(rest: str) -> DblpVenue | None:
    """The venue of a dblp entry (the text after its title), or ``None`` if it is in none of dblp's forms."""
    rest = rest.strip()
    if len(rest) < 4 or len(rest) > 600:
        return None
    m = _CORR.fullmatch(rest)
    if m:
        return DblpVenue("corr", "CoRR", int(m.group("year")), arxiv=m.group("id"))
    if rest.endswith(")") and rest[-6:-5] == "(":  # journal: "Name Vol(Issue): pages (Year)"
        year = _year_of(rest[-5:-1])
        head = rest[:-6].rstrip()
        if year is None or " " not in head:
            return None
        head, pages = _split_pages(head)
        k = head.rfind(" ")
        vol = _VOLUME.fullmatch(head[k + 1:]) if k > 0 else None
        if vol is None or not any(c.isdigit() for c in vol.group("volume")):
            return None
        name = head[:k].strip()
        if not _name_ok(name):
            return None
        return DblpVenue("journal", name, year, vol.group("volume"), vol.group("number"), pages)
    isbn = _ISBN.search(rest)
    head = rest
    if isbn:
        head = rest[:isbn.start()]
    pp = _BOOK_PAGES.search(head)
    if pp:
        head = head[:pp.start()]
    if head[-4:].isdigit() and head[-6:-4] == ", " and "," in head[:-6]:  # thesis: "School, Country, Year"
        year = _year_of(head[-4:])
        school = head[:-6].strip()
        if year is not None and not any(c.isdigit() for c in school) and _name_ok(school.rsplit(", ", 1)[0]):
            return DblpVenue("thesis", school, year)
    head, pages = _split_pages(head) if not isbn else (head, None)
    year = _year_of(head[-4:]) if head[-5:-4] == " " else None
    if year is None:
        return None
    name = head[:-5].strip()
    if name.endswith(",") and not isbn:
        return None  # dblp writes a conference's year after its name with no comma ("Zenodo, 2023" is none)
    name = name.rstrip(",")
    if isbn:  # a book or proceedings volume: "[Series, ]Publisher Year, ISBN …"
        publisher = name.rsplit(", ", 1)[-1].strip()
        if not _name_ok(publisher, loose=True):
            return None
        return DblpVenue("book", name, year, isbn=isbn.group("isbn"), publisher=publisher)
    if not name or not _name_ok(name):
        return None
    return DblpVenue("conference", name, year, pages=pages)


def _end_ok(title: str) -> bool:
    """Whether ``title`` (ending in ``.``/``?``/``!``) ends a sentence, not an abbreviation or initial."""
    if title[-1] != ".":
        return True
    last = title[:-1].rsplit(None, 1)[-1] if " " in title else title[:-1]
    core = last.strip("()\"'“”")
    if len(core) <= 1 or (("." in core) and all(len(p) <= 2 for p in core.split("."))):
        return False  # an initial "J.", an initialism "U.S."
    return core.lower() not in _NOT_AN_END


def split_title_venue(text: str) -> tuple[str, DblpVenue] | None:
    """A dblp entry's ``Title. Venue`` line cut into its title and venue (see the module docstring)."""
    if len(text) > _MAX_LINE:
        return None
    for strict in (True, False):
        for tries, m in enumerate(_END.finditer(text)):
            if tries >= _MAX_TRIES:
                break
            title = text[:m.end()].strip()
            if strict and not _end_ok(title):
                continue
            venue = parse_venue(text[m.end() + 1:])
            if venue is not None:
                return title, venue
    return None


@dataclass(slots=True)
class _Authors:
    names: list[str]
    editors: bool
    number: str | None  # the entry number's letter when the line opens with it
    after: str  # what follows the colon on the same line (a title and venue when they were not cut apart)


def _authors(text: str) -> _Authors | None:
    """dblp's authors line ("A, B 0001, C:" with the entry number before it or the title after it)."""
    if ":" not in text or len(text) > _MAX_LINE:
        return None
    number = None
    m = _NUMBER.match(text)
    if m:
        number = m.group(1)
        text = text[m.end():].strip()
    k = len(text) - 1 if text.endswith(":") else text.find(": ")
    if k < 0:
        return None
    head, after = text[:k], text[k + 1:].strip()
    if after and split_title_venue(after) is None:
        return None
    head = _HOMONYM.sub("", head)
    editors = False
    eds = _EDS.search(head)
    if eds:
        editors, head = True, head[:eds.start()]
    if not head or not looks_like_names(head):
        return None
    return _Authors(split_authors(head).names, editors, number, after)


def line_evidence(line: Line) -> float:
    """What only dblp shows: an entry number alone, authors ending with a colon, ``Title. Venue`` in dblp's
    notation, its section headings."""
    t = line.text
    if not t or len(t) > _MAX_LINE:
        return 0.0
    if t[0] == "[" and _NUMBER.match(t):
        if len(t) <= 8:
            return 4.0
        return 3.5 if _authors(t) is not None else 0.0
    if (t.endswith(":") or _HOMONYM.search(t)) and _authors(t) is not None:
        return 2.5 if "," in t or "(Ed" in t or _HOMONYM.search(t) else 2.0
    if ". " in t or "? " in t or "! " in t:
        cut = split_title_venue(t)
        if cut is not None:
            return 3.0 if cut[1].form == "corr" else 2.0
        return 0.0
    if len(t) <= 60 and any(s in t for s in _SECTION_NAMES) and _FURNITURE.match(t):
        return 2.0
    return 0.0


def _draft(no: int, number: str | None, who: _Authors | None, title: str, venue: DblpVenue | None) -> Draft:
    d = Draft(NAME, "entry" if venue is not None else "entry-unparsed", no, confidence=0.9 if venue else 0.7)
    d.title = title.rstrip(".").strip() if title.endswith(".") else title.strip()
    if who is not None:
        if who.editors:
            d.editors = who.names
        else:
            d.authors = who.names
    if number is not None:
        d.meta["dblp_number"] = number
    letter = number[0] if number else None
    kind = _KINDS.get(letter) if letter else None
    if venue is None:
        d.entry_type = kind  # (the number says the kind even when the venue is in no form dblp's reader knows)
        return d
    d.year = venue.year
    if venue.form == "corr":
        d.add_id(PaperId("arxiv", venue.arxiv or ""))
        d.meta["listing_venue"] = "CoRR"
        return d
    if venue.form == "thesis":
        d.entry_type = "phdthesis"
        d.venue = venue.name
        return d
    if venue.form == "book" or who is not None and who.editors or kind in ("book", "proceedings"):
        d.entry_type = "proceedings" if (who is not None and who.editors) or kind == "proceedings" else "book"
        d.publisher = venue.publisher or venue.name
        if venue.isbn:
            d.extra["isbn"] = venue.isbn
        return d
    if kind is None:
        kind = "article" if venue.form == "journal" else "inproceedings"
    d.entry_type = kind
    d.venue = venue.name
    d.volume, d.number = venue.volume, venue.number
    if venue.pages:
        d.pages = page_range(venue.pages) or venue.pages
    return d


def read_block(lines: list[Line], sink: Sink) -> None:
    rows = [ln for ln in lines if ln.text]
    number: tuple[Line, str] | None = None
    i = 0
    while i < len(rows):
        ln = rows[i]
        t = ln.text
        m = _NUMBER.match(t) if t[0] == "[" else None
        if m and len(t) == m.end():
            if number is not None:
                sink.skip(number[0], "a dblp entry number with no entry under it")
            number = (ln, m.group(1) + m.group(2))
            i += 1
            continue
        who = _authors(t)
        first = number[0] if number is not None else ln
        num = number[1] if number is not None else None
        if who is not None:
            if who.number and m:
                num = m.group(1) + m.group(2)
            text, used = who.after, 1
            if not text and i + 1 < len(rows):
                nxt = rows[i + 1].text
                if not (nxt[0] == "[" and _NUMBER.match(nxt)) and not nxt.endswith(":") and not (
                        _furniture(nxt) and split_title_venue(nxt) is None):
                    text, used = nxt, 2  # (a title with a colon may read as names and a title: it is a title here)
            if not text:
                sink.skip(ln, "dblp authors with no title under them")
                i += 1
                continue
            sink.add(_entry(first.no, num, who, text))
            number = None
            i += used
            continue
        if split_title_venue(t) is not None:
            sink.add(_entry(first.no, num, None, t))  # an entry without authors (a proceedings volume)
            number = None
            i += 1
            continue
        if number is not None and not _furniture(t):  # (an entry's menus may come between its number and it)
            sink.skip(number[0], "a dblp entry number with no entry under it")
            number = None
        sink.skip(ln, _why(t))
        i += 1
    if number is not None:
        sink.skip(number[0], "a dblp entry number with no entry under it")


def _entry(no: int, number: str | None, who: _Authors | None, text: str) -> Draft:
    cut = split_title_venue(text)
    if cut is not None:
        return _draft(no, number, who, cut[0], cut[1])
    m = _END.search(text)  # no venue in dblp's forms: the title ends at the first sentence end
    title = text[:m.end()] if m else text
    d = _draft(no, number, who, title, None)
    if m:
        rest = text[m.end():].strip()
        d.venue = rest or None
        years = [int(y) for y in _YEAR_RE.findall(rest)]
        if years:
            d.year = years[-1]
    return d


def _furniture(t: str) -> bool:
    return len(t) <= 120 and _FURNITURE.match(t) is not None


def _why(t: str) -> str:
    if _furniture(t):
        return "dblp page furniture (headings, counts, menus)"
    return chatter_reason(t) or "text on a dblp page outside any entry"
