"""What trying the readers on fresh pastes (written after them, modelled on real pages) taught, as rules.

``tests/data/pastes/found`` holds pastes written by hand after the merge of #12 with the
application layer, each the way its page really copies (an HF daily page with both menus, an
arXiv /list page, Scholar's "Cite → APA", an IEEE list from a two-column PDF, a Slack thread, a
reading-group note mixing cards, references and links, a Scholar results page, an arXiv abstract
page, a rendered "awesome" list); their expectations are the corpus papers they were written
from.  What they found wrong was fixed by general rules, each tested below on its own:

* a journal's running head inside a reference ("JOURNAL OF LATEX CLASS FILES, VOL. 14, NO. 8,
  AUGUST 2021 12") was glued into it (its year beat the reference's);
* a reference whose venue year is two years after the arXiv version (NAACL 2025, arXiv 2023) was
  refused: a candidate's years now include its latest version's and its journal reference's;
* a reference refused only on its year was reported with a worse candidate (a title the reference
  does not hold scored higher than it);
* a Markdown heading and a sentence-like label ("Cited in the survey we read last week:") in a
  short paste became papers;
* a site's generic menu (About, Privacy, Spaces…) counted as evidence of an arXiv page;
* PDF line breaks inside compounds ("next- generation", "transformer- based") lost their hyphen;
  abbreviated venues lost their last full stop;
* a Google Scholar results page gave two junk entries (author lines as titles) for five papers:
  it has a reader now (:mod:`bibkit.sources.pages.scholar`);
* two "References" headings above a card handed its title to the references reader;
* a dblp person page or search results, and ACM Digital Library results or a table of contents, gave
  junk (entry numbers and authors inside titles, "Authors: …" as titles): they have readers now
  (:mod:`bibkit.sources.pages.dblp`, :mod:`bibkit.sources.pages.acm`; ``fresh-dblp-*``, ``fresh-acm-*``,
  the held-out ones say so in their ``imitates``).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bibkit.cli import main
from bibkit.errors import ExitCode
from bibkit.normalize.text import normalize_title
from bibkit.sources import read_path, read_text
from bibkit.sources.chatter import chatter_reason
from bibkit.sources.pastetext import dehyphenate, trim_venue
from bibkit.testing.arxiv import ArxivDouble
from bibkit.testing.corpus import load_corpus
from bibkit.testing.hf import HfDouble

CARD = """{heading}
The Open Source Advantage in Large Language Models (LLMs)

Large language models (LLMs) mark a key shift in natural language processing (NLP), having advanced text
generation, translation, and domain-specific reasoning. Closed-source models like GPT-4 lead with
state-of-the-art performance today. However, they face criticism for their black box nature.

36 upvotes

Mixtral of Experts

We introduce Mixtral 8x7B, a Sparse Mixture of Experts (SMoE) language model. Mixtral has the same
architecture as Mistral 7B, with the difference that each layer is composed of 8 feedforward blocks.

12 upvotes
"""


EARLIER = """Some Earlier Paper Title About Things

We study things in a long abstract sentence that goes on. And another sentence here, to be prose.

27 upvotes

