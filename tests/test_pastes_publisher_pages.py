"""A journal publisher's article page copied whole (select all, copy) is the one paper it is about.

Built from the structure of the real pages: Springer Link's and nature.com's "Cite this article" block under
"About this article" (with the reference list, "Similar content" and menus around it), PLOS's "Citation:"
line.  Before, such a page gave one ``@misc`` per menu line ("Skip to main content", "Cite this article"),
the papers it cites, and a bare DOI — never the paper.  The ``.bib`` is checked by the real ``bibtex``.
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

SPRINGER = """\
Skip to main content
Advertisement
Springer Nature Link
Log in
Menu
Find a journal Publish with us Track your research
Search
Cart
Home Machine Learning Article
Bagged Trees for Noisy Labels
Published: March 2003
Volume 52, pages 101–126, (2003)
Cite this article
Download PDF
Machine Learning Aims and scope Submit manuscript
Ada Lovelace & Grace Hopper
Show authors
12k Accesses
804 Citations
Explore all metrics

Abstract
We study ensembles of trees grown on bootstrap samples when a fraction of the training labels is wrong. The ensemble's error converges as trees are added, and we bound it by the strength of the trees and their correlation.

Article PDF
Download to read the full article text

Similar content being viewed by others

Random Forests
Chapter © 2012
Explore related subjects
Artificial Intelligence
References
Amit, Y., & Geman, D. (1997). Shape quantization and recognition with randomized trees. Neural Computation, 9, 1545–1588.

Google Scholar

Freund, Y., & Schapire, R. (1996). Experiments with a new boosting algorithm. In Machine Learning: Proceedings of the Thirteenth International Conference (pp. 148–156).

Google Scholar

Download references

Author information
Authors and Affiliations
Department of Statistics, University of Somewhere, CA, 94720
Ada Lovelace

Rights and permissions
Reprints and permissions

About this article
Cite this article
Lovelace, A., Hopper, G. Bagged Trees for Noisy Labels. Mach Learn 52, 101–126 (2003). https://doi.org/10.1023/A:1022345678901

Download citation

Issue Date
March 2003

DOI
https://doi.org/10.1023/A:1022345678901

Keywords
classification
ensemble
"""

NATURE = """\
Skip to main content
Thank you for visiting nature.com. You are using a browser version with limited support for CSS.
Advertisement
nature
articles
Article
Published: 14 July 2021
Learning to fold small proteins
Alan Turing, Claude Shannon & Barbara Liskov
Nature volume 596, pages 583–589 (2021)Cite this article

1.2m Accesses

Metrics details

Abstract
Proteins fold into shapes that determine what they do, and predicting the shape from the sequence is hard. Here we show that a network trained on known structures predicts the shapes of small proteins at near-experimental accuracy.

Main
The shape of a protein is the key to its function.

References
1. Anfinsen, C. B. Principles that govern the folding of protein chains. Science 181, 223–230 (1973).

Article  CAS  Google Scholar

Download references

About this article
Check for updates. Verify currency and authenticity via CrossMark
Cite this article
Turing, A., Shannon, C. & Liskov, B. Learning to fold small proteins. Nature 596, 583–589 (2021). https://doi.org/10.1038/s41586-021-99999-9

Download citation

Received
11 May 2021

Published
14 July 2021

DOI
https://doi.org/10.1038/s41586-021-99999-9

