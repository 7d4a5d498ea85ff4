"""Benchmark: resolve the example listing (86 papers) against the arXiv and HF doubles.

    python bench/resolve.py [--listing examples/hf-trending-papers.txt]

Prints the requests made to each service and the wall time the run would take
at arXiv's real pacing (one request every 3 s: arXiv requests × 3 s), for

* bibkit's resolution chain (identifiers → HF search → batched arXiv title
  search → batched abstract-phrase search, every candidate verified), also
  with Hugging Face unavailable (``--only arxiv``);
* the naive strategy: one arXiv title query per paper (``ti:"<title>"``),
  first result taken as the answer;

with precision (no wrong id ever) and recall against the corpus' ground truth.
Targets: at most one arXiv request per 10 listing entries, under 30 s at real
pacing (naive: over 250 s), precision 100 %.  When the GitHub enricher exists,
the GitHub requests of the whole pipeline against ``GitHubDouble.from_example()``
are printed too, once without and once with a token.

All services are local doubles over the SYNTHETIC corpus
(``bibkit/testing/corpus``); BIBKIT_ARXIV_DELAY is 0 here, and the real-pacing
figure is computed, not slept.  Exit status 1 if a target is missed.

    python bench/resolve.py --scale 1000,5000

runs bibkit's chain (arXiv + HF) instead on listings of those sizes drawn from
:func:`bibkit.testing.corpus.scaled.scaled_corpus` (the bundled corpus grown
with invented papers — SYNTHETIC — that keep its traps at the same rates),
given to the resolver as the listing reader produces entries (title and
abstract).  The doubles run in a child process, so this process's CPU time is
the client's alone.  Printed per size: requests per entry to each service,
precision and recall, wall-clock time, the client's and the doubles' CPU
time.  Targets: at most 0.05 arXiv requests per entry at every size; the
client's CPU time growing no faster than the listing (fitted exponent at most
1.05: constant CPU per entry); the wall-clock time at the doubles' zero
latency spent mostly in the doubles (client CPU below the doubles' CPU);
precision 100 %.
"""

from __future__ import annotations

import argparse
import math
import multiprocessing
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bibkit.config import load_settings  # noqa: E402
from bibkit.enrich import enrich_document  # noqa: E402
from bibkit.enrich.arxiv import ArxivClient  # noqa: E402
from bibkit.enrich.query import title_clause  # noqa: E402
from bibkit.http import HttpLayer  # noqa: E402
from bibkit.model import Document  # noqa: E402
from bibkit.testing.arxiv import ArxivDouble  # noqa: E402
from bibkit.testing.corpus import load_corpus  # noqa: E402
from bibkit.testing.hf import HfDouble  # noqa: E402

ARXIV_PACE = 3.0  # seconds between requests, arXiv's terms of use


def read_listing(path: Path, corpus) -> Document:
    try:
        from bibkit.sources import read_path

        return read_path(str(path))
    except ImportError:  # the readers are not there: the corpus carries the same titles and abstracts
        return Document(blocks=corpus.listing_entries())


def score(doc: Document, ids: list[str | None], corpus) -> dict[str, int]:
    truth = {i.title: i.expect for i in corpus.listing}
    wrong = right = 0
    for entry, got in zip(doc.entries, ids):
        want = truth.get(entry.meta.get("listing_title") or entry.title or "")
        if got is None:
            continue
        if got == want:
            right += 1
        else:
            wrong += 1
    return {"right": right, "wrong": wrong, "resolvable": sum(1 for v in truth.values() if v)}


def run_bibkit(listing: Path, corpus, only: tuple[str, ...], github=None, token: str | None = None) -> dict:
    with ArxivDouble(corpus) as ax, HfDouble(corpus) as hf, tempfile.TemporaryDirectory() as cache:
        settings = load_settings(arxiv_url=ax.api_url, hf_url=hf.url, cache_dir=cache, arxiv_delay=0,
                                 github_url=github.url if github else "http://127.0.0.1:9", github_token=token)
        doc = read_listing(listing, corpus)
        started = time.perf_counter()
        result = enrich_document(doc, settings, only=only)
        seconds = time.perf_counter() - started
    stats = score(doc, [e.ids.arxiv for e in doc.entries], corpus)
    return {"entries": len(doc), "requests": result.requests, "seconds": seconds, **stats,
            "by_step": result.totals["by_step"], "notices": result.notices}


def run_naive(listing: Path, corpus) -> dict:
    """One arXiv title query per paper, first hit taken: what a quick script does."""
    with ArxivDouble(corpus) as ax, tempfile.TemporaryDirectory() as cache:
        settings = load_settings(arxiv_url=ax.api_url, cache_dir=cache, arxiv_delay=0)
        doc = read_listing(listing, corpus)
        ids: list[str | None] = []
        started = time.perf_counter()
        with HttpLayer(settings) as layer:
            client = ArxivClient(layer, settings)
            for entry in doc.entries:
                clause = title_clause(entry.title)
                hits = client.search(clause, max_results=1) if clause else []
                ids.append(hits[0].arxiv_id if hits else None)
            requests = layer.stats.network["arxiv"]
        seconds = time.perf_counter() - started
    return {"entries": len(doc), "requests": {"arxiv": requests}, "seconds": seconds,
            **score(doc, ids, corpus)}