"""


@pytest.mark.parametrize("heading", ["REFERENCES", "REFERENCES\nREFERENCES", "References\n\nBibliography",
                                     "## References\n### References", "REFERENCES\nREFERENCES\nREFERENCES"])
@pytest.mark.parametrize("before", ["", EARLIER])
def test_reference_headings_above_a_card_take_no_paper_with_them(heading: str, before: str) -> None:
    # a heading says what may follow, not that the lines under it are references: each reference
    # shows its own marks (numbers, names, years), a card's title none (two such headings used to
    # hand the card's title to the references reader, and its abstract became a "paper")
    doc = read_text(before + CARD.format(heading=heading), "cards.txt")
    titles = ["The Open Source Advantage in Large Language Models (LLMs)", "Mixtral of Experts"]
    assert [e.title for e in doc.entries] == (["Some Earlier Paper Title About Things"] if before else []) + titles
    first = before.count("\n") + 1
    assert {s.location.line for s in doc.skipped} >= {first + k for k, ln in enumerate(heading.split("\n")) if ln}


# --------------------------------------------------------------------------- fresh pastes, end to end

FOUND = Path(__file__).resolve().parent / "data" / "pastes" / "found"
FRESH = sorted(p.name[: -len(".txt")] for p in FOUND.glob("fresh-*.txt"))


def _expected(name: str) -> list[dict]:
    return json.loads((FOUND / f"{name}.expected.json").read_text(encoding="utf-8"))["papers"]


def _same_title(got: str | None, want: str | None) -> bool:
    if want is None:
        return got is None
    g, w = normalize_title(got or ""), normalize_title(want)
    return g == w or (g.startswith(w) and len(g) - len(w) <= 25)


def test_the_fresh_pastes_are_there() -> None:
    assert len(FRESH) >= 9 and all((FOUND / f"{n}.expected.json").exists() for n in FRESH)


@pytest.mark.parametrize("name", FRESH)
def test_fresh_paste_reads_exactly_its_papers(name: str) -> None:
    doc = read_path(str(FOUND / f"{name}.txt"))
    want = _expected(name)
    assert len(doc) == len(want), [e.title for e in doc.entries]
    for entry, paper in zip(doc.entries, want):
        if paper["id_in_paste"]:
            assert entry.ids.arxiv == paper["arxiv"], (entry.title, paper)
        assert entry.title is None or _same_title(entry.title, paper["title"]), (entry.title, paper["title"])
        assert entry.record.read_by is not None
    assert all(s.location.line and s.reason for s in doc.skipped)


@pytest.fixture(scope="module")
def doubles():
    corpus = load_corpus()
    with ArxivDouble(corpus) as ax, HfDouble(corpus) as hf:
        yield ax, hf


@pytest.mark.parametrize("name", FRESH)
def test_fresh_paste_builds_to_its_papers_never_a_wrong_id(name: str, doubles, tmp_path, monkeypatch) -> None:
    ax, hf = doubles
    monkeypatch.setenv("BIBKIT_ARXIV_URL", ax.api_url)
    monkeypatch.setenv("BIBKIT_HF_URL", hf.url)
    report = tmp_path / "r.json"
    code = main(["build", str(FOUND / f"{name}.txt"), "-o", str(tmp_path / "o.bib"), "--report", str(report),
                 "--no-tags", "--only", "arxiv,hf", "-q"])
    assert code == ExitCode.OK
    data = json.loads(report.read_text(encoding="utf-8"))
    want = _expected(name)
    papers = {p["arxiv"]: p for p in want if p["arxiv"]}  # one entry a paper: duplicates are merged
    entries = data["entries"]
    assert len(entries) == len(papers) + sum(1 for p in want if not p["arxiv"]), [e["title"] for e in entries]
    assert {e["arxiv_id"] for e in entries} <= set(papers) | {None}  # never a wrong id
    resolved = {e["arxiv_id"] for e in entries if e["status"] == "resolved"}
    assert {a for a, p in papers.items() if p["resolvable"]} <= resolved
    assert data["totals"]["skipped_lines"] == len(data["skipped_lines"])


def test_a_reference_refused_only_on_its_year_is_left_to_the_user_with_that_reason(doubles, tmp_path, monkeypatch):
    # "Layerwise recurrent router … ICLR 2025" and an arXiv paper of 2023 with that title and first author:
    # the year rule refuses it; the report names that paper (not a worse candidate whose title the
    # reference does not even hold)
    ax, hf = doubles
    monkeypatch.setenv("BIBKIT_ARXIV_URL", ax.api_url)
    monkeypatch.setenv("BIBKIT_HF_URL", hf.url)
    report = tmp_path / "r.json"
    main(["build", str(FOUND / "fresh-ieee-pdf.txt"), "-o", str(tmp_path / "o.bib"), "--report", str(report),
          "--no-tags", "--only", "arxiv,hf", "-q"])
    (layerwise,) = [e for e in json.loads(report.read_text())["entries"] if e["title"].startswith("Layerwise")]
    assert layerwise["status"] == "ambiguous" and layerwise["arxiv_id"] is None
    assert layerwise["reason"].startswith("2311.05323 has the same title but was refused (the reference's year (2025)")


# --------------------------------------------------------------------------- the rules they taught


def test_a_journals_running_head_inside_a_reference_is_page_furniture() -> None:
    refs = """[3] A. Author and B. Writer, "A study of things that matter a great deal," IEEE Trans. Knowl.
