"""Building arXiv ``search_query`` strings that survive arXiv's query syntax.

A title pasted from a listing is full of characters the API's parser treats as
syntax: ``:`` starts a field prefix ("Platypus: A Generalized…"), ``( )``
group, ``"`` delimits phrases, ``+`` is a space once URL-decoded, ``-``/``!``
may negate, upper-case ``AND``/``OR`` are operators.  So queries are built from
*words*: lower-cased runs of letters and digits, keeping only the inner ``.``
and ``'`` a search engine's tokenizer also keeps ("qwen2.5", "wilson's"), so
the phrase is analysed exactly like the indexed title.  Everything else becomes
a word boundary, which is also what the engine does to the indexed text.  URL
encoding (``%22``, ``%2B``…) is left to the HTTP layer's form encoding.

Batching: several records' clauses are OR-ed into one query
(``ti:"…" OR ti:"…"``); results are assigned back to records by verification
(:mod:`bibkit.enrich.match`), never by position.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Iterable, Sequence

__all__ = [
    "query_words", "phrase", "any_of", "title_clause", "title_phrase", "title_words_clause", "title_words",
    "abstract_phrases", "abstract_clause", "STOPWORDS",
]

_WORD = re.compile(r"[^\W_]+(?:['’.][^\W_]+)*")
_SAFE = re.compile(r"[a-z0-9]+")
_SAFE_WORD = re.compile(r"[a-z0-9]+(?:['.][a-z0-9]+)*")

#: words that carry no identity in a title or abstract (skipped when choosing distinctive words)
STOPWORDS = frozenset(
    """
    a an the and or not of in on at to for from by with without via into onto over under as is are was were be
    been being this that these those it its we our us they their them which who whom whose what when where how
    than then there here can could may might will would should shall do does did done has have had having also
    such both each either neither any all some many much more most other another only same so very just but if
    while about across after before between through during within toward towards upon per vs versus
    """.split()
)

#: words so common in ML abstracts that a phrase built on them finds thousands of papers
_GENERIC = frozenset(
    """
    large language models model llms llm paper propose proposed proposes novel approach approaches method methods
    results result show shows demonstrate demonstrates performance task tasks data based using use used training
    framework frameworks work works study studies existing recent recently significant significantly state art
    new present presents introduce introduces however further experiments experimental extensive evaluation
    different various effective effectively efficient improve improves improved achieve achieves achieving
    """.split()
)

#: titles longer than this are cut to their first words (a prefix is still an exact phrase)
MAX_TITLE_WORDS = 24


def _prepare(text: str) -> str:
    """NFKC (ligatures, full-width colons), typographic apostrophes, and ``&`` spelt ``and``.

    ``&`` is not a word to a search engine but ``and`` is (a stop word that still
    holds a position), so ``ti:"x & y"`` would miss a title indexed as "X and Y"
    while ``ti:"x and y"`` finds "X & Y" and "X and Y" alike.
    """
    return unicodedata.normalize("NFKC", text).replace("’", "'").replace("&", " and ")


def query_words(text: str | None) -> list[str]:
    """The words of ``text`` as a search engine would index them, lower-cased, in order."""
    if not text:
        return []
    return [w.lower() for w in _WORD.findall(_prepare(text))]


def phrase(field: str, words: Sequence[str]) -> str:
    """``field:"w1 w2 …"`` (one word needs no quotes, but quoting is harmless and uniform)."""
    return f'{field}:"{" ".join(words)}"'


def any_of(clauses: Iterable[str]) -> str:
    """OR together clauses; compound clauses are parenthesised so precedence never matters."""
    parts = []
    for c in clauses:
        compound = " AND " in c or " OR " in c or " ANDNOT " in c
        parts.append(f"({c})" if compound and not (c.startswith("(") and c.endswith(")")) else c)
    return " OR ".join(parts)


#: a title phrase cut down to its plain-ASCII part keeps at least this many words
MIN_PHRASE_WORDS = 3


def title_clause(title: str | None) -> str | None:
    """``ti:"<title words>"`` — the whole title as one phrase (``None`` if it has no words).

    A word outside plain ASCII ("π0", "Kagomé", "Schrödinger") is how a rendered
    page shows what arXiv may store as TeX (``$\\pi_0$``, ``Kagom\\'e``), which
    an index splits differently; the phrase is then the longest run of plain
    words around it (results are verified anyway, so a shorter phrase only
    costs a few more results).
    """
    words = title_phrase(title)
    return phrase("ti", words) if words else None


def title_phrase(title: str | None) -> list[str]:
    """The words :func:`title_clause` quotes (empty when the title has none)."""
    words = query_words(title)[:MAX_TITLE_WORDS]
    if not words:
        return []
    if not all(_SAFE_WORD.fullmatch(w) for w in words):
        runs: list[list[str]] = [[]]
        for w in words:
            if _SAFE_WORD.fullmatch(w):
                runs[-1].append(w)
            elif runs[-1]:
                runs.append([])
        longest = max(runs, key=len)
        if len(longest) >= MIN_PHRASE_WORDS:
            words = longest
    return words


def title_words_clause(title: str | None, max_words: int = 6) -> str | None:
    """A looser title query: its most distinctive words, each required (``ti:a AND ti:b …``).

    For records with no abstract whose title phrase found nothing (a word
    added or dropped between versions).
    """
    words = title_words(title, max_words)
    if not words:
        return None
    return "(" + " AND ".join(f"ti:{w}" for w in words) + ")"


def title_words(title: str | None, max_words: int = 6) -> list[str]:
    """The words :func:`title_words_clause` requires, in title order (empty when fewer than two)."""
    words = [w for w in query_words(title) if w not in STOPWORDS and _SAFE.fullmatch(w)]
    if len(words) < 2:
        return []
    ranked = sorted(dict.fromkeys(words), key=lambda w: (w in _GENERIC, -len(w)))[:max_words]
    return [w for w in dict.fromkeys(words) if w in ranked]


def _weight(word: str, sentence_start: bool = False) -> float:
    low = word.lower()
    if low in STOPWORDS:
        return 0.0
    if low in _GENERIC:
        return 0.15
    w = min(len(low), 10) / 10
    if any(map(str.isdigit, low)) or any(map(str.isupper, word[1:])):  # "MotionVerse", "320k", "GPT4"
        w += 1.0
    elif word[:1].isupper() and not sentence_start:  # a name mid-sentence: "we propose Platypus, which…"
        w += 1.5  # rarer than any long lower-case word: the phrase around it finds one paper, not fifty
    return w


def abstract_phrases(abstract: str | None, n: int = 2, size: int = 6) -> list[list[str]]:
    """Up to ``n`` distinctive, non-overlapping phrases of ``size`` words from an abstract.

    Only plain words (letters and digits) go into the phrases, so they mean the
    same to any tokenizer; windows are ranked by how distinctive their words are
    (names, numbers, long rare words) and the best non-overlapping ones kept,
    so a revised abstract that lost one sentence is still found by another.
    """
    text = _prepare(abstract or "")
    matches = list(_WORD.finditer(text))
    cased = [m.group(0) for m in matches]
    if len(cased) < size + 4:
        return []
    # a capital after a full stop (or at the very start) says nothing; one mid-sentence marks a name
    starts = [i == 0 or text[matches[i - 1].end():m.start()].strip().endswith((".", "!", "?", ":"))
              for i, m in enumerate(matches)]
    lowered = [w.lower() for w in cased]
    # what each word is, worked out once (not once for each of the six windows holding it)
    safe = [_SAFE.fullmatch(w) is not None for w in lowered]
    stop = [w in STOPWORDS for w in lowered]
    weights = [_weight(w, starts[j]) for j, w in enumerate(cased)]
    scores: list[tuple[float, int]] = []
    for i in range(0, len(cased) - size + 1):
        if not all(safe[i:i + size]):
            continue
        if stop[i] or stop[i + size - 1]:
            continue
        if size - sum(stop[i:i + size]) < 3:  # fewer than three content words
            continue
        scores.append((sum(weights[i:i + size]), i))
    scores.sort(key=lambda s: (-s[0], s[1]))
    chosen: list[int] = []
    for _score, i in scores:
        if all(abs(i - j) >= size for j in chosen):
            chosen.append(i)
        if len(chosen) == n:
            break
    return [lowered[i:i + size] for i in sorted(chosen)]


def abstract_clause(abstract: str | None, n: int = 2, size: int = 6) -> str | None:
    """``abs:"…" OR abs:"…"`` from :func:`abstract_phrases` (``None`` for short abstracts)."""
    phrases = abstract_phrases(abstract, n=n, size=size)
    if not phrases:
        return None
    return " OR ".join(phrase("abs", p) for p in phrases)
