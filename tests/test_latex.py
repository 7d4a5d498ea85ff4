"""LaTeX ⇄ Unicode: every accent spelling decodes, every special is escaped exactly once."""

from __future__ import annotations

import pytest

from bibkit.normalize.latex import (
    PDFLATEX_SAFE,
    ascii_supported,
    decode,
    encode,
    looks_like_latex,
    math_spans,
    to_ascii,
    unencodable,
)

NBSP = "\u00a0"


@pytest.mark.parametrize(
    "latex, text",
    [
        # the same accent in every spelling people use
        (r'{\"a}', "ä"), (r'\"{a}', "ä"), (r'\"a', "ä"), (r'\" a', "ä"), (r"{\'\i}", "í"), (r"\'{\i}", "í"),
        (r"{\'{\i}}", "í"), (r"\'i", "í"), (r"\v{c}", "č"), (r"{\v c}", "č"), (r"\v c", "č"), (r"{\H o}", "ő"),
        (r"\H{o}", "ő"), (r"\c{c}", "ç"), (r"{\c s}", "ş"), (r"\k{a}", "ą"), (r"\={o}", "ō"), (r"\.{z}", "ż"),
        (r"\^{o}", "ô"), (r"\`{e}", "è"), (r"\~{n}", "ñ"), (r"{\~n}", "ñ"), (r"\u{g}", "ğ"), (r"\r{u}", "ů"),
        (r"\d{a}", "ạ"), (r"{\'{\^e}}", "ế"), (r"Ji{\v{r}}{\'{\i}}", "Jiří"), (r"Erd{\H o}s", "Erdős"),
        # letters and symbols
        (r"{\ss}", "ß"), (r"{\o}", "ø"), (r"{\O}", "Ø"), (r"\l", "ł"), (r"{\L}", "Ł"), (r"{\ae}", "æ"),
        (r"{\AE}", "Æ"), (r"{\oe}", "œ"), (r"{\aa}", "å"), (r"{\AA}", "Å"), (r"{\dh}", "ð"), (r"{\th}", "þ"),
        (r"{\i}", "ı"), (r"\ss x", "ßx"), (r"Stra\ss e", "Straße"), (r"\textendash", "–"), (r"\textemdash", "—"),
        (r"\texteuro", "€"), (r"\textquotesingle", "'"), (r"D\textquotesingle aspremont", "D'aspremont"),
        (r"\ldots", "…"), (r"\copyright", "©"), (r"\S 3", "§3"),
        # escaped specials
        (r"\&", "&"), (r"\%", "%"), (r"\$", "$"), (r"\#", "#"), (r"\_", "_"), (r"\{", "{"), (r"\}", "}"),
        (r"\textbackslash{}", "\\"), (r"\textasciitilde{}", "~"), (r"\textasciicircum{}", "^"),
        (r"\textbraceleft{}x\textbraceright{}", "{x}"), (r"\textless{}b\textgreater{}", "<b>"), (r"\textbar{}", "|"),
        # ligatures and spaces
        ("a--b", "a–b"), ("a---b", "a—b"), ("``quoted''", "“quoted”"), ("-{}-", "--"), ("'{}'", "''"),
        ("!`Hola!", "¡Hola!"), ("?`Qué?", "¿Qué?"), ("x~y", f"x{NBSP}y"), (r"a\,b", "a\u2009b"),
        ("  multi\n   line\ttext  ", "multi line text"),
        # spacing accents (how people write a tilde or caret)
        (r"\~{}", "~"), (r"{\~}", "~"), (r"\^{}", "^"),
        # markup is dropped, its text kept
        (r"\textit{Natrix cetti}", "Natrix cetti"), (r"{\em emphasis}", "emphasis"), (r"\textbf{bold} x", "bold x"),
        (r"\emph{a} and \textsc{b}", "a and b"), (r"\mbox{a b}", "a b"), (r"{\bf x}", "x"),
        # braces group, they do not print
        ("{{Title}}", "Title"), ("The {NLP} Way", "The NLP Way"), (r"{\LaTeX} and \TeX{}", "LaTeX and TeX"),
        # math stays math
        (r"$^3$Helium", "$^3$Helium"), (r"$\Sigma^{0}$ Hyperon", r"$\Sigma^{0}$ Hyperon"),
        (r"DNA$_{\textrm{2}}$", r"DNA$_{\textrm{2}}$"), (r"$a\$b$", r"$a\$b$"),
        # what our own encoder writes for math symbols
        (r"{\ensuremath{\alpha}}-divergence", "α-divergence"), (r"{\ensuremath{\leq}}", "≤"),
        # url arguments are verbatim, href keeps the text
        (r"\url{https://a.org/~u/a_b}", "https://a.org/~u/a_b"), (r"\href{https://x.org}{the text}", "the text"),
        # unknown commands are kept with their arguments
        (r"{\noopsort{a}}Title", r"\noopsort{a}Title"), (r"\unknowncmd x", r"\unknowncmd x"),
    ],
)
def test_decode(latex: str, text: str) -> None:
    assert decode(latex) == text


def test_decode_result_is_nfc_and_fast_path_keeps_plain_text() -> None:
    assert decode("Cafe\u0301") == "Café"
    plain = "A perfectly plain title, with punctuation: yes."
    assert decode(plain) is plain or decode(plain) == plain
    assert decode("") == ""
    assert decode(f"  padded{NBSP}") == f"padded{NBSP}"  # only ASCII white space is stripped


