"""CSL-JSON is flat: what BibTeX and biber take from elsewhere in a ``.bib`` must be in each item.

Inputs are excerpts of bibliographies TeX Live installs (biblatex's ``biblatex-examples.bib``, BibTeX's
``xampl.bib``), as a user's ``.bib`` has them: ``crossref`` children whose book holds the editors,
publisher and date, ``xdata`` sets of shared fields, BibLaTeX title parts, date ranges, BibLaTeX's own entry
types.  pandoc and Zotero read the items alone, so an item that leaves these out prints a bare title; and
reading the CSL-JSON back must give a ``.bib`` that real BibTeX and biber print with the same data.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from bibkit.cli import main
from texutil import compile_biber, compile_bibtex, require_tex

# biblatex-examples.bib (biblatex 3.x), abridged: a chapter crossreferencing its collection, a
# multi-volume work published over four years, an xdata set (biblatex manual §3.13.6)
BIBLATEX_EXAMPLES = r"""
@incollection{westfahl:space,
  author       = {Westfahl, Gary},
  title        = {The True Frontier},
  subtitle     = {Confronting and Avoiding the Realities of Space in {American}
                  Science Fiction Films},
  pages        = {55-65},
  crossref     = {westfahl:frontier},
  langid       = {english},
  indextitle   = {True Frontier, The},
}

@collection{westfahl:frontier,
  editor       = {Westfahl, Gary},
  title        = {Space and Beyond},
  date         = 2000,
  subtitle     = {The Frontier Theme in Science Fiction},
  publisher    = {Greenwood},
  location     = {Westport, Conn. and London},
  langid       = {english},
  doi          = {10.5555/space-and-beyond},
}

