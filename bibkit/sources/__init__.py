"""Readers: every kind of input bibkit accepts, turned into one :class:`~bibkit.model.Document`.

Nine formats, one entry point.  ``--from`` names them; without it
:func:`detect` decides from the content, using the file extension only as a
hint (a ``.txt`` holding BibTeX is BibTeX; a ``.bib`` holding a pasted page
is still a listing):

``bib``      existing ``.bib`` files (:mod:`bibkit.sources.bibfile`)
``listing``  pasted text: pages, reading lists, reference lists, notes — each block of it
             read by the reader that fits it (:mod:`.pages`)
``ids``      lists of arXiv ids/URLs, DOIs, HF paper URLs (:mod:`.identifiers`)
``hf-json``  Hugging Face papers API JSON (:mod:`.hfjson`)
``csl-json`` CSL-JSON (pandoc, Zotero, Better BibTeX; what ``--to csl-json`` writes) (:mod:`.csljson`)
``enw``, ``nbib`` EndNote/refer and PubMed's MEDLINE exports (:mod:`.tagged`)
``ris``      RIS exports (publishers, Zotero, Mendeley, EndNote…) (:mod:`.ris`)
``bbl``      LaTeX bibliographies: ``thebibliography`` (BibTeX's ``.bbl``, a ``.tex``) and biblatex's
             ``.bbl``, each item keyed as the paper cites it (:mod:`.bbl`)

``--from`` also names the page readers, to read a whole paste with one of them
(:data:`PAGE_FORMATS`: ``titles``, ``hf-page``, ``arxiv-page``, ``markdown``,
``references``, ``notes``).

Each reader module offers ``read(text, origin, *, strict=False) -> Document``;
:func:`read_text` and :func:`read_path` add detection and decoding.  Reading
never raises for one bad record (problems are data); it raises
:class:`~bibkit.errors.InputError` for an input that cannot be read at all,
and, with ``strict``, for the first malformed record.  An input that is no
list of papers at all — a binary, an image, a configuration file, source code,
text in which no paper can be found, a ``.bib`` with no entries — is refused
when its format was detected (:data:`NOT_A_LIST`), before anything is written.
"""

from __future__ import annotations

import os
import re
import sys
from typing import Callable, Mapping

from ..errors import InputError
from ..lazyre import compile_on_first_use
from ..model import Document, Problem, SourceLocation
from ..record import PageReader

__all__ = ["FORMATS", "PAGE_FORMATS", "ALL_FORMATS", "FORMAT_HELP", "detect", "read_text", "read_path", "decode_bytes",
           "reader_for", "NOT_A_LIST", "MACROS_METADATA"]

#: ``Document.metadata`` key under which the .bib reader leaves the @string macros (lower-case name ->
#: resolved value) defined once the file is read, those of earlier inputs included: the next .bib input
#: is read with them (:func:`read_path`'s ``macros``)
MACROS_METADATA = "bib_macros"

#: the formats ``detect`` tells apart, in the order it considers them
FORMATS: tuple[str, ...] = ("bib", "listing", "ids", "hf-json", "bbl", "ris", "csl-json", "enw", "nbib")
#: the readers of pasted text, which ``--from`` can force on a whole input
PAGE_FORMATS: tuple[str, ...] = tuple(reader.value for reader in PageReader)
#: every name ``--from`` accepts
ALL_FORMATS: tuple[str, ...] = FORMATS + PAGE_FORMATS
#: what each name of :data:`ALL_FORMATS` reads, in a few words (the command lines' help)
FORMAT_HELP: dict[str, str] = {
    "bib": "a .bib file",
    "listing": "any pasted text, each block read by the reader that fits it",
    "ids": "arXiv ids or URLs, DOIs, Hugging Face paper URLs, one or more a line",
    "hf-json": "the Hugging Face papers API's JSON",
    "csl-json": "CSL-JSON (pandoc, Zotero, Better BibTeX, citation.js; what --to csl-json writes)",
    "enw": "EndNote/refer (%0 Journal Article, %A, %T…: Google Scholar's EndNote export)",
    "nbib": "PubMed's MEDLINE format (PMID- …, TI  - …: PubMed's citation-manager export)",
    "ris": "RIS (a publisher's \"Download citation\", Zotero, Mendeley, EndNote, Scopus, Web of Science)",
    "bbl": "a LaTeX bibliography: thebibliography/\\bibitem (a BibTeX .bbl, a .tex) or biblatex's .bbl",
    "titles": "titles, maybe with authors and abstracts (Hugging Face trending or daily, plain title lists)",
    "hf-page": "a Hugging Face collection or paper page",
    "arxiv-page": "an arXiv listing, search results or abstract page",
    "markdown": "a reading list (Markdown bullets or tables, or their rendered copy)",
    "references": "a reference list copied from a paper (IEEE, APA, ACL, ACM, natbib…)",
    "scholar-page": "a Google Scholar results page or a profile's list of articles",
    "dblp-page": "a dblp person page or search results",
    "acm-page": "ACM Digital Library search results or a table of contents",
    "openreview-page": "an OpenReview venue page, search results, profile or paper page",
    "ieee-page": "IEEE Xplore search results or a table of contents",
    "s2-page": "Semantic Scholar search results or a paper page",
    "pubmed-page": "PubMed search results",
    "article-page": "a publisher's article page (Springer, Nature, BMC, PLOS, Frontiers, ScienceDirect): its own paper",
    "notes": "notes with links to papers, arXiv:ID mentions, DOIs, cited titles",
}
#: why a detected structured input that made no entry is refused
_EMPTY_REASONS = {"bbl": "a LaTeX bibliography with no \\bibitem or \\entry in it", "ris": "RIS with no record in it",
                  "csl-json": "CSL-JSON with no item in it", "enw": "EndNote/refer text with no record in it",
                  "nbib": "MEDLINE text with no record in it"}
