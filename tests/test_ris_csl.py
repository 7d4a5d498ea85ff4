"""RIS and CSL-JSON inputs: what publishers' "Download citation", Zotero, Mendeley, Scopus and pandoc
hand people, read into the same entries a ``.bib`` gives — and bibkit's own CSL-JSON read back.

The RIS files under ``tests/data/ris`` are written the way each exporter writes them (IEEE Xplore's
natural-order names and empty tags, Springer's ``BT``/``ED`` and DOI in ``ID``, Zotero's arXiv items
as journal articles, Mendeley's citation key in ``ID``, Scopus's ``He K.`` names and export notes).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bibkit.cli import main
from bibkit.sources import detect, read_path, read_text

DATA = Path(__file__).parent / "data"
RIS = DATA / "ris"


def _one(name: str):
    doc = read_path(str(RIS / name))
    assert doc.metadata["format"] == "ris"
    return doc.entries


def test_ieee_xplore_conference_paper() -> None:
    (e,) = _one("ieee-xplore.ris")
    assert e.entry_type == "inproceedings"
    assert e.title == "Deep Residual Learning for Image Recognition"
    assert [p.family for p in e.authors] == ["He", "Zhang", "Ren", "Sun"] and e.authors[0].given == "K."
    assert e.booktitle == "2016 IEEE Conference on Computer Vision and Pattern Recognition (CVPR)"
    assert (e.year, e.pages, e.ids.doi) == (2016, "770–778", "10.1109/CVPR.2016.90") or \
        (e.year, e.pages, e.ids.doi) == (2016, "770--778", "10.1109/CVPR.2016.90")
    assert e.volume is None and e.number is None  # (IEEE's empty "VL  - " and "IS  - ")
    assert e.abstract and e.abstract.endswith("than those used previously.")  # (a continued line joined)
    assert e.tags == ["Training", "Degradation", "Complexity theory"]
    assert not e.key_pinned


def test_springer_chapter_with_editors_book_and_publisher() -> None:
    (e,) = _one("springer-chapter.ris")
    assert e.entry_type == "incollection"
    assert e.booktitle == "Computer Vision – ECCV 2020"
    assert [p.family for p in e.editors] == ["Vedaldi", "Bischof"]
    assert (e.publisher, e.extra.get("address"), e.ids.isbn) == ("Springer International Publishing", "Cham",
                                                                 "978-3-030-58452-8")
    assert e.ids.doi == "10.1007/978-3-030-58452-8_13"
    assert not e.key_pinned  # (Springer's ID is the DOI: no citation key)


def test_zotero_arxiv_item_thesis_and_organisation() -> None:
    preprint, thesis, report = _one("zotero-mixed.ris")
    assert preprint.entry_type in ("misc", "preprint") and preprint.journal is None
    assert preprint.ids.arxiv == "1706.03762"
    assert preprint.date is not None and (preprint.date.year, preprint.date.month, preprint.date.day) == (2017, 6, 12)
    assert preprint.extra.get("urldate") == "2023-01-05"
    assert thesis.entry_type == "mastersthesis" and thesis.extra.get("school") == "Universität Heidelberg"
    assert thesis.title == "Neural Networks for Müller's 50% Problem & Other Stories"
    assert (thesis.authors[0].family, thesis.authors[0].suffix, thesis.authors[0].given) == ("Müller", "Jr.", "Jürgen")
    assert report.entry_type == "techreport" and report.authors[0].family == "OpenAI"


def test_mendeley_key_is_kept_and_scopus_names_are_family_first() -> None:
    (bert,) = _one("mendeley.ris")
    assert (bert.key, bert.key_pinned) == ("Devlin2019", True)
    assert bert.pages in ("4171–4186", "4171--4186")
    (scopus,) = _one("scopus.ris")
    assert scopus.entry_type == "inproceedings"  # (JOUR with M3 "Conference Paper")
    assert [(p.family, p.given) for p in scopus.authors] == [("He", "K."), ("Zhang", "X."), ("Berg", "J.-P.")]
    assert scopus.authors[2].particle == "Van der"  # (BibTeX's reading of "Van der Berg, J.-P.")
    assert "Cited By" not in (scopus.extra.get("annote") or "")


@pytest.mark.parametrize("name", sorted(p.name for p in RIS.glob("*.ris")))
def test_every_ris_file_is_detected_and_builds_a_bib_bibtex_reads(name: str, tmp_path: Path) -> None:
    assert detect((RIS / name).read_text(encoding="utf-8"), name) == "ris"
    out = tmp_path / "refs.bib"
    assert main(["-q", "convert", str(RIS / name), "-o", str(out)]) == 0
    assert read_path(str(out)).entries and "\\textbraceleft" not in out.read_text(encoding="utf-8")


def test_ris_variants_a_cut_file_one_space_tags_and_empty_records(tmp_path: Path, capsys) -> None:
    cut = tmp_path / "cut.ris"
    cut.write_text("TY  - JOUR\nTI  - Broken record without end\nAU  - Doe, Jane\nPY  - 2020\n", encoding="utf-8")
    (e,) = read_path(str(cut)).entries
    assert (e.title, e.year, e.authors[0].family) == ("Broken record without end", 2020, "Doe")
    one = read_text("TY - JOUR\nTI - One space exporter\nAU - He K.\nPY - 2021\nER - \n", "x.txt")
    assert one.entries[0].title == "One space exporter" and one.entries[0].authors[0].given == "K."
    empty = tmp_path / "empty.ris"
    empty.write_text("TY  - JOUR\nER  - \n", encoding="utf-8")
    assert main(["-q", "convert", str(empty), "-o", str(tmp_path / "o.bib")]) == 3
    assert "empty.ris" in capsys.readouterr().err


def test_ris_life_cycle_hand_edit_and_rebuild_keep_keys_and_edit(tmp_path: Path) -> None:
    out = tmp_path / "refs.bib"
    src = RIS / "zotero-mixed.ris"
    assert main(["-q", "convert", str(src), "-o", str(out)]) == 0
    first = out.read_text(encoding="utf-8")
    keys = [line.split("{", 1)[1].rstrip(",") for line in first.splitlines() if line.startswith("@")]
    out.write_text(first.replace("title = {{GPT-4} Technical Report}", "title = {{GPT-4} Technical Report (v3)}"),
                   encoding="utf-8")
    assert main(["-q", "convert", str(src), "-o", str(out)]) == 0
    second = out.read_text(encoding="utf-8")
    assert "Technical Report (v3)" in second
    assert [line.split("{", 1)[1].rstrip(",") for line in second.splitlines() if line.startswith("@")] == keys


# --------------------------------------------------------------------------- CSL-JSON


def test_zoteros_own_csl_json_import_case() -> None:
    case = json.loads((DATA / "csljson" / "zotero-csl-json-import.json").read_text(encoding="utf-8"))[0]
    doc = read_text(case["input"], "zotero.json")
    assert doc.metadata["format"] == "csl-json"
    (e,) = doc.entries
    want = case["items"][0]
    assert e.entry_type == "book" and e.title == want["title"]
    assert (e.authors[0].family, e.authors[0].given) == ("Bachar", "Mostafa")
    assert e.date is not None and (e.date.year, e.date.month, e.date.day) == (2013, 1, 1)
    assert (e.publisher, e.extra.get("address"), e.volume) == ("Springer", "Heidelberg", "2058")
    assert e.extra.get("series") == "Lecture notes in mathematics" and e.ids.isbn == "978-3-642-32156-6"
    assert not e.key_pinned  # (its id is Zotero's item URI, no citation key)


def test_csl_names_dates_notes_and_keys() -> None:
    items = [
        {"id": "deepmind2024", "type": "report", "title": "Gemini: a family of <i>highly capable</i> models",
         "author": [{"literal": "Google DeepMind"}], "issued": {"raw": "2024-03"}, "publisher": "Google"},
        {"id": "http://zotero.org/users/1/items/ABCD", "type": "article", "title": "Sparse Mixtures",
         "author": [{"family": "Berg", "given": "Jan", "non-dropping-particle": "van der"},
                    {"family": "King", "given": "Martin", "suffix": "Jr."}],
         "issued": {"date-parts": [["2023", "6"]]}, "publisher": "arXiv", "number": "arXiv:2306.01234",
         "note": "GitHub: someone/sparse-mix\nCitation Key: berg2023sparse\nread this twice"},
        {"type": "paper-conference", "title": "A conference paper", "container-title": "Proc. ICML",
         "page": "12-20", "issued": {"date-parts": [[2022]]}, "DOI": "10.5555/x_y"},
    ]
    doc = read_text(json.dumps(items), "items.json")
    assert doc.metadata["format"] == "csl-json"
    gem, sparse, conf = doc.entries
    assert gem.entry_type == "techreport" and gem.key == "deepmind2024" and gem.key_pinned
    assert gem.authors[0].literal == "Google DeepMind"
    assert gem.title == "Gemini: a family of highly capable models" and (gem.year, gem.date.month) == (2024, 3)
    assert sparse.ids.arxiv == "2306.01234" and sparse.key == "berg2023sparse"
    assert (sparse.authors[0].particle, sparse.authors[0].family) == ("van der", "Berg")
    assert (sparse.authors[1].family, sparse.authors[1].suffix) == ("King", "Jr.")
    assert sparse.code_repo is not None and sparse.code_repo.target == "someone/sparse-mix"
    assert sparse.note == "read this twice"
    assert conf.entry_type == "inproceedings" and conf.booktitle == "Proc. ICML"
    assert conf.pages in ("12–20", "12--20") and conf.ids.doi == "10.5555/x_y" and not conf.key_pinned


def test_bibkits_own_csl_json_reads_back_to_the_same_bibliography(tmp_path: Path) -> None:
    """bib → CSL-JSON → bib keeps keys, titles, names, dates, venues, identifiers and code links (offline)."""
    listing = Path(__file__).parent.parent / "examples" / "hf-trending-papers.txt"
    first, csl, back = tmp_path / "a.bib", tmp_path / "a.json", tmp_path / "b.bib"
    assert main(["-q", "convert", str(listing), "-o", str(first)]) == 0
    assert main(["-q", "convert", str(first), "--to", "csl-json", "-o", str(csl)]) == 0
    assert main(["-q", "convert", str(csl), "-o", str(back)]) == 0
    a = {e.key: e for e in read_path(str(first)).entries}
    b = {e.key: e for e in read_path(str(back)).entries}
    assert set(a) == set(b) and len(a) == 86
    for key, e in a.items():
        f = b[key]
        assert (f.title, f.entry_type, f.date, f.ids.arxiv, f.ids.doi) == (e.title, e.entry_type, e.date,
                                                                             e.ids.arxiv, e.ids.doi), key
        assert [p.last for p in f.authors] == [p.last for p in e.authors], key
        assert (f.code_repo.target if f.code_repo else None) == (e.code_repo.target if e.code_repo else None), key


def test_csl_json_is_told_from_hugging_face_json() -> None:
    hf = json.dumps([{"paper": {"id": "2401.04088", "title": "Mixtral of Experts", "summary": "x"}}])
    assert detect(hf, "daily.json") == "hf-json"
    csl = json.dumps([{"id": "k", "type": "article-journal", "title": "T"}])
    assert detect(csl, "items.json") == "csl-json"
    assert detect(json.dumps([{"id": "2401.04088", "title": "Mixtral of Experts"}]), "p.json") == "hf-json"


def test_csl_json_string_names_and_list_titles_are_read_not_dropped() -> None:
    item = {"id": "x1", "type": "article-journal", "title": ["A listed title"],
            "author": "Vaswani, Ashish and Shazeer, Noam", "keyword": ["a", "b"]}
    (e,) = read_text(json.dumps([item]), "items.json").entries
    assert e.title == "A listed title" and [p.family for p in e.authors] == ["Vaswani", "Shazeer"]
    assert e.tags == ["a", "b"]


def test_strict_stops_on_a_cut_ris_file(tmp_path: Path, capsys) -> None:
    cut = tmp_path / "cut.ris"
    cut.write_text("TY  - JOUR\nTI  - Broken record without end\nAU  - Doe, Jane\nPY  - 2020\n", encoding="utf-8")
    assert main(["-q", "convert", str(cut), "-o", str(tmp_path / "o.bib"), "--strict"]) == 3
    assert "cut.ris" in capsys.readouterr().err and not (tmp_path / "o.bib").exists()
    assert main(["-q", "convert", str(cut), "-o", str(tmp_path / "o.bib")]) == 0


def test_hand_edits_of_a_csl_json_output_are_kept_on_the_next_run(tmp_path: Path,
                                                                  capsys: pytest.CaptureFixture[str]) -> None:
    """The life cycle of a CSL-JSON output (pandoc users edit it as their .bib): what the user changed, added or
    deleted in it stays, run after run; what they did not touch is bibkit's and follows the input; an unedited
    output is rewritten byte for byte (no edit seen where there was none)."""
    src = tmp_path / "in.bib"
    src.write_text("@article{he2016,\n  title = {Deep Residual Learning for Image Recognition},\n"
                   "  author = {He, Kaiming and Zhang, Xiangyu},\n  year = 2016,\n  journal = {CVPR},\n}\n\n"
                   "@article{vaswani2017,\n  title = {Attention Is All You Need},\n  author = {Vaswani, Ashish},\n"
                   "  year = 2017,\n  journal = {NeurIPS},\n  doi = {10.5555/3295222.3295349},\n}\n", encoding="utf-8")
    out = tmp_path / "refs.json"
    args = ["-q", "convert", str(src), "--to", "csl-json", "-o", str(out)]
    assert main(args) == 0
    first = out.read_bytes()
    assert main(args) == 0 and out.read_bytes() == first  # nothing edited: nothing to keep
    items = json.loads(first)
    items[0]["title"] = "Deep Residual Learning (the CVPR version)"
    items[0]["note"] = "read twice"
    del items[1]["DOI"]
    out.write_text(json.dumps(items, indent=2), encoding="utf-8")
    src.write_text(src.read_text(encoding="utf-8").replace("year = 2017", "year = 2018"), encoding="utf-8")
    for _ in range(2):  # and again: edits stay the user's on every later run
        assert main(args[1:]) == 0
        again = {i["id"]: i for i in json.loads(out.read_text(encoding="utf-8"))}
        assert again["he2016"]["title"] == "Deep Residual Learning (the CVPR version)"
        assert again["he2016"]["note"] == "read twice"
        assert "DOI" not in again["vaswani2017"]
        assert again["vaswani2017"]["issued"] == {"date-parts": [[2018]]}  # untouched: the input's new value
        assert "kept your title" in capsys.readouterr().err


def test_web_pages_from_ris_and_csl_json_are_written_as_bibtex_by_default(tmp_path: Path) -> None:
    # RIS's ELEC and CSL's webpage are @online in the model (biblatex's type, CSL's webpage back); the default
    # output is BibTeX, as for any record bibkit read from another format: @misc, which plain BibTeX styles
    # compile without a warning ("entry type … isn't style-file defined")
    from texutil import compile_bibtex

    ris = tmp_path / "web.ris"
    ris.write_text("TY  - ELEC\nTI  - Daily Papers\nAU  - Face, Hugging\nUR  - https://huggingface.co/papers\n"
                   "Y2  - 2024/05/01\nPY  - 2024\nER  - \n", encoding="utf-8")
    csl = tmp_path / "web.json"
    csl.write_text(json.dumps([{"id": "hf2024", "type": "webpage", "title": "Daily Papers",
                                "URL": "https://huggingface.co/papers", "author": [{"literal": "Hugging Face"}],
                                "issued": {"date-parts": [[2024]]}, "accessed": {"date-parts": [[2024, 5, 1]]}}]),
                   encoding="utf-8")
    for src in (ris, csl):
        out = tmp_path / (src.stem + src.suffix.replace(".", "-") + ".bib")
        assert main(["-q", "convert", str(src), "-o", str(out)]) == 0
        text = out.read_text(encoding="utf-8")
        assert text.startswith("@misc{") and "url = {https://huggingface.co/papers}" in text
        res = compile_bibtex(text, tmp_path)
        assert res.errors == [] and res.unexpected_warnings() == []
        latex = tmp_path / (src.stem + "-biblatex.bib")
        assert main(["-q", "convert", str(src), "--to", "biblatex", "-o", str(latex)]) == 0
        assert latex.read_text(encoding="utf-8").startswith("@online{")
    back = tmp_path / "back.json"
    assert main(["-q", "convert", str(csl), "--to", "csl-json", "-o", str(back)]) == 0
    assert json.loads(back.read_text(encoding="utf-8"))[0]["type"] == "webpage"
