"""Citation keys: Better BibTeX-compatible formulas, unique and stable within an output.

Why Better BibTeX (BBT)?  It is what most Zotero + LaTeX users already have, so
a key bibkit makes for a paper is the key their existing ``\\cite`` commands
(and their co-authors' Zotero libraries) already use.  The default formula is
BBT's default, ``auth.lower + shorttitle(3,3) + year``, and every rule below
follows BBT's implementation (retorquere/zotero-better-bibtex,
``content/key-manager/formatter.ts`` and ``content/key-manager.ts``; the default
preferences quoted come from BBT's generated ``prefs`` defaults):

* ``auth`` is the first creator's ``lastName`` (or the single-field ``name`` of
  an organisation), taken from authors, else editors (formatter.ts
  ``$auth``/``creators``).  Zotero's ``lastName`` includes the particle, so
  "Laurens van der Maaten" gives ``vandermaaten`` (BBT key seen in the wild:
  ``vandermaatenVisualizingDataUsing2008``); we use ``Person.last``.  An
  organisation keeps its hyphen: "DeepSeek-AI" → ``deepseek-ai`` (BBT key
  ``deepseek-aiDeepSeekV3TechnicalReport2024``), because ``-`` is not in BBT's
  unsafe characters.
* The finished key is transliterated to ASCII (preference ``citekeyFold``,
  default on: "Müller" → ``muller``, BBT key ``mullerWhenDoesLabel2020``) and
  then stripped of whitespace and of the unsafe characters
  ``\\"#%'(),={}~`` (preference ``citekeyUnsafeChars``) — formatter.ts ``finalize``.
  BBT romanises CJK with a pinyin/kana table; bibkit has no such table, so
  ideographs are dropped (see :func:`bibkit.normalize.text.fold_ascii`).
* ``shorttitle(n, m)`` takes the first ``n`` title words that are not in BBT's
  ``skipWords`` list and are not single letters (single digits stay), after
  removing HTML-ish tags and ``"`` and turning ``/`` and ``:`` into spaces;
  hyphenated compounds are one word with the hyphens removed ("Linear-Time" →
  ``LinearTime``, BBT key ``guMambaLinearTimeSequence2023``; "Pre-training" →
  ``Pretraining``, ``devlinBERTPretrainingDeep2019``), other punctuation is
  removed ("Qwen2.5" → ``Qwen25``, BBT key ``qwenQwen25TechnicalReport2025``;
  "GPT-4" → ``GPT4``, ``openaiGPT4TechnicalReport2023``), and the first
  letter of the first ``m`` words is upper-cased without lower-casing the rest
  ("Gradient-based" → ``Gradientbased``, ``lecunGradientbasedLearningApplied1998``)
  — formatter.ts ``$shorttitle``/``titleWords``/``split``.
* ``year`` is empty when the date is unknown, so the key simply ends without
  one (BBT key ``bengioNeuralProbabilisticLanguage``).
* ``a | b``: the first alternative giving a non-empty key wins.
* Clashes get a postfix ``a``, ``b`` … ``z``, ``aa`` … (``%(a)s`` with
  Excel-column numbering; the first claimant keeps the bare key), and keys are
  compared case-insensitively (``citekeyCaseInsensitive``, default on) —
  key-manager.ts ``propose``.

Where bibkit goes beyond BBT, it is to keep its promises: keys are restricted
to ``[A-Za-z0-9_:.+-]`` (valid for BibTeX, biber and pandoc), a key is never
empty (identifier- or year-based fallback), and *who* gets a postfix is
decided by the entries' content, never their position, so reordering the input
or adding unrelated entries never changes an existing key (BBT decides by
database order).
"""

from __future__ import annotations

import inspect
import re
import unicodedata
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Any, Callable, Iterable, Iterator

from ..lazyre import compile_on_first_use
from ..model import MONTH_ABBREVIATIONS, Entry, Person, Problem
from .openreview import entry_note
from .text import fold_ascii, normalize_title

__all__ = [
    "DEFAULT_FORMULA", "FormulaError", "KeyChange", "KeyFormula", "SKIP_WORDS",
    "assign_keys", "citation_key", "compile_formula", "is_safe_key", "keyed_by_formula",
]

#: entry types a key formula cannot name: a BibLaTeX ``@set`` (no author, title or year of its own: its
#: members are the works, and \cite{set} uses the key its writer chose) and an ``@xdata`` entry (a bundle
#: of shared fields, never cited).  Re-keyed, every one of them became "untitled", "untitleda"…
_UNNAMED_TYPES = frozenset({"set", "xdata"})


def keyed_by_formula(entry: Entry) -> bool:
    """Whether ``--rekey`` gives ``entry`` a key from the formula (else it keeps its own: :data:`_UNNAMED_TYPES`)."""
    return (entry.entry_type or "").lower() not in _UNNAMED_TYPES

#: Better BibTeX's default ``citekeyFormat`` preference.
DEFAULT_FORMULA = "auth.lower + shorttitle(3,3) + year"

#: Better BibTeX's default ``skipWords`` preference, verbatim.
SKIP_WORDS = frozenset(
    "a,ab,aboard,about,above,across,after,against,al,along,amid,among,an,and,anti,around,as,at,"
    "before,behind,below,beneath,beside,besides,between,beyond,but,by,d,da,das,de,del,dell,dello,"
    "dei,degli,della,dell,delle,dem,den,der,des,despite,die,do,down,du,during,ein,eine,einem,einen,"
    "einer,eines,el,en,et,except,for,from,gli,i,il,in,inside,into,is,l,la,las,le,les,like,lo,los,"
    "near,nor,of,off,on,onto,or,over,past,per,plus,round,save,since,so,some,sur,than,the,through,"
    "to,toward,towards,un,una,unas,under,underneath,une,unlike,uno,unos,until,up,upon,versus,via,"
    "von,while,with,within,without,yet,zu,zum".split(",")
)

#: BBT's ``citekeyUnsafeChars`` default plus U+FFFD (formatter.ts ``update``).
_BBT_UNSAFE = compile_on_first_use(__name__, r"[\\\"#%'(),={}~\ufffd\s]")
_BBT_UNSAFE_KEEP_SPACES = compile_on_first_use(__name__, r"[\\\"#%'(),={}~\ufffd]")
#: What bibkit lets into a key after BBT's own cleaning (BibTeX, biber and pandoc all accept these).
_NOT_KEY_CHAR = compile_on_first_use(__name__, r"[^A-Za-z0-9_:.+\-]")
_SAFE_KEY = re.compile(r"^[A-Za-z0-9_](?:[A-Za-z0-9_:.+\-/]*[A-Za-z0-9_])?$")
_MARKER = "\x1a"  # where the disambiguation postfix goes (BBT uses the same character)


