"""Applying many rules to many entries fast.

The naive way (:mod:`bibkit.tagging.naive`) runs every word pattern of every
rule as its own regex over every abstract: with 50 rules of ~8 patterns that is
~400 regex scans of ~1.5 KB per entry.  This engine instead reads each title
and abstract **once**:

1. **Tokenise once.**  The text is split into lower-cased words (one
   ``str.translate`` + ``split`` for ASCII text, see :mod:`.tokens`).
2. **One dictionary for all rules.**  Every word of every pattern of every
   rule is in one set; intersecting it with the entry's words (a C-level set
   operation) yields the few words that matter.  Each such word points at
   the *atoms* (one atom = one ``title``/``abstract``/``text`` condition)
   it can satisfy.  A phrase is indexed under its longest word and confirmed
   with its regex only when all its words are present — so the regex runs on
   a handful of entries, not all of them.  Prefix patterns (``agent*``) are
   resolved once per distinct word of the run and remembered.
3. **Only then the boolean trees, and only the ones that can match.**  For
   each rule the compiler works out a *trigger set*: atoms of which at least
   one must hold for the rule to hold (for ``all``: any child's; for ``any``:
   the union, if every branch has one).  A rule with a trigger set is
   evaluated only for entries where one of its atoms fired; the rest (pure
   category/year/``not`` rules) are evaluated always.  Inside a tree, cheap
   conditions (year, category, has-code, atom look-ups) run before authors
   and regexes, and ``all``/``any`` short-circuit.

The semantics are exactly the naive evaluator's; the tests compare the two
on the example listing and on generated entries.
"""

from __future__ import annotations

import re
from typing import Callable, Iterable, Sequence

from ..model import Entry
from .auto import has_code
from .rules import All, AnyOf, Author, Category, Condition, HasCode, Not, Regex, Rule, Tagged, Words, Year
from .tokens import WORD, find_phrase

_TITLE, _ABSTRACT = 1, 2
_MASK = {"title": _TITLE, "abstract": _ABSTRACT}


def _ascii_table() -> dict[int, str]:
    return {code: (chr(code).lower() if chr(code).isalnum() else " ") for code in range(128)}


_ASCII = str.maketrans(_ascii_table())


class _Ctx:
    """One entry under evaluation: the atoms that fired, and lazily computed facts."""

    __slots__ = ("entry", "hits", "_tags", "_code", "_lower")

    def __init__(self, entry: Entry, hits: set[int], tags: frozenset[str] | None):
        self.entry = entry
        self.hits = hits
        self._tags = tags
        self._code: bool | None = None
        self._lower: dict[str, str] | None = None

    def text(self, field: str) -> str:
        return (self.entry.title if field == "title" else self.entry.abstract) or ""

    def lowered(self, field: str) -> str:
        if self._lower is None:
            self._lower = {}
        value = self._lower.get(field)
        if value is None:
            value = self._lower[field] = self.text(field).lower()
        return value

    def tags(self) -> frozenset[str]:
        if self._tags is None:
            self._tags = frozenset(t.casefold() for t in self.entry.tags)
        return self._tags

    def code(self) -> bool:
        if self._code is None:
            self._code = has_code(self.entry)
        return self._code


Check = Callable[[_Ctx], bool]


def required_literal(regex: re.Pattern[str], minimum: int = 3) -> str | None:
    """The longest run of plain characters every match of ``regex`` must contain, lower-cased.

    A cheap pre-check for user regexes: ``"benchmark" in text.lower()`` costs
    a C substring search, while a regex starting with ``\\b`` is tried at every
    position of a 1.5 KB abstract.  Only the top-level sequence (and plain
    groups in it) is examined; alternations, repeats and anything unusual give
    no literal, which just means no shortcut.  The check is used only on ASCII
    text, where lower-casing agrees with the regex engine's case folding.
    """
    try:
        from re import _parser as sre_parse  # type: ignore[attr-defined]
        from re import _constants as c  # type: ignore[attr-defined]

        tree = sre_parse.parse(regex.pattern, regex.flags)
    except Exception:  # noqa: BLE001 - any surprise means: no shortcut
        return None
    runs: list[str] = []
    current: list[str] = []

    def walk(items: object) -> None:
        for op, av in items:  # type: ignore[attr-defined]
            if op is c.LITERAL:
                current.append(chr(av))
            elif op is c.SUBPATTERN and av[-1] is not None:
                walk(av[-1])  # (group, add_flags, del_flags, pattern): a plain group is part of the sequence
            elif op is c.AT:
                continue  # zero-width: does not break a run of characters
            else:
                runs.append("".join(current))
                current.clear()

    try:
        walk(tree)
    except Exception:  # noqa: BLE001
        return None
    runs.append("".join(current))
    best = max(runs, key=len)
    if len(best) < minimum or not best.isascii():
        return None
    return best.lower()
