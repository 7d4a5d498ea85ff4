"""Reader for pasted paper listings (the text of a Hugging Face daily/trending papers page).

What people paste is the page's text in reading order: site chrome ("Get
trending papers in your email inbox!", "Subscribe", a date), then per paper a
title line and an abstract paragraph, interleaved with whatever the page shows
around them (upvote counts, "Published on Mar 17", "Submitted by …", "·"
separators, author lines, star counts).  Editors and mail clients add their
own damage: CRLF or lone CR line ends, lost or doubled blank lines, abstracts
hard-wrapped at 72 columns, non-breaking and zero-width spaces.

Blank lines alone cannot be trusted to separate papers, so the reader works in
three passes:

1. **Lines** are classified on a *structural* copy (NBSP, tabs and zero-width
   characters normalised, spaces collapsed): blank, page boilerplate and
   per-paper metadata (recognised and kept as metadata or skipped), forced
   author lines ("Authors: …"), or text.  The text itself is never altered
   beyond trimming each line.
2. **Segmentation and labelling** of the text lines is one optimisation
   (a small semi-Markov dynamic programme): every way of cutting consecutive
   lines into paragraphs and labelling each paragraph *title*, *abstract*,
   *authors* or *unplaceable* has a cost from the paragraph's shape (a title is
   short, has no sentence-final full stop; an abstract is long and
   multi-sentence), from line wrapping (a line with room left for the next
   word ended its paragraph) and from the listing grammar (title, optional
   authors, abstract; a second abstract for the same title is suspicious).
   The cheapest reading wins.  This recovers title/abstract pairs with or
   without blank lines, with wrapped or unwrapped paragraphs.
3. **Entries** are built from the labelled paragraphs; text that fits nowhere
   becomes a :class:`~bibkit.model.Problem` with its file and line, never
   silently dropped.

Titles and abstracts come out exactly as pasted, except that surrounding
whitespace of each line is trimmed and the lines of a wrapped paragraph are
joined with one space (or none after a word-internal hyphen or inside a URL
broken at the wrap width).
"""

from __future__ import annotations

import enum
import math
import re
from dataclasses import dataclass

from ..bibnames import OTHERS, is_others
from ..errors import InputError
from ..links import canonical_link, extract_links, normalize_arxiv_id
from ..model import (
    MONTH_NUMBERS,
    Document,
    Entry,
    LinkKind,
    PartialDate,
    Person,
    Problem,
    Provenance,
    SkippedLine,
    SourceLocation,
)
from ..names import parse_name_list, parse_plain_name
from .chatter import Chatter, chatter_reason
from .lines import _trim, split_lines, structural  # split_lines and structural are re-exported
from .paperids import classify_url
from .pastetext import stands_alone_as_title, title_likeness

__all__ = ["read", "read_lines", "structural", "split_lines", "unquote_lines", "strip_list_marker"]

SOURCE = "listing"

# --------------------------------------------------------------------------- what mail and editors add

_QUOTE_MARK = re.compile(r"^[ \t]*(?:>[ \t]?)+")
_MD_LINK_LINE = re.compile(r"^\[(?P<text>[^\[\]]+)\]\((?P<url>(?:https?://|/)[^()\s]*)\)$")
_MD_EMPHASIS_LINE = re.compile(r"^(?P<mark>\*\*|__)(?P<text>\S(?:.*\S)?)(?P=mark)$")
#: list markers that may precede a title ("1. ", "2) ", "- ", "* ", "• ")
_LIST_MARK = re.compile(r"^(?:\d{1,3}[.)]|[-*•◦▪‣]|\[\d{1,3}\]|#{1,6})[ \t\u00a0]+(?=\S)")


def unquote_lines(lines: list[str]) -> tuple[list[str], dict[int, str]]:
    """Undo what mail clients and Markdown editors add around a pasted page, line by line.

    * ``> `` quote markers (nested too) when most non-blank lines carry one: a listing
      forwarded or replied to in a mail;
    * a line that is one bold span (``**Title**``) or one link (``[Title](https://huggingface.co/papers/2401.06066)``,
      what pasting the page into Notion or Obsidian gives for every title).

    Returns the lines (same count, so line numbers stay true) and, by 0-based line index,
    the URL of each line that was a Markdown link.
    """
    nonblank = [ln for ln in lines if ln.strip()]
    quoted = sum(1 for ln in nonblank if _QUOTE_MARK.match(ln))
    strip_quotes = bool(nonblank) and quoted >= 0.6 * len(nonblank)
    out: list[str] = []
    urls: dict[int, str] = {}
    for idx, line in enumerate(lines):
        if strip_quotes:
            line = _QUOTE_MARK.sub("", line, count=1)
        text = line.strip()
        if text[:1] in ("*", "_"):
            m = _MD_EMPHASIS_LINE.match(text)
            if m:
                line = m.group("text")
        elif text[:1] == "[":
            m = _MD_LINK_LINE.match(text)
            if m:
                line = m.group("text")
                urls[idx] = m.group("url")
        out.append(line)
    return out, urls


def strip_list_marker(title: str) -> str:
    """A title without the list marker or Markdown heading marker a paste puts before it ("3. ", "- ",
    "## ").  Removed only once the title is found, so that wrapped lines keep their true width."""
    return _LIST_MARK.sub("", title, count=1)


# --------------------------------------------------------------------------- boilerplate and metadata

