#!/usr/bin/env python3
"""Benchmark and conformance report over the real .bib files TeX Live installs.

    python bench/corpus.py [--compile] [--dir DIR ...]

Finds the corpus like the conformance test (bibkit.testing.bibcorpus.find_corpus; --dir adds
directories of your own .bib files) and prints, for the same files in the same run:

* **speed**: files, entries and CPU seconds for bibkit's read (bibkit.sources.bibfile.read) and
  read + write as written, next to bibtexparser v2's ``parse_string`` (its default middleware)
  and ``parse_string`` + ``write_string`` — the ratio is against bibtexparser;
* **conformance** (``bibkit convert --no-dedupe`` semantics: read → normalise → write as written):
  entries and fields an independent BibTeX-grammar parser (pybtex's) reads in each input and in
  bibkit's output — lost, added, changed, types changed — and files that are not a fixpoint after
  one pass (without and with duplicate merging);
* with ``--compile``: errors and warnings of ``bibtex`` (plain, every entry cited) and ``biber`` on
  every input and output (biber takes a few minutes for the whole corpus).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bibkit.testing.bibcorpus import biber_counts, bibtex_counts, compare_texts, find_corpus  # noqa: E402


def _read(path: Path) -> str:
    data = path.read_bytes()
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252")


def _convert(text: str, name: str, dedupe: bool) -> str:
    from bibkit.pipeline import normalise_document, render
    from bibkit.sources import read_text

    doc = read_text(text, name, "bib")
    normalise_document(doc, dedupe=dedupe)
    return render(doc)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--compile", action="store_true", help="also run bibtex and biber on every input and output")
    ap.add_argument("--dir", action="append", default=[], help="another directory of .bib files")
    args = ap.parse_args()

    files = find_corpus(args.dir)
    if not files:
        print("no .bib files found: install TeX Live (texlive-bibtex-extra) or pass --dir", file=sys.stderr)
        return 1
    texts = [(p, _read(p)) for p in files]
    size = sum(len(t) for _, t in texts)

    import bibtexparser

    from bibkit.sources.bibfile import read
    from bibkit.writers import write

    timings = {}
    start = time.process_time()
    docs = [read(t, str(p)) for p, t in texts]
    timings["bibkit read"] = time.process_time() - start
    start = time.process_time()
    for doc in docs:
        write(doc, None)
    timings["bibkit read + write"] = timings["bibkit read"] + time.process_time() - start
    start = time.process_time()
    libs = [bibtexparser.parse_string(t) for _, t in texts]
    timings["bibtexparser parse"] = time.process_time() - start
    start = time.process_time()
    for lib in libs:
        bibtexparser.write_string(lib)
    timings["bibtexparser parse + write"] = timings["bibtexparser parse"] + time.process_time() - start
    entries = sum(len(d.entries) for d in docs)
    bp_entries = sum(len(lib.entries) for lib in libs)
    print(f"{len(files)} files, {size / 1e6:.1f} MB; entries read: bibkit {entries:,}, bibtexparser {bp_entries:,}")
    for name, secs in timings.items():
        base = timings["bibtexparser parse" if "write" not in name else "bibtexparser parse + write"]
        print(f"  {name:28s} {secs:6.2f} s CPU" + ("" if name.startswith("bibtexparser") else
                                                    f"   {secs / base:.2f}x bibtexparser"))

    print("\nconformance (pybtex reads input and bibkit's output; convert --no-dedupe):")
    totals = dict(entries=0, fields=0, lost=0, added=0, types=0, fields_lost=0, fields_added=0, fields_changed=0)
    not_fix: list[str] = []
    compile_rows = []
    for path, text in texts:
        out = _convert(text, str(path), False)
        diff = compare_texts(text, out)
        totals["entries"] += diff.entries
        totals["fields"] += diff.fields
        totals["lost"] += len(diff.entries_lost)
        totals["added"] += len(diff.entries_added)
        totals["types"] += len(diff.types_changed)
        totals["fields_lost"] += len(diff.fields_lost)
        totals["fields_added"] += len(diff.fields_added)
        totals["fields_changed"] += len(diff.fields_changed)
        if not diff.same:
            print(f"  {path.name}: {diff.summary()}")
            for line in diff.examples(3):
                print(f"      {line}")
        if _convert(out, str(path), False) != out:
            not_fix.append(path.name)
        merged = _convert(text, str(path), True)
        if _convert(merged, str(path), True) != merged:
            not_fix.append(path.name + " (dedupe)")
        if args.compile:
            tmp = Path("/tmp") / f"bibkit-corpus-{path.name}"
            tmp.write_text(out, encoding="utf-8")
            row = (path.name, bibtex_counts(path), bibtex_counts(tmp), biber_counts(path), biber_counts(tmp))
            tmp.unlink()
            compile_rows.append(row)
            print(f"  {path.name:32s} bibtex e {row[1].errors}->{row[2].errors} w {row[1].warnings}->{row[2].warnings}"
                  f" | biber e {row[3].errors}->{row[4].errors} w {row[3].warnings}->{row[4].warnings}", flush=True)
    print(f"  {totals['entries']:,} entries, {totals['fields']:,} fields: {totals['lost']} entries lost, "
          f"{totals['added']} added, {totals['types']} types changed; {totals['fields_lost']} fields lost, "
          f"{totals['fields_added']} added, {totals['fields_changed']} changed")
    print(f"  not a fixpoint after one pass: {', '.join(not_fix) if not_fix else 'none'}")
    if compile_rows:
        def tot(i: int, attr: str) -> int:
            return sum(getattr(r[i], attr) for r in compile_rows)
        print(f"  bibtex errors {tot(1, 'errors')} -> {tot(2, 'errors')}, warnings {tot(1, 'warnings')} -> "
              f"{tot(2, 'warnings')}; biber errors {tot(3, 'errors')} -> {tot(4, 'errors')}, warnings "
              f"{tot(3, 'warnings')} -> {tot(4, 'warnings')}")
        worse = [r[0] for r in compile_rows if r[2].errors > r[1].errors or r[2].warnings > r[1].warnings
                 or r[4].errors > r[3].errors or r[4].warnings > r[3].warnings]
        print(f"  files with a new error or warning: {', '.join(worse) if worse else 'none'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
