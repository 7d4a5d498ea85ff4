"""Just enough LaTeX for the double's BibTeX import and export.

Import decodes the common accent commands, dashes, ``~`` and escaped specials
and removes grouping braces (BibTeX.js does this with a 500-entry table; the
double covers the accents people actually type).  Export escapes the specials
and protects capitalised words in titles, as Zotero's BibTeX exporter does.
"""

from __future__ import annotations

import re
import unicodedata

_ACCENTS = {
    "'": "\u0301", "`": "\u0300", "^": "\u0302", '"': "\u0308", "~": "\u0303", "=": "\u0304", ".": "\u0307",
    "u": "\u0306", "v": "\u030c", "H": "\u030b", "c": "\u0327", "k": "\u0328", "r": "\u030a", "d": "\u0323",
    "b": "\u0331",
}
_SYMBOLS = {
    "ss": "ß", "o": "ø", "O": "Ø", "l": "ł", "L": "Ł", "ae": "æ", "AE": "Æ", "oe": "œ", "OE": "Œ", "aa": "å",
    "AA": "Å", "i": "ı", "j": "ȷ", "textendash": "–", "textemdash": "—", "textquotesingle": "'", "textbackslash": "\\",
    "textbar": "|", "textless": "<", "textgreater": ">", "textasciitilde": "~", "textasciicircum": "^", "dag": "†",
    "S": "§", "P": "¶", "copyright": "©", "pounds": "£", "euro": "€", "ldots": "…", "dots": "…",
}


def decode_latex(text: str) -> str:
    """LaTeX → plain Unicode (accents, dashes, ``~``, escaped specials; braces removed; whitespace collapsed)."""
    s = text

    def accent(m: re.Match[str]) -> str:
        letter = m.group(2) or m.group(3) or ""
        letter = {"\\i": "i", "\\j": "j"}.get(letter, letter)
        return unicodedata.normalize("NFC", letter + _ACCENTS[m.group(1)])

    # \'{e}, {\'e}, \'e, \v{c}, {\v c}, \c{c}
    s = re.sub(r"\\([`'^\"~=.])\s*(?:\{(\\?[A-Za-z])\}|(\\?[A-Za-z]))", accent, s)
    s = re.sub(r"\\([uvHckrdb])(?:\{(\\?[A-Za-z])\}|\s+(\\?[A-Za-z]))", accent, s)
    s = re.sub(r"\\(ss|ae|AE|oe|OE|aa|AA|o|O|l|L|i|j)(?![A-Za-z])\s*", lambda m: _SYMBOLS[m.group(1)], s)
    s = re.sub(r"\\(textendash|textemdash|textquotesingle|textbackslash|textbar|textless|textgreater|textasciitilde|"
               r"textasciicircum|dag|S|P|copyright|pounds|euro|ldots|dots)(?![A-Za-z])\s*(\{\})?",
               lambda m: _SYMBOLS[m.group(1)], s)
    s = re.sub(r"\\(?:url|href)\{([^{}]*)\}(\{[^{}]*\})?", r"\1", s)
    s = re.sub(r"\\(?:textit|emph)\{([^{}]*)\}", r"<i>\1</i>", s)
    s = re.sub(r"\\textbf\{([^{}]*)\}", r"<b>\1</b>", s)
    s = s.replace("---", "—").replace("--", "–")
    s = re.sub(r"(?<!\\)~", "\u00a0", s)
    s = re.sub(r"\\([#$%&_{}^~])", lambda m: "\0" + m.group(1), s)  # protect escaped specials
    s = re.sub(r"(?<!\\)\$([^$]*)\$", r"\1", s)
    s = s.replace("{", "").replace("}", "")
    s = s.replace("\\\\", "\n").replace("\0", "")
    return re.sub(r"\s+", " ", s).strip()


_ESCAPES = {"|": "{\\textbar}", "<": "{\\textless}", ">": "{\\textgreater}", "~": "{\\textasciitilde}",
            "^": "{\\textasciicircum}", "\\": "{\\textbackslash}", "#": "\\#", "$": "\\$", "%": "\\%", "&": "\\&",
            "_": "\\_", "{": "\\{", "}": "\\}"}


def escape_latex(text: str) -> str:
    text = re.sub(r"<i>(.*?)</i>", lambda m: "\x01textit\x02" + m.group(1) + "\x03", text)
    text = re.sub(r"<b>(.*?)</b>", lambda m: "\x01textbf\x02" + m.group(1) + "\x03", text)
    out = "".join(_ESCAPES.get(ch, ch) for ch in text)
    return out.replace("\x01", "\\").replace("\x02", "{").replace("\x03", "}")


def protect_case(value: str) -> str:
    """Brace every word with a capital letter, except a first word whose only capital is its first letter.

    Words end at spaces and punctuation, as in Zotero's output ``{BERT}: {Pre}-training of {Deep} ...``.
    """
    first = True

    def protect(m: re.Match[str]) -> str:
        nonlocal first
        word = m.group(0)
        was_first, first = first, False
        if not any(ch.isupper() for ch in word):
            return word
        if was_first and word[0].isupper() and not any(ch.isupper() for ch in word[1:]):
            return word
        return "{" + word + "}"

    return re.sub(r"[^\s\-\u2013\u2014:;,.!?()\[\]\"/]+", protect, value)
