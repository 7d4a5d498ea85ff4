#!/usr/bin/env python3
"""Benchmark: read + normalise + write a 10,000-entry .bib with bibkit, against bibtexparser v2.

    python bench/normalise.py [--entries 10000] [--quick] [--memory [--memory-entries 100000]]

A realistic ``.bib`` (about 15 MB for 10,000 entries) is generated into a temporary
directory: articles, conference papers, arXiv preprints and books with 1–12 authors
whose names carry LaTeX accents (``M{\\"u}ller``, ``Dvo{\\v{r}}{\\'a}k``), organisation
names in braces, titles with ``{NLP}``, ``\\&``, ``--`` and math, ~1,200-character
abstracts from the example listing, ``@string`` journal macros, month macros,
DOIs, arXiv eprints and keywords.

Three timings, same file, same run:

* **bibkit** — :func:`bibkit.sources.bibfile.read` (its BibTeX-grammar scanner, then
  macros, LaTeX decoding, names, dates, identifiers into the model), then
  :func:`bibkit.normalize.normalise` (keys, duplicates), then
  :func:`bibkit.writers.write` (BibTeX);
* **(a)** bibtexparser v2 bare: ``parse_string`` (default middleware) + ``write_string``;
* **(b)** bibtexparser v2 with its own decoding: ``parse_string`` with
  ``LatexDecodingMiddleware``, ``SeparateCoAuthors`` and ``SplitNameParts``
  (+ ``write_string``).  This takes minutes; ``--quick`` times it on a
  1,000-entry slice and scales the time up (clearly labelled as an estimate).

Times are CPU seconds of this process (``time.process_time``): all three contenders are
single-threaded, and CPU time is not inflated by other work on a shared machine.
Targets: bibkit within 1.5x of (a), at least 30x faster than (b).
``--memory`` measures the peak RSS (``resource.getrusage``) of bibkit's
read + normalise + write of 100,000 entries in a fresh subprocess (target < 1 GB).
"""

from __future__ import annotations

import argparse
import gc
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# --------------------------------------------------------------------------- generating the file

FAMILY = [r"M{\"u}ller", r"Dvo{\v{r}}{\'a}k", r"{\"O}zt{\"u}rk", r"Erd{\H{o}}s", r"Garc{\'\i}a", r"Nu{\~n}ez",
          r"Ko{\l}odziej", r"S{\o}rensen", r"Bj{\"o}rk", "Smith", "Wang", "Zhang", "Li", "Chen", "Kumar",
          "Nguyen", "Johnson", "Brown", "Dai", "Deng", "Liu", "Yang", "Huang", "Zhao", "Wu", "Schmidt",
          r"Fran{\c{c}}ois", r"Jos{\'e}", "Tanaka", "Kim", "Park", "Rossi", "Silva", "Ivanov", "O'Brien"]
GIVEN = ["Anna", "Jörg", r"J{\"o}rg", "Wei", "Damai", "Maria", r"Ren{\'e}", "Li", "Hiroshi", "Sofia", r"Zo{\"e}",
         "Ahmed", "Priya", "Lars", r"Ay{\c{s}}e", "Jan", "Chen", "Yuki", "Pedro", "Olga", "A.", "J. R."]
ORGS = ["{DeepSeek-AI}", "{Qwen Team}", "{Google DeepMind}", "{The ATLAS Collaboration}", "{OpenAI}"]
PARTICLES = ["van der", "de", "von", "da"]
JOURNALS = {"tpami": "IEEE Transactions on Pattern Analysis and Machine Intelligence",
            "jmlr": "Journal of Machine Learning Research", "nature": "Nature",
            "tacl": "Transactions of the Association for Computational Linguistics"}
VENUES = ["Advances in Neural Information Processing Systems", "International Conference on Machine Learning",
          "Proceedings of the 62nd Annual Meeting of the Association for Computational Linguistics",
          "International Conference on Learning Representations", "Conference on Computer Vision and Pattern "
          "Recognition"]
TITLE_SPICE = [r"{NLP}", r"{LLMs}", r"\& ", r"--", r"$\alpha$-", r"{\"U}ber ", r"{MoE}", r"{GPT-4}", "3D ",
               r"na{\"\i}ve ", r"{BERT}"]
TOPICS = ["retrieval", "diffusion", "robotics", "speech", "graph", "protein", "federated", "quantization",
          "distillation", "alignment", "hallucination", "multilingual", "tokenizer", "curriculum", "contrastive",
          "sparsity", "pruning", "watermarking", "privacy", "fairness", "for", "with", "and", "via", "beyond"]
CATEGORIES = ["cs.CL", "cs.LG", "cs.AI", "cs.CV", "stat.ML", "cs.IR", "math.OC"]


def _corpus() -> tuple[list[str], list[str]]:
    from bibkit.sources import read_path

    doc = read_path(str(ROOT / "examples" / "hf-trending-papers.txt"))
    titles = [e.title for e in doc.entries if e.title]
    abstracts = [e.abstract for e in doc.entries if e.abstract]
    return titles, abstracts


