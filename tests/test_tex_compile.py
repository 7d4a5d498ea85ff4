"""The output compiles with real TeX — natbib/plainnat + bibtex and biblatex + biber — with zero errors
and zero warnings (the one allowed exception: BibTeX's "empty year" for an entry whose year nobody
knows), and ``pdftotext`` shows protected words keep their case and special characters render.

These tests run the real programs; a missing TeX installation fails them (see tests/texutil.py).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bibkit.model import Document, Entry, Link, LinkKind, PartialDate, Person
from bibkit.normalize import normalise
from bibkit.sources import read_path
from bibkit.sources.bibfile import read
from bibkit.writers import write
from texutil import TexResult, compile_biber, compile_bibtex, require_tex

ROOT = Path(__file__).resolve().parent.parent
BIB = Path(__file__).parent / "data" / "bib"


def test_tex_is_installed() -> None:
    require_tex("pdflatex", "bibtex", "biber", "pdftotext")


def _clean(res: TexResult, empty_year_keys: set[str] = frozenset()) -> None:  # type: ignore[assignment]
    assert res.errors == [], res.errors
    assert res.unexpected_warnings(empty_year_keys=empty_year_keys) == [], res.unexpected_warnings(
        empty_year_keys=empty_year_keys)
    assert res.text.strip(), "empty PDF text"


# ----------------------------------------------------------------------------- the example listing


@pytest.fixture(scope="module")
def example() -> Document:
    doc = read_path(str(ROOT / "examples" / "hf-trending-papers.txt"))
    normalise(doc)
    assert len(doc.entries) == 86
    return doc


def _undated(doc: Document) -> set[str]:
    return {e.key for e in doc.entries if not e.year}


@pytest.mark.parametrize("ascii", [False, True], ids=["utf8", "ascii"])
def test_example_listing_with_bibtex_plainnat(example: Document, ascii: bool, tmp_path: Path) -> None:
    bib = write(example, "bibtex", ascii=ascii, code_note=True)
    res = compile_bibtex(bib, tmp_path)
    _clean(res, _undated(example))
    # the only warnings are the allowed ones: one "empty year" per entry whose year is unknown
    assert len(res.warnings) == len(_undated(example))
    text = res.flat_text
    # plainnat lower-cases titles: protected words keep their case, the others do not
    for word in ("DeepSeekMoE", "LLMs", "NLP", "Qwen2.5", "VILA-M3", "BAM!", "MoE", "SUPER", "GPT-4"):
        assert word in text, word
    assert "A survey on mixture of experts" in text
    assert "Tools & Resources" in text or "tools & resources" in text
    assert "Code: https://github.com/DavidFanzz/Generalist_or_Specialist" in text.replace(": //", "://")


def test_example_listing_with_biblatex_biber(example: Document, tmp_path: Path) -> None:
    bib = write(example, "biblatex", code_note=True)
    res = compile_biber(bib, tmp_path)
    _clean(res)
    assert res.warnings == []
    text = res.flat_text
    for word in ("DeepSeekMoE", "LLMs", "NLP", "Qwen2.5", "VILA-M3"):
        assert word in text, word
    assert "A Survey on Mixture of Experts" in text


# ----------------------------------------------------------------------------- hand-written .bib files


@pytest.mark.parametrize("name", ["nasty.bib", "biblatex.bib"])
@pytest.mark.parametrize("dialect", ["bibtex", "biblatex"])
def test_nasty_bib_round_tripped_compiles(name: str, dialect: str, tmp_path: Path) -> None:
    doc = read((BIB / name).read_text(encoding="utf-8"), name)
    bib = write(doc, dialect)
    res = (compile_bibtex if dialect == "bibtex" else compile_biber)(bib, tmp_path)
    _clean(res)
    assert res.warnings == []
    text = res.flat_text
    if name == "nasty.bib":
        assert "Pál Erdős" in text or "Erdős, Pál" in text
        assert "ccénts in èvery förm: ü ü ü í í č č ß ø ł å ő ç ą ō ż ô è ñ ğ ů" in text
        assert "100% & more" in text
        # plainnat lists all seven authors, biblatex's authoryear style "Müller, Jörg et al."
        assert "Jiří Matoušek" in text or "Müller, Jörg et al." in text
        assert "International Conference on Learning Representations 2022, workshop" in text  # macros resolved
    else:
        assert "Qwen2.5" in text and "Zürich" in text


# ----------------------------------------------------------------------------- specials, ascii, code notes


def _specials() -> Document:
    moe = Entry(entry_type="preprint", key="dai2024deepseekmoe",
                title="DeepSeekMoE: Towards Ultimate Expert Specialization in Mixture-of-Experts Language Models",
                authors=[Person(literal="DeepSeek-AI"), Person(family="Dai", given="Damai")],
                date=PartialDate(2024, 1), note="Accepted at ICML")
    moe.ids.arxiv, moe.primary_class = "2401.06066", "cs.CL"
    moe.links.append(Link(LinkKind.GITHUB, "https://github.com/deepseek-ai/DeepSeek-MoE",
                          target="deepseek-ai/DeepSeek-MoE", role="primary"))
    specials = Entry(entry_type="article", key="mueller2020llms",
                     title="Large Language Models (LLMs) for NLP: 100% of Tools & Tricks, $5, #1 and snake_case",
                     authors=[Person(family="Müller", given="Jörg"), Person(family="Łukasiewicz", given="Øster")],
                     journal="Zeitschrift für Naturforschung", volume="12", pages="1–10", date=PartialDate(2020))
    survey = Entry(entry_type="preprint", key="survey", title="A Survey on Mixture of Experts",
                   abstract="Mixture of experts (MoE) … at 50% cost & more.")
    math = Entry(entry_type="misc", key="helium", title=r"$^3$Helium and $\Sigma^{0}$ Hyperons in Qwen2.5",
                 authors=[Person(family="Doe", given="Jane"), Person(literal="others")], date=PartialDate(2023))
    greek = Entry(entry_type="misc", key="greek", title="α-Divergence ≤ Bounds for VILA-M3 — “GPT-4” and ‘NLP’…",
                  authors=[Person(family="Ngô", given="Châu")], date=PartialDate(2022, 5))
    greek.links.append(Link(LinkKind.GITHUB, "https://github.com/o/repo_with_underscores",
                            target="o/repo_with_underscores", role="primary"))
    return Document(blocks=[moe, specials, survey, math, greek])


@pytest.mark.parametrize("ascii", [False, True], ids=["utf8", "ascii"])
def test_specials_with_bibtex(ascii: bool, tmp_path: Path) -> None:
    doc = _specials()
    bib = write(doc, "bibtex", ascii=ascii, code_note=True)
    if ascii:
        assert "Ngô" not in bib and "Ng{\\^o}" in bib
    res = compile_bibtex(bib, tmp_path)
    _clean(res, {"survey"})
    assert res.warnings == ["Warning--empty year in survey"]
    text = res.flat_text
    for expected in ("DeepSeekMoE", "(LLMs) for NLP", "100% of tools & tricks, $5, #1 and snake_case",
                     "Jörg Müller", "Øster Łukasiewicz", "Zeitschrift für Naturforschung", "12:1–10",
                     "A survey on mixture of experts", "Accepted at ICML. Code:", "Qwen2.5", "VILA-M3",
                     "GPT-4", "NLP", "Châu Ngô"):
        assert expected in text, expected
    assert "α" in text and "≤" in text and "—" in text and "Σ" in text


@pytest.mark.parametrize("ascii", [False, True], ids=["utf8", "ascii"])
def test_specials_with_biber(ascii: bool, tmp_path: Path) -> None:
    doc = _specials()
    res = compile_biber(write(doc, "biblatex", ascii=ascii, code_note=True), tmp_path)
    _clean(res)
    assert res.warnings == []
    text = res.flat_text
    for expected in ("DeepSeekMoE", "Large Language Models (LLMs) for NLP: 100% of Tools & Tricks, $5, #1 and "
                     "snake_case", "Müller, Jörg", "Zeitschrift für Naturforschung", "1–10",
                     "A Survey on Mixture of Experts", "Accepted at ICML. Code:", "α", "≤", "GPT-4"):
        assert expected in text, expected


# ----------------------------------------------------------------------------- the checker itself


def test_texutil_sees_errors_and_warnings(tmp_path: Path) -> None:
    """The log parsers must catch what they exist to catch, or every test above proves nothing."""
    bad = "\n".join([
        "@article{noj, author = {A, B}, title = {No journal}, year = 2020}",  # plainnat: empty journal
        r"@misc{undef, author = {C, D}, title = {\undefinedmacro here}, year = 2021}",  # LaTeX error
        "@misc{noyear, author = {E, F}, title = {No year}}",
    ])
    res = compile_bibtex(bad, tmp_path)
    assert any("Undefined control sequence" in e for e in res.errors), res.errors
    assert "Warning--empty journal in noj" in res.warnings
    assert res.unexpected_warnings(empty_year_keys={"noyear"}) == ["Warning--empty journal in noj"]
    bib = compile_biber("@misc{k, author = {A, B}, title = {T}, year = 2020, month = {Spring}}", tmp_path)
    assert any("month" in w for w in bib.warnings), bib.warnings


# ----------------------------------------------------------------------------- corner cases (QA)


def _corners() -> Document:
    titles = ["Tools & Tricks: 100% of #1 a_b ~ ^ \\ {braces} and $5", "Unbalanced { brace and } closer",
              "The $k$-means and $\\mathcal{O}(n)$ Bounds", "Using C++ and C# for O(n) Attention",
              "Llama 3 vs. Phi-3 on U-Net and X-ray Data", "α-Divergence ≤ β: a Note"]
    out = []
    for i, title in enumerate(titles):
        e = Entry(entry_type="misc", key=f"c{i}", title=title, date=PartialDate(2020 + i),
                  authors=[Person(literal="Barnes and Noble, Inc."), Person(family="Waals", given="J. D.", particle="van der"),
                           Person(family=f"King{chr(65 + i)}", given="Martin Luther", suffix="Jr."), Person(literal="others")],
                  url="https://example.org/a_b%20c?x=1&y=2#frag", note="See https://example.org/a_b#x, 50% off",
                  tags=["C++", "R&D", "50%"])
        e.ids.doi = "10.1002/(SICI)1097-4636(199812)43:4<389::AID-JBM6>3.0.CO;2-A"
        out.append(e)
    return Document(blocks=out)


@pytest.mark.parametrize("dialect, ascii", [("bibtex", False), ("bibtex", True), ("biblatex", False)],
                         ids=["bibtex-utf8", "bibtex-ascii", "biber"])
def test_corner_cases_compile_and_render(dialect: str, ascii: bool, tmp_path: Path) -> None:
    doc = _corners()
    res = (compile_bibtex if dialect == "bibtex" else compile_biber)(write(doc, dialect, ascii=ascii), tmp_path)
    _clean(res)
    assert res.warnings == []
    text = res.flat_text
    for expected in ("100% of #1 a_b ~ ^ \\ {braces} and $5", "{ brace and } closer", "C++ and C# for O(n)",
                     "Llama 3", "Phi-3", "U-Net", "X-ray", "α", "≤", "Barnes and Noble, Inc.", "van der Waals"):
        assert expected in text, expected
