"""Writers: one function per output format, all taking a :class:`~bibkit.model.Document`.

:func:`write` dispatches on the format name the CLI uses (``--to``).  The BibTeX
and BibLaTeX dialects share :mod:`bibkit.writers.bibtex`; CSL-JSON (for pandoc)
lives in :mod:`bibkit.writers.csljson`.  Modules are imported on first use so a
BibTeX run never loads the JSON writer and vice versa.
"""

from __future__ import annotations

from typing import Iterable

from ..model import Document

__all__ = ["write", "write_chunks", "FORMATS"]

#: format names accepted by :func:`write` (and ``bibkit convert --to``)
FORMATS = ("bibtex", "biblatex", "csl-json")


def write(doc: Document, to: str | None = "bibtex", *, ascii: bool = False, code_note: bool = False) -> str:  # noqa: A002
    """Render ``doc`` as ``to`` (``"bibtex"``, ``"biblatex"`` or ``"csl-json"``); ``None`` writes
    ``.bib`` entries as they were read and new ones as BibTeX (see :mod:`bibkit.writers.bibtex`).

    ``ascii`` (BibTeX dialects only) writes non-ASCII characters as LaTeX macros;
    ``code_note`` adds ``Code: \\url{…}`` for entries with a primary GitHub repository.
    """
    if to is None:
        from .bibtex import write as write_bib

        return write_bib(doc, dialect=None, ascii=ascii, code_note=code_note)
    fmt = to.lower().replace("_", "-")
    if fmt in ("bibtex", "biblatex"):
        from .bibtex import write as write_bib  # lazy, for start-up time: a BibTeX run never loads the JSON writer

        return write_bib(doc, dialect=fmt, ascii=ascii, code_note=code_note)
    if fmt in ("csl-json", "csljson", "csl"):
        from .csljson import write as write_csl  # lazy, for start-up time: and a CSL run not the BibTeX one

        return write_csl(doc)
    raise ValueError(f"unknown output format {to!r} (expected one of {', '.join(FORMATS)})")


def write_chunks(doc: Document, to: str | None = "bibtex", *, ascii: bool = False,  # noqa: A002
                 code_note: bool = False) -> Iterable[str]:
    """:func:`write`'s text in pieces whose concatenation is that text: BibTeX and BibLaTeX a block at a
    time, so a big bibliography goes to its file without being one string in memory; CSL-JSON whole."""
    fmt = to.lower().replace("_", "-") if to is not None else None
    if fmt is None or fmt in ("bibtex", "biblatex"):
        from .bibtex import write_chunks as bib_chunks

        return bib_chunks(doc, dialect=fmt, ascii=ascii, code_note=code_note)
    return [write(doc, to, ascii=ascii, code_note=code_note)]
