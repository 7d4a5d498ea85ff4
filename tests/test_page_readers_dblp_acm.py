"""The dblp and ACM Digital Library page readers: dblp's title/venue cut, its venue forms, entry kinds and
furniture; ACM items, their fields and the page's own lines; both picked per block in mixed pastes.

(The whole pastes, end to end against the doubles, are ``tests/data/pastes/found/fresh-dblp-*`` and
``fresh-acm-*`` in :mod:`test_pastes_found`.)"""

from __future__ import annotations

import random

import pytest

from bibkit.cli import main
from bibkit.sources import read_path, read_text
from bibkit.sources.pages import READER_NAMES, segment
from bibkit.sources.pages.dblp import parse_venue, split_title_venue
from bibkit.sources.pastetext import make_lines

DBLP_BRIEF = """2024
[j12]
Ashish Vaswani, Noam Shazeer, Niki Parmar:
Scaling Laws Revisited for Sparse Transformers. J. Mach. Learn. Res. 25: 112:1-112:34 (2024)
[c45]
Li Zhang 0001, Wei Chen 0002, Ming Liu:
Efficient Retrieval-Augmented Generation with Adaptive Chunking. ACL (Findings) 2024: 1234-1247
2023
[i7]
Li Zhang 0001, Ming Liu:
Sparse Mixture of Adapters for Multilingual Translation. CoRR abs/2305.12345 (2023)
"""

ACM_BRIEF = """research-article
Open Access
Attention Is Not All You Need: Pure Attention Loses Rank Doubly Exponentially with Depth
Authors: Yihe Dong, Jean-Baptiste Cordonnier, Andreas Loukas
ICML '21: Proceedings of the 38th International Conference on Machine Learning
July 2021
Pages 2793–2803
https://doi.org/10.5555/3454287.3454350

research-article
Efficient Transformers: A Survey
Authors: Yi Tay, Mostafa Dehghani, Dara Bahri, Donald Metzler
ACM Computing Surveys, Volume 55, Issue 6
Article No.: 109, Pages 1 - 28
https://doi.org/10.1145/3530811
"""


def _names(entry) -> list[str]:
    return [p.literal or " ".join(x for x in (p.given, p.particle, p.family) if x) for p in entry.authors]


# --------------------------------------------------------------------------- dblp: the title/venue cut


@pytest.mark.parametrize("line, title, form, name", [
    ("Scaling Laws Revisited for Sparse Transformers. J. Mach. Learn. Res. 25: 112:1-112:34 (2024)",
     "Scaling Laws Revisited for Sparse Transformers.", "journal", "J. Mach. Learn. Res."),
    ("Deep Residual Learning. IEEE Trans. Pattern Anal. Mach. Intell. 45(3): 1234-1250 (2023)",
     "Deep Residual Learning.", "journal", "IEEE Trans. Pattern Anal. Mach. Intell."),
    ("Highly accurate protein structure prediction. Nat. 600 (2021)",
     "Highly accurate protein structure prediction.", "journal", "Nat."),
    ("Do We Still Need Clinical Language Models? Proc. Mach. Learn. Res. 209: 578-597 (2023)",
     "Do We Still Need Clinical Language Models?", "journal", "Proc. Mach. Learn. Res."),
    # a title's own sentences: "?", "!", a full stop after a whole word, an initialism, a version number
    ("Can LLMs Generate Novel Research Ideas? A Large-Scale Human Study with 100+ NLP Researchers. "
     "CoRR abs/2409.03513 (2024)",
     "Can LLMs Generate Novel Research Ideas? A Large-Scale Human Study with 100+ NLP Researchers.", "corr", "CoRR"),
    ("BAM! Just Like That: Simple and Efficient Parameter Upcycling for Mixture of Experts. ICML 2025: 1-12",
     "BAM! Just Like That: Simple and Efficient Parameter Upcycling for Mixture of Experts.", "conference", "ICML"),
    ("Expert Pruning at Scale. Findings of the Study. EMNLP (Findings) 2023: 4512-4525",
     "Expert Pruning at Scale. Findings of the Study.", "conference", "EMNLP (Findings)"),
    ("Privacy Law in the U.S. Courts. Commun. ACM 64(3): 99-106 (2021)",
     "Privacy Law in the U.S. Courts.", "journal", "Commun. ACM"),
    ("Qwen2.5 Technical Report. CoRR abs/2412.15115 (2024)", "Qwen2.5 Technical Report.", "corr", "CoRR"),
    ("Attention is All you Need. NeurIPS 2017: 5998-6008", "Attention is All you Need.", "conference", "NeurIPS"),
    ("Language Models are Few-Shot Learners. NeurIPS 2020", "Language Models are Few-Shot Learners.", "conference",
     "NeurIPS"),
    ("BERT: Pre-training of Deep Bidirectional Transformers. NAACL-HLT (1) 2019: 4171-4186",
     "BERT: Pre-training of Deep Bidirectional Transformers.", "conference", "NAACL-HLT (1)"),
    ("Scaling Sparse Experts. BlackboxNLP@EMNLP 2023: 12-20", "Scaling Sparse Experts.", "conference",
     "BlackboxNLP@EMNLP"),
    ("Efficient Ciphers. IACR Cryptol. ePrint Arch. 2020: 1234 (2020)", "Efficient Ciphers.", "journal",
     "IACR Cryptol. ePrint Arch."),
    ("Deep Learning. Adaptive computation and machine learning, MIT Press 2016, ISBN 978-0-262-03561-3",
     "Deep Learning.", "book", "Adaptive computation and machine learning, MIT Press"),
    ("Sparse Experts for Speech. Karlsruhe Institute of Technology, Germany, 2019", "Sparse Experts for Speech.",
     "thesis", "Karlsruhe Institute of Technology, Germany"),
])
def test_a_dblp_line_is_cut_where_the_rest_is_a_dblp_venue(line: str, title: str, form: str, name: str) -> None:
    cut = split_title_venue(line)
    assert cut is not None
    assert cut[0] == title
    assert (cut[1].form, cut[1].name) == (form, name)


