"""Reference lists copied from papers: one reference string per paper, in any common style.

Splitting.  Numbered lists (``[12]``, ``12.``, ``(12)``) start a reference at every marker,
also several markers run together on one line (a PDF column pasted as one line).
Author–year lists start one where a line begins with an author list after a line that
ended a reference (a full stop, a year, a DOI or URL); a blank line always ends one.  Lines
are joined undoing PDF hyphenation (``lan-`` / ``guage``, ``lan- guage``); page furniture
(page numbers, running heads such as "Published as a conference paper at ICLR 2024", arXiv's
side stamp) is skipped.

Reading one reference, by the shape its punctuation gives it:

========== ====================================================================================
quoted     IEEE ``A. Vaswani, N. Shazeer, and I. Polosukhin, “Attention is all you need,” in Proc.
           NeurIPS, 2017, pp. 5998–6008.``; MLA and Chicago ``Vaswani, Ashish, et al. "Attention
           is all you need." Advances in … (2017).``
apa        ``Vaswani, A., Shazeer, N., & Polosukhin, I. (2017). Attention is all you need. In …``
           (APA, and Harvard's ``Vaswani, A. and Shazeer, N., 2017. Title. Venue.``)
author-year ACL, ACM, natbib: ``Ashish Vaswani, Noam Shazeer, and Illia Polosukhin. 2017.
           Attention is all you need. In Advances in …``
lncs       Springer: ``Vaswani, A., Shazeer, N.: Attention is all you need. In: NeurIPS (2017)``
plain      NeurIPS/ICLR plainnat, Vancouver, AMA, Nature: ``Authors. Title. Venue, 2017.``
physics    APS/AIP, Elsevier's physics journals: ``A. Einstein, Ann. Phys. (Leipzig) 17, 891 (1905).`` (no title:
           journal, volume, pages, year; :mod:`.physics`), their books and theses
========== ====================================================================================

Wherever the style puts them: a publisher in parentheses (``Deep Learning (MIT Press, Cambridge, MA,
2016).``) makes a book with publisher, address and year; an edition (``(2nd ed.)``, ``, 3rd ed.``) is the
``edition``; a venue the reference says the paper is "In" is a booktitle unless it names a periodical;
LaTeX markup pasted from a ``.tex`` (``In {\\em Proc. of …}``, ``{\\bf 17}``) is decoded first.

Identifiers anywhere in the string (``arXiv:…``, DOIs, URLs) are the paper's own: each
reference is one paper.  The whole string is kept (``meta["reference"]``): the resolver
accepts a candidate only if its title appears inside it (containment), so a title this
reader cut a word too short or too long still finds the right paper and never a wrong one.

INSPIRE's ``refextract`` was evaluated for the splitting and the field hints and is not used:
it is GPL-licensed (bibkit is MIT), pulls in ~90 MB of dependencies (pypdf, libmagic
bindings, inspire-utils), takes about 65 ms per reference (the 2 s budget for 10,000 is
0.2 ms), and finds titles only when they are quoted (IEEE), leaving APA/ACL titles in a
"misc" field and gluing unnumbered references together.
"""

from __future__ import annotations

import re

from ...normalize.latex import decode
from ...record import PageReader
from ..chatter import Chatter, chatter_reason
from ..paperids import PaperId, code_links, find_ids
from ..pastetext import (
    YEAR,
    Line,
    Vocabulary,
    date_range_end,
    dehyphenate,
    fix_text,
    looks_like_names,
    split_authors,
    strip_author_segment,
    title_likeness,
)
from .base import Draft, Sink
from .details import PUBLISHER_WORDS, venue_details, venue_fields
from .physics import AUTHORS_FIRST_INITIALS, journal_reference, trailing_publisher

__all__ = ["NAME", "read_block", "line_evidence", "parse_reference", "split_references", "is_heading",
           "opens_like_a_reference"]

NAME = PageReader.REFERENCES

#: Wikipedia's backlink before a reference: "^", "^ a b c" (one letter a citation), "^ Jump up to: a b" ("↑" in
#: other languages); it opens a reference as surely as "[12]" does
_CARET = r"[\^↑](?:\s*Jump up to:)?(?:\s+[a-z]{1,2}(?=\s))*"
_MARKER = re.compile(rf"^\s*(?:(?:\[(?P<a>\d{{1,5}})\]|(?P<b>\d{{1,4}})\.(?=\s)|\((?P<c>\d{{1,5}})\))(?:\s*{_CARET})?"
                     rf"|(?P<w>{_CARET}))\s*")
_INLINE_MARKER = re.compile(r"(?<=[.\s])\[(\d{1,5})\]\s+(?=\S)")
_STAMP = re.compile(r"^arXiv:\d{4}\.\d{4,5}v\d+\s+\[[\w.-]+\]\s+\d{1,2}\s+\w{3}\s+\d{4}$")
_RUNNING_HEAD = re.compile(
    r"^(?:Published as a (?:conference|workshop) paper at|Under review as a (?:conference|workshop) paper at|"
    r"Preprint\.?(?: Under review\.?)?$|Accepted (?:at|to|as)\b|Proceedings of (?:the )?.{3,80}\d{4}$|"
    r"\d{1,4}\s*$|Page \d+|Technical Report|Work in progress)",
    re.IGNORECASE,
)
#: a journal's running head as printed at the top of a page, in capitals with its volume, number and
#: month ("IEEE TRANSACTIONS ON …, VOL. 45, NO. 3, MARCH 2023", "JOURNAL OF LATEX CLASS FILES, VOL. 14,
#: NO. 8, AUGUST 2021 12"; a page number before or after); ACM's ("Proc. ACM …, Vol. 5, No. CSCW1,
#: Article 123. Publication date: April 2021.", "123:14 • A. Author et al.")
_JOURNAL_HEAD = re.compile(
    r"^(?:\d{1,4}\s+)?[A-Z][A-Z0-9&/,.:'’ -]{6,}?,?\s+VOL\.\s*\d+,?\s+(?:NO\.\s*[\w-]+,?\s+)?"
    r"(?:(?:JANUARY|FEBRUARY|MARCH|APRIL|MAY|JUNE|JULY|AUGUST|SEPTEMBER|OCTOBER|NOVEMBER|DECEMBER|"
    r"[A-Z]{3}\.?)(?:[/–-][A-Z]+\.?)?\s+)?(?:19|20)\d\d(?:\s+\d{1,4})?$"
    r"|.{0,120}\bPublication date:\s+\w+\s+(?:19|20)\d\d\.?$|^\d{1,4}:\d{1,4}\s+•\s")
_HEADING = re.compile(r"^(?:#+\s*)?(?:\d+\.?\s+)?(?:references?|bibliography|works cited|literature(?: cited)?|"
                      r"cited works|references and notes|citations|reference list|list of references)\s*:?$",
                      re.IGNORECASE)
