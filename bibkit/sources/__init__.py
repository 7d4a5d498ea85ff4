"""Readers: every kind of input bibkit accepts, turned into one :class:`~bibkit.model.Document`.

Four formats, one entry point.  ``--from`` names them; without it
:func:`detect` decides from the content, using the file extension only as a
hint (a ``.txt`` holding BibTeX is BibTeX; a ``.bib`` holding a pasted page
is still a listing):

``bib``      existing ``.bib`` files (:mod:`bibkit.sources.bibfile`)
``listing``  pasted paper listings, e.g. the Hugging Face papers page (:mod:`.listing`)
``ids``      lists of arXiv ids/URLs, DOIs, HF paper URLs (:mod:`.identifiers`)
``hf-json``  Hugging Face papers API JSON (:mod:`.hfjson`)

Each reader module offers ``read(text, origin, *, strict=False) -> Document``;
:func:`read_text` and :func:`read_path` add detection and decoding.  Reading
never raises for one bad record (problems are data); it raises
:class:`~bibkit.errors.InputError` for an input that cannot be read at all,
and, with ``strict``, for the first malformed record.
"""

from __future__ import annotations

import os
import re
import sys
from typing import Callable

from ..errors import InputError
from ..model import Document, Problem, SourceLocation

__all__ = ["FORMATS", "detect", "read_text", "read_path", "decode_bytes", "reader_for"]

#: the names ``--from`` accepts, in the order ``detect`` considers them
FORMATS: tuple[str, ...] = ("bib", "listing", "ids", "hf-json")

Reader = Callable[..., Document]

# an entry, @string, @preamble or @comment opening at the start of a line
_BIB_BLOCK = re.compile(r"^[ \t]*@[ \t]*([A-Za-z][\w-]*)[ \t]*[{(]", re.MULTILINE)
_BIB_ENTRY = re.compile(r"^[ \t]*@[ \t]*[A-Za-z][\w-]*[ \t]*[{(][ \t]*[^\s,{}()=\"#%'~]*[ \t]*,", re.MULTILINE)
_BIB_FIELD = re.compile(r"^[ \t]*[A-Za-z][\w:.+-]*[ \t]*=[ \t]*[{\"\w]", re.MULTILINE)
_BIB_SPECIAL = {"string", "preamble", "comment"}


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
    stripped = body.strip()
    if stripped[:1] in ("{", "["):
        from .hfjson import looks_like_hf_json

        if looks_like_hf_json(body):
            return "hf-json"
    if _looks_like_bib(body):
        return "bib"
    if ext == ".json" and stripped[:1] in ("{", "["):
        return "hf-json"
    if not stripped:
        return {".bib": "bib", ".json": "hf-json"}.get(ext, "listing")
    from .identifiers import looks_like_ids

    if looks_like_ids(body):
        return "ids"
    if ext == ".bib" and "@" in body:
        return "bib"  # a .bib whose entries are too broken to recognise: let the .bib reader report them
    return "listing"


def reader_for(fmt: str) -> Reader:
    """The ``read`` function of format ``fmt``; :class:`InputError` for unknown names."""
    if fmt == "bib":
        from .bibfile import read as read_bib  # imported lazily: the .bib reader pulls in bibtexparser

        return read_bib
    if fmt == "listing":
        from .listing import read as read_listing

        return read_listing
    if fmt == "ids":
        from .identifiers import read as read_ids

        return read_ids
    if fmt == "hf-json":
        from .hfjson import read as read_hf

        return read_hf
    raise InputError(f"unknown input format {fmt!r} (expected one of: {', '.join(FORMATS)})")


def read_text(text: str, origin: str = "<stdin>", fmt: str | None = None, *, strict: bool = False) -> Document:
    """Read already-decoded text; ``fmt=None`` detects the format (``origin``'s extension is a hint)."""
    if text.startswith("\ufeff"):
        text = text[1:]
    chosen = fmt or detect(text, origin)
    doc = reader_for(chosen)(text, origin, strict=strict)
    doc.metadata.setdefault("format", chosen)
    doc.metadata.setdefault("source", origin)
    if fmt is None:
        doc.metadata.setdefault("format_detected", True)
    return doc


def decode_bytes(data: bytes, origin: str) -> tuple[str, list[Problem]]:
    """Decode an input file: UTF-8 (BOM tolerated), UTF-16 with a BOM, else Windows-1252 with a
    problem saying so — a Latin-1 era ``.bib`` must still be read, never crash the run."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), []
        except UnicodeDecodeError:
            pass
    try:
        return data.decode("utf-8-sig"), []
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


def read_path(path: str, fmt: str | None = None, *, strict: bool = False) -> Document:
    """Read a file (``-`` is standard input) into a :class:`Document`.

    Missing, unreadable or directory paths are :class:`InputError` naming the path.
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
    text, problems = decode_bytes(data, origin)
    del data  # the file's bytes are not needed once decoded: a big file is not kept twice while it is read
    if problems and strict:
        raise InputError(problems[0].message, problems[0].location)
    doc = read_text(text, origin, fmt, strict=strict)
    doc.problems[:0] = problems
    return doc
