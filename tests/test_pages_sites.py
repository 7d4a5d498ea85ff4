"""The readers of venue and search sites' pages: OpenReview, IEEE Xplore, Semantic Scholar.

Each test pins one rule of :mod:`bibkit.sources.pages.openreview`, :mod:`.ieee` or
:mod:`.semanticscholar` on a small paste written the way the page copies (their whole-page
pastes, and held-out ones, are in ``tests/data/pastes/found/fresh-{openreview,ieee,s2,heldout}-*``).
"""

from __future__ import annotations

import random

import pytest

from bibkit.bibnames import is_others
from bibkit.cli import main
from bibkit.errors import ExitCode
from bibkit.record import PageReader
from bibkit.sources import read_text
from bibkit.sources.pages import segment
from bibkit.sources.pages.openreview import may_apply as may_openreview
from bibkit.sources.pastetext import make_lines

OPENREVIEW = """Let's Verify Step by Step
Hunter Lightman, Vineet Kosaraju, Yuri Burda, Harrison Edwards, Bowen Baker, Teddy Lee, Jan Leike, John Schulman, Ilya Sutskever, Karl Cobbe
Published: 16 Jan 2024, Last Modified: 15 Mar 2024
ICLR 2024 poster
Readers:  Everyone
Show details

Scaling Data-Constrained Language Models
Niklas Muennighoff, Alexander M Rush, Boaz Barak, Teven Le Scao, Aleksandra Piktus, Nouamane Tazi, Sampo Pyysalo, Thomas Wolf, Colin Raffel
Published: 21 Sept 2023, Last Modified: 02 Nov 2023
NeurIPS 2023 oral
Readers:  Everyone
Show details
"""


def _note(title: str = "A Paper About Things", authors: str = "Ada Lovelace, Alan Turing",
          dates: str = "Published: 16 Jan 2024, Last Modified: 15 Mar 2024", venue: str = "ICLR 2024 poster",
          after: str = "Readers:  Everyone\nShow details") -> str:
    return "\n".join(x for x in (title, authors, dates, venue, after) if x) + "\n"


# --------------------------------------------------------------------------- OpenReview


def test_openreview_notes_are_one_paper_each_with_their_fields() -> None:
    doc = read_text(OPENREVIEW, "or.txt")
    assert [e.title for e in doc.entries] == ["Let's Verify Step by Step", "Scaling Data-Constrained Language Models"]
    first, second = doc.entries
    assert first.record.read_by is not None and first.record.read_by.reader is PageReader.OPENREVIEW
    assert [a.family for a in first.authors][:2] == ["Lightman", "Kosaraju"] and len(first.authors) == 10
    assert first.entry_type == "inproceedings" and "ICLR 2024" in (first.booktitle or "")
    assert (first.date.year, first.date.month, first.date.day) == (2024, 1, 16)
    assert first.meta["openreview_decision"] == "poster"
    assert second.entry_type == "inproceedings" and "NeurIPS 2023" in (second.booktitle or "")
    assert (second.date.year, second.date.month, second.date.day) == (2023, 9, 21)
    assert second.meta["openreview_decision"] == "oral"
    assert {s.text for s in doc.skipped} == {"Readers: Everyone", "Show details"}
    assert all(s.reason for s in doc.skipped)


@pytest.mark.parametrize("dates, month, day", [
    ("Published: 21 Sept 2023, Last Modified: 02 Nov 2023", 9, 21),
    ("Published: 21 Sep 2023, Last Modified: 02 Nov 2023", 9, 21),
    ("Last Modified: 02 Nov 2023, Published: 21 September 2023", 9, 21),
    ("Submitted: 21 Sept 2023, Published: 03 Oct 2023, Last Modified: 02 Nov 2023", 10, 3),
])
def test_openreview_dates_in_any_order_and_month_spelling(dates: str, month: int, day: int) -> None:
    doc = read_text(_note(dates=dates, venue="NeurIPS 2023 poster"), "or.txt")
    (entry,) = doc.entries
    assert (entry.date.year, entry.date.month, entry.date.day) == (2023, month, day)


