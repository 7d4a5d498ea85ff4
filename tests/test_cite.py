"""``bibkit cite``: reading .aux files (bibtex and biber forms, \\include'd chapters) and choosing entries."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from bibkit.app import cite
from bibkit.cite import Source, parse_aux_text, read_aux, select_cited, suggest_keys
from bibkit.cli import main
from bibkit.errors import ExitCode, InputError, MissingCitationsError
from bibkit.pipeline import read_inputs

REFS = r"""
@string{jmlr = "Journal of Machine Learning Research"}

@article{vaswani2017AttentionAll,
  title = {Attention Is All You Need},
  author = {Vaswani, Ashish and Shazeer, Noam},
  journal = jmlr,
  year = {2017},
}

@inproceedings{shazeer2017Outrageously,
  title = {Outrageously Large Neural Networks},
  author = {Shazeer, Noam},
  crossref = {iclr2017},
}

@proceedings{iclr2017,
  title = {Proceedings of ICLR 2017},
  year = {2017},
  crossref = {iclrseries},
}

@misc{iclrseries,
  title = {ICLR},
}

@misc{fedus2022Switch,
  title = {Switch Transformers},
  author = {Fedus, William},
  year = {2022},
}

@misc{DeepSeekMoE2024,
  title = {DeepSeekMoE},
  year = {2024},
}
"""


def write(path: Path, text: str) -> Path:
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return path


def refs(tmp_path: Path) -> Path:
    return write(tmp_path / "refs.bib", REFS)


def source(path: Path) -> Source:
    return Source(str(path), read_inputs([str(path)]))


# --------------------------------------------------------------------------- reading .aux


def test_bibtex_aux_forms() -> None:
    aux = parse_aux_text(textwrap.dedent(r"""
        \relax
        \citation{b,a}
        \citation{ c , b }
        \citation{d}
        \bibstyle{plainnat}
        \bibdata{refs,other.bib}
        \bibcite{a}{1}
    """).lstrip("\n"), "p.aux")
    assert aux.keys == ["b", "a", "c", "d"]  # order of first citation, no repeats
    assert aux.backend == "bibtex" and not aux.cite_all
    assert aux.bibdata == ["refs", "other.bib"] and aux.bibstyle == "plainnat"
    assert str(aux.locations["c"]) == "p.aux:3"


def test_nocite_star_in_bibtex() -> None:
    aux = parse_aux_text("\\citation{x}\n\\citation{*}\n")
    assert aux.cite_all and aux.keys == ["x"]


def test_biber_aux_forms_new_and_old() -> None:
    new = parse_aux_text(textwrap.dedent(r"""
        \abx@aux@refcontext{nty/global//global/global}
        \abx@aux@cite{0}{k1}
        \abx@aux@segm{0}{0}{k1}
        \abx@aux@cite{0}{k2}
        \abx@aux@refsection{1}{1}
        \abx@aux@cite{1}{k3}
        \abx@aux@cite{0}{k1}
    """))
    assert new.keys == ["k1", "k2", "k3"] and new.backend == "biber"
    old = parse_aux_text("\\abx@aux@cite{old1}\n\\abx@aux@segm{0}{0}{old1}\n\\abx@aux@cite{old2}\n")
    assert old.keys == ["old1", "old2"] and old.backend == "biber"
    star = parse_aux_text("\\abx@aux@cite{0}{k}\n\\abx@aux@nociteall\n")
    assert star.cite_all and star.keys == ["k"]
    star_key = parse_aux_text("\\abx@aux@cite{0}{*}\n")
    assert star_key.cite_all and star_key.keys == []


def test_included_chapters_are_followed(tmp_path: Path) -> None:
    (tmp_path / "chapters").mkdir()
    write(tmp_path / "paper.aux", r"""
        \relax
        \citation{intro}
        \@input{chapters/one.aux}
        \@input{two.aux}
        \@input{missing.aux}
        \citation{outro}
    """)
    write(tmp_path / "chapters" / "one.aux", "\\relax\n\\citation{c1,intro}\n\\@input{paper.aux}\n")
    write(tmp_path / "two.aux", "\\citation{c2}\n")
    aux = read_aux(tmp_path / "paper.aux")
    assert aux.keys == ["intro", "c1", "c2", "outro"]   # a cycle back to paper.aux is not re-read
    assert [Path(f).name for f in aux.files] == ["paper.aux", "one.aux", "two.aux"]
    assert [p.code for p in aux.problems] == ["aux-missing-include"]
    assert "missing.aux" in aux.problems[0].message and aux.problems[0].location.line == 5


def test_missing_aux_file(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="run pdflatex first"):
        read_aux(tmp_path / "nope.aux")


# --------------------------------------------------------------------------- choosing entries


def test_cited_entries_in_citation_order_with_crossref_parents_last(tmp_path: Path) -> None:
    aux = parse_aux_text("\\citation{fedus2022Switch,iclr2017}\n\\citation{shazeer2017Outrageously}\n")
    result = select_cited([source(refs(tmp_path))], aux)
    keys = [e.key for e in result.document.entries]
    # iclr2017 is cited, but BibTeX needs a crossref'd parent after its children; iclrseries comes with it
    assert keys == ["fedus2022Switch", "shazeer2017Outrageously", "iclr2017", "iclrseries"]
    assert result.parents == ["iclrseries"]
    # the @string macro travels along, so journal = jmlr would still resolve
    assert [b.name for b in result.document.blocks if not hasattr(b, "key")] == ["jmlr"]


def test_written_bib_keeps_fields_verbatim(tmp_path: Path) -> None:
    refs_bib = refs(tmp_path)
    aux = write(tmp_path / "paper.aux", "\\citation{vaswani2017AttentionAll}\n\\bibdata{paper}\n")
    out = tmp_path / "paper.bib"
    result = cite(aux, [str(refs_bib)], str(out))
    text = out.read_text()
    assert result.output == str(out) and result.totals()["written"] == 1
    assert "@string{jmlr" in text.replace("@String", "@string")
    assert "journal = jmlr" in text
    assert "shazeer2017Outrageously" not in text


def test_missing_keys_are_an_error_with_suggestions(tmp_path: Path) -> None:
    aux = write(tmp_path / "paper.aux",
                "\\citation{vaswani2017attention}\n\\citation{fedus2022Switch}\n\\citation{deepseekmoe2024}\n"
                "\\citation{nothingLikeIt1999}\n")
    out = tmp_path / "paper.bib"
    with pytest.raises(MissingCitationsError) as info:
        cite(aux, [str(refs(tmp_path))], str(out))
    err = info.value
    assert err.exit_code == ExitCode.MISSING == 7
    assert err.missing == {"vaswani2017attention": ["vaswani2017AttentionAll"],
                           "deepseekmoe2024": ["DeepSeekMoE2024"], "nothingLikeIt1999": []}
    text = str(err)
    assert text.startswith("3 cited keys are in no source (")
    assert f"vaswani2017attention (cited at {aux}:1) → did you mean vaswani2017AttentionAll?" in text
    assert "deepseekmoe2024" in text and "(keys are case-sensitive)" in text
    assert f"nothingLikeIt1999 (cited at {aux}:4)\n" in text + "\n"
    assert not out.exists()  # nothing half-written


def test_missing_crossref_parent_is_missing_too(tmp_path: Path) -> None:
    bib = write(tmp_path / "r.bib", "@inproceedings{child, title = {C}, crossref = {parnt}}\n"
                                    "@proceedings{parent, title = {P}}\n")
    with pytest.raises(MissingCitationsError) as info:
        select_cited([source(bib)], parse_aux_text("\\citation{child}\n"))
    assert info.value.missing == {"parnt": ["parent"]}


def test_allow_missing_writes_what_exists(tmp_path: Path) -> None:
    aux = parse_aux_text("\\citation{fedus2022Switch,ghost}\n")
    result = select_cited([source(refs(tmp_path))], aux, allow_missing=True)
    assert [e.key for e in result.document.entries] == ["fedus2022Switch"]
    assert list(result.missing) == ["ghost"]


def test_first_source_wins_and_duplicates_are_reported(tmp_path: Path) -> None:
    a = write(tmp_path / "a.bib", "@misc{k, title = {From A}}\n")
    b = write(tmp_path / "b.bib", "@misc{k, title = {From B}}\n@misc{only_b, title = {B only}}\n")
    result = select_cited([source(a), source(b)], parse_aux_text("\\citation{only_b,k}\n"))
    assert [(e.key, e.title) for e in result.document.entries] == [("only_b", "B only"), ("k", "From A")]
    assert result.duplicates == [("k", str(a), str(b))]
    assert result.source_of == {"only_b": str(b), "k": str(a)}


def test_the_summary_names_a_key_in_two_sources_only_when_it_is_cited(tmp_path: Path, capsys) -> None:
    a = write(tmp_path / "a.bib", "@misc{k, title = {From A}}\n@misc{other, title = {Other A}}\n")
    b = write(tmp_path / "b.bib", "@misc{k, title = {From B}}\n@misc{other, title = {Other B}}\n")
    aux, report = write(tmp_path / "p.aux", "\\citation{k}\n"), tmp_path / "r.json"
    code = main(["cite", str(aux), "--from", str(a), "--from", str(b), "-o", str(tmp_path / "p.bib"),
                 "--report", str(report)])
    assert code == ExitCode.OK
    err = capsys.readouterr().err
    assert f"k is in {a} and {b}: used {a}" in err and "other is in" not in err
    assert [d["key"] for d in json.loads(report.read_text())["duplicates"]] == ["k", "other"]


def test_nocite_star_takes_everything_in_source_order(tmp_path: Path) -> None:
    result = select_cited([source(refs(tmp_path))], parse_aux_text("\\citation{*}\n"))
    assert [e.key for e in result.document.entries] == [
        "vaswani2017AttentionAll", "shazeer2017Outrageously", "fedus2022Switch", "DeepSeekMoE2024",
        "iclr2017", "iclrseries"]  # source order, except that crossref'd parents follow their children


def test_suggestions() -> None:
    keys = ["vaswani2017AttentionAll", "vaswani2018Other", "brown2020Language"]
    assert suggest_keys("vaswani2017attention", keys)[0] == "vaswani2017AttentionAll"
    assert suggest_keys("VASWANI2017ATTENTIONALL", keys) == ["vaswani2017AttentionAll"]
    assert suggest_keys("zzz", keys) == []


def test_sources_without_keys_get_the_keys_convert_gives(tmp_path: Path) -> None:
    listing = Path(__file__).resolve().parent.parent / "examples" / "hf-trending-papers.txt"
    converted = read_inputs([str(listing)])
    from bibkit.pipeline import normalise_document

    normalise_document(converted)
    key = next(e.key for e in converted.entries if e.title == "A Survey on Mixture of Experts")
    aux = write(tmp_path / "p.aux", f"\\citation{{{key}}}\n")
    result = cite(aux, [str(listing)], None)
    assert [e.title for e in result.document.entries] == ["A Survey on Mixture of Experts"]


# --------------------------------------------------------------------------- the command


def test_cite_command_bibtex_and_biber(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    refs_bib = refs(tmp_path)
    aux = write(tmp_path / "paper.aux", "\\citation{fedus2022Switch}\n\\bibdata{refs}\n")
    out = tmp_path / "paper.bib"
    assert main(["cite", str(aux), "--from", str(refs_bib), "-o", str(out)]) == ExitCode.OK
    err = capsys.readouterr().err
    assert "entries written  1" in err and "names refs.bib, not paper.bib" in err
    assert "\n@misc{fedus2022Switch,\n" in out.read_text()
    biber = write(tmp_path / "b.aux", "\\abx@aux@cite{0}{fedus2022Switch}\n")
    out2 = tmp_path / "b.bib"
    assert main(["cite", str(biber), "--from", str(refs_bib), "-o", str(out2), "--report", str(tmp_path / "r.json")]) == 0
    err = capsys.readouterr().err
    assert "backend          biber" in err and "format           biblatex" in err  # biblatex output for biblatex
    assert json.loads((tmp_path / "r.json").read_text())["format"] == "biblatex"
    assert "\n@misc{fedus2022Switch,\n" in out2.read_text()


def test_cite_command_missing_exit_code(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    aux = write(tmp_path / "paper.aux", "\\citation{vaswani2017attention}\n")
    out = tmp_path / "paper.bib"
    code = main(["cite", str(aux), "--from", str(refs(tmp_path)), "-o", str(out)])
    assert code == ExitCode.MISSING
    err = capsys.readouterr().err
    assert "bibkit: error: 1 cited key is in no source" in err
    assert "did you mean vaswani2017AttentionAll?" in err
    assert not out.exists()


def test_cite_from_a_zotero_collection(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from zotero_bridge.testing import FakeZotero

    with FakeZotero(version="10") as z:
        monkeypatch.setenv("BIBKIT_ZOTERO_URL", z.url)
        z.add_item({"itemType": "preprint", "title": "Switch Transformers", "repository": "arXiv",
                    "archiveID": "arXiv:2101.03961", "date": "2021-01-11",
                    "creators": [{"creatorType": "author", "firstName": "William", "lastName": "Fedus"}],
                    "extra": "Citation Key: fedus2021Switch"}, collections=["Papers/MoE"])
        z.add_item({"itemType": "journalArticle", "title": "Elsewhere", "extra": "Citation Key: other2020"},
                   collections=["Unrelated"])
        aux = write(tmp_path / "paper.aux", "\\citation{fedus2021Switch}\n")
        out = tmp_path / "paper.bib"
        result = cite(aux, [str(refs(tmp_path)), "zotero:Papers"], str(out))  # subcollections included
        assert [e.key for e in result.document.entries] == ["fedus2021Switch"]
        assert result.source_of == {"fedus2021Switch": "zotero:Papers"}
        text = out.read_text()
        assert "Switch Transformers" in text and "2101.03961" in text


def test_a_crossref_names_its_parent_in_any_case_for_bibtex(tmp_path: Path) -> None:
    """BibTeX looks a crossref up ignoring case (its own xampl.bib: ``crossref = {WHOLE-JOURNAL}`` for the entry
    ``whole-journal``), so the parent is found and written for BibTeX; biber is case-sensitive there, so for
    biblatex output it stays a missing parent with the right spelling suggested."""
    from texutil import compile_bibtex

    bib = write(tmp_path / "refs.bib", """\
        @ARTICLE{article-crossref,
           crossref = {WHOLE-JOURNAL},
           author = {L[eslie] A. Aamport},
           title = {The Gnats and Gnus Document Preparation System},
           pages = {73+},
           note = {This is a cross-referencing ARTICLE entry},
        }
        @ARTICLE{whole-journal,
           key = {GAJ},
           journal = {{G}-Animal's Journal},
           year = 1986,
           volume = 41,
           number = 7,
           month = jul,
           note = {The entire issue is devoted to gnats and gnus},
        }
        """)
    out = tmp_path / "paper.bib"
    aux = write(tmp_path / "paper.aux", "\\citation{article-crossref}\n\\bibdata{paper}\n")
    result = cite(aux, [str(bib)], str(out))
    assert [e.key for e in result.document.entries] == ["article-crossref", "whole-journal"]
    compiled = compile_bibtex(out.read_text(encoding="utf-8"), tmp_path, "plain")
    assert compiled.errors == []
    # (\nocite{*} cites the parent too, whose own missing author and title plain warns about)
    assert [w for w in compiled.warnings if "whole-journal" not in w] == []
    assert "In\nGAJ [2]" in compiled.text and "G-Animal" in compiled.text  # the crossref resolved

    biber = write(tmp_path / "b.aux", "\\abx@aux@cite{0}{article-crossref}\n")
    with pytest.raises(MissingCitationsError, match="did you mean whole-journal"):
        cite(biber, [str(bib)], str(tmp_path / "b.bib"))
