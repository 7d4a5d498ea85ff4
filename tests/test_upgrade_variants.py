"""The published-version stage against answers shaped differently from the doubles' defaults — what other
deployments, older API versions and independent emulations send — with the same outcome."""

from __future__ import annotations

import json
import random
from typing import Any

from bibkit.testing.crossref import CrossrefDouble
from bibkit.testing.dblp import DblpDouble
from bibkit.testing.s2 import S2Double
from bibkit.testing.server import Reply, Request
from scholarly_helpers import doubles, expected_upgrades, run_example, upgraded


def _rewrite(reply: Reply | None, change) -> Reply | None:
    if reply is None or reply.status != 200 or "json" not in (reply.content_type or ""):
        return reply
    data = change(json.loads(reply.body))
    return Reply(reply.status, json.dumps(data).encode(), reply.headers, reply.content_type)


class ShuffledS2(S2Double):
    """Answers a batch in another order, with versioned and lower-case arXiv ids (match back by id, not position)."""

    def handle(self, request: Request) -> Reply | None:
        def change(data: Any) -> Any:
            if not isinstance(data, list):
                return data
            for record in data:
                if record and record.get("externalIds", {}).get("ArXiv"):
                    record["externalIds"]["ArXiv"] = record["externalIds"]["ArXiv"] + "v2"
            random.Random(7).shuffle(data)
            return data
        return _rewrite(super().handle(request), change)


class OldDblp(DblpDouble):
    """The 2019 answer format: authors as plain strings, one hit as an object rather than a list."""

    def handle(self, request: Request) -> Reply | None:
        def change(data: Any) -> Any:
            hits = data["result"]["hits"]
            for hit in hits.get("hit", []):
                authors = hit["info"].get("authors", {}).get("author")
                if isinstance(authors, list):
                    hit["info"]["authors"]["author"] = [a["text"] for a in authors]
                elif isinstance(authors, dict):
                    hit["info"]["authors"]["author"] = authors["text"]
            if len(hits.get("hit", [])) == 1:
                hits["hit"] = hits["hit"][0]
            return data
        return _rewrite(super().handle(request), change)


class PlainCrossref(CrossrefDouble):
    """Single values where Crossref lists them, no ``issued`` (only ``published-print``), uppercase DOIs."""

    def handle(self, request: Request) -> Reply | None:
        def fix(work: dict) -> dict:
            if isinstance(work.get("title"), list) and work["title"]:
                work["title"] = work["title"][0]
            containers = work.get("container-title")
            if isinstance(containers, list) and len(containers) == 1:
                work["container-title"] = containers[0]
            if "issued" in work:
                work["published-print"] = work.pop("issued")
                work.pop("published", None)
            if "DOI" in work:
                work["DOI"] = work["DOI"].upper()
            return work

        def change(data: Any) -> Any:
            message = data.get("message")
            if isinstance(message, dict) and isinstance(message.get("items"), list):
                message["items"] = [fix(w) for w in message["items"]]
            elif isinstance(message, dict) and "DOI" in message:
                data["message"] = fix(message)
            return data
        return _rewrite(super().handle(request), change)


def test_other_answer_shapes_give_the_same_upgrades(tmp_path):
    with doubles() as d:
        world = d.world
        with ShuffledS2(world) as s2, OldDblp(world) as db, PlainCrossref(world) as cr:
            settings = d.settings(cache_dir=str(tmp_path), s2_url=s2.api_url, dblp_url=db.url, crossref_url=cr.url)
            doc, result = run_example(d, settings=settings)
    want = expected_upgrades(world)
    got = {e.ids.arxiv: e for e in doc.entries if upgraded(e)}
    assert set(got) == set(want)
    for arxiv_id, entry in got.items():
        assert entry.year == want[arxiv_id]["year"], arxiv_id
        if want[arxiv_id].get("doi"):
            assert entry.ids.doi.lower() == want[arxiv_id]["doi"].lower()


def test_crossref_retry_after_is_honoured_mid_run(tmp_path):
    slept: list[float] = []
    with doubles() as d:
        d.crossref.faults = [Reply.text("<html>slow down</html>", 429, {"Retry-After": "3"}, content_type="text/html")]
        from bibkit.http import HttpLayer

        settings = d.settings(cache_dir=str(tmp_path))
        with HttpLayer(settings, sleep=slept.append) as layer:
            _doc, result = run_example(d, settings=settings, http=layer)
    assert 3.0 in slept and result.stats["crossref"]["retries"] == 1
    assert result.totals["upgraded"] == len(expected_upgrades(d.world))
