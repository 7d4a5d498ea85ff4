"""The identity module: one set of rules for "is this the same paper?", and linear lookups."""

from __future__ import annotations

from bibkit.model import Entry, Identifiers, PartialDate, Person
from bibkit.names import parse_plain_name
from bibkit.normalize import identity
from bibkit.normalize.identity import (ABSTRACT_SAME, BUCKET_CAP, Fingerprint, IdentityIndex, arxiv_from_doi,
                                       comparable_title, doi_key, entry_arxiv, journal_doi, judge, titles_compatible)

ABSTRACT = ("We present Knowledge Card, a modular framework to plug in new factual and relevant knowledge into "
            "general-purpose large language models. We first introduce knowledge cards, specialized language "
            "models trained on corpora from specific domains and sources, which serve as parametric repositories.")
REVISED = ABSTRACT.replace("We first introduce", "We introduce") + " Extensive experiments demonstrate it."


def entry(title=None, authors=(), year=None, *, arxiv=None, doi=None, abstract=None, key=None, **meta) -> Entry:
    e = Entry(title=title, authors=[parse_plain_name(a) for a in authors], date=PartialDate(year) if year else None,
              ids=Identifiers(arxiv=arxiv, doi=doi), abstract=abstract, key=key)
    e.meta.update(meta)
    return e


def fp(*args, **kwargs) -> Fingerprint:
    return Fingerprint.from_entry(entry(*args, **kwargs))


# --------------------------------------------------------------------------- identifiers


def test_one_arxiv_doi_pattern_and_doi_forms():
    assert arxiv_from_doi("10.48550/arXiv.2401.06066v2") == "2401.06066"
    assert arxiv_from_doi("https://doi.org/10.48550/ARXIV.2401.06066") == "2401.06066"
    assert arxiv_from_doi("10.1145/123.456") is None
    assert doi_key("https://doi.org/10.1145/ABC") == doi_key("doi:10.1145/abc") == "10.1145/abc"
    e = entry(doi="10.48550/arXiv.2401.06066")
    assert entry_arxiv(e) == "2401.06066" and journal_doi(e) is None
    assert journal_doi(entry(doi="10.1145/ABC")) == "10.1145/abc"
    # the pattern is the model's one copy (bibkit.model.arxiv_id_of_doi); no module keeps its own
    from bibkit import links

    assert not hasattr(links, "_ARXIV_DOI") and not hasattr(identity, "ARXIV_DOI")


def test_comparison_form_ignores_markup_math_and_case():
    assert comparable_title("The <i>E. coli</i> Genome") == comparable_title("The E. coli genome")
    assert comparable_title(r"$\pi_0$: A Vision-Language-Action Flow Model") == comparable_title(
        "π0: A Vision-Language-Action Flow Model")
    # the one Greek table (normalize.latex): \epsilon is ϵ, \varepsilon ε; both compare as ε
    assert comparable_title(r"$\epsilon$-greedy") == comparable_title(r"$\varepsilon$-greedy") == comparable_title(
        "ε-greedy")
    assert comparable_title("Qwen2.5 Technical Report") != comparable_title("Qwen2 Technical Report")


# --------------------------------------------------------------------------- the rules


def test_identifiers_decide_first():
    assert judge(fp("X", arxiv="2401.00001"), fp("Y", arxiv="2401.00001")).by == "arxiv"
    different = judge(fp("Same Title", arxiv="2401.00001"), fp("Same Title", arxiv="2401.00002"))
    assert not different and "arXiv ID" in different.why_not
    assert judge(fp("A", doi="10.1/X"), fp("B", doi="10.1/x")).by == "doi"
    assert not judge(fp("Deep Learning", doi="10.1/a"), fp("Deep Learning", doi="10.1/b"))
    # arXiv's DOI is the arXiv ID, not a DOI that could disagree with a journal DOI
    assert judge(fp("T", doi="10.48550/arXiv.2401.06066"), fp("T", arxiv="2401.06066")).by == "arxiv"


def test_shared_title_unless_contradicted():
    t = "A Survey on Mixture of Experts"
    assert judge(fp(t, ("Weilin Cai",)), fp(t.upper(), ("W. Cai",))).by == "title+author"
    assert "first author" in judge(fp(t, ("Weilin Cai",)), fp(t, ("Siyuan Mu",))).why_not
    assert "year" in judge(fp(t, year=2024), fp(t, ("Siyuan Mu",), 2025)).why_not
    assert judge(fp(t, ("Weilin Cai",), 2024), fp(t, ("Weilin Cai",), 2025))  # authors agree: a year apart is fine
    other = "Mixture of experts models route tokens to specialised sub-networks; we review routing and systems work."
    assert "abstract" in judge(fp(t, abstract=ABSTRACT), fp(t, abstract=other)).why_not
    # a title alone is the same work, but not corroborated (what a library that is not ours requires)
    alone = judge(fp(t), fp(t, ("Weilin Cai",)))
    assert alone and not alone.corroborated


