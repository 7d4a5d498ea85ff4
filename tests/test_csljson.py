"""CSL-JSON writer: valid JSON in the shapes pandoc/citeproc expect, Zotero's conventions for arXiv."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bibkit.model import (
    ENTRY_TYPES, Document, Entry, Identifiers, Link, LinkKind, PartialDate, Person, RawBlock, RepoInfo,
)
from bibkit.names import parse_plain_name
from bibkit.writers.csljson import write

DATA = Path(__file__).parent / "data" / "csljson"

#: every item type of CSL 1.0.2 (citationstyles.org, "Appendix III - Types")
CSL_102_TYPES = set("""
article article-journal article-magazine article-newspaper bill book broadcast chapter classic collection dataset
document entry entry-dictionary entry-encyclopedia event figure graphic hearing interview legal_case legislation
manuscript map motion_picture musical_score pamphlet paper-conference patent performance periodical
personal_communication post post-weblog regulation report review review-book software song speech standard thesis
treaty webpage
""".split())

NAME_KEYS = {"family", "given", "non-dropping-particle", "dropping-particle", "suffix", "literal"}


def deepseekmoe() -> Entry:
    e = Entry(
        entry_type="preprint", key="daiDeepSeekMoEUltimateExpert2024",
        title="DeepSeekMoE: Towards Ultimate Expert Specialization in Mixture-of-Experts Language Models",
        abstract="In the era of large language models, Mixture-of-Experts (MoE) is a promising architecture…",
        authors=[parse_plain_name("Damai Dai"), parse_plain_name("Chengqi Deng"), Person(literal="DeepSeek-AI")],
        date=PartialDate(2024, 1, 11), ids=Identifiers(arxiv="2401.06066"), primary_class="cs.CL",
        tags=["mixture-of-experts", "llm"],
    )
    e.add_link(Link(LinkKind.GITHUB, "https://github.com/deepseek-ai/DeepSeek-MoE", "deepseek-ai/DeepSeek-MoE",
                    role="primary", repo=RepoInfo(full_name="deepseek-ai/DeepSeek-MoE")))
    e.add_link(Link(LinkKind.GITHUB, "https://github.com/other/mentioned", "other/mentioned", role="mentioned"))
    return e


def items(*entries: Entry) -> list[dict]:
    text = write(Document(blocks=list(entries)))
    data = json.loads(text)
    assert isinstance(data, list)
    return data


def test_arxiv_preprint_follows_zotero_csl_mapping():
    [item] = items(deepseekmoe())
    assert item == {
        "id": "daiDeepSeekMoEUltimateExpert2024",
        "type": "article",  # Zotero: preprint ↔ CSL article
        "citation-key": "daiDeepSeekMoEUltimateExpert2024",
        "title": "DeepSeekMoE: Towards Ultimate Expert Specialization in Mixture-of-Experts Language Models",
        "author": [{"family": "Dai", "given": "Damai"}, {"family": "Deng", "given": "Chengqi"},
                   {"literal": "DeepSeek-AI"}],
        "issued": {"date-parts": [[2024, 1, 11]]},
        "publisher": "arXiv",  # Zotero: repository → publisher
        "number": "arXiv:2401.06066",  # Zotero: archiveID → number
        "DOI": "10.48550/arXiv.2401.06066",
        "URL": "https://arxiv.org/abs/2401.06066",
        "abstract": "In the era of large language models, Mixture-of-Experts (MoE) is a promising architecture…",
        "keyword": "mixture-of-experts, llm",
        "note": "GitHub: deepseek-ai/DeepSeek-MoE",  # only the paper's own repository
    }


def test_output_is_stable_indented_utf8():
    doc = Document(blocks=[deepseekmoe(), RawBlock("comment", "ignored"),
                           Entry(entry_type="article", key="müller2020", title="Über „Netze“ & <Dinge>",
                                 authors=[parse_plain_name("Rafael Müller")], date=PartialDate(2020))])
    text = write(doc)
    assert text == write(doc)  # deterministic
    assert text.endswith("]\n") and text.startswith("[\n  {\n    \"id\": ")
    assert "Über „Netze“ & <Dinge>" in text and "\\u" not in text  # raw UTF-8, no LaTeX, no escapes
    data = json.loads(text)
    assert [list(item)[:3] for item in data] == [["id", "type", "citation-key"]] * 2
    assert data[1]["issued"] == {"date-parts": [[2020]]}
    assert len(data) == 2  # the @comment block has no CSL form


@pytest.mark.parametrize("date,parts", [
    (PartialDate(2024), [2024]),
    (PartialDate(2024, 3), [2024, 3]),
    (PartialDate(2024, 3, 9), [2024, 3, 9]),
])
def test_date_parts_have_only_known_parts(date, parts):
    [item] = items(Entry(key="k", title="T", date=date))
    assert item["issued"] == {"date-parts": [parts]}
    assert all(isinstance(p, int) for p in item["issued"]["date-parts"][0])


def test_unknown_date_has_no_issued():
    [item] = items(Entry(key="k", title="T"))
    assert "issued" not in item


def test_name_shapes():
    people = [
        parse_plain_name("Ludwig van Beethoven"),
        Person(family="King", given="Martin Luther", suffix="Jr."),
        Person(literal="Qwen Team"),
        Person(family="Plato"),
    ]
    [item] = items(Entry(entry_type="book", key="k", title="T", authors=people, editors=[parse_plain_name("Jane Roe")]))
    assert item["author"] == [
        {"family": "Beethoven", "given": "Ludwig", "non-dropping-particle": "van"},
        {"family": "King", "given": "Martin Luther", "suffix": "Jr."},
        {"literal": "Qwen Team"},
        {"family": "Plato"},
    ]
    assert item["editor"] == [{"family": "Roe", "given": "Jane"}]
    for name in item["author"] + item["editor"]:
        assert set(name) <= NAME_KEYS and all(isinstance(v, str) and v for v in name.values())


def test_journal_article_fields():
    e = Entry(entry_type="article", key="watson1953", title="Molecular Structure of Nucleic Acids",
              authors=[parse_plain_name("J. D. Watson"), parse_plain_name("F. H. C. Crick")],
              date=PartialDate(1953, 4, 25), journal="Nature", volume="171", number="4356", pages="737--738",
              ids=Identifiers(doi="10.1038/171737a0", pmid="13054692", issn="0028-0836"),
              note="One page.", publisher="Nature Publishing Group")
    [item] = items(e)
    assert item["type"] == "article-journal"
    assert item["container-title"] == "Nature"
    assert (item["volume"], item["issue"], item["page"]) == ("171", "4356", "737-738")
    assert "number" not in item  # a journal's number is its issue
    assert item["DOI"] == "10.1038/171737a0" and item["PMID"] == "13054692" and item["ISSN"] == "0028-0836"
    assert item["note"] == "One page."
    assert item["publisher"] == "Nature Publishing Group"
    assert "URL" not in item


def test_report_number_and_thesis_genre_and_extra_fields():
    report = Entry(entry_type="techreport", key="r", title="T", number="TR-7",
                   extra={"institution": "MIT", "address": "Cambridge, MA", "series": "AI Memos", "urldate": "2024-02-03"})
    thesis = Entry(entry_type="phdthesis", key="t", title="T", extra={"school": "ETH Zürich", "language": "german"})
    r, t = items(report, thesis)
    assert (r["type"], r["number"], r["publisher"], r["publisher-place"], r["collection-title"]) == (
        "report", "TR-7", "MIT", "Cambridge, MA", "AI Memos")
    assert r["accessed"] == {"date-parts": [[2024, 2, 3]]}
    assert (t["type"], t["genre"], t["publisher"], t["language"]) == ("thesis", "PhD thesis", "ETH Zürich", "german")


def test_misc_with_eprint_is_treated_as_preprint():
    e = Entry(entry_type="misc", key="k", title="T", ids=Identifiers(arxiv="hep-th/9901001"))
    [item] = items(e)
    assert (item["type"], item["publisher"], item["number"]) == ("article", "arXiv", "arXiv:hep-th/9901001")
    assert item["URL"] == "https://arxiv.org/abs/hep-th/9901001"


def test_published_arxiv_paper_keeps_its_journal_doi():
    e = Entry(entry_type="article", key="k", title="T", journal="JMLR", ids=Identifiers(arxiv="2101.03961",
              doi="10.5555/3586589.3586709"), url="https://jmlr.org/papers/v23/21-0998.html")
    [item] = items(e)
    assert item["type"] == "article-journal"
    assert item["DOI"] == "10.5555/3586589.3586709"
    assert item["URL"] == "https://jmlr.org/papers/v23/21-0998.html"
    assert "publisher" not in item and "number" not in item


@pytest.mark.parametrize("entry_type", sorted(ENTRY_TYPES))
def test_every_model_type_maps_to_a_csl_type(entry_type):
    [item] = items(Entry(entry_type=entry_type, key="k", title="T"))
    assert item["type"] in CSL_102_TYPES


def test_entries_without_keys_get_keys_without_touching_the_document():
    a = Entry(title="Attention Is All You Need", authors=[parse_plain_name("Ashish Vaswani")], date=PartialDate(2017))
    b = Entry(title="Attention Is All You Need", authors=[parse_plain_name("Ashish Vaswani")], date=PartialDate(2017),
              ids=Identifiers(doi="10.1/x"))
    data = items(a, b)
    assert sorted(i["id"] for i in data) == ["vaswaniAttentionAllYou2017", "vaswaniAttentionAllYou2017a"]
    assert a.key is None and b.key is None and a.problems == [] and b.problems == []


def test_matches_the_csl_json_zotero_imports():
    # Zotero's CSL JSON translator test case: the CSL it imports, and the item it expects from it.
    [case] = json.loads((DATA / "zotero-csl-json-import.json").read_text(encoding="utf-8"))
    [source] = json.loads(case["input"])
    [expected] = case["items"]
    creator = expected["creators"][0]
    e = Entry(
        entry_type="book", key=source["id"], title=expected["title"],
        authors=[Person(family=creator["lastName"], given=creator["firstName"])],
        date=PartialDate(2013, 1, 1), publisher=expected["publisher"], volume=expected["volume"],
        ids=Identifiers(isbn=expected["ISBN"]),
        extra={"series": expected["series"], "address": expected["place"], "pagetotal": expected["numPages"],
               "language": expected["language"]},
    )
    [ours] = items(e)
    assert ours["id"] == source["id"] and ours["type"] == source["type"]
    # the same CSL variables, same values; date-parts as numbers (Zotero's input has the year as a string)
    assert ours["issued"] == {"date-parts": [[int(p) for p in source["issued"]["date-parts"][0]]]}
    skip = {"id", "type", "issued", "event-place"}  # event-place: bibkit has no event location
    assert {k: ours.get(k) for k in source if k not in skip} == {k: v for k, v in source.items() if k not in skip}


@settings(max_examples=150, deadline=None)
@given(title=st.text(max_size=60), abstract=st.text(max_size=200), given_=st.text(max_size=15),
       family=st.text(min_size=1, max_size=15))
def test_any_text_round_trips_through_json(title, abstract, given_, family):
    e = Entry(key="k", title=title or None, abstract=abstract or None,
              authors=[Person(family=family, given=given_)] if family.strip() else [])
    [item] = items(e)
    assert item.get("title") == (title or None)
    assert item.get("abstract") == (abstract or None)
    if family.strip():
        assert item["author"][0]["family"] == family


def test_bibtex_others_is_not_written_as_a_name():
    # "Doe, Jane and others" (or a listing's "… et al.") means "and more authors", not a person called others
    from bibkit.bibnames import OTHERS

    [item] = items(Entry(entry_type="misc", key="k", title="T", authors=[parse_plain_name("Jane Doe"), OTHERS],
                         editors=[OTHERS]))
    assert item["author"] == [{"family": "Doe", "given": "Jane"}]
    assert "editor" not in item