@pytest.mark.parametrize("rest, fields", [
    ("J. Mach. Learn. Res. 25: 112:1-112:34 (2024)", ("25", None, "112:1-112:34", 2024)),
    ("IEEE Trans. Pattern Anal. Mach. Intell. 45(3): 1234-1250 (2023)", ("45", "3", "1234-1250", 2023)),
    ("Proc. ACM Hum. Comput. Interact. 5(CSCW1): 1-23 (2021)", ("5", "CSCW1", "1-23", 2021)),
    ("Trans. Mach. Learn. Res. 2023 (2023)", ("2023", None, None, 2023)),
    ("EMNLP (1) 2020: 12-20", (None, None, "12-20", 2020)),
    ("CVPR 2016: 770-778", (None, None, "770-778", 2016)),
    ("CHI 2021: 12:1-12:14", (None, None, "12:1-12:14", 2021)),
])
def test_dblp_venue_details(rest: str, fields: tuple) -> None:
    v = parse_venue(rest)
    assert v is not None and (v.volume, v.number, v.pages, v.year) == fields


@pytest.mark.parametrize("rest", [
    "A Study on Sparse Models. NeurIPS 2023",  # a title's sentence before the venue: no venue's name
    "In Proceedings of the 2019 Conference, pages 1-10, 2019",
    "arXiv preprint arXiv:2305.12345, 2023",
    "Neural computation 9.8 (1997): 1735-1780",
    "2023",
    "The Study of Things 2023",
])
def test_what_is_no_dblp_venue(rest: str) -> None:
    assert parse_venue(rest) is None


def test_the_cut_is_bounded_on_a_long_line_of_sentences() -> None:
    line = "Word. " * 4000 + "Nat. 600 (2021)"
    assert split_title_venue(line) is None  # (too long for an entry: asked no further)
    doc = read_text("Ann Author, Bob Writer:\n" + "Word. " * 400 + "Nat. 600 (2021)\n", "p.txt", "dblp-page")
    assert len(doc.entries) == 1  # read (a title up to its first sentence end), never a pattern's backtracking


# --------------------------------------------------------------------------- dblp: reading pages


