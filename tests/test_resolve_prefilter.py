"""The resolver's pre-filter of batched search results: what it sets aside could never have mattered.

A batched arXiv search judges every result against every record of its batch.  A
pair whose abstract signal alone proves its score below AMBIGUOUS is kept pending
(``bibkit.enrich.resolve._Judged``) and worked out only when read.  These tests hold
the bounds that decision rests on to the full :func:`~bibkit.enrich.match.verify`
on random records and candidates, the report ranking to a full sort, and the whole
resolver to its unfiltered self: the same outcome, id, reason and confidence for
every entry, and the same candidates except the documented floor (a resolved
entry lists batched arXiv search results only from ``REPORT_FLOOR`` up).
"""

from __future__ import annotations

import random
import tempfile

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import bibkit.enrich.resolve as resolve_module
from bibkit.config import load_settings
from bibkit.enrich import enrich_document
from bibkit.enrich.match import (
    ACCEPT,
    AMBIGUOUS,
    Evidence,
    abstract_ceiling,
    abstract_signal,
    below,
    score_below,
    score_ceiling,
    verify,
)
from bibkit.enrich.resolve import REPORT_FLOOR, STEP_ABSTRACT, STEP_TITLE, _best, _Judged
from bibkit.findings import Candidate
from bibkit.model import Document
from bibkit.normalize.identity import title_form_ceiling, title_form_similarity, word_code
from bibkit.testing.arxiv import ArxivDouble
from bibkit.testing.corpus.scaled import scaled_corpus
from bibkit.testing.hf import HfDouble

# more words than one byte has codes, so the abstracts' sketches (a byte per word) do fold words together
word_code([f"filler{i}" for i in range(700)])

_WORDS = ["language", "model", "models", "modelling", "modeling", "learning", "vision", "transformer",
          "transformers", "pretraining", "pre", "training", "reasoning", "agents", "agent", "graph", "neural",
          "diffusion", "benchmark", "survey", "efficient", "scaling", "laws", "qwen2", "qwen2.5", "v4", "v2",
          "the", "of", "for", "a", "large", "small", "retrieval", "augmented", "generation", "erratum", "part",
          "ii", "multimodal", "instruction", "tuning", "data", "mixture", "experts"]
_VOCAB = _WORDS + [f"term{i}" for i in range(300)]
_NAMES = ["Ada Lovelace", "Alan Turing", "Grace Hopper", "Kurt Godel", "Emmy Noether", "Yann LeCun", "Fei-Fei Li"]