def github_figures(listing: Path, corpus) -> list[tuple[str, dict]]:
    try:
        from bibkit.enrich.github import GitHubEnricher  # noqa: F401
        from bibkit.testing.github import GitHubDouble
    except ImportError:
        return []
    out = []
    for label, token in (("without token", None), ("with token", "ghp_benchmarktoken000000000000000000")):
        double = GitHubDouble.from_example(token=token)
        with double:
            out.append((label, run_bibkit(listing, corpus, ("arxiv", "hf", "github"), github=double, token=token)))
    return out


def row(label: str, r: dict) -> str:
    arxiv = r["requests"].get("arxiv", 0)
    hf = r["requests"].get("hf", 0)
    paced = arxiv * ARXIV_PACE
    precision = r["right"] / (r["right"] + r["wrong"]) if r["right"] + r["wrong"] else 1.0
    recall = r["right"] / r["resolvable"] if r["resolvable"] else 1.0
    return (f"{label:<28} {arxiv:>6} {hf:>6} {paced:>9.0f} s {r['seconds']:>7.1f} s "
            f"{precision:>9.1%} {recall:>7.1%} {r['wrong']:>6}")


# --------------------------------------------------------------------------- at scale


def _serve_doubles(size: int, conn) -> None:  # noqa: ANN001 (a multiprocessing connection)
    """Child process: the arXiv and HF doubles over the scaled corpus, until told to stop; then its CPU time."""
    from bibkit.testing.corpus.scaled import scaled_corpus

    corpus = scaled_corpus(size)
    with ArxivDouble(corpus) as ax, HfDouble(corpus) as hf:
        conn.send((ax.api_url, hf.url))
        started = time.process_time()
        conn.recv()
        conn.send(time.process_time() - started)


def run_scaled(size: int, only: tuple[str, ...]) -> dict:
    """bibkit's chain over a scaled listing of ``size`` entries; the doubles answer from another process."""
    from bibkit.testing.corpus.scaled import scaled_corpus

    corpus = scaled_corpus(size)
    parent, child = multiprocessing.Pipe()
    proc = multiprocessing.get_context("fork").Process(target=_serve_doubles, args=(size, child), daemon=True)
    proc.start()
    try:
        arxiv_url, hf_url = parent.recv()
        with tempfile.TemporaryDirectory() as cache:
            settings = load_settings(arxiv_url=arxiv_url, hf_url=hf_url, cache_dir=cache, arxiv_delay=0,
                                     github_url="http://127.0.0.1:9")
            doc = Document(blocks=corpus.listing_entries())
            wall, cpu = time.perf_counter(), time.process_time()
            result = enrich_document(doc, settings, only=only)
            wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        parent.send("stop")
        doubles_cpu = parent.recv()
    finally:
        proc.join(timeout=30)
    # scored by position (the listing's order is kept; titles change once resolved)
    got = [(e.ids.arxiv, item.expect) for e, item in zip(doc.entries, corpus.listing)]
    stats = {"right": sum(1 for g, w in got if g and g == w), "wrong": sum(1 for g, w in got if g and g != w),
             "resolvable": sum(1 for _g, w in got if w)}
    return {"entries": len(doc), "requests": result.requests, "wall": wall, "cpu": cpu, "doubles_cpu": doubles_cpu,
            **stats, "notices": result.notices}


def _exponent(points: list[tuple[int, float]]) -> float:
    xs = [math.log(n) for n, _ in points]
    ys = [math.log(max(t, 1e-6)) for _, t in points]
    mx, my = statistics.fmean(xs), statistics.fmean(ys)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sum((x - mx) ** 2 for x in xs)


MODES = {"arxiv + hf": ("arxiv", "hf"), "arxiv only": ("arxiv",)}


