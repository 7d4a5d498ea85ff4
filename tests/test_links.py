"""Link extraction and canonicalisation (bibkit.links): arXiv ids, DOIs, GitHub, Hugging Face, roles."""

from __future__ import annotations

from pathlib import Path

import pytest

from bibkit.links import (
    canonical_link,
    extract_links,
    find_arxiv_ids,
    find_dois,
    normalize_arxiv_id,
    normalize_doi,
    strip_trailing_punctuation,
)
from bibkit.model import Entry, LinkKind
from bibkit.sources import read_path

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"

# --------------------------------------------------------------------------- arXiv ids


@pytest.mark.parametrize(
    "text, expected",
    [
        ("2401.06066", ("2401.06066", None)),
        ("2401.06066v2", ("2401.06066", 2)),
        ("0704.0001", ("0704.0001", None)),  # first new-style id (April 2007), 4 digits
        ("1412.9999v12", ("1412.9999", 12)),
        ("1501.00001", ("1501.00001", None)),  # 5 digits from January 2015
        ("hep-th/9901001", ("hep-th/9901001", None)),
        ("hep-th/9901001v3", ("hep-th/9901001", 3)),
        ("math.CA/0611800v2", ("math/0611800", 2)),  # preferred form drops the subject class
        ("cond-mat.mes-hall/0501001", ("cond-mat/0501001", None)),
        ("arXiv:2401.06066", ("2401.06066", None)),
        ("arxiv: 2401.06066v1", ("2401.06066", 1)),
        ("arXiv:hep-th/9901001", ("hep-th/9901001", None)),
        ("https://arxiv.org/abs/2401.06066", ("2401.06066", None)),
        ("http://arxiv.org/abs/2401.06066v3", ("2401.06066", 3)),
        ("https://arxiv.org/pdf/2401.06066", ("2401.06066", None)),
        ("https://arxiv.org/pdf/2401.06066v2.pdf", ("2401.06066", 2)),
        ("https://arxiv.org/pdf/2401.06066.pdf", ("2401.06066", None)),
        ("https://www.arxiv.org/abs/2401.06066", ("2401.06066", None)),
        ("http://export.arxiv.org/abs/hep-th/9901001v1", ("hep-th/9901001", 1)),
        ("https://arxiv.org/html/2401.06066v1", ("2401.06066", 1)),
        ("arxiv.org/abs/2401.06066.", ("2401.06066", None)),
        ("<https://arxiv.org/abs/2401.06066>", ("2401.06066", None)),
        ("10.48550/arXiv.2401.06066", ("2401.06066", None)),
        ("https://doi.org/10.48550/arXiv.2401.06066", ("2401.06066", None)),
        ("doi:10.48550/ARXIV.2401.06066", ("2401.06066", None)),
    ],
)
def test_normalize_arxiv_id_accepts(text: str, expected: tuple[str, int | None]) -> None:
    assert normalize_arxiv_id(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "1234.1234",  # month 34
        "2413.00001",  # month 13
        "1501.0001",  # 4-digit number after 2014
        "1312.00001",  # 5-digit number before 2015
        "foo/9901001",  # unknown archive
        "hep-th/99010",  # too short
        "74.8",
        "",
        "10.1145/3292500.3330919",
        "https://github.com/x/y",
    ],
)
def test_normalize_arxiv_id_rejects(text: str) -> None:
    assert normalize_arxiv_id(text) is None


def test_find_arxiv_ids_in_prose() -> None:
    text = (
        "As shown in arXiv:2401.06066v2 and (https://arxiv.org/abs/2310.01234), also hep-th/9901001; "
        "we score 2401.12345 points."  # a bare number is not taken unless asked
    )
    assert find_arxiv_ids(text) == [("2401.06066", 2), ("2310.01234", None), ("hep-th/9901001", None)]
    assert ("2401.12345", None) in find_arxiv_ids(text, bare=True)


# --------------------------------------------------------------------------- DOIs


