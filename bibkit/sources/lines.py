"""Lines of pasted text: split whatever the line ends, and their structural form.

Shared by every reader of pasted text (:mod:`.listing`, :mod:`.identifiers`, :mod:`.pages`):
decisions about structure are made on :func:`structural` (invisible characters removed,
every kind of space one blank), output keeps the text as pasted.
"""

from __future__ import annotations

import re

__all__ = ["split_lines", "structural"]

_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_ZERO_WIDTH = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad\u180e]")


def split_lines(text: str) -> list[str]:
    """Lines of ``text`` for CRLF, LF and lone-CR line ends alike (a BOM at the start is dropped)."""
    if text.startswith("\ufeff"):
        text = text[1:]
    return _LINE_BREAK.split(text) if "\r" in text else text.split("\n")  # (LF only: no pattern needed)


def _trim(line: str) -> str:
    """A line as output text: white space and invisible characters removed at both ends only."""
    return _EDGE_INVISIBLE.sub("", line)


_EDGE_INVISIBLE = re.compile(r"^[\s\u200b\u200c\u200d\u2060\ufeff]+|[\s\u200b\u200c\u200d\u2060\ufeff]+$")


def structural(line: str) -> str:
    """The form of a line used to recognise structure (never for output): invisible
    characters removed, every kind of space (NBSP, tab, thin space) one blank, trimmed.

    (``str.split`` splits at every Unicode space: NBSP, the thin and wide spaces, ideographic
    space — what ``\\s`` matches — with no pattern tried at every character.)"""
    if not line.isascii():
        line = _ZERO_WIDTH.sub("", line)
    return " ".join(line.split())


