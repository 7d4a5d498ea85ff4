"""BibTeX/BibLaTeX writer: arXiv's recommended fields, stable layout, verbatim round trip of .bib input."""

from __future__ import annotations

import pytest

from bibkit.model import Document, Entry, Link, LinkKind, PartialDate, Person, RawBlock, RepoInfo
from bibkit.sources.bibfile import read
from bibkit.writers import FORMATS, write
from bibkit.writers.bibtex import format_entry, output_type
from bibkit.writers.bibtex import write as write_bib


def _preprint(**kw) -> Entry:
    e = Entry(entry_type="preprint", key="dai2024deepseekmoe",
              title="DeepSeekMoE: Towards Ultimate Expert Specialization in Mixture-of-Experts Language Models",
              authors=[Person(literal="DeepSeek-AI"), Person(family="Dai", given="Damai")],
              date=PartialDate(2024, 1, 11), abstract="We use 100% of $5 & more.", tags=["moe", "llm"])
    e.ids.arxiv = "2401.06066"
    e.primary_class = "cs.CL"
    e.links.append(Link(LinkKind.GITHUB, "https://github.com/deepseek-ai/DeepSeek-MoE",
                        target="deepseek-ai/DeepSeek-MoE", role="primary"))
    for k, v in kw.items():
        setattr(e, k, v)
    return e


def test_arxiv_preprint_bibtex_exact_layout() -> None:
    assert format_entry(_preprint()) == "\n".join([
        "@misc{dai2024deepseekmoe,",
        "  author = {{DeepSeek-AI} and Dai, Damai},",
        "  title = {{DeepSeekMoE}: Towards Ultimate Expert Specialization in Mixture-of-Experts Language Models},",
        "  year = 2024,",
        "  month = jan,",
        "  day = {11},",
        "  doi = {10.48550/arXiv.2401.06066},",
        "  eprint = {2401.06066},",
        "  archivePrefix = {arXiv},",
        "  primaryClass = {cs.CL},",
        "  url = {https://arxiv.org/abs/2401.06066},",
        "  keywords = {moe, llm},",
        "  github = {deepseek-ai/DeepSeek-MoE},",
        r"  abstract = {We use 100\% of \$5 \& more.},",
        "}",
    ])


def test_arxiv_preprint_biblatex_exact_layout() -> None:
    assert format_entry(_preprint(), dialect="biblatex") == "\n".join([
        "@online{dai2024deepseekmoe,",
        "  author = {{DeepSeek-AI} and Dai, Damai},",
        "  title = {{DeepSeekMoE}: Towards Ultimate Expert Specialization in Mixture-of-Experts Language Models},",
        "  date = {2024-01-11},",
        "  doi = {10.48550/arXiv.2401.06066},",
        "  eprint = {2401.06066},",
        "  eprinttype = {arxiv},",
        "  eprintclass = {cs.CL},",
        "  url = {https://arxiv.org/abs/2401.06066},",
        "  keywords = {moe, llm},",
        "  github = {deepseek-ai/DeepSeek-MoE},",
        r"  abstract = {We use 100\% of \$5 \& more.},",
        "}",
    ])


def test_published_article_keeps_eprint_but_no_arxiv_doi() -> None:
    e = _preprint(entry_type="article", journal="Journal of Mixtures", volume="3", pages="1–10")
    out = format_entry(e)
    assert out.startswith("@article{") and "  journal = {Journal of Mixtures}," in out
    assert "  eprint = {2401.06066}," in out and "  archivePrefix = {arXiv}," in out
    assert "doi" not in out and "url" not in out and "  pages = {1--10}," in out
    bl = format_entry(e, dialect="biblatex")
    assert bl.startswith("@article{") and "  journaltitle = {Journal of Mixtures}," in bl


def test_arxiv_entry_with_its_own_doi_uses_it() -> None:
    e = _preprint()
    e.ids.doi = "10.1000/published"
    assert "  doi = {10.1000/published}," in format_entry(e)


