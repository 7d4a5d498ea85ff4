"""Fuzzing the ``.bib`` round trip with files built from real-format pieces.

Used by ``tests/test_bib_fuzz.py`` (a fixed seed, a few hundred cases, in CI) and
``bench/fuzz.py`` (thousands, optionally with TeX Live's bibliographies as pieces).  It lives
with the tests, not in :mod:`bibkit.testing`: it runs the whole ``convert`` job, which the
shared layer may not import.
A case is a file made of blocks taken from real ``.bib`` shapes (exports of JabRef,
Better BibTeX, Mendeley, DBLP, IEEEtran control entries, BibLaTeX, ``@string``,
``@preamble``, ``@comment``, free text, the reproducers of issue #16), some of them
mutated the ways files really break: a brace or quote deleted or added, a comma
dropped, a line cut, an ``@`` or ``%`` inserted, a NUL byte, CRLF, a truncated end.
Every entry gets a unique key so entries can be followed through the run.

:func:`check` runs what ``bibkit convert`` runs (read → normalise → write, as written)
and returns what went wrong, if anything:

* an exception (never acceptable: bad input is a reported problem);
* an entry of an untouched, well-formed piece missing from the output or written with other
  fields (without duplicate merging); and when the output is all well formed, such an entry
  that the reference parser (:func:`bibkit.testing.bibcorpus.compare_texts`, BibTeX's grammar)
  reads in the input but not, or with other fields, in the output;
* output that changes when converted again (a fixpoint after one pass);
* a NUL byte or a field written twice in the output.
"""

from __future__ import annotations

import random
import re
import traceback
from dataclasses import dataclass, field
from typing import Iterable

__all__ = ["SNIPPETS", "Case", "pieces_of", "make_case", "check", "Failure"]

