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
    "query_words", "phrase", "any_of", "title_clause", "title_words_clause",
    "abstract_phrases", "abstract_clause", "STOPWORDS",
]

_WORD = re.compile(r"[^\W_]+(?:['’.][^\W_]+)*")
_SAFE = re.compile(r"[a-z0-9]+")

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


def query_words(text: str | None) -> list[str]:
    """The words of ``text`` as a search engine would index them, lower-cased, in order."""
    if not text:
        return []
    text = unicodedata.normalize("NFKC", text).replace("’", "'")
    return [w.lower() for w in _WORD.findall(text)]


def _cased_words(text: str) -> list[str]:
    text = unicodedata.normalize("NFKC", text).replace("’", "'")
    return _WORD.findall(text)


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


def title_clause(title: str | None) -> str | None:
    """``ti:"<title words>"`` — the whole title as one phrase (``None`` if it has no words)."""
    words = query_words(title)[:MAX_TITLE_WORDS]
    return phrase("ti", words) if words else None


def title_words_clause(title: str | None, max_words: int = 6) -> str | None:
    """A looser title query: its most distinctive words, each required (``ti:a AND ti:b …``).

    For records with no abstract whose title phrase found nothing (a word
    added or dropped between versions).
    """
    words = [w for w in query_words(title) if w not in STOPWORDS and _SAFE.fullmatch(w)]
    if len(words) < 2:
        return None
    ranked = sorted(dict.fromkeys(words), key=lambda w: (w in _GENERIC, -len(w)))[:max_words]
    ordered = [w for w in dict.fromkeys(words) if w in ranked]
    return "(" + " AND ".join(f"ti:{w}" for w in ordered) + ")"


def _weight(word: str) -> float:
    low = word.lower()
    if low in STOPWORDS:
        return 0.0
    if low in _GENERIC:
        return 0.15
    w = min(len(low), 10) / 10
    if any(c.isdigit() for c in low) or any(c.isupper() for c in word[1:]):  # "MotionVerse", "320k", "GPT4"
        w += 1.0
    return w


def abstract_phrases(abstract: str | None, n: int = 2, size: int = 6) -> list[list[str]]:
    """Up to ``n`` distinctive, non-overlapping phrases of ``size`` words from an abstract.

    Only plain words (letters and digits) go into the phrases, so they mean the
    same to any tokenizer; windows are ranked by how distinctive their words are
    (names, numbers, long rare words) and the best non-overlapping ones kept,
    so a revised abstract that lost one sentence is still found by another.
    """
    cased = _cased_words(abstract or "")
    if len(cased) < size + 4:
        return []
    lowered = [w.lower() for w in cased]
    scores: list[tuple[float, int]] = []
    for i in range(0, len(cased) - size + 1):
        window = lowered[i:i + size]
        if not all(_SAFE.fullmatch(w) for w in window):
            continue
        if window[0] in STOPWORDS or window[-1] in STOPWORDS:
            continue
        content = [w for w in window if w not in STOPWORDS]
        if len(content) < 3:
            continue
        scores.append((sum(_weight(w) for w in cased[i:i + size]), i))
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
