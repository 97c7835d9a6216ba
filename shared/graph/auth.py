"""Access tokens for Graph. msal and azure-identity are imported only when a provider is built (cold start)."""

from __future__ import annotations

import os
import re
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

from shared.graph.errors import GraphAuthError

GRAPH_APP_SCOPE = "https://graph.microsoft.com/.default"
# Delegated (device code, CLI): Calendars.ReadWrite covers the signed-in user's own calendars (and creating the
# archive calendar there); Calendars.ReadWrite.Shared is what reaches another person's calendar on their behalf, and
# Exchange still limits it to what that person shared or delegated to the signed-in user. See the README.
GRAPH_DELEGATED_SCOPES = (
    "https://graph.microsoft.com/Calendars.ReadWrite",
    "https://graph.microsoft.com/Calendars.ReadWrite.Shared",
)
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


MsalCredential = str | dict[str, str]  # msal's client_credential: a client secret, or a private key + certificate


class ClientCredentialSource(Protocol):
    """Where the app registration's client secret or certificate comes from.

    `read` is called whenever a new token is needed, so a credential rotated in its store is picked up without a
    restart; `refresh` drops any copy kept by the store after the identity platform rejected the credential."""

    def read(self) -> MsalCredential: ...

    def refresh(self) -> None: ...


class FixedCredential:
    """A credential given once (GRAPH_CLIENT_SECRET locally, or a PEM); nothing to refresh."""

    def __init__(self, credential: MsalCredential) -> None:
        self._credential = credential

    def read(self) -> MsalCredential:
        return self._credential

    def refresh(self) -> None:
        return None

    def __repr__(self) -> str:
        return "FixedCredential(<redacted>)"


class _VaultReader(Protocol):
    def get(self, name: str) -> str: ...

    def invalidate(self, name: str | None = None) -> None: ...


class VaultCredential:
    """A client secret or a PEM certificate kept as a Key Vault secret, read through the (caching) secret reader."""

    def __init__(self, reader: _VaultReader, secret_name: str, *, certificate: bool = False,
                 certificate_thumbprint: str | None = None) -> None:
        self._reader = reader
        self.secret_name = secret_name
        self._certificate = certificate
        self._thumbprint = certificate_thumbprint

    def read(self) -> MsalCredential:
        value = self._reader.get(self.secret_name)
        if not value:
            raise GraphAuthError(f"Key Vault secret {self.secret_name!r} holding the Graph credential is empty")
        return certificate_credential(value, self._thumbprint) if self._certificate else value

    def refresh(self) -> None:
        self._reader.invalidate(self.secret_name)

    def __repr__(self) -> str:
        kind = "certificate" if self._certificate else "secret"
        return f"VaultCredential({kind} {self.secret_name!r})"


