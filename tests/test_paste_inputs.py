"""Inputs that are no list of papers are refused (exit 3, nothing written); no input can crash or stall a reader.

What people pass by mistake (a rules file, a script, a binary, an image, a PDF, a .bib with
no entries) must not become entries; a comment-only .bib is still a .bib.  Hostile or broken
text (an endless line, a binary forced through a reader, JSON nested 100,000 deep, NUL bytes,
UTF-16 without a byte order mark) gives a reported problem, never a traceback.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from bibkit.cli import main
from bibkit.errors import ExitCode, InputError
from bibkit.sources import ALL_FORMATS, read_path, read_text
from bibkit.sources.listing import read as read_listing

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "hf-trending-papers.txt"
REFUSED = "this doesn't look like a list of papers ("

ELF = b"\x7fELF\x02\x01\x01\x00" + bytes(range(256)) * 40 + b"\x00usage: ls [OPTION]... [FILE]...\n" * 50
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00" + bytes(200)
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(300)
PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n"
ZIP = b"PK\x03\x04\x14\x00\x00\x00\x08\x00" + bytes(100)
PYTHON = """import os
from pathlib import Path


def main(argv):
    for name in argv:
        path = Path(name)
        if not path.exists():
            return 1
    return 0


class Reader:
    def __init__(self):
        self.count = 0
