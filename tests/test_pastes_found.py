"""What trying the readers on fresh pastes (written after them, modelled on real pages) taught, as rules.

Each test states a general rule the readers got wrong on a paste nobody had tuned them for, and
checks it on small pastes built the way the real pages and styles look.
"""

from __future__ import annotations

import pytest

from bibkit.sources import read_text

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
