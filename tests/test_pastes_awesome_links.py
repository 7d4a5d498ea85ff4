"""An "awesome-*" reading list whose links are labelled with single brackets, ``Title [paper](…) [code](…)`` (the
double-bracket ``[[paper](…)]`` was read right): the labels were left in the title ("… Language Models paper
code").  The paper's identifier and code link are still taken from them."""

from __future__ import annotations

import pytest

from bibkit.sources import read_text

LIST = """\
# Awesome Tables

## Papers

- Tables by Machine: Synergizing Engines and Compilers [paper](https://arxiv.org/abs/2210.99999) [code](https://github.com/hopper/tables) ![](https://img.shields.io/badge/ICLR-2023-blue)
- Compilers that Learn from Their Users [PDF](https://arxiv.org/pdf/2301.99999) [Code:](https://github.com/lovelace/compilers)
- Engines Are Few-Shot Tabulators [[paper](https://arxiv.org/abs/2305.99999)] [[code](https://github.com/turing/engines)]
"""


@pytest.mark.parametrize(("index", "title", "arxiv", "code"), [
    (0, "Tables by Machine: Synergizing Engines and Compilers", "2210.99999", "hopper/tables"),
    (1, "Compilers that Learn from Their Users", "2301.99999", "lovelace/compilers"),
    (2, "Engines Are Few-Shot Tabulators", "2305.99999", "turing/engines"),
])
def test_label_links_are_no_part_of_the_title(index: int, title: str, arxiv: str, code: str) -> None:
    entries = read_text(LIST, "awesome.md").entries
    assert len(entries) == 3
    e = entries[index]
    assert (e.title, e.ids.arxiv) == (title, arxiv)
    assert any(code in link.url for link in e.links)