class FormulaError(ValueError):
    """A citation key formula that cannot be parsed or uses an unknown function/filter.

    ``position`` is the 0-based offset in ``formula``; the message shows it with a caret.
    """

    def __init__(self, message: str, formula: str, position: int):
        self.formula, self.position, self.reason = formula, position, message
        super().__init__(
            f"bad citation key formula (column {position + 1}): {message}\n  {formula}\n  {' ' * position}^"
        )


# =========================================================================== evaluation state


@dataclass
class _State:
    """What evaluating a formula for one entry carries from term to term."""

    entry: Entry
    chunk: str = ""
    skip: bool = False  # BBT's `next`: this alternative is abandoned
    postfix_template: str = "%(a)s"
    postfix_offset: int = 0
    mode: str = ""  # BBT's transliteration mode, from the entry's language ("german" folds ü to ue)


def _creators(entry: Entry, creator: str = "*") -> list[Person]:
    """BBT's creator selection: ``*`` is authors, else editors; ``author``/``editor`` pick that role only."""
    if creator == "editor":
        return [p for p in entry.editors if p.last]
    if creator == "author":
        return [p for p in entry.authors if p.last]
    if creator in ("translator", "collaborator"):
        return []  # bibkit's model has authors and editors only
    return [p for p in entry.authors if p.last] or [p for p in entry.editors if p.last]


def _last(p: Person) -> str:
    return p.last


def _initials(p: Person, all_: bool = True, mode: str = "") -> str:
    given = p.given if all_ else p.given[:1]
    kept = "".join(ch for ch in given if ch.isupper() or ch.istitle())
    return "".join(c for c in transliterate(kept, mode) if c.isupper())


def _name(p: Person, initials: bool = False, mode: str = "") -> str:
    """BBT's ``%(f)s`` (the family name as Zotero stores it), with ``%(I)s`` (initials) when asked."""
    return _last(p) + (_initials(p, True, mode) if initials else "")


# --------------------------------------------------------------------------- language and transliteration

#: BBT's transliteration modes by language (``babelLanguage`` → babel tag): only German changes the
#: result for Latin script (ä→ae, ö→oe, ü→ue); the other modes need tables bibkit does not ship.
_GERMAN = {"de", "deu", "ger", "german", "ngerman", "austrian", "naustrian", "swissgerman", "nswissgerman",
           "deutsch", "germanb", "ngermanb"}
_GERMAN_LETTERS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue"})


def language_mode(entry: Entry) -> str:
    """The transliteration mode Better BibTeX derives from an item's language (``""``: minimal).

    The language is the entry's ``langid`` or ``language`` field (``de``,
    ``de-CH``, ``ngerman``, ``German``…); BBT maps it to a babel tag and
    transliterates German items with ``ä``→``ae``, ``ö``→``oe``, ``ü``→``ue``.
    """
    raw = (entry.extra.get("langid") or entry.extra.get("language") or entry.meta.get("language") or "")
    lang = str(raw).strip().casefold().replace("_", "-")
    if not lang:
        return ""
    if lang in _GERMAN or lang.split("-", 1)[0] in ("de", "gsw"):
        return "german"
    return ""


def transliterate(text: str, mode: str = "") -> str:
    """BBT's ``transliterate``: language-specific replacements, then a fold to ASCII."""
    if mode == "german" and not text.isascii():
        text = text.translate(_GERMAN_LETTERS)
    return fold_ascii(text)


# --------------------------------------------------------------------------- title words

_HTML_TAGS = compile_on_first_use(__name__, r"</?(?:i|b|sc|nc|code|span[^>]*)>|\"", re.IGNORECASE)
_WORD_DASHES = "\u2013\u2014\u2015"  # en/em dashes split words; ASCII hyphens join (BBT `split`)
_DASHES = {"\u2500", "\uff0d", "\u2015"}  # BBT's extra pseudo-dashes (#1880)
#: kana, CJK ideographs, Hangul, compatibility ideographs (a range test: the character class took 2 ms to compile)
_CJK_RANGES = ((0x3040, 0x30FF), (0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xAC00, 0xD7AF), (0xF900, 0xFAFF))


def _is_cjk(char: str) -> bool:
    code = ord(char)
    return any(lo <= code <= hi for lo, hi in _CJK_RANGES)


def _nopunct(text: str, dash: str = "-") -> str:
    """BBT ``nopunct``: dashes (Unicode Pd) become ``dash``; opening/closing/other punctuation goes."""
    if text.isalnum() and text.isascii():
        return text
    out = []
    for ch in text:
        cat = unicodedata.category(ch)
        if cat == "Pd" or ch in _DASHES:
            out.append(dash)
        elif cat in ("Pe", "Pf", "Pi", "Po", "Ps"):
            continue
        else:
            out.append(ch)
    return "".join(out)


def _split_words(title: str) -> Iterator[str]:
    """Words as BBT's compromise-based splitter sees them: whitespace-separated, hyphenated
    compounds kept whole, surrounding punctuation not part of the word."""
    title = _HTML_TAGS.sub("", title)
    title = re.sub(r"[/:]", " ", title)
    for d in _WORD_DASHES:
        title = title.replace(d, " ")
    for token in title.split():
        text = _strip_edges(token)
        if text:
            yield text


def _is_word_char(ch: str) -> bool:
    return ch.isalnum() or ch == "_" or unicodedata.combining(ch) > 0


def _strip_edges(token: str) -> str:
    """Drop punctuation and symbols around a word ("(LLMs)," → "LLMs"), keeping inner ones."""
    if token.isalnum():
        return token
    start, end = 0, len(token)
    while start < end and not _is_word_char(token[start]):
        start += 1
    while end > start and not _is_word_char(token[end - 1]):
        end -= 1
    return token[start:end]


