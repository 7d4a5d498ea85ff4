"""Real ``.bib`` files and an independent yardstick for what a round trip kept.

Used by the conformance test (``tests/test_bib_conformance.py``) and the corpus
benchmark (``bench/corpus.py``), and usable on your own bibliographies:

>>> from bibkit.testing.bibcorpus import find_corpus, compare_texts
>>> files = find_corpus()                                  # doctest: +SKIP
>>> diff = compare_texts(before, after)                     # doctest: +SKIP
>>> diff.entries_lost, diff.fields_lost, diff.fields_changed  # doctest: +SKIP

Why an *independent* parser: a round trip checked with the reader that made it
proves nothing.  The yardstick is pybtex's low-level parser, which follows
BibTeX's own grammar (literal brace counting, ``"`` inside braces, ``@comment``
taking no argument, keys ending at white space or ``,``) and expands ``@string``
macros in order, as BibTeX does.  Both texts are parsed the same way and their
entries compared by (key, occurrence): type (case-insensitive), every field
(case-insensitive name), values after macro expansion with white space runs
collapsed — so a layout change is no change, a value change is.

:func:`find_corpus` finds the ``.bib`` files TeX Live installs (``xampl.bib``,
``biblatex-examples.bib``, the TUGboat and font bibliographies…) on this machine;
nothing is copied into the repository.  :func:`bibtex_counts` and
:func:`biber_counts` run the real programs on a file and count the errors and
warnings in their ``.blg``.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Iterable

__all__ = [
    "find_corpus", "RefEntry", "reference_entries", "Diff", "compare_texts", "bibtex_counts", "biber_counts",
    "BlgCounts",
]

#: where TeX Live (and Debian's texmf trees) keep their bibliographies
TEX_ROOTS = ("/usr/share/texlive", "/usr/share/texmf", "/usr/local/texlive", "/usr/local/share/texmf")

_WS = re.compile(r"\s+")


def find_corpus(extra_roots: Iterable[str] = ()) -> list[Path]:
    """Every ``.bib`` file of the TeX installation (sorted, real paths, no duplicates).

    Looks in :data:`TEX_ROOTS`, in ``kpsewhich``'s ``TEXMFDIST`` and in the directories of
    ``kpsewhich -all xampl.bib`` and ``biblatex-examples.bib``.  Returns ``[]`` when there is
    none (the caller decides whether that is an error — the conformance test says it is).
    """
    roots = [*TEX_ROOTS, *extra_roots]
    if shutil.which("kpsewhich"):
        for args in (["-var-value", "TEXMFDIST"], ["-all", "xampl.bib"], ["biblatex-examples.bib"]):
            try:
                out = subprocess.run(["kpsewhich", *args], capture_output=True, text=True, timeout=30).stdout
            except (OSError, subprocess.SubprocessError):
                continue
            roots.extend(line.strip() for line in out.splitlines() if line.strip())
    found: dict[str, Path] = {}
    for root in roots:
        if os.path.isfile(root) and root.endswith(".bib"):
            found.setdefault(os.path.realpath(root), Path(os.path.realpath(root)))
            continue
        if not os.path.isdir(root):
            continue
        for dirpath, _dirs, files in os.walk(root):
            for name in files:
                if name.endswith(".bib"):
                    real = os.path.realpath(os.path.join(dirpath, name))
                    if os.path.isfile(real):
                        found.setdefault(real, Path(real))
    return sorted(found.values())


# --------------------------------------------------------------------------- the yardstick


@dataclass(frozen=True)
class RefEntry:
    """One entry as the reference parser read it."""

    type: str  # lower case
    key: str
    fields: dict[str, str]  # lower-case name -> expanded value, white space collapsed


def _norm(value: str) -> str:
    return _WS.sub(" ", value).strip()


def reference_entries(text: str) -> list[RefEntry]:
    """The entries of ``text`` as pybtex's BibTeX-grammar parser reads them (errors tolerated: a
    field or entry it cannot read is simply not there, the same way on both sides of a comparison)."""
    return list(_reference_entries(text))


@lru_cache(maxsize=8)
def _reference_entries(text: str) -> tuple[RefEntry, ...]:
    from pybtex.database.input.bibtex import LowLevelParser, month_names

    parser = LowLevelParser(text, macros=dict(month_names), handle_error=lambda error: None)
    out: list[RefEntry] = []
    for command, body in parser:
        kind = command.lower()
        if kind in ("string", "preamble", "comment"):
            continue
        key, fields = body
        if key is None:
            continue
        values: dict[str, str] = {}
        for name, parts in fields:
            lname = name.lower()
            if lname not in values:  # BibTeX keeps the first of duplicate fields
                values[lname] = _norm("".join(parts))
        out.append(RefEntry(kind, key, values))
    return tuple(out)


@dataclass
class Diff:
    """What the reference parser reads in ``after`` that differs from ``before``."""

    entries: int = 0  # entries in ``before``
    fields: int = 0  # fields in ``before``
    entries_lost: list[str] = field(default_factory=list)  # keys
    entries_added: list[str] = field(default_factory=list)
    types_changed: list[tuple[str, str, str]] = field(default_factory=list)  # key, before, after
    fields_lost: list[tuple[str, str]] = field(default_factory=list)  # key, field
    fields_added: list[tuple[str, str]] = field(default_factory=list)
    fields_changed: list[tuple[str, str, str, str]] = field(default_factory=list)  # key, field, before, after

    @property
    def same(self) -> bool:
        return not (self.entries_lost or self.entries_added or self.types_changed or self.fields_lost
                    or self.fields_added or self.fields_changed)

    def summary(self) -> str:
        return (f"{self.entries} entries, {self.fields} fields: {len(self.entries_lost)} entries lost, "
                f"{len(self.entries_added)} added, {len(self.types_changed)} types changed, "
                f"{len(self.fields_lost)} fields lost, {len(self.fields_added)} added, "
                f"{len(self.fields_changed)} changed")

    def examples(self, n: int = 5) -> list[str]:
        out = [f"entry lost: {k}" for k in self.entries_lost[:n]]
        out += [f"entry added: {k}" for k in self.entries_added[:n]]
        out += [f"type of {k}: {a} -> {b}" for k, a, b in self.types_changed[:n]]
        out += [f"field lost: {k}.{f}" for k, f in self.fields_lost[:n]]
        out += [f"field added: {k}.{f}" for k, f in self.fields_added[:n]]
        out += [f"field changed: {k}.{f}: {a[:60]!r} -> {b[:60]!r}" for k, f, a, b in self.fields_changed[:n]]
        return out


def _by_key(entries: list[RefEntry]) -> dict[tuple[str, int], RefEntry]:
    seen: Counter[str] = Counter()
    out = {}
    for e in entries:
        k = e.key.casefold()
        out[(k, seen[k])] = e
        seen[k] += 1
    return out


def compare_texts(before: str, after: str, *, ignore_fields: Iterable[str] = ()) -> Diff:
    """Compare two ``.bib`` texts entry by entry and field by field through the reference parser."""
    ignore = {f.lower() for f in ignore_fields}
    a = _by_key(reference_entries(before))
    b = _by_key(reference_entries(after))
    diff = Diff(entries=len(a), fields=sum(len(e.fields) for e in a.values()))
    for ident, old in a.items():
        new = b.get(ident)
        if new is None:
            diff.entries_lost.append(old.key)
            continue
        if old.type != new.type:
            diff.types_changed.append((old.key, old.type, new.type))
        for name, value in old.fields.items():
            if name in ignore:
                continue
            if name not in new.fields:
                diff.fields_lost.append((old.key, name))
            elif new.fields[name] != value:
                diff.fields_changed.append((old.key, name, value, new.fields[name]))
        for name in new.fields:
            if name not in old.fields and name not in ignore:
                diff.fields_added.append((old.key, name))
    diff.entries_added = [e.key for ident, e in b.items() if ident not in a]
    return diff


# --------------------------------------------------------------------------- real BibTeX and biber


@dataclass(frozen=True)
class BlgCounts:
    """Errors and warnings a ``.blg`` reports (``None`` when the program did not run to the end)."""

    errors: int
    warnings: int
    ran: bool = True


_BIBTEX_ERRORS = re.compile(r"\(There (?:was|were) (\d+|one) error messages?\)")
_BIBTEX_WARNINGS = re.compile(r"\(There (?:was|were) (\d+|one) warnings?\)")


def _count(m: re.Match[str] | None) -> int:
    if m is None:
        return 0
    return 1 if m.group(1) == "one" else int(m.group(1))


def bibtex_counts(bib: Path, style: str = "plain", timeout: float = 600) -> BlgCounts:
    """Run ``bibtex`` on ``bib`` with every entry cited (``\\nocite{*}``) in ``style``."""
    with tempfile.TemporaryDirectory(prefix="bibkit-bibtex-") as tmp:
        work = Path(tmp)
        shutil.copyfile(bib, work / "refs.bib")
        (work / "doc.aux").write_text("\\relax\n\\citation{*}\n\\bibstyle{" + style + "}\n\\bibdata{refs}\n")
        try:
            proc = subprocess.run(["bibtex", "-terse", "doc"], cwd=work, capture_output=True, timeout=timeout,
                                  env={**os.environ, "openout_any": "a"})
        except subprocess.TimeoutExpired:
            return BlgCounts(0, 0, ran=False)
        blg = (work / "doc.blg").read_text(encoding="latin-1") if (work / "doc.blg").exists() else ""
        if proc.returncode > 2 or not blg:  # 3 = fatal error: BibTeX stopped
            return BlgCounts(_count(_BIBTEX_ERRORS.search(blg)), _count(_BIBTEX_WARNINGS.search(blg)), ran=False)
        return BlgCounts(_count(_BIBTEX_ERRORS.search(blg)), _count(_BIBTEX_WARNINGS.search(blg)))


_BCF_CACHE: dict[str, str] = {}


def _bcf_template() -> str:
    """A biblatex control file (``.bcf``) for ``\\nocite{*}`` over ``refs.bib``, made once by pdflatex."""
    if "bcf" not in _BCF_CACHE:
        with tempfile.TemporaryDirectory(prefix="bibkit-bcf-") as tmp:
            work = Path(tmp)
            (work / "refs.bib").write_text("")
            (work / "doc.tex").write_text(
                "\\documentclass{article}\\usepackage[backend=biber]{biblatex}\\addbibresource{refs.bib}"
                "\\begin{document}\\nocite{*}\\printbibliography\\end{document}\n")
            subprocess.run(["pdflatex", "-interaction=nonstopmode", "-draftmode", "doc.tex"], cwd=work,
                           capture_output=True, timeout=300)
            _BCF_CACHE["bcf"] = (work / "doc.bcf").read_text(encoding="utf-8")
    return _BCF_CACHE["bcf"]


_BIBER_ERRORS = re.compile(r"^\[\d+\] .*?> ERROR - ", re.MULTILINE)
_BIBER_WARNINGS = re.compile(r"^\[\d+\] .*?> WARN - ", re.MULTILINE)


def biber_counts(bib: Path, timeout: float = 900) -> BlgCounts:
    """Run ``biber`` on ``bib`` with every entry cited, counting ``ERROR``/``WARN`` lines of its ``.blg``."""
    bcf = _bcf_template()
    with tempfile.TemporaryDirectory(prefix="bibkit-biber-") as tmp:
        work = Path(tmp)
        shutil.copyfile(bib, work / "refs.bib")
        (work / "doc.bcf").write_text(bcf, encoding="utf-8")
        try:
            proc = subprocess.run(["biber", "--nodieonerror", "doc"], cwd=work, capture_output=True, timeout=timeout)
        except subprocess.TimeoutExpired:
            return BlgCounts(0, 0, ran=False)
        blg = (work / "doc.blg").read_text(encoding="utf-8", errors="replace") if (work / "doc.blg").exists() else ""
        errors = len(_BIBER_ERRORS.findall(blg))
        warnings = len(_BIBER_WARNINGS.findall(blg))
        return BlgCounts(errors, warnings, ran=proc.returncode in (0, 2) and "INFO - Output to" in blg)
