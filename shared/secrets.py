"""Secrets from Azure Key Vault, cached for a few minutes.

Errors name the vault and the secret so an operator can fix the grant or the name, and never carry the value: they
are raised outside the SDK's `except` blocks so no exception chain (whose text may quote a response body) rides along.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from azure.core.exceptions import (
    AzureError,
    ClientAuthenticationError,
    DeserializationError,
    HttpResponseError,
    ResourceNotFoundError,
    ServiceRequestError,
    ServiceResponseError,
)

if TYPE_CHECKING:
    from azure.core.credentials import TokenCredential

    from shared.config import Settings

# Key Vault object names: 1-127 letters, digits and dashes. Checking here also keeps names out of URL paths.
_SECRET_NAME = re.compile(r"^[0-9A-Za-z-]{1,127}$")
_DENIED_HINT = "grant the app identity the Key Vault Secrets User role"
# A secret read happens on a cold start or a cache expiry; fail within seconds rather than retry for minutes.
_CLIENT_DEFAULTS: dict[str, Any] = {"retry_total": 3, "connection_timeout": 10, "read_timeout": 30}


class SecretAccessError(RuntimeError):
    """A secret could not be read. The message names the vault and the secret, never the value."""

    def __init__(self, message: str, *, vault_url: str, secret_name: str, status_code: int | None = None) -> None:
        super().__init__(message)
        self.vault_url = vault_url
        self.secret_name = secret_name
        self.status_code = status_code


class SecretReader(Protocol):
    def get(self, name: str) -> str: ...

    def invalidate(self, name: str | None = None) -> None:
        """Forget a cached value, e.g. after the service it is for rejected it."""
        ...


class _SecretClient(Protocol):
    """The part of azure.keyvault.secrets.SecretClient we use."""

    def get_secret(self, name: str) -> Any: ...


@dataclass(frozen=True)
class _Cached:
    value: str = field(repr=False)  # a traceback or debug dump of the cache must not show the secret
    expires_at: float


class KeyVaultSecretReader:
    """Reads secrets through azure-keyvault-secrets and caches each one for `ttl_seconds` (thread-safe).

    Without a `credential`, a user-assigned managed identity (`managed_identity_client_id`) or else
    DefaultAzureCredential is created on first use. `client_kwargs` go to SecretClient (transport options such as
    `connection_verify`, `retry_total`, `verify_challenge_resource`).
    """

    def __init__(
        self,
        vault_url: str,
        credential: TokenCredential | None = None,
        ttl_seconds: float = 300,
        clock: Callable[[], float] = time.monotonic,
        client: _SecretClient | None = None,
        *,
        managed_identity_client_id: str | None = None,
        **client_kwargs: Any,
    ) -> None:
        if not vault_url.startswith("https://"):
            raise ValueError("vault_url must be an https:// URL")
        if ttl_seconds < 0:
            raise ValueError("ttl_seconds must not be negative")
        if client_kwargs.get("logging_enable"):
            # azure-core's network trace logging writes response bodies, i.e. secret values, to the log.
            raise ValueError("logging_enable is refused: it would write secret values to the log")
        self.vault_url = vault_url.rstrip("/")
        self._credential = credential
        self._ttl = ttl_seconds
        self._clock = clock
        self._client = client
        self._managed_identity_client_id = managed_identity_client_id
        self._client_kwargs = {**_CLIENT_DEFAULTS, **client_kwargs}
        self._cache: dict[str, _Cached] = {}
        self._guard = threading.Lock()
        self._name_locks: dict[str, threading.Lock] = {}

    def get(self, name: str) -> str:
        if not _SECRET_NAME.fullmatch(name):
            raise SecretAccessError(
                f"invalid secret name {name!r} for vault {self.vault_url} (1-127 letters, digits or dashes)",
                vault_url=self.vault_url,
                secret_name=name,
            )
        cached = self._fresh(name)
        if cached is not None:
            return cached
        # One fetch per name at a time: concurrent cold readers of the same secret wait for the first one.
        with self._lock_for(name):
            cached = self._fresh(name)
            if cached is not None:
                return cached
            value = self._fetch(name)
            with self._guard:
                self._cache[name] = _Cached(value, self._clock() + self._ttl)
            return value

    def invalidate(self, name: str | None = None) -> None:
        """Forget one cached secret (or all), e.g. after the service rejected a rotated credential."""
        with self._guard:
            if name is None:
                self._cache.clear()
            else:
                self._cache.pop(name, None)

    def _fresh(self, name: str) -> str | None:
        with self._guard:
            entry = self._cache.get(name)
        if entry is not None and self._clock() < entry.expires_at:
            return entry.value
        return None

    def _lock_for(self, name: str) -> threading.Lock:
        with self._guard:
            return self._name_locks.setdefault(name, threading.Lock())

    def _fetch(self, name: str) -> str:
        failure: SecretAccessError | None = None
        value: str | None = None
        try:
            value = self._secret_client().get_secret(name).value
        except (AzureError, ValueError, OSError) as exc:
            failure = _describe_failure(exc, self.vault_url, name)
        if failure is not None:
            raise failure  # outside the except block, so the SDK exception is not attached as context
        if value is None:
            raise SecretAccessError(
                f"secret '{name}' in vault {self.vault_url} has no value", vault_url=self.vault_url, secret_name=name
            )
        return value

    def _secret_client(self) -> _SecretClient:
        with self._guard:
            if self._client is None:
                from azure.keyvault.secrets import SecretClient

                credential = self._credential or _default_credential(self._managed_identity_client_id)
                self._client = SecretClient(self.vault_url, credential, **self._client_kwargs)
            return self._client


def secret_reader_from_settings(
    settings: Settings, credential: TokenCredential | None = None, **client_kwargs: Any
) -> SecretReader | None:
    """The Key Vault reader for KEY_VAULT_URL, or None when no vault is configured."""
    if not settings.key_vault_url:
        return None
    return KeyVaultSecretReader(
        settings.key_vault_url,
        credential,
        managed_identity_client_id=settings.managed_identity_client_id,
        **client_kwargs,
    )


def _default_credential(managed_identity_client_id: str | None) -> TokenCredential:
    # Imported here: azure.identity is heavy and only needed once a secret is actually read.
    if managed_identity_client_id:
        from azure.identity import ManagedIdentityCredential

        return ManagedIdentityCredential(client_id=managed_identity_client_id)
    from azure.identity import DefaultAzureCredential

    return DefaultAzureCredential()


def _describe_failure(exc: Exception, vault_url: str, name: str) -> SecretAccessError:
    """Translate an SDK failure; only status codes, error codes and transport reasons are quoted, never bodies."""
    status = getattr(exc, "status_code", None)

    def error(message: str) -> SecretAccessError:
        return SecretAccessError(message, vault_url=vault_url, secret_name=name, status_code=status)

    if isinstance(exc, ResourceNotFoundError) or status == 404:
        return error(f"secret '{name}' not found in vault {vault_url}")
    if status == 403:
        return error(f"access to secret '{name}' in vault {vault_url} was denied ({_DENIED_HINT})")
    if status == 401:
        return error(f"vault {vault_url} rejected the access token for secret '{name}' (HTTP 401)")
    if isinstance(exc, ClientAuthenticationError):
        # Raised by azure-identity before any request: no managed identity, no `az login`, bad tenant...
        return error(f"could not get a token to read secret '{name}' from vault {vault_url}: {_reason(exc)}")
    if isinstance(exc, ServiceRequestError | ServiceResponseError | OSError):
        return error(f"could not reach vault {vault_url} to read secret '{name}': {_reason(exc)}")
    if isinstance(exc, HttpResponseError) and status is not None and status >= 300:
        code = exc.error.code if exc.error is not None else None
        detail = f"HTTP {status}" + (f" {code}" if code else "")
        return error(f"reading secret '{name}' from vault {vault_url} failed ({detail})")
    if isinstance(exc, HttpResponseError | DeserializationError):
        # A 2xx body that would not deserialize: the exception text may quote that body, so it is not used.
        return error(f"vault {vault_url} sent an unreadable answer for secret '{name}' ({type(exc).__name__})")
    return error(
        f"could not use the authentication challenge of vault {vault_url} for secret '{name}' "
        f"({type(exc).__name__}); a vault outside *.vault.azure.net needs verify_challenge_resource=False"
    )


def _reason(exc: Exception) -> str:
    text = str(getattr(exc, "message", None) or exc or type(exc).__name__)
    # azure-identity lists every credential it tried on its own line; keep them, on one line.
    return " | ".join(line.strip() for line in text.splitlines() if line.strip())[:600]
