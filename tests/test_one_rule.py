"""One copy of each rule: the places that used to disagree now share one definition and behave alike.

* adding tags ignores case everywhere (duplicate merging used to be case-sensitive);
* one Greek-letter table, the one that round-trips through LaTeX (``\\epsilon`` is ϵ, ``\\varepsilon`` is ε);
* one arXiv-DOI rule (reader, links, duplicate merging and the Zotero bridge agree);
* one list of output formats, month names, service names.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bibkit import app
from bibkit.cli import build_parser
from bibkit.enrich import SERVICES
from bibkit.enrich.match import title_similarity
from bibkit.links import normalize_arxiv_id
from bibkit.model import MONTH_ABBREVIATIONS, Entry, arxiv_doi, arxiv_id_of_doi
from bibkit.normalize.latex import GREEK_LETTERS, decode, encode
from bibkit.outcomes import Service
from bibkit.pipeline import OUTPUT_FORMATS
from bibkit.sources.bibfile import read
from bibkit.tagging import parse_rules, tag_entries
from bibkit.writers import FORMATS, write
from zotero_bridge.itemkeys import arxiv_id_from_doi


# --------------------------------------------------------------------------- tags


def test_entry_add_tags_ignores_case_like_tagging():
    e = Entry(tags=["MoE"])
    assert e.add_tags(["moe", " LLM ", "llm", ""]) == ["LLM"]
    assert e.tags == ["MoE", "LLM"]


def test_merging_duplicates_unions_tags_case_insensitively(tmp_path: Path):
    bib = tmp_path / "dups.bib"
    bib.write_text(
        "@misc{a, title = {Mixture of Experts Explained}, eprint = {2401.06066}, archivePrefix = {arXiv},"
        " keywords = {MoE}}\n"
        "@misc{b, title = {Mixture of Experts Explained}, eprint = {2401.06066}, archivePrefix = {arXiv},"
        " keywords = {moe, LLM}}\n",
        encoding="utf-8")
    out = tmp_path / "out.bib"
    result = app.convert([str(bib)], str(out))
    assert len(result.merges) == 1
    text = out.read_text(encoding="utf-8")
    assert re.search(r"keywords\s*=\s*\{MoE, LLM\}", text), text


def test_tagging_and_merging_agree_on_existing_tags():
    e = Entry(title="Sparse experts", tags=["MoE"])
    e.add_tags(["MOE"])
    ruleset = parse_rules('[[rule]]\ntag = "moe"\ntitle = ["experts"]\n', "mem.toml")
    result = tag_entries([e], ruleset, auto=app.AutoTagOptions(primary_category=False, has_code=False))
    assert e.tags == ["MoE"] and result.entries[0].added == [] and e.record.tags_added == []


# --------------------------------------------------------------------------- Greek letters


@pytest.mark.parametrize("text", ["ε-greedy", "ϵ-greedy", "φ vs ϕ", "θ and ϑ", "ϖ ϱ ς σ", "Ω-net"])
def test_greek_letters_round_trip_through_latex(text: str):
    assert decode(encode(text)) == text
    assert decode(encode(text, ascii=True)) == text


def test_greek_table_follows_tex_glyphs():
    # \epsilon prints the lunate ϵ, \varepsilon the ε of running text (likewise phi): the table the codec uses
    assert GREEK_LETTERS["epsilon"] == "ϵ" and GREEK_LETTERS["varepsilon"] == "ε"
    assert GREEK_LETTERS["phi"] == "ϕ" and GREEK_LETTERS["varphi"] == "φ"
    assert encode("ε").strip("{}").endswith("\\varepsilon")
    assert "\\epsilon" in encode("ϵ")


def test_greek_bibtex_round_trip_through_writer_and_reader():
    doc = read("@misc{k, title = {An ε-greedy view of ϵ-machines and ϕ-divergences}}\n", "in.bib")
    doc.entries[0].title = doc.entries[0].title + " (revised)"  # force the writer to re-encode the title
    again = read(write(doc, "bibtex", ascii=True), "out.bib")
    assert again.entries[0].title == "An ε-greedy view of ϵ-machines and ϕ-divergences (revised)"


@pytest.mark.parametrize("tex", ["$\\epsilon$", "$\\varepsilon$"])
@pytest.mark.parametrize("pasted", ["ε", "ϵ"])
def test_title_matching_sees_every_epsilon_as_one_letter(tex: str, pasted: str):
    score, conflict = title_similarity(f"{tex}-greedy exploration in bandits", f"{pasted}-greedy exploration in bandits")
    assert score == 1.0 and not conflict


# --------------------------------------------------------------------------- arXiv DOIs


@pytest.mark.parametrize("doi", ["10.48550/arXiv.2401.06066", "10.48550/ARXIV.2401.06066", " 10.48550/arxiv.2401.06066 "])
def test_one_arxiv_doi_rule(doi: str):
    assert arxiv_id_of_doi(doi) == "2401.06066"
    assert arxiv_id_from_doi(doi) == "2401.06066"  # the bridge asks the same rule
    assert normalize_arxiv_id(doi.strip()) == ("2401.06066", None)
    assert arxiv_doi("2401.06066") == "10.48550/arXiv.2401.06066"


def test_a_journal_doi_is_not_an_arxiv_doi():
    assert arxiv_id_of_doi("10.1038/s41586-021-03819-2") is None
    assert arxiv_id_of_doi(None) is None


def test_duplicates_by_arxiv_doi_and_eprint_merge(tmp_path: Path):
    bib = tmp_path / "d.bib"
    bib.write_text("@misc{a, title = {One}, doi = {10.48550/arXiv.2401.06066}}\n"
                   "@misc{b, title = {Another title}, eprint = {2401.06066}, archivePrefix = {arXiv}}\n",
                   encoding="utf-8")
    result = app.convert([str(bib)], None)
    assert len(result.document) == 1 and result.merges[0].reasons == ("arxiv",)


# --------------------------------------------------------------------------- vocabularies


def test_one_list_of_output_formats():
    parser = build_parser("convert")
    to = next(a for a in parser._subparsers._group_actions[0].choices["convert"]._actions if a.dest == "to")
    assert tuple(to.choices) == FORMATS == OUTPUT_FORMATS == app.OUTPUT_FORMATS


def test_one_list_of_month_names():
    from bibkit.bibsyntax import MONTH_MACROS

    assert list(MONTH_MACROS) == list(MONTH_ABBREVIATIONS) and MONTH_MACROS["dec"] == 12


def test_one_list_of_services():
    assert SERVICES == app.SERVICES
    assert all(Service(s).label for s in SERVICES)
    # OpenReview first: its step runs before arXiv resolution (an OpenReview link becomes a title to search with)
    assert [Service(s).label for s in SERVICES] == ["OpenReview", "arXiv", "Hugging Face", "Semantic Scholar", "Crossref",
                                                    "DBLP", "OpenAlex", "GitHub"]