def test_the_dblp_person_page_of_the_brief() -> None:
    doc = read_text(DBLP_BRIEF, "dblp.txt")
    j, c, i = doc.entries
    assert {e.record.read_by.reader.value for e in doc.entries} == {"dblp-page"}
    assert (j.entry_type, j.title, j.journal, j.volume, j.pages, j.year) == (
        "article", "Scaling Laws Revisited for Sparse Transformers", "J. Mach. Learn. Res.", "25", "112:1–112:34", 2024)
    assert _names(j) == ["Ashish Vaswani", "Noam Shazeer", "Niki Parmar"]
    assert (c.entry_type, c.booktitle, c.pages, c.year) == ("inproceedings", "ACL (Findings)", "1234–1247", 2024)
    assert _names(c) == ["Li Zhang", "Wei Chen", "Ming Liu"]  # dblp's homonym numbers dropped
    assert (i.entry_type, i.ids.arxiv, i.year, i.journal) == ("preprint", "2305.12345", 2023, None)
    assert [(s.location.line, s.reason) for s in doc.skipped] == [
        (1, "dblp page furniture (headings, counts, menus)"), (8, "dblp page furniture (headings, counts, menus)")]


def test_dblp_entry_number_on_the_authors_line_and_title_on_it_too() -> None:
    paste = ("[j3] Ann Author 0002, Bob Writer:\nSparse Things. Neural Comput. 9(8): 1735-1780 (1997)\n"
             "[c2] Ann Author: Dense Things. ICML 2020: 1-9\n")
    a, b = read_text(paste, "p.txt").entries
    assert (a.entry_type, a.journal, a.volume, a.number, a.pages) == ("article", "Neural Comput.", "9", "8", "1735–1780")
    assert _names(a) == ["Ann Author", "Bob Writer"] and a.meta["dblp_number"] == "j3"
    assert (b.title, b.booktitle, b.year, _names(b)) == ("Dense Things", "ICML", 2020, ["Ann Author"])


def test_dblp_kinds_of_entry() -> None:
    paste = """[e1]
Ann Author, Bob Writer (Eds.):
Proceedings of the Workshop on Things, Things@ACL 2024, Bangkok, Thailand, August 15, 2024. Association for Computational Linguistics 2024, ISBN 979-8-89176-152-0
[b2]
Ann Author:
A Book of Things. Springer 2020, ISBN 978-3-030-12345-6
[b1]
Ann Author:
My Thesis on Things. University of Somewhere, Germany, 2019
[p3]
Ann Author, Carl Third:
Things in a Handbook. Handbook of Things 2021: 45-67
[r1]
Ann Author:
Thing (Encyclopedia Entry). Encyclopedia of Machine Learning and Data Mining 2017: 1-5
[e2]
Proceedings of the Conference on Everything, CoE 2022. Lecture Notes in Computer Science 13000, Springer 2022, ISBN 978-3-031-00000-1
"""
    e1, b2, b1, p3, r1, e2 = read_text(paste, "p.txt").entries
    assert (e1.entry_type, e1.publisher, e1.extra["isbn"], e1.authors) == (
        "proceedings", "Association for Computational Linguistics", "979-8-89176-152-0", [])
    assert [f"{p.given} {p.family}" for p in e1.editors] == ["Ann Author", "Bob Writer"]
    assert (b2.entry_type, b2.publisher, b2.year) == ("book", "Springer", 2020)
    assert (b1.entry_type, b1.extra["school"], b1.year) == ("phdthesis", "University of Somewhere, Germany", 2019)
    assert (p3.entry_type, p3.booktitle, p3.pages) == ("incollection", "Handbook of Things", "45–67")
    assert (r1.entry_type, r1.booktitle) == ("incollection", "Encyclopedia of Machine Learning and Data Mining")
    assert (e2.entry_type, e2.publisher, e2.authors, e2.editors) == ("proceedings", "Springer", [], [])


def test_a_dblp_entry_whose_venue_is_in_no_known_form_keeps_its_title_and_kind() -> None:
    paste = "[d1]\nAnn Author, Bob Writer:\nThe Things Dataset. Version 2. Zenodo, 2023\n"
    (e,) = read_text(paste, "p.txt").entries
    assert (e.title, e.entry_type, e.year, e.journal, e.record.read_by.shape) == (
        "The Things Dataset", "misc", 2023, None, "entry-unparsed")