def _title_words(title: str | None, *, skip_words: bool = True, nopunct: bool = True, fold: bool = False,
                 limit: int | None = None, skip: frozenset[str] = SKIP_WORDS, mode: str = "") -> list[str]:
    """BBT ``titleWords``; ``limit`` stops after that many words (a key needs only the first few)."""
    if not title:
        return []
    words: list[str] = []
    for w in _split_words(title):
        if skip_words and w.lower() in skip:
            continue
        if nopunct:
            w = _nopunct(w, "")
        if not w or (skip_words and len(w) == 1 and not w.isdigit() and not _is_cjk(w)):
            continue
        if fold:
            w = transliterate(w, mode)
        if not w or (skip_words and w.lower() in skip):
            continue
        words.append(w)
        if limit is not None and len(words) >= limit:
            break
    return words


# =========================================================================== functions (produce a chunk)
#
# Each takes the state and BBT's parameters (same names and defaults) and returns text.

def _names(s: _State, creator: str = "*", initials: bool = False) -> list[str]:
    return [_name(p, initials, s.mode) for p in _creators(s.entry, creator)]


def _f_auth(s: _State, n: int = 0, m: int = 1, creator: str = "*", initials: bool = False) -> str:
    people = _creators(s.entry, creator)
    if m < 1 or m > len(people):
        return ""
    name = _last(people[m - 1])
    name = name[:n] if n else name
    return name + (_initials(people[m - 1], True, s.mode) if initials else "")


def _f_authors(s: _State, n: int = 0, creator: str = "*", initials: bool = False, sep: str = " ",
               etal: str = "EtAl") -> str:
    """The family names of the first ``n`` creators (all when 0), then ``etal`` when some were left out."""
    names = _names(s, creator, initials)
    if n and n < len(names):
        names = names[:n] + ([etal] if etal else [])
    return sep.join(names)


def _f_authorLast(s: _State, creator: str = "*", initials: bool = False) -> str:
    names = _names(s, creator, initials)
    return names[-1] if names else ""


def _f_authForeIni(s: _State, creator: str = "*") -> str:
    people = _creators(s.entry, creator)
    return _initials(people[0], all_=True, mode=s.mode) if people else ""


def _f_authorLastForeIni(s: _State, creator: str = "*") -> str:
    people = _creators(s.entry, creator)
    return _initials(people[-1], all_=True, mode=s.mode) if people else ""


def _f_authorsAlpha(s: _State, creator: str = "*", initials: bool = False, sep: str = "") -> str:
    names = _names(s, creator, initials)
    if not names:
        return ""
    if len(names) == 1:
        return names[0][:3]
    if len(names) <= 4:
        return sep.join(n[:1] for n in names)
    return sep.join(n[:1] for n in names[:3]) + "+"


def _f_authIni(s: _State, n: int = 0, creator: str = "*", initials: bool = False, sep: str = ".") -> str:
    names = _names(s, creator, initials)
    return sep.join(x[:n] if n else x for x in names)


def _f_authorIni(s: _State, creator: str = "*", initials: bool = False, sep: str = ".") -> str:
    names = _names(s, creator, initials)
    if not names:
        return ""
    rest = sep.join(x[:1] for x in names[1:])
    return sep.join([names[0][:5]] + ([rest] if rest else []))


def _f_authAuthEa(s: _State, creator: str = "*", initials: bool = False, sep: str = ".") -> str:
    names = _names(s, creator, initials)
    return sep.join(names[:2] + (["ea"] if len(names) > 2 else []))


def _f_authEtAl(s: _State, creator: str = "*", initials: bool = False, sep: str = "") -> str:
    names = _names(s, creator, initials)
    if len(names) == 2:
        return sep.join(names)
    return sep.join(names[:1] + (["EtAl"] if len(names) > 1 else []))


def _f_authEtal2(s: _State, creator: str = "*", initials: bool = False, sep: str = ".") -> str:
    names = _names(s, creator, initials)
    if len(names) == 2:
        return sep.join(names)
    return sep.join(names[:1] + (["etal"] if len(names) > 1 else []))


def _f_authshort(s: _State, creator: str = "*", initials: bool = False, sep: str = ".") -> str:
    names = _names(s, creator, initials)
    if not names:
        return ""
    if len(names) == 1:
        return names[0]
    return sep.join(x[:1] for x in names[:3]) + ("+" if len(names) > 3 else "")


def _year_text(s: _State) -> str:
    """BBT's year: the date's year, else what its date parser makes of a date kept as text
    (``30-Mar-2020`` → 2020, ``03/04`` → 4), else that text itself (``in press``)."""
    if s.entry.date and s.entry.year is not None:
        return str(s.entry.year)
    raw = _raw_date(s.entry)
    if not raw:
        return ""
    from .dates import parse_bbt_date  # only for a date kept as text: most entries have a parsed one (start-up)

    parsed = parse_bbt_date(raw)
    return str(parsed.year) if parsed.year is not None else (parsed.verbatim or "")


def _raw_date(entry: Entry) -> str:
    return (entry.extra.get("date") or entry.extra.get("year") or "").strip()


def _pad_year(text: str, width: int = 2) -> str:
    """BBT ``padYear``: the first run of digits is zero-padded to ``width``."""
    return re.sub(r"[0-9]+", lambda m: m.group().zfill(width), text, count=1) if text else ""


def _f_year(s: _State) -> str:
    return _pad_year(_year_text(s), 2)


def _f_shortyear(s: _State) -> str:
    text = _year_text(s)
    return f"{int(text) % 100:02d}" if text.lstrip("-").isdigit() else ""




def _f_month(s: _State) -> str:
    d = s.entry.date
    if d and d.month:
        return MONTH_ABBREVIATIONS[d.month - 1]
    raw = _raw_date(s.entry) if not d else ""
    if not raw:
        return ""
    from .dates import parse_bbt_date

    month = parse_bbt_date(raw).month
    return MONTH_ABBREVIATIONS[month - 1] if month and 1 <= month <= 12 else ""


def _f_shorttitle(s: _State, n: int = 3, m: int = 0) -> str:
    words = _title_words(s.entry.title, fold=m > 0, limit=max(n, 0), mode=s.mode)
    return " ".join(w[:1].upper() + w[1:] if i < m else w for i, w in enumerate(words[:n]))


def _f_veryshorttitle(s: _State, n: int = 1, m: int = 0) -> str:
    return _f_shorttitle(s, n, m)


def _f_title(s: _State) -> str:
    # BBT's code joins the significant words without capitalising them (its doc string says otherwise)
    return " ".join(_title_words(s.entry.title))


def _f_Title(s: _State) -> str:
    """The title unprocessed (BBT's capitalised field functions give raw field values)."""
    return s.entry.title or ""


