"""Benchmark: ``bibkit enrich`` on the 86-paper example while a service is down, next to a healthy run.

    python bench/outage.py [--listing examples/hf-trending-papers.txt]

Scenarios, each run right after a healthy run in the same process (fresh
cache directories, the same local doubles of arXiv, Hugging Face and GitHub):

* **HF down** — Hugging Face answers 503 to everything;
* **HF hanging** — Hugging Face accepts connections and never answers;
* **arXiv garbage** — arXiv answers 200 with an HTML page instead of its Atom feed;
* **arXiv cut short** — arXiv's answers stop before their ``Content-Length``;
* **GitHub down mid-run** — GitHub answers its first 5 requests, then 503.

Printed per run: requests per service, wall time, what was resolved, and which
services were given up and why.  The pacing is the test suite's: arXiv's
3-second interval off (``BIBKIT_ARXIV_DELAY=0``), short read timeouts
(``BIBKIT_HF_TIMEOUT=0.15``, 1.5 s for the others), and backoff waits counted but not slept (the layer's
``sleep`` is injected, as in the tests) — the "waited" column shows what a
real run would add.  Before #10, HF down cost 688 HF requests (about 20 minutes
at real backoff) and arXiv garbage 464 arXiv requests.

Targets: every outage run within 2× the healthy run's wall time and requests
(total and per service), with no wrong arXiv id.  Exit status 1 if one is missed.
"""

from __future__ import annotations

import argparse
import logging
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Callable

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bibkit.config import load_settings  # noqa: E402
from bibkit.enrich import enrich_document  # noqa: E402
from bibkit.health import message  # noqa: E402
from bibkit.http import HttpLayer  # noqa: E402
from bibkit.sources import read_path  # noqa: E402
from bibkit.testing.arxiv import ArxivDouble  # noqa: E402
from bibkit.testing.corpus import load_corpus  # noqa: E402
from bibkit.testing.github import GitHubDouble  # noqa: E402
from bibkit.testing.hf import HfDouble  # noqa: E402

SERVICES = ("arxiv", "hf", "github")
TIMEOUT = 0.15  # seconds: a test-suite read timeout for a hanging service


def _hf_down(ax: ArxivDouble, hf: HfDouble, gh: GitHubDouble) -> None:
    hf.inject(503)


def _hf_hang(ax: ArxivDouble, hf: HfDouble, gh: GitHubDouble) -> None:
    hf.inject("hang", seconds=30)


def _arxiv_garbage(ax: ArxivDouble, hf: HfDouble, gh: GitHubDouble) -> None:
    ax.inject("garbage")


def _arxiv_cut(ax: ArxivDouble, hf: HfDouble, gh: GitHubDouble) -> None:
    ax.inject("truncate")


def _github_mid_run(ax: ArxivDouble, hf: HfDouble, gh: GitHubDouble) -> None:
    gh.inject(503, after=5)


SCENARIOS: list[tuple[str, Callable[[ArxivDouble, HfDouble, GitHubDouble], None]]] = [
    ("HF down (503)", _hf_down),
    ("HF hanging", _hf_hang),
    ("arXiv garbage 200s", _arxiv_garbage),
    ("arXiv cut short", _arxiv_cut),
    ("GitHub 503 after 5", _github_mid_run),
]


def run(listing: Path, corpus: Any, fault: Callable[[ArxivDouble, HfDouble, GitHubDouble], None] | None) -> dict:
    with ArxivDouble(corpus) as ax, HfDouble(corpus) as hf, GitHubDouble.from_example() as gh, \
            tempfile.TemporaryDirectory() as cache:
        if fault is not None:
            fault(ax, hf, gh)
        # HF answers the doubles' searches in milliseconds: its short timeout never cuts a healthy answer
        settings = load_settings(arxiv_url=ax.api_url, hf_url=hf.url, github_url=gh.url, cache_dir=cache,
                                 arxiv_delay=0, timeouts={"default": 10 * TIMEOUT, "hf": TIMEOUT})
        doc = read_path(str(listing))
        slept: list[float] = []
        started = time.perf_counter()
        with HttpLayer(settings, sleep=slept.append) as layer:
            result = enrich_document(doc, settings, only=SERVICES, http=layer)
        seconds = time.perf_counter() - started
    truth = {i.title: i.expect for i in corpus.listing}
    wrong = sum(1 for r in result.reports if r.status == "resolved" and r.arxiv_id != truth.get(r.listing_title))
    return {"requests": {s: result.requests.get(s, 0) for s in SERVICES}, "seconds": seconds,
            "waited": sum(slept), "resolved": result.totals["resolved"], "wrong": wrong,
            "down": [message(o) for o in result.outages]}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--listing", type=Path, default=ROOT / "examples" / "hf-trending-papers.txt")
    args = parser.parse_args(argv)
    logging.getLogger("bibkit").setLevel(logging.ERROR)  # each outage is shown in the table, once
    corpus = load_corpus()
    run(args.listing, corpus, None)  # warm-up: imports, the corpus index, the first sockets
    head = f"{'scenario':<22}{'arxiv':>6}{'hf':>6}{'github':>7}{'total':>7}{'× req':>7}{'wall s':>8}{'× time':>8}" \
           f"{'waited s':>9}{'resolved':>9}  given up"
    print(head)
    print("-" * len(head))
    missed: list[str] = []
    for name, fault in SCENARIOS:
        healthy = run(args.listing, corpus, None)
        outage = run(args.listing, corpus, fault)
        for label, r in (("  healthy", healthy), (name, outage)):
            total = sum(r["requests"].values())
            ratio_req = total / max(1, sum(healthy["requests"].values()))
            ratio_time = r["seconds"] / healthy["seconds"]
            down = "; ".join(r["down"]) or "-"
            print(f"{label:<22}{r['requests']['arxiv']:>6}{r['requests']['hf']:>6}{r['requests']['github']:>7}"
                  f"{total:>7}{ratio_req:>6.2f}×{r['seconds']:>8.2f}{ratio_time:>7.2f}×{r['waited']:>9.1f}"
                  f"{r['resolved']:>9}  {down}")
        if outage["seconds"] > 2 * healthy["seconds"]:
            missed.append(f"{name}: {outage['seconds']:.2f} s > 2 × {healthy['seconds']:.2f} s")
        for service in SERVICES:
            if outage["requests"][service] > 2 * max(1, healthy["requests"][service]):
                missed.append(f"{name}: {outage['requests'][service]} {service} requests > 2 × "
                              f"{healthy['requests'][service]}")
        if outage["wrong"]:
            missed.append(f"{name}: {outage['wrong']} wrong arXiv ids")
    print()
    print("targets: each outage run within 2× the healthy run's wall time and requests (per service), no wrong id")
    for line in missed:
        print(f"MISSED: {line}")
    print("all targets met" if not missed else f"{len(missed)} target(s) missed")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