def test_dblp_furniture_is_skipped_with_its_reason_and_makes_no_paper() -> None:
    furniture = ["dblp: Ann Author", "Person information", "Affiliations: University of Somewhere, Germany",
                 "showing all 42 records", "showing all ?? records", "refine list", "[–] Journal Articles", "[–]", "Conference and Workshop Papers",
                 "Informal and Other Publications", "Editorship", "Books and Theses", "Parts in Books or Collections",
                 "2020 – today", "2010 – 2019", "2019", "Search Results", "found 123 matches", "view",
                 "export record", "see FAQ", "What is the meaning of the colors in the publication lists?",
                 "load more...", "unpublished"]
    paste = "\n".join(furniture) + "\n[j1]\nAnn Author:\nA Thing. Nat. 600 (2021)\n"
    doc = read_text(paste, "p.txt")
    assert [e.title for e in doc.entries] == ["A Thing"]
    assert [s.location.line for s in doc.skipped] == list(range(1, len(furniture) + 1))
    assert all(s.reason == "dblp page furniture (headings, counts, menus)" for s in doc.skipped)


def test_an_entrys_hover_menus_copied_between_its_number_and_it() -> None:
    menus = ["view", "electronic edition via DOI", "unpaywalled version", "references & citations", "export record",
             "BibTeX", "RIS", "RDF N-Triples", "RDF/XML", "XML", "dblp key:", "journals/jmlr/VaswaniSP24",
             "ask others", "Google", "Google Scholar", "Semantic Scholar", "share record", "Bluesky", "Reddit",
             "persistent URL:", "https://dblp.org/rec/journals/jmlr/VaswaniSP24"]
    paste = "[j12]\n" + "\n".join(menus) + "\n" + "\n".join(DBLP_BRIEF.split("\n")[2:4]) + "\n"
    paste += "[c7]\nAnn Author:\nShare Nothing. ICML 2020: 1-9\n"  # (a title like a menu is still a title)
    doc = read_text(paste, "p.txt")
    assert [(e.title, e.meta["dblp_number"]) for e in doc.entries] == [
        ("Scaling Laws Revisited for Sparse Transformers", "j12"), ("Share Nothing", "c7")]
    assert len(doc.skipped) == len(menus)
    assert all(s.reason == "dblp page furniture (headings, counts, menus)" for s in doc.skipped)


def test_chatter_between_dblp_entries_adds_no_entry() -> None:
    entries = DBLP_BRIEF.strip().split("\n")
    chatter = ["todo: read these", "Star us on GitHub", "see also the survey", "----", "2022", "showing all 3 records",
               "cool paper!!", "(from the reading group)"]
    rng = random.Random(3)
    for _ in range(20):
        lines = list(entries)
        for _k in range(3):  # between entries (never between an entry's authors and its title)
            at = rng.choice([k for k, ln in enumerate(lines) if ln.startswith("[")] + [len(lines)])
            lines.insert(at, rng.choice(chatter))
        doc = read_text("\n".join(lines) + "\n", "p.txt")
        assert [e.title for e in doc.entries] == ["Scaling Laws Revisited for Sparse Transformers",
                                                  "Efficient Retrieval-Augmented Generation with Adaptive Chunking",
                                                  "Sparse Mixture of Adapters for Multilingual Translation"]


# --------------------------------------------------------------------------- ACM Digital Library


def test_the_acm_results_of_the_brief() -> None:
    doc = read_text(ACM_BRIEF, "acm.txt")
    a, b = doc.entries
    assert {e.record.read_by.reader.value for e in doc.entries} == {"acm-page"}
    assert (a.entry_type, a.booktitle, a.year, a.date.month, a.pages, a.ids.doi) == (
        "inproceedings", "Proceedings of the 38th International Conference on Machine Learning", 2021, 7,
        "2793–2803", "10.5555/3454287.3454350")
    assert _names(a) == ["Yihe Dong", "Jean-Baptiste Cordonnier", "Andreas Loukas"]
    assert a.meta["acm_acronym"] == "ICML '21" and a.meta["acm_type"] == "research-article"
    assert (b.entry_type, b.journal, b.volume, b.number, b.pages, b.extra["articleno"], b.ids.doi) == (
        "article", "ACM Computing Surveys", "55", "6", "1–28", "109", "10.1145/3530811")
    assert [(s.location.line, s.reason) for s in doc.skipped] == [(2, "an ACM Digital Library access badge")]