#: the message of a refused input (``{reason}`` says what it looks like)
NOT_A_LIST = "this doesn't look like a list of papers ({reason}); use --from FORMAT to force a reader"

Reader = Callable[..., Document]

# an entry, @string, @preamble or @comment opening at the start of a line
_BIB_BLOCK = compile_on_first_use(__name__, r"^[ \t]*@[ \t]*([A-Za-z][\w-]*)[ \t]*[{(]", re.MULTILINE)
_BIB_ENTRY = re.compile(r"^[ \t]*@[ \t]*[A-Za-z][\w-]*[ \t]*[{(][ \t]*[^\s,{}()=\"#%'~]*[ \t]*,", re.MULTILINE)
_BIB_FIELD = compile_on_first_use(__name__, r"^[ \t]*[A-Za-z][\w:.+-]*[ \t]*=[ \t]*[{\"\w]", re.MULTILINE)
_BIB_SPECIAL = {"string", "preamble", "comment"}
_NOT_SPACE = re.compile(r"\S")


def _looks_like_bib(text: str) -> bool:
    """BibTeX if an entry head (``@type{key,``) or a ``@string``/``@preamble`` block starts a line,
    or an ``@type{`` head is followed by ``name = value`` fields."""
    if _BIB_ENTRY.search(text):
        return True
    blocks = [m.group(1).lower() for m in _BIB_BLOCK.finditer(text)]
    if any(b in ("string", "preamble") for b in blocks):
        return True
    return bool(blocks) and bool(_BIB_FIELD.search(text))


def detect(text: str, filename: str | None = None) -> str:
    """The format name of ``text`` (one of :data:`FORMATS`), decided by content.

    Order: JSON papers (``hf-json``), BibTeX (``bib``), identifier lists
    (``ids``: every non-blank line is identifiers), else a pasted ``listing``.
    The extension breaks ties only: an empty or unreadable ``.bib`` is
    ``bib`` and a ``.json`` file that does not parse is ``hf-json`` (so the
    JSON reader reports its syntax error instead of the listing reader
    swallowing it).
    """
    # each format's test is imported only when it is needed: a .bib is told apart without loading the others
    ext = os.path.splitext(filename or "")[1].lower()
    body = text.lstrip("\ufeff")
    # the first character that is not white space ("" for a blank text), found without copying the text
    m = _NOT_SPACE.search(body)
    first = body[m.start()] if m else ""
    if first in ("{", "["):
        from .csljson import looks_like_csl_json

        if looks_like_csl_json(body):  # (before HF's: a CSL item has an "id" and a "title" too)
            return "csl-json"
        from .hfjson import looks_like_hf_json

        if looks_like_hf_json(body):
            return "hf-json"
    if _looks_like_bib(body):
        return "bib"
    if ext == ".json" and first in ("{", "["):
        return "hf-json"
    if not first:
        return {".bib": "bib", ".json": "hf-json"}.get(ext, "listing")
    if "TY" in body:
        from .ris import looks_like_ris

        if looks_like_ris(body):
            return "ris"
    if "\\bib" in body or "\\entry{" in body or "thebibliography" in body or "\\harvarditem" in body:
        from .bbl import looks_like_bbl

        if looks_like_bbl(body):
            return "bbl"
    if "PMID-" in body or "%" in body:
        from .tagged import looks_like_medline, looks_like_refer

        if looks_like_medline(body):
            return "nbib"
        if looks_like_refer(body):
            return "enw"
    from .identifiers import looks_like_ids

    if looks_like_ids(body):
        return "ids"
    if ext == ".bib" and "@" in body:
        return "bib"  # a .bib whose entries are too broken to recognise: let the .bib reader report them
    from .sniff import is_comment_only_bib

    if ext == ".bib" and is_comment_only_bib(body):
        return "bib"  # "% TODO: add references here": a bibliography with no entries yet, read (and kept) as one
    return "listing"