#: real-format pieces (hand-written in the style of each exporter, not copies of files)
SNIPPETS = [
    "% This file was created with JabRef 5.9.\n% Encoding: UTF-8\n",
    "@String{ieee_tpami = {IEEE Transactions on Pattern Analysis and Machine Intelligence}}\n",
    "@STRING{pub-SV = \"Spr{\\-}inger-Ver{\\-}lag\"}\n",
    "@string(jnl = \"Journal of \" # \"Things\")\n",
    "@Preamble{ \"\\providecommand{\\noopsort}[1]{}\" }\n",
    "@Article{He2016,\n  author    = {He, Kaiming and Zhang, Xiangyu},\n  journal   = ieee_tpami,\n"
    "  title     = {Deep Residual Learning for Image Recognition},\n  year      = {2016},\n  month     = jun,\n"
    "  pages     = {770--778},\n  doi       = {10.1109/CVPR.2016.90},\n  file      = {:He2016.pdf:PDF},\n}\n",
    "@Comment{jabref-meta: databaseType:bibtex;}\n",
    "@inproceedings{vaswani_attention_2017,\n\ttitle = {Attention is {All} you {Need}},\n\tvolume = {30},\n"
    "\turl = {https://proceedings.neurips.cc/paper/2017/hash/3f5ee243547dee91fbd053c1c4a845aa-Abstract.html},\n"
    "\tbooktitle = {Advances in {Neural} {Information} {Processing} {Systems}},\n\tpublisher = {Curran Associates, Inc.},\n"
    "\tauthor = {Vaswani, Ashish and Shazeer, Noam and Parmar, Niki},\n\tyear = {2017},\n"
    "\tkeywords = {attention, transformers},\n}\n",
    "@article{mendeley1,\nabstract = {We study 50{\\%} of cases {\\&} more.},\narchivePrefix = {arXiv},\n"
    "arxivId = {2401.06066},\nauthor = {M{\\\"{u}}ller, J{\\\"{o}}rg and Dai, Damai},\neprint = {2401.06066},\n"
    "file = {:home/alice/Mendeley/Muller2024.pdf:pdf},\nmendeley-groups = {MoE},\ntitle = {{DeepSeekMoE}: Towards Ultimate Expert Specialization},\n"
    "year = {2024}\n}\n",
    "@inproceedings{DBLP:conf/nips/VaswaniSPUJGKP17,\n  author       = {Ashish Vaswani and\n                  Noam Shazeer},\n"
    "  title        = {Attention is All you Need},\n  booktitle    = {Advances in Neural Information Processing Systems 30},\n"
    "  pages        = {5998--6008},\n  year         = {2017},\n  biburl       = {https://dblp.org/rec/conf/nips/VaswaniSPUJGKP17.bib},\n"
    "  bibsource    = {dblp computer science bibliography, https://dblp.org}\n}\n",
    "@IEEEtranBSTCTL{IEEEexample:BSTcontrol,\n  CTLuse_article_number     = \"yes\",\n  CTLmax_names_forced_etal  = \"10\",\n}\n",
    "@electronic{IEEEhowto:IEEEtranpage,\n  author = \"Michael Shell\",\n  title = \"{IEEEtran} Homepage\",\n"
    "  howpublished = \"\\url{http://www.michaelshell.org/tex/ieeetran/}\",\n  year = \"2008\"\n}\n",
    "@online{ctan,\n  title = {CTAN},\n  date = {2006},\n  url = {http://www.ctan.org},\n  urldate = {2006-10-01},\n"
    "  subtitle = {{The Comprehensive TeX Archive Network}},\n  label = {CTAN},\n}\n",
    "@article{baez/article,\n  author = {Baez, John C. and Lauda, Aaron D.},\n  title = {Higher-Dimensional Algebra V: 2-Groups},\n"
    "  journaltitle = {Theory and Applications of Categories},\n  date = 2004,\n  volume = 12,\n  pages = {423-491},\n"
    "  eprint = {math/0307200v3},\n  eprinttype = {arxiv},\n}\n",
    "@periodical{jcg,\n  editor = {Doe, J.},\n  title = {Computers and Graphics},\n  volume = 35,\n  date = {2011/2012},\n}\n",
    "@Book{Tschichold:NT91,\n  author = \"Jan Tschichold\",\n  title = \"Die neue Typographie\",\n"
    "  subtitle = \"{Ein Handbuch f{\\\"u}r zeitgem{\"a}{\\ss} Schaffende}\",\n  publisher = pub-SV,\n  year = \"1987\",\n}\n",
    "@misc{bs,\n  title = {\\textbackslash\\textbackslash\\{\\}: \\\\{}},\n  note = {after},\n}\n",
    "@COMMENTED{erm,\n  author = {Erman, Walter},\n  title = {Kommentar},\n}\n",
    "...legal things.@\nMaNuAl  (scribe,\n  TITLE=\"Scribe Introductory User's Manual\",\n  YEAR = 1978 )\n",
    "@article{ strange(key)=(has_odd-characters?:*!<>/ ,\n  title = {Odd},\n  year = 2001,\n}\n",
    "@misc{tj,\n  note = {e-mail: \\path|edgar%munucs.mun.ca@uwavm.acs.| and \\verb|a&b|},\n  year = 1990,\n}\n",
    "@inbook{kant,\n  author = {Kant, Immanuel},\n  title = {Kritik},\n  location = Tue,\n  series = IstForsch,\n  year = 1968,\n}\n",
    "@InProceedings{inproc,\n  author = {A, B},\n  title = {Paper},\n  crossref = {proc},\n  pages = {1--2},\n}\n",
    "@Proceedings{proc,\n  editor = {Ed, E.},\n  title = {Proceedings of the Conference},\n  year = 1990,\n}\n",
    "@xdata{conf,\n  booktitle = {Proceedings},\n  publisher = {Springer},\n}\n",
    "Free text between entries, as people leave it: notes, old entries, a mail me@example.org.\n",
    "% @misc{old, title = {A commented-out entry}}\n",
    "@comment{An explicit comment with {balanced {nested}} braces.}\n",
    "@comment This is BibTeX's bare comment.\n",
    "@book{ipa,\n  author = {Ladefoged, Peter},\n  title = {The sounds ɛ and ʃ and Øresund},\n  year = 1996,\n}\n",
    "@misc{months,\n  author = {Knuth, Donald E.},\n  title = {Computer Modern},\n  year = 1981,\n  month = \"winter\",\n}\n",
    "@book{dup1,\n  author = {Knuth, Donald E.},\n  title = {The {\\TeX}book},\n  year = 1984,\n  year = 1986,\n}\n",
]