def test_acm_author_lists_cut_short_and_the_pages_own_lines() -> None:
    paste = """review-article
Free Access
A Survey of Things
Authors: Ann Author, Bob Writer, + 12
Authors Info & Claims
ACM Computing Surveys, Volume 56, Issue 2
Published: 12 May 2023
Publication History
pp 1–35
https://doi.org/10.1145/3600000
Total Citations 12 Total Downloads 1,234
Show more
PDF
eReader

extended-abstract
Open Access
Another Thing
Authors: Carl Third, Dana Fourth, et al.
CHI EA '23: Extended Abstracts of the 2023 CHI Conference on Human Factors in Computing Systems
April 2023
Article No.: 42, Pages 1–7
https://doi.org/10.1145/3544549.3585000
12 citations
1,234 downloads
"""
    doc = read_text(paste, "acm.txt")
    a, b = doc.entries
    assert _names(a)[:2] == ["Ann Author", "Bob Writer"] and len(a.authors) == 3  # and "others"
    assert (a.title, a.year, a.date.month, a.pages, a.journal, a.volume, a.number) == (
        "A Survey of Things", 2023, 5, "1–35", "ACM Computing Surveys", "56", "2")
    assert (b.entry_type, b.booktitle, b.extra["articleno"], b.pages, len(b.authors)) == (
        "inproceedings", "Extended Abstracts of the 2023 CHI Conference on Human Factors in Computing Systems",
        "42", "1–7", 3)
    reasons = {s.text: s.reason for s in doc.skipped}
    assert reasons["Total Citations 12 Total Downloads 1,234"] == reasons["12 citations"] == reasons[
        "1,234 downloads"] == "an ACM Digital Library item's citation and download counts"
    assert reasons["Free Access"] == "an ACM Digital Library access badge"
    assert {"Authors Info & Claims", "Publication History", "Show more", "PDF", "eReader"} <= set(reasons)


def test_a_second_acm_label_under_the_first_opens_no_item() -> None:
    paste = ("research-article\nFree\nA First Thing\nAuthors: Ann Author\nhttps://doi.org/10.1145/1000001\nGet Access\n"
             "short-paper\nOpen Access\nabstract\nA Second Thing\nAuthors: Bob Writer\nhttps://doi.org/10.1145/1000002\n")
    doc = read_text(paste, "acm.txt", "acm-page")
    assert [(e.title, e.meta["acm_type"]) for e in doc.entries] == [("A First Thing", "research-article"),
                                                                  ("A Second Thing", "short-paper")]


def test_a_table_of_contents_gives_its_items_the_proceedings_and_its_year() -> None:
    paste = ("KDD '24: Proceedings of the 30th ACM SIGKDD Conference on Knowledge Discovery and Data Mining\n"
             "Table of Contents\n\nSESSION: Research Track\n\nresearch-article\nA Thing\nAnn Author, Bob Writer\n"
             "Pages 1–10\nhttps://doi.org/10.1145/3637528.3671901\n\nchapter\nA Chapter\nCarl Third\n"
             "https://doi.org/10.1145/3711234.3711250\n")
    doc = read_text(paste, "acm.txt")
    a, b = doc.entries
    assert (a.entry_type, a.booktitle, a.year, a.meta["acm_acronym"]) == (
        "inproceedings", "Proceedings of the 30th ACM SIGKDD Conference on Knowledge Discovery and Data Mining", 2024,
        "KDD '24")
    assert (b.entry_type, b.publisher) == ("incollection", "Association for Computing Machinery")
    reasons = {s.text: s.reason for s in doc.skipped}
    assert reasons["SESSION: Research Track"] == "a session heading of a table of contents"
    assert reasons["KDD '24: Proceedings of the 30th ACM SIGKDD Conference on Knowledge Discovery and Data Mining"] \
        == "the venue a table of contents lists (each item's without its own)"


def test_acm_items_without_type_labels_end_at_their_doi() -> None:
    paste = ("A First Thing\nAnn Author, Bob Writer\nPages 1–10\nhttps://doi.org/10.1145/1000001\n"
             "A Second Thing\nCarl Third\nPages 11–20\nhttps://doi.org/10.1145/1000002\n")
    doc = read_text(paste, "acm.txt", "acm-page")
    assert [(e.title, e.ids.doi, e.pages) for e in doc.entries] == [
        ("A First Thing", "10.1145/1000001", "1–10"), ("A Second Thing", "10.1145/1000002", "11–20")]


