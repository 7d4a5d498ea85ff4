"""The prepared forms the resolver compares give exactly what the plain definitions give (issue 15's CPU work).

* :func:`normalize_title` on ASCII text takes a path without regular expressions: the same as the general
  path (forced here by a non-ASCII word after a bar, which folds to ASCII and stays a word of its own);
  :func:`normalized_words` (an abstract's words, uncached, not joined to be split again) are its words;
* :func:`word_code` strings give :func:`abstract_words_similarity` the value the word lists give;
* :func:`title_form_similarity` looks for spelling variants only when they could matter: the same value as
  always looking (``_near`` without the prepared word sets).
"""

from __future__ import annotations

import string

from hypothesis import given, settings
from hypothesis import strategies as st
from rapidfuzz import fuzz

from bibkit.normalize import identity
from bibkit.normalize.identity import TitleForm, abstract_words_similarity, title_form_similarity, word_code
from bibkit.normalize.text import normalize_title, normalized_words

ascii_text = st.text(alphabet=st.characters(min_codepoint=0, max_codepoint=127), max_size=40)
words = st.sampled_from(["model", "models", "modelling", "modeling", "pre", "training", "pretraining", "qwen2",
                         "qwen2.5", "v2", "learning", "language", "large", "mixture", "experts", "a", "of", "the",
                         "vision", "transformer", "transformers", "survey", "part", "ii", "x"])


@settings(max_examples=400)
@given(ascii_text)
def test_ascii_titles_normalise_as_the_general_path_does(text: str) -> None:
    fast = normalize_title(text)
    # a non-ASCII word after a bar (which no LaTeX rule joins to what precedes it): the general path
    general = normalize_title(text + "|\u00e9")
    assert general == (f"{fast} e" if fast else "e")



@settings(max_examples=400)
@given(st.one_of(ascii_text, st.text(max_size=40), st.lists(st.sampled_from(
    ["2.5", "v4.0", "x.1", "1.x", "..", "'", "`", "\x00", "’", "é", "ß", "Ω", "ﬁ", "２", "\\emph{a}", "$\\alpha$",
     "&", "\u00a0", "漢", " ", ".", "-", "_"]), max_size=12).map("".join)))
def test_normalized_words_are_the_normal_forms_words(text: str) -> None:
    assert normalized_words(text) == normalize_title(text).split()
    assert normalized_words(None) == [] == normalize_title(None).split()

def test_ascii_path_keeps_the_rules() -> None:
    assert normalize_title("Qwen2.5-Coder: Model's 2.5x  Speed_up...") == "qwen2.5 coder models 2.5x speed up"
    assert normalize_title("v1..2 and 3.4.5, (GPT-4o)") == "v1 2 and 3.4.5 gpt 4o"


@settings(max_examples=300)
@given(st.lists(words, max_size=60), st.lists(words, max_size=60))
def test_word_codes_compare_as_the_words_do(a: list[str], b: list[str]) -> None:
    ca, cb = word_code(a), word_code(b)
    assert ca is not None and cb is not None and len(ca) == len(a)
    assert abstract_words_similarity(ca, cb) == abstract_words_similarity(a, b)


def _always_looking(a: TitleForm, b: TitleForm) -> tuple[float, bool]:
    """The definition: the spelling variants always counted, every set worked out from the words."""
    if not a.norm or not b.norm:
        return 0.0, False
    ratio = fuzz.ratio(a.norm, b.norm) / 100.0
    conflict = any(any(c.isdigit() for c in w) for w in a.stems ^ b.stems)
    if a.norm.replace(" ", "") == b.norm.replace(" ", ""):
        return max(ratio, 0.99), conflict
    if a.stems and b.stems:
        near = identity._near(a.stems - b.stems, b.stems - a.stems)
        ratio = min(ratio, 2 * (len(a.stems & b.stems) + near) / (len(a.stems) + len(b.stems)))
    return ratio, conflict


@settings(max_examples=400)
@given(st.lists(words, min_size=1, max_size=8), st.lists(words, min_size=1, max_size=8),
       st.sampled_from(["", "-", ": ", " "]))
def test_title_similarity_as_defined(a: list[str], b: list[str], joint: str) -> None:
    fa, fb = TitleForm.of(" ".join(a)), TitleForm.of(joint.join(b))
    assert title_form_similarity(fa, fb) == _always_looking(fa, fb)
    assert title_form_similarity(fb, fa) == _always_looking(fb, fa)


def test_word_code_table_full_falls_back_to_words(monkeypatch) -> None:
    monkeypatch.setattr(identity, "_WORD_CODES_MAX", len(identity._WORD_CODES))
    fresh = ["".join(string.ascii_lowercase[(i + j) % 26] for j in range(12)) + "zzqq" for i in range(3)]
    assert word_code(fresh) is None