"""
HTML = """<!DOCTYPE html>
<html lang="en">
<head><title>Papers</title></head>
<body>
<div class="paper"><a href="https://arxiv.org/abs/2401.04088">Mixtral of Experts</a></div>
</body>
</html>
"""
BIB_PROSE = "These are the references I still have to add.\nAsk Anna for the MoE ones.\n"
#: a tool's JSON configuration (it names a paper, but is no list of papers)
CONFIG_JSON = b"""{
  "model": "Qwen2.5-7B",
  "paper": "https://arxiv.org/abs/2412.09637",
  "learning_rate": 0.0001,
  "layers": [1, 2, 3]
}
"""


@pytest.mark.parametrize("name, data, why", [
    ("rules.toml", (ROOT / "examples" / "tags.toml").read_bytes(), "a TOML configuration file"),
    ("tool.py", PYTHON.encode(), "source code"),
    ("ls", ELF, "an ELF executable"),
    ("figure.png", PNG, "a PNG image"),
    ("photo.jpg", JPEG, "a JPEG image"),
    ("archive.zip", ZIP, "a ZIP archive"),
    ("page.html", HTML.encode(), "HTML or XML source"),
    ("refs.bib", BIB_PROSE.encode(), "a .bib file with no entries"),
    ("notes.txt", b"remember to buy milk\nand eggs\n", "no paper title, reference, link or identifier"),
    ("config.json", CONFIG_JSON, "JSON data with no Hugging Face paper object in it"),
    ("settings.txt", CONFIG_JSON, "JSON data that is not Hugging Face papers JSON"),
    ("results.json", b'[{"name": "run-1", "score": 0.71}, {"name": "run-2", "score": 0.74}]', "JSON data with no"),
])
@pytest.mark.parametrize("command", ["convert", "build"])
def test_not_a_list_of_papers_is_refused_before_anything_is_written(command, name, data, why, tmp_path, capsys):
    src = tmp_path / name
    src.write_bytes(data)
    out = tmp_path / "out.bib"
    argv = [command, str(src), "-o", str(out)] + (["--no-enrich"] if command == "build" else [])
    assert main(argv) == ExitCode.INPUT
    assert not out.exists()
    err = capsys.readouterr().err
    assert f"{src}: {REFUSED}{why}" in err and "use --from FORMAT to force a reader" in err
    assert "Traceback" not in err


def test_forcing_a_reader_reads_a_refused_input_without_crashing(tmp_path, capsys):
    src = tmp_path / "ls"
    src.write_bytes(ELF)
    out = tmp_path / "out.bib"
    assert main(["convert", str(src), "--from", "listing", "-o", str(out), "-q"]) == ExitCode.OK
    assert "\x00" not in out.read_text(encoding="utf-8")
    assert main(["convert", str(src), "--from", "references", "-o", str(out), "-q"]) == ExitCode.OK
    assert "Traceback" not in capsys.readouterr().err


def test_a_comment_only_bib_stays_a_bib_and_round_trips(tmp_path):
    text = "% TODO: add references here\n"
    src = tmp_path / "refs.bib"
    src.write_text(text, encoding="utf-8")
    doc = read_path(str(src))
    assert doc.metadata["format"] == "bib" and len(doc) == 0
    out = tmp_path / "out.bib"
    assert main(["convert", str(src), "-o", str(out), "-q"]) == ExitCode.OK
    assert out.read_text(encoding="utf-8") == text
    again = tmp_path / "again.bib"
    assert main(["convert", str(out), "-o", str(again), "-q"]) == ExitCode.OK
    assert again.read_text(encoding="utf-8") == text  # a fixpoint: never "@misc{TODOAddReferences}"
    comment_block = tmp_path / "c.bib"
    comment_block.write_text("@comment{jabref-meta: databaseType:bibtex;}\n\n% nothing yet\n", encoding="utf-8")
    assert read_path(str(comment_block)).metadata["format"] == "bib"


def test_json_that_may_hold_papers_is_not_refused(tmp_path) -> None:
    # an empty papers list (a day with no papers) and a JSON array of links are still lists of papers
    empty = tmp_path / "daily.json"
    empty.write_text("[]\n", encoding="utf-8")
    assert len(read_path(str(empty))) == 0
    links = tmp_path / "links.txt"
    links.write_text('["https://arxiv.org/abs/2412.09637", "https://arxiv.org/abs/2402.03660"]\n', encoding="utf-8")
    assert [e.ids.arxiv for e in read_path(str(links)).entries] == ["2412.09637", "2402.03660"]


def test_empty_input_is_not_refused() -> None:
    doc = read_text("\n\n", "empty.txt")
    assert len(doc) == 0 and [p.code for p in doc.problems] == ["listing-empty"]


def test_every_reader_can_be_forced_on_any_text() -> None:
    text = EXAMPLE.read_text(encoding="utf-8")
    for fmt in ALL_FORMATS:
        if fmt in ("bib", "hf-json", "csl-json"):  # (JSON readers refuse text that is no JSON: an InputError)
            continue
        doc = read_text(text, "example.txt", fmt=fmt)
        assert doc.metadata["format"] == fmt
    assert len(read_text(text, "example.txt", fmt="titles")) == 86


# --------------------------------------------------------------------------- no crash, no stall


def test_a_line_longer_than_any_paragraph_is_text_not_an_assertion() -> None:
    for text in ("Title\n\n" + "word " * 1000, "A Title Here\n\n" + "x" * 10_000, "y" * 50_000):
        doc = read_listing(text, "long.txt")
        assert all(len(e.title or "") < 60_000 for e in doc)
        doc = read_text(text, "long.txt", fmt="listing")
        assert doc is not None


def test_a_long_abstract_line_is_read_in_one_pass() -> None:
    """1.5 MB on one line (the abstract rescanned for every full stop took minutes): read, and the
    paragraph is reported as too long to be an abstract."""
    line = "This is a sentence, e.g. Fig. 3 shows it. " * 36_000
    doc = read_listing("A Title Here\n\n" + line, "big.txt")
    assert [e.title for e in doc] == ["A Title Here"]
    assert any(p.code == "listing-unplaced-text" for p in doc.problems)


def test_json_nested_100000_deep_is_a_reported_input_error(tmp_path, capsys):
    deep = "[" * 100_000 + "]" * 100_000
    for name in ("deep.json", "deep.txt"):
        src = tmp_path / name
        src.write_text(deep, encoding="utf-8")
        with pytest.raises(InputError, match="nested too deeply") if name.endswith(".json") else _no_error():
            read_path(str(src))
        code = main(["convert", str(src), "-o", str(tmp_path / "o.bib")])
        assert code == ExitCode.INPUT
    src = tmp_path / "deep.txt"
    assert main(["convert", str(src), "--from", "hf-json", "-o", str(tmp_path / "o.bib")]) == ExitCode.INPUT
    err = capsys.readouterr().err
    assert "Traceback" not in err and "RecursionError" not in err


class _no_error:
    def __enter__(self):
        return self

    def __exit__(self, kind, value, tb):
        return kind is InputError  # refused as no list of papers: fine, as long as nothing else is raised


def test_nul_bytes_are_removed_and_reported(tmp_path):
    src = tmp_path / "nul.txt"
    src.write_bytes(EXAMPLE.read_bytes().replace(b"Mixture of Experts", b"Mixture of\x00 Experts", 1))
    doc = read_path(str(src))
    assert len(doc) == 86
    assert any(p.code == "nul-bytes" for p in doc.problems)
    out = tmp_path / "out.bib"
    assert main(["convert", str(src), "-o", str(out), "-q"]) == ExitCode.OK
    assert "\x00" not in out.read_text(encoding="utf-8")


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_without_a_byte_order_mark_is_read_as_utf16(codec, tmp_path):
    src = tmp_path / "paste.txt"
    src.write_bytes(EXAMPLE.read_text(encoding="utf-8").encode(codec))
    doc = read_path(str(src))
    assert len(doc) == 86
    assert not any(p.code == "not-utf8" for p in doc.problems)
    ids = tmp_path / "ids.txt"
    ids.write_bytes("2401.04088\nhttps://arxiv.org/abs/2310.15326\n".encode(codec))
    assert [e.ids.arxiv for e in read_path(str(ids))] == ["2401.04088", "2310.15326"]


def test_entity_names_in_titles_are_decoded_or_reported():
    doc = read_text("- **Tools &amp; Resources for &xxe; Models** [[paper](https://arxiv.org/abs/2307.05299)]\n"
                    "- **Model Cards &#8212; A Review of Tools** [[paper](https://arxiv.org/abs/2401.04088)]\n", "list.md")
    first, second = doc.entries
    assert first.title == "Tools & Resources for &xxe; Models"
    assert [p.code for p in first.problems] == ["unknown-entity"] and "&xxe;" in first.problems[0].message
    assert second.title == "Model Cards — A Review of Tools" and not second.problems
    feed = read_text("Cheatsheet: A Review of Tools &amp; Resources\n\n" + "We draw on a large body of work. " * 10 + "\n",
                     "feed.txt")
    assert feed.entries[0].title == "Cheatsheet: A Review of Tools & Resources"


def test_a_date_range_keeps_its_end():
    doc = read_text("[1] J. Doe and A. Roe, “A study of annual things,” Annual Review of Things, vol. 3, 2020–2021.\n"
                    "[2] A. Roe, “Another study of things,” in Proc. ACL, 2019.\n", "refs.txt")
    first = doc.entries[0]
    assert first.year == 2020 and first.meta["listing_date_end"] == "2021"
    assert [p.code for p in first.problems] == ["date-range"]


def test_report_lists_skipped_lines_with_line_numbers_and_why(tmp_path):
    src = tmp_path / "notes.txt"
    src.write_text("todo: read these\nhttps://arxiv.org/abs/2401.04088  <- start here\nStar us on GitHub!\n"
                   "\"Attention Is All You Need\" (Vaswani et al. 2017)\n", encoding="utf-8")
    report = tmp_path / "r.json"
    assert main(["convert", str(src), "-o", str(tmp_path / "o.bib"), "--report", str(report), "-q"]) == ExitCode.OK
    data = json.loads(report.read_text(encoding="utf-8"))
    assert data["totals"]["skipped_lines"] == 2
    assert [(s["line"], s["reason"]) for s in data["skipped_lines"]] == [
        (1, "a note to self"), (3, "a call to action or site furniture")]
    assert [e["reader"]["name"] for e in data["entries"]] == ["notes", "notes"]
    assert all(0 < e["reader"]["confidence"] <= 1 for e in data["entries"])


def test_summary_says_how_many_lines_were_skipped(tmp_path, capsys):
    src = tmp_path / "notes.txt"
    shutil.copy(EXAMPLE, src)
    assert main(["convert", str(src), "-o", str(tmp_path / "o.bib")]) == ExitCode.OK
    err = capsys.readouterr().err
    assert "lines skipped" in err and "see --report" in err
