"""Input format detection and the reading entry points (bibkit.sources)."""

from __future__ import annotations

import io
import re
import sys
from pathlib import Path

import pytest

from bibkit.cli import main
from bibkit.errors import ExitCode, InputError
from bibkit.sources import FORMATS, decode_bytes, detect, read_path, read_text, reader_for

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
EXAMPLE = ROOT / "examples" / "hf-trending-papers.txt"

BIB = """% a comment before the entry
@Article{dai2024deepseekmoe,
  title = {{DeepSeekMoE}: Towards Ultimate Expert Specialization},
  author = {Dai, Damai and Deng, Chengqi},
  year = 2024,
}
"""


def test_formats() -> None:
    # (bbl: LaTeX bibliographies, ris, csl-json, enw and nbib: exports — added later)
    assert FORMATS == ("bib", "listing", "ids", "hf-json", "bbl", "ris", "csl-json", "enw", "nbib")


@pytest.mark.parametrize(
    "text, filename, expected",
    [
        (BIB, "refs.bib", "bib"),
        (BIB, "notes.txt", "bib"),  # content wins over the extension
        (BIB, None, "bib"),
        ("@string{acl = {ACL}}\n", None, "bib"),
        ("  @misc{key2024,\n  title={A}}\n", None, "bib"),
        ("", "empty.bib", "bib"),
        ("", "empty.json", "hf-json"),
        ("", None, "listing"),
        ("2401.06066\nhep-th/9901001\n", None, "ids"),
        ("- https://arxiv.org/abs/2401.06066\n# comment\n* doi:10.1000/x\n", "list.bib", "ids"),
        ("https://huggingface.co/papers/2401.06066\n", "papers.txt", "ids"),
        ('[{"paper": {"id": "2401.06066", "title": "x"}}]', None, "hf-json"),
        ('{"id": "2401.06066", "title": "x", "summary": "y"}', "paper.txt", "hf-json"),
        ('{"papers": [{"id": "2401.06066", "title": "x"}]}', None, "hf-json"),
        ("{not json", "x.json", "hf-json"),  # the JSON reader reports the syntax error
        ("Specialist or Generalist?\n\nThe potential of large language models.\n", "paste.bib", "listing"),
        ("Title\n\nAn abstract that mentions user@example.org and @article{ in prose.\n", None, "listing"),
        ("\ufeff2401.06066\n", None, "ids"),
    ],
)
def test_detect(text: str, filename: str | None, expected: str) -> None:
    assert detect(text, filename) == expected


def test_detect_the_example_and_the_fixtures() -> None:
    assert detect(EXAMPLE.read_text(encoding="utf-8"), str(EXAMPLE)) == "listing"
    for name in ("daily_papers.json", "paper.json", "search.json", "envelope.json", "papers.jsonl"):
        path = DATA / "hf" / name
        assert detect(path.read_text(encoding="utf-8"), str(path)) == "hf-json", name
    for path in sorted((DATA / "listings").glob("*.txt")):
        assert detect(path.read_bytes().decode("utf-8"), str(path)) == "listing", path.name


def test_read_text_dispatches_and_records_the_format() -> None:
    doc = read_text("2401.06066\n", "ids.txt")
    assert (doc.metadata["format"], doc.metadata["source"], doc.metadata["format_detected"]) == ("ids", "ids.txt", True)
    forced = read_text("2401.06066\n", "ids.txt", fmt="listing")
    assert forced.metadata["format"] == "listing" and "format_detected" not in forced.metadata


def test_read_text_bib_goes_to_the_bib_reader() -> None:
    doc = read_text(BIB, "refs.bib")
    assert doc.metadata["format"] == "bib"
    [entry] = doc.entries
    assert entry.key == "dai2024deepseekmoe"
    assert entry.origin is not None and entry.origin.file == "refs.bib"


def test_unknown_format_is_an_input_error() -> None:
    with pytest.raises(InputError, match="unknown input format 'csv'"):
        reader_for("csv")


def test_read_path_missing_file_names_the_path(tmp_path: Path) -> None:
    missing = tmp_path / "nope.txt"
    # #14: the path is named once ("nope.txt: no such file", not "nope.txt: no such file: nope.txt")
    with pytest.raises(InputError, match=f"^{re.escape(str(missing))}: no such file$") as info:
        read_path(str(missing))
    assert info.value.exit_code == ExitCode.INPUT
    with pytest.raises(InputError, match="is a directory"):
        read_path(str(tmp_path))


def test_read_path_decodes_bom_utf16_and_cp1252(tmp_path: Path) -> None:
    bom = tmp_path / "bom.txt"
    bom.write_bytes(b"\xef\xbb\xbf2401.06066\n")
    assert [e.ids.arxiv for e in read_path(str(bom))] == ["2401.06066"]
    utf16 = tmp_path / "u16.txt"
    utf16.write_bytes("2401.06066\n".encode("utf-16"))
    assert [e.ids.arxiv for e in read_path(str(utf16))] == ["2401.06066"]
    latin = tmp_path / "latin.bib"
    latin.write_bytes("@misc{k,\n  title = {Caf\xe9},\n}\n".encode("latin-1"))
    doc = read_path(str(latin))
    assert doc.entries[0].title == "Café"
    [problem] = [p for p in doc.problems if p.code == "not-utf8"]
    assert problem.location.line == 2 and "0xe9" in problem.message
    with pytest.raises(InputError, match="not valid UTF-8"):
        read_path(str(latin), strict=True)


def test_a_utf8_bom_before_a_windows_1252_body_is_dropped_and_the_bad_byte_named(tmp_path: Path) -> None:
    # an editor that adds a BOM to a file it then saves in Latin-1: the BOM is not text (no "ï»¿" in the output),
    # and the problem names the byte and line that are not UTF-8 (not a byte three places before it)
    latin = tmp_path / "bom-latin.bib"
    latin.write_bytes(b"\xef\xbb\xbf" + "@misc{k,\n  title = {Caf\xe9},\n}\n".encode("latin-1"))
    doc = read_path(str(latin))
    assert [e.title for e in doc.entries] == ["Café"]
    assert not any("\u00ef\u00bb\u00bf" in str(getattr(b, "text", "")) for b in doc.blocks)
    [problem] = [p for p in doc.problems if p.code == "not-utf8"]
    assert problem.location.line == 2 and "0xe9" in problem.message
    out = tmp_path / "out.bib"
    assert main(["-q", "convert", str(latin), "-o", str(out)]) == 0
    assert out.read_text(encoding="utf-8").startswith("@misc{k,") and "Café" in out.read_text(encoding="utf-8")


def test_decode_bytes_never_crashes() -> None:
    text, problems = decode_bytes(b"\x81\x8d\x90 undefined in cp1252", "x")
    assert text.endswith("undefined in cp1252") and problems[0].code == "not-utf8"


def test_read_path_stdin(monkeypatch: pytest.MonkeyPatch) -> None:
    fake = io.TextIOWrapper(io.BytesIO("hep-th/9901001\r\n".encode("utf-8")), encoding="utf-8")
    monkeypatch.setattr(sys, "stdin", fake)
    doc = read_path("-")
    assert doc.metadata["source"] == "<stdin>"
    assert [str(e.origin) for e in doc] == ["<stdin>:1"]


def test_read_path_example_gives_86() -> None:
    assert len(read_path(str(EXAMPLE))) == 86