#: capital and small letters of the Latin scripts (names: "Öztürk", "Łukasz", "Šimek")
_UP = "A-ZÀ-ÖØ-ÞĀ-Žƀ-ɏ"
_LO = "a-zß-öø-ÿĀ-žƀ-ɏ"
_PARTICLE_WORD = r"(?:van|von|de|der|den|del|della|da|di|du|la|le|dos|das|ter|ten|bin|al|el)"
_PARTICLE = _PARTICLE_WORD + r"\s"
_SUFFIX = r"(?:,?\s(?:Jr|Sr)\.|\s(?:II|III|IV))"  # (a name's suffix: "Smith Jr., J.", "John Smith Jr. and …")
_AUTHOR_START = re.compile(
    rf"^(?:{_PARTICLE})*(?:[{_UP}][\w'’-]+(?:\s{_PARTICLE_WORD}\b)*(?:\s[{_UP}][\w'’-]+)?{_SUFFIX}?,\s+"
    rf"(?:[{_UP}]\.|[{_UP}][{_LO}]+)"
    rf"|(?:[{_UP}]\.\s?(?:-?[{_UP}]\.\s?)*)(?:{_PARTICLE})*[{_UP}][\w'’-]+{_SUFFIX}?(?:,|\sand\s[{_UP}]|\set al\.)"
    rf"|[{_UP}][\w'’-]+\s+[A-Z]{{1,3}},"
    rf"|[{_UP}][{_LO}]+(?:-[{_UP}{_LO}][{_LO}]+)?(?:\s[{_UP}]\.)?\s(?:{_PARTICLE})*[{_UP}][\w'’-]+{_SUFFIX}?"
    rf"(?:,|\sand\s|\.\s(?:19|20)\d\d))"
)
_VENUE_WORD = re.compile(
    r"^(?:In\b|In:|Proc\b|Proceedings|arXiv|CoRR|Advances in|Journal|Transactions|Trans\.|IEEE|ACM|"
    r"International|Conference|Conf\.|Workshop|Annual|Findings|Nature(?=[\s.,]|$)|Science(?=[\s.,]|$)|Preprint|"
    r"Technical report|Tech\. Rep|PhD thesis|Master(?:['’]?s)?\s+(?:thesis|dissertation)|OpenAI|Retrieved|Available|"
    r"URL|https?://|doi|DOI|Vol\.|vol\.|pp\.|"
    r"(?:19|20)\d\d\b|[A-Z]{2,}(?:\s|$|['’]\d\d))"
)
#: tokens after which a full stop does not end a sentence in a reference
_ABBREV = frozenset(
    """al proc conf adv inf syst vol pp no nos int trans j comput ling assoc eng sci rev lett phys natl acad mach
    learn res neural process intell appl math stat ann am soc eur symp univ dept ed eds e.g i.e vs cf fig st
    dr mr ms mrs jr sr inc ltd co corp repr rep tech p ch sec ser jpn nat biol med chem mol struct represent
    anal theor pattern recogn artif sys softw technol inform manag oper opt electron commun netw""".split()
)
_BOUNDARY = re.compile(r"([.?!])([\"”’]?)\s+")
_LAST_TOKEN = re.compile(r"([\w.'’-]+)$")
_DOTTED_INITIALS = re.compile(r"(?:[A-Z]\.-?)+[A-Za-z]?")
_SENTENCE_START = re.compile(r"[A-Z][\w'’-]*[:?!]?\s+(?!and\b|et\b|&)[\w'’(-]")
_SURNAME_BEFORE = re.compile(r"([^\W\d_][\w'’-]+),?\s+(?:[^\W\d_]\.-?\s?)*\S+$")
_VENUE_AFTER = re.compile(r"\s*[\"“]?(?:In\b|arXiv|Proc|Journal|Advances|Trans|IEEE|ACM|Preprint|(?:19|20)\d\d"
                          # (or a journal's name and its volume: "…, or troll? Commun. ACM 50, 1 (Jan. 2007)")
                          r"|(?:[A-Z][\w&'’-]*\.?\s+){1,8}\d{1,5}(?:,\s*\d{1,5})?\s*[(:,])")
_YEAR_PAREN = re.compile(r"\((?P<year>(?:19|20)\d\d)[a-z]?(?:,\s*[^)]{0,30})?\)|\((?:n\.d\.|in press|forthcoming)\)",
                         re.IGNORECASE)
_QUOTED = re.compile(r"[“\"](?P<t>[^“”\"]{8,400}?)[”\"]|‘‘(?P<t2>[^’]{8,400}?)’’|``(?P<t3>[^']{8,400}?)''|"
                     r"‘(?P<t4>[^‘’]{12,400}?)’(?=[\s,.;:]|$)")


_EV_YEAR = re.compile(r"\((?:19|20)\d\d[a-z]?[,)]|\.\s(?:19|20)\d\d[a-z]?\.\s|,\s(?:19|20)\d\d[a-z]?\.?$")
_EV_ETAL = re.compile(r"\bet al\.")
#: a venue's marks (each counts once, two at most; "Proc." covers "In Proc.")
_EV_VENUE_MARKS = ("In Proceedings", "Proc.", "pp.", "vol.", "arXiv preprint", "Journal of", "Transactions on",
                   "Conference on", "Advances in Neural", "Findings of", "CoRR", "abs/")
_EV_VENUE_WORDS = ("In ", "Proc", "pp.", "vol.", "arXiv", "Journal", "Transactions", "Conference", "Advances",
                   "Findings", "CoRR", "abs/")
_EV_QUOTED = re.compile(r"[,.]\s*[”\"]")  # a title quoted the IEEE way: the comma inside the quotes


def is_heading(text: str) -> bool:
    """Whether a line is a reference list's heading ("References", "Bibliography", "Works Cited"…)."""
    return len(text) < 40 and _HEADING.match(text) is not None


def opens_like_a_reference(text: str) -> bool:
    """Whether a paragraph opens the way a reference does — an author list, then the year right after it
    ("Mehmet Öztürk, María Moreau, and Linh Schneider. 2023. The ultimate guide…", "Vaswani, A., … (2017).")
    — and not like a feed's card (an author line with "·" or a count)."""
    head = text[:300]
    if "·" in head or _AUTHOR_START.match(head) is None:
        return False
    year = _EV_YEAR.search(head)
    return year is not None and looks_like_names(head[:year.start()].rstrip(" .,(").removesuffix(" and"))


def line_evidence(line: Line) -> float:
    t = line.text
    if not t or len(t) > 5000:
        return 0.0
    if len(t) < 40 and _HEADING.match(t):
        return 1.0
    score = 0.0
    m = _MARKER.match(t) if t[0] in "[(0123456789^↑" else None
    body = t[m.end():] if m else t
    if m and (m.group("a") or m.group("w")):
        score += 2.0
    elif m:
        score += 0.5
    year = _EV_YEAR.search(t)
    if _AUTHOR_START.match(body):
        # an author list opens a reference; on its own ("Anna Li and 6 others") it is a card's
        score += 2.0 if (year or m or "“" in t or '"' in t or len(t) > 60) else 0.5
    if year:
        score += 1.5
    if "et al." in t:
        score += 1.0
    for word in _EV_VENUE_WORDS:  # (a loop, not any(): this runs on every line of a paste)
        if word in t:
            found = 0
            for mark in _EV_VENUE_MARKS:
                if mark in t:
                    found += 1
                    if found == 2:
                        break
            score += found
            break
    if ('"' in t or "”" in t) and _EV_QUOTED.search(t):
        score += 1.5
    return min(score, 7.0)


# --------------------------------------------------------------------------- splitting


def _furniture(t: str) -> str | None:
    if len(t) > 160:
        return None  # headings, page numbers, running heads and stamps are short
    if ("VOL" in t or "Publication date" in t or "•" in t) and _JOURNAL_HEAD.match(t):
        return "page furniture of the PDF (the journal's running head)"
    if len(t) > 90:
        return None
    if _HEADING.match(t):
        return "the heading of the reference list"
    if _STAMP.match(t):
        return "arXiv's side stamp of the PDF"
    if _RUNNING_HEAD.match(t):
        return "page furniture of the PDF (a running head or page number)"
    return None


_URL_BROKEN = re.compile(r"(?:https?://|www\.)\S*[/._-]$")