@pytest.mark.parametrize(
    "text, expected",
    [
        ("10.1145/3292500.3330919", "10.1145/3292500.3330919"),
        ("doi:10.1145/3292500.3330919", "10.1145/3292500.3330919"),
        ("DOI: 10.1145/3292500.3330919.", "10.1145/3292500.3330919"),
        ("https://doi.org/10.1038/nature14539", "10.1038/nature14539"),
        ("http://dx.doi.org/10.1038/NATURE14539,", "10.1038/NATURE14539"),  # case kept as written
        ("https://doi.org/10.1002/%28SICI%291097-4571", "10.1002/(SICI)1097-4571"),
        (
            "https://doi.org/10.1002/(SICI)1097-4571(199806)49:8<693::AID-ASI4>3.0.CO;2-0",
            "10.1002/(SICI)1097-4571(199806)49:8<693::AID-ASI4>3.0.CO;2-0",
        ),
        ("10.1000/xyz).", "10.1000/xyz"),  # unbalanced ")" then "." stripped
        ("10.1000/a(b)", "10.1000/a(b)"),  # balanced ")" kept
        ("10.1000/xyz;", "10.1000/xyz"),
    ],
)
def test_normalize_doi(text: str, expected: str) -> None:
    assert normalize_doi(text) == expected


@pytest.mark.parametrize("text", ["", "doi:", "11.1000/x", "10.12/x", "https://example.org/10.1000"])
def test_normalize_doi_rejects(text: str) -> None:
    assert normalize_doi(text) is None


def test_find_dois_in_prose_keeps_sici_parentheses() -> None:
    text = (
        "See (doi:10.1000/xyz). The classic 10.1002/(SICI)1097-4571(199806)49:8<693::AID-ASI4>3.0.CO;2-0; "
        "and again DOI 10.1000/XYZ."
    )
    assert find_dois(text) == ["10.1000/xyz", "10.1002/(SICI)1097-4571(199806)49:8<693::AID-ASI4>3.0.CO;2-0"]


def test_strip_trailing_punctuation() -> None:
    assert strip_trailing_punctuation("https://x.org/a).") == "https://x.org/a"
    assert strip_trailing_punctuation("https://en.wikipedia.org/wiki/Foo_(bar)") == "https://en.wikipedia.org/wiki/Foo_(bar)"
    assert strip_trailing_punctuation("https://x.org/a”,") == "https://x.org/a"
    assert strip_trailing_punctuation("x]") == "x"


# --------------------------------------------------------------------------- GitHub


@pytest.mark.parametrize(
    "url, kind, target, subpath",
    [
        ("https://github.com/AlibabaResearch/AdvancedLiterateMachinery/tree/main/OCR/Platypus.",
         LinkKind.GITHUB, "AlibabaResearch/AdvancedLiterateMachinery", "OCR/Platypus"),
        ("https://github.com/MoE-Inf/awesome-moe-inference/.", LinkKind.GITHUB, "MoE-Inf/awesome-moe-inference", None),
        ("https://github.com/x/y.git", LinkKind.GITHUB, "x/y", None),
        ("github.com/x/y)", LinkKind.GITHUB, "x/y", None),
        ("https://github.com/x/y],", LinkKind.GITHUB, "x/y", None),
        ("https://www.github.com/x/y;", LinkKind.GITHUB, "x/y", None),
        ("http://github.com/x/y:", LinkKind.GITHUB, "x/y", None),
        ("https://github.com/x/y>", LinkKind.GITHUB, "x/y", None),
        ("https://github.com/x/y'", LinkKind.GITHUB, "x/y", None),
        ("https://github.com/x/y/blob/dev/src/model.py", LinkKind.GITHUB, "x/y", "src/model.py"),
        ("https://github.com/x/y/tree/main", LinkKind.GITHUB, "x/y", None),
        ("https://github.com/x/y/tree/main/", LinkKind.GITHUB, "x/y", None),
        ("https://github.com/x/y/issues", LinkKind.GITHUB, "x/y", None),
        ("https://github.com/x/y/releases/tag/v1.0", LinkKind.GITHUB, "x/y", None),
        ("https://github.com/x/y/pulls", LinkKind.GITHUB, "x/y", None),
        ("https://github.com/x/y/wiki", LinkKind.GITHUB, "x/y", None),
        ("https://github.com/x/y#readme", LinkKind.GITHUB, "x/y", None),
        ("https://github.com/x/y/raw/main/data/a.csv", LinkKind.GITHUB, "x/y", "data/a.csv"),
        ("https://raw.githubusercontent.com/x/y/main/README.md", LinkKind.GITHUB, "x/y", "README.md"),
        ("https://x.github.io/project/", LinkKind.PROJECT, None, None),
        ("https://gist.github.com/someone/0123abcd", LinkKind.GIST, "someone/0123abcd", None),
        ("https://github.com/orgs/deepseek-ai/repositories", LinkKind.GITHUB_OTHER, "orgs/deepseek-ai/repositories", None),
        ("https://github.com/topics/llm", LinkKind.GITHUB_OTHER, "topics/llm", None),
        ("https://github.com/features/copilot", LinkKind.GITHUB_OTHER, "features/copilot", None),
        ("https://github.com/sponsors/someone", LinkKind.GITHUB_OTHER, "sponsors/someone", None),
        ("https://github.com/marketplace", LinkKind.GITHUB_OTHER, "marketplace", None),
        ("https://github.com/settings", LinkKind.GITHUB_OTHER, "settings", None),
        ("https://github.com/login", LinkKind.GITHUB_OTHER, "login", None),
        ("https://github.com/deepseek-ai", LinkKind.GITHUB_OTHER, "deepseek-ai", None),
        ("https://github.com/", LinkKind.GITHUB_OTHER, None, None),
    ],
)
def test_canonical_github(url: str, kind: LinkKind, target: str | None, subpath: str | None) -> None:
    link = canonical_link(url, "abstract")
    assert (link.kind, link.target, link.subpath) == (kind, target, subpath)
    assert link.source == "abstract"