def test_code_note_is_appended_and_compiles_in_both_dialects_text() -> None:
    e = _preprint(note="Accepted at ICML")
    out = format_entry(e, code_note=True)
    assert r"  note = {Accepted at ICML. Code: \url{https://github.com/deepseek-ai/DeepSeek-MoE}}," in out
    e2 = _preprint()
    assert r"  note = {Code: \url{https://github.com/deepseek-ai/DeepSeek-MoE}}," in format_entry(e2, code_note=True)
    e3 = _preprint(note="Code at https://github.com/deepseek-ai/DeepSeek-MoE")  # already there: no duplicate
    assert "Code: \\url" not in format_entry(e3, code_note=True)
    assert "note" not in format_entry(_preprint())  # off by default


def test_github_field_uses_the_canonical_name_once_enriched() -> None:
    e = _preprint()
    e.links[0].repo = RepoInfo(full_name="deepseek-ai/DeepSeek-MoE-v2", status="renamed")
    assert "  github = {deepseek-ai/DeepSeek-MoE-v2}," in format_entry(e)
    e.links[0].role = "mentioned"
    assert "github" not in format_entry(e)


def test_authorless_entry_gets_a_key_field_and_never_an_invented_year() -> None:
    e = Entry(entry_type="preprint", key="k", title="A Survey on Mixture of Experts", abstract="Text.")
    out = format_entry(e)
    assert "  key = {Survey}," in out
    assert "year" not in out and "date" not in out
    assert out.startswith("@misc{k,")
    with_author = Entry(entry_type="misc", key="k2", title="The Thing", authors=[Person(family="X")])
    assert "key =" not in format_entry(with_author)


def test_ascii_output() -> None:
    e = Entry(entry_type="article", key="k", title="Über NLP – α-Divergences", journal="Zeitschrift für Physik",
              authors=[Person(family="Müller", given="Jörg")], date=PartialDate(2020))
    out = format_entry(e, ascii=True)
    assert out.isascii()
    assert r'  author = {M{\"u}ller, J{\"o}rg},' in out
    assert r'  title = {{\"U}ber {NLP} -- {\ensuremath{\alpha}}-Divergences},' in out
    assert r'  journal = {Zeitschrift f{\"u}r Physik},' in out
    utf8 = format_entry(e)
    assert "  author = {Müller, Jörg}," in utf8 and "Über {NLP} --" in utf8


def test_characters_pdflatex_cannot_typeset_are_kept_and_reported() -> None:
    e = Entry(entry_type="misc", key="k", title="中文 Title", authors=[Person(family="X")])
    out = format_entry(e)
    assert "中文" in out
    assert [p.code for p in e.problems] == ["unencodable"]
    format_entry(e)
    assert len(e.problems) == 1  # not repeated on a second write


@pytest.mark.parametrize(
    "etype, bibtex, biblatex",
    [
        ("preprint", "misc", "online"), ("article", "article", "article"), ("online", "misc", "online"),
        ("software", "misc", "software"), ("report", "techreport", "report"), ("thesis", "phdthesis", "thesis"),
        ("electronic", "misc", "online"), ("patent", "misc", "patent"), ("inproceedings", "inproceedings",
                                                                           "inproceedings"),
    ],
)
def test_output_types(etype: str, bibtex: str, biblatex: str) -> None:
    e = Entry(entry_type=etype, key="k", title="T")
    assert output_type(e, "bibtex") == bibtex
    assert output_type(e, "biblatex") == biblatex


def test_article_with_arxiv_but_no_journal_becomes_misc() -> None:
    e = Entry(entry_type="article", key="k", title="T")
    e.ids.arxiv = "2401.06066"
    assert output_type(e, "bibtex") == "misc" and output_type(e, "biblatex") == "online"


