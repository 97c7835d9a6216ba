"""The reader as the app builds it in Azure: from settings, with the user-assigned managed identity."""

from __future__ import annotations

import pytest

from devtools.keyvault_stub import KeyVaultStub, ManagedIdentityEndpointStub, TokenRequest
from shared.config import Settings
from shared.secrets import KeyVaultSecretReader, SecretAccessError, secret_reader_from_settings

APP_IDENTITY = "4f1f2c2e-0b6a-4d8e-9a51-6f1d2b3c4d5e"


def _settings(**values: str) -> Settings:
    return Settings.model_validate({"AzureWebJobsStorage": "UseDevelopmentStorage=true", **values})


def test_no_vault_configured_means_no_reader(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("KEY_VAULT_URL", raising=False)

    assert secret_reader_from_settings(_settings()) is None


def test_reader_from_settings_uses_the_user_assigned_identity(monkeypatch: pytest.MonkeyPatch) -> None:
    with (
        ManagedIdentityEndpointStub(client_ids={APP_IDENTITY}) as identity,
        KeyVaultStub(accepted_tokens={identity.token}) as vault,
    ):
        for name, value in identity.environment().items():
            monkeypatch.setenv(name, value)
        vault.set_secret("graph-client-secret", "from-the-vault")
        settings = _settings(KEY_VAULT_URL=vault.vault_url, AZURE_CLIENT_ID=APP_IDENTITY)

        reader = secret_reader_from_settings(
            settings, connection_verify=vault.ca_cert, verify_challenge_resource=False, retry_total=0
        )

        assert isinstance(reader, KeyVaultSecretReader)
        assert reader.get("graph-client-secret") == "from-the-vault"
        assert identity.issued == [TokenRequest(resource="https://vault.azure.net", client_id=APP_IDENTITY)]


def test_unknown_identity_is_reported_as_a_token_failure(monkeypatch: pytest.MonkeyPatch) -> None:
    with ManagedIdentityEndpointStub(client_ids={APP_IDENTITY}) as identity, KeyVaultStub() as vault:
        for name, value in identity.environment().items():
            monkeypatch.setenv(name, value)
        vault.set_secret("graph-client-secret", "from-the-vault")
        settings = _settings(KEY_VAULT_URL=vault.vault_url, AZURE_CLIENT_ID="00000000-1111-2222-3333-444444444444")
        reader = secret_reader_from_settings(
            settings, connection_verify=vault.ca_cert, verify_challenge_resource=False, retry_total=0
        )
        assert reader is not None

        with pytest.raises(SecretAccessError, match="^could not get a token .*No managed identity found"):
            reader.get("graph-client-secret")
        assert vault.reads("graph-client-secret") == 0