@pytest.mark.parametrize("venue, entry_type, field, value, note", [
    ("ICLR 2024 poster", "inproceedings", "booktitle", "International Conference on Learning Representations (ICLR 2024)",
     None),
    ("ICLR 2024 spotlight", "inproceedings", "booktitle", "International Conference on Learning Representations "
     "(ICLR 2024)", None),
    ("NeurIPS 2023 oral", "inproceedings", "booktitle", "Advances in Neural Information Processing Systems "
     "(NeurIPS 2023)", None),
    ("NeurIPS 2023 Datasets and Benchmarks", "inproceedings", "booktitle", "NeurIPS 2023 Datasets and Benchmarks",
     None),
    ("ICLR 2024 Workshop ME-FoMo Poster", "inproceedings", "booktitle", "ICLR 2024 Workshop ME-FoMo", None),
    ("TMLR", "article", "journal", "Transactions on Machine Learning Research", None),
    ("Accepted by TMLR", "article", "journal", "Transactions on Machine Learning Research", None),
    ("Submitted to ICLR 2025", "unpublished", "booktitle", None, "Submitted to ICLR 2025"),
    ("ICLR 2023 Conference Withdrawn Submission", "unpublished", "booktitle", None,
     "ICLR 2023 Conference Withdrawn Submission"),
    ("ICLR 2024 Conference Desk Rejected Submission", "unpublished", "booktitle", None,
     "ICLR 2024 Conference Desk Rejected Submission"),
])
def test_openreview_venue_line_says_what_the_paper_is(venue: str, entry_type: str, field: str, value: str | None,
                                                      note: str | None) -> None:
    # a submission (under review, withdrawn, rejected) is no paper of that venue: @unpublished with the status
    doc = read_text(_note(venue=venue, dates="Published: 16 Jan 2024, Last Modified: 15 Mar 2024"), "or.txt")
    (entry,) = doc.entries
    assert entry.entry_type == entry_type
    assert getattr(entry, field) == value
    assert entry.note == note


def test_a_submission_takes_its_year_from_its_date_not_the_venue() -> None:
    doc = read_text(_note(dates="Submitted: 27 Sept 2024, Last Modified: 05 Feb 2025", venue="Submitted to ICLR 2025"),
                    "or.txt")
    (entry,) = doc.entries
    assert (entry.entry_type, entry.date.year, entry.date.month) == ("unpublished", 2024, 9)


@pytest.mark.parametrize("title_lines, title", [
    ("A Paper About Things\nDownload PDF", "A Paper About Things"),
    ("A Paper About Things Download PDF", "A Paper About Things"),
    ("A Paper About Things PDF", "A Paper About Things"),
    ("A Paper About Things\nPDF", "A Paper About Things"),
    ("Chat with PDF", "Chat with PDF"),  # the title's own word
])
def test_openreview_pdf_link_text_is_no_part_of_the_title(title_lines: str, title: str) -> None:
    doc = read_text(_note(title=title_lines), "or.txt")
    assert [e.title for e in doc.entries] == [title]


def test_openreview_detail_view_abstract_is_kept_the_tldr_never() -> None:
    after = ("Readers:  Everyone\nHide details\nTL;DR: We show a short summary here.\n"
             "Keywords: reward models, process supervision\n"
             "Abstract: In recent years, large language models have greatly improved in their ability to reason.\n"
             "To train more reliable models, we turn to process supervision.\n"
             "Primary Area: generative models\nSubmission Number: 7834\n0 Replies")
    doc = read_text(_note(after=after), "or.txt")
    (entry,) = doc.entries
    assert entry.abstract == ("In recent years, large language models have greatly improved in their ability to reason. "
                              "To train more reliable models, we turn to process supervision.")
    assert entry.meta["openreview_tldr"] == "We show a short summary here."
    assert entry.meta["openreview_keywords"] == "reward models, process supervision"
    assert entry.meta["openreview_submission"] == "7834"
    reasons = {s.text: s.reason for s in doc.skipped}
    assert set(reasons) == {"Readers: Everyone", "Hide details", "Primary Area: generative models", "0 Replies"}


