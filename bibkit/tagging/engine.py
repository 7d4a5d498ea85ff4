"""Applying many rules to many entries fast.

The naive way (:mod:`bibkit.tagging.naive`) walks each rule's tree for each
entry and runs every word pattern as its own regex over the title and
abstract: with 50 rules of ~8 patterns that is hundreds of regex scans of
~1.5 KB per entry.  This engine reads each title and abstract **once**:

1. **Tokenise once.**  The text is split into lower-cased words (one
   ``str.translate`` + ``split`` for ASCII text, see :mod:`.tokens`).
2. **One dictionary for all rules.**  Every single-word pattern of every rule
   is a key of one set per field; intersecting it with the entry's words (a
   C-level pass) yields the few words that matter, and each maps to the
   *atoms* it satisfies (an atom is one ``title``/``abstract``/``text``
   condition), merged into the hits in C.  A phrase is filed under its
   rarest-looking word and confirmed — only when all its words occur — by a
   substring search in the space-joined word list (``" mixture of experts "``),
   no regex.  Prefix patterns (``agent*``) are resolved once per distinct word
   of the run and remembered.
3. **Then the boolean trees, compiled to Python.**  All rules become one
   generated function of plain ``and``/``or``/``not`` expressions over the
   fired atoms (``(3 in hits)``), the year, categories, has-code and tags —
   no per-node function calls.  Inside each expression the cheap tests come
   first and regexes last, and ``and``/``or`` short-circuit, so a regex runs
   only when nothing cheaper decided.
4. **User regexes, helped.**  On ASCII text a case-insensitive regex with no
   upper-case letters runs case-sensitively on the lower-cased text (Python
   cannot scan for a literal prefix under ``re.IGNORECASE``: ~15x faster); a
   leading ``\\b`` is checked by hand (it, too, defeats the prefix scan); and
   strings every match must contain are looked for first.  Each shortcut is
   taken only where it provably gives the same answer.

The semantics are exactly the naive evaluator's; the tests compare the two
on the example listing and on generated entries and rules (hypothesis).
"""

from __future__ import annotations

import re
from typing import Any, Callable, Sequence

from ..model import Entry
from .auto import has_code
from .rules import All, AnyOf, Author, Category, Condition, HasCode, Not, Regex, Rule, Tagged, Words, Year
from .tokens import ASCII_BYTES, WORD, find_phrase

_TITLE, _ABSTRACT = 1, 2
_MASK = {"title": _TITLE, "abstract": _ABSTRACT}


def _folded_tags(entry: Entry) -> frozenset[str]:
    return frozenset(t.casefold() for t in entry.tags)


_Phrase = tuple[int, tuple[str, ...], str]  # (atom, its other words, needle in the space-joined word list)

#: Words too common in paper abstracts to be a good index key for a phrase (they would make the
#: engine confirm the phrase on nearly every entry).  This only affects speed, never results.
_COMMON = frozenset("""
    a an and are as at be by for from in into is it its of on or our over that the their this to via we with
    model models language languages large learning data training trained based neural network networks deep
    method methods task tasks using use new approach results performance state art llm llms ai system systems
    research paper study work framework
    """.split())


def _phrase_key(words: tuple[str, ...]) -> str:
    """The word a phrase is filed under: the longest that is not a very common word (the rarer the
    key, the fewer entries on which the phrase must be confirmed)."""
    rare = [w for w in words if w not in _COMMON]
    return max(rare or words, key=len)