def test_an_acm_venue_with_its_details_on_one_line() -> None:
    # a result's spans copied onto one line: venue, volume and issue, article number, pages, DOI, date
    paste = """research-article
Efficient Transformers: A Survey
Yi Tay, Mostafa Dehghani, Dara Bahri, Donald Metzler
ACM Computing Surveys Volume 55, Issue 6 • Article No.: 109, pp 1–28 • https://doi.org/10.1145/3530811
Published: 07 December 2022
12 citations 1,234 downloads

research-article
Attention Is Not All You Need
Yihe Dong, Jean-Baptiste Cordonnier, Andreas Loukas
ICML '21: Proceedings of the 38th International Conference on Machine Learning • July 2021 • pp 2793–2803 • https://doi.org/10.5555/3454287.3454350
"""
    a, b = read_text(paste, "acm.txt").entries
    assert (a.entry_type, a.journal, a.volume, a.number, a.extra["articleno"], a.pages, a.ids.doi, a.year) == (
        "article", "ACM Computing Surveys", "55", "6", "109", "1–28", "10.1145/3530811", 2022)
    assert len(a.authors) == 4
    assert (b.entry_type, b.booktitle, b.pages, b.ids.doi, b.year, b.date.month) == (
        "inproceedings", "Proceedings of the 38th International Conference on Machine Learning", "2793–2803",
        "10.5555/3454287.3454350", 2021, 7)


def test_a_single_dblp_entry_by_one_author_is_read_as_dblp() -> None:
    paste = ("Ashish Vaswani:\nSmaller, Faster, and Accurate Models for Statistical Machine Translation. "
             "University of Southern California, USA, 2014\n")
    (e,) = read_text(paste, "p.txt").entries
    assert (e.record.read_by.reader.value, e.entry_type, e.extra["school"], _names(e), e.year) == (
        "dblp-page", "phdthesis", "University of Southern California, USA", ["Ashish Vaswani"], 2014)


def test_a_dblp_entry_without_authors_in_search_results() -> None:
    paste = ("Ann Author, Bob Writer:\nA Thing. Nat. 600 (2021)\n"
             "Proceedings of the Conference on Everything, CoE 2022. Springer 2022, ISBN 978-3-031-00000-1\n")
    a, b = read_text(paste, "p.txt", "dblp-page").entries
    assert (b.entry_type, b.publisher, b.authors, b.year) == ("book", "Springer", [], 2022)


# --------------------------------------------------------------------------- picked per block, forced, gated


def test_a_mixed_paste_gives_each_block_its_reader() -> None:
    refs = ('[1] A. Vaswani, N. Shazeer, and N. Parmar, "Attention is all you need," in Proc. NeurIPS, 2017, '
            'pp. 5998–6008.\n[2] K. He, X. Zhang, S. Ren, and J. Sun, "Deep residual learning for image '
            'recognition," in Proc. CVPR, 2016, pp. 770–778.\n')
    doc = read_text(refs + "\n" + DBLP_BRIEF + "\n" + ACM_BRIEF, "mixed.txt")
    assert [e.record.read_by.reader.value for e in doc.entries] == (
        ["references"] * 2 + ["dblp-page"] * 3 + ["acm-page"] * 2)


@pytest.mark.parametrize("name, paste, count", [("dblp-page", DBLP_BRIEF, 3), ("acm-page", ACM_BRIEF, 2)])
def test_from_names_the_new_readers(name: str, paste: str, count: int, tmp_path) -> None:
    assert name in READER_NAMES
    src = tmp_path / "p.txt"
    src.write_text(paste, encoding="utf-8")
    assert main(["convert", str(src), "-o", str(tmp_path / "o.bib"), "--from", name, "-q"]) == 0
    assert (tmp_path / "o.bib").read_text(encoding="utf-8").count("\n@") + 1 == count
    assert len(read_path(str(src), name)) == count


def test_a_reference_list_never_asks_the_dblp_and_acm_readers() -> None:
    # the readers' gates: a reference list wrapped after its titles' colons is no dblp page
    refs = "\n".join(f"Ann Author{k}, Bob Writer. 2021. DeepThing{k}:\nSpeech learning at scale. In Proc. ACL, "
                     f"pages 1-10." for k in range(50))
    active = segment._active(refs)
    assert not active[segment.READERS.index(segment.dblp.NAME)]
    assert not active[segment.READERS.index(segment.acm.NAME)]
    assert segment.dblp.line_evidence(make_lines("Ann Author, Bob Writer:")[0]) > 0