This article is cited by
Folding at scale
Edsger Dijkstra
Nature Methods (2023)
"""

PLOS = """\
Browse
Publish
About
Open Access
Peer-reviewed
Research Article
Predicting protein stability with graph networks
Jane Smith , Alan Doe
Published: March 4, 2020
https://doi.org/10.1371/journal.pone.0229940
Article
Authors
Metrics
Abstract
Protein stability is central to protein engineering, and predicting how mutations change it remains difficult. We train graph neural networks on structures and show that they predict stability changes better than sequence-based baselines.
Citation: Smith J, Doe A (2020) Predicting protein stability with graph networks. PLoS ONE 15(3): e0229940. https://doi.org/10.1371/journal.pone.0229940
Editor: Mark Lee, University of Somewhere, UNITED STATES
Received: October 1, 2019; Accepted: February 20, 2020; Published: March 4, 2020
Introduction
Proteins fold into structures.
References
1. Kim S, Park J. Stability of proteins. J Mol Biol. 2018;430(2):123-130.
View Article Google Scholar
"""


def read(text: str) -> list[Entry]:
    return read_text(text, "page.txt").entries


def surnames(e: Entry) -> list[str]:
    return [p.family for p in e.authors if not p.literal]


@pytest.mark.parametrize(("page", "title", "names", "journal", "volume", "pages", "year", "doi"), [
    (SPRINGER, "Bagged Trees for Noisy Labels", ["Lovelace", "Hopper"], "Mach Learn", "52", "101–126", 2003,
     "10.1023/A:1022345678901"),
    (NATURE, "Learning to fold small proteins", ["Turing", "Shannon", "Liskov"], "Nature", "596", "583–589", 2021,
     "10.1038/s41586-021-99999-9"),
    (PLOS, "Predicting protein stability with graph networks", ["Smith", "Doe"], "PLoS ONE", "15", "e0229940", 2020,
     "10.1371/journal.pone.0229940"),
])
def test_an_article_page_is_the_one_paper_it_cites_as_itself(page, title, names, journal, volume, pages, year,
                                                               doi) -> None:
    entries = read(page)
    assert len(entries) == 1, [e.title for e in entries]
    e = entries[0]
    assert (e.title, surnames(e), e.journal, e.volume, e.pages, e.year, e.ids.doi, e.entry_type) == (
        title, names, journal, volume, pages, year, doi, "article")
    assert e.abstract and e.abstract.startswith(page.split("Abstract\n", 1)[1].split(" ", 2)[0])
    assert e.record.read_by is not None and e.record.read_by.reader.value == "article-page"


def test_every_other_line_of_the_page_is_listed_as_skipped() -> None:
    doc = read_text(SPRINGER, "page.txt")
    skipped = {s.text for s in doc.skipped}
    assert {"Skip to main content", "Cite this article", "Download citation", "Google Scholar"} <= skipped
    assert any(s.startswith("Amit, Y.") for s in skipped)  # a paper the page cites is not the page's paper


def test_two_pages_pasted_one_after_the_other_give_two_papers() -> None:
    entries = read(SPRINGER + "\n" + NATURE)
    assert [e.title for e in entries] == ["Bagged Trees for Noisy Labels", "Learning to fold small proteins"]
    assert entries[1].abstract and entries[1].abstract.startswith("Proteins fold")


def test_a_citation_label_in_notes_without_a_cited_doi_is_no_article_page() -> None:
    notes = ("Papers to read\n\nCitation: ask Ada which version to cite\n"
             "Attention Is All You Need https://arxiv.org/abs/1706.03762\n")
    entries = read(notes)
    assert [e.record.read_by.reader.value for e in entries if e.record.read_by] != ["article-page"]
    assert any(e.ids.arxiv == "1706.03762" for e in entries)


def test_a_quoted_citation_among_notes_loses_no_paper() -> None:
    # (no "Abstract" heading: a note quoting a journal's citation line, not the journal's page)
    notes = ("Reading list\n\n" + next(ln for ln in PLOS.splitlines() if ln.startswith("Citation:")) + "\n"
             "https://arxiv.org/abs/1706.03762\n")
    entries = read(notes)
    assert {e.ids.doi for e in entries} >= {"10.1371/journal.pone.0229940"}
    assert any(e.ids.arxiv == "1706.03762" for e in entries)


def test_convert_writes_the_page_s_paper_and_bibtex_reads_it(tmp_path: Path) -> None:
    src = tmp_path / "page.txt"
    src.write_text(NATURE, encoding="utf-8")
    out = tmp_path / "refs.bib"
    assert main(["convert", str(src), "-o", str(out), "-q"]) == ExitCode.OK
    bib = out.read_text(encoding="utf-8")
    assert bib.count("\n@") + bib.startswith("@") == 1, bib
    assert "@article{" in bib and "journal = {Nature}" in bib and "doi = {10.1038/s41586-021-99999-9}" in bib
    if shutil.which("bibtex") is None:
        pytest.skip("bibtex is not installed (TeX Live is needed to check the .bib)")
    counts = bibtex_counts(out)
    assert counts.ran and counts.errors == 0 and counts.warnings == 0


# --------------------------------------------------------------------------- ScienceDirect (no citation on the page)

SCIENCEDIRECT = """\
Skip to main content
Skip to article
Elsevier logo
Journals & Books
Search
Sign in
View PDF
Download full issue
Search ScienceDirect
Elsevier
Pattern Recognition Letters
Volume 88, Issue 2, March 2017, Pages 41-58
Pattern Recognition Letters
Research article
Label noise in tree ensembles: An overview
Author links open overlay panel{authors}
Show more
Add to Mendeley
Share
Cite
https://doi.org/10.1016/j.patrec.2016.11.004
Get rights and content
Abstract
Label noise is common in real data sets, and tree ensembles are often said to be robust to it. This survey reviews what is known about the effect of wrong labels on bagged and boosted trees, and how to reduce it.

Keywords
Label noise
Ensembles
1. Introduction
Data sets are noisy.
References
Aberdeen, 2003
D. Aberdeen
Policy-gradient algorithms for partially observable Markov decision processes
(Ph.D. thesis)
Australian National University (2003)
Google Scholar
Cited by (250)
Deep learning for remote sensing
2024, Remote Sensing of Environment
Show abstract
© 2016 Elsevier B.V. All rights reserved.
"""


@pytest.mark.parametrize("authors", [
    " Ada Lovelace a, Grace Hopper b c, Alan Turing a",  # marks after each name, on the button's line
    "Ada Lovelace a, Grace Hopper b c, Alan Turing a",  # the button's text glued to the first name
    "\nAda Lovelace\na\n, \nGrace Hopper\nb\nc\n, \nAlan Turing\na\n*",  # a name or a mark a line
])
def test_a_sciencedirect_page_is_the_paper_its_header_describes(authors: str) -> None:
    entries = read(SCIENCEDIRECT.format(authors=authors))
    assert len(entries) == 1, [e.title for e in entries]
    e = entries[0]
    assert (e.title, surnames(e), e.journal, e.volume, e.number, e.pages, e.year, e.ids.doi, e.entry_type) == (
        "Label noise in tree ensembles: An overview", ["Lovelace", "Hopper", "Turing"], "Pattern Recognition Letters",
        "88", "2", "41–58", 2017, "10.1016/j.patrec.2016.11.004", "article")
    assert e.abstract and e.abstract.startswith("Label noise is common")


def test_an_article_in_press_has_its_online_date_and_article_number() -> None:
    page = SCIENCEDIRECT.format(authors=" Ada Lovelace").replace(
        "Volume 88, Issue 2, March 2017, Pages 41-58", "Available online 3 March 2023, 104567")
    (e,) = read(page)
    assert (e.journal, e.volume, e.pages, e.year, surnames(e)) == ("Pattern Recognition Letters", None, "104567",
                                                                   2023, ["Lovelace"])