class Engine:
    """Rules compiled for fast matching; :meth:`match` gives the indexes of the rules an entry meets.

    ``source`` is the generated Python of the boolean part, for the curious
    (and the tests): user text never appears in it, only names bound to
    compiled objects.
    """

    def __init__(self, rules: Sequence[Rule]):
        self.rules = list(rules)
        # per field: single words -> the atoms they satisfy; phrase keys -> phrases to confirm
        self._words: dict[int, dict[str, frozenset[int]]] = {_TITLE: {}, _ABSTRACT: {}}
        self._word_keys: dict[int, set[str]] = {_TITLE: set(), _ABSTRACT: set()}
        self._phrases: dict[int, dict[str, list[_Phrase]]] = {_TITLE: {}, _ABSTRACT: {}}
        self._phrase_keys: dict[int, set[str]] = {_TITLE: set(), _ABSTRACT: set()}
        self._keys: dict[int, set[str]] = {_TITLE: set(), _ABSTRACT: set()}  # both of the above
        self._prefixes: list[tuple[str, int, int]] = []  # (prefix, atom, mask)
        # phrases ending in a prefix whose other words are all common ("model soup*"): filed under
        # each word of the run that starts with the prefix, as it is seen
        self._prefix_phrases: list[tuple[str, int, int, tuple[str, ...], str]] = []
        self._seen: set[str] = set()
        self._any_prefix: re.Pattern[str] | None = None
        self._atom_count = 0
        self._regex_count = 0
        self._uses_categories = False
        self._names: dict[str, Any] = {}  # objects the generated code refers to, by name
        exprs = [self._expr(rule.condition)[0] for rule in self.rules]
        self._any_prefixes = bool(self._prefixes or self._prefix_phrases)
        # per field, the structures _scan reads (the sets and dicts are shared, so learning updates them)
        self._field = {f: (self._keys[f], self._word_keys[f], self._words[f], self._phrase_keys[f], self._phrases[f])
                       for f in (_TITLE, _ABSTRACT)}
        # code: has-code, computed at most once (None = not yet); tags: the entry's tags before the run
        lines = ["def _match(entry, hits, tags):", "    y = entry.year", "    code = None"]
        if self._uses_categories:
            # the entry's categories and their archives, lower-cased (all / primary only)
            lines.append(f"    cl, ca, pl, pa = {self._bind('S', _category_sets())}(entry)")
        if self._regex_count:
            lines += [
                '    ti = entry.title or ""',
                '    ab = entry.abstract or ""',
                # ASCII text gets the shortcuts; its lower-cased form is made on first use
                "    ati = ti.isascii()",
                "    aab = ab.isascii()",
                '    lti = lab = ""',
            ]
        lines.append("    out = []")
        for i, expr in enumerate(exprs):
            lines.append(f"    if {expr}:")
            lines.append(f"        out.append({i})")
        lines.append("    return out")
        self.source = "\n".join(lines) + "\n"
        namespace = dict(self._names)
        exec(compile(self.source, "<bibkit tagging rules>", "exec"), namespace)  # noqa: S102 - our own code
        self._match: Callable[[Entry, set[int], frozenset[str] | None], list[int]] = namespace["_match"]

    # -- compilation ----------------------------------------------------------------------

    def _bind(self, prefix: str, obj: Any) -> str:
        """A name under which the generated code can reach ``obj`` (never user text in the source)."""
        name = f"{prefix}{len(self._names)}"
        self._names[name] = obj
        return name

    def _add_word(self, mask: int, word: str, atom: int) -> None:
        for field in (_TITLE, _ABSTRACT):
            if mask & field:
                words = self._words[field]
                words[word] = words.get(word, frozenset()) | {atom}
                self._word_keys[field].add(word)
                self._keys[field].add(word)

    def _add_phrase(self, mask: int, words: tuple[str, ...], atom: int, needle: str, key: str | None = None) -> None:
        key = key or _phrase_key(words)
        others = tuple(sorted(set(words) - {key}))
        for field in (_TITLE, _ABSTRACT):
            if mask & field:
                self._phrases[field].setdefault(key, []).append((atom, others, needle))
                self._phrase_keys[field].add(key)
                self._keys[field].add(key)
                self._keys[field].update(others)  # so that "present" tells whether they occur

    def _register_words(self, cond: Words) -> int:
        atom = self._atom_count
        self._atom_count += 1
        mask = 0
        for f in cond.fields:
            mask |= _MASK[f]
        for term in cond.terms:
            tokens = term.tokens
            if len(tokens) == 1 and term.prefix:
                self._prefixes.append((tokens[0], atom, mask))
            elif len(tokens) == 1:
                self._add_word(mask, tokens[0], atom)
            else:
                # filed under its rarest-looking word; confirmed in the space-joined word list:
                # " mixture of experts " (or " tool learn" for the prefix phrase "tool learn*")
                exact = tokens[:-1] if term.prefix else tokens
                needle = " " + " ".join(tokens) + ("" if term.prefix else " ")
                if term.prefix and all(w in _COMMON for w in exact) and len(tokens[-1]) >= 3:
                    self._prefix_phrases.append((tokens[-1], atom, mask, tuple(sorted(set(exact))), needle))
                else:
                    self._add_phrase(mask, exact, atom, needle)
        return atom

    def _expr(self, cond: Condition) -> tuple[str, int]:
        """Python source for ``cond`` and its rough cost (children are ordered cheapest first)."""
        if isinstance(cond, Words):
            return f"({self._register_words(cond)} in hits)", 1
        if isinstance(cond, Year):
            parts = ["y is not None"]
            if cond.low is not None:
                parts.append(f"y >= {int(cond.low)}")
            if cond.high is not None:
                parts.append(f"y <= {int(cond.high)}")
            return "(" + " and ".join(parts) + ")", 1
        if isinstance(cond, HasCode):
            test = f"(code if code is not None else (code := {self._bind('H', has_code)}(entry)))"
            return (test if cond.value else f"(not {test})"), 2
        if isinstance(cond, Tagged):
            folded = f"(tags if tags is not None else (tags := {self._bind('F', _folded_tags)}(entry)))"
            return f"(not {self._bind('T', cond.tags)}.isdisjoint({folded}))", 2
        if isinstance(cond, Category):
            self._uses_categories = True
            cats, archives = ("pl", "pa") if cond.primary_only else ("cl", "ca")
            tests = []
            if cond.exact:
                tests.append(f"not {self._bind('E', cond.exact)}.isdisjoint({cats})")
            if cond.archives:
                tests.append(f"not {self._bind('A', cond.archives)}.isdisjoint({archives})")
            return "(" + " or ".join(tests) + ")", 1
        if isinstance(cond, Author):
            return f"{self._bind('A', _author_check(cond))}(entry)", 8
        if isinstance(cond, Regex):
            return self._regex_expr(cond), 20
        if isinstance(cond, (All, AnyOf)):
            parts = sorted((self._expr(child) for child in cond.children), key=lambda ec: ec[1])
            joiner = " and " if isinstance(cond, All) else " or "
            return "(" + joiner.join(e for e, _ in parts) + ")", sum(c for _, c in parts)
        if isinstance(cond, Not):
            inner, cost = self._expr(cond.child)
            return f"(not {inner})", cost
        raise TypeError(f"unknown condition {cond!r}")

    def _search_expr(self, rx: re.Pattern[str], text: str) -> str:
        """Source for "``rx`` is found in the variable ``text``" (without a leading ``\\b`` when safe)."""
        stripped = strip_leading_boundary(rx)
        if stripped is not None:
            return f"{self._bind('B', _boundary_searcher(stripped))}({text})"
        return f"({self._bind('R', rx)}.search({text}) is not None)"

    def _regex_expr(self, cond: Regex) -> str:
        """One test per field and pattern, joined by ``or``.

        For ASCII text (``ati``/``aab``; ``lti``/``lab`` hold the lower-cased
        title/abstract once made) shortcuts apply: strings every match must
        contain are looked for first (:func:`required_literals`), and a
        case-insensitive regex is run case-sensitively on the lower-cased
        text when that is equivalent (:func:`case_folded`) — Python's regex
        engine cannot scan for a literal prefix under ``re.IGNORECASE``, so this
        is often 10x faster.  Other text gets the regex as written.
        """
        self._regex_count += 1
        parts = []
        for field in cond.fields:
            text, low, is_ascii = ("ti", "lti", "ati") if field == "title" else ("ab", "lab", "aab")
            lowered = f"({low} or ({low} := {text}.lower()))"
            for rx in cond.patterns:
                slow = self._search_expr(rx, text)
                folded = case_folded(rx)
                search = self._search_expr(folded, lowered) if folded is not None else slow
                starts = word_start_literals(rx)
                if starts:
                    # every match begins a word with one of these: a word-prefix atom, free in the scan
                    atom = self._atom_count
                    self._atom_count += 1
                    for literal in starts:
                        self._prefixes.append((literal, atom, _MASK[field]))
                    guard = f"({atom} in hits)"
                else:
                    # a case-sensitive regex that begins with a letter already scans for it at C speed
                    # (in a 70-character title even a 3-letter string is worth checking first)
                    needs = [] if folded is not None and _literal_start(folded) else \
                        _guard(rx, minimum=3 if field == "title" else 4)
                    guard = " and ".join(
                        "(" + " or ".join(f"{self._bind('K', n)} in {lowered}" for n in alts) + ")" for alts in needs)
                ascii_test = f"{guard} and {search}" if guard else search
                if ascii_test == slow:
                    parts.append(slow)
                else:
                    parts.append(f"(({is_ascii} and {ascii_test}) or (not {is_ascii} and {slow}))")
        return "(" + " or ".join(parts) + ")"

    # -- matching -------------------------------------------------------------------------

    def _learn(self, tokens: list[str]) -> None:
        """Resolve prefix patterns for words not seen before in this run (each word once)."""
        seen = self._seen
        new = {t for t in tokens if t not in seen}  # usually one or two words: cheaper than set(tokens) - seen
        seen |= new
        if self._any_prefix is None:
            prefixes = [p for p, _, _ in self._prefixes] + [p for p, _, _, _, _ in self._prefix_phrases]
            self._any_prefix = re.compile("|".join(re.escape(p) for p in prefixes))
        starts = self._any_prefix.match
        for tok in new:
            if starts(tok):
                for prefix, atom, mask in self._prefixes:
                    if tok.startswith(prefix):
                        self._add_word(mask, tok, atom)
                for prefix, atom, mask, words, needle in self._prefix_phrases:
                    if tok.startswith(prefix):
                        self._add_phrase(mask, words + (tok,), atom, needle, key=tok)

    def _scan(self, text: str, field: int, hits: set[int]) -> None:
        """Add to ``hits`` the atoms that ``text`` (the title or the abstract) satisfies."""
        if text.isascii():
            toks = text.encode("ascii").translate(ASCII_BYTES).decode("ascii").split()
        else:
            toks = WORD.findall(text.lower())
        # (lists, not sets: building a set of ~250 words costs more than these two C-level passes,
        # and the first pass leaves every word's hash cached for the second)
        if self._any_prefixes and not self._seen.issuperset(toks):
            self._learn(toks)
        keys, word_keys, words, phrase_keys, phrases = self._field[field]
        present = keys.intersection(toks)
        if not present:
            return
        singles = present & word_keys
        if singles:
            hits.update(*map(words.__getitem__, singles))  # all in C
        found = present & phrase_keys
        if found:
            # consecutive words <=> a substring of the space-joined words (C speed, no regex)
            joined: str | None = None
            for key in found:
                for atom, others, needle in phrases[key]:
                    if atom in hits:
                        continue
                    for other in others:
                        if other not in present:
                            break
                    else:
                        if joined is None:
                            joined = " " + " ".join(toks) + " "
                        if needle in joined:
                            hits.add(atom)

    def match(self, entry: Entry, tags_before: frozenset[str] | None = None) -> list[int]:
        """Indexes (into ``rules``) of the rules ``entry`` meets, in rule order.

        ``tags_before`` are the entry's tags before this run, case-folded (for
        ``tagged`` conditions); by default its current tags.
        """
        hits: set[int] = set()
        scan = self._scan
        if entry.title:
            scan(entry.title, _TITLE, hits)
        if entry.abstract:
            scan(entry.abstract, _ABSTRACT, hits)
        return self._match(entry, hits, tags_before)

    def stats(self) -> dict[str, int]:
        """Sizes of the compiled rules (for benchmarks and ``-v`` output)."""
        return {
            "rules": len(self.rules),
            "atoms": self._atom_count,
            "indexed_words": len(self._keys[_TITLE] | self._keys[_ABSTRACT]),
            "phrases": sum(len(v) for v in self._phrases[_TITLE].values())
            + sum(len(v) for v in self._phrases[_ABSTRACT].values()),
            "prefix_patterns": len(self._prefixes) + len(self._prefix_phrases),
            "regex_conditions": self._regex_count,
        }


