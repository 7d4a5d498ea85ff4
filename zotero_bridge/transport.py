"""HTTP to Zotero's local server: the local API (``/api/…``) and the connector (``/connector/…``).

Everything goes through bibkit's one HTTP layer (:mod:`bibkit.http`) with a
``zotero`` service policy: no cache (a library changes under our feet), no
pacing (it is a local desktop app), retries for reads only.  A write is never
resent blindly: when its outcome is unknown (connection dropped, timeout) the
caller gets :class:`OutcomeUnknown` and must re-read before deciding.

Zotero's server quirks this module absorbs (PROTOCOL.md section 1):

* the ``Host`` header must be loopback (``127.0.0.1``/``localhost``), so it is set
  explicitly when the configured URL names another host (an SSH tunnel, a container);
* POST bodies need a ``Content-Length`` (chunked bodies are refused): bodies are
  always serialised to bytes here, never streamed;
* answers are HTTP/1.0 and may end at connection close without a Content-Length;
* the connector wants ``X-Zotero-Connector-API-Version: 3``; the local API
  ``Zotero-Allowed-Request: 1`` (both harmless and robust against the browser check).

Multi-object reads are complete whatever the server's paging: the local API
returns everything when no ``limit`` is sent, but a stricter server may page
anyway, so :meth:`LocalApi.get_list` follows ``Link: rel="next"`` (else pages on
with ``start`` while fewer than ``Total-Results`` came) and never counts an
object twice.

The API key stays home:

* the bridge talks only to a **loopback** address (``127.0.0.0/8``, ``::1``,
  ``localhost``): any other Zotero URL is refused with a clear message unless
  the user opts in (``--allow-remote``, ``[zotero] allow_remote = true`` or
  ``BIBKIT_ZOTERO_ALLOW_REMOTE=1``: someone reaching their Zotero through a
  tunnel that ends on another host);
* redirects are **never followed**: Zotero's server never sends one to the
  endpoints the bridge uses, and ``requests`` would carry the custom
  ``Zotero-API-Key`` header (and a write's body) to wherever a 307 points;
  a redirect is an error naming where it pointed;
* the key travels only in the ``Zotero-API-Key`` header (never in a URL), and
  nothing here logs headers; the key store binds each key to the origin that
  granted it (:mod:`zotero_bridge.keystore`).

An answer cut short of its ``Content-Length`` (the connection broke mid-body)
is a read to ask again or, for a write, an :class:`OutcomeUnknown`: never a
traceback.
"""

from __future__ import annotations

import ipaddress
import json
import logging
import re
import threading
import time
import uuid
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Mapping
from urllib.parse import parse_qsl, urlsplit

import requests

from bibkit.config import Settings, load_settings
from bibkit.errors import BibkitError, ExitCode
from bibkit.health import describe
from bibkit.http import HttpError, HttpLayer, RateLimited, ServiceDown, ServicePolicy, ServiceUnavailable
from bibkit.jsondata import load_json
from bibkit.outcomes import OutageKind, Service

log = logging.getLogger("zotero_bridge.transport")

SERVICE = Service.ZOTERO
USER_PREFIX = "/api/users/0"
LOCAL_API_SETTING = (
    'Zotero → Settings → Advanced → "Allow other applications on this computer to communicate with Zotero"'
)
#: the preference behind that checkbox (about:config), for users who script their profile
LOCAL_API_PREF = "extensions.zotero.httpServer.localAPI.enabled"
#: Host values every Zotero release accepts (``[::1]`` only since 9.0.3, so it is replaced)
_LOOPBACK = {"127.0.0.1", "localhost"}


# --------------------------------------------------------------------------- errors


class ZoteroError(BibkitError):
    """Something about Zotero stops the command (exit code 6)."""

    exit_code = ExitCode.ZOTERO


class ZoteroUnreachable(ZoteroError):
    """Nothing answers at the configured URL: Zotero is not running (or another port is configured)."""


class OutcomeUnknown(ZoteroError):
    """The connection broke (or timed out) after a request was sent: it may or may not have been applied.

    ``timed_out``: no answer within the timeout, so Zotero may *still be working*
    on it (a connector save must then not be sent again in this run); otherwise
    the connection was dropped (Zotero quit or closed it).
    """

    def __init__(self, message: str, *, timed_out: bool = False):
        self.timed_out = timed_out
        super().__init__(message)


