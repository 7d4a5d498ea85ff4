"""The LaTeX-bibliography, RIS and CSL-JSON readers on what real tools write beyond the first fixtures:
the harvard family of BibTeX styles (``\\harvarditem``), biber's verbatim fields, date ranges, thesis
kinds and entry sets, Web of Science's and ScienceDirect's RIS, Zotero's preprints in CSL-JSON.

The ``.bbl`` files are written here by the real ``bibtex`` and ``biber``; the ``.bib`` bibkit writes back
is compiled again by them.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from bibkit.cli import main
from bibkit.sources import detect, read_path, read_text

SOURCE = r"""
@article{he2016resnet,
  author = {Kaiming He and Xiangyu Zhang and Shaoqing Ren and Jian Sun},
  title = {Identity Mappings in Deep Residual Networks for Image Recognition},
  journal = {IEEE Transactions on Pattern Analysis and Machine Intelligence},
  volume = {38}, number = {4}, pages = {770--778}, year = {2016},
  url = {https://example.org/paper?id=1&x=50\%25},
}
@misc{kingma2014adam,
  author = {Diederik P. Kingma and Jimmy Ba},
  title = {Adam: A Method for Stochastic Optimization},
  year = {2014},
}
@book{knuth1984texbook,
  author = {Donald E. Knuth}, title = {The {\TeX}book},
  publisher = {Addison-Wesley}, address = {Reading, MA}, year = {1984},
}
@incollection{smith2010chapter,
  author = {Smith, Jr., John and Mar{\'\i}a Garc{\'\i}a-L{\'o}pez},
  title = {Statistics \& Probability for Machine Learning},
  booktitle = {Handbook of Learning Theory}, editor = {Anna Karenina and Boris Godunov},
  publisher = {Springer}, address = {Berlin}, pages = {45--67}, year = {2010},
}
"""
KEYS = {"he2016resnet", "kingma2014adam", "knuth1984texbook", "smith2010chapter"}


def _bibtex_bbl(tmp: Path, style: str) -> Path:
    (tmp / "refs.bib").write_text(SOURCE, encoding="utf-8")
    (tmp / "doc.aux").write_text(f"\\citation{{*}}\n\\bibstyle{{{style}}}\n\\bibdata{{refs}}\n", encoding="utf-8")
    subprocess.run(["bibtex", "doc"], cwd=tmp, capture_output=True, check=False, timeout=60)
    return tmp / "doc.bbl"


def _compiles_every_key(tmp: Path, bib: Path, keys: set[str]) -> str:
    """BibTeX's log for a paper citing ``keys`` from ``bib`` (asserting it found every one)."""
    cites = "".join(f"\\citation{{{k}}}\n" for k in sorted(keys))
    (tmp / "paper.aux").write_text(f"{cites}\\bibstyle{{plain}}\n\\bibdata{{{bib.stem}}}\n", encoding="utf-8")
    run = subprocess.run(["bibtex", "paper"], cwd=tmp, capture_output=True, text=True, timeout=60)
    assert "I didn't find a database entry" not in run.stdout, run.stdout
    return run.stdout


@pytest.mark.parametrize("style", ["agsm", "dcu", "kluwer", "apsr", "jmr", "aer", "econ"])
def test_harvard_styles_harvarditem_every_item_read_with_its_key(style: str, tmp_path: Path) -> None:
    bbl = _bibtex_bbl(tmp_path, style)
    text = bbl.read_text(encoding="utf-8")
    assert "\\harvarditem" in text and "\\bibitem" not in text
    assert detect(text, str(bbl)) == "bbl"
    doc = read_path(str(bbl))
    assert {e.key for e in doc.entries} == KEYS
    assert all(e.key_pinned for e in doc.entries)
    out = tmp_path / "back.bib"
    assert main(["convert", str(bbl), "-o", str(out)]) == 0
    log = _compiles_every_key(tmp_path, out, KEYS)
    assert "empty author" not in log and "empty year" not in log, log  # (the head's names and year fill them)


def test_harvard_item_is_read_as_its_reference(tmp_path: Path) -> None:
    doc = read_path(str(_bibtex_bbl(tmp_path, "apsr")))
    he = next(e for e in doc.entries if e.key == "he2016resnet")
    assert he.title == "Identity Mappings in Deep Residual Networks for Image Recognition"
    assert [p.family for p in he.authors] == ["He", "Zhang", "Ren", "Sun"]
    assert he.date is not None and he.date.year == 2016


def test_an_item_the_reference_reader_cannot_read_keeps_its_key_and_text(tmp_path: Path) -> None:
    # kluwer: "Kingma, D. P. and Ba, J.: 2014, Adam: …" — no title the reference reader finds; the paper cites it
    bbl = _bibtex_bbl(tmp_path, "kluwer")
    doc = read_path(str(bbl))
    kingma = next(e for e in doc.entries if e.key == "kingma2014adam")
    assert kingma.key_pinned and kingma.note and "Adam: A method for stochastic optimization" in kingma.note
    assert any(p.code == "bbl-item-unread" for p in kingma.problems)
    assert not doc.skipped


@pytest.mark.parametrize("style", ["plain", "abbrv", "alpha", "unsrt", "plainnat", "acm"])
def test_a_misc_with_only_a_year_keeps_the_year_out_of_its_title(style: str, tmp_path: Path) -> None:
    # plain: "Diederik P. Kingma and Jimmy Ba. \newblock Adam: A method for stochastic optimization, 2014."
    doc = read_path(str(_bibtex_bbl(tmp_path, style)))
    kingma = next(e for e in doc.entries if e.key == "kingma2014adam")
    assert kingma.title is not None and kingma.title.lower() == "adam: a method for stochastic optimization"
    assert kingma.date is not None and kingma.date.year == 2014


def test_acm_chapter_the_book_in_italics_is_not_taken_for_the_title(tmp_path: Path) -> None:
    # acm: "\newblock Statistics \& probability … \newblock In {\em Handbook of Learning Theory}, …"
    doc = read_path(str(_bibtex_bbl(tmp_path, "acm")))
    chapter = next(e for e in doc.entries if e.key == "smith2010chapter")
    assert chapter.title != "Handbook of Learning Theory"


BIBLATEX_SOURCE = r"""
@article{he2016resnet,
  author = {He, Kaiming and Sun, Jian},
  title = {Identity Mappings},
  journaltitle = {IEEE TPAMI},
  date = {2016-06/2016-07},
  url = {https://example.org/paper?id=1&x=50%25},
  doi = {10.1000/a%b},
}
@thesis{tour2019,
  author = {de la Tour, François}, title = {Learning with Noisy Labels},
  type = {phdthesis}, institution = {Université Paris-Saclay}, date = {2019},
}
@thesis{doe2018,
  author = {Doe, Jane}, title = {A Master Thesis}, type = {mathesis}, institution = {MIT}, date = {2018},
}
@report{openai2023, author = {{OpenAI}}, title = {{GPT-4} Technical Report}, type = {techreport},
  institution = {OpenAI}, date = {2023}, location = {San Francisco}}
@article{smith2011a, author = {Smith, John}, title = {First Work}, journaltitle = {J. Stuff}, date = {2011}}
@article{smith2011b, author = {Smith, Jane}, title = {Second Work}, journaltitle = {J. Stuff}, date = {2011}}
@set{setA, entryset = {smith2011a,smith2011b}}
@inproceedings{conf2020, author = {Doe, Jane}, title = {Conference Paper}, booktitle = {Proc. Conf.},
  eventtitle = {Conf 2020}, eventdate = {2020-07-12/2020-07-18}, date = {2020}}
"""


def _biber_bbl(tmp: Path) -> Path:
    (tmp / "refs.bib").write_text(BIBLATEX_SOURCE, encoding="utf-8")
    (tmp / "doc.tex").write_text("\\documentclass{article}\\usepackage[backend=biber,style=authoryear]{biblatex}"
                                 "\\addbibresource{refs.bib}\\begin{document}\\nocite{*}\\printbibliography"
                                 "\\end{document}", encoding="utf-8")
    subprocess.run(["pdflatex", "-interaction=batchmode", "doc"], cwd=tmp, capture_output=True, timeout=120)
    subprocess.run(["biber", "-q", "doc"], cwd=tmp, capture_output=True, timeout=120)
    bbl = tmp / "doc.bbl"
    assert "\\entry{setA}{set}" in bbl.read_text(encoding="utf-8")
    return bbl


def test_biber_bbl_verbatim_percent_date_range_thesis_kinds_and_sets(tmp_path: Path) -> None:
    bbl = _biber_bbl(tmp_path)
    doc = read_path(str(bbl))
    by_key = {e.key: e for e in doc.entries}
    assert set(by_key) == {"he2016resnet", "tour2019", "doe2018", "openai2023", "smith2011a", "smith2011b",
                           "conf2020"}
    assert [s.text for s in doc.skipped] == ["\\entry{setA}{set}"]  # (the set: its members are the entries)
    he = by_key["he2016resnet"]
    assert he.url == "https://example.org/paper?id=1&x=50%25"  # (a "%" in biber's \verb is no TeX comment)
    assert he.ids.doi == "10.1000/a%b"
    assert he.date is not None and (he.date.year, he.date.month) == (2016, 6)
    assert by_key["tour2019"].entry_type == "phdthesis" and by_key["doe2018"].entry_type == "mastersthesis"
    assert by_key["openai2023"].entry_type == "techreport"
    out = tmp_path / "back.bib"
    assert main(["convert", str(bbl), "-o", str(out)]) == 0
    text = out.read_text(encoding="utf-8")
    assert "endyear" not in text and "endmonth" not in text  # (biber's split of the range is put back together)
    assert "type = {phdthesis}" not in text and "type = {techreport}" not in text
    assert "school = {Université Paris-Saclay}" in text and "address = {San Francisco}" in text
    assert "x=50%25" in text
    log = _compiles_every_key(tmp_path, out, set(by_key))
    assert "Warning" not in log, log
    assert main(["convert", str(bbl), "-o", str(out), "--to", "biblatex"]) == 0
    text = out.read_text(encoding="utf-8")
    assert "eventdate = {2020-07-12/2020-07-18}" in text and "eventmonth" not in text
    assert "date = {2016-06/2016-07}" in text or "date = {2016-06}" in text


def test_biber_bbl_cut_short_is_read_and_said(tmp_path: Path) -> None:
    text = _biber_bbl(tmp_path).read_text(encoding="utf-8")
    cut = text[:text.index("\\field{title}{Identity") + len("\\field{title}{Ident")]
    doc = read_text(cut, "cut.bbl")
    assert any(p.code == "bbl-truncated" and "he2016resnet" in p.message for p in doc.problems)


WOS = """FN Clarivate Analytics Web of Science
VR 1.0
TY  - JOUR
AU  - He, KM
AU  - Sun, J
TI  - Deep Residual Learning for Image Recognition
T2  - 2016 IEEE CONFERENCE ON COMPUTER VISION AND PATTERN RECOGNITION (CVPR)
SP  - 770
EP  - 778
PY  - 2016
DA  - JUN
DO  - 10.1109/CVPR.2016.90
M3  - Proceedings Paper
ER  -

TY  - JOUR
AU  - LeCun, Y
TI  - Deep learning
T2  - NATURE
DA  - MAY 28
PY  - 2015
VL  - 521
DO  - 10.1038/nature14539
ER  -
"""


def test_web_of_science_initials_and_month_only_dates() -> None:
    doc = read_text(WOS, "savedrecs.ris")
    he, lecun = doc.entries
    assert [(p.family, p.given) for p in he.authors] == [("He", "K. M."), ("Sun", "J.")]
    assert he.entry_type == "inproceedings"
    assert he.date is not None and (he.date.year, he.date.month) == (2016, 6)
    assert lecun.date is not None and (lecun.date.year, lecun.date.month, lecun.date.day) == (2015, 5, 28)


def test_sciencedirect_doi_written_as_a_url_is_the_bare_doi(tmp_path: Path) -> None:
    ris = tmp_path / "S1361841517301135.ris"
    ris.write_text("TY  - JOUR\nT1  - A survey on deep learning in medical image analysis\nJO  - Medical Image "
                   "Analysis\nT2  - Medical Image Analysis\nJF  - Medical Image Analysis\nVL  - 42\nPY  - 2017\n"
                   "T2  - \nDO  - https://doi.org/10.1016/j.media.2017.07.005\nAU  - Litjens, Geert\nER  - \n",
                   encoding="utf-8")
    out = tmp_path / "out.bib"
    assert main(["convert", str(ris), "-o", str(out), "--to", "biblatex"]) == 0
    text = out.read_text(encoding="utf-8")
    assert "doi = {10.1016/j.media.2017.07.005}" in text and "journaltitle = {Medical Image Analysis}" in text


def test_a_ris_file_cut_after_two_lines_is_still_ris_and_said(tmp_path: Path) -> None:
    text = "TY  - JOUR\nTI  - Something We Wrote\n"
    assert detect(text, "cut.txt") == "ris"
    doc = read_text(text, "cut.txt")
    assert [e.title for e in doc.entries] == ["Something We Wrote"]
    assert any(p.code == "ris-truncated" for p in doc.problems)


def test_zotero_preprint_in_csl_json_is_the_arxiv_paper(tmp_path: Path) -> None:
    item = {"id": "http://zotero.org/users/1/items/ABCD", "type": "article", "title": "Attention Is All You Need",
            "publisher": "arXiv", "number": "arXiv:1706.03762", "DOI": "10.48550/arXiv.1706.03762",
            "URL": "http://arxiv.org/abs/1706.03762", "note": "arXiv:1706.03762 [cs]",
            "author": [{"family": "Vaswani", "given": "Ashish"}], "issued": {"date-parts": [["2017", 6, 12]]}}
    bbt = {"id": "he2016deep", "citation-key": "he2016deep", "type": "paper-conference", "title": "Deep Residual",
           "container-title": "CVPR", "DOI": "https://doi.org/10.1109/CVPR.2016.90",
           "author": [{"family": "He", "given": "Kaiming"}], "issued": {"date-parts": [[2016]]}}
    src = tmp_path / "My Library.json"
    src.write_text(json.dumps([item, bbt]), encoding="utf-8")
    out = tmp_path / "out.bib"
    assert main(["convert", str(src), "-o", str(out)]) == 0
    text = out.read_text(encoding="utf-8")
    assert "eprint = {1706.03762}" in text and "publisher = {arXiv}" not in text
    assert "doi = {10.1109/CVPR.2016.90}" in text


NOTES_WITH_A_LATEX_SNIPPET = """# Reading list

How to cite without BibTeX:

```latex
\\begin{thebibliography}{9}
\\bibitem{lamport94} Leslie Lamport, \\emph{LaTeX: A Document Preparation System}. Addison Wesley, 1994.
\\end{thebibliography}
```

- [Attention Is All You Need](https://arxiv.org/abs/1706.03762)
- [Deep Residual Learning](https://arxiv.org/abs/1512.03385)
"""
REFERENCES_WITH_A_STRAY_BIBITEM = """References

[1] A. Vaswani et al., "Attention is all you need," in NeurIPS, 2017.
[2] K. He, X. Zhang, S. Ren, and J. Sun, "Deep residual learning for image recognition," in CVPR, 2016.
\\bibitem{x} a stray line from a tex file
[3] D. P. Kingma and J. Ba, "Adam: A method for stochastic optimization," in ICLR, 2015.
"""
MEETING_NOTES = """Notes from the meeting
TY  - thanks for the slides
ER  - visit on Monday
We discussed 2401.00001 and 2312.11805.
"""


@pytest.mark.parametrize("text", [NOTES_WITH_A_LATEX_SNIPPET, REFERENCES_WITH_A_STRAY_BIBITEM, MEETING_NOTES])
def test_a_bibitem_or_ty_line_inside_other_text_does_not_steal_it(text: str) -> None:
    assert detect(text, "notes.txt") == "listing"


def test_pasted_items_without_their_environment_and_harvard_items_are_still_a_bibliography() -> None:
    assert detect("% from main.tex\n\\bibitem{a} A. Author. A title here. 2020.\n", "x.txt") == "bbl"
    assert detect("\\harvarditem{Knuth}{1984}{knuth84}\nKnuth, D. E. (1984), The TeXbook.\n", "x.txt") == "bbl"
    assert detect("TY  - JOUR\r\nTI  - Cut Short\r\n", "x.txt") == "ris"


STYLE_MACROS = r"""\begin{thebibliography}{3}
\providecommand{\natexlab}[1]{#1}
\providecommand{\url}[1]{\texttt{#1}}
\newcommand{\bibenquote}[1]{``#1''}

\bibitem[{Kingma and Ba(2015)}]{kingma2015adam}
Diederik~P. Kingma and Jimmy Ba.
\newblock \bibenquote{Adam: A method for stochastic optimization.}
\newblock In \emph{3rd International Conference on Learning Representations, {ICLR} 2015}, 2015.
\newblock URL \url{http://arxiv.org/abs/1412.6980}.

\bibitem[Kingma and Ba(2016)]{kingma2016more}
\bysame.
\newblock Another method for stochastic optimization.
\newblock \emph{arXiv preprint arXiv:1601.00001}, 2016.

\bibitem{smith2020}
J.~Smith and A.~Jones, ``Learning to rank with less data,'' \emph{J. Mach. Learn. Res.}, vol.~21, 2020,
\href{https://example.org/a?b=1\&c=2}{link}.
\end{thebibliography}
"""


def test_a_styles_own_text_macros_bysame_and_href() -> None:
    doc = read_text(STYLE_MACROS, "main.bbl")
    by_key = {e.key: e for e in doc.entries}
    adam = by_key["kingma2015adam"]  # (\bibenquote, defined at the top of the .bbl: quotes around the title)
    assert adam.title == "Adam: A method for stochastic optimization"
    assert [p.family for p in adam.authors] == ["Kingma", "Ba"]
    assert "URL" not in (adam.booktitle or "") + (adam.journal or "")
    more = by_key["kingma2016more"]  # (\bysame: the authors of the item before)
    assert [p.family for p in more.authors] == ["Kingma", "Ba"]
    assert more.title == "Another method for stochastic optimization"
    smith = by_key["smith2020"]
    assert smith.title == "Learning to rank with less data"
    assert "link" not in (smith.journal or "")


def test_zotero_conference_paper_proceedings_title_from_c3_and_long_type_codes() -> None:
    text = ("TY  - CONF\nTI  - Deep Residual Learning for Image Recognition\nAU  - He, Kaiming\n"
            "T2  - CVPR 2016\nC3  - Proceedings of the IEEE Conference on Computer Vision and Pattern Recognition\n"
            "PY  - 2016\nSP  - 770\nEP  - 778\nER  - \n\nTY  - MANSCPT\nTI  - A Manuscript\nAU  - Doe, Jane\nER  - \n")
    assert detect(text, "export.txt") == "ris"
    conf, manuscript = read_text(text, "export.ris").entries
    assert conf.booktitle == "Proceedings of the IEEE Conference on Computer Vision and Pattern Recognition"
    assert manuscript.entry_type == "unpublished"


@pytest.mark.parametrize("style", ["dcu", "kluwer", "agsm", "xagsm", "xplain"])
def test_harvard_and_index_styles_titles_end_where_the_journal_begins(style: str, tmp_path: Path) -> None:
    # dcu: "He, K., … \harvardyearleft 2016\harvardyearright . \newblock Identity mappings …, {\em IEEE Trans…}"
    # kluwer: "Kingma, D. P. and Ba, J.: 2014, Adam: …"; xagsm/xplain: \authorindexentries{key}{\do{…}}, \bibref{key}
    doc = read_path(str(_bibtex_bbl(tmp_path, style)))
    he = next(e for e in doc.entries if e.key == "he2016resnet")
    assert he.title is not None
    assert he.title.lower() == "identity mappings in deep residual networks for image recognition"
    assert all("\\do" not in (e.title or "") + (e.note or "") for e in doc.entries)


@pytest.mark.parametrize("style", ["amsra", "amsrn", "amsru"])
def test_amsrefs_bbl_is_read_field_by_field_and_compiles(style: str, tmp_path: Path) -> None:
    # amsra: "\bib{smith2010chapter}{incollection}{ author={Smith, John, Jr.}, … pages={45\ndash 67}, }"
    bbl = _bibtex_bbl(tmp_path, style)
    text = bbl.read_text(encoding="utf-8")
    assert "\\bib{" in text and detect(text, str(bbl)) == "bbl"
    doc = read_path(str(bbl))
    by_key = {e.key: e for e in doc.entries}
    assert set(by_key) == KEYS
    chapter = by_key["smith2010chapter"]
    assert [(p.family, p.suffix) for p in chapter.authors][0] == ("Smith", "Jr.")
    assert chapter.pages in ("45--67", "45\u201367") and [p.family for p in chapter.editors] == ["Karenina", "Godunov"]
    assert chapter.booktitle is not None and chapter.booktitle.lower() == "handbook of learning theory"
    assert by_key["he2016resnet"].url == "https://example.org/paper?id=1&x=50%25"
    out = tmp_path / "back.bib"
    assert main(["convert", str(bbl), "-o", str(out)]) == 0
    _compiles_every_key(tmp_path, out, KEYS)


def test_a_pasted_amsrefs_item_is_a_bbl_and_a_bib_mention_in_prose_is_not() -> None:
    assert detect("\\bib{knuth84}{book}{\n  author={Knuth, Donald E.},\n  title={The TeXbook},\n  date={1984},\n}\n",
                  "x.txt") == "bbl"
    assert detect("We cite it as\n\\bib{knuth84}{book}{title={x}} in amsrefs.\n- [Attention](https://arxiv.org/abs/"
                  "1706.03762)\n", "notes.txt") != "bbl"


def test_csl_issued_written_as_a_plain_string_is_a_raw_date() -> None:
    text = json.dumps([{"id": "roe2020", "type": "article-journal", "title": "Seasonal Things", "container-title": "J",
                        "author": [{"family": "Roe", "given": "R."}], "issued": "2020-05"}])
    (entry,) = read_text(text, "items.json").entries
    assert entry.date is not None and (entry.date.year, entry.date.month) == (2020, 5)


@pytest.mark.parametrize("style", ["apacite", "apacitex"])
def test_apacite_markup_is_read_as_the_apa_reference_it_prints(style: str, tmp_path: Path) -> None:
    # apacite: "\APACinsertmetastar{%\nkey}% \begin{APACrefauthors}% He, K.% , Zhang, X.% … \APACrefatitle{…}{…}"
    doc = read_path(str(_bibtex_bbl(tmp_path, style)))
    by_key = {e.key: e for e in doc.entries}
    assert set(by_key) == KEYS
    he = by_key["he2016resnet"]
    assert he.title == "Identity Mappings in Deep Residual Networks for Image Recognition"
    assert [p.family for p in he.authors] == ["He", "Zhang", "Ren", "Sun"]
    assert he.journal == "IEEE Transactions on Pattern Analysis and Machine Intelligence"
    assert all("\\APAC" not in (e.title or "") + (e.note or "") and "\\AX" not in (e.title or "")
               for e in doc.entries)
