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
