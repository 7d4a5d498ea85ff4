"""Shared set-up for the published-version tests: every double (arXiv, HF, Crossref, S2, DBLP) on one world."""

from __future__ import annotations

import os
import tempfile
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

import pytest

from bibkit.config import Settings, load_settings
from bibkit.enrich import EnrichResult, enrich_document
from bibkit.model import Document, Entry
from bibkit.outcomes import UpgradeStatus
from bibkit.record import UpgradeReport
from bibkit.sources import read_path
from bibkit.testing.arxiv import ArxivDouble
from bibkit.testing.corpus import load_corpus
from bibkit.testing.crossref import CrossrefDouble
from bibkit.testing.dblp import DblpDouble
from bibkit.testing.hf import HfDouble
from bibkit.testing.openalex import OpenAlexDouble
from bibkit.testing.s2 import S2Double
from bibkit.testing.scholarly import ScholarlyWorld

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "hf-trending-papers.txt"
SAMPLES = ROOT.parent / "shared" / "apis" / "samples"
CLOSED = "http://127.0.0.1:9"
ALL = ("arxiv", "hf", "s2", "crossref", "dblp")


@dataclass
class Doubles:
    world: ScholarlyWorld
    arxiv: ArxivDouble
    hf: HfDouble
    crossref: CrossrefDouble
    s2: S2Double
    dblp: DblpDouble
    openalex: OpenAlexDouble

    def settings(self, **overrides: Any) -> Settings:
        """Settings pointing at the doubles, no pacing (they are local), no config file, no keys —
        independent of the environment, so module-scoped fixtures get them too."""
        values: dict[str, Any] = dict(arxiv_url=self.arxiv.api_url, hf_url=self.hf.url, crossref_url=self.crossref.url,
                                      s2_url=self.s2.api_url, dblp_url=self.dblp.url, openalex_url=self.openalex.url,
                                      arxiv_delay=0, dblp_delay=0, s2_delay=0, crossref_delay=0, github_url=CLOSED,
                                      zotero_url=CLOSED)
        values.update(overrides)
        return load_settings(env={"BIBKIT_CONFIG": str(_empty_config())}, **values)

    def env(self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setenv("BIBKIT_ARXIV_URL", self.arxiv.api_url)
        monkeypatch.setenv("BIBKIT_HF_URL", self.hf.url)
        monkeypatch.setenv("BIBKIT_CROSSREF_URL", self.crossref.url)
        monkeypatch.setenv("BIBKIT_S2_URL", self.s2.api_url)
        monkeypatch.setenv("BIBKIT_DBLP_URL", self.dblp.url)
        monkeypatch.setenv("BIBKIT_OPENALEX_URL", self.openalex.url)

    def reset_logs(self) -> None:
        for d in (self.arxiv, self.hf, self.crossref, self.s2, self.dblp, self.openalex):
            d.reset_log()


def _empty_config() -> Path:
    """An empty config file (``BIBKIT_CONFIG`` must name a file): settings independent of the user's."""
    path = Path(tempfile.gettempdir()) / f"bibkit-tests-empty-config-{os.getpid()}.toml"
    if not path.is_file():
        path.write_text("", encoding="utf-8")
    return path


@contextmanager
def doubles(world: ScholarlyWorld | None = None) -> Iterator[Doubles]:
    world = world or ScholarlyWorld(load_corpus())
    with ExitStack() as stack:
        ax = stack.enter_context(ArxivDouble(world.corpus))
        hf = stack.enter_context(HfDouble(world.corpus))
        cr = stack.enter_context(CrossrefDouble(world))
        s2 = stack.enter_context(S2Double(world))
        db = stack.enter_context(DblpDouble(world))
        oa = stack.enter_context(OpenAlexDouble(world))
        yield Doubles(world, ax, hf, cr, s2, db, oa)


def run_example(d: Doubles, only: tuple[str, ...] = ALL, path: Path = EXAMPLE, **kwargs: Any) -> tuple[Document, EnrichResult]:
    settings = kwargs.pop("settings", None) or d.settings()
    doc = read_path(str(path))
    result = enrich_document(doc, settings, only=only, **kwargs)
    return doc, result


def expected_upgrades(world: ScholarlyWorld) -> dict[str, dict[str, Any]]:
    """arXiv id -> the publication the listing paper must be upgraded to."""
    return {p["arxiv"]: p for p in world.publications if p.get("expect_upgrade")}


def upgrade_of(entry: Entry) -> UpgradeReport:
    """What the published-version stage concluded about ``entry`` (on its record); fails if it did not run on it."""
    assert entry.record.upgrade is not None, entry.key
    return entry.record.upgrade


def upgraded(entry: Entry) -> bool:
    """Whether ``entry`` was moved to its published version this run."""
    return entry.record.upgrade is not None and entry.record.upgrade.status is UpgradeStatus.UPGRADED