# --------------------------------------------------------------------------- leaf checks


def _category_sets() -> Callable[[Entry], tuple[frozenset[str], frozenset[str], frozenset[str], frozenset[str]]]:
    """A function giving an entry's categories and archives (all, then primary only), lower-cased.

    Remembered per distinct (primary, categories) pair: a run has few of them.
    """
    memo: dict[tuple[str | None, tuple[str, ...]], tuple[frozenset[str], ...]] = {}

    def sets(e: Entry) -> tuple[frozenset[str], ...]:
        key = (e.primary_class, tuple(e.categories))
        found = memo.get(key)
        if found is None:
            primary = [e.primary_class] if e.primary_class else []
            every = [c for c in primary + list(e.categories) if c]
            lower = [c.strip().lower() for c in every]
            plower = [c.strip().lower() for c in primary]
            found = memo[key] = (
                frozenset(lower), frozenset(c.split(".", 1)[0] for c in lower),
                frozenset(plower), frozenset(c.split(".", 1)[0] for c in plower),
            )
        return found

    return sets  # type: ignore[return-value]


def _author_check(cond: Author) -> Callable[[Entry], bool]:
    regexes = [t.regex for t in cond.terms]

    def check(e: Entry) -> bool:
        for p in e.authors:
            name = p.display().lower()
            for rx in regexes:
                if find_phrase(rx, name):
                    return True
        return False

    return check


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


def _literal_start(regex: re.Pattern[str]) -> bool:
    """Whether ``regex`` (after any leading ``\\b`` is stripped) begins with a plain character."""
    try:
        from re import _constants as c  # type: ignore[attr-defined]
        from re import _parser as sre_parse  # type: ignore[attr-defined]

        pattern = strip_leading_boundary(regex) or regex
        tree = list(sre_parse.parse(pattern.pattern, pattern.flags))
        return bool(tree) and tree[0][0] is c.LITERAL
    except Exception:  # noqa: BLE001
        return False


def _guard(regex: re.Pattern[str], budget: int = 3, minimum: int = 4) -> list[tuple[str, ...]]:
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
    :func:`_boundary_searcher` checks itself.
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


def _boundary_searcher(stripped: re.Pattern[str]) -> Callable[[str], bool]:
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


