"""Reference lists in the styles that put the year before the volume: the American Chemical Society's
(``Journal Year, Volume, Pages.``, the issue in parentheses), MDPI's (the same, with an article number instead
of pages) and the Royal Society of Chemistry's (no title: ``Authors, Journal, Year, Volume, Pages.``), written
from their style guides.  Before, an article number left ``Remote Sens. 2021, 13, 1234`` as the journal's name
with no volume, and an RSC reference was no paper at all (a skipped line).  The ``.bib`` is checked by the real
``bibtex``.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bibkit.cli import main
from bibkit.errors import ExitCode
from bibkit.model import Entry
from bibkit.sources import read_text
from bibkit.testing.bibcorpus import bibtex_counts


def one(reference: str) -> Entry:
    entries = read_text("References\n\n" + reference + "\n", "refs.txt").entries
    assert len(entries) == 1, [e.title for e in entries]
    return entries[0]


@pytest.mark.parametrize(("reference", "title", "journal", "volume", "number", "pages", "year"), [
    # ACS: abbreviated journal, bold year, italic volume, pages
    ("(1) Hopper, G. M.; Lovelace, A. Catalytic Engines on Gold Surfaces. J. Am. Chem. Soc. 2019, 141, 1234–1240.",
     "Catalytic Engines on Gold Surfaces", "J. Am. Chem. Soc.", "141", None, "1234–1240", 2019),
    ("(2) Turing, A.; Shannon, C.; Liskov, B. Learned Models of Crystal Growth. Chem. Mater. 2020, 32 (4), "
     "1522–1530. DOI: 10.1021/acs.chemmater.0b01234.",
     "Learned Models of Crystal Growth", "Chem. Mater.", "32", "4", "1522–1530", 2020),
    # MDPI: the same notation, an article number for pages (the abbreviation's full stop kept, no sentence's)
    ("1. Hopper, G.; Lovelace, A. Deep Learning for Crop Yield Prediction. Remote Sens. 2021, 13, 1234. "
     "https://doi.org/10.3390/rs13071234",
     "Deep Learning for Crop Yield Prediction", "Remote Sens.", "13", None, "1234", 2021),
    ("2. Turing, A.; Shannon, C. Graph Networks for Small Molecules. Molecules 2022, 27, 845.",
     "Graph Networks for Small Molecules", "Molecules", "27", None, "845", 2022),
])
def test_acs_and_mdpi_year_volume_pages(reference, title, journal, volume, number, pages, year) -> None:
    e = one(reference)
    assert (e.title, e.journal, e.volume, e.number, e.pages, e.year, e.entry_type) == (
        title, journal, volume, number, pages, year, "article")
    assert [p.family for p in e.authors][:2] in (["Hopper", "Lovelace"], ["Turing", "Shannon"])


def test_vancouver_journal_keeps_no_full_stop_before_its_year() -> None:
    # (a full stop before the year is the name's only where the volume follows the year, ACS's way)
    e = one("1. Kim S, Park J. Stability of small proteins. J Mol Biol. 2018;430(2):123-130.")
    assert (e.journal, e.volume, e.number, e.pages) == ("J Mol Biol", "430", "2", "123–130")


@pytest.mark.parametrize(("reference", "authors", "journal", "volume", "pages", "year"), [
    ("G. Hopper and A. Lovelace, Chem. Sci., 2019, 10, 1234–1240.", ["Hopper", "Lovelace"], "Chem. Sci.", "10",
     "1234–1240", 2019),
    ("2. A. Turing, C. Shannon and B. Liskov, Phys. Chem. Chem. Phys., 2020, 22(4), 2101–2110.",
     ["Turing", "Shannon", "Liskov"], "Phys. Chem. Chem. Phys.", "22", "2101–2110", 2020),
])
def test_rsc_references_name_no_title(reference, authors, journal, volume, pages, year) -> None:
    e = one(reference)
    assert ([p.family for p in e.authors], e.journal, e.volume, e.pages, e.year, e.title) == (
        authors, journal, volume, pages, year, None)


def test_convert_writes_them_and_bibtex_reads_them(tmp_path: Path) -> None:
    src = tmp_path / "refs.txt"
    src.write_text("References\n\n"
                   "(1) Hopper, G. M.; Lovelace, A. Catalytic Engines on Gold Surfaces. J. Am. Chem. Soc. 2019, 141, "
                   "1234–1240.\n"
                   "(2) Hopper, G.; Lovelace, A. Deep Learning for Crop Yield Prediction. Remote Sens. 2021, 13, 1234.\n",
                   encoding="utf-8")
    out = tmp_path / "refs.bib"
    assert main(["convert", str(src), "-o", str(out), "-q"]) == ExitCode.OK
    bib = out.read_text(encoding="utf-8")
    assert "journal = {Remote Sens.}" in bib and "volume = {13}" in bib and "pages = {1234}" in bib, bib
    assert "journal = {J. Am. Chem. Soc.}" in bib and "pages = {1234--1240}" in bib, bib
    if shutil.which("bibtex") is None:
        pytest.skip("bibtex is not installed (TeX Live is needed to check the .bib)")
    counts = bibtex_counts(out)
    assert counts.ran and counts.errors == 0 and counts.warnings == 0
