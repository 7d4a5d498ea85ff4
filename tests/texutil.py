"""Compile a ``.bib`` with real TeX and report what BibTeX/biber/LaTeX said (shared test helper).

Two set-ups, the two a user of bibkit's output has:

* :func:`compile_bibtex` — natbib + ``plainnat`` (or another ``.bst``) + ``\\nocite{*}``:
  pdflatex, bibtex, pdflatex, pdflatex;
* :func:`compile_biber` — biblatex (``backend=biber``) + ``\\nocite{*}``:
  pdflatex, biber, pdflatex, pdflatex.

Both documents load ``\\usepackage[T1]{fontenc}`` and ``lmodern`` (what anyone
with non-English names in a bibliography uses) and UTF-8 input.  The result
lists errors (LaTeX ``!`` lines, BibTeX error messages, biber ``ERROR``) and
warnings (BibTeX ``Warning--``, biber ``WARN``, LaTeX/package ``Warning:`` lines
of the final run), plus the ``pdftotext`` text of the PDF.

A missing TeX program is an error, never a skip: these tests exist to prove the
output compiles.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["TexResult", "compile_bibtex", "compile_biber", "require_tex", "TOOLS"]

TOOLS = ("pdflatex", "bibtex", "biber", "pdftotext")
_TIMEOUT = 180


def require_tex(*tools: str) -> None:
    """Fail loudly when a TeX tool is missing (Debian: texlive-latex-base texlive-latex-recommended
    texlive-bibtex-extra biber poppler-utils)."""
    missing = [t for t in (tools or TOOLS) if shutil.which(t) is None]
    if missing:
        raise RuntimeError(
            f"TeX tools not installed: {', '.join(missing)} (apt-get install texlive-latex-base "
            "texlive-latex-recommended texlive-bibtex-extra biber poppler-utils)"
        )


@dataclass
class TexResult:
    """What a compile produced."""

    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    text: str = ""  # pdftotext output of the final PDF
    log: str = ""  # the final pdflatex .log
    blg: str = ""  # bibtex/biber log
    bbl: str = ""

    def unexpected_warnings(self, *, empty_year_keys: set[str] | frozenset[str] = frozenset()) -> list[str]:
        """Warnings other than BibTeX's ``empty year in KEY`` for the given keys (the one allowed warning)."""
        out = []
        for w in self.warnings:
            m = re.match(r"Warning--empty year in (\S+)", w)
            if m and m.group(1) in empty_year_keys:
                continue
            out.append(w)
        return out

    @property
    def flat_text(self) -> str:
        """The PDF text with line breaks and hyphenation undone, for substring checks."""
        text = re.sub(r"-\n(?=[a-z])", "", self.text)
        # accents TeX builds with \accent come out decomposed: compare composed text
        return unicodedata.normalize("NFC", re.sub(r"\s+", " ", text))


def _run(cmd: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, timeout=_TIMEOUT,
                          encoding="utf-8", errors="replace")


_LATEX_ERROR = re.compile(r"^(?:! |\S+:\d+: )")


def _latex_errors(log: str) -> list[str]:
    """Error messages of a pdflatex log, in both the ``! …`` and the ``-file-line-error`` form."""
    errors = []
    lines = log.splitlines()
    for k, line in enumerate(lines):
        if _LATEX_ERROR.match(line):
            context = " ".join(lines[k:k + 3])
            errors.append(re.sub(r"\s+", " ", context).strip())
    return errors


_LATEX_WARNING = re.compile(r"(?:^|\s)(?:LaTeX|LaTeX Font|Package \S+|Class \S+) Warning:|pdfTeX warning")


def _latex_warnings(log: str) -> list[str]:
    out: list[str] = []
    for line in log.splitlines():
        if _LATEX_WARNING.search(line) and line.strip() not in out:
            out.append(line.strip())
    return out


def _bibtex_messages(blg: str) -> tuple[list[str], list[str]]:
    errors, warnings = [], []
    lines = blg.splitlines()
    for k, line in enumerate(lines):
        if line.startswith("Warning--"):
            warnings.append(line.strip())
        elif re.search(r"---line \d+ of file|I couldn't open|I found no|Illegal|Sorry---you've exceeded|"
                       r"isn't a brace-balanced string|You're missing|I'm skipping", line):
            errors.append(" ".join(lines[k:k + 2]).strip())
    return errors, warnings