_HEAD = re.compile(r"@(\s*)([^\x00-\x20\"#%'(),={}\x7f]+)(\s*)([{(])(\s*)([^,\s}]*)(?=[\s,}])")
_BLOCK_START = re.compile(r"(?m)^[ \t]*(?=@)")


def pieces_of(texts: Iterable[str]) -> list[str]:
    """Split ``.bib`` texts into pieces at every ``@`` that starts a line (a piece may be text)."""
    out: list[str] = []
    for text in texts:
        text = text.replace("\r\n", "\n").lstrip("\ufeff")
        starts = [m.start() for m in _BLOCK_START.finditer(text)]
        bounds = [0, *starts, len(text)]
        for a, b in zip(bounds, bounds[1:]):
            piece = text[a:b].strip("\n")
            if piece.strip():
                out.append(piece + "\n")
    return out


def _unique(piece: str, n: int) -> str:
    """The piece with its entry key made unique (so entries can be followed through a run)."""
    m = _HEAD.search(piece)
    if m is None or m.group(2).lower() in ("comment", "string", "preamble") or not m.group(6):
        return piece
    return piece[:m.start(6)] + f"{m.group(6)}-f{n}" + piece[m.end(6):]


def _mutate(rng: random.Random, piece: str) -> str:
    if not piece:
        return piece
    kind = rng.randrange(12)
    i = rng.randrange(len(piece))
    if kind == 0:  # delete a brace, quote or comma
        spots = [k for k, c in enumerate(piece) if c in '{}",']
        if spots:
            k = rng.choice(spots)
            return piece[:k] + piece[k + 1:]
        return piece[:i] + piece[i + 1:]
    if kind == 1:
        return piece[:i] + rng.choice(["{", "}", '"', ",", "#", "=", "(", ")"]) + piece[i:]
    if kind == 2:  # cut the piece short
        return piece[:i]
    if kind == 3:
        return piece[:i] + rng.choice(["\n@", "@", "\n% ", "%", "\n@misc{", "@comment{"]) + piece[i:]
    if kind == 4:
        return piece[:i] + "\x00" + piece[i:]
    if kind == 5:
        return piece.replace("\n", "\r\n")
    if kind == 6:  # a line duplicated
        lines = piece.split("\n")
        k = rng.randrange(len(lines))
        lines.insert(k, lines[k])
        return "\n".join(lines)
    if kind == 7:  # a line removed
        lines = piece.split("\n")
        del lines[rng.randrange(len(lines))]
        return "\n".join(lines)
    if kind == 8:
        return piece[:i] + rng.choice(["\\", "\\{", "\\}", "$", "&", "%", "~", "ü", "\u00a0", "\t"]) + piece[i:]
    if kind == 9:  # swap two characters
        j = min(len(piece) - 1, i + 1)
        return piece[:i] + piece[j] + piece[i] + piece[j + 1:]
    if kind == 10:
        return piece + "}" * rng.randint(1, 3)
    return rng.choice(["@", "}", "{", "=", ","]) * rng.randint(1, 4) + piece


def _clean_entries(piece: str) -> dict[str, list[tuple[str, str]]]:
    """The entries of a piece that both BibTeX's grammar (pybtex, strictly) and bibkit's scanner read
    without an error (a piece from a broken test file is not intact even unmutated), by casefolded
    key: their (field name, raw value) list, duplicates of a field name excluded (the reader moves
    the second one out)."""
    from pybtex.database.input.bibtex import LowLevelParser, month_names

    from bibkit.sources.bibscan import scan

    blocks = scan(piece)
    if any(b.kind == "broken" or b.warnings for b in blocks):
        return {}
    errors: list[Exception] = []
    for _command, _body in LowLevelParser(piece, macros=dict(month_names), handle_error=errors.append):
        pass
    if errors:
        return {}
    out = {}
    for b in blocks:
        if b.kind == "entry" and b.key:
            fields = [(n.lower(), v) for n, v, _l, _p in b.fields]
            if len({n for n, _ in fields}) == len(fields):
                out[b.key.casefold()] = fields
    return out


