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
4. **User regexes, helped** (:mod:`.regexes`).  A word a regex needs at the
   start of a word (``\\bbenchmark``) becomes an atom of the dictionary scan,
   and the regex runs only where it fired; on ASCII text a case-insensitive
   regex with nothing upper-case runs case-sensitively on the lower-cased
   text, and a leading ``\\b`` is checked by hand (both defeat Python's C-level
   scan for a literal prefix).  Each shortcut is taken only where it provably
   gives the same answer.

The semantics are exactly the naive evaluator's; the tests compare the two
on the example listing and on generated entries and rules (hypothesis).
"""

from __future__ import annotations

import re
from typing import Any, Callable, Sequence

from ..model import Entry
from .auto import has_code
from .regexes import (
    boundary_searcher,
    case_folded,
    guard_literals,
    literal_start,
    strip_leading_boundary,
    word_start_literals,
)
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
            ordered = sorted((self._expr(child) for child in cond.children), key=lambda ec: ec[1])
            joiner = " and " if isinstance(cond, All) else " or "
            return "(" + joiner.join(e for e, _ in ordered) + ")", sum(c for _, c in ordered)
        if isinstance(cond, Not):
            inner, cost = self._expr(cond.child)
            return f"(not {inner})", cost
        raise TypeError(f"unknown condition {cond!r}")

    def _search_expr(self, rx: re.Pattern[str], text: str) -> str:
        """Source for "``rx`` is found in the variable ``text``" (without a leading ``\\b`` when safe)."""
        stripped = strip_leading_boundary(rx)
        if stripped is not None:
            return f"{self._bind('B', boundary_searcher(stripped))}({text})"
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
                    needs = [] if folded is not None and literal_start(folded) else \
                        guard_literals(rx, minimum=3 if field == "title" else 4)
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
