"""Hugging Face papers JSON (bibkit.sources.hfjson) on the SYNTHETIC fixtures of tests/data/hf/.

No real recorded HF response exists (see tests/data/hf/README.md); the
fixtures follow ../shared/apis/APIS.md section 3 field by field.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bibkit.errors import InputError
from bibkit.model import LinkKind, Person
from bibkit.sources import read_path, read_text
from bibkit.sources.hfjson import parse_json, read

HF = Path(__file__).resolve().parent / "data" / "hf"


def load(name: str):
    return read_path(str(HF / name))


def test_daily_papers_wrappers() -> None:
    doc = load("daily_papers.json")
    assert doc.metadata["format"] == "hf-json" and doc.metadata["hf_json_shape"] == "list"
    moe, qwen, openmoe = doc.entries
    # title: whitespace of the API's wrapped title normalised, the paper's own title preferred
    assert moe.title == "DeepSeekMoE: Towards Ultimate Expert Specialization in Mixture-of-Experts Language Models"
    assert moe.abstract.startswith("In the era of large language models, Mixture-of-Experts (MoE) is a promising architecture")
    assert moe.abstract.endswith("We release our code at https://github.com/deepseek-ai/DeepSeek-MoE.")
    assert (moe.entry_type, moe.ids.arxiv, moe.ids.hf_paper, moe.ids.arxiv_version) == ("preprint", "2401.06066", "2401.06066", None)
    assert [p.display() for p in moe.authors] == ["Damai Dai", "Chengqi Deng", "Chenggang Zhao", "R. X. Xu", "Wenfeng Liang"]
    assert moe.authors[3] == Person(family="Xu", given="R. X.")
    assert moe.date is not None and moe.date.iso() == "2024-01-11"  # paper.publishedAt, not the daily submission
    assert moe.meta["ai_keywords"] == ["Mixture-of-Experts", "expert specialization", "GShard"]  # "" dropped
    assert (moe.meta["hf_upvotes"], moe.meta["hf_github_stars"], moe.meta["hf_num_comments"]) == (42, 1234, 3)
    assert moe.meta["hf_submitted_by"] == "akhaliq"
    # githubRepo and the abstract's link are one repository, primary by HF's word
    [repo] = moe.links
    assert (repo.kind, repo.target, repo.role, repo.evidence, repo.source) == (
        LinkKind.GITHUB, "deepseek-ai/DeepSeek-MoE", "primary", "hf-githubRepo", "hf")
    assert moe.code_repo is repo
    for field in ("title", "abstract", "authors", "date", "ids.arxiv", "ids.hf_paper", "links", "entry_type"):
        assert moe.provenance[field].source == "hf", field

    # projectPage that is a github.com URL becomes a GitHub link; organisation authors stay literal
    assert [(l.kind, l.target, l.role) for l in qwen.links] == [(LinkKind.GITHUB, "QwenLM/Qwen2.5", None)]
    assert qwen.authors[0] == Person(literal="Qwen")
    assert qwen.meta["hf_organization"] == "Qwen"

    # every optional field null or "": the wrapper's copies fill what they can, nothing crashes
    assert openmoe.title == "OpenMoE: An Early Effort on Open Mixture-of-Experts Language Models"
    assert openmoe.abstract.startswith("To help the open-source community")
    assert openmoe.authors == [] and openmoe.links == []
    assert openmoe.date is not None and openmoe.date.iso() == "2024-02-05"
    assert not any(k in openmoe.meta for k in ("ai_keywords", "hf_upvotes", "hf_github_stars", "hf_submitted_by"))


def test_origin_lines_point_at_each_object() -> None:
    doc = load("daily_papers.json")
    text = (HF / "daily_papers.json").read_text(encoding="utf-8").split("\n")
    lines = [e.origin.line for e in doc]
    assert lines == [2, 35, 59]
    assert all(text[n - 1].strip() == "{" for n in lines)
    assert [e.meta["hf_index"] for e in doc] == [0, 1, 2]


def test_single_paper_object() -> None:
    doc = load("paper.json")
    assert doc.metadata["hf_json_shape"] == "object"
    [dolma] = doc.entries
    assert dolma.origin.line == 1
    assert dolma.ids.arxiv == "2402.00159"
    assert dolma.date.iso() == "2024-01-31"
    assert dolma.meta["hf_submitted_by"] == "akhaliq"  # submittedOnDailyBy.user
    assert [(l.kind, l.target, l.url, l.role) for l in dolma.links] == [
        (LinkKind.GITHUB, "allenai/dolma", "https://github.com/allenai/dolma", "primary"),
        (LinkKind.PROJECT, None, "https://allenai.org/dolma", None),
    ]


def test_search_results_compact_json() -> None:
    doc = load("search.json")
    octopus, qlora = doc.entries
    assert [e.origin.line for e in doc] == [1, 2]
    assert [(l.kind, l.target) for l in octopus.links] == [(LinkKind.OTHER, None), (LinkKind.HF_MODEL, "NexaAIDev/Octopus-v4")]
    assert (qlora.ids.arxiv, qlora.ids.arxiv_version) == ("2305.14314", 1)
    assert [(l.target, l.role, l.evidence) for l in qlora.links] == [("artidoro/qlora", "primary", "hf-githubRepo")]


def test_flat_list_envelope_and_jsonl() -> None:
    flat = load("flat_list.json")
    assert [e.ids.arxiv for e in flat] == ["2306.05685", "hep-th/9901001"]
    assert flat.entries[1].abstract is None and flat.entries[1].authors == []
    env = load("envelope.json")
    assert env.metadata["hf_json_shape"] == "envelope:papers"
    assert [(e.ids.arxiv, e.origin.line) for e in env] == [("2401.04088", 5), ("2312.00752", 6)]
    assert env.entries[1].date.iso() == "2023-12-01"
    lines = load("papers.jsonl")
    assert lines.metadata["hf_json_shape"] == "jsonl"
    assert [(e.ids.arxiv, e.origin.line) for e in lines] == [("2401.04088", 1), ("2312.00752", 3)]
    assert [(l.kind, l.url) for l in lines.entries[1].links] == [(LinkKind.PROJECT, "https://state-spaces.github.io/mamba")]


def test_non_papers_are_problems_not_entries() -> None:
    doc = load("not_papers.json")
    assert [e.title for e in doc] == ["Mixtral of Experts"]
    assert [(p.code, p.location.line) for p in doc.problems] == [
        ("hf-not-a-paper", 3), ("hf-not-a-paper", 1), ("hf-empty-paper", 5)]
    with pytest.raises(InputError, match="element 1 is not a Hugging Face paper"):
        read((HF / "not_papers.json").read_text(encoding="utf-8"), "x.json", strict=True)


def test_broken_json_is_an_input_error_with_its_line() -> None:
    with pytest.raises(InputError, match=r"broken\.json:5: not valid JSON"):
        load("broken.json")


def test_papers_without_paper_field_names_are_tolerated() -> None:
    obj = {"paper": {"id": "2401.06066v2", "title": "  A  title\n with  spaces ", "authors": ["Ada Lovelace", {"name": None}]}}
    doc = read_text(json.dumps([obj]), "inline.json")
    [entry] = doc.entries
    assert entry.title == "A title with spaces"
    assert (entry.ids.arxiv, entry.ids.arxiv_version, entry.ids.hf_paper) == ("2401.06066", 2, "2401.06066")
    assert [p.display() for p in entry.authors] == ["Ada Lovelace"]


def test_non_arxiv_hf_id_is_kept_with_a_problem() -> None:
    doc = read(json.dumps({"id": "some-hf-id", "title": "T"}), "x.json")
    [entry] = doc.entries
    assert entry.ids.arxiv is None and entry.ids.hf_paper == "some-hf-id"
    assert [p.code for p in entry.problems] == ["hf-id-not-arxiv"]


def test_parse_json_shapes() -> None:
    assert parse_json("[]") == ([], "list")
    items, shape = parse_json('{"data": [{"id": "1"}, 3, {"id": "2"}]}')
    assert shape == "envelope:data" and [line for _, line in items] == [1, 1, 1]
    with pytest.raises(ValueError):
        parse_json('"just a string"')