def _escape(text: str) -> str:
    return (text.replace("\\", "").replace("&", r"\&").replace("%", r"\%").replace("#", r"\#")
            .replace("_", r"\_").replace("$", r"\$").replace("{", "").replace("}", ""))


def _name(rng: random.Random) -> str:
    r = rng.random()
    if r < 0.03:
        return rng.choice(ORGS)
    family = rng.choice(FAMILY)
    given = rng.choice(GIVEN)
    if r < 0.08:
        return f"{rng.choice(PARTICLES)} {family}, {given}"
    if r < 0.45:
        return f"{given} {family}"
    return f"{family}, {given}"


def generate(n: int, seed: int = 1) -> str:
    rng = random.Random(seed)
    titles, abstracts = _corpus()
    out = ["% generated by bench/normalise.py", ""]
    for macro, name in JOURNALS.items():
        out.append(f'@string{{{macro} = "{name}"}}')
    out.append("")
    months = "jan feb mar apr may jun jul aug sep oct nov dec".split()
    taken_ids: set[str] = set()
    for i in range(n):
        # recombine two real titles and a topic word, so titles are as unique as in a real library
        first, second = rng.choice(titles).split(), rng.choice(titles).split()
        words = first[: max(2, len(first) // 2)] + [rng.choice(TOPICS)] + second[len(second) // 2:]
        if words and rng.random() < 0.6:
            pos = rng.randrange(len(words))
            words.insert(pos, rng.choice(TITLE_SPICE).strip())
        title = _escape(" ".join(words)).replace(r"\&", "&").replace("&", r"\&")
        for spice in (r"{NLP}", r"{LLMs}", r"{MoE}", r"{GPT-4}", r"{BERT}", r"{\"U}ber", r"$\alpha$-",
                      r"na{\"\i}ve"):
            title = title.replace(_escape(spice), spice) if _escape(spice) in title else title
        abstract = " ".join(_escape(rng.choice(abstracts)) for _ in range(1))[:1100]
        authors = " and ".join(_name(rng) for _ in range(rng.randint(1, 12)))
        year = rng.randint(1995, 2025)
        kind = rng.random()
        key = f"key{i:06d}"
        fields = [("author", "{" + authors + "}"), ("title", "{" + title + "}")]
        if kind < 0.35:
            etype = "article"
            fields += [("journal", rng.choice(list(JOURNALS))), ("volume", f"{{{rng.randint(1, 60)}}}"),
                       ("number", f"{{{rng.randint(1, 12)}}}"),
                       ("pages", f"{{{(p := rng.randint(1, 900))}--{p + rng.randint(5, 30)}}}")]
        elif kind < 0.65:
            etype = "inproceedings"
            fields += [("booktitle", "{" + rng.choice(VENUES) + "}"), ("pages", f"{{{rng.randint(1, 900)}--"
                                                                                 f"{rng.randint(901, 999)}}}"),
                       ("publisher", "{Curran Associates, Inc.}")]
        elif kind < 0.95:
            etype = "misc"
            yy = year % 100 if year >= 2015 else 15 + i % 10
            month, number = rng.randint(1, 12), rng.randint(10000, 99999)
            while (arxiv := f"{yy:02d}{month:02d}.{number}") in taken_ids:  # one paper per arXiv ID, as on arXiv
                number = 10000 + (number - 9999) % 90000  # (same draws as before: the rest of the file is as it was)
            taken_ids.add(arxiv)
            fields += [("eprint", "{" + arxiv + "}"), ("archivePrefix", "{arXiv}"),
                       ("primaryClass", "{" + rng.choice(CATEGORIES) + "}")]
        else:
            etype = "book"
            fields = [("editor", fields[0][1]), fields[1], ("publisher", "{Springer}"),
                      ("address", r"{Z{\"u}rich}")]
        fields.append(("year", str(year)))
        if rng.random() < 0.6:
            fields.append(("month", rng.choice(months)))
        if rng.random() < 0.7:
            fields.append(("doi", f"{{10.{rng.randint(1000, 9999)}/{key}.{rng.randint(1, 999)}}}"))
        if rng.random() < 0.5:
            fields.append(("url", f"{{https://example.org/papers/{key}}}"))
        if rng.random() < 0.5:
            fields.append(("keywords", "{" + ", ".join(rng.sample(["llm", "moe", "nlp", "vision", "rl",
                                                                   "survey", "medical"], 3)) + "}"))
        fields.append(("abstract", "{" + abstract + "}"))
        out.append(f"@{etype}{{{key},")
        out.extend(f"  {k} = {v}," for k, v in fields)
        out.append("}")
        out.append("")
    return "\n".join(out)


# --------------------------------------------------------------------------- timing

#: CPU time of this process: the benchmark shares its machine with other work, and all three
#: contenders are single-threaded, so CPU seconds compare them more fairly than wall-clock time
_clock = time.process_time


def time_bibkit(text: str, path: str) -> dict[str, float]:
    from bibkit.normalize import normalise
    from bibkit.sources.bibfile import read
    from bibkit.writers import write

    gc.collect()
    t0 = _clock()
    doc = read(text, path)
    t1 = _clock()
    normalise(doc)
    t2 = _clock()
    out = write(doc, "bibtex")
    t3 = _clock()
    assert len(doc.entries) > 0 and out
    return {"read": t1 - t0, "normalise": t2 - t1, "write": t3 - t2, "total": t3 - t0}


def time_bare(text: str) -> float:
    import bibtexparser

    gc.collect()
    t0 = _clock()
    lib = bibtexparser.parse_string(text)
    out = bibtexparser.write_string(lib)
    assert out
    return _clock() - t0


def time_decoding(text: str) -> float:
    import bibtexparser
    from bibtexparser.middlewares import LatexDecodingMiddleware, SeparateCoAuthors, SplitNameParts

    gc.collect()
    t0 = _clock()
    lib = bibtexparser.parse_string(
        text, append_middleware=[LatexDecodingMiddleware(), SeparateCoAuthors(), SplitNameParts()])
    from bibtexparser.middlewares import MergeCoAuthors, MergeNameParts

    out = bibtexparser.write_string(lib, prepend_middleware=[MergeNameParts(), MergeCoAuthors()])
    assert out
    return _clock() - t0


def _slice(text: str, n: int) -> str:
    """The first ``n`` entries of a generated file (with its @string header)."""
    parts = text.split("\n@")
    head = [p for p in parts[:6] if p.startswith("string") or not p.startswith(("article", "misc", "book",
                                                                               "inproceedings"))]
    entries = [p for p in parts if p.startswith(("article", "misc", "book", "inproceedings"))][:n]
    return "\n@".join(head + entries)


# --------------------------------------------------------------------------- memory


def _memory_child(path: str) -> None:
    from bibkit.normalize import normalise
    from bibkit.sources.bibfile import read
    from bibkit.writers import write

    text = Path(path).read_text(encoding="utf-8")
    doc = read(text, path)
    del text
    normalise(doc)
    out = write(doc, "bibtex")
    n = len(doc.entries)
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"entries": n, "peak_rss_mb": peak_kb / 1024, "output_mb": len(out) / 1e6}))


