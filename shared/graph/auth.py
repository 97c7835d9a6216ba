"""Access tokens for Graph: the TokenProvider protocol, a fixed token, azure-identity credentials, and the helpers
the msal-based providers share (app_token.py: app-only; device_code.py: delegated for the CLI).

msal and azure-identity are imported only when a provider is built (cold start)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any, Protocol, runtime_checkable

from shared.graph.errors import GraphAuthError

GRAPH_APP_SCOPE = "https://graph.microsoft.com/.default"
DEFAULT_AUTHORITY_HOST = "https://login.microsoftonline.com"
# Refresh this long before expiry so a token never dies in the middle of a slow request with retries.
REFRESH_MARGIN_SECONDS = 300.0


@runtime_checkable
class TokenProvider(Protocol):
    def get_token(self) -> str: ...


class StaticTokenProvider:
    """A fixed token (local simulators and tests only)."""

    def __init__(self, token: str) -> None:
        if not token:
            raise GraphAuthError("a static Graph token must not be empty")
        self._token = token

    def get_token(self) -> str:
        return self._token

    def __repr__(self) -> str:
        return "StaticTokenProvider(<redacted>)"


class CredentialTokenProvider:
    """Tokens from an azure-identity credential (managed identity, federated assertion, developer login),
    cached until REFRESH_MARGIN_SECONDS before `expires_on`."""

    def __init__(
        self,
        credential: Any,
        *,
        scope: str = GRAPH_APP_SCOPE,
        refresh_margin: float = REFRESH_MARGIN_SECONDS,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._credential = credential
        self._scope = scope
        self._margin = refresh_margin
        self._clock = clock
        self._token: str | None = None
        self._expires_on = 0.0
        self._lock = threading.Lock()

    def get_token(self) -> str:
        with self._lock:
            if self._token is None or self._clock() >= self._expires_on - self._margin:
                try:
                    access = self._credential.get_token(self._scope)
                except Exception as exc:
                    raise GraphAuthError(
                        f"{type(self._credential).__name__} could not get a Graph token: {first_line(exc)}"
                    ) from None
                self._token = str(access.token)
                self._expires_on = float(access.expires_on)
            return self._token

    def __repr__(self) -> str:
        return f"CredentialTokenProvider({type(self._credential).__name__})"


def token_from_msal_result(result: Any, who: str) -> str:
    if isinstance(result, dict) and result.get("access_token"):
        return str(result["access_token"])
    raise GraphAuthError(f"Graph token request for {who} failed: {msal_error_text(result)}")


def msal_error_text(result: Any) -> str:
    if not isinstance(result, dict):
        return "no answer from the identity platform"
    error = str(result.get("error") or "unknown_error")
    # The first line of error_description carries the AADSTS code and reason; the rest is trace noise.
    description = str(result.get("error_description") or "").splitlines()
    return f"{error}: {description[0]}" if description else error


def first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__
