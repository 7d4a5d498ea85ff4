"""The ``.bib`` syntax the reader and the writer agree on: value expressions, verbatim fields, month
macros, and the memo a reader leaves for the writer.

:mod:`bibkit.sources.bibfile` (reading) and :mod:`bibkit.writers.bibtex`
(writing) both need these rules, and must apply the *same* ones for a round
trip to be exact — so they live here, below both, instead of in one of them.
"""

from __future__ import annotations

import re
from typing import Any, Container

from .lazyre import compile_on_first_use
from .model import MONTH_NUMBERS, BibOrigin, Entry
from .normalize.latex import decode

__all__ = ["BRACED_KEY", "BRACE_GROUP_PATTERN", "DIGITS", "IDENTIFIER", "MONTH_MACROS", "MONTH_NAMES",
           "NAME_LIST_FIELDS", "SPACE", "SyntaxBreak", "UNESCAPED_BRACE", "VERBATIM_FIELDS", "github_value",
           "group_end", "group_value", "is_verbatim_field", "month_number", "parse_expression", "quoted_end",
           "raw_value", "skip_space"]

#: BibTeX's predefined month macros (plain.bst and every style derived from it)
MONTH_MACROS = MONTH_NUMBERS
#: month names as people write them in a ``month`` field, with the number each means
MONTH_NAMES = {
    "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7,
    "august": 8, "september": 9, "october": 10, "november": 11, "december": 12, "sept": 9,
}
_MONTH_FULL = {v: k for k, v in MONTH_NAMES.items() if k != "sept"}


def month_number(value: str, parts: list[tuple[str, str]] | None = None,
                 macros: Container[str] = ()) -> int | None:
    """The month (1-12) a ``month`` field means — ``mar``, ``{3}``, ``"March"``, ``{march}``, ``{Sept.}`` — or None.

    ``value`` is the field's text (for a bare macro, its name); ``parts`` its :func:`parse_expression` parts
    when known; ``macros`` the ``@string`` names the file defines (a redefined ``mar`` is not March).
    The one rule the reader, ``bibkit tidy --months`` and the BibLaTeX conversion use.
    """
    parts = parts or [("brace", value)]
    if len(parts) == 1 and parts[0][0] == "macro":
        name = parts[0][1].lower()
        if name in MONTH_MACROS and name not in macros:
            return MONTH_MACROS[name]
    text = decode(value).strip().rstrip(".").lower()
    if text.isdigit():
        n = int(text)
        return n if 1 <= n <= 12 else None
    if text in MONTH_NAMES:
        return MONTH_NAMES[text]
    if len(text) >= 3 and text[:3] in MONTH_MACROS and _MONTH_FULL[MONTH_MACROS[text[:3]]].startswith(text):
        return MONTH_MACROS[text[:3]]
    return None

#: fields BibTeX and biber split into names at " and " (BibTeX's two; biblatex's data model's name lists):
#: in these a braced group is one name, so ``{{Hughes Aircraft Company}}`` is an organisation and
#: ``{Hughes Aircraft Company}`` the person "Company, Hughes Aircraft" — braces there are never redundant
NAME_LIST_FIELDS = frozenset(
    """
    author editor editora editorb editorc translator annotator commentator introduction foreword afterword
    bookauthor holder shortauthor shorteditor namea nameb namec sortname
    """.split()
)

#: fields whose value is not LaTeX text: never decoded on reading, never encoded on writing
VERBATIM_FIELDS = frozenset(
    """
    url doi eprint file pdf biburl urlraw ee localfile path sentelink verba verbb verbc
    arxiv arxivid arxiv_id github isbn issn pmid pmcid mrnumber zmnumber lccn
    """.split()
)


def is_verbatim_field(name: str) -> bool:
    """Whether a field (lower-case name) holds a URL, path or identifier rather than text."""
    return name in VERBATIM_FIELDS or name.endswith("url") or name.startswith("bdsk-url") \
        or name.startswith("bdsk-file")


#: the key in ``BibOrigin.decoded`` listing fields memoised as their text alone (see :func:`raw_value`)
BRACED_KEY = "__braced__"
#: a brace that is not escaped with a backslash
UNESCAPED_BRACE = re.compile(r"(?<!\\)[{}]")


# --------------------------------------------------------------------------- value expressions, by BibTeX's grammar

#: BibTeX's identifier characters (entry types, field names, macro names): anything but white space,
#: control characters and ``" # % ' ( ) , = { }``
IDENTIFIER = re.compile(r"[^\x00-\x20\"#%'(),={}\x7f]++")
DIGITS = re.compile(r"[0-9]++")
SPACE = re.compile(r"[ \t\n\r\f\v]*+")


def skip_space(text: str, p: int, e: int | None = None) -> int:
    """Index of the first character at or after ``p`` that is not white space (``e`` at the latest)."""
    end = len(text) if e is None else e
    while p < end and text[p] in " \t\n\r\f\v":
        p += 1
    return p
#: one brace group, braces counted literally (a backslash escapes nothing, as in ``bibtex.web``), nested
#: up to 8 deep (inside quoted values; deeper or unclosed groups are followed brace by brace)
BRACE_GROUP_PATTERN = r"\{[^{}]*+\}"
for _ in range(7):
    BRACE_GROUP_PATTERN = r"\{(?:[^{}]++|" + BRACE_GROUP_PATTERN + r")*+\}"