def reader_for(fmt: str) -> Reader:
    """The ``read`` function of format ``fmt``; :class:`InputError` for unknown names."""
    if fmt == "bib":
        from .bibfile import read as read_bib  # imported lazily: the .bib reader pulls in bibtexparser

        return read_bib
    if fmt == "listing" or fmt in PAGE_FORMATS:
        from functools import partial

        from .pages import read as read_pasted

        return read_pasted if fmt == "listing" else partial(read_pasted, only=fmt)
    if fmt == "ids":
        from .identifiers import read as read_ids

        return read_ids
    if fmt == "hf-json":
        from .hfjson import read as read_hf

        return read_hf
    if fmt == "bbl":
        from .bbl import read as read_bbl

        return read_bbl
    if fmt == "ris":
        from .ris import read as read_ris

        return read_ris
    if fmt == "csl-json":
        from .csljson import read as read_csl

        return read_csl
    if fmt == "enw":
        from .tagged import read_refer

        return read_refer
    if fmt == "nbib":
        from .tagged import read_medline

        return read_medline
    raise InputError(f"unknown input format {fmt!r} (expected one of: {', '.join(ALL_FORMATS)})")


def read_text(text: str, origin: str = "<stdin>", fmt: str | None = None, *, strict: bool = False,
              macros: Mapping[str, str] | None = None) -> Document:
    """Read already-decoded text; ``fmt=None`` detects the format (``origin``'s extension is a hint).

    NUL characters are removed (and said so): no reader and no output wants them.  A
    detected input that is no list of papers is an :class:`InputError` (:data:`NOT_A_LIST`).
    ``macros``: the @string macros of the ``.bib`` inputs read before, for a ``.bib`` (see
    :func:`bibkit.sources.bibfile.read`).
    """
    if text.startswith("\ufeff"):
        text = text[1:]
    problems: list[Problem] = []
    if "\x00" in text:
        count = text.count("\x00")
        line = text.count("\n", 0, text.index("\x00")) + 1
        text = text.replace("\x00", "")
        problems.append(Problem("nul-bytes", f"{count} NUL character(s) removed (the first on line {line})",
                                "warning", SourceLocation(origin, line)))
    chosen = fmt or detect(text, origin)
    if fmt is None and chosen == "listing":
        from .sniff import text_kind

        kind = text_kind(text)
        if kind:
            raise InputError(NOT_A_LIST.format(reason=kind), SourceLocation(origin))
    if chosen == "bib" and macros:
        from .bibfile import read as read_bib

        doc = read_bib(text, origin, strict=strict, macros=macros)
    else:
        doc = reader_for(chosen)(text, origin, strict=strict)
    if fmt is None and chosen == "listing" and text.strip() and not _papers_found(doc, origin):
        raise InputError(NOT_A_LIST.format(reason=_nothing_found(text, origin)), SourceLocation(origin))
    if fmt is None and chosen in _EMPTY_REASONS and not len(doc):
        raise InputError(NOT_A_LIST.format(reason=_EMPTY_REASONS[chosen]), SourceLocation(origin))
    if fmt is None and chosen == "hf-json" and not len(doc) and any(p.code == "hf-not-a-paper" for p in doc.problems):
        # a .json that parses but holds no paper object at all (a tool's config, a package.json): no list of
        # papers, refused like a TOML file; an empty list ("[]", no papers today) is still read as one
        raise InputError(NOT_A_LIST.format(reason="JSON data with no Hugging Face paper object in it"),
                         SourceLocation(origin))
    doc.problems[:0] = problems
    if chosen != "bib":
        _dates_from_arxiv_ids(doc)
    doc.metadata["format"] = chosen if chosen in PAGE_FORMATS else doc.metadata.get("format", chosen)
    doc.metadata.setdefault("source", origin)
    if fmt is None:
        doc.metadata.setdefault("format_detected", True)
    return doc


#: provenance source of a date read from an arXiv identifier's YYMM
ARXIV_ID_DATE = "arxiv-id"


def _dates_from_arxiv_ids(doc: Document) -> None:
    """A pasted paper with an arXiv identifier and no date gets the identifier's year and month, with
    provenance ``arxiv-id`` (so an offline key has the year the online one has); a date the paste gives
    is kept, and arXiv's record replaces this one when it is asked."""
    from ..links import arxiv_id_month
    from ..model import PartialDate, Provenance

    for entry in doc.entries:
        if entry.date is None and entry.ids.arxiv:
            found = arxiv_id_month(entry.ids.arxiv)
            if found:
                entry.date = PartialDate(*found)
                detail = f"the year and month of arXiv:{entry.ids.arxiv}"
                entry.provenance["date"] = Provenance(ARXIV_ID_DATE, 0.9, detail)