def test_extra_fields_written_encoded_unless_verbatim() -> None:
    e = Entry(entry_type="book", key="k", title="T", publisher="P & Q", date=PartialDate(2000),
              authors=[Person(family="A")], extra={"address": "Zürich & Bern", "file": r"C:\a_b.pdf",
                                                    "biburl": "https://x.org/a_b%20"})
    out = format_entry(e, ascii=True)
    assert r'  address = {Z{\"u}rich \& Bern},' in out
    assert r"  file = {C:\a_b.pdf}," in out and "  biburl = {https://x.org/a_b%20}," in out
    assert r"  publisher = {P \& Q}," in out


def test_fresh_field_order_is_stable() -> None:
    e = Entry(entry_type="inproceedings", key="k", title="T", booktitle="B", publisher="P", volume="1",
              number="2", pages="3", note="N", url="https://x.org", authors=[Person(family="A")],
              editors=[Person(family="E")], date=PartialDate(2001, 2), extra={"series": "S"}, tags=["t"])
    e.ids.doi = "10.1/x"
    names = [line.split(" = ")[0].strip() for line in format_entry(e).splitlines()[1:-1]]
    assert names == ["author", "editor", "title", "booktitle", "year", "month", "volume", "number", "pages",
                     "publisher", "series", "doi", "url", "note", "keywords"]


def test_document_layout_and_raw_blocks() -> None:
    doc = Document(blocks=[
        RawBlock("text", "Some notes\n% already a comment"),
        RawBlock("preamble", '"\\newcommand{\\x}{y}"'),
        RawBlock("string", '"Foo"', name="foo"),
        RawBlock("comment", "jabref-meta: databaseType:bibtex;"),
        Entry(entry_type="misc", key="a", title="A", authors=[Person(family="X")]),
        RawBlock("text", "@article{broken,\n  title = {never closed"),
        Entry(entry_type="misc", key="b", title="B", authors=[Person(family="Y")]),
    ])
    out = write(doc)
    assert out == "\n".join([
        "% Some notes", "% already a comment", "",
        '@preamble{"\\newcommand{\\x}{y}"}', "",
        '@string{foo = "Foo"}', "",
        "@comment{jabref-meta: databaseType:bibtex;}", "",
        "@misc{a,", "  author = {X},", "  title = {A},", "}", "",
        "@article{broken,", "  title = {never closed", "",  # the text of a failed block is kept verbatim
        "@misc{b,", "  author = {Y},", "  title = {B},", "}", "",
    ])


def test_entry_without_key_gets_a_unique_fallback() -> None:
    doc = Document(blocks=[Entry(entry_type="misc", title="Same Title", authors=[Person(family="X")]),
                           Entry(entry_type="misc", title="Same Title", authors=[Person(family="Y")]),
                           Entry(entry_type="misc", key="same", title="Same Title")])
    out = write(doc)
    heads = [line for line in out.splitlines() if line.startswith("@")]
    assert heads == ["@misc{same-1,", "@misc{same-2,", "@misc{same,"]


# ----------------------------------------------------------------------------- entries read from a .bib

SOURCE = r"""@Article{Key1,
  AUTHOR = {M{\"u}ller, J{\"o}rg},
  title = "An " # {{Old}} # " Title",
  journal = jrn,
  year = 1999,
  month = mar,
  note = {Keep me \& this},
  custom = {x_y},
}
"""


def test_untouched_fields_are_copied_verbatim() -> None:
    doc = read('@string{jrn = "J"}\n' + SOURCE, "s.bib")
    out = write(doc)
    assert out == '@string{jrn = "J"}\n\n' + SOURCE


def test_changed_fields_are_reencoded_in_place_and_new_ones_appended() -> None:
    doc = read(SOURCE, "s.bib")
    e = doc.entries[0]
    e.set("title", "A New Title with NLP & More", source="arxiv")
    e.set_id("doi", "10.1000/new", source="crossref")
    e.date = PartialDate(2001, 5)
    out = write(doc)
    assert out.splitlines() == [
        "@Article{Key1,",
        r"  AUTHOR = {M{\"u}ller, J{\"o}rg},",
        r"  title = {A New Title with {NLP} \& More},",
        "  journal = jrn,",
        "  year = 2001,",
        "  month = may,",
        r"  note = {Keep me \& this},",
        "  custom = {x_y},",
        "  doi = {10.1000/new},",
        "}",
    ]


