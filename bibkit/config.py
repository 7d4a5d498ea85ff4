"""Configuration: environment variables over a TOML config file over defaults.

Every network client takes its base URL from here, so tests (and users behind
mirrors) point bibkit at other servers without touching code.  Secrets
(``GITHUB_TOKEN``, ``HF_TOKEN``) are read from the environment only and are
never written anywhere by bibkit.

Config file: ``$BIBKIT_CONFIG``, else ``<user config dir>/bibkit/config.toml``::

    [services]
    arxiv_url  = "https://export.arxiv.org/api/query"
    hf_url     = "https://huggingface.co"
    github_url = "https://api.github.com"
    zotero_url = "http://127.0.0.1:23119"

    [cache]
    dir = "~/.cache/bibkit"

    [citekey]
    format = "auth.lower + shorttitle(3,3) + year"

    [http]
    contact = "you@example.org"   # added to the User-Agent, as arXiv and Crossref ask

    [budget]                      # seconds a run may lose to a failing service before giving it up
    default = 60                  # every service (arXiv's own default is 180)
    hf = 20

    [timeout]                     # read timeout per request, seconds (default: each service's own)
    hf = 10

    [zotero]
    allow_remote = false          # true: let zotero-bridge talk to a non-loopback Zotero URL (a tunnel)

Budgets and timeouts also come from ``BIBKIT_BUDGET`` / ``BIBKIT_TIMEOUT`` (every
service) and ``BIBKIT_<SERVICE>_BUDGET`` / ``BIBKIT_<SERVICE>_TIMEOUT`` (one
service, by its name: ``ARXIV``, ``HF``, ``GITHUB``, ``ZOTERO``…).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

import platformdirs

DEFAULTS: dict[str, str] = {
    "arxiv_url": "https://export.arxiv.org/api/query",
    "hf_url": "https://huggingface.co",
    "github_url": "https://api.github.com",
    "zotero_url": "http://127.0.0.1:23119",
}

#: environment variable -> setting name
ENV_VARS: dict[str, str] = {
    "BIBKIT_ARXIV_URL": "arxiv_url",
    "BIBKIT_HF_URL": "hf_url",
    "BIBKIT_GITHUB_URL": "github_url",
    "BIBKIT_ZOTERO_URL": "zotero_url",
    "BIBKIT_CACHE_DIR": "cache_dir",
    "BIBKIT_CONFIG_DIR": "config_dir",
    "BIBKIT_ARXIV_DELAY": "arxiv_delay",
    "BIBKIT_CITEKEY_FORMAT": "citekey_format",
    "BIBKIT_CONTACT": "contact",
    "BIBKIT_ZOTERO_ALLOW_REMOTE": "zotero_allow_remote",
}

#: ``BIBKIT_<SERVICE>_BUDGET`` / ``BIBKIT_<SERVICE>_TIMEOUT`` (and ``BIBKIT_BUDGET`` / ``BIBKIT_TIMEOUT`` for all)
_PER_SERVICE = re.compile(r"^BIBKIT_(?:(?P<service>[A-Z0-9]+)_)?(?P<what>BUDGET|TIMEOUT)$")
_TRUE = frozenset({"1", "true", "yes", "on"})
_FALSE = frozenset({"0", "false", "no", "off", ""})


class ConfigError(ValueError):
    """The config file or an environment variable holds something unusable (message names which)."""


@dataclass(frozen=True)
class Settings:
    """Resolved settings for one run.  Build with :func:`load_settings`."""

    arxiv_url: str = DEFAULTS["arxiv_url"]
    hf_url: str = DEFAULTS["hf_url"]
    github_url: str = DEFAULTS["github_url"]
    zotero_url: str = DEFAULTS["zotero_url"]
    cache_dir: Path = field(default_factory=lambda: Path(platformdirs.user_cache_dir("bibkit")))
    config_dir: Path = field(default_factory=lambda: Path(platformdirs.user_config_dir("bibkit")))
    arxiv_delay: float = 3.0  # seconds between arXiv requests, machine-wide (arXiv's terms)
    citekey_format: str = "auth.lower + shorttitle(3,3) + year"
    contact: str | None = None
    github_token: str | None = field(default=None, repr=False)
    hf_token: str | None = field(default=None, repr=False)
    config_file: Path | None = None
    #: seconds a run may lose to each failing service before giving it up (``"default"``: every service)
    budgets: Mapping[str, float] = field(default_factory=dict)
    #: read timeout per request for each service, seconds (``"default"``: every service)
    timeouts: Mapping[str, float] = field(default_factory=dict)
    #: let zotero_bridge talk to a Zotero URL that is not a loopback address (an SSH tunnel to another host)
    zotero_allow_remote: bool = False

    def __repr__(self) -> str:  # never show tokens, even by accident in a traceback
        shown = {k: v for k, v in self.__dict__.items() if not k.endswith("_token")}
        return f"Settings({shown})"


def _config_path(env: Mapping[str, str]) -> Path:
    if env.get("BIBKIT_CONFIG"):
        return Path(env["BIBKIT_CONFIG"]).expanduser()
    base = env.get("BIBKIT_CONFIG_DIR") or platformdirs.user_config_dir("bibkit")
    return Path(base).expanduser() / "config.toml"


def _read_file(path: Path) -> dict[str, Any]:
    if not path.is_file():
        return {}
    import tomllib  # only when there is a file to read: most runs have none, and start-up counts

    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from exc
    flat: dict[str, Any] = {}
    for key, value in data.get("services", {}).items():
        flat[key] = value
    if "dir" in data.get("cache", {}):
        flat["cache_dir"] = data["cache"]["dir"]
    if "format" in data.get("citekey", {}):
        flat["citekey_format"] = data["citekey"]["format"]
    if "contact" in data.get("http", {}):
        flat["contact"] = data["http"]["contact"]
    if "arxiv_delay" in data.get("http", {}):
        flat["arxiv_delay"] = data["http"]["arxiv_delay"]
    for table, name in (("budget", "budgets"), ("timeout", "timeouts")):
        section = data.get(table, {})
        if not isinstance(section, dict):
            raise ConfigError(f"{path}: [{table}] must be a table of service = seconds")
        flat[name] = {str(k).lower(): _seconds(v, f"{path}: [{table}] {k}") for k, v in section.items()}
    if "allow_remote" in data.get("zotero", {}):
        flat["zotero_allow_remote"] = _flag(data["zotero"]["allow_remote"], f"{path}: [zotero] allow_remote")
    return flat


def _seconds(value: Any, where: str) -> float:
    try:
        seconds = float(value)
    except (TypeError, ValueError):
        raise ConfigError(f"{where} must be a number of seconds, not {value!r}") from None
    if seconds < 0 or seconds != seconds:
        raise ConfigError(f"{where} must not be negative")
    return seconds


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
        values[name] = {**values.get(name, {}), service: _seconds(text, var)}


def load_settings(env: Mapping[str, str] | None = None, **overrides: Any) -> Settings:
    """Resolve settings: keyword overrides > environment > config file > defaults."""
    env = os.environ if env is None else env
    path = _config_path(env)
    values: dict[str, Any] = _read_file(path)
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
    if "arxiv_delay" in values:
        try:
            values["arxiv_delay"] = float(values["arxiv_delay"])
        except ValueError as exc:
            raise ConfigError(f"BIBKIT_ARXIV_DELAY must be a number of seconds, not {values['arxiv_delay']!r}") from exc
        if values["arxiv_delay"] < 0:
            raise ConfigError("BIBKIT_ARXIV_DELAY must not be negative")
    for key in ("arxiv_url", "hf_url", "github_url", "zotero_url"):
        if key in values:
            url = str(values[key]).rstrip("/") if key != "arxiv_url" else str(values[key])
            if not url.startswith(("http://", "https://")):
                raise ConfigError(f"{key} must be an http(s) URL, not {url!r}")
            values[key] = url
    values.setdefault("github_token", env.get("GITHUB_TOKEN") or None)
    values.setdefault("hf_token", env.get("HF_TOKEN") or None)
    return Settings(config_file=path if path.is_file() else None, **values)
