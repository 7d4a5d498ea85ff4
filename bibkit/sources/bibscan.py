"""A fast splitter for well-formed ``.bib`` text, equivalent to bibtexparser v2's for such text.

Why: bibtexparser's :class:`~bibtexparser.splitter.Splitter` visits every brace,
quote, comma and newline of the file from Python, which makes it the slowest
step of reading a large bibliography.  Well-formed files (nearly all of them)
can be split with a handful of regular-expression calls per field, brace groups
being matched in C.  This module does exactly that and nothing else:

* it returns the same blocks bibtexparser would (implicit comments, ``@comment``,
  ``@preamble``, ``@string``, entries with their fields' raw value expressions,
  0-based line numbers of blocks and of each field's ``=``);
* the moment the text is anything but plainly well formed — unbalanced braces, a
  block start inside a block, a missing comma, a value it does not recognise,
  escaped backslashes before braces — it gives up and returns ``None``, and the
  reader hands the whole file to ``bibtexparser.parse_string``, whose error
  recovery and reporting then apply.  tests/test_bibscan.py checks the two
  splitters agree on every test file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Iterator

__all__ = ["ScanBlock", "ScanError", "iter_blocks", "scan"]

_BLOCK_START = re.compile(r"@(\w*)[ \t]*([{(])")
# a block start at the start of a line inside a block: bibtexparser aborts the block there
_LINE_BLOCK_START = re.compile(r"\n[ \t\f\v\r]*@\w*[ \t]*[{(]")
# one brace group, any depth up to 8; a backslash and the next character are one unit (\{ is no brace)
_G0 = r"\{(?:[^{}\\]++|\\.)*+\}"
_G = _G0
for _ in range(7):
    _G = r"\{(?:[^{}\\]++|\\.|" + _G + r")*+\}"
_GROUP = re.compile(_G, re.DOTALL)
_SPACE = re.compile(r"\s*+")
_KEY = re.compile(r"([^,{}\"=()]*+),")
_KEY_ONLY = re.compile(r"([^,{}\"=()]*+)([})])")
_FIELD_NAME = re.compile(r"\s*+([^\s=,{}\"#()]++)\s*+=")
_BARE = re.compile(r"[^\s,{}\"#()=]++")
_STRING_KEY = re.compile(r"([^,{}\"=()]*+)=")


@dataclass(slots=True)
class ScanBlock:
    """One block, in the shape the reader consumes from either splitter."""

    kind: str  # "text" | "comment" | "preamble" | "string" | "entry"
    line: int  # 0-based line of the block start
    text: str = ""  # comment text, preamble value, string value, entry type as written
    key: str = ""  # string name or entry key
    #: (name as written, raw value, 0-based line of its "=", parts or None when not yet parsed)
    fields: list[tuple[str, str, int, list[tuple[str, str]] | None]] = field(default_factory=list)
    note: str = ""  # how a malformed entry was repaired to be read at all (reported as a problem)


class _GiveUp(Exception):
    pass


class _Lines:
    """0-based line numbers of positions visited in increasing order (counting newlines incrementally)."""

    __slots__ = ("text", "pos", "line")

    def __init__(self, text: str):
        self.text, self.pos, self.line = text, 0, 0

    def at(self, pos: int) -> int:
        if pos >= self.pos:
            self.line += self.text.count("\n", self.pos, pos)
        else:
            self.line -= self.text.count("\n", pos, self.pos)
        self.pos = pos
        return self.line


def _implicit(text: str, start: int, end: int, lines: _Lines, out: list[ScanBlock]) -> None:
    chunk = text[start:end]
    stripped = chunk.strip()
    if not stripped:
        return
    first = start + (len(chunk) - len(chunk.lstrip()))
    out.append(ScanBlock("text", lines.at(first), chunk[first - start:].rstrip()))


def _quoted_end(text: str, i: int) -> int:
    """Index after the ``"…"`` string opened at ``i``, by bibtexparser's rules (``{"}`` is a quote
    character, a ``"`` after a backslash does not count, braces are not counted)."""
    j = i + 1
    n = len(text)
    while True:
        j = text.find('"', j)
        if j < 0:
            raise _GiveUp
        if text[j - 1] == "\\":
            j += 1
            continue
        if text[j - 1] == "{" and j + 1 < n and text[j + 1] == "}":
            j += 1
            continue
        return j + 1


def _value_end(text: str, p: int, close: str) -> tuple[int, list[tuple[str, str]]]:
    """End of a field value expression starting at ``p`` (after ``=`` and white space), and its
    parts in :func:`bibkit.sources.bibfile.parse_expression`'s shape."""
    parts: list[tuple[str, str]] = []
    n = len(text)
    while True:
        c = text[p] if p < n else ""
        if c == "{":
            m = _GROUP.match(text, p)
            if m is None:
                raise _GiveUp
            end = m.end()
            parts.append(("brace", text[p + 1:end - 1]))
            p = end
        elif c == '"':
            end = _quoted_end(text, p)
            parts.append(("quote", text[p + 1:end - 1]))
            p = end
        else:
            m = _BARE.match(text, p)
            if m is None:
                raise _GiveUp
            word = m.group(0)
            parts.append(("number" if word.isdigit() else "macro", word))
            p = m.end()
        q = _SPACE.match(text, p).end()
        if q < n and text[q] == "#":
            p = _SPACE.match(text, q + 1).end()
            continue
        if q >= n or text[q] not in ("," + close):
            raise _GiveUp
        return p, parts


