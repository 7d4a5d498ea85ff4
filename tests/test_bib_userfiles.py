"""Defects found by running ``convert`` and ``tidy`` on hand-written exports of real tools (JabRef, Mendeley,
Better BibTeX, Google Scholar, ACL Anthology, DBLP), each pinned by the behaviour a user sees — compiled with
real ``bibtex`` and ``biber`` where the output reaching LaTeX is the point.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bibkit.cli import main
from bibkit.normalize.latex import encode, escape_strays, math_spans
from bibkit.tidy import TidyOptions, tidy_text
from texutil import compile_biber, compile_bibtex


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(args)
    out, err = capsys.readouterr()
    return code, out, err


# LaTeX's own math delimiters ----------------------------------------------------------------------------------
#: \( … \) and \[ … \] are math as much as $ … $: a "_" or "^" inside is a subscript, not a stray to escape
#: (escaping made "x\_1" and "\textasciicircum{}" in math mode, an error), and a value holding them that is
#: written from the model must not turn the delimiters into "\textbackslash{}(".
PAREN_MATH = """@article{pm,
  author = {Lee, Ann},
  title = {Bounds for \\(x_1^2\\) and \\[y_{ij}\\] with 50% of \\(\\alpha\\)},
  journal = {J. Math},
  year = {2020},
}
"""


def test_paren_math_is_math_for_the_codec() -> None:
    text = "a \\(x_1^2\\) b \\[y_{ij}\\] c $z_1$"
    assert [text[s:e] for s, e in math_spans(text)] == ["\\(x_1^2\\)", "\\[y_{ij}\\]", "$z_1$"]
    assert escape_strays("50% of \\(x_1^2\\) and a_b") == "50\\% of \\(x_1^2\\) and a\\_b"
    assert encode("50% of \\(x_1^2\\) and a_b") == "50\\% of \\(x_1^2\\) and a\\_b"
    # an escaped backslash opens nothing; an unclosed delimiter is text
    assert math_spans("a\\\\(b_c\\\\)") == [] and escape_strays("\\(unclosed_x") == "\\(unclosed\\_x"
    assert math_spans("$5 and \\(a_1\\)") == [(7, 14)]


def test_tidy_and_convert_leave_paren_math_alone_and_compile(tmp_path: Path, capsys) -> None:
    src = tmp_path / "in.bib"
    src.write_text(PAREN_MATH, encoding="utf-8")
    tidied = tidy_text(PAREN_MATH, TidyOptions()).text
    assert "{Bounds for \\(x_1^2\\) and \\[y_{ij}\\] with 50\\% of \\(\\alpha\\)}" in tidied
    for to in ("bibtex", "biblatex"):
        code, out, _ = run(["-q", "convert", str(src), "--to", to], capsys)
        assert code == 0
        assert "\\(x_1^2\\) and \\[y_{ij}\\] with 50\\% of \\(\\alpha\\)" in out, to
    res = compile_bibtex(tidied, tmp_path, "plain")
    assert res.errors == [] and "Bounds for x" in res.flat_text
    code, out, _ = run(["-q", "convert", str(src), "--to", "biblatex"], capsys)
    res = compile_biber(out, tmp_path)
    assert res.errors == [] and "Bounds for x" in res.flat_text


# --to biblatex and verbatim commands ---------------------------------------------------------------------------
#: Only the commands biber's .bbl cannot carry are rewritten; before, the whole field was written anew from
#: the model, which dropped \href's URL, {\tt …} and turned \( into \textbackslash{}(.
VERBATIM_NOTE = """@misc{v,
  author = {Lee, Ann},
  title = {Mail \\verb|a&b_c| in {\\tt mono} and \\(x_1\\)},
  note = {See \\href{https://x.org/a_b#c%20d}{the page}, \\url{http://y.org/~u/a_b} and \\path|z%y|},
  year = {2020},
}
"""


def test_to_biblatex_rewrites_only_the_verbatim_commands_biber_cannot_carry(tmp_path: Path, capsys) -> None:
    src = tmp_path / "in.bib"
    src.write_text(VERBATIM_NOTE, encoding="utf-8")
    code, out, err = run(["convert", str(src), "--to", "biblatex"], capsys)
    assert code == 0
    assert "title = {Mail a\\&b\\_c in {\\tt mono} and \\(x_1\\)}" in out
    assert "note = {See \\href{https://x.org/a_b\\#c\\%20d}{the page}, \\url{http://y.org/~u/a_b} and z\\%y}" in out
    assert err.count("biber passes fields to LaTeX inside macro arguments") == 2
    again = tmp_path / "again.bib"
    again.write_text(out, encoding="utf-8")
    code, out2, err2 = run(["convert", str(again), "--to", "biblatex"], capsys)
    assert out2 == out and "macro arguments" not in err2  # a fixpoint, and nothing left to say
    res = compile_biber(out, tmp_path, preamble="\\usepackage{hyperref}")
    assert res.errors == []
    assert "Mail a&b_c in mono and x" in res.flat_text and "the page" in res.flat_text
    assert "~u/a_b" in res.flat_text and "z%y" in res.flat_text  # (pdftotext breaks the URL after its /)


# tidy --encode-urls on a Mendeley export -----------------------------------------------------------------------
#: Mendeley escapes URLs as {\_}, {\%}, {\&}, {~} and puts an item's URLs in one field, space-separated;
#: --encode-urls made "%7B_%7D" of the escapes and one bogus URL ("…pdf%20http://…") of two.
MENDELEY = """@inproceedings{He2016,
author = {He, Kaiming and Sun, Jian},
title = {{Deep residual learning}},
url = {http://image-net.org/challenges/LSVRC/2015/ http://www.cv-foundation.org/content{\\_}cvpr{\\_}2016/He{\\_}CVPR.pdf},
year = {2016}
}
@misc{Data2020,
author = {{World Health Organization}},
title = {{Global report}},
url = {https://www.who.int/data{\\_}set/report{\\%}20final?id=3{\\&}lang=en{\\#}top},
howpublished = {\\url{http://www.cs.toronto.edu/{~}hinton/}},
year = {2020}
}
"""


def test_encode_urls_undoes_mendeley_escapes_and_keeps_several_urls_apart() -> None:
    opts = TidyOptions(encode_urls=True)
    out = tidy_text(MENDELEY, opts).text
    assert ("{http://image-net.org/challenges/LSVRC/2015/ "
            "http://www.cv-foundation.org/content_cvpr_2016/He_CVPR.pdf}") in out
    assert "{https://www.who.int/data_set/report%20final?id=3&lang=en#top}" in out
    assert "%7B" not in out and "{\\_}" not in out
    assert "\\url{http://www.cs.toronto.edu/{~}hinton/}" in out  # not a URL field: as written
    assert tidy_text(out, opts).text == out


def test_a_merged_away_key_says_what_to_cite_instead(tmp_path: Path, capsys) -> None:
    src = tmp_path / "in.bib"
    src.write_text("@article{same1,\n  author = {Twin, T.},\n  title = {A Twin Paper},\n  journal = {J},\n"
                   "  year = {2012},\n  doi = {10.1000/twin},\n}\n\n@article{same2,\n  author = {Twin, T.},\n"
                   "  title = {A Twin Paper},\n  journal = {J},\n  year = {2012},\n  doi = {10.1000/TWIN},\n"
                   "  note = {extra},\n}\n", encoding="utf-8")
    code, out, err = run(["convert", str(src)], capsys)
    assert code == 0 and "ids = {same2}" in out
    assert "with BibTeX, change \\cite{same2} to \\cite{same1}" in err
