"""Batched arXiv searches at scale: a page too small for its results is completed, never re-asked in halves.

A generic title ("A Survey on …" shared by hundreds of papers) fills a batched
query's page and crowds the other records' papers out.  The resolver must find
the crowded-out papers again with few requests (each costs three seconds of
pacing against the real arXiv) and must still never write a wrong id.  Request
counts are what is asserted, never times.
"""

from __future__ import annotations

import random

from bibkit.config import load_settings
from bibkit.enrich import enrich_document
from bibkit.enrich.batch import RecordWords, abstract_ask, flooded, narrower, title_ask
from bibkit.enrich.atom import ArxivAuthor, ArxivRecord
from bibkit.model import Document, Entry
from bibkit.testing.arxiv import ArxivDouble
from bibkit.testing.corpus import Paper, Version, load_corpus

GENERIC = ("A Comprehensive Survey on Retrieval Augmented Generation for Large Language Models in "
           "Scientific Domains and Beyond")


def _words(rng: random.Random, n: int) -> str:
    pool = ("graph kernel sparse tensor lattice quantum neuron protein carbon orbit vector market river glacier "
            "enzyme photon router ledger compiler dialect").split()
    return " ".join(rng.choice(pool) for _ in range(n))


def crowded_corpus(generic_papers: int):
    """The bundled corpus plus ``generic_papers`` papers whose titles all start with one long generic phrase."""
    corpus = load_corpus()
    rng = random.Random(5)
    for i in range(generic_papers):
        title = GENERIC if i == 0 else f"{GENERIC}: {_words(rng, 2).title()} Edition {i}"
        abstract = ("We survey retrieval for generation. " if i == 0 else "") + _words(rng, 120) + "."
        corpus.add(Paper(f"2409.{10000 + i:05d}", [Version(title, abstract, "2024-09-02T00:00:00Z")],
                         [{"name": f"Author{i} Person{i}"}], ["cs.CL"], role="extra"))
    return corpus


def listing(corpus, others: int) -> tuple[list[Entry], list[str]]:
    """The generic record first, then ``others`` records of the bundled listing; and the id each must get."""
    generic = corpus.paper("2409.10000")
    items = [i for i in corpus.listing if i.expect][:others]
    entries = [Entry(title=generic.title, abstract=generic.abstract)]
    entries += [Entry(title=i.title, abstract=i.abstract) for i in items]
    return entries, [generic.id] + [i.expect for i in items]


def resolve(corpus, entries):
    with ArxivDouble(corpus) as ax:
        doc = Document(blocks=entries)
        settings = load_settings(arxiv_url=ax.api_url, hf_url="http://127.0.0.1:9", arxiv_delay=0)
        result = enrich_document(doc, settings, only=("arxiv",))
        searches = [q for q in ax.queries() if q.get("search_query")]
    return doc, result, searches


def outcome(doc, wanted):
    """(wanted id, written id) per entry, in listing order."""
    return list(zip(wanted, [e.ids.arxiv for e in doc.entries]))


def test_a_page_that_missed_a_little_is_completed_with_one_more_page():
    corpus = crowded_corpus(400)  # 400 generic titles + 39 others > the first page of 40 x 8 = 320
    entries, wanted = listing(corpus, 39)
    doc, result, searches = resolve(corpus, entries)
    pairs = outcome(doc, wanted)
    assert [p for p in pairs if p[1] is not None and p[0] != p[1]] == []  # never a wrong id
    assert sum(1 for w, got in pairs if w and got == w) >= len(pairs) - 2
    title_queries = [q for q in searches if q["search_query"].startswith("ti:")]
    assert len(title_queries) == 2  # the page, then the rest of it (the halves of before: 3 queries)
    assert title_queries[1]["start"] == "320" and title_queries[1]["search_query"] == title_queries[0]["search_query"]


def test_a_flooded_page_asks_again_for_the_crowded_out_records_only():
    corpus = crowded_corpus(900)  # far more than two pages: completing the page is no option
    entries, wanted = listing(corpus, 39)
    doc, result, searches = resolve(corpus, entries)
    pairs = outcome(doc, wanted)
    assert [p for p in pairs if p[1] is not None and p[0] != p[1]] == []
    assert doc.entries[0].ids.arxiv == "2409.10000"  # the generic record's own paper ranks first anyway
    assert sum(1 for w, got in pairs if w and got == w) >= len(pairs) - 2
    title_queries = [q["search_query"] for q in searches if "ti:" in q["search_query"]]
    # the batch, then the records it crowded out, together and without the generic title (halving the
    # crowded-out records instead took 3 queries here, 4 at the former 20 titles per query)
    assert len(title_queries) == 2
    assert "scientific domains" not in title_queries[1]


def _record(title: str, summary: str, authors=("Ann Smith",)) -> ArxivRecord:
    return ArxivRecord(arxiv_id="2401.00001", title=title, summary=summary,
                       authors=[ArxivAuthor(name) for name in authors])


def test_flooding_is_told_by_the_phrases_a_result_holds():
    generic = title_ask("g", "A Survey of Large Language Models")
    specific = title_ask("s", "Mixtral of Experts")
    assert generic is not None and specific is not None
    results = [RecordWords(_record(f"A Survey of Large Language Models for Task {i}", "x")) for i in range(8)]
    results.append(RecordWords(_record("Mixtral of Experts", "y")))
    assert flooded([generic, specific], results, 8) == [True, False]
    # a title is narrowed with a phrase of the record's abstract, else its first author
    abstract = ("We present Falcon Mamba, a state space model trained on 5.5 trillion tokens of RefinedWeb "
                "and curated data, matching transformers of its size on reasoning benchmarks.")
    with_abstract = narrower(generic, results, 8, abstract=abstract)
    assert with_abstract is not None and with_abstract.every and with_abstract.clause.startswith('(ti:"a survey')
    assert " AND abs:" in with_abstract.clause
    by_author = narrower(generic, results, 8, author="van der Berg")
    assert by_author is not None and by_author.clause.endswith('AND au:"van der berg")')
    assert narrower(generic, results, 8) is None  # nothing to narrow with
    assert narrower(by_author, results, 8, author="Smith") is None  # never twice


def test_an_abstract_clause_drops_the_phrase_that_flooded():
    text = ("Large language models have shown remarkable capabilities across many tasks today. We introduce "
            "Quorix, a sparse mixture of experts router trained with 7 billion tokens. Our Quorix router "
            "halves the inference cost of dense baselines on twelve multilingual benchmarks.")
    ask = abstract_ask("r", text, "Quorix")
    assert ask is not None and len(ask.phrases) == 3 and not ask.every
    field, first = ask.phrases[0]
    flood = [RecordWords(_record("t", " ".join(first) + f" and more {i}")) for i in range(6)]
    narrowed = narrower(ask, flood, 6)
    assert narrowed is not None and narrowed.phrases == ask.phrases[1:] and not narrowed.every