def run_memory(entries: int) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "big.bib"
        path.write_text(generate(entries), encoding="utf-8")
        size = path.stat().st_size
        proc = subprocess.run([sys.executable, __file__, "--memory-child", str(path)], capture_output=True,
                              text=True, check=True)
        result = json.loads(proc.stdout.strip().splitlines()[-1])
        result["file_mb"] = size / 1e6
        return result


# --------------------------------------------------------------------------- main


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--entries", type=int, default=10_000)
    ap.add_argument("--quick", action="store_true", help="time (b) on a 1,000-entry slice and scale it up")
    ap.add_argument("--skip-b", action="store_true", help="do not time (b) at all")
    ap.add_argument("--memory", action="store_true", help="also measure peak RSS for --memory-entries entries")
    ap.add_argument("--memory-entries", type=int, default=100_000)
    ap.add_argument("--memory-child", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.memory_child:
        _memory_child(args.memory_child)
        return 0

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.bib"
        text = generate(args.entries)
        path.write_text(text, encoding="utf-8")
        text = path.read_text(encoding="utf-8")
        print(f"generated {args.entries:,} entries, {path.stat().st_size / 1e6:.1f} MB")

        bibkit_t = time_bibkit(text, str(path))
        bare_t = time_bare(text)
        print(f"bibkit read+normalise+write : {bibkit_t['total']:7.2f} s  (read {bibkit_t['read']:.2f}, "
              f"normalise {bibkit_t['normalise']:.2f}, write {bibkit_t['write']:.2f})")
        print(f"(a) bibtexparser bare       : {bare_t:7.2f} s   bibkit/(a) = {bibkit_t['total'] / bare_t:.2f}x "
              f"(target <= 1.5x)")
        if not args.skip_b:
            if args.quick:
                n = min(1000, args.entries)
                dec_small = time_decoding(_slice(text, n))
                dec_t = dec_small * args.entries / n
                label = f"(b) decoding, ESTIMATE from {n:,} entries x{args.entries / n:.0f}"
            else:
                dec_t = time_decoding(text)
                label = "(b) bibtexparser decoding  "
            print(f"{label}: {dec_t:7.2f} s   (b)/bibkit = {dec_t / bibkit_t['total']:.1f}x (target >= 30x)")
    if args.memory:
        mem = run_memory(args.memory_entries)
        print(f"memory: {mem['entries']:,} entries ({mem['file_mb']:.0f} MB .bib): peak RSS "
              f"{mem['peak_rss_mb']:.0f} MB (target < 1024 MB)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
