"""A Wikipedia article's "References" section, copied from the rendered page: every reference opens with its
backlink ("^", "^ a b c", "^ Jump up to: a b"), the authors are "Family, Given; Family, Given", the date may be
a full one ("(1 November 1997)"), a title is followed by its format ("(PDF)"), a volume may be a sentence of its
own ("Systems. 30."), and catalogue numbers follow (ISBN, ISSN, PMID, S2CID, Bibcode, an arXiv category).

Before, the references ran into each other (the next "^" line was glued to the one before: a DOI given to the
wrong paper), every given name became an author of its own, "(PDF)" and "ISBN …" stayed in the venue, and a
reference dated "(1 November 1997)" lost its authors and year.  Written from Wikipedia's citation templates
(CS1) with made-up papers; the ``.bib`` is checked by the real ``bibtex``.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bibkit.cli import main
from bibkit.errors import ExitCode
from bibkit.sources import read_text
from bibkit.testing.bibcorpus import bibtex_counts

SECTION = """\
References
^ Hopper, Grace; Lovelace, Ada; Turing, Alan M; Shannon, Claude (2017). "Tables Are All You Need" (PDF). Advances in Neural Engines. 30. Curran Associates, Inc. arXiv:1706.99999.
^ a b c Liskov, Barbara; Dijkstra, Edsger (1 November 1997). "Long Short-Term Tables". Neural Engines. 9 (8): 1735–1780. doi:10.1162/neco.1997.9.8.9999. ISSN 0899-7667. PMID 9377276. S2CID 1915014.
^ Knuth, Donald; Ritchie, Dennis (2016). The Art of Tables. MIT Press. ISBN 978-0-262-03561-3.
^ Jump up to: a b Backus, John; Hamming, Richard; et al. (28 January 2016). "Mastering the game of tables with tree search". Nature. 529 (7587): 484–489. Bibcode:2016Natur.529..484B. doi:10.1038/nature19999. PMID 26819042.
^ Wirth, Niklaus; Kay, Alan (11 October 2018). "Pre-training of Deep Tables". arXiv:1810.99999v2 [cs.CL].
^ "Better Tables and Their Implications". Engines Lab. 14 February 2019. Archived from the original on 19 December 2020. Retrieved 25 August 2019.
"""


def entries():
    return read_text(SECTION, "wiki.txt").entries


def families(e) -> list[str]:
    return [p.family for p in e.authors if not p.literal]


def test_every_backlink_opens_one_reference() -> None:
    got = entries()
    assert [e.title for e in got] == [
        "Tables Are All You Need", "Long Short-Term Tables", "The Art of Tables",
        "Mastering the game of tables with tree search", "Pre-training of Deep Tables",
        "Better Tables and Their Implications"]
    assert got[3].ids.doi == "10.1038/nature19999" and got[1].ids.doi == "10.1162/neco.1997.9.8.9999"


def test_semicolon_separated_inverted_names() -> None:
    got = entries()
    assert families(got[0]) == ["Hopper", "Lovelace", "Turing", "Shannon"]
    assert [p.given for p in got[0].authors] == ["Grace", "Ada", "Alan M", "Claude"]
    assert families(got[3]) == ["Backus", "Hamming"] and got[3].authors[-1].is_others


def test_full_dates_format_volume_sentence_and_catalogue_numbers() -> None:
    neurips, lstm, book, nature, arxiv, web = entries()
    assert (neurips.booktitle or neurips.journal, neurips.volume, neurips.year, neurips.ids.arxiv) == (
        "Advances in Neural Engines", "30", 2017, "1706.99999")
    assert (families(lstm), lstm.year, lstm.journal, lstm.volume, lstm.number, lstm.pages) == (
        ["Liskov", "Dijkstra"], 1997, "Neural Engines", "9", "8", "1735–1780")
    assert (book.entry_type, book.publisher, book.extra.get("isbn")) == ("book", "MIT Press", "978-0-262-03561-3")
    assert (nature.journal, nature.volume, nature.number, nature.pages, nature.year) == (
        "Nature", "529", "7587", "484–489", 2016)
    assert (arxiv.ids.arxiv, arxiv.year, families(arxiv)) == ("1810.99999", 2018, ["Wirth", "Kay"])
    assert arxiv.journal is None and arxiv.booktitle is None  # ("[cs.CL]" is the id's category, no venue)
    assert web.year == 2019 and web.date is not None and web.date.month == 2  # (not the year it was archived)


@pytest.mark.parametrize("names", ["Vaswani A; Shazeer N.", "Smith, J. A.; Jones, B. C."])
def test_other_semicolon_lists_read_as_before(names: str) -> None:
    (e,) = read_text(f"References\n\n{names} Tables by machine. J Eng. 2019;12(3):33-44.\n", "r.txt").entries
    assert len(e.authors) == 2 and e.authors[1].family in ("Shazeer", "Jones")


def test_convert_writes_the_section_and_bibtex_reads_it(tmp_path: Path) -> None:
    src = tmp_path / "wiki.txt"
    src.write_text(SECTION, encoding="utf-8")
    out = tmp_path / "refs.bib"
    assert main(["convert", str(src), "-o", str(out), "-q"]) == ExitCode.OK
    bib = out.read_text(encoding="utf-8")
    assert bib.count("\n@") + bib.startswith("@") == 6, bib
    assert "^" not in bib and "(PDF)" not in bib and "ISBN 978" not in bib, bib
    if shutil.which("bibtex") is None:
        pytest.skip("bibtex is not installed (TeX Live is needed to check the .bib)")
    counts = bibtex_counts(out)
    assert counts.ran and counts.errors == 0