class ZoteroBusy(ZoteroError):
    """Zotero answered 429 (or kept answering 503): it refused the request; ``until`` = when to try again."""

    def __init__(self, message: str, *, until: float | None = None):
        self.until = until
        super().__init__(message)

    @property
    def wait(self) -> float:
        return max(0.0, (self.until or time.time()) - time.time())


class LocalApiDisabled(ZoteroError):
    """The local API answered 403 "Local API is not enabled"."""

    def __init__(self, what: str = "reading your library"):
        super().__init__(
            f"Zotero's local API is off, which {what} needs. Turn it on in {LOCAL_API_SETTING} "
            f"(the preference {LOCAL_API_PREF}), then run again."
        )


class AuthorizationDenied(ZoteroError):
    """The user clicked Deny in Zotero's "Local API Authorization" window."""


class RemoteZoteroRefused(ZoteroError):
    """The configured Zotero URL is not a loopback address and the user did not opt in."""


class ZoteroHTTPError(ZoteroError):
    """Zotero answered with an error status the caller did not expect."""

    def __init__(self, message: str, status: int | None = None, body: str = ""):
        self.status, self.body = status, body
        super().__init__(message)


# --------------------------------------------------------------------------- the HTTP wrapper


def zotero_policy(settings: Settings, *, read_timeout: float = 30.0) -> ServicePolicy:
    """The ``zotero`` service policy: local, uncached, unpaced, reads retried, writes never.

    Failures are counted like any service's but never give Zotero up for the
    run by themselves (``down_after``/``budget`` off): the bridge decides what a
    failed read or write means (re-read, resume, stop with a message).
    """
    return ServicePolicy(
        name=SERVICE,
        base_url=settings.zotero_url,
        min_interval=0.0,
        expire_after=None,
        use_cache=False,
        max_attempts=3,
        backoff_base=0.25,
        backoff_max=2.0,
        max_wait=60.0,
        connect_timeout=3.05,
        read_timeout=read_timeout,
        retry_post=False,
        down_after=None,
        budget=None,
    )


@dataclass
class RequestCount:
    """What the bridge sent, for reports and the benchmark: reads vs. writes, per path."""

    reads: int = 0
    writes: int = 0
    authorizations: int = 0  # POST /api/local/authorize (neither a read nor a library write)
    log: list[tuple[str, str]] = field(default_factory=list)

    def add(self, method: str, path: str, write: bool) -> None:
        if write:
            self.writes += 1
        elif path == "/api/local/authorize":
            self.authorizations += 1
        else:
            self.reads += 1
        self.log.append((method, path))

    def as_dict(self) -> dict[str, int]:
        return {"reads": self.reads, "writes": self.writes, "authorizations": self.authorizations,
                "total": self.reads + self.writes + self.authorizations}


