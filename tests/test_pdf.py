"""A paper's PDF given as an input: its reference list read through ``pdftotext`` (real PDFs made by
``pdflatex`` here, read by the real ``pdftotext``), and the clear errors when that cannot be done."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from bibkit.cli import main
from bibkit.errors import ExitCode, InputError
from bibkit.sources import read_path
from bibkit.sources.pdf import reference_section
from texutil import require_tex

PAPER = r"""\documentclass{article}
\usepackage[T1]{fontenc}
\usepackage[utf8]{inputenc}
\begin{document}
\section{Introduction}
We build on residual networks~\cite{he} and attention~\cite{vaswani}; references to prior work are below.
\begin{thebibliography}{9}
\bibitem{he} K.~He, X.~Zhang, S.~Ren, and J.~Sun, ``Deep residual learning for image recognition,'' in
  \emph{Proc. IEEE Conf. Computer Vision and Pattern Recognition (CVPR)}, 2016, pp. 770--778.
\bibitem{vaswani} A.~Vaswani, N.~Shazeer, N.~Parmar, J.~Uszkoreit, L.~Jones, A.~N. Gomez, {\L}.~Kaiser, and
  I.~Polosukhin, ``Attention is all you need,'' in \emph{Advances in Neural Information Processing Systems},
  2017, arXiv:1706.03762.
\bibitem{asp} C.~d'Aspremont, J.~Cr\'emer, and L.-A. G\'erard-Varet, ``Correlation, independence, and Bayesian
  incentives,'' \emph{Social Choice and Welfare}, vol.~21, no.~2, pp. 281--310, 2003.