def test_openreview_meta_on_one_line_reads_as_on_several() -> None:
    one = _note(dates="Published: 05 Mar 2024, Last Modified: 05 Mar 2024 TMLR Readers: Everyone Show details",
                venue="", after="")
    (entry,) = read_text(one, "or.txt").entries
    assert (entry.entry_type, entry.journal, entry.date.year) == ("article", "Transactions on Machine Learning Research",
                                                                  2024)


def test_anonymous_authors_are_no_author() -> None:
    (entry,) = read_text(_note(authors="Anonymous"), "or.txt").entries
    assert entry.title == "A Paper About Things" and entry.authors == []


def test_chatter_between_openreview_notes_never_adds_a_paper() -> None:
    chatter = ["todo: read these before Friday", "Star us on GitHub!", "https://openreview.net/group?id=ICLR.cc/2024",
               "----", "Accept (poster)", "«‹12345›»", "Search OpenReview..."]
    rng = random.Random(12)
    notes = [_note(title=f"A Paper About Thing Number {k}", authors=f"Ada Lovelace, Alan Turing{'e' * k}")
             for k in range(6)]
    for _ in range(10):
        parts: list[str] = []
        for n in notes:
            parts.append(n)
            parts.extend(rng.sample(chatter, rng.randint(0, 2)))
        doc = read_text("\n".join(parts), "or.txt")
        assert [e.title for e in doc.entries] == [f"A Paper About Thing Number {k}" for k in range(6)]


def test_from_openreview_page_forces_the_reader(tmp_path) -> None:
    src = tmp_path / "or.txt"
    src.write_text(OPENREVIEW, encoding="utf-8")
    out = tmp_path / "o.bib"
    assert main(["convert", str(src), "--from", "openreview-page", "-o", str(out), "-q"]) == ExitCode.OK
    text = out.read_text(encoding="utf-8")
    assert text.count("@inproceedings{") == 2 and "Let's Verify Step by Step" in text


# --------------------------------------------------------------------------- IEEE Xplore

IEEE = """Deep Residual Learning for Image Recognition
Kaiming He; Xiangyu Zhang; Shaoqing Ren; Jian Sun
2016 IEEE Conference on Computer Vision and Pattern Recognition (CVPR)
Year: 2016 | Conference Paper | Publisher: IEEE
Cited by: Papers (120000) | Patents (50)
Abstract
HTML

Focal Loss for Dense Object Detection
Tsung-Yi Lin; Priya Goyal; Ross Girshick; Kaiming He; Piotr Dollár
IEEE Transactions on Pattern Analysis and Machine Intelligence
Year: 2020 | Volume: 42, Issue: 2 | Journal Article | Publisher: IEEE
Cited by: Papers (9000)
Free
Abstract
HTML
PDF
"""


def test_ieee_results_are_one_paper_each_with_type_and_details() -> None:
    doc = read_text(IEEE, "x.txt")
    conf, journal = doc.entries
    assert conf.title == "Deep Residual Learning for Image Recognition"
    assert [a.family for a in conf.authors] == ["He", "Zhang", "Ren", "Sun"]
    assert (conf.entry_type, conf.booktitle, conf.date.year, conf.publisher) == (
        "inproceedings", "2016 IEEE Conference on Computer Vision and Pattern Recognition (CVPR)", 2016, "IEEE")
    assert (journal.entry_type, journal.journal, journal.volume, journal.number) == (
        "article", "IEEE Transactions on Pattern Analysis and Machine Intelligence", "42", "2")
    assert journal.abstract is None
    assert {s.text for s in doc.skipped} == {"Cited by: Papers (120000) | Patents (50)", "Abstract", "HTML",
                                              "Cited by: Papers (9000)", "Free", "PDF"}


@pytest.mark.parametrize("kind, entry_type, field, note", [
    ("Early Access Article", "article", "journal", "Early Access"),
    ("Magazine Article", "article", "journal", None),
    ("Book Chapter", "incollection", "booktitle", None),
])
def test_ieee_facts_line_types(kind: str, entry_type: str, field: str, note: str | None) -> None:
    paste = f"A Title Of Some Length\nJane Roe; John Doe\nSome Venue Name\nYear: 2024 | {kind} | Publisher: IEEE\nAbstract\n"
    (entry,) = read_text(paste, "x.txt").entries
    assert (entry.entry_type, getattr(entry, field), entry.note) == (entry_type, "Some Venue Name", note)