def _join(parts: list[str], words: Vocabulary | None = None) -> str:
    """Join the lines of one reference, undoing hyphenation at the line ends ("lan-" / "guage", asking the
    paste's ``words`` where they are given) and URLs a wrapper broke."""
    out = ""
    for p in parts:
        p = p.strip()
        if not out:
            out = p
        elif out[-1] in "/._-" and _URL_BROKEN.search(out, max(0, out.rfind(" ") + 1)):
            out += p
        elif out[-1] == "-" and len(out) > 1 and out[-2].isalpha() and p[:1].islower():
            out = out + " " + p  # "lan- guage": dehyphenate() decides whether the hyphen stays
        elif out[-1] == "-" and len(out) > 1 and out[-2].isalnum() and (p[:1].isupper() or p[:1].isdigit()):
            out += p  # no word is broken before a capital or a digit: "NAACL-" / "HLT" is "NAACL-HLT"
        else:
            out += " " + p
    return dehyphenate(fix_text(out), words)


def _marked_reference(text: str) -> bool:
    """A line that opens with a reference number followed by a reference (names, or a year somewhere)."""
    m = _MARKER.match(text)
    return m is not None and bool(m.group("a") or m.group("w") or _AUTHOR_START.match(text[m.end():])
                                  or YEAR.search(text))


def split_references(lines: list[Line], sink: Sink | None = None,
                     reasons: dict[int, Chatter | None] | None = None) -> list[tuple[int, list[Line], str]]:
    """``(first line number, lines, joined text)`` of every reference in ``lines``; ``reasons``
    collects the chatter verdicts reached on the way (by line number), for the caller to reuse."""
    body: list[Line] = []
    for ln in lines:
        reason = _furniture(ln.text) if ln.text else None
        if reason:
            if sink is not None:
                sink.skip(ln, reason)
            continue
        body.append(ln)
    nonblank = [ln for ln in body if ln.text]
    marked = [ln for ln in nonblank if _marked_reference(ln.text)]
    words = Vocabulary([ln.text for ln in nonblank])
    splitter = _Splitter(len(marked) >= 2 and len(marked) >= 0.25 * len(nonblank), sink, reasons)
    for ln in body:
        splitter.line(ln)
    splitter.close()
    out: list[tuple[int, list[Line], str]] = []
    for first, group in splitter.refs:
        text = _join([ln.text for ln in group], words)
        pieces = _split_inline(text)
        for piece in pieces:
            out.append((first, group, piece))
    return out


class _Splitter:
    """Lines gathered into references: the reference being read (``cur``, its ``text``) and what is
    known about it so far — whether it parses as whole (``complete``; ``cheap``: the cheap check of
    that; ``None``: not asked yet), its text when it last looked whole (``snapshot``), and in a
    numbered list the number the next reference has (``expected``)."""

    def __init__(self, numbered: bool, sink: Sink | None, reasons: dict[int, Chatter | None] | None) -> None:
        self.numbered, self.sink, self.reasons = numbered, sink, reasons
        self.refs: list[tuple[int, list[Line]]] = []
        self.cur: list[Line] = []
        self.text = ""
        self.complete_: bool | None = None
        self.cheap_: bool | None = None
        self.expected: int | None = None
        self.snapshot: str | None = None
        self.dated = False  # whether a line of ``cur`` has a year or an identifier (of the first ``scanned``)
        self.scanned = 0

    def close(self) -> None:
        if self.cur:
            self.refs.append((self.cur[0].no, list(self.cur)))
            self.cur.clear()
        self.text, self.complete_, self.cheap_, self.snapshot = "", None, None, None
        self.dated, self.scanned = False, 0

    def was_whole(self) -> bool:
        """Whether the reference read as whole before its last lines joined it."""
        snapshot = self.snapshot
        return snapshot is not None and bool(snapshot) and _parse_cached(_join([snapshot.rstrip()])) is not None

    def cheap(self) -> bool:
        if self.cheap_ is None:
            self.cheap_ = _ends_like_reference(self.text) and self._dated()
        return bool(self.cheap_)

    def _dated(self) -> bool:
        """Whether the reference has a year or an identifier: asked of each line once (neither can span
        the blank that joins two lines), not of the whole text again at every line added."""
        cur = self.cur
        while not self.dated and self.scanned < len(cur):
            t = cur[self.scanned].text
            self.scanned += 1
            self.dated = bool((("19" in t or "20" in t) and YEAR.search(t)) or _HAS_ID.search(t)
                              or ("1" in t and ")" in t and _OLD_YEAR.search(t)))
        return self.dated

    def add(self, ln: Line) -> None:
        if len(self.text) > _MAX_REFERENCE:
            self.close()  # no reference is this long: whatever this is, cut it (and keep reading linear)
        self.cur.append(ln)
        self.text = f"{self.text} {ln.text}" if self.text else ln.text
        self.complete_ = self.cheap_ = None

    def complete(self) -> bool:
        if self.complete_ is None:
            self.complete_ = bool(self.cur) and self.cheap() and _parse_cached(_join([self.text.rstrip()])) is not None
        return bool(self.complete_)

    def skip(self, ln: Line, reason: str) -> None:
        if self.sink is not None:
            self.sink.skip(ln, reason)

    def line(self, ln: Line) -> None:
        t = ln.text
        if not t:
            if not self.numbered or self.complete():
                self.close()
            return
        m = _MARKER.match(t)
        digits = m.group("a") or m.group("b") or m.group("c") if m else None
        number = int(digits) if digits else None
        if self.numbered and number is not None and number == self.expected:
            self.close()  # the next number of the list: a new reference, whatever came before
            self.expected = number + 1
            self.add(ln)
            return
        if m is None and self._chatter(ln):
            return
        if self.numbered:
            self._numbered(ln, m, number)
        else:
            self._unnumbered(ln, m)

    def _chatter(self, ln: Line) -> bool:
        """A note, a heading, a call to action between references: no part of any of them (skipped)."""
        t = ln.text
        # chatter sits between references (or is short): a long line inside an unfinished
        # reference is its continuation, and is not asked
        if self.cur and len(t) > 60 and not self.cheap():
            return False
        reason = chatter_reason(t)
        if self.reasons is not None:
            self.reasons[ln.no] = reason
        if reason is None:
            return False
        if reason in _PART_OF_A_REFERENCE:
            between = (not self.cur or self.complete()) and not _TAIL.match(t)
        else:
            between = not self.cur or reason in _NEVER_IN_A_REFERENCE or self.complete()
        if between:
            self.close()
            self.skip(ln, reason)
        return between

    def _numbered(self, ln: Line, m: re.Match[str] | None, number: int | None) -> None:
        t = ln.text
        if m and (not self.cur or not _MARKER.match(self.cur[0].text) or m.group("a") or m.group("w")
                  or self.complete()):
            self.close()
            self.expected = (number or 0) + 1
        elif not m and self.cur and not _continues(t) and self.complete():
            self.close()
            self.skip(ln, "text between references")
            return
        self.add(ln)

    def _unnumbered(self, ln: Line, m: re.Match[str] | None) -> None:
        t = ln.text
        cur = self.cur
        if cur and m is not None and (m.group("a") or m.group("w")):
            self.close()  # "[12] …", Wikipedia's "^ …": a bracketed number or a backlink starts a reference in any list
        elif cur and _starts_reference(t) and (self.complete() or self.was_whole()):
            self.close()  # (a reference that was whole before a stray line was glued to it ends too)
        elif cur and not _continues(t) and self.complete():
            self.close()
            self.skip(ln, "text between references")
            return
        elif cur and self.cheap():
            self.snapshot = self.text  # the reference may be whole here: judged if it matters
        self.add(ln)


