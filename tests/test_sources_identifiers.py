"""Identifier lists (bibkit.sources.identifiers): one entry per arXiv id, DOI or HF paper URL."""

from __future__ import annotations

import json

import pytest

from bibkit.errors import InputError
from bibkit.sources import read_text
from bibkit.sources.identifiers import looks_like_ids, parse_identifier, read

LIST = """\
# my reading list (comments and blank lines are ignored)

2401.06066
- 2401.06066v2
* arXiv:hep-th/9901001
1. https://arxiv.org/abs/2310.12345v3, https://arxiv.org/pdf/2311.00001.pdf
2) doi:10.1145/3292500.3330919
https://doi.org/10.1002/(SICI)1097-4571(199806)49:8<693::AID-ASI4>3.0.CO;2-0
https://huggingface.co/papers/2401.06066  # DeepSeekMoE
arXiv: 2402.00001 ; 2402.00002
• math.CA/0611800v2
[7] DOI 10.1000/xyz123
http://export.arxiv.org/abs/0704.0001
"""


def test_every_identifier_becomes_an_entry_in_order() -> None:
    doc = read(LIST, "list.txt")
    rows = [(e.origin.line, e.entry_type, e.ids.arxiv, e.ids.arxiv_version, e.ids.doi, e.ids.hf_paper) for e in doc]
    assert rows == [
        (3, "preprint", "2401.06066", None, None, None),
        (4, "preprint", "2401.06066", 2, None, None),  # duplicates stay separate: merging comes later
        (5, "preprint", "hep-th/9901001", None, None, None),
        (6, "preprint", "2310.12345", 3, None, None),
        (6, "preprint", "2311.00001", None, None, None),
        (7, "misc", None, None, "10.1145/3292500.3330919", None),
        (8, "misc", None, None, "10.1002/(SICI)1097-4571(199806)49:8<693::AID-ASI4>3.0.CO;2-0", None),
        (9, "preprint", "2401.06066", None, None, "2401.06066"),
        (10, "preprint", "2402.00001", None, None, None),
        (10, "preprint", "2402.00002", None, None, None),
        (11, "preprint", "math/0611800", 2, None, None),
        (12, "misc", None, None, "10.1000/xyz123", None),
        (13, "preprint", "0704.0001", None, None, None),
    ]
    assert doc.problems == []
    assert doc.metadata["format"] == "ids"


def test_fields_and_provenance() -> None:
    doc = read("2401.06066v2\nhttps://doi.org/10.1038/NATURE14539.\n", "ids.txt")
    arxiv, doi = doc.entries
    assert arxiv.title is None and arxiv.url is None
    assert arxiv.provenance["ids.arxiv"].source == "ids"
    assert arxiv.provenance["ids.arxiv_version"].source == "ids"
    assert arxiv.provenance["entry_type"].source == "ids"
    assert arxiv.meta["ids_input"] == "2401.06066v2"
    assert str(arxiv.origin) == "ids.txt:1"
    assert doi.ids.doi == "10.1038/NATURE14539"  # case kept as written
    assert doi.url == "https://doi.org/10.1038/NATURE14539"
    assert doi.provenance["url"].source == "ids" and doi.provenance["ids.doi"].source == "ids"


def test_doi_url_escapes_what_a_url_cannot_hold() -> None:
    doc = read("10.1002/(SICI)1097-4571(199806)49:8<693::AID-ASI4>3.0.CO;2-0\n", "x")
    assert doc.entries[0].url == "https://doi.org/10.1002/(SICI)1097-4571(199806)49:8%3C693::AID-ASI4%3E3.0.CO;2-0"


def test_unrecognised_line_is_a_problem_with_its_location() -> None:
    doc = read("2401.06066\nAttention is all you need\n1234.1234\n", "ids.txt")
    assert [e.ids.arxiv for e in doc] == ["2401.06066"]
    assert [(p.code, str(p.location)) for p in doc.problems] == [
        ("unrecognised-identifier", "ids.txt:2"),
        ("unrecognised-identifier", "ids.txt:3"),
    ]
    assert "Attention is all you need" in doc.problems[0].message


def test_strict_turns_the_first_bad_line_into_an_error() -> None:
    with pytest.raises(InputError, match=r"ids\.txt:2: .*'not-an-id'"):
        read("2401.06066\nnot-an-id\n", "ids.txt", strict=True)