_IndexItem = tuple[int, int, tuple[str, ...], "re.Pattern[str] | None"]


class Engine:
    """Rules compiled for fast matching; :meth:`match` gives the indexes of the rules an entry meets."""

    def __init__(self, rules: Sequence[Rule]):
        self.rules = list(rules)
        self._index: dict[str, list[_IndexItem]] = {}
        self._vocab: set[str] = set()
        self._prefixes: list[tuple[str, int, int]] = []  # (prefix, atom, mask)
        self._seen: set[str] = set()
        self._atom_count = 0
        self._atom_rules: list[list[int]] = []
        self._checks: list[Check] = []
        self._always: list[int] = []
        self._atoms_by_cond: dict[int, int] = {}  # id(Words node) -> atom
        for i, rule in enumerate(self.rules):
            check, _cost = self._compile(rule.condition)
            self._checks.append(check)
            trig = self._triggers(rule.condition)
            if trig is None:
                self._always.append(i)
            else:
                for atom in trig:
                    self._atom_rules[atom].append(i)

    # -- compilation ----------------------------------------------------------------------

    def _new_atom(self) -> int:
        atom = self._atom_count
        self._atom_count += 1
        self._atom_rules.append([])
        return atom

    def _register_words(self, cond: Words) -> int:
        atom = self._new_atom()
        mask = 0
        for f in cond.fields:
            mask |= _MASK[f]
        for term in cond.terms:
            tokens = term.tokens
            if len(tokens) == 1 and term.prefix:
                self._prefixes.append((tokens[0], atom, mask))
                continue
            if len(tokens) == 1:
                self._index.setdefault(tokens[0], []).append((atom, mask, (), None))
                self._vocab.add(tokens[0])
                continue
            exact = tokens[:-1] if term.prefix else tokens
            key = max(exact, key=len)
            others = tuple(sorted({t for t in exact if t != key}))
            self._index.setdefault(key, []).append((atom, mask, others, term.regex))
            self._vocab.update(exact)
        return atom

    def _compile(self, cond: Condition) -> tuple[Check, int]:
        """A closure evaluating ``cond`` on a context, and its rough cost (for ordering)."""
        if isinstance(cond, Words):
            atom = self._register_words(cond)
            self._atoms_by_cond[id(cond)] = atom
            return (lambda c: atom in c.hits), 2
        if isinstance(cond, Regex):
            fields = cond.fields
            patterns = [(rx, required_literal(rx)) for rx in cond.patterns]

            def regex_check(c: _Ctx) -> bool:
                for f in fields:
                    text = c.text(f)
                    if not text:
                        continue
                    for rx, literal in patterns:
                        if literal is not None and text.isascii() and literal not in c.lowered(f):
                            continue  # the regex needs this text and it is not there: no need to run it
                        if rx.search(text):
                            return True
                return False

            return regex_check, 20
        if isinstance(cond, Author):
            regexes = [t.regex for t in cond.terms]

            def author_check(c: _Ctx) -> bool:
                for p in c.entry.authors:
                    name = p.display().lower()
                    for rx in regexes:
                        if find_phrase(rx, name):
                            return True
                return False

            return author_check, 8
        if isinstance(cond, Category):
            matches = cond.matches
            if cond.primary_only:
                return (lambda c: bool(c.entry.primary_class) and matches(c.entry.primary_class)), 1

            def category_check(c: _Ctx) -> bool:
                e = c.entry
                if e.primary_class and matches(e.primary_class):
                    return True
                return any(matches(cat) for cat in e.categories if cat)

            return category_check, 1
        if isinstance(cond, HasCode):
            want = cond.value
            return (lambda c: c.code() == want), 1
        if isinstance(cond, Year):
            ymatch = cond.matches
            return (lambda c: ymatch(c.entry.year)), 1
        if isinstance(cond, Tagged):
            tags = cond.tags
            return (lambda c: not tags.isdisjoint(c.tags())), 1
        if isinstance(cond, (All, AnyOf)):
            compiled = sorted((self._compile(child) for child in cond.children), key=lambda fc: fc[1])
            checks = tuple(f for f, _ in compiled)
            cost = sum(c for _, c in compiled)
            if isinstance(cond, All):
                return (lambda c: all(f(c) for f in checks)), cost
            return (lambda c: any(f(c) for f in checks)), cost
        if isinstance(cond, Not):
            inner, cost = self._compile(cond.child)
            return (lambda c: not inner(c)), cost
        raise TypeError(f"unknown condition {cond!r}")

    def _triggers(self, cond: Condition) -> frozenset[int] | None:
        """Atoms of which at least one must fire for ``cond`` to hold (``None``: no such set)."""
        if isinstance(cond, Words):
            return frozenset((self._atoms_by_cond[id(cond)],))
        if isinstance(cond, All):
            options = [t for t in (self._triggers(c) for c in cond.children) if t is not None]
            return min(options, key=len) if options else None
        if isinstance(cond, AnyOf):
            union: set[int] = set()
            for child in cond.children:
                t = self._triggers(child)
                if t is None:
                    return None
                union |= t
            return frozenset(union)
        return None

    # -- matching -------------------------------------------------------------------------

    def _learn(self, tokens: set[str]) -> None:
        """Resolve prefix patterns for words not seen before in this run."""
        for tok in tokens:
            for prefix, atom, mask in self._prefixes:
                if tok.startswith(prefix):
                    self._index.setdefault(tok, []).append((atom, mask, (), None))
                    self._vocab.add(tok)
        self._seen |= tokens

    def _scan(self, text: str, mask: int, hits: set[int]) -> None:
        lowered: str | None
        if text.isascii():
            toks = text.translate(_ASCII).split()
            lowered = None
        else:
            lowered = text.lower()
            toks = WORD.findall(lowered)
        if self._prefixes:
            tokset = set(toks)
            new = tokset - self._seen
            if new:
                self._learn(new)
            present = tokset & self._vocab
        else:
            present = self._vocab.intersection(toks)
        index = self._index
        for tok in present:
            items = index.get(tok)
            if items is None:
                continue
            for atom, amask, others, rx in items:
                if not amask & mask or atom in hits:
                    continue
                if rx is None:
                    hits.add(atom)
                    continue
                if others and not all(o in present for o in others):
                    continue
                if lowered is None:
                    lowered = text.lower()
                if find_phrase(rx, lowered):
                    hits.add(atom)

    def match(self, entry: Entry, tags_before: frozenset[str] | None = None) -> list[int]:
        """Indexes (into ``rules``) of the rules ``entry`` meets, in rule order.

        ``tags_before`` are the entry's tags before this run, case-folded (for
        ``tagged`` conditions); by default its current tags.
        """
        hits: set[int] = set()
        if entry.title:
            self._scan(entry.title, _TITLE, hits)
        if entry.abstract:
            self._scan(entry.abstract, _ABSTRACT, hits)
        if hits:
            candidates = set(self._always)
            rules_of = self._atom_rules
            for atom in hits:
                candidates.update(rules_of[atom])
            order: Iterable[int] = sorted(candidates)
        else:
            order = self._always
        ctx = _Ctx(entry, hits, tags_before)
        checks = self._checks
        return [i for i in order if checks[i](ctx)]

    def stats(self) -> dict[str, int]:
        """Sizes of the compiled index (for benchmarks and ``-v`` output)."""
        return {
            "rules": len(self.rules),
            "atoms": self._atom_count,
            "indexed_words": len(self._index),
            "vocabulary": len(self._vocab),
            "prefix_patterns": len(self._prefixes),
            "always_evaluated_rules": len(self._always),
        }