@st.composite
def _pair(draw: st.DrawFn) -> tuple[Evidence, Evidence]:
    """A record and a candidate: unrelated, or the candidate derived from the record by some edits."""
    title = draw(st.lists(st.sampled_from(_WORDS), min_size=0, max_size=9))
    abstract = draw(st.lists(st.sampled_from(_VOCAB), min_size=draw(st.sampled_from([0, 12])), max_size=90))
    authors = draw(st.lists(st.sampled_from(_NAMES), max_size=4))
    year = draw(st.one_of(st.none(), st.integers(2015, 2025)))
    if draw(st.booleans()):  # a version of the same paper: some words changed, dropped or added
        rnd = random.Random(draw(st.integers(0, 10**6)))
        def edit(words: list[str], pool: list[str], share: float) -> list[str]:
            # from a typo to another text: a share of the words edited, and a few more
            edits = int(share * len(words)) + draw(st.integers(0, 2))
            out = list(words)
            for _ in range(edits):
                op = rnd.random()
                if out and op < 0.4:
                    out[rnd.randrange(len(out))] = rnd.choice(pool)
                elif out and op < 0.7:
                    del out[rnd.randrange(len(out))]
                else:
                    out.insert(rnd.randint(0, len(out)), rnd.choice(pool))
            return out

        other_title = edit(title, _WORDS, draw(st.sampled_from([0.0, 0.0, 0.2, 1.0])))
        other_abstract = edit(abstract, _VOCAB, draw(st.floats(0, 1)))
        other_authors = authors if draw(st.booleans()) else draw(st.lists(st.sampled_from(_NAMES), max_size=4))
    else:
        other_title = draw(st.lists(st.sampled_from(_WORDS), max_size=9))
        other_abstract = draw(st.lists(st.sampled_from(_VOCAB), max_size=90))
        other_authors = draw(st.lists(st.sampled_from(_NAMES), max_size=4))
    other_year = draw(st.one_of(st.none(), st.integers(2015, 2025)))
    record = Evidence.from_names(" ".join(title) or None, " ".join(abstract) or None, authors, year)
    candidate = Evidence.from_names(" ".join(other_title) or None, " ".join(other_abstract) or None,
                                    other_authors, other_year)
    return record, candidate


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_pair())
def test_the_bounds_hold_and_a_pair_set_aside_could_not_have_mattered(pair: tuple[Evidence, Evidence]) -> None:
    record, candidate = pair
    verdict = verify(record, candidate)
    exact, bound = abstract_signal(record, candidate), abstract_ceiling(record, candidate)
    assert (exact is None) == (bound is None)
    assert title_form_ceiling(record.title_form, candidate.title_form) >= \
        title_form_similarity(record.title_form, candidate.title_form)[0]
    if bound is None:
        return
    assert exact is not None and bound >= exact
    assert score_ceiling(record, candidate, bound) >= verdict.score
    if below(bound, AMBIGUOUS):  # set aside: neither accepted nor close, and its score is verify's
        assert verdict.score < AMBIGUOUS and not verdict.accepted
        assert below(exact, ACCEPT) and score_below(record, candidate, exact) == verdict.score
    if score_ceiling(record, candidate, bound) < AMBIGUOUS:  # set aside on the title's bound too: the same
        assert verdict.score < AMBIGUOUS and not verdict.accepted
        assert score_below(record, candidate, exact) == verdict.score


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_pair(), min_size=0, max_size=12), st.integers(1, 4))
def test_the_report_ranking_is_a_full_sort_of_the_candidates(pairs: list[tuple[Evidence, Evidence]], n: int) -> None:
    lazy, full = [], []
    for i, (record, candidate) in enumerate(pairs):
        verdict = verify(record, candidate)
        full.append(_Judged(Candidate(f"id{i}", "t", verdict.score, dict(verdict.scores), STEP_TITLE), verdict))
        bound = abstract_ceiling(record, candidate)
        if bound is not None and below(bound, AMBIGUOUS):
            lazy.append(_Judged.pending(record, candidate, f"id{i}", "t", STEP_TITLE, bound, None))
        else:
            lazy.append(_Judged(Candidate(f"id{i}", "t", verdict.score, dict(verdict.scores), STEP_TITLE), verdict))
    ranked = sorted(full, key=lambda j: -j.candidate.score)[:n]
    best = _best(lazy, n)
    assert [(j.candidate.arxiv_id, j.candidate.score, j.candidate.scores) for j in best] == \
        [(j.candidate.arxiv_id, j.candidate.score, j.candidate.scores) for j in ranked]


def _reports(corpus, only: tuple[str, ...]) -> tuple[list[dict], dict]:
    with ArxivDouble(corpus) as ax, HfDouble(corpus) as hf, tempfile.TemporaryDirectory() as cache:
        settings = load_settings(arxiv_url=ax.api_url, hf_url=hf.url, cache_dir=cache, arxiv_delay=0,
                                 github_url="http://127.0.0.1:9")
        result = enrich_document(Document(blocks=corpus.listing_entries()), settings, only=only)
    return [r.as_dict() for r in result.reports], dict(result.requests)


@pytest.mark.parametrize("only", [("arxiv",), ("arxiv", "hf")], ids=["arxiv-only", "arxiv+hf"])
def test_the_resolver_decides_as_it_does_without_the_prefilter(monkeypatch, only) -> None:
    corpus = scaled_corpus(300)
    filtered, filtered_requests = _reports(corpus, only)
    monkeypatch.setattr(resolve_module, "below", lambda abstract, floor: False)  # every pair judged in full,
    monkeypatch.setattr(resolve_module, "score_ceiling", lambda record, candidate, abstract: float("inf"))
    monkeypatch.setattr(resolve_module, "REPORT_FLOOR", float("-inf"))  # and every candidate listed
    full, full_requests = _reports(corpus, only)
    assert filtered_requests == full_requests
    shortened = 0
    for mine, theirs in zip(filtered, full, strict=True):
        listed, everything = mine.pop("candidates"), theirs.pop("candidates")
        assert mine == theirs  # outcome, id, reason, confidence, fields set, problems
        if mine["status"] != "resolved":
            assert listed == everything
            continue
        below_floor = [c for c in everything
                       if c["source"] in (STEP_TITLE, STEP_ABSTRACT) and c["score"] < REPORT_FLOOR]
        kept = [c for c in everything if c not in below_floor]
        assert listed[:len(kept)] == kept
        assert not any(c["source"] in (STEP_TITLE, STEP_ABSTRACT) and c["score"] < REPORT_FLOOR for c in listed)
        shortened += listed != everything
    if only == ("arxiv",):
        assert shortened > 0  # the batches did meet other records' papers, and they were left out
