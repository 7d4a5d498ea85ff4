"""What the JSON web-API clients (Crossref, Semantic Scholar, DBLP, OpenAlex) share.

* **Failures are outages.**  A client never raises for a service being down
  and never describes trouble in a string the caller would have to parse:
  every call returns its value or an :class:`~bibkit.outcomes.Outage` (the one
  vocabulary of service trouble: unreachable, timeout, rate-limited, refused,
  an error status, unreadable answers, an offline cache miss).  The outages of
  the HTTP layer (:attr:`bibkit.http.HttpError.outage`) pass through as they
  are, so its run-wide service health applies to these services like any
  other.  An answer that is one request's problem (a 400 for one query, a DOI
  Crossref does not have) is not an outage: the client handles it.
* **Tolerant readers.**  These services send numbers as strings (DBLP's
  ``"year": "2023"``), one author as a bare value instead of a list, ``null`` or
  ``""`` for anything optional, HTML where JSON was promised (a 429 page, an
  OpenAlex 404).  :func:`as_int`, :func:`as_str`, :func:`as_list` and
  :func:`json_body` turn all of that into plain values or an outage, so the
  parsers stay short and never crash on a shape they did not expect.

The HTTP itself (session, cache, pacing, retries, ``Retry-After``) is
:mod:`bibkit.http`'s; :func:`send` only turns its exceptions into values.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from typing import Any, Generic, Iterable, TypeVar

import requests

from ..http import HttpError, ServiceClient
from ..jsondata import load_json
from ..outcomes import Outage, OutageKind, Service

__all__ = [
    "Batch", "send", "json_body", "json_readable", "outage_for_status", "takes_service_down", "unreadable",
    "as_int", "as_str", "as_list", "as_dict", "clean_text", "strip_markup", "first_str",
]

T = TypeVar("T")


def takes_service_down(outage: Outage) -> bool:
    """Whether asking the service again this run is pointless (every outage but an offline cache miss,
    which concerns one request only)."""
    return outage.kind is not OutageKind.OFFLINE_MISS


@dataclass
class Batch(Generic[T]):
    """What a batched lookup found (by identifier), and the outage that stopped it, if any.

    An outage after some batches keeps what the earlier ones found.
    """

    found: dict[str, T] = field(default_factory=dict)
    failure: Outage | None = None


def _service(name: str) -> Service | str:
    return Service.named(name) or name


def send(client: ServiceClient, method: str, path: str = "", **kwargs: Any) -> requests.Response | Outage:
    """One request through the shared HTTP layer; its exceptions become their :class:`Outage` values.

    Non-2xx answers are returned as responses (404 means something different to
    each API); :func:`outage_for_status` says which of them are outages.
    """
    try:
        return client.request(method, path, **kwargs)
    except HttpError as exc:  # unreachable, timeouts, rate limits, 5xx after the retries, offline misses
        return exc.outage


def outage_for_status(service: str, response: requests.Response) -> Outage | None:
    """The outage an unexpected HTTP status stands for; ``None`` for one request's problem (400, 404, 422…).

    401/403 is the service refusing us (a rejected API key: Semantic Scholar's
    ``{"message":"Forbidden"}``), 429 a rate limit the retries did not outlast,
    5xx the service failing.  The body's short message, if any, is the cause.
    """
    status = response.status_code
    said = _said(response)
    cause = f"HTTP {status}" + (f": {said}" if said else "")
    if status in (401, 403):
        return Outage(_service(service), OutageKind.REFUSED, cause)
    if status == 429:
        return Outage(_service(service), OutageKind.RATE_LIMITED, cause)
    if status >= 500:
        return Outage(_service(service), OutageKind.HTTP_STATUS, cause)
    return None


def _said(response: requests.Response) -> str:
    """The short human message of an error body (``error``, ``message``), never HTML."""
    try:
        data = load_json(response.content.decode("utf-8", "replace"))
    except ValueError:
        return ""
    message: Any = None
    if isinstance(data, dict):
        message = data.get("error") or data.get("message")
        if isinstance(message, list) and message and isinstance(message[0], dict):  # Crossref's validation list
            message = message[0].get("message")
    return clean_text(str(message))[:160] if message else ""


def _read_json(body: bytes) -> tuple[Any, str | None]:
    """The JSON of a body (UTF-8 bytes), or why it is not data: not JSON (an HTML page, garbage), or a JSON
    object that is only ``{"error": …}`` (Semantic Scholar sends those with 200)."""
    try:
        data = load_json(body.decode("utf-8"))
    except ValueError:  # (UnicodeDecodeError is one; nesting too deep to parse too)
        return None, "an HTML page instead of JSON" if body.lstrip()[:1] == b"<" else "not JSON"
    if isinstance(data, dict) and set(data) <= {"error", "message", "code", "status"} and (
            data.get("error") or (data.get("message") and not isinstance(data.get("message"), dict))):
        return None, "an error instead of data: " + clean_text(str(data.get("error") or data.get("message")))[:160]
    return data, None


def json_readable(response: requests.Response) -> str | None:
    """The HTTP layer's check of a 2xx answer (``ServicePolicy.readable``): ``None`` for JSON data, else why not.

    The layer then treats an unreadable answer as the service failing (asked
    once more, never cached, counted towards giving the service up).
    """
    data, reason = _read_json(response.content)
    if reason is None:
        response._bibkit_json = data  # type: ignore[attr-defined]  # parsed once
    return reason


def json_body(service: str, response: requests.Response) -> Any | Outage:
    """The JSON of a 200 answer, or an :attr:`~OutageKind.UNREADABLE` outage (see :func:`json_readable`)."""
    parsed = getattr(response, "_bibkit_json", _UNPARSED)
    if parsed is not _UNPARSED:
        return parsed
    data, reason = _read_json(response.content)
    return data if reason is None else Outage(_service(service), OutageKind.UNREADABLE, reason)


_UNPARSED = object()


def unreadable(service: str, cause: str) -> Outage:
    """An answer that parsed but is not what the API documents (no work list, no result)."""
    return Outage(_service(service), OutageKind.UNREADABLE, cause)


# --------------------------------------------------------------------------- tolerant readers


_INT = re.compile(r"^\s*[+-]?\d+\s*$")


def as_int(value: Any) -> int | None:
    """An integer from an int, a whole float or a numeric string (``"2023"``); else ``None``."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() else None
    if isinstance(value, str) and _INT.match(value):
        return int(value)
    return None


