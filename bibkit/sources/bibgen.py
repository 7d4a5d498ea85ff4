"""Structured bibliographic records (RIS, CSL-JSON, biber's ``.bbl``) read through the ``.bib`` reader.

Why one path: each of these formats is a list of named fields, and what a field means once it
is BibTeX — names split, dates and identifiers read, arXiv ids found in URLs, LaTeX decoded —
is the ``.bib`` reader's one copy of those rules.  A reader here turns each record into the
BibTeX it stands for (:func:`bibtex_entry`) and hands them all to the ``.bib`` reader
(:func:`read_generated`), which places every entry on the line its record starts on.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from ..model import Document, Problem, SourceLocation

__all__ = ["Generated", "bibtex_entry", "name_list", "read_generated", "VERBATIM_FIELDS"]

#: fields whose value is written as is (no TeX in them: a ``_`` or ``%`` is part of the value; a page range's
#: ``--`` is BibTeX's already)
VERBATIM_FIELDS = frozenset({"doi", "url", "eprint", "file", "urldate", "isbn", "issn", "pages", "date", "year",
                             "github", "pmid"})


_ASCII_SPACE = re.compile(r"[ \t\r\n\f\v]+")
_MONTH_MACROS = frozenset(("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"))


@dataclass(slots=True)
class Generated:
    """One record as BibTeX, with the line its record starts on and whether its key is the user's."""

    bibtex: str
    line: int
    key_pinned: bool = True


def _braced(value: str) -> str:
    """A value in braces, with unbalanced braces (never valid BibTeX) made harmless."""
    from ..normalize.texscan import braces_balanced

    if not braces_balanced(value):
        value = value.replace("{", "(").replace("}", ")")
    return "{" + value + "}"


class TexName(str):
    """A name already written as BibTeX reads names (its parts encoded, braces where BibTeX must not split):
    :func:`name_list` takes it as it is."""

    __slots__ = ()


def name_list(names: Sequence[str], literal: Sequence[bool] = ()) -> str:
    """Names (plain text, ``Family, Given`` or natural order) as a BibTeX name list: each encoded, an
    organisation (``literal``) in braces so BibTeX keeps it one name ("{Google DeepMind}"); a
    :class:`TexName` as it is."""
    from ..normalize.latex import encode

    flags = list(literal) + [False] * (len(names) - len(literal))
    return " and ".join(n if isinstance(n, TexName) else "{" + encode(n) + "}" if lit else encode(n)
                        for n, lit in zip(names, flags) if n.strip())


def bibtex_entry(entry_type: str, key: str, fields: Sequence[tuple[str, str]], *, plain_text: bool,
                 tex: frozenset[str] = frozenset({"author", "editor"})) -> str:
    """``@type{key, name = {value}, …}``.  ``plain_text``: the values are Unicode text (RIS, CSL-JSON),
    encoded here as the writer encodes a fresh entry (titles case-protected) — except the fields in ``tex``
    (name lists made by :func:`name_list`); else they are all TeX already."""
    from ..normalize.casing import protect
    from ..normalize.latex import encode

    out = [f"@{entry_type}{{{key},"]
    for name, value in fields:
        # white space made one space; not a no-break space (U+00A0, LaTeX's "~": "J.~Organomet. Chem.")
        value = _ASCII_SPACE.sub(" ", value).strip(" ") if name != "abstract" else value.strip()
        if not value:
            continue
        if plain_text and name not in VERBATIM_FIELDS and name not in tex:
            value = encode(value)
            if name in ("title", "booktitle", "subtitle", "series"):
                value = protect(value)
        if name == "month" and value in _MONTH_MACROS:
            out.append(f"  month = {value},")  # (BibTeX's month macro, which styles print in their language)
            continue
        out.append(f"  {name} = {_braced(value)},")
    out.append("}")
    return "\n".join(out)


def read_generated(records: Sequence[Generated], origin: str, fmt: str, *, strict: bool = False,
                   keep_bib: bool = True) -> Document:
    """Read the records' BibTeX with the ``.bib`` reader; each entry located on its record's line, its key
    pinned or left to the key formula.  ``keep_bib``: the entries keep the ``.bib`` reader's memo, so their
    fields are the user's as an input ``.bib`` entry's are (enrichment fills gaps, never overwrites)."""
    from .bibfile import read as read_bib

    doc = Document(metadata={"format": fmt, "source": origin})
    if not records:
        doc.problems.append(Problem("listing-empty", f"no record in the {fmt} input", "warning",
                                    SourceLocation(origin)))
        return doc
    parts: list[str] = []
    at = 1  # the line the next part starts on in the text made (kept on its record's line where there is room)
    for rec in records:
        pad = max(1, rec.line - at)
        parts.append("\n" * pad + rec.bibtex)
        at += pad + rec.bibtex.count("\n")
    bib_doc = read_bib("".join(parts) + "\n", origin, strict=strict)
    entries = list(bib_doc.entries)
    for entry, rec in zip(entries, records):
        entry.origin = SourceLocation(origin, rec.line)
        if not rec.key_pinned:
            entry.key, entry.key_pinned = None, False
        if not keep_bib:
            entry.bib = None
        elif entry.bib is not None:
            entry.bib.generated = True
    doc.blocks.extend(entries)
    doc.problems.extend(bib_doc.problems)
    return doc
