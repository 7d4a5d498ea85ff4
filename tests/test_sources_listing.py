"""The pasted-listing reader: the example page and realistic variants of it, exactly.

Expectations never come from the reader itself: for the seed they come from
splitting it on blank lines (sound because the seed is regular), for the
variants from ``tests/data/listings/make_variants.py``, which builds each paste
and its expectation from the seed's (title, abstract) pairs.
"""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest
from conftest import load_script
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bibkit.errors import InputError
from bibkit.sources import read_path, read_text
from bibkit.sources.listing import join_lines, read, split_lines, structural

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "hf-trending-papers.txt"
LISTINGS = Path(__file__).resolve().parent / "data" / "listings"


variants = load_script(LISTINGS / "make_variants.py")
PAIRS = variants.seed_pairs()


def seed_oracle(text: str) -> list[tuple[str, str]]:
    paras = [p.strip() for p in text.split("\n\n") if p.strip()]
    body = paras[5:]  # new / Get trending… / Subscribe / byAK… / Mar 17
    return list(zip(body[::2], body[1::2]))


# --------------------------------------------------------------------------- the example


def test_example_gives_86_exact_papers() -> None:
    text = EXAMPLE.read_text(encoding="utf-8")
    expected = seed_oracle(text)
    assert len(expected) == 86
    doc = read_path(str(EXAMPLE))
    assert len(doc) == 86
    assert [(e.title, e.abstract) for e in doc] == expected
    assert doc.all_problems() == []


def test_example_metadata_and_provenance() -> None:
    doc = read_path(str(EXAMPLE))
    assert doc.metadata["format"] == "listing"
    assert doc.metadata["listing_date"] == "Mar 17"
    assert (doc.metadata["listing_month"], doc.metadata["listing_day"]) == (3, 17)
    assert "listing_year" not in doc.metadata  # never invented
    for entry in doc:
        assert entry.entry_type == "misc"
        assert entry.meta["listing_title"] == entry.title
        assert entry.provenance["title"].source == "listing"
        assert entry.provenance["abstract"].source == "listing"
        assert entry.authors == [] and entry.date is None


def test_example_origin_lines() -> None:
    doc = read_path(str(EXAMPLE))
    entries = doc.entries
    assert str(entries[0].origin) == f"{EXAMPLE}:11"
    assert entries[0].title == "Specialist or Generalist? Instruction Tuning for Specific NLP Tasks"
    assert entries[2].origin.line == 19 and entries[2].title.startswith("Platypus:")
    assert entries[-1].origin.line == 351
    assert entries[-1].title == "Beyond the Imitation Game: Quantifying and extrapolating the capabilities of language models"
    lines = split_lines(EXAMPLE.read_text(encoding="utf-8"))
    assert all(lines[e.origin.line - 1] == e.title for e in entries)


def test_example_links_attached() -> None:
    doc = read_path(str(EXAMPLE))
    platypus = doc.entries[2]
    repo = platypus.code_repo
    assert repo is not None
    assert (repo.target, repo.subpath, repo.source) == ("AlibabaResearch/AdvancedLiterateMachinery", "OCR/Platypus", "abstract")
    assert platypus.provenance["links"].source == "listing"
    assert sum(1 for e in doc if e.github_links) == 18


def test_seed_copy_is_the_example() -> None:
    assert (LISTINGS / "seed-hf-trending-papers.txt").read_bytes() == EXAMPLE.read_bytes()


# --------------------------------------------------------------------------- the variants


@pytest.mark.parametrize("name", sorted(variants.VARIANTS))
def test_variant_files_match_their_recipe(name: str) -> None:
    data, expected = variants.build(name)
    assert (LISTINGS / f"{name}.txt").read_bytes() == data
    assert (LISTINGS / f"{name}.expected.json").read_text(encoding="utf-8") == expected


