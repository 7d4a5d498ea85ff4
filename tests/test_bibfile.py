""".bib reader: every field into the model, raw expressions kept, bad input reported with file/line/key."""

from __future__ import annotations

from pathlib import Path

import pytest

from bibkit.errors import InputError
from bibkit.model import Entry, LinkKind, PartialDate, Person, RawBlock, SourceLocation
from bibkit.sources.bibfile import raw_value, read

BIB = Path(__file__).parent / "data" / "bib"


def _nasty():
    return read((BIB / "nasty.bib").read_text(encoding="utf-8"), "nasty.bib")


def _by_key(doc) -> dict[str, Entry]:
    return {e.key: e for e in doc.entries}


def _one(text: str) -> Entry:
    doc = read(text, "t.bib")
    assert len(doc.entries) == 1, doc.all_problems()
    return doc.entries[0]


def test_nasty_file_model_values() -> None:
    doc = _nasty()
    assert not [p for p in doc.all_problems() if p.severity != "info"]
    e = _by_key(doc)
    erdos = e["Erdos1935"]
    assert erdos.entry_type == "article" and erdos.key_pinned
    assert erdos.authors == [Person(family="Erdős", given="Pál"), Person(family="Szekeres", given="George")]
    assert erdos.title == "A Combinatorial Problem in Geometry"
    assert erdos.journal == "Compositio Mathematica"
    assert erdos.date == PartialDate(1935, 1)
    assert erdos.pages == "463–470" and erdos.volume == "2"
    assert erdos.origin == SourceLocation("nasty.bib", 15)

    dai = e["Dai2024"]
    assert dai.authors[0] == Person(literal="DeepSeek-AI")  # @string macro "{DeepSeek-AI}" # " and …"
    assert dai.authors[1:] == [Person(family="Dai", given="Damai"), Person(family="Deng", given="Chengqi")]
    assert dai.title == "DeepSeekMoE: Towards Ultimate Expert Specialization in Mixture-of-Experts Language Models"
    assert dai.booktitle == ("Proceedings of the 62nd Annual Meeting of the Association for Computational "
                             "Linguistics (ACL)")
    assert dai.ids.arxiv == "2401.06066" and dai.primary_class == "cs.CL"
    assert dai.tags == ["mixture of experts", "language models", "MoE"]
    assert dai.code_repo is not None and dai.code_repo.target == "deepseek-ai/DeepSeek-MoE"
    assert dai.date == PartialDate(2024, 8)

    acc = e["accents2020"]
    assert acc.title == ("Accénts in èvery förm: ü ü ü í í č č ß ø ł å ő ç ą ō ż ô è ñ ğ ů "
                         "and UTF-8 ü ł –")
    assert acc.authors == [
        Person(family="Müller", given="Jörg"), Person(family="Öztürk", given="Ayşe"),
        Person(family="Matoušek", given="Jiří"), Person(family="Zola", given="Émile"),
        Person(family="Dvořák", given="Antonín"), Person(family="Berg", given="Jan", particle="van der"),
        Person(family="Smith", given="John", suffix="Jr."),
    ]
    assert acc.extra["howpublished"] == "https://example.org/~user/a_b"
    assert acc.note == "Contact: someone@example.org, or @handle; 100% & more"

    knuth = e["Knuth1984"]
    assert knuth.title == 'The TeXbook: "quoted" Braces and Nested Braces'
    assert knuth.note == "" and knuth.ids.isbn == "0-201-13447-0" and knuth.extra == {"address": "Reading, MA"}

    helium = e["Helium2023"]
    assert helium.title == r"$^3$Helium and $\Sigma^{0}$ Hyperons: 50% of $ and # and a_b"
    assert (helium.ids.arxiv, helium.ids.arxiv_version) == ("2301.00001", 2)
    assert helium.authors[-1] == Person(literal="others")
    assert helium.abstract == ("We measure $x^2$ & more: 100% of cases, costs $5, issue #3, snake_case, "
                               "emphasis and italics – done.")

    report = e["Report2019"]
    assert report.entry_type == "techreport" and report.date == PartialDate(2019, 6)
    assert report.authors == [Person(literal="Google DeepMind"), Person(literal="Qwen Team")]
    assert report.extra["institution"] == "International Conference on Learning Representations"
    assert report.number == "TR-42"

    assert e["Scholar2024"].ids.arxiv == "2403.12345"  # "arXiv preprint arXiv:…" in the journal
    assert e["Müller2018"].extra["school"] == "Universität Zürich"
    concat = e["Concat2022"]
    assert concat.title == "Part One and Two"
    assert concat.note == "International Conference on Learning Representations 2022, workshop"


