"""Faster forms of user regexes that provably give the same answer (used by :mod:`.engine`).

Python's regex engine finds a match fast when the pattern *starts with
literal text* it can scan for in C.  Two common habits defeat that — a leading
``\\b`` and ``re.IGNORECASE`` (every rule regex is case-insensitive) — and a
regex that fails on most abstracts is then tried at every one of their ~1,500
positions.  This module parses a pattern (``re._parser``, the parser of the
standard library's own compiler) and derives, only where it can prove
equivalence:

* :func:`word_start_literals` — words one of which must *begin a word* in
  every match (``\\bbenchmark`` → "benchmark"): the engine turns them into
  prefix atoms its dictionary scan fires for free, and skips the regex when
  none fired;
* :func:`required_literals` — strings every match must contain, checked with
  a C substring search first;
* :func:`case_folded` — a case-sensitive twin to run on lower-cased ASCII text;
* :func:`strip_leading_boundary` / :func:`boundary_searcher` — the pattern
  without its leading ``\\b``, whose condition is checked by hand.

Anything unexpected in a pattern means "no shortcut", never a different
answer; the tests compare the engine with the naive evaluator on generated
rules and texts.
"""

from __future__ import annotations

import re
from typing import Any, Callable

__all__ = ["boundary_searcher", "case_folded", "guard_literals", "literal_start", "required_literals",
           "strip_leading_boundary", "word_start_literals"]


def word_start_literals(regex: re.Pattern[str], minimum: int = 3) -> tuple[str, ...]:
    """Lower-case letter-and-digit strings of which one begins a word in every match of ``regex``.

    From ``\\bbenchmark`` or ``\\b(?:dataset|corpus)`` anywhere in the top-level
    sequence: after ``\\b``, a word character starts a word, so the text then
    has a word (in :mod:`.tokens`' sense) starting with that string — which the
    engine learns from its dictionary scan for free.  Only used on ASCII text,
    where lower-casing agrees with the regex engine's case folding.  The
    longest such requirement (fewest alternatives on ties) is returned; an
    empty tuple when there is none.
    """
    try:
        from re import _constants as c  # type: ignore[attr-defined]
        from re import _parser as sre_parse  # type: ignore[attr-defined]

        items = list(sre_parse.parse(regex.pattern, regex.flags))
    except Exception:  # noqa: BLE001
        return ()
    options: list[tuple[str, ...]] = []
    for i in range(len(items) - 1):
        if items[i] != (c.AT, c.AT_BOUNDARY):
            continue
        found = _word_start(items[i + 1:], c, minimum)
        if found:
            options.append(found)
    if not options:
        return ()
    return max(options, key=lambda alts: (min(map(len, alts)), -len(alts)))


def _word_start(items: list[Any], c: Any, minimum: int) -> tuple[str, ...]:
    """Alternatives of plain letters/digits every match of ``items`` starts with (``()``: unknown)."""
    if not items:
        return ()
    op, av = items[0]
    if op is c.LITERAL:
        run = []
        for o, a in items:
            ch = chr(a) if o is c.LITERAL else ""
            if not (ch and ch.isascii() and ch.isalnum()):
                break
            run.append(ch.lower())
        word = "".join(run)
        return (word,) if len(word) >= minimum else ()
    if op is c.SUBPATTERN and av[-1] is not None and not av[1] and not av[2]:
        return _word_start(list(av[-1]), c, minimum)
    if op is c.BRANCH:
        out: list[str] = []
        for branch in av[1]:
            alts = _word_start(list(branch), c, minimum)
            if not alts:
                return ()
            out.extend(alts)
        return tuple(sorted(set(out)))
    return ()


def literal_start(regex: re.Pattern[str]) -> bool:
    """Whether ``regex`` (after any leading ``\\b`` is stripped) begins with a plain character."""
    try:
        from re import _constants as c  # type: ignore[attr-defined]
        from re import _parser as sre_parse  # type: ignore[attr-defined]

        pattern = strip_leading_boundary(regex) or regex
        tree = list(sre_parse.parse(pattern.pattern, pattern.flags))
        return bool(tree) and tree[0][0] is c.LITERAL
    except Exception:  # noqa: BLE001
        return False


def guard_literals(regex: re.Pattern[str], budget: int = 3, minimum: int = 4) -> list[tuple[str, ...]]:
    """The required strings worth checking before running ``regex``: the longest first, at most
    ``budget`` substring searches in all (each costs about as much as a fast regex scan)."""
    ranked = sorted(required_literals(regex, minimum=minimum), key=lambda alts: (-min(map(len, alts)), len(alts)))
    chosen: list[tuple[str, ...]] = []
    for alts in ranked:
        if len(alts) > budget:
            break
        chosen.append(alts)
        budget -= len(alts)
    return chosen


