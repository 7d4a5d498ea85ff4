"""Page ranges from every source are stored as plain Unicode (an en dash) and written as TeX's ``--``.

The bug this guards against: a range stored as ASCII ``887--914`` is two hyphens to the LaTeX encoder,
which (rightly, for text) writes them ``887-{}-914`` — a BibTeX style then prints "887--914" literally.
"""

from __future__ import annotations

import pytest

from bibkit.app import WriteOptions, convert
from bibkit.enrich.apply import venue_of
from bibkit.enrich.crossref import parse_work
from bibkit.enrich.dblp import parse_hit
from bibkit.enrich.published import from_crossref, from_dblp
from bibkit.enrich.s2 import parse_paper
from bibkit.enrich.venues import load_venues
from bibkit.model import Document, Entry, PartialDate, Person
from bibkit.normalize.pages import page_range
from bibkit.writers import write
from texutil import compile_biber, compile_bibtex


@pytest.mark.parametrize("text,stored", [
    ("887-914", "887–914"),
    ("887--914", "887–914"),
    ("887---914", "887–914"),
    ("887 -\n          914", "887–914"),  # Semantic Scholar pads journal.pages with newlines
    ("887–914", "887–914"),
    ("887—914", "887–914"),
    ("887‐914", "887–914"),  # U+2010 hyphen
    ("L1-L4", "L1–L4"),
    ("e1234-e1240", "e1234–e1240"),
    ("xii-xv", "xii–xv"),
    ("1-5, 7-9", "1–5, 7–9"),
    ("104801", "104801"),
    ("e0123", "e0123"),
    ("887 ff.", "887 ff."),
    ("2023-01-15", "2023-01-15"),  # a date is no range
    ("978-3-16-148410-0", "978-3-16-148410-0"),  # nor an ISBN-like string
    ("", None),
    (None, None),
])
def test_page_range_stores_an_en_dash(text, stored):
    assert page_range(text) == stored


def test_page_range_for_the_writer_touches_only_what_tex_would_misread():
    assert page_range("887-914", hyphen=False) == "887-914"  # as a person typed it
    assert page_range("887--914", hyphen=False) == "887–914"
    assert page_range("887 -- 914", hyphen=False) == "887 – 914"


def _entry(pages: str) -> Entry:
    return Entry(entry_type="article", key="k", title="A Paper", authors=[Person(family="Doe", given="Jane")],
                 journal="Natural Language Engineering", volume="30", date=PartialDate(2024), pages=pages)


@pytest.mark.parametrize("to", ["bibtex", "biblatex"])
@pytest.mark.parametrize("stored,written", [
    ("887–914", "887--914"),
    ("887--914", "887--914"),  # what older bibkit stored (and a script may set): a range, not two hyphens
    ("887-914", "887-914"),  # a single hyphen as a person typed it: kept (BibTeX styles dashify it)
    ("887—914", "887--914"),
])
def test_writer_never_splits_a_range_dash(stored, written, to):
    text = write(Document([_entry(stored)]), to)
    assert f"pages = {{{written}}}" in text and "-{}-" not in text


def _sources() -> dict[str, str | None]:
    """The stored pages of one range as each source sends it, through each client's own parser."""
    venues = load_venues()
    crossref = parse_work({"DOI": "10.1017/s1351324923000542", "type": "journal-article", "title": ["A Paper"],
                           "author": [{"given": "Jane", "family": "Doe"}], "issued": {"date-parts": [[2024]]},
                           "container-title": ["Natural Language Engineering"], "page": "887-914"})
    assert crossref is not None
    s2 = parse_paper({"paperId": "x", "externalIds": {"ArXiv": "2311.18013"}, "title": "A Paper",
                      "journal": {"name": "Natural Language Engineering", "volume": "30",
                                  "pages": "\n          887 - 914\n        "}})
    assert s2 is not None
    hit = parse_hit({"@score": "1", "@id": "1", "info": {
        "authors": {"author": {"@pid": "1", "text": "Jane Doe"}}, "title": "A Paper.",
        "venue": "Nat. Lang. Eng.", "volume": "30", "pages": "887-914", "year": "2024", "type": "Journal Articles",
        "key": "journals/nle/Doe24", "doi": "10.1017/S1351324923000542", "ee": "https://doi.org/x"}})
    assert hit is not None
    dblp = from_dblp(hit, "dblp-search", venues)
    published = from_crossref(crossref, "crossref-relation")
    return {
        "crossref": published.pages if published else None,
        "s2": s2.journal_pages,
        "dblp": dblp.pages if dblp else None,
        "arxiv journal_ref": venue_of("Natural Language Engineering 30(5), 887-914 (2024)").get("pages"),
    }


def test_every_source_stores_the_range_with_an_en_dash_and_writes_tex_dashes(tmp_path):
    stored = _sources()
    assert stored == dict.fromkeys(stored, "887–914")
    entries = []
    for n, (source, pages) in enumerate(stored.items()):
        e = _entry(pages or "")
        e.key, e.title = f"k{n}", f"From {source}"
        entries.append(e)
    bib = write(Document(entries), "bibtex")
    assert bib.count("pages = {887--914}") == 4 and "-{}-" not in bib
    # and BibTeX/biber typeset an en dash ("887–914"), not "887--914" or "887-914"
    for result in (compile_bibtex(bib, tmp_path / "bt"), compile_biber(write(Document(entries), "biblatex"), tmp_path / "bb")):
        assert result.errors == [] and result.unexpected_warnings() == []
        assert "887–914" in result.text and "887--914" not in result.text


@pytest.mark.parametrize("to", ["bibtex", "biblatex"])
def test_bib_input_pages_round_trip_unchanged(tmp_path, to):
    src = tmp_path / "in.bib"
    src.write_text("@article{a,\n  title = {A},\n  author = {Doe, Jane},\n  journal = {J},\n  year = {2024},\n"
                   "  pages = {887--914},\n}\n\n"
                   "@article{b,\n  title = {B},\n  author = {Doe, Jane},\n  journal = {J},\n  year = {2024},\n"
                   "  pages = {887-914},\n}\n\n"
                   "@article{c,\n  title = {C},\n  author = {Doe, Jane},\n  journal = {J},\n  year = {2024},\n"
                   "  pages = {L1--L4, 7--9},\n}\n", encoding="utf-8")
    out = tmp_path / f"out-{to}.bib"
    convert([str(src)], str(out), write=WriteOptions(to=to))
    text = out.read_text(encoding="utf-8")
    assert "pages = {887--914}" in text and "pages = {887-914}" in text and "pages = {L1--L4, 7--9}" in text
    assert "-{}-" not in text
