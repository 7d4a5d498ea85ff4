"""Split ``.bib`` text into blocks by BibTeX's own grammar, fast, recovering block by block.

Why our own scanner: bibtexparser's splitter visits every character from Python and
differs from BibTeX on legal input (a ``"`` inside braces inside a quoted value, braces
after a backslash, ``@`` and the entry type on different lines, keys such as
``strange(key)=(odd?:*!<>/``).  A tool that claims to keep every field must read a file
the way the program that uses it does.  The rules below are BibTeX's, as
``bibtex.web`` implements them (``get_bib_command_or_entry_and_process``,
``scan_a_field_token_and_eat_white``, ``scan_balanced_braces``, ``scan_identifier``):

* Outside blocks everything is ignored up to the next ``@``.  After the ``@``, white
  space (newlines included) may come before the entry type; the type is an *identifier*:
  any characters but white space and ``" # % ' ( ) , = { }``, not starting with a digit.
  White space may follow it, then ``{`` or ``(``; the matching ``}`` or ``)`` ends the block.
* The key runs to the first ``,`` or white space (or ``}`` for ``{``-delimited entries):
  ``@article{ strange(key)=(has_odd-characters?:*!<>/ ,`` has a legal key.
* A field is ``name = value``; the name is an identifier (case-insensitive); a trailing
  comma before the closing delimiter is allowed.
* A value is ``part # part # …``; a part is a ``{…}`` group, a ``"…"`` string, a number
  (digits) or a macro name (an identifier).  Braces are counted literally — a backslash
  escapes nothing (``{\\\\{}`` is one group); inside ``"…"`` a ``"`` counts only at brace
  depth 0 (``"{Ein Handbuch f{\\"u}r …}"`` is legal) and braces must balance.
* ``@string{name = value}`` defines one macro, ``@preamble{value}`` adds to the preamble.

Where biber (btparse) differs, the choice made here, and why:

* ``@comment``: BibTeX reads only the word and ignores what follows like any text
  between entries (an ``@`` inside the comment starts an entry for BibTeX); btparse
  reads a balanced ``{…}``/``(…)`` body and hides all of it.  Here a delimited body is
  one comment block (biber's rule, and what people mean), a bare ``@comment`` is the
  word alone (BibTeX's rule).  Either way the writer copies the block unchanged, so
  BibTeX and biber see exactly what they saw before.
* ``%``: BibTeX has no comments; btparse ignores ``%`` to the end of the line outside
  strings.  Between entries a ``%`` at the start of a line or after white space starts a
  comment here (so ``% @misc{old, …}`` is a commented-out entry, as biber reads it);
  the line is kept unchanged.  Inside an entry a ``%`` is an error, as for BibTeX.
* An ``@`` between entries that is not followed by an entry type and ``{``/``(`` (an
  e-mail address in a note) is an error for both programs; here it stays part of the
  text between entries, reported.
* A line that starts like a block (``@type{`` or ``@type(`` at the start of a line) always
  starts a new block.  BibTeX would read it as part of a value when a brace opened earlier is
  closed only later (btparse warns of a "runaway string" there); in practice that is a missing
  closing brace, and reading it this way keeps the next entry instead of hiding it in a value.
  (None of TeX Live's bibliographies has such a line inside a value.)  A ``@comment{…}`` body
  that would span such a line is BibTeX's bare ``@comment``, so the entry inside is read.

**Recovery, block by block.**  When an entry, ``@string`` or ``@preamble`` breaks the
grammar, the scanner does not give up on the file: the block from its ``@`` to the next
line that starts like a block is returned as a ``broken`` block (with the reason and
where), and scanning resumes there — or earlier, as BibTeX itself resumes, at the first
``@`` after the error that starts a complete entry before that line.  The reader sends only that block to the slow,
lenient path (bibtexparser v2 plus repairs) and keeps its text byte for byte when that
cannot read it either.  Since no block reaches past such a line, how a block splits does not
depend on what follows it: a file with a broken block is still a fixpoint of read → write.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Iterator

from ..bibsyntax import (
    DIGITS,
    IDENTIFIER,
    SPACE,
    SyntaxBreak,
    group_end,
    parse_expression,
    quoted_end,
)
from ..lazyre import compile_on_first_use

__all__ = ["ScanBlock", "iter_blocks", "scan", "is_identifier", "key_is_legal", "split_value"]

_WS = " \t\n\r\f\v"
_SPACE = SPACE
_ID = IDENTIFIER
_DIGITS = DIGITS
_KEY_BRACE = re.compile(r"[^,}\x00-\x20]*+")  # control characters are white space to us, as to TeX
_KEY_PAREN = compile_on_first_use(__name__, r"[^,\x00-\x20]*+")
_PAREN = compile_on_first_use(__name__, r"[()]")
# between blocks: the next "@", skipping "%" comments that start a line or follow white space
_TOP = re.compile(r"@|(?:^|(?<=[ \t]))%[^\n]*+", re.MULTILINE)
# a line that starts like a block ("@type{" or "@type("): always a block boundary (see the module
# docstring); scanning resumes at the next one after a broken block
_BOUNDARY = re.compile(r"\n[ \t]*+@[ \t]*+[^\x00-\x20\"#%'(),={}\x7f]++[ \t]*+[{(]")
# ", name =" (with the white space BibTeX allows), the name an identifier not starting with a digit
_FIELD_HEAD = re.compile(r",[ \t\n\r\f\v]*+([^\x00-\x20\"#%'(),={}\x7f0-9][^\x00-\x20\"#%'(),={}\x7f]*+)"
                         r"[ \t\n\r\f\v]*+()=[ \t\n\r\f\v]*+")

#: the grammar's exception, shared with the value parsers of :mod:`bibkit.bibsyntax`
_Broken = SyntaxBreak


def _skip(text: str, p: int, e: int) -> int:
    """Index after the white space at ``p`` (``e`` at the latest)."""
    m = _SPACE.match(text, p, e)
    return m.end() if m is not None else p


@dataclass(slots=True)
class ScanBlock:
    """One block, in the shape the reader consumes (from this scanner or the lenient path).

    ``kind`` is ``text`` (between blocks; ``text`` the text, stripped), ``comment``
    (``text`` the body), ``preamble`` (``text`` the value expression), ``string``
    (``key`` the name, ``text`` the value expression), ``entry`` (``text`` the type as
    written, ``key`` the key) or ``broken`` (``text`` the block exactly as written, ``key``
    why BibTeX cannot read it).  ``raw`` is the block as written (comments, preambles,
    strings, broken blocks), for writing it back byte for byte.
    """

    kind: str
    line: int  # 0-based line of the block start
    text: str = ""
    key: str = ""
    #: (name as written, raw value expression, 0-based line of its "=", parts or None when not yet parsed)
    fields: list[tuple[str, str, int, list[tuple[str, str]] | None]] = field(default_factory=list)
    note: str = ""  # how a malformed entry was repaired to be read at all (reported as a problem)
    raw: str = ""
    #: problems found in a block that is nevertheless legal (code, message, 0-based line)
    warnings: list[tuple[str, str, int]] = field(default_factory=list)


class _Lines:
    """0-based line numbers of positions visited (counting newlines incrementally)."""

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


def is_identifier(name: str) -> bool:
    """Whether ``name`` is a BibTeX identifier (an entry type, field or macro name BibTeX accepts)."""
    m = _ID.fullmatch(name)
    return m is not None and not name[0].isdigit()


def key_is_legal(key: str, delimiter: str = "{") -> bool:
    """Whether BibTeX reads ``key`` whole in an entry opened with ``delimiter``."""
    m = (_KEY_BRACE if delimiter == "{" else _KEY_PAREN).fullmatch(key)
    return m is not None and bool(key)


def _found(text: str, p: int, e: int) -> str:
    """What is at ``p`` for an error message (``e``: where the block must end at the latest)."""
    if p < e:
        return repr(text[p])
    return "the end of the file" if e >= len(text) else "a line that starts the next entry"


_group_end = group_end
_quoted_end = quoted_end


def _value(text: str, p: int, close: str, e: int) -> tuple[int, int, list[tuple[str, str]]]:
    """Parse a value expression at ``p``: (end of the expression, index after the white space
    following it, parts as ``("brace"|"quote"|"number"|"macro", text)``); nothing past ``e``."""
    parts: list[tuple[str, str]] = []
    while True:
        c = text[p] if p < e else ""
        if c == "{":
            end = _group_end(text, p, e)
            parts.append(("brace", text[p + 1:end - 1]))
        elif c == '"':
            end = _quoted_end(text, p, e)
            parts.append(("quote", text[p + 1:end - 1]))
        elif "0" <= c <= "9" and c:
            m = _DIGITS.match(text, p, e)
            assert m is not None
            end = m.end()
            parts.append(("number", m.group()))
        else:
            m = _ID.match(text, p, e)
            if m is None:
                raise _Broken(p, f"expected a value (a {{…}} group, a \"…\" string, a number or a macro name), "
                              f"found {_found(text, p, e)}")
            end = m.end()
            after = text[end] if end < e else ""
            if after and after not in _WS and after not in ("," , close, "#"):
                raise _Broken(end, f"unexpected {after!r} after the macro name {m.group()!r}")
            parts.append(("macro", m.group()))
        q = _skip(text, end, e)
        if q < e and text[q] == "#":
            p = _skip(text, q + 1, e)
            continue
        return end, q, parts


def split_value(raw: str) -> tuple[list[tuple[str, str]], str]:
    """Split a value expression into its parts and whatever text after them is not part of it (see
    :func:`bibkit.bibsyntax.parse_expression`, the one copy of the rule)."""
    return parse_expression(raw)


def _entry(text: str, s: int, p: int, etype: str, lines: _Lines, e: int) -> tuple[ScanBlock, int]:
    """An entry whose opening delimiter is at ``p``, ending before ``e`` at the latest."""
    close = "}" if text[p] == "{" else ")"
    start_line = lines.at(s)
    p = _skip(text, p + 1, e)
    km = (_KEY_BRACE if close == "}" else _KEY_PAREN).match(text, p, e)
    assert km is not None
    if "{" in km.group():
        # BibTeX reads the key up to the "}" that closes this brace and ends the entry there (its fields
        # then are text); biber rejects it.  It is a typo, not a key: the block is kept as written.
        raise _Broken(km.start(), f"the key {km.group()!r} holds a '{{' (BibTeX ends the entry at the next '}}', "
                      "biber rejects it)")
    block = ScanBlock("entry", start_line, etype, km.group())
    p = _skip(text, km.end(), e)
    fields = block.fields
    append = fields.append
    # the lines of the fields' "=" signs, counted here as lines.at() counts them (without a call per field)
    at, line = lines.pos, lines.line
    while True:
        m = _FIELD_HEAD.match(text, p, e)
        if m is None:
            c = text[p] if p < e else ""
            if c == close:
                return block, p + 1
            if c != ",":
                after = f"after field {fields[-1][0]!r}" if fields else "after the key"
                raise _Broken(p, f"expected ',' or {close!r} {after}, found {_found(text, p, e)}")
            p = _skip(text, p + 1, e)
            c = text[p] if p < e else ""
            if c == close:
                return block, p + 1
            nm = _ID.match(text, p, e)
            if nm is None or "0" <= c <= "9":
                raise _Broken(p, f"expected a field name, found {_found(text, p, e)}")
            q = _skip(text, nm.end(), e)
            hint = " (is the entry's closing brace missing before it?)" if nm.group()[0] == "@" else ""
            raise _Broken(q, f"expected '=' after field name {nm.group()!r}{hint}")
        name = m.group(1)
        v0 = m.end()
        # the usual value: one brace group, not followed by "#" (no call of _value; it would give the same)
        q = -1
        if v0 < e and text[v0] == "{":
            v1 = text.find("}", v0 + 1, e) + 1  # (a group without groups inside: its first "}" closes it)
            if v1 == 0 or text.find("{", v0 + 1, v1) >= 0:
                v1 = _group_end(text, v0, e)
            q = _skip(text, v1, e) if v1 < e and text[v1] in _WS else v1
            if q < e and text[q] == "#":
                q = -1
        if q >= 0:
            p = q
            parts = [("brace", text[v0 + 1:v1 - 1])]
        else:
            v1, p, parts = _value(text, v0, close, e)
        raw = text[v0:v1]
        eq = m.start(2)
        if eq >= at:
            line += text.count("\n", at, eq)
        else:
            line -= text.count("\n", eq, at)
        at = lines.pos = eq
        lines.line = line
        append((name, raw, line, parts))


def _comment_end(text: str, p: int, e: int) -> int:
    """Index after a comment's delimited body opened at ``p``, or -1 when it does not close before ``e``."""
    if text[p] == "{":
        try:
            return _group_end(text, p, e)
        except _Broken:
            return -1
    depth = 0
    for m in _PAREN.finditer(text, p, e):
        depth += 1 if m.group() == "(" else -1
        if depth == 0:
            return m.end()
    return -1