class ZoteroHttp:
    """One run's connection to Zotero (local API and connector share it)."""

    def __init__(
        self,
        settings: Settings | None = None,
        *,
        layer: HttpLayer | None = None,
        timeout: float | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ):
        self.settings = settings or load_settings()
        check_loopback(self.settings.zotero_url, allow_remote=getattr(self.settings, "zotero_allow_remote", False))
        self._own_layer = layer is None
        self.layer = layer or HttpLayer(self.settings, cache=False, sleep=sleep)
        self.timeout = timeout or 30.0
        self.client = self.layer.client(zotero_policy(self.settings, read_timeout=self.timeout))
        self.count = RequestCount()
        self.base_url = self.settings.zotero_url.rstrip("/")
        self._host = _loopback_host(self.base_url)
        _QUIET.watch(self.base_url)

    def close(self) -> None:
        if self._own_layer:
            self.layer.close()

    def __enter__(self) -> "ZoteroHttp":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def sleep(self, seconds: float) -> None:
        self.layer.sleep(seconds)

    def request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, Any] | None = None,
        body: Any = None,
        content_type: str = "application/json",
        headers: Mapping[str, str] | None = None,
        timeout: float | None = None,
        write: bool = False,
    ) -> requests.Response:
        """Send one request; map transport failures to the bridge's errors.

        ``body`` is serialised to bytes here (JSON unless it already is bytes or
        str), so a Content-Length is always sent.  ``write=True`` marks requests
        that change the library (counted apart; their failures are
        :class:`OutcomeUnknown`, never retried).
        """
        sent_headers: dict[str, str] = {}
        if self._host:
            sent_headers["Host"] = self._host
        data: bytes | None = None
        if body is not None:
            if isinstance(body, bytes):
                data = body
            elif isinstance(body, str):
                data = body.encode("utf-8")
            else:
                data = json.dumps(body, ensure_ascii=False).encode("utf-8")
            sent_headers["Content-Type"] = content_type
        sent_headers.update(headers or {})
        self.count.add(method, path, write)
        read_timeout = timeout or self.timeout
        try:
            response = self.client.request(
                method, path, params=params, data=data, headers=sent_headers,
                timeout=(self.client.policy.connect_timeout, read_timeout),
                retry=(method == "GET"), allow_redirects=False,
            )
        except RateLimited as exc:
            # a 429 (or a long Retry-After) means Zotero refused the request: nothing was applied
            raise ZoteroBusy(f"Zotero asks to wait before {method} {path} (HTTP {exc.status or 429})",
                             until=exc.until) from exc
        except ServiceDown as exc:
            if exc.outage.kind is not OutageKind.UNREACHABLE:
                raise ZoteroError(f"Zotero {describe(exc.outage)}; stopped at {method} {path}") from exc
            raise ZoteroUnreachable(
                f"Zotero is not reachable at {self.base_url} (is Zotero running? the port is set in "
                f"BIBKIT_ZOTERO_URL or the config file)"
            ) from exc
        except ServiceUnavailable as exc:
            if _refused(exc):
                raise ZoteroUnreachable(
                    f"Zotero is not reachable at {self.base_url} (is Zotero running? the port is set in "
                    f"BIBKIT_ZOTERO_URL or the config file)"
                ) from exc
            # a dropped connection is not a dead server: let the caller re-read
            self.layer.stats.unavailable.pop(SERVICE, None)
            self.layer.health.get(SERVICE).clear()
            raise OutcomeUnknown(f"the connection to Zotero broke during {method} {path}") from exc
        except HttpError as exc:
            if exc.kind is OutageKind.UNREADABLE:
                why = _why_unreadable(exc)
                if write:  # the request reached Zotero and an answer started: it may well have been applied
                    raise OutcomeUnknown(f"Zotero's answer to {method} {path} could not be read ({why}); "
                                         "the change may or may not have been made") from exc
                raise ZoteroHTTPError(f"Zotero's answer to {method} {path} could not be read ({why}); "
                                      "try again", exc.status) from exc
            if exc.status is None:
                raise OutcomeUnknown(f"Zotero did not answer {method} {path} in time ({read_timeout:g} s)",
                                     timed_out=True) from exc
            if exc.status == 503:  # Retry-After honoured and still busy: refused, like a 429
                raise ZoteroBusy(f"Zotero is busy (HTTP 503 to {method} {path}); try again later") from exc
            if write and exc.status in (502, 504):  # a gateway between us and Zotero: the write may have gone through
                raise OutcomeUnknown(f"no answer from Zotero to {method} {path} "
                                     f"(HTTP {exc.status} from a gateway)") from exc
            raise ZoteroHTTPError(str(exc), exc.status) from exc
        if 300 <= response.status_code < 400 and response.status_code != 304:
            where = response.headers.get("Location") or "nowhere"
            raise ZoteroHTTPError(
                f"{self.base_url} answered {method} {path} with a redirect (HTTP {response.status_code} to {where}); "
                "Zotero never redirects, so the bridge does not follow it (the API key stays with Zotero)",
                response.status_code)
        return response


def _why_unreadable(exc: HttpError) -> str:
    """The short reason the HTTP layer gave for an unreadable answer ("answer cut short: …" → "cut short: …")."""
    text = str(exc).split(": ", 1)[-1]
    return text.split(" (")[0].removeprefix("unreadable answer: ")


def is_loopback(host: str) -> bool:
    """Whether ``host`` (a URL's host name) is this machine: ``localhost``, ``127.0.0.0/8`` or ``::1``.

    Only literal addresses and the name ``localhost`` count: a host name that
    resolves to a loopback address today may resolve elsewhere tomorrow.
    """
    name = host.strip().strip("[]").rstrip(".").lower()
    if name == "localhost" or name.endswith(".localhost"):
        return True
    try:
        address = ipaddress.ip_address(name)
    except ValueError:
        return False
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return address.is_loopback


def check_loopback(base_url: str, *, allow_remote: bool = False) -> None:
    """Refuse a Zotero URL that leaves this machine, unless the user opted in (see the module docstring)."""
    host = urlsplit(base_url).hostname or ""
    if allow_remote or is_loopback(host):
        return
    raise RemoteZoteroRefused(
        f"refusing to talk to Zotero at {base_url}: {host or 'that host'} is not this computer, and the bridge "
        "sends your library and Zotero API key only to a loopback address (127.0.0.1, localhost). If you reach "
        "your Zotero through a tunnel, say so: --allow-remote, BIBKIT_ZOTERO_ALLOW_REMOTE=1, or "
        "[zotero] allow_remote = true in the config file"
    )


