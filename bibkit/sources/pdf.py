"""A paper as a PDF: its reference list, through ``pdftotext``.

``bibkit convert paper.pdf`` is what a researcher tries first with a paper in hand.  The PDF's text
comes from poppler's ``pdftotext`` (the program TeX Live users have beside ``pdflatex``; Debian's
``poppler-utils``), in reading order; the reference list is the text after the paper's last
"References" (or "Bibliography", "Literature Cited"…) heading, up to an appendix, and it is read by
the pasted-text readers — the same reference-list reader a list copied from the PDF goes to, with its
PDF-copy repairs (wrapped references, hyphenated words, ligatures).  A PDF with no such heading, an
image-only (scanned) PDF, or no ``pdftotext`` on the machine is an :class:`~bibkit.errors.InputError`
naming the file and what to do.
"""

from __future__ import annotations

import re
import shutil
import subprocess

from ..errors import InputError
from ..model import SourceLocation

__all__ = ["pdf_text", "reference_section", "PDFTOTEXT_SECONDS"]

#: how long ``pdftotext`` may take (a book of a thousand pages takes a few seconds)
PDFTOTEXT_SECONDS = 120.0
#: a reference list's heading, alone on its line (numbered or not: "7 References", "VII. REFERENCES")
_HEADING = re.compile(r"^\s*(?:(?:[IVXLC]+|\d{1,2})\.?\s+)?(?:References(?: and Notes| Cited)?|Bibliography|"
                      r"Literature Cited|Works Cited|Cited Literature|Reference List|Literatur(?:verzeichnis)?|"
                      r"R[ée]f[ée]rences(?: bibliographiques)?|Bibliographie|Referencias(?: bibliogr[áa]ficas)?|"
                      r"Bibliograf[íi]a|Riferimenti bibliografici|Refer[êe]ncias(?: bibliogr[áa]ficas)?|参考文献|"
                      r"Список литературы|Литература)\s*:?\s*$", re.IGNORECASE)
#: what ends it: an appendix or supplementary part after the references
_AFTER = re.compile(r"^\s*(?:(?:[A-Z]|\d{1,2})\.?\s+)?(?:Appendix|Appendices|APPENDIX|APPENDICES|Supplementary "
                    r"(?:Material|Information)|SUPPLEMENTARY (?:MATERIAL|INFORMATION)|Checklist|NeurIPS Paper "
                    r"Checklist)\b.{0,80}$")


#: TeX's T1 font encoding puts quotes, dashes and ligatures at control-character codes; a PDF made with fonts
#: that carry no Unicode map for them (bitmap Type 3 fonts, common in arXiv PDFs) gives pdftotext those codes
_T1_CODES = str.maketrans({"\x10": "“", "\x11": "”", "\x12": "„", "\x13": "«", "\x14": "»", "\x15": "–",
                           "\x16": "—", "\x1b": "ff", "\x1c": "fi", "\x1d": "fl", "\x1e": "ffi", "\x1f": "ffl"})


def pdf_text(path: str) -> str:
    """The PDF's text in reading order (``pdftotext -enc UTF-8``), or :class:`InputError` saying why not."""
    where = SourceLocation(path)
    program = shutil.which("pdftotext")
    if program is None:
        raise InputError("a PDF document, and reading one needs poppler's pdftotext, which is not installed "
                         "(Debian: apt-get install poppler-utils); or copy its reference list as text", where)
    try:
        done = subprocess.run([program, "-enc", "UTF-8", "-nopgbrk", path, "-"], capture_output=True,
                              timeout=PDFTOTEXT_SECONDS, check=False)
    except subprocess.TimeoutExpired:
        raise InputError(f"pdftotext did not finish reading this PDF in {PDFTOTEXT_SECONDS:.0f} s", where) from None
    except OSError as exc:
        raise InputError(f"pdftotext could not be run: {exc.strerror or exc}", where) from None
    if done.returncode != 0:
        said = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise InputError(f"pdftotext cannot read this PDF ({said[-1] if said else f'exit {done.returncode}'})",
                         where)
    return done.stdout.decode("utf-8", "replace").translate(_T1_CODES)


def reference_section(text: str) -> tuple[str, int] | None:
    """The reference list of a paper's text and the number of the line before it (its heading), or ``None``:
    after the *last* heading (a table of contents or a "references to prior work" sentence comes earlier),
    up to an appendix."""
    lines = text.split("\n")
    start = next((k for k in range(len(lines) - 1, -1, -1) if len(lines[k]) < 60 and _HEADING.match(lines[k])),
                 None)
    if start is None:
        return None
    end = next((k for k in range(start + 1, len(lines)) if len(lines[k]) < 100 and _AFTER.match(lines[k])
                or _lettered_section(lines, k)), len(lines))
    part = lines[start + 1:end]
    for k in range(len(part) - 1):
        if _LABEL_ALONE.match(part[k]):
            part[k], part[k + 1] = f"{part[k].strip()} {part[k + 1].strip()}", ""
    body = "\n".join(part).rstrip("\n")
    return (body, start + 1) if body.strip() else None


def _lettered_section(lines: list[str], k: int) -> bool:
    """Whether line ``k`` opens an appendix LaTeX letters ("A" alone, its title on the next line that has text:
    ``\\appendix`` then ``\\section{Proofs}``), as no line of a reference list is."""
    if not _LETTER.match(lines[k]):
        return False
    after = next((t.strip() for t in lines[k + 1:k + 4] if t.strip()), "")
    return 0 < len(after) <= 80 and not after.endswith((".", ",")) and after[:1].isupper()


_LETTER = re.compile(r"^\s*[A-H]\s*$")


#: a label a style prints before a link or an identifier, left alone on its line where the line broke after it
#: (natbib's "URL" and "doi:", set before a \url that did not fit): joined to what it labels, the next line left
#: empty (lines keep their numbers)
_LABEL_ALONE = re.compile(r"^\s*(?:URL|doi:|DOI:|arXiv:|Available(?: at)?:|Retrieved from)\s*$")
