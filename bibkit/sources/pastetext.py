"""Text helpers every page reader shares: lines, cleaning, years, names, titles.

Pasted text comes from browsers, PDF viewers and editors, each with its own
damage: ligatures (``ﬁ``), soft hyphens, non-breaking and zero-width spaces,
words hyphenated at a line end and glued back with a space (``lan- guage``),
smart quotes, Markdown emphasis.  The readers decide structure on a cleaned
*structural* copy of each line and keep what they output as close to the
paste as possible.  Everything here is linear in its input: no pattern scans a
line more than a bounded number of times.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from functools import lru_cache

from ..names import _ORG_WORDS, is_name_suffix
from .lines import split_lines, structural

__all__ = [
    "Line", "make_lines", "fix_text", "dehyphenate", "Vocabulary", "strip_author_segment", "clean_title", "YEAR",
    "years_in", "shorten",
    "split_authors", "first_family", "AuthorList", "title_likeness", "looks_like_names", "decode_entities",
    "MAX_LINE", "trim_venue",
]

#: a line longer than this is no paper's line of any page (a binary, a minified file): it is skipped
MAX_LINE = 20_000


@dataclass(slots=True)
class Line:
    """One line of the paste: its 1-based number, the text as pasted, and its structural form."""

    no: int
    raw: str
    text: str

    @property
    def blank(self) -> bool:
        return not self.text


#: the citation styles Google Scholar's "Cite" box names, each before its reference with a tab (a table row)
_STYLE_LABELS = frozenset({"MLA", "APA", "Chicago", "Harvard", "Vancouver"})


def make_lines(text: str) -> list[Line]:
    """The lines of ``text`` (CRLF, LF and lone CR alike), numbered from 1.  A line that opens with a citation
    style's name and a tab — Google Scholar's "Cite" box, copied — is read without the name ("MLA\tHe,
    Kaiming, et al. …": "MLA" is no author)."""
    lines = [Line(i + 1, raw, structural(raw) if len(raw) <= MAX_LINE else structural(raw[:MAX_LINE]))
             for i, raw in enumerate(split_lines(text))]
    if "\t" in text:  # (most pastes have no tab: they pay nothing for the Cite box)
        for line in lines:
            label, tab, rest = line.raw[:12].partition("\t")
            if tab and label.strip() in _STYLE_LABELS:
                line.text = structural(line.raw.partition("\t")[2][:MAX_LINE])
    return lines


# --------------------------------------------------------------------------- cleaning

_LIGATURES = str.maketrans({"ﬁ": "fi", "ﬂ": "fl", "ﬀ": "ff", "ﬃ": "ffi", "ﬄ": "ffl", "ﬅ": "ft", "ﬆ": "st",
                            "\u00ad": "", "\u2010": "-", "\u2011": "-"})
_SPACES = re.compile(r"\s+")


_DAMAGE = re.compile("[\ufb00-\ufb06\u00ad\u2010\u2011]")


def fix_text(text: str) -> str:
    """Ligatures spelt out, soft hyphens dropped, every run of white space one blank (PDF-copy damage)."""
    if not text.isascii() and _DAMAGE.search(text):  # (``isascii`` is a flag: what damage there is is not ASCII)
        text = text.translate(_LIGATURES)
    return " ".join(text.split())


#: prefixes written with a hard hyphen ("self-attention", "fine-tuning"): a break after them keeps it
_HYPHEN_PREFIXES = frozenset(
    """self multi pre post non co cross fine large small high low long short open zero few one two three
    four state end real well semi sub inter intra meta task domain instruction human vision language text
    image video audio speech data model knowledge reasoning retrieval sparse dense mixture token
    context tool agent code math chain graph world over under out in on off top bottom left right
    single double half full all any near hard soft ultra next general coarse parameter memory compute user
    object plug""".split()
)
#: second parts of compounds ("transformer-based", "task-agnostic", "zero-shot"): a break before them keeps
#: the hyphen, unless what precedes is a bound prefix (un-, re-…: "un- aware" is "unaware")
_HYPHEN_SUFFIXES = frozenset(
    """based aware driven free level scale shot specific efficient oriented centric agnostic guided grained
    wise like tuned trained augmented conditioned intensive friendly ready optimal dimensional modal lingual
    purpose ended resource generation""".split()
)
_BOUND_PREFIXES = frozenset("un in im ir il dis re de mis".split())
_BROKEN_WORD = re.compile(r"\b([^\W\d_]+)- ([^\W\d_]+)")


#: prefixes that also begin ordinary words ("under- standing", "in- formation", "over- view"): with the
#: paste's words to ask, a break after one keeps its hyphen only when the part after it is a word there
_AMBIGUOUS_PREFIXES = frozenset("in on out over under off inter sub co".split())
_WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")


class Vocabulary:
    """The words of a paste (lower-cased, hyphenated compounds as written), gathered on first use and
    leaving out the halves of words a line break split: what :func:`dehyphenate` asks about a break."""

    def __init__(self, lines: list[str]) -> None:
        self._lines: list[str] | None = lines
        self._words: frozenset[str] = frozenset()

    def __contains__(self, word: object) -> bool:
        if self._lines is not None:
            text = _BROKEN_WORD.sub(" ", " ".join(self._lines))
            self._words, self._lines = frozenset(w.casefold() for w in _WORD.findall(text)), None
        return word in self._words


def dehyphenate(text: str, words: Vocabulary | None = None) -> str:
    """Undo the hyphenation of a PDF line break copied as ``lan- guage``: ``language``, but
    ``fine- tuning`` and ``transformer- based`` stay ``fine-tuning`` and ``transformer-based``
    (a hyphen that was there anyway: a compound's first or second part).  With the paste's ``words``,
    the paste decides first: a word it writes whole elsewhere ("understanding") is joined, one it
    writes hyphenated ("in-context") keeps its hyphen, and after a prefix that also begins ordinary
    words ("under", "in") the hyphen stays only if the part after it is a word of the paste."""
    if "- " not in text:
        return text

    def join(m: re.Match[str]) -> str:
        left, right = m.group(1), m.group(2)
        if m.start() > 0 and m.string[m.start() - 1] == "-":
            return f"{left}-{right}"  # a compound's later part ("chain-of- thought", "state-of- the-art")
        if not left[-1].islower() or not right[0].islower() or right in ("and", "or", "to", "nor", "versus", "vs"):
            return m.group(0)
        if words is not None:
            if (left + right).casefold() in words:
                return left + right
            if f"{left}-{right}".casefold() in words:
                return f"{left}-{right}"
            if left.casefold() in _AMBIGUOUS_PREFIXES:
                return f"{left}-{right}" if right.casefold() in words else left + right
        if left.casefold() in _HYPHEN_PREFIXES:
            return f"{left}-{right}"
        if right.casefold() in _HYPHEN_SUFFIXES and left.casefold() not in _BOUND_PREFIXES:
            return f"{left}-{right}"
        return left + right

    return _BROKEN_WORD.sub(join, text)


_ABBREVIATED = re.compile(r"\b[A-Z][a-z]{0,7}\.\s")


def trim_venue(venue: str) -> str:
    """A venue without the punctuation around it; an abbreviated name keeps its last full stop
    ("IEEE Trans. Knowl. Data Eng.", but "Nature", "Findings of ACL")."""
    v = venue.strip(" ,.;:")
    if venue.rstrip(" ,;:").endswith(".") and _ABBREVIATED.search(v) and re.search(r"\b[A-Z][a-z]{0,7}$", v):
        return v + "."
    return v


_EMPHASIS = re.compile(r"^(\*\*|__|\*|_|`)(?P<t>.+)\1$")
_QUOTES = {'"': '"', "“": "”", "”": "”", "„": "“", "'": "'", "‘": "’", "«": "»", "「": "」", "``": "''"}
_TRAILING_CHARS = " \t\n\r\f\v,;:."  # (stripped, not matched: "[…]+$" would be tried at every character)
_ENTITY = re.compile(r"&(#\d{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")


def decode_entities(text: str) -> tuple[str, list[str]]:
    """``&amp;``, ``&#8217;`` and other HTML/XML character references decoded; entity names that
    are not HTML's (``&xxe;``, a custom XML entity) kept as written and returned, so the caller
    can report them instead of letting them pass silently into a title."""
    if "&" not in text:
        return text, []
    unknown: list[str] = []

    def one(m: re.Match[str]) -> str:
        decoded = html.unescape(m.group(0))
        if decoded == m.group(0):
            unknown.append(m.group(0))
        return decoded

    return _ENTITY.sub(one, text), unknown


def clean_title(text: str) -> str:
    """A title as it should be stored: PDF damage undone, Markdown emphasis and surrounding quotes
    removed, trailing field punctuation (``,`` ``.`` ``:``) dropped; ``?`` ``!`` and ``…`` kept."""
    t = dehyphenate(fix_text(text))
    for _ in range(3):
        before = t
        m = _EMPHASIS.match(t) if t[:1] in "*_`" else None
        if m:
            t = m.group("t").strip()
        quoted = len(t) >= 2 and t[0] in _QUOTES and t[-1] == _QUOTES[t[0]]
        if quoted and t.count(t[0]) + t.count(t[-1]) <= 2 + (t[0] == t[-1]):
            t = t[1:-1].strip()
        t = t.rstrip(_TRAILING_CHARS) if not t.endswith("...") else t
        t = t.strip("*_` ")
        if t == before:
            break
    # a quote left dangling by a field split ("Title,” in Proc."): drop it
    if t[-1:] in "”’\"" and t.count(t[-1]) == 1 and not any(q in t for q in "“‘"):
        t = t[:-1].rstrip(" ,.")
    if t[:1] in "“‘\"" and t.count(t[0]) == 1 and not any(q in t for q in "”’"):
        t = t[1:].lstrip()
    return t


def shorten(text: str, limit: int = 160) -> str:
    """A line as a report shows it: trimmed, and cut with an ellipsis when long."""
    text = text.strip()
    return text if len(text) <= limit else text[: limit - 1] + "…"


# --------------------------------------------------------------------------- years

#: a publication year 1950-2049, maybe with a letter suffix (2024a); never part of an arXiv id or a decimal
YEAR = re.compile(r"(?<![\w.:/-])(19[5-9]\d|20[0-4]\d)[a-z]?(?![\w]|[.,]\d)")


def years_in(text: str) -> list[int]:
    return [int(m.group(1)) for m in YEAR.finditer(text)]


# --------------------------------------------------------------------------- author lists

_NOT_INITIALS = re.compile(r"[a-z]{3}|\d|[^\w.\s-]")


_DOT_GLUED = re.compile(r"\.(?=[^\s.-])")


@lru_cache(maxsize=8192)
def _is_initials(text: str) -> bool:
    """"A.", "A. N.", "J.-P.", "S.-y.", "Ch.", "Ł.", and Vancouver's "AN": given names cut to initials."""
    t = text.strip()
    if not t or len(t) > 16 or _NOT_INITIALS.search(t):
        return False
    if len(t) <= 3 and t.isalpha() and t.isupper():
        return True
    for position, token in enumerate(_DOT_GLUED.sub(". ", t).split()):  # "A.Q." is "A. Q."
        pieces = token.split("-")
        for k, piece in enumerate(pieces):
            dotted = piece.endswith(".")
            core = piece.rstrip(".")
            if len(core) == 1 and core.isalpha() and (core.isupper() or (k > 0 and dotted)
                                                        or (dotted and position > 0 and t[:1].isupper())):
                continue  # "S.", "S.-y.", and "S. y." (a second initial written small)
            if len(core) == 2 and dotted and core[0].isupper() and core[1].islower():
                continue  # "Ch.", "Th."
            return False
    return True


class _Initials:
    """``match`` like a compiled pattern, so call sites read as before."""

    @staticmethod
    def match(text: str) -> bool:
        return _is_initials(text)


_INITIALS = _Initials()
_ETAL = re.compile(r",?\s*(?:\bet\s*al\b\.?|\band\s+others\b|\band\s+\d+\s+others?\b"
                   r"|\+\s*\d+\s*(?:authors?|more|others)?|…|\.\.\.)\s*",
                   re.IGNORECASE)
_NAME_SPLIT = re.compile(r"\s*;\s*|\s*,\s*(?:and|&)\s+|\s+(?:and|&)\s+|\s*,\s*")
_PARTICLES = frozenset("van von der den de del della di da dos das du la le bin ibn al el ter ten zu st y 't d'"
                       .split())
_NAME_WORD = re.compile(r"^(?:[A-Z][a-z]?\.)+(?:-[A-Z][a-z]?\.)*$|^[^\W\d_][\w'’.-]*$")
_ORG_HINT = re.compile(r"\b(?:team|group|lab|labs|collaboration|consortium|institute|university|ai|research|inc|"
                       r"corp|foundation|project|initiative)\b", re.IGNORECASE)


@dataclass(slots=True)
class AuthorList:
    """Names read from an author segment, in natural order ("A. N. Gomez"), with whether the
    list was cut short ("et al.", "…", "+3 authors")."""

    names: list[str]
    truncated: bool = False

    @property
    def first_family(self) -> str | None:
        return family_of(self.names[0]) if self.names else None


def _word_ok(word: str) -> bool:
    if word[:1].isupper() and word.isalpha():
        return True  # the common case: a capitalised word
    if len(word) == 2 and word[0].isalpha() and word[1] == ".":
        return True  # an initial, also one written small ("S. y.")
    core = word.strip("()")
    if not core:
        return False
    if core.casefold() in _PARTICLES or is_name_suffix(core):  # ("de", "van"; "Jr.", "3rd")
        return True
    if core[:2] in _ELIDED and core[2:3].isupper():  # an elided particle: "d’Aspremont", "l'Hôpital"
        return True
    return bool(_NAME_WORD.match(core)) and (core[0].isupper() or not core[0].isalpha())


#: particles elided before a vowel, written onto the family name ("d’Aspremont", "l'Hospital")
_ELIDED = frozenset({"d'", "d’", "l'", "l’"})
#: one to five capitalised ASCII words or initials ("A. N. Gomez", "Ashish Vaswani", "McMahan"), one blank apart
_PLAIN_NAME = re.compile(r"(?:[A-Z][A-Za-z]*|[A-Z]\.)(?: (?:[A-Z][A-Za-z]*|[A-Z]\.)){0,4}")
_NOT_NAMES = re.compile(r"[?!:\"“”]|https?://|\d{3}")


@lru_cache(maxsize=4096)
def looks_like_names(text: str, *, min_names: int = 1) -> bool:
    """Whether ``text`` reads as a list of person names (or one organisation): every part is one to
    five capitalised words or initials, at least ``min_names`` of them."""
    if len(text) > 3000 or _NOT_NAMES.search(text):
        return False
    names = _split_authors(text)[0]
    if len(names) < min_names or any(name.count(" ") >= 6 for name in names):
        return False  # (no name has seven words: a title ran into the list)
    good = 0
    for name in names:
        if _PLAIN_NAME.fullmatch(name):
            good += 1  # (the common case, one pattern: what the word-by-word test below accepts too)
            continue
        words = name.split()
        if 1 <= len(words) <= 5 and all(_word_ok(w) for w in words):
            good += 1
    return good >= max(1, int(0.85 * len(names) + 0.5))


def strip_author_segment(text: str) -> str:
    """An author segment without the punctuation around it; a closing initial keeps its full stop
    ("…, & Jauvin, C." ends with the initial "C.", not with "C")."""
    t = text.strip(" ,;:")
    if t.endswith(".") and not _is_initials(t.rsplit(None, 1)[-1].rsplit(",", 1)[-1]) \
            and not _abbreviated_suffix(t):  # ("…, Jr." keeps its full stop too)
        t = t.rstrip(" .,;:")
    return t


def split_authors(text: str) -> AuthorList:
    """Split an author segment (see :func:`_split_authors`); the result is a fresh copy."""
    names, truncated = _split_authors(text)
    return AuthorList(list(names), truncated)


@lru_cache(maxsize=4096)
def _split_authors(text: str) -> tuple[tuple[str, ...], bool]:
    authors = _split_authors_uncached(text)
    return tuple(authors.names), authors.truncated


def _split_authors_uncached(text: str) -> AuthorList:
    """Split an author segment in any common citation style into natural-order names.

    Handles "A. Vaswani, N. Shazeer, and I. Polosukhin" (IEEE), "Vaswani, A., Shazeer, N., &
    Polosukhin, I." (APA, Harvard, LNCS), "Ashish Vaswani, Noam Shazeer and Illia Polosukhin"
    (ACL, ACM, NeurIPS), "Vaswani, Ashish, et al." (MLA), "Vaswani A, Shazeer N" (Vancouver).
    """
    text = strip_author_segment(fix_text(text))
    truncated = False
    if ("et" in text or "others" in text or "…" in text or "..." in text or "+" in text) and _ETAL.search(text):
        truncated = True
        text = _ETAL.sub(", ", text).strip(" ,")
    if ";" in text:
        inverted = _semicolon_inverted(text)
        if inverted is not None:
            return AuthorList(inverted, truncated)
    parts = []
    # (without ";", "&" or "and" the pattern splits at commas only: str.split does that faster)
    pieces = text.split(",") if ";" not in text and "&" not in text and "and" not in text else _NAME_SPLIT.split(text)
    for k, p in enumerate(pieces):
        p = p.strip()
        if not (_is_initials(p) or (p.endswith("r.") and _abbreviated_suffix(p))
                or (p[-2:-1].isupper() and p.endswith(".") and p[-3:-2] == " " and k == 1
                    and len(pieces[0].split()) == 1)):
            # (an initial's and an abbreviated suffix's full stop is kept: "C.", "Jr.", "Smith Jr.", and the
            # closing initial of the first author's given names: Chicago's "Ward, Geoffrey C., and Ken Burns" — not
            # Vancouver's "Turing A, Shannon C.", whose names are "Family Initials")
            p = p.strip(" .")
        if p:
            parts.append(p)
    names: list[str] = []
    # (most lists have no "Jr." or "III": asked once of the text, not of every name)
    suffixed = ("Jr" in text or "Sr" in text or "II" in text or "IV" in text or "jr" in text or "sr" in text
                or "2nd" in text or "3rd" in text)
    i = 0
    while i < len(parts):
        part = parts[i]
        nxt = parts[i + 1] if i + 1 < len(parts) else None
        words = part.split()
        suffix = ""
        if suffixed and len(words) >= 2 and is_name_suffix(words[-1], initial_v=True):
            # "Mary Jones III", "Smith Jr., J.", Vancouver "Smith J Jr": the suffix is BibTeX's "Jr" part of the
            # name (never an initial, "III" is no Vancouver "I. I. I."); the rest is read as any name
            suffix, words = words[-1], words[:-1]
            part = " ".join(words)
        if suffixed and nxt is not None and _suffix_part(nxt) and not suffix:
            after = parts[i + 2] if i + 2 < len(parts) else None
            if len(words) == 1 and after is not None and (_is_initials(after) or len(after.split()) == 1):
                names.append(f"{after} {part} {nxt}")  # "Smith, Jr., J.": family, suffix, given (BibTeX's order)
                i += 3
            else:
                names.append(f"{part} {nxt}")  # "John Smith, Jr."
                i += 2
            continue
        if nxt is not None and _is_initials(nxt) and not _is_initials(part):
            name = f"{nxt} {part}"  # "Vaswani" + "A." (APA): "A. Vaswani"
            i += 2
        elif len(words) >= 2 and len(words[-1]) <= 3 and words[-1].isalpha() and words[-1].isupper() \
                and not _ORG_HINT.search(part):
            # Vancouver "Vaswani A": the initials follow the family name
            name = " ".join(list(words[-1]) + words[:-1]) if len(words[-1]) <= 3 else part
            i += 1
        elif i == 0 and nxt is not None and len(words) == 1 and not _is_initials(nxt) \
                and (len(nxt.split()) == 1 or ((len(parts) <= 3 or _chicago_given(nxt, parts[2]))
                                               and _given_names(nxt) and not _ORG_HINT.search(part)
                                               and part.casefold() not in _ORG_WORDS)
                     or (suffixed and len(parts) > 2 and _suffix_part(parts[2]))) \
                and len(parts) >= 2 and (len(parts) == 2 or len(parts[2].split()) >= 2 or truncated
                                         or (suffixed and _suffix_part(parts[2]))):
            # MLA/Chicago "Vaswani, Ashish, and Noam Shazeer", "Thoreau, Henry David", "Ward, Geoffrey C., and Ken
            # Burns"
            name = f"{nxt} {part}"
            i += 2
        else:
            name = part
            i += 1
        if suffixed and not suffix and i < len(parts) and _suffix_part(parts[i]):
            suffix = parts[i]  # Chicago "Smith, John, Jr., and …"
            i += 1
        names.append(f"{name} {suffix}" if suffix else name)
    return AuthorList(names, truncated)


_GIVEN_NAMES = re.compile(r"^[A-Z][a-z]+(?:-[A-Z][a-z]+)?(?:\s(?:[A-Z][a-z]+|[A-Z]\.?)){1,2}$")


def _given_names(part: str) -> bool:
    """Whether a part is given names only, a first and a middle name or initial ("Henry David", "Geoffrey C.")."""
    return _GIVEN_NAMES.match(part) is not None


def _semicolon_inverted(text: str) -> list[str] | None:
    """Wikipedia's (CS1) and some reference managers' lists, "Vaswani, Ashish; Shazeer, Noam; Gomez, Aidan N":
    names apart at ";", each "Family, Given" with one comma; None for any other list ("Vaswani A; Shazeer N",
    "Vaswani, A., Shazeer, N.; …")."""
    parts = [p.strip() for p in text.split(";")]
    parts = [p for p in parts if p]
    if len(parts) < 2 or any(p.count(",") != 1 for p in parts):
        return None
    names = []
    for part in parts:
        family, given = (w.strip(" .") if not _is_initials(w.strip()) else w.strip() for w in part.split(","))
        if not family or not given or not _word_ok(family.split()[-1]):
            return None
        names.append(f"{given} {family}")
    return names


def _chicago_given(given: str, after: str) -> bool:
    """Whether ``given`` (the part after a first author's family name) is that author's given names in a long
    Chicago/MLA list, "Brown, Tom B., Benjamin Mann, Nick Ryder, …": it ends with a middle initial, which no name
    in natural order does, and the name after it is in natural order (Vancouver's "Doe B, Roe C" is not)."""
    last, following = given.rsplit(None, 1)[-1], after.rsplit(None, 1)[-1]
    return len(last.rstrip(".")) == 1 and last[0].isupper() and " " in after \
        and not (following.isupper() and len(following) <= 3)


def _abbreviated_suffix(text: str) -> bool:
    """Whether ``text`` ends with a suffix that is an abbreviation, whose full stop is its own ("Jr.", "Sr.";
    "III." ends a sentence)."""
    return text.endswith(("Jr.", "Sr.")) and (len(text) == 3 or text[-4] in " ,")




def _suffix_part(part: str) -> bool:
    """Whether a part of an author list between commas is a name's suffix ("Jr.", "III"; "V." is an initial)."""
    return " " not in part and is_name_suffix(part, initial_v=True)


def family_of(name: str) -> str:
    """The family name of a natural-order name: the last word not an initial ("A. N. Gomez" → "Gomez");
    an organisation ("Qwen Team") is its whole name."""
    words = name.split()
    if not words:
        return ""
    if _ORG_HINT.search(name) or len(words) == 1:
        return name
    for w in reversed(words):
        if not _INITIALS.match(w) and not is_name_suffix(w, initial_v=True):  # ("John Smith Jr." is a Smith)
            return w.strip(",.")
    return words[-1]


def first_family(text: str) -> str | None:
    names = split_authors(text).names
    return family_of(names[0]) if names else None


# --------------------------------------------------------------------------- titles

_SMALL = frozenset("a an the of for to in on at by with from and or but nor as via vs vs. into over under".split())
_CHATTY_START = re.compile(r"^(?:i|i'm|im|we|you|my|our|your|this|that|it|they|he|she|please|let's|lets|just|so|ok|"
                           r"okay|hey|hi|hello|yes|no|maybe|also|and|but|then|still|gonna|wanna|need|should|must|"
                           r"can't|cannot|don't|didn't|read|check|look|see|find|try|ask|tell|remind|skim)\b",
                           re.IGNORECASE)


_NAME_LIKE = re.compile(r"[A-Z][a-z]+[A-Z]|[A-Za-z]\d|\d[A-Za-z]")
_TWO_SENTENCES = re.compile(r"[.!?]\s+[A-Z]")
_ABBREVIATION = re.compile(r"\b(?:vs|v|al|e\.g|i\.e|Dr|Mr|St)\.\s")


def title_likeness(text: str) -> float:
    """How much a short text looks like a paper title (0..1): Title Case or a capitalised
    phrase, a subtitle after a colon, no sentence inside, not conversational."""
    t = text.strip()
    n = len(t)
    if n < 4 or n > 320:
        return 0.0
    words = t.split()
    if not words or len(words) > 45:
        return 0.0
    score = 0.5
    first = words[0].strip("\"'“‘([*_")
    if not first or not (first[0].isupper() or first[0].isdigit() or any(ch.isupper() for ch in first[1:])):
        score -= 0.35
    if t[0].isalpha() and _CHATTY_START.match(t) and not (first[:1].isupper() and len(words) > 3 and ":" in t):
        score -= 0.3
    long_words = [w for w in words if len(w) > 3 and w[0].isalpha()]
    if long_words:
        caps = sum(1 for w in long_words if w[0].isupper()) / len(long_words)
        score += 0.25 * caps
    if ":" in t[1:-1] or "?" in t:
        score += 0.1
    if _NAME_LIKE.search(t):  # DeepSeekMoE, GPT-4, Qwen2.5
        score += 0.1
    if _TWO_SENTENCES.search(t) and not _ABBREVIATION.search(t):
        score -= 0.3  # two sentences
    if t.endswith(".") and not t.endswith(("et al.", "...")):
        score -= 0.15
    if len(words) <= 2:
        score -= 0.1
    return max(0.0, min(1.0, score))


# --------------------------------------------------------------------------- dates

_MONTH_NAMES = {m: i for i, m in enumerate("jan feb mar apr may jun jul aug sep oct nov dec".split(), 1)}
_MON = (r"(?P<mon>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?"
        r"|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?")
_DATES = (
    re.compile(r"(?:(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,?\s+)?(?P<day>\d{1,2})(?:st|nd|rd|th)?\s+" + _MON
               + r",?(?:\s+(?P<year>\d{4}))?", re.IGNORECASE),
    re.compile(r"(?:(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,?\s+)?" + _MON + r"\s+(?P<day>\d{1,2})(?:st|nd|rd|th)?"
               r"(?:,?\s+(?P<year>\d{4}))?(?!\d)", re.IGNORECASE),
    re.compile(_MON + r",?\s+(?P<year>\d{4})", re.IGNORECASE),
    re.compile(r"(?<!\d)(?P<year>(?:19|20)\d\d)[-/.](?P<mnum>\d{1,2})(?:[-/.](?P<day>\d{1,2}))?(?!\d)"),
)
_RANGE = re.compile(r"(?<!\d)((?:19|20)\d\d)\s*(?:[-–—/]|to)\s*((?:19|20)\d\d)(?!\d)")


def parse_date(text: str) -> tuple[int | None, int | None, int | None] | None:
    """``(year, month, day)`` of the first date in ``text`` ("8 Jan 2024", "Jan 8, 2024", "January 2024",
    "2024-01-08", "Mon, 8 Jan 2024 18:47:34 UTC"); parts not given are ``None``, never guessed."""
    best: tuple[int, tuple[int | None, int | None, int | None]] | None = None
    for pat in _DATES:
        m = pat.search(text)
        if not m:
            continue
        g = m.groupdict()
        month = _MONTH_NAMES[g["mon"][:3].lower()] if g.get("mon") else int(g["mnum"]) if g.get("mnum") else None
        day = int(g["day"]) if g.get("day") else None
        year = int(g["year"]) if g.get("year") else None
        if month is None or not 1 <= month <= 12 or (day is not None and not 1 <= day <= 31):
            continue
        if best is None or m.start() < best[0]:
            best = (m.start(), (year, month, day))
    return best[1] if best else None


def date_range_end(text: str) -> str | None:
    """The end of a year range ("2023–2024", "2020/2021") in ``text``, or ``None``."""
    if text.count("19") + text.count("20") < 2:
        return None  # (two years are needed: a cheap count first, the pattern only then)
    m = _RANGE.search(text)
    return m.group(2) if m and int(m.group(2)) > int(m.group(1)) else None


_UI_VERB = re.compile(r"^(?:view|open|download|copy|show|read|go|back|sign|log|share|follow|watch|fork|star|edit|"
                      r"browse|load|see|click|visit|try|get|join|subscribe|contact|learn|explore|discover|check)\b",
                      re.IGNORECASE)
_SECTION_NUMBER = re.compile(r"^(?:\d+(?:\.\d+)*|[A-Z]|[IVX]+)\.?\s")
_LABEL_LIST = re.compile(r"^[\w'’ -]{1,25}:\s*[^\W\d_][\w'’.-]*(?:\s*,\s*[^\W\d_][\w'’.-]*)+$")
_MODEL_TOKEN = re.compile(r"[A-Za-z]\d|\d[A-Za-z]|[a-z][A-Z]|-[A-Z0-9]")


def stands_alone_as_title(text: str) -> bool:
    """Whether a line with nothing around it (no abstract, no authors, no link) is a paper's title:
    five words or more in Title Case (or three with a model name such as "Qwen2.5", "GPT-4"), no
    sentence, no section number, no "Label: a, b, c" list, no interface verb ("View on GitHub")."""
    t = text.strip()
    words = [w for w in t.split() if any(ch.isalnum() for ch in w)]
    if len(words) < 3 or len(words) > 45 or title_likeness(t) < 0.55:
        return False
    if re.search(r"[.!;]\s+[A-Z]", t) or (t.endswith((".", ":", ";", ",")) and not t.endswith("...")):
        return False
    if _SECTION_NUMBER.match(t) or _LABEL_LIST.match(t) or _UI_VERB.match(t) or t.isupper():
        return False
    if ":" in t:
        head, _, tail = t.partition(":")
        if len([w for w in tail.split() if any(ch.isalnum() for ch in w)]) < 2:
            return False  # "Session 4: Efficiency", "Next week: RLHF"
    return len(words) >= 5 or bool(_MODEL_TOKEN.search(re.sub(r"\b\d{4}[-/.]\d{1,2}(?:[-/.]\d{1,2})?\b", " ", t)))
