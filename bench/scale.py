#!/usr/bin/env python3
"""Benchmark: ``bibkit convert`` at every size, next to its peers, and on the files that used to be slow.

    python bench/scale.py [--sizes 1000,10000,100000] [--variants-at 100000] [--malformed-at 10000]
                          [--no-peers] [--no-bibtex-tidy]

Input files are bench/normalise.py's realistic bibliography (articles,
conference papers, arXiv preprints and books; 1–12 authors with LaTeX accents,
particles and organisation names; ``@string`` journal macros, month macros,
DOIs, keywords, ~1,100-character abstracts; about 1.56 MB per 1,000 entries).

Every contender runs as a whole process (start-up included, as a user meets
it), reads the file and writes the result to a new file (bibkit's output and
lock file are removed before each run, so no run reads what an earlier one
wrote); measured per process
with ``os.wait4``: CPU seconds (user + system: fairer than wall-clock time on
a shared machine, and every contender is single-threaded), wall-clock seconds
and peak RSS.  Sizes up to 10,000 entries run three times (median), larger
ones once.

Contenders, each on the same file in the same run:

* **bibkit** — ``bibkit convert IN -o OUT``: read (macros, LaTeX decoding,
  names, dates, identifiers), merge duplicates, assign keys, write BibTeX;
* **bibtexparser** v2 — ``parse_file`` + ``write_file`` (default middleware: no
  LaTeX decoding, no names, no keys — less work than bibkit does);
* **pybtex** — ``parse_file`` + ``to_file`` (BibTeX format);
* **bibtex-tidy** (Node.js; installed once with npm into the user cache by
  ``bibkit.testing.bibtex_tidy`` when Node is present) — ``bibtex-tidy IN -o OUT``
  with Node's default heap (a run that fails, e.g. out of memory, is reported).

Then bibkit alone on variants of one size, against the plain file of that size:

* **editorial** — 10 % of the entries titled "Editorial" (one cluster: same
  normalised title, different first authors, as journal ``.bib`` files have);
* **colliding keys** — 10 % of the entries carry one citation key (one cluster
  of duplicate input keys, each later one needing a postfix);
* **malformed** (at ``--malformed-at``) — one entry in the middle with a
  missing comma between two fields.

Targets: bibkit the fastest at every size (CPU); growth exponent of bibkit's
CPU time (minus its start-up, the median CPU of ``convert`` of one entry,
fitted over the sizes of at least 10,000 entries) at most 1.05; each variant at
most 1.2x the plain file (malformed: 1.1x); peak RSS at 100,000 entries under
700 MB.  Exit status 1 if a target is missed.
"""

from __future__ import annotations

import argparse
import math
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from normalise import generate  # noqa: E402

ONE_ENTRY = "@article{one2020,\n  author = {M{\\\"u}ller, J{\\\"o}rg},\n  title = {One},\n  year = {2020},\n}\n"

BIBTEXPARSER = ("import sys, bibtexparser\n"
                "bibtexparser.write_file(sys.argv[2], bibtexparser.parse_file(sys.argv[1]))\n")
PYBTEX = ("import sys\nfrom pybtex.database import parse_file\n"
          "parse_file(sys.argv[1], 'bibtex').to_file(sys.argv[2], 'bibtex')\n")


@dataclass
class Run:
    """One contender on one file: medians of its runs, or why it failed."""

    cpu: float = math.nan
    wall: float = math.nan
    rss_mb: float = math.nan
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT) + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # bytecode cached, as for installed packages
    return env


def run_process(argv: list[str], repeat: int, cwd: str, fresh: tuple[Path, ...] = ()) -> Run:
    """Run ``argv`` ``repeat`` times; medians of CPU, wall and peak RSS (or the error of a failed run).

    ``fresh``: files removed before each run (an output and its lock: every run converts afresh, none reads
    what the one before wrote)."""
    cpus, walls, rss = [], [], []
    for _ in range(repeat):
        for path in fresh:
            path.unlink(missing_ok=True)
        start = time.perf_counter()
        proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=_env(), cwd=cwd)
        assert proc.stderr is not None
        err = proc.stderr.read()  # (stderr is small; read before waiting so the pipe never fills)
        _pid, status, usage = os.wait4(proc.pid, 0)
        proc.stderr.close()
        proc.returncode = code = os.waitstatus_to_exitcode(status)
        walls.append(time.perf_counter() - start)
        if code != 0:
            text = err.decode(errors="replace")
            if "out of memory" in text.lower():
                return Run(error=f"out of memory (exit {code})")
            last = text.strip().splitlines()[-1:] or [""]
            return Run(error=f"exit {code}: {last[0][:120]}")
        cpus.append(usage.ru_utime + usage.ru_stime)
        rss.append(usage.ru_maxrss / 1024)
    return Run(statistics.median(cpus), statistics.median(walls), statistics.median(rss))


def count_entries(path: Path) -> int:
    text = path.read_text(encoding="utf-8", errors="replace")
    return sum(1 for line in text.splitlines() if line.startswith("@") and not line.lower().startswith(
        ("@string", "@comment", "@preamble")))