def case_folded(regex: re.Pattern[str]) -> re.Pattern[str] | None:
    """A case-sensitive regex that matches lower-cased ASCII text exactly where the case-insensitive
    ``regex`` matches the original text; ``None`` when that cannot be guaranteed.

    Guaranteed when every character the pattern names (literals, class
    members and ranges) is ASCII and not an upper-case letter, and no part of
    it switches flags: then ``re.IGNORECASE`` only ever relates a letter to
    its other case, which lower-casing the text does as well.  (Non-ASCII
    letters are excluded because Unicode case-insensitive matching relates
    e.g. ``ı`` to ``I``.)
    """
    if not regex.flags & re.IGNORECASE:
        return None
    try:
        from re import _constants as c  # type: ignore[attr-defined]
        from re import _parser as sre_parse  # type: ignore[attr-defined]

        tree = sre_parse.parse(regex.pattern, regex.flags)
        if not _foldable(list(tree), c):
            return None
        return re.compile(regex.pattern, regex.flags & ~re.IGNORECASE)
    except Exception:  # noqa: BLE001 - any surprise: no shortcut
        return None


def _plain_char(code: int) -> bool:
    ch = chr(code)
    return ch.isascii() and not ch.isupper()


def _foldable(items: list[Any], c: Any) -> bool:
    for op, av in items:
        if op in (c.LITERAL, c.NOT_LITERAL):
            if not _plain_char(av):
                return False
        elif op is c.IN:
            for kind, value in av:
                if kind in (c.LITERAL, c.NOT_LITERAL):
                    if not _plain_char(value):
                        return False
                elif kind is c.RANGE:
                    lo, hi = value
                    if hi > 127 or any(chr(x).isupper() for x in range(lo, hi + 1)):
                        return False
                elif kind not in (c.NEGATE, c.CATEGORY):
                    return False
        elif op is c.SUBPATTERN:
            _group, add_flags, del_flags, inner = av
            if add_flags or del_flags or not _foldable(list(inner), c):
                return False
        elif op is c.BRANCH:
            if not all(_foldable(list(branch), c) for branch in av[1]):
                return False
        elif op in (c.MAX_REPEAT, c.MIN_REPEAT, c.POSSESSIVE_REPEAT):
            if not _foldable(list(av[2]), c):
                return False
        elif op in (c.ASSERT, c.ASSERT_NOT):
            if not _foldable(list(av[1]), c):
                return False
        elif op is c.ATOMIC_GROUP:
            if not _foldable(list(av), c):
                return False
        elif op in (c.AT, c.ANY, c.CATEGORY, c.GROUPREF):
            continue
        else:
            return False  # conditionals and anything unexpected
    return True


def strip_leading_boundary(regex: re.Pattern[str]) -> re.Pattern[str] | None:
    """``regex`` without a leading ``\\b``, when that is safe; ``None`` otherwise.

    A pattern that starts with ``\\b`` gives Python's regex engine nothing to
    scan for, so it tries every position of the text (~40x slower than a
    pattern starting with a letter).  When what follows the ``\\b`` can only
    begin with a word character, ``\\bX`` matches exactly where ``X`` matches
    and the character before is not a word character — which
    :func:`boundary_searcher` checks itself.
    """
    if not regex.pattern.startswith("\\b") or regex.flags & re.ASCII:
        return None  # (with re.ASCII, \\b would use ASCII word characters, unlike the check below)
    try:
        from re import _constants as c  # type: ignore[attr-defined]
        from re import _parser as sre_parse  # type: ignore[attr-defined]

        tree = list(sre_parse.parse(regex.pattern, regex.flags))
        if len(tree) < 2 or tree[0] != (c.AT, c.AT_BOUNDARY) or not _starts_with_word_char(tree[1:], c):
            return None
        return re.compile(regex.pattern[2:], regex.flags)
    except Exception:  # noqa: BLE001 - any surprise: keep the regex as written
        return None


def _is_word_char(ch: str) -> bool:
    return ch.isalnum() or ch == "_"


