"""The doubles' corpus scaled to thousands of listing papers — SYNTHETIC, for benchmarks at scale.

``scaled_corpus(n)`` keeps the bundled corpus (its 86 listing papers, decoys
and traps come first) and adds invented papers until the listing has ``n``
entries.  Each new paper is made from one of the real listing papers by
rewriting it: about 40 % of the content words of its title and abstract are
replaced by other words of the corpus' vocabulary, it gets a coined name
("Velanto", "Quorix-7B") used in its title and abstract as real papers name
their method, invented authors, categories, dates and an arXiv id of its own.
So titles and abstracts read like the field's (its word frequencies, its
phrases: "large language models" recurs, as it does on arXiv) while each
paper stays as distinctive as a real one.

The phenomena of the bundled corpus recur at the same rates: about 2 % of
the listing is not on arXiv, 3 % was renamed on arXiv after v1 (the listing
shows v1's title and abstract), 3 % has a confusable decoy (the same title
with a version bump, "-Coder", "Part II" or "Erratum:", and different work),
and Hugging Face knows about 90 % of the papers (title and summary as the
listing shows them, a GitHub repository for half).

The services know :data:`POOL` invented papers (or as many as the listing
has, if more) whatever the listing's size, as arXiv and Hugging Face do not
shrink for a short listing: a title search finds as many near-misses for a
listing of 1,000 as for one of 5,000, so the work per entry is comparable.

Nothing here is real: ids, authors, dates and text are invented (the text is
a rewrite of the example listing's); every paper says so in its comment.
Generation is deterministic and prefix-stable: paper ``i`` is the same in
every scaled corpus, and the listing of ``scaled_corpus(1000)`` is the first
1,000 entries of ``scaled_corpus(5000)``'s.
"""

from __future__ import annotations

import random
import re

from . import Corpus, ListingItem, Paper, Version, load_corpus
from .build_corpus import FAMILY, GIVEN

__all__ = ["POOL", "scaled_corpus", "SYNTHETIC_NOTE"]

SYNTHETIC_NOTE = "SYNTHETIC (bibkit.testing.corpus.scaled): invented for benchmarks"

_STOP = frozenset("""a an the and or not of in on at to for from by with via into as is are was were be been this that
these those it its we our they their which who what when where how than then there can could may might will would should
do does did has have had also such both each any all some more most other only so very but if while about""".split())
_WORD = re.compile(r"[A-Za-z][a-z]{3,}")
_SYLLABLES = ("ka lo mi ne ra to vi xa zo qu ri sa te lu mo na pe fi da go hu ja be ce di fo ga he ji ko le mu no pi "
              "ro su ta vo wa ye zu bri cla dro fle gri kra plo sta tri vel").split()
_SUFFIXES = ("", "", "", "-7B", "-X", "-2", "-Lite", "Net", "-VL", "-R1")
_DECOY_FORMS = ("{t} v2", "{t}-Coder", "{t}, Part II", "Erratum: {t}")


def _coined(i: int, rng: random.Random) -> str:
    """A method name unique to paper ``i`` (its syllables spell ``i``), capitalised like real ones."""
    digits, k = [], i + 1
    while k:
        k, d = divmod(k, len(_SYLLABLES))
        digits.append(_SYLLABLES[d])
    name = "".join(reversed(digits)) + rng.choice(("x", "ra", "n", "to", "ix", "a"))
    return name.capitalize() + rng.choice(_SUFFIXES)


def _rewrite(text: str, vocab: list[str], rng: random.Random, share: float) -> str:
    """``text`` with about ``share`` of its content words replaced by other words of the vocabulary."""
    def swap(m: re.Match[str]) -> str:
        word = m.group(0)
        if word.lower() in _STOP or rng.random() >= share:
            return word
        new = rng.choice(vocab)
        return new.capitalize() if word[0].isupper() else new

    return _WORD.sub(swap, text)


def _authors(rng: random.Random) -> list[dict[str, object]]:
    return [{"name": f"{rng.choice(GIVEN)} {rng.choice(FAMILY)}"} for _ in range(rng.randint(2, 9))]


def _new_id(i: int, taken: set[str]) -> str:
    """A well-formed, new-style arXiv id no bundled paper has (2301–2512, five digits)."""
    month = 2301 + (i % 36) // 12 * 100 + i % 12
    number = 10000 + (i * 7919) % 90000
    arxiv_id = f"{month}.{number:05d}"
    while arxiv_id in taken:
        number = 10000 + (number - 10000 + 1) % 90000
        arxiv_id = f"{month}.{number:05d}"
    taken.add(arxiv_id)
    return arxiv_id