@pytest.mark.parametrize("name", sorted(variants.VARIANTS))
def test_variant_reads_exactly(name: str) -> None:
    path = LISTINGS / f"{name}.txt"
    expected = json.loads((LISTINGS / f"{name}.expected.json").read_text(encoding="utf-8"))
    doc = read_path(str(path))
    assert doc.metadata["format"] == "listing"
    got = [{"title": e.title, "abstract": e.abstract} for e in doc]
    assert got == [{"title": x["title"], "abstract": x["abstract"]} for x in expected]
    for entry, exp in zip(doc, expected):
        if "authors" in exp:
            assert [p.display() for p in entry.authors] == exp["authors"], entry.title
            assert entry.provenance["authors"].source == "listing"
        if exp["abstract"] is None:
            assert [p.code for p in entry.problems] == ["listing-no-abstract"]
    assert [p for p in doc.all_problems() if p.severity != "info"] == []


def test_line_numbers_survive_crlf_and_lone_cr() -> None:
    lf = read_text(variants.regular(PAIRS[:5]), "lf.txt")
    crlf = read_text(variants.regular(PAIRS[:5]).replace("\n", "\r\n"), "crlf.txt")
    cr = read_text(variants.regular(PAIRS[:5]).replace("\n", "\r"), "cr.txt")
    assert [e.origin.line for e in lf] == [e.origin.line for e in crlf] == [e.origin.line for e in cr] == [11, 15, 19, 23, 27]


def test_hf_daily_page_metadata() -> None:
    doc = read_path(str(LISTINGS / "hf-daily-page.txt"))
    assert doc.metadata["listing_date"] == "Mar 17"
    first, second, fourth = doc.entries[0], doc.entries[1], doc.entries[3]
    assert first.meta["hf_upvotes"] == 3 and second.meta["hf_upvotes"] == 4
    assert first.meta["listing_published"] == "Mar 1"
    assert first.meta["hf_submitted_by"] == "akhaliq" and fourth.meta["hf_submitted_by"] == "akhaliq"
    assert "hf_submitted_by" not in second.meta  # card 2 has no submitter: card 4's is not pulled back
    assert doc.metadata["listing_skipped_lines"] > 100


# --------------------------------------------------------------------------- hand-made edge cases


def test_title_with_no_abstract_directly_followed_by_next_title() -> None:
    (t0, _), (t1, a1), (t2, a2) = PAIRS[:3]
    doc = read(f"{t0}\n{t1}\n\n{a1}\n\n{t2}\n\n{a2}", "x.txt")
    assert [(e.title, e.abstract) for e in doc] == [(t0, None), (t1, a1), (t2, a2)]
    assert [e.origin.line for e in doc] == [1, 2, 6]


@pytest.mark.parametrize("sep", ["\n", "\n\n", "\r\n"])
def test_titles_only(sep: str) -> None:
    doc = read(sep.join(t for t, _ in PAIRS), "titles.txt")
    assert [e.title for e in doc] == [t for t, _ in PAIRS]
    assert all(e.abstract is None for e in doc)


def test_wrapped_title_tail_that_looks_like_navigation() -> None:
    # "…Mixture-of-Experts Language" / "Models": the last line of a wrapped title, not the site's "Models" menu
    title, abstract = next(p for p in PAIRS if p[0].startswith("OpenMoE"))
    text = "\n".join(textwrap.wrap(title, 62)) + "\n\n" + "\n".join(textwrap.wrap(abstract, 62))
    assert text.split("\n")[1] == "Models"
    doc = read(text, "x.txt")
    assert [(e.title, e.abstract) for e in doc] == [(title, abstract)]


