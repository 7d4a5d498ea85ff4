"""Getting (and keeping) permission to write through Zotero 10's local API.

``POST /api/local/authorize {"appName": "zotero_bridge"}`` opens a window in
Zotero ("… wants to modify your Zotero library") and the HTTP answer waits for
the user's click (PROTOCOL.md 3.3):

* **Always Allow** → a reusable key, stored 0600 by :class:`~zotero_bridge.keystore.KeyStore`
  under the installation's Server-ID and bound to the URL's origin, so the user
  is asked once (and a server elsewhere claiming that Server-ID never gets it);
* **Allow** → a single-use key, consumed by the first write that uses it; it is
  never stored, and the next write asks again (the user is told why);
* **Deny** → ``403 {"denied": true}``: the run stops with a clear message;
* more than five prompts a minute → ``429`` with ``Retry-After``: wait when the
  wait is short, else say how long.

A stored key Zotero no longer accepts (``401``: the user cleared write
authorizations) is forgotten and the user asked again.
"""

from __future__ import annotations

import logging
from typing import Callable

from bibkit.errors import OutputError

from .keystore import KeyStore
from .transport import (
    AuthorizationDenied,
    LocalApi,
    OutcomeUnknown,
    ZoteroBusy,
    ZoteroError,
    ZoteroHTTPError,
    json_of,
    text_of,
)

log = logging.getLogger("zotero_bridge.auth")

APP_NAME = "zotero_bridge"


class KeyProvider:
    """Hands out the API key for each local write, asking Zotero when there is none."""

    def __init__(
        self,
        api: LocalApi,
        store: KeyStore,
        *,
        app_name: str = APP_NAME,
        timeout: float = 300.0,
        max_wait: float = 60.0,
        notify: Callable[[str], None] | None = None,
    ):
        self.api, self.store, self.app_name = api, store, app_name
        self.timeout, self.max_wait = timeout, max_wait
        self.notify = notify or (lambda message: log.warning("%s", message))
        self._key: str | None = None
        self.remembered = False
        self.prompts = 0

    def __repr__(self) -> str:  # the key never shows up in a traceback or a log line
        return f"KeyProvider(app={self.app_name!r}, has_key={self._key is not None}, remembered={self.remembered})"

    @property
    def server_id(self) -> str:
        if not self.api.server_id:
            raise ZoteroError("Zotero did not send its Zotero-Server-ID: this Zotero cannot take local writes")
        return self.api.server_id

    def key(self) -> str:
        """A key valid for the next write (may open Zotero's authorization window)."""
        if self._key is None:
            stored = self.store.get(self.server_id, self.api.http.base_url)
            if stored:
                self._key, self.remembered = stored, True
            else:
                self._authorize()
        assert self._key is not None
        return self._key

    def used(self) -> None:
        """Call after each write Zotero accepted the key for: a single-use key is spent."""
        if not self.remembered:
            self._key = None

    def rejected(self) -> None:
        """Call on ``401``: the key is unknown or revoked; forget it so the next call asks again."""
        if self.remembered:
            try:
                self.store.forget(self.server_id, self.api.http.base_url)
            except OutputError as exc:  # the dead key stays on disk: the next run meets the same 401 and asks
                self.notify(f"a key Zotero no longer accepts could not be removed ({exc})")
        self._key, self.remembered = None, False

    def reset(self) -> None:
        """Drop the key in hand without forgetting the stored one (another Server-ID answered)."""
        self._key, self.remembered = None, False

    def _authorize(self) -> None:
        if self.prompts == 0:
            self.notify(f"Zotero is asking for permission: click \"Always Allow\" in the \"Local API Authorization\" "
                        f"window for {self.app_name!r} (waiting up to {self.timeout:g} s)")
        else:
            self.notify("Zotero is asking again (the last answer was a one-time \"Allow\"): click \"Always Allow\" "
                        "to be asked only once")
        for _attempt in range(4):
            try:
                response = self.api.authorize(self.app_name, timeout=self.timeout)
            except OutcomeUnknown as exc:
                raise ZoteroError(f"Zotero's authorization window got no answer within {self.timeout:g} s: click "
                                  f"\"Always Allow\" in Zotero when asked, and run again") from exc
            except ZoteroBusy as exc:
                wait = exc.wait
                if wait > self.max_wait:
                    raise ZoteroError(f"Zotero refuses more authorization prompts for now (too many in a minute): "
                                      f"wait {wait:.0f} s and run again") from exc
                self.notify(f"Zotero asks to wait {wait:.0f} s before the next authorization prompt")
                self.api.http.sleep(wait)
                continue
            self.prompts += 1
            status = response.status_code
            if status == 200:
                data = json_of(response) or {}
                key = data.get("key")
                if not isinstance(key, str) or not key:
                    raise ZoteroHTTPError("Zotero's authorization answer has no key", 200)
                self._key, self.remembered = key, bool(data.get("remember"))
                if self.remembered:
                    try:
                        self.store.put(self.server_id, key, app_name=self.app_name, zotero_url=self.api.http.base_url)
                    except OutputError as exc:  # the key works for this run; only remembering it failed
                        self.notify(f"the Zotero API key could not be stored ({exc}); Zotero will ask again next time")
                return
            if status == 403:
                data = json_of(response)
                if isinstance(data, dict) and data.get("denied"):
                    raise AuthorizationDenied(
                        "Zotero did not allow zotero_bridge to modify your library (\"Deny\" was clicked). Run again "
                        "and click \"Always Allow\" in Zotero's \"Local API Authorization\" window, or save new items "
                        "through the connector with --via connector."
                    )
                raise ZoteroHTTPError(f"authorization refused: HTTP 403 {text_of(response)[:200]!r}", 403)
            if status == 412 and response.headers.get("Zotero-Server-ID"):
                # another Zotero installation/profile answered: use its ID, and its key if we have one
                self.api.server_id = response.headers["Zotero-Server-ID"]
                stored = self.store.get(self.api.server_id, self.api.http.base_url)
                if stored:
                    self._key, self.remembered = stored, True
                    return
                continue
            raise ZoteroHTTPError(f"authorization failed: HTTP {status} {text_of(response)[:200]!r}", status)
        raise ZoteroError("could not obtain write permission from Zotero (see the messages above)")
