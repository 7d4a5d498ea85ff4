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
"""

from __future__ import annotations

import os
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
}


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
    return flat


def load_settings(env: Mapping[str, str] | None = None, **overrides: Any) -> Settings:
    """Resolve settings: keyword overrides > environment > config file > defaults."""
    env = os.environ if env is None else env
    path = _config_path(env)
    values: dict[str, Any] = _read_file(path)
    for var, name in ENV_VARS.items():
        if env.get(var):
            values[name] = env[var]
    values.update({k: v for k, v in overrides.items() if v is not None})
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
