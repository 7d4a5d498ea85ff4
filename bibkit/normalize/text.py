"""Text normalisation for *matching* (never for output).

Two records describe the same paper when their titles agree after the noise
people and tools add is removed: case, accents, LaTeX leftovers from a ``.bib``
(``{\\"u}``, ``\\emph{…}``, protective braces), typographic punctuation,
hyphen-or-space variants ("Mixture-of-Experts" / "Mixture of Experts") and runs
of whitespace.  :func:`normalize_title` is the one definition every stage uses
(duplicate detection here, the arXiv/HF resolvers, the Zotero bridge), so two
stages never disagree about whether titles are "the same".

:func:`fold_ascii` is the other half: a best-effort transliteration to ASCII
for citation keys, modelled on what Better BibTeX does (Unicode decomposition,
then a table for letters that do not decompose, then Greek/Cyrillic tables).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from ..lazyre import compile_on_first_use

__all__ = ["fold_ascii", "normalize_title", "normalized_words", "normalize_name", "collapse_whitespace",
           "strip_latex"]

_SPACE = re.compile(r"\s+")

#: Letters that NFKD does not decompose into ASCII (the common part of the
#: tables in fold-to-ascii / transliteration, which Better BibTeX uses).
_SPECIAL_LETTERS: dict[str, str] = {
    "ß": "ss", "ẞ": "SS", "æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE", "ø": "o", "Ø": "O",
    "đ": "d", "Đ": "D", "ð": "d", "Ð": "D", "þ": "th", "Þ": "Th", "ł": "l", "Ł": "L",
    "ı": "i", "ȷ": "j", "ħ": "h", "Ħ": "H", "ŧ": "t", "Ŧ": "T", "ŋ": "ng", "Ŋ": "NG",
    "ĸ": "q", "ſ": "s", "ƒ": "f", "ǝ": "e", "ɛ": "e", "ɔ": "o",
    "‘": "'", "’": "'", "‚": ",", "“": '"', "”": '"', "„": '"', "′": "'", "″": '"',
    "–": "-", "—": "-", "‐": "-", "‑": "-", "‒": "-", "―": "-", "−": "-",
    "…": "...", "×": "x", "·": ".", "•": ".",
}

#: Cyrillic (scholarly-ish, as the `transliteration` package BBT uses).
_CYRILLIC = dict(zip(
    "абвгдеёжзийклмнопрстуфхцчшщъыьэюяєіїґ",
    "a b v g d e e zh z i y k l m n o p r s t u f kh ts ch sh shch _ y _ e yu ya ye i yi g".split(" "),
))
_GREEK = dict(zip(
    "αβγδεζηθικλμνξοπρσςτυφχψω",
    "a b g d e z i th i k l m n x o p r s s t y f ch ps o".split(" "),
))


def _build_table() -> dict[int, str]:
    table: dict[int, str] = {ord(k): v for k, v in _SPECIAL_LETTERS.items()}
    for script in (_CYRILLIC, _GREEK):
        for lower, ascii_ in script.items():
            ascii_ = "" if ascii_ == "_" else ascii_
            table[ord(lower)] = ascii_
            upper = lower.upper()
            if upper != lower and len(upper) == 1:
                table[ord(upper)] = ascii_[:1].upper() + ascii_[1:]
    return table


_TABLE = _build_table()


@lru_cache(maxsize=65536)
def fold_ascii(text: str) -> str:
    """Transliterate to ASCII: "Müller" → "Muller", "Łukasz" → "Lukasz", "Иванов" → "Ivanov".

    Characters with no transliteration (CJK ideographs, emoji) are dropped, as
    Better BibTeX drops what its transliterator cannot map (it emits U+FFFD and
    then strips it as an unsafe key character; formatter.ts ``finalize``).
    """
    if text.isascii():
        return text
    text = unicodedata.normalize("NFKD", text.translate(_TABLE))
    text = text.translate(_TABLE)  # NFKD may expose more mappable characters
    return "".join(c for c in text if c.isascii())


# --------------------------------------------------------------------------- LaTeX leftovers

_LATEX_LETTERS = {
    r"\ss": "ß", r"\o": "ø", r"\O": "Ø", r"\ae": "æ", r"\AE": "Æ", r"\oe": "œ", r"\OE": "Œ",
    r"\aa": "å", r"\AA": "Å", r"\l": "ł", r"\L": "Ł", r"\i": "i", r"\j": "j",
}
_LATEX_LETTER_RE = compile_on_first_use(__name__, r"\\(ss|o|O|ae|AE|oe|OE|aa|AA|l|L|i|j)(?![A-Za-z])\s*")
_LATEX_COMMAND = compile_on_first_use(__name__, r"\\[A-Za-z]+\*?\s*")  # \emph, \textbf, \url … (argument kept)
#: \& \% \_ \" \' \^ … : keep the escaped char or drop an accent
_LATEX_SYMBOL = compile_on_first_use(__name__, r"\\([^A-Za-z\s])")
_ACCENT_CHARS = set("\"'`^~=.")


def strip_latex(text: str) -> str:
    """Remove LaTeX markup that may survive in text fields, keeping the words.

    ``{\\"u}ber`` → ``uber`` (accents go; matching folds them anyway),
    ``\\emph{Deep} Learning`` → ``Deep Learning``, ``\\&`` → ``&``, ``{BERT}`` → ``BERT``,
    ``$\\alpha$`` → ``alpha``.
    """
    if "\\" not in text and "{" not in text and "$" not in text:
        return text
    text = _LATEX_LETTER_RE.sub(lambda m: _LATEX_LETTERS["\\" + m.group(1)], text)
    text = _LATEX_SYMBOL.sub(lambda m: "" if m.group(1) in _ACCENT_CHARS else m.group(1), text)
    text = _LATEX_COMMAND.sub("", text)
    return text.replace("{", "").replace("}", "").replace("$", "")


def collapse_whitespace(text: str) -> str:
    """Runs of any Unicode whitespace become one space; ends trimmed."""
    return _SPACE.sub(" ", text).strip()


# --------------------------------------------------------------------------- titles and names

_APOSTROPHES = re.compile(r"['’‘`´]")
_DIGIT_DOT = re.compile(r"(?<=\d)\.(?=\d)")
_NON_WORD = re.compile(r"(?:[^\w\x00]|_)+")


@lru_cache(maxsize=4096)
def _fold_char(ch: str) -> str:
    """Strip accents from one character; Latin letters become ASCII, other scripts stay themselves."""
    if ch.isascii():
        return ch
    if ch in _SPECIAL_LETTERS:
        return _SPECIAL_LETTERS[ch].casefold()
    base = "".join(c for c in unicodedata.normalize("NFKD", ch) if not unicodedata.combining(c))
    return base or ch


class _FoldTable(dict[int, str]):
    """:func:`_fold_char` of every character, as a :meth:`str.translate` table filled on first sight: a title
    is folded by one C-level pass, not a Python call per character."""

    def __missing__(self, code: int) -> str:
        folded = self[code] = _fold_char(chr(code))
        return folded


_FOLD = _FoldTable()


@lru_cache(maxsize=65536)
def normalize_title(text: str | None) -> str:
    """The comparison form of a title (or any short text).

    Steps: NFKC; strip LaTeX leftovers; ``&`` → ``and``; casefold; fold
    accents to ASCII where possible (non-Latin scripts are kept, casefolded);
    drop apostrophes ("Model's" = "Models"); every other run of punctuation,
    dashes and symbols becomes one space, except a dot between digits
    ("Qwen2.5" stays distinct from "Qwen2 5"); whitespace collapsed.

    >>> normalize_title("DeepSeekMoE: Towards Ultimate Expert Specialization in Mixture-of-Experts")
    'deepseekmoe towards ultimate expert specialization in mixture of experts'
    """
    if not text:
        return ""
    text = _folded(text)
    if text.isascii():
        return " ".join(_ascii_words(text))
    return _normalize_other(text)


def normalized_words(text: str | None) -> list[str]:
    """``normalize_title(text).split()``, for a long text read once (an abstract's words): not kept in
    :func:`normalize_title`'s cache (which would hold every abstract of a run), and without joining the
    words only to split them again."""
    if not text:
        return []
    text = _folded(text)
    if text.isascii():
        return _ascii_words(text)
    return _normalize_other(text).split()


def _folded(text: str) -> str:
    """The first steps of :func:`normalize_title`: NFKC, LaTeX stripped, ``&`` spelled out, casefolded,
    accents folded."""
    text = unicodedata.normalize("NFKC", text)
    text = strip_latex(text)
    text = text.replace("&", " and ")
    text = text.casefold()
    if not text.isascii():
        text = text.translate(_FOLD)
    return text


def _normalize_other(text: str) -> str:
    """The last steps of :func:`normalize_title` for a folded text that is not all ASCII."""
    # (each substitution only where its characters occur: a few C-level scans cost less than a regex pass)
    if "'" in text or "’" in text or "‘" in text or "`" in text or "´" in text:
        text = _APOSTROPHES.sub("", text)
    if "\x00" in text:
        text = text.replace("\x00", "")
    if "." in text:
        text = _DIGIT_DOT.sub("\x00", text)  # protect the dot of 2.5
    text = _NON_WORD.sub(" ", text)
    # every run of non-word characters, white space included, is now one space: only the ends are left to trim
    return text.replace("\x00", ".").strip(" ")


#: ASCII apostrophes (the other ones in :data:`_APOSTROPHES` are not ASCII) and NUL, deleted
_ASCII_DROP = {ord("'"): None, ord("`"): None, 0: None}
#: every ASCII character that is not a letter or digit becomes a space (NUL, the protected dot, is kept)
_ASCII_SPACE = {c: " " for c in range(1, 128) if not chr(c).isalnum()}


def _ascii_words(text: str) -> list[str]:
    """The last steps of :func:`normalize_title` for casefolded ASCII text, without the regular expressions:
    its words.

    The same result as the general path (apostrophes dropped, a dot between digits kept, every other run of
    non-word characters one space, ends trimmed) at a fraction of the cost: abstracts go through here too
    (their content words), and three passes of ``re.sub`` over 1,500 characters were most of a comparison.
    """
    if "'" in text or "`" in text or "\x00" in text:  # (a deleting translate is a slow one: only when needed)
        text = text.translate(_ASCII_DROP)
    if "." not in text:
        return text.translate(_ASCII_SPACE).split()
    # protect the dot of 2.5: a dot with a digit on both sides
    parts = text.split(".")
    pieces = [parts[0]]
    protected = False
    for before, after in zip(parts, parts[1:]):
        if before[-1:].isdigit() and after[:1].isdigit():
            pieces.append("\x00")
            protected = True
        else:
            pieces.append(" ")
        pieces.append(after)
    words = "".join(pieces).translate(_ASCII_SPACE).split()
    return [w.replace("\x00", ".") for w in words] if protected else words


def normalize_name(text: str | None) -> str:
    """Comparison form of a (family) name: like titles, but spaces and hyphens removed too,
    so "van der Berg" = "Van Der Berg" = "vanderberg" and "Müller" = "Muller"."""
    return normalize_title(text).replace(" ", "")
