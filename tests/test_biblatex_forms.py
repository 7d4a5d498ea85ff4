"""``convert x.bib --to biblatex`` writes BibLaTeX's own forms (journaltitle, date, @thesis…), checked
with real biber; BibTeX output keeps a .bib's fields as written (months included)."""

from __future__ import annotations

import re

import pytest

from bibkit.cli import main
from bibkit.writers.biblatex_forms import to_biblatex
from texutil import compile_biber, compile_bibtex

BIB = r"""@string{jmlr = {Journal of Machine Learning Research}}

@Article{vaswani2017,
  author = {Vaswani, Ashish and Shazeer, Noam},
  title = {Attention Is All You Need},
  journal = jmlr,
  year = 2017,
  month = {12},
  address = {Long Beach},
  volume = {30},
}

@phdthesis{doe1999,
  author = {Doe, Jane},
  title = {A Thesis},
  school = {MIT},
  year = {1999},
  month = "September",
  day = {5},
}

@techreport{roe2001,
  author = {Roe, Richard},
  title = {A Report},
  institution = {Lab},
  year = 2001,
  type = {Memo},
  annote = {read it},
}

@misc{kim2021,
  author = {Kim, Lee},
  title = {A Preprint},
  eprint = {2101.00001},
  archivePrefix = {arXiv},
  primaryClass = {cs.CL},
  year = 2021,
  month = mar,
}

@conference{lee2018,
  author = {Lee, Ann},
  title = {In Press},
  booktitle = {Proceedings},
  year = {in press},
  key = {Lee},
}
"""


@pytest.fixture()
def converted(tmp_path, capsys) -> str:
    src = tmp_path / "in.bib"
    src.write_text(BIB, encoding="utf-8")
    out = tmp_path / "out.bib"
    assert main(["-q", "convert", str(src), "--to", "biblatex", "-o", str(out)]) == 0
    capsys.readouterr()
    return out.read_text(encoding="utf-8")


def entry(text: str, key: str) -> str:
    return re.search(r"^@\w+\{" + key + r",.*?^\}", text, re.M | re.S).group(0)


def test_bibtex_forms_become_biblatex_forms(converted):
    a = entry(converted, "vaswani2017")
    assert a.startswith("@Article{vaswani2017,")
    assert "journaltitle = jmlr," in a and "journal =" not in a  # the macro is kept
    assert "date = {2017-12}," in a and "year" not in a and "month" not in a
    assert "location = {Long Beach}," in a and "address" not in a
    assert a.index("title") < a.index("journaltitle") < a.index("date") < a.index("location") < a.index("volume")
    t = entry(converted, "doe1999")
    assert t.startswith("@thesis{doe1999,") and "type = {phdthesis}" in t and "institution = {MIT}" in t
    assert "date = {1999-09-05}" in t and "day" not in t
    r = entry(converted, "roe2001")
    assert r.startswith("@report{roe2001,") and "type = {Memo}" in r and "techreport" not in r
    assert "annotation = {read it}" in r and "date = {2001}" in r
    m = entry(converted, "kim2021")
    assert "eprinttype = {arxiv}" in m and "eprintclass = {cs.CL}" in m and "date = {2021-03}" in m
    c = entry(converted, "lee2018")
    assert c.startswith("@inproceedings{lee2018,") and "year = {in press}" in c and "key = {Lee}" in c


def test_converted_file_compiles_with_biber_and_prints_the_journal_and_dates(converted, tmp_path):
    res = compile_biber(converted, tmp_path)
    assert not res.errors
    assert not [w for w in res.warnings if "in press" not in w.lower()], res.warnings
    text = res.flat_text
    assert "Journal of Machine Learning Research 30" in text  # journaltitle, the macro resolved
    assert "(Dec. 2017)" in text and "(Sept. 5, 1999)" in text and "(Mar. 2021)" in text  # from date
    assert "PhD thesis. MIT" in text and "Memo" in text  # @thesis with type and institution


def test_transform_is_idempotent_and_leaves_biblatex_alone():
    fields = [("journaltitle", "{J}"), ("date", "{2020-01}"), ("year", "2019")]
    assert to_biblatex("article", fields) == ("article", fields)  # a date exists: year stays
    once = to_biblatex("phdthesis", [("school", "{S}"), ("year", "2000"), ("month", "jan")])
    assert once == ("thesis", [("institution", "{S}"), ("date", "{2000-01}"), ("type", "{phdthesis}")])
    assert to_biblatex(*once) == once
    # a month it cannot read keeps year and month as they are
    assert to_biblatex("misc", [("year", "2000"), ("month", "{Spring}")])[1] == [("year", "2000"),
                                                                                 ("month", "{Spring}")]
    assert to_biblatex("misc", [("year", "y2k")])[1] == [("year", "y2k")]  # a macro year stays


