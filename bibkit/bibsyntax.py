"""The ``.bib`` syntax the reader and the writer agree on: value expressions, verbatim fields, month
macros, and the memo a reader leaves for the writer.

:mod:`bibkit.sources.bibfile` (reading) and :mod:`bibkit.writers.bibtex`
(writing) both need these rules, and must apply the *same* ones for a round
trip to be exact — so they live here, below both, instead of in one of them.
"""

from __future__ import annotations

import re
from typing import Any

from .model import MONTH_NUMBERS, BibOrigin, Entry
from .normalize.texscan import match_brace, match_quote

__all__ = ["BRACED_KEY", "MONTH_MACROS", "UNESCAPED_BRACE", "VERBATIM_FIELDS", "github_value", "group_value",
           "is_verbatim_field", "parse_expression", "raw_value"]

#: BibTeX's predefined month macros (plain.bst and every style derived from it)
MONTH_MACROS = MONTH_NUMBERS

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
_MACRO_NAME = re.compile(r"[^\s#,{}\"=()]+")


# --------------------------------------------------------------------------- value expressions


# one brace group, nested up to four levels (possessive, so a failing match cannot backtrack)
_GROUP4 = re.compile(r"\{(?:[^{}]++|\{(?:[^{}]++|\{(?:[^{}]++|\{[^{}]*+\})*+\})*+\})*+\}")


def _balanced_single_group(raw: str) -> bool:
    """``raw`` is one ``{…}`` group from its first to its last character."""
    inner = raw[1:-1]
    if "{" not in inner and "}" not in inner:
        return True
    if "\\{" not in raw and "\\}" not in raw and _GROUP4.fullmatch(raw) is not None:
        return True
    depth = 0
    last = len(raw) - 1
    for m in UNESCAPED_BRACE.finditer(raw):
        if m.group(0) == "{":
            depth += 1
        else:
            depth -= 1
            if depth == 0:
                return m.start() == last
    return False


def parse_expression(raw: str) -> tuple[list[tuple[str, str]], str]:
    """Split a field's value expression into parts ``("brace"|"quote"|"number"|"macro", text)``.

    Returns the parts and whatever text could not be parsed (empty when the whole
    expression is well formed).
    """
    if not raw:
        return [], ""
    first = raw[0]
    if first == "{" and raw[-1] == "}" and "#" not in raw and _balanced_single_group(raw):
        return [("brace", raw[1:-1])], ""
    if first == '"' and raw[-1] == '"' and len(raw) > 1 and '"' not in raw[1:-1]:
        return [("quote", raw[1:-1])], ""
    if raw.isdigit():
        return [("number", raw)], ""
    parts: list[tuple[str, str]] = []
    i = 0
    n = len(raw)
    while True:
        while i < n and raw[i].isspace():
            i += 1
        if i >= n:
            return parts, ""
        c = raw[i]
        if c == "{" or c == '"':
            j = match_brace(raw, i) if c == "{" else match_quote(raw, i)
            if j < 0:
                return parts, raw[i:]
            parts.append(("brace" if c == "{" else "quote", raw[i + 1:j]))
            i = j + 1
        else:
            m = _MACRO_NAME.match(raw, i)
            if m is None:
                return parts, raw[i:]
            word = m.group(0)
            parts.append(("number" if word.isdigit() else "macro", word))
            i = m.end()
        while i < n and raw[i].isspace():
            i += 1
        if i >= n:
            return parts, ""
        if raw[i] == "#":
            i += 1
            continue
        return parts, raw[i:]


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