def _f_journal(s: _State) -> str:
    return s.entry.journal or s.entry.booktitle or ""


def _f_arxiv(s: _State) -> str:
    """bibkit extra: the arXiv identifier ("2401.06066"; old style "hep-th/9901001" → "hep-th9901001")."""
    return (s.entry.ids.arxiv or "").replace("/", "")


def _f_type(s: _State, *allowed: str) -> str:
    if not allowed:
        return s.entry.entry_type
    if s.entry.entry_type.lower() not in {a.lower() for a in allowed}:
        s.skip = True
    return ""


def _check_postfix(template: str) -> None:
    if len(re.findall(r"%\((?:a|A|n)\)s", template)) != 1:
        raise ValueError("the postfix template needs exactly one of %(a)s, %(A)s, %(n)s")


def _f_postfix(s: _State, format: str = "%(a)s", start: int = 0) -> str:  # noqa: A002 (BBT's name)
    s.postfix_template, s.postfix_offset = format, start
    return ""


def _f_infix(s: _State, format: str = "%(a)s", start: int = 0) -> str:  # noqa: A002
    s.postfix_template, s.postfix_offset = format, start
    return _MARKER


def _f_field(s: _State, name: str) -> str:
    """A Zotero field by BBT's capitalised name (``Title``, ``PublicationTitle``, ``Volume``…): its raw value."""
    e = s.entry
    getter = _ZOTERO_FIELDS.get(name.casefold())
    return (getter(e) if getter else "") or ""


#: Zotero field names a formula may use capitalised (BBT: ``Title``, ``Date``…) → the entry's value
_ZOTERO_FIELDS: dict[str, Callable[[Entry], str | None]] = {
    "title": lambda e: e.title,
    "shorttitle": lambda e: e.extra.get("shorttitle"),
    "publicationtitle": lambda e: e.journal or e.booktitle,
    "booktitle": lambda e: e.booktitle,
    "journalabbreviation": lambda e: e.extra.get("shortjournal"),
    "date": lambda e: e.date.iso() if e.date else _raw_date(e),
    "publisher": lambda e: e.publisher,
    "volume": lambda e: e.volume,
    "issue": lambda e: e.number,
    "number": lambda e: e.number,
    "pages": lambda e: e.pages,
    "place": lambda e: e.extra.get("address") or e.extra.get("location"),
    "edition": lambda e: e.extra.get("edition"),
    "series": lambda e: e.extra.get("series"),
    "language": lambda e: e.extra.get("langid") or e.extra.get("language"),
    "doi": lambda e: e.ids.doi,
    "url": lambda e: e.url,
    "isbn": lambda e: e.ids.isbn or e.extra.get("isbn"),
    "issn": lambda e: e.ids.issn or e.extra.get("issn"),
    "archiveid": lambda e: f"arXiv:{e.ids.arxiv}" if e.ids.arxiv else None,
    "university": lambda e: e.extra.get("school") or e.extra.get("institution"),
    "institution": lambda e: e.extra.get("institution") or e.extra.get("school"),
    "itemtype": lambda e: e.entry_type,
}


def _f_firstpage(s: _State) -> str:
    return re.split(r"[-\s,\u2013]", s.entry.pages or "")[0] if s.entry.pages else ""


def _f_lastpage(s: _State) -> str:
    return re.split(r"[-\s,\u2013]", s.entry.pages or "")[-1] if s.entry.pages else ""


def _f_language(s: _State, *names: str) -> str:
    """BBT ``language(de, ...)``: skip to the next alternative unless the entry is in one of the languages."""
    wanted = {n.casefold() for n in names}
    mode = language_mode(s.entry)
    lang = str(s.entry.extra.get("langid") or s.entry.extra.get("language") or "").casefold()
    if not (lang in wanted or lang.split("-", 1)[0] in wanted or (mode == "german" and wanted & _GERMAN)):
        s.skip = True
    return ""


FUNCTIONS: dict[str, Callable[..., str]] = {
    "auth": _f_auth, "authors": _f_authors, "authorsn": _f_authors, "authorLast": _f_authorLast,
    "authForeIni": _f_authForeIni, "authorLastForeIni": _f_authorLastForeIni,
    "authorsAlpha": _f_authorsAlpha, "authIni": _f_authIni, "authorIni": _f_authorIni,
    "authAuthEa": _f_authAuthEa, "authEtAl": _f_authEtAl, "authEtal2": _f_authEtal2, "authshort": _f_authshort,
    "year": _f_year, "shortyear": _f_shortyear, "month": _f_month,
    "shorttitle": _f_shorttitle, "veryshorttitle": _f_veryshorttitle, "title": _f_title, "Title": _f_Title,
    "journal": _f_journal, "arxiv": _f_arxiv, "type": _f_type, "postfix": _f_postfix, "infix": _f_infix,
    "firstpage": _f_firstpage, "lastpage": _f_lastpage, "language": _f_language,
}
#: BBT's function and filter names are case-insensitive (its compiler lower-cases them)
_FUNCTIONS_FOLDED = {k.casefold(): v for k, v in FUNCTIONS.items() if k != "Title"}
#: BBT's ``auth*`` functions: ``creator`` must be one of these; the deprecated ``clean`` argument is ignored
_AUTH_FUNCTIONS = {_f_auth, _f_authors, _f_authorLast, _f_authForeIni, _f_authorLastForeIni, _f_authorsAlpha,
                   _f_authIni, _f_authorIni, _f_authAuthEa, _f_authEtAl, _f_authEtal2, _f_authshort}
_CREATOR_KINDS = ("*", "author", "editor", "translator", "collaborator")


# =========================================================================== filters (transform the chunk)

def _x_lower(s: _State) -> str:
    return s.chunk.lower()


def _x_upper(s: _State) -> str:
    return s.chunk.upper()


def _x_capitalize(s: _State) -> str:
    return re.sub(r"(^|\s)([a-z])", lambda m: m.group(1) + m.group(2).upper(), s.chunk)


def _x_fold(s: _State, mode: str | None = None) -> str:
    """``fold`` / ``transliterate``: to ASCII, by the entry's language unless ``mode`` is given."""
    return transliterate(s.chunk, _MODE_NAMES.get((mode or "").casefold(), s.mode) if mode else s.mode)


_MODE_NAMES = {"de": "german", "german": "german", "minimal": ""}


