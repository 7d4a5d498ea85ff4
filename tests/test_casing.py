"""Word-level case protection: brace what a style must not lower-case, and nothing else."""

from __future__ import annotations

import pytest

from bibkit.normalize.casing import needs_protection, protect
from bibkit.normalize.latex import decode, encode


@pytest.mark.parametrize(
    "title, protected",
    [
        ("A Survey on Mixture of Experts", "A Survey on Mixture of Experts"),  # initial capitals: the style's choice
        ("DeepSeekMoE: Towards Ultimate Expert Specialization", "{DeepSeekMoE}: Towards Ultimate Expert Specialization"),
        ("Instruction Tuning for Specific NLP Tasks", "Instruction Tuning for Specific {NLP} Tasks"),
        ("Large Language Models (LLMs)", "Large Language Models ({LLMs})"),
        ("Sparse MoE Layers", "Sparse {MoE} Layers"),
        ("BAM! Just Like That", "{BAM}! Just Like That"),
        ("Qwen2.5 Technical Report", "{Qwen2.5} Technical Report"),
        ("VILA-M3: Enhancing Vision-Language Models", "{VILA-M3}: Enhancing Vision-Language Models"),
        ("GPT-4 Technical Report", "{GPT-4} Technical Report"),
        ("DeepSeek-V3 Technical Report", "{DeepSeek-V3} Technical Report"),
        ("LLM-Based Text-to-SQL", "{LLM}-Based Text-to-{SQL}"),  # hyphen parts protected one by one
        ("COVID-19 and ImageNet-1K", "{COVID-19} and {ImageNet-1K}"),
        ("3D Scenes with x86 Code", "{3D} Scenes with x86 Code"),
        ("iPhone and eBay", "{iPhone} and {eBay}"),
        ("The U.S. Economy", "The {U.S}. Economy"),
        ("Pre-Training Zero-Shot State-of-the-Art", "Pre-Training Zero-Shot State-of-the-Art"),
        ("“GPT-4” and (NLP)", "``{GPT-4}'' and ({NLP})"),
        ("MÜLLER Über", r'{M{\"U}LLER} {\"U}ber'),
        ("ΓNet", r"{{\ensuremath{\Gamma}}Net}"),
    ],
)
def test_protect_ascii_encoded_titles(title: str, protected: str) -> None:
    out = protect(encode(title, ascii=True))
    assert out == protected
    assert decode(out) == title  # braces never change the text


def test_math_with_capitals_is_braced_whole_and_other_math_untouched() -> None:
    assert protect(r"Production of $\Sigma^{0}$ Hyperons") == r"Production of {$\Sigma^{0}$} Hyperons"
    assert protect(r"$^3$Helium Spin") == r"$^3$Helium Spin"


def test_commands_with_capitals_are_protected_as_special_characters() -> None:
    assert protect(r"\LaTeX{} for Authors") == r"{\LaTeX}{} for Authors"
    # a braced group starting with a backslash would be a BibTeX special character (case-changed)
    assert protect(r"\textbraceleft{}NLP\textbraceright{}") == r"{{}\textbraceleft{}NLP\textbraceright{}}"


def test_existing_braces_are_respected() -> None:
    assert protect("The {NLP} Way") == "The {NLP} Way"
    assert protect("{DeepSeek}MoE") == "{{DeepSeek}MoE}"  # "MoE" was still exposed
    assert protect(r"\textit{Deep NLP} Tricks") == r"\textit{Deep NLP} Tricks"  # argument already braced
    assert protect("{D}eep{S}eek") == "{D}eep{S}eek"


def test_dashes_are_never_split_by_braces() -> None:
    # an encoded en dash is "--": braces inside would print two hyphens
    assert protect("NLP--LLM") == "{NLP--LLM}"
    assert protect("éA--A") == "{éA}--A"
    assert protect("Pages--Range") == "Pages--Range"


@pytest.mark.parametrize(
    "title",
    [
        "DeepSeekMoE: Towards Ultimate Expert Specialization in Mixture-of-Experts Language Models",
        "LLM-Based Text-to-SQL with GPT-4 and Qwen2.5 on 3D Data",
        r"Production of {$\Sigma^{0}$} Hyperons",
        r"{\LaTeX}{} and \textit{Deep NLP}",
        "MÜLLER's NLP: (LLMs)!",
    ],
)
def test_idempotent(title: str) -> None:
    once = protect(encode(title))
    assert protect(once) == once


def test_needs_protection() -> None:
    assert needs_protection("NLP") and needs_protection("Qwen2.5") and needs_protection("MoE")
    assert not needs_protection("Survey") and not needs_protection("mixture") and not needs_protection("{NLP}")
