"""One record's share of a batched arXiv search: its clause, what it is made of, and a narrower one.

The resolver OR-s many records' clauses into one ``search_query``
(:mod:`bibkit.enrich.query`) and asks for a page of results big enough for
all of them.  When one clause is generic ("a survey on large language
models", an abstract phrase every paper of a field uses) its results fill the
page and crowd the others out.  Splitting such a batch in halves until the
culprit stands alone costs a request per level; instead the page's results
are attributed to the clauses that found them (:func:`flooded`, a phrase test
like the search engine's), the crowded-out records are asked again together,
and the flooding record gets a narrower clause (:func:`narrower`): its other
phrases, all of its phrases at once, or its title together with an abstract
phrase or its first author.  The attribution only decides how to ask again;
every result is still verified against every record (:mod:`.match`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Generic, Iterable, Sequence, TypeVar

from .atom import ArxivRecord
from .query import abstract_phrases, phrase, query_words, title_phrase, title_words

__all__ = ["Ask", "RecordWords", "abstract_ask", "chunks", "flooded", "narrower", "title_ask"]

T = TypeVar("T")

#: a phrase of a clause: the arXiv field (``ti``, ``abs``, ``au``) and its words
Phrase = tuple[str, tuple[str, ...]]


@dataclass(frozen=True, eq=False)
class Ask(Generic[T]):
    """The clause one record (``owner``) adds to a batched query, and the phrases it consists of.

    ``every``: all phrases must match (``… AND …``), else any of them (``… OR …``);
    ``narrowed``: already a narrower form of the record's first clause (never narrowed twice).
    """

    owner: T
    clause: str
    phrases: tuple[Phrase, ...]
    every: bool = False
    narrowed: bool = False


def title_ask(owner: T, title: str | None) -> Ask[T] | None:
    """``ti:"<title>"`` (:func:`~bibkit.enrich.query.title_clause`)."""
    words = tuple(title_phrase(title))
    return Ask(owner, phrase("ti", words), (("ti", words),)) if words else None


def abstract_ask(owner: T, abstract: str | None, title: str | None) -> Ask[T] | None:
    """Three distinctive abstract phrases OR-ed, else the title's distinctive words AND-ed."""
    phrases = abstract_phrases(abstract, n=3)
    if phrases:
        return Ask(owner, " OR ".join(phrase("abs", p) for p in phrases), tuple(("abs", tuple(p)) for p in phrases))
    words = title_words(title)
    if not words:
        return None
    return Ask(owner, "(" + " AND ".join(f"ti:{w}" for w in words) + ")", tuple(("ti", (w,)) for w in words),
               every=True)


class RecordWords:
    """A result's title, abstract and author names as the phrase test reads them (computed once per result)."""

    __slots__ = ("fields",)

    def __init__(self, record: ArxivRecord):
        self.fields = {"ti": _padded(record.title), "abs": _padded(record.summary),
                       "au": _padded(" ".join(record.author_names))}

    def has(self, item: Phrase) -> bool:
        field, words = item
        return f" {' '.join(words)} " in self.fields.get(field, "")


def _padded(text: str | None) -> str:
    return f" {' '.join(query_words(text))} "


def _answers(ask: Ask[T], words: RecordWords) -> bool:
    test = all if ask.every else any
    return test(words.has(p) for p in ask.phrases)


def flooded(asks: Sequence[Ask[T]], results: Sequence[RecordWords], per_result: int) -> list[bool]:
    """For each ask, whether at least ``per_result`` of the page's results answer it (its clause filled the page)."""
    return [sum(1 for r in results if _answers(a, r)) >= per_result for a in asks]


def narrower(ask: Ask[T], results: Sequence[RecordWords], per_result: int, *, abstract: str | None = None,
             author: str | None = None) -> Ask[T] | None:
    """A stricter clause for a record whose clause flooded a page; ``None`` when there is none.

    Its phrases that did not flood the page (OR-ed), else all of them at once
    (AND-ed); a title phrase is joined to an abstract phrase of the record or to
    its first author's family name.
    """
    if ask.narrowed or ask.every:
        return None
    if len(ask.phrases) > 1:
        calm = tuple(p for p in ask.phrases if sum(1 for r in results if r.has(p)) < per_result)
        if calm and len(calm) < len(ask.phrases):
            return _ask(ask.owner, calm, every=False)
        return _ask(ask.owner, ask.phrases, every=True)
    extra: Phrase | None = None
    found = abstract_phrases(abstract, n=1)
    if found:
        extra = ("abs", tuple(found[0]))
    elif author and (family := tuple(query_words(author))):
        extra = ("au", family)
    return _ask(ask.owner, ask.phrases + (extra,), every=True) if extra else None


def _ask(owner: T, phrases: tuple[Phrase, ...], *, every: bool) -> Ask[T]:
    parts = [phrase(field, words) for field, words in phrases]
    clause = "(" + " AND ".join(parts) + ")" if every and len(parts) > 1 else " OR ".join(parts)
    return Ask(owner, clause, phrases, every=every, narrowed=True)


def chunks(asks: Iterable[Ask[T]], per_query: int, max_chars: int) -> list[list[Ask[T]]]:
    """Group asks into queries of at most ``per_query`` clauses and ``max_chars`` characters."""
    out: list[list[Ask[T]]] = []
    current: list[Ask[T]] = []
    size = 0
    for ask in asks:
        length = len(ask.clause) + 4
        if current and (len(current) >= per_query or size + length > max_chars):
            out.append(current)
            current, size = [], 0
        current.append(ask)
        size += length
    if current:
        out.append(current)
    return out
