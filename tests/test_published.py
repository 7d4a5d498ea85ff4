"""The verdict on a candidate published version, and the choice among several (bibkit.enrich.published)."""

from __future__ import annotations

from bibkit.enrich.match import Evidence
from bibkit.enrich.published import Published, choose, judge

AUTHORS = ["Ada Lovelace", "Alan Turing", "Grace Hopper", "Edsger Dijkstra"]
PREPRINT = Evidence.from_names("Sparse Routers for Mixture-of-Experts Language Models", None, AUTHORS, 2023)


def cand(**kw) -> Published:
    base = dict(source="crossref", kind="inproceedings", title="Sparse Routers for Mixture-of-Experts Language Models",
                authors=tuple(AUTHORS), year=2024, container="Proceedings of Something", doi="10.1/x",
                found_by={"crossref-search"})
    base.update(kw)
    return Published(**base)


def test_title_and_authors_make_a_searched_candidate():
    j = judge(PREPRINT, cand())
    assert j.accepted and j.confidence >= 0.9 and not j.renamed


def test_authors_must_overlap_and_exist():
    assert not judge(PREPRINT, cand(authors=("Someone Else", "Another Person"))).accepted
    j = judge(PREPRINT, cand(authors=()))
    assert not j.accepted and "no authors" in j.reason
    assert judge(PREPRINT, cand(authors=tuple(AUTHORS[:2]) + ("New Coauthor",))).accepted  # half is enough


def test_not_before_the_preprint_unless_the_arxiv_record_names_it():
    j = judge(PREPRINT, cand(year=2021))
    assert not j.accepted and "before the preprint" in j.reason
    assert judge(PREPRINT, cand(year=2021, found_by={"arxiv-doi"})).accepted
    # even the arXiv record's DOI cannot make an older, differently titled paper this one
    assert not judge(PREPRINT, cand(year=2021, found_by={"arxiv-doi"}, title="A Different Thing Entirely")).accepted


def test_near_miss_titles_are_refused_from_search():
    for title in ("Sparse Routers for Mixture-of-Experts Language Models II",
                  "Sparse Routers for Mixture-of-Experts Vision Models",
                  "Erratum: Sparse Routers for Mixture-of-Experts Language Models"):
        assert not judge(PREPRINT, cand(title=title)).accepted, title


def test_a_renamed_publication_needs_links():
    renamed = dict(title="RouterNet: Learning Where Tokens Go")
    assert not judge(PREPRINT, cand(**renamed)).accepted  # a search alone: no
    assert not judge(PREPRINT, cand(found_by={"s2"}, **renamed)).accepted  # one link, titles unrelated: no
    j = judge(PREPRINT, cand(found_by={"s2", "crossref-relation"}, **renamed))
    assert j.accepted and j.renamed and j.confidence == 0.85
    # one link and a recognisably similar title
    assert judge(PREPRINT, cand(found_by={"s2"}, title="Sparse Routers for Mixture-of-Experts LLMs")).accepted
    # a second description of the preprint (Semantic Scholar's record under the new title) vouches for a search hit
    s2 = Evidence.from_names("RouterNet: Learning Where Tokens Go", None, AUTHORS, None)
    j = judge(PREPRINT, cand(source="dblp", found_by={"dblp-search"}, **renamed), also=s2)
    assert j.accepted and j.renamed


def test_versions_in_titles_stay_apart_even_when_linked():
    j = judge(Evidence.from_names("Qwen2 Technical Report", None, AUTHORS, 2024),
              cand(title="Qwen2.5 Technical Report", found_by={"s2"}, year=2024))
    assert not j.accepted


def test_choose_prefers_the_main_venue_and_linked_candidates():
    main = cand(container="International Conference on Learning Representations", doi=None, source="dblp")
    workshop = cand(container="Workshop on Sparsity", doi="10.1/w", workshop=True, found_by={"s2"})
    judged = [(c, judge(PREPRINT, c)) for c in (workshop, main)]
    assert choose(judged).winner[0] is main
    linked = cand(doi="10.1/linked", found_by={"arxiv-doi"}, container="Journal A", kind="article")
    searched = cand(doi="10.1/searched", container="Journal B", kind="article", year=2025)
    assert choose([(c, judge(PREPRINT, c)) for c in (searched, linked)]).winner[0] is linked


def test_two_equal_publications_are_a_tie():
    a = cand(doi="10.1/a", container="Journal A", kind="article")
    b = cand(doi="10.1/b", container="Journal B", kind="article")
    picked = choose([(c, judge(PREPRINT, c)) for c in (a, b)])
    assert picked.winner is None and picked.tie


def test_one_publication_seen_by_two_sources_is_one():
    a = cand(doi="10.1/a")
    b = cand(doi="10.1/A", source="dblp", pages="1–10")
    a.merge(b)
    assert a.identity == b.identity and a.pages == "1–10"