def test_ieee_opened_abstract_is_kept_unless_cut() -> None:
    text = ("We present a one-stage detector that matches two-stage accuracy by reshaping the standard cross "
            "entropy loss so that it down-weights the loss assigned to well-classified examples.")
    whole = IEEE.replace("Free\nAbstract\n", f"Free\nAbstract\n{text}\n")
    assert read_text(whole, "x.txt").entries[1].abstract == text
    cut = IEEE.replace("Free\nAbstract\n", f"Free\nAbstract\n{text[:90]}...\nShow More\n")
    entry = read_text(cut, "x.txt").entries[1]
    assert entry.abstract is None and entry.meta["ieee_abstract_snippet"].startswith("We present")


def test_ieee_table_of_contents_takes_the_issue_for_its_papers() -> None:
    paste = ("IEEE Transactions on Neural Networks and Learning Systems\nVolume 35, Issue 4 • April 2024\n\n"
             "A Title Of Some Length\nJane Roe; John Doe\nPublication Year: 2024, Page(s): 4431 - 4445\n"
             "Cited by: Papers (7)\nAbstract\nHTML\n")
    (entry,) = read_text(paste, "x.txt").entries
    assert (entry.entry_type, entry.journal, entry.volume, entry.number, entry.pages, entry.date.month) == (
        "article", "IEEE Transactions on Neural Networks and Learning Systems", "35", "4", "4431–4445", 4)


# --------------------------------------------------------------------------- Semantic Scholar

S2 = """Attention is All you Need
Ashish Vaswani, Noam M. Shazeer, +6 authors Illia Polosukhin
Computer Science
Neural Information Processing Systems
12 June 2017
TLDR
A new simple network architecture, the Transformer, based solely on attention mechanisms, dispensing with recurrence and convolutions entirely is proposed...
Expand
150,000
PDF
Save
"""


def test_s2_result_cut_author_list_tldr_and_venue() -> None:
    doc = read_text(S2, "s.txt")
    (entry,) = doc.entries
    assert entry.title == "Attention is All you Need"
    assert [a.family for a in entry.authors[:-1]] == ["Vaswani", "Shazeer", "Polosukhin"]
    assert is_others(entry.authors[-1])  # "+6 authors": the list is cut
    assert entry.abstract is None and entry.meta["s2_tldr"].startswith("A new simple network architecture")
    assert (entry.entry_type, entry.booktitle) == ("inproceedings", "Neural Information Processing Systems")
    assert (entry.date.year, entry.date.month, entry.date.day) == (2017, 6, 12)
    assert entry.meta["s2_fields"] == ["Computer Science"]
    assert {s.text for s in doc.skipped} == {"TLDR", "Expand", "150,000", "PDF", "Save"}


@pytest.mark.parametrize("venue, entry_type", [("ArXiv", "misc"), ("Nature", "article"),
                                               ("Journal of Machine Learning Research", "article"),
                                               ("Conference on Empirical Methods in Natural Language Processing",
                                                "inproceedings"), ("Some Unknown Venue", "misc")])
def test_s2_venue_kind(venue: str, entry_type: str) -> None:
    (entry,) = read_text(S2.replace("Neural Information Processing Systems", venue), "s.txt").entries
    assert entry.entry_type == entry_type
    assert entry.meta["s2_venue"] == venue


def test_s2_snippet_cut_at_expand_is_no_abstract_a_whole_labelled_one_is() -> None:
    snippet = S2.replace("TLDR\n", "").replace("A new simple", "The dominant sequence transduction models are based")
    (entry,) = read_text(snippet, "s.txt").entries
    assert entry.abstract is None and entry.meta["s2_snippet"].startswith("The dominant sequence")
    page = S2.replace("Expand\n", "Expand\nAbstract\nThe dominant sequence transduction models are based on "
                      "complex recurrent or convolutional neural networks.\nCollapse\n")
    (entry,) = read_text(page, "s.txt").entries
    assert entry.abstract == ("The dominant sequence transduction models are based on complex recurrent or "
                              "convolutional neural networks.")