def _command(text: str, s: int, lines: _Lines, e: int, bodies: bool = True) -> tuple[ScanBlock, int]:
    """The block whose ``@`` is at ``s``: (block, index after it); it must end before ``e``.
    ``bodies=False``: a ``@comment`` is the bare word (an earlier comment body did not close before
    ``e``, so none after it can be told from text without reading to ``e`` again)."""
    p = _skip(text, s + 1, e)
    m = _ID.match(text, p, e)
    if m is None or "0" <= text[p] <= "9":
        raise _Broken(p, "an '@' not followed by an entry type", head=True)
    etype = m.group()
    kind = etype.lower()
    p = _skip(text, m.end(), e)
    c = text[p] if p < e else ""
    if kind == "comment":
        bare = ScanBlock("comment", lines.at(s), "", raw=text[s:m.end()])
        if c in ("{", "(") and bodies:
            end = _comment_end(text, p, e)
            if end > 0:
                return ScanBlock("comment", lines.at(s), text[p + 1:end - 1], raw=text[s:end]), end
            bare.warnings.append(("unclosed-comment", f"the body of this @comment does not close before "
                                  f"{_found(text, e, e)}: BibTeX reads only the word @comment, biber reports an "
                                  "error; kept as written", lines.at(s)))
        # BibTeX's @comment: the word alone; what follows is text between entries
        return bare, m.end()
    if c not in ("{", "("):
        raise _Broken(p, f"'@{etype}' is not followed by '{{' or '(' (found {_found(text, p, e)})", head=True)
    if kind == "preamble" or kind == "string":
        close = "}" if c == "{" else ")"
        line0 = lines.at(s)
        q = _skip(text, p + 1, e)
        name = ""
        if kind == "string":
            nm = _ID.match(text, q, e)
            if nm is None or "0" <= text[q] <= "9":
                raise _Broken(q, "expected a macro name in @string")
            name = nm.group()
            q = _skip(text, nm.end(), e)
            if q >= e or text[q] != "=":
                raise _Broken(q, f"expected '=' after @string name {name!r}")
            q = _skip(text, q + 1, e)
        v1, r, _parts = _value(text, q, close, e)
        if r >= e or text[r] != close:
            raise _Broken(r, f"expected {close!r} to end @{etype}, found {_found(text, r, e)}")
        return ScanBlock(kind, line0, text[q:v1], name, raw=text[s:r + 1]), r + 1
    return _entry(text, s, p, etype, lines, e)