def as_str(value: Any) -> str | None:
    """A non-empty string (numbers become their text; whitespace collapsed); else ``None``."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        value = str(value)
    if not isinstance(value, str):
        return None
    text = clean_text(value)
    return text or None


def as_list(value: Any) -> list[Any]:
    """A list from a list, a single bare value (DBLP's one author) or nothing."""
    if value is None:
        return []
    if isinstance(value, (list, tuple)):
        return list(value)
    return [value]


def as_dict(value: Any) -> dict[str, Any]:
    """An object (a JSON dict), or an empty one for ``null`` or anything else."""
    return value if isinstance(value, dict) else {}


_SPACE = re.compile(r"\s+")
_TAG = re.compile(r"<[^<>]{1,200}>")


def clean_text(text: str) -> str:
    """Whitespace runs (line breaks in Crossref's event names) collapsed, HTML entities decoded."""
    if "&" in text:
        text = html.unescape(text)
    return _SPACE.sub(" ", text).strip()


def strip_markup(text: str | None) -> str | None:
    """Text without JATS/HTML/MathML tags (Crossref titles and abstracts carry them)."""
    if not text:
        return None
    out = clean_text(_TAG.sub(" ", text)) if "<" in text else clean_text(text)
    out = re.sub(r"\s+([,.;:!?)])", r"\1", out)
    return out or None


def first_str(values: Iterable[Any]) -> str | None:
    """The first usable string of a list (Crossref's ``title`` and ``container-title`` are lists)."""
    for value in values:
        text = as_str(value)
        if text:
            return text
    return None