@pytest.mark.parametrize(
    "text, latex",
    [
        ("Tom & Jerry", r"Tom \& Jerry"),
        ("100% sure", r"100\% sure"),
        ("costs $5", r"costs \$5"),
        ("issue #3", r"issue \#3"),
        ("snake_case", r"snake\_case"),
        ("a {set}", r"a \textbraceleft{}set\textbraceright{}"),
        ("C:\\dir", r"C:\textbackslash{}dir"),
        ("x~y", r"x\textasciitilde{}y"),
        ("x^2", r"x\textasciicircum{}2"),
        ("<b> | c", r"\textless{}b\textgreater{} \textbar{} c"),
        (f"no{NBSP}break", "no~break"),
        ("1–10", "1--10"),
        ("a — b", "a --- b"),
        ("two -- hyphens", "two -{}- hyphens"),
        ("-–", "-{}--"),
        ("it''s", "it'{}'s"),
        ("!`", "!{}`"),
        ("x,,y", "x,{},y"),
    ],
)
def test_encode_plain_text(text: str, latex: str) -> None:
    assert encode(text) == latex
    assert decode(latex) == text


def test_encode_keeps_tex_math_and_escapes_dollars_that_are_money() -> None:
    assert encode("$^3$Helium") == "$^3$Helium"
    assert encode(r"Production of $\Sigma^{0}$ Hyperons") == r"Production of $\Sigma^{0}$ Hyperons"
    assert encode("costs $5 and $x_1$ more") == r"costs \$5 and $x_1$ more"
    assert encode("$5 or $6") == r"\$5 or \$6"  # no math inside: money
    assert encode("$a % b^2$") == r"\$a \% b\textasciicircum{}2\$"  # % cannot be inside math
    # a bare variable between dollars is math too ("$k$-means", "$n$"): escaping it would print "$k$"
    assert math_spans("a $x^2$ b $y$ c") == [(2, 7), (10, 13)]
    assert encode("The $k$-means and $O(n)$ bounds") == "The $k$-means and $O(n)$ bounds"
    assert encode("US$5 and US$6") == r"US\$5 and US\$6"


def test_no_double_escaping_of_text_that_already_is_latex() -> None:
    assert encode(r"M\"uller \& Co") == r"M\"uller \& Co"
    assert encode(r"{\"O}zt{\"u}rk") == r"{\"O}zt{\"u}rk"
    assert encode(r"\textit{Deep} learning & more") == r"\textit{Deep} learning \& more"
    assert encode(r"Erd{\H o}s 100%") == r"Erd{\H o}s 100\%"
    assert encode(r"\url{https://a.org/x_y%20z} x_y") == r"\url{https://a.org/x_y%20z} x\_y"
    # BibTeX counts \{ as a brace, so escaped braces become text commands
    assert encode(r"a \{ b \& c") == r"a \textbraceleft{} b \& c"
    assert encode(encode("Tom & Jerry")) == encode("Tom & Jerry")


@pytest.mark.parametrize(
    "text, expected",
    [
        (r"M\"uller", True), (r"\&", True), (r"{\o}", True), (r"\textit{x}", True), (r"\ss", True),
        (r"\foo{bar}", True), (r"{\v c}", True),
        (r"C:\Users\me", False), (r"a\b", False), ("plain text", False), (r"\foo{unbalanced", False),
        (r"$\alpha$ only in math", False),
    ],
)
def test_looks_like_latex(text: str, expected: bool) -> None:
    assert looks_like_latex(text) is expected


def test_ascii_mode_writes_macros_that_decode_back() -> None:
    text = "Über Straße Łódź naïve Ångström œuvre Dvořák Erdős Øster ñ ç ą ż ů ğ"
    latex = encode(text, ascii=True)
    assert latex.isascii()
    assert r'{\"U}ber' in latex and r"{\ss}" in latex and r"{\L}" in latex and r"na{\"i}ve" in latex
    assert r"{\AA}" in latex and r"{\v{r}}" in latex and r"{\H{o}}" in latex
    assert decode(latex) == text
    # accented i is written with a plain i: biber turns {\'\i} into a dotless i pdflatex rejects
    assert encode("í", ascii=True) == r"{\'i}"
    assert encode("“Quote” – dash — em…", ascii=True) == r"``Quote'' -- dash --- em{\ldots}"


def test_utf8_mode_keeps_what_pdflatex_typesets_and_converts_math_symbols() -> None:
    assert encode("Müller – Zürich €") == "Müller -- Zürich €"
    assert encode("α-divergence ≤ 5") == r"{\ensuremath{\alpha}}-divergence {\ensuremath{\leq}} 5"
    assert decode(encode("α-divergence ≤ 5")) == "α-divergence ≤ 5"
    assert "é" in PDFLATEX_SAFE and "α" not in PDFLATEX_SAFE


def test_characters_without_a_macro_are_kept_and_reported() -> None:
    assert encode("中文 😀") == "中文 😀"
    assert encode("中文", ascii=True) == "中文"
    assert unencodable("中文 and é", ascii=False) == ["中", "文"]
    assert unencodable("é", ascii=True) == []
    assert unencodable("é", ascii=False) == []
    assert not ascii_supported("中") and ascii_supported("é") and ascii_supported("a")
    assert not ascii_supported("’")  # written as TeX's ' and read back as ASCII


def test_to_ascii_touches_only_non_ascii_characters() -> None:
    raw = r"M{\"u}ller and Zürich \& {DeepSeek} ~ $x^2$"
    assert to_ascii(raw) == r'M{\"u}ller and Z{\"u}rich \& {DeepSeek} ~ $x^2$'
    assert to_ascii("plain") == "plain"


def test_control_characters_are_dropped_and_tabs_become_spaces() -> None:
    assert encode("a\x00b\x07c") == "abc"
    assert encode("a\tb") == "a b"


def test_combining_marks_that_do_not_compose_become_accent_macros() -> None:
    text = "x\u0302 and b\u0301"
    latex = encode(text)
    assert latex == r"{\^x} and {\'b}"
    assert decode(latex) == text
