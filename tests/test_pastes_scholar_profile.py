"""A Google Scholar profile's list of articles, copied from the browser (select all, copy).

Each row of the table is the title, the authors (initials first) and Scholar's short venue ("nature 521 (7553),
436-444"), then the "cited by" count and the year in cells of their own.  Before, the venue lines became papers
("@misc{…, title = {The journal of machine learning research 15 (1), 1929-1958}}") and the titles and authors
were lost.  Built from the profile page's structure with made-up papers; the ``.bib`` is checked by ``bibtex``.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bibkit.cli import main
from bibkit.errors import ExitCode
from bibkit.sources import read_text
from bibkit.testing.bibcorpus import bibtex_counts

HEAD = """\
Grace Hopper
Professor of Computer Science, University of Somewhere
Verified email at somewhere.edu - Homepage
compilers programming languages machine learning
Follow
Cited by\tVIEW ALL
All\tSince 2019
Citations\t91234\t54012
h-index\t89\t60
i10-index\t180\t155
"""
ROWS = [
    ("Tabulating engines with deep convolutional networks", "G Hopper, A Lovelace, AM Turing",
     "Advances in neural engine processing systems 25", "17821", "2012"),
    ("Compilers that learn", "A Lovelace, G Hopper", "nature 521 (7553), 436-444", "9031*", "2015"),
    ("Dropout for tables: a simple way to prevent engines from overfitting",
     "C Shannon, G Hopper, B Liskov, E Dijkstra, D Knuth...", "The journal of engine research 15 (1), 1929-1958",
     "5512", "2014"),
    ("Distilling the knowledge in a compiler", "G Hopper, O Dahl, J Backus", "arXiv preprint arXiv:1503.99999",
     "2500", "2015"),
    ("Notes on tables", "G Hopper", "", "12", ""),
]
TAIL = "Show more\nCo-authors\tEDIT\nAda Lovelace\nProfessor, University of Elsewhere\n"


def tabbed() -> str:
    body = "".join(f"{t}\n{a}\n{v}\t{c}\t{y}\n" if v else f"{t}\n{a}\t{c}\t{y}\n" for t, a, v, c, y in ROWS)
    return HEAD + "TITLE\tCITED BY\tYEAR\n" + body + TAIL


def a_cell_a_line() -> str:  # (a copy that turned the table's cells into lines)
    body = "".join(f"{t}\n{a}\n{v}\n{c}\n{y}\n" for t, a, v, c, y in ROWS[:4])
    return HEAD.replace("\t", "\n") + "TITLE\nCITED BY\nYEAR\n" + body + TAIL.replace("\t", "\n")


@pytest.mark.parametrize("page", [tabbed(), a_cell_a_line()], ids=["tabs", "a cell a line"])
def test_a_profile_row_is_one_paper(page: str) -> None:
    entries = read_text(page, "profile.txt").entries
    assert [e.title for e in entries] == [r[0] for r in ROWS][:len(entries)] and len(entries) >= 4
    engines, compilers, dropout, distill = entries[:4]
    assert [p.family for p in engines.authors] == ["Hopper", "Lovelace", "Turing"]
    assert (engines.booktitle or engines.journal, engines.volume, engines.year) == (
        "Advances in neural engine processing systems", "25", 2012)
    assert (compilers.journal, compilers.volume, compilers.number, compilers.pages, compilers.year) == (
        "nature", "521", "7553", "436–444", 2015)
    assert (dropout.journal, dropout.volume, dropout.pages) == ("The journal of engine research", "15", "1929–1958")
    assert dropout.authors[-1].is_others  # ("..." cuts the list)
    assert (distill.ids.arxiv, distill.year, distill.journal) == ("1503.99999", 2015, None)


def test_a_row_without_venue_or_year_and_the_page_furniture() -> None:
    doc = read_text(tabbed(), "profile.txt")
    notes = doc.entries[-1]
    assert (notes.title, [p.family for p in notes.authors], notes.year) == ("Notes on tables", ["Hopper"], None)
    skipped = {s.text for s in doc.skipped}
    assert {"Grace Hopper", "Show more", "Ada Lovelace"} <= skipped
    assert len(doc.entries) == len(ROWS)


def test_a_results_page_is_read_as_before() -> None:
    page = ("Tabulating engines\nG Hopper, A Lovelace - Advances in neural engines, 2012 - proceedings.neurips.cc\n"
            "We tabulate engines.\nSave Cite Cited by 17821 Related articles All 4 versions\n")
    (e,) = read_text(page, "results.txt").entries
    assert e.title == "Tabulating engines" and e.record.read_by.shape == "result"


def test_convert_writes_the_profile_and_bibtex_reads_it(tmp_path: Path) -> None:
    src = tmp_path / "profile.txt"
    src.write_text(tabbed(), encoding="utf-8")
    out = tmp_path / "refs.bib"
    assert main(["convert", str(src), "-o", str(out), "-q"]) == ExitCode.OK
    bib = out.read_text(encoding="utf-8")
    assert bib.count("\n@") + bib.startswith("@") == len(ROWS), bib
    assert "journal = {nature}" in bib and "pages = {436--444}" in bib, bib
    if shutil.which("bibtex") is None:
        pytest.skip("bibtex is not installed (TeX Live is needed to check the .bib)")
    counts = bibtex_counts(out)
    assert counts.ran and counts.errors == 0
