"""An ACM Digital Library article's own page, copied whole: the one paper, with its abstract.

Before, the page's header ("skip to main content", "Advanced Search" read as an author) became a paper, the share
menu ("Share on") was taken for the title, the abstract ran on over the references and the page's sections to the
end, and the "Qualifiers" section's type label over "Conference" made another paper.  Built from the page's
structure with a made-up paper; the ``.bib`` is checked by the real ``bibtex``.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bibkit.cli import main
from bibkit.errors import ExitCode
from bibkit.sources import read_text
from bibkit.testing.bibcorpus import bibtex_counts

PAGE = """\
skip to main content
ACM Digital Library home
ACM home
Advanced Search
Browse
About
Sign in
Register
Journals
Magazines
Proceedings
research-article
Open access
Share on
Tables by machine: a study of engines
Authors: Grace Hopper, Ada Lovelace, Alan Turing
Authors Info & Claims
CHI '21: Proceedings of the 2021 CHI Conference on Human Factors in Computing Systems
Article No.: 109, Pages 1 - 14
https://doi.org/10.1145/3411764.3445109
Published: 07 May 2021 Publication History
1,234citation
5,678Downloads
Metrics
Total Citations1,234
Total Downloads5,678
Last 12 Months512
Last 6 weeks45
Get Citation Alerts
PDFeReader
Abstract
We study how engines tabulate. We find that tables made by machine are more accurate than tables made by hand, and report on a study with 42 participants who compared both kinds of tables over six weeks. Machine tables had fewer errors, were produced faster, and were preferred by most participants; we discuss what this means for the design of future engines and of the tables they print.
References
[1] Charles Babbage. 1864. Passages from the Life of a Philosopher. Longman, London.
[2] Claude Shannon. 1948. A mathematical theory of communication. Bell System Technical Journal 27, 3 (1948), 379–423.
Index Terms
Human-centered computing
Recommendations
Engines revisited
Read More
Comments
Information & Contributors
Published In
cover image ACM Conferences
CHI '21: Proceedings of the 2021 CHI Conference on Human Factors in Computing Systems
May 2021
10862 pages
ISBN:9781450380966
DOI:10.1145/3411764
Copyright © 2021 Owner/Author
Publisher
Association for Computing Machinery
New York, NY, United States
Publication History
Published: 07 May 2021
Check for updates
Author Tags
engines
tables
Qualifiers
Research-article
Conference
CHI '21
"""
ABSTRACT = PAGE.split("\nAbstract\n", 1)[1].split("\n", 1)[0]  # (the paragraph under "Abstract")


def test_an_acm_article_page_is_its_one_paper() -> None:
    doc = read_text(PAGE, "acm.txt")
    assert len(doc.entries) == 1, [e.title for e in doc.entries]
    (e,) = doc.entries
    assert (e.title, [p.family for p in e.authors], e.entry_type, e.year, e.pages, e.ids.doi) == (
        "Tables by machine: a study of engines", ["Hopper", "Lovelace", "Turing"], "inproceedings", 2021, "1–14",
        "10.1145/3411764.3445109")
    assert e.booktitle == "Proceedings of the 2021 CHI Conference on Human Factors in Computing Systems"
    assert e.abstract == ABSTRACT  # (not the references and sections after it)
    skipped = {s.text for s in doc.skipped}
    assert {"skip to main content", "Share on", "Conference"} <= skipped


def test_convert_writes_it_and_bibtex_reads_it(tmp_path: Path) -> None:
    src = tmp_path / "acm.txt"
    src.write_text(PAGE, encoding="utf-8")
    out = tmp_path / "refs.bib"
    assert main(["convert", str(src), "-o", str(out), "-q"]) == ExitCode.OK
    bib = out.read_text(encoding="utf-8")
    assert bib.count("@") == 1 and "title = {Tables by machine: a study of engines}" in bib, bib
    if shutil.which("bibtex") is None:
        pytest.skip("bibtex is not installed (TeX Live is needed to check the .bib)")
    counts = bibtex_counts(out)
    assert counts.ran and counts.errors == 0 and counts.warnings == 0
