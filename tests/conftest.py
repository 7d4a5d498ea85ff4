"""Shared fixtures.  Every test runs with its own cache/config directories and with
every service URL pointing at a closed local port, so no test can reach the real
arXiv, GitHub, Hugging Face, Semantic Scholar, Crossref, DBLP, OpenAlex, OpenReview or Zotero,
or share state with another test.  Pacing delays are 0 (the doubles are local)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"  # reference material, when present beside the checkout
EXAMPLES = ROOT / "examples"
DATA = Path(__file__).resolve().parent / "data"

def load_script(path: Path) -> ModuleType:
    """A generator script beside its test data (``make_pastes.py``…) imported as a module under its own name (kept
    in ``sys.modules``, so the dataclasses it defines can find their module)."""
    spec = importlib.util.spec_from_file_location(path.stem, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


#: a port nothing listens on: a client that forgets its configured URL fails fast
CLOSED = "http://127.0.0.1:9"


@pytest.fixture(autouse=True)
def isolated_env(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path_factory.mktemp("bibkit-home")
    monkeypatch.setenv("BIBKIT_CACHE_DIR", str(home / "cache"))
    monkeypatch.setenv("BIBKIT_CONFIG_DIR", str(home / "config"))
    (home / "config").mkdir(exist_ok=True)
    (home / "config" / "config.toml").touch()  # $BIBKIT_CONFIG must name a file that exists (#14)
    monkeypatch.setenv("BIBKIT_CONFIG", str(home / "config" / "config.toml"))
    monkeypatch.setenv("BIBKIT_ARXIV_URL", CLOSED + "/api/query")
    monkeypatch.setenv("BIBKIT_HF_URL", CLOSED)
    monkeypatch.setenv("BIBKIT_GITHUB_URL", CLOSED)
    monkeypatch.setenv("BIBKIT_ZOTERO_URL", CLOSED)
    monkeypatch.setenv("BIBKIT_S2_URL", CLOSED + "/graph/v1")
    monkeypatch.setenv("BIBKIT_CROSSREF_URL", CLOSED)
    monkeypatch.setenv("BIBKIT_DBLP_URL", CLOSED)
    monkeypatch.setenv("BIBKIT_OPENALEX_URL", CLOSED)
    monkeypatch.setenv("BIBKIT_OPENREVIEW_URL", CLOSED)
    monkeypatch.setenv("BIBKIT_OPENREVIEW_V1_URL", CLOSED)
    monkeypatch.setenv("BIBKIT_OPENREVIEW_DELAY", "0")
    monkeypatch.setenv("BIBKIT_ARXIV_DELAY", "0")
    monkeypatch.setenv("BIBKIT_DBLP_DELAY", "0")
    monkeypatch.setenv("BIBKIT_S2_DELAY", "0")
    monkeypatch.setenv("BIBKIT_CROSSREF_DELAY", "0")
    monkeypatch.delenv("GITHUB_TOKEN", raising=False)
    monkeypatch.delenv("HF_TOKEN", raising=False)
    monkeypatch.delenv("S2_API_KEY", raising=False)
    monkeypatch.delenv("OPENALEX_API_KEY", raising=False)
    monkeypatch.delenv("BIBKIT_CONTACT", raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "xdg-config"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(home / "xdg-cache"))
    return home