#: a ``"…"`` string: a ``"`` ends it only at brace depth 0, and its braces must balance
_QUOTED = compile_on_first_use(__name__, r'"(?:[^"{}]++|' + BRACE_GROUP_PATTERN + r')*+"')
_QUOTE_OR_BRACE = compile_on_first_use(__name__, r'["{}]')


class SyntaxBreak(Exception):
    """Where and why text breaks BibTeX's grammar (raised by the value parsers and the scanner)."""

    def __init__(self, pos: int, reason: str, head: bool = False, reached: int | None = None):
        super().__init__(reason)
        self.pos = pos
        self.reason = reason
        #: the break came before a block's opening delimiter: the "@" started no block
        self.head = head
        #: how far reading went before it broke (an unclosed group is read to the end of what may be read):
        #: BibTeX resumes looking for an "@" there, and so does the scanner — which keeps it linear
        self.reached = pos if reached is None else reached


def group_end(text: str, p: int, e: int) -> int:
    """Index after the brace group opened at ``p`` (braces counted literally), not looking past ``e``.

    From brace to brace with ``str.find`` (C-level scans): an abstract of a thousand characters and a few
    braces costs a handful of calls, where a regular expression steps through every character.  Linear: each
    character is scanned at most once for a ``{`` and once for a ``}``."""
    find = text.find
    depth, i, close = 0, p, -1
    while True:
        if close < i:
            close = find("}", i, e)
            if close < 0:
                raise SyntaxBreak(p, "a '{' that is never closed" if e >= len(text) else
                                  "a '{' not closed before the next line that starts an entry", reached=e)
        opened = find("{", i, close)
        if opened >= 0:
            depth += 1
            i = opened + 1
        else:
            depth -= 1
            i = close + 1
            if depth == 0:
                return i


def quoted_end(text: str, p: int, e: int) -> int:
    """Index after the ``"…"`` string opened at ``p`` (a ``"`` ends it only at brace depth 0)."""
    m = _QUOTED.match(text, p, e)
    if m is not None:
        return m.end()
    depth = 0
    for b in _QUOTE_OR_BRACE.finditer(text, p + 1, e):
        c = b.group()
        if c == "{":
            depth += 1
        elif c == "}":
            depth -= 1
            if depth < 0:
                raise SyntaxBreak(b.start(), 'a "}" closes no "{" inside a quoted value')
        elif depth == 0:
            return b.end()
    raise SyntaxBreak(p, 'a quoted value that never ends (or a "{" inside it that is never closed)', reached=e)


def _part(raw: str, p: int, n: int) -> tuple[tuple[str, str], int] | None:
    """One part of a value expression at ``p`` and the index after it (``None``: no part there)."""
    c = raw[p]
    if c == "{":
        end = group_end(raw, p, n)
        return ("brace", raw[p + 1:end - 1]), end
    if c == '"':
        end = quoted_end(raw, p, n)
        return ("quote", raw[p + 1:end - 1]), end
    m = (DIGITS if "0" <= c <= "9" else IDENTIFIER).match(raw, p)
    if m is None:
        return None
    return ("number" if "0" <= c <= "9" else "macro", m.group()), m.end()


def parse_expression(raw: str) -> tuple[list[tuple[str, str]], str]:
    """Split a field's value expression into parts ``("brace"|"quote"|"number"|"macro", text)``, by
    BibTeX's rules (braces counted literally, a ``"`` inside braces is text).

    Returns the parts and whatever text after them is not part of the expression (empty when the
    whole expression is well formed).
    """
    if not raw:
        return [], ""
    if raw.isdigit():
        return [("number", raw)], ""
    parts: list[tuple[str, str]] = []
    n = len(raw)
    p = skip_space(raw, 0)
    while p < n:
        try:
            found = _part(raw, p, n)
        except SyntaxBreak:
            return parts, raw[p:]
        if found is None:
            return parts, raw[p:]
        parts.append(found[0])
        q = skip_space(raw, found[1])
        if q >= n:
            return parts, ""
        if raw[q] != "#":
            return parts, raw[q:]
        p = skip_space(raw, q + 1)
        if p >= n:
            return parts, raw[q:]
    return parts, ""


# --------------------------------------------------------------------------- group values


def raw_value(origin: BibOrigin, name: str) -> str:
    """The raw value expression of field ``name`` (lower case) as it was written in the input.

    Fields written as a plain ``{text}`` whose model value is that text are memoised as the
    text alone (one string shared with the model instead of two copies, which matters for
    100,000 abstracts); this puts their braces back.
    """
    value = origin.fields[name]
    braced = origin.decoded.get(BRACED_KEY)
    if braced is not None and name in braced:
        return "{" + value + "}"
    return value


def github_value(entry: Entry) -> str | None:
    """``owner/name`` of the entry's primary code repository (GitHub's canonical name once enriched)."""
    link = entry.code_repo
    if link is None:
        return None
    if link.repo is not None and link.repo.full_name:
        return link.repo.full_name
    return link.target


def group_value(entry: Entry, group: str) -> Any:
    """The model's current value for one field group (what :class:`BibOrigin` snapshots)."""
    if group.startswith("extra:"):
        return entry.extra.get(group[6:])
    if group == "entry_type":
        return entry.entry_type
    if group in ("authors", "editors", "tags"):
        return list(getattr(entry, group))
    if group == "ids.arxiv":
        return (entry.ids.arxiv, entry.ids.arxiv_version)
    if group.startswith("ids."):
        return getattr(entry.ids, group[4:])
    if group == "github":
        return github_value(entry)
    return getattr(entry, group)
