"""Configuration: environment variables over a TOML config file over defaults.

Every network client takes its base URL from here, so tests (and users behind
mirrors) point bibkit at other servers without touching code.  Secrets
(``GITHUB_TOKEN``, ``HF_TOKEN``, ``S2_API_KEY``, ``OPENALEX_API_KEY``) are read
from the environment only and are never written anywhere by bibkit.

Config file: ``$BIBKIT_CONFIG``, else ``<user config dir>/bibkit/config.toml``::

    [services]
    arxiv_url  = "https://export.arxiv.org/api/query"
    hf_url     = "https://huggingface.co"
    github_url = "https://api.github.com"
    zotero_url = "http://127.0.0.1:23119"
    s2_url       = "https://api.semanticscholar.org/graph/v1"
    crossref_url = "https://api.crossref.org"
    dblp_url     = "https://dblp.org"
    openalex_url = "https://api.openalex.org"
    openreview_url = "https://api2.openreview.net"   # API v2: venues since 2023
    openreview_v1_url = "https://api.openreview.net" # API v1, asked for notes v2 does not have (older venues)

    [cache]
    dir = "~/.cache/bibkit"

    [citekey]
    format = "auth.lower + shorttitle(3,3) + year"

    [http]
    contact = "you@example.org"   # added to the User-Agent, as arXiv and Crossref ask
    dblp_delay = 5                # seconds between DBLP requests (it answers 429 when hurried)
    s2_delay = 1                  # seconds between Semantic Scholar requests
    # crossref_delay = 0.2        # a fixed pace; by default it is read from Crossref's x-rate-limit-* headers
    openreview_delay = 1          # seconds between OpenReview requests (it rate-limits guests)

    [budget]                      # seconds a run may lose to a failing service before giving it up
    default = 60                  # every service (arXiv's own default is 180)
    hf = 20

    [timeout]                     # read timeout per request, seconds (default: each service's own)
    hf = 10

    [zotero]
    allow_remote = false          # true: let zotero-bridge talk to a non-loopback Zotero URL (a tunnel)

    # published-version venue names beyond the bundled table (bibkit/data/venues.toml), same shape:
    [[venues]]
    short = "MyConf"
    full = "Proceedings of the {year} Conference on My Topic"
    kind = "conference"           # or "journal"
    aliases = ["My Topic Conference"]

Budgets and timeouts also come from ``BIBKIT_BUDGET`` / ``BIBKIT_TIMEOUT`` (every
service) and ``BIBKIT_<SERVICE>_BUDGET`` / ``BIBKIT_<SERVICE>_TIMEOUT`` (one
service, by its name: ``ARXIV``, ``HF``, ``GITHUB``, ``ZOTERO``, ``S2``, ``CROSSREF``,
``DBLP``, ``OPENALEX``, ``OPENREVIEW``).

Mistakes are reported, never ignored: a ``$BIBKIT_CONFIG`` naming a file that does
not exist, or a file that is not TOML, is an error (:class:`ConfigError`, exit code
2); an unknown section or key is a warning with a "did you mean" (``[servics]`` →
``[services]``), collected in :attr:`Settings.warnings` — the CLI prints them once
per run.  :data:`SCHEMA` lists what the file may hold (``[budget]`` and ``[timeout]`` take a
service name or ``default``); a new setting is one line there.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

import platformdirs

from .outcomes import Service

DEFAULTS: dict[str, str] = {
    "arxiv_url": "https://export.arxiv.org/api/query",
    "hf_url": "https://huggingface.co",
    "github_url": "https://api.github.com",
    "zotero_url": "http://127.0.0.1:23119",
    "s2_url": "https://api.semanticscholar.org/graph/v1",
    "crossref_url": "https://api.crossref.org",
    "dblp_url": "https://dblp.org",
    "openalex_url": "https://api.openalex.org",
    "openreview_url": "https://api2.openreview.net",
    "openreview_v1_url": "https://api.openreview.net",
}
#: settings that are base URLs of services (validated alike; trailing slashes dropped)
SERVICE_URLS = ("arxiv_url", "hf_url", "github_url", "zotero_url", "s2_url", "crossref_url", "dblp_url",
                "openalex_url", "openreview_url", "openreview_v1_url")
#: settings that are seconds between requests (non-negative numbers)
DELAYS = ("arxiv_delay", "dblp_delay", "s2_delay", "crossref_delay", "openreview_delay")

#: environment variable -> setting name
ENV_VARS: dict[str, str] = {
    "BIBKIT_ARXIV_URL": "arxiv_url",
    "BIBKIT_HF_URL": "hf_url",
    "BIBKIT_GITHUB_URL": "github_url",
    "BIBKIT_ZOTERO_URL": "zotero_url",
    "BIBKIT_S2_URL": "s2_url",
    "BIBKIT_CROSSREF_URL": "crossref_url",
    "BIBKIT_DBLP_URL": "dblp_url",
    "BIBKIT_OPENALEX_URL": "openalex_url",
    "BIBKIT_OPENREVIEW_URL": "openreview_url",
    "BIBKIT_OPENREVIEW_V1_URL": "openreview_v1_url",
    "BIBKIT_CACHE_DIR": "cache_dir",
    "BIBKIT_CONFIG_DIR": "config_dir",
    "BIBKIT_ARXIV_DELAY": "arxiv_delay",
    "BIBKIT_DBLP_DELAY": "dblp_delay",
    "BIBKIT_S2_DELAY": "s2_delay",
    "BIBKIT_CROSSREF_DELAY": "crossref_delay",
    "BIBKIT_OPENREVIEW_DELAY": "openreview_delay",
    "BIBKIT_CITEKEY_FORMAT": "citekey_format",
    "BIBKIT_CONTACT": "contact",
    "BIBKIT_ZOTERO_ALLOW_REMOTE": "zotero_allow_remote",
}

#: ``BIBKIT_<SERVICE>_BUDGET`` / ``BIBKIT_<SERVICE>_TIMEOUT`` (and ``BIBKIT_BUDGET`` / ``BIBKIT_TIMEOUT`` for all)
_PER_SERVICE = re.compile(r"^BIBKIT_(?:(?P<service>[A-Z0-9]+)_)?(?P<what>BUDGET|TIMEOUT)$")
_TRUE = frozenset({"1", "true", "yes", "on"})
_FALSE = frozenset({"0", "false", "no", "off", ""})


#: what the config file may hold: section -> {key: setting name}; ``[services]`` takes every ``*_url`` setting
SCHEMA: dict[str, dict[str, str]] = {
    "services": {name: name for name in DEFAULTS if name.endswith("_url")},
    "cache": {"dir": "cache_dir"},
    "citekey": {"format": "citekey_format"},
    "http": {"contact": "contact", **{name: name for name in DELAYS}},
    "zotero": {"allow_remote": "zotero_allow_remote"},
}
#: sections whose keys are service names (or ``default``): section -> setting name
_PER_SERVICE_TABLES = {"budget": "budgets", "timeout": "timeouts"}


class ConfigError(ValueError):
    """The config file or an environment variable holds something unusable (message names which)."""


@dataclass(frozen=True, repr=False)  # its own __repr__ (below) hides tokens
class Settings:
    """Resolved settings for one run.  Build with :func:`load_settings`."""

    arxiv_url: str = DEFAULTS["arxiv_url"]
    hf_url: str = DEFAULTS["hf_url"]
    github_url: str = DEFAULTS["github_url"]
    zotero_url: str = DEFAULTS["zotero_url"]
    s2_url: str = DEFAULTS["s2_url"]
    crossref_url: str = DEFAULTS["crossref_url"]
    dblp_url: str = DEFAULTS["dblp_url"]
    openalex_url: str = DEFAULTS["openalex_url"]
    openreview_url: str = DEFAULTS["openreview_url"]
    openreview_v1_url: str = DEFAULTS["openreview_v1_url"]
    cache_dir: Path = field(default_factory=lambda: Path(platformdirs.user_cache_dir("bibkit")))
    config_dir: Path = field(default_factory=lambda: Path(platformdirs.user_config_dir("bibkit")))
    arxiv_delay: float = 3.0  # seconds between arXiv requests, machine-wide (arXiv's terms)
    dblp_delay: float = 5.0  # DBLP publishes no limit; users in 2025 needed 5-7 s to avoid its 429s
    s2_delay: float = 1.0  # Semantic Scholar: 1 request/second with a key; the anonymous pool is shared
    crossref_delay: float | None = None  # None: paced by Crossref's own x-rate-limit-* headers
    openreview_delay: float = 1.0  # OpenReview limits guests to a few dozen requests a minute
    citekey_format: str = "auth.lower + shorttitle(3,3) + year"
    contact: str | None = None
    github_token: str | None = field(default=None, repr=False)
    hf_token: str | None = field(default=None, repr=False)
    s2_api_key: str | None = field(default=None, repr=False)
    openalex_api_key: str | None = field(default=None, repr=False)
    venues: tuple[Any, ...] = ()  # the config file's [[venues]] tables (extra published-venue names)
    config_file: Path | None = None
    #: seconds a run may lose to each failing service before giving it up (``"default"``: every service)
    budgets: Mapping[str, float] = field(default_factory=dict)
    #: read timeout per request for each service, seconds (``"default"``: every service)
    timeouts: Mapping[str, float] = field(default_factory=dict)
    #: let zotero_bridge talk to a Zotero URL that is not a loopback address (an SSH tunnel to another host)
    zotero_allow_remote: bool = False
    warnings: tuple[str, ...] = ()  # unknown sections and keys of the config file, one sentence each

    def __repr__(self) -> str:  # never show tokens, even by accident in a traceback
        shown = {k: v for k, v in self.__dict__.items() if not k.endswith(("_token", "_key"))}
        return f"Settings({shown})"


def _config_path(env: Mapping[str, str]) -> Path:
    if env.get("BIBKIT_CONFIG"):
        return Path(env["BIBKIT_CONFIG"]).expanduser()
    base = env.get("BIBKIT_CONFIG_DIR") or platformdirs.user_config_dir("bibkit")
    return Path(base).expanduser() / "config.toml"


def _line_of(text: str, pattern: str) -> int | None:
    m = re.search(pattern, text, re.MULTILINE)
    return text.count("\n", 0, m.start()) + 1 if m else None


def _suggest(word: str, choices: list[str], form: str = "{}") -> str:
    import difflib  # only for a config mistake

    close = difflib.get_close_matches(word, choices, n=1, cutoff=0.6)
    return f" (did you mean {form.format(close[0])}?)" if close else ""


def _read_file(path: Path) -> tuple[dict[str, Any], list[str]]:
    """The settings a config file sets, and a warning for each section or key it does not know."""
    if not path.is_file():
        return {}, []
    import tomllib  # only when there is a file to read: most runs have none, and start-up counts

    try:
        text = path.read_text(encoding="utf-8")
        data = tomllib.loads(text)
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from exc
    flat: dict[str, Any] = {}
    warnings: list[str] = []
    for section, table in data.items():
        if section == "venues":  # [[venues]]: checked by bibkit.enrich.venues, which knows what a venue needs
            flat["venues"] = tuple(table) if isinstance(table, list) else (table,)
            continue
        if section in _PER_SERVICE_TABLES:  # service = seconds
            if not isinstance(table, dict):
                raise ConfigError(f"{path}: [{section}] must be a table of service = seconds")
            kept: dict[str, float] = {}
            names = ["default", *(str(s) for s in Service)]
            for key, value in table.items():
                service = str(key).lower()
                # any service name is taken (a client of your own may have one); a near-miss of a known one is a typo
                hint = _suggest(service, names, "{!r}") if service not in names else ""
                if hint:
                    line = _line_of(text, rf"^\s*{re.escape(str(key))}\s*=")
                    where = f"{path}:{line}" if line else str(path)
                    warnings.append(f"{where}: unknown service {key!r} in [{section}]{hint}; ignored "
                                    f"(services: {', '.join(names)})")
                    continue
                kept[service] = seconds(value, f"{path}: [{section}] {key}", kind=section)
            flat[_PER_SERVICE_TABLES[section]] = kept
            continue
        known = SCHEMA.get(section)
        if known is None or not isinstance(table, dict):
            name = re.escape(section)
            line = _line_of(text, rf"^\s*\[\s*{name}\s*\]") or _line_of(text, rf"^\s*{name}\s*=")
            where = f"{path}:{line}" if line else str(path)
            if known is None:
                what = f"unknown section [{section}]" + _suggest(section, [*SCHEMA, *_PER_SERVICE_TABLES, "venues"],
                                                                       "[{}]")
            else:
                what = f"[{section}] must be a table"
            warnings.append(f"{where}: {what}; ignored (sections: "
                            f"{', '.join([*SCHEMA, *_PER_SERVICE_TABLES, 'venues'])})")
            continue
        for key, value in table.items():
            setting = known.get(key)
            if setting is None:
                line = _line_of(text, rf"^\s*{re.escape(key)}\s*=")
                where = f"{path}:{line}" if line else str(path)
                hint = _suggest(key, list(known), "{!r}")
                warnings.append(f"{where}: unknown key {key!r} in [{section}]{hint}; ignored "
                                f"(keys: {', '.join(known)})")
                continue
            if setting == "zotero_allow_remote":
                value = _flag(value, f"{path}: [{section}] {key}")
            flat[setting] = value
    return flat, warnings


def seconds(value: Any, where: str, *, kind: str = "budget") -> float:
    """``value`` read as a number of seconds for a setting of ``kind``, or one :class:`ConfigError` naming ``where``.

    The one rule for every setting in seconds, from the config file, the environment or a command-line option:
    a ``budget`` is 0 or more (``inf``: never give up); a ``delay`` (between requests) is 0 or more and finite (it
    is slept); a ``timeout`` is more than 0 and finite — ``requests`` and the socket layer take no other value,
    and one they refuse would surface, once a run is online, as a ``ValueError`` from deep inside a request.
    ``nan`` is no number of seconds for any of them (it passes every ``<`` check).
    """
    try:
        number = float(value)
    except (TypeError, ValueError, OverflowError):
        raise ConfigError(f"{where} must be a number of seconds, not {value!r}") from None
    if number != number:
        raise ConfigError(f"{where} must be a number of seconds, not {value!r}")
    if kind == "timeout" and not 0 < number < float("inf"):
        raise ConfigError(f"{where} must be more than 0 seconds and finite (a timeout), not {value!r}")
    if number < 0:
        raise ConfigError(f"{where} must not be negative")
    if kind == "delay" and number == float("inf"):
        raise ConfigError(f"{where} must be a finite number of seconds, not {value!r}")
    return number


def _flag(value: Any, where: str) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ConfigError(f"{where} must be true or false, not {value!r}")


def _per_service(env: Mapping[str, str], values: dict[str, Any]) -> None:
    """``BIBKIT_[<SERVICE>_]BUDGET`` and ``…TIMEOUT`` from the environment, over the config file's tables."""
    for var, text in env.items():
        m = _PER_SERVICE.match(var)
        if not m or not text:
            continue
        name = "budgets" if m["what"] == "BUDGET" else "timeouts"
        service = (m["service"] or "default").lower()
        values[name] = {**values.get(name, {}), service: seconds(text, var, kind=m["what"].lower())}