def _x_clean(s: _State) -> str:
    return _BBT_UNSAFE_KEEP_SPACES.sub("", transliterate(s.chunk, s.mode)).strip()


def _x_ascii(s: _State) -> str:
    return " ".join("".join(c for c in s.chunk if " " <= c <= "~").split())


def _x_alphanum(s: _State) -> str:
    return " ".join("".join(c for c in s.chunk if c.isalnum() or c.isspace()).split())


def _x_nopunct(s: _State, dash: str = "-") -> str:
    return _nopunct(s.chunk, dash)


def _x_nopunctordash(s: _State) -> str:
    return _nopunct(s.chunk, "")


def _x_condense(s: _State, sep: str = "") -> str:
    return re.sub(r"\s+", sep, s.chunk)


def _x_skipwords(s: _State, nopunct: bool = False) -> str:
    return " ".join(_title_words(s.chunk, nopunct=nopunct))


def _x_select(s: _State, start: int = 1, n: int | None = None) -> str:
    values = s.chunk.split()
    begin = len(values) + start if start < 0 else max(start, 1) - 1
    end = len(values) if n is None else begin + max(n, 1)
    return " ".join(values[begin:end])


def _x_substring(s: _State, start: int = 1, n: int | None = None) -> str:
    begin = max(start, 1) - 1
    return s.chunk[begin:] if n is None else s.chunk[begin:begin + n]


def _x_abbr(s: _State, chars: int = 1) -> str:
    return "".join(w[:chars] for w in s.chunk.split())


def _x_prefix(s: _State, prefix: str = "") -> str:
    return f"{prefix}{s.chunk}" if s.chunk and prefix else s.chunk


def _x_postfix(s: _State, postfix: str = "") -> str:
    return f"{s.chunk}{postfix}" if s.chunk and postfix else s.chunk


def _x_replace(s: _State, find: str, replace: str = "") -> str:
    return re.sub(re.escape(find), lambda _m: replace, s.chunk, flags=re.IGNORECASE) if find else s.chunk


def _x_default(s: _State, text: str = "") -> str:
    return s.chunk or text


def _x_discard(s: _State) -> str:
    return ""


def _x_numeric(s: _State) -> str:
    return s.chunk if re.match(r"^\s*[+-]?\d", s.chunk) else ""


_RELATIONS: dict[str, Callable[[int, int], bool]] = {
    "<": lambda a, b: a < b, "<=": lambda a, b: a <= b, "=": lambda a, b: a == b,
    "!=": lambda a, b: a != b, ">": lambda a, b: a > b, ">=": lambda a, b: a >= b,
}


def _x_len(s: _State, relation: str = ">", length: int = 0) -> str:
    if relation not in _RELATIONS:
        raise ValueError(f"len() relation must be one of {' '.join(_RELATIONS)}")
    if not _RELATIONS[relation](len(re.sub(r"\s", "", s.chunk)), length):
        s.skip = True
    return s.chunk


FILTERS: dict[str, Callable[..., str]] = {
    "lower": _x_lower, "upper": _x_upper, "capitalize": _x_capitalize, "fold": _x_fold,
    "transliterate": _x_fold, "clean": _x_clean, "ascii": _x_ascii, "alphanum": _x_alphanum,
    "nopunct": _x_nopunct, "nopunctordash": _x_nopunctordash, "condense": _x_condense,
    "skipwords": _x_skipwords, "select": _x_select, "substring": _x_substring, "abbr": _x_abbr,
    "prefix": _x_prefix, "postfix": _x_postfix, "replace": _x_replace, "default": _x_default,
    "discard": _x_discard, "numeric": _x_numeric, "len": _x_len,
}
_FILTERS_FOLDED = {k.casefold(): v for k, v in FILTERS.items()}


# =========================================================================== parser

_TOKEN = re.compile(
    r"""(?P<ws>\s+)
      | (?P<ident>[A-Za-z_][A-Za-z0-9_]*)
      | (?P<number>-?\d+)
      | (?P<string>'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")
      | (?P<op><=|>=|!=|[+|.(),=<>;])
    """,
    re.VERBOSE,
)


@dataclass(frozen=True)
class _Tok:
    """A token of a formula: its kind (a group of ``_TOKEN``), its text and its column (for errors)."""

    kind: str
    text: str
    pos: int


def _tokenize(formula: str) -> list[_Tok]:
    toks: list[_Tok] = []
    pos = 0
    while pos < len(formula):
        m = _TOKEN.match(formula, pos)
        if not m:
            ch = formula[pos]
            if ch in "'\"":
                raise FormulaError("unterminated string", formula, pos)
            raise FormulaError(f"unexpected character {ch!r}", formula, pos)
        kind = m.lastgroup or ""
        if kind != "ws":
            toks.append(_Tok(kind, m.group(), pos))
        pos = m.end()
    toks.append(_Tok("end", "", len(formula)))
    return toks


@dataclass(frozen=True)
class _Call:
    """A function of the formula language with its arguments, resolved when the formula is parsed."""

    name: str
    func: Callable[..., str]
    args: tuple[Any, ...] = ()
    kwargs: tuple[tuple[str, Any], ...] = ()


@dataclass(frozen=True)
class _Term:
    """One ``+``-joined part of an alternative: a call or a literal, then its ``.filter`` chain."""

    primary: _Call | str  # a function call, or a literal string
    filters: tuple[_Call, ...] = ()