#: why a group of lines read by the references reader is no paper
_NOT_A_REFERENCE = "not a reference to a paper (no title with authors, a year or an identifier)"
#: how the last line of a reference wrapped by a PDF may look ("pp. 12–19.", "15336–15348.", "(2024).")
_TAIL = re.compile(r"^(?:pp?\.|pages?\b|vol\.|no\.|doi|https?://|\d+\s*[–-]\s*\d+[.,]?$|\(?(?:19|20)\d\d[a-z]?\)?[.,]?$)",
                   re.IGNORECASE)
#: chatter kinds a wrapped reference line can have ("2024.", "pp. 12–19.", "15336–15348.")
_PART_OF_A_REFERENCE = frozenset({Chatter.NO_WORDS, Chatter.DATE, Chatter.COUNT})
#: chatter kinds no line of a reference has
_NEVER_IN_A_REFERENCE = frozenset({Chatter.NOTE_TO_SELF, Chatter.CALL_TO_ACTION, Chatter.REMARK, Chatter.BINARY,
                                   Chatter.MAIL_HEADER, Chatter.SEPARATOR, Chatter.NON_PAPER_LINK})


def _split_inline(text: str) -> list[str]:
    """A reference holding further numbered references run together ("[1] … [2] … [3] …")."""
    m0 = _MARKER.match(text)
    if not m0 or not m0.group("a") or "[" not in text[m0.end():]:
        return [text]
    expected = int(m0.group("a")) + 1
    cuts = []
    for m in _INLINE_MARKER.finditer(text, m0.end()):
        if int(m.group(1)) == expected:
            cuts.append(m.start())
            expected += 1
    if not cuts:
        return [text]
    bounds = [0] + cuts + [len(text)]
    return [text[a:b].strip() for a, b in zip(bounds, bounds[1:]) if text[a:b].strip()]


_MAX_REFERENCE = 4000  # characters


_ENDS_REFERENCE = re.compile(r"[.)\]]$|(?:19|20)\d\d[a-z]?$|\d$|https?://\S+$|10\.\d{4,9}/\S+$")
#: a year of the older literature in parentheses, as physics styles date a reference ("(1905)", "(1687)")
_OLD_YEAR = re.compile(r"[(,]\s*1[6-9]\d\d\)")  # ("(1905)", "(Chemical News, London, 1904)")
_HAS_ID = re.compile(r"arXiv|doi|https?://", re.IGNORECASE)


def _ends_like_reference(text: str) -> bool:
    """Whether the last line ends like a reference ends (the cheap half of "the reference may be whole
    here": the other is a year or an identifier in it, :meth:`_Splitter._dated`; no parse)."""
    t = text.rstrip()
    if not t:
        return False
    last = t[-1]
    if not (last in ".)]" or last.isdigit()):
        token = t.rsplit(None, 1)[-1]
        if not (token.startswith(("http://", "https://", "10.")) or _ENDS_REFERENCE.search(token)):
            return False
    return True


def _continues(t: str) -> bool:
    """Whether a line can be the rest of a reference whose text already looks whole: a venue,
    pages, a year, a URL, a publisher, a lower-case continuation."""
    return bool(_TAIL.match(t) or _VENUE_WORD.match(t) or t[:1].islower() or _ANY_DIGIT.search(t)
                or t.endswith((",", "-", ";")) or t[:1] in ("(", "[") or _PUBLISHER.match(t))


_ANY_DIGIT = re.compile(r"\d")


#: the publisher that ends a reference, on a line of its own ("Association for Computational Linguistics.")
_PUBLISHER = re.compile(rf"^(?:[A-Z][\w&.,'’-]*\s+){{0,6}}?(?:{PUBLISHER_WORDS})\b[^.]{{0,60}}\.?$")


_HEAD_END = re.compile(r"\.\s|\(|[“\"]")  # where the author list a line opens with ends, at the latest


def _starts_reference(t: str) -> bool:
    m = _MARKER.match(t)
    body = t[m.end():] if m else t
    if _AUTHOR_START.match(body):
        return True
    if body[1:2] == "." and AUTHORS_FIRST_INITIALS.match(body):
        return True  # APS/AIP "J. Doe and R. Roe, Phys. Rev. Lett. …", "A. Kitaev et al., arXiv:…"
    head = _HEAD_END.split(body, maxsplit=1)[0]
    return ("," in head or " and " in head) and looks_like_names(head, min_names=2)


# --------------------------------------------------------------------------- one reference


def _sentences(text: str) -> list[tuple[int, int]]:
    """Spans of the "sentences" of a reference: split at ``. `` (and ``? ``/``! ``) except after
    initials, "et al."-less abbreviations and numbers; "et al." does end an author list."""
    spans: list[tuple[int, int]] = []
    start = 0
    for m in _BOUNDARY.finditer(text):
        stop = m.start()
        before = text[max(0, stop - 12):stop]
        word = _LAST_TOKEN.search(before)
        token = word.group(1) if word else ""
        if m.group(1) == ".":
            low = token.casefold().rstrip(".")
            if low == "al" and before.endswith("et al"):
                pass  # "et al." ends an author list
            elif (len(token) <= 2 and token[:1].isupper()) or (len(token) == 1 and token.isalpha()) \
                    or (low in _ABBREV and not (len(token) >= 5 and token.islower()
                                                and text[m.end():m.end() + 1].isupper())) \
                    or _DOTTED_INITIALS.fullmatch(token):
                # (a venue's abbreviations are capitalised, "Neural Comput."; a lower-case "neural."
                # before a capital is the end of a sentence-case title)
                # an initial, unless it ends a Vancouver author list ("…, Schneider N. Tool learning
                # with …"): a surname before it, and a sentence after it
                if not (len(token) <= 3 and token.isalpha() and (token.isupper() or len(token) == 1)
                        and _SENTENCE_START.match(text, m.end())
                        and (prev := _SURNAME_BEFORE.search(text[max(0, stop - 40):stop])) is not None
                        and prev.group(1)[0].isupper()) and not _short_surname_ends(text, token, stop, m.end()):
                    continue
        elif not _VENUE_AFTER.match(text, m.end()):
            continue  # "Tuning? Case study": a question inside a title
        end = m.end(2) if m.group(2) else m.start() + 1
        spans.append((start, end))
        start = m.end()
    if start < len(text):
        spans.append((start, len(text)))
    return spans


_GIVEN_BEFORE = re.compile(r"(?:^|[\s,])([^\W\d_]{2,}|[A-Z]\.)\s+$")


def _short_surname_ends(text: str, token: str, stop: int, after: int) -> bool:
    """Whether a two-letter capitalised word before ". " is a surname ending the author list, not an
    initial: "…, and Zihan Li. Efficiently editing …" (a given name or an initial before it, a sentence
    after it); "Yu. Nesterov" (a comma before it) and "J. Am. Chem. Soc." (no sentence after) are not."""
    if len(token) != 2 or not (token[0].isupper() and token[1].islower()) or not _SENTENCE_START.match(text, after):
        return False
    given = _GIVEN_BEFORE.search(text, max(0, stop - 2 - 30), stop - 2)
    return given is not None and given.group(1)[0].isupper()


def _strip_marker(text: str) -> str:
    m = _MARKER.match(text)
    return text[m.end():] if m else text


def parse_reference(text: str, line: int) -> Draft | None:
    """A draft of the paper one reference string cites, or ``None`` when it cites none."""
    parsed = _MEMO.pop(text) if text in _MEMO else _parse(text, line)  # (the memo's copy is used once)
    if parsed is not None:
        parsed.line = line
    return parsed


#: parses of the reference strings of the read in progress (splitting parses most of them already)
_MEMO: dict[str, Draft | None] = {}