# --------------------------------------------------------------------------- gates and mixing


def test_the_sites_readers_are_not_asked_on_pastes_without_their_marks() -> None:
    refs = ("[1] A. Smith and B. Jones, \"A title,\" in Proc. CVPR, 2016, pp. 1-9.\n"
            "[2] C. Doe, \"Another title,\" IEEE Trans. PAMI, vol. 1, no. 2, pp. 3-4, 2020.\n")
    active = dict(zip(segment.READERS, segment._active(refs)))
    assert not active[PageReader.OPENREVIEW] and not active[PageReader.IEEE]
    assert not active[PageReader.SEMANTIC_SCHOLAR]
    assert not may_openreview("\nPublished on Jan 8, 2024", "\npublished on jan 8, 2024")


def test_a_mixed_paste_reads_each_block_with_its_reader() -> None:
    mixed = OPENREVIEW + "\n" + IEEE + "\n" + S2
    doc = read_text(mixed, "mix.txt")
    got = [(e.title, e.record.read_by.reader if e.record.read_by else None) for e in doc.entries]
    assert got == [("Let's Verify Step by Step", PageReader.OPENREVIEW),
                   ("Scaling Data-Constrained Language Models", PageReader.OPENREVIEW),
                   ("Deep Residual Learning for Image Recognition", PageReader.IEEE),
                   ("Focal Loss for Dense Object Detection", PageReader.IEEE),
                   ("Attention is All you Need", PageReader.SEMANTIC_SCHOLAR)]


def test_each_reader_reads_nothing_from_an_empty_or_unrelated_block() -> None:
    from bibkit.sources.pages import ieee, openreview, semanticscholar
    from bibkit.sources.pages.base import Sink

    lines = make_lines("Just some words\nand more words here\n")
    for module in (openreview, ieee, semanticscholar):
        sink = Sink("x.txt")
        module.read_block(lines, sink)
        assert sink.drafts == [] and len(sink.skipped) == 2


def test_an_abstract_line_that_looks_like_a_venue_stays_in_the_abstract() -> None:
    after = ("Readers:  Everyone\nAbstract: We study routing in sparse models at scale.\n"
             "GPT-4 and LLaMA 2023 releases show the same trend\nSubmission Number: 12")
    (entry,) = read_text(_note(after=after), "or.txt").entries
    assert entry.abstract == "We study routing in sparse models at scale. GPT-4 and LLaMA 2023 releases show the same trend"


def test_an_authors_label_on_a_paper_page() -> None:
    paste = ("A Paper About Things\nAuthors: Ada Lovelace, Alan Turing\nPublished: 16 Jan 2024, Last Modified: 15 Mar 2024\n"
             "ICLR 2024 poster\n")
    (entry,) = read_text(paste, "or.txt").entries
    assert entry.title == "A Paper About Things" and [a.family for a in entry.authors] == ["Lovelace", "Turing"]


@pytest.mark.parametrize("meta", [
    "Published: 16 Jan 2024, Last Modified: 15 Mar 2024 ICLR 2024 poster Everyone Revisions BibTeX CC BY 4.0",
    "Published: 16 Jan 2024, Last Modified: 15 Mar 2024 ICLR 2024 poster Readers: Everyone Show details",
    "Published: 16 Jan 2024, Last Modified: 15 Mar 2024 ICLR 2024 poster 3 Replies",
])
def test_one_line_meta_leaves_the_links_out_of_the_venue(meta: str) -> None:
    (entry,) = read_text(_note(dates=meta, venue="", after=""), "or.txt").entries
    assert entry.booktitle == "International Conference on Learning Representations (ICLR 2024)"
    assert entry.meta["openreview_decision"] == "poster"