# --------------------------------------------------------------------------- the variants


def _entries(text: str) -> tuple[list[str], list[int]]:
    """The file cut before each ``@`` that starts a line, and the indices of the entries (not ``@string``s)."""
    parts = text.split("\n@")
    return parts, [i for i, p in enumerate(parts) if i and not p.lower().startswith(("string", "comment", "preamble"))]


def _title_span(entry: str) -> tuple[int, int]:
    """Start of the title field's line and the offset of its closing ``},``."""
    start = entry.index("  title = {")
    return start, entry.index("},\n", start)


def editorial(text: str, share: float = 0.10, seed: int = 7) -> str:
    """``share`` of the entries retitled "Editorial" (their authors, years and keys stay their own)."""
    parts, entries = _entries(text)
    for i in random.Random(seed).sample(entries, int(len(entries) * share)):
        start, end = _title_span(parts[i])
        parts[i] = parts[i][:start] + "  title = {Editorial" + parts[i][end:]
    return "\n@".join(parts)


def colliding_keys(text: str, share: float = 0.10, seed: int = 8) -> str:
    """``share`` of the entries given one citation key (``smith2020``), as a merged bibliography has them."""
    parts, entries = _entries(text)
    for i in random.Random(seed).sample(entries, int(len(entries) * share)):
        brace = parts[i].index("{")
        parts[i] = parts[i][:brace + 1] + "smith2020" + parts[i][parts[i].index(",", brace):]
    return "\n@".join(parts)


