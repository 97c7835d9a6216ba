"""Build the token provider and Graph client the settings ask for. Identity libraries load only when needed."""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from shared.config import GraphAuthMode, Settings, SettingsError
from shared.graph.app_token import MsalTokenProvider, VaultCredential
from shared.graph.auth import CredentialTokenProvider, StaticTokenProvider, TokenProvider
from shared.graph.client import GraphClient
from shared.graph.device_code import DeviceCodeTokenProvider, default_token_cache_path

if TYPE_CHECKING:
    from shared.secrets import SecretReader

# The audience Entra ID expects for a managed identity's assertion in a federated credential.
FEDERATION_AUDIENCE = "api://AzureADTokenExchange/.default"


def token_provider_from_settings(
    settings: Settings,
    secret_reader: SecretReader | None = None,
    *,
    prompt_callback: Callable[[str], None] | None = None,
) -> TokenProvider:
    mode = settings.effective_auth_mode
    if mode is GraphAuthMode.STATIC:
        return StaticTokenProvider(settings.graph_access_token or "")
    if mode is GraphAuthMode.CLIENT_SECRET:
        if settings.graph_client_secret:
            return MsalTokenProvider(*_app_identity(settings), client_secret=settings.graph_client_secret,
                                     authority_host=settings.authority_host)
        reader = _vault(secret_reader, settings.graph_client_secret_name, "GRAPH_CLIENT_SECRET")
        source = VaultCredential(reader, settings.graph_client_secret_name)
        return MsalTokenProvider(*_app_identity(settings), source, authority_host=settings.authority_host)
    if mode is GraphAuthMode.CERTIFICATE:
        reader = _vault(secret_reader, settings.graph_certificate_name, "GRAPH_CERTIFICATE_NAME")
        source = VaultCredential(reader, settings.graph_certificate_name, certificate=True)
        return MsalTokenProvider(*_app_identity(settings), source, authority_host=settings.authority_host)
    if mode is GraphAuthMode.MANAGED_IDENTITY:
        return CredentialTokenProvider(_managed_identity_credential(settings))
    if mode is GraphAuthMode.DEVICE_CODE:
        return DeviceCodeTokenProvider(
            *_app_identity(settings),
            prompt_callback or _prompt_on_stderr,
            authority_host=settings.authority_host,
            cache_path=settings.graph_token_cache_path or default_token_cache_path(),
        )
    raise SettingsError(f"GRAPH_AUTH_MODE: unsupported mode {mode!r}")


def graph_client_from_settings(
    settings: Settings,
    secret_reader: SecretReader | None = None,
    *,
    prompt_callback: Callable[[str], None] | None = None,
) -> GraphClient:
    return GraphClient(
        settings.graph_base_url,
        token_provider_from_settings(settings, secret_reader, prompt_callback=prompt_callback),
        timeout=settings.graph_timeout_seconds,
        max_attempts=settings.graph_max_attempts,
    )


def _app_identity(settings: Settings) -> tuple[str, str]:
    missing = [name for name, value in (("GRAPH_TENANT_ID", settings.graph_tenant_id),
                                        ("GRAPH_CLIENT_ID", settings.graph_client_id)) if not value]
    if missing:
        raise SettingsError(f"{' and '.join(missing)} required for GRAPH_AUTH_MODE={settings.effective_auth_mode}")
    return settings.graph_tenant_id or "", settings.graph_client_id or ""


def _vault(secret_reader: SecretReader | None, name: str, setting: str) -> SecretReader:
    if secret_reader is None:
        raise SettingsError(f"{setting}: the Graph credential lives in Key Vault secret {name!r} but no Key Vault "
                            "reader is configured (set KEY_VAULT_URL)")
    return secret_reader


def _managed_identity_credential(settings: Settings) -> Any:
    from azure.identity import ClientAssertionCredential, ManagedIdentityCredential

    identity = ManagedIdentityCredential(client_id=settings.managed_identity_client_id)
    if not (settings.graph_tenant_id and settings.graph_client_id):
        return identity

    # Federated credential: the app registration trusts the managed identity, which signs in as the app
    # (possibly in another tenant) without any stored secret.
    def assertion() -> str:
        return str(identity.get_token(FEDERATION_AUDIENCE).token)

    return ClientAssertionCredential(
        settings.graph_tenant_id, settings.graph_client_id, assertion, authority=settings.authority_host
    )


def _prompt_on_stderr(message: str) -> None:
    # The device-code instructions are meant for the person at the terminal, not for the logs.
    sys.stderr.write(message + "\n")
    sys.stderr.flush()