def test_listing_title_and_abstract_find_a_renamed_paper():
    listing = fp("CooK: Empowering General-Purpose Language Models with Modular and Collaborative Knowledge",
                 abstract=ABSTRACT)
    arxiv = fp("Knowledge Card: Filling LLMs' Knowledge Gaps with Plug-in Specialized Language Models",
               ("Shangbin Feng",), 2023, abstract=REVISED)
    verdict = judge(listing, arxiv)
    assert verdict.same and verdict.by == "abstract" and verdict.corroborated
    # the enriched entry remembers the title it was pasted with: found again by that title too
    enriched = Fingerprint.from_entry(entry(
        "Knowledge Card: Filling LLMs' Knowledge Gaps with Plug-in Specialized Language Models", ("Shangbin Feng",),
        listing_title="CooK: Empowering General-Purpose Language Models with Modular and Collaborative Knowledge"))
    assert judge(fp("CooK: Empowering General-Purpose Language Models with Modular and Collaborative Knowledge"),
                 enriched).by == "title"
    assert identity.abstract_similarity(ABSTRACT, REVISED) >= ABSTRACT_SAME


PEOA = ("We present the Process Engineering Operations Assistant (PEOA), an AI-driven framework designed to solve "
        "complex problems in the chemical and process industries. The framework employs a modular architecture "
        "orchestrated by a meta-agent, which serves as the central coordinator, managing an action generator and "
        "instruction-tuned small-scale language models. Key techniques include advanced knowledge modeling using "
        "property graphs for improved information retrieval. The results demonstrate the framework effectiveness in "
        "automating calculations, accelerating prototyping, and providing AI-augmented decision support for "
        "industrial processes, marking a significant advancement in process engineering capabilities.")


def test_index_finds_an_abstract_that_gained_a_lead_in_and_a_closing_sentence():
    """arXiv's v2 of a paper renamed since it was pasted: "In this work we present…" for "We present…" and a
    sentence added at the end move both ends of the abstract; the index still offers the pair."""
    revised = ("In this work we p" + PEOA[4:] + " We release the evaluation problems and the prompts used for every "
               "expert model.")
    listing = fp("Knowledge Graph Modeling-Driven Large Language Model Operating System (LLM OS) for Task "
                 "Automation in Process Engineering Problem-Solving", abstract=PEOA)
    arxiv = fp("An LLM Operating System for Process Engineering: Knowledge-Graph-Driven Task Automation",
               ("Ngozi Martinez",), 2024, abstract=revised, arxiv="2403.05507")
    assert judge(listing, arxiv).by == "abstract"
    for stored, looked_up in ((arxiv, listing), (listing, arxiv)):
        index: IdentityIndex[str] = IdentityIndex()
        index.add(stored, "stored")
        found = index.find(looked_up)
        assert found is not None and found[0] == "stored"
    # a shared sentence is a bucket, not a verdict: another paper with that sentence is offered and refused
    other = fp("A Different Paper on Agents", abstract="Agents plan tool calls for laboratory robots in biology. "
               + PEOA.split(". ", 1)[1].split(". ")[0] + ". We evaluate them on forty protocols from three "
               "laboratories and report failure modes, costs and the effect of retrieval on planning quality.")
    index = IdentityIndex()
    index.add(listing, "listing")
    assert any(v == "listing" for v, _ in index.candidates(other)) and index.find(other) is None


def test_titles_compatible_is_loose_but_not_blind():
    assert titles_compatible("Deep Things", "Deep things: a survey")
    assert titles_compatible(None, "Anything")
    assert not titles_compatible("Quantum gravity for beginners", "Medieval pottery of Kent")
    assert not titles_compatible("Qwen2 Technical Report", "Qwen2.5 Technical Report")


# --------------------------------------------------------------------------- the index


def test_index_finds_by_every_key_and_offers_only_plausible_title_mates():
    index: IdentityIndex[str] = IdentityIndex()
    index.add(fp("A Paper", arxiv="2401.00001"), "by-arxiv")
    index.add(fp("Other", doi="10.1/x"), "by-doi")
    index.add(fp("Editorial", ("Ann Smith",)), "smith")
    index.add(fp("Editorial", ("Bob Jones",)), "jones")
    index.add(fp("Editorial"), "anonymous")
    assert index.find(fp(None, arxiv="2401.00001"))[0] == "by-arxiv"
    assert index.find(fp("Renamed", doi="https://doi.org/10.1/X"))[0] == "by-doi"
    offered = [v for v, _ in index.candidates(fp("Editorial", ("A. Smith",)))]
    assert offered == ["smith", "anonymous"]  # Jones is never even compared
    assert index.find(fp("Editorial", ("A. Smith",)))[0] == "smith"
    assert index.find(fp("Editorial", ("Cy Young",)), corroborated=True) is None


def test_lookups_stay_bounded_for_thousands_of_same_titled_records():
    index: IdentityIndex[int] = IdentityIndex()
    for i in range(3000):
        index.add(Fingerprint.of(title="Editorial", first_author=f"Author{i}"), i)
    # an authorless record could be any of them: only the most recent BUCKET_CAP are compared
    assert len(list(index.candidates(Fingerprint.of(title="Editorial")))) == BUCKET_CAP
    assert [v for v, _ in index.candidates(Fingerprint.of(title="Editorial", first_author="Author7"))] == [7]


def test_fingerprint_of_plain_values_matches_an_entry():
    item = Fingerprint.of(title="Attention Is All You Need", first_author="Vaswani", year=2017,
                          doi="10.48550/arXiv.1706.03762")
    e = Fingerprint.from_entry(Entry(title="Attention is all you need", ids=Identifiers(arxiv="1706.03762v5"),
                                     authors=[Person(family="Vaswani", given="Ashish")]))
    assert item.arxiv == "1706.03762" and judge(item, e).by == "arxiv"