def test_bibtex_output_keeps_a_bib_files_months_as_written(tmp_path, capsys):
    """Decision (README): convert keeps a field read from a .bib byte for byte; `bibkit tidy --months`
    is the tool that rewrites months as macros."""
    src = tmp_path / "m.bib"
    src.write_text('@misc{a, title = {A}, year = 2000, month = {3}}\n@misc{b, title = {B}, year = 2000, '
                   'month = "March"}\n', encoding="utf-8")
    assert main(["-q", "convert", str(src)]) == 0
    out = capsys.readouterr().out
    assert "month = {3}," in out and 'month = "March",' in out
    assert main(["-q", "tidy", "--months", str(src)]) == 0
    assert re.findall(r"month\s+= (\w+)", capsys.readouterr().out) == ["mar", "mar"]


def test_a_year_range_becomes_a_date_range_biber_reads_and_a_year_the_date_repeats_goes(tmp_path, capsys):
    # archaeologie-bibcorpora.bib (TeX Live) writes a corpus published over 24 years as a year range, which
    # biber reads as a year that is no integer (a warning, sorted as text); a CSL-JSON range read back
    # gives BibTeX's year range beside the date
    src = tmp_path / "corpora.bib"
    src.write_text("""@Book{ILS,
  editor    = {Dessau, Hermann},
  title     = {Inscriptiones Latinae selectae},
  location  = {Berlin},
  year      = {1892--1916},
  keywords  = {corpus},
}
@Book{jaffe,
  editor    = {Jaff{\\'e}, Philipp},
  title     = {Regesta Pontificum Romanorum},
  location  = {Leipzig},
  year      = {1885--1888},
  date      = {1885/1888},
}
@Article{Waller:1981:JTT,
  author =       "R. H. W. Waller",
  title =        "Journal Typography in Transition",
  journal =      "Journal of Research Communication Studies",
  volume =       "3",
  pages =        "335--350",
  year =         "1981",
  date =         "1981-05",
}
""", encoding="utf-8")
    before = compile_biber(src.read_text(encoding="utf-8"), tmp_path / "before")
    assert any("'1892--1916'" in w for w in before.warnings)
    out = tmp_path / "out.bib"
    assert main(["-q", "convert", str(src), "--to", "biblatex", "-o", str(out)]) == 0
    text = out.read_text(encoding="utf-8")
    assert "date = {1892/1916}" in entry(text, "ILS") and "year" not in entry(text, "ILS")
    assert "date = {1885/1888}" in entry(text, "jaffe") and "year" not in entry(text, "jaffe")
    assert 'date = "1981-05"' in entry(text, "Waller:1981:JTT") and "year" not in entry(text, "Waller:1981:JTT")
    after = compile_biber(text, tmp_path / "after")
    assert after.errors == [] and after.warnings == []
    for key, start, end in (("ILS", "1892", "1916"), ("jaffe", "1885", "1888")):
        block = re.search(r"\\entry\{" + key + r"\}.*?\\endentry", after.bbl, re.S).group(0)
        assert "\\field{year}{" + start + "}" in block and "\\field{endyear}{" + end + "}" in block
    # a year the date does not repeat is the user's to sort out: kept
    src.write_text("@book{b, title = {T}, editor = {E, F}, location = {L}, year = {1990}, date = {1991}}\n",
                   encoding="utf-8")
    assert main(["-q", "convert", str(src), "--to", "biblatex", "-o", str(out)]) == 0
    assert "year = {1990}" in out.read_text(encoding="utf-8")