def test_github_url_keeps_branch_but_subpath_does_not() -> None:
    link = canonical_link("https://github.com/AlibabaResearch/AdvancedLiterateMachinery/tree/main/OCR/Platypus.")
    assert link.url == "https://github.com/AlibabaResearch/AdvancedLiterateMachinery/tree/main/OCR/Platypus"
    assert canonical_link("github.com/x/y.git").url == "https://github.com/x/y"


def test_github_identity_is_case_insensitive() -> None:
    a, b = canonical_link("https://github.com/DeepSeek-AI/DeepSeek-MoE"), canonical_link("github.com/deepseek-ai/deepseek-moe")
    assert a.key == b.key
    assert a.target == "DeepSeek-AI/DeepSeek-MoE"  # case as written
    entry = Entry()
    entry.add_link(a)
    entry.add_link(b)
    assert len(entry.links) == 1


def test_repo_name_cut_at_prose() -> None:
    link = canonical_link("https://github.com/x/y’s")
    assert (link.kind, link.target) == (LinkKind.GITHUB, "x/y")


# --------------------------------------------------------------------------- Hugging Face and others


@pytest.mark.parametrize(
    "url, kind, target",
    [
        ("https://huggingface.co/NexaAIDev/Octopus-v4),", LinkKind.HF_MODEL, "NexaAIDev/Octopus-v4"),
        ("https://huggingface.co/nlpie", LinkKind.HF_ORG, "nlpie"),
        ("huggingface.co/datasets/allenai/dolma", LinkKind.HF_DATASET, "allenai/dolma"),
        ("https://huggingface.co/datasets/squad", LinkKind.HF_DATASET, "squad"),
        ("https://huggingface.co/spaces/lmsys/chatbot-arena", LinkKind.HF_SPACE, "lmsys/chatbot-arena"),
        ("https://huggingface.co/papers/2401.06066", LinkKind.HF_PAPER, "2401.06066"),
        ("https://hf.co/papers/2401.06066v2", LinkKind.HF_PAPER, "2401.06066"),
        ("https://huggingface.co/deepseek-ai/deepseek-moe-16b-base/tree/main", LinkKind.HF_MODEL, "deepseek-ai/deepseek-moe-16b-base"),
        ("https://huggingface.co/docs/transformers", LinkKind.OTHER, None),
        ("https://arxiv.org/abs/2401.06066v2", LinkKind.ARXIV, "2401.06066"),
        ("https://doi.org/10.1038/nature14539.", LinkKind.DOI, "10.1038/nature14539"),
        ("https://doi.org/10.48550/arXiv.2401.06066", LinkKind.ARXIV, "2401.06066"),
        ("https://www.nexa4ai.com/", LinkKind.OTHER, None),
        ("https://state-spaces.github.io/mamba", LinkKind.PROJECT, None),
    ],
)
def test_canonical_other_links(url: str, kind: LinkKind, target: str | None) -> None:
    link = canonical_link(url)
    assert (link.kind, link.target) == (kind, target)