def test_abstract_split_mid_sentence_is_rejoined() -> None:
    (t0, a0), (t1, a1) = PAIRS[:2]
    cut = a0.index(" ", len(a0) // 2)
    doc = read(f"{t0}\n\n{a0[:cut]}\n\n{a0[cut + 1:]}\n\n{t1}\n\n{a1}", "x.txt")
    assert [(e.title, e.abstract) for e in doc] == [(t0, a0), (t1, a1)]
    assert [p.code for p in doc.entries[0].problems] == ["listing-joined-paragraph"]


def test_unplaceable_paragraph_is_a_problem_with_its_line_never_dropped() -> None:
    (t0, a0), (t1, a1) = PAIRS[:2]
    cut = a0.index(". ", len(a0) // 2) + 1
    text = f"{t0}\n\n{a0[:cut]}\n\n{a0[cut + 1:]}\n\n{t1}\n\n{a1}"
    doc = read(text, "paste.txt")
    assert [e.title for e in doc] == [t0, t1]
    assert doc.entries[0].abstract == a0[:cut]
    [problem] = doc.problems
    assert problem.code == "listing-unplaced-text" and problem.severity == "warning"
    assert str(problem.location) == "paste.txt:5"
    assert a0[cut + 1:] in problem.message
    assert doc.entries[0].meta["listing_unplaced"] == [a0[cut + 1:]]
    with pytest.raises(InputError, match=r"paste\.txt:5"):
        read(text, "paste.txt", strict=True)


def test_abstract_before_any_title_is_reported() -> None:
    doc = read(PAIRS[0][1], "x.txt")
    assert len(doc) == 0
    assert [p.code for p in doc.problems] == ["listing-unplaced-text", "listing-empty"]
    assert doc.problems[0].location.line == 1


def test_empty_and_boilerplate_only_inputs() -> None:
    for text in ("", "\n\n  \n", "new\n\nGet trending papers in your email inbox!\n\nSubscribe\n\nMar 17\n"):
        doc = read(text, "empty.txt")
        assert len(doc) == 0
        assert [p.code for p in doc.problems] == ["listing-empty"]


def test_author_lines_labelled_bare_and_wrapped() -> None:
    (t0, a0), (t1, a1), (t2, a2) = PAIRS[:3]
    text = (
        f"{t0}\nAuthors: Damai Dai, Chengqi Deng, R. X. Xu,\nHuazuo Gao, Ludwig van Beethoven\n\n{a0}\n\n"
        f"{t1}\nDamai Dai, Chengqi Deng, Chenggang Zhao et al.\n{a1}\n\n"
        f"{t2}\n\n{a2}\n\nby: Qwen Team, An Yang"
    )
    doc = read(text, "x.txt")
    assert [(e.title, e.abstract) for e in doc] == [(t0, a0), (t1, a1), (t2, a2)]
    first = doc.entries[0].authors
    assert [p.display() for p in first] == ["Damai Dai", "Chengqi Deng", "R. X. Xu", "Huazuo Gao", "Ludwig van Beethoven"]
    assert (first[-1].particle, first[-1].family) == ("van", "Beethoven")
    # "et al." truncates the list: BibTeX's "others" says so (the style prints "et al.")
    assert [p.display() for p in doc.entries[1].authors] == ["Damai Dai", "Chengqi Deng", "Chenggang Zhao", "others"]
    third = doc.entries[2].authors
    assert third[0].literal == "Qwen Team" and third[1].family == "Yang"


def test_title_with_commas_is_not_an_author_line() -> None:
    (t0, a0), (_, a1) = PAIRS[:2]
    titles = ["Towards Human-Guided, Data-Centric LLM Co-Pilots", "Large Language Models, Explained Simply"]
    text = f"{t0}\n\n{a0}\n\n{titles[0]}\n\n{a1}\n\n{titles[1]}"
    doc = read(text, "x.txt")
    assert [e.title for e in doc] == [t0, titles[0], titles[1]]
    assert doc.entries[1].abstract == a1 and doc.entries[1].authors == []


def test_listing_date_with_year_and_published_line() -> None:
    (t0, a0), (t1, a1) = PAIRS[:2]
    text = f"Daily Papers\nMar 17, 2025\n\n{t0}\nPublished on Jan 11, 2024\n{a0}\n\n{t1}\n· Published on Mar 3\n\n{a1}\n"
    doc = read(text, "x.txt")
    assert (doc.metadata["listing_date"], doc.metadata["listing_year"]) == ("Mar 17, 2025", 2025)
    first, second = doc.entries
    assert first.date is not None and first.date.iso() == "2024-01-11"
    assert first.provenance["date"].source == "listing"
    assert second.date is None and second.meta["listing_published"] == "Mar 3"  # no year: not guessed


def test_unicode_kept_exactly_but_invisible_characters_do_not_change_structure() -> None:
    title = "“Dolma”: an Open Corpus — of Three\u00a0Trillion Tokens…"
    abstract = "We re\u200blease Dolma – a corpus. It is big\u00a0and open. It has “quotes” and ellipses…"
    text = f"\u200b\nMar\u00a017\n\u00a0\n\t{title}\u00a0\n\u200b \n{abstract}\t \n"
    doc = read(text, "x.txt")
    assert [(e.title, e.abstract) for e in doc] == [(title, abstract)]
    assert doc.metadata["listing_date"] == "Mar 17"  # page metadata is stored normalised


def test_cp1252_file_is_read_with_a_problem(tmp_path: Path) -> None:
    (t0, a0) = PAIRS[0]
    path = tmp_path / "latin.txt"
    path.write_bytes(f"{t0} – café\n\n{a0}\n".encode("cp1252"))
    doc = read_path(str(path))
    assert [e.title for e in doc] == [f"{t0} – café"]
    assert doc.problems[0].code == "not-utf8" and doc.problems[0].location.line == 1


def test_join_lines() -> None:
    assert join_lines(["a multi-", "modal model"]) == "a multi-modal model"
    assert join_lines(["company-", "or tool-specific"]) == "company- or tool-specific"
    assert join_lines(["ends --", "spaced"]) == "ends -- spaced"
    url = "https://github.com/AlibabaResearch/AdvancedLiterateMachinery/tree/main/OCR/Platypus."
    lines = textwrap.wrap("Model and data will be made publicly available at " + url, 40)
    assert join_lines(lines, max(len(l) for l in lines)) == "Model and data will be made publicly available at " + url


def test_structural_form() -> None:
    assert structural("\t Mar\u00a017 \u200b ") == "Mar 17"
    assert structural("\u200b\u00a0") == ""


# --------------------------------------------------------------------------- property: any paste of any papers

FORMATS = st.fixed_dictionaries(
    {
        "newline": st.sampled_from(["\n", "\r\n", "\r"]),
        "between": st.sampled_from(["\n", "\n\n", "\n\n\n", "\n \n\t\n"]),
        "inside": st.sampled_from(["\n", "\n\n"]),
        "wrap": st.sampled_from([None, 60, 72, 80]),
        "trailing": st.sampled_from(["", " ", "\t", "  "]),
        "header": st.booleans(),
    }
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.integers(min_value=0, max_value=len(PAIRS) - 1), min_size=1, max_size=8), FORMATS)
def test_any_paste_of_the_seed_reads_exactly(indices: list[int], fmt: dict) -> None:
    pairs = [PAIRS[i] for i in indices]
    width = fmt["wrap"]

    def body(text: str) -> str:
        if width is None:
            return text + fmt["trailing"]
        return "\n".join(line + fmt["trailing"] for line in textwrap.wrap(text, width, break_on_hyphens=False))

    parts = ["\n\n".join(variants.HEADER)] if fmt["header"] else []
    parts += [body(t) + fmt["inside"] + body(a) for t, a in pairs]
    text = fmt["between"].join(parts).replace("\n", fmt["newline"])
    doc = read(text, "paste.txt")
    assert [(e.title, e.abstract) for e in doc] == pairs


def test_repository_line_of_a_card_is_a_primary_link_not_a_paper() -> None:
    (t0, a0), (t1, a1) = PAIRS[3], PAIRS[5]  # no GitHub link in either abstract
    text = f"{t0}\n\n{a0}\n\nmicrosoft/LMOps\n· 1.2k\n\n{t1}\n\n{a1}\n\nhttps://github.com/x/y\n"
    doc = read(text, "x.txt")
    assert [(e.title, e.abstract) for e in doc] == [(t0, a0), (t1, a1)]
    assert [(l.target, l.role) for l in doc.entries[0].links] == [("microsoft/LMOps", "primary")]
    assert doc.entries[0].links[0].evidence == "repository shown with the paper (line 5)"
    assert [l.target for l in doc.entries[1].links] == ["x/y"]


# --------------------------------------------------------------------------- regressions (QA): what people paste

ODD = [(t, a.replace("\n", " ")) for t, a in variants.ODD_PAIRS]


def test_titles_only_list_never_glues_a_one_word_title_to_the_next() -> None:
    # "Mamba" / "Is Attention All You Need?": the next word would have fitted, so no wrapper broke there
    titles = ["Qwen2.5 Technical Report", "Mamba", "Is Attention All You Need?", "Cosmos", "Scaling Laws Are Not Enough!"]
    doc = read("\n".join(titles), "x.txt")
    assert [e.title for e in doc] == titles


def test_titles_of_similar_length_are_not_taken_for_a_wrapped_paragraph() -> None:
    titles = ["Efficient Memory Management for Large Language Models Serving",
              "Scaling Instruction-Finetuned Language Models at Large Scale",
              "Training Compute-Optimal Large Language Models Efficiently",
              "Language Models Are Few-Shot Learners and Also Zero-Shot Ones",
              "Direct Preference Optimization: Your Language Model Is Secretly"]
    doc = read("\n".join(titles), "x.txt")
    assert [e.title for e in doc] == titles


def test_mail_quoting_markdown_and_list_markers_are_not_part_of_titles() -> None:
    (t0, a0), (t1, a1), (t2, a2) = PAIRS[:3]
    text = (f"On Mon, Mar 17, 2025 at 9:00 AM Alice wrote:\n> ## {t0}\n>\n> {a0}\n>\n> 2) {t1}\n> {a1}\n>\n"
            f"> - {t2}\n>\n> {a2}\n")
    doc = read(text, "x.txt")
    assert [(e.title, e.abstract) for e in doc] == [(t0, a0), (t1, a1), (t2, a2)]
    assert doc.problems == []


def test_markdown_link_title_gives_the_paper_ids() -> None:
    (t0, a0), (t1, a1) = PAIRS[:2]
    text = f"[{t0}](https://huggingface.co/papers/2401.06066)\n\n{a0}\n\n**{t1}**\n\n{a1}\n"
    doc = read(text, "x.txt")
    assert [(e.title, e.abstract) for e in doc] == [(t0, a0), (t1, a1)]
    first = doc.entries[0]
    assert (first.ids.hf_paper, first.ids.arxiv) == ("2401.06066", "2401.06066")
    assert first.provenance["ids.arxiv"].detail == "line 1"
    assert doc.entries[1].ids.arxiv is None


def test_card_author_line_with_count_ends_with_others() -> None:
    (t0, _), (t1, _) = PAIRS[:2]
    text = f"Submitted by\nakhaliq\n{t0}\nJianhong Bai\n · \n10 authors\n178\nUpvote\n\n{t1}\nAnna Schmidt · 3 authors\n"
    doc = read(text, "x.txt")
    assert [e.title for e in doc] == [t0, t1]
    assert [p.display() for p in doc.entries[0].authors] == ["Jianhong Bai", "others"]
    assert doc.entries[0].meta["listing_author_count"] == 10
    assert [p.display() for p in doc.entries[1].authors] == ["Anna Schmidt", "others"]


def test_metadata_after_a_separator_on_the_title_line_is_not_title() -> None:
    (t0, a0), (t1, a1) = PAIRS[:2]
    doc = read(f"{t0} · Published on Mar 17, 2025\n{a0}\n\n{t1} · 42 upvotes\n{a1}\n", "x.txt")
    assert [(e.title, e.abstract) for e in doc] == [(t0, a0), (t1, a1)]
    assert doc.entries[0].date is not None and doc.entries[0].date.iso() == "2025-03-17"
    assert doc.entries[1].meta["hf_upvotes"] == 42


def test_alt_text_handles_and_badges_are_page_chrome() -> None:
    (t0, a0), (t1, a1) = PAIRS[:2]
    text = (f"paper thumbnail\n{t0}\nakhaliq's avatar\n\n{a0}\n\ndeepseek-ai\nGitHub 1.2k\nOrganization: deepseek-ai\n"
            f"★ 1.2k\n\n{t1}\n\n{a1}\n")
    doc = read(text, "x.txt")
    assert [(e.title, e.abstract) for e in doc] == [(t0, a0), (t1, a1)]
    assert doc.entries[0].meta["hf_organization"] == "deepseek-ai"
    assert [p for p in doc.all_problems() if p.severity != "info"] == []


def test_ai_summary_is_kept_as_metadata_not_taken_for_a_title() -> None:
    (t0, a0), (t1, a1) = PAIRS[:2]
    summary = "A summary of the paper in one sentence that says something useful."
    text = f"{t0}\n\nAI-generated summary\n{summary}\n\nAbstract\n{a0}\n\n{t1}\n\n{a1}\n"
    doc = read(text, "x.txt")
    assert [(e.title, e.abstract) for e in doc] == [(t0, a0), (t1, a1)]
    assert doc.entries[0].meta["hf_ai_summary"] == summary


def test_a_lone_full_stop_pushed_to_its_own_line_is_kept() -> None:
    # textwrap breaks a long URL and leaves the sentence's "." alone on the last line
    title, abstract = next(p for p in PAIRS if p[0].startswith("Platypus"))
    lines = textwrap.wrap(abstract, 70, break_on_hyphens=False)
    assert lines[-1] == "."
    doc = read(title + "\n\n" + "\n".join(lines), "x.txt")
    assert doc.entries[0].abstract is not None and doc.entries[0].abstract.endswith("/OCR/Platypus.")


def test_title_like_line_inside_an_abstract_does_not_split_the_paper() -> None:
    odd = dict((t, a) for t, a in variants.ODD_PAIRS)
    title = "Benchmarks For Everything"
    pairs = PAIRS[:6] + [(title, odd[title])] + PAIRS[6:12]
    doc = read("\n\n".join(t + "\n\n" + a for t, a in pairs), "x.txt")
    assert [(e.title, e.abstract) for e in doc] == [(t, a.replace("\n", " ")) for t, a in pairs]


def test_title_without_blank_line_after_the_previous_abstract_still_starts_a_paper() -> None:
    pairs = PAIRS[:12]
    parts = [t + "\n\n" + a for t, a in pairs]
    parts[3] = f"{pairs[3][0]}\n\n{pairs[3][1]}\n{pairs[4][0]}"  # the next title glued under this abstract
    parts[4] = pairs[4][1]
    parts[7] = f"{pairs[7][0]}\n{pairs[7][1]}"  # and one title glued to its abstract
    doc = read("\n\n".join(parts), "x.txt")
    assert [(e.title, e.abstract) for e in doc] == pairs


def test_numbered_title_right_under_an_abstract_ending_near_the_wrap_width() -> None:
    # "…for medical applications." ends 2 columns short of the width: "5." would not have fitted,
    # yet a list marker after a full stop starts a new item
    pairs = [p for p in PAIRS if p[0].startswith(("VILA-M3", "Can Generalist", "Layerwise"))]
    lines: list[str] = []
    for i, (t, a) in enumerate(pairs):
        lines += textwrap.wrap(f"{i + 4}. {t}", 72, break_on_hyphens=False)
        lines += textwrap.wrap(a, 72, break_on_hyphens=False)
    lines[0:0] = textwrap.wrap(PAIRS[0][0], 72) + textwrap.wrap(PAIRS[0][1], 72)
    doc = read("\n".join(lines), "x.txt")
    assert [(e.title, e.abstract) for e in doc] == [PAIRS[0]] + pairs


@settings(max_examples=40, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.integers(min_value=0, max_value=len(PAIRS) + len(ODD) - 1), min_size=3, max_size=8),
       FORMATS, st.sampled_from([None, "1. ", "- ", "## "]), st.booleans())
def test_any_paste_of_odd_and_seed_papers_reads_exactly(indices: list[int], fmt: dict, marker: str | None,
                                                         quoted: bool) -> None:
    pool = PAIRS + ODD
    pairs = [pool[i] for i in indices]
    width = fmt["wrap"]

    def body(text: str) -> str:
        if width is None:
            return text + fmt["trailing"]
        return "\n".join(line + fmt["trailing"] for line in textwrap.wrap(text, width, break_on_hyphens=False))

    parts = ["\n\n".join(variants.HEADER)] if fmt["header"] else []
    parts += [body((marker or "") + t) + fmt["inside"] + body(a) for t, a in pairs]
    text = fmt["between"].join(parts)
    if quoted:
        text = "\n".join("> " + line if line else ">" for line in text.split("\n"))
    doc = read(text.replace("\n", fmt["newline"]), "paste.txt")
    assert [(e.title, e.abstract) for e in doc] == pairs