def _biber_messages(blg: str) -> tuple[list[str], list[str]]:
    errors, warnings = [], []
    for line in blg.splitlines():
        if " ERROR - " in line:
            errors.append(line.strip())
        elif " WARN - " in line:
            warnings.append(line.strip())
    return errors, warnings


_BIBTEX_DOC = r"""\documentclass{article}
\usepackage[T1]{fontenc}
\usepackage{lmodern}
\usepackage[utf8]{inputenc}
\usepackage{url}
\usepackage{natbib}
%(preamble)s
\begin{document}
\nocite{*}
\bibliographystyle{%(style)s}
\bibliography{refs}
\end{document}
"""

_BIBER_DOC = r"""\documentclass{article}
\usepackage[T1]{fontenc}
\usepackage{lmodern}
\usepackage[utf8]{inputenc}
\usepackage[backend=biber,style=%(style)s]{biblatex}
\addbibresource{refs.bib}
%(preamble)s
\begin{document}
\nocite{*}
\printbibliography
\end{document}
"""


def _compile(bib_text: str, workdir: Path, doc: str, backend: list[str]) -> TexResult:
    require_tex("pdflatex", backend[0], "pdftotext")
    workdir.mkdir(parents=True, exist_ok=True)
    (workdir / "refs.bib").write_text(bib_text, encoding="utf-8")
    (workdir / "doc.tex").write_text(doc, encoding="utf-8")
    latex = ["pdflatex", "-interaction=nonstopmode", "-file-line-error", "doc.tex"]
    res = TexResult()
    _run(latex, workdir)
    back = _run(backend, workdir)
    blg_path = workdir / "doc.blg"
    res.blg = blg_path.read_text(encoding="utf-8", errors="replace") if blg_path.exists() else back.stdout
    if backend[0] == "bibtex":
        errs, warns = _bibtex_messages(res.blg)
        if back.returncode >= 2 and not errs:
            errs.append(f"bibtex exited with {back.returncode}: {back.stdout[-500:]}")
    else:
        errs, warns = _biber_messages(res.blg)
        if back.returncode != 0 and not errs:
            errs.append(f"biber exited with {back.returncode}: {back.stdout[-500:]}{back.stderr[-500:]}")
    res.errors.extend(errs)
    res.warnings.extend(warns)
    _run(latex, workdir)
    _run(latex, workdir)
    log_path = workdir / "doc.log"
    res.log = log_path.read_text(encoding="utf-8", errors="replace") if log_path.exists() else ""
    res.errors.extend(_latex_errors(res.log))
    res.warnings.extend(_latex_warnings(res.log))
    bbl = workdir / "doc.bbl"
    res.bbl = bbl.read_text(encoding="utf-8", errors="replace") if bbl.exists() else ""
    pdf = workdir / "doc.pdf"
    if not pdf.exists():
        res.errors.append("no PDF was produced")
        return res
    txt = _run(["pdftotext", "-enc", "UTF-8", "doc.pdf", "-"], workdir)
    res.text = txt.stdout
    return res


def compile_bibtex(bib_text: str, tmp_path: Path, style: str = "plainnat", *, preamble: str = "") -> TexResult:
    """natbib + ``style`` + ``\\nocite{*}``: pdflatex, bibtex, pdflatex ×2."""
    doc = _BIBTEX_DOC % {"style": style, "preamble": preamble}
    return _compile(bib_text, Path(tmp_path) / f"bibtex-{style}", doc, ["bibtex", "doc"])


def compile_biber(bib_text: str, tmp_path: Path, style: str = "authoryear", *, preamble: str = "") -> TexResult:
    """biblatex (``backend=biber``, ``style``) + ``\\nocite{*}``: pdflatex, biber, pdflatex ×2."""
    doc = _BIBER_DOC % {"style": style, "preamble": preamble}
    return _compile(bib_text, Path(tmp_path) / f"biber-{style}", doc, ["biber", "doc"])
