"""``bibkit repos``: read the inputs as every command does, then look up the papers' repositories."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Callable, Sequence

from ..config import Settings, load_settings
from ..enrich.github import DEFAULT_TTL
from ..http import HttpLayer
from ..repos import FORMATS as REPO_FORMATS
from ..repos import SORTS as REPO_SORTS
from ..repos import ReposResult, look_up_repos, render_rows
from .documents import read_normalised
from .options import ReadOptions

__all__ = ["REPO_FORMATS", "REPO_SORTS", "ReposOptions", "ReposResult", "list_repos", "render_rows"]


@dataclass(frozen=True)
class ReposOptions:
    """``bibkit repos``: how to read the inputs, the sort (``stars`` | ``pushed``), cache use.

    Public as :mod:`bibkit.app.options` (and :mod:`bibkit.app`) names; kept here, with the one command that
    builds it, so that the others start without building its class.
    """

    read: ReadOptions = ReadOptions()
    sort: str = "stars"
    offline: bool = False
    refresh: bool = False


def list_repos(
    inputs: Sequence[str],
    options: ReposOptions = ReposOptions(),
    *,
    settings: Settings | None = None,
    http: HttpLayer | None = None,
    token: str | None = None,
    ttl: timedelta | float = DEFAULT_TTL,
    on_progress: Callable[[str, int], None] = lambda stage, n: None,
) -> ReposResult:
    """Read inputs, resolve every GitHub link, and return the rows sorted by ``options.sort``.

    ``token`` overrides ``GITHUB_TOKEN`` when given (``""`` = anonymous).
    ``http`` reuses a caller's layer (its offline/refresh flags then apply).
    """
    settings = settings or load_settings()
    doc, _norm = read_normalised(inputs, options.read, settings)
    return look_up_repos(doc.entries, sort=options.sort, settings=settings, http=http, offline=options.offline,
                         refresh=options.refresh, token=token, ttl=ttl, on_progress=on_progress)