def _loopback_host(base_url: str) -> str | None:
    """The Host header to force, when the URL's host is not one every Zotero accepts.

    Zotero refuses any other Host with 400 "Invalid Host header" (7.0.0–7.0.15 and
    9.0.3+; ``[::1]`` only from 9.0.3), e.g. behind an SSH tunnel or in a container.
    """
    parts = urlsplit(base_url)
    host = (parts.hostname or "").lower()
    if host in _LOOPBACK:
        return None
    port = parts.port or (443 if parts.scheme == "https" else 80)
    return f"127.0.0.1:{port}"


class _QuietUnreachable(logging.Filter):
    """Drops bibkit.http's "cannot reach <Zotero URL>" warning: the bridge says it itself, in one line.

    The HTTP layer warns once when a service cannot be reached; for Zotero the
    bridge turns that into :class:`ZoteroUnreachable` (or :class:`OutcomeUnknown`
    for a dropped connection) with the remedy, so the warning would only repeat
    it in other words.
    """

    def __init__(self) -> None:
        super().__init__()
        self._urls: set[str] = set()
        self._lock = threading.Lock()
        self._installed = False

    def watch(self, base_url: str) -> None:
        with self._lock:
            self._urls.add(base_url.rstrip("/"))
            if not self._installed:
                logging.getLogger("bibkit.http").addFilter(self)
                self._installed = True

    def filter(self, record: logging.LogRecord) -> bool:
        text = record.getMessage()
        return not (text.startswith("cannot reach ") and any(text[13:].startswith(u) for u in self._urls))


_QUIET = _QuietUnreachable()


def _refused(exc: ServiceUnavailable) -> bool:
    text = repr(exc.__cause__ or exc).lower()
    return any(marker in text for marker in ("refused", "newconnectionerror", "failed to establish", "name or service",
                                             "resolve", "unreachable")) or not exc.__cause__


def text_of(response: requests.Response) -> str:
    try:
        return response.content.decode("utf-8", "replace")
    except Exception:  # pragma: no cover - a broken body is reported as empty
        return ""


def json_of(response: requests.Response) -> Any:
    text = text_of(response).strip()
    if not text:
        return None
    try:
        return load_json(text)
    except ValueError:
        return None


def is_local_api_disabled(response: requests.Response) -> bool:
    return response.status_code == 403 and "local api is not enabled" in text_of(response).lower()


# --------------------------------------------------------------------------- local API


