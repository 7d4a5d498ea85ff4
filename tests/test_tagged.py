"""EndNote/refer (``.enw``) and PubMed MEDLINE (``.nbib``) exports, read into the entries the same records
in a ``.bib`` would give.  The files under ``tests/data/tagged`` are written the way Google Scholar's
"EndNote" link, EndNote itself and PubMed's "Send to → Citation manager" write them."""

from __future__ import annotations

import subprocess
from pathlib import Path

from bibkit.cli import main
from bibkit.sources import detect, read_path, read_text

TAGGED = Path(__file__).parent / "data" / "tagged"


def test_google_scholar_endnote_export() -> None:
    doc = read_path(str(TAGGED / "scholar.enw"))
    assert doc.metadata["format"] == "enw"
    attention, resnet = doc.entries
    assert attention.entry_type == "article" and attention.journal == "Advances in neural information processing systems"
    assert [p.family for p in attention.authors] == ["Vaswani", "Shazeer", "Parmar"]
    assert (attention.year, attention.volume) == (2017, "30")
    assert resnet.entry_type == "inproceedings" and resnet.booktitle.startswith("Proceedings of the IEEE")
    assert resnet.pages in ("770–778", "770--778")


def test_endnote_book_section_and_thesis() -> None:
    chapter, thesis = read_path(str(TAGGED / "endnote.enw")).entries
    assert chapter.entry_type == "incollection" and chapter.booktitle == "Computer Vision – ECCV 2020"
    assert [p.family for p in chapter.editors] == ["Vedaldi", "Bischof"]
    assert chapter.extra.get("series") == "Lecture Notes in Computer Science"
    assert chapter.ids.doi == "10.1007/978-3-030-58452-8_13" and chapter.ids.isbn == "978-3-030-58452-8"
    assert chapter.abstract == "The abstract of the chapter, which goes on for two lines in the export."
    assert chapter.tags == ["object detection", "transformers"]
    assert (chapter.key, chapter.key_pinned) == ("carion2020end", True)
    assert thesis.entry_type == "mastersthesis" and thesis.extra.get("school") == "University of Somewhere"


def test_pubmed_medline_export() -> None:
    doc = read_path(str(TAGGED / "pubmed.nbib"))
    assert doc.metadata["format"] == "nbib"
    review, nature = doc.entries
    assert review.title == "Deep learning for healthcare: review, opportunities and challenges"
    assert [(p.family, p.given) for p in review.authors] == [("Miotto", "Riccardo"), ("Wang", "Fei"),
                                                             ("Dudley", "Joel T")]
    assert (review.journal, review.volume, review.number) == ("Briefings in bioinformatics", "19", "6")
    assert review.date is not None and (review.date.year, review.date.month, review.date.day) == (2018, 11, 27)
    assert review.ids.doi == "10.1093/bib/bbx044" and review.ids.pmid == "28481991"
    assert review.abstract and "heterogeneous biomedical data" in review.abstract  # (a continued line joined)
    assert nature.pages in ("115–118", "115--118")  # (MEDLINE's "115-8" written out)
    assert nature.authors[1].literal == "Stanford Skin Cancer Group"


def test_detection_leaves_tex_comments_and_pastes_alone() -> None:
    assert detect("% just a comment\n\\documentclass{article}\n", "a.tex") != "enw"
    assert detect("%A Vaswani, Ashish\n%T Attention is all you need\n%D 2017\n", "x.txt") == "enw"
    assert detect("PMID- 123\nTI  - A title\n", "x.txt") == "nbib"
    assert detect("100% of the papers below are good:\nAttention Is All You Need\n", "x.txt") == "listing"


def test_tagged_outputs_compile_and_a_rebuild_keeps_keys(tmp_path: Path) -> None:
    out = tmp_path / "refs.bib"
    assert main(["-q", "convert", str(TAGGED / "endnote.enw"), str(TAGGED / "pubmed.nbib"), "-o", str(out)]) == 0
    first = out.read_text(encoding="utf-8")
    keys = [line.split("{", 1)[1].rstrip(",") for line in first.splitlines() if line.startswith("@")]
    assert len(keys) == 4
    (tmp_path / "doc.aux").write_text("\\citation{*}\n\\bibstyle{plainnat}\n\\bibdata{refs}\n", encoding="utf-8")
    run = subprocess.run(["bibtex", "doc"], cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert run.returncode == 0 and "Warning" not in run.stdout, run.stdout
    assert main(["-q", "convert", str(TAGGED / "endnote.enw"), str(TAGGED / "pubmed.nbib"), "-o", str(out)]) == 0
    assert [line.split("{", 1)[1].rstrip(",") for line in out.read_text(encoding="utf-8").splitlines()
            if line.startswith("@")] == keys


def test_empty_records_are_refused_in_one_line(tmp_path: Path, capsys) -> None:
    bad = tmp_path / "bad.enw"
    bad.write_text("%0 Journal Article\n%V 3\n", encoding="utf-8")
    assert main(["-q", "convert", str(bad), "-o", str(tmp_path / "o.bib")]) == 3
    assert "bad.enw" in capsys.readouterr().err
    doc = read_text("%0 Journal Article\n%V 3\n\n%0 Book\n%T A Book\n", "two.enw")
    assert [e.title for e in doc.entries] == ["A Book"] and len(doc.skipped) == 1