JOURNAL OF LATEX CLASS FILES, VOL. 14, NO. 8, AUGUST 2021 12
Data Eng., vol. 37, no. 3, pp. 1-20, 2024.
[4] C. Person, "Another study of things," in Proc. ICML, 2023.
12 IEEE TRANSACTIONS ON PATTERN ANALYSIS AND MACHINE INTELLIGENCE, VOL. 45, NO. 3, MARCH 2023
[5] D. Someone, "A third study," Proc. ACM Hum.-Comput. Interact., vol. 5, 2021.
"""
    doc = read_text(refs, "refs.txt", "references")
    assert [e.year for e in doc.entries] == [2024, 2023, 2021]
    assert [(s.location.line, s.reason) for s in doc.skipped] == [
        (2, "page furniture of the PDF (the journal's running head)"),
        (5, "page furniture of the PDF (the journal's running head)")]


@pytest.mark.parametrize("line, label", [
    ("Cited in the survey we read last week:", True),
    ("Here are the ones I liked from the conference:", True),
    ("Papers:", True),
    ("Towards a unified view of parameter-efficient transfer learning:", False),  # a title wrapped after its colon
    ("A Survey on Mixture of Experts in Large Language Models:", False),
    ("DeepSeekMoE:", False),
])
def test_a_line_introducing_what_follows_is_a_label(line: str, label: bool) -> None:
    assert (chatter_reason(line) is not None) is label


def test_a_long_label_followed_by_its_paragraph_is_the_paragraphs_first_line() -> None:
    paste = ("Large Motion Model for Unified Multi-Modal Motion Generation\n\n"
             "LMM tackles these challenges from three aspects we describe here:\n"
             "1) Data: we consolidate datasets into one. 2) Architecture: an articulated attention mechanism.\n")
    (entry,) = read_text(paste, "p.txt", "titles").entries
    assert entry.abstract is not None and entry.abstract.startswith("LMM tackles these challenges")


def test_a_markdown_heading_among_described_papers_is_a_section_not_a_paper() -> None:
    paste = (FOUND / "fresh-mixed.txt").read_text(encoding="utf-8")
    titles = [e.title for e in read_text(paste, "mixed.txt").entries]
    assert "Reading group — week 3" not in titles and "Cited in the survey we read last week:" not in titles


def test_a_sites_generic_menu_is_no_evidence_of_an_arxiv_page() -> None:
    doc = read_path(str(FOUND / "fresh-hf-daily.txt"))
    assert {b["reader"] for b in doc.metadata["blocks"]} == {"titles"}
    assert not any("arXiv" in str(s.reason) for s in doc.skipped)


@pytest.mark.parametrize("broken, whole", [
    ("lan- guage", "language"), ("mod- els", "models"), ("next- generation", "next-generation"),
    ("transformer- based", "transformer-based"), ("task- agnostic", "task-agnostic"), ("un- aware", "unaware"),
    ("fine- tuning", "fine-tuning"),
])
def test_a_pdf_line_break_keeps_a_compounds_hyphen_and_drops_a_syllables(broken: str, whole: str) -> None:
    assert dehyphenate(broken) == whole


@pytest.mark.parametrize("venue, kept", [
    ("IEEE Trans. Knowl. Data Eng.", "IEEE Trans. Knowl. Data Eng."), ("Adv. Neural Inf. Process. Syst.,",
                                                                     "Adv. Neural Inf. Process. Syst."),
    ("Nature.", "Nature"), ("Findings of ACL.", "Findings of ACL"), ("Proc. ICML.", "Proc. ICML"),
])
def test_an_abbreviated_venue_keeps_its_last_full_stop(venue: str, kept: str) -> None:
    assert trim_venue(venue) == kept


def test_a_block_its_reader_finds_no_paper_in_goes_to_the_next_reader() -> None:
    # numbered lines with years look like a reference list; no reference is found in them (no authors),
    # so the reading list reader takes the block: titles, venues, years
    doc = read_path(str(FOUND / "fresh-numbered-titles.txt"))
    assert [b["reader"] for b in doc.metadata["blocks"]] == ["markdown"]
    assert [(e.year, e.meta.get("listing_venue")) for e in doc.entries[:3]] == [
        (2024, None), (2024, "ICML"), (2023, "ICLR")]  # "(arXiv 2024)", "(ICML 2024)", "— ICLR'23"


def test_a_venue_and_year_in_parentheses_is_no_citation_of_a_person() -> None:
    from bibkit.sources.pages.notes import parse_line

    drafts, _why = parse_line("OpenMoE: An Early Effort on Open Mixture-of-Experts Language Models (ICML 2024)", 1)
    assert not any(d.authors == ["ICML"] for d in drafts)
    drafts, _why = parse_line("Deep learning and the brain (LeCun 2015)", 1)
    assert drafts and drafts[0].authors == ["LeCun"]


def test_a_publisher_on_its_own_line_ends_the_reference_above_it() -> None:
    doc = read_path(str(FOUND / "fresh-acl-natbib.txt"))
    assert [s.location.line for s in doc.skipped] == [1]  # the heading only
    assert doc.entries[0].meta["listing_venue"] == (
        "Proceedings of the 62nd Annual Meeting of the Association for Computational Linguistics")


NESTED = """## Models

