"""Duplicate merging inside one run (and its place in normalise())."""

from __future__ import annotations

from bibkit.model import (
    Document, Entry, Identifiers, Link, LinkKind, PartialDate, Person, Provenance, RawBlock, SourceLocation,
)
from bibkit.names import parse_plain_name
from bibkit.normalize import normalise
from bibkit.normalize.dedupe import merge_duplicates, same_first_author
from bibkit.normalize.text import normalize_title

ABSTRACT = ("We introduce a mixture-of-experts architecture that segments experts finely and isolates shared "
            "experts, reaching the quality of dense models with a fraction of the computation.")
TITLE = "DeepSeekMoE: Towards Ultimate Expert Specialization in Mixture-of-Experts Language Models"


def entry(title: str | None = TITLE, authors: tuple[str, ...] = (), year: int | None = None, *, line: int = 1,
          arxiv: str | None = None, doi: str | None = None, abstract: str | None = None, key: str | None = None,
          pinned: bool = False, entry_type: str = "misc", file: str = "in.txt") -> Entry:
    return Entry(
        entry_type=entry_type, title=title, abstract=abstract, authors=[parse_plain_name(a) for a in authors],
        date=PartialDate(year) if year else None, ids=Identifiers(arxiv=arxiv, doi=doi), key=key,
        key_pinned=pinned, origin=SourceLocation(file, line),
    )


def doc_of(*entries: Entry) -> Document:
    return Document(blocks=list(entries))


# --------------------------------------------------------------------------- text normalisation


def test_normalize_title_ignores_noise_but_keeps_versions_apart():
    same = [
        TITLE,
        "deepseekmoe: towards ultimate expert specialization in mixture of experts language models",
        "{DeepSeekMoE}: Towards Ultimate Expert Specialization in {Mixture-of-Experts} Language Models",
        "DeepSeekMoE — Towards  Ultimate Expert\nSpecialization in Mixture‑of‑Experts Language Models.",
    ]
    assert len({normalize_title(t) for t in same}) == 1
    assert normalize_title("Qwen2.5 Technical Report") != normalize_title("Qwen2 Technical Report")
    assert normalize_title("Qwen2.5 Technical Report") != normalize_title("Qwen2.5-Coder Technical Report")
    assert normalize_title(r"\"{U}ber die {\"A}hnlichkeit \& Co") == normalize_title("Über die Ähnlichkeit & Co")
    assert normalize_title("Über die Ähnlichkeit & Co") == "uber die ahnlichkeit and co"
    assert normalize_title(r"Stra\ss{}e") == normalize_title("Straße") == "strasse"
    assert normalize_title("GPT-4’s Abilities") == normalize_title("GPT-4's abilities") == "gpt 4s abilities"
    assert normalize_title("深度学习：综述") == "深度学习 综述"  # other scripts kept as they are
    assert normalize_title(None) == "" and normalize_title("") == ""


def test_same_first_author_ignores_particles_accents_case():
    assert same_first_author(parse_plain_name("Laurens van der Maaten"), Person(family="Maaten", given="L."))
    assert same_first_author(parse_plain_name("Rafael Müller"), parse_plain_name("R. Muller"))
    assert same_first_author(Person(literal="DeepSeek-AI"), Person(literal="deepseek ai"))
    assert not same_first_author(parse_plain_name("Damai Dai"), parse_plain_name("Zihang Dao"))


# --------------------------------------------------------------------------- identity rules


def test_same_arxiv_id_merges_and_fills_missing_fields():
    listing = entry(abstract=ABSTRACT, line=3)
    listing.add_link(Link(LinkKind.GITHUB, "https://github.com/deepseek-ai/DeepSeek-MoE", "deepseek-ai/DeepSeek-MoE"))
    listing.add_tags(["moe"])
    listing.ids.arxiv = "2401.06066"
    from_ids = entry(None, ("Damai Dai", "Chengqi Deng"), 2024, arxiv="2401.06066", line=9)
    from_ids.ids.arxiv_version = 2
    from_ids.provenance["authors"] = Provenance("arxiv", 1.0, "id_list")
    from_ids.add_link(Link(LinkKind.GITHUB, "https://github.com/deepseek-ai/deepseek-moe", "deepseek-ai/deepseek-moe"))
    from_ids.add_link(Link(LinkKind.HF_MODEL, "https://huggingface.co/deepseek-ai/x", "deepseek-ai/x"))
    from_ids.add_tags(["llm", "moe"])
    from_ids.problem("empty-year", "pretend problem")
    doc = doc_of(listing, from_ids)

    merges = merge_duplicates(doc)

    assert doc.entries == [listing]
    assert len(merges) == 1
    m = merges[0]
    assert m.kept is listing and m.merged is from_ids and m.reasons == ("arxiv",)
    assert listing.authors[0].family == "Dai" and listing.year == 2024
    assert listing.ids.arxiv_version == 2
    assert listing.provenance["authors"] == Provenance("arxiv", 1.0, "id_list")  # the source's own provenance
    assert listing.provenance["date"].source == "merge"
    assert "in.txt:9" in (listing.provenance["date"].detail or "")
    assert set(m.filled) >= {"authors", "date", "ids.arxiv_version"}
    # links unioned by identity (case-insensitive repo), order kept; tags unioned, order kept
    assert [link.target for link in listing.links] == ["deepseek-ai/DeepSeek-MoE", "deepseek-ai/x"]
    assert listing.tags == ["moe", "llm"]
    assert [p.code for p in listing.problems] == ["empty-year"]
    assert listing.meta["merged_from"] == ["the entry at in.txt:9"]