# biblatex-abnt.bib (TeX Live's biblatex-abnt documentation), abridged: volumes and parts of a multi-volume
# work whose author, editors and publisher are on the @mvbook / @mvcollection they crossref
ABNT = """@mvbook{assis08,
    author      = {Machado de Assis},
    title       = {Obra completa em quatro volumes},
    year        = {2008},
    editor      = {Aluizio Leite and Ana Lima Cecilio and Heloisa Jahn},
    editortype  = {organizer},
    edition     = {2},
    volumes     = {4},
    publisher   = {Nova Fronteira},
    location    = {Rio de Janeiro},
}

@book{assis08:1,
    crossref    = {assis08},
    volume      = {1},
    title       = {Fortuna cr{\\'\\i}tica/Romance},
    pagetotal   = {1340},
}

@bookinbook{assis08:1b,
    crossref    = {assis08:1},
    title       = {Esa{\\'u} e Jac{\\'o}},
    pages       = {1073-1226},
}

@mvcollection{moretti09,
    editor      = {Franco Moretti},
    title       = {O Romance},
    volumes     = {5},
    publisher   = {Cosac Naify},
    location    = {S{\\~a}o Paulo},
    year        = {2009},
}

@collection{moretti09:1,
    crossref    = {moretti09},
    volume      = {1},
    title       = {A cultura do romance},
}

@article{zz, title = {Anonymous Note}, journal = {Notes and Queries}, year = {1901}}
"""


def _bbl_order(bbl: str) -> list[str]:
    return re.findall(r"\\entry\{([^}]*)\}", bbl)


def test_an_entry_that_inherits_its_names_through_crossref_gets_no_sort_key(tmp_path):
    # --to bibtex adds a `key` to author-less entries so that styles can sort them; an entry whose author or
    # editor comes from its crossref parent is not author-less; and in BibLaTeX biber reads `key` as `sortkey`:
    # the volumes sorted by their titles' first words instead of by Machado de Assis
    src = tmp_path / "abnt.bib"
    src.write_text(ABNT, encoding="utf-8")
    before = compile_biber(ABNT, tmp_path / "before")
    out = tmp_path / "out.bib"
    assert main(["-q", "convert", str(src), "--to", "biblatex", "-o", str(out)]) == 0
    text = out.read_text(encoding="utf-8")
    for key in ("assis08:1", "assis08:1b", "moretti09:1"):
        assert "key =" not in entry(text, key)
    assert "key =" not in entry(text, "zz")  # biber sorts a nameless entry by its title: a key would change that
    after = compile_biber(text, tmp_path / "after")
    assert after.errors == [] and after.warnings == []
    assert _bbl_order(after.bbl) == _bbl_order(before.bbl)

    # BibTeX: plain sorts a @book by its (inherited) author, a @collection (no BibTeX type) only by author or
    # key — an editor is no sort name there, so it keeps its key
    assert main(["-q", "convert", str(src), "--to", "bibtex", "-o", str(out)]) == 0
    text = out.read_text(encoding="utf-8")
    assert "key =" not in entry(text, "assis08:1") and "key = {cultura}" in entry(text, "moretti09:1")
    assert "key = {Anonymous}" in entry(text, "zz")
    result = compile_bibtex(text, tmp_path / "plain", style="plain")
    assert not [w for w in result.warnings if "sort" in w], result.warnings


def test_nameless_entries_keep_their_place_in_biber_s_order(tmp_path):
    # biblatex-realauthor's example (TeX Live), abridged: anonymous works among authored ones. biber sorts a
    # nameless entry by its title; a `key` (biber's sortkey) added for BibTeX's sake sorted them by one word
    bib = """@book{LeClerc1686,
\tPublisher = {Henry Desbordes},
\tRealauthor = {Jean le Clerc},
\tTitle = {D{\\'e}fense des sentimens de quelques Th{\\'e}ologiens de Hollande},
\tYear = {1686}}

@book{Simon1686,
\tAddress = {Rotterdam},
\tAuthor = {{Prieur de Bolleville}},
\tPublisher = {Reinier Leers},
\tTitle = {R{\\'e}ponse au livre intitul{\\'e} sentimens de quelques Theologiens de Hollande},
\tYear = {1686}}

@book{noauthor-norealauthor,
\tTitle = {Here an anonymous work},
\t}

@book{Only-realauthor,
\tRealauthor=  {Therealauthor-Familyname, Given-Name},
\tTitle = {Here a  work with only a real author},
\t}

@ONLINE{a,
  title = {\\LaTeX~Project Public Licence},
  url = {http://www.latex-project.org/lppl.txt},
  urldate = {2012-04-20},
}
"""
    src, out = tmp_path / "realauthor.bib", tmp_path / "out.bib"
    src.write_text(bib, encoding="utf-8")
    before = compile_biber(bib, tmp_path / "before")
    assert main(["-q", "convert", str(src), "--to", "biblatex", "-o", str(out)]) == 0
    text = out.read_text(encoding="utf-8")
    assert "key =" not in text
    after = compile_biber(text, tmp_path / "after")
    assert after.errors == [] and after.warnings == before.warnings
    assert _bbl_order(after.bbl) == _bbl_order(before.bbl)