def _parse_cached(text: str) -> Draft | None:
    if text not in _MEMO:
        if len(_MEMO) > 50_000:
            _MEMO.clear()
        _MEMO[text] = _parse(text, 0)
    return _MEMO[text]


_URL_TEXT = re.compile(r"https?://\S+")
#: brackets left empty where an identifier was blanked
_EMPTIED = re.compile(r"[(\[]\s*[)\]]")
#: when the citing author read the page, not when the work appeared: Vancouver's "[cited 2025 Mar 1]",
#: IEEE's "Accessed: Mar. 1, 2025", Harvard's "(Accessed: 1 March 2025)", Chicago's "Accessed March 1,
#: 2025", APA's "Retrieved March 1, 2025, from" — and the medium designators "[Internet]", "[Preprint]" and
#: the "Available from:" before a URL
_ACCESS_NOTE = re.compile(
    r"[\[(]\s*(?:cited|accessed|retrieved|viewed|last (?:accessed|visited))\b[^\])]{0,40}[\])]"
    r"|\b(?:accessed|retrieved|viewed|last (?:accessed|visited))(?:\s+on)?\s*:?\s*"
    r"(?:[A-Za-z]{3,9}\.?\s+\d{1,2}(?:st|nd|rd|th)?,?\s+|\d{1,2}(?:st|nd|rd|th)?\s+[A-Za-z]{3,9}\.?,?\s+)?"
    r"(?:19|20)\d\d(?:[-/.]\d{1,2}(?:[-/.]\d{1,2})?)?(?:,?\s+from\b)?"
    r"|\[(?:internet|preprint|online|electronic|e-?print|epub ahead of print|(?:database|serial) on the internet)\]"
    r"|\bavailable(?:\s+(?:at|from|online))?\s*:"  # the label of a URL (blanked before)
    # Wikipedia's "Archived from the original on 19 December 2020": when a copy was saved, not the work's date
    r"|\barchived(?:\s+\(pdf\))?\s+from\s+the\s+original\s+on\s+"
    r"(?:[A-Za-z]{3,9}\.?\s+\d{1,2},?\s+|\d{1,2}\s+[A-Za-z]{3,9}\.?,?\s+)?(?:19|20)\d\d(?:-\d\d-\d\d)?",
    re.IGNORECASE,
)
_ACCESS_WORDS = ("ccess", "ited", "etrieved", "iewed", "isited", "[", "vailable", "rchived")
#: the identifiers Wikipedia prints after a reference ("ISBN 978-0-262-03561-3", "PMID 9377276", "S2CID 1915014",
#: "Bibcode:2015Natur.521..436L", "ISSN 0899-7667", "OCLC 1234") and an arXiv id's category ("[cs.CL]"): no part of
#: the venue (an ISBN is kept as the entry's, a PMID as the paper's identifier)
_CATALOGUE = re.compile(r"\b(?P<kind>ISBN|ISSN|eISSN|PMID|PMC|S2CID|Bibcode|OCLC|JSTOR|CiteSeerX|hdl|LCCN|OSTI)"
                        r"(?:\s*:\s*|\s+)(?P<value>[\w./:()-]*\w)"
                        r"|\[(?:cs|math|stat|physics|q-bio|q-fin|eess|econ|hep-\w+|gr-qc|quant-ph|cond-mat|astro-ph|"
                        r"nucl-\w+|nlin)(?:\.[A-Za-z-]+)?\]")
#: (one look for any of their names: a pattern of literals is scanned for faster than a loop of ``in`` tests)
_CATALOGUE_WORDS = re.compile(r"ISBN|ISSN|PMID|PMC|S2CID|Bibcode|OCLC|JSTOR|CiteSeerX|hdl|LCCN|OSTI")
#: what Wikipedia says a cited work is, in parentheses right after its title: "(PDF)", "(Report)", "(in German)"
_FORMAT = re.compile(r"^\s*\((?:PDF|Report|Preprint|Press release|Technical report|Abstract|Conference paper|Poster|"
                     r"Video|Podcast|Blog|[Ii]n [A-Z][a-z]+)\)")
_IN_PREFIX = re.compile(r"^in\s*:?\s+", re.IGNORECASE)
#: the year after the authors and before a quoted title (Chicago's author-date style)
#: (AEA: "Roe (2003)"; Wikipedia's full date, "Hochreiter, Sepp (1 November 1997).", "(November 1, 1997)")
_AUTHORS_THEN_YEAR = re.compile(r"(?:[.,]\s*\(?|\s\((?:(?:\d{1,2}\s+)?(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|"
                                r"Dec)[a-z]{0,6}\.?\s+(?:\d{1,2},\s+)?)?)(?P<year>(?:19|20)\d\d)[a-z]?\)?\.?$")
_AUTHOR_YEAR = re.compile(r"^(?P<authors>.+?)[.,]\s+(?P<year>(?:19|20)\d\d)[a-z]?\.\s+(?P<rest>.+)$")
_LNCS = re.compile(r"^(?P<authors>.+?(?:\b[A-Z][a-z]?\.|et al\.)):\s+(?P<rest>.+)$")


def _parse(text: str, line: int) -> Draft | None:
    ref = _strip_marker(text).strip()
    if len(ref) < 15 or len(ref) > 4000:
        return None
    if "\\" in ref:  # LaTeX markup pasted from a .tex or .bbl: "In {\em Proc. of …}", "{\bf 17}", "Schr\"odinger"
        ref = decode(ref).strip()
    d = Draft(NAME, "plain", line)
    d.reference = ref
    ids = find_ids(ref)
    for _s, _e, ident in ids:
        d.add_id(ident)
    d.code = code_links(ref)
    # the text to read fields from: identifiers and URLs blanked (they come after the title)
    work = _without_catalogue(d, _blanked(ref, ids) if ids else ref)
    if "http" in work:
        work = _URL_TEXT.sub(lambda m: " " * len(m.group(0)), work)
    if any(w in work for w in _ACCESS_WORDS):
        work = _ACCESS_NOTE.sub(lambda m: " " * len(m.group(0)), work)  # its year is no date of the work
    work = _without_role(d, work)
    edition = _PAREN_EDITION.search(work) if ("ed.)" in work or "ed)" in work or "edn" in work
                                               or "edition)" in work) else None
    if edition is not None:  # ACM's "Title (2nd. ed.). Wiley, …", APA's "Title (3rd ed.). Publisher."
        d.extra["edition"] = edition.group("edition")
        work = work[:edition.start()] + " " * (edition.end() - edition.start()) + work[edition.end():]
    book = trailing_publisher(work) if ")" in work else None
    if book is not None:  # "… Deep Learning (MIT Press, Cambridge, MA, 2016).": read what stands before it
        authors_text, title, venue, year = _book_fields(d, work[:book.start])
        d.publisher, year = book.publisher, year or book.year
    else:
        authors_text, title, venue, year = _fields(d, work)
    if authors_text:
        authors_text = strip_author_segment(authors_text)
        _take_names(d, authors_text)
    if title:
        title = _described(d, _trim_title(title))
    if not _take_title(d, title):
        return None
    if year is None:
        years = [int(m.group(1)) for m in YEAR.finditer(work[len(authors_text or ""):] if authors_text else work)]
        year = years[-1] if years else None
    dated = work.replace(title, " ") if title else work  # (a range in the title is no date: "…, 1978–2014")
    end = date_range_end(dated) if year is not None or YEAR.search(dated) else None
    if end:  # "2020–2021": the date is the range's start, its end is kept beside it
        start = re.search(r"((?:19|20)\d\d)\s*(?:[-–—/]|to)\s*" + end, dated)
        year = int(start.group(1)) if start else year
        d.date_end = end
    if year:
        d.year = year
    if venue:
        _take_venue(d, venue)
    if book is not None:
        d.publisher, d.address = book.publisher, book.address
        if book.after:  # "), p. 123.", "), Vol. 1."
            after = venue_details(book.after.strip(" ,"))
            d.pages, d.volume = d.pages or after.pages, d.volume or after.volume
    score = 0.55 + 0.15 * bool(d.authors or d.editors or d.role) + 0.15 * bool(d.year) + 0.1 * bool(d.venue or d.ids) \
        + 0.05 * (d.shape != "plain")
    d.confidence = round(min(1.0, score), 2)
    if not (d.authors or d.editors or d.role or d.ids or d.venue):
        return None  # a title and a year alone ("Meeting notes 2025-01-17") cite nothing
    return d


