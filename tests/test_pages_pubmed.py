"""PubMed's search results, as copied from the browser: each result its title, Vancouver names, the citation
line and ``PMID:``; the snippet is no abstract; counts, filters, Cite/Share are skipped lines."""

from __future__ import annotations

from pathlib import Path

from bibkit.cli import main
from bibkit.sources import read_path, read_text

PASTE = Path(__file__).parent / "data" / "pastes" / "found" / "pubmed-results.txt"


def test_pubmed_results_page() -> None:
    doc = read_path(str(PASTE))
    review, nature, dutch = doc.entries
    assert review.title == "Deep learning for healthcare: review, opportunities and challenges"
    assert [(p.family, p.given) for p in review.authors][-1] == ("Dudley", "J. T.")
    assert (review.journal, review.volume, review.number, review.pages) == ("Brief Bioinform", "19", "6", "1236–1246")
    assert review.date is not None and (review.date.year, review.date.month, review.date.day) == (2018, 11, 27)
    assert (review.ids.doi, review.ids.pmid) == ("10.1093/bib/bbx044", "28481991")
    assert review.abstract is None and review.meta["pubmed_snippet"].startswith("Gaining knowledge")
    assert nature.ids.doi == "10.1038/nature21056" and nature.date.year == 2017  # (not its Epub date)
    assert dutch.title == "Artificial intelligence in medicine: a review"  # (a translated title's brackets)
    assert (dutch.authors[0].particle, dutch.authors[0].family) == ("van der", "Berg")
    assert dutch.authors[1].literal == "Stanford Skin Cancer Group"
    assert all(e.record.read_by is not None and e.record.read_by.reader.value == "pubmed-page" for e in doc.entries)
    reasons = {s.text: s.reason for s in doc.skipped}
    assert "Cite" in reasons and "12,345 results" in reasons and "Share" in reasons


def test_a_pubmed_block_inside_a_mixed_paste_and_forced(tmp_path: Path) -> None:
    text = ("Papers to read this week:\n\n" + PASTE.read_text(encoding="utf-8") +
            "\n\nAlso: https://arxiv.org/abs/1706.03762\n")
    doc = read_text(text, "mixed.txt")
    assert [e.ids.pmid for e in doc.entries if e.ids.pmid] == ["28481991", "28117445", "32345678"]
    assert any(e.ids.arxiv == "1706.03762" for e in doc.entries)
    out = tmp_path / "o.bib"
    assert main(["-q", "convert", str(PASTE), "--from", "pubmed-page", "-o", str(out)]) == 0
    assert out.read_text(encoding="utf-8").count("pmid = ") == 3


ARTICLE = Path(__file__).parent / "data" / "pastes" / "found" / "pubmed-article.txt"
MANUSCRIPT = Path(__file__).parent / "data" / "pastes" / "found" / "pmc-manuscript.txt"


def _the_article(doc) -> None:  # noqa: ANN001 (a Document)
    [paper] = doc.entries
    assert paper.title == "A deep learning model to triage screening mammograms: a simulation study"
    assert paper.entry_type == "article" and paper.journal == "Lancet Digit Health"
    assert (paper.volume, paper.number, paper.pages) == ("3", "3", "e162–e171")
    assert paper.date is not None and (paper.date.year, paper.date.month) == (2021, 3)  # (not its Epub date)
    assert (paper.ids.pmid, paper.ids.doi) == ("33607100", "10.1016/S2589-7500(20)30292-2")
    assert [(p.given, p.family) for p in paper.authors][:2] == [("Adam", "Yala"), ("Peter G", "Mikhael")]
    assert len(paper.authors) == 10 and paper.authors[-1].family == "Barzilay"  # (affiliation numbers dropped)
    assert paper.abstract is not None and paper.abstract.startswith("Background: Recent deep learning models")
    assert "Funding: None." in paper.abstract and "Copyright" not in paper.abstract
    assert paper.extra["keywords"] == "Breast cancer, Deep learning, Mammography, Screening"


def test_a_pubmed_article_page_copied_whole_is_one_paper() -> None:
    # the page's own lists (similar articles, cited by, its references, MeSH terms) are no papers of the paste
    doc = read_path(str(ARTICLE))
    _the_article(doc)
    reasons = {s.text: s.reason for s in doc.skipped}
    assert "lists of other articles" in reasons["PMID: 33432172 Free PMC article."]
    assert "lists of other articles" in reasons["Deep Learning*"]
    assert doc.entries[0].record.read_by is not None and doc.entries[0].record.read_by.reader.value == "pubmed-page"


def test_a_pubmed_article_page_in_other_copies() -> None:
    text = ARTICLE.read_text(encoding="utf-8")
    _the_article(read_text(text.replace("\n", "\n\n"), "spaced.txt"))  # a browser that copies blank lines
    # the journal and its date on one line (a copy that keeps the link inline), a structured abstract's part
    # names on lines of their own
    inline = text.replace("Lancet Digit Health\n. 2021", "Lancet Digit Health. 2021")
    inline = inline.replace("Background: Recent", "Background\nRecent").replace("Funding: None.", "Funding\nNone.")
    _the_article(read_text(inline, "inline.txt"))
    # inside notes, with a link after it
    doc = read_text("Papers to read:\n\n" + text.split("PubMed Disclaimer")[0] +
                    "\nAlso: https://arxiv.org/abs/1706.03762\n", "notes.txt")
    assert [e.ids.pmid for e in doc.entries if e.ids.pmid] == ["33607100"]
    assert any(e.ids.arxiv == "1706.03762" for e in doc.entries) and len(doc.entries) == 2


def test_two_article_pages_one_after_the_other_are_two_papers() -> None:
    text = ARTICLE.read_text(encoding="utf-8")
    other = (text.replace("33607100", "33607111").replace("S2589-7500(20)30292-2", "S2589-7500(20)30999-9")
             .replace("A deep learning model to triage", "A second model to triage"))
    doc = read_text(text + "\n" + other, "two.txt")
    assert [e.ids.pmid for e in doc.entries] == ["33607100", "33607111"]
    assert doc.entries[1].title == "A second model to triage screening mammograms: a simulation study"


def test_a_pubmed_central_full_text_page_is_its_article_alone(tmp_path: Path) -> None:
    # an author manuscript on PubMed Central: the citation is its "Published in final edited form as" line; its
    # sections and numbered references are the article's text, not papers of the paste
    doc = read_path(str(MANUSCRIPT))
    [paper] = doc.entries
    assert paper.title == "Investigating and Annotating the Role of Citation in Biomedical Full-Text Articles"
    assert paper.journal == "Proceedings (IEEE Int Conf Bioinformatics Biomed)" and paper.pages == "308–313"
    assert (paper.ids.pmid, paper.ids.doi) == ("21170175", "10.1109/BIBMW.2009.5332080")
    assert [p.family for p in paper.authors] == ["Yu", "Agarwal", "Frid"]
    assert paper.abstract is not None and paper.abstract.startswith("Citations are ubiquitous")
    assert "TREC" not in paper.abstract  # (the introduction is the article's text, not its abstract)
    reasons = {s.text: s.reason for s in doc.skipped}
    assert "article's own text" in reasons["1. Introduction"]
    out = tmp_path / "refs.bib"
    assert main(["-q", "convert", str(MANUSCRIPT), "-o", str(out)]) == 0
    assert out.read_text(encoding="utf-8").count("@") == 1