def main_scaled(sizes: list[int]) -> int:
    print("bibkit's chain over scaled SYNTHETIC listings (bibkit.testing.corpus.scaled); doubles in a child process, "
          "zero latency, no pacing; 'arxiv only' is the run with Hugging Face unavailable\n")
    print(f"{'mode':<11} {'entries':>8} {'arXiv':>6} {'/entry':>7} {'HF':>6} {'/entry':>7} {'precision':>9} "
          f"{'recall':>7} {'wall':>8} {'client CPU':>11} {'ms/entry':>9} {'doubles CPU':>12}")
    runs = {}
    for mode, only in MODES.items():
        for n in sizes:
            r = runs[mode, n] = run_scaled(n, only)
            arxiv, hf = r["requests"].get("arxiv", 0), r["requests"].get("hf", 0)
            precision = r["right"] / (r["right"] + r["wrong"]) if r["right"] + r["wrong"] else 1.0
            recall = r["right"] / r["resolvable"] if r["resolvable"] else 1.0
            print(f"{mode:<11} {n:>8,} {arxiv:>6} {arxiv / n:>7.3f} {hf:>6} {hf / n:>7.3f} {precision:>9.1%} "
                  f"{recall:>7.1%} {r['wall']:>6.1f} s {r['cpu']:>9.1f} s {1000 * r['cpu'] / n:>9.2f} "
                  f"{r['doubles_cpu']:>10.1f} s")
            for notice in r["notices"]:
                print(f"            notice: {notice}")
    targets = []
    for (mode, n), r in runs.items():
        per = r["requests"].get("arxiv", 0) / n
        targets.append((f"{mode}: arXiv requests per entry <= 0.05 at {n:,} entries ({per:.3f})", per <= 0.05))
    for mode in MODES:
        if len(sizes) > 1:
            k = _exponent([(n, runs[mode, n]["cpu"]) for n in sizes])
            targets.append((f"{mode}: client CPU growth exponent {k:.3f} (target <= 1.05)", k <= 1.05))
        for n in sizes:
            r = runs[mode, n]
            targets.append((f"{mode}: at {n:,} entries the doubles' CPU should exceed the client's "
                            f"(doubles {r['doubles_cpu']:.1f} s, client {r['cpu']:.1f} s)",
                            r["doubles_cpu"] > r["cpu"]))
    targets.append(("precision 100 % at every size", all(r["wrong"] == 0 for r in runs.values())))
    print()
    for label, ok in targets:
        print(f"  [{'ok' if ok else 'MISSED'}] {label}")
    return 0 if all(ok for _label, ok in targets) else 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--listing", type=Path, default=ROOT / "examples" / "hf-trending-papers.txt")
    parser.add_argument("--scale", metavar="N,N", help="scaled synthetic listings of these sizes instead of the "
                                                       "example (e.g. --scale 1000,5000)")
    args = parser.parse_args(argv)
    if args.scale:
        return main_scaled(sorted({int(s) for s in args.scale.split(",") if s.strip()}))
    corpus = load_corpus()
    ours = run_bibkit(args.listing, corpus, ("arxiv", "hf"))
    arxiv_only = run_bibkit(args.listing, corpus, ("arxiv",))
    naive = run_naive(args.listing, corpus)
    n = ours["entries"]
    print(f"Resolving {n} listing entries (synthetic corpus: {len(corpus.papers)} arXiv papers, "
          f"{len(corpus.hf)} HF papers; {ours['resolvable']} of the entries are on arXiv)\n")
    print(f"{'strategy':<28} {'arXiv':>6} {'HF':>6} {'at 3 s/req':>11} {'local':>9} {'precision':>9} {'recall':>7} {'wrong':>6}")
    print(row("bibkit (arxiv + hf)", ours))
    print(row("bibkit (arxiv only)", arxiv_only))
    print(row("naive: 1 title query/paper", naive))
    print(f"\nbibkit resolved by step: {ours['by_step']}")
    ratio = naive["requests"]["arxiv"] / max(1, ours["requests"]["arxiv"])
    print(f"arXiv requests: {ours['requests']['arxiv']} vs {naive['requests']['arxiv']} naive ({ratio:.0f}x fewer); "
          f"time at real pacing: {ours['requests']['arxiv'] * ARXIV_PACE:.0f} s vs "
          f"{naive['requests']['arxiv'] * ARXIV_PACE:.0f} s")
    figures = github_figures(args.listing, corpus)
    if figures:
        print("\nGitHub requests in the whole pipeline (arxiv + hf + github) against GitHubDouble.from_example():")
        for label, r in figures:
            print(f"  {label:<14} github {r['requests'].get('github', 0):>4}   arxiv {r['requests'].get('arxiv', 0):>3}"
                  f"   hf {r['requests'].get('hf', 0):>4}")
    targets = [
        ("at most one arXiv request per 10 entries", ours["requests"]["arxiv"] <= math.floor(n / 10)),
        ("under 30 s at real pacing", ours["requests"]["arxiv"] * ARXIV_PACE < 30),
        ("naive over 250 s at real pacing", naive["requests"]["arxiv"] * ARXIV_PACE > 250),
        ("precision 100 % (both bibkit modes)", ours["wrong"] == 0 and arxiv_only["wrong"] == 0),
    ]
    print()
    for label, ok in targets:
        print(f"  [{'ok' if ok else 'MISSED'}] {label}")
    return 0 if all(ok for _label, ok in targets) else 1


if __name__ == "__main__":
    sys.exit(main())