def _papers_found(doc: Document, origin: str) -> bool:
    """Whether reading pasted text found papers.  A ``.bib`` file's text needs more than bare title
    lines (an abstract, authors, an identifier, a reference, a list item): a bibliography that has
    no entries is not made of its comments."""
    if os.path.splitext(origin)[1].lower() != ".bib":
        return len(doc) > 0
    return any((e.abstract and len(e.abstract) >= 150) or e.authors or e.ids.arxiv or e.ids.doi or e.ids.others
               or (e.record.read_by is not None and e.record.read_by.reader is not PageReader.TITLES)
               for e in doc.entries)


def _nothing_found(text: str, origin: str) -> str:
    lines = sum(1 for ln in text.splitlines() if ln.strip())
    if os.path.splitext(origin)[1].lower() == ".bib":
        return "a .bib file with no entries"
    return (f"no paper title, reference, link or identifier in its {lines} line{'s' if lines != 1 else ''}"
            if lines else "it is empty")


def decode_bytes(data: bytes, origin: str) -> tuple[str, list[Problem]]:
    """Decode an input file: UTF-8 (BOM tolerated), UTF-16 with a BOM or without one (every
    other byte zero), else Windows-1252 with a problem saying so — a Latin-1 era ``.bib``
    must still be read, never crash the run."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), []
        except UnicodeDecodeError:
            pass
    from .sniff import utf16_without_bom

    utf16 = utf16_without_bom(data)
    if utf16:
        try:
            return data[: len(data) // 2 * 2].decode(utf16), []
        except UnicodeDecodeError:
            pass
    if data.startswith(b"\xef\xbb\xbf"):  # UTF-8's BOM: not part of the text, whatever the rest turns out to be
        data = data[3:]
    try:
        return data.decode("utf-8"), []
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        text = data.decode("cp1252", errors="replace")
        problem = Problem(
            "not-utf8",
            f"input is not valid UTF-8 (byte 0x{data[exc.start]:02x} on line {line}); read as Windows-1252 — "
            "check accented characters, and save the file as UTF-8",
            "warning",
            SourceLocation(origin, line),
        )
        return text, [problem]


def _read_pdf(path: str, *, strict: bool) -> Document:
    """A paper's PDF: its reference list (:mod:`.pdf`), read as a pasted one; its lines are numbered as in
    ``pdftotext FILE -``'s output."""
    from .pdf import pdf_text, reference_section

    text = pdf_text(path)
    found = reference_section(text)
    if found is None:
        reason = ("a PDF document with no text pdftotext can read (a scan?)" if not text.strip() else
                  "a PDF document with no References or Bibliography heading in its text to read the list after")
        raise InputError(f"{reason}; copy its reference list as text instead", SourceLocation(path))
    section, before = found
    # (what follows the heading is a reference list: read by its reader, whatever the lines look like — a
    # two-column paper's short wrapped lines would be taken for titles and notes)
    doc = read_text("\n" * before + section, path, "references", strict=strict)
    doc.metadata["pdf_references_line"] = before + 1
    return doc


def read_path(path: str, fmt: str | None = None, *, strict: bool = False,
              macros: Mapping[str, str] | None = None) -> Document:
    """Read a file (``-`` is standard input) into a :class:`Document`.

    Missing, unreadable or directory paths are :class:`InputError` naming the path.  ``macros``: as for
    :func:`read_text`.
    """
    if path == "-":
        origin = "<stdin>"
        data = sys.stdin.buffer.read() if hasattr(sys.stdin, "buffer") else sys.stdin.read().encode("utf-8")
    else:
        origin = path
        try:
            with open(path, "rb") as fh:
                data = fh.read()
        except FileNotFoundError:
            raise InputError("no such file", SourceLocation(path)) from None
        except IsADirectoryError:
            raise InputError("is a directory, not an input file", SourceLocation(path)) from None
        except PermissionError:
            raise InputError("permission denied", SourceLocation(path)) from None
        except OSError as exc:
            raise InputError(f"cannot read it: {exc.strerror or exc}", SourceLocation(path)) from None
    if fmt is None and path != "-" and data.startswith(b"%PDF-"):
        return _read_pdf(path, strict=strict)
    if fmt is None:
        from .sniff import binary_kind

        kind = binary_kind(data)
        if kind:
            raise InputError(NOT_A_LIST.format(reason=kind), SourceLocation(origin))
    text, problems = decode_bytes(data, origin)
    del data  # the file's bytes are not needed once decoded: a big file is not kept twice while it is read
    if problems and strict:
        raise InputError(problems[0].message, problems[0].location)
    doc = read_text(text, origin, fmt, strict=strict, macros=macros)
    doc.problems[:0] = problems
    return doc