def _entry(text: str, m: re.Match[str], lines: _Lines, close: str) -> tuple[ScanBlock, int]:
    start_line = lines.at(m.start())
    p = m.end()
    km = _KEY.match(text, p)
    if km is None:
        km2 = _KEY_ONLY.match(text, p)
        if km2 is None or km2.group(2) != close:
            raise _GiveUp
        return ScanBlock("entry", start_line, m.group(1), km2.group(1).strip()), km2.end()
    block = ScanBlock("entry", start_line, m.group(1), km.group(1).strip())
    p = km.end()
    n = len(text)
    while True:
        fm = _FIELD_NAME.match(text, p)
        if fm is None:
            q = _SPACE.match(text, p).end()
            if q < n and text[q] == close:
                return block, q + 1
            raise _GiveUp
        eq = fm.end() - 1
        v0 = _SPACE.match(text, fm.end()).end()
        v1, parts = _value_end(text, v0, close)
        block.fields.append((fm.group(1), text[v0:v1], lines.at(eq), parts))
        q = _SPACE.match(text, v1).end()
        if text[q] == ",":
            p = q + 1
            continue
        return block, q + 1  # the closing delimiter (checked by _value_end)


def _delimited(text: str, open_index: int, close: str, track_quotes: bool = True) -> int:
    """Index of the delimiter closing a @comment/@preamble/@string body opened at ``open_index``."""
    if close == ")" and not track_quotes and '"' in text[open_index:text.find(")", open_index) + 1]:
        raise _GiveUp  # bibtexparser does not track quotes in parenthesised comments: leave it to it
    if close == "}":
        m = _GROUP.match(text, open_index)
        if m is None:
            raise _GiveUp
        return m.end() - 1
    # parenthesised: the first ")" outside braces and quotes
    p = open_index + 1
    n = len(text)
    while p < n:
        c = text[p]
        if c == "{":
            m = _GROUP.match(text, p)
            if m is None:
                raise _GiveUp
            p = m.end()
        elif c == '"':
            p = _quoted_end(text, p)
        elif c == ")":
            return p
        else:
            p += 1
    raise _GiveUp


class ScanError(Exception):
    """The text is not plainly well formed: split it with bibtexparser instead."""


def iter_blocks(text: str) -> Iterator[ScanBlock]:
    """Blocks of well-formed ``.bib`` text, one at a time; raises :class:`ScanError` (possibly after
    some blocks were yielded) at the first thing that is not plainly well formed."""
    if "\\\\{" in text or "\\\\}" in text or "\r" in text:
        raise ScanError("escaped backslash before a brace, or a carriage return")
    lines = _Lines(text)
    pending: list[ScanBlock] = []
    pos = 0
    try:
        while True:
            m = _BLOCK_START.search(text, pos)
            if m is None:
                _implicit(text, pos, len(text), lines, pending)
                yield from pending
                return
            _implicit(text, pos, m.start(), lines, pending)
            if pending:
                yield from pending
                pending.clear()
            kind = m.group(1).lower()
            close = "}" if m.group(2) == "{" else ")"
            if kind.startswith("comment"):  # bibtexparser's test: "@comments{…}" is a comment too
                end = _delimited(text, m.end() - 1, close, track_quotes=False)
                body = text[m.end():end]
                if _LINE_BLOCK_START.search(body):
                    raise _GiveUp
                yield ScanBlock("comment", lines.at(m.start()), body.strip())
                pos = end + 1
            elif kind.startswith("preamble"):
                end = _delimited(text, m.end() - 1, close)
                body = text[m.end():end]
                if _LINE_BLOCK_START.search(body):
                    raise _GiveUp
                yield ScanBlock("preamble", lines.at(m.start()), body)
                pos = end + 1
            elif kind.startswith("string"):
                km = _STRING_KEY.match(text, m.end())
                if km is None:
                    raise _GiveUp
                end = _delimited(text, m.end() - 1, close)
                if end < km.end():
                    raise _GiveUp
                body = text[km.end():end]
                if _LINE_BLOCK_START.search(body):
                    raise _GiveUp
                yield ScanBlock("string", lines.at(m.start()), body.strip(), km.group(1).strip())
                pos = end + 1
            else:
                block, end = _entry(text, m, lines, close)
                if _LINE_BLOCK_START.search(text, m.end(), end):
                    raise _GiveUp
                yield block
                pos = end
    except (_GiveUp, IndexError) as exc:
        raise ScanError(f"not plainly well formed near offset {pos}") from exc


def scan(text: str) -> list[ScanBlock] | None:
    """All blocks of well-formed ``.bib`` text, or ``None`` when it is not plainly well formed."""
    try:
        return list(iter_blocks(text))
    except ScanError:
        return None