def test_identifiers_on_lines_of_their_own_are_the_papers() -> None:
    (entry,) = read_text(_note(after="Readers:  Everyone\nhttps://openreview.net/forum?id=v8L0pN6EOi"), "or.txt").entries
    assert entry.ids.others.get("openreview") == "v8L0pN6EOi"
    doi = IEEE.replace("Cited by: Papers (9000)\n", "DOI: 10.1109/TPAMI.2018.2858826\nCited by: Papers (9000)\n")
    assert read_text(doi, "x.txt").entries[1].ids.doi == "10.1109/TPAMI.2018.2858826"
    arxiv = S2.replace("Expand\n", "Expand\narXiv:1706.03762\n")
    assert read_text(arxiv, "s.txt").entries[0].ids.arxiv == "1706.03762"


def test_an_arxiv_id_inside_an_abstract_is_not_the_papers() -> None:
    after = "Readers:  Everyone\nAbstract: We improve on the method of arXiv:2301.00001 by a wide margin in all settings."
    (entry,) = read_text(_note(after=after), "or.txt").entries
    assert entry.ids.arxiv is None and "arXiv:2301.00001" in (entry.abstract or "")


def test_a_venue_line_above_the_dates_is_the_notes() -> None:
    paste = ("A Paper About Things\nAda Lovelace, Alan Turing\nNeurIPS 2023 oral\n"
             "Published: 21 Sept 2023, Last Modified: 02 Nov 2023\nReaders: Everyone\n\n" + OPENREVIEW)
    doc = read_text(paste, "or.txt")
    assert [e.title for e in doc.entries] == ["A Paper About Things", "Let's Verify Step by Step",
                                              "Scaling Data-Constrained Language Models"]
    assert "NeurIPS 2023" in (doc.entries[0].booktitle or "") and doc.entries[0].meta["openreview_decision"] == "oral"


def _found(name: str) -> str:
    from pathlib import Path

    return (Path(__file__).parent / "data" / "pastes" / "found" / name).read_text(encoding="utf-8")


def test_an_ieee_paper_page_copied_whole_is_one_paper_from_its_labelled_facts() -> None:
    # a conference paper: "Published in:" its proceedings, "Date of Conference:", "Conference Location:"; the
    # page's counts, its sections' list and its references tab (other papers) are skipped lines
    doc = read_text(_found("ieee-document-conference.txt"), "conf.txt")
    [paper] = doc.entries
    assert paper.title == "Deep Residual Learning for Image Recognition" and paper.entry_type == "inproceedings"
    assert paper.booktitle == "2016 IEEE Conference on Computer Vision and Pattern Recognition (CVPR)"
    assert [p.family for p in paper.authors] == ["He", "Zhang", "Ren", "Sun"]
    assert paper.date is not None and (paper.date.year, paper.date.month) == (2016, 6)
    assert paper.ids.doi == "10.1109/CVPR.2016.90" and paper.publisher == "IEEE"
    assert paper.extra["address"] == "Las Vegas, NV, USA"
    assert paper.abstract is not None and paper.abstract.startswith("Deeper neural networks are more difficult")
    assert paper.record.read_by is not None and paper.record.read_by.reader is PageReader.IEEE
    # a journal article: volume, issue and date in "Published in:"'s parentheses, pages, its PubMed id
    [article] = read_text(_found("ieee-document-journal.txt"), "journal.txt").entries
    assert article.entry_type == "article"
    assert article.journal == "IEEE Transactions on Pattern Analysis and Machine Intelligence"
    assert (article.volume, article.number, article.pages) == ("39", "6", "1137–1149")
    assert article.date is not None and (article.date.year, article.date.month) == (2017, 6)  # (not 2016's)
    assert (article.ids.doi, article.ids.pmid) == ("10.1109/TPAMI.2016.2577031", "27295650")


def test_an_ieee_paper_page_among_notes_leaves_the_notes_theirs() -> None:
    page = _found("ieee-document-conference.txt")
    doc = read_text(f"To read:\nhttps://arxiv.org/abs/2401.04088\n\n{page}\nand https://arxiv.org/abs/1706.03762\n",
                    "notes.txt")
    assert [(e.ids.arxiv, e.ids.doi) for e in doc.entries] == [
        ("2401.04088", None), (None, "10.1109/CVPR.2016.90"), ("1706.03762", None)]