class _Parser:
    """Recursive descent over: formula := alt ('|' alt)* ; alt := term ('+' term)* ;
    term := (call | string | number) ('.' call)* ; call := ident ['(' args ')']."""

    def __init__(self, formula: str):
        self.formula = formula
        if formula.lstrip().startswith("["):
            raise FormulaError("legacy [field:filter] patterns are not supported; write e.g. auth.lower + year",
                               formula, len(formula) - len(formula.lstrip()))
        self.toks = _tokenize(formula)
        self.i = 0

    def peek(self) -> _Tok:
        return self.toks[self.i]

    def take(self) -> _Tok:
        tok = self.toks[self.i]
        self.i += 1
        return tok

    def expect(self, text: str) -> _Tok:
        tok = self.peek()
        if tok.text != text or tok.kind not in ("op",):
            raise FormulaError(f"expected {text!r}, found {tok.text or 'end of formula'!r}", self.formula, tok.pos)
        return self.take()

    def error(self, message: str, tok: _Tok | None = None) -> FormulaError:
        tok = tok or self.peek()
        return FormulaError(message, self.formula, tok.pos)

    def parse(self) -> tuple[tuple[_Term, ...], ...]:
        alternatives = [self.alternative()]
        # alternatives: "a | b", or BBT's statements "a; b" (a trailing ';' is allowed)
        while self.peek().text in ("|", ";") and self.peek().kind == "op":
            self.take()
            if self.peek().kind == "end":
                break
            alternatives.append(self.alternative())
        if self.peek().kind != "end":
            raise self.error(f"unexpected {self.peek().text!r} (join parts with '+', alternatives with '|')")
        return tuple(alternatives)

    def alternative(self) -> tuple[_Term, ...]:
        terms = [self.term()]
        while self.peek().text == "+" and self.peek().kind == "op":
            self.take()
            terms.append(self.term())
        return tuple(terms)

    def term(self) -> _Term:
        tok = self.peek()
        primary: _Call | str
        if tok.kind == "string":
            self.take()
            primary = _unquote(tok.text)
        elif tok.kind == "number":
            self.take()
            primary = tok.text
        elif tok.kind == "ident" and tok.text[:1].isupper() and tok.text not in FUNCTIONS:
            # BBT: a capitalised name is a Zotero field ("Title", "PublicationTitle"), never a function
            self.take()
            if tok.text.casefold() not in _ZOTERO_FIELDS:
                raise self.error(f"unknown field {tok.text!r} (a capitalised name is a Zotero field: "
                                 f"{', '.join(sorted(_ZOTERO_FIELDS))})", tok)
            if self.peek().text == "(" and self.peek().kind == "op":
                raise self.error(f"field {tok.text!r} cannot be called as a function")
            primary = _Call(tok.text, _f_field, (tok.text,))
        elif tok.kind == "ident":
            primary = self.call(FUNCTIONS, "function")
        else:
            raise self.error("expected a function (auth, year, shorttitle(3,3)…) or a quoted string")
        filters = []
        while self.peek().text == "." and self.peek().kind == "op":
            self.take()
            if self.peek().kind != "ident":
                raise self.error("expected a filter name after '.'")
            filters.append(self.call(FILTERS, "filter"))
        return _Term(primary, tuple(filters))

    def call(self, table: dict[str, Callable[..., str]], what: str) -> _Call:
        name_tok = self.take()
        func = table.get(name_tok.text)
        if func is None:  # BBT's names are case-insensitive
            folded = _FUNCTIONS_FOLDED if table is FUNCTIONS else _FILTERS_FOLDED
            func = folded.get(name_tok.text.casefold())
        if func is None:
            known = ", ".join(sorted(table))
            raise self.error(f"unknown {what} {name_tok.text!r} (known: {known})", name_tok)
        args: list[Any] = []
        kwargs: dict[str, Any] = {}
        if self.peek().text == "(" and self.peek().kind == "op":
            self.take()
            while not (self.peek().text == ")" and self.peek().kind == "op"):
                if self.peek().kind == "ident" and self.toks[self.i + 1].text == "=":
                    key = self.take().text
                    self.take()
                    kwargs[key] = self.value()
                else:
                    if kwargs:
                        raise self.error("positional argument after a keyword argument")
                    args.append(self.value())
                if self.peek().text == "," and self.peek().kind == "op":
                    self.take()
                elif not (self.peek().text == ")" and self.peek().kind == "op"):
                    raise self.error("expected ',' or ')' in the argument list")
            self.take()
        if func in _AUTH_FUNCTIONS:
            kwargs.pop("clean", None)  # BBT ignores this deprecated argument of the auth functions
            creator = kwargs.get("creator")
            if creator is not None and creator not in _CREATOR_KINDS:
                raise self.error(f"{what} {name_tok.text}: creator must be one of "
                                 f"{', '.join(repr(c) for c in _CREATOR_KINDS)}, not {creator!r}", name_tok)
        signature = inspect.signature(func)
        try:
            bound = signature.bind(None, *args, **kwargs)
        except TypeError as exc:
            raise self.error(f"{what} {name_tok.text}: {exc}", name_tok) from None
        for pname, value in list(bound.arguments.items())[1:]:
            param = signature.parameters[pname]
            wants_int = param.annotation in ("int", "int | None") or (
                isinstance(param.default, int) and not isinstance(param.default, bool))
            if wants_int and value is not None and (isinstance(value, bool) or not isinstance(value, int)):
                raise self.error(f"{what} {name_tok.text}: {pname} must be a whole number, not {value!r}", name_tok)
        if func in (_f_postfix, _f_infix):
            template = kwargs.get("format", args[0] if args else "%(a)s")
            try:
                _check_postfix(str(template))
            except ValueError as exc:
                raise self.error(str(exc), name_tok) from None
        if func is _x_len:
            relation = kwargs.get("relation", args[0] if args else ">")
            if relation not in _RELATIONS:
                raise self.error(f"len() relation must be one of {' '.join(_RELATIONS)}", name_tok)
        return _Call(name_tok.text, func, tuple(args), tuple(kwargs.items()))

    def value(self) -> Any:
        tok = self.take()
        if tok.kind == "number":
            return int(tok.text)
        if tok.kind == "string":
            return _unquote(tok.text)
        if tok.kind == "ident":
            return {"true": True, "false": False}.get(tok.text, tok.text)
        if tok.kind == "op" and tok.text in _RELATIONS:
            return tok.text
        raise FormulaError(f"expected an argument value, found {tok.text or 'end of formula'!r}", self.formula, tok.pos)


def _unquote(text: str) -> str:
    return re.sub(r"\\(.)", r"\1", text[1:-1])


# =========================================================================== compiled formula


@dataclass(frozen=True)
class _Proposal:
    """A key before disambiguation: ``text`` holds the marker where a postfix would go."""

    text: str
    template: str = "%(a)s"
    offset: int = 0

    def with_postfix(self, n: int) -> str:
        suffix = ""
        if n:
            alpha = _excel_column(n)
            suffix = (self.template.replace("%(a)s", alpha.lower()).replace("%(A)s", alpha)
                      .replace("%(n)s", str(n)))
            suffix = _NOT_KEY_CHAR.sub("", suffix)
        return self.text.replace(_MARKER, suffix)

    @property
    def base(self) -> str:
        return self.with_postfix(self.offset)


