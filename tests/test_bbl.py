"""LaTeX bibliographies read back: the ``.bbl`` real BibTeX styles and biber write, and hand-typed
``thebibliography`` environments — every item one entry, keyed as the paper cites it.

The ``.bbl`` files are made here by the real ``bibtex`` (each style TeX Live installs) and
``biber`` from one ``.bib``; what comes back is compared with that ``.bib``, and the ``.bib``
bibkit writes is compiled again with ``bibtex``: every ``\\cite`` of the paper still resolves.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from bibkit.cli import main
from bibkit.normalize.text import normalize_title
from bibkit.sources import detect, read_path, read_text
from bibkit.sources.pages import read as read_pasted

SOURCE_BIB = r"""
@inproceedings{vaswani2017attention,
  author = {Ashish Vaswani and Noam Shazeer and Niki Parmar and Jakob Uszkoreit and Llion Jones and
            Aidan N. Gomez and {\L}ukasz Kaiser and Illia Polosukhin},
  title = {Attention is All you Need},
  booktitle = {Advances in Neural Information Processing Systems},
  pages = {5998--6008},
  year = {2017},
}
@article{he2016resnet,
  author = {Kaiming He and Xiangyu Zhang and Shaoqing Ren and Jian Sun},
  title = {Deep Residual Learning for Image Recognition},
  journal = {IEEE Transactions on Pattern Analysis and Machine Intelligence},
  volume = {45}, number = {3}, pages = {1234--1250}, year = {2023},
  doi = {10.1109/TPAMI.2023.12345},
}
@misc{touvron2023llama,
  author = {Hugo Touvron and Thibaut Lavril and Gautier Izacard and Xavier Martinet},
  title = {{LLaMA}: Open and Efficient Foundation Language Models},
  year = {2023},
  eprint = {2302.13971}, archivePrefix = {arXiv}, primaryClass = {cs.CL},
  howpublished = {arXiv preprint arXiv:2302.13971},
}
@book{goodfellow2016deep,
  author = {Ian Goodfellow and Yoshua Bengio and Aaron Courville},
  title = {Deep Learning},
  publisher = {MIT Press},
  year = {2016},
}
@article{muller2020,
  author = {J{\"u}rgen M{\"u}ller and Fran{\c{c}}ois de la Tour},
  title = {On the Convergence of {Adam} and Beyond: A Study},
  journal = {Journal of Machine Learning Research},
  volume = {21}, pages = {1--30}, year = {2020},
}
"""
KEYS = {"vaswani2017attention", "he2016resnet", "touvron2023llama", "goodfellow2016deep", "muller2020"}
STYLES = ("plain", "abbrv", "unsrt", "alpha", "plainnat", "unsrtnat", "abbrvnat", "apalike", "ieeetr", "siam",
          "amsplain")


def _bibtex_bbl(tmp: Path, style: str) -> Path:
    """The ``.bbl`` the real ``bibtex`` writes for SOURCE_BIB in ``style`` (an ``.aux`` is all it reads)."""
    (tmp / "refs.bib").write_text(SOURCE_BIB, encoding="utf-8")
    (tmp / "doc.aux").write_text(f"\\citation{{*}}\n\\bibstyle{{{style}}}\n\\bibdata{{refs}}\n", encoding="utf-8")
    subprocess.run(["bibtex", "doc"], cwd=tmp, capture_output=True, check=False, timeout=60)
    bbl = tmp / "doc.bbl"
    assert bbl.exists() and "\\bibitem" in bbl.read_text(encoding="utf-8"), f"bibtex wrote no .bbl for {style}"
    return bbl


@pytest.mark.parametrize("style", STYLES)
def test_every_bibtex_style_reads_back_to_its_entries_with_their_keys(style: str, tmp_path: Path) -> None:
    bbl = _bibtex_bbl(tmp_path, style)
    text = bbl.read_text(encoding="utf-8")
    assert detect(text, str(bbl)) == "bbl"
    doc = read_path(str(bbl))
    by_key = {e.key: e for e in doc.entries}
    assert set(by_key) == KEYS
    assert all(e.key_pinned for e in doc.entries)
    assert not doc.skipped
    titles = {"vaswani2017attention": "Attention is All you Need", "he2016resnet": "Deep Residual Learning for Image "
              "Recognition", "touvron2023llama": "LLaMA: Open and Efficient Foundation Language Models",
              "goodfellow2016deep": "Deep Learning", "muller2020": "On the Convergence of Adam and Beyond: A Study"}
    for key, title in titles.items():
        assert normalize_title(by_key[key].title or "") == normalize_title(title), (style, key, by_key[key].title)
    families = {"vaswani2017attention": "Vaswani", "he2016resnet": "He", "touvron2023llama": "Touvron",
                "goodfellow2016deep": "Goodfellow", "muller2020": "Müller"}
    for key, family in families.items():
        assert by_key[key].authors[0].family == family, (style, key)
    assert len(by_key["vaswani2017attention"].authors) == 8
    assert by_key["vaswani2017attention"].authors[6].family == "Kaiser"
    tour = by_key["muller2020"].authors[1]
    assert (tour.particle, tour.family) == ("de la", "Tour"), style
    years = {"vaswani2017attention": 2017, "he2016resnet": 2023, "touvron2023llama": 2023,
             "goodfellow2016deep": 2016, "muller2020": 2020}
    for key, year in years.items():
        assert by_key[key].date is not None and by_key[key].date.year == year, (style, key)
    he = by_key["he2016resnet"]
    assert he.entry_type == "article" and he.journal == "IEEE Transactions on Pattern Analysis and Machine Intelligence"
    assert (he.volume, he.pages) == ("45", "1234–1250") or (he.volume, he.pages) == ("45", "1234--1250")
    assert by_key["vaswani2017attention"].entry_type == "inproceedings"
    assert by_key["vaswani2017attention"].booktitle == "Advances in Neural Information Processing Systems"
    assert by_key["touvron2023llama"].ids.arxiv == "2302.13971"
    book = by_key["goodfellow2016deep"]
    assert book.entry_type == "book" and book.publisher == "MIT Press", (style, book.entry_type, book.journal)


def test_the_bib_written_from_a_bbl_compiles_every_citation_of_the_paper(tmp_path: Path) -> None:
    """The round trip a user makes: an arXiv source with only main.bbl → refs.bib → the paper compiles."""
    bbl = _bibtex_bbl(tmp_path, "plainnat")
    out = tmp_path / "paper"
    out.mkdir()
    assert main(["-q", "convert", str(bbl), "-o", str(out / "refs.bib")]) == 0
    (out / "paper.aux").write_text("".join(f"\\citation{{{k}}}\n" for k in sorted(KEYS))
                                   + "\\bibstyle{plainnat}\n\\bibdata{refs}\n", encoding="utf-8")
    run = subprocess.run(["bibtex", "paper"], cwd=out, capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stdout
    assert "Warning" not in run.stdout, run.stdout
    again = (out / "paper.bbl").read_text(encoding="utf-8")
    assert all(f"{{{k}}}" in again for k in KEYS)


def test_biber_bbl_reads_field_by_field(tmp_path: Path) -> None:
    (tmp_path / "refs.bib").write_text(SOURCE_BIB, encoding="utf-8")
    (tmp_path / "doc.tex").write_text("\\documentclass{article}\\usepackage[backend=biber]{biblatex}"
                                      "\\addbibresource{refs.bib}\\begin{document}\\nocite{*}\\printbibliography"
                                      "\\end{document}\n", encoding="utf-8")
    subprocess.run(["pdflatex", "-interaction=batchmode", "doc"], cwd=tmp_path, capture_output=True, timeout=120)
    subprocess.run(["biber", "-q", "doc"], cwd=tmp_path, capture_output=True, timeout=120)
    bbl = tmp_path / "doc.bbl"
    assert bbl.exists() and "\\entry{" in bbl.read_text(encoding="utf-8")
    doc = read_path(str(bbl))
    by_key = {e.key: e for e in doc.entries}
    assert set(by_key) == KEYS and all(e.key_pinned for e in doc.entries)
    he = by_key["he2016resnet"]
    assert he.entry_type == "article" and he.journal == "IEEE Transactions on Pattern Analysis and Machine Intelligence"
    assert (he.volume, he.number) == ("45", "3") and he.pages in ("1234–1250", "1234--1250")
    assert he.ids.doi == "10.1109/TPAMI.2023.12345"
    assert by_key["touvron2023llama"].ids.arxiv == "2302.13971"
    assert by_key["goodfellow2016deep"].publisher == "MIT Press"
    tour = by_key["muller2020"].authors[1]
    assert (tour.given, tour.particle, tour.family) == ("François", "de la", "Tour")
    assert by_key["vaswani2017attention"].authors[5].given == "Aidan N."
    written = tmp_path / "out.bib"
    assert main(["-q", "convert", str(bbl), "-o", str(written)]) == 0
    text = written.read_text(encoding="utf-8")
    for noise in ("sortinit", "labelnamesource", "namehash", "\\bibrangedash", "\\bibnamedelim", "nocite"):
        assert noise not in text
    assert "pages = {1234--1250}" in text


ACM_BBL = r"""%%% -*-BibTeX-*-
%%% Do NOT edit. File created by BibTeX with style
%%% ACM-Reference-Format-Journals [18-Jan-2012].
\begin{thebibliography}{2}
\ifx \showDOI      \undefined \def \showDOI       #1{#1}\fi
\providecommand\bibinfo[2]{#2}

\bibitem[Devlin et~al\mbox{.}(2019)]%
        {devlin2019bert}
\bibfield{author}{\bibinfo{person}{Jacob Devlin}, \bibinfo{person}{Ming-Wei Chang}, \bibinfo{person}{Kenton Lee}, {and} \bibinfo{person}{Kristina Toutanova}.} \bibinfo{year}{2019}\natexlab{}.
\newblock \showarticletitle{{BERT}: Pre-training of Deep Bidirectional Transformers for Language Understanding}. In \bibinfo{booktitle}{\emph{Proceedings of NAACL-HLT}}. \bibinfo{pages}{4171--4186}.
\newblock
\urldef\tempurl%
\url{https://doi.org/10.18653/v1/N19-1423}
\showDOI{\tempurl}

\bibitem[Tay et~al\mbox{.}(2022)]%
        {tay2022efficient}
\bibfield{author}{\bibinfo{person}{Yi Tay}, \bibinfo{person}{Mostafa Dehghani}, \bibinfo{person}{Dara Bahri}, {and} \bibinfo{person}{Donald Metzler}.} \bibinfo{year}{2022}\natexlab{}.
\newblock \showarticletitle{Efficient Transformers: A Survey}.
\newblock \bibinfo{journal}{\emph{ACM Comput. Surv.}} \bibinfo{volume}{55}, \bibinfo{number}{6}, Article \bibinfo{articleno}{109} (\bibinfo{date}{Dec.} \bibinfo{year}{2022}), \bibinfo{numpages}{28}~pages.
\newblock
\urldef\tempurl%
\url{https://doi.org/10.1145/3530811}
\showDOI{\tempurl}

\end{thebibliography}
"""


def test_acm_reference_format_items_with_their_dois() -> None:
    doc = read_text(ACM_BBL, "main.bbl")
    by_key = {e.key: e for e in doc.entries}
    assert set(by_key) == {"devlin2019bert", "tay2022efficient"}
    bert = by_key["devlin2019bert"]
    assert bert.title == "BERT: Pre-training of Deep Bidirectional Transformers for Language Understanding"
    assert [a.family for a in bert.authors] == ["Devlin", "Chang", "Lee", "Toutanova"]
    assert bert.ids.doi == "10.18653/v1/N19-1423" and bert.date is not None and bert.date.year == 2019
    tay = by_key["tay2022efficient"]
    assert (tay.journal, tay.volume, tay.number) == ("ACM Comput. Surv.", "55", "6")
    assert tay.ids.doi == "10.1145/3530811"


HAND_TEX = r"""\documentclass{article}
\begin{document}
As shown in~\cite{smith2020}, we \% improve.  % a comment with \bibitem{fake} in it
\begin{thebibliography}{9}
\bibitem{smith2020} J.~Smith and A.~Jones, ``A careful study of sparse attention,''
  in \emph{Proc. ICML}, 2020, pp.~1--10.  % the second author joined late
\bibitem[Lee(2021)]{lee2021}
Kim Lee. 2021. Scaling laws for graph networks. \textit{arXiv preprint arXiv:2101.01234}.
\bibitem{smith2020} Duplicate Person. Another paper entirely about duplicates. In Proc. X, 2019.
\end{thebibliography}
Text after the bibliography: \bibitem{outside} is not an item.
\end{document}
"""


def test_a_thebibliography_typed_into_a_tex_file(tmp_path: Path) -> None:
    path = tmp_path / "paper.tex"
    path.write_text(HAND_TEX, encoding="utf-8")
    doc = read_path(str(path))
    assert doc.metadata["format"] == "bbl"
    keys = [e.key for e in doc.entries]
    assert keys[:2] == ["smith2020", "lee2021"] and len(keys) == 3
    assert "outside" not in keys and "fake" not in keys
    smith, lee, dup = doc.entries
    assert smith.title == "A careful study of sparse attention" and smith.entry_type == "inproceedings"
    assert [a.family for a in smith.authors] == ["Smith", "Jones"]
    assert lee.ids.arxiv == "2101.01234" and lee.title == "Scaling laws for graph networks"
    assert dup.key != "smith2020" and any(p.code == "duplicate-bibitem" for p in dup.problems)
    assert smith.origin is not None and smith.origin.line == 5


def test_bbl_via_the_command_line_keeps_keys_across_a_rebuild(tmp_path: Path) -> None:
    bbl = _bibtex_bbl(tmp_path, "abbrvnat")
    out = tmp_path / "refs.bib"
    assert main(["-q", "convert", str(bbl), "-o", str(out)]) == 0
    first = out.read_text(encoding="utf-8")
    assert all(f"{{{k}," in first for k in KEYS)
    out.write_text(first.replace("title = {Deep Learning}", "title = {Deep Learning (hand-fixed)}"), encoding="utf-8")
    assert main(["-q", "convert", str(bbl), "-o", str(out), "--from", "bbl"]) == 0
    second = out.read_text(encoding="utf-8")
    assert "Deep Learning (hand-fixed)" in second
    assert all(f"{{{k}," in second for k in KEYS)


def test_a_bbl_without_items_is_no_list_of_papers(tmp_path: Path, capsys) -> None:
    path = tmp_path / "empty.tex"
    path.write_text("\\begin{thebibliography}{0}\n\\end{thebibliography}\n", encoding="utf-8")
    assert main(["-q", "convert", str(path), "-o", str(tmp_path / "o.bib")]) == 3
    assert "empty.tex" in capsys.readouterr().err


# --------------------------------------------------------------------------- the pasted-reference rules they needed


def test_pasted_references_particles_books_and_siam_ams_acm_volumes() -> None:
    text = ("References\n\n"
            "[1] Jürgen Müller and François de la Tour. On the convergence of Adam and beyond: A study. "
            "Journal of Machine Learning Research, 21:1–30, 2020.\n"
            "[2] Ian Goodfellow, Yoshua Bengio, and Aaron Courville. Deep Learning. MIT Press, 2016.\n"
            "[3] K. He and J. Sun, \u201cDeep residual learning for image recognition,\u201d IEEE Transactions on "
            "Pattern Analysis and Machine Intelligence, 45 (2023), pp. 1234–1250.\n"
            "[4] K. He and J. Sun, \u201cDeep residual learning for image recognition,\u201d IEEE Transactions on "
            "Pattern Analysis and Machine Intelligence 45 (2023), no. 3, 1234–1250.\n"
            "[5] Yi Tay, Mostafa Dehghani, Dara Bahri, and Donald Metzler. 2022. Efficient Transformers: A Survey. "
            "ACM Comput. Surv. 55, 6, Article 109 (Dec. 2022), 28 pages.\n")
    doc = read_pasted(text, "refs.txt", only="references")
    e = doc.entries
    assert len(e) == 5
    assert (e[0].authors[1].particle, e[0].authors[1].family, e[0].authors[1].given) == ("de la", "Tour", "François")
    assert (e[1].entry_type, e[1].publisher, e[1].journal) == ("book", "MIT Press", None)
    for siam_or_ams in (e[2], e[3]):
        assert siam_or_ams.journal == "IEEE Transactions on Pattern Analysis and Machine Intelligence"
        assert siam_or_ams.volume == "45"
    assert e[3].number == "3"
    assert (e[4].journal, e[4].volume, e[4].number) == ("ACM Comput. Surv.", "55", "6")



def test_biber_bbl_keeps_and_others_and_urldate_and_leaves_biber_bookkeeping_out(tmp_path: Path) -> None:
    (tmp_path / "r.bib").write_text(
        "@inproceedings{a1, author={Ann Smith and others}, title={Sparse Things}, booktitle={Proc. of X},\n"
        "  editor={Bob Editor and Carl Editor}, year={2021}, month={jun}, location={Vienna, Austria}, publisher={PMLR}}\n"
        "@article{a2, author={{OpenAI}}, title={{GPT-4} Technical Report}, journal={arXiv preprint}, date={2023-03-15},\n"
        "  eprint={2303.08774}, eprinttype={arXiv}, url={https://arxiv.org/abs/2303.08774}, urldate={2024-01-02}}\n",
        encoding="utf-8")
    (tmp_path / "d.tex").write_text("\\documentclass{article}\\usepackage[backend=biber,style=authoryear,"
                                    "maxbibnames=1]{biblatex}\\addbibresource{r.bib}\\begin{document}\\nocite{*}"
                                    "\\printbibliography\\end{document}\n", encoding="utf-8")
    subprocess.run(["pdflatex", "-interaction=batchmode", "d"], cwd=tmp_path, capture_output=True, timeout=120)
    subprocess.run(["biber", "-q", "d"], cwd=tmp_path, capture_output=True, timeout=120)
    out = tmp_path / "o.bib"
    assert main(["-q", "convert", str(tmp_path / "d.bbl"), "-o", str(out)]) == 0
    text = out.read_text(encoding="utf-8")
    assert "author = {Smith, Ann and others}" in text  # (biber's \true{moreauthor}, written before the names)
    assert "editor = {Editor, Bob and Editor, Carl}" in text
    assert "urldate = {2024-01-02}" in text and "urlyear" not in text
    for noise in ("extradatescope", "dateera", "labeldatesource", "sortinit", "morelabelname"):
        assert noise not in text


def test_every_item_keeps_its_own_line_in_a_long_bibliography() -> None:
    items = "".join(f"\\bibitem{{k{i}}}\nA.~Author and B.~Writer.\n\\newblock A study of things number {i}.\n"
                    f"\\newblock In {{\\em Proc. Conf}}, pages 1--10, 2020.\n\n" for i in range(2000))
    doc = read_text("\\begin{thebibliography}{9}\n" + items + "\\end{thebibliography}\n", "big.bbl")
    assert len(doc.entries) == 2000
    assert [e.origin.line for e in doc.entries[:3]] == [2, 7, 12] and doc.entries[1999].origin.line == 2 + 5 * 1999
