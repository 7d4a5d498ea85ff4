"""An identifier list copied out of prose or chat: each identifier may sit inside the brackets or quotes the
sentence put around it (``(https://arxiv.org/abs/…)``, ``"10.1038/…",``, ``[arXiv:…].``, typographic quotes).
Before, a trailing ``)`` or ``.`` was dropped but a leading bracket or quote was not, and the line was a warning
"not an arXiv id, DOI or Hugging Face paper URL" — a lost paper.  A DOI's own brackets (SICI) stay.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bibkit.cli import main
from bibkit.errors import ExitCode
from bibkit.sources import read_text
from bibkit.sources.identifiers import parse_identifier


@pytest.mark.parametrize(("token", "kind", "value"), [
    ("(https://arxiv.org/abs/2005.14165)", "arxiv", "2005.14165"),
    ("(https://arxiv.org/abs/2005.14165).", "arxiv", "2005.14165"),
    ('"10.1038/nature14539",', "doi", "10.1038/nature14539"),
    ("[arXiv:1706.03762].", "arxiv", "1706.03762"),
    ("“https://doi.org/10.1145/3065386”", "doi", "10.1145/3065386"),
    ("'2301.00001'", "arxiv", "2301.00001"),
    ("<https://doi.org/10.48550/arXiv.2302.13971>", "arxiv", "2302.13971"),
    ("(10.1002/(SICI)1097-4636(199901)44:1<1::AID-JBM1>3.0.CO;2-5).", "doi",
     "10.1002/(SICI)1097-4636(199901)44:1<1::AID-JBM1>3.0.CO;2-5"),
])
def test_an_identifier_in_brackets_or_quotes_is_the_identifier_inside(token: str, kind: str, value: str) -> None:
    ident = parse_identifier(token)
    assert ident is not None and (ident.kind, ident.value) == (kind, value)


def test_a_list_of_wrapped_identifiers_loses_no_paper(tmp_path: Path) -> None:
    text = "(https://arxiv.org/abs/2005.14165)\n\"10.1038/nature14539\",\n[arXiv:1706.03762].\n"
    doc = read_text(text, "ids.txt")
    assert doc.metadata["format"] == "ids"
    assert [(e.ids.arxiv, e.ids.doi) for e in doc.entries] == [
        ("2005.14165", None), (None, "10.1038/nature14539"),
        ("1706.03762", None)]
    assert not [p for p in doc.problems if p.severity in ("warning", "error")]
    src = tmp_path / "ids.txt"
    src.write_text(text, encoding="utf-8")
    assert main(["convert", str(src), "-o", str(tmp_path / "refs.bib"), "-q", "--strict"]) == ExitCode.OK
