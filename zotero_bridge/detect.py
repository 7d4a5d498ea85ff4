"""Which Zotero is running, and which ways of talking to it it offers.

Two cheap GETs decide everything (PROTOCOL.md 3.1): ``GET /connector/ping``
(always on while Zotero runs) and ``GET /api/`` — ``200 "Nothing to see here."``
means the local API is on, a ``Zotero-Server-ID`` header on it means the local
API accepts writes (Zotero 10+), ``403 "Local API is not enabled"`` means the
user has not turned it on, ``404`` means a Zotero without a local API (6.x).
``X-Zotero-Version`` names the app version.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from bibkit.config import Settings, load_settings
from bibkit.outcomes import Transport

from .transport import (
    LOCAL_API_SETTING,
    OutcomeUnknown,
    ZoteroError,
    ZoteroHttp,
    ZoteroHTTPError,
    ZoteroUnreachable,
    is_local_api_disabled,
)


def version_tuple(version: str | None) -> tuple[int, ...]:
    """``"7.0.32"`` -> ``(7, 0, 32)``; ``"10.0.1.SOURCE"`` -> ``(10, 0, 1)``; unknown -> ``()``."""
    if not version:
        return ()
    return tuple(int(n) for n in re.findall(r"\d+", version.split("-")[0])[:3])


@dataclass
class ZoteroStatus:
    """What :func:`detect` found.  ``local_api`` is ``enabled`` | ``disabled`` | ``absent`` | ``unknown``."""

    url: str
    running: bool = False
    version: str | None = None
    connector: bool = False
    local_api: str = "unknown"
    writes: bool = False
    server_id: str | None = None
    schema_version: str | None = None
    error: str | None = None
    notes: list[str] = field(default_factory=list)
    broken: bool = False  # something answered at the URL, but not properly (cut short, a redirect, an error)

    @property
    def major(self) -> int:
        v = version_tuple(self.version)
        return v[0] if v else 0

    @property
    def can_read(self) -> bool:
        return self.local_api == "enabled"

    @property
    def transports(self) -> list[Transport]:
        """The write transports available: ``local`` (10+, API on) and/or ``connector``."""
        out = []
        if self.local_api == "enabled" and self.writes:
            out.append(Transport.LOCAL)
        if self.connector:
            out.append(Transport.CONNECTOR)
        return out

    def choose(self, via: Transport | str | None = None) -> Transport:
        """The transport to use (``via`` forces one); raises :class:`ZoteroError` with the remedy."""
        if not self.running:
            raise ZoteroUnreachable(self.error or f"Zotero is not reachable at {self.url}")
        if via in (None, "auto"):
            if Transport.LOCAL in self.transports:
                return Transport.LOCAL
            if self.connector:
                return Transport.CONNECTOR
            raise ZoteroError(f"Zotero at {self.url} offers neither the local API with writes nor the connector")
        if via == Transport.LOCAL:
            if Transport.LOCAL in self.transports:
                return Transport.LOCAL
            if self.local_api == "disabled":
                raise ZoteroError(f"--via local: the local API is off; turn it on in {LOCAL_API_SETTING}")
            raise ZoteroError(
                f"--via local: Zotero {self.version or '?'} cannot write through its local API "
                f"(that needs Zotero 10 or later); use --via connector or upgrade Zotero"
            )
        if via == Transport.CONNECTOR:
            if self.connector:
                return Transport.CONNECTOR
            raise ZoteroError(f"--via connector: Zotero at {self.url} does not answer /connector/ping")
        raise ValueError(f"unknown transport {via!r} (local | connector)")

    def advice(self) -> list[str]:
        """What the user should enable or upgrade, in plain words (empty when all is well)."""
        if self.broken:
            return [f"Check that {self.url} is Zotero's local server (BIBKIT_ZOTERO_URL) and try again."]
        if not self.running:
            return [f"Start Zotero (nothing answers at {self.url}); set BIBKIT_ZOTERO_URL if it uses another port."]
        out = []
        if self.local_api == "disabled":
            out.append(f"Turn on the local API for duplicate detection, updates and export: {LOCAL_API_SETTING}.")
        elif self.local_api == "absent":
            out.append("This Zotero has no local API (Zotero 7 or later has one): "
                       "upgrade for duplicate detection and export.")
        if self.local_api == "enabled" and not self.writes:
            out.append("Zotero 10 or later can create collections and update existing items through the local API; "
                       "this version saves new items through the connector only.")
        return out

    def as_dict(self) -> dict[str, Any]:
        return {
            "url": self.url, "running": self.running, "version": self.version, "connector": self.connector,
            "local_api": self.local_api, "local_writes": self.writes, "server_id": self.server_id,
            "schema_version": self.schema_version, "transports": self.transports, "advice": self.advice(),
            **({"broken": True} if self.broken else {}),
            **({"error": self.error} if self.error else {}),
        }


def status(settings: Settings | None = None) -> ZoteroStatus:
    """Which Zotero answers at the configured URL, which transports it offers, what to enable."""
    with ZoteroHttp(settings or load_settings()) as http:
        return detect(http)


def detect(http: ZoteroHttp) -> ZoteroStatus:
    """Probe ``/connector/ping`` and ``/api/``; never raises for an absent Zotero (``running=False``)."""
    status = ZoteroStatus(url=http.base_url)
    try:
        ping = http.request("GET", "/connector/ping", headers={"X-Zotero-Connector-API-Version": "3"})
    except ZoteroUnreachable as exc:
        status.error = str(exc)
        return status
    except (OutcomeUnknown, ZoteroHTTPError) as exc:
        status.error = f"Zotero at {http.base_url} did not answer properly: {exc}"
        status.broken = True
        return status
    status.running = True
    status.version = ping.headers.get("X-Zotero-Version")
    status.connector = ping.status_code == 200
    try:
        api = http.request("GET", "/api/", headers={"Zotero-Allowed-Request": "1"})
    except ZoteroError as exc:
        status.notes.append(f"GET /api/ failed: {exc}")
        return status
    status.version = status.version or api.headers.get("X-Zotero-Version")
    if api.status_code == 200:
        status.local_api = "enabled"
        status.server_id = api.headers.get("Zotero-Server-ID") or None
        status.writes = status.server_id is not None
        status.schema_version = api.headers.get("Zotero-Schema-Version")
    elif is_local_api_disabled(api):
        status.local_api = "disabled"
    elif api.status_code == 404:
        status.local_api = "absent"
    else:
        status.notes.append(f"GET /api/ answered HTTP {api.status_code}")
    return status