def _excel_column(n: int) -> str:
    """1 → A, 26 → Z, 27 → AA (BBT ``excelColumn``)."""
    out = ""
    while n > 0:
        n, rem = divmod(n - 1, 26)
        out = chr(65 + rem) + out
    return out


def _finalize(raw: str, mode: str = "") -> str:
    """BBT ``finalize`` (transliterate by the entry's language, strip unsafe characters and whitespace)
    plus bibkit's key charset."""
    parts = []
    for part in raw.split(_MARKER):
        part = _BBT_UNSAFE.sub("", transliterate(part, mode))
        parts.append(_NOT_KEY_CHAR.sub("", part))
    text = _MARKER.join(parts[:2]) + "".join(parts[2:])  # one marker at most
    # trim punctuation at the ends (pandoc would not take a trailing '.' or '-' as part of the key)
    core = text.replace(_MARKER, "")
    if not core:
        return ""
    lead = len(core) - len(core.lstrip("-:.+"))
    trail = len(core) - len(core.rstrip("-:.+"))
    if lead or trail:
        text = _trim_keep_marker(text, lead, trail)
    return text


def _trim_keep_marker(text: str, lead: int, trail: int) -> str:
    chars = list(text)
    idx = [i for i, c in enumerate(chars) if c != _MARKER]
    drop = set(idx[:lead]) | (set(idx[len(idx) - trail:]) if trail else set())
    return "".join(c for i, c in enumerate(chars) if i not in drop)


class KeyFormula:
    """A parsed formula; ``formula(entry)`` gives the entry's key before disambiguation.

    Build with :func:`compile_formula` (cached), which raises :class:`FormulaError`
    with the column of the first mistake.
    """

    def __init__(self, source: str):
        self.source = source
        self._alternatives = _Parser(source).parse()

    def __repr__(self) -> str:
        return f"KeyFormula({self.source!r})"

    def propose(self, entry: Entry) -> _Proposal:
        mode = language_mode(entry)
        for alternative in self._alternatives:
            state = _State(entry, mode=mode)
            pieces: list[str] = []
            for term in alternative:
                if isinstance(term.primary, str):
                    state.chunk = term.primary
                else:
                    call = term.primary
                    state.chunk = call.func(state, *call.args, **dict(call.kwargs))
                for flt in term.filters:
                    state.chunk = flt.func(state, *flt.args, **dict(flt.kwargs))
                if state.skip:
                    break
                pieces.append(state.chunk)
            if state.skip:
                continue
            raw = "".join(pieces)
            if _MARKER not in raw:
                raw += _MARKER
            text = _finalize(raw, mode)
            if re.search(r"[A-Za-z]", text):  # "" or a bare "2024" is no key: try the next alternative
                return _Proposal(text, state.postfix_template, state.postfix_offset)
        return _Proposal(_fallback_key(entry) + _MARKER)

    def __call__(self, entry: Entry) -> str:
        """The key this formula gives ``entry`` (no disambiguation postfix)."""
        return self.propose(entry).base


#: the identifiers (:attr:`Identifiers.others` kinds, and ``pmid``) a key is made of when an entry has no title,
#: author or year yet (a bare ACL Anthology or PubMed link offline; an OpenReview note's comes before them), in
#: this order, with the key's prefix: a key that says which paper it is ("acl2023.acl-long.1"), not "untitled"…
_FALLBACK_IDS = {"acl": "acl", "pmid": "pmid", "ieee": "ieee", "s2": "s2paper-", "s2corpus": "corpusid"}


def _fallback_key(entry: Entry) -> str:
    """A key for an entry the formula gives nothing for: from its identifiers (arXiv, DOI, OpenReview note, and
    those of :data:`_FALLBACK_IDS`), else "untitled" + year."""
    ids = entry.ids
    if ids.arxiv:
        return "arxiv" + _NOT_KEY_CHAR.sub("", ids.arxiv.replace("/", "-"))
    if ids.doi:
        return "doi" + _NOT_KEY_CHAR.sub("-", ids.doi.lower()).strip("-")
    note = entry_note(entry)
    if note:  # a pasted OpenReview link (or a url naming a note) before OpenReview is asked
        return "openreview" + _NOT_KEY_CHAR.sub("", note)
    for kind, prefix in _FALLBACK_IDS.items():
        value = ids.pmid if kind == "pmid" else ids.others.get(kind)
        if value:
            return prefix + _NOT_KEY_CHAR.sub("-", value).strip("-")
    return f"untitled{entry.year}" if entry.year is not None else "untitled"


@lru_cache(maxsize=64)
def compile_formula(formula: str | None = None) -> KeyFormula:
    """Parse a formula once (``None`` or blank → :data:`DEFAULT_FORMULA`)."""
    formula = (formula or "").strip() or DEFAULT_FORMULA
    return KeyFormula(formula)


def citation_key(entry: Entry, formula: str | None = None) -> str:
    """The key ``formula`` gives this entry on its own (no uniqueness postfix)."""
    return compile_formula(formula)(entry)


def is_safe_key(key: str) -> bool:
    """Whether a key is safe for BibTeX, biber and pandoc alike (no spaces, braces, commas, quotes, %, #…)."""
    return bool(_SAFE_KEY.match(key))


# =========================================================================== assignment


@dataclass(frozen=True)
class KeyChange:
    """One entry whose key changed in :func:`assign_keys` (``old`` is ``None`` for a first assignment).

    ``reason``: ``assigned`` (had none), ``recomputed`` (recompute=True and the data
    changed the key), ``conflict`` (an unpinned key clashed with another key),
    ``duplicate-pinned`` (two input entries had the same key; this one got a postfix).
    """

    entry: Entry = field(compare=False, repr=False)
    old: str | None
    new: str
    reason: str

    def as_dict(self) -> dict[str, Any]:
        return {"old": self.old, "new": self.new, "reason": self.reason, "title": self.entry.title,
                "source": str(self.entry.origin) if self.entry.origin else None}


def _content_order(entry: Entry) -> tuple[Any, ...]:
    """A total order over entries by their own data, used to decide who keeps a bare key.

    Older works first (the date), then identifiers, then title and authors, then a
    fingerprint of everything else; never the input position.
    """
    d = entry.date
    # unknown parts sort after known ones
    date = (d.year if d and d.year is not None else 99999, (d.month or 13) if d else 13, (d.day or 32) if d else 32)
    import hashlib  # only when keys collide (start-up: an import most runs never need)

    authors = tuple(p.display() for p in entry.authors)
    fingerprint = hashlib.sha1(
        repr((entry.entry_type, entry.title, entry.abstract, authors, entry.journal, entry.booktitle, entry.url,
              entry.volume, entry.pages, sorted(entry.extra.items()))).encode("utf-8", "surrogatepass")
    ).hexdigest()
    return (date, entry.ids.arxiv or "\uffff", (entry.ids.doi or "\uffff").lower(), normalize_title(entry.title),
            authors, fingerprint)