def test_removed_field_disappears_and_type_change_is_written() -> None:
    doc = read(SOURCE, "s.bib")
    e = doc.entries[0]
    e.note = None
    e.entry_type = "inproceedings"
    out = write(doc)
    assert "note" not in out and out.startswith("@inproceedings{Key1,")


def test_code_note_on_a_verbatim_note_keeps_its_expression() -> None:
    doc = read(SOURCE + '\n@misc{k2, author = {A}, title = {T}, note = "Old" # { note}}', "s.bib")
    for e in doc.entries:
        e.add_link(Link(LinkKind.GITHUB, "https://github.com/o/n", target="o/n", role="primary"))
    out = write(doc, code_note=True)
    assert r"  note = {Keep me \& this. Code: \url{https://github.com/o/n}}," in out
    assert r'  note = "Old" # { note} # {. Code: \url{https://github.com/o/n}},' in out
    assert "  github = {o/n}," in out


def test_ascii_rewrites_non_ascii_in_verbatim_copies() -> None:
    doc = read("@misc{k, author = {Müller, Jörg}, title = {Zürich}, url = {https://x.org/ü}}", "s.bib")
    out = write(doc, ascii=True)
    assert r'author = {M{\"u}ller, J{\"o}rg}' in out and r'title = {Z{\"u}rich}' in out
    assert "url = {https://x.org/ü}" in out  # URLs are never touched


def test_bibtex_dialect_rewrites_biblatex_only_fields() -> None:
    doc = read("""@online{k,
  author = {A, B},
  title = {T},
  date = {2024-09-19},
  journaltitle = {J},
  eprint = {2409.12345},
  eprinttype = {arxiv},
  eprintclass = {cs.CL},
  location = {Zürich},
}""", "s.bib")
    out = write(doc, "bibtex")
    assert out.splitlines() == [
        "@misc{k,", "  author = {A, B},", "  title = {T},", "  year = 2024,", "  month = sep,", "  day = {19},",
        "  journal = {J},", "  eprint = {2409.12345},", "  archivePrefix = {arXiv},", "  primaryClass = {cs.CL},",
        "  address = {Zürich},", "}",
    ]
    # BibLaTeX keeps everything as written
    assert write(doc, "biblatex") == write(read(write(doc, "biblatex"), "again.bib"), "biblatex")
    assert "  date = {2024-09-19}," in write(doc, "biblatex")


def test_biblatex_dialect_rewrites_a_month_biber_cannot_sort() -> None:
    doc = read('@misc{k, author = {A}, title = {T}, year = 2019, month = "June"}', "s.bib")
    assert "  date = {2019-06}," in write(doc, "biblatex")
    assert '  month = "June",' in write(doc, "bibtex")


def test_dispatcher() -> None:
    doc = Document(blocks=[_preprint()])
    assert write(doc, "bibtex") == write_bib(doc, dialect="bibtex")
    assert write(doc, "BibLaTeX") == write_bib(doc, dialect="biblatex")
    assert FORMATS == ("bibtex", "biblatex", "csl-json")
    with pytest.raises(ValueError):
        write(doc, "ris")
    with pytest.raises(ValueError):
        write_bib(doc, dialect="amsrefs")


def test_our_github_field_reads_back_as_the_primary_code_link() -> None:
    for dialect in ("bibtex", "biblatex"):
        back = read(write(Document(blocks=[_preprint()]), dialect), "o.bib").entries[0]
        assert back.code_repo is not None and back.code_repo.target == "deepseek-ai/DeepSeek-MoE"
        assert back.code_repo.role == "primary"
        assert (back.ids.arxiv, back.primary_class, back.tags) == ("2401.06066", "cs.CL", ["moe", "llm"])
        assert back.title == _preprint().title and back.authors == _preprint().authors