def malformed(text: str) -> str:
    """One entry in the middle loses the comma after its title (the commonest hand-editing slip)."""
    parts, entries = _entries(text)
    i = entries[len(entries) // 2]
    _start, end = _title_span(parts[i])
    parts[i] = parts[i][:end] + "}\n" + parts[i][end + 3:]
    return "\n@".join(parts)


# --------------------------------------------------------------------------- running


def growth_exponent(points: list[tuple[int, float]]) -> float:
    """Least-squares slope of log(time) over log(size)."""
    xs = [math.log(n) for n, _t in points]
    ys = [math.log(max(t, 1e-6)) for _n, t in points]
    mx, my = statistics.fmean(xs), statistics.fmean(ys)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sum((x - mx) ** 2 for x in xs)


def _fmt(r: Run, base: Run) -> str:
    """A peer's cell: CPU, its ratio to bibkit's, peak RSS."""
    if not r.ok:
        return f"failed: {(r.error or '')[:16]}"
    return f"{r.cpu:7.2f} s {r.cpu / base.cpu:5.2f}x {r.rss_mb:5.0f} MB"


def run_variants(args: argparse.Namespace, variants_at: int, texts: dict[int, str],
                 bibkit: Callable[[Path, Path, int, str], Run], tmp: str) -> list[tuple[str, bool]]:
    """bibkit on the editorial, colliding-key and malformed variants, each next to its plain file."""
    checks: list[tuple[str, bool]] = []
    plains: dict[int, Run] = {}
    variants = []
    if variants_at:
        variants += [("editorial (10% titled 'Editorial')", variants_at, editorial, 1.2),
                     ("colliding keys (10% share one key)", variants_at, colliding_keys, 1.2)]
    if args.malformed_at:
        variants.append(("one malformed entry", args.malformed_at, malformed, 1.1))
    if variants:
        print(f"\n{'variant':<38} {'entries':>8} {'bibkit CPU':>11} {'plain file':>11} {'ratio':>7}")
    for label, n, make, limit in variants:
        plain_src = Path(tmp) / "plain.bib"
        text = texts.get(n) or generate(n)
        plain_src.write_text(text, encoding="utf-8")
        src = Path(tmp) / "variant.bib"
        src.write_text(make(text), encoding="utf-8")
        repeat = 3 if n <= 10_000 else 1
        if n not in plains:  # the plain file again, next to its variants (same moment of the shared machine)
            plains[n] = bibkit(plain_src, Path(tmp) / "plain.out.bib", repeat, tmp)
        plain = plains[n]
        var = bibkit(src, Path(tmp) / "variant.out.bib", repeat, tmp)
        if not var.ok:
            print(f"{label:<38} {n:>8,} failed: {var.error}")
            checks.append((f"{label} at {n:,}", False))
            continue
        ratio = var.cpu / plain.cpu
        print(f"{label:<38} {n:>8,} {var.cpu:9.2f} s {plain.cpu:9.2f} s {ratio:6.2f}x")
        checks.append((f"{label} at {n:,}: {ratio:.2f}x the plain file (target <= {limit}x)", ratio <= limit))
    return checks


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default="1000,10000,100000",
                    help="entries per file, comma-separated (default 1000,10000,100000; add 300000 for the "
                         "largest, which takes a few minutes per contender)")
    ap.add_argument("--variants-at", type=int, default=None,
                    help="size of the editorial and colliding-key variants (default: the largest size up to "
                         "100000; 0 skips them)")
    ap.add_argument("--malformed-at", type=int, default=10_000, help="size of the malformed variant (0 skips it)")
    ap.add_argument("--memory-at", type=int, default=100_000, help="size whose peak RSS must stay under 700 MB")
    ap.add_argument("--no-peers", action="store_true", help="bibkit only (no bibtexparser, pybtex, bibtex-tidy)")
    ap.add_argument("--no-bibtex-tidy", action="store_true", help="skip bibtex-tidy even when Node is present")
    args = ap.parse_args(argv)
    sizes = sorted({int(s) for s in args.sizes.split(",") if s.strip()})
    variants_at = args.variants_at if args.variants_at is not None else max(
        [n for n in sizes if n <= 100_000] or [0])
    py = sys.executable

    tidy_cmd: list[str] | None = None
    tidy_note = "skipped (--no-bibtex-tidy)" if args.no_bibtex_tidy or args.no_peers else ""
    if not tidy_note:
        try:
            from bibkit.testing.bibtex_tidy import find_bibtex_tidy
        except ImportError:
            tidy_note = "skipped: this bibkit has no bibkit.testing.bibtex_tidy"
        else:
            tidy_cmd, tidy_note = find_bibtex_tidy(install=True)

    def bibkit(src: Path, out: Path, repeat: int, tmp: str) -> Run:
        lock = out.with_name(out.name + ".lock.json")
        return run_process([py, "-m", "bibkit", "-q", "convert", str(src), "-o", str(out)], repeat, tmp,
                           fresh=(out, lock))

    ok = True
    checks: list[tuple[str, bool]] = []
    with tempfile.TemporaryDirectory() as tmp:
        one = Path(tmp) / "one.bib"
        one.write_text(ONE_ENTRY, encoding="utf-8")
        bibkit(one, Path(tmp) / "one.out.bib", 1, tmp)  # writes the bytecode cache
        startup = bibkit(one, Path(tmp) / "one.out.bib", 5, tmp)
        print(f"bibkit start-up (convert of one entry): {startup.cpu:.2f} s CPU (median of 5)")
        print(f"bibtex-tidy: {tidy_note}\n")
        header = f"{'entries':>8} {'MB':>6} | {'bibkit CPU':>10} {'wall':>7} {'RSS':>7}"
        if not args.no_peers:
            header += f" | {'bibtexparser':>24} | {'pybtex':>24}" + (f" | {'bibtex-tidy':>24}" if tidy_cmd else "")
        print(header + "   (peers: CPU, CPU ratio to bibkit, peak RSS)")
        results: dict[int, Run] = {}
        texts: dict[int, str] = {}
        for n in sizes:
            text = generate(n)
            src = Path(tmp) / f"plain{n}.bib"
            src.write_text(text, encoding="utf-8")
            if n in (variants_at, args.malformed_at):
                texts[n] = text
            del text
            repeat = 3 if n <= 10_000 else 1
            ours = results[n] = bibkit(src, Path(tmp) / "bibkit.out.bib", repeat, tmp)
            if not ours.ok:
                print(f"bibkit failed at {n}: {ours.error}")
                return 1
            written = count_entries(Path(tmp) / "bibkit.out.bib")
            line = (f"{n:>8,} {src.stat().st_size / 1e6:6.1f} | {ours.cpu:8.2f} s {ours.wall:5.1f} s "
                    f"{ours.rss_mb:4.0f} MB")
            if not args.no_peers:
                peers = {"bibtexparser": run_process([py, "-c", BIBTEXPARSER, str(src), "bp.out.bib"], repeat, tmp),
                         "pybtex": run_process([py, "-c", PYBTEX, str(src), "pybtex.out.bib"], repeat, tmp)}
                if tidy_cmd:
                    peers["bibtex-tidy"] = run_process(tidy_cmd + [str(src), "-o", "tidy.out.bib", "--quiet"],
                                                       repeat, tmp)
                for name, r in peers.items():
                    line += f" | {_fmt(r, ours):>24}"
                    faster = not r.ok or ours.cpu < r.cpu
                    checks.append((f"bibkit faster than {name} at {n:,} entries"
                                   + ("" if r.ok else f" ({name} failed: {r.error})"), faster))
            print(line + ("" if written == n else f"   (bibkit wrote {written} entries)"))
            os.unlink(src)

        fit = [(n, results[n].cpu - startup.cpu) for n in sizes if n >= 10_000]
        if len(fit) < 2:
            fit = [(n, results[n].cpu - startup.cpu) for n in sizes]
        if len(fit) >= 2:
            k = growth_exponent(fit)
            checks.append((f"growth exponent {k:.3f} over {', '.join(f'{n:,}' for n, _ in fit)} entries "
                           "(CPU minus start-up; target <= 1.05)", k <= 1.05))
        if args.memory_at in results:
            rss = results[args.memory_at].rss_mb
            checks.append((f"peak RSS at {args.memory_at:,} entries {rss:.0f} MB (target < 700 MB)", rss < 700))

        checks += run_variants(args, variants_at, texts, bibkit, tmp)

    print()
    for label, met in checks:
        ok = ok and met
        print(f"  [{'ok' if met else 'MISSED'}] {label}")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
