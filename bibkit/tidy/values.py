"""Field values as ``bibkit tidy`` writes them: small transforms over a value's raw expression.

A value is taken apart with :func:`bibkit.bibsyntax.parse_expression` into
its parts (``{braced}``, ``"quoted"``, numbers, ``@string`` macros joined by
``#``) and each option touches only what it names; everything else is copied as
written, so a value no option applies to comes out byte for byte (apart from
white space around line breaks in text fields, which TeX reads as one space).
A value the parser cannot split (malformed) is copied unchanged.

Each transform is idempotent, so tidying tidy output changes nothing.  Where the
rule differs from bibtex-tidy's, the function says so; tests/test_tidy_compat.py
holds the cases.
"""

from __future__ import annotations

import re
from urllib.parse import quote

from ..bibsyntax import NAME_LIST_FIELDS, is_verbatim_field, month_number, parse_expression
from ..model import MONTH_ABBREVIATIONS as _ABBREVIATIONS
from ..model import REFERENCE_FIELDS
from ..normalize.latex import escape_strays, to_ascii
from ..normalize.texscan import match_brace
from ..writers.bibtex import TYPESET_FIELDS
from .options import TidyOptions

__all__ = ["format_value", "unwrap", "page_ranges", "limit_authors", "strip_enclosing_braces", "drop_all_caps",
           "remove_braces", "enclose", "encode_url", "MONTH_ABBREVIATIONS"]

#: month number -> BibTeX macro
MONTH_ABBREVIATIONS = dict(enumerate(_ABBREVIATIONS, 1))

_PARA = re.compile(r"\s*\n\s*\n\s*")
_BREAK = re.compile(r"[ \t\f\v]*\n\s*")
_NUMERIC = re.compile(r"^[1-9][0-9]*$")
_PAGE_RANGE = re.compile(r"(\d)\s*-\s*(\d)")
_AND = re.compile(r"\s+and\s+", re.IGNORECASE)
_ROMAN = re.compile(r"^M{0,4}(CM|CD|D?C{0,3})(XC|XL|L?X{0,3})(IX|IV|V?I{0,3})$")
_CAPS_WORD = re.compile(r"(\\[A-Za-z]+|\\.)|([^\W\d_])([^\s{}\\]*)")
_ONE_SPACE = re.compile(r"(?<! ) (?! )")
#: fields whose capitals are no shouting but a label or an identifier (a style prints them as written:
#: biblatex's ``label = {CMS}`` and ``shorthand`` are citation labels, ``number = {RC-6947}`` a report's
#: number): ``--drop-all-caps`` leaves them alone
_NOT_WORDS = frozenset({"key", "label", "shorthand", "shorthandintro", "sortkey", "number", "eid", "isrn", "volume",
                        "issue", "part", "pages", "chapter", "version"})
#: fields holding citation keys: never wrapped
_KEY_LISTS = frozenset({"ids", *REFERENCE_FIELDS})
_COMMAND = re.compile(r"\\[A-Za-z]+|\\.")
_INNER_GROUP = re.compile(r"\{[^{}]*\}")
#: a LaTeX escape in a URL: ``\_``, and Mendeley's grouped forms ``{\_}``, ``{\%}``, ``{\&}``, ``{~}``
_URL_ESCAPE = re.compile(r"\{\\([_%#&$~])\}|\\([_%#&$~])|\{(~)\}")
#: URL characters that stay as they are (RFC 3986 reserved + unreserved, and "%" of existing escapes)
_URL_SAFE = "/:?#[]@!$&'()*+,;=-._~%"


def unwrap(text: str) -> str:
    """Line breaks (and the indentation around them) become one space; blank lines (paragraphs) stay."""
    if "\n" not in text:
        return text
    paragraphs = _PARA.split(text)
    return "\n\n".join(_BREAK.sub(" ", p) for p in paragraphs)


def page_ranges(text: str) -> str:
    """``1-10`` → ``1--10`` (the en dash BibTeX styles expect), as bibtex-tidy always does."""
    if "-" not in text:
        return text
    for _ in range(4):
        new = _PAGE_RANGE.sub(r"\1--\2", text)
        if new == text:
            break
        text = new
    return text


def _split_top(text: str, pattern: re.Pattern[str]) -> list[str]:
    """Split at matches of ``pattern`` outside braces (``{Barnes and Noble}`` is one name)."""
    out, start, depth, i = [], 0, 0, 0
    n = len(text)
    while i < n:
        c = text[i]
        if c == "\\":
            i += 2
            continue
        if c == "{":
            depth += 1
        elif c == "}":
            depth -= 1
        elif depth == 0 and c.isspace():
            m = pattern.match(text, i)
            if m:
                out.append(text[start:i])
                start = i = m.end()
                continue
        i += 1
    out.append(text[start:])
    return out