- **OpenMoE: An Early Effort on Open Mixture-of-Experts Language Models** ![](https://img.shields.io/badge/ICML-2024-blue)
  - *Søren Okafor, Kevin Dvořák, Dmitri Jørgensen, et al.*
  - [[Paper](https://arxiv.org/abs/2402.12668)] [[Code](https://github.com/XueFuzhao/OpenMoE)]
  - ICML 2024
- Routing
  - [AdaMoE: Token-Adaptive Routing with Null Experts for Mixture-of-Experts Language Models](https://arxiv.org/abs/2406.19378) — *EMNLP Findings 2024*
  - Harder Tasks Need More Experts: Dynamic Routing in MoE Models. *ACL 2024*. [[paper]](https://arxiv.org/abs/2303.07820)
"""


def test_an_items_authors_and_links_in_sub_bullets_are_the_items_not_papers() -> None:
    # awesome lists nest a bold title's authors, its [Paper] [Code] links and its venue in sub-bullets:
    # they belong to the item above (the author line used to become a paper "Søren Okafor"); a
    # sub-bullet naming a paper of its own (under a topic bullet) stays its own item
    doc = read_text(NESTED, "awesome.md")
    got = [(e.title, e.ids.arxiv) for e in doc.entries]
    assert got == [("OpenMoE: An Early Effort on Open Mixture-of-Experts Language Models", "2402.12668"),
                   ("AdaMoE: Token-Adaptive Routing with Null Experts for Mixture-of-Experts Language Models",
                    "2406.19378"),
                   ("Harder Tasks Need More Experts: Dynamic Routing in MoE Models", "2303.07820")]
    first, second, third = doc.entries
    assert [a.family for a in first.authors][:3] == ["Okafor", "Dvořák", "Jørgensen"]
    assert not second.authors  # "— *EMNLP Findings 2024*" is a venue, not an author "EMNLP"
    assert third.date is not None and third.date.year == 2024  # "Title. *ACL 2024*." ends the title


@pytest.mark.parametrize("link", ["https://www.semanticscholar.org/arxiv/2401.01177",
                                  "https://api.semanticscholar.org/arXiv:2401.01177",
                                  "https://www.semanticscholar.org/paper/arXiv:2401.01177v2"])
def test_a_semantic_scholar_arxiv_permalink_is_that_arxiv_paper(link: str) -> None:
    # S2's /arxiv/ID permalink and the api.semanticscholar.org/arXiv:ID link every arXiv abs page
    # carries name the arXiv paper (they were skipped as "a link to a page that is not a paper")
    doc = read_text(f"reading list\n{link}\nhttps://arxiv.org/abs/2404.11534\n", "notes.txt")
    assert [e.ids.arxiv for e in doc.entries] == ["2401.01177", "2404.11534"]


@pytest.mark.parametrize("line, heading", [
    ("Papers from today's reading group (Mar 17)", True), ("Reading group notes (2025-03-17)", True),
    ("Talk slides (17 March 2025):", True), ("Mixtral of Experts (Jan 2024)", False),
    ("GPT-4 Technical Report (March 15, 2023)", False), ("Octopus v4: Graph of language models (Apr 2, 2024)", False),
    ("Scaling Laws for Neural Language Models (2020)", False)])
def test_a_line_dated_to_the_day_in_parentheses_is_a_heading(line: str, heading: bool) -> None:
    # a paste's own heading carries the day it was written ("… reading group (Mar 17)"); it became a
    # paper above the cards of a mixed paste. A title given with its month and year, or in Title Case
    # or with a subtitle beside its release date, is still a title.
    assert (chatter_reason(line) is not None) == heading
    if heading:
        doc = read_text(f"{line}\n\nDolma: an Open Corpus of Three Trillion Tokens for Language Model Pretraining "
                        "Research\nLuca Soldaini · Rodney Kinney · Akshita Bhagia · +6 authors\nUpvote\n55\n", "n.txt")
        assert [e.title for e in doc.entries] == [
            "Dolma: an Open Corpus of Three Trillion Tokens for Language Model Pretraining Research"]
        assert doc.skipped[0].location.line == 1


@pytest.mark.parametrize("title", ["Layerwise Recurrent Router for Mixture-of-Experts",
                                   "Sparse upcycling of dense checkpoints", "Mixtral of Experts"])
def test_a_search_results_title_of_plain_words_is_no_category_line(title: str) -> None:
    # arXiv's search results put "[pdf, other]" and "cs.LG" on lines of their own under the id; a title
    # made only of words (no colon, digit or punctuation) was taken for such a line and lost
    paste = (f"arXiv:2311.05323  [pdf, html, other] \ncs.LG cs.CL\n{title}\n"
             "Authors: Javier Sharma, Omar Miller, Mehmet Davis\n"
             "Submitted 13 November, 2023; originally announced November 2023.\n")
    doc = read_text(paste, "search.txt")
    assert [(e.title, e.ids.arxiv) for e in doc.entries] == [(title, "2311.05323")]


@pytest.mark.parametrize("reference, year, venue", [
    ("Wiśniewski A, López K, Lefèvre K, O'Brien S. MedAgents: large language models as collaborators for zero-shot "
     "medical reasoning. arXiv [Preprint]. 2024 [cited 2025 Mar 1]. Available from: https://arxiv.org/abs/2409.00465",
     2024, None),
    ("Schmidt F, Rossi L, Chen Ł. Automatic differential diagnosis using transformer-based multi-label sequence "
     "classification. arXiv:2412.19700 [Preprint]. 2024.", 2024, None),
    ("[7] M. Öztürk and F. Bianchi, “The ultimate guide to fine-tuning LLMs,” OpenAI Blog, 2023. Accessed: Mar. 1, "
     "2025. [Online]. Available: https://example.org/guide", 2023, "OpenAI Blog"),
    ("Öztürk, M. and Bianchi, F., 2023. The ultimate guide to fine-tuning LLMs. OpenAI Blog. [online] Available at: "
     "https://example.org/guide (Accessed: 1 March 2025).", 2023, "OpenAI Blog"),
    ("Öztürk, M., & Bianchi, F. (2023). The ultimate guide to fine-tuning LLMs. OpenAI Blog. Retrieved March 1, "
     "2025, from https://example.org/guide", 2023, "OpenAI Blog"),
])
def test_an_access_date_is_no_date_of_the_work(reference: str, year: int, venue: str | None) -> None:
    # every style can say when the citing author read a page (Vancouver "[cited 2025 Mar 1]", IEEE
    # "Accessed: Mar. 1, 2025", Harvard "(Accessed: 1 March 2025)", APA "Retrieved … from"); that year
    # came last and was taken as the paper's, and "[Preprint]" became a journal
    doc = read_text(f"References\n{reference}\n", "refs.txt", fmt="references")
    (entry,) = doc.entries
    assert entry.date is not None and entry.date.year == year and entry.date.month is None
    assert (entry.journal or entry.booktitle) == venue


def test_a_chicago_author_date_reference_keeps_its_authors_and_year() -> None:
    # 'Surname, Given, and Given Surname. 2023. "Title." Venue.': the year between the authors and the
    # quoted title was read as part of the author list, which then read as no names — every entry of a
    # Chicago author-date list lost its authors (offline keys had no name) and a reference with only a
    # URL after its title was dropped
    doc = read_path(str(FOUND / "fresh-qa2-refs-chicago-author-date.txt"))
    assert all(e.authors and e.date for e in doc.entries)
    first = doc.entries[0]
    assert [a.family for a in first.authors] == ["Luo", "Sun", "Öztürk", "Choi"] and first.date.year == 2025
    only_url = read_text('Bibliography\n\nLuo, Ruoxi, and Javier Sun. 2023. “Some Paper Title About Models.” '
                         'https://example.org/x.\n', "refs.txt")
    assert [(e.title, e.date.year if e.date else None, len(e.authors)) for e in only_url.entries] == [
        ("Some Paper Title About Models", 2023, 2)]


def test_an_abstract_page_copied_without_its_field_labels_is_one_paper() -> None:
    # the abs page's "Title:", "Authors:" and "Abstract:" labels may be missing from a copy (they are
    # hidden on the page); the title, the author line and the abstract then follow "[Submitted on …]"
    # unlabelled — each became an entry of its own ("Computer Science > …", the author line,
    # "Subjects: …", "Cite as: [cs.CL" …: ten junk entries a page)
    doc = read_path(str(FOUND / "fresh-qa2-arxiv-abs-unlabelled.txt"))
    assert [(e.title, e.ids.arxiv) for e in doc.entries] == [
        ("Dolma: an Open Corpus of Three Trillion Tokens for Language Model Pretraining Research", "2402.03660"),
        ("DeepSeekMoE: Towards Ultimate Expert Specialization in Mixture-of-Experts Language Models", "2401.15835")]
    dolma = doc.entries[0]
    assert len(dolma.authors) == 10 and dolma.authors[0].family == "Soldaini"
    assert dolma.date is not None and (dolma.date.year, dolma.date.month, dolma.date.day) == (2024, 2, 20)
    assert dolma.abstract and dolma.abstract.startswith("Information about pretraining corpora")


@pytest.mark.parametrize("reference, authors, title", [
    ("[1] Hannah Smith, Haoran Lin, and Zihan Li. Efficiently editing mixture-of-experts models with compressed "
     "experts. arXiv preprint arXiv:2412.13723, 2024.", ["Smith", "Lin", "Li"],
     "Efficiently editing mixture-of-experts models with compressed experts"),
    ("[2] Elena Yılmaz and Ananya Li. Self-specialization: Uncovering latent expertise within large language "
     "models. In Findings of ACL, 2024.", ["Yılmaz", "Li"],
     "Self-specialization: Uncovering latent expertise within large language models"),
    ("[3] Y. Nesterov and Yu. Nesterov. Introductory lectures on convex optimization. Springer, 2004.",
     ["Nesterov", "Nesterov"], "Introductory lectures on convex optimization"),
    ("[4] A. Smith and B. Jones. Some title about chemistry. J. Am. Chem. Soc. 120, 2004.", ["Smith", "Jones"],
     "Some title about chemistry"),
])
def test_a_two_letter_surname_ends_the_author_list(reference: str, authors: list[str], title: str) -> None:
    # "…, and Zihan Li. Title." — "Li." was taken for an initial, so the authors ran into the title and
    # the entry had no authors and a title opening with eight names
    doc = read_text(f"References\n{reference}\n", "refs.txt", fmt="references")
    (entry,) = doc.entries
    assert [a.family for a in entry.authors] == authors and entry.title == title


@pytest.mark.parametrize("line, title", [
    ("AquilaMoE (arxiv.org/abs/2307.15868) - training recipe", None),
    ("Mixtral of Experts Language Model (https://arxiv.org/abs/2307.15868) — read the routing section",
     "Mixtral of Experts Language Model"),
    ("https://arxiv.org/abs/2307.15868 Efficient Training for MoE Models", "Efficient Training for MoE Models"),
    # before the link a spaced dash may be the title's own (review: "RoFormer - …" was cut to "RoFormer")
    ("RoFormer - enhanced transformer with rotary position embedding (arxiv.org/abs/2307.15868)",
     "RoFormer - enhanced transformer with rotary position embedding"),
    ("Mixtral of Experts https://arxiv.org/abs/2307.15868v2 - the sparse one", "Mixtral of Experts"),
])
def test_a_links_emptied_brackets_and_a_remark_after_a_dash_are_no_part_of_the_title(line: str,
                                                                                      title: str | None) -> None:
    # the text beside a link was the title as it stood: "AquilaMoE ( ) - training recipe"
    (entry,) = read_text(f"notes\n{line}\n", "notes.txt").entries
    assert entry.ids.arxiv == "2307.15868" and entry.title == title


def test_an_mla_volume_before_the_year_and_a_reference_list_heading() -> None:
    # MLA writes "Venue Volume (Year): pages" (an issue only sometimes: "620.7972 (2023)"); the volume
    # stayed in the venue's name ("…Processing Systems 37") and the pages were lost. "Reference list"
    # (Harvard's heading) was skipped as "not a reference" instead of as the list's heading.
    doc = read_path(str(FOUND / "fresh-qa2-refs-mla-harvard.txt"))
    mla = doc.entries[3]
    assert (mla.booktitle or mla.journal) == "Advances in Neural Information Processing Systems"
    assert (mla.volume, mla.pages) == ("37", "136897–136921")
    assert [s.reason for s in doc.skipped] == ["the heading of the reference list"] * 2


def test_labelled_detail_sub_bullets_belong_to_their_item() -> None:
    # "- **Title**" / "  - Authors: …" / "  - Venue: ICLR 2025" / "  - arXiv: https://…": the labelled
    # details became papers of their own ("Authors: Javier Sharma", "Venue: ICLR 2025", an untitled id)
    doc = read_path(str(FOUND / "fresh-qa2-md-labelled-details.txt"))
    layerwise = doc.entries[2]
    assert (layerwise.title, layerwise.ids.arxiv) == ("Layerwise Recurrent Router for Mixture-of-Experts", "2311.05323")
    assert [a.family for a in layerwise.authors] == ["Sharma", "Miller", "Davis"]
    assert layerwise.date is not None and layerwise.date.year == 2025
    assert len(doc.entries) == 4