# --------------------------------------------------------------------------- extraction from prose


def test_extract_links_in_order_deduplicated_with_kinds() -> None:
    text = (
        "Project page: https://foo.org/bar. Our method is based on github.com/a/b and our code is at "
        "https://github.com/c/d.git. See arXiv:2401.06066v2 and doi:10.1000/x.y). The demo at "
        "https://huggingface.co/spaces/c/d-demo reuses https://github.com/C/D/tree/main/app."
    )
    links = extract_links(text, "abstract")
    assert [(l.kind, l.target, l.subpath) for l in links] == [
        (LinkKind.PROJECT, None, None),
        (LinkKind.GITHUB, "a/b", None),
        (LinkKind.GITHUB, "c/d", None),
        (LinkKind.ARXIV, "2401.06066", None),
        (LinkKind.DOI, "10.1000/x.y", None),
        (LinkKind.HF_SPACE, "c/d-demo", None),
        (LinkKind.GITHUB, "C/D", "app"),
    ]
    assert links[0].url == "https://foo.org/bar"
    assert all(l.source == "abstract" for l in links)
    assert (links[1].role, links[1].evidence) == ("mentioned", "based on")
    assert (links[2].role, links[2].evidence) == ("primary", "code is at")


def test_extract_links_deduplicates_same_repo() -> None:
    links = extract_links("Code: https://github.com/x/y. Mirror: github.com/X/Y/ and https://github.com/x/y.git", "abstract")
    assert len(links) == 1 and links[0].target == "x/y"
    assert (links[0].role, links[0].evidence) == ("primary", "Code:")


@pytest.mark.parametrize(
    "sentence, role, evidence",
    [
        ("Our code is available at https://github.com/x/y.", "primary", "is available at"),
        ("Code and data will be made publicly available at https://github.com/x/y.", "primary", "available at"),
        ("We release the weights at https://github.com/x/y.", "primary", "We release"),
        ("Code: https://github.com/x/y", "primary", "Code:"),
        ("The benchmark is open-source: https://github.com/x/y.", "primary", "open-source"),
        ("We maintain a list of papers (awesome list) at https://github.com/x/y.", "mentioned", "awesome list"),
        ("Our implementation is built upon https://github.com/x/y.", "mentioned", "built upon"),
        ("Following https://github.com/x/y, we train a model.", "mentioned", "Following"),
    ],
)
def test_roles_from_the_sentence(sentence: str, role: str, evidence: str) -> None:
    text = sentence + " We also compare to https://github.com/other/baseline as a baseline."
    links = extract_links(text, "abstract")
    assert (links[0].role, links[0].evidence) == (role, evidence)


def test_single_neutral_repository_is_primary() -> None:
    links = extract_links("We study routing. See https://github.com/x/y for details.", "abstract")
    assert (links[0].role, links[0].evidence) == ("primary", "only repository in abstract")


def test_two_neutral_repositories_stay_unjudged() -> None:
    links = extract_links("We study https://github.com/x/y and https://github.com/z/w.", "abstract")
    assert [l.role for l in links] == [None, None]


def test_extract_links_tolerates_empty_and_plain_text() -> None:
    assert extract_links("", "abstract") == []
    assert extract_links("No links here, e.g. v1.2 or 74.8 points.", "abstract") == []


# --------------------------------------------------------------------------- the example listing, hand-checked