def load_settings(env: Mapping[str, str] | None = None, **overrides: Any) -> Settings:
    """Resolve settings: keyword overrides > environment > config file > defaults."""
    env = os.environ if env is None else env
    path = _config_path(env)
    if env.get("BIBKIT_CONFIG") and not path.is_file():
        what = "is a directory" if path.is_dir() else "does not exist"
        raise ConfigError(f"BIBKIT_CONFIG names {path}, which {what} (unset it to use the defaults)")
    values, warnings = _read_file(path)
    for var, name in ENV_VARS.items():
        if env.get(var):
            values[name] = env[var]
    _per_service(env, values)
    values.update({k: v for k, v in overrides.items() if v is not None})
    if "zotero_allow_remote" in values:
        values["zotero_allow_remote"] = _flag(values["zotero_allow_remote"], "BIBKIT_ZOTERO_ALLOW_REMOTE")
    values = {k: v for k, v in values.items() if k in Settings.__dataclass_fields__}
    for key in ("cache_dir", "config_dir"):
        if key in values:
            values[key] = Path(str(values[key])).expanduser()
    for key in DELAYS:
        if key in values and values[key] is not None:
            values[key] = seconds(values[key], f"BIBKIT_{key.upper()}", kind="delay")
    for key in SERVICE_URLS:
        if key in values:
            url = str(values[key]).rstrip("/") if key != "arxiv_url" else str(values[key])
            if not url.startswith(("http://", "https://")):
                raise ConfigError(f"{key} must be an http(s) URL, not {url!r}")
            values[key] = url
    values.setdefault("github_token", env.get("GITHUB_TOKEN") or None)
    values.setdefault("hf_token", env.get("HF_TOKEN") or None)
    values.setdefault("s2_api_key", env.get("S2_API_KEY") or None)
    values.setdefault("openalex_api_key", env.get("OPENALEX_API_KEY") or None)
    return Settings(config_file=path if path.is_file() else None, warnings=tuple(warnings), **values)