def _recover(text: str, s: int, error: int, stop: int, lines: _Lines) -> int:
    """Where the broken block starting at ``s`` ends: at the first ``@`` after the error that starts
    a complete entry, @string or @preamble before ``stop`` (BibTeX's own recovery: skip to the next
    ``@``, here kept within the segment), else at ``stop`` (the next line that starts like a block).
    Like BibTeX, a failed attempt resumes after the place its reading reached, so the attempts read
    disjoint stretches of the segment: linear."""
    q = max(error, s + 1)
    while True:
        a = text.find("@", q, stop)
        if a < 0:
            return stop
        try:
            block, _end = _command(text, a, lines, stop, bodies=False)
        except _Broken as exc:
            q = max(a + 1, exc.reached)
            continue
        if block.kind in ("entry", "string", "preamble"):
            return a
        q = max(a + 1, _end)


def _implicit(text: str, start: int, end: int, lines: _Lines, out: list[ScanBlock]) -> None:
    chunk = text[start:end]
    stripped = chunk.strip()
    if not stripped:
        return
    first = start + (len(chunk) - len(chunk.lstrip()))
    out.append(ScanBlock("text", lines.at(first), stripped))


def iter_blocks(text: str) -> Iterator[ScanBlock]:
    """The blocks of ``.bib`` text in order; never raises (a block BibTeX cannot read is a
    ``broken`` block, see the module docstring).  Linear in the text: no block is parsed past the
    next line that starts like a block."""
    lines = _Lines(text)
    pending: list[ScanBlock] = []
    n = len(text)
    # the lines that start like a block (their "\n" + 1): no block reaches past the next one
    bounds = [m.start() + 1 for m in _BOUNDARY.finditer(text)]
    nb = len(bounds)
    bi = 0
    pos = 0  # where the current text between blocks starts
    look = 0  # where to look for the next "@"
    stray: list[tuple[str, str, int]] = []
    dead = -1  # up to here comment bodies are not read (one did not close before this point)
    while True:
        m = _TOP.search(text, look)
        while m is not None and m.group() != "@":
            m = _TOP.search(text, m.end())
        if m is None:
            _implicit(text, pos, n, lines, pending)
            if pending and stray:
                pending[-1].warnings.extend(stray)
            yield from pending
            return
        s = m.start()
        while bi < nb and bounds[bi] <= s:
            bi += 1
        limit = bounds[bi] if bi < nb else n
        try:
            block, end = _command(text, s, lines, limit, bodies=s >= dead)
            if block.warnings and block.warnings[0][0] == "unclosed-comment":
                dead = limit
        except _Broken as exc:
            if exc.head:
                # not a block: the "@" is part of the text between blocks (BibTeX reports an error and,
                # like here, goes on looking for an "@" after the place it failed)
                stray.append(("stray-at", f"an '@' between entries that starts no entry ({exc.reason}): BibTeX "
                              "reports an error here and skips to the next '@'; the text is kept unchanged",
                              lines.at(s)))
                look = max(s + 1, min(exc.reached, limit))
                continue
            _implicit(text, pos, s, lines, pending)
            stop = _recover(text, s, exc.pos, limit, lines)
            raw = text[s:stop].rstrip()
            line0 = lines.at(s)
            err_line = text.count("\n", s, min(exc.pos, stop)) + line0
            pending.append(ScanBlock("broken", line0, raw, f"{exc.reason} (line {err_line + 1})", raw=raw))
            pos = look = stop
        else:
            _implicit(text, pos, s, lines, pending)
            pending.append(block)
            pos = look = end
        if stray:
            (pending[-2] if len(pending) > 1 and pending[-2].kind == "text" else pending[-1]).warnings.extend(stray)
            stray = []
        yield from pending
        pending.clear()


def scan(text: str) -> list[ScanBlock]:
    """All blocks of ``.bib`` text (see :func:`iter_blocks`)."""
    return list(iter_blocks(text))