def limit_authors(text: str, limit: int) -> str:
    """More than ``limit`` names → the first ``limit`` and ``others`` (BibTeX's "et al.").

    bibkit splits on ``and`` outside braces only (bibtex-tidy splits inside ``{Barnes and Noble}`` too).
    """
    names = _split_top(text, _AND)
    if len(names) <= limit:
        return text
    return " and ".join([n.strip() for n in names[:limit]] + ["others"])


def strip_enclosing_braces(text: str) -> str:
    """``{{Journal of Tea}}`` → ``{Journal of Tea}`` (the value is one inner group without nested braces).

    A group that holds a command (``{\\"u}``, a BibTeX special character) keeps its braces.  Not for name
    lists (:data:`~bibkit.bibsyntax.NAME_LIST_FIELDS`): ``author = {{Hughes Aircraft Company}}`` is one
    organisation, and without its inner braces BibTeX and biber read the person "Company, Hughes Aircraft".
    """
    if len(text) > 2 and text[0] == "{" and text[-1] == "}" and "{" not in text[1:-1] and "}" not in text[1:-1] \
            and not text[1:].startswith("\\"):
        return text[1:-1]
    return text


def drop_all_caps(text: str) -> str:
    """A value in capitals only (``JOURNAL OF TEA``) in title case (``Journal Of Tea``), Roman numerals and
    words with digits (codes: ``EU-29702195U``, ``COVID-19``) kept.

    Braced groups (case protection the author chose) and commands (``\\LaTeX``) are left alone; bibtex-tidy
    lower-cases those too (``\\LaTeX`` → ``\\Latex``, an undefined command).
    """
    bare = _COMMAND.sub("", text)
    while "{" in bare:  # braced groups are the author's choice: they do not count
        shorter = _INNER_GROUP.sub("", bare)
        if shorter == bare:
            break
        bare = shorter
    if any(c.islower() for c in bare) or not any(c.isupper() for c in bare):
        return text
    out: list[str] = []
    depth = 0
    i = 0
    n = len(text)
    while i < n:
        c = text[i]
        if c == "{":
            depth += 1
        elif c == "}":
            depth -= 1
        if depth == 0 and c != "}":
            m = _CAPS_WORD.match(text, i)
            if m is not None and m.end() > i:
                if m.group(1):
                    out.append(m.group(1))
                else:
                    word = m.group(0)
                    # a Roman numeral, or a code with digits (EU-29702195U, COVID-19): no word to re-case
                    keep = _ROMAN.match(word) or any(ch.isdigit() for ch in word)
                    out.append(word if keep else m.group(2) + m.group(3).lower())
                i = m.end()
                continue
        out.append(c)
        i += 1
    return "".join(out)


def remove_braces(text: str) -> str:
    """Braces that are neither a command's argument nor a group holding a command are removed
    (``{The {NASA} Mission}`` → ``The NASA Mission``), bibtex-tidy's ``--remove-braces``."""
    if "{" not in text:
        return text
    out: list[str] = []
    i = 0
    n = len(text)
    while i < n:
        c = text[i]
        if c == "\\":
            m = re.match(r"\\(?:[A-Za-z]+|.)\s*", text[i:i + 64])
            cmd = m.group(0) if m else text[i:i + 2]
            out.append(cmd)
            i += len(cmd)
            while i < n and text[i] == "{":  # the command's arguments, kept as they are
                j = match_brace(text, i)
                if j < 0:
                    break
                out.append(text[i:j + 1])
                i = j + 1
            continue
        if c == "{":
            j = match_brace(text, i)
            if j < 0:
                out.append(text[i:])
                break
            inner = text[i + 1:j]
            if inner.startswith("\\") or "$" in inner:
                out.append(text[i:j + 1])  # a special character or math: the braces mean something
            else:
                out.append(remove_braces(inner))
            i = j + 1
            continue
        out.append(c)
        i += 1
    return "".join(out)


def enclose(text: str) -> str:
    """The value in one more pair of braces (``{{Title}}`` protects its case) unless it already is one group."""
    if text.startswith("{") and text.endswith("}") and match_brace(text, 0) == len(text) - 1:
        return text
    return "{" + text + "}"


def encode_url(text: str) -> str:
    """A URL as a URL: LaTeX escapes undone (``\\_``, and Mendeley's ``{\\_}`` → ``_``), spaces, braces and
    non-ASCII percent-encoded.  Several URLs in one field (Mendeley writes them space-separated) stay several.

    bibtex-tidy's ``--encode-urls`` writes ``_`` as ``\\%5F``, which is a backslash in every verbatim reader.
    """
    text = _URL_ESCAPE.sub(lambda m: m.group(1) or m.group(2) or m.group(3), text.strip())
    return " ".join(quote(url, safe=_URL_SAFE) for url in _NEXT_URL.split(text))