# ----------------------------------------------------------------------------- corner cases (QA)


def _corner() -> Entry:
    e = Entry(entry_type="misc", key="corner",
              title="The $k$-means & $\\mathcal{O}(n)$ Bound: 50% of #1 a_b ~x^2 {unbalanced",
              authors=[Person(literal="Barnes and Noble, Inc."), Person(family="Waals", given="J. D.", particle="van der"),
                       Person(family="King", given="Martin Luther", suffix="Jr."), Person(literal="others")],
              url="https://example.org/a_b%20c?x=1&y=2#frag", note="See https://example.org/a_b%20c#x, 50% off",
              date=PartialDate(2021), tags=["C++", "R&D", "50%", "a_b", "#hash"])
    e.ids.doi = "10.1002/(SICI)1097-4636(199812)43:4<389::AID-JBM6>3.0.CO;2-A"
    return e


@pytest.mark.parametrize("dialect", ["bibtex", "biblatex"])
@pytest.mark.parametrize("ascii", [False, True], ids=["utf8", "ascii"])
def test_specials_urls_dois_names_and_keywords_round_trip(dialect: str, ascii: bool) -> None:
    e = _corner()
    out = write(Document(blocks=[e]), dialect, ascii=ascii)
    assert "url = {https://example.org/a_b%20c?x=1&y=2#frag}," in out  # verbatim fields are never escaped
    assert "doi = {10.1002/(SICI)1097-4636(199812)43:4<389::AID-JBM6>3.0.CO;2-A}," in out
    assert "$k$-means" in out and "$\\mathcal{O}(n)$" in out  # math stays math
    [back] = read(out, "x.bib").entries
    assert (back.title, back.note, back.url, back.ids.doi, back.tags) == (e.title, e.note, e.url, e.ids.doi, e.tags)
    assert back.authors == e.authors
    assert write(read(out, "x.bib"), dialect, ascii=ascii) == out


def test_greek_words_stay_utf8_greek_symbols_become_math() -> None:
    e = Entry(entry_type="misc", key="g", title="α-Divergence for Ελληνικά Texts", date=PartialDate(2020),
              authors=[Person(family="Doe", given="Jane")])
    out = write(Document(blocks=[e]), "bibtex")
    assert "{\\ensuremath{\\alpha}}-Divergence for Ελληνικά Texts" in out
    assert [p.code for p in e.problems] == ["unencodable"] and "λ" in e.problems[0].message
    assert read(out, "x.bib").entries[0].title == e.title
    assert "{\\ensuremath{\\lambda}}" in write(Document(blocks=[e]), "bibtex", ascii=True)  # ASCII asked: macros


def test_authorless_entry_read_from_a_bib_gets_a_sort_key() -> None:
    doc = read("@misc{w,\n  title = {The Web Page},\n  year = 2020,\n}\n", "x.bib")
    assert write(doc) == "@misc{w,\n  title = {The Web Page},\n  year = 2020,\n  key = {Web},\n}\n"
    kept = read("@misc{w,\n  title = {The Web Page},\n  key = {Zed},\n}\n", "x.bib")
    assert write(kept) == "@misc{w,\n  title = {The Web Page},\n  key = {Zed},\n}\n"


def test_at_signs_outside_entries_are_defused() -> None:
    # BibTeX starts an entry at any "@" outside entries (comments included) and can swallow the next entry
    doc = read("% mail me@example.org\n@comment{me@example.org}\n\n@misc{a, author = {A, B}, title = {T}}\n", "x.bib")
    out = write(doc)
    assert out.startswith("% mail me(at)example.org\n\n@comment{me(at)example.org}\n\n@misc{a,")
    assert out.count("@") == 2