def test_raw_blocks_are_kept_in_order() -> None:
    doc = _nasty()
    kinds = [b.kind if isinstance(b, RawBlock) else b.key for b in doc.blocks]
    assert kinds[:7] == ["text", "preamble", "string", "string", "string", "comment", "text"]
    assert kinds[7:] == ["Erdos1935", "Dai2024", "text", "accents2020", "Knuth1984", "Helium2023", "Report2019",
                         "Scholar2024", "Müller2018", "Concat2022"]
    strings = [b for b in doc.blocks if isinstance(b, RawBlock) and b.kind == "string"]
    assert [(s.name, s.value) for s in strings] == [
        ("acl", '"Proceedings of the 62nd Annual Meeting of the " # "Association for Computational Linguistics"'),
        ("iclr", "{International Conference on Learning Representations}"),
        ("deepseek", '"{DeepSeek-AI}"'),
    ]
    preamble = doc.blocks[1]
    assert preamble.value == r'"\providecommand{\noopsort}[1]{}" # " \providecommand{\bibkitdemo}{demo}"'
    assert doc.blocks[0].value.startswith("% A hand-written bibliography")
    assert doc.blocks[0].origin == SourceLocation("nasty.bib", 1)


def test_bib_origin_keeps_raw_expressions_and_written_names() -> None:
    e = _by_key(_nasty())
    dai = e["Dai2024"].bib
    assert dai is not None and dai.entry_type == "inproceedings"
    assert dai.fields["booktitle"] == 'acl # " ({ACL})"'
    assert dai.fields["author"] == 'deepseek # " and Dai, Damai and Deng, Chengqi"'
    assert dai.fields["month"] == "aug"
    assert dai.names["archiveprefix"] == "archivePrefix"
    assert list(dai.fields) == ["author", "title", "booktitle", "year", "month", "pages", "eprint", "archiveprefix",
                                "primaryclass", "github", "keywords"]
    erdos = e["Erdos1935"].bib
    assert erdos.entry_type == "Article" and erdos.names["author"] == "AUTHOR" and erdos.fields["year"] == "1935"
    assert erdos.decoded["title"] == "A Combinatorial Problem in Geometry"
    assert e["Report2019"].bib.entry_type == "TechReport"


@pytest.mark.parametrize(
    "fields, date, extra",
    [
        ("year = 2021, month = jun, day = 18", PartialDate(2021, 6, 18), {}),
        ("year = {2020}, month = {December}", PartialDate(2020, 12), {}),
        ("year = 2020, month = {Dec.}", PartialDate(2020, 12), {}),
        ("year = 2020, month = 3", PartialDate(2020, 3), {}),
        ("year = 2020, month = {Sept}", PartialDate(2020, 9), {}),
        ("date = {2024-03-17}", PartialDate(2024, 3, 17), {}),
        ("date = {2024-03}, year = {1999}", PartialDate(2024, 3), {}),
        ("year = 2020, month = {Spring}", PartialDate(2020), {"month": "Spring"}),
        ("year = {in press}", None, {"year": "in press"}),
        ("date = {2022-06-01/2022-06-03}", PartialDate(2022, 6, 1), {"date": "2022-06-01/2022-06-03"}),
    ],
)
def test_dates(fields: str, date: PartialDate | None, extra: dict[str, str]) -> None:
    e = _one(f"@misc{{k, title = {{T}}, {fields}}}")
    assert e.date == date
    assert e.extra == extra