def _without_role(d: Draft, work: str) -> str:
    """``work`` without a role designator after its opening names (see :func:`_role`), the role put on ``d``:
    "Kurland, Philip B., and Ralph Lerner, eds. The Founders' Constitution. …" names no authors."""
    if _ROLE_GATE.search(work) is None:  # (most references name no editor)
        return work
    role = _role(work)
    if role is None:
        return work
    at, to, mark, d.role = role
    return work[:at] + mark + " " * (to - at - len(mark)) + work[to:]


def _take_names(d: Draft, authors_text: str) -> None:
    """The names of the author segment on ``d``: its authors, or — after "eds."/"trans." — the book's editors or
    translators."""
    authors = split_authors(authors_text)
    if not authors.names or not looks_like_names(authors_text):
        return
    if d.role == "translator":
        d.extra["translator"] = " and ".join(authors.names + ["others"] * authors.truncated)
    elif d.role:
        d.editors = authors.names
    else:
        d.authors, d.truncated = authors.names, authors.truncated


def _take_venue(d: Draft, venue: str) -> None:
    """The venue's fields on ``d``; where software or a data set is published ("Zenodo", "GitHub") and the archive
    holding a thesis whose school its description named (APA: "[Doctoral dissertation, University of Toronto].
    TSpace.") are no journal: ``howpublished``."""
    venue_fields(d, venue)
    if d.venue and (d.entry_type == "misc" or (d.entry_type in ("phdthesis", "mastersthesis") and "school" in d.extra)):
        d.extra.setdefault("howpublished", d.venue)
        d.venue = None


#: a role designator after the names that open a reference — the names are not the work's authors: Chicago's
#: "Kurland, Philip B., and Ralph Lerner, eds." and "Lattimore, Richmond, trans.", APA's "Smith, J. (Ed.).",
#: Harvard's "(eds.)", IEEE's "B. Klaus and P. Horn, Eds.,", MLA's and Vancouver's ", editors.", German "(Hrsg.)"
_ROLE = re.compile(
    r"(?:\s*\(\s*(?P<p>eds?|editors?|hrsg|trans|translators?|comps?)\.?\s*\)"
    r"|,\s*(?P<w>eds?|editors?|hrsg|trans|translators?|comps?|compilers?)\b\.?)(?P<end>[.,])?(?=\s|$)", re.IGNORECASE)
#: what every role designator has (a cheap test before :data:`_ROLE`, which most references never need: a scan for
#: the comma or parenthesis it follows)
_ROLE_GATE = re.compile(r"[,(]\s?(?:[Ee]d|[Tt]rans|[Cc]omp|[Hh]rsg)")
#: what may follow a role designator: the title (capitalised, quoted) or the year
_AFTER_ROLE = re.compile(r"[\s.,]*(?:[\"“‘'(\[]|[^\W\d_]*[A-Z]|(?:19|20)\d\d)")


def _role(work: str) -> tuple[int, int, str, str] | None:
    """Where a role designator closes the names that open the reference: ``(start, end, mark, role)`` — the
    span to blank, the punctuation that then ends the names as the style's own full stop or comma would
    ("eds. The …" → ". The …", "Eds., Robot …" → ", Robot …", "(Eds.). (2020)" → a blank), and ``editor`` or
    ``translator``.  Only the first designator counts, and only when everything before it reads as names:
    an APA chapter's "In J. Smith (Ed.), Book" names the book's editors, not this work's.  A designator not in
    parentheses follows a comma and is lower-case — a capitalised one only before a comma (IEEE's "Eds.,") —
    so "Catmull, Ed, and Amy Wallace" is a man called Ed and "A. Einstein, Trans. Am. Math. Soc." a journal."""
    m = _ROLE.search(work, 0, min(len(work), 400))
    if m is None or m.start() < 2:
        return None
    word = m.group("p") or m.group("w")
    if m.group("w") and word[0].isupper() and m.group("end") != ",":
        return None  # ("A. Einstein, Trans. Am. Math. Soc.": a journal; IEEE's capitalised "Eds.," has its comma)
    if not _AFTER_ROLE.match(work, m.end()) or not _names(work[:m.start()]):
        return None
    low = word.casefold()
    role = "translator" if low.startswith("trans") else "editor"
    if m.group("p"):
        mark = "" if work[m.end():].lstrip().startswith("(") else (m.group("end") or "")
    else:
        mark = m.group("end") or ("." if m.group(0).endswith(".") else ",")
    return m.start(), m.end(), mark, role


def _blanked(ref: str, ids: list[tuple[int, int, PaperId]]) -> str:
    """The reference with its identifiers blanked, and the brackets around one (APA's report number, "Title
    (arXiv:2005.14165). arXiv.") with them: they hold nothing now."""
    work = ref
    for s, e, _ident in reversed(ids):
        work = work[:s] + " " * (e - s) + work[e:]
    if "(" in work or "[" in work:
        work = _EMPTIED.sub(lambda m: " " * len(m.group(0)), work)
    return work


def _without_catalogue(d: Draft, work: str) -> str:
    """The reference without Wikipedia's catalogue numbers (asked only of a reference that may have one)."""
    if _CATALOGUE_WORDS.search(work) or (d.ids and "[" in work):  # (or an arXiv id's category, "[cs.CL]")
        return _catalogued(d, work)
    return work


def _catalogued(d: Draft, work: str) -> str:
    """The reference with the catalogue numbers Wikipedia prints blanked (see ``_CATALOGUE``); an ISBN and a
    PMID kept on ``d``."""
    def blank(m: re.Match[str]) -> str:
        kind, value = m.group("kind"), m.group("value")
        if kind == "ISBN":
            d.extra.setdefault("isbn", value)
        elif kind == "PMID" and value.isdigit():
            d.add_id(PaperId("pmid", value))
        return " " * len(m.group(0))
    return _CATALOGUE.sub(blank, work)


def _take_title(d: Draft, title: str | None) -> bool:
    """Put the title on ``d`` (an edition it ends with apart: "Title, 2nd ed."); whether the reference may be
    read on (a title that is none — a venue's words, no words — ends it, unless the style names no title)."""
    edition = _EDITION.search(title) if title and (" ed" in title or "edn" in title or "dition" in title) else None
    if title and edition is not None:
        d.extra["edition"] = edition.group("edition")
        title = title[:edition.start()].rstrip(" ,.")
    if not title and d.shape == "physics" and (d.venue or d.ids or d.entry_type):
        return True  # a physics reference names no title: its journal, volume, pages and year say which paper
    if not title or len(title.split()) < 1 or title_likeness(title) < 0.15 \
            or (_VENUE_WORD.match(title) and not (d.shape == "quoted" and _CAPITALS.match(title))):
        return False  # (a quoted title opening with capitals is one: "TDM and TWDM …", "IEEEtran homepage")
    d.title = title
    return True