#: every GitHub link of every paper of examples/hf-trending-papers.txt, written out by hand from
#: `grep -n github.com examples/hf-trending-papers.txt` (title -> [(owner/name, subpath)])
EXPECTED_GITHUB = {
    "Specialist or Generalist? Instruction Tuning for Specific NLP Tasks": [("DavidFanzz/Generalist_or_Specialist", None)],
    "Platypus: A Generalized Specialist Model for Reading Text in Various Forms": [
        ("AlibabaResearch/AdvancedLiterateMachinery", "OCR/Platypus")
    ],
    "A Survey on Mixture of Experts": [("withinmiaov/A-Survey-on-Mixture-of-Experts", None)],
    "Harder Tasks Need More Experts: Dynamic Routing in MoE Models": [("ZhenweiAn/Dynamic_MoE", None)],
    "Efficiently Editing Mixture-of-Experts Models with Compressed Experts": [("yifei-he/Compressed-Experts", None)],
    "Injecting Domain-Specific Knowledge into Large Language Models: A Comprehensive Survey": [
        ("abilliyb/Knowledge_Injection_Survey_Papers", None)
    ],
    "A Survey on Inference Optimization Techniques for Mixture of Experts Models": [("MoE-Inf/awesome-moe-inference", None)],
    "Lightweight Transformers for Clinical Natural Language Processing": [
        ("nlpie-research/Lightweight-Clinical-Transformers", None)
    ],
    "MedAgents: Large Language Models as Collaborators for Zero-shot Medical Reasoning": [("gersteinlab/MedAgents", None)],
    "Evaluation of Language Models in the Medical Context Under Resource-Constrained Settings": [
        ("anpoc/Language-models-in-medicine", None)
    ],
    "Taming Sparsely Activated Transformer with Stochastic Experts": [("microsoft/Stochastic-Mixture-of-Experts", None)],
    "Layerwise Recurrent Router for Mixture-of-Experts": [("qiuzh20/RMoE", None)],
    "Higher Layers Need More LoRA Experts": [("GCYZSL/MoLA", None)],
    "INSTRUCTEVAL: Towards Holistic Evaluation of Instruction-Tuned Large Language Models": [
        ("declare-lab/instruct-eval", None)
    ],
    "Union of Experts: Adapting Hierarchical Routing to Equivalently Decomposed Transformer": [
        ("YujiaoYang-work/UoE", None)
    ],
    "The Synergy between Data and Multi-Modal Large Language Models: A Survey from Co-Development Perspective": [
        ("modelscope/data-juicer", "docs/awesome_llm_data.md")
    ],
    "ComPEFT: Compression for Communicating Parameter Efficient Updates via Sparsification and Quantization": [
        ("prateeky2806/compeft", None)
    ],
    "SemiKong: Curating, Training, and Evaluating A Semiconductor Industry-Specific Large Language Model": [
        ("aitomatic/semikong", None)
    ],
}


@pytest.fixture(scope="module")
def example_entries() -> list[Entry]:
    return read_path(str(EXAMPLES / "hf-trending-papers.txt")).entries


def test_example_github_links_exactly(example_entries: list[Entry]) -> None:
    seen = {}
    for entry in example_entries:
        found = [(l.target, l.subpath) for l in entry.links if l.kind is LinkKind.GITHUB]
        assert found == EXPECTED_GITHUB.get(entry.title, []), entry.title
        if found:
            seen[entry.title] = found
    assert seen == EXPECTED_GITHUB  # every expected paper was found


def test_example_github_links_are_the_papers_own_code(example_entries: list[Entry]) -> None:
    for entry in example_entries:
        for link in entry.github_links:
            assert link.role == "primary" and link.evidence, (entry.title, link)
            assert link.url.startswith("https://github.com/") and not link.url.endswith((".", "/", ","))


def test_example_other_links(example_entries: list[Entry]) -> None:
    by_title = {e.title: e for e in example_entries}
    clinical = by_title["Lightweight Transformers for Clinical Natural Language Processing"]
    assert [(l.kind, l.target) for l in clinical.links] == [
        (LinkKind.HF_ORG, "nlpie"),
        (LinkKind.GITHUB, "nlpie-research/Lightweight-Clinical-Transformers"),
    ]
    octopus = by_title["Octopus v4: Graph of language models"]
    assert [(l.kind, l.target, l.url) for l in octopus.links] == [
        (LinkKind.OTHER, None, "https://www.nexa4ai.com/"),
        (LinkKind.HF_MODEL, "NexaAIDev/Octopus-v4", "https://huggingface.co/NexaAIDev/Octopus-v4"),
    ]
    assert octopus.code_repo is None