class LocalApi:
    """Reads (all versions 7+) and writes (10+) through ``/api/users/0/…``."""

    def __init__(self, http: ZoteroHttp, server_id: str | None = None):
        self.http = http
        self.server_id = server_id
        self.schema_version: str | None = None

    def _headers(self, extra: Mapping[str, str] | None = None) -> dict[str, str]:
        h = {"Zotero-Allowed-Request": "1", "Zotero-API-Version": "3"}
        h.update(extra or {})
        return h

    def get(self, path: str, params: Mapping[str, Any] | None = None, *,
            what: str = "reading your library") -> requests.Response:
        response = self.http.request("GET", path, params=params, headers=self._headers())
        if is_local_api_disabled(response):
            raise LocalApiDisabled(what)
        self.schema_version = response.headers.get("Zotero-Schema-Version") or self.schema_version
        sid = response.headers.get("Zotero-Server-ID")
        if sid:
            self.server_id = sid
        return response

    def get_list(self, path: str, params: Mapping[str, Any] | None = None) -> tuple[list[Any], requests.Response]:
        """A multi-object GET, complete whatever the server's paging; the first response comes along.

        Zotero's local API sends everything when no ``limit`` is given, but a
        server that pages anyway is followed: ``Link: rel="next"`` first (its
        path and query are used against our own base URL, since Zotero builds
        the link from the Host header), else ``start`` = objects so far while
        fewer than ``Total-Results`` came.  An object seen twice (a server that
        ignores ``start``) is kept once, and paging stops when a page brings
        nothing new.
        """
        query: dict[str, Any] = dict(params or {})
        response = self.get(path, query)
        _expect(response, 200, f"GET {path}")
        first = json_of(response)
        if first is None and not text_of(response).strip():
            first = []  # an empty body for an empty list: nothing to read, not an error
        if not isinstance(first, list):
            raise ZoteroHTTPError(f"GET {path}: Zotero's answer is not a JSON list", 200, text_of(response)[:200])
        results: list[Any] = []
        seen: set[str] = set()

        def add(page: list[Any]) -> int:
            new = 0
            for obj in page:
                key = obj.get("key") if isinstance(obj, dict) else None
                if key is not None and key in seen:
                    continue
                if key is not None:
                    seen.add(key)
                results.append(obj)
                new += 1
            return new

        add(first)
        total = _int(response.headers.get("Total-Results"))
        page_response = response
        for _ in range(10_000):  # a bound, not a limit: 10,000 pages
            link = next_link(page_response.headers.get("Link"))
            next_params: dict[str, Any]
            if link is not None:
                next_path, next_params = link[0], dict(link[1])
            elif total is not None and len(results) < total:
                next_path, next_params = path, {**query, "start": len(results)}
            else:
                break
            page_response = self.get(next_path, next_params)
            _expect(page_response, 200, f"GET {next_path}")
            page = json_of(page_response)
            if not isinstance(page, list) or not add(page):
                break
        return results, response

    def items_top(self) -> tuple[list[dict[str, Any]], int | None]:
        """Every top-level item (data dicts) and the library version."""
        results, response = self.get_list(f"{USER_PREFIX}/items/top", {"format": "json"})
        return [_with_meta(r) for r in results], _int(response.headers.get("Last-Modified-Version"))

    def attachments(self) -> list[dict[str, Any]]:
        results, _ = self.get_list(f"{USER_PREFIX}/items", {"format": "json", "itemType": "attachment"})
        return [_with_meta(r) for r in results]

    def collections(self) -> list[dict[str, Any]]:
        results, _ = self.get_list(f"{USER_PREFIX}/collections", {"format": "json"})
        return [{**r["data"], "meta": r.get("meta", {})} if "data" in r else r for r in results]

    def items_by_keys(self, keys: Iterable[str]) -> list[dict[str, Any]]:
        """Items with the given keys (trashed ones included), 50 keys per request."""
        keys = list(dict.fromkeys(keys))
        out: list[dict[str, Any]] = []
        for i in range(0, len(keys), 50):
            chunk = keys[i:i + 50]
            results, _ = self.get_list(f"{USER_PREFIX}/items",
                                       {"format": "json", "itemKey": ",".join(chunk), "includeTrashed": "1"})
            out.extend(_with_meta(r) for r in results)
        return out

    def collection_items(self, collection_key: str) -> list[dict[str, Any]]:
        """Items directly in a collection, with their children (attachments, notes)."""
        results, _ = self.get_list(f"{USER_PREFIX}/collections/{collection_key}/items", {"format": "json"})
        return [_with_meta(r) for r in results]

    def collection_top_items(self, collection_key: str) -> tuple[list[dict[str, Any]], int | None]:
        """Top-level items directly in a collection (data dicts, paged as needed) and the library version."""
        results, response = self.get_list(f"{USER_PREFIX}/collections/{collection_key}/items/top",
                                          {"format": "json", "sort": "dateAdded", "direction": "asc"})
        return [_with_meta(r) for r in results], _int(response.headers.get("Last-Modified-Version"))

    def collection_attachments(self, collection_key: str) -> list[dict[str, Any]]:
        """Attachments in a collection, including the child attachments of its items (code links)."""
        results, _ = self.get_list(f"{USER_PREFIX}/collections/{collection_key}/items",
                                   {"format": "json", "itemType": "attachment"})
        return [_with_meta(r) for r in results]

    def export_text(self, collection_key: str, fmt: str) -> str:
        response = self.get(f"{USER_PREFIX}/collections/{collection_key}/items/top", {"format": fmt})
        _expect(response, 200, f"export {fmt}")
        return text_of(response)

    def item_type_fields(self, item_type: str) -> list[str] | None:
        """Field names of an item type in the running Zotero (``None`` if it cannot say)."""
        try:
            response = self.get("/api/itemTypeFields", {"itemType": item_type})
        except (OutcomeUnknown, ZoteroHTTPError):
            return None
        if response.status_code != 200:
            return None
        data = json_of(response)
        if not isinstance(data, list):
            return None
        return [str(f["field"]) for f in data if isinstance(f, dict) and f.get("field")]

    # -- writes (Zotero 10+)
    def write(self, method: str, path: str, body: Any, *, api_key: str | None, token: bool = True,
              extra_headers: Mapping[str, str] | None = None) -> requests.Response:
        headers = self._headers(extra_headers)
        if self.server_id:
            headers["Zotero-Server-ID"] = self.server_id
        if api_key:
            headers["Zotero-API-Key"] = api_key
        if token:
            headers["Zotero-Write-Token"] = new_write_token()
        response = self.http.request(method, path, body=body, headers=headers, write=True)
        if is_local_api_disabled(response):
            raise LocalApiDisabled("writing to your library")
        return response

    def authorize(self, app_name: str, *, timeout: float) -> requests.Response:
        headers = self._headers()
        if self.server_id:
            headers["Zotero-Server-ID"] = self.server_id
        return self.http.request("POST", "/api/local/authorize", body={"appName": app_name}, headers=headers,
                                 timeout=timeout)