def test_month_macro_redefined_by_the_file_is_not_a_month() -> None:
    e = read('@string{jun = "Midsummer"}\n@misc{k, title={T}, year=2020, month=jun}', "t.bib").entries[0]
    assert e.date == PartialDate(2020) and e.extra == {"month": "Midsummer"}


@pytest.mark.parametrize(
    "fields, arxiv, version",
    [
        ("eprint = {2401.06066}, archivePrefix = {arXiv}", "2401.06066", None),
        ("eprint = {2401.06066v3}, eprinttype = {arxiv}", "2401.06066", 3),
        ("eprint = {arXiv:hep-th/9901001}, archivePrefix = {arXiv}", "hep-th/9901001", None),
        ("eprint = {2401.06066}", "2401.06066", None),
        ("arxiv = {2401.06066}", "2401.06066", None),
        ("arxivId = {2401.06066v2}", "2401.06066", 2),
        ("journal = {arXiv preprint arXiv:2401.06066}", "2401.06066", None),
        ("journal = {CoRR}, volume = {abs/2401.06066}", "2401.06066", None),
        ("url = {https://arxiv.org/abs/2401.06066v2}", "2401.06066", 2),
        ("doi = {10.48550/arXiv.2401.06066}", "2401.06066", None),
    ],
)
def test_arxiv_identifiers(fields: str, arxiv: str, version: int | None) -> None:
    e = _one(f"@misc{{k, title = {{T}}, {fields}}}")
    assert (e.ids.arxiv, e.ids.arxiv_version) == (arxiv, version)


def test_other_identifiers() -> None:
    e = _one(r"""@article{k, title={T}, doi = {https://doi.org/10.1000/a\_b}, isbn = {978-1-59593-609-7},
                 issn = {0001-8708}, pmid = {123}, primaryClass = {cs.CL}}""")
    assert e.ids.doi == "10.1000/a_b" and e.ids.isbn == "978-1-59593-609-7" and e.ids.issn == "0001-8708"
    assert e.ids.pmid == "123" and e.primary_class == "cs.CL" and e.extra == {}
    assert _one("@article{k, note = {{PMID:} 23439512}}").ids.pmid == "23439512"
    pub = _one("@article{k, eprint = {23439512}, eprinttype = {pubmed}}")
    assert pub.ids.pmid == "23439512" and pub.extra == {}
    bad = _one("@article{k, eprint = {AX123456}, eprinttype = {arxiv}}")
    assert bad.ids.arxiv is None and bad.extra["eprint"] == "AX123456"
    assert [p.code for p in bad.problems] == ["bad-arxiv-id"]


def test_verbatim_fields_are_not_decoded() -> None:
    e = _one(r"""@misc{k, url = {https://example.org/~user/a_b?x=1&y=2},
                 file = {Test:E\:\\some\\folder\\test2.pdf:application/pdf}, biburl = {https://dblp.org/~x}}""")
    assert e.url == "https://example.org/~user/a_b?x=1&y=2"
    assert e.extra["file"] == r"Test:E\:\\some\\folder\\test2.pdf:application/pdf"
    assert e.extra["biburl"] == "https://dblp.org/~x"


def test_keywords_and_links() -> None:
    e = _one("""@misc{k, keywords = {a, b;c ;  d, a}, github = {https://github.com/Owner/Repo},
                url = {https://github.com/other/thing/tree/main/sub}}""")
    assert e.tags == ["a", "b", "c", "d"]
    assert e.code_repo is not None and e.code_repo.target == "Owner/Repo" and e.code_repo.role == "primary"
    mentioned = [lk for lk in e.github_links if lk.target == "other/thing"]
    assert mentioned and mentioned[0].role is None and mentioned[0].subpath == "sub"
    assert e.url == "https://github.com/other/thing/tree/main/sub"
    hf = _one("@misc{k, howpublished = {\\url{https://huggingface.co/datasets/org/data}}}")
    assert [lk.kind for lk in hf.links] == [LinkKind.HF_DATASET]


def test_everything_else_goes_to_extra_decoded() -> None:
    e = _one(r"@book{k, title={T}, address = {Z{\"u}rich}, Edition = {2nd}, series = {Lecture Notes}}")
    assert e.extra == {"address": "Zürich", "edition": "2nd", "series": "Lecture Notes"}