def _date(arxiv_id: str, rng: random.Random, months_later: int = 0) -> str:
    yy, mm = int(arxiv_id[:2]), int(arxiv_id[2:4]) + months_later
    yy, mm = yy + (mm - 1) // 12, (mm - 1) % 12 + 1
    return f"20{yy:02d}-{mm:02d}-{rng.randint(1, 28):02d}T{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}:00Z"


#: invented papers the services know whatever the listing's size (arXiv does not shrink for a short listing)
POOL = 5000


def scaled_corpus(n: int, *, seed: int = 15, pool: int = POOL) -> Corpus:
    """The bundled corpus with its listing grown to ``n`` entries by invented papers (see the module docstring).

    The services know ``max(n, pool)`` invented papers, so the listing's size does not change how crowded
    a search is: a short listing is looked up among the same papers as a long one.  ``n`` below the
    bundled listing's 86 keeps its first ``n`` entries.
    """
    base = load_corpus()
    if n <= len(base.listing) and pool <= len(base.listing):
        return Corpus(base.papers, base.hf, base.listing[:n])
    templates = [p for p in base.papers if p.role == "listing" and p.latest.abstract]
    titles = " ".join(p.versions[0].title for p in templates)
    abstracts = " ".join(p.versions[0].abstract for p in templates)
    title_vocab = sorted({w.lower() for w in _WORD.findall(titles)} - _STOP)
    abstract_vocab = sorted({w.lower() for w in _WORD.findall(abstracts)} - _STOP)
    taken = {p.id for p in base.papers}
    papers, hf, listing = list(base.papers), [dict(h) for h in base.hf], list(base.listing[:n])
    for i in range(len(base.listing), max(n, pool)):
        rng = random.Random(seed * 1_000_003 + i)
        template = rng.choice(templates)
        name = _coined(i, rng)
        title = _rewrite(template.versions[0].title, title_vocab, rng, 0.4)
        title = f"{name}: {title}" if rng.random() < 0.6 else f"{title} with {name}"
        abstract = _rewrite(template.versions[0].abstract, abstract_vocab, rng, 0.4)
        sentences = abstract.split(". ")
        at = rng.randrange(len(sentences))
        sentences[at] = f"We introduce {name}, which {sentences[at][:1].lower()}{sentences[at][1:]}"
        abstract = ". ".join(sentences)
        arxiv_id = _new_id(i, taken)
        kind = rng.random()
        v1 = Version(title, abstract, _date(arxiv_id, rng))
        versions = [v1]
        if 0.02 <= kind < 0.05:  # renamed on arXiv after v1, abstract lightly revised
            new_title = f"{name}: " + _rewrite(template.versions[0].title, title_vocab, rng, 0.7)
            versions.append(Version(new_title, _rewrite(abstract, abstract_vocab, rng, 0.05),
                                    _date(arxiv_id, rng, 3)))
        listed = i < n
        paper = Paper(arxiv_id, versions, _authors(rng), list(template.categories), comment=SYNTHETIC_NOTE,
                      role="listing" if listed else "extra", listing_index=i if listed else None)
        on_arxiv = kind >= 0.02
        if on_arxiv:
            papers.append(paper)
        if 0.05 <= kind < 0.08:  # a confusable decoy: near-identical title, different work and authors
            decoy_id = _new_id(i + 7_000_000, taken)
            decoy_text = _rewrite(rng.choice(templates).versions[0].abstract, abstract_vocab, rng, 0.4)
            decoy_title = rng.choice(_DECOY_FORMS).format(t=title)
            papers.append(Paper(decoy_id, [Version(decoy_title, decoy_text, _date(decoy_id, rng))], _authors(rng),
                                list(template.categories), comment=SYNTHETIC_NOTE, role="decoy"))
        if on_arxiv and rng.random() < 0.9:
            hf.append({"id": arxiv_id, "title": title, "summary": abstract,
                       "authors": [a["name"] for a in paper.authors], "publishedAt": v1.date,
                       "githubRepo": f"https://github.com/synthetic-{i}/{name.lower()}" if rng.random() < 0.5 else None,
                       "projectPage": None, "ai_keywords": sorted(set(_WORD.findall(title.lower())) - _STOP)[:5],
                       "ai_summary": None, "upvotes": rng.randint(0, 60)})
        if listed:
            listing.append(ListingItem(i, title, abstract, arxiv_id if on_arxiv else None,
                                       None if on_arxiv else "SYNTHETIC: not on arXiv"))
    return Corpus(papers, hf, listing)
