"""The pure parts of resolution: verification scores and rules, query building, venue parsing."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bibkit.enrich.apply import venue_of
from bibkit.enrich.match import (
    ACCEPT,
    Evidence,
    abstract_similarity,
    author_overlap,
    extra_title_words,
    pick,
    title_similarity,
    verify,
    versions_agree,
)
from bibkit.enrich.query import abstract_phrases, any_of, query_words, title_clause, title_words_clause
from bibkit.testing.arxiv import tokens
from bibkit.testing.corpus import load_corpus

CORPUS = load_corpus()


def listing(title_start):
    return next(i for i in CORPUS.listing if i.title.startswith(title_start))


def paper(title):
    return next(p for p in CORPUS.papers if p.title == title)


def ev(p):
    return Evidence.from_names(p.title, p.abstract, [a["name"] for a in p.authors], int(p.published[:4]))


# --------------------------------------------------------------------------- signals


def test_title_similarity_flags_number_conflicts_and_added_words():
    assert title_similarity("Qwen2.5 Technical Report", "Qwen2 Technical Report")[1] is True
    assert title_similarity("Octopus v4: Graph of language models", "Octopus v2: On-device language model")[1] is True
    coder, conflict = title_similarity("Qwen2.5 Technical Report", "Qwen2.5-Coder Technical Report")
    assert coder < 0.9 and not conflict
    same, _ = title_similarity("The Cheatsheet: A Review of Tools & Resources", "The cheatsheet — a review of tools and resources")
    assert same == 1.0
    plural, _ = title_similarity("Small LLMs Are Weak Tool Learners", "Small LLM Are Weak Tool Learners")
    assert plural > 0.97


def test_abstract_similarity_separates_versions_from_different_papers():
    it = listing("Eureka")  # the listing shows v1, arXiv has a revised v2
    revised = paper(CORPUS.paper(it.expect).title)
    assert abstract_similarity(it.abstract, revised.abstract) > 0.95
    qwen, coder = listing("Qwen2.5 Technical Report"), paper("Qwen2.5-Coder Technical Report")
    assert abstract_similarity(qwen.abstract, coder.abstract) < 0.35
    truncated = " ".join(it.abstract.split()[:60])
    assert abstract_similarity(truncated, revised.abstract) > 0.95  # a cut-off listing abstract is contained
    assert abstract_similarity("too short to judge", revised.abstract) is None


def test_author_overlap_folds_accents_and_particles():
    record = Evidence.from_names("t", None, ["Søren Jørgensen", "Anna van der Berg"]).authors
    candidate = Evidence.from_names("t", None, ["S. Jorgensen", "A. van der Berg", "Someone Else"]).authors
    assert author_overlap(record, candidate) == 1.0
    assert author_overlap(record, ()) is None


# --------------------------------------------------------------------------- verdicts


def test_the_right_paper_passes_and_every_decoy_fails_on_the_whole_corpus():
    for it in CORPUS.listing:
        record = Evidence(it.title, it.abstract)
        for p in CORPUS.papers:
            verdict = verify(record, ev(p))
            assert verdict.accepted == (p.id == it.expect), (it.title, p.title, verdict)


def test_renamed_paper_is_accepted_on_its_abstract():
    it = listing("Hecate")
    verdict = verify(Evidence(it.title, it.abstract), ev(CORPUS.paper(it.expect)))
    assert verdict.accepted and verdict.path == "abstract" and verdict.scores["title"] < 0.85


def test_title_alone_is_discounted_and_authors_can_veto():
    octo = paper("Octopus v2: On-device language model for super agent")
    alone = verify(Evidence(octo.title), ev(octo))
    assert alone.accepted and alone.score == pytest.approx(0.9) and alone.path == "title"
    confirmed = verify(Evidence.from_names(octo.title, None, ["Wei Chen"]), ev(octo))
    assert confirmed.accepted and confirmed.score == pytest.approx(1.0)
    vetoed = verify(Evidence.from_names(octo.title, None, ["Maria Garcia", "John Smith"]), ev(octo))
    assert not vetoed.accepted and vetoed.reason == "no shared authors"
    far = verify(Evidence(octo.title, None, (), 2010), ev(octo))
    assert not far.accepted  # a title alone, fourteen years apart: not the same work
    dolma = next(p for p in CORPUS.papers if p.title.startswith("Dolma"))
    short = verify(Evidence("Dolma"), Evidence("Dolma", dolma.abstract))
    assert not short.accepted and "too short" in short.reason


def test_same_title_different_abstract_is_vetoed():
    twins = [p for p in CORPUS.papers if p.title == "Do We Still Need Clinical Language Models?"]
    it = listing("Do We Still Need Clinical")
    verdicts = {p.id: verify(Evidence(it.title, it.abstract), ev(p)) for p in twins}
    assert [pid for pid, v in verdicts.items() if v.accepted] == [it.expect]
    (other,) = [v for pid, v in verdicts.items() if pid != it.expect]
    assert other.reason == "abstracts describe different work" and other.score < ACCEPT


def test_pick_needs_a_clear_winner():
    octo = paper("Octopus v2: On-device language model for super agent")
    v = verify(Evidence(octo.title), ev(octo))
    winner, reason, tie = pick([("a", v), ("b", v)])
    assert winner is None and tie and "none stands out" in reason
    assert pick([("a", v), ("a", v)]).winner == "a"  # the same paper seen twice is one candidate
    assert pick([]).winner is None


# --------------------------------------------------------------------------- queries


def test_query_words_drop_syntax_characters():
    words = query_words('BAM! Just Like That: "Simple" (and) Efficient Parameter+Upcycling for 100+ NLP — Qwen2.5 Wilson’s')
    assert words == ["bam", "just", "like", "that", "simple", "and", "efficient", "parameter", "upcycling", "for",
                     "100", "nlp", "qwen2.5", "wilson's"]
    clause = title_clause("Platypus: A Generalized Specialist (Model)")
    assert clause == 'ti:"platypus a generalized specialist model"'
    assert any_of([clause, "abs:x AND abs:y"]) == f"{clause} OR (abs:x AND abs:y)"


@given(st.text(max_size=200))
def test_any_title_becomes_a_safe_phrase(title):
    clause = title_clause(title)
    if clause is None:
        assert query_words(title) == []
        return
    inner = clause[len('ti:"'):-1]
    assert clause.startswith('ti:"') and clause.endswith('"')
    assert not any(ch in inner for ch in '":()+[]{}\\') and " and " not in f" {inner} ".upper()
    assert inner == inner.lower() and "  " not in inner


def test_abstract_phrases_are_distinctive_plain_words():
    it = listing("Large Motion Model")
    phrases = abstract_phrases(it.abstract, n=3, size=6)
    assert len(phrases) == 3 and all(len(p) == 6 for p in phrases)
    text = tokens(it.abstract)
    for p in phrases:
        assert all(w.isalnum() for w in p)
        assert any(text[i:i + 6] == p for i in range(len(text)))  # consecutive words of the abstract
    assert any("motionverse" in p or "artattention" in p for p in phrases)  # names are distinctive
    assert abstract_phrases("Too short.") == []


def test_title_words_clause_keeps_distinctive_words():
    assert title_words_clause("A Survey on Mixture of Experts") == "(ti:survey AND ti:mixture AND ti:experts)"
    assert title_words_clause("Zero") is None


# --------------------------------------------------------------------------- venues


@pytest.mark.parametrize("ref,expected", [
    ("Phys. Rev. B 85, 115117 (2012)", {"type": "article", "journal": "Phys. Rev. B", "volume": "85", "pages": "115117"}),
    ("Nucl. Phys. B 550 (1999) 123-145", {"type": "article", "journal": "Nucl. Phys. B", "volume": "550", "pages": "123–145"}),
    ("Natural Language Engineering 30(5), 887-914 (2024)",
     {"type": "article", "journal": "Natural Language Engineering", "volume": "30", "number": "5", "pages": "887–914"}),
    ("JHEP 0510:052,2005", {"type": "article", "journal": "JHEP", "volume": "0510", "pages": "052"}),
    ("Astrophys.J. 620 (2005) L1-L4", {"type": "article", "journal": "Astrophys.J.", "volume": "620", "pages": "L1–L4"}),
    ("J. Chem. Phys. 123 (2005) 10 -- 21", {"type": "article", "journal": "J. Chem. Phys.", "volume": "123",
                                           "pages": "10–21"}),
    ("Nature Medicine (2025)", {"type": "article", "journal": "Nature Medicine"}),
    ("Findings of NAACL 2025", {"type": "inproceedings", "booktitle": "Findings of NAACL 2025"}),
    ("Artificial Intelligence in Software Testing @ 2022 IEEE ICST Workshops",
     {"type": "inproceedings", "booktitle": "Artificial Intelligence in Software Testing @ 2022 IEEE ICST Workshops"}),
    (None, {"type": "article"}),
])
def test_venue_of_journal_refs(ref, expected):
    assert venue_of(ref) == expected


# --------------------------------------------------------------------------- found by the independent doubles


def _short(title: str) -> Evidence:
    """A candidate whose abstract is one line (errata, comments, withdrawal notices): nothing to compare."""
    return Evidence.from_names(title, "This erratum corrects Table 2 of the original article.", [])


@pytest.mark.parametrize("decoy", [
    "Erratum: Dorphalum: Flow Matching Policies and Action Chunking for Sim-to-Real Transfer",
    "Dorphalum: Flow Matching Policies and Action Chunking for Sim-to-Real Transfer, Part II",
    "Dorphalum-VL: Flow Matching Policies and Action Chunking for Sim-to-Real Transfer",
    'Comment on "Dorphalum: Flow Matching Policies and Action Chunking for Sim-to-Real Transfer"',
])
def test_a_title_with_an_added_word_never_stands_alone(decoy):
    """Regression: "Erratum: X" (one-line abstract) scored 0.85 on its title against a record for X
    and was written when X itself was renamed on arXiv or absent from it."""
    title = "Dorphalum: Flow Matching Policies and Action Chunking for Sim-to-Real Transfer"
    record = Evidence(title, "A long abstract of the listing paper. " * 5)
    verdict = verify(record, _short(decoy))
    assert not verdict.accepted and "differ by" in verdict.reason or "not close enough" in verdict.reason
    assert verify(Evidence(title), _short(title)).accepted  # the title itself still stands alone


@pytest.mark.parametrize("a, b", [
    ("Pre-training Transformers at Scale for Code", "Pretraining Transformers at Scale for Code"),
    ("Modelling Long Contexts with Sparse Experts", "Modeling Long Contexts with Sparse Experts"),
    ("Small LLMs Are Weak Tool Learners", "Small LLM Are Weak Tool Learners"),
    ("Mixture-of-Experts & Routing in Practice", "Mixture of Experts and Routing in Practice"),
])
def test_spelling_variants_are_not_added_words(a, b):
    assert extra_title_words(a, b) == []
    assert verify(Evidence(a), Evidence(b)).accepted


def test_tex_math_in_arxiv_titles_compares_as_rendered():
    """arXiv stores ``$\\pi_0$``; a pasted page shows ``π0``: the same title, not a version conflict."""
    for tex, shown in (("$\\pi_0$: A Vision-Language-Action Flow Model", "π0: A Vision-Language-Action Flow Model"),
                       ("$\\kappa$-Router: Sparse Gating for Translation", "κ-Router: Sparse Gating for Translation"),
                       ("$\\pi_{0.5}$: Open-World Generalization", "π0.5: Open-World Generalization")):
        assert title_similarity(tex, shown) == (1.0, False)
    assert title_similarity("$\\pi_0$: A Flow Model", "$\\pi_{0.5}$: A Flow Model")[1] is True  # still versions


def test_versions_agree_tolerates_a_rewritten_abstract_of_the_same_id():
    first = listing("Large Motion Model")
    sentences = first.abstract.split(". ")
    added = ["In this revision we additionally report results on four new benchmarks covering dance, sign language "
             "and sports", "A retrieval module now supplies reference clips for rare motions, which improves diversity "
             "without hurting fidelity", "Training costs drop by a third thanks to a cheaper tokenizer and "
             "mixed-precision kernels written for this purpose", "We also release an interactive demo together with "
             "all checkpoints and the evaluation toolkit"]
    revised = ". ".join(sentences[:3] + added + sentences[8:])
    hf = Evidence.from_names(first.title, first.abstract, ["Mingyuan Zhang", "Daisheng Jin"])
    arxiv = Evidence.from_names("A Renamed Title", revised, ["Mingyuan Zhang", "Daisheng Jin", "Lingjie Liu"])
    assert 0.5 <= abstract_similarity(first.abstract, revised) < 0.85 and not verify(hf, arxiv).accepted
    assert versions_agree(hf, arxiv)
    other = listing("Platypus")
    assert not versions_agree(hf, Evidence.from_names(other.title, other.abstract, []))
    assert not versions_agree(hf, Evidence.from_names("A Renamed Title", revised, ["Someone Else", "Nobody"]))


def test_queries_spell_ampersands_and_trim_rendered_symbols():
    assert query_words("Tools & Resources") == ["tools", "and", "resources"]
    assert title_clause("π0: A Vision-Language-Action Flow Model") == 'ti:"a vision language action flow model"'
    assert title_clause("Spin Liquids near the Kagomé Point of Frustrated Magnets") == \
        'ti:"spin liquids near the"' or title_clause("Spin Liquids near the Kagomé Point of Frustrated Magnets") == \
        'ti:"point of frustrated magnets"'
    assert title_clause("Σ") == 'ti:"σ"'  # nothing plain to keep: the words as they are


def test_abstract_phrases_prefer_a_name_mid_sentence():
    text = ("Reproducing published numbers is surprisingly hard across many settings today. In this work we "
            "introduce Galkaora, which aligns routers with experts by means of bootstrapped pseudo labels. "
            "Extensive ablations confirm the contribution of each component in every setting.")
    assert "galkaora" in abstract_phrases(text, n=1, size=6)[0]
    assert "galkaora" not in abstract_phrases(text.replace("Galkaora", "galkaora"), n=1, size=6)[0]


def test_arxiv_tex_becomes_model_text_but_prose_is_left_alone():
    from bibkit.enrich.apply import apply_arxiv
    from bibkit.enrich.atom import ArxivAuthor, ArxivRecord
    from bibkit.enrich.base import EntryReport
    from bibkit.model import Entry

    rec = ArxivRecord("cond-mat/0601234", 1, "Spin liquid of the $S=1/2$ \\textit{Kagom\\'e} antiferromagnet",
                      "About ~100 spins and 50% of the \\emph{bonds}.",
                      [ArxivAuthor("J\\\"org M\\\"uller"), ArxivAuthor("Ana García")])
    entry = Entry(title="Spin liquid of the S=1/2 Kagomé antiferromagnet")
    apply_arxiv(entry, rec, EntryReport(key=None, title=entry.title))
    assert entry.title == "Spin liquid of the $S=1/2$ Kagomé antiferromagnet"
    assert entry.abstract == "About ~100 spins and 50% of the bonds."
    assert [a.family for a in entry.authors] == ["Müller", "García"]
    plain = ArxivRecord("2401.00001", 1, "About ~100x faster", "Costs 50% less and ~3 GPUs.", [])
    entry = Entry(title="About ~100x faster")
    apply_arxiv(entry, plain, EntryReport(key=None, title=entry.title))
    assert entry.title == "About ~100x faster" and entry.abstract == "Costs 50% less and ~3 GPUs."