@mvcollection{jaffe,
  editor       = {Jaff{\'e}, Philipp},
  title        = {Regesta Pontificum Romanorum ab condita ecclesia ad annum post
                  Christum natum \textsc{mcxcviii}},
  date         = {1885/1888},
  edition      = 2,
  volumes      = 2,
  location     = {Leipzig},
  langid       = {latin},
}

@xdata{hup,
  publisher    = {Harvard University Press},
  location     = {Cambridge, Mass.},
}

@book{kant:kr,
  author       = {Kant, Immanuel},
  title        = {Kritik der reinen Vernunft},
  date         = 1781,
  xdata        = {hup},
}
"""

# xampl.bib (BibTeX 0.99), abridged: the classic BibTeX crossref, the parent's fields through @string
XAMPL = r"""
@STRING{STOC = " Symposium on the Theory of Computing"}
@STRING{ACM = "The OX Association for Computing Machinery"}

@INPROCEEDINGS{inproceedings-crossref,
   crossref = "whole-proceedings",
   author = "Alfred V. Oaho and Jeffrey D. Ullman and Mihalis Yannakakis",
   title = "On Notions of Information Transfer in {VLSI} Circuits",
   pages = "133--139",
   note = "This is a cross-referencing INPROCEEDINGS entry",
}

@PROCEEDINGS{whole-proceedings,
   key = "STOC",
   organization = ACM,
   title = "Proc. Fifteenth Annual" # STOC,
   address = "Boston",
   year = 1983,
   booktitle = "Proc. Fifteenth Annual ACM" # STOC,
   note = "This is a cross-referenced PROCEEDINGS",
}
"""


def _csl(tmp_path: Path, bib: str, name: str = "refs") -> dict[str, dict]:
    src, out = tmp_path / f"{name}.bib", tmp_path / f"{name}.json"
    src.write_text(bib, encoding="utf-8")
    assert main(["-q", "convert", str(src), "--to", "csl-json", "-o", str(out)]) == 0
    return {item["id"]: item for item in json.loads(out.read_text(encoding="utf-8"))}


def _back(tmp_path: Path, items: dict[str, dict], *args: str) -> str:
    src, out = tmp_path / "back.json", tmp_path / "back.bib"
    src.write_text(json.dumps(list(items.values()), ensure_ascii=False), encoding="utf-8")
    assert main(["-q", "convert", str(src), "-o", str(out), *args]) == 0
    return out.read_text(encoding="utf-8")


def _bbl_entry(bbl: str, key: str) -> str:
    m = re.search(r"\\entry\{" + re.escape(key) + r"\}.*?\\endentry", bbl, re.S)
    assert m, f"{key} not in the .bbl"
    return m.group(0)


def test_a_crossref_chapter_carries_its_books_title_editors_publisher_place_and_date(tmp_path):
    items = _csl(tmp_path, BIBLATEX_EXAMPLES)
    chapter = items["westfahl:space"]
    # what biber gives the chapter from its collection (title -> booktitle, the rest as it is)
    assert chapter["container-title"] == "Space and Beyond: The Frontier Theme in Science Fiction"
    assert chapter["editor"] == [{"family": "Westfahl", "given": "Gary"}]
    assert chapter["publisher"] == "Greenwood" and chapter["publisher-place"] == "Westport, Conn. and London"
    assert chapter["issued"] == {"date-parts": [[2000]]}
    # its own title, subtitle and pages; never the book's identity (its DOI names the book)
    assert chapter["title"] == ("The True Frontier: Confronting and Avoiding the Realities of Space in American "
                                "Science Fiction Films")
    assert chapter["page"] == "55-65" and chapter["type"] == "chapter" and "DOI" not in chapter
    # the collection is still an item of its own, a book, with its subtitle
    assert items["westfahl:frontier"]["type"] == "book"
    assert items["westfahl:frontier"]["title"] == "Space and Beyond: The Frontier Theme in Science Fiction"
    assert items["westfahl:frontier"]["DOI"] == "10.5555/space-and-beyond"

    # read back, the chapter alone says what biber printed for it through the crossref
    require_tex("biber", "pdflatex")
    back = _back(tmp_path, {"westfahl:space": chapter}, "--to", "biblatex")
    assert "crossref" not in back
    before = _bbl_entry(compile_biber(BIBLATEX_EXAMPLES, tmp_path / "before").bbl, "westfahl:space")
    after = compile_biber(back, tmp_path / "after")
    assert after.errors == [] and after.unexpected_warnings() == []
    entry = _bbl_entry(after.bbl, "westfahl:space")
    for line in ("\\name{editor}{1}", "{Greenwood}%", "{Westport, Conn.}%", "{London}%", "\\field{year}{2000}",
                 "\\field{booktitle}{Space and Beyond"):
        assert line in before and line in entry


def test_a_classic_bibtex_crossref_gives_the_proceedings_to_the_paper(tmp_path):
    items = _csl(tmp_path, XAMPL)
    paper = items["inproceedings-crossref"]
    assert paper["type"] == "paper-conference"
    assert paper["container-title"] == "Proc. Fifteenth Annual Symposium on the Theory of Computing"
    assert paper["publisher"] == "The OX Association for Computing Machinery"
    assert paper["publisher-place"] == "Boston" and paper["issued"] == {"date-parts": [[1983]]}
    assert paper["note"] == "This is a cross-referencing INPROCEEDINGS entry"  # its own note, not the parent's

    require_tex("bibtex", "pdflatex")
    back = _back(tmp_path, {"inproceedings-crossref": paper})
    result = compile_bibtex(back, tmp_path / "plain", style="plain")
    assert result.errors == [] and result.unexpected_warnings() == []
    assert "Boston, 1983" in result.flat_text and "Symposium on the Theory of Computing" in result.flat_text


def test_an_xdata_set_is_in_the_items_that_use_it_and_no_item_itself(tmp_path):
    items = _csl(tmp_path, BIBLATEX_EXAMPLES)
    assert "hup" not in items  # biber never prints an @xdata entry
    kant = items["kant:kr"]
    assert kant["publisher"] == "Harvard University Press" and kant["publisher-place"] == "Cambridge, Mass."


def test_date_ranges_and_dates_that_are_words_are_kept_both_ways(tmp_path):
    bib = BIBLATEX_EXAMPLES + r"""
@book{stow, author = {Stow, John}, title = {A Survey of London}, publisher = {Clarendon}, year = {1598--1603}}
@online{wiki, title = {Ontology}, organization = {Wikipedia}, url = {https://en.wikipedia.org/wiki/Ontology},
  date = {2004-04-05/2004-04-07}}
@article{fc, author = {Doe, Jane}, title = {Coming Soon}, journal = {Journal of Things}, year = {forthcoming}}
@inproceedings{salam,
  author       = {Salam, Abdus},
  editor       = {Svartholm, Nils},
  title        = {Weak and Electromagnetic Interactions},
  date         = 1968,
  booktitle    = {Elementary particle theory},
  booksubtitle = {Relativistic groups and analyticity},
  booktitleaddon= {Proceedings of the {Eighth Nobel Symposium}},
  eventdate    = {1968-05-19/1968-05-25},
  venue        = {Aspen{\"a}sgarden, Lerum},
  publisher    = {Almquist \& Wiksell},
  location     = {Stockholm},
  pages        = {367-377},
}
"""
    items = _csl(tmp_path, bib)
    salam = items["salam"]  # (biblatex-examples.bib: a symposium held over a week, its proceedings' full title)
    assert salam["event-date"] == {"date-parts": [[1968, 5, 19], [1968, 5, 25]]}
    assert salam["container-title"] == ("Elementary particle theory: Relativistic groups and analyticity. "
                                        "Proceedings of the Eighth Nobel Symposium")
    assert items["jaffe"]["issued"] == {"date-parts": [[1885], [1888]]}
    assert items["stow"]["issued"] == {"date-parts": [[1598], [1603]]}
    assert items["wiki"]["issued"] == {"date-parts": [[2004, 4, 5], [2004, 4, 7]]}
    assert items["fc"]["issued"] == {"literal": "forthcoming"}

    chosen = {k: items[k] for k in ("jaffe", "stow", "fc")}
    require_tex("bibtex", "biber", "pdflatex")
    bibtex_back = _back(tmp_path, chosen)
    assert "year = {1885--1888}" in bibtex_back and "year = {forthcoming}" in bibtex_back
    result = compile_bibtex(bibtex_back, tmp_path / "plainnat")
    # (biblatex-examples.bib gives jaffe no publisher, which plainnat wants for a book)
    assert result.errors == [] and result.unexpected_warnings() == ["Warning--empty publisher in jaffe"]
    for text in ("1885–1888", "1598–1603", "forthcoming"):
        assert text in result.flat_text
    biblatex_back = _back(tmp_path, chosen, "--to", "biblatex")
    assert "date = {1885/1888}" in biblatex_back
    result = compile_biber(biblatex_back, tmp_path / "biber")
    # (a year in words stays a year, as --to biblatex keeps one read from a .bib: biber says it sorts as text)
    assert result.errors == [] and [w for w in result.unexpected_warnings() if "'forthcoming'" not in w] == []
    assert "\\field{endyear}{1888}" in _bbl_entry(result.bbl, "jaffe")


def test_biblatex_types_are_the_csl_types_pandoc_gives_them(tmp_path):
    bib = "\n".join(f"@{t}{{k{t}, title = {{T}}, author = {{A, B}}, date = {{2001}}}}" for t in (
        "collection", "mvbook", "mvcollection", "reference", "inreference", "bookinbook", "suppbook", "patent",
        "periodical", "standard", "letter", "artwork", "audio", "video", "movie", "music", "suppperiodical"))
    items = _csl(tmp_path, bib)
    assert {k[1:]: v["type"] for k, v in items.items()} == {
        "collection": "book", "mvbook": "book", "mvcollection": "book", "reference": "book",
        "inreference": "entry-encyclopedia", "bookinbook": "chapter", "suppbook": "chapter", "patent": "patent",
        "periodical": "periodical", "standard": "standard", "letter": "personal_communication",
        "artwork": "graphic", "audio": "song", "video": "motion_picture", "movie": "motion_picture",
        "music": "song", "suppperiodical": "article-journal"}


def test_a_crossref_loop_or_a_missing_parent_inherits_nothing_and_is_no_error(tmp_path):
    bib = """@inbook{a, title = {A}, crossref = {b}, pages = {1--2}}
@book{b, title = {B}, crossref = {a}, publisher = {P}}
@inproceedings{c, title = {C}, crossref = {nowhere}, year = 2001}
"""
    items = _csl(tmp_path, bib)
    assert items["a"]["container-title"] == "B" and items["a"]["publisher"] == "P"
    assert "page" not in items["b"] and items["b"]["title"] == "B"
    assert set(items["c"]) == {"id", "type", "citation-key", "title", "issued"}


# biblatex-examples.bib, abridged: a Wiley SICI DOI (with "<" and ">"), a compound family name with a
# lower-case word, a journal abbreviation tied with "~", a master's thesis written as BibLaTeX's @thesis
# with its type key
ROUND_TRIP = r"""
@article{sigfridsson,
  author       = {Sigfridsson, Emma and Ryde, Ulf},
  title        = {Comparison of methods for deriving atomic charges from the electrostatic potential and
                  moments},
  journaltitle = {Journal of Computational Chemistry},
  date         = 1998,
  volume       = 19,
  number       = 4,
  pages        = {377-395},
  doi          = {10.1002/(SICI)1096-987X(199803)19:4<377::AID-JCC1>3.0.CO;2-P},
}

@book{vazques-de-parga,
  author       = {{V{\'a}zques{ de }Parga}, Luis and Lacarra, Jos{\'e} Mar{\'i}a and
                  {Ur{\'i}a R{\'i}u}, Juan},
  title        = {Las Peregrinaciones a Santiago de Compostela},
  date         = 1993,
  publisher    = {Iberdrola},
  location     = {Pamplona},
}

@article{glashow,
  author       = {Glashow, Sheldon},
  title        = {Partial Symmetries of Weak Interactions},
  journaltitle = {Nucl.~Phys.},
  date         = 1961,
  volume       = 22,
  pages        = {579--588},
}

@thesis{loh,
  author       = {Loh, Nin C.},
  title        = {High-Resolution Micromachined Interferometric Accelerometer},
  type         = {mathesis},
  institution  = {Massachusetts Institute of Technology},
  date         = 1992,
  location     = {Cambridge, Mass.},
}
"""


def test_csl_json_and_back_keeps_sici_dois_compound_family_names_and_thesis_kinds(tmp_path):
    items = _csl(tmp_path, ROUND_TRIP)
    assert items["loh"]["genre"] == "Master's thesis"  # what biblatex prints for "mathesis", not the key
    assert items["sigfridsson"]["DOI"] == "10.1002/(SICI)1096-987X(199803)19:4<377::AID-JCC1>3.0.CO;2-P"
    assert items["vazques-de-parga"]["author"][0] == {"family": "Vázques de Parga", "given": "Luis"}
    back = _back(tmp_path, items)
    assert "doi = {10.1002/(SICI)1096-987X(199803)19:4<377::AID-JCC1>3.0.CO;2-P}" in back
    assert "{Vázques de Parga}, Luis" in back and "@mastersthesis{loh," in back
    assert items["glashow"]["container-title"] == "Nucl.\u00a0Phys." and "journal = {Nucl.~Phys.}" in back  # a tie
    # biber reads the names and the DOI read back as it read the original's
    require_tex("biber", "pdflatex")
    before, after = compile_biber(ROUND_TRIP, tmp_path / "b0"), compile_biber(back, tmp_path / "b1")
    # (no "Vázques de" von part, the one family name the original's braces made it)
    assert "prefix=" not in _bbl_entry(before.bbl, "vazques-de-parga")
    assert "prefix=" not in _bbl_entry(after.bbl, "vazques-de-parga")
    assert "family={{Vázques de Parga}}" in _bbl_entry(after.bbl, "vazques-de-parga")
    assert after.errors == [] and after.unexpected_warnings() == []
    assert "\\verb 10.1002/(SICI)1096-987X(199803)19:4<377::AID-JCC1>3.0.CO;2-P" in _bbl_entry(after.bbl,
                                                                                             "sigfridsson")
    # and a second trip changes nothing
    assert _csl(tmp_path, back, "again") == items
