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