\end{thebibliography}
\appendix
\section{Appendix: proofs}
Lemma 1 holds (Smith, 2020).
\end{document}
"""


def _pdf(tmp_path: Path, tex: str, name: str = "paper") -> Path:
    require_tex("pdflatex", "pdftotext")
    (tmp_path / f"{name}.tex").write_text(tex, encoding="utf-8")
    subprocess.run(["pdflatex", "-interaction=nonstopmode", f"{name}.tex"], cwd=tmp_path, capture_output=True,
                   check=True, timeout=180)
    return tmp_path / f"{name}.pdf"


def test_a_papers_pdf_gives_its_reference_list(tmp_path: Path) -> None:
    pdf = _pdf(tmp_path, PAPER)
    out = tmp_path / "refs.bib"
    assert main(["-q", "convert", str(pdf), "-o", str(out)]) == ExitCode.OK
    doc = read_path(str(pdf))
    he, vaswani, asp = doc.entries
    assert he.title == "Deep residual learning for image recognition" and he.year == 2016
    assert [p.family for p in he.authors] == ["He", "Zhang", "Ren", "Sun"] and he.pages == "770–778"
    assert vaswani.ids.arxiv == "1706.03762" and len(vaswani.authors) == 8
    assert asp.journal == "Social Choice and Welfare" and asp.authors[0].family == "d'Aspremont"
    # the appendix after the list is no reference; lines are numbered as in `pdftotext FILE -`
    assert not any("Lemma" in (e.title or "") for e in doc.entries)
    assert doc.metadata["pdf_references_line"] > 1
    assert out.read_text(encoding="utf-8").count("@") == 3


def test_a_pdf_without_a_reference_list_or_without_pdftotext_is_one_clear_error(tmp_path: Path,
                                                                                 monkeypatch: pytest.MonkeyPatch,
                                                                                 capsys: pytest.CaptureFixture[str]
                                                                                 ) -> None:
    plain = _pdf(tmp_path, "\\documentclass{article}\\begin{document}Just a note.\\end{document}\n", "note")
    assert main(["-q", "convert", str(plain), "-o", str(tmp_path / "o.bib")]) == ExitCode.INPUT
    err = capsys.readouterr().err
    assert "note.pdf" in err and "no References or Bibliography heading" in err and "Traceback" not in err
    monkeypatch.setattr("shutil.which", lambda name: None)
    with pytest.raises(InputError, match="pdftotext, which is not installed"):
        read_path(str(plain))
    assert not (tmp_path / "o.bib").exists()


def test_the_reference_list_is_after_the_last_heading_and_before_an_appendix() -> None:
    text = "Contents\nReferences\n1 Intro\nText.\n7 References\n[1] A. B, Title, 2020.\nAppendix A: More\nx\n"
    assert reference_section(text) == ("[1] A. B, Title, 2020.", 5)
    assert reference_section("No list here.\n") is None
    for heading in ("REFERENCES", "Bibliography", "VII. References", "Literaturverzeichnis", "Références", "参考文献"):
        assert reference_section(f"Text.\n{heading}\n[1] A. B, Title, 2020.\n") == ("[1] A. B, Title, 2020.", 2)


def test_a_damaged_pdf_is_one_clear_error_naming_it(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # (it was refused as "no list of papers" before PDFs were read; now pdftotext says what is wrong with it)
    require_tex("pdftotext")
    broken = tmp_path / "paper.pdf"
    broken.write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n")
    assert main(["convert", str(broken), "-o", str(tmp_path / "o.bib")]) == ExitCode.INPUT
    err = capsys.readouterr().err
    assert f"{broken}: pdftotext cannot read this PDF" in err and "Traceback" not in err
    assert not (tmp_path / "o.bib").exists()


TWO_COLUMNS = r"""\documentclass[twocolumn]{article}
\usepackage[T1]{fontenc}
\usepackage{lmodern}
\usepackage[utf8]{inputenc}
\usepackage{natbib}
\usepackage{url}
\begin{document}
\section{Introduction}
As shown before \citep{esteva,miotto,ren}.
\bibliographystyle{plainnat}
\bibliography{refs}
\appendix
\section{Proofs}
The proof is short and holds for every case considered here.
\end{document}
"""
BIB = """@article{esteva, author = {Esteva, Andre and Kuprel, Brett and Novoa, Roberto A. and Thrun, Sebastian},
  title = {Dermatologist-level classification of skin cancer with deep neural networks}, journal = {Nature},
  volume = {542}, number = {7639}, pages = {115--118}, year = {2017}, doi = {10.1038/nature21056},
  url = {https://doi.org/10.1038/nature21056}}
@article{miotto, author = {Miotto, Riccardo and Wang, Fei and Wang, Shuang and Jiang, Xiaoqian and Dudley, Joel T.},
  title = {Deep learning for healthcare: review, opportunities and challenges}, journal = {Brief Bioinform},
  volume = {19}, number = {6}, pages = {1236--1246}, year = {2018}, doi = {10.1093/bib/bbx044},
  url = {https://doi.org/10.1093/bib/bbx044}}
@inproceedings{ren, author = {Ren, Shaoqing and He, Kaiming and Girshick, Ross and Sun, Jian},
  title = {Faster {R-CNN}: Towards real-time object detection with region proposal networks},
  booktitle = {Advances in Neural Information Processing Systems}, year = {2015}, pages = {91--99}}
"""


def test_a_two_column_paper_with_natbib_references(tmp_path: Path) -> None:
    # the most common ML paper: plainnat's unnumbered author-year list, wrapped at a column's width, with
    # "URL"/"doi:" alone on a line where the link did not fit; the lettered appendix after it ("A", "Proofs")
    # is no reference
    require_tex("pdflatex", "bibtex", "pdftotext")
    (tmp_path / "refs.bib").write_text(BIB, encoding="utf-8")
    (tmp_path / "paper.tex").write_text(TWO_COLUMNS, encoding="utf-8")
    for cmd in (["pdflatex", "-interaction=nonstopmode", "paper.tex"], ["bibtex", "paper"],
                ["pdflatex", "-interaction=nonstopmode", "paper.tex"],
                ["pdflatex", "-interaction=nonstopmode", "paper.tex"]):
        subprocess.run(cmd, cwd=tmp_path, capture_output=True, check=True, timeout=180)
    doc = read_path(str(tmp_path / "paper.pdf"))
    got = {(e.authors[0].family if e.authors else None, e.year, e.ids.doi) for e in doc.entries}
    assert got == {("Esteva", 2017, "10.1038/nature21056"), ("Miotto", 2018, "10.1093/bib/bbx044"),
                   ("Ren", 2015, None)}
    assert len(doc.entries) == 3 and not any("proof" in (e.title or "").lower() for e in doc.entries)
    assert all(e.title and len(e.authors) >= 4 for e in doc.entries)
