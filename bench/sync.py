"""Benchmark: sync N entries into the Zotero double (Zotero 10), bridge vs. a naive client.

    python bench/sync.py [--n 1000] [--repos 0.0] [--version 10]

The bridge: one read of the library, then creates in batches of 50 with
deterministic keys (target: at most ceil(N/50) write requests plus the reads
needed for dedupe; zero writes when the same input is synced again).

The naive client, in the same run, on a fresh double: for every entry one
search request (``?q=<arXiv ID>&qmode=everything``, its only way to avoid
duplicates) and one ``POST /items`` with that single item; re-syncing costs it
one search per entry again.  Both go through the same HTTP layer
(:class:`zotero_bridge.transport.ZoteroHttp`), so the difference is the
protocol use, not the plumbing.

Prints requests (reads/writes) and wall time for both, and the ratios.
"""

from __future__ import annotations

import argparse
import math
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bibkit.config import load_settings  # noqa: E402
from bibkit.model import Entry, Identifiers, Link, LinkKind, PartialDate, Person  # noqa: E402
from zotero_bridge import sync  # noqa: E402
from zotero_bridge.mapping import entry_to_item  # noqa: E402
from zotero_bridge.testing import FakeZotero  # noqa: E402
from zotero_bridge.transport import USER_PREFIX, LocalApi, ZoteroHttp, json_of  # noqa: E402

COLLECTION = "Bench/Papers"


def make_entries(n: int, repos: float) -> list[Entry]:
    out = []
    every = int(round(1 / repos)) if repos > 0 else 0
    for i in range(n):
        e = Entry(
            entry_type="preprint", key=f"author{i:05d}bench", key_pinned=True,
            title=f"A Benchmark Paper on Mixture-of-Experts Routing, Part {i}",
            authors=[Person(family=f"Author{i % 97}", given="Ada"), Person(literal="Bench Lab")],
            date=PartialDate(2024, 1 + i % 12, 1 + i % 28),
            ids=Identifiers(arxiv=f"24{(i // 9000) + 1:02d}.{i % 99999:05d}"), primary_class="cs.LG",
            abstract="We benchmark the bridge. " * 8, tags=["bench", f"group-{i % 5}"],
        )
        if every and i % every == 0:
            e.add_link(Link(LinkKind.GITHUB, f"https://github.com/bench/repo{i}", target=f"bench/repo{i}", role="primary"))
        out.append(e)
    return out


def settings_for(z: FakeZotero, home: str):
    return load_settings(env={"BIBKIT_ZOTERO_URL": z.url, "BIBKIT_CONFIG_DIR": f"{home}/config",
                              "BIBKIT_CACHE_DIR": f"{home}/cache"})


def run_bridge(entries: list[Entry], version: str, home: str) -> dict:
    with FakeZotero(version=version) as z:
        z.add_collection(COLLECTION)  # as the user has it: the target counts only item writes
        settings = settings_for(z, home)
        t0 = time.perf_counter()
        first = sync(entries, COLLECTION, settings=settings)
        t1 = time.perf_counter()
        assert first.complete, first.problems[:5]
        writes_first = len(z.write_requests())
        t2 = time.perf_counter()
        second = sync(entries, COLLECTION, settings=settings)
        t3 = time.perf_counter()
        assert second.counts() == {"unchanged": len(entries)}
        return {
            "first": {"reads": first.requests.reads, "writes": first.requests.writes, "seconds": t1 - t0},
            "second": {"reads": second.requests.reads, "writes": second.requests.writes, "seconds": t3 - t2},
            "server_writes": writes_first, "server_writes_resync": len(z.write_requests()) - writes_first,
            "items": len(z.items()), "objects": len(z.items(include_children=True)),
        }


def run_naive(entries: list[Entry], version: str, home: str) -> dict:
    with FakeZotero(version=version) as z:
        coll = z.add_collection(COLLECTION)
        key = z.grant_key("naive")
        settings = settings_for(z, home + "/naive")

        def one_pass() -> tuple[int, int, float]:
            t0 = time.perf_counter()
            with ZoteroHttp(settings) as http:
                api = LocalApi(http, z.server_id)
                for e in entries:
                    found = api.get(f"{USER_PREFIX}/items", {"q": e.ids.arxiv, "qmode": "everything", "format": "keys"})
                    if found.text.strip():
                        continue
                    draft = entry_to_item(e)
                    r = api.write("POST", f"{USER_PREFIX}/items", [{**draft.data, "collections": [coll]}], api_key=key)
                    assert r.status_code == 200 and not (json_of(r) or {}).get("failed"), r.text[:200]
                    if draft.attachment:
                        parent = json_of(r)["success"]["0"]
                        api.write("POST", f"{USER_PREFIX}/items", [{**draft.attachment, "parentItem": parent}], api_key=key)
                return http.count.reads, http.count.writes, time.perf_counter() - t0

        r1, w1, s1 = one_pass()
        r2, w2, s2 = one_pass()
        return {"first": {"reads": r1, "writes": w1, "seconds": s1}, "second": {"reads": r2, "writes": w2, "seconds": s2},
                "items": len(z.items())}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1000, help="number of entries (default 1000)")
    parser.add_argument("--repos", type=float, default=0.0, help="share of entries with a code link (default 0)")
    parser.add_argument("--version", default="10", help="Zotero release of the double (default 10)")
    args = parser.parse_args(argv)
    entries = make_entries(args.n, args.repos)
    objects = args.n + sum(1 for e in entries if e.code_repo)
    with tempfile.TemporaryDirectory() as home:
        bridge = run_bridge(entries, args.version, home)
        naive = run_naive(entries, args.version, home)
    target = math.ceil(objects / 50)

    print(f"sync of {args.n} entries ({objects} objects) into the Zotero {args.version} double")
    print(f"{'':24}{'reads':>8}{'writes':>8}{'requests':>10}{'seconds':>10}")
    for name, res in (("bridge, first run", bridge["first"]), ("bridge, re-sync", bridge["second"]),
                      ("naive, first run", naive["first"]), ("naive, re-sync", naive["second"])):
        print(f"{name:24}{res['reads']:>8}{res['writes']:>8}{res['reads'] + res['writes']:>10}{res['seconds']:>10.2f}")
    b, n = bridge["first"], naive["first"]
    print()
    print(f"write requests, first run: {b['writes']} (target <= ceil({objects}/50) = {target}: "
          f"{'met' if b['writes'] <= target else 'MISSED'}); re-sync: {bridge['second']['writes']} (target 0)")
    print(f"items in Zotero after two runs: bridge {bridge['items']}, naive {naive['items']} (no duplicates either way)")
    print(f"ratio naive/bridge, requests (first run): {(n['reads'] + n['writes']) / (b['reads'] + b['writes']):.1f}x")
    print(f"ratio naive/bridge, wall time (first run): {n['seconds'] / b['seconds']:.1f}x")
    s_b, s_n = bridge["second"], naive["second"]
    print(f"ratio naive/bridge, requests (re-sync):   {(s_n['reads'] + s_n['writes']) / (s_b['reads'] + s_b['writes']):.1f}x")
    print(f"ratio naive/bridge, wall time (re-sync):  {s_n['seconds'] / s_b['seconds']:.1f}x")
    return 0 if b["writes"] <= target and bridge["second"]["writes"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
