#!/usr/bin/env python3
"""Benchmark and soak test: fuzz the .bib round trip with thousands of generated files.

    python bench/fuzz.py [--cases 5000] [--seed 1] [--no-texlive] [--mutation-rate 0.3]

Files are built from real-format pieces (tests/bibfuzz.py's SNIPPETS, the test suite's .bib files
and, unless --no-texlive, the bibliographies TeX Live installs), some mutated the ways files break.
Each file is converted (read → normalise → write, with and without duplicate merging) and checked:
no exception, every intact entry kept with its fields, no NUL byte or repeated field in the output,
and a fixpoint after one pass.  Prints cases, failures by kind (with the first seeds to reproduce
them), cases per second, and the seconds bibtexparser v2 alone takes to parse the same files (the
baseline: bibkit reads, normalises and writes twice per case).  Exits 1 if any case failed.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))  # the fuzzer is test code (tests/bibfuzz.py)

from bibfuzz import SNIPPETS, check, make_case, pieces_of  # noqa: E402

from bibkit.testing.bibcorpus import find_corpus  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cases", type=int, default=5000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--mutation-rate", type=float, default=0.3)
    ap.add_argument("--no-texlive", action="store_true", help="use only the built-in and test-suite pieces")
    args = ap.parse_args()

    texts = list(SNIPPETS)
    texts += [p.read_text(encoding="utf-8", errors="replace") for p in sorted((ROOT / "tests" / "data").rglob("*.bib"))]
    if not args.no_texlive:
        texts += [p.read_text(encoding="utf-8", errors="replace") for p in find_corpus() if p.stat().st_size < 400_000]
    pieces = pieces_of(texts)
    print(f"{len(pieces):,} pieces from {len(texts)} texts; {args.cases:,} cases from seed {args.seed}")

    failures: Counter[str] = Counter()
    seeds: dict[str, list[int]] = defaultdict(list)
    cases = []
    start = time.process_time()
    for i in range(args.cases):
        seed = args.seed + i
        case = make_case(random.Random(seed), pieces, seed=seed, mutation_rate=args.mutation_rate)
        cases.append(case.text)
        failure = check(case)
        if failure is not None:
            failures[failure.what] += 1
            seeds[failure.what].append(seed)
    elapsed = time.process_time() - start

    import bibtexparser

    start = time.process_time()
    for text in cases:
        bibtexparser.parse_string(text)
    baseline = time.process_time() - start

    print(f"bibkit: {args.cases:,} cases (each converted 4 times) in {elapsed:.1f} s CPU, "
          f"{args.cases / elapsed:.0f} cases/s")
    print(f"baseline, bibtexparser v2 parse_string once per case: {baseline:.1f} s CPU "
          f"(bibkit/baseline = {elapsed / baseline:.1f}x for 4 conversions)")
    if not failures:
        print("failures: none")
        return 0
    for what, count in failures.most_common():
        print(f"failures: {count:5d}  {what}  (seeds {', '.join(map(str, seeds[what][:5]))})")
    return 1


if __name__ == "__main__":
    sys.exit(main())