def _fields(d: Draft, work: str) -> tuple[str | None, str | None, str | None, int | None]:
    """``(authors, title, venue, year)`` of a reference as its shape lays them out (the shape is set on
    ``d``): a quoted title (IEEE), ``Authors (2024). Title. Venue.`` (APA), ``Authors. 2024. Title.``
    (ACL, ACM), ``Authors: Title. Venue`` (LNCS), or sentences and commas."""
    title: str | None
    venue: str | None
    q = _QUOTED.search(work) if ('"' in work or "“" in work or "‘" in work or "``" in work) else None
    if q and len((q.group("t") or q.group("t2") or q.group("t3") or q.group("t4") or "").split()) >= 2:
        d.shape = "quoted"
        after = work[q.end():]
        if after[:3] in (" (P", " (R", " (T", " (A", " (C", " (B", " (V", " (i", " (I"):  # ("(PDF)": no venue)
            after = _FORMAT.sub("", after)
        venue = _IN_PREFIX.sub("", after.strip(" ,.;"))
        authors = work[: q.start()].strip(" ,:;")
        dated = _AUTHORS_THEN_YEAR.search(authors)  # Chicago author-date: 'Luo, Ruoxi, and Javier Sun. 2023. "Title."'
        return authors[: dated.start()] if dated else authors, \
            q.group("t") or q.group("t2") or q.group("t3") or q.group("t4"), venue, \
            int(dated.group("year")) if dated else None
    physics = journal_reference(work) if "," in work else None
    if physics is not None:  # APS/AIP "A. Einstein, Ann. Phys. (Leipzig) 17, 891 (1905).": no title, as a rule
        d.shape = "physics"
        d.venue, d.volume, d.pages = physics.journal, physics.volume, physics.pages
        return physics.authors, physics.title, None, physics.year
    head = AUTHORS_FIRST_INITIALS.match(work) if "," in work and "." in work[:4] else None
    if head is not None:
        rest = work[head.end():]
        if d.ids and _NOTHING_LEFT.match(rest):  # "J. Doe and R. Roe, arXiv:2001.01234 (2020).": the id says it all
            d.shape = "physics"
            return head.group("authors"), None, None, None
        coming = _FORTHCOMING.match(rest)
        if coming is not None:  # "…, Phys. Rev. Lett. (to be published), arXiv:…"
            d.shape, d.note = "physics", coming.group("status")
            return head.group("authors"), None, coming.group("journal"), None
        titled = _TITLE_ONLY.match(rest) if d.ids else None
        if titled is not None:  # "J. Doe and R. Roe, Quantum error correction, arXiv:2001.01234."
            d.shape = "physics"
            return head.group("authors"), titled.group("title").strip(), None, None
        book = _IEEE_BOOK.match(rest)
        if book is not None:  # IEEE "W.-K. Chen, Linear Networks and Systems. Belmont, CA, USA: Wadsworth, 1993."
            d.shape = "physics" if "," in rest else d.shape
            if book.group("edition"):
                d.extra["edition"] = book.group("edition")
            return head.group("authors"), book.group("title"), book.group("imprint"), None
        thesis = _THESIS.match(rest)
        if thesis is not None:  # "D. Gottesman, Ph.D. thesis, California Institute of Technology, 1997."
            d.shape = "physics"
            kind = thesis.group("kind").casefold()
            d.entry_type = "mastersthesis" if kind.startswith(("m", "dipl", "b")) else "phdthesis"
            school, _, address = thesis.group("school").partition(",")
            d.extra["school"] = school.strip()
            d.address = address.strip(" ,") or None
            return head.group("authors"), thesis.group("title"), None, int(thesis.group("year"))
    p = _YEAR_PAREN.search(work)
    if p and p.start() > 3 and _names(work[: p.start()]):
        d.shape = "apa"
        year = int(p.group("year")) if p.group("year") else None
        title, venue = _title_venue(work[p.end():].lstrip(" .,:"))
        return work[: p.start()], title, venue, year
    a = _AUTHOR_YEAR.match(work)
    if a and _names(a.group("authors")):
        d.shape = "author-year"
        title, venue = _title_venue(a.group("rest"))
        # (the full stop before the year may close an initial: "…, and Sun, J. 2010.")
        return work[: a.end("authors") + 1], title, venue, int(a.group("year"))
    lncs = _LNCS.match(work) if ":" in work else None
    if lncs and _names(lncs.group("authors")):
        d.shape = "lncs"
        title, venue = _title_venue(lncs.group("rest"))
        return lncs.group("authors"), title, venue, None
    d.shape = "plain"
    spans = _sentences(work)
    segs = [seg for seg in (work[s:e].strip(" .") for s, e in spans) if seg]
    if len(segs) >= 2 and _names(segs[0]):
        # (the authors as written: a closing initial keeps its full stop, "He, K., and Sun, J.")
        written = next(work[s:e].strip() for s, e in spans if work[s:e].strip(" ."))
        return written, segs[1], ". ".join(segs[2:]) or None, None
    comma = _comma_fields(work)
    if comma is not None:
        d.shape = "comma"
        return comma[0], comma[1], comma[2], None
    if segs:
        return None, segs[0], ". ".join(segs[1:]) or None, None
    return None, None, None, None


_FORTHCOMING = re.compile(r"(?P<journal>[A-Z][^,()\d]{1,80}?)\s*\((?P<status>to be published|in press|accepted|"
                          r"submitted|unpublished)\)[\s.,;]*(?:\[[\w.\s-]{0,30}\])?[\s.,;]*$", re.IGNORECASE)
_TITLE_ONLY = re.compile(r"(?P<title>[^\d()\[\]:;]{8,300}),[\s.,;]*(?:\[[\w.\s-]{0,30}\])?[\s.,;]*$")
_NOTHING_LEFT = re.compile(r"[\s.,;]*(?:\[[\w.\s-]{0,30}\])?[\s.,;]*(?:\(?(?:19|20)\d\d\)?)?[\s.,;]*$")
#: IEEE's book: "Title[, Nth ed.]. City, ST, Country: Publisher, Year[, pp. P–P]."
_IEEE_BOOK = re.compile(r"(?P<title>[^.\"“]{3,300}?)(?:,\s*(?P<edition>\d{1,2}(?:st|nd|rd|th))\s+ed)?\.\s+"
                        r"(?P<imprint>[A-Z][\w'’. -]{1,40}(?:,\s*[A-Z][\w'’. -]{1,30}){0,3}:\s*[A-Z][^:;]{1,80}?,\s*"
                        r"(?:19|20)\d\d(?:,\s*pp?\.\s*[\w–-]{1,20})?)[\s.]*$")
_THESIS = re.compile(r"(?:(?P<title>.+?),\s+)?"
                     r"(?P<kind>Ph\.\s?D\.|PhD|Doctoral|Master'?s|M\.\s?Sc\.|Diploma|Bachelor'?s)\s+(?:thesis|dissertation),\s+"
                     r"(?P<school>[^,\d]{3,80}(?:,\s*[^,\d]{2,40}){0,3}?),?\s+"
                     r"\(?(?P<year>(?:19|20)\d\d)\)?[\s.]*$", re.IGNORECASE)
_CAPITALS = re.compile(r"[A-Z]{2,}")
_PAREN_EDITION = re.compile(r"\s*\((?P<edition>\d{1,2}(?:st|nd|rd|th))\.?\s+(?:ed|edn|edition)\.?\)")
_EDITION = re.compile(r",?\s*\(?(?P<edition>\d{1,2}(?:st|nd|rd|th)|[Ss]econd|[Tt]hird|[Ff]ourth|[Rr]evised)\.?\s+"
                      r"(?:ed|edn|edition)\.?\)?\.?$")
