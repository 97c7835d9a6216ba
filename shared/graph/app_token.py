"""App-only Graph tokens through msal (client secret or certificate), with the credential read from where it is
kept (settings, a PEM, Key Vault) each time a new token is needed, so a rotated credential is picked up."""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable
from typing import Any, Protocol

from shared.graph.auth import (
    DEFAULT_AUTHORITY_HOST,
    GRAPH_APP_SCOPE,
    REFRESH_MARGIN_SECONDS,
    first_line,
    token_from_msal_result,
)
from shared.graph.errors import GraphAuthError

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
            failure = first_line(exc)
        raise GraphAuthError(f"cannot read the Graph credential of client {self.client_id}: {failure}")

    def _acquire(self, credential: MsalCredential) -> Any:
        app = self._application(credential)
        try:
            return app.acquire_token_for_client(scopes=[GRAPH_APP_SCOPE])
        except Exception as exc:  # msal raises plain ValueError / requests errors; they never carry the credential
            raise GraphAuthError(
                f"Graph token request for client {self.client_id} failed: {first_line(exc)}"
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
            raise GraphAuthError(f"cannot set up MSAL for client {self.client_id}: {first_line(exc)}") from None
        self._app_credential = credential
        return self._app

    def __repr__(self) -> str:
        return f"MsalTokenProvider(tenant_id={self.tenant_id!r}, client_id={self.client_id!r})"


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
