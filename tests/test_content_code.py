"""``content_code`` (one pass over a text's words) is ``word_code(content_words(text))``, whatever came before."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from bibkit.normalize.identity import STOPWORDS, content_code, content_words, word_code

_WORDS = sorted(STOPWORDS)[:12] + ["Mixture-of-Experts", "Qwen2.5", "model's", "Résumé", "the", "THE", "$\\pi_0$",
                                   "2.5", "a.b", "naïve", "x", "Ω", "&", "pre-training"]


@settings(max_examples=500, deadline=None)
@given(st.lists(st.lists(st.one_of(st.sampled_from(_WORDS), st.text(min_size=1, max_size=8)), max_size=40),
                min_size=1, max_size=4))
def test_content_code_is_the_code_of_the_content_words(texts: list[list[str]]) -> None:
    for words in texts:  # (texts in a row: the second time round their words are known)
        text = " ".join(words)
        assert content_code(text) == word_code(content_words(text))
        assert content_code(text) == word_code(content_words(text))


def test_no_text_is_the_empty_code() -> None:
    assert content_code(None) == "" == word_code(content_words(None))
    assert content_code("the of and") == ""