_LINK = re.compile(r'<([^>]*)>\s*;\s*rel="?([^";,]+)"?')


def next_link(header: str | None) -> tuple[str, dict[str, str]] | None:
    """The ``rel="next"`` target of a ``Link`` header as (path, query params), if there is one."""
    for url, rel in _LINK.findall(header or ""):
        if rel.strip() == "next":
            parts = urlsplit(url)
            return parts.path or "/", dict(parse_qsl(parts.query, keep_blank_values=True))
    return None


def new_write_token() -> str:
    """A fresh ``Zotero-Write-Token`` (32 hex chars: within the 5–32 the server accepts)."""
    return uuid.uuid4().hex


def _with_meta(result: dict[str, Any]) -> dict[str, Any]:
    """Flatten the API wrapper: data dict plus ``meta`` (parsedDate, numChildren) kept aside."""
    if isinstance(result.get("data"), dict):
        data = dict(result["data"])
        data.setdefault("key", result.get("key"))
        data.setdefault("version", result.get("version"))
        if result.get("meta"):
            data["__meta__"] = result["meta"]
        return data
    return result


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _expect(response: requests.Response, status: int, what: str) -> None:
    if response.status_code != status:
        body = text_of(response).strip()
        raise ZoteroHTTPError(f"{what}: Zotero answered HTTP {response.status_code} {body[:200]!r}",
                              response.status_code, body)


# --------------------------------------------------------------------------- connector


class Connector:
    """The connector endpoints (all versions): the only way to write before Zotero 10."""

    HEADERS = {"X-Zotero-Connector-API-Version": "3"}

    def __init__(self, http: ZoteroHttp):
        self.http = http

    def ping(self) -> requests.Response:
        return self.http.request("GET", "/connector/ping", headers=self.HEADERS)

    def selected_collection(self) -> dict[str, Any]:
        # the body must be a JSON object: an empty or null body makes Zotero 8+ never answer
        response = self.http.request("POST", "/connector/getSelectedCollection", body={}, headers=self.HEADERS)
        _expect(response, 200, "getSelectedCollection")
        data = json_of(response)
        if not isinstance(data, dict):
            raise ZoteroHTTPError("getSelectedCollection: Zotero's answer is not a JSON object", 200)
        return data

    def save_items(self, items: list[dict[str, Any]], session_id: str, *,
                   timeout: float | None = None) -> requests.Response:
        return self.http.request("POST", "/connector/saveItems", body={"sessionID": session_id, "items": items},
                                 headers=self.HEADERS, write=True, timeout=timeout)

    def update_session(self, session_id: str, target: str, tags: list[str] | str) -> requests.Response:
        return self.http.request("POST", "/connector/updateSession",
                                 body={"sessionID": session_id, "target": target, "tags": tags},
                                 headers=self.HEADERS, write=True)


def new_session_id() -> str:
    """A session ID never used before (Zotero burns every ID for the life of its process)."""
    return f"zb-{uuid.uuid4()}"


__all__ = [
    "AuthorizationDenied", "Connector", "LOCAL_API_PREF", "LOCAL_API_SETTING", "LocalApi", "LocalApiDisabled",
    "OutcomeUnknown", "RemoteZoteroRefused", "RequestCount", "USER_PREFIX", "ZoteroBusy", "ZoteroError",
    "ZoteroHTTPError", "ZoteroHttp", "ZoteroUnreachable", "check_loopback", "is_loopback", "is_local_api_disabled",
    "json_of", "new_session_id", "new_write_token", "next_link", "text_of", "zotero_policy",
]