def test_arxiv_doi_counts_as_the_arxiv_id():
    a = entry(arxiv="2401.06066")
    b = entry(None, doi="10.48550/arXiv.2401.06066")
    doc = doc_of(a, b)
    assert [m.reasons for m in merge_duplicates(doc)] == [("arxiv",)]
    assert doc.entries == [a] and a.ids.doi == "10.48550/arXiv.2401.06066"


def test_same_doi_merges_case_insensitively():
    a = entry("A Paper", doi="10.1145/ABC.123")
    b = entry("A paper (extended)", ("Ann Smith",), 2020, doi="10.1145/abc.123")
    doc = doc_of(a, b)
    merges = merge_duplicates(doc)
    assert [m.reasons for m in merges] == [("doi",)]
    assert merges[0].conflicts == {"title": "A paper (extended)"}  # differing values are reported, not lost
    assert a.title == "A Paper" and a.authors[0].family == "Smith"


def test_same_doi_but_different_arxiv_ids_is_not_merged():
    a = entry("X", doi="10.1/x", arxiv="2401.00001")
    b = entry("X", doi="10.1/x", arxiv="2401.00002", line=2)
    doc = doc_of(a, b)
    assert merge_duplicates(doc) == []
    assert len(doc) == 2
    assert [p.code for p in b.problems] == ["doi-conflict"]


def test_same_title_different_arxiv_ids_kept_apart_with_problem():
    survey1 = entry("A Survey on Mixture of Experts", ("Weilin Cai",), 2024, arxiv="2407.06204", line=1)
    survey2 = entry("A Survey on Mixture of Experts", ("Weilin Cai",), 2024, arxiv="2503.07137", line=5)
    doc = doc_of(survey1, survey2)
    assert merge_duplicates(doc, key_of=lambda e: "caiSurveyMixtureExperts2024") == []
    assert len(doc) == 2
    assert survey1.problems == []
    [p] = survey2.problems
    assert p.code == "same-title"
    assert "caiSurveyMixtureExperts2024 (in.txt:1)" in p.message and "2503.07137" in p.message


def test_different_dois_are_not_merged():
    a = entry("Deep Learning", ("Ann Smith",), 2020, doi="10.1/a")
    b = entry("Deep Learning", ("Ann Smith",), 2020, doi="10.1/b", line=2)
    doc = doc_of(a, b)
    assert merge_duplicates(doc) == []
    assert "different DOI" in b.problems[0].message


def test_title_and_first_author_merge():
    a = entry(TITLE, ("Damai Dai", "Chengqi Deng"), 2024)
    b = entry(TITLE.upper(), ("D. Dai",), 2024, line=2)
    doc = doc_of(a, b)
    assert [m.reasons for m in merge_duplicates(doc)] == [("title",)]


def test_title_with_different_first_authors_is_not_merged():
    a = entry("A Survey on Mixture of Experts", ("Weilin Cai",), 2024)
    b = entry("A Survey on Mixture of Experts", ("Siyuan Mu",), 2025, line=2)
    doc = doc_of(a, b)
    assert merge_duplicates(doc) == []
    assert "different first author" in b.problems[0].message


def test_title_alone_merges_an_authorless_listing_entry_unless_years_conflict():
    listing = entry(TITLE, abstract=ABSTRACT)
    enriched = entry(TITLE, ("Damai Dai",), 2024, abstract=ABSTRACT + " Code is available.", line=2)
    doc = doc_of(listing, enriched)
    assert [m.reasons for m in merge_duplicates(doc)] == [("title",)]
    assert listing.authors and listing.abstract == ABSTRACT

    old = entry("Deep Learning", year=2015)
    new = entry("Deep Learning", ("Ann Smith",), 2016, line=2)
    doc = doc_of(old, new)
    assert merge_duplicates(doc) == []
    assert "different year" in new.problems[0].message


def test_title_only_match_with_unrelated_abstracts_is_not_merged():
    a = entry("A Survey on Mixture of Experts", abstract=ABSTRACT)
    b = entry("A Survey on Mixture of Experts", line=2,
              abstract="Mixture of experts models route tokens to specialised sub-networks; we review routing, "
                       "load balancing and systems work, and chart open problems for sparse scaling.")
    doc = doc_of(a, b)
    assert merge_duplicates(doc) == []
    assert "different abstract" in b.problems[0].message