_IN_VOLUME = re.compile(r"(?:^|,\s+)in\s+(?=[A-Z])")
_EDITED_BY = re.compile(r",?\s+(?:edited by|ed\.|eds\.)\s+.*$")


def _book_fields(d: Draft, work: str) -> tuple[str | None, str | None, str | None, int | None]:
    """``(authors, title, venue, year)`` of what stands before a publisher in parentheses: an APS/AIP book or
    proceedings ("I. Goodfellow, Y. Bengio, and A. Courville, Deep Learning", "A. Author, in Proceedings of X,
    edited by B. Editor"), or any other style's authors and title (Nature's "Goodfellow, I. … Deep Learning")."""
    head = AUTHORS_FIRST_INITIALS.match(work)
    if head is None:
        return _fields(d, work)
    d.shape = "physics"
    rest = work[head.end():].strip(" ,.")
    inside = _IN_VOLUME.search(rest)
    if inside is None:
        return head.group("authors"), rest, None, None
    venue = _EDITED_BY.sub("", rest[inside.end():]).strip(" ,.")
    d.venue_as = "booktitle"
    d.venue = venue or None
    return head.group("authors"), rest[:inside.start()].strip(" ,.") or None, None, None


def _names(text: str) -> bool:
    """Whether an author segment reads as names, asked of the segment as :func:`_parse` keeps it
    (:func:`strip_author_segment`): the split made here is the one the authors are then read from."""
    return looks_like_names(strip_author_segment(text))


_ONE_NAME = re.compile(r"^(?:(?:[A-Z]\.\s?-?)+[a-z]?\.?\s?)+[A-Z][\w'’-]+$|^[A-Z][\w'’-]+,?\s(?:[A-Z]\.\s?)+$"
                       r"|^et al\.?$")
_FIELD_VENUE = re.compile(r"^(?:[Ii]n\b|arXiv|ArXiv|CoRR|Proc|Journal|Trans|IEEE|ACM|Nature|Science|Advances|"
                          r"[Pp]reprint|Technical|(?:19|20)\d\d\b|[A-Z]{2,}[a-z]*\s+(?:19|20)?\d\d\b|[A-Z]{2,}$)"
                          r"|\((?:19|20)\d\d[a-z]?\)")


def _comma_fields(work: str) -> tuple[str, str, str | None] | None:
    """Elsevier and Vancouver-like references whose fields are separated by commas only:
    "A.Q. Jiang, A. Sablayrolles, et al., Mixtral of experts, arXiv preprint (2024)."  The
    leading parts that are one name each are the authors; the title runs to the first part that
    is a venue or holds the year."""
    parts = [p.strip() for p in work.split(",")]
    k = 0
    while k < len(parts) and _ONE_NAME.match(parts[k]):
        k += 1
    if k == 0 or k >= len(parts):
        return None
    title_parts = []
    j = k
    while j < len(parts) and not _FIELD_VENUE.search(parts[j]):
        title_parts.append(parts[j])
        j += 1
    if not title_parts:
        return None
    return ", ".join(parts[:k]), ", ".join(title_parts), ", ".join(parts[j:]) or None


_OPENING_QUOTE = re.compile(r"""^\s*(['‘"“])""")
_CLOSING = {"'": "'", "‘": "’", '"': '"', "“": "”"}


def _title_venue(rest: str) -> tuple[str | None, str | None]:
    q = _OPENING_QUOTE.match(rest)
    if q:  # Harvard's 'Title', Venue (and the other quotes): the title runs to its closing quote
        close = _CLOSING[q.group(1)]
        end = re.search(re.escape(close) + r"(?=\s*[,.;:]|\s*$)", rest[q.end():])
        if end:
            title = rest[q.end(): q.end() + end.start()]
            return title, rest[q.end() + end.end():].strip(" ,.;:") or None
    spans = _sentences(rest)
    if not spans:
        return None, None
    s, e = spans[0]
    title = rest[s:e].strip()
    venue = rest[e:].strip() or None
    return title, venue


_VENUE_AFTER_QUESTION = re.compile(r"([?!])\s+(?:In\b|arXiv|Proc|Journal|Advances|Trans)")


#: APA's description in square brackets after a title ("[Computer software]", "[Doctoral dissertation, University
#: of Toronto]", "[Data set]", "[Video]") and a version in parentheses before it ("(Version 2.1)"): neither is the
#: title
_DESCRIPTION = re.compile(r"\s*\[(?P<desc>[^\[\]\d]{3,120})\]$")
_VERSION = re.compile(r"\s*\((?:Version|Ver\.|v)\s*(?P<version>\d[\w.-]*)\)$")
_THESIS_DESCRIPTION = re.compile(r"^(?:unpublished\s+)?(?P<kind>doctoral|master'?s|bachelor'?s)\s+"
                                 r"(?:dissertation|thesis)(?:,\s*(?P<school>.+))?$", re.IGNORECASE)
_SOFTWARE_DESCRIPTION = re.compile(r"^(?:computer\s+(?:software|program)|software|source\s+code|data\s*set|"
                                   r"mobile\s+app)\b", re.IGNORECASE)


def _described(d: Draft, title: str) -> str:
    """The title without APA's description and version (see :data:`_DESCRIPTION`), what they say put on ``d``: a
    thesis's type and school, software's or a data set's ``misc`` type and version."""
    if not title.endswith(("]", ")")):
        return title
    m = _DESCRIPTION.search(title)
    if m is not None and m.start() > 0:
        desc = m.group("desc").strip()
        thesis = _THESIS_DESCRIPTION.match(desc)
        if thesis is not None:
            d.entry_type = "phdthesis" if thesis.group("kind").casefold() == "doctoral" else "mastersthesis"
            if thesis.group("school"):
                d.extra["school"] = thesis.group("school").strip()
        elif _SOFTWARE_DESCRIPTION.match(desc):
            d.entry_type = "misc"
        elif not desc[:1].isupper() or len(desc.split()) > 8:
            return title  # (a bracketed part of the title itself)
        title = title[:m.start()].rstrip(" .")
    v = _VERSION.search(title) if title.endswith(")") else None
    if v is not None and v.start() > 0:
        d.extra["version"] = v.group("version")
        title = title[:v.start()].rstrip(" .")
    return title


def _trim_title(title: str) -> str:
    t = title.strip().rstrip(".,;:")
    # a venue glued to the title after a question mark ("…at scale? arXiv preprint")
    m = _VENUE_AFTER_QUESTION.search(t) if ("?" in t or "!" in t) else None
    if m:
        t = t[: m.start() + 1]
    return t.strip(" \"“”‘’")


def read_block(lines: list[Line], sink: Sink) -> None:
    try:
        _read_block(lines, sink)
    finally:
        _MEMO.clear()


def _read_block(lines: list[Line], sink: Sink) -> None:
    reasons: dict[int, Chatter | None] = {}
    for first, group, text in split_references(lines, sink, reasons):
        head = group[0]
        # a numbered reference is read whatever its first line looks like; an unnumbered one unless that
        # line is chatter (the splitter's verdict, or asked here: only when it matters)
        marked = _MARKER.match(head.text) is not None
        chatter = None if marked else reasons[head.no] if head.no in reasons else chatter_reason(head.text)
        draft = parse_reference(text, first) if marked or chatter is None else None
        if draft is None:
            if marked and len(group) == 1:
                chatter = reasons[head.no] if head.no in reasons else chatter_reason(head.text)
            reason = chatter if len(group) == 1 else None
            sink.skip_all(group, reason or _NOT_A_REFERENCE)
            continue
        sink.add(draft)