def assign_keys(entries: Iterable[Entry], formula: str | None = None, *, recompute: bool = False,
                reserved: Iterable[str] = ()) -> list[KeyChange]:
    """Give every entry a citation key, unique (case-insensitively) among ``entries``.

    * Pinned keys (``key_pinned``, e.g. from an input ``.bib``) are kept.  When two
      pinned entries share a key, the first in input order keeps it (that is the one
      BibTeX resolves a ``\\cite`` to); later ones get a postfix and a problem.
    * Unpinned entries without a key get ``formula``'s key (``None`` → BBT's
      default); with ``recompute=True`` every unpinned key is recomputed (after
      enrichment added authors and year).  Unpinned keys kept from an earlier pass
      stay unless they clash.
    * Entries wanting the same key are ordered by their content (date, arXiv ID,
      DOI, title, authors, a fingerprint) — the first keeps the bare key, the next
      get ``a``, ``b``…  So shuffling the input or adding unrelated entries never
      changes a key.

    * ``reserved`` keys (issued earlier to papers not among ``entries``, see
      :mod:`bibkit.normalize.pinning`) are never given to an unpinned entry.

    Mutates ``entry.key`` (and adds problems); returns the changes.
    """
    entries = list(entries)
    compiled = compile_formula(formula)
    changes: list[KeyChange] = []
    taken: set[str] = set()

    # 1. pinned keys, input order decides between duplicates
    pinned = [e for e in entries if e.key_pinned and e.key]
    renamed_pinned: list[Entry] = []
    first_holder: dict[str, Entry] = {}
    for e in pinned:
        folded = e.key.casefold()  # type: ignore[union-attr]
        if folded in taken:
            renamed_pinned.append(e)
        else:
            taken.add(folded)
            first_holder[folded] = e
            if not is_safe_key(e.key):  # type: ignore[arg-type]
                e.problem("unsafe-key", f"citation key {e.key!r} has characters biber or pandoc may reject; "
                          "kept because it came from the input")

    taken.update(k.casefold() for k in reserved)

    # 2. unpinned keys kept from an earlier pass (unless recomputing)
    need: list[Entry] = [e for e in entries if not (e.key_pinned and e.key)]
    keep: list[Entry] = []
    if not recompute:
        keep = [e for e in need if e.key]
        if len({e.key.casefold() for e in keep}) < len(keep) or any(e.key.casefold() in taken for e in keep):  # type: ignore[union-attr]
            keep.sort(key=_content_order)  # clashes ahead: decide by content who keeps the key
        need = [e for e in need if not e.key]
    conflicts: list[Entry] = []
    for e in keep:
        folded = e.key.casefold()  # type: ignore[union-attr]
        if folded in taken or not is_safe_key(e.key):  # type: ignore[arg-type]
            conflicts.append(e)
        else:
            taken.add(folded)

    # 3. formula keys: group by wanted key, content order inside a group
    proposals = {id(e): compiled.propose(e) for e in need + conflicts}
    groups: dict[str, list[Entry]] = {}
    for e in need + conflicts:
        groups.setdefault(proposals[id(e)].text.casefold(), []).append(e)
    ordered = [(g, sorted(members, key=_content_order) if len(members) > 1 else members)
               for g, members in sorted(groups.items())]

    conflict_ids = {id(e) for e in conflicts}

    def reason_for(e: Entry) -> str:
        if id(e) in conflict_ids:
            return "conflict"
        return "recomputed" if e.key else "assigned"

    def give(e: Entry, key: str) -> None:
        taken.add(key.casefold())
        if key != e.key:
            changes.append(KeyChange(e, e.key, key, reason_for(e)))
            e.key = key

    leftovers: list[tuple[Entry, _Proposal]] = []
    for _g, members in ordered:  # bare keys first, so a postfixed key never takes another group's bare key
        head, prop = members[0], proposals[id(members[0])]
        if prop.base.casefold() not in taken:
            give(head, prop.base)
            leftovers.extend((m, proposals[id(m)]) for m in members[1:])
        else:
            leftovers.extend((m, proposals[id(m)]) for m in members)
    # a counter per key stem (proposal text + template): k entries wanting one key cost O(k), not O(k²)
    next_postfix: dict[tuple[str, str], int] = {}
    for e, prop in leftovers:
        stem = (prop.text.casefold(), prop.template)
        n = next_postfix.get(stem, prop.offset + 1)
        while prop.with_postfix(n).casefold() in taken:
            n += 1
        next_postfix[stem] = n + 1
        give(e, prop.with_postfix(n))

    # 4. duplicate pinned keys get the next free postfix of their own key
    for e in renamed_pinned:
        old = e.key or ""
        prop = _Proposal(old + _MARKER)
        stem = (prop.text.casefold(), prop.template)
        n = next_postfix.get(stem, 1)
        while prop.with_postfix(n).casefold() in taken:
            n += 1
        next_postfix[stem] = n + 1
        new = prop.with_postfix(n)
        taken.add(new.casefold())
        holder = first_holder.get(old.casefold())
        where = f" (first used at {holder.origin})" if holder is not None and holder.origin else ""
        e.key = new
        if e.record.key is not None:
            e.record.key.previous = old  # the summary counts it renamed, not kept
        # one warning for one rename: it replaces the reader's "duplicate key" (same code, same place)
        e.problems[:] = [p for p in e.problems if p.code != "duplicate-key"]
        e.problems.append(Problem("duplicate-key", f"citation key {old!r} is used by an earlier entry{where}; "
                                  f"this entry was renamed to {new!r}", "warning", e.origin, new))
        changes.append(KeyChange(e, old, new, "duplicate-pinned"))

    # problems recorded before the entry had its (new) key now name it
    old_keys = {id(c.entry): c.old for c in changes}
    for e in entries:
        stale = {None, old_keys.get(id(e))}
        if e.key and any(p.key in stale for p in e.problems):
            e.problems[:] = [replace(p, key=e.key) if p.key in stale else p for p in e.problems]
    return changes