def _starts_with_word_char(items: list[Any], c: Any) -> bool:
    """Whether every match of the parsed sequence ``items`` begins with a word character."""
    if not items:
        return False
    op, av = items[0]
    if op is c.LITERAL:
        return _is_word_char(chr(av))
    if op is c.IN:
        if not av or av[0][0] is c.NEGATE:
            return False
        for kind, value in av:
            if kind is c.LITERAL:
                if not _is_word_char(chr(value)):
                    return False
            elif kind is c.RANGE:
                lo, hi = value
                if hi - lo > 512 or not all(_is_word_char(chr(x)) for x in range(lo, hi + 1)):
                    return False
            elif kind is c.CATEGORY:
                if value not in (c.CATEGORY_WORD, c.CATEGORY_DIGIT):
                    return False
            else:
                return False
        return True
    if op is c.BRANCH:
        return all(_starts_with_word_char(list(branch), c) for branch in av[1])
    if op is c.SUBPATTERN and av[-1] is not None:
        return _starts_with_word_char(list(av[-1]), c)
    if op in (c.MAX_REPEAT, c.MIN_REPEAT) and av[0] >= 1:
        return _starts_with_word_char(list(av[2]), c)
    return False


def boundary_searcher(stripped: re.Pattern[str]) -> Callable[[str], bool]:
    """``search`` for ``\\b`` + ``stripped``: find ``stripped``, accept it where no word character precedes."""
    search = stripped.search

    def found(text: str) -> bool:
        pos = 0
        while True:
            m = search(text, pos)
            if m is None:
                return False
            start = m.start()
            if start == 0 or not _is_word_char(text[start - 1]):
                return True
            pos = start + 1

    return found


def required_literals(regex: re.Pattern[str], minimum: int = 3) -> list[tuple[str, ...]]:
    """Texts a match of ``regex`` must contain: a list of alternatives, lower-cased, each of which is
    necessary (at least one string of each tuple occurs in every match).

    A cheap pre-check for user regexes: ``"benchmark" in text.lower()`` is a C
    substring search, while a regex that starts with ``\\b`` is tried at every
    position of a 1.5 KB abstract.  Runs of plain characters in the top-level
    sequence count, as do plain groups, repeats of at least one, and
    alternations whose every branch has such a run.  Anything else just gives
    no requirement (no shortcut, never a wrong answer).  Strings shorter than
    ``minimum`` are not worth a check.  The check is made only on ASCII text,
    where ``str.lower`` agrees with the regex engine's case folding.
    """
    try:
        from re import _constants as c  # type: ignore[attr-defined]
        from re import _parser as sre_parse  # type: ignore[attr-defined]

        tree = sre_parse.parse(regex.pattern, regex.flags)
        found = _requirements(tree, c)
    except Exception:  # noqa: BLE001 - any surprise means: no shortcut
        return []
    out: list[tuple[str, ...]] = []
    for alternatives in found:
        if alternatives and all(len(a) >= minimum and a.isascii() for a in alternatives):
            option = tuple(sorted({a.lower() for a in alternatives}))
            if option not in out:
                out.append(option)
    out.sort(key=lambda alts: -min(len(a) for a in alts))
    return out


def _requirements(items: object, c: object) -> list[tuple[str, ...]]:
    """Necessary literal alternatives of a parsed sequence (see :func:`required_literals`)."""
    reqs: list[tuple[str, ...]] = []
    run: list[str] = []

    def flush() -> None:
        if run:
            reqs.append(("".join(run),))
            run.clear()

    for op, av in items:  # type: ignore[attr-defined]
        if op is c.LITERAL:  # type: ignore[attr-defined]
            run.append(chr(av))
        elif op is c.AT:  # type: ignore[attr-defined]
            continue  # zero-width: does not break a run
        elif op is c.SUBPATTERN and av[-1] is not None:  # type: ignore[attr-defined]
            inner = list(av[-1])
            if inner and all(o is c.LITERAL for o, _ in inner):  # type: ignore[attr-defined]
                run.extend(chr(a) for _, a in inner)
            else:
                flush()
                reqs.extend(_requirements(inner, c))
        elif op in (c.MAX_REPEAT, c.MIN_REPEAT) and av[0] >= 1:  # type: ignore[attr-defined]
            flush()
            reqs.extend(_requirements(av[2], c))
        elif op is c.BRANCH:  # type: ignore[attr-defined]
            flush()
            options: list[str] = []
            for branch in av[1]:
                inner = _requirements(branch, c)
                single = [alts[0] for alts in inner if len(alts) == 1]
                if not single:
                    options = []
                    break
                options.append(max(single, key=len))
            if options:
                reqs.append(tuple(options))
        else:
            flush()
    flush()
    return reqs