def test_macros_are_case_insensitive_and_undefined_ones_reported() -> None:
    doc = read('@STRING{Conf = "ICML"}\n@misc{k, booktitle = conf # " 2024", journal = UNDEFINED}', "t.bib")
    e = doc.entries[0]
    assert e.booktitle == "ICML 2024"
    assert e.journal == "UNDEFINED"
    assert [(p.code, p.severity, p.location, p.key) for p in e.problems] == [
        ("undefined-macro", "info", SourceLocation("t.bib", 2), "k")]


def test_parenthesised_entries_and_strings() -> None:
    doc = read('@string(foo = "Foo")\n@Article(key1, title = foo # {: a (paren) title}, year = 2000)\n', "t.bib")
    assert doc.entries[0].title == "Foo: a (paren) title"
    assert doc.entries[0].key == "key1"


def test_crlf_and_bom_read_like_lf() -> None:
    text = (BIB / "nasty.bib").read_text(encoding="utf-8")
    lf = read(text, "a.bib")
    crlf = read("\ufeff" + text.replace("\n", "\r\n"), "a.bib")
    assert [(e.key, e.title, e.authors, e.date, e.extra) for e in lf.entries] == \
        [(e.key, e.title, e.authors, e.date, e.extra) for e in crlf.entries]
    assert all("\r" not in (b.value if isinstance(b, RawBlock) else b.title or "") for b in crlf.blocks)


def test_broken_file_reports_each_problem_with_file_line_and_key() -> None:
    doc = read((BIB / "broken.bib").read_text(encoding="utf-8"), "broken.bib")
    found = sorted((p.code, p.location.line, p.key) for p in doc.all_problems())
    assert found == sorted([
        ("malformed-entry", 8, "missingbrace"),  # unclosed title: cut at the next @ line
        ("stray-text", 24, "extrabrace"),  # "}}" closed the entry early
        ("duplicate-key", 29, "good1"),
        ("duplicate-field", 39, "dupfield"),
        ("malformed-entry", 45, "nocomma"),  # missing comma, repaired
        ("malformed-entry", 58, "eof"),  # unclosed at end of file
    ])
    assert all(p.location.file == "broken.bib" for p in doc.all_problems())
    keys = [e.key for e in doc.entries]
    assert keys == ["good1", "good2", "extrabrace", "good1", "dupfield", "nocomma", "good3"]
    e = _by_key(doc)
    assert e["good2"].title == "The entry after the broken one"  # the bad entry did not eat the next one
    assert e["good3"].title == "The last good entry"
    assert e["nocomma"].authors == [Person(family="Seven", given="Eta")]
    assert e["nocomma"].title == "Missing comma before this field"
    assert e["dupfield"].title == "First title"
    # the text of bad blocks is kept, so writing the file back loses nothing
    texts = "\n".join(b.value for b in doc.blocks if isinstance(b, RawBlock))
    assert "This title never closes" in texts and "Unclosed at the end of the file" in texts
    assert "Second title" in texts and "year = {2004}" in texts


def test_strict_mode_raises_for_the_first_malformed_entry() -> None:
    with pytest.raises(InputError) as info:
        read((BIB / "broken.bib").read_text(encoding="utf-8"), "broken.bib", strict=True)
    err = info.value
    assert err.location == SourceLocation("broken.bib", 8) and err.key == "missingbrace"
    assert "broken.bib:8" in str(err) and "missingbrace" in str(err)
    # a clean file reads the same in strict mode
    assert len(read((BIB / "nasty.bib").read_text(encoding="utf-8"), "n.bib", strict=True)) == 9


def test_duplicate_keys_are_case_insensitive_and_both_kept() -> None:
    doc = read("@misc{Key, title={A}}\n@misc{key, title={B}}", "t.bib")
    assert [e.title for e in doc.entries] == ["A", "B"]
    assert [p.code for p in doc.entries[1].problems] == ["duplicate-key"]


