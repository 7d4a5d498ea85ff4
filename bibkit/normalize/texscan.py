"""Scanning TeX text for the end of a brace group, a math span or a quoted BibTeX string.

Why one module: the LaTeX codec, case protection, the ``.bib`` value parser and BibTeX name
splitting all need "where does this group end", and they must agree on it — a backslash and
the character after it are one unit (``\\{`` is no brace, ``\\$`` closes no math), so that what
one stage calls a group another does not cut in two.
"""

from __future__ import annotations

__all__ = ["match_brace", "math_end", "delimited_math_end", "braces_balanced", "match_quote"]


def match_brace(text: str, i: int, *, escapes: bool = True) -> int:
    """Index of the ``}`` closing the ``{`` at ``i``; -1 when it is never closed.

    With ``escapes`` (the default) a backslash hides the next character; without, every brace
    counts, as when BibTeX delimits a special character in a name (``{\\"o}``).
    """
    depth = 0
    n = len(text)
    j = i
    while j < n:
        c = text[j]
        if c == "\\" and escapes:
            j += 2
            continue
        if c == "{":
            depth += 1
        elif c == "}":
            depth -= 1
            if depth == 0:
                return j
        j += 1
    return -1


def math_end(text: str, i: int) -> int:
    """Index of the ``$`` closing the math span opened at ``i`` (an escaped ``\\$`` does not close); -1 if none."""
    j = i + 1
    n = len(text)
    while j < n:
        c = text[j]
        if c == "\\":
            j += 2
            continue
        if c == "$":
            return j
        j += 1
    return -1


_MATH_CLOSERS = {"(": "\\)", "[": "\\]"}


def delimited_math_end(text: str, i: int) -> int:
    """Index after the ``\\)`` or ``\\]`` closing the ``\\(`` or ``\\[`` at ``i`` (LaTeX's own math
    delimiters, as much math as ``$…$``); -1 when there is none.  A backslash and the character after it
    are one unit, so ``\\\\)`` (a line break, then ``)``) closes nothing."""
    closer = _MATH_CLOSERS.get(text[i + 1:i + 2]) if text.startswith("\\", i) else None
    if closer is None:
        return -1
    j = i + 2
    n = len(text)
    while j < n:
        if text[j] == "\\":
            if text.startswith(closer, j):
                return j + 2
            j += 2
            continue
        j += 1
    return -1


def braces_balanced(text: str) -> bool:
    """Every ``{`` closed, never a ``}`` too many (escaped braces do not count)."""
    return _skip_groups(text, 0, "}") < 0


def match_quote(text: str, i: int) -> int:
    """Index of the ``"`` closing the BibTeX string opened at ``i`` (quotes inside braces do not count)."""
    return _skip_groups(text, i + 1, '"')


def _skip_groups(text: str, j: int, stop: str) -> int:
    """Index of the first ``stop`` character at brace depth 0 from ``j`` on, -1 if none; an
    unclosed ``{`` ends the search (-1 for a quote; for ``stop="}"`` the caller reads -1 as balanced,
    so an unclosed group returns the length of the text instead)."""
    n = len(text)
    while j < n:
        c = text[j]
        if c == "\\":
            j += 2
            continue
        if c == stop:
            return j
        if c == "{":
            close = match_brace(text, j)
            if close < 0:
                return n if stop == "}" else -1
            j = close + 1
            continue
        j += 1
    return -1
