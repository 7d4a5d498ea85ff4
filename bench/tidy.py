#!/usr/bin/env python3
"""Benchmark: ``bibkit tidy`` against ``bibtex-tidy`` on a 10,000-entry .bib, whole processes, same run.

    python bench/tidy.py [--entries 10000] [--repeat 3]

The file is bench/normalise.py's realistic bibliography (about 15 MB for 10,000
entries: articles, conference papers, arXiv preprints and books with accented
names, ``@string`` journal macros, month macros, DOIs, ~1,100-character
abstracts).  Two jobs, each run by both tools as a separate process, reading
the file and writing the result to a file:

* **default** — ``bibkit tidy IN -o OUT`` vs ``bibtex-tidy IN -o OUT``;
* **sort+months+curly** — both with ``--sort=key --months --curly``.

bibtex-tidy (the reference, a Node.js program) is installed with npm into the
user cache directory (``bibkit.testing.bibtex_tidy``) the first time; without
Node.js its column is skipped with a message.  Reported per job: the best
wall-clock time of ``--repeat`` runs and the children's CPU time (user + system;
fairer on a shared machine), and the ratio bibkit / bibtex-tidy.  Target: ≤ 1×.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from normalise import generate  # noqa: E402

from bibkit.testing.bibtex_tidy import find_bibtex_tidy  # noqa: E402

JOBS = {"default": [], "sort+months+curly": ["--sort=key", "--months", "--curly"]}


def _bibkit_command() -> list[str]:
    exe = shutil.which("bibkit")
    return [exe] if exe else [sys.executable, "-m", "bibkit"]


def time_process(argv: list[str], repeat: int) -> tuple[float, float]:
    """(best wall-clock seconds, CPU seconds of the best run) of a whole process."""
    best_wall, best_cpu = float("inf"), float("inf")
    for _ in range(repeat):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        subprocess.run(argv, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wall = time.perf_counter() - start
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        if wall < best_wall:
            best_wall, best_cpu = wall, cpu
    return best_wall, best_cpu


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--entries", type=int, default=10_000, help="entries in the generated file (default 10000)")
    ap.add_argument("--repeat", type=int, default=3, help="runs per tool and job; the best counts (default 3)")
    args = ap.parse_args(argv)

    reference, message = find_bibtex_tidy(install=True)
    print(f"reference: {message}" if reference else f"reference: skipped — {message}")
    bibkit = _bibkit_command()
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "bench.bib"
        src.write_text(generate(args.entries), encoding="utf-8")
        print(f"input: {args.entries:,} entries, {src.stat().st_size / 1e6:.1f} MB")
        ok = True
        for job, options in JOBS.items():
            out = Path(tmp) / f"bibkit-{job}.bib"
            wall, cpu = time_process(bibkit + ["-q", "tidy", str(src), "-o", str(out), *options], args.repeat)
            line = f"{job:18s} bibkit tidy {wall:6.2f} s wall, {cpu:6.2f} s CPU"
            if reference:
                # bibtex-tidy v1 rewrites its input unless -o is given; it gets its own copy anyway
                copy = Path(tmp) / f"ref-in-{job}.bib"
                shutil.copyfile(src, copy)
                ref_out = Path(tmp) / f"ref-{job}.bib"
                # (the input first: bibtex-tidy's parser takes the word after --quiet as its value)
                rwall, rcpu = time_process(reference + [str(copy), "-o", str(ref_out), *options, "--quiet"],
                                           args.repeat)
                entries = [p.read_text(encoding="utf-8").count("\n@") for p in (out, ref_out)]
                if entries[0] != entries[1]:
                    print(f"{job}: the outputs differ in entry count {entries}: not comparable")
                    return 1
                ratio = cpu / rcpu
                ok = ok and ratio <= 1.0
                line += (f" | bibtex-tidy {rwall:6.2f} s wall, {rcpu:6.2f} s CPU | bibkit/bibtex-tidy "
                         f"{wall / rwall:.2f}x wall, {ratio:.2f}x CPU (target <= 1x)")
            print(line)
        if reference:
            print("target met" if ok else "target NOT met")
    return 0


if __name__ == "__main__":
    os.environ.setdefault("PYTHONDONTWRITEBYTECODE", "1")
    raise SystemExit(main())