def test_entry_without_key_and_without_fields() -> None:
    doc = read("@misc{, title = {No key}}\n@misc{onlykey}", "t.bib")
    assert doc.entries[0].key is None and not doc.entries[0].key_pinned
    assert [p.code for p in doc.entries[0].problems] == ["missing-key"]
    assert doc.entries[1].key == "onlykey"


def test_type_and_field_names_are_case_insensitive() -> None:
    e = _one("@ARTICLE{k, TiTlE = {X}, yEAr = 2001, JOURNAL = {J}}")
    assert e.entry_type == "article" and e.title == "X" and e.date == PartialDate(2001) and e.journal == "J"
    assert e.bib.names == {"title": "TiTlE", "year": "yEAr", "journal": "JOURNAL"}


def test_provenance_names_the_bib_file() -> None:
    e = _one("@misc{k, title = {X}, doi = {10.1000/x}}")
    assert e.provenance["title"].source == "bib"
    assert e.provenance["ids.doi"].source == "bib" and "t.bib" in (e.provenance["title"].detail or "")


def test_raw_value_rebuilds_plain_braced_fields_from_the_shared_text() -> None:
    e = _by_key(_nasty())["Erdos1935"]
    assert raw_value(e.bib, "title") == "{A Combinatorial Problem in Geometry}"
    assert e.bib.fields["title"] is e.title  # one string for model and memo
    assert raw_value(e.bib, "journal") == '"Compositio Mathematica"'
    assert raw_value(e.bib, "author") == r"{Erd{\H o}s, P{\'a}l and Szekeres, George}"
    assert raw_value(e.bib, "month") == "jan"


def test_string_macros_of_an_earlier_input_are_known_in_the_next_one(tmp_path, capsys):
    # IEEEtran's way: \bibliography{IEEEabrv,refs}, the journal macros in one file, the entries in another.
    # BibTeX and biber read the files in order with one macro table; so does bibkit, for its own values
    # (CSL-JSON, keys, duplicate checks): before, the journal was the macro's name, "IEEE_J_PAMI"
    import json

    from bibkit.cli import main
    from texutil import compile_biber

    strings = tmp_path / "IEEEabrv.bib"
    strings.write_text('% IEEEabrv.bib (abridged)\n\n'
                       '@STRING{IEEE_J_PAMI       = "{IEEE} Trans. Pattern Anal. Machine Intell."}\n'
                       '@STRING{IEEE_J_NN         = "{IEEE} Trans. Neural Networks"}\n', encoding="utf-8")
    refs = tmp_path / "refs.bib"
    refs.write_text("@article{he2016,\n  author = {He, Kaiming and Zhang, Xiangyu and Ren, Shaoqing and Sun, Jian},\n"
                    "  title = {Identity Mappings in Deep Residual Networks},\n  journal = IEEE_J_PAMI,\n"
                    "  year = {2016},\n  volume = {38},\n  pages = {1--10},\n}\n", encoding="utf-8")
    out = tmp_path / "refs.json"
    assert main(["convert", str(strings), str(refs), "--to", "csl-json", "-o", str(out)]) == 0
    assert "not defined" not in capsys.readouterr().err
    [item] = json.loads(out.read_text(encoding="utf-8"))
    assert item["container-title"] == "IEEE Trans. Pattern Anal. Machine Intell."

    # one file alone still says the macro is undefined there, and uses its name
    assert main(["convert", str(refs), "--to", "csl-json", "-o", str(out)]) == 0
    assert "'IEEE_J_PAMI' is not defined" in capsys.readouterr().err
    assert json.loads(out.read_text(encoding="utf-8"))[0]["container-title"] == "IEEE_J_PAMI"

    # and biber, given both files as its resources, prints what the BibLaTeX output of both gives
    bib = tmp_path / "both.bib"
    assert main(["-q", "convert", str(strings), str(refs), "--to", "biblatex", "-o", str(bib)]) == 0
    result = compile_biber(bib.read_text(encoding="utf-8"), tmp_path / "biber")
    assert result.errors == [] and result.warnings == []
    assert "IEEE Trans. Pattern Anal. Machine Intell." in result.flat_text