def test_pasted_twice_listing_merges_every_duplicate_and_keeps_raw_blocks_in_place():
    first = [entry(f"Paper number {i} about things", abstract=f"Abstract {i} " * 10, line=i) for i in range(3)]
    again = [entry(f"Paper number {i} about things", abstract=f"Abstract {i} " * 10, line=10 + i) for i in range(3)]
    note = RawBlock("comment", "keep me")
    doc = Document(blocks=[first[0], note, first[1], first[2], *again])
    merges = merge_duplicates(doc)
    assert len(merges) == 3
    assert doc.blocks == [first[0], note, first[1], first[2]]
    assert [m.merged for m in merges] == again


def test_transitive_identity_through_filled_identifiers():
    listing = entry(TITLE)  # no IDs
    with_arxiv = entry(TITLE, arxiv="2401.06066", doi="10.48550/arXiv.2401.06066", line=2)
    with_doi = entry(None, doi="10.48550/ARXIV.2401.06066", line=3)
    doc = doc_of(listing, with_arxiv, with_doi)
    merges = merge_duplicates(doc)
    assert [m.reasons for m in merges] == [("title",), ("arxiv",)]
    assert doc.entries == [listing] and listing.ids.arxiv == "2401.06066"


def test_journal_doi_replaces_arxiv_doi():
    preprint = entry(TITLE, ("Damai Dai",), 2024, arxiv="2401.06066", doi="10.48550/arXiv.2401.06066")
    published = entry(TITLE, ("Damai Dai",), 2024, arxiv="2401.06066", doi="10.18653/v1/2024.acl-long.70", line=2)
    doc = doc_of(preprint, published)
    [m] = merge_duplicates(doc)
    assert preprint.ids.doi == "10.18653/v1/2024.acl-long.70"
    assert m.conflicts["ids.doi"] == "10.48550/arXiv.2401.06066"


# --------------------------------------------------------------------------- keys


def test_kept_entry_adopts_a_pinned_key():
    listing = entry(TITLE)
    bib = entry(TITLE, ("Damai Dai",), 2024, key="dai2024moe", pinned=True, file="refs.bib", line=4)
    doc = doc_of(listing, bib)
    result = normalise(doc, key_format=None)
    assert listing.key == "dai2024moe" and listing.key_pinned
    assert result.merged_into() == {"dai2024moe": ["dai2024moe"]}


def test_two_pinned_keys_merged_keep_an_alias():
    a = entry(TITLE, arxiv="2401.06066", key="dai2024", pinned=True, file="a.bib")
    b = entry(TITLE, arxiv="2401.06066", key="deepseekmoe", pinned=True, file="b.bib", line=7)
    doc = doc_of(a, b)
    result = normalise(doc)
    assert a.key == "dai2024"
    assert a.extra["ids"] == "deepseekmoe"
    [p] = [p for p in a.problems if p.code == "merged-key"]
    assert "deepseekmoe" in p.message and "b.bib:7" in p.message and p.key == "dai2024"
    assert result.merged_into() == {"dai2024": ["deepseekmoe"]}


def test_normalise_merges_before_keying():
    # without merging first, the duplicate would have taken "daiDeepSeekMoEUltimateExpert2024" and pushed
    # the other to "...a"
    listing = entry(TITLE, abstract=ABSTRACT, line=1)
    unrelated = entry("Attention Is All You Need", ("Ashish Vaswani",), 2017, line=2)
    enriched = entry(TITLE, ("Damai Dai",), 2024, arxiv="2401.06066", line=3)
    listing.ids.arxiv = "2401.06066"
    doc = doc_of(listing, unrelated, enriched)
    result = normalise(doc)
    assert [e.key for e in doc.entries] == ["daiDeepSeekMoEUltimateExpert2024", "vaswaniAttentionAllYou2017"]
    assert result.merged_into() == {"daiDeepSeekMoEUltimateExpert2024": ["daiDeepSeekMoEUltimateExpert2024"]}
    d = result.as_dict()
    assert d["merges"][0]["kept_source"] == "in.txt:1" and d["merges"][0]["merged_source"] == "in.txt:3"
    assert [c["new"] for c in d["key_changes"]] == ["daiDeepSeekMoEUltimateExpert2024", "vaswaniAttentionAllYou2017"]


def test_normalise_without_dedupe_keeps_both_and_keys_them_apart():
    doc = doc_of(entry(TITLE, ("Damai Dai",), 2024), entry(TITLE, ("Damai Dai",), 2024, line=2))
    result = normalise(doc, dedupe=False)
    assert result.merges == []
    assert sorted(e.key for e in doc.entries) == ["daiDeepSeekMoEUltimateExpert2024",
                                                  "daiDeepSeekMoEUltimateExpert2024a"]