class MsalTokenProvider:
    """App-only tokens (client secret or certificate) through msal's ConfidentialClientApplication.

    A token is reused until REFRESH_MARGIN_SECONDS before it expires. For a new one the credential is read from its
    source again (a Key Vault reader answers from its cache within its TTL); when it changed, the msal application is
    rebuilt with it. When the identity platform rejects the credential (`invalid_client`: rotated and the old one
    removed before the cache expired) the source is refreshed and the request made once more with what it holds."""

    def __init__(
        self,
        tenant_id: str,
        client_id: str,
        credential: ClientCredentialSource | None = None,
        *,
        client_secret: str | None = None,
        certificate_pem: str | None = None,
        certificate_thumbprint: str | None = None,
        authority_host: str = DEFAULT_AUTHORITY_HOST,
        refresh_margin: float = REFRESH_MARGIN_SECONDS,
        clock: Callable[[], float] = time.time,
    ) -> None:
        if not tenant_id or not client_id:
            raise GraphAuthError("MSAL needs GRAPH_TENANT_ID and GRAPH_CLIENT_ID")
        if sum(1 for given in (credential, client_secret, certificate_pem) if given) != 1:
            raise GraphAuthError("MSAL needs exactly one of a client secret or a certificate")
        self.tenant_id = tenant_id
        self.client_id = client_id
        self.authority = f"{authority_host.rstrip('/')}/{tenant_id}"
        if credential is None:
            fixed = client_secret or certificate_credential(certificate_pem or "", certificate_thumbprint)
            credential = FixedCredential(fixed)
        self._source = credential
        self._margin = refresh_margin
        self._clock = clock
        self._app: Any = None
        self._app_credential: MsalCredential | None = None
        self._token: str | None = None
        self._renew_at = 0.0
        self._lock = threading.Lock()

    def get_token(self) -> str:
        with self._lock:
            if self._token is not None and self._clock() < self._renew_at:
                return self._token
            result = self._acquire(self._read_credential())
            if isinstance(result, dict) and result.get("error") == "invalid_client":
                rejected = self._app_credential
                self._source.refresh()
                current = self._read_credential()
                if current != rejected:
                    result = self._acquire(current)
            token = token_from_msal_result(result, f"client {self.client_id} in tenant {self.tenant_id}")
            lifetime = float(result.get("expires_in") or 0)
            self._token, self._renew_at = token, self._clock() + lifetime - self._margin
            return token

    def _read_credential(self) -> MsalCredential:
        failure: str | None = None
        try:
            return self._source.read()
        except GraphAuthError:
            raise
        except Exception as exc:  # SecretAccessError and friends: their messages name the vault, never the value
            failure = _first_line(exc)
        raise GraphAuthError(f"cannot read the Graph credential of client {self.client_id}: {failure}")

    def _acquire(self, credential: MsalCredential) -> Any:
        app = self._application(credential)
        try:
            return app.acquire_token_for_client(scopes=[GRAPH_APP_SCOPE])
        except Exception as exc:  # msal raises plain ValueError / requests errors; they never carry the credential
            raise GraphAuthError(
                f"Graph token request for client {self.client_id} failed: {_first_line(exc)}"
            ) from None

    def _application(self, credential: MsalCredential) -> Any:
        if self._app is not None and credential == self._app_credential:
            return self._app
        import msal

        try:
            # The authority comes from our settings, not from a caller, so msal's check that it is a Microsoft
            # host adds nothing (and would call login.microsoftonline.com for any other host).
            self._app = msal.ConfidentialClientApplication(
                self.client_id, authority=self.authority, client_credential=credential, instance_discovery=False
            )
        except Exception as exc:
            self._app = self._app_credential = None
            raise GraphAuthError(f"cannot set up MSAL for client {self.client_id}: {_first_line(exc)}") from None
        self._app_credential = credential
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
            try:
                token = self._silent_token(app) or self._sign_in(app)
            except GraphAuthError:
                raise
            except Exception as exc:  # transport errors from msal; they carry no token
                failure = _first_line(exc)
            else:
                self._save_cache()
                return token
            raise GraphAuthError(f"device code sign-in for client {self.client_id} failed: {failure}")

    def _silent_token(self, app: Any) -> str | None:
        accounts = app.get_accounts()
        if not accounts:
            return None
        result = app.acquire_token_silent(self._scopes, account=accounts[0])
        return str(result["access_token"]) if result and result.get("access_token") else None

    def _sign_in(self, app: Any) -> str:
        flow = app.initiate_device_flow(scopes=self._scopes)
        if "user_code" not in flow:
            raise GraphAuthError(f"device code sign-in could not start: {_msal_error_text(flow)}")
        self._prompt(str(flow["message"]))
        result = app.acquire_token_by_device_flow(flow)
        return token_from_msal_result(result, f"device code sign-in for client {self.client_id}")

    def _application(self) -> Any:
        if self._app is None:
            import msal

            self._cache = msal.SerializableTokenCache()
            if self._cache_path is not None and self._cache_path.is_file():
                try:
                    self._cache.deserialize(self._cache_path.read_text(encoding="utf-8"))
                except ValueError:
                    # A damaged cache file costs one more sign-in, not a failed command; it is rewritten after it.
                    self._cache = msal.SerializableTokenCache()
            # instance_discovery off: see MsalTokenProvider._application.
            self._app = msal.PublicClientApplication(
                self.client_id, authority=self.authority, token_cache=self._cache, instance_discovery=False
            )
        return self._app

    def _save_cache(self) -> None:
        if self._cache_path is None or self._cache is None or not self._cache.has_state_changed:
            return
        # The cache holds a refresh token: the directory and the file are the owner's only. mkstemp creates the file
        # with mode 0600 and the rename replaces any older file, so neither half a cache nor a wider mode is seen.
        self._cache_path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        descriptor, temporary = tempfile.mkstemp(prefix=".msal-", dir=self._cache_path.parent)
        try:
            with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
                handle.write(self._cache.serialize())
            os.replace(temporary, self._cache_path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        self._cache.has_state_changed = False


def default_token_cache_path() -> Path:
    """Where the CLI keeps its delegated sign-in: the user's configuration folder."""
    if os.name == "nt":
        base = Path(os.environ.get("APPDATA") or Path.home() / "AppData" / "Roaming")
    else:
        base = Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config")
    return base / "admin-assistant" / "msal-token-cache.json"


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