#: page chrome of huggingface.co/papers and neighbours, compared case-insensitively on whole lines
_NAV = frozenset(
    s.strip().casefold()
    for s in """
    new|get trending papers in your email inbox!|get trending papers in your email inbox|subscribe
    byak and the research community|by ak and the research community|ak and the research community
    daily papers|trending papers|trending|top|search|sign up|log in|login|logout|previous|next|upvote
    upvoted|upvotes|follow|following|comments|comment|view all|hugging face|hugging face's logo|huggingface
    models|datasets|spaces|posts|docs|enterprise|pricing|papers|paper|collections|community|arxiv page
    arxiv|github|project page|submit|submit paper|submit a paper|daily|weekly|monthly|paper page|view arxiv page
    view pdf|pdf|add to collection|share|copy link|cite|bibtex|join the discussion|models citing this paper
    datasets citing this paper|spaces citing this paper|collections including this paper|abstract
    ai-generated summary|ai generated summary|tl;dr|tldr|summary|authors|this week|this month|today|yesterday
    load more|show more|see more
    more|less|show less|read more|website|project|code|demo|new!|beta|system theme|light|dark|tos
    privacy|about|jobs|company|blog|learn|discord|forum|github stars|stars|search any paper with ai
    search papers|papers with code|language|filter|sort|sort by|most upvoted|most recent|organizations
    solutions|changelog|status|trending papers on hugging face|get this paper in your agent:
    join the community|sign in|menu|home|explore|chat|inference providers|hf.co|back|back to top
    previous page|next page|older|newer|all|week|month|day|featured|latest|hot|rising|recent|popular
    view paper|view on arxiv|open in new tab|copy|cited by|citations|references|related papers
    librarian bot|librarian-bot|upvote count|comments count|no comments|no comments yet|be the first to comment
    """.replace("\n", "|").split("|")
    if s.strip()
)
#: labels of the short machine-written summary a paper page shows above the abstract
_SUMMARY_LABELS = frozenset({"ai-generated summary", "ai generated summary", "tl;dr", "tldr", "summary"})
#: navigation lines that never end a title or a sentence (unlike "Models", "Code", "Search")
_NAV_NEVER_TEXT = frozenset(
    """upvote upvoted upvotes follow following subscribe comments comment login logout previous next
    share copy cite bibtex""".split()
) | {s for s in _NAV if " " in s and s not in ("hugging face", "project page", "papers with code")}
_MONTH = (
    r"(?P<mon>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_MONTHS = MONTH_NUMBERS
_DATE_PATTERNS = (
    re.compile(r"(?:(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,?\s+)?" + _MONTH
               + r"\s+(?P<day>\d{1,2})(?:st|nd|rd|th)?(?:,?\s+(?P<year>\d{4}))?", re.IGNORECASE),
    re.compile(r"(?P<day>\d{1,2})(?:st|nd|rd|th)?\s+" + _MONTH + r"(?:,?\s+(?P<year>\d{4}))?", re.IGNORECASE),
    re.compile(_MONTH + r"(?:,?\s+(?P<year>\d{4}))?", re.IGNORECASE),
    re.compile(r"(?P<year>\d{4})-(?P<mnum>\d{1,2})(?:-(?P<day>\d{1,2}))?"),
    re.compile(r"week\s+(?:of\s+.+|\d{1,2}(?:,?\s+\d{4})?)|w\d{1,2}|\d{4}-w\d{1,2}", re.IGNORECASE),
)
_UNIT = (
    r"upvotes?|stars?|comments?|authors?|likes?|views?|forks?|models?|datasets?|spaces?|collections?"
    r"|papers?|citations?|replies|reply|others?|more|followers?|k stars"
)
_COUNT = re.compile(
    r"(?:and\s+)?[+~#]?\s*\d+(?:[.,]\d+)?\s*[km]?\+?(?:\s+(?P<unit>" + _UNIT + r"))?", re.IGNORECASE
)
_UNIT_FIRST = re.compile(r"(?P<unit>" + _UNIT + r"|upvote|github|comments?|likes?)\s*[:=]?\s*\d+(?:[.,]\d+)?\s*[km]?",
                         re.IGNORECASE)
#: "Organization: deepseek-ai" — the organisation a paper is listed under
_ORG_LINE = re.compile(r"(?:organi[sz]ation|org|affiliation)\s*[:：]\s*(?P<org>.{1,60})", re.IGNORECASE)
_PUBLISHED = re.compile(r"(?P<what>published|submitted|posted|updated|added)(?:\s+on)?\s*:?\s+(?P<date>.+)",
                        re.IGNORECASE)
_SUBMITTED_BY = re.compile(r"(?:submitted|posted|shared|added)\s+by\s*:?\s*(?P<who>.*)", re.IGNORECASE)
_AUTHORS_PREFIX = re.compile(r"^(?:authors?|author\(s\)|by)\s*[:：]\s*(?P<names>.*)$", re.IGNORECASE)
_ARXIV_LINE = re.compile(r"(?:arxiv\s*[:#]?\s*)(?P<id>\d{4}\.\d{4,5}(?:v\d+)?)", re.IGNORECASE)
#: a card's repository shown as ``owner/name`` (optionally as a github.com URL), alone on a line
_REPO_LINE = re.compile(
    r"(?:(?:https?://)?(?:www\.)?github\.com/)?(?P<owner>[A-Za-z0-9][A-Za-z0-9-]{0,38})/(?P<name>[A-Za-z0-9._-]{1,100})/?"
)
#: what a browser copies of an image: its alt text ("akhaliq's avatar", "paper thumbnail", "logo.png")
_ALT_TEXT = re.compile(
    r"(?:.{1,40}?['’]s\s+)?(?:avatar|profile (?:picture|image|photo)|(?:paper\s+)?thumbnail|logo|image|icon)"
    r"|\S+\.(?:png|jpe?g|webp|gif|svg)", re.IGNORECASE)
#: a Hub user or organisation name shown alone on a card ("deepseek-ai", "akhaliq", "openbmb")
_HANDLE = re.compile(r"[a-z0-9](?:[a-z0-9_.-]{0,37}[a-z0-9_-])?")
_SEPARATORS = re.compile(r"\s*[·•|‧∙⋅]\s*|\s+[—–-]\s+")
#: what mail clients put around a forwarded or quoted text
_MAIL_LINE = re.compile(
    r"on\s.{4,120}\swrote:|-{2,}\s*(?:original message|forwarded message)\s*-{2,}|begin forwarded message:"
    r"|(?:from|to|cc|sent|date|subject):\s.{0,200}", re.IGNORECASE)
_EDGE_SYMBOLS = re.compile(r"^[^\w(\[\"'“‘]+|[^\w)\].!?\"'”’…]+$")


@dataclass(slots=True)
class _Meta:
    kind: str  # nav | sep | count | date | published | submitted | submitted-label | authors-label | summary-label
    #            | summary | handle | arxiv | repo
    value: str | None = None
    unit: str | None = None
    date: tuple[int | None, int | None, int | None] | None = None  # (year, month, day)
    after_text: bool = False  # found at the end of a text line: belongs after that line's paragraph


def _parse_date(text: str) -> tuple[int | None, int | None, int | None] | None:
    t = text.strip().strip(",")
    for pat in _DATE_PATTERNS:
        m = pat.fullmatch(t)
        if not m:
            continue
        g = m.groupdict()
        if "mon" in g and g.get("mon"):
            month = _MONTHS[g["mon"][:3].lower()]
        elif g.get("mnum"):
            month = int(g["mnum"])
        else:
            return (None, None, None)  # week-style pagination
        day = int(g["day"]) if g.get("day") else None
        year = int(g["year"]) if g.get("year") else None
        if not 1 <= month <= 12 or (day is not None and not 1 <= day <= 31):
            return None
        return (year, month, day)
    return None


def _piece_meta(piece: str) -> _Meta | None:
    """Classify one separator-free piece of a line as page metadata, or ``None`` for real text."""
    p = piece.strip()
    if not p or not any(ch.isalnum() for ch in p):
        return _Meta("sep")
    low = p.casefold()
    if low in _NAV or low.rstrip(":") in _NAV:
        return _nav_meta(p, low.rstrip(":"))
    core = _EDGE_SYMBOLS.sub("", p)  # "← Mar 16", "▲ 42", "⭐ 1.2k"
    if not core:
        return _Meta("sep")
    if core.casefold() in _NAV:
        return _Meta("nav", core)
    m = _COUNT.fullmatch(core) or _UNIT_FIRST.fullmatch(core)
    if m:
        return _Meta("count", core, (m.group("unit") or "").lower() or None)
    if _VIEW_ALL.fullmatch(core):
        return _Meta("nav", core)
    found = _dated_meta(core)
    if found is not None:
        return found
    m = _ARXIV_LINE.fullmatch(core)
    if m:
        return _Meta("arxiv", m.group("id"))
    return _card_meta(p, core)


_VIEW_ALL = re.compile(r"view all(?:\s+\d+)?(?:\s+\w+)?|see all(?:\s+\d+)?(?:\s+\w+)?", re.IGNORECASE)


def _nav_meta(p: str, word: str) -> _Meta:
    """A navigation word, or the label of what follows it ("Authors:", "AI-generated summary")."""
    if word in ("authors", "author"):
        return _Meta("authors-label")
    if word in _SUMMARY_LABELS:
        return _Meta("summary-label")
    return _Meta("nav", p)


def _dated_meta(core: str) -> _Meta | None:
    """A date, a publication date ("Published on Mar 17"), or a submitter ("Submitted by akhaliq")."""
    date = _parse_date(core)
    if date is not None:
        return _Meta("date", core, date=date)
    m = _PUBLISHED.fullmatch(core)
    if m and m.group("what").lower() != "added":
        date = _parse_date(m.group("date"))
        if date is not None:
            return _Meta("published", m.group("date").strip(), date=date)
    m = _SUBMITTED_BY.fullmatch(core)
    if m:
        who = m.group("who").strip()
        if not who:
            return _Meta("submitted-label")
        if len(who) <= 60 and len(who.split()) <= 5:
            return _Meta("submitted", who)
    return None


def _card_meta(p: str, core: str) -> _Meta | None:
    """What else a card shows beside its text: a mail line, an organisation, image alt text, a
    user handle, a repository name."""
    if _MAIL_LINE.fullmatch(p):
        return _Meta("nav", p)
    m = _ORG_LINE.fullmatch(core)
    if m:
        return _Meta("org", m.group("org").strip())
    if _ALT_TEXT.fullmatch(p):
        return _Meta("nav", p)
    if _HANDLE.fullmatch(p) and not _parse_date(p):
        return _Meta("handle", p)
    m = _REPO_LINE.fullmatch(p)
    if m and not _parse_date(p):
        return _Meta("repo", f"{m.group('owner')}/{m.group('name')}")
    return None


def _line_meta(key: str) -> list[_Meta] | None:
    """Metadata items of a whole (structural) line, or ``None`` if it carries text.

    A line such as ``Mar 17 · 42 upvotes`` is metadata only if every piece
    between separators is; one real piece makes the whole line text.
    """
    pieces = [p for p in _SEPARATORS.split(key)]
    if len(pieces) == 1:
        m = _piece_meta(key)
        return [m] if m else None
    out: list[_Meta] = []
    for piece in pieces:
        m = _piece_meta(piece)
        if m is None:
            return None
        if m.kind != "sep":
            out.append(m)
    return out or [_Meta("sep")]


# --------------------------------------------------------------------------- shapes

_FUNCTION_WORDS = frozenset(
    """a an the of for to in on at by with from and or but nor as that which who whose whom we our
    is are was were be been being this these those its their than into onto via over under between
    such e.g. i.e. has have had can may will would should could not also""".split()
)
_PERIOD_CANDIDATE = re.compile(r"\.[\"'”’)\]]*\s+[\"'“‘(]?[A-Z]")
_NOT_SENTENCE_END = re.compile(r"(?:\b[A-Za-z]|\bal|\be\.g|\bi\.e|\bvs|\bcf|\bet|\bFig|\bEq|\bNo)$")


def _sentence_periods(text: str) -> int:
    """Full stops that end a sentence inside ``text`` (not "et al. The", "e.g. GPT", "U.S. Army")."""
    if "." not in text:
        return 0
    # the exceptions are at most four characters and a word boundary long: look back only that far,
    # so a long paragraph costs one pass, not one pass per full stop
    return sum(1 for m in _PERIOD_CANDIDATE.finditer(text)
               if not _NOT_SENTENCE_END.search(text, max(0, m.start() - 6), m.start()))


_SENT_OTHER = re.compile(r"[?!][\"'”’)\]]*\s+[\"'“‘(]?[A-Z]")
_ENDS_SENTENCE = re.compile(r"[.!?…][\"'”’)\]]*$|\.\.\.$")
_FIRST_WORD = re.compile(r"\S+")


#: words that continue a phrase and never open a title or a sentence, whatever their case
_NEVER_FIRST = frozenset("than of and or nor into onto via whose whom versus vs. thereby".split())


def _first_word(text: str) -> str:
    words = text.split(" ", 1)
    return words[0].casefold().strip("\"'“”‘’()[]") if words and words[0] else ""


def _last_word(text: str) -> str:
    words = text.split()
    return words[-1].casefold().strip("\"'“”‘’()[]") if words else ""


def _starts_lower(text: str) -> bool:
    """Starts with a lower-case word ("the", "and") rather than a name like "iPhone"/"mPLUG"."""
    m = _FIRST_WORD.match(text)
    if not m:
        return False
    word = m.group(0).strip("\"'“‘(")
    return bool(word) and word[0].islower() and not any(ch.isupper() or ch.isdigit() for ch in word[1:])


#: how abstracts open, and titles do not
_ABSTRACT_OPENER = re.compile(
    r"^(?:We|Our|In (?:this|the|recent)|This (?:paper|work|study|article|report)|Here,? we|Recent(?:ly)?|Although"
    r"|While|Despite|However|To (?:address|this end|tackle)|As|With the)\b"
)


def _title_like(text: str) -> bool:
    """Title Case: at least three capitalised words of four letters or more, at most one lower-case
    one, and not the way an abstract opens ("We present the Process Engineering Operations")."""
    if _ABSTRACT_OPENER.match(text):
        return False
    words = [w for w in text.split() if len(w) > 3 and w[0].isalpha()]
    caps = sum(1 for w in words if w[0].isupper())
    return caps >= 3 and len(words) - caps <= 1 and not _sentence_periods(text)


def _marker_style(key: str) -> str | None:
    """The style of an enumeration marker opening a line ("d)" for "2) ", "d." for "3. ", "-"), else None."""
    m = _ENUMERATION.match(key)
    if m is None:
        return None
    return re.sub(r"\d+|[ivx]+|[a-h]", "d", m.group(0).strip())


_CLOSING_PUNCT = re.compile(r"[.,;:!?)\]}\"'”’…]+")
_ENUMERATION = re.compile(r"^(?:\(?(?:\d{1,2}|[ivx]{1,4}|[a-h])\)|\d{1,2}\.(?!\d)|[-*•◦▪‣–])\s")
_ENDS_URL = re.compile(r"(?:https?://|www\.)\S+$")
_CAPITALISED_WORD = re.compile(r"^[A-Z][a-z]+\b(?![-'’.]?[A-Za-z0-9])")


@dataclass(slots=True)
class _Line:
    no: int  # 1-based line number in the input
    raw: str  # the line with surrounding whitespace trimmed (output text)
    key: str  # structural form (for decisions only)
    run: int  # index of the block of consecutive text lines this line belongs to
    forced_authors: str | None = None  # names after an "Authors:" prefix
    shape: str = ""  # the key without a list or heading marker ("3. ", "## "): what shape costs read
    continues: bool = False  # continues the author line above it (wrapped after a comma)
    periods: int = 0
    others: int = 0


class SegmentLabel(enum.StrEnum):
    """What a segment of a listing is (the values are the one-letter labels the grammar uses)."""

    TITLE = "T"
    ABSTRACT = "A"
    AUTHORS = "U"
    UNPLACEABLE = "J"


#: what an unused segment of each label is, in the problem that reports it
_UNPLACED = {
    SegmentLabel.TITLE: "text",
    SegmentLabel.ABSTRACT: "abstract-like paragraph before any title",
    SegmentLabel.AUTHORS: "author line before any title",
    SegmentLabel.UNPLACEABLE: "text that is neither a title nor an abstract",
}


@dataclass(slots=True)
class _Seg:
    start: int
    end: int  # exclusive
    label: SegmentLabel


# costs of the listing grammar (see module docstring); shape costs are computed per paragraph
_INF = 1e9
_NO_ABSTRACT = 2.5  # a title directly followed by another title
_EXTRA_ABSTRACT = 6.0  # a second abstract paragraph for one title
_ORPHAN = 5.0  # an abstract/author paragraph before any title
_JUNK = 8.0  # a paragraph that fits nowhere
_TITLE_MID_RUN = 6.0  # a title right under other text, in a paste that puts blank lines between paragraphs
_MAX_TITLE_LINES = 6
_MAX_AUTHOR_LINES = 12
_WIDTH_SLACK = 4  # columns a short run's lines may pass the width the wrapped paragraphs show
_MAX_SEG_LINES = 60  # ~2,000-character abstracts wrapped at 35+ columns
_MAX_INNER = 16.0  # joins this costly inside one paragraph are never the cheapest reading: stop growing it
_MAX_PARAGRAPH = 4500  # characters; past arXiv's 1,920-character limit the length penalty alone rules it out


class _Model:
    """Costs for one input: wrap widths, joins and paragraph shapes, with prefix sums for speed."""

    def __init__(self, lines: list[_Line], raw_lines: list[str]):
        self.lines = lines
        self.raw_lines = raw_lines
        self.doc_width: int | None = None
        n = len(lines)
        for ln in lines:
            ln.periods = _sentence_periods(ln.shape)
            ln.others = len(_SENT_OTHER.findall(ln.shape))
        self.width = self._wrap_widths()
        self.trusted = False  # see trust_blank_lines()
        self.title_mid_run = [0.0] * n
        # lines that are items of a list an abstract sentence introduced ("…three aspects:" / "1) …")
        self.in_list = [False] * n
        chain: str | None = None  # the marker style of the list being read ("d)", "d.", "-")
        for k in range(1, n):
            if lines[k].run != lines[k - 1].run:
                chain = None
                continue
            style = _marker_style(lines[k].key)
            if style is None:
                continue
            if lines[k - 1].key.endswith(":") or style == chain:
                self.in_list[k] = True
                chain = style
            else:
                chain = None
        # join/break cost of the boundary *before* line k (k > 0, same run)
        self.cont = [0.0] * n
        self.brk = [0.0] * n
        self.cross_period = [0] * n  # a sentence boundary created by joining line k to k-1
        self.cross_other = [0] * n
        for k in range(1, n):
            if lines[k].run == lines[k - 1].run:
                self.cont[k], self.brk[k] = self._join_costs(k)
                prev, cur = lines[k - 1].key, lines[k].shape
                if cur[:1].isupper() or cur[:1] in "\"'“‘(":
                    if prev.endswith(".") and not re.search(r"(?:\b[A-Za-z]|\bet al|\be\.g|\bi\.e)\.$", prev):
                        self.cross_period[k] = 1
                    elif re.search(r"[?!][\"'”’)\]]*$", prev):
                        self.cross_other[k] = 1
        self.pre_len = self._prefix([len(ln.raw) for ln in lines])
        self.pre_cont = self._prefix(self.cont)
        # sentence boundaries inside lines, and those created by joining line k to k-1 (counted only
        # when both lines are in the paragraph: see _sentences)
        self.pre_per = self._prefix([ln.periods for ln in lines])
        self.pre_oth = self._prefix([ln.others for ln in lines])
        self.pre_xper = self._prefix(self.cross_period)
        self.pre_xoth = self._prefix(self.cross_other)
        self.pre_forced = self._prefix([1 if ln.forced_authors is not None else 0 for ln in lines])
        # per-line facts the shape costs look at again and again
        self.starts_lower = [_starts_lower(ln.shape) for ln in lines]
        self.ends_sentence = [bool(_ENDS_SENTENCE.search(ln.key)) for ln in lines]
        self.ends_dangling = [ln.key.endswith((",", ";")) or _last_word(ln.key) in _FUNCTION_WORDS for ln in lines]
        self.ends_url = [bool(_ENDS_URL.search(ln.key)) for ln in lines]
        self.pre_not_names = self._prefix([0 if _could_be_names(ln.key) else 1 for ln in lines])
        # Title Case: share of capitalised words of four letters or more (abstracts are prose)
        long_words = [[w for w in ln.shape.split() if len(w) > 3 and w[0].isalpha()] for ln in lines]
        self.pre_long = self._prefix([len(ws) for ws in long_words])
        self.pre_caps = self._prefix([sum(1 for w in ws if w[0].isupper()) for ws in long_words])
        self.title_like = [_title_like(ln.shape) for ln in lines]
        self._author_cache: dict[tuple[int, int], float] = {}

    def trust_blank_lines(self) -> None:
        """Make a break inside a run of lines expensive and a join cheap: used when the paste
        separates nearly all of its paragraphs with blank lines, so that a title-like line inside
        an abstract ("Our Key Contributions" / "First, we…") does not split one paper in two."""
        lines = self.lines
        self.trusted = True
        for k in range(1, len(lines)):
            if lines[k].run == lines[k - 1].run and self.cont[k] < _INF and self.brk[k] < _INF:
                self.cont[k] *= 0.5
                self.brk[k] += 1.5
                self.title_mid_run[k] = _TITLE_MID_RUN  # a title starts or ends a run, never sits inside one
        self.pre_cont = self._prefix(self.cont)

    def _has_forced(self, i: int, j: int) -> bool:
        return self.pre_forced[j] - self.pre_forced[i] > 0

    @staticmethod
    def _prefix(values: list[float] | list[int]) -> list[float]:
        out = [0.0]
        for v in values:
            out.append(out[-1] + v)
        return out

    # -- wrapping -------------------------------------------------------------------

    def _wrap_widths(self) -> dict[int, int | None]:
        """Per run, the column at which it looks hard-wrapped (``None``: not wrapped).

        A run is wrapped when most of its non-final lines reach close to its
        longest line (a greedy wrapper fills lines up to its width); runs too
        short to tell (a two-line title) borrow the width found elsewhere.
        """
        runs: dict[int, list[_Line]] = {}
        for ln in self.lines:
            runs.setdefault(ln.run, []).append(ln)
        widths: dict[int, int | None] = {}
        found: list[int] = []
        for rid, lines in runs.items():
            widths[rid] = None
            # the width is the longest line of several words: a lone overlong word (a URL the
            # wrapper could not break) sticks out past it
            short = [ln for ln in lines if len(ln.key) <= 200 and " " in ln.key]
            if len(short) < 4:  # three titles in a row are no wrapped paragraph
                continue
            w = max(len(ln.key) for ln in short)
            # a greedy wrapper leaves no room on a line for the next line's first word
            inner = [(a, b) for a, b in zip(lines, lines[1:]) if len(a.key) <= 200 and len(b.key) <= 200]
            full = sum(1 for a, b in inner if len(a.key) + 1 + len(b.key.split(" ", 1)[0]) > w)
            # …and breaks lines mid-sentence: a list of titles of similar lengths also has "full" lines,
            # but every line of it starts with a capital and ends a phrase
            mid = sum(1 for a, b in inner if _starts_lower(b.key) or a.key.endswith((",", ";", "-", "("))
                      or _last_word(a.key) in _FUNCTION_WORDS)
            # (a paste without blank lines ends a paragraph every few lines: strong mid-sentence
            # evidence makes up for the lines that end paragraphs)
            if w >= 30 and len(inner) >= 3 and mid >= 0.3 * len(inner) and (
                    full >= 0.85 * len(inner) or (full >= min(len(inner) - 1, 0.7 * len(inner))
                                                  and mid >= 0.5 * len(inner))):
                widths[rid] = w
                found.append(w)
        if found:
            # a run's longest line may fall short of the wrapper's width: the widest of the runs
            # that agree with the median is the width
            median = sorted(found)[len(found) // 2]
            doc_width = max(w for w in found if w <= median * 1.1)
            self.doc_width = doc_width
            for rid, lines in runs.items():
                # (the longest line seen may fall a few columns short of the wrapper's width: a title
                # wrapped at 72 columns has a first line of 72 where the abstracts' longest is 71)
                if widths[rid] is None and len(lines) >= 2 and all(
                    len(ln.key) <= doc_width + _WIDTH_SLACK or " " not in ln.key for ln in lines
                ):
                    widths[rid] = max([doc_width] + [len(ln.key) for ln in lines if " " in ln.key])
        return widths

    def _join_costs(self, k: int) -> tuple[float, float]:
        """(cost of joining line k to line k-1, cost of a paragraph break between them)."""
        prev, cur = self.lines[k - 1], self.lines[k]
        w = self.width.get(cur.run)
        first = _FIRST_WORD.match(cur.key)
        first_len = len(first.group(0)) if first else 0
        overlong = w is not None and len(prev.key) > w and " " not in prev.key  # an unbreakable URL
        full = False  # the previous line had no room for this line's first word: a wrapper broke here
        if w is not None and (len(prev.key) <= w or overlong) and (len(cur.key) <= w or " " not in cur.key):
            full = overlong or len(prev.key) + 1 + first_len > w
            cont, brk = (0.0, 2.0) if full else (5.0, 0.0)
        else:
            # not wrapped here: each line stands alone unless the text says otherwise
            cont, brk = (5.0 if cur.key[:1].isupper() else 3.5), 0.0
            if len(prev.key) + 1 + first_len <= len(cur.key):
                # the next word would have fitted on this line under any width that fits the
                # next line: no wrapper broke here ("Mamba" / "Is Attention All You Need?")
                cont += 3.0
        pk = prev.key
        if re.search(r"[A-Za-z]-$", pk) or pk.endswith((",", ";", "(", "[", "/", "&")) \
                or _last_word(pk) in _FUNCTION_WORDS:
            cont = min(cont, 0.0)
            brk += 2.5
        if _first_word(cur.shape) in _NEVER_FIRST:
            cont, brk = min(cont, 0.5), brk + 2.0  # "…With More Words" / "Than Any Reasonable…"
        if _starts_lower(cur.shape) or cur.key[:1] in ")]":
            cont = max(0.0, min(cont, cont - 2.5))
            brk += 1.5
        if _ENDS_SENTENCE.search(pk) or _ENDS_URL.search(pk):  # "…Our code is at https://…/RMoE"
            brk = max(0.0, brk - 1.5)
            cont += 2.5 if w is not None and not full else 0.5  # a wrapped paragraph ended here
            if cur.shape is not cur.key and not self.in_list[k]:
                brk, cont = 0.0, cont + 3.0  # "…applications." / "5. Can Generalist…": a new list item
            elif _title_like(cur.shape) and (not full or not pk.endswith(("?", "!"))):
                # "…level models." / "Qwen2.5 Technical Report": a Title Case line after a full stop
                # starts the next paper even when the stop happens to sit near the wrap width; but a
                # full line ending in "?" is more likely the first half of a wrapped title
                # ("…Special-Purpose Tuning?" / "Case Study in Medicine")
                brk, cont = 0.0, cont + (4.5 if pk.endswith(".") else 1.5)
        elif _title_like(pk) and cur.shape[:1].isupper() and len(cur.shape.split()) >= 4 and not _title_like(cur.shape):
            brk = max(0.0, brk - 1.5)  # "…Router for Mixture-of-Experts" / "The scaling of…"
        elif _CAPITALISED_WORD.match(cur.shape) and not pk.endswith((":", "-")):
            # mid-sentence, a wrapped line rarely starts with a capitalised common word: "…literature
            # mining" / "Literature mining is…" is a title ending and its abstract starting
            brk = max(0.0, brk - 1.0)
            cont += 1.0
        elif w is not None and cont == 0.0:
            brk += 0.5
        if _ABSTRACT_OPENER.match(cur.shape) and not _ENDS_SENTENCE.search(pk) and brk < 2.5:
            # "…hybrid architectures, Survey" / "This paper reviews…": only a title ends unpunctuated
            # right before an abstract's opening words
            brk, cont = max(0.0, brk - 1.5), cont + 1.5
        if self.in_list[k]:
            # "…from three aspects:" / "1) Data: …" / "2) Architecture: …": items of a list that a
            # sentence of the abstract introduced
            cont, brk = 0.0, brk + 3.0
        if cur.forced_authors is not None:
            cont, brk = (0.0, _INF) if cur.continues else (_INF, 0.0)
        elif prev.forced_authors is not None:
            cont, brk = _INF, 0.0
        return cont, brk

    # -- paragraph shapes --------------------------------------------------------------

    def joined(self, i: int, j: int) -> str:
        return join_lines([ln.raw for ln in self.lines[i:j]], self.width.get(self.lines[i].run))

    def _sentences(self, i: int, j: int) -> tuple[float, float]:
        """(boundaries after a full stop, after ?/!) inside paragraph ``[i, j)``."""
        per = self.pre_per[j] - self.pre_per[i] + self.pre_xper[j] - self.pre_xper[i + 1]
        oth = self.pre_oth[j] - self.pre_oth[i] + self.pre_xoth[j] - self.pre_xoth[i + 1]
        return per, oth

    def length(self, i: int, j: int) -> float:
        return self.pre_len[j] - self.pre_len[i] + (j - i - 1)

    def internal(self, i: int, j: int) -> float:
        return self.pre_cont[j] - self.pre_cont[i + 1] if j - i > 1 else 0.0

    def title_cost(self, i: int, j: int) -> float:
        if j - i > _MAX_TITLE_LINES or self._has_forced(i, j):
            return _INF
        n = self.length(i, j)
        if n > 350:
            return _INF
        first, last = self.lines[i].shape, self.lines[j - 1].key
        periods, others = self._sentences(i, j)
        c = 0.3 * (j - i - 1)
        c += 4.0 if n > 250 else 1.0 if n > 180 else 0.0
        if n < 4:
            c += 6.0
        elif n < 8:
            # "Mamba", "Emu3", "Cosmos": a capitalised name can be a whole title
            c += 1.5 if first[:1].isupper() and first.isalnum() else 3.0
        if j - i == 1 and " " not in self.lines[i].key:
            # one-word titles exist ("Mamba", "Cosmos") but one word is more often a wrapped tail
            c += 0.5 if first[:1].isupper() and first.isalnum() else 1.5
        c += 3.0 * periods + 0.5 * others
        if last.endswith(".") and not last.endswith(("...", "et al.")):
            c += 3.0
        elif last.endswith((",", ";")):
            c += 4.0
        elif last.endswith(":"):
            c += 2.0
        if _last_word(last) in _FUNCTION_WORDS - {"all", "not"}:
            c += 3.0
        if _starts_lower(first):
            c += 2.0
        if _ABSTRACT_OPENER.match(first):
            c += 2.0
        if _first_word(first) in _NEVER_FIRST:
            c += 3.0
        words = [w for w in " ".join(ln.shape for ln in self.lines[i:j]).split() if len(w) > 3 and w[0].isalpha()]
        if len(words) >= 5 and sum(1 for w in words if w[0].isupper()) < 0.25 * len(words):
            c += 1.0
        if re.fullmatch(r"\S*(?:https?://|www\.)\S*", first):
            c += 3.0
        return c

    def abstract_cost(self, i: int, j: int) -> float:
        if self._has_forced(i, j):
            return _INF
        n = self.length(i, j)
        c = 0.0 if n >= 400 else 0.5 if n >= 250 else 2.0 if n >= 150 else 3.5 if n >= 80 else 5.0
        if n > 2200:  # arXiv caps abstracts at 1,920 characters: longer is two papers run together
            c += 3.0 * (n - 2200) / 1000
        periods, others = self._sentences(i, j)
        end = j - 1
        if periods + others == 0 and not self.ends_sentence[end]:
            c += 3.0
        if periods == 0 and not self.lines[end].key.endswith((".", "…")):
            c += 3.0  # prose has full stops
        long_words = self.pre_long[j] - self.pre_long[i]
        if long_words >= 4 and self.pre_caps[j] - self.pre_caps[i] > 0.5 * long_words:
            c += 3.0  # Title Case Is Not How Abstracts Are Written
        if j - i > 1 and self.title_like[i]:
            c += 4.5  # …nor how they begin: a Title Case first line is a title glued to its abstract
        if self.ends_dangling[end]:
            c += 2.0
        elif not self.ends_sentence[end] and not self.ends_url[end]:
            c += 1.5  # an abstract ends a sentence (or with the URL of its code)
        if self.starts_lower[i]:
            c += 1.0
        return c

    def author_cost(self, i: int, j: int) -> float:
        hit = self._author_cache.get((i, j))
        if hit is not None:
            return hit
        forced = [ln.forced_authors is not None for ln in self.lines[i:j]]
        if forced[0]:
            cost = 0.0 if all(forced) and j - i <= _MAX_AUTHOR_LINES else _INF
        elif any(forced) or j - i > _MAX_AUTHOR_LINES or self.pre_not_names[j] - self.pre_not_names[i] > 0:
            cost = _INF
        else:
            cost = author_line_cost(" ".join(ln.key for ln in self.lines[i:j]))
        self._author_cache[(i, j)] = cost
        return cost


# --------------------------------------------------------------------------- author lines

_PARTICLES = frozenset("van von der den de del della di da dos das du la le bin ibn al el ter ten zu y st".split())
_FOOTNOTE = re.compile(r"[\d*†‡§¶#]+$")
_AUTHOR_TAIL = re.compile(
    r"(?:,?\s*(?:et al\.?|and\s+\d+\s+others?|\+\s*\d+(?:\s+(?:authors?|more|others?))?|…|\.\.\.))+\s*$",
    re.IGNORECASE,
)


#: capitalised words of paper titles that are nobody's name ("Towards Human-Guided, Data-Centric …")
_TITLE_WORDS = frozenset(
    """
    towards toward learning learned model models language languages large small data dataset datasets neural
    network networks deep survey efficient benchmark benchmarks generation vision transformer transformers
    agent agents reasoning evaluation evaluating tuning training multi using via with for beyond scaling
    understanding generative diffusion retrieval augmented instruction instructions knowledge graph graphs
    detection segmentation recognition translation text image images video videos speech audio reinforcement
    policy optimization optimal robust robustness adaptive adaptation attention memory inference foundation
    pretrained pre-trained pretraining pre-training fine-tuning finetuning multimodal multi-modal open towards
    unified universal general generalist specialist expert experts mixture sparse dense efficiently simple
    scalable fast faster better improving improved enhancing enhanced leveraging rethinking revisiting
    exploring exploration analysis study studies approach framework method methods system systems tool tools
    review overview introduction case challenges challenge opportunities towards automatic automated human
    humans guided centric aware based driven free level scale task tasks zero few shot self supervised
    unsupervised semi contrastive prompt prompting chain thought thoughts code clinical medical medicine

    """.split()
)


def _name_token_ok(tok: str) -> bool:
    tok = _FOOTNOTE.sub("", tok).strip("()")
    if not tok:
        return False
    if any(part.casefold() in _TITLE_WORDS for part in tok.split("-")) and tok.casefold() not in _PARTICLES:
        return False
    if tok.casefold() in _PARTICLES:
        return True
    if re.fullmatch(r"(?:[A-Z]\.)+(?:-[A-Z]\.)*", tok):  # initials "J.", "J.-P."
        return True
    if all("\u3040" <= ch <= "\u9fff" or "\uac00" <= ch <= "\ud7af" for ch in tok):
        return True
    core = tok.replace("-", "").replace("'", "").replace("’", "").replace(".", "")
    return tok[0].isupper() and core.isalpha()


_NOT_NAME_WORD = re.compile(r"(?:^|[\s,;(])(?!(?:and|et|al|" + "|".join(sorted(_PARTICLES)) + r")\b)[a-z]")


#: the tail of a shortened author list that counts the rest ("and 6 others", "+3 authors", "& 2 more")
_COUNTED_TAIL = re.compile(r"(?:,?\s*(?:and|&)\s+\d+\s+(?:others?|more)|\s\+\s*\d+\s*(?:authors?|more|others?))\s*$",
                           re.IGNORECASE)


def _could_be_names(line: str) -> bool:
    """Cheap pre-check: a line with prose punctuation or a lower-case word (other than "and",
    "et al." and name particles, and a tail such as "and 6 others") cannot be part of an author list."""
    if " other" in line or " more" in line or " author" in line:
        line = _AUTHOR_TAIL.sub("", line)
    return not (re.search(r"[:?!]|https?://", line) or _NOT_NAME_WORD.search(line))


def author_names(line: str) -> list[str]:
    """The comma/"and"-separated parts of an author line (tail such as "et al." removed)."""
    text = _AUTHOR_TAIL.sub("", line.strip())
    parts = re.split(r"\s*[,;，、·•]\s*|\s+and\s+|\s*&\s*", text)
    return [p.strip() for p in parts if p.strip()]


def author_line_cost(line: str) -> float:
    """How unlike a bare author list a line is: 1 for "A. One, B. Two, C. Three", infinite for prose."""
    if re.search(r"[:?!]|https?://", line) or len(line) > 2000:
        return _INF
    parts = author_names(line)
    if not parts:
        return _INF
    good = 0
    for part in parts:
        tokens = part.split()
        if 1 <= len(tokens) <= 5 and all(_name_token_ok(t) for t in tokens) and any(
            len(t) > 1 and any(ch.islower() for ch in t) for t in tokens
        ):
            good += 1
    if len(parts) >= 2 and good == len(parts) and sum(len(p.split()) >= 2 for p in parts) >= 0.5 * len(parts):
        return 1.0
    if len(parts) >= 3 and good >= 0.8 * len(parts):
        return 2.5
    if len(parts) == 1 and good == 1 and 2 <= len(parts[0].split()) <= 4:
        return 3.5
    return _INF


# --------------------------------------------------------------------------- joining wrapped lines

_URL_MARKER = re.compile(r"https?://|www\.|github\.com|huggingface\.co|doi\.org")
_HYPHEN_KEEP_SPACE = frozenset("and or to nor as vs vs. versus".split())


def join_lines(lines: list[str], width: int | None = None) -> str:
    """Join the lines of one wrapped paragraph: one space between lines, except none after a
    word-internal hyphen ("multi-" + "modal") or inside a URL a wrapper broke at its width."""
    if not lines:
        return ""
    out = lines[0]
    prev = lines[0]
    in_url = False  # the previous line ended inside a URL broken at the width
    for cur in lines[1:]:
        glue = " "
        first = cur.split(" ", 1)[0]
        tail = prev.rsplit(" ", 1)[-1]
        marker = _URL_MARKER.search(tail + first)
        # a URL cut by the wrapper may end in "." ("https://github." / "com/…"), a sentence never
        # continues with a lower-case word or a path
        ends_clean = not re.search(r"[.,;:)]$", tail) or (tail.endswith(".") and (first[:1].islower() or "/" in first))
        broken_url = width is not None and len(prev) >= width and bool(
            (marker is not None and marker.start() < len(tail) < marker.end())  # "https:" / "//github.com…"
            or (ends_clean and marker is not None and marker.start() < len(tail))
            or (ends_clean and in_url and " " not in prev)
        )
        if broken_url or _CLOSING_PUNCT.fullmatch(cur):
            glue = ""
        elif re.search(r"[^\W\d_]-$", prev) and first[:1].isalnum() \
                and first.casefold().rstrip(",.") not in _HYPHEN_KEEP_SPACE:
            glue = ""
        in_url = bool(broken_url)
        out += glue + cur
        prev = cur
    return out


# --------------------------------------------------------------------------- the reader


def _classify(
    raw_lines: list[str], as_text: frozenset[int] = frozenset()
) -> tuple[list[_Line], list[tuple[int, _Meta]], list[tuple[int, int]]]:
    """Text lines (with run ids), metadata lines with their line numbers, and the metadata lines
    that directly follow a text line (``(line, previous line)``: maybe the tail of a wrapped paragraph).

    Line numbers in ``as_text`` are text whatever they look like.
    """
    c = _Classifier(as_text)
    for idx, raw in enumerate(raw_lines):
        c.line(idx + 1, raw, idx + 1 == len(raw_lines) or not raw_lines[idx + 1].strip())
    return c.lines, c.metas, c.suspects


class _Classifier:
    """The state of :func:`_classify` as it walks the lines: the runs of text lines (paragraphs), and
    what the metadata seen so far makes the next line ("Submitted by" / a name, "Authors:" / names)."""

    def __init__(self, as_text: frozenset[int]) -> None:
        self.as_text = as_text
        self.lines: list[_Line] = []
        self.metas: list[tuple[int, _Meta]] = []
        self.suspects: list[tuple[int, int]] = []
        self.run = 0
        self.in_run = False
        self.expect_submitter = False
        self.expect_authors = False
        self.expect_summary = False

    def line(self, no: int, raw: str, alone: bool = True) -> None:
        """Classify line ``no``; ``alone``: no text line follows it directly (a blank line or the end does)."""
        key = structural(raw)
        if not key:
            self.in_run = False
            if self.expect_summary and self.metas and self.metas[-1][1].kind == "summary":
                self.expect_summary = False  # the summary paragraph ended
            return
        if self._expected_meta(no, raw, key):
            return
        found = self._meta_of(no, key, alone)
        if found is not None:
            self._add_metas(no, key, found)
        else:
            self._add_text(no, raw, key)

    def _expected_meta(self, no: int, raw: str, key: str) -> bool:
        """The line a label announced: a summary under "AI-generated summary", a name under "Submitted by"."""
        if self.expect_summary and len(key) <= _MAX_SUMMARY and (_line_meta(key) is None or no in self.as_text):
            self.metas.append((no, _Meta("summary", _trim(raw))))
            self.in_run = False
            return True
        self.expect_summary = False
        if self.expect_submitter:
            self.expect_submitter = False
            if len(key) <= 40 and len(key.split()) <= 4 and not _ENDS_SENTENCE.search(key):
                self.metas.append((no, _Meta("submitted", key)))
                self.in_run = False
                return True
        return False

    def _meta_of(self, no: int, key: str, alone: bool) -> list[_Meta] | None:
        """The line's metadata, or ``None`` when it is text."""
        if no in self.as_text:
            return None
        lines = self.lines
        found = _line_meta(key)
        if found is None:
            # a wrapped line of prose continues the sentence of the line above it: lower-case, after
            # a line that did not end a sentence ("…In this work," / "we introduce …")
            # (a remark under a Markdown heading is no wrapped part of it: "## Related work" / "fyi the
            # deadline moved"; a heading wrapped at a fixed width goes on with words of a title)
            found = _chatter_meta(key, self.in_run and bool(lines) and not _ENDS_SENTENCE.search(lines[-1].key)
                                  and not key[:1].isupper() and not _MD_HEADING_LINE.match(lines[-1].key), alone)
        if found is not None and self.in_run and len(found) == 1 and found[0].kind == "repo":
            return None  # "owner/name" right under text: more likely a URL the wrapper cut in two
        if found is not None and self.in_run and _CLOSING_PUNCT.fullmatch(key):
            return None  # "…/OCR/Platypus" / ".": the end of a sentence a wrapper pushed to a line of its own
        return found

    def _add_metas(self, no: int, key: str, found: list[_Meta]) -> None:
        if self.in_run and len(found) == 1 and found[0].kind in ("nav", "date", "handle") and key[:1].isalpha() \
                and not _SEPARATORS.search(key) and key.casefold() not in _NAV_NEVER_TEXT:
            self.suspects.append((no, self.lines[-1].no))
        for m in found:
            if m.kind == "submitted-label":
                self.expect_submitter = True
            elif m.kind == "authors-label":
                self.expect_authors = True
            elif m.kind == "summary-label":
                self.expect_summary = True
            else:
                self.metas.append((no, m))
        if self.lines and any(m.kind == "count" and m.unit in ("author", "authors") for m in found):
            self.run = _names_before_count(self.lines, no, self.run)
        self.in_run = False

    def _add_text(self, no: int, raw: str, key: str) -> None:
        forced: str | None = None
        split = _trailing_meta(raw) if no not in self.as_text else None
        if split is not None:
            raw, tail = split
            key = structural(raw)
            for item in tail:
                item.after_text = True
                self.metas.append((no, item))
            if any(item.kind == "count" and item.unit in ("author", "authors") for item in tail) \
                    and _could_be_names(key) and (author_line_cost(key) < _INF or len(key.split()) <= 3):
                forced = key  # "Jianhong Bai · 10 authors", "Qwen · 20 authors": the first author(s)
        if forced is None:
            forced = self._author_line(no, key)
        self.expect_authors = False
        lines = self.lines
        continues_authors = forced is not None and bool(lines) and lines[-1].forced_authors is not None \
            and lines[-1].no == no - 1 and lines[-1].key.endswith(",")
        if not self.in_run or (forced is not None and not continues_authors):
            self.run += 1
        self.in_run = True
        shape = _LIST_MARK.sub("", key, count=1)
        lines.append(_Line(no, _trim(raw), key, self.run, forced, continues=continues_authors,
                           shape=key if shape == key else shape))
        if forced is not None and not key.endswith(","):
            self.in_run = False  # an author line is a paragraph of its own

    def _author_line(self, no: int, key: str) -> str | None:
        """The names of a text line that can only be an author line, or ``None``."""
        m = _AUTHORS_PREFIX.match(key)
        if m and m.group("names").strip() and (
            not key.lower().startswith("by") or author_line_cost(m.group("names")) < _INF
        ):
            return m.group("names").strip()
        if self.expect_authors and author_line_cost(key) < _INF:
            return key
        if _COUNTED_TAIL.search(key) and _could_be_names(key) and author_line_cost(key) < _INF:
            return key  # "Mehmet Öztürk and 6 others", "A. Li, B. Wu +3 authors": only author lines say so
        last = self.lines[-1] if self.lines else None
        if last is not None and last.forced_authors is not None and last.no == no - 1 \
                and last.key.endswith(",") and _could_be_names(key):
            return key  # an author list wrapped after a comma
        return None


_MD_HEADING_LINE = re.compile(r"^#{1,6}\s+\S")
_MAX_SUMMARY = 700  # characters: a machine summary is a sentence or two, never an abstract

#: reasons of :func:`~bibkit.sources.chatter.chatter_reason` a listing accepts: a line of one of
#: these kinds is no title and no part of an abstract (unless it continues a sentence: see below)
_CHATTER = frozenset({Chatter.BINARY, Chatter.NOTE_TO_SELF, Chatter.CALL_TO_ACTION, Chatter.COUNT, Chatter.SEPARATOR,
                      Chatter.MAIL_HEADER, Chatter.REMARK, Chatter.LABEL, Chatter.NON_PAPER_LINK, Chatter.DATED})
#: of those, the kinds that are never a wrapped part of a sentence either
_ALWAYS = frozenset({Chatter.BINARY, Chatter.MAIL_HEADER})


def _chatter_meta(key: str, mid_sentence: bool, alone: bool = True) -> list[_Meta] | None:
    """A line that is no part of any paper (a note to self, a call to action, a link to a paper
    page that names the paper above it), as metadata; ``None`` for text.  A long label ("Cited in
    the survey we read last week:") stands on its own line: one that text follows directly is the
    opening of a paragraph ("LMM tackles these challenges from three aspects:" / "1) Data: …")."""
    if key.startswith(("http://", "https://", "www.", "arxiv.org/", "huggingface.co/")) and " " not in key:
        ident = classify_url(key)
        if ident is not None and ident.kind == "arxiv":
            return [_Meta("arxiv", key)]
    reason = chatter_reason(key)
    if reason is Chatter.LABEL and not alone and len(key.split()) > 5:
        return None
    if reason in _ALWAYS or (reason in _CHATTER and not mid_sentence):
        return [_Meta("chatter", reason)]
    if reason is Chatter.NAVIGATION and len(key.split()) <= 3:
        return [_Meta("nav", key)]
    return None


def _trailing_meta(raw: str) -> tuple[str, list[_Meta]] | None:
    """Split a line whose text is followed by card metadata after separators:
    "Jianhong Bai · 10 authors", "Qwen2.5 Technical Report · Published on Mar 17, 2025".

    Returns the text before the first separator of the metadata tail and the metadata items,
    or ``None`` when the line is not of that shape (the tail must hold something a card shows
    next to its text: a publication date, a submitter, or a count with its unit).
    """
    if len(raw) > _MAX_CARD_LINE:
        return None  # card lines are short; a long line is prose whatever separators it holds
    seps = list(_SEPARATORS.finditer(raw))
    if not seps:
        return None
    # the piece after each separator, classified once; the metadata tail is the longest run of
    # metadata pieces at the end of the line (one pass from the right, not one per separator)
    ends = [s.start() for s in seps[1:]] + [len(raw)]
    metas = [_piece_meta(structural(raw[sep.end():end])) for sep, end in zip(seps, ends)]
    first = len(seps)
    while first > 0 and metas[first - 1] is not None:
        first -= 1
    for k in range(first, min(len(seps), first + 3)):
        head = raw[:seps[k].start()]
        if not structural(head):
            continue
        tail = [m for m in metas[k:] if m is not None and m.kind != "sep"]
        if not any(m.kind in ("published", "submitted") or (m.kind == "count" and m.unit) for m in tail):
            return None
        if _line_meta(structural(head)) is None:
            return head.rstrip(), tail
    return None


#: longer lines are never a card's text-plus-metadata line
_MAX_CARD_LINE = 600


def _names_before_count(lines: list[_Line], no: int, run: int) -> int:
    """A card shows its first author(s), then "· 10 authors": the text line just above an author
    count (nothing but metadata and blank lines between) is an author line.  Returns the run counter."""
    prev = lines[-1]
    if prev.forced_authors is not None or no - prev.no > 4 or not _could_be_names(prev.key) \
            or author_line_cost(prev.key) >= _INF:
        return run
    prev.forced_authors = prev.key
    if len(lines) > 1 and lines[-2].run == prev.run:
        run += 1  # an author line is a paragraph of its own
        prev.run = run
    return run


def _wrapped_tails(lines: list[_Line], suspects: list[tuple[int, int]], model: "_Model") -> frozenset[int]:
    """Suspect metadata lines that are really the last word(s) of a hard-wrapped paragraph:
    "…Mixture-of-Experts Language" / "Models" — the previous line had no room for them."""
    by_no = {ln.no: ln for ln in lines}
    out = set()
    for no, prev_no in suspects:
        prev = by_no[prev_no]
        width = model.width.get(prev.run) or model.doc_width
        if width is None or _ENDS_SENTENCE.search(prev.key):
            continue
        key = structural(model.raw_lines[no - 1])
        first = key.split(" ", 1)[0]
        if len(key) <= width and len(prev.key) + 1 + len(first) > width and len(prev.key) >= 0.6 * width:
            out.add(no)
    return frozenset(out)


def _segment(model: _Model) -> list[_Seg]:
    """The cheapest segmentation and labelling of all text lines (semi-Markov Viterbi).

    States: 0 before any title, 1 after a title whose abstract has not come, 2 after an abstract.
    """
    lines = model.lines
    n = len(lines)
    best = [[_INF] * 3 for _ in range(n + 1)]
    back: list[list[tuple[int, int, SegmentLabel] | None]] = [[None] * 3 for _ in range(n + 1)]
    best[0][0] = 0.0
    for i in range(n):
        # cost of starting a paragraph at line i (a break inside a run)
        start_cost = model.brk[i] if i > 0 and lines[i].run == lines[i - 1].run else 0.0
        row = best[i]
        if min(row) >= _INF:
            continue
        j = i + 1
        while j <= n and j - i <= _MAX_SEG_LINES:
            if j > i + 1 and lines[j - 1].run != lines[i].run:
                break
            inner = model.internal(i, j)
            base = start_cost + inner
            if base >= _INF or inner > _MAX_INNER or model.length(i, j) > _MAX_PARAGRAPH:
                if j == i + 1:
                    # one line too long to be anything (a binary, a whole page on one line): it is
                    # unplaceable text, so that every line always has a reading
                    for s in range(3):
                        if row[s] < _INF and row[s] + _JUNK < best[j][s] - 1e-9:
                            best[j][s] = row[s] + _JUNK
                            back[j][s] = (i, s, SegmentLabel.UNPLACEABLE)
                break
            t = model.title_cost(i, j) if j - i <= _MAX_TITLE_LINES else _INF
            if model.title_mid_run[i] and j < n and lines[j].run == lines[i].run and t < _INF:
                t += model.title_mid_run[i]  # a title sandwiched between lines of one paragraph
            a = model.abstract_cost(i, j)
            u = model.author_cost(i, j) if j - i <= _MAX_AUTHOR_LINES else _INF
            for s in range(3):
                if row[s] >= _INF:
                    continue
                here = row[s] + base
                for cost, ns, label in _readings(s, t, a, u, j - i):
                    total = here + cost
                    if total < best[j][ns] - 1e-9:
                        best[j][ns] = total
                        back[j][ns] = (i, s, label)
            j += 1
    final = [best[n][0], best[n][1] + _NO_ABSTRACT * 0.5, best[n][2]]
    state = min(range(3), key=lambda s: final[s])
    segs: list[_Seg] = []
    j = n
    while j > 0:
        ptr = back[j][state]
        if ptr is None:  # cannot happen (every line has a junk reading); never crash on it
            ptr = (j - 1, state, SegmentLabel.UNPLACEABLE)
        i, prev_state, label = ptr
        segs.append(_Seg(i, j, label))
        j, state = i, prev_state
    segs.reverse()
    return segs


def _readings(s: int, t: float, a: float, u: float, size: int) -> list[tuple[float, int, SegmentLabel]]:
    """The ways a paragraph of ``size`` lines can be read in state ``s`` (see :func:`_segment`), given
    its costs as a title ``t``, an abstract ``a`` and an author line ``u``: ``(cost, next state, label)``."""
    options: list[tuple[float, int, SegmentLabel]] = []
    if t < _INF:
        options.append((t + (_NO_ABSTRACT if s == 1 else 0.0), 1, SegmentLabel.TITLE))
    if a < _INF:
        if s == 1:
            options.append((a, 2, SegmentLabel.ABSTRACT))
        elif s == 2:
            options.append((a + _EXTRA_ABSTRACT, 2, SegmentLabel.ABSTRACT))
        else:
            options.append((a + _ORPHAN, 0, SegmentLabel.ABSTRACT))
    if u < _INF:
        options.append((u + (_ORPHAN if s == 0 else 0.0), s, SegmentLabel.AUTHORS))
    options.append((_JUNK + 0.5 * (size - 1), s, SegmentLabel.UNPLACEABLE))
    return options


def _blank_line_structured(lines: list[_Line], segs: list[_Seg]) -> bool:
    """Whether the paste puts blank lines between its paragraphs: at least six runs of text
    lines, and at most one in ten of them cut into several paragraphs (author lines aside)."""
    runs = {ln.run for ln in lines}
    if len(runs) < 6:
        return False
    cut = {lines[s.start].run for s in segs
           if s.start > 0 and lines[s.start - 1].run == lines[s.start].run
           and s.label is not SegmentLabel.AUTHORS and lines[s.start - 1].forced_authors is None}
    return 0 < len(cut) <= 0.1 * len(runs)


def _date_text(meta: _Meta) -> dict[str, object]:
    out: dict[str, object] = {"listing_date": meta.value}
    if meta.date:
        year, month, day = meta.date
        if year:
            out["listing_year"] = year
        if month:
            out["listing_month"] = month
        if day:
            out["listing_day"] = day
    return out


_NAV_LIKE = re.compile(r"^\S+(?:\s\S+)?$")  # at most two words


def read(text: str, origin: str, *, strict: bool = False) -> Document:
    """Read a pasted listing into a :class:`Document` of ``misc`` entries (title, abstract, links).

    ``origin`` names the input in locations (``file:line``).  With ``strict``,
    text that cannot be placed is an :class:`~bibkit.errors.InputError` instead of a problem.
    """
    doc = read_lines(split_lines(text), origin, strict=strict)
    doc.metadata.pop("listing_rich", None)
    return doc


#: why a metadata line of a listing is no paper (for the report's list of skipped lines)
_SKIP_REASONS = {
    "nav": "page navigation", "sep": "a separator", "count": "a count (upvotes, stars, authors, comments)",
    "date": "a date", "handle": "a user or organisation name shown on a card", "published": "a publication date",
    "submitted": "a submitter's name", "org": "an organisation label", "summary": "a machine-written summary",
    "repo": "a repository name", "arxiv": "an arXiv id", "submitted-label": "a 'Submitted by' label",
    "authors-label": "an 'Authors' label", "summary-label": "a summary label",
}


def read_lines(raw: list[str], origin: str, *, strict: bool = False, first: int = 1, final: bool = True,
               paste_rich: bool | None = None) -> Document:
    """:func:`read` for lines already split; ``first`` is the number of ``raw[0]`` in the whole
    input (a block of a longer paste), ``final=False`` leaves out the "no titles found" problem.
    ``paste_rich=True`` says the whole paste's papers come with abstracts or authors (a block of it may
    hold too few to tell), so a lone short line here is a heading or a label (see
    :func:`_drop_headings`); ``doc.metadata["listing_rich"]`` says what was decided."""
    raw_lines, md_urls = unquote_lines(raw)
    lines, metas, suspects = _classify(raw_lines)
    model = _Model(lines, raw_lines)
    if suspects:
        tails = _wrapped_tails(lines, suspects, model)
        if tails:
            lines, metas, _ = _classify(raw_lines, tails)
            model = _Model(lines, raw_lines)
    segs = _segment(model) if lines else []
    if segs and _blank_line_structured(lines, segs):
        model.trust_blank_lines()
        segs = _segment(model)

    # events in input order: paragraphs (by their first line) and metadata lines
    events: list[tuple[int, int, _Meta | _Seg]] = [(lines[s.start].no, 1, s) for s in segs]
    events += [(no, 2 if m.after_text else 0, m) for no, m in metas]
    events.sort(key=lambda e: (e[0], e[1]))

    # papers here come with abstracts or author lines (then a short line glued above a title is a label)
    titles_n = sum(1 for sg in segs if sg.label is SegmentLabel.TITLE)
    described = sum(1 for sg in segs if sg.label in (SegmentLabel.ABSTRACT, SegmentLabel.AUTHORS))
    rich = bool(paste_rich) or (titles_n >= 3 and described >= 0.6 * titles_n)
    build = _Builder(origin, first - 1, model, md_urls, rich)
    for no, _, item in events:
        if isinstance(item, _Meta):
            build.meta(no, item)
        else:
            build.paragraph(item)
    doc = build.finish(raw_lines, paste_rich, final)
    if strict:
        bad = [p for p in build.problems if p.severity in ("warning", "error")]
        if bad:
            raise InputError(bad[0].message, bad[0].location)
    return doc


class _Builder:
    """Entries made from a listing's labelled paragraphs and metadata lines, taken in input order."""

    def __init__(self, origin: str, off: int, model: _Model, md_urls: dict[int, str], rich: bool) -> None:
        self.origin, self.off, self.model, self.md_urls, self.rich = origin, off, model, md_urls, rich
        self.lines = model.lines
        self.doc = Document(metadata={"format": "listing", "source": origin})
        self.entries: list[Entry] = []
        self.current: Entry | None = None
        self.skipped = 0
        self.pending_submitter: str | None = None
        self.problems: list[Problem] = []
        self.skipped_at: dict[int, str] = {}  # line (in this block) -> why it is no paper

    def where(self, no: int) -> SourceLocation:
        return SourceLocation(self.origin, no + self.off)

    def detail(self, no: int) -> str:
        return f"line {no + self.off}"

    # ------------------------------------------------------------------ metadata lines

    def meta(self, no: int, item: _Meta) -> None:
        current = self.current
        if item.kind == "date" and current is None and "listing_date" not in self.doc.metadata:
            self.doc.metadata.update(_date_text(item))
        elif item.kind == "submitted":
            # a card names its submitter above the title: once the current paper has its
            # abstract, a "Submitted by" belongs to the next one
            if current is None or current.abstract is not None or current.authors:
                self.pending_submitter = item.value
            else:
                current.meta.setdefault("hf_submitted_by", item.value)
        elif current is None or not self._paper_meta(current, no, item):
            self.skipped += 1
            if no not in self.skipped_at:
                self.skipped_at[no] = item.value if item.kind == "chatter" and item.value else \
                    _SKIP_REASONS.get(item.kind, "page metadata")

    def _paper_meta(self, current: Entry, no: int, item: _Meta) -> bool:
        """Apply what a card shows beside the current paper; ``False`` when the line says nothing about it."""
        if item.kind == "published":
            current.meta.setdefault("listing_published", item.value)
            y, mo, d = item.date or (None, None, None)
            if y and current.date is None:
                current.set("date", PartialDate(y, mo, d), SOURCE, 0.9, self.detail(no))
        elif item.kind == "count" and item.unit in ("upvote", "upvotes"):
            current.meta.setdefault("hf_upvotes", _count_value(item.value or ""))
        elif item.kind == "count" and item.unit in ("author", "authors"):
            total = _count_value(item.value or "")
            current.meta.setdefault("listing_author_count", total)
            named = [p for p in current.authors if not is_others(p)]
            if named and total and total > len(named) and len(named) == len(current.authors):
                current.authors = current.authors + [OTHERS]  # BibTeX's "and others": et al.
        elif item.kind == "org":
            current.meta.setdefault("hf_organization", item.value)
        elif item.kind == "summary":
            summary = current.meta.get("hf_ai_summary")
            current.meta["hf_ai_summary"] = f"{summary} {item.value}" if summary else item.value
        elif item.kind == "repo":
            link = canonical_link(f"https://github.com/{item.value}", "listing")
            if link.kind is LinkKind.GITHUB:
                link.role, link.evidence = "primary", f"repository shown with the paper ({self.detail(no)})"
                current.add_link(link)
                current.provenance["links"] = Provenance(SOURCE, 1.0, self.detail(no))
        elif item.kind == "arxiv" and current.ids.arxiv is None:
            self._arxiv(current, no, item.value or "")
        else:
            return False
        return True

    def _arxiv(self, current: Entry, no: int, value: str) -> None:
        ident = classify_url(value) if "/" in value else None
        found = (ident.value, ident.version) if ident is not None else normalize_arxiv_id(value)
        if found:
            current.set_id("arxiv", found[0], SOURCE, 1.0, self.detail(no))
            if ident is not None and ident.via == "hf":
                current.set_id("hf_paper", found[0], SOURCE, 1.0, self.detail(no))

    # ------------------------------------------------------------------ paragraphs

    def paragraph(self, seg: _Seg) -> None:
        lines = self.lines
        if seg.label is SegmentLabel.TITLE and self.rich and _label_above_title(lines, seg):
            # "Sponsored" / "A Survey on Mixture of Experts": a label glued above a title is no part of it
            self.skipped_at[lines[seg.start].no] = "a short line above a title (a label or a note)"
            seg = _Seg(seg.start + 1, seg.end, seg.label)
        body = self.model.joined(seg.start, seg.end)
        first_no = lines[seg.start].no
        current = self.current
        if seg.label is SegmentLabel.TITLE:
            self._title(seg, body, first_no)
        elif seg.label is SegmentLabel.ABSTRACT and current is not None:
            self._abstract(current, body, first_no)
        elif seg.label is SegmentLabel.AUTHORS and current is not None:
            text_names = " ".join(
                (ln.forced_authors if ln.forced_authors is not None else ln.key) for ln in lines[seg.start:seg.end]
            )
            persons = _persons(text_names)
            if persons and not current.authors:
                current.set("authors", persons, SOURCE, 0.9, self.detail(first_no))
            elif persons:
                current.meta.setdefault("listing_author_lines", []).append(body)
        else:
            self.problems.append(Problem("listing-unplaced-text", f"{_UNPLACED[seg.label]} was not used: {body}",
                                         "warning", self.where(first_no)))

    def _title(self, seg: _Seg, body: str, first_no: int) -> None:
        heading = self.lines[seg.start].key.startswith("#")
        body = strip_list_marker(body)
        current = Entry(entry_type="misc", origin=self.where(first_no))
        if heading:
            current.meta["_heading"] = True
        current.set("title", body, SOURCE, 1.0, self.detail(first_no))
        current.meta["listing_title"] = body
        if first_no - 1 in self.md_urls:
            _title_link(current, self.md_urls[first_no - 1], first_no + self.off)
        if self.pending_submitter:
            current.meta["hf_submitted_by"], self.pending_submitter = self.pending_submitter, None
        self.entries.append(current)
        self.current = current

    def _abstract(self, current: Entry, body: str, first_no: int) -> None:
        if current.abstract is None:
            current.set("abstract", body, SOURCE, 1.0, self.detail(first_no))
            return
        prev = current.abstract
        if not _ENDS_SENTENCE.search(prev.rstrip()) or _starts_lower(structural(body)):
            detail = current.provenance["abstract"].detail
            current.set("abstract", prev + " " + body, SOURCE, 0.8, f"{detail}, {self.detail(first_no)}")
            current.problem("listing-joined-paragraph",
                            f"{self.detail(first_no)}: a paragraph continuing the abstract was joined to it", "info")
        else:
            current.meta.setdefault("listing_unplaced", []).append(body)
            self.problems.append(Problem(
                "listing-unplaced-text",
                f"a second abstract-like paragraph after {current.title!r} was not attached: {body}",
                "warning", self.where(first_no)))

    # ------------------------------------------------------------------ the document

    def finish(self, raw_lines: list[str], paste_rich: bool | None, final: bool) -> Document:
        doc, off = self.doc, self.off
        entries, trimmed = _trim_navigation(self.entries)
        for e in trimmed:
            self.problems.append(Problem("listing-skipped-line",
                                         f"short line taken for page navigation, not a paper: {e.title}",
                                         "info", e.origin))
            if e.origin is not None and e.origin.line is not None:
                self.skipped_at[e.origin.line - off] = "a short line taken for page navigation"
        entries, headings, decided = _drop_headings(entries, paste_rich)
        doc.metadata["listing_rich"] = decided
        for e in headings:
            if e.origin is not None and e.origin.line is not None:
                self.skipped_at[e.origin.line - off] = ("a short line among papers that have abstracts or authors "
                                                        "(a heading, a label, a note)")
        for e in entries:
            _finish_entry(e)
        doc.blocks.extend(entries)
        doc.problems.extend(self.problems)
        doc.metadata["listing_skipped_lines"] = self.skipped
        for no in sorted(self.skipped_at):
            text = structural(raw_lines[no - 1]) if 0 < no <= len(raw_lines) else ""
            if text:
                shown = text if len(text) <= 160 else text[:159] + "…"
                doc.skipped.append(SkippedLine(self.where(no), shown, self.skipped_at[no]))
        if not entries and final:
            doc.problems.append(Problem("listing-empty", "no paper titles found in the listing", "warning",
                                        SourceLocation(self.origin)))
        return doc


def _finish_entry(e: Entry) -> None:
    """An entry's abstract gives its links (code, project page); an entry without one says so."""
    if e.abstract is None:
        e.problem("listing-no-abstract", "the listing gives no abstract for this title", "info")
        return
    for link in extract_links(e.abstract, "abstract"):
        e.add_link(link)
    if e.links:
        e.provenance["links"] = Provenance(SOURCE, 1.0, "extracted from abstract")


def _title_link(entry: Entry, url: str, no: int) -> None:
    """The URL a Markdown paste gives a title: the paper's Hugging Face or arXiv page."""
    if url.startswith("/"):
        url = "https://huggingface.co" + url
    try:
        link = canonical_link(url, SOURCE)
    except ValueError:
        return
    if link.kind is LinkKind.HF_PAPER and link.target:
        entry.set_id("hf_paper", link.target, SOURCE, 1.0, f"line {no}")
        found = normalize_arxiv_id(link.target)
        if found and entry.ids.arxiv is None:
            entry.set_id("arxiv", found[0], SOURCE, 1.0, f"line {no}")
    elif link.kind is LinkKind.ARXIV and link.target:
        entry.set_id("arxiv", link.target, SOURCE, 1.0, f"line {no}")
    else:
        return
    entry.add_link(link)
    entry.provenance["links"] = Provenance(SOURCE, 1.0, f"line {no}")


def _label_above_title(lines: list[_Line], seg: _Seg) -> bool:
    """A title paragraph whose first line is one or two words, much shorter than the Title Case line
    under it: that line was pasted above the title, not wrapped from it."""
    if seg.end - seg.start < 2:
        return False
    first, second = lines[seg.start].key, lines[seg.start + 1].key
    return (len(first.split()) <= 2 and not first.endswith(("-", ",", ":", "&")) and len(first) < 0.5 * len(second)
            and second[:1].isupper() and len(second.split()) >= 3)


def _drop_headings(entries: list[Entry], rich: bool | None = None) -> tuple[list[Entry], list[Entry], bool]:
    """In a paste whose papers come with abstracts (or author lines), a line that has neither is a
    paper only if it reads like a whole title: five words or more, Title Case or a phrase, no
    sentence, no "Label: …" list.  Headings ("Surveys", "## Related work"), a card's organisation
    ("Qwen"), a meeting's notes ("Session 4: Efficiency", "Next week: RLHF") are not."""

    headings = [bool(e.meta.pop("_heading", False)) for e in entries]
    with_abstract = sum(1 for e in entries if e.abstract)
    with_authors = sum(1 for e in entries if e.abstract or e.authors)
    if rich is None:
        rich = (with_abstract >= 3 and with_abstract >= 0.6 * len(entries)) \
            or (with_authors >= 3 and with_authors >= 0.6 * len(entries))
    if not rich:
        # a list of bare titles: every line may be a title, but not a lower-case phrase that reads
        # like no title at all ("just some words here"); and a Markdown heading with neither abstract
        # nor authors is a section's name once any paper here has them ("## Reading group — week 3")
        described = with_authors > 0
        keep = [e for e, heading in zip(entries, headings)
                if e.abstract or e.authors or (not (heading and described) and _may_be_a_title(e.title))]
        kept = {id(e) for e in keep}
        return keep, [e for e in entries if id(e) not in kept], False
    out, dropped = [], []
    for e, heading in zip(entries, headings):
        title = structural(e.title or "")
        whole = stands_alone_as_title(title) and chatter_reason(title) is None
        if e.abstract is None and not e.authors and (heading or not whole):
            dropped.append(e)
        else:
            out.append(e)
    return out, dropped, True


def _may_be_a_title(title: str | None) -> bool:
    """A bare line of a list of titles, unless it is a lower-case phrase that reads like no title."""
    text = structural(title or "")
    return not _starts_lower(text) or title_likeness(text) >= 0.45


def _trim_navigation(entries: list[Entry]) -> tuple[list[Entry], list[Entry]]:
    """Drop abstract-less one/two-word "titles" before the first and after the last real paper:
    menu items of the page header and footer that no list of boilerplate can foresee."""
    if not any(e.abstract for e in entries):
        return entries, []
    first = next(i for i, e in enumerate(entries) if e.abstract)
    last = max(i for i, e in enumerate(entries) if e.abstract)
    out, dropped = [], []
    for i, e in enumerate(entries):
        title = structural(e.title or "")
        outside = i < first or i > last
        if outside and e.abstract is None and not e.authors and len(title) < 30 and _NAV_LIKE.match(title):
            dropped.append(e)
        else:
            out.append(e)
    return out, dropped


def _count_value(text: str) -> int | None:
    m = re.search(r"(\d+(?:[.,]\d+)?)\s*([km]?)", text, re.IGNORECASE)
    if not m:
        return None
    value = float(m.group(1).replace(",", "."))
    scale = {"k": 1000, "m": 1_000_000}.get(m.group(2).lower(), 1)
    return int(round(value * scale)) if not math.isnan(value) else None


def _persons(text: str) -> list[Person]:
    """The persons of an author line; a truncated list ("…, et al.", "+ 8 authors") ends with
    BibTeX's ``others`` so no one reads the named authors as all of them."""
    names = author_names(text)
    out = [parse_plain_name(n) for n in names]
    out = [p for p in out if p.last or p.literal]
    out = out or [p for p in parse_name_list(text) if p.last or p.literal]
    if out and _AUTHOR_TAIL.search(text.strip()):
        out.append(OTHERS)
    return out
