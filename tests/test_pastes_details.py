"""What a reference states beside its venue is kept, in every common style, and never glued into the venue.

Fresh pastes written the way each style guide prints a reference (IEEE, APA 7, natbib/ACL, ACM, Chicago,
Vancouver, Springer, Nature, MLA), an arXiv listing's collaboration prefix and free-text journal reference,
the year an arXiv identifier carries, and PDF line breaks inside words.  Each fact is asserted on what
``bibkit`` reads (fields with provenance ``listing``) and, for the identifier's year, on the key an offline
run gives compared with an online one.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bibkit.cli import main
from bibkit.errors import ExitCode
from bibkit.model import Entry
from bibkit.sources import read_text
from bibkit.sources.pages.details import venue_details
from bibkit.sources.pastetext import Vocabulary, dehyphenate
from bibkit.testing.arxiv import ArxivDouble
from bibkit.testing.corpus import load_corpus
from bibkit.testing.hf import HfDouble


def read(text: str) -> list[Entry]:
    return read_text(text, "paste.txt").entries


def one(reference: str) -> Entry:
    entries = read("References\n\n" + reference + "\n")
    assert len(entries) == 1, [e.title for e in entries]
    return entries[0]


def venue(e: Entry) -> str | None:
    return e.journal or e.booktitle


# --------------------------------------------------------------------------- volume, number, pages, month

CASES = [
    # IEEE
    ('A. Vaswani, N. Shazeer, and I. Polosukhin, "Attention is all you need," in Advances in Neural Information '
     "Processing Systems, vol. 30, 2017, pp. 5998–6008.",
     "Advances in Neural Information Processing Systems", "30", None, "5998–6008", None),
    ('K. He, X. Zhang, S. Ren, and J. Sun, "Deep residual learning for image recognition," in Proc. IEEE Conf. '
     "Comput. Vis. Pattern Recognit. (CVPR), Jun. 2016, pp. 770–778.",
     "Proc. IEEE Conf. Comput. Vis. Pattern Recognit. (CVPR)", None, None, "770–778", 6),
    ('S. Hochreiter and J. Schmidhuber, "Long short-term memory," Neural Comput., vol. 9, no. 8, '
     "pp. 1735–1780, Nov. 1997.", "Neural Comput", "9", "8", "1735–1780", 11),
    # APA 7
    ("Bengio, Y., Ducharme, R., Vincent, P., & Jauvin, C. (2003). A neural probabilistic language model. "
     "Journal of Machine Learning Research, 3(Feb), 1137–1155.",
     "Journal of Machine Learning Research", "3", "Feb", "1137–1155", None),
    ("Hochreiter, S., & Schmidhuber, J. (1997). Long short-term memory. Neural Computation, 9(8), 1735–1780.",
     "Neural Computation", "9", "8", "1735–1780", None),
    ("Sutskever, I., Vinyals, O., & Le, Q. V. (2014). Sequence to sequence learning with neural networks. "
     "Advances in Neural Information Processing Systems, 27, 3104–3112.",
     "Advances in Neural Information Processing Systems", "27", None, "3104–3112", None),
    # natbib / ACL
    ("Tom Brown, Benjamin Mann, Nick Ryder, and Amanda Askell. 2020. Language models are few-shot learners. "
     "Advances in neural information processing systems, 33:1877–1901.",
     "Advances in neural information processing systems", "33", None, "1877–1901", None),
    # ACM
    ("Sepp Hochreiter and Jürgen Schmidhuber. 1997. Long Short-Term Memory. Neural Comput. 9, 8 (Nov. 1997), "
     "1735–1780.", "Neural Comput", "9", "8", "1735–1780", 11),
    # Chicago, MLA
    ('Hochreiter, Sepp, and Jürgen Schmidhuber. "Long Short-Term Memory." Neural Computation 9, no. 8 (1997): '
     "1735–80.", "Neural Computation", "9", "8", "1735–80", None),
    ('Hochreiter, Sepp, and Jürgen Schmidhuber. "Long short-term memory." Neural computation 9.8 (1997): '
     "1735-1780.", "Neural computation", "9", "8", "1735–1780", None),
    # Vancouver
    ("Vaswani A, Shazeer N, Parmar N, Uszkoreit J, Jones L, Gomez AN, et al. Attention is all you need. "
     "Adv Neural Inf Process Syst. 2017;30:5998-6008.", "Adv Neural Inf Process Syst", "30", None, "5998–6008",
     None),
    ("LeCun Y, Bengio Y, Hinton G. Deep learning. Nature. 2015 May 28;521(7553):436-44.",
     "Nature", "521", "7553", "436–44", 5),
    # Springer (LNCS), Nature
    ("Hochreiter, S., Schmidhuber, J.: Long short-term memory. Neural Comput. 9(8), 1735–1780 (1997)",
     "Neural Comput", "9", "8", "1735–1780", None),
    ("LeCun, Y., Bengio, Y. & Hinton, G. Deep learning. Nature 521, 436–444 (2015).",
     "Nature", "521", None, "436–444", None),
]


@pytest.mark.parametrize(("reference", "name", "volume", "number", "pages", "month"), CASES)
def test_a_reference_keeps_volume_number_pages_and_month_out_of_its_venue(reference, name, volume, number, pages,
                                                                          month) -> None:
    e = one(reference)
    assert venue(e) == name
    assert (e.volume, e.number, e.pages) == (volume, number, pages)
    assert (e.date.month if e.date else None) == month
    for field in ("volume", "number", "pages"):
        if getattr(e, field):
            assert e.provenance[field].source == "listing"


def test_acl_pages_address_and_publisher() -> None:
    e = one("Jacob Devlin, Ming-Wei Chang, Kenton Lee, and Kristina Toutanova. 2019. BERT: Pre-training of deep "
            "bidirectional transformers for language understanding. In Proceedings of the 2019 Conference of the North "
            "American Chapter of the Association for Computational Linguistics: Human Language Technologies, Volume 1 "
            "(Long and Short Papers), pages 4171–4186, Minneapolis, Minnesota. Association for Computational "
            "Linguistics.")
    assert e.booktitle == ("Proceedings of the 2019 Conference of the North American Chapter of the Association for "
                           "Computational Linguistics: Human Language Technologies")
    assert (e.volume, e.pages) == ("1", "4171–4186")
    assert e.publisher == "Association for Computational Linguistics"
    assert e.extra["address"] == "Minneapolis, Minnesota"
    assert e.provenance["address"].source == e.provenance["publisher"].source == "listing"


@pytest.mark.parametrize(("text", "publisher", "address"), [
    ("In Proceedings of the 2021 CHI Conference on Human Factors in Computing Systems (CHI '21). Association for "
     "Computing Machinery, New York, NY, USA, 1–14.", "Association for Computing Machinery", "New York, NY, USA"),
    ("In Advances in Neural Information Processing Systems 30, 5998–6008. Long Beach, CA: Curran Associates, 2017.",
     "Curran Associates", "Long Beach, CA"),
    ("In Advances in Neural Information Processing Systems, Vol. 30. Curran Associates, Inc., 5998–6008.",
     "Curran Associates, Inc.", None),
    ("Cambridge, MA: MIT Press, 2016.", "MIT Press", "Cambridge, MA"),
    ("MIT Press.", "MIT Press", None),
    ("Royal Society Open Science, 5(3), 171–180.", None, None),  # a journal named after a society
    ("In Proceedings of the 58th Annual Meeting of the Association for Computational Linguistics, pages 1–10.",
     None, None),  # the society inside a proceedings' name is no publisher
])
def test_publisher_and_address_only_where_a_style_marks_them(text, publisher, address) -> None:
    found = venue_details(text)
    assert (found.publisher, found.address) == (publisher, address)


def test_ieee_thousands_spaced_pages() -> None:
    e = one('J. Wei, X. Wang, and D. Schuurmans, "Chain-of-thought prompting elicits reasoning in large language '
            'models," in Advances in Neural Information Processing Systems, vol. 35, 2022, pp. 24 824–24 837.')
    assert (e.volume, e.pages) == ("35", "24824–24837")


def test_pages_are_written_the_way_bibtex_expects(tmp_path: Path) -> None:
    src = tmp_path / "refs.txt"
    src.write_text("References\n\nHochreiter, S., & Schmidhuber, J. (1997). Long short-term memory. Neural "
                   "Computation, 9(8), 1735–1780.\n", encoding="utf-8")
    out = tmp_path / "out.bib"
    assert main(["convert", str(src), "-o", str(out), "-q"]) == ExitCode.OK
    bib = out.read_text(encoding="utf-8")
    assert "pages = {1735--1780}" in bib and "volume = {9}" in bib and "number = {8}" in bib
    assert "journal = {Neural Computation}" in bib


# --------------------------------------------------------------------------- names

def test_a_closing_initial_keeps_its_full_stop() -> None:
    e = one("Kingma, D. P., & Ba, J. (2015). Adam: A method for stochastic optimization. In International "
            "Conference on Learning Representations.")
    assert [(p.family, p.given) for p in e.authors] == [("Kingma", "D. P."), ("Ba", "J.")]
    e = one("Bengio, Y., Ducharme, R., Vincent, P., & Jauvin, C. (2003). A neural probabilistic language model. "
            "Journal of Machine Learning Research, 3(Feb), 1137–1155.")
    assert e.authors[-1].given == "C."


ARXIV_LIST = """\
[1] arXiv:2401.02954 [pdf, other]
Title: DeepSeek LLM: Scaling Open-Source Language Models with Longtermism
Authors: DeepSeek-AI: Xiao Bi, Deli Chen, Guanting Chen, Shanhuang Chen
Comments: 48 pages
Journal-ref: Technical report, 2023
Subjects: Computation and Language (cs.CL)
[2] arXiv:2303.08774 [pdf, other]
Title: GPT-4 Technical Report
Authors: OpenAI: Josh Achiam, Steven Adler, Sandhini Agarwal
Journal-ref: Nature 620, 47–53 (2023)
Subjects: Computation and Language (cs.CL)
"""


def test_arxiv_collaboration_prefix_is_the_first_author_an_organisation() -> None:
    first, second = read(ARXIV_LIST)
    assert first.authors[0].literal == "DeepSeek-AI"
    assert [(p.family, p.given) for p in first.authors[1:3]] == [("Bi", "Xiao"), ("Chen", "Deli")]
    assert second.authors[0].literal == "OpenAI" and second.authors[1].family == "Achiam"


def test_a_journal_ref_is_free_text_a_report_is_no_journal() -> None:
    first, second = read(ARXIV_LIST)
    assert first.journal is None and first.booktitle is None and first.entry_type != "article"
    assert first.year == 2023 and first.meta["listing_journal_ref"] == "Technical report, 2023"
    assert (second.journal, second.volume, second.pages) == ("Nature", "620", "47–53")


# --------------------------------------------------------------------------- the year an arXiv id carries

def test_an_arxiv_id_gives_year_and_month_when_the_paste_gives_none() -> None:
    mixtral, stated = read("https://arxiv.org/abs/2401.04088v2\n\n"
                           "- [Switch Transformers](https://arxiv.org/abs/2101.03961) (JMLR 2022)\n")
    assert (mixtral.date.year, mixtral.date.month) == (2024, 1)
    assert mixtral.provenance["date"].source == "arxiv-id"
    assert stated.year == 2022 and stated.provenance["date"].source == "listing"  # the paste's year wins


def test_old_style_ids_and_no_id_give_no_guess() -> None:
    (old,) = read("https://arxiv.org/abs/hep-th/9901001\n")
    assert (old.date.year, old.date.month) == (1999, 1)
    (none,) = read('"Attention Is All You Need" (Vaswani et al.)\n')
    assert none.date is None


def _keys(path: Path) -> list[str]:
    return re.findall(r"@\w+\{([^,]+),", path.read_text(encoding="utf-8"))


def test_the_offline_key_has_the_year_the_online_key_has(tmp_path: Path, monkeypatch) -> None:
    """An arXiv listing gives no year: the identifier's makes the offline key the one arXiv's record makes."""
    corpus = load_corpus()
    papers = [p for p in corpus.papers if p.id[:2] == p.versions[0].date[2:4]][:3]
    src = tmp_path / "listing.txt"
    src.write_text("".join(f"[{i}] arXiv:{p.id} [pdf, other]\nTitle: {p.versions[0].title}\n"
                           f"Authors: {', '.join(a['name'] for a in p.authors)}\nSubjects: Machine Learning (cs.LG)\n"
                           for i, p in enumerate(papers, 1)), encoding="utf-8")
    offline = tmp_path / "offline.bib"
    assert main(["build", str(src), "-o", str(offline), "--offline", "--no-tags", "-q"]) == ExitCode.OK
    with ArxivDouble(corpus) as ax, HfDouble(corpus) as hf:
        monkeypatch.setenv("BIBKIT_ARXIV_URL", ax.api_url)
        monkeypatch.setenv("BIBKIT_HF_URL", hf.url)
        online = tmp_path / "online.bib"
        assert main(["build", str(src), "-o", str(online), "--only", "arxiv,hf", "--no-tags",
                     "-q"]) == ExitCode.OK
    assert _keys(offline) == _keys(online)
    assert all(key.endswith(p.versions[0].date[:4]) for key, p in zip(_keys(offline), papers))


# --------------------------------------------------------------------------- PDF line breaks

def test_a_word_broken_at_a_line_end_is_joined_when_the_paste_knows_it() -> None:
    e = one("Jacob Devlin, Ming-Wei Chang, Kenton Lee, and Kristina Toutanova. 2019. BERT: Pre-training of deep "
            "bidirectional transformers for language under-\nstanding. In Proceedings of NAACL-HLT, pages 4171–4186.")
    assert e.title == "BERT: Pre-training of deep bidirectional transformers for language understanding"


def test_line_breaks_in_compounds_and_capitals() -> None:
    words = Vocabulary(["in-context learning", "information retrieval"])
    assert dehyphenate("in- context", words) == "in-context"
    assert dehyphenate("in- formation", words) == "information"
    assert dehyphenate("in- struction", words) == "instruction"  # "struction" is no word of the paste
    assert dehyphenate("self- attention", words) == "self-attention"
    assert dehyphenate("chain-of- thought") == "chain-of-thought"
    e = one('J. Devlin and K. Toutanova, "BERT: Pre-training of deep bidirectional transformers," in Proc. NAACL-\n'
            "HLT, Jun. 2019, pp. 4171–4186.")
    assert e.booktitle == "Proc. NAACL-HLT" and e.date.month == 6