def test_crlf_and_nbsp_and_empty() -> None:
    doc = read("2401.06066\r\n\r\n\u00a0doi:10.1000/x\r\n", "w.txt")
    assert [(e.origin.line, e.ids.arxiv or e.ids.doi) for e in doc] == [(1, "2401.06066"), (3, "10.1000/x")]
    empty = read("# nothing here\n\n", "e.txt")
    assert len(empty) == 0 and [p.code for p in empty.problems] == ["ids-empty"]


@pytest.mark.parametrize(
    "token, expected",
    [
        ("https://huggingface.co/papers/2401.06066v3", ("hf", "2401.06066", 3)),
        ("hf.co/papers/2401.06066", ("hf", "2401.06066", None)),
        ("arXiv:2401.06066,", ("arxiv", "2401.06066", None)),
        ("10.48550/arXiv.2401.06066", ("arxiv", "2401.06066", None)),
        ("DOI:10.1000/ABC", ("doi", "10.1000/ABC", None)),
        ("https://github.com/x/y", None),
        ("https://huggingface.co/papers/not-an-id", None),
    ],
)
def test_parse_identifier(token: str, expected: tuple | None) -> None:
    got = parse_identifier(token)
    assert (tuple(got) if got else None) == expected


def test_looks_like_ids() -> None:
    assert looks_like_ids("2401.06066\n\nhttps://doi.org/10.1000/x\n")
    assert looks_like_ids("2401.06066\n2402.00001\n2403.00001\ntypo\n")  # mostly ids: the reader reports the typo
    assert not looks_like_ids("2401.06066\nAttention is all you need\n")
    assert not looks_like_ids("Specialist or Generalist? Instruction Tuning\n\nThe potential of large language models.\n")
    assert not looks_like_ids("")


def test_read_text_detects_identifier_lists() -> None:
    doc = read_text("- 2401.06066\n- hep-th/9901001\n", "list.md")
    assert doc.metadata["format"] == "ids" and len(doc) == 2


IDS_WITH_CHATTER = """# MoE reading list
2401.06066
todo: read these two first
2401.04088  <- start here
---
Papers:
arXiv:
Attention is all you need
2401.0408
"""


def test_chatter_in_an_id_list_is_skipped_with_its_reason_not_a_warning() -> None:
    # like every reader of pasted text: comments, notes and separators are skipped lines (counted in the
    # summary, listed in --report); a title or a broken identifier may be a lost paper, and warns
    doc = read(IDS_WITH_CHATTER, "ids.txt")
    assert [e.ids.arxiv for e in doc] == ["2401.06066", "2401.04088"]
    assert [(s.location.line, s.text, str(s.reason)) for s in doc.skipped] == [
        (1, "# MoE reading list", "a comment"),
        (3, "todo: read these two first", "a note to self"),
        (5, "---", "no words (a separator, a number or symbols)"),
        (6, "Papers:", "page navigation or a section name"),
        (7, "arXiv:", "a label without an identifier"),
    ]
    assert [(p.code, p.location.line) for p in doc.problems] == [("unrecognised-identifier", 8),
                                                                 ("unrecognised-identifier", 9)]
    with pytest.raises(InputError, match=r"ids\.txt:8: .*'Attention is all you need'"):
        read(IDS_WITH_CHATTER, "ids.txt", strict=True)  # chatter is no error even with --strict; a title is


def test_an_id_list_with_chatter_reports_its_skipped_lines(tmp_path, capsys) -> None:
    from bibkit.cli import main

    src = tmp_path / "ids.txt"
    src.write_text("2401.06066\n2401.04088\n2310.15326\ntodo: read these two first\n---\n")
    report = tmp_path / "run.json"
    assert main(["convert", str(src), "-o", str(tmp_path / "out.bib"), "--report", str(report)]) == 0
    data = json.loads(report.read_text())
    assert data["totals"]["skipped_lines"] == 2 and data["totals"]["problems"] == 0
    assert [(s["line"], s["reason"]) for s in data["skipped_lines"]] == [
        (4, "a note to self"), (5, "no words (a separator, a number or symbols)")]
    assert "lines skipped" in capsys.readouterr().err
