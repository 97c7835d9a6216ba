"""Access tokens for Graph. msal and azure-identity are imported only when a provider is built (cold start)."""

from __future__ import annotations

import os
import re
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

from shared.graph.errors import GraphAuthError

GRAPH_APP_SCOPE = "https://graph.microsoft.com/.default"
GRAPH_DELEGATED_SCOPES = ("https://graph.microsoft.com/Calendars.ReadWrite",)
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


class MsalTokenProvider:
    """App-only tokens (client secret or certificate) through one msal ConfidentialClientApplication.

    The application object is built once and reused: its in-memory cache serves the token until it is
    close to expiry."""

    def __init__(
        self,
        tenant_id: str,
        client_id: str,
        *,
        client_secret: str | None = None,
        certificate_pem: str | None = None,
        certificate_thumbprint: str | None = None,
        authority_host: str = DEFAULT_AUTHORITY_HOST,
    ) -> None:
        if not tenant_id or not client_id:
            raise GraphAuthError("MSAL needs GRAPH_TENANT_ID and GRAPH_CLIENT_ID")
        if bool(client_secret) == bool(certificate_pem):
            raise GraphAuthError("MSAL needs exactly one of a client secret or a certificate")
        self.tenant_id = tenant_id
        self.client_id = client_id
        self.authority = f"{authority_host.rstrip('/')}/{tenant_id}"
        self._credential: str | dict[str, str] = (
            client_secret if client_secret else certificate_credential(certificate_pem or "", certificate_thumbprint)
        )
        self._app: Any = None
        self._lock = threading.Lock()

    def get_token(self) -> str:
        app = self._application()
        try:
            result = app.acquire_token_for_client(scopes=[GRAPH_APP_SCOPE])
        except Exception as exc:  # msal raises plain ValueError / requests errors; they never carry the credential
            raise GraphAuthError(
                f"Graph token request for client {self.client_id} failed: {_first_line(exc)}"
            ) from None
        return token_from_msal_result(result, f"client {self.client_id} in tenant {self.tenant_id}")

    def _application(self) -> Any:
        with self._lock:
            if self._app is None:
                import msal

                try:
                    self._app = msal.ConfidentialClientApplication(
                        self.client_id, authority=self.authority, client_credential=self._credential
                    )
                except Exception as exc:
                    raise GraphAuthError(
                        f"cannot set up MSAL for client {self.client_id}: {_first_line(exc)}"
                    ) from None
            return self._app

    def __repr__(self) -> str:
        return f"MsalTokenProvider(tenant_id={self.tenant_id!r}, client_id={self.client_id!r})"


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
                        f"{type(self._credential).__name__} could not get a Graph token: {_first_line(exc)}"
                    ) from None
                self._token = str(access.token)
                self._expires_on = float(access.expires_on)
            return self._token

    def __repr__(self) -> str:
        return f"CredentialTokenProvider({type(self._credential).__name__})"


class DeviceCodeTokenProvider:
    """Delegated tokens for the CLI: the user signs in once with a device code, later calls are silent.

    With `cache_path` the msal token cache (it holds a refresh token) is kept in that file, readable by the
    owner only, so the next CLI run does not prompt again."""

    def __init__(
        self,
        tenant_id: str,
        client_id: str,
        prompt_callback: Callable[[str], None],
        *,
        scopes: Sequence[str] = GRAPH_DELEGATED_SCOPES,
        authority_host: str = DEFAULT_AUTHORITY_HOST,
        cache_path: str | Path | None = None,
    ) -> None:
        if not tenant_id or not client_id:
            raise GraphAuthError("device code sign-in needs GRAPH_TENANT_ID and GRAPH_CLIENT_ID")
        self._cache_path = Path(cache_path) if cache_path else None
        self._cache: Any = None
        self.tenant_id = tenant_id
        self.client_id = client_id
        self.authority = f"{authority_host.rstrip('/')}/{tenant_id}"
        self._scopes = list(scopes)
        self._prompt = prompt_callback
        self._app: Any = None
        self._lock = threading.Lock()

    def get_token(self) -> str:
        with self._lock:
            app = self._application()
            accounts = app.get_accounts()
            if accounts:
                result = app.acquire_token_silent(self._scopes, account=accounts[0])
                if result and "access_token" in result:
                    self._save_cache()
                    return str(result["access_token"])
            flow = app.initiate_device_flow(scopes=self._scopes)
            if "user_code" not in flow:
                raise GraphAuthError(f"device code sign-in could not start: {_msal_error_text(flow)}")
            self._prompt(str(flow["message"]))
            result = app.acquire_token_by_device_flow(flow)
            token = token_from_msal_result(result, f"device code sign-in for client {self.client_id}")
            self._save_cache()
            return token

    def _application(self) -> Any:
        if self._app is None:
            import msal

            self._cache = msal.SerializableTokenCache()
            if self._cache_path is not None and self._cache_path.exists():
                self._cache.deserialize(self._cache_path.read_text(encoding="utf-8"))
            self._app = msal.PublicClientApplication(self.client_id, authority=self.authority,
                                                     token_cache=self._cache)
        return self._app

    def _save_cache(self) -> None:
        if self._cache_path is None or self._cache is None or not self._cache.has_state_changed:
            return
        self._cache_path.parent.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(self._cache_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            handle.write(self._cache.serialize())
        self._cache.has_state_changed = False


_PEM_BLOCK = re.compile(r"-----BEGIN ([A-Z0-9 ]+)-----.+?-----END \1-----", re.DOTALL)


def certificate_credential(pem: str, thumbprint: str | None = None) -> dict[str, str]:
    """msal client_credential from a PEM holding the private key and (usually) its certificate, as Key Vault
    exports it. With the certificate present msal derives the SHA-256 thumbprint itself."""
    key = cert = None
    for match in _PEM_BLOCK.finditer(pem):
        if match.group(1).endswith("PRIVATE KEY") and key is None:
            key = match.group(0)
        elif match.group(1) == "CERTIFICATE" and cert is None:
            cert = match.group(0)
    if key is None:
        raise GraphAuthError("the Graph certificate has no PEM private key")
    if thumbprint:
        return {"private_key": key, "thumbprint": thumbprint}
    if cert is None:
        raise GraphAuthError("the Graph certificate PEM has no certificate and no thumbprint was given")
    return {"private_key": key, "public_certificate": cert}


def token_from_msal_result(result: Any, who: str) -> str:
    if isinstance(result, dict) and result.get("access_token"):
        return str(result["access_token"])
    raise GraphAuthError(f"Graph token request for {who} failed: {_msal_error_text(result)}")


def _msal_error_text(result: Any) -> str:
    if not isinstance(result, dict):
        return "no answer from the identity platform"
    error = str(result.get("error") or "unknown_error")
    # The first line of error_description carries the AADSTS code and reason; the rest is trace noise.
    description = str(result.get("error_description") or "").splitlines()
    return f"{error}: {description[0]}" if description else error


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__
