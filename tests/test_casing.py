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


# ----------------------------------------------------------------------------- what a careful human braces (QA)


@pytest.mark.parametrize(
    "title, protected",
    [
        ("BERT: Pre-training of Deep Bidirectional Transformers", "{BERT}: Pre-training of Deep Bidirectional Transformers"),
        ("The iPhone and eBPF", "The {iPhone} and {eBPF}"),
        ("t-SNE and k-means with word2vec", "t-{SNE} and k-means with word2vec"),  # lower case stays lower case
        ("ResNet-50 on X-ray Images", "{ResNet-50} on {X}-ray Images"),
        ("COVID-19 and 3D U-Net", "{COVID-19} and {3D} {U-Net}"),  # a lone capital and its name: one name
        ("T-Cell Receptors and B-tree Indexes", "{T-Cell} Receptors and {B}-tree Indexes"),
        ("LLaMA and pH", "{LLaMA} and {pH}"),
        ("Qwen2.5-VL and OpenAI o1 and DeepSeek-R1", "{Qwen2.5-VL} and {OpenAI} o1 and {DeepSeek-R1}"),
        ("The R1 Model", "The {R1} Model"),
        ("Using C++ and C# for O(n) Attention", "Using {C++} and {C\\#} for {O(n)} Attention"),  # else "c++"
        ("C++ Tricks", "C++ Tricks"),  # styles never change a title's first letter
        ("What I Learned from Type I Errors", "What {I} Learned from Type {I} Errors"),
        ("A Survey of A/B Tests", "A Survey of {A/B} Tests"),  # "A" is a word, not a symbol
        ("Llama 3 and Gemini 1.5 and Mistral 7B", "{Llama 3} and {Gemini 1.5} and {Mistral 7B}"),  # model versions
        ("Phi-3 and Llama-2 and Gemma-2B", "{Phi-3} and {Llama-2} and {Gemma-2B}"),
        ("Part 2 of Table 1: Towards AGI", "Part 2 of Table 1: Towards {AGI}"),  # nouns with numbers are no names
        ("LLM-Based Agents", "{LLM}-Based Agents"),
    ],
)
def test_protect_what_a_careful_human_would(title: str, protected: str) -> None:
    out = protect(encode(title))
    assert out == protected
    assert protect(out) == out
    assert decode(out) == title


def test_protecting_math_after_commands_is_idempotent():
    """Found by the property test: a math span braced by the first pass must not count as letters in the second."""
    from bibkit.normalize.latex import encode

    for text in ["\\\\\\\\$NLP$A", "\\\\$X$b", "$\\Sigma$A"]:
        once = protect(encode(text))
        assert protect(once) == once