_NEXT_URL = re.compile(r"\s+(?=[A-Za-z][A-Za-z0-9+.-]*://)")


def _wrap_words(paragraph: str, width: int) -> list[str]:
    """Lines of at most ``width`` characters (a longer word gets a line of its own), broken only where one
    space is: unwrapping gives the paragraph back exactly (two spaces stay two spaces, inside a line)."""
    lines: list[str] = []
    current = ""
    for word in _ONE_SPACE.split(paragraph):
        if current and len(current) + 1 + len(word) > width:
            lines.append(current)
            current = word
        else:
            current = f"{current} {word}" if current else word
    lines.append(current)
    return lines


def _layout(text: str, opts: TidyOptions, name_width: int) -> str:
    """A long or multi-paragraph braced value on lines of its own, indented twice (bibtex-tidy's layout)."""
    indent = opts.indent
    multi = "\n\n" in text
    too_long = opts.wrap is not None and len(indent) + name_width + 3 + len(text) + 2 > opts.wrap
    if not (multi or too_long):
        return text
    inner = indent * 2
    paragraphs = text.split("\n\n")
    if opts.wrap is not None:
        width = max(opts.wrap - len(inner), 20)
        paragraphs = [("\n" + inner).join(_wrap_words(p, width)) for p in paragraphs]
    return "\n" + inner + ("\n\n" + inner).join(paragraphs) + "\n" + indent


def _month(lname: str, parts: list[tuple[str, str]], opts: TidyOptions) -> str | None:
    """A month macro for a ``month`` field, when ``--months`` (any spelling) or ``--numeric`` (bibtex-tidy: a
    month name in braces or quotes) asks for one."""
    if lname != "month" or len(parts) != 1 or not (opts.months or opts.numeric):
        return None
    kind, text = parts[0]
    month = month_number(text, parts)
    if month is not None and (opts.months or (not opts.curly and kind in ("brace", "quote")
                                              and not text.strip().isdigit())):
        return MONTH_ABBREVIATIONS[month]
    return None


def _text(lname: str, text: str, opts: TidyOptions, verbatim: bool) -> str:
    """The value options applied to one ``{braced}`` or ``"quoted"`` part, in an order that makes them idempotent."""
    if not verbatim:
        text = unwrap(text)
        if lname in opts.remove_braces:  # before the case and brace rules look at the value, so that
            text = remove_braces(text)   # their result does not change when tidied again
        if opts.strip_enclosing_braces and lname not in NAME_LIST_FIELDS:  # there they make one name
            text = strip_enclosing_braces(text)
        if opts.drop_all_caps and lname not in _NOT_WORDS:
            text = drop_all_caps(text)
    if opts.encode_urls and lname.endswith("url"):
        text = encode_url(text)
    if opts.escape and lname in TYPESET_FIELDS:
        text = escape_strays(text)
    if opts.ascii and not verbatim:
        text = to_ascii(text)
    if lname == "pages" and opts.page_ranges:
        text = page_ranges(text)
    if lname == "author" and opts.max_authors:
        text = limit_authors(text, opts.max_authors)
    return text


def format_value(lname: str, raw: str, opts: TidyOptions, name_width: int = 0) -> str:
    """The value of field ``lname`` (lower case) as tidy writes it, from its raw expression ``raw``."""
    parts, leftover = parse_expression(raw.strip())
    if leftover:
        return raw.strip()  # malformed: the reader reported it; never guess
    if not parts:
        return "{}"
    month = _month(lname, parts, opts)
    if month is not None:
        return month
    verbatim = is_verbatim_field(lname)
    single = len(parts) == 1
    out: list[str] = []
    for kind, text in parts:
        if kind == "macro":
            out.append(text)
            continue
        numeric = _NUMERIC.match(text) is not None
        if opts.numeric and numeric:  # --numeric wins over --curly for numbers, as in bibtex-tidy
            out.append(text)
            continue
        if kind == "number":
            out.append("{" + text + "}" if opts.curly and numeric else text)
            continue
        text = _text(lname, text, opts, verbatim)
        braced = kind == "brace" or opts.curly
        if lname in opts.enclosing_braces and braced:
            text = enclose(text)
        if braced and single:
            text = text.strip()
            if not verbatim and lname not in _KEY_LISTS:
                text = _layout(text, opts, name_width)
        out.append("{" + text + "}" if braced else '"' + text + '"')
    return " # ".join(out)