@dataclass
class Case:
    """One generated file and the entries of the pieces that were not mutated (by casefolded key:
    their fields, as the scanner reads them)."""

    text: str
    intact: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    seed: int = 0


def make_case(rng: random.Random, pieces: list[str], *, size: tuple[int, int] = (2, 12),
              mutation_rate: float = 0.25, seed: int = 0) -> Case:
    """A file of ``size`` pieces, each mutated with probability ``mutation_rate``."""
    chosen: list[str] = []
    intact: dict[str, list[tuple[str, str]]] = {}
    for n in range(rng.randint(*size)):
        piece = _unique(rng.choice(pieces), n)
        if rng.random() < mutation_rate:
            for _ in range(rng.randint(1, 2)):
                piece = _mutate(rng, piece)
        else:
            intact.update(_clean_entries(piece))
        chosen.append(piece)
    sep = rng.choice(["\n", "\n\n", "\n\n\n"])
    text = sep.join(chosen)
    if rng.random() < 0.1:
        text = text.rstrip("\n")
    return Case(text, intact, seed)


@dataclass
class Failure:
    """Why a case failed, with the text to reproduce it."""

    case: Case
    what: str
    detail: str = ""

    def __str__(self) -> str:
        return f"seed {self.case.seed}: {self.what}\n{self.detail}\n--- input ---\n{self.case.text}"


def _run(text: str, dedupe: bool) -> str:
    from bibkit.pipeline import normalise_document, render
    from bibkit.sources import read_text

    doc = read_text(text, "fuzz.bib", "bib")
    normalise_document(doc, dedupe=dedupe)
    return render(doc)


def check(case: Case) -> Failure | None:
    """Run the case without and with duplicate merging; the first thing wrong, or ``None``."""
    from bibkit.sources.bibscan import scan
    from bibkit.testing.bibcorpus import compare_texts

    for dedupe in (False, True):
        try:
            once = _run(case.text, dedupe)
            twice = _run(once, dedupe)
        except Exception:  # noqa: BLE001 - a fuzz harness reports every crash
            return Failure(case, f"exception (dedupe={dedupe})", traceback.format_exc())
        if twice != once:
            import difflib

            diff = "\n".join(difflib.unified_diff(once.splitlines(), twice.splitlines(), lineterm="", n=1))
            return Failure(case, f"not a fixpoint (dedupe={dedupe})", diff[:3000])
        if "\x00" in once:
            return Failure(case, "a NUL byte in the output")
        for block in scan(once):
            names = [f[0].lower() for f in block.fields]
            if len(names) != len(set(names)):
                return Failure(case, "a field written twice", f"{block.key}: {names}")
        if not dedupe and case.intact:
            out_blocks = scan(once)
            written = {b.key.casefold(): b for b in out_blocks if b.kind == "entry"}
            lost = []
            for key, fields in case.intact.items():
                got = written.get(key)
                if got is None:
                    lost.append(key)
                elif [(n.lower(), v) for n, v, _l, _p in got.fields] != fields:
                    lost.append(f"{key} (fields)")
            if not any(b.kind == "broken" for b in out_blocks):
                # the output is all well formed: BibTeX (pybtex) must read every intact entry as before
                text = case.text.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "")
                seen = compare_texts(text, once)
                lost += [k for k in seen.entries_lost if k.casefold() in case.intact]
                lost += [f"{k}.{f}" for k, f in seen.fields_lost if k.casefold() in case.intact]
                lost += [f"{k}.{f}" for k, f, _a, _b in seen.fields_changed if k.casefold() in case.intact]
            if lost:
                return Failure(case, "an intact entry or field lost or changed", ", ".join(lost[:10]))
    return None
